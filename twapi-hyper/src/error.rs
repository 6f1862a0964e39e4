//! What can go wrong with a request sent through the [`Client`](crate::Client): everything
//! twapi-core decides (an invalid request, X's error answers, rate-limit refusals, bodies that
//! do not decode), plus what only a transport can meet (no connection, no answer in time, an
//! answer too large, a connection lost midway), and, for page walks, where to resume.

use std::error::Error as StdError;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use std::{fmt, io};

use twapi_core::pager::{PagerError, PagerState};
use twapi_core::rate_limit::WaitUntil;
use twapi_core::retry::Retryability;

/// The error of a lower layer (hyper, rustls, an I/O error), kept as its source.
pub type BoxError = Box<dyn StdError + Send + Sync + 'static>;

/// Anything that went wrong with a request.
///
/// [`Error::retryability`] says whether sending the same request again can help; the client
/// already acted on it (retries, waits) before handing an error out.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// twapi-core's verdict: the request breaks a documented rule (nothing was sent), X
    /// answered with an error, X refused it for a rate limit (429), or the body does not
    /// decode.
    Core(twapi_core::Error),
    /// The client-side rate limiter holds this endpoint until [`WaitUntil::until`], and the
    /// client was built without `wait_on_rate_limit`. Nothing was sent.
    Throttled(WaitUntil),
    /// No connection could be made (DNS, a refused or reset connection, hyper's handshake).
    Connect(BoxError),
    /// rustls refused the server's TLS handshake: a certificate from an authority the client
    /// does not trust (see `ClientBuilder::add_root_certificates_pem`), for another name, or
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
    /// The answer's head is larger than the client accepts (hyper's limits: 100 headers,
    /// about 400 KiB of status line and headers); the rest was not read. The same server
    /// would send the same head again, so it is not retried.
    HeadTooLarge(BoxError),
    /// The connection failed while sending the request or reading the answer.
    Transport(BoxError),
    /// A page walk cannot continue: the server pointed it at a page it had already fetched.
    Pager(PagerError),
    /// The OS random number generator failed, so no OAuth nonce could be drawn.
    Randomness(twapi_auth::system::RandomnessError),
    /// A page walk ended on an error: the error, and the state to resume from.
    Interrupted(Box<Interrupted>),
}

/// A page walk that ended on an error, with the [`PagerState`] to resume from: every page
/// before it was delivered, nothing after it was fetched.
///
/// Persist `state` (it is serde-serializable) and pass it to
/// [`Pager::resume`](twapi_core::pager::Pager::resume) to continue later, once
/// [`Interrupted::until`] has passed for a rate limit.
#[derive(Debug)]
#[non_exhaustive]
pub struct Interrupted {
    /// Why the walk stopped.
    pub error: Error,
    /// Where the walk stands: resuming from it fetches the page that failed.
    pub state: PagerState,
}

impl Interrupted {
    /// When a rate limit that stopped the walk lifts (see [`Error::rate_limited_until`]).
    pub fn until(&self) -> Option<SystemTime> {
        self.error.rate_limited_until()
    }
}

impl Error {
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
            | Self::Randomness(_) => Retryability::Never,
            Self::Interrupted(i) => i.error.retryability(),
        }
    }

    /// For a rate limit — X's 429 (or 420, or code 88) or the client-side limiter's refusal —
    /// when it lifts. `None` for other errors, and for a 429 that announced no reset (wait a
    /// whole window then).
    pub fn rate_limited_until(&self) -> Option<SystemTime> {
        match self {
            Self::Throttled(wait) => Some(wait.until),
            Self::Core(twapi_core::Error::RateLimited(r)) => r.until,
            Self::Interrupted(i) => i.error.rate_limited_until(),
            _ => None,
        }
    }

    /// Whether this is a rate limit, announced by X or by the client-side limiter.
    pub fn is_rate_limited(&self) -> bool {
        match self {
            Self::Throttled(_) | Self::Core(twapi_core::Error::RateLimited(_)) => true,
            Self::Interrupted(i) => i.error.is_rate_limited(),
            _ => false,
        }
    }

    /// X's error answer (codes, problems, status), if X answered with one.
    pub fn api(&self) -> Option<&twapi_core::ApiError> {
        match self {
            Self::Core(e) => e.api(),
            Self::Interrupted(i) => i.error.api(),
            _ => None,
        }
    }

    /// For an error that ended a page walk, the state to resume from.
    pub fn resume_state(&self) -> Option<&PagerState> {
        match self {
            Self::Interrupted(i) => Some(&i.state),
            _ => None,
        }
    }

    /// The error itself, looking through [`Error::Interrupted`].
    pub fn cause(&self) -> &Error {
        match self {
            Self::Interrupted(i) => i.error.cause(),
            other => other,
        }
    }

    pub(crate) fn interrupted(error: Error, state: PagerState) -> Self {
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

impl fmt::Display for Error {
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

impl StdError for Error {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        match self {
            Self::Core(e) => Some(e),
            Self::Throttled(w) => Some(w),
            Self::Connect(e) | Self::Tls(e) | Self::Transport(e) | Self::HeadTooLarge(e) => {
                Some(e.as_ref())
            }
            Self::Pager(e) => Some(e),
            Self::Randomness(e) => Some(e),
            Self::Interrupted(i) => Some(&i.error),
            Self::ConnectTimeout(_) | Self::Timeout(_) | Self::BodyTooLarge { .. } => None,
        }
    }
}

impl From<twapi_core::Error> for Error {
    fn from(e: twapi_core::Error) -> Self {
        Self::Core(e)
    }
}

impl From<twapi_core::InvalidRequest> for Error {
    fn from(e: twapi_core::InvalidRequest) -> Self {
        Self::Core(e.into())
    }
}

/// An error and its causes, `outer: inner: innermost`: hyper's own messages ("client error
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

/// Every error in `error`'s chain of causes, `error` first, for telling what went wrong by
/// type. An `io::Error` that wraps another error is followed into it: its own `source` skips
/// the wrapped error (it goes on from that one's source), so the wrapped error's type would
/// never be seen. (rustls's and hyper-util's connect errors reach the transport wrapped so.)
pub(crate) fn chain<'a>(
    error: &'a (dyn StdError + 'static),
) -> impl Iterator<Item = &'a (dyn StdError + 'static)> {
    std::iter::successors(Some(error), |&e| {
        match e.downcast_ref::<io::Error>().and_then(io::Error::get_ref) {
            Some(wrapped) => Some(wrapped as &(dyn StdError + 'static)),
            None => e.source(),
        }
    })
}

fn unix_seconds(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

#[cfg(test)]
mod tests {
    use super::*;
    use twapi_core::rate_limit::Bucket;
    use twapi_core::{EndpointId, InvalidRequest, param::Invalid};

    fn wait() -> WaitUntil {
        WaitUntil {
            until: UNIX_EPOCH + Duration::from_secs(1_700_000_900),
            bucket: Bucket::Window(EndpointId::FollowersIds),
        }
    }

    #[test]
    fn transport_failures_are_transient_and_a_cap_is_final() {
        assert_eq!(
            Error::Timeout(Duration::from_secs(1)).retryability(),
            Retryability::Now
        );
        assert_eq!(
            Error::Transport("reset".into()).retryability(),
            Retryability::Now
        );
        assert_eq!(
            Error::BodyTooLarge { limit: 10 }.retryability(),
            Retryability::Never
        );
        assert_eq!(
            Error::HeadTooLarge("message head is too large".into()).retryability(),
            Retryability::Never
        );
        let invalid: Error = InvalidRequest::new("count", Invalid::Missing).into();
        assert_eq!(invalid.retryability(), Retryability::Never);
    }

    #[test]
    fn a_throttle_says_when_through_an_interruption() {
        let state = PagerState {
            pages: 3,
            yielded: 15_000,
            ..PagerState::default()
        };
        let error = Error::interrupted(Error::Throttled(wait()), state.clone());
        assert!(error.is_rate_limited());
        assert_eq!(error.rate_limited_until(), Some(wait().until));
        assert_eq!(error.retryability(), Retryability::At(wait().until));
        assert_eq!(error.resume_state(), Some(&state));
        assert!(matches!(error.cause(), Error::Throttled(_)));
        assert_eq!(
            error.to_string(),
            "the client-side rate limiter holds Window(FollowersIds) until Unix time 1700000900 \
             (the walk stopped after 3 pages and 15000 items; resume from its state)"
        );
        // Wrapping again keeps one layer and the newest state.
        let again = Error::interrupted(error, PagerState::default());
        assert_eq!(again.resume_state(), Some(&PagerState::default()));
        assert!(matches!(again.cause(), Error::Throttled(_)));
    }
}
