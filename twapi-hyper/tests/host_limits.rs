//! Limits that protect the host from a hostile or broken server, on raw loopback sockets:
//! a 100 MB body (announced, chunked, or read until the connection closes), 10,000 headers,
//! one header of 1 MiB, JSON nested 100,000 deep, and a server that trickles one byte a
//! second. Each ends in a typed error, within the configured time, with memory bounded.
//!
//! The servers stream what they send from one small block, so the test itself never holds
//! what it sends; the client's peak memory is read from `/proc/self/status` (`VmHWM`), reset
//! before each case through `/proc/self/clear_refs` where the kernel allows it.

use std::fmt::Write as _;
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use twapi_auth::oauth1::Credentials;
use twapi_core::fields::Fields;
use twapi_core::request::v1::{FollowersIds, FriendshipsShow, Users, UsersLookup, UsersShow};
use twapi_core::request::v2::{Followers, UserById};
use twapi_core::retry::{RetryPolicy, Retryability};
use twapi_core::{ApiRequest, ScreenName, UserRef};
use twapi_hyper::{CallError, ClientBuilder, DEFAULT_BODY_LIMIT};
use twapi_model::UserId;

/// 100 MiB.
const HUNDRED_MB: u64 = 100 * 1024 * 1024;
/// What a server writes at a time.
const BLOCK: usize = 64 * 1024;
/// The most a case may grow the process's peak memory.
const MEMORY_BOUND: u64 = 64 * 1024 * 1024;
/// How long a case may take before it counts as hung (a guard, far above the real times).
const HANG: Duration = Duration::from_secs(30);

fn builder(base_url: &str) -> ClientBuilder {
    let credentials = Credentials::new("ck", "cs").with_token("12-at", "ats");
    ClientBuilder::oauth1(&credentials).base_url(base_url)
}

fn show() -> UsersShow {
    UsersShow::of(UserRef::ScreenName(
        "jack".parse::<ScreenName>().expect("a valid name"),
    ))
}

fn no_retries() -> RetryPolicy {
    RetryPolicy::new(1, Duration::ZERO, Duration::ZERO)
}

/// Runs `exchange` under the hang guard; returns its result and how long it took.
async fn timed<T>(exchange: impl Future<Output = T>) -> (T, Duration) {
    let started = Instant::now();
    let result = tokio::time::timeout(HANG, exchange)
        .await
        .expect("the client gives up by itself, without hanging");
    (result, started.elapsed())
}

/// A server that reads each request's head and hands the connection to `answer`; counts the
/// connections.
async fn server<F, Fut>(answer: F) -> (String, Arc<AtomicUsize>)
where
    F: Fn(TcpStream) -> Fut + Clone + Send + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("an address"));
    let accepted = Arc::new(AtomicUsize::new(0));
    let count = Arc::clone(&accepted);
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            count.fetch_add(1, Ordering::SeqCst);
            let answer = answer.clone();
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut buf = [0_u8; 1024];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match socket.read(&mut buf).await {
                        Ok(n) if n > 0 => head.extend_from_slice(buf.get(..n).unwrap_or_default()),
                        _ => return,
                    }
                }
                answer(socket).await;
            });
        }
    });
    (base, accepted)
}

/// How a 100 MB body is framed.
#[derive(Debug, Clone, Copy)]
enum Framing {
    /// `Content-Length: 104857600`.
    Announced,
    /// `Transfer-Encoding: chunked`, 64 KiB chunks.
    Chunked,
    /// Neither: the body runs until the server closes the connection.
    UntilClose,
}

/// Streams a 100 MB JSON-looking body (spaces) until done or the client hangs up; adds what
/// it wrote to `sent`.
async fn hundred_megabytes(mut socket: TcpStream, framing: Framing, sent: Arc<AtomicU64>) {
    let framing_header = match framing {
        Framing::Announced => format!("content-length: {HUNDRED_MB}\r\n"),
        Framing::Chunked => "transfer-encoding: chunked\r\n".to_owned(),
        Framing::UntilClose => "connection: close\r\n".to_owned(),
    };
    let head = format!("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n{framing_header}\r\n");
    if socket.write_all(head.as_bytes()).await.is_err() {
        return;
    }
    let block = vec![b' '; BLOCK];
    let chunk_head = format!("{BLOCK:x}\r\n");
    let mut written = 0_u64;
    while written < HUNDRED_MB {
        let wrote = match framing {
            Framing::Chunked => {
                socket.write_all(chunk_head.as_bytes()).await.is_ok()
                    && socket.write_all(&block).await.is_ok()
                    && socket.write_all(b"\r\n").await.is_ok()
            }
            Framing::Announced | Framing::UntilClose => socket.write_all(&block).await.is_ok(),
        };
        if !wrote {
            break;
        }
        written += BLOCK as u64;
        sent.fetch_add(BLOCK as u64, Ordering::SeqCst);
    }
    if matches!(framing, Framing::Chunked) {
        let _ = socket.write_all(b"0\r\n\r\n").await;
    }
    let _ = socket.shutdown().await;
}

/// The process's peak resident memory, in bytes (`VmHWM`), if the kernel says.
fn peak_rss() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line
        .trim_start_matches("VmHWM:")
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    Some(kib * 1024)
}

/// Bytes as MiB with one decimal.
fn mib(bytes: u64) -> String {
    const MIB: u64 = 1024 * 1024;
    format!("{}.{} MiB", bytes / MIB, bytes % MIB * 10 / MIB)
}

/// Resets the peak to the current resident memory; false where the kernel does not allow it
/// (the peak then only grows, and each case is measured against the highest before it).
fn reset_peak_rss() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hundred_megabyte_body_is_refused_at_the_cap_with_memory_bounded() {
    if peak_rss().is_none() {
        println!("SKIPPED memory figures: /proc/self/status is absent");
    }
    for framing in [Framing::Announced, Framing::Chunked, Framing::UntilClose] {
        let sent = Arc::new(AtomicU64::new(0));
        let written = Arc::clone(&sent);
        let (base, accepted) =
            server(move |socket| hundred_megabytes(socket, framing, Arc::clone(&written))).await;
        // The default cap (16 MiB) and the default retry policy: a body over the cap is final.
        let client = builder(&base).build().expect("a client");
        let reset = reset_peak_rss();
        let before = peak_rss();
        let (result, took) = timed(client.send(&show())).await;
        let after = peak_rss();
        let error = result.expect_err("100 MB is over the cap");
        assert!(
            matches!(error, CallError::BodyTooLarge { limit } if limit == DEFAULT_BODY_LIMIT),
            "{framing:?}: {error:?}"
        );
        assert_eq!(error.retryability(), Retryability::Never);
        assert_eq!(
            accepted.load(Ordering::SeqCst),
            1,
            "{framing:?}: not retried"
        );
        let growth = match (before, after) {
            (Some(before), Some(after)) => {
                let growth = after.saturating_sub(before);
                assert!(
                    growth < MEMORY_BOUND,
                    "{framing:?}: the peak grew by {growth} bytes"
                );
                mib(growth)
            }
            _ => "unknown".to_owned(),
        };
        println!(
            "100 MB body, {framing:?}: {error} after {took:.1?}; the server got {} out \
             before the client hung up; peak memory growth {growth}{}",
            mib(sent.load(Ordering::SeqCst)),
            if reset { "" } else { " (peak not resettable)" },
        );
    }
}

/// A head with `lines` before the blank line, and an empty JSON object for a body.
fn head_with(lines: &str) -> Vec<u8> {
    format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n{lines}content-length: 2\r\n\r\n{{}}"
    )
    .into_bytes()
}

async fn canned(answer: Vec<u8>) -> (String, Arc<AtomicUsize>) {
    let answer = Arc::new(answer);
    server(move |mut socket| {
        let answer = Arc::clone(&answer);
        async move {
            let _ = socket.write_all(&answer).await;
            let _ = socket.shutdown().await;
        }
    })
    .await
}

/// Whether hyper's own parser refused the answer's head as too large.
fn head_too_large(error: &CallError) -> bool {
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(e) = cause {
        if e.downcast_ref::<hyper::Error>()
            .is_some_and(hyper::Error::is_parse_too_large)
        {
            return true;
        }
        cause = e.source();
    }
    false
}

#[tokio::test]
async fn ten_thousand_headers_or_one_of_a_megabyte_end_in_a_typed_error() {
    let mut many = String::new();
    for i in 0..10_000 {
        let _ = write!(many, "x-filler-{i}: {i}\r\n");
    }
    let huge = format!("x-huge: {}\r\n", "a".repeat(1024 * 1024));
    for (case, head) in [("10,000 headers", many), ("one 1 MiB header", huge)] {
        let (base, accepted) = canned(head_with(&head)).await;
        let client = builder(&base).build().expect("a client");
        let (result, took) = timed(client.send(&show())).await;
        let error = result.expect_err("over hyper's limits");
        assert!(
            matches!(error, CallError::HeadTooLarge(_)),
            "{case}: {error:?}"
        );
        assert!(head_too_large(&error), "{case}: {error:?}");
        assert_eq!(error.retryability(), Retryability::Never, "{case}");
        assert_eq!(accepted.load(Ordering::SeqCst), 1, "{case}: not retried");
        println!("{case}: {error} after {took:.1?}");
    }
}

/// Sends `request` to a server answering `status` with `body`; the error it ends in.
async fn answered_with<R: ApiRequest + Clone>(status: &str, body: &[u8], request: &R) -> CallError {
    let mut answer = format!(
        "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    answer.extend_from_slice(body);
    let (base, _) = canned(answer).await;
    let client = builder(&base)
        .retry_policy(no_retries())
        .build()
        .expect("a client");
    let (result, _) = timed(client.send(request)).await;
    match result {
        Ok(_) => panic!("{}: a body nested 100,000 deep decoded", R::ENDPOINT),
        Err(error) => error,
    }
}

#[tokio::test]
async fn json_nested_a_hundred_thousand_deep_is_a_decode_error_not_a_stack_overflow() {
    const DEPTH: usize = 100_000;
    let arrays = "[".repeat(DEPTH);
    let objects = "{\"a\":".repeat(DEPTH);
    let bodies = [
        ("arrays", arrays.clone()),
        ("objects", objects),
        ("ids", format!("{{\"ids\":{arrays}")),
        (
            "v2 data",
            format!("{{\"data\":[{{\"id\":\"1\",\"x\":{arrays}"),
        ),
        ("v2 errors", format!("{{\"errors\":{arrays}")),
        ("v1 errors", format!("{{\"errors\":[{{\"code\":{arrays}")),
    ];
    let most = UserId::new(783_214);
    for (shape, body) in &bodies {
        let body = body.as_bytes();
        let decode_errors = [
            answered_with("200 OK", body, &show()).await,
            answered_with("200 OK", body, &FollowersIds::of(UserRef::Id(most))).await,
            answered_with(
                "200 OK",
                body,
                &UsersLookup {
                    users: Users::Ids(vec![most]),
                    include_entities: None,
                },
            )
            .await,
            answered_with(
                "200 OK",
                body,
                &FriendshipsShow {
                    source: None,
                    target: UserRef::Id(most),
                },
            )
            .await,
            answered_with("200 OK", body, &Followers::of(most)).await,
            answered_with(
                "200 OK",
                body,
                &UserById {
                    id: most,
                    fields: Fields::default(),
                },
            )
            .await,
        ];
        for error in &decode_errors {
            assert!(
                matches!(error, CallError::Core(twapi_core::Error::Decode(_))),
                "{shape}: {error:?}"
            );
        }
        // As an error answer's body: X's error, with the status, and no codes read from it.
        for status in ["400 Bad Request", "503 Service Unavailable"] {
            let error = answered_with(status, body, &show()).await;
            let api = error
                .api()
                .unwrap_or_else(|| panic!("{shape}, {status}: {error:?}"));
            assert_eq!(api.status().as_str(), &status[..3], "{shape}");
        }
    }
    println!(
        "{} bodies nested {DEPTH} deep x 8 answers each: typed errors, no overflow",
        bodies.len()
    );
}

/// Sends `head` at once (if any), then one byte of `trickle` a second, until the client
/// hangs up.
async fn trickling(head: &'static str, trickle: &'static [u8]) -> String {
    let (base, _) = server(move |mut socket| async move {
        if socket.write_all(head.as_bytes()).await.is_err() {
            return;
        }
        for byte in trickle.iter().cycle() {
            if socket.write_all(&[*byte]).await.is_err() {
                return;
            }
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    })
    .await;
    base
}

#[tokio::test]
async fn a_server_trickling_a_byte_a_second_meets_the_request_timeout() {
    const TIMEOUT: Duration = Duration::from_secs(2);
    let slow_head = trickling(
        "",
        b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{}",
    )
    .await;
    let slow_body = trickling(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 4096\r\n\r\n",
        b" ",
    )
    .await;
    let exchange = |base: String| async move {
        let client = builder(&base)
            .request_timeout(TIMEOUT)
            .retry_policy(no_retries())
            .build()
            .expect("a client");
        timed(client.send(&show())).await
    };
    let ((head, head_took), (body, body_took)) =
        tokio::join!(exchange(slow_head), exchange(slow_body));
    for (case, result) in [("head", head), ("body", body)] {
        let error = result.expect_err("no complete answer in time");
        assert!(
            matches!(error, CallError::Timeout(after) if after == TIMEOUT),
            "{case}: {error:?}"
        );
        assert_eq!(error.retryability(), Retryability::Now);
    }
    println!(
        "trickled head: Timeout after {head_took:.1?}; trickled body: Timeout after \
         {body_took:.1?} (request timeout {TIMEOUT:?})"
    );
}
