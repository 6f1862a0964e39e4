//! Budgets kept outside the process: the limiter's state in a store that several processes
//! share (twapi-redis keeps it on Redis), while the decisions stay the [`Limiter`]'s.
//!
//! A session built with [`SessionBuilder::limiter_store`](super::SessionBuilder::limiter_store)
//! does not decide admissions against a limiter of its own. When a request is ready, its
//! call asks the driver to reserve it: the call's [`Action::Wait`](super::Action::Wait) has
//! the reason [`WaitReason::Reservation`](super::WaitReason::Reservation) and the call's
//! [`Exchange::reservation`] says what to reserve; the driver
//! awaits [`Session::reserve`], which asks [`LimiterStore::acquire`] and hands the verdict
//! back with [`Exchange::handle_reservation`]. What an
//! answer says about the budgets (its headers, a 429) comes out as [`Observation`]s
//! ([`Exchange::take_observations`]), and its users as a
//! [`Billing`]; after each answer the driver awaits [`Session::report`], which takes them to
//! the stores. The session stays sans-IO: those two futures only await the stores' own (the
//! driver's clock passed in), and the driver decides nothing and names no store operation.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::time::SystemTime;

use super::{BoxError, Exchange, Session};
use crate::cost::{Cost, Meter, MeterHandle};
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

/// A UTC day's cost meter kept outside the process, shared by every process that uses it, so
/// that a user billed today by one process is free to the others, as X bills them.
///
/// A session built with [`SessionBuilder::meter_store`](super::SessionBuilder::meter_store)
/// hands each billed reply's users out as a [`Billing`]
/// ([`Exchange::take_billing`]); [`Session::report`] records it here and
/// hands back what it added ([`Exchange::handle_billed`]), which
/// becomes the reply's [`Charge::metered`](crate::cost::Charge::metered). The rule of what a
/// reply adds is [`Billed::of`](crate::cost::Billed::of), written once.
pub trait MeterStore: Send + Sync + fmt::Debug {
    /// Meters one reply at `now`; returns what it added to the UTC day of `now`.
    fn record<'a>(&'a self, billing: &'a Billing, now: SystemTime) -> StoreFuture<'a, Cost>;
}

/// A billed reply's users, for a [`MeterStore`] to meter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Billing {
    /// The endpoint that answered.
    pub endpoint: EndpointId,
    /// The users the reply carried (ignored for a write, billed per request).
    pub ids: Vec<u64>,
    /// Whether it was an owned read.
    pub owned: bool,
}

impl Billing {
    /// Meters it on `meter` at `now`, as the session's own meter does.
    pub fn apply(&self, meter: &mut Meter, now: SystemTime) -> Cost {
        meter.record(self.endpoint, self.ids.iter().copied(), self.owned, now)
    }
}

/// The session's own kind of meter as a store (the reference the store tests compare against).
impl MeterStore for MeterHandle {
    fn record<'a>(&'a self, billing: &'a Billing, now: SystemTime) -> StoreFuture<'a, Cost> {
        let added = self.update(|meter| billing.apply(meter, now));
        Box::pin(std::future::ready(Ok(added)))
    }
}

/// The session's own kind of limiter as a store: the budgets of one process, behind the store's
/// interface (a store's fallback, and the reference the store tests compare against).
impl LimiterStore for super::LimiterHandle {
    fn config(&self) -> LimiterConfig {
        self.update(|limiter| limiter.config())
    }

    fn acquire<'a>(
        &'a self,
        endpoint: EndpointId,
        ctx: &'a Context,
        now: SystemTime,
    ) -> StoreFuture<'a, Result<Permit, WaitUntil>> {
        let verdict = self.update(|limiter| limiter.acquire(endpoint, ctx, now));
        Box::pin(std::future::ready(Ok(verdict)))
    }

    fn observe<'a>(&'a self, observation: &'a Observation, now: SystemTime) -> StoreFuture<'a, ()> {
        self.update(|limiter| observation.apply(limiter, now));
        Box::pin(std::future::ready(Ok(())))
    }
}

impl Session {
    /// Reserves `machine`'s request in the session's limiter store and hands it the verdict:
    /// what a driver awaits when the machine waits for
    /// [`WaitReason::Reservation`](super::WaitReason::Reservation). `now` is the driver's
    /// clock, read when the store is asked and again when it has answered.
    pub async fn reserve<M: Exchange>(&self, machine: &mut M, now: impl Fn() -> SystemTime) {
        let verdict = match (self.limiter_store(), machine.reservation()) {
            (Some(store), Some(reservation)) => {
                store
                    .acquire(reservation.endpoint, &reservation.context, now())
                    .await
            }
            _ => Err("the session asked for a reservation but has no limiter store".into()),
        };
        machine.handle_reservation(self, verdict, now());
    }

    /// Takes `machine`'s last answer to the session's stores: its users to the meter store,
    /// what it said about the budgets to the limiter store; what a driver awaits after each
    /// answer (nothing happens without stores). A store that fails here loses one answer's
    /// metering (its charge stays at list price) or headers, not the answer: the next
    /// reservation meets the same store and fails the call with
    /// [`CallError::Store`](super::CallError::Store).
    pub async fn report<M: Exchange>(&self, machine: &mut M, now: impl Fn() -> SystemTime) {
        if let (Some(meter), Some(billing)) = (self.meter_store(), machine.take_billing()) {
            match meter.record(&billing, now()).await {
                Ok(metered) => machine.handle_billed(metered),
                Err(error) => store_failed(machine.endpoint(), &error, "meter"),
            }
        }
        let Some(store) = self.limiter_store() else {
            return;
        };
        for observation in machine.take_observations() {
            if let Err(error) = store.observe(&observation, now()).await {
                store_failed(machine.endpoint(), &error, "limiter");
            }
        }
    }
}

/// A store that did not take an answer's users or rate limits: a warning where the driver
/// traces, nothing lost but that answer's record.
fn store_failed(endpoint: EndpointId, error: &BoxError, store: &'static str) {
    #[cfg(feature = "tracing")]
    tracing::warn!(
        endpoint = endpoint.name(),
        store,
        error = %error,
        "a store did not take an answer's users or rate limits"
    );
    #[cfg(not(feature = "tracing"))]
    let _ = (endpoint, error, store);
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::task::{Poll, Waker};
    use std::time::Duration;

    use bytes::Bytes;
    use twapi_model::UserId;

    use super::*;
    use crate::request::v2::UserById;
    use crate::session::{Action, Call, CallError, Exchange, LimiterHandle, SessionBuilder};
    use crate::session::{Session, WaitReason};

    fn now() -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000)
    }

    /// What a ready store future holds (the in-memory store's are always ready).
    fn ready<T>(mut future: StoreFuture<'_, T>) -> Result<T, BoxError> {
        match future
            .as_mut()
            .poll(&mut std::task::Context::from_waker(Waker::noop()))
        {
            Poll::Ready(answer) => answer,
            Poll::Pending => panic!("the in-memory store answers at once"),
        }
    }

    fn session(store: &LimiterHandle) -> Session {
        SessionBuilder::app_only("AAAA")
            .limiter_store(Arc::new(store.clone()))
            .build(1)
            .unwrap()
    }

    fn call() -> Call<UserById> {
        Call::new(UserById {
            id: UserId::new(12),
            fields: crate::fields::Fields::default(),
        })
    }

    /// Polls until the reservation, makes it against `store` as a driver would, and polls on.
    fn reserve_and_poll(
        session: &Session,
        store: &LimiterHandle,
        call: &mut Call<UserById>,
    ) -> Action<<Call<UserById> as Exchange>::Output> {
        let Action::Wait(wait) = call.poll(session, now(), "n1") else {
            panic!("a store's session waits for the reservation first");
        };
        assert_eq!((wait.reason, wait.until), (WaitReason::Reservation, now()));
        let reservation = call.reservation().expect("what to reserve");
        assert_eq!(reservation.endpoint, EndpointId::V2UserById);
        let verdict = ready(LimiterStore::acquire(
            store,
            reservation.endpoint,
            &reservation.context,
            now(),
        ));
        call.handle_reservation(session, verdict, now());
        call.poll(session, now(), "n2")
    }

    #[test]
    fn a_store_session_reserves_through_its_driver_and_hands_out_the_answers_limits() {
        let store = LimiterHandle::default();
        let session = session(&store);
        let mut first = call();
        let Action::Send(_) = reserve_and_poll(&session, &store, &mut first) else {
            panic!("a granted reservation sends");
        };
        let reset = now() + Duration::from_secs(60);
        let answer = http::Response::builder()
            .status(200)
            .header("x-rate-limit-limit", "1")
            .header("x-rate-limit-remaining", "0")
            .header("x-rate-limit-reset", "1700000060")
            .body(Bytes::from_static(
                br#"{"data":{"id":"12","name":"J","username":"j"}}"#,
            ))
            .unwrap();
        first.handle_response(&session, answer, now());
        let observations = first.take_observations();
        assert_eq!(observations.len(), 1);
        assert!(first.take_observations().is_empty(), "taken once");
        for observation in &observations {
            ready(LimiterStore::observe(&store, observation, now())).unwrap();
        }
        let Action::Output(Ok(_)) = first.poll(&session, now(), "n3") else {
            panic!("the reply");
        };
        // The store learned the window is spent: the next call is refused until its reset.
        match reserve_and_poll(&session, &store, &mut call()) {
            Action::Output(Err(CallError::Throttled(wait))) => assert_eq!(wait.until, reset),
            other => panic!("expected the store's refusal, got {other:?}"),
        }
    }

    #[test]
    fn a_store_that_fails_or_a_driver_that_does_not_reserve_ends_the_call_typed() {
        let store = LimiterHandle::default();
        let session = session(&store);
        let mut failed = call();
        let Action::Wait(_) = failed.poll(&session, now(), "n1") else {
            panic!("the reservation first");
        };
        failed.handle_reservation(&session, Err("Redis is away".into()), now());
        let Action::Output(Err(CallError::Store(error))) = failed.poll(&session, now(), "n2")
        else {
            panic!("the store's failure");
        };
        assert_eq!(error.to_string(), "Redis is away");

        let mut unreserved = call();
        let Action::Wait(_) = unreserved.poll(&session, now(), "n1") else {
            panic!("the reservation first");
        };
        let Action::Output(Err(CallError::Store(_))) = unreserved.poll(&session, now(), "n2")
        else {
            panic!("a driver that polls on without reserving gets the store's error");
        };
    }
}
