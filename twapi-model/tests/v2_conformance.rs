//! Conformance: every real v2 body under `../shared/reference/real-responses/` decodes into the
//! v2 model, and re-encoding it loses no field the model names.
//!
//! In scope: `decoded/test_client_*.decoded.json` and `decoded/test_asyncclient_*.decoded.json`
//! (tweepy's v2 cassettes: users by id, by username, me, followers, following, follow and
//! unfollow), and the v2 entries of `from-issues/error-payloads.json` that quote a whole body.
//!
//! The comparison is stricter than "no named field lost": every key of the real body must
//! come back with an equal value (ids compared as numbers, dates as instants), and no key may
//! appear that the body did not have, so the model must name every field these bodies carry.

use std::path::Path;

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use twapi_model::v2::{
    ErrorBody, FollowResponse, ProblemKind, Response, Tweet, UnfollowResponse, UserPage,
    UserResponse,
};

#[path = "../../tests-support/shared_reference.rs"]
mod shared_reference;

/// Compares a real body with its re-encoding; returns the differences, each with its path.
fn differences(real: &Value, ours: &Value, path: &str, out: &mut Vec<String>) {
    match (real, ours) {
        (Value::Object(a), Value::Object(b)) => {
            for (k, v) in a {
                match b.get(k) {
                    Some(w) => differences(v, w, &format!("{path}.{k}"), out),
                    None => out.push(format!("{path}.{k}: lost")),
                }
            }
            for k in b.keys().filter(|k| !a.contains_key(*k)) {
                out.push(format!("{path}.{k}: added"));
            }
        }
        (Value::Array(a), Value::Array(b)) => {
            if a.len() == b.len() {
                for (i, (v, w)) in a.iter().zip(b).enumerate() {
                    differences(v, w, &format!("{path}[{i}]"), out);
                }
            } else {
                out.push(format!("{path}: {} items became {}", a.len(), b.len()));
            }
        }
        (a, b) if same_scalar(a, b) => {}
        (a, b) => out.push(format!("{path}: {a} became {b}")),
    }
}

/// Equal scalars; an id written as a number equals the same id written as a string, and two
/// RFC 3339 dates are equal when they name the same instant.
fn same_scalar(a: &Value, b: &Value) -> bool {
    if a == b {
        return true;
    }
    let as_id = |v: &Value| match v {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.parse::<u64>().ok(),
        _ => None,
    };
    if let (Some(x), Some(y)) = (as_id(a), as_id(b)) {
        return x == y;
    }
    if let (Value::String(x), Value::String(y)) = (a, b) {
        let parse = twapi_model::date::rfc3339::parse;
        if let (Ok(x), Ok(y)) = (parse(x), parse(y)) {
            return x == y;
        }
    }
    false
}

/// Decodes `body` as `T` through the crate's decoder, re-encodes it, and checks it against
/// `expected` (the body, less what `T` deliberately does not read).
fn conform<T: DeserializeOwned + Serialize>(label: &str, body: &Value, expected: &Value) -> T {
    let bytes = serde_json::to_vec(body).unwrap();
    let value: T =
        twapi_model::decode(&bytes).unwrap_or_else(|e| panic!("{label}: does not decode: {e}"));
    let ours = serde_json::to_value(&value).unwrap();
    let mut diffs = Vec::new();
    differences(expected, &ours, "", &mut diffs);
    assert!(diffs.is_empty(), "{label}: {diffs:#?}");
    value
}

fn read_json(path: &Path) -> Value {
    let text = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_slice(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The tweepy v2 cassettes: returns how many bodies and users were decoded.
fn cassettes(root: &Path) -> (usize, usize) {
    let mut files: Vec<_> = std::fs::read_dir(root.join("decoded"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            (name.starts_with("test_client_") || name.starts_with("test_asyncclient_"))
                && name.ends_with(".decoded.json")
        })
        .collect();
    files.sort();
    let (mut bodies, mut users) = (0, 0);
    for file in &files {
        let doc = read_json(file);
        let name = file.file_name().unwrap().to_string_lossy();
        for (i, it) in doc["interactions"].as_array().unwrap().iter().enumerate() {
            let label = format!("{name}#{i}");
            let method = it["method"].as_str().unwrap();
            let uri = it["uri"].as_str().unwrap();
            let path = uri
                .split_once("/2/")
                .map_or(uri, |(_, p)| p)
                .split('?')
                .next()
                .unwrap();
            let body = &it["response_body"];
            assert_eq!(it["status"], 200, "{label}: only 200s are recorded");
            match (method, path.split('/').collect::<Vec<_>>().as_slice()) {
                ("POST", ["users", _, "following"]) => {
                    let r: FollowResponse = conform(&label, body, body);
                    assert!(r.data.is_some(), "{label}");
                }
                ("DELETE", ["users", _, "following", _]) => {
                    let r: UnfollowResponse = conform(&label, body, body);
                    assert_eq!(r.data.map(|d| d.following), Some(false), "{label}");
                }
                ("GET", ["users"] | ["users", "by"] | ["users", _, "followers" | "following"]) => {
                    let page: UserPage = conform(&label, body, body);
                    let bytes = serde_json::to_vec(body).unwrap();
                    assert_eq!(
                        UserPage::decode(&bytes).as_ref(),
                        Ok(&page),
                        "{label}: fast reader"
                    );
                    let count = page.meta.as_ref().and_then(|m| m.result_count);
                    if let Some(count) = count {
                        assert_eq!(count as usize, page.items().len(), "{label}: result_count");
                    }
                    users += page.items().len();
                }
                ("GET", ["users", "by", "username", _] | ["users", _]) => {
                    let r: UserResponse = conform(&label, body, body);
                    assert!(r.data.is_some(), "{label}");
                    users += 1;
                }
                _ => panic!("{label}: {method} {uri} is not a known v2 endpoint"),
            }
            bodies += 1;
        }
    }
    (bodies, users)
}

/// The v2 entries of error-payloads.json that quote a whole body; returns how many decoded.
fn error_payloads(root: &Path) -> usize {
    let doc = read_json(&root.join("from-issues/error-payloads.json"));
    let mut decoded = 0;
    for (i, entry) in doc["entries"].as_array().unwrap().iter().enumerate() {
        if entry["api"] != "v2" {
            continue;
        }
        let label = format!("error-payloads#{i} ({})", entry["endpoint"]);
        // `body_partial` and `body_reconstructed` are not what X sent; only `body` is.
        let Some(body) = entry.get("body") else {
            println!("{label}: not a whole body, skipped");
            continue;
        };
        let endpoint = entry["endpoint"].as_str().unwrap();
        let status = entry["http_status"].as_u64().unwrap();
        if status == 200 {
            // A 200 with errors: the envelope keeps data and errors; as an error body,
            // the problems alone.
            let errors = if endpoint.contains("tweets") {
                conform::<Response<Vec<Tweet>>>(&label, body, body).errors
            } else {
                conform::<UserPage>(&label, body, body).errors
            };
            assert!(!errors.is_empty(), "{label}");
            let mut errors_only = body.clone();
            errors_only.as_object_mut().unwrap().remove("data");
            let as_error: ErrorBody = conform(&label, body, &errors_only);
            assert_eq!(as_error.problems(), errors.as_slice(), "{label}");
        } else {
            let as_error: ErrorBody = conform(&label, body, body);
            let problems = as_error.problems();
            assert_eq!(problems.len(), 1, "{label}: one top-level problem");
            if let Some(s) = problems[0].status {
                assert_eq!(u64::from(s), status, "{label}: status");
            }
        }
        let as_error: ErrorBody = twapi_model::decode(&serde_json::to_vec(body).unwrap()).unwrap();
        for p in as_error.problems() {
            assert!(
                !matches!(p.kind(), ProblemKind::Unknown(_)),
                "{label}: real problem type {} is not known",
                p.r#type
            );
        }
        decoded += 1;
    }
    decoded
}

#[test]
fn real_v2_bodies_conform() {
    let Some(root) = shared_reference::path("real-responses") else {
        return;
    };
    let (bodies, users) = cassettes(&root);
    let errors = error_payloads(&root);
    println!("decoded {bodies} v2 cassette bodies ({users} users) and {errors} v2 error bodies");
    // 12 cassettes, the two follow/unfollow ones with two interactions each.
    assert!(bodies >= 14, "only {bodies} cassette bodies decoded");
    assert!(users >= 300, "only {users} users decoded");
    assert!(errors >= 8, "only {errors} error bodies decoded");
}

#[test]
fn the_comparison_sees_what_is_lost_added_or_changed() {
    let real: Value = serde_json::json!({"data": {"id": "12", "following": true,
        "created_at": "2013-12-14T04:35:55Z", "list": [1, 2]}});
    let same: Value = serde_json::json!({"data": {"id": 12, "following": true,
        "created_at": "2013-12-14T04:35:55.000Z", "list": [1, 2]}});
    let mut diffs = Vec::new();
    differences(&real, &same, "", &mut diffs);
    assert_eq!(diffs, Vec::<String>::new());
    let drifted: Value = serde_json::json!({"data": {"id": "13", "following": null,
        "created_at": "2013-12-14T04:35:56Z", "list": [1], "extra": 0}});
    differences(&real, &drifted, "", &mut diffs);
    // Sorted: the key order of a JSON map depends on serde_json's features.
    diffs.sort();
    assert_eq!(
        diffs,
        [
            ".data.created_at: \"2013-12-14T04:35:55Z\" became \"2013-12-14T04:35:56Z\"",
            ".data.extra: added",
            ".data.following: true became null",
            ".data.id: \"12\" became \"13\"",
            ".data.list: 2 items became 1",
        ]
    );
}
