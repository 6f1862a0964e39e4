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
/// This walks the input once, like `serde_json::from_slice`; the path is tracked only on the
/// way down, so a body that decodes costs nothing extra to speak of.
///
/// ```
/// use twapi_model::{decode, UserId};
/// let err = decode::<Vec<UserId>>(b"[1, 2, \"x\"]").unwrap_err();
/// assert_eq!(err.path(), "[2]");
/// ```
pub fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, DecodeError> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        DecodeError::new(path, &e.into_inner())
    })?;
    // Trailing bytes after a complete document are malformed too.
    de.end().map_err(|e| DecodeError::new(".".to_owned(), &e))?;
    Ok(value)
}
