//! Reading the rate-limit headers: well-formed groups, malformed ones, and every recorded
//! real response in `../shared/reference/real-responses/decoded/`.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use http::{HeaderMap, HeaderValue, Method};
use proptest::prelude::*;
use serde_json::{Value, json};
use twapi_core::endpoint::{EndpointId, LimitsProfile};
use twapi_core::rate_limit::{RateLimit, RateLimitHeaderError, RateLimitSnapshot};

#[path = "../../tests-support/shared_reference.rs"]
mod shared_reference;

fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
    let mut map = HeaderMap::new();
    for (name, value) in pairs {
        map.append(*name, HeaderValue::from_str(value).unwrap());
    }
    map
}

fn at(secs: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(secs)
}

#[test]
fn no_headers_is_an_empty_snapshot() {
    let snapshot = RateLimitSnapshot::from_headers(&HeaderMap::new()).unwrap();
    assert!(snapshot.is_empty());
    assert_eq!(snapshot, RateLimitSnapshot::default());
}

#[test]
fn all_three_groups_are_read() {
    let map = headers(&[
        ("x-rate-limit-limit", "50"),
        ("x-rate-limit-remaining", "49"),
        ("x-rate-limit-reset", "1635149255"),
        ("x-app-limit-24hour-limit", "1000"),
        ("x-app-limit-24hour-remaining", "998"),
        ("x-app-limit-24hour-reset", "1635220000"),
        ("x-user-limit-24hour-limit", "400"),
        ("x-user-limit-24hour-remaining", "0"),
        ("x-user-limit-24hour-reset", "1635230000"),
    ]);
    let snapshot = RateLimitSnapshot::from_headers(&map).unwrap();
    assert_eq!(
        snapshot,
        RateLimitSnapshot {
            window: Some(RateLimit {
                limit: 50,
                remaining: 49,
                reset: at(1_635_149_255)
            }),
            app_day: Some(RateLimit {
                limit: 1000,
                remaining: 998,
                reset: at(1_635_220_000)
            }),
            user_day: Some(RateLimit {
                limit: 400,
                remaining: 0,
                reset: at(1_635_230_000)
            }),
        }
    );
    insta::assert_json_snapshot!("snapshot_all_groups", snapshot);

    let mut written = HeaderMap::new();
    snapshot.write_headers(&mut written);
    assert_eq!(written, map);
}

/// The window group with the given values.
fn window_group(limit: &str, remaining: &str, reset: &str) -> HeaderMap {
    headers(&[
        ("x-rate-limit-limit", limit),
        ("x-rate-limit-remaining", remaining),
        ("x-rate-limit-reset", reset),
    ])
}

fn invalid(header: &'static str, value: &str) -> RateLimitHeaderError {
    RateLimitHeaderError::Invalid {
        header,
        value: value.into(),
    }
}

#[test]
fn malformed_groups_are_typed_errors_naming_the_header() {
    let mut repeated = window_group("15", "1", "1");
    repeated.append("x-rate-limit-limit", HeaderValue::from_static("15"));
    let cases = [
        (
            headers(&[
                ("x-rate-limit-limit", "15"),
                ("x-rate-limit-remaining", "14"),
            ]),
            RateLimitHeaderError::Missing {
                header: "x-rate-limit-reset",
            },
        ),
        (
            headers(&[("x-user-limit-24hour-reset", "1")]),
            RateLimitHeaderError::Missing {
                header: "x-user-limit-24hour-limit",
            },
        ),
        (
            window_group("15", "-1", "1"),
            invalid("x-rate-limit-remaining", "-1"),
        ),
        (
            window_group("4294967296", "1", "1"),
            invalid("x-rate-limit-limit", "4294967296"),
        ),
        (
            window_group("15", "1", "99999999999999999999999"),
            invalid("x-rate-limit-reset", "99999999999999999999999"),
        ),
        (
            window_group("15", "1", "18446744073709551615"),
            invalid("x-rate-limit-reset", "18446744073709551615"),
        ),
        (
            window_group("", "1", "1"),
            invalid("x-rate-limit-limit", ""),
        ),
        (
            window_group("1 5", "1", "1"),
            invalid("x-rate-limit-limit", "1 5"),
        ),
        (
            headers(&[
                ("x-app-limit-24hour-limit", "+5"),
                ("x-app-limit-24hour-remaining", "1"),
                ("x-app-limit-24hour-reset", "1"),
            ]),
            invalid("x-app-limit-24hour-limit", "+5"),
        ),
        (
            repeated,
            RateLimitHeaderError::Repeated {
                header: "x-rate-limit-limit",
            },
        ),
    ];
    for (map, expected) in cases {
        assert_eq!(
            RateLimitSnapshot::from_headers(&map),
            Err(expected),
            "{map:?}"
        );
    }
}

#[test]
fn error_values_are_bounded_and_survive_non_utf8_bytes() {
    let mut map = headers(&[("x-rate-limit-remaining", "1"), ("x-rate-limit-reset", "1")]);
    map.insert(
        "x-rate-limit-limit",
        HeaderValue::from_bytes(&[b'1', 0xff, b'2']).unwrap(),
    );
    assert_eq!(
        RateLimitSnapshot::from_headers(&map),
        Err(RateLimitHeaderError::Invalid {
            header: "x-rate-limit-limit",
            value: "1\u{fffd}2".into()
        })
    );

    let map = window_group(&"7".repeat(1_000), "1", "1");
    let Err(RateLimitHeaderError::Invalid { value, .. }) = RateLimitSnapshot::from_headers(&map)
    else {
        panic!("a 1,000-digit limit was accepted");
    };
    assert_eq!(value.len(), 64);
}

#[test]
fn surrounding_blanks_are_tolerated() {
    let map = window_group(" 15", "14\t", "1");
    let window = RateLimitSnapshot::from_headers(&map)
        .unwrap()
        .window
        .unwrap();
    assert_eq!(
        (window.limit, window.remaining, window.reset),
        (15, 14, at(1))
    );
}

/// Every recorded response: the headers parse, and an in-scope endpoint's announced window
/// is one of the table's documented limits for it (user or app context) in the profile of
/// the recordings' time, [`LimitsProfile::Classic2021`].
#[test]
fn real_recorded_headers_parse_and_match_the_documented_limits() {
    let Some(dir) = shared_reference::path("real-responses/decoded") else {
        return;
    };
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    files.sort();
    let mut seen = Vec::new();
    for file in files {
        let recording: Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        for interaction in recording["interactions"].as_array().into_iter().flatten() {
            let mut map = HeaderMap::new();
            for (header, value) in interaction["response_headers_subset"]
                .as_object()
                .into_iter()
                .flatten()
            {
                let header: http::HeaderName = header.parse().unwrap();
                map.append(
                    header,
                    HeaderValue::from_str(value.as_str().unwrap()).unwrap(),
                );
            }
            let snapshot = RateLimitSnapshot::from_headers(&map).unwrap();
            let method: Method = interaction["method"].as_str().unwrap().parse().unwrap();
            let uri: http::Uri = interaction["uri"].as_str().unwrap().parse().unwrap();
            let matched = EndpointId::match_request(&method, uri.path()).map(|(id, _)| id);
            if let (Some(id), Some(window)) = (matched, snapshot.window) {
                // The recordings are of 2019–2022: they announce the 2021 figures.
                let documented = id.descriptor().window_for(LimitsProfile::Classic2021);
                assert!(
                    [documented.user, documented.app].contains(&Some(window.limit)),
                    "{name}: {id} announced {} but the table says {documented:?}",
                    window.limit
                );
            }
            seen.push(json!({
                "file": name,
                "request": format!("{method} {}", uri.path()),
                "endpoint": matched,
                "rate_limit": snapshot,
            }));
        }
    }
    insta::assert_json_snapshot!("real_recorded_rate_limits", seen);
}

fn header_value() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        "[0-9]{1,25}".prop_map(String::into_bytes),
        prop::collection::vec(any::<u8>(), 0..12),
        "[ 0-9+-]{0,6}".prop_map(String::into_bytes),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Any header bytes give a snapshot or a typed error, never a panic; a parsed snapshot
    /// written back and read again is unchanged.
    #[test]
    fn arbitrary_header_values_never_panic_and_round_trip(
        values in prop::collection::vec(prop::option::of(header_value()), 9),
    ) {
        const NAMES: [&str; 9] = [
            "x-rate-limit-limit", "x-rate-limit-remaining", "x-rate-limit-reset",
            "x-app-limit-24hour-limit", "x-app-limit-24hour-remaining", "x-app-limit-24hour-reset",
            "x-user-limit-24hour-limit", "x-user-limit-24hour-remaining", "x-user-limit-24hour-reset",
        ];
        let mut map = HeaderMap::new();
        for (name, value) in NAMES.iter().zip(values) {
            if let Some(Ok(value)) = value.map(|bytes| HeaderValue::from_bytes(&bytes)) {
                map.insert(*name, value);
            }
        }
        if let Ok(snapshot) = RateLimitSnapshot::from_headers(&map) {
            let mut written = HeaderMap::new();
            snapshot.write_headers(&mut written);
            prop_assert_eq!(RateLimitSnapshot::from_headers(&written), Ok(snapshot));
            let json = serde_json::to_string(&snapshot).unwrap();
            prop_assert_eq!(serde_json::from_str::<RateLimitSnapshot>(&json).unwrap(), snapshot);
        }
    }
}
