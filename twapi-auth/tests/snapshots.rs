//! Snapshots of the `Authorization` header (fixed nonce and timestamp) and of every request
//! the token flows build (method, URI, headers, body), plus the decoded token responses.

use bytes::Bytes;
use insta::{assert_debug_snapshot, assert_snapshot};
use twapi_auth::bearer::{AppAuth, BearerToken, parse_invalidate_response, parse_token_response};
use twapi_auth::oauth1::{Credentials, OAuthParams, RequestParts, Signer};
use twapi_auth::oauth2::{self, ClientConfig, PkceFlow, RefreshToken, Scope};
use twapi_auth::pkce::PkceVerifier;
use twapi_auth::three_legged::{Callback, ThreeLegged};

const NONCE: &str = "kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg";
const TIMESTAMP: u64 = 1_318_622_958;

fn docs_credentials() -> Credentials {
    Credentials::new(
        "xvz1evFS4wEEPTGEFPHBog",
        "kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw",
    )
    .with_token(
        "370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb",
        "LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE",
    )
}

/// `METHOD URI`, the headers one per line (sorted), a blank line, the body.
fn render<B: AsRef<[u8]>>(request: &http::Request<B>) -> String {
    let mut headers: Vec<String> = request
        .headers()
        .iter()
        .map(|(name, value)| format!("{name}: {}", value.to_str().expect("ASCII header")))
        .collect();
    headers.sort();
    let body = std::str::from_utf8(request.body().as_ref()).expect("UTF-8 body");
    format!(
        "{} {}\n{}\n\n{body}",
        request.method(),
        request.uri(),
        headers.join("\n")
    )
}

fn response(status: u16, body: &'static str) -> http::Response<Bytes> {
    http::Response::builder()
        .status(status)
        .body(Bytes::from_static(body.as_bytes()))
        .expect("valid response")
}

#[test]
fn oauth1_authorization_headers() {
    let signer = Signer::new(&docs_credentials());
    let oauth = OAuthParams::new(NONCE, TIMESTAMP);

    let followers = RequestParts::new(
        "GET",
        "https://api.x.com/1.1/followers/ids.json?screen_name=XDevelopers&count=5000&cursor=-1&stringify_ids=true",
    )
    .unwrap();
    assert_snapshot!(
        "followers_ids_header",
        signer.authorization(&followers, &oauth).unwrap()
    );

    let pairs = [
        ("user_id", "2244994945"),
        ("retweets", "false"),
        ("device", "true"),
    ];
    let update = RequestParts::new("POST", "https://api.x.com/1.1/friendships/update.json")
        .unwrap()
        .with_form_pairs(&pairs);
    assert_snapshot!(
        "friendships_update_form_header",
        signer.authorization(&update, &oauth).unwrap()
    );

    // A v2 JSON body is not signed: only the method and URL are.
    let mut follow = http::Request::post("https://api.x.com/2/users/2244994945/following")
        .header("content-type", "application/json")
        .body(Bytes::from_static(br#"{"target_user_id":"6253282"}"#))
        .unwrap();
    signer.authorize(&mut follow, &oauth).unwrap();
    assert_snapshot!("follow_json_request", render(&follow));
    // On api.twitter.com it carries the signature of the derived vector
    // "derived-v2-follow-json-body-not-signed".
    let mut follow = http::Request::post("https://api.twitter.com/2/users/2244994945/following")
        .header("content-type", "application/json")
        .body(Bytes::from_static(br#"{"target_user_id":"6253282"}"#))
        .unwrap();
    signer.authorize(&mut follow, &oauth).unwrap();
    let header = follow.headers()["authorization"].to_str().unwrap();
    assert!(
        header.contains(r#"oauth_signature="Dwj%2FJQpFinXjyruOlzmXq6T3pRw%3D""#),
        "{header}"
    );
}

#[test]
fn bearer_requests() {
    let app = AppAuth::new(
        "xvz1evFS4wEEPTGEFPHBog",
        "L8qq9PZyRg6ieKGEKhZolGC0vJWLw8iEJ88DRdyOg",
    );
    assert_snapshot!(
        "bearer_token_request",
        render(&app.token_request().unwrap())
    );
    let token = BearerToken::new("AAAA%2FAAA%3DAAAAAAAA");
    assert_snapshot!(
        "bearer_invalidate_request",
        render(&app.invalidate_request(&token).unwrap())
    );
    let emulator = app.with_base_url("http://127.0.0.1:8080/");
    assert_snapshot!(
        "bearer_token_request_emulator",
        render(&emulator.token_request().unwrap())
    );

    let obtained = parse_token_response(&response(
        200,
        r#"{"token_type":"bearer","access_token":"AAAAAAAAAAAAAAAAAAAAAMLheAAAAAAA0%2BuSeid"}"#,
    ))
    .unwrap();
    assert_eq!(
        obtained.expose(),
        "AAAAAAAAAAAAAAAAAAAAAMLheAAAAAAA0%2BuSeid"
    );
    assert_eq!(
        obtained.authorization().unwrap(),
        "Bearer AAAAAAAAAAAAAAAAAAAAAMLheAAAAAAA0%2BuSeid"
    );
    let invalidated = parse_invalidate_response(&response(
        200,
        r#"{"access_token":"AAAA%2FAAA%3DAAAAAAAA"}"#,
    ))
    .unwrap();
    assert_eq!(invalidated, token);
}

fn verifier() -> PkceVerifier {
    PkceVerifier::new("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk").unwrap()
}

#[test]
fn oauth2_public_client_requests() {
    let client = ClientConfig::public("cl13nt-1d", "https://example.com/callback?app=1");
    let pending = PkceFlow::new(client.clone(), verifier(), "st4te").authorize(&[
        Scope::TweetRead,
        Scope::UsersRead,
        Scope::FollowsRead,
        Scope::FollowsWrite,
        Scope::OfflineAccess,
    ]);
    assert_snapshot!("oauth2_authorize_url", pending.authorize_url());
    assert_snapshot!(
        "oauth2_token_request_public",
        render(&pending.token_request("c0de", "st4te").unwrap())
    );
    let refresh = RefreshToken::new("bWVudGlvbnM6cmVmcmVzaA");
    assert_snapshot!(
        "oauth2_refresh_request_public",
        render(&client.refresh_request(&refresh).unwrap())
    );
    assert_snapshot!(
        "oauth2_revoke_refresh_public",
        render(&client.revoke_request(&refresh).unwrap())
    );
    let access = BearerToken::new("YWNjZXNzOnRva2Vu");
    assert_snapshot!(
        "oauth2_revoke_access_public",
        render(&client.revoke_request(&access).unwrap())
    );
}

#[test]
fn oauth2_confidential_client_requests() {
    let client = ClientConfig::confidential(
        "cl13nt-1d",
        "cl13nt-s3cr3t",
        "http://127.0.0.1:8080/callback",
    )
    .with_authorize_url("http://127.0.0.1:8080/i/oauth2/authorize")
    .with_token_url("http://127.0.0.1:8080/2/oauth2/token")
    .with_revoke_url("http://127.0.0.1:8080/2/oauth2/revoke");
    let pending = PkceFlow::new(client.clone(), verifier(), "st4te").authorize(&[Scope::UsersRead]);
    assert_snapshot!("oauth2_authorize_url_emulator", pending.authorize_url());
    assert_snapshot!(
        "oauth2_token_request_confidential",
        render(&pending.token_request("c0de", "st4te").unwrap())
    );
    let refresh = RefreshToken::new("bWVudGlvbnM6cmVmcmVzaA");
    assert_snapshot!(
        "oauth2_refresh_request_confidential",
        render(&client.refresh_request(&refresh).unwrap())
    );
    assert_snapshot!(
        "oauth2_revoke_refresh_confidential",
        render(&client.revoke_request(&refresh).unwrap())
    );
}

#[test]
fn oauth2_token_responses() {
    let tokens = oauth2::parse_token_response(
        &response(
            200,
            r#"{"token_type":"bearer","expires_in":7200,"access_token":"YWNjZXNzOnRva2Vu","scope":"tweet.read users.read follows.read offline.access space.read","refresh_token":"bWVudGlvbnM6cmVmcmVzaA"}"#,
        ),
        1_700_000_000,
    )
    .unwrap();
    assert_debug_snapshot!("oauth2_token_set", tokens);
    assert_eq!(tokens.access_token().expose(), "YWNjZXNzOnRva2Vu");
    assert_eq!(
        tokens.refresh_token().map(RefreshToken::expose),
        Some("bWVudGlvbnM6cmVmcmVzaA")
    );

    let minimal = oauth2::parse_token_response(
        &response(200, r#"{"token_type":"bearer","access_token":"YWNjZXNz"}"#),
        1_700_000_000,
    )
    .unwrap();
    assert_eq!(
        (
            minimal.expires_at(),
            minimal.refresh_token(),
            minimal.scopes()
        ),
        (None, None, &[][..])
    );
    assert!(oauth2::parse_revoke_response(&response(200, r#"{"revoked":true}"#)).is_ok());
}

#[test]
fn three_legged_requests() {
    let consumer = Credentials::new(
        "cChZNFj6T5R0TigYB9yd1w",
        "L8qq9PZyRg6ieKGEKhZolGC0vJWLw8iEJ88DRdyOg",
    );
    let flow = ThreeLegged::new(
        consumer.clone(),
        Callback::Url("http://localhost/sign-in-with-twitter/".into()),
    );
    assert_snapshot!(
        "three_legged_request_token",
        render(
            &flow
                .request_token_request("ea9ec8429b68d6b77cd5600adbbb0456", 1_318_467_427)
                .unwrap()
        )
    );
    // Against api.twitter.com the flow reproduces the published "Sign in with Twitter" values.
    let published = flow.clone().with_base_url("https://api.twitter.com");
    let request = published
        .request_token_request("ea9ec8429b68d6b77cd5600adbbb0456", 1_318_467_427)
        .unwrap();
    let header = request.headers()["authorization"].to_str().unwrap();
    assert!(
        header.contains(r#"oauth_signature="F1Li3tvehgcraF8DMJ7OyxO4w9Y%3D""#),
        "{header}"
    );
    let published = published
        .receive_request_token(&response(
            200,
            "oauth_token=NPcudxy0yU5T3tBzho7iCotZ3cnetKwcTIRlX0iwRl0&oauth_token_secret=veNRnAWe6inFuo8o2u8SLLZLjolYDmDP7SzL0YfYI&oauth_callback_confirmed=true",
        ))
        .unwrap();
    let (request, _) = published
        .access_token_request(
            "uw7NjWHT6OJ1MpJOXsHfNxoAhPKpgI8BlYDhxEjIBY",
            "a9900fe68e2573b27a37f10fbad6a755",
            1_318_467_427,
        )
        .unwrap();
    let header = request.headers()["authorization"].to_str().unwrap();
    assert!(
        header.contains(r#"oauth_signature="39cipBtIOHEEnybAR4sATQTpl2I%3D""#),
        "{header}"
    );

    let oob = ThreeLegged::new(consumer, Callback::Oob).with_base_url("http://127.0.0.1:8080");
    assert_snapshot!(
        "three_legged_request_token_oob_emulator",
        render(
            &oob.request_token_request("ea9ec8429b68d6b77cd5600adbbb0456", 1_318_467_427)
                .unwrap()
        )
    );

    let awaiting = flow
        .receive_request_token(&response(
            200,
            "oauth_token=NPcudxy0yU5T3tBzho7iCotZ3cnetKwcTIRlX0iwRl0&oauth_token_secret=veNRnAWe6inFuo8o2u8SLLZLjolYDmDP7SzL0YfYI&oauth_callback_confirmed=true",
        ))
        .unwrap();
    assert_snapshot!("three_legged_authorize_url", awaiting.authorize_url());
    assert_snapshot!("three_legged_authenticate_url", awaiting.authenticate_url());
    let (request, awaiting) = awaiting
        .access_token_request(
            "uw7NjWHT6OJ1MpJOXsHfNxoAhPKpgI8BlYDhxEjIBY",
            "a9900fe68e2573b27a37f10fbad6a755",
            1_318_467_427,
        )
        .unwrap();
    assert_snapshot!("three_legged_access_token", render(&request));
    let grant = awaiting
        .receive_access_token(&response(
            200,
            "oauth_token=7588892-kagSNqWge8gB1WwE3plnFsJHAZVfxWD7Vb57p0b4&oauth_token_secret=PbKfYqSryyeKDWz4ebtY3o5ogNLG11WJuZBc9fQrQo&user_id=7588892&screen_name=kurrik",
        ))
        .unwrap();
    assert_debug_snapshot!("three_legged_access_grant", grant);
}
