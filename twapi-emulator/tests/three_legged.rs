//! The 3-legged OAuth 1.0a flow over HTTP, driven by twapi-auth's typestates as any client
//! drives it: the PIN flow and the callback flow end to end, the granted credentials then
//! used on the API, and each of X's refusals.

mod harness;

use bytes::Bytes;
use harness::{call, header, json, send, start, user};
use twapi_auth::oauth1::{Credentials, OAuthParams, Signer};
use twapi_auth::three_legged::{
    AwaitingAuthorization, Callback, CallbackParams, FlowError, ThreeLegged,
    parse_access_token_response, parse_request_token_response,
};
use twapi_core::Auth;
use twapi_core::request::v2 as rq2;
use twapi_emulator::Facts;

fn nonce() -> String {
    twapi_auth::system::nonce().expect("the OS has randomness")
}

fn now() -> u64 {
    twapi_auth::system::unix_now()
}

fn consumer(facts: &Facts) -> Credentials {
    Credentials::new(facts.consumer_key.clone(), facts.consumer_secret.clone())
}

fn flow(facts: &Facts, callback: Callback) -> ThreeLegged {
    ThreeLegged::new(consumer(facts), callback).with_base_url(facts.base_url.clone())
}

/// Step 1: a request token for `callback`.
async fn request_token(facts: &Facts, callback: Callback) -> AwaitingAuthorization {
    let flow = flow(facts, callback);
    let response = send(flow.request_token_request(&nonce(), now()).unwrap()).await;
    assert_eq!(response.status(), 200, "{:?}", response.body());
    assert_eq!(
        header(&response, "content-type"),
        Some("text/html;charset=utf-8")
    );
    flow.receive_request_token(&response)
        .expect("a request token")
}

/// Opens `url` as the user's browser would.
async fn open(url: &str) -> http::Response<Bytes> {
    send(http::Request::get(url).body(Bytes::new()).unwrap()).await
}

/// The PIN an authorize page shows.
fn pin(page: &http::Response<Bytes>) -> String {
    let page = std::str::from_utf8(page.body()).unwrap();
    let (_, after) = page.split_once("<div id=\"oauth_pin\">").expect("a PIN");
    let (_, after) = after.split_once("<code>").unwrap();
    after.split_once("</code>").unwrap().0.to_owned()
}

#[tokio::test]
async fn the_pin_flow_grants_credentials_that_work() {
    let emulator = start(2_000).await;
    let facts = emulator.facts();
    let awaiting = request_token(facts, Callback::Oob).await;
    let page = open(&awaiting.authorize_url()).await;
    assert_eq!(page.status(), 200);
    let pin = pin(&page);
    assert!(
        pin.len() == 7 && pin.bytes().all(|b| b.is_ascii_digit()),
        "{pin}"
    );

    let (request, awaiting) = awaiting
        .access_token_request(&pin, &nonce(), now())
        .unwrap();
    let response = send(request).await;
    assert_eq!(response.status(), 200, "{:?}", response.body());
    let grant = awaiting.receive_access_token(&response).unwrap();
    let plain = user(facts, "plain", 0);
    assert_eq!(grant.user_id(), plain.id);
    assert_eq!(grant.screen_name(), plain.screen_name);
    // The very credentials the emulator hands out for that user.
    assert_eq!(grant.credentials(), &facts.credentials(plain));

    let me = call(
        &facts.base_url,
        &rq2::Me::default(),
        &Auth::oauth1(grant.credentials()),
    )
    .await
    .expect("the granted credentials work");
    assert_eq!(me.value.data.unwrap().id.get().to_string(), plain.id);
}

#[tokio::test]
async fn the_callback_flow_redirects_with_a_verifier() {
    let emulator = start(2_000).await;
    let facts = emulator.facts();
    let callback = "http://127.0.0.1:1/done?app=1";
    let awaiting = request_token(facts, Callback::Url(callback.into())).await;
    let chosen = user(facts, "most_followed", 0);
    // "Sign in with X", as the user the emulator's own `login` names.
    let url = format!(
        "{}&login={}",
        awaiting.authenticate_url(),
        chosen.screen_name
    );
    let response = open(&url).await;
    assert_eq!(response.status(), 302, "{:?}", response.body());
    let location = header(&response, "location").unwrap();
    let query = location
        .strip_prefix("http://127.0.0.1:1/done?app=1&")
        .unwrap();
    let params = CallbackParams::from_query(query).unwrap();
    assert_eq!(params.oauth_token, awaiting.request_token());

    let (request, awaiting) = awaiting
        .access_token_request(&params.oauth_verifier, &nonce(), now())
        .unwrap();
    let grant = awaiting.receive_access_token(&send(request).await).unwrap();
    assert_eq!(grant.credentials(), &facts.credentials(chosen));
    let me = call(
        &facts.base_url,
        &rq2::Me::default(),
        &Auth::oauth1(grant.credentials()),
    )
    .await
    .unwrap();
    assert_eq!(me.value.data.unwrap().id.get().to_string(), chosen.id);
}

/// Signs `request` with `credentials`, sends it, and checks it grants the first `plain`
/// user's credentials.
async fn exchange_grants_plain(
    facts: &Facts,
    credentials: &Credentials,
    mut request: http::Request<Bytes>,
) {
    Signer::new(credentials)
        .authorize(&mut request, &OAuthParams::new(&nonce(), now()))
        .unwrap();
    let response = send(request).await;
    assert_eq!(response.status(), 200, "{:?}", response.body());
    let grant = parse_access_token_response(&consumer(facts), &response).unwrap();
    assert_eq!(
        grant.credentials(),
        &facts.credentials(user(facts, "plain", 0))
    );
}

/// X takes `oauth_verifier` as a form parameter too (signed as one), and the authenticate
/// page shows a PIN as the authorize page does.
#[tokio::test]
async fn the_verifier_may_travel_in_the_body() {
    let emulator = start(2_000).await;
    let facts = emulator.facts();
    let flow = flow(facts, Callback::Oob);
    let response = send(flow.request_token_request(&nonce(), now()).unwrap()).await;
    let token = parse_request_token_response(&response).unwrap();
    let awaiting = flow.receive_request_token(&response).unwrap();
    let pin = pin(&open(&awaiting.authenticate_url()).await);
    let credentials = consumer(facts).with_token(token.token, token.secret);
    let request = http::Request::post(format!("{}/oauth/access_token", facts.base_url))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Bytes::from(format!("oauth_verifier={pin}")))
        .unwrap();
    exchange_grants_plain(facts, &credentials, request).await;
}

/// X's own example of the exchange: `oauth_token` and `oauth_verifier` in the query, the
/// header signed with the consumer secret alone.
#[tokio::test]
async fn the_request_token_may_travel_in_the_query() {
    let emulator = start(2_000).await;
    let facts = emulator.facts();
    let awaiting = request_token(facts, Callback::Oob).await;
    let pin = pin(&open(&awaiting.authorize_url()).await);
    let request = http::Request::post(format!(
        "{}/oauth/access_token?oauth_token={}&oauth_verifier={pin}",
        facts.base_url,
        awaiting.request_token()
    ))
    .body(Bytes::new())
    .unwrap();
    exchange_grants_plain(facts, &consumer(facts), request).await;
}

#[tokio::test]
async fn refusals_are_x_s() {
    let emulator = start(2_000).await;
    let facts = emulator.facts();

    // No callback, or one that is no URL: 403 code 415.
    let request_url = format!("{}/oauth/request_token", facts.base_url);
    for callback in [None, Some("not a url")] {
        let mut request = http::Request::post(&request_url)
            .body(Bytes::new())
            .unwrap();
        let nonce = nonce();
        let mut params = OAuthParams::new(&nonce, now());
        if let Some(callback) = callback {
            params = params.with_callback(callback);
        }
        Signer::new(&consumer(facts))
            .authorize(&mut request, &params)
            .unwrap();
        let response = send(request).await;
        assert_eq!(response.status(), 403, "{callback:?}");
        assert_eq!(json(&response)["errors"][0]["code"], 415);
    }
    // Signed with another consumer secret: 401 code 32.
    let forged = ThreeLegged::new(
        Credentials::new(facts.consumer_key.clone(), "not-the-secret"),
        Callback::Oob,
    )
    .with_base_url(facts.base_url.clone());
    let response = send(forged.request_token_request(&nonce(), now()).unwrap()).await;
    assert_eq!(response.status(), 401);
    assert!(matches!(
        forged.receive_request_token(&response),
        Err(FlowError::Api { errors, .. }) if errors[0].code == 32
    ));
    // Unsigned: 400 code 215.
    let response = send(
        http::Request::post(&request_url)
            .body(Bytes::new())
            .unwrap(),
    )
    .await;
    assert_eq!(response.status(), 400);
    assert_eq!(json(&response)["errors"][0]["code"], 215);

    // A wrong PIN spends the request token: the right one then finds it gone.
    let awaiting = request_token(facts, Callback::Oob).await;
    let right = pin(&open(&awaiting.authorize_url()).await);
    let wrong = if right == "0000000" {
        "1111111"
    } else {
        "0000000"
    };
    let (request, _) = awaiting
        .clone()
        .access_token_request(wrong, &nonce(), now())
        .unwrap();
    let response = send(request).await;
    assert_eq!(response.status(), 401);
    assert_eq!(
        response.body(),
        "Error processing your OAuth request: Invalid oauth_verifier parameter"
    );
    let (request, _) = awaiting
        .access_token_request(&right, &nonce(), now())
        .unwrap();
    let response = send(request).await;
    assert_eq!(response.status(), 401);
    assert_eq!(response.body(), "Invalid request token.");

    // A token spent by a good exchange cannot be exchanged again, nor authorized again.
    let awaiting = request_token(facts, Callback::Oob).await;
    let right = pin(&open(&awaiting.authorize_url()).await);
    let (request, _) = awaiting
        .clone()
        .access_token_request(&right, &nonce(), now())
        .unwrap();
    assert_eq!(send(request).await.status(), 200);
    let (request, next) = awaiting
        .clone()
        .access_token_request(&right, &nonce(), now())
        .unwrap();
    let response = send(request).await;
    assert_eq!(response.status(), 401);
    assert!(matches!(next.receive_access_token(&response), Err(FlowError::Status(s)) if s == 401));
    assert_eq!(open(&awaiting.authorize_url()).await.status(), 403);

    // Exchanged before the user authorized: no verifier was issued.
    let awaiting = request_token(facts, Callback::Oob).await;
    let (request, _) = awaiting
        .access_token_request("1234567", &nonce(), now())
        .unwrap();
    assert_eq!(send(request).await.status(), 401);

    // An unknown request token.
    let response = open(&format!(
        "{}/oauth/authorize?oauth_token=nope",
        facts.base_url
    ))
    .await;
    assert_eq!(response.status(), 403);
    assert!(
        std::str::from_utf8(response.body())
            .unwrap()
            .contains("request token for this page is invalid")
    );

    // The user declines (the emulator's `login` names nobody): the callback says `denied`.
    let awaiting = request_token(facts, Callback::Url("http://127.0.0.1:1/cb".into())).await;
    let response = open(&format!(
        "{}&login=nobody_at_all_here",
        awaiting.authorize_url()
    ))
    .await;
    assert_eq!(response.status(), 302);
    let location = header(&response, "location").unwrap();
    let query = location.split_once('?').unwrap().1;
    assert!(matches!(
        CallbackParams::from_query(query),
        Err(FlowError::Denied(token)) if token == awaiting.request_token()
    ));
}
