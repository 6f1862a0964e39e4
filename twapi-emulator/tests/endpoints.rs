//! Every endpoint of the table, in every auth mode it accepts (served) and every mode it
//! refuses (403 code 220 in v1.1, `unsupported-authentication` in v2), over real HTTP with
//! requests built and decoded by twapi-core; and snapshots of representative bodies.

mod harness;

use harness::{app, call, id, oauth1, prepare, send, user};
use http::header::AUTHORIZATION;
use twapi_auth::Secret;
use twapi_core::endpoint::{ApiVersion, AuthMode};
use twapi_core::fields::{Expansion, Fields, TweetField};
use twapi_core::request::v1::{self as rq1, Users};
use twapi_core::request::{ApiRequest, v2 as rq2};
use twapi_core::{Auth, ScreenName, UserRef};
use twapi_emulator::Facts;
use twapi_model::UserId;

struct Modes {
    facts: Facts,
    oauth1: Auth,
    oauth2_token: String,
}

impl Modes {
    fn auth(&self, mode: AuthMode) -> Auth {
        match mode {
            AuthMode::OAuth1User => self.oauth1.clone(),
            AuthMode::OAuth2User => Auth::OAuth2User(Secret::new(self.oauth2_token.clone())),
            _ => app(&self.facts),
        }
    }

    fn bearer(&self, mode: AuthMode) -> String {
        match mode {
            AuthMode::OAuth2User => self.oauth2_token.clone(),
            _ => self.facts.bearer_token.clone(),
        }
    }
}

/// Sends `request` once in each mode, checking the accepted ones succeed and the refused ones
/// get X's refusal. Returns how many modes were served.
async fn every_mode<R: ApiRequest>(modes: &Modes, request: &R) -> usize {
    let base = &modes.facts.base_url;
    let endpoint = R::ENDPOINT.descriptor();
    let mut served = 0;
    for mode in [
        AuthMode::OAuth1User,
        AuthMode::OAuth2User,
        AuthMode::AppOnly,
    ] {
        if endpoint.auth.contains(mode) {
            let reply = call(base, request, &modes.auth(mode)).await;
            assert!(
                reply.is_ok(),
                "{} in {mode:?}: {:?}",
                R::ENDPOINT,
                reply.err()
            );
            served += 1;
            continue;
        }
        // The client refuses to build such a request, so sign it in a mode the endpoint
        // accepts and swap the credentials, as a misconfigured client would.
        let mut http = prepare(base, request, &modes.oauth1);
        let bearer = format!("Bearer {}", modes.bearer(mode));
        http.headers_mut()
            .insert(AUTHORIZATION, bearer.parse().unwrap());
        let response = send(http).await;
        assert_eq!(response.status(), 403, "{} in {mode:?}", R::ENDPOINT);
        let body = harness::json(&response);
        match endpoint.version {
            ApiVersion::V2 => {
                assert_eq!(
                    body["type"],
                    "https://api.x.com/2/problems/unsupported-authentication"
                );
                let detail = body["detail"].as_str().unwrap();
                assert!(
                    detail.contains("is forbidden for this endpoint.  Supported"),
                    "{detail}"
                );
            }
            _ => assert_eq!(body["errors"][0]["code"], 220, "{}", R::ENDPOINT),
        }
    }
    served
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_endpoint_in_every_mode() {
    let emulator = harness::start(2_000).await;
    let facts = emulator.facts().clone();
    let top = UserId::new(id(user(&facts, "most_followed", 0)));
    let plain = user(&facts, "plain", 0);
    let me = UserId::new(id(plain));
    let second = UserId::new(id(user(&facts, "plain", 1)));
    let third = UserId::new(id(user(&facts, "plain", 2)));
    let blocker = UserId::new(id(user(&facts, "blocker", 0)));
    let top_name: ScreenName = user(&facts, "most_followed", 0)
        .screen_name
        .parse()
        .unwrap();
    let modes = Modes {
        oauth1: oauth1(&facts, plain),
        oauth2_token: harness::oauth2_user_token(&facts, None).await,
        facts,
    };
    let mut served = 0;

    served += every_mode(&modes, &rq1::FollowersIds::of(UserRef::Id(top))).await;
    served += every_mode(&modes, &rq1::FriendsIds::of(UserRef::Id(me))).await;
    let list = rq1::FollowersList {
        count: Some(5),
        ..rq1::FollowersList::of(UserRef::Id(top))
    };
    served += every_mode(&modes, &list).await;
    served += every_mode(&modes, &rq1::FriendsList::of(UserRef::Id(me))).await;
    served += every_mode(&modes, &rq1::FriendshipsIncoming::default()).await;
    served += every_mode(&modes, &rq1::FriendshipsOutgoing::default()).await;
    let lookup = rq1::FriendshipsLookup {
        users: Users::Ids(vec![top, blocker]),
    };
    served += every_mode(&modes, &lookup).await;
    served += every_mode(&modes, &rq1::FriendshipsNoRetweetsIds::default()).await;
    let show = rq1::FriendshipsShow {
        source: Some(UserRef::Id(me)),
        target: UserRef::Id(top),
    };
    served += every_mode(&modes, &show).await;
    let users = rq1::UsersLookup {
        users: Users::Ids(vec![top, second]),
        include_entities: None,
    };
    served += every_mode(&modes, &users).await;
    served += every_mode(&modes, &rq1::UsersSearch::new("a")).await;
    served += every_mode(&modes, &rq1::UsersShow::of(top)).await;
    served += every_mode(&modes, &rq1::FriendshipsCreate::user(third)).await;
    served += every_mode(
        &modes,
        &rq1::FriendshipsDestroy {
            user: UserRef::Id(third),
        },
    )
    .await;
    let update = rq1::FriendshipsUpdate {
        user: UserRef::Id(top),
        device: Some(true),
        retweets: Some(true),
    };
    served += every_mode(&modes, &update).await;

    let fields = Fields {
        expansions: vec![Expansion::PinnedTweetId],
        tweet_fields: vec![TweetField::CreatedAt],
        ..Fields::all_user_fields()
    };
    let followers = rq2::Followers {
        max_results: Some(10),
        fields: fields.clone(),
        ..rq2::Followers::of(top)
    };
    served += every_mode(&modes, &followers).await;
    served += every_mode(&modes, &rq2::Following::of(me)).await;
    let follow = rq2::Follow {
        source_user_id: me,
        target_user_id: third,
    };
    served += every_mode(&modes, &follow).await;
    let unfollow = rq2::Unfollow {
        source_user_id: me,
        target_user_id: third,
    };
    served += every_mode(&modes, &unfollow).await;
    let by_ids = rq2::UsersByIds {
        ids: vec![top, second],
        fields: fields.clone(),
    };
    served += every_mode(&modes, &by_ids).await;
    served += every_mode(
        &modes,
        &rq2::UserById {
            id: top,
            fields: fields.clone(),
        },
    )
    .await;
    let by_names = rq2::UsersByUsernames {
        usernames: vec![top_name.clone()],
        fields: Fields::default(),
    };
    served += every_mode(&modes, &by_names).await;
    let by_name = rq2::UserByUsername {
        username: top_name,
        fields: Fields::default(),
    };
    served += every_mode(&modes, &by_name).await;
    served += every_mode(&modes, &rq2::Me::default()).await;
    let search = rq2::UsersSearch {
        max_results: Some(5),
        ..rq2::UsersSearch::new("o'neil dev")
    };
    served += every_mode(&modes, &search).await;
    let org = UserId::new(id(user(&modes.facts, "organisation", 0)));
    served += every_mode(&modes, &rq2::Affiliates::of(org)).await;

    // 24 endpoints: 9 accept all three v1.1-capable modes... count what the table says.
    let expected: usize = twapi_core::EndpointId::ALL
        .iter()
        .map(|e| e.descriptor().auth.iter().count())
        .sum();
    assert_eq!(served, expected);
    emulator.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bodies_look_like_x() {
    let emulator = harness::start(2_000).await;
    let facts = emulator.facts().clone();
    let base = &facts.base_url;
    let top = user(&facts, "most_followed", 0);
    let plain = user(&facts, "plain", 0);
    let as_plain = oauth1(&facts, plain);

    let show = call(
        base,
        &rq1::UsersShow::of(UserId::new(id(top))),
        &app(&facts),
    )
    .await
    .unwrap();
    insta::assert_json_snapshot!("v1_users_show_app_only", show.value);

    let relationship = rq1::FriendshipsShow {
        source: None,
        target: UserRef::Id(UserId::new(id(top))),
    };
    let relationship = call(base, &relationship, &as_plain).await.unwrap();
    insta::assert_json_snapshot!("v1_friendships_show_staged", relationship.value);

    let lookup = rq1::FriendshipsLookup {
        users: Users::Ids(vec![
            UserId::new(id(top)),
            UserId::new(id(user(&facts, "blocker", 0))),
            UserId::new(id(user(&facts, "plain", 1))),
        ]),
    };
    let lookup = call(base, &lookup, &as_plain).await.unwrap();
    insta::assert_json_snapshot!("v1_friendships_lookup_staged", lookup.value);

    let fields = Fields {
        expansions: vec![Expansion::MostRecentTweetId],
        tweet_fields: vec![
            TweetField::CreatedAt,
            TweetField::AuthorId,
            TweetField::PublicMetrics,
        ],
        ..Fields::all_user_fields()
    };
    let v2_user = rq2::UserById {
        id: UserId::new(id(top)),
        fields,
    };
    let v2_user = call(base, &v2_user, &as_plain).await.unwrap();
    insta::assert_json_snapshot!("v2_user_all_fields", v2_user.value);

    let no_retweets = call(
        base,
        &rq1::FriendshipsNoRetweetsIds {
            stringify_ids: Some(true),
        },
        &as_plain,
    )
    .await
    .unwrap();
    assert_eq!(
        no_retweets.body().as_ref(),
        format!(r#"["{}"]"#, top.id).as_bytes()
    );
    emulator.shutdown().await;
}
