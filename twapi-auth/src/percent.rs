//! RFC 3986 percent-encoding exactly as OAuth 1.0a (RFC 5849 §3.6) requires it.
//!
//! Only `A-Z a-z 0-9 - . _ ~` pass through; every other UTF-8 byte becomes `%XX` with
//! upper-case hex. This is stricter than `encodeURIComponent` (which leaves `!*'()` alone)
//! and than form encoding (which writes a space as `+`): a signature computed with either
//! of those does not match what X computes. The encoders write into a caller's buffer, so
//! the signer can encode straight into its output without intermediate strings.
//!
//! Decoding comes in two flavours: [`decode`] for header values (a `+` stays a `+`) and
//! [`decode_form`] for query strings and `application/x-www-form-urlencoded` bodies (a `+`
//! is a space). Both reject malformed escapes and bytes that are not UTF-8 with a
//! [`DecodeError`] that carries the offending byte offset.

use std::borrow::Cow;
use std::fmt;

/// Upper-case hexadecimal digits, indexed by nibble.
pub(crate) const HEX: &[u8; 16] = b"0123456789ABCDEF";

/// The 256-entry lookup table: `true` for the RFC 3986 unreserved bytes.
static UNRESERVED: [bool; 256] = unreserved_table();

const fn unreserved_table() -> [bool; 256] {
    let mut table = [false; 256];
    let mut byte: u8 = 0;
    loop {
        table[byte as usize] = byte.is_ascii_alphanumeric()
            || byte == b'-'
            || byte == b'.'
            || byte == b'_'
            || byte == b'~';
        if byte == u8::MAX {
            break;
        }
        byte += 1;
    }
    table
}

/// Whether `byte` is left as-is by the encoder (`A-Z a-z 0-9 - . _ ~`).
///
/// ```
/// assert!(twapi_auth::percent::is_unreserved(b'~'));
/// assert!(!twapi_auth::percent::is_unreserved(b'*'));
/// ```
#[inline]
pub fn is_unreserved(byte: u8) -> bool {
    UNRESERVED[usize::from(byte)]
}

/// Whether every byte is unreserved. Written as a branch-free fold over a range test so
/// the compiler can check many bytes per instruction; long runs then copy in one go.
#[inline]
#[allow(
    clippy::needless_bitwise_bool,
    reason = "non-short-circuit so that the loop has no branch and vectorizes"
)]
pub(crate) fn all_unreserved(bytes: &[u8]) -> bool {
    bytes.iter().fold(true, |all, &b| {
        let alpha = (b | 0x20).wrapping_sub(b'a') < 26;
        let digit = b.wrapping_sub(b'0') < 10;
        all & (alpha | digit | (b == b'-') | (b == b'.') | (b == b'_') | (b == b'~'))
    })
}

/// A key whose lexicographic order over a decoded string equals the byte order of its
/// encoding: escaped bytes sort first (`%` is below every unreserved byte) by value, then
/// unreserved bytes by value. Lets the signer sort parameters by their encoded form
/// without encoding them.
#[inline]
pub(crate) fn order_key(byte: u8) -> u16 {
    if is_unreserved(byte) {
        0x100 | u16::from(byte)
    } else {
        u16::from(byte)
    }
}

/// The length of `input` once encoded, for pre-sizing buffers.
///
/// ```
/// assert_eq!(twapi_auth::percent::encoded_len("a b"), 5);
/// ```
pub fn encoded_len(input: &str) -> usize {
    input
        .bytes()
        .map(|b| if is_unreserved(b) { 1 } else { 3 })
        .sum()
}

/// Encodes `input` into a new string.
///
/// ```
/// use twapi_auth::percent::encode;
///
/// assert_eq!(encode("Ladies + Gentlemen"), "Ladies%20%2B%20Gentlemen");
/// assert_eq!(encode("!*'()"), "%21%2A%27%28%29");
/// assert_eq!(encode("☃"), "%E2%98%83");
/// ```
pub fn encode(input: &str) -> String {
    let mut out = String::with_capacity(encoded_len(input));
    encode_into(input, &mut out);
    out
}

/// Appends the encoding of `input` to `out`; allocates only if `out` must grow.
///
/// ```
/// let mut header = String::from("oauth_nonce=\"");
/// twapi_auth::percent::encode_into("a/b", &mut header);
/// assert_eq!(header, "oauth_nonce=\"a%2Fb");
/// ```
pub fn encode_into(input: &str, out: &mut String) {
    let bytes = input.as_bytes();
    // Most values (keys, tokens, nonces) need no escape at all.
    if all_unreserved(bytes) {
        out.push_str(input);
        return;
    }
    let first = bytes
        .iter()
        .position(|&b| !is_unreserved(b))
        .unwrap_or(bytes.len());
    out.reserve(input.len() + 2);
    let mut run_start = 0;
    for (i, &byte) in bytes.iter().enumerate().skip(first) {
        if !is_unreserved(byte) {
            // The run holds only unreserved ASCII, so its ends are char boundaries.
            if let Some(run) = input.get(run_start..i) {
                out.push_str(run);
            }
            out.push('%');
            out.push(char::from(HEX[usize::from(byte >> 4)]));
            out.push(char::from(HEX[usize::from(byte & 0x0F)]));
            run_start = i + 1;
        }
    }
    if let Some(run) = input.get(run_start..) {
        out.push_str(run);
    }
}

/// Appends the encoding of arbitrary bytes to a byte buffer.
///
/// ```
/// let mut out = Vec::new();
/// twapi_auth::percent::encode_bytes_into(&[0xFF, b'a'], &mut out);
/// assert_eq!(out, b"%FFa");
/// ```
pub fn encode_bytes_into(input: &[u8], out: &mut Vec<u8>) {
    out.reserve(input.len());
    let mut run_start = 0;
    for (i, &byte) in input.iter().enumerate() {
        if !is_unreserved(byte) {
            out.extend_from_slice(input.get(run_start..i).unwrap_or_default());
            out.extend_from_slice(&[
                b'%',
                HEX[usize::from(byte >> 4)],
                HEX[usize::from(byte & 0x0F)],
            ]);
            run_start = i + 1;
        }
    }
    out.extend_from_slice(input.get(run_start..).unwrap_or_default());
}

/// Writes the encoding of `input` to any [`fmt::Write`] sink (a `Formatter`, a `String`).
///
/// ```
/// let mut out = String::new();
/// twapi_auth::percent::encode_fmt("a&b", &mut out).unwrap();
/// assert_eq!(out, "a%26b");
/// ```
pub fn encode_fmt<W: fmt::Write + ?Sized>(input: &str, out: &mut W) -> fmt::Result {
    let bytes = input.as_bytes();
    let mut run_start = 0;
    for (i, &byte) in bytes.iter().enumerate() {
        if !is_unreserved(byte) {
            if let Some(run) = input.get(run_start..i) {
                out.write_str(run)?;
            }
            out.write_char('%')?;
            out.write_char(char::from(HEX[usize::from(byte >> 4)]))?;
            out.write_char(char::from(HEX[usize::from(byte & 0x0F)]))?;
            run_start = i + 1;
        }
    }
    match input.get(run_start..) {
        Some(run) => out.write_str(run),
        None => Ok(()),
    }
}

/// Displays a string percent-encoded, for use in `write!` without an intermediate string.
///
/// ```
/// use twapi_auth::percent::Encoded;
///
/// assert_eq!(format!("q={}", Encoded("a b")), "q=a%20b");
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Encoded<'a>(pub &'a str);

impl fmt::Display for Encoded<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        encode_fmt(self.0, f)
    }
}

/// Why a percent-encoded string could not be decoded, and where.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DecodeError {
    offset: usize,
    kind: DecodeErrorKind,
}

/// The kinds of [`DecodeError`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum DecodeErrorKind {
    /// A `%` not followed by two hexadecimal digits.
    InvalidEscape,
    /// The decoded bytes are not UTF-8 (OAuth parameters are UTF-8 text).
    InvalidUtf8,
}

impl DecodeError {
    /// Byte offset in the encoded input: the `%` of a bad escape, or the first byte (or escape)
    /// whose decoded value is not valid UTF-8.
    pub fn offset(&self) -> usize {
        self.offset
    }

    /// What was wrong.
    pub fn kind(&self) -> DecodeErrorKind {
        self.kind
    }

    pub(crate) fn invalid_escape(offset: usize) -> Self {
        Self {
            offset,
            kind: DecodeErrorKind::InvalidEscape,
        }
    }

    /// The same error for a component that starts `base` bytes into a larger input.
    pub(crate) fn shifted(self, base: usize) -> Self {
        Self {
            offset: base + self.offset,
            kind: self.kind,
        }
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            DecodeErrorKind::InvalidEscape => write!(
                f,
                "invalid percent-escape at byte {} (expected % and two hex digits)",
                self.offset
            ),
            DecodeErrorKind::InvalidUtf8 => {
                write!(
                    f,
                    "percent-decoded bytes are not UTF-8 at byte {}",
                    self.offset
                )
            }
        }
    }
}

impl std::error::Error for DecodeError {}

#[inline]
pub(crate) fn hex_value(byte: u8) -> Option<u8> {
    match byte {
        b'0'..=b'9' => Some(byte - b'0'),
        b'A'..=b'F' => Some(byte - b'A' + 10),
        b'a'..=b'f' => Some(byte - b'a' + 10),
        _ => None,
    }
}

/// The byte encoded by the escape whose `%` is at `at`, if it is a valid escape.
#[inline]
fn escape_at(input: &[u8], at: usize) -> Option<u8> {
    let hi = hex_value(*input.get(at + 1)?)?;
    let lo = hex_value(*input.get(at + 2)?)?;
    Some(hi << 4 | lo)
}

/// Decodes `%XX` escapes strictly; a `+` stays a `+`. Used for `Authorization` header values.
///
/// ```
/// use twapi_auth::percent::{decode, DecodeErrorKind};
///
/// assert_eq!(decode("a%2Bb+c").unwrap(), "a+b+c");
/// assert_eq!(decode("%E2%98%83").unwrap(), "☃");
/// assert_eq!(decode("100%").unwrap_err().kind(), DecodeErrorKind::InvalidEscape);
/// assert_eq!(decode("%FF").unwrap_err().kind(), DecodeErrorKind::InvalidUtf8);
/// ```
pub fn decode(input: &str) -> Result<Cow<'_, str>, DecodeError> {
    decode_impl(input.as_bytes(), false)
}

/// Decodes a query or `application/x-www-form-urlencoded` component: `+` is a space.
///
/// ```
/// assert_eq!(twapi_auth::percent::decode_form("2+q%21").unwrap(), "2 q!");
/// ```
pub fn decode_form(input: &str) -> Result<Cow<'_, str>, DecodeError> {
    decode_impl(input.as_bytes(), true)
}

/// [`decode_form`] over raw bytes (a request body), which also must be UTF-8.
///
/// ```
/// assert_eq!(twapi_auth::percent::decode_form_bytes(b"a+b").unwrap(), "a b");
/// assert!(twapi_auth::percent::decode_form_bytes(&[0xC3]).is_err());
/// ```
pub fn decode_form_bytes(input: &[u8]) -> Result<Cow<'_, str>, DecodeError> {
    decode_impl(input, true)
}

fn decode_impl(input: &[u8], plus_is_space: bool) -> Result<Cow<'_, str>, DecodeError> {
    let first = input
        .iter()
        .position(|&b| b == b'%' || (plus_is_space && b == b'+'));
    let Some(first) = first else {
        return std::str::from_utf8(input)
            .map(Cow::Borrowed)
            .map_err(|e| DecodeError {
                offset: e.valid_up_to(),
                kind: DecodeErrorKind::InvalidUtf8,
            });
    };
    let mut out = Vec::with_capacity(input.len());
    out.extend_from_slice(input.get(..first).unwrap_or_default());
    let mut i = first;
    while let Some(&byte) = input.get(i) {
        match byte {
            b'%' => {
                let decoded = escape_at(input, i).ok_or(DecodeError {
                    offset: i,
                    kind: DecodeErrorKind::InvalidEscape,
                })?;
                out.push(decoded);
                i += 3;
            }
            b'+' if plus_is_space => {
                out.push(b' ');
                i += 1;
            }
            _ => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8(out)
        .map(Cow::Owned)
        .map_err(|e| DecodeError {
            offset: raw_offset(input, e.utf8_error().valid_up_to()),
            kind: DecodeErrorKind::InvalidUtf8,
        })
}

/// Maps an offset in the decoded bytes back to the offset of the encoded input that produced it.
fn raw_offset(input: &[u8], decoded_offset: usize) -> usize {
    let mut raw = 0;
    let mut decoded = 0;
    while decoded < decoded_offset {
        match input.get(raw) {
            Some(b'%') if escape_at(input, raw).is_some() => raw += 3,
            Some(_) => raw += 1,
            None => break,
        }
        decoded += 1;
    }
    raw
}

/// Checks that a query or form string decodes (valid escapes, UTF-8 result) without
/// allocating for inputs up to a few hundred bytes.
pub(crate) fn validate_form(input: &[u8]) -> Result<(), DecodeError> {
    if !input.contains(&b'%') {
        // `+` becomes a space, which keeps UTF-8 validity unchanged.
        return std::str::from_utf8(input)
            .map(|_| ())
            .map_err(|e| DecodeError {
                offset: e.valid_up_to(),
                kind: DecodeErrorKind::InvalidUtf8,
            });
    }
    let mut stack = [0u8; 512];
    let mut heap = Vec::new();
    let buffer: &mut [u8] = if input.len() <= stack.len() {
        &mut stack
    } else {
        heap.resize(input.len(), 0);
        &mut heap
    };
    let mut len = 0;
    let mut i = 0;
    while let Some(&byte) = input.get(i) {
        let decoded = if byte == b'%' {
            let value = escape_at(input, i).ok_or(DecodeError {
                offset: i,
                kind: DecodeErrorKind::InvalidEscape,
            })?;
            i += 3;
            value
        } else {
            i += 1;
            byte
        };
        if let Some(slot) = buffer.get_mut(len) {
            *slot = decoded;
        }
        len += 1;
    }
    let decoded = buffer.get(..len).unwrap_or_default();
    std::str::from_utf8(decoded)
        .map(|_| ())
        .map_err(|e| DecodeError {
            offset: raw_offset(input, e.valid_up_to()),
            kind: DecodeErrorKind::InvalidUtf8,
        })
}

/// Iterates the decoded bytes of a form component that [`validate_form`] accepted; never
/// allocates. An invalid escape (impossible after validation) yields the `%` literally.
#[derive(Clone)]
pub(crate) struct FormBytes<'a> {
    input: &'a [u8],
    at: usize,
}

impl<'a> FormBytes<'a> {
    pub(crate) fn new(input: &'a [u8]) -> Self {
        Self { input, at: 0 }
    }
}

impl Iterator for FormBytes<'_> {
    type Item = u8;

    #[inline]
    fn next(&mut self) -> Option<u8> {
        let byte = *self.input.get(self.at)?;
        match byte {
            b'+' => {
                self.at += 1;
                Some(b' ')
            }
            b'%' => {
                if let Some(value) = escape_at(self.input, self.at) {
                    self.at += 3;
                    Some(value)
                } else {
                    self.at += 1;
                    Some(b'%')
                }
            }
            _ => {
                self.at += 1;
                Some(byte)
            }
        }
    }
}
