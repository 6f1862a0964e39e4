//! friendships/show and friendships/update: how two users relate, seen from each side.

use compact_str::CompactString;
use serde::{Deserialize, Serialize};

use crate::UserId;
use crate::object::wire_object;

/// The body of friendships/show and friendships/update: `{"relationship": {...}}`.
///
/// The wrapper is its own type, so the wire shape survives a round trip; the
/// [`Relationship`] inside is what callers use.
///
/// ```
/// use twapi_model::v1::RelationshipResponse;
/// let body = br#"{"relationship":{
///   "source":{"id":1,"id_str":"1","screen_name":"a","following":true,"followed_by":null},
///   "target":{"id":2,"id_str":"2","screen_name":"b","following":null,"followed_by":true}}}"#;
/// let r = twapi_model::decode::<RelationshipResponse>(body).unwrap().relationship;
/// assert_eq!(r.source.following, Some(true));
/// assert_eq!(r.source.followed_by, None);
/// assert_eq!(r.target.id.get(), 2);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RelationshipResponse {
    /// The relationship.
    pub relationship: Relationship,
}

/// Two users and how each relates to the other (API-FACTS 3.5).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Relationship {
    /// The first user (the caller when the `source_*` parameters are omitted), with the
    /// flags only they can see.
    pub source: RelationshipSource,
    /// The second user.
    pub target: RelationshipTarget,
}

wire_object! {
    /// The source side of a [`Relationship`].
    ///
    /// Every flag is `Option<bool>`: X sends `null` for what the caller may not see
    /// (app-only auth, or a relationship between two other users), and older bodies lack the
    /// newer flags (`live_following`, `can_dm`, `muting` …); a missing key decodes as `None`.
    /// `id` and `screen_name` are required: in every side of every source (python-twitter
    /// 2016, tweepy 2019, egg-mode).
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct RelationshipSource expecting "the source of a v1.1 relationship" {
        /// The source user (`id` / `id_str`).
        pub id: UserId = twin ["id", "id_str"],
        /// Their handle.
        pub screen_name: CompactString = req ["screen_name"],
        /// Source follows target.
        pub following: Option<bool> = null ["following"],
        /// Target follows source.
        pub followed_by: Option<bool> = null ["followed_by"],
        /// Source follows target's live broadcasts.
        pub live_following: Option<bool> = null ["live_following"],
        /// Target asked to follow source (source is protected).
        pub following_received: Option<bool> = null ["following_received"],
        /// Source asked to follow target (target is protected).
        pub following_requested: Option<bool> = null ["following_requested"],
        /// Source gets device notifications for target.
        pub notifications_enabled: Option<bool> = null ["notifications_enabled"],
        /// Source can send target a direct message.
        pub can_dm: Option<bool> = null ["can_dm"],
        /// Source blocks target.
        pub blocking: Option<bool> = null ["blocking"],
        /// Target blocks source.
        pub blocked_by: Option<bool> = null ["blocked_by"],
        /// Source mutes target.
        pub muting: Option<bool> = null ["muting"],
        /// Source sees target's retweets.
        pub want_retweets: Option<bool> = null ["want_retweets"],
        /// Source sees all of target's replies.
        pub all_replies: Option<bool> = null ["all_replies"],
        /// Source reported target as spam.
        pub marked_spam: Option<bool> = null ["marked_spam"],
    }
}

wire_object! {
    /// The target side of a [`Relationship`]: the same facts seen from the target, fewer
    /// of them.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct RelationshipTarget expecting "the target of a v1.1 relationship" {
        /// The target user (`id` / `id_str`).
        pub id: UserId = twin ["id", "id_str"],
        /// Their handle.
        pub screen_name: CompactString = req ["screen_name"],
        /// Target follows source.
        pub following: Option<bool> = null ["following"],
        /// Source follows target.
        pub followed_by: Option<bool> = null ["followed_by"],
        /// Source asked to follow target.
        pub following_received: Option<bool> = null ["following_received"],
        /// Target asked to follow source.
        pub following_requested: Option<bool> = null ["following_requested"],
    }
}
