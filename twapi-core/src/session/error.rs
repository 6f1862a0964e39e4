//! What a call through the [`Session`](super::Session) can end with: everything twapi-core
//! decides (an invalid request, X's error answers, rate-limit refusals, bodies that do not
//! decode, the limiter's own refusal), what only a transport can meet and hands to the session
//! (no connection, no answer in time, an answer too large, a connection lost midway), and, for
//! page walks, where to resume.
//!
//! One type for every driver: a program written against twapi-hyper matches the same variants
//! as one written against twapi-ureq, and the drivers' shared conformance suite checks both.

use std::error::Error as StdError;
use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::cost::Cost;
use crate::pager::{PagerError, PagerState};
use crate::rate_limit::WaitUntil;
use crate::retry::Retryability;

/// The error of a lower layer (hyper, rustls, an I/O error), kept as its source.
pub type BoxError = Box<dyn StdError + Send + Sync + 'static>;

/// Anything that went wrong with a request.
///
/// [`CallError::retryability`] says whether sending the same request again can help; the
/// session already acted on it (retries, waits) before handing an error out. The transport
/// variants are the ones a driver reports with
/// [`Exchange::handle_transport_error`](super::Exchange::handle_transport_error).
#[derive(Debug)]
#[non_exhaustive]
pub enum CallError {
    /// twapi-core's verdict: the request breaks a documented rule (nothing was sent), X
    /// answered with an error, X refused it for a rate limit (429), or the body does not
    /// decode.
    Core(crate::Error),
    /// The client-side rate limiter holds this endpoint until [`WaitUntil::until`], and the
    /// session was built without `wait_on_rate_limit`. Nothing was sent.
    Throttled(WaitUntil),
    /// No connection could be made (DNS, a refused or reset connection, hyper's handshake).
    Connect(BoxError),
    /// The TLS handshake was refused: a certificate from an authority the driver does not
    /// trust (see the driver's settings for added roots), for another name, or
    /// expired; or no protocol in common. The same server would be refused again, so it is not
    /// retried.
    Tls(BoxError),
    /// No connection within the connect timeout.
    ConnectTimeout(Duration),
    /// No complete answer (head and body) within the request timeout.
    Timeout(Duration),
    /// The answer's body is larger than the client's cap; the rest was not read.
    BodyTooLarge {
        /// The cap, in bytes.
        limit: usize,
    },
    /// The answer's head is larger than the driver accepts (twapi-hyper's: hyper's limits of
    /// 100 headers and about 400 KiB of status line and headers); the rest was not read. The same server
    /// would send the same head again, so it is not retried.
    HeadTooLarge(BoxError),
    /// The connection failed while sending the request or reading the answer.
    Transport(BoxError),
    /// A page walk cannot continue: the server pointed it at a page it had already fetched.
    Pager(PagerError),
    /// The driver's source of randomness failed, so no OAuth nonce could be drawn.
    Randomness(BoxError),
    /// The store the session keeps its budgets in (a
    /// [`LimiterStore`](super::LimiterStore), such as Redis) could not be reached or answered
    /// wrongly, so the request could not be admitted. Nothing was sent.
    Store(BoxError),
    /// The driver broke the call's order: it polled a call whose outcome it already had, or
    /// whose request was still out, or handed an answer to a call that had sent nothing.
    OutOfTurn,
    /// A page walk with a budget stopped before a page whose worst case (its page size times
    /// the price of one item) would take it past the budget, and no smaller page fits either.
    /// Nothing was sent. It comes wrapped in [`CallError::Interrupted`] with the state to
    /// resume from: resume with a new budget, and the session's saved meter, so that users
    /// already paid for today stay free.
    BudgetExhausted {
        /// What the walk spent (by the session's meter, else at list price).
        spent: Cost,
        /// The walk's budget.
        budget: Cost,
    },
    /// A page walk ended on an error: the error, and the state to resume from.
    Interrupted(Box<Interrupted>),
}

/// A page walk that ended on an error, with the [`PagerState`] to resume from: every page
/// before it was delivered, nothing after it was fetched.
///
/// Persist `state` (it is serde-serializable) and pass it to
/// [`Pager::resume`](crate::pager::Pager::resume) to continue later, once
/// [`Interrupted::until`] has passed for a rate limit.
#[derive(Debug)]
#[non_exhaustive]
pub struct Interrupted {
    /// Why the walk stopped.
    pub error: CallError,
    /// Where the walk stands: resuming from it fetches the page that failed.
    pub state: PagerState,
}

impl Interrupted {
    /// When a rate limit that stopped the walk lifts (see [`CallError::rate_limited_until`]).
    pub fn until(&self) -> Option<SystemTime> {
        self.error.rate_limited_until()
    }
}

impl CallError {
    /// What this error says about sending the same request again.
    ///
    /// Transport failures whose outcome is unknown (a timeout, a connection lost midway, no
    /// connection) are transient; a body over the cap will be as large next time; a limiter
    /// refusal says when.
    pub fn retryability(&self) -> Retryability {
        match self {
            Self::Core(e) => e.retryability(),
            Self::Throttled(wait) => Retryability::At(wait.until),
            Self::Connect(_) | Self::ConnectTimeout(_) | Self::Timeout(_) | Self::Transport(_) => {
                Retryability::Now
            }
            Self::BodyTooLarge { .. }
            | Self::HeadTooLarge(_)
            | Self::Tls(_)
            | Self::Pager(_)
            | Self::Randomness(_)
            | Self::Store(_)
            | Self::OutOfTurn
            | Self::BudgetExhausted { .. } => Retryability::Never,
            Self::Interrupted(i) => i.error.retryability(),
        }
    }

    /// For a rate limit — X's 429 (or 420, or code 88) or the client-side limiter's refusal —
    /// when it lifts. `None` for other errors, and for a 429 that announced no reset (wait a
    /// whole window then).
    pub fn rate_limited_until(&self) -> Option<SystemTime> {
        match self {
            Self::Throttled(wait) => Some(wait.until),
            Self::Core(crate::Error::RateLimited(r)) => r.until,
            Self::Interrupted(i) => i.error.rate_limited_until(),
            _ => None,
        }
    }

    /// Whether this is a rate limit, announced by X or by the client-side limiter.
    pub fn is_rate_limited(&self) -> bool {
        match self {
            Self::Throttled(_) | Self::Core(crate::Error::RateLimited(_)) => true,
            Self::Interrupted(i) => i.error.is_rate_limited(),
            _ => false,
        }
    }

    /// X's error answer (codes, problems, status), if X answered with one.
    pub fn api(&self) -> Option<&crate::ApiError> {
        match self {
            Self::Core(e) => e.api(),
            Self::Interrupted(i) => i.error.api(),
            _ => None,
        }
    }

    /// Whether a walk stopped at its budget ([`CallError::BudgetExhausted`]).
    pub fn is_budget_exhausted(&self) -> bool {
        matches!(self.cause(), Self::BudgetExhausted { .. })
    }

    /// For an error that ended a page walk, the state to resume from.
    pub fn resume_state(&self) -> Option<&PagerState> {
        match self {
            Self::Interrupted(i) => Some(&i.state),
            _ => None,
        }
    }

    /// The error itself, looking through [`CallError::Interrupted`].
    pub fn cause(&self) -> &CallError {
        match self {
            Self::Interrupted(i) => i.error.cause(),
            other => other,
        }
    }

    pub(crate) fn interrupted(error: CallError, state: PagerState) -> Self {
        match error {
            // A walk's error is wrapped once, with the walk's own state.
            Self::Interrupted(mut inner) => {
                inner.state = state;
                Self::Interrupted(inner)
            }
            error => Self::Interrupted(Box::new(Interrupted { error, state })),
        }
    }
}

impl fmt::Display for CallError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Core(e) => fmt::Display::fmt(e, f),
            Self::Throttled(wait) => write!(
                f,
                "the client-side rate limiter holds {:?} until Unix time {}",
                wait.bucket,
                unix_seconds(wait.until)
            ),
            Self::Connect(e) => write!(f, "could not connect: {}", Causes(e.as_ref())),
            Self::Tls(e) => write!(f, "the TLS handshake was refused: {}", Causes(e.as_ref())),
            Self::ConnectTimeout(after) => write!(f, "no connection within {after:?}"),
            Self::Timeout(after) => write!(f, "no complete answer within {after:?}"),
            Self::BodyTooLarge { limit } => {
                write!(f, "the answer's body is larger than the {limit}-byte cap")
            }
            Self::HeadTooLarge(e) => write!(
                f,
                "the answer's head is larger than the client accepts: {}",
                Causes(e.as_ref())
            ),
            Self::Transport(e) => write!(f, "the connection failed: {}", Causes(e.as_ref())),
            Self::Pager(e) => write!(f, "the page walk cannot continue: {e}"),
            Self::Randomness(e) => write!(f, "no OAuth nonce: {e}"),
            Self::Store(e) => write!(f, "the limiter's store failed: {e}"),
            Self::OutOfTurn => f.write_str("the call was driven out of turn"),
            Self::BudgetExhausted { spent, budget } => write!(
                f,
                "the walk's budget is spent: {spent} of {budget}, and the next page could pass it"
            ),
            Self::Interrupted(i) => fmt::Display::fmt(i, f),
        }
    }
}

impl fmt::Display for Interrupted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} (the walk stopped after {} pages and {} items; resume from its state)",
            self.error, self.state.pages, self.state.yielded
        )
    }
}

impl StdError for CallError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        match self {
            Self::Core(e) => Some(e),
            Self::Throttled(w) => Some(w),
            Self::Connect(e) | Self::Tls(e) | Self::Transport(e) | Self::HeadTooLarge(e) => {
                Some(e.as_ref())
            }
            Self::Pager(e) => Some(e),
            Self::Randomness(e) | Self::Store(e) => Some(e.as_ref()),
            Self::Interrupted(i) => Some(&i.error),
            Self::ConnectTimeout(_)
            | Self::Timeout(_)
            | Self::BodyTooLarge { .. }
            | Self::OutOfTurn
            | Self::BudgetExhausted { .. } => None,
        }
    }
}

impl From<crate::Error> for CallError {
    fn from(e: crate::Error) -> Self {
        Self::Core(e)
    }
}

impl From<crate::InvalidRequest> for CallError {
    fn from(e: crate::InvalidRequest) -> Self {
        Self::Core(e.into())
    }
}

/// An error and its causes, `outer: inner: innermost`: an HTTP library's own messages ("client error
/// (Connect)") say little without the I/O error beneath them.
struct Causes<'a>(&'a (dyn StdError + 'static));

impl fmt::Display for Causes<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)?;
        let mut cause = self.0.source();
        while let Some(e) = cause {
            write!(f, ": {e}")?;
            cause = e.source();
        }
        Ok(())
    }
}

fn unix_seconds(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rate_limit::Bucket;
    use crate::{EndpointId, InvalidRequest, param::Invalid};

    fn wait() -> WaitUntil {
        WaitUntil {
            until: UNIX_EPOCH + Duration::from_secs(1_700_000_900),
            bucket: Bucket::Window(EndpointId::FollowersIds),
        }
    }

    #[test]
    fn transport_failures_are_transient_and_a_cap_is_final() {
        assert_eq!(
            CallError::Timeout(Duration::from_secs(1)).retryability(),
            Retryability::Now
        );
        assert_eq!(
            CallError::Transport("reset".into()).retryability(),
            Retryability::Now
        );
        assert_eq!(
            CallError::BodyTooLarge { limit: 10 }.retryability(),
            Retryability::Never
        );
        assert_eq!(
            CallError::HeadTooLarge("message head is too large".into()).retryability(),
            Retryability::Never
        );
        let invalid: CallError = InvalidRequest::new("count", Invalid::Missing).into();
        assert_eq!(invalid.retryability(), Retryability::Never);
    }

    #[test]
    fn a_throttle_says_when_through_an_interruption() {
        let state = PagerState {
            pages: 3,
            yielded: 15_000,
            ..PagerState::default()
        };
        let error = CallError::interrupted(CallError::Throttled(wait()), state.clone());
        assert!(error.is_rate_limited());
        assert_eq!(error.rate_limited_until(), Some(wait().until));
        assert_eq!(error.retryability(), Retryability::At(wait().until));
        assert_eq!(error.resume_state(), Some(&state));
        assert!(matches!(error.cause(), CallError::Throttled(_)));
        assert_eq!(
            error.to_string(),
            "the client-side rate limiter holds Window(FollowersIds) until Unix time 1700000900 \
             (the walk stopped after 3 pages and 15000 items; resume from its state)"
        );
        // Wrapping again keeps one layer and the newest state.
        let again = CallError::interrupted(error, PagerState::default());
        assert_eq!(again.resume_state(), Some(&PagerState::default()));
        assert!(matches!(again.cause(), CallError::Throttled(_)));
    }
}
