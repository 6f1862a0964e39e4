//! The v2 `User` object and its parts.

use compact_str::CompactString;
use time::OffsetDateTime;

use super::connection::ConnectionStatuses;
use super::entities::{FullTextEntities, UrlEntities};
use crate::object::{Fill, wire_object};
use crate::{TweetId, UserId};

wire_object! {
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
    #[derive(Debug, Clone, PartialEq)]
    pub struct User expecting "a v2 user object" in both vocabularies selected by UserField {
        /// The user's id, a string of digits on the wire.
        pub id: UserId = req ["id"] select Id,
        /// The display name, free text (emoji and all).
        pub name: CompactString = req ["name"] select Name,
        /// The handle, `^[A-Za-z0-9_]{1,15}$`, without `@`.
        pub username: CompactString = req ["username"] select Username,
        /// When the account was created.
        pub created_at: Option<OffsetDateTime> = omit via crate::object::DateV2 ["created_at"] select CreatedAt,
        /// The profile's bio.
        pub description: Option<CompactString> = omit ["description"] select Description,
        /// Links, tags and mentions in the bio and the profile URL.
        pub entities: Option<UserEntities> = omit ["entities"] select Entities,
        /// The free-text location of the profile.
        pub location: Option<CompactString> = omit ["location"] select Location,
        /// The pinned tweet; expand it with `expansions=pinned_tweet_id` (`pinned_post_id` in
        /// 2.167, which names the field so too).
        pub pinned_tweet_id: Option<TweetId> = omit ["pinned_tweet_id"] select PinnedTweetId,
        /// The user's latest tweet; expand it with `expansions=most_recent_tweet_id`
        /// (`most_recent_post_id` in 2.167, which names the field so too).
        pub most_recent_tweet_id: Option<TweetId> = omit ["most_recent_tweet_id"] select MostRecentTweetId,
        /// The avatar's URL.
        pub profile_image_url: Option<CompactString> = omit ["profile_image_url"] select ProfileImageUrl,
        /// The banner's URL.
        pub profile_banner_url: Option<CompactString> = omit ["profile_banner_url"] select ProfileBannerUrl,
        /// Whether only approved followers see the user's tweets; following such a user makes a
        /// request (`pending_follow`) instead of a follow.
        pub protected: Option<bool> = omit ["protected"] select Protected,
        /// Follower, following, tweet, listed and like counts.
        pub public_metrics: Option<UserPublicMetrics> = omit ["public_metrics"] select PublicMetrics,
        /// The URL of the profile (usually a `t.co` link; see `entities.url`).
        pub url: Option<CompactString> = omit ["url"] select Url,
        /// Whether the user has a checkmark.
        pub verified: Option<bool> = omit ["verified"] select Verified,
        /// Which checkmark.
        pub verified_type: Option<VerifiedType> = omit ["verified_type"] select VerifiedType,
        /// The user's paid subscription tier.
        pub subscription_type: Option<SubscriptionType> = omit ["subscription_type"] select SubscriptionType,
        /// Whether the authenticated user may send this user a direct message.
        pub receives_your_dm: Option<bool> = omit ["receives_your_dm"] select ReceivesYourDm,
        /// How the authenticated user and this user are connected; an empty set (X may send an
        /// empty list) means "not connected", distinct from "not asked for".
        pub connection_status: Option<ConnectionStatuses> = omit ["connection_status"] select ConnectionStatus,
        /// The organisation the user is affiliated with.
        pub affiliation: Option<Affiliation> = omit ["affiliation"] select Affiliation,
        /// Where the account is withheld.
        pub withheld: Option<UserWithheld> = omit ["withheld"] select Withheld,
        /// The account's confirmed email address (only for the authenticated user, with the
        /// `users.email` scope).
        pub confirmed_email: Option<CompactString> = omit ["confirmed_email"] select ConfirmedEmail,
        /// Whether the user completed identity verification.
        pub is_identity_verified: Option<bool> = omit ["is_identity_verified"] select IsIdentityVerified,
        /// Whether the account is labelled as parody.
        pub parody: Option<bool> = omit ["parody"] select Parody,
        /// The subscription relationship between this user and the authenticated user.
        pub subscription: Option<UserSubscription> = omit ["subscription"] select Subscription,
        /// How many verified accounts follow the user.
        pub verified_followers_count: Option<u64> = omit ["verified_followers_count"] select VerifiedFollowersCount,
    }
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
        let mut user = <Self as Fill>::blank();
        user.id = id;
        user.name = name.into();
        user.username = username.into();
        user
    }
}

wire_object! {
    /// The entities of a profile: of its `url` field and of its `description`.
    #[derive(Debug, Clone, PartialEq, Default)]
    pub struct UserEntities expecting "the entities of a v2 user" {
        /// The profile URL, expanded.
        pub url: Option<UrlEntities> = omit ["url"],
        /// Links, tags, mentions and annotations in the bio.
        pub description: Option<FullTextEntities> = omit ["description"],
    }
}

wire_object! {
    /// A user's public counts.
    ///
    /// The four counts are required by the spec; `like_count` is newer and optional.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
    pub struct UserPublicMetrics expecting "the public metrics of a v2 user" in both vocabularies {
        /// How many users follow this user.
        pub followers_count: u64 = req ["followers_count"],
        /// How many users this user follows.
        pub following_count: u64 = req ["following_count"],
        /// How many tweets (retweets included) the user posted; `post_count` in 2.167.
        pub tweet_count: u64 = req ["tweet_count"],
        /// How many lists include the user.
        pub listed_count: u64 = req ["listed_count"],
        /// How many tweets the user liked.
        pub like_count: Option<u64> = omit ["like_count"],
    }
}

wire_object! {
    /// The organisation a user is affiliated with (the small badge next to the name).
    #[derive(Debug, Clone, PartialEq, Eq, Default)]
    pub struct Affiliation expecting "a v2 affiliation" {
        /// The badge image.
        pub badge_url: Option<CompactString> = omit ["badge_url"],
        /// What the affiliation is.
        pub description: Option<CompactString> = omit ["description"],
        /// A page about the affiliation.
        pub url: Option<CompactString> = omit ["url"],
        /// The affiliated organisation's accounts; expand with `expansions=affiliation.user_id`.
        pub user_id: Vec<UserId> = vec ["user_id"],
    }
}

wire_object! {
    /// Where a user is withheld.
    #[derive(Debug, Clone, PartialEq, Eq, Default)]
    pub struct UserWithheld expecting "the withholding of a v2 user" {
        /// ISO 3166-1 alpha-2 codes (`DE`, `TR`) of the countries where the account is withheld.
        pub country_codes: Vec<CompactString> = vec ["country_codes"],
        /// `user` when the whole account is withheld.
        pub scope: Option<WithheldScope> = omit ["scope"],
    }
}

wire_object! {
    /// The subscription relationship between a user and the authenticated user.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub struct UserSubscription expecting "a v2 subscription" {
        /// Whether this user pays for a subscription to the authenticated user.
        pub subscribes_to_you: bool = req ["subscribes_to_you"],
    }
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
