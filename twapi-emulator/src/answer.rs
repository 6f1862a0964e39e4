//! What the service answers, before the wire: a status, a JSON body, the rate-limit headers
//! and any other header, independent of how the HTTP layer then delivers it.

use bytes::Bytes;
use http::{HeaderName, HeaderValue, StatusCode};
use serde::Serialize;
use twapi_core::rate_limit::{RateLimit, RateLimitSnapshot};
use twapi_model::v2::vocabulary::{self, Vocabulary};

/// `application/json`, as X labels its bodies.
pub(crate) const JSON: &str = "application/json;charset=utf-8";
/// RFC 7807 problems (v2 errors at the top level).
pub(crate) const PROBLEM_JSON: &str = "application/problem+json";

/// One answer of the service.
#[derive(Debug, Clone)]
pub(crate) struct Answer {
    /// The HTTP status.
    pub(crate) status: StatusCode,
    /// The `Content-Type`.
    pub(crate) content_type: &'static str,
    /// The body.
    pub(crate) body: Bytes,
    /// The rate-limit headers to send (boxed: most answers are passed around as errors,
    /// and a small `Answer` keeps those cheap).
    pub(crate) rate: Box<RateLimitSnapshot>,
    /// Any other header (`Location`, `Cache-Control`...).
    pub(crate) headers: Vec<(HeaderName, HeaderValue)>,
}

impl Answer {
    /// A body of raw bytes.
    pub(crate) fn bytes(status: StatusCode, content_type: &'static str, body: Bytes) -> Self {
        Self {
            status,
            content_type,
            body,
            rate: Box::default(),
            headers: Vec::new(),
        }
    }

    /// A JSON body.
    pub(crate) fn json<T: Serialize + ?Sized>(status: StatusCode, value: &T) -> Self {
        Self::bytes(status, JSON, to_json(value))
    }

    /// `200 OK` with a JSON body.
    pub(crate) fn ok<T: Serialize + ?Sized>(value: &T) -> Self {
        Self::json(StatusCode::OK, value)
    }

    /// A v1.1 JSON body, written as v1.1 writes it: `/` as `\/` and every non-ASCII
    /// character as a `\uXXXX` escape (surrogate pairs beyond the BMP).
    pub(crate) fn v1<T: Serialize + ?Sized>(status: StatusCode, value: &T) -> Self {
        let mut body = Vec::with_capacity(1024);
        let mut serializer = serde_json::Serializer::with_formatter(&mut body, V1Escapes);
        match value.serialize(&mut serializer) {
            Ok(()) => Self::bytes(status, JSON, Bytes::from(body)),
            Err(_) => Self::json(status, value),
        }
    }

    /// `200 OK` with a v1.1 body.
    pub(crate) fn ok_v1<T: Serialize + ?Sized>(value: &T) -> Self {
        Self::v1(StatusCode::OK, value)
    }

    /// A problem body (`application/problem+json`).
    pub(crate) fn problem<T: Serialize + ?Sized>(status: StatusCode, value: &T) -> Self {
        Self::bytes(status, PROBLEM_JSON, to_json(value))
    }

    /// This JSON object body with an `explain_auth` member beside X's own (`--explain-auth`);
    /// unchanged without an explanation.
    #[must_use]
    pub(crate) fn explained(mut self, explanation: Option<&crate::auth::Explanation>) -> Self {
        let Some(explanation) = explanation else {
            return self;
        };
        if let Ok(serde_json::Value::Object(mut body)) = serde_json::from_slice(&self.body)
            && let Ok(explanation) = serde_json::to_value(explanation)
        {
            body.insert("explain_auth".to_owned(), explanation);
            self.body = to_json(&body);
        }
        self
    }

    /// Announces the endpoint's 15-minute window.
    #[must_use]
    pub(crate) fn with_window(mut self, window: Option<RateLimit>) -> Self {
        self.rate.window = window;
        self
    }

    /// Announces the 24-hour budgets.
    #[must_use]
    pub(crate) fn with_daily(mut self, user: Option<RateLimit>, app: Option<RateLimit>) -> Self {
        self.rate.user_day = user;
        self.rate.app_day = app;
        self
    }

    /// The body's object keys in `vocabulary` (the model writes the classic names).
    #[must_use]
    pub(crate) fn in_vocabulary(mut self, vocabulary: Vocabulary) -> Self {
        if vocabulary != Vocabulary::Tweet {
            self.body = Bytes::from(vocabulary::translate(&self.body, vocabulary));
        }
        self
    }

    /// Adds a header.
    #[must_use]
    pub(crate) fn with_header(mut self, name: HeaderName, value: HeaderValue) -> Self {
        self.headers.push((name, value));
        self
    }
}

/// Serializes a model value. The model's types serialize without failing (plain data, no
/// maps with non-string keys); should one ever fail, the body says so instead of panicking.
fn to_json<T: Serialize + ?Sized>(value: &T) -> Bytes {
    match serde_json::to_vec(value) {
        Ok(body) => Bytes::from(body),
        Err(error) => Bytes::from(format!(
            r#"{{"errors":[{{"code":131,"message":"Internal error: {}"}}]}}"#,
            error.to_string().replace('"', "'")
        )),
    }
}

/// serde_json's compact output, with strings escaped as X's v1.1 escapes them.
struct V1Escapes;

impl serde_json::ser::Formatter for V1Escapes {
    fn write_string_fragment<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> std::io::Result<()> {
        let mut plain_from = 0;
        for (at, c) in fragment.char_indices() {
            if c.is_ascii() && c != '/' {
                continue;
            }
            writer.write_all(&fragment.as_bytes()[plain_from..at])?;
            plain_from = at + c.len_utf8();
            if c == '/' {
                writer.write_all(b"\\/")?;
            } else {
                let mut units = [0_u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    write!(writer, "\\u{unit:04x}")?;
                }
            }
        }
        writer.write_all(&fragment.as_bytes()[plain_from..])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v1_bodies_escape_like_x() {
        let answer = Answer::ok_v1(&serde_json::json!({"url": "https://t.co/x", "name": "Zoë 🐙"}));
        assert_eq!(
            answer.body.as_ref(),
            br#"{"name":"Zo\u00eb \ud83d\udc19","url":"https:\/\/t.co\/x"}"#
        );
        let back: serde_json::Value = serde_json::from_slice(&answer.body).unwrap();
        assert_eq!(back["name"], "Zoë 🐙");
        assert_eq!(back["url"], "https://t.co/x");
    }
}
