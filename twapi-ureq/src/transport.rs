//! The bytes: one `ureq::Agent` (its connection pool, rustls, the timeouts), one exchange at a
//! time, and ureq's failures told as the transport variants of [`CallError`].

use std::io;
use std::time::Duration;

use bytes::Bytes;
use twapi_core::session::CallError;

/// A pooled HTTP/1.1 client with its limits.
pub(crate) struct Transport {
    agent: ureq::Agent,
    connect_timeout: Duration,
    request_timeout: Duration,
    body_limit: usize,
}

impl Transport {
    pub(crate) fn new(
        user_agent: &str,
        connect_timeout: Duration,
        request_timeout: Duration,
        body_limit: usize,
    ) -> Self {
        let config = ureq::Agent::config_builder()
            // 4xx and 5xx are answers the session reads (X's error bodies, 429's reset).
            .http_status_as_error(false)
            // A redirect is the session's to see, not the transport's to follow: X sends none.
            .max_redirects(0)
            .user_agent(user_agent)
            .timeout_connect(Some(connect_timeout))
            // The whole exchange: connection, request, head and body.
            .timeout_global(Some(request_timeout))
            .build();
        Self {
            agent: config.into(),
            connect_timeout,
            request_timeout,
            body_limit,
        }
    }

    /// Sends `request` and reads the whole answer, its body up to the cap.
    pub(crate) fn exchange(
        &self,
        request: http::Request<Bytes>,
    ) -> Result<http::Response<Bytes>, CallError> {
        let (parts, body) = request.into_parts();
        let sent = if body.is_empty() {
            // No body at all (not an empty one): a GET goes without `content-length: 0`.
            self.agent.run(http::Request::from_parts(parts, ()))
        } else {
            self.agent.run(http::Request::from_parts(parts, &body[..]))
        };
        let (parts, mut body) = sent.map_err(|e| self.failure(e))?.into_parts();
        let bytes = body
            .with_config()
            .limit(u64::try_from(self.body_limit).unwrap_or(u64::MAX))
            .read_to_vec()
            .map_err(|e| self.failure(e))?;
        Ok(http::Response::from_parts(parts, Bytes::from(bytes)))
    }

    /// ureq's failure as the session's transport error.
    fn failure(&self, error: ureq::Error) -> CallError {
        use ureq::Timeout as T;
        match error {
            ureq::Error::Timeout(T::Connect | T::Resolve) => {
                CallError::ConnectTimeout(self.connect_timeout)
            }
            ureq::Error::Timeout(_) => CallError::Timeout(self.request_timeout),
            ureq::Error::BodyExceedsLimit(_) => CallError::BodyTooLarge {
                limit: self.body_limit,
            },
            ureq::Error::LargeResponseHeader(..) => CallError::HeadTooLarge(Box::new(error)),
            ureq::Error::Tls(_) | ureq::Error::Rustls(_) | ureq::Error::Pem(_) => {
                CallError::Tls(Box::new(error))
            }
            ureq::Error::HostNotFound | ureq::Error::ConnectionFailed => {
                CallError::Connect(Box::new(error))
            }
            ureq::Error::Io(e) => io_failure(e),
            error => CallError::Transport(Box::new(error)),
        }
    }
}

/// An I/O error: a TLS refusal (rustls reports the handshake's failure through the socket's
/// reads and writes), no connection, or a connection lost midway.
fn io_failure(error: io::Error) -> CallError {
    use io::ErrorKind as K;
    if matches!(error.get_ref(), Some(inner) if inner.is::<rustls::Error>()) {
        return CallError::Tls(Box::new(error));
    }
    match error.kind() {
        K::ConnectionRefused
        | K::AddrNotAvailable
        | K::NetworkUnreachable
        | K::HostUnreachable
        | K::NetworkDown => CallError::Connect(Box::new(error)),
        _ => CallError::Transport(Box::new(error)),
    }
}
