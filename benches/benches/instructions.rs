//! The instruction guard: every signing, decoding and core operation of the benchmarks counted
//! exactly under callgrind by gungraun, one call each, its setup (payloads, keying, a warm-up
//! call) not counted.
//!
//! Instructions do not move with the machine's load, so they can guard regressions where times
//! cannot: `.ci/bench` runs this bench against the baselines committed in
//! `benches/instructions/` and fails when an operation grows by more than 5 %. The figures and
//! the method are in BENCHMARKS.md.
//!
//! Under `cargo test` (no `--bench`), gungraun runs each operation once, natively: the guard's
//! operations are checked to run without valgrind.

#[path = "peers/mod.rs"]
mod peers;

use std::hint::black_box;

use gungraun::prelude::*;
use serde::de::IgnoredAny;
use twapi_auth::oauth1::{Credentials, Signer};
use twapi_bench::exchange::{Crawl, Exchange, id_page};
use twapi_bench::payload::{self, Followers};
use twapi_bench::signing::{
    Case, LowerBound, credentials, twapi_header, twapi_header_keyed_per_call,
};
use twapi_core::Payload;
use twapi_model::UserId;
use twapi_model::v1::{IdPage, UserPage};
use twapi_model::v2;

// ---------------------------------------------------------------- signing

/// Everything a signing operation needs, keyed and warmed up before counting starts.
struct Signing {
    case: Case,
    lower: LowerBound,
    credentials: Credentials,
    signer: Signer,
    builder: oauth1_request::Builder<'static, oauth1_request::HmacSha1, &'static str>,
}

fn signing(case: Case) -> Signing {
    let signing = Signing {
        case,
        lower: LowerBound::new(case),
        credentials: credentials(),
        signer: Signer::new(&credentials()),
        builder: peers::oauth1_builder(),
    };
    // One call of each before counting: lazily built tables and the allocator's first pages
    // are the process's cost, not the operation's.
    drop(black_box((
        signing.lower.keyed_per_call(),
        twapi_header(&signing.signer, case),
        twapi_header_keyed_per_call(&signing.credentials, case),
        peers::oauth1_header(&signing.builder, case),
    )));
    signing
}

#[library_benchmark]
#[benches::case(args = [Case::FollowersIds, Case::FriendshipsCreate], setup = signing)]
fn sign_lower_bound_keyed_per_call(s: Signing) -> String {
    black_box(&s.lower).keyed_per_call()
}

#[library_benchmark]
#[benches::case(args = [Case::FollowersIds, Case::FriendshipsCreate], setup = signing)]
fn sign_lower_bound_pre_keyed(s: Signing) -> String {
    black_box(&s.lower).pre_keyed()
}

#[library_benchmark]
#[benches::case(args = [Case::FollowersIds, Case::FriendshipsCreate], setup = signing)]
fn sign_twapi_header(s: Signing) -> String {
    twapi_header(black_box(&s.signer), black_box(s.case))
}

#[library_benchmark]
#[benches::case(args = [Case::FollowersIds, Case::FriendshipsCreate], setup = signing)]
fn sign_twapi_header_keyed_per_call(s: Signing) -> String {
    twapi_header_keyed_per_call(black_box(&s.credentials), black_box(s.case))
}

#[library_benchmark]
#[benches::case(args = [Case::FollowersIds, Case::FriendshipsCreate], setup = signing)]
fn sign_oauth1_request_header(s: Signing) -> String {
    peers::oauth1_header(black_box(&s.builder), black_box(s.case))
}

library_benchmark_group!(
    name = sign;
    benchmarks =
        sign_lower_bound_keyed_per_call,
        sign_lower_bound_pre_keyed,
        sign_twapi_header,
        sign_twapi_header_keyed_per_call,
        sign_oauth1_request_header
);

// ---------------------------------------------------------------- decoding

/// The bodies of the decoding benchmarks, by name (only the one asked for is generated).
#[derive(Clone, Copy)]
enum Body {
    V1FollowersList200,
    V1FollowersIds5000Numbers,
    V1FollowersIds5000Strings,
    V2Followers1000,
    V2FollowersTalkative1000,
}

fn body(which: Body) -> Vec<u8> {
    let body = match which {
        Body::V1FollowersList200 => {
            payload::v1_user_page(payload::SEED, payload::V1_USERS_PER_PAGE)
        }
        Body::V1FollowersIds5000Numbers => {
            payload::v1_id_page(payload::SEED, payload::IDS_PER_PAGE, false)
        }
        Body::V1FollowersIds5000Strings => {
            payload::v1_id_page(payload::SEED, payload::IDS_PER_PAGE, true)
        }
        Body::V2Followers1000 => payload::v2_user_page_of(
            payload::SEED,
            payload::V2_USERS_PER_PAGE,
            Followers::Popular,
        ),
        Body::V2FollowersTalkative1000 => payload::v2_user_page_of(
            payload::SEED,
            payload::V2_USERS_PER_PAGE,
            Followers::Talkative,
        ),
    };
    drop(black_box(serde_json::from_slice::<IgnoredAny>(&body)));
    body
}

#[library_benchmark]
#[bench::v1_followers_list_200(args = (Body::V1FollowersList200), setup = body)]
#[bench::v1_followers_ids_5000_numbers(args = (Body::V1FollowersIds5000Numbers), setup = body)]
#[bench::v1_followers_ids_5000_strings(args = (Body::V1FollowersIds5000Strings), setup = body)]
#[bench::v2_followers_1000(args = (Body::V2Followers1000), setup = body)]
#[bench::v2_followers_talkative_1000(args = (Body::V2FollowersTalkative1000), setup = body)]
fn decode_lower_bound_ignored_any(body: Vec<u8>) -> IgnoredAny {
    serde_json::from_slice(black_box(&body)).expect("valid JSON")
}

#[library_benchmark]
#[bench::v1_followers_list_200(args = (Body::V1FollowersList200), setup = body)]
fn decode_twapi_v1_users(body: Vec<u8>) -> UserPage {
    <UserPage as Payload>::decode(black_box(&body)).expect("decodes")
}

#[library_benchmark]
#[bench::v1_followers_ids_5000_numbers(args = (Body::V1FollowersIds5000Numbers), setup = body)]
#[bench::v1_followers_ids_5000_strings(args = (Body::V1FollowersIds5000Strings), setup = body)]
fn decode_twapi_v1_ids(body: Vec<u8>) -> IdPage {
    <IdPage as Payload>::decode(black_box(&body)).expect("decodes")
}

#[library_benchmark]
#[bench::v2_followers_1000(args = (Body::V2Followers1000), setup = body)]
#[bench::v2_followers_talkative_1000(args = (Body::V2FollowersTalkative1000), setup = body)]
fn decode_twapi_v2_users(body: Vec<u8>) -> v2::UserPage {
    <v2::UserPage as Payload>::decode(black_box(&body)).expect("decodes")
}

library_benchmark_group!(
    name = decode;
    benchmarks =
        decode_lower_bound_ignored_any,
        decode_twapi_v1_users,
        decode_twapi_v1_ids,
        decode_twapi_v2_users
);

// ---------------------------------------------------------------- core

fn exchange() -> Exchange {
    let exchange = Exchange::new(payload::v1_id_page(
        payload::SEED,
        payload::IDS_PER_PAGE,
        true,
    ));
    drop(black_box(exchange.round_trip()));
    exchange
}

#[library_benchmark(setup = exchange)]
#[bench::followers_ids()]
fn core_exchange_build_sign(exchange: Exchange) -> http::Request<bytes::Bytes> {
    black_box(&exchange).prepare()
}

#[library_benchmark(setup = exchange)]
#[bench::followers_ids()]
fn core_exchange_build_sign_decode(exchange: Exchange) -> impl Sized {
    black_box(&exchange).round_trip()
}

#[library_benchmark(setup = exchange)]
#[bench::followers_ids()]
fn core_exchange_decode_only(exchange: Exchange) -> IdPage {
    black_box(&exchange).decode_only()
}

/// A crawl that has taken one page, and the next page of 5,000 ids.
fn crawl() -> (Crawl, IdPage) {
    let ids: Vec<UserId> = payload::follower_ids(payload::SEED, payload::IDS_PER_PAGE)
        .into_iter()
        .map(UserId::new)
        .collect();
    let mut crawl = Crawl::new();
    drop(black_box(crawl.pager_step(id_page(ids.clone(), 2))));
    crawl.limiter_step();
    (crawl, id_page(ids, 3))
}

#[library_benchmark(setup = crawl)]
#[bench::page_of_5000_ids()]
fn core_pager_step((mut crawl, page): (Crawl, IdPage)) -> Vec<UserId> {
    crawl.pager_step(black_box(page))
}

#[library_benchmark(setup = crawl)]
#[bench::page_of_5000_ids()]
fn core_limiter_step((mut crawl, _page): (Crawl, IdPage)) -> Crawl {
    crawl.limiter_step();
    crawl
}

library_benchmark_group!(
    name = core;
    benchmarks =
        core_exchange_build_sign,
        core_exchange_build_sign_decode,
        core_exchange_decode_only,
        core_pager_step,
        core_limiter_step
);

main!(library_benchmark_groups = sign, decode, core);
