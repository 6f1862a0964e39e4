//! The command line, declared with clap's derive: each command, its options and its help
//! with examples that run on a fresh machine (on the embedded emulator).

use std::io::Write as _;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};
use twapi_core::cost::Cost;
use twapi_core::fields::{Fields, UserField};
use twapi_emulator::{Config, Emulator};

use crate::connection::Choice;
use crate::crawl::Options;
use crate::failure::Failure;
use crate::request::RawRequest;

/// twapi: the X API's follow, search and get-users family from the command line.
///
/// With no stored credentials (or with --emulator) every command runs on an X emulator
/// started in-process, so every example below works on a fresh machine.
#[derive(Debug, Parser)]
#[command(
    name = "twapi",
    version,
    after_help = "Examples:
  twapi request GET /2/users/by/username/TwitterDev user.fields=public_metrics
  twapi followers TwitterDev -o followers.jsonl --state followers.state --max-cost 5.00
  echo TwitterDev | twapi users --fields created_at
  twapi search walrus --limit 20
  twapi follow TwitterDev
  twapi usage

Exit codes: 0 done, 1 other failure, 2 bad command, 3 refused by X, 4 rate limited
(with --no-wait), 5 budget reached, 130 interrupted."
)]
pub(crate) struct Cli {
    #[command(flatten)]
    pub(crate) global: Global,
    #[command(subcommand)]
    pub(crate) command: Command,
}

/// Options every command takes.
#[derive(Debug, Args)]
#[command(next_help_heading = "Global options")]
pub(crate) struct Global {
    /// Run on the embedded X emulator, whatever credentials are stored.
    #[arg(long, global = true)]
    pub(crate) emulator: bool,
    /// The stored account to act as (default: the one `twapi auth default` picked).
    #[arg(long, global = true, env = "TWAPI_ACCOUNT", value_name = "NAME")]
    pub(crate) account: Option<String>,
    /// Send to this server instead of the account's (an emulator served by `twapi emulator`).
    #[arg(long, global = true, value_name = "URL")]
    pub(crate) base_url: Option<String>,
    /// Fail with exit code 4 on a rate limit instead of waiting for the window to reset.
    #[arg(long, global = true)]
    pub(crate) no_wait: bool,
    /// Show the request line, the rate-limit headers and the cost on stderr (never a secret).
    #[arg(short, long, global = true)]
    pub(crate) verbose: bool,
}

impl Global {
    pub(crate) fn choice(&self) -> Choice {
        Choice {
            emulator: self.emulator,
            account: self.account.clone(),
            base_url: self.base_url.clone(),
            no_wait: self.no_wait,
        }
    }
}

/// The commands.
#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Sends any request of the family, like twurl and xurl.
    #[command(
        after_help = "The parameters are read into the endpoint's typed request with the
server's own rules: a misspelt parameter or a bad value is refused before anything is sent.
JSON is pretty on a terminal and compact when piped.

Examples:
  twapi request GET /2/users/me
  twapi request GET /2/users/by/username/TwitterDev user.fields=public_metrics,created_at
  twapi request GET '/2/users/by?usernames=TwitterDev,Walrus2481'
  twapi request GET /1.1/users/show.json screen_name=TwitterDev"
    )]
    Request(RequestArgs),
    /// Crawls an account's followers to JSONL, one user a line.
    #[command(after_help = "Example:
  twapi followers TwitterDev -o followers.jsonl --state followers.state --max-cost 5.00")]
    Followers(ListArgs),
    /// Crawls the accounts a user follows to JSONL, one user a line.
    #[command(after_help = "Example:
  twapi following TwitterDev --limit 100")]
    Following(ListArgs),
    /// Looks users up by id or username (one a line, from FILE or stdin), 100 a request.
    #[command(after_help = "Example:
  printf 'TwitterDev\\n1202771814\\n' | twapi users")]
    Users(UsersArgs),
    /// Searches users to JSONL, one user a line.
    #[command(after_help = "Example:
  twapi search walrus --limit 20 --fields description")]
    Search(SearchArgs),
    /// Follows a user (a protected one gets a pending request); shows the daily cap left.
    Follow(TargetArgs),
    /// Unfollows a user, or withdraws a pending request; shows the daily cap left.
    Unfollow(TargetArgs),
    /// Shows the UTC day's cost meter and the rate-limit windows of the account.
    Usage,
    /// Adds, lists, picks and removes stored credentials.
    #[command(subcommand)]
    Auth(AuthCommand),
    /// Serves an X emulator for other programs until Ctrl-C (prints its facts as one JSON line).
    Emulator(ServeArgs),
}

#[derive(Debug, Args)]
pub(crate) struct RequestArgs {
    /// GET, POST or DELETE.
    method: String,
    /// The endpoint's path, as X documents it (a query may follow `?`).
    path: String,
    /// Parameters, each name=value.
    params: Vec<String>,
}

impl RequestArgs {
    pub(crate) fn into_raw(self) -> RawRequest {
        RawRequest {
            method: self.method,
            target: self.path,
            params: self.params,
        }
    }
}

/// What every crawl takes.
#[derive(Debug, Args)]
pub(crate) struct CrawlArgs {
    /// Write the JSONL here instead of stdout.
    #[arg(short, long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Keep the crawl's progress here, so that a killed run continues where it stopped when
    /// run again (needs -o).
    #[arg(long, value_name = "FILE")]
    state: Option<PathBuf>,
    /// Stop after this many users.
    #[arg(long, value_name = "N")]
    limit: Option<u64>,
    /// Spend at most this many dollars on the crawl (by X's 2026 prices, each user billed
    /// once a UTC day), e.g. 5.00; exit code 5 when it is reached.
    #[arg(long, value_name = "USD")]
    max_cost: Option<String>,
    /// The user fields to ask for, comma-separated (default: all of them), e.g.
    /// created_at,public_metrics.
    #[arg(long, value_name = "LIST")]
    fields: Option<String>,
    /// Users a request asks for (default: the most the endpoint gives).
    #[arg(long, value_name = "N")]
    page_size: Option<u32>,
    /// Write each answer whole, one page a line, instead of one user a line.
    #[arg(long)]
    pages: bool,
    /// Use X's v1.1 endpoints, for accounts that still have them.
    #[arg(long)]
    v1: bool,
}

impl CrawlArgs {
    pub(crate) fn options(&self) -> Result<Options, Failure> {
        let fields = match &self.fields {
            None => Fields::all_user_fields(),
            Some(list) => Fields::users(parse_fields(list)?),
        };
        if self.v1 && self.fields.is_some() {
            return Err(Failure::usage(
                "--fields selects v2 user fields; v1.1 answers always carry every field",
            ));
        }
        Ok(Options {
            output: self.output.clone(),
            state: self.state.clone(),
            limit: self.limit,
            max_cost: self.max_cost.as_deref().map(parse_dollars).transpose()?,
            fields: if self.v1 { Fields::default() } else { fields },
            page_size: self.page_size,
            pages: self.pages,
            v1: self.v1,
        })
    }
}

/// `a,b,c` into user fields, refusing a name X does not have.
fn parse_fields(list: &str) -> Result<Vec<UserField>, Failure> {
    list.split(',')
        .map(str::trim)
        .filter(|name| !name.is_empty())
        .map(|name| match UserField::parse(name) {
            UserField::Other(_) => {
                let known: Vec<&str> = UserField::ALL.iter().map(UserField::as_str).collect();
                Err(Failure::usage(format!(
                    "{name:?} is not a user field; these are: {}",
                    known.join(", ")
                )))
            }
            field => Ok(field),
        })
        .collect()
}

/// `5`, `5.00`, `$0.05` into a [`Cost`], to the micro-dollar.
pub(crate) fn parse_dollars(text: &str) -> Result<Cost, Failure> {
    let bad = || Failure::usage(format!("{text:?} is not an amount of dollars (e.g. 5.00)"));
    let digits = text.trim().trim_start_matches('$');
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    if whole.is_empty() && fraction.is_empty()
        || fraction.len() > 6
        || !whole
            .bytes()
            .chain(fraction.bytes())
            .all(|b| b.is_ascii_digit())
    {
        return Err(bad());
    }
    let whole: u64 = if whole.is_empty() {
        0
    } else {
        whole.parse().map_err(|_| bad())?
    };
    let micros: u64 = format!("{fraction:0<6}").parse().map_err(|_| bad())?;
    whole
        .checked_mul(1_000_000)
        .and_then(|w| w.checked_add(micros))
        .map(Cost::from_micros)
        .ok_or_else(bad)
}

#[derive(Debug, Args)]
pub(crate) struct ListArgs {
    /// The account: a username (@ optional) or a numeric id.
    pub(crate) user: String,
    #[command(flatten)]
    pub(crate) crawl: CrawlArgs,
}

#[derive(Debug, Args)]
pub(crate) struct UsersArgs {
    /// A file of ids or usernames, one a line (default: stdin).
    pub(crate) input: Option<PathBuf>,
    #[command(flatten)]
    pub(crate) crawl: CrawlArgs,
}

#[derive(Debug, Args)]
pub(crate) struct SearchArgs {
    /// What to search for.
    pub(crate) query: String,
    #[command(flatten)]
    pub(crate) crawl: CrawlArgs,
}

#[derive(Debug, Args)]
pub(crate) struct TargetArgs {
    /// The user: a username (@ optional) or a numeric id.
    pub(crate) user: String,
    /// Use X's v1.1 endpoint (friendships/create or destroy).
    #[arg(long)]
    pub(crate) v1: bool,
}

/// `twapi auth ...`.
#[derive(Debug, Subcommand)]
pub(crate) enum AuthCommand {
    /// Adds an account: OAuth 1.0a with a PIN, OAuth 2.0 with PKCE, or an app-only bearer.
    #[command(
        after_help = "The app's secrets are read from the environment, never from the
command line (where other users could see them):
  X_CONSUMER_KEY, X_CONSUMER_SECRET (OAuth 1.0a, bearer), X_CLIENT_SECRET (OAuth 2.0,
  confidential clients), X_ACCESS_TOKEN, X_ACCESS_TOKEN_SECRET (OAuth 1.0a tokens you
  already have: no PIN flow).

Examples:
  twapi auth add me --oauth1          (prints a URL to open; type the PIN it shows)
  twapi auth add me2 --oauth2 --client-id ID --redirect-uri http://127.0.0.1:8765/callback
  twapi auth add app --bearer"
    )]
    Add(AddArgs),
    /// Lists the stored accounts (never a secret).
    List,
    /// Makes an account the default.
    Default {
        /// The account's name.
        name: String,
    },
    /// Removes an account.
    Remove {
        /// The account's name.
        name: String,
    },
}

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("flow").required(true).multiple(false)))]
pub(crate) struct AddArgs {
    /// The name to store it under.
    pub(crate) name: String,
    /// OAuth 1.0a user context: the 3-legged flow with a PIN.
    #[arg(long, group = "flow")]
    pub(crate) oauth1: bool,
    /// OAuth 2.0 user context: Authorization Code with PKCE, through a one-shot listener on
    /// 127.0.0.1 that receives the redirect.
    #[arg(long, group = "flow")]
    pub(crate) oauth2: bool,
    /// App-only: a bearer token obtained from the app's key and secret.
    #[arg(long, group = "flow")]
    pub(crate) bearer: bool,
    /// The app's consumer key (OAuth 1.0a, bearer).
    #[arg(long, env = "X_CONSUMER_KEY", hide_env_values = true)]
    pub(crate) consumer_key: Option<String>,
    /// The app's OAuth 2.0 client id.
    #[arg(long, value_name = "ID")]
    pub(crate) client_id: Option<String>,
    /// Where X redirects after the authorization (registered for the app); port 0 picks a
    /// free port (for an emulator).
    #[arg(
        long,
        value_name = "URI",
        default_value = "http://127.0.0.1:8765/callback"
    )]
    pub(crate) redirect_uri: String,
    /// Make it the default account.
    #[arg(long)]
    pub(crate) default: bool,
}

/// `twapi emulator`.
#[derive(Debug, Args)]
pub(crate) struct ServeArgs {
    /// Where to listen.
    #[arg(long, default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// Seeds the world: the same seed, the same users and credentials.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// How many users.
    #[arg(long, default_value_t = 10_000)]
    users: u32,
    /// The length of X's 15-minute rate-limit windows, in seconds.
    #[arg(long, default_value_t = 900)]
    window_seconds: u64,
}

impl ServeArgs {
    pub(crate) async fn run(self) -> Result<(), Failure> {
        let emulator = Emulator::start(Config {
            listen: self.listen,
            seed: self.seed,
            users: self.users,
            window: Duration::from_secs(self.window_seconds.max(1)),
            ..Config::default()
        })
        .await
        .map_err(|e| Failure::io(&format!("cannot serve on {}", self.listen), e))?;
        let facts = serde_json::to_string(emulator.facts())
            .map_err(|e| Failure::internal(e.to_string()))?;
        println!("{facts}");
        eprintln!(
            "twapi: serving an X emulator at {} until Ctrl-C (its credentials are on stdout)",
            emulator.base_url()
        );
        let _ = std::io::stdout().flush();
        let _ = tokio::signal::ctrl_c().await;
        emulator.shutdown().await;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dollars_are_read_to_the_micro_dollar() {
        let micros = |s: &str| parse_dollars(s).map(Cost::micros).ok();
        assert_eq!(micros("5"), Some(5_000_000));
        assert_eq!(micros("5.00"), Some(5_000_000));
        assert_eq!(micros("$0.05"), Some(50_000));
        assert_eq!(micros(".5"), Some(500_000));
        assert_eq!(micros("0.0000001"), None);
        assert_eq!(micros("five"), None);
        assert_eq!(micros("-1"), None);
        assert_eq!(micros(""), None);
    }

    #[test]
    fn an_unknown_field_is_refused() {
        assert!(parse_fields("created_at,public_metrics").is_ok());
        assert!(parse_fields("follower_count").is_err());
    }

    #[test]
    fn the_command_line_is_consistent() {
        use clap::CommandFactory as _;
        Cli::command().debug_assert();
    }
}
