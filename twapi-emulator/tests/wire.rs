//! The HTTP layer and the token endpoints: bad input answered (by X's error shape, or by the
//! HTTP server's own page where X's front end answers with its own) with the server still
//! serving, keep-alive and chunked bodies, injected faults, app-only bearer
//! tokens and the OAuth 2.0 PKCE flow.

mod harness;

use std::fmt::Write as _;
use std::time::Duration;

use bytes::Bytes;
use harness::{app, call, header, id, json, oauth1, prepare, raw, read_response, send, user};
use http::header::{AUTHORIZATION, CONTENT_TYPE};
use tokio::io::{AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use twapi_auth::Secret;
use twapi_auth::bearer::{AppAuth, parse_token_response};
use twapi_auth::oauth1::{OAuthParams, RequestParts, Signer};
use twapi_auth::oauth2::{Callback, ClientConfig, PkceFlow};
use twapi_core::request::v1::{self as rq1, Users};
use twapi_core::request::v2 as rq2;
use twapi_core::{Auth, Error, decode_reply};
use twapi_emulator::Faults;
use twapi_model::UserId;

/// A request that must be served normally, proving the server still works.
async fn still_serving(facts: &twapi_emulator::Facts) {
    let top = UserId::new(id(user(facts, "most_followed", 0)));
    let reply = call(&facts.base_url, &rq1::UsersShow::of(top), &app(facts)).await;
    assert!(reply.is_ok(), "{reply:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_gets_x_errors_and_the_server_goes_on() {
    let emulator = harness::start(500).await;
    let facts = emulator.facts().clone();
    let base = &facts.base_url;
    let bearer = format!("Bearer {}", facts.bearer_token);

    // A malformed query (a broken escape): 400 code 44, v1.1 and v2 shapes.
    let request = format!(
        "GET /1.1/users/show.json?screen_name=%E0%A4%A HTTP/1.1\r\nhost: x\r\nauthorization: {bearer}\r\nconnection: close\r\n\r\n"
    );
    let (response, _) = raw(base, request.as_bytes()).await;
    let response = response.unwrap();
    assert_eq!(response.status(), 400);
    insta::assert_snapshot!(
        "v1_malformed_query",
        String::from_utf8_lossy(response.body())
    );
    let request = format!(
        "GET /2/users?ids=12,x HTTP/1.1\r\nhost: x\r\nauthorization: {bearer}\r\nconnection: close\r\n\r\n"
    );
    let (response, _) = raw(base, request.as_bytes()).await;
    let response = response.unwrap();
    assert_eq!(response.status(), 400);
    insta::assert_snapshot!(
        "v2_invalid_request",
        String::from_utf8_lossy(response.body())
    );
    still_serving(&facts).await;

    // An unknown path.
    let (response, _) = raw(
        base,
        b"GET /1.1/statuses/home_timeline.json HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n",
    )
    .await;
    assert_eq!(json(&response.unwrap())["errors"][0]["code"], 34);

    // A request line of garbage: the HTTP server's own 400, not an API error body (X's front
    // end answers with a page of its own), and the connection is closed.
    let (response, closed) = raw(base, b"\x16\x03\x01 hello there\r\n\r\n").await;
    let response = response.unwrap();
    assert_eq!(response.status(), 400);
    assert!(serde_json::from_slice::<serde_json::Value>(response.body()).is_err());
    assert!(closed);
    still_serving(&facts).await;

    // A huge header: 431, from the HTTP server too.
    let huge = format!(
        "GET /1.1/users/show.json HTTP/1.1\r\nhost: x\r\nx-filler: {}\r\n\r\n",
        "a".repeat(20_000)
    );
    let (response, closed) = raw(base, huge.as_bytes()).await;
    let response = response.unwrap();
    assert_eq!(response.status(), 431);
    assert!(closed);
    let mut many = String::from("GET / HTTP/1.1\r\n");
    for i in 0..101 {
        let _ = write!(many, "x-h{i}: 1\r\n");
    }
    many.push_str("\r\n");
    assert_eq!(raw(base, many.as_bytes()).await.0.unwrap().status(), 431);
    still_serving(&facts).await;

    // A body over 1 MiB: 413 in X's error shape.
    let (response, _) = raw(
        base,
        b"POST /1.1/users/lookup.json HTTP/1.1\r\nhost: x\r\ncontent-length: 2000000\r\n\r\n",
    )
    .await;
    let response = response.unwrap();
    assert_eq!(response.status(), 413);
    assert_eq!(json(&response)["errors"][0]["code"], 413);
    still_serving(&facts).await;
    emulator.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bodies_that_are_not_forms() {
    let emulator = harness::start(500).await;
    let facts = emulator.facts().clone();
    let base = &facts.base_url;
    let plain = user(&facts, "plain", 0);
    let top = id(user(&facts, "most_followed", 0));

    // A JSON body where X wants a form: the parameters are not there (400 code 38).
    let url = format!("{base}/1.1/friendships/create.json");
    let credentials = facts.credentials(plain);
    let nonce = twapi_auth::system::nonce().unwrap();
    let authorization = Signer::new(&credentials)
        .authorization(
            &RequestParts::new("POST", &url).unwrap(),
            &OAuthParams::new(&nonce, twapi_auth::system::unix_now()),
        )
        .unwrap();
    let request = http::Request::post(&url)
        .header(AUTHORIZATION, authorization)
        .header(CONTENT_TYPE, "application/json")
        .body(Bytes::from(format!(r#"{{"user_id":"{top}"}}"#)))
        .unwrap();
    let response = send(request).await;
    assert_eq!(response.status(), 400);
    assert_eq!(json(&response)["errors"][0]["code"], 38);

    // A form body that is not form-encoded: 400 code 44, before anything else.
    let request = http::Request::post(&url)
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Bytes::from_static(b"user_id=%zz&\xff"))
        .unwrap();
    let response = send(request).await;
    assert_eq!(response.status(), 400);
    assert_eq!(json(&response)["errors"][0]["code"], 44);

    // v2 follow without its JSON body: invalid-request.
    let follow = rq2::Follow {
        source_user_id: UserId::new(id(plain)),
        target_user_id: UserId::new(top),
    };
    let mut request = prepare(base, &follow, &oauth1(&facts, plain));
    *request.body_mut() = Bytes::from_static(b"target_user_id=1");
    request
        .headers_mut()
        .insert(CONTENT_TYPE, "text/plain".parse().unwrap());
    let response = send(request).await;
    assert_eq!(response.status(), 400);
    assert_eq!(
        json(&response)["type"],
        "https://api.x.com/2/problems/invalid-request"
    );
    still_serving(&facts).await;
    emulator.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keep_alive_and_chunked_bodies() {
    let emulator = harness::start(500).await;
    let facts = emulator.facts().clone();
    let base = &facts.base_url;
    let authority = base.trim_start_matches("http://");
    let top = UserId::new(id(user(&facts, "most_followed", 0)));

    // Three requests on one connection, the second of them a 404.
    let stream = TcpStream::connect(authority).await.unwrap();
    let mut reader = BufReader::new(stream);
    let show = prepare(base, &rq1::UsersShow::of(top), &app(&facts));
    for path_ok in [true, false, true] {
        let head = if path_ok {
            harness::head_of(&show, authority, false)
        } else {
            format!("GET /nope HTTP/1.1\r\nhost: {authority}\r\n\r\n").into_bytes()
        };
        reader.get_mut().write_all(&head).await.unwrap();
        let response = read_response(&mut reader)
            .await
            .expect("an answer on the same connection");
        assert_eq!(response.status(), if path_ok { 200 } else { 404 });
    }

    // A chunked form body (users/lookup by POST, signed over its parameters).
    let lookup = rq1::UsersLookup {
        users: Users::Ids(vec![top]),
        include_entities: None,
    };
    // The GET's query becomes a POST's form body, signed as such.
    let get = prepare(base, &lookup, &app(&facts));
    let query = get.uri().query().unwrap().to_owned();
    let plain = user(&facts, "plain", 0);
    let credentials = facts.credentials(plain);
    let url = format!("{base}/1.1/users/lookup.json");
    let nonce = twapi_auth::system::nonce().unwrap();
    let authorization = Signer::new(&credentials)
        .authorization(
            &RequestParts::new("POST", &url)
                .unwrap()
                .with_form_body(query.as_bytes()),
            &OAuthParams::new(&nonce, twapi_auth::system::unix_now()),
        )
        .unwrap();
    let (first, second) = query.split_at(query.len() / 2);
    let chunked = format!(
        "POST /1.1/users/lookup.json HTTP/1.1\r\nhost: {authority}\r\nauthorization: {authorization}\r\ncontent-type: application/x-www-form-urlencoded\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n{:x}\r\n{first}\r\n{:x};ext=1\r\n{second}\r\n0\r\n\r\n",
        first.len(),
        second.len()
    );
    let (response, _) = raw(base, chunked.as_bytes()).await;
    let response = response.unwrap();
    assert_eq!(response.status(), 200, "{:?}", response.body());
    let users = decode_reply::<rq1::UsersLookup>(response).unwrap().value;
    assert_eq!(users[0].id, top);
    emulator.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn faults_are_injected_reproducibly() {
    let emulator = harness::start(500).await;
    let facts = emulator.facts().clone();
    let base = &facts.base_url;
    let top = UserId::new(id(user(&facts, "most_followed", 0)));
    let show = rq1::UsersShow::of(top);
    let only = |set: fn(&mut Faults)| {
        let mut faults = Faults::default();
        set(&mut faults);
        faults
    };

    emulator.set_faults(only(|f| f.over_capacity = 1.0));
    let response = send(prepare(base, &show, &app(&facts))).await;
    assert_eq!(response.status(), 503);
    insta::assert_snapshot!("fault_503", String::from_utf8_lossy(response.body()));

    emulator.set_faults(only(|f| f.internal_error = 1.0));
    let error = call(base, &show, &app(&facts)).await.unwrap_err();
    assert_eq!(error.api().unwrap().codes()[0].code.code(), 131);
    assert_eq!(error.api().unwrap().status(), 500);

    emulator.set_faults(only(|f| f.truncated_body = 1.0));
    let response = send(prepare(base, &show, &app(&facts))).await;
    assert_eq!(response.status(), 200);
    let length: usize = header(&response, "content-length")
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(length, response.body().len());
    assert!(serde_json::from_slice::<serde_json::Value>(response.body()).is_err());
    let error = decode_reply::<rq1::UsersShow>(response).unwrap_err();
    assert!(matches!(error, Error::Decode(_)), "{error:?}");

    emulator.set_faults(only(|f| f.close_mid_body = 1.0));
    let request = prepare(base, &show, &app(&facts));
    let authority = base.trim_start_matches("http://");
    let mut stream = TcpStream::connect(authority).await.unwrap();
    stream
        .write_all(&harness::head_of(&request, authority, false))
        .await
        .unwrap();
    let mut reader = BufReader::new(stream);
    assert!(
        read_response(&mut reader).await.is_none(),
        "the body never completes"
    );

    emulator.set_faults(Faults {
        slow: 1.0,
        slow_delay: Duration::from_millis(50),
        ..Faults::default()
    });
    assert!(call(base, &show, &app(&facts)).await.is_ok());

    // The same seed, the same sequence of faults.
    let sequence = || async {
        emulator.set_faults(Faults {
            slow_delay: Duration::from_millis(1),
            ..Faults::uniform(0.5, 99)
        });
        let mut statuses = Vec::new();
        for _ in 0..40 {
            let request = prepare(base, &show, &app(&facts));
            let mut stream = TcpStream::connect(authority).await.unwrap();
            stream
                .write_all(&harness::head_of(&request, authority, true))
                .await
                .unwrap();
            let mut reader = BufReader::new(stream);
            statuses.push(match read_response(&mut reader).await {
                None => 0,
                Some(r)
                    if r.status() == 200
                        && serde_json::from_slice::<serde_json::Value>(r.body()).is_err() =>
                {
                    1
                }
                Some(r) => r.status().as_u16(),
            });
        }
        statuses
    };
    let first = sequence().await;
    assert_eq!(first, sequence().await);
    for kind in [0, 1, 200, 500, 503] {
        assert!(first.contains(&kind), "{kind} in {first:?}");
    }

    // Off again; the token endpoints are never faulted.
    emulator.set_faults(Faults::default());
    still_serving(&facts).await;
    emulator.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn app_only_bearer_tokens() {
    let emulator = harness::start(500).await;
    let facts = emulator.facts().clone();
    let base = &facts.base_url;
    let app_auth = AppAuth::new(facts.consumer_key.clone(), facts.consumer_secret.clone())
        .with_base_url(base.clone());
    let response = send(app_auth.token_request().unwrap()).await;
    let token = parse_token_response(&response).unwrap();
    assert_eq!(token.expose(), facts.bearer_token);

    let wrong = AppAuth::new(facts.consumer_key.clone(), "wrong").with_base_url(base.clone());
    let response = send(wrong.token_request().unwrap()).await;
    assert_eq!(response.status(), 403);
    insta::assert_snapshot!("oauth2_token_99", String::from_utf8_lossy(response.body()));

    // Invalidated: the old token is refused, a new one is issued.
    let response = send(app_auth.invalidate_request(&token).unwrap()).await;
    assert_eq!(response.status(), 200, "{:?}", response.body());
    let show = rq1::UsersShow::of(UserId::new(id(user(&facts, "plain", 0))));
    let old = Auth::AppOnly(Secret::new(facts.bearer_token.clone()));
    let error = call(base, &show, &old).await.unwrap_err();
    assert_eq!(error.api().unwrap().codes()[0].code.code(), 89);
    let fresh = parse_token_response(&send(app_auth.token_request().unwrap()).await).unwrap();
    assert_ne!(fresh.expose(), facts.bearer_token);
    assert!(
        call(base, &show, &Auth::AppOnly(Secret::new(fresh.expose())))
            .await
            .is_ok()
    );
    emulator.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oauth2_pkce_user_tokens() {
    let emulator = harness::start(500).await;
    let facts = emulator.facts().clone();
    let base = &facts.base_url;

    // By default the first plain user approves.
    let token = harness::oauth2_user_token(&facts, None).await;
    let auth = Auth::OAuth2User(Secret::new(token));
    let me = call(base, &rq2::Me::default(), &auth).await.unwrap().value;
    assert_eq!(me.data.unwrap().id.get(), id(user(&facts, "plain", 0)));

    // `login` picks another user; the token acts as them, v1.1 refuses it (220).
    let protected = user(&facts, "protected", 0);
    let token = harness::oauth2_user_token(&facts, Some(&protected.screen_name)).await;
    let auth = Auth::OAuth2User(Secret::new(token.clone()));
    let me = call(base, &rq2::Me::default(), &auth).await.unwrap().value;
    assert_eq!(me.data.unwrap().id.get(), id(protected));
    let mut v1 = prepare(
        base,
        &rq1::FriendshipsIncoming::default(),
        &oauth1(&facts, protected),
    );
    v1.headers_mut()
        .insert(AUTHORIZATION, format!("Bearer {token}").parse().unwrap());
    assert_eq!(json(&send(v1).await)["errors"][0]["code"], 220);

    // A wrong verifier does not get a token.
    let client = ClientConfig::public(facts.oauth2_client_id.clone(), "http://127.0.0.1/cb")
        .with_authorize_url(format!("{base}/i/oauth2/authorize"))
        .with_token_url(format!("{base}/2/oauth2/token"));
    let pending = PkceFlow::new(client.clone(), verifier(1), "s").authorize(&[]);
    let response = send(
        http::Request::get(pending.authorize_url())
            .body(Bytes::new())
            .unwrap(),
    )
    .await;
    let location = header(&response, "location").unwrap().to_owned();
    let callback = Callback::from_query(location.split_once('?').unwrap().1).unwrap();
    let other = PkceFlow::new(client, verifier(2), "s").authorize(&[]);
    let response = send(other.token_request(&callback.code, "s").unwrap()).await;
    assert_eq!(response.status(), 400);
    assert_eq!(json(&response)["error"], "invalid_request");
    emulator.shutdown().await;
}

fn verifier(byte: u8) -> twapi_auth::pkce::PkceVerifier {
    twapi_auth::pkce::PkceVerifier::from_entropy(&[byte; 32])
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_ends_cleanly() {
    let emulator = harness::start(200).await;
    let facts = emulator.facts().clone();
    let authority = facts.base_url.trim_start_matches("http://").to_owned();
    // An idle kept-alive connection does not hold the shutdown up.
    let _idle = TcpStream::connect(&authority).await.unwrap();
    still_serving(&facts).await;
    emulator.shutdown().await;
    assert!(
        TcpStream::connect(&authority).await.is_err(),
        "no longer accepting"
    );
}
