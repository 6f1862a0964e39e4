//! The server side of the `Authorization: OAuth …` header: parsing it into its parameters.
//!
//! Clients differ in what they send: parameter order, spaces around `,` and `=`, a `realm`,
//! whether `oauth_version` is present. The parser accepts all of that, and rejects what
//! would make verification ambiguous or impossible, each with its own [`ParseError`]: a
//! scheme other than `OAuth`, a quote that never closes, a bad escape, a repeated
//! parameter, a missing required one, or a signature method other than `HMAC-SHA1`.

use std::fmt;

use crate::percent::{self, DecodeError};

/// The parameters of a parsed `Authorization: OAuth` header, decoded. The server looks up
/// the secrets by [`OAuthHeader::consumer_key`] and [`OAuthHeader::token`], then calls
/// [`verify`](fn@super::verify).
///
/// ```
/// use twapi_auth::oauth1::parse_authorization_header;
///
/// let header = parse_authorization_header(concat!(
///     r#"OAuth oauth_consumer_key="key", oauth_nonce="n", oauth_signature="a%2Bb%3D", "#,
///     r#"oauth_signature_method="HMAC-SHA1",oauth_timestamp = "1318622958", oauth_token="t""#,
/// ))?;
/// assert_eq!(header.consumer_key(), "key");
/// assert_eq!(header.token(), Some("t"));
/// assert_eq!(header.signature(), "a+b=");
/// # Ok::<(), twapi_auth::oauth1::ParseError>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OAuthHeader {
    consumer_key: String,
    token: Option<String>,
    signature: String,
    signature_method: String,
    timestamp: String,
    nonce: String,
    version: Option<String>,
    callback: Option<String>,
    verifier: Option<String>,
    other: Vec<(String, String)>,
}

impl OAuthHeader {
    /// `oauth_consumer_key`: which app signed.
    pub fn consumer_key(&self) -> &str {
        &self.consumer_key
    }

    /// `oauth_token`: which user token signed (absent on a request-token call).
    pub fn token(&self) -> Option<&str> {
        self.token.as_deref()
    }

    /// `oauth_signature`, decoded (base64).
    pub fn signature(&self) -> &str {
        &self.signature
    }

    /// `oauth_signature_method`; always `HMAC-SHA1` after a successful parse.
    pub fn signature_method(&self) -> &str {
        &self.signature_method
    }

    /// `oauth_timestamp` as sent (checked to be a number by [`verify`](fn@super::verify)).
    pub fn timestamp(&self) -> &str {
        &self.timestamp
    }

    /// `oauth_nonce`; a server should reject a nonce it has seen with the same timestamp.
    pub fn nonce(&self) -> &str {
        &self.nonce
    }

    /// `oauth_version`, if sent (it is optional; when present it must be `1.0`).
    pub fn version(&self) -> Option<&str> {
        self.version.as_deref()
    }

    /// `oauth_callback`, sent on the request-token call.
    pub fn callback(&self) -> Option<&str> {
        self.callback.as_deref()
    }

    /// `oauth_verifier`, sent on the access-token call.
    pub fn verifier(&self) -> Option<&str> {
        self.verifier.as_deref()
    }

    /// Every signed parameter of the header: all but `oauth_signature` and `realm`
    /// (unknown ones such as `oauth_body_hash` included, as RFC 5849 §3.4.1.3.1 requires).
    pub fn signed_parameters(&self) -> Vec<(&str, &str)> {
        let mut params = vec![
            ("oauth_consumer_key", self.consumer_key.as_str()),
            ("oauth_nonce", self.nonce.as_str()),
            ("oauth_signature_method", self.signature_method.as_str()),
            ("oauth_timestamp", self.timestamp.as_str()),
        ];
        let optional = [
            ("oauth_token", &self.token),
            ("oauth_version", &self.version),
            ("oauth_callback", &self.callback),
            ("oauth_verifier", &self.verifier),
        ];
        for (name, value) in optional {
            if let Some(value) = value {
                params.push((name, value.as_str()));
            }
        }
        params.extend(self.other.iter().map(|(n, v)| (n.as_str(), v.as_str())));
        params
    }
}

/// Why an `Authorization` header is not a usable OAuth 1.0a header.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ParseError {
    /// The scheme is not `OAuth` (e.g. `Bearer …` or `Basic …`).
    NotOAuth,
    /// A syntax error: expected a parameter name, `=`, an opening quote or `,` here.
    Malformed {
        /// Byte offset of the unexpected input.
        offset: usize,
    },
    /// A quoted value whose closing quote is missing.
    UnterminatedQuote {
        /// Byte offset of the opening quote.
        offset: usize,
    },
    /// A value whose percent-encoding is malformed or not UTF-8.
    BadEncoding {
        /// The parameter.
        name: String,
        /// The decoding error, offset within the quoted value.
        error: DecodeError,
    },
    /// A parameter that appears twice.
    DuplicateParameter(String),
    /// A required parameter that is absent.
    MissingParameter(&'static str),
    /// A signature method other than `HMAC-SHA1`.
    UnsupportedSignatureMethod(String),
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotOAuth => f.write_str("the Authorization scheme is not OAuth"),
            Self::Malformed { offset } => write!(f, "malformed OAuth header at byte {offset}"),
            Self::UnterminatedQuote { offset } => {
                write!(
                    f,
                    "the quoted value opened at byte {offset} is never closed"
                )
            }
            Self::BadEncoding { name, error } => write!(f, "parameter {name}: {error}"),
            Self::DuplicateParameter(name) => write!(f, "parameter {name} appears twice"),
            Self::MissingParameter(name) => write!(f, "required parameter {name} is missing"),
            Self::UnsupportedSignatureMethod(method) => {
                write!(
                    f,
                    "unsupported signature method {method:?} (only HMAC-SHA1)"
                )
            }
        }
    }
}

impl std::error::Error for ParseError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::BadEncoding { error, .. } => Some(error),
            _ => None,
        }
    }
}

fn is_whitespace(byte: u8) -> bool {
    byte == b' ' || byte == b'\t'
}

fn is_token_byte(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&byte)
}

/// Parses an `Authorization` header value: scheme `OAuth` (any case), then
/// `name="percent-encoded value"` pairs in any order, separated by commas, with optional
/// whitespace around `,` and `=`. `realm` is ignored.
pub fn parse_authorization_header(value: &str) -> Result<OAuthHeader, ParseError> {
    let bytes = value.as_bytes();
    let mut at = skip(bytes, 0, is_whitespace);
    let scheme_end = skip(bytes, at, is_token_byte);
    let scheme = value.get(at..scheme_end).unwrap_or_default();
    if !scheme.eq_ignore_ascii_case("OAuth") {
        return Err(ParseError::NotOAuth);
    }
    at = scheme_end;
    if bytes.get(at).is_some_and(|&b| !is_whitespace(b)) {
        return Err(ParseError::NotOAuth);
    }

    let mut fields = Fields::default();
    loop {
        at = skip(bytes, at, |b| is_whitespace(b) || b == b',');
        if at >= bytes.len() {
            break;
        }
        let name_end = skip(bytes, at, is_token_byte);
        if name_end == at {
            return Err(ParseError::Malformed { offset: at });
        }
        let name = value.get(at..name_end).unwrap_or_default();
        at = skip(bytes, name_end, is_whitespace);
        if bytes.get(at) != Some(&b'=') {
            return Err(ParseError::Malformed { offset: at });
        }
        at = skip(bytes, at + 1, is_whitespace);
        if bytes.get(at) != Some(&b'"') {
            return Err(ParseError::Malformed { offset: at });
        }
        let open = at;
        let close = bytes
            .get(open + 1..)
            .and_then(|rest| rest.iter().position(|&b| b == b'"'))
            .map(|len| open + 1 + len)
            .ok_or(ParseError::UnterminatedQuote { offset: open })?;
        let raw = value.get(open + 1..close).unwrap_or_default();
        at = skip(bytes, close + 1, is_whitespace);
        if bytes.get(at).is_some_and(|&b| b != b',') {
            return Err(ParseError::Malformed { offset: at });
        }
        if name == "realm" {
            continue;
        }
        let decoded = percent::decode(raw).map_err(|error| ParseError::BadEncoding {
            name: name.to_owned(),
            error,
        })?;
        fields.set(name, decoded.into_owned())?;
    }
    fields.finish()
}

fn skip(bytes: &[u8], from: usize, mut pred: impl FnMut(u8) -> bool) -> usize {
    let mut at = from;
    while bytes.get(at).is_some_and(|&b| pred(b)) {
        at += 1;
    }
    at
}

#[derive(Default)]
struct Fields {
    consumer_key: Option<String>,
    token: Option<String>,
    signature: Option<String>,
    signature_method: Option<String>,
    timestamp: Option<String>,
    nonce: Option<String>,
    version: Option<String>,
    callback: Option<String>,
    verifier: Option<String>,
    other: Vec<(String, String)>,
}

impl Fields {
    fn set(&mut self, name: &str, value: String) -> Result<(), ParseError> {
        let slot = match name {
            "oauth_consumer_key" => &mut self.consumer_key,
            "oauth_token" => &mut self.token,
            "oauth_signature" => &mut self.signature,
            "oauth_signature_method" => &mut self.signature_method,
            "oauth_timestamp" => &mut self.timestamp,
            "oauth_nonce" => &mut self.nonce,
            "oauth_version" => &mut self.version,
            "oauth_callback" => &mut self.callback,
            "oauth_verifier" => &mut self.verifier,
            _ => {
                if self.other.iter().any(|(n, _)| n == name) {
                    return Err(ParseError::DuplicateParameter(name.to_owned()));
                }
                self.other.push((name.to_owned(), value));
                return Ok(());
            }
        };
        if slot.is_some() {
            return Err(ParseError::DuplicateParameter(name.to_owned()));
        }
        *slot = Some(value);
        Ok(())
    }

    fn finish(self) -> Result<OAuthHeader, ParseError> {
        let require = |field: Option<String>, name| field.ok_or(ParseError::MissingParameter(name));
        let consumer_key = require(self.consumer_key, "oauth_consumer_key")?;
        let signature = require(self.signature, "oauth_signature")?;
        let signature_method = require(self.signature_method, "oauth_signature_method")?;
        let timestamp = require(self.timestamp, "oauth_timestamp")?;
        let nonce = require(self.nonce, "oauth_nonce")?;
        if signature_method != "HMAC-SHA1" {
            return Err(ParseError::UnsupportedSignatureMethod(signature_method));
        }
        Ok(OAuthHeader {
            consumer_key,
            token: self.token,
            signature,
            signature_method,
            timestamp,
            nonce,
            version: self.version,
            callback: self.callback,
            verifier: self.verifier,
            other: self.other,
        })
    }
}
