//! The session: the state machine that owns the life of every request, which a driver runs in a
//! loop.
//!
//! In the manner of quinn-proto's `Connection` (driven by quinn) and ureq-proto's `Call`
//! (driven by ureq), the session decides everything about X and the driver only moves bytes
//! and time. A [`Session`] holds what every request shares — where to send, the credentials,
//! the rate limiter, the retry policy, whose requests these are, the jitter — and each request
//! is a [`Call`] (one typed request, with its retries and waits) or a [`Walk`] (a page walk,
//! one call per page). Many calls may be in flight at once against one session: the session is
//! `Sync`, its limiter and identity are shared, each call is owned by the task that drives it.
//!
//! # The loop
//!
//! ```text
//!            ┌────────────── poll(session, now, nonce) ◄──────────────┐
//!            ▼                                                        │
//!   Action::Send(request) ── send it ──► handle_response(answer)  ────┤
//!            │                       └─► handle_transport_error(e) ───┤
//!   Action::Wait(wait)    ── sleep until wait.until ──────────────────┘
//!   Action::Output(out)   ── a call's result; a walk's page (poll again), failure or end
//! ```
//!
//! Inside, on every turn of that loop, the session:
//! - refuses a request that breaks a documented rule before it spends any budget;
//! - asks the limiter, and waits for it or fails with [`CallError::Throttled`] as the
//!   `wait_on_rate_limit` setting says; after any wait the request is signed again, so its
//!   OAuth timestamp is fresh;
//! - shows the limiter every answer's rate-limit headers, and every 429;
//! - on X's 429 waits for the announced reset (one whole window when none is announced, or the
//!   `Retry-After` X gave), and does not count it as a failed attempt;
//! - retries transient failures as the [`RetryPolicy`] decides, honouring `Retry-After`;
//! - meters what every answer will be billed (each user once a UTC day, the day taken from
//!   `now`), and keeps a walk within its budget;
//! - finds out whose requests these are: the OAuth 1.0a token's numeric prefix, or one
//!   `GET /2/users/me` counted against the app, whose answer is then kept.
//!
//! Budgets and the day's cost may live outside the process, shared by many
//! ([`SessionBuilder::limiter_store`], [`SessionBuilder::meter_store`]; twapi-redis keeps them
//! on Redis). The decisions stay here: a call then waits for [`WaitReason::Reservation`], the
//! driver reserves in the store and hands the verdict back ([`Exchange::handle_reservation`]),
//! and takes each answer's [`Observation`]s and [`Billing`] to the stores (see
//! [`LimiterStore`]).
//!
//! Time, nonces and the jitter's seed are inputs: nothing here reads a clock, sleeps, draws
//! randomness or opens a socket, so a test drives a session with a virtual clock and canned
//! answers (see `tests/session.rs`).
//!
//! ```
//! use std::time::{Duration, SystemTime};
//! use bytes::Bytes;
//! use twapi_core::request::v2::UserById;
//! use twapi_core::session::{Action, Call, Exchange, SessionBuilder};
//! use twapi_model::UserId;
//!
//! let session = SessionBuilder::app_only("AAAA-bearer").build(7)?;
//! let mut call = Call::new(UserById { id: UserId::new(12), fields: Default::default() });
//! let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
//! let Action::Send(request) = call.poll(&session, now, "nonce-1") else { unreachable!() };
//! assert_eq!(request.uri(), "https://api.x.com/2/users/12");
//! // … the driver sends it, and hands the answer back:
//! let answer = http::Response::builder()
//!     .status(200)
//!     .body(Bytes::from_static(br#"{"data":{"id":"12","name":"Jack","username":"jack"}}"#))?;
//! call.handle_response(&session, answer, now);
//! let Action::Output(Ok(reply)) = call.poll(&session, now, "nonce-2") else { unreachable!() };
//! assert_eq!(reply.value.data.unwrap().username, "jack");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod call;
mod error;
mod identity;
mod jitter;
mod store;
#[cfg(feature = "tracing")]
pub mod trace;
mod walk;

use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use twapi_auth::Secret;
use twapi_auth::oauth1::Credentials;

pub use call::{Action, Call, Wait, WaitReason};
pub use error::{BoxError, CallError, Interrupted};
pub use store::{Billing, LimiterStore, MeterStore, Observation, Reservation, StoreFuture};
pub use walk::{Page, Walk, WalkEvent};

pub use crate::cost::{MeterHandle, Usage};

use crate::api::{Api, Auth, Stamp};
use crate::endpoint::{AuthMode, EndpointId};
use crate::rate_limit::{Limiter, LimiterConfig, Permit, RateLimitSnapshot, WaitUntil};
use crate::request::ApiRequest;
use crate::retry::RetryPolicy;
use identity::Identity;
use jitter::Jitter;

/// A state machine a driver runs: a [`Call`] (one request) or a [`Walk`] (a page walk).
///
/// A driver needs one loop for both: poll; on [`Action::Send`] send the request and hand back
/// the answer or the failure; on [`Action::Wait`] sleep; on [`Action::Output`] hand the output
/// to its caller (a walk is then polled again for its next page).
pub trait Exchange {
    /// What the machine hands out: a call's result, or a walk's next [`WalkEvent`].
    type Output;

    /// The endpoint it calls, for the driver's logs.
    fn endpoint(&self) -> EndpointId;

    /// Sends that counted as attempts so far for the request under way (1 while the first is
    /// out; a 429 is not counted).
    fn attempt(&self) -> u32;

    /// The failure of the most recent attempt that failed, if any: what a retry or a wait is
    /// for, or the failure the call is about to hand out.
    fn last_error(&self) -> Option<&CallError>;

    /// The rate limits the most recent answer announced.
    fn rate_limit(&self) -> Option<&RateLimitSnapshot>;

    /// The driver's next step at `now`. `nonce` signs the request if one is sent now (a fresh
    /// value each time; bearer credentials ignore it).
    fn poll(&mut self, session: &Session, now: SystemTime, nonce: &str) -> Action<Self::Output>;

    /// Takes the answer to the request last sent.
    fn handle_response(
        &mut self,
        session: &Session,
        response: http::Response<Bytes>,
        now: SystemTime,
    );

    /// Takes the failure of the exchange last sent: no connection, no answer in time, an
    /// answer over the driver's cap, a connection lost midway (the transport variants of
    /// [`CallError`]).
    fn handle_transport_error(&mut self, session: &Session, error: CallError, now: SystemTime);

    /// Ends the machine with a failure the driver met before it could poll, such as no
    /// randomness for a nonce: a call's result is that error, a walk's a
    /// [`WalkEvent::Failed`] with the state to resume from.
    fn abandon(&mut self, error: CallError) -> Self::Output;

    /// The reservation the machine waits for, when its session keeps its budgets in a
    /// [`LimiterStore`] and the last poll answered a [`Wait`] for
    /// [`WaitReason::Reservation`]; `None` otherwise.
    fn reservation(&self) -> Option<Reservation> {
        None
    }

    /// Takes the store's verdict on [`Exchange::reservation`] (or the store's failure, which
    /// ends the call with [`CallError::Store`]).
    fn handle_reservation(
        &mut self,
        session: &Session,
        verdict: Result<Result<Permit, WaitUntil>, BoxError>,
        now: SystemTime,
    ) {
        let _ = (session, verdict, now);
    }

    /// What the last answer said about the budgets, when the session keeps them in a
    /// [`LimiterStore`]: the driver hands each to [`LimiterStore::observe`]. Empty otherwise
    /// (the session's own limiter has seen them already).
    fn take_observations(&mut self) -> Vec<Observation> {
        Vec::new()
    }

    /// The users of the last answer to meter, when the session keeps its meter in a
    /// [`MeterStore`]: the driver records them there and hands back what they added with
    /// [`Exchange::handle_billed`]. `None` otherwise.
    fn take_billing(&mut self) -> Option<Billing> {
        None
    }

    /// Takes what the [`MeterStore`] added for [`Exchange::take_billing`]'s users: the
    /// reply's [`Charge::metered`](crate::cost::Charge::metered).
    fn handle_billed(&mut self, metered: crate::cost::Cost) {
        let _ = metered;
    }
}

/// What every request of one set of credentials shares: where to send, the credentials, the
/// rate limiter, the retry policy, the jitter, and whose requests these are.
///
/// Build it with [`SessionBuilder`]. It is `Sync`: share it (an `Arc`) between the tasks or
/// threads that drive its [`Call`]s and [`Walk`]s.
pub struct Session {
    api: Api,
    auth: Auth,
    wait_on_rate_limit: bool,
    retry: RetryPolicy,
    limiter: Option<LimiterHandle>,
    store: Option<Arc<dyn LimiterStore>>,
    meter: Option<MeterHandle>,
    meter_store: Option<Arc<dyn MeterStore>>,
    identity: Identity,
    jitter: Mutex<Jitter>,
}

impl fmt::Debug for Session {
    /// Names the mode of the credentials, never their values.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Session")
            .field("base_url", &self.api.base_url())
            .field("auth", &self.auth.mode())
            .field("app", &self.identity.app)
            .field("user", &self.identity.user())
            .field("wait_on_rate_limit", &self.wait_on_rate_limit)
            .field("retry", &self.retry)
            .field("limiter", &self.limiter.is_some())
            .field("store", &self.store)
            .field("meter", &self.meter.is_some())
            .field("meter_store", &self.meter_store)
            .finish_non_exhaustive()
    }
}

impl Session {
    /// The store the session keeps its cost meter in, when it shares it with other processes
    /// (see [`SessionBuilder::meter_store`]); the driver records billed replies there.
    pub fn meter_store(&self) -> Option<&Arc<dyn MeterStore>> {
        self.meter_store.as_ref()
    }

    /// The store the session keeps its budgets in, when it shares them with other processes
    /// (see [`SessionBuilder::limiter_store`]); the driver reserves there.
    pub fn limiter_store(&self) -> Option<&Arc<dyn LimiterStore>> {
        self.store.as_ref()
    }

    /// Whether anything limits the session's requests: its own limiter or a store.
    fn limits(&self) -> bool {
        self.limiter.is_some() || self.store.is_some()
    }

    /// Where requests go.
    pub fn api(&self) -> &Api {
        &self.api
    }

    /// The mode of the credentials.
    pub fn auth_mode(&self) -> AuthMode {
        self.auth.mode()
    }

    /// The rate limiter, to share with another session or to persist; `None` without one.
    pub fn limiter(&self) -> Option<&LimiterHandle> {
        self.limiter.as_ref()
    }

    /// The UTC day's cost meter, to share with another session or to persist; `None` without
    /// one.
    pub fn meter(&self) -> Option<&MeterHandle> {
        self.meter.as_ref()
    }

    /// What the UTC day of `now` cost so far, by the session's meter (nothing without one; a
    /// [`MeterStore`] tells its own).
    pub fn usage(&self, now: SystemTime) -> Usage {
        self.meter
            .as_ref()
            .map_or_else(Usage::default, |meter| meter.usage_at(now))
    }

    /// The authenticated user's id, once known (from the OAuth 1.0a token, a fixed context, or
    /// an answer of `GET /2/users/me`).
    pub fn user_id(&self) -> Option<twapi_model::UserId> {
        self.identity.user()
    }

    /// Whether the session waits through rate limits rather than failing with them.
    pub fn waits_on_rate_limit(&self) -> bool {
        self.wait_on_rate_limit
    }

    /// The signed request for `request` at `now` with `nonce`.
    fn prepare<R: ApiRequest>(
        &self,
        request: &R,
        now: SystemTime,
        nonce: &str,
    ) -> Result<http::Request<Bytes>, crate::Error> {
        let timestamp = now
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        self.api
            .prepare(request, &self.auth, Stamp { timestamp, nonce })
    }

    /// The next jitter value in `[0, 1)`.
    fn jitter(&self) -> f64 {
        lock(&self.jitter).next()
    }

    /// The limiter's window, or X's when there is no limiter.
    fn window(&self) -> Duration {
        match (&self.limiter, &self.store) {
            (Some(limiter), _) => limiter.lock().config().window,
            (None, Some(store)) => store.config().window,
            (None, None) => LimiterConfig::default().window,
        }
    }
}

/// A rate limiter that sessions share: clone the handle to give two sessions (two sets of
/// credentials of one app, or two clients of one user) one budget.
///
/// The limiter serializes, so a crawl can persist it beside its page state
/// ([`LimiterHandle::snapshot`]) and start again from it ([`LimiterHandle::new`]).
#[derive(Clone, Default)]
pub struct LimiterHandle(Arc<Mutex<Limiter>>);

impl fmt::Debug for LimiterHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("LimiterHandle").field(&*self.lock()).finish()
    }
}

impl LimiterHandle {
    /// A handle on `limiter`.
    pub fn new(limiter: Limiter) -> Self {
        Self(Arc::new(Mutex::new(limiter)))
    }

    /// A copy of the limiter as it stands, to persist or inspect.
    pub fn snapshot(&self) -> Limiter {
        self.lock().clone()
    }

    /// Runs `step` on the limiter, locked: one whole decision against the shared budgets,
    /// such as a store's fallback makes while its store is unreachable.
    pub fn update<T>(&self, step: impl FnOnce(&mut Limiter) -> T) -> T {
        step(&mut self.lock())
    }

    /// The limiter, locked: a panic elsewhere while it was held leaves it valid, since every
    /// change it makes is whole.
    fn lock(&self) -> MutexGuard<'_, Limiter> {
        lock(&self.0)
    }
}

/// The settings of a [`Session`], each with a default that suits the real API.
#[derive(Clone)]
#[must_use = "a builder does nothing until `build` is called"]
pub struct SessionBuilder {
    auth: Auth,
    app: Option<String>,
    user: Option<twapi_model::UserId>,
    context: Option<crate::rate_limit::Context>,
    base_url: String,
    wait_on_rate_limit: bool,
    retry: RetryPolicy,
    limiter: Option<LimiterHandle>,
    store: Option<Arc<dyn LimiterStore>>,
    meter: Option<MeterHandle>,
    meter_store: Option<Arc<dyn MeterStore>>,
    jitter_seed: Option<u64>,
    vocabulary: crate::fields::Vocabulary,
}

impl fmt::Debug for SessionBuilder {
    /// Names the mode of the credentials, never their values.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SessionBuilder")
            .field("auth", &self.auth.mode())
            .field("base_url", &self.base_url)
            .field("wait_on_rate_limit", &self.wait_on_rate_limit)
            .field("retry", &self.retry)
            .field("limiter", &self.limiter.is_some())
            .field("vocabulary", &self.vocabulary)
            .finish_non_exhaustive()
    }
}

impl SessionBuilder {
    /// A session with these credentials, against `https://api.x.com`, with a limiter of X's
    /// windows, the default [`RetryPolicy`], and failing (not waiting) on rate limits.
    pub fn new(auth: Auth) -> Self {
        Self {
            auth,
            app: None,
            user: None,
            context: None,
            base_url: twapi_auth::X_API_BASE.to_owned(),
            wait_on_rate_limit: false,
            retry: RetryPolicy::default(),
            limiter: Some(LimiterHandle::default()),
            store: None,
            meter: Some(MeterHandle::default()),
            meter_store: None,
            jitter_seed: None,
            vocabulary: crate::fields::Vocabulary::default(),
        }
    }

    /// OAuth 1.0a user context. The app is named by its consumer key, and the user by the
    /// numeric prefix of X's access token (`783214-…`), so no request is spent to find it.
    pub fn oauth1(credentials: &Credentials) -> Self {
        let mut builder = Self::new(Auth::oauth1(credentials));
        builder.app = Some(credentials.consumer_key().to_owned());
        builder.user = credentials
            .token()
            .and_then(identity::user_id_from_access_token);
        builder
    }

    /// App-only: the app's bearer token.
    pub fn app_only(bearer_token: impl Into<Secret>) -> Self {
        Self::new(Auth::AppOnly(bearer_token.into()))
    }

    /// OAuth 2.0 user context: a user's access token from the PKCE flow. The user's id is asked
    /// of `GET /2/users/me` once, when first needed.
    pub fn oauth2_user(access_token: impl Into<Secret>) -> Self {
        Self::new(Auth::OAuth2User(access_token.into()))
    }

    /// Where to send: `https://api.x.com` by default; the emulator or a proxy otherwise.
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = base_url.into();
        self
    }

    /// Whether to wait through rate limits (the limiter's and X's 429) rather than fail with
    /// them; off by default, so a program decides what to do with the time.
    pub fn wait_on_rate_limit(mut self, wait: bool) -> Self {
        self.wait_on_rate_limit = wait;
        self
    }

    /// The retry policy for transient failures.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Shares a limiter with other sessions.
    pub fn limiter(mut self, limiter: LimiterHandle) -> Self {
        self.limiter = Some(limiter);
        self.store = None;
        self
    }

    /// A limiter of its own with these periods (tests and the emulator scale them down).
    pub fn limiter_config(mut self, config: LimiterConfig) -> Self {
        self.limiter = Some(LimiterHandle::new(Limiter::new(config)));
        self.store = None;
        self
    }

    /// Keeps the budgets in `store`, shared with every process that uses it (twapi-redis's
    /// `RedisLimiter`), instead of a limiter of the session's own: the same decisions, made
    /// for all those processes at once. The driver reserves each request there (see
    /// [`WaitReason::Reservation`]); a store that cannot be reached fails the call with
    /// [`CallError::Store`].
    pub fn limiter_store(mut self, store: Arc<dyn LimiterStore>) -> Self {
        self.store = Some(store);
        self.limiter = None;
        self
    }

    /// No client-side limiter: only X's answers limit the session.
    pub fn without_limiter(mut self) -> Self {
        self.limiter = None;
        self.store = None;
        self
    }

    /// Shares a cost meter with other sessions, or restores a crawl's saved one
    /// (`MeterHandle::new(saved)`); every session has a meter of its own otherwise.
    pub fn meter(mut self, meter: MeterHandle) -> Self {
        self.meter = Some(meter);
        self.meter_store = None;
        self
    }

    /// Keeps the UTC day's cost meter in `store`, shared with every process that uses it
    /// (twapi-redis's `RedisMeter`): a user one process was billed for today is free to all.
    /// The driver records each billed reply there (see [`Exchange::take_billing`]).
    pub fn meter_store(mut self, store: Arc<dyn MeterStore>) -> Self {
        self.meter_store = Some(store);
        self.meter = None;
        self
    }

    /// No cost meter: replies carry their list price only, and budgets count at list price.
    pub fn without_meter(mut self) -> Self {
        self.meter = None;
        self.meter_store = None;
        self
    }

    /// The app's name for the limiter; the consumer key with OAuth 1.0a, `"default"` otherwise.
    pub fn app_name(mut self, app: impl Into<String>) -> Self {
        self.app = Some(app.into());
        self
    }

    /// Fixes whose budget the requests spend, for credentials that do not tell.
    pub fn context(mut self, context: crate::rate_limit::Context) -> Self {
        self.context = Some(context);
        self
    }

    /// A fixed seed for the retry jitter, so a test or a replay sees the same waits; drivers
    /// otherwise pass a seed of their own to [`SessionBuilder::build`].
    pub fn jitter_seed(mut self, seed: u64) -> Self {
        self.jitter_seed = Some(seed);
        self
    }

    /// The vocabulary of the v2 field selectors of every request: `post.fields` and
    /// `expansions=pinned_post_id` ([`Vocabulary::Post`](crate::fields::Vocabulary::Post), the
    /// default, as X's own SDKs send), or the classic `tweet.fields` and
    /// `expansions=pinned_tweet_id` ([`Vocabulary::Tweet`](crate::fields::Vocabulary::Tweet)).
    /// Answers in either vocabulary decode alike.
    pub fn vocabulary(mut self, vocabulary: crate::fields::Vocabulary) -> Self {
        self.vocabulary = vocabulary;
        self
    }

    /// The session; `seed` seeds the retry jitter unless [`SessionBuilder::jitter_seed`] fixed
    /// one (a driver draws it from the OS, so that clients spread their retries apart).
    pub fn build(self, seed: u64) -> Result<Session, crate::InvalidRequest> {
        let api = Api::new(&self.base_url)?.with_vocabulary(self.vocabulary);
        let user_context = self.auth.mode().is_user_context();
        let identity = Identity::new(
            self.app.unwrap_or_else(|| "default".to_owned()),
            user_context,
            self.user,
            self.context,
        );
        Ok(Session {
            api,
            auth: self.auth,
            wait_on_rate_limit: self.wait_on_rate_limit,
            retry: self.retry,
            limiter: self.limiter,
            store: self.store,
            meter: self.meter,
            meter_store: self.meter_store,
            identity,
            jitter: Mutex::new(Jitter::seeded(self.jitter_seed.unwrap_or(seed))),
        })
    }
}

/// The session's settings as methods of a driver's own builder, which keeps a
/// [`SessionBuilder`] in the field named here: each setting is written once, in
/// [`SessionBuilder`], and every driver offers it under the same name.
///
/// ```ignore
/// impl ClientBuilder {
///     twapi_core::session_settings!(session);
/// }
/// ```
#[macro_export]
macro_rules! session_settings {
    ($field:ident) => {
        /// OAuth 1.0a user context (see `SessionBuilder::oauth1`).
        pub fn oauth1(credentials: &$crate::__private::Credentials) -> Self {
            Self::new($crate::session::SessionBuilder::oauth1(credentials))
        }

        /// App-only, with the app's bearer token (see `SessionBuilder::app_only`).
        pub fn app_only(bearer_token: impl Into<$crate::__private::Secret>) -> Self {
            Self::new($crate::session::SessionBuilder::app_only(bearer_token))
        }

        /// OAuth 2.0 user context, with a user's access token (see
        /// `SessionBuilder::oauth2_user`).
        pub fn oauth2_user(access_token: impl Into<$crate::__private::Secret>) -> Self {
            Self::new($crate::session::SessionBuilder::oauth2_user(access_token))
        }

        /// Where to send (see `SessionBuilder::base_url`).
        pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
            self.$field = self.$field.base_url(base_url);
            self
        }

        /// Whether to wait through rate limits (see `SessionBuilder::wait_on_rate_limit`).
        pub fn wait_on_rate_limit(mut self, wait: bool) -> Self {
            self.$field = self.$field.wait_on_rate_limit(wait);
            self
        }

        /// The retry policy (see `SessionBuilder::retry_policy`).
        pub fn retry_policy(mut self, policy: $crate::retry::RetryPolicy) -> Self {
            self.$field = self.$field.retry_policy(policy);
            self
        }

        /// Shares a limiter (see `SessionBuilder::limiter`).
        pub fn limiter(mut self, limiter: $crate::session::LimiterHandle) -> Self {
            self.$field = self.$field.limiter(limiter);
            self
        }

        /// A limiter of its own with these periods (see `SessionBuilder::limiter_config`).
        pub fn limiter_config(mut self, config: $crate::rate_limit::LimiterConfig) -> Self {
            self.$field = self.$field.limiter_config(config);
            self
        }

        /// Keeps the budgets in a store shared between processes (see
        /// `SessionBuilder::limiter_store`).
        pub fn limiter_store(
            mut self,
            store: ::std::sync::Arc<dyn $crate::session::LimiterStore>,
        ) -> Self {
            self.$field = self.$field.limiter_store(store);
            self
        }

        /// No client-side limiter (see `SessionBuilder::without_limiter`).
        pub fn without_limiter(mut self) -> Self {
            self.$field = self.$field.without_limiter();
            self
        }

        /// Shares or restores a cost meter (see `SessionBuilder::meter`).
        pub fn meter(mut self, meter: $crate::cost::MeterHandle) -> Self {
            self.$field = self.$field.meter(meter);
            self
        }

        /// Keeps the cost meter in a store shared between processes (see
        /// `SessionBuilder::meter_store`).
        pub fn meter_store(
            mut self,
            store: ::std::sync::Arc<dyn $crate::session::MeterStore>,
        ) -> Self {
            self.$field = self.$field.meter_store(store);
            self
        }

        /// No cost meter (see `SessionBuilder::without_meter`).
        pub fn without_meter(mut self) -> Self {
            self.$field = self.$field.without_meter();
            self
        }

        /// The app's name for the limiter (see `SessionBuilder::app_name`).
        pub fn app_name(mut self, app: impl Into<String>) -> Self {
            self.$field = self.$field.app_name(app);
            self
        }

        /// Fixes whose budget the requests spend (see `SessionBuilder::context`).
        pub fn context(mut self, context: $crate::rate_limit::Context) -> Self {
            self.$field = self.$field.context(context);
            self
        }

        /// The vocabulary of v2 field selectors (see `SessionBuilder::vocabulary`).
        pub fn vocabulary(mut self, vocabulary: $crate::fields::Vocabulary) -> Self {
            self.$field = self.$field.vocabulary(vocabulary);
            self
        }

        /// A fixed seed for the retry jitter (see `SessionBuilder::jitter_seed`).
        pub fn jitter_seed(mut self, seed: u64) -> Self {
            self.$field = self.$field.jitter_seed(seed);
            self
        }
    };
}

/// A lock that outlives a panic elsewhere: the limiter's and the jitter's states stay valid
/// whatever step panicked.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}
