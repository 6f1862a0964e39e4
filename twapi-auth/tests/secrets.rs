//! No type that holds a secret shows it in `Debug` (plain or pretty) or `Display`.

use std::fmt::Debug;

use bytes::Bytes;
use twapi_auth::Secret;
use twapi_auth::bearer::{AppAuth, BearerToken, basic_credential, parse_token_response};
use twapi_auth::oauth1::reference::signing_key;
use twapi_auth::oauth1::{Credentials, OAuthParams, Signer};
use twapi_auth::oauth2::{self, ClientConfig, PkceFlow, RefreshToken, Scope};
use twapi_auth::pkce::PkceVerifier;
use twapi_auth::three_legged::{self, Callback, ThreeLegged};

const CONSUMER_SECRET: &str = "ConsumerSecretValue0123456789";
const TOKEN_SECRET: &str = "TokenSecretValue0123456789";
const BEARER: &str = "BearerTokenValue0123456789";
const REFRESH: &str = "RefreshTokenValue0123456789";
const VERIFIER: &str = "PkceVerifierValue0123456789abcdefghijklmnopqrstu";
const CLIENT_SECRET: &str = "ClientSecretValue0123456789";
const SECRETS: [&str; 6] = [
    CONSUMER_SECRET,
    TOKEN_SECRET,
    BEARER,
    REFRESH,
    VERIFIER,
    CLIENT_SECRET,
];

#[track_caller]
fn assert_hidden(value: &impl Debug) {
    for rendering in [format!("{value:?}"), format!("{value:#?}")] {
        for secret in SECRETS {
            assert!(!rendering.contains(secret), "{rendering} shows {secret}");
        }
    }
}

#[track_caller]
fn assert_hidden_display(value: &(impl Debug + std::fmt::Display)) {
    assert_hidden(value);
    let rendering = value.to_string();
    for secret in SECRETS {
        assert!(!rendering.contains(secret), "{rendering} shows {secret}");
    }
}

fn response(body: &'static str) -> http::Response<Bytes> {
    http::Response::builder()
        .status(200)
        .body(Bytes::from_static(body.as_bytes()))
        .unwrap()
}

#[test]
fn oauth1_types_hide_secrets() {
    assert_hidden_display(&Secret::new(CONSUMER_SECRET));
    let credentials = Credentials::new("key", CONSUMER_SECRET).with_token("token", TOKEN_SECRET);
    assert_hidden(&credentials);
    assert_hidden(&Signer::new(&credentials));
    assert_hidden_display(&signing_key(CONSUMER_SECRET, Some(TOKEN_SECRET)));

    // The signed request's Authorization header is marked sensitive.
    let mut request = http::Request::get("https://api.x.com/2/users/me")
        .body(Bytes::new())
        .unwrap();
    Signer::new(&credentials)
        .authorize(&mut request, &OAuthParams::new("n", 1))
        .unwrap();
    assert!(request.headers()["authorization"].is_sensitive());
    assert!(format!("{:?}", request.headers()).contains("Sensitive"));
}

#[test]
fn bearer_types_hide_secrets() {
    let token = BearerToken::new(BEARER);
    assert_hidden(&token);
    let app = AppAuth::new("key", CONSUMER_SECRET);
    assert_hidden(&app);
    assert_hidden_display(&basic_credential("key", &Secret::new(CONSUMER_SECRET)));
    // Requests are `http` types: the Basic credential header is marked sensitive, and a body
    // that carries a token (invalidate_token's) is a `SecretBody`, which prints its length only.
    assert_hidden(&app.token_request().unwrap());
    assert_hidden(&app.invalidate_request(&token).unwrap());
    assert_hidden(&token.authorization().unwrap());
    assert_hidden(
        &parse_token_response(&response(
            r#"{"token_type":"bearer","access_token":"BearerTokenValue0123456789"}"#,
        ))
        .unwrap(),
    );
}

#[test]
fn oauth2_types_hide_secrets() {
    let verifier = PkceVerifier::new(VERIFIER).unwrap();
    assert_hidden(&verifier);
    let client = ClientConfig::confidential("client", CLIENT_SECRET, "https://example.com/cb");
    assert_hidden(&client);
    let flow = PkceFlow::new(client.clone(), verifier, "state");
    assert_hidden(&flow);
    let pending = flow.authorize(&[Scope::UsersRead]);
    assert_hidden(&pending);
    assert!(!pending.authorize_url().contains(VERIFIER));
    assert_hidden(&pending.token_request("code", "state").unwrap());
    let refresh = RefreshToken::new(REFRESH);
    assert_hidden(&refresh);
    assert_hidden(&client.refresh_request(&refresh).unwrap());
    assert_hidden(&client.revoke_request(&refresh).unwrap());
    let tokens = oauth2::parse_token_response(
        &response(r#"{"token_type":"bearer","access_token":"BearerTokenValue0123456789","refresh_token":"RefreshTokenValue0123456789"}"#),
        0,
    )
    .unwrap();
    assert_hidden(&tokens);
}

#[test]
fn three_legged_types_hide_secrets() {
    let flow = ThreeLegged::new(Credentials::new("key", CONSUMER_SECRET), Callback::Oob);
    assert_hidden(&flow);
    let reply = response(
        "oauth_token=req&oauth_token_secret=TokenSecretValue0123456789&oauth_callback_confirmed=true",
    );
    assert_hidden(&three_legged::parse_request_token_response(&reply).unwrap());
    let awaiting = flow.receive_request_token(&reply).unwrap();
    assert_hidden(&awaiting);
    let (request, awaiting) = awaiting.access_token_request("verifier", "n", 1).unwrap();
    assert_hidden(&request);
    assert_hidden(&awaiting);
    let grant = awaiting
        .receive_access_token(&response(
            "oauth_token=t&oauth_token_secret=TokenSecretValue0123456789&user_id=1&screen_name=x",
        ))
        .unwrap();
    assert_hidden(&grant);
}
