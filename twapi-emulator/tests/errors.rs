//! Each error X sends, as X sends it: authentication (32, 89, 135, 215, and v2's bare 401),
//! refused auth modes (220 / `unsupported-authentication`), missing and suspended users (34,
//! 50, 17, 63, v2 partial errors), rate limits (88 / v2 429, with the window headers), and
//! the follow errors (158, 160, 161, 162).

mod harness;

use harness::{app, call, header, id, json, oauth1, prepare, prepare_at, send, user};
use http::header::AUTHORIZATION;
use twapi_auth::oauth1::Credentials;
use twapi_core::request::v1::{self as rq1, Users};
use twapi_core::request::v2 as rq2;
use twapi_core::{Auth, Error, FollowOutcome, ScreenName, UserRef};
use twapi_emulator::DemoUser;
use twapi_model::UserId;
use twapi_model::v2::ProblemKind;

/// Sends `request` to the emulator at `base`, with the `Host` its URL names.
async fn send_to(
    base: &str,
    request: &http::Request<bytes::Bytes>,
) -> http::Response<bytes::Bytes> {
    let authority = base.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(authority).await.unwrap();
    let head = harness::head_of(request, request.uri().authority().unwrap().as_str(), true);
    tokio::io::AsyncWriteExt::write_all(&mut stream, &head)
        .await
        .unwrap();
    harness::read_response(&mut tokio::io::BufReader::new(stream))
        .await
        .unwrap()
}

fn code_of(error: &Error) -> Option<u32> {
    error
        .api()
        .and_then(|e| e.codes().first())
        .map(|c| c.code.code())
}

fn signed_with(
    facts: &twapi_emulator::Facts,
    user: &DemoUser,
    consumer_secret: &str,
    token: &str,
) -> Auth {
    Auth::oauth1(
        &Credentials::new(facts.consumer_key.clone(), consumer_secret.to_owned())
            .with_token(token.to_owned(), user.access_token_secret.clone()),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn authentication_failures() {
    let emulator = harness::start(500).await;
    let facts = emulator.facts().clone();
    let base = &facts.base_url;
    let plain = user(&facts, "plain", 0);
    let show = rq1::UsersShow::of(UserId::new(id(plain)));

    // 32: a signature made with the wrong consumer secret.
    let wrong = signed_with(&facts, plain, "not-the-secret", &plain.access_token);
    let error = call(base, &show, &wrong).await.unwrap_err();
    assert_eq!(code_of(&error), Some(32));
    assert_eq!(error.api().unwrap().status(), 401);
    assert!(
        error.api().unwrap().rate_limit().is_empty(),
        "401s carry no rate-limit headers"
    );

    // 89: a token the emulator never issued.
    let unknown = signed_with(&facts, plain, &facts.consumer_secret, "12-unknowntoken");
    assert_eq!(
        code_of(&call(base, &show, &unknown).await.unwrap_err()),
        Some(89)
    );
    let bearer = Auth::AppOnly(twapi_auth::Secret::new("AAAAnotatoken"));
    assert_eq!(
        code_of(&call(base, &show, &bearer).await.unwrap_err()),
        Some(89)
    );

    // 135: a timestamp ten minutes off.
    let late = prepare_at(
        base,
        &show,
        &oauth1(&facts, plain),
        twapi_auth::system::unix_now() - 600,
    );
    let response = send(late).await;
    assert_eq!(response.status(), 401);
    assert_eq!(json(&response)["errors"][0]["code"], 135);
    assert!(
        header(&response, "date").is_some(),
        "clients resync from Date"
    );

    // 215: no Authorization at all, or one that is not OAuth.
    let mut bare = prepare(base, &show, &app(&facts));
    bare.headers_mut().remove(AUTHORIZATION);
    let response = send(bare).await;
    assert_eq!(response.status(), 400);
    insta::assert_snapshot!("v1_215", String::from_utf8_lossy(response.body()));
    let mut garbled = prepare(base, &show, &app(&facts));
    garbled
        .headers_mut()
        .insert(AUTHORIZATION, "OAuth garbage".parse().unwrap());
    assert_eq!(json(&send(garbled).await)["errors"][0]["code"], 215);

    // v2 answers every authentication failure with a bare 401 problem.
    let me = prepare(base, &rq2::Me::default(), &wrong);
    let response = send(me).await;
    assert_eq!(response.status(), 401);
    insta::assert_snapshot!("v2_401", String::from_utf8_lossy(response.body()));
    assert_eq!(
        header(&response, "content-type"),
        Some("application/problem+json")
    );

    // The URL is verified as the client addressed it: any base URL works when the Host
    // header matches it, and a request moved to another Host no longer verifies.
    let elsewhere = base.replace("127.0.0.1", "localhost");
    let signed_for_localhost = prepare(&elsewhere, &show, &oauth1(&facts, plain));
    assert_eq!(send_to(base, &signed_for_localhost).await.status(), 200);
    let mut moved = prepare(base, &show, &oauth1(&facts, plain));
    *moved.uri_mut() = moved
        .uri()
        .to_string()
        .replace("127.0.0.1", "localhost")
        .parse()
        .unwrap();
    let answer = send_to(base, &moved).await;
    assert_eq!(
        (
            answer.status().as_u16(),
            json(&answer)["errors"][0]["code"].as_u64()
        ),
        (401, Some(32))
    );
    emulator.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refused_modes_get_x_refusals() {
    let emulator = harness::start(500).await;
    let facts = emulator.facts().clone();
    let base = &facts.base_url;
    let plain = user(&facts, "plain", 0);

    let mut incoming = prepare(
        base,
        &rq1::FriendshipsIncoming::default(),
        &oauth1(&facts, plain),
    );
    let bearer = format!("Bearer {}", facts.bearer_token);
    incoming
        .headers_mut()
        .insert(AUTHORIZATION, bearer.parse().unwrap());
    let response = send(incoming).await;
    assert_eq!(response.status(), 403);
    insta::assert_snapshot!("v1_220", String::from_utf8_lossy(response.body()));

    let mut me = prepare(base, &rq2::Me::default(), &oauth1(&facts, plain));
    me.headers_mut()
        .insert(AUTHORIZATION, bearer.parse().unwrap());
    let response = send(me).await;
    assert_eq!(response.status(), 403);
    // X's detail, two spaces and all.
    insta::assert_snapshot!(
        "v2_unsupported_authentication",
        String::from_utf8_lossy(response.body())
    );
    emulator.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn missing_and_suspended_users() {
    let emulator = harness::start(500).await;
    let facts = emulator.facts().clone();
    let base = &facts.base_url;
    let auth = oauth1(&facts, user(&facts, "plain", 0));
    let suspended = user(&facts, "suspended", 0);
    let ghost = UserId::new(13);

    // 34: not an endpoint.
    let response = send(
        http::Request::get(format!("{base}/1.1/nope.json"))
            .body(bytes::Bytes::default())
            .unwrap(),
    )
    .await;
    assert_eq!(response.status(), 404);
    assert_eq!(json(&response)["errors"][0]["code"], 34);
    // A v2 path of an endpoint's structure with a misshapen id is that endpoint's: 401 to a
    // caller without credentials, X's `invalid-request` to one with (tests/leniency.rs).
    let response = send(
        http::Request::get(format!("{base}/2/users/not-an-id"))
            .body(bytes::Bytes::default())
            .unwrap(),
    )
    .await;
    assert_eq!(response.status(), 401);
    let response = send(
        http::Request::get(format!("{base}/2/users/not-an-id/nothing"))
            .body(bytes::Bytes::default())
            .unwrap(),
    )
    .await;
    assert_eq!(json(&response)["errors"][0]["code"], 34);

    // 50, 63 on users/show; 17 on a lookup that finds nobody.
    let error = call(base, &rq1::UsersShow::of(ghost), &auth)
        .await
        .unwrap_err();
    assert_eq!(
        (code_of(&error), error.api().unwrap().status().as_u16()),
        (Some(50), 404)
    );
    let error = call(base, &rq1::UsersShow::of(UserId::new(id(suspended))), &auth)
        .await
        .unwrap_err();
    assert_eq!(
        (code_of(&error), error.api().unwrap().status().as_u16()),
        (Some(63), 403)
    );
    let lookup = rq1::UsersLookup {
        users: Users::Ids(vec![ghost, UserId::new(id(suspended))]),
        include_entities: None,
    };
    assert_eq!(
        code_of(&call(base, &lookup, &auth).await.unwrap_err()),
        Some(17)
    );
    let error = call(base, &rq1::FollowersIds::of(UserRef::Id(ghost)), &auth)
        .await
        .unwrap_err();
    assert_eq!(code_of(&error), Some(50));

    // v2: partial errors on a 200, beside what was found or alone.
    let top = UserId::new(id(user(&facts, "most_followed", 0)));
    let by_ids = rq2::UsersByIds {
        ids: vec![top, ghost, UserId::new(id(suspended))],
        fields: twapi_core::fields::Fields::default(),
    };
    let reply = call(base, &by_ids, &auth).await.unwrap();
    assert_eq!(reply.value.items().len(), 1);
    let kinds: Vec<_> = reply
        .partial_errors()
        .iter()
        .map(|p| p.kind().clone())
        .collect();
    assert_eq!(
        kinds,
        [ProblemKind::ResourceNotFound, ProblemKind::ResourceNotFound]
    );
    insta::assert_json_snapshot!("v2_partial_errors", reply.value.errors);
    let error = call(
        base,
        &rq2::UserById {
            id: ghost,
            fields: twapi_core::fields::Fields::default(),
        },
        &auth,
    )
    .await
    .unwrap_err();
    assert_eq!(error.api().unwrap().status(), 200);
    assert!(
        error
            .api()
            .unwrap()
            .has_problem(&ProblemKind::ResourceNotFound)
    );
    let name: ScreenName = suspended.screen_name.parse().unwrap();
    let error = call(
        base,
        &rq2::UserByUsername {
            username: name,
            fields: twapi_core::fields::Fields::default(),
        },
        &auth,
    )
    .await
    .unwrap_err();
    let detail = error.api().unwrap().problems()[0].detail.clone().unwrap();
    assert_eq!(
        detail,
        format!("User has been suspended: [{}].", suspended.screen_name)
    );
    emulator.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rate_limits_refuse_with_x_headers() {
    let emulator = harness::start(500).await;
    let facts = emulator.facts().clone();
    let base = &facts.base_url;
    let auth = oauth1(&facts, user(&facts, "plain", 0));
    let top = UserId::new(id(user(&facts, "most_followed", 0)));
    let ids = rq1::FollowersIds::of(UserRef::Id(top));
    let limit = twapi_core::EndpointId::FollowersIds
        .descriptor()
        .window
        .user
        .unwrap();
    for expected in (0..limit).rev() {
        let reply = call(base, &ids, &auth).await.unwrap();
        let window = reply.rate_limit().window.unwrap();
        assert_eq!((window.limit, window.remaining), (limit, expected));
    }
    let error = call(base, &ids, &auth).await.unwrap_err();
    let Error::RateLimited(limited) = &error else {
        panic!("{error:?}");
    };
    assert_eq!(code_of(&error), Some(88));
    assert_eq!(limited.error.status(), 429);
    assert!(limited.until.is_some());
    assert_eq!(limited.error.rate_limit().window.unwrap().remaining, 0);
    // The app-only window of the same endpoint is another budget.
    assert!(call(base, &ids, &app(&facts)).await.is_ok());

    let followers = rq2::Followers::of(top);
    let v2_limit = twapi_core::EndpointId::V2Followers
        .descriptor()
        .window
        .user
        .unwrap();
    for _ in 0..v2_limit {
        call(base, &followers, &auth).await.unwrap();
    }
    let response = send(prepare(base, &followers, &auth)).await;
    assert_eq!(response.status(), 429);
    assert_eq!(header(&response, "x-rate-limit-remaining"), Some("0"));
    insta::assert_snapshot!("v2_429", String::from_utf8_lossy(response.body()));
    emulator.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn follow_errors() {
    let emulator = harness::start(2_000).await;
    let facts = emulator.facts().clone();
    let base = &facts.base_url;
    let plain = user(&facts, "plain", 0);
    let auth = oauth1(&facts, plain);

    // 158: yourself; 162: someone who blocks you.
    let error = call(
        base,
        &rq1::FriendshipsCreate::user(UserId::new(id(plain))),
        &auth,
    )
    .await
    .unwrap_err();
    assert_eq!(code_of(&error), Some(158));
    let blocker = UserId::new(id(user(&facts, "blocker", 0)));
    let error = call(base, &rq1::FriendshipsCreate::user(blocker), &auth)
        .await
        .unwrap_err();
    assert_eq!(code_of(&error), Some(162));
    let error = call(base, &rq1::FriendshipsCreate::user(UserId::new(13)), &auth)
        .await
        .unwrap_err();
    assert_eq!(error.api().unwrap().status(), 404);

    // 160: asking twice to follow a protected account (the core reads it as an outcome).
    let protected = UserId::new(id(user(&facts, "protected", 0)));
    let first = call(base, &rq1::FriendshipsCreate::user(protected), &auth)
        .await
        .unwrap();
    let FollowOutcome::Followed(target) = first.value else {
        panic!("a first request is a follow request");
    };
    assert_eq!(target.follow_request_sent, Some(true));
    let again = call(base, &rq1::FriendshipsCreate::user(protected), &auth)
        .await
        .unwrap();
    assert_eq!(again.value, FollowOutcome::AlreadyRequested);
    assert_eq!(again.status(), 403);
    emulator.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_daily_follow_cap_is_161() {
    let emulator = harness::start_with(twapi_emulator::Config {
        users: 2_000,
        day: std::time::Duration::from_secs(3_600),
        ..Default::default()
    })
    .await;
    let facts = emulator.facts().clone();
    let base = &facts.base_url;
    let plain = user(&facts, "plain", 1);
    let auth = oauth1(&facts, plain);
    let cap = twapi_core::DailyBucket::Follow.caps().user.unwrap();
    let me = id(plain);
    let mut followed = 0;
    let mut candidates = emulator
        .follower_ids(id(user(&facts, "most_followed", 0)))
        .into_iter()
        .filter(|&u| u != me);
    let mut last = None;
    while followed < cap {
        let target = candidates.next().expect("enough users to follow");
        match call(
            base,
            &rq1::FriendshipsCreate::user(UserId::new(target)),
            &auth,
        )
        .await
        {
            Ok(reply) => {
                followed += 1;
                last = reply.rate_limit().user_day;
            }
            // Someone who blocks the user, or a protected account already asked: no count.
            Err(error) => assert!(matches!(code_of(&error), Some(162 | 160)), "{error}"),
        }
    }
    let last = last.unwrap();
    assert_eq!((last.limit, last.remaining), (cap, 0));
    let reset = last
        .reset
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let now = twapi_auth::system::unix_now();
    assert!(
        (now + 3_500..=now + 3_601).contains(&reset),
        "the scaled day: {reset} vs {now}"
    );

    let target = candidates.next().unwrap();
    let error = call(
        base,
        &rq1::FriendshipsCreate::user(UserId::new(target)),
        &auth,
    )
    .await
    .unwrap_err();
    assert_eq!(code_of(&error), Some(161));
    assert_eq!(
        error
            .api()
            .unwrap()
            .rate_limit()
            .user_day
            .unwrap()
            .remaining,
        0
    );
    let follow = rq2::Follow {
        source_user_id: UserId::new(me),
        target_user_id: UserId::new(target),
    };
    let response = send(prepare(base, &follow, &auth)).await;
    assert_eq!(response.status(), 429, "v2 shares the cap");
    assert_eq!(
        header(&response, "x-user-limit-24hour-remaining"),
        Some("0")
    );
    assert!(!emulator.following_ids(me).contains(&target));
    emulator.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_scaled_window_reopens_at_its_announced_reset() {
    let emulator = harness::start_with(twapi_emulator::Config {
        users: 300,
        window: std::time::Duration::from_secs(2),
        ..Default::default()
    })
    .await;
    let facts = emulator.facts().clone();
    let base = &facts.base_url;
    let auth = oauth1(&facts, user(&facts, "plain", 0));
    let ids = rq1::FriendsIds::of(UserRef::Id(UserId::new(id(user(&facts, "plain", 0)))));
    let limit = twapi_core::EndpointId::FriendsIds
        .descriptor()
        .window
        .user
        .unwrap();
    let mut refused = None;
    for _ in 0..=limit {
        if let Err(Error::RateLimited(limited)) = call(base, &ids, &auth).await {
            refused = Some(limited);
            break;
        }
    }
    let limited = refused.expect("sixteen requests fit in two seconds");
    let reset = limited.until.expect("a reset is announced");
    let wait = reset
        .duration_since(std::time::SystemTime::now())
        .unwrap_or_default();
    assert!(wait <= std::time::Duration::from_secs(3), "{wait:?}");
    tokio::time::sleep(wait + std::time::Duration::from_millis(50)).await;
    let reply = call(base, &ids, &auth).await.expect("the window reopened");
    assert_eq!(reply.rate_limit().window.unwrap().remaining, limit - 1);
    emulator.shutdown().await;
}
