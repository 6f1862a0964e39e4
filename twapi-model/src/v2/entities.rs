//! Entities: the URLs, hashtags, cashtags, mentions and annotations X found in a text (a
//! user's description, a user's `url`, a tweet's text), with their positions.
//!
//! Positions count Unicode code points from zero. `start` is inclusive; `end` is exclusive,
//! except in [`Annotation`], where the spec makes it inclusive.

use compact_str::CompactString;
use serde::{Deserialize, Serialize};

use crate::UserId;

/// The entities of a text (`FullTextEntities`): a user's description, a tweet's text.
///
/// Each list is omitted on the wire when X found nothing of its kind, so an empty list here
/// is encoded by leaving the key out.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct FullTextEntities {
    /// Links, with what X learned about their targets.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub urls: Vec<UrlEntity>,
    /// `#hashtags`, without the `#`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hashtags: Vec<TagEntity>,
    /// `$CASHTAGS`, without the `$`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cashtags: Vec<TagEntity>,
    /// `@mentions`, without the `@`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub mentions: Vec<MentionEntity>,
    /// Named things (people, places, products) X recognised in the text.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub annotations: Vec<Annotation>,
}

/// The entities of a user's profile `url` field: the one link, expanded.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct UrlEntities {
    /// The links (in practice one).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub urls: Vec<UrlEntity>,
}

/// A link found in a text: the `t.co` URL as written, and where it leads.
///
/// ```
/// let e: twapi_model::v2::UrlEntity = serde_json::from_str(
///     r#"{"start":0,"end":23,"url":"https://t.co/3ZX3TNiZCY","expanded_url":"https://developer.x.com","display_url":"developer.x.com"}"#,
/// ).unwrap();
/// assert_eq!(e.display_url.as_deref(), Some("developer.x.com"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UrlEntity {
    /// First code point of the link (inclusive).
    pub start: u32,
    /// End of the link (exclusive).
    pub end: u32,
    /// The URL as it appears in the text (a `t.co` link).
    pub url: CompactString,
    /// The URL the link stands for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expanded_url: Option<CompactString>,
    /// The shortened form X shows in place of the link.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_url: Option<CompactString>,
    /// The HTTP status X got when it fetched the target.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// The title of the target page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<CompactString>,
    /// The description of the target page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<CompactString>,
    /// The URL after following every redirect.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unwound_url: Option<CompactString>,
    /// Preview images of the target page.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub images: Vec<UrlImage>,
    /// The media key when the link points at attached media (`3_1365362339449561088`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media_key: Option<CompactString>,
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

/// A hashtag or a cashtag: the same shape, `tag` without its `#` or `$`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TagEntity {
    /// First code point of the tag, at the `#` or `$` (inclusive).
    pub start: u32,
    /// End of the tag (exclusive).
    pub end: u32,
    /// The tag's text, without `#` or `$`.
    pub tag: CompactString,
}

/// An `@mention` of a user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MentionEntity {
    /// First code point of the mention, at the `@` (inclusive).
    pub start: u32,
    /// End of the mention (exclusive).
    pub end: u32,
    /// The mentioned handle, without `@`.
    pub username: CompactString,
    /// The mentioned user's id, when X resolved it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<UserId>,
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
