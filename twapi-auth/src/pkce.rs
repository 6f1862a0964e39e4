//! PKCE (RFC 7636) with the S256 method: the code verifier a client keeps and the code
//! challenge it sends in the authorize URL.
//!
//! Sans-IO: the verifier is built from text or bytes the caller provides
//! (`twapi_auth::system::pkce_verifier` draws them from the OS).
//!
//! ```
//! use twapi_auth::pkce::PkceVerifier;
//!
//! // RFC 7636 Appendix B.
//! let verifier = PkceVerifier::new("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk").unwrap();
//! assert_eq!(verifier.challenge().as_str(), "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
//! ```

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};

use crate::percent;
use crate::secret::Secret;

/// The only challenge method this crate sends; `plain` offers no protection.
pub const CHALLENGE_METHOD: &str = "S256";

/// A code verifier: 43 to 128 characters from `A-Z a-z 0-9 - . _ ~`. It proves to the
/// token endpoint that the code is redeemed by whoever started the flow, so it is a
/// [`Secret`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PkceVerifier(Secret);

/// Why a string is not a valid code verifier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum PkceError {
    /// The length is outside 43..=128.
    Length(usize),
    /// A character outside `A-Z a-z 0-9 - . _ ~`, at this byte offset.
    Character {
        /// Byte offset of the character.
        offset: usize,
    },
}

impl fmt::Display for PkceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Length(len) => write!(f, "a PKCE verifier has 43 to 128 characters, not {len}"),
            Self::Character { offset } => {
                write!(
                    f,
                    "a PKCE verifier may only hold A-Z a-z 0-9 - . _ ~ (byte {offset})"
                )
            }
        }
    }
}

impl std::error::Error for PkceError {}

impl PkceVerifier {
    /// Validates a verifier the caller generated.
    pub fn new(value: impl Into<String>) -> Result<Self, PkceError> {
        let value = Secret::new(value);
        let bytes = value.expose().as_bytes();
        if let Some(offset) = bytes.iter().position(|&b| !percent::is_unreserved(b)) {
            return Err(PkceError::Character { offset });
        }
        if !(43..=128).contains(&bytes.len()) {
            return Err(PkceError::Length(bytes.len()));
        }
        Ok(Self(value))
    }

    /// The verifier RFC 7636 §4.1 recommends: 32 random octets in base64url (43 characters).
    ///
    /// ```
    /// let verifier = twapi_auth::pkce::PkceVerifier::from_entropy(&[7; 32]);
    /// assert_eq!(verifier.expose().len(), 43);
    /// ```
    pub fn from_entropy(random: &[u8; 32]) -> Self {
        Self(Secret::new(URL_SAFE_NO_PAD.encode(random)))
    }

    /// The S256 challenge: `BASE64URL(SHA256(verifier))` without padding.
    pub fn challenge(&self) -> PkceChallenge {
        let digest = Sha256::digest(self.0.expose().as_bytes());
        PkceChallenge(URL_SAFE_NO_PAD.encode(digest))
    }

    /// The verifier text, sent once as `code_verifier`.
    pub fn expose(&self) -> &str {
        self.0.expose()
    }
}

/// The S256 code challenge; public (it travels in the authorize URL).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PkceChallenge(String);

impl PkceChallenge {
    /// The challenge text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for PkceChallenge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
