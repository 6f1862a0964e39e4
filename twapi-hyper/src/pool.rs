//! The connections the client keeps open, over hyper's connection API.
//!
//! Why not hyper-util's pooled client: for every request it races a checkout against a
//! connect, hashes the pool key, and spawns a task that waits for the connection to be ready
//! again before it goes back to the pool. At one request in flight on loopback, hyper's
//! connection API without that machinery served about 1.1x the requests of hyper-util's
//! client (`BENCHMARKS.md`, item 4). A client that reads every body whole knows when a
//! connection is free again, so its pool is a short list: an HTTP/1.1 connection is taken out
//! for one exchange and put back once its body has been read; an HTTP/2 connection
//! (negotiated by ALPN) stays in the list and is shared.
//!
//! A connection idle for [`IDLE_TIMEOUT`] is closed, by a task that sleeps until the oldest
//! one expires (so a client left idle holds no connection open), and is never handed out at
//! checkout; one the server closed is noticed there too, and a request that a reused
//! connection refused before writing a byte of it is sent again on another (hyper gives such a
//! request back).

use std::error::Error as StdError;
use std::future::poll_fn;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, Weak};
use std::time::Duration;

use bytes::Bytes;
use http::header::HOST;
use http::uri::{Authority, Scheme};
use http::{HeaderValue, Request, Response, Uri};
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::client::conn::{TrySendError, http1, http2};
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::connect::{Connection, HttpConnector};
use hyper_util::rt::{TokioExecutor, TokioTimer};
// tokio's clock, not std's: the same instants, but a test can pause and advance it.
use tokio::time::Instant;
use tower_service::Service;

/// How long an idle connection is kept.
const IDLE_TIMEOUT: Duration = Duration::from_secs(90);

/// The body type every request carries: the bytes twapi-core prepared.
type Body = Full<Bytes>;

/// Where a connection leads: the scheme and the authority of the requests it carries.
#[derive(Clone, PartialEq, Eq, Debug)]
pub(crate) struct Origin {
    scheme: Scheme,
    authority: Authority,
}

impl Origin {
    /// The origin of an absolute URI; `None` for a relative one.
    pub(crate) fn of(uri: &Uri) -> Option<Self> {
        Some(Self {
            scheme: uri.scheme()?.clone(),
            authority: uri.authority()?.clone(),
        })
    }

    /// The `Host` header an HTTP/1.1 request to this origin carries: the host, and the port
    /// when it is not the scheme's default.
    fn host(&self) -> Option<HeaderValue> {
        let default_port = if self.scheme == Scheme::HTTPS {
            443
        } else {
            80
        };
        let host = self.authority.host();
        match self.authority.port_u16() {
            Some(port) if port != default_port => {
                HeaderValue::try_from(format!("{host}:{port}")).ok()
            }
            _ => HeaderValue::try_from(host).ok(),
        }
    }
}

/// One open connection, or a handle on a shared one.
pub(crate) enum Conn {
    /// HTTP/1.1: one exchange at a time, each with the `Host` header of the connection's
    /// origin (made once, when the connection opened).
    H1(http1::SendRequest<Body>, Option<HeaderValue>),
    /// HTTP/2: as many streams as the server allows, through clones of one handle.
    H2(http2::SendRequest<Body>),
}

impl Conn {
    fn is_closed(&self) -> bool {
        match self {
            Conn::H1(send, _) => send.is_closed(),
            Conn::H2(send) => send.is_closed(),
        }
    }

    /// Waits until the connection can take a request (an HTTP/1.1 one has finished the
    /// previous exchange); fails if it has closed.
    pub(crate) async fn ready(&mut self) -> Result<(), hyper::Error> {
        match self {
            Conn::H1(send, _) => send.ready().await,
            Conn::H2(send) => send.ready().await,
        }
    }

    /// Sends `request` (absolute-form), in the form the connection's protocol wants: for
    /// HTTP/1.1, origin-form with a `Host` header; for HTTP/2, as it is (the URI gives the
    /// `:scheme` and `:authority`). A request the connection refused before writing any of it
    /// comes back in the error, as it was given.
    pub(crate) async fn send(
        &mut self,
        mut request: Request<Body>,
    ) -> Result<Response<Incoming>, Refused> {
        let (send, host) = match self {
            Conn::H2(send) => return send.try_send_request(request).await.map_err(Refused::from),
            Conn::H1(send, host) => (send, host),
        };
        let absolute = request.uri().clone();
        let added_host = match (request.headers().contains_key(HOST), host) {
            (false, Some(host)) => request.headers_mut().insert(HOST, host.clone()).is_none(),
            _ => false,
        };
        if let Some(path) = absolute.path_and_query() {
            *request.uri_mut() = Uri::from(path.clone());
        }
        send.try_send_request(request).await.map_err(|refused| {
            let mut refused = Refused::from(refused);
            if let Some(request) = &mut refused.unsent {
                *request.uri_mut() = absolute;
                if added_host {
                    request.headers_mut().remove(HOST);
                }
            }
            refused
        })
    }
}

/// A failed send: hyper's error, and the request if none of it was written.
#[derive(Debug)]
pub(crate) struct Refused {
    /// What went wrong.
    pub(crate) error: hyper::Error,
    /// The request, given back when the connection refused it before writing it (it had
    /// closed, or was closing): it may be sent again on another connection.
    pub(crate) unsent: Option<Request<Body>>,
}

impl From<TrySendError<Request<Body>>> for Refused {
    fn from(mut refused: TrySendError<Request<Body>>) -> Self {
        let unsent = refused.take_message();
        Self {
            error: refused.into_error(),
            unsent,
        }
    }
}

/// A connection that is not carrying an exchange (or, for HTTP/2, the shared handle).
struct Idle {
    origin: Origin,
    conn: Conn,
    since: Instant,
}

/// The idle connections, and whether a task is closing them as they expire.
#[derive(Default)]
struct Listed {
    entries: Vec<Idle>,
    /// A [`reap`] task is running for this pool.
    reaping: bool,
    /// A connection was listed since the reaper last woke: the pool is in use, so the reaper
    /// stays even if the list is empty for now (a busy client checks its one connection out and
    /// in at every request, and must not start a task each time).
    in_use_since_wake: bool,
}

impl Listed {
    /// Drops the connections that have closed or have been idle for [`IDLE_TIMEOUT`] at `now`.
    fn expire(&mut self, now: Instant) {
        self.entries.retain(|entry| {
            !entry.conn.is_closed() && now.saturating_duration_since(entry.since) < IDLE_TIMEOUT
        });
    }

    /// Lists `entry`; true when no reaper is running yet and one must be started.
    fn push(&mut self, entry: Idle) -> bool {
        self.entries.push(entry);
        self.in_use_since_wake = true;
        !std::mem::replace(&mut self.reaping, true)
    }
}

/// The open connections of one or more clients (`ClientBuilder::share_connections`), and the
/// connector that opens new ones (TCP with its connect timeout, then TLS for `https`).
pub(crate) struct Pool {
    connector: HttpsConnector<HttpConnector>,
    idle: Mutex<Listed>,
}

/// Why no connection could be opened.
pub(crate) enum ConnectError {
    /// The connector failed (DNS, refused, timed out, TLS).
    Connector(Box<dyn StdError + Send + Sync>),
    /// hyper's handshake over the new connection failed.
    Handshake(hyper::Error),
}

impl Pool {
    /// An empty pool whose connections are TCP (no Nagle, `connect_timeout` for the TCP
    /// handshake), then rustls with `tls` (HTTP/2 or HTTP/1.1 by ALPN) for `https`; plain
    /// HTTP is spoken too, for emulators and local proxies.
    pub(crate) fn new(connect_timeout: Duration, tls: rustls::ClientConfig) -> Self {
        let mut tcp = HttpConnector::new();
        tcp.enforce_http(false);
        tcp.set_nodelay(true);
        tcp.set_connect_timeout(Some(connect_timeout));
        let connector = hyper_rustls::HttpsConnectorBuilder::new()
            .with_tls_config(tls)
            .https_or_http()
            .enable_http1()
            .enable_http2()
            .wrap_connector(tcp);
        Self {
            connector,
            idle: Mutex::new(Listed::default()),
        }
    }

    fn idle(&self) -> MutexGuard<'_, Listed> {
        // The list is consistent after every statement that changes it, so a panic elsewhere
        // while it was held leaves nothing half-done.
        self.idle.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The most recently used open connection to `origin`, if any: an HTTP/1.1 one is taken
    /// out of the list, an HTTP/2 one is shared. Closed and expired connections are dropped
    /// on the way.
    pub(crate) fn checkout(&self, origin: &Origin) -> Option<Conn> {
        let now = Instant::now();
        let mut idle = self.idle();
        idle.expire(now);
        let at = idle
            .entries
            .iter()
            .rposition(|entry| entry.origin == *origin)?;
        let entry = idle.entries.get_mut(at)?;
        if let Conn::H2(send) = &entry.conn {
            entry.since = now;
            return Some(Conn::H2(send.clone()));
        }
        Some(idle.entries.remove(at).conn)
    }

    /// Puts a connection back once its exchange is over (its body read whole). A handle on a
    /// shared HTTP/2 connection is simply dropped: the list holds its own.
    pub(crate) fn checkin(self: &Arc<Self>, origin: Origin, conn: Conn) {
        if matches!(conn, Conn::H1(..)) {
            self.list(self.idle(), origin, conn);
        }
    }

    /// Lists a new HTTP/2 connection, so that every checkout for `origin` shares it, and returns
    /// the handle to send on. Requests that found no connection at the same moment each opened
    /// one; the first listed is kept and shared, and a later one is dropped at once (its task
    /// then closes it), so an origin keeps one HTTP/2 connection.
    fn share(
        self: &Arc<Self>,
        origin: Origin,
        send: http2::SendRequest<Body>,
    ) -> http2::SendRequest<Body> {
        let idle = self.idle();
        let listed = idle.entries.iter().find_map(|entry| match &entry.conn {
            Conn::H2(shared) if entry.origin == origin && !shared.is_closed() => {
                Some(shared.clone())
            }
            _ => None,
        });
        if let Some(shared) = listed {
            return shared;
        }
        self.list(idle, origin, Conn::H2(send.clone()));
        send
    }

    /// Lists an idle connection in `idle` (this pool's list, locked), and starts the [`reap`]
    /// task if none is running. The task holds the pool weakly, so that a dropped client's
    /// connections close with it.
    fn list(self: &Arc<Self>, mut idle: MutexGuard<'_, Listed>, origin: Origin, conn: Conn) {
        let start_reaper = idle.push(Idle {
            origin,
            conn,
            since: Instant::now(),
        });
        drop(idle);
        if start_reaper {
            tokio::spawn(reap(Arc::downgrade(self)));
        }
    }

    /// Forgets the shared HTTP/2 connection to `origin` (it refused a request), so the next
    /// checkout opens a new one.
    pub(crate) fn forget_shared(&self, origin: &Origin) {
        self.idle()
            .entries
            .retain(|entry| !(entry.origin == *origin && matches!(entry.conn, Conn::H2(_))));
    }

    /// Opens a new connection to `origin` (HTTP/2 if TLS negotiated it, HTTP/1.1 otherwise) and
    /// spawns the task that drives it. An HTTP/2 connection goes into the list at once, to be
    /// shared. Requests that find no connection at the same moment each open one, as with
    /// hyper-util's client; of the HTTP/2 ones, only the first is kept.
    pub(crate) async fn connect(self: &Arc<Self>, origin: &Origin) -> Result<Conn, ConnectError> {
        let uri = Uri::builder()
            .scheme(origin.scheme.clone())
            .authority(origin.authority.clone())
            .path_and_query("/")
            .build()
            .map_err(|e| ConnectError::Connector(Box::new(e)))?;
        let mut connector = self.connector.clone();
        poll_fn(|cx| connector.poll_ready(cx))
            .await
            .map_err(ConnectError::Connector)?;
        let io = connector.call(uri).await.map_err(ConnectError::Connector)?;
        if io.connected().is_negotiated_h2() {
            let (send, conn) = http2::Builder::new(TokioExecutor::new())
                .timer(TokioTimer::new())
                .handshake(io)
                .await
                .map_err(ConnectError::Handshake)?;
            tokio::spawn(drive(conn));
            Ok(Conn::H2(self.share(origin.clone(), send)))
        } else {
            let (send, conn) = http1::handshake(io)
                .await
                .map_err(ConnectError::Handshake)?;
            tokio::spawn(drive(conn));
            Ok(Conn::H1(send, origin.host()))
        }
    }
}

/// Closes the pool's idle connections as they expire: sleeps until the oldest one is due (or
/// for [`IDLE_TIMEOUT`] when none is listed), drops what has expired (its connection task then
/// ends and closes the socket), and so on until the pool is gone, or until it wakes to an
/// empty list with nothing listed since its last wake (the next check-in starts another).
async fn reap(pool: Weak<Pool>) {
    loop {
        let due = {
            let Some(pool) = pool.upgrade() else { return };
            let mut idle = pool.idle();
            let now = Instant::now();
            idle.expire(now);
            if idle.entries.is_empty() && !idle.in_use_since_wake {
                idle.reaping = false;
                return;
            }
            idle.in_use_since_wake = false;
            idle.entries
                .iter()
                .map(|entry| entry.since + IDLE_TIMEOUT)
                .min()
                .unwrap_or(now + IDLE_TIMEOUT)
        };
        tokio::time::sleep_until(due).await;
    }
}

/// Runs a connection until it closes: the server closed it, or every handle on it was dropped.
async fn drive<C: Future<Output = Result<(), hyper::Error>>>(conn: C) {
    if let Err(error) = conn.await {
        tracing::debug!(%error, "connection closed");
    }
}

#[cfg(test)]
mod tests {
    use std::convert::Infallible;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use hyper_util::rt::TokioIo;
    use tokio::net::{TcpListener, TcpStream};

    use super::*;

    /// An HTTP/2 server (prior knowledge, no TLS) on loopback that answers each request with
    /// its `:authority` and path. It closes every connection when `close` is sent; the counter
    /// counts the connections the client closed.
    async fn h2_server() -> (String, tokio::sync::watch::Sender<bool>, Arc<AtomicUsize>) {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("address"));
        let (close, closing) = tokio::sync::watch::channel(false);
        let ended = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&ended);
        tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                let (mut closing, counter) = (closing.clone(), Arc::clone(&counter));
                tokio::spawn(async move {
                    let answer =
                        hyper::service::service_fn(|request: Request<Incoming>| async move {
                            let seen = format!(
                                "{} {}",
                                request.uri().authority().map_or("", |a| a.as_str()),
                                request.uri().path()
                            );
                            Ok::<_, Infallible>(Response::new(Full::new(Bytes::from(seen))))
                        });
                    let serving = hyper::server::conn::http2::Builder::new(TokioExecutor::new())
                        .serve_connection(TokioIo::new(socket), answer);
                    tokio::select! {
                        _ = serving => {
                            counter.fetch_add(1, Ordering::SeqCst);
                        }
                        _ = closing.changed() => {}
                    }
                });
            }
        });
        (base, close, ended)
    }

    /// A new HTTP/2 connection to `origin` (prior knowledge), its task spawned.
    async fn h2_connection(origin: &Origin) -> http2::SendRequest<Body> {
        let socket = TcpStream::connect(origin.authority.as_str())
            .await
            .expect("connect");
        let (send, conn) = http2::Builder::new(TokioExecutor::new())
            .handshake(TokioIo::new(socket))
            .await
            .expect("an HTTP/2 handshake");
        tokio::spawn(drive(conn));
        send
    }

    /// Waits (up to a second) for `done`.
    async fn eventually(done: impl Fn() -> bool) {
        for _ in 0..200 {
            if done() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }

    async fn body_text(response: Response<Incoming>) -> String {
        use http_body_util::BodyExt;
        let bytes = response
            .into_body()
            .collect()
            .await
            .expect("a body")
            .to_bytes();
        String::from_utf8(bytes.to_vec()).expect("UTF-8")
    }

    #[tokio::test]
    async fn an_http2_connection_is_shared_until_it_closes() {
        let (base, close, ended) = h2_server().await;
        let origin = origin(&base);
        let tls = crate::tls::client_config(crate::tls::roots(&[]).expect("the webpki roots"))
            .expect("ring's protocol versions");
        let pool = Arc::new(Pool::new(Duration::from_secs(5), tls));
        pool.share(origin.clone(), h2_connection(&origin).await);

        // Two checkouts, one connection: both handles carry a request at once.
        let mut first = pool.checkout(&origin).expect("the shared connection");
        let mut second = pool.checkout(&origin).expect("the same, shared");
        assert_eq!(pool.idle().entries.len(), 1);
        let request = |path: &str| {
            Request::get(format!("{base}{path}"))
                .body(Full::new(Bytes::new()))
                .expect("a request")
        };
        let (a, b) = tokio::join!(
            first.send(request("/2/users/me")),
            second.send(request("/2/users/12")),
        );
        let authority = origin.authority.as_str();
        assert_eq!(
            body_text(a.expect("answered")).await,
            format!("{authority} /2/users/me")
        );
        assert_eq!(
            body_text(b.expect("answered")).await,
            format!("{authority} /2/users/12")
        );
        pool.checkin(origin.clone(), first);
        pool.checkin(origin.clone(), second);
        assert_eq!(
            pool.idle().entries.len(),
            1,
            "handles on a shared connection are not listed again"
        );

        // A second connection opened at the same moment is not kept: the first is shared, and
        // the newcomer is closed.
        let mut shared = Conn::H2(pool.share(origin.clone(), h2_connection(&origin).await));
        assert_eq!(pool.idle().entries.len(), 1);
        eventually(|| ended.load(Ordering::SeqCst) == 1).await;
        assert_eq!(ended.load(Ordering::SeqCst), 1, "the newcomer is closed");
        let answer = shared.send(request("/2/users/by")).await;
        assert_eq!(
            body_text(answer.expect("answered on the first")).await,
            format!("{authority} /2/users/by")
        );
        drop(shared);

        // Once the server has closed it, the next checkout drops it and finds nothing.
        close.send(true).expect("the server is running");
        eventually(|| {
            pool.idle()
                .entries
                .iter()
                .all(|entry| entry.conn.is_closed())
        })
        .await;
        assert!(pool.checkout(&origin).is_none());
        assert!(pool.idle().entries.is_empty());
    }

    fn origin(uri: &str) -> Origin {
        Origin::of(&uri.parse().expect("a URI")).expect("absolute")
    }

    #[test]
    fn the_host_header_names_the_port_only_when_it_is_not_the_default() {
        let host = |uri| origin(uri).host().expect("a host");
        assert_eq!(host("https://api.x.com/2/users/me"), "api.x.com");
        assert_eq!(host("https://api.x.com:443/2/users/me"), "api.x.com");
        assert_eq!(host("https://api.x.com:8443/"), "api.x.com:8443");
        assert_eq!(
            host("http://127.0.0.1:8080/1.1/users/show.json"),
            "127.0.0.1:8080"
        );
        assert_eq!(host("http://localhost:80/"), "localhost");
        assert_eq!(host("http://[::1]:9000/"), "[::1]:9000");
    }

    #[test]
    fn a_relative_uri_has_no_origin() {
        assert!(Origin::of(&"/1.1/users/show.json".parse().expect("a URI")).is_none());
        assert_ne!(origin("http://a.example/"), origin("https://a.example/"));
        assert_ne!(origin("http://a.example/"), origin("http://a.example:81/"));
    }
}
