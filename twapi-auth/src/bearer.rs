//! App-only authentication: the `Authorization: Bearer` header, obtaining a bearer token
//! with the app's key and secret (`POST /oauth2/token`, client credentials grant), and
//! invalidating it (`POST /oauth2/invalidate_token`).
//!
//! ```
//! use twapi_auth::bearer::{AppAuth, parse_token_response};
//!
//! let app = AppAuth::new("xvz1evFS4wEEPTGEFPHBog", "L8qq9PZyRg6ieKGEKhZolGC0vJWLw8iEJ88DRdyOg");
//! let request = app.token_request().unwrap();
//! assert_eq!(request.uri(), "https://api.x.com/oauth2/token");
//! assert_eq!(request.body().as_ref(), b"grant_type=client_credentials");
//!
//! let response = http::Response::builder()
//!     .status(200)
//!     .body(bytes::Bytes::from_static(br#"{"token_type":"bearer","access_token":"AAAA%2FAAA%3DAAAAAAAA"}"#))
//!     .unwrap();
//! let token = parse_token_response(&response).unwrap();
//! assert_eq!(token.expose(), "AAAA%2FAAA%3DAAAAAAAA");
//! ```

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use http::header::{AUTHORIZATION, CONTENT_TYPE};
use http::{HeaderValue, Method, StatusCode};
use serde::Deserialize;
use zeroize::Zeroize;

use crate::X_API_BASE;
use crate::api_error::{self, AuthApiError};
use crate::percent;
use crate::secret::{Secret, SecretBody};

/// The `Content-Type` X documents for the token endpoints.
pub const TOKEN_CONTENT_TYPE: &str = "application/x-www-form-urlencoded;charset=UTF-8";

/// A bearer token: an app-only token, or an OAuth 2.0 user access token. Whoever holds it
/// can call the API, so it is a [`Secret`].
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(transparent)]
pub struct BearerToken(Secret);

impl BearerToken {
    /// Wraps a token string.
    pub fn new(token: impl Into<Secret>) -> Self {
        Self(token.into())
    }

    /// The token itself.
    pub fn expose(&self) -> &str {
        self.0.expose()
    }

    /// The `Authorization: Bearer …` header value, marked sensitive so `http` does not
    /// print it. Fails only if the token holds bytes a header cannot carry.
    ///
    /// ```
    /// let value = twapi_auth::bearer::BearerToken::new("AAAA").authorization().unwrap();
    /// assert_eq!(value, "Bearer AAAA");
    /// assert!(value.is_sensitive());
    /// ```
    pub fn authorization(&self) -> Result<HeaderValue, http::header::InvalidHeaderValue> {
        sensitive_header("Bearer ", self.expose())
    }
}

/// A header value `prefix + secret`, marked sensitive; the temporary string is wiped.
pub(crate) fn sensitive_header(
    prefix: &str,
    secret: &str,
) -> Result<HeaderValue, http::header::InvalidHeaderValue> {
    let mut text = String::with_capacity(prefix.len() + secret.len());
    text.push_str(prefix);
    text.push_str(secret);
    let value = HeaderValue::from_str(&text);
    text.zeroize();
    let mut value = value?;
    value.set_sensitive(true);
    Ok(value)
}

/// The HTTP Basic credential `base64(pe(id):pe(secret))` that X's token endpoints take.
///
/// ```
/// use twapi_auth::{bearer::basic_credential, Secret};
///
/// let credential = basic_credential("xvz1evFS4wEEPTGEFPHBog", &Secret::new("L8qq9PZyRg6ieKGEKhZolGC0vJWLw8iEJ88DRdyOg"));
/// assert_eq!(
///     credential.expose(),
///     "eHZ6MWV2RlM0d0VFUFRHRUZQSEJvZzpMOHFxOVBaeVJnNmllS0dFS2hab2xHQzB2SldMdzhpRUo4OERSZHlPZw==",
/// );
/// ```
pub fn basic_credential(id: &str, secret: &Secret) -> Secret {
    let mut joined = String::with_capacity(id.len() * 3 + secret.expose().len() * 3 + 1);
    percent::encode_into(id, &mut joined);
    joined.push(':');
    percent::encode_into(secret.expose(), &mut joined);
    let encoded = STANDARD.encode(joined.as_bytes());
    joined.zeroize();
    Secret::new(encoded)
}

/// A form POST with `Authorization: Basic` for the token endpoints of both bearer flows.
pub(crate) fn basic_form_post(
    uri: &str,
    basic: Option<&Secret>,
    content_type: &'static str,
    body: String,
) -> Result<http::Request<SecretBody>, http::Error> {
    let mut builder = http::Request::builder()
        .method(Method::POST)
        .uri(uri)
        .header(CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Some(basic) = basic {
        builder = builder.header(AUTHORIZATION, sensitive_header("Basic ", basic.expose())?);
    }
    builder.body(SecretBody::new(body))
}

/// Joins a base URL and an absolute path without doubling the slash.
pub(crate) fn join(base: &str, path: &str) -> String {
    let mut url = String::with_capacity(base.len() + path.len());
    url.push_str(base.trim_end_matches('/'));
    url.push_str(path);
    url
}

/// The app's consumer key and secret, and the API base URL the token endpoints live under
/// (`https://api.x.com` unless changed, e.g. to an emulator).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AppAuth {
    base_url: String,
    consumer_key: String,
    consumer_secret: Secret,
}

impl AppAuth {
    /// The app's consumer ("API") key and secret.
    pub fn new(consumer_key: impl Into<String>, consumer_secret: impl Into<Secret>) -> Self {
        Self {
            base_url: X_API_BASE.to_owned(),
            consumer_key: consumer_key.into(),
            consumer_secret: consumer_secret.into(),
        }
    }

    /// Sends the requests to another server (`http://127.0.0.1:8080`).
    #[must_use]
    pub fn with_base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = base_url.into();
        self
    }

    /// `POST {base}/oauth2/token` with the Basic credential and
    /// `grant_type=client_credentials`. Fails only if the base URL is not a valid URI.
    pub fn token_request(&self) -> Result<http::Request<SecretBody>, http::Error> {
        let basic = basic_credential(&self.consumer_key, &self.consumer_secret);
        basic_form_post(
            &join(&self.base_url, "/oauth2/token"),
            Some(&basic),
            TOKEN_CONTENT_TYPE,
            "grant_type=client_credentials".to_owned(),
        )
    }

    /// `POST {base}/oauth2/invalidate_token` with the Basic credential and
    /// `access_token=…`: revokes an app-only token.
    pub fn invalidate_request(
        &self,
        token: &BearerToken,
    ) -> Result<http::Request<SecretBody>, http::Error> {
        let basic = basic_credential(&self.consumer_key, &self.consumer_secret);
        let mut body = String::from("access_token=");
        percent::encode_into(token.expose(), &mut body);
        basic_form_post(
            &join(&self.base_url, "/oauth2/invalidate_token"),
            Some(&basic),
            TOKEN_CONTENT_TYPE,
            body,
        )
    }
}

/// Why a token-endpoint response did not yield a token.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum TokenError {
    /// X answered with an error body (e.g. code 99, "Unable to verify your credentials").
    Api {
        /// The HTTP status.
        status: StatusCode,
        /// The errors of the body.
        errors: Vec<AuthApiError>,
    },
    /// A non-success status without a recognizable error body.
    Status(StatusCode),
    /// A success status whose body is not the expected JSON.
    NotJson {
        /// The HTTP status.
        status: StatusCode,
        /// What the JSON parser said.
        detail: String,
    },
    /// `token_type` is not `bearer`.
    WrongTokenType(String),
    /// A required field is absent.
    MissingField(&'static str),
}

impl fmt::Display for TokenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Api { status, errors } => {
                write!(f, "token endpoint answered {status}: ")?;
                api_error::write_list(f, errors)
            }
            Self::Status(status) => write!(f, "token endpoint answered {status}"),
            Self::NotJson { status, detail } => {
                write!(
                    f,
                    "token endpoint answered {status} with a body that is not the expected JSON: {detail}"
                )
            }
            Self::WrongTokenType(kind) => write!(f, "token_type is {kind:?}, expected \"bearer\""),
            Self::MissingField(field) => write!(f, "the token response has no {field}"),
        }
    }
}

impl std::error::Error for TokenError {}

#[derive(Deserialize)]
struct TokenBody {
    token_type: Option<String>,
    access_token: Option<BearerToken>,
}

/// Checks the status and error bodies shared by both bearer responses, then decodes JSON.
fn decode<T: for<'de> Deserialize<'de>>(status: StatusCode, body: &[u8]) -> Result<T, TokenError> {
    if let Some(errors) = api_error::parse(body) {
        return Err(TokenError::Api { status, errors });
    }
    if !status.is_success() {
        return Err(TokenError::Status(status));
    }
    serde_json::from_slice(body).map_err(|error| TokenError::NotJson {
        status,
        detail: error.to_string(),
    })
}

/// Reads the response to [`AppAuth::token_request`]: `{"token_type":"bearer","access_token":"…"}`.
pub fn parse_token_response<B: AsRef<[u8]>>(
    response: &http::Response<B>,
) -> Result<BearerToken, TokenError> {
    let body: TokenBody = decode(response.status(), response.body().as_ref())?;
    let token_type = body
        .token_type
        .ok_or(TokenError::MissingField("token_type"))?;
    if !token_type.eq_ignore_ascii_case("bearer") {
        return Err(TokenError::WrongTokenType(token_type));
    }
    body.access_token
        .ok_or(TokenError::MissingField("access_token"))
}

/// Reads the response to [`AppAuth::invalidate_request`]: `{"access_token":"…"}`, the
/// token that is now invalid.
pub fn parse_invalidate_response<B: AsRef<[u8]>>(
    response: &http::Response<B>,
) -> Result<BearerToken, TokenError> {
    let body: TokenBody = decode(response.status(), response.body().as_ref())?;
    body.access_token
        .ok_or(TokenError::MissingField("access_token"))
}
