//! The endpoint table: its shape, its path matching and rendering, and a snapshot of every
//! documented number so that any edit to a limit shows up in review.

use std::collections::HashSet;

use http::Method;
use proptest::prelude::*;
use serde_json::json;
use twapi_core::endpoint::{
    ApiVersion, AuthMode, DailyBucket, EndpointId, EndpointVisitor, Pagination, PathError,
    PathParam, PathParams, VisitRequest,
};
use twapi_core::request::ApiRequest;

fn sample_value(param: PathParam) -> &'static str {
    match param {
        PathParam::Id => "783214",
        PathParam::SourceUserId => "1072250532645998596",
        PathParam::TargetUserId => "17874544",
        PathParam::Username => "Twitter_Dev1",
        _ => "0",
    }
}

fn sample_params(id: EndpointId) -> PathParams<'static> {
    id.descriptor()
        .path_params()
        .fold(PathParams::new(), |params, param| {
            params.with(param, sample_value(param))
        })
}

#[test]
fn the_table_has_15_v1_and_11_v2_endpoints_each_described_once() {
    let v1 = EndpointId::ALL
        .iter()
        .filter(|id| id.descriptor().version == ApiVersion::V1)
        .count();
    let v2 = EndpointId::ALL
        .iter()
        .filter(|id| id.descriptor().version == ApiVersion::V2)
        .count();
    assert_eq!((v1, v2), (15, 11));

    let ids: HashSet<_> = EndpointId::ALL.iter().collect();
    assert_eq!(ids.len(), 26);
    for id in EndpointId::ALL {
        assert_eq!(id.descriptor().id, *id);
        let prefix = match id.descriptor().version {
            ApiVersion::V1 => "/1.1/",
            _ => "/2/",
        };
        assert!(id.descriptor().path.starts_with(prefix), "{id}");
    }
}

#[test]
fn every_method_and_path_pair_is_unique() {
    let mut seen = HashSet::new();
    for id in EndpointId::ALL {
        let endpoint = id.descriptor();
        for method in std::iter::once(&endpoint.method).chain(endpoint.alternate_method.as_ref()) {
            assert!(
                seen.insert((method.clone(), endpoint.path)),
                "{method} {} twice",
                endpoint.path
            );
        }
    }
}

#[test]
fn every_template_parameter_is_a_known_path_param() {
    for id in EndpointId::ALL {
        let endpoint = id.descriptor();
        assert_eq!(
            endpoint.path_params().count(),
            endpoint.path.matches(':').count(),
            "{id} has a parameter PathParam does not name"
        );
    }
}

#[test]
fn match_request_inverts_render_path_for_every_endpoint_and_method() {
    for id in EndpointId::ALL {
        let endpoint = id.descriptor();
        let params = sample_params(*id);
        let path = endpoint.render_path(&params).unwrap();
        assert!(!path.contains(':'), "{path}");
        for method in std::iter::once(&endpoint.method).chain(endpoint.alternate_method.as_ref()) {
            assert_eq!(
                EndpointId::match_request(method, &path),
                Some((*id, params)),
                "{method} {path}"
            );
        }
    }
}

#[test]
fn reserved_segments_are_not_read_as_ids() {
    let get = |path| EndpointId::match_request(&Method::GET, path).map(|(id, _)| id);
    assert_eq!(get("/2/users/me"), Some(EndpointId::V2Me));
    assert_eq!(get("/2/users/by"), Some(EndpointId::V2UsersByUsernames));
    assert_eq!(get("/2/users"), Some(EndpointId::V2UsersByIds));
    assert_eq!(get("/2/users/2244994945"), Some(EndpointId::V2UserById));
    assert_eq!(
        get("/2/users/by/username/me"),
        Some(EndpointId::V2UserByUsername)
    );
    assert_eq!(get("/2/users/me/followers"), None);
}

#[test]
fn match_request_rejects_near_misses() {
    let cases = [
        (Method::GET, "/1.1/followers/ids.json/"),
        (Method::GET, "/1.1/followers/ids"),
        (Method::GET, "1.1/followers/ids.json"),
        (Method::GET, "/1.1/followers/ids.json?cursor=-1"),
        (Method::POST, "/1.1/followers/ids.json"),
        (Method::GET, "/1.1/friendships/create.json"),
        (Method::PUT, "/2/users/12/following"),
        (Method::DELETE, "/2/users/12/following"),
        (Method::GET, "/2/users/12345678901234567890"),
        (Method::GET, "/2/users/-1"),
        (Method::GET, "/2/users/"),
        (Method::GET, "/2/users//followers"),
        (Method::GET, "/2/users/by/username/sixteen_chars_xx"),
        (Method::GET, "/2/users/by/username/has%20space"),
        (Method::GET, "/2/users/by/username/caf\u{e9}"),
        (Method::GET, ""),
        (Method::GET, "/"),
    ];
    for (method, path) in cases {
        assert_eq!(
            EndpointId::match_request(&method, path),
            None,
            "{method} {path:?}"
        );
    }
}

#[test]
fn render_path_names_the_parameter_that_is_wrong() {
    let unfollow = EndpointId::V2Unfollow.descriptor();
    let only_source = PathParams::new().with(PathParam::SourceUserId, "12");
    assert_eq!(
        unfollow.render_path(&only_source),
        Err(PathError::Missing {
            endpoint: EndpointId::V2Unfollow,
            param: PathParam::TargetUserId
        })
    );

    let follow = EndpointId::V2Follow.descriptor();
    for bad in ["", "12/../34", "1e5", "12345678901234567890", " 12", "１２"] {
        let params = PathParams::new().with(PathParam::Id, bad);
        assert!(
            matches!(
                follow.render_path(&params),
                Err(PathError::Invalid {
                    param: PathParam::Id,
                    ..
                })
            ),
            "{bad:?}"
        );
    }

    let by_name = EndpointId::V2UserByUsername.descriptor();
    for bad in ["", "a-b", "a b", "a%2Fb", "sixteen_chars_xx", "naïve"] {
        let params = PathParams::new().with(PathParam::Username, bad);
        assert!(
            matches!(
                by_name.render_path(&params),
                Err(PathError::Invalid {
                    param: PathParam::Username,
                    ..
                })
            ),
            "{bad:?}"
        );
    }

    let extra = PathParams::new()
        .with(PathParam::Id, "12")
        .with(PathParam::Username, "jack");
    assert_eq!(
        follow.render_path(&extra),
        Err(PathError::Unexpected {
            endpoint: EndpointId::V2Follow,
            param: PathParam::Username
        })
    );
    assert_eq!(
        EndpointId::FollowersIds.descriptor().render_path(&extra),
        Err(PathError::Unexpected {
            endpoint: EndpointId::FollowersIds,
            param: PathParam::Id
        })
    );
    assert_eq!(
        EndpointId::FollowersIds
            .descriptor()
            .render_path(&PathParams::new())
            .as_deref(),
        Ok("/1.1/followers/ids.json")
    );

    let long = "9".repeat(500);
    let Err(error) = follow.render_path(&PathParams::new().with(PathParam::Id, &long)) else {
        panic!("a 500-digit id was accepted");
    };
    assert!(error.to_string().len() < 200, "{error}");
}

#[test]
fn auth_modes_follow_what_x_enforces() {
    let refuses_app_only: Vec<_> = EndpointId::ALL
        .iter()
        .copied()
        .filter(|id| !id.descriptor().auth.contains(AuthMode::AppOnly))
        .collect();
    assert_eq!(
        refuses_app_only,
        [
            EndpointId::FriendshipsIncoming,
            EndpointId::FriendshipsLookup,
            EndpointId::FriendshipsNoRetweetsIds,
            EndpointId::FriendshipsOutgoing,
            EndpointId::UsersSearch,
            EndpointId::FriendshipsCreate,
            EndpointId::FriendshipsDestroy,
            EndpointId::FriendshipsUpdate,
            EndpointId::V2Follow,
            EndpointId::V2Unfollow,
            EndpointId::V2Me,
            EndpointId::V2UsersSearch,
        ]
    );
    for id in EndpointId::ALL {
        let endpoint = id.descriptor();
        assert!(endpoint.auth.contains(AuthMode::OAuth1User), "{id}");
        // OAuth 2.0 user tokens are a v2 credential.
        assert_eq!(
            endpoint.auth.contains(AuthMode::OAuth2User),
            endpoint.version == ApiVersion::V2,
            "{id}"
        );
        // A documented app-only window implies app-only is accepted, and the reverse for reads
        // (but for affiliates, which X's rate-limit table does not list at all).
        if *id == EndpointId::V2Affiliates {
            assert_eq!(endpoint.window.user, None);
            assert_eq!(endpoint.window.app, None);
            continue;
        }
        assert_eq!(
            endpoint.window.app.is_some(),
            endpoint.auth.contains(AuthMode::AppOnly),
            "{id}"
        );
    }
}

#[test]
fn daily_caps_are_one_budget_per_action_across_versions() {
    let users_of = |bucket| -> Vec<_> {
        EndpointId::ALL
            .iter()
            .copied()
            .filter(|id| id.descriptor().daily == Some(bucket))
            .collect()
    };
    assert_eq!(
        users_of(DailyBucket::Follow),
        [EndpointId::FriendshipsCreate, EndpointId::V2Follow]
    );
    assert_eq!(
        users_of(DailyBucket::Unfollow),
        [EndpointId::FriendshipsDestroy, EndpointId::V2Unfollow]
    );
    assert_eq!(
        (
            DailyBucket::Follow.caps().user,
            DailyBucket::Follow.caps().app
        ),
        (Some(400), Some(1_000))
    );
    assert_eq!(
        (
            DailyBucket::Unfollow.caps().user,
            DailyBucket::Unfollow.caps().app
        ),
        (None, Some(500))
    );
}

#[test]
fn page_sizes_and_pagination_agree() {
    for id in EndpointId::ALL {
        let endpoint = id.descriptor();
        if let Some(page) = endpoint.page_size {
            assert!(page.min <= page.default && page.default <= page.max, "{id}");
            assert!(
                page.accepts(page.default) && !page.accepts(page.max + 1) && !page.accepts(0),
                "{id}"
            );
            assert_ne!(endpoint.pagination, Pagination::None, "{id}");
        }
        assert_eq!(
            endpoint.result_cap.is_some(),
            endpoint.pagination == Pagination::Page,
            "{id}"
        );
        assert!(
            endpoint.idempotent,
            "{id}: X documents every write of this family as repeatable"
        );
    }
    let search = EndpointId::UsersSearch.descriptor();
    assert_eq!(
        (search.page_size.map(|p| p.max), search.result_cap),
        (Some(20), Some(1_000))
    );
}

#[test]
fn endpoint_ids_serialize_as_their_names() {
    for id in EndpointId::ALL {
        let json = serde_json::to_value(id).unwrap();
        assert_eq!(json, json!(id.name()));
        assert_eq!(serde_json::from_value::<EndpointId>(json).unwrap(), *id);
    }
}

/// An endpoint's request type, seen through a visitor: its `ENDPOINT` and its name.
struct RequestOf;

impl EndpointVisitor for RequestOf {
    type Output = (EndpointId, &'static str);
}

impl<R: ApiRequest> VisitRequest<R> for RequestOf {
    fn visit(self) -> (EndpointId, &'static str) {
        (R::ENDPOINT, std::any::type_name::<R>())
    }
}

#[test]
fn every_id_visits_its_own_request_type() {
    let mut types = HashSet::new();
    for id in EndpointId::ALL {
        let (endpoint, type_name) = id.visit(RequestOf);
        assert_eq!(endpoint, *id, "{id} visits {type_name}");
        assert!(types.insert(type_name), "{type_name} serves two endpoints");
    }
}

#[test]
fn the_whole_table_is_pinned() {
    let daily: Vec<_> = DailyBucket::ALL
        .iter()
        .map(|bucket| json!({ "bucket": bucket, "caps": bucket.caps() }))
        .collect();
    let endpoints: Vec<_> = EndpointId::ALL.iter().map(|id| id.descriptor()).collect();
    insta::assert_json_snapshot!(
        "endpoint_table",
        json!({ "daily_buckets": daily, "endpoints": endpoints })
    );
}

fn arbitrary_path() -> impl Strategy<Value = String> {
    let segment = prop_oneof![
        Just("1.1".to_owned()),
        Just("2".to_owned()),
        Just("users".to_owned()),
        Just("by".to_owned()),
        Just("username".to_owned()),
        Just("me".to_owned()),
        Just("following".to_owned()),
        Just("followers".to_owned()),
        Just("followers".to_owned()),
        Just("ids.json".to_owned()),
        "[0-9]{0,21}",
        "[A-Za-z0-9_%.-]{0,17}",
    ];
    prop::collection::vec(segment, 0..6).prop_map(|segments| format!("/{}", segments.join("/")))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Whatever a server receives, a match renders back to exactly the path it came from.
    #[test]
    fn a_matched_path_renders_back_to_itself(
        path in prop_oneof![arbitrary_path(), any::<String>()],
        method in prop_oneof![Just(Method::GET), Just(Method::POST), Just(Method::DELETE)],
    ) {
        if let Some((id, params)) = EndpointId::match_request(&method, &path) {
            prop_assert_eq!(id.descriptor().render_path(&params), Ok(path.clone()));
        }
    }
}
