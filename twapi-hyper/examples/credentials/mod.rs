//! Where the examples' credentials come from: the `X_*` environment variables for the real
//! API, or one of the demo users of an emulator started in-process.

use twapi_auth::Secret;
use twapi_auth::oauth1::Credentials;
use twapi_emulator::{DemoUser, Facts};

/// Credentials found in the environment.
pub(crate) enum FromEnv {
    /// `X_CONSUMER_KEY`, `X_CONSUMER_SECRET`, `X_ACCESS_TOKEN`, `X_ACCESS_TOKEN_SECRET`.
    OAuth1(Credentials),
    /// `X_BEARER_TOKEN`: app-only.
    Bearer(Secret),
}

/// The credentials in the environment, if the four OAuth 1.0a variables or the bearer token
/// are set (OAuth 1.0a wins when both are).
pub(crate) fn from_env() -> Option<FromEnv> {
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let oauth1 = (
        var("X_CONSUMER_KEY"),
        var("X_CONSUMER_SECRET"),
        var("X_ACCESS_TOKEN"),
        var("X_ACCESS_TOKEN_SECRET"),
    );
    if let (Some(key), Some(secret), Some(token), Some(token_secret)) = oauth1 {
        return Some(FromEnv::OAuth1(
            Credentials::new(key, secret).with_token(token, token_secret),
        ));
    }
    var("X_BEARER_TOKEN").map(|token| FromEnv::Bearer(Secret::new(token)))
}

/// The emulator's demo user of `role` (`"plain"`, `"most_followed"`, `"protected"`, ...).
pub(crate) fn demo_user<'f>(facts: &'f Facts, role: &str) -> Result<&'f DemoUser, String> {
    facts
        .user(role)
        .ok_or_else(|| format!("the emulator has no {role} demo user"))
}

/// The OAuth 1.0a credentials of one of the emulator's demo users.
pub(crate) fn emulator_credentials(facts: &Facts, user: &DemoUser) -> Credentials {
    facts.credentials(user)
}
