//! The v2 field and expansion selectors (`user.fields`, `expansions`, `tweet.fields`), as
//! open enums: the 2.159 vocabulary by name, anything newer kept verbatim.

use std::fmt;

use crate::param::ParamValue;

macro_rules! selector {
    ($(#[$doc:meta])* $name:ident, $expected:literal { $($(#[$vdoc:meta])* $variant:ident = $wire:literal,)* }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $($(#[$vdoc])* $variant,)*
            /// A value this version does not name, sent and read verbatim.
            Other(String),
        }

        impl $name {
            /// Every named value, in the spec's order.
            pub const ALL: &'static [$name] = &[$($name::$variant,)*];

            /// The wire name.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $wire,)*
                    Self::Other(s) => s,
                }
            }

            /// Reads a wire name; unknown names become [`Self::Other`].
            pub fn parse(s: &str) -> Self {
                match s {
                    $($wire => Self::$variant,)*
                    other => Self::Other(other.to_owned()),
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ParamValue for $name {
            const EXPECTED: &'static str = $expected;
            fn to_param(&self) -> String {
                self.as_str().to_owned()
            }
            fn from_param(raw: &str) -> Option<Self> {
                // A selector is a non-empty token of letters, digits, `_` and `.`: anything
                // else cannot be a field name and would break the comma-joined list.
                let ok = !raw.is_empty()
                    && raw.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.');
                ok.then(|| Self::parse(raw))
            }
        }
    };
}

selector!(
    /// A `user.fields` value: which user fields a v2 response includes beyond the default
    /// `id`, `name` and `username`.
    UserField, "a user field name" {
    /// `affiliation`
    Affiliation = "affiliation",
    /// `confirmed_email`
    ConfirmedEmail = "confirmed_email",
    /// `connection_status`
    ConnectionStatus = "connection_status",
    /// `created_at`
    CreatedAt = "created_at",
    /// `description`
    Description = "description",
    /// `entities`
    Entities = "entities",
    /// `id`
    Id = "id",
    /// `is_identity_verified`
    IsIdentityVerified = "is_identity_verified",
    /// `location`
    Location = "location",
    /// `most_recent_tweet_id`
    MostRecentTweetId = "most_recent_tweet_id",
    /// `name`
    Name = "name",
    /// `parody`
    Parody = "parody",
    /// `pinned_tweet_id`
    PinnedTweetId = "pinned_tweet_id",
    /// `profile_banner_url`
    ProfileBannerUrl = "profile_banner_url",
    /// `profile_image_url`
    ProfileImageUrl = "profile_image_url",
    /// `protected`
    Protected = "protected",
    /// `public_metrics`
    PublicMetrics = "public_metrics",
    /// `receives_your_dm`
    ReceivesYourDm = "receives_your_dm",
    /// `subscription`
    Subscription = "subscription",
    /// `subscription_type`
    SubscriptionType = "subscription_type",
    /// `url`
    Url = "url",
    /// `username`
    Username = "username",
    /// `verified`
    Verified = "verified",
    /// `verified_followers_count`
    VerifiedFollowersCount = "verified_followers_count",
    /// `verified_type`
    VerifiedType = "verified_type",
    /// `withheld`
    Withheld = "withheld",
});

selector!(
    /// An `expansions` value of the user endpoints: which referenced objects go into
    /// `includes`.
    Expansion, "an expansion name" {
    /// `affiliation.user_id`
    AffiliationUserId = "affiliation.user_id",
    /// `most_recent_tweet_id`
    MostRecentTweetId = "most_recent_tweet_id",
    /// `pinned_tweet_id`
    PinnedTweetId = "pinned_tweet_id",
});

selector!(
    /// A `tweet.fields` value: which fields of expanded tweets (`includes.tweets`) to return.
    TweetField, "a tweet field name" {
    /// `article`
    Article = "article",
    /// `attachments`
    Attachments = "attachments",
    /// `author_id`
    AuthorId = "author_id",
    /// `card_uri`
    CardUri = "card_uri",
    /// `community_id`
    CommunityId = "community_id",
    /// `context_annotations`
    ContextAnnotations = "context_annotations",
    /// `conversation_id`
    ConversationId = "conversation_id",
    /// `created_at`
    CreatedAt = "created_at",
    /// `display_text_range`
    DisplayTextRange = "display_text_range",
    /// `edit_controls`
    EditControls = "edit_controls",
    /// `edit_history_tweet_ids`
    EditHistoryTweetIds = "edit_history_tweet_ids",
    /// `entities`
    Entities = "entities",
    /// `geo`
    Geo = "geo",
    /// `id`
    Id = "id",
    /// `in_reply_to_user_id`
    InReplyToUserId = "in_reply_to_user_id",
    /// `lang`
    Lang = "lang",
    /// `media_metadata`
    MediaMetadata = "media_metadata",
    /// `non_public_metrics`
    NonPublicMetrics = "non_public_metrics",
    /// `note_tweet`
    NoteTweet = "note_tweet",
    /// `organic_metrics`
    OrganicMetrics = "organic_metrics",
    /// `possibly_sensitive`
    PossiblySensitive = "possibly_sensitive",
    /// `promoted_metrics`
    PromotedMetrics = "promoted_metrics",
    /// `public_metrics`
    PublicMetrics = "public_metrics",
    /// `referenced_tweets`
    ReferencedTweets = "referenced_tweets",
    /// `reply_settings`
    ReplySettings = "reply_settings",
    /// `scopes`
    Scopes = "scopes",
    /// `source`
    Source = "source",
    /// `suggested_source_links`
    SuggestedSourceLinks = "suggested_source_links",
    /// `suggested_source_links_with_counts`
    SuggestedSourceLinksWithCounts = "suggested_source_links_with_counts",
    /// `text`
    Text = "text",
    /// `withheld`
    Withheld = "withheld",
});

/// What a v2 user request asks to be returned: fields of users, expansions, fields of the
/// expanded tweets. Empty lists are not sent (X then returns `id`, `name`, `username`).
///
/// ```
/// use twapi_core::fields::{Fields, UserField};
/// let fields = Fields::users([UserField::CreatedAt, UserField::PublicMetrics]);
/// assert_eq!(fields.user_fields.len(), 2);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Fields {
    /// `user.fields`
    pub user_fields: Vec<UserField>,
    /// `expansions`
    pub expansions: Vec<Expansion>,
    /// `tweet.fields`
    pub tweet_fields: Vec<TweetField>,
}

impl Fields {
    /// Only these user fields.
    pub fn users(fields: impl IntoIterator<Item = UserField>) -> Self {
        Self {
            user_fields: fields.into_iter().collect(),
            ..Self::default()
        }
    }

    /// Every user field of the 2.159 vocabulary.
    pub fn all_user_fields() -> Self {
        Self::users(UserField::ALL.iter().cloned())
    }

    /// Writes the non-empty lists.
    pub(crate) fn write(
        &self,
        out: &mut crate::param::Params,
    ) -> Result<(), crate::param::InvalidRequest> {
        const MAX: usize = 64;
        if !self.user_fields.is_empty() {
            out.list("user.fields", &self.user_fields, MAX)?;
        }
        if !self.expansions.is_empty() {
            out.list("expansions", &self.expansions, MAX)?;
        }
        if !self.tweet_fields.is_empty() {
            out.list("tweet.fields", &self.tweet_fields, MAX)?;
        }
        Ok(())
    }

    /// Reads what a client sent.
    #[cfg(feature = "server")]
    pub(crate) fn read(
        input: &crate::param::Incoming<'_>,
    ) -> Result<Self, crate::param::InvalidRequest> {
        const MAX: usize = 64;
        Ok(Self {
            user_fields: input.list("user.fields", MAX)?.unwrap_or_default(),
            expansions: input.list("expansions", MAX)?.unwrap_or_default(),
            tweet_fields: input.list("tweet.fields", MAX)?.unwrap_or_default(),
        })
    }
}
