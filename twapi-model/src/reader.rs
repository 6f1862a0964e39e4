//! A strict JSON reader for the bodies that are read by the thousand: the fast path of the
//! model's `decode` functions ([`crate::v1::User::decode`], [`crate::v1::UserPage::decode`],
//! [`crate::v2::UserPage::decode`]).
//!
//! serde defines what a body means; this reader only makes the common case cheap. It reads
//! values directly, without serde's per-field dispatch, decodes escapes once into a reused
//! buffer, and gives up (returns `None`) at the first thing it does not handle or that is not
//! valid JSON: a repeated key, a missing required field, an escape it does not decode, a
//! number it does not expect, nesting beyond [`MAX_DEPTH`]. The caller then decodes the body
//! with serde, which produces either the value or the error with its path. Parts that are not
//! hot (floating point, rare objects) are delimited here and handed to serde as a slice.
//!
//! The invariant, checked by differential tests and fuzzing: when this reader returns a value,
//! serde returns the same value for the same bytes.

use compact_str::CompactString;
use serde::de::DeserializeOwned;

use crate::DecodeError;

/// Nesting deeper than this is left to serde (whose own limit is 128).
const MAX_DEPTH: usize = 64;

/// Decodes `T` with `read`, or with serde (and its error path) when the reader gives up.
pub(crate) fn decode_with<T: DeserializeOwned>(
    bytes: &[u8],
    read: impl FnOnce(&mut Reader<'_>) -> Option<T>,
) -> Result<T, DecodeError> {
    if let Ok(text) = std::str::from_utf8(bytes)
        && let Some(value) = read_document(text, read)
    {
        return Ok(value);
    }
    crate::decode(bytes)
}

/// Reads a whole document with `read`: nothing but whitespace may follow the value.
pub(crate) fn read_document<T>(
    text: &str,
    read: impl FnOnce(&mut Reader<'_>) -> Option<T>,
) -> Option<T> {
    let mut r = Reader::new(text);
    let value = read(&mut r)?;
    r.ws();
    (r.pos == r.bytes.len()).then_some(value)
}

/// A type the reader reads itself, exactly as its `Deserialize` would; `None` when serde must
/// decide.
pub(crate) trait FromReader: Sized {
    /// Reads one value, after whitespace.
    fn from_reader(r: &mut Reader<'_>) -> Option<Self>;
}

/// A text read from the input: borrowed, or decoded when it held escapes.
pub(crate) enum Text<'a> {
    Borrowed(&'a str),
    Owned(String),
}

impl Text<'_> {
    pub(crate) fn as_str(&self) -> &str {
        match self {
            Self::Borrowed(s) => s,
            Self::Owned(s) => s,
        }
    }
}

/// The reader: a position in a text that is valid UTF-8 (checked once, for the whole body).
pub(crate) struct Reader<'a> {
    pub(crate) bytes: &'a [u8],
    text: &'a str,
    pub(crate) pos: usize,
    depth: usize,
    /// Where escaped strings are decoded, reused from string to string.
    scratch: String,
}

/// What a byte is worth as a hex digit, or [`NOT_HEX`].
const HEX_VALUE: [u8; 256] = {
    let mut table = [NOT_HEX; 256];
    let mut digit: u8 = 0;
    while digit < 16 {
        let (lower, upper) = match digit {
            0..=9 => (b'0' + digit, b'0' + digit),
            _ => (b'a' + digit - 10, b'A' + digit - 10),
        };
        table[lower as usize] = digit;
        table[upper as usize] = digit;
        digit += 1;
    }
    table
};

/// What each two-character escape `\x` stands for (`x` indexing), or 0 where `\x` is not
/// one (`\u` included, which is read on its own).
const SHORT_ESCAPE: [u8; 256] = {
    let mut table = [0; 256];
    table[b'"' as usize] = b'"';
    table[b'\\' as usize] = b'\\';
    table[b'/' as usize] = b'/';
    table[b'b' as usize] = 0x08;
    table[b'f' as usize] = 0x0C;
    table[b'n' as usize] = b'\n';
    table[b'r' as usize] = b'\r';
    table[b't' as usize] = b'\t';
    table
};

/// The [`HEX_VALUE`] of a byte that is not a hex digit.
const NOT_HEX: u8 = 0x80;

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

/// The number that eight ASCII digits make (the first in the lowest byte of `w`), or `None`
/// when a byte is not a digit: three multiply-and-add steps over the whole word instead of
/// eight dependent ones.
#[inline]
const fn eight_digits(w: u64) -> Option<u64> {
    // A digit is 0x30..=0x39: high nibble 3, and still 3 after adding 6.
    let nibbles = splat(0xF0);
    if w & nibbles != splat(0x30) || w.wrapping_add(splat(0x06)) & nibbles != splat(0x30) {
        return None;
    }
    let d = w - splat(b'0');
    let pairs = (d * 10 + (d >> 8)) & 0x00FF_00FF_00FF_00FF;
    let quads = (pairs * 100 + (pairs >> 16)) & 0x0000_FFFF_0000_FFFF;
    Some((quads * 10_000 + (quads >> 32)) & 0xFFFF_FFFF)
}

/// Whether two keys of the same length are equal, compared a word at a time: keys are short,
/// and a call to `memcmp` for each (their length is not known to the compiler) cost 7 % of
/// reading a v1.1 page.
#[inline]
fn same_key(a: &[u8], b: &[u8]) -> bool {
    fn word(s: &[u8], at: usize) -> Option<u64> {
        s.get(at..)?.first_chunk().map(|w| u64::from_le_bytes(*w))
    }
    fn half(s: &[u8], at: usize) -> Option<u32> {
        s.get(at..)?.first_chunk().map(|w| u32::from_le_bytes(*w))
    }
    let n = a.len();
    if n != b.len() {
        return false;
    }
    if n >= 8 {
        // Whole words, the last one overlapping the one before.
        let mut at = 0;
        while at + 8 < n {
            if word(a, at) != word(b, at) {
                return false;
            }
            at += 8;
        }
        word(a, n - 8) == word(b, n - 8)
    } else if n >= 4 {
        half(a, 0) == half(b, 0) && half(a, n - 4) == half(b, n - 4)
    } else {
        a.iter().zip(b).all(|(x, y)| x == y)
    }
}

impl<'a> Reader<'a> {
    /// A reader at the start of `text`.
    pub(crate) fn new(text: &'a str) -> Self {
        Self {
            bytes: text.as_bytes(),
            text,
            pos: 0,
            depth: 0,
            scratch: String::new(),
        }
    }

    /// Skips JSON whitespace.
    #[inline]
    pub(crate) fn ws(&mut self) {
        while let Some(b' ' | b'\n' | b'\r' | b'\t') = self.bytes.get(self.pos) {
            self.pos += 1;
        }
    }

    /// The next byte after whitespace, not consumed.
    #[inline]
    pub(crate) fn peek(&mut self) -> Option<u8> {
        self.ws();
        self.bytes.get(self.pos).copied()
    }

    /// Consumes `b` after whitespace.
    #[inline]
    pub(crate) fn eat(&mut self, b: u8) -> Option<()> {
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
    pub(crate) fn null(&mut self) -> Option<bool> {
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

    /// Reads a string, after whitespace: borrowed when it holds no escape, decoded otherwise.
    #[inline]
    pub(crate) fn string(&mut self) -> Option<Text<'a>> {
        self.string_with(Text::Borrowed, |decoded| Text::Owned(decoded.to_owned()))
    }

    /// Reads a string, after whitespace, handing it to `plain` when it holds no escape
    /// (borrowed from the input), or to `decoded` once its escapes are decoded into the
    /// scratch buffer, so that an escaped string is copied once into its final form.
    #[allow(
        clippy::inline_always,
        reason = "every key and string goes through here: with plain `inline` the v2 page cost \
                  1.2 % more instructions than the two copies this replaced, inlined it costs 4 % less"
    )]
    #[inline(always)]
    fn string_with<T>(
        &mut self,
        plain: impl FnOnce(&'a str) -> T,
        decoded: impl FnOnce(&str) -> T,
    ) -> Option<T> {
        self.eat(b'"')?;
        let start = self.pos;
        let end = self.special_from(start);
        match self.bytes.get(end)? {
            b'"' => {
                self.pos = end + 1;
                self.text.get(start..end).map(plain)
            }
            b'\\' => {
                let mut out = std::mem::take(&mut self.scratch);
                out.clear();
                out.push_str(self.text.get(start..end)?);
                self.pos = end;
                let value = self.escaped_rest(&mut out).map(|()| decoded(&out));
                self.scratch = out;
                value
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
                    // `\/` and `\u` are nearly all the escapes X writes (v1.1 escapes every
                    // slash and every non-ASCII character), and they alternate. Any `match` on
                    // the escape, even with `/` tested first, became one jump table whose
                    // indirect jump mispredicted (14 % of this function's time): the two-letter
                    // escapes are a table lookup instead, leaving one branch, `u` or not.
                    let escape = *self.bytes.get(self.pos + 1)?;
                    if escape != b'u' {
                        let decoded = SHORT_ESCAPE[usize::from(escape)];
                        if decoded == 0 {
                            return None;
                        }
                        out.push(char::from(decoded));
                        self.pos += 2;
                        continue;
                    }
                    let unit = self.hex4(self.pos + 2)?;
                    let (c, len) = match unit {
                        // A high surrogate and the low one after it: one character outside the
                        // BMP (v2 writes every emoji so). A lone surrogate is left to serde.
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

    /// The UTF-16 unit of the four hex digits at `at` (of a `\u` escape): four table lookups
    /// and one test, as v1.1 writes every non-ASCII character so.
    #[inline]
    fn hex4(&self, at: usize) -> Option<u32> {
        let &[a, b, c, d] = self.bytes.get(at..at.checked_add(4)?)? else {
            return None;
        };
        let [a, b, c, d] = [a, b, c, d].map(|digit| HEX_VALUE[usize::from(digit)]);
        // Each value is below 16; `NOT_HEX` has a high bit.
        ((a | b | c | d) & NOT_HEX == 0)
            .then(|| u32::from(a) << 12 | u32::from(b) << 8 | u32::from(c) << 4 | u32::from(d))
    }

    /// Reads a non-negative integer written as JSON digits (`0` or no leading zero), as serde
    /// reads a `u64`; anything else (sign, fraction, exponent, overflow) is left to serde.
    #[inline]
    pub(crate) fn u64(&mut self) -> Option<u64> {
        self.ws();
        let start = self.pos;
        let mut value: u64 = 0;
        // Eight digits at a time while there are eight (an id has up to 20, a page 5,000).
        while let Some(eight) = self
            .bytes
            .get(self.pos..)
            .and_then(<[u8]>::first_chunk)
            .and_then(|chunk| eight_digits(u64::from_le_bytes(*chunk)))
        {
            value = value.checked_mul(100_000_000)?.checked_add(eight)?;
            self.pos += 8;
        }
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
    pub(crate) fn u32(&mut self) -> Option<u32> {
        u32::try_from(self.u64()?).ok()
    }

    /// Reads an integer, negative or not, as serde reads an `i64`: `-0`, which serde reads as
    /// a float, and anything else it would not read as an integer is left to serde.
    #[inline]
    pub(crate) fn i64(&mut self) -> Option<i64> {
        if self.peek()? != b'-' {
            return i64::try_from(self.u64()?).ok();
        }
        self.pos += 1;
        // No whitespace may follow the sign.
        if !self.bytes.get(self.pos).is_some_and(u8::is_ascii_digit) {
            return None;
        }
        let magnitude = self.u64()?;
        if magnitude == 0 {
            return None;
        }
        0i64.checked_sub_unsigned(magnitude)
    }

    #[inline]
    pub(crate) fn bool(&mut self) -> Option<bool> {
        match self.peek()? {
            b't' => self.literal(b"true").map(|()| true),
            b'f' => self.literal(b"false").map(|()| false),
            _ => None,
        }
    }

    /// Reads an id: a string of digits or a JSON integer, as [`UserId`](crate::UserId)'s serde
    /// impl does.
    #[inline]
    pub(crate) fn id(&mut self) -> Option<u64> {
        if self.peek()? != b'"' {
            return self.u64();
        }
        // Digits then the closing quote, read in one pass; an escape or any other byte is
        // not an id X writes, and is left to serde. A snowflake has 18 or 19 digits: all but
        // the last few are read eight at a time.
        let start = self.pos + 1;
        let mut at = start;
        let mut value: u64 = 0;
        while let Some(eight) = self
            .bytes
            .get(at..)
            .and_then(<[u8]>::first_chunk)
            .and_then(|chunk| eight_digits(u64::from_le_bytes(*chunk)))
        {
            value = value.checked_mul(100_000_000)?.checked_add(eight)?;
            at += 8;
        }
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
    pub(crate) fn opt<T>(
        &mut self,
        read: impl FnOnce(&mut Self) -> Option<T>,
    ) -> Option<Option<T>> {
        if self.null()? {
            Some(None)
        } else {
            read(self).map(Some)
        }
    }

    /// Reads an array whose every element `read` reads.
    #[inline]
    pub(crate) fn vec<T>(
        &mut self,
        mut read: impl FnMut(&mut Self) -> Option<T>,
    ) -> Option<Vec<T>> {
        let mut all = Vec::new();
        self.array(|r| {
            all.push(read(r)?);
            Some(())
        })?;
        Some(all)
    }

    /// Reads a string into its final form, after whitespace.
    #[inline]
    pub(crate) fn text(&mut self) -> Option<CompactString> {
        self.string_with(CompactString::from, |decoded| CompactString::from(decoded))
    }

    /// Skips any JSON value, checking that it is well formed.
    pub(crate) fn skip(&mut self) -> Option<()> {
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
    pub(crate) fn object(
        &mut self,
        mut field: impl FnMut(&mut Self, &str) -> Option<()>,
    ) -> Option<()> {
        self.members(|r| {
            let key = r.string()?;
            r.eat(b':')?;
            field(r, key.as_str())
        })
    }

    /// Reads an object into `object`, handing each member whose key `keys` lists to the
    /// setter at the same place in `setters`; a key not listed is skipped.
    ///
    /// X writes every object of a kind with its fields in one order, and `keys` lists them in
    /// that order. Before scanning a key for its end, the reader checks whether the input holds
    /// the key expected next (the one after the last key found): a comparison of a few bytes
    /// instead of a scan and a search; then, alike, for the few keys after it
    /// ([`Reader::skipped_key`]). Any other key is read and looked up ([`Reader::find_key`]),
    /// so the order only makes reading faster, never different. A key
    /// not listed is looked up again under its `rename` when there is one (a v2 object's 2.167
    /// names).
    ///
    /// Each field is read by a function of its own, called through the table, rather than by an
    /// arm of one `match` per object: the loop is then under a kilobyte of code for any object
    /// (a `User`'s was 7.6 KB with its arms), which is what a request that decodes one user
    /// runs cold; and on a page the indirect calls cost less than the larger loop did.
    pub(crate) fn object_in_order<O>(
        &mut self,
        object: &mut O,
        seen: &mut Seen,
        keys: &[&'static str],
        setters: &[Setter<O>],
        rename: Option<fn(&str) -> &str>,
    ) -> Option<()> {
        let mut next = 0;
        self.members(|r| {
            let index = match keys.get(next) {
                Some(&expected) if r.at_key(expected) => Some(next),
                _ => match r.skipped_key(keys, next) {
                    Some(at) => Some(at),
                    None => r.find_key(keys, next, rename)?,
                },
            };
            r.eat(b':')?;
            match index {
                Some(at) => {
                    next = at + 1;
                    setters.get(at)?(object, r, seen)
                }
                None => r.skip(),
            }
        })
    }

    /// Consumes one of the few keys after the one expected next, if the input holds it: the
    /// fields a user lacks (most lack a few), or two fields X writes in another order than
    /// `keys` (`most_recent_tweet_id` before `pinned_tweet_id`). A comparison of a few bytes
    /// each, where [`Reader::find_key`] scans the key and searches the list; its position, or
    /// `None` when the key is none of them.
    #[inline]
    fn skipped_key(&mut self, keys: &[&'static str], next: usize) -> Option<usize> {
        const LOOK_AHEAD: usize = 3;
        let ahead = keys.get(next + 1..)?;
        let at = ahead
            .iter()
            .take(LOOK_AHEAD)
            .position(|key| self.at_key(key))?;
        Some(next + 1 + at)
    }

    /// Reads a key that is not the one expected next and finds it in `keys`, from the expected
    /// one on (an absent field skips ahead), then from the start. `None` when the input holds
    /// no key (the reader gives up), `Some(None)` for a key not listed (its value is skipped).
    /// Out of line: keys come in X's order almost always, so this is the cold path, and one
    /// copy serves every object.
    #[inline(never)]
    #[allow(clippy::option_option)]
    fn find_key(
        &mut self,
        keys: &[&'static str],
        next: usize,
        rename: Option<fn(&str) -> &str>,
    ) -> Option<Option<usize>> {
        let text = self.string()?;
        let key = text.as_str().as_bytes();
        let listed = |k: &&str| same_key(k.as_bytes(), key);
        let ahead = keys.get(next..).unwrap_or_default();
        Some(match ahead.iter().position(listed) {
            Some(at) => Some(next + at),
            None => keys.iter().position(listed).or_else(|| {
                // A key of the other vocabulary, read as its classic name.
                let renamed = rename?(text.as_str());
                keys.iter().position(|k| *k == renamed)
            }),
        })
    }

    /// Reads the braces and commas of an object, calling `member` for each `"key": value`.
    #[inline]
    fn members(&mut self, member: impl FnMut(&mut Self) -> Option<()>) -> Option<()> {
        self.delimited(b'{', b'}', member)
    }

    /// Reads `open`, the items `item` reads separated by commas, and `close`: the frame that
    /// objects and arrays share, one nesting level deeper.
    #[inline]
    fn delimited(
        &mut self,
        open: u8,
        close: u8,
        mut item: impl FnMut(&mut Self) -> Option<()>,
    ) -> Option<()> {
        self.eat(open)?;
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return None;
        }
        if self.peek()? == close {
            self.pos += 1;
        } else {
            loop {
                item(self)?;
                match self.peek()? {
                    b',' => self.pos += 1,
                    b if b == close => {
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

    /// Consumes `"key"` if the input holds exactly that next (after whitespace).
    #[inline]
    fn at_key(&mut self, key: &str) -> bool {
        self.ws();
        let start = self.pos;
        let Some(end) = start.checked_add(key.len() + 2) else {
            return false;
        };
        let found = match self.bytes.get(start..end) {
            Some([b'"', inner @ .., b'"']) => same_key(inner, key.as_bytes()),
            _ => false,
        };
        if found {
            self.pos = end;
        }
        found
    }

    /// Reads an array, calling `item` for each element.
    pub(crate) fn array(&mut self, item: impl FnMut(&mut Self) -> Option<()>) -> Option<()> {
        self.delimited(b'[', b']', item)
    }

    /// Delimits the next value and decodes it with serde (for the parts that are not hot).
    pub(crate) fn serde<T: DeserializeOwned>(&mut self) -> Option<T> {
        self.ws();
        let start = self.pos;
        self.skip()?;
        serde_json::from_str(self.text.get(start..self.pos)?).ok()
    }
}

/// Reads one field's value into an object of type `O` and marks the field in [`Seen`];
/// `None` when serde must decide. [`Reader::object_in_order`] calls one per member.
pub(crate) type Setter<O> = fn(&mut O, &mut Reader<'_>, &mut Seen) -> Option<()>;

/// Which fields an object has had so far.
#[derive(Default)]
pub(crate) struct Seen(u64);

impl Seen {
    /// Marks field `i`; `None` when it was already there (serde rejects a repeated field).
    pub(crate) fn first(&mut self, i: u32) -> Option<()> {
        let bit = 1 << i;
        (self.0 & bit == 0).then(|| self.0 |= bit)
    }

    /// Whether every field in `mask` was there.
    pub(crate) fn all(&self, mask: u64) -> bool {
        self.0 & mask == mask
    }
}

impl FromReader for bool {
    fn from_reader(r: &mut Reader<'_>) -> Option<Self> {
        r.bool()
    }
}

impl FromReader for u64 {
    fn from_reader(r: &mut Reader<'_>) -> Option<Self> {
        r.u64()
    }
}

impl FromReader for u32 {
    fn from_reader(r: &mut Reader<'_>) -> Option<Self> {
        r.u32()
    }
}

impl FromReader for u16 {
    fn from_reader(r: &mut Reader<'_>) -> Option<Self> {
        u16::try_from(r.u64()?).ok()
    }
}

/// A JSON number or a string of digits, as the id types' serde impls read them.
impl FromReader for crate::UserId {
    fn from_reader(r: &mut Reader<'_>) -> Option<Self> {
        r.id().map(Self::new)
    }
}

/// A JSON number or a string of digits, as the id types' serde impls read them.
impl FromReader for crate::TweetId {
    fn from_reader(r: &mut Reader<'_>) -> Option<Self> {
        r.id().map(Self::new)
    }
}

impl FromReader for i32 {
    fn from_reader(r: &mut Reader<'_>) -> Option<Self> {
        i32::try_from(r.i64()?).ok()
    }
}

impl FromReader for CompactString {
    fn from_reader(r: &mut Reader<'_>) -> Option<Self> {
        r.text()
    }
}

/// `null` is `None`, as serde's `Option` reads it.
impl<T: FromReader> FromReader for Option<T> {
    fn from_reader(r: &mut Reader<'_>) -> Option<Self> {
        r.opt(T::from_reader)
    }
}

impl<T: FromReader> FromReader for Vec<T> {
    fn from_reader(r: &mut Reader<'_>) -> Option<Self> {
        r.vec(T::from_reader)
    }
}

/// An entity's `[start, end]`: exactly two elements, as serde reads an array.
impl FromReader for [u32; 2] {
    fn from_reader(r: &mut Reader<'_>) -> Option<Self> {
        let mut pair = [0; 2];
        let mut n = 0;
        r.array(|r| {
            *pair.get_mut(n)? = r.u32()?;
            n += 1;
            Some(())
        })?;
        (n == 2).then_some(pair)
    }
}

/// An untyped value (a rare, open object such as a place): serde reads it.
impl FromReader for serde_json::Value {
    fn from_reader(r: &mut Reader<'_>) -> Option<Self> {
        r.serde()
    }
}

/// Implements [`FromReader`] by handing the value to serde: for types that are rare on the
/// wire or hold floating point.
macro_rules! read_with_serde {
    ($($ty:ty),* $(,)?) => {$(
        impl $crate::reader::FromReader for $ty {
            fn from_reader(r: &mut $crate::reader::Reader<'_>) -> Option<Self> {
                r.serde()
            }
        }
    )*};
}

pub(crate) use read_with_serde;

/// What the readers' unit tests share: their fixtures, and the edits their mutation
/// proptests make to them.
#[cfg(test)]
pub(crate) mod test_input {
    use proptest::sample::Index;

    /// `tests/fixtures/<version>/<name>.json` as text.
    pub(crate) fn fixture(version: &str, name: &str) -> String {
        let path = format!(
            "{}/tests/fixtures/{version}/{name}.json",
            env!("CARGO_MANIFEST_DIR")
        );
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    /// Puts each `token` at its place in `text`, over the bytes it covers (`overwrite`) or
    /// between two of them, moved to the nearest character boundaries so the text stays UTF-8.
    pub(crate) fn mutate(text: &mut String, edits: Vec<(Index, &str, bool)>) {
        for (at, token, overwrite) in edits {
            let mut i = at.index(text.len() + 1);
            while !text.is_char_boundary(i) {
                i -= 1;
            }
            let mut end = if overwrite {
                (i + token.len()).min(text.len())
            } else {
                i
            };
            while !text.is_char_boundary(end) {
                end += 1;
            }
            text.replace_range(i..end, token);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Reader, eight_digits, same_key};

    #[test]
    fn hex4_reads_every_unit_in_both_cases_and_nothing_else() {
        for unit in 0..=0xFFFF_u32 {
            for text in [format!("{unit:04x}"), format!("{unit:04X}")] {
                assert_eq!(Reader::new(&text).hex4(0), Some(unit), "{text}");
            }
        }
        for byte in (0..=0x7F_u8).filter(|b| !b.is_ascii_hexdigit()) {
            for at in 0..4 {
                let mut digits = *b"0aF9";
                digits[at] = byte;
                let text = String::from_utf8(digits.to_vec()).unwrap();
                assert_eq!(Reader::new(&text).hex4(0), None, "{text:?}");
            }
        }
        assert_eq!(Reader::new("abc").hex4(0), None);
        assert_eq!(Reader::new("abcd").hex4(usize::MAX), None);
    }

    #[test]
    fn every_two_character_escape_reads_as_serde_reads_it() {
        for x in (0x20..0x7F_u8).map(char::from).filter(|&x| x != 'u') {
            let text = format!("\"a\\{x}b\"");
            let ours = Reader::new(&text).string().map(|s| s.as_str().to_owned());
            let serde = serde_json::from_str::<String>(&text).ok();
            assert_eq!(ours, serde, "{text}");
        }
    }

    #[test]
    fn eight_digits_reads_digits_and_nothing_else() {
        for n in [
            0_u64, 1, 9, 10, 12_345_678, 87_654_321, 99_999_999, 10_000_000, 1_000,
        ] {
            let text = format!("{n:08}");
            let w = u64::from_le_bytes(text.as_bytes().try_into().unwrap());
            assert_eq!(eight_digits(w), Some(n), "{text}");
        }
        for at in 0..8 {
            for byte in (0..=0xFF_u8).filter(|b| !b.is_ascii_digit()) {
                let mut digits = *b"12345678";
                digits[at] = byte;
                assert_eq!(eight_digits(u64::from_le_bytes(digits)), None, "{digits:?}");
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn a_string_id_reads_as_its_digits_say(n: u64, zeros in 0_usize..4, tail in "[\"x ]") {
            let digits = format!("{}{n}", "0".repeat(zeros));
            let text = format!("\"{digits}{tail}");
            let expected = (tail == "\"").then(|| digits.parse::<u64>().ok()).flatten();
            proptest::prop_assert_eq!(Reader::new(&text).id(), expected);
        }
    }

    #[test]
    fn same_key_tells_every_single_byte_difference_at_every_length() {
        for n in 0..=40_usize {
            let key: Vec<u8> = (b'a'..=b'z').cycle().take(n).collect();
            assert!(same_key(&key, &key), "length {n}");
            if let Some(shorter) = key.get(..n.wrapping_sub(1)) {
                assert!(!same_key(&key, shorter), "length {n} against {}", n - 1);
            }
            for at in 0..n {
                let mut other = key.clone();
                other[at] ^= 0x20;
                assert!(!same_key(&key, &other), "length {n}, byte {at}");
                assert!(!same_key(&other, &key), "length {n}, byte {at}");
            }
        }
    }
}
