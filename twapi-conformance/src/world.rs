//! The emulator the cases talk to, on a tokio runtime of its own, with its demo users by role.

use std::time::Duration;

use twapi_auth::oauth1::Credentials;
use twapi_core::endpoint::LimitsProfile;
use twapi_core::rate_limit::LimiterConfig;
use twapi_core::request::v1::FollowersIds;
use twapi_core::retry::RetryPolicy;
use twapi_core::session::SessionBuilder;
use twapi_core::{ScreenName, UserRef};
use twapi_emulator::{Config, DemoUser, Emulator};
use twapi_model::UserId;

use crate::net::Relay;

/// A running emulator, the runtime it serves on, and the demo users by role: the world a
/// blocking driver's tests act in (the cases', and a driver's own).
pub struct World {
    /// The emulator, serving on loopback.
    pub emulator: Emulator,
    /// The user the clients act for: a plain account.
    pub me: DemoUser,
    /// The account with the most followers.
    pub most_followed: DemoUser,
    /// A protected account.
    pub protected: DemoUser,
    /// Serves the emulator (and any relay) on its worker threads; dropped after it.
    pub(crate) runtime: tokio::runtime::Runtime,
}

/// A runtime for servers on loopback, while the test's own threads drive the clients.
pub(crate) fn server_runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime")
}

/// An emulator started with `config` on a runtime of its own, and its demo users.
///
/// # Panics
///
/// When the runtime or the emulator cannot start, or the emulator names no user of a role:
/// a test cannot go on then.
pub fn world(config: Config) -> World {
    let runtime = server_runtime();
    let emulator = runtime
        .block_on(Emulator::start(config))
        .expect("the emulator starts");
    let find = |role: &str| {
        emulator
            .facts()
            .user(role)
            .cloned()
            .unwrap_or_else(|| panic!("the emulator names a {role} user"))
    };
    World {
        me: find("plain"),
        most_followed: find("most_followed"),
        protected: find("protected"),
        emulator,
        runtime,
    }
}

/// A world of `users` accounts with rate-limit windows of `window`, counting the 2021
/// limits: the rate-limit cases are written against "15 a window" (followers/ids, and the v2
/// lists under that table), so they say so rather than lean on the default.
pub(crate) fn scaled(users: u32, window: Duration) -> Config {
    Config {
        users,
        window,
        limits: LimitsProfile::Classic2021,
        ..Config::default()
    }
}

/// The limiter's configuration for windows of `window`, with the same 2021 limits as
/// [`scaled`] worlds.
pub(crate) fn limiter(window: Duration) -> LimiterConfig {
    LimiterConfig {
        window,
        limits: LimitsProfile::Classic2021,
        ..LimiterConfig::default()
    }
}

/// The user's id (the cases' shorthand for [`DemoUser::user_id`]).
pub(crate) fn id(user: &DemoUser) -> UserId {
    user.user_id()
}

pub(crate) fn name(user: &DemoUser) -> ScreenName {
    user.screen_name.parse().expect("a valid screen name")
}

/// The ids as numbers, to compare with the emulator's ground truth.
pub fn ids(values: impl IntoIterator<Item = UserId>) -> Vec<u64> {
    values.into_iter().map(UserId::get).collect()
}

impl World {
    pub(crate) fn credentials(&self, user: &DemoUser) -> Credentials {
        self.emulator.facts().credentials(user)
    }

    /// A session acting for `me` against `base_url`, with retries quick enough for tests.
    pub(crate) fn session_at(&self, base_url: &str) -> SessionBuilder {
        SessionBuilder::oauth1(&self.credentials(&self.me))
            .base_url(base_url)
            .retry_policy(RetryPolicy::new(
                8,
                Duration::from_millis(5),
                Duration::from_millis(40),
            ))
            .jitter_seed(1)
    }

    /// A session acting for `me` against the emulator.
    pub fn session(&self) -> SessionBuilder {
        self.session_at(self.emulator.base_url())
    }

    /// A relay in front of the emulator that keeps every request line and answer status.
    pub(crate) fn relay(&self) -> Relay {
        self.runtime
            .block_on(Relay::start(self.emulator.base_url()))
    }

    /// The ground truth: the followers of `user`, in the order the API lists them.
    pub fn followers(&self, user: &DemoUser) -> Vec<u64> {
        self.emulator.follower_ids(user.user_id().get())
    }

    /// A followers/ids request that splits `user`'s followers into about `pages` pages.
    ///
    /// # Panics
    ///
    /// When a page would hold more than `u32::MAX` followers (never in a test's world).
    pub fn followers_in(&self, user: &DemoUser, pages: usize) -> FollowersIds {
        let count = u32::try_from(self.followers(user).len().div_ceil(pages)).expect("small");
        FollowersIds {
            count: Some(count.clamp(1, 5_000)),
            ..FollowersIds::of(UserRef::Id(user.user_id()))
        }
    }
}
