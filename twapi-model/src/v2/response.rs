//! The v2 response envelope: `data`, `includes`, `errors`, `meta`.
//!
//! Every v2 success body has this shape; what varies is what `data` holds (one object, or a
//! list) and what `meta` says. An HTTP 200 need not carry `data`: an empty page omits it
//! (the spec gives `data` `minItems: 1`), and a lookup of missing ids answers with `errors`
//! only. A body with both `data` and `errors` is a success with partial errors.

use serde::{Deserialize, Serialize};

use crate::DecodeError;
use crate::object::wire_object;

use super::follow::{FollowResult, UnfollowResult};
use super::meta::{Meta, PaginationToken};
use super::problem::Problem;
use super::tweet::Tweet;
use super::user::User;

/// A v2 response body: the requested `data`, the objects it refers to (`includes`), problems
/// with parts of the request (`errors`), and `meta`.
///
/// `D` is what `data` holds ([`User`], `Vec<User>`, [`FollowResult`] …); `M` is the `meta`
/// object, [`Meta`] for the user lists.
///
/// ```
/// use twapi_model::v2::{ProblemKind, UserPage};
/// // A 200 that found none of the ids it was asked for.
/// let body = br#"{"errors":[{"value":"99","detail":"Could not find user with ids: [99].",
///   "title":"Not Found Error","resource_type":"user","parameter":"ids","resource_id":"99",
///   "type":"https://api.twitter.com/2/problems/resource-not-found"}]}"#;
/// let page: UserPage = twapi_model::decode(body)?;
/// assert!(page.data.is_none());
/// assert!(page.items().is_empty());
/// assert_eq!(page.errors[0].kind(), &ProblemKind::ResourceNotFound);
/// # Ok::<(), twapi_model::DecodeError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Response<D, M = Meta> {
    /// What was asked for; `None` when nothing was found or the page is empty.
    // No `default`: serde reads a missing `Option` as `None` anyway, and `default` would make
    // the derive require `D: Default`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data: Option<D>,
    /// The objects `data` refers to, when the request asked for `expansions`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub includes: Option<Includes>,
    /// Problems with parts of the request (ids not found, resources not authorised).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<Problem>,
    /// Counts and pagination tokens.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub meta: Option<M>,
}

impl<D, M> Response<D, M> {
    /// A body holding only `data`.
    pub fn new(data: D) -> Self {
        Self {
            data: Some(data),
            includes: None,
            errors: Vec::new(),
            meta: None,
        }
    }
}

impl<D, M> Default for Response<D, M> {
    /// An empty body: no data, no includes, no errors, no meta.
    fn default() -> Self {
        Self {
            data: None,
            includes: None,
            errors: Vec::new(),
            meta: None,
        }
    }
}

impl<T, M> Response<Vec<T>, M> {
    /// The page's items; empty when the page has no `data`.
    pub fn items(&self) -> &[T] {
        self.data.as_deref().unwrap_or_default()
    }

    /// The page's items, taken out; empty when the page has no `data`.
    pub fn into_items(self) -> Vec<T> {
        self.data.unwrap_or_default()
    }
}

impl<D> Response<D, Meta> {
    /// The token of the next page; `None` on the last page.
    pub fn next_token(&self) -> Option<&PaginationToken> {
        self.meta.as_ref()?.next_token.as_ref()
    }

    /// The token of the previous page; `None` on the first page.
    pub fn previous_token(&self) -> Option<&PaginationToken> {
        self.meta.as_ref()?.previous_token.as_ref()
    }
}

impl Response<Vec<User>, Meta> {
    /// Decodes a page of users (followers, following, lookups): the same result as
    /// [`twapi_model::decode::<UserPage>`](crate::decode()), errors included, in about half
    /// the time.
    ///
    /// A page of 1,000 users is what a crawler reads most, so it gets a reader of its own,
    /// which skips serde's per-field dispatch and hands anything unusual (an escape it does not
    /// decode, a repeated key, malformed JSON) back to serde. See the crate's tests for the
    /// proof that both agree.
    ///
    /// ```
    /// use twapi_model::v2::UserPage;
    /// let page = UserPage::decode(br#"{"data":[{"id":"12","name":"jack","username":"jack"}],"meta":{"result_count":1}}"#)?;
    /// assert_eq!(page.items()[0].id.get(), 12);
    /// let err = UserPage::decode(br#"{"data":[{"id":"1x","name":"a","username":"a"}]}"#).unwrap_err();
    /// assert_eq!(err.path(), "data[0].id");
    /// # Ok::<(), twapi_model::DecodeError>(())
    /// ```
    pub fn decode(bytes: &[u8]) -> Result<Self, DecodeError> {
        crate::reader::decode_with(bytes, super::page_reader::read_user_page)
    }
}

wire_object! {
    /// The objects that `data` refers to, expanded (`includes`).
    ///
    /// The user endpoints expand users (`affiliation.user_id`) and tweets (`pinned_tweet_id`,
    /// `most_recent_tweet_id`); media, places, polls and topics are ignored.
    #[derive(Debug, Clone, PartialEq, Default)]
    pub struct Includes expecting "the includes of a v2 response" in both vocabularies {
        /// Expanded users.
        pub users: Vec<User> = vec ["users"],
        /// Expanded tweets (`includes.tweets`; `includes.posts` in 2.167).
        pub tweets: Vec<Tweet> = vec ["tweets"],
    }
}

/// A list of users: `GET /2/users/:id/followers`, `/2/users/:id/following` (with `meta`),
/// `GET /2/users?ids=` and `/2/users/by?usernames=`.
pub type UserPage = Response<Vec<User>>;

/// One user: `GET /2/users/:id`, `/2/users/by/username/:username`, `/2/users/me`.
pub type UserResponse = Response<User>;

/// The answer to `POST /2/users/:id/following`.
pub type FollowResponse = Response<FollowResult>;

/// The answer to `DELETE /2/users/:source_user_id/following/:target_user_id`.
pub type UnfollowResponse = Response<UnfollowResult>;
