//! Pagination as a state machine: ask it for the next request, send it, hand the reply back,
//! get the page's items. No I/O here; the state serializes, so a crawl resumes after a crash
//! with nothing lost and nothing fetched twice.
//!
//! Three kinds, one machine: v1.1 cursors (start at -1, stop at 0), v2 tokens (stop when
//! `meta.next_token` is absent; followers, following, affiliates, and `GET /2/users/search`,
//! which sends the token back as `next_token`) and `users/search` pages (1-based, stop at a short page or at
//! the 1,000-result cap).
//!
//! ```
//! use twapi_core::pager::Pager;
//! use twapi_core::request::v1::FollowersIds;
//! use twapi_core::UserRef;
//! use twapi_model::{UserId, v1};
//!
//! let mut pager = Pager::new(FollowersIds::of(UserRef::Id(UserId::new(12)))).with_limit(3);
//! let first = pager.next_request().unwrap();
//! assert_eq!(first.count, Some(3)); // asks for no more than it needs
//! let page: v1::IdPage = serde_json::from_str(
//!     r#"{"ids":[1,2],"next_cursor":77,"next_cursor_str":"77","previous_cursor":0,"previous_cursor_str":"0"}"#,
//! )?;
//! assert_eq!(pager.handle(page)?.len(), 2);
//! let state = serde_json::to_string(pager.state())?; // persist, crash, come back:
//! let pager = Pager::resume(FollowersIds::of(UserRef::Id(UserId::new(12))), serde_json::from_str(&state)?);
//! let second = pager.next_request().unwrap();
//! assert_eq!((second.cursor.map(|c| c.get()), second.count), (Some(77), Some(1)));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::fmt;

use serde::{Deserialize, Serialize};
use twapi_model::UserId;
use twapi_model::v1::{self, Cursor};
use twapi_model::v2::{self, PaginationToken};

use crate::cost::{Cost, Price};
use crate::request::ApiRequest;
use crate::request::v1::{
    FollowersIds, FollowersList, FriendsIds, FriendsList, FriendshipsIncoming, FriendshipsOutgoing,
    UsersSearch,
};
use crate::request::v2::{Affiliates, Followers, Following, UsersSearch as V2UsersSearch};

/// Where a walk stands: the position of the next page to fetch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Position {
    /// A v1.1 cursor.
    Cursor(i64),
    /// A v2 pagination token.
    Token(PaginationToken),
    /// A 1-based page number.
    Page(u32),
}

/// The serializable state of a walk.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct PagerState {
    /// The next page to fetch; `None` before the first.
    pub next: Option<Position>,
    /// Whether the walk has ended (last page seen, or the limit reached).
    pub done: bool,
    /// Items handed out so far.
    pub yielded: u64,
    /// Pages handled so far.
    pub pages: u64,
    /// The most items to hand out, if limited.
    pub limit: Option<u64>,
    /// The page the walk was sent to when its count of pages last reached a power of two. A
    /// server that leads the walk in a circle sends it there again (Brent's cycle detection):
    /// a circle of any length is caught within about twice its length plus the pages before
    /// it, in constant memory.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checkpoint: Option<Position>,
    /// The last pages the walk was sent to (at most [`RECENT_PAGES`]), newest last. A server
    /// that leads the walk back to one of them (A → B → A) is caught before the page is
    /// fetched a second time; longer circles are caught by `checkpoint`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub recent: Vec<Position>,
}

/// How many of the pages last fetched a walk remembers, to catch a short circle before it
/// fetches any page twice. Sixteen positions cost a few hundred bytes of saved state.
pub const RECENT_PAGES: usize = 16;

/// A reply that cannot continue the walk.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum PagerError {
    /// The server pointed at a page the walk was already sent to — the page just fetched,
    /// or an earlier one: it leads the walk in a circle, and following it would never end.
    /// The walk stops at the first page it can prove repeats: a circle through the last
    /// [`RECENT_PAGES`] pages before any page is fetched twice; a longer one within about
    /// twice its length (the pages fetched again meanwhile were handed out again).
    Stuck(Position),
    /// `handle` was called after the walk ended.
    Finished,
}

impl fmt::Display for PagerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Stuck(p) => write!(
                f,
                "the server leads the walk in a circle: its next page ({p:?}) was already fetched"
            ),
            Self::Finished => f.write_str("the walk has already ended"),
        }
    }
}

impl std::error::Error for PagerError {}

/// A request whose answer comes in pages.
pub trait Pageable: ApiRequest + Clone {
    /// What a page is a list of.
    type Item;

    /// This request at `position` (`None` = the first page), asking for at most `want` items
    /// where the endpoint lets a client say so.
    #[must_use]
    fn at(&self, position: Option<&Position>, want: Option<u32>) -> Self;

    /// For a request whose page size cannot be lowered (`users/search`'s, which page numbers
    /// depend on; `friendships/incoming`'s, which has no count), the most items one page can
    /// hold; `None` when [`Pageable::at`]'s `want` sets the page size. A walk's budget plans on
    /// this worst case.
    fn fixed_page_size(&self) -> Option<u32> {
        None
    }

    /// A page's items, and the position of the next page (`None` = this was the last).
    fn split(
        &self,
        output: Self::Output,
        position: Option<&Position>,
    ) -> (Vec<Self::Item>, Option<Position>);
}

/// What [`Pager::next_request_affordable`] says when the budget left cannot pay for the next
/// page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OverBudget;

/// Walks a [`Pageable`] request: [`Pager::next_request`] → send → [`Pager::handle`].
#[derive(Debug, Clone)]
pub struct Pager<R> {
    request: R,
    state: PagerState,
}

impl<R: Pageable> Pager<R> {
    /// A walk from the first page.
    pub fn new(request: R) -> Self {
        Self {
            request,
            state: PagerState::default(),
        }
    }

    /// Hands out at most `limit` items ("give me 3,000 followers"), asking each page for no
    /// more than is still wanted.
    #[must_use]
    pub fn with_limit(mut self, limit: u64) -> Self {
        self.state.limit = Some(limit);
        self.state.done |= limit <= self.state.yielded;
        self
    }

    /// Continues a walk from a saved state.
    pub fn resume(request: R, state: PagerState) -> Self {
        Self { request, state }
    }

    /// The state to persist.
    pub fn state(&self) -> &PagerState {
        &self.state
    }

    /// Whether the walk has ended.
    pub fn is_done(&self) -> bool {
        self.state.done
    }

    /// The request for the next page, or `None` when the walk has ended.
    pub fn next_request(&self) -> Option<R> {
        self.next_request_within(None)
    }

    /// The request for the next page, asking for at most `cap` items besides the limit (a
    /// budget that affords only part of a page), or `None` when the walk has ended.
    pub fn next_request_within(&self, cap: Option<u32>) -> Option<R> {
        if self.state.done {
            return None;
        }
        let want = self
            .state
            .limit
            .map(|l| u32::try_from(l.saturating_sub(self.state.yielded)).unwrap_or(u32::MAX));
        let want = match (want, cap) {
            (Some(w), Some(c)) => Some(w.min(c)),
            (w, c) => w.or(c),
        };
        Some(self.request.at(self.state.next.as_ref(), want))
    }

    /// The request for the next page that `left` pays for in the worst case (every item new
    /// today, at the endpoint's [`Price::unit`]; `owned` for a read of one's own list): a
    /// smaller page when only part of one fits, `Ok(None)` when the walk has ended, and
    /// [`OverBudget`] when not even one item fits (for a page whose size is fixed, not all of
    /// it). [`Walk::with_budget`](crate::session::Walk::with_budget) plans every page with it.
    pub fn next_request_affordable(&self, left: Cost, owned: bool) -> Result<Option<R>, OverBudget>
    where
        R: ApiRequest,
    {
        if self.is_done() {
            return Ok(None);
        }
        let price = R::ENDPOINT.price();
        match price {
            Price::PerResource { .. } => {
                let affordable = left.fits(price.unit(owned));
                if let Some(size) = self.request.fixed_page_size() {
                    return if affordable < u64::from(size) {
                        Err(OverBudget)
                    } else {
                        Ok(self.next_request())
                    };
                }
                if affordable == 0 {
                    return Err(OverBudget);
                }
                let max = R::ENDPOINT
                    .descriptor()
                    .page_size
                    .map_or(u32::MAX, |s| s.max);
                let cap = u32::try_from(affordable).unwrap_or(u32::MAX).min(max);
                Ok(self.next_request_within(Some(cap)))
            }
            Price::PerRequest(cost) if left < cost => Err(OverBudget),
            _ => Ok(self.next_request()),
        }
    }

    /// The request the walk would send next, as configured (page size and all), whatever
    /// position it stands at: to read its path and parameters.
    pub fn request(&self) -> &R {
        &self.request
    }

    /// Takes the reply to the last [`Pager::next_request`] and returns its items (cut at the
    /// limit). The state advances only here, so a reply that never arrives is simply asked
    /// for again.
    pub fn handle(&mut self, output: R::Output) -> Result<Vec<R::Item>, PagerError> {
        if self.state.done {
            return Err(PagerError::Finished);
        }
        let (mut items, next) = self.request.split(output, self.state.next.as_ref());
        if let Some(next) = &next
            && (self.state.next.as_ref() == Some(next)
                || self.state.checkpoint.as_ref() == Some(next)
                || self.state.recent.contains(next))
        {
            return Err(PagerError::Stuck(next.clone()));
        }
        if let Some(limit) = self.state.limit {
            let room =
                usize::try_from(limit.saturating_sub(self.state.yielded)).unwrap_or(usize::MAX);
            items.truncate(room);
        }
        self.state.yielded += items.len() as u64;
        self.state.pages += 1;
        self.state.done =
            next.is_none() || self.state.limit.is_some_and(|l| self.state.yielded >= l);
        if self.state.pages.is_power_of_two() {
            self.state.checkpoint.clone_from(&next);
        }
        if let Some(fetched) = std::mem::replace(&mut self.state.next, next) {
            if self.state.recent.len() == RECENT_PAGES {
                self.state.recent.remove(0);
            }
            self.state.recent.push(fetched);
        }
        Ok(items)
    }
}

/// The page size to ask for: what is still wanted, within the endpoint's bounds.
fn page_size<R: ApiRequest>(want: Option<u32>, asked: Option<u32>) -> Option<u32> {
    let size = R::ENDPOINT.descriptor().page_size?;
    match want {
        Some(want) => {
            let ceiling = asked.unwrap_or(size.max).min(size.max);
            Some(want.clamp(size.min, ceiling.max(size.min)))
        }
        None => asked,
    }
}

fn cursor_position(next: Cursor) -> Option<Position> {
    (!next.is_end()).then(|| Position::Cursor(next.get()))
}

macro_rules! cursored {
    ($request:ty, $item:ty, |$page:ident| $items:expr, $count:ident) => {
        impl Pageable for $request {
            type Item = $item;

            fn at(&self, position: Option<&Position>, want: Option<u32>) -> Self {
                let mut request = self.clone();
                if let Some(Position::Cursor(c)) = position {
                    request.cursor = Some(Cursor::new(*c));
                }
                cursored!(@count request, self, want, $count);
                request
            }

            cursored!(@fixed $count);

            fn split(&self, $page: Self::Output, _: Option<&Position>) -> (Vec<$item>, Option<Position>) {
                let next = $page.next_cursor;
                ($items, cursor_position(next))
            }
        }
    };
    (@count $request:ident, $self:ident, $want:ident, count) => {
        $request.count = page_size::<Self>($want, $self.count);
    };
    (@count $request:ident, $self:ident, $want:ident, none) => {
        let _ = $want;
    };
    (@fixed count) => {};
    (@fixed none) => {
        fn fixed_page_size(&self) -> Option<u32> {
            // No count parameter: X sends up to 5,000 ids a page.
            Some(5_000)
        }
    };
}

cursored!(FollowersIds, UserId, |page| page.ids, count);
cursored!(FriendsIds, UserId, |page| page.ids, count);
cursored!(FriendshipsIncoming, UserId, |page| page.ids, none);
cursored!(FriendshipsOutgoing, UserId, |page| page.ids, none);
cursored!(FollowersList, v1::User, |page| page.users, count);
cursored!(FriendsList, v1::User, |page| page.users, count);

macro_rules! tokened {
    ($request:ty) => {
        tokened!($request, pagination_token);
    };
    ($request:ty, $token:ident) => {
        impl Pageable for $request {
            type Item = v2::User;

            fn at(&self, position: Option<&Position>, want: Option<u32>) -> Self {
                let mut request = self.clone();
                if let Some(Position::Token(t)) = position {
                    request.$token = Some(t.clone());
                }
                request.max_results = page_size::<Self>(want, self.max_results);
                request
            }

            fn split(
                &self,
                page: Self::Output,
                _: Option<&Position>,
            ) -> (Vec<v2::User>, Option<Position>) {
                let next = page.meta.and_then(|m| m.next_token).map(Position::Token);
                (page.data.unwrap_or_default(), next)
            }
        }
    };
}

tokened!(Followers);
tokened!(Following);
tokened!(Affiliates);
// Search sends the token back as `next_token`, and its `meta` has no `result_count`.
tokened!(V2UsersSearch, next_token);

impl Pageable for UsersSearch {
    type Item = v1::User;

    fn at(&self, position: Option<&Position>, _want: Option<u32>) -> Self {
        // The page size stays fixed: page numbers only mean something at one size.
        let mut request = self.clone();
        if let Some(Position::Page(p)) = position {
            request.page = Some(*p);
        }
        request
    }

    fn fixed_page_size(&self) -> Option<u32> {
        Some(self.page_geometry().0)
    }

    fn split(
        &self,
        users: Vec<v1::User>,
        position: Option<&Position>,
    ) -> (Vec<v1::User>, Option<Position>) {
        let (per_page, cap) = self.page_geometry();
        let page = match position {
            Some(Position::Page(p)) => *p,
            _ => self.page.unwrap_or(1),
        };
        let full = u32::try_from(users.len()).is_ok_and(|n| n >= per_page);
        let next = page.saturating_add(1);
        let within_cap = u64::from(page) * u64::from(per_page) < u64::from(cap);
        let position = (full && within_cap).then_some(Position::Page(next));
        (users, position)
    }
}
