//! From an endpoint id to its request type, so one generic check runs for every endpoint.

use std::fmt::Debug;

use twapi_core::EndpointId;
use twapi_core::request::{ApiRequest, v1, v2};

/// A check that runs for one request type.
pub(crate) trait ForRequest {
    fn run<R>(&mut self)
    where
        R: ApiRequest + Clone + Debug + PartialEq,
        R::Output: Debug + PartialEq;
}

/// Runs `check` for the request type of `id`. Panics on an endpoint this table does not know, so
/// an endpoint added to the core without a fuzz arm fails the corpus replay on stable.
pub(crate) fn for_endpoint(id: EndpointId, check: &mut impl ForRequest) {
    match id {
        EndpointId::FollowersIds => checked::<v1::FollowersIds>(id, check),
        EndpointId::FollowersList => checked::<v1::FollowersList>(id, check),
        EndpointId::FriendsIds => checked::<v1::FriendsIds>(id, check),
        EndpointId::FriendsList => checked::<v1::FriendsList>(id, check),
        EndpointId::FriendshipsIncoming => checked::<v1::FriendshipsIncoming>(id, check),
        EndpointId::FriendshipsLookup => checked::<v1::FriendshipsLookup>(id, check),
        EndpointId::FriendshipsNoRetweetsIds => checked::<v1::FriendshipsNoRetweetsIds>(id, check),
        EndpointId::FriendshipsOutgoing => checked::<v1::FriendshipsOutgoing>(id, check),
        EndpointId::FriendshipsShow => checked::<v1::FriendshipsShow>(id, check),
        EndpointId::UsersLookup => checked::<v1::UsersLookup>(id, check),
        EndpointId::UsersSearch => checked::<v1::UsersSearch>(id, check),
        EndpointId::UsersShow => checked::<v1::UsersShow>(id, check),
        EndpointId::FriendshipsCreate => checked::<v1::FriendshipsCreate>(id, check),
        EndpointId::FriendshipsDestroy => checked::<v1::FriendshipsDestroy>(id, check),
        EndpointId::FriendshipsUpdate => checked::<v1::FriendshipsUpdate>(id, check),
        EndpointId::V2Followers => checked::<v2::Followers>(id, check),
        EndpointId::V2Following => checked::<v2::Following>(id, check),
        EndpointId::V2Follow => checked::<v2::Follow>(id, check),
        EndpointId::V2Unfollow => checked::<v2::Unfollow>(id, check),
        EndpointId::V2UsersByIds => checked::<v2::UsersByIds>(id, check),
        EndpointId::V2UserById => checked::<v2::UserById>(id, check),
        EndpointId::V2UsersByUsernames => checked::<v2::UsersByUsernames>(id, check),
        EndpointId::V2UserByUsername => checked::<v2::UserByUsername>(id, check),
        EndpointId::V2Me => checked::<v2::Me>(id, check),
        other => panic!("no fuzz arm for endpoint {other}: add it to for_endpoint"),
    }
}

/// Runs `check` for `R`, once the table is seen to map `id` to `R`'s own endpoint: every check
/// may then take `R::ENDPOINT` as the endpoint it was asked for.
fn checked<R>(id: EndpointId, check: &mut impl ForRequest)
where
    R: ApiRequest + Clone + Debug + PartialEq,
    R::Output: Debug + PartialEq,
{
    assert_eq!(
        R::ENDPOINT,
        id,
        "the fuzz table maps an endpoint to another's type"
    );
    check.run::<R>();
}
