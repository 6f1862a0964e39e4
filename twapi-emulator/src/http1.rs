//! A small HTTP/1.1 server connection over tokio: read a request head with limits, read the
//! body (by `Content-Length`, or chunked), write an answer, keep the connection alive.
//!
//! Why not hyper: hyper answers a request line of garbage or an oversized head with an empty
//! 400 or 431 of its own, and X answers with a JSON error body; and the fault injection
//! needs byte-level control of what is written (half a body, then a closed socket).
//!
//! Limits: a head of at most 16 KiB with at most 100 headers (else 431), a body of at most
//! 1 MiB (else 413). A head that is not HTTP/1.x is a 400. After any of these the connection
//! is closed; the server goes on accepting others.

use std::io;
use std::time::Duration;

use bytes::{Buf, Bytes, BytesMut};
use http::header::{
    CONNECTION, CONTENT_LENGTH, CONTENT_TYPE, DATE, EXPECT, HOST, TRANSFER_ENCODING,
};
use http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::sync::watch;

use crate::answer::Answer;
use crate::clock;

/// The largest request head accepted.
pub(crate) const MAX_HEAD: usize = 16 * 1024;
/// The most header lines accepted.
pub(crate) const MAX_HEADERS: usize = 100;
/// The largest request body accepted.
pub(crate) const MAX_BODY: usize = 1024 * 1024;
/// How long a kept-alive connection may sit idle between requests.
const IDLE: Duration = Duration::from_secs(75);
/// How long one read in the middle of a request may take.
const STALL: Duration = Duration::from_secs(30);

/// A request as received.
#[derive(Debug)]
pub(crate) struct Incoming {
    /// The request, its URI in origin form (`/path?query`).
    pub(crate) request: http::Request<Bytes>,
    /// `host[:port]` as the client addressed the server: the `Host` header, or the
    /// authority of an absolute-form target.
    pub(crate) authority: Option<String>,
    /// Whether the client wants the connection kept open.
    pub(crate) keep_alive: bool,
}

/// Why no request could be read.
#[derive(Debug)]
pub(crate) enum ReadError {
    /// The bytes are not an HTTP/1.x request (400).
    Malformed,
    /// The head is over 16 KiB or has over 100 headers (431).
    HeadTooLarge,
    /// The body is over 1 MiB (413).
    BodyTooLarge,
    /// The socket failed or stalled; nothing can be answered.
    Io,
}

impl ReadError {
    /// The status to answer with, when an answer can still be sent.
    pub(crate) fn status(&self) -> Option<StatusCode> {
        match self {
            Self::Malformed => Some(StatusCode::BAD_REQUEST),
            Self::HeadTooLarge => Some(StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE),
            Self::BodyTooLarge => Some(StatusCode::PAYLOAD_TOO_LARGE),
            Self::Io => None,
        }
    }
}

/// How an answer is put on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Delivery {
    /// Whole.
    Whole,
    /// Headers announcing the whole body, half of it, then the connection is closed.
    CloseMidBody,
    /// A complete answer whose body is the first half of the real one.
    Truncated,
}

/// One server-side connection.
pub(crate) struct Connection<S> {
    stream: S,
    buffer: BytesMut,
}

impl<S: AsyncRead + AsyncWrite + Unpin> Connection<S> {
    /// Wraps an accepted stream.
    pub(crate) fn new(stream: S) -> Self {
        Self {
            stream,
            buffer: BytesMut::with_capacity(4096),
        }
    }

    /// Reads the next request. `Ok(None)`: the client closed the connection between requests,
    /// it stayed idle too long, or the server is shutting down.
    pub(crate) async fn next_request(
        &mut self,
        shutdown: &mut watch::Receiver<bool>,
    ) -> Result<Option<Incoming>, ReadError> {
        let head_end = loop {
            if let Some(end) = find_head_end(&self.buffer) {
                if end > MAX_HEAD {
                    return Err(ReadError::HeadTooLarge);
                }
                break end;
            }
            if self.buffer.len() > MAX_HEAD {
                return Err(ReadError::HeadTooLarge);
            }
            let idle = self.buffer.is_empty();
            let read = if idle {
                tokio::select! {
                    read = tokio::time::timeout(IDLE, self.stream.read_buf(&mut self.buffer)) => read,
                    () = stopped(shutdown) => return Ok(None),
                }
            } else {
                tokio::time::timeout(STALL, self.stream.read_buf(&mut self.buffer)).await
            };
            match read {
                // Closed or idle between requests: the connection simply ends.
                Ok(Ok(0)) | Err(_) if idle => return Ok(None),
                Ok(Ok(0)) => return Err(ReadError::Malformed),
                Ok(Ok(_)) => {}
                Ok(Err(_)) | Err(_) => return Err(ReadError::Io),
            }
        };
        let head = self.buffer.split_to(head_end).freeze();
        let parsed = parse_head(&head)?;
        if parsed.expects_continue && parsed.body != BodyKind::None {
            self.stream
                .write_all(b"HTTP/1.1 100 Continue\r\n\r\n")
                .await
                .map_err(|_| ReadError::Io)?;
        }
        let body = match parsed.body {
            BodyKind::None => Bytes::new(),
            BodyKind::Length(length) => self.read_exact_body(length).await?,
            BodyKind::Chunked => self.read_chunked_body().await?,
        };
        let mut request = http::Request::new(body);
        *request.method_mut() = parsed.method;
        *request.uri_mut() = parsed.uri;
        *request.headers_mut() = parsed.headers;
        Ok(Some(Incoming {
            request,
            authority: parsed.authority,
            keep_alive: parsed.keep_alive,
        }))
    }

    async fn fill(&mut self, at_least: usize) -> Result<(), ReadError> {
        while self.buffer.len() < at_least {
            match tokio::time::timeout(STALL, self.stream.read_buf(&mut self.buffer)).await {
                Ok(Ok(0)) => return Err(ReadError::Malformed),
                Ok(Ok(_)) => {}
                Ok(Err(_)) | Err(_) => return Err(ReadError::Io),
            }
        }
        Ok(())
    }

    async fn read_exact_body(&mut self, length: usize) -> Result<Bytes, ReadError> {
        self.fill(length).await?;
        Ok(self.buffer.split_to(length).freeze())
    }

    async fn read_line(&mut self) -> Result<Bytes, ReadError> {
        loop {
            if let Some(at) = self.buffer.iter().position(|&b| b == b'\n') {
                let mut line = self.buffer.split_to(at + 1);
                line.truncate(at);
                if line.last() == Some(&b'\r') {
                    line.truncate(at - 1);
                }
                return Ok(line.freeze());
            }
            if self.buffer.len() > 4096 {
                return Err(ReadError::Malformed);
            }
            let wanted = self.buffer.len() + 1;
            self.fill(wanted).await?;
        }
    }

    async fn read_chunked_body(&mut self) -> Result<Bytes, ReadError> {
        let mut body = BytesMut::new();
        loop {
            let line = self.read_line().await?;
            let size_text = line.split(|&b| b == b';').next().unwrap_or_default();
            let size_text = std::str::from_utf8(size_text)
                .map_err(|_| ReadError::Malformed)?
                .trim();
            if size_text.is_empty() || size_text.len() > 8 {
                return Err(ReadError::Malformed);
            }
            let size = usize::from_str_radix(size_text, 16).map_err(|_| ReadError::Malformed)?;
            if size == 0 {
                // Trailers, up to the empty line.
                while !self.read_line().await?.is_empty() {}
                return Ok(body.freeze());
            }
            if body.len() + size > MAX_BODY {
                return Err(ReadError::BodyTooLarge);
            }
            self.fill(size + 2).await?;
            body.extend_from_slice(&self.buffer[..size]);
            if &self.buffer[size..size + 2] != b"\r\n" {
                return Err(ReadError::Malformed);
            }
            self.buffer.advance(size + 2);
        }
    }

    /// Writes an answer; `close` adds `Connection: close` (the caller then drops the
    /// connection).
    pub(crate) async fn send(
        &mut self,
        answer: &Answer,
        delivery: Delivery,
        close: bool,
    ) -> io::Result<()> {
        let body: &[u8] = match delivery {
            Delivery::Truncated => &answer.body[..answer.body.len() / 2],
            _ => &answer.body,
        };
        let mut head = Vec::with_capacity(512);
        head.extend_from_slice(b"HTTP/1.1 ");
        head.extend_from_slice(answer.status.as_str().as_bytes());
        head.push(b' ');
        head.extend_from_slice(
            answer
                .status
                .canonical_reason()
                .unwrap_or("Unknown")
                .as_bytes(),
        );
        head.extend_from_slice(b"\r\n");
        let mut headers = HeaderMap::new();
        headers.insert(DATE, header_value(&clock::http_date(clock::now())));
        headers.insert(http::header::SERVER, HeaderValue::from_static("tsa_b"));
        headers.insert(CONTENT_TYPE, HeaderValue::from_static(answer.content_type));
        headers.insert(CONTENT_LENGTH, HeaderValue::from(body.len()));
        answer.rate.write_headers(&mut headers);
        for (name, value) in &answer.headers {
            headers.append(name.clone(), value.clone());
        }
        if close || delivery == Delivery::CloseMidBody {
            headers.insert(CONNECTION, HeaderValue::from_static("close"));
        }
        for (name, value) in &headers {
            head.extend_from_slice(name.as_str().as_bytes());
            head.extend_from_slice(b": ");
            head.extend_from_slice(value.as_bytes());
            head.extend_from_slice(b"\r\n");
        }
        head.extend_from_slice(b"\r\n");
        if delivery == Delivery::CloseMidBody {
            head.extend_from_slice(&body[..body.len() / 2]);
            self.stream.write_all(&head).await?;
            self.stream.flush().await?;
            return self.stream.shutdown().await;
        }
        if body.len() <= 16 * 1024 {
            head.extend_from_slice(body);
            self.stream.write_all(&head).await?;
        } else {
            self.stream.write_all(&head).await?;
            self.stream.write_all(body).await?;
        }
        self.stream.flush().await?;
        if close {
            self.stream.shutdown().await?;
        }
        Ok(())
    }
}

/// Resolves once `shutdown` turns true or its sender is gone (the guard `wait_for` returns is
/// dropped here, so the future stays `Send`).
pub(crate) async fn stopped(shutdown: &mut watch::Receiver<bool>) {
    let _ = shutdown.wait_for(|stop| *stop).await;
}

fn header_value(text: &str) -> HeaderValue {
    HeaderValue::from_str(text).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// Where the head ends (after the blank line), accepting bare `\n` line ends too.
fn find_head_end(buffer: &[u8]) -> Option<usize> {
    let mut at = 0;
    while let Some(offset) = buffer.get(at..)?.iter().position(|&b| b == b'\n') {
        let line_end = at + offset;
        let next = line_end + 1;
        match buffer.get(next) {
            Some(b'\n') => return Some(next + 1),
            Some(b'\r') if buffer.get(next + 1) == Some(&b'\n') => return Some(next + 2),
            Some(_) => at = next,
            None => return None,
        }
    }
    None
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum BodyKind {
    None,
    Length(usize),
    Chunked,
}

#[derive(Debug)]
struct Head {
    method: Method,
    uri: http::Uri,
    headers: HeaderMap,
    authority: Option<String>,
    keep_alive: bool,
    expects_continue: bool,
    body: BodyKind,
}

fn is_tchar(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&byte)
}

/// Parses a request head (request line and header lines, blank line included).
fn parse_head(head: &[u8]) -> Result<Head, ReadError> {
    let text = std::str::from_utf8(head).map_err(|_| ReadError::Malformed)?;
    let mut lines = text
        .split('\n')
        .map(|line| line.strip_suffix('\r').unwrap_or(line));
    let request_line = lines.next().ok_or(ReadError::Malformed)?;
    let mut parts = request_line.split(' ');
    let (Some(method), Some(target), Some(version), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(ReadError::Malformed);
    };
    if method.is_empty() || !method.bytes().all(is_tchar) {
        return Err(ReadError::Malformed);
    }
    let http10 = match version {
        "HTTP/1.1" => false,
        "HTTP/1.0" => true,
        _ => return Err(ReadError::Malformed),
    };
    if target.is_empty() || !target.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(ReadError::Malformed);
    }
    let method = Method::from_bytes(method.as_bytes()).map_err(|_| ReadError::Malformed)?;
    let (uri, target_authority) = parse_target(target)?;

    let mut headers = HeaderMap::new();
    let mut count = 0;
    for line in lines {
        if line.is_empty() {
            break;
        }
        count += 1;
        if count > MAX_HEADERS {
            return Err(ReadError::HeadTooLarge);
        }
        let (name, value) = line.split_once(':').ok_or(ReadError::Malformed)?;
        if name.is_empty() || !name.bytes().all(is_tchar) {
            // Also refuses obsolete line folding (a line starting with white space).
            return Err(ReadError::Malformed);
        }
        let name = HeaderName::from_bytes(name.as_bytes()).map_err(|_| ReadError::Malformed)?;
        let value = HeaderValue::from_str(value.trim_matches([' ', '\t']))
            .map_err(|_| ReadError::Malformed)?;
        headers.append(name, value);
    }

    let mut lengths = headers.get_all(CONTENT_LENGTH).iter();
    let length = match (lengths.next(), lengths.next()) {
        (None, _) => None,
        (Some(value), None) => {
            let text = value.to_str().map_err(|_| ReadError::Malformed)?.trim();
            if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
                return Err(ReadError::Malformed);
            }
            let length: u64 = text.parse().map_err(|_| ReadError::BodyTooLarge)?;
            Some(length)
        }
        (Some(_), Some(_)) => return Err(ReadError::Malformed),
    };
    let chunked = match headers.get(TRANSFER_ENCODING) {
        None => false,
        Some(value) => {
            let codings = value.to_str().map_err(|_| ReadError::Malformed)?;
            if codings.trim().eq_ignore_ascii_case("chunked") {
                true
            } else {
                return Err(ReadError::Malformed);
            }
        }
    };
    let body = match (length, chunked) {
        (Some(_), true) => return Err(ReadError::Malformed),
        (None, true) => BodyKind::Chunked,
        (Some(0) | None, false) => BodyKind::None,
        (Some(length), false) => {
            if length > MAX_BODY as u64 {
                return Err(ReadError::BodyTooLarge);
            }
            BodyKind::Length(usize::try_from(length).map_err(|_| ReadError::BodyTooLarge)?)
        }
    };
    let connection = headers
        .get(CONNECTION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    let keep_alive = if http10 {
        connection.contains("keep-alive")
    } else {
        !connection.contains("close")
    };
    let expects_continue = headers
        .get(EXPECT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("100-continue"));
    let authority = target_authority.or_else(|| {
        headers
            .get(HOST)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    });
    Ok(Head {
        method,
        uri,
        headers,
        authority,
        keep_alive,
        expects_continue,
        body,
    })
}

/// An origin-form target (`/path?query`) as is; an absolute-form one
/// (`http://host/path?query`, sent to proxies) reduced to origin form and its authority.
fn parse_target(target: &str) -> Result<(http::Uri, Option<String>), ReadError> {
    let uri: http::Uri = target.parse().map_err(|_| ReadError::Malformed)?;
    if target.starts_with('/') {
        return Ok((uri, None));
    }
    let authority = uri.authority().map(|a| a.as_str().to_owned());
    if authority.is_none() {
        return Err(ReadError::Malformed);
    }
    let origin = uri
        .path_and_query()
        .map_or("/", http::uri::PathAndQuery::as_str);
    let origin: http::Uri = origin.parse().map_err(|_| ReadError::Malformed)?;
    Ok((origin, authority))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heads_end_at_the_blank_line() {
        assert_eq!(
            find_head_end(b"GET / HTTP/1.1\r\nHost: a\r\n\r\nrest"),
            Some(27)
        );
        assert_eq!(find_head_end(b"GET / HTTP/1.1\nHost: a\n\nrest"), Some(24));
        assert_eq!(find_head_end(b"GET / HTTP/1.1\r\nHost: a\r\n"), None);
    }

    #[test]
    fn a_request_head_is_read() {
        let head = parse_head(
            b"POST /1.1/friendships/create.json?x=1 HTTP/1.1\r\nHost: 127.0.0.1:9\r\nContent-Length: 12\r\nConnection: close\r\n\r\n",
        )
        .unwrap();
        assert_eq!(head.method, Method::POST);
        assert_eq!(head.uri.path(), "/1.1/friendships/create.json");
        assert_eq!(head.authority.as_deref(), Some("127.0.0.1:9"));
        assert_eq!(head.body, BodyKind::Length(12));
        assert!(!head.keep_alive);
    }

    #[test]
    fn absolute_targets_become_origin_form() {
        let head = parse_head(b"GET http://localhost:8080/2/users/me HTTP/1.1\r\n\r\n").unwrap();
        assert_eq!(head.uri, "/2/users/me");
        assert_eq!(head.authority.as_deref(), Some("localhost:8080"));
    }

    #[test]
    fn what_is_not_http_is_refused() {
        for bad in [
            &b"garbage\r\n\r\n"[..],
            b"GET /\r\n\r\n",
            b"GET / HTTP/2.0\r\n\r\n",
            b"GET / HTTP/1.1\r\nbad header\r\n\r\n",
            b"GET / HTTP/1.1\r\n folded: x\r\n\r\n",
            b"GET / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
            b"GET / HTTP/1.1\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n",
            b"GET / HTTP/1.1\r\nContent-Length: -1\r\n\r\n",
            b"G\xC3T / HTTP/1.1\r\n\r\n",
        ] {
            assert!(
                matches!(parse_head(bad), Err(ReadError::Malformed)),
                "{bad:?}"
            );
        }
        let mut many = b"GET / HTTP/1.1\r\n".to_vec();
        for i in 0..=MAX_HEADERS {
            many.extend_from_slice(format!("x-h{i}: 1\r\n").as_bytes());
        }
        many.extend_from_slice(b"\r\n");
        assert!(matches!(parse_head(&many), Err(ReadError::HeadTooLarge)));
        assert!(matches!(
            parse_head(b"POST / HTTP/1.1\r\nContent-Length: 2000000\r\n\r\n"),
            Err(ReadError::BodyTooLarge)
        ));
    }
}
