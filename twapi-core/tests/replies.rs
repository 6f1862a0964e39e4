//! Decoding answers: typed replies, partial errors, and every kind of error X sends,
//! including the real error bodies recorded in `../shared/reference`.

use std::time::{Duration, SystemTime};

use bytes::Bytes;
use twapi_core::request::ApiRequest;
use twapi_core::request::v1::{FollowersIds, FriendshipsCreate, UsersLookup, UsersShow};
use twapi_core::request::v2::{UserById, UsersByIds};
use twapi_core::{Error, FollowOutcome, Retryability, decode_reply};
use twapi_model::v2::ProblemKind;

#[path = "../../tests-support/shared_reference.rs"]
mod shared_reference;

fn response(status: u16, headers: &[(&str, &str)], body: &str) -> http::Response<Bytes> {
    let mut builder = http::Response::builder().status(status);
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    builder.body(Bytes::from(body.to_owned())).unwrap()
}

const LIMITS: [(&str, &str); 3] = [
    ("x-rate-limit-limit", "15"),
    ("x-rate-limit-remaining", "14"),
    ("x-rate-limit-reset", "1613173286"),
];

#[test]
fn a_page_with_its_rate_limit() {
    let body = r#"{"ids":[15772978,145336962],"next_cursor":0,"next_cursor_str":"0","previous_cursor":0,"previous_cursor_str":"0","total_count":null}"#;
    let reply = decode_reply::<FollowersIds>(response(200, &LIMITS, body)).unwrap();
    assert_eq!(reply.value.ids.len(), 2);
    let window = reply.rate_limit().window.unwrap();
    assert_eq!((window.limit, window.remaining), (15, 14));
    assert_eq!(
        window.reset,
        SystemTime::UNIX_EPOCH + Duration::from_secs(1_613_173_286)
    );
    // Fields the model does not name stay reachable.
    let raw: serde_json::Value = serde_json::from_slice(reply.body()).unwrap();
    assert!(raw["total_count"].is_null());
}

#[test]
fn partial_errors_ride_along_and_errors_only_is_an_error() {
    let partial = r#"{"data":[{"id":"12","name":"jack","username":"jack"}],"errors":[{"value":"99","detail":"Could not find user with ids: [99].","title":"Not Found Error","resource_type":"user","parameter":"ids","resource_id":"99","type":"https://api.twitter.com/2/problems/resource-not-found"}]}"#;
    let reply = decode_reply::<UsersByIds>(response(200, &[], partial)).unwrap();
    assert_eq!(reply.value.data.as_ref().unwrap().len(), 1);
    assert_eq!(
        reply.partial_errors()[0].kind(),
        &ProblemKind::ResourceNotFound
    );

    let only = r#"{"errors":[{"value":"99","detail":"Could not find user with id: [99].","title":"Not Found Error","resource_type":"user","parameter":"id","resource_id":"99","type":"https://api.x.com/2/problems/resource-not-found"}]}"#;
    let err = decode_reply::<UserById>(response(200, &[], only)).unwrap_err();
    let api = err.api().expect("an API error");
    assert_eq!(api.status(), 200);
    assert!(api.has_problem(&ProblemKind::ResourceNotFound));
    assert_eq!(err.retryability(), Retryability::Never);
}

#[test]
fn rate_limited_until_the_reset() {
    let headers = [
        ("x-rate-limit-limit", "15"),
        ("x-rate-limit-remaining", "0"),
        ("x-rate-limit-reset", "1613173286"),
    ];
    let err = decode_reply::<FollowersIds>(response(
        429,
        &headers,
        r#"{"errors":[{"code":88,"message":"Rate limit exceeded"}]}"#,
    ))
    .unwrap_err();
    let reset = SystemTime::UNIX_EPOCH + Duration::from_secs(1_613_173_286);
    assert!(matches!(&err, Error::RateLimited(r) if r.until == Some(reset)));
    assert_eq!(err.retryability(), Retryability::At(reset));

    // A 24-hour bucket at zero outlasts the window.
    let headers = [
        ("x-rate-limit-limit", "50"),
        ("x-rate-limit-remaining", "49"),
        ("x-rate-limit-reset", "1000"),
        ("x-user-limit-24hour-limit", "400"),
        ("x-user-limit-24hour-remaining", "0"),
        ("x-user-limit-24hour-reset", "90000"),
    ];
    let err = decode_reply::<twapi_core::request::v2::Follow>(response(
        429,
        &headers,
        r#"{"title":"Too Many Requests","type":"about:blank","status":429,"detail":"Too Many Requests"}"#,
    ))
    .unwrap_err();
    assert_eq!(
        err.retryability(),
        Retryability::At(SystemTime::UNIX_EPOCH + Duration::from_secs(90_000))
    );
}

#[test]
fn an_existing_follow_request_is_an_outcome() {
    let body = r#"{"errors":[{"code":160,"message":"You've already requested to follow user."}]}"#;
    let reply = decode_reply::<FriendshipsCreate>(response(403, &[], body)).unwrap();
    assert_eq!(reply.value, FollowOutcome::AlreadyRequested);
    // Any other 403 is still an error.
    let body = r#"{"errors":[{"code":161,"message":"You are unable to follow more people at this time"}]}"#;
    assert!(decode_reply::<FriendshipsCreate>(response(403, &[], body)).is_err());
    // Code 160 at a status X does not send it with is not that outcome.
    let body = r#"{"errors":[{"code":160,"message":"You've already requested to follow user."}]}"#;
    for status in [200, 500, 503] {
        let err = decode_reply::<FriendshipsCreate>(response(status, &[], body)).unwrap_err();
        let api = err.api().expect("an API error");
        assert_eq!(api.status(), status);
        assert!(api.has_code(twapi_core::ErrorCode::FollowAlreadyRequested));
    }
}

#[test]
fn transient_failures_may_be_retried() {
    for (status, body) in [
        (
            503,
            r#"{"errors":[{"code":130,"message":"Over capacity"}]}"#,
        ),
        (
            500,
            r#"{"errors":[{"code":131,"message":"Internal error"}]}"#,
        ),
        (502, "<html><body>Bad Gateway</body></html>"),
    ] {
        let err = decode_reply::<UsersShow>(response(status, &[], body)).unwrap_err();
        assert_eq!(err.retryability(), Retryability::Now, "{status}");
    }
    // A body cut short on a 200: the transfer failed, try again.
    let err =
        decode_reply::<UsersShow>(response(200, &[], r#"{"id":12,"id_str":"12","na"#)).unwrap_err();
    assert!(matches!(&err, Error::Decode(_)));
    assert_eq!(err.retryability(), Retryability::Now);
}

#[test]
fn malformed_bodies_say_where() {
    let body = r#"[{"id":12,"id_str":"12","name":"a","screen_name":"a","created_at":"yesterday"}]"#;
    let Error::Decode(failure) = decode_reply::<UsersLookup>(response(200, &[], body)).unwrap_err()
    else {
        panic!("expected a decode failure");
    };
    assert_eq!(failure.status, 200);
    assert!(failure.path.starts_with("[0]"), "{}", failure.path);
    let huge = format!("{{\"id\": {}", "9".repeat(100_000));
    let Error::Decode(failure) = decode_reply::<UsersShow>(response(200, &[], &huge)).unwrap_err()
    else {
        panic!("expected a decode failure");
    };
    assert!(failure.excerpt.len() <= twapi_core::error::EXCERPT_BYTES);
    // A malformed rate-limit header is reported, not ignored.
    let headers = [
        ("x-rate-limit-limit", "15"),
        ("x-rate-limit-remaining", "lots"),
        ("x-rate-limit-reset", "1"),
    ];
    assert!(matches!(
        decode_reply::<FollowersIds>(response(200, &headers, "{}")),
        Err(Error::Decode(_))
    ));
}

/// Decodes a body as the endpoint family it came from and renders the outcome.
fn outcome<R: ApiRequest>(status: u16, body: &str) -> String {
    match decode_reply::<R>(response(status, &[], body)) {
        Ok(_) => "ok".to_owned(),
        Err(e) => format!("{e} [retry: {:?}]", e.retryability()),
    }
}

#[test]
fn every_real_error_body() {
    let Some(file) = shared_reference::path("real-responses/from-issues/error-payloads.json")
    else {
        return;
    };
    let text = std::fs::read_to_string(file).unwrap();
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    let mut seen = Vec::new();
    for entry in doc["entries"].as_array().unwrap() {
        let Some(body) = entry.get("body").filter(|b| !b.is_null()) else {
            continue; // truncated or reconstructed in the source
        };
        let status = u16::try_from(entry["http_status"].as_u64().unwrap()).unwrap();
        let body = body.to_string();
        let line = match entry["api"].as_str().unwrap() {
            "v2" => outcome::<UsersByIds>(status, &body),
            _ => outcome::<UsersShow>(status, &body),
        };
        assert_ne!(line, "ok", "{body}");
        seen.push(format!(
            "{} {}: {line}",
            entry["api"].as_str().unwrap(),
            status
        ));
    }
    assert!(seen.len() >= 12, "only {} bodies decoded", seen.len());
    insta::assert_snapshot!(seen.join("\n"));
}
