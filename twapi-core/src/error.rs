//! One error type for everything that can go wrong with a request, and what each says about
//! retrying.
//!
//! - [`Error::Invalid`]: caught before sending, naming the parameter.
//! - [`Error::Api`]: X answered with an error: the HTTP status, the v1.1 codes (as named
//!   [`ErrorCode`]s, unknown ones kept as numbers), the v2 problems (by type, with their
//!   fields) and the rate-limit snapshot.
//! - [`Error::RateLimited`]: 429 (or code 88, or the legacy 420): come back at the reset.
//! - [`Error::Decode`]: a body that is not what the endpoint sends, with the status, a bounded
//!   excerpt and the path of the failing field.

use std::fmt;
use std::time::SystemTime;

use bytes::Bytes;
use http::StatusCode;
use twapi_model::v2::{Problem, ProblemKind};

use crate::cost::BillingRefusal;
use crate::error_code::ErrorCode;
use crate::param::InvalidRequest;
use crate::rate_limit::RateLimitSnapshot;
use crate::retry::{RetryHint, Retryability};

/// How much of a body an error keeps for the reader: enough to recognise an HTML error page
/// or a truncated document, bounded so a hostile body cannot bloat logs.
pub const EXCERPT_BYTES: usize = 256;

/// Anything that went wrong with a request.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Error {
    /// The request breaks a documented rule; nothing was sent.
    Invalid(InvalidRequest),
    /// X answered with an error.
    Api(Box<ApiError>),
    /// X refused for a rate limit; retry at [`RateLimited::until`].
    RateLimited(Box<RateLimited>),
    /// The body is not what the endpoint sends.
    Decode(Box<DecodeFailure>),
}

impl Error {
    /// What this error says about sending the same request again.
    pub fn retryability(&self) -> Retryability {
        match self {
            Self::Invalid(_) => Retryability::Never,
            Self::Api(e) => e.retryability(),
            Self::RateLimited(r) => r.until.map_or(Retryability::Now, Retryability::At),
            // A success status with a broken body is a transfer cut short: try again. Any other
            // status with a broken body will not mend itself.
            Self::Decode(d) => {
                if d.status.is_success() {
                    Retryability::Now
                } else {
                    Retryability::Never
                }
            }
        }
    }

    /// The API error, if X answered with one.
    pub fn api(&self) -> Option<&ApiError> {
        match self {
            Self::Api(e) => Some(e),
            Self::RateLimited(r) => Some(&r.error),
            _ => None,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Invalid(e) => write!(f, "invalid request: {e}"),
            Self::Api(e) => fmt::Display::fmt(e, f),
            Self::RateLimited(r) => match r
                .until
                .and_then(|t| t.duration_since(SystemTime::UNIX_EPOCH).ok())
            {
                Some(reset) => write!(f, "rate limited until {} (Unix time)", reset.as_secs()),
                None => f.write_str("rate limited (no reset announced)"),
            },
            Self::Decode(d) => fmt::Display::fmt(d, f),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Invalid(e) => Some(e),
            _ => None,
        }
    }
}

impl From<InvalidRequest> for Error {
    fn from(e: InvalidRequest) -> Self {
        Self::Invalid(e)
    }
}

/// A v1.1 error code with X's message (or the `code`/`message` pair of a v2 `Error` body).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodedError {
    /// The code, named where X documents it.
    pub code: ErrorCode,
    /// X's message, as sent.
    pub message: String,
}

/// An error answer from X.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    pub(crate) status: StatusCode,
    pub(crate) codes: Vec<CodedError>,
    pub(crate) problems: Vec<Problem>,
    pub(crate) message: Option<String>,
    pub(crate) rate_limit: RateLimitSnapshot,
    pub(crate) excerpt: String,
}

impl ApiError {
    /// An error answer; the decoder builds these, and so can a test or another driver.
    pub fn new(status: StatusCode, rate_limit: RateLimitSnapshot) -> Self {
        Self {
            status,
            codes: Vec::new(),
            problems: Vec::new(),
            message: None,
            rate_limit,
            excerpt: String::new(),
        }
    }

    /// With a v1.1 code.
    #[must_use]
    pub fn with_code(mut self, code: ErrorCode, message: impl Into<String>) -> Self {
        self.codes.push(CodedError {
            code,
            message: message.into(),
        });
        self
    }

    /// With a v2 problem.
    #[must_use]
    pub fn with_problem(mut self, problem: Problem) -> Self {
        self.problems.push(problem);
        self
    }

    /// The HTTP status (200 for a success status whose body held only errors).
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The v1.1 codes, in the order X listed them.
    pub fn codes(&self) -> &[CodedError] {
        &self.codes
    }

    /// Whether X named this code.
    pub fn has_code(&self, code: ErrorCode) -> bool {
        self.codes.iter().any(|c| c.code.code() == code.code())
    }

    /// The v2 problems.
    pub fn problems(&self) -> &[Problem] {
        &self.problems
    }

    /// Whether X reported a problem of this kind.
    pub fn has_problem(&self, kind: &ProblemKind) -> bool {
        self.problems.iter().any(|p| p.kind() == kind)
    }

    /// The message of the rarer `{"error": "..."}` body.
    pub fn message(&self) -> Option<&str> {
        self.message.as_deref()
    }

    /// The rate-limit headers of the answer.
    pub fn rate_limit(&self) -> &RateLimitSnapshot {
        &self.rate_limit
    }

    /// The start of a body that was neither a v1.1 nor a v2 error body (an HTML error page),
    /// at most [`EXCERPT_BYTES`]; empty otherwise.
    pub fn excerpt(&self) -> &str {
        &self.excerpt
    }

    /// A refusal for billing or access (a spent usage cap, an app not enrolled, v1.1 code
    /// 453), which no wait lifts.
    pub fn billing(&self) -> Option<BillingRefusal> {
        BillingRefusal::of(self)
    }

    /// Whether retrying can help, and when: 130, 131 and 5xx are transient; 420, 429 and 88
    /// wait for the reset; billing refusals (a `usage-capped` 429 among them) and everything
    /// else are final.
    pub fn retryability(&self) -> Retryability {
        if self.billing().is_some() {
            return Retryability::Never;
        }
        let reset = self.rate_limit.window.map(|w| w.reset);
        let by_codes = self
            .codes
            .iter()
            .map(|c| c.code.retryability_hint())
            .find(|h| *h != RetryHint::No);
        let hint = match by_codes {
            Some(hint) => hint,
            None if self.status == StatusCode::TOO_MANY_REQUESTS || self.status.as_u16() == 420 => {
                RetryHint::AtReset
            }
            None if self.status.is_server_error() => RetryHint::Backoff,
            None => RetryHint::No,
        };
        Retryability::from_hint(hint, reset)
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "X answered {}", self.status)?;
        for c in &self.codes {
            write!(f, "; code {}: {}", c.code.code(), c.message)?;
        }
        for p in &self.problems {
            write!(f, "; {}: {}", p.r#type.as_str(), p.title)?;
            if let Some(detail) = &p.detail {
                write!(f, " ({detail})")?;
            }
        }
        if let Some(m) = &self.message {
            write!(f, "; {m}")?;
        }
        if let Some(refusal) = self.billing() {
            write!(f, " — {refusal}")?;
        }
        Ok(())
    }
}

/// A refusal for a rate limit.
#[derive(Debug, Clone, PartialEq)]
pub struct RateLimited {
    /// When the limit resets (the window's `x-rate-limit-reset`, or the 24-hour bucket's when
    /// that one is exhausted); `None` when X did not say.
    pub until: Option<SystemTime>,
    /// The answer itself.
    pub error: ApiError,
}

/// A body that does not decode as what the endpoint sends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeFailure {
    /// The HTTP status it came with.
    pub status: StatusCode,
    /// The path of the failing field (`users[3].created_at`), `.` for the whole document.
    pub path: String,
    /// Why it failed.
    pub message: String,
    /// The body's first bytes, at most [`EXCERPT_BYTES`], lossily as UTF-8.
    pub excerpt: String,
}

impl DecodeFailure {
    pub(crate) fn new(status: StatusCode, err: &twapi_model::DecodeError, body: &Bytes) -> Self {
        Self {
            status,
            path: err.path().to_owned(),
            message: err.to_string(),
            excerpt: excerpt(body),
        }
    }
}

impl fmt::Display for DecodeFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the {} body does not decode: {} (body starts {:?})",
            self.status, self.message, self.excerpt
        )
    }
}

/// The first [`EXCERPT_BYTES`] of a body, cut at a character boundary.
pub(crate) fn excerpt(body: &[u8]) -> String {
    let head = &body[..body.len().min(EXCERPT_BYTES)];
    String::from_utf8_lossy(head).into_owned()
}
