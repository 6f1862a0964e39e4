//! `--explain-auth`: a refused OAuth 1.0a signature (code 32, or v2's bare 401) also carries
//! the signature base string and normalized parameters the emulator computed, which are the
//! client's own when only a secret is wrong and show where the two sides part when the
//! request was signed for another URL; never a secret; off by default.

mod harness;

use bytes::Bytes;
use harness::{json, send, user};
use http::header::AUTHORIZATION;
use twapi_auth::oauth1::reference::request_base_string;
use twapi_auth::oauth1::{Credentials, OAuthParams, RequestParts, Signer};
use twapi_emulator::{Config, Facts};

/// A GET of `url` signed with `credentials` for `signed_url`.
fn signed_get(
    credentials: &Credentials,
    url: &str,
    signed_url: &str,
    now: u64,
) -> (http::Request<Bytes>, String) {
    let oauth = OAuthParams::new("explainnonce", now);
    let parts = RequestParts::new("GET", signed_url).unwrap();
    let header = Signer::new(credentials)
        .authorization(&parts, &oauth)
        .unwrap();
    let base = request_base_string(credentials, &parts, &oauth).unwrap();
    let request = http::Request::get(url)
        .header(AUTHORIZATION, header)
        .body(Bytes::new())
        .unwrap();
    (request, base)
}

/// The plain user's credentials with the wrong consumer secret.
fn wrong_secret(facts: &Facts) -> Credentials {
    let plain = user(facts, "plain", 0);
    Credentials::new(facts.consumer_key.clone(), "not-the-secret").with_token(
        plain.access_token.clone(),
        plain.access_token_secret.clone(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_signature_shows_what_the_emulator_signed() {
    let emulator = harness::start_with(Config {
        users: 200,
        explain_auth: true,
        ..Config::default()
    })
    .await;
    let facts = emulator.facts().clone();
    let now = twapi_auth::system::unix_now();
    let top = user(&facts, "most_followed", 0).id.clone();
    let url = format!(
        "{}/1.1/users/show.json?user_id={top}&include_entities=false",
        facts.base_url
    );

    // Only a secret is wrong: the emulator's base string is the client's own, to the byte.
    let credentials = wrong_secret(&facts);
    let (request, client_base) = signed_get(&credentials, &url, &url, now);
    let response = send(request).await;
    assert_eq!(response.status(), 401);
    let body = json(&response);
    assert_eq!(body["errors"][0]["code"], 32);
    let explained = &body["explain_auth"];
    assert_eq!(explained["signature_base_string"], client_base.as_str());
    let params = explained["normalized_parameters"].as_str().unwrap();
    assert!(
        params.starts_with("include_entities=false&oauth_consumer_key="),
        "{params}"
    );
    assert!(params.ends_with(&format!("&user_id={top}")), "{params}");
    assert_eq!(
        explained["base_string_uri"],
        format!("{}/1.1/users/show.json", facts.base_url)
    );
    // Never a secret: neither the consumer's nor the token's.
    let text = String::from_utf8_lossy(response.body()).into_owned();
    let plain = user(&facts, "plain", 0);
    assert!(!text.contains(&facts.consumer_secret));
    assert!(!text.contains(&plain.access_token_secret));

    // Signed for another host: the base strings part at the URI.
    let elsewhere = url.replace("127.0.0.1", "localhost");
    let (request, client_base) = signed_get(&facts.credentials(plain), &url, &elsewhere, now);
    let response = send(request).await;
    let explained = &json(&response)["explain_auth"];
    let server_base = explained["signature_base_string"].as_str().unwrap();
    assert_ne!(server_base, client_base);
    assert!(
        server_base.starts_with("GET&http%3A%2F%2F127.0.0.1"),
        "{server_base}"
    );
    assert!(
        client_base.starts_with("GET&http%3A%2F%2Flocalhost"),
        "{client_base}"
    );
    assert_eq!(
        explained["normalized_parameters"],
        json_params(&client_base)
    );

    // v2: X's bare 401 problem, explained the same way.
    let v2 = format!("{}/2/users/me", facts.base_url);
    let (request, client_base) = signed_get(&credentials, &v2, &v2, now);
    let response = send(request).await;
    assert_eq!(response.status(), 401);
    let body = json(&response);
    assert_eq!(body["title"], "Unauthorized");
    assert_eq!(
        body["explain_auth"]["signature_base_string"],
        client_base.as_str()
    );

    // A token the emulator never issued is code 89, not a signature to explain.
    let unknown = Credentials::new(facts.consumer_key.clone(), facts.consumer_secret.clone())
        .with_token("1-unknown", "secret");
    let (request, _) = signed_get(&unknown, &url, &url, now);
    let body = json(&send(request).await);
    assert_eq!(body["errors"][0]["code"], 89);
    assert!(body.get("explain_auth").is_none());
    emulator.shutdown().await;
}

/// The parameter part of a base string, decoded once (as the emulator reports it).
fn json_params(base: &str) -> String {
    let encoded = base.rsplit('&').next().unwrap();
    twapi_auth::percent::decode(encoded).unwrap().into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn off_by_default() {
    let emulator = harness::start(200).await;
    let facts = emulator.facts().clone();
    let url = format!("{}/1.1/users/show.json?screen_name=x", facts.base_url);
    let (request, _) = signed_get(
        &wrong_secret(&facts),
        &url,
        &url,
        twapi_auth::system::unix_now(),
    );
    let body = json(&send(request).await);
    assert_eq!(
        body,
        serde_json::json!({"errors":[{"code":32,"message":"Could not authenticate you"}]})
    );
    emulator.shutdown().await;
}
