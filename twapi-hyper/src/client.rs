//! The client: a loop around twapi-core. For every request it prepares (core), asks the
//! limiter (core), sends (hyper), decodes (core), shows the limiter the answer (core), and on
//! failure asks the retry policy (core) what to do — drawing the clock, the nonce and the
//! jitter the core takes as inputs, and doing the waiting.

use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use http::HeaderValue;
use tracing::Instrument;
use tracing::field::Empty;
use twapi_auth::system::NonceSource;
use twapi_core::error::DecodeFailure;
use twapi_core::rate_limit::{Context, Limiter, LimiterConfig};
use twapi_core::request::v2::{Follow, Me, Unfollow};
use twapi_core::retry::{RetryDecision, RetryPolicy};
use twapi_core::{Api, ApiRequest, Auth, AuthMode, EndpointId, Reply, Stamp, decode_reply};
use twapi_model::UserId;
use twapi_model::v2::{FollowResult, UnfollowResult, User};

use crate::error::Error;
use crate::identity::Identity;
use crate::jitter::Jitter;
use crate::transport::Transport;

/// An X API client over one pool of connections; cheap to clone (clones share the pool, the
/// limiter and the cached user id).
///
/// Build it with [`ClientBuilder`](crate::ClientBuilder). Any typed request of
/// [`twapi_core::request`] goes through [`Client::send`]; lists walk with
/// [`Client::pages`] and [`Client::items`].
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    transport: Transport,
    api: Api,
    auth: Auth,
    user_agent: HeaderValue,
    wait_on_rate_limit: bool,
    retry: RetryPolicy,
    limiter: Option<Arc<Mutex<Limiter>>>,
    identity: Identity,
    jitter: Mutex<Jitter>,
    /// Nonces drawn from the OS a batch at a time, not a system call per request.
    nonces: Mutex<NonceSource>,
}

/// Everything the builder decided.
pub(crate) struct Settings {
    pub(crate) transport: Transport,
    pub(crate) api: Api,
    pub(crate) auth: Auth,
    pub(crate) user_agent: HeaderValue,
    pub(crate) wait_on_rate_limit: bool,
    pub(crate) retry: RetryPolicy,
    pub(crate) limiter: Option<Arc<Mutex<Limiter>>>,
    pub(crate) identity: Identity,
    pub(crate) jitter: Jitter,
}

impl fmt::Debug for Client {
    /// Names the mode of the credentials, never their values.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &self.inner;
        f.debug_struct("Client")
            .field("base_url", &inner.api.base_url())
            .field("auth", &inner.auth.mode())
            .field("app", &inner.identity.app)
            .field("wait_on_rate_limit", &inner.wait_on_rate_limit)
            .field("retry", &inner.retry)
            .field("limiter", &inner.limiter.is_some())
            .finish_non_exhaustive()
    }
}

impl Client {
    pub(crate) fn from_settings(settings: Settings) -> Self {
        Self {
            inner: Arc::new(Inner {
                transport: settings.transport,
                api: settings.api,
                auth: settings.auth,
                user_agent: settings.user_agent,
                wait_on_rate_limit: settings.wait_on_rate_limit,
                retry: settings.retry,
                limiter: settings.limiter,
                identity: settings.identity,
                jitter: Mutex::new(settings.jitter),
                nonces: Mutex::new(NonceSource::new()),
            }),
        }
    }

    /// The transport, for a builder that shares its connections.
    pub(crate) fn transport(&self) -> &Transport {
        &self.inner.transport
    }

    /// Where requests go.
    pub fn api(&self) -> &Api {
        &self.inner.api
    }

    /// The mode of the credentials.
    pub fn auth_mode(&self) -> AuthMode {
        self.inner.auth.mode()
    }

    /// The client-side rate limiter, to share or to persist (it serializes).
    pub fn limiter(&self) -> Option<&Arc<Mutex<Limiter>>> {
        self.inner.limiter.as_ref()
    }

    /// Sends one typed request and decodes the answer.
    ///
    /// Before sending, the client-side limiter is asked; if it says "wait until T", the
    /// client sleeps until T with `wait_on_rate_limit`, and fails with [`Error::Throttled`]
    /// otherwise. X's 429 is handled the same way. Transient failures (X's 130 and 131, other
    /// 5xx, timeouts, connections lost, bodies cut short) are retried as the
    /// [`RetryPolicy`] decides, with its backoff. A request that breaks a documented rule
    /// fails with [`Error::Core`] before anything is sent.
    ///
    /// ```no_run
    /// use twapi_core::request::v1::UsersShow;
    /// use twapi_core::ScreenName;
    ///
    /// # async fn run(client: twapi_hyper::Client) -> Result<(), Box<dyn std::error::Error>> {
    /// let reply = client.send(&UsersShow::of("XDevelopers".parse::<ScreenName>()?)).await?;
    /// println!("{} has {} followers", reply.value.screen_name, reply.value.followers_count);
    /// # Ok(())
    /// # }
    /// ```
    pub async fn send<R: ApiRequest>(&self, request: &R) -> Result<Reply<R::Output>, Error> {
        let context = self.context().await?;
        self.send_in(request, context.as_ref()).await
    }

    /// The authenticated user (`GET /2/users/me`); remembers the id for follow and unfollow.
    pub async fn me(&self) -> Result<User, Error> {
        let identity = &self.inner.identity;
        let context = match identity.known_context() {
            Some(context) => context,
            None => identity.bootstrap_context(),
        };
        let reply = self.send_in(&Me::default(), Some(&context)).await?;
        let user = data_of(reply)?;
        // Another task may have found it first: it is the same id.
        let _ = identity.user.set(user.id);
        Ok(user)
    }

    /// The authenticated user's id: the OAuth 1.0a access token's prefix, a fixed
    /// [`Context`], or one `GET /2/users/me` whose answer is kept.
    pub async fn my_id(&self) -> Result<UserId, Error> {
        self.inner
            .identity
            .user
            .get_or_try_init(|| async { self.me().await.map(|user| user.id) })
            .await
            .copied()
    }

    /// Follows `target` (`POST /2/users/:id/following`) as the authenticated user, whose id
    /// is found as [`Client::my_id`] says. A protected target gets a pending request:
    /// `pending_follow` is then `Some(true)` and `following` false.
    pub async fn follow(&self, target: UserId) -> Result<FollowResult, Error> {
        let me = self.my_id().await?;
        let reply = self
            .send(&Follow {
                source_user_id: me,
                target_user_id: target,
            })
            .await?;
        data_of(reply)
    }

    /// Unfollows `target` (`DELETE /2/users/:source_user_id/following/:target_user_id`), or
    /// withdraws a pending request; succeeds when there was nothing to undo.
    pub async fn unfollow(&self, target: UserId) -> Result<UnfollowResult, Error> {
        let me = self.my_id().await?;
        let reply = self
            .send(&Unfollow {
                source_user_id: me,
                target_user_id: target,
            })
            .await?;
        data_of(reply)
    }

    /// The limiter context of the requests; `None` when there is no limiter to tell it to.
    async fn context(&self) -> Result<Option<Context>, Error> {
        if self.inner.limiter.is_none() {
            return Ok(None);
        }
        let identity = &self.inner.identity;
        if let Some(context) = identity.known_context() {
            return Ok(Some(context));
        }
        let id = self.my_id().await?;
        Ok(Some(Context::user(identity.app.clone(), id.get())))
    }

    /// The loop: admit, exchange, decide, wait.
    async fn send_in<R: ApiRequest>(
        &self,
        request: &R,
        context: Option<&Context>,
    ) -> Result<Reply<R::Output>, Error> {
        let endpoint = R::ENDPOINT;
        let idempotent = endpoint.descriptor().idempotent;
        let mut attempt: u32 = 0;
        loop {
            attempt = attempt.saturating_add(1);
            let prepared = self.admit(request, endpoint, context).await?;
            let span = tracing::info_span!(
                "x_request",
                endpoint = endpoint.name(),
                attempt,
                status = Empty,
                remaining = Empty,
            );
            let outcome = self
                .attempt::<R>(prepared, context, &span)
                .instrument(span.clone())
                .await;
            let error = match outcome {
                Ok(reply) => return Ok(reply),
                Err(error) => error,
            };
            let now = SystemTime::now();
            if let Error::Core(twapi_core::Error::RateLimited(limited)) = &error {
                if !self.inner.wait_on_rate_limit {
                    return Err(error);
                }
                // Not a failure of the request: the attempt is not counted.
                attempt -= 1;
                let until = limited
                    .until
                    .filter(|until| *until > now)
                    .unwrap_or_else(|| after(now, self.window()));
                tracing::info!(
                    endpoint = endpoint.name(),
                    wait_ms = millis_until(until, now),
                    "rate limited by X; waiting for the reset"
                );
                sleep_until(until).await;
                continue;
            }
            let jitter = lock(&self.inner.jitter).next();
            match self
                .inner
                .retry
                .decide(attempt, error.retryability(), idempotent, jitter, now)
            {
                RetryDecision::RetryAt(at) => {
                    tracing::debug!(
                        endpoint = endpoint.name(),
                        attempt,
                        wait_ms = millis_until(at, now),
                        error = %error,
                        "retrying"
                    );
                    sleep_until(at).await;
                }
                RetryDecision::GiveUp => return Err(error),
            }
        }
    }

    /// Prepares the request and gets the limiter's permit, waiting for it with
    /// `wait_on_rate_limit`. Prepared first, so a request that breaks a rule spends no budget;
    /// prepared again after a wait, so the OAuth timestamp is fresh.
    async fn admit<R: ApiRequest>(
        &self,
        request: &R,
        endpoint: EndpointId,
        context: Option<&Context>,
    ) -> Result<http::Request<Bytes>, Error> {
        loop {
            let prepared = self.prepare(request)?;
            let (Some(limiter), Some(context)) = (&self.inner.limiter, context) else {
                return Ok(prepared);
            };
            let verdict = lock(limiter).acquire(endpoint, context, SystemTime::now());
            match verdict {
                Ok(_permit) => return Ok(prepared),
                Err(wait) if self.inner.wait_on_rate_limit => {
                    tracing::info!(
                        endpoint = endpoint.name(),
                        wait_ms = millis_until(wait.until, SystemTime::now()),
                        "rate limit reached; waiting for the window to reset"
                    );
                    sleep_until(wait.until).await;
                }
                Err(wait) => return Err(Error::Throttled(wait)),
            }
        }
    }

    /// The signed request, with a fresh timestamp and nonce and the client's user agent.
    fn prepare<R: ApiRequest>(&self, request: &R) -> Result<http::Request<Bytes>, Error> {
        let nonce = lock(&self.inner.nonces)
            .next_nonce()
            .map_err(Error::Randomness)?;
        let stamp = Stamp {
            timestamp: twapi_auth::system::unix_now(),
            nonce: &nonce,
        };
        let mut prepared = self.inner.api.prepare(request, &self.inner.auth, stamp)?;
        prepared
            .headers_mut()
            .insert(http::header::USER_AGENT, self.inner.user_agent.clone());
        Ok(prepared)
    }

    /// One exchange, decoded, shown to the limiter, recorded in the current span.
    async fn attempt<R: ApiRequest>(
        &self,
        prepared: http::Request<Bytes>,
        context: Option<&Context>,
        span: &tracing::Span,
    ) -> Result<Reply<R::Output>, Error> {
        let response = self.inner.transport.exchange(prepared).await?;
        span.record("status", response.status().as_u16());
        let decoded = decode_reply::<R>(response);
        let now = SystemTime::now();
        let snapshot = match &decoded {
            Ok(reply) => Some(*reply.rate_limit()),
            Err(e) => e.api().map(|api| *api.rate_limit()),
        };
        if let Some(remaining) = snapshot.and_then(|s| s.window).map(|w| w.remaining) {
            span.record("remaining", remaining);
        }
        if let (Some(limiter), Some(context)) = (&self.inner.limiter, context) {
            let mut limiter = lock(limiter);
            if let Some(snapshot) = &snapshot {
                limiter.observe(R::ENDPOINT, context, snapshot, now);
            }
            if let Err(twapi_core::Error::RateLimited(limited)) = &decoded {
                limiter.observe_rate_limited(R::ENDPOINT, context, limited.until, now);
            }
        }
        if let Err(error) = &decoded {
            tracing::debug!(error = %error, "X answered with an error");
        }
        decoded.map_err(Error::Core)
    }

    /// The limiter's window, or X's when there is no limiter.
    fn window(&self) -> Duration {
        self.inner.limiter.as_ref().map_or_else(
            || LimiterConfig::default().window,
            |limiter| lock(limiter).config().window,
        )
    }
}

/// The `data` of a v2 answer that must have one.
fn data_of<T>(reply: Reply<twapi_model::v2::Response<T>>) -> Result<T, Error>
where
    twapi_model::v2::Response<T>: twapi_core::Payload,
{
    let status = reply.status();
    let excerpt =
        String::from_utf8_lossy(&reply.body()[..reply.body().len().min(256)]).into_owned();
    reply.into_value().data.ok_or_else(|| {
        Error::Core(twapi_core::Error::Decode(Box::new(DecodeFailure {
            status,
            path: "data".to_owned(),
            message: "the answer has no `data`".to_owned(),
            excerpt,
        })))
    })
}

/// A lock that outlives a panic elsewhere: the limiter's and the jitter's states stay valid
/// whatever step panicked.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// `now + period`, or X's window when that is past the end of time (an absurd period).
fn after(now: SystemTime, period: Duration) -> SystemTime {
    now.checked_add(period)
        .unwrap_or_else(|| now + LimiterConfig::default().window)
}

async fn sleep_until(until: SystemTime) {
    if let Ok(wait) = until.duration_since(SystemTime::now()) {
        tokio::time::sleep(wait).await;
    }
}

fn millis_until(until: SystemTime, now: SystemTime) -> u64 {
    until
        .duration_since(now)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}
