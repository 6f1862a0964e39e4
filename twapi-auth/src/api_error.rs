//! X's v1.1-style error body, `{"errors":[{"code":99,"message":"…","label":"…"}]}`, which
//! the token endpoints return on failure. Parsed minimally here, since twapi-auth does not
//! depend on the wire model.

use std::fmt;

use serde::Deserialize;

/// One entry of an X error body.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct AuthApiError {
    /// X's error code, e.g. 99 ("Unable to verify your credentials") or 32.
    pub code: i64,
    /// The human-readable message.
    pub message: String,
    /// A machine label some endpoints add, e.g. `authenticity_token_error`.
    #[serde(default)]
    pub label: Option<String>,
}

impl fmt::Display for AuthApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "X error {}: {}", self.code, self.message)
    }
}

#[derive(Deserialize)]
struct ErrorBody {
    errors: Vec<AuthApiError>,
}

/// The errors of a body shaped like `{"errors":[…]}` with at least one entry.
pub(crate) fn parse(body: &[u8]) -> Option<Vec<AuthApiError>> {
    serde_json::from_slice::<ErrorBody>(body)
        .ok()
        .map(|body| body.errors)
        .filter(|errors| !errors.is_empty())
}

/// Writes a list of errors as `X error 99: …; X error 32: …`.
pub(crate) fn write_list(f: &mut fmt::Formatter<'_>, errors: &[AuthApiError]) -> fmt::Result {
    for (i, error) in errors.iter().enumerate() {
        if i > 0 {
            f.write_str("; ")?;
        }
        write!(f, "{error}")?;
    }
    Ok(())
}
