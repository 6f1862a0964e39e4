//! The sans-IO core of the X API's follow, search and get-users family: endpoints as data,
//! typed requests checked before sending, `http::Request`s ready to send, typed replies and
//! errors, pagination, rate limits, retry decisions, and the [`session`] that drives every
//! exchange with them.
//!
//! Nothing here opens a socket, reads a clock or draws randomness: "now", nonces and the
//! jitter's seed are inputs. A driver is a loop around a [`session::Call`] or
//! [`session::Walk`]: poll it for what to send or until when to wait, send, hand the answer
//! back (see [`session`]). The session owns every rule — admission through the [`Limiter`],
//! waits, retries per the [`RetryPolicy`], paging, whose requests these are — so a driver for
//! another runtime is a small adapter.
//!
//! Out of scope: sockets, TLS, connection pools, timers and the clock, which are the drivers'
//! (twapi-hyper, twapi-ureq).
#![forbid(unsafe_code)]

mod api;
pub mod cost;
pub mod endpoint;
pub mod error;
pub mod error_code;
pub mod fields;
pub mod lookup;
mod name;
pub mod pager;
pub mod param;
pub mod rate_limit;
mod reply;
pub mod request;
pub mod retry;
pub mod session;

/// What the [`session_settings!`] macro names in the drivers' crates; not an API.
#[doc(hidden)]
pub mod __private {
    pub use twapi_auth::Secret;
    pub use twapi_auth::oauth1::Credentials;
}

pub use api::{Api, Auth, Stamp};
pub use cost::{Charge, Cost, Meter, Price, Usage};
pub use endpoint::{
    ApiVersion, AuthMode, AuthModes, DailyBucket, DailyCaps, Endpoint, EndpointId, PageSize,
    Pagination, PathError, PathParam, PathParams, WindowLimits,
};
pub use error::{ApiError, Error};
pub use error_code::ErrorCode;
pub use name::{ScreenName, ScreenNameError, UserRef};
pub use param::InvalidRequest;
pub use rate_limit::{
    Bucket, Context, Limiter, LimiterConfig, Permit, RateLimit, RateLimitHeaderError,
    RateLimitSnapshot, WaitUntil,
};
pub use reply::{FollowOutcome, Payload, Reply, decode_reply};
pub use request::ApiRequest;
pub use retry::{RetryDecision, RetryHint, RetryPolicy, Retryability};
