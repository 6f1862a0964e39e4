//! Every builder either builds a request that a server reads back to the same parameters, or
//! refuses it with a validation error: writing and reading are one protocol.

use bytes::Bytes;
use proptest::prelude::*;
use twapi_auth::oauth1::Credentials;
use twapi_core::fields::{Expansion, Fields, TweetField, UserField};
use twapi_core::request::server::{IncomingRequest, ServerRequest};
use twapi_core::request::v1::{self, Users};
use twapi_core::request::v2;
use twapi_core::{Api, Auth, EndpointId, Error, ScreenName, Stamp, UserRef};
use twapi_model::UserId;
use twapi_model::v1::Cursor;
use twapi_model::v2::PaginationToken;

fn auth() -> Auth {
    Auth::oauth1(&Credentials::new("ck", "cs").with_token("1-at", "ats"))
}

/// Builds `request`, then reads it back as a server would; `None` when the builder refused.
fn round_trip<R: ServerRequest>(request: &R) -> Option<R> {
    let stamp = Stamp {
        timestamp: 1,
        nonce: "n",
    };
    let built: http::Request<Bytes> =
        match Api::new("http://127.0.0.1:9")
            .unwrap()
            .prepare(request, &auth(), stamp)
        {
            Ok(built) => built,
            Err(Error::Invalid(_)) => return None,
            Err(other) => {
                panic!("a builder failed with something other than a validation error: {other:?}")
            }
        };
    let (id, path) = EndpointId::match_request(built.method(), built.uri().path())
        .expect("a built request routes to its endpoint");
    assert_eq!(id, R::ENDPOINT);
    let incoming = IncomingRequest::from_http(path, &built).expect("a built request decodes");
    Some(R::read(&incoming).expect("a built request reads back"))
}

fn user_id() -> impl Strategy<Value = UserId> {
    prop_oneof![any::<u64>(), 0..1000u64].prop_map(UserId::new)
}

fn screen_name() -> impl Strategy<Value = ScreenName> {
    "[A-Za-z0-9_]{1,15}".prop_map(|s| s.parse().unwrap())
}

fn user_ref() -> impl Strategy<Value = UserRef> {
    prop_oneof![
        user_id().prop_map(UserRef::Id),
        screen_name().prop_map(UserRef::ScreenName)
    ]
}

fn count() -> impl Strategy<Value = Option<u32>> {
    prop_oneof![
        Just(None),
        (0..6000u32).prop_map(Some),
        any::<u32>().prop_map(Some)
    ]
}

fn cursor() -> impl Strategy<Value = Option<Cursor>> {
    proptest::option::of(any::<i64>().prop_map(Cursor::new))
}

fn flag() -> impl Strategy<Value = Option<bool>> {
    proptest::option::of(any::<bool>())
}

fn users() -> impl Strategy<Value = Users> {
    prop_oneof![
        proptest::collection::vec(user_id(), 0..110).prop_map(Users::Ids),
        proptest::collection::vec(screen_name(), 0..110).prop_map(Users::ScreenNames),
    ]
}

fn fields() -> impl Strategy<Value = Fields> {
    let user_field = prop_oneof![
        proptest::sample::select(UserField::ALL),
        "[a-z_.]{1,12}".prop_map(|s| UserField::parse(&s)),
    ];
    let expansion = proptest::sample::select(Expansion::ALL);
    let tweet_field = proptest::sample::select(TweetField::ALL);
    (
        proptest::collection::vec(user_field, 0..5),
        proptest::collection::vec(expansion, 0..3),
        proptest::collection::vec(tweet_field, 0..3),
    )
        .prop_map(|(user_fields, expansions, tweet_fields)| Fields {
            user_fields,
            expansions,
            tweet_fields,
        })
}

fn token() -> impl Strategy<Value = Option<PaginationToken>> {
    proptest::option::of("[a-z0-9]{16,40}".prop_map(PaginationToken::new))
}

macro_rules! check {
    ($request:expr) => {{
        let request = $request;
        if let Some(back) = round_trip(&request) {
            prop_assert_eq!(back, request);
        }
    }};
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn cursored(user in proptest::option::of(user_ref()), cursor in cursor(), count in count(), s in flag(), k in flag()) {
        check!(v1::FollowersIds { user: user.clone(), cursor, count, stringify_ids: s });
        check!(v1::FriendsIds { user: user.clone(), cursor, count, stringify_ids: s });
        check!(v1::FollowersList { user: user.clone(), cursor, count, skip_status: s, include_user_entities: k });
        check!(v1::FriendsList { user, cursor, count, skip_status: k, include_user_entities: s });
        check!(v1::FriendshipsIncoming { cursor, stringify_ids: s });
        check!(v1::FriendshipsOutgoing { cursor, stringify_ids: k });
    }

    #[test]
    fn lookups_and_single_users(users in users(), user in user_ref(), source in proptest::option::of(user_ref()), a in flag(), b in flag()) {
        check!(v1::FriendshipsLookup { users: users.clone() });
        check!(v1::UsersLookup { users, include_entities: a });
        check!(v1::FriendshipsNoRetweetsIds { stringify_ids: a });
        check!(v1::FriendshipsShow { source, target: user.clone() });
        check!(v1::UsersShow { user: user.clone(), include_entities: b });
        check!(v1::FriendshipsCreate { user: user.clone(), follow: a });
        check!(v1::FriendshipsDestroy { user: user.clone() });
        check!(v1::FriendshipsUpdate { user, device: a, retweets: b });
    }

    #[test]
    fn search(q in "\\PC{0,30}", page in proptest::option::of(0..60u32), count in proptest::option::of(0..25u32), e in flag()) {
        check!(v1::UsersSearch { q, page, count, include_entities: e });
    }

    #[test]
    fn v2_requests(
        id in user_id(), other in user_id(), max in count(), token in token(), fields in fields(),
        ids in proptest::collection::vec(user_id(), 0..110),
        names in proptest::collection::vec(screen_name(), 0..110),
        name in screen_name(),
    ) {
        check!(v2::Followers { id, max_results: max, pagination_token: token.clone(), fields: fields.clone() });
        check!(v2::Following { id, max_results: max, pagination_token: token.clone(), fields: fields.clone() });
        check!(v2::Follow { source_user_id: id, target_user_id: other });
        check!(v2::Unfollow { source_user_id: id, target_user_id: other });
        check!(v2::UsersByIds { ids, fields: fields.clone() });
        check!(v2::UserById { id, fields: fields.clone() });
        check!(v2::UsersByUsernames { usernames: names, fields: fields.clone() });
        check!(v2::UserByUsername { username: name, fields: fields.clone() });
        check!(v2::Me { fields: fields.clone() });
        check!(v2::Affiliates { id, max_results: max, pagination_token: token, fields });
    }

    #[test]
    fn v2_search_and_affiliates(
        query in "[A-Za-z0-9_' ]{0,55}|\\PC{0,20}", max in count(), token in token(), fields in fields(),
        id in user_id(), numeric in proptest::option::of(any::<i64>()),
    ) {
        check!(v2::UsersSearch { query, max_results: max, next_token: token, fields: fields.clone() });
        let pagination_token = numeric.map(|n| PaginationToken::new(n.to_string()));
        check!(v2::Affiliates { id, max_results: max, pagination_token, fields });
    }
}

#[test]
fn refusals_are_the_documented_ones() {
    // The property above would pass if every request were refused; these must build.
    assert!(round_trip(&v1::FollowersIds::of(UserRef::Id(UserId::new(1)))).is_some());
    assert!(
        round_trip(&v1::UsersLookup {
            users: Users::Ids(vec![UserId::new(1); 100]),
            include_entities: None
        })
        .is_some()
    );
    assert!(
        round_trip(&v1::UsersSearch {
            page: Some(50),
            ..v1::UsersSearch::new("a+b")
        })
        .is_some()
    );
    assert!(
        round_trip(&v2::Followers {
            max_results: Some(1000),
            ..v2::Followers::of(UserId::new(1))
        })
        .is_some()
    );
    let search = round_trip(&v2::UsersSearch {
        max_results: Some(1000),
        next_token: Some(PaginationToken::new("b26v89c19zqg8o3fr")),
        ..v2::UsersSearch::new("o'brien  _dev 42")
    })
    .expect("a valid search builds");
    assert_eq!(search.query, "o'brien  _dev 42");
    assert!(round_trip(&v2::UsersSearch::new("x".repeat(50))).is_some());
    assert!(
        round_trip(&v2::Affiliates {
            pagination_token: Some(PaginationToken::new("-922337203685477580")),
            ..v2::Affiliates::of(UserId::new(1))
        })
        .is_some()
    );
    // ...and these must not.
    for bad in [
        "",
        "x".repeat(51).as_str(),
        "a-b",
        "caf\u{e9}",
        "a+b",
        "100%",
    ] {
        assert!(round_trip(&v2::UsersSearch::new(bad)).is_none(), "{bad:?}");
    }
    for bad in [
        "abc",
        "9223372036854775808",
        "-9223372036854775808",
        "1.5",
        "",
    ] {
        let request = v2::Affiliates {
            pagination_token: Some(PaginationToken::new(bad)),
            ..v2::Affiliates::of(UserId::new(1))
        };
        assert!(round_trip(&request).is_none(), "{bad:?}");
    }
    assert!(
        round_trip(&v1::UsersLookup {
            users: Users::Ids(vec![UserId::new(1); 101]),
            include_entities: None
        })
        .is_none()
    );
    assert!(
        round_trip(&v2::Followers {
            max_results: Some(0),
            ..v2::Followers::of(UserId::new(1))
        })
        .is_none()
    );
}

#[test]
fn a_server_refuses_what_a_client_would_not_send() {
    let read = |uri: &str| {
        let request = http::Request::get(uri).body(Bytes::new()).unwrap();
        let (_, path) = EndpointId::match_request(request.method(), request.uri().path()).unwrap();
        IncomingRequest::from_http(path, &request).and_then(|i| v1::FollowersIds::read(&i))
    };
    let refused = [
        "http://h/1.1/followers/ids.json?user_id=1&screen_name=jack",
        "http://h/1.1/followers/ids.json?count=5001",
        "http://h/1.1/followers/ids.json?count=-1",
        "http://h/1.1/followers/ids.json?cursor=abc",
        "http://h/1.1/followers/ids.json?cursor=1&cursor=2",
        "http://h/1.1/followers/ids.json?screen_name=%40jack",
        "http://h/1.1/followers/ids.json?screen_name=%FF",
        "http://h/1.1/followers/ids.json?stringify_ids=maybe",
    ]
    .map(|uri| read(uri).map(|_| ()).unwrap_err().to_string());
    insta::assert_debug_snapshot!(refused);
    assert!(
        read("http://h/1.1/followers/ids.json?screen_name=jack&stringify_ids=1&unknown=x").is_ok()
    );
}

#[test]
fn a_server_refuses_a_bad_search_or_affiliates_page() {
    let search = |uri: &str| {
        let request = http::Request::get(uri).body(Bytes::new()).unwrap();
        let (id, path) = EndpointId::match_request(request.method(), request.uri().path()).unwrap();
        assert_eq!(id, EndpointId::V2UsersSearch);
        IncomingRequest::from_http(path, &request)
            .and_then(|i| v2::UsersSearch::read(&i))
            .map(|_| ())
    };
    let affiliates = |uri: &str| {
        let request = http::Request::get(uri).body(Bytes::new()).unwrap();
        let (id, path) = EndpointId::match_request(request.method(), request.uri().path()).unwrap();
        assert_eq!(id, EndpointId::V2Affiliates);
        IncomingRequest::from_http(path, &request)
            .and_then(|i| v2::Affiliates::read(&i))
            .map(|_| ())
    };
    let refused: Vec<String> = [
        search("http://h/2/users/search"),
        search("http://h/2/users/search?query="),
        search("http://h/2/users/search?query=a%21"),
        search("http://h/2/users/search?query=ok&max_results=1001"),
        search("http://h/2/users/search?query=ok&pagination_token=x&next_token="),
        affiliates("http://h/2/users/12/affiliates?pagination_token=abc"),
        affiliates("http://h/2/users/12/affiliates?pagination_token=12345678901234567890"),
        affiliates("http://h/2/users/12/affiliates?max_results=0"),
    ]
    .into_iter()
    .map(|r| r.unwrap_err().to_string())
    .collect();
    insta::assert_debug_snapshot!(refused);
    let request =
        http::Request::get("http://h/2/users/search?query=o%27brien%20dev&next_token=abc")
            .body(Bytes::new())
            .unwrap();
    let (_, path) = EndpointId::match_request(request.method(), request.uri().path()).unwrap();
    let ok = IncomingRequest::from_http(path, &request)
        .and_then(|i| v2::UsersSearch::read(&i))
        .unwrap();

    assert_eq!(ok.query, "o'brien dev");
    assert_eq!(
        ok.next_token.map(|t| t.as_str().to_owned()).as_deref(),
        Some("abc")
    );
}
