//! The X API v2 objects of the follow, search and get-users family, as they travel.
//!
//! Both vocabularies of the v2 spec decode alike: the classic names of 2.159, which every
//! recorded response uses (`pinned_tweet_id`, `includes.tweets`, `tweet_count`), and the names
//! of 2.167 (`pinned_post_id`, `includes.posts`, `post_count`), see [`vocabulary`]. Values
//! serialize in the classic names; [`vocabulary::to_vec_in`] writes the 2.167 ones. Problem
//! types decode alike under `https://api.twitter.com/2/problems/` and
//! `https://api.x.com/2/problems/`.
//!
//! - [`User`] with every field of the 2.159 schema, [`Tweet`] for `includes.tweets`.
//! - [`Response`]: the `data` / `includes` / `errors` / `meta` envelope, with the aliases
//!   [`UserPage`] (followers, following, lookups by ids or usernames), [`UserResponse`]
//!   (one user), [`FollowResponse`] and [`UnfollowResponse`] (manage follows).
//! - [`Problem`]: an RFC 7807 problem, with its [`ProblemType`] matched on the part after
//!   `/2/problems/`; [`ErrorBody`] decodes any v2 error body (a top-level problem, an
//!   `errors` array, or the spec's `{code, message}` [`Error`]).
//!
//! A crawler's hot path is a followers page of up to 1,000 users: [`UserPage::decode`](Response::decode)
//! reads it in about half the time of the generic [`decode`](crate::decode()), with the same
//! result.
//!
//! Every optional field is an `Option` that is skipped when encoding, because v2 omits what it
//! does not send and never writes `null`. Arrays that the spec gives `minItems: 1` are `Vec`s
//! that are skipped when empty: an absent array and an empty one mean the same. Fields the
//! model does not name are ignored when decoding.
//!
//! ```
//! use twapi_model::v2::{UserPage, VerifiedType};
//! let body = br#"{"data":[{"id":"2244994945","name":"Developers","username":"XDevelopers",
//!     "verified_type":"business"}],"meta":{"result_count":1,"next_token":"7140dibdnow9c7btw3w29grvxfcgvpb9n9coehpk7xz5i"}}"#;
//! let page: UserPage = twapi_model::decode(body)?;
//! assert_eq!(page.items()[0].username, "XDevelopers");
//! assert_eq!(page.items()[0].verified_type, Some(VerifiedType::Business));
//! assert_eq!(page.next_token().map(|t| t.as_str()), Some("7140dibdnow9c7btw3w29grvxfcgvpb9n9coehpk7xz5i"));
//! # Ok::<(), twapi_model::DecodeError>(())
//! ```

/// Declares an open enum: the values X documents, plus `Unknown` for any other value, kept
/// verbatim so that it encodes back unchanged. Decoding matches on the borrowed text and
/// allocates only for an unknown value.
macro_rules! open_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $wire:literal, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $( $(#[$vmeta])* $variant, )+
            /// A value this version does not know, kept verbatim so it encodes back unchanged.
            /// Build values with `From<&str>`, which never puts a known value here.
            Unknown(compact_str::CompactString),
        }

        impl $name {
            /// Every value this version knows, in the spec's order.
            pub const KNOWN: &'static [Self] = &[$(Self::$variant),+];

            /// The value as X writes it.
            pub fn as_str(&self) -> &str {
                match self {
                    $( Self::$variant => $wire, )+
                    Self::Unknown(other) => other.as_str(),
                }
            }
        }

        impl From<&str> for $name {
            fn from(wire: &str) -> Self {
                match wire {
                    $( $wire => Self::$variant, )+
                    other => Self::Unknown(other.into()),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl $crate::object::Blank for $name {
            fn blank() -> Self {
                Self::Unknown(compact_str::CompactString::default())
            }
        }

        impl $crate::reader::FromReader for $name {
            fn from_reader(r: &mut $crate::reader::Reader<'_>) -> Option<Self> {
                Some(Self::from(r.string()?.as_str()))
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                struct WireVisitor;
                impl serde::de::Visitor<'_> for WireVisitor {
                    type Value = $name;
                    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        f.write_str(concat!("a string (", stringify!($name), ")"))
                    }
                    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<$name, E> {
                        Ok($name::from(v))
                    }
                }
                d.deserialize_str(WireVisitor)
            }
        }
    };
}

mod connection;
mod entities;
mod follow;
mod meta;
mod page_reader;
mod problem;
mod response;
mod tweet;
mod user;
pub mod vocabulary;

pub use connection::{ConnectionStatus, ConnectionStatusIter, ConnectionStatuses};
pub use entities::{
    Annotation, FullTextEntities, MentionEntity, TagEntity, UrlEntities, UrlEntity, UrlImage,
};
pub use follow::{FollowRequest, FollowResult, UnfollowResult};
pub use meta::{Meta, PaginationToken};
pub use problem::{
    ConnectionIssue, DisconnectType, Error, ErrorBody, ForbiddenReason, InvalidRequestError,
    Problem, ProblemKind, ProblemType, ResourceType, Section, UsagePeriod, UsageScope,
};
pub use response::{FollowResponse, Includes, Response, UnfollowResponse, UserPage, UserResponse};
pub use tweet::{
    Attachments, EditControls, ReferenceType, ReferencedTweet, ReplySettings, Tweet, TweetField,
    TweetPublicMetrics, TweetWithheld,
};
pub use user::{
    Affiliation, SubscriptionType, User, UserEntities, UserField, UserPublicMetrics,
    UserSubscription, UserWithheld, VerifiedType, WithheldScope,
};
