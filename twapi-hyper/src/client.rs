//! The client: a loop around twapi-core's session. The session decides everything about X —
//! admission, waits, retries, identity, paging; this loop draws the clock and the nonces, sends
//! what the session asks over hyper, hands the answers back, sleeps when told, and records what
//! happened in `tracing` spans.

use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::SystemTime;

use http::HeaderValue;
use tracing::Instrument;
use twapi_auth::system::NonceSource;
use twapi_core::request::v2::{Follow, Me, Unfollow};
use twapi_core::session::{
    Action, Call, CallError, Exchange, LimiterHandle, Session, WaitReason, trace,
};
use twapi_core::{Api, ApiRequest, AuthMode, Reply};
use twapi_model::UserId;
use twapi_model::v2::{FollowResult, UnfollowResult, User};

use crate::transport::Transport;

/// An X API client over one pool of connections; cheap to clone (clones share the pool and the
/// session: its limiter and the user id once known).
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
    session: Session,
    user_agent: HeaderValue,
    /// Nonces drawn from the OS a batch at a time, not a system call per request.
    nonces: Mutex<NonceSource>,
}

impl fmt::Debug for Client {
    /// The session's settings, never the credentials' values.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("session", &self.inner.session)
            .finish_non_exhaustive()
    }
}

impl Client {
    pub(crate) fn new(transport: Transport, session: Session, user_agent: HeaderValue) -> Self {
        Self {
            inner: Arc::new(Inner {
                transport,
                session,
                user_agent,
                nonces: Mutex::new(NonceSource::new()),
            }),
        }
    }

    /// The transport, for a builder that shares its connections.
    pub(crate) fn transport(&self) -> &Transport {
        &self.inner.transport
    }

    /// The session every request of this client goes through.
    pub fn session(&self) -> &Session {
        &self.inner.session
    }

    /// Where requests go.
    pub fn api(&self) -> &Api {
        self.inner.session.api()
    }

    /// The mode of the credentials.
    pub fn auth_mode(&self) -> AuthMode {
        self.inner.session.auth_mode()
    }

    /// The client-side rate limiter, to share with another client or to persist.
    pub fn limiter(&self) -> Option<&LimiterHandle> {
        self.inner.session.limiter()
    }

    /// Sends one typed request and decodes the answer.
    ///
    /// Before sending, the client-side limiter is asked; if it says "wait until T", the
    /// client sleeps until T with `wait_on_rate_limit`, and fails with
    /// [`CallError::Throttled`] otherwise. X's 429 is handled the same way. Transient failures
    /// (X's 130 and 131, other 5xx, timeouts, connections lost, bodies cut short) are retried
    /// as the [`RetryPolicy`](twapi_core::RetryPolicy) decides, with its backoff. A request
    /// that breaks a documented rule fails with [`CallError::Core`] before anything is sent.
    ///
    /// ```no_run
    /// use twapi_hyper::request::v1::UsersShow;
    /// use twapi_hyper::ScreenName;
    ///
    /// # async fn run(client: twapi_hyper::Client) -> Result<(), Box<dyn std::error::Error>> {
    /// let reply = client.send(&UsersShow::of("XDevelopers".parse::<ScreenName>()?)).await?;
    /// let user = &reply.value; // all but the id are optional: X leaves fields out of some users
    /// println!("{} has {} followers", user.screen_name.as_deref().unwrap_or("?"), user.followers_count.unwrap_or(0));
    /// # Ok(())
    /// # }
    /// ```
    pub async fn send<R>(&self, request: &R) -> Result<Reply<R::Output>, CallError>
    where
        R: ApiRequest + Clone,
    {
        self.run(&mut Call::new(request.clone())).await
    }

    /// The authenticated user (`GET /2/users/me`); the session keeps the id for follow and
    /// unfollow.
    pub async fn me(&self) -> Result<User, CallError> {
        Ok(self.send(&Me::default()).await?.into_data()?)
    }

    /// The authenticated user's id: the OAuth 1.0a access token's prefix, a fixed context, or
    /// one `GET /2/users/me` whose answer the session keeps.
    pub async fn my_id(&self) -> Result<UserId, CallError> {
        match self.inner.session.user_id() {
            Some(id) => Ok(id),
            None => self.me().await.map(|user| user.id),
        }
    }

    /// Follows `target` (`POST /2/users/:id/following`) as the authenticated user, whose id
    /// the session finds as [`Client::my_id`] says. A protected target gets a pending request:
    /// `pending_follow` is then `Some(true)` and `following` false.
    pub async fn follow(&self, target: UserId) -> Result<FollowResult, CallError> {
        let mut call = Call::for_me(move |me| Follow {
            source_user_id: me,
            target_user_id: target,
        });
        Ok(self.run(&mut call).await?.into_data()?)
    }

    /// Unfollows `target` (`DELETE /2/users/:source_user_id/following/:target_user_id`), or
    /// withdraws a pending request; succeeds when there was nothing to undo.
    pub async fn unfollow(&self, target: UserId) -> Result<UnfollowResult, CallError> {
        let mut call = Call::for_me(move |me| Unfollow {
            source_user_id: me,
            target_user_id: target,
        });
        Ok(self.run(&mut call).await?.into_data()?)
    }

    /// The loop: poll the machine, send what it asks, hand the answer back, sleep when told,
    /// until it has an output.
    pub(crate) async fn run<M: Exchange>(&self, machine: &mut M) -> M::Output {
        let session = &self.inner.session;
        loop {
            let nonce = match self.nonce() {
                Ok(nonce) => nonce,
                Err(error) => return machine.abandon(error),
            };
            match machine.poll(session, SystemTime::now(), &nonce) {
                Action::Send(mut request) => {
                    request
                        .headers_mut()
                        .insert(http::header::USER_AGENT, self.inner.user_agent.clone());
                    let span = trace::exchange_span(machine);
                    let answer = self
                        .inner
                        .transport
                        .exchange(request)
                        .instrument(span.clone())
                        .await;
                    match answer {
                        Ok(response) => {
                            let status = response.status();
                            machine.handle_response(session, response, SystemTime::now());
                            trace::answered(machine, &span, status);
                            session.report(machine, SystemTime::now).await;
                        }
                        Err(error) => {
                            machine.handle_transport_error(session, error, SystemTime::now());
                            trace::failed(machine, &span);
                        }
                    }
                }
                Action::Wait(wait) if wait.reason == WaitReason::Reservation => {
                    session.reserve(machine, SystemTime::now).await;
                }
                Action::Wait(wait) => {
                    trace::waiting(machine, wait, SystemTime::now());
                    sleep_until(wait.until).await;
                }
                Action::Output(output) => return output,
            }
        }
    }

    /// A fresh nonce from the batch.
    fn nonce(&self) -> Result<String, CallError> {
        let mut nonces = self
            .inner
            .nonces
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        nonces
            .next_nonce()
            .map_err(|e| CallError::Randomness(Box::new(e)))
    }
}

async fn sleep_until(until: SystemTime) {
    if let Ok(wait) = until.duration_since(SystemTime::now()) {
        tokio::time::sleep(wait).await;
    }
}
