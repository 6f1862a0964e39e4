//! The endpoint table: every in-scope X API endpoint described once, as data.
//!
//! Request builders, the rate limiter, the pagers and the emulator all read this one table,
//! so a limit or a path is written in exactly one place. The numbers are X's documented
//! defaults (API-FACTS.md sections 2.2, 3.1, 3.3, 4.1, 4.2 and 4.5; see [`LimitsProfile`] for
//! the two sets of 15-minute limits); a server announces its real limits in
//! headers, and [`crate::rate_limit::Limiter`] lets those win.
//!
//! Each endpoint is declared once, in one list: its id, its stable name, its request type and
//! its row of the table. [`EndpointId`], [`EndpointId::ALL`], [`EndpointId::name`], the table
//! behind [`EndpointId::descriptor`] and [`EndpointId::visit`] (from an id known at run time to
//! its [`ApiRequest`](crate::request::ApiRequest) type, see [`EndpointVisitor`]) are all
//! generated from it.
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

mod auth;
mod limits;
mod path;
mod table;
mod visit;

use std::fmt;

use http::Method;
use serde::{Deserialize, Serialize, Serializer};

pub use auth::{AuthMode, AuthModes};
pub use limits::{DailyBucket, DailyCaps, LimitsProfile, PageSize, WindowLimits};
pub use path::{PathError, PathParam, PathParams};
pub use visit::{EndpointVisitor, VisitEveryEndpoint, VisitRequest};

use path::match_template;
use table::ENDPOINTS;

/// The id enum, [`EndpointId::ALL`] and [`EndpointId::name`], from the one list.
macro_rules! declare_ids {
    ($(
        $(#[$doc:meta])*
        $id:ident = $name:literal, $($request:ident)::+,
            $constructor:ident($($args:tt)*) $(.$step:ident($($step_args:tt)*))*;
    )*) => {
        /// Names one in-scope endpoint; [`EndpointId::descriptor`] gives everything known about
        /// it, and [`EndpointId::visit`] its request type.
        ///
        /// The id is the key the limiter, the pagers and the emulator agree on. It serializes as
        /// a stable snake_case name (`"followers_ids"`, `"v2_follow"`), so persisted limiter
        /// state survives reordering of this enum.
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
        )]
        #[non_exhaustive]
        pub enum EndpointId {
            $(
                $(#[$doc])*
                #[serde(rename = $name)]
                $id,
            )*
        }

        impl EndpointId {
            /// Every endpoint, in table order: iterate this to serve, snapshot or check them all.
            pub const ALL: &'static [EndpointId] = &[$(Self::$id),*];

            /// The stable snake_case name, as serialized (`"friendships_show"`); handy in logs.
            pub const fn name(self) -> &'static str {
                match self {
                    $(Self::$id => $name,)*
                }
            }
        }

        // Each request type names, as its `ENDPOINT`, the id the list gives it.
        const _: () = {
            $(
                assert!(
                    <crate::request::$($request)::+ as crate::request::ApiRequest>::ENDPOINT
                        as usize
                        == EndpointId::$id as usize
                );
            )*
        };
    };
}

table::for_each_endpoint!(declare_ids);

impl EndpointId {
    /// The table entry for this endpoint.
    pub fn descriptor(self) -> &'static Endpoint {
        // In bounds for every variant: the table is generated from the same list as the enum,
        // in the same order (and a const assertion in `table` checks it).
        &ENDPOINTS[self as usize]
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

impl Endpoint {
    /// The documented 15-minute limits under `profile`.
    pub const fn window_for(&self, profile: LimitsProfile) -> WindowLimits {
        match profile {
            LimitsProfile::Current2026 => self.window,
            LimitsProfile::Classic2021 => self.classic_window,
        }
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
    /// The documented 15-minute limits per user and per app, as X documents them today
    /// ([`LimitsProfile::Current2026`]); [`Endpoint::window_for`] picks a profile.
    pub window: WindowLimits,
    /// The 15-minute limits of [`LimitsProfile::Classic2021`]: the same as `window` unless the
    /// row declares other classic figures.
    pub classic_window: WindowLimits,
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

/// How an endpoint splits a long result into pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Pagination {
    /// v1.1 cursors: start at `cursor=-1`, follow `next_cursor`, stop at 0.
    Cursor,
    /// v2 tokens: send `pagination_token=<next_token>` (`next_token=<next_token>` on
    /// `GET /2/users/search`), stop when `meta.next_token` is absent.
    Token,
    /// 1-based `page` numbers (`users/search`), stopping at the endpoint's result cap.
    Page,
    /// A single response holds the whole answer.
    None,
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
