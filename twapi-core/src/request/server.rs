//! The server's side of the requests (the `server` feature): reading a typed request back
//! from what a server received, checking the rules the client side checks when writing it.
//!
//! A client never needs this module, so it is left out unless the feature asks for it; the
//! emulator and the fuzz targets turn it on.

use twapi_model::UserId;

use super::ApiRequest;
use crate::endpoint::{PathParam, PathParams};
use crate::param::{Incoming, Invalid, InvalidRequest};

/// A request a server can read back from what it received: the other direction of
/// [`ApiRequest::write`], checking the same rules, so that `read(write(r)) == r` for every
/// valid `r`. Every endpoint's request type implements it.
pub trait ServerRequest: ApiRequest {
    /// Reads the request back from what a server received, checking the same rules.
    fn read(incoming: &IncomingRequest<'_>) -> Result<Self, InvalidRequest>;
}

/// What a server received, decoded: path values, query and form parameters, the raw body.
#[derive(Debug, Clone, Default)]
pub struct IncomingRequest<'a> {
    /// Values captured from the path.
    pub path: PathParams<'a>,
    /// Query and form parameters, percent-decoded.
    pub params: Incoming<'a>,
    /// The body when it is JSON.
    pub json: Option<&'a [u8]>,
}

impl<'a> IncomingRequest<'a> {
    /// Reads a received request whose path has already been matched to an endpoint
    /// ([`EndpointId::match_request`](crate::EndpointId::match_request)): the query and an `application/x-www-form-urlencoded`
    /// body are percent-decoded (borrowing where nothing was escaped), a JSON body is kept raw.
    ///
    /// ```
    /// use twapi_core::EndpointId;
    /// use twapi_core::request::server::{IncomingRequest, ServerRequest};
    /// use twapi_core::request::v1::FollowersIds;
    ///
    /// let received = http::Request::get("http://127.0.0.1/1.1/followers/ids.json?screen_name=jack&count=10")
    ///     .body(bytes::Bytes::new())?;
    /// let (id, path) = EndpointId::match_request(received.method(), received.uri().path()).unwrap();
    /// assert_eq!(id, EndpointId::FollowersIds);
    /// let request = FollowersIds::read(&IncomingRequest::from_http(path, &received)?)?;
    /// assert_eq!(request.count, Some(10));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn from_http(
        path: PathParams<'a>,
        request: &'a http::Request<bytes::Bytes>,
    ) -> Result<Self, InvalidRequest> {
        let mut pairs = Vec::new();
        if let Some(query) = request.uri().query() {
            decode_pairs(query.as_bytes(), &mut pairs)?;
        }
        let content_type = request
            .headers()
            .get(http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(|v| {
                v.split(';')
                    .next()
                    .unwrap_or_default()
                    .trim()
                    .to_ascii_lowercase()
            });
        let mut json = None;
        match content_type.as_deref() {
            Some("application/x-www-form-urlencoded") => decode_pairs(request.body(), &mut pairs)?,
            Some("application/json") => json = Some(request.body().as_ref()),
            _ => {}
        }
        Ok(Self {
            path,
            params: Incoming::from_pairs(pairs),
            json,
        })
    }

    /// A path parameter that must be a user id.
    pub fn path_user_id(&self, param: PathParam) -> Result<UserId, InvalidRequest> {
        let raw = self
            .path
            .get(param)
            .ok_or_else(|| InvalidRequest::new(param.name(), Invalid::Missing))?;
        raw.parse().map_err(|_| {
            InvalidRequest::new(
                param.name(),
                Invalid::Malformed {
                    value: raw.to_owned(),
                    expected: "a user id (decimal digits)",
                },
            )
        })
    }
}

/// Splits `a=1&b=2` and percent-decodes each side (`+` is a space, as forms write it).
fn decode_pairs<'a>(
    raw: &'a [u8],
    out: &mut Vec<(std::borrow::Cow<'a, str>, std::borrow::Cow<'a, str>)>,
) -> Result<(), InvalidRequest> {
    let malformed = |piece: &[u8]| {
        InvalidRequest::new(
            "query",
            Invalid::Malformed {
                value: String::from_utf8_lossy(piece).into_owned(),
                expected: "percent-encoded UTF-8 name=value pairs",
            },
        )
    };
    for piece in raw.split(|b| *b == b'&').filter(|p| !p.is_empty()) {
        let (name, value) = match piece.iter().position(|b| *b == b'=') {
            Some(at) => (&piece[..at], &piece[at + 1..]),
            None => (piece, &b""[..]),
        };
        let name = twapi_auth::percent::decode_form_bytes(name).map_err(|_| malformed(piece))?;
        let value = twapi_auth::percent::decode_form_bytes(value).map_err(|_| malformed(piece))?;
        out.push((name, value));
    }
    Ok(())
}
