//! Entities: the URLs, hashtags, cashtags, mentions and annotations X found in a text (a
//! user's description, a user's `url`, a tweet's text), with their positions.
//!
//! Positions count Unicode code points from zero. `start` is inclusive; `end` is exclusive,
//! except in [`Annotation`], where the spec makes it inclusive.

use compact_str::CompactString;
use serde::{Deserialize, Serialize};

use crate::UserId;
use crate::object::wire_object;
use crate::reader::read_with_serde;

wire_object! {
    /// The entities of a text (`FullTextEntities`): a user's description, a tweet's text.
    ///
    /// Each list is omitted on the wire when X found nothing of its kind, so an empty list here
    /// is encoded by leaving the key out.
    #[derive(Debug, Clone, PartialEq, Default)]
    pub struct FullTextEntities expecting "the entities of a v2 text" {
        /// Links, with what X learned about their targets.
        pub urls: Vec<UrlEntity> = vec ["urls"],
        /// `#hashtags`, without the `#`.
        pub hashtags: Vec<TagEntity> = vec ["hashtags"],
        /// `$CASHTAGS`, without the `$`.
        pub cashtags: Vec<TagEntity> = vec ["cashtags"],
        /// `@mentions`, without the `@`.
        pub mentions: Vec<MentionEntity> = vec ["mentions"],
        /// Named things (people, places, products) X recognised in the text.
        pub annotations: Vec<Annotation> = vec ["annotations"],
    }
}

wire_object! {
    /// The entities of a user's profile `url` field: the one link, expanded.
    #[derive(Debug, Clone, PartialEq, Eq, Default)]
    pub struct UrlEntities expecting "a v2 list of url entities" {
        /// The links (in practice one).
        pub urls: Vec<UrlEntity> = vec ["urls"],
    }
}

wire_object! {
    /// A link found in a text: the `t.co` URL as written, and where it leads.
    ///
    /// ```
    /// let e: twapi_model::v2::UrlEntity = serde_json::from_str(
    ///     r#"{"start":0,"end":23,"url":"https://t.co/3ZX3TNiZCY","expanded_url":"https://developer.x.com","display_url":"developer.x.com"}"#,
    /// ).unwrap();
    /// assert_eq!(e.display_url.as_deref(), Some("developer.x.com"));
    /// ```
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct UrlEntity expecting "a v2 url entity" {
        /// First code point of the link (inclusive).
        pub start: u32 = req ["start"],
        /// End of the link (exclusive).
        pub end: u32 = req ["end"],
        /// The URL as it appears in the text (a `t.co` link).
        pub url: CompactString = req ["url"],
        /// The URL the link stands for.
        pub expanded_url: Option<CompactString> = omit ["expanded_url"],
        /// The shortened form X shows in place of the link.
        pub display_url: Option<CompactString> = omit ["display_url"],
        /// The HTTP status X got when it fetched the target.
        pub status: Option<u16> = omit ["status"],
        /// The title of the target page.
        pub title: Option<CompactString> = omit ["title"],
        /// The description of the target page.
        pub description: Option<CompactString> = omit ["description"],
        /// The URL after following every redirect.
        pub unwound_url: Option<CompactString> = omit ["unwound_url"],
        /// Preview images of the target page.
        pub images: Vec<UrlImage> = vec ["images"],
        /// The media key when the link points at attached media (`3_1365362339449561088`).
        pub media_key: Option<CompactString> = omit ["media_key"],
    }
}

/// A preview image of a link's target.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct UrlImage {
    /// Where the image is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<CompactString>,
    /// Width in pixels.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub width: Option<u32>,
    /// Height in pixels.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub height: Option<u32>,
}

wire_object! {
    /// A hashtag or a cashtag: the same shape, `tag` without its `#` or `$`.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct TagEntity expecting "a v2 hashtag or cashtag entity" {
        /// First code point of the tag, at the `#` or `$` (inclusive).
        pub start: u32 = req ["start"],
        /// End of the tag (exclusive).
        pub end: u32 = req ["end"],
        /// The tag's text, without `#` or `$`.
        pub tag: CompactString = req ["tag"],
    }
}

wire_object! {
    /// An `@mention` of a user.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct MentionEntity expecting "a v2 mention entity" {
        /// First code point of the mention, at the `@` (inclusive).
        pub start: u32 = req ["start"],
        /// End of the mention (exclusive).
        pub end: u32 = req ["end"],
        /// The mentioned handle, without `@`.
        pub username: CompactString = req ["username"],
        /// The mentioned user's id, when X resolved it.
        pub id: Option<UserId> = omit ["id"],
    }
}

/// Something X recognised in a text: a person, a place, a product.
///
/// Unlike the other entities, `end` is inclusive.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Annotation {
    /// First code point (inclusive).
    pub start: u32,
    /// Last code point (inclusive).
    pub end: u32,
    /// How sure X is, from 0 to 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub probability: Option<f64>,
    /// What kind of thing it is (`Person`, `Place`, `Product`, `Organization`, `Other`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub r#type: Option<CompactString>,
    /// The text X matched, normalised.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub normalized_text: Option<CompactString>,
}

// Rare on the wire (a link's preview images), or holding floating point: serde reads them.
read_with_serde!(UrlImage, Annotation);
