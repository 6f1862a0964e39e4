//! The graph as the API shows it: cursor and token crawls that return exactly the ids the
//! graph holds, `stringify_ids`, previous cursors, search, protected accounts and pending
//! requests, follows and unfollows that change the graph, concurrent follows that lose
//! nothing and never pass the daily cap, and the same world for the same seed.

mod harness;

use std::collections::HashSet;

use harness::{app, call, id, oauth1, user};
use twapi_core::pager::{Pageable, Pager};
use twapi_core::request::v1::{self as rq1, Users};
use twapi_core::request::v2 as rq2;
use twapi_core::{Auth, UserRef};
use twapi_emulator::Config;
use twapi_model::UserId;
use twapi_model::v1::{Connection, Cursor, IdForm};

/// Walks a pager to the end over HTTP.
async fn crawl<R: Pageable>(base: &str, auth: &Auth, request: R) -> Vec<R::Item> {
    let mut pager = Pager::new(request);
    let mut items = Vec::new();
    while let Some(request) = pager.next_request() {
        let reply = call(base, &request, auth).await.expect("a page");
        items.extend(pager.handle(reply.into_value()).expect("the pages advance"));
    }
    items
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn crawls_return_exactly_the_graph() {
    let emulator = harness::start(10_000).await;
    let facts = emulator.facts().clone();
    let base = &facts.base_url;
    let top = user(&facts, "most_followed", 0);
    let truth = emulator.follower_ids(id(top));
    assert_eq!(truth.len() as u64, top.followers);
    assert!(truth.len() > 3_000, "{}", truth.len());

    let v1 = rq1::FollowersIds {
        count: Some(300),
        ..rq1::FollowersIds::of(UserRef::Id(UserId::new(id(top))))
    };
    let ids: Vec<u64> = crawl(base, &app(&facts), v1)
        .await
        .iter()
        .map(|i| i.get())
        .collect();
    assert_eq!(ids, truth);

    let v2 = rq2::Followers {
        max_results: Some(1_000),
        ..rq2::Followers::of(UserId::new(id(top)))
    };
    let users = crawl(base, &oauth1(&facts, user(&facts, "plain", 0)), v2).await;
    let ids: Vec<u64> = users.iter().map(|u| u.id.get()).collect();
    assert_eq!(ids, truth);

    let plain = user(&facts, "plain", 0);
    let friends: Vec<u64> = crawl(
        base,
        &app(&facts),
        rq1::FriendsIds {
            count: Some(2),
            ..rq1::FriendsIds::of(UserRef::Id(UserId::new(id(plain))))
        },
    )
    .await
    .iter()
    .map(|i| i.get())
    .collect();
    assert_eq!(friends, emulator.following_ids(id(plain)));
    emulator.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cursors_are_x_shaped_and_stable() {
    let emulator = harness::start(3_000).await;
    let facts = emulator.facts().clone();
    let base = &facts.base_url;
    let top = UserId::new(id(user(&facts, "most_followed", 0)));
    let auth = app(&facts);
    let first = rq1::FollowersIds {
        count: Some(100),
        stringify_ids: Some(true),
        ..rq1::FollowersIds::of(UserRef::Id(top))
    };
    let page1 = call(base, &first, &auth).await.unwrap();
    assert_eq!(page1.value.form, IdForm::String);
    let raw: serde_json::Value = serde_json::from_slice(page1.body()).unwrap();
    assert!(raw["ids"][0].is_string());
    assert_eq!(page1.value.previous_cursor, Cursor::END);
    let next = page1.value.next_cursor;
    assert!(next.get() > 0);

    // The same cursor, the same page, as long as the graph does not change.
    let second = rq1::FollowersIds {
        cursor: Some(next),
        ..first.clone()
    };
    let page2 = call(base, &second, &auth).await.unwrap();
    assert_eq!(call(base, &second, &auth).await.unwrap().value, page2.value);
    let previous = page2.value.previous_cursor;
    assert!(previous.get() < 0 && previous.get() != -next.get());
    let back = rq1::FollowersIds {
        cursor: Some(previous),
        ..first.clone()
    };
    assert_eq!(
        call(base, &back, &auth).await.unwrap().value.ids,
        page1.value.ids
    );

    // A cursor of another list, or made up, is an empty last page.
    let foreign = rq1::FriendsIds {
        cursor: Some(next),
        ..rq1::FriendsIds::of(UserRef::Id(top))
    };
    let page = call(base, &foreign, &auth).await.unwrap().value;
    assert!(page.ids.is_empty() && page.next_cursor == Cursor::END);

    // v2 tokens: opaque, at least 16 characters, absent on the last page; a bad one is a 400.
    let v2 = rq2::Followers {
        max_results: Some(500),
        ..rq2::Followers::of(top)
    };
    let reply = call(base, &v2, &auth).await.unwrap().value;
    assert_eq!(reply.meta.as_ref().unwrap().result_count, Some(500));
    let token = reply.next_token().unwrap();
    assert!(token.as_str().len() >= 16);
    assert!(reply.previous_token().is_none());
    let mut second = v2.clone();
    second.pagination_token = Some(token.clone());
    let second = call(base, &second, &auth).await.unwrap().value;
    assert!(
        second.next_token().is_none(),
        "about 990 followers: two pages"
    );
    let mut back = v2.clone();
    back.pagination_token = second.previous_token().cloned();
    assert_eq!(
        call(base, &back, &auth).await.unwrap().value.data,
        reply.data
    );
    let mut bad = v2.clone();
    bad.pagination_token = Some("NOTATOKEN0000000".into());
    let error = call(base, &bad, &auth).await.unwrap_err();
    assert_eq!(error.api().unwrap().status(), 400);
    emulator.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_matches_names_and_screen_names() {
    let emulator = harness::start(3_000).await;
    let facts = emulator.facts().clone();
    let base = &facts.base_url;
    let auth = oauth1(&facts, user(&facts, "plain", 0));
    let top = user(&facts, "most_followed", 0);
    let exact = call(
        base,
        &rq1::UsersSearch::new(top.screen_name.to_uppercase()),
        &auth,
    )
    .await
    .unwrap()
    .value;
    assert_eq!(exact.len(), 1);
    assert_eq!(
        exact[0].screen_name.as_deref(),
        Some(top.screen_name.as_str())
    );

    // A common substring: 20 a page, most followed first, only the first 1,000 results.
    let common_query = "a";
    let page1 = call(base, &rq1::UsersSearch::new(common_query), &auth)
        .await
        .unwrap()
        .value;
    assert_eq!(page1.len(), 20);
    assert!(page1.iter().all(|u| {
        u.screen_name
            .as_deref()
            .unwrap_or_default()
            .to_lowercase()
            .contains(common_query)
            || u.name
                .as_deref()
                .unwrap_or_default()
                .to_lowercase()
                .contains(common_query)
    }));
    let last = rq1::UsersSearch {
        page: Some(50),
        ..rq1::UsersSearch::new(common_query)
    };
    assert_eq!(call(base, &last, &auth).await.unwrap().value.len(), 20);
    let all = crawl(base, &auth, rq1::UsersSearch::new(common_query)).await;
    assert_eq!(all.len(), 1_000);
    let distinct: HashSet<_> = all.iter().map(|u| u.id).collect();
    assert_eq!(distinct.len(), 1_000);
    emulator.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn protected_accounts_take_requests() {
    let emulator = harness::start(2_000).await;
    let facts = emulator.facts().clone();
    let base = &facts.base_url;
    let protected = user(&facts, "protected", 0);
    let asker = user(&facts, "plain", 1);
    let other = user(&facts, "plain", 2);
    let (protected_id, asker_id) = (UserId::new(id(protected)), UserId::new(id(asker)));
    let as_protected = oauth1(&facts, protected);
    let as_asker = oauth1(&facts, asker);

    // Its lists are closed to strangers.
    let error = call(
        base,
        &rq1::FollowersIds::of(UserRef::Id(protected_id)),
        &as_asker,
    )
    .await
    .unwrap_err();
    assert_eq!(error.api().unwrap().status(), 401);
    assert_eq!(error.api().unwrap().message(), Some("Not authorized."));

    let before = call(base, &rq1::FriendshipsIncoming::default(), &as_protected)
        .await
        .unwrap()
        .value;
    assert!(before.ids.len() >= 2 && !before.ids.contains(&asker_id));

    let created = call(base, &rq1::FriendshipsCreate::user(protected_id), &as_asker)
        .await
        .unwrap();
    let twapi_core::FollowOutcome::Followed(target) = created.value else {
        panic!("a follow request");
    };
    assert_eq!(
        (target.following, target.follow_request_sent),
        (Some(false), Some(true))
    );
    let incoming = call(base, &rq1::FriendshipsIncoming::default(), &as_protected)
        .await
        .unwrap()
        .value;
    assert_eq!(incoming.ids.first(), Some(&asker_id), "newest first");
    let outgoing = call(base, &rq1::FriendshipsOutgoing::default(), &as_asker)
        .await
        .unwrap()
        .value;
    assert_eq!(outgoing.ids, [protected_id]);
    let lookup = rq1::FriendshipsLookup {
        users: Users::Ids(vec![protected_id]),
    };
    let lookup = call(base, &lookup, &as_asker).await.unwrap().value;
    assert_eq!(lookup[0].connections, [Connection::FollowingRequested]);
    let show = rq1::FriendshipsShow {
        source: None,
        target: UserRef::Id(protected_id),
    };
    let show = call(base, &show, &as_asker)
        .await
        .unwrap()
        .value
        .relationship;
    assert_eq!(show.source.following_requested, Some(true));
    assert!(!emulator.follower_ids(id(protected)).contains(&id(asker)));

    // v2: pending_follow, and the request stands once.
    let follow = rq2::Follow {
        source_user_id: UserId::new(id(other)),
        target_user_id: protected_id,
    };
    for _ in 0..2 {
        let reply = call(base, &follow, &oauth1(&facts, other))
            .await
            .unwrap()
            .value;
        let data = reply.data.unwrap();
        assert_eq!((data.following, data.pending_follow), (false, Some(true)));
    }
    let incoming = call(base, &rq1::FriendshipsIncoming::default(), &as_protected)
        .await
        .unwrap()
        .value;
    assert_eq!(incoming.ids.len(), before.ids.len() + 2);

    // Withdrawn with friendships/destroy.
    call(
        base,
        &rq1::FriendshipsDestroy {
            user: UserRef::Id(protected_id),
        },
        &as_asker,
    )
    .await
    .unwrap();
    let outgoing = call(base, &rq1::FriendshipsOutgoing::default(), &as_asker)
        .await
        .unwrap()
        .value;
    assert!(outgoing.ids.is_empty());
    emulator.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn follows_and_settings_change_the_graph() {
    let emulator = harness::start(2_000).await;
    let facts = emulator.facts().clone();
    let base = &facts.base_url;
    let me = user(&facts, "plain", 2);
    let auth = oauth1(&facts, me);
    let top = user(&facts, "most_followed", 0);
    let top_id = UserId::new(id(top));
    let before = emulator.follower_ids(id(top)).len();

    let follow = rq2::Follow {
        source_user_id: UserId::new(id(me)),
        target_user_id: top_id,
    };
    let data = call(base, &follow, &auth)
        .await
        .unwrap()
        .value
        .data
        .unwrap();
    assert_eq!((data.following, data.pending_follow), (true, Some(false)));
    assert_eq!(
        emulator.follower_ids(id(top)).first(),
        Some(&id(me)),
        "newest first"
    );
    let shown = call(base, &rq1::UsersShow::of(top_id), &app(&facts))
        .await
        .unwrap()
        .value;
    assert_eq!(shown.followers_count, Some(before as u64 + 1));

    let update = rq1::FriendshipsUpdate {
        user: UserRef::Id(top_id),
        device: Some(true),
        retweets: Some(false),
    };
    let relationship = call(base, &update, &auth).await.unwrap().value.relationship;
    assert_eq!(relationship.source.notifications_enabled, Some(true));
    assert_eq!(relationship.source.want_retweets, Some(false));
    let no_retweets = call(base, &rq1::FriendshipsNoRetweetsIds::default(), &auth)
        .await
        .unwrap()
        .value;
    assert_eq!(no_retweets.ids, [top_id]);

    let unfollow = rq2::Unfollow {
        source_user_id: UserId::new(id(me)),
        target_user_id: top_id,
    };
    let data = call(base, &unfollow, &auth)
        .await
        .unwrap()
        .value
        .data
        .unwrap();
    assert!(!data.following);
    assert_eq!(emulator.follower_ids(id(top)).len(), before);
    // Unfollowing again succeeds and does nothing.
    assert!(call(base, &unfollow, &auth).await.is_ok());
    let unfollowed = call(
        base,
        &rq1::FriendshipsDestroy {
            user: UserRef::Id(top_id),
        },
        &auth,
    )
    .await
    .unwrap()
    .value;
    assert_eq!(unfollowed.following, Some(false));

    // Following for another user is refused.
    let for_other = rq2::Follow {
        source_user_id: top_id,
        target_user_id: UserId::new(id(me)),
    };
    assert_eq!(
        call(base, &for_other, &auth)
            .await
            .unwrap_err()
            .api()
            .unwrap()
            .status(),
        403
    );
    emulator.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_follows_are_exact_and_capped() {
    let emulator = harness::start(3_000).await;
    let facts = emulator.facts().clone();
    let base = facts.base_url.clone();
    let actor = user(&facts, "plain", 1).clone();
    let me = id(&actor);
    let cap = twapi_core::DailyBucket::Follow.caps().user.unwrap() as usize;
    let already: HashSet<u64> = emulator.following_ids(me).into_iter().collect();
    let blocker = id(user(&facts, "blocker", 0));
    // Public accounts the actor does not follow yet: more of them than the cap allows.
    let targets: Vec<u64> = emulator
        .follower_ids(id(user(&facts, "most_followed", 0)))
        .into_iter()
        .filter(|t| *t != me && *t != blocker && !already.contains(t))
        .take(cap + 80)
        .collect();
    assert_eq!(targets.len(), cap + 80);
    let tasks = 8;
    let mut handles = Vec::new();
    for chunk in targets.chunks(targets.len().div_ceil(tasks)) {
        let (chunk, base, facts, actor) =
            (chunk.to_vec(), base.clone(), facts.clone(), actor.clone());
        handles.push(tokio::spawn(async move {
            let auth = oauth1(&facts, &actor);
            let mut outcomes = Vec::new();
            for target in chunk {
                let request = rq1::FriendshipsCreate::user(UserId::new(target));
                let result = call(&base, &request, &auth).await;
                let code = result
                    .as_ref()
                    .err()
                    .and_then(|e| e.api())
                    .and_then(|a| a.codes().first())
                    .map(|c| c.code.code());
                if let Ok(reply) = &result {
                    let day = reply.rate_limit().user_day.unwrap();
                    assert!(day.remaining <= day.limit);
                }
                outcomes.push((target, result.is_ok(), code));
            }
            outcomes
        }));
    }
    let mut followed = HashSet::new();
    let (mut capped, mut blocked) = (0, 0);
    for handle in handles {
        for (target, ok, code) in handle.await.unwrap() {
            match (ok, code) {
                (true, _) => assert!(followed.insert(target), "applied twice: {target}"),
                (false, Some(161)) => capped += 1,
                // A target that blocks the actor: refused, and not counted.
                (false, Some(162)) => blocked += 1,
                (false, other) => panic!("unexpected {other:?} for {target}"),
            }
        }
    }
    assert_eq!(followed.len(), cap, "exactly the cap succeeded");
    assert_eq!(capped + blocked, 80);
    // Nothing lost: the graph holds exactly the old follows and the new ones, once each
    // (a protected target holds a pending request instead of a follow).
    let now: Vec<u64> = emulator.following_ids(me);
    let now_set: HashSet<u64> = now.iter().copied().collect();
    assert_eq!(now.len(), now_set.len());
    for target in &followed {
        let follows = now_set.contains(target);
        let followers = emulator.follower_ids(*target);
        assert_eq!(
            followers.iter().filter(|f| **f == me).count(),
            usize::from(follows)
        );
    }
    let new_follows = now_set.difference(&already).count();
    assert!(
        new_follows <= cap && new_follows + 40 >= cap,
        "{new_follows}"
    );
    emulator.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_seed_makes_the_same_world() {
    let a = harness::start(1_500).await;
    let b = harness::start(1_500).await;
    let c = harness::start_with(Config {
        users: 1_500,
        seed: 7,
        ..Config::default()
    })
    .await;
    let strip = |facts: &twapi_emulator::Facts| {
        let mut value = serde_json::to_value(facts).unwrap();
        value["base_url"] = "http://127.0.0.1:PORT".into();
        value
    };
    assert_eq!(strip(a.facts()), strip(b.facts()));
    assert_ne!(strip(a.facts()), strip(c.facts()));
    let top = id(user(a.facts(), "most_followed", 0));
    assert_eq!(a.follower_ids(top), b.follower_ids(top));
    let page = |e: &twapi_emulator::Emulator| {
        let facts = e.facts().clone();
        async move {
            call(
                &facts.base_url,
                &rq1::UsersShow::of(UserId::new(top)),
                &app(&facts),
            )
            .await
            .unwrap()
            .body()
            .clone()
        }
    };
    assert_eq!(page(&a).await, page(&b).await);
    insta::assert_json_snapshot!("facts_seed_42_users_1500", strip(a.facts()));
    for e in [a, b, c] {
        e.shutdown().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_large_graph_has_a_huge_account() {
    // The fault-tolerance tests crawl an account of at least 100,000 followers.
    let started = std::time::Instant::now();
    let emulator = harness::start(350_000).await;
    println!("350,000 users started in {:?}", started.elapsed());
    let top = user(emulator.facts(), "most_followed", 0);
    assert!(top.followers >= 100_000, "{}", top.followers);
    emulator.shutdown().await;
}
