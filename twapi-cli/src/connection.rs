//! Where a command's requests go: X with a stored account, a served emulator an account
//! points at, or — with `--emulator`, or when no credentials are stored — an emulator started
//! in this process, acting as one of its demo users.
//!
//! The session's limiter and the UTC day's cost meter are kept per account in the config
//! directory (`usage-NAME.json`), so `twapi usage` and the daily caps span invocations.

use std::path::PathBuf;
use std::time::{Duration, SystemTime};

use serde::{Deserialize, Serialize};
use twapi_core::cost::{Meter, MeterHandle};
use twapi_core::rate_limit::Limiter;
use twapi_emulator::{Config, Emulator};
use twapi_hyper::{Client, ClientBuilder, Credentials, LimiterConfig, LimiterHandle};

use crate::failure::Failure;
use crate::store::{self, Auth, Store};

/// The embedded emulator's rate-limit windows: X's 15 minutes scaled down, so that a crawl
/// that meets a limit shows the countdown and goes on within seconds.
pub(crate) const EMULATOR_WINDOW: Duration = Duration::from_secs(15);
/// The embedded emulator's users (built in well under a second).
pub(crate) const EMULATOR_USERS: u32 = 10_000;
/// The account name the embedded emulator's usage is kept under.
const EMULATOR_ACCOUNT: &str = "emulator";

/// What the user asked for on the command line about where to send requests.
#[derive(Debug, Clone, Default)]
pub(crate) struct Choice {
    /// `--emulator`.
    pub(crate) emulator: bool,
    /// `--account NAME`.
    pub(crate) account: Option<String>,
    /// `--base-url URL`.
    pub(crate) base_url: Option<String>,
    /// `--no-wait`: fail (exit 4) instead of waiting on a rate limit.
    pub(crate) no_wait: bool,
}

/// A client ready to send, and what keeps it meaningful.
pub(crate) struct Connection {
    pub(crate) client: Client,
    /// The embedded emulator, when there is one (dropped last).
    pub(crate) emulator: Option<Emulator>,
    /// `@name` or the account's name, for messages.
    pub(crate) label: String,
    usage_path: PathBuf,
}

/// The limiter and the meter as saved between runs.
#[derive(Debug, Default, Serialize, Deserialize)]
struct SavedUsage {
    meter: Meter,
    limiter: Option<Limiter>,
}

/// Where an account's requests go: `--base-url`, else the account's own, else X.
fn base_url(choice: &Choice, account: &crate::store::Account) -> String {
    choice
        .base_url
        .clone()
        .or_else(|| account.base_url.clone())
        .unwrap_or_else(|| twapi_auth::X_API_BASE.to_owned())
}

impl Connection {
    /// Connects as the user chose: the stored account, or the embedded emulator.
    pub(crate) async fn open(choice: &Choice) -> Result<Connection, Failure> {
        let store_path = store::path()?;
        let picked = if choice.emulator {
            None
        } else {
            let mut store = Store::load(&store_path)?;
            let picked = store.pick(choice.account.as_deref())?;
            // An OAuth 2.0 token about to expire is refreshed, and the new one stored.
            if let Some((name, account)) = &picked
                && let Some(fresh) = crate::auth::refresh_if_expiring(
                    &base_url(choice, account),
                    &account.auth,
                    twapi_auth::system::unix_now(),
                )
                .await?
            {
                let mut account = account.clone();
                account.auth = fresh;
                store.accounts.insert(name.clone(), account);
                store.save(&store_path)?;
            }
            store.pick(choice.account.as_deref())?
        };
        let dir = store_path
            .parent()
            .map_or_else(|| PathBuf::from("."), PathBuf::from);
        let Some((name, account)) = picked else {
            if choice.base_url.is_some() {
                return Err(Failure::usage(
                    "--base-url needs an account (`twapi auth add`); without one, twapi runs on its embedded emulator",
                ));
            }
            let emulator = Emulator::start(Config {
                users: EMULATOR_USERS,
                window: EMULATOR_WINDOW,
                ..Config::default()
            })
            .await
            .map_err(|e| Failure::io("cannot start the embedded emulator", e))?;
            let facts = emulator.facts();
            let user = facts
                .user("plain")
                .ok_or_else(|| Failure::internal("the emulator has no plain demo user"))?;
            let why = if choice.emulator {
                "--emulator"
            } else {
                "no credentials stored (`twapi auth add`)"
            };
            eprintln!(
                "twapi: {why}: using the embedded X emulator ({EMULATOR_USERS} users, {} s rate-limit windows) as @{}",
                EMULATOR_WINDOW.as_secs(),
                user.screen_name
            );
            let builder = ClientBuilder::oauth1(&facts.credentials(user))
                .base_url(emulator.base_url())
                .app_name(EMULATOR_ACCOUNT);
            let label = format!("@{}", user.screen_name);
            return Self::finish(
                builder,
                LimiterConfig {
                    window: EMULATOR_WINDOW,
                    ..LimiterConfig::default()
                },
                dir.join(format!("usage-{EMULATOR_ACCOUNT}.json")),
                Some(emulator),
                label,
                choice,
            );
        };
        let base_url = base_url(choice, &account);
        let builder = match &account.auth {
            Auth::Oauth1 {
                consumer_key,
                consumer_secret,
                access_token,
                access_token_secret,
            } => ClientBuilder::oauth1(
                &Credentials::new(
                    consumer_key.clone(),
                    twapi_auth::Secret::new(consumer_secret.expose()),
                )
                .with_token(
                    access_token.expose(),
                    twapi_auth::Secret::new(access_token_secret.expose()),
                ),
            ),
            Auth::Bearer { token, .. } => {
                ClientBuilder::app_only(twapi_auth::Secret::new(token.expose()))
            }
            Auth::Oauth2 { access_token, .. } => {
                ClientBuilder::oauth2_user(twapi_auth::Secret::new(access_token.expose()))
            }
        };
        let label = account
            .username
            .map_or_else(|| name.clone(), |u| format!("@{u}"));
        Self::finish(
            builder.base_url(base_url).app_name(name.clone()),
            LimiterConfig::default(),
            dir.join(format!("usage-{name}.json")),
            None,
            label,
            choice,
        )
    }

    fn finish(
        builder: ClientBuilder,
        config: LimiterConfig,
        usage_path: PathBuf,
        emulator: Option<Emulator>,
        label: String,
        choice: &Choice,
    ) -> Result<Connection, Failure> {
        let saved: SavedUsage = std::fs::read(&usage_path)
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .unwrap_or_default();
        let limiter = saved
            .limiter
            .filter(|l| l.config() == config)
            .unwrap_or_else(|| Limiter::new(config));
        let client = builder
            .user_agent(concat!("twapi/", env!("CARGO_PKG_VERSION")))
            .limiter(LimiterHandle::new(limiter))
            .meter(MeterHandle::new(saved.meter))
            .wait_on_rate_limit(!choice.no_wait)
            .build()
            .map_err(|e| Failure::usage(format!("cannot build the client: {e}")))?;
        Ok(Connection {
            client,
            emulator,
            label,
            usage_path,
        })
    }

    /// Saves the limiter and the meter for the next run (and `twapi usage`).
    pub(crate) fn save_usage(&self) -> Result<(), Failure> {
        let session = self.client.session();
        let saved = SavedUsage {
            meter: session
                .meter()
                .map(MeterHandle::snapshot)
                .unwrap_or_default(),
            limiter: session.limiter().map(LimiterHandle::snapshot),
        };
        let bytes = serde_json::to_vec(&saved).map_err(|e| Failure::internal(e.to_string()))?;
        if let Some(dir) = self.usage_path.parent() {
            std::fs::create_dir_all(dir)
                .map_err(|e| Failure::io(&format!("cannot create {}", dir.display()), e))?;
        }
        let temporary = self.usage_path.with_extension("json.tmp");
        std::fs::write(&temporary, bytes)
            .and_then(|()| std::fs::rename(&temporary, &self.usage_path))
            .map_err(|e| Failure::io(&format!("cannot write {}", self.usage_path.display()), e))
    }

    /// The day's usage as this client's meter has it.
    pub(crate) fn usage(&self) -> twapi_core::cost::Usage {
        self.client.session().usage(SystemTime::now())
    }

    /// Stops the embedded emulator, if any.
    pub(crate) async fn close(self) {
        if let Some(emulator) = self.emulator {
            emulator.shutdown().await;
        }
    }
}
