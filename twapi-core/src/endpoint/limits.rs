//! How much an endpoint may be called: 15-minute windows, 24-hour caps, page sizes.

use serde::{Deserialize, Serialize};

/// The documented number of requests per 15-minute window; `None` means X documents no
/// window for that context (either unlimited, or the context is refused, see
/// [`Endpoint::auth`](super::Endpoint::auth)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct WindowLimits {
    /// Requests per window made for one user (OAuth 1.0a or OAuth 2.0 user context).
    pub user: Option<u32>,
    /// Requests per window made with the app-only bearer token.
    pub app: Option<u32>,
}

/// Which of X's published sets of 15-minute limits the table's windows are read from.
///
/// X has changed its documented limits over the years; recordings and older contracts were
/// made under the earlier ones. Each row of the [endpoint table](super) declares today's
/// figures and, where they differed, the classic ones beside them, with their sources.
///
/// ```
/// use twapi_core::endpoint::{EndpointId, LimitsProfile};
///
/// let followers = EndpointId::V2Followers.descriptor();
/// assert_eq!(followers.window_for(LimitsProfile::Current2026).user, Some(300));
/// assert_eq!(followers.window_for(LimitsProfile::Classic2021).user, Some(15));
/// assert_eq!(LimitsProfile::default(), LimitsProfile::Current2026);
/// ```
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum LimitsProfile {
    /// X's rate-limit table as documented today (docs.x.com `x-api/fundamentals/rate-limits`,
    /// unchanged since 2026-01-16; API-FACTS.md 4.5): followers and following 300 per
    /// 15 minutes per app and per user, lookups and search 900 per user and 300 per app.
    #[default]
    #[serde(rename = "current_2026")]
    Current2026,
    /// The limits of the v1.1 docs and the pre-tier v2 API reference pages, as real headers
    /// showed them in 2021–2022 (API-FACTS.md 3.1 and 3.3): followers and following 15 per
    /// 15 minutes. For recordings and contracts made under them.
    #[serde(rename = "classic_2021")]
    Classic2021,
}

impl LimitsProfile {
    /// Every profile.
    pub const ALL: [LimitsProfile; 2] = [Self::Current2026, Self::Classic2021];

    /// The stable name, as serialized (`"current_2026"`, `"classic_2021"`).
    pub const fn name(self) -> &'static str {
        match self {
            Self::Current2026 => "current_2026",
            Self::Classic2021 => "classic_2021",
        }
    }

    /// The profile of a [`LimitsProfile::name`] (also accepts `current`, `classic`, `2026`,
    /// `2021`, and `-` for `_`).
    pub fn from_name(name: &str) -> Option<Self> {
        match name.replace('-', "_").to_ascii_lowercase().as_str() {
            "current_2026" | "current" | "2026" => Some(Self::Current2026),
            "classic_2021" | "classic" | "2021" => Some(Self::Classic2021),
            _ => None,
        }
    }
}

impl WindowLimits {
    /// The limit that applies to a request made in user context or app-only.
    pub const fn for_context(self, user_context: bool) -> Option<u32> {
        if user_context { self.user } else { self.app }
    }
}

/// A 24-hour budget shared by the endpoints that name it.
///
/// Follows made through `friendships/create` and `POST /2/users/:id/following` draw from one
/// budget, and so do unfollows through `friendships/destroy` and the v2 DELETE: X counts the
/// action, not the API version, so the limiter must too.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum DailyBucket {
    /// Follows: 400 per user and 1,000 per app in 24 hours.
    Follow,
    /// Unfollows: 500 per app in 24 hours.
    Unfollow,
}

impl DailyBucket {
    /// Every bucket.
    pub const ALL: [DailyBucket; 2] = [Self::Follow, Self::Unfollow];

    /// The documented caps of this bucket.
    pub const fn caps(self) -> DailyCaps {
        match self {
            Self::Follow => DailyCaps {
                user: Some(400),
                app: Some(1_000),
            },
            Self::Unfollow => DailyCaps {
                user: None,
                app: Some(500),
            },
        }
    }
}

/// The documented 24-hour caps of a [`DailyBucket`]; `None` means no documented cap.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct DailyCaps {
    /// Actions per user per 24 hours.
    pub user: Option<u32>,
    /// Actions per app (all of its users together) per 24 hours.
    pub app: Option<u32>,
}

/// The parameter that sets how many items a page holds, and its documented bounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[non_exhaustive]
pub struct PageSize {
    /// The query parameter's name (`count` in v1.1, `max_results` in v2).
    pub param: &'static str,
    /// The smallest accepted value.
    pub min: u32,
    /// The largest accepted value.
    pub max: u32,
    /// What X uses when the parameter is omitted.
    pub default: u32,
}

impl PageSize {
    /// Whether `value` is within the documented bounds.
    pub const fn accepts(self, value: u32) -> bool {
        value >= self.min && value <= self.max
    }
}
