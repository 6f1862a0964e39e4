//! A page walk through the session: a [`Pager`] says which page comes next, a [`Call`] fetches
//! it with every rule of the session, and the walk hands out each page with the state to resume
//! from.
//!
//! A walk resumes exactly: every [`Page`] carries the [`PagerState`] after it, and a failure
//! ends the walk with [`CallError::Interrupted`], which carries the state before the page that
//! failed. Persist either, then [`Pager::resume`] — nothing delivered is fetched again, nothing
//! is skipped.

use std::time::SystemTime;

use bytes::Bytes;

use super::call::{Action, Call, is_owned_read};
use super::store::{Billing, Observation, Reservation};
use super::{BoxError, CallError, Exchange, Session};
use crate::cost::{Charge, Cost};
use crate::endpoint::EndpointId;
use crate::pager::{OverBudget, Pageable, Pager, PagerState};
use crate::rate_limit::{Permit, RateLimitSnapshot, WaitUntil};

/// One page of a walk.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Page<T> {
    /// The page's items (cut at the walk's limit).
    pub items: Vec<T>,
    /// Where the walk stands after this page: resume from it to fetch the next one.
    pub state: PagerState,
    /// The rate limits the page's answer announced.
    pub rate_limit: RateLimitSnapshot,
    /// What the page's answer carried and cost (see [`Reply::charge`](crate::Reply::charge)).
    pub charge: Charge,
}

/// What a walk hands out.
#[derive(Debug)]
pub enum WalkEvent<T> {
    /// A page: hand it out, then poll again for the next.
    Page(Page<T>),
    /// The walk ended on a failure: a [`CallError::Interrupted`] with the state to resume from.
    /// Polling again gives [`WalkEvent::End`].
    Failed(CallError),
    /// The walk is over: the last page was handed out, or the limit reached.
    End,
}

/// A page walk through a [`Session`].
#[derive(Debug)]
pub struct Walk<R: Pageable> {
    pager: Pager<R>,
    call: Option<Call<R>>,
    failed: bool,
    budget: Option<Cost>,
    spent: Cost,
}

impl<R> Walk<R>
where
    R: Pageable,
{
    /// A walk of `pager`: one from the first page (`Pager::new(request)`), one with a limit
    /// (`.with_limit(3_000)`), or one resumed from a saved state (`Pager::resume`).
    pub fn new(pager: Pager<R>) -> Self {
        Self {
            pager,
            call: None,
            failed: false,
            budget: None,
            spent: Cost::ZERO,
        }
    }

    /// Spends at most `budget` on this walk: before each page the walk checks the page's worst
    /// case (its size times the price of one item: every user could be new today), asks for
    /// a smaller page when only part of one fits, and stops with
    /// [`CallError::BudgetExhausted`] (in [`CallError::Interrupted`], with the state to resume
    /// from) when not even one item fits. What a page spent is what the session's meter added
    /// for it (users already billed today are free), or its list price without a meter.
    ///
    /// A walk resumed from a saved state starts a new budget: pass what is left, and restore
    /// the session's meter ([`MeterHandle::new`](crate::cost::MeterHandle::new)) so that
    /// users already billed today stay free.
    #[must_use]
    pub fn with_budget(mut self, budget: Cost) -> Self {
        self.budget = Some(budget);
        self
    }

    /// The walk's budget, if it has one.
    pub fn budget(&self) -> Option<Cost> {
        self.budget
    }

    /// What the pages handed out so far cost (see [`Walk::with_budget`]).
    pub fn spent(&self) -> Cost {
        self.spent
    }

    /// The request for the next page within the budget: `Ok(None)` when the walk is over, a
    /// [`CallError::BudgetExhausted`] when not even one item fits.
    fn next_request(&self, session: &Session) -> Result<Option<R>, CallError> {
        let Some(budget) = self.budget else {
            return Ok(self.pager.next_request());
        };
        let left = budget.saturating_sub(self.spent);
        let owned = is_owned_read(self.pager.request(), session.user_id());
        self.pager
            .next_request_affordable(left, owned)
            .map_err(|OverBudget| CallError::BudgetExhausted {
                spent: self.spent,
                budget,
            })
    }

    /// Where the walk stands: the state after the last page handed out.
    pub fn state(&self) -> &PagerState {
        self.pager.state()
    }
}

impl<R> Exchange for Walk<R>
where
    R: Pageable,
{
    type Output = WalkEvent<R::Item>;

    fn endpoint(&self) -> EndpointId {
        R::ENDPOINT
    }

    fn attempt(&self) -> u32 {
        self.call.as_ref().map_or(0, Exchange::attempt)
    }

    fn last_error(&self) -> Option<&CallError> {
        self.call.as_ref().and_then(Exchange::last_error)
    }

    fn rate_limit(&self) -> Option<&RateLimitSnapshot> {
        self.call.as_ref().and_then(Exchange::rate_limit)
    }

    /// The driver's next step at `now`, with a fresh `nonce` in case a request is signed.
    fn poll(&mut self, session: &Session, now: SystemTime, nonce: &str) -> Action<Self::Output> {
        if self.failed {
            return Action::Output(WalkEvent::End);
        }
        let call = match &mut self.call {
            Some(call) => call,
            None => match self.next_request(session) {
                Ok(Some(request)) => self.call.insert(Call::new(request)),
                Ok(None) => return Action::Output(WalkEvent::End),
                Err(error) => {
                    self.failed = true;
                    let state = self.pager.state().clone();
                    return Action::Output(WalkEvent::Failed(CallError::interrupted(error, state)));
                }
            },
        };
        let result = match call.poll(session, now, nonce) {
            Action::Send(request) => return Action::Send(request),
            Action::Wait(wait) => return Action::Wait(wait),
            Action::Output(result) => result,
        };
        self.call = None;
        let page = result.and_then(|reply| {
            let rate_limit = *reply.rate_limit();
            let charge = *reply.charge();
            self.spent += charge.spent();
            let items = self
                .pager
                .handle(reply.into_value())
                .map_err(CallError::Pager)?;
            Ok(Page {
                items,
                state: self.pager.state().clone(),
                rate_limit,
                charge,
            })
        });
        match page {
            Ok(page) => Action::Output(WalkEvent::Page(page)),
            Err(error) => {
                self.failed = true;
                let state = self.pager.state().clone();
                Action::Output(WalkEvent::Failed(CallError::interrupted(error, state)))
            }
        }
    }

    /// Takes the answer to the request last sent.
    fn handle_response(
        &mut self,
        session: &Session,
        response: http::Response<Bytes>,
        now: SystemTime,
    ) {
        if let Some(call) = &mut self.call {
            call.handle_response(session, response, now);
        }
    }

    /// Takes the failure of the exchange last sent.
    fn handle_transport_error(&mut self, session: &Session, error: CallError, now: SystemTime) {
        if let Some(call) = &mut self.call {
            call.handle_transport_error(session, error, now);
        }
    }

    fn reservation(&self) -> Option<Reservation> {
        self.call.as_ref().and_then(Exchange::reservation)
    }

    fn handle_reservation(
        &mut self,
        session: &Session,
        verdict: Result<Result<Permit, WaitUntil>, BoxError>,
        now: SystemTime,
    ) {
        if let Some(call) = &mut self.call {
            call.handle_reservation(session, verdict, now);
        }
    }

    fn take_observations(&mut self) -> Vec<Observation> {
        self.call
            .as_mut()
            .map_or_else(Vec::new, Exchange::take_observations)
    }

    fn take_billing(&mut self) -> Option<Billing> {
        self.call.as_mut().and_then(Exchange::take_billing)
    }

    fn handle_billed(&mut self, metered: Cost) {
        if let Some(call) = &mut self.call {
            call.handle_billed(metered);
        }
    }

    fn abandon(&mut self, error: CallError) -> Self::Output {
        self.failed = true;
        self.call = None;
        WalkEvent::Failed(CallError::interrupted(error, self.pager.state().clone()))
    }
}
