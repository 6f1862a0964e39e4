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
///
/// Each call asks the OS once; a client that signs many requests keeps a [`NonceSource`],
/// which asks once per batch.
pub fn nonce() -> Result<String, RandomnessError> {
    Entropy::<64>::new().alphanumeric(32)
}

/// An OAuth 2.0 `state` of 32 alphanumeric characters from the OS's randomness.
pub fn oauth2_state() -> Result<String, RandomnessError> {
    Entropy::<64>::new().alphanumeric(32)
}

/// A PKCE verifier from 32 random octets, as RFC 7636 §4.1 recommends.
pub fn pkce_verifier() -> Result<PkceVerifier, RandomnessError> {
    let mut entropy = Zeroizing::new([0u8; 32]);
    getrandom::getrandom(entropy.as_mut_slice()).map_err(RandomnessError)?;
    Ok(PkceVerifier::from_entropy(&entropy))
}

/// Nonces for a client that signs request after request: the same 32 alphanumeric characters
/// from the OS's randomness as [`nonce`], but drawn 1,024 bytes at a time, so that the OS is
/// asked about once per 30 nonces instead of at every request.
///
/// No byte is used twice, so every nonce is as random as one from [`nonce`]. Nonces are not
/// secret (they travel in the `Authorization` header); what matters is that they do not
/// repeat. The one way to repeat them is to copy a source's unused bytes, so a source is not
/// `Clone`; and a process that forks hands the same bytes to parent and child. Keep a source
/// with what already cannot cross a fork (a client with its open connections and its
/// runtime), not in a global or a thread-local, and a forked child makes its own.
///
/// ```
/// let mut nonces = twapi_auth::system::NonceSource::new();
/// let first = nonces.next_nonce().unwrap();
/// let second = nonces.next_nonce().unwrap();
/// assert_eq!((first.len(), second.len()), (32, 32));
/// assert_ne!(first, second);
/// ```
pub struct NonceSource(Box<Entropy<NONCE_BATCH>>);

/// Bytes a [`NonceSource`] draws at a time: each nonce takes about 33 of them.
const NONCE_BATCH: usize = 1024;

impl NonceSource {
    /// An empty source; it asks the OS at its first nonce, so making one cannot fail.
    pub fn new() -> Self {
        Self(Box::new(Entropy::new()))
    }

    /// The next nonce: 32 alphanumeric characters.
    pub fn next_nonce(&mut self) -> Result<String, RandomnessError> {
        self.0.alphanumeric(32)
    }
}

impl Default for NonceSource {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for NonceSource {
    /// How many drawn bytes are left, not the bytes.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NonceSource")
            .field("bytes_left", &(NONCE_BATCH - self.0.next))
            .finish()
    }
}

/// Up to `N` bytes from the OS, handed out one at a time and each only once.
struct Entropy<const N: usize> {
    bytes: [u8; N],
    /// The next byte to hand out; `N` when all have been.
    next: usize,
}

impl<const N: usize> Entropy<N> {
    const fn new() -> Self {
        Self {
            bytes: [0; N],
            next: N,
        }
    }

    /// `len` characters from `A-Z a-z 0-9`, uniformly: bytes at or above 248 (4 × 62) are
    /// discarded so that no character is more likely than another.
    fn alphanumeric(&mut self, len: usize) -> Result<String, RandomnessError> {
        const ALPHABET: &[u8; 62] =
            b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        let mut out = String::with_capacity(len);
        while out.len() < len {
            if self.next == N {
                getrandom::getrandom(&mut self.bytes).map_err(RandomnessError)?;
                self.next = 0;
            }
            let byte = self.bytes[self.next];
            self.next += 1;
            if byte < 248 {
                out.push(char::from(ALPHABET[usize::from(byte % 62)]));
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn bytes_map_to_the_alphabet_and_those_from_248_are_skipped() {
        let mut entropy = Entropy::<8> {
            bytes: [0, 61, 62, 248, 255, 123, 7, 200],
            next: 0,
        };
        assert_eq!(entropy.alphanumeric(6).unwrap(), "A9A9HO");
        assert_eq!(
            entropy.next, 8,
            "every byte used once, the two from 248 skipped"
        );
        // Spent: the next character comes from a fresh draw, not from the bytes above again.
        let fresh = entropy.alphanumeric(1).unwrap();
        assert!(fresh.bytes().all(|b| b.is_ascii_alphanumeric()));
        assert!(entropy.next >= 1 && entropy.next <= 8);
    }

    #[test]
    fn a_source_gives_distinct_nonces_across_its_batches() {
        let mut nonces = NonceSource::new();
        // About 30 nonces a batch: 200 of them cross several refills.
        let drawn: Vec<String> = (0..200).map(|_| nonces.next_nonce().unwrap()).collect();
        for nonce in &drawn {
            assert_eq!(nonce.len(), 32);
            assert!(nonce.bytes().all(|b| b.is_ascii_alphanumeric()), "{nonce}");
        }
        let distinct: HashSet<&String> = drawn.iter().collect();
        assert_eq!(distinct.len(), drawn.len());
        // No byte is handed out twice: a reused batch would repeat a stretch of characters, if
        // not whole nonces (a nonce takes a varying number of bytes). 16 random characters
        // recur by chance with odds of about 6,400² in 62¹⁶, some 10⁻²¹.
        let stream = drawn.concat();
        let mut windows = HashSet::new();
        for window in stream.as_bytes().windows(16) {
            assert!(windows.insert(window), "a stretch recurs: {window:?}");
        }
    }

    #[test]
    fn a_source_shows_what_is_left_not_the_bytes() {
        let mut nonces = NonceSource::new();
        assert_eq!(
            format!("{nonces:?}"),
            "NonceSource { bytes_left: 0 }",
            "empty until the first nonce"
        );
        nonces.next_nonce().unwrap();
        let shown = format!("{nonces:?}");
        let left: usize = shown
            .trim_start_matches("NonceSource { bytes_left: ")
            .trim_end_matches(" }")
            .parse()
            .unwrap();
        assert!(
            (NONCE_BATCH - 64..=NONCE_BATCH - 32).contains(&left),
            "{shown}"
        );
    }
}
