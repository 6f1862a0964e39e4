//! The fast path of [`UserPage::decode`](super::Response::decode): a strict JSON reader for
//! the one body a crawler reads by the thousand, a page of users.
//!
//! serde defines what a body means; this reader only makes the common case cheap. It reads
//! the page and its users directly, without serde's per-field dispatch, and gives up (returns
//! `None`) at the first thing it does not handle or that is not valid JSON: a repeated key, a
//! missing required field, an escape it does not decode, a number it does not expect, nesting
//! beyond [`MAX_DEPTH`]. The caller then decodes the body with serde, which produces either the
//! value or the error with its path. The parts of a page that are not hot (`includes`,
//! `errors`, `meta`) or hold floating point (`annotations`) or rare objects (a link's
//! `images`) are delimited here and handed to serde as a slice.
//!
//! The invariant, checked by differential tests: when this reader returns a value, serde
//! returns the same value for the same bytes.

use compact_str::CompactString;
use serde::de::DeserializeOwned;

use super::entities::{FullTextEntities, MentionEntity, TagEntity, UrlEntities, UrlEntity};
use super::meta::Meta;
use super::response::Response;
use super::user::{
    Affiliation, ConnectionStatus, User, UserEntities, UserPublicMetrics, UserSubscription,
    UserWithheld,
};
use crate::{TweetId, UserId};

/// Nesting deeper than this is left to serde (whose own limit is 128).
const MAX_DEPTH: usize = 64;

/// The most users a page holds (`max_results` is at most 1,000).
const MAX_PAGE: usize = 1000;

/// Reads a page of users; `None` when serde must decide.
pub(super) fn read_user_page(text: &str) -> Option<Response<Vec<User>, Meta>> {
    let mut r = Reader {
        bytes: text.as_bytes(),
        text,
        pos: 0,
        depth: 0,
    };
    let page = r.user_page()?;
    r.ws();
    (r.pos == r.bytes.len()).then_some(page)
}

/// A text read from the input: borrowed, or decoded when it held escapes.
enum Text<'a> {
    Borrowed(&'a str),
    Owned(String),
}

impl Text<'_> {
    fn as_str(&self) -> &str {
        match self {
            Self::Borrowed(s) => s,
            Self::Owned(s) => s,
        }
    }
}

struct Reader<'a> {
    bytes: &'a [u8],
    text: &'a str,
    pos: usize,
    depth: usize,
}

/// A word with every byte set to `b`.
const fn splat(b: u8) -> u64 {
    u64::from_ne_bytes([b; 8])
}

const HIGH_BITS: u64 = splat(0x80);

/// The high bit of each byte of `w` that is below `n` (`n` ≤ 0x80). Higher bytes may be
/// flagged wrongly (a borrow from a true hit below them), never lower ones, so the lowest flag
/// of an OR of such masks is the first true hit: all the scan uses.
const fn bytes_below(w: u64, n: u8) -> u64 {
    w.wrapping_sub(splat(n)) & !w & HIGH_BITS
}

/// The high bit of each byte of `w` equal to `b`, exact for the lowest such byte.
const fn bytes_equal(w: u64, b: u8) -> u64 {
    bytes_below(w ^ splat(b), 1)
}

impl<'a> Reader<'a> {
    /// Skips JSON whitespace.
    #[inline]
    fn ws(&mut self) {
        while let Some(b' ' | b'\n' | b'\r' | b'\t') = self.bytes.get(self.pos) {
            self.pos += 1;
        }
    }

    /// The next byte after whitespace, not consumed.
    #[inline]
    fn peek(&mut self) -> Option<u8> {
        self.ws();
        self.bytes.get(self.pos).copied()
    }

    /// Consumes `b` after whitespace.
    #[inline]
    fn eat(&mut self, b: u8) -> Option<()> {
        (self.peek()? == b).then(|| self.pos += 1)
    }

    /// Consumes the literal `word` (`true`, `false`, `null`), the first byte already peeked.
    #[inline]
    fn literal(&mut self, word: &[u8]) -> Option<()> {
        let end = self.pos.checked_add(word.len())?;
        (self.bytes.get(self.pos..end)? == word).then(|| self.pos = end)
    }

    /// Consumes `null` if it comes next.
    #[inline]
    fn null(&mut self) -> Option<bool> {
        if self.peek()? == b'n' {
            self.literal(b"null")?;
            Some(true)
        } else {
            Some(false)
        }
    }

    /// The position of the first `"`, `\` or control byte at or after `from` (the length of
    /// the input when there is none).
    #[inline]
    fn special_from(&self, from: usize) -> usize {
        let is_special = |b: u8| b == b'"' || b == b'\\' || b < 0x20;
        let Some(rest) = self.bytes.get(from..) else {
            return self.bytes.len();
        };
        // Short strings (most keys) end within the first bytes.
        match rest.first() {
            None => return from,
            Some(&b) if is_special(b) => return from,
            Some(_) => {}
        }
        let chunks = rest.chunks_exact(8);
        let tail = chunks.remainder();
        let mut at = from;
        for chunk in chunks {
            let mut word = [0; 8];
            word.copy_from_slice(chunk);
            let w = u64::from_le_bytes(word);
            let hits = bytes_equal(w, b'"') | bytes_equal(w, b'\\') | bytes_below(w, 0x20);
            if hits != 0 {
                return at + (hits.trailing_zeros() / 8) as usize;
            }
            at += 8;
        }
        at + tail
            .iter()
            .position(|&b| is_special(b))
            .unwrap_or(tail.len())
    }

    /// Reads a string, after whitespace.
    #[inline]
    fn string(&mut self) -> Option<Text<'a>> {
        self.eat(b'"')?;
        let start = self.pos;
        let end = self.special_from(start);
        match self.bytes.get(end)? {
            b'"' => {
                self.pos = end + 1;
                self.text.get(start..end).map(Text::Borrowed)
            }
            b'\\' => {
                let mut owned = String::from(self.text.get(start..end)?);
                self.pos = end;
                self.escaped_rest(&mut owned)?;
                Some(Text::Owned(owned))
            }
            _ => None, // a control character: not JSON
        }
    }

    /// Continues a string at an escape, appending to `out` until the closing quote.
    fn escaped_rest(&mut self, out: &mut String) -> Option<()> {
        loop {
            match *self.bytes.get(self.pos)? {
                b'"' => {
                    self.pos += 1;
                    return Some(());
                }
                b'\\' => {
                    let (c, len) = match *self.bytes.get(self.pos + 1)? {
                        b'"' => ('"', 2),
                        b'\\' => ('\\', 2),
                        b'/' => ('/', 2),
                        b'b' => ('\u{8}', 2),
                        b'f' => ('\u{c}', 2),
                        b'n' => ('\n', 2),
                        b'r' => ('\r', 2),
                        b't' => ('\t', 2),
                        b'u' => {
                            let unit = self.hex4(self.pos + 2)?;
                            match unit {
                                // A high surrogate and the low one after it: one character
                                // outside the BMP (v2 writes every emoji so). A lone surrogate
                                // is left to serde.
                                0xD800..=0xDBFF => {
                                    if self.bytes.get(self.pos + 6..self.pos + 8) != Some(b"\\u") {
                                        return None;
                                    }
                                    let low = self.hex4(self.pos + 8)?;
                                    if !(0xDC00..=0xDFFF).contains(&low) {
                                        return None;
                                    }
                                    let c = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
                                    (char::from_u32(c)?, 12)
                                }
                                _ => (char::from_u32(unit)?, 6),
                            }
                        }
                        _ => return None,
                    };
                    out.push(c);
                    self.pos += len;
                }
                _ => {
                    let end = self.special_from(self.pos);
                    if end == self.pos {
                        return None; // a control character
                    }
                    out.push_str(self.text.get(self.pos..end)?);
                    self.pos = end;
                }
            }
        }
    }

    /// The UTF-16 unit of the four hex digits at `at` (of a `\u` escape).
    #[inline]
    fn hex4(&self, at: usize) -> Option<u32> {
        let hex = self.text.get(at..at + 4)?;
        if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        u32::from_str_radix(hex, 16).ok()
    }

    /// Reads a non-negative integer written as JSON digits (`0` or no leading zero), as serde
    /// reads a `u64`; anything else (sign, fraction, exponent, overflow) is left to serde.
    #[inline]
    fn u64(&mut self) -> Option<u64> {
        self.ws();
        let start = self.pos;
        let mut value: u64 = 0;
        while let Some(&b) = self.bytes.get(self.pos) {
            let digit = b.wrapping_sub(b'0');
            if digit > 9 {
                break;
            }
            value = value.checked_mul(10)?.checked_add(u64::from(digit))?;
            self.pos += 1;
        }
        let digits = self.pos - start;
        let leading_zero = digits > 1 && self.bytes.get(start) == Some(&b'0');
        let continues = matches!(self.bytes.get(self.pos), Some(b'.' | b'e' | b'E'));
        (digits > 0 && !leading_zero && !continues).then_some(value)
    }

    /// Reads an integer that must fit in 32 bits (entity indices, image sizes).
    #[inline]
    fn u32(&mut self) -> Option<u32> {
        u32::try_from(self.u64()?).ok()
    }

    #[inline]
    fn bool(&mut self) -> Option<bool> {
        match self.peek()? {
            b't' => self.literal(b"true").map(|()| true),
            b'f' => self.literal(b"false").map(|()| false),
            _ => None,
        }
    }

    /// Reads an id: a string of digits or a JSON integer, as [`UserId`]'s serde impl does.
    #[inline]
    fn id(&mut self) -> Option<u64> {
        if self.peek()? != b'"' {
            return self.u64();
        }
        // Digits then the closing quote, read in one pass; an escape or any other byte is
        // not an id X writes, and is left to serde.
        let start = self.pos + 1;
        let mut at = start;
        let mut value: u64 = 0;
        loop {
            let b = *self.bytes.get(at)?;
            let digit = b.wrapping_sub(b'0');
            if digit > 9 {
                if b != b'"' || at == start {
                    return None;
                }
                self.pos = at + 1;
                return Some(value);
            }
            value = value.checked_mul(10)?.checked_add(u64::from(digit))?;
            at += 1;
        }
    }

    /// Reads an optional value with `read`; `null` is `None`.
    // The outer `Option` is the reader's (`None`: give up), the inner one the field's.
    #[allow(clippy::option_option)]
    #[inline]
    fn opt<T>(&mut self, read: impl FnOnce(&mut Self) -> Option<T>) -> Option<Option<T>> {
        if self.null()? {
            Some(None)
        } else {
            read(self).map(Some)
        }
    }

    /// Reads an array whose every element `read` reads.
    #[inline]
    fn vec<T>(&mut self, mut read: impl FnMut(&mut Self) -> Option<T>) -> Option<Vec<T>> {
        let mut all = Vec::new();
        self.array(|r| {
            all.push(read(r)?);
            Some(())
        })?;
        Some(all)
    }

    #[inline]
    fn text(&mut self) -> Option<CompactString> {
        self.string().map(|t| CompactString::from(t.as_str()))
    }

    /// Skips any JSON value, checking that it is well formed.
    fn skip(&mut self) -> Option<()> {
        match self.peek()? {
            b'"' => self.string().map(drop),
            b'{' => self.object(|r, _| r.skip()),
            b'[' => self.array(Self::skip),
            b't' => self.literal(b"true"),
            b'f' => self.literal(b"false"),
            b'n' => self.literal(b"null"),
            b'-' | b'0'..=b'9' => self.skip_number(),
            _ => None,
        }
    }

    /// Skips a number in JSON's grammar: `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`.
    fn skip_number(&mut self) -> Option<()> {
        let digits = |r: &mut Self| {
            let start = r.pos;
            while r.bytes.get(r.pos).is_some_and(u8::is_ascii_digit) {
                r.pos += 1;
            }
            r.pos - start
        };
        if self.bytes.get(self.pos) == Some(&b'-') {
            self.pos += 1;
        }
        let first = self.pos;
        let n = digits(self);
        if n == 0 || (n > 1 && self.bytes.get(first) == Some(&b'0')) {
            return None;
        }
        if self.bytes.get(self.pos) == Some(&b'.') {
            self.pos += 1;
            (digits(self) > 0).then_some(())?;
        }
        if let Some(b'e' | b'E') = self.bytes.get(self.pos) {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.bytes.get(self.pos) {
                self.pos += 1;
            }
            (digits(self) > 0).then_some(())?;
        }
        Some(())
    }

    /// Reads an object, calling `field` with each key; `field` must read the value.
    fn object(&mut self, mut field: impl FnMut(&mut Self, &str) -> Option<()>) -> Option<()> {
        self.eat(b'{')?;
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return None;
        }
        if self.peek()? == b'}' {
            self.pos += 1;
        } else {
            loop {
                let key = self.string()?;
                self.eat(b':')?;
                field(self, key.as_str())?;
                match self.peek()? {
                    b',' => self.pos += 1,
                    b'}' => {
                        self.pos += 1;
                        break;
                    }
                    _ => return None,
                }
            }
        }
        self.depth -= 1;
        Some(())
    }

    /// Reads an array, calling `item` for each element.
    fn array(&mut self, mut item: impl FnMut(&mut Self) -> Option<()>) -> Option<()> {
        self.eat(b'[')?;
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return None;
        }
        if self.peek()? == b']' {
            self.pos += 1;
        } else {
            loop {
                item(self)?;
                match self.peek()? {
                    b',' => self.pos += 1,
                    b']' => {
                        self.pos += 1;
                        break;
                    }
                    _ => return None,
                }
            }
        }
        self.depth -= 1;
        Some(())
    }

    /// Delimits the next value and decodes it with serde (for the parts that are not hot).
    fn serde<T: DeserializeOwned>(&mut self) -> Option<T> {
        self.ws();
        let start = self.pos;
        self.skip()?;
        serde_json::from_str(self.text.get(start..self.pos)?).ok()
    }

    fn user_page(&mut self) -> Option<Response<Vec<User>, Meta>> {
        let mut page = Response::default();
        let mut seen = Seen::default();
        self.object(|r, key| match key {
            "data" => {
                seen.first(0)?;
                page.data = r.opt(|r| {
                    // Room for the users the rest of the body can hold at ~128 bytes each, up
                    // to the 1,000 of a full page: growing a vector of 680-byte users one
                    // doubling at a time would copy them about twice over.
                    let rest = r.bytes.len().saturating_sub(r.pos);
                    let mut users = Vec::with_capacity((rest / 128).min(MAX_PAGE));
                    r.array(|r| {
                        // Built where it will stay: a user is 680 bytes.
                        users.push(User::new(UserId::new(0), "", ""));
                        r.user(users.last_mut()?)
                    })?;
                    Some(users)
                })?;
                Some(())
            }
            "includes" => {
                seen.first(1)?;
                page.includes = r.serde()?;
                Some(())
            }
            "errors" => {
                seen.first(2)?;
                page.errors = r.serde()?;
                Some(())
            }
            "meta" => {
                seen.first(3)?;
                page.meta = r.serde()?;
                Some(())
            }
            _ => r.skip(),
        })?;
        Some(page)
    }

    /// Reads a user into `u`, a blank [`User::new`].
    fn user(&mut self, u: &mut User) -> Option<()> {
        let mut seen = Seen::default();
        self.object(|r, key| {
            match key {
                "id" => {
                    seen.first(0)?;
                    u.id = UserId::new(r.id()?);
                }
                "name" => {
                    seen.first(1)?;
                    u.name = r.text()?;
                }
                "username" => {
                    seen.first(2)?;
                    u.username = r.text()?;
                }
                "created_at" => {
                    seen.first(3)?;
                    u.created_at =
                        r.opt(|r| crate::date::rfc3339::parse(r.string()?.as_str()).ok())?;
                }
                "description" => {
                    seen.first(4)?;
                    u.description = r.opt(Self::text)?;
                }
                "entities" => {
                    seen.first(5)?;
                    u.entities = r.opt(Self::user_entities)?;
                }
                "location" => {
                    seen.first(6)?;
                    u.location = r.opt(Self::text)?;
                }
                "pinned_tweet_id" => {
                    seen.first(7)?;
                    u.pinned_tweet_id = r.opt(|r| r.id().map(TweetId::new))?;
                }
                "most_recent_tweet_id" => {
                    seen.first(8)?;
                    u.most_recent_tweet_id = r.opt(|r| r.id().map(TweetId::new))?;
                }
                "profile_image_url" => {
                    seen.first(9)?;
                    u.profile_image_url = r.opt(Self::text)?;
                }
                "profile_banner_url" => {
                    seen.first(10)?;
                    u.profile_banner_url = r.opt(Self::text)?;
                }
                "protected" => {
                    seen.first(11)?;
                    u.protected = r.opt(Self::bool)?;
                }
                "public_metrics" => {
                    seen.first(12)?;
                    u.public_metrics = r.opt(Self::user_metrics)?;
                }
                "url" => {
                    seen.first(13)?;
                    u.url = r.opt(Self::text)?;
                }
                "verified" => {
                    seen.first(14)?;
                    u.verified = r.opt(Self::bool)?;
                }
                "verified_type" => {
                    seen.first(15)?;
                    u.verified_type = r.opt(|r| Some(r.string()?.as_str().into()))?;
                }
                "subscription_type" => {
                    seen.first(16)?;
                    u.subscription_type = r.opt(|r| Some(r.string()?.as_str().into()))?;
                }
                "receives_your_dm" => {
                    seen.first(17)?;
                    u.receives_your_dm = r.opt(Self::bool)?;
                }
                "connection_status" => {
                    seen.first(18)?;
                    u.connection_status =
                        r.opt(|r| r.vec(|r| Some(ConnectionStatus::from(r.string()?.as_str()))))?;
                }
                "affiliation" => {
                    seen.first(19)?;
                    u.affiliation = r.opt(Self::affiliation)?;
                }
                "withheld" => {
                    seen.first(20)?;
                    u.withheld = r.opt(Self::withheld)?;
                }
                "confirmed_email" => {
                    seen.first(21)?;
                    u.confirmed_email = r.opt(Self::text)?;
                }
                "is_identity_verified" => {
                    seen.first(22)?;
                    u.is_identity_verified = r.opt(Self::bool)?;
                }
                "parody" => {
                    seen.first(23)?;
                    u.parody = r.opt(Self::bool)?;
                }
                "subscription" => {
                    seen.first(24)?;
                    u.subscription = r.opt(Self::subscription)?;
                }
                "verified_followers_count" => {
                    seen.first(25)?;
                    u.verified_followers_count = r.opt(Self::u64)?;
                }
                _ => r.skip()?,
            }
            Some(())
        })?;
        // `id`, `name` and `username` are required.
        seen.all(0b111).then_some(())
    }

    fn user_metrics(&mut self) -> Option<UserPublicMetrics> {
        let mut m = UserPublicMetrics::default();
        let mut seen = Seen::default();
        self.object(|r, key| {
            match key {
                "followers_count" => {
                    seen.first(0)?;
                    m.followers_count = r.u64()?;
                }
                "following_count" => {
                    seen.first(1)?;
                    m.following_count = r.u64()?;
                }
                "tweet_count" => {
                    seen.first(2)?;
                    m.tweet_count = r.u64()?;
                }
                "listed_count" => {
                    seen.first(3)?;
                    m.listed_count = r.u64()?;
                }
                "like_count" => {
                    seen.first(4)?;
                    m.like_count = r.opt(Self::u64)?;
                }
                _ => r.skip()?,
            }
            Some(())
        })?;
        seen.all(0b1111).then_some(m)
    }
}

impl Reader<'_> {
    fn subscription(&mut self) -> Option<UserSubscription> {
        let mut subscribes_to_you = None;
        self.object(|r, key| match key {
            "subscribes_to_you" if subscribes_to_you.is_none() => {
                subscribes_to_you = Some(r.bool()?);
                Some(())
            }
            "subscribes_to_you" => None,
            _ => r.skip(),
        })?;
        Some(UserSubscription {
            subscribes_to_you: subscribes_to_you?,
        })
    }

    fn withheld(&mut self) -> Option<UserWithheld> {
        let mut w = UserWithheld::default();
        let mut seen = Seen::default();
        self.object(|r, key| {
            match key {
                "country_codes" => {
                    seen.first(0)?;
                    w.country_codes = r.vec(Self::text)?;
                }
                "scope" => {
                    seen.first(1)?;
                    w.scope = r.opt(|r| Some(r.string()?.as_str().into()))?;
                }
                _ => r.skip()?,
            }
            Some(())
        })?;
        Some(w)
    }

    fn affiliation(&mut self) -> Option<Affiliation> {
        let mut a = Affiliation::default();
        let mut seen = Seen::default();
        self.object(|r, key| {
            match key {
                "badge_url" => {
                    seen.first(0)?;
                    a.badge_url = r.opt(Self::text)?;
                }
                "description" => {
                    seen.first(1)?;
                    a.description = r.opt(Self::text)?;
                }
                "url" => {
                    seen.first(2)?;
                    a.url = r.opt(Self::text)?;
                }
                "user_id" => {
                    seen.first(3)?;
                    a.user_id = r.vec(|r| r.id().map(UserId::new))?;
                }
                _ => r.skip()?,
            }
            Some(())
        })?;
        Some(a)
    }

    fn user_entities(&mut self) -> Option<UserEntities> {
        let mut e = UserEntities::default();
        let mut seen = Seen::default();
        self.object(|r, key| {
            match key {
                "url" => {
                    seen.first(0)?;
                    e.url = r.opt(|r| {
                        let mut urls = Vec::new();
                        let mut seen = Seen::default();
                        r.object(|r, key| match key {
                            "urls" => {
                                seen.first(0)?;
                                urls = r.vec(Self::url_entity)?;
                                Some(())
                            }
                            _ => r.skip(),
                        })?;
                        Some(UrlEntities { urls })
                    })?;
                }
                "description" => {
                    seen.first(1)?;
                    e.description = r.opt(Self::full_text_entities)?;
                }
                _ => r.skip()?,
            }
            Some(())
        })?;
        Some(e)
    }

    fn full_text_entities(&mut self) -> Option<FullTextEntities> {
        let mut e = FullTextEntities::default();
        let mut seen = Seen::default();
        self.object(|r, key| {
            match key {
                "urls" => {
                    seen.first(0)?;
                    e.urls = r.vec(Self::url_entity)?;
                }
                "hashtags" => {
                    seen.first(1)?;
                    e.hashtags = r.vec(Self::tag)?;
                }
                "cashtags" => {
                    seen.first(2)?;
                    e.cashtags = r.vec(Self::tag)?;
                }
                "mentions" => {
                    seen.first(3)?;
                    e.mentions = r.vec(Self::mention)?;
                }
                // Floating-point probabilities: left to serde.
                "annotations" => {
                    seen.first(4)?;
                    e.annotations = r.serde()?;
                }
                _ => r.skip()?,
            }
            Some(())
        })?;
        Some(e)
    }

    fn url_entity(&mut self) -> Option<UrlEntity> {
        let mut e = UrlEntity {
            start: 0,
            end: 0,
            url: CompactString::default(),
            expanded_url: None,
            display_url: None,
            status: None,
            title: None,
            description: None,
            unwound_url: None,
            images: Vec::new(),
            media_key: None,
        };
        let mut seen = Seen::default();
        self.object(|r, key| {
            match key {
                "start" => {
                    seen.first(0)?;
                    e.start = r.u32()?;
                }
                "end" => {
                    seen.first(1)?;
                    e.end = r.u32()?;
                }
                "url" => {
                    seen.first(2)?;
                    e.url = r.text()?;
                }
                "expanded_url" => {
                    seen.first(3)?;
                    e.expanded_url = r.opt(Self::text)?;
                }
                "display_url" => {
                    seen.first(4)?;
                    e.display_url = r.opt(Self::text)?;
                }
                "status" => {
                    seen.first(5)?;
                    e.status = r.opt(|r| u16::try_from(r.u64()?).ok())?;
                }
                "title" => {
                    seen.first(6)?;
                    e.title = r.opt(Self::text)?;
                }
                "description" => {
                    seen.first(7)?;
                    e.description = r.opt(Self::text)?;
                }
                "unwound_url" => {
                    seen.first(8)?;
                    e.unwound_url = r.opt(Self::text)?;
                }
                "images" => {
                    seen.first(9)?;
                    e.images = r.serde()?;
                }
                "media_key" => {
                    seen.first(10)?;
                    e.media_key = r.opt(Self::text)?;
                }
                _ => r.skip()?,
            }
            Some(())
        })?;
        seen.all(0b111).then_some(e)
    }

    fn tag(&mut self) -> Option<TagEntity> {
        let (mut start, mut end, mut tag) = (None, None, None);
        self.object(|r, key| match key {
            "start" if start.is_none() => {
                start = Some(r.u32()?);
                Some(())
            }
            "end" if end.is_none() => {
                end = Some(r.u32()?);
                Some(())
            }
            "tag" if tag.is_none() => {
                tag = Some(r.text()?);
                Some(())
            }
            "start" | "end" | "tag" => None,
            _ => r.skip(),
        })?;
        Some(TagEntity {
            start: start?,
            end: end?,
            tag: tag?,
        })
    }

    fn mention(&mut self) -> Option<MentionEntity> {
        let mut m = MentionEntity {
            start: 0,
            end: 0,
            username: CompactString::default(),
            id: None,
        };
        let mut seen = Seen::default();
        self.object(|r, key| {
            match key {
                "start" => {
                    seen.first(0)?;
                    m.start = r.u32()?;
                }
                "end" => {
                    seen.first(1)?;
                    m.end = r.u32()?;
                }
                "username" => {
                    seen.first(2)?;
                    m.username = r.text()?;
                }
                "id" => {
                    seen.first(3)?;
                    m.id = r.opt(|r| r.id().map(UserId::new))?;
                }
                _ => r.skip()?,
            }
            Some(())
        })?;
        seen.all(0b111).then_some(m)
    }
}

/// Which fields an object has had so far.
#[derive(Default)]
struct Seen(u64);

impl Seen {
    /// Marks field `i`; `None` when it was already there (serde rejects a repeated field).
    fn first(&mut self, i: u32) -> Option<()> {
        let bit = 1 << i;
        (self.0 & bit == 0).then(|| self.0 |= bit)
    }

    /// Whether every field in `mask` was there.
    fn all(&self, mask: u64) -> bool {
        self.0 & mask == mask
    }
}

#[cfg(test)]
mod tests {
    use super::read_user_page;
    use crate::v2::UserPage;

    fn fixture(name: &str) -> String {
        let path = format!(
            "{}/tests/fixtures/v2/{name}.json",
            env!("CARGO_MANIFEST_DIR")
        );
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    /// The reader's answer, checked against serde's when it gives one.
    fn read(text: &str) -> Option<UserPage> {
        let page = read_user_page(text)?;
        assert_eq!(
            crate::decode::<UserPage>(text.as_bytes()).as_ref(),
            Ok(&page),
            "the reader accepted what serde reads otherwise: {text}"
        );
        Some(page)
    }

    #[test]
    fn reads_the_page_fixtures_itself() {
        for name in [
            "followers_all_fields",
            "users_default_fields",
            "followers_last_page",
            "followers_empty_page",
            "users_lookup_not_found",
            "users_lookup_partial",
        ] {
            assert!(read(&fixture(name)).is_some(), "{name} was left to serde");
        }
    }

    #[test]
    fn reads_escapes_and_odd_ids_itself() {
        let body = r#"{"data":[{"id":12,"name":"a\"b\\c\/\b\f\n\r\t\u00e9","username":"u","pinned_tweet_id":"007","descr\u0069ption":"k"}]}"#;
        let page = read(body).unwrap();
        assert_eq!(page.items()[0].name, "a\"b\\c/\u{8}\u{c}\n\r\té");
        assert_eq!(page.items()[0].description.as_deref(), Some("k"));
    }

    #[test]
    fn reads_surrogate_pairs_itself() {
        // v2 escapes every character outside the BMP (emoji) as a pair, upper or lower case.
        let body = r#"{"data":[{"id":"1","name":"EL \uD83C\uDF0F\ud83d\ude00!","username":"u","location":"\uDBFF\uDFFF"}]}"#;
        let page = read(body).unwrap();
        assert_eq!(page.items()[0].name, "EL 🌏😀!");
        assert_eq!(page.items()[0].location.as_deref(), Some("\u{10FFFF}"));
    }

    #[test]
    fn leaves_the_unusual_to_serde() {
        let user =
            |extra: &str| format!(r#"{{"data":[{{"id":"1","name":"n","username":"u"{extra}}}]}}"#);
        for body in [
            // Lone surrogates (serde rejects them, with the path).
            user(r#","location":"\ud83d""#),
            user(r#","location":"\ud83dx""#),
            user(r#","location":"\ude00""#),
            user(r#","location":"\ud83d\u0041""#),
            user(r#","location":"\ud83d\ud83d""#),
            user(r#","verified_followers_count":01"#),
            user(r#","verified_followers_count":1e3"#),
            user(r#","id":"2""#),
            user(&format!(r#","deep":{}1{}"#, "[".repeat(65), "]".repeat(65))),
            r#"{"data":[]} x"#.to_owned(),
            "[]".to_owned(),
        ] {
            assert!(read_user_page(&body).is_none(), "{body}");
        }
    }

    mod mutations {
        use super::{fixture, read};
        use proptest::collection::vec;
        use proptest::prelude::*;
        use proptest::sample::{Index, select};

        const TOKENS: &[&str] = &[
            "\"",
            "\\",
            "\\u00e9",
            "\\ud83d",
            "\\ude00",
            "\\uD83D\\uDE00",
            "\\n",
            "null",
            ",",
            ":",
            "{",
            "}",
            "[",
            "]",
            " ",
            "0",
            "-",
            ".5",
            "e3",
            "1",
            "true",
            "\"id\":\"5\",",
            "\u{1}",
            "\"x\":[],",
            "9999999999999999999999",
            "é",
        ];

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(256))]

            /// Whenever the reader accepts an edited page, serde reads the same page.
            #[test]
            fn whatever_the_reader_accepts_serde_reads_alike(
                edits in vec((any::<Index>(), select(TOKENS), any::<bool>()), 1..4),
            ) {
                let mut text = fixture("followers_all_fields");
                for (at, token, overwrite) in edits {
                    let mut i = at.index(text.len() + 1);
                    while !text.is_char_boundary(i) {
                        i -= 1;
                    }
                    let mut end = if overwrite { (i + token.len()).min(text.len()) } else { i };
                    while !text.is_char_boundary(end) {
                        end += 1;
                    }
                    text.replace_range(i..end, token);
                }
                let _ = read(&text);
            }
        }
    }
}
