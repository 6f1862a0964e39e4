//! Pagination as X does it: v1.1 cursors (opaque signed 64-bit numbers, `-1` to start, `0`
//! at the end, negative "previous" cursors) and v2 pagination tokens (opaque strings of 16
//! characters).
//!
//! A position in a list is a *boundary* in its stored (oldest-first) order: a page walking
//! forward shows, newest first, the items stored below its boundary; a page walking back
//! shows the items from its boundary up. Since new follows are appended at the newest end, a
//! crawl in progress neither repeats nor skips an item when someone follows meanwhile;
//! unfollows may shift it by one, as on X.
//!
//! The boundary is written with a check value tied to the list (its owner and kind) and to
//! the direction, then scrambled by a keyed Feistel permutation, so cursors look like X's
//! (19-digit numbers, the previous ones negative and never the negation of a next one), are
//! stable for a given seed, and a cursor of another list or a made-up one is recognised as
//! invalid instead of being read as some position.

use std::ops::Range;

use crate::directory::tag;
use crate::rng::{hash, mix};

const LOW_30: u64 = (1 << 30) - 1;
const LOW_32: u64 = (1 << 32) - 1;
/// Cursors live in `[2^60, 2^61)`, 19-digit numbers like X's.
const CURSOR_BASE: u64 = 1 << 60;
/// Crockford's base 32, upper case: no I, L, O or U to misread.
const TOKEN_ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/// A token is 16 characters: 80 bits.
const TOKEN_LEN: usize = 16;

/// Which list a cursor walks, so a cursor of one list is refused by another.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ListKind {
    /// A user's followers.
    Followers = 1,
    /// The accounts a user follows.
    Following = 2,
    /// Requests to follow a protected user.
    Incoming = 3,
    /// A user's requests to follow protected users.
    Outgoing = 4,
    /// An organisation's affiliates.
    Affiliates = 5,
    /// The matches of one `GET /2/users/search` query (the owner is the query's hash).
    Search = 6,
}

/// Where a request asks a page to start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Position {
    /// The newest items (`cursor=-1`, no cursor, no token).
    First,
    /// Walking forward: the items stored below this boundary.
    Below(u32),
    /// Walking back: the items stored from this boundary up.
    Above(u32),
    /// Not a cursor of this list.
    Invalid,
}

/// One page of a list: which stored items to show (newest first) and the boundaries of the
/// neighbouring pages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Page {
    /// Stored indices of the page's items; show them in reverse.
    pub(crate) items: Range<usize>,
    /// The boundary of the next (older) page, if any.
    pub(crate) next: Option<u32>,
    /// The boundary of the previous (newer) page, if any.
    pub(crate) previous: Option<u32>,
}

/// Cuts a page of `count` items out of a list of `len` at `position`.
pub(crate) fn page(len: usize, position: Position, count: u32) -> Page {
    let count = count as usize;
    let (lo, hi) = match position {
        Position::First => (len.saturating_sub(count), len),
        Position::Below(boundary) => {
            let hi = (boundary as usize).min(len);
            (hi.saturating_sub(count), hi)
        }
        Position::Above(boundary) => {
            let lo = (boundary as usize).min(len);
            (lo, (lo + count).min(len))
        }
        Position::Invalid => (len, len),
    };
    let invalid = position == Position::Invalid;
    Page {
        items: lo..hi,
        next: (lo > 0 && !invalid).then(|| u32::try_from(lo).unwrap_or(u32::MAX)),
        previous: (hi < len && !invalid).then(|| u32::try_from(hi).unwrap_or(u32::MAX)),
    }
}

/// Writes and reads cursors and tokens for one seed.
#[derive(Debug, Clone)]
pub(crate) struct Codec {
    keys: [u64; 4],
}

#[derive(Clone, Copy)]
enum Direction {
    Next = 0,
    Previous = 1,
}

impl Codec {
    /// The codec of the emulator seeded with `seed`.
    pub(crate) fn new(seed: u64) -> Self {
        let key = |i| hash(&[seed, tag::CURSORS, i]);
        Self {
            keys: [key(0), key(1), key(2), key(3)],
        }
    }

    fn list_tag(&self, owner: u32, kind: ListKind) -> u64 {
        hash(&[self.keys[0], u64::from(owner), kind as u64])
    }

    fn check(&self, list: u64, boundary: u32, direction: Direction) -> u64 {
        hash(&[self.keys[1], list, u64::from(boundary), direction as u64])
    }

    /// `next_cursor` for the page below `boundary`.
    pub(crate) fn next_cursor(&self, owner: u32, kind: ListKind, boundary: u32) -> i64 {
        self.cursor(owner, kind, boundary, Direction::Next)
    }

    /// `previous_cursor` for the page above `boundary` (negative).
    pub(crate) fn previous_cursor(&self, owner: u32, kind: ListKind, boundary: u32) -> i64 {
        -self.cursor(owner, kind, boundary, Direction::Previous)
    }

    fn cursor(&self, owner: u32, kind: ListKind, boundary: u32, direction: Direction) -> i64 {
        let check = self.check(self.list_tag(owner, kind), boundary, direction) >> 36;
        let payload = (check << 32) | u64::from(boundary);
        let scrambled = CURSOR_BASE + self.permute60(payload);
        i64::try_from(scrambled).unwrap_or(i64::MAX)
    }

    /// Reads a cursor a client sent (`None`: no cursor sent).
    pub(crate) fn read_cursor(&self, owner: u32, kind: ListKind, cursor: Option<i64>) -> Position {
        let Some(cursor) = cursor else {
            return Position::First;
        };
        if cursor == -1 {
            return Position::First;
        }
        let (magnitude, direction) = if cursor > 0 {
            (cursor.unsigned_abs(), Direction::Next)
        } else {
            (cursor.unsigned_abs(), Direction::Previous)
        };
        if !(CURSOR_BASE..CURSOR_BASE * 2).contains(&magnitude) {
            return Position::Invalid;
        }
        let payload = self.unpermute60(magnitude - CURSOR_BASE);
        let boundary = u32::try_from(payload & LOW_32).unwrap_or(0);
        let expected = self.check(self.list_tag(owner, kind), boundary, direction) >> 36;
        if payload >> 32 != expected {
            return Position::Invalid;
        }
        match direction {
            Direction::Next => Position::Below(boundary),
            Direction::Previous => Position::Above(boundary),
        }
    }

    /// `next_token` for the page below `boundary`.
    pub(crate) fn next_token(&self, owner: u32, kind: ListKind, boundary: u32) -> String {
        self.token(owner, kind, boundary, Direction::Next)
    }

    /// `previous_token` for the page above `boundary`.
    pub(crate) fn previous_token(&self, owner: u32, kind: ListKind, boundary: u32) -> String {
        self.token(owner, kind, boundary, Direction::Previous)
    }

    fn token(&self, owner: u32, kind: ListKind, boundary: u32, direction: Direction) -> String {
        let list = self.list_tag(owner, kind);
        let check = self.check(list, boundary, direction) >> 33;
        let payload = (check << 33) | ((direction as u64) << 32) | u64::from(boundary);
        let value = (u128::from(list & 0xFFFF) << 64) | u128::from(self.permute64(payload));
        (0..TOKEN_LEN)
            .rev()
            .map(|digit| {
                let five = usize::try_from((value >> (digit * 5)) & 31).unwrap_or(0);
                char::from(TOKEN_ALPHABET[five])
            })
            .collect()
    }

    /// Reads a pagination token a client sent (`None`: no token sent).
    pub(crate) fn read_token(&self, owner: u32, kind: ListKind, token: Option<&str>) -> Position {
        let Some(token) = token else {
            return Position::First;
        };
        if token.len() != TOKEN_LEN {
            return Position::Invalid;
        }
        let mut value: u128 = 0;
        for byte in token.bytes() {
            let Some(five) = TOKEN_ALPHABET.iter().position(|&c| c == byte) else {
                return Position::Invalid;
            };
            value = (value << 5) | five as u128;
        }
        let list = self.list_tag(owner, kind);
        if value >> 64 != u128::from(list & 0xFFFF) {
            return Position::Invalid;
        }
        let payload = self.unpermute64(u64::try_from(value & u128::from(u64::MAX)).unwrap_or(0));
        let boundary = u32::try_from(payload & LOW_32).unwrap_or(0);
        let direction = if payload >> 32 & 1 == 0 {
            Direction::Next
        } else {
            Direction::Previous
        };
        if payload >> 33 != self.check(list, boundary, direction) >> 33 {
            return Position::Invalid;
        }
        match direction {
            Direction::Next => Position::Below(boundary),
            Direction::Previous => Position::Above(boundary),
        }
    }

    /// A numeric page token (`GET /2/users/:id/affiliates`): a positive 19-digit number, as
    /// X documents them (a 64-bit signed integer of at most 19 characters), for the page below
    /// `boundary` (`next`) or above it (previous).
    pub(crate) fn numeric_token(
        &self,
        owner: u32,
        kind: ListKind,
        boundary: u32,
        next: bool,
    ) -> String {
        let direction = if next {
            Direction::Next
        } else {
            Direction::Previous
        };
        self.cursor(owner, kind, boundary, direction).to_string()
    }

    /// Reads a numeric page token a client sent (`None`: no token sent).
    pub(crate) fn read_numeric_token(
        &self,
        owner: u32,
        kind: ListKind,
        token: Option<&str>,
    ) -> Position {
        let Some(token) = token else {
            return Position::First;
        };
        let Ok(value) = token.parse::<i64>() else {
            return Position::Invalid;
        };
        if value <= 0 {
            return Position::Invalid;
        }
        // Both directions are written positive; the check value tells them apart.
        match self.read_cursor(owner, kind, Some(value)) {
            Position::Below(boundary) => Position::Below(boundary),
            _ => match self.read_cursor(owner, kind, Some(-value)) {
                Position::Above(boundary) => Position::Above(boundary),
                _ => Position::Invalid,
            },
        }
    }

    /// A keyed permutation of `[0, 2^60)`: a four-round Feistel network on 30-bit halves.
    fn permute60(&self, x: u64) -> u64 {
        let (mut left, mut right) = (x >> 30 & LOW_30, x & LOW_30);
        for key in self.keys {
            (left, right) = (right, left ^ (mix(right ^ key) & LOW_30));
        }
        left << 30 | right
    }

    fn unpermute60(&self, x: u64) -> u64 {
        let (mut left, mut right) = (x >> 30 & LOW_30, x & LOW_30);
        for key in self.keys.into_iter().rev() {
            (left, right) = (right ^ (mix(left ^ key) & LOW_30), left);
        }
        left << 30 | right
    }

    /// A keyed permutation of `u64`: the same network on 32-bit halves.
    fn permute64(&self, x: u64) -> u64 {
        let (mut left, mut right) = (x >> 32, x & LOW_32);
        for key in self.keys {
            (left, right) = (right, left ^ (mix(right ^ key) & LOW_32));
        }
        left << 32 | right
    }

    fn unpermute64(&self, x: u64) -> u64 {
        let (mut left, mut right) = (x >> 32, x & LOW_32);
        for key in self.keys.into_iter().rev() {
            (left, right) = (right ^ (mix(left ^ key) & LOW_32), left);
        }
        left << 32 | right
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn cursors_read_back(seed: u64, owner: u32, boundary: u32) {
            let codec = Codec::new(seed);
            let next = codec.next_cursor(owner, ListKind::Followers, boundary);
            let previous = codec.previous_cursor(owner, ListKind::Followers, boundary);
            prop_assert!(next > 0 && previous < 0);
            prop_assert_ne!(next, -previous);
            prop_assert_eq!(codec.read_cursor(owner, ListKind::Followers, Some(next)), Position::Below(boundary));
            prop_assert_eq!(codec.read_cursor(owner, ListKind::Followers, Some(previous)), Position::Above(boundary));
            prop_assert_eq!(codec.read_cursor(owner, ListKind::Following, Some(next)), Position::Invalid);
        }

        #[test]
        fn tokens_read_back(seed: u64, owner: u32, boundary: u32) {
            let codec = Codec::new(seed);
            let next = codec.next_token(owner, ListKind::Following, boundary);
            let previous = codec.previous_token(owner, ListKind::Following, boundary);
            prop_assert!(next.len() >= 16);
            prop_assert_ne!(&next, &previous);
            prop_assert_eq!(codec.read_token(owner, ListKind::Following, Some(&next)), Position::Below(boundary));
            prop_assert_eq!(codec.read_token(owner, ListKind::Following, Some(&previous)), Position::Above(boundary));
            prop_assert_eq!(codec.read_token(owner.wrapping_add(1), ListKind::Following, Some(&next)), Position::Invalid);
        }

        #[test]
        fn numeric_tokens_read_back(seed: u64, owner: u32, boundary: u32) {
            let codec = Codec::new(seed);
            let next = codec.numeric_token(owner, ListKind::Affiliates, boundary, true);
            let previous = codec.numeric_token(owner, ListKind::Affiliates, boundary, false);
            prop_assert!(next.len() <= 19 && previous.len() <= 19);
            prop_assert!(next.parse::<i64>().is_ok() && previous.parse::<i64>().is_ok());
            prop_assert_eq!(codec.read_numeric_token(owner, ListKind::Affiliates, Some(&next)), Position::Below(boundary));
            prop_assert_eq!(codec.read_numeric_token(owner, ListKind::Affiliates, Some(&previous)), Position::Above(boundary));
            prop_assert_eq!(codec.read_numeric_token(owner, ListKind::Followers, Some(&next)), Position::Invalid);
            prop_assert_eq!(codec.read_numeric_token(owner, ListKind::Affiliates, Some("-1")), Position::Invalid);
        }

        #[test]
        fn made_up_cursors_are_refused(seed: u64, cursor: i64) {
            let codec = Codec::new(seed);
            let position = codec.read_cursor(5, ListKind::Followers, Some(cursor));
            if cursor == -1 {
                prop_assert_eq!(position, Position::First);
            } else {
                // A random value passes the 28-bit check once in 2^28 tries at most.
                prop_assert!(position == Position::Invalid || cursor.unsigned_abs() >= CURSOR_BASE);
            }
        }

        #[test]
        fn pages_tile_the_list(len in 0_usize..3_000, count in 1_u32..700) {
            let mut seen = Vec::new();
            let mut position = Position::First;
            loop {
                let p = page(len, position, count);
                prop_assert!(p.items.len() <= count as usize);
                seen.extend(p.items.clone().rev());
                match p.next {
                    Some(boundary) => position = Position::Below(boundary),
                    None => break,
                }
            }
            prop_assert_eq!(seen, (0..len).rev().collect::<Vec<_>>());
        }
    }

    #[test]
    fn previous_pages_lead_back() {
        let first = page(10, Position::First, 3);
        assert_eq!(first.items, 7..10);
        assert_eq!(first.previous, None);
        let second = page(10, Position::Below(first.next.unwrap()), 3);
        assert_eq!(second.items, 4..7);
        let back = page(10, Position::Above(second.previous.unwrap()), 3);
        assert_eq!(back, first);
        let last = page(10, Position::Below(1), 3);
        assert_eq!((last.items, last.next), (0..1, None));
        let invalid = page(10, Position::Invalid, 3);
        assert!(invalid.items.is_empty() && invalid.next.is_none() && invalid.previous.is_none());
    }
}
