//! The fast path of [`UserPage::decode`](super::Response::decode): the v2 user page, read
//! by the crate's strict reader ([`crate::reader`]), which hands anything unusual back to
//! serde. Each user is read by the reader that [`wire_object!`](crate::object) generates from
//! the user's declaration, the same list its serde code comes from, and so is `includes`; the
//! parts of a page that are not hot (`errors`, `meta`) are handed to serde as a slice.
//!
//! The invariant, checked by differential tests and fuzzing: when this reader returns a value,
//! serde returns the same value for the same bytes.

use super::meta::Meta;
use super::response::Response;
use super::user::User;
use crate::object::Fill;
use crate::reader::{FromReader, Reader, Seen};

/// The most users a page holds (`max_results` is at most 1,000).
const MAX_PAGE: usize = 1000;

/// Reads a page of users; `None` when serde must decide.
pub(super) fn read_user_page(r: &mut Reader<'_>) -> Option<Response<Vec<User>, Meta>> {
    r.user_page()
}

impl Reader<'_> {
    fn user_page(&mut self) -> Option<Response<Vec<User>, Meta>> {
        let mut page = Response::default();
        let mut seen = Seen::default();
        self.object(|r, key| match key {
            "data" => {
                seen.first(0)?;
                page.data = r.opt(|r| {
                    // Room for the users the rest of the body can hold at ~128 bytes each, up
                    // to the 1,000 of a full page: growing a vector of 680-byte users one
                    // doubling at a time would copy them about twice over.
                    let rest = r.bytes.len().saturating_sub(r.pos);
                    let mut users = Vec::with_capacity((rest / 128).min(MAX_PAGE));
                    r.array(|r| {
                        // Built where it will stay: a user is 680 bytes.
                        users.push(<User as Fill>::blank());
                        users.last_mut()?.fill(r)
                    })?;
                    Some(users)
                })?;
                Some(())
            }
            "includes" => {
                seen.first(1)?;
                page.includes = FromReader::from_reader(r)?;
                Some(())
            }
            "errors" => {
                seen.first(2)?;
                page.errors = r.serde()?;
                Some(())
            }
            "meta" => {
                seen.first(3)?;
                page.meta = r.serde()?;
                Some(())
            }
            _ => r.skip(),
        })?;
        Some(page)
    }
}

#[cfg(test)]
mod tests {
    use super::read_user_page;
    use crate::reader::read_document;
    use crate::v2::UserPage;

    fn fixture(name: &str) -> String {
        crate::reader::test_input::fixture("v2", name)
    }

    /// The reader's answer, checked against serde's when it gives one.
    fn read(text: &str) -> Option<UserPage> {
        let page = read_document(text, read_user_page)?;
        assert_eq!(
            crate::decode::<UserPage>(text.as_bytes()).as_ref(),
            Ok(&page),
            "the reader accepted what serde reads otherwise: {text}"
        );
        Some(page)
    }

    #[test]
    fn reads_the_page_fixtures_itself() {
        for name in [
            "followers_all_fields",
            "users_default_fields",
            "followers_last_page",
            "followers_empty_page",
            "users_lookup_not_found",
            "users_lookup_partial",
        ] {
            assert!(read(&fixture(name)).is_some(), "{name} was left to serde");
        }
    }

    #[test]
    fn reads_escapes_and_odd_ids_itself() {
        let body = r#"{"data":[{"id":12,"name":"a\"b\\c\/\b\f\n\r\t\u00e9","username":"u","pinned_tweet_id":"007","descr\u0069ption":"k"}]}"#;
        let page = read(body).unwrap();
        assert_eq!(page.items()[0].name, "a\"b\\c/\u{8}\u{c}\n\r\té");
        assert_eq!(page.items()[0].description.as_deref(), Some("k"));
    }

    #[test]
    fn reads_the_2167_names_itself() {
        let body = r#"{"data":[{"id":"1","name":"n","username":"u","pinned_post_id":"7","most_recent_post_id":"8",
            "public_metrics":{"followers_count":1,"following_count":2,"post_count":3,"listed_count":4}}],"includes":{"posts":[{"id":"7","text":"t"}]}}"#;
        let page = read(body).unwrap();
        let user = &page.items()[0];
        assert_eq!(user.pinned_tweet_id.map(crate::TweetId::get), Some(7));
        assert_eq!(user.most_recent_tweet_id.map(crate::TweetId::get), Some(8));
        assert_eq!(user.public_metrics.map(|m| m.tweet_count), Some(3));
        assert_eq!(page.includes.unwrap().tweets.len(), 1);
        let classic = crate::v2::vocabulary::translate(
            body.as_bytes(),
            crate::v2::vocabulary::Vocabulary::Tweet,
        );
        assert_eq!(read(std::str::from_utf8(&classic).unwrap()), read(body));
    }

    #[test]
    fn reads_keys_in_any_order_itself_and_still_refuses_a_repeated_one() {
        // X's order (`most_recent_tweet_id` before `pinned_tweet_id`), fields left out (a key a
        // few places ahead of the expected one), and keys far from their declared place.
        let body = r#"{"data":[{"id":"1","username":"u","name":"n","location":"l",
            "most_recent_tweet_id":"8","pinned_tweet_id":"7","profile_image_url":"p",
            "parody":true,"verified_followers_count":3,"protected":false}]}"#;
        let page = read(body).unwrap();
        let user = &page.items()[0];
        assert_eq!(user.username, "u");
        assert_eq!(user.name, "n");
        assert_eq!(user.pinned_tweet_id.map(crate::TweetId::get), Some(7));
        assert_eq!(user.most_recent_tweet_id.map(crate::TweetId::get), Some(8));
        assert_eq!(user.profile_image_url.as_deref(), Some("p"));
        assert_eq!(user.parody, Some(true));
        assert_eq!(user.verified_followers_count, Some(3));
        assert_eq!(user.protected, Some(false));
        for repeated in [
            r#""location":"l","location":"m""#,
            r#""location":"l","pinned_tweet_id":"7","location":"m""#,
        ] {
            let body = format!(r#"{{"data":[{{"id":"1","name":"n","username":"u",{repeated}}}]}}"#);
            assert!(read_document(&body, read_user_page).is_none(), "{body}");
        }
    }

    #[test]
    fn both_names_of_one_field_are_a_repeated_key() {
        for extra in [
            r#","pinned_tweet_id":"7","pinned_post_id":"7""#,
            r#","public_metrics":{"followers_count":1,"following_count":2,"tweet_count":3,"post_count":3,"listed_count":4}"#,
        ] {
            let body = format!(r#"{{"data":[{{"id":"1","name":"n","username":"u"{extra}}}]}}"#);
            assert!(read_document(&body, read_user_page).is_none(), "{body}");
            assert!(
                crate::decode::<UserPage>(body.as_bytes()).is_err(),
                "{body}"
            );
        }
    }

    #[test]
    fn reads_surrogate_pairs_itself() {
        // v2 escapes every character outside the BMP (emoji) as a pair, upper or lower case.
        let body = r#"{"data":[{"id":"1","name":"EL \uD83C\uDF0F\ud83d\ude00!","username":"u","location":"\uDBFF\uDFFF"}]}"#;
        let page = read(body).unwrap();
        assert_eq!(page.items()[0].name, "EL 🌏😀!");
        assert_eq!(page.items()[0].location.as_deref(), Some("\u{10FFFF}"));
    }

    #[test]
    fn leaves_the_unusual_to_serde() {
        let user =
            |extra: &str| format!(r#"{{"data":[{{"id":"1","name":"n","username":"u"{extra}}}]}}"#);
        for body in [
            // Lone surrogates (serde rejects them, with the path).
            user(r#","location":"\ud83d""#),
            user(r#","location":"\ud83dx""#),
            user(r#","location":"\ude00""#),
            user(r#","location":"\ud83d\u0041""#),
            user(r#","location":"\ud83d\ud83d""#),
            user(r#","verified_followers_count":01"#),
            user(r#","verified_followers_count":1e3"#),
            user(r#","id":"2""#),
            user(&format!(r#","deep":{}1{}"#, "[".repeat(65), "]".repeat(65))),
            r#"{"data":[]} x"#.to_owned(),
            "[]".to_owned(),
        ] {
            assert!(read_document(&body, read_user_page).is_none(), "{body}");
        }
    }

    mod mutations {
        use super::{fixture, read};
        use proptest::collection::vec;
        use proptest::prelude::*;
        use proptest::sample::{Index, select};

        const TOKENS: &[&str] = &[
            "\"",
            "\\",
            "\\u00e9",
            "\\ud83d",
            "\\ude00",
            "\\uD83D\\uDE00",
            "\\n",
            "null",
            ",",
            ":",
            "{",
            "}",
            "[",
            "]",
            " ",
            "0",
            "-",
            ".5",
            "e3",
            "1",
            "true",
            "\"id\":\"5\",",
            "\u{1}",
            "\"x\":[],",
            "9999999999999999999999",
            "é",
        ];

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(256))]

            /// Whenever the reader accepts an edited page, serde reads the same page.
            #[test]
            fn whatever_the_reader_accepts_serde_reads_alike(
                edits in vec((any::<Index>(), select(TOKENS), any::<bool>()), 1..4),
            ) {
                let mut text = fixture("followers_all_fields");
                crate::reader::test_input::mutate(&mut text, edits);
                let _ = read(&text);
            }
        }
    }
}
