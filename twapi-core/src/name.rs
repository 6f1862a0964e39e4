//! Screen names (v1.1) and usernames (v2): one rule, `^[A-Za-z0-9_]{1,15}$`.
//!
//! A user is named either by id or by screen name, and the two are distinct types here:
//! an all-digit screen name (`@1234`) is a screen name, never an id. [`UserRef`] says which.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use twapi_model::{CompactString, UserId};

/// A screen name or username that can exist: 1 to 15 of `A-Z a-z 0-9 _`, without the `@`.
///
/// X compares screen names without regard to case; [`ScreenName::eq_ignore_case`] does too,
/// while `==` compares exactly (the form a request carries).
///
/// ```
/// use twapi_core::ScreenName;
/// assert!("TwitterDev".parse::<ScreenName>().is_ok());
/// assert!("@TwitterDev".parse::<ScreenName>().is_err());
/// assert!("sixteen_chars_xx".parse::<ScreenName>().is_err());
/// ```
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ScreenName(CompactString);

/// Why text cannot be a screen name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ScreenNameError {
    /// Empty text.
    Empty,
    /// Longer than 15 characters.
    TooLong,
    /// A character other than `A-Z a-z 0-9 _` (an `@`, a space, a dot, a non-ASCII letter).
    BadCharacter,
}

impl fmt::Display for ScreenNameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Empty => "a screen name cannot be empty",
            Self::TooLong => "a screen name has at most 15 characters",
            Self::BadCharacter => "a screen name holds only A-Z, a-z, 0-9 and _",
        })
    }
}

impl std::error::Error for ScreenNameError {}

impl ScreenName {
    /// Checks `name` against X's rule.
    pub fn new(name: &str) -> Result<Self, ScreenNameError> {
        if name.is_empty() {
            return Err(ScreenNameError::Empty);
        }
        if name.len() > 15 {
            return Err(ScreenNameError::TooLong);
        }
        if !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
            return Err(ScreenNameError::BadCharacter);
        }
        Ok(Self(CompactString::from(name)))
    }

    /// The name, without `@`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether two names name the same account (X ignores case).
    pub fn eq_ignore_case(&self, other: &str) -> bool {
        self.0.eq_ignore_ascii_case(other)
    }
}

impl FromStr for ScreenName {
    type Err = ScreenNameError;

    fn from_str(s: &str) -> Result<Self, ScreenNameError> {
        Self::new(s)
    }
}

impl AsRef<str> for ScreenName {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ScreenName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for ScreenName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "@{}", self.0)
    }
}

impl Serialize for ScreenName {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for ScreenName {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = CompactString::deserialize(d)?;
        Self::new(&s).map_err(serde::de::Error::custom)
    }
}

/// A user named by id or by screen name: v1.1 endpoints take either (`user_id` or
/// `screen_name`), never both.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UserRef {
    /// By numeric id.
    Id(UserId),
    /// By screen name.
    ScreenName(ScreenName),
}

impl From<UserId> for UserRef {
    fn from(id: UserId) -> Self {
        Self::Id(id)
    }
}

impl From<ScreenName> for UserRef {
    fn from(name: ScreenName) -> Self {
        Self::ScreenName(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rule() {
        for ok in ["a", "_", "1234", "Twitter_Dev_123", "fifteen_chars_x"] {
            assert!(ScreenName::new(ok).is_ok(), "{ok}");
        }
        assert_eq!(ScreenName::new(""), Err(ScreenNameError::Empty));
        assert_eq!(
            ScreenName::new("sixteen_chars_xx"),
            Err(ScreenNameError::TooLong)
        );
        for bad in ["@jack", "a b", "a.b", "é", "a-b"] {
            assert_eq!(
                ScreenName::new(bad),
                Err(ScreenNameError::BadCharacter),
                "{bad}"
            );
        }
        assert!(
            ScreenName::new("TwitterDev")
                .unwrap()
                .eq_ignore_case("twitterdev")
        );
    }
}
