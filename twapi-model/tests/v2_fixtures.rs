//! The v2 model against hand-written fixtures modelled on the 2.159 spec and real bodies:
//! each fixture decodes to the value its snapshot pins, and encodes back to its own wire shape.

use std::fmt::Debug;

use serde::Serialize;
use serde::de::DeserializeOwned;
use twapi_model::v2::{
    ConnectionStatus, ConnectionStatuses, Error, ErrorBody, FollowResponse, ForbiddenReason,
    PaginationToken, Problem, ProblemKind, ProblemType, ResourceType, Section, SubscriptionType,
    UnfollowResponse, UsagePeriod, UsageScope, UserPage, UserResponse, VerifiedType, WithheldScope,
};
use twapi_model::{TweetId, UserId};

fn fixture(name: &str) -> Vec<u8> {
    let path = format!(
        "{}/tests/fixtures/v2/{name}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Removes every object key named in `dropped`, at any depth: the fields the model ignores.
fn strip(value: &mut serde_json::Value, dropped: &[&str]) {
    match value {
        serde_json::Value::Object(map) => {
            map.retain(|k, _| !dropped.contains(&k.as_str()));
            map.values_mut().for_each(|v| strip(v, dropped));
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(|v| strip(v, dropped)),
        _ => {}
    }
}

/// Decodes a fixture, checks that it encodes back to exactly the fixture's JSON (less the
/// `dropped` keys the model does not name) and that the encoding decodes to the same value.
fn decode_exact<T>(name: &str, dropped: &[&str]) -> T
where
    T: DeserializeOwned + Serialize + PartialEq + Debug,
{
    let bytes = fixture(name);
    let value: T = twapi_model::decode(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
    let mut wire: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    strip(&mut wire, dropped);
    let encoded = serde_json::to_value(&value).unwrap();
    assert_eq!(
        encoded, wire,
        "{name} does not encode back to its wire shape"
    );
    let again: T = serde_json::from_value(encoded).unwrap();
    assert_eq!(
        again, value,
        "{name} does not survive decode → encode → decode"
    );
    value
}

#[test]
fn user_with_every_field() {
    let r: UserResponse = decode_exact("user_all_fields", &[]);
    let user = r.data.as_ref().unwrap();
    assert_eq!(user.id, UserId::new(1_263_519_744_357_920_768));
    assert_eq!(user.name, "Ana Ruiz ✈️ 🇪🇸");
    assert_eq!(
        user.created_at.unwrap().unix_timestamp(),
        1_590_080_592,
        "2020-05-21T17:03:12Z"
    );
    assert_eq!(
        user.most_recent_tweet_id,
        Some(TweetId::new(1_820_003_711_234_567_890))
    );
    assert_eq!(user.verified_type, Some(VerifiedType::Blue));
    assert_eq!(user.subscription_type, Some(SubscriptionType::Premium));
    let connected = user.connection_status.as_ref().unwrap();
    assert!(
        connected
            .iter()
            .eq(&[ConnectionStatus::FollowedBy, ConnectionStatus::Following])
    );
    assert_eq!(user.public_metrics.unwrap().like_count, Some(20_411));
    let description = user
        .entities
        .as_ref()
        .and_then(|e| e.description.as_ref())
        .unwrap();
    assert_eq!(description.cashtags[0].tag, "AIR");
    let includes = r.includes.as_ref().unwrap();
    assert_eq!(includes.tweets.len(), 2);
    assert_eq!(Some(includes.tweets[0].id), user.pinned_tweet_id);
    assert_eq!(
        includes.tweets[1].edit_history_tweet_ids.last(),
        Some(&includes.tweets[1].id)
    );
    insta::assert_debug_snapshot!("user_all_fields", r);
}

#[test]
fn encoded_user_has_the_wire_shape() {
    let r: UserResponse = decode_exact("user_all_fields", &[]);
    insta::assert_json_snapshot!("user_all_fields_encoded", r.data.unwrap());
}

#[test]
fn users_with_default_fields_unicode_and_large_ids() {
    let page: UserPage = decode_exact("users_default_fields", &[]);
    let ids: Vec<u64> = page.items().iter().map(|u| u.id.get()).collect();
    assert_eq!(
        ids,
        [
            12,
            1_376_998_163_739_987_969,
            9_007_199_254_740_993,
            u64::MAX,
            1_522_919_346_275_766_272
        ]
    );
    assert!(page.items().iter().all(|u| u.created_at.is_none()));
    assert_eq!(page.items()[3].name, "Max \"u64\" \\ Tester\n");
    assert_eq!(
        page.next_token().map(PaginationToken::as_str),
        Some("7140dibdnow9c7btw3w29grvxfcgvpb9n9coehpk7xz5i")
    );
    assert!(page.previous_token().is_some());
    insta::assert_debug_snapshot!("users_default_fields", page);
}

#[test]
fn followers_page_with_every_field() {
    let page: UserPage = decode_exact("followers_all_fields", &[]);
    // The hot-path reader gives the same page.
    assert_eq!(
        UserPage::decode(&fixture("followers_all_fields")),
        Ok(page.clone())
    );
    let marta = &page.items()[0];
    assert!(
        marta
            .description
            .as_deref()
            .unwrap()
            .starts_with("Ilustradora ✨ \"dibujo")
    );
    assert_eq!(
        page.items()[1].verified_type,
        Some(VerifiedType::Government)
    );
    assert_eq!(page.items()[2].id, UserId::new(9_223_372_036_854_775_807));
    assert_eq!(
        page.next_token().map(PaginationToken::as_str),
        Some("DFEDBNRFT3MHCZZZ")
    );
    insta::assert_debug_snapshot!("followers_all_fields", page);
}

#[test]
fn last_page_has_no_next_token() {
    let page: UserPage = decode_exact("followers_last_page", &[]);
    assert_eq!(page.items().len(), 2);
    assert_eq!(page.next_token(), None);
    assert_eq!(page.meta.as_ref().unwrap().result_count, Some(2));
    insta::assert_debug_snapshot!("followers_last_page", page);
}

#[test]
fn empty_page_has_no_data() {
    let page: UserPage = decode_exact("followers_empty_page", &[]);
    assert_eq!(page.data, None);
    assert!(page.items().is_empty());
    assert!(page.errors.is_empty());
    assert_eq!(page.meta.as_ref().unwrap().result_count, Some(0));
    assert_eq!(page.next_token(), None);
    assert!(page.clone().into_items().is_empty());
    insta::assert_debug_snapshot!("followers_empty_page", page);
}

#[test]
fn a_200_with_only_errors() {
    let page: UserPage = decode_exact("users_lookup_not_found", &[]);
    assert_eq!(page.data, None);
    assert_eq!(page.errors.len(), 2);
    // Both hosts give the same kind; each type keeps its own URI.
    assert!(
        page.errors
            .iter()
            .all(|p| p.kind() == &ProblemKind::ResourceNotFound)
    );
    assert_eq!(
        page.errors[0].r#type.as_str(),
        "https://api.twitter.com/2/problems/resource-not-found"
    );
    assert_eq!(
        page.errors[1].r#type.as_str(),
        "https://api.x.com/2/problems/resource-not-found"
    );
    assert_eq!(page.errors[1].parameter.as_deref(), Some("usernames"));
    // The same body read as an error body: the problems, nothing else.
    let body: ErrorBody = twapi_model::decode(&fixture("users_lookup_not_found")).unwrap();
    assert_eq!(body, ErrorBody::Problems(page.errors.clone()));
    // And a single-user endpoint answering "not found" decodes the same way.
    let one: UserResponse = twapi_model::decode(&fixture("users_lookup_not_found")).unwrap();
    assert_eq!(one.data, None);
    assert_eq!(one.errors, page.errors);
    insta::assert_debug_snapshot!("users_lookup_not_found", page);
}

#[test]
fn data_with_partial_errors() {
    let page: UserPage = decode_exact("users_lookup_partial", &[]);
    assert_eq!(page.items().len(), 2);
    assert_eq!(page.items()[1].protected, Some(true));
    let kinds: Vec<&ProblemKind> = page.errors.iter().map(Problem::kind).collect();
    assert_eq!(
        kinds,
        [
            &ProblemKind::ResourceUnavailable,
            &ProblemKind::NotAuthorizedForResource,
            &ProblemKind::NotAuthorizedForField
        ]
    );
    assert_eq!(page.errors[1].section, Some(Section::Includes));
    assert_eq!(page.errors[1].resource_type, Some(ResourceType::Tweet));
    assert_eq!(page.errors[1].resource_id, None);
    assert_eq!(page.errors[2].field.as_deref(), Some("confirmed_email"));
    insta::assert_debug_snapshot!("users_lookup_partial", page);
}

/// Decodes an error fixture as an [`ErrorBody`] and, when it is one problem, as a [`Problem`].
fn error_fixture(name: &str, dropped: &[&str]) -> ErrorBody {
    let body: ErrorBody = decode_exact(name, dropped);
    if let ErrorBody::Problem(p) = &body {
        let direct: Problem = decode_exact(name, dropped);
        assert_eq!(&direct, p.as_ref());
    }
    body
}

fn only_problem(body: &ErrorBody) -> &Problem {
    match body.problems() {
        [p] => p,
        other => panic!("expected one problem, got {other:?}"),
    }
}

#[test]
fn about_blank_401_and_429() {
    let unauthorized = error_fixture("error_unauthorized", &[]);
    let p = only_problem(&unauthorized);
    assert_eq!(p.kind(), &ProblemKind::AboutBlank);
    assert_eq!(p.r#type.as_str(), "about:blank");
    assert_eq!((p.status, p.title.as_str()), (Some(401), "Unauthorized"));
    assert_eq!(p.to_string(), "Unauthorized: Unauthorized");

    let too_many = error_fixture("error_too_many_requests", &[]);
    let p = only_problem(&too_many);
    assert_eq!(p.kind(), &ProblemKind::AboutBlank);
    assert_eq!(p.status, Some(429));
    insta::assert_debug_snapshot!("error_about_blank", (unauthorized, too_many));
}

#[test]
fn client_forbidden() {
    let body = error_fixture("error_client_forbidden", &[]);
    let p = only_problem(&body);
    assert_eq!(p.kind(), &ProblemKind::ClientForbidden);
    assert_eq!(p.reason, Some(ForbiddenReason::ClientNotEnrolled));
    assert_eq!(p.client_id.as_deref(), Some("31415926"));
    assert_eq!(
        p.required_enrollment.as_deref(),
        Some("Appropriate Level of API Access")
    );
    insta::assert_debug_snapshot!("error_client_forbidden", body);
    insta::assert_json_snapshot!("error_client_forbidden_encoded", p);
}

#[test]
fn usage_capped() {
    let body = error_fixture("error_usage_capped", &[]);
    let p = only_problem(&body);
    assert_eq!(p.kind(), &ProblemKind::UsageCapped);
    assert_eq!(
        p.r#type,
        ProblemType::new_x(ProblemKind::UsageCapped),
        "the api.x.com host is kept"
    );
    assert_eq!(
        (p.period.as_ref(), p.scope.as_ref()),
        (Some(&UsagePeriod::Monthly), Some(&UsageScope::Product))
    );
    insta::assert_debug_snapshot!("error_usage_capped", body);
}

#[test]
fn unsupported_authentication_keeps_the_double_space() {
    let body = error_fixture("error_unsupported_authentication", &[]);
    let p = only_problem(&body);
    assert_eq!(p.kind(), &ProblemKind::UnsupportedAuthentication);
    assert!(
        p.detail
            .as_deref()
            .unwrap()
            .contains("endpoint.  Supported")
    );
    insta::assert_debug_snapshot!("error_unsupported_authentication", body);
}

#[test]
fn invalid_request_with_errors_before_its_type() {
    let body = error_fixture("error_invalid_request", &[]);
    let p = only_problem(&body);
    assert_eq!(p.kind(), &ProblemKind::InvalidRequest);
    assert_eq!(p.errors.len(), 2);
    assert_eq!(
        p.errors[1].parameters.as_ref().unwrap()["max_results"],
        ["5000"]
    );
    insta::assert_debug_snapshot!("error_invalid_request", body);
}

#[test]
fn unknown_problem_type_is_kept_verbatim() {
    let body = error_fixture("error_unknown_type", &["quota_id"]);
    let p = only_problem(&body);
    assert_eq!(p.kind(), &ProblemKind::Unknown("quota-rebalanced".into()));
    assert_eq!(
        p.r#type.as_str(),
        "https://api.x.com/2/problems/quota-rebalanced"
    );
    assert_eq!(
        p.resource_type,
        Some(ResourceType::Unknown("project".into()))
    );
    insta::assert_debug_snapshot!("error_unknown_type", body);
}

#[test]
fn code_and_message_error() {
    let body = error_fixture("error_code_message", &[]);
    assert_eq!(
        body,
        ErrorBody::Error(Error {
            code: 130,
            message: "Over capacity".into()
        })
    );
    assert!(body.problems().is_empty());
}

#[test]
fn not_an_error_body() {
    for bad in [
        &b"{}"[..],
        br#"{"data":{"following":true}}"#,
        br#"{"title":"no type"}"#,
        br#"{"type":"about:blank"}"#,
        br#"{"code":88}"#,
        br#"{"errors":[{"code":88,"message":"Rate limit exceeded"}]}"#,
        b"[]",
    ] {
        assert!(
            twapi_model::decode::<ErrorBody>(bad).is_err(),
            "{} accepted",
            String::from_utf8_lossy(bad)
        );
    }
}

#[test]
fn unknown_enum_values_and_fields() {
    let r: UserResponse = decode_exact("user_unknown_values", &["a_field_from_the_future"]);
    let user = r.data.as_ref().unwrap();
    assert_eq!(
        user.verified_type,
        Some(VerifiedType::Unknown("gold_plus".into()))
    );
    assert_eq!(
        user.subscription_type,
        Some(SubscriptionType::Unknown("PremiumBusiness".into()))
    );
    let connected = user.connection_status.as_ref().unwrap();
    assert!(connected.iter().eq(&[
        ConnectionStatus::Following,
        ConnectionStatus::Unknown("subscribed_to".into())
    ]));
    let withheld = user.withheld.as_ref().unwrap();
    assert_eq!(withheld.country_codes, ["DE", "TR"]);
    assert_eq!(
        withheld.scope,
        Some(WithheldScope::Unknown("account".into()))
    );
    insta::assert_debug_snapshot!("user_unknown_values", r);
}

#[test]
fn empty_connection_status_differs_from_absent() {
    let r: UserResponse = decode_exact("user_no_connection", &[]);
    let user = r.data.unwrap();
    assert_eq!(user.connection_status, Some(ConnectionStatuses::new()));
    assert_eq!(user.verified_type, Some(VerifiedType::None));
    assert_eq!(user.subscription_type, Some(SubscriptionType::None));
}

#[test]
fn follow_and_unfollow_results() {
    let public: FollowResponse = decode_exact("follow_public", &[]);
    let protected: FollowResponse = decode_exact("follow_protected", &[]);
    let unfollow: UnfollowResponse = decode_exact("unfollow", &[]);
    let p = protected.data.unwrap();
    assert!(!p.following && p.pending_follow == Some(true));
    assert!(!unfollow.data.unwrap().following);
    insta::assert_debug_snapshot!("follow_results", (public, protected, unfollow));
}
