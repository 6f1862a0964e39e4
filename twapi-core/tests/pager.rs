//! The pagers yield every item exactly once and stop, whatever the page sizes; a pager resumed
//! from its serialized state yields the same sequence and fetches no delivered page again.

use std::collections::HashMap;

use proptest::prelude::*;
use twapi_core::UserRef;
use twapi_core::pager::{Pageable, Pager, PagerError, PagerState, Position};
use twapi_core::request::v1::{FollowersIds, UsersSearch};
use twapi_core::request::v2::Followers;
use twapi_model::UserId;
use twapi_model::v1;
use twapi_model::v2;

/// A server holding `items`, answering each page with as many as `sizes` says (cycled),
/// never more than asked.
struct Server {
    items: Vec<u64>,
    sizes: Vec<usize>,
    served: usize,
    /// position → how often it was fetched
    fetched: HashMap<String, u32>,
}

impl Server {
    fn new(items: Vec<u64>, sizes: Vec<usize>) -> Self {
        Self {
            items,
            sizes,
            served: 0,
            fetched: HashMap::new(),
        }
    }

    /// Cursors are opaque: an offset and a serial, never 0 or -1.
    fn cursor(offset: usize, serial: usize) -> i64 {
        i64::try_from(offset * 100_000 + serial + 1).unwrap()
    }

    fn offset_of(cursor: i64) -> usize {
        usize::try_from(cursor - 1).unwrap() / 100_000
    }

    /// The next slice from `offset`, and the offset after it (`None` at the end).
    fn slice(&mut self, offset: usize, asked: usize, key: String) -> (Vec<u64>, Option<usize>) {
        *self.fetched.entry(key).or_default() += 1;
        let size = self.sizes[self.served % self.sizes.len()].min(asked);
        self.served += 1;
        let end = (offset + size).min(self.items.len());
        let page = self.items[offset..end].to_vec();
        (page, (end < self.items.len()).then_some(end))
    }

    fn ids_page(&mut self, request: &FollowersIds) -> v1::IdPage {
        let cursor = request.cursor.map_or(-1, v1::Cursor::get);
        let offset = if cursor == -1 {
            0
        } else {
            Self::offset_of(cursor)
        };
        let asked = request.count.unwrap_or(5000) as usize;
        let (ids, next) = self.slice(offset, asked, cursor.to_string());
        let next = next.map_or(0, |o| Self::cursor(o, self.served));
        serde_json::from_value(serde_json::json!({
            "ids": ids, "next_cursor": next, "next_cursor_str": next.to_string(),
            "previous_cursor": 0, "previous_cursor_str": "0",
        }))
        .unwrap()
    }

    fn v2_page(&mut self, request: &Followers) -> v2::UserPage {
        let token = request
            .pagination_token
            .as_ref()
            .map(|t| t.as_str().to_owned());
        let offset = token.as_deref().map_or(0, |t| {
            t.trim_start_matches("tok")
                .split('_')
                .next()
                .unwrap()
                .parse()
                .unwrap()
        });
        let asked = request.max_results.unwrap_or(100) as usize;
        let (ids, next) = self.slice(offset, asked, token.unwrap_or_default());
        let data: Vec<_> = ids
            .iter()
            .map(|id| serde_json::json!({"id": id.to_string(), "name": "n", "username": "u"}))
            .collect();
        let mut meta = serde_json::json!({"result_count": data.len()});
        if let Some(next) = next {
            meta["next_token"] = format!("tok{next}_{}", self.served).into();
        }
        let mut body = serde_json::json!({"meta": meta});
        if !data.is_empty() {
            body["data"] = data.into();
        }
        serde_json::from_value(body).unwrap()
    }
}

/// Walks to the end, persisting and restoring the state before the pages listed in `crash_at`.
fn walk<R: Pageable>(
    request: &R,
    limit: Option<u64>,
    crash_at: &[usize],
    mut serve: impl FnMut(&R) -> R::Output,
) -> Vec<R::Item> {
    let mut pager = Pager::new(request.clone());
    if let Some(limit) = limit {
        pager = pager.with_limit(limit);
    }
    let mut items = Vec::new();
    let mut page = 0;
    while let Some(next) = pager.next_request() {
        if crash_at.contains(&page) {
            let saved = serde_json::to_string(pager.state()).unwrap();
            let state: PagerState = serde_json::from_str(&saved).unwrap();
            pager = Pager::resume(request.clone(), state);
            assert_eq!(pager.next_request().as_ref().map(|_| ()), Some(()));
        }
        let output = serve(&next);
        items.extend(pager.handle(output).unwrap());
        page += 1;
        assert!(page < 100_000, "the walk does not end");
    }
    items
}

fn expected(n: u64, limit: Option<u64>) -> Vec<u64> {
    let take = limit.unwrap_or(u64::MAX).min(n);
    (1..=take).collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn cursor_pager(n in 0u64..12_000, sizes in proptest::collection::vec(0usize..5000, 1..8),
                    limit in proptest::option::of(0u64..13_000),
                    crash_at in proptest::collection::vec(0usize..6, 0..3)) {
        prop_assume!(sizes.iter().any(|s| *s > 0));
        let mut server = Server::new((1..=n).collect(), sizes);
        let request = FollowersIds::of(UserRef::Id(UserId::new(1)));
        let items = walk(&request, limit, &crash_at, |r| server.ids_page(r));
        let items: Vec<u64> = items.into_iter().map(UserId::get).collect();
        prop_assert_eq!(items, expected(n, limit));
        // No page was fetched twice, crash or not.
        prop_assert!(server.fetched.values().all(|n| *n == 1), "{:?}", server.fetched);
    }

    #[test]
    fn token_pager(n in 0u64..3_000, sizes in proptest::collection::vec(0usize..1000, 1..6),
                   limit in proptest::option::of(0u64..3_500),
                   crash_at in proptest::collection::vec(0usize..6, 0..3)) {
        prop_assume!(sizes.iter().any(|s| *s > 0));
        let mut server = Server::new((1..=n).collect(), sizes);
        let items = walk(&Followers::of(UserId::new(1)), limit, &crash_at, |r| server.v2_page(r));
        let items: Vec<u64> = items.into_iter().map(|u| u.id.get()).collect();
        prop_assert_eq!(items, expected(n, limit));
        prop_assert!(server.fetched.values().all(|n| *n == 1));
    }
}

fn search_page(request: &UsersSearch, total: usize) -> Vec<v1::User> {
    let per_page = request.count.unwrap_or(20) as usize;
    let page = request.page.unwrap_or(1) as usize;
    let start = (page - 1) * per_page;
    let end = (start + per_page).min(total).min(1000);
    (start.min(end)..end)
        .map(|i| {
            serde_json::from_value(serde_json::json!({
                "id": i + 1, "id_str": (i + 1).to_string(), "name": "n", "screen_name": format!("u{i}"),
                "created_at": "Wed Oct 10 20:19:24 +0000 2018", "protected": false,
                "followers_count": 0, "friends_count": 0, "listed_count": 0, "favourites_count": 0,
                "statuses_count": 0, "verified": false, "contributors_enabled": false,
                "is_translator": false, "default_profile": true, "default_profile_image": true,
                "profile_image_url": "http://pbs.twimg.com/p.png",
                "profile_image_url_https": "https://pbs.twimg.com/p.png",
            }))
            .unwrap()
        })
        .collect()
}

#[test]
fn search_pages_stop_at_a_short_page_and_at_the_cap() {
    for (total, want) in [(0, 0), (19, 19), (20, 20), (45, 45), (5_000, 1_000)] {
        let items = walk(&UsersSearch::new("a"), None, &[1], |r| {
            search_page(r, total)
        });
        assert_eq!(items.len(), want, "total {total}");
        let ids: Vec<u64> = items.iter().map(|u| u.id.get()).collect();
        assert_eq!(ids, (1..=want as u64).collect::<Vec<_>>());
    }
}

/// A followers/ids page of one id, pointing at `next`.
fn page_to(next: i64) -> v1::IdPage {
    serde_json::from_value(serde_json::json!({
        "ids": [1], "next_cursor": next, "next_cursor_str": next.to_string(),
        "previous_cursor": 0, "previous_cursor_str": "0",
    }))
    .unwrap()
}

#[test]
fn a_server_that_points_back_is_caught() {
    let mut pager = Pager::new(FollowersIds::of(UserRef::Id(UserId::new(1))));
    pager.handle(page_to(5)).unwrap();
    assert_eq!(
        pager.handle(page_to(5)),
        Err(PagerError::Stuck(Position::Cursor(5)))
    );
    pager.handle(page_to(0)).unwrap();
    assert!(pager.is_done());
    assert_eq!(pager.handle(page_to(0)), Err(PagerError::Finished));
}

#[test]
fn a_server_that_leads_around_two_pages_is_caught_before_a_page_is_fetched_twice() {
    let mut pager = Pager::new(FollowersIds::of(UserRef::Id(UserId::new(1))));
    // First page → 7 → 8 → 7: the answer of page 8 points back at 7, already fetched.
    pager.handle(page_to(7)).unwrap();
    pager.handle(page_to(8)).unwrap();
    assert_eq!(
        pager.handle(page_to(7)),
        Err(PagerError::Stuck(Position::Cursor(7)))
    );
    assert_eq!(pager.state().pages, 2, "the refused page is not counted");
    assert_eq!(
        pager
            .next_request()
            .unwrap()
            .cursor
            .map(twapi_model::v1::Cursor::get),
        Some(8)
    );
}

proptest! {
    /// However long the circle a server leads a walk around, and however many pages come
    /// before it, the pager stops on a page it was already sent to: never before a page
    /// repeats, and no later than about twice the circle and the pages before it. A resumed
    /// pager catches it alike.
    #[test]
    fn a_server_that_leads_in_a_circle_is_caught(
        before in 0usize..70,
        circle in 1usize..70,
        resume_at in proptest::option::of(1usize..200),
    ) {
        // The cursor handed out with the `p`-th page (p ≥ 1): distinct up to `before + circle`,
        // then the last `circle` of them again and again.
        let cursor = |p: usize| -> i64 {
            let i = if p <= before + circle { p } else { before + 1 + (p - before - 1) % circle };
            i64::try_from(i).unwrap()
        };
        let request = FollowersIds::of(UserRef::Id(UserId::new(1)));
        let mut pager = Pager::new(request.clone());
        let mut sent_to = std::collections::HashSet::new();
        let first_repeat = before + circle + 1;
        let latest = 2 * (before + 1).max(circle) + circle;
        for p in 1..=latest + 1 {
            if resume_at == Some(p) {
                let saved = serde_json::to_string(pager.state()).unwrap();
                pager = Pager::resume(request.clone(), serde_json::from_str(&saved).unwrap());
            }
            match pager.handle(page_to(cursor(p))) {
                Ok(_) => {
                    prop_assert!(p < latest, "page {} of a circle accepted", p);
                    sent_to.insert(cursor(p));
                }
                Err(PagerError::Stuck(Position::Cursor(c))) => {
                    prop_assert_eq!(c, cursor(p));
                    prop_assert!(sent_to.contains(&c), "stuck on {} before it repeated", c);
                    prop_assert!(p >= first_repeat);
                    // A circle through the pages the walk remembers is caught at once, before
                    // any page is fetched a second time.
                    if circle <= twapi_core::pager::RECENT_PAGES + 1 {
                        prop_assert_eq!(p, first_repeat, "a short circle caught late");
                    }
                    return Ok(());
                }
                Err(e) => prop_assert!(false, "page {}: {}", p, e),
            }
        }
        prop_assert!(false, "the circle was never caught");
    }
}

#[test]
fn v2_search_pages_by_next_token_and_needs_no_result_count() {
    use twapi_core::request::v2::UsersSearch as V2Search;
    let page = |ids: &[u64], next: Option<&str>| -> v2::UserPage {
        let data: Vec<String> = ids
            .iter()
            .map(|id| format!(r#"{{"id":"{id}","name":"n{id}","username":"u{id}"}}"#))
            .collect();
        let meta = match next {
            Some(token) => format!(r#"{{"next_token":"{token}"}}"#),
            None => "{}".to_owned(),
        };
        // X's spec gives search's `meta` no `result_count`: the page decodes without one.
        serde_json::from_str(&format!(r#"{{"data":[{}],"meta":{meta}}}"#, data.join(",")))
            .expect("a search page")
    };
    let mut pager = Pager::new(V2Search::new("otter")).with_limit(5);
    let first = pager.next_request().expect("a first request");
    assert_eq!(
        (first.next_token.clone(), first.max_results),
        (None, Some(5))
    );
    let items = pager.handle(page(&[1, 2, 3], Some("t2"))).expect("a page");
    assert_eq!(items.len(), 3);
    let second = pager.next_request().expect("a second request");
    assert_eq!(
        second.next_token.as_ref().map(v2::PaginationToken::as_str),
        Some("t2")
    );
    assert_eq!(second.max_results, Some(2));
    assert_eq!(second.query, "otter");
    // The last page has no next_token.
    let items = pager.handle(page(&[4], None)).expect("a page");
    assert_eq!(items.len(), 1);
    assert!(pager.is_done());
    assert_eq!(pager.state().next, None);
}

#[test]
fn affiliates_page_by_their_numeric_token() {
    use twapi_core::request::v2::Affiliates;
    let mut pager = Pager::new(Affiliates::of(UserId::new(9)));
    assert_eq!(
        pager.next_request().expect("a request").pagination_token,
        None
    );
    let page: v2::UserPage = serde_json::from_str(
        r#"{"data":[{"id":"1","name":"a","username":"a"}],"meta":{"result_count":1,"next_token":"1591208496391241728"}}"#,
    )
    .expect("a page");
    assert_eq!(pager.handle(page).expect("items").len(), 1);
    let next = pager.next_request().expect("a second request");
    assert_eq!(
        next.pagination_token
            .as_ref()
            .map(v2::PaginationToken::as_str),
        Some("1591208496391241728")
    );
    let empty: v2::UserPage =
        serde_json::from_str(r#"{"meta":{"result_count":0}}"#).expect("an empty page");
    assert!(pager.handle(empty).expect("no items").is_empty());
    assert!(pager.is_done());
}
