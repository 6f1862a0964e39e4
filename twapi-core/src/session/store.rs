//! Budgets kept outside the process: the limiter's state in a store that several processes
//! share (twapi-redis keeps it on Redis), while the decisions stay the [`Limiter`]'s.
//!
//! A session built with [`SessionBuilder::limiter_store`](super::SessionBuilder::limiter_store)
//! does not decide admissions against a limiter of its own. When a request is ready, its
//! call asks the driver to reserve it: the call's [`Action::Wait`](super::Action::Wait) has
//! the reason [`WaitReason::Reservation`](super::WaitReason::Reservation) and the call's
//! [`Exchange::reservation`](super::Exchange::reservation) says what to reserve; the driver
//! awaits [`LimiterStore::acquire`] and hands the verdict back with
//! [`Exchange::handle_reservation`](super::Exchange::handle_reservation). What an answer says
//! about the budgets (its headers, a 429) comes out as [`Observation`]s
//! ([`Exchange::take_observations`](super::Exchange::take_observations)), which the driver
//! hands to [`LimiterStore::observe`]. The session stays sans-IO: it reads no store, and the
//! driver decides nothing.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::time::SystemTime;

use super::BoxError;
use crate::endpoint::EndpointId;
use crate::rate_limit::{Context, Limiter, LimiterConfig, Permit, RateLimitSnapshot, WaitUntil};

/// What a store's operation gives back, some time later: a boxed future, so that the trait is
/// object-safe and names no runtime.
pub type StoreFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, BoxError>> + Send + 'a>>;

/// A limiter whose budgets live outside the process, shared by every process that uses it.
///
/// An implementation loads the budgets a request touches ([`Limiter::budgets_of`]), lets a
/// [`Limiter`] decide on them, and saves what changed, atomically: two processes must never
/// both be granted the last unit of a budget. An unreachable store is an error (the call fails
/// with [`CallError::Store`](super::CallError::Store)), never a silent "go".
pub trait LimiterStore: Send + Sync + fmt::Debug {
    /// The periods and documented limits the store's limiter counts with.
    fn config(&self) -> LimiterConfig;

    /// Asks to send one request to `endpoint` in `ctx` at `now`, as [`Limiter::acquire`].
    fn acquire<'a>(
        &'a self,
        endpoint: EndpointId,
        ctx: &'a Context,
        now: SystemTime,
    ) -> StoreFuture<'a, Result<Permit, WaitUntil>>;

    /// Applies what an answer said about the budgets, as [`Observation::apply`].
    fn observe<'a>(&'a self, observation: &'a Observation, now: SystemTime) -> StoreFuture<'a, ()>;
}

/// A reservation a call asks its driver to make against the session's [`LimiterStore`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reservation {
    /// The endpoint the request goes to.
    pub endpoint: EndpointId,
    /// Whose budgets it spends.
    pub context: Context,
}

/// What an answer said about the budgets of the request it answered, for a store to apply.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Observation {
    /// The rate-limit headers of an answer (see [`Limiter::observe`]).
    Headers {
        /// The endpoint the request went to.
        endpoint: EndpointId,
        /// Whose budgets it spent.
        context: Context,
        /// What the headers said.
        snapshot: RateLimitSnapshot,
    },
    /// A 429 (see [`Limiter::observe_rate_limited`]).
    RateLimited {
        /// The endpoint the request went to.
        endpoint: EndpointId,
        /// Whose budgets it spent.
        context: Context,
        /// The reset the server announced, if any.
        reset: Option<SystemTime>,
    },
}

impl Observation {
    /// The endpoint and context the observation is about.
    pub fn subject(&self) -> (EndpointId, &Context) {
        match self {
            Self::Headers {
                endpoint, context, ..
            }
            | Self::RateLimited {
                endpoint, context, ..
            } => (*endpoint, context),
        }
    }

    /// Applies the observation to `limiter` at `now`: the one place an observation becomes a
    /// change of budgets, whether the limiter is the session's own or a store's.
    pub fn apply(&self, limiter: &mut Limiter, now: SystemTime) {
        match self {
            Self::Headers {
                endpoint,
                context,
                snapshot,
            } => limiter.observe(*endpoint, context, snapshot, now),
            Self::RateLimited {
                endpoint,
                context,
                reset,
            } => limiter.observe_rate_limited(*endpoint, context, *reset, now),
        }
    }
}
