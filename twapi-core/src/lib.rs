//! The sans-IO core of the X API's follow, search and get-users family: endpoints as data,
//! typed requests checked before sending, `http::Request`s ready to send, typed replies and
//! errors, pagination, rate limits and retry decisions.
//!
//! Nothing here opens a socket, reads a clock or draws randomness: "now", timestamps, nonces
//! and jitter are inputs. A driver is a loop:
//!
//! 1. [`Api::prepare`] a typed request with [`Auth`] and a [`Stamp`] → `http::Request<Bytes>`;
//! 2. send it with any HTTP client;
//! 3. [`decode_reply`] the `http::Response<Bytes>` → [`Reply`] or [`Error`];
//! 4. for lists, [`pager::Pager`] says what to fetch next; [`Limiter`] says when;
//!    [`RetryPolicy`] says whether to try again.
#![forbid(unsafe_code)]

mod api;
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

pub use api::{Api, Auth, Stamp};
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
