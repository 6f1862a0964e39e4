//! The v2 `User` object and its parts.

use compact_str::CompactString;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::connection::ConnectionStatuses;
use super::entities::{FullTextEntities, UrlEntities};
use crate::{TweetId, UserId};

/// A user as v2 sends it: `id`, `name` and `username` always, every other field only when the
/// request asked for it in `user.fields`.
///
/// Holds every field of the 2.159 `User` schema, plus the five that 2.159 lets a request ask
/// for but leaves out of its schema (`confirmed_email`, `is_identity_verified`, `parody`,
/// `subscription`, `verified_followers_count`), typed as the 2.167 spec types them. Unknown
/// fields are ignored.
///
/// ```
/// use twapi_model::v2::User;
/// let u: User = serde_json::from_str(
///     r#"{"id":"2244994945","name":"Developers","username":"XDevelopers","created_at":"2013-12-14T04:35:55.000Z"}"#,
/// ).unwrap();
/// assert_eq!(u.id.get(), 2_244_994_945);
/// assert_eq!(u.created_at.map(|t| t.year()), Some(2013));
/// assert_eq!(u.protected, None); // not asked for
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct User {
    /// The user's id, a string of digits on the wire.
    pub id: UserId,
    /// The display name, free text (emoji and all).
    pub name: CompactString,
    /// The handle, `^[A-Za-z0-9_]{1,15}$`, without `@`.
    pub username: CompactString,
    /// When the account was created.
    #[serde(
        default,
        with = "crate::date::rfc3339::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub created_at: Option<OffsetDateTime>,
    /// The profile's bio.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<CompactString>,
    /// Links, tags and mentions in the bio and the profile URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entities: Option<UserEntities>,
    /// The free-text location of the profile.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<CompactString>,
    /// The pinned tweet; expand it with `expansions=pinned_tweet_id` (`pinned_post_id` in
    /// 2.167, which names the field so too).
    #[serde(
        default,
        alias = "pinned_post_id",
        skip_serializing_if = "Option::is_none"
    )]
    pub pinned_tweet_id: Option<TweetId>,
    /// The user's latest tweet; expand it with `expansions=most_recent_tweet_id`
    /// (`most_recent_post_id` in 2.167, which names the field so too).
    #[serde(
        default,
        alias = "most_recent_post_id",
        skip_serializing_if = "Option::is_none"
    )]
    pub most_recent_tweet_id: Option<TweetId>,
    /// The avatar's URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile_image_url: Option<CompactString>,
    /// The banner's URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile_banner_url: Option<CompactString>,
    /// Whether only approved followers see the user's tweets; following such a user makes a
    /// request (`pending_follow`) instead of a follow.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protected: Option<bool>,
    /// Follower, following, tweet, listed and like counts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_metrics: Option<UserPublicMetrics>,
    /// The URL of the profile (usually a `t.co` link; see `entities.url`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<CompactString>,
    /// Whether the user has a checkmark.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verified: Option<bool>,
    /// Which checkmark.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verified_type: Option<VerifiedType>,
    /// The user's paid subscription tier.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subscription_type: Option<SubscriptionType>,
    /// Whether the authenticated user may send this user a direct message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub receives_your_dm: Option<bool>,
    /// How the authenticated user and this user are connected; an empty set (X may send an
    /// empty list) means "not connected", distinct from "not asked for".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connection_status: Option<ConnectionStatuses>,
    /// The organisation the user is affiliated with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub affiliation: Option<Affiliation>,
    /// Where the account is withheld.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub withheld: Option<UserWithheld>,
    /// The account's confirmed email address (only for the authenticated user, with the
    /// `users.email` scope).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confirmed_email: Option<CompactString>,
    /// Whether the user completed identity verification.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_identity_verified: Option<bool>,
    /// Whether the account is labelled as parody.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parody: Option<bool>,
    /// The subscription relationship between this user and the authenticated user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subscription: Option<UserSubscription>,
    /// How many verified accounts follow the user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verified_followers_count: Option<u64>,
}

impl User {
    /// A user with only the three fields v2 always sends (what a request without
    /// `user.fields` gets back).
    ///
    /// ```
    /// let u = twapi_model::v2::User::new(12.into(), "jack", "jack");
    /// assert_eq!(serde_json::to_string(&u).unwrap(), r#"{"id":"12","name":"jack","username":"jack"}"#);
    /// ```
    pub fn new(id: UserId, name: &str, username: &str) -> Self {
        Self {
            id,
            name: name.into(),
            username: username.into(),
            created_at: None,
            description: None,
            entities: None,
            location: None,
            pinned_tweet_id: None,
            most_recent_tweet_id: None,
            profile_image_url: None,
            profile_banner_url: None,
            protected: None,
            public_metrics: None,
            url: None,
            verified: None,
            verified_type: None,
            subscription_type: None,
            receives_your_dm: None,
            connection_status: None,
            affiliation: None,
            withheld: None,
            confirmed_email: None,
            is_identity_verified: None,
            parody: None,
            subscription: None,
            verified_followers_count: None,
        }
    }
}

/// The entities of a profile: of its `url` field and of its `description`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct UserEntities {
    /// The profile URL, expanded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<UrlEntities>,
    /// Links, tags, mentions and annotations in the bio.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<FullTextEntities>,
}

/// A user's public counts.
///
/// The four counts are required by the spec; `like_count` is newer and optional.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct UserPublicMetrics {
    /// How many users follow this user.
    pub followers_count: u64,
    /// How many users this user follows.
    pub following_count: u64,
    /// How many tweets (retweets included) the user posted; `post_count` in 2.167.
    #[serde(alias = "post_count")]
    pub tweet_count: u64,
    /// How many lists include the user.
    pub listed_count: u64,
    /// How many tweets the user liked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub like_count: Option<u64>,
}

/// The organisation a user is affiliated with (the small badge next to the name).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Affiliation {
    /// The badge image.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub badge_url: Option<CompactString>,
    /// What the affiliation is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<CompactString>,
    /// A page about the affiliation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<CompactString>,
    /// The affiliated organisation's accounts; expand with `expansions=affiliation.user_id`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub user_id: Vec<UserId>,
}

/// Where a user is withheld.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct UserWithheld {
    /// ISO 3166-1 alpha-2 codes (`DE`, `TR`) of the countries where the account is withheld.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub country_codes: Vec<CompactString>,
    /// `user` when the whole account is withheld.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<WithheldScope>,
}

/// The subscription relationship between a user and the authenticated user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserSubscription {
    /// Whether this user pays for a subscription to the authenticated user.
    pub subscribes_to_you: bool,
}

open_enum! {
    /// Which checkmark a user has (`verified_type`).
    pub enum VerifiedType {
        /// A paid (X Premium) checkmark.
        Blue = "blue",
        /// A government or multilateral organisation (grey).
        Government = "government",
        /// A verified organisation (gold).
        Business = "business",
        /// No checkmark.
        None = "none",
    }
}

open_enum! {
    /// A user's paid subscription tier (`subscription_type`).
    pub enum SubscriptionType {
        /// Premium Basic.
        Basic = "Basic",
        /// Premium.
        Premium = "Premium",
        /// Premium+.
        PremiumPlus = "PremiumPlus",
        /// No subscription.
        None = "None",
    }
}

open_enum! {
    /// What is withheld (`withheld.scope`).
    pub enum WithheldScope {
        /// The whole account.
        User = "user",
        /// One tweet.
        Tweet = "tweet",
    }
}
