//! OAuth 2.0 Authorization Code with PKCE (RFC 6749 + RFC 7636 S256), as X serves it.
//!
//! The flow is a chain of types, so the compiler rules out misuse: a [`PkceFlow`] (client,
//! verifier, state) becomes an [`AuthorizationPending`] when its authorize URL is built, and
//! that is consumed by [`AuthorizationPending::token_request`], which checks the returned
//! state and spends the verifier: it cannot be sent twice. Refresh and revocation are
//! methods of the [`ClientConfig`]. Everything is sans-IO: the verifier, the state and
//! "now" come from the caller.
//!
//! ```
//! use twapi_auth::oauth2::{ClientConfig, PkceFlow, Scope, parse_token_response};
//! use twapi_auth::pkce::PkceVerifier;
//!
//! let client = ClientConfig::public("client-id", "https://example.com/callback");
//! let verifier = PkceVerifier::new("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk").unwrap();
//! let pending = PkceFlow::new(client, verifier, "state-123")
//!     .authorize(&[Scope::UsersRead, Scope::TweetRead, Scope::OfflineAccess]);
//! assert!(pending.authorize_url().starts_with("https://x.com/i/oauth2/authorize?response_type=code&client_id=client-id"));
//!
//! // The user comes back to the redirect URI with ?code=…&state=state-123.
//! let request = pending.token_request("the-code", "state-123").unwrap();
//! assert_eq!(request.uri(), "https://api.x.com/2/oauth2/token");
//!
//! let response = http::Response::builder().status(200).body(bytes::Bytes::from_static(
//!     br#"{"token_type":"bearer","expires_in":7200,"access_token":"at","scope":"users.read tweet.read offline.access","refresh_token":"rt"}"#,
//! )).unwrap();
//! let tokens = parse_token_response(&response, 1_700_000_000).unwrap();
//! assert_eq!(tokens.expires_at(), Some(1_700_007_200));
//! assert_eq!(tokens.scopes(), &[Scope::UsersRead, Scope::TweetRead, Scope::OfflineAccess]);
//! ```

use std::fmt;

use http::StatusCode;
use serde::Deserialize;
use subtle::ConstantTimeEq;

use crate::bearer::{BearerToken, basic_credential, basic_form_post};
use crate::form::{self, FormError};
use crate::pkce::{CHALLENGE_METHOD, PkceVerifier};
use crate::secret::{Secret, SecretBody};

/// X's authorize page, where the user approves the app.
pub const AUTHORIZE_URL: &str = "https://x.com/i/oauth2/authorize";
/// X's token endpoint (code exchange and refresh).
pub const TOKEN_URL: &str = "https://api.x.com/2/oauth2/token";
/// X's revocation endpoint.
pub const REVOKE_URL: &str = "https://api.x.com/2/oauth2/revoke";

/// An OAuth 2.0 scope. Open: scopes X adds later arrive as [`Scope::Other`].
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Scope {
    /// `tweet.read`
    TweetRead,
    /// `tweet.write`
    TweetWrite,
    /// `users.read`
    UsersRead,
    /// `follows.read`
    FollowsRead,
    /// `follows.write`
    FollowsWrite,
    /// `offline.access`: the token response includes a refresh token.
    OfflineAccess,
    /// `block.read`
    BlockRead,
    /// `block.write`
    BlockWrite,
    /// `mute.read`
    MuteRead,
    /// `mute.write`
    MuteWrite,
    /// `like.read`
    LikeRead,
    /// `list.read`
    ListRead,
    /// Any other scope, verbatim.
    Other(String),
}

impl Scope {
    const KNOWN: [(Scope, &'static str); 12] = [
        (Self::TweetRead, "tweet.read"),
        (Self::TweetWrite, "tweet.write"),
        (Self::UsersRead, "users.read"),
        (Self::FollowsRead, "follows.read"),
        (Self::FollowsWrite, "follows.write"),
        (Self::OfflineAccess, "offline.access"),
        (Self::BlockRead, "block.read"),
        (Self::BlockWrite, "block.write"),
        (Self::MuteRead, "mute.read"),
        (Self::MuteWrite, "mute.write"),
        (Self::LikeRead, "like.read"),
        (Self::ListRead, "list.read"),
    ];

    /// The scope as X spells it.
    pub fn as_str(&self) -> &str {
        if let Self::Other(other) = self {
            return other;
        }
        Self::KNOWN
            .iter()
            .find(|(scope, _)| scope == self)
            .map_or("", |(_, name)| name)
    }

    /// The scope named `name`; unknown names become [`Scope::Other`].
    ///
    /// ```
    /// use twapi_auth::oauth2::Scope;
    ///
    /// assert_eq!(Scope::parse("follows.write"), Scope::FollowsWrite);
    /// assert_eq!(Scope::parse("space.read"), Scope::Other("space.read".into()));
    /// ```
    pub fn parse(name: &str) -> Self {
        Self::KNOWN
            .iter()
            .find(|(_, known)| *known == name)
            .map_or_else(|| Self::Other(name.to_owned()), |(scope, _)| scope.clone())
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The app as registered with X: its client id, its secret if it is a confidential client,
/// its redirect URI, and the endpoint URLs (X's by default; an emulator serves its own).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientConfig {
    client_id: String,
    client_secret: Option<Secret>,
    redirect_uri: String,
    authorize_url: String,
    token_url: String,
    revoke_url: String,
}

impl ClientConfig {
    /// A public client (a native or browser app): sends `client_id` in request bodies.
    pub fn public(client_id: impl Into<String>, redirect_uri: impl Into<String>) -> Self {
        Self {
            client_id: client_id.into(),
            client_secret: None,
            redirect_uri: redirect_uri.into(),
            authorize_url: AUTHORIZE_URL.to_owned(),
            token_url: TOKEN_URL.to_owned(),
            revoke_url: REVOKE_URL.to_owned(),
        }
    }

    /// A confidential client (a server): authenticates with HTTP Basic.
    pub fn confidential(
        client_id: impl Into<String>,
        client_secret: impl Into<Secret>,
        redirect_uri: impl Into<String>,
    ) -> Self {
        Self {
            client_secret: Some(client_secret.into()),
            ..Self::public(client_id, redirect_uri)
        }
    }

    /// Uses another authorize page.
    #[must_use]
    pub fn with_authorize_url(mut self, url: impl Into<String>) -> Self {
        self.authorize_url = url.into();
        self
    }

    /// Uses another token endpoint.
    #[must_use]
    pub fn with_token_url(mut self, url: impl Into<String>) -> Self {
        self.token_url = url.into();
        self
    }

    /// Uses another revocation endpoint.
    #[must_use]
    pub fn with_revoke_url(mut self, url: impl Into<String>) -> Self {
        self.revoke_url = url.into();
        self
    }

    /// The client id.
    pub fn client_id(&self) -> &str {
        &self.client_id
    }

    /// The redirect URI.
    pub fn redirect_uri(&self) -> &str {
        &self.redirect_uri
    }

    /// `POST {token_url}` with `grant_type=refresh_token`: a fresh access token (and, at X,
    /// a new refresh token; the old one stops working).
    pub fn refresh_request(
        &self,
        refresh_token: &RefreshToken,
    ) -> Result<http::Request<SecretBody>, http::Error> {
        self.post(
            &self.token_url,
            &[
                ("grant_type", "refresh_token"),
                ("refresh_token", refresh_token.expose()),
            ],
        )
    }

    /// `POST {revoke_url}` with `token=…&token_type_hint=…`: revokes an access or refresh
    /// token.
    pub fn revoke_request<'a>(
        &self,
        token: impl Into<Revocable<'a>>,
    ) -> Result<http::Request<SecretBody>, http::Error> {
        let (token, hint) = match token.into() {
            Revocable::AccessToken(token) => (token.expose(), "access_token"),
            Revocable::RefreshToken(token) => (token.expose(), "refresh_token"),
        };
        self.post(
            &self.revoke_url,
            &[("token", token), ("token_type_hint", hint)],
        )
    }

    /// A form POST authenticated as this client: Basic for a confidential client,
    /// `client_id` in the body for a public one.
    fn post(
        &self,
        url: &str,
        pairs: &[(&str, &str)],
    ) -> Result<http::Request<SecretBody>, http::Error> {
        let mut pairs = pairs.to_vec();
        let basic = if let Some(secret) = &self.client_secret {
            Some(basic_credential(&self.client_id, secret))
        } else {
            pairs.push(("client_id", &self.client_id));
            None
        };
        basic_form_post(
            url,
            basic.as_ref(),
            form::CONTENT_TYPE,
            form::encode(&pairs),
        )
    }
}

/// A token to revoke; built from `&BearerToken` or `&RefreshToken`.
#[derive(Clone, Copy, Debug)]
pub enum Revocable<'a> {
    /// An access token.
    AccessToken(&'a BearerToken),
    /// A refresh token.
    RefreshToken(&'a RefreshToken),
}

impl<'a> From<&'a BearerToken> for Revocable<'a> {
    fn from(token: &'a BearerToken) -> Self {
        Self::AccessToken(token)
    }
}

impl<'a> From<&'a RefreshToken> for Revocable<'a> {
    fn from(token: &'a RefreshToken) -> Self {
        Self::RefreshToken(token)
    }
}

/// The start of the flow: the client, a fresh verifier and a fresh unguessable state.
#[derive(Debug)]
pub struct PkceFlow {
    client: ClientConfig,
    verifier: PkceVerifier,
    state: String,
}

impl PkceFlow {
    /// Starts a flow; draw `verifier` and `state` from a CSPRNG (see `twapi_auth::system`).
    pub fn new(client: ClientConfig, verifier: PkceVerifier, state: impl Into<String>) -> Self {
        Self {
            client,
            verifier,
            state: state.into(),
        }
    }

    /// Builds the authorize URL for these scopes and waits for the user to come back.
    pub fn authorize(self, scopes: &[Scope]) -> AuthorizationPending {
        let scope = scopes
            .iter()
            .map(Scope::as_str)
            .collect::<Vec<_>>()
            .join(" ");
        let challenge = self.verifier.challenge();
        let query = form::encode(&[
            ("response_type", "code"),
            ("client_id", &self.client.client_id),
            ("redirect_uri", &self.client.redirect_uri),
            ("scope", &scope),
            ("state", &self.state),
            ("code_challenge", challenge.as_str()),
            ("code_challenge_method", CHALLENGE_METHOD),
        ]);
        let separator = if self.client.authorize_url.contains('?') {
            '&'
        } else {
            '?'
        };
        let mut url = String::with_capacity(self.client.authorize_url.len() + 1 + query.len());
        url.push_str(&self.client.authorize_url);
        url.push(separator);
        url.push_str(&query);
        AuthorizationPending {
            client: self.client,
            verifier: self.verifier,
            state: self.state,
            url,
        }
    }
}

/// The user is at the authorize URL; the flow waits for the redirect with a code.
#[derive(Debug)]
pub struct AuthorizationPending {
    client: ClientConfig,
    verifier: PkceVerifier,
    state: String,
    url: String,
}

impl AuthorizationPending {
    /// The URL to send the user to.
    pub fn authorize_url(&self) -> &str {
        &self.url
    }

    /// The state the redirect must carry back.
    pub fn state(&self) -> &str {
        &self.state
    }

    /// Exchanges the code: `POST {token_url}` with `grant_type=authorization_code`, the
    /// code, the redirect URI and the verifier. Consumes the flow, so the verifier is sent
    /// once. A `returned_state` that differs from ours means the redirect did not come from
    /// this flow (CSRF): the flow ends with [`OAuth2Error::StateMismatch`].
    pub fn token_request(
        self,
        code: &str,
        returned_state: &str,
    ) -> Result<http::Request<SecretBody>, OAuth2Error> {
        if !bool::from(self.state.as_bytes().ct_eq(returned_state.as_bytes())) {
            return Err(OAuth2Error::StateMismatch);
        }
        self.client
            .post(
                &self.client.token_url,
                &[
                    ("grant_type", "authorization_code"),
                    ("code", code),
                    ("redirect_uri", &self.client.redirect_uri),
                    ("code_verifier", self.verifier.expose()),
                ],
            )
            .map_err(OAuth2Error::Http)
    }
}

/// The query of the redirect back from the authorize page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Callback {
    /// The authorization code.
    pub code: String,
    /// The state, to compare with ours ([`AuthorizationPending::token_request`] does).
    pub state: String,
}

impl Callback {
    /// Reads `code` and `state` from the redirect's query (without `?`); an `error=…`
    /// redirect (the user declined) becomes [`OAuth2Error::Denied`].
    ///
    /// ```
    /// use twapi_auth::oauth2::{Callback, OAuth2Error};
    ///
    /// let callback = Callback::from_query("state=s&code=c%2B1").unwrap();
    /// assert_eq!(callback.code, "c+1");
    /// assert!(matches!(Callback::from_query("error=access_denied&state=s"), Err(OAuth2Error::Denied { .. })));
    /// ```
    pub fn from_query(query: &str) -> Result<Self, OAuth2Error> {
        let pairs = form::parse(query.as_bytes()).map_err(OAuth2Error::Callback)?;
        let get = |name: &str| {
            pairs
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.clone())
        };
        if let Some(error) = get("error") {
            return Err(OAuth2Error::Denied {
                error: OAuth2ErrorCode::parse(&error),
                description: get("error_description"),
            });
        }
        Ok(Self {
            code: get("code").ok_or(OAuth2Error::MissingField("code"))?,
            state: get("state").ok_or(OAuth2Error::MissingField("state"))?,
        })
    }
}

/// A refresh token (scope `offline.access`); a [`Secret`].
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(transparent)]
pub struct RefreshToken(Secret);

impl RefreshToken {
    /// Wraps a stored refresh token.
    pub fn new(token: impl Into<Secret>) -> Self {
        Self(token.into())
    }

    /// The token itself.
    pub fn expose(&self) -> &str {
        self.0.expose()
    }
}

/// What the token endpoint granted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenSet {
    access_token: BearerToken,
    refresh_token: Option<RefreshToken>,
    expires_at: Option<u64>,
    scopes: Vec<Scope>,
}

impl TokenSet {
    /// The access token, sent as `Authorization: Bearer`.
    pub fn access_token(&self) -> &BearerToken {
        &self.access_token
    }

    /// The refresh token, present when `offline.access` was granted.
    pub fn refresh_token(&self) -> Option<&RefreshToken> {
        self.refresh_token.as_ref()
    }

    /// When the access token expires, in Unix seconds: the caller's `now` plus `expires_in`.
    pub fn expires_at(&self) -> Option<u64> {
        self.expires_at
    }

    /// The granted scopes.
    pub fn scopes(&self) -> &[Scope] {
        &self.scopes
    }
}

/// An OAuth 2.0 error code (RFC 6749 §5.2, §4.1.2.1). Open for codes servers add.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum OAuth2ErrorCode {
    /// `invalid_request`
    InvalidRequest,
    /// `invalid_client`
    InvalidClient,
    /// `invalid_grant`: a bad, expired or reused code or refresh token.
    InvalidGrant,
    /// `unauthorized_client`
    UnauthorizedClient,
    /// `unsupported_grant_type`
    UnsupportedGrantType,
    /// `invalid_scope`
    InvalidScope,
    /// `access_denied`: the user declined.
    AccessDenied,
    /// Any other code, verbatim.
    Other(String),
}

impl OAuth2ErrorCode {
    /// The code for `name`.
    pub fn parse(name: &str) -> Self {
        match name {
            "invalid_request" => Self::InvalidRequest,
            "invalid_client" => Self::InvalidClient,
            "invalid_grant" => Self::InvalidGrant,
            "unauthorized_client" => Self::UnauthorizedClient,
            "unsupported_grant_type" => Self::UnsupportedGrantType,
            "invalid_scope" => Self::InvalidScope,
            "access_denied" => Self::AccessDenied,
            other => Self::Other(other.to_owned()),
        }
    }

    /// The code as sent.
    pub fn as_str(&self) -> &str {
        match self {
            Self::InvalidRequest => "invalid_request",
            Self::InvalidClient => "invalid_client",
            Self::InvalidGrant => "invalid_grant",
            Self::UnauthorizedClient => "unauthorized_client",
            Self::UnsupportedGrantType => "unsupported_grant_type",
            Self::InvalidScope => "invalid_scope",
            Self::AccessDenied => "access_denied",
            Self::Other(other) => other,
        }
    }
}

/// Why an OAuth 2.0 step failed.
#[derive(Debug)]
#[non_exhaustive]
pub enum OAuth2Error {
    /// The redirect's state is not the flow's.
    StateMismatch,
    /// The redirect carries an error (the user declined, or the request was invalid).
    Denied {
        /// The error code.
        error: OAuth2ErrorCode,
        /// The server's explanation, if any.
        description: Option<String>,
    },
    /// The redirect's query is not form-encoded.
    Callback(FormError),
    /// The endpoint answered with an OAuth error body.
    Server {
        /// The HTTP status.
        status: StatusCode,
        /// The error code.
        error: OAuth2ErrorCode,
        /// The server's explanation, if any.
        description: Option<String>,
    },
    /// A non-success status without an OAuth error body.
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
    /// The revocation endpoint answered `"revoked": false`.
    NotRevoked,
    /// A configured URL is not a valid URI, so the request could not be built.
    Http(http::Error),
}

impl fmt::Display for OAuth2Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::StateMismatch => f.write_str("the redirect's state does not match the flow's"),
            Self::Denied { error, description } => {
                write!(f, "authorization failed: {}", error.as_str())?;
                description.as_ref().map_or(Ok(()), |d| write!(f, " ({d})"))
            }
            Self::Callback(error) => write!(f, "redirect query: {error}"),
            Self::Server {
                status,
                error,
                description,
            } => {
                write!(f, "token endpoint answered {status}: {}", error.as_str())?;
                description.as_ref().map_or(Ok(()), |d| write!(f, " ({d})"))
            }
            Self::Status(status) => write!(f, "token endpoint answered {status}"),
            Self::NotJson { status, detail } => {
                write!(
                    f,
                    "token endpoint answered {status} with a body that is not the expected JSON: {detail}"
                )
            }
            Self::WrongTokenType(kind) => write!(f, "token_type is {kind:?}, expected \"bearer\""),
            Self::MissingField(field) => write!(f, "the response has no {field}"),
            Self::NotRevoked => f.write_str("the token was not revoked"),
            Self::Http(error) => write!(f, "building the request: {error}"),
        }
    }
}

impl std::error::Error for OAuth2Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Callback(error) => Some(error),
            Self::Http(error) => Some(error),
            _ => None,
        }
    }
}

#[derive(Deserialize)]
struct ErrorBody {
    error: String,
    error_description: Option<String>,
}

#[derive(Deserialize)]
struct TokenBody {
    token_type: Option<String>,
    access_token: Option<BearerToken>,
    expires_in: Option<u64>,
    refresh_token: Option<RefreshToken>,
    scope: Option<String>,
}

#[derive(Deserialize)]
struct RevokeBody {
    revoked: Option<bool>,
}

fn decode<T: for<'de> Deserialize<'de>>(status: StatusCode, body: &[u8]) -> Result<T, OAuth2Error> {
    if let Ok(error) = serde_json::from_slice::<ErrorBody>(body) {
        return Err(OAuth2Error::Server {
            status,
            error: OAuth2ErrorCode::parse(&error.error),
            description: error.error_description,
        });
    }
    if !status.is_success() {
        return Err(OAuth2Error::Status(status));
    }
    serde_json::from_slice(body).map_err(|error| OAuth2Error::NotJson {
        status,
        detail: error.to_string(),
    })
}

/// Reads a token response (code exchange or refresh). `now` is the caller's Unix time, so
/// the expiry is an absolute instant: `now + expires_in`.
pub fn parse_token_response<B: AsRef<[u8]>>(
    response: &http::Response<B>,
    now: u64,
) -> Result<TokenSet, OAuth2Error> {
    let body: TokenBody = decode(response.status(), response.body().as_ref())?;
    let token_type = body
        .token_type
        .ok_or(OAuth2Error::MissingField("token_type"))?;
    if !token_type.eq_ignore_ascii_case("bearer") {
        return Err(OAuth2Error::WrongTokenType(token_type));
    }
    Ok(TokenSet {
        access_token: body
            .access_token
            .ok_or(OAuth2Error::MissingField("access_token"))?,
        refresh_token: body.refresh_token,
        expires_at: body.expires_in.map(|seconds| now.saturating_add(seconds)),
        scopes: body
            .scope
            .as_deref()
            .unwrap_or_default()
            .split(' ')
            .filter(|scope| !scope.is_empty())
            .map(Scope::parse)
            .collect(),
    })
}

/// Reads a revocation response: `{"revoked":true}`.
pub fn parse_revoke_response<B: AsRef<[u8]>>(
    response: &http::Response<B>,
) -> Result<(), OAuth2Error> {
    let body: RevokeBody = decode(response.status(), response.body().as_ref())?;
    match body.revoked {
        Some(true) => Ok(()),
        Some(false) => Err(OAuth2Error::NotRevoked),
        None => Err(OAuth2Error::MissingField("revoked")),
    }
}
