//! A local X API server for tests, examples and offline development: the follow, search and
//! get-users endpoints of v1.1 and v2, served from a seeded in-memory social graph, with real
//! OAuth 1.0a verification, app-only and OAuth 2.0 user bearer tokens, X's cursors and
//! pagination tokens, rate-limit windows and daily caps with X's headers, X's error bodies,
//! and switchable fault injection.
//!
//! It reads the same endpoint table, limits and error codes as the client side
//! (twapi-core), verifies with twapi-auth and answers with twapi-model's types, so that it
//! is the server side of the very protocol the clients speak.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> std::io::Result<()> {
//! use twapi_emulator::{Config, Emulator};
//!
//! let emulator = Emulator::start(Config { users: 2_000, ..Config::default() }).await?;
//! let facts = emulator.facts();
//! println!("serving {} for app {}", facts.base_url, facts.consumer_key);
//! let top = facts.user("most_followed").expect("the emulator names a most_followed user");
//! let followers = emulator.follower_ids(top.user_id().get());
//! assert_eq!(followers.len() as u64, top.followers);
//! emulator.shutdown().await;
//! # Ok(())
//! # }
//! ```
//!
//! What it serves: every endpoint of [`twapi_core::EndpointId`] at `/1.1/...` and `/2/...`,
//! plus `POST /oauth2/token` and `/oauth2/invalidate_token` (app-only bearer, with the app's
//! key and secret), and the PKCE flow: `GET /i/oauth2/authorize` (approves at once, as the
//! user named by the emulator's own `login` parameter, or the first `plain` demo user) and
//! `POST /2/oauth2/token`, `/2/oauth2/revoke`; the 3-legged OAuth 1.0a flow: `POST
//! /oauth/request_token`, `GET /oauth/authorize` and `/oauth/authenticate` (approve at once
//! as `login` or the same default user, then redirect or show the PIN) and `POST
//! /oauth/access_token`, which grants the user's OAuth 1.0a credentials; and the emulator's own admin API under
//! `/_emulator/` for tests in any language: the UTC day's metered cost (`GET
//! /_emulator/usage`, see [`Emulator::usage`]), a reset of the world, the faults, the windows,
//! and the ground truth of a user's followers (see `README.md`).
#![forbid(unsafe_code)]

mod admin;
mod answer;
mod auth;
mod clock;
mod credentials;
mod cursor;
mod demo;
mod directory;
mod errors;
mod faults;
mod graph;
mod limits;
mod oauth2;
mod orgs;
mod profile;
mod render;
mod rng;
mod routes;
mod server;
mod service;
mod shapes;
mod three_legged;
mod tls;
mod v1;
mod v2;

use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::Serialize;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use twapi_auth::oauth1::Credentials;
use twapi_model::UserId;

pub use faults::Faults;
pub use service::Timing;
pub use twapi_core::endpoint::LimitsProfile;

use crate::credentials::access_token;
use crate::demo::Cast;
use crate::directory::Directory;
use crate::graph::Graph;
use crate::orgs::Organisations;
use crate::service::{GroundTruth, Service, Setup};

/// The fewest users a graph may have: enough for every demo role to be a different account.
pub const MIN_USERS: u32 = 32;
/// The most users a graph may have (indices and list offsets are 32-bit).
pub const MAX_USERS: u32 = 50_000_000;

/// How to start an emulator.
#[derive(Clone, Debug)]
pub struct Config {
    /// Where to listen; port 0 picks a free port (default `127.0.0.1:0`).
    pub listen: SocketAddr,
    /// Seeds the graph, the profiles and the credentials: the same seed, the same world
    /// (default 42).
    pub seed: u64,
    /// How many accounts the graph has (default 10,000; [`MIN_USERS`] to [`MAX_USERS`]).
    pub users: u32,
    /// The length of X's 15-minute rate-limit windows (default 900 s).
    pub window: Duration,
    /// The length of the 24-hour follow and unfollow caps (default 86,400 s).
    pub day: Duration,
    /// Whose documented 15-minute limits the windows count: X's of today (the default) or
    /// those of 2021 (followers and following 15 a window), read from twapi-core's endpoint
    /// table either way.
    pub limits: LimitsProfile,
    /// Faults to inject (default: none).
    pub faults: Faults,
    /// No log line per request (default `true` for the library; the binary logs).
    pub quiet: bool,
    /// Serve https (HTTP/1.1 and HTTP/2 by ALPN) with a certificate authority made at start,
    /// whose certificate is written to [`Config::ca_file`] (default `false`: plain http, where
    /// HTTP/2 is spoken by prior knowledge).
    pub tls: bool,
    /// Where `tls` writes the authority's certificate (PEM); by default a file of its own in
    /// the system's temporary directory, removed when the emulator stops. Named in
    /// [`Facts::ca_file`].
    pub ca_file: Option<PathBuf>,
    /// When an OAuth 1.0a signature fails (code 32), the error body also carries the signature
    /// base string and the normalized parameter string the emulator computed, so an SDK author
    /// sees where the two sides part (default `false`: X's body alone). Never a secret.
    pub explain_auth: bool,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            seed: 42,
            users: 10_000,
            window: Duration::from_secs(900),
            day: Duration::from_secs(86_400),
            limits: LimitsProfile::Current2026,
            faults: Faults::default(),
            quiet: true,
            tls: false,
            ca_file: None,
            explain_auth: false,
        }
    }
}

/// What a started emulator tells its user (the binary prints it as one JSON line).
#[derive(Clone, Debug, Serialize)]
pub struct Facts {
    /// `http://127.0.0.1:PORT`, or `https://127.0.0.1:PORT` under [`Config::tls`] (the
    /// certificate also names `localhost`, `api.x.com` and `api.twitter.com`).
    pub base_url: String,
    /// Under [`Config::tls`], the file holding the certificate authority (PEM) that a client
    /// adds to its roots to trust the emulator; absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ca_file: Option<PathBuf>,
    /// The app's consumer key.
    pub consumer_key: String,
    /// The app's consumer secret (serialized: it is a local test credential).
    pub consumer_secret: String,
    /// The app-only bearer token (also obtainable with `POST /oauth2/token`).
    pub bearer_token: String,
    /// The OAuth 2.0 client id, for the PKCE flow against the emulator.
    pub oauth2_client_id: String,
    /// A handful of users to act as, by role.
    pub users: Vec<DemoUser>,
}

/// A user whose credentials the emulator hands out.
#[derive(Clone, Debug, Serialize)]
pub struct DemoUser {
    /// The id, in decimal.
    pub id: String,
    /// The screen name.
    pub screen_name: String,
    /// `most_followed`, `protected`, `suspended`, `plain`, `blocker` (see the crate docs
    /// of the staged relationships) or `organisation` (an account with affiliates, for
    /// `GET /2/users/:id/affiliates`).
    pub role: String,
    /// How many followers the user had at start.
    pub followers: u64,
    /// The OAuth 1.0a access token, `<user id>-<random>` as X shapes them.
    pub access_token: String,
    /// The access token's secret.
    pub access_token_secret: String,
}

impl Facts {
    /// The first demo user of `role` (`"plain"`, `"most_followed"`, `"protected"`,
    /// `"suspended"`, `"blocker"`), if the emulator names one.
    pub fn user(&self, role: &str) -> Option<&DemoUser> {
        self.users.iter().find(|user| user.role == role)
    }

    /// OAuth 1.0a credentials acting as `user`: this app's consumer key and secret with the
    /// user's access token and secret.
    pub fn credentials(&self, user: &DemoUser) -> Credentials {
        Credentials::new(self.consumer_key.clone(), self.consumer_secret.clone())
            .with_token(user.access_token.clone(), user.access_token_secret.clone())
    }
}

impl DemoUser {
    /// The id as twapi-model's [`UserId`].
    ///
    /// The emulator only hands out decimal ids, so this reads [`DemoUser::id`] as it came;
    /// were the field changed to something else, the answer is id 0, which no account has.
    pub fn user_id(&self) -> UserId {
        UserId::new(self.id.parse().unwrap_or(0))
    }
}

/// A running emulator. Dropping it stops it too; [`Emulator::shutdown`] also waits.
#[derive(Debug)]
pub struct Emulator {
    facts: Facts,
    service: Arc<Service>,
    stop: watch::Sender<bool>,
    server: Option<JoinHandle<()>>,
    ca_pem: Option<String>,
    ca_file: Option<CaFile>,
}

/// The written CA file, removed on drop when the emulator chose its place.
#[derive(Debug)]
struct CaFile {
    path: PathBuf,
    ours: bool,
}

impl Drop for CaFile {
    fn drop(&mut self) {
        if self.ours {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

impl Emulator {
    /// Binds, builds the graph (on a blocking thread), and serves in background tasks.
    ///
    /// Fails when the address cannot be bound, or `users` is outside
    /// [`MIN_USERS`]..=[`MAX_USERS`] (`InvalidInput`).
    pub async fn start(config: Config) -> io::Result<Emulator> {
        if !(MIN_USERS..=MAX_USERS).contains(&config.users) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!(
                    "users must be from {MIN_USERS} to {MAX_USERS}, not {}",
                    config.users
                ),
            ));
        }
        let listener = TcpListener::bind(config.listen).await?;
        let local = listener.local_addr()?;
        let host = if local.ip().is_unspecified() {
            SocketAddr::from((Ipv4Addr::LOCALHOST, local.port()))
        } else {
            local
        };
        let (tls, ca_file) = if config.tls {
            let tls = tls::Tls::make(host.ip())?;
            let (path, ours) = match &config.ca_file {
                Some(path) => (path.clone(), false),
                None => (
                    std::env::temp_dir().join(format!(
                        "twapi-emulator-{}-{}-ca.pem",
                        std::process::id(),
                        host.port()
                    )),
                    true,
                ),
            };
            std::fs::write(&path, &tls.ca_pem).map_err(|error| {
                io::Error::new(
                    error.kind(),
                    format!("cannot write the CA file {}: {error}", path.display()),
                )
            })?;
            (Some(tls), Some(CaFile { path, ours }))
        } else {
            (None, None)
        };
        let scheme = if tls.is_some() { "https" } else { "http" };
        let base_url = format!("{scheme}://{host}");
        let ca_path = ca_file.as_ref().map(|file| file.path.clone());
        let (service, mut facts) = tokio::task::spawn_blocking(move || build(&config, base_url))
            .await
            .map_err(io::Error::other)?;
        facts.ca_file = ca_path;
        let ca_pem = tls.as_ref().map(|tls| tls.ca_pem.clone());
        let service = Arc::new(service);
        let (stop, stopped) = watch::channel(false);
        let server = tokio::spawn(server::run(listener, Arc::clone(&service), tls, stopped));
        Ok(Emulator {
            facts,
            service,
            stop,
            server: Some(server),
            ca_pem,
            ca_file,
        })
    }

    /// Under [`Config::tls`], the certificate authority (PEM) that signed the emulator's
    /// certificate, for a client in the same process to add to its roots (the same text as
    /// the file [`Facts::ca_file`] names).
    pub fn ca_pem(&self) -> Option<&str> {
        self.ca_pem.as_deref()
    }

    /// The base URL, credentials and demo users.
    pub fn facts(&self) -> &Facts {
        &self.facts
    }

    /// `http://127.0.0.1:PORT` (`https://` under [`Config::tls`]).
    pub fn base_url(&self) -> &str {
        &self.facts.base_url
    }

    /// Ground truth for tests: the follower ids of `user`, in the order the API lists them
    /// (newest first); empty for an unknown user (`GET /_emulator/users/:id/followers`).
    pub fn follower_ids(&self, user: u64) -> Vec<u64> {
        self.service
            .ground_truth(user, GroundTruth::Followers)
            .unwrap_or_default()
    }

    /// Ground truth for tests: the ids `user` follows, in the order the API lists them
    /// (`GET /_emulator/users/:id/following`).
    pub fn following_ids(&self, user: u64) -> Vec<u64> {
        self.service
            .ground_truth(user, GroundTruth::Following)
            .unwrap_or_default()
    }

    /// Ground truth for tests: the affiliates of `user`, in the order
    /// `GET /2/users/:id/affiliates` lists them (newest account first); empty for an account
    /// that is not an organisation (see the `organisation` role of [`Facts::users`]).
    pub fn affiliate_ids(&self, user: u64) -> Vec<u64> {
        self.service
            .ground_truth(user, GroundTruth::Affiliates)
            .unwrap_or_default()
    }

    /// Puts the world back as it was at start (`POST /_emulator/reset`): the graph built
    /// again from the seed, the windows and daily caps empty, the tokens of the start (the
    /// facts' bearer token valid again, OAuth 2.0 user tokens gone), the meter at zero, the
    /// fault sequence restarted. Takes about as long as building the graph did.
    pub fn reset(&self) {
        self.service.reset();
    }

    /// The windows' and caps' lengths and the limits profile in force.
    pub fn timing(&self) -> Timing {
        self.service.timing()
    }

    /// New window and day lengths or limits profile, mid-run (`PUT /_emulator/windows`):
    /// every window and daily cap starts counting afresh.
    pub fn set_timing(&self, timing: Timing) {
        self.service.set_timing(timing);
    }

    /// An OAuth 2.0 user access token for `user` (scopes `tweet.read users.read follows.read
    /// follows.write`), as `POST /2/oauth2/token` would issue it at the end of the PKCE flow,
    /// for a test or an example that needs an OAuth 2.0 user without running the flow; `None`
    /// for an id the emulator does not have.
    pub fn oauth2_user_token(&self, user: &DemoUser) -> Option<String> {
        let index = self.service.dir.by_id(user.user_id().get())?;
        let scope = "tweet.read users.read follows.read follows.write";
        Some(self.service.grant_oauth2(index, scope))
    }

    /// What X would bill for the UTC day so far (the same figures as `GET /_emulator/usage`):
    /// every successful answer metered with twapi-core's prices and meter, each user once a
    /// day.
    pub fn usage(&self) -> twapi_core::cost::Usage {
        self.service.usage()
    }

    /// The emulator's meter as it stands (the users billed today among it).
    pub fn meter(&self) -> twapi_core::cost::Meter {
        self.service.meter()
    }

    /// Switches fault injection (per run, or mid-run); the sequence restarts from
    /// `faults.seed`.
    pub fn set_faults(&self, faults: Faults) {
        self.service.set_faults(faults);
    }

    /// Stops accepting, lets requests in flight finish (up to a few seconds), and returns
    /// once every connection is closed.
    pub async fn shutdown(mut self) {
        self.stop.send_replace(true);
        if let Some(server) = self.server.take() {
            let _ = server.await;
        }
        // The CA file goes once nothing serves with it.
        drop(self.ca_file.take());
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        self.stop.send_replace(true);
    }
}

/// Generates the world and the facts (CPU-bound: run off the async threads).
fn build(config: &Config, base_url: String) -> (Service, Facts) {
    let started = Instant::now();
    let dir = Directory::generate(config.seed, config.users);
    let mut graph = Graph::generate(&dir);
    let cast = Cast::choose(&dir);
    cast.stage(&dir, &mut graph);
    let cast_roles = cast.roles();
    let taken: Vec<u32> = cast_roles.iter().map(|(index, _)| *index).collect();
    let orgs = Organisations::generate(&dir, &taken);
    let users = cast_roles
        .into_iter()
        .chain(orgs.listed().iter().map(|&org| (org, "organisation")))
        .map(|(index, role)| {
            let (token, secret) = access_token(&dir, index);
            DemoUser {
                id: dir.id(index).to_string(),
                screen_name: dir.screen_name(index),
                role: role.to_owned(),
                followers: graph.followers(index).len() as u64,
                access_token: token,
                access_token_secret: secret.expose().to_owned(),
            }
        })
        .collect();
    if !config.quiet {
        let mib = (dir.heap_bytes() + graph.heap_bytes()) / (1024 * 1024);
        eprintln!(
            "twapi-emulator: {} users, {} follows, about {mib} MiB, built in {} ms",
            dir.len(),
            graph.edge_count(),
            started.elapsed().as_millis()
        );
    }
    let service = Service::new(Setup {
        dir,
        graph,
        window: config.window,
        day: config.day,
        faults: config.faults.clone(),
        orgs,
        limits: config.limits,
        default_login: cast.plain[0],
        quiet: config.quiet,
        explain_auth: config.explain_auth,
    });
    let facts = Facts {
        base_url,
        ca_file: None,
        consumer_key: service.app.consumer_key.clone(),
        consumer_secret: service.app.consumer_secret.expose().to_owned(),
        bearer_token: service.app_bearer(),
        oauth2_client_id: service.app.client_id.clone(),
        users,
    };
    (service, facts)
}
