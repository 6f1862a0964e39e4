//! The accept loop and the per-connection task: one task per connection, requests answered
//! in order on each (HTTP/1.1 keep-alive), one log line per request unless quiet, a clean
//! stop on shutdown.
//!
//! A request the HTTP layer cannot read is answered with X's error shape (400, 413 or 431)
//! and its connection closed; the loop keeps accepting.

use std::io::Write as _;
use std::sync::Arc;
use std::time::{Duration, Instant};

use http::StatusCode;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinSet;

use crate::errors;
use crate::http1::{Connection, Delivery, stopped};
use crate::service::Service;

/// How long shutdown lets requests in flight finish.
const GRACE: Duration = Duration::from_secs(3);

/// Accepts connections until `shutdown` turns true (or its sender is dropped).
pub(crate) async fn run(
    listener: TcpListener,
    service: Arc<Service>,
    shutdown: watch::Receiver<bool>,
) {
    let local: Arc<str> = listener
        .local_addr()
        .map_or_else(|_| "127.0.0.1".into(), |addr| addr.to_string().into());
    let mut connections = JoinSet::new();
    let mut stopping = shutdown.clone();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    // Small answers go out at once rather than waiting for Nagle's timer.
                    let _ = stream.set_nodelay(true);
                    connections.spawn(connection(
                        Arc::clone(&service),
                        stream,
                        Arc::clone(&local),
                        shutdown.clone(),
                    ));
                }
                // Out of file descriptors or a connection reset before accept: wait a moment.
                Err(_) => tokio::time::sleep(Duration::from_millis(20)).await,
            },
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
            () = stopped(&mut stopping) => break,
        }
    }
    drop(listener);
    let drained = tokio::time::timeout(GRACE, async {
        while connections.join_next().await.is_some() {}
    })
    .await;
    if drained.is_err() {
        connections.shutdown().await;
    }
}

async fn connection(
    service: Arc<Service>,
    stream: TcpStream,
    local: Arc<str>,
    mut shutdown: watch::Receiver<bool>,
) {
    let mut connection = Connection::new(stream);
    loop {
        let incoming = match connection.next_request(&mut shutdown).await {
            Ok(Some(incoming)) => incoming,
            Ok(None) => return,
            Err(error) => {
                if let Some(status) = error.status() {
                    let started = Instant::now();
                    let answer = errors::transport(status);
                    let _ = connection.send(&answer, Delivery::Whole, true).await;
                    log(&service, "-", "-", status, "-", started);
                }
                return;
            }
        };
        let started = Instant::now();
        let outcome = service.serve(&incoming, &local).await;
        let close = !incoming.keep_alive || outcome.delivery == Delivery::CloseMidBody;
        let sent = connection
            .send(&outcome.answer, outcome.delivery, close)
            .await;
        let who = match (outcome.user, outcome.app) {
            (Some(id), _) => id.to_string(),
            (None, true) => "app".to_owned(),
            (None, false) => "-".to_owned(),
        };
        log(
            &service,
            incoming.request.method().as_str(),
            incoming.request.uri().path(),
            outcome.answer.status,
            &who,
            started,
        );
        if close || sent.is_err() {
            return;
        }
    }
}

fn log(
    service: &Service,
    method: &str,
    path: &str,
    status: StatusCode,
    who: &str,
    started: Instant,
) {
    if service.quiet {
        return;
    }
    let ms = started.elapsed().as_secs_f64() * 1_000.0;
    let _ = writeln!(
        std::io::stderr().lock(),
        "{method} {path} {} user={who} {ms:.1}ms",
        status.as_u16()
    );
}
