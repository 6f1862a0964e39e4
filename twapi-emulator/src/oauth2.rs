//! The server side of X's OAuth 2.0 endpoints: app-only bearer tokens (client credentials
//! grant, `POST /oauth2/token` and `/oauth2/invalidate_token`) and user tokens from the
//! Authorization Code flow with PKCE (`GET /i/oauth2/authorize`, `POST /2/oauth2/token`,
//! `POST /2/oauth2/revoke`).
//!
//! The authorize page approves at once: it redirects to the `redirect_uri` with a `code` and
//! the `state`. Which user approves is the emulator's own `login` query parameter (a screen
//! name or an id), or by default the first demo user of role `plain`. The token step checks
//! the S256 challenge (`plain` is accepted too, as X does), that the code is fresh (30 s)
//! and unused, and that the redirect URI and client id match. Scopes are recorded and
//! returned, not enforced.

use std::collections::HashMap;
use std::time::{Duration, SystemTime};

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use http::header::{CACHE_CONTROL, LOCATION};
use http::{HeaderMap, HeaderValue, StatusCode};
use serde::Serialize;
use sha2::{Digest as _, Sha256};
#[cfg(doc)]
use twapi_auth::pkce::PkceVerifier;
use twapi_auth::{Secret, percent};
use twapi_model::v1::{ErrorBody, ErrorEntry};

use crate::answer::Answer;
use crate::auth::Caller;
use crate::credentials::AppCredentials;
use crate::directory::{Directory, tag};
use crate::errors;
use crate::rng::{ALPHANUMERIC, Rng};

/// How long an authorization code may wait to be exchanged (X: 30 seconds).
const CODE_LIFETIME: Duration = Duration::from_secs(30);
/// How long a user access token lives (X: two hours).
const ACCESS_LIFETIME: Duration = Duration::from_secs(7_200);

#[derive(Debug, Clone)]
struct CodeGrant {
    user: u32,
    redirect_uri: String,
    challenge: String,
    plain: bool,
    scope: String,
    expires: SystemTime,
}

#[derive(Debug, Clone)]
struct UserGrant {
    user: u32,
    scope: String,
    expires: Option<SystemTime>,
}

/// Issued tokens and pending authorization codes.
#[derive(Debug)]
pub(crate) struct Tokens {
    generation: u64,
    app_bearer: String,
    codes: HashMap<String, CodeGrant>,
    access: HashMap<String, UserGrant>,
    refresh: HashMap<String, UserGrant>,
    rng: Rng,
}

#[derive(Serialize)]
struct AppToken<'a> {
    token_type: &'static str,
    access_token: &'a str,
}

#[derive(Serialize)]
struct Invalidated<'a> {
    access_token: &'a str,
}

#[derive(Serialize)]
struct UserToken<'a> {
    token_type: &'static str,
    expires_in: u64,
    access_token: &'a str,
    scope: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    refresh_token: Option<&'a str>,
}

#[derive(Serialize)]
struct OAuthError<'a> {
    error: &'a str,
    error_description: &'a str,
}

#[derive(Serialize)]
struct Revoked {
    revoked: bool,
}

impl Tokens {
    /// The token store of the emulator seeded with `seed`.
    pub(crate) fn new(seed: u64, app: &AppCredentials) -> Self {
        Self {
            generation: 0,
            app_bearer: app.bearer_token(0),
            codes: HashMap::new(),
            access: HashMap::new(),
            refresh: HashMap::new(),
            rng: Rng::keyed(&[seed, tag::CREDENTIALS, u64::MAX - 2]),
        }
    }

    /// The current app-only bearer token.
    pub(crate) fn app_bearer(&self) -> &str {
        &self.app_bearer
    }

    /// Who a bearer token belongs to, if it is valid now.
    pub(crate) fn caller(&self, token: &str, now: SystemTime) -> Option<Caller> {
        if Secret::new(token) == Secret::new(self.app_bearer.as_str()) {
            return Some(Caller::App);
        }
        let grant = self.access.get(token)?;
        grant
            .expires
            .is_none_or(|expires| now < expires)
            .then_some(Caller::OAuth2(grant.user))
    }

    /// `POST /oauth2/token` with `grant_type=client_credentials` and the app's Basic
    /// credential: the app-only bearer token.
    pub(crate) fn app_token(
        &self,
        app: &AppCredentials,
        headers: &HeaderMap,
        body: &[u8],
    ) -> Answer {
        if !is_app(app, headers) {
            return token_error(
                99,
                "Unable to verify your credentials",
                "authenticity_token_error",
            );
        }
        let form = token_params(headers, body).unwrap_or_default();
        if value(&form, "grant_type") != Some("client_credentials") {
            return token_error(
                170,
                "Missing required parameter: grant_type",
                "forbidden_missing_parameter",
            );
        }
        no_store(Answer::ok(&AppToken {
            token_type: "bearer",
            access_token: &self.app_bearer,
        }))
    }

    /// `POST /oauth2/invalidate_token`: the app-only token stops working; the next
    /// `/oauth2/token` issues a new one.
    pub(crate) fn invalidate(
        &mut self,
        app: &AppCredentials,
        headers: &HeaderMap,
        body: &[u8],
    ) -> Answer {
        if !is_app(app, headers) {
            return token_error(
                99,
                "Unable to verify your credentials",
                "authenticity_token_error",
            );
        }
        let form = token_params(headers, body).unwrap_or_default();
        let given = value(&form, "access_token").unwrap_or_default();
        // Clients send the token percent-encoded once more (it holds `%`): accept both forms.
        let decoded = percent::decode(given)
            .map(std::borrow::Cow::into_owned)
            .unwrap_or_default();
        if given != self.app_bearer && decoded != self.app_bearer {
            return token_error(
                348,
                "Client application is not permitted to to invalidate this token.",
                "invalid_token",
            );
        }
        let old = std::mem::take(&mut self.app_bearer);
        self.generation += 1;
        self.app_bearer = app.bearer_token(self.generation);
        Answer::ok(&Invalidated { access_token: &old })
    }

    /// `GET /i/oauth2/authorize`: approves at once and redirects back with a code.
    pub(crate) fn authorize(
        &mut self,
        app: &AppCredentials,
        dir: &Directory,
        query: &[u8],
        default_user: u32,
        now: SystemTime,
    ) -> Answer {
        let Some(query) = form_pairs(query) else {
            return oauth_error(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                "The query is malformed.",
            );
        };
        let get = |name| value(&query, name);
        if get("client_id") != Some(app.client_id.as_str()) {
            return oauth_error(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                "Value passed for client_id was invalid.",
            );
        }
        let Some(redirect_uri) = get("redirect_uri").filter(|uri| is_absolute_url(uri)) else {
            return oauth_error(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                "Value passed for redirect_uri was invalid.",
            );
        };
        let state = get("state").unwrap_or_default();
        let fail = |error: &str| redirect(redirect_uri, &[("error", error), ("state", state)]);
        if get("response_type") != Some("code") {
            return fail("unsupported_response_type");
        }
        // X reads the method without regard to case: its own TypeScript SDK sends `s256`.
        let plain = match get("code_challenge_method") {
            Some(method) if method.eq_ignore_ascii_case("S256") => false,
            Some(method) if method.eq_ignore_ascii_case("plain") => true,
            _ => return fail("invalid_request"),
        };
        let Some(challenge) = get("code_challenge").filter(|c| !c.is_empty()) else {
            return fail("invalid_request");
        };
        if state.is_empty() {
            return fail("invalid_request");
        }
        let user = match get("login") {
            Some(login) => match login
                .parse::<u64>()
                .ok()
                .and_then(|id| dir.by_id(id))
                .or_else(|| dir.by_screen_name(login))
            {
                Some(user) => user,
                None => return fail("access_denied"),
            },
            None => default_user,
        };
        let code = self.rng.string(ALPHANUMERIC, 64);
        self.codes.retain(|_, grant| grant.expires > now);
        self.codes.insert(
            code.clone(),
            CodeGrant {
                user,
                redirect_uri: redirect_uri.to_owned(),
                challenge: challenge.to_owned(),
                plain,
                scope: get("scope").unwrap_or_default().to_owned(),
                expires: now + CODE_LIFETIME,
            },
        );
        redirect(redirect_uri, &[("state", state), ("code", &code)])
    }

    /// `POST /2/oauth2/token`: exchanges a code (checking the PKCE verifier) or a refresh
    /// token for a user access token.
    pub(crate) fn user_token(
        &mut self,
        app: &AppCredentials,
        headers: &HeaderMap,
        body: &[u8],
        now: SystemTime,
    ) -> Answer {
        let Some(form) = token_params(headers, body) else {
            return oauth_error(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                "The body is neither form-encoded nor a JSON object.",
            );
        };
        let client = value(&form, "client_id")
            .map(str::to_owned)
            .or_else(|| basic_credentials(headers).map(|(id, _)| id));
        if client.as_deref() != Some(app.client_id.as_str()) {
            return oauth_error(
                StatusCode::UNAUTHORIZED,
                "unauthorized_client",
                "Missing valid authorization header",
            );
        }
        let grant = match value(&form, "grant_type") {
            Some("authorization_code") => {
                let Some(code) = value(&form, "code").and_then(|code| self.codes.remove(code))
                else {
                    return invalid_value("authorization code");
                };
                let verifier = value(&form, "code_verifier").unwrap_or_default();
                // Any verifier X would take: its token endpoint does not hold clients to RFC
                // 7636's 43 to 128 characters, so neither does the emulator.
                let verified = !verifier.is_empty()
                    && if code.plain {
                        verifier == code.challenge
                    } else {
                        s256(verifier) == code.challenge
                    };
                if !verified
                    || code.expires <= now
                    || value(&form, "redirect_uri") != Some(code.redirect_uri.as_str())
                {
                    return invalid_value("authorization code");
                }
                UserGrant {
                    user: code.user,
                    scope: code.scope,
                    expires: None,
                }
            }
            Some("refresh_token") => {
                match value(&form, "refresh_token").and_then(|token| self.refresh.remove(token)) {
                    Some(grant) => grant,
                    None => return invalid_value("refresh token"),
                }
            }
            _ => {
                return oauth_error(
                    StatusCode::BAD_REQUEST,
                    "unsupported_grant_type",
                    "Value passed for the grant type was invalid.",
                );
            }
        };
        let access = self.rng.string(ALPHANUMERIC, 80);
        let refresh = grant
            .scope
            .split(' ')
            .any(|s| s == "offline.access")
            .then(|| self.rng.string(ALPHANUMERIC, 80));
        let answer = no_store(Answer::ok(&UserToken {
            token_type: "bearer",
            expires_in: ACCESS_LIFETIME.as_secs(),
            access_token: &access,
            scope: &grant.scope,
            refresh_token: refresh.as_deref(),
        }));
        self.access.retain(|_, g| g.expires.is_none_or(|e| e > now));
        self.access.insert(
            access,
            UserGrant {
                expires: Some(now + ACCESS_LIFETIME),
                ..grant.clone()
            },
        );
        if let Some(refresh) = refresh {
            self.refresh.insert(refresh, grant);
        }
        answer
    }

    /// An access token for `user` with `scope`, as the PKCE flow would issue once the user
    /// approved: for tests and examples that need an OAuth 2.0 user without running the flow.
    pub(crate) fn grant(&mut self, user: u32, scope: &str, now: SystemTime) -> String {
        let access = self.rng.string(ALPHANUMERIC, 80);
        self.access.insert(
            access.clone(),
            UserGrant {
                user,
                scope: scope.to_owned(),
                expires: Some(now + ACCESS_LIFETIME),
            },
        );
        access
    }

    /// `POST /2/oauth2/revoke`: the token (access or refresh) stops working.
    pub(crate) fn revoke(
        &mut self,
        app: &AppCredentials,
        headers: &HeaderMap,
        body: &[u8],
    ) -> Answer {
        let form = token_params(headers, body).unwrap_or_default();
        let client = value(&form, "client_id")
            .map(str::to_owned)
            .or_else(|| basic_credentials(headers).map(|(id, _)| id));
        if client.as_deref() != Some(app.client_id.as_str()) {
            return oauth_error(
                StatusCode::UNAUTHORIZED,
                "unauthorized_client",
                "Missing valid authorization header",
            );
        }
        if let Some(token) = value(&form, "token") {
            self.access.remove(token);
            self.refresh.remove(token);
        }
        Answer::ok(&Revoked { revoked: true })
    }
}

/// `BASE64URL(SHA256(verifier))`, for a verifier of any length (see [`PkceVerifier`] for the
/// RFC's rule, which clients follow and X does not enforce).
fn s256(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// The parameters of a token, refresh or revoke call: a form body as the RFC says, or a JSON
/// object, which X takes too (and which a widely used JavaScript client sends); JSON numbers
/// and booleans are read as their text. `None` when the body is neither.
pub(crate) fn token_params(headers: &HeaderMap, body: &[u8]) -> Option<Vec<(String, String)>> {
    let json = headers
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            let essence = v.split(';').next().unwrap_or_default().trim();
            essence.eq_ignore_ascii_case("application/json")
        })
        || body.trim_ascii_start().starts_with(b"{");
    if !json {
        return form_pairs(body);
    }
    let object: serde_json::Map<String, serde_json::Value> = serde_json::from_slice(body).ok()?;
    Some(
        object
            .into_iter()
            .filter_map(|(name, value)| match value {
                serde_json::Value::String(text) => Some((name, text)),
                serde_json::Value::Number(_) | serde_json::Value::Bool(_) => {
                    Some((name, value.to_string()))
                }
                _ => None,
            })
            .collect(),
    )
}

/// Whether the `Authorization: Basic` credential is the app's key and secret.
fn is_app(app: &AppCredentials, headers: &HeaderMap) -> bool {
    basic_credentials(headers).is_some_and(|(key, secret)| {
        key == app.consumer_key && Secret::new(secret) == app.consumer_secret
    })
}

/// `Authorization: Basic base64(pe(id):pe(secret))`, decoded.
fn basic_credentials(headers: &HeaderMap) -> Option<(String, String)> {
    let value = headers.get(http::header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, encoded) = value.trim().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("Basic") {
        return None;
    }
    let decoded = String::from_utf8(STANDARD.decode(encoded.trim()).ok()?).ok()?;
    let (id, secret) = decoded.split_once(':')?;
    Some((
        percent::decode(id).ok()?.into_owned(),
        percent::decode(secret).ok()?.into_owned(),
    ))
}

/// Decodes `a=1&b=2` (query or form body); `None` when an escape is malformed.
pub(crate) fn form_pairs(raw: &[u8]) -> Option<Vec<(String, String)>> {
    raw.split(|&b| b == b'&')
        .filter(|piece| !piece.is_empty())
        .map(|piece| {
            let (name, value) = match piece.iter().position(|&b| b == b'=') {
                Some(at) => (&piece[..at], &piece[at + 1..]),
                None => (piece, &b""[..]),
            };
            Some((
                percent::decode_form_bytes(name).ok()?.into_owned(),
                percent::decode_form_bytes(value).ok()?.into_owned(),
            ))
        })
        .collect()
}

pub(crate) fn value<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

/// `scheme://rest`: web callbacks and the custom schemes of native apps.
pub(crate) fn is_absolute_url(uri: &str) -> bool {
    uri.split_once("://")
        .is_some_and(|(scheme, rest)| !scheme.is_empty() && !rest.is_empty())
}

/// A 302 to `uri` with `params` added to its query.
pub(crate) fn redirect(uri: &str, params: &[(&str, &str)]) -> Answer {
    let mut location = uri.to_owned();
    let mut separator = if uri.contains('?') { '&' } else { '?' };
    for (name, value) in params {
        location.push(separator);
        percent::encode_into(name, &mut location);
        location.push('=');
        percent::encode_into(value, &mut location);
        separator = '&';
    }
    match HeaderValue::try_from(location) {
        Ok(location) => errors::empty(StatusCode::FOUND).with_header(LOCATION, location),
        Err(_) => oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "Value passed for redirect_uri was invalid.",
        ),
    }
}

fn token_error(code: u32, message: &str, label: &str) -> Answer {
    let body = ErrorBody::Errors(vec![ErrorEntry {
        code,
        message: message.into(),
        label: Some(label.into()),
    }]);
    Answer::json(StatusCode::FORBIDDEN, &body)
}

fn oauth_error(status: StatusCode, error: &str, description: &str) -> Answer {
    Answer::json(
        status,
        &OAuthError {
            error,
            error_description: description,
        },
    )
}

fn invalid_value(what: &str) -> Answer {
    oauth_error(
        StatusCode::BAD_REQUEST,
        "invalid_request",
        &format!("Value passed for the {what} was invalid."),
    )
}

fn no_store(answer: Answer) -> Answer {
    answer.with_header(CACHE_CONTROL, HeaderValue::from_static("no-store"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_pairs_decode_and_refuse_bad_escapes() {
        let pairs = form_pairs(b"a=1&b=x+y&c=%41&flag").unwrap();
        assert_eq!(value(&pairs, "b"), Some("x y"));
        assert_eq!(value(&pairs, "c"), Some("A"));
        assert_eq!(value(&pairs, "flag"), Some(""));
        assert!(form_pairs(b"a=%zz").is_none());
    }

    #[test]
    fn redirects_append_to_the_query() {
        let answer = redirect(
            "https://app.example/cb?x=1",
            &[("state", "s 1"), ("code", "c")],
        );
        assert_eq!(answer.status, StatusCode::FOUND);
        let location = &answer.headers[0].1;
        assert_eq!(location, "https://app.example/cb?x=1&state=s%201&code=c");
    }
}
