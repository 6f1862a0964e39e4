//! Splitting a long lookup into requests of at most 100: users/lookup of 10,000 ids is 100
//! requests, and each is checked like any other.

use twapi_model::UserId;

use crate::endpoint::EndpointId;
use crate::fields::Fields;
use crate::name::ScreenName;
use crate::request::v1::{Users, UsersLookup};
use crate::request::v2::UsersByIds;

fn batch(endpoint: EndpointId) -> usize {
    endpoint
        .descriptor()
        .max_batch
        .and_then(|n| usize::try_from(n).ok())
        .unwrap_or(100)
        .max(1)
}

/// `users/lookup` requests for any number of ids, in order, at most 100 each.
///
/// ```
/// use twapi_model::UserId;
/// let ids: Vec<UserId> = (1..=250).map(UserId::new).collect();
/// let requests: Vec<_> = twapi_core::lookup::users_by_ids(&ids).collect();
/// assert_eq!(requests.len(), 3);
/// ```
pub fn users_by_ids(ids: &[UserId]) -> impl Iterator<Item = UsersLookup> + '_ {
    ids.chunks(batch(EndpointId::UsersLookup))
        .map(|chunk| UsersLookup {
            users: Users::Ids(chunk.to_vec()),
            include_entities: None,
        })
}

/// `users/lookup` requests for any number of screen names, in order, at most 100 each.
pub fn users_by_screen_names(names: &[ScreenName]) -> impl Iterator<Item = UsersLookup> + '_ {
    names
        .chunks(batch(EndpointId::UsersLookup))
        .map(|chunk| UsersLookup {
            users: Users::ScreenNames(chunk.to_vec()),
            include_entities: None,
        })
}

/// `GET /2/users?ids=` requests for any number of ids, in order, at most 100 each, all
/// asking for the same fields.
pub fn v2_users_by_ids<'a>(
    ids: &'a [UserId],
    fields: &'a Fields,
) -> impl Iterator<Item = UsersByIds> + 'a {
    ids.chunks(batch(EndpointId::V2UsersByIds))
        .map(move |chunk| UsersByIds {
            ids: chunk.to_vec(),
            fields: fields.clone(),
        })
}
