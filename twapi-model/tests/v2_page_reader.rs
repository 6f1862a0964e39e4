//! `UserPage::decode`, the hot-path reader, against serde: for any bytes, the same page or the
//! same error.

#[allow(dead_code, reason = "each test binary uses part of it")]
mod differential;

use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::{Index, select};
use twapi_model::v2::{ConnectionStatus, UserPage};

fn fixture(name: &str) -> Vec<u8> {
    differential::fixture("v2", name)
}

/// Both decoders, which must agree.
fn agree(bytes: &[u8]) -> Result<UserPage, twapi_model::DecodeError> {
    differential::agree(UserPage::decode, bytes)
}

#[test]
fn every_page_fixture() {
    for name in [
        "followers_all_fields",
        "users_default_fields",
        "followers_last_page",
        "followers_empty_page",
        "users_lookup_not_found",
        "users_lookup_partial",
    ] {
        assert!(agree(&fixture(name)).is_ok(), "{name}");
    }
}

#[test]
fn connection_status_reads_as_a_set() {
    let body = br#"{"data":[{"id":"1","name":"n","username":"u","connection_status":["following","zz_new","followed_by","following","a_new","\u006duting"]}]}"#;
    let page = agree(body).unwrap();
    let set = page.items()[0].connection_status.as_ref().unwrap();
    let wire: Vec<&str> = set.iter().map(ConnectionStatus::as_str).collect();
    assert_eq!(
        wire,
        ["followed_by", "following", "muting", "a_new", "zz_new"]
    );
}

#[test]
fn tricky_bodies() {
    let user = |extra: &str| {
        format!(r#"{{"data":[{{"id":"12","name":"jack","username":"jack"{extra}}}]}}"#)
    };
    let ok = [
        // Escapes, in keys and values, surrogate pairs included.
        user(r#","description":"a\"b\\c\/d\b\f\n\r\t\u00e9\u20AC""#),
        user(r#","descr\u0069ption":"escaped key""#),
        user(r#","location":"\ud83d\ude00""#),
        user(r#","location":"\u0000""#),
        // Nulls where the model has options.
        user(
            r#","description":null,"public_metrics":null,"entities":null,"connection_status":null"#,
        ),
        // Connection statuses repeated, out of the spec's order, unknown, escaped: one set.
        user(
            r#","connection_status":["following","zz_new","followed_by","following","a_new","muting","zz_new","\u006duting"]"#,
        ),
        user(r#","connection_status":[]"#),
        // Ids as numbers, and digit strings with leading zeros.
        r#"{"data":[{"id":12,"name":"a","username":"a","pinned_tweet_id":"0007"}]}"#.to_owned(),
        // Unknown fields of every shape, deeply nested.
        user(r#","x":{"y":[1,-2.5e-3,true,false,null,{"z":"\u0041"}]},"w":[]"#),
        // Deeper than the reader goes (64): serde decides, and skips any depth.
        user(&format!(r#","deep":{}1{}"#, "[".repeat(70), "]".repeat(70))),
        user(&format!(
            r#","deep":{}1{}"#,
            "[".repeat(500),
            "]".repeat(500)
        )),
        // Whitespace everywhere JSON allows it.
        " \t\r\n{ \"data\" : [ { \"id\" : \"1\" , \"name\" : \"n\" , \"username\" : \"u\" } ] } \n"
            .to_owned(),
        r#"{"data":null,"meta":{"result_count":0}}"#.to_owned(),
        r#"{"data":[],"errors":[]}"#.to_owned(),
        "{}".to_owned(),
        // Numbers at their limits.
        user(r#","verified_followers_count":18446744073709551615"#),
        user(
            r#","public_metrics":{"followers_count":0,"following_count":1,"tweet_count":2,"listed_count":3,"like_count":null}"#,
        ),
        user(
            r#","entities":{"url":{"urls":[{"start":0,"end":4294967295,"url":"u","status":599}]}}"#,
        ),
    ];
    for body in &ok {
        assert!(agree(body.as_bytes()).is_ok(), "{body}");
    }
    let bad = [
        user(r#","id":"13""#),
        user(r#","verified_followers_count":18446744073709551616"#),
        user(r#","verified_followers_count":1.0"#),
        user(r#","verified_followers_count":01"#),
        user(r#","verified_followers_count":-1"#),
        user(r#","protected":"true""#),
        user(r#","location":"\ud83d""#),
        user(r#","location":"\x""#),
        user(r#","location":"tab	inside""#),
        user(r#","public_metrics":{"followers_count":1}"#),
        user(r#","entities":{"url":{"urls":[{"start":0,"end":4294967296,"url":"u"}]}}"#),
        user(r#","entities":{"url":{"urls":[{"start":0,"end":1,"url":"u","status":65536}]}}"#),
        user(r#","subscription":{"subscribes_to_you":null}"#),
        r#"{"data":[{"id":"1","name":"n"}]}"#.to_owned(),
        r#"{"data":[{"id":"","name":"n","username":"u"}]}"#.to_owned(),
        r#"{"data":[{"id":"1","name":"n","username":"u"},]}"#.to_owned(),
        r#"{"data":[{"id":"1","name":"n","username":"u"}] "meta":{}}"#.to_owned(),
        r#"{"data":[]}}"#.to_owned(),
        r#"{"data":[]} x"#.to_owned(),
        "\u{feff}{}".to_owned(),
        r#"{"data":[],"data":[]}"#.to_owned(),
        r#"{"errors":null}"#.to_owned(),
        r#"{"data":{}}"#.to_owned(),
        "[]".to_owned(),
        String::new(),
    ];
    for body in &bad {
        assert!(agree(body.as_bytes()).is_err(), "{body}");
    }
    // Invalid UTF-8 inside a string.
    let mut bytes = user(r#","location":"XX""#).into_bytes();
    let at = bytes.windows(2).position(|w| w == b"XX").unwrap();
    bytes[at] = 0xff;
    assert_eq!(agree(&bytes).unwrap_err().path(), "data[0].location");
}

/// What a mutation inserts or writes over: JSON's structural bytes, escapes, literals,
/// duplicate keys, bytes that are not UTF-8.
const TOKENS: &[&[u8]] = &[
    b"\"",
    b"\\",
    b"\\u00e9",
    b"\\ud83d",
    b"\\n",
    b"null",
    b",",
    b":",
    b"{",
    b"}",
    b"[",
    b"]",
    b" ",
    b"\n",
    b"0",
    b"-",
    b".5",
    b"e3",
    b"1",
    b"true",
    b"\"id\":\"5\",",
    b"\x01",
    b"\xff",
    b"\"x\":[],",
    b"\xe2\x9c",
    b"9999999999999999999999",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(384))]

    /// A page with a few edits (insert or overwrite a token anywhere) decodes to the same page
    /// or fails with the same error, whichever decoder reads it.
    #[test]
    fn mutated_pages_decode_alike(
        base in select(&["followers_all_fields", "users_lookup_partial", "users_default_fields"][..]),
        edits in vec((any::<Index>(), select(TOKENS), any::<bool>()), 1..4),
    ) {
        let mut bytes = fixture(base);
        differential::mutate(&mut bytes, edits);
        let fast = UserPage::decode(&bytes);
        let serde = twapi_model::decode::<UserPage>(&bytes);
        prop_assert_eq!(fast, serde);
    }
}
