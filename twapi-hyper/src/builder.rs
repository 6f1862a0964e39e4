//! Building a [`Client`]: credentials, where to send, and the policies for time, size, rate
//! limits and retries — each with a default that suits the real API.

use std::collections::hash_map::RandomState;
use std::fmt;
use std::hash::BuildHasher;
use std::time::Duration;

use http::HeaderValue;
use twapi_core::InvalidRequest;
use twapi_core::param::Invalid;
use twapi_core::session::SessionBuilder;

use crate::client::Client;
use crate::tls::{self, AddedRoot};
use crate::transport::Transport;

/// The body cap by default: far above any page of this API family (a `followers/list` page of
/// 200 users is about 1 MiB), far below what would hurt.
pub const DEFAULT_BODY_LIMIT: usize = 16 * 1024 * 1024;
/// The connect timeout by default.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// The request timeout (head and body) by default.
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// What a [`Client`] is built from; every setting has a default but the credentials.
///
/// ```
/// use std::time::Duration;
/// use twapi_auth::oauth1::Credentials;
/// use twapi_hyper::ClientBuilder;
///
/// let credentials = Credentials::new("consumer-key", "consumer-secret")
///     .with_token("783214-access-token", "access-token-secret");
/// let client = ClientBuilder::oauth1(&credentials)
///     .base_url("http://127.0.0.1:8080") // an emulator or a proxy; https://api.x.com by default
///     .request_timeout(Duration::from_secs(10))
///     .wait_on_rate_limit(true)
///     .build()?;
/// assert_eq!(client.api().base_url(), "http://127.0.0.1:8080");
/// # Ok::<(), twapi_hyper::BuildError>(())
/// ```
///
/// Only one base URL is needed: every endpoint of the follow, search and get-users family
/// lives on the API host (none uses the upload host).
///
/// A clone of a builder holds the same limiter: clients built from clones count against one
/// budget, as they should when they act for the same user.
#[derive(Clone)]
#[must_use = "a builder does nothing until `build` is called"]
pub struct ClientBuilder {
    session: SessionBuilder,
    user_agent: String,
    connect_timeout: Duration,
    request_timeout: Duration,
    body_limit: usize,
    connections: Option<Transport>,
    roots: Vec<AddedRoot>,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("session", &self.session)
            .field("user_agent", &self.user_agent)
            .field("connect_timeout", &self.connect_timeout)
            .field("request_timeout", &self.request_timeout)
            .field("body_limit", &self.body_limit)
            .field("shares_connections", &self.connections.is_some())
            .field("added_roots", &self.roots.len())
            .finish_non_exhaustive()
    }
}

impl ClientBuilder {
    /// A builder for a session's settings (credentials, base URL, limits, retries), with
    /// this driver's defaults for the transport.
    pub fn new(session: SessionBuilder) -> Self {
        Self {
            session,
            user_agent: concat!("twapi-hyper/", env!("CARGO_PKG_VERSION")).to_owned(),
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            request_timeout: DEFAULT_REQUEST_TIMEOUT,
            body_limit: DEFAULT_BODY_LIMIT,
            connections: None,
            roots: Vec::new(),
        }
    }

    twapi_core::session_settings!(session);

    /// The `User-Agent` header (`twapi-hyper/VERSION` by default). Checked by [`Self::build`].
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// How long to wait for a connection (10 s by default). With
    /// [`Self::share_connections`] the pool connects, and its client's timeout applies.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// How long one attempt may take, from sending to the last byte of the body (30 s by
    /// default). Retries and rate-limit waits are not counted in it.
    pub fn request_timeout(mut self, timeout: Duration) -> Self {
        self.request_timeout = timeout;
        self
    }

    /// The most bytes an answer's body may have (16 MiB by default): a server sending more
    /// gets [`CallError::BodyTooLarge`](twapi_core::session::CallError::BodyTooLarge) instead of the client's memory.
    pub fn body_limit(mut self, bytes: usize) -> Self {
        self.body_limit = bytes;
        self
    }

    /// Sends over `other`'s connections instead of opening a pool of its own.
    ///
    /// An app acting for many users has one client per user (each with its credentials and
    /// its budget in the limiter); with this, they all keep one set of connections — and of
    /// TLS sessions — to X, as one client would, instead of one set per user. The pool's
    /// connect timeout is `other`'s; this builder's request timeout and body cap still apply
    /// to its own requests. Requests of both clients may then ride the same connection, one
    /// after the other (HTTP/1.1) or side by side (HTTP/2).
    ///
    /// ```
    /// use twapi_auth::oauth1::Credentials;
    /// use twapi_hyper::ClientBuilder;
    ///
    /// let alice = Credentials::new("consumer-key", "consumer-secret")
    ///     .with_token("783214-alice-token", "alice-secret");
    /// let bob = Credentials::new("consumer-key", "consumer-secret")
    ///     .with_token("6253282-bob-token", "bob-secret");
    /// let for_alice = ClientBuilder::oauth1(&alice).build()?;
    /// let for_bob = ClientBuilder::oauth1(&bob).share_connections(&for_alice).build()?;
    /// # let _ = for_bob;
    /// # Ok::<(), twapi_hyper::BuildError>(())
    /// ```
    pub fn share_connections(mut self, other: &Client) -> Self {
        self.connections = Some(other.transport().clone());
        self
    }

    /// Trusts the certificate authorities in `pem` (one or more `-----BEGIN CERTIFICATE-----`
    /// blocks; other blocks, such as keys, are skipped) for `https`, besides the webpki roots
    /// the client always trusts: for a proxy that inspects TLS with its own authority, or a
    /// test server with one. Checked by [`Self::build`], which refuses PEM without a
    /// certificate in it.
    ///
    /// ```no_run
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use twapi_auth::oauth1::Credentials;
    /// use twapi_hyper::ClientBuilder;
    ///
    /// let credentials = Credentials::new("consumer-key", "consumer-secret")
    ///     .with_token("783214-access-token", "access-token-secret");
    /// let proxy_ca = std::fs::read("/etc/ssl/corporate-proxy-ca.pem")?;
    /// let client = ClientBuilder::oauth1(&credentials)
    ///     .add_root_certificates_pem(proxy_ca)
    ///     .build()?;
    /// # let _ = client;
    /// # Ok(())
    /// # }
    /// ```
    pub fn add_root_certificates_pem(mut self, pem: impl Into<Vec<u8>>) -> Self {
        self.roots.push(AddedRoot::Pem(pem.into()));
        self
    }

    /// As [`Self::add_root_certificates_pem`], for one certificate in DER.
    pub fn add_root_certificate_der(mut self, der: impl Into<Vec<u8>>) -> Self {
        self.roots.push(AddedRoot::Der(der.into()));
        self
    }

    /// The client, after checking the base URL, the user agent and any added roots.
    ///
    /// Roots cannot be added to a client that shares another's connections (those were
    /// opened trusting what the other client trusts), so that combination is refused rather
    /// than the roots ignored.
    pub fn build(self) -> Result<Client, BuildError> {
        let user_agent = HeaderValue::try_from(self.user_agent.as_str()).map_err(|_| {
            InvalidRequest::new(
                "user_agent",
                Invalid::Malformed {
                    value: self.user_agent.clone(),
                    expected: "visible ASCII text",
                },
            )
        })?;
        let transport = match &self.connections {
            Some(_) if !self.roots.is_empty() => {
                return Err(InvalidRequest::new(
                    tls::SETTING,
                    Invalid::Conflicts {
                        with: "share_connections",
                    },
                )
                .into());
            }
            Some(shared) => shared.sharing_pool(self.request_timeout, self.body_limit),
            None => {
                let roots = tls::roots(&self.roots)?;
                let config = tls::client_config(roots).map_err(BuildError::Tls)?;
                Transport::new(
                    self.connect_timeout,
                    self.request_timeout,
                    self.body_limit,
                    config,
                )
            }
        };
        // The jitter's seed, from the process's hash keys, which std draws from the OS: clients
        // spread their retries apart unless a test fixed the seed.
        let seed = RandomState::new().hash_one("twapi-hyper jitter");
        let session = self.session.build(seed)?;
        Ok(Client::new(transport, session, user_agent))
    }
}

/// A setting the builder cannot build a client from.
#[derive(Debug)]
#[non_exhaustive]
pub enum BuildError {
    /// A setting is malformed or conflicts with another: the base URL, the user agent, added
    /// roots without a certificate, roots beside shared connections.
    Invalid(InvalidRequest),
    /// rustls refused the TLS configuration.
    Tls(rustls::Error),
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Invalid(e) => write!(f, "cannot build the client: {e}"),
            Self::Tls(e) => write!(f, "cannot build the client's TLS configuration: {e}"),
        }
    }
}

impl std::error::Error for BuildError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Invalid(e) => Some(e),
            Self::Tls(e) => Some(e),
        }
    }
}

impl From<InvalidRequest> for BuildError {
    fn from(e: InvalidRequest) -> Self {
        Self::Invalid(e)
    }
}
