//! Retry decisions: whether a failed request may be sent again, and when.
//!
//! The decision is a pure function of the attempt number, what the error says about itself
//! ([`Retryability`]), whether the request is idempotent (from the
//! [endpoint table](crate::endpoint::Endpoint::idempotent)), a jitter value the driver draws,
//! and `now`. The driver does the waiting.
//!
//! ```
//! use std::time::{Duration, SystemTime};
//! use twapi_core::retry::{RetryDecision, RetryPolicy, Retryability};
//!
//! let policy = RetryPolicy::default();
//! let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
//! // After a first attempt failed with a 503, wait a jittered part of one second.
//! let decision = policy.decide(1, Retryability::Now, true, 0.5, now);
//! assert_eq!(decision, RetryDecision::RetryAt(now + Duration::from_millis(500)));
//! // Once the attempts are used up, give up.
//! assert_eq!(policy.decide(5, Retryability::Now, true, 0.5, now), RetryDecision::GiveUp);
//! ```

use std::time::{Duration, SystemTime};

use http::HeaderMap;
use http::header::RETRY_AFTER;
use serde::{Deserialize, Serialize};

/// What a failure says about trying again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum Retryability {
    /// The same request will fail the same way (bad input, bad credentials, not found,
    /// suspended, a 24-hour follow limit...).
    Never,
    /// A transient failure whose outcome is unknown (X's 130 "Over capacity", 131 "Internal
    /// error", other 5xx, a connection lost after sending): retry with backoff.
    Now,
    /// The server refused the request without acting on it and said when to come back (a 429
    /// or 420 with its reset, a 503 with `Retry-After`). A driver that knows a request never
    /// left (connection refused) may also report `At(now)`.
    At(SystemTime),
}

impl Retryability {
    /// Turns an error code's hint into a retryability, given the reset the response announced
    /// (from its rate-limit headers), if any.
    ///
    /// ```
    /// use std::time::SystemTime;
    /// use twapi_core::retry::{RetryHint, Retryability};
    ///
    /// let reset = SystemTime::UNIX_EPOCH;
    /// assert_eq!(Retryability::from_hint(RetryHint::AtReset, Some(reset)), Retryability::At(reset));
    /// assert_eq!(Retryability::from_hint(RetryHint::AtReset, None), Retryability::Now);
    /// ```
    pub fn from_hint(hint: RetryHint, reset: Option<SystemTime>) -> Self {
        match (hint, reset) {
            (RetryHint::No, _) => Retryability::Never,
            (RetryHint::Backoff, _) | (RetryHint::AtReset, None) => Retryability::Now,
            (RetryHint::AtReset, Some(reset)) => Retryability::At(reset),
        }
    }
}

/// What an error code suggests before the response's headers are known: the time part of a
/// [`Retryability`] comes from the response.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum RetryHint {
    /// Retrying cannot help.
    No,
    /// Transient: retry with backoff.
    Backoff,
    /// Rate limited: retry when the limit resets.
    AtReset,
}

/// The driver's next step after a failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum RetryDecision {
    /// Send the request again, not before this time.
    RetryAt(SystemTime),
    /// Report the failure.
    GiveUp,
}

/// Exponential backoff with full jitter, a cap, and a bound on attempts.
///
/// The defaults — 5 attempts in all, 1 s base, 60 s cap — ride out a short overload (the
/// backoff ceilings are 1, 2, 4 and 8 s, so at most 15 s of waiting on top of any announced
/// resets) without hiding an outage for long.
///
/// # Rule for requests that are not idempotent
///
/// A request that is not idempotent is retried only on [`Retryability::At`]: that variant is
/// reserved for answers proving the server did nothing (a rate-limit refusal, `Retry-After`),
/// so a second send cannot do the thing twice. On [`Retryability::Now`] the first send may
/// have taken effect, so it is not repeated. (Every endpoint of this family is idempotent as X
/// documents it, so the rule matters for callers' own requests and future endpoints.)
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RetryPolicy {
    /// The most attempts in all, the first one included; `1` never retries.
    pub max_attempts: u32,
    /// The backoff ceiling after the first failure; it doubles with every further failure.
    pub base: Duration,
    /// The largest backoff ceiling.
    pub cap: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 5,
            base: Duration::from_secs(1),
            cap: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// A policy with the given bounds.
    pub fn new(max_attempts: u32, base: Duration, cap: Duration) -> Self {
        RetryPolicy {
            max_attempts,
            base,
            cap,
        }
    }

    /// Decides what to do after attempt number `attempt` (1 for the first send) failed.
    ///
    /// - Gives up when `attempt` has reached `max_attempts`, on [`Retryability::Never`], and
    ///   on [`Retryability::Now`] for a request that is not `idempotent`.
    /// - On [`Retryability::At`]`(t)` retries at `t`, or at `now` if `t` has passed: never
    ///   earlier than the server asked.
    /// - On [`Retryability::Now`] retries after a "full jitter" backoff: `jitter` × the
    ///   ceiling `min(cap, base × 2^(attempt − 1))`. `jitter` is drawn by the driver from
    ///   `[0, 1)`; values outside are clamped and NaN counts as 0.
    ///
    /// Never panics or overflows, whatever the attempt number or durations.
    pub fn decide(
        &self,
        attempt: u32,
        retryability: Retryability,
        idempotent: bool,
        jitter: f64,
        now: SystemTime,
    ) -> RetryDecision {
        if attempt >= self.max_attempts {
            return RetryDecision::GiveUp;
        }
        match retryability {
            Retryability::Never => RetryDecision::GiveUp,
            Retryability::At(at) => RetryDecision::RetryAt(at.max(now)),
            Retryability::Now if !idempotent => RetryDecision::GiveUp,
            Retryability::Now => now
                .checked_add(self.backoff(attempt, jitter))
                .map_or(RetryDecision::GiveUp, RetryDecision::RetryAt),
        }
    }

    /// The backoff after attempt number `attempt` failed, for a given jitter: always within
    /// `[0, min(cap, base × 2^(attempt − 1))]`.
    pub fn backoff(&self, attempt: u32, jitter: f64) -> Duration {
        let cap = self.cap.as_nanos();
        let doublings = attempt.saturating_sub(1);
        let ceiling = if doublings >= 64 {
            cap
        } else {
            self.base
                .as_nanos()
                .saturating_mul(1u128 << doublings)
                .min(cap)
        };
        let jitter = if jitter.is_nan() {
            0.0
        } else {
            jitter.clamp(0.0, 1.0)
        };
        #[expect(
            clippy::cast_precision_loss,
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            reason = "jitter only needs float precision; the result is clamped to the ceiling"
        )]
        let nanos = ((ceiling as f64 * jitter) as u128).min(ceiling);
        duration_from_nanos(nanos)
    }
}

fn duration_from_nanos(nanos: u128) -> Duration {
    const NANOS_PER_SEC: u128 = 1_000_000_000;
    let secs = u64::try_from(nanos / NANOS_PER_SEC).unwrap_or(u64::MAX);
    let subsec = u32::try_from(nanos % NANOS_PER_SEC).unwrap_or(0);
    Duration::new(secs, subsec)
}

/// When an answer's `Retry-After` header says to come back (RFC 9110 §10.2.3): a number of
/// seconds after `now`, or an HTTP date (`Sun, 06 Nov 1994 08:49:37 GMT`). `None` when the
/// header is absent or is neither; a date in the past means `now`.
///
/// ```
/// use std::time::{Duration, SystemTime};
/// use http::HeaderMap;
/// use twapi_core::retry::retry_after;
///
/// let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000);
/// let mut headers = HeaderMap::new();
/// headers.insert("retry-after", "120".parse()?);
/// assert_eq!(retry_after(&headers, now), Some(now + Duration::from_secs(120)));
/// headers.insert("retry-after", "Thu, 01 Jan 1970 00:20:00 GMT".parse()?);
/// assert_eq!(retry_after(&headers, now), Some(SystemTime::UNIX_EPOCH + Duration::from_secs(1_200)));
/// headers.insert("retry-after", "soon".parse()?);
/// assert_eq!(retry_after(&headers, now), None);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<SystemTime> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        // More digits than a u64 holds is a wait past the end of time: not a usable answer.
        let seconds: u64 = value.parse().ok()?;
        return now.checked_add(Duration::from_secs(seconds));
    }
    let format = time::macros::format_description!(
        "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
    );
    let date = time::PrimitiveDateTime::parse(value, format).ok()?;
    let seconds = u64::try_from(date.assume_utc().unix_timestamp()).ok()?;
    let at = SystemTime::UNIX_EPOCH.checked_add(Duration::from_secs(seconds))?;
    Some(at.max(now))
}
