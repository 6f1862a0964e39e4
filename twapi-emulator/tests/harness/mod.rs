//! The tests' harness: an emulator to talk to, its demo users, and a small HTTP/1.1 client
//! that signs with twapi-core and decodes what comes back.
//!
//! Requests are built with `Api::prepare` (so they are exactly what any twapi client sends),
//! written to a tokio `TcpStream` in origin form with a `Host` header, and the answer is
//! read back by `Content-Length` into an `http::Response<Bytes>` for `decode_reply`.
#![allow(dead_code, unreachable_pub)]

use bytes::Bytes;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use twapi_auth::Secret;
use twapi_core::{Api, ApiRequest, Auth, Reply, Stamp, decode_reply};
use twapi_emulator::{Config, DemoUser, Emulator, Facts};

/// Starts an emulator of `users` accounts with otherwise default settings.
pub async fn start(users: u32) -> Emulator {
    start_with(Config {
        users,
        ..Config::default()
    })
    .await
}

/// Starts an emulator.
pub async fn start_with(config: Config) -> Emulator {
    Emulator::start(config).await.expect("the emulator starts")
}

/// The demo user of `role` (the `nth` of them for `plain`).
pub fn user<'a>(facts: &'a Facts, role: &str, nth: usize) -> &'a DemoUser {
    facts
        .users
        .iter()
        .filter(|u| u.role == role)
        .nth(nth)
        .unwrap_or_else(|| panic!("no demo user {role} #{nth}"))
}

/// The demo user's id.
pub fn id(user: &DemoUser) -> u64 {
    user.user_id().get()
}

/// OAuth 1.0a as a demo user.
pub fn oauth1(facts: &Facts, user: &DemoUser) -> Auth {
    Auth::oauth1(&facts.credentials(user))
}

/// The app-only bearer token.
pub fn app(facts: &Facts) -> Auth {
    Auth::AppOnly(Secret::new(facts.bearer_token.clone()))
}

/// Prepares a request with the current time and a fresh nonce.
pub fn prepare<R: ApiRequest>(base: &str, request: &R, auth: &Auth) -> http::Request<Bytes> {
    prepare_at(base, request, auth, twapi_auth::system::unix_now())
}

/// Prepares a request signed at `timestamp`.
pub fn prepare_at<R: ApiRequest>(
    base: &str,
    request: &R,
    auth: &Auth,
    timestamp: u64,
) -> http::Request<Bytes> {
    let nonce = twapi_auth::system::nonce().expect("the OS has randomness");
    Api::new(base)
        .expect("a valid base URL")
        .prepare(
            request,
            auth,
            Stamp {
                timestamp,
                nonce: &nonce,
            },
        )
        .expect("the request is valid")
}

/// Sends a request and decodes the answer as `R`'s.
pub async fn call<R: ApiRequest>(
    base: &str,
    request: &R,
    auth: &Auth,
) -> Result<Reply<R::Output>, twapi_core::Error> {
    let response = send(prepare(base, request, auth)).await;
    decode_reply::<R>(response)
}

/// Sends one request on a new connection and reads the whole answer.
pub async fn send<B: Into<Bytes>>(request: http::Request<B>) -> http::Response<Bytes> {
    let request = request.map(Into::into);
    let authority = request
        .uri()
        .authority()
        .expect("an absolute URL")
        .as_str()
        .to_owned();
    let mut stream = TcpStream::connect(&authority)
        .await
        .expect("the emulator listens");
    stream
        .write_all(&head_of(&request, &authority, true))
        .await
        .unwrap();
    stream.write_all(request.body()).await.unwrap();
    read_response(&mut BufReader::new(stream))
        .await
        .expect("a complete answer")
}

/// The request head in origin form.
pub fn head_of(request: &http::Request<Bytes>, authority: &str, close: bool) -> Vec<u8> {
    use std::fmt::Write as _;
    let target = request
        .uri()
        .path_and_query()
        .map_or("/", http::uri::PathAndQuery::as_str);
    let mut head = format!(
        "{} {target} HTTP/1.1\r\nhost: {authority}\r\n",
        request.method()
    );
    for (name, value) in request.headers() {
        let _ = write!(head, "{name}: {}\r\n", value.to_str().unwrap());
    }
    if close {
        head.push_str("connection: close\r\n");
    }
    let _ = write!(head, "content-length: {}\r\n\r\n", request.body().len());
    head.into_bytes()
}

/// Reads one answer: status line, headers, and a body of `Content-Length` bytes. `None` when
/// the connection ends before the announced body is complete.
pub async fn read_response<R: tokio::io::AsyncRead + Unpin>(
    reader: &mut BufReader<R>,
) -> Option<http::Response<Bytes>> {
    let mut line = String::new();
    reader.read_line(&mut line).await.ok()?;
    let status: u16 = line.split(' ').nth(1)?.parse().ok()?;
    let mut response = http::Response::builder().status(status);
    let mut length = 0;
    loop {
        line.clear();
        reader.read_line(&mut line).await.ok()?;
        let trimmed = line.trim_end();
        if trimmed.is_empty() {
            break;
        }
        let (name, value) = trimmed.split_once(':')?;
        if name.eq_ignore_ascii_case("content-length") {
            length = value.trim().parse().ok()?;
        }
        response = response.header(name.trim(), value.trim());
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).await.ok()?;
    response.body(Bytes::from(body)).ok()
}

/// Writes raw bytes on a new connection and reads one answer (if any) and whether the server
/// then closed the connection.
pub async fn raw(base: &str, bytes: &[u8]) -> (Option<http::Response<Bytes>>, bool) {
    let authority = base.trim_start_matches("http://");
    let mut stream = TcpStream::connect(authority).await.unwrap();
    stream.write_all(bytes).await.unwrap();
    let mut reader = BufReader::new(stream);
    let response = read_response(&mut reader).await;
    let mut rest = Vec::new();
    let closed = matches!(
        tokio::time::timeout(
            std::time::Duration::from_secs(5),
            reader.read_to_end(&mut rest)
        )
        .await,
        Ok(Ok(_))
    );
    (response, closed)
}

/// The body as JSON.
pub fn json(response: &http::Response<Bytes>) -> serde_json::Value {
    serde_json::from_slice(response.body()).expect("a JSON body")
}

/// A header as text.
pub fn header<'a>(response: &'a http::Response<Bytes>, name: &str) -> Option<&'a str> {
    response.headers().get(name).and_then(|v| v.to_str().ok())
}

/// Runs the OAuth 2.0 PKCE flow against the emulator and returns the user access token
/// (as the default user, or the one `login` names).
pub async fn oauth2_user_token(facts: &Facts, login: Option<&str>) -> String {
    use twapi_auth::oauth2::{Callback, ClientConfig, PkceFlow, Scope, parse_token_response};
    let client = ClientConfig::public(facts.oauth2_client_id.clone(), "http://127.0.0.1/callback")
        .with_authorize_url(format!("{}/i/oauth2/authorize", facts.base_url))
        .with_token_url(format!("{}/2/oauth2/token", facts.base_url));
    let verifier = twapi_auth::system::pkce_verifier().expect("the OS has randomness");
    let pending = PkceFlow::new(client, verifier, "state-1").authorize(&[
        Scope::TweetRead,
        Scope::UsersRead,
        Scope::FollowsRead,
        Scope::FollowsWrite,
        Scope::OfflineAccess,
    ]);
    let mut url = pending.authorize_url().to_owned();
    if let Some(login) = login {
        url.push_str("&login=");
        url.push_str(login);
    }
    let response = send(http::Request::get(url).body(Bytes::new()).unwrap()).await;
    assert_eq!(response.status(), 302, "{:?}", response.body());
    let location = header(&response, "location").expect("a redirect");
    let (_, query) = location.split_once('?').expect("a query");
    let callback = Callback::from_query(query).expect("code and state");
    let token_request = pending
        .token_request(&callback.code, &callback.state)
        .expect("the state matches");
    let response = send(token_request).await;
    assert_eq!(response.status(), 200, "{:?}", response.body());
    let tokens =
        parse_token_response(&response, twapi_auth::system::unix_now()).expect("a token response");
    assert!(tokens.refresh_token().is_some());
    tokens.access_token().expose().to_owned()
}
