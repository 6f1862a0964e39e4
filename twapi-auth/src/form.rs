//! `application/x-www-form-urlencoded`: the bodies the token endpoints take, and the
//! replies of the 3-legged OAuth 1.0a endpoints.
//!
//! Bodies are written with RFC 3986 encoding ([`crate::percent`]), which every X endpoint
//! accepts and which keeps the signed form and the sent form identical. Parsing is strict:
//! a byte that cannot occur in a form-encoded string (a space, a quote, a brace, a non-ASCII
//! byte) means the reply is something else, typically a JSON or HTML error page, and is
//! reported as [`FormError::NotFormEncoded`] instead of being read as a strange key.

use std::fmt;

use crate::percent::{self, DecodeError};

/// The `Content-Type` of the bodies this crate sends.
pub const CONTENT_TYPE: &str = "application/x-www-form-urlencoded";

/// Why a body is not a valid form-encoded string.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum FormError {
    /// A byte that a form-encoded string cannot contain, at this offset.
    NotFormEncoded {
        /// Offset of the first offending byte.
        offset: usize,
    },
    /// A name or value whose escapes are malformed or decode to non-UTF-8 bytes.
    Decode(DecodeError),
}

impl fmt::Display for FormError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotFormEncoded { offset } => {
                write!(
                    f,
                    "body is not form-encoded (unexpected byte at offset {offset})"
                )
            }
            Self::Decode(error) => write!(f, "form-encoded body: {error}"),
        }
    }
}

impl std::error::Error for FormError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Decode(error) => Some(error),
            Self::NotFormEncoded { .. } => None,
        }
    }
}

/// Bytes allowed raw in a query or form string: unreserved, `%`, and the RFC 3986
/// sub-delimiters plus `: @ / ?`.
fn is_form_byte(byte: u8) -> bool {
    percent::is_unreserved(byte) || b"%!$&'()*+,;=:@/?".contains(&byte)
}

/// Parses a form-encoded body into decoded `(name, value)` pairs, in order, duplicates kept.
/// Empty components (`a=1&&b=2`) are skipped; a component without `=` has an empty value.
///
/// ```
/// use twapi_auth::form::{parse, FormError};
///
/// let pairs = parse(b"oauth_token=abc&oauth_callback_confirmed=true").unwrap();
/// assert_eq!(pairs[0], ("oauth_token".to_owned(), "abc".to_owned()));
/// assert!(matches!(parse(br#"{"errors":[]}"#), Err(FormError::NotFormEncoded { offset: 0 })));
/// ```
pub fn parse(body: &[u8]) -> Result<Vec<(String, String)>, FormError> {
    if let Some(offset) = body.iter().position(|&b| !is_form_byte(b)) {
        return Err(FormError::NotFormEncoded { offset });
    }
    let mut pairs = Vec::new();
    let mut start = 0;
    for component in body.split(|&b| b == b'&') {
        let offset = start;
        start += component.len() + 1;
        if component.is_empty() {
            continue;
        }
        let (name, value) = match component.iter().position(|&b| b == b'=') {
            Some(eq) => (
                component.get(..eq).unwrap_or_default(),
                component.get(eq + 1..).unwrap_or_default(),
            ),
            None => (component, &[][..]),
        };
        let value_offset = offset + name.len() + 1;
        let shift = |e: DecodeError, base: usize| FormError::Decode(e.shifted(base));
        let name = percent::decode_form_bytes(name).map_err(|e| shift(e, offset))?;
        let value = percent::decode_form_bytes(value).map_err(|e| shift(e, value_offset))?;
        pairs.push((name.into_owned(), value.into_owned()));
    }
    Ok(pairs)
}

/// Encodes pairs as a form body (`name=value&...`) with RFC 3986 encoding.
///
/// ```
/// assert_eq!(
///     twapi_auth::form::encode(&[("grant_type", "client_credentials"), ("a b", "c&d")]),
///     "grant_type=client_credentials&a%20b=c%26d",
/// );
/// ```
pub fn encode(pairs: &[(&str, &str)]) -> String {
    let capacity = pairs
        .iter()
        .map(|(n, v)| percent::encoded_len(n) + percent::encoded_len(v) + 2)
        .sum();
    let mut out = String::with_capacity(capacity);
    for (i, (name, value)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        percent::encode_into(name, &mut out);
        out.push('=');
        percent::encode_into(value, &mut out);
    }
    out
}
