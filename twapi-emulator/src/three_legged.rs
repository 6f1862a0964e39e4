//! The server side of the 3-legged OAuth 1.0a flow ("Sign in with X" and the PIN flow):
//! `POST /oauth/request_token`, `GET /oauth/authorize` and `/oauth/authenticate`, and
//! `POST /oauth/access_token`.
//!
//! 1. The request token: signed with the consumer key and secret alone, carrying
//!    `oauth_callback` (`oob`, or an absolute URL: the emulator approves every such URL, as
//!    an app whose settings list it would). X answers any other callback, and a missing one,
//!    with 403 code 415, "Callback URL not approved…", recorded in the issues of
//!    abraham/twitteroauth (#658) and GoldenOwlAsia/react-native-twitter-signin (#135). The
//!    answer is form-encoded, labelled `text/html` as X labels it.
//! 2. The authorize page approves at once, as the OAuth 2.0 one does: the user is the
//!    emulator's own `login` parameter (screen name or id) or the emulator's default login.
//!    A callback URL gets a 302 with `oauth_token` and `oauth_verifier`; `oob` gets a page
//!    that shows a 7-digit PIN in `<code>` inside `<div id="oauth_pin">`, where X puts it. An
//!    unknown `login` declines: the callback gets `denied=<request token>`.
//! 3. The access token: signed with the request token and its secret, `oauth_verifier` in
//!    the `OAuth` header or in the query or form body (X takes both); or, as in X's own
//!    example, `oauth_token` and `oauth_verifier` in the query under a header signed with the
//!    consumer secret alone. It answers the user's
//!    one access token, the very one [`credentials::access_token`] derives, so the granted
//!    credentials work on every endpoint. An unknown, spent or expired request token gets
//!    X's `401 Invalid request token.`, a wrong verifier X's `401 Error processing your OAuth
//!    request: Invalid oauth_verifier parameter` (plain-text bodies, as recorded in
//!    snarfed/bridgy#451, abraham/twitteroauth#314 and #619).
//!
//! A request token is spent by any access-token request that carries a valid signature,
//! whether its verifier is right or not, so a PIN cannot be guessed by trying. It expires
//! [`REQUEST_TOKEN_LIFETIME`] after it was issued.

use std::collections::HashMap;
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use http::StatusCode;
use twapi_auth::{Secret, percent};
use twapi_core::endpoint::ApiVersion;
use twapi_core::error_code::ErrorCode;

use crate::answer::Answer;
use crate::auth::{self, Received};
use crate::clock;
use crate::credentials::{self, AppCredentials};
use crate::directory::{Directory, tag};
use crate::errors;
use crate::oauth2::{form_pairs, is_absolute_url, redirect, value};
use crate::rng::{ALPHANUMERIC, Rng};

/// How long a request token waits for its access-token exchange. X does not document it;
/// the emulator gives the user 15 minutes to authorize, as generous as X's own windows.
pub(crate) const REQUEST_TOKEN_LIFETIME: Duration = Duration::from_secs(15 * 60);

/// How X labels the form-encoded answers of the flow.
const FORM_AS_HTML: &str = "text/html;charset=utf-8";
/// The label of the flow's plain-text refusals.
const TEXT: &str = "text/plain;charset=utf-8";
/// The refusal of an unknown, spent or expired request token.
const INVALID_REQUEST_TOKEN: &str = "Invalid request token.";
/// The refusal of a wrong (or not yet issued) verifier.
const INVALID_VERIFIER: &str =
    "Error processing your OAuth request: Invalid oauth_verifier parameter";
/// How many digits a PIN has.
const PIN_DIGITS: usize = 7;

/// Where the user goes after authorizing.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Callback {
    Oob,
    Url(String),
}

/// A request token waiting for its exchange.
#[derive(Debug)]
struct Pending {
    secret: Secret,
    callback: Callback,
    /// Set once the user authorized: who, and the verifier they were given.
    authorized: Option<(u32, Secret)>,
    expires: SystemTime,
}

/// The request tokens issued and not yet spent.
#[derive(Debug)]
pub(crate) struct RequestTokens {
    pending: HashMap<String, Pending>,
    rng: Rng,
}

impl RequestTokens {
    /// The store of the emulator seeded with `seed`.
    pub(crate) fn new(seed: u64) -> Self {
        Self {
            pending: HashMap::new(),
            rng: Rng::keyed(&[seed, tag::CREDENTIALS, u64::MAX - 3]),
        }
    }

    /// `POST /oauth/request_token`.
    pub(crate) fn request_token(
        &mut self,
        app: &AppCredentials,
        received: &Received<'_>,
        now: SystemTime,
    ) -> Answer {
        let oauth = match auth::oauth_header(received) {
            Ok(oauth) => oauth,
            Err(failure) => return errors::unauthorized(ApiVersion::V1, failure),
        };
        if let Err(failure) =
            auth::check_signature(received, &oauth, app, None, clock::unix_seconds(now))
        {
            return errors::unauthorized(ApiVersion::V1, failure);
        }
        let callback = match oauth
            .callback()
            .map(str::to_owned)
            .or_else(|| parameter(received, "oauth_callback"))
        {
            Some(callback) if callback == "oob" => Callback::Oob,
            Some(url) if is_absolute_url(&url) => Callback::Url(url),
            _ => return errors::code(ErrorCode::CallbackUrlNotApproved),
        };
        self.pending.retain(|_, pending| pending.expires > now);
        let token = self.rng.string(ALPHANUMERIC, 27);
        let secret = self.rng.string(ALPHANUMERIC, 32);
        let body = form(&[
            ("oauth_token", &token),
            ("oauth_token_secret", &secret),
            ("oauth_callback_confirmed", "true"),
        ]);
        self.pending.insert(
            token,
            Pending {
                secret: Secret::new(secret),
                callback,
                authorized: None,
                expires: now + REQUEST_TOKEN_LIFETIME,
            },
        );
        Answer::bytes(StatusCode::OK, FORM_AS_HTML, body)
    }

    /// `GET /oauth/authorize` and `/oauth/authenticate`: approves at once as `login` (or
    /// `default_user`), then redirects to the callback or shows the PIN.
    pub(crate) fn authorize(
        &mut self,
        dir: &Directory,
        query: &[u8],
        default_user: u32,
        now: SystemTime,
    ) -> Answer {
        let query = form_pairs(query).unwrap_or_default();
        let token = value(&query, "oauth_token").unwrap_or_default().to_owned();
        let Some(pending) = self
            .pending
            .get_mut(&token)
            .filter(|pending| pending.expires > now && pending.authorized.is_none())
        else {
            return page(
                StatusCode::FORBIDDEN,
                "<h1>Whoa there!</h1><p>The request token for this page is invalid. It may have \
                 already been used, or expired because it is too old. Please go back to the \
                 site or application that sent you here and try again; it was probably just a \
                 mistake.</p>",
            );
        };
        let user = match value(&query, "login") {
            Some(login) => login
                .parse::<u64>()
                .ok()
                .and_then(|id| dir.by_id(id))
                .or_else(|| dir.by_screen_name(login)),
            None => Some(default_user),
        };
        let Some(user) = user else {
            let callback = pending.callback.clone();
            self.pending.remove(&token);
            return match callback {
                Callback::Url(url) => redirect(&url, &[("denied", &token)]),
                Callback::Oob => page(
                    StatusCode::OK,
                    "<p id=\"denied\">You have not authorized the application.</p>",
                ),
            };
        };
        let verifier = match pending.callback {
            Callback::Oob => self.rng.string(b"0123456789", PIN_DIGITS),
            Callback::Url(_) => self.rng.string(ALPHANUMERIC, 32),
        };
        pending.authorized = Some((user, Secret::new(verifier.as_str())));
        match &pending.callback {
            Callback::Url(url) => redirect(
                url,
                &[("oauth_token", &token), ("oauth_verifier", &verifier)],
            ),
            Callback::Oob => page(
                StatusCode::OK,
                &format!(
                    "<p>You have authorized the application as @{}. Next, return to it and \
                     enter this PIN to complete the authorization process:</p>\
                     <div id=\"oauth_pin\"><p><kbd><code>{verifier}</code></kbd></p></div>",
                    dir.screen_name(user)
                ),
            ),
        }
    }

    /// `POST /oauth/access_token`: spends the request token for the user's access token.
    pub(crate) fn access_token(
        &mut self,
        dir: &Directory,
        app: &AppCredentials,
        received: &Received<'_>,
        now: SystemTime,
    ) -> Answer {
        let oauth = match auth::oauth_header(received) {
            Ok(oauth) => oauth,
            Err(failure) => return errors::unauthorized(ApiVersion::V1, failure),
        };
        // X's own example sends the request token in the query: a header signed with the
        // consumer secret alone then carries none.
        let in_header = oauth.token().is_some();
        let token = oauth
            .token()
            .map(str::to_owned)
            .or_else(|| parameter(received, "oauth_token"))
            .unwrap_or_default();
        let token = token.as_str();
        let Some(pending) = self
            .pending
            .get(token)
            .filter(|pending| pending.expires > now)
        else {
            return text(INVALID_REQUEST_TOKEN);
        };
        if let Err(failure) = auth::check_signature(
            received,
            &oauth,
            app,
            in_header.then_some(&pending.secret),
            clock::unix_seconds(now),
        ) {
            return errors::unauthorized(ApiVersion::V1, failure);
        }
        let verifier = oauth
            .verifier()
            .map(str::to_owned)
            .or_else(|| parameter(received, "oauth_verifier"))
            .unwrap_or_default();
        let Some(pending) = self.pending.remove(token) else {
            return text(INVALID_REQUEST_TOKEN);
        };
        let user = match pending.authorized {
            Some((user, expected)) if expected == Secret::new(verifier) => user,
            _ => return text(INVALID_VERIFIER),
        };
        let (token, secret) = credentials::access_token(dir, user);
        let body = form(&[
            ("oauth_token", &token),
            ("oauth_token_secret", secret.expose()),
            ("user_id", &dir.id(user).to_string()),
            ("screen_name", &dir.screen_name(user)),
        ]);
        Answer::bytes(StatusCode::OK, FORM_AS_HTML, body)
    }
}

/// A parameter of the query or of a form body.
fn parameter(received: &Received<'_>, name: &str) -> Option<String> {
    let query = received
        .target
        .split_once('?')
        .map_or(&b""[..], |(_, query)| query.as_bytes());
    [Some(query), received.form_body]
        .into_iter()
        .flatten()
        .filter_map(form_pairs)
        .find_map(|pairs| value(&pairs, name).map(str::to_owned))
}

/// `a=1&b=2`, each name and value percent-encoded.
fn form(pairs: &[(&str, &str)]) -> Bytes {
    let mut body = String::new();
    for (name, value) in pairs {
        if !body.is_empty() {
            body.push('&');
        }
        percent::encode_into(name, &mut body);
        body.push('=');
        percent::encode_into(value, &mut body);
    }
    Bytes::from(body)
}

/// A 401 with a plain-text body, as X refuses an access-token exchange.
fn text(message: &'static str) -> Answer {
    Answer::bytes(
        StatusCode::UNAUTHORIZED,
        TEXT,
        Bytes::from_static(message.as_bytes()),
    )
}

/// An HTML page of the authorize step.
fn page(status: StatusCode, content: &str) -> Answer {
    let html = format!(
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Authorize application \
         (twapi emulator)</title></head><body>{content}</body></html>"
    );
    Answer::bytes(status, FORM_AS_HTML, Bytes::from(html))
}

#[cfg(test)]
mod tests {
    use http::HeaderValue;
    use twapi_auth::oauth1::{Credentials, OAuthParams, RequestParts, Signer};

    use super::*;

    const AUTHORITY: &str = "127.0.0.1:9";

    fn signed(
        app: &AppCredentials,
        path: &str,
        token: Option<(&str, &str)>,
        params: &OAuthParams<'_>,
    ) -> HeaderValue {
        let mut credentials =
            Credentials::new(app.consumer_key.clone(), app.consumer_secret.clone());
        if let Some((token, secret)) = token {
            credentials = credentials.with_token(token, secret);
        }
        let url = format!("http://{AUTHORITY}{path}");
        let parts = RequestParts::new("POST", &url).unwrap();
        let header = Signer::new(&credentials)
            .authorization(&parts, params)
            .unwrap();
        HeaderValue::from_str(&header).unwrap()
    }

    fn post<'a>(path: &'a str, header: &'a HeaderValue) -> Received<'a> {
        Received {
            method: "POST",
            scheme: "http",
            authority: AUTHORITY,
            target: path,
            form_body: None,
            authorization: Some(header),
        }
    }

    fn pairs(answer: &Answer) -> Vec<(String, String)> {
        form_pairs(&answer.body).unwrap()
    }

    /// The request token lives on the emulator's clock: exchanged after its lifetime, it is
    /// refused even with the right verifier.
    #[test]
    fn request_tokens_expire() {
        let dir = Directory::generate(42, 100);
        let app = AppCredentials::derive(42);
        let mut tokens = RequestTokens::new(42);
        let issued = clock::now();
        let header = signed(
            &app,
            "/oauth/request_token",
            None,
            &OAuthParams::new("n1", clock::unix_seconds(issued)).with_callback("oob"),
        );
        let answer = tokens.request_token(&app, &post("/oauth/request_token", &header), issued);
        assert_eq!(answer.status, StatusCode::OK);
        let reply = pairs(&answer);
        let token = value(&reply, "oauth_token").unwrap().to_owned();
        let secret = value(&reply, "oauth_token_secret").unwrap().to_owned();
        let page = tokens.authorize(&dir, format!("oauth_token={token}").as_bytes(), 3, issued);
        let page = String::from_utf8(page.body.to_vec()).unwrap();
        let pin = page
            .split("<code>")
            .nth(1)
            .unwrap()
            .split("</code>")
            .next()
            .unwrap();
        assert_eq!(pin.len(), PIN_DIGITS);

        let exchange = |tokens: &mut RequestTokens, at: SystemTime| {
            let header = signed(
                &app,
                "/oauth/access_token",
                Some((&token, &secret)),
                &OAuthParams::new("n2", clock::unix_seconds(at)).with_verifier(pin),
            );
            tokens.access_token(&dir, &app, &post("/oauth/access_token", &header), at)
        };
        let late = issued + REQUEST_TOKEN_LIFETIME;
        let answer = exchange(&mut tokens, late);
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
        assert_eq!(&answer.body[..], INVALID_REQUEST_TOKEN.as_bytes());
        let answer = exchange(&mut tokens, late - Duration::from_secs(1));
        assert_eq!(answer.status, StatusCode::OK, "{:?}", answer.body);
        let (expected, _) = credentials::access_token(&dir, 3);
        assert_eq!(
            value(&pairs(&answer), "oauth_token"),
            Some(expected.as_str())
        );
    }

    #[test]
    fn forms_are_percent_encoded() {
        assert_eq!(&form(&[("a", "x y"), ("b", "1&2")])[..], b"a=x%20y&b=1%262");
    }
}
