//! Redis stopped mid-run: a call fails with the typed error and nothing is sent, or, with the
//! fallback configured, the local limiter decides (and counts) meanwhile. No panic either way.

mod support;

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use twapi_core::EndpointId;
use twapi_core::rate_limit::{Bucket, Context, Limiter};
use twapi_hyper::request::v2::UserById;
use twapi_hyper::{CallError, ClientBuilder, LimiterHandle};
use twapi_redis::{RedisLimiter, StoreError};

use support::redis_server::RedisServer;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stopped_redis_gives_the_typed_error_or_the_configured_fallback() {
    let mut redis = RedisServer::start();
    let emulator = support::emulator(200, Duration::from_secs(900)).await;
    let facts = emulator.facts().clone();
    let strict = RedisLimiter::builder(redis.url())
        .connect()
        .await
        .expect("the test's redis-server");
    let local = LimiterHandle::default();
    let lenient = RedisLimiter::builder(redis.url())
        .fallback(local.clone())
        .connect()
        .await
        .expect("the test's redis-server");
    let client = |store: RedisLimiter| {
        ClientBuilder::app_only(facts.bearer_token.clone())
            .base_url(facts.base_url.clone())
            .limiter_store(Arc::new(store))
            .build()
            .expect("a client")
    };
    let (strict, lenient) = (client(strict), client(lenient));
    let request = UserById {
        id: facts.user("plain").expect("a plain user").user_id(),
        fields: twapi_hyper::core::fields::Fields::default(),
    };
    strict
        .send(&request)
        .await
        .expect("a call while Redis runs");
    lenient
        .send(&request)
        .await
        .expect("a call while Redis runs");

    redis.stop();

    match strict.send(&request).await {
        Err(CallError::Store(error)) => {
            let error = error
                .downcast_ref::<StoreError>()
                .unwrap_or_else(|| panic!("not the store's error: {error}"));
            assert!(matches!(error, StoreError::Redis(_)), "{error}");
        }
        other => panic!("expected CallError::Store, got {other:?}"),
    }
    lenient
        .send(&request)
        .await
        .expect("the fallback decides while Redis is away");
    // The fallback counted it (and the answer's headers): it is a limiter, not a free pass.
    let key = Limiter::budgets_of(EndpointId::V2UserById, &Context::app_only("default"))
        .into_iter()
        .find(|key| key.bucket == Bucket::Window(EndpointId::V2UserById))
        .expect("the window's budget");
    let state = local
        .snapshot()
        .budget(&key)
        .expect("the fallback's budget");
    assert!(
        state
            .informative_until(std::time::Duration::from_secs(900), SystemTime::now())
            .is_some()
    );
    // The strict client sent nothing after the stop: the app's window at the emulator counted
    // the two calls before it, the lenient one after it, and this one.
    let reply = lenient.send(&request).await.expect("the fallback again");
    let window = reply.rate_limit().window.expect("the window's headers");
    assert_eq!(window.limit - window.remaining, 4);
    emulator.shutdown().await;
}
