//! The session driven by hand: a virtual clock moved to each wait's end, a counter for nonces,
//! and canned answers. Every path a request can take — sent at once, refused, held by the
//! limiter, refused by X with a 429, retried, capped for the day, preceded by `/2/users/me`,
//! walked page by page — is checked by what was sent, when, what was waited for and why, and
//! what came out.

use std::collections::VecDeque;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use twapi_auth::oauth1::{Credentials, parse_authorization_header};
use twapi_core::UserRef;
use twapi_core::endpoint::{DailyBucket, EndpointId};
use twapi_core::pager::{Pager, PagerError, PagerState, Position};
use twapi_core::rate_limit::{Bucket, Context, LimiterConfig};
use twapi_core::request::v1::{FollowersIds, Users, UsersLookup};
use twapi_core::request::v2::{Follow, Followers};
use twapi_core::retry::RetryPolicy;
use twapi_core::session::{
    Action, Call, CallError, Exchange, LimiterHandle, Session, SessionBuilder, Wait, WaitReason,
    Walk, WalkEvent,
};
use twapi_model::UserId;

// ---------------------------------------------------------------------------------------------
// The driver: a virtual clock, a nonce counter, and a log of what was sent and waited for.

/// The epoch second the clock starts at.
const T0: u64 = 1_700_000_000;

/// `T0 + secs`.
fn at(secs: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(T0 + secs)
}

/// What the canned server does with one request: answers it, or fails as a transport would.
type Answer = Result<http::Response<Bytes>, CallError>;

/// A request as it left the driver.
#[derive(Debug, Clone)]
struct Sent {
    at: SystemTime,
    method: http::Method,
    /// Path and query.
    target: String,
    authorization: Option<String>,
}

impl Sent {
    /// The `cursor` query parameter, if any.
    fn cursor(&self) -> Option<i64> {
        query_param(&self.target, "cursor").map(|c| c.parse().unwrap())
    }

    /// The OAuth 1.0a `(oauth_timestamp, oauth_nonce)` it was signed with.
    fn oauth_stamp(&self) -> (String, String) {
        let header = self
            .authorization
            .as_deref()
            .expect("an Authorization header");
        let header = parse_authorization_header(header).unwrap();
        (header.timestamp().to_owned(), header.nonce().to_owned())
    }
}

/// A wait the driver slept through, with what the machine said while it slept.
#[derive(Debug, Clone)]
struct Waited {
    from: SystemTime,
    wait: Wait,
    attempt: u32,
    last_error: Option<String>,
}

impl Waited {
    fn length(&self) -> Duration {
        self.wait.until.duration_since(self.from).unwrap()
    }
}

struct Driver {
    now: SystemTime,
    nonces: u32,
    sent: Vec<Sent>,
    waited: Vec<Waited>,
}

impl Driver {
    fn new() -> Self {
        Self {
            now: at(0),
            nonces: 0,
            sent: Vec::new(),
            waited: Vec::new(),
        }
    }

    /// One poll at the current time with a fresh nonce; a `Send` is logged.
    fn poll<E: Exchange>(&mut self, session: &Session, machine: &mut E) -> Action<E::Output> {
        self.nonces += 1;
        let nonce = format!("nonce-{}", self.nonces);
        let action = machine.poll(session, self.now, &nonce);
        if let Action::Send(request) = &action {
            self.sent.push(Sent {
                at: self.now,
                method: request.method().clone(),
                target: request.uri().path_and_query().unwrap().to_string(),
                authorization: request
                    .headers()
                    .get(http::header::AUTHORIZATION)
                    .map(|v| v.to_str().unwrap().to_owned()),
            });
        }
        action
    }

    /// Hands the machine the answer (or transport failure) to the request it sent.
    fn answer<E: Exchange>(&self, session: &Session, machine: &mut E, answer: Answer) {
        match answer {
            Ok(response) => machine.handle_response(session, response, self.now),
            Err(error) => machine.handle_transport_error(session, error, self.now),
        }
    }

    /// Drives `machine` to its next output: sends go to `server`, waits move the clock.
    fn run<E: Exchange>(
        &mut self,
        session: &Session,
        machine: &mut E,
        server: &mut impl FnMut(&http::Request<Bytes>) -> Answer,
    ) -> E::Output {
        for _ in 0..100 {
            match self.poll(session, machine) {
                Action::Send(request) => {
                    let answer = server(&request);
                    self.answer(session, machine, answer);
                }
                Action::Wait(wait) => {
                    assert!(wait.until > self.now, "a wait into the past: {wait:?}");
                    self.waited.push(Waited {
                        from: self.now,
                        wait,
                        attempt: machine.attempt(),
                        last_error: machine.last_error().map(label),
                    });
                    self.now = wait.until;
                }
                Action::Output(output) => return output,
            }
        }
        panic!("no output after 100 steps");
    }

    /// Drives a walk to its end or failure, collecting every event.
    fn walk<R: twapi_core::pager::Pageable>(
        &mut self,
        session: &Session,
        walk: &mut Walk<R>,
        server: &mut impl FnMut(&http::Request<Bytes>) -> Answer,
    ) -> Vec<WalkEvent<R::Item>>
    where
        R::Output: 'static,
    {
        let mut events = Vec::new();
        loop {
            let event = self.run(session, walk, server);
            let last = !matches!(event, WalkEvent::Page(_));
            events.push(event);
            if last {
                return events;
            }
        }
    }

    fn cursors(&self) -> Vec<Option<i64>> {
        self.sent.iter().map(Sent::cursor).collect()
    }

    fn targets(&self) -> Vec<String> {
        self.sent
            .iter()
            .map(|s| format!("{} {}", s.method, s.target))
            .collect()
    }
}

/// A short name for an error: the HTTP status of X's answers, the message of others.
fn label(error: &CallError) -> String {
    match error.api() {
        Some(api) => format!("http {}", api.status().as_u16()),
        None => error.to_string(),
    }
}

fn query_param(target: &str, name: &str) -> Option<String> {
    let query = target.split_once('?')?.1;
    query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

// ---------------------------------------------------------------------------------------------
// Canned answers.

/// A server answering with `answers` in order, whatever is asked.
fn script(answers: Vec<Answer>) -> impl FnMut(&http::Request<Bytes>) -> Answer {
    let mut answers = VecDeque::from(answers);
    move |request| {
        answers
            .pop_front()
            .unwrap_or_else(|| panic!("unexpected request {}", request.uri()))
    }
}

fn respond(status: u16, body: &str, headers: &[(String, String)]) -> http::Response<Bytes> {
    let mut response = http::Response::builder().status(status);
    for (name, value) in headers {
        response = response.header(name.as_str(), value.as_str());
    }
    response.body(Bytes::from(body.to_owned())).unwrap()
}

#[expect(
    clippy::unnecessary_wraps,
    reason = "an answer, to queue beside transport failures"
)]
fn ok(body: &str) -> Answer {
    Ok(respond(200, body, &[]))
}

/// One group of rate-limit headers: `prefix` is `x-rate-limit`, `x-user-limit-24hour` or
/// `x-app-limit-24hour`.
fn limit_headers(
    prefix: &str,
    limit: u32,
    remaining: u32,
    reset: SystemTime,
) -> Vec<(String, String)> {
    let reset = reset.duration_since(UNIX_EPOCH).unwrap().as_secs();
    vec![
        (format!("{prefix}-limit"), limit.to_string()),
        (format!("{prefix}-remaining"), remaining.to_string()),
        (format!("{prefix}-reset"), reset.to_string()),
    ]
}

/// A followers/ids page.
fn ids_page(ids: &[u64], next: i64) -> String {
    serde_json::json!({
        "ids": ids, "next_cursor": next, "next_cursor_str": next.to_string(),
        "previous_cursor": 0, "previous_cursor_str": "0",
    })
    .to_string()
}

const RATE_LIMITED: &str = r#"{"errors":[{"code":88,"message":"Rate limit exceeded"}]}"#;

// ---------------------------------------------------------------------------------------------
// Sessions and budgets.

const APP: &str = "consumer-key";
/// The user the OAuth 1.0a token names.
const ME: u64 = 783_214;

fn credentials() -> Credentials {
    Credentials::new(APP, "consumer-secret").with_token("783214-abc", "token-secret")
}

fn oauth1() -> SessionBuilder {
    SessionBuilder::oauth1(&credentials()).jitter_seed(7)
}

fn small_windows(window: u64) -> LimiterConfig {
    LimiterConfig {
        window: Duration::from_secs(window),
        day: Duration::from_secs(86_400),
        ..LimiterConfig::default()
    }
}

fn followers_ids(user: u64) -> FollowersIds {
    FollowersIds::of(UserRef::Id(UserId::new(user)))
}

/// How many more requests to `endpoint` the limiter would let through in `ctx` at `now`
/// (counted on a copy; 1,000 stands for "no limit").
fn room(limiter: &LimiterHandle, endpoint: EndpointId, ctx: &Context, now: SystemTime) -> usize {
    let mut probe = limiter.snapshot();
    (0..1_000)
        .take_while(|_| probe.acquire(endpoint, ctx, now).is_ok())
        .count()
}

fn user_ctx() -> Context {
    Context::user(APP, ME)
}

// ---------------------------------------------------------------------------------------------
// 1. Plain success.

#[test]
fn a_call_sends_once_then_hands_out_its_reply_once() {
    let session = oauth1().build(0).unwrap();
    let mut driver = Driver::new();
    let mut call = Call::new(followers_ids(12));

    let Action::Send(request) = driver.poll(&session, &mut call) else {
        panic!("the first poll sends");
    };
    assert_eq!(request.method(), http::Method::GET);
    assert_eq!(
        request.uri(),
        "https://api.x.com/1.1/followers/ids.json?user_id=12"
    );
    assert_eq!(call.attempt(), 1);
    // While the request is out, polling is out of turn and changes nothing.
    assert!(matches!(
        driver.poll(&session, &mut call),
        Action::Output(Err(CallError::OutOfTurn))
    ));

    driver.answer(&session, &mut call, ok(&ids_page(&[5, 6], 0)));
    let Action::Output(Ok(reply)) = driver.poll(&session, &mut call) else {
        panic!("the answer is the outcome");
    };
    assert_eq!(reply.value.ids, [UserId::new(5), UserId::new(6)]);
    assert!(matches!(
        driver.poll(&session, &mut call),
        Action::Output(Err(CallError::OutOfTurn))
    ));
    assert_eq!(driver.sent.len(), 1);
    assert!(driver.waited.is_empty());
}

// ---------------------------------------------------------------------------------------------
// 2. Invalid requests.

#[test]
fn an_invalid_request_is_refused_before_sending_or_spending_budget() {
    let session = oauth1().build(0).unwrap();
    let limiter = session.limiter().unwrap().clone();
    let mut driver = Driver::new();
    let before = limiter.snapshot();

    let too_many = UsersLookup {
        users: Users::Ids((1..=101).map(UserId::new).collect()),
        include_entities: None,
    };
    let mut lookup = Call::new(too_many);
    let Action::Output(Err(CallError::Core(twapi_core::Error::Invalid(_)))) =
        driver.poll(&session, &mut lookup)
    else {
        panic!("101 ids are refused");
    };
    let oversized = FollowersIds {
        count: Some(5_001),
        ..followers_ids(12)
    };
    let mut ids = Call::new(oversized);
    let Action::Output(Err(CallError::Core(twapi_core::Error::Invalid(_)))) =
        driver.poll(&session, &mut ids)
    else {
        panic!("a count over 5,000 is refused");
    };

    assert!(driver.sent.is_empty());
    assert_eq!(limiter.snapshot(), before);
    let now = driver.now;
    assert_eq!(
        room(&limiter, EndpointId::FollowersIds, &user_ctx(), now),
        15
    );
    assert_eq!(
        room(&limiter, EndpointId::UsersLookup, &user_ctx(), now),
        900
    );
    // Polling a refused call again is out of turn; it is not tried again.
    assert!(matches!(
        driver.poll(&session, &mut ids),
        Action::Output(Err(CallError::OutOfTurn))
    ));
    assert!(driver.sent.is_empty());
}

// ---------------------------------------------------------------------------------------------
// 3, 4. The client-side limiter.

/// Runs 15 followers/ids calls at the current time, each answered without rate-limit headers.
fn spend_fifteen(driver: &mut Driver, session: &Session) {
    for _ in 0..15 {
        let mut call = Call::new(followers_ids(12));
        let out = driver.run(
            session,
            &mut call,
            &mut script(vec![ok(&ids_page(&[1], 0))]),
        );
        assert!(out.is_ok());
    }
    assert_eq!(driver.sent.len(), 15);
    assert!(driver.waited.is_empty());
}

#[test]
fn the_limiter_holds_the_sixteenth_call_until_the_window_resets_and_then_signs_it_afresh() {
    let session = oauth1()
        .limiter_config(small_windows(2))
        .wait_on_rate_limit(true)
        .build(0)
        .unwrap();
    let mut driver = Driver::new();
    spend_fifteen(&mut driver, &session);
    assert!(
        driver
            .sent
            .iter()
            .all(|s| s.oauth_stamp().0 == "1700000000")
    );

    let mut call = Call::new(followers_ids(12));
    let expected = (
        at(2),
        WaitReason::Limiter(Bucket::Window(EndpointId::FollowersIds)),
    );
    let Action::Wait(wait) = driver.poll(&session, &mut call) else {
        panic!("the 16th call waits");
    };
    assert_eq!((wait.until, wait.reason), expected);
    // Woken early, it waits on.
    driver.now = at(1);
    let Action::Wait(wait) = driver.poll(&session, &mut call) else {
        panic!("still held a second later");
    };
    assert_eq!((wait.until, wait.reason), expected);
    assert_eq!(driver.sent.len(), 15);

    driver.now = at(2);
    let Action::Send(_) = driver.poll(&session, &mut call) else {
        panic!("sent once the window reset");
    };
    let (timestamp, nonce) = driver.sent[15].oauth_stamp();
    assert_eq!(timestamp, "1700000002");
    assert_ne!(timestamp, driver.sent[14].oauth_stamp().0);
    assert_eq!(nonce, format!("nonce-{}", driver.nonces));
    driver.answer(&session, &mut call, ok(&ids_page(&[1], 0)));
    assert!(matches!(
        driver.poll(&session, &mut call),
        Action::Output(Ok(_))
    ));
}

#[test]
fn without_waiting_the_limiter_refuses_the_sixteenth_call_as_throttled() {
    let session = oauth1().limiter_config(small_windows(2)).build(0).unwrap();
    let mut driver = Driver::new();
    spend_fifteen(&mut driver, &session);

    let mut call = Call::new(followers_ids(12));
    let Action::Output(Err(CallError::Throttled(wait))) = driver.poll(&session, &mut call) else {
        panic!("the 16th call is throttled");
    };
    assert_eq!(wait.until, at(2));
    assert_eq!(wait.bucket, Bucket::Window(EndpointId::FollowersIds));
    assert_eq!(driver.sent.len(), 15);
    assert_eq!(call.attempt(), 0);
}

// ---------------------------------------------------------------------------------------------
// 5. X's 429.

#[test]
fn a_429_with_a_reset_is_waited_out_uncounted_and_holds_other_calls_until_then() {
    let session = oauth1().wait_on_rate_limit(true).build(0).unwrap();
    let mut driver = Driver::new();
    let mut call = Call::new(followers_ids(12));
    let Action::Send(_) = driver.poll(&session, &mut call) else {
        panic!("sends");
    };
    let limited = respond(
        429,
        RATE_LIMITED,
        &limit_headers("x-rate-limit", 15, 0, at(300)),
    );
    driver.answer(&session, &mut call, Ok(limited));
    assert_eq!(call.attempt(), 0, "a 429 is not a failed attempt");
    assert!(call.last_error().is_some_and(CallError::is_rate_limited));

    let Action::Wait(wait) = driver.poll(&session, &mut call) else {
        panic!("waits for the reset");
    };
    assert_eq!(
        (wait.until, wait.reason),
        (at(300), WaitReason::RateLimited)
    );

    // Another call meanwhile is held by the limiter until the same reset.
    driver.now = at(10);
    let mut other = Call::new(followers_ids(13));
    let Action::Wait(held) = driver.poll(&session, &mut other) else {
        panic!("the limiter saw the 429");
    };
    assert_eq!(
        (held.until, held.reason),
        (
            at(300),
            WaitReason::Limiter(Bucket::Window(EndpointId::FollowersIds))
        )
    );

    driver.now = at(300);
    let Action::Send(_) = driver.poll(&session, &mut call) else {
        panic!("sent again at the reset");
    };
    assert_eq!(call.attempt(), 1);
    driver.answer(&session, &mut call, ok(&ids_page(&[1], 0)));
    assert!(matches!(
        driver.poll(&session, &mut call),
        Action::Output(Ok(_))
    ));
    assert_eq!(driver.sent.len(), 2);
    assert_eq!(driver.sent[1].oauth_stamp().0, "1700000300");
}

#[test]
fn a_429_without_a_reset_waits_one_limiter_window() {
    let session = oauth1()
        .limiter_config(small_windows(60))
        .wait_on_rate_limit(true)
        .build(0)
        .unwrap();
    let mut driver = Driver::new();
    let mut server = script(vec![
        Ok(respond(429, RATE_LIMITED, &[])),
        ok(&ids_page(&[1], 0)),
    ]);
    let out = driver.run(&session, &mut Call::new(followers_ids(12)), &mut server);
    assert!(out.is_ok());
    let waits: Vec<_> = driver
        .waited
        .iter()
        .map(|w| (w.wait.until, w.wait.reason))
        .collect();
    assert_eq!(waits, [(at(60), WaitReason::RateLimited)]);
    let times: Vec<SystemTime> = driver.sent.iter().map(|s| s.at).collect();
    assert_eq!(times, [at(0), at(60)]);
}

#[test]
fn a_429_with_retry_after_and_no_reset_waits_what_retry_after_says() {
    let session = oauth1()
        .limiter_config(small_windows(60))
        .wait_on_rate_limit(true)
        .build(0)
        .unwrap();
    let mut driver = Driver::new();
    let retry_after = [("retry-after".to_owned(), "7".to_owned())];
    let mut server = script(vec![
        Ok(respond(429, RATE_LIMITED, &retry_after)),
        ok(&ids_page(&[1], 0)),
    ]);
    let out = driver.run(&session, &mut Call::new(followers_ids(12)), &mut server);
    assert!(out.is_ok());
    let waits: Vec<_> = driver
        .waited
        .iter()
        .map(|w| (w.wait.until, w.wait.reason))
        .collect();
    assert_eq!(waits, [(at(7), WaitReason::RateLimited)]);
    let times: Vec<SystemTime> = driver.sent.iter().map(|s| s.at).collect();
    assert_eq!(times, [at(0), at(7)]);
}

#[test]
fn without_waiting_a_429_fails_the_call() {
    let session = oauth1().build(0).unwrap();
    let mut driver = Driver::new();
    let mut call = Call::new(followers_ids(12));
    let Action::Send(_) = driver.poll(&session, &mut call) else {
        panic!("sends");
    };
    let limited = respond(
        429,
        RATE_LIMITED,
        &limit_headers("x-rate-limit", 15, 0, at(300)),
    );
    driver.answer(&session, &mut call, Ok(limited));
    let error = match driver.poll(&session, &mut call) {
        Action::Output(Err(error)) => error,
        other => panic!("the 429 is the outcome, not {other:?}"),
    };
    assert!(matches!(
        error,
        CallError::Core(twapi_core::Error::RateLimited(_))
    ));
    assert_eq!(error.rate_limited_until(), Some(at(300)));
    assert_eq!(driver.sent.len(), 1);
}

// ---------------------------------------------------------------------------------------------
// 6. Retries.

/// The waits and send times of a 503, 503, 200 run with jitter seed `seed`.
fn two_503s_then_200(seed: u64) -> Driver {
    let session = oauth1().jitter_seed(seed).build(0).unwrap();
    let mut driver = Driver::new();
    let mut server = script(vec![
        Ok(respond(503, "upstream unavailable", &[])),
        Ok(respond(503, "upstream unavailable", &[])),
        ok(&ids_page(&[1], 0)),
    ]);
    let mut call = Call::new(followers_ids(12));
    let out = driver.run(&session, &mut call, &mut server);
    assert_eq!(out.unwrap().value.ids, [UserId::new(1)]);
    assert_eq!(call.attempt(), 3);
    driver
}

#[test]
fn transient_503s_are_retried_within_the_backoff_ceilings_with_the_seeded_jitter() {
    let driver = two_503s_then_200(7);
    assert_eq!(driver.sent.len(), 3);
    assert_eq!(driver.waited.len(), 2);
    for (n, (waited, ceiling)) in driver.waited.iter().zip([1, 2]).enumerate() {
        let attempt = u32::try_from(n + 1).unwrap();
        assert_eq!(waited.wait.reason, WaitReason::Retry { attempt });
        assert_eq!(waited.attempt, attempt);
        assert_eq!(waited.last_error.as_deref(), Some("http 503"));
        assert!(waited.length() > Duration::ZERO, "{waited:?}");
        assert!(
            waited.length() <= Duration::from_secs(ceiling),
            "{waited:?}"
        );
        // Each retry goes at the end of its wait.
        assert_eq!(driver.sent[n + 1].at, waited.wait.until);
    }
    // The same seed replays the same waits; another seed draws others.
    let until = |d: &Driver| d.waited.iter().map(|w| w.wait.until).collect::<Vec<_>>();
    assert_eq!(until(&two_503s_then_200(7)), until(&driver));
    assert_ne!(until(&two_503s_then_200(8)), until(&driver));
}

#[test]
fn a_503_with_retry_after_waits_what_it_says() {
    let session = oauth1().build(0).unwrap();
    let mut driver = Driver::new();
    let retry_after = [("retry-after".to_owned(), "7".to_owned())];
    let mut server = script(vec![
        Ok(respond(503, "upstream unavailable", &retry_after)),
        ok(&ids_page(&[1], 0)),
    ]);
    let out = driver.run(&session, &mut Call::new(followers_ids(12)), &mut server);
    assert!(out.is_ok());
    assert_eq!(driver.waited.len(), 1);
    assert_eq!(
        (driver.waited[0].wait.until, driver.waited[0].wait.reason),
        (at(7), WaitReason::Retry { attempt: 1 })
    );
    let times: Vec<SystemTime> = driver.sent.iter().map(|s| s.at).collect();
    assert_eq!(times, [at(0), at(7)]);
    assert_eq!(driver.sent[1].oauth_stamp().0, "1700000007");
}

#[test]
fn the_call_gives_up_after_max_attempts_with_the_last_error() {
    let session = oauth1()
        .retry_policy(RetryPolicy::new(
            3,
            Duration::from_secs(1),
            Duration::from_secs(60),
        ))
        .build(0)
        .unwrap();
    let mut driver = Driver::new();
    let mut server = script(vec![
        Ok(respond(503, "unavailable", &[])),
        Ok(respond(502, "bad gateway", &[])),
        Ok(respond(500, "internal error", &[])),
    ]);
    let mut call = Call::new(followers_ids(12));
    let error = driver.run(&session, &mut call, &mut server).unwrap_err();
    assert_eq!(label(&error), "http 500");
    assert_eq!(driver.sent.len(), 3);
    assert_eq!(call.attempt(), 3);
    let errors: Vec<_> = driver.waited.iter().map(|w| w.last_error.clone()).collect();
    assert_eq!(
        errors,
        [Some("http 503".to_owned()), Some("http 502".to_owned())]
    );
    assert!(matches!(
        driver.poll(&session, &mut call),
        Action::Output(Err(CallError::OutOfTurn))
    ));
}

#[test]
fn a_timeout_is_retried() {
    let session = oauth1().build(0).unwrap();
    let mut driver = Driver::new();
    let mut server = script(vec![
        Err(CallError::Timeout(Duration::from_secs(30))),
        ok(&ids_page(&[1], 0)),
    ]);
    let out = driver.run(&session, &mut Call::new(followers_ids(12)), &mut server);
    assert!(out.is_ok());
    assert_eq!(driver.sent.len(), 2);
    assert_eq!(driver.waited.len(), 1);
    let waited = &driver.waited[0];
    assert_eq!(waited.wait.reason, WaitReason::Retry { attempt: 1 });
    assert!(waited.length() <= Duration::from_secs(1));
    assert_eq!(
        waited.last_error.as_deref(),
        Some("no complete answer within 30s")
    );
}

#[test]
fn a_body_too_large_is_not_retried() {
    let session = oauth1().build(0).unwrap();
    let mut driver = Driver::new();
    let mut server = script(vec![Err(CallError::BodyTooLarge { limit: 1024 })]);
    let out = driver.run(&session, &mut Call::new(followers_ids(12)), &mut server);
    assert!(matches!(out, Err(CallError::BodyTooLarge { limit: 1024 })));
    assert_eq!(driver.sent.len(), 1);
    assert!(driver.waited.is_empty());
}

// ---------------------------------------------------------------------------------------------
// 7. The daily follow cap, and the user from the token.

const FOLLOWED: &str = r#"{"data":{"following":true,"pending_follow":false}}"#;

fn follow_for_me(target: u64) -> Call<Follow> {
    Call::for_me(move |me| Follow {
        source_user_id: me,
        target_user_id: UserId::new(target),
    })
}

/// A follow answered with the user's 24-hour budget spent (reset in an hour).
fn follow_spending_the_day(driver: &mut Driver, session: &Session) {
    let mut headers = limit_headers("x-rate-limit", 50, 49, at(900));
    headers.extend(limit_headers("x-user-limit-24hour", 400, 0, at(3_600)));
    headers.extend(limit_headers("x-app-limit-24hour", 1_000, 900, at(3_600)));
    let mut server = script(vec![Ok(respond(200, FOLLOWED, &headers))]);
    let mut call = follow_for_me(2_244_994_945);
    let reply = driver.run(session, &mut call, &mut server).unwrap();
    assert!(reply.value.data.unwrap().following);
    assert_eq!(
        driver.targets(),
        [format!("POST /2/users/{ME}/following")],
        "no /2/users/me: the token names the user"
    );
    assert_eq!(
        driver.sent[0].oauth_stamp().0,
        "1700000000",
        "signed with OAuth 1.0a"
    );
}

#[test]
fn a_follow_for_me_takes_the_user_from_the_token_and_a_spent_daily_cap_holds_the_next() {
    let session = oauth1().wait_on_rate_limit(true).build(0).unwrap();
    assert_eq!(session.user_id(), Some(UserId::new(ME)));
    let mut driver = Driver::new();
    follow_spending_the_day(&mut driver, &session);

    driver.now = at(60);
    let mut next = follow_for_me(12);
    let Action::Wait(wait) = driver.poll(&session, &mut next) else {
        panic!("the next follow waits for the day's reset");
    };
    assert_eq!(
        (wait.until, wait.reason),
        (
            at(3_600),
            WaitReason::Limiter(Bucket::Daily(DailyBucket::Follow))
        )
    );
    driver.now = at(3_600);
    let Action::Send(request) = driver.poll(&session, &mut next) else {
        panic!("sent after the reset");
    };
    assert_eq!(request.body().as_ref(), br#"{"target_user_id":"12"}"#);
    assert_eq!(driver.sent.len(), 2);
}

#[test]
fn without_waiting_a_spent_daily_cap_throttles_the_next_follow() {
    let session = oauth1().build(0).unwrap();
    let mut driver = Driver::new();
    follow_spending_the_day(&mut driver, &session);

    driver.now = at(60);
    let Action::Output(Err(CallError::Throttled(wait))) =
        driver.poll(&session, &mut follow_for_me(12))
    else {
        panic!("the next follow is throttled");
    };
    assert_eq!(wait.until, at(3_600));
    assert_eq!(wait.bucket, Bucket::Daily(DailyBucket::Follow));
    assert_eq!(driver.sent.len(), 1);
}

// ---------------------------------------------------------------------------------------------
// 8. Identity through /2/users/me.

const USERS_PAGE: &str =
    r#"{"data":[{"id":"7","name":"Seven","username":"seven"}],"meta":{"result_count":1}}"#;

#[test]
fn a_me_answer_without_data_ends_the_call_instead_of_asking_again() {
    let session = SessionBuilder::oauth2_user("user-access-token")
        .build(0)
        .unwrap();
    let mut driver = Driver::new();
    let mut server = script(vec![ok(r#"{"meta":{}}"#), ok(USERS_PAGE)]);
    let out = driver.run(
        &session,
        &mut Call::new(Followers::of(UserId::new(12))),
        &mut server,
    );
    let error = out.expect_err("no id to count the call against");
    assert!(
        matches!(error, CallError::Core(twapi_core::Error::Decode(_))),
        "{error:?}"
    );
    assert_eq!(driver.targets(), ["GET /2/users/me"]);
    assert_eq!(session.user_id(), None);
}

#[test]
fn an_oauth2_user_session_asks_who_it_is_once_against_the_app_then_counts_the_user() {
    let session = SessionBuilder::oauth2_user("user-access-token")
        .build(0)
        .unwrap();
    let limiter = session.limiter().unwrap().clone();
    assert_eq!(session.user_id(), None);
    let mut driver = Driver::new();
    let me = respond(
        200,
        r#"{"data":{"id":"42","name":"Me","username":"me"}}"#,
        &limit_headers("x-rate-limit", 75, 74, at(900)),
    );
    let mut server = script(vec![Ok(me), ok(USERS_PAGE), ok(USERS_PAGE)]);

    let first = driver.run(
        &session,
        &mut Call::new(Followers::of(UserId::new(12))),
        &mut server,
    );
    assert_eq!(first.unwrap().value.data.unwrap()[0].id, UserId::new(7));
    assert_eq!(session.user_id(), Some(UserId::new(42)));
    let second = driver.run(
        &session,
        &mut Call::new(Followers::of(UserId::new(12))),
        &mut server,
    );
    assert!(second.is_ok());
    assert_eq!(
        driver.targets(),
        [
            "GET /2/users/me",
            "GET /2/users/12/followers",
            "GET /2/users/12/followers"
        ]
    );

    let (app, user) = (Context::app_only("default"), Context::user("default", 42));
    let now = driver.now;
    // /2/users/me was counted against the app (its answer taught the app's window) …
    assert_eq!(room(&limiter, EndpointId::V2Me, &app, now), 74);
    assert_eq!(room(&limiter, EndpointId::V2Me, &user, now), 75);
    // … and the followers calls against the user (today's documented 300 a window).
    assert_eq!(room(&limiter, EndpointId::V2Followers, &user, now), 298);
    assert_eq!(room(&limiter, EndpointId::V2Followers, &app, now), 300);
}

// ---------------------------------------------------------------------------------------------
// 9. Walks.

/// A page a walk server holds: at this cursor, these ids, this next cursor, these headers.
type CannedPage = (Option<i64>, Vec<u64>, i64, Vec<(String, String)>);

/// A followers/ids server: each cursor (`None` for the first page) is answered with its ids
/// and next cursor, and rate-limit headers if given.
fn pages(pages: Vec<CannedPage>) -> impl FnMut(&http::Request<Bytes>) -> Answer {
    move |request| {
        let target = request.uri().path_and_query().unwrap().as_str();
        let cursor = query_param(target, "cursor").map(|c| c.parse::<i64>().unwrap());
        let (_, ids, next, headers) = pages
            .iter()
            .find(|(at, ..)| *at == cursor)
            .unwrap_or_else(|| panic!("no page at {target}"));
        Ok(respond(200, &ids_page(ids, *next), headers))
    }
}

fn page_items(events: &[WalkEvent<UserId>]) -> Vec<Vec<u64>> {
    events
        .iter()
        .filter_map(|e| match e {
            WalkEvent::Page(page) => Some(page.items.iter().map(|id| id.get()).collect()),
            _ => None,
        })
        .collect()
}

#[test]
fn a_walk_hands_out_each_page_then_ends() {
    let session = oauth1().build(0).unwrap();
    let mut driver = Driver::new();
    let mut server = pages(vec![
        (None, vec![1, 2], 101, vec![]),
        (Some(101), vec![3, 4], 102, vec![]),
        (Some(102), vec![5], 0, vec![]),
    ]);
    let mut walk = Walk::new(Pager::new(followers_ids(12)));
    let events = driver.walk(&session, &mut walk, &mut server);
    assert_eq!(events.len(), 4);
    assert_eq!(page_items(&events), [vec![1, 2], vec![3, 4], vec![5]]);
    assert!(matches!(events[3], WalkEvent::End));
    assert_eq!(driver.cursors(), [None, Some(101), Some(102)]);
    assert!(walk.state().done);
    assert_eq!(walk.state().yielded, 5);
    // An ended walk stays ended and sends nothing.
    assert!(matches!(
        driver.poll(&session, &mut walk),
        Action::Output(WalkEvent::End)
    ));
    assert_eq!(driver.sent.len(), 3);
}

#[test]
fn a_walk_led_in_a_circle_fails_before_fetching_a_page_twice() {
    let session = oauth1().build(0).unwrap();
    let mut driver = Driver::new();
    let mut server = pages(vec![
        (None, vec![1], 101, vec![]),
        (Some(101), vec![2], 102, vec![]),
        (Some(102), vec![3], 101, vec![]),
    ]);
    let mut walk = Walk::new(Pager::new(followers_ids(12)));
    let events = driver.walk(&session, &mut walk, &mut server);
    assert_eq!(page_items(&events), [vec![1], vec![2]]);
    let [_, _, WalkEvent::Failed(CallError::Interrupted(interrupted))] = &events[..] else {
        panic!("two pages, then the failure: {events:?}");
    };
    assert!(
        matches!(
            &interrupted.error,
            CallError::Pager(PagerError::Stuck(Position::Cursor(101)))
        ),
        "{interrupted:?}"
    );
    assert_eq!(interrupted.state.pages, 2);
    assert_eq!(driver.cursors(), [None, Some(101), Some(102)]);
    assert!(matches!(
        driver.poll(&session, &mut walk),
        Action::Output(WalkEvent::End)
    ));
    assert_eq!(driver.sent.len(), 3);
}

#[test]
fn a_throttled_walk_resumes_from_its_serialized_state_without_fetching_twice() {
    let session = oauth1().build(0).unwrap();
    let mut driver = Driver::new();
    let spent = limit_headers("x-rate-limit", 15, 0, at(900));
    let mut server = pages(vec![
        (None, vec![1, 2], 101, spent),
        (Some(101), vec![3, 4], 102, vec![]),
        (Some(102), vec![5], 0, vec![]),
    ]);
    let mut walk = Walk::new(Pager::new(followers_ids(12)));
    let events = driver.walk(&session, &mut walk, &mut server);
    assert_eq!(page_items(&events), [vec![1, 2]]);
    let [_, WalkEvent::Failed(error)] = &events[..] else {
        panic!("one page, then the throttle: {events:?}");
    };
    let CallError::Throttled(wait) = error.cause() else {
        panic!("throttled: {error:?}");
    };
    assert_eq!(wait.until, at(900));
    let state = error.resume_state().expect("the state to resume from");
    assert_eq!(state.pages, 1);
    assert_eq!(state.next, Some(Position::Cursor(101)));
    assert_eq!(driver.cursors(), [None]);

    let saved = serde_json::to_string(state).unwrap();
    let state: PagerState = serde_json::from_str(&saved).unwrap();
    driver.now = wait.until;
    let mut resumed = Walk::new(Pager::resume(followers_ids(12), state));
    let events = driver.walk(&session, &mut resumed, &mut server);
    assert_eq!(page_items(&events), [vec![3, 4], vec![5]]);
    assert!(matches!(events.last(), Some(WalkEvent::End)));
    assert_eq!(driver.cursors(), [None, Some(101), Some(102)]);
    assert_eq!(resumed.state().yielded, 5);
}

// ---------------------------------------------------------------------------------------------
// 10. Calls in flight together.

#[test]
fn calls_in_flight_together_are_each_counted_and_each_get_their_own_answer() {
    let session = oauth1().build(0).unwrap();
    let limiter = session.limiter().unwrap().clone();
    let mut driver = Driver::new();
    let mut calls: Vec<_> = (1..=3).map(|u| Call::new(followers_ids(u))).collect();
    for call in &mut calls {
        let Action::Send(_) = driver.poll(&session, call) else {
            panic!("each call sends");
        };
    }
    let now = driver.now;
    assert_eq!(
        room(&limiter, EndpointId::FollowersIds, &user_ctx(), now),
        12
    );
    assert_eq!(driver.cursors().len(), 3, "all three out before any answer");
    let users: Vec<_> = driver
        .sent
        .iter()
        .map(|s| query_param(&s.target, "user_id").unwrap())
        .collect();
    assert_eq!(users, ["1", "2", "3"]);

    // Answered in reverse order, each call keeps its own answer.
    for (n, call) in calls.iter_mut().enumerate().rev() {
        let id = u64::try_from(n).unwrap() + 100;
        driver.answer(&session, call, ok(&ids_page(&[id], 0)));
    }
    for (n, call) in calls.iter_mut().enumerate() {
        let Action::Output(Ok(reply)) = driver.poll(&session, call) else {
            panic!("each call has its answer");
        };
        assert_eq!(
            reply.value.ids,
            [UserId::new(u64::try_from(n).unwrap() + 100)]
        );
    }
    assert_eq!(
        room(&limiter, EndpointId::FollowersIds, &user_ctx(), now),
        12
    );
}
