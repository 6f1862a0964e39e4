//! Decoding with the failing field's path: a malformed body says *where* it is malformed.

use std::fmt;

use serde::de::DeserializeOwned;

/// A body that is not the JSON the model expects, with the path of the failing field
/// (`users[3].status.created_at`), its line and column, and serde's reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError {
    path: String,
    line: usize,
    column: usize,
    message: String,
}

impl DecodeError {
    fn new(path: String, inner: &serde_json::Error) -> Self {
        Self {
            path,
            line: inner.line(),
            column: inner.column(),
            message: inner.to_string(),
        }
    }

    /// The path of the field that failed, `.` for the whole document.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The 1-based line of the input where decoding stopped.
    pub fn line(&self) -> usize {
        self.line
    }

    /// The 1-based column of the input where decoding stopped.
    pub fn column(&self) -> usize {
        self.column
    }

    /// Why it failed, as serde says it.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "at {} (line {}, column {}): {}",
            self.path, self.line, self.column, self.message
        )
    }
}

impl std::error::Error for DecodeError {}

/// Decodes `T` from JSON bytes; on failure, says which field failed and why.
///
/// A body that decodes is read once, by `serde_json::from_str` after one UTF-8 check of the
/// whole body (cheaper than `from_slice`, which checks every string on its own). Only a body
/// that fails is read a second time, with `serde_path_to_error` tracking the path: tracking
/// copies every object key into a `String`, which would double the cost of a good page.
///
/// ```
/// use twapi_model::{decode, UserId};
/// let err = decode::<Vec<UserId>>(b"[1, 2, \"x\"]").unwrap_err();
/// assert_eq!(err.path(), "[2]");
/// ```
pub fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, DecodeError> {
    if let Ok(text) = std::str::from_utf8(bytes)
        && let Ok(value) = serde_json::from_str(text)
    {
        return Ok(value);
    }
    decode_tracking_path(bytes)
}

/// The slow path of [`decode`]: the same decoding, tracking the path to report it.
fn decode_tracking_path<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, DecodeError> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        DecodeError::new(path, &e.into_inner())
    })?;
    // Trailing bytes after a complete document are malformed too.
    de.end().map_err(|e| DecodeError::new(".".to_owned(), &e))?;
    Ok(value)
}
