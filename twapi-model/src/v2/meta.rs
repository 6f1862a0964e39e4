//! `meta`: the page count and the tokens that walk a v2 list (followers, following).
//!
//! A page with more after it carries `next_token`; the request for the next page sends it back
//! as `pagination_token`. The last page has no `next_token`.

use std::fmt;

use compact_str::CompactString;
use serde::{Deserialize, Serialize};

/// The `meta` object of a v2 list response.
///
/// ```
/// let m: twapi_model::v2::Meta = serde_json::from_str(r#"{"result_count":35}"#).unwrap();
/// assert_eq!(m.result_count, Some(35));
/// assert!(m.next_token.is_none()); // the last page
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Meta {
    /// How many items this page holds (`0` on an empty page, which has no `data`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result_count: Option<u32>,
    /// The token of the next page; absent on the last page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_token: Option<PaginationToken>,
    /// The token of the previous page; absent on the first page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous_token: Option<PaginationToken>,
}

/// An opaque token naming a page of a v2 list (`next_token`, `previous_token`, and the
/// `pagination_token` query parameter that sends one back).
///
/// Tokens are X's to make; this type only carries one, so a pager's saved state can hold
/// it and a request can send it back verbatim.
///
/// ```
/// use twapi_model::v2::PaginationToken;
/// let t = PaginationToken::new("7140dibdnow9c7btw3w29grvxfcgvpb9n9coehpk7xz5i");
/// assert_eq!(t.to_string(), t.as_str());
/// assert_eq!(serde_json::to_string(&t).unwrap(), "\"7140dibdnow9c7btw3w29grvxfcgvpb9n9coehpk7xz5i\"");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct PaginationToken(CompactString);

impl PaginationToken {
    /// Wraps a token.
    pub fn new(token: impl Into<CompactString>) -> Self {
        Self(token.into())
    }

    /// The token, as it goes into `pagination_token=`.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for PaginationToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&str> for PaginationToken {
    fn from(token: &str) -> Self {
        Self(token.into())
    }
}

impl From<String> for PaginationToken {
    fn from(token: String) -> Self {
        Self(token.into())
    }
}

impl AsRef<str> for PaginationToken {
    fn as_ref(&self) -> &str {
        &self.0
    }
}
