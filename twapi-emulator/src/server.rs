//! The accept loop and each connection, on hyper's server: HTTP/1.1 and HTTP/2 on one port
//! (hyper-util's `auto` builder reads the first bytes: HTTP/2's preface, or an HTTP/1 request
//! line), over TLS when the emulator was started with it (ALPN `h2` or `http/1.1`). One log
//! line per request unless quiet, and a clean stop on shutdown.
//!
//! What hyper cannot read (a request line of garbage, an oversized head) it answers itself,
//! with an empty 400 or 431, as X's front end answers with a page of its own rather than an API
//! error body; a body over 1 MiB is a 413 in X's error shape. The faults that break a delivery
//! are bodies: a body cut short (`Content-Length` matching the cut), and one that announces its
//! whole length, yields half, then fails, on which hyper drops the connection (HTTP/1.1) or
//! resets the stream (HTTP/2).

use std::convert::Infallible;
use std::io::Write as _;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use futures_util::stream;
use http::header::{CONNECTION, CONTENT_LENGTH, CONTENT_TYPE, DATE, HOST, SERVER};
use http::{HeaderValue, Response, StatusCode, Version};
use http_body_util::combinators::BoxBody;
use http_body_util::{BodyExt as _, Full, LengthLimitError, Limited, StreamBody};
use hyper::body::{Body as _, Frame, Incoming as IncomingBody};
use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinSet;

use crate::answer::Answer;
use crate::clock;
use crate::errors;
use crate::faults::Delivery;
use crate::service::{Incoming, Service};
use crate::tls::Tls;

/// How long shutdown lets requests in flight finish.
const GRACE: Duration = Duration::from_secs(3);
/// The largest request body accepted (else 413).
pub(crate) const MAX_BODY: usize = 1024 * 1024;
/// The largest request head hyper reads (else 431); hyper's own floor is 8 KiB.
const MAX_HEAD: usize = 16 * 1024;
/// How long a TLS handshake may take.
const HANDSHAKE: Duration = Duration::from_secs(10);

/// The body of every answer: whole, or one that fails part-way (a fault).
type Body = BoxBody<Bytes, std::io::Error>;

/// Accepts connections until `shutdown` turns true (or its sender is dropped).
pub(crate) async fn run(
    listener: TcpListener,
    service: Arc<Service>,
    tls: Option<Tls>,
    shutdown: watch::Receiver<bool>,
) {
    let local: Arc<str> = listener
        .local_addr()
        .map_or_else(|_| "127.0.0.1".into(), |addr| addr.to_string().into());
    let mut builder = auto::Builder::new(TokioExecutor::new());
    builder.http1().max_buf_size(MAX_HEAD);
    let mut connections = JoinSet::new();
    let mut stopping = shutdown.clone();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    // Small answers go out at once rather than waiting for Nagle's timer.
                    let _ = stream.set_nodelay(true);
                    connections.spawn(connection(
                        builder.clone(),
                        Arc::clone(&service),
                        stream,
                        tls.clone(),
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

/// Resolves once `shutdown` turns true or its sender is gone (the guard `wait_for` returns is
/// dropped here, so the future stays `Send`).
async fn stopped(shutdown: &mut watch::Receiver<bool>) {
    let _ = shutdown.wait_for(|stop| *stop).await;
}

async fn connection(
    builder: auto::Builder<TokioExecutor>,
    service: Arc<Service>,
    stream: TcpStream,
    tls: Option<Tls>,
    local: Arc<str>,
    shutdown: watch::Receiver<bool>,
) {
    match tls {
        None => serve(&builder, service, stream, "http", local, shutdown).await,
        Some(tls) => {
            let Ok(Ok(stream)) = tokio::time::timeout(HANDSHAKE, tls.acceptor.accept(stream)).await
            else {
                // A failed handshake: the client learns it from TLS's own alert.
                return;
            };
            serve(&builder, service, stream, "https", local, shutdown).await;
        }
    }
}

async fn serve<S>(
    builder: &auto::Builder<TokioExecutor>,
    service: Arc<Service>,
    stream: S,
    scheme: &'static str,
    local: Arc<str>,
    mut shutdown: watch::Receiver<bool>,
) where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let handler = service_fn(move |request| {
        let service = Arc::clone(&service);
        let local = Arc::clone(&local);
        async move { Ok::<_, Infallible>(answer(&service, request, scheme, &local).await) }
    });
    let connection = builder.serve_connection(TokioIo::new(stream), handler);
    tokio::pin!(connection);
    tokio::select! {
        _ = connection.as_mut() => {}
        () = stopped(&mut shutdown) => {
            connection.as_mut().graceful_shutdown();
            let _ = connection.await;
        }
    }
}

/// Reads one request's body, lets the service answer, logs, and puts the answer in hyper's
/// terms.
async fn answer(
    service: &Service,
    request: http::Request<IncomingBody>,
    scheme: &'static str,
    local: &str,
) -> Response<Body> {
    let started = Instant::now();
    let (parts, body) = request.into_parts();
    let version = parts.version;
    // A body announced too large is refused before it is read (hyper then closes the
    // connection, the body unread); one that turns out too large, once it passes the limit.
    let announced = usize::try_from(body.size_hint().lower()).unwrap_or(usize::MAX);
    let body = if announced > MAX_BODY {
        Err(StatusCode::PAYLOAD_TOO_LARGE)
    } else {
        match Limited::new(body, MAX_BODY).collect().await {
            Ok(collected) => Ok(collected.to_bytes()),
            Err(error) if error.is::<LengthLimitError>() => Err(StatusCode::PAYLOAD_TOO_LARGE),
            Err(_) => Err(StatusCode::BAD_REQUEST),
        }
    };
    let body = match body {
        Ok(body) => body,
        Err(status) => {
            log(
                service,
                parts.method.as_str(),
                parts.uri.path(),
                status,
                "-",
                started,
            );
            return response(&errors::transport(status), Delivery::Whole, version);
        }
    };
    // The authority the client addressed: HTTP/2's `:authority` or an absolute-form target,
    // else HTTP/1.1's `Host`.
    let authority = parts.uri.authority().map(ToString::to_string).or_else(|| {
        parts
            .headers
            .get(HOST)
            .and_then(|host| host.to_str().ok())
            .map(str::to_owned)
    });
    let incoming = Incoming {
        request: http::Request::from_parts(parts, body),
        authority,
        scheme,
    };
    let outcome = service.serve(&incoming, local).await;
    let who = match (outcome.user, outcome.app) {
        (Some(id), _) => id.to_string(),
        (None, true) => "app".to_owned(),
        (None, false) => "-".to_owned(),
    };
    log(
        service,
        incoming.request.method().as_str(),
        incoming.request.uri().path(),
        outcome.answer.status,
        &who,
        started,
    );
    response(&outcome.answer, outcome.delivery, version)
}

/// The answer with X's headers, delivered whole or as a fault delivers it.
fn response(answer: &Answer, delivery: Delivery, version: Version) -> Response<Body> {
    let whole = answer.body.clone();
    let (body, length): (Body, usize) = match delivery {
        Delivery::Whole => (full(whole.clone()), whole.len()),
        Delivery::Truncated => {
            let cut = whole.slice(..whole.len() / 2);
            (full(cut.clone()), cut.len())
        }
        Delivery::CloseMidBody => {
            let half = whole.slice(..whole.len() / 2);
            let frames = stream::iter([
                Ok(Frame::data(half)),
                Err(std::io::Error::other(
                    "the connection is closed mid-body (an injected fault)",
                )),
            ]);
            (StreamBody::new(frames).boxed(), whole.len())
        }
    };
    let mut response = Response::new(body);
    *response.status_mut() = answer.status;
    let headers = response.headers_mut();
    if let Ok(date) = HeaderValue::from_str(&clock::http_date(clock::now())) {
        headers.insert(DATE, date);
    }
    headers.insert(SERVER, HeaderValue::from_static("tsa_b"));
    headers.insert(CONTENT_TYPE, HeaderValue::from_static(answer.content_type));
    headers.insert(CONTENT_LENGTH, HeaderValue::from(length));
    answer.rate.write_headers(headers);
    for (name, value) in &answer.headers {
        headers.append(name.clone(), value.clone());
    }
    // HTTP/1 says it will close; HTTP/2 has no such header (the stream is reset instead).
    if delivery == Delivery::CloseMidBody && version < Version::HTTP_2 {
        headers.insert(CONNECTION, HeaderValue::from_static("close"));
    }
    response
}

fn full(bytes: Bytes) -> Body {
    Full::new(bytes).map_err(|never| match never {}).boxed()
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
