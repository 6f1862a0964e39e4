//! What a driver says about an exchange, in `tracing`: written once here so that every driver
//! says it alike — the same span, the same fields, the same messages — and a subscriber (or a
//! test) reads twapi-hyper and twapi-ureq the same way. Never a header, a token or a body.
//!
//! Only the names of things and the session's decisions are recorded: the endpoint, the
//! attempt, the status, the budget left, why a wait, the error an attempt failed with.

use std::time::SystemTime;

use http::StatusCode;
use tracing::Span;
use tracing::field::{Empty, display};

use super::{Exchange, Wait, WaitReason};

/// The span of one exchange, `x_request`, with the endpoint and the attempt; [`answered`]
/// records the status and the budget left in it.
pub fn exchange_span<M: Exchange>(machine: &M) -> Span {
    tracing::info_span!(
        "x_request",
        endpoint = machine.endpoint().name(),
        attempt = machine.attempt(),
        status = Empty,
        remaining = Empty,
    )
}

/// After the machine took an answer: its status and the budget left, in `span`, and the error
/// X answered with, if it did.
pub fn answered<M: Exchange>(machine: &M, span: &Span, status: StatusCode) {
    span.record("status", status.as_u16());
    if let Some(window) = machine.rate_limit().and_then(|r| r.window) {
        span.record("remaining", window.remaining);
    }
    if status.is_success() {
        return;
    }
    if let Some(error) = machine.last_error() {
        span.in_scope(|| tracing::debug!(error = %error, "X answered with an error"));
    }
}

/// After the machine took a transport failure: the failure, in `span`.
pub fn failed<M: Exchange>(machine: &M, span: &Span) {
    if let Some(error) = machine.last_error() {
        span.in_scope(|| tracing::debug!(error = %error, "the exchange failed"));
    }
}

/// Why the machine waits, and for how long from `now`.
pub fn waiting<M: Exchange>(machine: &M, wait: Wait, now: SystemTime) {
    let endpoint = machine.endpoint().name();
    let wait_ms = wait
        .until
        .duration_since(now)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX));
    match wait.reason {
        WaitReason::Limiter(_) => tracing::info!(
            endpoint,
            wait_ms,
            "rate limit reached; waiting for the window to reset"
        ),
        WaitReason::RateLimited => {
            tracing::info!(
                endpoint,
                wait_ms,
                "rate limited by X; waiting for the reset"
            );
        }
        WaitReason::Retry { attempt } => {
            let error = machine.last_error().map(display);
            tracing::debug!(endpoint, attempt, wait_ms, error, "retrying");
        }
        WaitReason::Reservation => {
            tracing::trace!(endpoint, "reserving in the limiter's store");
        }
    }
}
