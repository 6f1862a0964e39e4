//! No secret reaches what a user's logs could hold. A tour against the emulator — OAuth 1.0a,
//! app-only and OAuth 2.0 credentials obtained through their flows, look-ups, a crawl, a
//! follow, injected faults and their retries, rate limits, error answers — runs under a
//! `tracing` subscriber at TRACE level that writes every span and event (and, through its
//! `log` bridge, every `log` record) as text; every credential, client, flow state, request
//! prepared for the wire, reply and error met on the way is also rendered with `{:?}`,
//! `{:#?}` and, where it has one, `Display`. None of that text holds the consumer secret, an
//! access token secret, a bearer token, an OAuth 2.0 access or refresh token, or a PKCE
//! verifier.
//!
//! The subscriber is process-wide (this file holds one test), so the spans and events of
//! every thread and task are captured, hyper's connection tasks included.

use std::fmt::{Debug, Display};
use std::io;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use bytes::Bytes;
use futures_util::StreamExt;
use http_body_util::{BodyExt, Full};
use hyper_util::rt::TokioExecutor;
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::fmt::format::FmtSpan;
use twapi_auth::Secret;
use twapi_auth::bearer::{AppAuth, basic_credential};
use twapi_auth::oauth1::Credentials;
use twapi_auth::oauth2::{Callback, ClientConfig, PkceFlow, Scope};
use twapi_core::fields::Fields;
use twapi_core::pager::Pager;
use twapi_core::rate_limit::LimiterConfig;
use twapi_core::request::v1::{FollowersIds, FriendshipsCreate, Users, UsersLookup, UsersShow};
use twapi_core::request::v2::{Me, UserById};
use twapi_core::retry::RetryPolicy;
use twapi_core::{Api, Auth, ScreenName, Stamp, UserRef};
use twapi_emulator::{Config, DemoUser, Emulator, Faults};
use twapi_hyper::{CallError, ClientBuilder};
use twapi_model::UserId;

/// Where the subscriber writes: one growing buffer.
#[derive(Clone, Default)]
struct Buffer(Arc<Mutex<Vec<u8>>>);

impl Buffer {
    fn text(&self) -> String {
        let bytes = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        String::from_utf8_lossy(&bytes).into_owned()
    }
}

impl io::Write for Buffer {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Buffer {
    type Writer = Buffer;

    fn make_writer(&'a self) -> Buffer {
        self.clone()
    }
}

/// Every rendering of every value met on the tour.
#[derive(Default)]
struct Renderings(Vec<String>);

impl Renderings {
    fn debug<T: Debug + ?Sized>(&mut self, what: &str, value: &T) {
        self.0.push(format!("{what}: {value:?}"));
        self.0.push(format!("{what}: {value:#?}"));
    }

    fn shown<T: Debug + Display + ?Sized>(&mut self, what: &str, value: &T) {
        self.debug(what, value);
        self.0.push(format!("{what}: {value}"));
    }

    /// An error, through its chain of causes too.
    fn error(&mut self, what: &str, error: &CallError) {
        self.shown(what, error);
        let mut cause = std::error::Error::source(error);
        while let Some(e) = cause {
            self.shown(what, e);
            cause = e.source();
        }
    }
}

/// Sends a request outside the client (the token flows' own requests); the whole answer.
async fn raw<B: Into<Bytes>>(request: http::Request<B>) -> http::Response<Bytes> {
    let request = request.map(Into::into);
    let pool = hyper_util::client::legacy::Client::builder(TokioExecutor::new())
        .build_http::<Full<Bytes>>();
    let (parts, body) = request.into_parts();
    let response = pool
        .request(http::Request::from_parts(parts, Full::new(body)))
        .await
        .expect("an answer");
    let (parts, body) = response.into_parts();
    let body = body.collect().await.expect("a body").to_bytes();
    http::Response::from_parts(parts, body)
}

fn role(emulator: &Emulator, role: &str) -> DemoUser {
    emulator
        .facts()
        .user(role)
        .cloned()
        .unwrap_or_else(|| panic!("the emulator names a {role} user"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_secret_in_logs_debug_or_display_during_a_tour() {
    let log = Buffer::default();
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_span_events(FmtSpan::FULL)
        .with_thread_names(true)
        .with_writer(log.clone())
        .try_init()
        .expect("the only subscriber of this test binary");

    let window = Duration::from_secs(2);
    let emulator = Emulator::start(Config {
        users: 3_000,
        window,
        ..Config::default()
    })
    .await
    .expect("the emulator starts");
    let base = emulator.base_url().to_owned();
    let facts = emulator.facts().clone();
    let (me, top, protected) = (
        role(&emulator, "plain"),
        role(&emulator, "most_followed"),
        role(&emulator, "protected"),
    );
    let mut seen = Renderings::default();
    let mut secrets: Vec<(&str, String)> = vec![
        ("consumer secret", facts.consumer_secret.clone()),
        ("access token secret", me.access_token_secret.clone()),
        ("bearer token", facts.bearer_token.clone()),
        (
            "Basic credential of the consumer key and secret",
            basic_credential(
                &facts.consumer_key,
                &Secret::new(facts.consumer_secret.clone()),
            )
            .expose()
            .to_owned(),
        ),
    ];
    let limits = LimiterConfig {
        window,
        ..LimiterConfig::default()
    };
    let quick = RetryPolicy::new(8, Duration::from_millis(5), Duration::from_millis(40));

    // OAuth 1.0a: credentials, auth, builder, client.
    let credentials = facts.credentials(&me);
    seen.debug("credentials", &credentials);
    seen.debug("auth", &Auth::oauth1(&credentials));
    let builder = ClientBuilder::oauth1(&credentials)
        .base_url(&base)
        .limiter_config(limits)
        .retry_policy(quick)
        .jitter_seed(7);
    seen.debug("builder", &builder);
    let client = builder.clone().build().expect("a client");
    seen.debug("client", &client);

    // Requests as prepared for the wire, in every mode.
    let api = Api::new(&base).expect("a base URL");
    let stamp = Stamp {
        timestamp: twapi_auth::system::unix_now(),
        nonce: "kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg",
    };
    let show_top = UsersShow::of(UserRef::Id(top.user_id()));
    for auth in [
        Auth::oauth1(&credentials),
        Auth::AppOnly(Secret::new(facts.bearer_token.clone())),
    ] {
        let prepared = api.prepare(&show_top, &auth, stamp).expect("prepared");
        seen.debug("prepared request", &prepared);
    }

    // Look-ups.
    let shown = client.send(&show_top).await.expect("users/show");
    seen.debug("reply", &shown);
    let looked_up = client
        .send(&UsersLookup {
            users: Users::Ids(vec![top.user_id(), protected.user_id()]),
            include_entities: None,
        })
        .await
        .expect("users/lookup");
    seen.debug("reply", &looked_up);
    let by_id = client
        .send(&UserById {
            id: top.user_id(),
            fields: Fields::default(),
        })
        .await
        .expect("GET /2/users/:id");
    seen.debug("reply", &by_id);
    seen.debug("me", &client.me().await.expect("me"));

    // A crawl of five pages, and one that a rate limit interrupts.
    let followers = emulator.follower_ids(top.user_id().get());
    let count = u32::try_from(followers.len().div_ceil(5)).expect("small");
    let crawl = FollowersIds {
        count: Some(count),
        ..FollowersIds::of(UserRef::Id(top.user_id()))
    };
    let mut pages = client.pages(crawl.clone());
    let mut crawled = 0;
    while let Some(page) = pages.next().await {
        let page = page.expect("a page");
        crawled += page.items.len();
        seen.debug("page state", &page.state);
    }
    assert_eq!(crawled, followers.len());
    let tiny = FollowersIds {
        count: Some(1),
        ..crawl.clone()
    };
    let mut pages = client.pages_with(Pager::new(tiny).with_limit(100));
    let interrupted = loop {
        match pages.next().await.expect("a rate limit comes first") {
            Ok(page) => seen.debug("page", &page),
            Err(error) => break error,
        }
    };
    assert!(interrupted.is_rate_limited(), "{interrupted:?}");
    seen.error("interrupted walk", &interrupted);

    // X's own 429, without a client-side limiter.
    let impatient = builder.clone().without_limiter().build().expect("a client");
    let refused = loop {
        if let Err(error) = impatient.send(&crawl).await {
            break error;
        }
    };
    assert!(
        matches!(refused, CallError::Core(twapi_core::Error::RateLimited(_))),
        "{refused:?}"
    );
    seen.error("429", &refused);

    // Follows.
    let followed = client.follow(protected.user_id()).await.expect("a follow");
    seen.debug("follow", &followed);
    let unfollowed = client
        .unfollow(protected.user_id())
        .await
        .expect("an unfollow");
    seen.debug("unfollow", &unfollowed);
    let created = client
        .send(&FriendshipsCreate::user(top.user_id()))
        .await
        .expect("friendships/create");
    seen.debug("friendships/create", &created);

    // Faults, retried (each retry logs its error), then met without retries.
    emulator.set_faults(Faults {
        slow_delay: Duration::from_millis(300),
        ..Faults::uniform(0.4, 11)
    });
    let hasty = builder
        .clone()
        .request_timeout(Duration::from_millis(150))
        .build()
        .expect("a client");
    for _ in 0..6 {
        let reply = hasty.send(&show_top).await.expect("retried until right");
        seen.debug("reply after faults", &reply);
    }
    let fragile = builder
        .clone()
        .request_timeout(Duration::from_millis(150))
        .retry_policy(RetryPolicy::new(1, Duration::ZERO, Duration::ZERO))
        .build()
        .expect("a client");
    let mut failures = 0;
    for _ in 0..12 {
        if let Err(error) = fragile.send(&show_top).await {
            seen.error("fault", &error);
            failures += 1;
        }
    }
    assert!(failures > 0, "40% faults");
    emulator.set_faults(Faults::default());

    // Error answers and refused requests.
    let missing = client
        .send(&UsersShow::of(
            "nobody_at_all_1".parse::<ScreenName>().expect("valid"),
        ))
        .await
        .expect_err("no such user");
    seen.error("404", &missing);
    let too_many = client
        .send(&UsersLookup {
            users: Users::Ids((1..=101).map(UserId::new).collect()),
            include_entities: None,
        })
        .await
        .expect_err("101 ids");
    seen.error("invalid", &too_many);
    let wrong_secret = "wrong-token-secret-0123456789abcdef".to_owned();
    secrets.push(("a wrong access token secret", wrong_secret.clone()));
    let forged = Credentials::new(facts.consumer_key.clone(), facts.consumer_secret.clone())
        .with_token(me.access_token.clone(), wrong_secret);
    seen.debug("forged credentials", &forged);
    let unauthorized = ClientBuilder::oauth1(&forged)
        .base_url(&base)
        .build()
        .expect("a client")
        .send(&show_top)
        .await
        .expect_err("a bad signature");
    assert_eq!(
        unauthorized.api().map(twapi_core::ApiError::status),
        Some(http::StatusCode::UNAUTHORIZED),
        "{unauthorized:?}"
    );
    seen.error("401", &unauthorized);
    let closed = ClientBuilder::oauth1(&credentials)
        .base_url("http://127.0.0.1:9")
        .retry_policy(RetryPolicy::new(1, Duration::ZERO, Duration::ZERO))
        .build()
        .expect("a client")
        .send(&show_top)
        .await
        .expect_err("nobody listens on the discard port");
    seen.error("connect", &closed);

    // App-only: the bearer token through its flow, a client, a refused user endpoint.
    let app = AppAuth::new(facts.consumer_key.clone(), facts.consumer_secret.clone())
        .with_base_url(&base);
    seen.debug("app auth", &app);
    let granted = raw(app.token_request().expect("a token request")).await;
    let bearer = twapi_auth::bearer::parse_token_response(&granted).expect("a bearer token");
    seen.debug("bearer token", &bearer);
    secrets.push(("bearer token (granted)", bearer.expose().to_owned()));
    let app_client = ClientBuilder::app_only(bearer.expose().to_owned())
        .base_url(&base)
        .build()
        .expect("a client");
    seen.debug("app-only client", &app_client);
    seen.debug(
        "app-only reply",
        &app_client.send(&show_top).await.expect("users/show"),
    );
    let refused = app_client
        .send(&Me::default())
        .await
        .expect_err("user only");
    seen.error("app-only refused", &refused);
    let wrong_app =
        AppAuth::new(facts.consumer_key.clone(), "not-the-consumer-secret-42").with_base_url(&base);
    secrets.push((
        "a wrong consumer secret",
        "not-the-consumer-secret-42".into(),
    ));
    let denied = raw(wrong_app.token_request().expect("a token request")).await;
    let token_error =
        twapi_auth::bearer::parse_token_response(&denied).expect_err("a wrong secret");
    seen.shown("token error", &token_error);

    // OAuth 2.0: PKCE, a user client, a refresh, a spent refresh token.
    let config = ClientConfig::public(facts.oauth2_client_id.clone(), "http://127.0.0.1/callback")
        .with_authorize_url(format!(
            "{base}/i/oauth2/authorize?login={}",
            me.screen_name
        ))
        .with_token_url(format!("{base}/2/oauth2/token"));
    seen.debug("oauth2 client", &config);
    let verifier = twapi_auth::system::pkce_verifier().expect("randomness");
    secrets.push(("PKCE verifier", verifier.expose().to_owned()));
    seen.debug("verifier", &verifier);
    let flow = PkceFlow::new(config.clone(), verifier, "state-42");
    seen.debug("flow", &flow);
    let pending = flow.authorize(&[
        Scope::UsersRead,
        Scope::FollowsRead,
        Scope::FollowsWrite,
        Scope::OfflineAccess,
    ]);
    seen.debug("pending", &pending);
    let redirect = raw(http::Request::get(pending.authorize_url())
        .body(Bytes::new())
        .expect("a request"))
    .await;
    let location = redirect
        .headers()
        .get(http::header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .expect("a redirect")
        .to_owned();
    let (_, query) = location.split_once('?').expect("a query");
    let callback = Callback::from_query(query).expect("a code");
    seen.debug("callback", &callback);
    let exchange = pending
        .token_request(&callback.code, &callback.state)
        .expect("our state");
    let tokens = twapi_auth::oauth2::parse_token_response(
        &raw(exchange).await,
        twapi_auth::system::unix_now(),
    )
    .expect("tokens");
    seen.debug("tokens", &tokens);
    let refresh = tokens.refresh_token().expect("offline.access").clone();
    secrets.push((
        "OAuth 2.0 access token",
        tokens.access_token().expose().to_owned(),
    ));
    secrets.push(("OAuth 2.0 refresh token", refresh.expose().to_owned()));
    let user_client = ClientBuilder::oauth2_user(tokens.access_token().expose().to_owned())
        .base_url(&base)
        .build()
        .expect("a client");
    seen.debug("oauth2 client", &user_client);
    seen.debug(
        "oauth2 follow",
        &user_client
            .follow(protected.user_id())
            .await
            .expect("a follow"),
    );
    let renewed = twapi_auth::oauth2::parse_token_response(
        &raw(config.refresh_request(&refresh).expect("a refresh request")).await,
        twapi_auth::system::unix_now(),
    )
    .expect("renewed tokens");
    seen.debug("renewed tokens", &renewed);
    secrets.push((
        "renewed OAuth 2.0 access token",
        renewed.access_token().expose().to_owned(),
    ));
    if let Some(token) = renewed.refresh_token() {
        secrets.push(("renewed OAuth 2.0 refresh token", token.expose().to_owned()));
    }
    let spent = twapi_auth::oauth2::parse_token_response(
        &raw(config.refresh_request(&refresh).expect("a refresh request")).await,
        twapi_auth::system::unix_now(),
    )
    .expect_err("a refresh token works once");
    seen.shown("spent refresh token", &spent);
    let renewed_client = ClientBuilder::oauth2_user(renewed.access_token().expose().to_owned())
        .base_url(&base)
        .build()
        .expect("a client");
    seen.debug(
        "renewed me",
        &renewed_client.me().await.expect("the renewed token works"),
    );

    drop((
        client,
        impatient,
        hasty,
        fragile,
        app_client,
        user_client,
        renewed_client,
    ));
    emulator.shutdown().await;

    let logged = log.text();
    // The capture saw the tour: requests of every kind, retries, rate limits, errors.
    for expected in [
        "x_request",
        "endpoint=\"users_show\"",
        "endpoint=\"followers_ids\"",
        "endpoint=\"v2_follow\"",
        "status=429",
        "retrying",
        "error=rate limited until",
        "X answered with an error",
    ] {
        assert!(
            logged.contains(expected),
            "{expected} not logged in {} lines: {logged}",
            logged.lines().count()
        );
    }
    let rendered = seen.0.join("\n");
    for (name, secret) in &secrets {
        assert!(
            secret.len() >= 16,
            "{name} is long enough to be searched for"
        );
        assert!(
            !logged.contains(secret.as_str()),
            "the {name} was logged: {}",
            logged
                .lines()
                .find(|l| l.contains(secret.as_str()))
                .unwrap_or_default()
        );
        assert!(
            !rendered.contains(secret.as_str()),
            "the {name} was rendered: {}",
            seen.0
                .iter()
                .find(|r| r.contains(secret.as_str()))
                .map_or("", String::as_str)
        );
    }
    println!(
        "{} secrets checked against {} log lines ({} KiB) and {} renderings ({} KiB)",
        secrets.len(),
        logged.lines().count(),
        logged.len() / 1024,
        seen.0.len(),
        rendered.len() / 1024,
    );
}
