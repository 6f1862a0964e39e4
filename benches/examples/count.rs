//! The callgrind driver: `count <operation> <n>` runs one operation `n` times.
//!
//! Instructions per operation are `(I(n2) - I(n1)) / (n2 - n1)` for two runs under
//! `valgrind --tool=callgrind`: the setup (payload generation, keying) cancels out exactly.
//! `report.sh` does this for every operation; `count list` names them.
//!
//! `count time <rounds> <operation>...` times operations interleaved and prints each one's
//! fastest batch (ns per operation): the time figure that load on a shared machine disturbs
//! least, beside criterion's medians.

#[path = "../benches/peers/mod.rs"]
mod peers;

use std::hint::black_box;
use std::time::{Duration, Instant};

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

/// One operation, its setup done: each call runs it once.
type Op<'a> = Box<dyn FnMut() -> Result<(), String> + 'a>;

/// An operation from a closure: its value is kept from being optimized away, then dropped.
fn op<'a, T>(mut f: impl FnMut() -> T + 'a) -> Op<'a> {
    Box::new(move || {
        drop(black_box(f()));
        Ok(())
    })
}

/// An operation that can fail (a decoder, a signer): its error ends the run.
fn fallible<'a, T, E: std::fmt::Display>(mut f: impl FnMut() -> Result<T, E> + 'a) -> Op<'a> {
    Box::new(move || {
        drop(black_box(f().map_err(|e| e.to_string())?));
        Ok(())
    })
}

/// The operation `name`, set up over `payloads`.
fn operation<'a>(name: &str, payloads: &'a Payloads) -> Result<Op<'a>, String> {
    let unknown = || format!("unknown operation {name}; `count list` names them");
    let last = name.rsplit('/').next().unwrap_or_default();
    if name.starts_with("sign/") {
        let case = case(name);
        let credentials = credentials();
        let signer = Signer::new(&credentials);
        let lower = LowerBound::new(case);
        let builder = peers::oauth1_builder();
        return Ok(match last {
            "lower_bound_keyed_per_call" => op(move || lower.keyed_per_call()),
            "lower_bound_pre_keyed" => op(move || lower.pre_keyed()),
            "twapi_signature" => {
                fallible(move || signer.signature(&black_box(case).parts(), &oauth_params()))
            }
            "twapi_header" => op(move || twapi_header(&signer, black_box(case))),
            "twapi_header_keyed_per_call" => {
                op(move || twapi_header_keyed_per_call(&credentials, black_box(case)))
            }
            "oauth1_request_header" => op(move || peers::oauth1_header(&builder, black_box(case))),
            _ => return Err(unknown()),
        });
    }
    if name.starts_with("decode/") {
        let body = body(payloads, name);
        let v1_list = name.contains("v1_followers_list");
        let ids = name.contains("v1_followers_ids");
        return Ok(match last {
            "lower_bound_ignored_any" => {
                fallible(move || serde_json::from_slice::<IgnoredAny>(black_box(body)))
            }
            "serde_json_value" => {
                fallible(move || serde_json::from_slice::<serde_json::Value>(black_box(body)))
            }
            "twapi" if v1_list => fallible(move || <UserPage as Payload>::decode(black_box(body))),
            "twapi" if ids => fallible(move || <IdPage as Payload>::decode(black_box(body))),
            "twapi" => fallible(move || <v2::UserPage as Payload>::decode(black_box(body))),
            "twapi_generic_serde" => {
                fallible(move || twapi_model::decode::<v2::UserPage>(black_box(body)))
            }
            "egg_mode" if v1_list => fallible(move || peers::egg_mode_users(black_box(body))),
            "egg_mode" => fallible(move || peers::egg_mode_ids(black_box(body))),
            "twitter_v2" => fallible(move || peers::twitter_v2_users(black_box(body))),
            _ => return Err(unknown()),
        });
    }
    if name.starts_with("core/followers_ids_exchange/") {
        let exchange = Exchange::new(payloads.v1_ids_strings.clone());
        return Ok(match last {
            "decode_only" => op(move || black_box(&exchange).decode_only()),
            "build_sign_decode" => op(move || black_box(&exchange).round_trip()),
            "build_sign" => op(move || black_box(&exchange).prepare()),
            _ => return Err(unknown()),
        });
    }
    if name.starts_with("core/bookkeeping_per_page/") {
        let ids: Vec<UserId> = payload::follower_ids(payload::SEED, payload::IDS_PER_PAGE)
            .into_iter()
            .map(UserId::new)
            .collect();
        let mut crawl = Crawl::new();
        let mut next: i64 = 2;
        // The page handed to the pager is made (and its items dropped) in both `pager` and
        // `pager_setup`; their difference is the pager's own work.
        return Ok(match last {
            "pager" => op(move || {
                next += 1;
                crawl.pager_step(id_page(ids.clone(), next))
            }),
            "pager_setup" => op(move || {
                next += 1;
                id_page(ids.clone(), next)
            }),
            "limiter" => op(move || crawl.limiter_step()),
            _ => return Err(unknown()),
        });
    }
    Err(unknown())
}

/// Runs `name` `n` times (for callgrind: the setup cancels out between two values of `n`).
fn run(name: &str, n: u64) -> Result<(), String> {
    let payloads = Payloads::generate();
    let mut op = operation(name, &payloads)?;
    for _ in 0..n {
        op()?;
    }
    Ok(())
}

/// How long one timed batch of an operation lasts, about.
const BATCH: Duration = Duration::from_millis(10);

/// Times `names` interleaved: `rounds` rounds, each running every operation for one batch in
/// turn, and prints each operation's fastest batch in nanoseconds per operation. On a shared
/// machine load comes and goes; interleaving exposes every operation to the same load, and
/// the fastest batch is the one least disturbed by it.
fn time(names: &[String], rounds: u32) -> Result<(), String> {
    let payloads = Payloads::generate();
    let mut ops = names
        .iter()
        .map(|name| operation(name, &payloads))
        .collect::<Result<Vec<_>, _>>()?;
    // Batch sizes: as many operations as fill one batch, warm.
    let mut sizes = Vec::with_capacity(ops.len());
    for op in &mut ops {
        let started = Instant::now();
        let mut n: u64 = 0;
        while started.elapsed() < BATCH {
            op()?;
            n += 1;
        }
        sizes.push(n);
    }
    let mut best = vec![f64::INFINITY; ops.len()];
    for _ in 0..rounds {
        for ((op, &n), best) in ops.iter_mut().zip(&sizes).zip(&mut best) {
            let started = Instant::now();
            for _ in 0..n {
                op()?;
            }
            let per_op = started.elapsed().as_secs_f64() * 1e9 / n as f64;
            *best = best.min(per_op);
        }
    }
    for (name, ns) in names.iter().zip(best) {
        println!("{name}\t{ns:.1}");
    }
    Ok(())
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let outcome = match args.as_slice() {
        [list] if list == "list" => {
            for name in NAMES {
                println!("{name}");
            }
            Ok(())
        }
        [time_word, rounds, names @ ..] if time_word == "time" && !names.is_empty() => {
            match rounds.parse::<u32>() {
                Ok(rounds) => time(names, rounds),
                Err(_) => Err("rounds must be a number".to_owned()),
            }
        }
        [name, n] => match n.parse::<u64>() {
            Ok(n) => run(name, n),
            Err(_) => Err("n must be a number".to_owned()),
        },
        _ => {
            eprintln!(
                "usage: count list | count <operation> <n> | count time <rounds> <operation>..."
            );
            std::process::exit(2);
        }
    };
    if let Err(e) = outcome {
        eprintln!("{e}");
        std::process::exit(1);
    }
}
