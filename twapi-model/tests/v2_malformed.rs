//! Malformed v2 bodies: a typed error that names the failing field, never a panic.

use twapi_model::v2::{ErrorBody, FollowResponse, UserPage, UserResponse};

/// A followers page whose user at `index` (of three) carries `extra` fields.
fn page_with(index: usize, extra: &str) -> String {
    let users: Vec<String> = (0..3)
        .map(|i| {
            let extra = if i == index && !extra.is_empty() {
                format!(",{extra}")
            } else {
                String::new()
            };
            format!(
                r#"{{"id":"{}","name":"user {i} 🐦","username":"user_{i}","created_at":"2020-01-0{}T00:00:00.000Z"{extra}}}"#,
                1_263_519_744_357_920_768_u64 + i as u64,
                i + 1
            )
        })
        .collect();
    format!(
        r#"{{"data":[{}],"meta":{{"result_count":3}}}}"#,
        users.join(",")
    )
}

fn path_of<T: serde::de::DeserializeOwned + std::fmt::Debug>(body: &str) -> String {
    let err = twapi_model::decode::<T>(body.as_bytes()).unwrap_err();
    assert!(!err.message().is_empty());
    assert!(err.line() >= 1);
    err.path().to_owned()
}

#[test]
fn the_pages_decode_when_well_formed() {
    let page: UserPage =
        twapi_model::decode(page_with(1, r#""protected":true"#).as_bytes()).unwrap();
    assert_eq!(page.items().len(), 3);
    assert_eq!(page.items()[1].protected, Some(true));
}

#[test]
fn bad_date_names_its_field() {
    // Duplicate keys are an error too, so replace the date rather than add one.
    let body = page_with(2, "").replace("2020-01-03T00:00:00.000Z", "2020-02-30T00:00:00.000Z");
    assert_eq!(path_of::<UserPage>(&body), "data[2].created_at");
    let body =
        page_with(0, "").replace("2020-01-01T00:00:00.000Z", "Wed Oct 10 20:19:24 +0000 2018");
    assert_eq!(path_of::<UserPage>(&body), "data[0].created_at");
}

#[test]
fn non_digit_ids_name_their_field() {
    let cases = [
        (
            r#""pinned_tweet_id":"14458805484723281x2""#,
            "data[1].pinned_tweet_id",
        ),
        (
            r#""most_recent_tweet_id":"-1""#,
            "data[1].most_recent_tweet_id",
        ),
        (
            r#""affiliation":{"user_id":["783214","7 83214"]}"#,
            "data[1].affiliation.user_id[1]",
        ),
        (
            r#""entities":{"description":{"mentions":[{"start":0,"end":4,"username":"abc","id":"abc"}]}}"#,
            "data[1].entities.description.mentions[0].id",
        ),
        (
            r#""pinned_tweet_id":"18446744073709551616""#,
            "data[1].pinned_tweet_id",
        ),
    ];
    for (extra, path) in cases {
        assert_eq!(path_of::<UserPage>(&page_with(1, extra)), path, "{extra}");
    }
    let body = page_with(1, "").replace("1263519744357920769", "12635197443579207x9");
    assert_eq!(path_of::<UserPage>(&body), "data[1].id");
}

#[test]
fn wrong_types_and_missing_fields_name_their_place() {
    let cases = [
        (
            r#""public_metrics":{"followers_count":-1,"following_count":0,"tweet_count":0,"listed_count":0}"#,
            "data[2].public_metrics.followers_count",
        ),
        (
            r#""public_metrics":{"followers_count":1,"following_count":0,"tweet_count":0}"#,
            "data[2].public_metrics",
        ),
        (r#""protected":"no""#, "data[2].protected"),
        (r#""verified_type":7"#, "data[2].verified_type"),
        (
            r#""connection_status":"following""#,
            "data[2].connection_status",
        ),
        (
            r#""withheld":{"country_codes":"DE"}"#,
            "data[2].withheld.country_codes",
        ),
    ];
    for (extra, path) in cases {
        assert_eq!(path_of::<UserPage>(&page_with(2, extra)), path, "{extra}");
    }
    // A user without its required username.
    let body = page_with(0, "").replace(r#","username":"user_1""#, "");
    assert_eq!(path_of::<UserPage>(&body), "data[1]");
    assert_eq!(path_of::<UserPage>(r#"{"data":"nope"}"#), "data");
    assert_eq!(
        path_of::<UserPage>(r#"{"meta":{"next_token":5}}"#),
        "meta.next_token"
    );
    assert_eq!(
        path_of::<UserPage>(r#"{"includes":{"tweets":[{"id":"1","text":"t","author_id":"me"}]}}"#),
        "includes.tweets[0].author_id"
    );
    assert_eq!(
        path_of::<UserResponse>(r#"{"errors":[{"type":"about:blank"}]}"#),
        "errors[0]"
    );
    assert_eq!(
        path_of::<FollowResponse>(r#"{"data":{"following":"yes"}}"#),
        "data.following"
    );
    assert_eq!(
        path_of::<ErrorBody>(r#"{"type":"about:blank","title":"x","status":"401"}"#),
        "status"
    );
}

#[test]
fn trailing_garbage_is_an_error() {
    let body = format!("{} x", page_with(0, ""));
    assert!(twapi_model::decode::<UserPage>(body.as_bytes()).is_err());
}

#[test]
fn every_truncation_is_an_error_not_a_panic() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/v2/user_all_fields.json"
    );
    let bytes = std::fs::read(path).unwrap();
    // The document ends at its closing brace; anything shorter is incomplete.
    let end = bytes.iter().rposition(|&b| b == b'}').unwrap();
    // Every third cut keeps the test quick; a cut anywhere lands in a key, a value or between.
    for cut in (0..end).step_by(3) {
        assert!(
            twapi_model::decode::<UserResponse>(&bytes[..cut]).is_err(),
            "a body cut at {cut} decoded"
        );
        let _ = twapi_model::decode::<ErrorBody>(&bytes[..cut]);
    }
    // The same for a page, through the hot-path reader, on a char boundary or not.
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/v2/followers_all_fields.json"
    );
    let bytes = std::fs::read(path).unwrap();
    let end = bytes.iter().rposition(|&b| b == b'}').unwrap();
    for cut in (0..end).step_by(3) {
        let err = UserPage::decode(&bytes[..cut]).expect_err("a cut page decoded");
        assert_eq!(
            Err(err),
            twapi_model::decode::<UserPage>(&bytes[..cut]),
            "cut at {cut}"
        );
    }
}
