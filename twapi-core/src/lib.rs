//! The sans-IO core: endpoints as data, request building, response decoding, pagination, rate limits.
#![forbid(unsafe_code)]

pub mod endpoint;
pub mod error_code;
pub mod rate_limit;
pub mod retry;

pub use endpoint::{
    ApiVersion, AuthMode, AuthModes, DailyBucket, DailyCaps, Endpoint, EndpointId, PageSize,
    Pagination, PathError, PathParam, PathParams, WindowLimits,
};
pub use error_code::ErrorCode;
pub use rate_limit::{
    Bucket, Context, Limiter, LimiterConfig, Permit, RateLimit, RateLimitHeaderError,
    RateLimitSnapshot, WaitUntil,
};
pub use retry::{RetryDecision, RetryHint, RetryPolicy, Retryability};
