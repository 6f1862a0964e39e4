//! `User::decode`, `User::decode_list` and `UserPage::decode`, the hot-path readers, against
//! serde: for any bytes, the same value or the same error.

#[allow(dead_code, reason = "each test binary uses part of it")]
mod differential;

use differential::agree;
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::{Index, select};
use twapi_model::v1::{User, UserPage};

fn fixture(name: &str) -> Vec<u8> {
    differential::fixture("v1", name)
}

/// All three readers on the same bytes.
fn agree_all(bytes: &[u8]) {
    agree(User::decode, bytes).ok();
    agree(User::decode_list, bytes).ok();
    agree(UserPage::decode, bytes).ok();
}

#[test]
fn every_user_fixture() {
    for name in ["user_show", "user_protected_nulls", "friendships_create"] {
        assert!(agree(User::decode, &fixture(name)).is_ok(), "{name}");
    }
    assert_eq!(
        agree(User::decode_list, &fixture("users_lookup"))
            .unwrap()
            .len(),
        2
    );
    for name in ["followers_list", "followers_list_last"] {
        assert!(agree(UserPage::decode, &fixture(name)).is_ok(), "{name}");
    }
}

/// A minimal user with `extra` spliced in after its last field.
fn user(extra: &str) -> String {
    format!(
        r#"{{"id":1,"id_str":"1","name":"n","screen_name":"s","protected":false,"followers_count":0,"friends_count":0,"listed_count":0,"favourites_count":0,"statuses_count":0,"created_at":"Tue Feb 20 14:35:54 +0000 2007","verified":false,"default_profile":true,"default_profile_image":true,"profile_image_url":"a","profile_image_url_https":"b","contributors_enabled":false,"is_translator":false{extra}}}"#
    )
}

/// A minimal tweet with `extra` spliced in, as a user's `status`.
fn status(extra: &str) -> String {
    user(&format!(
        r#","status":{{"created_at":"Tue Feb 09 21:01:50 +0000 2021","id":1359246149476098053,"id_str":"1359246149476098053","text":"t","truncated":false,"source":"web","is_quote_status":false,"retweet_count":0,"retweeted":false{extra}}}"#
    ))
}

#[test]
fn tricky_bodies() {
    let ok = [
        user(""),
        // X's escapes: every slash, every non-ASCII character, emoji as pairs.
        user(r#","description":"\u00e9\ud83d\ude00 \/ \u003c \" \\ \b\f\n\r\t""#),
        user(r#","descr\u0069ption":"escaped key","x":"\u0000""#),
        // Ids: only one half, leading zeros in the string half, both halves equal.
        user(r#","id":"0001""#).replacen(r#""id":1,"id_str":"1","#, "", 1),
        // Nullable and omitted fields, unknown fields of every shape, deep nesting.
        user(r#","entities":null"#),
        user("").replacen(r#""screen_name":"s","#, "", 1),
        user(r#","utc_offset":-18000,"lang":null,"withheld_in_countries":["DE","XY"]"#),
        user(r#","utc_offset":2147483647,"profile_location":{"a":[1.5e3,null]}"#),
        user(r#","x":{"y":[1,-2.5e-3,true,false,null,{"z":"\u0041"}]},"w":[]"#),
        user(&format!(r#","deep":{}1{}"#, "[".repeat(70), "]".repeat(70))),
        user(
            r#","entities":{"url":{"urls":[{"url":"u","expanded_url":null,"indices":[0,4294967295]}]},"description":{"urls":[]}}"#,
        ),
        // Statuses: text or full_text, coordinates (floats), places, retweets inside.
        status(r#","coordinates":{"type":"Point","coordinates":[-122.4,37.7]},"place":{"id":"x"}"#),
        status(
            r#","entities":{"hashtags":[{"text":"a","indices":[0,2]}],"symbols":[],"user_mentions":[{"id":5,"id_str":"5","screen_name":"m","name":"M","indices":[3,5]}],"urls":[]}"#,
        ),
        status(&format!(
            r#","retweeted_status":{}"#,
            &status("")
                [status("").find(r#""created_at":"Tue Feb 09"#).unwrap() - 1..status("").len() - 1]
        )),
        status(
            r#","in_reply_to_status_id":null,"in_reply_to_status_id_str":null,"quoted_status_id":7,"quoted_status_id_str":"7""#,
        ),
        // Whitespace everywhere JSON allows it.
        format!(
            " \n{} \t",
            user("").replace(",\"", " ,\r\n \"").replace("\":", "\" : ")
        ),
        // Pages.
        format!(
            r#"{{"users":[{},{}],"next_cursor":-9223372036854775808,"next_cursor_str":"-9223372036854775808","previous_cursor":0,"previous_cursor_str":"0","total_count":null}}"#,
            user(""),
            status("")
        ),
        format!("[{}]", user("")),
    ];
    for body in &ok {
        let parsed = [
            agree(User::decode, body.as_bytes()).is_ok(),
            agree(User::decode_list, body.as_bytes()).is_ok(),
            agree(UserPage::decode, body.as_bytes()).is_ok(),
        ];
        assert!(parsed.contains(&true), "{body}");
    }
    let bad = [
        user(r#","id_str":"2""#),
        user(r#","name":"again""#),
        user(r#","followers_count":1.0"#),
        user(r#","followers_count":-1"#),
        user(r#","followers_count":18446744073709551616"#),
        user(r#","utc_offset":-0"#),
        user(r#","utc_offset":2147483648"#),
        user(r#","protected":"true""#),
        user(r#","location":"\ud83d""#),
        user(r#","location":"\x""#),
        user(r#","location":"tab	inside""#),
        user(r#","created_at":"Wed Feb 20 14:35:54 +0000 2007""#),
        user(r#","entities":{"url":{"urls":[{"url":"u","indices":[0]}]}}"#),
        user(r#","entities":{"url":{"urls":[{"url":"u","indices":[0,1,2]}]}}"#),
        status(r#","id_str":"1""#),
        status(r#","coordinates":{"type":"Point","coordinates":[1]}"#),
        user("").replacen(r#""id":1,"id_str":"1","#, "", 1),
        status("").replacen(r#""truncated":false,"#, "", 1),
        format!("{} x", user("")),
        format!("{},", user("")),
        r#"{"users":[],"next_cursor":1,"next_cursor_str":"2","previous_cursor":0}"#.to_owned(),
        r#"{"users":[],"next_cursor":"-0x1","previous_cursor":0}"#.to_owned(),
        "[]]".to_owned(),
        String::new(),
    ];
    for body in &bad {
        let parsed = [
            agree(User::decode, body.as_bytes()).is_ok(),
            agree(User::decode_list, body.as_bytes()).is_ok(),
            agree(UserPage::decode, body.as_bytes()).is_ok(),
        ];
        assert_eq!(parsed, [false; 3], "{body}");
    }
    // Invalid UTF-8 inside a string: the error names the field.
    let mut bytes = user(r#","location":"XX""#).into_bytes();
    let at = bytes.windows(2).position(|w| w == b"XX").unwrap();
    bytes[at] = 0xff;
    assert_eq!(agree(User::decode, &bytes).unwrap_err().path(), "location");
}

/// What a mutation inserts or writes over: JSON's structural bytes, escapes, literals,
/// duplicate keys, bytes that are not UTF-8.
const TOKENS: &[&[u8]] = &[
    b"\"",
    b"\\",
    b"\\u00e9",
    b"\\ud83d",
    b"\\/",
    b"\\n",
    b"null",
    b",",
    b":",
    b"{",
    b"}",
    b"[",
    b"]",
    b" ",
    b"0",
    b"-",
    b"-0",
    b".5",
    b"e3",
    b"1",
    b"true",
    b"\"id\":5,",
    b"\"id_str\":\"5\",",
    b"\x01",
    b"\xff",
    b"\"x\":[],",
    b"9999999999999999999999",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(384))]

    /// A body with a few edits (insert or overwrite a token anywhere) decodes to the same
    /// value or fails with the same error, whichever decoder reads it.
    #[test]
    fn mutated_bodies_decode_alike(
        base in select(&["user_show", "users_lookup", "followers_list", "user_protected_nulls"][..]),
        edits in vec((any::<Index>(), select(TOKENS), any::<bool>()), 1..4),
    ) {
        let mut bytes = fixture(base);
        differential::mutate(&mut bytes, edits);
        agree_all(&bytes);
    }
}
