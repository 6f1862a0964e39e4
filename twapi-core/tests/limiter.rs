//! The client-side limiter: documented budgets, header feedback, 429s, daily caps shared
//! across API versions, concurrency, persistence, and a no-overflow invariant under arbitrary
//! schedules.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use proptest::prelude::*;
use twapi_core::endpoint::{DailyBucket, EndpointId, LimitsProfile};
use twapi_core::rate_limit::{
    Bucket, Context, Limiter, LimiterConfig, RateLimit, RateLimitSnapshot, WaitUntil,
};

const T0: u64 = 1_700_000_000;

fn at(secs: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(secs)
}

fn secs(n: u64) -> Duration {
    Duration::from_secs(n)
}

fn window(limit: u32, remaining: u32, reset: SystemTime) -> RateLimitSnapshot {
    RateLimitSnapshot {
        window: Some(RateLimit {
            limit,
            remaining,
            reset,
        }),
        ..RateLimitSnapshot::default()
    }
}

/// Grants until refused; returns how many were granted and the refusal.
fn drain(
    limiter: &mut Limiter,
    endpoint: EndpointId,
    ctx: &Context,
    now: SystemTime,
) -> (u32, WaitUntil) {
    let mut granted = 0;
    loop {
        match limiter.acquire(endpoint, ctx, now) {
            Ok(permit) => {
                assert_eq!((permit.endpoint(), permit.granted_at()), (endpoint, now));
                granted += 1;
            }
            Err(wait) => return (granted, wait),
        }
        assert!(granted <= 100_000, "{endpoint} never ran out");
    }
}

#[test]
fn a_documented_window_grants_its_limit_then_waits_for_the_reset() {
    let mut limiter = Limiter::default();
    let ctx = Context::user("app", 1);
    let (granted, wait) = drain(&mut limiter, EndpointId::FollowersIds, &ctx, at(T0));
    assert_eq!(granted, 15);
    assert_eq!(
        wait,
        WaitUntil {
            until: at(T0 + 900),
            bucket: Bucket::Window(EndpointId::FollowersIds)
        }
    );
    assert!(
        limiter
            .acquire(EndpointId::FollowersIds, &ctx, at(T0 + 899))
            .is_err()
    );
    assert_eq!(
        drain(&mut limiter, EndpointId::FollowersIds, &ctx, at(T0 + 900)).0,
        15
    );
}

#[test]
fn users_apps_and_endpoints_have_separate_windows() {
    let mut limiter = Limiter::default();
    let now = at(T0);
    let show = EndpointId::FriendshipsShow;
    assert_eq!(
        drain(&mut limiter, show, &Context::user("app", 1), now).0,
        180
    );
    assert_eq!(
        drain(&mut limiter, show, &Context::user("app", 2), now).0,
        180
    );
    assert_eq!(
        drain(&mut limiter, show, &Context::user("other", 1), now).0,
        180
    );
    assert_eq!(
        drain(&mut limiter, show, &Context::app_only("app"), now).0,
        15
    );
    assert_eq!(
        drain(
            &mut limiter,
            EndpointId::UsersShow,
            &Context::user("app", 1),
            now
        )
        .0,
        900
    );
    assert_eq!(
        drain(
            &mut limiter,
            EndpointId::V2Me,
            &Context::user("app", 1),
            now
        )
        .0,
        75
    );
}

#[test]
fn budgets_with_no_documented_limit_and_no_header_are_unlimited_and_leave_no_state() {
    let mut limiter = Limiter::default();
    let ctx = Context::user("app", 1);
    for _ in 0..5_000 {
        assert!(
            limiter
                .acquire(EndpointId::FriendshipsUpdate, &ctx, at(T0))
                .is_ok()
        );
    }
    assert_eq!(limiter, Limiter::default());
}

#[test]
fn follows_share_one_daily_budget_across_v1_and_v2() {
    let config = LimiterConfig {
        window: secs(1),
        day: secs(1_000),
        limits: LimitsProfile::Current2026,
    };
    let mut limiter = Limiter::new(config);
    let ctx = Context::user("app", 7);
    let mut now = T0;
    let mut granted = 0;
    // Alternate the two follow endpoints, a new 1-second window each step.
    loop {
        let endpoint = if granted % 2 == 0 {
            EndpointId::FriendshipsCreate
        } else {
            EndpointId::V2Follow
        };
        match limiter.acquire(endpoint, &ctx, at(now)) {
            Ok(_) => granted += 1,
            Err(wait) => {
                assert_eq!(
                    wait,
                    WaitUntil {
                        until: at(T0 + 1_000),
                        bucket: Bucket::Daily(DailyBucket::Follow)
                    }
                );
                break;
            }
        }
        now += 1;
        assert!(granted <= 10_000, "the follow budget never ran out");
    }
    assert_eq!(granted, 400);
    // Unfollows are another budget.
    assert!(
        limiter
            .acquire(EndpointId::FriendshipsDestroy, &ctx, at(now))
            .is_ok()
    );
    // A new day, a new budget.
    assert!(
        limiter
            .acquire(EndpointId::V2Follow, &ctx, at(T0 + 1_000))
            .is_ok()
    );
}

#[test]
fn the_app_daily_cap_counts_all_users_of_the_app() {
    let mut limiter = Limiter::default();
    let now = at(T0);
    let mut granted = 0;
    for user in 1..=3 {
        let (n, wait) = drain(
            &mut limiter,
            EndpointId::FriendshipsCreate,
            &Context::user("app", user),
            now,
        );
        granted += n;
        if user == 3 {
            assert_eq!(wait.bucket, Bucket::Daily(DailyBucket::Follow));
            assert_eq!(wait.until, now + secs(86_400));
        }
    }
    assert_eq!(granted, 1_000);
    // Another app has its own cap.
    assert!(
        limiter
            .acquire(
                EndpointId::FriendshipsCreate,
                &Context::user("other", 1),
                now
            )
            .is_ok()
    );

    let mut limiter = Limiter::default();
    let mut unfollows = 0;
    for user in 1..=2 {
        unfollows += drain(
            &mut limiter,
            EndpointId::FriendshipsDestroy,
            &Context::user("app", user),
            now,
        )
        .0;
    }
    assert_eq!(unfollows, 500, "500 unfollows per app, no per-user cap");
}

#[test]
fn a_refusal_reserves_nothing() {
    let config = LimiterConfig {
        window: secs(10),
        day: secs(100),
        limits: LimitsProfile::Current2026,
    };
    let mut limiter = Limiter::new(config);
    let ctx = Context::user("app", 1);
    // Exhaust the v2 follow window (50) ...
    assert_eq!(
        drain(&mut limiter, EndpointId::V2Follow, &ctx, at(T0)).0,
        50
    );
    // ... and refusals by that window must not have spent the daily follow budget:
    for _ in 0..1_000 {
        assert!(
            limiter
                .acquire(EndpointId::V2Follow, &ctx, at(T0 + 1))
                .is_err()
        );
    }
    assert_eq!(
        drain(
            &mut limiter,
            EndpointId::FriendshipsCreate,
            &ctx,
            at(T0 + 1)
        )
        .0,
        350
    );
}

#[test]
fn headers_lower_the_remaining_count_but_never_raise_it() {
    let mut limiter = Limiter::default();
    let ctx = Context::user("app", 1);
    let ids = EndpointId::FollowersIds;
    for _ in 0..5 {
        assert!(limiter.acquire(ids, &ctx, at(T0)).is_ok());
    }
    // A late response claims 14 left: the 5 local reservations say 10 at most.
    limiter.observe(ids, &ctx, &window(15, 14, at(T0 + 900)), at(T0 + 1));
    assert_eq!(drain(&mut limiter, ids, &ctx, at(T0 + 1)).0, 10);

    // Another process spent the budget: the server says 2 left.
    let mut limiter = Limiter::default();
    assert!(limiter.acquire(ids, &ctx, at(T0)).is_ok());
    limiter.observe(ids, &ctx, &window(15, 2, at(T0 + 900)), at(T0 + 1));
    assert_eq!(drain(&mut limiter, ids, &ctx, at(T0 + 1)).0, 2);
}

#[test]
fn the_servers_reset_is_adopted_and_clamped_to_one_window() {
    let mut limiter = Limiter::default();
    let ctx = Context::user("app", 1);
    let ids = EndpointId::FollowersIds;
    assert!(limiter.acquire(ids, &ctx, at(T0)).is_ok());
    // The server's window started earlier: it resets in 100 s with nothing left.
    limiter.observe(ids, &ctx, &window(15, 0, at(T0 + 100)), at(T0 + 1));
    assert_eq!(
        limiter.acquire(ids, &ctx, at(T0 + 1)).unwrap_err().until,
        at(T0 + 100)
    );
    assert_eq!(drain(&mut limiter, ids, &ctx, at(T0 + 100)).0, 15);

    // A reset an hour ahead is clock skew: clamped to one window from now, plus the second a
    // server may round its whole-second reset up by.
    let mut limiter = Limiter::default();
    limiter.observe(ids, &ctx, &window(15, 0, at(T0 + 3_600)), at(T0));
    assert_eq!(
        limiter.acquire(ids, &ctx, at(T0)).unwrap_err().until,
        at(T0 + 901)
    );
}

#[test]
fn a_stale_header_is_ignored_but_its_limit_is_learned() {
    let mut limiter = Limiter::default();
    let ctx = Context::user("app", 1);
    let ids = EndpointId::FollowersIds;
    // A higher tier: the server announces 300 a window, but the reset has already passed.
    limiter.observe(ids, &ctx, &window(300, 0, at(T0 - 5)), at(T0));
    assert_eq!(drain(&mut limiter, ids, &ctx, at(T0)).0, 300);
}

#[test]
fn a_higher_announced_limit_applies_from_the_next_window() {
    let mut limiter = Limiter::default();
    let ctx = Context::app_only("app");
    let ids = EndpointId::FollowersIds;
    assert!(limiter.acquire(ids, &ctx, at(T0)).is_ok());
    limiter.observe(ids, &ctx, &window(300, 299, at(T0 + 900)), at(T0));
    // This window was opened with the documented 15: 14 left, whatever the header says.
    assert_eq!(drain(&mut limiter, ids, &ctx, at(T0)).0, 14);
    assert_eq!(drain(&mut limiter, ids, &ctx, at(T0 + 900)).0, 300);
}

#[test]
fn headers_on_an_undocumented_budget_make_it_limited() {
    let mut limiter = Limiter::new(LimiterConfig {
        window: secs(900),
        day: secs(86_400),
        limits: LimitsProfile::Current2026,
    });
    let ctx = Context::user("app", 1);
    let update = EndpointId::FriendshipsUpdate;
    limiter.observe(update, &ctx, &window(3, 1, at(T0 + 60)), at(T0));
    assert_eq!(drain(&mut limiter, update, &ctx, at(T0)).0, 1);
    assert_eq!(drain(&mut limiter, update, &ctx, at(T0 + 60)).0, 3);

    // A 24-hour budget announced on an endpoint without a documented one.
    let snapshot = RateLimitSnapshot {
        user_day: Some(RateLimit {
            limit: 2,
            remaining: 2,
            reset: at(T0 + 3_600),
        }),
        ..RateLimitSnapshot::default()
    };
    let me = EndpointId::V2Me;
    limiter.observe(me, &ctx, &snapshot, at(T0));
    let (granted, wait) = drain(&mut limiter, me, &ctx, at(T0));
    assert_eq!(
        (granted, wait.bucket, wait.until),
        (2, Bucket::EndpointDaily(me), at(T0 + 3_600))
    );
    // It is the user's budget: another user of the app is not held back by it.
    assert_eq!(
        drain(&mut limiter, me, &Context::user("app", 2), at(T0)).0,
        75
    );
}

#[test]
fn daily_headers_reach_the_shared_buckets() {
    let mut limiter = Limiter::default();
    let alice = Context::user("app", 1);
    let bob = Context::user("app", 2);
    let snapshot = RateLimitSnapshot {
        app_day: Some(RateLimit {
            limit: 1_000,
            remaining: 3,
            reset: at(T0 + 50_000),
        }),
        ..RateLimitSnapshot::default()
    };
    // Seen on a v2 follow by alice; it binds v1.1 follows by bob too.
    limiter.observe(EndpointId::V2Follow, &alice, &snapshot, at(T0));
    let (granted, wait) = drain(&mut limiter, EndpointId::FriendshipsCreate, &bob, at(T0));
    assert_eq!(
        (granted, wait.bucket),
        (3, Bucket::Daily(DailyBucket::Follow))
    );
    assert_eq!(wait.until, at(T0 + 50_000));

    // A user's 24-hour group is meaningless for an app-only request and is ignored.
    let mut limiter = Limiter::default();
    let user_day = RateLimitSnapshot {
        user_day: Some(RateLimit {
            limit: 0,
            remaining: 0,
            reset: at(T0 + 10),
        }),
        ..RateLimitSnapshot::default()
    };
    limiter.observe(
        EndpointId::V2Followers,
        &Context::app_only("app"),
        &user_day,
        at(T0),
    );
    assert_eq!(limiter, Limiter::default());
}

#[test]
fn a_429_blocks_until_the_reset_or_for_a_whole_window() {
    let ctx = Context::user("app", 1);
    let ids = EndpointId::FollowersIds;
    let blocked_until = |reset: Option<SystemTime>| {
        let mut limiter = Limiter::default();
        limiter.observe_rate_limited(ids, &ctx, reset, at(T0));
        limiter.acquire(ids, &ctx, at(T0)).unwrap_err().until
    };
    assert_eq!(blocked_until(Some(at(T0 + 42))), at(T0 + 42));
    assert_eq!(blocked_until(None), at(T0 + 900));
    assert_eq!(
        blocked_until(Some(at(T0 - 1))),
        at(T0 + 900),
        "a past reset is no information"
    );
    assert_eq!(
        blocked_until(Some(at(T0 + 10 * 86_400))),
        at(T0 + 86_400),
        "clamped to a day"
    );

    // Also on an endpoint with no documented window; afterwards it is unlimited again.
    let mut limiter = Limiter::default();
    let update = EndpointId::FriendshipsUpdate;
    limiter.observe_rate_limited(update, &ctx, Some(at(T0 + 5)), at(T0));
    assert!(limiter.acquire(update, &ctx, at(T0 + 4)).is_err());
    for _ in 0..100 {
        assert!(limiter.acquire(update, &ctx, at(T0 + 5)).is_ok());
    }
}

#[test]
fn an_announced_limit_of_zero_leaves_one_probe_per_window() {
    let mut limiter = Limiter::default();
    let ctx = Context::user("app", 1);
    let ids = EndpointId::FollowersIds;
    limiter.observe(ids, &ctx, &window(0, 0, at(T0 + 100)), at(T0));
    assert_eq!(
        limiter.acquire(ids, &ctx, at(T0)).unwrap_err().until,
        at(T0 + 100)
    );
    let (granted, wait) = drain(&mut limiter, ids, &ctx, at(T0 + 100));
    assert_eq!((granted, wait.until), (1, at(T0 + 1_000)));
}

#[test]
fn eight_threads_sharing_a_limiter_never_overdraw_it() {
    let limiter = Arc::new(Mutex::new(Limiter::default()));
    let ctx = Context::user("app", 1);
    let handles: Vec<_> = (0..8)
        .map(|_| {
            let limiter = Arc::clone(&limiter);
            let ctx = ctx.clone();
            std::thread::spawn(move || {
                (0..40)
                    .filter(|_| {
                        let mut limiter = limiter.lock().unwrap();
                        limiter.acquire(EndpointId::V2Follow, &ctx, at(T0)).is_ok()
                    })
                    .count()
            })
        })
        .collect();
    let granted: usize = handles
        .into_iter()
        .map(|handle| handle.join().unwrap())
        .sum();
    assert_eq!(granted, 50);
}

#[test]
fn prune_forgets_only_what_carries_no_information() {
    let mut limiter = Limiter::default();
    let ctx = Context::user("app", 1);
    assert!(
        limiter
            .acquire(EndpointId::FollowersIds, &ctx, at(T0))
            .is_ok()
    );
    limiter.observe(
        EndpointId::UsersShow,
        &ctx,
        &window(1_000, 999, at(T0 + 900)),
        at(T0),
    );
    let before = limiter.clone();
    limiter.prune(at(T0 + 899));
    assert_eq!(limiter, before);
    limiter.prune(at(T0 + 900));
    // The followers/ids window ended; the users/show limit learned from a header stays.
    let json = serde_json::to_value(&limiter).unwrap();
    assert_eq!(json["buckets"].as_array().unwrap().len(), 1);
    assert_eq!(
        json["buckets"][0]["bucket"],
        serde_json::json!({ "window": "users_show" })
    );
}

#[test]
fn an_app_whose_budgets_are_all_pruned_leaves_nothing_behind() {
    let mut limiter = Limiter::default();
    for app in ["app", "other"] {
        let ctx = Context::user(app, 1);
        assert!(
            limiter
                .acquire(EndpointId::FollowersIds, &ctx, at(T0))
                .is_ok()
        );
    }
    limiter.prune(at(T0 + 900));
    assert_eq!(limiter, Limiter::default());
}

#[test]
fn state_lists_budgets_by_bucket_then_app_then_user() {
    let mut limiter = Limiter::default();
    // App "a" only asks users/show, app "b" only followers/ids: sorted by app first, "a"
    // would lead; sorted by bucket first, as the list always has been, "b" leads.
    let steps = [
        ("a", 7, EndpointId::UsersShow),
        ("b", 9, EndpointId::FollowersIds),
        ("b", 8, EndpointId::FollowersIds),
    ];
    for (app, user, endpoint) in steps {
        assert!(
            limiter
                .acquire(endpoint, &Context::user(app, user), at(T0))
                .is_ok()
        );
    }
    let json = serde_json::to_value(&limiter).unwrap();
    let listed: Vec<(String, u64)> = json["buckets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| {
            (
                b["app"].as_str().unwrap().to_owned(),
                b["user"].as_u64().unwrap(),
            )
        })
        .collect();
    let expected = [("b", 8), ("b", 9), ("a", 7)].map(|(app, user)| (app.to_owned(), user));
    assert_eq!(listed, expected);
    assert_eq!(serde_json::from_value::<Limiter>(json).unwrap(), limiter);
}

#[test]
fn state_serializes_as_plain_json() {
    let mut limiter = Limiter::default();
    let ctx = Context::user("app", 783_214);
    assert!(
        limiter
            .acquire(EndpointId::FriendshipsCreate, &ctx, at(T0))
            .is_ok()
    );
    assert!(
        limiter
            .acquire(EndpointId::FollowersIds, &Context::app_only("app"), at(T0))
            .is_ok()
    );
    limiter.observe(
        EndpointId::UsersLookup,
        &ctx,
        &window(900, 10, at(T0 + 600)),
        at(T0),
    );
    insta::assert_json_snapshot!("limiter_state", limiter);
    let json = serde_json::to_string(&limiter).unwrap();
    assert_eq!(serde_json::from_str::<Limiter>(&json).unwrap(), limiter);
}

// ---------------------------------------------------------------------------------------
// Property tests

const WINDOW: Duration = Duration::from_secs(10);
/// How far past one period the limiter accepts a server's reset: resets are whole seconds.
const RESET_ROUNDING: Duration = Duration::from_secs(1);
const DAY: Duration = Duration::from_secs(300);
const CONFIG: LimiterConfig = LimiterConfig {
    window: WINDOW,
    day: DAY,
    limits: LimitsProfile::Current2026,
};

const ENDPOINTS: [EndpointId; 8] = [
    EndpointId::FollowersIds,
    EndpointId::FriendshipsShow,
    EndpointId::V2Follow,
    EndpointId::FriendshipsCreate,
    EndpointId::V2Unfollow,
    EndpointId::FriendshipsDestroy,
    EndpointId::FriendshipsUpdate,
    EndpointId::V2Me,
];

fn contexts() -> [Context; 5] {
    [
        Context::user("a", 1),
        Context::user("a", 2),
        Context::user("a", 3),
        Context::app_only("a"),
        Context::user("b", 1),
    ]
}

#[derive(Debug, Clone)]
struct Announced {
    limit: u32,
    remaining: u32,
    /// Reset relative to the current whole second (X sends whole seconds).
    reset_offset: i64,
}

#[derive(Debug, Clone)]
enum Op {
    Acquire {
        times: u32,
    },
    Observe {
        window: Option<Announced>,
        app_day: Option<Announced>,
        user_day: Option<Announced>,
    },
    RateLimited {
        reset_offset: Option<i64>,
    },
}

#[derive(Debug, Clone)]
struct Step {
    advance_ms: u64,
    endpoint: usize,
    ctx: usize,
    op: Op,
}

fn announced() -> impl Strategy<Value = Announced> {
    (0u32..=60, 0u32..=70, -20i64..=150).prop_map(|(limit, remaining, reset_offset)| Announced {
        limit,
        remaining,
        reset_offset,
    })
}

fn step() -> impl Strategy<Value = Step> {
    let op = prop_oneof![
        12 => (1u32..=40).prop_map(|times| Op::Acquire { times }),
        1 => (100u32..=250).prop_map(|times| Op::Acquire { times }),
        3 => (
            prop::option::weighted(0.7, announced()),
            prop::option::weighted(0.3, announced()),
            prop::option::weighted(0.3, announced()),
        )
            .prop_map(|(window, app_day, user_day)| Op::Observe { window, app_day, user_day }),
        1 => prop::option::of(-5i64..=100).prop_map(|reset_offset| Op::RateLimited { reset_offset }),
    ];
    // Writes are drawn more often, so that schedules reach the daily caps.
    let endpoint = prop_oneof![
        1 => Just(0usize),
        1 => Just(1usize),
        3 => Just(2usize),
        3 => Just(3usize),
        3 => Just(4usize),
        3 => Just(5usize),
        1 => Just(6usize),
        1 => Just(7usize),
    ];
    (
        prop_oneof![3 => Just(0u64), 4 => 0u64..=2_000, 1 => 0u64..=30_000],
        endpoint,
        0..5usize,
        op,
    )
        .prop_map(|(advance_ms, endpoint, ctx, op)| Step {
            advance_ms,
            endpoint,
            ctx,
            op,
        })
}

fn whole_second_plus(now: SystemTime, offset: i64) -> SystemTime {
    let second = now.duration_since(UNIX_EPOCH).unwrap().as_secs();
    at(second.saturating_add_signed(offset))
}

fn rate_limit(now: SystemTime, announced: &Announced) -> RateLimit {
    RateLimit {
        limit: announced.limit,
        remaining: announced.remaining,
        reset: whole_second_plus(now, announced.reset_offset),
    }
}

/// One decision of the limiter, for comparing two runs.
type Decision = Option<Result<(), WaitUntil>>;

/// Applies one step; returns the decisions of its acquires.
fn apply(limiter: &mut Limiter, now: SystemTime, step: &Step) -> Vec<Decision> {
    let endpoint = ENDPOINTS[step.endpoint];
    let ctx = &contexts()[step.ctx];
    match &step.op {
        Op::Acquire { times } => (0..*times)
            .map(|_| Some(limiter.acquire(endpoint, ctx, now).map(|_| ())))
            .collect(),
        Op::Observe {
            window,
            app_day,
            user_day,
        } => {
            let snapshot = RateLimitSnapshot {
                window: window.as_ref().map(|a| rate_limit(now, a)),
                app_day: app_day.as_ref().map(|a| rate_limit(now, a)),
                user_day: user_day.as_ref().map(|a| rate_limit(now, a)),
            };
            limiter.observe(endpoint, ctx, &snapshot, now);
            vec![None]
        }
        Op::RateLimited { reset_offset } => {
            let reset = reset_offset.map(|offset| whole_second_plus(now, offset));
            limiter.observe_rate_limited(endpoint, ctx, reset, now);
            vec![None]
        }
    }
}

/// A budget as the test names it, independently of the limiter's internals.
type BudgetKey = (Bucket, String, Option<u64>);

fn daily_bucket(endpoint: EndpointId) -> Bucket {
    match endpoint {
        EndpointId::FriendshipsCreate | EndpointId::V2Follow => Bucket::Daily(DailyBucket::Follow),
        EndpointId::FriendshipsDestroy | EndpointId::V2Unfollow => {
            Bucket::Daily(DailyBucket::Unfollow)
        }
        other => Bucket::EndpointDaily(other),
    }
}

fn documented(key: &BudgetKey) -> Option<u32> {
    let user_context = key.2.is_some();
    match key.0 {
        Bucket::Window(endpoint) => endpoint
            .descriptor()
            .window_for(CONFIG.limits)
            .for_context(user_context),
        Bucket::Daily(daily) => {
            let caps = daily.caps();
            if user_context { caps.user } else { caps.app }
        }
        _ => None,
    }
}

fn period(key: &BudgetKey) -> Duration {
    if matches!(key.0, Bucket::Window(_)) {
        WINDOW
    } else {
        DAY
    }
}

/// What the test knows about one budget from the inputs alone.
#[derive(Default)]
struct Audit {
    grants: Vec<SystemTime>,
    /// Instants at which the budget may have started afresh: every reset a grant, a header
    /// or a 429 can have set.
    refills: Vec<SystemTime>,
    /// The largest limit ever announced for the budget.
    announced_max: u32,
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    /// Whatever the schedule and whatever the headers say, a budget never grants more than
    /// its limit between two instants at which it can start afresh: the limiter never lets a
    /// window or a daily cap overflow.
    #[test]
    fn no_window_or_daily_cap_ever_overflows(steps in prop::collection::vec(step(), 1..200)) {
        let mut limiter = Limiter::new(CONFIG);
        let mut audits: BTreeMap<BudgetKey, Audit> = BTreeMap::new();
        let mut now = at(T0);
        for step in &steps {
            now += Duration::from_millis(step.advance_ms);
            let endpoint = ENDPOINTS[step.endpoint];
            let ctx = contexts()[step.ctx].clone();
            let window_key: BudgetKey = (Bucket::Window(endpoint), ctx.app.clone(), ctx.user);
            let user_day_key = ctx.user.map(|user| (daily_bucket(endpoint), ctx.app.clone(), Some(user)));
            let app_day_key: BudgetKey = (daily_bucket(endpoint), ctx.app.clone(), None);
            let decisions = apply(&mut limiter, now, step);
            match &step.op {
                Op::Acquire { .. } => {
                    let granted = decisions.iter().filter(|decision| matches!(decision, Some(Ok(())))).count();
                    let keys = std::iter::once(window_key).chain(user_day_key).chain([app_day_key]);
                    for key in keys {
                        let refill = now + period(&key);
                        let audit = audits.entry(key).or_default();
                        for _ in 0..granted {
                            audit.grants.push(now);
                            audit.refills.push(refill);
                        }
                    }
                }
                Op::Observe { window, app_day, user_day } => {
                    let groups = [
                        (Some(window_key), window),
                        (user_day_key, user_day),
                        (Some(app_day_key), app_day),
                    ];
                    for (key, announced) in groups {
                        let (Some(key), Some(announced)) = (key, announced) else { continue };
                        let reset = rate_limit(now, announced).reset;
                        // The limiter clamps a header's reset to one period, plus the second
                        // by which X rounds resets up (see `Limiter`'s rules).
                        let clamp = now + period(&key) + RESET_ROUNDING;
                        let audit = audits.entry(key).or_default();
                        audit.announced_max = audit.announced_max.max(announced.limit);
                        if reset > now {
                            audit.refills.push(reset.min(clamp));
                        }
                    }
                }
                Op::RateLimited { reset_offset } => {
                    let reset = reset_offset.map(|offset| whole_second_plus(now, offset));
                    let until = match reset {
                        Some(reset) if reset > now => reset.min(now + DAY),
                        _ => now + WINDOW,
                    };
                    audits.entry(window_key).or_default().refills.push(until);
                }
            }
        }
        for (key, mut audit) in audits {
            let Some(documented) = documented(&key) else { continue };
            let bound = documented.max(audit.announced_max);
            audit.refills.sort();
            let mut per_piece: BTreeMap<usize, u32> = BTreeMap::new();
            for grant in &audit.grants {
                let piece = audit.refills.partition_point(|refill| refill <= grant);
                *per_piece.entry(piece).or_default() += 1;
            }
            for (piece, count) in per_piece {
                prop_assert!(count <= bound, "{key:?}: {count} grants in piece {piece}, limit {bound}");
            }
        }
    }

    /// A limiter serialized and restored mid-schedule decides exactly as one that never
    /// stopped.
    #[test]
    fn a_restored_limiter_decides_like_the_original(
        steps in prop::collection::vec(step(), 1..80),
        split in any::<prop::sample::Index>(),
    ) {
        let split = split.index(steps.len() + 1);
        let mut original = Limiter::new(CONFIG);
        let mut resumed = Limiter::new(CONFIG);
        let mut now = at(T0);
        for (index, step) in steps.iter().enumerate() {
            if index == split {
                let json = serde_json::to_string(&resumed).unwrap();
                resumed = serde_json::from_str(&json).unwrap();
            }
            now += Duration::from_millis(step.advance_ms);
            let expected = apply(&mut original, now, step);
            prop_assert_eq!(apply(&mut resumed, now, step), expected, "step {}", index);
        }
        prop_assert_eq!(&resumed, &original);
        let json = serde_json::to_string(&original).unwrap();
        prop_assert_eq!(serde_json::from_str::<Limiter>(&json).unwrap(), original);
    }
}

#[test]
fn the_profile_decides_the_documented_windows() {
    // Today's table (X, 2026-01-16): followers 300 a window per user and per app; the 2021
    // figure was 15. Lookups, `me` and v1.1 are the same in both.
    let drained = |limits, endpoint, ctx: &Context| {
        let mut limiter = Limiter::new(LimiterConfig {
            limits,
            ..LimiterConfig::default()
        });
        drain(&mut limiter, endpoint, ctx, at(T0)).0
    };
    let (user, app) = (Context::user("app", 1), Context::app_only("app"));
    assert_eq!(LimiterConfig::default().limits, LimitsProfile::Current2026);
    for endpoint in [EndpointId::V2Followers, EndpointId::V2Following] {
        assert_eq!(drained(LimitsProfile::Current2026, endpoint, &user), 300);
        assert_eq!(drained(LimitsProfile::Current2026, endpoint, &app), 300);
        assert_eq!(drained(LimitsProfile::Classic2021, endpoint, &user), 15);
        assert_eq!(drained(LimitsProfile::Classic2021, endpoint, &app), 15);
    }
    for limits in LimitsProfile::ALL {
        assert_eq!(drained(limits, EndpointId::V2UsersByIds, &user), 900);
        assert_eq!(drained(limits, EndpointId::V2UsersByIds, &app), 300);
        assert_eq!(drained(limits, EndpointId::V2UsersSearch, &user), 900);
        assert_eq!(drained(limits, EndpointId::V2Me, &user), 75);
        assert_eq!(drained(limits, EndpointId::V2Follow, &user), 50);
        assert_eq!(drained(limits, EndpointId::FollowersIds, &user), 15);
    }
}
