//! Item 1: signing a GET followers/ids and a POST friendships/create into a full
//! `Authorization` header — twapi, the raw HMAC-SHA1 lower bound, oauth1-request.

#[path = "peers/mod.rs"]
mod peers;

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use twapi_auth::oauth1::Signer;
use twapi_bench::signing::{
    Case, LowerBound, credentials, oauth_params, signature_of, twapi_header,
    twapi_header_keyed_per_call,
};

fn signing(c: &mut Criterion) {
    let credentials = credentials();
    let signer = Signer::new(&credentials);
    let builder = peers::oauth1_builder();
    for case in Case::ALL {
        let lower = LowerBound::new(case);
        // Asserted once, before measuring: all three compute the same signature.
        let ours = signature_of(&twapi_header(&signer, case));
        let theirs = signature_of(&peers::oauth1_header(&builder, case));
        assert_eq!(ours.as_deref(), Some(lower.keyed_per_call().as_str()));
        assert_eq!(
            ours,
            theirs,
            "oauth1-request signs {} differently",
            case.name()
        );

        let mut group = c.benchmark_group(format!("sign/{}", case.name()));
        group.bench_function("lower_bound_keyed_per_call", |b| {
            b.iter(|| black_box(&lower).keyed_per_call());
        });
        group.bench_function("lower_bound_pre_keyed", |b| {
            b.iter(|| black_box(&lower).pre_keyed());
        });
        group.bench_function("twapi_signature", |b| {
            b.iter(|| {
                signer
                    .signature(&black_box(case).parts(), &oauth_params())
                    .expect("signable")
            });
        });
        group.bench_function("twapi_header", |b| {
            b.iter(|| twapi_header(&signer, black_box(case)));
        });
        group.bench_function("twapi_header_keyed_per_call", |b| {
            b.iter(|| twapi_header_keyed_per_call(&credentials, black_box(case)));
        });
        group.bench_function("oauth1_request_header", |b| {
            b.iter(|| peers::oauth1_header(&builder, black_box(case)));
        });
        group.finish();
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .sample_size(50);
    targets = signing
}
criterion_main!(benches);
