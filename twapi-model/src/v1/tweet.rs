//! The v1.1 tweet, as it comes embedded in a user (`status`) and in another tweet
//! (`retweeted_status`, `quoted_status`).

use compact_str::CompactString;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::{ExtendedEntities, TweetEntities, User};
use crate::object::{DateV1, wire_object};
use crate::reader::read_with_serde;
use crate::{TweetId, UserId};

wire_object! {
    /// A v1.1 tweet (API-FACTS 3.8).
    ///
    /// The embedded `status` of a user carries no `user`; a retweeted or quoted tweet, or a
    /// timeline's tweet, does. Exactly one of `text` (the default) and `full_text`
    /// (`tweet_mode=extended`) is present; [`Tweet::text`] reads whichever it is.
    ///
    /// Required are `created_at`, `id`, `truncated` and `source`: present in every embedded,
    /// retweeted and timeline tweet of every source, 2009 (Twitter4J) to 2022 (tweepy). Bodies
    /// of 2009–2010 lack `id_str`, `entities`, `lang`, `retweeted`, `is_quote_status` (added
    /// in 2016) and `retweet_count` (or send it `null`), which are therefore `Option`.
    ///
    /// `geo`, `coordinates` and `place` are rare and `null` in practice: the two points are
    /// typed ([`Coordinates`]), while `place` — a large object outside this crate's scope —
    /// is kept as an untyped [`serde_json::Value`], so it still survives a round trip.
    /// Dropped on decode (not modelled): `contributors` (always `null` since 2011),
    /// `scopes`, `filter_level`, `matching_rules`, and the media details listed in
    /// [`super::Media`]. Other unknown keys are ignored too.
    ///
    /// ```
    /// use twapi_model::v1::Tweet;
    /// let body = br#"{"created_at":"Tue Feb 09 21:01:50 +0000 2021",
    ///   "id":1359246149476098053,"id_str":"1359246149476098053",
    ///   "full_text":"hi \ud83d\udc4b","truncated":false,"source":"web",
    ///   "in_reply_to_status_id":null,"in_reply_to_status_id_str":null,
    ///   "in_reply_to_user_id":null,"in_reply_to_user_id_str":null,
    ///   "in_reply_to_screen_name":null,"geo":null,"coordinates":null,"place":null,
    ///   "is_quote_status":false,"retweet_count":0,"favorite_count":3,
    ///   "favorited":false,"retweeted":false,"lang":"en",
    ///   "entities":{"hashtags":[],"symbols":[],"user_mentions":[],"urls":[]}}"#;
    /// let tweet: Tweet = twapi_model::decode(body).unwrap();
    /// assert_eq!(tweet.text(), "hi 👋");
    /// assert_eq!(tweet.id.created_at().unwrap().year(), 2021);
    /// ```
    #[derive(Debug, Clone, PartialEq)]
    pub struct Tweet expecting "a v1.1 tweet object" {
        /// When it was posted. Required: in every tweet body since 2009.
        pub created_at: OffsetDateTime = req via DateV1 ["created_at"],
        /// Its id (`id` / `id_str`; 2009–2010 bodies have only `id`). Required: in every tweet
        /// body since 2009.
        pub id: TweetId = twin ["id", "id_str"],
        /// The text (up to 140 characters, `…` and a link when `truncated`); absent with
        /// `tweet_mode=extended`.
        pub text: Option<CompactString> = omit ["text"],
        /// The whole text, with `tweet_mode=extended`.
        pub full_text: Option<CompactString> = omit ["full_text"],
        /// `[start, end]` of the displayable part of `full_text` (leading mentions and trailing
        /// media links outside), in code points.
        pub display_text_range: Option<[u32; 2]> = omit ["display_text_range"],
        /// Whether `text` was cut to 140 characters. Required: in every tweet body since 2009.
        pub truncated: bool = req ["truncated"],
        /// The entities of the text; absent in bodies of 2009–2010 (before entities).
        pub entities: Option<TweetEntities> = omit ["entities"],
        /// Every media item, when there are any.
        pub extended_entities: Option<ExtendedEntities> = omit ["extended_entities"],
        /// The posting client, as an HTML link (`<a href="..." rel="nofollow">Name</a>`).
        /// Required: in every tweet body since 2009 (`web` for the web client).
        pub source: CompactString = req ["source"],
        /// The tweet this replies to.
        pub in_reply_to_status_id: Option<TweetId> =
            twin_null ["in_reply_to_status_id", "in_reply_to_status_id_str"],
        /// The author of the tweet this replies to.
        pub in_reply_to_user_id: Option<UserId> =
            twin_null ["in_reply_to_user_id", "in_reply_to_user_id_str"],
        /// Their screen name.
        pub in_reply_to_screen_name: Option<CompactString> = null ["in_reply_to_screen_name"],
        /// The author: absent in a user's embedded `status`, present elsewhere.
        pub user: Option<Box<User>> = omit ["user"],
        /// Deprecated point, `[latitude, longitude]` order.
        pub geo: Option<Coordinates> = null ["geo"],
        /// The point, GeoJSON `[longitude, latitude]` order.
        pub coordinates: Option<Coordinates> = null ["coordinates"],
        /// The place the tweet is associated with, untyped (see above).
        pub place: Option<serde_json::Value> = null ["place"],
        /// Whether it quotes a tweet; absent from tweets served before 2016.
        pub is_quote_status: Option<bool> = omit ["is_quote_status"],
        /// The quoted tweet.
        pub quoted_status_id: Option<TweetId> =
            twin_omit ["quoted_status_id", "quoted_status_id_str"],
        /// The quoted tweet's link.
        pub quoted_status_permalink: Option<QuotedStatusPermalink> =
            omit ["quoted_status_permalink"],
        /// The quoted tweet itself (when X includes it).
        pub quoted_status: Option<Box<Tweet>> = omit ["quoted_status"],
        /// For a retweet: the original tweet.
        pub retweeted_status: Option<Box<Tweet>> = omit ["retweeted_status"],
        /// How often it was quoted (premium and enterprise only).
        pub quote_count: Option<u64> = omit ["quote_count"],
        /// How often it was replied to (premium and enterprise only).
        pub reply_count: Option<u64> = omit ["reply_count"],
        /// How often it was retweeted; absent in 2009 bodies, `null` in some of 2010.
        pub retweet_count: Option<u64> = omit ["retweet_count"],
        /// How often it was liked (nullable, per the docs).
        pub favorite_count: Option<u64> = null ["favorite_count"],
        /// Whether the authenticating user liked it (nullable, per the docs).
        pub favorited: Option<bool> = null ["favorited"],
        /// Whether the authenticating user retweeted it; absent in 2009 bodies.
        pub retweeted: Option<bool> = omit ["retweeted"],
        /// Whether its links may be sensitive (only when it has links).
        pub possibly_sensitive: Option<bool> = omit ["possibly_sensitive"],
        /// Whether a sensitivity label can be appealed.
        pub possibly_sensitive_appealable: Option<bool> = omit ["possibly_sensitive_appealable"],
        /// The language X detected (BCP 47, `und` when unknown).
        pub lang: Option<CompactString> = null ["lang"],
        /// The authenticating user's retweet of it (with `include_my_retweet`).
        pub current_user_retweet: Option<CurrentUserRetweet> = omit ["current_user_retweet"],
        /// Withheld because of a copyright claim.
        pub withheld_copyright: Option<bool> = omit ["withheld_copyright"],
        /// Countries (ISO 3166-1 alpha-2, or `XX`/`XY`) where it is withheld.
        pub withheld_in_countries: Option<Vec<CompactString>> = omit ["withheld_in_countries"],
        /// `status` or `user`: what is withheld.
        pub withheld_scope: Option<CompactString> = omit ["withheld_scope"],
    }
}

impl Tweet {
    /// The text, whichever key carried it (`full_text` first); empty if neither did.
    pub fn text(&self) -> &str {
        self.full_text
            .as_deref()
            .or(self.text.as_deref())
            .unwrap_or_default()
    }
}

/// A GeoJSON point: `{"type": "Point", "coordinates": [a, b]}`.
///
/// The order of the pair depends on the field: `coordinates` is `[longitude, latitude]`,
/// the deprecated `geo` is `[latitude, longitude]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Coordinates {
    /// The GeoJSON type, `Point` (the wire key is `type`).
    #[serde(rename = "type")]
    pub kind: CompactString,
    /// The pair, in the field's order.
    pub coordinates: [f64; 2],
}

/// The link to a quoted tweet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuotedStatusPermalink {
    /// The `t.co` link.
    pub url: CompactString,
    /// The full link.
    pub expanded: CompactString,
    /// The link as clients display it.
    pub display: CompactString,
}

wire_object! {
    /// The authenticating user's own retweet of a tweet.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub struct CurrentUserRetweet expecting "a current_user_retweet object" {
        /// The retweet's id (`id` / `id_str`).
        pub id: TweetId = twin ["id", "id_str"],
    }
}

// Rare on the wire, and `Coordinates` holds floating point: serde reads them.
read_with_serde!(Coordinates, QuotedStatusPermalink);
