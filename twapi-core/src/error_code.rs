//! The v1.1 error codes (`{"errors":[{"code":N,"message":"..."}]}`), written once.
//!
//! One table below gives each code its variant, the HTTP status X sends it with, what it
//! suggests about retrying, and X's message; every method of [`ErrorCode`] is generated from
//! it, so the facts cannot drift apart. Codes X adds later are kept as
//! [`ErrorCode::Unknown`].
//!
//! ```
//! use http::StatusCode;
//! use twapi_core::error_code::ErrorCode;
//! use twapi_core::retry::RetryHint;
//!
//! let code = ErrorCode::from_code(88);
//! assert_eq!(code, ErrorCode::RateLimitExceeded);
//! assert_eq!(code.message(), Some("Rate limit exceeded"));
//! assert_eq!(code.http_status(), Some(StatusCode::TOO_MANY_REQUESTS));
//! assert_eq!(code.retryability_hint(), RetryHint::AtReset);
//! assert_eq!(ErrorCode::from_code(9999), ErrorCode::Unknown(9999));
//! ```

use std::fmt;
use std::hash::{Hash, Hasher};

use http::StatusCode;
use serde::{Deserialize, Serialize};

use crate::retry::RetryHint;

/// Declares [`ErrorCode`] and its methods from one table of
/// `Variant = code, http status, retry hint, "message";` rows.
macro_rules! error_codes {
    ($(
        $(#[doc = $doc:literal])+
        $variant:ident = $code:literal, $status:expr, $hint:ident, $message:literal;
    )+) => {
        /// A v1.1 error code.
        ///
        /// Equality, hashing and serialization go by the number, so `Unknown(88)` (which
        /// [`ErrorCode::from_code`] never produces) equals [`ErrorCode::RateLimitExceeded`].
        /// It serializes as the bare number, as on the wire.
        #[derive(Debug, Clone, Copy, Serialize, Deserialize)]
        #[serde(from = "u32", into = "u32")]
        #[non_exhaustive]
        pub enum ErrorCode {
            $(
                $(#[doc = $doc])+
                $variant,
            )+
            /// A code this table does not name, kept as sent.
            Unknown(u32),
        }

        impl ErrorCode {
            /// Every named code, in numeric order.
            pub const KNOWN: &'static [ErrorCode] = &[$(ErrorCode::$variant),+];

            /// The variant for a number; unnamed numbers become [`ErrorCode::Unknown`].
            pub const fn from_code(code: u32) -> Self {
                match code {
                    $($code => ErrorCode::$variant,)+
                    other => ErrorCode::Unknown(other),
                }
            }

            /// The number X sends.
            pub const fn code(self) -> u32 {
                match self {
                    $(ErrorCode::$variant => $code,)+
                    ErrorCode::Unknown(code) => code,
                }
            }

            /// The `message` X sends with the code (from recorded bodies where one exists,
            /// else from X's response-codes table); `None` for unknown codes. The body's own
            /// message is what a user should see; this is for matching and for servers.
            pub const fn message(self) -> Option<&'static str> {
                match ErrorCode::from_code(self.code()) {
                    $(ErrorCode::$variant => Some($message),)+
                    ErrorCode::Unknown(_) => None,
                }
            }

            /// The HTTP status X sends the code with, where documented or observed.
            pub const fn http_status(self) -> Option<StatusCode> {
                match ErrorCode::from_code(self.code()) {
                    $(ErrorCode::$variant => $status,)+
                    ErrorCode::Unknown(_) => None,
                }
            }

            /// Whether retrying can help: 130 and 131 are transient, 88 passes when the rate
            /// limit resets, nothing else changes by itself. Unknown codes give
            /// [`RetryHint::No`]; the HTTP status (5xx, 429) still decides for those.
            pub const fn retryability_hint(self) -> RetryHint {
                match ErrorCode::from_code(self.code()) {
                    $(ErrorCode::$variant => RetryHint::$hint,)+
                    ErrorCode::Unknown(_) => RetryHint::No,
                }
            }
        }
    };
}

error_codes! {
    /// 17: none of the users asked for exist (`users/lookup`).
    NoUserMatches = 17, Some(StatusCode::NOT_FOUND), No,
        "No user matches for specified terms.";
    /// 32: the authentication could not be verified, usually a wrong OAuth signature.
    CouldNotAuthenticate = 32, Some(StatusCode::UNAUTHORIZED), No,
        "Could not authenticate you";
    /// 34: the path or the resource it names does not exist.
    PageDoesNotExist = 34, Some(StatusCode::NOT_FOUND), No,
        "Sorry, that page does not exist";
    /// 50: the user does not exist.
    UserNotFound = 50, Some(StatusCode::NOT_FOUND), No,
        "User not found.";
    /// 63: the user is suspended; their information cannot be retrieved.
    UserSuspended = 63, Some(StatusCode::FORBIDDEN), No,
        "User has been suspended.";
    /// 87: the app may not call this endpoint.
    ClientNotPermitted = 87, Some(StatusCode::FORBIDDEN), No,
        "Client is not permitted to perform this action.";
    /// 88: the rate limit of the current window is used up; wait for its reset.
    RateLimitExceeded = 88, Some(StatusCode::TOO_MANY_REQUESTS), AtReset,
        "Rate limit exceeded";
    /// 89: the access token is wrong, revoked or expired.
    InvalidOrExpiredToken = 89, Some(StatusCode::UNAUTHORIZED), No,
        "Invalid or expired token.";
    /// 99: `oauth2/token` could not verify the consumer credentials.
    UnableToVerifyCredentials = 99, Some(StatusCode::FORBIDDEN), No,
        "Unable to verify your credentials";
    /// 108: a user named in the request cannot be found (friendships endpoints); X documents
    /// no status for it.
    CannotFindSpecifiedUser = 108, None, No,
        "Cannot find specified user.";
    /// 130: X is temporarily over capacity; retry with backoff.
    OverCapacity = 130, Some(StatusCode::SERVICE_UNAVAILABLE), Backoff,
        "Over capacity";
    /// 131: an unknown internal error; retry with backoff.
    InternalError = 131, Some(StatusCode::INTERNAL_SERVER_ERROR), Backoff,
        "Internal error";
    /// 135: `oauth_timestamp` is too far from X's clock; resynchronize from the response's
    /// `Date` header and sign again.
    TimestampOutOfBounds = 135, Some(StatusCode::UNAUTHORIZED), No,
        "Timestamp out of bounds.";
    /// 158: a user tried to follow themselves.
    CannotFollowSelf = 158, Some(StatusCode::FORBIDDEN), No,
        "You can't follow yourself.";
    /// 160: a follow request to this protected user is already pending.
    FollowAlreadyRequested = 160, Some(StatusCode::FORBIDDEN), No,
        "You've already requested to follow user.";
    /// 161: the user may not follow more accounts for now (a follow limit).
    FollowLimitReached = 161, Some(StatusCode::FORBIDDEN), No,
        "You are unable to follow more people at this time";
    /// 162: the target user blocked the authenticating user from following them.
    BlockedFromFollowing = 162, Some(StatusCode::FORBIDDEN), No,
        "You have been blocked from following this account at the request of the user.";
    /// 179: the Tweet is protected from the authenticating user.
    NotAuthorizedToSeeStatus = 179, Some(StatusCode::FORBIDDEN), No,
        "Sorry, you are not authorized to see this status";
    /// 205: the account's limit for spam reports is reached.
    SpamReportLimit = 205, Some(StatusCode::FORBIDDEN), No,
        "You are over the limit for spam reports.";
    /// 215: authentication is required but missing or wholly invalid.
    BadAuthenticationData = 215, Some(StatusCode::BAD_REQUEST), No,
        "Bad Authentication data.";
    /// 220: the credentials are restricted and cannot access this resource.
    CredentialsNotAllowed = 220, Some(StatusCode::FORBIDDEN), No,
        "Your credentials do not allow access to this resource.";
    /// 226: X's anti-spam systems flagged the request as automated.
    LooksAutomated = 226, Some(StatusCode::FORBIDDEN), No,
        "This request looks like it might be automated. To protect our users from spam and other malicious activity, we can't complete this action right now. Please try again later.";
    /// 261: the app is barred from write actions.
    ApplicationCannotWrite = 261, Some(StatusCode::FORBIDDEN), No,
        "Application cannot perform write actions.";
    /// 326: the account is locked until its owner logs in to unlock it.
    AccountTemporarilyLocked = 326, Some(StatusCode::FORBIDDEN), No,
        "To protect our users from spam and other malicious activity, this account is temporarily locked. Please log in to https://twitter.com to unlock your account.";
    /// 415: the OAuth callback URL is not among the app's approved ones.
    CallbackUrlNotApproved = 415, Some(StatusCode::FORBIDDEN), No,
        "Callback URL not approved for this client application. Approved callback URLs can be adjusted in your application settings";
    /// 416: the app is invalid or suspended.
    InvalidOrSuspendedApplication = 416, Some(StatusCode::UNAUTHORIZED), No,
        "Invalid / suspended application";
    /// 417: a desktop app sent a callback other than `oob`.
    DesktopAppsOnlyOob = 417, Some(StatusCode::UNAUTHORIZED), No,
        "Desktop applications only support the oauth_callback value 'oob'";
    /// 453: the app's access level does not include this endpoint (the Free/Basic tiers
    /// reach only a few v1.1 endpoints).
    AccessLevelInsufficient = 453, Some(StatusCode::FORBIDDEN), No,
        "You currently have access to a subset of Twitter API v2 endpoints and limited v1.1 endpoints (e.g. media post, oauth) only. If you need access to this endpoint, you may need a different access level. You can learn more here: https://developer.twitter.com/en/portal/product";
}

impl ErrorCode {
    /// Whether the table names this code.
    pub const fn is_known(self) -> bool {
        !matches!(ErrorCode::from_code(self.code()), ErrorCode::Unknown(_))
    }
}

impl PartialEq for ErrorCode {
    fn eq(&self, other: &Self) -> bool {
        self.code() == other.code()
    }
}

impl Eq for ErrorCode {}

impl Hash for ErrorCode {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.code().hash(state);
    }
}

impl From<u32> for ErrorCode {
    fn from(code: u32) -> Self {
        ErrorCode::from_code(code)
    }
}

impl From<ErrorCode> for u32 {
    fn from(code: ErrorCode) -> Self {
        code.code()
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.message() {
            Some(message) => write!(f, "{} ({message})", self.code()),
            None => write!(f, "{}", self.code()),
        }
    }
}
