//! The app's keys and every user's access token, derived from the seed so that nothing per
//! user is stored and the same seed hands out the same credentials.
//!
//! Access tokens have X's shape, `<user id>-<random>`: clients read their own id from it, and
//! the server finds the user from it, recomputes the token and compares in constant time.

use twapi_auth::Secret;

use crate::directory::{Directory, tag};
use crate::rng::{ALPHANUMERIC, Rng};

/// The emulated app: its consumer key pair and its OAuth 2.0 client id.
#[derive(Debug, Clone)]
pub(crate) struct AppCredentials {
    /// The consumer ("API") key.
    pub(crate) consumer_key: String,
    /// The consumer secret.
    pub(crate) consumer_secret: Secret,
    /// The OAuth 2.0 client id (a public client: PKCE, no secret).
    pub(crate) client_id: String,
    seed: u64,
}

impl AppCredentials {
    /// The app of the emulator seeded with `seed`.
    pub(crate) fn derive(seed: u64) -> Self {
        let mut rng = Rng::keyed(&[seed, tag::CREDENTIALS, u64::MAX]);
        Self {
            consumer_key: rng.string(ALPHANUMERIC, 25),
            consumer_secret: Secret::new(rng.string(ALPHANUMERIC, 50)),
            client_id: rng.string(ALPHANUMERIC, 34),
            seed,
        }
    }

    /// The app-only bearer token of `generation` (a new one after each invalidation), in
    /// X's shape: a run of `A`s, then random text with a percent-escaped `=`.
    pub(crate) fn bearer_token(&self, generation: u64) -> String {
        let mut rng = Rng::keyed(&[self.seed, tag::CREDENTIALS, u64::MAX - 1, generation]);
        format!(
            "AAAAAAAAAAAAAAAAAAAAA{}%3D{}",
            rng.string(ALPHANUMERIC, 24),
            rng.string(ALPHANUMERIC, 50)
        )
    }
}

/// User `index`'s OAuth 1.0a access token and secret.
pub(crate) fn access_token(dir: &Directory, index: u32) -> (String, Secret) {
    let mut rng = Rng::keyed(&[dir.seed(), tag::CREDENTIALS, u64::from(index)]);
    let token = format!("{}-{}", dir.id(index), rng.string(ALPHANUMERIC, 40));
    (token, Secret::new(rng.string(ALPHANUMERIC, 45)))
}

/// The user an access token belongs to and its secret, if the token is one the emulator
/// issued.
pub(crate) fn find_access_token(dir: &Directory, token: &str) -> Option<(u32, Secret)> {
    let (id, _) = token.split_once('-')?;
    let index = dir.by_id(id.parse().ok()?)?;
    let (expected, secret) = access_token(dir, index);
    (Secret::new(token) == Secret::new(expected)).then_some((index, secret))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_name_their_user() {
        let dir = Directory::generate(42, 300);
        for index in [0, 150, 299] {
            let (token, secret) = access_token(&dir, index);
            assert!(token.starts_with(&format!("{}-", dir.id(index))));
            let (found, found_secret) = find_access_token(&dir, &token).unwrap();
            assert_eq!(found, index);
            assert_eq!(found_secret, secret);
            let mut forged = token.clone();
            forged.pop();
            forged.push('!');
            assert!(find_access_token(&dir, &forged).is_none());
        }
        assert!(find_access_token(&dir, "12-abc").is_none());
        assert!(find_access_token(&dir, "nonsense").is_none());
    }

    #[test]
    fn app_credentials_are_deterministic() {
        let a = AppCredentials::derive(1);
        let b = AppCredentials::derive(1);
        assert_eq!(a.consumer_key, b.consumer_key);
        assert_eq!(a.bearer_token(0), b.bearer_token(0));
        assert_ne!(a.bearer_token(0), a.bearer_token(1));
        assert_ne!(a.consumer_key, AppCredentials::derive(2).consumer_key);
    }
}
