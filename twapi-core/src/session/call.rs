//! One typed request through the session: identity first where it is needed, then admission,
//! the exchange, and the retries and waits until an outcome.

use std::fmt;
use std::time::SystemTime;

use bytes::Bytes;
use twapi_model::UserId;
use twapi_model::v2::UserResponse;

use super::store::{Billing, Observation, Reservation};
use super::{BoxError, CallError, Exchange, Session};
use crate::cost::{Charge, Price};
use crate::endpoint::{EndpointId, PathParam};
use crate::rate_limit::{Bucket, Context, Permit, RateLimitSnapshot, WaitUntil};
use crate::reply::{Reply, decode_reply};
use crate::request::v2::Me;
use crate::request::{ApiRequest, Parts};
use crate::retry::{RetryDecision, Retryability, retry_after};

/// What the driver does next for a [`Call`] or a [`Walk`](super::Walk).
#[derive(Debug)]
#[must_use = "an action is the driver's next step"]
#[expect(
    clippy::large_enum_variant,
    reason = "the request goes straight to the driver; boxing it would allocate once per send"
)]
pub enum Action<T> {
    /// Send this request, then hand its answer to [`Exchange::handle_response`], or the
    /// failure to [`Exchange::handle_transport_error`], before polling again.
    Send(http::Request<Bytes>),
    /// Nothing can happen before `wait.until`: poll again then.
    Wait(Wait),
    /// What the machine hands out: a call's outcome (polling again gives
    /// [`CallError::OutOfTurn`]), or a walk's page, failure or end.
    Output(T),
}

/// A wait the session asks for, and why (for the driver's logs and progress bars).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Wait {
    /// When to poll again.
    pub until: SystemTime,
    /// Why.
    pub reason: WaitReason,
}

/// Why a call waits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum WaitReason {
    /// The client-side limiter holds this budget until its window or day resets.
    Limiter(Bucket),
    /// X answered 429 (or 420, or code 88): the limit resets then. Not a failed attempt.
    RateLimited,
    /// Attempt number `attempt` failed transiently ([`Call::last_error`] says how); the retry
    /// policy's backoff, or X's `Retry-After`, runs until then.
    Retry {
        /// The attempt that failed, 1 for the first send.
        attempt: u32,
    },
    /// The session keeps its budgets in a [`LimiterStore`](super::LimiterStore): the driver
    /// reserves [`Exchange::reservation`] there and hands the verdict to
    /// [`Exchange::handle_reservation`] before polling again (`until` is the `now` polled).
    Reservation,
}

/// The request a call sends: given, or made once the user's own id is known.
enum Plan<R> {
    Ready(R),
    ForMe(Box<dyn FnOnce(UserId) -> R + Send + Sync>),
    /// Only while a `ForMe` is being made into a `Ready`.
    Pending,
}

enum Stage<T> {
    /// Nothing decided yet.
    Start,
    /// Finding out the user's id first, with a call of its own.
    Identify(Box<Call<Me>>),
    /// Ready to be admitted, counted against `context` (`None`: no limiter).
    Admit(Option<Context>),
    /// Waiting for the driver's reservation against the session's store.
    Reserving(Option<Context>),
    /// Waiting until the instant, then admitted again.
    Sleeping(Wait, Option<Context>),
    /// Sent; the answer is awaited.
    Sent(Option<Context>),
    /// The outcome, not yet handed out.
    Outcome(Result<T, CallError>),
    /// The outcome was handed out.
    Finished,
}

/// One typed request through a [`Session`], from admission to its outcome.
///
/// Drive it with [`Call::poll`], [`Call::handle_response`] and
/// [`Call::handle_transport_error`] (see [the module](super) for the loop). The call keeps the
/// typed request, so it can sign it again after every wait.
pub struct Call<R: ApiRequest> {
    plan: Plan<R>,
    stage: Stage<Reply<R::Output>>,
    /// Sends so far that count as attempts (a 429 does not).
    attempt: u32,
    last_error: Option<CallError>,
    rate_limit: Option<RateLimitSnapshot>,
    /// The user's id, as this call's identity call found it.
    me: Option<UserId>,
    /// Whether the request is an owned read (its path's `:id` is the authenticated user).
    owned: bool,
    /// The store's verdict on the admission under way, as the driver handed it.
    verdict: Option<Result<(), WaitUntil>>,
    /// What the last answer said about the budgets, for the driver to take to the store.
    observations: Vec<Observation>,
    /// The last answer's users, for the driver to take to the meter's store.
    billing: Option<Billing>,
}

impl<R: ApiRequest> fmt::Debug for Call<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let stage = match &self.stage {
            Stage::Start => "start",
            Stage::Identify(_) => "identify",
            Stage::Admit(_) => "admit",
            Stage::Reserving(_) => "reserving",
            Stage::Sleeping(..) => "sleeping",
            Stage::Sent(_) => "sent",
            Stage::Outcome(_) => "outcome",
            Stage::Finished => "finished",
        };
        f.debug_struct("Call")
            .field("endpoint", &R::ENDPOINT)
            .field("stage", &stage)
            .field("attempt", &self.attempt)
            .finish_non_exhaustive()
    }
}

impl<R> Call<R>
where
    R: ApiRequest,
{
    /// A call of `request`.
    pub fn new(request: R) -> Self {
        Self::planned(Plan::Ready(request))
    }

    /// A call of the request `make` builds from the authenticated user's id, which the session
    /// finds out first if it does not know it yet (follow and unfollow need it as their source).
    pub fn for_me(make: impl FnOnce(UserId) -> R + Send + Sync + 'static) -> Self {
        Self::planned(Plan::ForMe(Box::new(make)))
    }

    fn planned(plan: Plan<R>) -> Self {
        Self {
            plan,
            stage: Stage::Start,
            attempt: 0,
            last_error: None,
            rate_limit: None,
            me: None,
            owned: false,
            verdict: None,
            observations: Vec::new(),
            billing: None,
        }
    }

    /// What the call decides first: whose budget it spends, and whether it must find out the
    /// user's id for that, or for the request itself.
    fn start(&mut self, session: &Session) -> Stage<Reply<R::Output>> {
        let identity = &session.identity;
        let needs_user = matches!(self.plan, Plan::ForMe(_))
            || (session.limits()
                && R::ENDPOINT != EndpointId::V2Me
                && identity.known_context().is_none());
        let user = identity.user().or(self.me);
        if needs_user && user.is_none() {
            return Stage::Identify(Box::new(Call::new(Me::default())));
        }
        if let Some(me) = user {
            self.plan = match std::mem::replace(&mut self.plan, Plan::Pending) {
                Plan::ForMe(make) => Plan::Ready(make(me)),
                plan => plan,
            };
        }
        // Once a call: the request and whose it is do not change across its retries and waits.
        if let Plan::Ready(request) = &self.plan {
            self.owned = is_owned_read(request, user);
        }
        let context = session.limits().then(|| {
            identity
                .known_context()
                .unwrap_or_else(|| identity.bootstrap_context())
        });
        Stage::Admit(context)
    }

    /// Signs the request (refusing one that breaks a rule before it spends budget) and asks
    /// the limiter for it.
    fn admit(
        &mut self,
        session: &Session,
        context: Option<Context>,
        now: SystemTime,
        nonce: &str,
    ) -> Action<Result<Reply<R::Output>, CallError>> {
        let Plan::Ready(request) = &self.plan else {
            // `start` made the request before admitting it.
            self.stage = Stage::Finished;
            return Action::Output(Err(CallError::OutOfTurn));
        };
        let prepared = match session.prepare(request, now, nonce) {
            Ok(prepared) => prepared,
            Err(error) => {
                self.stage = Stage::Finished;
                return Action::Output(Err(CallError::Core(error)));
            }
        };
        if let Some(ctx) = &context {
            let verdict = if let Some(limiter) = &session.limiter {
                limiter.lock().acquire(R::ENDPOINT, ctx, now).map(drop)
            } else if let Some(verdict) = self.verdict.take() {
                verdict
            } else if session.store.is_some() {
                self.stage = Stage::Reserving(context);
                return Action::Wait(Wait {
                    until: now,
                    reason: WaitReason::Reservation,
                });
            } else {
                Ok(())
            };
            if let Err(refusal) = verdict {
                if !session.wait_on_rate_limit {
                    self.stage = Stage::Finished;
                    return Action::Output(Err(CallError::Throttled(refusal)));
                }
                let wait = Wait {
                    until: refusal.until,
                    reason: WaitReason::Limiter(refusal.bucket),
                };
                self.stage = Stage::Sleeping(wait, context);
                return Action::Wait(wait);
            }
        }
        self.attempt = self.attempt.saturating_add(1);
        self.stage = Stage::Sent(context);
        Action::Send(prepared)
    }

    /// The context of the request that is out, if one is; otherwise the answer is out of turn
    /// and the call ends with that.
    fn take_sent(&mut self) -> Result<Option<Context>, OutOfTurn> {
        match std::mem::replace(&mut self.stage, Stage::Finished) {
            Stage::Sent(context) => Ok(context),
            other => {
                self.stage = match other {
                    Stage::Finished => Stage::Finished,
                    _ => Stage::Outcome(Err(CallError::OutOfTurn)),
                };
                Err(OutOfTurn)
            }
        }
    }

    /// A failed attempt: retried when and if the policy says, or the outcome.
    fn fail(
        &mut self,
        session: &Session,
        error: CallError,
        retryability: Retryability,
        context: Option<Context>,
        now: SystemTime,
    ) {
        let idempotent = R::ENDPOINT.descriptor().idempotent;
        let decision = session.retry.decide(
            self.attempt,
            retryability,
            idempotent,
            session.jitter(),
            now,
        );
        match decision {
            RetryDecision::RetryAt(until) => {
                self.last_error = Some(error);
                let reason = WaitReason::Retry {
                    attempt: self.attempt,
                };
                self.stage = Stage::Sleeping(Wait { until, reason }, context);
            }
            RetryDecision::GiveUp => self.stage = Stage::Outcome(Err(error)),
        }
    }
}

impl<R> Exchange for Call<R>
where
    R: ApiRequest,
{
    type Output = Result<Reply<R::Output>, CallError>;

    fn endpoint(&self) -> EndpointId {
        match &self.stage {
            Stage::Identify(me) => me.endpoint(),
            _ => R::ENDPOINT,
        }
    }

    fn attempt(&self) -> u32 {
        match &self.stage {
            Stage::Identify(me) => me.attempt(),
            _ => self.attempt,
        }
    }

    fn last_error(&self) -> Option<&CallError> {
        match &self.stage {
            Stage::Identify(me) => me.last_error(),
            Stage::Outcome(Err(error)) => Some(error),
            _ => self.last_error.as_ref(),
        }
    }

    fn rate_limit(&self) -> Option<&RateLimitSnapshot> {
        match &self.stage {
            Stage::Identify(me) => me.rate_limit(),
            _ => self.rate_limit.as_ref(),
        }
    }

    fn poll(&mut self, session: &Session, now: SystemTime, nonce: &str) -> Action<Self::Output> {
        loop {
            match std::mem::replace(&mut self.stage, Stage::Finished) {
                Stage::Start => self.stage = self.start(session),
                Stage::Identify(mut me) => match me.poll(session, now, nonce) {
                    // The session keeps the id (the identity call learned it); this call keeps
                    // it too, so it goes on even where the session does not keep ids.
                    Action::Output(Ok(reply)) => match reply.into_data() {
                        Ok(user) => {
                            self.me = Some(user.id);
                            self.stage = Stage::Start;
                        }
                        Err(error) => self.stage = Stage::Outcome(Err(CallError::Core(error))),
                    },
                    Action::Output(Err(error)) => self.stage = Stage::Outcome(Err(error)),
                    action => {
                        self.stage = Stage::Identify(me);
                        return forward(action);
                    }
                },
                Stage::Admit(context) => return self.admit(session, context, now, nonce),
                Stage::Reserving(_) => {
                    // Polled again without the verdict: a driver that does not reach stores.
                    return Action::Output(Err(CallError::Store(NOT_RESERVED.into())));
                }
                Stage::Sleeping(wait, context) => {
                    if now < wait.until {
                        self.stage = Stage::Sleeping(wait, context);
                        return Action::Wait(wait);
                    }
                    self.stage = Stage::Admit(context);
                }
                Stage::Sent(context) => {
                    self.stage = Stage::Sent(context);
                    return Action::Output(Err(CallError::OutOfTurn));
                }
                Stage::Outcome(result) => return Action::Output(result),
                Stage::Finished => return Action::Output(Err(CallError::OutOfTurn)),
            }
        }
    }

    fn handle_response(
        &mut self,
        session: &Session,
        response: http::Response<Bytes>,
        now: SystemTime,
    ) {
        if let Stage::Identify(me) = &mut self.stage {
            me.handle_response(session, response, now);
            return;
        }
        let Ok(context) = self.take_sent() else {
            return;
        };
        let retry_after = retry_after(response.headers(), now);
        let decoded = decode_reply::<R>(response);
        let snapshot = match &decoded {
            Ok(reply) => Some(*reply.rate_limit()),
            Err(e) => e.api().map(|api| *api.rate_limit()),
        };
        self.rate_limit = snapshot;
        if let (Some(limiter), Some(context)) = (&session.limiter, &context) {
            let mut limiter = limiter.lock();
            if let Some(snapshot) = &snapshot {
                limiter.observe(R::ENDPOINT, context, snapshot, now);
            }
            if let Err(crate::Error::RateLimited(limited)) = &decoded {
                let reset = limited.until.or(retry_after);
                limiter.observe_rate_limited(R::ENDPOINT, context, reset, now);
            }
        } else if let (Some(_), Some(context)) = (&session.store, &context) {
            // The same two observations, in the same order, for the driver to take to the store.
            if let Some(snapshot) = snapshot {
                self.observations.push(Observation::Headers {
                    endpoint: R::ENDPOINT,
                    context: context.clone(),
                    snapshot,
                });
            }
            if let Err(crate::Error::RateLimited(limited)) = &decoded {
                self.observations.push(Observation::RateLimited {
                    endpoint: R::ENDPOINT,
                    context: context.clone(),
                    reset: limited.until.or(retry_after),
                });
            }
        }
        match decoded {
            Ok(mut reply) => {
                // An error recognised as an outcome (an already requested follow) is not billed.
                let charge = match &session.meter {
                    _ if !reply.status().is_success() => Charge::default(),
                    Some(meter) => meter.record_payload(R::ENDPOINT, &reply.value, self.owned, now),
                    None if session.meter_store.is_some() => {
                        let mut ids = Vec::new();
                        crate::Payload::billable_ids(&reply.value, &mut |id| ids.push(id));
                        let charge = Charge::new(R::ENDPOINT, ids.len() as u64, self.owned);
                        self.billing = Some(Billing {
                            endpoint: R::ENDPOINT,
                            ids,
                            owned: charge.owned,
                        });
                        charge
                    }
                    None => Charge::new(R::ENDPOINT, reply.charge().resources, self.owned),
                };
                reply.set_charge(charge);
                if R::ENDPOINT == EndpointId::V2Me {
                    learn_identity(session, reply.body());
                }
                self.stage = Stage::Outcome(Ok(reply));
            }
            Err(error @ crate::Error::RateLimited(_)) if !session.wait_on_rate_limit => {
                self.stage = Stage::Outcome(Err(CallError::Core(error)));
            }
            Err(crate::Error::RateLimited(limited)) => {
                // Not a failure of the request: the attempt is not counted.
                self.attempt -= 1;
                let until = limited
                    .until
                    .filter(|until| *until > now)
                    .or(retry_after)
                    .unwrap_or_else(|| after(now, session.window()));
                self.last_error = Some(CallError::Core(crate::Error::RateLimited(limited)));
                self.stage = Stage::Sleeping(
                    Wait {
                        until,
                        reason: WaitReason::RateLimited,
                    },
                    context,
                );
            }
            Err(error) => {
                let retryability = match (error.retryability(), retry_after) {
                    (Retryability::Now, Some(at)) => Retryability::At(at),
                    (retryability, _) => retryability,
                };
                self.fail(session, CallError::Core(error), retryability, context, now);
            }
        }
    }

    fn handle_transport_error(&mut self, session: &Session, error: CallError, now: SystemTime) {
        if let Stage::Identify(me) = &mut self.stage {
            me.handle_transport_error(session, error, now);
            return;
        }
        let Ok(context) = self.take_sent() else {
            return;
        };
        let retryability = error.retryability();
        self.fail(session, error, retryability, context, now);
    }

    fn abandon(&mut self, error: CallError) -> Self::Output {
        self.stage = Stage::Finished;
        Err(error)
    }

    fn reservation(&self) -> Option<Reservation> {
        match &self.stage {
            Stage::Identify(me) => me.reservation(),
            Stage::Reserving(Some(context)) => Some(Reservation {
                endpoint: R::ENDPOINT,
                context: context.clone(),
            }),
            _ => None,
        }
    }

    fn handle_reservation(
        &mut self,
        session: &Session,
        verdict: Result<Result<Permit, WaitUntil>, BoxError>,
        now: SystemTime,
    ) {
        match std::mem::replace(&mut self.stage, Stage::Finished) {
            Stage::Identify(mut me) => {
                me.handle_reservation(session, verdict, now);
                self.stage = Stage::Identify(me);
            }
            Stage::Reserving(context) => match verdict {
                Ok(verdict) => {
                    self.verdict = Some(verdict.map(drop));
                    self.stage = Stage::Admit(context);
                }
                Err(error) => self.stage = Stage::Outcome(Err(CallError::Store(error))),
            },
            Stage::Finished => {}
            _ => self.stage = Stage::Outcome(Err(CallError::OutOfTurn)),
        }
    }

    fn take_observations(&mut self) -> Vec<Observation> {
        match &mut self.stage {
            Stage::Identify(me) => me.take_observations(),
            _ => std::mem::take(&mut self.observations),
        }
    }

    fn take_billing(&mut self) -> Option<Billing> {
        match &mut self.stage {
            Stage::Identify(me) => me.take_billing(),
            _ => self.billing.take(),
        }
    }

    fn handle_billed(&mut self, metered: crate::cost::Cost) {
        match &mut self.stage {
            Stage::Identify(me) => me.handle_billed(metered),
            Stage::Outcome(Ok(reply)) => {
                let mut charge = *reply.charge();
                charge.metered = Some(metered);
                reply.set_charge(charge);
            }
            _ => {}
        }
    }
}

/// Why a call in [`Stage::Reserving`] that is polled again fails.
const NOT_RESERVED: &str = "the session keeps its budgets in a limiter store, and the driver \
polled again without reserving (Exchange::handle_reservation); this driver does not reach stores";

/// An answer handed to a call that had nothing out.
struct OutOfTurn;

/// The identity call's action, as the call that waits on it.
fn forward<T, U>(action: Action<Result<T, CallError>>) -> Action<Result<U, CallError>> {
    match action {
        Action::Send(request) => Action::Send(request),
        Action::Wait(wait) => Action::Wait(wait),
        Action::Output(_) => Action::Output(Err(CallError::OutOfTurn)),
    }
}

/// Keeps the id of the user `/2/users/me` answered with (read again from the body, which the
/// reply keeps: the call's output type is the request's, and this happens once a session).
fn learn_identity(session: &Session, body: &[u8]) {
    if let Ok(UserResponse {
        data: Some(user), ..
    }) = <UserResponse as crate::Payload>::decode(body)
    {
        session.identity.learn(user.id);
    }
}

/// Whether `request` reads the authenticated user's own resources: its path's `:id` is `me`.
/// X bills such reads ("owned reads") at a tenth of the price.
pub(super) fn is_owned_read<R: ApiRequest>(request: &R, me: Option<UserId>) -> bool {
    let Some(me) = me else {
        return false;
    };
    // Only a path with an `:id` can name the user; most endpoints' cannot, and are not written
    // a second time to find out.
    let endpoint = R::ENDPOINT.descriptor();
    if !matches!(R::ENDPOINT.price(), Price::PerResource { .. }) || !endpoint.path.contains(":id") {
        return false;
    }
    let mut parts = Parts::default();
    request.write(&mut parts).is_ok()
        && parts
            .path
            .iter()
            .any(|(param, value)| *param == PathParam::Id && value.parse() == Ok(me.get()))
}

/// `now + period`, or `now` past the end of time.
fn after(now: SystemTime, period: std::time::Duration) -> SystemTime {
    now.checked_add(period).unwrap_or(now)
}
