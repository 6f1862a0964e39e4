//! Building a [`Client`]: the session's settings (declared once, in twapi-core) and the
//! transport's own.

use std::error::Error as StdError;
use std::fmt;
use std::hash::BuildHasher;
use std::time::{Duration, SystemTime};

use twapi_core::InvalidRequest;
use twapi_core::session::SessionBuilder;

use crate::client::Client;
use crate::transport::Transport;

/// The body cap by default: far above any page of this API family (a `followers/list` page of
/// 200 users is about 1 MiB), far below what would hurt.
pub const DEFAULT_BODY_LIMIT: usize = 16 * 1024 * 1024;
/// The connect timeout by default.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// The request timeout by default: the whole exchange, from connecting to the body's last byte.
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// What a [`Client`] is built from: a [`SessionBuilder`] (credentials, base URL, rate limits,
/// retries) and the transport's knobs (user agent, timeouts, body cap).
///
/// ```
/// use std::time::Duration;
/// use twapi_ureq::ClientBuilder;
/// use twapi_ureq::auth::oauth1::Credentials;
///
/// let credentials = Credentials::new("consumer-key", "consumer-secret")
///     .with_token("783214-access-token", "access-token-secret");
/// let client = ClientBuilder::oauth1(&credentials)
///     .base_url("http://127.0.0.1:8080") // an emulator or a proxy; https://api.x.com by default
///     .request_timeout(Duration::from_secs(10))
///     .wait_on_rate_limit(true)
///     .build()?;
/// assert_eq!(client.session().api().base_url(), "http://127.0.0.1:8080");
/// # Ok::<(), twapi_ureq::BuildError>(())
/// ```
#[derive(Clone, Debug)]
#[must_use = "a builder does nothing until `build` is called"]
pub struct ClientBuilder {
    session: SessionBuilder,
    user_agent: String,
    connect_timeout: Duration,
    request_timeout: Duration,
    body_limit: usize,
}

impl ClientBuilder {
    twapi_core::session_settings!(session);

    /// A client of the session `session` describes, with the transport's defaults.
    pub fn new(session: SessionBuilder) -> Self {
        Self {
            session,
            user_agent: concat!("twapi-ureq/", env!("CARGO_PKG_VERSION")).to_owned(),
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            request_timeout: DEFAULT_REQUEST_TIMEOUT,
            body_limit: DEFAULT_BODY_LIMIT,
        }
    }

    /// The `User-Agent` header (`twapi-ureq/<version>` by default).
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// How long to wait for a connection (TLS included); [`DEFAULT_CONNECT_TIMEOUT`] by default.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// How long one exchange may take, from connecting to the body's last byte;
    /// [`DEFAULT_REQUEST_TIMEOUT`] by default. Waits for rate limits and retries are not in it.
    pub fn request_timeout(mut self, timeout: Duration) -> Self {
        self.request_timeout = timeout;
        self
    }

    /// The largest body read, in bytes; a larger one fails with `CallError::BodyTooLarge`.
    /// [`DEFAULT_BODY_LIMIT`] by default.
    pub fn body_limit(mut self, limit: usize) -> Self {
        self.body_limit = limit;
        self
    }

    /// The client; fails on a base URL that is not an `http(s)` URL, or a user agent that is
    /// not a valid header value.
    pub fn build(self) -> Result<Client, BuildError> {
        if http::HeaderValue::from_str(&self.user_agent).is_err() {
            return Err(BuildError::UserAgent(self.user_agent));
        }
        // The jitter's seed from the OS (std's per-process random keys), so that clients spread
        // their retries apart; `jitter_seed` fixes it for a test or a replay.
        let seed = std::collections::hash_map::RandomState::new().hash_one(SystemTime::now());
        let session = self.session.build(seed).map_err(BuildError::BaseUrl)?;
        let transport = Transport::new(
            &self.user_agent,
            self.connect_timeout,
            self.request_timeout,
            self.body_limit,
        );
        Ok(Client::new(session, transport))
    }
}

/// A [`ClientBuilder`] setting that cannot work.
#[derive(Debug)]
#[non_exhaustive]
pub enum BuildError {
    /// The base URL is not an `http` or `https` URL.
    BaseUrl(InvalidRequest),
    /// The user agent is not a valid header value (a control character, a line break).
    UserAgent(String),
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::BaseUrl(e) => write!(f, "the base URL cannot be used: {e}"),
            Self::UserAgent(agent) => write!(f, "the user agent {agent:?} is not a header value"),
        }
    }
}

impl StdError for BuildError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        match self {
            Self::BaseUrl(e) => Some(e),
            Self::UserAgent(_) => None,
        }
    }
}
