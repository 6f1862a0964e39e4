//! v2 requests.
//!
//! ```
//! use twapi_core::fields::{Fields, UserField};
//! use twapi_core::request::v2::Followers;
//! use twapi_model::UserId;
//!
//! let request = Followers {
//!     max_results: Some(1000),
//!     fields: Fields::users([UserField::CreatedAt, UserField::PublicMetrics]),
//!     ..Followers::of(UserId::new(783_214))
//! };
//! ```

use twapi_model::UserId;
use twapi_model::v2::{self as model, PaginationToken};

#[cfg(feature = "server")]
use super::server::{IncomingRequest, ServerRequest};
use super::{ApiRequest, Parts, check_page_size, max_batch};
use crate::endpoint::{EndpointId, PathParam};
use crate::fields::Fields;
use crate::name::ScreenName;
use crate::param::{Invalid, InvalidRequest, ParamValue};

impl ParamValue for PaginationToken {
    const EXPECTED: &'static str = "a pagination token";
    fn to_param(&self) -> String {
        self.as_str().to_owned()
    }
    fn from_param(raw: &str) -> Option<Self> {
        (!raw.is_empty()).then(|| PaginationToken::new(raw))
    }
}

macro_rules! follows_lookup {
    ($(#[$doc:meta])* $name:ident, $endpoint:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub struct $name {
            /// Whose.
            pub id: UserId,
            /// Users per page, 1 to 1,000 (X's default is 100).
            pub max_results: Option<u32>,
            /// The page to fetch: a previous page's `meta.next_token`.
            pub pagination_token: Option<PaginationToken>,
            /// What to return of each user.
            pub fields: Fields,
        }

        impl $name {
            /// The first page of `id`'s list, with X's defaults.
            pub fn of(id: UserId) -> Self {
                Self { id, max_results: None, pagination_token: None, fields: Fields::default() }
            }
        }

        impl ApiRequest for $name {
            type Output = model::UserPage;
            const ENDPOINT: EndpointId = EndpointId::$endpoint;

            fn write(&self, out: &mut Parts) -> Result<(), InvalidRequest> {
                check_page_size(Self::ENDPOINT, self.max_results)?;
                out.path.push((PathParam::Id, self.id.to_string()));
                out.params.opt("max_results", self.max_results.as_ref());
                out.params.opt("pagination_token", self.pagination_token.as_ref());
                self.fields.write(&mut out.params)
            }
        }

        #[cfg(feature = "server")]
        impl ServerRequest for $name {
            fn read(incoming: &IncomingRequest<'_>) -> Result<Self, InvalidRequest> {
                let p = &incoming.params;
                let request = Self {
                    id: incoming.path_user_id(PathParam::Id)?,
                    max_results: p.get("max_results")?,
                    pagination_token: p.get("pagination_token")?,
                    fields: Fields::read(p)?,
                };
                check_page_size(Self::ENDPOINT, request.max_results)?;
                Ok(request)
            }
        }

    };
}

follows_lookup!(
    /// `GET /2/users/:id/followers`: a user's followers, up to 1,000 a page.
    Followers,
    V2Followers
);
follows_lookup!(
    /// `GET /2/users/:id/following`: the accounts a user follows, up to 1,000 a page.
    Following,
    V2Following
);

/// The JSON body of `POST /2/users/:id/following`.
#[derive(serde::Serialize, serde::Deserialize)]
struct FollowBody {
    target_user_id: UserId,
}

/// `POST /2/users/:id/following`: follow a user; `source_user_id` must be the
/// authenticating user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Follow {
    /// The authenticating user.
    pub source_user_id: UserId,
    /// Whom to follow.
    pub target_user_id: UserId,
}

impl ApiRequest for Follow {
    type Output = model::FollowResponse;
    const ENDPOINT: EndpointId = EndpointId::V2Follow;

    fn write(&self, out: &mut Parts) -> Result<(), InvalidRequest> {
        out.path
            .push((PathParam::Id, self.source_user_id.to_string()));
        let body = FollowBody {
            target_user_id: self.target_user_id,
        };
        // Serializing a struct of one id into a Vec cannot fail.
        out.json = Some(serde_json::to_vec(&body).unwrap_or_default());
        Ok(())
    }
}

#[cfg(feature = "server")]
impl ServerRequest for Follow {
    fn read(incoming: &IncomingRequest<'_>) -> Result<Self, InvalidRequest> {
        let body = incoming
            .json
            .ok_or_else(|| InvalidRequest::new("target_user_id", Invalid::Missing))?;
        let body: FollowBody = serde_json::from_slice(body).map_err(|e| {
            InvalidRequest::new(
                "target_user_id",
                Invalid::Malformed {
                    value: e.to_string(),
                    expected: "a JSON body {\"target_user_id\": \"<id>\"}",
                },
            )
        })?;
        Ok(Self {
            source_user_id: incoming.path_user_id(PathParam::Id)?,
            target_user_id: body.target_user_id,
        })
    }
}

/// `DELETE /2/users/:source_user_id/following/:target_user_id`: unfollow a user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Unfollow {
    /// The authenticating user.
    pub source_user_id: UserId,
    /// Whom to unfollow.
    pub target_user_id: UserId,
}

impl ApiRequest for Unfollow {
    type Output = model::UnfollowResponse;
    const ENDPOINT: EndpointId = EndpointId::V2Unfollow;

    fn write(&self, out: &mut Parts) -> Result<(), InvalidRequest> {
        out.path
            .push((PathParam::SourceUserId, self.source_user_id.to_string()));
        out.path
            .push((PathParam::TargetUserId, self.target_user_id.to_string()));
        Ok(())
    }
}

#[cfg(feature = "server")]
impl ServerRequest for Unfollow {
    fn read(incoming: &IncomingRequest<'_>) -> Result<Self, InvalidRequest> {
        Ok(Self {
            source_user_id: incoming.path_user_id(PathParam::SourceUserId)?,
            target_user_id: incoming.path_user_id(PathParam::TargetUserId)?,
        })
    }
}

/// `GET /2/users?ids=`: up to 100 users by id; missing ones come back as partial errors.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct UsersByIds {
    /// Whom, 1 to 100.
    pub ids: Vec<UserId>,
    /// What to return of each user.
    pub fields: Fields,
}

impl ApiRequest for UsersByIds {
    type Output = model::UserPage;
    const ENDPOINT: EndpointId = EndpointId::V2UsersByIds;

    fn write(&self, out: &mut Parts) -> Result<(), InvalidRequest> {
        out.params
            .list("ids", &self.ids, max_batch(Self::ENDPOINT))?;
        self.fields.write(&mut out.params)
    }
}

#[cfg(feature = "server")]
impl ServerRequest for UsersByIds {
    fn read(incoming: &IncomingRequest<'_>) -> Result<Self, InvalidRequest> {
        let p = &incoming.params;
        Ok(Self {
            ids: p
                .list("ids", max_batch(Self::ENDPOINT))?
                .ok_or_else(|| InvalidRequest::new("ids", Invalid::Missing))?,
            fields: Fields::read(p)?,
        })
    }
}

/// `GET /2/users/:id`: one user by id.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct UserById {
    /// Whom.
    pub id: UserId,
    /// What to return.
    pub fields: Fields,
}

impl ApiRequest for UserById {
    type Output = model::UserResponse;
    const ENDPOINT: EndpointId = EndpointId::V2UserById;

    fn write(&self, out: &mut Parts) -> Result<(), InvalidRequest> {
        out.path.push((PathParam::Id, self.id.to_string()));
        self.fields.write(&mut out.params)
    }
}

#[cfg(feature = "server")]
impl ServerRequest for UserById {
    fn read(incoming: &IncomingRequest<'_>) -> Result<Self, InvalidRequest> {
        Ok(Self {
            id: incoming.path_user_id(PathParam::Id)?,
            fields: Fields::read(&incoming.params)?,
        })
    }
}

/// `GET /2/users/by?usernames=`: up to 100 users by username.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct UsersByUsernames {
    /// Whom, 1 to 100.
    pub usernames: Vec<ScreenName>,
    /// What to return of each user.
    pub fields: Fields,
}

impl ApiRequest for UsersByUsernames {
    type Output = model::UserPage;
    const ENDPOINT: EndpointId = EndpointId::V2UsersByUsernames;

    fn write(&self, out: &mut Parts) -> Result<(), InvalidRequest> {
        out.params
            .list("usernames", &self.usernames, max_batch(Self::ENDPOINT))?;
        self.fields.write(&mut out.params)
    }
}

#[cfg(feature = "server")]
impl ServerRequest for UsersByUsernames {
    fn read(incoming: &IncomingRequest<'_>) -> Result<Self, InvalidRequest> {
        let p = &incoming.params;
        Ok(Self {
            usernames: p
                .list("usernames", max_batch(Self::ENDPOINT))?
                .ok_or_else(|| InvalidRequest::new("usernames", Invalid::Missing))?,
            fields: Fields::read(p)?,
        })
    }
}

/// `GET /2/users/by/username/:username`: one user by username.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct UserByUsername {
    /// Whom.
    pub username: ScreenName,
    /// What to return.
    pub fields: Fields,
}

impl ApiRequest for UserByUsername {
    type Output = model::UserResponse;
    const ENDPOINT: EndpointId = EndpointId::V2UserByUsername;

    fn write(&self, out: &mut Parts) -> Result<(), InvalidRequest> {
        out.path
            .push((PathParam::Username, self.username.as_str().to_owned()));
        self.fields.write(&mut out.params)
    }
}

#[cfg(feature = "server")]
impl ServerRequest for UserByUsername {
    fn read(incoming: &IncomingRequest<'_>) -> Result<Self, InvalidRequest> {
        let raw = incoming
            .path
            .get(PathParam::Username)
            .ok_or_else(|| InvalidRequest::new("username", Invalid::Missing))?;
        let username = ScreenName::from_param(raw).ok_or_else(|| {
            InvalidRequest::new(
                "username",
                Invalid::Malformed {
                    value: raw.to_owned(),
                    expected: ScreenName::EXPECTED,
                },
            )
        })?;
        Ok(Self {
            username,
            fields: Fields::read(&incoming.params)?,
        })
    }
}

/// `GET /2/users/me`: the authenticating user (user context only).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Me {
    /// What to return.
    pub fields: Fields,
}

impl ApiRequest for Me {
    type Output = model::UserResponse;
    const ENDPOINT: EndpointId = EndpointId::V2Me;

    fn write(&self, out: &mut Parts) -> Result<(), InvalidRequest> {
        self.fields.write(&mut out.params)
    }
}

#[cfg(feature = "server")]
impl ServerRequest for Me {
    fn read(incoming: &IncomingRequest<'_>) -> Result<Self, InvalidRequest> {
        Ok(Self {
            fields: Fields::read(&incoming.params)?,
        })
    }
}

/// The pattern X documents for `GET /2/users/search`'s `query`, as its 400 quotes it.
pub const SEARCH_QUERY_PATTERN: &str = "^[A-Za-z0-9_' ]{1,50}$";

/// The longest query `GET /2/users/search` accepts, in characters.
pub const SEARCH_QUERY_MAX: usize = 50;

/// Checks a search query against X's pattern `^[A-Za-z0-9_' ]{1,50}$`: 1 to 50 of ASCII
/// letters, digits, `_`, `'` and space.
fn check_search_query(query: &str) -> Result<(), InvalidRequest> {
    if query.is_empty() {
        return Err(InvalidRequest::new("query", Invalid::Empty));
    }
    let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '\'' | ' ');
    if query.len() > SEARCH_QUERY_MAX || !query.chars().all(allowed) {
        return Err(InvalidRequest::new(
            "query",
            Invalid::Malformed {
                value: query.chars().take(64).collect(),
                expected: SEARCH_QUERY_PATTERN,
            },
        ));
    }
    Ok(())
}

/// `GET /2/users/search`: users whose name or username matches a query, up to 1,000 a page;
/// user context only (OAuth 1.0a or OAuth 2.0 user), as X's spec says.
///
/// The query is 1 to 50 of `A-Z a-z 0-9 _ '` and space, checked before sending; the next page
/// is asked for with `next_token` (not `pagination_token`), and the answer's `meta` carries
/// no `result_count`.
///
/// ```
/// use twapi_core::request::v2::UsersSearch;
///
/// let request = UsersSearch { max_results: Some(10), ..UsersSearch::new("o'brien dev") };
/// assert_eq!(request.query, "o'brien dev");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct UsersSearch {
    /// What to look for: 1 to 50 of `A-Z a-z 0-9 _ '` and space.
    pub query: String,
    /// Users per page, 1 to 1,000 (X's default is 100).
    pub max_results: Option<u32>,
    /// The page to fetch: a previous page's `meta.next_token`, sent as `next_token`.
    pub next_token: Option<PaginationToken>,
    /// What to return of each user.
    pub fields: Fields,
}

impl UsersSearch {
    /// The first page of matches for `query`, with X's defaults.
    pub fn new(query: impl Into<String>) -> Self {
        Self {
            query: query.into(),
            max_results: None,
            next_token: None,
            fields: Fields::default(),
        }
    }
}

impl ApiRequest for UsersSearch {
    type Output = model::UserPage;
    const ENDPOINT: EndpointId = EndpointId::V2UsersSearch;

    fn write(&self, out: &mut Parts) -> Result<(), InvalidRequest> {
        check_search_query(&self.query)?;
        check_page_size(Self::ENDPOINT, self.max_results)?;
        out.params.push("query", self.query.clone());
        out.params.opt("max_results", self.max_results.as_ref());
        out.params.opt("next_token", self.next_token.as_ref());
        self.fields.write(&mut out.params)
    }
}

#[cfg(feature = "server")]
impl ServerRequest for UsersSearch {
    fn read(incoming: &IncomingRequest<'_>) -> Result<Self, InvalidRequest> {
        let p = &incoming.params;
        let request = Self {
            query: p
                .raw("query")?
                .ok_or_else(|| InvalidRequest::new("query", Invalid::Missing))?
                .to_owned(),
            max_results: p.get("max_results")?,
            next_token: p.get("next_token")?,
            fields: Fields::read(p)?,
        };
        check_search_query(&request.query)?;
        check_page_size(Self::ENDPOINT, request.max_results)?;
        Ok(request)
    }
}

/// The longest `pagination_token` of `GET /2/users/:id/affiliates`, in characters.
pub const AFFILIATES_TOKEN_MAX: usize = 19;

/// Checks an affiliates page token: X documents it as a 64-bit signed integer of at most 19
/// characters, unlike the opaque tokens of followers.
fn check_affiliates_token(token: Option<&PaginationToken>) -> Result<(), InvalidRequest> {
    let Some(token) = token else {
        return Ok(());
    };
    let raw = token.as_str();
    let numeric = raw.len() <= AFFILIATES_TOKEN_MAX && raw.parse::<i64>().is_ok();
    if numeric {
        Ok(())
    } else {
        Err(InvalidRequest::new(
            "pagination_token",
            Invalid::Malformed {
                value: raw.chars().take(64).collect(),
                expected: "a 64-bit signed integer of at most 19 characters",
            },
        ))
    }
}

/// `GET /2/users/:id/affiliates`: the users affiliated with an organisation account, up to
/// 1,000 a page. A user that is not an organisation has no affiliates: an empty page.
///
/// Its `pagination_token` is numeric (a 64-bit signed integer, at most 19 characters),
/// checked before sending.
///
/// ```
/// use twapi_core::request::v2::Affiliates;
/// use twapi_model::UserId;
/// use twapi_model::v2::PaginationToken;
///
/// let request = Affiliates {
///     pagination_token: Some(PaginationToken::new("1591208496391241728")),
///     ..Affiliates::of(UserId::new(783_214))
/// };
/// assert_eq!(request.max_results, None);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Affiliates {
    /// The organisation account.
    pub id: UserId,
    /// Users per page, 1 to 1,000 (X's default is 100).
    pub max_results: Option<u32>,
    /// The page to fetch: a previous page's `meta.next_token`, a 64-bit signed integer.
    pub pagination_token: Option<PaginationToken>,
    /// What to return of each user.
    pub fields: Fields,
}

impl Affiliates {
    /// The first page of `id`'s affiliates, with X's defaults.
    pub fn of(id: UserId) -> Self {
        Self {
            id,
            max_results: None,
            pagination_token: None,
            fields: Fields::default(),
        }
    }
}

impl ApiRequest for Affiliates {
    type Output = model::UserPage;
    const ENDPOINT: EndpointId = EndpointId::V2Affiliates;

    fn write(&self, out: &mut Parts) -> Result<(), InvalidRequest> {
        check_page_size(Self::ENDPOINT, self.max_results)?;
        check_affiliates_token(self.pagination_token.as_ref())?;
        out.path.push((PathParam::Id, self.id.to_string()));
        out.params.opt("max_results", self.max_results.as_ref());
        out.params
            .opt("pagination_token", self.pagination_token.as_ref());
        self.fields.write(&mut out.params)
    }
}

#[cfg(feature = "server")]
impl ServerRequest for Affiliates {
    fn read(incoming: &IncomingRequest<'_>) -> Result<Self, InvalidRequest> {
        let p = &incoming.params;
        let request = Self {
            id: incoming.path_user_id(PathParam::Id)?,
            max_results: p.get("max_results")?,
            pagination_token: p.get("pagination_token")?,
            fields: Fields::read(p)?,
        };
        check_page_size(Self::ENDPOINT, request.max_results)?;
        check_affiliates_token(request.pagination_token.as_ref())?;
        Ok(request)
    }
}
