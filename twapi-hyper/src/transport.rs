//! One HTTP exchange over the pooled hyper client: send a prepared request, read the answer's
//! body up to a cap, all within a deadline. Nothing here knows X; this is the part of the
//! driver that any other HTTP client would replace.
//!
//! The connections are hyper-util's pooled client's (`client::legacy`): HTTP/1.1 connections
//! kept alive and reused, an HTTP/2 one (negotiated by ALPN) shared, a request that a reused
//! connection refused before writing it sent again on another, and connections idle for
//! [`POOL_IDLE`] closed. A pool of this crate's own stood in its place for a while: it spent
//! less CPU a request, but with a round trip of a millisecond it served under 3 % more requests,
//! within the spread between runs (`BENCHMARKS.md`, "Connection pool: hand-written or
//! hyper-util's").

use std::error::Error as StdError;
use std::io;
use std::pin::pin;
use std::time::Duration;

use bytes::Bytes;
use futures_util::future::{Either, select};
use http_body_util::{BodyExt, Full, LengthLimitError, Limited};
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::Client as PoolClient;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::{TokioExecutor, TokioTimer};

use twapi_core::session::CallError as Error;

use crate::causes;
use crate::tls;

/// How long an idle connection is kept. hyper-util's pool never hands out one idle for
/// longer, and closes it unasked at its next sweep (one every [`POOL_IDLE`]), so a client left
/// idle holds no connection open for more than twice this.
const POOL_IDLE: Duration = Duration::from_secs(90);

/// The pooled HTTP/1.1 + HTTP/2 client over rustls, speaking plain HTTP to loopback emulators
/// and proxies too, and the limits per request.
#[derive(Clone)]
pub(crate) struct Transport {
    pool: PoolClient<HttpsConnector<HttpConnector>, Full<Bytes>>,
    connect_timeout: Duration,
    request_timeout: Duration,
    body_limit: usize,
}

impl Transport {
    /// A pool whose connections are TCP (no Nagle, `connect_timeout` for the TCP handshake),
    /// then rustls with `tls` (HTTP/2 or HTTP/1.1 by ALPN) for `https`.
    pub(crate) fn new(
        connect_timeout: Duration,
        request_timeout: Duration,
        body_limit: usize,
        tls: rustls::ClientConfig,
    ) -> Self {
        let mut tcp = HttpConnector::new();
        tcp.enforce_http(false);
        tcp.set_nodelay(true);
        tcp.set_connect_timeout(Some(connect_timeout));
        let https = hyper_rustls::HttpsConnectorBuilder::new()
            .with_tls_config(tls)
            .https_or_http()
            .enable_http1()
            .enable_http2()
            .wrap_connector(tcp);
        // tokio's timer for the pool: its clock (which a test can pause and advance) dates the
        // idle connections, and its sleeps drive the sweep.
        let pool = PoolClient::builder(TokioExecutor::new())
            .pool_timer(TokioTimer::new())
            .pool_idle_timeout(POOL_IDLE)
            .timer(TokioTimer::new())
            .build(https);
        Self {
            pool,
            connect_timeout,
            request_timeout,
            body_limit,
        }
    }

    /// This transport's pool (and its connect timeout), with another request timeout and
    /// body cap: the connections are shared, the limits per request are not.
    pub(crate) fn sharing_pool(&self, request_timeout: Duration, body_limit: usize) -> Self {
        Self {
            pool: self.pool.clone(),
            connect_timeout: self.connect_timeout,
            request_timeout,
            body_limit,
        }
    }

    /// Sends `request` and reads the whole answer, or fails with a typed transport error.
    pub(crate) async fn exchange(
        &self,
        request: http::Request<Bytes>,
    ) -> Result<http::Response<Bytes>, Error> {
        // The deadline is armed (polled once, so registered with tokio's timer) before the
        // exchange is first polled. `tokio::time::timeout` polls the exchange first: that hands
        // the request to the connection's task, which another worker may pick up and then park
        // in the I/O driver with no timer pending; registering the deadline a moment later
        // must then wake that worker (through the I/O driver) to shorten its sleep — a context
        // switch per request (measured: +1.8 context switches per request at 1 in flight). Armed
        // first, the timer is already in the wheel whenever a worker parks.
        let deadline = pin!(tokio::time::sleep(self.request_timeout));
        match select(deadline, pin!(self.exchange_now(request))).await {
            Either::Left(((), _)) => Err(Error::Timeout(self.request_timeout)),
            Either::Right((result, _)) => result,
        }
    }

    /// The exchange, without its deadline: the answer's head, then its body read whole.
    async fn exchange_now(
        &self,
        request: http::Request<Bytes>,
    ) -> Result<http::Response<Bytes>, Error> {
        let response = self
            .pool
            .request(request.map(Full::new))
            .await
            .map_err(|e| self.request_error(e))?;
        let (parts, body) = response.into_parts();
        let announced = parts
            .headers
            .get(http::header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        if announced.is_some_and(|n| n > self.body_limit as u64) {
            return Err(Error::BodyTooLarge {
                limit: self.body_limit,
            });
        }
        let body = Limited::new(body, self.body_limit)
            .collect()
            .await
            .map_err(|e| self.body_error(e))?
            .to_bytes();
        Ok(http::Response::from_parts(parts, body))
    }

    /// A failed exchange: no connection (the connect timeout, rustls refusing the handshake,
    /// anything else), hyper refusing the answer's head for its size (too many headers, or
    /// too many bytes), or the connection failing.
    fn request_error(&self, error: hyper_util::client::legacy::Error) -> Error {
        if error.is_connect() {
            if has_io_kind(&error, io::ErrorKind::TimedOut) {
                Error::ConnectTimeout(self.connect_timeout)
            } else if tls::is_refused_handshake(&error) {
                Error::Tls(Box::new(error))
            } else {
                Error::Connect(Box::new(error))
            }
        } else if is_head_too_large(&error) {
            Error::HeadTooLarge(Box::new(error))
        } else {
            Error::Transport(Box::new(error))
        }
    }

    fn body_error(&self, error: Box<dyn StdError + Send + Sync>) -> Error {
        if error.is::<LengthLimitError>() {
            Error::BodyTooLarge {
                limit: self.body_limit,
            }
        } else {
            Error::Transport(error)
        }
    }
}

/// Whether hyper refused the answer's head for its size somewhere in the chain of causes.
fn is_head_too_large(error: &(dyn StdError + 'static)) -> bool {
    causes::chain(error).any(|e| {
        e.downcast_ref::<hyper::Error>()
            .is_some_and(hyper::Error::is_parse_too_large)
    })
}

/// Whether an I/O error of `kind` is somewhere in the chain of causes.
fn has_io_kind(error: &(dyn StdError + 'static), kind: io::ErrorKind) -> bool {
    causes::chain(error).any(|e| {
        e.downcast_ref::<io::Error>()
            .is_some_and(|io| io.kind() == kind)
    })
}
