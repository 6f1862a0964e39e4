//! The v2 `Tweet` object, as the user endpoints return it in `includes.tweets` (the pinned or
//! most recent tweet of a user, expanded).

use compact_str::CompactString;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::entities::FullTextEntities;
use super::user::WithheldScope;
use crate::{TweetId, UserId};

/// A tweet as v2 sends it: `id` and `text` always, other fields when `tweet.fields` asked for
/// them.
///
/// The 2.159 schema requires nothing; `id` and `text` are required here because every tweet
/// X sends carries them (they are, with `edit_history_tweet_ids`, the default fields; tweets
/// recorded before September 2022 lack the edit history). The fields a follow/user client can
/// use are named; the rest (`context_annotations`, `geo`, `note_tweet`, the non-public
/// metrics …) are ignored.
///
/// ```
/// let t: twapi_model::v2::Tweet = serde_json::from_str(
///     r#"{"id":"1445880548472328192","text":"hello","edit_history_tweet_ids":["1445880548472328192"]}"#,
/// ).unwrap();
/// assert_eq!(t.edit_history_tweet_ids, [t.id]);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tweet {
    /// The tweet's id.
    pub id: TweetId,
    /// The text, up to 280 characters (longer posts keep the rest in `note_tweet`).
    pub text: CompactString,
    /// The ids of every version of the tweet, oldest first, this one included
    /// (`edit_history_post_ids` in 2.167).
    #[serde(
        default,
        alias = "edit_history_post_ids",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub edit_history_tweet_ids: Vec<TweetId>,
    /// Who posted it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author_id: Option<UserId>,
    /// When it was posted.
    #[serde(
        default,
        with = "crate::date::rfc3339::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub created_at: Option<OffsetDateTime>,
    /// The id of the conversation's first tweet.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conversation_id: Option<TweetId>,
    /// The author of the tweet this one replies to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub in_reply_to_user_id: Option<UserId>,
    /// The language X detected, a BCP 47 tag (`en`, `und` when unknown).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<CompactString>,
    /// Whether links in the tweet may lead to sensitive content.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub possibly_sensitive: Option<bool>,
    /// Retweet, reply, like and quote counts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_metrics: Option<TweetPublicMetrics>,
    /// Links, tags, mentions and annotations in the text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entities: Option<FullTextEntities>,
    /// The tweets this one retweets, quotes or replies to (`referenced_posts` in 2.167).
    #[serde(
        default,
        alias = "referenced_posts",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub referenced_tweets: Vec<ReferencedTweet>,
    /// Who may reply.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply_settings: Option<ReplySettings>,
    /// The app that posted it (deprecated; X no longer fills it in for most tweets).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<CompactString>,
    /// Media and polls attached.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attachments: Option<Attachments>,
    /// Whether and until when the tweet can be edited.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub edit_controls: Option<EditControls>,
    /// The part of `text` that clients show: `[start, end)` in code points.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_text_range: Option<[u32; 2]>,
    /// Where the tweet is withheld.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub withheld: Option<TweetWithheld>,
}

impl Tweet {
    /// A tweet with only `id` and `text`.
    pub fn new(id: TweetId, text: &str) -> Self {
        Self {
            id,
            text: text.into(),
            edit_history_tweet_ids: Vec::new(),
            author_id: None,
            created_at: None,
            conversation_id: None,
            in_reply_to_user_id: None,
            lang: None,
            possibly_sensitive: None,
            public_metrics: None,
            entities: None,
            referenced_tweets: Vec::new(),
            reply_settings: None,
            source: None,
            attachments: None,
            edit_controls: None,
            display_text_range: None,
            withheld: None,
        }
    }
}

/// A tweet's public counts.
///
/// Retweet, reply and like counts have always been sent; the 2.159 spec also requires
/// `impression_count` and `bookmark_count`, but tweets fetched before 2023 lack them, so those
/// and `quote_count` are optional.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct TweetPublicMetrics {
    /// How many times it was retweeted (`repost_count` in 2.167).
    #[serde(alias = "repost_count")]
    pub retweet_count: u64,
    /// How many replies it has.
    pub reply_count: u64,
    /// How many likes it has.
    pub like_count: u64,
    /// How many times it was quoted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quote_count: Option<u64>,
    /// How many times it was bookmarked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bookmark_count: Option<u64>,
    /// How many times it was seen.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub impression_count: Option<u64>,
}

/// A tweet that this one retweets, quotes or replies to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReferencedTweet {
    /// How it is referenced.
    pub r#type: ReferenceType,
    /// The referenced tweet.
    pub id: TweetId,
}

open_enum! {
    /// How a tweet refers to another (`referenced_tweets[].type`).
    pub enum ReferenceType {
        /// A retweet of the other.
        Retweeted = "retweeted",
        /// A quote of the other.
        Quoted = "quoted",
        /// A reply to the other.
        RepliedTo = "replied_to",
    }
}

open_enum! {
    /// Who may reply to a tweet (`reply_settings`).
    pub enum ReplySettings {
        /// Anyone.
        Everyone = "everyone",
        /// Only the users the tweet mentions.
        MentionedUsers = "mentionedUsers",
        /// Only the users the author follows.
        Following = "following",
        /// Another restriction.
        Other = "other",
        /// Only the author's subscribers.
        Subscribers = "subscribers",
        /// Only verified users.
        Verified = "verified",
    }
}

/// What is attached to a tweet (the media and polls themselves are in `includes`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Attachments {
    /// Keys of the attached media (`3_1365362339449561088`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub media_keys: Vec<CompactString>,
    /// The tweets the media were first posted in, when they are re-used.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub media_source_tweet_id: Vec<TweetId>,
    /// Ids of the attached polls.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub poll_ids: Vec<CompactString>,
}

/// Whether a tweet can still be edited.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct EditControls {
    /// Whether the tweet may be edited at all.
    pub is_edit_eligible: bool,
    /// When editing closes.
    #[serde(with = "crate::date::rfc3339")]
    pub editable_until: OffsetDateTime,
    /// How many edits are left.
    pub edits_remaining: u32,
}

/// Where a tweet is withheld, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TweetWithheld {
    /// Whether it is withheld on copyright grounds.
    pub copyright: bool,
    /// ISO 3166-1 alpha-2 codes of the countries where it is withheld.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub country_codes: Vec<CompactString>,
    /// Whether the tweet or its whole author is withheld.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<WithheldScope>,
}
