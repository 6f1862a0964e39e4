//! One HTTP exchange over the client's connections: send a prepared request, read the
//! answer's body up to a cap, all within a deadline. Nothing here knows X; this is the part of
//! the driver that any other HTTP client would replace.

use std::error::Error as StdError;
use std::io;
use std::pin::pin;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use futures_util::future::{Either, select};
use http_body_util::{BodyExt, Full, LengthLimitError, Limited};

use twapi_core::session::CallError as Error;

use crate::causes;
use crate::pool::{Conn, ConnectError, Origin, Pool, Refused};
use crate::tls;

/// The client's connections (see [`Pool`]) and its limits per request.
#[derive(Clone)]
pub(crate) struct Transport {
    pool: Arc<Pool>,
    connect_timeout: Duration,
    request_timeout: Duration,
    body_limit: usize,
}

impl Transport {
    pub(crate) fn new(
        connect_timeout: Duration,
        request_timeout: Duration,
        body_limit: usize,
        tls: rustls::ClientConfig,
    ) -> Self {
        Self {
            pool: Arc::new(Pool::new(connect_timeout, tls)),
            connect_timeout,
            request_timeout,
            body_limit,
        }
    }

    /// This transport's connections (and its connect timeout), with another request timeout
    /// and body cap: the connections are shared, the limits per request are not.
    pub(crate) fn sharing_pool(&self, request_timeout: Duration, body_limit: usize) -> Self {
        Self {
            pool: Arc::clone(&self.pool),
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

    /// The exchange, without its deadline: a connection (an idle one, else a new one), the
    /// answer's head, its body read whole, and the connection back to the pool.
    async fn exchange_now(
        &self,
        request: http::Request<Bytes>,
    ) -> Result<http::Response<Bytes>, Error> {
        let origin = Origin::of(request.uri()).ok_or_else(|| {
            Error::Transport(format!("not an absolute URI: {}", request.uri()).into())
        })?;
        let mut request = request.map(Full::new);
        let (response, conn) = loop {
            let (mut conn, reused) = match self.pool.checkout(&origin) {
                Some(conn) => (conn, true),
                None => (self.connect(&origin).await?, false),
            };
            let refused = match conn.ready().await {
                Ok(()) => match conn.send(request).await {
                    Ok(response) => break (response, conn),
                    Err(refused) => refused,
                },
                Err(error) => Refused {
                    error,
                    unsent: Some(request),
                },
            };
            // A connection that had sat in the pool may have been closed by the server in the
            // meantime; hyper gives back a request it had not started writing, which is then
            // safe to send on another connection (each retry here drops one pooled connection,
            // so this ends). Anything else is the exchange's outcome.
            match refused.unsent {
                Some(unsent) if reused => {
                    if matches!(conn, Conn::H2(_)) {
                        self.pool.forget_shared(&origin);
                    }
                    request = unsent;
                }
                _ => return Err(Self::request_error(refused.error)),
            }
        };
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
        self.pool.checkin(origin, conn);
        Ok(http::Response::from_parts(parts, body))
    }

    /// A new connection. Its future (the connector's and the handshake's) is boxed: it is
    /// large, and kept inline it would grow every request's future several times over for a
    /// step that most requests skip.
    async fn connect(&self, origin: &Origin) -> Result<Conn, Error> {
        Box::pin(self.pool.connect(origin))
            .await
            .map_err(|error| match error {
                ConnectError::Connector(e) if has_io_kind(e.as_ref(), io::ErrorKind::TimedOut) => {
                    Error::ConnectTimeout(self.connect_timeout)
                }
                ConnectError::Connector(e) if tls::is_refused_handshake(e.as_ref()) => {
                    Error::Tls(e)
                }
                ConnectError::Connector(e) => Error::Connect(e),
                ConnectError::Handshake(e) => Error::Connect(Box::new(e)),
            })
    }

    /// A failed exchange: hyper refused the answer's head for its size (too many headers,
    /// or too many bytes), or the connection failed.
    fn request_error(error: hyper::Error) -> Error {
        if error.is_parse_too_large() {
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

/// Whether an I/O error of `kind` is somewhere in the chain of causes.
fn has_io_kind(error: &(dyn StdError + 'static), kind: io::ErrorKind) -> bool {
    causes::chain(error).any(|e| {
        e.downcast_ref::<io::Error>()
            .is_some_and(|io| io.kind() == kind)
    })
}
