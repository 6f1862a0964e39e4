//! What the emulator does with each endpoint's typed request, once routed and read.
//!
//! Each request type of twapi-core implements [`Serve`], and [`dispatch`] goes from the routed
//! [`EndpointId`] to its type through [`EndpointId::visit`]: an endpoint the core adds is not
//! served until it has a `Serve` impl here, and until then the emulator does not compile.

use twapi_core::endpoint::{ApiVersion, EndpointId, EndpointVisitor, VisitRequest};
use twapi_core::fields::Fields;
use twapi_core::request::server::{IncomingRequest, ServerRequest};
use twapi_core::request::{ApiRequest, v1 as rq1, v2 as rq2};

use crate::answer::Answer;
use crate::cursor::ListKind;
use crate::errors;
use crate::service::Ctx;
use crate::{v1, v2};

/// Reads the typed request of `endpoint` and serves it, answering X's 400 when it breaks a rule.
///
/// A v2 answer is written in the vocabulary of the request: the 2.167 names (`post_count`,
/// `pinned_post_id`, `includes.posts`) to a request that used any of 2.167's names
/// (`post.fields`, `expansions=pinned_post_id` …), the classic names otherwise — to a request
/// in the classic names, and to one whose names are the same in both (or that has none), as
/// every response recorded from production is.
pub(crate) fn dispatch(
    ctx: &Ctx<'_>,
    endpoint: EndpointId,
    version: ApiVersion,
    incoming: &IncomingRequest<'_>,
) -> Answer {
    let answer = endpoint.visit(Route {
        ctx,
        version,
        incoming,
    });
    match (version, Fields::vocabulary_of(&incoming.params)) {
        (ApiVersion::V2, Some(vocabulary)) => answer.in_vocabulary(vocabulary),
        _ => answer,
    }
}

/// A request type the emulator serves: what it answers to a request that read.
trait Serve: ServerRequest {
    fn serve(self, ctx: &Ctx<'_>) -> Answer;
}

/// One received request on its way to the handler of its endpoint's type.
struct Route<'r, 'a> {
    ctx: &'r Ctx<'a>,
    version: ApiVersion,
    incoming: &'r IncomingRequest<'a>,
}

impl EndpointVisitor for Route<'_, '_> {
    type Output = Answer;
}

impl<R: Serve> VisitRequest<R> for Route<'_, '_> {
    fn visit(self) -> Answer {
        match R::read(self.incoming) {
            Ok(request) => {
                let answer = request.serve(self.ctx);
                bill::<R>(self.ctx, &answer);
                answer
            }
            Err(error) => errors::invalid_request(self.version, &error),
        }
    }
}

/// Meters a successful answer as X bills it, read back as a client reads it: twapi-core's
/// payload names the users it carries, its price table prices them and its meter counts each
/// once a UTC day, so the emulator and a client's session agree to the micro-dollar.
fn bill<R: ApiRequest>(ctx: &Ctx<'_>, answer: &Answer) {
    if !answer.status.is_success() {
        return;
    }
    if let Ok(payload) = <R::Output as twapi_core::Payload>::decode(&answer.body) {
        ctx.service.bill(R::ENDPOINT, &payload, ctx.owned, ctx.now);
    }
}

impl Serve for rq1::FollowersIds {
    fn serve(self, ctx: &Ctx<'_>) -> Answer {
        v1::ids(
            ctx,
            Self::ENDPOINT,
            self.user.as_ref(),
            self.cursor,
            self.count,
            self.stringify_ids,
            ListKind::Followers,
        )
    }
}

impl Serve for rq1::FriendsIds {
    fn serve(self, ctx: &Ctx<'_>) -> Answer {
        v1::ids(
            ctx,
            Self::ENDPOINT,
            self.user.as_ref(),
            self.cursor,
            self.count,
            self.stringify_ids,
            ListKind::Following,
        )
    }
}

impl Serve for rq1::FollowersList {
    fn serve(self, ctx: &Ctx<'_>) -> Answer {
        v1::users_page(
            ctx,
            Self::ENDPOINT,
            self.user.as_ref(),
            self.cursor,
            self.count,
            self.skip_status,
            ListKind::Followers,
        )
    }
}

impl Serve for rq1::FriendsList {
    fn serve(self, ctx: &Ctx<'_>) -> Answer {
        v1::users_page(
            ctx,
            Self::ENDPOINT,
            self.user.as_ref(),
            self.cursor,
            self.count,
            self.skip_status,
            ListKind::Following,
        )
    }
}

impl Serve for rq1::FriendshipsIncoming {
    fn serve(self, ctx: &Ctx<'_>) -> Answer {
        v1::pending(ctx, self.cursor, self.stringify_ids, ListKind::Incoming)
    }
}

impl Serve for rq1::FriendshipsOutgoing {
    fn serve(self, ctx: &Ctx<'_>) -> Answer {
        v1::pending(ctx, self.cursor, self.stringify_ids, ListKind::Outgoing)
    }
}

impl Serve for rq1::FriendshipsLookup {
    fn serve(self, ctx: &Ctx<'_>) -> Answer {
        v1::friendships_lookup(ctx, &self.users)
    }
}

impl Serve for rq1::FriendshipsNoRetweetsIds {
    fn serve(self, ctx: &Ctx<'_>) -> Answer {
        v1::no_retweets(ctx, self.stringify_ids)
    }
}

impl Serve for rq1::FriendshipsShow {
    fn serve(self, ctx: &Ctx<'_>) -> Answer {
        v1::friendships_show(ctx, self.source.as_ref(), &self.target)
    }
}

impl Serve for rq1::UsersLookup {
    fn serve(self, ctx: &Ctx<'_>) -> Answer {
        v1::users_lookup(ctx, &self.users)
    }
}

impl Serve for rq1::UsersSearch {
    fn serve(self, ctx: &Ctx<'_>) -> Answer {
        v1::users_search(ctx, &self.q, self.page, self.count)
    }
}

impl Serve for rq1::UsersShow {
    fn serve(self, ctx: &Ctx<'_>) -> Answer {
        v1::users_show(ctx, &self.user)
    }
}

impl Serve for rq1::FriendshipsCreate {
    fn serve(self, ctx: &Ctx<'_>) -> Answer {
        v1::friendships_create(ctx, &self.user, self.follow)
    }
}

impl Serve for rq1::FriendshipsDestroy {
    fn serve(self, ctx: &Ctx<'_>) -> Answer {
        v1::friendships_destroy(ctx, &self.user)
    }
}

impl Serve for rq1::FriendshipsUpdate {
    fn serve(self, ctx: &Ctx<'_>) -> Answer {
        v1::friendships_update(ctx, &self.user, self.device, self.retweets)
    }
}

impl Serve for rq2::Followers {
    fn serve(self, ctx: &Ctx<'_>) -> Answer {
        v2::follows_page(
            ctx,
            Self::ENDPOINT,
            self.id,
            self.max_results,
            self.pagination_token.as_ref(),
            &self.fields,
            ListKind::Followers,
        )
    }
}

impl Serve for rq2::Following {
    fn serve(self, ctx: &Ctx<'_>) -> Answer {
        v2::follows_page(
            ctx,
            Self::ENDPOINT,
            self.id,
            self.max_results,
            self.pagination_token.as_ref(),
            &self.fields,
            ListKind::Following,
        )
    }
}

impl Serve for rq2::Follow {
    fn serve(self, ctx: &Ctx<'_>) -> Answer {
        v2::follow(ctx, self.source_user_id, self.target_user_id)
    }
}

impl Serve for rq2::Unfollow {
    fn serve(self, ctx: &Ctx<'_>) -> Answer {
        v2::unfollow(ctx, self.source_user_id, self.target_user_id)
    }
}

impl Serve for rq2::UsersByIds {
    fn serve(self, ctx: &Ctx<'_>) -> Answer {
        v2::users_by_ids(ctx, &self.ids, &self.fields)
    }
}

impl Serve for rq2::UserById {
    fn serve(self, ctx: &Ctx<'_>) -> Answer {
        v2::user_by_id(ctx, self.id, &self.fields)
    }
}

impl Serve for rq2::UsersByUsernames {
    fn serve(self, ctx: &Ctx<'_>) -> Answer {
        v2::users_by_usernames(ctx, &self.usernames, &self.fields)
    }
}

impl Serve for rq2::UserByUsername {
    fn serve(self, ctx: &Ctx<'_>) -> Answer {
        v2::user_by_username(ctx, &self.username, &self.fields)
    }
}

impl Serve for rq2::Me {
    fn serve(self, ctx: &Ctx<'_>) -> Answer {
        v2::me(ctx, &self.fields)
    }
}

impl Serve for rq2::UsersSearch {
    fn serve(self, ctx: &Ctx<'_>) -> Answer {
        v2::users_search(
            ctx,
            &self.query,
            self.max_results,
            self.next_token.as_ref(),
            &self.fields,
        )
    }
}

impl Serve for rq2::Affiliates {
    fn serve(self, ctx: &Ctx<'_>) -> Answer {
        v2::affiliates(
            ctx,
            self.id,
            self.max_results,
            self.pagination_token.as_ref(),
            &self.fields,
        )
    }
}
