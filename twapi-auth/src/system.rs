//! The one place that touches the outside world: the system clock and the OS's random
//! number generator, so that drivers need not write this themselves.
//!
//! Nothing else in the crate calls these; signing and verification take the timestamp,
//! nonce, verifier and state as inputs, which keeps them deterministic and testable.
//!
//! ```
//! let nonce = twapi_auth::system::nonce().unwrap();
//! assert_eq!(nonce.len(), 32);
//! assert!(twapi_auth::system::unix_now() > 1_700_000_000);
//! ```

use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

use zeroize::Zeroizing;

use crate::pkce::PkceVerifier;

/// The OS random number generator failed (no entropy source available).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RandomnessError(getrandom::Error);

impl fmt::Display for RandomnessError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the OS random number generator failed: {}", self.0)
    }
}

impl std::error::Error for RandomnessError {}

/// The current Unix time in seconds, for `oauth_timestamp` and token expiry (0 if the
/// clock reads before 1970).
pub fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs())
}

/// A nonce of 32 alphanumeric characters from the OS's randomness (about 190 bits).
pub fn nonce() -> Result<String, RandomnessError> {
    alphanumeric(32)
}

/// An OAuth 2.0 `state` of 32 alphanumeric characters from the OS's randomness.
pub fn oauth2_state() -> Result<String, RandomnessError> {
    alphanumeric(32)
}

/// A PKCE verifier from 32 random octets, as RFC 7636 §4.1 recommends.
pub fn pkce_verifier() -> Result<PkceVerifier, RandomnessError> {
    let mut entropy = Zeroizing::new([0u8; 32]);
    getrandom::getrandom(entropy.as_mut_slice()).map_err(RandomnessError)?;
    Ok(PkceVerifier::from_entropy(&entropy))
}

/// `len` characters from `A-Z a-z 0-9`, uniformly: bytes at or above 248 (4 × 62) are
/// discarded so that no character is more likely than another.
fn alphanumeric(len: usize) -> Result<String, RandomnessError> {
    const ALPHABET: &[u8; 62] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut out = String::with_capacity(len);
    let mut batch = [0u8; 64];
    while out.len() < len {
        getrandom::getrandom(&mut batch).map_err(RandomnessError)?;
        for &byte in batch.iter().filter(|&&b| b < 248) {
            if out.len() == len {
                break;
            }
            out.push(char::from(ALPHABET[usize::from(byte % 62)]));
        }
    }
    Ok(out)
}
