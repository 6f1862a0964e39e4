//! What can go wrong with the store: Redis itself, what it holds, or a budget too contended.

use std::fmt;

/// Why the store could not decide.
#[derive(Debug)]
#[non_exhaustive]
pub enum StoreError {
    /// Redis could not be reached, did not answer in time, or refused the command.
    Redis(redis::RedisError),
    /// A budget's key holds something that is not a budget's state (another program wrote
    /// under the namespace); nothing was changed.
    Corrupt {
        /// The key.
        key: String,
        /// Why its value does not read.
        error: serde_json::Error,
    },
    /// Other processes changed the budgets between every read and write of this many
    /// attempts; nothing was changed.
    Contention {
        /// How many times the reservation was decided and its save refused.
        attempts: u32,
    },
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Redis(error) => write!(f, "Redis, where the limiter keeps its budgets: {error}"),
            Self::Corrupt { key, error } => {
                write!(f, "the budget at Redis key {key:?} does not read: {error}")
            }
            Self::Contention { attempts } => write!(
                f,
                "other processes changed the budgets during each of {attempts} attempts"
            ),
        }
    }
}

impl std::error::Error for StoreError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Redis(error) => Some(error),
            Self::Corrupt { error, .. } => Some(error),
            Self::Contention { .. } => None,
        }
    }
}

impl From<redis::RedisError> for StoreError {
    fn from(error: redis::RedisError) -> Self {
        Self::Redis(error)
    }
}
