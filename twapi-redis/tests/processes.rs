//! Four OS processes crawl through one app credential and one Redis on one emulator with
//! 2-second windows: X (the emulator) never answers 429, and every full window is spent to
//! at least 95% of its limit.
//!
//! The children are this test binary run again for its ignored `child_crawler` test, with
//! what to do in environment variables; each prints a line per answer, which the parent
//! reads.

mod support;

use std::collections::BTreeMap;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use twapi_core::rate_limit::LimiterConfig;
use twapi_hyper::request::v2::UserById;
use twapi_hyper::{CallError, ClientBuilder};
use twapi_redis::RedisLimiter;

use support::redis_server::RedisServer;

const WINDOW: Duration = Duration::from_secs(2);
const PROCESSES: usize = 4;
/// Long enough for two full windows between the partial first and last, with room to spare on
/// a loaded machine: the emulator counts a window from the whole second it opens in, so a
/// 2-second window lasts 2 seconds, and a window opens at the first request after the last
/// one's reset.
const RUN: Duration = Duration::from_millis(10_500);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn four_processes_share_one_app_window_without_a_429() {
    let redis = RedisServer::start();
    let emulator = support::emulator(200, WINDOW).await;
    let facts = emulator.facts().clone();
    let user = facts.user("plain").expect("a plain user").id.clone();
    let deadline = SystemTime::now() + RUN;
    let deadline_ms = deadline.duration_since(UNIX_EPOCH).unwrap().as_millis();
    let me = std::env::current_exe().expect("the test binary");
    let children: Vec<_> = (0..PROCESSES)
        .map(|_| {
            Command::new(&me)
                .args(["--exact", "child_crawler", "--ignored", "--nocapture"])
                .args(["--test-threads", "1"])
                .env("TWAPI_CHILD_REDIS", redis.url())
                .env("TWAPI_CHILD_BASE_URL", &facts.base_url)
                .env("TWAPI_CHILD_BEARER", &facts.bearer_token)
                .env("TWAPI_CHILD_USER", &user)
                .env("TWAPI_CHILD_DEADLINE_MS", deadline_ms.to_string())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .expect("a child process")
        })
        .collect();
    let outputs = tokio::task::spawn_blocking(move || {
        children
            .into_iter()
            .map(|child| child.wait_with_output().expect("the child's output"))
            .collect::<Vec<_>>()
    })
    .await
    .expect("the children are reaped");
    emulator.shutdown().await;

    // Requests answered per server window (named by its reset), and the 429s.
    let mut windows: BTreeMap<u64, (u32, u32)> = BTreeMap::new();
    let mut rate_limited = 0;
    for output in &outputs {
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(
            output.status.success(),
            "a child failed: {}\n{stdout}\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
        for line in stdout.lines() {
            let words: Vec<&str> = line.split_whitespace().collect();
            match words.as_slice() {
                ["answered", reset, limit] => {
                    let entry = windows
                        .entry(reset.parse().unwrap())
                        .or_insert((0, limit.parse().unwrap()));
                    entry.0 += 1;
                }
                ["rate-limited"] => rate_limited += 1,
                _ => {}
            }
        }
    }
    assert_eq!(rate_limited, 0, "X answered 429 to the shared budget");
    assert!(windows.len() >= 3, "too few windows: {windows:?}");
    // The first and last windows are partial (the run starts and stops inside them).
    let full: Vec<(u32, u32)> = windows.values().copied().skip(1).collect();
    let full = &full[..full.len() - 1];
    let used: u32 = full.iter().map(|(count, _)| count).sum();
    let limits: u32 = full.iter().map(|(_, limit)| limit).sum();
    for (count, limit) in full {
        assert!(count <= limit, "a window overflowed: {windows:?}");
    }
    let share = f64::from(used) / f64::from(limits);
    println!(
        "{PROCESSES} processes, {} full windows: {used} of {limits} requests ({:.1}%), per window {:?}",
        full.len(),
        share * 100.0,
        full
    );
    assert!(
        share >= 0.95,
        "the windows were spent to {:.1}% only: {windows:?}",
        share * 100.0
    );
}

/// One of the four crawlers (run by the test above, with its settings in the environment).
#[tokio::test]
#[ignore = "a child process of four_processes_share_one_app_window_without_a_429"]
async fn child_crawler() {
    let setting = |name: &str| {
        std::env::var(name).unwrap_or_else(|_| panic!("{name}: run by the four-process test"))
    };
    let limiter = RedisLimiter::builder(setting("TWAPI_CHILD_REDIS"))
        .config(LimiterConfig {
            window: WINDOW,
            ..LimiterConfig::default()
        })
        .connect()
        .await
        .expect("the test's redis-server");
    let client = ClientBuilder::app_only(setting("TWAPI_CHILD_BEARER"))
        .base_url(setting("TWAPI_CHILD_BASE_URL"))
        .limiter_store(Arc::new(limiter))
        .build()
        .expect("a client");
    let request = UserById {
        id: setting("TWAPI_CHILD_USER").parse().expect("a user id"),
        fields: twapi_hyper::core::fields::Fields::default(),
    };
    let deadline =
        UNIX_EPOCH + Duration::from_millis(setting("TWAPI_CHILD_DEADLINE_MS").parse().expect("ms"));
    while SystemTime::now() < deadline {
        match client.send(&request).await {
            Ok(reply) => {
                let window = reply.rate_limit().window.expect("the window's headers");
                let reset = window.reset.duration_since(UNIX_EPOCH).unwrap().as_secs();
                println!("answered {reset} {}", window.limit);
            }
            Err(CallError::Throttled(wait)) => {
                let pause = wait
                    .until
                    .duration_since(SystemTime::now())
                    .unwrap_or_default();
                tokio::time::sleep(
                    pause.min(
                        deadline
                            .duration_since(SystemTime::now())
                            .unwrap_or_default(),
                    ),
                )
                .await;
            }
            Err(CallError::Core(twapi_core::Error::RateLimited(_))) => {
                println!("rate-limited");
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
            Err(other) => panic!("the crawl failed: {other}"),
        }
    }
}
