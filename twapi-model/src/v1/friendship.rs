//! friendships/lookup: for up to 100 users, how the caller is connected to each.

use std::fmt;

use compact_str::CompactString;
use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

use crate::UserId;
use crate::object::wire_object;

wire_object! {
    /// One element of the friendships/lookup array (API-FACTS 3.6).
    ///
    /// Every field is required: the four are in every element of every source
    /// (python-twitter 2016, tweepy, the emulator's reference), `connections` at least
    /// `["none"]`.
    ///
    /// ```
    /// use twapi_model::v1::{Connection, Friendship};
    /// let body = br#"[{"name":"X","screen_name":"X","id":783214,"id_str":"783214",
    ///   "connections":["following","followed_by"]}]"#;
    /// let list: Vec<Friendship> = twapi_model::decode(body).unwrap();
    /// assert_eq!(list[0].connections, [Connection::Following, Connection::FollowedBy]);
    /// ```
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct Friendship expecting "a v1.1 friendships/lookup element" {
        /// The display name.
        pub name: CompactString = req ["name"],
        /// The handle.
        pub screen_name: CompactString = req ["screen_name"],
        /// The user (`id` / `id_str`).
        pub id: UserId = twin ["id", "id_str"],
        /// How the caller is connected to them (`[none]` when not at all).
        pub connections: Vec<Connection> = default ["connections"],
    }
}

/// One connection in friendships/lookup. X may add values: an unknown one decodes as
/// [`Connection::Unknown`] with its text, so a new value never breaks a decode.
///
/// A decoded `Unknown` never holds one of the known names; build values from text with
/// [`Connection::from_wire`] to keep it that way.
///
/// ```
/// use twapi_model::v1::Connection;
/// assert_eq!(Connection::from_wire("muting"), Connection::Muting);
/// let new = Connection::from_wire("close_friend");
/// assert_eq!(new.as_str(), "close_friend");
/// assert_eq!(serde_json::to_string(&new).unwrap(), "\"close_friend\"");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Connection {
    /// The caller follows them.
    Following,
    /// The caller asked to follow them (they are protected).
    FollowingRequested,
    /// They follow the caller.
    FollowedBy,
    /// No connection at all.
    None,
    /// The caller blocks them.
    Blocking,
    /// The caller mutes them.
    Muting,
    /// A value this crate does not know yet.
    Unknown(CompactString),
}

impl Connection {
    /// The value for a wire text: a known variant, or `Unknown` with the text.
    pub fn from_wire(s: &str) -> Self {
        match s {
            "following" => Self::Following,
            "following_requested" => Self::FollowingRequested,
            "followed_by" => Self::FollowedBy,
            "none" => Self::None,
            "blocking" => Self::Blocking,
            "muting" => Self::Muting,
            other => Self::Unknown(CompactString::from(other)),
        }
    }

    /// The wire text.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Following => "following",
            Self::FollowingRequested => "following_requested",
            Self::FollowedBy => "followed_by",
            Self::None => "none",
            Self::Blocking => "blocking",
            Self::Muting => "muting",
            Self::Unknown(s) => s,
        }
    }
}

impl fmt::Display for Connection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Connection {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Connection {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct ConnectionVisitor;
        impl Visitor<'_> for ConnectionVisitor {
            type Value = Connection;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a connection name such as \"following\"")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Connection, E> {
                Ok(Connection::from_wire(v))
            }
        }
        d.deserialize_str(ConnectionVisitor)
    }
}

impl crate::reader::FromReader for Connection {
    fn from_reader(r: &mut crate::reader::Reader<'_>) -> Option<Self> {
        r.string().map(|text| Connection::from_wire(text.as_str()))
    }
}
