//! v1.1 error bodies (API-FACTS 3.9): the wire shape only. What each code means, and what to
//! do about it, is twapi-core's business.

use std::fmt;

use compact_str::CompactString;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::ser::SerializeStruct;
use serde::{Deserialize, Serialize, Serializer};

use crate::object::Key;

/// The body of a failed v1.1 request, in either of its two shapes.
///
/// The usual one is `{"errors": [{"code": 88, "message": "Rate limit exceeded"}]}`; some
/// endpoints answer `{"error": "Not authorized.", "request": "/1.1/..."}` instead. Decoding
/// looks at the keys, not at the order: `errors` wins when both are present; other keys are
/// ignored; a body with neither is an error.
///
/// ```
/// use twapi_model::v1::ErrorBody;
/// let body: ErrorBody =
///     twapi_model::decode(br#"{"errors":[{"code":88,"message":"Rate limit exceeded"}]}"#)
///         .unwrap();
/// assert_eq!(body.codes().collect::<Vec<_>>(), [88]);
/// assert_eq!(body.message(), Some("Rate limit exceeded"));
///
/// let body: ErrorBody = twapi_model::decode(br#"{"error":"Not authorized."}"#).unwrap();
/// assert_eq!(body.codes().count(), 0);
/// assert_eq!(body.message(), Some("Not authorized."));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorBody {
    /// `{"errors": [...]}`: one or more coded errors.
    Errors(Vec<ErrorEntry>),
    /// `{"error": "...", "request": "..."}`: a bare message.
    Error {
        /// The message.
        error: CompactString,
        /// The path of the failed request, when X echoes it.
        request: Option<CompactString>,
    },
}

impl ErrorBody {
    /// The error codes, in body order (none for the bare-message shape).
    pub fn codes(&self) -> impl Iterator<Item = u32> + '_ {
        let errors: &[ErrorEntry] = match self {
            Self::Errors(errors) => errors,
            Self::Error { .. } => &[],
        };
        errors.iter().map(|e| e.code)
    }

    /// The first message, for logs.
    pub fn message(&self) -> Option<&str> {
        match self {
            Self::Errors(errors) => errors.first().map(|e| e.message.as_str()),
            Self::Error { error, .. } => Some(error),
        }
    }
}

/// One coded error of an `errors` array.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorEntry {
    /// X's error code (`88` rate limited, `50` user not found, …).
    pub code: u32,
    /// The human-readable message.
    pub message: CompactString,
    /// A machine label, sent by oauth2/token (`authenticity_token_error`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<CompactString>,
}

impl Serialize for ErrorBody {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Errors(errors) => {
                let mut st = s.serialize_struct("ErrorBody", 1)?;
                st.serialize_field("errors", errors)?;
                st.end()
            }
            Self::Error { error, request } => {
                let mut st = s.serialize_struct("ErrorBody", 1 + usize::from(request.is_some()))?;
                st.serialize_field("error", error)?;
                if let Some(request) = request {
                    st.serialize_field("request", request)?;
                } else {
                    st.skip_field("request")?;
                }
                st.end()
            }
        }
    }
}

impl<'de> Deserialize<'de> for ErrorBody {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct ErrorBodyVisitor;
        const FIELDS: &[&str] = &["errors", "error", "request"];
        impl<'de> Visitor<'de> for ErrorBodyVisitor {
            type Value = ErrorBody;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(r#"a v1.1 error body: {"errors": [...]} or {"error": "..."}"#)
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<ErrorBody, A::Error> {
                let mut errors: Option<Vec<ErrorEntry>> = None;
                let mut error: Option<CompactString> = None;
                let mut request: Option<Option<CompactString>> = None;
                while let Some(key) = map.next_key::<Key<'de>>()? {
                    match key.as_str() {
                        "errors" if errors.is_some() => {
                            return Err(de::Error::duplicate_field("errors"));
                        }
                        "errors" => errors = Some(map.next_value()?),
                        "error" if error.is_some() => {
                            return Err(de::Error::duplicate_field("error"));
                        }
                        "error" => error = Some(map.next_value()?),
                        "request" if request.is_some() => {
                            return Err(de::Error::duplicate_field("request"));
                        }
                        "request" => request = Some(map.next_value()?),
                        _ => {
                            map.next_value::<de::IgnoredAny>()?;
                        }
                    }
                }
                match (errors, error) {
                    (Some(errors), _) => Ok(ErrorBody::Errors(errors)),
                    (None, Some(error)) => Ok(ErrorBody::Error {
                        error,
                        request: request.flatten(),
                    }),
                    (None, None) => Err(de::Error::missing_field("errors")),
                }
            }
        }
        d.deserialize_struct("ErrorBody", FIELDS, ErrorBodyVisitor)
    }
}
