//! Errors for people: every failure is one plain sentence on stderr and an exit code that a
//! script can branch on.

use std::fmt;
use std::process::ExitCode;

use twapi_hyper::CallError;

/// Why `twapi` stopped, and with which exit code.
#[derive(Debug)]
pub(crate) struct Failure {
    kind: Kind,
    message: String,
}

/// The exit codes, each a kind of failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// 1: the network, the disk, anything else.
    Other,
    /// 2: a bad command: unknown parameter, bad value, missing account, unsafe file.
    Usage,
    /// 3: X refused the request (an error answer).
    Refused,
    /// 4: a rate limit, and `--no-wait` said not to wait.
    RateLimited,
    /// 5: the budget (`--max-cost`) is spent.
    Budget,
    /// 130: Ctrl-C, as shells report a SIGINT.
    Interrupted,
}

impl Failure {
    pub(crate) fn new(kind: Kind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
        }
    }

    pub(crate) fn usage(message: impl Into<String>) -> Self {
        Self::new(Kind::Usage, message)
    }

    pub(crate) fn internal(message: impl Into<String>) -> Self {
        Self::new(Kind::Other, message)
    }

    pub(crate) fn io(context: &str, error: impl fmt::Display) -> Self {
        Self::new(Kind::Other, format!("{context}: {error}"))
    }

    /// Adds a sentence (a hint) after the message.
    #[must_use]
    pub(crate) fn hint(mut self, hint: &str) -> Self {
        self.message.push_str(hint);
        self
    }

    pub(crate) fn kind(&self) -> Kind {
        self.kind
    }

    /// The process's exit code.
    pub(crate) fn exit_code(&self) -> ExitCode {
        ExitCode::from(match self.kind {
            Kind::Other => 1,
            Kind::Usage => 2,
            Kind::Refused => 3,
            Kind::RateLimited => 4,
            Kind::Budget => 5,
            Kind::Interrupted => 130,
        })
    }

    /// A call's error, sorted into its kind.
    pub(crate) fn call(error: &CallError) -> Self {
        let kind = kind_of(error);
        Self::new(kind, error.to_string())
    }
}

fn kind_of(error: &CallError) -> Kind {
    match error {
        CallError::Interrupted(interrupted) => kind_of(&interrupted.error),
        CallError::BudgetExhausted { .. } => Kind::Budget,
        CallError::Throttled(_) | CallError::Core(twapi_core::Error::RateLimited(_)) => {
            Kind::RateLimited
        }
        CallError::Core(twapi_core::Error::Api(_)) => Kind::Refused,
        CallError::Core(twapi_core::Error::Invalid(_)) => Kind::Usage,
        _ => Kind::Other,
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl From<CallError> for Failure {
    fn from(error: CallError) -> Self {
        Self::call(&error)
    }
}
