//! What lets the cases see the wire: a relay in front of the emulator that keeps every request
//! line and every answer's status, and a loopback server that answers from a script (or not
//! at all).

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener as StdListener};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Instant;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Where `b"\r\n\r\n"` ends a head in `bytes`.
fn head_end(bytes: &[u8]) -> Option<usize> {
    bytes
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map(|at| at + 4)
}

#[derive(Default)]
struct Seen {
    /// The request line of every request passed on, in order.
    lines: Vec<String>,
    /// The status of every answer passed back, in order.
    statuses: Vec<u16>,
}

/// A loopback TCP relay in front of the emulator. The cases send GETs, whose heads end at the
/// first blank line and carry no body, so the client's bytes split into requests there; the
/// emulator's answers carry a `Content-Length`, so its bytes split into answers by it.
pub(crate) struct Relay {
    pub(crate) base_url: String,
    seen: Arc<Mutex<Seen>>,
}

impl Relay {
    pub(crate) async fn start(upstream: &str) -> Relay {
        let upstream: SocketAddr = upstream
            .trim_start_matches("http://")
            .parse()
            .expect("the emulator's host:port");
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let base_url = format!("http://{}", listener.local_addr().expect("an address"));
        let seen = Arc::new(Mutex::new(Seen::default()));
        let keep = Arc::clone(&seen);
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
        Relay { base_url, seen }
    }

    /// Every request line passed on, in order.
    pub(crate) fn lines(&self) -> Vec<String> {
        lock(&self.seen).lines.clone()
    }

    /// The status of every answer passed back, in order.
    pub(crate) fn statuses(&self) -> Vec<u16> {
        lock(&self.seen).statuses.clone()
    }

    /// The requests for `path`.
    pub(crate) fn requests_for(&self, path: &str) -> usize {
        self.lines()
            .iter()
            .filter(|line| {
                let target = line.split(' ').nth(1).unwrap_or_default();
                target.split('?').next() == Some(path)
            })
            .count()
    }

    /// The `cursor` of every `followers/ids` request, in order (`-1`, the first page, when
    /// absent).
    pub(crate) fn cursors(&self) -> Vec<String> {
        self.lines()
            .iter()
            .filter_map(|line| {
                let target = line.split(' ').nth(1)?;
                let (path, query) = target.split_once('?').unwrap_or((target, ""));
                (path == "/1.1/followers/ids.json").then(|| {
                    query
                        .split('&')
                        .find_map(|pair| pair.strip_prefix("cursor="))
                        .unwrap_or("-1")
                        .to_owned()
                })
            })
            .collect()
    }
}

/// Splits the emulator's bytes into answers and keeps their statuses.
#[derive(Default)]
struct Answers {
    pending: Vec<u8>,
    /// Body bytes of the current answer still to come.
    body_left: usize,
}

impl Answers {
    fn feed(&mut self, bytes: &[u8], seen: &Mutex<Seen>) {
        self.pending.extend_from_slice(bytes);
        loop {
            if self.body_left > 0 {
                let n = self.body_left.min(self.pending.len());
                self.pending.drain(..n);
                self.body_left -= n;
                if self.body_left > 0 {
                    return;
                }
            }
            let Some(end) = head_end(&self.pending) else {
                return;
            };
            let head: Vec<u8> = self.pending.drain(..end).collect();
            let head = String::from_utf8_lossy(&head);
            let status = head
                .split(' ')
                .nth(1)
                .and_then(|s| s.parse().ok())
                .unwrap_or(0);
            lock(seen).statuses.push(status);
            self.body_left = head
                .lines()
                .filter_map(|line| line.split_once(':'))
                .find(|(name, _)| name.trim().eq_ignore_ascii_case("content-length"))
                .and_then(|(_, value)| value.trim().parse().ok())
                .unwrap_or(0);
        }
    }
}

/// Copies both ways; a side that closes (the emulator cutting an answer short, the client
/// giving up on a slow one) closes the other.
async fn pipe(client: TcpStream, server: TcpStream, seen: Arc<Mutex<Seen>>) {
    let (mut from_client, mut to_client) = client.into_split();
    let (mut from_server, mut to_server) = server.into_split();
    let keep = Arc::clone(&seen);
    let answers = async move {
        let mut answers = Answers::default();
        let mut buf = vec![0_u8; 64 * 1024];
        loop {
            let n = match from_server.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => n,
            };
            let Some(bytes) = buf.get(..n) else { break };
            answers.feed(bytes, &keep);
            if to_client.write_all(bytes).await.is_err() {
                break;
            }
        }
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
            while let Some(end) = head_end(&pending) {
                let head: Vec<u8> = pending.drain(..end).collect();
                let line = head.split(|b| *b == b'\r').next().unwrap_or_default();
                lock(&seen)
                    .lines
                    .push(String::from_utf8_lossy(line).into_owned());
            }
            if to_server.write_all(bytes).await.is_err() {
                break;
            }
        }
        let _ = to_server.shutdown().await;
    };
    tokio::join!(answers, requests);
}

/// A loopback HTTP/1.1 server on plain threads that answers the `n`th request (from 0, over
/// every connection) with `script(n)`, or never when that is `None`, and keeps the time every
/// request arrived. Its threads end with the connections; the accepting one with the process.
pub(crate) struct Loopback {
    pub(crate) base_url: String,
    arrivals: Arc<Mutex<Vec<Instant>>>,
}

impl Loopback {
    pub(crate) fn start(script: fn(usize) -> Option<Vec<u8>>) -> Loopback {
        let listener = StdListener::bind("127.0.0.1:0").expect("a port");
        let base_url = format!("http://{}", listener.local_addr().expect("an address"));
        let arrivals = Arc::new(Mutex::new(Vec::new()));
        let keep = Arc::clone(&arrivals);
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let arrivals = Arc::clone(&keep);
                std::thread::spawn(move || {
                    let mut pending = Vec::new();
                    let mut buf = [0_u8; 4096];
                    while let Ok(n @ 1..) = stream.read(&mut buf) {
                        pending.extend_from_slice(buf.get(..n).unwrap_or_default());
                        while let Some(end) = head_end(&pending) {
                            pending.drain(..end);
                            let n = {
                                let mut arrivals = lock(&arrivals);
                                arrivals.push(Instant::now());
                                arrivals.len() - 1
                            };
                            if let Some(answer) = script(n)
                                && stream.write_all(&answer).is_err()
                            {
                                return;
                            }
                        }
                    }
                });
            }
        });
        Loopback { base_url, arrivals }
    }

    /// When each request arrived, in order.
    pub(crate) fn arrivals(&self) -> Vec<Instant> {
        lock(&self.arrivals).clone()
    }
}

/// An HTTP/1.1 answer with a JSON body and no other header.
pub(crate) fn answer(status: &str, body: &str) -> Vec<u8> {
    format!(
        "HTTP/1.1 {status}\r\ncontent-type: application/json; charset=utf-8\r\n\
         content-length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}
