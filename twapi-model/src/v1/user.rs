//! The v1.1 user object: what users/show, users/lookup, users/search, followers/list,
//! friends/list and friendships/create|destroy return.

use compact_str::CompactString;
use time::OffsetDateTime;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::{Tweet, UserEntities};
use crate::object::{Codec, DateV1, Fill, wire_object};
use crate::reader::{FromReader, Reader, decode_with};
use crate::{DecodeError, UserId};

wire_object! {
    /// A v1.1 user (API-FACTS 3.7): every documented field, with the nullability real data
    /// shows.
    ///
    /// Only `id` is required: it is in every user body of every source since 2009, trimmed
    /// users included (`"user":{"id":…,"id_str":…}` with `trim_user`, 2019). Every other field
    /// is missing from some real body (see `tests/real_shapes.rs` for the sources): trimmed
    /// users carry nothing else; 2009–2010 users lack `entities`, `listed_count`, `lang`,
    /// `contributors_enabled`, `is_translator`, `profile_image_url_https` and
    /// `default_profile*`. A missing field is `None`, never a `false` or `0` X did not send.
    ///
    /// Since the 2019-05-20 change most profile-design and locale fields are `null`; they
    /// are `Option` and always encoded (as `null` when `None`). Fields X sends only
    /// sometimes — `status` (absent for protected accounts and users who never tweeted),
    /// `profile_banner_url`, the relationship flags, the withheld fields — are `Option` and
    /// encoded only when `Some`. `id` and `id_str` are one value ([`User::id`]): decoding
    /// takes either or both (and rejects a body where they disagree), encoding writes both.
    /// Unknown keys (`email`, `derived`, …) are ignored.
    ///
    /// ```
    /// use twapi_model::v1::User;
    /// let body = br#"{"id":783214,"id_str":"783214","name":"X","screen_name":"X",
    ///   "location":"everywhere","description":"","url":null,
    ///   "entities":{"description":{"urls":[]}},"protected":false,
    ///   "followers_count":1,"friends_count":2,"listed_count":3,"favourites_count":4,
    ///   "statuses_count":5,"created_at":"Tue Feb 20 14:35:54 +0000 2007",
    ///   "verified":true,"default_profile":false,"default_profile_image":false,
    ///   "profile_image_url":"http://pbs.twimg.com/a_normal.jpg",
    ///   "profile_image_url_https":"https://pbs.twimg.com/a_normal.jpg",
    ///   "contributors_enabled":false,"is_translator":false,"lang":null}"#;
    /// let user: User = twapi_model::decode(body).unwrap();
    /// assert_eq!(user.id.get(), 783_214);
    /// assert!(user.status.is_none());
    /// let wire = serde_json::to_value(&user).unwrap();
    /// assert_eq!(wire["id"], 783_214);
    /// assert_eq!(wire["id_str"], "783214");
    /// assert_eq!(wire["lang"], serde_json::Value::Null);
    /// assert!(wire.get("status").is_none());
    /// ```
    #[derive(Debug, Clone, PartialEq)]
    pub struct User expecting "a v1.1 user object" {
        /// The user's id (`id` / `id_str`). Required: in every user body since 2009, trimmed
        /// ones included (Twitter4J 2009–2010, python-twitter 2015, twitter4s 2015, tweepy and
        /// egg-mode 2019–2022).
        pub id: UserId = twin ["id", "id_str"],
        /// The display name.
        pub name: Option<CompactString> = omit ["name"],
        /// The handle, without `@`.
        pub screen_name: Option<CompactString> = omit ["screen_name"],
        /// The free-text location of the profile.
        pub location: Option<CompactString> = null ["location"],
        /// The place X inferred from `location` (deprecated, `null` in practice; an untyped
        /// place object when present).
        pub profile_location: Option<serde_json::Value> = omit ["profile_location"],
        /// The bio.
        pub description: Option<CompactString> = null ["description"],
        /// The profile link, wrapped in `t.co`.
        pub url: Option<CompactString> = null ["url"],
        /// The links in `url` and `description`.
        pub entities: Option<UserEntities> = omit ["entities"],
        /// Whether only approved followers see the tweets.
        pub protected: Option<bool> = omit ["protected"],
        /// How many follow this user.
        pub followers_count: Option<u64> = omit ["followers_count"],
        /// How many this user follows.
        pub friends_count: Option<u64> = omit ["friends_count"],
        /// How many public lists include this user.
        pub listed_count: Option<u64> = omit ["listed_count"],
        /// When the account was created.
        pub created_at: Option<OffsetDateTime> = omit via DateV1 ["created_at"],
        /// How many tweets this user liked (British spelling on the wire).
        pub favourites_count: Option<u64> = omit ["favourites_count"],
        /// Deprecated: seconds east of UTC (`null` since 2019).
        pub utc_offset: Option<i32> = null ["utc_offset"],
        /// Deprecated: the time-zone name (`null` since 2019).
        pub time_zone: Option<CompactString> = null ["time_zone"],
        /// Deprecated: whether geotagging is on.
        pub geo_enabled: Option<bool> = null ["geo_enabled"],
        /// The legacy verified badge.
        pub verified: Option<bool> = omit ["verified"],
        /// How many tweets and retweets this user posted.
        pub statuses_count: Option<u64> = omit ["statuses_count"],
        /// Deprecated: the interface language (`null` since 2019).
        pub lang: Option<CompactString> = null ["lang"],
        /// The latest tweet or retweet (no `user` inside); absent for protected accounts the
        /// caller does not follow and for users who never tweeted.
        pub status: Option<Box<Tweet>> = omit ["status"],
        /// Whether co-authored tweets are on (always `false` now).
        pub contributors_enabled: Option<bool> = omit ["contributors_enabled"],
        /// Whether the user volunteers in the translator community.
        pub is_translator: Option<bool> = omit ["is_translator"],
        /// Deprecated: whether tweet translation is on.
        pub is_translation_enabled: Option<bool> = null ["is_translation_enabled"],
        /// Deprecated design field: background colour (hex, no `#`).
        pub profile_background_color: Option<CompactString> = null ["profile_background_color"],
        /// Deprecated design field: background image over http.
        pub profile_background_image_url: Option<CompactString> =
            null ["profile_background_image_url"],
        /// Deprecated design field: background image over https.
        pub profile_background_image_url_https: Option<CompactString> =
            null ["profile_background_image_url_https"],
        /// Deprecated design field: whether the background image is tiled.
        pub profile_background_tile: Option<bool> = null ["profile_background_tile"],
        /// The avatar (48×48 `_normal` variant) over http.
        pub profile_image_url: Option<CompactString> = omit ["profile_image_url"],
        /// The avatar over https.
        pub profile_image_url_https: Option<CompactString> = omit ["profile_image_url_https"],
        /// The header image; absent when the user has none.
        pub profile_banner_url: Option<CompactString> = omit ["profile_banner_url"],
        /// Deprecated design field: link colour.
        pub profile_link_color: Option<CompactString> = null ["profile_link_color"],
        /// Deprecated design field: sidebar border colour.
        pub profile_sidebar_border_color: Option<CompactString> =
            null ["profile_sidebar_border_color"],
        /// Deprecated design field: sidebar fill colour.
        pub profile_sidebar_fill_color: Option<CompactString> =
            null ["profile_sidebar_fill_color"],
        /// Deprecated design field: text colour.
        pub profile_text_color: Option<CompactString> = null ["profile_text_color"],
        /// Deprecated design field: whether the background image is used.
        pub profile_use_background_image: Option<bool> = null ["profile_use_background_image"],
        /// Deprecated: whether the profile has the extended (2016) layout.
        pub has_extended_profile: Option<bool> = null ["has_extended_profile"],
        /// Whether the profile theme is untouched.
        pub default_profile: Option<bool> = omit ["default_profile"],
        /// Whether the avatar is the default egg/silhouette.
        pub default_profile_image: Option<bool> = omit ["default_profile_image"],
        /// Deprecated: whether the caller follows this user (still sent, with user auth).
        pub following: Option<bool> = null ["following"],
        /// Whether the caller follows this user's live broadcasts.
        pub live_following: Option<bool> = omit ["live_following"],
        /// Deprecated: whether the caller has a pending follow request to this protected user.
        pub follow_request_sent: Option<bool> = null ["follow_request_sent"],
        /// Deprecated: whether the caller gets device notifications for this user.
        pub notifications: Option<bool> = null ["notifications"],
        /// Whether the caller mutes this user (user auth only).
        pub muting: Option<bool> = omit ["muting"],
        /// Whether the caller blocks this user (user auth only).
        pub blocking: Option<bool> = omit ["blocking"],
        /// Whether this user blocks the caller (user auth only).
        pub blocked_by: Option<bool> = omit ["blocked_by"],
        /// Deprecated: the translator role (`none`, `regular`, `badged`, `moderator`).
        pub translator_type: Option<CompactString> = omit ["translator_type"],
        /// Countries (ISO 3166-1 alpha-2, or `XX`/`XY`) where the account is withheld.
        pub withheld_in_countries: Option<Vec<CompactString>> = omit ["withheld_in_countries"],
        /// `user` when the whole account is withheld.
        pub withheld_scope: Option<CompactString> = omit ["withheld_scope"],
        /// Whether the account is suspended (rare; users/show with user auth).
        pub suspended: Option<bool> = omit ["suspended"],
        /// Whether the account must verify a phone number (rare; the caller's own account).
        pub needs_phone_verification: Option<bool> = omit ["needs_phone_verification"],
    }
}

impl User {
    /// Decodes a user (users/show, friendships/create and /destroy): the same result as
    /// [`twapi_model::decode::<User>`](crate::decode()), errors included, faster.
    ///
    /// X escapes every `/` and every non-ASCII character of a v1.1 body, so nearly every
    /// string of a user goes through unescaping. This reads the user with the crate's own
    /// strict reader, decoding each string once into its final form, and hands anything
    /// unusual (a repeated key, an escape it does not decode, malformed JSON) back to serde,
    /// which gives the value or the error with its path. Tests and a fuzz target check that
    /// both always agree.
    ///
    /// ```
    /// use twapi_model::v1::User;
    /// let body = br#"{"id":783214,"id_str":"783214","name":"X \u2713","screen_name":"X",
    ///   "location":null,"description":"","url":null,"entities":{"description":{"urls":[]}},
    ///   "protected":false,"followers_count":1,"friends_count":2,"listed_count":3,
    ///   "favourites_count":4,"statuses_count":5,
    ///   "created_at":"Tue Feb 20 14:35:54 +0000 2007","verified":true,
    ///   "default_profile":false,"default_profile_image":false,
    ///   "profile_image_url":"http:\/\/pbs.twimg.com\/a_normal.jpg",
    ///   "profile_image_url_https":"https:\/\/pbs.twimg.com\/a_normal.jpg",
    ///   "contributors_enabled":false,"is_translator":false,"lang":null}"#;
    /// let user = User::decode(body)?;
    /// assert_eq!(user.name.as_deref(), Some("X ✓"));
    /// assert_eq!(user.profile_image_url.as_deref(), Some("http://pbs.twimg.com/a_normal.jpg"));
    /// let err = User::decode(br#"{"id":1,"id_str":"2"}"#).unwrap_err();
    /// assert_eq!(err.path(), "id_str");
    /// # Ok::<(), twapi_model::DecodeError>(())
    /// ```
    pub fn decode(bytes: &[u8]) -> Result<Self, DecodeError> {
        decode_with(bytes, User::from_reader)
    }

    /// Decodes a list of users (users/lookup, users/search): the same result as
    /// [`twapi_model::decode::<Vec<User>>`](crate::decode()), errors included, faster (see
    /// [`User::decode`]).
    ///
    /// ```
    /// use twapi_model::v1::User;
    /// assert!(User::decode_list(b"[]")?.is_empty());
    /// let err = User::decode_list(br#"[{"id":"x"}]"#).unwrap_err();
    /// assert_eq!(err.path(), "[0].id");
    /// # Ok::<(), twapi_model::DecodeError>(())
    /// ```
    pub fn decode_list(bytes: &[u8]) -> Result<Vec<Self>, DecodeError> {
        decode_with(bytes, read_users)
    }
}

/// The most users one body holds (followers/list and friends/list, `count` ≤ 200).
const MAX_USERS: usize = 200;

/// Fewer bytes than any real user takes on the wire (one with every nullable field `null`
/// and no status is about 1,200).
const MIN_USER_BYTES: usize = 1024;

/// Reads a list of users into a vector sized for the body up front: a user is over a
/// kilobyte in memory, and growing the vector one doubling at a time would copy the users
/// about twice over.
fn read_users(r: &mut Reader<'_>) -> Option<Vec<User>> {
    let rest = r.bytes.len().saturating_sub(r.pos);
    let mut users = Vec::with_capacity((rest / MIN_USER_BYTES).min(MAX_USERS));
    r.array(|r| {
        users.push(User::blank());
        users.last_mut()?.fill(r)
    })?;
    Some(users)
}

/// A page's or a lookup's users: serde's `Vec<User>`, read by [`read_users`].
pub(crate) struct Users;

impl Codec<Vec<User>> for Users {
    fn decode<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<User>, D::Error> {
        Vec::deserialize(d)
    }
    fn encode<S: Serializer>(value: &Vec<User>, s: S) -> Result<S::Ok, S::Error> {
        value.serialize(s)
    }
    fn read(r: &mut Reader<'_>) -> Option<Vec<User>> {
        read_users(r)
    }
}

#[cfg(test)]
mod tests {
    use super::{User, read_users};
    use crate::reader::{FromReader, read_document};
    use crate::v1::UserPage;

    fn fixture(name: &str) -> String {
        crate::reader::test_input::fixture("v1", name)
    }

    /// The fixture without whitespace (keys sorted), for edits by text.
    fn compact(name: &str) -> String {
        let value: serde_json::Value = serde_json::from_str(&fixture(name)).unwrap();
        value.to_string()
    }

    /// The reader's own answer (not serde's fallback), checked against serde's.
    fn read<T>(text: &str, read: impl FnOnce(&mut crate::reader::Reader<'_>) -> Option<T>) -> T
    where
        T: serde::de::DeserializeOwned + PartialEq + std::fmt::Debug,
    {
        let value = read_document(text, read)
            .unwrap_or_else(|| panic!("the reader left this to serde: {text}"));
        assert_eq!(crate::decode::<T>(text.as_bytes()).as_ref(), Ok(&value));
        value
    }

    #[test]
    fn reads_the_fixtures_itself() {
        for name in ["user_show", "user_protected_nulls", "friendships_create"] {
            read(&fixture(name), User::from_reader);
        }
        assert!(!read(&fixture("users_lookup"), read_users).is_empty());
        for name in ["followers_list", "followers_list_last"] {
            read(&fixture(name), UserPage::from_reader);
        }
    }

    #[test]
    fn reads_x_escapes_itself() {
        // v1.1 escapes every slash and every non-ASCII character, emoji as lower-case pairs.
        let user = compact("user_show").replacen(
            r#""name":"#,
            r#""name":"\u00e9\ud83d\ude00 \u003cb\u003e \/\" \\","ignored":"#,
            1,
        );
        let user = read(&user, User::from_reader);
        assert_eq!(user.name.as_deref(), Some("é😀 <b> /\" \\"));
    }

    #[test]
    fn leaves_the_unusual_to_serde() {
        let base = compact("user_show");
        let with = |from: &str, to: &str| {
            assert!(base.contains(from), "{from}");
            base.replacen(from, to, 1)
        };
        for body in [
            // A repeated key, even with the same value.
            with(r#""name":"#, r#""name":"a","name":"#),
            // The two halves of the id disagree.
            with(r#""id_str":""#, r#""id_str":"1","x":""#),
            // A lone surrogate, an unknown escape, a raw control character.
            with(r#""name":""#, r#""name":"\ud83d"#),
            with(r#""name":""#, r#""name":"\q"#),
            with(r#""name":""#, "\"name\":\"\u{1}"),
            // Numbers serde reads otherwise, or not at all.
            with(r#""followers_count":"#, r#""followers_count":1.5,"x":"#),
            with(r#""followers_count":"#, r#""followers_count":-1,"x":"#),
            with(r#""followers_count":"#, r#""followers_count":01,"x":"#),
            // A date that is not one, a missing required field, trailing bytes.
            with(r#""created_at":""#, r#""created_at":"x","y":""#),
            with(r#""id":"#, r#""i":"#).replacen(r#""id_str":"#, r#""i_str":"#, 1),
            format!("{base} x"),
        ] {
            assert!(
                read_document(&body, User::from_reader).is_none(),
                "the reader accepted {body}"
            );
        }
        // Signed cursors: -0 is a float to serde, so it is serde's to refuse.
        let page = |cursor: &str| {
            format!(
                r#"{{"users":[],"next_cursor":{cursor},"next_cursor_str":"{cursor}","previous_cursor":0,"previous_cursor_str":"0"}}"#
            )
        };
        assert!(read_document(&page("-0"), UserPage::from_reader).is_none());
        let min = read(&page("-9223372036854775808"), UserPage::from_reader);
        assert_eq!(min.next_cursor.get(), i64::MIN);
        assert!(read_document(&page("9223372036854775808"), UserPage::from_reader).is_none());
    }
}
