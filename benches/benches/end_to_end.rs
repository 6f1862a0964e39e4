//! Items 4 and 5: twapi-hyper against the emulator on loopback, beside a bare hyper-util
//! client sending the same pre-signed requests, with the CPU time each process spent per
//! request; a crawl of 1,000,000 follower ids with its peak memory; the emulator's start
//! time, memory and requests per second.
//!
//! Not criterion: every run needs a fresh emulator (X's rate limits are real there, so a run
//! gets exactly one window's budget), and memory is only measurable per process. The bench
//! re-executes itself as the emulator (`TWAPI_BENCH_CHILD=emulator`) and as the crawler
//! (`TWAPI_BENCH_CHILD=crawl`); everything runs on 127.0.0.1, bounded in requests and time.
//!
//! Figures go to stdout and to `<target>/twapi-bench/e2e.tsv` (read by `examples/report.rs`).

use std::fmt::Write as _;
use std::io::{BufRead, BufReader, Write as _};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use bytes::Bytes;
use futures_util::StreamExt;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client as BareClient;
use hyper_util::rt::TokioExecutor;
use serde_json::{Value, json};
use twapi_auth::oauth1::Credentials;
use twapi_core::pager::Pager;
use twapi_core::rate_limit::LimiterConfig;
use twapi_core::request::v1::{FollowersIds, UsersShow};
use twapi_core::{Api, Auth, Stamp, UserRef};
use twapi_emulator::{Config, Emulator, Faults};
use twapi_hyper::ClientBuilder;
use twapi_model::UserId;

const CHILD: &str = "TWAPI_BENCH_CHILD";
/// users/show allows 900 requests per user per window; the emulator hands out six users
/// who may call it.
const USERS_SHOW_PER_USER: usize = 900;
/// followers/ids allows 15.
const FOLLOWERS_IDS_PER_USER: usize = 15;
/// Rounds of item 4's load runs (each side once a round, a fresh emulator each run). A run
/// lasts about a second at 1 in flight, and on this shared virtual machine single runs of the
/// same client moved by 30 %: with seven runs a side and the median of each side taken apart,
/// twapi-hyper / bare at 1 in flight moved between 0.76 and 0.91 from one full run to the
/// next; the median of 15 to 30 rounds' paired ratios moved between 0.75 and 0.82.
const REPEATS: usize = 15;
/// Rounds of the series at 1 in flight with [`ROUND_TRIP`] added to every answer: a run
/// lasts about 12 s there, and rates move by about 1 % between runs.
const ROUND_TRIP_REPEATS: usize = 9;
/// How late the emulator answers in that series: a round trip, standing in for a network's.
const ROUND_TRIP: Duration = Duration::from_millis(1);
/// No load run may take longer.
const RUN_LIMIT: Duration = Duration::from_secs(120);
/// The lengths of [`code_chain`] run by the [`Work::Code`] sides: two points, to show the
/// price grows with the lines.
const CODE_LINES: [usize; 2] = [code_chain::BLOCK, code_chain::LINKS];

/// A chain of one-line functions written by `build.rs` (see there and [`Work::Code`]).
#[allow(clippy::unreadable_literal)] // generated: random 64-bit constants, read by no one
mod code_chain {
    include!(concat!(env!("OUT_DIR"), "/code_chain.rs"));
}

fn main() {
    match std::env::var(CHILD).as_deref() {
        Ok("emulator") => emulator_child(),
        Ok("crawl") => crawl_child(),
        _ => {
            let args: Vec<String> = std::env::args().skip(1).collect();
            // Only `cargo bench` (which passes `--bench`) runs it, not `cargo test --benches`;
            // and `cargo bench -- <filter>` only when the filter names this bench.
            if !args.iter().any(|a| a == "--bench")
                || args
                    .iter()
                    .filter(|a| !a.starts_with('-'))
                    .any(|f| !"end_to_end".contains(f.as_str()))
            {
                return;
            }
            // `TWAPI_BENCH_PROFILE=<side> <this bench> --bench`: one users/show run of one
            // side (bare, code512, code1024, scan, sign, sign+scan, decode, sign+decode, twapi),
            // at 1 in flight or `TWAPI_BENCH_IN_FLIGHT`, nothing else: for profiling under
            // `valgrind --tool=callgrind` (the emulator runs in a child process, which callgrind
            // leaves alone) and for interleaving many short runs of two builds. With
            // `TWAPI_BENCH_SLOW_US`, the emulator answers each request that much later, as if
            // over a network.
            if let Ok(which) = std::env::var("TWAPI_BENCH_PROFILE") {
                profile(&which);
                return;
            }
            parent();
        }
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a tokio runtime")
}

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

// ---------------------------------------------------------------- the emulator, as a child

/// Starts an emulator, prints its facts and start time as one JSON line, serves until stdin
/// closes.
fn emulator_child() {
    let users = u32::try_from(env_u64("TWAPI_BENCH_USERS", 10_000)).expect("users fit u32");
    let window = Duration::from_millis(env_u64("TWAPI_BENCH_WINDOW_MS", 900_000));
    runtime().block_on(async move {
        let started = Instant::now();
        // `TWAPI_BENCH_SLOW_US`: every API request answered after this delay (the emulator's
        // "slow" fault at a rate of 1), standing in for a network's round trip.
        let delay = Duration::from_micros(env_u64("TWAPI_BENCH_SLOW_US", 0));
        let faults = Faults {
            slow: if delay.is_zero() { 0.0 } else { 1.0 },
            slow_delay: delay,
            ..Faults::default()
        };
        let emulator = Emulator::start(Config {
            users,
            window,
            faults,
            ..Config::default()
        })
        .await
        .expect("the emulator starts");
        let start_ms = started.elapsed().as_secs_f64() * 1e3;
        let line = json!({ "facts": emulator.facts(), "start_ms": start_ms });
        println!("{line}");
        std::io::stdout().flush().expect("stdout");
        let _ = tokio::task::spawn_blocking(|| {
            let mut sink = String::new();
            while std::io::stdin().read_line(&mut sink).is_ok_and(|n| n > 0) {}
        })
        .await;
        emulator.shutdown().await;
    });
}

/// An emulator running in a child process.
struct EmulatorProcess {
    child: Child,
    stdin: Option<ChildStdin>,
    facts: Value,
    /// Building the world and binding, as the emulator measured it.
    start_ms: f64,
    /// From spawning the process to its first line (process start included).
    ready_ms: f64,
}

impl EmulatorProcess {
    fn spawn(users: u32, window_ms: u64) -> Self {
        Self::spawn_answering(users, window_ms, None)
    }

    /// An emulator that answers every API request `delay` late (`None`: as this process's
    /// `TWAPI_BENCH_SLOW_US` says, which the child inherits).
    fn spawn_answering(users: u32, window_ms: u64, delay: Option<Duration>) -> Self {
        let spawned = Instant::now();
        let mut command = Command::new(std::env::current_exe().expect("own path"));
        command
            .env(CHILD, "emulator")
            .env("TWAPI_BENCH_USERS", users.to_string())
            .env("TWAPI_BENCH_WINDOW_MS", window_ms.to_string());
        if let Some(delay) = delay {
            command.env("TWAPI_BENCH_SLOW_US", delay.as_micros().to_string());
        }
        let mut child = command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("the emulator process starts");
        let stdout = child.stdout.take().expect("piped stdout");
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("the emulator's facts");
        let ready_ms = spawned.elapsed().as_secs_f64() * 1e3;
        let first: Value = serde_json::from_str(&line).expect("one JSON line");
        Self {
            stdin: child.stdin.take(),
            child,
            facts: first["facts"].clone(),
            start_ms: first["start_ms"].as_f64().unwrap_or(0.0),
            ready_ms,
        }
    }

    fn base_url(&self) -> String {
        self.facts["base_url"]
            .as_str()
            .expect("base_url")
            .to_owned()
    }

    /// The demo users who may call users/show and followers/ids (not the suspended one).
    fn users(&self) -> Vec<Value> {
        self.facts["users"]
            .as_array()
            .expect("users")
            .iter()
            .filter(|u| u["role"] != "suspended")
            .cloned()
            .collect()
    }

    fn user(&self, role: &str) -> Value {
        self.users()
            .into_iter()
            .find(|u| u["role"] == role)
            .expect("a demo user of that role")
    }

    fn credentials(&self, user: &Value) -> Credentials {
        let s = |v: &Value| v.as_str().expect("a string").to_owned();
        Credentials::new(
            s(&self.facts["consumer_key"]),
            s(&self.facts["consumer_secret"]),
        )
        .with_token(s(&user["access_token"]), s(&user["access_token_secret"]))
    }

    /// `VmHWM` (peak) and `VmRSS` of the process, in KiB.
    fn memory_kib(&self) -> (u64, u64) {
        memory_kib(&format!("/proc/{}/status", self.child.id()))
    }

    fn stop(mut self) {
        drop(self.stdin.take());
        let _ = self.child.wait();
    }
}

fn memory_kib(status_path: &str) -> (u64, u64) {
    let status = std::fs::read_to_string(status_path).unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|n| n.parse().ok())
            .unwrap_or(0)
    };
    (field("VmHWM:"), field("VmRSS:"))
}

fn user_id(user: &Value) -> u64 {
    user["id"]
        .as_str()
        .and_then(|s| s.parse().ok())
        .expect("a decimal id")
}

// ---------------------------------------------------------------- load

/// The same request for every user in turn: request `i` is sent as user `i % users`.
#[derive(Clone, Copy)]
enum Load {
    UsersShow,
    FollowersIds,
}

impl Load {
    fn per_user(self) -> usize {
        match self {
            Load::UsersShow => USERS_SHOW_PER_USER,
            Load::FollowersIds => FOLLOWERS_IDS_PER_USER,
        }
    }
}

fn users_show(target: u64) -> UsersShow {
    UsersShow::of(UserRef::Id(UserId::new(target)))
}

fn followers_ids(target: u64) -> FollowersIds {
    let mut request = FollowersIds::of(UserRef::Id(UserId::new(target)));
    request.count = Some(5_000);
    request
}

/// The CPU time, user and system, that the live threads of a process have run so far:
/// `/proc/<process>/task/*/schedstat` (Linux), `process` being a pid or `self`; `None` where
/// no thread's can be read. (A thread that ends takes its time with it; the load runs' threads
/// all outlive the clock.)
fn cpu_time(process: &str) -> Option<Duration> {
    let tasks = std::fs::read_dir(format!("/proc/{process}/task")).ok()?;
    let mut nanos: Option<u64> = None;
    for task in tasks.flatten() {
        // A thread may end between the listing and the read.
        let Ok(schedstat) = std::fs::read_to_string(task.path().join("schedstat")) else {
            continue;
        };
        if let Some(on_cpu) = schedstat
            .split_whitespace()
            .next()
            .and_then(|n| n.parse().ok())
        {
            nanos = Some(nanos.unwrap_or(0).saturating_add(on_cpu));
        }
    }
    nanos.map(Duration::from_nanos)
}

/// The clock of one load run: wall time, and the CPU time of the client (this process) and
/// of the emulator, so that a difference between two clients' rates can be traced to the
/// side that spent it.
struct Clock {
    started: Instant,
    emulator_pid: String,
    client_cpu: Option<Duration>,
    emulator_cpu: Option<Duration>,
}

impl Clock {
    fn start(emulator: &EmulatorProcess) -> Self {
        let emulator_pid = emulator.child.id().to_string();
        Clock {
            client_cpu: cpu_time("self"),
            emulator_cpu: cpu_time(&emulator_pid),
            emulator_pid,
            started: Instant::now(),
        }
    }

    /// Waits for the run's tasks, each returning the body bytes it read, and stops the clock.
    async fn finish(self, tasks: Vec<tokio::task::JoinHandle<usize>>, requests: usize) -> Run {
        let mut body_bytes = 0;
        for task in tasks {
            body_bytes += task.await.expect("the task ends");
        }
        let elapsed = self.started.elapsed();
        let spent =
            |before: Option<Duration>, now: Option<Duration>| Some(now?.saturating_sub(before?));
        Run {
            requests,
            elapsed,
            body_bytes,
            client_cpu: spent(self.client_cpu, cpu_time("self")),
            emulator_cpu: spent(self.emulator_cpu, cpu_time(&self.emulator_pid)),
        }
    }
}

/// What one run measured.
struct Run {
    requests: usize,
    elapsed: Duration,
    body_bytes: usize,
    /// CPU time the client process spent while the clock ran (all its threads).
    client_cpu: Option<Duration>,
    /// CPU time the emulator process spent while the clock ran.
    emulator_cpu: Option<Duration>,
}

impl Run {
    fn per_second(&self) -> f64 {
        self.requests as f64 / self.elapsed.as_secs_f64()
    }

    /// Microseconds of `cpu` per request.
    fn micros_per_request(&self, cpu: Option<Duration>) -> Option<f64> {
        Some(cpu?.as_secs_f64() * 1e6 / self.requests as f64)
    }
}

/// What the bare client does for each request besides the exchange. The sides between
/// [`Work::Read`] and twapi-hyper attribute twapi-hyper's cost to its steps, measured end to
/// end: at 1 in flight a step costs several times what it costs in a hot loop, so timing the
/// steps alone cannot say what they cost in place.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Work {
    /// Nothing: it sends requests twapi-core signed before the clock started, and counts the
    /// bytes of each body it reads whole.
    Read,
    /// A validating JSON scan of each body (`serde::de::IgnoredAny`), the least any decoder
    /// must do: item 2's lower bound, per request.
    Scan,
    /// Each request signed inside the clock, as twapi-hyper does: a nonce from a
    /// `NonceSource` (the OS's randomness, drawn a batch at a time), the time, twapi-core's
    /// `Api::prepare`.
    Sign,
    /// Each answer decoded by twapi-core's `decode_reply` (the rate-limit headers, and the body
    /// into the request's typed output), as twapi-hyper does.
    Decode,
    /// [`Work::Sign`] and [`Work::Scan`]: the least a client that signs its requests and checks
    /// its answers must do, so the floor under twapi-hyper at the same load.
    SignScan,
    /// [`Work::Sign`] and [`Work::Decode`]: twapi-hyper's work without its client around it
    /// (limiter, deadline, retry loop, span).
    SignDecode,
    /// The first `n` functions of [`code_chain`], run once a request: under 64 bytes of
    /// machine code each and side by side, so `n` lines of code (as callgrind counts them).
    /// The price of code that a request runs once and that has gone cold by the next one,
    /// little work in much code. It calibrates the steps above, whose cost at
    /// 1 in flight follows the lines of code they run more than their instructions.
    Code(usize),
}

impl Work {
    fn signs(self) -> bool {
        matches!(self, Work::Sign | Work::SignDecode | Work::SignScan)
    }

    fn decodes(self) -> bool {
        matches!(self, Work::Decode | Work::SignDecode)
    }
}

/// One side of item 4: the bare client doing some [`Work`], or twapi-hyper.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Side {
    Bare(Work),
    Twapi,
}

impl Side {
    /// Every side, the reference first.
    const ALL: [Side; 9] = [
        Side::Bare(Work::Read),
        Side::Bare(Work::Code(CODE_LINES[0])),
        Side::Bare(Work::Code(CODE_LINES[1])),
        Side::Bare(Work::Scan),
        Side::Bare(Work::Sign),
        Side::Bare(Work::SignScan),
        Side::Bare(Work::Decode),
        Side::Bare(Work::SignDecode),
        Side::Twapi,
    ];

    /// The side's name in the table.
    fn label(self) -> String {
        let name = match self {
            Side::Bare(Work::Code(lines)) => {
                return format!("bare + {lines} lines of code ({} KiB)", lines * 64 / 1024);
            }
            Side::Bare(Work::Read) => "bare hyper-util",
            Side::Bare(Work::Scan) => "bare + validating scan",
            Side::Bare(Work::Sign) => "bare + signing",
            Side::Bare(Work::SignScan) => "bare + signing + validating scan",
            Side::Bare(Work::Decode) => "bare + decoding",
            Side::Bare(Work::SignDecode) => "bare + signing + decoding",
            Side::Twapi => "twapi-hyper",
        };
        name.to_owned()
    }

    /// The side's name for `TWAPI_BENCH_PROFILE`.
    fn key(self) -> String {
        let name = match self {
            Side::Bare(Work::Code(lines)) => return format!("code{lines}"),
            Side::Bare(Work::Read) => "bare",
            Side::Bare(Work::Scan) => "scan",
            Side::Bare(Work::Sign) => "sign",
            Side::Bare(Work::SignScan) => "sign+scan",
            Side::Bare(Work::Decode) => "decode",
            Side::Bare(Work::SignDecode) => "sign+decode",
            Side::Twapi => "twapi",
        };
        name.to_owned()
    }

    async fn run(self, emulator: &EmulatorProcess, load: Load, in_flight: usize) -> Run {
        match self {
            Side::Bare(work) => bare_run(emulator, load, in_flight, work).await,
            Side::Twapi => twapi_run(emulator, load, in_flight).await,
        }
    }
}

/// A request of `load`, built and signed by twapi-core.
fn prepare(
    api: &Api,
    load: Load,
    target: u64,
    auth: &Auth,
    stamp: Stamp<'_>,
) -> http::Request<Full<Bytes>> {
    match load {
        Load::UsersShow => api.prepare(&users_show(target), auth, stamp),
        Load::FollowersIds => api.prepare(&followers_ids(target), auth, stamp),
    }
    .expect("a valid request")
    .map(Full::new)
}

/// The answer decoded as twapi-hyper decodes it, then dropped.
fn decode(load: Load, answer: http::Response<Bytes>) {
    let decoded = match load {
        Load::UsersShow => twapi_core::decode_reply::<UsersShow>(answer).map(drop),
        Load::FollowersIds => twapi_core::decode_reply::<FollowersIds>(answer).map(drop),
    };
    std::hint::black_box(decoded).expect("a decodable answer");
}

/// The bare client: hyper-util's pooled client, reading each body whole, and doing `work`
/// besides.
async fn bare_run(emulator: &EmulatorProcess, load: Load, in_flight: usize, work: Work) -> Run {
    let api = Arc::new(Api::new(&emulator.base_url()).expect("the emulator's URL"));
    let users = emulator.users();
    let target = user_id(&emulator.user("most_followed"));
    let auths: Arc<Vec<Auth>> = Arc::new(
        users
            .iter()
            .map(|u| Auth::oauth1(&emulator.credentials(u)))
            .collect(),
    );
    let total = load.per_user() * users.len();
    let now = twapi_auth::system::unix_now();
    // Signed before the clock starts, unless the work is to sign them.
    let requests: Vec<std::sync::Mutex<Option<http::Request<Full<Bytes>>>>> = (0..total)
        .map(|i| {
            let nonce = format!("bench{i:027}");
            let stamp = Stamp {
                timestamp: now,
                nonce: &nonce,
            };
            let presigned = (!work.signs())
                .then(|| prepare(&api, load, target, &auths[i % auths.len()], stamp));
            std::sync::Mutex::new(presigned)
        })
        .collect();
    let requests = Arc::new(requests);
    let client: BareClient<_, Full<Bytes>> = BareClient::builder(TokioExecutor::new()).build_http();
    let next = Arc::new(AtomicUsize::new(0));
    let clock = Clock::start(emulator);
    let tasks: Vec<_> = (0..in_flight)
        .map(|_| {
            let (client, next, requests) = (client.clone(), next.clone(), requests.clone());
            let (api, auths) = (api.clone(), auths.clone());
            tokio::spawn(async move {
                let mut bytes = 0;
                let mut nonces = twapi_auth::system::NonceSource::new();
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(slot) = requests.get(i) else { break };
                    let request = if work.signs() {
                        let nonce = nonces.next_nonce().expect("randomness");
                        let stamp = Stamp {
                            timestamp: twapi_auth::system::unix_now(),
                            nonce: &nonce,
                        };
                        prepare(&api, load, target, &auths[i % auths.len()], stamp)
                    } else {
                        slot.lock().expect("unpoisoned").take().expect("sent once")
                    };
                    let response = client.request(request).await.expect("an answer");
                    assert_eq!(response.status(), 200, "request {i}");
                    let (head, body) = response.into_parts();
                    let whole = body.collect().await.expect("a whole body").to_bytes();
                    bytes += whole.len();
                    if let Work::Code(lines) = work {
                        std::hint::black_box(code_chain::run(lines));
                    }
                    if matches!(work, Work::Scan | Work::SignScan) {
                        std::hint::black_box(
                            serde_json::from_slice::<serde::de::IgnoredAny>(&whole)
                                .expect("a JSON body"),
                        );
                    }
                    if work.decodes() {
                        decode(load, http::Response::from_parts(head, whole));
                    }
                }
                bytes
            })
        })
        .collect();
    clock.finish(tasks, total).await
}

/// twapi-hyper: one client per user (signing, limiter, decoding into `v1::User` or
/// `v1::IdPage`, all included), all sending over the first one's connections — one pool, as
/// the bare client has (a pool per user would rotate the requests over six connections, which
/// costs any client about 1.4 more context switches a request at 1 in flight).
async fn twapi_run(emulator: &EmulatorProcess, load: Load, in_flight: usize) -> Run {
    let users = emulator.users();
    let target = user_id(&emulator.user("most_followed"));
    let mut clients: Vec<twapi_hyper::Client> = Vec::with_capacity(users.len());
    for user in &users {
        let builder =
            ClientBuilder::oauth1(&emulator.credentials(user)).base_url(emulator.base_url());
        let builder = match clients.first() {
            Some(first) => builder.share_connections(first),
            None => builder,
        };
        clients.push(builder.build().expect("a client"));
    }
    let clients = Arc::new(clients);
    let total = load.per_user() * users.len();
    let next = Arc::new(AtomicUsize::new(0));
    let clock = Clock::start(emulator);
    let tasks: Vec<_> = (0..in_flight)
        .map(|_| {
            let (clients, next) = (clients.clone(), next.clone());
            tokio::spawn(async move {
                let mut bytes = 0;
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= total {
                        break;
                    }
                    let client = &clients[i % clients.len()];
                    bytes += match load {
                        Load::UsersShow => client
                            .send(&users_show(target))
                            .await
                            .map(|r| r.body().len()),
                        Load::FollowersIds => client
                            .send(&followers_ids(target))
                            .await
                            .map(|r| r.body().len()),
                    }
                    .unwrap_or_else(|e| panic!("request {i}: {e}"));
                }
                bytes
            })
        })
        .collect();
    clock.finish(tasks, total).await
}

/// `repeats` rounds of users/show runs at `in_flight`, each round running every side once,
/// each run against a fresh emulator (a fresh rate-limit window) that answers `delay` late
/// (`None`: as `TWAPI_BENCH_SLOW_US` says). The order of the sides turns with each round, so
/// that none always runs first (on a fresh machine state) or last. `rounds[r][s]` is side
/// `s`'s run in round `r`.
fn paired_rounds(
    rt: &tokio::runtime::Runtime,
    sides: &[Side],
    in_flight: usize,
    repeats: usize,
    delay: Option<Duration>,
) -> Vec<Vec<Run>> {
    (0..repeats)
        .map(|round| {
            let mut runs: Vec<Option<Run>> = sides.iter().map(|_| None).collect();
            for turn in 0..sides.len() {
                let index = (round + turn) % sides.len();
                let emulator = EmulatorProcess::spawn_answering(10_000, 900_000, delay);
                let run = rt.block_on(async {
                    tokio::time::timeout(
                        RUN_LIMIT,
                        sides[index].run(&emulator, Load::UsersShow, in_flight),
                    )
                    .await
                    .expect("the run ends in time")
                });
                runs[index] = Some(run);
                emulator.stop();
            }
            runs.into_iter()
                .map(|run| run.expect("every side ran"))
                .collect()
        })
        .collect()
}

/// Records what [`paired_rounds`] measured, under `at`: each side's rate and CPU per request,
/// each side's paired ratio to `sides[0]` (twapi-hyper's labelled with `target`), and
/// twapi-hyper's to the floor of its job (the bare client that signs and scans) when both ran.
fn report_rounds(
    record: &mut impl FnMut(&str, String),
    at: &str,
    target: &str,
    sides: &[Side],
    rounds: &[Vec<Run>],
) {
    let repeats = rounds.len();
    let rates = |i: usize| -> Vec<f64> { rounds.iter().map(|r| r[i].per_second()).collect() };
    let paired = |i: usize, reference: usize| -> Vec<f64> {
        rounds
            .iter()
            .map(|r| r[i].per_second() / r[reference].per_second())
            .collect()
    };
    for (index, side) in sides.iter().enumerate() {
        let name = side.label();
        record(
            &format!("{at}: {name}, req/s, median / best of {repeats} runs"),
            format!("{:.0} / {:.0}", median(rates(index)), best(rates(index))),
        );
        // Where the time of a request went: at 1 in flight the client and the emulator take
        // turns, so a difference in rate between two sides is a difference in these.
        let cpu = |of: fn(&Run) -> Option<Duration>| -> Option<f64> {
            let micros: Option<Vec<f64>> = rounds
                .iter()
                .map(|r| r[index].micros_per_request(of(&r[index])))
                .collect();
            micros.map(median)
        };
        if let (Some(client), Some(emulator)) = (cpu(|r| r.client_cpu), cpu(|r| r.emulator_cpu)) {
            record(
                &format!("{at}: {name}, CPU per request, client / emulator, µs (medians)"),
                format!("{client:.1} / {emulator:.1}"),
            );
        }
    }
    let reference = sides[0].label();
    for (index, side) in sides.iter().enumerate().skip(1) {
        let (low, mid, high) = quartiles(paired(index, 0));
        let target = if *side == Side::Twapi { target } else { "" };
        record(
            &format!(
                "{at}: {} / {reference}{target}: median of the {repeats} rounds' ratios \
                 (quartiles); ratio of the medians; of the bests",
                side.label()
            ),
            format!(
                "{mid:.2}x ({low:.2}–{high:.2}); {:.2}x; {:.2}x",
                median(rates(index)) / median(rates(0)),
                best(rates(index)) / best(rates(0))
            ),
        );
    }
    // twapi-hyper against the floor of its job: what the bare client reaches when it too signs
    // each request and checks each answer, so what is left is the typed decode and the client
    // around the two steps.
    let floor = Side::Bare(Work::SignScan);
    let position = |wanted: Side| sides.iter().position(|s| *s == wanted);
    if let (Some(twapi), Some(floor_at)) = (position(Side::Twapi), position(floor)) {
        let (low, mid, high) = quartiles(paired(twapi, floor_at));
        record(
            &format!(
                "{at}: twapi-hyper / {}: median of the {repeats} rounds' ratios (quartiles)",
                floor.label()
            ),
            format!("{mid:.2}x ({low:.2}–{high:.2})"),
        );
    }
}

fn median(values: Vec<f64>) -> f64 {
    quartiles(values).1
}

/// The first quartile, the median and the third quartile (0 for no values).
fn quartiles(mut values: Vec<f64>) -> (f64, f64, f64) {
    values.sort_by(f64::total_cmp);
    let at = |i: usize| values.get(i).copied().unwrap_or(0.0);
    let n = values.len();
    (at(n / 4), at(n / 2), at(3 * n / 4))
}

/// The fastest run: the one least slowed by whatever else this shared machine was doing.
fn best(values: Vec<f64>) -> f64 {
    values.into_iter().fold(0.0, f64::max)
}

// ---------------------------------------------------------------- the crawl, as a child

/// Walks followers/ids of `TWAPI_BENCH_TARGET` up to `TWAPI_BENCH_LIMIT` ids through
/// twapi-hyper (waiting out the windows), counting the ids without keeping them; prints the
/// count, the pages, the time and the process's peak memory.
fn crawl_child() {
    let var = |name: &str| std::env::var(name).expect("set by the parent");
    let credentials = Credentials::new(var("TWAPI_BENCH_KEY"), var("TWAPI_BENCH_SECRET"))
        .with_token(var("TWAPI_BENCH_TOKEN"), var("TWAPI_BENCH_TOKEN_SECRET"));
    let target = env_u64("TWAPI_BENCH_TARGET", 0);
    let limit = env_u64("TWAPI_BENCH_LIMIT", 1_000_000);
    runtime().block_on(async move {
        let client = ClientBuilder::oauth1(&credentials)
            .base_url(var("TWAPI_BENCH_BASE"))
            .wait_on_rate_limit(true)
            // The emulator's windows last a second here; the client learns them from headers.
            .limiter_config(LimiterConfig {
                window: Duration::ZERO,
                day: Duration::from_secs(86_400),
                ..LimiterConfig::default()
            })
            .build()
            .expect("a client");
        let pager = Pager::new(followers_ids(target)).with_limit(limit);
        let started = Instant::now();
        let (mut ids, mut pages, mut checksum) = (0_u64, 0_u64, 0_u64);
        let mut stream = client.pages_with(pager);
        while let Some(page) = stream.next().await {
            let page = page.unwrap_or_else(|e| panic!("page {pages}: {e}"));
            ids += page.items.len() as u64;
            pages += 1;
            checksum = page.items.iter().fold(checksum, |c, id| c ^ id.get());
        }
        let secs = started.elapsed().as_secs_f64();
        let (peak, rss) = memory_kib("/proc/self/status");
        println!(
            "{}",
            json!({ "ids": ids, "pages": pages, "secs": secs, "peak_kib": peak, "rss_kib": rss, "checksum": checksum })
        );
    });
}

fn crawl(emulator: &EmulatorProcess, limit: u64) -> Value {
    let me = emulator.user("plain");
    let target = user_id(&emulator.user("most_followed"));
    let s = |v: &Value| v.as_str().expect("a string").to_owned();
    let output = Command::new(std::env::current_exe().expect("own path"))
        .env(CHILD, "crawl")
        .env("TWAPI_BENCH_BASE", emulator.base_url())
        .env("TWAPI_BENCH_KEY", s(&emulator.facts["consumer_key"]))
        .env("TWAPI_BENCH_SECRET", s(&emulator.facts["consumer_secret"]))
        .env("TWAPI_BENCH_TOKEN", s(&me["access_token"]))
        .env("TWAPI_BENCH_TOKEN_SECRET", s(&me["access_token_secret"]))
        .env("TWAPI_BENCH_TARGET", target.to_string())
        .env("TWAPI_BENCH_LIMIT", limit.to_string())
        .stderr(Stdio::inherit())
        .output()
        .expect("the crawler runs");
    assert!(output.status.success(), "the crawl failed");
    serde_json::from_slice(&output.stdout).expect("one JSON line")
}

// ---------------------------------------------------------------- the parent

fn profile(which: &str) {
    let Some(side) = Side::ALL.into_iter().find(|side| side.key() == which) else {
        let names: Vec<String> = Side::ALL.iter().map(|side| side.key()).collect();
        eprintln!("TWAPI_BENCH_PROFILE: one of {}", names.join(", "));
        std::process::exit(2);
    };
    let in_flight = usize::try_from(env_u64("TWAPI_BENCH_IN_FLIGHT", 1)).unwrap_or(1);
    let emulator = EmulatorProcess::spawn(10_000, 900_000);
    let run = runtime().block_on(side.run(&emulator, Load::UsersShow, in_flight));
    let micros = |cpu| {
        run.micros_per_request(cpu)
            .map_or_else(|| "-".to_owned(), |m| format!("{m:.1}"))
    };
    println!(
        "{which}: {:.0} req/s, client CPU {} µs/request, emulator CPU {} µs/request",
        run.per_second(),
        micros(run.client_cpu),
        micros(run.emulator_cpu)
    );
    emulator.stop();
}

fn parent() {
    let exe = std::env::current_exe().expect("own path");
    let target_dir = exe
        .parent()
        .and_then(std::path::Path::parent)
        .and_then(std::path::Path::parent)
        .expect("<target>/release/deps/<bench>")
        .join("twapi-bench");
    std::fs::create_dir_all(&target_dir).expect("the output folder");
    let mut figures: Vec<(String, String)> = Vec::new();
    let mut record = |key: &str, value: String| {
        println!("{key:<60} {value}");
        figures.push((key.to_owned(), value));
    };
    let rt = runtime();

    // What the code chain of the `Work::Code` sides costs warm: in a hot loop, against what it
    // costs the bare client once a request, at 1 in flight, in the table below.
    for lines in CODE_LINES {
        let batch = 10_000_u32;
        let best = (0..5)
            .map(|_| {
                let start = Instant::now();
                for _ in 0..batch {
                    std::hint::black_box(code_chain::run(std::hint::black_box(lines)));
                }
                start.elapsed() / batch
            })
            .min()
            .expect("five batches");
        record(
            &format!("code chain, {lines} lines: one run in a hot loop, µs (best of 5 batches)"),
            format!("{:.2}", best.as_secs_f64() * 1e6),
        );
    }

    // Item 4: users/show through twapi-hyper and through the bare client, same emulator kind,
    // same requests, a fresh emulator (a fresh window) per run; a side's ratio to the bare
    // client is taken within each round (the machine's load drifts between rounds more than
    // within one), and the rounds' median is the figure.
    for in_flight in [1, 8, 64] {
        let rounds = paired_rounds(&rt, &Side::ALL, in_flight, REPEATS, None);
        report_rounds(
            &mut record,
            &format!("users/show, {in_flight} in flight"),
            " (target >= 0.9x)",
            &Side::ALL,
            &rounds,
        );
    }
    // The same at 1 in flight with the emulator answering every request a millisecond late, as
    // a network's round trip would (tokio's timer rounds the wait up to its next tick): what
    // the client's own work weighs once a request is more than a loopback exchange.
    let sides = [Side::Bare(Work::Read), Side::Twapi];
    let rounds = paired_rounds(&rt, &sides, 1, ROUND_TRIP_REPEATS, Some(ROUND_TRIP));
    report_rounds(
        &mut record,
        &format!(
            "users/show, 1 in flight, each answer {} ms late",
            ROUND_TRIP.as_millis()
        ),
        "",
        &sides,
        &rounds,
    );

    // Item 5: the emulator with 1,000,000 users: start, memory, requests per second.
    let emulator = EmulatorProcess::spawn(1_000_000, 900_000);
    record(
        "emulator, 1,000,000 users: start (world built and bound), ms",
        format!("{:.0}", emulator.start_ms),
    );
    record(
        "emulator, 1,000,000 users: process spawn to ready, ms",
        format!("{:.0}", emulator.ready_ms),
    );
    let (peak, rss) = emulator.memory_kib();
    record(
        "emulator, 1,000,000 users: peak memory after start, MiB",
        format!("{:.0}", peak as f64 / 1024.0),
    );
    record(
        "emulator, 1,000,000 users: resident memory after start, MiB",
        format!("{:.0}", rss as f64 / 1024.0),
    );
    let show = rt.block_on(bare_run(&emulator, Load::UsersShow, 64, Work::Read));
    record(
        "emulator, 1,000,000 users: users/show served, req/s (64 in flight)",
        format!("{:.0}", show.per_second()),
    );
    record(
        "emulator, users/show body, bytes",
        format!("{}", show.body_bytes / show.requests),
    );
    let ids = rt.block_on(bare_run(&emulator, Load::FollowersIds, 8, Work::Read));
    record(
        "emulator, 1,000,000 users: followers/ids (5,000 ids) served, req/s (8 in flight)",
        format!("{:.0}", ids.per_second()),
    );
    record(
        "emulator, followers/ids body, bytes",
        format!("{}", ids.body_bytes / ids.requests),
    );
    let (peak, rss) = emulator.memory_kib();
    record(
        "emulator, 1,000,000 users: peak memory after the load, MiB",
        format!("{:.0}", peak as f64 / 1024.0),
    );
    record(
        "emulator, 1,000,000 users: resident memory after the load, MiB",
        format!("{:.0}", rss as f64 / 1024.0),
    );
    emulator.stop();

    // Item 4: crawl 1,000,000 follower ids (the most followed account of a world of 3.1M
    // users has about a third of them), one-second windows, in a process of its own.
    let emulator = EmulatorProcess::spawn(3_100_000, 0);
    let followers = emulator.user("most_followed")["followers"]
        .as_u64()
        .unwrap_or(0);
    record(
        "crawl: followers of the account crawled",
        followers.to_string(),
    );
    for limit in [100_000, 1_000_000] {
        let result = crawl(&emulator, limit);
        let peak = result["peak_kib"].as_f64().unwrap_or(0.0) / 1024.0;
        record(
            &format!("crawl of {limit} ids: ids, pages"),
            format!("{}, {}", result["ids"], result["pages"]),
        );
        record(
            &format!("crawl of {limit} ids: seconds (one-second windows of 15 pages)"),
            format!("{:.1}", result["secs"].as_f64().unwrap_or(0.0)),
        );
        record(
            &format!("crawl of {limit} ids: crawler peak memory, MiB (target < 64)"),
            format!("{peak:.1}"),
        );
    }
    emulator.stop();

    let tsv = figures.iter().fold(String::new(), |mut out, (k, v)| {
        let _ = writeln!(out, "{k}\t{v}");
        out
    });
    std::fs::write(target_dir.join("e2e.tsv"), tsv).expect("e2e.tsv");
}
