//! The table itself: one row per endpoint, with X's documented facts.

use http::Method;

use super::{
    ApiVersion, AuthMode, AuthModes, DailyBucket, Endpoint, EndpointId, PageSize, Pagination,
    WindowLimits,
};

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

/// A GET with no daily cap and no alternate method; the steps below add the rest.
const fn get(
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
        classic_window: window,
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

/// The steps a row may add after its constructor.
impl Endpoint {
    const fn paged(mut self, pagination: Pagination, page_size: Option<PageSize>) -> Endpoint {
        self.pagination = pagination;
        self.page_size = page_size;
        self
    }

    const fn batched(mut self, max_batch: u32) -> Endpoint {
        self.max_batch = Some(max_batch);
        self
    }

    const fn capped(mut self, result_cap: u32) -> Endpoint {
        self.result_cap = Some(result_cap);
        self
    }

    /// The 15-minute limits of [`LimitsProfile::Classic2021`](super::LimitsProfile), where
    /// they differ from today's.
    const fn classic(mut self, classic_window: WindowLimits) -> Endpoint {
        self.classic_window = classic_window;
        self
    }
}

const V1: ApiVersion = ApiVersion::V1;
const V2: ApiVersion = ApiVersion::V2;

/// Calls `$callback!` with every in-scope endpoint, each written once, in table order:
///
/// ```text
/// /// doc of the id
/// Id = "name", v1::RequestType,
///     constructor(path, version, auth, window, summary...) .step(...) ...;
/// ```
///
/// Limits: the `window(user, app)` of a row is X's current figure; a row whose 2021 figure
/// differs adds `.classic(window(..))`. Each row's comment names the source and its date:
/// "4.5" is X's rate-limit table (docs.x.com `x-api/fundamentals/rate-limits`, unchanged since
/// 2026-01-16), "3.1" the v1.1 docs with real headers of 2019–2022, "3.3" the pre-tier v2 API
/// reference pages with real headers of 2021–2022 (sections of API-FACTS.md).
///
/// The id is the [`EndpointId`] variant, the name its stable serialized form, the request type
/// the one whose [`ApiRequest::ENDPOINT`](crate::request::ApiRequest::ENDPOINT) it is (under
/// `crate::request`), and the row, a constructor call with the id left out and then steps, is
/// the table entry: a constructor above (`get`, `entry`, `write`) fills in the id. Everything
/// keyed by endpoint is generated from this list (the enum, [`EndpointId::ALL`],
/// [`EndpointId::name`], the table, [`EndpointId::visit`]), so an endpoint added here is added
/// everywhere, and a consumer that cannot handle it fails to compile.
macro_rules! for_each_endpoint {
    ($callback:ident) => {
        $callback! {
            /// `GET /1.1/followers/ids.json`
            // Limits: 15/15 per user/app, API-FACTS 3.1 (v1.1 docs; real headers 2019–2022); unchanged in 2026 (4.6: legacy).
            FollowersIds = "followers_ids", v1::FollowersIds,
                get("/1.1/followers/ids.json", V1, ANY_V1, window(Some(15), Some(15)),
                    "Ids of the users following a user, up to 5,000 a page.")
                .paged(Cursor, Some(count(5_000, 5_000)));
            /// `GET /1.1/followers/list.json`
            // Limits: 15/15, API-FACTS 3.1 (v1.1 docs; real headers 2019–2022).
            FollowersList = "followers_list", v1::FollowersList,
                get("/1.1/followers/list.json", V1, ANY_V1, window(Some(15), Some(15)),
                    "User objects of the users following a user, up to 200 a page.")
                .paged(Cursor, Some(count(200, 20)));
            /// `GET /1.1/friends/ids.json`
            // Limits: 15/15, API-FACTS 3.1 (v1.1 docs; real headers 2019–2022).
            FriendsIds = "friends_ids", v1::FriendsIds,
                get("/1.1/friends/ids.json", V1, ANY_V1, window(Some(15), Some(15)),
                    "Ids of the users a user follows, up to 5,000 a page.")
                .paged(Cursor, Some(count(5_000, 5_000)));
            /// `GET /1.1/friends/list.json`
            // Limits: 15/15, API-FACTS 3.1 (v1.1 docs; real headers 2019–2022).
            FriendsList = "friends_list", v1::FriendsList,
                get("/1.1/friends/list.json", V1, ANY_V1, window(Some(15), Some(15)),
                    "User objects of the users a user follows, up to 200 a page.")
                .paged(Cursor, Some(count(200, 20)));
            /// `GET /1.1/friendships/incoming.json`
            // Limits: 15 per user, API-FACTS 3.1 (v1.1 docs).
            FriendshipsIncoming = "friendships_incoming", v1::FriendshipsIncoming,
                get("/1.1/friendships/incoming.json", V1, USER_ONLY_V1, window(Some(15), None),
                    "Ids of users asking to follow the authenticating user, 5,000 a page (no count).")
                .paged(Cursor, None);
            /// `GET /1.1/friendships/lookup.json`
            // Limits: 15 per user, API-FACTS 3.1 (v1.1 docs).
            FriendshipsLookup = "friendships_lookup", v1::FriendshipsLookup,
                get("/1.1/friendships/lookup.json", V1, USER_ONLY_V1, window(Some(15), None),
                    "The authenticating user's connections to up to 100 users.")
                .batched(100);
            /// `GET /1.1/friendships/no_retweets/ids.json`
            // Limits: 15 per user, API-FACTS 3.1 (real rate_limit_status, 2019).
            FriendshipsNoRetweetsIds = "friendships_no_retweets_ids", v1::FriendshipsNoRetweetsIds,
                get("/1.1/friendships/no_retweets/ids.json", V1, USER_ONLY_V1, window(Some(15), None),
                    "Ids of users whose retweets the authenticating user has turned off, as a bare array.");
            /// `GET /1.1/friendships/outgoing.json`
            // Limits: 15 per user, API-FACTS 3.1 (v1.1 docs).
            FriendshipsOutgoing = "friendships_outgoing", v1::FriendshipsOutgoing,
                get("/1.1/friendships/outgoing.json", V1, USER_ONLY_V1, window(Some(15), None),
                    "Ids of protected users the authenticating user asked to follow, 5,000 a page (no count).")
                .paged(Cursor, None);
            /// `GET /1.1/friendships/show.json`
            // Limits: 180 per user, 15 per app, API-FACTS 3.1 (v1.1 docs; real header 180).
            FriendshipsShow = "friendships_show", v1::FriendshipsShow,
                get("/1.1/friendships/show.json", V1, ANY_V1, window(Some(180), Some(15)),
                    "The relationship between two users.");
            /// `GET /1.1/users/lookup.json` (POST accepted too)
            // Limits: 900 per user, 300 per app, API-FACTS 3.1 (v1.1 docs; real header 900).
            UsersLookup = "users_lookup", v1::UsersLookup,
                entry(Method::GET, Some(Method::POST), "/1.1/users/lookup.json", V1, ANY_V1,
                    window(Some(900), Some(300)), "Up to 100 users by id or screen name.")
                .batched(100);
            /// `GET /1.1/users/search.json`
            // Limits: 900 per user, API-FACTS 3.1 (v1.1 docs; real header 900); deprecated 2023-09-28.
            UsersSearch = "users_search", v1::UsersSearch,
                get("/1.1/users/search.json", V1, USER_ONLY_V1, window(Some(900), None),
                    "Users matching a query, 20 a page; only the first 1,000 matches are available.")
                .paged(Page, Some(count(20, 20)))
                .capped(1_000);
            /// `GET /1.1/users/show.json`
            // Limits: 900/900, API-FACTS 3.1 (v1.1 docs; real header 900).
            UsersShow = "users_show", v1::UsersShow,
                get("/1.1/users/show.json", V1, ANY_V1, window(Some(900), Some(900)),
                    "One user by id or screen name.");
            /// `POST /1.1/friendships/create.json`
            // Limits: no 15-minute window; 400/24 h per user, 1,000 per app (DailyBucket), API-FACTS 3.1.
            FriendshipsCreate = "friendships_create", v1::FriendshipsCreate,
                write(Method::POST, "/1.1/friendships/create.json", V1, USER_ONLY_V1,
                    window(None, None), Some(DailyBucket::Follow),
                    "Follow a user, or ask to if the account is protected; returns the target user.");
            /// `POST /1.1/friendships/destroy.json`
            // Limits: no published window, API-FACTS 3.1; the unfollow cap (DailyBucket).
            FriendshipsDestroy = "friendships_destroy", v1::FriendshipsDestroy,
                write(Method::POST, "/1.1/friendships/destroy.json", V1, USER_ONLY_V1,
                    window(None, None), Some(DailyBucket::Unfollow),
                    "Unfollow a user; returns the target user.");
            /// `POST /1.1/friendships/update.json`
            // Limits: no published window, API-FACTS 3.1.
            FriendshipsUpdate = "friendships_update", v1::FriendshipsUpdate,
                write(Method::POST, "/1.1/friendships/update.json", V1, USER_ONLY_V1,
                    window(None, None), None,
                    "Turn device notifications or retweets from a followed user on or off.");
            /// `GET /2/users/:id/followers`
            // Limits: 300/300 per user/app, X rate-limit table 2026-01-16 (API-FACTS 4.5);
            // classic 15/15, v2 reference pages and real headers 2021–22 (API-FACTS 3.3).
            V2Followers = "v2_followers", v2::Followers,
                get("/2/users/:id/followers", V2, ANY_V2, window(Some(300), Some(300)),
                    "Users following a user, up to 1,000 a page.")
                .paged(Token, V2_FOLLOWS_PAGE)
                .classic(window(Some(15), Some(15)));
            /// `GET /2/users/:id/following`
            // Limits: 300/300 per user/app, X rate-limit table 2026-01-16 (API-FACTS 4.5);
            // classic 15/15, v2 reference pages and real headers 2021–22 (API-FACTS 3.3).
            V2Following = "v2_following", v2::Following,
                get("/2/users/:id/following", V2, ANY_V2, window(Some(300), Some(300)),
                    "Users a user follows, up to 1,000 a page.")
                .paged(Token, V2_FOLLOWS_PAGE)
                .classic(window(Some(15), Some(15)));
            /// `POST /2/users/:id/following`
            // Limits: 50 per user, X rate-limit table 2026-01-16 (API-FACTS 4.5); the same in 2021
            // (3.3, real header 50). Daily: the follow cap (DailyBucket).
            V2Follow = "v2_follow", v2::Follow,
                write(Method::POST, "/2/users/:id/following", V2, USER_ONLY_V2,
                    window(Some(50), None), Some(DailyBucket::Follow),
                    "Follow a user as the authenticated user :id (pending if the target is protected).");
            /// `DELETE /2/users/:source_user_id/following/:target_user_id`
            // Limits: 50 per user, X rate-limit table 2026-01-16 (API-FACTS 4.5); the same in 2021
            // (3.3, real header 50). Daily: the unfollow cap (DailyBucket).
            V2Unfollow = "v2_unfollow", v2::Unfollow,
                write(Method::DELETE, "/2/users/:source_user_id/following/:target_user_id", V2,
                    USER_ONLY_V2, window(Some(50), None), Some(DailyBucket::Unfollow),
                    "Unfollow a user as the authenticated user :source_user_id.");
            /// `GET /2/users`
            // Limits: 900 per user, 300 per app, X rate-limit table 2026-01-16 (API-FACTS 4.5); the
            // same in 2021 (3.3, real header 300).
            V2UsersByIds = "v2_users_by_ids", v2::UsersByIds,
                get("/2/users", V2, ANY_V2, window(Some(900), Some(300)), "Up to 100 users by id.")
                .batched(100);
            /// `GET /2/users/:id`
            // Limits: 900 per user, 300 per app, X rate-limit table 2026-01-16 (API-FACTS 4.5); same in 2021.
            V2UserById = "v2_user_by_id", v2::UserById,
                get("/2/users/:id", V2, ANY_V2, window(Some(900), Some(300)), "One user by id.");
            /// `GET /2/users/by`
            // Limits: 900 per user, 300 per app, X rate-limit table 2026-01-16 (API-FACTS 4.5); same in 2021.
            V2UsersByUsernames = "v2_users_by_usernames", v2::UsersByUsernames,
                get("/2/users/by", V2, ANY_V2, window(Some(900), Some(300)),
                    "Up to 100 users by username.")
                .batched(100);
            /// `GET /2/users/by/username/:username`
            // Limits: 900 per user, 300 per app, X rate-limit table 2026-01-16 (API-FACTS 4.5); same in 2021.
            V2UserByUsername = "v2_user_by_username", v2::UserByUsername,
                get("/2/users/by/username/:username", V2, ANY_V2, window(Some(900), Some(300)),
                    "One user by username.");
            /// `GET /2/users/me`
            // Limits: 75 per user, X rate-limit table 2026-01-16 (API-FACTS 4.5); the same in 2021 (3.3,
            // real header 75).
            V2Me = "v2_me", v2::Me,
                get("/2/users/me", V2, USER_ONLY_V2, window(Some(75), None),
                    "The authenticated user.");
            /// `GET /2/users/search`
            // Limits: 900 per user, X rate-limit table 2026-01-16 (API-FACTS 4.5). The table's
            // 300 per app is left out: the spec (4.1) refuses a bearer, so no app-only window
            // applies. Not in the 2021 tables (the endpoint came in 2023): the classic profile
            // keeps today's figure.
            V2UsersSearch = "v2_users_search", v2::UsersSearch,
                get("/2/users/search", V2, USER_ONLY_V2, window(Some(900), None),
                    "Users matching a query of 1 to 50 letters, digits, _, ' and spaces, up to 1,000 a page (paged by next_token).")
                .paged(Token, V2_FOLLOWS_PAGE);
            /// `GET /2/users/:id/affiliates`
            // Limits: not in X's rate-limit table (API-FACTS 4.2, docs' spec since 2026-01-29):
            // no documented window, in either profile; a server's headers tell.
            V2Affiliates = "v2_affiliates", v2::Affiliates,
                get("/2/users/:id/affiliates", V2, ANY_V2, window(None, None),
                    "Users affiliated with an organisation account, up to 1,000 a page (numeric pagination_token).")
                .paged(Token, V2_FOLLOWS_PAGE);
        }
    };
}

pub(super) use for_each_endpoint;

/// The table: each row's constructor called with its id, then its steps.
macro_rules! declare_table {
    ($(
        $(#[$doc:meta])*
        $id:ident = $name:literal, $($request:ident)::+,
            $constructor:ident($($args:tt)*) $(.$step:ident($($step_args:tt)*))*;
    )*) => {
        /// Every endpoint's entry, indexed by the id's discriminant.
        pub(super) static ENDPOINTS: [Endpoint; EndpointId::ALL.len()] = {
            use Pagination::{Cursor, Page, Token};
            [$(
                $constructor(EndpointId::$id, $($args)*) $(.$step($($step_args)*))*,
            )*]
        };
    };
}

for_each_endpoint!(declare_table);

// ENDPOINTS[i] describes the endpoint whose discriminant is i: this is what makes
// `descriptor` infallible. (Both are generated from one list; this says so where it matters.)
const _: () = {
    let mut i = 0;
    while i < ENDPOINTS.len() {
        assert!(ENDPOINTS[i].id as usize == i);
        assert!(EndpointId::ALL[i] as usize == i);
        i += 1;
    }
};
