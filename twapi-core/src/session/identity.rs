//! Whose requests these are: the app and, in user context, the user — what the rate limiter
//! counts against and what follow and unfollow need as the source id.
//!
//! The user id comes for free with OAuth 1.0a: X's access tokens start with the user's id
//! (`783214-Abc…`). For an OAuth 2.0 user token the session asks `GET /2/users/me` once, counted
//! against the app (X counts a `/2/users/me` made before anything is known as the app's), and
//! keeps the answer.

use std::sync::OnceLock;

use twapi_model::UserId;

use crate::rate_limit::Context;

/// The app, and the user acted for, as far as known.
#[derive(Debug)]
pub(crate) struct Identity {
    /// The app's name for the limiter (its consumer key when known).
    pub(crate) app: String,
    /// Whether the credentials act for a user.
    user_context: bool,
    /// A context the caller fixed; it wins over everything else.
    fixed: Option<Context>,
    /// The user's id, once known.
    user: OnceLock<UserId>,
}

impl Identity {
    pub(crate) fn new(
        app: String,
        user_context: bool,
        known_user: Option<UserId>,
        fixed: Option<Context>,
    ) -> Self {
        let user = OnceLock::new();
        let known_user =
            known_user.or_else(|| fixed.as_ref().and_then(|c| c.user).map(UserId::new));
        if let Some(id) = known_user.filter(|_| user_context) {
            let _ = user.set(id);
        }
        Self {
            app,
            user_context,
            fixed,
            user,
        }
    }

    /// The user's id, if known.
    pub(crate) fn user(&self) -> Option<UserId> {
        self.user.get().copied()
    }

    /// Keeps the user's id that `/2/users/me` answered; a second answer is the same user.
    pub(crate) fn learn(&self, id: UserId) {
        if self.user_context {
            let _ = self.user.set(id);
        }
    }

    /// The limiter context, if it can be told without asking the server.
    pub(crate) fn known_context(&self) -> Option<Context> {
        if let Some(fixed) = &self.fixed {
            return Some(fixed.clone());
        }
        if !self.user_context {
            return Some(Context::app_only(self.app.clone()));
        }
        self.user()
            .map(|id| Context::user(self.app.clone(), id.get()))
    }

    /// The context of the one call that finds the user out: the app's, as X counts a
    /// `/2/users/me` made before anything is known.
    pub(crate) fn bootstrap_context(&self) -> Context {
        Context::app_only(self.app.clone())
    }
}

/// The user id an X access token starts with (`<id>-<random>`), if it has that shape.
pub(crate) fn user_id_from_access_token(token: &str) -> Option<UserId> {
    let (prefix, rest) = token.split_once('-')?;
    let digits =
        !prefix.is_empty() && prefix.len() <= 20 && prefix.bytes().all(|b| b.is_ascii_digit());
    if !digits || rest.is_empty() {
        return None;
    }
    prefix.parse().ok().map(UserId::new)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_access_token_names_its_user() {
        assert_eq!(
            user_id_from_access_token("783214-AbCdEf"),
            Some(UserId::new(783_214))
        );
        for odd in [
            "",
            "-abc",
            "783214",
            "783214-",
            "abc-def",
            "12a-def",
            "99999999999999999999999-x",
        ] {
            assert_eq!(user_id_from_access_token(odd), None, "{odd:?}");
        }
    }

    #[test]
    fn contexts() {
        let app_only = Identity::new("ck".into(), false, Some(UserId::new(1)), None);
        assert_eq!(app_only.known_context(), Some(Context::app_only("ck")));
        assert_eq!(app_only.user(), None);
        let user = Identity::new("ck".into(), true, Some(UserId::new(12)), None);
        assert_eq!(user.known_context(), Some(Context::user("ck", 12)));
        let unknown = Identity::new("ck".into(), true, None, None);
        assert_eq!(unknown.known_context(), None);
        assert_eq!(unknown.bootstrap_context(), Context::app_only("ck"));
        unknown.learn(UserId::new(9));
        unknown.learn(UserId::new(10));
        assert_eq!(unknown.known_context(), Some(Context::user("ck", 9)));
        let fixed = Identity::new("ck".into(), true, None, Some(Context::user("other", 5)));
        assert_eq!(fixed.known_context(), Some(Context::user("other", 5)));
        assert_eq!(fixed.user(), Some(UserId::new(5)));
    }
}
