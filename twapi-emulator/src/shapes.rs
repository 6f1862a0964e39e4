//! The shapes X's v2 API documents for its parameters (the OpenAPI spec's `pattern`s), and the
//! loose routing that lets a v2 path with a misshapen parameter reach X's answer.
//!
//! twapi-core's router only matches a path whose parameters have the documented shape (a
//! client must never send another). X routes on the path's structure first and then checks
//! each parameter: `GET /2/users/by/username/<17 characters>` is a 400 `invalid-request`
//! problem quoting `^[A-Za-z0-9_]{1,15}$`, not a 404. [`route_loosely`] finds the endpoint by
//! structure alone, so the request goes through authentication and limits like any other, and
//! its typed read then fails with the message that [`pattern`] completes.

use http::Method;
use twapi_core::endpoint::{ApiVersion, EndpointId, PathParam, PathParams};

use crate::answer::Answer;
use crate::errors;

/// A username, as the spec writes it for `username` and each of `usernames`, and as X quotes
/// it when a value breaks it.
pub(crate) const USERNAME: &str = "^[A-Za-z0-9_]{1,15}$";

/// The pattern X quotes in the `invalid-request` message of a value that breaks it (`does not
/// match <pattern>`): the username's, and search's `query`. An id that breaks
/// `^[0-9]{1,19}$` is only "not valid" in X's words (a recorded body: ``The `id` query
/// parameter value [:id] is not valid``), so it has none here.
pub(crate) fn pattern(param: &str) -> Option<&'static str> {
    match param {
        "username" | "usernames" => Some(USERNAME),
        "query" => Some(twapi_core::request::v2::SEARCH_QUERY_PATTERN),
        _ => None,
    }
}

/// The fields and expansions every v2 user endpoint takes, in the order X lists them
/// (`tweet.fields` also under its 2.167 name, `post.fields`).
const FIELDS: [&str; 3] = ["expansions", "tweet.fields", "user.fields"];

/// The parameters of a v2 endpoint as the OpenAPI spec lists them, path parameters first, as X
/// names them in its answer to one it does not know (``The query parameter [foo] is not one
/// of [username,expansions,tweet.fields,user.fields]``); `None` for v1.1, which ignores
/// parameters it does not know. tests/leniency.rs checks each list against the spec.
pub(crate) fn parameters(endpoint: EndpointId) -> Option<Vec<&'static str>> {
    let (own, fields): (&[&str], bool) = match endpoint {
        EndpointId::V2Followers | EndpointId::V2Following | EndpointId::V2Affiliates => {
            (&["id", "max_results", "pagination_token"], true)
        }
        EndpointId::V2Follow => (&["id"], false),
        EndpointId::V2Unfollow => (&["source_user_id", "target_user_id"], false),
        EndpointId::V2UsersByIds => (&["ids"], true),
        EndpointId::V2UserById => (&["id"], true),
        EndpointId::V2UsersByUsernames => (&["usernames"], true),
        EndpointId::V2UserByUsername => (&["username"], true),
        EndpointId::V2Me => (&[], true),
        EndpointId::V2UsersSearch => (&["query", "max_results", "next_token"], true),
        _ => return None,
    };
    let fields: &[&str] = if fields { &FIELDS } else { &[] };
    Some(own.iter().chain(fields).copied().collect())
}

/// X's answer to the first query parameter that `endpoint` does not take, if any.
pub(crate) fn unknown_parameter(endpoint: EndpointId, query: &str) -> Option<Answer> {
    let known = parameters(endpoint)?;
    let takes = |name: &str| {
        known.contains(&name) || (name == "post.fields" && known.contains(&"tweet.fields"))
    };
    let (name, value) = query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| pair.split_once('=').unwrap_or((pair, "")))
        .find(|(name, _)| !takes(name))?;
    let decoded = |text: &str| {
        twapi_auth::percent::decode(text)
            .map_or_else(|_| text.to_owned(), std::borrow::Cow::into_owned)
    };
    let (name, value) = (decoded(name), decoded(value));
    Some(errors::v2_invalid(
        &name,
        &value,
        format!(
            "The query parameter [{name}] is not one of [{}]",
            known.join(",")
        ),
    ))
}

/// The v2 endpoint whose path template `path` follows, each `:param` standing for any one
/// non-empty segment, with the segments as they came (misshapen ones included). Only used
/// once the strict match failed: a path that matches strictly matches here the same way.
pub(crate) fn route_loosely<'p>(
    method: &Method,
    path: &'p str,
) -> Option<(EndpointId, PathParams<'p>)> {
    EndpointId::ALL.iter().find_map(|&endpoint| {
        let descriptor = endpoint.descriptor();
        let method_fits =
            descriptor.method == *method || descriptor.alternate_method.as_ref() == Some(method);
        if descriptor.version != ApiVersion::V2 || !method_fits {
            return None;
        }
        let mut params = PathParams::new();
        let mut wanted = descriptor.path.split('/');
        let mut given = path.split('/');
        loop {
            match (wanted.next(), given.next()) {
                (None, None) => return Some((endpoint, params)),
                (Some(want), Some(value)) => match want.strip_prefix(':').and_then(param_named) {
                    Some(param) if !value.is_empty() => params = params.with(param, value),
                    None if want == value => {}
                    _ => return None,
                },
                _ => return None,
            }
        }
    })
}

/// X's `invalid-request` answer to the first path parameter that does not have its documented
/// shape (a 20-digit id parses as a `u64` but breaks `^[0-9]{1,19}$`), if any.
pub(crate) fn misshapen(params: &PathParams<'_>) -> Option<Answer> {
    let (param, value) = params.iter().find(|(param, value)| !param.accepts(value))?;
    let name = param.name();
    let message = match pattern(name) {
        Some(pattern) => {
            format!("The `{name}` query parameter value [{value}] does not match {pattern}")
        }
        None => format!("The `{name}` query parameter value [{value}] is not valid"),
    };
    Some(errors::v2_invalid(name, value, message))
}

fn param_named(name: &str) -> Option<PathParam> {
    PathParam::ALL
        .into_iter()
        .find(|param| param.name() == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_misshapen_username_or_id_still_names_its_endpoint() {
        let (endpoint, params) =
            route_loosely(&Method::GET, "/2/users/by/username/seventeen_chars_x").unwrap();
        assert_eq!(endpoint, EndpointId::V2UserByUsername);
        assert_eq!(params.get(PathParam::Username), Some("seventeen_chars_x"));
        let (endpoint, params) = route_loosely(&Method::GET, "/2/users/abc/followers").unwrap();
        assert_eq!(endpoint, EndpointId::V2Followers);
        assert_eq!(params.get(PathParam::Id), Some("abc"));
        // Structure still decides: no such path, no endpoint; v1.1 is not routed loosely.
        assert!(route_loosely(&Method::GET, "/2/users/abc/nothing").is_none());
        assert!(route_loosely(&Method::GET, "/2/users//followers").is_none());
        assert!(route_loosely(&Method::GET, "/1.1/users/show.json").is_none());
    }

    #[test]
    fn the_quoted_patterns_are_the_specs() {
        assert_eq!(pattern("username"), Some("^[A-Za-z0-9_]{1,15}$"));
        assert_eq!(pattern("ids"), None);
        assert_eq!(pattern("max_results"), None);
    }

    #[test]
    fn unknown_query_parameters_are_named_with_the_known_ones() {
        let answer = unknown_parameter(
            EndpointId::V2UserByUsername,
            "user.fields=id&oauth_nonce=n%20x",
        )
        .unwrap();
        let body: serde_json::Value = serde_json::from_slice(&answer.body).unwrap();
        assert_eq!(
            body["errors"][0]["message"],
            "The query parameter [oauth_nonce] is not one of [username,expansions,tweet.fields,user.fields]"
        );
        assert_eq!(body["errors"][0]["parameters"]["oauth_nonce"][0], "n x");
        assert!(
            unknown_parameter(
                EndpointId::V2UserByUsername,
                "post.fields=id&expansions=pinned_tweet_id"
            )
            .is_none()
        );
        assert!(unknown_parameter(EndpointId::UsersShow, "anything=1").is_none());
    }
}
