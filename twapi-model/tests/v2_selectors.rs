//! The field selectors are generated from the objects' declarations: every field a user or a
//! tweet carries is selectable by its wire name, in X's (alphabetical) order, and read back
//! from either vocabulary.

use twapi_model::v2::vocabulary::Vocabulary;
use twapi_model::v2::{TweetField, User, UserField, UserResponse};

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/fixtures/v2/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn every_user_field_on_the_wire_has_its_selector() {
    let user: User = twapi_model::decode::<UserResponse>(&fixture("user_all_fields.json"))
        .unwrap()
        .data
        .unwrap();
    let wire = serde_json::to_value(&user).unwrap();
    let names: Vec<&str> = UserField::ALL.iter().map(UserField::as_str).collect();
    for key in wire.as_object().unwrap().keys() {
        assert!(names.contains(&key.as_str()), "no selector for `{key}`");
    }
    assert_eq!(names.len(), 26, "one selector per field of the user");
}

#[test]
fn selectors_are_sorted_and_read_back_in_both_vocabularies() {
    fn check<T: PartialEq + std::fmt::Debug>(
        all: &[T],
        as_str: fn(&T) -> &str,
        name_in: fn(&T, Vocabulary) -> &str,
        parse: fn(&str) -> T,
    ) {
        let names: Vec<&str> = all.iter().map(as_str).collect();
        assert!(names.is_sorted(), "{names:?}");
        for value in all {
            for vocabulary in [Vocabulary::Tweet, Vocabulary::Post] {
                assert_eq!(&parse(name_in(value, vocabulary)), value);
            }
        }
    }
    check(
        UserField::ALL,
        UserField::as_str,
        UserField::name_in,
        UserField::parse,
    );
    check(
        TweetField::ALL,
        TweetField::as_str,
        TweetField::name_in,
        TweetField::parse,
    );
    assert_eq!(UserField::parse("pinned_post_id"), UserField::PinnedTweetId);
    assert_eq!(TweetField::parse("note_post"), TweetField::NoteTweet);
    assert_eq!(
        TweetField::ALL.len(),
        31,
        "the modelled fields and the 13 that are not"
    );
    assert_eq!(
        UserField::parse("new_field"),
        UserField::Other("new_field".to_owned())
    );
}
