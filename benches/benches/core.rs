//! Item 3: the core's own cost — a followers/ids exchange (build, sign, decode the reply)
//! against decoding its body alone, and the pager and limiter bookkeeping of a page.

use std::hint::black_box;
use std::time::Duration;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use twapi_bench::exchange::{Crawl, Exchange, id_page};
use twapi_bench::payload::{self, Payloads};
use twapi_model::UserId;

fn core(c: &mut Criterion) {
    let payloads = Payloads::generate();
    let exchange = Exchange::new(payloads.v1_ids_strings.clone());
    assert_eq!(exchange.round_trip().1.value, exchange.decode_only());

    let mut group = c.benchmark_group("core/followers_ids_exchange");
    group.bench_function("decode_only", |b| {
        b.iter(|| black_box(&exchange).decode_only());
    });
    group.bench_function("build_sign_decode", |b| {
        b.iter(|| black_box(&exchange).round_trip());
    });
    group.bench_function("build_sign", |b| b.iter(|| black_box(&exchange).prepare()));
    group.finish();

    let ids: Vec<UserId> = payload::follower_ids(payload::SEED, payload::IDS_PER_PAGE)
        .into_iter()
        .map(UserId::new)
        .collect();
    let mut group = c.benchmark_group("core/bookkeeping_per_page");
    let mut crawl = Crawl::new();
    let mut next = 1_i64;
    group.bench_function("pager", |b| {
        b.iter_batched(
            || {
                next += 1;
                id_page(ids.clone(), next)
            },
            |page| crawl.pager_step(page),
            BatchSize::SmallInput,
        );
    });
    let mut crawl = Crawl::new();
    group.bench_function("limiter", |b| b.iter(|| crawl.limiter_step()));
    let mut crawl = Crawl::new();
    let mut next = 1_i64;
    group.bench_function("pager_and_limiter", |b| {
        b.iter_batched(
            || {
                next += 1;
                id_page(ids.clone(), next)
            },
            |page| {
                crawl.limiter_step();
                crawl.pager_step(page)
            },
            BatchSize::SmallInput,
        );
    });
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .sample_size(50);
    targets = core
}
criterion_main!(benches);
