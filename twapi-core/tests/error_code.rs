//! The v1.1 error-code table: every named code round-trips, unknown codes are kept, and the
//! messages and statuses agree with the real error bodies in `../shared/reference/`.

use std::collections::HashSet;
use std::hash::{BuildHasher, RandomState};

use http::StatusCode;
use proptest::prelude::*;
use serde_json::{Value, json};
use twapi_core::error_code::ErrorCode;
use twapi_core::retry::RetryHint;

#[path = "../../tests-support/shared_reference.rs"]
mod shared_reference;

const EXPECTED_CODES: [u32; 28] = [
    17, 32, 34, 50, 63, 87, 88, 89, 99, 108, 130, 131, 135, 158, 160, 161, 162, 179, 205, 215, 220,
    226, 261, 326, 415, 416, 417, 453,
];

#[test]
fn the_table_names_exactly_the_codes_of_api_facts() {
    let codes: Vec<u32> = ErrorCode::KNOWN.iter().map(|code| code.code()).collect();
    assert_eq!(codes, EXPECTED_CODES);
}

#[test]
fn every_named_code_round_trips() {
    for code in ErrorCode::KNOWN {
        let number = code.code();
        assert_eq!(ErrorCode::from_code(number), *code);
        assert!(code.is_known());
        assert!(
            code.message().is_some_and(|message| !message.is_empty()),
            "{number}"
        );
        assert!(
            !matches!(ErrorCode::from_code(number), ErrorCode::Unknown(_)),
            "{number}"
        );
        assert_eq!(u32::from(*code), number);
        assert_eq!(serde_json::to_value(code).unwrap(), json!(number));
        assert_eq!(
            serde_json::from_value::<ErrorCode>(json!(number)).unwrap(),
            *code
        );
    }
    let distinct: HashSet<_> = ErrorCode::KNOWN.iter().collect();
    assert_eq!(distinct.len(), EXPECTED_CODES.len());
}

#[test]
fn unknown_codes_are_kept() {
    for number in [0, 1, 33, 187, 454, 99_999, u32::MAX] {
        let code = ErrorCode::from_code(number);
        assert_eq!(code, ErrorCode::Unknown(number));
        assert_eq!(code.code(), number);
        assert!(!code.is_known());
        assert_eq!((code.message(), code.http_status()), (None, None));
        assert_eq!(code.retryability_hint(), RetryHint::No);
        assert_eq!(
            serde_json::from_value::<ErrorCode>(json!(number)).unwrap(),
            code
        );
        assert_eq!(code.to_string(), number.to_string());
    }
}

#[test]
fn an_unknown_wrapper_of_a_named_number_is_that_code() {
    let hasher = RandomState::new();
    let wrapped = ErrorCode::Unknown(88);
    assert_eq!(wrapped, ErrorCode::RateLimitExceeded);
    assert_eq!(
        hasher.hash_one(wrapped),
        hasher.hash_one(ErrorCode::RateLimitExceeded)
    );
    assert_eq!(wrapped.message(), Some("Rate limit exceeded"));
    assert!(wrapped.is_known());
}

#[test]
fn only_capacity_internal_and_rate_limit_errors_are_worth_retrying() {
    for code in ErrorCode::KNOWN {
        let expected = match code.code() {
            130 | 131 => RetryHint::Backoff,
            88 => RetryHint::AtReset,
            _ => RetryHint::No,
        };
        assert_eq!(code.retryability_hint(), expected, "{code}");
    }
}

#[test]
fn statuses_are_as_documented() {
    let status = |number| ErrorCode::from_code(number).http_status();
    assert_eq!(status(32), Some(StatusCode::UNAUTHORIZED));
    assert_eq!(status(50), Some(StatusCode::NOT_FOUND));
    assert_eq!(status(88), Some(StatusCode::TOO_MANY_REQUESTS));
    assert_eq!(status(130), Some(StatusCode::SERVICE_UNAVAILABLE));
    assert_eq!(status(131), Some(StatusCode::INTERNAL_SERVER_ERROR));
    assert_eq!(status(161), Some(StatusCode::FORBIDDEN));
    assert_eq!(status(215), Some(StatusCode::BAD_REQUEST));
    assert_eq!(status(108), None);
    assert_eq!(ErrorCode::UserNotFound.to_string(), "50 (User not found.)");
}

#[test]
fn the_whole_table_is_pinned() {
    let rows: Vec<_> = ErrorCode::KNOWN
        .iter()
        .map(|code| {
            json!({
                "code": code,
                "name": format!("{code:?}"),
                "http_status": code.http_status().map(|status| status.as_u16()),
                "retry": code.retryability_hint(),
                "message": code.message(),
            })
        })
        .collect();
    insta::assert_json_snapshot!("error_code_table", rows);
}

/// Every real v1.1 error body saved from public issues carries the code's message and
/// status exactly as the table has them.
#[test]
fn real_error_bodies_agree_with_the_table() {
    let Some(path) = shared_reference::path("real-responses/from-issues/error-payloads.json")
    else {
        return;
    };
    let payloads: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    let mut checked = Vec::new();
    for entry in payloads["entries"].as_array().unwrap() {
        // v1.1 endpoints and oauth2/token share the `{"errors":[{"code","message"}]}` shape.
        if entry["api"] == "v2" {
            continue;
        }
        let body = entry
            .get("body")
            .or_else(|| entry.get("body_reconstructed"))
            .unwrap();
        for error in body["errors"].as_array().unwrap() {
            let number = u32::try_from(error["code"].as_u64().unwrap()).unwrap();
            let code = ErrorCode::from_code(number);
            assert!(code.is_known(), "{number} is not in the table");
            assert_eq!(code.message(), error["message"].as_str(), "{number}");
            let status = entry["http_status"]
                .as_u64()
                .and_then(|status| u16::try_from(status).ok());
            assert_eq!(
                code.http_status().map(|status| status.as_u16()),
                status,
                "{number}"
            );
            checked.push(number);
        }
    }
    checked.sort_unstable();
    assert_eq!(checked, [32, 50, 88, 99, 453]);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn any_number_round_trips(number in any::<u32>()) {
        let code = ErrorCode::from_code(number);
        prop_assert_eq!(code.code(), number);
        prop_assert_eq!(code.is_known(), EXPECTED_CODES.contains(&number));
        let json = serde_json::to_string(&code).unwrap();
        prop_assert_eq!(json, number.to_string());
    }
}
