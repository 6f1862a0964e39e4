//! One function per fuzz target. Included by path from twapi-core's corpus replay test, so it
//! depends only on twapi-model, twapi-auth, twapi-core and the boundary crates (serde,
//! serde_json, http, bytes), and reads its structured inputs from raw bytes by hand
//! ([`input`]).
//!
//! Every function must never panic, hang or allocate without bound, whatever the bytes; the
//! `assert!`s inside are the invariants the fuzzer checks, so a failing one is a finding.

#[path = "targets/input.rs"]
mod input;

use std::borrow::Cow;
use std::fmt::Debug;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use twapi_auth::oauth1::{
    self, Credentials, OAuthParams, RequestParts, Signer, TimeWindow, VerifyError,
};
use twapi_auth::{bearer, form, oauth2, percent, three_legged};
use twapi_core::endpoint::{EndpointVisitor, VisitRequest};
use twapi_core::error::EXCERPT_BYTES;
use twapi_core::pager::{Pageable, Pager, PagerError, PagerState};
use twapi_core::rate_limit::{Context, Limiter, LimiterConfig, RateLimit, RateLimitSnapshot};
use twapi_core::request::server::{IncomingRequest, ServerRequest};
use twapi_core::request::{ApiRequest, v1 as req1, v2 as req2};
use twapi_core::session::{Action, CallError, Exchange, SessionBuilder, Walk, WalkEvent};
use twapi_core::{Api, Auth, AuthMode, EndpointId, Error, Payload, RetryDecision, RetryPolicy};
use twapi_core::{Retryability, UserRef};
use twapi_model::{UserId, decode, v1, v2};

use input::{Input, status};

/// The clock of the targets that need one: a fixed, ordinary instant.
const NOW_SECS: u64 = 1_700_000_000;

fn now() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(NOW_SECS)
}

// ---------------------------------------------------------------------------------------------
// model_decode, v2_page_reader

/// Every v1.1 and v2 body type of the model, decoded from the same bytes; a value that decodes
/// must survive encode → decode unchanged.
pub fn model_decode(data: &[u8]) {
    round_trip::<v1::User>(data);
    round_trip::<Vec<v1::User>>(data);
    round_trip::<v1::UserPage>(data);
    round_trip::<v1::IdPage>(data);
    round_trip::<v1::NoRetweetIds>(data);
    round_trip::<v1::RelationshipResponse>(data);
    round_trip::<Vec<v1::Friendship>>(data);
    round_trip::<v1::ErrorBody>(data);
    round_trip::<v2::UserPage>(data);
    round_trip::<v2::UserResponse>(data);
    round_trip::<v2::FollowResponse>(data);
    round_trip::<v2::UnfollowResponse>(data);
    round_trip::<v2::ErrorBody>(data);
}

fn round_trip<T>(data: &[u8])
where
    T: serde::Serialize + serde::de::DeserializeOwned + PartialEq + Debug,
{
    if let Ok(value) = decode::<T>(data) {
        let encoded = serde_json::to_vec(&value).expect("a decoded value encodes");
        let again: T = decode(&encoded).expect("an encoded value decodes");
        assert_eq!(again, value, "decode → encode → decode changed the value");
    }
}

/// The fast v2 page reader against serde: whenever it accepts a body, serde must read the
/// same page; when it refuses, serde decides, so both paths must agree on success.
pub fn v2_page_reader(data: &[u8]) {
    let fast = v2::UserPage::decode(data);
    let serde = decode::<v2::UserPage>(data);
    match (fast, serde) {
        (Ok(a), Ok(b)) => assert_eq!(a, b, "the fast reader and serde read different pages"),
        (Err(_), Err(_)) => {}
        (a, b) => panic!("the fast reader and serde disagree: {a:?} vs {b:?}"),
    }
}

/// The v1.1 fast readers (`User::decode`, `User::decode_list`, `UserPage::decode`,
/// `IdPage::decode`) against serde: for any bytes, the same value or an error from both.
pub fn v1_readers(data: &[u8]) {
    differential(data, v1::User::decode);
    differential(data, v1::User::decode_list);
    differential(data, v1::UserPage::decode);
    differential(data, v1::IdPage::decode);
}

fn differential<T>(data: &[u8], fast: fn(&[u8]) -> Result<T, twapi_model::DecodeError>)
where
    T: serde::de::DeserializeOwned + PartialEq + Debug,
{
    let serde = decode::<T>(data);
    match (fast(data), serde) {
        (Ok(a), Ok(b)) => assert_eq!(a, b, "the fast reader and serde read different values"),
        (Err(a), Err(b)) => assert_eq!(a, b, "the fast reader and serde fail differently"),
        (a, b) => panic!("the fast reader and serde disagree: {a:?} vs {b:?}"),
    }
}

// ---------------------------------------------------------------------------------------------
// Headers

/// The header names the targets draw from: the three rate-limit groups, and neighbours that
/// must not be mistaken for them.
const HEADER_NAMES: [&str; 12] = [
    "x-rate-limit-limit",
    "x-rate-limit-remaining",
    "x-rate-limit-reset",
    "x-app-limit-24hour-limit",
    "x-app-limit-24hour-remaining",
    "x-app-limit-24hour-reset",
    "x-user-limit-24hour-limit",
    "x-user-limit-24hour-remaining",
    "x-user-limit-24hour-reset",
    "content-type",
    "retry-after",
    "x-rate-limit-limit-2",
];

/// Header records until the input (or `max` records) runs out: a name-selector byte, then the
/// value as a chunk. Values a `HeaderValue` cannot hold are skipped.
fn headers(input: &mut Input<'_>, max: usize) -> HeaderMap {
    let mut map = HeaderMap::new();
    for _ in 0..max {
        if input.is_empty() {
            break;
        }
        let name = HeaderName::from_static(input.pick(&HEADER_NAMES));
        if let Ok(value) = HeaderValue::from_bytes(input.chunk()) {
            map.append(name, value);
        }
    }
    map
}

// ---------------------------------------------------------------------------------------------
// reply_decode

/// Arbitrary status, headers and body through `decode_reply::<R>` for the request type of every
/// endpoint (the first byte picks it), then the invariants of a decoded reply or error.
///
/// Input: endpoint byte, status (2 bytes), retry byte, header count byte, header records
/// (name byte + chunk), body (the rest).
pub fn reply_decode(data: &[u8]) {
    let mut input = Input::new(data);
    let id = input.pick(EndpointId::ALL);
    let status = status(&mut input);
    let retry = input.byte();
    let count = usize::from(input.byte() % 16);
    let headers = headers(&mut input, count);
    let body = Bytes::copy_from_slice(input.rest());
    id.visit(ReplyCheck {
        status,
        headers,
        body,
        retry,
    });
}

struct ReplyCheck {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
    retry: u8,
}

impl EndpointVisitor for ReplyCheck {
    type Output = ();
}

/// Every endpoint's request type: `id.visit` runs the check for the one `id` names.
impl<R> VisitRequest<R> for ReplyCheck
where
    R: ApiRequest + Clone + Debug + PartialEq,
    R::Output: Debug + PartialEq,
{
    fn visit(self) {
        let mut response = http::Response::new(self.body.clone());
        *response.status_mut() = self.status;
        *response.headers_mut() = self.headers.clone();
        let result = twapi_core::decode_reply::<R>(response);
        let snapshot = RateLimitSnapshot::from_headers(&self.headers);
        let decoded = <R::Output as Payload>::decode(&self.body);
        match result {
            Ok(reply) => {
                let snapshot = snapshot.expect("a reply despite unreadable rate-limit headers");
                assert_eq!(reply.status(), self.status);
                assert_eq!(reply.body(), &self.body);
                assert_eq!(reply.rate_limit(), &snapshot);
                assert!(
                    !reply.value.only_errors(),
                    "a reply whose body holds only errors: {:?}",
                    reply.value
                );
                if self.status.is_success() {
                    let decoded = decoded.expect("a success reply whose body does not decode");
                    assert_eq!(decoded, reply.value, "the reply is not the decoded body");
                } else {
                    // Only an error that is really an outcome becomes a reply.
                    assert_eq!(R::ENDPOINT, EndpointId::FriendshipsCreate);
                }
            }
            Err(error) => {
                if snapshot.is_err() {
                    assert!(
                        matches!(&error, Error::Decode(d) if d.path == "(headers)"),
                        "bad rate-limit headers gave {error:?}"
                    );
                } else if self.status.is_success()
                    && let Ok(value) = &decoded
                {
                    assert!(
                        value.only_errors(),
                        "a success status with a decodable body gave {error:?}"
                    );
                }
                check_error(&error, self.status, self.retry);
            }
        }
    }
}

/// What every decoding error must honour, whatever the body.
fn check_error(error: &Error, status: StatusCode, retry: u8) {
    let _ = error.to_string();
    let retryability = error.retryability();
    match error {
        Error::Invalid(e) => panic!("decoding reported an invalid request: {e:?}"),
        Error::Decode(d) => {
            assert_eq!(d.status, status);
            assert!(
                d.excerpt.chars().count() <= EXCERPT_BYTES,
                "an unbounded excerpt"
            );
            assert!(error.api().is_none());
        }
        Error::Api(e) => {
            assert_eq!(e.status(), status);
            assert!(
                e.excerpt().chars().count() <= EXCERPT_BYTES,
                "an unbounded excerpt"
            );
            let limited = status == StatusCode::TOO_MANY_REQUESTS
                || status.as_u16() == 420
                || e.has_code(twapi_core::ErrorCode::RateLimitExceeded);
            // A spent usage cap (or another billing refusal) comes as a 429 too, but no wait
            // lifts it: it is an API error, final.
            if e.billing().is_some() {
                assert_eq!(
                    retryability,
                    Retryability::Never,
                    "a billing refusal retried"
                );
            } else {
                assert!(!limited, "a rate-limit refusal not reported as one: {e:?}");
            }
        }
        Error::RateLimited(r) => {
            assert_eq!(r.error.status(), status);
            if let Some(until) = r.until {
                assert_eq!(retryability, Retryability::At(until));
            }
        }
        _ => {}
    }
    // The driver's next step: attempt numbers and jitters from the edges of their ranges.
    let attempt = if retry == u8::MAX {
        u32::MAX
    } else {
        u32::from(retry & 0x0F)
    };
    let jitters = [0.0, 0.5, 0.999, 1.0, -1.0, f64::NAN, f64::INFINITY, 1e300];
    let jitter = jitters[usize::from(retry >> 4) % jitters.len()];
    let policy = RetryPolicy::default();
    match policy.decide(attempt, retryability, true, jitter, now()) {
        RetryDecision::RetryAt(at) => {
            assert!(at >= now(), "a retry scheduled in the past");
            if retryability == Retryability::Now {
                assert!(
                    at <= now() + Duration::from_secs(60),
                    "a backoff beyond the cap"
                );
            }
        }
        RetryDecision::GiveUp => {}
    }
}

// ---------------------------------------------------------------------------------------------
// rate_limit_headers

/// `RateLimitSnapshot::from_headers` on arbitrary maps of the x-rate-limit-* family, against a
/// plain re-statement of the rules; a snapshot that parses survives `write_headers` → parse,
/// and the limiter digests it without panicking and honours an exhausted window.
///
/// Input: endpoint byte, clock offset (2 bytes), then header records (name byte + chunk).
pub fn rate_limit_headers(data: &[u8]) {
    let mut input = Input::new(data);
    let selector = input.byte();
    let id = EndpointId::ALL[usize::from(selector) % EndpointId::ALL.len()];
    let now = now() + Duration::from_secs(u64::from(input.u16()));
    let headers = headers(&mut input, 64);

    let parsed = RateLimitSnapshot::from_headers(&headers);
    let expected = reference_snapshot(&headers);
    match (&parsed, &expected) {
        (Ok(a), Some(b)) => assert_eq!(a, b, "the parser and the rules disagree"),
        (Err(_), None) => {}
        _ => panic!("the parser and the rules disagree: {parsed:?} vs {expected:?}"),
    }
    let Ok(snapshot) = parsed else {
        if let Err(e) = parsed {
            let _ = e.to_string();
        }
        return;
    };
    assert_eq!(
        snapshot.is_empty(),
        snapshot.window.is_none() && snapshot.app_day.is_none() && snapshot.user_day.is_none()
    );
    let mut written = HeaderMap::new();
    snapshot.write_headers(&mut written);
    assert_eq!(
        RateLimitSnapshot::from_headers(&written).as_ref(),
        Ok(&snapshot),
        "write_headers → from_headers changed the snapshot"
    );

    let ctx = if selector & 0x80 == 0 {
        Context::user("app", 12)
    } else {
        Context::app_only("app")
    };
    let mut limiter = Limiter::default();
    limiter.observe(id, &ctx, &snapshot, now);
    let exhausted = snapshot
        .window
        .is_some_and(|w| w.remaining == 0 && w.reset > now);
    match limiter.acquire(id, &ctx, now) {
        Ok(permit) => {
            assert!(!exhausted, "a permit from an exhausted window");
            assert_eq!(permit.endpoint(), id);
        }
        Err(wait) => {
            assert!(wait.until > now, "a wait that is already over");
            assert!(
                // One day, plus the second of rounding the limiter grants a server's reset.
                wait.until <= now + Duration::from_secs(86_400 + 1),
                "a wait beyond one period: {wait:?} at {now:?} after {snapshot:?}"
            );
            let _ = wait.to_string();
        }
    }
    if let Ok(saved) = serde_json::to_string(&limiter) {
        let restored: Limiter = serde_json::from_str(&saved).expect("a saved limiter loads");
        assert_eq!(restored, limiter, "the limiter's state does not round-trip");
    }
    limiter.observe_rate_limited(id, &ctx, snapshot.window.map(|w| w.reset), now);
    assert!(
        limiter.acquire(id, &ctx, now).is_err(),
        "a permit right after a 429"
    );
    limiter.prune(now);
}

/// The header rules restated plainly: per group, all three headers or none, each once, each a
/// decimal number (spaces and tabs around it allowed) that fits; `None` when any group breaks
/// them.
fn reference_snapshot(headers: &HeaderMap) -> Option<RateLimitSnapshot> {
    let group = |names: &[&str]| -> Result<Option<RateLimit>, ()> {
        let mut values = Vec::new();
        for name in names {
            let all: Vec<&HeaderValue> = headers.get_all(*name).iter().collect();
            match all.as_slice() {
                [] => values.push(None),
                [one] => values.push(Some(*one)),
                _ => return Err(()),
            }
        }
        let number = |value: &HeaderValue| -> Result<u64, ()> {
            let text = std::str::from_utf8(value.as_bytes()).map_err(|_| ())?;
            let text = text.trim_matches(|c| c == ' ' || c == '\t');
            if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
                return Err(());
            }
            // A value visible-ASCII `to_str` refuses (obs-text) never gets this far: it is
            // not ASCII digits.
            text.parse().map_err(|_| ())
        };
        match values.as_slice() {
            [None, None, None] => Ok(None),
            [Some(limit), Some(remaining), Some(reset)] => {
                let reset = UNIX_EPOCH
                    .checked_add(Duration::from_secs(number(reset)?))
                    .ok_or(())?;
                Ok(Some(RateLimit {
                    limit: u32::try_from(number(limit)?).map_err(|_| ())?,
                    remaining: u32::try_from(number(remaining)?).map_err(|_| ())?,
                    reset,
                }))
            }
            _ => Err(()),
        }
    };
    let [window, app, user] = [
        &HEADER_NAMES[0..3],
        &HEADER_NAMES[3..6],
        &HEADER_NAMES[6..9],
    ];
    Some(RateLimitSnapshot {
        window: group(window).ok()?,
        app_day: group(app).ok()?,
        user_day: group(user).ok()?,
    })
}

// ---------------------------------------------------------------------------------------------
// oauth_header, signature_differential

/// The server side of OAuth 1.0a. Mode byte even: the rest is an arbitrary `Authorization`
/// value, parsed, re-rendered and re-parsed, and verified against a fixed request (never a
/// panic). Mode byte odd: a request signed by the `Signer` from structured inputs, whose
/// header must parse back to what was signed and verify, and fail with a wrong secret.
pub fn oauth_header(data: &[u8]) {
    let mut input = Input::new(data);
    if input.byte() & 1 == 0 {
        let value = String::from_utf8_lossy(input.rest());
        let Ok(header) = oauth1::parse_authorization_header(&value) else {
            if let Err(e) = oauth1::parse_authorization_header(&value) {
                let _ = e.to_string();
            }
            return;
        };
        assert_eq!(header.signature_method(), "HMAC-SHA1");
        // Rendering the parsed parameters the reference way reads back the same parameters.
        let rendered = oauth1::reference::authorization_header(
            &header.signed_parameters(),
            header.signature(),
        );
        let again = oauth1::parse_authorization_header(&rendered)
            .unwrap_or_else(|e| panic!("a rendered header does not parse ({e}): {rendered}"));
        let sorted = |h: &oauth1::OAuthHeader| {
            let mut params: Vec<(String, String)> = h
                .signed_parameters()
                .into_iter()
                .map(|(n, v)| (n.to_owned(), v.to_owned()))
                .collect();
            params.sort();
            (params, h.signature().to_owned())
        };
        assert_eq!(
            sorted(&again),
            sorted(&header),
            "render → parse changed the header"
        );

        let request = RequestParts::new(
            "GET",
            "https://api.x.com/1.1/users/show.json?screen_name=jack",
        )
        .expect("a fixed, valid request");
        let window = TimeWindow::new(NOW_SECS, u64::MAX);
        match oauth1::verify(&request, &header, "consumer-secret", header.token(), window) {
            Ok(()) | Err(VerifyError::BadSignature) => {}
            Err(e) => {
                let _ = e.to_string();
            }
        }
    } else {
        let case = SignCase::read(&mut input);
        let pairs = case.pairs();
        let Ok(parts) = case.parts(&pairs) else {
            return;
        };
        let signer = Signer::new(&case.credentials());
        if let Ok(header) = signer.authorization(&parts, &case.oauth()) {
            case.check_header(&parts, &header);
        }
    }
}

/// The streamed `Signer` against the `reference` string-building implementation, on
/// structured inputs: the same signature and the same header (or the same error), always; and
/// the two ways of reading a URL (`RequestParts::new`, `from_http`) agree where both apply.
pub fn signature_differential(data: &[u8]) {
    let mut input = Input::new(data);
    let case = SignCase::read(&mut input);
    let pairs = case.pairs();
    let parts = match case.parts(&pairs) {
        Ok(parts) => parts,
        Err(e) => {
            let _ = e.to_string();
            return;
        }
    };
    if let (Ok(method), Ok(uri)) = (
        http::Method::from_bytes(case.method.as_bytes()),
        case.url.parse::<http::Uri>(),
    ) && let Ok(from_http) = RequestParts::from_http(&method, &uri)
    {
        assert_eq!(from_http.base_string_uri(), parts.base_string_uri());
        assert_eq!(from_http.query(), parts.query());
    }
    let credentials = case.credentials();
    let oauth = case.oauth();
    let signer = Signer::new(&credentials);
    let fast = signer
        .signature(&parts, &oauth)
        .map(|s| s.as_str().to_owned());
    let reference = oauth1::reference::signature(&credentials, &parts, &oauth);
    same_outcome(&fast, &reference, "signature");
    let fast = signer.authorization(&parts, &oauth);
    let reference = oauth1::reference::authorization(&credentials, &parts, &oauth);
    same_outcome(&fast, &reference, "header");
    if let Ok(header) = fast {
        case.check_header(&parts, &header);
    }
}

/// The same value, or errors of the same kind: where a request has several problems, which
/// one an error names first is each implementation's own business.
fn same_outcome(
    fast: &Result<String, oauth1::RequestError>,
    reference: &Result<String, oauth1::RequestError>,
    what: &str,
) {
    use oauth1::RequestError::{Body, Query};
    match (fast, reference) {
        (Ok(a), Ok(b)) => assert_eq!(a, b, "the signer and the reference differ in the {what}"),
        (Err(Query(_)), Err(Query(_))) | (Err(Body(_)), Err(Body(_))) => {}
        (Err(a), Err(b)) if a == b => {}
        _ => panic!("the signer and the reference differ in the {what}: {fast:?} vs {reference:?}"),
    }
}

/// A request to sign, read from the input.
struct SignCase<'a> {
    method: Cow<'a, str>,
    url: String,
    form_body: Option<&'a [u8]>,
    form_pairs: Vec<(Cow<'a, str>, Cow<'a, str>)>,
    consumer_key: Cow<'a, str>,
    consumer_secret: Cow<'a, str>,
    token: Option<(Cow<'a, str>, Cow<'a, str>)>,
    nonce: Cow<'a, str>,
    timestamp: u64,
    callback: Option<Cow<'a, str>>,
    verifier: Option<Cow<'a, str>>,
}

impl<'a> SignCase<'a> {
    /// Input: flags byte (token, callback, verifier, form body, form pairs, port, query),
    /// method byte, scheme byte, then chunks.
    fn read(input: &mut Input<'a>) -> Self {
        let flags = input.byte();
        let method = match input.byte() % 6 {
            0 => Cow::Borrowed("GET"),
            1 => Cow::Borrowed("POST"),
            2 => Cow::Borrowed("DELETE"),
            3 => Cow::Borrowed("get"),
            4 => Cow::Borrowed("PUT"),
            _ => input.text(),
        };
        let scheme = input.pick(&["https", "http", "HTTPS", "Http", "ftp"]);
        let host = input.text();
        let port = if flags & 0x20 != 0 {
            format!(":{}", input.u16())
        } else {
            String::new()
        };
        let path = input.text();
        let mut url = format!("{scheme}://{host}{port}{path}");
        if flags & 0x40 != 0 {
            url.push('?');
            url.push_str(&input.text());
        }
        let form_body = (flags & 0x08 != 0).then(|| input.chunk());
        let mut form_pairs = Vec::new();
        if flags & 0x10 != 0 {
            for _ in 0..input.byte() % 4 {
                form_pairs.push((input.text(), input.text()));
            }
        }
        let consumer_key = input.text();
        let consumer_secret = input.text();
        let token = (flags & 0x01 != 0).then(|| (input.text(), input.text()));
        let nonce = input.text();
        let timestamp = input.u64();
        let callback = (flags & 0x02 != 0).then(|| input.text());
        let verifier = (flags & 0x04 != 0).then(|| input.text());
        Self {
            method,
            url,
            form_body,
            form_pairs,
            consumer_key,
            consumer_secret,
            token,
            nonce,
            timestamp,
            callback,
            verifier,
        }
    }

    /// The form pairs as `RequestParts` borrows them.
    fn pairs(&self) -> Vec<(&str, &str)> {
        self.form_pairs
            .iter()
            .map(|(n, v)| (n.as_ref(), v.as_ref()))
            .collect()
    }

    fn parts<'p>(
        &'p self,
        pairs: &'p [(&'p str, &'p str)],
    ) -> Result<RequestParts<'p>, oauth1::RequestError> {
        let mut parts = RequestParts::new(&self.method, &self.url)?;
        if let Some(body) = self.form_body {
            parts = parts.with_form_body(body);
        }
        if !pairs.is_empty() {
            parts = parts.with_form_pairs(pairs);
        }
        Ok(parts)
    }

    fn credentials(&self) -> Credentials {
        let credentials =
            Credentials::new(self.consumer_key.as_ref(), self.consumer_secret.as_ref());
        match &self.token {
            Some((token, secret)) => credentials.with_token(token.as_ref(), secret.as_ref()),
            None => credentials,
        }
    }

    fn oauth(&self) -> OAuthParams<'_> {
        let mut oauth = OAuthParams::new(&self.nonce, self.timestamp);
        if let Some(callback) = &self.callback {
            oauth = oauth.with_callback(callback);
        }
        if let Some(verifier) = &self.verifier {
            oauth = oauth.with_verifier(verifier);
        }
        oauth
    }

    /// A header the signer wrote parses back to what was signed, verifies against the same
    /// request and secrets, and does not verify with another consumer secret.
    fn check_header(&self, parts: &RequestParts<'_>, header: &str) {
        let parsed = oauth1::parse_authorization_header(header)
            .unwrap_or_else(|e| panic!("the signer's header does not parse ({e}): {header}"));
        assert_eq!(parsed.consumer_key(), self.consumer_key);
        assert_eq!(parsed.token(), self.token.as_ref().map(|(t, _)| t.as_ref()));
        assert_eq!(parsed.nonce(), self.nonce);
        assert_eq!(parsed.timestamp(), self.timestamp.to_string());
        assert_eq!(parsed.callback(), self.callback.as_deref());
        assert_eq!(parsed.verifier(), self.verifier.as_deref());
        assert_eq!(parsed.version(), Some("1.0"));
        let token_secret = self.token.as_ref().map(|(_, s)| s.as_ref());
        let window = TimeWindow::new(self.timestamp, 0);
        assert_eq!(
            oauth1::verify(parts, &parsed, &self.consumer_secret, token_secret, window),
            Ok(()),
            "the signer's own header does not verify: {header}"
        );
        let wrong = format!("{}x", self.consumer_secret);
        assert_eq!(
            oauth1::verify(parts, &parsed, &wrong, token_secret, window),
            Err(VerifyError::BadSignature),
            "a header verifies with the wrong consumer secret"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// token_responses

/// The 3-legged form replies, the bearer and OAuth 2.0 JSON token responses, the callback
/// queries and the form parser, on one arbitrary status and body. What parses is consistent
/// with the body, and what prints never depends on a secret.
///
/// Input: status (2 bytes), body (the rest).
pub fn token_responses(data: &[u8]) {
    let mut input = Input::new(data);
    let status = status(&mut input);
    let body = input.rest();
    let response = respond(status, body.to_vec());

    let pairs = form::parse(body);
    if let Ok(pairs) = &pairs {
        let borrowed: Vec<(&str, &str)> = pairs
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        let encoded = form::encode(&borrowed);
        assert_eq!(
            form::parse(encoded.as_bytes()).as_ref(),
            Ok(pairs),
            "form encode → parse changed the pairs"
        );
    }
    let first = |name: &str| -> Option<String> {
        let pairs = pairs.as_ref().ok()?;
        pairs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
    };
    // The same body with every secret replaced: what prints must not change.
    let other_secret = |names: &[&str]| -> Vec<u8> {
        let Ok(pairs) = &pairs else {
            return body.to_vec();
        };
        let changed: Vec<(String, String)> = pairs
            .iter()
            .map(|(n, v)| {
                let v = if names.contains(&n.as_str()) {
                    format!("{v}-other")
                } else {
                    v.clone()
                };
                (n.clone(), v)
            })
            .collect();
        let borrowed: Vec<(&str, &str)> = changed
            .iter()
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .collect();
        form::encode(&borrowed).into_bytes()
    };

    match three_legged::parse_request_token_response(&response) {
        Ok(token) => {
            assert!(status.is_success());
            assert_eq!(Some(&token.token), first("oauth_token").as_ref());
            assert_eq!(
                Some(token.secret.expose()),
                first("oauth_token_secret").as_deref()
            );
            assert_eq!(first("oauth_callback_confirmed").as_deref(), Some("true"));
            let again = three_legged::parse_request_token_response(&respond(
                status,
                other_secret(&["oauth_token_secret"]),
            ))
            .expect("the same reply with another secret parses");
            assert_eq!(
                format!("{token:?}"),
                format!("{again:?}"),
                "Debug shows the secret"
            );
        }
        Err(e) => {
            let _ = (e.to_string(), format!("{e:?}"));
        }
    }
    let consumer = Credentials::new("consumer-key", "consumer-secret");
    match three_legged::parse_access_token_response(&consumer, &response) {
        Ok(grant) => {
            assert!(status.is_success());
            assert_eq!(grant.credentials().token(), first("oauth_token").as_deref());
            assert_eq!(
                grant
                    .credentials()
                    .token_secret()
                    .map(twapi_auth::Secret::expose),
                first("oauth_token_secret").as_deref()
            );
            assert_eq!(Some(grant.user_id()), first("user_id").as_deref());
            assert_eq!(Some(grant.screen_name()), first("screen_name").as_deref());
            let again = three_legged::parse_access_token_response(
                &consumer,
                &respond(status, other_secret(&["oauth_token_secret"])),
            )
            .expect("the same reply with another secret parses");
            assert_eq!(
                format!("{grant:?}"),
                format!("{again:?}"),
                "Debug shows the secret"
            );
        }
        Err(e) => {
            let _ = (e.to_string(), format!("{e:?}"));
        }
    }
    if let Ok(query) = std::str::from_utf8(body) {
        match three_legged::CallbackParams::from_query(query) {
            Ok(params) => {
                assert_eq!(Some(params.oauth_token), first("oauth_token"));
                assert_eq!(Some(params.oauth_verifier), first("oauth_verifier"));
                assert_eq!(first("denied"), None);
            }
            Err(e) => {
                let _ = e.to_string();
            }
        }
        match oauth2::Callback::from_query(query) {
            Ok(callback) => {
                assert_eq!(Some(callback.code), first("code"));
                assert_eq!(Some(callback.state), first("state"));
                assert_eq!(first("error"), None);
            }
            Err(e) => {
                let _ = e.to_string();
            }
        }
    }

    let json: Option<serde_json::Value> = serde_json::from_slice(body).ok();
    // serde skips ignored fields without checking their UTF-8, so a body can read as a token
    // response and not as a `Value`; then there is nothing to rewrite.
    let json_other_secret = |fields: &[&str]| -> Option<Vec<u8>> {
        let mut value = json.clone()?;
        if let Some(object) = value.as_object_mut() {
            for field in fields {
                if let Some(serde_json::Value::String(s)) = object.get_mut(*field) {
                    s.push_str("-other");
                }
            }
        }
        serde_json::to_vec(&value).ok()
    };
    for parse in [
        bearer::parse_token_response::<Vec<u8>>,
        bearer::parse_invalidate_response,
    ] {
        match parse(&response) {
            Ok(token) => {
                assert!(status.is_success());
                if let Some(other) = json_other_secret(&["access_token"]) {
                    let again = parse(&respond(status, other))
                        .expect("the same token response with another token parses");
                    assert_eq!(
                        format!("{token:?}"),
                        format!("{again:?}"),
                        "Debug shows the token"
                    );
                }
            }
            Err(e) => {
                let _ = (e.to_string(), format!("{e:?}"));
            }
        }
    }
    for now in [NOW_SECS, u64::MAX] {
        match oauth2::parse_token_response(&response, now) {
            Ok(set) => {
                assert!(status.is_success());
                assert!(set.expires_at().is_none_or(|at| at >= now));
                if let Some(other) = json_other_secret(&["access_token", "refresh_token"]) {
                    let again = oauth2::parse_token_response(&respond(status, other), now)
                        .expect("the same token response with other tokens parses");
                    assert_eq!(
                        format!("{set:?}"),
                        format!("{again:?}"),
                        "Debug shows a token"
                    );
                }
            }
            Err(e) => {
                let _ = (e.to_string(), format!("{e:?}"));
            }
        }
    }
    match oauth2::parse_revoke_response(&response) {
        Ok(()) => assert!(status.is_success()),
        Err(e) => {
            let _ = e.to_string();
        }
    }
}

fn respond(status: StatusCode, body: Vec<u8>) -> http::Response<Vec<u8>> {
    let mut response = http::Response::new(body);
    *response.status_mut() = status;
    response
}

// ---------------------------------------------------------------------------------------------
// percent_decode

/// `percent::{decode, decode_form, decode_form_bytes}` against a plain decoder; what decodes
/// encodes back to something that decodes to the same string.
pub fn percent_decode(data: &[u8]) {
    let form_bytes = percent::decode_form_bytes(data);
    check_decoded(data, &form_bytes, reference_decode(data, true));
    if let Ok(text) = std::str::from_utf8(data) {
        let strict = percent::decode(text);
        check_decoded(data, &strict, reference_decode(data, false));
        let form = percent::decode_form(text);
        assert_eq!(
            form, form_bytes,
            "decode_form and decode_form_bytes disagree"
        );
        if !text.contains('%') {
            assert!(
                matches!(strict, Ok(Cow::Borrowed(_))),
                "an escape-free decode copied"
            );
        }
        for decoded in [strict, form].into_iter().flatten() {
            let encoded = percent::encode(&decoded);
            assert_eq!(encoded.len(), percent::encoded_len(&decoded));
            assert_eq!(percent::Encoded(&decoded).to_string(), encoded);
            let mut bytes = Vec::new();
            percent::encode_bytes_into(decoded.as_bytes(), &mut bytes);
            assert_eq!(bytes, encoded.as_bytes());
            assert!(
                encoded
                    .bytes()
                    .all(|b| percent::is_unreserved(b) || b == b'%'),
                "the encoder left a reserved byte: {encoded}"
            );
            assert_eq!(percent::decode(&encoded).as_deref(), Ok(decoded.as_ref()));
            assert_eq!(
                percent::decode_form(&encoded).as_deref(),
                Ok(decoded.as_ref())
            );
        }
    }
}

fn check_decoded(
    input: &[u8],
    got: &Result<Cow<'_, str>, percent::DecodeError>,
    expected: Option<String>,
) {
    match (got, expected) {
        (Ok(got), Some(expected)) => assert_eq!(got.as_ref(), expected),
        (Err(e), None) => {
            assert!(e.offset() < input.len(), "an error offset past the end");
            if e.kind() == percent::DecodeErrorKind::InvalidEscape {
                assert_eq!(input[e.offset()], b'%', "an invalid escape not at a %");
            }
            let _ = e.to_string();
        }
        (got, expected) => {
            panic!("the decoder and the reference disagree: {got:?} vs {expected:?}")
        }
    }
}

/// Percent-decoding the plain way: `%` and two hex digits is a byte, a `+` is a space in forms,
/// anything else is itself; the result must be UTF-8.
fn reference_decode(input: &[u8], plus_is_space: bool) -> Option<String> {
    let hex = |b: u8| char::from(b).to_digit(16);
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(&b) = input.get(i) {
        if b == b'%' {
            let hi = hex(*input.get(i + 1)?)?;
            let lo = hex(*input.get(i + 2)?)?;
            out.push(u8::try_from(hi * 16 + lo).ok()?);
            i += 3;
        } else {
            out.push(if plus_is_space && b == b'+' { b' ' } else { b });
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

// ---------------------------------------------------------------------------------------------
// pager

/// A `Pager` of each kind (v1.1 cursors over ids and users, pending ids, v2 tokens, search
/// pages) fed an arbitrary sequence of replies: never a panic, never more items than the limit,
/// the state advances only on a good page and round-trips through JSON, and after the end
/// `handle` refuses.
///
/// Input: kind byte, limit byte, page-size byte, then one record per reply (tag byte, then
/// what the tag says).
pub fn pager(data: &[u8]) {
    let mut input = Input::new(data);
    let kind = input.byte();
    let limit = match input.byte() {
        0 => None,
        255 => Some(u64::MAX),
        n => Some(u64::from(n - 1)),
    };
    let size = input.byte();
    let user = UserRef::Id(UserId::new(12));
    match kind % 5 {
        0 => {
            let mut request = req1::FollowersIds::of(user);
            request.count = (size != 0).then_some(u32::from(size) * 20);
            walk(&request, limit, &mut input, ids_page);
        }
        1 => {
            let mut request = req1::FollowersList::of(user);
            request.count = (size != 0).then_some(u32::from(size));
            walk(&request, limit, &mut input, users_page);
        }
        2 => walk(
            &req1::FriendshipsIncoming::default(),
            limit,
            &mut input,
            ids_page,
        ),
        3 => {
            let mut request = req2::Followers::of(UserId::new(12));
            request.max_results = (size != 0).then_some(u32::from(size) * 4);
            walk(&request, limit, &mut input, v2_page);
        }
        _ => {
            let mut request = req1::UsersSearch::new("fuzz");
            request.count = (size != 0).then_some(u32::from(size % 25));
            walk(&request, limit, &mut input, search_page);
        }
    }
}

/// The most replies one input feeds: bounds the walk whatever the server says.
const MAX_PAGES: usize = 64;

fn walk<R>(
    request: &R,
    limit: Option<u64>,
    input: &mut Input<'_>,
    body_of: fn(&mut Input<'_>, &R) -> Vec<u8>,
) where
    R: Pageable + Debug + PartialEq,
    R::Output: Debug,
{
    let mut pager = Pager::new(request.clone());
    if let Some(limit) = limit {
        pager = pager.with_limit(limit);
    }
    let mut total = 0u64;
    for _ in 0..MAX_PAGES {
        if input.is_empty() {
            break;
        }
        let tag = input.byte();
        let Some(next) = pager.next_request() else {
            assert!(pager.is_done());
            break;
        };
        let body = if tag.is_multiple_of(8) {
            input.chunk().to_vec()
        } else {
            body_of(input, &next)
        };
        let status = if tag & 0x38 == 0x38 {
            StatusCode::SERVICE_UNAVAILABLE
        } else {
            StatusCode::OK
        };
        let mut response = http::Response::new(Bytes::from(body));
        *response.status_mut() = status;
        let Ok(reply) = twapi_core::decode_reply::<R>(response) else {
            continue; // a driver retries; the state must not have moved
        };
        let before = pager.state().clone();
        match pager.handle(reply.into_value()) {
            Ok(items) => {
                let after = pager.state();
                total += items.len() as u64;
                assert_eq!(after.yielded, before.yielded + items.len() as u64);
                assert_eq!(after.pages, before.pages + 1);
                assert!(
                    after.done || after.next.is_some(),
                    "a walk with nowhere to go"
                );
                assert!(
                    after.done || after.next != before.next,
                    "the walk stands still"
                );
            }
            Err(PagerError::Stuck(position)) => {
                assert_eq!(pager.state(), &before, "a refused page moved the state");
                let position = Some(position);
                assert!(
                    position == before.next
                        || position == before.checkpoint
                        || position.as_ref().is_some_and(|p| before.recent.contains(p)),
                    "stuck on a page the walk had not been sent to"
                );
            }
            Err(e) => panic!("handle refused a page before the end: {e}"),
        }
        let state = pager.state();
        assert_eq!(state.yielded, total);
        if let Some(limit) = state.limit {
            assert!(
                total <= limit,
                "{total} items handed out with a limit of {limit}"
            );
        }
        let saved = serde_json::to_string(state).expect("a pager state saves");
        let loaded: PagerState = serde_json::from_str(&saved).expect("a saved pager state loads");
        assert_eq!(&loaded, state, "the pager state does not round-trip");
        let resumed = Pager::resume(request.clone(), loaded);
        assert_eq!(resumed.next_request(), pager.next_request());
    }
    if pager.is_done() {
        assert_eq!(pager.next_request(), None);
        let mut response = http::Response::new(Bytes::from(body_of(input, request)));
        *response.status_mut() = StatusCode::OK;
        if let Ok(reply) = twapi_core::decode_reply::<R>(response) {
            assert!(matches!(
                pager.handle(reply.into_value()),
                Err(PagerError::Finished)
            ));
        }
    }
}

/// A cursor from a byte: the end, the start, the page just fetched, or some other page.
fn next_cursor(input: &mut Input<'_>, current: Option<v1::Cursor>) -> i64 {
    match input.byte() {
        0 => 0,
        1 => -1,
        2 => current.map_or(-1, v1::Cursor::get),
        3 => i64::MAX,
        n => i64::from(n) * 1_000,
    }
}

fn ids(input: &mut Input<'_>) -> Vec<u64> {
    let n = input.byte() % 8;
    (0..n).map(|_| u64::from(input.u16())).collect()
}

fn ids_page<R: CursorRequest>(input: &mut Input<'_>, request: &R) -> Vec<u8> {
    let ids = ids(input);
    let next = next_cursor(input, request.cursor());
    let stringify = next % 2 == 0;
    let ids: Vec<serde_json::Value> = ids
        .into_iter()
        .map(|id| {
            if stringify {
                id.to_string().into()
            } else {
                id.into()
            }
        })
        .collect();
    serde_json::json!({
        "ids": ids, "next_cursor": next, "next_cursor_str": next.to_string(),
        "previous_cursor": 0, "previous_cursor_str": "0",
    })
    .to_string()
    .into_bytes()
}

fn users_page(input: &mut Input<'_>, request: &req1::FollowersList) -> Vec<u8> {
    let users: Vec<serde_json::Value> = ids(input).into_iter().map(v1_user).collect();
    let next = next_cursor(input, request.cursor);
    serde_json::json!({
        "users": users, "next_cursor": next, "next_cursor_str": next.to_string(),
        "previous_cursor": 0, "previous_cursor_str": "0",
    })
    .to_string()
    .into_bytes()
}

fn v2_page(input: &mut Input<'_>, request: &req2::Followers) -> Vec<u8> {
    let users: Vec<serde_json::Value> = ids(input)
        .into_iter()
        .map(|id| serde_json::json!({"id": id.to_string(), "name": "N", "username": "n"}))
        .collect();
    let count = users.len();
    let mut page = serde_json::json!({"meta": {"result_count": count}});
    if !users.is_empty() {
        page["data"] = users.into();
    }
    let token = match input.byte() {
        0 => None,
        1 => request
            .pagination_token
            .as_ref()
            .map(|t| t.as_str().to_owned()),
        n => Some(format!("t{n}")),
    };
    if let Some(token) = token {
        page["meta"]["next_token"] = token.into();
    }
    page.to_string().into_bytes()
}

fn search_page(input: &mut Input<'_>, _: &req1::UsersSearch) -> Vec<u8> {
    let mut users: Vec<serde_json::Value> = ids(input).into_iter().map(v1_user).collect();
    // Full pages of 20 reach the end of the result cap.
    if input.byte() & 1 == 1 {
        users.extend((0..20).map(v1_user));
    }
    serde_json::Value::from(users).to_string().into_bytes()
}

/// A minimal v1.1 user object.
fn v1_user(id: u64) -> serde_json::Value {
    serde_json::json!({
        "id": id, "id_str": id.to_string(), "name": "N", "screen_name": "n",
        "location": null, "description": null, "url": null, "protected": false,
        "followers_count": 0, "friends_count": 0, "listed_count": 0,
        "created_at": "Sat Mar 14 09:26:53 +0000 2009", "favourites_count": 0,
        "utc_offset": null, "time_zone": null, "geo_enabled": null, "verified": false,
        "statuses_count": 0, "lang": null, "contributors_enabled": false,
        "is_translator": false, "is_translation_enabled": null,
        "profile_background_color": null, "profile_background_image_url": null,
        "profile_background_image_url_https": null, "profile_background_tile": null,
        "profile_image_url": "http://x/a.png", "profile_image_url_https": "https://x/a.png",
        "profile_link_color": null, "profile_sidebar_border_color": null,
        "profile_sidebar_fill_color": null, "profile_text_color": null,
        "profile_use_background_image": null, "has_extended_profile": null,
        "default_profile": true, "default_profile_image": true, "following": null,
        "follow_request_sent": null, "notifications": null,
    })
}

/// The cursored requests whose pages the ids server writes.
trait CursorRequest {
    fn cursor(&self) -> Option<v1::Cursor>;
}

impl CursorRequest for req1::FollowersIds {
    fn cursor(&self) -> Option<v1::Cursor> {
        self.cursor
    }
}

impl CursorRequest for req1::FriendshipsIncoming {
    fn cursor(&self) -> Option<v1::Cursor> {
        self.cursor
    }
}

// ---------------------------------------------------------------------------------------------
// request_read

/// The server side of the protocol, as the emulator runs it: an arbitrary request line,
/// content type and body through `EndpointId::match_request`, `IncomingRequest::from_http` and
/// `ServerRequest::read`. Never a panic; and a request that reads is one the client side builds,
/// and reads back the same.
///
/// Input: `METHOD TARGET\n`, `CONTENT-TYPE\n` (empty for none), body (the rest).
pub fn request_read(data: &[u8]) {
    let mut input = Input::new(data);
    let line = input.line();
    let content_type = input.line();
    let body = Bytes::copy_from_slice(input.rest());
    let (method, target) = match line.iter().position(|b| *b == b' ') {
        Some(at) => (&line[..at], &line[at + 1..]),
        None => (line, &b"/"[..]),
    };
    let Ok(method) = http::Method::from_bytes(method) else {
        return;
    };
    let Ok(uri) = http::Uri::try_from(target) else {
        return;
    };
    let mut request = http::Request::new(body);
    *request.method_mut() = method;
    *request.uri_mut() = uri;
    if !content_type.is_empty()
        && let Ok(value) = HeaderValue::from_bytes(content_type)
    {
        request
            .headers_mut()
            .insert(http::header::CONTENT_TYPE, value);
    }
    let Some((id, path)) = EndpointId::match_request(request.method(), request.uri().path()) else {
        return;
    };
    let incoming = match IncomingRequest::from_http(path, &request) {
        Ok(incoming) => incoming,
        Err(e) => {
            let _ = e.to_string();
            return;
        }
    };
    id.visit(ReadCheck {
        incoming: &incoming,
    });
}

struct ReadCheck<'r, 'a> {
    incoming: &'r IncomingRequest<'a>,
}

impl EndpointVisitor for ReadCheck<'_, '_> {
    type Output = ();
}

/// Every endpoint's request type: `id.visit` runs the check for the one `id` names.
impl<R> VisitRequest<R> for ReadCheck<'_, '_>
where
    R: ServerRequest + Clone + Debug + PartialEq,
    R::Output: Debug + PartialEq,
{
    fn visit(self) {
        let request = match R::read(self.incoming) {
            Ok(request) => request,
            Err(e) => {
                let _ = e.to_string();
                return;
            }
        };
        // What a server accepts, a client builds, and the server reads back unchanged.
        let mode = R::ENDPOINT.descriptor().auth.iter().next();
        let auth = match mode {
            Some(AuthMode::AppOnly) => Auth::AppOnly("app-token".into()),
            Some(AuthMode::OAuth2User) => Auth::OAuth2User("user-token".into()),
            _ => Auth::oauth1(&Credentials::new("ck", "cs").with_token("1-at", "ats")),
        };
        let stamp = twapi_core::Stamp {
            timestamp: NOW_SECS,
            nonce: "nonce",
        };
        let api = Api::new("http://127.0.0.1:9").expect("a valid base URL");
        let built = api
            .prepare(&request, &auth, stamp)
            .unwrap_or_else(|e| panic!("the server read {request:?} but the client refuses: {e}"));
        let (id, path) = EndpointId::match_request(built.method(), built.uri().path())
            .expect("a built request routes");
        assert_eq!(id, R::ENDPOINT, "a built request routes elsewhere");
        let incoming = IncomingRequest::from_http(path, &built).expect("a built request decodes");
        let back = R::read(&incoming).expect("a built request reads back");
        assert_eq!(back, request, "read → build → read changed the request");
    }
}

// ---------------------------------------------------------------------------------------------
// session

/// A page walk (followers/ids) through a whole session — the limiter, waits, retries, the 429
/// rules, identity from the token, the pager — against a server whose every answer the input
/// writes: a page, a 429 with or without a reset, a 503 with or without `Retry-After`, a spent
/// 24-hour bucket, any status, headers and body, or a transport failure; on a virtual clock that
/// jumps to the end of every wait.
///
/// Invariants: a wait is always ahead of the clock (a driver never spins); no request is sent
/// past the retry policy's attempts; every page's state counts exactly the items handed out; a
/// failed walk hands out an `Interrupted` with the state of its last page, and then only ends;
/// the walk ends within a bound of steps set by the input's length.
///
/// Input: settings byte (waiting on rate limits, attempts), then one record per exchange (tag
/// byte, then what the tag says); an exhausted input answers with a last page.
pub fn session(data: &[u8]) {
    let mut input = Input::new(data);
    let settings = input.byte();
    let wait = settings & 1 == 1;
    let max_attempts = u32::from((settings >> 1) & 3) + 1;
    let session = SessionBuilder::oauth1(&Credentials::new("ck", "cs").with_token("12-at", "ats"))
        .base_url("http://127.0.0.1:9")
        .wait_on_rate_limit(wait)
        .retry_policy(RetryPolicy::new(
            max_attempts,
            Duration::from_secs(1),
            Duration::from_secs(8),
        ))
        .limiter_config(LimiterConfig {
            window: Duration::from_secs(60),
            day: Duration::from_secs(600),
            ..LimiterConfig::default()
        })
        .jitter_seed(u64::from(settings))
        .build(0)
        .expect("a valid session");
    let request = req1::FollowersIds::of(UserRef::Id(UserId::new(12)));
    let mut walk = Walk::new(Pager::new(request.clone()));
    let mut clock = now();
    let mut yielded = 0u64;
    let mut failed = false;
    let bound = 8 * (data.len() + 8);
    for step in 0..bound {
        match walk.poll(&session, clock, &format!("nonce{step}")) {
            Action::Send(sent) => {
                assert!(!failed, "a failed walk sent {}", sent.uri());
                assert!(
                    walk.attempt() <= max_attempts,
                    "attempt {} of at most {max_attempts}",
                    walk.attempt()
                );
                match session_answer(&mut input, clock, &request) {
                    Ok(answer) => walk.handle_response(&session, answer, clock),
                    Err(error) => walk.handle_transport_error(&session, error, clock),
                }
            }
            Action::Wait(wait) => {
                assert!(wait.until > clock, "a wait that is not ahead: {wait:?}");
                clock = wait.until;
            }
            Action::Output(WalkEvent::Page(page)) => {
                assert!(!failed, "a failed walk handed out a page");
                yielded += page.items.len() as u64;
                assert_eq!(page.state.yielded, yielded, "the state miscounts the items");
            }
            Action::Output(WalkEvent::Failed(error)) => {
                assert!(!failed, "a walk failed twice");
                assert!(matches!(error, CallError::Interrupted(_)), "{error:?}");
                let state = error.resume_state().expect("an interruption has a state");
                assert_eq!(
                    state.yielded, yielded,
                    "the resume state miscounts the items"
                );
                failed = true;
            }
            Action::Output(WalkEvent::End) => return,
        }
    }
    panic!("the walk did not end within {bound} steps");
}

/// The server's answer to one request of [`session`], written by the input.
fn session_answer(
    input: &mut Input<'_>,
    clock: SystemTime,
    request: &req1::FollowersIds,
) -> Result<http::Response<Bytes>, CallError> {
    let epoch = |seconds: u64| {
        let at = clock.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs()) + seconds;
        HeaderValue::from(at)
    };
    let mut headers = HeaderMap::new();
    let (status, body) = match input.byte() % 7 {
        // A page; the first of an exhausted input ends the walk.
        0 => (StatusCode::OK, ids_page(input, request)),
        1 => {
            headers.insert("x-rate-limit-limit", HeaderValue::from(15));
            headers.insert("x-rate-limit-remaining", HeaderValue::from(0));
            match input.byte() {
                0 => {}
                n => {
                    headers.insert("x-rate-limit-reset", epoch(u64::from(n)));
                }
            }
            (StatusCode::TOO_MANY_REQUESTS, RATE_LIMITED_BODY.to_vec())
        }
        2 => {
            if let n @ 1.. = input.byte() {
                headers.insert(http::header::RETRY_AFTER, HeaderValue::from(u16::from(n)));
            }
            (StatusCode::SERVICE_UNAVAILABLE, b"over capacity".to_vec())
        }
        3 => {
            headers.insert("x-user-limit-24hour-limit", HeaderValue::from(400));
            headers.insert("x-user-limit-24hour-remaining", HeaderValue::from(0));
            headers.insert("x-user-limit-24hour-reset", epoch(u64::from(input.u16())));
            (StatusCode::OK, ids_page(input, request))
        }
        4 => {
            let status = status(input);
            headers = self::headers(input, 4);
            (status, input.chunk().to_vec())
        }
        5 => {
            return Err(match input.byte() % 3 {
                0 => CallError::Timeout(Duration::from_secs(1)),
                1 => CallError::Transport("connection reset".into()),
                _ => CallError::BodyTooLarge { limit: 1 },
            });
        }
        _ => (StatusCode::OK, input.chunk().to_vec()),
    };
    let mut response = http::Response::new(Bytes::from(body));
    *response.status_mut() = status;
    *response.headers_mut() = headers;
    Ok(response)
}

/// X's body for a 429.
const RATE_LIMITED_BODY: &[u8] = br#"{"errors":[{"code":88,"message":"Rate limit exceeded"}]}"#;
