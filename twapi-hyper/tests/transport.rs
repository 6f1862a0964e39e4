//! The transport's guards against bad servers, on raw loopback sockets: a server that never
//! answers meets the request timeout, a closed port is a connect error, a server that never
//! completes a connection meets the connect timeout, and a body larger than the cap is refused
//! whether or not its length is announced. And its pool: clients that share it share
//! connections, a connection the server closed is not reused, and one idle for longer than 90
//! seconds is not reused and is closed, whether or not the client is used again (hyper-util's
//! pooled client, with tokio's timer: the tests advance tokio's clock).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, UNIX_EPOCH};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use twapi_auth::oauth1::Credentials;
use twapi_core::error_code::ErrorCode;
use twapi_core::request::v1::UsersShow;
use twapi_core::retry::{RetryPolicy, Retryability};
use twapi_core::{ScreenName, UserRef};
use twapi_hyper::{CallError, Client, ClientBuilder};

fn builder(base_url: &str) -> ClientBuilder {
    let credentials = Credentials::new("ck", "cs").with_token("12-at", "ats");
    ClientBuilder::oauth1(&credentials).base_url(base_url)
}

fn show() -> UsersShow {
    UsersShow::of(UserRef::ScreenName(
        "jack".parse::<ScreenName>().expect("a valid name"),
    ))
}

/// Accepts connections, reads what comes and never writes; counts the connections.
async fn silent_server() -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("address"));
    let accepted = Arc::new(AtomicUsize::new(0));
    let count = Arc::clone(&accepted);
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            count.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(async move {
                let mut sink = [0u8; 1024];
                while matches!(socket.read(&mut sink).await, Ok(n) if n > 0) {}
            });
        }
    });
    (base, accepted)
}

/// Answers every request with `head` followed by `body`, one request per connection; counts
/// the requests.
async fn counting_server(head: String, body: Vec<u8>) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("address"));
    let served = Arc::new(AtomicUsize::new(0));
    let count = Arc::clone(&served);
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let (head, body, count) = (head.clone(), body.clone(), Arc::clone(&count));
            tokio::spawn(async move {
                let mut request = Vec::new();
                let mut buf = [0u8; 1024];
                while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                    match socket.read(&mut buf).await {
                        Ok(n) if n > 0 => request.extend_from_slice(&buf[..n]),
                        _ => return,
                    }
                }
                count.fetch_add(1, Ordering::SeqCst);
                let _ = socket.write_all(head.as_bytes()).await;
                let _ = socket.write_all(&body).await;
                let _ = socket.shutdown().await;
            });
        }
    });
    (base, served)
}

async fn canned_server(head: String, body: Vec<u8>) -> String {
    counting_server(head, body).await.0
}

/// A JSON answer with `status` and extra header lines.
fn json_head(status: &str, extra: &str, body: &[u8]) -> String {
    format!(
        "HTTP/1.1 {status}\r\ncontent-type: application/json\r\n{extra}content-length: {}\r\n\r\n",
        body.len()
    )
}

fn quick_retries(attempts: u32) -> RetryPolicy {
    RetryPolicy::new(attempts, Duration::from_millis(2), Duration::from_millis(5))
}

#[tokio::test]
async fn a_transient_error_is_retried_as_often_as_the_policy_allows() {
    let body = br#"{"errors":[{"code":130,"message":"Over capacity"}]}"#.to_vec();
    let (base, served) =
        counting_server(json_head("503 Service Unavailable", "", &body), body).await;
    let client = builder(&base)
        .retry_policy(quick_retries(3))
        .build()
        .expect("a client");
    let error = client
        .send(&show())
        .await
        .expect_err("always over capacity");
    let api = error.api().expect("X's answer");
    assert!(api.has_code(ErrorCode::OverCapacity), "{error}");
    assert_eq!(served.load(Ordering::SeqCst), 3);
}

#[tokio::test]
async fn a_final_error_is_sent_once() {
    let body = br#"{"errors":[{"code":50,"message":"User not found."}]}"#.to_vec();
    let (base, served) = counting_server(json_head("404 Not Found", "", &body), body).await;
    let client = builder(&base)
        .retry_policy(quick_retries(5))
        .build()
        .expect("a client");
    let error = client.send(&show()).await.expect_err("not found");
    assert!(
        error
            .api()
            .expect("X's answer")
            .has_code(ErrorCode::UserNotFound)
    );
    assert_eq!(error.retryability(), Retryability::Never);
    assert_eq!(served.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_429_without_waiting_fails_at_once_with_the_reset() {
    let body = br#"{"errors":[{"code":88,"message":"Rate limit exceeded"}]}"#.to_vec();
    let limits = "x-rate-limit-limit: 900\r\nx-rate-limit-remaining: 0\r\nx-rate-limit-reset: 4102444800\r\n";
    let (base, served) =
        counting_server(json_head("429 Too Many Requests", limits, &body), body).await;
    let client = builder(&base)
        .retry_policy(quick_retries(5))
        .build()
        .expect("a client");
    let error = client.send(&show()).await.expect_err("rate limited");
    assert!(error.is_rate_limited());
    assert_eq!(
        error.rate_limited_until(),
        Some(UNIX_EPOCH + Duration::from_secs(4_102_444_800))
    );
    assert_eq!(served.load(Ordering::SeqCst), 1);
    // The limiter learned it: the next request is held back without being sent.
    let again = client.send(&show()).await.expect_err("still limited");
    assert!(matches!(again, CallError::Throttled(_)), "{again:?}");
    assert_eq!(served.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_server_that_never_answers_meets_the_request_timeout_on_every_attempt() {
    let (base, accepted) = silent_server().await;
    let client = builder(&base)
        .request_timeout(Duration::from_millis(300))
        .retry_policy(RetryPolicy::new(
            2,
            Duration::from_millis(10),
            Duration::from_millis(10),
        ))
        .build()
        .expect("a client");
    let error = client.send(&show()).await.expect_err("no answer comes");
    assert!(
        matches!(error, CallError::Timeout(after) if after == Duration::from_millis(300)),
        "{error:?}"
    );
    assert_eq!(error.retryability(), Retryability::Now);
    assert_eq!(error.to_string(), "no complete answer within 300ms");
    // The timeout is transient: the policy's second attempt went out on a new connection.
    assert_eq!(accepted.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn a_closed_port_is_a_connect_error() {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("address"));
    drop(listener);
    let client = builder(&base)
        .retry_policy(RetryPolicy::new(1, Duration::ZERO, Duration::ZERO))
        .build()
        .expect("a client");
    let error = client.send(&show()).await.expect_err("nobody listens");
    assert!(matches!(error, CallError::Connect(_)), "{error:?}");
    assert!(
        error.to_string().starts_with("could not connect"),
        "{error}"
    );
}

#[tokio::test]
async fn an_announced_length_over_the_cap_is_refused_before_reading() {
    let body = vec![b' '; 4096];
    let head = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
        body.len()
    );
    let base = canned_server(head, body).await;
    let client = builder(&base).body_limit(1024).build().expect("a client");
    let error = client.send(&show()).await.expect_err("too large");
    assert!(
        matches!(error, CallError::BodyTooLarge { limit: 1024 }),
        "{error:?}"
    );
    assert_eq!(error.retryability(), Retryability::Never);
}

#[tokio::test]
async fn a_chunked_body_over_the_cap_is_cut_off() {
    // No content-length: the cap is met while reading.
    let chunk = vec![b' '; 512];
    let mut body = Vec::new();
    for _ in 0..8 {
        body.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
        body.extend_from_slice(&chunk);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(b"0\r\n\r\n");
    let head =
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n"
            .to_owned();
    let base = canned_server(head, body).await;
    let client = builder(&base).body_limit(1000).build().expect("a client");
    let error = client.send(&show()).await.expect_err("too large");
    assert!(
        matches!(error, CallError::BodyTooLarge { limit: 1000 }),
        "{error:?}"
    );
}

#[tokio::test]
async fn an_html_error_page_is_a_typed_api_error_with_an_excerpt() {
    let body = b"<html><body>Bad gateway</body></html>".to_vec();
    let head = format!(
        "HTTP/1.1 502 Bad Gateway\r\ncontent-type: text/html\r\ncontent-length: {}\r\n\r\n",
        body.len()
    );
    let base = canned_server(head, body).await;
    let client = builder(&base)
        .retry_policy(RetryPolicy::new(1, Duration::ZERO, Duration::ZERO))
        .build()
        .expect("a client");
    let error = client.send(&show()).await.expect_err("a 502");
    let api = error.api().expect("X's (or a proxy's) answer");
    assert_eq!(api.status(), http::StatusCode::BAD_GATEWAY);
    assert_eq!(api.excerpt(), "<html><body>Bad gateway</body></html>");
    assert_eq!(error.retryability(), Retryability::Now);
}

#[test]
fn a_bad_base_url_or_user_agent_is_refused_at_build() {
    let bad_url = builder("ftp://example.invalid")
        .build()
        .expect_err("not http");
    assert!(bad_url.to_string().contains("base_url"), "{bad_url}");
    let bad_agent = builder("http://127.0.0.1:1")
        .user_agent("line\nbreak")
        .build()
        .expect_err("not a header value");
    assert!(bad_agent.to_string().contains("user_agent"), "{bad_agent}");
}

#[test]
fn debug_output_names_the_mode_never_the_credentials() {
    let credentials = Credentials::new("ck-visible", "consumer-secret-value")
        .with_token("12-access-token-value", "token-secret-value");
    let client: Client = ClientBuilder::oauth1(&credentials)
        .build()
        .expect("a client");
    let printed = format!("{client:?}");
    for secret in [
        "consumer-secret-value",
        "access-token-value",
        "token-secret-value",
    ] {
        assert!(!printed.contains(secret), "{printed}");
    }
    assert!(printed.contains("OAuth1User"), "{printed}");
}

/// Answers 404 (code 50) to everything and keeps each request as received: head and body.
async fn recording_server() -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("address"));
    let seen = Arc::new(Mutex::new(Vec::new()));
    let keep = Arc::clone(&seen);
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let keep = Arc::clone(&keep);
            tokio::spawn(async move {
                let mut request = Vec::new();
                let mut buf = [0u8; 1024];
                let head_end = loop {
                    if let Some(at) = request.windows(4).position(|w| w == b"\r\n\r\n") {
                        break at + 4;
                    }
                    match socket.read(&mut buf).await {
                        Ok(n) if n > 0 => request.extend_from_slice(&buf[..n]),
                        _ => return,
                    }
                };
                let head = String::from_utf8_lossy(&request[..head_end]).into_owned();
                let length = head
                    .lines()
                    .find_map(|l| l.strip_prefix("content-length: "))
                    .and_then(|v| v.trim().parse::<usize>().ok())
                    .unwrap_or(0);
                while request.len() < head_end + length {
                    match socket.read(&mut buf).await {
                        Ok(n) if n > 0 => request.extend_from_slice(&buf[..n]),
                        _ => return,
                    }
                }
                keep.lock()
                    .expect("not poisoned")
                    .push(String::from_utf8_lossy(&request).into_owned());
                let body = br#"{"errors":[{"code":50,"message":"User not found."}]}"#;
                let _ = socket
                    .write_all(json_head("404 Not Found", "", body).as_bytes())
                    .await;
                let _ = socket.write_all(body).await;
                let _ = socket.shutdown().await;
            });
        }
    });
    (base, seen)
}

/// A received request with what varies per run (the port, the signature's nonce and
/// timestamp) replaced, and the headers in a stable order.
fn stable(raw: &str, base: &str) -> String {
    let (head, body) = raw.split_once("\r\n\r\n").expect("a head");
    let mut lines = head.lines();
    let request_line = lines.next().expect("a request line").to_owned();
    let mut headers: Vec<String> = lines
        .map(|line| match line.split_once(": ") {
            Some(("authorization", value)) => {
                let scheme = value.split(' ').next().unwrap_or_default();
                format!("authorization: {scheme} [signed]")
            }
            _ => line.to_owned(),
        })
        .collect();
    headers.sort();
    let host = base.trim_start_matches("http://");
    format!("{request_line}\n{}\n\n{body}", headers.join("\n")).replace(host, "[host]")
}

#[tokio::test]
async fn what_goes_on_the_wire() {
    let (base, seen) = recording_server().await;
    let client = builder(&base)
        .user_agent("twapi-tests/1")
        .build()
        .expect("a client");
    let jack: ScreenName = "jack".parse().expect("valid");
    let _ = client.send(&show()).await;
    let _ = client
        .send(&twapi_core::request::v1::FriendshipsCreate::user(jack))
        .await;
    let _ = client.follow(twapi_model::UserId::new(783_214)).await;
    let requests: Vec<String> = seen
        .lock()
        .expect("not poisoned")
        .iter()
        .map(|raw| stable(raw, &base))
        .collect();
    insta::assert_snapshot!(requests.join("\n----\n"));
}

#[tokio::test]
async fn every_request_carries_a_fresh_nonce() {
    let (base, seen) = recording_server().await;
    let client = builder(&base)
        .retry_policy(quick_retries(1))
        .build()
        .expect("a client");
    // The client draws its nonces from the OS about 30 at a time: 70 requests span three
    // draws.
    for _ in 0..70 {
        let _ = client.send(&show()).await;
    }
    let nonces: Vec<String> = seen
        .lock()
        .expect("not poisoned")
        .iter()
        .map(|raw| {
            let (_, after) = raw.split_once("oauth_nonce=\"").expect("an OAuth header");
            after.split('"').next().expect("a quoted nonce").to_owned()
        })
        .collect();
    assert_eq!(nonces.len(), 70);
    for nonce in &nonces {
        assert_eq!(nonce.len(), 32, "{nonce}");
        assert!(nonce.bytes().all(|b| b.is_ascii_alphanumeric()), "{nonce}");
    }
    let distinct: std::collections::HashSet<&String> = nonces.iter().collect();
    assert_eq!(distinct.len(), nonces.len());
}

/// Answers every request on a connection with `404` and X's "User not found", keeping the
/// connection open; counts the connections and the requests.
async fn keep_alive_server() -> (String, Arc<AtomicUsize>, Arc<AtomicUsize>) {
    let (base, accepted, served, _) = serving(None).await;
    (base, accepted, served)
}

/// As [`keep_alive_server`], but a connection that has been idle for `idle` is closed (no
/// `Connection: close` announced it), as servers and load balancers do with kept-alive ones.
/// The fourth counter counts the connections the client closed.
async fn serving(
    idle: Option<Duration>,
) -> (String, Arc<AtomicUsize>, Arc<AtomicUsize>, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("address"));
    let (accepted, served) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let closed_by_client = Arc::new(AtomicUsize::new(0));
    let (connections, requests) = (Arc::clone(&accepted), Arc::clone(&served));
    let closed = Arc::clone(&closed_by_client);
    tokio::spawn(async move {
        let body = br#"{"errors":[{"code":50,"message":"User not found."}]}"#;
        let answer = [json_head("404 Not Found", "", body).as_bytes(), body].concat();
        while let Ok((mut socket, _)) = listener.accept().await {
            connections.fetch_add(1, Ordering::SeqCst);
            let (answer, requests) = (answer.clone(), Arc::clone(&requests));
            let closed = Arc::clone(&closed);
            tokio::spawn(async move {
                let mut pending = Vec::new();
                let mut buf = [0u8; 1024];
                loop {
                    while let Some(end) = pending.windows(4).position(|w| w == b"\r\n\r\n") {
                        pending.drain(..end + 4);
                        requests.fetch_add(1, Ordering::SeqCst);
                        if socket.write_all(&answer).await.is_err() {
                            return;
                        }
                    }
                    let read = match idle {
                        Some(idle) => match tokio::time::timeout(idle, socket.read(&mut buf)).await
                        {
                            Ok(read) => read,
                            Err(_) => return,
                        },
                        None => socket.read(&mut buf).await,
                    };
                    match read {
                        Ok(n) if n > 0 => pending.extend_from_slice(&buf[..n]),
                        _ => {
                            closed.fetch_add(1, Ordering::SeqCst);
                            return;
                        }
                    }
                }
            });
        }
    });
    (base, accepted, served, closed_by_client)
}

#[tokio::test]
async fn clients_sharing_connections_send_over_one_pool() {
    let (base, accepted, served) = keep_alive_server().await;
    let alice = builder(&base)
        .retry_policy(RetryPolicy::new(1, Duration::ZERO, Duration::ZERO))
        .build()
        .expect("a client");
    let bob_credentials = Credentials::new("ck", "cs").with_token("34-bt", "bts");
    let bob = ClientBuilder::oauth1(&bob_credentials)
        .base_url(&base)
        .share_connections(&alice)
        .retry_policy(RetryPolicy::new(1, Duration::ZERO, Duration::ZERO))
        .build()
        .expect("a client");
    for client in [&alice, &bob, &alice, &bob] {
        let error = client.send(&show()).await.expect_err("not found");
        assert!(
            error
                .api()
                .is_some_and(|api| api.has_code(ErrorCode::UserNotFound))
        );
    }
    assert_eq!(served.load(Ordering::SeqCst), 4);
    assert_eq!(
        accepted.load(Ordering::SeqCst),
        1,
        "one connection for both"
    );

    // Without sharing, each client opens its own.
    let (base, accepted, _) = keep_alive_server().await;
    let carol = builder(&base).build().expect("a client");
    let dave = ClientBuilder::oauth1(&bob_credentials)
        .base_url(&base)
        .build()
        .expect("a client");
    for client in [&carol, &dave, &carol, &dave] {
        client.send(&show()).await.expect_err("not found");
    }
    assert_eq!(accepted.load(Ordering::SeqCst), 2, "a connection each");
}

#[tokio::test]
async fn a_connection_the_server_closed_while_idle_is_not_reused() {
    let (base, accepted, served, _) = serving(Some(Duration::from_millis(20))).await;
    // One attempt a request: the pool, not the retry policy, must find a live connection.
    let client = builder(&base)
        .retry_policy(RetryPolicy::new(1, Duration::ZERO, Duration::ZERO))
        .build()
        .expect("a client");
    for round in 1..=3 {
        let error = client.send(&show()).await.expect_err("not found");
        assert!(error.api().is_some(), "round {round}: {error:?}");
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    assert_eq!(served.load(Ordering::SeqCst), 3);
    assert_eq!(
        accepted.load(Ordering::SeqCst),
        3,
        "a new connection after each close"
    );
}

/// Lets the tasks behind a finished exchange run on real time: hyper-util's client puts a
/// connection back in its pool from a task of its own, once the connection is ready for the next
/// request, and dates it idle from then. Advancing tokio's clock before that task has run would
/// date the connection after the jump.
async fn settle() {
    tokio::time::sleep(Duration::from_millis(100)).await;
}

#[tokio::test]
async fn an_idle_connection_is_kept_90_seconds_and_not_longer() {
    let (base, accepted, _) = keep_alive_server().await;
    let client = builder(&base).build().expect("a client");
    let idle_for = |seconds| async move {
        settle().await;
        tokio::time::pause();
        tokio::time::advance(Duration::from_secs(seconds)).await;
        tokio::time::resume();
    };
    client.send(&show()).await.expect_err("not found");
    idle_for(89).await;
    client.send(&show()).await.expect_err("not found");
    assert_eq!(accepted.load(Ordering::SeqCst), 1, "reused after 89 s idle");
    idle_for(91).await;
    client.send(&show()).await.expect_err("not found");
    assert_eq!(
        accepted.load(Ordering::SeqCst),
        2,
        "replaced after 91 s idle"
    );
}

#[tokio::test]
async fn a_server_whose_backlog_is_full_meets_the_connect_timeout() {
    // A listener that never accepts: once its backlog is full, the kernel drops further SYNs,
    // so a connect neither succeeds nor fails until it gives up.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let address = listener.local_addr().expect("address");
    let mut queued = Vec::new();
    let full = loop {
        match std::net::TcpStream::connect_timeout(&address, Duration::from_millis(100)) {
            Ok(stream) => queued.push(stream),
            Err(e) if e.kind() == std::io::ErrorKind::TimedOut => break true,
            Err(_) => break false,
        }
        if queued.len() > 10_000 {
            break false;
        }
    };
    assert!(
        full,
        "the backlog never filled ({} connections queued)",
        queued.len()
    );
    let client = builder(&format!("http://{address}"))
        .connect_timeout(Duration::from_millis(200))
        .retry_policy(RetryPolicy::new(1, Duration::ZERO, Duration::ZERO))
        .build()
        .expect("a client");
    let error = client.send(&show()).await.expect_err("no connection");
    assert!(
        matches!(error, CallError::ConnectTimeout(after) if after == Duration::from_millis(200)),
        "{error:?}"
    );
    assert_eq!(error.retryability(), Retryability::Now);
    assert_eq!(error.to_string(), "no connection within 200ms");
}

/// hyper-util's pool sweeps its idle connections every 90 s, from when a connection is first
/// put back in it: one idle for 90 s is closed at the next sweep, so within 180 s. Here the one
/// connection went back as the sweeping began, so it is closed at the first sweep.
#[tokio::test]
async fn a_client_left_idle_closes_its_connections_after_90_seconds() {
    let (base, accepted, _, closed_by_client) = serving(None).await;
    let client = builder(&base).build().expect("a client");
    client.send(&show()).await.expect_err("not found");
    let idle_for = |seconds| async move {
        settle().await;
        tokio::time::pause();
        tokio::time::advance(Duration::from_secs(seconds)).await;
        tokio::time::resume();
        // The connection's task and the server's run on real time again.
        settle().await;
    };
    idle_for(89).await;
    assert_eq!(
        closed_by_client.load(Ordering::SeqCst),
        0,
        "open after 89 s idle"
    );
    idle_for(2).await;
    assert_eq!(
        closed_by_client.load(Ordering::SeqCst),
        1,
        "closed after 91 s idle, with no request to notice it"
    );
    // The client, still alive, opens a new connection when it is used again.
    client.send(&show()).await.expect_err("not found");
    assert_eq!(accepted.load(Ordering::SeqCst), 2);
    // Dropped, it closes that one at once: the pool's sweep does not keep the pool alive.
    drop(client);
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(
        closed_by_client.load(Ordering::SeqCst),
        2,
        "closed with the client"
    );
}
