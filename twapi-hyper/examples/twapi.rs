//! A twurl-like command: any in-scope endpoint, signed, pretty JSON out.
//!
//! ```text
//! cargo run -p twapi-hyper --example twapi -- GET /1.1/users/show.json screen_name=twitterdev
//! cargo run -p twapi-hyper --example twapi -- GET '/2/users/by?usernames=a,b' user.fields=created_at
//! cargo run -p twapi-hyper --example twapi -- POST /2/users/12/following target_user_id=783214
//! cargo run -p twapi-hyper --example twapi -- --base-url http://127.0.0.1:8080 GET /2/users/me
//! ```
//!
//! Credentials come from `X_CONSUMER_KEY`, `X_CONSUMER_SECRET`, `X_ACCESS_TOKEN` and
//! `X_ACCESS_TOKEN_SECRET` (or `X_BEARER_TOKEN`); with none set, an emulator is started
//! in-process and the request is sent as its demo user.
//!
//! The method and path are matched against the endpoint table (`EndpointId::match_request`)
//! and the parameters are read into the endpoint's typed request (`ServerRequest::read`, the
//! type picked by `EndpointId::visit`) — the same rules a server checks — so a misspelt
//! parameter or a count out of range is refused with a clear message before anything is sent.
//! Raw requests outside the table are not sent: this is a tool for the follow, search and
//! get-users family, not a general HTTP client. The answer's body is printed as received,
//! pretty-printed; status and rate limits go to stderr.

#[path = "credentials/mod.rs"]
mod credentials;

use std::error::Error as StdError;
use std::fmt::Write as _;
use std::pin::Pin;
use std::process::ExitCode;

use bytes::Bytes;
use twapi_core::endpoint::{EndpointVisitor, VisitRequest};
use twapi_core::request::Parts;
use twapi_core::request::server::{IncomingRequest, ServerRequest};
use twapi_core::{ApiVersion, EndpointId};
use twapi_emulator::{Config, Emulator};
use twapi_hyper::{Client, ClientBuilder};

use credentials::{FromEnv, demo_user, emulator_credentials};

type Failure = Box<dyn StdError>;

const USAGE: &str = "usage: twapi [--base-url URL] METHOD PATH [name=value ...]
  e.g. twapi GET /1.1/users/show.json screen_name=twitterdev
credentials: X_CONSUMER_KEY, X_CONSUMER_SECRET, X_ACCESS_TOKEN, X_ACCESS_TOKEN_SECRET
  (or X_BEARER_TOKEN); with none set, an in-process emulator and its demo user";

/// The command line, parsed.
struct Command {
    base_url: Option<String>,
    method: http::Method,
    path: String,
    query: Option<String>,
    params: Vec<(String, String)>,
}

#[tokio::main]
async fn main() -> ExitCode {
    let command = match parse(std::env::args().skip(1)) {
        Ok(command) => command,
        Err(message) => {
            eprintln!("{message}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match run(command).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

fn parse(mut args: impl Iterator<Item = String>) -> Result<Command, String> {
    let mut base_url = None;
    let mut first = args.next().ok_or("no method given")?;
    while first.starts_with('-') {
        match first.as_str() {
            "--base-url" => base_url = Some(args.next().ok_or("--base-url needs a URL")?),
            "-h" | "--help" => return Err("twapi: one request to the X API".to_owned()),
            other => return Err(format!("unknown option {other}")),
        }
        first = args.next().ok_or("no method given")?;
    }
    let method = http::Method::from_bytes(first.to_ascii_uppercase().as_bytes())
        .map_err(|_| format!("{first:?} is not an HTTP method"))?;
    let target = args.next().ok_or("no path given")?;
    let (path, query) = match target.split_once('?') {
        Some((path, query)) => (path.to_owned(), Some(query.to_owned())),
        None => (target, None),
    };
    let params = args
        .map(|arg| {
            arg.split_once('=')
                .map(|(name, value)| (name.to_owned(), value.to_owned()))
                .ok_or_else(|| format!("{arg:?} is not name=value"))
        })
        .collect::<Result<_, _>>()?;
    Ok(Command {
        base_url,
        method,
        path,
        query,
        params,
    })
}

async fn run(command: Command) -> Result<(), Failure> {
    let Some((endpoint, path_params)) = EndpointId::match_request(&command.method, &command.path)
    else {
        let mut known = String::new();
        for id in EndpointId::ALL {
            let d = id.descriptor();
            let _ = write!(known, "\n  {:6} {}", d.method, d.path);
        }
        return Err(format!(
            "{} {} is not an endpoint of the follow, search and get-users family; these are:{known}",
            command.method, command.path
        )
        .into());
    };
    let received = as_received(&command, endpoint)?;
    let incoming = IncomingRequest::from_http(path_params, &received)?;
    let given = parameter_names(&command, endpoint);

    let mut emulator = None;
    let builder = match (credentials::from_env(), &command.base_url) {
        (Some(FromEnv::OAuth1(credentials)), _) => ClientBuilder::oauth1(&credentials),
        (Some(FromEnv::Bearer(token)), _) => ClientBuilder::app_only(token),
        (None, Some(_)) => {
            return Err(
                "no credentials: set the X_* variables, or drop --base-url to use \
                        an in-process emulator"
                    .into(),
            );
        }
        (None, None) => {
            let started = Emulator::start(Config::default()).await?;
            let facts = started.facts();
            let user = demo_user(facts, "plain")?;
            eprintln!(
                "(no X_* credentials: an in-process emulator at {}, as its demo user @{})",
                started.base_url(),
                user.screen_name
            );
            let builder = ClientBuilder::oauth1(&emulator_credentials(facts, user))
                .base_url(started.base_url());
            emulator = Some(started);
            builder
        }
    };
    let builder = match &command.base_url {
        Some(url) => builder.base_url(url.clone()),
        None => builder,
    };
    let client = builder.build()?;
    let mut outcome = dispatch(&client, endpoint, &incoming, &given).await;
    if let Some(emulator) = emulator {
        // The emulator's users have generated names: say which ones exist.
        let names: Vec<String> = emulator
            .facts()
            .users
            .iter()
            .map(|u| format!("@{} ({}, id {})", u.screen_name, u.role, u.id))
            .collect();
        outcome = outcome.map_err(|error| {
            let not_found = error
                .downcast_ref::<twapi_hyper::CallError>()
                .and_then(twapi_hyper::CallError::api)
                .is_some_and(|api| api.status() == http::StatusCode::NOT_FOUND);
            if not_found {
                format!("{error}\n(the emulator's demo users: {})", names.join(", ")).into()
            } else {
                error
            }
        });
        emulator.shutdown().await;
    }
    outcome
}

/// The request as a server would receive it, so the endpoint's typed request can read it
/// back with the server's rules: parameters in the query, or a JSON body for v2 writes.
fn as_received(command: &Command, endpoint: EndpointId) -> Result<http::Request<Bytes>, Failure> {
    let json_body = takes_json(endpoint);
    let mut uri = format!("http://twapi.invalid{}", command.path);
    let mut query: Vec<String> = command.query.iter().cloned().collect();
    let mut builder = http::Request::builder().method(command.method.clone());
    let mut body = Bytes::new();
    if json_body {
        let object: serde_json::Map<String, serde_json::Value> = command
            .params
            .iter()
            .map(|(name, value)| (name.clone(), serde_json::Value::String(value.clone())))
            .collect();
        body = Bytes::from(serde_json::to_vec(&object)?);
        builder = builder.header(http::header::CONTENT_TYPE, "application/json");
    } else {
        for (name, value) in &command.params {
            query.push(format!(
                "{}={}",
                twapi_auth::percent::encode(name),
                twapi_auth::percent::encode(value)
            ));
        }
    }
    if !query.is_empty() {
        uri.push('?');
        uri.push_str(&query.join("&"));
    }
    Ok(builder.uri(uri).body(body)?)
}

/// The names of the parameters given in the query and as `name=value` (none for a JSON body,
/// whose fields the typed request reads itself).
fn parameter_names(command: &Command, endpoint: EndpointId) -> Vec<String> {
    if takes_json(endpoint) {
        return Vec::new();
    }
    let in_query = command
        .query
        .iter()
        .flat_map(|query| query.split('&'))
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let name = pair.split_once('=').map_or(pair, |(name, _)| name);
            twapi_auth::percent::decode_form(name)
                .map_or_else(|_| name.to_owned(), std::borrow::Cow::into_owned)
        });
    in_query
        .chain(command.params.iter().map(|(name, _)| name.clone()))
        .collect()
}

/// Whether the endpoint's request travels as a JSON body (the v2 writes).
fn takes_json(endpoint: EndpointId) -> bool {
    let descriptor = endpoint.descriptor();
    descriptor.version == ApiVersion::V2 && descriptor.method == http::Method::POST
}

/// Reads the typed request of `endpoint` and sends it.
async fn dispatch(
    client: &Client,
    endpoint: EndpointId,
    incoming: &IncomingRequest<'_>,
    given: &[String],
) -> Result<(), Failure> {
    endpoint
        .visit(SendTyped {
            client,
            incoming,
            given,
        })
        .await
}

/// Sending a received request as the typed request of its endpoint, whichever that is
/// ([`EndpointId::visit`] picks the type).
struct SendTyped<'r, 'a> {
    client: &'r Client,
    incoming: &'r IncomingRequest<'a>,
    given: &'r [String],
}

impl<'r> EndpointVisitor for SendTyped<'r, '_> {
    type Output = Pin<Box<dyn Future<Output = Result<(), Failure>> + 'r>>;
}

impl<R: ServerRequest + Clone + 'static> VisitRequest<R> for SendTyped<'_, '_> {
    fn visit(self) -> Self::Output {
        Box::pin(send::<R>(self.client, self.incoming, self.given))
    }
}

async fn send<R: ServerRequest + Clone>(
    client: &Client,
    incoming: &IncomingRequest<'_>,
    given: &[String],
) -> Result<(), Failure> {
    let request = R::read(incoming).map_err(|e| match given {
        [] => e.to_string(),
        _ => format!("{e} (given: {})", given.join(", ")),
    })?;
    // A parameter the endpoint does not know is not read, so it is not written back: a typo.
    let mut parts = Parts::default();
    request.write(&mut parts)?;
    let known: Vec<&str> = parts.params.pairs().iter().map(|(name, _)| *name).collect();
    let unknown: Vec<&str> = given
        .iter()
        .map(String::as_str)
        .filter(|name| !known.contains(name))
        .collect();
    if !unknown.is_empty() {
        return Err(format!(
            "{} does not take {} (of what was given it reads: {})",
            R::ENDPOINT,
            unknown.join(", "),
            known.join(", ")
        )
        .into());
    }
    let reply = client.send(&request).await?;
    let window = reply
        .rate_limit()
        .window
        .map(|w| {
            format!(
                ", {} of {} requests left in the window",
                w.remaining, w.limit
            )
        })
        .unwrap_or_default();
    eprintln!("{} {}{window}", reply.status(), R::ENDPOINT);
    let body: serde_json::Value = serde_json::from_slice(reply.body())?;
    println!("{}", serde_json::to_string_pretty(&body)?);
    Ok(())
}
