//! Pay-per-use cost through the session, driven by hand as in `tests/session.rs`: a virtual
//! clock, a nonce counter and canned answers. Each reply's charge, the UTC day's meter (each
//! user once, owned reads, writes per request, a new day at midnight, saved and restored), a
//! walk's budget (smaller pages, a typed stop with the state, an exact resume), and the
//! billing refusals (`usage-capped`, `client-not-enrolled`, code 453), which are final.

use std::collections::VecDeque;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use twapi_auth::oauth1::Credentials;
use twapi_core::EndpointId;
use twapi_core::cost::{
    BillingRefusal, Cost, Meter, MeterHandle, OWNED_READ, Price, USER_READ, UsagePeriodKind,
    UsageScopeKind, price_of,
};
use twapi_core::pager::Pager;
use twapi_core::request::v2::{Follow, Followers, UserById};
use twapi_core::retry::Retryability;
use twapi_core::session::{
    Action, Call, CallError, Exchange, Session, SessionBuilder, Walk, WalkEvent,
};
use twapi_model::UserId;

/// 2023-11-14T22:13:20Z; the next UTC midnight is 6,400 s later.
const T0: u64 = 1_700_000_000;
const TO_MIDNIGHT: u64 = 6_400;
/// The user the OAuth 1.0a token names.
const ME: u64 = 783_214;

fn at(secs: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(T0 + secs)
}

type Answer = Result<http::Response<Bytes>, CallError>;

#[expect(
    clippy::unnecessary_wraps,
    reason = "an answer, to queue beside transport failures"
)]
fn respond(status: u16, body: &str) -> Answer {
    Ok(http::Response::builder()
        .status(status)
        .body(Bytes::from(body.to_owned()))
        .unwrap())
}

/// Drives `machine` to its next output at `now` (no waits expected), logging every target.
fn run<E: Exchange>(
    session: &Session,
    machine: &mut E,
    now: SystemTime,
    answers: &mut VecDeque<Answer>,
    sent: &mut Vec<String>,
) -> E::Output {
    for n in 0..50 {
        match machine.poll(session, now, &format!("nonce-{n}")) {
            Action::Send(request) => {
                sent.push(request.uri().path_and_query().unwrap().to_string());
                match answers.pop_front().expect("an answer queued") {
                    Ok(response) => machine.handle_response(session, response, now),
                    Err(error) => machine.handle_transport_error(session, error, now),
                }
            }
            Action::Wait(wait) => panic!("an unexpected wait: {wait:?}"),
            Action::Output(output) => return output,
        }
    }
    panic!("no output after 50 steps");
}

fn session(builder: SessionBuilder) -> Session {
    builder.jitter_seed(7).build(7).unwrap()
}

fn oauth1() -> SessionBuilder {
    SessionBuilder::oauth1(
        &Credentials::new("consumer-key", "consumer-secret").with_token("783214-abc", "secret"),
    )
}

fn users_page(ids: &[u64], next: Option<&str>) -> String {
    let data: Vec<_> = ids
        .iter()
        .map(|id| serde_json::json!({"id": id.to_string(), "name": "N", "username": format!("u{id}")}))
        .collect();
    let mut meta = serde_json::json!({"result_count": ids.len()});
    if let Some(next) = next {
        meta["next_token"] = next.into();
    }
    serde_json::json!({"data": data, "meta": meta}).to_string()
}

fn followers_call(of: u64) -> Call<Followers> {
    Call::new(Followers::of(UserId::new(of)))
}

#[test]
fn the_price_table_covers_every_endpoint_and_money_displays_exactly() {
    for &id in EndpointId::ALL {
        // Every row has a price (the match is exhaustive; this shows it at run time too).
        let _ = price_of(id);
    }
    assert_eq!(
        price_of(EndpointId::FollowersIds),
        Price::PerResource {
            each: USER_READ,
            owned: OWNED_READ
        }
    );
    assert_eq!(
        price_of(EndpointId::V2Unfollow).unit(false).to_string(),
        "$0.010"
    );
    assert_eq!(price_of(EndpointId::FriendshipsUpdate), Price::Free);
    assert_eq!(USER_READ.to_string(), "$0.010");
    assert_eq!(OWNED_READ.to_string(), "$0.001");
    assert_eq!((USER_READ * 1_000).to_string(), "$10.000");
    assert_eq!(Cost::from_micros(12_500).to_string(), "$0.0125");
    assert_eq!(Cost::from_cents(5).fits(USER_READ), 5);
    assert_eq!(serde_json::to_string(&USER_READ).unwrap(), "10000");
}

#[test]
fn each_reply_says_what_it_carried_and_the_meter_counts_each_user_once_a_day() {
    let session = session(oauth1());
    let mut sent = Vec::new();
    let mut answers = VecDeque::from([
        respond(200, &users_page(&[1, 2, 3], None)),
        respond(200, &users_page(&[3, 4], None)),
        // Owned: the path's :id is the token's user.
        respond(200, &users_page(&[5, 6], None)),
        respond(200, r#"{"data":{"following":true,"pending_follow":false}}"#),
    ]);

    let reply = run(
        &session,
        &mut followers_call(12),
        at(0),
        &mut answers,
        &mut sent,
    )
    .unwrap();
    assert_eq!(reply.charge().resources, 3);
    assert_eq!(reply.charge().cost, USER_READ * 3);
    assert_eq!(reply.cost(), USER_READ * 3);

    // User 3 was billed already today: the list price counts it, the meter does not.
    let reply = run(
        &session,
        &mut followers_call(12),
        at(10),
        &mut answers,
        &mut sent,
    )
    .unwrap();
    assert_eq!(reply.charge().cost, USER_READ * 2);
    assert_eq!(reply.charge().metered, Some(USER_READ));

    let reply = run(
        &session,
        &mut followers_call(ME),
        at(20),
        &mut answers,
        &mut sent,
    )
    .unwrap();
    assert!(reply.charge().owned);
    assert_eq!(reply.cost(), OWNED_READ * 2);

    let mut follow = Call::new(Follow {
        source_user_id: UserId::new(ME),
        target_user_id: UserId::new(9),
    });
    let reply = run(&session, &mut follow, at(30), &mut answers, &mut sent).unwrap();
    assert_eq!(reply.charge().resources, 1);
    assert_eq!(reply.cost(), Cost::from_mills(15));

    let usage = session.usage(at(40));
    assert_eq!(usage.resources, 4 + 2 + 1);
    assert_eq!(usage.returned, 3 + 2 + 2 + 1);
    assert_eq!(usage.requests, 1);
    assert_eq!(
        usage.cost,
        USER_READ * 4 + OWNED_READ * 2 + Cost::from_mills(15)
    );
    assert_eq!(usage.cost.to_string(), "$0.057");

    // A new UTC day: nothing spent yet, and yesterday's users are billed again.
    assert_eq!(session.usage(at(TO_MIDNIGHT)).cost, Cost::ZERO);
    let mut answers = VecDeque::from([respond(200, &users_page(&[1, 2], None))]);
    let reply = run(
        &session,
        &mut followers_call(12),
        at(TO_MIDNIGHT),
        &mut answers,
        &mut sent,
    )
    .unwrap();
    assert_eq!(reply.cost(), USER_READ * 2);
    assert_eq!(session.usage(at(TO_MIDNIGHT)).cost, USER_READ * 2);
    assert_eq!(session.meter().unwrap().snapshot().seen().len(), 2);
}

#[test]
fn a_saved_meter_restored_keeps_todays_users_free_and_a_shared_one_counts_for_both() {
    let first = session(oauth1());
    let mut sent = Vec::new();
    let mut answers = VecDeque::from([respond(200, &users_page(&[1, 2, 3], None))]);
    run(
        &first,
        &mut followers_call(12),
        at(0),
        &mut answers,
        &mut sent,
    )
    .unwrap();

    let saved = serde_json::to_string(&first.meter().unwrap().snapshot()).unwrap();
    let restored: Meter = serde_json::from_str(&saved).unwrap();
    let handle = MeterHandle::new(restored);
    let second = session(oauth1().meter(handle.clone()));
    let third = session(SessionBuilder::app_only("AAAA").meter(handle.clone()));
    let mut answers = VecDeque::from([
        respond(200, &users_page(&[2, 3, 4], None)),
        respond(200, &users_page(&[4, 5], None)),
    ]);
    let reply = run(
        &second,
        &mut followers_call(12),
        at(5),
        &mut answers,
        &mut sent,
    )
    .unwrap();
    assert_eq!(reply.cost(), USER_READ);
    let reply = run(
        &third,
        &mut followers_call(12),
        at(6),
        &mut answers,
        &mut sent,
    )
    .unwrap();
    assert_eq!(reply.cost(), USER_READ);
    assert_eq!(handle.usage().cost, USER_READ * 5);
    assert_eq!(second.usage(at(7)), third.usage(at(7)));
    // Without a meter a reply still carries its list price.
    let bare = session(oauth1().without_meter());
    let mut answers = VecDeque::from([respond(200, &users_page(&[1], None))]);
    let reply = run(
        &bare,
        &mut followers_call(12),
        at(8),
        &mut answers,
        &mut sent,
    )
    .unwrap();
    assert_eq!((reply.charge().metered, reply.cost()), (None, USER_READ));
    assert_eq!(bare.usage(at(8)).cost, Cost::ZERO);
}

fn max_results(target: &str) -> Option<u32> {
    let query = target.split_once('?')?.1;
    query
        .split('&')
        .find_map(|pair| pair.strip_prefix("max_results="))
        .map(|v| v.parse().unwrap())
}

#[test]
fn a_budgeted_walk_asks_smaller_pages_stops_typed_with_its_state_and_resumes_exactly() {
    let session = session(oauth1());
    let pager = Pager::new(Followers {
        max_results: Some(3),
        ..Followers::of(UserId::new(12))
    });
    // $0.050: three users, then two (a smaller page), then nothing fits.
    let mut walk = Walk::new(pager).with_budget(Cost::from_mills(50));
    let mut sent = Vec::new();
    let mut answers = VecDeque::from([
        respond(200, &users_page(&[1, 2, 3], Some("t2"))),
        respond(200, &users_page(&[4, 5], Some("t3"))),
    ]);
    let mut pages = Vec::new();
    let stopped = loop {
        match run(&session, &mut walk, at(0), &mut answers, &mut sent) {
            WalkEvent::Page(page) => pages.push(page),
            WalkEvent::Failed(error) => break error,
            WalkEvent::End => panic!("the walk should stop at its budget"),
        }
    };
    assert_eq!(
        sent.iter().map(|s| max_results(s)).collect::<Vec<_>>(),
        [Some(3), Some(2)]
    );
    assert_eq!(pages.len(), 2);
    assert!(stopped.is_budget_exhausted());
    assert_eq!(stopped.retryability(), Retryability::Never);
    let CallError::BudgetExhausted { spent, budget } = stopped.cause() else {
        panic!("{stopped:?}")
    };
    assert_eq!(
        (*spent, *budget),
        (Cost::from_mills(50), Cost::from_mills(50))
    );
    assert!(
        stopped.to_string().contains("$0.050 of $0.050"),
        "{stopped}"
    );
    assert!(walk.spent() <= Cost::from_mills(50));
    // Polling again ends it; nothing more is sent.
    assert!(matches!(
        run(&session, &mut walk, at(0), &mut answers, &mut sent),
        WalkEvent::End
    ));

    // Resume the same day from the saved state and the saved meter: user 5 comes back and is
    // free, since the restored meter billed it already.
    let state = stopped.resume_state().unwrap().clone();
    let meter: Meter =
        serde_json::from_str(&serde_json::to_string(&session.meter().unwrap().snapshot()).unwrap())
            .unwrap();
    let resumed = session_with(meter);
    let pager = Pager::resume(
        Followers {
            max_results: Some(3),
            ..Followers::of(UserId::new(12))
        },
        state,
    );
    let mut walk = Walk::new(pager).with_budget(Cost::from_mills(30));
    let mut answers = VecDeque::from([respond(200, &users_page(&[5, 6, 7], None))]);
    let mut resent = Vec::new();
    let WalkEvent::Page(page) = run(&resumed, &mut walk, at(60), &mut answers, &mut resent) else {
        panic!("a page")
    };
    assert!(resent[0].contains("pagination_token=t3"), "{resent:?}");
    assert_eq!(page.charge.cost, USER_READ * 3);
    assert_eq!(page.charge.metered, Some(USER_READ * 2));
    assert!(matches!(
        run(&resumed, &mut walk, at(60), &mut answers, &mut resent),
        WalkEvent::End
    ));
    assert_eq!(resumed.usage(at(60)).cost, USER_READ * 7);
    assert_eq!(resumed.usage(at(60)).resources, 7);
}

fn session_with(meter: Meter) -> Session {
    session(oauth1().meter(MeterHandle::new(meter)))
}

#[test]
fn an_owned_walk_budgets_at_the_owned_price_and_a_fixed_page_that_does_not_fit_is_not_sent() {
    let session = session(oauth1());
    let mut walk =
        Walk::new(Pager::new(Followers::of(UserId::new(ME)))).with_budget(OWNED_READ * 4);
    let mut sent = Vec::new();
    let mut answers = VecDeque::from([respond(200, &users_page(&[1, 2, 3, 4], Some("n")))]);
    assert!(matches!(
        run(&session, &mut walk, at(0), &mut answers, &mut sent),
        WalkEvent::Page(_)
    ));
    assert_eq!(max_results(&sent[0]), Some(4));
    let WalkEvent::Failed(error) = run(&session, &mut walk, at(0), &mut answers, &mut sent) else {
        panic!("budget")
    };
    assert!(error.is_budget_exhausted());

    // friendships/incoming has no count: a page may hold 5,000 ids, $50 at list price.
    let mut walk = Walk::new(Pager::new(
        twapi_core::request::v1::FriendshipsIncoming::default(),
    ))
    .with_budget(Cost::from_dollars(49));
    let WalkEvent::Failed(error) = run(&session, &mut walk, at(0), &mut answers, &mut sent) else {
        panic!("budget")
    };
    assert!(error.is_budget_exhausted());
    assert_eq!(sent.len(), 1);
}

const USAGE_CAPPED: &str = r#"{"title":"UsageCapExceeded","detail":"Usage cap exceeded: Monthly product cap","type":"https://api.twitter.com/2/problems/usage-capped","period":"Monthly","scope":"Product","status":429}"#;

#[test]
fn a_usage_capped_429_is_final_even_for_a_session_that_waits_on_rate_limits() {
    let session = session(oauth1().wait_on_rate_limit(true));
    let mut sent = Vec::new();
    let mut answers = VecDeque::from([respond(429, USAGE_CAPPED)]);
    let error = run(
        &session,
        &mut followers_call(12),
        at(0),
        &mut answers,
        &mut sent,
    )
    .unwrap_err();
    assert_eq!(sent.len(), 1, "sent once, neither waited out nor retried");
    assert!(!error.is_rate_limited());
    assert_eq!(error.retryability(), Retryability::Never);
    let api = error.api().unwrap();
    assert_eq!(
        api.billing(),
        Some(BillingRefusal::UsageCapped {
            period: Some(UsagePeriodKind::Monthly),
            scope: Some(UsageScopeKind::Product)
        })
    );
    assert!(
        error.to_string().contains(
            "usage cap reached for this billing cycle: raise the spending limit in the \
             developer console or wait for the next cycle"
        ),
        "{error}"
    );
    // The limiter was not told to hold the endpoint: the next call goes out at once.
    let mut answers = VecDeque::from([respond(200, &users_page(&[1], None))]);
    run(
        &session,
        &mut followers_call(12),
        at(1),
        &mut answers,
        &mut sent,
    )
    .unwrap();
    assert_eq!(sent.len(), 2);
    // Nothing was billed for the refusal.
    assert_eq!(session.usage(at(1)).cost, USER_READ);
}

#[test]
fn code_453_and_client_not_enrolled_are_typed_final_refusals_that_say_what_to_do() {
    let session = session(oauth1().wait_on_rate_limit(true));
    let mut sent = Vec::new();
    let code_453 = r#"{"errors":[{"code":453,"message":"You currently have access to a subset of X API V2 endpoints and limited v1.1 endpoints (e.g. media post, oauth) only. If you need access to this endpoint, you may need a different access level. You can learn more here: https://developer.x.com/en/portal/product"}]}"#;
    let not_enrolled = r#"{"client_id":"123","detail":"When authenticating requests to the Twitter API v2 endpoints, you must use keys and tokens from a Twitter developer App that is attached to a Project.","registration_url":"https://developer.twitter.com/en/docs/projects/overview","title":"Client Forbidden","required_enrollment":"Appropriate Level of API Access","reason":"client-not-enrolled","type":"https://api.twitter.com/2/problems/client-forbidden"}"#;
    let mut answers = VecDeque::from([respond(403, code_453), respond(403, not_enrolled)]);

    let error = run(
        &session,
        &mut Call::new(twapi_core::request::v1::UsersShow::of(
            twapi_core::UserRef::Id(UserId::new(12)),
        )),
        at(0),
        &mut answers,
        &mut sent,
    )
    .unwrap_err();
    assert_eq!(
        error.api().unwrap().billing(),
        Some(BillingRefusal::AccessLevel)
    );
    assert_eq!(error.retryability(), Retryability::Never);
    assert!(error.to_string().contains("use the v2 endpoint"), "{error}");

    let mut call = Call::new(UserById {
        id: UserId::new(12),
        fields: twapi_core::fields::Fields::default(),
    });
    let error = run(&session, &mut call, at(0), &mut answers, &mut sent).unwrap_err();
    assert_eq!(
        error.api().unwrap().billing(),
        Some(BillingRefusal::ClientNotEnrolled)
    );
    assert_eq!(error.retryability(), Retryability::Never);
    assert!(
        error.to_string().contains("attach it to a project"),
        "{error}"
    );
    assert_eq!(sent.len(), 2);
}
