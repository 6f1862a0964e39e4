//! The callgrind driver: `count <operation> <n>` runs one operation `n` times.
//!
//! Instructions per operation are `(I(n2) - I(n1)) / (n2 - n1)` for two runs under
//! `valgrind --tool=callgrind`: the setup (payload generation, keying) cancels out exactly.
//! `report.sh` does this for every operation; `count list` names them.

#[path = "../benches/peers/mod.rs"]
mod peers;

use std::hint::black_box;

use serde::de::IgnoredAny;
use twapi_auth::oauth1::Signer;
use twapi_bench::exchange::{Crawl, Exchange, id_page};
use twapi_bench::payload::{self, Payloads};
use twapi_bench::signing::{
    Case, LowerBound, credentials, oauth_params, twapi_header, twapi_header_keyed_per_call,
};
use twapi_core::Payload;
use twapi_model::UserId;
use twapi_model::v1::{IdPage, UserPage};
use twapi_model::v2;

const NAMES: &[&str] = &[
    "sign/followers_ids/lower_bound_keyed_per_call",
    "sign/followers_ids/lower_bound_pre_keyed",
    "sign/followers_ids/twapi_signature",
    "sign/followers_ids/twapi_header",
    "sign/followers_ids/twapi_header_keyed_per_call",
    "sign/followers_ids/oauth1_request_header",
    "sign/friendships_create/lower_bound_keyed_per_call",
    "sign/friendships_create/lower_bound_pre_keyed",
    "sign/friendships_create/twapi_signature",
    "sign/friendships_create/twapi_header",
    "sign/friendships_create/twapi_header_keyed_per_call",
    "sign/friendships_create/oauth1_request_header",
    "decode/v1_followers_list_200/lower_bound_ignored_any",
    "decode/v1_followers_list_200/twapi",
    "decode/v1_followers_list_200/serde_json_value",
    "decode/v1_followers_list_200/egg_mode",
    "decode/v1_followers_ids_5000_numbers/lower_bound_ignored_any",
    "decode/v1_followers_ids_5000_numbers/twapi",
    "decode/v1_followers_ids_5000_numbers/serde_json_value",
    "decode/v1_followers_ids_5000_numbers/egg_mode",
    "decode/v1_followers_ids_5000_strings/lower_bound_ignored_any",
    "decode/v1_followers_ids_5000_strings/twapi",
    "decode/v1_followers_ids_5000_strings/serde_json_value",
    "decode/v2_followers_1000/lower_bound_ignored_any",
    "decode/v2_followers_1000/twapi",
    "decode/v2_followers_1000/twapi_generic_serde",
    "decode/v2_followers_1000/serde_json_value",
    "decode/v2_followers_1000/twitter_v2",
    "core/followers_ids_exchange/decode_only",
    "core/followers_ids_exchange/build_sign_decode",
    "core/followers_ids_exchange/build_sign",
    "core/bookkeeping_per_page/pager",
    "core/bookkeeping_per_page/pager_setup",
    "core/bookkeeping_per_page/limiter",
];

fn case(name: &str) -> Case {
    if name.contains("friendships_create") {
        Case::FriendshipsCreate
    } else {
        Case::FollowersIds
    }
}

fn body<'a>(payloads: &'a Payloads, name: &str) -> &'a [u8] {
    if name.contains("v1_followers_list") {
        &payloads.v1_user_page
    } else if name.contains("ids_5000_numbers") {
        &payloads.v1_ids_numbers
    } else if name.contains("ids_5000_strings") {
        &payloads.v1_ids_strings
    } else {
        &payloads.v2_user_page
    }
}

/// Runs `name` `n` times.
fn run(name: &str, n: u64) -> Result<(), String> {
    let last = name.rsplit('/').next().unwrap_or_default();
    if name.starts_with("sign/") {
        let case = case(name);
        let credentials = credentials();
        let signer = Signer::new(&credentials);
        let lower = LowerBound::new(case);
        let builder = peers::oauth1_builder();
        for _ in 0..n {
            match last {
                "lower_bound_keyed_per_call" => drop(black_box(lower.keyed_per_call())),
                "lower_bound_pre_keyed" => drop(black_box(lower.pre_keyed())),
                "twapi_signature" => drop(black_box(
                    signer.signature(&black_box(case).parts(), &oauth_params()),
                )),
                "twapi_header" => drop(black_box(twapi_header(&signer, black_box(case)))),
                "twapi_header_keyed_per_call" => drop(black_box(twapi_header_keyed_per_call(
                    &credentials,
                    black_box(case),
                ))),
                "oauth1_request_header" => {
                    drop(black_box(peers::oauth1_header(&builder, black_box(case))));
                }
                _ => return Err(format!("unknown operation {name}")),
            }
        }
        return Ok(());
    }
    if name.starts_with("decode/") {
        let payloads = Payloads::generate();
        let body = body(&payloads, name);
        let v1_list = name.contains("v1_followers_list");
        let ids = name.contains("v1_followers_ids");
        for _ in 0..n {
            let body = black_box(body);
            match last {
                "lower_bound_ignored_any" => {
                    black_box(
                        serde_json::from_slice::<IgnoredAny>(body).map_err(|e| e.to_string())?,
                    );
                }
                "serde_json_value" => drop(black_box(
                    serde_json::from_slice::<serde_json::Value>(body).map_err(|e| e.to_string())?,
                )),
                "twapi" if v1_list => drop(black_box(
                    <UserPage as Payload>::decode(body).map_err(|e| e.to_string())?,
                )),
                "twapi" if ids => drop(black_box(
                    <IdPage as Payload>::decode(body).map_err(|e| e.to_string())?,
                )),
                "twapi" => drop(black_box(
                    <v2::UserPage as Payload>::decode(body).map_err(|e| e.to_string())?,
                )),
                "twapi_generic_serde" => drop(black_box(
                    twapi_model::decode::<v2::UserPage>(body).map_err(|e| e.to_string())?,
                )),
                "egg_mode" if v1_list => drop(black_box(
                    peers::egg_mode_users(body).map_err(|e| e.to_string())?,
                )),
                "egg_mode" => drop(black_box(
                    peers::egg_mode_ids(body).map_err(|e| e.to_string())?,
                )),
                "twitter_v2" => drop(black_box(
                    peers::twitter_v2_users(body).map_err(|e| e.to_string())?,
                )),
                _ => return Err(format!("unknown operation {name}")),
            }
        }
        return Ok(());
    }
    if name.starts_with("core/followers_ids_exchange/") {
        let exchange = Exchange::new(Payloads::generate().v1_ids_strings);
        for _ in 0..n {
            match last {
                "decode_only" => drop(black_box(black_box(&exchange).decode_only())),
                "build_sign_decode" => drop(black_box(black_box(&exchange).round_trip())),
                "build_sign" => drop(black_box(black_box(&exchange).prepare())),
                _ => return Err(format!("unknown operation {name}")),
            }
        }
        return Ok(());
    }
    if name.starts_with("core/bookkeeping_per_page/") {
        let ids: Vec<UserId> = payload::follower_ids(payload::SEED, payload::IDS_PER_PAGE)
            .into_iter()
            .map(UserId::new)
            .collect();
        let mut crawl = Crawl::new();
        for i in 0..n {
            let next = i64::try_from(i).unwrap_or(0) + 2;
            match last {
                // The page handed to the pager is made (and its items dropped) in both
                // operations; their difference is the pager's own work.
                "pager" => drop(black_box(crawl.pager_step(id_page(ids.clone(), next)))),
                "pager_setup" => drop(black_box(id_page(ids.clone(), next))),
                "limiter" => crawl.limiter_step(),
                _ => return Err(format!("unknown operation {name}")),
            }
        }
        return Ok(());
    }
    Err(format!("unknown operation {name}; `count list` names them"))
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.as_slice() {
        [list] if list == "list" => {
            for name in NAMES {
                println!("{name}");
            }
        }
        [name, n] => {
            let Ok(n) = n.parse::<u64>() else {
                eprintln!("n must be a number");
                std::process::exit(2);
            };
            if let Err(e) = run(name, n) {
                eprintln!("{e}");
                std::process::exit(1);
            }
        }
        _ => {
            eprintln!("usage: count list | count <operation> <n>");
            std::process::exit(2);
        }
    }
}
