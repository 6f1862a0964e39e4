//! OAuth 1.0a (RFC 5849) HMAC-SHA1, as X implements it: signing on the client, parsing and
//! verification on the server.
//!
//! - [`Signer`]: the fast path, keyed once per [`Credentials`], producing the
//!   [`Signature`] or the whole `Authorization` header of a [`RequestParts`].
//! - [`reference`](mod@reference): every step as its own public function (base string URI, parameter
//!   string, base string, signing key, signature, header), the plain way; the executable
//!   specification the signer is tested against.
//! - [`parse_authorization_header`] and [`verify`](fn@verify): the server side.
//!
//! What is signed: the query parameters of the URL, the parameters of an
//! `application/x-www-form-urlencoded` body, and the oauth_* parameters. JSON bodies are
//! never signed (X's v2 JSON endpoints accept OAuth 1.0a without a body hash).

mod credentials;
mod header;
pub mod reference;
mod request;
mod signer;
mod verify;

pub use credentials::{Credentials, OAuthParams};
pub use header::{OAuthHeader, ParseError, parse_authorization_header};
pub use request::{RequestError, RequestParts};
pub use signer::{Signature, Signer};
pub use verify::{TimeWindow, VerifyError, verify};
