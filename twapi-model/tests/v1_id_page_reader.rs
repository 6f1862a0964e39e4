//! `IdPage::decode`, the hot-path reader, against serde: for any bytes, the same page or the
//! same error.

#[allow(dead_code, reason = "each test binary uses part of it")]
mod differential;

use proptest::collection::vec;
use proptest::prelude::*;
use twapi_model::v1::{IdForm, IdPage};

fn fixture(name: &str) -> Vec<u8> {
    differential::fixture("v1", name)
}

/// Both decoders, which must agree.
fn agree(bytes: &[u8]) -> Result<IdPage, twapi_model::DecodeError> {
    differential::agree(IdPage::decode, bytes)
}

#[test]
fn every_id_fixture() {
    for name in ["ids_numbers", "ids_strings", "ids_empty"] {
        assert!(agree(&fixture(name)).is_ok(), "{name}");
    }
}

#[test]
fn tricky_bodies() {
    let page = |ids: &str, rest: &str| {
        format!(
            r#"{{"ids":{ids},"next_cursor":5,"next_cursor_str":"5","previous_cursor":-5,"previous_cursor_str":"-5"{rest}}}"#
        )
    };
    let ok = [
        page("[]", ""),
        page("[0, 1 ,\n2]", r#","total_count":null"#),
        page(r#"["0001","18446744073709551615"]"#, ""),
        page("[18446744073709551615]", r#","total_count":17"#),
        // Repeated cursor keys that agree, an unknown object, an escaped key: serde's to read.
        page("[1]", r#","next_cursor":5"#),
        page("[1]", r#","extra":{"a":[1,2.5,"x"]}"#),
        page("[1]", r#","\u0069gnored":1"#),
        r#"{"next_cursor":"0","previous_cursor":"-0","ids":["1"]}"#.to_owned(),
    ];
    for body in &ok {
        assert!(agree(body.as_bytes()).is_ok(), "{body}");
    }
    let bad = [
        page(r#"[1,"2"]"#, ""),
        page("[-1]", ""),
        page("[1.5]", ""),
        page("[18446744073709551616]", ""),
        page(r#"["1x"]"#, ""),
        page("[1]", r#","next_cursor":6"#),
        page("[1]", r#","ids":[2]"#),
        page("[1]", "} trailing"),
        r#"{"ids":[1],"next_cursor":0}"#.to_owned(),
        r#"{"ids":[1],"next_cursor":9223372036854775808,"previous_cursor":0}"#.to_owned(),
        "not json".to_owned(),
    ];
    for body in &bad {
        let err = agree(body.as_bytes()).unwrap_err();
        assert!(!err.message().is_empty(), "{body}");
    }
    assert_eq!(agree(bad[0].as_bytes()).unwrap_err().path(), "ids[1]");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Any page X could send decodes alike, in either form.
    #[test]
    fn any_page_decodes_alike(
        ids in vec(prop_oneof![any::<u64>(), 0..1_000_u64, 0..100_000_000_000_u64], 0..50),
        strings in any::<bool>(),
        next in any::<i64>(),
        previous in any::<i64>(),
        spaces in any::<bool>(),
    ) {
        let list: Vec<String> = ids
            .iter()
            .map(|id| if strings { format!("\"{id}\"") } else { id.to_string() })
            .collect();
        let sep = if spaces { " , " } else { "," };
        let body = format!(
            r#"{{"ids":[{}],"next_cursor":{next},"next_cursor_str":"{next}","previous_cursor":{previous},"previous_cursor_str":"{previous}","total_count":null}}"#,
            list.join(sep)
        );
        let page = agree(body.as_bytes());
        // i64::MIN as a JSON number is the one cursor serde does not read.
        if next != i64::MIN && previous != i64::MIN {
            let page = page.unwrap();
            prop_assert_eq!(page.ids.iter().map(|id| id.get()).collect::<Vec<_>>(), ids.clone());
            let form = if strings && !ids.is_empty() { IdForm::String } else { IdForm::Number };
            prop_assert_eq!(page.form, form);
            prop_assert_eq!((page.next_cursor.get(), page.previous_cursor.get()), (next, previous));
        }
    }

    /// Any bytes at all: the same page or the same error.
    #[test]
    fn any_bytes_decode_alike(bytes in vec(any::<u8>(), 0..64)) {
        let _ = agree(&bytes);
    }
}
