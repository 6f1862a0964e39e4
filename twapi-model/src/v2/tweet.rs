//! The v2 `Tweet` object, as the user endpoints return it in `includes.tweets` (the pinned or
//! most recent tweet of a user, expanded).

use compact_str::CompactString;
use time::OffsetDateTime;

use super::entities::FullTextEntities;
use super::user::WithheldScope;
use crate::object::{Fill, wire_object};
use crate::{TweetId, UserId};

wire_object! {
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
    #[derive(Debug, Clone, PartialEq)]
    pub struct Tweet expecting "a v2 tweet object" in both vocabularies selected by TweetField also [
        // Fields a request may ask for that this crate does not model (they are ignored when
        // decoding): selectable all the same.
        Article = "article",
        CardUri = "card_uri",
        CommunityId = "community_id",
        ContextAnnotations = "context_annotations",
        Geo = "geo",
        MediaMetadata = "media_metadata",
        NonPublicMetrics = "non_public_metrics",
        NoteTweet = "note_tweet",
        OrganicMetrics = "organic_metrics",
        PromotedMetrics = "promoted_metrics",
        Scopes = "scopes",
        SuggestedSourceLinks = "suggested_source_links",
        SuggestedSourceLinksWithCounts = "suggested_source_links_with_counts",
    ] {
        /// The tweet's id.
        pub id: TweetId = req ["id"] select Id,
        /// The text, up to 280 characters (longer posts keep the rest in `note_tweet`).
        pub text: CompactString = req ["text"] select Text,
        /// The ids of every version of the tweet, oldest first, this one included
        /// (`edit_history_post_ids` in 2.167).
        pub edit_history_tweet_ids: Vec<TweetId> = vec ["edit_history_tweet_ids"] select EditHistoryTweetIds,
        /// Who posted it.
        pub author_id: Option<UserId> = omit ["author_id"] select AuthorId,
        /// When it was posted.
        pub created_at: Option<OffsetDateTime> = omit via crate::object::DateV2 ["created_at"] select CreatedAt,
        /// The id of the conversation's first tweet.
        pub conversation_id: Option<TweetId> = omit ["conversation_id"] select ConversationId,
        /// The author of the tweet this one replies to.
        pub in_reply_to_user_id: Option<UserId> = omit ["in_reply_to_user_id"] select InReplyToUserId,
        /// The language X detected, a BCP 47 tag (`en`, `und` when unknown).
        pub lang: Option<CompactString> = omit ["lang"] select Lang,
        /// Whether links in the tweet may lead to sensitive content.
        pub possibly_sensitive: Option<bool> = omit ["possibly_sensitive"] select PossiblySensitive,
        /// Retweet, reply, like and quote counts.
        pub public_metrics: Option<TweetPublicMetrics> = omit ["public_metrics"] select PublicMetrics,
        /// Links, tags, mentions and annotations in the text.
        pub entities: Option<FullTextEntities> = omit ["entities"] select Entities,
        /// The tweets this one retweets, quotes or replies to (`referenced_posts` in 2.167).
        pub referenced_tweets: Vec<ReferencedTweet> = vec ["referenced_tweets"] select ReferencedTweets,
        /// Who may reply.
        pub reply_settings: Option<ReplySettings> = omit ["reply_settings"] select ReplySettings,
        /// The app that posted it (deprecated; X no longer fills it in for most tweets).
        pub source: Option<CompactString> = omit ["source"] select Source,
        /// Media and polls attached.
        pub attachments: Option<Attachments> = omit ["attachments"] select Attachments,
        /// Whether and until when the tweet can be edited.
        pub edit_controls: Option<EditControls> = omit ["edit_controls"] select EditControls,
        /// The part of `text` that clients show: `[start, end)` in code points.
        pub display_text_range: Option<[u32; 2]> = omit ["display_text_range"] select DisplayTextRange,
        /// Where the tweet is withheld.
        pub withheld: Option<TweetWithheld> = omit ["withheld"] select Withheld,
    }
}

impl Tweet {
    /// A tweet with only `id` and `text`.
    pub fn new(id: TweetId, text: &str) -> Self {
        let mut tweet = <Self as Fill>::blank();
        tweet.id = id;
        tweet.text = text.into();
        tweet
    }
}

wire_object! {
    /// A tweet's public counts.
    ///
    /// Retweet, reply and like counts have always been sent; the 2.159 spec also requires
    /// `impression_count` and `bookmark_count`, but tweets fetched before 2023 lack them, so those
    /// and `quote_count` are optional.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
    pub struct TweetPublicMetrics expecting "the public metrics of a v2 tweet" in both vocabularies {
        /// How many times it was retweeted (`repost_count` in 2.167).
        pub retweet_count: u64 = req ["retweet_count"],
        /// How many replies it has.
        pub reply_count: u64 = req ["reply_count"],
        /// How many likes it has.
        pub like_count: u64 = req ["like_count"],
        /// How many times it was quoted.
        pub quote_count: Option<u64> = omit ["quote_count"],
        /// How many times it was bookmarked.
        pub bookmark_count: Option<u64> = omit ["bookmark_count"],
        /// How many times it was seen.
        pub impression_count: Option<u64> = omit ["impression_count"],
    }
}

wire_object! {
    /// A tweet that this one retweets, quotes or replies to.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct ReferencedTweet expecting "a v2 referenced tweet" {
        /// How it is referenced.
        pub r#type: ReferenceType = req ["type"],
        /// The referenced tweet.
        pub id: TweetId = req ["id"],
    }
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

wire_object! {
    /// What is attached to a tweet (the media and polls themselves are in `includes`).
    #[derive(Debug, Clone, PartialEq, Eq, Default)]
    pub struct Attachments expecting "the attachments of a v2 tweet" {
        /// Keys of the attached media (`3_1365362339449561088`).
        pub media_keys: Vec<CompactString> = vec ["media_keys"],
        /// The tweets the media were first posted in, when they are re-used.
        pub media_source_tweet_id: Vec<TweetId> = vec ["media_source_tweet_id"],
        /// Ids of the attached polls.
        pub poll_ids: Vec<CompactString> = vec ["poll_ids"],
    }
}

wire_object! {
    /// Whether a tweet can still be edited.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub struct EditControls expecting "the edit controls of a v2 tweet" {
        /// Whether the tweet may be edited at all.
        pub is_edit_eligible: bool = req ["is_edit_eligible"],
        /// When editing closes.
        pub editable_until: OffsetDateTime = req via crate::object::DateV2 ["editable_until"],
        /// How many edits are left.
        pub edits_remaining: u32 = req ["edits_remaining"],
    }
}

wire_object! {
    /// Where a tweet is withheld, and why.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct TweetWithheld expecting "the withholding of a v2 tweet" {
        /// Whether it is withheld on copyright grounds.
        pub copyright: bool = req ["copyright"],
        /// ISO 3166-1 alpha-2 codes of the countries where it is withheld.
        pub country_codes: Vec<CompactString> = vec ["country_codes"],
        /// Whether the tweet or its whole author is withheld.
        pub scope: Option<WithheldScope> = omit ["scope"],
    }
}
