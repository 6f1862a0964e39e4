//! The v1.1 fixtures decode to the values pinned in the snapshots, and encode back to the
//! wire shape.

use serde::Serialize;
use serde::de::DeserializeOwned;
use twapi_model::v1::{
    Connection, Cursor, ErrorBody, Friendship, IdForm, IdPage, NoRetweetIds, RelationshipResponse,
    User, UserPage,
};
use twapi_model::{TweetId, UserId, decode};

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/fixtures/v1/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Decodes a fixture, and checks that encoding and decoding again gives the same value.
fn load<T: DeserializeOwned + Serialize + PartialEq + std::fmt::Debug>(name: &str) -> T {
    let value: T = decode(&fixture(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
    let wire = serde_json::to_vec(&value).unwrap();
    let again: T = decode(&wire).unwrap_or_else(|e| panic!("{name} re-encoded: {e}"));
    assert_eq!(again, value, "{name} does not survive encode → decode");
    // Decoding from an already-parsed `serde_json::Value` (owned keys and strings) agrees.
    let tree: serde_json::Value = serde_json::from_slice(&fixture(name)).unwrap();
    let from_tree: T = serde_json::from_value(tree).unwrap_or_else(|e| panic!("{name}: {e}"));
    assert_eq!(from_tree, value, "{name} decodes differently from a Value");
    value
}

#[test]
fn user_show() {
    let user: User = load("user_show.json");
    assert_eq!(user.id, UserId::new(1_263_519_744_357_920_768));
    assert_eq!(user.name.as_deref(), Some("Zoë 🚀 テスト"));
    assert_eq!(user.location.as_deref(), Some("München / 東京"));
    assert_eq!(user.url.as_deref(), Some("https://t.co/Ur1Ab2Cd3E"));
    assert_eq!(user.statuses_count, Some(4_294_967_296));
    let status = user.status.as_deref().unwrap();
    assert_eq!(
        status.text(),
        "@oihamza #RustLang 🦀 is $TSLA-proof https://t.co/AbCdEfGhIj"
    );
    assert_eq!(
        status.in_reply_to_status_id,
        Some(TweetId::new(1_359_229_632_898_363_392))
    );
    assert!(status.place.is_some());
    insta::assert_debug_snapshot!(user);
}

#[test]
fn user_protected_with_nulls_and_only_id_str() {
    let user: User = load("user_protected_nulls.json");
    assert_eq!(user.protected, Some(true));
    assert!(user.status.is_none());
    // 2^53 + 1: a double would have rounded it.
    assert_eq!(user.id.get(), 9_007_199_254_740_993);
    assert_eq!(user.description, None);
    assert_eq!(user.profile_link_color, None);
    assert_eq!(
        user.withheld_in_countries.as_deref().map(<[_]>::len),
        Some(3)
    );
    insta::assert_debug_snapshot!(user);
}

#[test]
fn friendships_create_returns_the_user() {
    let user: User = load("friendships_create.json");
    assert_eq!(user.following, Some(true));
    let status = user.status.as_deref().unwrap();
    assert!(status.text.is_none());
    assert!(status.text().starts_with("RT @TwitterDev: Quote this 👇"));
    let original = status.retweeted_status.as_deref().unwrap();
    assert_eq!(
        original.user.as_deref().unwrap().screen_name.as_deref(),
        Some("TwitterDev")
    );
    assert_eq!(
        original.quoted_status_id,
        Some(TweetId::new(1_359_400_000_000_000_000))
    );
    let media = &status.extended_entities.as_ref().unwrap().media[0];
    assert_eq!(media.kind, "video");
    assert_eq!(media.source_user_id, Some(UserId::new(2_244_994_945)));
    insta::assert_debug_snapshot!(user);
}

#[test]
fn users_lookup_and_search_arrays() {
    let users: Vec<User> = load("users_lookup.json");
    assert_eq!(users.len(), 2);
    assert_eq!(users[0].translator_type, None);
    assert_eq!(users[1].id.get(), u64::MAX);
    assert_eq!(users[1].followers_count, Some(u64::MAX));
    assert_eq!(
        users[1].name.as_deref(),
        Some("Ångström ☃ 🏳\u{fe0f}\u{200d}🌈")
    );
    let status = users[1].status.as_deref().unwrap();
    assert_eq!(status.id, TweetId::new(1_342_252_399_090_708_480));
    assert_eq!(status.text(), "line one\nline\ttwo \\ back\u{2028}slash");
    assert_eq!(status.favorite_count, None);
    insta::assert_debug_snapshot!(users);
}

#[test]
fn followers_list_page() {
    let page: UserPage = load("followers_list.json");
    assert_eq!(page.users.len(), 2);
    assert_eq!(page.next_cursor, Cursor::new(1_489_467_234_237_774_933));
    assert_eq!(
        page.previous_cursor,
        Cursor::new(-1_482_172_157_213_781_578)
    );
    assert!(page.users[1].protected == Some(true) && page.users[1].status.is_none());
    insta::assert_debug_snapshot!(page);
}

#[test]
fn followers_list_last_page() {
    let page: UserPage = load("followers_list_last.json");
    assert!(page.users.is_empty());
    assert!(page.next_cursor.is_end());
    assert!(page.previous_cursor.get() < 0);
    insta::assert_debug_snapshot!(page);
}

#[test]
fn id_pages_in_both_forms() {
    let numbers: IdPage = load("ids_numbers.json");
    assert_eq!(numbers.form, IdForm::Number);
    assert_eq!(numbers.ids[1], UserId::new(9_007_199_254_740_993));
    assert_eq!(numbers.ids[2], UserId::new(u64::MAX));
    assert_eq!(numbers.previous_cursor, Cursor::END);
    insta::assert_debug_snapshot!("ids_numbers", numbers);

    let strings: IdPage = load("ids_strings.json");
    assert_eq!(strings.form, IdForm::String);
    assert_eq!(strings.ids, numbers.ids[..4]);
    assert!(strings.next_cursor.is_end());
    insta::assert_debug_snapshot!("ids_strings", strings);

    // Each encodes in the form it came in.
    let wire = serde_json::to_value(&strings).unwrap();
    assert_eq!(wire["ids"][2], "18446744073709551615");
    assert_eq!(wire["previous_cursor"], -1_482_172_157_213_781_578_i64);
    assert_eq!(wire["previous_cursor_str"], "-1482172157213781578");
    let wire = serde_json::to_value(&numbers).unwrap();
    assert_eq!(wire["ids"][2], u64::MAX);
}

#[test]
fn empty_id_page() {
    let page: IdPage = load("ids_empty.json");
    assert!(page.ids.is_empty());
    // `[]` shows no form; it reads as what X sends without stringify_ids.
    assert_eq!(page.form, IdForm::Number);
    assert!(page.next_cursor.is_end() && page.previous_cursor.is_end());
    insta::assert_debug_snapshot!(page);
}

#[test]
fn no_retweet_ids_in_both_forms() {
    let numbers: NoRetweetIds = load("no_retweets_numbers.json");
    let strings: NoRetweetIds = load("no_retweets_strings.json");
    assert_eq!(numbers.ids, strings.ids);
    assert_eq!(
        (numbers.form, strings.form),
        (IdForm::Number, IdForm::String)
    );
    assert_eq!(
        serde_json::to_string(&strings).unwrap(),
        r#"["783214","9007199254740993","1072250532645998596"]"#
    );
    assert_eq!(
        serde_json::to_string(&numbers).unwrap(),
        "[783214,9007199254740993,1072250532645998596]"
    );
    insta::assert_debug_snapshot!(strings);
}

#[test]
fn relationships() {
    let show: RelationshipResponse = load("relationship_show.json");
    let source = &show.relationship.source;
    assert_eq!(source.following, Some(true));
    assert_eq!(source.can_dm, Some(false));
    assert_eq!(source.want_retweets, None);
    assert_eq!(show.relationship.target.followed_by, Some(true));
    insta::assert_debug_snapshot!("relationship_show", show);

    let update: RelationshipResponse = load("relationship_update.json");
    assert_eq!(update.relationship.source.want_retweets, Some(false));
    assert_eq!(update.relationship.target.id, UserId::new(2_244_994_945));
    insta::assert_debug_snapshot!("relationship_update", update);
}

#[test]
fn friendships_lookup_with_an_unknown_connection() {
    let list: Vec<Friendship> = load("friendships_lookup.json");
    assert_eq!(
        list[2].connections,
        [Connection::Blocking, Connection::Muting]
    );
    assert_eq!(list[3].id, UserId::new(12));
    assert_eq!(list[4].id, UserId::new(13));
    assert_eq!(
        list[4].connections,
        [
            Connection::Unknown("following_received".into()),
            Connection::Following
        ]
    );
    insta::assert_debug_snapshot!(list);
}

#[test]
fn error_bodies_in_both_shapes() {
    let one: ErrorBody = load("error_rate_limit.json");
    assert_eq!(one.codes().collect::<Vec<_>>(), [88]);
    let several: ErrorBody = load("error_several.json");
    assert_eq!(several.codes().collect::<Vec<_>>(), [32, 99, 161]);
    let bare: ErrorBody = load("error_string.json");
    assert_eq!(bare.message(), Some("Not authorized."));
    assert_eq!(
        serde_json::to_string(&bare).unwrap(),
        r#"{"error":"Not authorized.","request":"/1.1/friendships/lookup.json"}"#
    );
    insta::assert_debug_snapshot!("error_bodies", (one, several, bare));
}

#[test]
fn encoded_user_has_the_wire_shape() {
    let user: User = load("user_show.json");
    // `id` is a number and `id_str` a string; always-sent fields are there (as null when
    // None), sometimes-sent ones only when present; dates in the v1.1 format.
    insta::assert_json_snapshot!(user);
}

#[test]
fn encoded_protected_user_keeps_nulls_and_omits_what_was_absent() {
    let user: User = load("user_protected_nulls.json");
    let wire = serde_json::to_value(&user).unwrap();
    assert_eq!(wire["id"], 9_007_199_254_740_993_u64);
    assert_eq!(wire["id_str"], "9007199254740993");
    assert_eq!(wire["description"], serde_json::Value::Null);
    assert_eq!(wire["created_at"], "Sat Mar 14 09:26:53 +0000 2009");
    for absent in ["status", "profile_banner_url", "muting", "profile_location"] {
        assert!(wire.get(absent).is_none(), "{absent} written");
    }
}
