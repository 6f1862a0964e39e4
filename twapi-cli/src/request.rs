//! `twapi request METHOD PATH [k=v ...]`: any endpoint of the family, the parameters read into
//! the endpoint's typed request with the server's own rules (`ServerRequest::read`, the type
//! picked by `EndpointId::visit`), so a misspelt parameter or a bad value is refused before
//! anything is sent.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::pin::Pin;

use bytes::Bytes;
use twapi_core::endpoint::{EndpointVisitor, VisitRequest};
use twapi_core::request::Parts;
use twapi_core::request::server::{IncomingRequest, ServerRequest};
use twapi_core::{ApiVersion, EndpointId};
use twapi_hyper::Client;

use crate::failure::Failure;
use crate::output::Printer;

/// One request as the command line gives it.
#[derive(Debug, Clone)]
pub(crate) struct RawRequest {
    pub(crate) method: String,
    /// The path, possibly with a `?query`.
    pub(crate) target: String,
    /// `k=v` parameters.
    pub(crate) params: Vec<String>,
}

/// The endpoint a raw request names, and its typed form, ready to send.
pub(crate) struct Prepared {
    endpoint: EndpointId,
    received: http::Request<Bytes>,
    given: Vec<String>,
}

impl RawRequest {
    /// Matches the endpoint and builds the request as a server would receive it.
    pub(crate) fn prepare(&self) -> Result<Prepared, Failure> {
        let method = http::Method::from_bytes(self.method.to_ascii_uppercase().as_bytes())
            .map_err(|_| Failure::usage(format!("{:?} is not an HTTP method", self.method)))?;
        let (path, query) = match self.target.split_once('?') {
            Some((path, query)) => (path, Some(query)),
            None => (self.target.as_str(), None),
        };
        let Some((endpoint, _)) = EndpointId::match_request(&method, path) else {
            let mut known = String::new();
            for id in EndpointId::ALL {
                let d = id.descriptor();
                let _ = write!(known, "\n  {:6} {}", d.method, d.path);
            }
            return Err(Failure::usage(format!(
                "{method} {path} is not an endpoint of the follow, search and get-users family; these are:{known}"
            )));
        };
        let params = self
            .params
            .iter()
            .map(|arg| {
                arg.split_once('=').ok_or_else(|| {
                    Failure::usage(format!("{arg:?} is not a parameter: write it name=value"))
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let json_body = takes_json(endpoint);
        let mut uri = format!("http://twapi.invalid{path}");
        let mut pairs: Vec<String> = query.iter().map(|q| (*q).to_owned()).collect();
        let mut builder = http::Request::builder().method(method);
        let mut body = Bytes::new();
        let mut given = Vec::new();
        if json_body {
            let object: serde_json::Map<String, serde_json::Value> = params
                .iter()
                .map(|(name, value)| ((*name).to_owned(), serde_json::Value::from(*value)))
                .collect();
            body = Bytes::from(
                serde_json::to_vec(&object).map_err(|e| Failure::internal(e.to_string()))?,
            );
            builder = builder.header(http::header::CONTENT_TYPE, "application/json");
        } else {
            for pair in query
                .iter()
                .flat_map(|q| q.split('&'))
                .filter(|p| !p.is_empty())
            {
                let name = pair.split_once('=').map_or(pair, |(name, _)| name);
                given.push(
                    twapi_auth::percent::decode_form(name)
                        .map_or_else(|_| name.to_owned(), Cow::into_owned),
                );
            }
            for (name, value) in &params {
                pairs.push(format!(
                    "{}={}",
                    twapi_auth::percent::encode(name),
                    twapi_auth::percent::encode(value)
                ));
                given.push((*name).to_owned());
            }
        }
        if !pairs.is_empty() {
            uri.push('?');
            uri.push_str(&pairs.join("&"));
        }
        let received = builder
            .uri(uri)
            .body(body)
            .map_err(|e| Failure::usage(format!("{} is not a valid request: {e}", self.target)))?;
        Ok(Prepared {
            endpoint,
            received,
            given,
        })
    }
}

/// Whether the endpoint's request travels as a JSON body (the v2 writes).
fn takes_json(endpoint: EndpointId) -> bool {
    let descriptor = endpoint.descriptor();
    descriptor.version == ApiVersion::V2 && descriptor.method == http::Method::POST
}

impl Prepared {
    /// Reads the typed request, sends it, prints the answer.
    pub(crate) async fn send(&self, client: &Client, printer: &Printer) -> Result<(), Failure> {
        let Some((_, path)) =
            EndpointId::match_request(self.received.method(), self.received.uri().path())
        else {
            return Err(Failure::internal(format!(
                "{} no longer matches {}",
                self.received.uri().path(),
                self.endpoint
            )));
        };
        let incoming = IncomingRequest::from_http(path, &self.received)
            .map_err(|e| Failure::usage(e.to_string()))?;
        self.endpoint
            .visit(SendTyped {
                client,
                incoming: &incoming,
                given: &self.given,
                printer,
            })
            .await
    }
}

/// Sending a received request as the typed request of its endpoint, whichever that is.
struct SendTyped<'r, 'a> {
    client: &'r Client,
    incoming: &'r IncomingRequest<'a>,
    given: &'r [String],
    printer: &'r Printer,
}

impl<'r> EndpointVisitor for SendTyped<'r, '_> {
    type Output = Pin<Box<dyn Future<Output = Result<(), Failure>> + 'r>>;
}

impl<R: ServerRequest + Clone + 'static> VisitRequest<R> for SendTyped<'_, '_> {
    fn visit(self) -> Self::Output {
        Box::pin(send::<R>(
            self.client,
            self.incoming,
            self.given,
            self.printer,
        ))
    }
}

async fn send<R: ServerRequest + Clone>(
    client: &Client,
    incoming: &IncomingRequest<'_>,
    given: &[String],
    printer: &Printer,
) -> Result<(), Failure> {
    let request = R::read(incoming).map_err(|e| {
        Failure::usage(match given {
            [] => format!("{}: {e}", R::ENDPOINT),
            _ => format!("{}: {e} (given: {})", R::ENDPOINT, given.join(", ")),
        })
    })?;
    // A parameter the endpoint does not know is not read, so it is not written back: a typo.
    let mut parts = Parts::default();
    request
        .write(&mut parts)
        .map_err(|e| Failure::usage(format!("{}: {e}", R::ENDPOINT)))?;
    let known: Vec<&str> = parts.params.pairs().iter().map(|(name, _)| *name).collect();
    let unknown: Vec<&str> = given
        .iter()
        .map(String::as_str)
        .filter(|name| !known.contains(name))
        .collect();
    if !unknown.is_empty() {
        let reads = if known.is_empty() {
            "none of them".to_owned()
        } else {
            known.join(", ")
        };
        return Err(Failure::usage(format!(
            "{} does not take {} (of what was given it reads: {reads})",
            R::ENDPOINT,
            unknown.join(", "),
        )));
    }
    if printer.verbose {
        let descriptor = R::ENDPOINT.descriptor();
        let query: Vec<String> = parts
            .params
            .pairs()
            .iter()
            .map(|(name, value)| {
                format!(
                    "{}={}",
                    twapi_auth::percent::encode(name),
                    twapi_auth::percent::encode(value)
                )
            })
            .collect();
        let query = if query.is_empty() {
            String::new()
        } else {
            format!("?{}", query.join("&"))
        };
        eprintln!(
            "> {} {}{}{query}",
            descriptor.method,
            client.api().base_url(),
            descriptor
                .render_path(&parts.path_params())
                .unwrap_or_else(|_| descriptor.path.to_owned())
        );
    }
    let reply = client.send(&request).await?;
    if printer.verbose {
        eprintln!("< {} ({})", reply.status(), R::ENDPOINT);
        crate::output::print_rate_limits(reply.rate_limit());
        eprintln!("< cost: {}", reply.cost());
    }
    printer.body(reply.body())
}
