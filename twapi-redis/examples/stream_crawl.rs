//! A crawl of many accounts' followers spread over many workers, on Redis.
//!
//! A Redis Stream holds the accounts to crawl and a consumer group hands each to one worker.
//! A worker walks the account's followers page by page; after every page it saves, in one
//! transaction, the page's followers and the pager's state to resume from; at the end it
//! acknowledges the account. A worker that dies leaves its account pending: after
//! `--claim-idle-ms` another worker claims it (`XAUTOCLAIM`) and resumes from the saved state,
//! so no page that was saved is fetched again and none is lost. Every worker's requests go
//! through one [`RedisLimiter`], so together they stay inside the app's window.
//!
//! ```text
//! # one Redis, one emulator (or X), then as many workers as you like:
//! redis-server --port 6379 &
//! cargo run -p twapi-emulator -- --window-seconds 2 &   # prints its bearer token and URL
//! cargo run -p twapi-redis --example stream_crawl -- --redis redis://127.0.0.1:6379/ \
//!     --base-url http://127.0.0.1:PORT --bearer TOKEN --consumer w1 --enqueue 12,13,14
//! cargo run -p twapi-redis --example stream_crawl -- --redis redis://127.0.0.1:6379/ \
//!     --base-url http://127.0.0.1:PORT --bearer TOKEN --consumer w2
//! ```
//!
//! Keys, under `--namespace` (default `crawl`): `NS:accounts` (the stream; group `crawlers`),
//! `NS:state` (a hash: account → pager state, JSON), `NS:pages:ACCOUNT` (a list: one JSON page
//! `{"page":N,"ids":[…]}` per page fetched), `NS:done` (a set of the finished accounts).
//! Each worker prints `page ACCOUNT N` after saving page N and `done ACCOUNT` at the end.
#![forbid(unsafe_code)]

use std::error::Error;
use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use redis::AsyncCommands;
use redis::aio::ConnectionManager;
use redis::streams::{
    StreamAutoClaimOptions, StreamAutoClaimReply, StreamId, StreamPendingReply, StreamReadOptions,
    StreamReadReply,
};
use twapi_core::pager::PagerState;
use twapi_core::rate_limit::LimiterConfig;
use twapi_hyper::request::v2::Followers;
use twapi_hyper::{ClientBuilder, Pager};
use twapi_redis::RedisLimiter;

/// The consumer group of every worker.
const GROUP: &str = "crawlers";

/// What a worker needs to know.
#[derive(Clone)] // no Debug: it holds the bearer token
pub struct Crawl {
    /// The Redis the stream, the saved states and the shared limiter live in.
    pub redis: String,
    /// The API's base URL.
    pub base_url: String,
    /// The app's bearer token.
    pub bearer: String,
    /// The prefix of the crawl's keys (the limiter's are under `NS:limits`).
    pub namespace: String,
    /// This worker's name in the consumer group.
    pub consumer: String,
    /// Followers asked per page.
    pub page_size: u32,
    /// The rate-limit window the API counts in (X's 15 minutes; an emulator's may be shorter).
    pub window: Duration,
    /// How long an account may go without a saved page (or its acknowledgement) before
    /// another worker claims it: longer than a page's fetch and save can take, waits for the
    /// rate limit included.
    pub claim_idle: Duration,
}

impl Crawl {
    fn key(&self, name: &str) -> String {
        format!("{}:{name}", self.namespace)
    }
}

/// Puts `accounts` on the stream (creating it and the group if need be).
pub async fn enqueue(crawl: &Crawl, accounts: &[u64]) -> Result<(), Box<dyn Error>> {
    let mut redis = connect(crawl).await?;
    let stream = crawl.key("accounts");
    let created: redis::RedisResult<()> = redis.xgroup_create_mkstream(&stream, GROUP, "0").await;
    if let Err(error) = created
        && error.code() != Some("BUSYGROUP")
    {
        return Err(error.into());
    }
    for account in accounts {
        let _: String = redis.xadd(&stream, "*", &[("account", account)]).await?;
    }
    Ok(())
}

/// Works until every account on the stream is acknowledged: claims one (a dead worker's first,
/// then a new one), walks it from its saved state, acknowledges it. Returns how many accounts
/// this worker finished.
pub async fn work(crawl: &Crawl) -> Result<u32, Box<dyn Error>> {
    let mut redis = connect(crawl).await?;
    let limiter = RedisLimiter::builder(crawl.redis.clone())
        .namespace(crawl.key("limits"))
        .config(LimiterConfig {
            window: crawl.window,
            ..LimiterConfig::default()
        })
        .connect()
        .await?;
    let api = ClientBuilder::app_only(crawl.bearer.clone())
        .base_url(crawl.base_url.clone())
        .limiter_store(Arc::new(limiter))
        .wait_on_rate_limit(true)
        .build()?;
    let stream = crawl.key("accounts");
    let mut finished = 0;
    loop {
        let Some(entry) = claim(&mut redis, crawl).await? else {
            let pending: StreamPendingReply = redis.xpending(&stream, GROUP).await?;
            if pending.count() == 0 {
                return Ok(finished);
            }
            // Another worker holds an account: wait until it finishes or it may be claimed.
            continue;
        };
        let account: u64 = entry
            .get("account")
            .ok_or_else(|| format!("stream entry {} names no account", entry.id))?;
        walk(&api, &mut redis, crawl, &entry.id, account).await?;
        let _: () = redis::pipe()
            .atomic()
            .xack(&stream, GROUP, &[&entry.id])
            .ignore()
            .sadd(crawl.key("done"), account)
            .ignore()
            .query_async(&mut redis)
            .await?;
        println!("done {account}");
        finished += 1;
    }
}

/// An account for this worker: one a worker left idle past `claim_idle`, else a new one
/// (waiting at most a moment for it).
async fn claim(
    redis: &mut ConnectionManager,
    crawl: &Crawl,
) -> Result<Option<StreamId>, Box<dyn Error>> {
    let stream = crawl.key("accounts");
    let idle = u64::try_from(crawl.claim_idle.as_millis()).unwrap_or(u64::MAX);
    let reclaimed: StreamAutoClaimReply = redis
        .xautoclaim_options(
            &stream,
            GROUP,
            &crawl.consumer,
            idle,
            "0-0",
            StreamAutoClaimOptions::default().count(1),
        )
        .await?;
    if let Some(entry) = reclaimed.claimed.into_iter().next() {
        return Ok(Some(entry));
    }
    let options = StreamReadOptions::default()
        .group(GROUP, &crawl.consumer)
        .count(1)
        .block(200);
    let read: Option<StreamReadReply> = redis.xread_options(&[&stream], &[">"], &options).await?;
    Ok(read
        .into_iter()
        .flat_map(|reply| reply.keys)
        .flat_map(|key| key.ids)
        .next())
}

/// Walks `account`'s followers from its saved state; after every page saves the page and the
/// state to resume from, together.
async fn walk(
    api: &twapi_hyper::Client,
    redis: &mut ConnectionManager,
    crawl: &Crawl,
    entry: &str,
    account: u64,
) -> Result<(), Box<dyn Error>> {
    let states = crawl.key("state");
    let saved: Option<String> = redis.hget(&states, account).await?;
    let request = Followers {
        max_results: Some(crawl.page_size),
        ..Followers::of(twapi_hyper::model::UserId::new(account))
    };
    let pager = match saved {
        Some(state) => Pager::resume(request, serde_json::from_str::<PagerState>(&state)?),
        None => Pager::new(request),
    };
    let stream = crawl.key("accounts");
    let mut pages = api.pages_with(pager);
    while let Some(page) = pages.next().await {
        let page = page?;
        let ids: Vec<u64> = page.items.iter().map(|user| user.id.get()).collect();
        let record = serde_json::json!({ "page": page.state.pages, "ids": ids });
        let _: () = redis::pipe()
            .atomic()
            .rpush(crawl.key(&format!("pages:{account}")), record.to_string())
            .ignore()
            .hset(&states, account, serde_json::to_string(&page.state)?)
            .ignore()
            // Still working on it: the account's idle time starts again, so it is not claimed.
            .cmd("XCLAIM")
            .arg(&stream)
            .arg(GROUP)
            .arg(&crawl.consumer)
            .arg(0)
            .arg(entry)
            .arg("JUSTID")
            .ignore()
            .query_async(redis)
            .await?;
        println!("page {account} {}", page.state.pages);
    }
    Ok(())
}

async fn connect(crawl: &Crawl) -> Result<ConnectionManager, redis::RedisError> {
    ConnectionManager::new(redis::Client::open(crawl.redis.as_str())?).await
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error>> {
    let mut crawl = Crawl {
        redis: "redis://127.0.0.1:6379/".to_owned(),
        base_url: String::new(),
        bearer: String::new(),
        namespace: "crawl".to_owned(),
        consumer: format!("worker-{}", std::process::id()),
        page_size: 100,
        window: Duration::from_secs(900),
        claim_idle: Duration::from_secs(60),
    };
    let mut accounts = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let value = args.next().ok_or_else(|| format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--redis" => crawl.redis = value,
            "--base-url" => crawl.base_url = value,
            "--bearer" => crawl.bearer = value,
            "--namespace" => crawl.namespace = value,
            "--consumer" => crawl.consumer = value,
            "--page-size" => crawl.page_size = value.parse()?,
            "--window-seconds" => crawl.window = Duration::from_secs(value.parse()?),
            "--claim-idle-ms" => crawl.claim_idle = Duration::from_millis(value.parse()?),
            "--enqueue" => {
                for id in value.split(',') {
                    accounts.push(id.trim().parse()?);
                }
            }
            other => return Err(format!("unknown argument {other:?}").into()),
        }
    }
    if crawl.base_url.is_empty() || crawl.bearer.is_empty() {
        return Err("--base-url and --bearer are needed (an emulator prints both)".into());
    }
    if !accounts.is_empty() {
        enqueue(&crawl, &accounts).await?;
    }
    let finished = work(&crawl).await?;
    eprintln!("{}: finished {finished} accounts", crawl.consumer);
    Ok(())
}
