//! Decoding pages from bytes in memory — twapi, the validating-scan lower bound
//! (`IgnoredAny`), `serde_json::Value`, egg-mode (v1.1) and twitter-v2 (v2).

#[path = "peers/mod.rs"]
mod peers;

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use serde::de::IgnoredAny;
use twapi_bench::payload::Payloads;
use twapi_core::Payload;
use twapi_model::v1::{IdPage, UserPage};
use twapi_model::v2;

fn lower_bound(body: &[u8]) -> IgnoredAny {
    serde_json::from_slice(body).expect("valid JSON")
}

fn value(body: &[u8]) -> serde_json::Value {
    serde_json::from_slice(body).expect("valid JSON")
}

fn decoding(c: &mut Criterion) {
    let payloads = Payloads::generate();

    let body = payloads.v1_user_page.as_slice();
    let mut group = c.benchmark_group("decode/v1_followers_list_200");
    group.throughput(Throughput::Bytes(body.len() as u64));
    group.bench_function("lower_bound_ignored_any", |b| {
        b.iter(|| lower_bound(black_box(body)));
    });
    group.bench_function("twapi", |b| {
        b.iter(|| <UserPage as Payload>::decode(black_box(body)).expect("decodes"));
    });
    group.bench_function("serde_json_value", |b| b.iter(|| value(black_box(body))));
    group.bench_function("egg_mode", |b| {
        b.iter(|| peers::egg_mode_users(black_box(body)).expect("decodes"));
    });
    group.finish();

    for (name, body, egg) in [
        (
            "decode/v1_followers_ids_5000_numbers",
            payloads.v1_ids_numbers.as_slice(),
            true,
        ),
        (
            "decode/v1_followers_ids_5000_strings",
            payloads.v1_ids_strings.as_slice(),
            false,
        ),
    ] {
        let mut group = c.benchmark_group(name);
        group.throughput(Throughput::Bytes(body.len() as u64));
        group.bench_function("lower_bound_ignored_any", |b| {
            b.iter(|| lower_bound(black_box(body)));
        });
        group.bench_function("twapi", |b| {
            b.iter(|| <IdPage as Payload>::decode(black_box(body)).expect("decodes"));
        });
        group.bench_function("serde_json_value", |b| b.iter(|| value(black_box(body))));
        // egg-mode's ids are `u64`: it cannot read a stringify_ids page at all.
        if egg {
            group.bench_function("egg_mode", |b| {
                b.iter(|| peers::egg_mode_ids(black_box(body)).expect("decodes"));
            });
        }
        group.finish();
    }

    for (name, body) in [
        ("decode/v2_followers_1000", payloads.v2_user_page.as_slice()),
        (
            "decode/v2_followers_talkative_1000",
            payloads.v2_talkative_page.as_slice(),
        ),
    ] {
        let mut group = c.benchmark_group(name);
        group.throughput(Throughput::Bytes(body.len() as u64));
        group.bench_function("lower_bound_ignored_any", |b| {
            b.iter(|| lower_bound(black_box(body)));
        });
        group.bench_function("twapi", |b| {
            b.iter(|| <v2::UserPage as Payload>::decode(black_box(body)).expect("decodes"));
        });
        group.bench_function("twapi_generic_serde", |b| {
            b.iter(|| twapi_model::decode::<v2::UserPage>(black_box(body)).expect("decodes"));
        });
        group.bench_function("serde_json_value", |b| b.iter(|| value(black_box(body))));
        group.bench_function("twitter_v2", |b| {
            b.iter(|| peers::twitter_v2_users(black_box(body)).expect("decodes"));
        });
        group.finish();
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3))
        .sample_size(30);
    targets = decoding
}
criterion_main!(benches);
