//! The day's cost meter on Redis: it meters as the session's own meter does, and sessions that
//! share it (as processes would) are billed each user once a day, as the emulator bills them.

mod support;

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use proptest::prelude::*;
use twapi_core::EndpointId;
use twapi_core::cost::{Cost, Meter};
use twapi_core::session::Billing;
use twapi_hyper::ClientBuilder;
use twapi_hyper::core::fields::Fields;
use twapi_hyper::request::v2::UsersByIds;
use twapi_redis::RedisMeter;

use support::redis_server::RedisServer;

const ENDPOINTS: [EndpointId; 3] = [
    EndpointId::V2Followers,
    EndpointId::V2Follow,
    EndpointId::FriendshipsUpdate,
];

#[test]
fn redis_and_memory_meter_alike() {
    let server = RedisServer::start();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let case = std::cell::Cell::new(0u32);
    let billing = (
        0..3usize,
        proptest::collection::vec(0..40u64, 0..30),
        any::<bool>(),
        0..3u64,
    );
    proptest!(ProptestConfig::with_cases(32), |(bills in proptest::collection::vec(billing, 1..25))| {
        case.set(case.get() + 1);
        let shared = runtime
            .block_on(RedisMeter::connect(&server.url(), format!("case{}", case.get()), Duration::from_secs(2)))
            .expect("the test's redis-server");
        let mut local = Meter::new();
        // Today and later: a day's keys expire (in Redis's time) the day after it ends.
        let mut now = SystemTime::now();
        for (endpoint, ids, owned, days) in bills {
            now += Duration::from_secs(days * 40_000);
            let billing = Billing { endpoint: ENDPOINTS[endpoint], ids, owned };
            let expected = billing.apply(&mut local, now);
            let added = runtime.block_on(shared.record(&billing, now)).expect("redis answers");
            prop_assert_eq!(added, expected);
            let usage = runtime.block_on(shared.usage_at(now)).expect("redis answers");
            let local_usage = local.usage_at(now);
            // A day on which only free replies came is no day at all in Redis.
            if local_usage.returned > 0 {
                prop_assert_eq!(usage, local_usage);
            }
        }
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sessions_sharing_the_meter_are_billed_each_user_once_as_the_emulator_bills() {
    let redis = RedisServer::start();
    let emulator = support::emulator(200, Duration::from_secs(900)).await;
    let facts = emulator.facts().clone();
    let client = |meter: RedisMeter| {
        ClientBuilder::app_only(facts.bearer_token.clone())
            .base_url(facts.base_url.clone())
            .meter_store(Arc::new(meter))
            .build()
            .expect("a client")
    };
    let url = redis.url();
    let meter = || RedisMeter::connect(&url, "shared", Duration::from_secs(2));
    let (first, second) = (
        client(meter().await.expect("redis")),
        client(meter().await.expect("redis")),
    );
    let ids: Vec<_> = emulator
        .follower_ids(facts.user("most_followed").expect("a user").user_id().get())
        .into_iter()
        .take(30)
        .map(twapi_hyper::model::UserId::new)
        .collect();
    let lookup = |ids: &[twapi_hyper::model::UserId]| UsersByIds {
        ids: ids.to_vec(),
        fields: Fields::default(),
    };
    let one = first.send(&lookup(&ids[..20])).await.expect("a look-up");
    assert_eq!(one.charge().metered, Some(Cost::from_mills(10) * 20));
    // Ten of these the other session was billed for today: only ten are new.
    let two = second.send(&lookup(&ids[10..])).await.expect("a look-up");
    assert_eq!(two.charge().metered, Some(Cost::from_mills(10) * 10));
    let shared = meter()
        .await
        .expect("redis")
        .usage_at(SystemTime::now())
        .await
        .expect("redis");
    assert_eq!(
        shared,
        emulator.usage(),
        "the shared meter is the emulator's bill"
    );
    emulator.shutdown().await;
}
