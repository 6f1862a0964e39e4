//! X's pay-per-use price list, written once, keyed by [`EndpointId`].
//!
//! Source: X's pricing page (`x-api/getting-started/pricing.mdx` in xdevplatform/docs), as
//! API-FACTS.md section 4.4 records it: pay-per-use launched 2026-02-06, owned reads priced from
//! 2026-04-20; figures as the page stood in the 2026-07/08 snapshot.
//!
//! [`price_of`] is an exhaustive `match` over [`EndpointId`] without a wildcard: an endpoint
//! added to the endpoint table does not compile until it is priced here.

use super::{Cost, Price};
use crate::endpoint::EndpointId;

/// When the prices below were read, and since when X charges them.
pub const PRICES_AS_OF: &str =
    "pay-per-use since 2026-02-06, owned reads since 2026-04-20; read 2026-07/08";

/// Where the prices below come from.
pub const PRICES_SOURCE: &str =
    "X's docs, x-api/getting-started/pricing.mdx (xdevplatform/docs); API-FACTS.md 4.4";

/// "User: Read" and "Following/Followers: Read": $0.010 per user returned.
pub const USER_READ: Cost = Cost::from_mills(10);
/// "Owned Reads" (the path's `:id` is the authenticated user): $0.001 per resource.
pub const OWNED_READ: Cost = Cost::from_mills(1);
/// "User Interaction: Create" (follow): $0.015 per request.
pub const FOLLOW: Cost = Cost::from_mills(15);
/// "Interaction: Delete" (unfollow): $0.010 per request.
pub const UNFOLLOW: Cost = Cost::from_mills(10);

/// A read of users: per user returned, owned or not.
const READ: Price = Price::PerResource {
    each: USER_READ,
    owned: OWNED_READ,
};

/// The price of one endpoint.
///
/// v1.1 reads are priced as X's v2 user reads (X bills v1.1 reads the same way where it still
/// serves them): a resource is a user or a user's id returned — the ids of an id page, the
/// users of a user page or lookup, the elements of `friendships/lookup`, the target of
/// `friendships/show`, the ids of `friendships/no_retweets/ids`. v1.1 paths have no `:id`, so
/// no v1.1 read is an owned read. `friendships/update` returns no resource and X lists no
/// price for it: free. `/2/users/me` has no `:id` either: a user read.
pub const fn price_of(endpoint: EndpointId) -> Price {
    use EndpointId as E;
    match endpoint {
        E::FollowersIds
        | E::FollowersList
        | E::FriendsIds
        | E::FriendsList
        | E::FriendshipsIncoming
        | E::FriendshipsLookup
        | E::FriendshipsNoRetweetsIds
        | E::FriendshipsOutgoing
        | E::FriendshipsShow
        | E::UsersLookup
        | E::UsersSearch
        | E::UsersShow
        | E::V2Followers
        | E::V2Following
        | E::V2UsersByIds
        | E::V2UserById
        | E::V2UsersByUsernames
        | E::V2UserByUsername
        | E::V2Me
        | E::V2UsersSearch
        | E::V2Affiliates => READ,
        E::FriendshipsCreate | E::V2Follow => Price::PerRequest(FOLLOW),
        E::FriendshipsDestroy | E::V2Unfollow => Price::PerRequest(UNFOLLOW),
        E::FriendshipsUpdate => Price::Free,
    }
}
