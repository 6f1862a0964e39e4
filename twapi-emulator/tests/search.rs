//! `GET /2/users/search` and `GET /2/users/:id/affiliates` as the emulator serves them: the
//! ranking, stable pages, X's errors, user context only for search; organisations' affiliates
//! walked to the end, and the empty page of an account that is not one.

mod harness;

use harness::{app, call, id, oauth1, prepare, send, user};
use http::header::AUTHORIZATION;
use twapi_core::fields::Fields;
use twapi_core::pager::Pager;
use twapi_core::request::v2 as rq2;
use twapi_model::UserId;
use twapi_model::v2::PaginationToken;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_ranks_the_exact_username_first_and_pages_stably() {
    let emulator = harness::start(2_000).await;
    let facts = emulator.facts().clone();
    let base = &facts.base_url;
    let plain = user(&facts, "plain", 1);
    let auth = oauth1(&facts, user(&facts, "plain", 0));

    // The exact username (any case) comes first.
    let exact = rq2::UsersSearch::new(plain.screen_name.to_uppercase());
    let reply = call(base, &exact, &auth).await.unwrap();
    let first = &reply.value.items()[0];
    assert_eq!(first.id, UserId::new(id(plain)));
    assert!(
        reply
            .value
            .meta
            .as_ref()
            .is_none_or(|m| m.result_count.is_none())
    );

    // A common word: every match holds it, username prefixes before other matches, and the
    // pages tile the ranking with no repeat.
    let word = "otter";
    let whole = call(
        base,
        &rq2::UsersSearch {
            max_results: Some(1_000),
            ..rq2::UsersSearch::new(word)
        },
        &auth,
    )
    .await
    .unwrap();
    let ranking: Vec<_> = whole
        .value
        .items()
        .iter()
        .map(|u| (u.id, u.username.to_lowercase(), u.name.to_lowercase()))
        .collect();
    assert!(ranking.len() > 10, "{}", ranking.len());
    assert!(
        ranking
            .iter()
            .all(|(_, username, name)| username.contains(word) || name.contains(word))
    );
    let prefixed = ranking
        .iter()
        .take_while(|(_, username, _)| username.starts_with(word))
        .count();
    assert!(
        ranking[prefixed..]
            .iter()
            .all(|(_, username, _)| !username.starts_with(word))
    );

    let mut walked = Vec::new();
    let mut pager = Pager::new(rq2::UsersSearch {
        max_results: Some(7),
        ..rq2::UsersSearch::new(word)
    });
    let mut tokens = Vec::new();
    while let Some(request) = pager.next_request() {
        tokens.extend(request.next_token.clone());
        let reply = call(base, &request, &auth).await.unwrap();
        walked.extend(pager.handle(reply.value).unwrap().into_iter().map(|u| u.id));
    }
    assert_eq!(
        walked,
        ranking.iter().map(|(id, ..)| *id).collect::<Vec<_>>()
    );
    // The same page's token is the same on a second walk.
    let again = call(
        base,
        &rq2::UsersSearch {
            max_results: Some(7),
            ..rq2::UsersSearch::new(word)
        },
        &auth,
    )
    .await
    .unwrap();
    assert_eq!(again.value.next_token(), tokens.first());

    // A token of another query is refused with X's 400.
    let mixed = rq2::UsersSearch {
        next_token: tokens.first().cloned(),
        ..rq2::UsersSearch::new("maple")
    };
    let response = send(prepare(base, &mixed, &auth)).await;
    assert_eq!(response.status(), 400);
    assert_eq!(
        harness::json(&response)["errors"][0]["parameters"]["next_token"][0],
        tokens[0].as_str()
    );
    emulator.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_answers_x_s_errors() {
    let emulator = harness::start(500).await;
    let facts = emulator.facts().clone();
    let base = &facts.base_url;
    let auth = oauth1(&facts, user(&facts, "plain", 0));
    let signed = prepare(base, &rq2::UsersSearch::new("otter"), &auth);

    // A query X's pattern refuses (sent by hand: the client refuses to build it), with an
    // OAuth 2.0 user token so that no signature covers the query.
    let token = harness::oauth2_user_token(&facts, None).await;
    let oauth2 = twapi_core::Auth::OAuth2User(twapi_auth::Secret::new(token));
    let mut bad = prepare(base, &rq2::UsersSearch::new("otter"), &oauth2);
    *bad.uri_mut() = format!("{base}/2/users/search?query=rock%26roll")
        .parse()
        .unwrap();
    let response = send(bad).await;
    assert_eq!(response.status(), 400);
    let body = harness::json(&response);
    insta::assert_json_snapshot!("v2_search_bad_query", body);

    // A bearer: X's unsupported-authentication, naming the two user contexts.
    let mut bearer = signed;
    bearer.headers_mut().insert(
        AUTHORIZATION,
        format!("Bearer {}", facts.bearer_token).parse().unwrap(),
    );
    let response = send(bearer).await;
    assert_eq!(response.status(), 403);
    insta::assert_json_snapshot!("v2_search_bearer", harness::json(&response));
    emulator.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_query_with_an_apostrophe_and_spaces_is_signed_as_x_verifies() {
    let emulator = harness::start(500).await;
    let facts = emulator.facts().clone();
    let auth = oauth1(&facts, user(&facts, "plain", 0));
    let request = rq2::UsersSearch::new("o'brien  the otter");
    let built = prepare(&facts.base_url, &request, &auth);
    assert!(
        built
            .uri()
            .query()
            .unwrap()
            .starts_with("query=o%27brien%20%20the%20otter")
    );
    // The emulator verifies the OAuth 1.0a signature: a 200 means the base string agreed.
    assert!(call(&facts.base_url, &request, &auth).await.is_ok());
    emulator.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn affiliates_of_an_organisation_walk_to_the_end() {
    let emulator = harness::start(3_000).await;
    let facts = emulator.facts().clone();
    let base = &facts.base_url;
    let orgs: Vec<_> = facts
        .users
        .iter()
        .filter(|u| u.role == "organisation")
        .collect();
    assert_eq!(orgs.len(), 3);
    let org = id(orgs[0]);
    let truth = emulator.affiliate_ids(org);
    assert!(truth.len() > 100, "{}", truth.len());
    let mut pager = Pager::new(rq2::Affiliates {
        max_results: Some(40),
        fields: Fields::default(),
        ..rq2::Affiliates::of(UserId::new(org))
    });
    let mut walked = Vec::new();
    while let Some(request) = pager.next_request() {
        if let Some(token) = &request.pagination_token {
            // Numeric, as X documents: a 64-bit signed integer of at most 19 characters.
            assert!(
                token.as_str().len() <= 19 && token.as_str().parse::<i64>().is_ok(),
                "{token}"
            );
        }
        let reply = call(base, &request, &app(&facts)).await.unwrap();
        walked.extend(
            pager
                .handle(reply.value)
                .unwrap()
                .into_iter()
                .map(|u| u.id.get()),
        );
    }
    assert_eq!(walked, truth);

    // An account that is not an organisation: an empty page.
    let plain = UserId::new(id(user(&facts, "plain", 0)));
    let reply = call(base, &rq2::Affiliates::of(plain), &app(&facts))
        .await
        .unwrap();
    assert_eq!(reply.body().as_ref(), br#"{"meta":{"result_count":0}}"#);
    assert!(emulator.affiliate_ids(plain.get()).is_empty());

    // A token of another organisation's list is refused.
    let first = call(
        base,
        &rq2::Affiliates {
            max_results: Some(1),
            ..rq2::Affiliates::of(UserId::new(org))
        },
        &app(&facts),
    )
    .await
    .unwrap();
    let token: PaginationToken = first.value.next_token().cloned().unwrap();
    let other = rq2::Affiliates {
        pagination_token: Some(token),
        ..rq2::Affiliates::of(UserId::new(id(orgs[1])))
    };
    let response = send(prepare(base, &other, &app(&facts))).await;
    assert_eq!(response.status(), 400);
    emulator.shutdown().await;
}
