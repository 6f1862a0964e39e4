//! The credentials file: named accounts (an app's keys with a user's tokens, an app-only
//! bearer, or an OAuth 2.0 user's tokens) and the default one, as xurl keeps them, in the
//! user's config directory, readable by its owner only.
//!
//! The file is refused at load when its group or others may read it (as ssh refuses a key),
//! and written with mode 0600 through a temporary file renamed over it, so a crash never
//! leaves half a file. Secrets live in [`Hidden`], whose `Debug` prints nothing of them.

use std::collections::BTreeMap;
use std::fmt;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::failure::Failure;

/// The variable that moves the config directory (tests point it at a temporary one).
pub(crate) const CONFIG_DIR_VAR: &str = "TWAPI_CONFIG_DIR";

/// A secret as stored: serialized as the plain string, never shown by `Debug`.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub(crate) struct Hidden(String);

impl Hidden {
    pub(crate) fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The value, for signing or sending; never for printing.
    pub(crate) fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Hidden {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Hidden(..)")
    }
}

/// How an account authenticates.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub(crate) enum Auth {
    /// OAuth 1.0a user context: the app's keys and the user's access token.
    Oauth1 {
        consumer_key: String,
        consumer_secret: Hidden,
        access_token: Hidden,
        access_token_secret: Hidden,
    },
    /// App-only: a bearer token obtained from the app's key and secret.
    Bearer { consumer_key: String, token: Hidden },
    /// OAuth 2.0 user context from the PKCE flow, refreshed when it expires.
    Oauth2 {
        client_id: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        client_secret: Option<Hidden>,
        redirect_uri: String,
        access_token: Hidden,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        refresh_token: Option<Hidden>,
        /// Seconds since 1970 when the access token stops working.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        expires_at: Option<u64>,
    },
}

impl Auth {
    /// The kind, as `twapi auth list` shows it.
    pub(crate) fn kind(&self) -> &'static str {
        match self {
            Auth::Oauth1 { .. } => "oauth1 (user)",
            Auth::Bearer { .. } => "app-only bearer",
            Auth::Oauth2 { .. } => "oauth2 (user, PKCE)",
        }
    }
}

/// One named account.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Account {
    /// Where its requests go when not X (an emulator served by `twapi emulator`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) base_url: Option<String>,
    /// The user's screen name, when known (shown by `twapi auth list`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) username: Option<String>,
    pub(crate) auth: Auth,
}

/// The whole file.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Store {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) default: Option<String>,
    #[serde(default)]
    pub(crate) accounts: BTreeMap<String, Account>,
}

/// Where the file lives: `$TWAPI_CONFIG_DIR/credentials.json`, or `twapi/credentials.json`
/// in the user's config directory.
pub(crate) fn path() -> Result<PathBuf, Failure> {
    let dir = match std::env::var_os(CONFIG_DIR_VAR).filter(|v| !v.is_empty()) {
        Some(dir) => PathBuf::from(dir),
        None => dirs::config_dir()
            .ok_or_else(|| {
                Failure::usage(format!(
                    "there is no config directory for this user; set {CONFIG_DIR_VAR}"
                ))
            })?
            .join("twapi"),
    };
    Ok(dir.join("credentials.json"))
}

impl Store {
    /// Reads the file; an absent file is an empty store. Refused when others may read it.
    pub(crate) fn load(path: &Path) -> Result<Store, Failure> {
        let bytes = match std::fs::read(path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Store::default()),
            Err(e) => return Err(Failure::io(&format!("cannot read {}", path.display()), e)),
        };
        check_private(path)?;
        serde_json::from_slice(&bytes).map_err(|e| {
            Failure::usage(format!(
                "{} is not a twapi credentials file ({e})",
                path.display()
            ))
        })
    }

    /// Writes the file with mode 0600, atomically.
    pub(crate) fn save(&self, path: &Path) -> Result<(), Failure> {
        let dir = path.parent().unwrap_or(Path::new("."));
        std::fs::create_dir_all(dir)
            .map_err(|e| Failure::io(&format!("cannot create {}", dir.display()), e))?;
        let temporary = path.with_extension("json.tmp");
        let bytes =
            serde_json::to_vec_pretty(self).map_err(|e| Failure::internal(e.to_string()))?;
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let write = || -> std::io::Result<()> {
            let mut file = options.open(&temporary)?;
            file.write_all(&bytes)?;
            file.sync_all()?;
            std::fs::rename(&temporary, path)
        };
        write().map_err(|e| Failure::io(&format!("cannot write {}", path.display()), e))
    }

    /// The account `name`, or the default one, or the only one.
    pub(crate) fn pick(&self, name: Option<&str>) -> Result<Option<(String, Account)>, Failure> {
        let chosen = match name {
            Some(name) => Some(name.to_owned()),
            None => self.default.clone().or_else(|| {
                (self.accounts.len() == 1).then(|| self.accounts.keys().next().cloned())?
            }),
        };
        let Some(chosen) = chosen else {
            if self.accounts.is_empty() {
                return Ok(None);
            }
            return Err(Failure::usage(format!(
                "several accounts and no default: pick one with --account ({}) or `twapi auth default NAME`",
                self.names()
            )));
        };
        match self.accounts.get(&chosen) {
            Some(account) => Ok(Some((chosen, account.clone()))),
            None => Err(Failure::usage(format!(
                "there is no account named {chosen:?} (accounts: {})",
                self.names()
            ))),
        }
    }

    fn names(&self) -> String {
        if self.accounts.is_empty() {
            return "none".to_owned();
        }
        self.accounts.keys().cloned().collect::<Vec<_>>().join(", ")
    }
}

/// Refuses a file its group or others may read or write.
#[cfg(unix)]
fn check_private(path: &Path) -> Result<(), Failure> {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(path)
        .map_err(|e| Failure::io(&format!("cannot read {}", path.display()), e))?
        .permissions()
        .mode();
    if mode & 0o077 != 0 {
        return Err(Failure::usage(format!(
            "{} may be read by others (mode {:o}); it holds secrets, so twapi will not use it: run `chmod 600 {}`",
            path.display(),
            mode & 0o777,
            path.display()
        )));
    }
    Ok(())
}

#[cfg(not(unix))]
fn check_private(_: &Path) -> Result<(), Failure> {
    // The file lives in the user's profile, which Windows' ACLs keep private.
    Ok(())
}
