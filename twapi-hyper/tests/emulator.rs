//! The client against the emulator, in-process, for what only this driver has or what the
//! drivers' conformance suite (tests/conformance.rs) does not cover: identity without the
//! token's prefix, OAuth 2.0 user and app-only clients, typed errors, page and item streams,
//! X's 429 without a limiter, retries switched off under faults, limiters shared between
//! clients. The emulator's ground truth (`follower_ids`) is what the walks are checked against.

use std::time::Duration;

use futures_util::StreamExt;
use twapi_core::error_code::ErrorCode;
use twapi_core::pager::{Pager, PagerState};
use twapi_core::param::Invalid;
use twapi_core::rate_limit::{Limiter, LimiterConfig};
use twapi_core::request::v1::{FollowersIds, Users, UsersLookup, UsersShow};
use twapi_core::request::v2::{Followers, Me};
use twapi_core::retry::RetryPolicy;
use twapi_core::{Auth, ScreenName, UserRef};
use twapi_emulator::{Config, DemoUser, Emulator, Faults};
use twapi_hyper::{CallError, Client, ClientBuilder, LimiterHandle, SessionBuilder};
use twapi_model::UserId;

/// The emulator's demo users by role, and the acting user's credentials.
struct World {
    emulator: Emulator,
    /// The user the client acts for: a plain account.
    me: DemoUser,
    most_followed: DemoUser,
    protected: DemoUser,
}

async fn world(config: Config) -> World {
    let emulator = Emulator::start(config).await.expect("the emulator starts");
    let facts = emulator.facts();
    let find = |role: &str| {
        facts
            .user(role)
            .cloned()
            .unwrap_or_else(|| panic!("the emulator names a {role} user"))
    };
    let me = find("plain");
    let most_followed = find("most_followed");
    let protected = find("protected");
    World {
        emulator,
        me,
        most_followed,
        protected,
    }
}

fn name(user: &DemoUser) -> ScreenName {
    user.screen_name.parse().expect("a valid screen name")
}

fn ids(values: impl IntoIterator<Item = UserId>) -> Vec<u64> {
    values.into_iter().map(UserId::get).collect()
}

impl World {
    /// A client acting for `me`, with retries quick enough for tests.
    fn builder(&self) -> ClientBuilder {
        ClientBuilder::oauth1(&self.emulator.facts().credentials(&self.me))
            .base_url(self.emulator.base_url())
            .retry_policy(RetryPolicy::new(
                8,
                Duration::from_millis(5),
                Duration::from_millis(40),
            ))
            .jitter_seed(1)
    }

    fn client(&self) -> Client {
        self.builder().build().expect("a client")
    }

    /// A page size that splits `user`'s followers into about `pages` pages.
    fn count_for(&self, user: &DemoUser, pages: usize) -> u32 {
        let followers = self.emulator.follower_ids(user.user_id().get()).len();
        u32::try_from(followers.div_ceil(pages))
            .expect("small")
            .clamp(1, 5_000)
    }
}

#[tokio::test]
async fn without_the_access_token_prefix_the_user_is_asked_once_of_users_me() {
    let w = world(Config {
        users: 1_000,
        ..Config::default()
    })
    .await;
    // Built from a bare `Auth`: neither the app nor the user is known up front.
    let credentials = w.emulator.facts().credentials(&w.me);
    let client = ClientBuilder::new(SessionBuilder::new(Auth::oauth1(&credentials)))
        .base_url(w.emulator.base_url())
        .build()
        .expect("a client");
    assert_eq!(client.my_id().await.expect("my id"), w.me.user_id());
    let followed = client
        .follow(w.most_followed.user_id())
        .await
        .expect("a follow");
    assert!(followed.following);
    let me = client.me().await.expect("me");
    assert_eq!(me.username, w.me.screen_name);
    w.emulator.shutdown().await;
}

#[tokio::test]
async fn an_oauth2_user_follows_without_knowing_its_id() {
    let w = world(Config {
        users: 1_000,
        ..Config::default()
    })
    .await;
    // The PKCE flow itself is the emulator's tests' (tests/wire.rs); here, only its token.
    let token = w.emulator.oauth2_user_token(&w.me).expect("a token for me");
    let client = ClientBuilder::oauth2_user(token)
        .base_url(w.emulator.base_url())
        .build()
        .expect("a client");
    let followed = client
        .follow(w.protected.user_id())
        .await
        .expect("a follow");
    assert_eq!(followed.pending_follow, Some(true));
    assert_eq!(client.my_id().await.expect("cached"), w.me.user_id());
    let undone = client
        .unfollow(w.protected.user_id())
        .await
        .expect("an unfollow");
    assert!(!undone.following);
    let page = client
        .send(&Followers::of(w.most_followed.user_id()))
        .await
        .expect("OAuth 2.0 user tokens read v2");
    assert!(!page.value.items().is_empty());
    w.emulator.shutdown().await;
}

#[tokio::test]
async fn app_only_reads_and_is_refused_user_endpoints_before_sending() {
    let w = world(Config {
        users: 1_000,
        ..Config::default()
    })
    .await;
    let client = ClientBuilder::app_only(w.emulator.facts().bearer_token.clone())
        .base_url(w.emulator.base_url())
        .build()
        .expect("a client");
    let shown = client
        .send(&UsersShow::of(name(&w.most_followed)))
        .await
        .expect("app-only reads users");
    assert_eq!(shown.value.id, w.most_followed.user_id());
    let refused = client.send(&Me::default()).await.expect_err("user only");
    assert!(
        matches!(
            refused.cause(),
            CallError::Core(twapi_core::Error::Invalid(e)) if matches!(e.reason(), Invalid::UnsupportedAuth { .. })
        ),
        "{refused:?}"
    );
    w.emulator.shutdown().await;
}

#[tokio::test]
async fn typed_errors_name_the_x_code_or_the_broken_rule() {
    let w = world(Config {
        users: 1_000,
        ..Config::default()
    })
    .await;
    let client = w.client();
    let missing = client
        .send(&UsersShow::of(
            "nobody_at_all_1".parse::<ScreenName>().expect("valid"),
        ))
        .await
        .expect_err("no such user");
    let api = missing.api().expect("X's error answer");
    assert!(api.has_code(ErrorCode::UserNotFound), "{missing}");
    assert_eq!(api.status(), http::StatusCode::NOT_FOUND);

    let too_many = UsersLookup {
        users: Users::Ids((1..=101).map(UserId::new).collect()),
        include_entities: None,
    };
    let refused = client.send(&too_many).await.expect_err("101 ids");
    let CallError::Core(twapi_core::Error::Invalid(invalid)) = &refused else {
        panic!("{refused:?}");
    };
    assert_eq!(invalid.param(), "user_id");
    assert_eq!(
        invalid.reason(),
        &Invalid::TooMany {
            given: 101,
            max: 100
        }
    );
    w.emulator.shutdown().await;
}

#[tokio::test]
async fn pages_walk_to_the_end_exactly_as_the_server_lists() {
    let w = world(Config {
        users: 3_000,
        ..Config::default()
    })
    .await;
    let client = w.client();
    let most = w.most_followed.user_id();
    let truth = w.emulator.follower_ids(most.get());

    // v1.1 cursors, about six pages.
    let request = FollowersIds {
        count: Some(w.count_for(&w.most_followed, 6)),
        ..FollowersIds::of(UserRef::Id(most))
    };
    let walked: Vec<UserId> = client
        .items(request)
        .map(|item| item.expect("an item"))
        .collect()
        .await;
    assert_eq!(ids(walked), truth);

    // v2 tokens.
    let request = Followers {
        max_results: Some(w.count_for(&w.most_followed, 4)),
        ..Followers::of(most)
    };
    let mut pages = client.pages(request);
    let mut walked = Vec::new();
    let mut last = PagerState::default();
    while let Some(page) = pages.next().await {
        let page = page.expect("a page");
        walked.extend(page.items.iter().map(|u| u.id.get()));
        last = page.state;
    }
    assert_eq!(walked, truth);
    assert!(last.done && last.next.is_none());
    assert_eq!(last.yielded, truth.len() as u64);

    // A limit asks for no more than it needs and stops there.
    let limited: Vec<UserId> = client
        .items_with(Pager::new(FollowersIds::of(UserRef::Id(most))).with_limit(7))
        .map(|item| item.expect("an item"))
        .collect()
        .await;
    assert_eq!(ids(limited), truth[..7]);
    w.emulator.shutdown().await;
}

/// Windows of two seconds, so a rate limit is waited out in the test's time.
fn scaled() -> Config {
    Config {
        users: 3_000,
        window: Duration::from_secs(2),
        ..Config::default()
    }
}

fn scaled_limiter() -> LimiterConfig {
    LimiterConfig {
        window: Duration::from_secs(2),
        ..LimiterConfig::default()
    }
}

#[tokio::test]
async fn without_a_limiter_x_s_429_is_waited_out_too() {
    let w = world(scaled()).await;
    let client = w
        .builder()
        .without_limiter()
        .wait_on_rate_limit(true)
        .build()
        .expect("a client");
    let most = w.most_followed.user_id();
    // 18 requests against a budget of 15: X answers 429 and the client waits for the reset.
    for _ in 0..18 {
        let reply = client
            .send(&FollowersIds {
                count: Some(1),
                ..FollowersIds::of(UserRef::Id(most))
            })
            .await
            .expect("waits instead of failing");
        assert_eq!(reply.value.ids.len(), 1);
    }
    // And without waiting, the 429 is a typed error saying when.
    let impatient = w.builder().without_limiter().build().expect("a client");
    let mut refused = None;
    for _ in 0..16 {
        if let Err(e) = impatient.send(&FollowersIds::of(UserRef::Id(most))).await {
            refused = Some(e);
            break;
        }
    }
    let refused = refused.expect("the 16th request in a window is refused");
    assert!(
        matches!(refused, CallError::Core(twapi_core::Error::RateLimited(_))),
        "{refused:?}"
    );
    assert!(refused.rate_limited_until().is_some());
    w.emulator.shutdown().await;
}

#[tokio::test]
async fn retries_ride_out_injected_faults_and_end_with_the_right_data() {
    let w = world(scaled()).await;
    w.emulator.set_faults(Faults {
        over_capacity: 0.1,
        internal_error: 0.1,
        close_mid_body: 0.1,
        truncated_body: 0.1,
        seed: 7,
        ..Faults::default()
    });
    let client = w
        .builder()
        .limiter_config(scaled_limiter())
        .wait_on_rate_limit(true)
        .build()
        .expect("a client");
    let most = w.most_followed.user_id();
    let truth = w.emulator.follower_ids(most.get());
    let request = FollowersIds {
        count: Some(w.count_for(&w.most_followed, 8)),
        ..FollowersIds::of(UserRef::Id(most))
    };
    let walked: Vec<UserId> = client
        .items(request)
        .map(|item| item.expect("retried until right"))
        .collect()
        .await;
    assert_eq!(ids(walked), truth);
    let looked_up = client
        .send(&UsersLookup {
            users: Users::Ids(truth.iter().take(100).copied().map(UserId::new).collect()),
            include_entities: None,
        })
        .await
        .expect("retried until right");
    assert_eq!(looked_up.value.len(), 100);

    // With retries off, the faults show as typed, transient errors.
    let fragile = w
        .builder()
        .limiter_config(scaled_limiter())
        .wait_on_rate_limit(true)
        .retry_policy(RetryPolicy::new(1, Duration::ZERO, Duration::ZERO))
        .build()
        .expect("a client");
    let mut failures = 0;
    for _ in 0..40 {
        if let Err(e) = fragile.send(&UsersShow::of(UserRef::Id(most))).await {
            assert_eq!(
                e.retryability(),
                twapi_core::retry::Retryability::Now,
                "{e:?}"
            );
            failures += 1;
        }
    }
    assert!(failures > 0, "40% of requests fail");
    w.emulator.shutdown().await;
}

#[tokio::test]
async fn clients_sharing_a_limiter_share_the_budget() {
    let w = world(Config {
        users: 1_000,
        ..Config::default()
    })
    .await;
    let shared = LimiterHandle::default();
    let a = w.builder().limiter(shared.clone()).build().expect("a");
    let b = w.builder().limiter(shared.clone()).build().expect("b");
    let most = UserRef::Id(w.most_followed.user_id());
    for client in [&a, &b, &a, &b, &a, &b, &a, &b, &a, &b, &a, &b, &a, &b, &a] {
        client
            .send(&FollowersIds::of(most.clone()))
            .await
            .expect("within the budget");
    }
    let refused = b
        .send(&FollowersIds::of(most))
        .await
        .expect_err("the 16th of the window, whichever client sends it");
    assert!(matches!(refused, CallError::Throttled(_)), "{refused:?}");
    // The limiter's state is plain data: it can be saved and restored.
    let saved = serde_json::to_string(&shared.snapshot()).expect("json");
    let restored: Limiter = serde_json::from_str(&saved).expect("json");
    assert_eq!(restored, shared.snapshot());
    w.emulator.shutdown().await;
}
