//! The limits profile: the emulator counts today's documented windows by default, and the
//! 2021 ones when asked, both read from twapi-core's endpoint table.

mod harness;

use harness::{call, id, oauth1, user};
use twapi_core::EndpointId;
use twapi_core::request::v2 as rq2;
use twapi_emulator::{Config, LimitsProfile};
use twapi_model::UserId;

async fn followers_limit(limits: LimitsProfile) -> u32 {
    let emulator = harness::start_with(Config {
        users: 500,
        limits,
        ..Config::default()
    })
    .await;
    let facts = emulator.facts().clone();
    let auth = oauth1(&facts, user(&facts, "plain", 0));
    let top = UserId::new(id(user(&facts, "most_followed", 0)));
    let reply = call(&facts.base_url, &rq2::Followers::of(top), &auth)
        .await
        .unwrap();
    let window = reply.rate_limit().window.expect("a window");
    emulator.shutdown().await;
    window.limit
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_profile_sets_the_announced_window() {
    assert_eq!(Config::default().limits, LimitsProfile::Current2026);
    for limits in LimitsProfile::ALL {
        let expected = EndpointId::V2Followers
            .descriptor()
            .window_for(limits)
            .user
            .unwrap();
        assert_eq!(followers_limit(limits).await, expected, "{limits:?}");
    }
    assert_eq!(followers_limit(LimitsProfile::Current2026).await, 300);
    assert_eq!(followers_limit(LimitsProfile::Classic2021).await, 15);
}
