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

pub(super) static ENDPOINTS: [Endpoint; 24] = TABLE;
