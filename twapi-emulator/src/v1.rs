//! The v1.1 endpoints: cursored id and user lists, pending requests, lookups, search,
//! relationships, and follow, unfollow and update.
//!
//! Semantics follow X: a missing user is 404 code 50 (17 for lookups where none of the
//! users exists, 108 for the friendships writes), a suspended one 403 code 63, the lists of a
//! protected account the caller does not follow `401 {"error":"Not authorized."}`. Following
//! a protected account makes a pending request (the user object comes back with
//! `follow_request_sent: true`; asking again is 403 code 160); following yourself is 158,
//! following someone who blocks you 162, and past the 24-hour cap 161. Page sizes and caps
//! come from twapi-core's endpoint table.

use http::StatusCode;
use twapi_core::UserRef;
use twapi_core::endpoint::{DailyBucket, EndpointId};
use twapi_core::error_code::ErrorCode;
use twapi_core::request::v1::Users;
use twapi_model::UserId;
use twapi_model::v1::{Cursor, Friendship, IdForm, IdPage, NoRetweetIds, UserPage};

use crate::answer::Answer;
use crate::cursor::{self, ListKind};
use crate::directory::Directory;
use crate::errors;
use crate::graph::Graph;
use crate::render;
use crate::service::Ctx;

/// Ids per page of `friendships/incoming` and `/outgoing`, which take no `count`: X pages
/// every id list by the 5,000 that `followers/ids` allows at most (the table has no page
/// size for these two endpoints, so it is read from `followers/ids`).
fn pending_page_size() -> u32 {
    EndpointId::FollowersIds
        .descriptor()
        .page_size
        .map_or(5_000, |size| size.max)
}

/// The page size to use: the request's, or the table's default.
fn page_size(endpoint: EndpointId, count: Option<u32>) -> u32 {
    count
        .or(endpoint.descriptor().page_size.map(|size| size.default))
        .unwrap_or(20)
}

/// A user named by id or screen name.
pub(crate) fn resolve(dir: &Directory, user: &UserRef) -> Option<u32> {
    match user {
        UserRef::Id(id) => dir.by_id(id.get()),
        UserRef::ScreenName(name) => dir.by_screen_name(name.as_str()),
    }
}

/// The user a list request is about: the one named, or the caller. A missing user is 404
/// code 50 (or `missing`), a suspended one 403 code 63.
fn subject(
    ctx: &Ctx<'_>,
    user: Option<&UserRef>,
    missing: ErrorCode,
    status: StatusCode,
) -> Result<u32, Answer> {
    let index = match user {
        Some(user) => {
            resolve(ctx.dir(), user).ok_or_else(|| errors::code_with_status(missing, status))?
        }
        None => ctx
            .viewer()
            .ok_or_else(|| errors::missing_parameter("user_id"))?,
    };
    if ctx.dir().is_suspended(index) {
        return Err(errors::code(ErrorCode::UserSuspended));
    }
    Ok(index)
}

fn cursors(ctx: &Ctx<'_>, owner: u32, kind: ListKind, page: &cursor::Page) -> (Cursor, Cursor) {
    let codec = ctx.codec();
    (
        page.next.map_or(Cursor::END, |b| {
            Cursor::new(codec.next_cursor(owner, kind, b))
        }),
        page.previous.map_or(Cursor::END, |b| {
            Cursor::new(codec.previous_cursor(owner, kind, b))
        }),
    )
}

fn form(stringify: Option<bool>) -> IdForm {
    if stringify == Some(true) {
        IdForm::String
    } else {
        IdForm::Number
    }
}

/// One page of a user's followers or friends, newest first, each made into an entry by
/// `entry`, and the page's next and previous cursors. The list's owner must exist, not be
/// suspended, and be visible to the caller; otherwise the answer is X's error.
fn list_page<T>(
    ctx: &Ctx<'_>,
    endpoint: EndpointId,
    user: Option<&UserRef>,
    cursor: Option<Cursor>,
    count: Option<u32>,
    kind: ListKind,
    entry: impl Fn(&Graph, u32) -> T,
) -> Result<(Vec<T>, Cursor, Cursor), Answer> {
    let owner = subject(ctx, user, ErrorCode::UserNotFound, StatusCode::NOT_FOUND)?;
    let world = ctx.read();
    let graph = &world.graph;
    if !render::may_see_tweets(ctx.dir(), graph, owner, ctx.viewer()) {
        return Err(errors::not_authorized(ctx.path));
    }
    let list = match kind {
        ListKind::Followers => graph.followers(owner),
        _ => graph.following(owner),
    };
    let position = ctx
        .codec()
        .read_cursor(owner, kind, cursor.map(Cursor::get));
    let page = cursor::page(list.len(), position, page_size(endpoint, count));
    let entries = list
        .get(page.items.clone())
        .unwrap_or_default()
        .iter()
        .rev()
        .map(|&u| entry(graph, u))
        .collect();
    let (next, previous) = cursors(ctx, owner, kind, &page);
    Ok((entries, next, previous))
}

/// `followers/ids`, `friends/ids`.
pub(crate) fn ids(
    ctx: &Ctx<'_>,
    endpoint: EndpointId,
    user: Option<&UserRef>,
    cursor: Option<Cursor>,
    count: Option<u32>,
    stringify: Option<bool>,
    kind: ListKind,
) -> Answer {
    let id = |_: &Graph, u| UserId::new(ctx.dir().id(u));
    match list_page(ctx, endpoint, user, cursor, count, kind, id) {
        Ok((ids, next_cursor, previous_cursor)) => Answer::ok_v1(&IdPage {
            ids,
            form: form(stringify),
            next_cursor,
            previous_cursor,
        }),
        Err(answer) => answer,
    }
}

/// `followers/list`, `friends/list`.
pub(crate) fn users_page(
    ctx: &Ctx<'_>,
    endpoint: EndpointId,
    user: Option<&UserRef>,
    cursor: Option<Cursor>,
    count: Option<u32>,
    skip_status: Option<bool>,
    kind: ListKind,
) -> Answer {
    let with_status = skip_status != Some(true);
    let user_object =
        |graph: &Graph, u| render::v1_user(ctx.dir(), graph, u, ctx.viewer(), with_status);
    match list_page(ctx, endpoint, user, cursor, count, kind, user_object) {
        Ok((users, next_cursor, previous_cursor)) => Answer::ok_v1(&UserPage {
            users,
            next_cursor,
            previous_cursor,
        }),
        Err(answer) => answer,
    }
}

/// `friendships/incoming`, `friendships/outgoing`: the caller's pending requests.
pub(crate) fn pending(
    ctx: &Ctx<'_>,
    cursor: Option<Cursor>,
    stringify: Option<bool>,
    kind: ListKind,
) -> Answer {
    let Some(owner) = ctx.viewer() else {
        return errors::code(ErrorCode::CredentialsNotAllowed);
    };
    let world = ctx.read();
    let list = match kind {
        ListKind::Incoming => world.graph.incoming(owner),
        _ => world.graph.outgoing(owner),
    };
    let position = ctx
        .codec()
        .read_cursor(owner, kind, cursor.map(Cursor::get));
    let page = cursor::page(list.len(), position, pending_page_size());
    let ids = list[page.items.clone()]
        .iter()
        .rev()
        .map(|&u| UserId::new(ctx.dir().id(u)))
        .collect();
    let (next_cursor, previous_cursor) = cursors(ctx, owner, kind, &page);
    Answer::ok_v1(&IdPage {
        ids,
        form: form(stringify),
        next_cursor,
        previous_cursor,
    })
}

/// The users a lookup names that exist and are not suspended, in the order asked, once each.
fn found(dir: &Directory, users: &Users) -> Vec<u32> {
    let indices: Vec<Option<u32>> = match users {
        Users::Ids(ids) => ids.iter().map(|id| dir.by_id(id.get())).collect(),
        Users::ScreenNames(names) => names
            .iter()
            .map(|n| dir.by_screen_name(n.as_str()))
            .collect(),
    };
    let mut out: Vec<u32> = Vec::with_capacity(indices.len());
    for index in indices.into_iter().flatten() {
        if !dir.is_suspended(index) && !out.contains(&index) {
            out.push(index);
        }
    }
    out
}

/// `friendships/lookup`.
pub(crate) fn friendships_lookup(ctx: &Ctx<'_>, users: &Users) -> Answer {
    let Some(viewer) = ctx.viewer() else {
        return errors::code(ErrorCode::CredentialsNotAllowed);
    };
    let found = found(ctx.dir(), users);
    if found.is_empty() {
        return errors::code(ErrorCode::NoUserMatches);
    }
    let world = ctx.read();
    let list: Vec<Friendship> = found
        .into_iter()
        .map(|index| Friendship {
            name: crate::profile::name_of(ctx.dir(), index).into(),
            screen_name: ctx.dir().screen_name(index).into(),
            id: UserId::new(ctx.dir().id(index)),
            connections: render::connections(&world.graph, viewer, index),
        })
        .collect();
    Answer::ok_v1(&list)
}

/// `friendships/no_retweets/ids`: a bare array.
pub(crate) fn no_retweets(ctx: &Ctx<'_>, stringify: Option<bool>) -> Answer {
    let Some(viewer) = ctx.viewer() else {
        return errors::code(ErrorCode::CredentialsNotAllowed);
    };
    let world = ctx.read();
    let ids = world
        .graph
        .no_retweets(viewer)
        .into_iter()
        .map(|u| UserId::new(ctx.dir().id(u)))
        .collect();
    Answer::ok_v1(&NoRetweetIds {
        ids,
        form: form(stringify),
    })
}

/// `friendships/show`.
pub(crate) fn friendships_show(
    ctx: &Ctx<'_>,
    source: Option<&UserRef>,
    target: &UserRef,
) -> Answer {
    let source = match source {
        Some(_) => subject(ctx, source, ErrorCode::UserNotFound, StatusCode::NOT_FOUND),
        None => ctx
            .viewer()
            .ok_or_else(|| errors::missing_parameter("source_id")),
    };
    let source = match source {
        Ok(source) => source,
        Err(answer) => return answer,
    };
    let target = match subject(
        ctx,
        Some(target),
        ErrorCode::UserNotFound,
        StatusCode::NOT_FOUND,
    ) {
        Ok(target) => target,
        Err(answer) => return answer,
    };
    let world = ctx.read();
    Answer::ok_v1(&render::relationship(
        ctx.dir(),
        &world.graph,
        source,
        target,
        ctx.viewer(),
    ))
}

/// `users/lookup`: the users that exist, in the order asked; 404 code 17 when none does.
pub(crate) fn users_lookup(ctx: &Ctx<'_>, users: &Users) -> Answer {
    let found = found(ctx.dir(), users);
    if found.is_empty() {
        return errors::code(ErrorCode::NoUserMatches);
    }
    let world = ctx.read();
    let list: Vec<_> = found
        .into_iter()
        .map(|index| render::v1_user(ctx.dir(), &world.graph, index, ctx.viewer(), true))
        .collect();
    Answer::ok_v1(&list)
}

/// `users/search`: case-insensitive substring matches on names and screen names, most
/// followed first, `count` a page, only the first `result_cap` matches (1,000).
pub(crate) fn users_search(
    ctx: &Ctx<'_>,
    q: &str,
    page: Option<u32>,
    count: Option<u32>,
) -> Answer {
    let descriptor = EndpointId::UsersSearch.descriptor();
    let per_page = page_size(EndpointId::UsersSearch, count) as usize;
    let cap = descriptor.result_cap.unwrap_or(1_000) as usize;
    let skip = (page.unwrap_or(1).max(1) as usize - 1) * per_page;
    let take = per_page.min(cap.saturating_sub(skip));
    let needle = q.trim().to_lowercase();
    let dir = ctx.dir();
    let mut matches = Vec::with_capacity(take);
    let mut seen = 0;
    if take > 0 {
        for &index in dir.by_popularity() {
            if dir.is_suspended(index) {
                continue;
            }
            let hit = dir.screen_name(index).to_lowercase().contains(&needle)
                || crate::profile::name_of(dir, index)
                    .to_lowercase()
                    .contains(&needle);
            if !hit {
                continue;
            }
            seen += 1;
            if seen > skip {
                matches.push(index);
                if matches.len() == take {
                    break;
                }
            }
        }
    }
    let world = ctx.read();
    let list: Vec<_> = matches
        .into_iter()
        .map(|index| render::v1_user(dir, &world.graph, index, ctx.viewer(), true))
        .collect();
    Answer::ok_v1(&list)
}

/// `users/show`.
pub(crate) fn users_show(ctx: &Ctx<'_>, user: &UserRef) -> Answer {
    let index = match subject(
        ctx,
        Some(user),
        ErrorCode::UserNotFound,
        StatusCode::NOT_FOUND,
    ) {
        Ok(index) => index,
        Err(answer) => return answer,
    };
    let world = ctx.read();
    Answer::ok_v1(&render::v1_user(
        ctx.dir(),
        &world.graph,
        index,
        ctx.viewer(),
        true,
    ))
}

/// The target of a friendships write: 404 code 108 when missing, 403 code 63 when suspended.
fn write_target(ctx: &Ctx<'_>, user: &UserRef) -> Result<(u32, u32), Answer> {
    let Some(me) = ctx.viewer() else {
        return Err(errors::code(ErrorCode::CredentialsNotAllowed));
    };
    let target = subject(
        ctx,
        Some(user),
        ErrorCode::CannotFindSpecifiedUser,
        StatusCode::NOT_FOUND,
    )?;
    Ok((me, target))
}

/// `friendships/create`.
pub(crate) fn friendships_create(ctx: &Ctx<'_>, user: &UserRef, notify: Option<bool>) -> Answer {
    let (me, target) = match write_target(ctx, user) {
        Ok(pair) => pair,
        Err(answer) => return answer,
    };
    if me == target {
        return errors::code(ErrorCode::CannotFollowSelf);
    }
    let mut world = ctx.write();
    let state = world.daily.check(DailyBucket::Follow, me, ctx.now);
    let daily =
        |answer: Answer, state: crate::limits::DailyState| answer.with_daily(state.user, state.app);
    if world.graph.blocks(target, me) {
        return daily(errors::code(ErrorCode::BlockedFromFollowing), state);
    }
    if world.graph.follows(me, target) {
        let user = render::v1_user(ctx.dir(), &world.graph, target, Some(me), true);
        return daily(Answer::ok_v1(&user), state);
    }
    let protected = ctx.dir().is_protected(target);
    if protected && world.graph.has_requested(me, target) {
        return daily(errors::code(ErrorCode::FollowAlreadyRequested), state);
    }
    if !state.has_room() {
        return daily(errors::code(ErrorCode::FollowLimitReached), state);
    }
    let state = world.daily.spend(DailyBucket::Follow, me, ctx.now);
    if protected {
        world.graph.request(me, target);
    } else {
        world.graph.follow(me, target);
        if notify == Some(true) {
            world.graph.set_notifications(me, target, true);
        }
    }
    let user = render::v1_user(ctx.dir(), &world.graph, target, Some(me), true);
    daily(Answer::ok_v1(&user), state)
}

/// `friendships/destroy`: unfollows, or withdraws a pending request.
pub(crate) fn friendships_destroy(ctx: &Ctx<'_>, user: &UserRef) -> Answer {
    let (me, target) = match write_target(ctx, user) {
        Ok(pair) => pair,
        Err(answer) => return answer,
    };
    let mut world = ctx.write();
    let mut state = world.daily.check(DailyBucket::Unfollow, me, ctx.now);
    if world.graph.follows(me, target) {
        if !state.has_room() {
            return errors::code(ErrorCode::RateLimitExceeded).with_daily(state.user, state.app);
        }
        state = world.daily.spend(DailyBucket::Unfollow, me, ctx.now);
        world.graph.unfollow(me, target);
    } else {
        world.graph.withdraw(me, target);
    }
    let user = render::v1_user(ctx.dir(), &world.graph, target, Some(me), true);
    Answer::ok_v1(&user).with_daily(state.user, state.app)
}

/// `friendships/update`: notifications (`device`) and retweets for a user.
pub(crate) fn friendships_update(
    ctx: &Ctx<'_>,
    user: &UserRef,
    device: Option<bool>,
    retweets: Option<bool>,
) -> Answer {
    let (me, target) = match write_target(ctx, user) {
        Ok(pair) => pair,
        Err(answer) => return answer,
    };
    let mut world = ctx.write();
    if let Some(on) = device {
        world.graph.set_notifications(me, target, on);
    }
    if let Some(on) = retweets {
        world.graph.set_retweets(me, target, on);
    }
    Answer::ok_v1(&render::relationship(
        ctx.dir(),
        &world.graph,
        me,
        target,
        Some(me),
    ))
}
