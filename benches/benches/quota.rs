//! Issue 27, item 2: a crawl at the quota. A crawl's physical limit is X's quota, not the CPU:
//! the followers of an account of 1,000,000 followers through `GET /2/users/:id/followers`,
//! 1,000 a page, with X's 2021 limits (15 requests a window) and windows scaled to one second
//! on the emulator, the session's limiter scaled the same way.
//!
//! - **Whole**: one process, one walk through twapi-hyper: its wall time against the minimum
//!   the windows allow, the 429s the session met (none expected), and the emulator's cost
//!   meter against the cost of the users returned.
//! - **Resumed**: the same crawl in eleven processes, each interrupted after a share of the
//!   pages and the next resumed from what it saved (the walk's `PagerState`, the limiter and the
//!   cost meter, each through a serde round trip): it must cost exactly what the whole crawl
//!   cost, and return the same users.
//! - **Four processes**: four OS processes on one credential, each walking a quarter of the
//!   pages, sharing the budgets through twapi-redis's `RedisLimiter` on a real `redis-server`
//!   started here: their wall time against the same minimum.
//!
//! Not criterion (each figure is one long run against a fresh world). The bench re-executes
//! itself as the emulator and as each crawler (`TWAPI_BENCH_CHILD`). Figures go to stdout and
//! to `<target>/twapi-bench/quota.tsv` (read by `examples/report.rs`).

#[path = "support/emulator.rs"]
mod emulator;
/// twapi-redis's test server: a real `redis-server` on a free loopback port, stopped on drop.
#[path = "../../twapi-redis/tests/support/redis_server.rs"]
mod redis_server;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use twapi_auth::oauth1::Credentials;
use twapi_core::cost::{Meter, MeterHandle, USER_READ};
use twapi_core::endpoint::{EndpointId, LimitsProfile};
use twapi_core::pager::{Pager, PagerState};
use twapi_core::rate_limit::{Context, Limiter, LimiterConfig, Permit, WaitUntil};
use twapi_core::request::v2::Followers;
use twapi_core::session::{LimiterHandle, LimiterStore, Observation, StoreFuture};
use twapi_hyper::ClientBuilder;
use twapi_model::UserId;
use twapi_redis::RedisLimiter;

use redis_server::RedisServer;

use emulator::{CHILD, EmulatorProcess, Options, env_u64, memory_kib, runtime, user_id};

/// The emulator's windows, and the session's.
const WINDOW: Duration = Duration::from_secs(1);
/// Requests a window allows to `GET /2/users/:id/followers` under X's 2021 limits.
const PER_WINDOW: u64 = 15;
/// Users a page.
const PAGE: u32 = 1_000;
/// Users the crawl returns.
const FOLLOWERS: u64 = 1_000_000;
/// The emulator's world: its most followed account has a little over a million followers.
const WORLD: u32 = 3_100_000;
/// How many times the resumed crawl is interrupted.
const INTERRUPTIONS: u64 = 10;
/// The crawlers sharing one credential through Redis.
const PROCESSES: u64 = 4;

fn main() {
    match std::env::var(CHILD).as_deref() {
        Ok("emulator") => emulator::emulator_child(),
        Ok("crawler") => crawler_child(),
        _ => {
            let args: Vec<String> = std::env::args().skip(1).collect();
            // Only `cargo bench` (which passes `--bench`) runs it, not `cargo test --benches`;
            // and `cargo bench -- <filter>` only when the filter names this bench.
            if !args.iter().any(|a| a == "--bench")
                || args
                    .iter()
                    .filter(|a| !a.starts_with('-'))
                    .any(|f| !"quota".contains(f.as_str()))
            {
                return;
            }
            parent();
        }
    }
}

/// The session's limiter as its store, counting the 429s the session observed: every 429 an
/// answer carries reaches the store as an [`Observation::RateLimited`], whichever store keeps
/// the budgets (this process's limiter, or Redis).
#[derive(Debug)]
struct Counted<S> {
    inner: S,
    rate_limited: AtomicU64,
}

impl<S: LimiterStore> LimiterStore for Counted<S> {
    fn config(&self) -> LimiterConfig {
        self.inner.config()
    }

    fn acquire<'a>(
        &'a self,
        endpoint: EndpointId,
        ctx: &'a Context,
        now: SystemTime,
    ) -> StoreFuture<'a, Result<Permit, WaitUntil>> {
        self.inner.acquire(endpoint, ctx, now)
    }

    fn observe<'a>(&'a self, observation: &'a Observation, now: SystemTime) -> StoreFuture<'a, ()> {
        if matches!(observation, Observation::RateLimited { .. }) {
            self.rate_limited.fetch_add(1, Ordering::Relaxed);
        }
        self.inner.observe(observation, now)
    }
}

/// What an interrupted crawler saves for the next one: the walk, the limiter, the meter.
#[derive(Serialize, Deserialize)]
struct Saved {
    pager: PagerState,
    limiter: Limiter,
    meter: Meter,
}

fn limiter_config() -> LimiterConfig {
    LimiterConfig {
        window: WINDOW,
        limits: LimitsProfile::Classic2021,
        ..LimiterConfig::default()
    }
}

fn since_epoch(at: SystemTime) -> Duration {
    at.duration_since(UNIX_EPOCH).unwrap_or_default()
}

// ---------------------------------------------------------------- a crawler, as a child

/// Walks the followers of `TWAPI_BENCH_TARGET` through twapi-hyper, up to `TWAPI_BENCH_LIMIT`
/// users, from the state in `TWAPI_BENCH_STATE` when that file exists; stops after
/// `TWAPI_BENCH_PAGES` pages (0: at the end) and saves its state there; with
/// `TWAPI_BENCH_REDIS`, keeps the budgets in that Redis. Starts at `TWAPI_BENCH_START_MS` (epoch
/// milliseconds) and prints one JSON line of what it did.
fn crawler_child() {
    let var = |name: &str| std::env::var(name).expect("set by the parent");
    let credentials = Credentials::new(var("TWAPI_BENCH_KEY"), var("TWAPI_BENCH_SECRET"))
        .with_token(var("TWAPI_BENCH_TOKEN"), var("TWAPI_BENCH_TOKEN_SECRET"));
    let target = env_u64("TWAPI_BENCH_TARGET", 0);
    let limit = env_u64("TWAPI_BENCH_LIMIT", FOLLOWERS);
    let max_pages = env_u64("TWAPI_BENCH_PAGES", 0);
    let state_file = std::env::var("TWAPI_BENCH_STATE").ok().map(PathBuf::from);
    let saved: Option<Saved> = state_file
        .as_deref()
        .filter(|path| path.exists())
        .map(|path| {
            serde_json::from_slice(&std::fs::read(path).expect("the saved state"))
                .expect("a state this bench saved")
        });
    let start = UNIX_EPOCH + Duration::from_millis(env_u64("TWAPI_BENCH_START_MS", 0));
    runtime().block_on(async move {
        let (local, meter, pager_state) = match saved {
            Some(saved) => (
                LimiterHandle::new(saved.limiter),
                MeterHandle::new(saved.meter),
                Some(saved.pager),
            ),
            None => (
                LimiterHandle::new(Limiter::new(limiter_config())),
                MeterHandle::new(Meter::new()),
                None,
            ),
        };
        let store: Arc<dyn LimiterStore>;
        let counted_local;
        let counted_redis;
        let rate_limited: &AtomicU64 = if let Ok(url) = std::env::var("TWAPI_BENCH_REDIS") {
            let redis = RedisLimiter::builder(url)
                .config(limiter_config())
                .connect()
                .await
                .expect("the bench's redis-server");
            counted_redis = Arc::new(Counted {
                inner: redis,
                rate_limited: AtomicU64::new(0),
            });
            store = counted_redis.clone();
            &counted_redis.rate_limited
        } else {
            counted_local = Arc::new(Counted {
                inner: local.clone(),
                rate_limited: AtomicU64::new(0),
            });
            store = counted_local.clone();
            &counted_local.rate_limited
        };
        let client = ClientBuilder::oauth1(&credentials)
            .base_url(var("TWAPI_BENCH_BASE"))
            .wait_on_rate_limit(true)
            .limiter_store(store)
            .meter(meter.clone())
            .build()
            .expect("a client");
        let request = Followers {
            max_results: Some(PAGE),
            ..Followers::of(UserId::new(target))
        };
        let pager = match pager_state {
            Some(state) => Pager::resume(request, state),
            None => Pager::new(request).with_limit(limit),
        };
        if let Ok(wait) = start.duration_since(SystemTime::now()) {
            tokio::time::sleep(wait).await;
        }
        let started = Instant::now();
        let (mut users, mut pages, mut checksum, mut spent) = (0_u64, 0_u64, 0_u64, 0_u64);
        let mut state = None;
        let mut stream = client.pages_with(pager);
        while let Some(page) = stream.next().await {
            let page = page.unwrap_or_else(|e| panic!("page {pages}: {e}"));
            users += page.items.len() as u64;
            pages += 1;
            spent += page.charge.spent().micros();
            // A sum of scrambled ids: the same set of users gives the same figure, a user
            // returned twice or missed changes it.
            checksum = page.items.iter().fold(checksum, |sum, user| {
                sum.wrapping_add(user.id.get().wrapping_mul(0x9E37_79B9_7F4A_7C15))
            });
            let done = page.state.done;
            state = Some(page.state);
            if pages == max_pages && !done {
                break;
            }
        }
        // The interruption: the stream is dropped between two pages.
        drop(stream);
        let secs = started.elapsed().as_secs_f64();
        let state = state.expect("at least one page");
        let done = state.done;
        if let Some(path) = &state_file {
            let saved = Saved {
                pager: state,
                limiter: local.snapshot(),
                meter: meter.snapshot(),
            };
            std::fs::write(path, serde_json::to_vec(&saved).expect("serializable"))
                .expect("the state file");
        }
        let (peak, _) = memory_kib("/proc/self/status");
        println!(
            "{}",
            json!({
                "users": users,
                "pages": pages,
                "secs": secs,
                "done": done,
                "rate_limited": rate_limited.load(Ordering::Relaxed),
                "checksum": checksum.to_string(),
                "spent_micros": spent,
                "peak_kib": peak,
            })
        );
    });
}

/// Runs crawlers as child processes, one per entry of `extra` (its own environment besides
/// the common one), all starting at `start`; their JSON lines, in order.
fn crawlers(
    emulator: &EmulatorProcess,
    start: SystemTime,
    extra: &[Vec<(&str, String)>],
) -> Vec<Value> {
    let me = emulator.user("plain");
    let target = user_id(&emulator.user("most_followed"));
    let s = |v: &Value| v.as_str().expect("a string").to_owned();
    let children: Vec<Child> = extra
        .iter()
        .map(|vars| {
            let mut command = Command::new(std::env::current_exe().expect("own path"));
            command
                .env(CHILD, "crawler")
                .env("TWAPI_BENCH_BASE", emulator.base_url())
                .env("TWAPI_BENCH_KEY", s(&emulator.facts["consumer_key"]))
                .env("TWAPI_BENCH_SECRET", s(&emulator.facts["consumer_secret"]))
                .env("TWAPI_BENCH_TOKEN", s(&me["access_token"]))
                .env("TWAPI_BENCH_TOKEN_SECRET", s(&me["access_token_secret"]))
                .env("TWAPI_BENCH_TARGET", target.to_string())
                .env(
                    "TWAPI_BENCH_START_MS",
                    since_epoch(start).as_millis().to_string(),
                )
                .stdout(Stdio::piped())
                .stderr(Stdio::inherit());
            for (name, value) in vars {
                command.env(name, value);
            }
            command.spawn().expect("a crawler process")
        })
        .collect();
    children
        .into_iter()
        .map(|child| {
            let output = child.wait_with_output().expect("the crawler's output");
            assert!(output.status.success(), "a crawler failed");
            serde_json::from_slice(&output.stdout).expect("one JSON line")
        })
        .collect()
}

/// A moment to start at: just after a whole second, a little ahead, so that the crawl's first
/// window (the emulator counts a window from the whole second it opens in) is a whole one.
fn next_second() -> SystemTime {
    let now = since_epoch(SystemTime::now());
    UNIX_EPOCH + Duration::from_secs(now.as_secs() + 2) + Duration::from_millis(5)
}

/// The least time `pages` requests take when a window allows [`PER_WINDOW`]: the last window
/// opens `ceil(pages / PER_WINDOW) - 1` windows after the first.
fn minimum(pages: u64) -> Duration {
    WINDOW * u32::try_from(pages.div_ceil(PER_WINDOW) - 1).expect("few windows")
}

// ---------------------------------------------------------------- the parent

fn u64_of(value: &Value) -> u64 {
    value.as_u64().unwrap_or(0)
}

fn sum(results: &[Value], key: &str) -> u64 {
    results.iter().map(|r| u64_of(&r[key])).sum()
}

fn met(ok: bool) -> &'static str {
    if ok { "yes" } else { "**no**" }
}

fn parent() {
    let exe = std::env::current_exe().expect("own path");
    let out_dir: &Path = &exe
        .parent()
        .and_then(Path::parent)
        .and_then(Path::parent)
        .expect("<target>/release/deps/<bench>")
        .join("twapi-bench");
    std::fs::create_dir_all(out_dir).expect("the output folder");
    // figure, value, target, met
    let mut rows: Vec<[String; 4]> = Vec::new();
    let mut record = |figure: &str, value: String, target: &str, ok: Option<bool>| {
        let verdict = ok.map_or("", met);
        println!("{figure:<72} {value:>14}  {target} {verdict}");
        rows.push([
            figure.to_owned(),
            value,
            target.to_owned(),
            verdict.to_owned(),
        ]);
    };

    let emulator = EmulatorProcess::spawn(Options {
        window: WINDOW,
        classic_limits: true,
        ..Options::users(WORLD)
    });
    let followers = u64_of(&emulator.user("most_followed")["followers"]);
    assert!(
        followers >= FOLLOWERS,
        "the world's top account is too small"
    );
    let pages = FOLLOWERS / u64::from(PAGE);
    let least = minimum(pages).as_secs_f64();
    record(
        "quota crawl: followers of the account, pages of 1,000 crawled, minimum s",
        format!("{followers}, {pages}, {least:.0}"),
        "",
        None,
    );
    let list_price = |users: u64| USER_READ.micros() * users;
    let dollars = |micros: u64| format!("${:.2}", micros as f64 / 1e6);

    // Whole.
    let whole = &crawlers(&emulator, next_second(), &[vec![]])[0];
    let usage = emulator.admin("usage", false);
    let secs = whole["secs"].as_f64().unwrap_or(0.0);
    record(
        "quota crawl, 1 process: users, pages, 429s",
        format!(
            "{}, {}, {}",
            whole["users"], whole["pages"], whole["rate_limited"]
        ),
        "1,000,000 users, no 429",
        Some(u64_of(&whole["users"]) == FOLLOWERS && u64_of(&whole["rate_limited"]) == 0),
    );
    record(
        "quota crawl, 1 process: wall time s / minimum the windows allow",
        format!("{secs:.2} / {least:.0} = {:.4}x", secs / least),
        "≤ 1.02x",
        Some(secs / least <= 1.02),
    );
    let billed = u64_of(&usage["cost_micros"]);
    record(
        "quota crawl, 1 process: emulator's meter / cost of the users returned",
        format!(
            "{} / {}",
            dollars(billed),
            dollars(list_price(u64_of(&whole["users"])))
        ),
        "equal",
        Some(billed == list_price(u64_of(&whole["users"]))),
    );
    record(
        "quota crawl, 1 process: the session's own meter (sum of the pages' charges)",
        dollars(u64_of(&whole["spent_micros"])),
        "equal",
        Some(u64_of(&whole["spent_micros"]) == billed),
    );
    record(
        "quota crawl, 1 process: crawler peak memory, MiB",
        format!("{:.1}", whole["peak_kib"].as_f64().unwrap_or(0.0) / 1024.0),
        "",
        None,
    );

    // Resumed: INTERRUPTIONS + 1 processes, each taking up where the last one stopped.
    emulator.admin("reset", true);
    let state = out_dir.join("quota-state.json");
    let _ = std::fs::remove_file(&state);
    let share = pages.div_ceil(INTERRUPTIONS + 1);
    let start = next_second();
    let mut parts: Vec<Value> = Vec::new();
    loop {
        let part = crawlers(
            &emulator,
            start,
            &[vec![
                ("TWAPI_BENCH_STATE", state.display().to_string()),
                ("TWAPI_BENCH_PAGES", share.to_string()),
            ]],
        )
        .remove(0);
        let done = part["done"].as_bool().unwrap_or(true);
        parts.push(part);
        if done || parts.len() as u64 > 2 * (INTERRUPTIONS + 1) {
            break;
        }
    }
    let wall = since_epoch(SystemTime::now()).as_secs_f64() - since_epoch(start).as_secs_f64();
    let _ = std::fs::remove_file(&state);
    let resumed_usage = emulator.admin("usage", false);
    let checksum = |results: &[Value]| {
        results.iter().fold(0_u64, |c, r| {
            c.wrapping_add(
                r["checksum"]
                    .as_str()
                    .and_then(|s| s.parse().ok())
                    .unwrap_or(0),
            )
        })
    };
    let same_users = sum(&parts, "users") == u64_of(&whole["users"])
        && checksum(&parts) == checksum(std::slice::from_ref(whole));
    record(
        "quota crawl resumed: interruptions, users, pages, 429s; same users as whole",
        format!(
            "{}, {}, {}, {}; {}",
            parts.len() - 1,
            sum(&parts, "users"),
            sum(&parts, "pages"),
            sum(&parts, "rate_limited"),
            if same_users { "yes" } else { "no" }
        ),
        "10, same users, no 429",
        Some(
            parts.len() as u64 - 1 == INTERRUPTIONS
                && same_users
                && sum(&parts, "rate_limited") == 0,
        ),
    );
    let same = ["cost_micros", "resources", "returned"]
        .iter()
        .all(|key| resumed_usage[key] == usage[key]);
    record(
        "quota crawl resumed: emulator's meter (users returned, billed) / whole crawl's",
        format!(
            "{} ({}, {}) / {} ({}, {})",
            dollars(u64_of(&resumed_usage["cost_micros"])),
            resumed_usage["returned"],
            resumed_usage["resources"],
            dollars(billed),
            usage["returned"],
            usage["resources"]
        ),
        "equal",
        Some(same),
    );
    record(
        "quota crawl resumed: the sessions' own meters, summed",
        dollars(sum(&parts, "spent_micros")),
        "equal",
        Some(sum(&parts, "spent_micros") == billed),
    );
    record(
        "quota crawl resumed: wall time s (11 processes) / minimum",
        format!("{wall:.2} / {least:.0} = {:.4}x", wall / least),
        "",
        None,
    );

    // Four processes on one credential, the budgets on Redis, a quarter of the pages each.
    emulator.admin("reset", true);
    let redis = RedisServer::start();
    let quarter = (FOLLOWERS / PROCESSES).to_string();
    let env: Vec<Vec<(&str, String)>> = (0..PROCESSES)
        .map(|_| {
            vec![
                ("TWAPI_BENCH_REDIS", redis.url()),
                ("TWAPI_BENCH_LIMIT", quarter.clone()),
            ]
        })
        .collect();
    let four = crawlers(&emulator, next_second(), &env);
    drop(redis);
    let four_usage = emulator.admin("usage", false);
    let slowest = four
        .iter()
        .filter_map(|r| r["secs"].as_f64())
        .fold(0.0, f64::max);
    record(
        "quota crawl, 4 processes on one credential (RedisLimiter): users, pages, 429s",
        format!(
            "{}, {}, {}",
            sum(&four, "users"),
            sum(&four, "pages"),
            sum(&four, "rate_limited")
        ),
        "no 429",
        Some(sum(&four, "rate_limited") == 0 && sum(&four, "pages") == pages),
    );
    record(
        "quota crawl, 4 processes: wall time s / minimum the windows allow",
        format!("{slowest:.2} / {least:.0} = {:.4}x", slowest / least),
        "≤ 1.05x",
        Some(slowest / least <= 1.05),
    );
    // Each process walks the same first quarter: X bills a user once a day, so the meter holds
    // a quarter of the users, each returned four times.
    let distinct = FOLLOWERS / PROCESSES;
    record(
        "quota crawl, 4 processes: emulator's meter / cost of the distinct users returned",
        format!(
            "{} / {} ({} returned)",
            dollars(u64_of(&four_usage["cost_micros"])),
            dollars(list_price(distinct)),
            four_usage["returned"]
        ),
        "equal",
        Some(u64_of(&four_usage["cost_micros"]) == list_price(distinct)),
    );
    emulator.stop();

    let tsv = rows.iter().fold(String::new(), |mut out, row| {
        let _ = writeln!(out, "{}", row.join("\t"));
        out
    });
    std::fs::write(out_dir.join("quota.tsv"), tsv).expect("quota.tsv");
}
