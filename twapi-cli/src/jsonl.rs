//! JSON Lines from X's answers, byte for byte: a crawl writes each user (or each page) as X
//! sent it — its fields in X's order, any field twapi does not model kept — and only an answer
//! that spans lines (X sends compact JSON) is re-written on one.

use std::collections::BTreeMap;

use serde_json::value::RawValue;

use crate::failure::Failure;

/// An answer, split into its lines.
pub(crate) struct Answer<'a> {
    body: &'a [u8],
    /// The items, as sent.
    pub(crate) items: Vec<&'a RawValue>,
    /// How many `errors` the answer carries (users not found or not visible).
    pub(crate) errors: usize,
}

impl<'a> Answer<'a> {
    /// Reads `body`, whose items are the array under `key` (the body itself when `key` is
    /// empty; none when the key is absent, as in a v2 answer with only errors).
    pub(crate) fn read(body: &'a [u8], key: &str) -> Result<Answer<'a>, Failure> {
        let not_json = |e: serde_json::Error| {
            Failure::internal(format!("X's answer is not the JSON expected: {e}"))
        };
        if key.is_empty() {
            let items: Vec<&RawValue> = serde_json::from_slice(body).map_err(not_json)?;
            return Ok(Answer {
                body,
                items,
                errors: 0,
            });
        }
        let fields: BTreeMap<String, &RawValue> = serde_json::from_slice(body).map_err(not_json)?;
        let items = match fields.get(key) {
            Some(items) => serde_json::from_str(items.get()).map_err(not_json)?,
            None => Vec::new(),
        };
        let errors = match fields.get("errors") {
            Some(errors) => serde_json::from_str::<Vec<&RawValue>>(errors.get())
                .map_err(not_json)?
                .len(),
            None => 0,
        };
        Ok(Answer {
            body,
            items,
            errors,
        })
    }

    /// The whole answer as one line.
    pub(crate) fn page_line(&self) -> Result<Vec<u8>, Failure> {
        one_line(self.body)
    }

    /// The first `n` items, a line each.
    pub(crate) fn item_lines(&self, n: usize) -> Result<Vec<Vec<u8>>, Failure> {
        self.items
            .iter()
            .take(n)
            .map(|item| one_line(item.get().as_bytes()))
            .collect()
    }
}

/// `json` on one line: as it is when it has no line break, re-written compact otherwise.
pub(crate) fn one_line(json: &[u8]) -> Result<Vec<u8>, Failure> {
    let trimmed = json.trim_ascii();
    if !trimmed.contains(&b'\n') && !trimmed.contains(&b'\r') {
        return Ok(trimmed.to_vec());
    }
    let value: serde_json::Value = serde_json::from_slice(trimmed)
        .map_err(|e| Failure::internal(format!("X's answer is not JSON: {e}")))?;
    serde_json::to_vec(&value).map_err(|e| Failure::internal(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_keep_their_bytes_and_their_order_of_fields() {
        let body = br#"{"data":[{"username":"a","id":"2","new_field":{"x":1}},{"id":"1","username":"b"}],"meta":{"result_count":2}}"#;
        let answer = Answer::read(body, "data").unwrap();
        let lines = answer.item_lines(5).unwrap();
        assert_eq!(
            lines[0],
            br#"{"username":"a","id":"2","new_field":{"x":1}}"#
        );
        assert_eq!(lines[1], br#"{"id":"1","username":"b"}"#);
        assert_eq!(answer.item_lines(1).unwrap().len(), 1);
        assert_eq!(answer.page_line().unwrap(), body);
    }

    #[test]
    fn an_answer_on_several_lines_is_written_on_one() {
        let body = b"[\n  {\"id\": 1}\n]\n";
        let answer = Answer::read(body, "").unwrap();
        assert_eq!(answer.page_line().unwrap(), br#"[{"id":1}]"#);
        assert_eq!(
            answer.item_lines(9).unwrap(),
            vec![br#"{"id": 1}"#.to_vec()]
        );
    }

    #[test]
    fn an_answer_with_only_errors_has_no_items() {
        let body = br#"{"errors":[{"value":"x","detail":"Could not find user"}]}"#;
        let answer = Answer::read(body, "data").unwrap();
        assert!(answer.items.is_empty());
        assert_eq!(answer.errors, 1);
    }
}
