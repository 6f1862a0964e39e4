//! Who may call an endpoint: the authentication modes, and the set of them an endpoint accepts.

use std::fmt;

use serde::{Deserialize, Serialize};

/// One way of authenticating a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[non_exhaustive]
pub enum AuthMode {
    /// OAuth 1.0a user context: consumer key plus access token, HMAC-SHA1 signed.
    #[serde(rename = "oauth1_user")]
    OAuth1User,
    /// OAuth 2.0 app-only bearer token: no user, the app's own budget.
    #[serde(rename = "app_only")]
    AppOnly,
    /// OAuth 2.0 user context (Authorization Code with PKCE); v2 endpoints only.
    #[serde(rename = "oauth2_user")]
    OAuth2User,
}

impl AuthMode {
    /// Every mode, in a fixed order.
    pub const ALL: [AuthMode; 3] = [Self::OAuth1User, Self::AppOnly, Self::OAuth2User];

    /// Whether requests in this mode act for a user (and count against the user's limits)
    /// rather than for the app alone.
    pub const fn is_user_context(self) -> bool {
        !matches!(self, Self::AppOnly)
    }

    const fn bit(self) -> u8 {
        match self {
            Self::OAuth1User => 1,
            Self::AppOnly => 2,
            Self::OAuth2User => 4,
        }
    }
}

/// A small copyable set of [`AuthMode`]s: the modes an endpoint accepts.
///
/// ```
/// use twapi_core::endpoint::{AuthMode, AuthModes};
///
/// let user_only = AuthModes::EMPTY.with(AuthMode::OAuth1User).with(AuthMode::OAuth2User);
/// assert!(user_only.contains(AuthMode::OAuth2User));
/// assert!(!user_only.contains(AuthMode::AppOnly));
/// assert_eq!(user_only.iter().count(), 2);
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(from = "Vec<AuthMode>", into = "Vec<AuthMode>")]
pub struct AuthModes(u8);

impl AuthModes {
    /// No mode at all.
    pub const EMPTY: AuthModes = AuthModes(0);

    /// This set plus `mode`.
    #[must_use]
    pub const fn with(self, mode: AuthMode) -> AuthModes {
        AuthModes(self.0 | mode.bit())
    }

    /// Whether `mode` is in the set.
    pub const fn contains(self, mode: AuthMode) -> bool {
        self.0 & mode.bit() != 0
    }

    /// The modes in the set, in [`AuthMode::ALL`] order.
    pub fn iter(self) -> impl Iterator<Item = AuthMode> {
        AuthMode::ALL
            .into_iter()
            .filter(move |mode| self.contains(*mode))
    }
}

impl fmt::Debug for AuthModes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

impl From<Vec<AuthMode>> for AuthModes {
    fn from(modes: Vec<AuthMode>) -> Self {
        modes.into_iter().fold(AuthModes::EMPTY, AuthModes::with)
    }
}

impl From<AuthModes> for Vec<AuthMode> {
    fn from(modes: AuthModes) -> Self {
        modes.iter().collect()
    }
}
