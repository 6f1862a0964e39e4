//! A malformed v1.1 body is a `DecodeError` that names the failing field, never a panic.

use serde_json::{Value, json};
use twapi_model::v1::{ErrorBody, IdPage, NoRetweetIds, User, UserPage};
use twapi_model::{DecodeError, decode};

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/fixtures/v1/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The followers/list fixture with the value at `pointer` replaced.
fn page_with(pointer: &str, value: Value) -> Vec<u8> {
    let mut page: Value = serde_json::from_slice(&fixture("followers_list.json")).unwrap();
    *page
        .pointer_mut(pointer)
        .unwrap_or_else(|| panic!("{pointer}")) = value;
    serde_json::to_vec(&page).unwrap()
}

fn page_error(body: &[u8]) -> DecodeError {
    decode::<UserPage>(body).expect_err("a malformed page decoded")
}

#[test]
fn bad_date_deep_inside() {
    // The second user has no status in the fixture; the first one does.
    let err = page_error(&page_with(
        "/users/0/status/created_at",
        json!("Mon Feb 09 21:01:50 +0000 2021"),
    ));
    assert_eq!(err.path(), "users[0].status.created_at");
    assert!(err.message().contains("weekday"), "{err}");

    let err = page_error(&page_with(
        "/users/1/created_at",
        json!("2016-06-01T12:00:00Z"),
    ));
    assert_eq!(err.path(), "users[1].created_at");
}

#[test]
fn bad_date_in_a_second_users_status() {
    let mut page: Value = serde_json::from_slice(&fixture("followers_list.json")).unwrap();
    let status = page["users"][0]["status"].clone();
    page["users"][1]["status"] = status;
    page["users"][1]["status"]["created_at"] = json!("Mon Jul 15 18:30:05 +0000 20019");
    let err = page_error(&serde_json::to_vec(&page).unwrap());
    assert_eq!(err.path(), "users[1].status.created_at");
}

#[test]
fn id_string_with_letters() {
    let err = page_error(&page_with("/users/0/id_str", json!("1577297x")));
    assert_eq!(err.path(), "users[0].id_str");
    let err = page_error(&page_with(
        "/users/0/status/in_reply_to_user_id_str",
        json!("17642549two"),
    ));
    assert_eq!(err.path(), "users[0].status.in_reply_to_user_id_str");
}

#[test]
fn twins_that_disagree_name_the_second_key() {
    let err = page_error(&page_with("/users/1/id_str", json!("1072250532645998597")));
    assert_eq!(err.path(), "users[1].id_str");
    assert!(err.message().contains("disagree"), "{err}");
    assert!(err.message().contains("1072250532645998596"), "{err}");
    insta::assert_snapshot!(err.to_string());

    let err = page_error(&page_with("/next_cursor_str", json!("-5")));
    assert_eq!(err.path(), "next_cursor_str");

    // One form null and the other not is a disagreement too.
    let err = page_error(&page_with(
        "/users/0/status/in_reply_to_status_id_str",
        Value::Null,
    ));
    assert_eq!(err.path(), "users[0].status.in_reply_to_status_id_str");
}

#[test]
fn wrong_type_deep_inside() {
    let err = page_error(&page_with(
        "/users/0/status/entities/user_mentions/0/indices/1",
        json!("8"),
    ));
    assert_eq!(
        err.path(),
        "users[0].status.entities.user_mentions[0].indices[1]"
    );

    let err = page_error(&page_with("/users/1/followers_count", json!(-2)));
    assert_eq!(err.path(), "users[1].followers_count");

    let err = page_error(&page_with("/users/1/protected", json!("yes")));
    assert_eq!(err.path(), "users[1].protected");

    let err = page_error(&page_with("/users/0/status/geo", json!({"type": "Point"})));
    assert_eq!(err.path(), "users[0].status.geo");
    assert!(err.message().contains("coordinates"), "{err}");
}

#[test]
fn missing_required_field_names_it() {
    let mut page: Value = serde_json::from_slice(&fixture("followers_list.json")).unwrap();
    let user = page["users"][1].as_object_mut().unwrap();
    user.remove("id");
    user.remove("id_str");
    let err = page_error(&serde_json::to_vec(&page).unwrap());
    assert_eq!(err.path(), "users[1]");
    assert!(err.message().contains("missing field `id`"), "{err}");

    let mut page: Value = serde_json::from_slice(&fixture("followers_list.json")).unwrap();
    page["users"][0]["status"]
        .as_object_mut()
        .unwrap()
        .remove("source");
    let err = page_error(&serde_json::to_vec(&page).unwrap());
    assert_eq!(err.path(), "users[0].status");
    assert!(err.message().contains("missing field `source`"), "{err}");

    let err = decode::<User>(br#"{"name":"no id"}"#).unwrap_err();
    assert!(err.message().contains("missing field `id`"), "{err}");
}

#[test]
fn id_lists_reject_mixed_forms_and_signs() {
    let body = br#"{"ids":[1,2,"3"],"next_cursor":0,"next_cursor_str":"0","previous_cursor":0,"previous_cursor_str":"0"}"#;
    let err = decode::<IdPage>(body).unwrap_err();
    assert_eq!(err.path(), "ids[2]");
    assert!(err.message().contains("one form"), "{err}");

    let err = decode::<NoRetweetIds>(br#"["1", 2]"#).unwrap_err();
    assert_eq!(err.path(), "[1]");
    let err = decode::<NoRetweetIds>(b"[-1]").unwrap_err();
    assert_eq!(err.path(), "[0]");
    let err = decode::<NoRetweetIds>(br#"["18446744073709551616"]"#).unwrap_err();
    assert_eq!(err.path(), "[0]");
    let err = decode::<NoRetweetIds>(b"[1.5]").unwrap_err();
    assert_eq!(err.path(), "[0]");
}

#[test]
fn cursors_reject_what_is_not_a_signed_integer() {
    for bad in [
        r#""12a""#,
        r#""""#,
        r#""+5""#,
        r#""-""#,
        "1.5",
        "9223372036854775808",
    ] {
        let body = format!(
            r#"{{"ids":[],"next_cursor":{bad},"previous_cursor":0,"previous_cursor_str":"0"}}"#
        );
        let err = decode::<IdPage>(body.as_bytes()).unwrap_err();
        assert_eq!(err.path(), "next_cursor", "{bad}");
    }
}

#[test]
fn error_body_needs_errors_or_error() {
    let err = decode::<ErrorBody>(br#"{"message":"hm"}"#).unwrap_err();
    assert!(err.message().contains("missing field `errors`"), "{err}");
    let err = decode::<ErrorBody>(br#"{"errors":[{"code":"88","message":"x"}]}"#).unwrap_err();
    assert_eq!(err.path(), "errors[0].code");
    let err = decode::<ErrorBody>(br#"["errors"]"#).unwrap_err();
    assert_eq!(err.path(), ".");
}

#[test]
fn trailing_bytes_are_malformed() {
    let mut body = fixture("ids_empty.json");
    body.extend_from_slice(b" {}");
    let err = decode::<IdPage>(&body).unwrap_err();
    assert_eq!(err.path(), ".");
}

#[test]
fn every_truncation_is_an_error_not_a_panic() {
    for name in [
        "followers_list.json",
        "friendships_create.json",
        "ids_strings.json",
    ] {
        let body = fixture(name);
        let end = body.trim_ascii_end().len();
        for cut in (0..end).step_by(5) {
            let result = match name {
                "ids_strings.json" => decode::<IdPage>(&body[..cut]).map(drop),
                "friendships_create.json" => decode::<User>(&body[..cut]).map(drop),
                _ => decode::<UserPage>(&body[..cut]).map(drop),
            };
            assert!(result.is_err(), "{name} cut at {cut} decoded");
        }
    }
}
