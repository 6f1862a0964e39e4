//! Building a [`Client`]: credentials, where to send, and the policies for time, size, rate
//! limits and retries — each with a default that suits the real API.

use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use http::HeaderValue;
use twapi_auth::Secret;
use twapi_auth::oauth1::Credentials;
use twapi_core::param::Invalid;
use twapi_core::rate_limit::{Context, Limiter, LimiterConfig};
use twapi_core::retry::RetryPolicy;
use twapi_core::{Api, Auth, InvalidRequest};
use twapi_model::UserId;

use crate::client::{Client, Settings};
use crate::error::Error;
use crate::identity::{Identity, user_id_from_access_token};
use crate::jitter::Jitter;
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
/// # Ok::<(), twapi_hyper::Error>(())
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
    auth: Auth,
    app: Option<String>,
    user: Option<UserId>,
    context: Option<Context>,
    base_url: String,
    user_agent: String,
    connect_timeout: Duration,
    request_timeout: Duration,
    body_limit: usize,
    wait_on_rate_limit: bool,
    retry: RetryPolicy,
    limiter: Option<Arc<Mutex<Limiter>>>,
    jitter_seed: Option<u64>,
    connections: Option<Transport>,
    roots: Vec<AddedRoot>,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("auth", &self.auth.mode())
            .field("base_url", &self.base_url)
            .field("user_agent", &self.user_agent)
            .field("connect_timeout", &self.connect_timeout)
            .field("request_timeout", &self.request_timeout)
            .field("body_limit", &self.body_limit)
            .field("wait_on_rate_limit", &self.wait_on_rate_limit)
            .field("retry", &self.retry)
            .field("limiter", &self.limiter.is_some())
            .field("shares_connections", &self.connections.is_some())
            .field("added_roots", &self.roots.len())
            .finish_non_exhaustive()
    }
}

impl ClientBuilder {
    /// A client sending with `auth`, in any mode twapi-core supports.
    ///
    /// The rate limiter counts against an app named `"default"` (see [`Self::app_name`]); in
    /// user context the user's id is asked once of `GET /2/users/me` (see [`Self::context`]
    /// to give it instead). [`Self::oauth1`] knows both from the credentials.
    pub fn new(auth: Auth) -> Self {
        Self {
            auth,
            app: None,
            user: None,
            context: None,
            base_url: twapi_auth::X_API_BASE.to_owned(),
            user_agent: concat!("twapi-hyper/", env!("CARGO_PKG_VERSION")).to_owned(),
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            request_timeout: DEFAULT_REQUEST_TIMEOUT,
            body_limit: DEFAULT_BODY_LIMIT,
            wait_on_rate_limit: false,
            retry: RetryPolicy::default(),
            limiter: Some(Arc::new(Mutex::new(Limiter::default()))),
            jitter_seed: None,
            connections: None,
            roots: Vec::new(),
        }
    }

    /// OAuth 1.0a user context: the app is named by its consumer key and the user by the
    /// numeric prefix of the access token (`783214-…`), so no request is spent finding out.
    pub fn oauth1(credentials: &Credentials) -> Self {
        let mut builder = Self::new(Auth::oauth1(credentials));
        builder.app = Some(credentials.consumer_key().to_owned());
        builder.user = credentials.token().and_then(user_id_from_access_token);
        builder
    }

    /// App-only, with the app's bearer token.
    pub fn app_only(bearer_token: impl Into<Secret>) -> Self {
        Self::new(Auth::AppOnly(bearer_token.into()))
    }

    /// OAuth 2.0 user context, with a user's access token from the PKCE flow.
    pub fn oauth2_user(access_token: impl Into<Secret>) -> Self {
        Self::new(Auth::OAuth2User(access_token.into()))
    }

    /// Where requests go: `https://api.x.com` by default; an emulator or a proxy otherwise
    /// (`http://127.0.0.1:PORT`). Checked by [`Self::build`].
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = base_url.into();
        self
    }

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
    /// gets [`Error::BodyTooLarge`] instead of the client's memory.
    pub fn body_limit(mut self, bytes: usize) -> Self {
        self.body_limit = bytes;
        self
    }

    /// When the rate limit says "wait until T" — the client-side limiter before sending, or
    /// X's 429 after — sleep until T and go on, instead of failing with the time. Off by
    /// default.
    pub fn wait_on_rate_limit(mut self, wait: bool) -> Self {
        self.wait_on_rate_limit = wait;
        self
    }

    /// How transient failures are retried (5 attempts, 1 s base, 60 s cap by default);
    /// `RetryPolicy::new(1, ..)` never retries.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// A rate limiter shared with other clients (of the same app, or across apps: it keys
    /// budgets by app and user), or restored from a saved state. By default each client
    /// has its own, counting in X's 15-minute windows.
    pub fn limiter(mut self, limiter: Arc<Mutex<Limiter>>) -> Self {
        self.limiter = Some(limiter);
        self
    }

    /// A limiter of its own counting in these periods: a server whose windows are shorter than
    /// X's (an emulator scaled to seconds) is tracked exactly this way.
    pub fn limiter_config(mut self, config: LimiterConfig) -> Self {
        self.limiter = Some(Arc::new(Mutex::new(Limiter::new(config))));
        self
    }

    /// No client-side limiter: only X's 429s limit the client.
    pub fn without_limiter(mut self) -> Self {
        self.limiter = None;
        self
    }

    /// The app's name in the limiter, for credentials that do not carry it (bearer and
    /// OAuth 2.0 tokens). Clients sharing a limiter must name their app the same way.
    pub fn app_name(mut self, app: impl Into<String>) -> Self {
        self.app = Some(app.into());
        self
    }

    /// Whose budget the requests spend, fixed: also gives the user's id to
    /// [`Client::follow`] and [`Client::unfollow`], so no `/2/users/me` call is made.
    pub fn context(mut self, context: Context) -> Self {
        self.context = Some(context);
        self
    }

    /// A fixed seed for the retry jitter, for reproducible runs; drawn from the OS otherwise.
    pub fn jitter_seed(mut self, seed: u64) -> Self {
        self.jitter_seed = Some(seed);
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
    /// # Ok::<(), twapi_hyper::Error>(())
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
    pub fn build(self) -> Result<Client, Error> {
        let api = Api::new(&self.base_url)?;
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
                let config = tls::client_config(roots).map_err(|e| Error::Tls(Box::new(e)))?;
                Transport::new(
                    self.connect_timeout,
                    self.request_timeout,
                    self.body_limit,
                    config,
                )
            }
        };
        let user_context = self.auth.mode().is_user_context();
        let known_user = self
            .user
            .or_else(|| self.context.as_ref().and_then(|c| c.user).map(UserId::new));
        let identity = Identity::new(
            self.app.unwrap_or_else(|| "default".to_owned()),
            user_context,
            known_user,
            self.context,
        );
        let jitter = self
            .jitter_seed
            .map_or_else(Jitter::from_os, Jitter::seeded);
        Ok(Client::from_settings(Settings {
            transport,
            api,
            auth: self.auth,
            user_agent,
            wait_on_rate_limit: self.wait_on_rate_limit,
            retry: self.retry,
            limiter: self.limiter,
            identity,
            jitter,
        }))
    }
}
