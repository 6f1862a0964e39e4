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
        EndpointId::FollowersIds => check.run::<v1::FollowersIds>(),
        EndpointId::FollowersList => check.run::<v1::FollowersList>(),
        EndpointId::FriendsIds => check.run::<v1::FriendsIds>(),
        EndpointId::FriendsList => check.run::<v1::FriendsList>(),
        EndpointId::FriendshipsIncoming => check.run::<v1::FriendshipsIncoming>(),
        EndpointId::FriendshipsLookup => check.run::<v1::FriendshipsLookup>(),
        EndpointId::FriendshipsNoRetweetsIds => check.run::<v1::FriendshipsNoRetweetsIds>(),
        EndpointId::FriendshipsOutgoing => check.run::<v1::FriendshipsOutgoing>(),
        EndpointId::FriendshipsShow => check.run::<v1::FriendshipsShow>(),
        EndpointId::UsersLookup => check.run::<v1::UsersLookup>(),
        EndpointId::UsersSearch => check.run::<v1::UsersSearch>(),
        EndpointId::UsersShow => check.run::<v1::UsersShow>(),
        EndpointId::FriendshipsCreate => check.run::<v1::FriendshipsCreate>(),
        EndpointId::FriendshipsDestroy => check.run::<v1::FriendshipsDestroy>(),
        EndpointId::FriendshipsUpdate => check.run::<v1::FriendshipsUpdate>(),
        EndpointId::V2Followers => check.run::<v2::Followers>(),
        EndpointId::V2Following => check.run::<v2::Following>(),
        EndpointId::V2Follow => check.run::<v2::Follow>(),
        EndpointId::V2Unfollow => check.run::<v2::Unfollow>(),
        EndpointId::V2UsersByIds => check.run::<v2::UsersByIds>(),
        EndpointId::V2UserById => check.run::<v2::UserById>(),
        EndpointId::V2UsersByUsernames => check.run::<v2::UsersByUsernames>(),
        EndpointId::V2UserByUsername => check.run::<v2::UserByUsername>(),
        EndpointId::V2Me => check.run::<v2::Me>(),
        other => panic!("no fuzz arm for endpoint {other}: add it to for_endpoint"),
    }
}
