//! The endpoint table: every in-scope X API endpoint described once, as data.
//!
//! Request builders, the rate limiter, the pagers and the emulator all read this one table,
//! so a limit or a path is written in exactly one place. The numbers are X's documented
//! defaults (API-FACTS.md sections 2.2, 3.1 and 3.3); a server announces its real limits in
//! headers, and [`crate::rate_limit::Limiter`] lets those win.
//!
//! ```
//! use twapi_core::endpoint::{AuthMode, EndpointId, PathParam, PathParams};
//!
//! let follow = EndpointId::V2Follow.descriptor();
//! assert_eq!(follow.path, "/2/users/:id/following");
//! assert!(!follow.auth.contains(AuthMode::AppOnly));
//!
//! let path = follow.render_path(&PathParams::new().with(PathParam::Id, "783214"))?;
//! assert_eq!(path, "/2/users/783214/following");
//! let (id, params) = EndpointId::match_request(&http::Method::POST, &path).unwrap();
//! assert_eq!((id, params.user_id(PathParam::Id)), (EndpointId::V2Follow, Some(783214)));
//! # Ok::<(), twapi_core::endpoint::PathError>(())
//! ```

use std::fmt;

use http::Method;
use serde::{Deserialize, Serialize, Serializer};

/// Names one in-scope endpoint; [`EndpointId::descriptor`] gives everything known about it.
///
/// The id is the key the limiter, the pagers and the emulator agree on. It serializes as a
/// stable snake_case name (`"followers_ids"`, `"v2_follow"`), so persisted limiter state
/// survives reordering of this enum.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum EndpointId {
    /// `GET /1.1/followers/ids.json`
    FollowersIds,
    /// `GET /1.1/followers/list.json`
    FollowersList,
    /// `GET /1.1/friends/ids.json`
    FriendsIds,
    /// `GET /1.1/friends/list.json`
    FriendsList,
    /// `GET /1.1/friendships/incoming.json`
    FriendshipsIncoming,
    /// `GET /1.1/friendships/lookup.json`
    FriendshipsLookup,
    /// `GET /1.1/friendships/no_retweets/ids.json`
    FriendshipsNoRetweetsIds,
    /// `GET /1.1/friendships/outgoing.json`
    FriendshipsOutgoing,
    /// `GET /1.1/friendships/show.json`
    FriendshipsShow,
    /// `GET /1.1/users/lookup.json` (POST accepted too)
    UsersLookup,
    /// `GET /1.1/users/search.json`
    UsersSearch,
    /// `GET /1.1/users/show.json`
    UsersShow,
    /// `POST /1.1/friendships/create.json`
    FriendshipsCreate,
    /// `POST /1.1/friendships/destroy.json`
    FriendshipsDestroy,
    /// `POST /1.1/friendships/update.json`
    FriendshipsUpdate,
    /// `GET /2/users/:id/followers`
    V2Followers,
    /// `GET /2/users/:id/following`
    V2Following,
    /// `POST /2/users/:id/following`
    V2Follow,
    /// `DELETE /2/users/:source_user_id/following/:target_user_id`
    V2Unfollow,
    /// `GET /2/users`
    V2UsersByIds,
    /// `GET /2/users/:id`
    V2UserById,
    /// `GET /2/users/by`
    V2UsersByUsernames,
    /// `GET /2/users/by/username/:username`
    V2UserByUsername,
    /// `GET /2/users/me`
    V2Me,
}

impl EndpointId {
    /// Every endpoint, in table order: iterate this to serve, snapshot or check them all.
    pub const ALL: &'static [EndpointId] = &[
        Self::FollowersIds,
        Self::FollowersList,
        Self::FriendsIds,
        Self::FriendsList,
        Self::FriendshipsIncoming,
        Self::FriendshipsLookup,
        Self::FriendshipsNoRetweetsIds,
        Self::FriendshipsOutgoing,
        Self::FriendshipsShow,
        Self::UsersLookup,
        Self::UsersSearch,
        Self::UsersShow,
        Self::FriendshipsCreate,
        Self::FriendshipsDestroy,
        Self::FriendshipsUpdate,
        Self::V2Followers,
        Self::V2Following,
        Self::V2Follow,
        Self::V2Unfollow,
        Self::V2UsersByIds,
        Self::V2UserById,
        Self::V2UsersByUsernames,
        Self::V2UserByUsername,
        Self::V2Me,
    ];

    /// The table entry for this endpoint.
    pub fn descriptor(self) -> &'static Endpoint {
        // In bounds for every variant: the const assertion below ties TABLE's order and
        // length to the enum's discriminants.
        &ENDPOINTS[self as usize]
    }

    /// The stable snake_case name, as serialized (`"friendships_show"`); handy in logs.
    pub const fn name(self) -> &'static str {
        match self {
            Self::FollowersIds => "followers_ids",
            Self::FollowersList => "followers_list",
            Self::FriendsIds => "friends_ids",
            Self::FriendsList => "friends_list",
            Self::FriendshipsIncoming => "friendships_incoming",
            Self::FriendshipsLookup => "friendships_lookup",
            Self::FriendshipsNoRetweetsIds => "friendships_no_retweets_ids",
            Self::FriendshipsOutgoing => "friendships_outgoing",
            Self::FriendshipsShow => "friendships_show",
            Self::UsersLookup => "users_lookup",
            Self::UsersSearch => "users_search",
            Self::UsersShow => "users_show",
            Self::FriendshipsCreate => "friendships_create",
            Self::FriendshipsDestroy => "friendships_destroy",
            Self::FriendshipsUpdate => "friendships_update",
            Self::V2Followers => "v2_followers",
            Self::V2Following => "v2_following",
            Self::V2Follow => "v2_follow",
            Self::V2Unfollow => "v2_unfollow",
            Self::V2UsersByIds => "v2_users_by_ids",
            Self::V2UserById => "v2_user_by_id",
            Self::V2UsersByUsernames => "v2_users_by_usernames",
            Self::V2UserByUsername => "v2_user_by_username",
            Self::V2Me => "v2_me",
        }
    }

    /// Finds the endpoint a server received: `path` is the URI path only (no query string,
    /// not percent-decoded), `method` the request method.
    ///
    /// Path parameters are captured only when they have the documented shape (a user id is
    /// 1 to 19 digits, a username 1 to 15 of `A-Z a-z 0-9 _`), which is also what keeps
    /// `/2/users/me` and `/2/users/by` from being read as `/2/users/:id`. Nothing is
    /// allocated. `users/lookup` is matched for POST as well as GET, as X accepts both.
    ///
    /// ```
    /// use http::Method;
    /// use twapi_core::endpoint::{EndpointId, PathParam};
    ///
    /// let (id, params) =
    ///     EndpointId::match_request(&Method::DELETE, "/2/users/12/following/34").unwrap();
    /// assert_eq!(id, EndpointId::V2Unfollow);
    /// assert_eq!(params.get(PathParam::TargetUserId), Some("34"));
    /// assert!(EndpointId::match_request(&Method::GET, "/2/users/not-an-id").is_none());
    /// ```
    pub fn match_request<'p>(
        method: &Method,
        path: &'p str,
    ) -> Option<(EndpointId, PathParams<'p>)> {
        ENDPOINTS.iter().find_map(|endpoint| {
            let method_fits =
                endpoint.method == *method || endpoint.alternate_method.as_ref() == Some(method);
            if !method_fits {
                return None;
            }
            match_template(endpoint.path, path).map(|params| (endpoint.id, params))
        })
    }
}

impl fmt::Display for EndpointId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Everything the protocol says about one endpoint.
///
/// Instances live only in the static table (reach them with [`EndpointId::descriptor`]);
/// the struct is `#[non_exhaustive]` so new facts can be added without breaking readers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Endpoint {
    /// The endpoint's name.
    pub id: EndpointId,
    /// The documented HTTP method.
    #[serde(serialize_with = "serialize_method")]
    pub method: Method,
    /// A second method X accepts on the same path: `users/lookup` takes POST, which X
    /// recommends for long id lists because a form body has no URL length limit.
    #[serde(serialize_with = "serialize_optional_method")]
    pub alternate_method: Option<Method>,
    /// The path template exactly as X writes it, parameters as `:name`
    /// (`/2/users/:source_user_id/following/:target_user_id`).
    pub path: &'static str,
    /// v1.1 or v2: decides the error body shape and the pagination vocabulary.
    pub version: ApiVersion,
    /// The authentication modes X accepts here; others are refused by the server.
    pub auth: AuthModes,
    /// How a long result is walked.
    pub pagination: Pagination,
    /// The documented 15-minute limits per user and per app.
    pub window: WindowLimits,
    /// The 24-hour cap this endpoint draws from, shared across v1.1 and v2 where X shares it.
    pub daily: Option<DailyBucket>,
    /// The page-size parameter and its bounds, for endpoints that have one.
    pub page_size: Option<PageSize>,
    /// The most ids or names one request may carry (lookups).
    pub max_batch: Option<u32>,
    /// The most results X returns over all pages (`users/search` stops at 1,000).
    pub result_cap: Option<u32>,
    /// Whether sending the request twice has the same effect as sending it once, so a retry
    /// after an unknown outcome is safe.
    ///
    /// Reads are. So are this family's writes: X documents following an already followed
    /// (or already requested) user and unfollowing a user not followed as success with no
    /// action, and `friendships/update` sets flags to given values rather than toggling them.
    /// A repeated follow may still count again against the 24-hour follow cap.
    pub idempotent: bool,
    /// One line saying what the endpoint returns or does.
    pub summary: &'static str,
}

impl Endpoint {
    /// The path parameters the template names, in order (none for most endpoints).
    pub fn path_params(&self) -> impl Iterator<Item = PathParam> + use<> {
        let path = self.path;
        path.split('/')
            .filter_map(|segment| segment.strip_prefix(':'))
            .filter_map(PathParam::from_name)
    }

    /// Fills the path template from `params`, checking every value's shape so nothing in a
    /// path ever needs percent-encoding.
    ///
    /// Fails with a [`PathError`] naming the parameter when one is missing, has a shape X
    /// would never accept (a user id must be 1 to 19 digits, a username 1 to 15 of
    /// `A-Z a-z 0-9 _`), or is not used by this endpoint.
    ///
    /// ```
    /// use twapi_core::endpoint::{EndpointId, PathError, PathParam, PathParams};
    ///
    /// let by_name = EndpointId::V2UserByUsername.descriptor();
    /// let ok = PathParams::new().with(PathParam::Username, "TwitterDev");
    /// assert_eq!(by_name.render_path(&ok)?, "/2/users/by/username/TwitterDev");
    ///
    /// let bad = PathParams::new().with(PathParam::Username, "../admin");
    /// assert!(matches!(by_name.render_path(&bad), Err(PathError::Invalid { .. })));
    /// # Ok::<(), PathError>(())
    /// ```
    pub fn render_path(&self, params: &PathParams<'_>) -> Result<String, PathError> {
        let mut used = PathParams::new();
        let mut out = String::with_capacity(self.path.len() + 24);
        for (index, segment) in self.path.split('/').enumerate() {
            if index > 0 {
                out.push('/');
            }
            let Some(param) = segment.strip_prefix(':').and_then(PathParam::from_name) else {
                out.push_str(segment);
                continue;
            };
            let value = params.get(param).ok_or(PathError::Missing {
                endpoint: self.id,
                param,
            })?;
            if !param.accepts(value) {
                return Err(PathError::Invalid {
                    param,
                    value: excerpt(value),
                });
            }
            used = used.with(param, value);
            out.push_str(value);
        }
        if let Some((param, _)) = params.iter().find(|(param, _)| used.get(*param).is_none()) {
            return Err(PathError::Unexpected {
                endpoint: self.id,
                param,
            });
        }
        Ok(out)
    }
}

/// The API generation an endpoint belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum ApiVersion {
    /// The v1.1 REST API (`/1.1/...json`): `{"errors":[{"code","message"}]}` bodies, cursors.
    #[serde(rename = "v1.1")]
    V1,
    /// The v2 API (`/2/...`): `data`/`errors`/`meta` envelopes, problem objects, tokens.
    #[serde(rename = "v2")]
    V2,
}

/// One way of authenticating a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[non_exhaustive]
pub enum AuthMode {
    /// OAuth 1.0a user context: consumer key plus access token, HMAC-SHA1 signed.
    #[serde(rename = "oauth1_user")]
    OAuth1User,
    /// OAuth 2.0 app-only bearer token: no user, the app's own budget.
    #[serde(rename = "app_only")]
    AppOnly,
    /// OAuth 2.0 user context (Authorization Code with PKCE); v2 endpoints only.
    #[serde(rename = "oauth2_user")]
    OAuth2User,
}

impl AuthMode {
    /// Every mode, in a fixed order.
    pub const ALL: [AuthMode; 3] = [Self::OAuth1User, Self::AppOnly, Self::OAuth2User];

    /// Whether requests in this mode act for a user (and count against the user's limits)
    /// rather than for the app alone.
    pub const fn is_user_context(self) -> bool {
        !matches!(self, Self::AppOnly)
    }

    const fn bit(self) -> u8 {
        match self {
            Self::OAuth1User => 1,
            Self::AppOnly => 2,
            Self::OAuth2User => 4,
        }
    }
}

/// A small copyable set of [`AuthMode`]s: the modes an endpoint accepts.
///
/// ```
/// use twapi_core::endpoint::{AuthMode, AuthModes};
///
/// let user_only = AuthModes::EMPTY.with(AuthMode::OAuth1User).with(AuthMode::OAuth2User);
/// assert!(user_only.contains(AuthMode::OAuth2User));
/// assert!(!user_only.contains(AuthMode::AppOnly));
/// assert_eq!(user_only.iter().count(), 2);
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(from = "Vec<AuthMode>", into = "Vec<AuthMode>")]
pub struct AuthModes(u8);

impl AuthModes {
    /// No mode at all.
    pub const EMPTY: AuthModes = AuthModes(0);

    /// This set plus `mode`.
    #[must_use]
    pub const fn with(self, mode: AuthMode) -> AuthModes {
        AuthModes(self.0 | mode.bit())
    }

    /// Whether `mode` is in the set.
    pub const fn contains(self, mode: AuthMode) -> bool {
        self.0 & mode.bit() != 0
    }

    /// The modes in the set, in [`AuthMode::ALL`] order.
    pub fn iter(self) -> impl Iterator<Item = AuthMode> {
        AuthMode::ALL
            .into_iter()
            .filter(move |mode| self.contains(*mode))
    }
}

impl fmt::Debug for AuthModes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

impl From<Vec<AuthMode>> for AuthModes {
    fn from(modes: Vec<AuthMode>) -> Self {
        modes.into_iter().fold(AuthModes::EMPTY, AuthModes::with)
    }
}

impl From<AuthModes> for Vec<AuthMode> {
    fn from(modes: AuthModes) -> Self {
        modes.iter().collect()
    }
}

/// How an endpoint splits a long result into pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Pagination {
    /// v1.1 cursors: start at `cursor=-1`, follow `next_cursor`, stop at 0.
    Cursor,
    /// v2 tokens: send `pagination_token=<next_token>`, stop when `meta.next_token` is absent.
    Token,
    /// 1-based `page` numbers (`users/search`), stopping at the endpoint's result cap.
    Page,
    /// A single response holds the whole answer.
    None,
}

/// The documented number of requests per 15-minute window; `None` means X documents no
/// window for that context (either unlimited, or the context is refused, see
/// [`Endpoint::auth`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct WindowLimits {
    /// Requests per window made for one user (OAuth 1.0a or OAuth 2.0 user context).
    pub user: Option<u32>,
    /// Requests per window made with the app-only bearer token.
    pub app: Option<u32>,
}

impl WindowLimits {
    /// The limit that applies to a request made in user context or app-only.
    pub const fn for_context(self, user_context: bool) -> Option<u32> {
        if user_context { self.user } else { self.app }
    }
}

/// A 24-hour budget shared by the endpoints that name it.
///
/// Follows made through `friendships/create` and `POST /2/users/:id/following` draw from one
/// budget, and so do unfollows through `friendships/destroy` and the v2 DELETE: X counts the
/// action, not the API version, so the limiter must too.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum DailyBucket {
    /// Follows: 400 per user and 1,000 per app in 24 hours.
    Follow,
    /// Unfollows: 500 per app in 24 hours.
    Unfollow,
}

impl DailyBucket {
    /// Every bucket.
    pub const ALL: [DailyBucket; 2] = [Self::Follow, Self::Unfollow];

    /// The documented caps of this bucket.
    pub const fn caps(self) -> DailyCaps {
        match self {
            Self::Follow => DailyCaps {
                user: Some(400),
                app: Some(1_000),
            },
            Self::Unfollow => DailyCaps {
                user: None,
                app: Some(500),
            },
        }
    }
}

/// The documented 24-hour caps of a [`DailyBucket`]; `None` means no documented cap.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct DailyCaps {
    /// Actions per user per 24 hours.
    pub user: Option<u32>,
    /// Actions per app (all of its users together) per 24 hours.
    pub app: Option<u32>,
}

/// The parameter that sets how many items a page holds, and its documented bounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[non_exhaustive]
pub struct PageSize {
    /// The query parameter's name (`count` in v1.1, `max_results` in v2).
    pub param: &'static str,
    /// The smallest accepted value.
    pub min: u32,
    /// The largest accepted value.
    pub max: u32,
    /// What X uses when the parameter is omitted.
    pub default: u32,
}

impl PageSize {
    /// Whether `value` is within the documented bounds.
    pub const fn accepts(self, value: u32) -> bool {
        value >= self.min && value <= self.max
    }
}

/// A parameter that appears in a path template.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum PathParam {
    /// `:id`, a user id.
    Id,
    /// `:source_user_id`, the acting user's id.
    SourceUserId,
    /// `:target_user_id`, the other user's id.
    TargetUserId,
    /// `:username`, a username (screen name).
    Username,
}

impl PathParam {
    /// Every parameter.
    pub const ALL: [PathParam; 4] = [
        Self::Id,
        Self::SourceUserId,
        Self::TargetUserId,
        Self::Username,
    ];

    /// The name used in templates, without the colon.
    pub const fn name(self) -> &'static str {
        match self {
            Self::Id => "id",
            Self::SourceUserId => "source_user_id",
            Self::TargetUserId => "target_user_id",
            Self::Username => "username",
        }
    }

    /// Whether `value` has the shape X documents for this parameter: a user id is 1 to 19
    /// ASCII digits (`^[0-9]{1,19}$`, always within `u64`), a username 1 to 15 of
    /// `A-Z a-z 0-9 _`. Both are URL-safe as they stand.
    pub fn accepts(self, value: &str) -> bool {
        match self {
            Self::Id | Self::SourceUserId | Self::TargetUserId => {
                (1..=19).contains(&value.len()) && value.bytes().all(|b| b.is_ascii_digit())
            }
            Self::Username => {
                (1..=15).contains(&value.len())
                    && value
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'_')
            }
        }
    }

    fn from_name(name: &str) -> Option<PathParam> {
        Self::ALL.into_iter().find(|param| param.name() == name)
    }

    const fn slot(self) -> usize {
        match self {
            Self::Id => 0,
            Self::SourceUserId => 1,
            Self::TargetUserId => 2,
            Self::Username => 3,
        }
    }
}

impl fmt::Display for PathParam {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The values of a path's parameters, borrowed from the path or from the caller; `Copy` and
/// allocation-free.
///
/// ```
/// use twapi_core::endpoint::{PathParam, PathParams};
///
/// let params = PathParams::new().with(PathParam::SourceUserId, "12").with(PathParam::TargetUserId, "34");
/// assert_eq!(params.get(PathParam::SourceUserId), Some("12"));
/// assert_eq!(params.user_id(PathParam::TargetUserId), Some(34));
/// assert_eq!(params.get(PathParam::Username), None);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct PathParams<'a> {
    values: [Option<&'a str>; PathParam::ALL.len()],
}

impl<'a> PathParams<'a> {
    /// No parameters.
    pub const fn new() -> Self {
        PathParams {
            values: [None; PathParam::ALL.len()],
        }
    }

    /// These parameters with `param` set to `value` (replacing an earlier value).
    #[must_use]
    pub const fn with(mut self, param: PathParam, value: &'a str) -> Self {
        self.values[param.slot()] = Some(value);
        self
    }

    /// The value of `param`, if set.
    pub const fn get(&self, param: PathParam) -> Option<&'a str> {
        self.values[param.slot()]
    }

    /// The value of `param` as a user id, if set and all digits within `u64`.
    pub fn user_id(&self, param: PathParam) -> Option<u64> {
        self.get(param).and_then(|value| value.parse().ok())
    }

    /// The parameters that are set, in [`PathParam::ALL`] order.
    pub fn iter(&self) -> impl Iterator<Item = (PathParam, &'a str)> + use<'a> {
        let values = self.values;
        PathParam::ALL
            .into_iter()
            .filter_map(move |param| values[param.slot()].map(|value| (param, value)))
    }

    /// Whether no parameter is set.
    pub fn is_empty(&self) -> bool {
        self.values.iter().all(Option::is_none)
    }
}

/// Why a path could not be rendered from a template.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum PathError {
    /// The template needs a parameter that was not given.
    Missing {
        /// The endpoint being rendered.
        endpoint: EndpointId,
        /// The parameter it needs.
        param: PathParam,
    },
    /// A value has a shape X never accepts for the parameter (and might need escaping).
    Invalid {
        /// The parameter.
        param: PathParam,
        /// The offending value (at most 64 characters of it).
        value: String,
    },
    /// A parameter was given that the endpoint's template does not use.
    Unexpected {
        /// The endpoint being rendered.
        endpoint: EndpointId,
        /// The parameter it does not use.
        param: PathParam,
    },
}

impl fmt::Display for PathError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Missing { endpoint, param } => {
                write!(f, "path parameter `{param}` is required by {endpoint}")
            }
            Self::Invalid { param, value } => match param {
                PathParam::Username => write!(
                    f,
                    "path parameter `{param}` must be 1 to 15 letters, digits or underscores, got {value:?}"
                ),
                _ => write!(
                    f,
                    "path parameter `{param}` must be a user id of 1 to 19 digits, got {value:?}"
                ),
            },
            Self::Unexpected { endpoint, param } => {
                write!(f, "path parameter `{param}` is not used by {endpoint}")
            }
        }
    }
}

impl std::error::Error for PathError {}

fn excerpt(value: &str) -> String {
    value.chars().take(64).collect()
}

fn match_template<'p>(template: &str, path: &'p str) -> Option<PathParams<'p>> {
    let mut params = PathParams::new();
    let mut wanted = template.split('/');
    let mut given = path.split('/');
    loop {
        match (wanted.next(), given.next()) {
            (None, None) => return Some(params),
            (Some(want), Some(value)) => {
                match want.strip_prefix(':').and_then(PathParam::from_name) {
                    Some(param) if param.accepts(value) => params = params.with(param, value),
                    None if want == value => {}
                    _ => return None,
                }
            }
            _ => return None,
        }
    }
}

fn serialize_method<S: Serializer>(method: &Method, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(method.as_str())
}

#[expect(
    clippy::ref_option,
    reason = "serde's serialize_with passes a reference to the field"
)]
fn serialize_optional_method<S: Serializer>(
    method: &Option<Method>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match method {
        Some(method) => serializer.serialize_some(method.as_str()),
        None => serializer.serialize_none(),
    }
}

const USER_ONLY_V1: AuthModes = AuthModes::EMPTY.with(AuthMode::OAuth1User);
const ANY_V1: AuthModes = USER_ONLY_V1.with(AuthMode::AppOnly);
const USER_ONLY_V2: AuthModes = USER_ONLY_V1.with(AuthMode::OAuth2User);
const ANY_V2: AuthModes = USER_ONLY_V2.with(AuthMode::AppOnly);

const fn window(user: Option<u32>, app: Option<u32>) -> WindowLimits {
    WindowLimits { user, app }
}

const fn count(max: u32, default: u32) -> PageSize {
    PageSize {
        param: "count",
        min: 1,
        max,
        default,
    }
}

const V2_FOLLOWS_PAGE: Option<PageSize> = Some(PageSize {
    param: "max_results",
    min: 1,
    max: 1_000,
    default: 100,
});

/// A GET with no daily cap and no alternate method; the helpers below add the rest.
const fn read(
    id: EndpointId,
    path: &'static str,
    version: ApiVersion,
    auth: AuthModes,
    window: WindowLimits,
    summary: &'static str,
) -> Endpoint {
    entry(id, Method::GET, None, path, version, auth, window, summary)
}

// `Method` has drop glue, so const code may not overwrite one: every method is set here, once.
#[expect(
    clippy::too_many_arguments,
    reason = "one row of the table, named at the call sites"
)]
const fn entry(
    id: EndpointId,
    method: Method,
    alternate_method: Option<Method>,
    path: &'static str,
    version: ApiVersion,
    auth: AuthModes,
    window: WindowLimits,
    summary: &'static str,
) -> Endpoint {
    Endpoint {
        id,
        method,
        alternate_method,
        path,
        version,
        auth,
        pagination: Pagination::None,
        window,
        daily: None,
        page_size: None,
        max_batch: None,
        result_cap: None,
        idempotent: true,
        summary,
    }
}

/// A write, idempotent as X documents it (see [`Endpoint::idempotent`]).
#[expect(
    clippy::too_many_arguments,
    reason = "one row of the table, named at the call sites"
)]
const fn write(
    id: EndpointId,
    method: Method,
    path: &'static str,
    version: ApiVersion,
    auth: AuthModes,
    window: WindowLimits,
    daily: Option<DailyBucket>,
    summary: &'static str,
) -> Endpoint {
    let mut endpoint = entry(id, method, None, path, version, auth, window, summary);
    endpoint.daily = daily;
    endpoint
}

const fn paged(
    mut endpoint: Endpoint,
    pagination: Pagination,
    page_size: Option<PageSize>,
) -> Endpoint {
    endpoint.pagination = pagination;
    endpoint.page_size = page_size;
    endpoint
}

const fn batched(mut endpoint: Endpoint, max_batch: u32) -> Endpoint {
    endpoint.max_batch = Some(max_batch);
    endpoint
}

const V1: ApiVersion = ApiVersion::V1;
const V2: ApiVersion = ApiVersion::V2;

const TABLE: [Endpoint; 24] = {
    use EndpointId as E;
    use Pagination::{Cursor, Page, Token};
    [
        paged(
            read(
                E::FollowersIds,
                "/1.1/followers/ids.json",
                V1,
                ANY_V1,
                window(Some(15), Some(15)),
                "Ids of the users following a user, up to 5,000 a page.",
            ),
            Cursor,
            Some(count(5_000, 5_000)),
        ),
        paged(
            read(
                E::FollowersList,
                "/1.1/followers/list.json",
                V1,
                ANY_V1,
                window(Some(15), Some(15)),
                "User objects of the users following a user, up to 200 a page.",
            ),
            Cursor,
            Some(count(200, 20)),
        ),
        paged(
            read(
                E::FriendsIds,
                "/1.1/friends/ids.json",
                V1,
                ANY_V1,
                window(Some(15), Some(15)),
                "Ids of the users a user follows, up to 5,000 a page.",
            ),
            Cursor,
            Some(count(5_000, 5_000)),
        ),
        paged(
            read(
                E::FriendsList,
                "/1.1/friends/list.json",
                V1,
                ANY_V1,
                window(Some(15), Some(15)),
                "User objects of the users a user follows, up to 200 a page.",
            ),
            Cursor,
            Some(count(200, 20)),
        ),
        paged(
            read(
                E::FriendshipsIncoming,
                "/1.1/friendships/incoming.json",
                V1,
                USER_ONLY_V1,
                window(Some(15), None),
                "Ids of users asking to follow the authenticating user, 5,000 a page (no count).",
            ),
            Cursor,
            None,
        ),
        batched(
            read(
                E::FriendshipsLookup,
                "/1.1/friendships/lookup.json",
                V1,
                USER_ONLY_V1,
                window(Some(15), None),
                "The authenticating user's connections to up to 100 users.",
            ),
            100,
        ),
        read(
            E::FriendshipsNoRetweetsIds,
            "/1.1/friendships/no_retweets/ids.json",
            V1,
            USER_ONLY_V1,
            window(Some(15), None),
            "Ids of users whose retweets the authenticating user has turned off, as a bare array.",
        ),
        paged(
            read(
                E::FriendshipsOutgoing,
                "/1.1/friendships/outgoing.json",
                V1,
                USER_ONLY_V1,
                window(Some(15), None),
                "Ids of protected users the authenticating user asked to follow, 5,000 a page (no count).",
            ),
            Cursor,
            None,
        ),
        read(
            E::FriendshipsShow,
            "/1.1/friendships/show.json",
            V1,
            ANY_V1,
            window(Some(180), Some(15)),
            "The relationship between two users.",
        ),
        batched(
            entry(
                E::UsersLookup,
                Method::GET,
                Some(Method::POST),
                "/1.1/users/lookup.json",
                V1,
                ANY_V1,
                window(Some(900), Some(300)),
                "Up to 100 users by id or screen name.",
            ),
            100,
        ),
        {
            let mut search = paged(
                read(
                    E::UsersSearch,
                    "/1.1/users/search.json",
                    V1,
                    USER_ONLY_V1,
                    window(Some(900), None),
                    "Users matching a query, 20 a page; only the first 1,000 matches are available.",
                ),
                Page,
                Some(count(20, 20)),
            );
            search.result_cap = Some(1_000);
            search
        },
        read(
            E::UsersShow,
            "/1.1/users/show.json",
            V1,
            ANY_V1,
            window(Some(900), Some(900)),
            "One user by id or screen name.",
        ),
        write(
            E::FriendshipsCreate,
            Method::POST,
            "/1.1/friendships/create.json",
            V1,
            USER_ONLY_V1,
            window(None, None),
            Some(DailyBucket::Follow),
            "Follow a user, or ask to if the account is protected; returns the target user.",
        ),
        write(
            E::FriendshipsDestroy,
            Method::POST,
            "/1.1/friendships/destroy.json",
            V1,
            USER_ONLY_V1,
            window(None, None),
            Some(DailyBucket::Unfollow),
            "Unfollow a user; returns the target user.",
        ),
        write(
            E::FriendshipsUpdate,
            Method::POST,
            "/1.1/friendships/update.json",
            V1,
            USER_ONLY_V1,
            window(None, None),
            None,
            "Turn device notifications or retweets from a followed user on or off.",
        ),
        paged(
            read(
                E::V2Followers,
                "/2/users/:id/followers",
                V2,
                ANY_V2,
                window(Some(15), Some(15)),
                "Users following a user, up to 1,000 a page.",
            ),
            Token,
            V2_FOLLOWS_PAGE,
        ),
        paged(
            read(
                E::V2Following,
                "/2/users/:id/following",
                V2,
                ANY_V2,
                window(Some(15), Some(15)),
                "Users a user follows, up to 1,000 a page.",
            ),
            Token,
            V2_FOLLOWS_PAGE,
        ),
        write(
            E::V2Follow,
            Method::POST,
            "/2/users/:id/following",
            V2,
            USER_ONLY_V2,
            window(Some(50), None),
            Some(DailyBucket::Follow),
            "Follow a user as the authenticated user :id (pending if the target is protected).",
        ),
        write(
            E::V2Unfollow,
            Method::DELETE,
            "/2/users/:source_user_id/following/:target_user_id",
            V2,
            USER_ONLY_V2,
            window(Some(50), None),
            Some(DailyBucket::Unfollow),
            "Unfollow a user as the authenticated user :source_user_id.",
        ),
        batched(
            read(
                E::V2UsersByIds,
                "/2/users",
                V2,
                ANY_V2,
                window(Some(900), Some(300)),
                "Up to 100 users by id.",
            ),
            100,
        ),
        read(
            E::V2UserById,
            "/2/users/:id",
            V2,
            ANY_V2,
            window(Some(900), Some(300)),
            "One user by id.",
        ),
        batched(
            read(
                E::V2UsersByUsernames,
                "/2/users/by",
                V2,
                ANY_V2,
                window(Some(900), Some(300)),
                "Up to 100 users by username.",
            ),
            100,
        ),
        read(
            E::V2UserByUsername,
            "/2/users/by/username/:username",
            V2,
            ANY_V2,
            window(Some(900), Some(300)),
            "One user by username.",
        ),
        read(
            E::V2Me,
            "/2/users/me",
            V2,
            USER_ONLY_V2,
            window(Some(75), None),
            "The authenticated user.",
        ),
    ]
};

// TABLE[i] describes the endpoint whose discriminant is i, and there is one entry per id:
// this is what makes `descriptor` infallible.
const _: () = {
    let table = &ENDPOINTS;
    assert!(table.len() == EndpointId::ALL.len());
    let mut i = 0;
    while i < table.len() {
        assert!(table[i].id as usize == i);
        assert!(EndpointId::ALL[i] as usize == i);
        i += 1;
    }
};

static ENDPOINTS: [Endpoint; 24] = TABLE;
