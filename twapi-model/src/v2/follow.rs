//! Manage follows: the body of `POST /2/users/:id/following` and the `data` of its answer and
//! of `DELETE /2/users/:source_user_id/following/:target_user_id`.
//!
//! Both calls succeed without doing anything when there is nothing to do (following someone
//! already followed, unfollowing someone not followed), so the result states where things
//! stand rather than what changed.

use serde::{Deserialize, Serialize};

use crate::UserId;

/// The JSON body of `POST /2/users/:id/following`.
///
/// ```
/// let body = twapi_model::v2::FollowRequest { target_user_id: 17_874_544.into() };
/// assert_eq!(serde_json::to_string(&body).unwrap(), r#"{"target_user_id":"17874544"}"#);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FollowRequest {
    /// The user to follow.
    pub target_user_id: UserId,
}

/// The `data` of a follow: `{"following":true,"pending_follow":false}` for a public user,
/// `{"following":false,"pending_follow":true}` for a protected one, which must approve.
///
/// ```
/// use twapi_model::v2::FollowResponse;
/// let r: FollowResponse = twapi_model::decode(br#"{"data":{"following":true,"pending_follow":false}}"#)?;
/// assert_eq!(r.data.map(|d| d.following), Some(true));
/// # Ok::<(), twapi_model::DecodeError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FollowResult {
    /// Whether the authenticated user now follows the target. Optional in the 2.159 spec but
    /// sent in every answer (and required by 2.167), so required here.
    pub following: bool,
    /// Whether a follow request awaits the (protected) target's approval.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pending_follow: Option<bool>,
}

/// The `data` of an unfollow: `{"following":false}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnfollowResult {
    /// Whether the authenticated user still follows the target (`false` once done).
    pub following: bool,
}
