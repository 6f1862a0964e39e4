//! The emulator takes what X takes and answers what X answers (issue 24 item 3): the OAuth 2.0
//! calls as X's own SDKs and popular clients send them (`s256` in lower case, parameters as a
//! JSON body, client credentials in Basic or in the body, PKCE verifiers of any length), and
//! v2 path and query parameters that break the OpenAPI patterns answered with X's
//! `invalid-request` problem quoting the pattern, not a 404.

mod harness;
#[path = "../../tests-support/shared_reference.rs"]
mod shared_reference;

use bytes::Bytes;
use harness::{app, header, json, prepare, send, user};
use http::header::{AUTHORIZATION, CONTENT_TYPE};
use twapi_core::Auth;
use twapi_core::request::v2 as rq2;
use twapi_emulator::Facts;

const REDIRECT: &str = "http://127.0.0.1/callback";

/// `BASE64URL(SHA256(verifier))`, as a client computes its challenge.
fn s256(verifier: &str) -> String {
    use base64::Engine as _;
    use sha2::Digest as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(sha2::Sha256::digest(verifier))
}

/// Runs the authorize step with `method` as `code_challenge_method` and returns the redirect's
/// code, or the error the redirect carries.
async fn authorize(
    facts: &Facts,
    challenge: &str,
    method: &str,
    scope: &str,
) -> Result<String, String> {
    let url = format!(
        "{}/i/oauth2/authorize?response_type=code&client_id={}&redirect_uri={}&scope={}&state=st&code_challenge={challenge}&code_challenge_method={method}",
        facts.base_url,
        facts.oauth2_client_id,
        twapi_auth::percent::encode(REDIRECT),
        twapi_auth::percent::encode(scope),
    );
    let response = send(http::Request::get(url).body(Bytes::new()).unwrap()).await;
    assert_eq!(response.status(), 302);
    let location = header(&response, "location").unwrap();
    let query = location.split_once('?').unwrap().1;
    let pairs: Vec<(&str, &str)> = query.split('&').filter_map(|p| p.split_once('=')).collect();
    let get = |name| {
        pairs
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| (*v).to_owned())
    };
    get("code").ok_or_else(|| get("error").unwrap_or_default())
}

/// A POST of `body` with `content_type` to `path`, with an optional Basic credential.
async fn post(
    facts: &Facts,
    path: &str,
    content_type: &str,
    body: String,
    basic: Option<(&str, &str)>,
) -> http::Response<Bytes> {
    let mut request = http::Request::post(format!("{}{path}", facts.base_url))
        .header(CONTENT_TYPE, content_type)
        .body(Bytes::from(body))
        .unwrap();
    if let Some((id, secret)) = basic {
        use base64::Engine as _;
        let credential = base64::engine::general_purpose::STANDARD.encode(format!("{id}:{secret}"));
        request.headers_mut().insert(
            AUTHORIZATION,
            format!("Basic {credential}").parse().unwrap(),
        );
    }
    send(request).await
}

/// A POST of `body` as JSON, the client id in the body (or nowhere), as a JavaScript client
/// sends it.
async fn post_json(facts: &Facts, path: &str, body: &serde_json::Value) -> http::Response<Bytes> {
    post(facts, path, "application/json", body.to_string(), None).await
}

async fn me_with(facts: &Facts, token: &str) -> u16 {
    let auth = Auth::OAuth2User(twapi_auth::Secret::new(token.to_owned()));
    send(prepare(&facts.base_url, &rq2::Me::default(), &auth))
        .await
        .status()
        .as_u16()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oauth2_as_real_clients_send_it() {
    let emulator = harness::start(200).await;
    let facts = emulator.facts().clone();
    let client_id = facts.oauth2_client_id.clone();

    // `s256` in lower case (X's TypeScript SDK), `PLAIN` in upper case: both taken.
    let verifier = "v".repeat(50);
    assert!(
        authorize(&facts, &s256(&verifier), "s256", "users.read")
            .await
            .is_ok()
    );
    assert!(
        authorize(&facts, &verifier, "PLAIN", "users.read")
            .await
            .is_ok()
    );
    // An unknown method is still refused, on the redirect, as X does.
    assert_eq!(
        authorize(&facts, &verifier, "S512", "users.read").await,
        Err("invalid_request".to_owned())
    );

    // The token call as JSON, with a verifier shorter than RFC 7636's 43 characters and the
    // client id in the body; then the refresh and the revocation as JSON too.
    let short = "short-verifier";
    let code = authorize(&facts, &s256(short), "s256", "users.read offline.access")
        .await
        .unwrap();
    let body = serde_json::json!({
        "code": code, "grant_type": "authorization_code", "code_verifier": short,
        "client_id": client_id, "redirect_uri": REDIRECT,
    });
    let response = post_json(&facts, "/2/oauth2/token", &body).await;
    assert_eq!(response.status(), 200, "{:?}", response.body());
    let grant = json(&response);
    let access = grant["access_token"].as_str().unwrap().to_owned();
    let refresh = grant["refresh_token"].as_str().unwrap().to_owned();
    assert_eq!(me_with(&facts, &access).await, 200);

    let body = serde_json::json!({"grant_type": "refresh_token", "refresh_token": refresh, "client_id": client_id});
    let response = post(
        &facts,
        "/2/oauth2/token",
        "application/json;charset=utf-8",
        body.to_string(),
        None,
    )
    .await;
    assert_eq!(response.status(), 200, "{:?}", response.body());
    let refreshed = json(&response)["access_token"].as_str().unwrap().to_owned();
    assert_eq!(me_with(&facts, &refreshed).await, 200);

    let body = serde_json::json!({"token": refreshed, "token_type_hint": "access_token", "client_id": client_id});
    let response = post_json(&facts, "/2/oauth2/revoke", &body).await;
    assert_eq!(json(&response)["revoked"], true);
    assert_eq!(me_with(&facts, &refreshed).await, 401);

    // A confidential client: form body, client credentials in Basic only, a verifier longer
    // than 128 characters.
    let long = "L".repeat(200);
    let code = authorize(&facts, &s256(&long), "S256", "users.read")
        .await
        .unwrap();
    let form = format!(
        "code={code}&grant_type=authorization_code&code_verifier={long}&redirect_uri={}",
        twapi_auth::percent::encode(REDIRECT)
    );
    let response = post(
        &facts,
        "/2/oauth2/token",
        "application/x-www-form-urlencoded",
        form,
        Some((&client_id, "a-client-secret")),
    )
    .await;
    assert_eq!(response.status(), 200, "{:?}", response.body());

    // The check still bites: a wrong verifier, an empty one, or no client id at all.
    for (verifier, client) in [
        ("wrong", Some(client_id.as_str())),
        ("", Some(client_id.as_str())),
        (short, None),
    ] {
        let code = authorize(&facts, &s256(short), "s256", "users.read")
            .await
            .unwrap();
        let mut body = serde_json::json!({
            "code": code, "grant_type": "authorization_code", "code_verifier": verifier,
            "redirect_uri": REDIRECT,
        });
        if let Some(client) = client {
            body["client_id"] = client.into();
        }
        let response = post_json(&facts, "/2/oauth2/token", &body).await;
        assert!(
            matches!(response.status().as_u16(), 400 | 401),
            "{verifier:?} {client:?}"
        );
    }
    // A body that is neither form nor JSON object.
    let response = post(
        &facts,
        "/2/oauth2/token",
        "application/json",
        "[1,2]".to_owned(),
        None,
    )
    .await;
    assert_eq!(response.status(), 400);
    emulator.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn app_only_token_calls_take_json_too() {
    let emulator = harness::start(200).await;
    let facts = emulator.facts().clone();
    let app_credentials = (facts.consumer_key.as_str(), facts.consumer_secret.as_str());
    let body = r#"{"grant_type":"client_credentials"}"#.to_owned();
    let response = post(
        &facts,
        "/oauth2/token",
        "application/json",
        body,
        Some(app_credentials),
    )
    .await;
    assert_eq!(response.status(), 200);
    assert_eq!(json(&response)["access_token"], facts.bearer_token);
    emulator.shutdown().await;
}

/// A raw v2 GET with the app's bearer token.
async fn get(facts: &Facts, target: &str) -> http::Response<Bytes> {
    let Auth::AppOnly(token) = app(facts) else {
        unreachable!()
    };
    send(
        http::Request::get(format!("{}{target}", facts.base_url))
            .header(AUTHORIZATION, format!("Bearer {}", token.expose()))
            .body(Bytes::new())
            .unwrap(),
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn v2_parameters_against_the_openapi_patterns() {
    let emulator = harness::start(200).await;
    let facts = emulator.facts().clone();

    // A username of 17 characters: 400 invalid-request quoting the pattern, not a 404.
    let response = get(&facts, "/2/users/by/username/seventeen_chars_x").await;
    assert_eq!(response.status(), 400);
    insta::assert_json_snapshot!("v2_username_too_long", json(&response));

    // Each path parameter the spec gives `^[0-9]{1,19}$`: letters, or 20 digits. X calls such
    // an id "not valid" without quoting the pattern (a body recorded in 2022 for
    // `/2/tweets/:id`: ``The `id` query parameter value [:id] is not valid``).
    for (target, param, value) in [
        ("/2/users/abc", "id", "abc"),
        (
            "/2/users/12345678901234567890/followers",
            "id",
            "12345678901234567890",
        ),
        ("/2/users/x1/following", "id", "x1"),
        ("/2/users/me1/affiliates", "id", "me1"),
    ] {
        let response = get(&facts, target).await;
        assert_eq!(response.status(), 400, "{target}");
        let body = json(&response);
        assert_eq!(body["title"], "Invalid Request");
        assert_eq!(
            body["detail"],
            "One or more parameters to your request was invalid."
        );
        assert_eq!(body["type"], "https://api.x.com/2/problems/invalid-request");
        assert_eq!(body["errors"][0]["parameters"][param][0], value, "{target}");
        assert_eq!(
            body["errors"][0]["message"],
            format!("The `{param}` query parameter value [{value}] is not valid"),
        );
    }

    // The writes' path parameters, as their owner calls them.
    let plain = user(&facts, "plain", 0);
    let url = format!(
        "{}/2/users/{}/following/not_an_id",
        facts.base_url, plain.id
    );
    let response = send(signed_delete(&facts, plain, &url)).await;
    assert_eq!(response.status(), 400);
    assert_eq!(
        json(&response)["errors"][0]["parameters"]["target_user_id"][0],
        "not_an_id"
    );

    // Query lists: each item against its pattern.
    let response = get(&facts, "/2/users/by?usernames=ok_name,bad-name").await;
    assert_eq!(response.status(), 400);
    let body = json(&response);
    let message = body["errors"][0]["message"].as_str().unwrap();
    assert!(
        message.ends_with("does not match ^[A-Za-z0-9_]{1,15}$"),
        "{message}"
    );

    // A parameter given twice, in X's words.
    let response = get(&facts, "/2/users/by?usernames=a&usernames=b").await;
    assert_eq!(
        json(&response)["errors"][0]["message"],
        "Duplicate parameters are not allowed: the `usernames` query parameter"
    );
    // A parameter the endpoint does not take: X refuses it and lists those it takes (a body
    // recorded in 2020: OAuth parameters sent in the query of a v2 look-up).
    let response = get(
        &facts,
        "/2/users/by/username/jack?user.fields=id&oauth_signature_method=HMAC-SHA1",
    )
    .await;
    assert_eq!(response.status(), 400);
    insta::assert_json_snapshot!("v2_unknown_query_parameter", json(&response));
    // 2.167's names are taken beside the classic ones.
    let response = get(
        &facts,
        &format!(
            "/2/users/by/username/{}?post.fields=id&expansions=pinned_tweet_id",
            user(&facts, "plain", 0).screen_name
        ),
    )
    .await;
    assert_eq!(response.status(), 200);

    // Structure still decides: a path that is no endpoint is X's 404 code 34.
    let response = get(&facts, "/2/users/abc/nothing").await;
    assert_eq!(response.status(), 404);
    emulator.shutdown().await;
}

/// A `DELETE` of `url` signed (OAuth 1.0a) as `user`.
fn signed_delete(
    facts: &Facts,
    user: &twapi_emulator::DemoUser,
    url: &str,
) -> http::Request<Bytes> {
    use twapi_auth::oauth1::{OAuthParams, RequestParts, Signer};
    let nonce = twapi_auth::system::nonce().unwrap();
    let authorization = Signer::new(&facts.credentials(user))
        .authorization(
            &RequestParts::new("DELETE", url).unwrap(),
            &OAuthParams::new(&nonce, twapi_auth::system::unix_now()),
        )
        .unwrap();
    http::Request::delete(url)
        .header(AUTHORIZATION, authorization)
        .body(Bytes::new())
        .unwrap()
}

/// Every v2 operation of the spec that the emulator serves, asked with a parameter it does not
/// take: the parameters X's answer lists are the spec's (path and query), in either
/// vocabulary's name for the post fields.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_v2_endpoint_knows_the_specs_parameters() {
    let Some(spec) = shared_reference::path("openapi/x-api-v2-openapi-2.167.json") else {
        return;
    };
    let spec: serde_json::Value = serde_json::from_slice(&std::fs::read(spec).unwrap()).unwrap();
    let emulator = harness::start(200).await;
    let facts = emulator.facts().clone();
    let plain = user(&facts, "plain", 0);
    let token = emulator.oauth2_user_token(plain).unwrap();
    let mut checked = 0;
    for endpoint in twapi_core::EndpointId::ALL {
        let descriptor = endpoint.descriptor();
        if descriptor.version != twapi_core::endpoint::ApiVersion::V2 {
            continue;
        }
        let template: String = descriptor
            .path
            .split('/')
            .map(|part| {
                part.strip_prefix(':')
                    .map_or_else(|| part.to_owned(), |name| format!("{{{name}}}"))
            })
            .collect::<Vec<_>>()
            .join("/");
        let method = descriptor.method.as_str().to_ascii_lowercase();
        let operation = &spec["paths"][&template][&method];
        assert!(operation.is_object(), "{template} {method} is in the spec");
        let mut expected: Vec<String> = operation["parameters"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| {
                let p = resolve(&spec, p);
                let name = p["name"].as_str().unwrap();
                if name == "post.fields" {
                    "tweet.fields".to_owned()
                } else {
                    name.to_owned()
                }
            })
            .collect();
        expected.sort();
        let path = descriptor
            .path
            .replace(":source_user_id", &plain.id)
            .replace(":target_user_id", &plain.id)
            .replace(":id", &plain.id)
            .replace(":username", &plain.screen_name);
        let request = http::Request::builder()
            .method(descriptor.method.clone())
            .uri(format!("{}{path}?zz_unknown=1", facts.base_url))
            .header(AUTHORIZATION, format!("Bearer {token}"))
            .header(CONTENT_TYPE, "application/json")
            .body(Bytes::from_static(b"{}"))
            .unwrap();
        let response = send(request).await;
        assert_eq!(response.status(), 400, "{endpoint:?}");
        let body = json(&response);
        let message = body["errors"][0]["message"].as_str().unwrap();
        let listed = message
            .strip_prefix("The query parameter [zz_unknown] is not one of [")
            .and_then(|rest| rest.strip_suffix(']'))
            .unwrap_or_else(|| panic!("{endpoint:?}: {message}"));
        let mut listed: Vec<String> = listed
            .split(',')
            .filter(|n| !n.is_empty())
            .map(str::to_owned)
            .collect();
        listed.sort();
        assert_eq!(listed, expected, "{endpoint:?}");
        checked += 1;
    }
    assert!(checked >= 10, "{checked}");
    emulator.shutdown().await;
}

fn resolve<'a>(spec: &'a serde_json::Value, value: &'a serde_json::Value) -> &'a serde_json::Value {
    match value["$ref"].as_str() {
        Some(reference) => {
            let pointer = reference.trim_start_matches('#');
            resolve(spec, spec.pointer(pointer).expect("a resolvable $ref"))
        }
        None => value,
    }
}
