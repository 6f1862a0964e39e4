//! `connection_status`: how the authenticated user and another user are connected.

use std::fmt;

use serde::de::{Deserialize, Deserializer, SeqAccess, Visitor};
use serde::{Serialize, Serializer};

open_enum! {
    /// One way the authenticated user and another user are connected (`connection_status`).
    pub enum ConnectionStatus {
        /// The other user asked to follow the authenticated (protected) user.
        FollowRequestReceived = "follow_request_received",
        /// The authenticated user asked to follow the other (protected) user.
        FollowRequestSent = "follow_request_sent",
        /// The authenticated user blocks the other user.
        Blocking = "blocking",
        /// The other user follows the authenticated user.
        FollowedBy = "followed_by",
        /// The authenticated user follows the other user.
        Following = "following",
        /// The authenticated user mutes the other user.
        Muting = "muting",
    }
}

/// The ways the authenticated user and another user are connected: a user's
/// `connection_status`, as the set it means.
///
/// Each status is held once, and the order X lists them in carries nothing. The statuses this
/// version knows ([`ConnectionStatus::KNOWN`]) are flags, so a set of them allocates nothing:
/// on a followers page of 1,000 users, a list per user cost a tenth of the decode. A status
/// this version does not know is kept beside them, verbatim, so that it encodes back.
///
/// Iterates, and encodes, the known statuses in the spec's order, then the unknown ones in
/// the order of their text.
///
/// ```
/// use twapi_model::v2::{ConnectionStatus, ConnectionStatuses};
/// let set: ConnectionStatuses = serde_json::from_str(r#"["following","followed_by","following"]"#)?;
/// assert!(set.contains(&ConnectionStatus::Following));
/// assert!(!set.contains(&ConnectionStatus::Blocking));
/// assert_eq!(set.len(), 2);
/// assert_eq!(serde_json::to_string(&set)?, r#"["followed_by","following"]"#);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Default, PartialEq, Eq, Hash)]
pub struct ConnectionStatuses {
    /// Bit `i` stands for `ConnectionStatus::KNOWN[i]`.
    known: u8,
    /// Only [`ConnectionStatus::Unknown`] values, sorted by their text, each once.
    unknown: Vec<ConnectionStatus>,
}

const _: () = assert!(
    ConnectionStatus::KNOWN.len() <= 8,
    "the known statuses fit a `u8`"
);

impl ConnectionStatuses {
    /// The empty set: not connected.
    pub const fn new() -> Self {
        Self {
            known: 0,
            unknown: Vec::new(),
        }
    }

    /// Adds `status`; `false` when the set already held it. An `Unknown` value that names a
    /// known status is that status.
    ///
    /// ```
    /// use twapi_model::v2::{ConnectionStatus, ConnectionStatuses};
    /// let mut set = ConnectionStatuses::new();
    /// assert!(set.insert(ConnectionStatus::Following));
    /// assert!(!set.insert(ConnectionStatus::Unknown("following".into())));
    /// assert!(set.insert(ConnectionStatus::from("subscribed_to")));
    /// assert_eq!(set.len(), 2);
    /// ```
    pub fn insert(&mut self, status: ConnectionStatus) -> bool {
        match self.slot(&status) {
            Slot::Known(flag) => {
                let added = self.known & flag == 0;
                self.known |= flag;
                added
            }
            Slot::Unknown(Err(at)) => {
                self.unknown.insert(at, status);
                true
            }
            Slot::Unknown(Ok(_)) => false,
        }
    }

    /// Whether the set holds `status`.
    pub fn contains(&self, status: &ConnectionStatus) -> bool {
        match self.slot(status) {
            Slot::Known(flag) => self.known & flag != 0,
            Slot::Unknown(found) => found.is_ok(),
        }
    }

    /// How many statuses the set holds.
    pub fn len(&self) -> usize {
        self.known.count_ones() as usize + self.unknown.len()
    }

    /// Whether the set is empty: the users are not connected.
    pub fn is_empty(&self) -> bool {
        self.known == 0 && self.unknown.is_empty()
    }

    /// The statuses: the known ones in the spec's order, then the unknown ones.
    pub fn iter(&self) -> ConnectionStatusIter<'_> {
        ConnectionStatusIter {
            known: self.known,
            next: 0,
            unknown: self.unknown.iter(),
        }
    }

    /// Where `status` lives: its flag when it is known (also when spelled as `Unknown`), its
    /// place in the sorted list of unknown ones otherwise.
    fn slot(&self, status: &ConnectionStatus) -> Slot {
        let known = ConnectionStatus::KNOWN;
        let index = match status {
            ConnectionStatus::Unknown(wire) => known.iter().position(|k| k.as_str() == wire),
            status => known.iter().position(|k| k == status),
        };
        match index {
            Some(i) => Slot::Known(1 << i),
            None => Slot::Unknown(
                self.unknown
                    .binary_search_by(|held| held.as_str().cmp(status.as_str())),
            ),
        }
    }
}

/// Where a status lives in a [`ConnectionStatuses`].
enum Slot {
    /// A known status: its flag.
    Known(u8),
    /// An unknown one: its index in the sorted list, or the index where it would go.
    Unknown(Result<usize, usize>),
}

/// The statuses of a [`ConnectionStatuses`], from [`ConnectionStatuses::iter`].
#[derive(Debug, Clone)]
pub struct ConnectionStatusIter<'a> {
    known: u8,
    next: usize,
    unknown: std::slice::Iter<'a, ConnectionStatus>,
}

impl<'a> Iterator for ConnectionStatusIter<'a> {
    type Item = &'a ConnectionStatus;

    fn next(&mut self) -> Option<&'a ConnectionStatus> {
        while let Some(status) = ConnectionStatus::KNOWN.get(self.next) {
            let flag = 1 << self.next;
            self.next += 1;
            if self.known & flag != 0 {
                return Some(status);
            }
        }
        self.unknown.next()
    }
}

impl<'a> IntoIterator for &'a ConnectionStatuses {
    type Item = &'a ConnectionStatus;
    type IntoIter = ConnectionStatusIter<'a>;

    fn into_iter(self) -> ConnectionStatusIter<'a> {
        self.iter()
    }
}

impl FromIterator<ConnectionStatus> for ConnectionStatuses {
    fn from_iter<I: IntoIterator<Item = ConnectionStatus>>(statuses: I) -> Self {
        let mut set = Self::new();
        set.extend(statuses);
        set
    }
}

impl Extend<ConnectionStatus> for ConnectionStatuses {
    fn extend<I: IntoIterator<Item = ConnectionStatus>>(&mut self, statuses: I) {
        for status in statuses {
            self.insert(status);
        }
    }
}

impl fmt::Debug for ConnectionStatuses {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self).finish()
    }
}

impl Serialize for ConnectionStatuses {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self)
    }
}

impl<'de> Deserialize<'de> for ConnectionStatuses {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct SetVisitor;
        impl<'de> Visitor<'de> for SetVisitor {
            type Value = ConnectionStatuses;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a list of connection statuses")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut set = ConnectionStatuses::new();
                while let Some(status) = seq.next_element()? {
                    set.insert(status);
                }
                Ok(set)
            }
        }
        d.deserialize_seq(SetVisitor)
    }
}

impl crate::reader::FromReader for ConnectionStatuses {
    fn from_reader(r: &mut crate::reader::Reader<'_>) -> Option<Self> {
        let mut set = ConnectionStatuses::new();
        r.array(|r| {
            set.insert(ConnectionStatus::from(r.string()?.as_str()));
            Some(())
        })?;
        Some(set)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use proptest::prelude::*;
    use proptest::sample::select;

    use super::*;

    proptest! {
        /// A set holds each distinct status once, whatever the order, the repeats, or the
        /// spelling (`Unknown("following")` is `Following`), and survives encode → decode.
        #[test]
        fn a_set_is_its_distinct_statuses(
            wire in proptest::collection::vec(
                (select(&["following", "followed_by", "muting", "blocking", "aa", "zz"][..]), any::<bool>()),
                0..12,
            ),
        ) {
            let statuses: Vec<ConnectionStatus> = wire
                .iter()
                .map(|&(w, spelled)| if spelled { ConnectionStatus::Unknown(w.into()) } else { ConnectionStatus::from(w) })
                .collect();
            let set: ConnectionStatuses = statuses.iter().cloned().collect();
            let reversed: ConnectionStatuses = statuses.iter().rev().cloned().collect();
            prop_assert_eq!(&set, &reversed);
            let distinct: BTreeSet<&str> = wire.iter().map(|&(w, _)| w).collect();
            prop_assert_eq!(set.len(), distinct.len());
            prop_assert_eq!(set.iter().count(), distinct.len());
            for w in &distinct {
                prop_assert!(set.contains(&ConnectionStatus::from(*w)), "{}", w);
            }
            let json = serde_json::to_string(&set).unwrap();
            prop_assert_eq!(serde_json::from_str::<ConnectionStatuses>(&json).unwrap(), set);
        }
    }

    #[test]
    fn every_known_status_has_its_own_flag() {
        let mut set = ConnectionStatuses::new();
        for (i, status) in ConnectionStatus::KNOWN.iter().enumerate() {
            assert!(set.insert(status.clone()), "{status}");
            assert_eq!(set.len(), i + 1);
            assert!(set.unknown.is_empty(), "{status} is a flag");
        }
        assert!(set.iter().eq(ConnectionStatus::KNOWN));
    }

    #[test]
    fn unknown_statuses_are_kept_sorted_and_once() {
        let set: ConnectionStatuses = ["zz", "muting", "aa", "zz"]
            .into_iter()
            .map(ConnectionStatus::from)
            .collect();
        let wire: Vec<&str> = set.iter().map(ConnectionStatus::as_str).collect();
        assert_eq!(wire, ["muting", "aa", "zz"]);
        assert!(set.contains(&ConnectionStatus::from("aa")));
        assert!(!set.contains(&ConnectionStatus::from("bb")));
        assert!(set.contains(&ConnectionStatus::Unknown("muting".into())));
    }

    #[test]
    fn an_empty_list_is_an_empty_set() {
        let set: ConnectionStatuses = serde_json::from_str("[]").unwrap();
        assert!(set.is_empty());
        assert_eq!(serde_json::to_string(&set).unwrap(), "[]");
        assert_eq!(format!("{set:?}"), "{}");
    }

    #[test]
    fn a_string_is_not_a_set() {
        let err = serde_json::from_str::<ConnectionStatuses>(r#""following""#).unwrap_err();
        assert!(
            err.to_string().contains("a list of connection statuses"),
            "{err}"
        );
    }
}
