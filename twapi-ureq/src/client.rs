//! The client: one loop around the session. It draws the clock and the nonces, moves the bytes,
//! sleeps when told, and logs; the session decides everything else.

use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::SystemTime;

use twapi_auth::system::NonceSource;
use twapi_core::pager::{Pageable, Pager, PagerState};
use twapi_core::request::v2::{Follow, Me, Unfollow};
use twapi_core::session::{
    Action, Call, CallError, Exchange, LimiterHandle, Page, Session, Walk, WalkEvent, trace,
};
use twapi_core::{ApiRequest, Reply};
use twapi_model::UserId;
use twapi_model::v2::{FollowResult, UnfollowResult, User};

use crate::transport::Transport;

/// A blocking X API client over one pool of connections; cheap to clone (clones share the
/// pool, the session, its limiter and the user's id).
///
/// Build it with [`ClientBuilder`](crate::ClientBuilder). Any typed request of
/// [`request`](crate::request) goes through [`Client::send`]; lists walk with
/// [`Client::pages`] and [`Client::items`].
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    session: Session,
    transport: Transport,
    /// Nonces drawn from the OS a batch at a time, not a system call per request.
    nonces: Mutex<NonceSource>,
}

impl fmt::Debug for Client {
    /// The session's settings, never the credentials.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("session", &self.inner.session)
            .finish_non_exhaustive()
    }
}

impl Client {
    pub(crate) fn new(session: Session, transport: Transport) -> Self {
        Self {
            inner: Arc::new(Inner {
                session,
                transport,
                nonces: Mutex::new(NonceSource::new()),
            }),
        }
    }

    /// The session: where requests go, the mode of the credentials, the user's id once known.
    pub fn session(&self) -> &Session {
        &self.inner.session
    }

    /// The rate limiter, to share with another client or to persist; `None` without one.
    pub fn limiter(&self) -> Option<&LimiterHandle> {
        self.inner.session.limiter()
    }

    /// Sends one typed request and decodes the answer, with every rule of the session: the
    /// limiter asked first (waiting with `wait_on_rate_limit`, `CallError::Throttled`
    /// otherwise), X's 429 waited out or returned the same way, transient failures retried as
    /// the retry policy says, and a request that breaks a documented rule refused before
    /// anything is sent.
    ///
    /// ```no_run
    /// use twapi_ureq::request::v1::UsersShow;
    /// use twapi_ureq::core::ScreenName;
    ///
    /// # fn run(client: twapi_ureq::Client) -> Result<(), Box<dyn std::error::Error>> {
    /// let reply = client.send(&UsersShow::of("XDevelopers".parse::<ScreenName>()?))?;
    /// let user = &reply.value; // all but the id are optional: X leaves fields out of some users
    /// println!("{} has {} followers", user.screen_name.as_deref().unwrap_or("?"), user.followers_count.unwrap_or(0));
    /// # Ok(())
    /// # }
    /// ```
    pub fn send<R>(&self, request: &R) -> Result<Reply<R::Output>, CallError>
    where
        R: ApiRequest + Clone,
    {
        self.run(&mut Call::new(request.clone()))
    }

    /// The pages of a list from its first, each with the state to resume from.
    pub fn pages<R>(&self, request: R) -> Pages<R>
    where
        R: Pageable,
    {
        self.pages_with(Pager::new(request))
    }

    /// The pages of a walk with a limit (`Pager::new(r).with_limit(n)`) or resumed from a
    /// saved state (`Pager::resume(r, state)`).
    pub fn pages_with<R>(&self, pager: Pager<R>) -> Pages<R>
    where
        R: Pageable,
    {
        self.walk(Walk::new(pager))
    }

    /// The pages of a [`Walk`]: one with a budget (`Walk::new(pager).with_budget(cost)` asks
    /// smaller pages as the budget runs low and ends with [`CallError::BudgetExhausted`]
    /// inside [`CallError::Interrupted`]).
    pub fn walk<R>(&self, walk: Walk<R>) -> Pages<R>
    where
        R: Pageable,
    {
        Pages {
            client: self.clone(),
            walk,
            done: false,
        }
    }

    /// The items of a list, one at a time, fetching pages as needed.
    pub fn items<R>(&self, request: R) -> Items<R>
    where
        R: Pageable,
    {
        self.items_with(Pager::new(request))
    }

    /// The items of a walk with a limit or resumed from a saved state.
    pub fn items_with<R>(&self, pager: Pager<R>) -> Items<R>
    where
        R: Pageable,
    {
        Items {
            pages: self.pages_with(pager),
            page: Vec::new().into_iter(),
        }
    }

    /// The authenticated user (`GET /2/users/me`); the session keeps the id.
    pub fn me(&self) -> Result<User, CallError> {
        Ok(self.send(&Me::default())?.into_data()?)
    }

    /// The authenticated user's id: the OAuth 1.0a access token's prefix, a fixed context, or
    /// one `GET /2/users/me` whose answer the session keeps.
    pub fn my_id(&self) -> Result<UserId, CallError> {
        match self.inner.session.user_id() {
            Some(id) => Ok(id),
            None => self.me().map(|user| user.id),
        }
    }

    /// Follows `target` (`POST /2/users/:id/following`) as the authenticated user, whose id
    /// the session finds out first if it must. A protected target gets a pending request:
    /// `pending_follow` is then `Some(true)` and `following` false.
    pub fn follow(&self, target: UserId) -> Result<FollowResult, CallError> {
        let mut follow = Call::for_me(move |me| Follow {
            source_user_id: me,
            target_user_id: target,
        });
        Ok(self.run(&mut follow)?.into_data()?)
    }

    /// Unfollows `target` (`DELETE /2/users/:source_user_id/following/:target_user_id`), or
    /// withdraws a pending request; succeeds when there was nothing to undo.
    pub fn unfollow(&self, target: UserId) -> Result<UnfollowResult, CallError> {
        let mut unfollow = Call::for_me(move |me| Unfollow {
            source_user_id: me,
            target_user_id: target,
        });
        Ok(self.run(&mut unfollow)?.into_data()?)
    }

    /// The loop: poll; send and hand the answer back; sleep; or hand the output out. A nonce
    /// that cannot be drawn ends the machine with `CallError::Randomness`.
    fn run<M: Exchange>(&self, machine: &mut M) -> M::Output {
        let session = &self.inner.session;
        loop {
            let nonce = self.inner.nonces.lock();
            let nonce = match nonce.unwrap_or_else(PoisonError::into_inner).next_nonce() {
                Ok(nonce) => nonce,
                Err(e) => return machine.abandon(CallError::Randomness(Box::new(e))),
            };
            match machine.poll(session, SystemTime::now(), &nonce) {
                Action::Send(request) => self.exchange(machine, request),
                Action::Wait(wait) => {
                    trace::waiting(machine, wait, SystemTime::now());
                    if let Ok(left) = wait.until.duration_since(SystemTime::now()) {
                        std::thread::sleep(left);
                    }
                }
                Action::Output(output) => return output,
            }
        }
    }

    /// One exchange in its `x_request` span (endpoint, attempt, status, remaining budget; never
    /// a header), its outcome handed to the machine.
    fn exchange<M: Exchange>(&self, machine: &mut M, request: http::Request<bytes::Bytes>) {
        let session = &self.inner.session;
        let span = trace::exchange_span(machine);
        let answer = span.in_scope(|| self.inner.transport.exchange(request));
        match answer {
            Ok(response) => {
                let status = response.status();
                machine.handle_response(session, response, SystemTime::now());
                trace::answered(machine, &span, status);
            }
            Err(error) => {
                machine.handle_transport_error(session, error, SystemTime::now());
                trace::failed(machine, &span);
            }
        }
    }
}

/// The pages of a walk, as an iterator: each page with the state to resume from; a failure is
/// the last item, a [`CallError::Interrupted`] with the state to resume from.
///
/// Dropping it midway loses nothing: resume from the last page's state.
pub struct Pages<R: Pageable> {
    client: Client,
    walk: Walk<R>,
    done: bool,
}

impl<R: Pageable> fmt::Debug for Pages<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pages")
            .field("state", self.walk.state())
            .field("done", &self.done)
            .finish_non_exhaustive()
    }
}

impl<R> Pages<R>
where
    R: Pageable,
{
    /// Where the walk stands: the state after the last page handed out.
    pub fn state(&self) -> &PagerState {
        self.walk.state()
    }
}

impl<R> Iterator for Pages<R>
where
    R: Pageable,
{
    type Item = Result<Page<R::Item>, CallError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        match self.client.run(&mut self.walk) {
            WalkEvent::Page(page) => Some(Ok(page)),
            WalkEvent::Failed(error) => {
                self.done = true;
                Some(Err(error))
            }
            WalkEvent::End => {
                self.done = true;
                None
            }
        }
    }
}

impl<R> std::iter::FusedIterator for Pages<R> where R: Pageable {}

/// The items of a walk, one at a time; a failure is the last item, a
/// [`CallError::Interrupted`] with the state to resume from (every item before it was handed
/// out).
pub struct Items<R: Pageable> {
    pages: Pages<R>,
    page: std::vec::IntoIter<R::Item>,
}

impl<R: Pageable> fmt::Debug for Items<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Items")
            .field("pages", &self.pages)
            .field("left_in_page", &self.page.len())
            .finish()
    }
}

impl<R> Items<R>
where
    R: Pageable,
{
    /// Where the walk stands: the state after the last page fetched (resume from it once this
    /// page's items are used).
    pub fn state(&self) -> &PagerState {
        self.pages.state()
    }
}

impl<R> Iterator for Items<R>
where
    R: Pageable,
{
    type Item = Result<R::Item, CallError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(item) = self.page.next() {
                return Some(Ok(item));
            }
            match self.pages.next()? {
                Ok(page) => self.page = page.items.into_iter(),
                Err(error) => return Some(Err(error)),
            }
        }
    }
}

impl<R> std::iter::FusedIterator for Items<R> where R: Pageable {}
