//! Server-side verification: recompute a request's signature from the secrets and compare
//! it with the one sent, in constant time.

use std::fmt;

use subtle::ConstantTimeEq;

use super::header::OAuthHeader;
use super::reference::signing_key;
use super::request::{RequestError, RequestParts};
use super::signer::{keyed_mac, sign};

/// The clock side of verification: the server's current Unix time and how far a client's
/// `oauth_timestamp` may be from it, in seconds, either way. X allows about five minutes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TimeWindow {
    /// The server's current Unix time in seconds.
    pub now: u64,
    /// The largest accepted difference between `now` and `oauth_timestamp`.
    pub max_skew: u64,
}

impl TimeWindow {
    /// A window of `max_skew` seconds around `now`.
    pub fn new(now: u64, max_skew: u64) -> Self {
        Self { now, max_skew }
    }
}

/// Why a request's signature does not verify. Each cause is distinct so a server can
/// answer with the matching error (X: code 32 for a bad signature, 135 for the timestamp).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum VerifyError {
    /// `oauth_version` is present and is not `1.0`.
    UnsupportedVersion(String),
    /// `oauth_timestamp` is not a whole number of seconds.
    InvalidTimestamp(String),
    /// `oauth_timestamp` is outside the allowed window around the server's clock.
    TimestampOutOfWindow {
        /// The client's timestamp.
        timestamp: u64,
        /// The server's clock.
        now: u64,
    },
    /// The request's parameters cannot be read (bad URL or encoding).
    Request(RequestError),
    /// The signature does not match the request and the secrets.
    BadSignature,
}

impl fmt::Display for VerifyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::UnsupportedVersion(version) => {
                write!(f, "unsupported oauth_version {version:?} (only 1.0)")
            }
            Self::InvalidTimestamp(value) => write!(f, "oauth_timestamp {value:?} is not a number"),
            Self::TimestampOutOfWindow { timestamp, now } => {
                write!(
                    f,
                    "oauth_timestamp {timestamp} is too far from the server time {now}"
                )
            }
            Self::Request(error) => write!(f, "request: {error}"),
            Self::BadSignature => f.write_str("the signature does not match"),
        }
    }
}

impl std::error::Error for VerifyError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Request(error) => Some(error),
            _ => None,
        }
    }
}

/// Verifies a signed request: the version, the timestamp against `window`, then the
/// signature over `request` (URL as the client addressed it, query and form parameters)
/// and the header's oauth_* parameters, keyed with the secrets the server looked up by
/// [`OAuthHeader::consumer_key`] and [`OAuthHeader::token`]. Nonce replay is the caller's
/// to check (it needs state).
///
/// ```
/// use twapi_auth::oauth1::{parse_authorization_header, verify, Credentials, OAuthParams, RequestParts, Signer, TimeWindow};
///
/// let credentials = Credentials::new("key", "secret").with_token("token", "token-secret");
/// let request = RequestParts::new("GET", "https://api.x.com/1.1/users/show.json?screen_name=x")?;
/// let header = Signer::new(&credentials).authorization(&request, &OAuthParams::new("nonce", 1_700_000_000))?;
///
/// let parsed = parse_authorization_header(&header).unwrap();
/// assert_eq!(verify(&request, &parsed, "secret", Some("token-secret"), TimeWindow::new(1_700_000_100, 300)), Ok(()));
/// assert!(verify(&request, &parsed, "wrong", Some("token-secret"), TimeWindow::new(1_700_000_100, 300)).is_err());
/// # Ok::<(), twapi_auth::oauth1::RequestError>(())
/// ```
pub fn verify(
    request: &RequestParts<'_>,
    header: &OAuthHeader,
    consumer_secret: &str,
    token_secret: Option<&str>,
    window: TimeWindow,
) -> Result<(), VerifyError> {
    if let Some(version) = header.version()
        && version != "1.0"
    {
        return Err(VerifyError::UnsupportedVersion(version.to_owned()));
    }
    let timestamp_text = header.timestamp();
    let timestamp = if timestamp_text.bytes().all(|b| b.is_ascii_digit()) {
        timestamp_text.parse::<u64>().ok()
    } else {
        None
    }
    .ok_or_else(|| VerifyError::InvalidTimestamp(timestamp_text.to_owned()))?;
    if timestamp.abs_diff(window.now) > window.max_skew {
        return Err(VerifyError::TimestampOutOfWindow {
            timestamp,
            now: window.now,
        });
    }
    let key = signing_key(consumer_secret, token_secret);
    let expected = sign(
        keyed_mac(key.expose().as_bytes()),
        request,
        &header.signed_parameters(),
    )
    .map_err(VerifyError::Request)?;
    if bool::from(
        expected
            .as_str()
            .as_bytes()
            .ct_eq(header.signature().as_bytes()),
    ) {
        Ok(())
    } else {
        Err(VerifyError::BadSignature)
    }
}
