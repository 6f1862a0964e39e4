//! A string that must not leak: consumer and token secrets, bearer, access and refresh tokens.
//!
//! Logs and panic messages are where secrets escape, so [`Secret`] prints `Secret(***)` from
//! both `Debug` and `Display`, wipes its bytes when dropped, and hands out the value only
//! through an explicit [`Secret::expose`] call that is easy to find in review.

use std::fmt;

use serde::{Deserialize, Deserializer};
use subtle::ConstantTimeEq;
use zeroize::Zeroize;

/// A secret string: redacted in `Debug`/`Display`, zeroized on drop.
///
/// ```
/// use twapi_auth::Secret;
///
/// let secret = Secret::new("kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw");
/// assert_eq!(format!("{secret:?}"), "Secret(***)");
/// assert_eq!(secret.to_string(), "Secret(***)");
/// assert_eq!(secret.expose().len(), 43);
/// ```
#[derive(Clone, Default)]
pub struct Secret(String);

impl Secret {
    /// Wraps a value; the `String` is moved, not copied, so no unwiped copy is left behind.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The secret value. Named so that every place that reads a secret stands out.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Whether the secret is the empty string (an absent token secret signs as empty).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl Drop for Secret {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// Compares in constant time for equal lengths, so comparing secrets leaks no prefix length.
impl PartialEq for Secret {
    fn eq(&self, other: &Self) -> bool {
        self.0.as_bytes().ct_eq(other.0.as_bytes()).into()
    }
}

impl Eq for Secret {}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Self(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Self(value.to_owned())
    }
}

/// Token responses deserialize straight into a `Secret`, so the token is never a bare `String`.
impl<'de> Deserialize<'de> for Secret {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Self)
    }
}

/// The body of a request to a token endpoint: it carries a secret (a refresh token, a PKCE
/// verifier, a token to revoke or invalidate), so it prints as its length only, and a request
/// logged with `{:?}` leaks nothing. Send it with [`SecretBody::into_bytes`] (or
/// `request.map(bytes::Bytes::from)`).
///
/// ```
/// use twapi_auth::oauth2::{ClientConfig, RefreshToken};
///
/// let client = ClientConfig::public("client-id", "https://app.example/callback");
/// let request = client.refresh_request(&RefreshToken::new("r3fr3sh"))?;
/// assert!(!format!("{request:?}").contains("r3fr3sh"));
/// let sendable: http::Request<bytes::Bytes> = request.map(bytes::Bytes::from);
/// assert!(std::str::from_utf8(sendable.body())?.contains("r3fr3sh"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Default, PartialEq, Eq)]
pub struct SecretBody(bytes::Bytes);

impl SecretBody {
    /// Wraps a body.
    pub fn new(body: impl Into<bytes::Bytes>) -> Self {
        Self(body.into())
    }

    /// The bytes, to send. Named so that every place that reads them stands out.
    pub fn expose(&self) -> &[u8] {
        &self.0
    }

    /// The bytes, to send.
    pub fn into_bytes(self) -> bytes::Bytes {
        self.0
    }
}

impl fmt::Debug for SecretBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SecretBody({} bytes)", self.0.len())
    }
}

impl AsRef<[u8]> for SecretBody {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

impl From<SecretBody> for bytes::Bytes {
    fn from(body: SecretBody) -> Self {
        body.0
    }
}
