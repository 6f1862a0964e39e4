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

/// A user id, as the spec writes it for `id`, `source_user_id`, `target_user_id` and each of
/// `ids`.
pub(crate) const USER_ID: &str = "^[0-9]{1,19}$";
/// A username, as the spec writes it for `username` and each of `usernames`.
pub(crate) const USERNAME: &str = "^[A-Za-z0-9_]{1,15}$";

/// X's pattern for a v2 parameter (path or query), when the spec gives one; X quotes it in
/// the `invalid-request` message of a value that does not match (`does not match <pattern>`).
pub(crate) fn pattern(param: &str) -> Option<&'static str> {
    match param {
        "id" | "source_user_id" | "target_user_id" | "ids" => Some(USER_ID),
        "username" | "usernames" => Some(USERNAME),
        "query" => Some(twapi_core::request::v2::SEARCH_QUERY_PATTERN),
        _ => None,
    }
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
    let pattern = pattern(name).unwrap_or(USER_ID);
    Some(errors::v2_invalid(
        name,
        value,
        format!("The `{name}` query parameter value [{value}] does not match {pattern}"),
    ))
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
    fn the_patterns_are_the_specs() {
        assert_eq!(pattern("username"), Some("^[A-Za-z0-9_]{1,15}$"));
        assert_eq!(pattern("ids"), Some("^[0-9]{1,19}$"));
        assert_eq!(pattern("max_results"), None);
    }
}
