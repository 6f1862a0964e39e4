//! End to end against the emulator (issue 27, item 1): twapi-hyper and twapi-ureq beside what a
//! user would otherwise assemble, sending the same users/show requests to the same emulator on
//! loopback, at 1, 8 and 64 in flight (for the blocking clients: that many threads), on
//! loopback and with the emulator answering every request a millisecond late:
//!
//! - **the floor of their job**: a bare client of the same HTTP library (hyper-util's pooled
//!   client; a ureq `Agent`) that signs each request with twapi-core and runs a validating
//!   scan of each body (`serde::de::IgnoredAny`), the least a client that signs and checks
//!   must do;
//! - **the stack a user would build without twapi**: reqwest, oauth1-request for the
//!   signature, serde_json into plain structs.
//!
//! Also the emulator's start time, memory and requests per second with 1,000,000 users. The
//! crawl at the quota is `benches/quota.rs`.
//!
//! Not criterion: every run needs a fresh emulator (X's rate limits are real there, so a run
//! gets exactly one window's budget), and memory is only measurable per process. The bench
//! re-executes itself as the emulator (`TWAPI_BENCH_CHILD=emulator`); everything runs on
//! 127.0.0.1, bounded in requests and time. A side's ratio to another is taken within each round
//! (both run minutes apart at most, against fresh emulators of the same kind), and the rounds'
//! median is the figure.
//!
//! Figures go to stdout and to `<target>/twapi-bench/e2e.tsv` (read by `examples/report.rs`).

#[path = "support/emulator.rs"]
mod emulator;

use std::fmt::Write as _;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client as BareClient;
use hyper_util::rt::TokioExecutor;
use serde::Deserialize;
use serde_json::Value;
use twapi_core::request::v1::{FollowersIds, UsersShow};
use twapi_core::{Api, Auth, Stamp, UserRef};
use twapi_hyper::ClientBuilder;
use twapi_model::UserId;

use emulator::{CHILD, EmulatorProcess, Options, env_u64, runtime, user_id};

/// users/show allows 900 requests per user per window; the emulator hands out six users
/// who may call it.
const USERS_SHOW_PER_USER: usize = 900;
/// followers/ids allows 15.
const FOLLOWERS_IDS_PER_USER: usize = 15;
/// Rounds of each series (every side once a round, a fresh emulator each run). Runs last
/// from a fifth of a second to two seconds; a run's rate moves by up to 30 % on this shared
/// machine, a paired ratio's median over the rounds much less.
const REPEATS: usize = 7;
/// How late the emulator answers in the second series: a round trip, standing in for a
/// network's (tokio's timer rounds the wait up to its next tick).
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
    if std::env::var(CHILD).as_deref() == Ok("emulator") {
        emulator::emulator_child();
        return;
    }
    let args: Vec<String> = std::env::args().skip(1).collect();
    // Only `cargo bench` (which passes `--bench`) runs it, not `cargo test --benches`; and
    // `cargo bench -- <filter>` only when the filter names this bench.
    if !args.iter().any(|a| a == "--bench")
        || args
            .iter()
            .filter(|a| !a.starts_with('-'))
            .any(|f| !"end_to_end".contains(f.as_str()))
    {
        return;
    }
    // `TWAPI_BENCH_PROFILE=<side> <this bench> --bench`: one users/show run of one side (see
    // `Side::key`), at 1 in flight or `TWAPI_BENCH_IN_FLIGHT`, nothing else: for profiling
    // under `valgrind --tool=callgrind` (the emulator runs in a child process, which callgrind
    // leaves alone) and for interleaving many short runs of two builds. With
    // `TWAPI_BENCH_SLOW_US`, the emulator answers each request that much later, as if over a
    // network.
    if let Ok(which) = std::env::var("TWAPI_BENCH_PROFILE") {
        profile(&which);
        return;
    }
    parent();
}

// ---------------------------------------------------------------- load

/// What a run asks: users/show of one account, or followers/ids of it.
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

/// The shape of a run: `in_flight` workers (tasks, or threads for the blocking clients), each
/// sending `per_worker` requests, request `i` of worker `w` acting as the emulator's user
/// `(w + i * in_flight) % users`: the users take turns, each within its window.
#[derive(Clone, Copy)]
struct Shape {
    load: Load,
    in_flight: usize,
    per_worker: usize,
}

impl Shape {
    /// About `wanted` requests at `in_flight`, within the users' windows of `load`.
    fn new(load: Load, in_flight: usize, wanted: usize, users: usize) -> Self {
        Self {
            load,
            in_flight,
            per_worker: wanted.min(load.per_user() * users) / in_flight,
        }
    }

    /// The user that request `i` of worker `w` acts as, among `users`.
    fn user(self, w: usize, i: usize, users: usize) -> usize {
        (w + i * self.in_flight) % users
    }

    fn total(self) -> usize {
        self.in_flight * self.per_worker
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
        let emulator_pid = emulator.pid().to_string();
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
        self.stop(requests, body_bytes)
    }

    /// Stops the clock after `requests` that read `body_bytes`.
    fn stop(self, requests: usize, body_bytes: usize) -> Run {
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

/// One side of a series: the bare hyper-util client doing some [`Work`], twapi-hyper, the
/// reqwest stack, the bare ureq client that signs and scans, twapi-ureq.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Side {
    Bare(Work),
    Twapi,
    Reqwest,
    BareUreq,
    TwapiUreq,
}

impl Side {
    /// Every side, for `TWAPI_BENCH_PROFILE`.
    const ALL: [Side; 12] = [
        Side::Bare(Work::Read),
        Side::Bare(Work::Code(CODE_LINES[0])),
        Side::Bare(Work::Code(CODE_LINES[1])),
        Side::Bare(Work::Scan),
        Side::Bare(Work::Sign),
        Side::Bare(Work::SignScan),
        Side::Bare(Work::Decode),
        Side::Bare(Work::SignDecode),
        Side::Twapi,
        Side::Reqwest,
        Side::BareUreq,
        Side::TwapiUreq,
    ];

    /// The sides of the series: the two floors, the two drivers, the stack without twapi.
    const SERIES: [Side; 5] = [
        Side::Bare(Work::SignScan),
        Side::Twapi,
        Side::BareUreq,
        Side::TwapiUreq,
        Side::Reqwest,
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
            Side::Bare(Work::SignScan) => "bare hyper-util + signing + scan",
            Side::Bare(Work::Decode) => "bare + decoding",
            Side::Bare(Work::SignDecode) => "bare + signing + decoding",
            Side::Twapi => "twapi-hyper",
            Side::Reqwest => "reqwest + oauth1-request + serde_json",
            Side::BareUreq => "bare ureq + signing + scan",
            Side::TwapiUreq => "twapi-ureq",
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
            Side::Reqwest => "reqwest",
            Side::BareUreq => "ureq",
            Side::TwapiUreq => "twapi-ureq",
        };
        name.to_owned()
    }

    /// One run of the side against `emulator`; the async sides on `rt`.
    fn run(self, rt: &tokio::runtime::Runtime, emulator: &EmulatorProcess, shape: Shape) -> Run {
        fn limited(rt: &tokio::runtime::Runtime, run: impl Future<Output = Run>) -> Run {
            rt.block_on(async {
                tokio::time::timeout(RUN_LIMIT, run)
                    .await
                    .expect("the run ends in time")
            })
        }
        match self {
            Side::Bare(work) => limited(rt, bare_run(emulator, shape, work)),
            Side::Twapi => limited(rt, twapi_run(emulator, shape)),
            Side::Reqwest => limited(rt, reqwest_run(emulator, shape)),
            Side::BareUreq => ureq_bare_run(emulator, shape),
            Side::TwapiUreq => ureq_twapi_run(emulator, shape),
        }
    }
}

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

/// The load's target (the most followed demo user), and each demo user's auth.
fn user_auths(emulator: &EmulatorProcess) -> (u64, Vec<Auth>) {
    let target = user_id(&emulator.user("most_followed"));
    let auths = emulator
        .users()
        .iter()
        .map(|user| Auth::oauth1(&emulator.credentials(user)))
        .collect();
    (target, auths)
}

/// The bare client: hyper-util's pooled client, reading each body whole, and doing `work`
/// besides.
async fn bare_run(emulator: &EmulatorProcess, shape: Shape, work: Work) -> Run {
    let Shape {
        load, per_worker, ..
    } = shape;
    let api = Arc::new(Api::new(&emulator.base_url()).expect("the emulator's URL"));
    let (target, auths) = user_auths(emulator);
    let auths = Arc::new(auths);
    let now = twapi_auth::system::unix_now();
    let client: BareClient<_, Full<Bytes>> = BareClient::builder(TokioExecutor::new()).build_http();
    // Signed before the clock starts, unless the work is to sign them.
    let presigned: Vec<Vec<http::Request<Full<Bytes>>>> = (0..shape.in_flight)
        .map(|w| {
            if work.signs() {
                return Vec::new();
            }
            (0..per_worker)
                .map(|i| {
                    let nonce = format!("bench{w:06}{i:021}");
                    let stamp = Stamp {
                        timestamp: now,
                        nonce: &nonce,
                    };
                    let auth = &auths[shape.user(w, i, auths.len())];
                    prepare(&api, load, target, auth, stamp)
                })
                .collect()
        })
        .collect();
    let clock = Clock::start(emulator);
    let tasks: Vec<_> = presigned
        .into_iter()
        .enumerate()
        .map(|(w, presigned)| {
            let (client, api, auths) = (client.clone(), api.clone(), auths.clone());
            tokio::spawn(async move {
                let mut bytes = 0;
                let mut nonces = twapi_auth::system::NonceSource::new();
                let mut presigned = presigned.into_iter();
                for i in 0..per_worker {
                    let request = if work.signs() {
                        let nonce = nonces.next_nonce().expect("randomness");
                        let stamp = Stamp {
                            timestamp: twapi_auth::system::unix_now(),
                            nonce: &nonce,
                        };
                        let auth = &auths[shape.user(w, i, auths.len())];
                        prepare(&api, load, target, auth, stamp)
                    } else {
                        presigned.next().expect("signed before")
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
                        scan(&whole);
                    }
                    if work.decodes() {
                        decode(load, http::Response::from_parts(head, whole));
                    }
                }
                bytes
            })
        })
        .collect();
    clock.finish(tasks, shape.total()).await
}

/// A validating scan of a body: every byte checked, nothing built.
fn scan(body: &[u8]) {
    std::hint::black_box(
        serde_json::from_slice::<serde::de::IgnoredAny>(body).expect("a JSON body"),
    );
}

/// twapi-hyper: one client per user (signing, limiter, decoding into `v1::User` or
/// `v1::IdPage`, all included), all sending over the first one's connections — one pool, as
/// the bare client has.
async fn twapi_run(emulator: &EmulatorProcess, shape: Shape) -> Run {
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
    let clock = Clock::start(emulator);
    let tasks: Vec<_> = (0..shape.in_flight)
        .map(|w| {
            let clients = clients.clone();
            tokio::spawn(async move {
                let mut bytes = 0;
                for i in 0..shape.per_worker {
                    let client = &clients[shape.user(w, i, clients.len())];
                    bytes += match shape.load {
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
    clock.finish(tasks, shape.total()).await
}

/// `users/show` as oauth1-request describes it.
#[derive(oauth1_request::Request)]
struct UsersShowParams {
    user_id: u64,
}

/// A user as someone without twapi would declare it for serde_json: the fields a program
/// reads, as plain types.
#[allow(dead_code)] // read by serde only
#[derive(Deserialize)]
struct PlainUser {
    id: u64,
    id_str: String,
    name: String,
    screen_name: String,
    location: Option<String>,
    description: Option<String>,
    url: Option<String>,
    protected: bool,
    verified: bool,
    followers_count: u64,
    friends_count: u64,
    listed_count: u64,
    favourites_count: u64,
    statuses_count: u64,
    created_at: String,
    profile_image_url_https: Option<String>,
}

/// The stack a user would assemble without twapi: reqwest's pooled client, each request
/// signed by oauth1-request (its own nonce and timestamp), each body read by serde_json into
/// [`PlainUser`].
async fn reqwest_run(emulator: &EmulatorProcess, shape: Shape) -> Run {
    let users = emulator.users();
    let target = user_id(&emulator.user("most_followed"));
    let s = |v: &Value| v.as_str().expect("a string").to_owned();
    let signers: Vec<oauth1_request::Builder<'static, oauth1_request::HmacSha1, String>> = users
        .iter()
        .map(|user| {
            let app = oauth1_request::Credentials::new(
                s(&emulator.facts["consumer_key"]),
                s(&emulator.facts["consumer_secret"]),
            );
            let mut builder = oauth1_request::Builder::new(app, oauth1_request::HmacSha1::new());
            builder.token(oauth1_request::Credentials::new(
                s(&user["access_token"]),
                s(&user["access_token_secret"]),
            ));
            builder
        })
        .collect();
    let signers = Arc::new(signers);
    let endpoint: Arc<str> = format!("{}/1.1/users/show.json", emulator.base_url()).into();
    let client = reqwest::Client::new();
    let clock = Clock::start(emulator);
    let tasks: Vec<_> = (0..shape.in_flight)
        .map(|w| {
            let (client, signers, endpoint) = (client.clone(), signers.clone(), endpoint.clone());
            tokio::spawn(async move {
                let mut bytes = 0;
                for i in 0..shape.per_worker {
                    let signer = &signers[shape.user(w, i, signers.len())];
                    let authorization =
                        signer.get(&*endpoint, &UsersShowParams { user_id: target });
                    let response = client
                        .get(format!("{endpoint}?user_id={target}"))
                        .header(http::header::AUTHORIZATION, authorization)
                        .send()
                        .await
                        .expect("an answer");
                    assert_eq!(response.status(), 200, "request {i}");
                    let body = response.bytes().await.expect("a whole body");
                    bytes += body.len();
                    let user: PlainUser = serde_json::from_slice(&body).expect("a user");
                    std::hint::black_box(user);
                }
                bytes
            })
        })
        .collect();
    clock.finish(tasks, shape.total()).await
}

/// Runs `worker(w)` on `shape.in_flight` threads, each returning the body bytes it read. The
/// threads outlive the clock, so that their CPU time is counted.
fn threads(
    emulator: &EmulatorProcess,
    shape: Shape,
    worker: impl Fn(usize) -> usize + Sync,
) -> Run {
    let (done, results) = std::sync::mpsc::channel();
    let stopped = std::sync::Barrier::new(shape.in_flight + 1);
    let clock = Clock::start(emulator);
    std::thread::scope(|scope| {
        for w in 0..shape.in_flight {
            let (worker, done, stopped) = (&worker, done.clone(), &stopped);
            scope.spawn(move || {
                done.send(worker(w)).expect("the parent listens");
                stopped.wait();
            });
        }
        let bytes = results.iter().take(shape.in_flight).sum();
        let run = clock.stop(shape.total(), bytes);
        stopped.wait();
        run
    })
}

/// The bare blocking client: one ureq `Agent` (keeping as many idle connections as there are
/// threads), each request signed by twapi-core, each body read whole and scanned.
fn ureq_bare_run(emulator: &EmulatorProcess, shape: Shape) -> Run {
    let api = Api::new(&emulator.base_url()).expect("the emulator's URL");
    let (target, auths) = user_auths(emulator);
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_idle_connections_per_host(shape.in_flight.max(3))
        .max_idle_connections(shape.in_flight.max(10))
        .build()
        .into();
    threads(emulator, shape, |w| {
        let mut nonces = twapi_auth::system::NonceSource::new();
        let mut bytes = 0;
        for i in 0..shape.per_worker {
            let nonce = nonces.next_nonce().expect("randomness");
            let stamp = Stamp {
                timestamp: twapi_auth::system::unix_now(),
                nonce: &nonce,
            };
            let auth = &auths[shape.user(w, i, auths.len())];
            let request = match shape.load {
                Load::UsersShow => api.prepare(&users_show(target), auth, stamp),
                Load::FollowersIds => api.prepare(&followers_ids(target), auth, stamp),
            }
            .expect("a valid request");
            let (parts, _) = request.into_parts();
            let mut response = agent
                .run(http::Request::from_parts(parts, ()))
                .expect("an answer");
            assert_eq!(response.status(), 200, "request {i}");
            let body = response.body_mut().read_to_vec().expect("a whole body");
            bytes += body.len();
            scan(&body);
        }
        bytes
    })
}

/// twapi-ureq: one client per user; each thread sends through its user's client.
fn ureq_twapi_run(emulator: &EmulatorProcess, shape: Shape) -> Run {
    let users = emulator.users();
    let target = user_id(&emulator.user("most_followed"));
    let clients: Vec<twapi_ureq::Client> = users
        .iter()
        .map(|user| {
            twapi_ureq::ClientBuilder::oauth1(&emulator.credentials(user))
                .base_url(emulator.base_url())
                .build()
                .expect("a client")
        })
        .collect();
    threads(emulator, shape, |w| {
        let mut bytes = 0;
        for i in 0..shape.per_worker {
            let client = &clients[shape.user(w, i, clients.len())];
            bytes += match shape.load {
                Load::UsersShow => client.send(&users_show(target)).map(|r| r.body().len()),
                Load::FollowersIds => client.send(&followers_ids(target)).map(|r| r.body().len()),
            }
            .unwrap_or_else(|e| panic!("request {i}: {e}"));
        }
        bytes
    })
}

/// `repeats` rounds of `shape` runs, each round running every side once, each run against a
/// fresh emulator (a fresh rate-limit window) that answers `delay` late (`None`: as
/// `TWAPI_BENCH_SLOW_US` says). The order of the sides turns with each round, so that none
/// always runs first (on a fresh machine state) or last. `rounds[r][s]` is side `s`'s run in
/// round `r`.
fn paired_rounds(
    rt: &tokio::runtime::Runtime,
    sides: &[Side],
    shape: Shape,
    repeats: usize,
    delay: Option<Duration>,
) -> Vec<Vec<Run>> {
    (0..repeats)
        .map(|round| {
            let mut runs: Vec<Option<Run>> = sides.iter().map(|_| None).collect();
            for turn in 0..sides.len() {
                let index = (round + turn) % sides.len();
                let emulator = EmulatorProcess::spawn(Options {
                    delay,
                    ..Options::users(10_000)
                });
                runs[index] = Some(sides[index].run(rt, &emulator, shape));
                emulator.stop();
            }
            runs.into_iter()
                .map(|run| run.expect("every side ran"))
                .collect()
        })
        .collect()
}

/// A figure of the table: its name, its value, its target and whether it is met (empty for a
/// figure without a target).
type Record<'a> = dyn FnMut(&str, String, &str, Option<bool>) + 'a;

/// A comparison of a series: subject, reference, target, whether a ratio meets it.
type Comparison = (Side, Side, &'static str, fn(f64) -> bool);

/// The comparisons of a series.
const COMPARISONS: [Comparison; 4] = [
    (Side::Twapi, Side::Bare(Work::SignScan), "≥ 0.95x", |r| {
        r >= 0.95
    }),
    (Side::TwapiUreq, Side::BareUreq, "≥ 0.95x", |r| r >= 0.95),
    (Side::Twapi, Side::Reqwest, "> 1x", |r| r > 1.0),
    (Side::TwapiUreq, Side::Reqwest, "> 1x", |r| r > 1.0),
];

/// Records what [`paired_rounds`] measured, under `at`: each side's rate and CPU per request,
/// and each comparison's median paired ratio (with quartiles) against its target.
fn report_rounds(record: &mut Record<'_>, at: &str, sides: &[Side], rounds: &[Vec<Run>]) {
    let repeats = rounds.len();
    let rates = |i: usize| -> Vec<f64> { rounds.iter().map(|r| r[i].per_second()).collect() };
    for (index, side) in sides.iter().enumerate() {
        // Where the time of a request went: at 1 in flight the client and the emulator take
        // turns, so a difference in rate between two sides is a difference in these.
        let cpu = |of: fn(&Run) -> Option<Duration>| -> Option<f64> {
            let micros: Option<Vec<f64>> = rounds
                .iter()
                .map(|r| r[index].micros_per_request(of(&r[index])))
                .collect();
            micros.map(median)
        };
        let cpu = match (cpu(|r| r.client_cpu), cpu(|r| r.emulator_cpu)) {
            (Some(client), Some(emulator)) => {
                format!("; CPU µs/request, client {client:.0}, emulator {emulator:.0}")
            }
            _ => String::new(),
        };
        record(
            &format!("{at}: {}, req/s (median of {repeats} runs)", side.label()),
            format!("{:.0}{cpu}", median(rates(index))),
            "",
            None,
        );
    }
    let position = |wanted: Side| sides.iter().position(|s| *s == wanted);
    for (subject, reference, target, meets) in COMPARISONS {
        let (Some(s), Some(r)) = (position(subject), position(reference)) else {
            continue;
        };
        let paired: Vec<f64> = rounds
            .iter()
            .map(|round| round[s].per_second() / round[r].per_second())
            .collect();
        let (low, mid, high) = quartiles(paired);
        record(
            &format!("{at}: {} / {}", subject.label(), reference.label()),
            format!("{mid:.2}x ({low:.2}–{high:.2})"),
            target,
            Some(meets(mid)),
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

// ---------------------------------------------------------------- the parent

/// Requests a run wants at `in_flight`: enough for a run of a fifth of a second or more, few
/// enough that the whole series stays within a couple of minutes.
fn wanted(in_flight: usize, late: bool) -> usize {
    match (in_flight, late) {
        (1, false) => 5_400,
        (1, true) => 600,
        (8, false) => 3_200,
        (8, true) => 1_200,
        (_, false) => 4_800,
        (_, true) => 2_560,
    }
}

fn profile(which: &str) {
    let Some(side) = Side::ALL.into_iter().find(|side| side.key() == which) else {
        let names: Vec<String> = Side::ALL.iter().map(|side| side.key()).collect();
        eprintln!("TWAPI_BENCH_PROFILE: one of {}", names.join(", "));
        std::process::exit(2);
    };
    let in_flight = usize::try_from(env_u64("TWAPI_BENCH_IN_FLIGHT", 1)).unwrap_or(1);
    let emulator = EmulatorProcess::spawn(Options::users(10_000));
    let shape = Shape::new(
        Load::UsersShow,
        in_flight,
        USERS_SHOW_PER_USER * emulator.users().len(),
        emulator.users().len(),
    );
    let run = side.run(&runtime(), &emulator, shape);
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
    let mut rows: Vec<[String; 4]> = Vec::new();
    let mut record = |figure: &str, value: String, target: &str, ok: Option<bool>| {
        let verdict = ok.map_or("", |ok| if ok { "yes" } else { "**no**" });
        println!("{figure:<90} {value}  {target} {verdict}");
        rows.push([
            figure.to_owned(),
            value,
            target.to_owned(),
            verdict.to_owned(),
        ]);
    };
    let rt = runtime();

    // Item 1: users/show through every side of the series, same emulator kind, same requests.
    let users = EmulatorProcess::spawn(Options::users(10_000));
    let user_count = users.users().len();
    users.stop();
    for (late, delay) in [(false, None), (true, Some(ROUND_TRIP))] {
        for in_flight in [1, 8, 64] {
            let shape = Shape::new(
                Load::UsersShow,
                in_flight,
                wanted(in_flight, late),
                user_count,
            );
            let rounds = paired_rounds(&rt, &Side::SERIES, shape, REPEATS, delay);
            let at = if late {
                format!("users/show, {in_flight} in flight, answers 1 ms late")
            } else {
                format!("users/show, {in_flight} in flight, loopback")
            };
            report_rounds(&mut record, &at, &Side::SERIES, &rounds);
        }
    }

    // The emulator with 1,000,000 users: start, memory, requests per second.
    let emulator = EmulatorProcess::spawn(Options::users(1_000_000));
    let info = |record: &mut Record<'_>, figure: &str, value: String| {
        record(figure, value, "", None);
    };
    info(
        &mut record,
        "emulator, 1,000,000 users: start (world built and bound), ms",
        format!("{:.0}", emulator.start_ms),
    );
    let (peak, _) = emulator.memory_kib();
    info(
        &mut record,
        "emulator, 1,000,000 users: peak memory after start, MiB",
        format!("{:.0}", peak as f64 / 1024.0),
    );
    let shape = Shape::new(Load::UsersShow, 64, 5_000, user_count);
    let show = rt.block_on(bare_run(&emulator, shape, Work::Read));
    info(
        &mut record,
        "emulator, 1,000,000 users: users/show served, req/s (64 in flight), body bytes",
        format!(
            "{:.0}, {}",
            show.per_second(),
            show.body_bytes / show.requests
        ),
    );
    let shape = Shape::new(Load::FollowersIds, 6, 90, user_count);
    let ids = rt.block_on(bare_run(&emulator, shape, Work::Read));
    info(
        &mut record,
        "emulator, 1,000,000 users: followers/ids (5,000 ids) served, req/s (6 in flight), body bytes",
        format!("{:.0}, {}", ids.per_second(), ids.body_bytes / ids.requests),
    );
    let (peak, _) = emulator.memory_kib();
    info(
        &mut record,
        "emulator, 1,000,000 users: peak memory after the load, MiB",
        format!("{:.0}", peak as f64 / 1024.0),
    );
    emulator.stop();

    let tsv = rows.iter().fold(String::new(), |mut out, row| {
        let _ = writeln!(out, "{}", row.join("\t"));
        out
    });
    std::fs::write(target_dir.join("e2e.tsv"), tsv).expect("e2e.tsv");
}
