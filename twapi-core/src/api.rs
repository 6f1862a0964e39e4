//! Building: a typed request, credentials, and an explicit timestamp and nonce become an
//! `http::Request` that is ready to send.

use std::fmt;

use bytes::Bytes;
use http::header::{AUTHORIZATION, CONTENT_TYPE, HeaderValue};
use twapi_auth::Secret;
use twapi_auth::oauth1::{OAuthParams, Signer};
use twapi_auth::percent;

use crate::endpoint::{AuthMode, EndpointId};
use crate::error::Error;
use crate::fields::Vocabulary;
use crate::param::{Invalid, InvalidRequest, Params};
use crate::request::{ApiRequest, Parts};

/// The credentials a request is sent with.
#[derive(Clone)]
#[non_exhaustive]
pub enum Auth {
    /// OAuth 1.0a user context: consumer key and secret with the user's access token and
    /// secret, pre-keyed once for fast signing.
    OAuth1(Box<Signer>),
    /// App-only: the app's bearer token.
    AppOnly(Secret),
    /// OAuth 2.0 user context: a user's access token from the PKCE flow.
    OAuth2User(Secret),
}

impl Auth {
    /// OAuth 1.0a user context from the four credentials.
    pub fn oauth1(credentials: &twapi_auth::oauth1::Credentials) -> Self {
        Self::OAuth1(Box::new(Signer::new(credentials)))
    }

    /// Which of X's auth modes this is.
    pub fn mode(&self) -> AuthMode {
        match self {
            Self::OAuth1(_) => AuthMode::OAuth1User,
            Self::AppOnly(_) => AuthMode::AppOnly,
            Self::OAuth2User(_) => AuthMode::OAuth2User,
        }
    }
}

impl fmt::Debug for Auth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::OAuth1(signer) => f.debug_tuple("OAuth1").field(signer).finish(),
            Self::AppOnly(token) => f.debug_tuple("AppOnly").field(token).finish(),
            Self::OAuth2User(token) => f.debug_tuple("OAuth2User").field(token).finish(),
        }
    }
}

/// The per-request inputs a sans-IO core cannot draw itself: the Unix time and a nonce (used
/// by OAuth 1.0a, ignored by the bearer modes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp<'a> {
    /// Seconds since the Unix epoch.
    pub timestamp: u64,
    /// A value never used before with this timestamp (32 alphanumeric characters is usual).
    pub nonce: &'a str,
}

/// Where requests go: the API's base URL (`https://api.x.com` by default; the emulator or a
/// proxy otherwise).
///
/// ```
/// use twapi_auth::oauth1::Credentials;
/// use twapi_core::request::v1::UsersShow;
/// use twapi_core::{Api, Auth, Stamp};
///
/// let api = Api::new("https://api.x.com")?;
/// let auth = Auth::oauth1(&Credentials::new("key", "secret").with_token("1-token", "token-secret"));
/// let request = api.prepare(
///     &UsersShow::of("TwitterDev".parse::<twapi_core::ScreenName>()?),
///     &auth,
///     Stamp { timestamp: 1_700_000_000, nonce: "n0nce" },
/// )?;
/// assert_eq!(request.uri(), "https://api.x.com/1.1/users/show.json?screen_name=TwitterDev");
/// assert!(request.headers()["authorization"].to_str()?.starts_with("OAuth "));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Api {
    base: String,
    vocabulary: Vocabulary,
}

impl Default for Api {
    fn default() -> Self {
        Self {
            base: "https://api.x.com".to_owned(),
            vocabulary: Vocabulary::default(),
        }
    }
}

impl Api {
    /// Requests to `base_url`: a scheme, a host, an optional port and an optional path
    /// prefix, with no query (`http://127.0.0.1:8080`, `https://proxy.example/x`).
    pub fn new(base_url: &str) -> Result<Self, InvalidRequest> {
        let bad = |expected| {
            InvalidRequest::new(
                "base_url",
                Invalid::Malformed {
                    value: base_url.to_owned(),
                    expected,
                },
            )
        };
        let uri: http::Uri = base_url.parse().map_err(|_| bad("an absolute URL"))?;
        if !matches!(uri.scheme_str(), Some("http" | "https")) || uri.authority().is_none() {
            return Err(bad("an http or https URL with a host"));
        }
        if uri.query().is_some() {
            return Err(bad("a URL without a query"));
        }
        Ok(Self {
            base: base_url.trim_end_matches('/').to_owned(),
            vocabulary: Vocabulary::default(),
        })
    }

    /// The base URL, without a trailing slash.
    pub fn base_url(&self) -> &str {
        &self.base
    }

    /// Writes v2 field selectors in `vocabulary`: [`Vocabulary::Post`] by default
    /// (`post.fields`, `expansions=pinned_post_id`, as X's own SDKs send them),
    /// [`Vocabulary::Tweet`] for the classic names of X's docs (`tweet.fields`,
    /// `expansions=pinned_tweet_id`). X accepts both, and answers either in one model.
    ///
    /// ```
    /// use twapi_core::fields::{Expansion, Fields, Vocabulary};
    /// use twapi_core::request::v2::Me;
    /// use twapi_core::{Api, Auth, Stamp};
    ///
    /// let fields = Fields { expansions: vec![Expansion::PinnedTweetId], ..Fields::default() };
    /// let auth = Auth::OAuth2User("token".into());
    /// let stamp = Stamp { timestamp: 0, nonce: "" };
    /// let sent = |api: Api| api.prepare(&Me { fields: fields.clone() }, &auth, stamp).unwrap();
    /// assert_eq!(sent(Api::default()).uri(), "https://api.x.com/2/users/me?expansions=pinned_post_id");
    /// assert_eq!(
    ///     sent(Api::default().with_vocabulary(Vocabulary::Tweet)).uri(),
    ///     "https://api.x.com/2/users/me?expansions=pinned_tweet_id"
    /// );
    /// ```
    #[must_use]
    pub fn with_vocabulary(mut self, vocabulary: Vocabulary) -> Self {
        self.vocabulary = vocabulary;
        self
    }

    /// The vocabulary v2 field selectors are written in.
    pub fn vocabulary(&self) -> Vocabulary {
        self.vocabulary
    }

    /// Builds the request: URL with query, form or JSON body, content type, and
    /// `Authorization` — after checking every documented rule and that the endpoint accepts
    /// `auth`'s mode. Nothing here reads a clock or draws randomness: `stamp` brings both.
    pub fn prepare<R: ApiRequest>(
        &self,
        request: &R,
        auth: &Auth,
        stamp: Stamp<'_>,
    ) -> Result<http::Request<Bytes>, Error> {
        let endpoint = R::ENDPOINT.descriptor();
        if !endpoint.auth.contains(auth.mode()) {
            return Err(InvalidRequest::new(
                "Authorization",
                Invalid::UnsupportedAuth { mode: auth.mode() },
            )
            .into());
        }
        let mut parts = Parts {
            params: Params::in_vocabulary(self.vocabulary),
            ..Parts::default()
        };
        request.write(&mut parts)?;
        let mut http_request = self.assemble(R::ENDPOINT, &parts)?;
        authorize(&mut http_request, auth, stamp)?;
        Ok(http_request)
    }

    /// The unsigned request: method, URL, body and content type.
    fn assemble(&self, id: EndpointId, parts: &Parts) -> Result<http::Request<Bytes>, Error> {
        let endpoint = id.descriptor();
        let path = endpoint.render_path(&parts.path_params()).map_err(|e| {
            InvalidRequest::new(
                "path",
                Invalid::Malformed {
                    value: e.to_string(),
                    expected: "path parameters of the documented shape",
                },
            )
        })?;
        let mut url = String::with_capacity(self.base.len() + path.len() + 64);
        url.push_str(&self.base);
        url.push_str(&path);
        let form_in_body = endpoint.method == http::Method::POST && parts.json.is_none();
        let mut body = Bytes::new();
        if form_in_body {
            if !parts.params.is_empty() {
                let mut form = String::new();
                write_pairs(parts.params.pairs(), &mut form);
                body = Bytes::from(form);
            }
        } else if !parts.params.is_empty() {
            url.push('?');
            write_pairs(parts.params.pairs(), &mut url);
        }
        let mut builder = http::Request::builder()
            .method(endpoint.method.clone())
            .uri(url);
        if let Some(json) = &parts.json {
            builder = builder.header(CONTENT_TYPE, "application/json");
            body = Bytes::from(json.clone());
        } else if form_in_body {
            builder = builder.header(CONTENT_TYPE, "application/x-www-form-urlencoded");
        }
        builder.body(body).map_err(|e| {
            Error::Invalid(InvalidRequest::new(
                "url",
                Invalid::Malformed {
                    value: e.to_string(),
                    expected: "a valid request URL",
                },
            ))
        })
    }
}

/// Writes `name=value&…`, percent-encoded per RFC 3986 (the form OAuth signs).
fn write_pairs(pairs: &[(&'static str, String)], out: &mut String) {
    for (i, (name, value)) in pairs.iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        percent::encode_into(name, out);
        out.push('=');
        percent::encode_into(value, out);
    }
}

/// Sets `Authorization` for the credentials' mode; the header is marked sensitive.
fn authorize(
    request: &mut http::Request<Bytes>,
    auth: &Auth,
    stamp: Stamp<'_>,
) -> Result<(), Error> {
    let header_error = |what: &str| {
        Error::Invalid(InvalidRequest::new(
            "Authorization",
            Invalid::Malformed {
                value: what.to_owned(),
                expected: "credentials that fit in a header",
            },
        ))
    };
    match auth {
        Auth::OAuth1(signer) => signer
            .authorize(request, &OAuthParams::new(stamp.nonce, stamp.timestamp))
            .map_err(|e| header_error(&e.to_string())),
        Auth::AppOnly(token) | Auth::OAuth2User(token) => {
            let mut value = HeaderValue::try_from(format!("Bearer {}", token.expose()))
                .map_err(|_| header_error("a token with characters a header cannot hold"))?;
            value.set_sensitive(true);
            request.headers_mut().insert(AUTHORIZATION, value);
            Ok(())
        }
    }
}
