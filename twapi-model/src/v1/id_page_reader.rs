//! The fast path of [`IdPage::decode`]: a strict reader for the body a crawler reads most, a
//! followers/ids (or friends/ids) page of up to 5,000 ids.
//!
//! serde defines what a body means; this reader only makes the common case cheap. It reads the
//! digits of each id straight into a `u64` (serde's number parsing costs twice a validating
//! scan of the page) and gives up (returns `None`) at the first thing it does not handle or
//! that is not valid JSON: a repeated key, an unknown key whose value is not a literal or an
//! integer, an escape, a sign, a fraction, an overflow, ids of both forms, a missing field.
//! The caller then decodes the body with serde, which produces either the value or the error
//! with its path. It reads bytes, not text: everything it accepts is ASCII, so it needs no
//! UTF-8 check.
//!
//! The invariant, checked by differential tests: when this reader returns a value, serde
//! returns the same value for the same bytes.

use super::cursor::{Cursor, IdPage};
use super::id_list::IdForm;
use crate::UserId;

/// The most ids a page holds (`count` is at most 5,000); a larger page grows past it.
const MAX_PAGE: usize = 5_000;

/// Reads a page of ids; `None` when serde must decide.
pub(super) fn read_id_page(bytes: &[u8]) -> Option<IdPage> {
    let mut r = Reader { bytes, pos: 0 };
    let page = r.page()?;
    r.ws();
    (r.pos == bytes.len()).then_some(page)
}

struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

/// One half of a cursor twin as read, and which key it came from.
#[derive(Default)]
struct Twin {
    value: Option<Cursor>,
    number_seen: bool,
    string_seen: bool,
}

impl Twin {
    /// Records `value` read from one of the pair's keys; `None` (give up) on a repeated key or
    /// on a value that disagrees with the other key's.
    fn set(&mut self, value: Cursor, string_key: bool) -> Option<()> {
        let seen = if string_key {
            &mut self.string_seen
        } else {
            &mut self.number_seen
        };
        if std::mem::replace(seen, true) {
            return None;
        }
        match self.value {
            Some(other) if other != value => None,
            _ => {
                self.value = Some(value);
                Some(())
            }
        }
    }
}

/// Whether all eight bytes of `word` are ASCII digits. A byte outside `0`..=`9` either has a
/// high nibble other than 3, or a low nibble above 9, which adding 6 carries into the high one.
#[inline]
fn eight_digits(word: u64) -> bool {
    const HIGH: u64 = 0xF0F0_F0F0_F0F0_F0F0;
    (word & HIGH) | ((word.wrapping_add(0x0606_0606_0606_0606) & HIGH) >> 4)
        == 0x3333_3333_3333_3333
}

/// The value of eight ASCII digits read little-endian (the first digit in the lowest byte):
/// pairs, then quadruples, then the eight combined by multiplication, as SWAR parsers do.
#[inline]
fn eight_digits_value(word: u64) -> u64 {
    const MASK: u64 = 0x0000_00FF_0000_00FF;
    const MUL1: u64 = 100 + (1_000_000 << 32);
    const MUL2: u64 = 1 + (10_000 << 32);
    let digits = word.wrapping_sub(0x3030_3030_3030_3030);
    let pairs = digits.wrapping_mul(10).wrapping_add(digits >> 8);
    ((pairs & MASK)
        .wrapping_mul(MUL1)
        .wrapping_add(((pairs >> 16) & MASK).wrapping_mul(MUL2)))
        >> 32
}

impl Reader<'_> {
    #[inline]
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    #[inline]
    fn ws(&mut self) {
        while let Some(b' ' | b'\n' | b'\r' | b'\t') = self.peek() {
            self.pos += 1;
        }
    }

    /// Skips whitespace and reads `byte`.
    #[inline]
    fn eat(&mut self, byte: u8) -> Option<()> {
        self.ws();
        (self.peek()? == byte).then(|| self.pos += 1)
    }

    fn literal(&mut self, word: &[u8]) -> Option<()> {
        let end = self.pos + word.len();
        (self.bytes.get(self.pos..end)? == word).then(|| self.pos = end)
    }

    /// A key: printable ASCII without escapes (keys on the wire never have them).
    fn key(&mut self) -> Option<&[u8]> {
        self.eat(b'"')?;
        let start = self.pos;
        loop {
            match self.peek()? {
                b'"' => break,
                b'\\' => return None,
                b' '..=b'~' => self.pos += 1,
                _ => return None,
            }
        }
        let key = self.bytes.get(start..self.pos)?;
        self.pos += 1;
        self.eat(b':')?;
        Some(key)
    }

    /// The digits at the cursor as a `u64`: at least one, no leading zero when `strict`, no
    /// overflow. Stops at the first non-digit.
    #[inline]
    fn digits(&mut self, strict: bool) -> Option<u64> {
        let start = self.pos;
        let mut value: u64 = 0;
        // Eight digits at a time while there are eight (an id has up to 19).
        while let Some(chunk) = self.bytes.get(self.pos..self.pos + 8) {
            let word = u64::from_le_bytes(chunk.try_into().ok()?);
            if !eight_digits(word) {
                break;
            }
            value = value
                .wrapping_mul(100_000_000)
                .wrapping_add(eight_digits_value(word));
            self.pos += 8;
        }
        while let Some(&b) = self.bytes.get(self.pos) {
            let digit = b.wrapping_sub(b'0');
            if digit > 9 {
                break;
            }
            // Nineteen digits never overflow; the twentieth is checked below.
            value = value.wrapping_mul(10).wrapping_add(u64::from(digit));
            self.pos += 1;
        }
        let len = self.pos - start;
        if len == 0 || (strict && len > 1 && self.bytes.get(start) == Some(&b'0')) {
            return None;
        }
        if len >= 20 {
            let mut checked: u64 = 0;
            for &b in self.bytes.get(start..self.pos)? {
                checked = checked
                    .checked_mul(10)?
                    .checked_add(u64::from(b.wrapping_sub(b'0')))?;
            }
            return Some(checked);
        }
        Some(value)
    }

    /// A JSON integer that is not followed by a fraction or an exponent.
    #[inline]
    fn json_u64(&mut self) -> Option<u64> {
        let value = self.digits(true)?;
        (!matches!(self.peek(), Some(b'.' | b'e' | b'E'))).then_some(value)
    }

    /// An id: a JSON integer or a string of digits (leading zeros allowed, as `UserId` reads
    /// them), with the form it came in.
    #[inline]
    fn id(&mut self) -> Option<(u64, IdForm)> {
        self.ws();
        if self.peek()? == b'"' {
            self.pos += 1;
            let value = self.digits(false)?;
            (self.peek()? == b'"').then(|| self.pos += 1)?;
            Some((value, IdForm::String))
        } else {
            Some((self.json_u64()?, IdForm::Number))
        }
    }

    /// `[id, …]`, every id in one form.
    fn ids(&mut self) -> Option<(Vec<UserId>, IdForm)> {
        self.eat(b'[')?;
        let mut ids = Vec::with_capacity((self.bytes.len() / 4).min(MAX_PAGE));
        self.ws();
        if self.peek()? == b']' {
            self.pos += 1;
            return Some((ids, IdForm::Number));
        }
        let (first, form) = self.id()?;
        ids.push(UserId::new(first));
        loop {
            self.ws();
            match self.peek()? {
                b',' => self.pos += 1,
                b']' => {
                    self.pos += 1;
                    return Some((ids, form));
                }
                _ => return None,
            }
            let (id, this_form) = self.id()?;
            if this_form != form {
                return None;
            }
            ids.push(UserId::new(id));
        }
    }

    /// A cursor: a JSON integer (`-` allowed) or a string of digits with an optional `-`, as
    /// [`Cursor`]'s serde impl reads them.
    fn cursor(&mut self) -> Option<Cursor> {
        self.ws();
        let quoted = self.peek()? == b'"';
        if quoted {
            self.pos += 1;
        }
        let negative = self.peek()? == b'-';
        if negative {
            self.pos += 1;
        }
        let magnitude = if quoted {
            let m = self.digits(false)?;
            (self.peek()? == b'"').then(|| self.pos += 1)?;
            m
        } else {
            self.json_u64()?
        };
        // i64::MIN and "-0" as a JSON number are left to serde, which has its own rules.
        let magnitude = i64::try_from(magnitude).ok()?;
        match (negative, quoted) {
            (false, _) => Some(Cursor::new(magnitude)),
            (true, false) if magnitude == 0 => None,
            (true, _) => Some(Cursor::new(-magnitude)),
        }
    }

    /// A value of a key the page does not name: a literal or a non-negative integer (X sends
    /// `"total_count": null`); anything else is left to serde.
    fn skip_scalar(&mut self) -> Option<()> {
        self.ws();
        match self.peek()? {
            b'n' => self.literal(b"null"),
            b't' => self.literal(b"true"),
            b'f' => self.literal(b"false"),
            b'0'..=b'9' => self.json_u64().map(drop),
            _ => None,
        }
    }

    fn page(&mut self) -> Option<IdPage> {
        self.eat(b'{')?;
        let mut ids = None;
        let mut next = Twin::default();
        let mut previous = Twin::default();
        self.ws();
        if self.peek()? != b'}' {
            loop {
                match self.key()? {
                    b"ids" if ids.is_none() => ids = Some(self.ids()?),
                    b"next_cursor" => next.set(self.cursor()?, false)?,
                    b"next_cursor_str" => next.set(self.cursor()?, true)?,
                    b"previous_cursor" => previous.set(self.cursor()?, false)?,
                    b"previous_cursor_str" => previous.set(self.cursor()?, true)?,
                    b"ids" => return None,
                    _ => self.skip_scalar()?,
                }
                self.ws();
                match self.peek()? {
                    b',' => self.pos += 1,
                    b'}' => break,
                    _ => return None,
                }
            }
        }
        self.pos += 1;
        let (ids, form) = ids?;
        Some(IdPage {
            ids,
            form,
            next_cursor: next.value?,
            previous_cursor: previous.value?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::read_id_page;
    use crate::v1::{IdForm, IdPage};

    /// The reader's answer, checked against serde's when it gives one.
    fn read(text: &str) -> Option<IdPage> {
        let page = read_id_page(text.as_bytes())?;
        assert_eq!(
            crate::decode::<IdPage>(text.as_bytes()).as_ref(),
            Ok(&page),
            "the reader accepted what serde reads otherwise: {text}"
        );
        Some(page)
    }

    fn fixture(name: &str) -> String {
        crate::reader::test_input::fixture("v1", name)
    }

    #[test]
    fn reads_eight_digits_at_once() {
        for text in ["00000000", "12345678", "99999999", "10000001", "07140359"] {
            let word = u64::from_le_bytes(text.as_bytes().try_into().unwrap());
            assert!(super::eight_digits(word), "{text}");
            assert_eq!(
                super::eight_digits_value(word),
                text.parse::<u64>().unwrap()
            );
        }
        for text in [
            "1234567/",
            "1234567:",
            "a2345678",
            "1234 678",
            "\u{ff}1234567",
        ] {
            let bytes: Vec<u8> = text.bytes().take(8).collect();
            if let Ok(array) = <[u8; 8]>::try_from(bytes.as_slice()) {
                assert!(!super::eight_digits(u64::from_le_bytes(array)), "{text}");
            }
        }
    }

    #[test]
    fn reads_the_id_fixtures_itself() {
        for name in ["ids_numbers", "ids_strings", "ids_empty"] {
            assert!(read(&fixture(name)).is_some(), "{name} was left to serde");
        }
    }

    #[test]
    fn reads_both_forms_and_odd_cursors_itself() {
        let page = read(
            r#" { "total_count" : null , "ids" : [ "007" , "18446744073709551615" ] ,
               "next_cursor_str" : "-0012", "next_cursor" : -12, "x": 3, "y": true,
               "previous_cursor": "9223372036854775807", "z": false } "#,
        )
        .unwrap();
        assert_eq!(page.form, IdForm::String);
        assert_eq!(page.ids[0].get(), 7);
        assert_eq!(page.ids[1].get(), u64::MAX);
        assert_eq!(page.next_cursor.get(), -12);
        assert_eq!(page.previous_cursor.get(), i64::MAX);
        let page = read(r#"{"ids":[0,1],"next_cursor":0,"previous_cursor":0}"#).unwrap();
        assert_eq!((page.form, page.ids.len()), (IdForm::Number, 2));
    }

    #[test]
    fn leaves_the_unusual_to_serde() {
        let page = |ids: &str, rest: &str| {
            format!(
                r#"{{"ids":{ids},"next_cursor":0,"next_cursor_str":"0","previous_cursor":0{rest}}}"#
            )
        };
        for body in [
            page("[1,\"2\"]", ""),
            page("[\"1\",2]", ""),
            page("[01]", ""),
            page("[-1]", ""),
            page("[-0]", ""),
            page("[1.0]", ""),
            page("[1e3]", ""),
            page("[18446744073709551616]", ""),
            page("[\"18446744073709551616\"]", ""),
            page("[\"\"]", ""),
            page("[\"1\\u0030\"]", ""),
            page("[1,]", ""),
            page("[,1]", ""),
            page("[1 2]", ""),
            page("[1]", r#","ids":[1]"#),
            page("[1]", r#","next_cursor":1"#),
            page("[1]", r#","next_cursor":0"#),
            page("[1]", r#","previous_cursor":-0"#),
            page("[1]", r#","total_count":{"a":1}"#),
            page("[1]", r#","total_count":"x""#),
            page("[1]", r#","t\u006ftal_count":1"#),
            page("[1]", ",\"é\":1"),
            page("[1]", "} x"),
            r#"{"ids":[1],"next_cursor":0}"#.to_owned(),
            r#"{"ids":[1],"next_cursor":9223372036854775808,"previous_cursor":0}"#.to_owned(),
            r#"{"ids":[1],"next_cursor":-9223372036854775808,"previous_cursor":0}"#.to_owned(),
            r#"{"ids":[1],"next_cursor":"1-","previous_cursor":0}"#.to_owned(),
            r#"{"next_cursor":0,"previous_cursor":0}"#.to_owned(),
            "[]".to_owned(),
            String::new(),
        ] {
            assert!(read_id_page(body.as_bytes()).is_none(), "{body}");
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
            "-",
            "0",
            "1",
            "9",
            ".5",
            "e3",
            ",",
            ":",
            "[",
            "]",
            "{",
            "}",
            " ",
            "null",
            "true",
            "\"7\"",
            "99999999999999999999",
            "\"ids\":[],",
            "\"x\":1,",
            "é",
            "\u{1}",
        ];

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(256))]

            /// Whenever the reader accepts an edited page, serde reads the same page.
            #[test]
            fn whatever_the_reader_accepts_serde_reads_alike(
                strings in any::<bool>(),
                edits in vec((any::<Index>(), select(TOKENS), any::<bool>()), 1..4),
            ) {
                let mut text = fixture(if strings { "ids_strings" } else { "ids_numbers" });
                crate::reader::test_input::mutate(&mut text, edits);
                let _ = read(&text);
            }
        }
    }
}
