//! The v2 field and expansion selectors (`user.fields`, `expansions`, `tweet.fields`), as
//! open enums: named by the 2.159 (classic) vocabulary, read in either vocabulary, written in
//! the one a session uses ([`Vocabulary`], `post.fields` and `pinned_post_id` by default);
//! anything newer is kept verbatim.
//!
//! The pairs of names come from one table, [`twapi_model::v2::vocabulary::NAME_PAIRS`].

use std::fmt;

use twapi_model::v2::vocabulary::Place;
pub use twapi_model::v2::vocabulary::Vocabulary;

use crate::param::ParamValue;

macro_rules! selector {
    ($(#[$doc:meta])* $name:ident, $place:ident, $expected:literal { $($(#[$vdoc:meta])* $variant:ident = $wire:literal,)* }) => {
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

            /// The classic (2.159) wire name.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $wire,)*
                    Self::Other(s) => s,
                }
            }

            /// The wire name in `vocabulary` (a value kept verbatim is written as it is).
            pub fn name_in(&self, vocabulary: Vocabulary) -> &str {
                match self {
                    Self::Other(s) => s,
                    named => vocabulary.name(Place::$place, named.as_str()),
                }
            }

            /// Reads a wire name of either vocabulary; unknown names become [`Self::Other`].
            pub fn parse(s: &str) -> Self {
                match Vocabulary::classic(Place::$place, s) {
                    $($wire => Self::$variant,)*
                    _ => Self::Other(s.to_owned()),
                }
            }

            /// The vocabulary `s` is written in, when it is a name that differs between them.
            fn vocabulary_of(s: &str) -> Option<Vocabulary> {
                Vocabulary::of(Place::$place, s).map(|(vocabulary, _)| vocabulary)
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
    UserField, Field, "a user field name" {
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
    /// `most_recent_tweet_id` (`most_recent_post_id`)
    MostRecentTweetId = "most_recent_tweet_id",
    /// `name`
    Name = "name",
    /// `parody`
    Parody = "parody",
    /// `pinned_tweet_id` (`pinned_post_id`)
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
    Expansion, Expansion, "an expansion name" {
    /// `affiliation.user_id` (`affiliation`)
    AffiliationUserId = "affiliation.user_id",
    /// `most_recent_tweet_id` (`most_recent_post_id`)
    MostRecentTweetId = "most_recent_tweet_id",
    /// `pinned_tweet_id` (`pinned_post_id`)
    PinnedTweetId = "pinned_tweet_id",
});

selector!(
    /// A `tweet.fields` (`post.fields`) value: which fields of expanded tweets
    /// (`includes.tweets`, `includes.posts`) to return.
    TweetField, Field, "a tweet field name" {
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
    /// `edit_history_tweet_ids` (`edit_history_post_ids`)
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
    /// `note_tweet` (`note_post`)
    NoteTweet = "note_tweet",
    /// `organic_metrics`
    OrganicMetrics = "organic_metrics",
    /// `possibly_sensitive`
    PossiblySensitive = "possibly_sensitive",
    /// `promoted_metrics`
    PromotedMetrics = "promoted_metrics",
    /// `public_metrics`
    PublicMetrics = "public_metrics",
    /// `referenced_tweets` (`referenced_posts`)
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
/// The names are written in the vocabulary of the [`Api`](crate::Api) (or session) that
/// prepares the request: `post.fields=…&expansions=pinned_post_id` by default,
/// `tweet.fields=…&expansions=pinned_tweet_id` with [`Vocabulary::Tweet`].
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
    /// `tweet.fields` (`post.fields`)
    pub tweet_fields: Vec<TweetField>,
}

/// The most values of one selector list.
const MAX: usize = 64;
/// The classic name of the expanded tweets' fields parameter.
const TWEET_FIELDS: &str = "tweet.fields";

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

    /// Writes the non-empty lists, in the vocabulary of `out`.
    pub(crate) fn write(
        &self,
        out: &mut crate::param::Params,
    ) -> Result<(), crate::param::InvalidRequest> {
        let vocabulary = out.vocabulary();
        if !self.user_fields.is_empty() {
            out.list_by("user.fields", &self.user_fields, MAX, |v| {
                v.name_in(vocabulary)
            })?;
        }
        if !self.expansions.is_empty() {
            out.list_by("expansions", &self.expansions, MAX, |v| {
                v.name_in(vocabulary)
            })?;
        }
        if !self.tweet_fields.is_empty() {
            let name = vocabulary.name(Place::Parameter, TWEET_FIELDS);
            out.list_by(name, &self.tweet_fields, MAX, |v| v.name_in(vocabulary))?;
        }
        Ok(())
    }

    /// Reads what a client sent, in either vocabulary (`tweet.fields` and `post.fields`
    /// together are refused, as the same parameter given twice).
    #[cfg(feature = "server")]
    pub(crate) fn read(
        input: &crate::param::Incoming<'_>,
    ) -> Result<Self, crate::param::InvalidRequest> {
        let post_fields = Vocabulary::Post.name(Place::Parameter, TWEET_FIELDS);
        let tweet_fields = match (
            input.list(TWEET_FIELDS, MAX)?,
            input.list(post_fields, MAX)?,
        ) {
            (Some(_), Some(_)) => {
                return Err(crate::param::InvalidRequest::new(
                    post_fields,
                    crate::param::Invalid::Conflicts { with: TWEET_FIELDS },
                ));
            }
            (classic, post) => classic.or(post).unwrap_or_default(),
        };
        Ok(Self {
            user_fields: input.list("user.fields", MAX)?.unwrap_or_default(),
            expansions: input.list("expansions", MAX)?.unwrap_or_default(),
            tweet_fields,
        })
    }

    /// The vocabulary a client wrote its selectors in: [`Vocabulary::Post`] when any name is
    /// one of 2.167's (`post.fields`, `pinned_post_id` …), else [`Vocabulary::Tweet`] when any
    /// is a classic name that 2.167 renamed (`tweet.fields`, `pinned_tweet_id` …), else `None`
    /// (names that are the same in both, or none at all).
    ///
    /// ```
    /// use twapi_core::fields::{Fields, Vocabulary};
    /// use twapi_core::param::Incoming;
    /// let sent = |q: &[(&'static str, &'static str)]| {
    ///     Fields::vocabulary_of(&Incoming::from_pairs(q.iter().map(|(n, v)| ((*n).into(), (*v).into())).collect()))
    /// };
    /// assert_eq!(sent(&[("post.fields", "created_at")]), Some(Vocabulary::Post));
    /// assert_eq!(sent(&[("expansions", "pinned_tweet_id")]), Some(Vocabulary::Tweet));
    /// assert_eq!(sent(&[("user.fields", "created_at")]), None);
    /// ```
    #[cfg(feature = "server")]
    pub fn vocabulary_of(input: &crate::param::Incoming<'_>) -> Option<Vocabulary> {
        let mut classic = false;
        for (name, value) in input.pairs() {
            let of: fn(&str) -> Option<Vocabulary> = match name {
                "user.fields" => UserField::vocabulary_of,
                "expansions" => Expansion::vocabulary_of,
                _ => match Vocabulary::of(Place::Parameter, name) {
                    Some((Vocabulary::Post, _)) => return Some(Vocabulary::Post),
                    Some(_) => {
                        classic = true;
                        TweetField::vocabulary_of
                    }
                    None => continue,
                },
            };
            for vocabulary in value.split(',').filter_map(of) {
                match vocabulary {
                    Vocabulary::Post => return Some(Vocabulary::Post),
                    _ => classic = true,
                }
            }
        }
        classic.then_some(Vocabulary::Tweet)
    }
}
