//! Fault tolerance against the emulator: a crawl of an account with more than 100,000
//! followers under 10% injected faults ends with exactly the follower set; the same crawl
//! killed at a seeded point and resumed from its serialized state ends the same, without
//! fetching a delivered page again; eight tasks sharing one limiter never meet a 429.
//!
//! A loopback relay in front of the emulator keeps the request line of every request, so the
//! tests know which cursors were asked for and how often; a `tracing` layer counts the
//! statuses of the answers, the retries and the waits. Each test prints its figures (run with
//! `--nocapture` to see them).

use std::collections::{BTreeMap, BTreeSet};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant, SystemTime};

use futures_util::StreamExt;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tracing::instrument::WithSubscriber;
use twapi_auth::oauth1::Credentials;
use twapi_core::UserRef;
use twapi_core::pager::{Pager, PagerState, Position};
use twapi_core::rate_limit::LimiterConfig;
use twapi_core::request::v1::FollowersIds;
use twapi_core::retry::RetryPolicy;
use twapi_emulator::{Config, DemoUser, Emulator, Faults};
use twapi_hyper::{Client, ClientBuilder};
use twapi_model::UserId;

/// Seeds the faults, the retry jitter and the kill point: the same seed, the same run.
const SEED: u64 = 0x7A91_5EED;
/// Enough accounts that the most followed one has more than 100,000 followers.
const USERS: u32 = 350_000;
/// The crawls' rate-limit window, scaled down from X's 15 minutes.
const WINDOW: Duration = Duration::from_secs(1);
/// How long a slow answer keeps the client waiting.
const SLOW: Duration = Duration::from_millis(600);
/// An attempt's deadline: far above a page's time on loopback, below a slow answer's delay,
/// so every slow answer times out and is retried.
const REQUEST_TIMEOUT: Duration = Duration::from_millis(300);
/// Ids per page, the most `followers/ids` gives.
const PAGE: u32 = 5_000;
/// How long a test may take before it counts as hung (a guard, far above the real times).
const HANG: Duration = Duration::from_secs(120);

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The emulator of the crawls, behind a relay, with the account to crawl and its followers.
struct Crawl {
    emulator: Emulator,
    relay: Relay,
    credentials: Credentials,
    target: UserId,
    truth: Vec<u64>,
}

async fn crawl_world() -> Crawl {
    let emulator = Emulator::start(Config {
        users: USERS,
        window: WINDOW,
        faults: Faults {
            slow_delay: SLOW,
            ..Faults::uniform(0.10, SEED)
        },
        ..Config::default()
    })
    .await
    .expect("the emulator starts");
    let facts = emulator.facts();
    let role = |role: &str| -> DemoUser {
        facts
            .users
            .iter()
            .find(|u| u.role == role)
            .cloned()
            .unwrap_or_else(|| panic!("the emulator names a {role} user"))
    };
    let (me, top) = (role("plain"), role("most_followed"));
    let credentials = Credentials::new(facts.consumer_key.clone(), facts.consumer_secret.clone())
        .with_token(me.access_token, me.access_token_secret);
    let target = UserId::new(top.id.parse().expect("a decimal id"));
    let truth = emulator.follower_ids(target.get());
    assert!(
        truth.len() > 100_000,
        "the most followed of {USERS} accounts has {} followers",
        truth.len()
    );
    let relay = Relay::start(emulator.base_url()).await;
    Crawl {
        emulator,
        relay,
        credentials,
        target,
        truth,
    }
}

impl Crawl {
    /// A client through the relay: short deadlines, quick retries, the limiter in the
    /// emulator's window, waiting on rate limits.
    fn client(&self) -> Client {
        ClientBuilder::oauth1(&self.credentials)
            .base_url(&self.relay.base_url)
            .request_timeout(REQUEST_TIMEOUT)
            .limiter_config(LimiterConfig {
                window: WINDOW,
                ..LimiterConfig::default()
            })
            .wait_on_rate_limit(true)
            .retry_policy(RetryPolicy::new(
                10,
                Duration::from_millis(5),
                Duration::from_millis(50),
            ))
            .jitter_seed(SEED)
            .build()
            .expect("a client")
    }

    fn request(&self) -> FollowersIds {
        FollowersIds {
            count: Some(PAGE),
            ..FollowersIds::of(UserRef::Id(self.target))
        }
    }

    /// The cursor of every `followers/ids` request the relay passed on, in order.
    fn cursors(&self) -> Vec<String> {
        self.relay
            .lines()
            .iter()
            .filter_map(|line| cursor_of(line))
            .collect()
    }
}

/// The `cursor` a `followers/ids` request line asks for (`-1`, the first page, when absent).
fn cursor_of(line: &str) -> Option<String> {
    let target = line.split(' ').nth(1)?;
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    if path != "/1.1/followers/ids.json" {
        return None;
    }
    let cursor = query
        .split('&')
        .find_map(|pair| pair.strip_prefix("cursor="))
        .unwrap_or("-1");
    Some(cursor.to_owned())
}

/// The cursor a state will fetch next.
fn next_cursor(state: &PagerState) -> Option<String> {
    match &state.next {
        Some(Position::Cursor(cursor)) => Some(cursor.to_string()),
        _ => None,
    }
}

/// The walk delivered every follower once, in the server's order.
fn assert_exactly_the_followers(walked: &[u64], truth: &[u64]) {
    let unique: BTreeSet<u64> = walked.iter().copied().collect();
    assert_eq!(
        unique.len(),
        walked.len(),
        "{} ids were delivered twice",
        walked.len() - unique.len()
    );
    let expected: BTreeSet<u64> = truth.iter().copied().collect();
    let missing = expected.difference(&unique).count();
    let strangers = unique.difference(&expected).count();
    assert_eq!(
        (missing, strangers),
        (0, 0),
        "followers missing, ids that are no followers"
    );
    assert!(walked == truth, "the ids come in the server's order");
}

/// Retried errors by kind, for the figures.
fn fault_kinds(retried: &[String]) -> BTreeMap<&'static str, usize> {
    let mut kinds = BTreeMap::new();
    for error in retried {
        let kind = if error.contains("code 130") {
            "503/130 over capacity"
        } else if error.contains("code 131") {
            "500/131 internal error"
        } else if error.starts_with("no complete answer within") {
            "timeout (slow answer)"
        } else if error.starts_with("the connection failed") {
            "connection closed mid-body"
        } else if error.contains("body does not decode") {
            "truncated body"
        } else {
            "other"
        };
        *kinds.entry(kind).or_insert(0) += 1;
    }
    kinds
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crawl_under_ten_percent_faults_ends_with_exactly_the_follower_set() {
    let tally = tally::Tally::default();
    let run = async {
        let started = Instant::now();
        let w = crawl_world().await;
        let ready = started.elapsed();
        let crawling = Instant::now();
        let client = w.client();
        let mut pages = client.pages(w.request());
        let mut walked = Vec::with_capacity(w.truth.len());
        let mut delivered = 0_usize;
        while let Some(page) = pages.next().await {
            let page = page.unwrap_or_else(|e| panic!("the crawl gave up: {e}"));
            walked.extend(page.items.iter().map(|id| id.get()));
            delivered += 1;
        }
        let crawl = crawling.elapsed();
        assert_exactly_the_followers(&walked, &w.truth);

        let cursors = w.cursors();
        let distinct: BTreeSet<&String> = cursors.iter().collect();
        assert_eq!(
            distinct.len(),
            delivered,
            "one cursor per page: {cursors:?}"
        );
        let counts = tally.counts();
        assert!(
            cursors.len() > delivered && !counts.retried.is_empty(),
            "faults were injected and ridden out: {} requests for {delivered} pages",
            cursors.len()
        );
        println!(
            "crawl of {} followers: emulator ready in {ready:.1?}, crawled in {crawl:.1?}; \
             {delivered} pages, {} requests, {} retries {:?}, answers by status {:?}, \
             {} limiter waits",
            w.truth.len(),
            cursors.len(),
            counts.retried.len(),
            fault_kinds(&counts.retried),
            counts.statuses,
            counts.limiter_waits,
        );
        w.emulator.shutdown().await;
    };
    tokio::time::timeout(HANG, run.with_subscriber(tally.dispatch()))
        .await
        .expect("the crawl ends");
}

/// A SplitMix64 step: the seeded "random" kill point.
fn splitmix(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crawl_killed_midway_resumes_from_its_saved_state_without_fetching_a_delivered_page() {
    let tally = tally::Tally::default();
    let run = async {
        let w = crawl_world().await;
        let total_pages = w.truth.len().div_ceil(PAGE as usize);
        let mut dice = SEED;
        let kill_after =
            1 + usize::try_from(splitmix(&mut dice) % (total_pages as u64 - 1)).expect("small");
        // The next page's request runs this long before the kill: 0 to 39 ms, so the walk
        // may die before sending it, while it is in flight, or just after it was delivered.
        let in_flight = Duration::from_millis(splitmix(&mut dice) % 40);

        // The first run: the cursor of every page it delivered, and the state it saved.
        let mut delivered = Vec::new();
        let mut delivered_cursors = BTreeSet::from(["-1".to_owned()]);
        let mut delivered_pages = 0_usize;
        let saved = {
            let client = w.client();
            let mut pages = client.pages(w.request());
            let mut last = PagerState::default();
            for _ in 0..kill_after {
                let page = pages
                    .next()
                    .await
                    .expect("more pages")
                    .unwrap_or_else(|e| panic!("the crawl gave up: {e}"));
                delivered.extend(page.items.iter().map(|id| id.get()));
                delivered_pages += 1;
                delivered_cursors.extend(next_cursor(&last));
                last = page.state;
            }
            if let Ok(Some(page)) = tokio::time::timeout(in_flight, pages.next()).await {
                // Delivered before the kill: it counts as delivered.
                let page = page.unwrap_or_else(|e| panic!("the crawl gave up: {e}"));
                delivered.extend(page.items.iter().map(|id| id.get()));
                delivered_pages += 1;
                delivered_cursors.extend(next_cursor(&last));
                last = page.state;
            }
            // Killed: the stream and its client go, with whatever was in flight.
            drop(pages);
            serde_json::to_string(&last).expect("the state serializes")
        };
        let first_run = w.cursors().len();
        assert_eq!(delivered_cursors.len(), delivered_pages);

        // The second run, from the saved JSON.
        let state: PagerState = serde_json::from_str(&saved).expect("the state deserializes");
        let resume_at = next_cursor(&state).expect("the walk was killed before its end");
        let client = w.client();
        let mut pages = client.pages_with(Pager::resume(w.request(), state));
        let mut resumed_pages = 0_usize;
        while let Some(page) = pages.next().await {
            let page = page.unwrap_or_else(|e| panic!("the resumed crawl gave up: {e}"));
            delivered.extend(page.items.iter().map(|id| id.get()));
            resumed_pages += 1;
        }
        assert_exactly_the_followers(&delivered, &w.truth);

        let cursors = w.cursors();
        let second_run = &cursors[first_run..];
        assert_eq!(
            second_run.first(),
            Some(&resume_at),
            "the resumed walk starts where the saved state points"
        );
        let fetched_again: Vec<&String> = second_run
            .iter()
            .filter(|cursor| delivered_cursors.contains(*cursor))
            .collect();
        assert!(
            fetched_again.is_empty(),
            "pages delivered before the kill were fetched again: {fetched_again:?}"
        );
        let distinct: BTreeSet<&String> = cursors.iter().collect();
        assert_eq!(distinct.len(), delivered_pages + resumed_pages);
        let counts = tally.counts();
        println!(
            "killed after {delivered_pages} of {total_pages} pages ({in_flight:?} into the \
             next request); saved state {saved}; resumed for {resumed_pages} pages; {} requests \
             before the kill and {} after, {} retries {:?}",
            first_run,
            second_run.len(),
            counts.retried.len(),
            fault_kinds(&counts.retried),
        );
        w.emulator.shutdown().await;
    };
    tokio::time::timeout(HANG, run.with_subscriber(tally.dispatch()))
        .await
        .expect("the crawls end");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn eight_tasks_sharing_one_limiter_never_meet_a_429() {
    const TASKS: usize = 8;
    const EACH: usize = 6;
    const SMALL_WINDOW: Duration = Duration::from_secs(2);
    let tally = tally::Tally::default();
    let run = async {
        let emulator = Emulator::start(Config {
            users: 2_000,
            window: SMALL_WINDOW,
            ..Config::default()
        })
        .await
        .expect("the emulator starts");
        let facts = emulator.facts();
        let me = facts
            .users
            .iter()
            .find(|u| u.role == "plain")
            .expect("a plain user");
        let top: u64 = facts
            .users
            .iter()
            .find(|u| u.role == "most_followed")
            .and_then(|u| u.id.parse().ok())
            .expect("the most followed user");
        let credentials =
            Credentials::new(facts.consumer_key.clone(), facts.consumer_secret.clone())
                .with_token(me.access_token.clone(), me.access_token_secret.clone());
        // No retries: any failure, a 429 included, would show.
        let builder = ClientBuilder::oauth1(&credentials)
            .base_url(emulator.base_url())
            .limiter_config(LimiterConfig {
                window: SMALL_WINDOW,
                ..LimiterConfig::default()
            })
            .wait_on_rate_limit(true)
            .retry_policy(RetryPolicy::new(1, Duration::ZERO, Duration::ZERO));
        let one = builder.clone().build().expect("a client");
        let limiter = one.limiter().expect("a limiter").clone();
        let other = builder.limiter(limiter).build().expect("a second client");

        let started = Instant::now();
        let mut tasks = Vec::new();
        for task in 0..TASKS {
            // Four tasks share one client, four another client with the same limiter.
            let client = if task % 2 == 0 {
                one.clone()
            } else {
                other.clone()
            };
            let request = FollowersIds {
                count: Some(20),
                ..FollowersIds::of(UserRef::Id(UserId::new(top)))
            };
            tasks.push(tokio::spawn(
                async move {
                    let mut seen = Vec::new();
                    for _ in 0..EACH {
                        let reply = client
                            .send(&request)
                            .await
                            .unwrap_or_else(|e| panic!("task {task}: {e}"));
                        let window = reply.rate_limit().window.expect("a window");
                        seen.push((reply.status(), window.reset, window.remaining));
                    }
                    seen
                }
                .with_current_subscriber(),
            ));
        }
        let mut replies: Vec<(http::StatusCode, SystemTime, u32)> = Vec::new();
        for task in tasks {
            replies.extend(task.await.expect("the task ends"));
        }
        let elapsed = started.elapsed();

        assert_eq!(replies.len(), TASKS * EACH);
        assert!(
            replies
                .iter()
                .all(|(status, ..)| *status == http::StatusCode::OK),
            "{replies:?}"
        );
        // Per server window: each request counted once, never more than 15.
        let mut windows: BTreeMap<SystemTime, Vec<u32>> = BTreeMap::new();
        for (_, reset, remaining) in &replies {
            windows.entry(*reset).or_default().push(*remaining);
        }
        for (reset, remaining) in &windows {
            let distinct: BTreeSet<u32> = remaining.iter().copied().collect();
            assert_eq!(distinct.len(), remaining.len(), "{reset:?}: {remaining:?}");
            assert!(remaining.len() <= 15, "{reset:?}: {remaining:?}");
        }
        let counts = tally.counts();
        assert_eq!(
            counts.statuses,
            BTreeMap::from([(200, TASKS * EACH)]),
            "every answer on the wire was a 200: no 429, no retry"
        );
        assert_eq!(counts.rate_limited, 0);
        assert!(
            counts.limiter_waits > 0,
            "{} requests against 15 a window: the limiter held tasks back",
            TASKS * EACH
        );
        println!(
            "{TASKS} tasks x {EACH} requests in {elapsed:.1?}: {} server windows of sizes {:?}, \
             {} limiter waits, statuses {:?}",
            windows.len(),
            windows.values().map(Vec::len).collect::<Vec<_>>(),
            counts.limiter_waits,
            counts.statuses,
        );
        emulator.shutdown().await;
    };
    tokio::time::timeout(HANG, run.with_subscriber(tally.dispatch()))
        .await
        .expect("the tasks end");
}

/// A loopback TCP relay in front of the emulator that keeps the request line of every request
/// it passes on. The crawls send only GETs, whose heads end at the first blank line and carry
/// no body, so the client's bytes split into requests exactly there.
struct Relay {
    base_url: String,
    lines: Arc<Mutex<Vec<String>>>,
}

impl Relay {
    async fn start(upstream: &str) -> Relay {
        let upstream: SocketAddr = upstream
            .trim_start_matches("http://")
            .parse()
            .expect("the emulator's host:port");
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let base_url = format!("http://{}", listener.local_addr().expect("an address"));
        let lines = Arc::new(Mutex::new(Vec::new()));
        let keep = Arc::clone(&lines);
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let Ok(server) = TcpStream::connect(upstream).await else {
                    continue;
                };
                let _ = client.set_nodelay(true);
                let _ = server.set_nodelay(true);
                tokio::spawn(pipe(client, server, Arc::clone(&keep)));
            }
        });
        Relay { base_url, lines }
    }

    fn lines(&self) -> Vec<String> {
        lock(&self.lines).clone()
    }
}

/// Copies both ways; a side that closes (the emulator cutting an answer short, the client
/// giving up on a slow one) closes the other.
async fn pipe(client: TcpStream, server: TcpStream, lines: Arc<Mutex<Vec<String>>>) {
    let (mut from_client, mut to_client) = client.into_split();
    let (mut from_server, mut to_server) = server.into_split();
    let answers = async move {
        let _ = tokio::io::copy(&mut from_server, &mut to_client).await;
        let _ = to_client.shutdown().await;
    };
    let requests = async move {
        let mut pending = Vec::new();
        let mut buf = vec![0_u8; 16 * 1024];
        loop {
            let n = match from_client.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => n,
            };
            let Some(bytes) = buf.get(..n) else { break };
            pending.extend_from_slice(bytes);
            while let Some(end) = pending.windows(4).position(|w| w == b"\r\n\r\n") {
                let head: Vec<u8> = pending.drain(..end + 4).collect();
                let line = head.split(|b| *b == b'\r').next().unwrap_or_default();
                lock(&lines).push(String::from_utf8_lossy(line).into_owned());
            }
            if to_server.write_all(bytes).await.is_err() {
                break;
            }
        }
        let _ = to_server.shutdown().await;
    };
    tokio::join!(answers, requests);
}

/// Counts what the client's spans and events say: the status of every answer (the `status`
/// field of `x_request` spans), every retried error, every wait.
mod tally {
    use std::collections::BTreeMap;
    use std::fmt;
    use std::sync::{Arc, Mutex};

    use tracing::field::{Field, Visit};
    use tracing::span::{Id, Record};
    use tracing::{Dispatch, Event, Subscriber};
    use tracing_subscriber::layer::{Context, Layer, SubscriberExt};

    use super::lock;

    #[derive(Debug, Default, Clone)]
    pub(super) struct Counts {
        /// Answers by HTTP status.
        pub(super) statuses: BTreeMap<u64, usize>,
        /// The error of every attempt that was retried.
        pub(super) retried: Vec<String>,
        /// Times the client-side limiter made a request wait.
        pub(super) limiter_waits: usize,
        /// Times X's 429 made a request wait.
        pub(super) rate_limited: usize,
    }

    #[derive(Clone, Default)]
    pub(super) struct Tally(Arc<Mutex<Counts>>);

    impl Tally {
        pub(super) fn dispatch(&self) -> Dispatch {
            Dispatch::new(tracing_subscriber::registry().with(self.clone()))
        }

        pub(super) fn counts(&self) -> Counts {
            lock(&self.0).clone()
        }
    }

    #[derive(Default)]
    struct Fields {
        status: Option<u64>,
        message: String,
        error: Option<String>,
    }

    impl Visit for Fields {
        fn record_u64(&mut self, field: &Field, value: u64) {
            if field.name() == "status" {
                self.status = Some(value);
            }
        }

        fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
            match field.name() {
                "message" => self.message = format!("{value:?}"),
                "error" => self.error = Some(format!("{value:?}")),
                _ => {}
            }
        }
    }

    impl<S: Subscriber> Layer<S> for Tally {
        fn on_record(&self, _: &Id, values: &Record<'_>, _: Context<'_, S>) {
            let mut fields = Fields::default();
            values.record(&mut fields);
            if let Some(status) = fields.status {
                *lock(&self.0).statuses.entry(status).or_insert(0) += 1;
            }
        }

        fn on_event(&self, event: &Event<'_>, _: Context<'_, S>) {
            let mut fields = Fields::default();
            event.record(&mut fields);
            let mut counts = lock(&self.0);
            match fields.message.as_str() {
                "retrying" => counts.retried.push(fields.error.unwrap_or_default()),
                "rate limit reached; waiting for the window to reset" => counts.limiter_waits += 1,
                "rate limited by X; waiting for the reset" => counts.rate_limited += 1,
                _ => {}
            }
        }
    }
}
