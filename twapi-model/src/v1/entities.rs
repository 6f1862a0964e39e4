//! Entities: the URLs, hashtags, cashtags, mentions and media X found in a text, with where
//! they sit in it.
//!
//! `indices` is `[start, end]`: the half-open range of the entity in the text, counted in
//! Unicode code points (not bytes, not UTF-16 units).
//!
//! Unknown keys are ignored on decode. Media are kept light: what a follow/search client
//! shows (ids, links, type, sizes); `video_info`, `additional_media_info` and `ext_alt_text`
//! are not modelled and are dropped.

use compact_str::CompactString;
use serde::{Deserialize, Serialize};

use crate::object::wire_object;
use crate::reader::read_with_serde;
use crate::{TweetId, UserId};

wire_object! {
    /// The entities of a user's profile: the links in `url` and in `description`.
    ///
    /// ```
    /// use twapi_model::v1::UserEntities;
    /// let e: UserEntities = serde_json::from_str(r#"{"description":{"urls":[]}}"#).unwrap();
    /// assert!(e.url.is_none() && e.description.urls.is_empty());
    /// ```
    #[derive(Debug, Clone, PartialEq, Eq, Default)]
    pub struct UserEntities expecting "the entities of a v1.1 user" {
        /// The profile link; absent when the user set none.
        pub url: Option<UrlEntities> = omit ["url"],
        /// The links in the bio (present, often with no URLs).
        pub description: UrlEntities = default ["description"],
    }
}

wire_object! {
    /// A list of links: the `{"urls": [...]}` wrapper X puts around URL entities.
    #[derive(Debug, Clone, PartialEq, Eq, Default)]
    pub struct UrlEntities expecting "a v1.1 list of url entities" {
        /// The links, in text order.
        pub urls: Vec<UrlEntity> = default ["urls"],
    }
}

wire_object! {
    /// A link: the `t.co` form that is in the text, and what it stands for.
    ///
    /// `url` and `indices` are in every url entity of every source; very old profile links
    /// have a `null` `expanded_url` and no `display_url`.
    ///
    /// Like every entity's, `indices` is `[start, end]`: the half-open range of the entity in
    /// its text, counted in Unicode code points (not bytes, not UTF-16 units).
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct UrlEntity expecting "a v1.1 url entity" {
        /// The wrapped `t.co` link as it appears in the text. Required: the entity is this
        /// link, in every url entity of every source.
        pub url: CompactString = req ["url"],
        /// The original link (`null` on some very old profiles).
        pub expanded_url: Option<CompactString> = null ["expanded_url"],
        /// The link as clients display it (shortened, no scheme); absent where `expanded_url`
        /// is null.
        pub display_url: Option<CompactString> = omit ["display_url"],
        /// `[start, end]` in the text, in code points.
        pub indices: [u32; 2] = req ["indices"],
    }
}

wire_object! {
    /// The entities of a tweet.
    #[derive(Debug, Clone, PartialEq, Default)]
    pub struct TweetEntities expecting "the entities of a v1.1 tweet" {
        /// `#hashtags`. Present in every entities object of every source (2011–2022); `[]`
        /// when absent, which no real body is.
        pub hashtags: Vec<Hashtag> = default ["hashtags"],
        /// `$cashtags` ("symbols"), the same shape as hashtags; absent from entities served
        /// before cashtags were (twitter4s's 2015 followers), so not sent is not empty.
        pub symbols: Option<Vec<Hashtag>> = omit ["symbols"],
        /// `@mentions`. Present in every entities object of every source, as `hashtags`.
        pub user_mentions: Vec<UserMention> = default ["user_mentions"],
        /// Links. Present in every entities object of every source, as `hashtags`.
        pub urls: Vec<UrlEntity> = default ["urls"],
        /// The first photo, video or GIF; X sends the key only when the tweet has media.
        pub media: Option<Vec<Media>> = omit ["media"],
    }
}

wire_object! {
    /// A `#hashtag` or a `$cashtag` (`symbols`): the text without its sign, and where it is.
    ///
    /// Both fields are required: they are in every hashtag of every source (2011–2022).
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct Hashtag expecting "a v1.1 hashtag entity" {
        /// The tag without `#` or `$`.
        pub text: CompactString = req ["text"],
        /// `[start, end]` in the text, in code points (the sign included).
        pub indices: [u32; 2] = req ["indices"],
    }
}

/// Every photo, video or GIF of a tweet (`extended_entities`; `entities.media` holds the
/// first one only).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ExtendedEntities {
    /// The media, in order.
    #[serde(default)]
    pub media: Vec<Media>,
}

wire_object! {
    /// An `@mention`: who, and where in the text. The fields are in X's wire order, which the
    /// reader expects first.
    ///
    /// Every field is required: each is in every mention of every source (2011–2022).
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct UserMention expecting "a v1.1 user mention entity" {
        /// Their screen name, without `@`.
        pub screen_name: CompactString = req ["screen_name"],
        /// Their display name.
        pub name: CompactString = req ["name"],
        /// The mentioned user (`id` / `id_str`).
        pub id: UserId = twin ["id", "id_str"],
        /// `[start, end]` in the text, in code points (the `@` included).
        pub indices: [u32; 2] = req ["indices"],
    }
}

wire_object! {
    /// A photo, video or animated GIF, kept light: ids, links, type and sizes.
    ///
    /// `video_info`, `additional_media_info` and `ext_alt_text` are not modelled; they are
    /// dropped on decode. The fields not marked optional are in every media entity of every
    /// source (python-twitter 2015–2017, tweepy 2021).
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct Media expecting "a v1.1 media entity" {
        /// The media id (`id` / `id_str`).
        pub id: u64 = twin ["id", "id_str"],
        /// `photo`, `video` or `animated_gif` (the wire key is `type`).
        pub kind: CompactString = req ["type"],
        /// The `t.co` link in the text.
        pub url: CompactString = req ["url"],
        /// The link as clients display it.
        pub display_url: CompactString = req ["display_url"],
        /// The link to the tweet's media page.
        pub expanded_url: CompactString = req ["expanded_url"],
        /// The image (or a video's poster frame), over http.
        pub media_url: CompactString = req ["media_url"],
        /// The same over https.
        pub media_url_https: CompactString = req ["media_url_https"],
        /// `[start, end]` of the link in the text, in code points.
        pub indices: [u32; 2] = req ["indices"],
        /// The sizes X serves.
        pub sizes: MediaSizes = default ["sizes"],
        /// For media reused from another tweet: that tweet.
        pub source_status_id: Option<TweetId> = twin_omit ["source_status_id", "source_status_id_str"],
        /// For media reused from another tweet: its author.
        pub source_user_id: Option<UserId> = twin_omit ["source_user_id", "source_user_id_str"],
    }
}

/// The four sizes X serves a photo in.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct MediaSizes {
    /// 150×150, cropped.
    pub thumb: MediaSize,
    /// Up to 680 wide.
    pub small: MediaSize,
    /// Up to 1200 wide.
    pub medium: MediaSize,
    /// Up to 2048 wide.
    pub large: MediaSize,
}

/// One served size.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct MediaSize {
    /// Width in pixels.
    pub w: u32,
    /// Height in pixels.
    pub h: u32,
    /// `fit` or `crop`.
    pub resize: CompactString,
}

// Rare on the wire (media are in a minority of tweets): serde reads them.
read_with_serde!(ExtendedEntities, MediaSizes);
