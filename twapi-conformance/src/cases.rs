//! The cases, each a function generic over the [`Driver`]; [`suite!`](crate::suite) makes a
//! `#[test]` of each. Every case asserts exact outcomes against the emulator's ground truth or
//! what a loopback server saw on the wire.
#![allow(
    clippy::missing_panics_doc,
    reason = "a case fails by panicking, as the test it runs in does"
)]

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant, SystemTime};

use twapi_core::fields::Fields;
use twapi_core::pager::{Pager, PagerState, Position};
use twapi_core::request::v1::{
    FollowersIds, FollowersList, FriendsIds, FriendsList, FriendshipsCreate, FriendshipsDestroy,
    FriendshipsIncoming, FriendshipsLookup, FriendshipsNoRetweetsIds, FriendshipsOutgoing,
    FriendshipsShow, FriendshipsUpdate, Users, UsersLookup, UsersSearch, UsersShow,
};
use twapi_core::request::v2::{
    Affiliates, Followers, Following, Me, UserById, UserByUsername, UsersByIds, UsersByUsernames,
    UsersSearch as V2UsersSearch,
};
use twapi_core::retry::RetryPolicy;
use twapi_core::session::{CallError, LimiterHandle, SessionBuilder};
use twapi_core::{ApiRequest, EndpointId, FollowOutcome, Reply, UserRef};
use twapi_emulator::{Config, Faults};
use twapi_model::UserId;

use crate::net::{Loopback, answer};
use crate::world::{World, id, ids, limiter, name, scaled, world};
use crate::{Driver, Transport};

/// Records which endpoints a case went through.
#[derive(Default)]
struct Seen(BTreeSet<&'static str>);

impl Seen {
    fn send<D: Driver, R>(&mut self, client: &D::Client, request: &R) -> Reply<R::Output>
    where
        R: ApiRequest + Clone + Send + Sync + 'static,
        R::Output: Send,
    {
        self.0.insert(R::ENDPOINT.name());
        D::send(client, request).unwrap_or_else(|e| panic!("{}: {}: {e}", D::NAME, R::ENDPOINT))
    }
}

/// The endpoints of 2026 in every auth mode the spec allows, and refused in the others before
/// anything is sent, as X refuses them: `/2/users/search` for OAuth 1.0a and OAuth 2.0 users,
/// not for an app-only bearer; `/2/users/:id/affiliates` for all three.
pub fn the_2026_endpoints_answer_in_every_mode_the_spec_allows<D: Driver>() {
    let w = world(Config {
        users: 3_000,
        ..Config::default()
    });
    let facts = w.emulator.facts();
    let base = w.emulator.base_url();
    let organisation = facts.user("organisation").expect("an organisation");
    let affiliates_truth = w.emulator.affiliate_ids(id(organisation).get());
    assert!(
        !affiliates_truth.is_empty(),
        "an organisation with affiliates"
    );
    let token = w.emulator.oauth2_user_token(&w.me).expect("a token for me");
    let oauth1 = D::build(w.session(), Transport::default());
    let oauth2 = D::build(
        SessionBuilder::oauth2_user(token).base_url(base),
        Transport::default(),
    );
    let bearer = D::build(
        SessionBuilder::app_only(facts.bearer_token.clone()).base_url(base),
        Transport::default(),
    );
    let search = V2UsersSearch::new(w.most_followed.screen_name.clone());
    let affiliates = Affiliates::of(id(organisation));
    for (mode, client) in [("OAuth 1.0a", &oauth1), ("OAuth 2.0 user", &oauth2)] {
        let found = D::send(client, &search).unwrap_or_else(|e| panic!("search, {mode}: {e}"));
        assert_eq!(
            found.value.items().first().map(|u| u.id),
            Some(id(&w.most_followed)),
            "search, {mode}: the exact username first"
        );
    }
    for (mode, client) in [
        ("OAuth 1.0a", &oauth1),
        ("OAuth 2.0 user", &oauth2),
        ("app-only", &bearer),
    ] {
        let page = D::send(client, &affiliates)
            .unwrap_or_else(|e| panic!("affiliates, {mode}: {e}"))
            .value;
        let page = ids(page.items().iter().map(|u| u.id));
        assert_eq!(page, affiliates_truth[..page.len()], "affiliates, {mode}");
    }
    let refused = D::send(&bearer, &search).expect_err("search is for users only");
    assert!(
        matches!(refused, CallError::Core(twapi_core::Error::Invalid(_))),
        "app-only search is refused before sending: {refused:?}"
    );
}

/// Every endpoint of the table answers through the driver, each checked against the ground
/// truth where the emulator has one; follows through the driver's `follow` and `unfollow`.
pub fn every_endpoint_answers<D: Driver>() {
    let w = world(Config {
        users: 3_000,
        ..Config::default()
    });
    let client = D::build(w.session(), Transport::default());
    let c = &client;
    let mut seen = Seen::default();
    let (me, most, protected) = (id(&w.me), id(&w.most_followed), id(&w.protected));
    let followers_of_most = w.followers(&w.most_followed);
    let following_of_me = w.emulator.following_ids(me.get());
    assert!(followers_of_most.len() > 100, "a crawlable account");

    // Reads about users.
    let shown = seen.send::<D, _>(c, &UsersShow::of(name(&w.most_followed)));
    assert_eq!(shown.value.id, most);
    assert_eq!(
        shown.value.followers_count,
        Some(followers_of_most.len() as u64)
    );
    let looked_up = seen.send::<D, _>(
        c,
        &UsersLookup {
            users: Users::Ids(vec![most, protected]),
            include_entities: None,
        },
    );
    let found: BTreeSet<u64> = looked_up.value.iter().map(|u| u.id.get()).collect();
    assert_eq!(found, BTreeSet::from([most.get(), protected.get()]));
    let searched = seen.send::<D, _>(c, &UsersSearch::new(w.most_followed.screen_name.clone()));
    assert!(searched.value.iter().any(|u| u.id == most));

    // Lists, first pages against the ground truth.
    let first_ids = seen.send::<D, _>(c, &FollowersIds::of(UserRef::Id(most)));
    let n = first_ids.value.ids.len();
    assert_eq!(ids(first_ids.value.ids), followers_of_most[..n]);
    let first_users = seen.send::<D, _>(c, &FollowersList::of(UserRef::Id(most)));
    let n = first_users.value.users.len();
    assert_eq!(
        ids(first_users.value.users.iter().map(|u| u.id)),
        followers_of_most[..n]
    );
    let friends = seen.send::<D, _>(c, &FriendsIds::of(UserRef::Id(me)));
    let n = friends.value.ids.len();
    assert_eq!(ids(friends.value.ids), following_of_me[..n]);
    let friends_list = seen.send::<D, _>(c, &FriendsList::of(UserRef::Id(me)));
    let n = friends_list.value.users.len();
    assert_eq!(
        ids(friends_list.value.users.iter().map(|u| u.id)),
        following_of_me[..n]
    );
    let v2_followers = seen.send::<D, _>(c, &Followers::of(most));
    let page = v2_followers.value.items();
    assert_eq!(
        ids(page.iter().map(|u| u.id)),
        followers_of_most[..page.len()]
    );
    let v2_following = seen.send::<D, _>(c, &Following::of(me));
    let page = v2_following.value.items();
    assert_eq!(
        ids(page.iter().map(|u| u.id)),
        following_of_me[..page.len()]
    );
    seen.send::<D, _>(c, &FriendshipsIncoming::default());
    seen.send::<D, _>(c, &FriendshipsNoRetweetsIds::default());

    // v2 lookups.
    let by_ids = seen.send::<D, _>(
        c,
        &UsersByIds {
            ids: vec![most, me],
            fields: Fields::default(),
        },
    );
    assert_eq!(
        ids(by_ids.value.items().iter().map(|u| u.id)),
        [most.get(), me.get()]
    );
    let by_id = seen.send::<D, _>(
        c,
        &UserById {
            id: protected,
            fields: Fields::default(),
        },
    );
    assert_eq!(by_id.value.data.map(|u| u.id), Some(protected));
    let by_names = seen.send::<D, _>(
        c,
        &UsersByUsernames {
            usernames: vec![name(&w.most_followed), name(&w.protected)],
            fields: Fields::default(),
        },
    );
    assert_eq!(
        ids(by_names.value.items().iter().map(|u| u.id)),
        [most.get(), protected.get()]
    );
    let by_name = seen.send::<D, _>(
        c,
        &UserByUsername {
            username: name(&w.me),
            fields: Fields::default(),
        },
    );
    assert_eq!(by_name.value.data.map(|u| u.id), Some(me));
    let me_reply = seen.send::<D, _>(c, &Me::default());
    assert_eq!(me_reply.value.data.map(|u| u.id), Some(me));

    // v2 search: the exact username first; affiliates of an organisation, in its order.
    let v2_searched =
        seen.send::<D, _>(c, &V2UsersSearch::new(w.most_followed.screen_name.clone()));
    assert_eq!(v2_searched.value.items().first().map(|u| u.id), Some(most));
    let organisation = w
        .emulator
        .facts()
        .user("organisation")
        .expect("an organisation among the demo users");
    let affiliates_truth = w.emulator.affiliate_ids(id(organisation).get());
    assert!(
        !affiliates_truth.is_empty(),
        "an organisation with affiliates"
    );
    let affiliates = seen.send::<D, _>(c, &Affiliates::of(id(organisation)));
    let page = affiliates.value.items();
    assert_eq!(
        ids(page.iter().map(|u| u.id)),
        affiliates_truth[..page.len()]
    );

    // Follow a protected account: a pending request, listed as outgoing.
    seen.0.insert(EndpointId::V2Follow.name());
    let followed = D::follow(c, protected).expect("a follow");
    assert_eq!(
        (followed.following, followed.pending_follow),
        (false, Some(true))
    );
    let outgoing = seen.send::<D, _>(c, &FriendshipsOutgoing::default());
    assert!(outgoing.value.ids.contains(&protected));
    let lookup = seen.send::<D, _>(
        c,
        &FriendshipsLookup {
            users: Users::Ids(vec![protected]),
        },
    );
    assert_eq!(
        lookup.value.first().map(|f| f.connections.clone()),
        Some(vec![twapi_model::v1::Connection::FollowingRequested])
    );
    seen.0.insert(EndpointId::V2Unfollow.name());
    let withdrawn = D::unfollow(c, protected).expect("an unfollow");
    assert!(!withdrawn.following);

    // v1.1 follow, update, show, unfollow of a public account nobody follows yet.
    let candidates = seen.send::<D, _>(
        c,
        &UsersLookup {
            users: Users::Ids(
                followers_of_most
                    .iter()
                    .take(100)
                    .map(|f| UserId::new(*f))
                    .collect(),
            ),
            include_entities: None,
        },
    );
    let target = candidates
        .value
        .iter()
        .find(|u| {
            u.protected == Some(false) && u.id != me && !following_of_me.contains(&u.id.get())
        })
        .map(|u| u.id)
        .expect("a public follower of the most followed account that I do not follow");
    let created = seen.send::<D, _>(c, &FriendshipsCreate::user(target));
    assert!(matches!(created.value, FollowOutcome::Followed(user) if user.id == target));
    assert!(w.emulator.following_ids(me.get()).contains(&target.get()));
    let relationship = seen.send::<D, _>(
        c,
        &FriendshipsShow {
            source: None,
            target: UserRef::Id(target),
        },
    );
    assert_eq!(relationship.value.relationship.source.following, Some(true));
    let updated = seen.send::<D, _>(
        c,
        &FriendshipsUpdate {
            user: UserRef::Id(target),
            device: None,
            retweets: Some(false),
        },
    );
    assert_eq!(updated.value.relationship.target.id, target);
    let no_retweets = seen.send::<D, _>(c, &FriendshipsNoRetweetsIds::default());
    assert!(no_retweets.value.ids.contains(&target));
    let destroyed = seen.send::<D, _>(
        c,
        &FriendshipsDestroy {
            user: UserRef::Id(target),
        },
    );
    assert_eq!(destroyed.value.id, target);
    assert!(!w.emulator.following_ids(me.get()).contains(&target.get()));

    let all: BTreeSet<&str> = EndpointId::ALL.iter().map(|e| e.name()).collect();
    assert_eq!(
        seen.0, all,
        "every endpoint of the table went through the client"
    );
}

/// Seeds the faults, the retry jitter and the kill point: the same seed, the same run.
const SEED: u64 = 0x7A91_5EED;
/// The crawls' rate-limit window, scaled down from X's 15 minutes.
const CRAWL_WINDOW: Duration = Duration::from_secs(1);
/// How long a slow answer keeps the client waiting.
const SLOW: Duration = Duration::from_millis(600);
/// An attempt's deadline: far above a page's time on loopback, below a slow answer's delay,
/// so every slow answer times out and is retried.
const REQUEST_TIMEOUT: Duration = Duration::from_millis(300);

/// A world of `users` accounts under 10% faults of every kind, in 1-second windows.
fn faulty_world(users: u32) -> World {
    world(Config {
        users,
        window: CRAWL_WINDOW,
        faults: Faults {
            slow_delay: SLOW,
            ..Faults::uniform(0.10, SEED)
        },
        ..Config::default()
    })
}

/// A crawling client through `base_url`: short deadlines, quick retries, the limiter in the
/// emulator's window, waiting on rate limits.
fn crawler<D: Driver>(w: &World, base_url: &str) -> D::Client {
    let session = w
        .session_at(base_url)
        .limiter_config(limiter(CRAWL_WINDOW))
        .wait_on_rate_limit(true)
        .retry_policy(RetryPolicy::new(
            10,
            Duration::from_millis(5),
            Duration::from_millis(50),
        ))
        .jitter_seed(SEED);
    D::build(
        session,
        Transport {
            request_timeout: Some(REQUEST_TIMEOUT),
            ..Transport::default()
        },
    )
}

/// The walk delivered every follower once, in the server's order.
fn assert_exactly_the_followers(walked: &[u64], truth: &[u64]) {
    let unique: BTreeSet<u64> = walked.iter().copied().collect();
    assert_eq!(
        unique.len(),
        walked.len(),
        "{} ids were delivered twice",
        walked.len() - unique.len()
    );
    let expected: BTreeSet<u64> = truth.iter().copied().collect();
    let missing = expected.difference(&unique).count();
    let strangers = unique.difference(&expected).count();
    assert_eq!(
        (missing, strangers),
        (0, 0),
        "followers missing, ids that are no followers"
    );
    assert!(walked == truth, "the ids come in the server's order");
}

/// A crawl of an account with more than 100,000 followers, under 10% injected faults (503,
/// 500, slow answers past the deadline, connections closed mid-body, truncated bodies), ends
/// with exactly the follower set; each page's cursor was asked for until it was answered, and
/// never again once it was.
pub fn a_crawl_of_100k_followers_under_faults_is_exact<D: Driver>() {
    const PAGE: u32 = 5_000;
    let started = Instant::now();
    let w = faulty_world(350_000);
    let truth = w.followers(&w.most_followed);
    assert!(truth.len() > 100_000, "{} followers", truth.len());
    let relay = w.relay();
    let ready = started.elapsed();
    let client = crawler::<D>(&w, &relay.base_url);
    let request = FollowersIds {
        count: Some(PAGE),
        ..FollowersIds::of(UserRef::Id(id(&w.most_followed)))
    };
    let mut walked = Vec::with_capacity(truth.len());
    let mut delivered = 0_usize;
    for page in D::pages(&client, Pager::new(request)) {
        let page = page.unwrap_or_else(|e| panic!("{}: the crawl gave up: {e}", D::NAME));
        walked.extend(ids(page.items));
        delivered += 1;
    }
    assert_exactly_the_followers(&walked, &truth);
    assert_eq!(delivered, truth.len().div_ceil(PAGE as usize));

    let cursors = relay.cursors();
    let distinct: BTreeSet<&String> = cursors.iter().collect();
    assert_eq!(
        distinct.len(),
        delivered,
        "one cursor per page: {cursors:?}"
    );
    // A cursor is asked for again only while its page has not been answered: the requests
    // for one cursor are consecutive.
    let runs = cursors.chunk_by(|a, b| a == b).count();
    assert_eq!(
        runs, delivered,
        "a delivered page was fetched again: {cursors:?}"
    );
    assert!(
        cursors.len() > delivered,
        "faults were injected and ridden out: {} requests for {delivered} pages",
        cursors.len()
    );
    println!(
        "{}: {} followers in {delivered} pages, {} requests, statuses {:?}; emulator ready in \
         {ready:.1?}, crawled in {:.1?}",
        D::NAME,
        truth.len(),
        cursors.len(),
        tally(&relay.statuses()),
        started.elapsed().saturating_sub(ready),
    );
}

fn tally(statuses: &[u16]) -> BTreeMap<u16, usize> {
    let mut counts = BTreeMap::new();
    for status in statuses {
        *counts.entry(*status).or_insert(0) += 1;
    }
    counts
}

/// A SplitMix64 step: the seeded "random" kill point.
fn splitmix(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The cursor a state will fetch next.
fn next_cursor(state: &PagerState) -> Option<String> {
    match &state.next {
        Some(Position::Cursor(cursor)) => Some(cursor.to_string()),
        _ => None,
    }
}

/// A crawl under faults stopped after a seeded number of pages (its pages and its client
/// dropped) and resumed by a new client from the last delivered page's state, through JSON,
/// ends with exactly the followers, and the resumed run asks for no page the first delivered.
pub fn a_crawl_killed_midway_resumes_without_fetching_a_delivered_page<D: Driver>() {
    const PAGES: usize = 12;
    let w = faulty_world(40_000);
    let truth = w.followers(&w.most_followed);
    let relay = w.relay();
    let request = w.followers_in(&w.most_followed, PAGES);
    let total_pages = truth
        .len()
        .div_ceil(request.count.expect("a count") as usize);
    let mut dice = SEED;
    let kill_after =
        1 + usize::try_from(splitmix(&mut dice) % (total_pages as u64 - 1)).expect("small");

    // The first run: the cursor of every page it delivered, and the state it saved.
    let mut delivered = Vec::new();
    let mut delivered_cursors = BTreeSet::new();
    let saved = {
        let client = crawler::<D>(&w, &relay.base_url);
        let mut pages = D::pages(&client, Pager::new(request.clone()));
        let mut last = PagerState::default();
        for _ in 0..kill_after {
            let page = pages
                .next()
                .expect("more pages")
                .unwrap_or_else(|e| panic!("{}: the crawl gave up: {e}", D::NAME));
            delivered.extend(ids(page.items));
            delivered_cursors.insert(next_cursor(&last).unwrap_or_else(|| "-1".to_owned()));
            last = page.state;
        }
        // Killed: the walk and its client go.
        drop(pages);
        drop(client);
        serde_json::to_string(&last).expect("the state serializes")
    };
    let first_run = relay.cursors().len();
    assert_eq!(delivered_cursors.len(), kill_after);
    assert_eq!(delivered, truth[..delivered.len()], "the first run's pages");

    // The second run, from the saved JSON.
    let state: PagerState = serde_json::from_str(&saved).expect("the state deserializes");
    let resume_at = next_cursor(&state).expect("the walk was killed before its end");
    let client = crawler::<D>(&w, &relay.base_url);
    let mut resumed_pages = 0_usize;
    for page in D::pages(&client, Pager::resume(request, state)) {
        let page = page.unwrap_or_else(|e| panic!("{}: the resumed crawl gave up: {e}", D::NAME));
        delivered.extend(ids(page.items));
        resumed_pages += 1;
    }
    assert_exactly_the_followers(&delivered, &truth);

    let cursors = relay.cursors();
    let second_run = &cursors[first_run..];
    assert_eq!(
        second_run.first(),
        Some(&resume_at),
        "the resumed walk starts where the saved state points"
    );
    let fetched_again: Vec<&String> = second_run
        .iter()
        .filter(|cursor| delivered_cursors.contains(*cursor))
        .collect();
    assert!(
        fetched_again.is_empty(),
        "pages delivered before the kill were fetched again: {fetched_again:?}"
    );
    let distinct: BTreeSet<&String> = cursors.iter().collect();
    assert_eq!(distinct.len(), kill_after + resumed_pages);
    assert_eq!(kill_after + resumed_pages, total_pages);
}

/// The windows of the rate-limit cases, scaled down from X's 15 minutes.
const WINDOW: Duration = Duration::from_secs(2);

/// With `wait_on_rate_limit`, 20 requests of an endpoint allowed 15 a window all succeed: the
/// limiter sleeps through the rest of the first window, and X never answers 429.
pub fn waiting_through_windows<D: Driver>() {
    let w = world(scaled(1_000, WINDOW));
    let relay = w.relay();
    let session = w
        .session_at(&relay.base_url)
        .limiter_config(limiter(WINDOW))
        .wait_on_rate_limit(true);
    let client = D::build(session, Transport::default());
    let request = FollowersIds {
        count: Some(1),
        ..FollowersIds::of(UserRef::Id(id(&w.most_followed)))
    };
    let truth = w.followers(&w.most_followed);
    let started = Instant::now();
    let mut first_reset = None;
    for n in 0..20 {
        let reply = D::send(&client, &request)
            .unwrap_or_else(|e| panic!("{}: request {n} failed instead of waiting: {e}", D::NAME));
        first_reset.get_or_insert(reply.rate_limit().window.expect("a window").reset);
        assert_eq!(ids(reply.value.ids), truth[..1]);
    }
    let elapsed = started.elapsed();
    assert_eq!(
        relay.statuses(),
        vec![200; 20],
        "every answer on the wire was a 200: the limiter waited instead of meeting a 429"
    );
    // The 16th request waited for the first window's announced reset (the emulator counts a
    // window from the whole second it opens in, so it may close before a period has passed).
    let first_reset = first_reset.expect("twenty replies");
    assert!(
        SystemTime::now() >= first_reset,
        "20 requests of 15 a window ended before the first window's reset {first_reset:?}"
    );
    assert!(elapsed < 2 * WINDOW, "one wait is enough: {elapsed:?}");
    assert_eq!(
        relay.statuses(),
        [200; 20],
        "one answer per request, each a 200"
    );
}

/// Without waiting, a walk the limiter stops ends with `CallError::Interrupted`: the state
/// after the last delivered page, and a time in the future; resumed after that time, the walk
/// ends with every item.
pub fn without_waiting_a_walk_stops_with_the_time_and_the_state<D: Driver>() {
    let w = world(scaled(3_000, WINDOW));
    let session = w.session().limiter_config(limiter(WINDOW));
    let client = D::build(session, Transport::default());
    let truth = w.followers(&w.most_followed);
    // 20 pages against a budget of 15 a window.
    let request = w.followers_in(&w.most_followed, 20);
    let mut pages = D::pages(&client, Pager::new(request.clone()));
    let mut delivered = Vec::new();
    let mut last = PagerState::default();
    let mut delivered_pages = 0;
    let stop = loop {
        match pages.next().expect("the walk ends on an error") {
            Ok(page) => {
                delivered.extend(ids(page.items));
                last = page.state;
                delivered_pages += 1;
            }
            Err(error) => break error,
        }
    };
    let now = SystemTime::now();
    assert!(pages.next().is_none(), "the walk ends after its error");
    assert_eq!(delivered_pages, 15, "the window's budget, then the stop");
    assert!(
        matches!(&stop, CallError::Interrupted(i) if matches!(i.error, CallError::Throttled(_))),
        "{stop:?}"
    );
    assert_eq!(
        stop.resume_state(),
        Some(&last),
        "the state after the last page"
    );
    let until = stop.rate_limited_until().expect("a time to come back");
    assert!(until > now, "{until:?} is not after {now:?}");
    // The server announces its reset in whole seconds, rounded up; the limiter heeds it.
    assert!(
        until <= now + WINDOW + Duration::from_secs(1),
        "{until:?} is more than a window away from {now:?}"
    );

    // Come back then, from the state through JSON, and finish.
    let saved = serde_json::to_string(stop.resume_state().expect("a state")).expect("json");
    if let Ok(wait) = until.duration_since(SystemTime::now()) {
        std::thread::sleep(wait);
    }
    let state: PagerState = serde_json::from_str(&saved).expect("json");
    for page in D::pages(&client, Pager::resume(request, state)) {
        let page = page.unwrap_or_else(|e| panic!("{}: a second window suffices: {e}", D::NAME));
        delivered.extend(ids(page.items));
    }
    assert_eq!(delivered, truth);
}

/// Eight threads, each with a client of its own on one shared `LimiterHandle`, with waiting
/// on and no retries, send 32 requests against 15 a window: every answer on the wire is a 200,
/// and each server window counts no more than 15.
pub fn eight_users_sharing_a_limiter_never_meet_a_429<D: Driver>() {
    const USERS: usize = 8;
    const EACH: usize = 4;
    let w = world(scaled(2_000, WINDOW));
    let relay = w.relay();
    let shared = LimiterHandle::default();
    let session = w
        .session_at(&relay.base_url)
        .limiter(shared.clone())
        .limiter_config(limiter(WINDOW))
        .wait_on_rate_limit(true)
        .retry_policy(RetryPolicy::new(1, Duration::ZERO, Duration::ZERO));
    let request = FollowersIds {
        count: Some(20),
        ..FollowersIds::of(UserRef::Id(id(&w.most_followed)))
    };
    let started = Instant::now();
    let replies: Vec<(u16, SystemTime, u32)> = std::thread::scope(|scope| {
        let users: Vec<_> = (0..USERS)
            .map(|user| {
                let (session, request) = (session.clone(), request.clone());
                scope.spawn(move || {
                    let client = D::build(session, Transport::default());
                    (0..EACH)
                        .map(|_| {
                            let reply = D::send(&client, &request)
                                .unwrap_or_else(|e| panic!("{}: user {user}: {e}", D::NAME));
                            let window = reply.rate_limit().window.expect("a window");
                            (reply.status().as_u16(), window.reset, window.remaining)
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        users
            .into_iter()
            .flat_map(|user| user.join().expect("the user's thread ends"))
            .collect()
    });
    let elapsed = started.elapsed();
    assert_eq!(replies.len(), USERS * EACH);
    assert!(
        replies.iter().all(|(status, ..)| *status == 200),
        "{replies:?}"
    );
    assert_eq!(
        relay.statuses(),
        vec![200; USERS * EACH],
        "every answer on the wire was a 200: no 429, no retry"
    );
    // Per server window: each request counted once, never more than 15.
    let mut windows: BTreeMap<SystemTime, Vec<u32>> = BTreeMap::new();
    for (_, reset, remaining) in &replies {
        windows.entry(*reset).or_default().push(*remaining);
    }
    for (reset, remaining) in &windows {
        let distinct: BTreeSet<u32> = remaining.iter().copied().collect();
        assert_eq!(distinct.len(), remaining.len(), "{reset:?}: {remaining:?}");
        assert!(remaining.len() <= 15, "{reset:?}: {remaining:?}");
    }
    // Three windows: the first may close before a whole period (the emulator counts a window
    // from the whole second it opens in), the second, opened at a whole second, lasts one.
    assert!(
        elapsed >= WINDOW,
        "{} requests of 15 a window in {elapsed:?}",
        USERS * EACH
    );
    assert!(
        windows.len() >= 3,
        "{} windows for 32 requests of 15",
        windows.len()
    );
}

/// The limiter window of the 429 case.
const SHORT_WINDOW: Duration = Duration::from_secs(1);

/// A 429 with no reset and no `Retry-After`, then a page of one id.
fn four_twenty_nine_then_ok(n: usize) -> Vec<u8> {
    if n == 0 {
        answer(
            "429 Too Many Requests",
            r#"{"errors":[{"code":88,"message":"Rate limit exceeded"}]}"#,
        )
    } else {
        answer(
            "200 OK",
            r#"{"ids":[12],"next_cursor":0,"next_cursor_str":"0","previous_cursor":0,"previous_cursor_str":"0"}"#,
        )
    }
}

/// A session for a loopback server: app-only, a limiter of `SHORT_WINDOW`, no retries.
fn loopback_session(base_url: &str) -> SessionBuilder {
    SessionBuilder::app_only("bearer")
        .base_url(base_url)
        .limiter_config(limiter(SHORT_WINDOW))
        .retry_policy(RetryPolicy::new(1, Duration::ZERO, Duration::ZERO))
}

/// A 429 that announces no reset is waited out for exactly one limiter window with waiting
/// on, then the request goes again; without waiting it fails at once with X's rate limit,
/// with no time to come back.
pub fn a_429_without_a_reset_waits_one_window<D: Driver>() {
    let request = FollowersIds::of(UserRef::Id(UserId::new(12)));

    let server = Loopback::start(|n| Some(four_twenty_nine_then_ok(n)));
    let patient = D::build(
        loopback_session(&server.base_url).wait_on_rate_limit(true),
        Transport::default(),
    );
    let reply = D::send(&patient, &request).expect("waits, then the page");
    assert_eq!(reply.value.ids, [UserId::new(12)]);
    let arrivals = server.arrivals();
    assert_eq!(arrivals.len(), 2, "the 429, then the request again");
    let waited = arrivals[1] - arrivals[0];
    assert!(
        waited >= SHORT_WINDOW && waited < SHORT_WINDOW + SHORT_WINDOW / 2,
        "waited {waited:?} for a window of {SHORT_WINDOW:?}"
    );

    let server = Loopback::start(|n| Some(four_twenty_nine_then_ok(n)));
    let impatient = D::build(loopback_session(&server.base_url), Transport::default());
    let started = Instant::now();
    let error = D::send(&impatient, &request).expect_err("a 429");
    assert!(
        matches!(error, CallError::Core(twapi_core::Error::RateLimited(_))),
        "{error:?}"
    );
    assert_eq!(error.rate_limited_until(), None, "X announced no reset");
    assert!(started.elapsed() < SHORT_WINDOW / 2, "failed at once");
    assert_eq!(server.arrivals().len(), 1, "asked once");
}

/// A body larger than the cap fails with `CallError::BodyTooLarge` naming the cap, and is not
/// asked for again, though the retry policy allows 8 attempts.
pub fn a_body_over_the_cap_is_refused_once<D: Driver>() {
    let w = world(Config {
        users: 1_000,
        ..Config::default()
    });
    let relay = w.relay();
    let client = D::build(
        w.session_at(&relay.base_url),
        Transport {
            body_limit: Some(512),
            ..Transport::default()
        },
    );
    let error = D::send(
        &client,
        &FollowersList {
            count: Some(50),
            ..FollowersList::of(UserRef::Id(id(&w.most_followed)))
        },
    )
    .expect_err("a page of 50 users is larger than 512 bytes");
    assert!(
        matches!(error, CallError::BodyTooLarge { limit: 512 }),
        "{error:?}"
    );
    assert_eq!(
        relay.requests_for("/1.1/followers/list.json"),
        1,
        "not retried"
    );
}

/// A server that accepts and never answers: `CallError::Timeout` with the request timeout,
/// after exactly the attempts the retry policy allows.
pub fn a_silent_server_times_out_after_the_allowed_attempts<D: Driver>() {
    const ATTEMPTS: u32 = 2;
    let timeout = Duration::from_millis(200);
    let server = Loopback::start(|_| None);
    let session = SessionBuilder::app_only("bearer")
        .base_url(&server.base_url)
        .without_limiter()
        .retry_policy(RetryPolicy::new(ATTEMPTS, Duration::ZERO, Duration::ZERO));
    let client = D::build(
        session,
        Transport {
            request_timeout: Some(timeout),
            ..Transport::default()
        },
    );
    let started = Instant::now();
    let error =
        D::send(&client, &FollowersIds::of(UserRef::Id(UserId::new(12)))).expect_err("no answer");
    let elapsed = started.elapsed();
    assert!(
        matches!(error, CallError::Timeout(t) if t == timeout),
        "{error:?}"
    );
    assert_eq!(
        server.arrivals().len(),
        ATTEMPTS as usize,
        "one request per attempt"
    );
    assert!(elapsed >= timeout * ATTEMPTS, "{elapsed:?}");
    assert!(
        elapsed < timeout * ATTEMPTS + Duration::from_secs(2),
        "{elapsed:?}"
    );
}

/// The client's meter and the emulator's agree to the micro-dollar after a crawl: a budgeted
/// v2 followers walk stops within its budget (its last page a smaller one) with
/// [`CallError::BudgetExhausted`] and the state; a new client with the meter's saved state
/// restored resumes it to the end, reads some of the same users again (free the same day), and
/// an owned read; the sum still agrees, and is the list price of each user once.
pub fn the_meters_agree_and_a_budgeted_crawl_resumes_within_its_budget<D: Driver>() {
    use twapi_core::cost::{Cost, Meter, MeterHandle, OWNED_READ, USER_READ};
    use twapi_core::session::Walk;

    let w = world(Config {
        users: 3_000,
        ..Config::default()
    });
    let most = id(&w.most_followed);
    let truth = w.followers(&w.most_followed);
    assert!(truth.len() > 250, "a crawlable account");
    let request = Followers {
        max_results: Some(100),
        ..Followers::of(most)
    };

    // 1. A budget of 250 users: pages of 100, 100, then 50; then it stops, typed.
    let meter = MeterHandle::default();
    let client = D::build(w.session().meter(meter.clone()), Transport::default());
    let budget = USER_READ * 250;
    let walk = Walk::new(Pager::new(request.clone())).with_budget(budget);
    let mut walked = Vec::new();
    let mut sizes = Vec::new();
    let mut stopped = None;
    for page in D::walk(&client, walk) {
        match page {
            Ok(page) => {
                sizes.push(page.items.len());
                walked.extend(page.items.iter().map(|u| u.id.get()));
            }
            Err(error) => stopped = Some(error),
        }
    }
    let stopped = stopped.unwrap_or_else(|| panic!("{}: the walk ran past its budget", D::NAME));
    assert!(stopped.is_budget_exhausted(), "{}: {stopped}", D::NAME);
    assert_eq!(sizes, [100, 100, 50], "{}", D::NAME);
    let spent = meter.usage().cost;
    assert_eq!(spent, budget, "{}", D::NAME);
    assert_eq!(
        w.emulator.usage().cost,
        spent,
        "{}: the meters agree",
        D::NAME
    );
    assert_eq!(w.emulator.usage().resources, meter.usage().resources);

    // 2. Saved, restored, resumed to the end by a new client.
    let state = stopped.resume_state().unwrap().clone();
    let saved = serde_json::to_string(&meter.snapshot()).unwrap();
    let restored = MeterHandle::new(serde_json::from_str::<Meter>(&saved).unwrap());
    let client = D::build(w.session().meter(restored.clone()), Transport::default());
    let walk = Walk::new(Pager::resume(request, state)).with_budget(Cost::from_dollars(1_000));
    for page in D::walk(&client, walk) {
        let page = page.unwrap_or_else(|e| panic!("{}: {e}", D::NAME));
        walked.extend(page.items.iter().map(|u| u.id.get()));
    }
    assert_exactly_the_followers(&walked, &truth);
    // The same users again (v1.1 ids): free today, on both sides.
    let again = D::send(&client, &FollowersIds::of(UserRef::Id(most))).unwrap();
    assert_eq!(again.charge().metered, Some(Cost::ZERO), "{}", D::NAME);
    // An owned read: the path's :id is the authenticated user.
    let own = D::send(&client, &Followers::of(id(&w.me))).unwrap();
    assert!(own.charge().owned, "{}", D::NAME);
    let own_new = own
        .value
        .data
        .iter()
        .flatten()
        .filter(|u| !truth.contains(&u.id.get()))
        .count() as u64;

    let usage = restored.usage();
    let expected = USER_READ * truth.len() as u64 + OWNED_READ * own_new;
    assert_eq!(usage.cost, expected, "{}", D::NAME);
    assert_eq!(
        w.emulator.usage().cost,
        usage.cost,
        "{}: the meters agree",
        D::NAME
    );
    assert_eq!(w.emulator.usage().resources, usage.resources, "{}", D::NAME);
    assert_eq!(w.emulator.usage().returned, usage.returned, "{}", D::NAME);
    // The admin route says the same.
    let report = usage_route(w.emulator.base_url());
    assert_eq!(report["cost_micros"], usage.cost.micros());
    assert_eq!(report["cost"], usage.cost.to_string());
    assert_eq!(report["resources"], usage.resources);
}

/// `GET /_emulator/usage`, over a plain HTTP/1.1 exchange.
fn usage_route(base_url: &str) -> serde_json::Value {
    use std::io::{Read, Write};
    let host = base_url.trim_start_matches("http://");
    let mut stream = std::net::TcpStream::connect(host).unwrap();
    write!(
        stream,
        "GET /_emulator/usage HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    let (head, body) = answer.split_once("\r\n\r\n").unwrap();
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    serde_json::from_str(body).unwrap()
}
