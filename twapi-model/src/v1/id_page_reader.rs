//! The fast path of [`IdPage::decode`]: a followers/ids (or friends/ids) page of up to 5,000
//! ids, the body a crawler reads most, read by the crate's shared strict reader
//! ([`crate::reader`]), which reads each id's digits eight at a time straight into a `u64`.
//!
//! serde defines what a body means; this reader only makes the common case cheap and gives up
//! (returns `None`) at the first thing it does not handle: a repeated key, ids of both forms,
//! a disagreeing cursor twin, a missing field, and whatever the shared reader leaves to serde
//! (an escape in an id, a sign, a fraction, an overflow). The caller then decodes the body
//! with serde, which produces either the value or the error with its path.
//!
//! The invariant, checked by differential tests: when this reader returns a value, serde
//! returns the same value for the same bytes.

use super::cursor::{Cursor, IdPage};
use super::id_list::IdForm;
use crate::UserId;
use crate::object::Twin;
use crate::reader::{Reader, Seen};

/// The most ids a page holds (`count` is at most 5,000); a larger page grows past it.
const MAX_PAGE: usize = 5_000;

/// Reads a page of ids; `None` when serde must decide.
pub(super) fn read_id_page(r: &mut Reader<'_>) -> Option<IdPage> {
    let mut ids = None;
    // One slot per cursor pair, and which of its four keys were read.
    let (mut next, mut previous) = (None, None);
    let mut seen = Seen::default();
    r.object(|r, key| {
        let (slot, bit) = match key {
            "ids" => {
                seen.first(4)?;
                ids = Some(read_ids(r)?);
                return Some(());
            }
            "next_cursor" => (&mut next, 0),
            "next_cursor_str" => (&mut next, 1),
            "previous_cursor" => (&mut previous, 2),
            "previous_cursor_str" => (&mut previous, 3),
            _ => return r.skip(),
        };
        seen.first(bit)?;
        let value = <Cursor as Twin>::read(r)?;
        // The other half of the pair, when read already, must agree (serde says so).
        match slot.replace(value) {
            Some(other) if other != value => None,
            _ => Some(()),
        }
    })?;
    let (ids, form) = ids?;
    Some(IdPage {
        ids,
        form,
        next_cursor: next?,
        previous_cursor: previous?,
    })
}

/// `[id, …]`, every id in one form: JSON integers, or strings of digits (leading zeros
/// allowed, as [`UserId`] reads them). An empty list is of the number form, as serde says.
fn read_ids(r: &mut Reader<'_>) -> Option<(Vec<UserId>, IdForm)> {
    let rest = r.bytes.len().saturating_sub(r.pos);
    let mut ids = Vec::with_capacity((rest / 4).min(MAX_PAGE));
    let mut form = None;
    r.array(|r| {
        let this = if r.peek()? == b'"' {
            IdForm::String
        } else {
            IdForm::Number
        };
        if *form.get_or_insert(this) != this {
            return None;
        }
        ids.push(UserId::new(r.id()?));
        Some(())
    })?;
    Some((ids, form.unwrap_or(IdForm::Number)))
}

#[cfg(test)]
mod tests {
    use super::read_id_page;
    use crate::reader::read_document;
    use crate::v1::{IdForm, IdPage};

    /// The reader's answer, checked against serde's when it gives one.
    fn read(text: &str) -> Option<IdPage> {
        let page = read_document(text, read_id_page)?;
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
        // Unknown keys of any value, escaped or not, are skipped, as serde skips them.
        for unknown in [
            r#""total_count":{"a":[1,"x"]}"#,
            r#""total_count":"x""#,
            r#""t\u006ftal_count":1"#,
            "\"é\":1",
        ] {
            let body = format!(r#"{{{unknown},"ids":[1],"next_cursor":0,"previous_cursor":0}}"#);
            assert!(read(&body).is_some(), "{body}");
        }
        let min = read(r#"{"ids":[1],"next_cursor":-9223372036854775808,"previous_cursor":0}"#);
        assert_eq!(min.unwrap().next_cursor.get(), i64::MIN);
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
            page("[1]", "} x"),
            r#"{"ids":[1],"next_cursor":0}"#.to_owned(),
            r#"{"ids":[1],"next_cursor":9223372036854775808,"previous_cursor":0}"#.to_owned(),
            r#"{"ids":[1],"next_cursor":"1-","previous_cursor":0}"#.to_owned(),
            r#"{"next_cursor":0,"previous_cursor":0}"#.to_owned(),
            "[]".to_owned(),
            String::new(),
        ] {
            assert!(read_document(&body, read_id_page).is_none(), "{body}");
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
