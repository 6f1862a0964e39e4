//! Who is calling: OAuth 1.0a verified with twapi-auth against the URL as the client
//! addressed it, or a bearer token (the app's, or a user's from the OAuth 2.0 PKCE flow).
//!
//! Each failure is kept apart so that it can be answered as X answers it: no
//! `Authorization` (v1.1: 400 code 215), a header that is not usable OAuth (215), a wrong
//! signature or consumer key (401 code 32), an unknown token (401 code 89), a timestamp more
//! than five minutes from the server's clock (401 code 135). v2 answers all of them with a
//! bare 401 problem, as X does.

use http::HeaderValue;
use serde::Serialize;
use twapi_auth::Secret;
use twapi_auth::oauth1::{
    OAuthHeader, RequestParts, TimeWindow, VerifyError, parse_authorization_header, reference,
    verify,
};
use twapi_core::endpoint::AuthMode;

use crate::credentials::{AppCredentials, find_access_token};
use crate::directory::Directory;

/// How far an `oauth_timestamp` may be from the server's clock, either way.
pub(crate) const MAX_SKEW_SECONDS: u64 = 300;

/// An authenticated caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Caller {
    /// A user, by OAuth 1.0a.
    OAuth1(u32),
    /// A user, by an OAuth 2.0 user access token.
    OAuth2(u32),
    /// The app, by its app-only bearer token.
    App,
}

impl Caller {
    /// The auth mode, as the endpoint table names it.
    pub(crate) fn mode(self) -> AuthMode {
        match self {
            Self::OAuth1(_) => AuthMode::OAuth1User,
            Self::OAuth2(_) => AuthMode::OAuth2User,
            Self::App => AuthMode::AppOnly,
        }
    }

    /// The user acting, in user context.
    pub(crate) fn user(self) -> Option<u32> {
        match self {
            Self::OAuth1(user) | Self::OAuth2(user) => Some(user),
            Self::App => None,
        }
    }
}

/// Why a request is not authenticated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AuthFailure {
    /// No `Authorization` header.
    Missing,
    /// A header that is neither usable OAuth 1.0a nor a bearer token.
    BadData,
    /// The signature or the consumer key does not match.
    BadSignature,
    /// The access or bearer token is not one the emulator issued (or it was revoked).
    UnknownToken,
    /// `oauth_timestamp` is too far from the server's clock.
    Timestamp,
}

/// What authentication looks at in a received request.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Received<'a> {
    /// The method.
    pub(crate) method: &'a str,
    /// The scheme the server listens on.
    pub(crate) scheme: &'a str,
    /// `host[:port]` as the client addressed the server (the `Host` header).
    pub(crate) authority: &'a str,
    /// The request target, `/path?query`.
    pub(crate) target: &'a str,
    /// The body, when it is form-encoded (its parameters are signed).
    pub(crate) form_body: Option<&'a [u8]>,
    /// The `Authorization` header.
    pub(crate) authorization: Option<&'a HeaderValue>,
}

/// Authenticates a request. `bearer` resolves a bearer token to its caller.
pub(crate) fn authenticate(
    received: &Received<'_>,
    dir: &Directory,
    app: &AppCredentials,
    now: u64,
    bearer: impl FnOnce(&str) -> Option<Caller>,
) -> Result<Caller, AuthFailure> {
    let header = received.authorization.ok_or(AuthFailure::Missing)?;
    let value = header.to_str().map_err(|_| AuthFailure::BadData)?;
    let trimmed = value.trim_start();
    if let Some((scheme, token)) = trimmed.split_once(' ')
        && scheme.eq_ignore_ascii_case("Bearer")
    {
        let token = token.trim();
        if token.is_empty() {
            return Err(AuthFailure::BadData);
        }
        return bearer(token).ok_or(AuthFailure::UnknownToken);
    }
    let oauth = parse_authorization_header(value).map_err(|_| AuthFailure::BadData)?;
    let token = oauth.token().ok_or(AuthFailure::BadData)?;
    if oauth.consumer_key() != app.consumer_key {
        return Err(AuthFailure::BadSignature);
    }
    let (user, token_secret) = find_access_token(dir, token).ok_or(AuthFailure::UnknownToken)?;
    check_signature(received, &oauth, app, Some(&token_secret), now)?;
    Ok(Caller::OAuth1(user))
}

/// The `OAuth` header of a request, read (400-class failures when it is absent or unusable).
pub(crate) fn oauth_header(received: &Received<'_>) -> Result<OAuthHeader, AuthFailure> {
    let header = received.authorization.ok_or(AuthFailure::Missing)?;
    let value = header.to_str().map_err(|_| AuthFailure::BadData)?;
    parse_authorization_header(value).map_err(|_| AuthFailure::BadData)
}

/// Verifies `oauth`'s signature of `received` with the app's consumer secret and
/// `token_secret` (none for the request-token step of the 3-legged flow), and its timestamp.
pub(crate) fn check_signature(
    received: &Received<'_>,
    oauth: &OAuthHeader,
    app: &AppCredentials,
    token_secret: Option<&Secret>,
    now: u64,
) -> Result<(), AuthFailure> {
    if oauth.consumer_key() != app.consumer_key {
        return Err(AuthFailure::BadSignature);
    }
    let mut parts = RequestParts::from_origin(
        received.method,
        received.scheme,
        received.authority,
        received.target,
    )
    .map_err(|_| AuthFailure::BadSignature)?;
    if let Some(body) = received.form_body {
        parts = parts.with_form_body(body);
    }
    match verify(
        &parts,
        oauth,
        app.consumer_secret.expose(),
        token_secret.map(Secret::expose),
        TimeWindow::new(now, MAX_SKEW_SECONDS),
    ) {
        Ok(()) => Ok(()),
        Err(VerifyError::TimestampOutOfWindow { .. }) => Err(AuthFailure::Timestamp),
        Err(_) => Err(AuthFailure::BadSignature),
    }
}

/// What the emulator computed for a request whose OAuth 1.0a signature it refused
/// (`--explain-auth`): the pieces an SDK author compares with their own, and nothing secret
/// (the signing key, made of the consumer and token secrets, is never shown).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct Explanation {
    /// The signature base string (RFC 5849 §3.4.1.1): method, base string URI, parameters.
    pub(crate) signature_base_string: String,
    /// The normalized parameter string (§3.4.1.3.2): the query's, a form body's and the
    /// header's `oauth_*` parameters, encoded, sorted and joined.
    pub(crate) normalized_parameters: String,
    /// The base string URI (§3.4.1.2): scheme and host in lower case, default port dropped,
    /// no query.
    pub(crate) base_string_uri: String,
    /// Why the request was refused, in words.
    pub(crate) hint: &'static str,
}

/// What the emulator would have signed for `received`, when its `Authorization` header is
/// OAuth 1.0a that it can read; `None` otherwise (nothing was computed, so nothing is shown).
pub(crate) fn explain(received: &Received<'_>, app: &AppCredentials) -> Option<Explanation> {
    let value = received.authorization?.to_str().ok()?;
    let oauth = parse_authorization_header(value).ok()?;
    let mut parts = RequestParts::from_origin(
        received.method,
        received.scheme,
        received.authority,
        received.target,
    )
    .ok()?;
    if let Some(body) = received.form_body {
        parts = parts.with_form_body(body);
    }
    let mut params = reference::collect_parameters(&parts).ok()?;
    params.extend(
        oauth
            .signed_parameters()
            .into_iter()
            .map(|(name, value)| (name.to_owned(), value.to_owned())),
    );
    let borrowed: Vec<(&str, &str)> = params
        .iter()
        .map(|(name, value)| (name.as_str(), value.as_str()))
        .collect();
    let normalized_parameters = reference::parameter_string(&borrowed);
    let base_string_uri = parts.base_string_uri();
    let hint = if oauth.consumer_key() == app.consumer_key {
        "the signature does not match this base string signed with the consumer secret and \
         the token secret; compare it with the base string your client signed"
    } else {
        "oauth_consumer_key is not this emulator's (see consumer_key in its facts)"
    };
    Some(Explanation {
        signature_base_string: reference::base_string(
            parts.method(),
            &base_string_uri,
            &normalized_parameters,
        ),
        normalized_parameters,
        base_string_uri,
        hint,
    })
}

/// How X names an auth mode in its `unsupported-authentication` detail.
pub(crate) fn mode_name(mode: AuthMode) -> &'static str {
    match mode {
        AuthMode::OAuth1User => "OAuth 1.0a User Context",
        AuthMode::OAuth2User => "OAuth 2.0 User Context",
        _ => "OAuth 2.0 Application-Only",
    }
}

#[cfg(test)]
mod tests {
    use twapi_auth::oauth1::{Credentials, OAuthParams, Signer};

    use super::*;
    use crate::credentials::access_token;

    fn signed(
        dir: &Directory,
        app: &AppCredentials,
        url: &str,
        timestamp: u64,
        secret: &str,
    ) -> HeaderValue {
        let (token, _) = access_token(dir, 7);
        let credentials = Credentials::new(app.consumer_key.clone(), secret.to_owned())
            .with_token(token, access_token(dir, 7).1);
        let parts = RequestParts::new("GET", url).unwrap();
        let header = Signer::new(&credentials)
            .authorization(&parts, &OAuthParams::new("nonce", timestamp))
            .unwrap();
        HeaderValue::from_str(&header).unwrap()
    }

    #[test]
    fn each_failure_is_told_apart() {
        let dir = Directory::generate(42, 100);
        let app = AppCredentials::derive(42);
        let now = 1_700_000_000;
        let url = "http://127.0.0.1:8080/1.1/users/show.json?screen_name=x";
        let check = |header: Option<&HeaderValue>, at: u64| {
            let received = Received {
                method: "GET",
                scheme: "http",
                authority: "127.0.0.1:8080",
                target: "/1.1/users/show.json?screen_name=x",
                form_body: None,
                authorization: header,
            };
            authenticate(&received, &dir, &app, at, |t| {
                (t == "app").then_some(Caller::App)
            })
        };
        let good = signed(&dir, &app, url, now, app.consumer_secret.expose());
        assert_eq!(check(Some(&good), now + 10), Ok(Caller::OAuth1(7)));
        assert_eq!(check(Some(&good), now + 301), Err(AuthFailure::Timestamp));
        let bad = signed(&dir, &app, url, now, "wrong");
        assert_eq!(check(Some(&bad), now), Err(AuthFailure::BadSignature));
        let elsewhere = signed(
            &dir,
            &app,
            "http://localhost:8080/1.1/users/show.json?screen_name=x",
            now,
            app.consumer_secret.expose(),
        );
        assert_eq!(check(Some(&elsewhere), now), Err(AuthFailure::BadSignature));
        assert_eq!(check(None, now), Err(AuthFailure::Missing));
        let garbage = HeaderValue::from_static("OAuth nonsense");
        assert_eq!(check(Some(&garbage), now), Err(AuthFailure::BadData));
        let app_bearer = HeaderValue::from_static("Bearer app");
        assert_eq!(check(Some(&app_bearer), now), Ok(Caller::App));
        let unknown = HeaderValue::from_static("Bearer other");
        assert_eq!(check(Some(&unknown), now), Err(AuthFailure::UnknownToken));
    }
}
