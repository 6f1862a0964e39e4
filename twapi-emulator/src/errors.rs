//! Errors exactly as X sends them: v1.1 `{"errors":[{"code","message"}]}` bodies with the
//! status X pairs with each code (from twapi-core's [`ErrorCode`] table), v2 problems (top
//! level for 400/401/403/429, partial errors beside `data` on 200), and X's few odd shapes.
//!
//! Choices where X's exact answer is not on record, kept consistent:
//! - a v1.1 parameter that is missing: 400 code 38 `"<name> parameter is missing."`; one that
//!   is malformed or out of range: 400 code 44 `"<name> parameter is invalid."` (X's codes
//!   for those two cases);
//! - a request the HTTP server cannot read at all (a garbage request line, a head over 16 KiB
//!   or with more than 100 headers) gets hyper's own bare 400 or 431, as X's front end
//!   answers such requests with a page of its own, not an API body (see `crate::server`);
//! - a body over 1 MiB, or one that breaks off: 413 or 400
//!   `{"errors":[{"code":413,"message":"Payload Too Large"}]}` (the code is the HTTP status,
//!   as X's edge does for errors no API code names). Both v1.1 and v2 clients read that shape
//!   (it is also v2's `{code, message}` error);
//! - v2 authentication failures are X's bare `401 Unauthorized` problem whatever the cause.

use bytes::Bytes;
use http::StatusCode;
use twapi_core::endpoint::{ApiVersion, AuthMode, AuthModes};
use twapi_core::error_code::ErrorCode;
use twapi_core::param::{Invalid, InvalidRequest};
use twapi_model::CompactString;
use twapi_model::v1::{ErrorBody, ErrorEntry};
use twapi_model::v2::{
    InvalidRequestError, Problem, ProblemKind, ProblemType, ResourceType, Section,
};

use crate::answer::Answer;
use crate::auth::{AuthFailure, mode_name};
use crate::shapes;

/// X's code for a missing parameter.
const PARAMETER_MISSING: u32 = 38;
/// X's code for an invalid parameter.
const PARAMETER_INVALID: u32 = 44;

/// A v1.1 error body with one coded error.
pub(crate) fn v1(status: StatusCode, code: u32, message: &str) -> Answer {
    let body = ErrorBody::Errors(vec![ErrorEntry {
        code,
        message: message.into(),
        label: None,
    }]);
    Answer::v1(status, &body)
}

/// A v1.1 error body for a named code, with X's message and status.
pub(crate) fn code(code: ErrorCode) -> Answer {
    v1(
        code.http_status().unwrap_or(StatusCode::BAD_REQUEST),
        code.code(),
        code.message().unwrap_or("Error"),
    )
}

/// A v1.1 error body for a named code sent with another status than the table's (108, which
/// X documents without one).
pub(crate) fn code_with_status(code: ErrorCode, status: StatusCode) -> Answer {
    v1(status, code.code(), code.message().unwrap_or("Error"))
}

/// `{"request": "/1.1/...", "error": "Not authorized."}`: what v1.1 answers (401) for the
/// lists of a protected account the caller may not see.
pub(crate) fn not_authorized(path: &str) -> Answer {
    let body = ErrorBody::Error {
        error: "Not authorized.".into(),
        request: Some(path.into()),
    };
    Answer::v1(StatusCode::UNAUTHORIZED, &body)
}

/// An error of the HTTP layer, in the shape both API versions read.
pub(crate) fn transport(status: StatusCode) -> Answer {
    v1(
        status,
        u32::from(status.as_u16()),
        status.canonical_reason().unwrap_or("Bad Request"),
    )
}

/// `404` code 34, for any path that is not an endpoint.
pub(crate) fn page_does_not_exist() -> Answer {
    code(ErrorCode::PageDoesNotExist)
}

/// A v2 `about:blank` problem: `{"title","detail","type":"about:blank","status"}`.
pub(crate) fn blank(status: StatusCode, detail: &str) -> Answer {
    let mut problem = Problem::new(
        ProblemType::new_x(ProblemKind::AboutBlank),
        status.canonical_reason().unwrap_or("Error"),
    );
    problem.detail = Some(detail.into());
    problem.status = Some(status.as_u16());
    Answer::problem(status, &problem)
}

/// 400 code 38: a v1.1 parameter that is required is missing.
pub(crate) fn missing_parameter(param: &str) -> Answer {
    v1(
        StatusCode::BAD_REQUEST,
        PARAMETER_MISSING,
        &format!("{param} parameter is missing."),
    )
}

/// A request whose parameters break a documented rule.
pub(crate) fn invalid_request(version: ApiVersion, error: &InvalidRequest) -> Answer {
    let param = error.param();
    match version {
        ApiVersion::V2 => {
            let (message, values) = v2_invalid_message(error);
            let mut problem = Problem::new(
                ProblemType::new_x(ProblemKind::InvalidRequest),
                "Invalid Request",
            );
            problem.detail = Some("One or more parameters to your request was invalid.".into());
            problem.errors = vec![InvalidRequestError {
                message: Some(message.into()),
                parameters: Some([(CompactString::from(param), values)].into_iter().collect()),
            }];
            Answer::json(StatusCode::BAD_REQUEST, &problem)
        }
        _ => match error.reason() {
            Invalid::Missing | Invalid::Empty => missing_parameter(param),
            _ => v1(
                StatusCode::BAD_REQUEST,
                PARAMETER_INVALID,
                &format!("{param} parameter is invalid."),
            ),
        },
    }
}

/// X's answer to a page token it did not hand out, sent as `param` (`pagination_token`, or
/// search's `next_token`).
pub(crate) fn v2_invalid_token(param: &str, token: Option<&str>) -> Answer {
    let token = token.unwrap_or_default();
    v2_invalid(
        param,
        token,
        format!("The `{param}` query parameter value [{token}] is not valid"),
    )
}

/// One v2 `invalid-request` problem about `param` with `message`.
pub(crate) fn v2_invalid(param: &str, value: &str, message: String) -> Answer {
    let mut problem = Problem::new(
        ProblemType::new_x(ProblemKind::InvalidRequest),
        "Invalid Request",
    );
    problem.detail = Some("One or more parameters to your request was invalid.".into());
    problem.errors = vec![InvalidRequestError {
        message: Some(message.into()),
        parameters: Some(
            [(CompactString::from(param), vec![CompactString::from(value)])]
                .into_iter()
                .collect(),
        ),
    }];
    Answer::json(StatusCode::BAD_REQUEST, &problem)
}

fn v2_invalid_message(error: &InvalidRequest) -> (String, Vec<CompactString>) {
    let p = error.param();
    match error.reason() {
        Invalid::OutOfRange { value, min, max } => (
            format!("The `{p}` query parameter value [{value}] is not between {min} and {max}"),
            vec![value.to_string().into()],
        ),
        Invalid::TooMany { given, max } => (
            format!(
                "The number of values in the `{p}` query parameter list [{given}] is not between 1 and {max}"
            ),
            Vec::new(),
        ),
        // A value against a pattern, the spec's (ids, usernames, path parameters) or the
        // rule's own (search's `query`), is quoted as X quotes it.
        Invalid::Malformed { value, expected } => {
            let pattern =
                shapes::pattern(p).or_else(|| expected.starts_with('^').then_some(*expected));
            let message = match pattern {
                Some(pattern) => {
                    format!("The `{p}` query parameter value [{value}] does not match {pattern}")
                }
                None => format!("The `{p}` query parameter value [{value}] is not valid"),
            };
            (message, vec![value.as_str().into()])
        }
        Invalid::Missing | Invalid::Empty => (
            format!("The `{p}` query parameter can not be empty"),
            Vec::new(),
        ),
        // X's words, as recorded.
        Invalid::Repeated => (
            format!("Duplicate parameters are not allowed: the `{p}` query parameter"),
            Vec::new(),
        ),
        other => (
            format!("The `{p}` query parameter is not valid: {other:?}"),
            Vec::new(),
        ),
    }
}

/// A request that is not authenticated.
pub(crate) fn unauthorized(version: ApiVersion, failure: AuthFailure) -> Answer {
    if version == ApiVersion::V2 {
        return blank(StatusCode::UNAUTHORIZED, "Unauthorized");
    }
    code(match failure {
        AuthFailure::Missing | AuthFailure::BadData => ErrorCode::BadAuthenticationData,
        AuthFailure::BadSignature => ErrorCode::CouldNotAuthenticate,
        AuthFailure::UnknownToken => ErrorCode::InvalidOrExpiredToken,
        AuthFailure::Timestamp => ErrorCode::TimestampOutOfBounds,
    })
}

/// An auth mode the endpoint refuses: v2 `unsupported-authentication` with X's detail, v1.1
/// 403 code 220.
pub(crate) fn refused(version: ApiVersion, used: AuthMode, accepted: AuthModes) -> Answer {
    if version != ApiVersion::V2 {
        return code(ErrorCode::CredentialsNotAllowed);
    }
    let supported: Vec<&str> = [
        AuthMode::OAuth1User,
        AuthMode::OAuth2User,
        AuthMode::AppOnly,
    ]
    .into_iter()
    .filter(|mode| accepted.contains(*mode))
    .map(mode_name)
    .collect();
    let mut problem = Problem::new(
        ProblemType::new_x(ProblemKind::UnsupportedAuthentication),
        "Unsupported Authentication",
    );
    // X's text has two spaces before "Supported".
    problem.detail = Some(
        format!(
            "Authenticating with {} is forbidden for this endpoint.  Supported authentication types are [{}].",
            mode_name(used),
            supported.join(", ")
        )
        .into(),
    );
    problem.status = Some(403);
    Answer::problem(StatusCode::FORBIDDEN, &problem)
}

/// 429: v1.1 code 88, v2 `Too Many Requests`.
pub(crate) fn rate_limited(version: ApiVersion) -> Answer {
    match version {
        ApiVersion::V2 => blank(StatusCode::TOO_MANY_REQUESTS, "Too Many Requests"),
        _ => code(ErrorCode::RateLimitExceeded),
    }
}

/// A v2 partial error: no user with this `parameter` value.
pub(crate) fn user_not_found(parameter: &str, value: &str) -> Problem {
    let mut problem = Problem::new(
        ProblemType::new_x(ProblemKind::ResourceNotFound),
        "Not Found Error",
    );
    problem.detail = Some(format!("Could not find user with {parameter}: [{value}].").into());
    user_fields(&mut problem, parameter, value);
    problem
}

/// A v2 partial error: the user is suspended.
pub(crate) fn user_suspended(parameter: &str, value: &str) -> Problem {
    let mut problem = Problem::new(
        ProblemType::new_x(ProblemKind::ResourceNotFound),
        "Forbidden",
    );
    problem.detail = Some(format!("User has been suspended: [{value}].").into());
    user_fields(&mut problem, parameter, value);
    problem
}

/// A v2 partial error: the user is protected and the caller may not see their lists.
pub(crate) fn user_not_authorized(parameter: &str, value: &str) -> Problem {
    let mut problem = Problem::new(
        ProblemType::new_x(ProblemKind::NotAuthorizedForResource),
        "Authorization Error",
    );
    problem.detail = Some(
        format!("Sorry, you are not authorized to see the user with {parameter}: [{value}].")
            .into(),
    );
    user_fields(&mut problem, parameter, value);
    problem.section = Some(Section::Data);
    problem
}

fn user_fields(problem: &mut Problem, parameter: &str, value: &str) {
    problem.value = Some(value.into());
    problem.resource_id = Some(value.into());
    problem.resource_type = Some(ResourceType::User);
    problem.parameter = Some(parameter.into());
}

/// An empty body (for redirects).
pub(crate) fn empty(status: StatusCode) -> Answer {
    Answer::bytes(status, crate::answer::JSON, Bytes::new())
}
