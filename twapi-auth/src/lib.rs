//! OAuth 1.0a signing and verification, app-only bearer and OAuth 2.0 PKCE for the X API, sans-IO.
//!
//! Every way a request to X is authorized, as pure functions and state machines over
//! `http` types: nothing here opens a socket, reads the clock or draws randomness
//! (except [`system`], behind the default `system` feature, which the rest never calls).
//!
//! | module | what |
//! |---|---|
//! | [`oauth1`] | RFC 5849 HMAC-SHA1: the fast [`oauth1::Signer`], the step-by-step [`oauth1::reference`], header parsing and [`oauth1::verify`] for servers |
//! | [`three_legged`] | request token → authorize URL → access token, with callback or PIN |
//! | [`bearer`] | app-only bearer tokens: obtain, use, invalidate |
//! | [`oauth2`], [`pkce`] | OAuth 2.0 Authorization Code with PKCE (S256): authorize URL, code exchange, refresh, revoke |
//! | [`percent`], [`form`] | RFC 3986 encoding and form bodies, as the protocols need them |
//! | [`Secret`] | secrets that never print and are wiped on drop |
//!
//! ```
//! use twapi_auth::oauth1::{Credentials, OAuthParams, Signer};
//!
//! let signer = Signer::new(&Credentials::new("consumer-key", "consumer-secret").with_token("token", "token-secret"));
//! let mut request = http::Request::get("https://api.x.com/1.1/followers/ids.json?screen_name=XDevelopers&count=5000")
//!     .body(bytes::Bytes::new())
//!     .unwrap();
//! // A driver draws these from `twapi_auth::system::{nonce, unix_now}`.
//! signer.authorize(&mut request, &OAuthParams::new("4572616e48616d6d65724c61686176", 1_700_000_000))?;
//! assert!(request.headers()["authorization"].to_str().unwrap().starts_with("OAuth oauth_consumer_key=\"consumer-key\""));
//! # Ok::<(), twapi_auth::oauth1::RequestError>(())
//! ```
#![forbid(unsafe_code)]

mod api_error;
pub mod bearer;
pub mod form;
pub mod oauth1;
pub mod oauth2;
pub mod percent;
pub mod pkce;
mod secret;
#[cfg(feature = "system")]
pub mod system;
pub mod three_legged;

pub use api_error::AuthApiError;
pub use secret::{Secret, SecretBody};

/// The X API host: the default base URL of the app-only and 3-legged endpoints.
pub const X_API_BASE: &str = "https://api.x.com";
