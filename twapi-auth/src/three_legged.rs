//! The 3-legged OAuth 1.0a flow ("Sign in with X", or the PIN flow), as a chain of types:
//!
//! 1. [`ThreeLegged`]: the signed `POST {base}/oauth/request_token` carrying
//!    `oauth_callback` (a URL, or `oob` for the PIN flow); its form-encoded reply must
//!    confirm the callback.
//! 2. [`AwaitingAuthorization`]: holds the request token; gives the authorize or
//!    authenticate URL to send the user to; consumed by the access-token request, so the
//!    request token is spent once.
//! 3. [`AwaitingAccessToken`]: reads the reply of `POST {base}/oauth/access_token` into an
//!    [`AccessGrant`]: the user's credentials, id and screen name.
//!
//! Sans-IO: nonces and timestamps are inputs; the caller sends the requests.
//!
//! ```
//! use twapi_auth::oauth1::Credentials;
//! use twapi_auth::three_legged::{Callback, ThreeLegged};
//!
//! let flow = ThreeLegged::new(Credentials::new("consumer-key", "consumer-secret"), Callback::Oob);
//! let request = flow.request_token_request("nonce-1", 1_700_000_000).unwrap();
//! assert_eq!(request.uri(), "https://api.x.com/oauth/request_token");
//!
//! let reply = http::Response::builder().status(200).body(bytes::Bytes::from_static(
//!     b"oauth_token=req&oauth_token_secret=req-secret&oauth_callback_confirmed=true",
//! )).unwrap();
//! let awaiting = flow.receive_request_token(&reply).unwrap();
//! assert_eq!(awaiting.authorize_url(), "https://api.x.com/oauth/authorize?oauth_token=req");
//!
//! // The user authorizes and reads out a PIN.
//! let (request, awaiting) = awaiting.access_token_request("1234567", "nonce-2", 1_700_000_060).unwrap();
//! assert_eq!(request.uri(), "https://api.x.com/oauth/access_token");
//! let reply = http::Response::builder().status(200).body(bytes::Bytes::from_static(
//!     b"oauth_token=6253282-at&oauth_token_secret=at-secret&user_id=6253282&screen_name=XDevelopers",
//! )).unwrap();
//! let grant = awaiting.receive_access_token(&reply).unwrap();
//! assert_eq!(grant.screen_name(), "XDevelopers");
//! assert_eq!(grant.credentials().token(), Some("6253282-at"));
//! ```

use std::fmt;

use bytes::Bytes;
use http::{Method, StatusCode};

use crate::X_API_BASE;
use crate::api_error::{self, AuthApiError};
use crate::bearer::join;
use crate::form::{self, FormError};
use crate::oauth1::{Credentials, OAuthParams, RequestError, Signer};
use crate::percent;
use crate::secret::Secret;

/// Where X sends the user after they authorize.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Callback {
    /// Redirect to this URL with `oauth_token` and `oauth_verifier`.
    Url(String),
    /// Out-of-band: X shows the user a PIN to type into the app.
    Oob,
}

impl Callback {
    /// The `oauth_callback` value.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Url(url) => url,
            Self::Oob => "oob",
        }
    }
}

/// Why a step of the 3-legged flow failed.
#[derive(Debug)]
#[non_exhaustive]
pub enum FlowError {
    /// The request could not be signed.
    Sign(RequestError),
    /// The base URL is not a valid URI, so the request could not be built.
    Http(http::Error),
    /// X answered with an error body (e.g. code 32, "Could not authenticate you").
    Api {
        /// The HTTP status.
        status: StatusCode,
        /// The errors of the body.
        errors: Vec<AuthApiError>,
    },
    /// A non-success status without a recognizable error body.
    Status(StatusCode),
    /// The reply (or callback query) is not form-encoded.
    NotFormEncoded(FormError),
    /// A required field of the reply is absent.
    MissingField(&'static str),
    /// The request-token reply lacks `oauth_callback_confirmed=true`.
    CallbackNotConfirmed,
    /// The user declined: the callback carries `denied=<request token>`.
    Denied(String),
}

impl fmt::Display for FlowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Sign(error) => write!(f, "signing: {error}"),
            Self::Http(error) => write!(f, "building the request: {error}"),
            Self::Api { status, errors } => {
                write!(f, "X answered {status}: ")?;
                api_error::write_list(f, errors)
            }
            Self::Status(status) => write!(f, "X answered {status}"),
            Self::NotFormEncoded(error) => write!(f, "reply: {error}"),
            Self::MissingField(field) => write!(f, "the reply has no {field}"),
            Self::CallbackNotConfirmed => {
                f.write_str("the request-token reply does not confirm the callback")
            }
            Self::Denied(token) => write!(f, "the user declined request token {token}"),
        }
    }
}

impl std::error::Error for FlowError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Sign(error) => Some(error),
            Self::Http(error) => Some(error),
            Self::NotFormEncoded(error) => Some(error),
            _ => None,
        }
    }
}

/// A signed, body-less `POST` to `url`.
fn signed_post(
    credentials: &Credentials,
    url: &str,
    oauth: &OAuthParams<'_>,
) -> Result<http::Request<Bytes>, FlowError> {
    let mut request = http::Request::builder()
        .method(Method::POST)
        .uri(url)
        .body(Bytes::new())
        .map_err(FlowError::Http)?;
    Signer::new(credentials)
        .authorize(&mut request, oauth)
        .map_err(FlowError::Sign)?;
    Ok(request)
}

/// Checks the status and error bodies, then parses the form-encoded reply.
fn form_reply<B: AsRef<[u8]>>(
    response: &http::Response<B>,
) -> Result<Vec<(String, String)>, FlowError> {
    let body = response.body().as_ref();
    let status = response.status();
    if let Some(errors) = api_error::parse(body) {
        return Err(FlowError::Api { status, errors });
    }
    if !status.is_success() {
        return Err(FlowError::Status(status));
    }
    form::parse(body).map_err(FlowError::NotFormEncoded)
}

/// The first value of `name`, removed. The order of the rest is kept, so a field that appears
/// twice always yields its first value, whatever was taken before it.
fn take(pairs: &mut Vec<(String, String)>, name: &'static str) -> Result<String, FlowError> {
    let index = pairs
        .iter()
        .position(|(n, _)| n == name)
        .ok_or(FlowError::MissingField(name))?;
    Ok(pairs.remove(index).1)
}

/// A request token (temporary credentials) and its secret.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestToken {
    /// `oauth_token`.
    pub token: String,
    /// `oauth_token_secret`.
    pub secret: Secret,
}

/// Reads the reply of `POST /oauth/request_token`:
/// `oauth_token=…&oauth_token_secret=…&oauth_callback_confirmed=true`.
pub fn parse_request_token_response<B: AsRef<[u8]>>(
    response: &http::Response<B>,
) -> Result<RequestToken, FlowError> {
    let mut pairs = form_reply(response)?;
    let token = take(&mut pairs, "oauth_token")?;
    let secret = Secret::new(take(&mut pairs, "oauth_token_secret")?);
    match take(&mut pairs, "oauth_callback_confirmed") {
        Ok(confirmed) if confirmed == "true" => Ok(RequestToken { token, secret }),
        _ => Err(FlowError::CallbackNotConfirmed),
    }
}

/// The user's access token, secret and identity.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccessGrant {
    credentials: Credentials,
    user_id: String,
    screen_name: String,
}

impl AccessGrant {
    /// The consumer credentials with the user's access token: ready for a [`Signer`].
    pub fn credentials(&self) -> &Credentials {
        &self.credentials
    }

    /// The user's numeric id, as a string.
    pub fn user_id(&self) -> &str {
        &self.user_id
    }

    /// The user's screen name.
    pub fn screen_name(&self) -> &str {
        &self.screen_name
    }

    /// Consumes the grant into the credentials.
    pub fn into_credentials(self) -> Credentials {
        self.credentials
    }
}

/// Reads the reply of `POST /oauth/access_token`:
/// `oauth_token=…&oauth_token_secret=…&user_id=…&screen_name=…`, and attaches the token to
/// the consumer credentials.
pub fn parse_access_token_response<B: AsRef<[u8]>>(
    consumer: &Credentials,
    response: &http::Response<B>,
) -> Result<AccessGrant, FlowError> {
    let mut pairs = form_reply(response)?;
    let token = take(&mut pairs, "oauth_token")?;
    let secret = Secret::new(take(&mut pairs, "oauth_token_secret")?);
    let user_id = take(&mut pairs, "user_id")?;
    let screen_name = take(&mut pairs, "screen_name")?;
    Ok(AccessGrant {
        credentials: Credentials::new(consumer.consumer_key(), consumer.consumer_secret().clone())
            .with_token(token, secret),
        user_id,
        screen_name,
    })
}

/// The query of the redirect to the callback URL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CallbackParams {
    /// The request token being authorized (compare with [`AwaitingAuthorization::request_token`]).
    pub oauth_token: String,
    /// The verifier to send with the access-token request.
    pub oauth_verifier: String,
}

impl CallbackParams {
    /// Reads `oauth_token` and `oauth_verifier` from the callback's query (without `?`); a
    /// `denied=…` callback becomes [`FlowError::Denied`].
    ///
    /// ```
    /// use twapi_auth::three_legged::{CallbackParams, FlowError};
    ///
    /// let params = CallbackParams::from_query("oauth_token=t&oauth_verifier=v").unwrap();
    /// assert_eq!(params.oauth_verifier, "v");
    /// assert!(matches!(CallbackParams::from_query("denied=t"), Err(FlowError::Denied(t)) if t == "t"));
    /// ```
    pub fn from_query(query: &str) -> Result<Self, FlowError> {
        let mut pairs = form::parse(query.as_bytes()).map_err(FlowError::NotFormEncoded)?;
        if let Ok(denied) = take(&mut pairs, "denied") {
            return Err(FlowError::Denied(denied));
        }
        Ok(Self {
            oauth_token: take(&mut pairs, "oauth_token")?,
            oauth_verifier: take(&mut pairs, "oauth_verifier")?,
        })
    }
}

/// Step 1: the consumer credentials, the callback, and the base URL of the OAuth endpoints.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ThreeLegged {
    consumer: Credentials,
    callback: Callback,
    base_url: String,
}

impl ThreeLegged {
    /// Starts a flow for the app; any token in `consumer` is ignored (the request-token
    /// call is signed with the consumer secret alone).
    pub fn new(consumer: Credentials, callback: Callback) -> Self {
        Self {
            consumer: consumer.without_token(),
            callback,
            base_url: X_API_BASE.to_owned(),
        }
    }

    /// Uses another server (`http://127.0.0.1:8080`) for every endpoint and URL of the flow.
    #[must_use]
    pub fn with_base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = base_url.into();
        self
    }

    /// The signed `POST {base}/oauth/request_token` with `oauth_callback`.
    pub fn request_token_request(
        &self,
        nonce: &str,
        timestamp: u64,
    ) -> Result<http::Request<Bytes>, FlowError> {
        signed_post(
            &self.consumer,
            &join(&self.base_url, "/oauth/request_token"),
            &OAuthParams::new(nonce, timestamp).with_callback(self.callback.as_str()),
        )
    }

    /// Reads the request-token reply and moves on to the user's authorization.
    pub fn receive_request_token<B: AsRef<[u8]>>(
        self,
        response: &http::Response<B>,
    ) -> Result<AwaitingAuthorization, FlowError> {
        Ok(AwaitingAuthorization {
            request_token: parse_request_token_response(response)?,
            consumer: self.consumer,
            base_url: self.base_url,
        })
    }
}

/// Step 2: the user is to authorize the request token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AwaitingAuthorization {
    consumer: Credentials,
    request_token: RequestToken,
    base_url: String,
}

impl AwaitingAuthorization {
    /// The request token, to match the callback's `oauth_token`.
    pub fn request_token(&self) -> &str {
        &self.request_token.token
    }

    /// `{base}/oauth/authorize?oauth_token=…`: always asks the user to authorize.
    pub fn authorize_url(&self) -> String {
        self.url("/oauth/authorize")
    }

    /// `{base}/oauth/authenticate?oauth_token=…`: "Sign in with X", which skips the prompt
    /// for a user who already authorized the app.
    pub fn authenticate_url(&self) -> String {
        self.url("/oauth/authenticate")
    }

    fn url(&self, path: &str) -> String {
        let mut url = join(&self.base_url, path);
        url.push_str("?oauth_token=");
        percent::encode_into(&self.request_token.token, &mut url);
        url
    }

    /// The signed `POST {base}/oauth/access_token` with `oauth_verifier` (from the callback
    /// or the PIN), signed with the request token and its secret. Consumes the request
    /// token.
    pub fn access_token_request(
        self,
        verifier: &str,
        nonce: &str,
        timestamp: u64,
    ) -> Result<(http::Request<Bytes>, AwaitingAccessToken), FlowError> {
        let signing = self
            .consumer
            .clone()
            .with_token(self.request_token.token, self.request_token.secret);
        let request = signed_post(
            &signing,
            &join(&self.base_url, "/oauth/access_token"),
            &OAuthParams::new(nonce, timestamp).with_verifier(verifier),
        )?;
        Ok((
            request,
            AwaitingAccessToken {
                consumer: self.consumer,
            },
        ))
    }
}

/// Step 3: waiting for the access-token reply.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AwaitingAccessToken {
    consumer: Credentials,
}

impl AwaitingAccessToken {
    /// Reads the access-token reply into the user's credentials.
    pub fn receive_access_token<B: AsRef<[u8]>>(
        self,
        response: &http::Response<B>,
    ) -> Result<AccessGrant, FlowError> {
        parse_access_token_response(&self.consumer, response)
    }
}
