//! The built request of every endpoint, pinned: method, URL, headers and body, with fixed
//! credentials, nonce and timestamp. A change to encoding, signing or a parameter name shows
//! here first.

use std::fmt::Write as _;

use bytes::Bytes;
use twapi_auth::oauth1::Credentials;
use twapi_core::fields::{Expansion, Fields, TweetField, UserField};
use twapi_core::request::v1::{self, Users};
use twapi_core::request::{ApiRequest, v2};
use twapi_core::{Api, Auth, Error, ScreenName, Stamp, UserRef};
use twapi_model::UserId;
use twapi_model::v1::Cursor;

const STAMP: Stamp<'static> = Stamp {
    timestamp: 1_700_000_000,
    nonce: "kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg",
};

fn user_auth() -> Auth {
    // X's lengths: 25, 50, 50, 45.
    Auth::oauth1(
        &Credentials::new(
            "xvz1evFS4wEEPTGEFPHBogAAA",
            "kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw0000000",
        )
        .with_token(
            "370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb",
            "LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE",
        ),
    )
}

fn screen_name(s: &str) -> ScreenName {
    s.parse().expect("a valid screen name")
}

/// The request as text: request line, headers in name order, blank line, body.
fn render(request: &http::Request<Bytes>) -> String {
    let mut out = format!("{} {}\n", request.method(), request.uri());
    let mut headers: Vec<_> = request.headers().iter().collect();
    headers.sort_by_key(|(name, _)| name.as_str());
    for (name, value) in headers {
        let _ = writeln!(out, "{name}: {}", value.to_str().unwrap_or("<binary>"));
    }
    out.push('\n');
    out.push_str(&String::from_utf8_lossy(request.body()));
    out
}

fn build<R: ApiRequest>(request: &R, auth: &Auth) -> String {
    let api = Api::default();
    render(&api.prepare(request, auth, STAMP).expect("a valid request"))
}

#[test]
fn every_v1_endpoint() {
    let auth = user_auth();
    let jack = UserRef::ScreenName(screen_name("jack"));
    let by_id = UserRef::Id(UserId::new(783_214));
    let cases: Vec<(&str, String)> = vec![
        (
            "followers_ids",
            build(
                &v1::FollowersIds {
                    cursor: Some(Cursor::START),
                    count: Some(5000),
                    stringify_ids: Some(true),
                    ..v1::FollowersIds::of(UserRef::ScreenName(screen_name("TwitterDev")))
                },
                &auth,
            ),
        ),
        (
            "friends_ids",
            build(&v1::FriendsIds::of(by_id.clone()), &auth),
        ),
        (
            "followers_list",
            build(
                &v1::FollowersList {
                    count: Some(200),
                    skip_status: Some(true),
                    include_user_entities: Some(false),
                    cursor: Some(Cursor::new(1_482_172_157_213_781_578)),
                    ..v1::FollowersList::of(jack.clone())
                },
                &auth,
            ),
        ),
        (
            "friends_list",
            build(&v1::FriendsList::of(by_id.clone()), &auth),
        ),
        (
            "friendships_incoming",
            build(&v1::FriendshipsIncoming::default(), &auth),
        ),
        (
            "friendships_outgoing",
            build(
                &v1::FriendshipsOutgoing {
                    cursor: Some(Cursor::new(-1_482_172_157_213_781_578)),
                    stringify_ids: Some(true),
                },
                &auth,
            ),
        ),
        (
            "friendships_lookup",
            build(
                &v1::FriendshipsLookup {
                    users: Users::ScreenNames(vec![screen_name("jack"), screen_name("TwitterDev")]),
                },
                &auth,
            ),
        ),
        (
            "friendships_no_retweets_ids",
            build(
                &v1::FriendshipsNoRetweetsIds {
                    stringify_ids: Some(true),
                },
                &auth,
            ),
        ),
        (
            "friendships_show",
            build(
                &v1::FriendshipsShow {
                    source: Some(by_id.clone()),
                    target: jack.clone(),
                },
                &auth,
            ),
        ),
        (
            "users_lookup",
            build(
                &v1::UsersLookup {
                    users: Users::Ids(vec![
                        UserId::new(12),
                        UserId::new(783_214),
                        UserId::new(u64::MAX),
                    ]),
                    include_entities: Some(true),
                },
                &auth,
            ),
        ),
        (
            "users_search",
            build(
                &v1::UsersSearch {
                    page: Some(2),
                    count: Some(20),
                    ..v1::UsersSearch::new("café & co 🐦")
                },
                &auth,
            ),
        ),
        (
            "users_show",
            build(&v1::UsersShow::of(screen_name("TwitterDev")), &auth),
        ),
        (
            "friendships_create",
            build(
                &v1::FriendshipsCreate {
                    follow: Some(true),
                    ..v1::FriendshipsCreate::user(UserId::new(2_244_994_945))
                },
                &auth,
            ),
        ),
        (
            "friendships_destroy",
            build(&v1::FriendshipsDestroy { user: jack.clone() }, &auth),
        ),
        (
            "friendships_update",
            build(
                &v1::FriendshipsUpdate {
                    user: by_id,
                    device: Some(false),
                    retweets: Some(false),
                },
                &auth,
            ),
        ),
    ];
    assert_eq!(cases.len(), 15);
    for (name, text) in cases {
        insta::assert_snapshot!(format!("v1_{name}"), text);
    }
}

#[test]
fn every_v2_endpoint() {
    let user = user_auth();
    let app = Auth::AppOnly("AAAAAAAAAAAAAAAAAAAAAMLheAAAAAAA0%2BuSeid%2BULvsea4JtiGRiSDSJSI%3DEUifiRBkKG5E2XzMDjRfl76ZC9Ub0wnz4XsNiRVBChTYbJcE3F".into());
    let oauth2 = Auth::OAuth2User("bWFkZS11cC1vYXV0aDItdXNlci10b2tlbg".into());
    let twitter_dev = UserId::new(2_244_994_945);
    let fields = Fields {
        user_fields: vec![
            UserField::CreatedAt,
            UserField::PublicMetrics,
            UserField::Other("future_field".into()),
        ],
        expansions: vec![Expansion::PinnedTweetId],
        tweet_fields: vec![TweetField::CreatedAt],
    };
    let cases: Vec<(&str, String)> = vec![
        (
            "followers",
            build(
                &v2::Followers {
                    max_results: Some(1000),
                    fields: fields.clone(),
                    ..v2::Followers::of(twitter_dev)
                },
                &app,
            ),
        ),
        (
            "following",
            build(
                &v2::Following {
                    pagination_token: Some(twapi_model::v2::PaginationToken::new(
                        "7140dibdnow9c7btw3w29grvxfcgvpb9n9coehpk7xz5i",
                    )),
                    ..v2::Following::of(twitter_dev)
                },
                &oauth2,
            ),
        ),
        (
            "follow",
            build(
                &v2::Follow {
                    source_user_id: UserId::new(1_072_250_532_645_998_596),
                    target_user_id: twitter_dev,
                },
                &user,
            ),
        ),
        (
            "unfollow",
            build(
                &v2::Unfollow {
                    source_user_id: UserId::new(1_072_250_532_645_998_596),
                    target_user_id: twitter_dev,
                },
                &user,
            ),
        ),
        (
            "users_by_ids",
            build(
                &v2::UsersByIds {
                    ids: vec![UserId::new(12), twitter_dev],
                    fields: Fields::users([UserField::Verified]),
                },
                &app,
            ),
        ),
        (
            "user_by_id",
            build(
                &v2::UserById {
                    id: twitter_dev,
                    fields: Fields::default(),
                },
                &app,
            ),
        ),
        (
            "users_by_usernames",
            build(
                &v2::UsersByUsernames {
                    usernames: vec![screen_name("Twitter"), screen_name("TwitterDev")],
                    fields: Fields::default(),
                },
                &user,
            ),
        ),
        (
            "user_by_username",
            build(
                &v2::UserByUsername {
                    username: screen_name("TwitterDev"),
                    fields,
                },
                &app,
            ),
        ),
        ("me", build(&v2::Me::default(), &user)),
        (
            // `'` and the space are signed as %27 and %20 (RFC 3986, as X's OAuth 1.0a wants).
            "users_search",
            build(
                &v2::UsersSearch {
                    max_results: Some(1000),
                    next_token: Some(twapi_model::v2::PaginationToken::new("b26v89c19zqg8o3fr")),
                    fields: Fields {
                        user_fields: vec![UserField::Description],
                        expansions: vec![Expansion::PinnedTweetId],
                        tweet_fields: vec![TweetField::CreatedAt],
                    },
                    ..v2::UsersSearch::new("o'brien dev_42")
                },
                &user,
            ),
        ),
        (
            "users_search_oauth2",
            build(&v2::UsersSearch::new("TwitterDev"), &oauth2),
        ),
        (
            "affiliates",
            build(
                &v2::Affiliates {
                    max_results: Some(50),
                    pagination_token: Some(twapi_model::v2::PaginationToken::new(
                        "1591208496391241728",
                    )),
                    fields: Fields::users([UserField::Affiliation]),
                    ..v2::Affiliates::of(twitter_dev)
                },
                &app,
            ),
        ),
        (
            "affiliates_oauth1",
            build(&v2::Affiliates::of(twitter_dev), &user),
        ),
    ];
    assert_eq!(cases.len(), 13);
    for (name, text) in cases {
        insta::assert_snapshot!(format!("v2_{name}"), text);
    }
}

#[test]
fn the_base_url_is_configurable() {
    let api = Api::new("http://127.0.0.1:8080/").expect("a base URL");
    let request = api
        .prepare(&v2::Me::default(), &user_auth(), STAMP)
        .expect("a valid request");
    assert_eq!(request.uri(), "http://127.0.0.1:8080/2/users/me");
    for bad in [
        "",
        "127.0.0.1:8080",
        "ftp://host",
        "http://host/?q=1",
        "http:///path",
    ] {
        assert!(Api::new(bad).is_err(), "{bad:?} accepted");
    }
}

fn invalid<R: ApiRequest>(request: &R, auth: &Auth) -> String {
    match Api::default().prepare(request, auth, STAMP) {
        Err(Error::Invalid(e)) => e.to_string(),
        other => panic!("expected a validation error, got {other:?}"),
    }
}

#[test]
fn bad_requests_are_refused_before_sending() {
    let auth = user_auth();
    let app = Auth::AppOnly("token".into());
    let ids = |n: u64| (1..=n).map(UserId::new).collect::<Vec<_>>();
    let refusals = [
        invalid(
            &v1::UsersLookup {
                users: Users::Ids(ids(101)),
                include_entities: None,
            },
            &auth,
        ),
        invalid(
            &v1::UsersLookup {
                users: Users::Ids(vec![]),
                include_entities: None,
            },
            &auth,
        ),
        invalid(
            &v2::UsersByIds {
                ids: ids(101),
                fields: Fields::default(),
            },
            &auth,
        ),
        invalid(
            &v1::FollowersIds {
                count: Some(5001),
                ..v1::FollowersIds::of(UserRef::Id(UserId::new(1)))
            },
            &auth,
        ),
        invalid(
            &v1::FollowersList {
                count: Some(0),
                ..v1::FollowersList::of(UserRef::Id(UserId::new(1)))
            },
            &auth,
        ),
        invalid(
            &v2::Followers {
                max_results: Some(1001),
                ..v2::Followers::of(UserId::new(1))
            },
            &auth,
        ),
        invalid(&v1::UsersSearch::new("   "), &auth),
        invalid(
            &v1::UsersSearch {
                count: Some(21),
                ..v1::UsersSearch::new("x")
            },
            &auth,
        ),
        invalid(
            &v1::UsersSearch {
                page: Some(51),
                ..v1::UsersSearch::new("x")
            },
            &auth,
        ),
        invalid(&v2::Me::default(), &app),
        invalid(&v2::UsersSearch::new("TwitterDev"), &app),
        invalid(&v2::UsersSearch::new(""), &auth),
        invalid(&v2::UsersSearch::new("x".repeat(51)), &auth),
        invalid(&v2::UsersSearch::new("rock & roll"), &auth),
        invalid(
            &v2::UsersSearch {
                max_results: Some(0),
                ..v2::UsersSearch::new("x")
            },
            &auth,
        ),
        invalid(
            &v2::Affiliates {
                pagination_token: Some(twapi_model::v2::PaginationToken::new("7140dibdnow9c7bt")),
                ..v2::Affiliates::of(UserId::new(1))
            },
            &auth,
        ),
        invalid(
            &v2::Affiliates {
                max_results: Some(1001),
                ..v2::Affiliates::of(UserId::new(1))
            },
            &auth,
        ),
        invalid(&v1::FriendshipsIncoming::default(), &app),
    ];
    insta::assert_debug_snapshot!(refusals);
}

/// Every selector whose name 2.167 changed, in both vocabularies, signed (OAuth 1.0a signs
/// the names): `post.fields` and `pinned_post_id` by default, the classic names one setting
/// away. Only the names differ between the two (and so the signature).
#[test]
fn v2_selectors_in_both_vocabularies() {
    use twapi_core::fields::Vocabulary;
    let fields = Fields {
        user_fields: vec![
            UserField::PinnedTweetId,
            UserField::MostRecentTweetId,
            UserField::PublicMetrics,
        ],
        expansions: vec![
            Expansion::PinnedTweetId,
            Expansion::MostRecentTweetId,
            Expansion::AffiliationUserId,
        ],
        tweet_fields: vec![
            TweetField::EditHistoryTweetIds,
            TweetField::NoteTweet,
            TweetField::ReferencedTweets,
            TweetField::CreatedAt,
        ],
    };
    let request = v2::Followers {
        max_results: Some(1000),
        fields,
        ..v2::Followers::of(UserId::new(2_244_994_945))
    };
    let auth = user_auth();
    assert_eq!(Api::default().vocabulary(), Vocabulary::Post);
    for vocabulary in Vocabulary::ALL {
        let api = Api::default().with_vocabulary(vocabulary);
        let text = render(
            &api.prepare(&request, &auth, STAMP)
                .expect("a valid request"),
        );
        insta::assert_snapshot!(format!("v2_selectors_{vocabulary}"), text);
    }
}
