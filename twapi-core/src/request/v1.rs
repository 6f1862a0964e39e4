//! v1.1 requests.
//!
//! ```
//! use twapi_core::request::v1::FollowersIds;
//! use twapi_core::{ScreenName, UserRef};
//!
//! let request = FollowersIds {
//!     count: Some(5000),
//!     stringify_ids: Some(true),
//!     ..FollowersIds::of(UserRef::ScreenName("TwitterDev".parse()?))
//! };
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use twapi_model::UserId;
use twapi_model::v1::{self as model, Cursor};

#[cfg(feature = "server")]
use super::server::{IncomingRequest, ServerRequest};
use super::{ApiRequest, Parts, check_page_size, max_batch};
use crate::endpoint::EndpointId;
use crate::error::ApiError;
use crate::name::{ScreenName, UserRef};
#[cfg(feature = "server")]
use crate::param::Incoming;
use crate::param::{Invalid, InvalidRequest, ParamValue, Params, Role, check_range};
use crate::reply::FollowOutcome;

impl ParamValue for Cursor {
    const EXPECTED: &'static str = "a cursor (a signed integer)";
    fn to_param(&self) -> String {
        self.get().to_string()
    }
    fn from_param(raw: &str) -> Option<Self> {
        i64::from_param(raw).map(Cursor::new)
    }
}

/// Users named all by id or all by screen name, as a lookup takes them (at most 100).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Users {
    /// `user_id=1,2,3`
    Ids(Vec<UserId>),
    /// `screen_name=a,b,c`
    ScreenNames(Vec<ScreenName>),
}

impl Users {
    fn write(&self, endpoint: EndpointId, out: &mut Params) -> Result<(), InvalidRequest> {
        match self {
            Self::Ids(ids) => out.list(Role::Subject.id_param(), ids, max_batch(endpoint)),
            Self::ScreenNames(names) => {
                out.list(Role::Subject.name_param(), names, max_batch(endpoint))
            }
        }
    }

    #[cfg(feature = "server")]
    fn read(endpoint: EndpointId, input: &Incoming<'_>) -> Result<Self, InvalidRequest> {
        let (id, name) = (Role::Subject.id_param(), Role::Subject.name_param());
        let max = max_batch(endpoint);
        match (input.list(id, max)?, input.list(name, max)?) {
            (Some(_), Some(_)) => Err(InvalidRequest::new(id, Invalid::Conflicts { with: name })),
            (Some(ids), None) => Ok(Self::Ids(ids)),
            (None, Some(names)) => Ok(Self::ScreenNames(names)),
            (None, None) => Err(InvalidRequest::new(id, Invalid::Missing)),
        }
    }
}

/// A cursored list of a user's followers or friends: whose, where to start, how many, and the
/// endpoint's own flags (each an optional boolean parameter named like the field).
macro_rules! cursored {
    (
        $(#[$doc:meta])* $name:ident, $endpoint:ident -> $output:ty, count: $count_doc:literal,
        { $( $(#[$fdoc:meta])* $field:ident ),* $(,)? }
    ) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub struct $name {
            /// Whose; `None` means the authenticating user.
            pub user: Option<UserRef>,
            /// Where to start; `None` sends no cursor, which X treats as `-1`, the first page.
            pub cursor: Option<Cursor>,
            #[doc = $count_doc]
            pub count: Option<u32>,
            $( $(#[$fdoc])* pub $field: Option<bool>, )*
        }

        impl $name {
            /// The first page of `user`'s list, with X's defaults.
            pub fn of(user: UserRef) -> Self {
                Self { user: Some(user), cursor: None, count: None, $( $field: None, )* }
            }
        }

        impl ApiRequest for $name {
            type Output = $output;
            const ENDPOINT: EndpointId = EndpointId::$endpoint;

            fn write(&self, out: &mut Parts) -> Result<(), InvalidRequest> {
                check_page_size(Self::ENDPOINT, self.count)?;
                let p = &mut out.params;
                if let Some(user) = &self.user {
                    p.user(Role::Subject, user);
                }
                p.opt("cursor", self.cursor.as_ref());
                p.opt("count", self.count.as_ref());
                $( p.opt(stringify!($field), self.$field.as_ref()); )*
                Ok(())
            }
        }

        #[cfg(feature = "server")]
        impl ServerRequest for $name {
            fn read(incoming: &IncomingRequest<'_>) -> Result<Self, InvalidRequest> {
                let p = &incoming.params;
                let request = Self {
                    user: p.user(Role::Subject)?,
                    cursor: p.get("cursor")?,
                    count: p.get("count")?,
                    $( $field: p.get(stringify!($field))?, )*
                };
                check_page_size(Self::ENDPOINT, request.count)?;
                Ok(request)
            }
        }
    };
}

cursored!(
    /// `GET followers/ids`: ids of a user's followers, newest first, up to 5,000 a page.
    FollowersIds, FollowersIds -> model::IdPage, count: "Ids per page, 1 to 5,000.",
    {
        /// Ids as strings (`stringify_ids=true`), for readers that lose precision above 2^53.
        stringify_ids,
    }
);
cursored!(
    /// `GET friends/ids`: ids of the accounts a user follows, up to 5,000 a page.
    FriendsIds, FriendsIds -> model::IdPage, count: "Ids per page, 1 to 5,000.",
    {
        /// Ids as strings (`stringify_ids=true`), for readers that lose precision above 2^53.
        stringify_ids,
    }
);
cursored!(
    /// `GET followers/list`: a user's followers as full user objects, up to 200 a page.
    FollowersList, FollowersList -> model::UserPage,
    count: "Users per page, 1 to 200 (X's default is 20).",
    {
        /// Leave out each user's latest tweet.
        skip_status,
        /// Include each user's `entities`.
        include_user_entities,
    }
);
cursored!(
    /// `GET friends/list`: the accounts a user follows as full user objects, up to 200 a page.
    FriendsList, FriendsList -> model::UserPage,
    count: "Users per page, 1 to 200 (X's default is 20).",
    {
        /// Leave out each user's latest tweet.
        skip_status,
        /// Include each user's `entities`.
        include_user_entities,
    }
);

macro_rules! pending_ids {
    ($(#[$doc:meta])* $name:ident, $endpoint:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
        pub struct $name {
            /// Where to start; `None` is the first page.
            pub cursor: Option<Cursor>,
            /// Ids as strings.
            pub stringify_ids: Option<bool>,
        }

        impl ApiRequest for $name {
            type Output = model::IdPage;
            const ENDPOINT: EndpointId = EndpointId::$endpoint;

            fn write(&self, out: &mut Parts) -> Result<(), InvalidRequest> {
                out.params.opt("cursor", self.cursor.as_ref());
                out.params.opt("stringify_ids", self.stringify_ids.as_ref());
                Ok(())
            }
        }

        #[cfg(feature = "server")]
        impl ServerRequest for $name {
            fn read(incoming: &IncomingRequest<'_>) -> Result<Self, InvalidRequest> {
                Ok(Self {
                    cursor: incoming.params.get("cursor")?,
                    stringify_ids: incoming.params.get("stringify_ids")?,
                })
            }
        }

    };
}

pending_ids!(
    /// `GET friendships/incoming`: ids of users who asked to follow the (protected)
    /// authenticating user.
    FriendshipsIncoming,
    FriendshipsIncoming
);
pending_ids!(
    /// `GET friendships/outgoing`: ids of protected users the authenticating user asked to
    /// follow, still pending.
    FriendshipsOutgoing,
    FriendshipsOutgoing
);

/// `GET friendships/lookup`: the authenticating user's relationship to up to 100 users.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FriendshipsLookup {
    /// Whom.
    pub users: Users,
}

impl ApiRequest for FriendshipsLookup {
    type Output = Vec<model::Friendship>;
    const ENDPOINT: EndpointId = EndpointId::FriendshipsLookup;

    fn write(&self, out: &mut Parts) -> Result<(), InvalidRequest> {
        self.users.write(Self::ENDPOINT, &mut out.params)
    }
}

#[cfg(feature = "server")]
impl ServerRequest for FriendshipsLookup {
    fn read(incoming: &IncomingRequest<'_>) -> Result<Self, InvalidRequest> {
        Ok(Self {
            users: Users::read(Self::ENDPOINT, &incoming.params)?,
        })
    }
}

/// `GET friendships/no_retweets/ids`: ids of users whose retweets the authenticating user
/// has turned off.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct FriendshipsNoRetweetsIds {
    /// Ids as strings.
    pub stringify_ids: Option<bool>,
}

impl ApiRequest for FriendshipsNoRetweetsIds {
    type Output = model::NoRetweetIds;
    const ENDPOINT: EndpointId = EndpointId::FriendshipsNoRetweetsIds;

    fn write(&self, out: &mut Parts) -> Result<(), InvalidRequest> {
        out.params.opt("stringify_ids", self.stringify_ids.as_ref());
        Ok(())
    }
}

#[cfg(feature = "server")]
impl ServerRequest for FriendshipsNoRetweetsIds {
    fn read(incoming: &IncomingRequest<'_>) -> Result<Self, InvalidRequest> {
        Ok(Self {
            stringify_ids: incoming.params.get("stringify_ids")?,
        })
    }
}

/// `GET friendships/show`: the relationship between two users.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FriendshipsShow {
    /// The subject; `None` means the authenticating user.
    pub source: Option<UserRef>,
    /// The other user.
    pub target: UserRef,
}

impl ApiRequest for FriendshipsShow {
    type Output = model::RelationshipResponse;
    const ENDPOINT: EndpointId = EndpointId::FriendshipsShow;

    fn write(&self, out: &mut Parts) -> Result<(), InvalidRequest> {
        if let Some(source) = &self.source {
            out.params.user(Role::Source, source);
        }
        out.params.user(Role::Target, &self.target);
        Ok(())
    }
}

#[cfg(feature = "server")]
impl ServerRequest for FriendshipsShow {
    fn read(incoming: &IncomingRequest<'_>) -> Result<Self, InvalidRequest> {
        Ok(Self {
            source: incoming.params.user(Role::Source)?,
            target: incoming.params.require_user(Role::Target)?,
        })
    }
}

/// `GET users/lookup`: full user objects for up to 100 users (split longer lists with
/// [`crate::lookup::users_by_ids`] or [`crate::lookup::users_by_screen_names`]).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct UsersLookup {
    /// Whom.
    pub users: Users,
    /// Include each user's `entities`.
    pub include_entities: Option<bool>,
}

impl ApiRequest for UsersLookup {
    type Output = Vec<model::User>;
    const ENDPOINT: EndpointId = EndpointId::UsersLookup;

    fn write(&self, out: &mut Parts) -> Result<(), InvalidRequest> {
        self.users.write(Self::ENDPOINT, &mut out.params)?;
        out.params
            .opt("include_entities", self.include_entities.as_ref());
        Ok(())
    }
}

#[cfg(feature = "server")]
impl ServerRequest for UsersLookup {
    fn read(incoming: &IncomingRequest<'_>) -> Result<Self, InvalidRequest> {
        Ok(Self {
            users: Users::read(Self::ENDPOINT, &incoming.params)?,
            include_entities: incoming.params.get("include_entities")?,
        })
    }
}

/// `GET users/search`: users whose name or screen name matches `q`, 20 a page, only the
/// first 1,000 matches.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct UsersSearch {
    /// The query; not empty.
    pub q: String,
    /// The 1-based page.
    pub page: Option<u32>,
    /// Users per page, 1 to 20.
    pub count: Option<u32>,
    /// Include each user's `entities`.
    pub include_entities: Option<bool>,
}

impl UsersSearch {
    /// The first page of matches for `q`.
    pub fn new(q: impl Into<String>) -> Self {
        Self {
            q: q.into(),
            page: None,
            count: None,
            include_entities: None,
        }
    }

    /// Users per page and the most results X returns over all pages, from the table.
    pub(crate) fn page_geometry(&self) -> (u32, u32) {
        let desc = Self::ENDPOINT.descriptor();
        let per_page = self
            .count
            .or(desc.page_size.map(|s| s.default))
            .unwrap_or(20)
            .max(1);
        (per_page, desc.result_cap.unwrap_or(1_000))
    }

    fn check(&self) -> Result<(), InvalidRequest> {
        if self.q.trim().is_empty() {
            return Err(InvalidRequest::new("q", Invalid::Empty));
        }
        check_page_size(Self::ENDPOINT, self.count)?;
        if let Some(page) = self.page {
            let (per_page, cap) = self.page_geometry();
            // The last page that can hold any of the first `cap` results.
            check_range("page", page, 1, cap.div_ceil(per_page))?;
        }
        Ok(())
    }
}

impl ApiRequest for UsersSearch {
    type Output = Vec<model::User>;
    const ENDPOINT: EndpointId = EndpointId::UsersSearch;

    fn write(&self, out: &mut Parts) -> Result<(), InvalidRequest> {
        self.check()?;
        out.params.push("q", self.q.clone());
        out.params.opt("page", self.page.as_ref());
        out.params.opt("count", self.count.as_ref());
        out.params
            .opt("include_entities", self.include_entities.as_ref());
        Ok(())
    }
}

#[cfg(feature = "server")]
impl ServerRequest for UsersSearch {
    fn read(incoming: &IncomingRequest<'_>) -> Result<Self, InvalidRequest> {
        let p = &incoming.params;
        let request = Self {
            q: p.raw("q")?
                .ok_or_else(|| InvalidRequest::new("q", Invalid::Missing))?
                .to_owned(),
            page: p.get("page")?,
            count: p.get("count")?,
            include_entities: p.get("include_entities")?,
        };
        request.check()?;
        Ok(request)
    }
}

/// `GET users/show`: one user's full object.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct UsersShow {
    /// Whom.
    pub user: UserRef,
    /// Include the user's `entities`.
    pub include_entities: Option<bool>,
}

impl UsersShow {
    /// `user`'s object, with X's defaults.
    pub fn of(user: impl Into<UserRef>) -> Self {
        Self {
            user: user.into(),
            include_entities: None,
        }
    }
}

impl ApiRequest for UsersShow {
    type Output = model::User;
    const ENDPOINT: EndpointId = EndpointId::UsersShow;

    fn write(&self, out: &mut Parts) -> Result<(), InvalidRequest> {
        out.params.user(Role::Subject, &self.user);
        out.params
            .opt("include_entities", self.include_entities.as_ref());
        Ok(())
    }
}

#[cfg(feature = "server")]
impl ServerRequest for UsersShow {
    fn read(incoming: &IncomingRequest<'_>) -> Result<Self, InvalidRequest> {
        Ok(Self {
            user: incoming.params.require_user(Role::Subject)?,
            include_entities: incoming.params.get("include_entities")?,
        })
    }
}

/// `POST friendships/create`: follow a user (a protected one gets a pending request).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FriendshipsCreate {
    /// Whom to follow.
    pub user: UserRef,
    /// Also turn on notifications of the user's tweets.
    pub follow: Option<bool>,
}

impl FriendshipsCreate {
    /// Follow `user`.
    pub fn user(user: impl Into<UserRef>) -> Self {
        Self {
            user: user.into(),
            follow: None,
        }
    }
}

impl ApiRequest for FriendshipsCreate {
    type Output = FollowOutcome;
    const ENDPOINT: EndpointId = EndpointId::FriendshipsCreate;

    fn write(&self, out: &mut Parts) -> Result<(), InvalidRequest> {
        out.params.user(Role::Subject, &self.user);
        out.params.opt("follow", self.follow.as_ref());
        Ok(())
    }

    /// A 403 with code 160 ("You've already requested to follow user.") means the follow
    /// request already stands: an outcome, not a failure to follow. The code at any other
    /// status (a 5xx page that happens to carry it) stays an error: that is not the answer
    /// X documents.
    fn recover(error: &ApiError) -> Option<FollowOutcome> {
        let code = crate::ErrorCode::FollowAlreadyRequested;
        (error.has_code(code) && code.http_status() == Some(error.status()))
            .then_some(FollowOutcome::AlreadyRequested)
    }
}

#[cfg(feature = "server")]
impl ServerRequest for FriendshipsCreate {
    fn read(incoming: &IncomingRequest<'_>) -> Result<Self, InvalidRequest> {
        Ok(Self {
            user: incoming.params.require_user(Role::Subject)?,
            follow: incoming.params.get("follow")?,
        })
    }
}

/// `POST friendships/destroy`: unfollow a user (or withdraw a pending request).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FriendshipsDestroy {
    /// Whom to unfollow.
    pub user: UserRef,
}

impl ApiRequest for FriendshipsDestroy {
    type Output = model::User;
    const ENDPOINT: EndpointId = EndpointId::FriendshipsDestroy;

    fn write(&self, out: &mut Parts) -> Result<(), InvalidRequest> {
        out.params.user(Role::Subject, &self.user);
        Ok(())
    }
}

#[cfg(feature = "server")]
impl ServerRequest for FriendshipsDestroy {
    fn read(incoming: &IncomingRequest<'_>) -> Result<Self, InvalidRequest> {
        Ok(Self {
            user: incoming.params.require_user(Role::Subject)?,
        })
    }
}

/// `POST friendships/update`: turn notifications (`device`) or retweets on or off for a
/// followed user.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FriendshipsUpdate {
    /// Whom.
    pub user: UserRef,
    /// Notifications of the user's tweets.
    pub device: Option<bool>,
    /// The user's retweets in the timeline.
    pub retweets: Option<bool>,
}

impl ApiRequest for FriendshipsUpdate {
    type Output = model::RelationshipResponse;
    const ENDPOINT: EndpointId = EndpointId::FriendshipsUpdate;

    fn write(&self, out: &mut Parts) -> Result<(), InvalidRequest> {
        out.params.user(Role::Subject, &self.user);
        out.params.opt("device", self.device.as_ref());
        out.params.opt("retweets", self.retweets.as_ref());
        Ok(())
    }
}

#[cfg(feature = "server")]
impl ServerRequest for FriendshipsUpdate {
    fn read(incoming: &IncomingRequest<'_>) -> Result<Self, InvalidRequest> {
        Ok(Self {
            user: incoming.params.require_user(Role::Subject)?,
            device: incoming.params.get("device")?,
            retweets: incoming.params.get("retweets")?,
        })
    }
}
