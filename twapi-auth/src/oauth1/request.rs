//! The parts of an HTTP request that OAuth 1.0a signs: the method, the URL as the client
//! addressed it (its query parameters are signed), and the form-encoded body if there is one.
//!
//! Decision: the URL is given WITH its query, and the query's parameters are parsed out of it
//! and signed. That is what a client sends and what a server receives, so both sides pass
//! the request's own URI and cannot forget a parameter. Form-body parameters come either as
//! the raw body ([`RequestParts::with_form_body`]) or as decoded pairs
//! ([`RequestParts::with_form_pairs`]). JSON bodies are never signed: leave the form empty.

use std::fmt;

use crate::percent::DecodeError;

/// The signed parts of a request, borrowed from the caller. Build one with [`RequestParts::new`]
/// (a method and an absolute URL), [`RequestParts::from_http`], [`RequestParts::from_request`]
/// or, on a server, [`RequestParts::from_origin`].
///
/// ```
/// use twapi_auth::oauth1::RequestParts;
///
/// let request = RequestParts::new("GET", "https://API.X.com:443/1.1/followers/ids.json?cursor=-1")?;
/// assert_eq!(request.base_string_uri(), "https://api.x.com/1.1/followers/ids.json");
/// assert_eq!(request.query(), Some("cursor=-1"));
/// # Ok::<(), twapi_auth::oauth1::RequestError>(())
/// ```
#[derive(Clone, Copy, Debug)]
pub struct RequestParts<'a> {
    method: &'a str,
    scheme: &'a str,
    host: &'a str,
    port: Option<u16>,
    path: &'a str,
    query: Option<&'a str>,
    form_body: Option<&'a [u8]>,
    form_pairs: &'a [(&'a str, &'a str)],
}

/// Why a request cannot be signed or verified.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum RequestError {
    /// The method is empty or not an HTTP token.
    InvalidMethod,
    /// The URL has no `scheme://` (a relative or origin-form URL).
    MissingScheme,
    /// The URL has no host.
    MissingHost,
    /// The port is not a number from 0 to 65535.
    InvalidPort,
    /// A query parameter has a malformed escape or is not UTF-8.
    Query(DecodeError),
    /// A form-body parameter has a malformed escape or is not UTF-8.
    Body(DecodeError),
    /// The `Authorization` value could not become an HTTP header (cannot happen for the
    /// ASCII this crate writes; reported rather than panicking).
    InvalidHeaderValue,
}

impl fmt::Display for RequestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidMethod => f.write_str("the HTTP method is not a valid token"),
            Self::MissingScheme => f.write_str("the URL has no scheme (expected https://host/...)"),
            Self::MissingHost => f.write_str("the URL has no host"),
            Self::InvalidPort => f.write_str("the URL's port is not a number below 65536"),
            Self::Query(error) => write!(f, "query string: {error}"),
            Self::Body(error) => write!(f, "form body: {error}"),
            Self::InvalidHeaderValue => {
                f.write_str("the Authorization value is not a valid header")
            }
        }
    }
}

impl std::error::Error for RequestError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Query(error) | Self::Body(error) => Some(error),
            _ => None,
        }
    }
}

impl<'a> RequestParts<'a> {
    /// A request from its method and absolute URL (query included; a fragment is ignored).
    pub fn new(method: &'a str, url: &'a str) -> Result<Self, RequestError> {
        // Byte scans rather than substring searches: URLs are short and this runs per request.
        let bytes = url.as_bytes();
        let colon = bytes
            .iter()
            .position(|&b| b == b':')
            .ok_or(RequestError::MissingScheme)?;
        if bytes.get(colon + 1..colon + 3) != Some(b"//") {
            return Err(RequestError::MissingScheme);
        }
        let scheme = url.get(..colon).ok_or(RequestError::MissingScheme)?;
        let rest = url.get(colon + 3..).unwrap_or_default();
        let authority_end = rest
            .bytes()
            .position(|b| matches!(b, b'/' | b'?' | b'#'))
            .unwrap_or(rest.len());
        let (authority, path_and_query) = rest
            .split_at_checked(authority_end)
            .ok_or(RequestError::MissingHost)?;
        Self::from_origin(method, scheme, authority, path_and_query)
    }

    /// A request from `http` types; the URI must be absolute (`https://host/path?query`).
    pub fn from_http(method: &'a http::Method, uri: &'a http::Uri) -> Result<Self, RequestError> {
        let scheme = uri.scheme_str().ok_or(RequestError::MissingScheme)?;
        let authority = uri.authority().ok_or(RequestError::MissingHost)?;
        let (host, port) = split_authority(authority.as_str())?;
        Ok(Self {
            method: checked_method(method.as_str())?,
            scheme,
            host,
            port,
            path: uri.path(),
            query: uri.query(),
            form_body: None,
            form_pairs: &[],
        })
    }

    /// A request from an `http::Request`: its method and absolute URI, and its body when the
    /// `Content-Type` is `application/x-www-form-urlencoded` (any other body is not signed).
    pub fn from_request<B: AsRef<[u8]>>(
        request: &'a http::Request<B>,
    ) -> Result<Self, RequestError> {
        let parts = Self::from_http(request.method(), request.uri())?;
        let is_form = request
            .headers()
            .get(http::header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .is_some_and(is_form_content_type);
        Ok(if is_form {
            parts.with_form_body(request.body().as_ref())
        } else {
            parts
        })
    }

    /// A request as a server sees it: the method, the scheme it listens on, the `Host`
    /// header (`host[:port]`) and the request target (`/path?query`).
    ///
    /// ```
    /// use twapi_auth::oauth1::RequestParts;
    ///
    /// let request = RequestParts::from_origin("GET", "http", "127.0.0.1:8080", "/2/users/me?x=1")?;
    /// assert_eq!(request.base_string_uri(), "http://127.0.0.1:8080/2/users/me");
    /// # Ok::<(), twapi_auth::oauth1::RequestError>(())
    /// ```
    pub fn from_origin(
        method: &'a str,
        scheme: &'a str,
        authority: &'a str,
        path_and_query: &'a str,
    ) -> Result<Self, RequestError> {
        if !is_scheme(scheme) {
            return Err(RequestError::MissingScheme);
        }
        let (host, port) = split_authority(authority)?;
        // One pass to the end of the path (`?` or `#`), then the query's end. Byte loops
        // rather than `str::find`: these strings are short, where memchr's setup dominates.
        let bytes = path_and_query.as_bytes();
        let path_end = path_end(bytes);
        let path = path_and_query.get(..path_end).unwrap_or_default();
        let query = if bytes.get(path_end) == Some(&b'?') {
            let rest = path_and_query.get(path_end + 1..).unwrap_or_default();
            rest.get(..fragment_start(rest.as_bytes()))
        } else {
            None
        };
        Ok(Self {
            method: checked_method(method)?,
            scheme,
            host,
            port,
            path,
            query,
            form_body: None,
            form_pairs: &[],
        })
    }

    /// Signs the parameters of a raw `application/x-www-form-urlencoded` body.
    #[must_use]
    pub fn with_form_body(mut self, body: &'a [u8]) -> Self {
        self.form_body = Some(body);
        self
    }

    /// Signs these decoded form-body parameters (as they will be sent, before encoding).
    #[must_use]
    pub fn with_form_pairs(mut self, pairs: &'a [(&'a str, &'a str)]) -> Self {
        self.form_pairs = pairs;
        self
    }

    /// The method as given (the base string upper-cases it).
    pub fn method(&self) -> &'a str {
        self.method
    }

    /// The raw query string (without `?`), if any.
    pub fn query(&self) -> Option<&'a str> {
        self.query
    }

    /// The raw form body, if one was attached.
    pub fn form_body(&self) -> Option<&'a [u8]> {
        self.form_body
    }

    /// The decoded form pairs attached with [`RequestParts::with_form_pairs`].
    pub fn form_pairs(&self) -> &'a [(&'a str, &'a str)] {
        self.form_pairs
    }

    /// The base string URI (RFC 5849 §3.4.1.2): lower-case scheme and host, the port only
    /// when it is not the scheme's default, the path (`/` when empty), no query or fragment.
    pub fn base_string_uri(&self) -> String {
        let mut port_buffer = [0; 5];
        let uri = self.base_uri(&mut port_buffer);
        let mut out = String::with_capacity(
            uri.scheme.len() + uri.host.len() + uri.port.len() + uri.path.len() + 4,
        );
        out.push_str(uri.scheme);
        out.make_ascii_lowercase();
        out.push_str("://");
        let host_start = out.len();
        out.push_str(uri.host);
        if let Some(host) = out.get_mut(host_start..) {
            host.make_ascii_lowercase();
        }
        if !uri.port.is_empty() {
            out.push(':');
            out.push_str(uri.port);
        }
        out.push_str(uri.path);
        out
    }

    /// The pieces of the base string URI, so the signer can encode them straight into the
    /// MAC. `port_buffer` holds the port's digits.
    pub(crate) fn base_uri<'b>(&self, port_buffer: &'b mut [u8; 5]) -> BaseUri<'b>
    where
        'a: 'b,
    {
        let port = match self.port {
            Some(port) if Some(port) != default_port(self.scheme) => port_digits(port, port_buffer),
            _ => "",
        };
        BaseUri {
            scheme: self.scheme,
            host: self.host,
            port,
            path: if self.path.is_empty() { "/" } else { self.path },
        }
    }
}

/// The base string URI in pieces: scheme and host still to be lower-cased, the port's digits
/// (empty for the default port) and the path.
#[derive(Clone, Copy, Debug)]
pub(crate) struct BaseUri<'b> {
    pub(crate) scheme: &'b str,
    pub(crate) host: &'b str,
    pub(crate) port: &'b str,
    pub(crate) path: &'b str,
}

/// Whether a `Content-Type` value names a form-encoded body (parameters such as
/// `;charset=UTF-8` allowed).
pub(crate) fn is_form_content_type(value: &str) -> bool {
    let essence = value.split(';').next().unwrap_or_default().trim();
    essence.eq_ignore_ascii_case(crate::form::CONTENT_TYPE)
}

/// Where the path ends: the first `?` or `#`, or the length. Whole 16-byte blocks without
/// either are skipped by a branch-free test (which the compiler vectorizes), then the rest
/// is searched byte by byte.
#[allow(
    clippy::needless_bitwise_bool,
    reason = "non-short-circuit so that the block test has no branch and vectorizes"
)]
fn path_end(bytes: &[u8]) -> usize {
    let mut skipped = 0;
    for block in bytes.chunks_exact(16) {
        if block
            .iter()
            .fold(false, |found, &b| found | (b == b'?') | (b == b'#'))
        {
            break;
        }
        skipped += 16;
    }
    let rest = bytes.get(skipped..).unwrap_or_default();
    skipped
        + rest
            .iter()
            .position(|&b| b == b'?' || b == b'#')
            .unwrap_or(rest.len())
}

/// Where a query's fragment starts (its `#`), or its length. Queries rarely have one: a
/// branch-free test (which the compiler vectorizes) rules it out before any search.
#[allow(
    clippy::needless_bitwise_bool,
    reason = "non-short-circuit so that the loop has no branch and vectorizes"
)]
fn fragment_start(query: &[u8]) -> usize {
    let has_fragment = query.iter().fold(false, |found, &b| found | (b == b'#'));
    if has_fragment {
        query.iter().position(|&b| b == b'#').unwrap_or(query.len())
    } else {
        query.len()
    }
}

fn is_scheme(scheme: &str) -> bool {
    let mut bytes = scheme.bytes();
    bytes.next().is_some_and(|b| b.is_ascii_alphabetic())
        && bytes.all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'-' || b == b'.')
}

fn checked_method(method: &str) -> Result<&str, RequestError> {
    let is_tchar = |b: u8| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b);
    if !method.is_empty() && method.bytes().all(is_tchar) {
        Ok(method)
    } else {
        Err(RequestError::InvalidMethod)
    }
}

/// Splits `[userinfo@]host[:port]`; the userinfo is not part of the base string URI.
fn split_authority(authority: &str) -> Result<(&str, Option<u16>), RequestError> {
    let at_sign = authority.bytes().rposition(|b| b == b'@');
    let host_port = at_sign.map_or(authority, |at| authority.get(at + 1..).unwrap_or_default());
    let (host, port) = if host_port.starts_with('[') {
        let end = host_port
            .bytes()
            .position(|b| b == b']')
            .ok_or(RequestError::MissingHost)?;
        let (host, rest) = host_port
            .split_at_checked(end + 1)
            .ok_or(RequestError::MissingHost)?;
        match rest {
            "" => (host, None),
            _ => (
                host,
                Some(rest.strip_prefix(':').ok_or(RequestError::InvalidPort)?),
            ),
        }
    } else {
        match host_port.bytes().rposition(|b| b == b':') {
            Some(colon) => (
                host_port.get(..colon).unwrap_or_default(),
                host_port.get(colon + 1..),
            ),
            None => (host_port, None),
        }
    };
    if host.is_empty() {
        return Err(RequestError::MissingHost);
    }
    let port = match port {
        None | Some("") => None,
        Some(digits) if digits.bytes().all(|b| b.is_ascii_digit()) => Some(
            digits
                .parse::<u16>()
                .map_err(|_| RequestError::InvalidPort)?,
        ),
        Some(_) => return Err(RequestError::InvalidPort),
    };
    Ok((host, port))
}

fn default_port(scheme: &str) -> Option<u16> {
    if scheme.eq_ignore_ascii_case("http") {
        Some(80)
    } else if scheme.eq_ignore_ascii_case("https") {
        Some(443)
    } else {
        None
    }
}

fn port_digits(port: u16, buffer: &mut [u8; 5]) -> &str {
    let mut value = port;
    let mut start = buffer.len();
    loop {
        start -= 1;
        if let Some(slot) = buffer.get_mut(start) {
            *slot = b'0' + u8::try_from(value % 10).unwrap_or(0);
        }
        value /= 10;
        if value == 0 || start == 0 {
            break;
        }
    }
    buffer
        .get(start..)
        .and_then(|digits| std::str::from_utf8(digits).ok())
        .unwrap_or_default()
}
