//! Typed requests, one per endpoint: the parameters X documents, checked before anything is
//! sent, written as raw parts and read back from raw parts.
//!
//! Writing and reading are two directions of one protocol: a client writes a request with
//! [`ApiRequest::write`] and [`Api::prepare`](crate::Api::prepare) turns it into an
//! `http::Request`; a server (the emulator) reads it back with `ServerRequest::read`, in
//! the `server` module that the `server` feature adds. Both check the same rules, so
//! `read(write(r)) == r` for every valid `r`.

#[cfg(feature = "server")]
pub mod server;
pub mod v1;
pub mod v2;

use crate::endpoint::{EndpointId, PathParam, PathParams};
use crate::error::ApiError;
use crate::param::{InvalidRequest, Params, check_range};
use crate::reply::Payload;

/// A request to one endpoint, as a client writes it. (A server reads one back with
/// `request::server::ServerRequest`, which the `server` feature adds.)
pub trait ApiRequest: Sized {
    /// What a successful reply decodes to.
    type Output: Payload;

    /// The endpoint, whose table entry gives method, path, auth modes and limits.
    const ENDPOINT: EndpointId;

    /// Writes path values, parameters and any JSON body, checking every documented rule.
    fn write(&self, out: &mut Parts) -> Result<(), InvalidRequest>;

    /// Turns an API error that is really an outcome into that outcome (friendships/create's
    /// 403 "already requested"); `None` leaves it an error.
    fn recover(_error: &ApiError) -> Option<Self::Output> {
        None
    }
}

/// The raw parts a request writes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Parts {
    /// Values of the path template's parameters.
    pub path: Vec<(PathParam, String)>,
    /// Query parameters (GET, DELETE) or the form body (v1.1 POST), raw.
    pub params: Params,
    /// A JSON body (v2 POST); never signed by OAuth 1.0a.
    pub json: Option<Vec<u8>>,
}

impl Parts {
    /// The path parameters as the endpoint table's borrowed form.
    pub fn path_params(&self) -> PathParams<'_> {
        self.path
            .iter()
            .fold(PathParams::new(), |acc, (param, value)| {
                acc.with(*param, value)
            })
    }
}

/// Checks a page-size parameter against the endpoint table.
fn check_page_size(endpoint: EndpointId, value: Option<u32>) -> Result<(), InvalidRequest> {
    match (value, endpoint.descriptor().page_size) {
        (Some(v), Some(size)) => check_range(size.param, v, size.min, size.max),
        _ => Ok(()),
    }
}

/// The most ids or names one lookup takes, from the endpoint table.
fn max_batch(endpoint: EndpointId) -> usize {
    endpoint
        .descriptor()
        .max_batch
        .and_then(|n| usize::try_from(n).ok())
        .unwrap_or(100)
}
