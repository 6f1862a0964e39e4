//! The Redis store decides as the in-memory limiter does: one random sequence of
//! acquisitions, header observations, 429s and passing time, played on both, gives the same
//! verdicts, and leaves the same budgets (Redis forgets only those that say nothing any more).

mod support;

use std::time::{Duration, SystemTime};

use proptest::prelude::*;
use twapi_core::EndpointId;
use twapi_core::rate_limit::{Context, Limiter, LimiterConfig, RateLimit, RateLimitSnapshot};
use twapi_redis::RedisLimiter;

use support::redis_server::RedisServer;

/// Endpoints with every kind of budget: a window of 15 (v1 followers/ids), a user-only window
/// of 50 with the daily follow caps (v2 follow), the daily unfollow caps with no window
/// (v1 friendships/destroy), and no documented limit at all (v2 affiliates).
const ENDPOINTS: [EndpointId; 4] = [
    EndpointId::FollowersIds,
    EndpointId::V2Follow,
    EndpointId::FriendshipsDestroy,
    EndpointId::V2Affiliates,
];

fn contexts() -> [Context; 4] {
    [
        Context::app_only("app-a"),
        Context::user("app-a", 1),
        Context::user("app-a", 2),
        Context::app_only("app:{b}"),
    ]
}

#[derive(Debug, Clone)]
enum Event {
    Acquire(usize, usize),
    Observe(usize, usize, [Option<(u32, u32, i64)>; 3]),
    RateLimited(usize, usize, Option<i64>),
    Advance(u64),
}

fn limit() -> impl Strategy<Value = Option<(u32, u32, i64)>> {
    proptest::option::of((0..6u32, 0..8u32, -5..70i64))
}

fn event() -> impl Strategy<Value = Event> {
    prop_oneof![
        6 => (0..4usize, 0..4usize).prop_map(|(e, c)| Event::Acquire(e, c)),
        2 => (0..4usize, 0..4usize, [limit(), limit(), limit()])
            .prop_map(|(e, c, l)| Event::Observe(e, c, l)),
        1 => (0..4usize, 0..4usize, proptest::option::of(-5..40i64))
            .prop_map(|(e, c, r)| Event::RateLimited(e, c, r)),
        2 => (0..25u64).prop_map(Event::Advance),
    ]
}

fn offset(now: SystemTime, seconds: i64) -> SystemTime {
    let whole = now
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    SystemTime::UNIX_EPOCH + Duration::from_secs(whole.saturating_add_signed(seconds))
}

#[test]
fn redis_and_memory_make_the_same_decisions() {
    let server = RedisServer::start();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let config = LimiterConfig {
        window: Duration::from_secs(10),
        day: Duration::from_secs(60),
        ..LimiterConfig::default()
    };
    let redis = runtime
        .block_on(RedisLimiter::builder(server.url()).config(config).connect())
        .expect("the test's redis-server");
    let case = std::cell::Cell::new(0u32);
    proptest!(ProptestConfig::with_cases(48), |(events in proptest::collection::vec(event(), 1..60))| {
        case.set(case.get() + 1);
        let store = redis.clone().with_namespace(format!("case{}", case.get()));
        let mut memory = Limiter::new(config);
        let contexts = contexts();
        let mut now = SystemTime::UNIX_EPOCH + Duration::from_millis(1_700_000_000_250);
        for event in &events {
            match event {
                Event::Acquire(e, c) => {
                    let local = memory.acquire(ENDPOINTS[*e], &contexts[*c], now);
                    let shared = runtime
                        .block_on(store.acquire(ENDPOINTS[*e], &contexts[*c], now))
                        .expect("redis answers");
                    prop_assert_eq!(local, shared, "after {:?}", event);
                }
                Event::Observe(e, c, groups) => {
                    let [window, app_day, user_day] = groups.map(|group| {
                        group.map(|(limit, remaining, reset)| RateLimit {
                            limit,
                            remaining,
                            reset: offset(now, reset),
                        })
                    });
                    let snapshot = RateLimitSnapshot { window, app_day, user_day };
                    memory.observe(ENDPOINTS[*e], &contexts[*c], &snapshot, now);
                    runtime
                        .block_on(store.observe(ENDPOINTS[*e], &contexts[*c], &snapshot, now))
                        .expect("redis answers");
                }
                Event::RateLimited(e, c, reset) => {
                    let reset = reset.map(|r| offset(now, r));
                    memory.observe_rate_limited(ENDPOINTS[*e], &contexts[*c], reset, now);
                    runtime
                        .block_on(store.observe_rate_limited(ENDPOINTS[*e], &contexts[*c], reset, now))
                        .expect("redis answers");
                }
                Event::Advance(seconds) => now += Duration::from_millis(seconds * 700),
            }
        }
        // The budgets themselves: equal wherever the in-memory state still says something.
        for endpoint in ENDPOINTS {
            for ctx in &contexts {
                for key in Limiter::budgets_of(endpoint, ctx) {
                    let period = memory.period(key.bucket);
                    let local = memory
                        .budget(&key)
                        .filter(|state| state.informative_until(period, now).is_some());
                    let shared = runtime
                        .block_on(store.budget(&key))
                        .expect("redis answers")
                        .filter(|state| state.informative_until(period, now).is_some());
                    prop_assert_eq!(local, shared, "budget {:?}", key);
                }
            }
        }
    });
}
