//! Identifiers: `u64` newtypes that accept both forms X sends.
//!
//! X's ids are 64-bit integers. v1.1 writes them as JSON numbers *and* as strings
//! (`id` and `id_str`), because ids above 2^53 lose precision in JavaScript; v2 writes
//! strings only; `stringify_ids=true` turns v1.1 id arrays into strings. An id here decodes
//! from either form, exactly (no floating point on the way), and encodes as a string by
//! default — the v2 form. v1.1 types encode their numeric fields through [`as_number`].
//!
//! Since late 2010 (tweets) and 2013 (users), ids are *snowflakes*: the upper 42 bits count
//! milliseconds since the snowflake epoch, so an id tells when its object was created
//! ([`TweetId::created_at`], [`UserId::created_at`]).

use std::fmt;
use std::str::FromStr;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};
use time::OffsetDateTime;

/// Milliseconds from the Unix epoch to the snowflake epoch (2010-11-04T01:42:54.657Z).
pub const SNOWFLAKE_EPOCH_MS: i64 = 1_288_834_974_657;

/// The smallest tweet id that is a snowflake: sequential ids ended below it in November 2010.
const FIRST_SNOWFLAKE_TWEET: u64 = 29_700_859_247;

/// Sequential user ids stayed within 32 bits; every larger user id is a snowflake.
const FIRST_SNOWFLAKE_USER: u64 = 1 << 32;

/// Why text is not an id.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum IdError {
    /// The text was empty.
    Empty,
    /// The text held something other than ASCII digits (a sign, a space, a decimal point).
    NotDigits,
    /// The number does not fit in 64 bits.
    TooLarge,
}

impl fmt::Display for IdError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Empty => "an id cannot be empty",
            Self::NotDigits => "an id is made of the ASCII digits 0-9 only",
            Self::TooLarge => "an id must fit in 64 bits",
        })
    }
}

impl std::error::Error for IdError {}

/// Parses an id written as decimal digits, exactly as X writes them (no sign, no spaces).
fn parse_digits(s: &str) -> Result<u64, IdError> {
    if s.is_empty() {
        return Err(IdError::Empty);
    }
    let mut value: u64 = 0;
    for b in s.bytes() {
        let digit = b.wrapping_sub(b'0');
        if digit > 9 {
            return Err(IdError::NotDigits);
        }
        value = value
            .checked_mul(10)
            .and_then(|v| v.checked_add(u64::from(digit)))
            .ok_or(IdError::TooLarge)?;
    }
    Ok(value)
}

/// The creation instant of a snowflake id.
fn snowflake_time(id: u64) -> Option<OffsetDateTime> {
    let ms = i64::try_from(id >> 22).ok()? + SNOWFLAKE_EPOCH_MS;
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000).ok()
}

/// Visits a JSON number or a string of digits; shared by every id type.
struct IdVisitor;

impl Visitor<'_> for IdVisitor {
    type Value = u64;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an id: a non-negative integer or a string of decimal digits")
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<u64, E> {
        Ok(v)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<u64, E> {
        u64::try_from(v).map_err(|_| E::invalid_value(de::Unexpected::Signed(v), &self))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<u64, E> {
        parse_digits(v).map_err(|e| E::custom(format_args!("invalid id {v:?}: {e}")))
    }
}

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident, $first_snowflake:expr) => {
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
        pub struct $name(u64);

        impl $name {
            /// Wraps a raw id.
            pub const fn new(id: u64) -> Self {
                Self(id)
            }

            /// The raw id.
            pub const fn get(self) -> u64 {
                self.0
            }

            /// When the object was created, read from the snowflake; `None` for the older
            /// sequential ids, which carry no time.
            pub fn created_at(self) -> Option<OffsetDateTime> {
                if self.0 >= $first_snowflake {
                    snowflake_time(self.0)
                } else {
                    None
                }
            }
        }

        impl From<u64> for $name {
            fn from(id: u64) -> Self {
                Self(id)
            }
        }

        impl From<$name> for u64 {
            fn from(id: $name) -> u64 {
                id.0
            }
        }

        impl FromStr for $name {
            type Err = IdError;

            fn from_str(s: &str) -> Result<Self, IdError> {
                parse_digits(s).map(Self)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(&self.0, f)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, concat!(stringify!($name), "({})"), self.0)
            }
        }

        /// Encodes as a string of digits: the v2 form, safe in every JSON reader.
        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                let mut buf = itoa_buf(self.0);
                s.serialize_str(buf.as_str())
            }
        }

        /// Decodes from a JSON number or a string of digits.
        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                d.deserialize_any(IdVisitor).map(Self)
            }
        }

        impl IdLike for $name {
            fn from_raw(id: u64) -> Self {
                Self(id)
            }
            fn raw(self) -> u64 {
                self.0
            }
        }
    };
}

id_type!(
    /// A user's id (`id` / `id_str` in v1.1, `id` in v2).
    ///
    /// ```
    /// use twapi_model::UserId;
    /// let id: UserId = serde_json::from_str("\"1263519744357920768\"").unwrap();
    /// assert_eq!(id, serde_json::from_str::<UserId>("1263519744357920768").unwrap());
    /// assert_eq!(id.created_at().unwrap().year(), 2020);
    /// assert_eq!(serde_json::to_string(&id).unwrap(), "\"1263519744357920768\"");
    /// ```
    UserId,
    FIRST_SNOWFLAKE_USER
);

id_type!(
    /// A tweet's id (the embedded `status`, `pinned_tweet_id`, `includes.tweets`).
    ///
    /// ```
    /// use twapi_model::TweetId;
    /// let id: TweetId = "1445880548472328192".parse().unwrap();
    /// assert_eq!(id.created_at().unwrap().date().to_string(), "2021-10-06");
    /// ```
    TweetId,
    FIRST_SNOWFLAKE_TWEET
);

/// The operations [`as_number`] needs; implemented by every id type here.
pub trait IdLike: Copy {
    /// Wraps a raw id.
    fn from_raw(id: u64) -> Self;
    /// The raw id.
    fn raw(self) -> u64;
}

/// A stack buffer holding the decimal digits of a `u64` (at most 20).
struct DigitBuf {
    bytes: [u8; 20],
    start: usize,
}

impl DigitBuf {
    fn as_str(&mut self) -> &str {
        // Only ASCII digits are ever written, so this cannot fail; an empty string would be a bug.
        std::str::from_utf8(&self.bytes[self.start..]).unwrap_or_default()
    }
}

fn itoa_buf(mut v: u64) -> DigitBuf {
    let mut buf = DigitBuf {
        bytes: [0; 20],
        start: 20,
    };
    loop {
        buf.start -= 1;
        // `v % 10` is below 10, so the cast cannot truncate.
        #[allow(clippy::cast_possible_truncation)]
        let digit = (v % 10) as u8;
        buf.bytes[buf.start] = b'0' + digit;
        v /= 10;
        if v == 0 {
            return buf;
        }
    }
}

/// Serde adapters for the v1.1 numeric form: `#[serde(with = "twapi_model::ids::as_number")]`.
///
/// Decoding still accepts a string, because X is not consistent about it.
pub mod as_number {
    use super::{IdLike, IdVisitor};
    use serde::{Deserializer, Serializer};

    /// Writes the id as a JSON number.
    pub fn serialize<T: IdLike, S: Serializer>(id: &T, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u64(id.raw())
    }

    /// Reads the id from a JSON number or a string of digits.
    pub fn deserialize<'de, T: IdLike, D: Deserializer<'de>>(d: D) -> Result<T, D::Error> {
        d.deserialize_any(IdVisitor).map(T::from_raw)
    }

    /// The same for an optional (nullable or absent) id.
    pub mod option {
        use super::super::{IdLike, IdVisitor};
        use serde::Serializer;
        use serde::de::{self, Deserializer, Visitor};
        use std::fmt;
        use std::marker::PhantomData;

        /// Writes the id as a JSON number, or `null`.
        pub fn serialize<T: IdLike, S: Serializer>(
            id: &Option<T>,
            s: S,
        ) -> Result<S::Ok, S::Error> {
            match id {
                Some(id) => s.serialize_u64(id.raw()),
                None => s.serialize_none(),
            }
        }

        /// Reads `null`, a JSON number or a string of digits.
        pub fn deserialize<'de, T: IdLike, D: Deserializer<'de>>(
            d: D,
        ) -> Result<Option<T>, D::Error> {
            struct Opt<T>(PhantomData<T>);
            impl<'de, T: IdLike> Visitor<'de> for Opt<T> {
                type Value = Option<T>;
                fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                    f.write_str("an id or null")
                }
                fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
                    Ok(None)
                }
                fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                    Ok(None)
                }
                fn visit_some<D2: Deserializer<'de>>(
                    self,
                    d: D2,
                ) -> Result<Self::Value, D2::Error> {
                    d.deserialize_any(IdVisitor).map(|v| Some(T::from_raw(v)))
                }
            }
            d.deserialize_option(Opt(PhantomData))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_digits_exactly() {
        assert_eq!(parse_digits("0"), Ok(0));
        assert_eq!(parse_digits("18446744073709551615"), Ok(u64::MAX));
        assert_eq!(parse_digits("18446744073709551616"), Err(IdError::TooLarge));
        assert_eq!(parse_digits(""), Err(IdError::Empty));
        assert_eq!(parse_digits("-1"), Err(IdError::NotDigits));
        assert_eq!(parse_digits("12 "), Err(IdError::NotDigits));
    }

    #[test]
    fn decodes_numbers_above_2_pow_53_exactly() {
        let id: UserId = serde_json::from_str("9007199254740993").unwrap();
        assert_eq!(id.get(), 9_007_199_254_740_993);
        let id: UserId = serde_json::from_str("\"9007199254740993\"").unwrap();
        assert_eq!(id.get(), 9_007_199_254_740_993);
    }

    #[test]
    fn rejects_what_is_not_an_id() {
        for bad in ["-5", "1.5", "\"\"", "\"x1\"", "null", "true", "[]", "1e3"] {
            assert!(
                serde_json::from_str::<UserId>(bad).is_err(),
                "{bad} accepted"
            );
        }
    }

    #[test]
    fn digit_buffer_writes_every_width() {
        for v in [0, 9, 10, 99, 100, 12_345, u64::MAX] {
            assert_eq!(itoa_buf(v).as_str(), v.to_string());
        }
    }

    #[test]
    fn snowflake_times() {
        // A sequential user id carries no time.
        assert_eq!(UserId::new(783_214).created_at(), None);
        assert_eq!(TweetId::new(20).created_at(), None);
        let t = TweetId::new(1_445_880_548_472_328_192)
            .created_at()
            .unwrap();
        assert_eq!(t.unix_timestamp(), 1_633_559_760);
        assert_eq!(t.millisecond(), 574);
        assert_eq!(
            TweetId::new(u64::MAX).created_at().map(|t| t.year() > 2100),
            Some(true)
        );
    }
}
