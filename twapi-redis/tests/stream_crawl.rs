//! Three workers crawl the followers of 50 accounts through the Streams example, one of them
//! killed in the middle of an account: every account's followers equal the emulator's ground
//! truth, and no page that was saved was fetched again.
//!
//! The workers are this test binary run again for its ignored `child_worker` test, which runs
//! the example's `work`.

mod support;

#[path = "../examples/stream_crawl.rs"]
#[allow(dead_code, unreachable_pub)]
mod stream_crawl;

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use redis::AsyncCommands;
use twapi_emulator::Emulator;
use twapi_hyper::ClientBuilder;
use twapi_hyper::core::fields::{Fields, UserField};
use twapi_hyper::model::UserId;
use twapi_hyper::request::v2::UsersByIds;

use stream_crawl::Crawl;
use support::redis_server::RedisServer;

const WINDOW: Duration = Duration::from_secs(2);
const PAGE_SIZE: u32 = 3;
const CLAIM_IDLE: Duration = Duration::from_secs(1);

fn crawl(redis: &str, base_url: &str, bearer: &str, consumer: &str) -> Crawl {
    Crawl {
        redis: redis.to_owned(),
        base_url: base_url.to_owned(),
        bearer: bearer.to_owned(),
        namespace: "crawl".to_owned(),
        consumer: consumer.to_owned(),
        page_size: PAGE_SIZE,
        window: WINDOW,
        claim_idle: CLAIM_IDLE,
    }
}

fn worker(redis: &RedisServer, emulator: &Emulator, name: &str) -> Child {
    Command::new(std::env::current_exe().expect("the test binary"))
        .args(["--exact", "child_worker", "--ignored", "--nocapture"])
        .args(["--test-threads", "1"])
        .env("TWAPI_WORKER_REDIS", redis.url())
        .env("TWAPI_WORKER_BASE_URL", emulator.base_url())
        .env("TWAPI_WORKER_BEARER", &emulator.facts().bearer_token)
        .env("TWAPI_WORKER_NAME", name)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("a worker process")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_workers_one_killed_crawl_fifty_accounts_exactly() {
    let redis = RedisServer::start();
    let emulator = support::emulator(400, WINDOW).await;
    let top = emulator
        .facts()
        .user("most_followed")
        .expect("a most_followed user")
        .user_id()
        .get();
    // Fifty accounts whose followers the app may see (neither protected nor suspended), and
    // what the emulator says follows each.
    let client = ClientBuilder::app_only(emulator.facts().bearer_token.clone())
        .base_url(emulator.base_url())
        .build()
        .expect("a client");
    let candidates: Vec<UserId> = emulator
        .follower_ids(top)
        .into_iter()
        .take(100)
        .map(UserId::new)
        .collect();
    let looked_up = client
        .send(&UsersByIds {
            ids: candidates,
            fields: Fields::users([UserField::Protected]),
        })
        .await
        .expect("the candidates' profiles");
    let accounts: Vec<u64> = looked_up
        .value
        .data
        .into_iter()
        .flatten()
        .filter(|user| user.protected == Some(false))
        .map(|user| user.id.get())
        .take(50)
        .collect();
    assert_eq!(
        accounts.len(),
        50,
        "the graph has fifty followers of its top account"
    );
    let truth: BTreeMap<u64, BTreeSet<u64>> = accounts
        .iter()
        .map(|&account| {
            (
                account,
                emulator.follower_ids(account).into_iter().collect(),
            )
        })
        .collect();
    let settings = crawl(&redis.url(), emulator.base_url(), "", "parent");
    stream_crawl::enqueue(&settings, &accounts)
        .await
        .expect("the accounts are queued");

    let mut doomed = worker(&redis, &emulator, "doomed");
    let survivors = [
        worker(&redis, &emulator, "w1"),
        worker(&redis, &emulator, "w2"),
    ];
    // Kill the first worker right after it saved the first page of an account with more.
    let stdout = doomed.stdout.take().expect("the worker's output");
    let truth_for_kill = truth.clone();
    let killed_in = tokio::task::spawn_blocking(move || {
        for line in BufReader::new(stdout).lines() {
            let line = line.expect("a line");
            let words: Vec<&str> = line.split_whitespace().collect();
            if let ["page", account, "1"] = words.as_slice() {
                let account: u64 = account.parse().expect("an account");
                if truth_for_kill[&account].len() > PAGE_SIZE as usize {
                    doomed.kill().expect("the worker is killed");
                    doomed.wait().expect("the worker is reaped");
                    return account;
                }
            }
        }
        let output = doomed.wait_with_output().expect("the worker ends");
        panic!(
            "the doomed worker ended before it reached an account with several pages: {}\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
    })
    .await
    .expect("the watcher");
    let deadline = Instant::now() + Duration::from_secs(60);
    let outputs = tokio::task::spawn_blocking(move || {
        survivors.map(|child| {
            assert!(Instant::now() < deadline);
            child.wait_with_output().expect("a worker's output")
        })
    })
    .await
    .expect("the workers are reaped");
    for output in &outputs {
        assert!(
            output.status.success(),
            "a worker failed: {}\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let finished_by_survivors: BTreeSet<u64> = outputs
        .iter()
        .flat_map(|output| {
            String::from_utf8_lossy(&output.stdout)
                .into_owned()
                .lines()
                .filter_map(|line| line.strip_prefix("done ").and_then(|id| id.parse().ok()))
                .collect::<Vec<u64>>()
        })
        .collect();
    assert!(
        finished_by_survivors.contains(&killed_in),
        "a survivor finished the killed worker's account {killed_in}"
    );

    let mut redis_connection = redis::Client::open(redis.url())
        .expect("a client")
        .get_multiplexed_async_connection()
        .await
        .expect("the test's redis-server");
    let done: BTreeSet<u64> = redis_connection
        .smembers("crawl:done")
        .await
        .expect("the done set");
    assert_eq!(
        done,
        accounts.iter().copied().collect(),
        "every account finished"
    );
    let mut pages_in_all = 0;
    for (account, followers) in &truth {
        let saved: Vec<String> = redis_connection
            .lrange(format!("crawl:pages:{account}"), 0, -1)
            .await
            .expect("the account's pages");
        let mut numbers = Vec::new();
        let mut seen = Vec::new();
        for page in &saved {
            let page: serde_json::Value = serde_json::from_str(page).expect("a saved page");
            numbers.push(page["page"].as_u64().expect("its number"));
            seen.extend(
                page["ids"]
                    .as_array()
                    .expect("its ids")
                    .iter()
                    .map(|id| id.as_u64().expect("an id")),
            );
        }
        // Each page saved once, in order: no saved page was fetched again after the kill.
        let expected: Vec<u64> = (1..=numbers.len() as u64).collect();
        assert_eq!(numbers, expected, "the pages of account {account}");
        let unique: BTreeSet<u64> = seen.iter().copied().collect();
        assert_eq!(
            unique.len(),
            seen.len(),
            "a follower of {account} saved twice"
        );
        assert_eq!(&unique, followers, "the followers of {account}");
        pages_in_all += numbers.len();
    }
    println!("50 accounts, {pages_in_all} pages; the killed worker's account was {killed_in}");
    emulator.shutdown().await;
}

/// One worker (run by the test above, with its settings in the environment).
#[tokio::test]
#[ignore = "a child process of three_workers_one_killed_crawl_fifty_accounts_exactly"]
async fn child_worker() {
    let setting = |name: &str| {
        std::env::var(name).unwrap_or_else(|_| panic!("{name}: run by the three-worker test"))
    };
    let settings = crawl(
        &setting("TWAPI_WORKER_REDIS"),
        &setting("TWAPI_WORKER_BASE_URL"),
        &setting("TWAPI_WORKER_BEARER"),
        &setting("TWAPI_WORKER_NAME"),
    );
    stream_crawl::work(&settings)
        .await
        .expect("the worker's crawl");
}
