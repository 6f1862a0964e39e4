//! What a client signs with: the consumer (app) key pair, optionally a token pair, and the
//! per-request nonce and timestamp.

use crate::secret::Secret;

/// The consumer key and secret, plus the access token and its secret once a user has
/// authorized the app (absent while requesting a request token).
///
/// ```
/// use twapi_auth::oauth1::Credentials;
///
/// let credentials = Credentials::new("consumer-key", "consumer-secret")
///     .with_token("token", "token-secret");
/// assert_eq!(credentials.token(), Some("token"));
/// assert!(!format!("{credentials:?}").contains("consumer-secret"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Credentials {
    consumer_key: String,
    consumer_secret: Secret,
    token: Option<(String, Secret)>,
}

impl Credentials {
    /// The app's consumer ("API") key and secret, without a user token.
    pub fn new(consumer_key: impl Into<String>, consumer_secret: impl Into<Secret>) -> Self {
        Self {
            consumer_key: consumer_key.into(),
            consumer_secret: consumer_secret.into(),
            token: None,
        }
    }

    /// Adds the user's token and token secret (an access token, or a request token during
    /// the 3-legged flow). Both travel together, so one cannot be set without the other.
    #[must_use]
    pub fn with_token(mut self, token: impl Into<String>, token_secret: impl Into<Secret>) -> Self {
        self.token = Some((token.into(), token_secret.into()));
        self
    }

    /// The same consumer without the token: what the first step of the 3-legged flow
    /// signs with.
    #[must_use]
    pub fn without_token(mut self) -> Self {
        self.token = None;
        self
    }

    /// The consumer key, sent as `oauth_consumer_key`.
    pub fn consumer_key(&self) -> &str {
        &self.consumer_key
    }

    /// The consumer secret, the first half of the signing key.
    pub fn consumer_secret(&self) -> &Secret {
        &self.consumer_secret
    }

    /// The token, sent as `oauth_token`, if any.
    pub fn token(&self) -> Option<&str> {
        self.token.as_ref().map(|(token, _)| token.as_str())
    }

    /// The token secret, the second half of the signing key, if any.
    pub fn token_secret(&self) -> Option<&Secret> {
        self.token.as_ref().map(|(_, secret)| secret)
    }
}

/// The per-request protocol values: the nonce, the timestamp, and the extra parameters of
/// the 3-legged flow. Sans-IO: the caller draws the nonce and reads the clock
/// (`twapi_auth::system` does both when the `system` feature is on).
///
/// ```
/// use twapi_auth::oauth1::OAuthParams;
///
/// let params = OAuthParams::new("kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg", 1_318_622_958)
///     .with_callback("oob");
/// assert_eq!(params.timestamp(), 1_318_622_958);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OAuthParams<'a> {
    nonce: &'a str,
    timestamp: u64,
    callback: Option<&'a str>,
    verifier: Option<&'a str>,
}

impl<'a> OAuthParams<'a> {
    /// A nonce unique per timestamp (X rejects repeats) and the Unix time in seconds.
    pub fn new(nonce: &'a str, timestamp: u64) -> Self {
        Self {
            nonce,
            timestamp,
            callback: None,
            verifier: None,
        }
    }

    /// Adds `oauth_callback` (a URL, or `oob` for the PIN flow): the request-token step.
    #[must_use]
    pub fn with_callback(mut self, callback: &'a str) -> Self {
        self.callback = Some(callback);
        self
    }

    /// Adds `oauth_verifier` (from the callback or the PIN): the access-token step.
    #[must_use]
    pub fn with_verifier(mut self, verifier: &'a str) -> Self {
        self.verifier = Some(verifier);
        self
    }

    /// The nonce.
    pub fn nonce(&self) -> &'a str {
        self.nonce
    }

    /// The Unix timestamp in seconds.
    pub fn timestamp(&self) -> u64 {
        self.timestamp
    }

    /// The `oauth_callback` value, if any.
    pub fn callback(&self) -> Option<&'a str> {
        self.callback
    }

    /// The `oauth_verifier` value, if any.
    pub fn verifier(&self) -> Option<&'a str> {
        self.verifier
    }
}

/// The oauth_* parameters a client sends (all but `oauth_signature`), sorted by name, on the
/// stack. Shared by the fast signer and the reference implementation: which parameters are
/// sent is policy, not the algorithm under test.
pub(crate) struct ProtocolParams<'a> {
    pairs: [(&'static str, &'a str); 8],
    len: usize,
}

impl<'a> ProtocolParams<'a> {
    pub(crate) fn new(
        consumer_key: &'a str,
        token: Option<&'a str>,
        oauth: &OAuthParams<'a>,
        timestamp: &'a str,
    ) -> Self {
        let mut params = Self {
            pairs: [("", ""); 8],
            len: 0,
        };
        if let Some(callback) = oauth.callback {
            params.push("oauth_callback", callback);
        }
        params.push("oauth_consumer_key", consumer_key);
        params.push("oauth_nonce", oauth.nonce);
        params.push("oauth_signature_method", "HMAC-SHA1");
        params.push("oauth_timestamp", timestamp);
        if let Some(token) = token {
            params.push("oauth_token", token);
        }
        if let Some(verifier) = oauth.verifier {
            params.push("oauth_verifier", verifier);
        }
        params.push("oauth_version", "1.0");
        params
    }

    fn push(&mut self, name: &'static str, value: &'a str) {
        if let Some(slot) = self.pairs.get_mut(self.len) {
            *slot = (name, value);
            self.len += 1;
        }
    }

    pub(crate) fn as_slice(&self) -> &[(&'static str, &'a str)] {
        self.pairs.get(..self.len).unwrap_or_default()
    }
}

/// A `u64` in decimal on the stack, so the timestamp costs no allocation.
pub(crate) struct Decimal {
    digits: [u8; 20],
    start: usize,
}

impl Decimal {
    pub(crate) fn new(mut value: u64) -> Self {
        let mut digits = [b'0'; 20];
        let mut start = digits.len();
        loop {
            start -= 1;
            if let Some(slot) = digits.get_mut(start) {
                // `value % 10` is below 10, so the narrowing cannot truncate.
                *slot = b'0' + u8::try_from(value % 10).unwrap_or(0);
            }
            value /= 10;
            if value == 0 || start == 0 {
                break;
            }
        }
        Self { digits, start }
    }

    /// The digits as bytes, for writers that take bytes (no UTF-8 check needed).
    pub(crate) fn as_bytes(&self) -> &[u8] {
        self.digits.get(self.start..).unwrap_or(b"0")
    }

    pub(crate) fn as_str(&self) -> &str {
        self.digits
            .get(self.start..)
            .and_then(|digits| std::str::from_utf8(digits).ok())
            .unwrap_or("0")
    }
}
