//! The v2 endpoints: followers and following pages with pagination tokens, user lookups by
//! id and username, the authenticated user, follow and unfollow, user search and an
//! organisation's affiliates.
//!
//! Semantics follow X: users that do not exist or are suspended come back as partial errors
//! on a 200 (`resource-not-found`, "Could not find user with ids: [..]." or "User has been
//! suspended: [..]."), beside the `data` that was found or alone; an empty page has no
//! `data`; the last page has no `next_token`; `user.fields` decides which fields a user has
//! beyond `id`, `name` and `username`; a follow of a protected account answers
//! `pending_follow: true`.

use http::StatusCode;
use twapi_core::ScreenName;
use twapi_core::endpoint::{DailyBucket, EndpointId};
use twapi_core::fields::Fields;
use twapi_model::UserId;
use twapi_model::v2::{
    FollowResult, Includes, Meta, PaginationToken, Problem, Response, UnfollowResult, User,
};

use crate::answer::Answer;
use crate::cursor::{self, ListKind, Position};
use crate::errors;
use crate::graph::Graph;
use crate::render::{self, Selection};
use crate::service::Ctx;

/// Reads the field selectors, answering X's 400 for a name X does not know.
fn selection(fields: &Fields) -> Result<Selection, Answer> {
    Selection::from_fields(fields).map_err(|unknown| {
        errors::v2_invalid(
            unknown.param,
            &unknown.value,
            format!(
                "The `{}` query parameter value [{}] is not one of [{}]",
                unknown.param, unknown.value, unknown.allowed
            ),
        )
    })
}

/// Renders users and, when asked, the tweets they expand to.
fn users_and_includes(
    ctx: &Ctx<'_>,
    graph: &Graph,
    indices: &[u32],
    selection: &Selection,
) -> (Vec<User>, Option<Includes>) {
    let users = indices
        .iter()
        .map(|&index| render::v2_user(ctx.dir(), graph, index, ctx.viewer(), selection))
        .collect();
    let includes = selection.expands_tweets().then(|| Includes {
        users: Vec::new(),
        tweets: indices
            .iter()
            .flat_map(|&index| render::v2_tweets(ctx.dir(), index, selection))
            .collect(),
    });
    (users, includes.filter(|i| !i.tweets.is_empty()))
}

/// A body of errors only (nothing found).
/// What a list of `id`'s users answers with first: the selection of fields, and the account
/// whose list it is — or X's partial error for a missing or suspended account.
fn listed(ctx: &Ctx<'_>, id: UserId, fields: &Fields) -> Result<(Selection, u32), Answer> {
    let selection = selection(fields)?;
    let value = id.to_string();
    let Some(owner) = ctx.dir().by_id(id.get()) else {
        return Err(only_errors(vec![errors::user_not_found("id", &value)]));
    };
    if ctx.dir().is_suspended(owner) {
        return Err(only_errors(vec![errors::user_suspended("id", &value)]));
    }
    Ok((selection, owner))
}

fn only_errors(errors: Vec<Problem>) -> Answer {
    let body: Response<User> = Response {
        errors,
        ..Response::default()
    };
    Answer::ok(&body)
}

/// `GET /2/users/:id/followers`, `/following`.
pub(crate) fn follows_page(
    ctx: &Ctx<'_>,
    endpoint: EndpointId,
    id: UserId,
    max_results: Option<u32>,
    token: Option<&PaginationToken>,
    fields: &Fields,
    kind: ListKind,
) -> Answer {
    let (selection, owner) = match listed(ctx, id, fields) {
        Ok(found) => found,
        Err(answer) => return answer,
    };
    let position = ctx
        .codec()
        .read_token(owner, kind, token.map(PaginationToken::as_str));
    if position == Position::Invalid {
        let token = token.map(PaginationToken::as_str);
        return errors::v2_invalid_token("pagination_token", token);
    }
    let world = ctx.read();
    let graph = &world.graph;
    if !render::may_see_tweets(ctx.dir(), graph, owner, ctx.viewer()) {
        return only_errors(vec![errors::user_not_authorized("id", &id.to_string())]);
    }
    let list = match kind {
        ListKind::Followers => graph.followers(owner),
        _ => graph.following(owner),
    };
    let size = max_results
        .or(endpoint.descriptor().page_size.map(|size| size.default))
        .unwrap_or(100);
    let page = cursor::page(list.len(), position, size);
    let indices: Vec<u32> = list[page.items.clone()].iter().rev().copied().collect();
    let (users, includes) = users_and_includes(ctx, graph, &indices, &selection);
    let codec = ctx.codec();
    let meta = Meta {
        result_count: Some(u32::try_from(users.len()).unwrap_or(u32::MAX)),
        next_token: page
            .next
            .map(|b| PaginationToken::new(codec.next_token(owner, kind, b))),
        previous_token: page
            .previous
            .map(|b| PaginationToken::new(codec.previous_token(owner, kind, b))),
    };
    let body = Response {
        data: (!users.is_empty()).then_some(users),
        includes,
        errors: Vec::new(),
        meta: Some(meta),
    };
    Answer::ok(&body)
}

/// The acting user of a follow or unfollow, which must be the path's user.
fn acting(ctx: &Ctx<'_>, source: UserId) -> Result<u32, Answer> {
    let me = ctx
        .viewer()
        .ok_or_else(|| errors::blank(StatusCode::FORBIDDEN, "Forbidden"))?;
    if ctx.dir().id(me) != source.get() {
        return Err(errors::blank(
            StatusCode::FORBIDDEN,
            "You are not permitted to perform this action on behalf of another user.",
        ));
    }
    Ok(me)
}

/// The other user of a follow or unfollow: partial errors when missing or suspended.
fn other(ctx: &Ctx<'_>, target: UserId) -> Result<u32, Answer> {
    let value = target.to_string();
    let index = ctx
        .dir()
        .by_id(target.get())
        .ok_or_else(|| only_errors(vec![errors::user_not_found("target_user_id", &value)]))?;
    if ctx.dir().is_suspended(index) {
        return Err(only_errors(vec![errors::user_suspended(
            "target_user_id",
            &value,
        )]));
    }
    Ok(index)
}

/// `POST /2/users/:id/following`.
pub(crate) fn follow(ctx: &Ctx<'_>, source: UserId, target: UserId) -> Answer {
    let (me, target) = match acting(ctx, source).and_then(|me| Ok((me, other(ctx, target)?))) {
        Ok(pair) => pair,
        Err(answer) => return answer,
    };
    if me == target {
        return errors::blank(StatusCode::FORBIDDEN, "You cannot follow yourself.");
    }
    let mut world = ctx.write();
    let state = world.daily.check(DailyBucket::Follow, me, ctx.now);
    let daily =
        |answer: Answer, state: crate::limits::DailyState| answer.with_daily(state.user, state.app);
    if world.graph.blocks(target, me) {
        return daily(
            errors::blank(
                StatusCode::FORBIDDEN,
                "You have been blocked from following this account at the request of the user.",
            ),
            state,
        );
    }
    let protected = ctx.dir().is_protected(target);
    let already =
        world.graph.follows(me, target) || (protected && world.graph.has_requested(me, target));
    let state = if already {
        state
    } else {
        if !state.has_room() {
            return daily(
                errors::rate_limited(twapi_core::endpoint::ApiVersion::V2),
                state,
            );
        }
        let state = world.daily.spend(DailyBucket::Follow, me, ctx.now);
        if protected {
            world.graph.request(me, target);
        } else {
            world.graph.follow(me, target);
        }
        state
    };
    let following = world.graph.follows(me, target);
    let result = FollowResult {
        following,
        pending_follow: Some(!following && world.graph.has_requested(me, target)),
    };
    daily(Answer::ok(&Response::<FollowResult>::new(result)), state)
}

/// `DELETE /2/users/:source_user_id/following/:target_user_id`.
pub(crate) fn unfollow(ctx: &Ctx<'_>, source: UserId, target: UserId) -> Answer {
    let (me, target) = match acting(ctx, source).and_then(|me| Ok((me, other(ctx, target)?))) {
        Ok(pair) => pair,
        Err(answer) => return answer,
    };
    let mut world = ctx.write();
    let mut state = world.daily.check(DailyBucket::Unfollow, me, ctx.now);
    if world.graph.follows(me, target) {
        if !state.has_room() {
            return errors::rate_limited(twapi_core::endpoint::ApiVersion::V2)
                .with_daily(state.user, state.app);
        }
        state = world.daily.spend(DailyBucket::Unfollow, me, ctx.now);
        world.graph.unfollow(me, target);
    } else {
        world.graph.withdraw(me, target);
    }
    let body = Response::<UnfollowResult>::new(UnfollowResult { following: false });
    Answer::ok(&body).with_daily(state.user, state.app)
}

/// One looked-up user: found, or the partial error saying why not.
fn lookup_one(
    ctx: &Ctx<'_>,
    index: Option<u32>,
    parameter: &str,
    value: &str,
) -> Result<u32, Box<Problem>> {
    match index {
        None => Err(Box::new(errors::user_not_found(parameter, value))),
        Some(index) if ctx.dir().is_suspended(index) => {
            Err(Box::new(errors::user_suspended(parameter, value)))
        }
        Some(index) => Ok(index),
    }
}

/// A list lookup: `data` with what was found, `errors` with the rest.
fn lookup_many(
    ctx: &Ctx<'_>,
    wanted: Vec<(Option<u32>, String)>,
    parameter: &str,
    fields: &Fields,
) -> Answer {
    let selection = match selection(fields) {
        Ok(selection) => selection,
        Err(answer) => return answer,
    };
    let mut found = Vec::new();
    let mut problems = Vec::new();
    for (index, value) in wanted {
        match lookup_one(ctx, index, parameter, &value) {
            Ok(index) => found.push(index),
            Err(problem) => problems.push(*problem),
        }
    }
    let world = ctx.read();
    let (users, includes) = users_and_includes(ctx, &world.graph, &found, &selection);
    let body: Response<Vec<User>> = Response {
        data: (!users.is_empty()).then_some(users),
        includes,
        errors: problems,
        meta: None,
    };
    Answer::ok(&body)
}

/// A single lookup: `data`, or `errors` alone.
fn lookup_single(
    ctx: &Ctx<'_>,
    index: Option<u32>,
    parameter: &str,
    value: &str,
    fields: &Fields,
) -> Answer {
    let selection = match selection(fields) {
        Ok(selection) => selection,
        Err(answer) => return answer,
    };
    let index = match lookup_one(ctx, index, parameter, value) {
        Ok(index) => index,
        Err(problem) => return only_errors(vec![*problem]),
    };
    let world = ctx.read();
    let (mut users, includes) = users_and_includes(ctx, &world.graph, &[index], &selection);
    let body: Response<User> = Response {
        data: users.pop(),
        includes,
        errors: Vec::new(),
        meta: None,
    };
    Answer::ok(&body)
}

/// `GET /2/users?ids=`.
pub(crate) fn users_by_ids(ctx: &Ctx<'_>, ids: &[UserId], fields: &Fields) -> Answer {
    let wanted = ids
        .iter()
        .map(|id| (ctx.dir().by_id(id.get()), id.to_string()))
        .collect();
    lookup_many(ctx, wanted, "ids", fields)
}

/// `GET /2/users/:id`.
pub(crate) fn user_by_id(ctx: &Ctx<'_>, id: UserId, fields: &Fields) -> Answer {
    lookup_single(
        ctx,
        ctx.dir().by_id(id.get()),
        "id",
        &id.to_string(),
        fields,
    )
}

/// `GET /2/users/by?usernames=`.
pub(crate) fn users_by_usernames(ctx: &Ctx<'_>, names: &[ScreenName], fields: &Fields) -> Answer {
    let wanted = names
        .iter()
        .map(|name| {
            (
                ctx.dir().by_screen_name(name.as_str()),
                name.as_str().to_owned(),
            )
        })
        .collect();
    lookup_many(ctx, wanted, "usernames", fields)
}

/// `GET /2/users/by/username/:username`.
pub(crate) fn user_by_username(ctx: &Ctx<'_>, name: &ScreenName, fields: &Fields) -> Answer {
    lookup_single(
        ctx,
        ctx.dir().by_screen_name(name.as_str()),
        "username",
        name.as_str(),
        fields,
    )
}

/// `GET /2/users/me`.
pub(crate) fn me(ctx: &Ctx<'_>, fields: &Fields) -> Answer {
    let Some(me) = ctx.viewer() else {
        return errors::blank(StatusCode::FORBIDDEN, "Forbidden");
    };
    let value = ctx.dir().id(me).to_string();
    lookup_single(ctx, Some(me), "id", &value, fields)
}

/// How well a user matches a search: the lower, the earlier in the answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Match {
    /// The username is the query.
    ExactUsername,
    /// The username starts with the query's first word.
    UsernamePrefix,
    /// Every word is in the name or the username.
    Other,
}

/// How `index` matches the query's lower-case `words` (all of them, each in the name or the
/// username, case-insensitive), if it does.
fn search_match(ctx: &Ctx<'_>, index: u32, words: &[String]) -> Option<Match> {
    let username = ctx.dir().screen_name(index).to_lowercase();
    let name = crate::profile::name_of(ctx.dir(), index).to_lowercase();
    if !words
        .iter()
        .all(|word| username.contains(word.as_str()) || name.contains(word.as_str()))
    {
        return None;
    }
    Some(if words.len() == 1 && username == words[0] {
        Match::ExactUsername
    } else if username.starts_with(words[0].as_str()) {
        Match::UsernamePrefix
    } else {
        Match::Other
    })
}

/// A 32-bit tag of a normalized query, so that a token of one query is refused by another.
fn query_owner(words: &[String]) -> u32 {
    let mut h: u32 = 0x811C_9DC5;
    for byte in words.join(" ").bytes() {
        h = (h ^ u32::from(byte)).wrapping_mul(0x0100_0193);
    }
    h
}

/// `GET /2/users/search`: the users whose name or username holds every word of the query
/// (case-insensitive), suspended accounts left out, ranked: the exact username first, then
/// usernames that start with the first word, then the rest; ties by follower count (most
/// first), then by id. Pages are cut from that ranking with tokens tied to the query; `meta`
/// has no `result_count`, as X's spec has none.
pub(crate) fn users_search(
    ctx: &Ctx<'_>,
    query: &str,
    max_results: Option<u32>,
    token: Option<&PaginationToken>,
    fields: &Fields,
) -> Answer {
    let selection = match selection(fields) {
        Ok(selection) => selection,
        Err(answer) => return answer,
    };
    let words: Vec<String> = query
        .split(' ')
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    let owner = query_owner(&words);
    let raw_token = token.map(PaginationToken::as_str);
    let position = ctx.codec().read_token(owner, ListKind::Search, raw_token);
    if position == Position::Invalid {
        return errors::v2_invalid_token("next_token", raw_token);
    }
    let world = ctx.read();
    let graph = &world.graph;
    let dir = ctx.dir();
    let mut ranked: Vec<(Match, std::cmp::Reverse<usize>, u64, u32)> = Vec::new();
    if !words.is_empty() {
        for index in 0..dir.len() {
            if dir.is_suspended(index) {
                continue;
            }
            if let Some(how) = search_match(ctx, index, &words) {
                let followers = std::cmp::Reverse(graph.followers(index).len());
                ranked.push((how, followers, dir.id(index), index));
            }
        }
    }
    ranked.sort_unstable();
    let size = max_results
        .or(EndpointId::V2UsersSearch
            .descriptor()
            .page_size
            .map(|size| size.default))
        .unwrap_or(100) as usize;
    let len = ranked.len();
    let (start, end) = match position {
        Position::Below(offset) => {
            let start = (offset as usize).min(len);
            (start, (start + size).min(len))
        }
        Position::Above(offset) => {
            let end = (offset as usize).min(len);
            (end.saturating_sub(size), end)
        }
        _ => (0, size.min(len)),
    };
    let indices: Vec<u32> = ranked[start..end].iter().map(|entry| entry.3).collect();
    let (users, includes) = users_and_includes(ctx, graph, &indices, &selection);
    let codec = ctx.codec();
    let boundary = |offset: usize| u32::try_from(offset).unwrap_or(u32::MAX);
    let meta = Meta {
        result_count: None,
        next_token: (end < len).then(|| {
            PaginationToken::new(codec.next_token(owner, ListKind::Search, boundary(end)))
        }),
        previous_token: (start > 0).then(|| {
            PaginationToken::new(codec.previous_token(owner, ListKind::Search, boundary(start)))
        }),
    };
    let body = Response {
        data: (!users.is_empty()).then_some(users),
        includes,
        errors: Vec::new(),
        meta: Some(meta),
    };
    Answer::ok(&body)
}

/// `GET /2/users/:id/affiliates`: an organisation's affiliates, newest account first, with
/// numeric page tokens; an account that is not an organisation has an empty page
/// (`{"meta":{"result_count":0}}`), a missing or suspended one a partial error, as for
/// followers.
pub(crate) fn affiliates(
    ctx: &Ctx<'_>,
    id: UserId,
    max_results: Option<u32>,
    token: Option<&PaginationToken>,
    fields: &Fields,
) -> Answer {
    let (selection, owner) = match listed(ctx, id, fields) {
        Ok(found) => found,
        Err(answer) => return answer,
    };
    let raw_token = token.map(PaginationToken::as_str);
    let codec = ctx.codec();
    let position = codec.read_numeric_token(owner, ListKind::Affiliates, raw_token);
    if position == Position::Invalid {
        return errors::v2_invalid_token("pagination_token", raw_token);
    }
    let list = ctx.orgs().affiliates(owner);
    let size = max_results
        .or(EndpointId::V2Affiliates
            .descriptor()
            .page_size
            .map(|size| size.default))
        .unwrap_or(100);
    let page = cursor::page(list.len(), position, size);
    let indices: Vec<u32> = list[page.items.clone()].iter().rev().copied().collect();
    let world = ctx.read();
    let (users, includes) = users_and_includes(ctx, &world.graph, &indices, &selection);
    let meta = Meta {
        result_count: Some(u32::try_from(users.len()).unwrap_or(u32::MAX)),
        next_token: page.next.map(|b| {
            PaginationToken::new(codec.numeric_token(owner, ListKind::Affiliates, b, true))
        }),
        previous_token: page.previous.map(|b| {
            PaginationToken::new(codec.numeric_token(owner, ListKind::Affiliates, b, false))
        }),
    };
    let body = Response {
        data: (!users.is_empty()).then_some(users),
        includes,
        errors: Vec::new(),
        meta: Some(meta),
    };
    Answer::ok(&body)
}
