//! The blocking client against the emulator, in-process: the emulator serves on loopback from a
//! tokio runtime's own threads, and the test's thread drives the client. The emulator's ground
//! truth (`follower_ids`) is what the walks are checked against.

use std::net::TcpListener;
use std::time::{Duration, SystemTime};

use twapi_conformance::world::{World, ids, world};
use twapi_emulator::Config;
use twapi_ureq::core::{ScreenName, UserRef};
use twapi_ureq::model::UserId;
use twapi_ureq::request::v1::{FollowersIds, UsersShow};
use twapi_ureq::{CallError, Client, ClientBuilder, Pager, RetryPolicy};

/// A client acting for the world's `me`, with retries quick enough for tests.
fn builder(w: &World) -> ClientBuilder {
    ClientBuilder::new(w.session())
}

fn client(w: &World) -> Client {
    builder(w).build().expect("a client")
}

fn small() -> Config {
    Config {
        users: 1_000,
        ..Config::default()
    }
}

#[test]
fn users_show_and_a_followers_walk_match_the_ground_truth() {
    let w = world(small());
    let client = client(&w);
    let most = w.most_followed.user_id();
    let truth = w.emulator.follower_ids(most.get());
    assert!(truth.len() > 50, "a crawlable account");

    let name: ScreenName = w.most_followed.screen_name.parse().expect("a name");
    let shown = client.send(&UsersShow::of(name)).expect("users/show");
    assert_eq!(shown.value.id, most);
    assert_eq!(shown.value.followers_count, Some(truth.len() as u64));

    // Page by page, each with the state after it.
    let request = w.followers_in(&w.most_followed, 5);
    let mut walked = Vec::new();
    let mut pages = 0;
    for page in client.pages(request.clone()) {
        let page = page.expect("a page");
        pages += 1;
        walked.extend(ids(page.items));
        assert_eq!(page.state.yielded, walked.len() as u64);
    }
    assert_eq!(walked, truth);
    assert!((5..=6).contains(&pages), "{pages} pages");

    // Item by item, and resumed midway from a state.
    let items: Vec<UserId> = client
        .items(request.clone())
        .map(|item| item.expect("an item"))
        .collect();
    assert_eq!(ids(items), truth);
    let mut first = client.pages(request.clone());
    let mut resumed = ids(first.next().expect("a page").expect("no error").items);
    let state = first.state().clone();
    drop(first);
    resumed.extend(ids(client
        .items_with(Pager::resume(request, state))
        .map(|item| item.expect("an item"))));
    assert_eq!(resumed, truth);
}

#[test]
fn follow_and_unfollow_with_oauth1_credentials() {
    let w = world(small());
    let client = client(&w);
    let me = w.me.user_id();
    // The OAuth 1.0a token names its user: no request is spent to find out.
    assert_eq!(client.session().user_id(), Some(me));
    assert_eq!(client.my_id().expect("my id"), me);

    let target = w.most_followed.user_id();
    if w.emulator.follower_ids(target.get()).contains(&me.get()) {
        client.unfollow(target).expect("a clean start");
    }
    let followed = client.follow(target).expect("follow");
    assert!(followed.following);
    assert!(w.emulator.follower_ids(target.get()).contains(&me.get()));
    let unfollowed = client.unfollow(target).expect("unfollow");
    assert!(!unfollowed.following);
    assert!(!w.emulator.follower_ids(target.get()).contains(&me.get()));

    // A protected account gets a pending request instead.
    let pending = client.follow(w.protected.user_id()).expect("follow");
    assert!(!pending.following);
    assert_eq!(pending.pending_follow, Some(true));
    assert_eq!(client.me().expect("me").id, me);
}

/// Windows of two seconds, so a rate limit is waited out in the test's time.
fn scaled() -> Config {
    Config {
        window: Duration::from_secs(2),
        ..small()
    }
}

#[test]
fn x_s_429_is_waited_out_without_a_limiter() {
    let w = world(scaled());
    let client = builder(&w)
        .without_limiter()
        .wait_on_rate_limit(true)
        .build()
        .expect("a client");
    let most = UserRef::Id(w.most_followed.user_id());
    // 18 requests against X's budget of 15: X answers 429 and the client waits for the reset.
    for _ in 0..18 {
        let reply = client
            .send(&FollowersIds {
                count: Some(1),
                ..FollowersIds::of(most.clone())
            })
            .expect("waits instead of failing");
        assert_eq!(reply.value.ids.len(), 1);
    }
    // Without waiting, the 429 is a typed error saying when.
    let impatient = builder(&w).without_limiter().build().expect("a client");
    let refused = (0..16)
        .find_map(|_| impatient.send(&FollowersIds::of(most.clone())).err())
        .expect("the 16th request in a window is refused");
    assert!(
        matches!(
            refused,
            CallError::Core(twapi_ureq::core::Error::RateLimited(_))
        ),
        "{refused:?}"
    );
    let until = refused.rate_limited_until().expect("a reset");
    assert!(until > SystemTime::now() - Duration::from_secs(1));
}

/// A client for a server on loopback that must not be retried.
fn one_shot(base_url: String) -> ClientBuilder {
    ClientBuilder::app_only("bearer")
        .base_url(base_url)
        .without_limiter()
        .retry_policy(RetryPolicy::new(1, Duration::ZERO, Duration::ZERO))
}

#[test]
fn a_refused_connection_is_a_connect_error() {
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let client = one_shot(format!("http://127.0.0.1:{port}"))
        .build()
        .expect("a client");
    let error = client
        .send(&FollowersIds::of(UserRef::Id(UserId::new(12))))
        .expect_err("nobody listens");
    assert!(matches!(error, CallError::Connect(_)), "{error:?}");
}

#[test]
fn bad_settings_fail_the_build() {
    let bad_url = ClientBuilder::app_only("bearer")
        .base_url("ftp://example.invalid")
        .build();
    assert!(
        matches!(bad_url, Err(twapi_ureq::BuildError::BaseUrl(_))),
        "{bad_url:?}"
    );
    let bad_agent = ClientBuilder::app_only("bearer").user_agent("a\nb").build();
    assert!(
        matches!(bad_agent, Err(twapi_ureq::BuildError::UserAgent(_))),
        "{bad_agent:?}"
    );
}

#[test]
fn retries_ride_out_injected_faults_and_end_with_the_right_data() {
    let w = world(small());
    w.emulator.set_faults(twapi_emulator::Faults {
        over_capacity: 0.1,
        internal_error: 0.1,
        close_mid_body: 0.1,
        truncated_body: 0.1,
        seed: 7,
        ..twapi_emulator::Faults::default()
    });
    let truth = w.emulator.follower_ids(w.most_followed.user_id().get());
    let walked: Vec<UserId> = client(&w)
        .items(w.followers_in(&w.most_followed, 4))
        .map(|item| item.expect("retried until right"))
        .collect();
    assert_eq!(ids(walked), truth);

    // With retries off, the faults show as typed, transient errors.
    let fragile = builder(&w)
        .retry_policy(RetryPolicy::new(1, Duration::ZERO, Duration::ZERO))
        .build()
        .expect("a client");
    let most = UserRef::Id(w.most_followed.user_id());
    let mut failures = 0;
    for _ in 0..14 {
        if let Err(e) = fragile.send(&UsersShow::of(most.clone())) {
            assert_eq!(
                e.retryability(),
                twapi_ureq::core::Retryability::Now,
                "{e:?}"
            );
            failures += 1;
        }
    }
    assert!(failures > 0, "40% of requests fail");
}

#[test]
fn an_oauth2_user_follows_without_knowing_its_id() {
    let w = world(small());
    // The PKCE flow itself is the emulator's tests' (tests/wire.rs); here, only its token.
    let token = w.emulator.oauth2_user_token(&w.me).expect("a token for me");
    let client = ClientBuilder::oauth2_user(token)
        .base_url(w.emulator.base_url())
        .build()
        .expect("a client");
    assert_eq!(client.session().user_id(), None);
    // The session asks `GET /2/users/me` first, then follows as that user.
    let followed = client.follow(w.protected.user_id()).expect("a follow");
    assert_eq!(followed.pending_follow, Some(true));
    assert_eq!(client.session().user_id(), Some(w.me.user_id()));
    assert_eq!(client.my_id().expect("kept"), w.me.user_id());
    let undone = client.unfollow(w.protected.user_id()).expect("an unfollow");
    assert!(!undone.following);
}
