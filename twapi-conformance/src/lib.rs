//! The drivers' conformance suite (DESIGN.md rule 5): one set of cases, written once against
//! the emulator's ground truth, that every driver of twapi-core's session runs.
//!
//! A driver implements [`Driver`] — a blocking face: build a client from a
//! [`SessionBuilder`] and the transport's settings, send a request, walk the pages of a
//! [`Pager`], follow, unfollow — and adds one line to a test file of its own:
//!
//! ```ignore
//! twapi_conformance::suite!(MyDriver);
//! ```
//!
//! which expands to one `#[test]` per case, each calling [`cases`]`::<name>::<MyDriver>()`,
//! so each case is reported by name in the driver's test binary. An async driver blocks on a
//! runtime of its own in its adapter (see twapi-hyper's `tests/conformance.rs`).
//!
//! The cases start an emulator on a tokio runtime of their own, and where they must see the
//! wire (which cursors were asked for, how often, with which status X answered) a loopback
//! relay in front of it, or a tiny loopback server of their own.
#![forbid(unsafe_code)]

use std::time::Duration;

use twapi_core::pager::{Pageable, Pager};
use twapi_core::session::{CallError, Page, SessionBuilder, Walk};
use twapi_core::{ApiRequest, Reply};
use twapi_model::UserId;
use twapi_model::v2::{FollowResult, UnfollowResult};

pub mod cases;
mod net;
pub mod world;

/// The transport's settings a case asks for; `None` leaves the driver's default.
#[derive(Clone, Copy, Debug, Default)]
pub struct Transport {
    /// How long one exchange may take (the driver's `request_timeout`).
    pub request_timeout: Option<Duration>,
    /// The largest body read, in bytes (the driver's `body_limit`).
    pub body_limit: Option<usize>,
}

/// The results of a page walk, in order: each page, then at most one error, which ends it.
/// Dropping it midway stops the walk (what a killed crawl does).
pub type Pages<T> = Box<dyn Iterator<Item = Result<Page<T>, CallError>>>;

/// What the suite needs of a driver, as a blocking face: an async driver blocks on a runtime of
/// its own.
pub trait Driver {
    /// The driver's name, for messages.
    const NAME: &'static str;
    /// The driver's client.
    type Client;

    /// A client of the session `session` describes, with `transport`'s settings.
    fn build(session: SessionBuilder, transport: Transport) -> Self::Client;

    /// Sends one typed request through the client.
    fn send<R>(client: &Self::Client, request: &R) -> Result<Reply<R::Output>, CallError>
    where
        R: ApiRequest + Clone + Send + Sync + 'static,
        R::Output: Send;

    /// Walks the pages of `pager`; the caller stops early by dropping the iterator.
    fn pages<R>(client: &Self::Client, pager: Pager<R>) -> Pages<R::Item>
    where
        R: Pageable + Send + Sync + 'static,
        R::Item: Send + 'static,
        R::Output: Send;

    /// Walks the pages of `walk` (one with a budget); the caller stops early by dropping the
    /// iterator.
    fn walk<R>(client: &Self::Client, walk: Walk<R>) -> Pages<R::Item>
    where
        R: Pageable + Send + Sync + 'static,
        R::Item: Send + 'static,
        R::Output: Send;

    /// Follows `target` as the authenticated user.
    fn follow(client: &Self::Client, target: UserId) -> Result<FollowResult, CallError>;

    /// Unfollows `target` (or withdraws a pending request) as the authenticated user.
    fn unfollow(client: &Self::Client, target: UserId) -> Result<UnfollowResult, CallError>;
}

/// One `#[test]` per case of the suite for the driver `$driver` (a type implementing
/// [`Driver`]): `twapi_conformance::suite!(MyDriver);` in a test file of the driver.
#[macro_export]
macro_rules! suite {
    ($driver:ty) => {
        $crate::suite!(@cases $driver;
            every_endpoint_answers,
            the_2026_endpoints_answer_in_every_mode_the_spec_allows,
            a_crawl_of_100k_followers_under_faults_is_exact,
            a_crawl_killed_midway_resumes_without_fetching_a_delivered_page,
            waiting_through_windows,
            without_waiting_a_walk_stops_with_the_time_and_the_state,
            eight_users_sharing_a_limiter_never_meet_a_429,
            a_429_without_a_reset_waits_one_window,
            a_body_over_the_cap_is_refused_once,
            a_silent_server_times_out_after_the_allowed_attempts,
            the_meters_agree_and_a_budgeted_crawl_resumes_within_its_budget,
        );
    };
    (@cases $driver:ty; $($case:ident),+ $(,)?) => {
        $(
            #[test]
            fn $case() {
                $crate::cases::$case::<$driver>();
            }
        )+
    };
}
