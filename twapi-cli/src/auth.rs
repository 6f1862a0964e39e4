//! `twapi auth`: obtaining credentials as X hands them out — the 3-legged OAuth 1.0a flow with
//! a PIN, OAuth 2.0 Authorization Code with PKCE through a one-shot listener on 127.0.0.1,
//! an app-only bearer from the app's key and secret — and refreshing OAuth 2.0 tokens; and
//! the `twapi auth` command that adds, lists, picks and removes the accounts they give.
//!
//! The flows' steps are twapi-auth's typestates; this module only sends their requests (over
//! hyper, as the driver does), reads the PIN, and receives the redirect.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client as HttpClient;
use hyper_util::rt::{TokioExecutor, TokioIo};
use twapi_auth::bearer::AppAuth;
use twapi_auth::oauth1::Credentials;
use twapi_auth::oauth2::{self, ClientConfig, PkceFlow, Scope};
use twapi_auth::system;
use twapi_auth::three_legged::{Callback, FlowError, ThreeLegged};

use std::io::{BufRead as _, Write as _};

use crate::cli::AuthCommand;
use crate::connection::Choice;
use crate::failure::Failure;
use crate::output::Printer;
use crate::store::{self, Account, Store};
use crate::store::{Auth, Hidden};

/// How long the PKCE listener waits for the browser.
const LISTEN_FOR: Duration = Duration::from_secs(300);
/// Refresh an OAuth 2.0 token this long before it expires.
const REFRESH_MARGIN: u64 = 60;

/// The scopes `twapi` asks for: reading users, and following (follow and unfollow).
const SCOPES: [Scope; 5] = [
    Scope::TweetRead,
    Scope::UsersRead,
    Scope::FollowsRead,
    Scope::FollowsWrite,
    Scope::OfflineAccess,
];

/// Sends one flow request and reads the whole answer.
async fn send(request: http::Request<Bytes>) -> Result<http::Response<Bytes>, Failure> {
    let connector = hyper_rustls::HttpsConnectorBuilder::new()
        .with_webpki_roots()
        .https_or_http()
        .enable_http1()
        .build();
    let client: HttpClient<_, Full<Bytes>> =
        HttpClient::builder(TokioExecutor::new()).build(connector);
    let uri = request.uri().clone();
    let failed = |e: &dyn std::fmt::Display| {
        Failure::internal(format!(
            "could not reach {}: {e}",
            uri.authority().map_or("the server", |a| a.as_str())
        ))
    };
    let response = tokio::time::timeout(
        Duration::from_secs(30),
        client.request(request.map(Full::new)),
    )
    .await
    .map_err(|e| failed(&e))?
    .map_err(|e| failed(&e))?;
    let (parts, body) = response.into_parts();
    let body = body.collect().await.map_err(|e| failed(&e))?.to_bytes();
    Ok(http::Response::from_parts(parts, body))
}

fn flow_failure(step: &str, error: impl std::fmt::Display) -> Failure {
    Failure::new(
        crate::failure::Kind::Refused,
        format!("{step} failed: {error}"),
    )
}

/// A step of the 3-legged flow refused: X's answer to the token steps is sometimes plain text
/// (`Invalid request token.`, `Error processing your OAuth request: Invalid oauth_verifier
/// parameter`), which the flow's error names only by its status, so the text is added.
fn oauth1_refusal(step: &str, response: &http::Response<Bytes>, error: FlowError) -> Failure {
    let text = std::str::from_utf8(response.body()).map(str::trim);
    match (&error, text) {
        (FlowError::Status(_), Ok(text))
            if !text.is_empty() && text.len() <= 500 && !text.starts_with('<') =>
        {
            flow_failure(step, format!("{error}: {text}"))
        }
        _ => flow_failure(step, error),
    }
}

fn randomness(error: impl std::fmt::Display) -> Failure {
    Failure::internal(format!("the system's randomness failed: {error}"))
}

/// App-only: `POST /oauth2/token` with the app's key and secret.
pub(crate) async fn bearer(base_url: &str, key: &str, secret: &str) -> Result<Auth, Failure> {
    let app = AppAuth::new(key, twapi_auth::Secret::new(secret)).with_base_url(base_url);
    let request = app
        .token_request()
        .map_err(|e| Failure::internal(e.to_string()))?;
    let response = send(request.map(twapi_auth::SecretBody::into_bytes)).await?;
    let token = twapi_auth::bearer::parse_token_response(&response)
        .map_err(|e| flow_failure("obtaining the bearer token", e))?;
    Ok(Auth::Bearer {
        consumer_key: key.to_owned(),
        token: Hidden::new(token.expose()),
    })
}

/// OAuth 1.0a, 3-legged with a PIN: the authorize URL is printed, the PIN read from stdin.
pub(crate) async fn oauth1_pin(
    base_url: &str,
    key: &str,
    secret: &str,
    read_pin: impl FnOnce(&str) -> Result<String, Failure>,
) -> Result<(Auth, String), Failure> {
    let flow = ThreeLegged::new(
        Credentials::new(key, twapi_auth::Secret::new(secret)),
        Callback::Oob,
    )
    .with_base_url(base_url);
    let nonce = system::nonce().map_err(randomness)?;
    let request = flow
        .request_token_request(&nonce, system::unix_now())
        .map_err(|e| flow_failure("signing the request-token request", e))?;
    let response = send(request).await?;
    let awaiting = flow
        .receive_request_token(&response)
        .map_err(|e| oauth1_refusal("obtaining a request token", &response, e))?;
    let pin = read_pin(&awaiting.authorize_url())?;
    let nonce = system::nonce().map_err(randomness)?;
    let (request, awaiting) = awaiting
        .access_token_request(pin.trim(), &nonce, system::unix_now())
        .map_err(|e| flow_failure("signing the access-token request", e))?;
    let response = send(request).await?;
    let grant = awaiting
        .receive_access_token(&response)
        .map_err(|e| oauth1_refusal("exchanging the PIN", &response, e))?;
    let credentials = grant.credentials();
    let auth = Auth::Oauth1 {
        consumer_key: key.to_owned(),
        consumer_secret: Hidden::new(secret),
        access_token: Hidden::new(credentials.token().unwrap_or_default()),
        access_token_secret: Hidden::new(
            credentials
                .token_secret()
                .map(twapi_auth::Secret::expose)
                .unwrap_or_default(),
        ),
    };
    Ok((auth, grant.screen_name().to_owned()))
}

/// Where X's OAuth 2.0 pages are for `base_url` (X's own when it is X's API).
fn oauth2_client(
    base_url: &str,
    client_id: &str,
    client_secret: Option<&str>,
    redirect_uri: &str,
) -> ClientConfig {
    let client = match client_secret {
        Some(secret) => {
            ClientConfig::confidential(client_id, twapi_auth::Secret::new(secret), redirect_uri)
        }
        None => ClientConfig::public(client_id, redirect_uri),
    };
    if base_url == twapi_auth::X_API_BASE {
        return client;
    }
    let base = base_url.trim_end_matches('/');
    client
        .with_authorize_url(format!("{base}/i/oauth2/authorize"))
        .with_token_url(format!("{base}/2/oauth2/token"))
        .with_revoke_url(format!("{base}/2/oauth2/revoke"))
}

/// OAuth 2.0 with PKCE: listens once on the redirect URI's 127.0.0.1 port, prints the
/// authorize URL (`announce`), takes the redirect's code and exchanges it.
///
/// A redirect URI on port 0 listens on a free port (for tests and the emulator, whose
/// authorize page accepts any loopback redirect; X only redirects to a registered URI).
pub(crate) async fn oauth2_pkce(
    base_url: &str,
    client_id: &str,
    client_secret: Option<&str>,
    redirect_uri: &str,
    announce: impl FnOnce(&str),
) -> Result<Auth, Failure> {
    let parsed: http::Uri = redirect_uri
        .parse()
        .map_err(|e| Failure::usage(format!("{redirect_uri:?} is not a URL: {e}")))?;
    let loopback = matches!(parsed.host(), Some("127.0.0.1" | "localhost"));
    if parsed.scheme_str() != Some("http") || !loopback {
        return Err(Failure::usage(format!(
            "the redirect URI must be http://127.0.0.1:PORT/PATH (the one registered for the app), not {redirect_uri}"
        )));
    }
    let port = parsed.port_u16().unwrap_or(80);
    let listener = tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], port)))
        .await
        .map_err(|e| Failure::io(&format!("cannot listen on 127.0.0.1:{port}"), e))?;
    let bound = listener
        .local_addr()
        .map_err(|e| Failure::io("cannot listen", e))?;
    let path = parsed.path();
    let redirect_uri = format!("http://127.0.0.1:{}{path}", bound.port());

    let client = oauth2_client(base_url, client_id, client_secret, &redirect_uri);
    let verifier = system::pkce_verifier().map_err(randomness)?;
    let state = system::oauth2_state().map_err(randomness)?;
    let pending = PkceFlow::new(client, verifier, state).authorize(&SCOPES);
    announce(pending.authorize_url());

    let query = tokio::time::timeout(LISTEN_FOR, receive_redirect(&listener, path))
        .await
        .map_err(|_| {
            Failure::usage(format!(
                "no redirect reached {redirect_uri} within {} s",
                LISTEN_FOR.as_secs()
            ))
        })??;
    let callback =
        oauth2::Callback::from_query(&query).map_err(|e| flow_failure("the authorization", e))?;
    let request = pending
        .token_request(&callback.code, &callback.state)
        .map_err(|e| flow_failure("the authorization", e))?;
    let response = send(request.map(twapi_auth::SecretBody::into_bytes)).await?;
    let tokens = oauth2::parse_token_response(&response, system::unix_now())
        .map_err(|e| flow_failure("exchanging the code", e))?;
    Ok(Auth::Oauth2 {
        client_id: client_id.to_owned(),
        client_secret: client_secret.map(Hidden::new),
        redirect_uri,
        access_token: Hidden::new(tokens.access_token().expose()),
        refresh_token: tokens.refresh_token().map(|t| Hidden::new(t.expose())),
        expires_at: tokens.expires_at(),
    })
}

/// Serves connections on `listener` until one asks for `path`: its query is the redirect's.
async fn receive_redirect(
    listener: &tokio::net::TcpListener,
    path: &str,
) -> Result<String, Failure> {
    loop {
        let (stream, _) = listener
            .accept()
            .await
            .map_err(|e| Failure::io("the redirect listener failed", e))?;
        let (sender, receiver) = tokio::sync::oneshot::channel::<String>();
        let sender = std::sync::Mutex::new(Some(sender));
        let expected = path.to_owned();
        let service =
            hyper::service::service_fn(move |request: http::Request<hyper::body::Incoming>| {
                let hit = request.uri().path() == expected;
                if hit
                    && let Some(sender) = sender
                        .lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner)
                        .take()
                {
                    let _ = sender.send(request.uri().query().unwrap_or_default().to_owned());
                }
                let (status, text) = if hit {
                    (
                        http::StatusCode::OK,
                        "twapi received the authorization; you may close this window.\n",
                    )
                } else {
                    (http::StatusCode::NOT_FOUND, "not the redirect URI\n")
                };
                async move {
                    Ok::<_, Infallible>(
                        http::Response::builder()
                            .status(status)
                            .header(http::header::CONTENT_TYPE, "text/plain; charset=utf-8")
                            .body(Full::new(Bytes::from_static(text.as_bytes())))
                            .unwrap_or_default(),
                    )
                }
            });
        let served = hyper::server::conn::http1::Builder::new()
            .keep_alive(false)
            .serve_connection(TokioIo::new(stream), service)
            .await;
        if let Ok(query) = receiver.await {
            return Ok(query);
        }
        if let Err(error) = served {
            tracing::debug!(%error, "a connection to the redirect listener failed");
        }
    }
}

/// Refreshes an OAuth 2.0 token that expires within a minute of `now`; `None` when nothing
/// needed doing.
pub(crate) async fn refresh_if_expiring(
    base_url: &str,
    auth: &Auth,
    now: u64,
) -> Result<Option<Auth>, Failure> {
    let Auth::Oauth2 {
        client_id,
        client_secret,
        redirect_uri,
        refresh_token,
        expires_at: Some(expires_at),
        ..
    } = auth
    else {
        return Ok(None);
    };
    if now + REFRESH_MARGIN < *expires_at {
        return Ok(None);
    }
    let Some(refresh_token) = refresh_token else {
        return Err(Failure::usage(
            "the OAuth 2.0 token has expired and there is no refresh token: run `twapi auth add` again",
        ));
    };
    let client = oauth2_client(
        base_url,
        client_id,
        client_secret.as_ref().map(Hidden::expose),
        redirect_uri,
    );
    let request = client
        .refresh_request(&oauth2::RefreshToken::new(refresh_token.expose()))
        .map_err(|e| Failure::internal(e.to_string()))?;
    let response = send(request.map(twapi_auth::SecretBody::into_bytes)).await?;
    let tokens = oauth2::parse_token_response(&response, system::unix_now())
        .map_err(|e| flow_failure("refreshing the OAuth 2.0 token", e))?;
    Ok(Some(Auth::Oauth2 {
        client_id: client_id.clone(),
        client_secret: client_secret.clone(),
        redirect_uri: redirect_uri.clone(),
        access_token: Hidden::new(tokens.access_token().expose()),
        refresh_token: tokens
            .refresh_token()
            .map(|t| Hidden::new(t.expose()))
            .or_else(|| Some(refresh_token.clone())),
        expires_at: tokens.expires_at(),
    }))
}

fn env_secret(name: &str) -> Result<String, Failure> {
    std::env::var(name)
        .ok()
        .filter(|v| !v.is_empty())
        .ok_or_else(|| {
            Failure::usage(format!(
                "set {name} (the app's secret is read from the environment)"
            ))
        })
}

/// `twapi auth ...`: adds (through the flows above), lists, picks and removes accounts.
pub(crate) async fn command(
    command: AuthCommand,
    choice: &Choice,
    printer: &Printer,
) -> Result<(), Failure> {
    let path = store::path()?;
    let mut store = Store::load(&path)?;
    match command {
        AuthCommand::List => {
            if store.accounts.is_empty() {
                eprintln!(
                    "twapi: no accounts in {} (`twapi auth add`); commands run on the embedded emulator",
                    path.display()
                );
            }
            for (name, account) in &store.accounts {
                let mark = if store.default.as_deref() == Some(name) {
                    "*"
                } else {
                    " "
                };
                let user = account
                    .username
                    .as_deref()
                    .map_or_else(String::new, |u| format!(" @{u}"));
                let base = account
                    .base_url
                    .as_deref()
                    .map_or_else(String::new, |b| format!(" at {b}"));
                println!("{mark} {name}: {}{user}{base}", account.auth.kind());
            }
            Ok(())
        }
        AuthCommand::Default { name } => {
            if !store.accounts.contains_key(&name) {
                return Err(Failure::usage(format!(
                    "there is no account named {name:?}"
                )));
            }
            store.default = Some(name);
            store.save(&path)
        }
        AuthCommand::Remove { name } => {
            if store.accounts.remove(&name).is_none() {
                return Err(Failure::usage(format!(
                    "there is no account named {name:?}"
                )));
            }
            if store.default.as_deref() == Some(&name) {
                store.default = None;
            }
            store.save(&path)
        }
        AuthCommand::Add(add) => {
            let base_url = choice
                .base_url
                .clone()
                .unwrap_or_else(|| twapi_auth::X_API_BASE.to_owned());
            let consumer_key = || {
                add.consumer_key
                    .clone()
                    .ok_or_else(|| Failure::usage("set X_CONSUMER_KEY or pass --consumer-key"))
            };
            let (auth, username) = if add.bearer {
                let auth = bearer(
                    &base_url,
                    &consumer_key()?,
                    &env_secret("X_CONSUMER_SECRET")?,
                )
                .await?;
                (auth, None)
            } else if add.oauth1 {
                let key = consumer_key()?;
                let secret = env_secret("X_CONSUMER_SECRET")?;
                match (
                    std::env::var("X_ACCESS_TOKEN"),
                    std::env::var("X_ACCESS_TOKEN_SECRET"),
                ) {
                    (Ok(token), Ok(token_secret))
                        if !token.is_empty() && !token_secret.is_empty() =>
                    {
                        (
                            Auth::Oauth1 {
                                consumer_key: key,
                                consumer_secret: Hidden::new(secret),
                                access_token: Hidden::new(token),
                                access_token_secret: Hidden::new(token_secret),
                            },
                            None,
                        )
                    }
                    _ => {
                        let (auth, username) =
                            oauth1_pin(&base_url, &key, &secret, read_pin).await?;
                        (auth, Some(username))
                    }
                }
            } else {
                let client_id = add.client_id.clone().ok_or_else(|| {
                    Failure::usage("--oauth2 needs --client-id (the app's OAuth 2.0 client id)")
                })?;
                let client_secret = std::env::var("X_CLIENT_SECRET")
                    .ok()
                    .filter(|s| !s.is_empty());
                let auth = oauth2_pkce(
                    &base_url,
                    &client_id,
                    client_secret.as_deref(),
                    &add.redirect_uri,
                    |url| {
                        eprintln!("Open this URL in a browser and authorize the app:");
                        println!("{url}");
                        let _ = std::io::stdout().flush();
                    },
                )
                .await?;
                (auth, None)
            };
            let kind = auth.kind();
            store.accounts.insert(
                add.name.clone(),
                Account {
                    base_url: choice.base_url.clone(),
                    username,
                    auth,
                },
            );
            if add.default || store.default.is_none() {
                store.default = Some(add.name.clone());
            }
            store.save(&path)?;
            if printer.verbose {
                eprintln!("twapi: stored in {}", path.display());
            }
            eprintln!("twapi: added {} ({kind})", add.name);
            Ok(())
        }
    }
}

/// Prints the authorize URL and reads the PIN X shows there.
fn read_pin(url: &str) -> Result<String, Failure> {
    eprintln!("Open this URL in a browser, authorize the app, and type the PIN it shows:");
    println!("{url}");
    let _ = std::io::stdout().flush();
    eprint!("PIN: ");
    let mut pin = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut pin)
        .map_err(|e| Failure::io("cannot read the PIN", e))?;
    if pin.trim().is_empty() {
        return Err(Failure::usage("no PIN given"));
    }
    Ok(pin)
}
