//! The fast path of [`UserPage::decode`](super::Response::decode): the v2 user page, read
//! by the crate's strict reader ([`crate::reader`]), which hands anything unusual back to
//! serde. The parts of a page that are not hot (`includes`, `errors`, `meta`) or hold floating
//! point (`annotations`) or rare objects (a link's `images`) are handed to serde as a slice.
//!
//! The invariant, checked by differential tests and fuzzing: when this reader returns a value,
//! serde returns the same value for the same bytes.

use compact_str::CompactString;

use super::connection::{ConnectionStatus, ConnectionStatuses};
use super::entities::{FullTextEntities, MentionEntity, TagEntity, UrlEntities, UrlEntity};
use super::meta::Meta;
use super::response::Response;
use super::user::{
    Affiliation, User, UserEntities, UserPublicMetrics, UserSubscription, UserWithheld,
};
use super::vocabulary::{Place, Vocabulary};
use crate::reader::{Reader, Seen};
use crate::{TweetId, UserId};

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
                        users.push(User::new(UserId::new(0), "", ""));
                        r.user(users.last_mut()?)
                    })?;
                    Some(users)
                })?;
                Some(())
            }
            "includes" => {
                seen.first(1)?;
                page.includes = r.serde()?;
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

    /// Reads a user into `u`, a blank [`User::new`].
    fn user(&mut self, u: &mut User) -> Option<()> {
        let mut seen = Seen::default();
        // Whether `key` is a field of the user (read), or not (left for the caller to skip).
        let mut user_key = |r: &mut Self, key: &str| -> Option<bool> {
            match key {
                "id" => {
                    seen.first(0)?;
                    u.id = UserId::new(r.id()?);
                }
                "name" => {
                    seen.first(1)?;
                    u.name = r.text()?;
                }
                "username" => {
                    seen.first(2)?;
                    u.username = r.text()?;
                }
                "created_at" => {
                    seen.first(3)?;
                    u.created_at =
                        r.opt(|r| crate::date::rfc3339::parse(r.string()?.as_str()).ok())?;
                }
                "description" => {
                    seen.first(4)?;
                    u.description = r.opt(Self::text)?;
                }
                "entities" => {
                    seen.first(5)?;
                    u.entities = r.opt(Self::user_entities)?;
                }
                "location" => {
                    seen.first(6)?;
                    u.location = r.opt(Self::text)?;
                }
                "pinned_tweet_id" => {
                    seen.first(7)?;
                    u.pinned_tweet_id = r.opt(|r| r.id().map(TweetId::new))?;
                }
                "most_recent_tweet_id" => {
                    seen.first(8)?;
                    u.most_recent_tweet_id = r.opt(|r| r.id().map(TweetId::new))?;
                }
                "profile_image_url" => {
                    seen.first(9)?;
                    u.profile_image_url = r.opt(Self::text)?;
                }
                "profile_banner_url" => {
                    seen.first(10)?;
                    u.profile_banner_url = r.opt(Self::text)?;
                }
                "protected" => {
                    seen.first(11)?;
                    u.protected = r.opt(Self::bool)?;
                }
                "public_metrics" => {
                    seen.first(12)?;
                    u.public_metrics = r.opt(Self::user_metrics)?;
                }
                "url" => {
                    seen.first(13)?;
                    u.url = r.opt(Self::text)?;
                }
                "verified" => {
                    seen.first(14)?;
                    u.verified = r.opt(Self::bool)?;
                }
                "verified_type" => {
                    seen.first(15)?;
                    u.verified_type = r.opt(|r| Some(r.string()?.as_str().into()))?;
                }
                "subscription_type" => {
                    seen.first(16)?;
                    u.subscription_type = r.opt(|r| Some(r.string()?.as_str().into()))?;
                }
                "receives_your_dm" => {
                    seen.first(17)?;
                    u.receives_your_dm = r.opt(Self::bool)?;
                }
                "connection_status" => {
                    seen.first(18)?;
                    u.connection_status = r.opt(|r| {
                        let mut set = ConnectionStatuses::new();
                        r.array(|r| {
                            set.insert(ConnectionStatus::from(r.string()?.as_str()));
                            Some(())
                        })?;
                        Some(set)
                    })?;
                }
                "affiliation" => {
                    seen.first(19)?;
                    u.affiliation = r.opt(Self::affiliation)?;
                }
                "withheld" => {
                    seen.first(20)?;
                    u.withheld = r.opt(Self::withheld)?;
                }
                "confirmed_email" => {
                    seen.first(21)?;
                    u.confirmed_email = r.opt(Self::text)?;
                }
                "is_identity_verified" => {
                    seen.first(22)?;
                    u.is_identity_verified = r.opt(Self::bool)?;
                }
                "parody" => {
                    seen.first(23)?;
                    u.parody = r.opt(Self::bool)?;
                }
                "subscription" => {
                    seen.first(24)?;
                    u.subscription = r.opt(Self::subscription)?;
                }
                "verified_followers_count" => {
                    seen.first(25)?;
                    u.verified_followers_count = r.opt(Self::u64)?;
                }
                _ => return Some(false),
            }
            Some(true)
        };
        self.object(|r, key| {
            if user_key(r, key)? {
                return Some(());
            }
            // A 2.167 name (`pinned_post_id` …) is read as its classic twin, the same field,
            // so that both names at once are a repeated key (left to serde).
            if let Some((Vocabulary::Post, classic)) = Vocabulary::of(Place::Field, key)
                && user_key(r, classic)?
            {
                return Some(());
            }
            r.skip()
        })?;
        // `id`, `name` and `username` are required.
        seen.all(0b111).then_some(())
    }

    fn user_metrics(&mut self) -> Option<UserPublicMetrics> {
        let mut m = UserPublicMetrics::default();
        let mut seen = Seen::default();
        self.object(|r, key| {
            match key {
                "followers_count" => {
                    seen.first(0)?;
                    m.followers_count = r.u64()?;
                }
                "following_count" => {
                    seen.first(1)?;
                    m.following_count = r.u64()?;
                }
                "tweet_count" => {
                    seen.first(2)?;
                    m.tweet_count = r.u64()?;
                }
                "listed_count" => {
                    seen.first(3)?;
                    m.listed_count = r.u64()?;
                }
                "like_count" => {
                    seen.first(4)?;
                    m.like_count = r.opt(Self::u64)?;
                }
                // `post_count` (2.167) is `tweet_count`.
                other if Vocabulary::classic(Place::Field, other) == "tweet_count" => {
                    seen.first(2)?;
                    m.tweet_count = r.u64()?;
                }
                _ => r.skip()?,
            }
            Some(())
        })?;
        seen.all(0b1111).then_some(m)
    }
}

impl Reader<'_> {
    fn subscription(&mut self) -> Option<UserSubscription> {
        let mut subscribes_to_you = None;
        self.object(|r, key| match key {
            "subscribes_to_you" if subscribes_to_you.is_none() => {
                subscribes_to_you = Some(r.bool()?);
                Some(())
            }
            "subscribes_to_you" => None,
            _ => r.skip(),
        })?;
        Some(UserSubscription {
            subscribes_to_you: subscribes_to_you?,
        })
    }

    fn withheld(&mut self) -> Option<UserWithheld> {
        let mut w = UserWithheld::default();
        let mut seen = Seen::default();
        self.object(|r, key| {
            match key {
                "country_codes" => {
                    seen.first(0)?;
                    w.country_codes = r.vec(Self::text)?;
                }
                "scope" => {
                    seen.first(1)?;
                    w.scope = r.opt(|r| Some(r.string()?.as_str().into()))?;
                }
                _ => r.skip()?,
            }
            Some(())
        })?;
        Some(w)
    }

    fn affiliation(&mut self) -> Option<Affiliation> {
        let mut a = Affiliation::default();
        let mut seen = Seen::default();
        self.object(|r, key| {
            match key {
                "badge_url" => {
                    seen.first(0)?;
                    a.badge_url = r.opt(Self::text)?;
                }
                "description" => {
                    seen.first(1)?;
                    a.description = r.opt(Self::text)?;
                }
                "url" => {
                    seen.first(2)?;
                    a.url = r.opt(Self::text)?;
                }
                "user_id" => {
                    seen.first(3)?;
                    a.user_id = r.vec(|r| r.id().map(UserId::new))?;
                }
                _ => r.skip()?,
            }
            Some(())
        })?;
        Some(a)
    }

    fn user_entities(&mut self) -> Option<UserEntities> {
        let mut e = UserEntities::default();
        let mut seen = Seen::default();
        self.object(|r, key| {
            match key {
                "url" => {
                    seen.first(0)?;
                    e.url = r.opt(|r| {
                        let mut urls = Vec::new();
                        let mut seen = Seen::default();
                        r.object(|r, key| match key {
                            "urls" => {
                                seen.first(0)?;
                                urls = r.vec(Self::url_entity)?;
                                Some(())
                            }
                            _ => r.skip(),
                        })?;
                        Some(UrlEntities { urls })
                    })?;
                }
                "description" => {
                    seen.first(1)?;
                    e.description = r.opt(Self::full_text_entities)?;
                }
                _ => r.skip()?,
            }
            Some(())
        })?;
        Some(e)
    }

    fn full_text_entities(&mut self) -> Option<FullTextEntities> {
        let mut e = FullTextEntities::default();
        let mut seen = Seen::default();
        self.object(|r, key| {
            match key {
                "urls" => {
                    seen.first(0)?;
                    e.urls = r.vec(Self::url_entity)?;
                }
                "hashtags" => {
                    seen.first(1)?;
                    e.hashtags = r.vec(Self::tag)?;
                }
                "cashtags" => {
                    seen.first(2)?;
                    e.cashtags = r.vec(Self::tag)?;
                }
                "mentions" => {
                    seen.first(3)?;
                    e.mentions = r.vec(Self::mention)?;
                }
                // Floating-point probabilities: left to serde.
                "annotations" => {
                    seen.first(4)?;
                    e.annotations = r.serde()?;
                }
                _ => r.skip()?,
            }
            Some(())
        })?;
        Some(e)
    }

    fn url_entity(&mut self) -> Option<UrlEntity> {
        let mut e = UrlEntity {
            start: 0,
            end: 0,
            url: CompactString::default(),
            expanded_url: None,
            display_url: None,
            status: None,
            title: None,
            description: None,
            unwound_url: None,
            images: Vec::new(),
            media_key: None,
        };
        let mut seen = Seen::default();
        self.object(|r, key| {
            match key {
                "start" => {
                    seen.first(0)?;
                    e.start = r.u32()?;
                }
                "end" => {
                    seen.first(1)?;
                    e.end = r.u32()?;
                }
                "url" => {
                    seen.first(2)?;
                    e.url = r.text()?;
                }
                "expanded_url" => {
                    seen.first(3)?;
                    e.expanded_url = r.opt(Self::text)?;
                }
                "display_url" => {
                    seen.first(4)?;
                    e.display_url = r.opt(Self::text)?;
                }
                "status" => {
                    seen.first(5)?;
                    e.status = r.opt(|r| u16::try_from(r.u64()?).ok())?;
                }
                "title" => {
                    seen.first(6)?;
                    e.title = r.opt(Self::text)?;
                }
                "description" => {
                    seen.first(7)?;
                    e.description = r.opt(Self::text)?;
                }
                "unwound_url" => {
                    seen.first(8)?;
                    e.unwound_url = r.opt(Self::text)?;
                }
                "images" => {
                    seen.first(9)?;
                    e.images = r.serde()?;
                }
                "media_key" => {
                    seen.first(10)?;
                    e.media_key = r.opt(Self::text)?;
                }
                _ => r.skip()?,
            }
            Some(())
        })?;
        seen.all(0b111).then_some(e)
    }

    fn tag(&mut self) -> Option<TagEntity> {
        let (mut start, mut end, mut tag) = (None, None, None);
        self.object(|r, key| match key {
            "start" if start.is_none() => {
                start = Some(r.u32()?);
                Some(())
            }
            "end" if end.is_none() => {
                end = Some(r.u32()?);
                Some(())
            }
            "tag" if tag.is_none() => {
                tag = Some(r.text()?);
                Some(())
            }
            "start" | "end" | "tag" => None,
            _ => r.skip(),
        })?;
        Some(TagEntity {
            start: start?,
            end: end?,
            tag: tag?,
        })
    }

    fn mention(&mut self) -> Option<MentionEntity> {
        let mut m = MentionEntity {
            start: 0,
            end: 0,
            username: CompactString::default(),
            id: None,
        };
        let mut seen = Seen::default();
        self.object(|r, key| {
            match key {
                "start" => {
                    seen.first(0)?;
                    m.start = r.u32()?;
                }
                "end" => {
                    seen.first(1)?;
                    m.end = r.u32()?;
                }
                "username" => {
                    seen.first(2)?;
                    m.username = r.text()?;
                }
                "id" => {
                    seen.first(3)?;
                    m.id = r.opt(|r| r.id().map(UserId::new))?;
                }
                _ => r.skip()?,
            }
            Some(())
        })?;
        seen.all(0b111).then_some(m)
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
