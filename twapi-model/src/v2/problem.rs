//! v2 problems (RFC 7807) and the other v2 error bodies.
//!
//! A problem arrives in two places: in the `errors` array of a response (a partial error, even
//! in an HTTP 200: a missing id, a resource not authorised), and as a whole error body
//! (`{"title":"Unauthorized","type":"about:blank","status":401,"detail":"Unauthorized"}`).
//! The spec also names a plainer error body, `{"code": …, "message": …}` ([`Error`]).
//! [`ErrorBody`] decodes any of the three, whatever the content type said.
//!
//! A problem's `type` is a URI. X has written it under two hosts
//! (`https://api.twitter.com/2/problems/…` in 2.159 and every recorded body,
//! `https://api.x.com/2/problems/…` in 2.167), so [`ProblemType`] matches on the part after
//! `/2/problems/` and keeps the URI it came with, to encode it back unchanged.
//!
//! The fields specific to each type are flat optional fields of [`Problem`], not an enum of
//! per-type structs: X fills them in loosely (a real `not-authorized-for-resource` body lacks
//! the `resource_id` the spec requires; a real `client-forbidden` one carries `client_id` and
//! `required_enrollment`, which the spec does not name), and one flat struct decodes and
//! round-trips all of that without buffering.

use std::collections::BTreeMap;
use std::fmt;

use compact_str::CompactString;
use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

/// A problem (RFC 7807) as v2 sends it: the `type`, a `title`, usually a `detail`, and the
/// fields its type adds.
///
/// Which of the optional fields a type fills in (API-FACTS 2.6):
///
/// | type | fields |
/// |---|---|
/// | `resource-not-found` | `parameter`, `value`, `resource_id`, `resource_type` |
/// | `resource-unavailable` | `parameter`, `resource_id`, `resource_type` |
/// | `not-authorized-for-resource` | `parameter`, `value`, `resource_id`, `resource_type`, `section` |
/// | `not-authorized-for-field`, `field-unauthorized`, `field-hydration-failure` | `field`, `resource_type`, `section` |
/// | `disallowed-resource` | `resource_id`, `resource_type`, `section` |
/// | `client-forbidden` | `reason`, `registration_url`, `client_id`, `required_enrollment` |
/// | `usage-capped` | `period`, `scope` |
/// | `invalid-request` | `errors` |
/// | `duplicate-rules` | `id`, `value` |
/// | `operational-disconnect` | `disconnect_type` |
/// | `streaming-connection` | `connection_issue` |
///
/// Unknown fields are ignored.
///
/// ```
/// use twapi_model::v2::{Problem, ProblemKind, ResourceType};
/// let p: Problem = serde_json::from_str(r#"{"value":"99","detail":"Could not find user with ids: [99].",
///     "title":"Not Found Error","resource_type":"user","parameter":"ids","resource_id":"99",
///     "type":"https://api.x.com/2/problems/resource-not-found"}"#).unwrap();
/// assert_eq!(p.kind(), &ProblemKind::ResourceNotFound);
/// assert_eq!(p.resource_type, Some(ResourceType::User));
/// // The type encodes back with the host it came with.
/// assert!(serde_json::to_string(&p).unwrap().contains("https://api.x.com/2/problems/resource-not-found"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    /// What kind of problem this is.
    pub r#type: ProblemType,
    /// A short summary (`Not Found Error`, `Unauthorized`).
    pub title: CompactString,
    /// What went wrong, for a person to read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<CompactString>,
    /// The HTTP status (top-level problems carry it; partial errors usually do not).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// The id of the resource concerned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_id: Option<CompactString>,
    /// What kind of resource is concerned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_type: Option<ResourceType>,
    /// The request parameter that named the resource (`ids`, `id`, `usernames`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parameter: Option<CompactString>,
    /// The parameter's value that failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<CompactString>,
    /// Where in the response the problem lies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub section: Option<Section>,
    /// The field that is not authorised or could not be filled in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<CompactString>,
    /// Why the client is forbidden (`client-forbidden`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<ForbiddenReason>,
    /// Where to register or enrol the app (`client-forbidden`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registration_url: Option<CompactString>,
    /// The app's client id (`client-forbidden`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_id: Option<CompactString>,
    /// The access level the app lacks (`client-forbidden`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required_enrollment: Option<CompactString>,
    /// Which cap was hit (`usage-capped`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period: Option<UsagePeriod>,
    /// Whose cap was hit (`usage-capped`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<UsageScope>,
    /// What is wrong with the request, parameter by parameter (`invalid-request`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<InvalidRequestError>,
    /// Why a stream was disconnected (`operational-disconnect`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disconnect_type: Option<DisconnectType>,
    /// What is wrong with a stream's connection (`streaming-connection`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connection_issue: Option<ConnectionIssue>,
    /// The id of the duplicated rule (`duplicate-rules`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<CompactString>,
}

impl Problem {
    /// A problem with only a type and a title.
    ///
    /// ```
    /// use twapi_model::v2::{Problem, ProblemKind, ProblemType};
    /// let p = Problem::new(ProblemType::new(ProblemKind::AboutBlank), "Too Many Requests");
    /// assert_eq!(serde_json::to_string(&p).unwrap(), r#"{"type":"about:blank","title":"Too Many Requests"}"#);
    /// ```
    pub fn new(r#type: ProblemType, title: &str) -> Self {
        Self {
            r#type,
            title: title.into(),
            detail: None,
            status: None,
            resource_id: None,
            resource_type: None,
            parameter: None,
            value: None,
            section: None,
            field: None,
            reason: None,
            registration_url: None,
            client_id: None,
            required_enrollment: None,
            period: None,
            scope: None,
            errors: Vec::new(),
            disconnect_type: None,
            connection_issue: None,
            id: None,
        }
    }

    /// The problem's kind, whatever host its type URI named.
    pub fn kind(&self) -> &ProblemKind {
        self.r#type.kind()
    }
}

impl fmt::Display for Problem {
    /// `title: detail`, or the title alone.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.detail {
            Some(detail) => write!(f, "{}: {detail}", self.title),
            None => f.write_str(&self.title),
        }
    }
}

/// A problem's `type`: its URI, and the [`ProblemKind`] read from it.
///
/// The kind is the part after `/2/problems/`, so both hosts X has used give the same kind;
/// `about:blank` (plain HTTP errors: 401, 429 …) is a kind of its own; any other URI is
/// [`ProblemKind::Unknown`]. The URI itself is kept and encoded back verbatim.
///
/// ```
/// use twapi_model::v2::{ProblemKind, ProblemType};
/// let a = ProblemType::parse("https://api.twitter.com/2/problems/usage-capped");
/// let b = ProblemType::parse("https://api.x.com/2/problems/usage-capped");
/// assert_eq!(a.kind(), b.kind());
/// assert_ne!(a, b); // different URIs, kept apart so each encodes back as it came
/// assert_eq!(b.as_str(), "https://api.x.com/2/problems/usage-capped");
/// assert_eq!(ProblemType::new(ProblemKind::UsageCapped), a);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ProblemType {
    uri: CompactString,
    kind: ProblemKind,
}

impl ProblemType {
    /// The prefix of problem types in the 2.159 spec and in every recorded body.
    pub const TWITTER_PREFIX: &'static str = "https://api.twitter.com/2/problems/";
    /// The prefix of problem types in the 2.167 spec.
    pub const X_PREFIX: &'static str = "https://api.x.com/2/problems/";

    /// Reads a type URI; never fails (an unknown URI is [`ProblemKind::Unknown`]).
    pub fn parse(uri: &str) -> Self {
        const MARK: &str = "/2/problems/";
        let kind = match uri.find(MARK) {
            Some(at) => ProblemKind::from(&uri[at + MARK.len()..]),
            None => ProblemKind::from(uri),
        };
        Self {
            uri: uri.into(),
            kind,
        }
    }

    /// The type of `kind` under `https://api.twitter.com/2/problems/` (the form X sends in
    /// every recorded body), or `about:blank`.
    pub fn new(kind: ProblemKind) -> Self {
        Self::with_prefix(Self::TWITTER_PREFIX, kind)
    }

    /// The type of `kind` under `https://api.x.com/2/problems/` (the 2.167 form), or
    /// `about:blank`.
    pub fn new_x(kind: ProblemKind) -> Self {
        Self::with_prefix(Self::X_PREFIX, kind)
    }

    fn with_prefix(prefix: &str, kind: ProblemKind) -> Self {
        if kind == ProblemKind::AboutBlank {
            return Self {
                uri: kind.as_str().into(),
                kind,
            };
        }
        let mut uri = CompactString::from(prefix);
        uri.push_str(kind.as_str());
        // Parsed back, so the kind always agrees with the URI (`Unknown("usage-capped")`
        // becomes `UsageCapped`).
        Self::parse(&uri)
    }

    /// The kind, whatever the host.
    pub fn kind(&self) -> &ProblemKind {
        &self.kind
    }

    /// The URI as it came (or as [`ProblemType::new`] built it).
    pub fn as_str(&self) -> &str {
        &self.uri
    }
}

impl From<ProblemKind> for ProblemType {
    fn from(kind: ProblemKind) -> Self {
        Self::new(kind)
    }
}

impl fmt::Display for ProblemType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.uri)
    }
}

impl Serialize for ProblemType {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.uri)
    }
}

impl<'de> Deserialize<'de> for ProblemType {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct UriVisitor;
        impl Visitor<'_> for UriVisitor {
            type Value = ProblemType;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a problem type URI")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<ProblemType, E> {
                Ok(ProblemType::parse(v))
            }
        }
        d.deserialize_str(UriVisitor)
    }
}

open_enum! {
    /// What kind of problem a [`ProblemType`] names: the part of the URI after
    /// `/2/problems/`. [`ProblemKind::Unknown`] holds that part for a kind this version does
    /// not know, or the whole URI when it has no `/2/problems/`.
    pub enum ProblemKind {
        /// `about:blank`: nothing more than the HTTP status says (401, 429, 503 …).
        AboutBlank = "about:blank",
        /// The client went away (streams).
        ClientDisconnected = "client-disconnected",
        /// The app may not make this request (not attached to a project, wrong access level).
        ClientForbidden = "client-forbidden",
        /// A conflicting job is in progress.
        Conflict = "conflict",
        /// The resource may not be served by this API.
        DisallowedResource = "disallowed-resource",
        /// A duplicate stream rule.
        DuplicateRules = "duplicate-rules",
        /// The request is malformed; see [`Problem::errors`].
        InvalidRequest = "invalid-request",
        /// An invalid stream rule.
        InvalidRules = "invalid-rules",
        /// The stream rules are not compliant.
        NoncompliantRules = "noncompliant-rules",
        /// A field may not be shown to the caller.
        NotAuthorizedForField = "not-authorized-for-field",
        /// A resource (a protected user's data, a suspended user's tweet) may not be shown.
        NotAuthorizedForResource = "not-authorized-for-resource",
        /// A stream was disconnected for operational reasons.
        OperationalDisconnect = "operational-disconnect",
        /// A requested id or username does not exist.
        ResourceNotFound = "resource-not-found",
        /// A resource exists but is unavailable (a suspended user).
        ResourceUnavailable = "resource-unavailable",
        /// Too many stream rules.
        RuleCap = "rule-cap",
        /// Something is wrong with a stream connection.
        StreamingConnection = "streaming-connection",
        /// The endpoint does not accept this kind of authentication (app-only on `/2/users/me`).
        UnsupportedAuthentication = "unsupported-authentication",
        /// The app's monthly or daily usage cap is reached (HTTP 429).
        UsageCapped = "usage-capped",
        /// A field could not be filled in (2.167).
        FieldHydrationFailure = "field-hydration-failure",
        /// A field may not be shown to the caller (2.167).
        FieldUnauthorized = "field-unauthorized",
        /// X failed internally (2.167).
        InternalError = "internal-error",
    }
}

open_enum! {
    /// The kind of resource a problem is about (`resource_type`).
    pub enum ResourceType {
        /// A user.
        User = "user",
        /// A tweet.
        Tweet = "tweet",
        /// A media item.
        Media = "media",
        /// A list.
        List = "list",
        /// A Space.
        Space = "space",
    }
}

open_enum! {
    /// Where in the response a problem lies (`section`).
    pub enum Section {
        /// In `data`.
        Data = "data",
        /// In `includes`.
        Includes = "includes",
    }
}

open_enum! {
    /// Why a client is forbidden (`client-forbidden` → `reason`).
    pub enum ForbiddenReason {
        /// The request came from an official client's keys.
        OfficialClientForbidden = "official-client-forbidden",
        /// The app is not enrolled for this product (not attached to a project, or the
        /// access level is too low).
        ClientNotEnrolled = "client-not-enrolled",
    }
}

open_enum! {
    /// Which usage cap was hit (`usage-capped` → `period`).
    pub enum UsagePeriod {
        /// The daily cap.
        Daily = "Daily",
        /// The monthly cap.
        Monthly = "Monthly",
    }
}

open_enum! {
    /// Whose usage cap was hit (`usage-capped` → `scope`).
    pub enum UsageScope {
        /// The account's.
        Account = "Account",
        /// The product's.
        Product = "Product",
    }
}

open_enum! {
    /// Why a stream was disconnected (`operational-disconnect` → `disconnect_type`).
    pub enum DisconnectType {
        /// For operational reasons.
        OperationalDisconnect = "OperationalDisconnect",
        /// For operational reasons upstream.
        UpstreamOperationalDisconnect = "UpstreamOperationalDisconnect",
        /// Forced.
        ForceDisconnect = "ForceDisconnect",
        /// Upstream closed uncleanly.
        UpstreamUncleanDisconnect = "UpstreamUncleanDisconnect",
        /// The client read too slowly.
        SlowReader = "SlowReader",
        /// X failed internally.
        InternalError = "InternalError",
        /// The app's state is degraded.
        ClientApplicationStateDegraded = "ClientApplicationStateDegraded",
        /// The stream rules are invalid.
        InvalidRules = "InvalidRules",
    }
}

open_enum! {
    /// What is wrong with a stream connection (`streaming-connection` → `connection_issue`).
    pub enum ConnectionIssue {
        /// Too many connections.
        TooManyConnections = "TooManyConnections",
        /// The subscription is being provisioned.
        ProvisioningSubscription = "ProvisioningSubscription",
        /// The rules are misconfigured.
        RuleConfigurationIssue = "RuleConfigurationIssue",
        /// The rules are invalid.
        RulesInvalidIssue = "RulesInvalidIssue",
    }
}

/// One thing wrong with a request (`invalid-request` → `errors[]`): a message and the
/// parameters it concerns, with their values.
///
/// ```
/// let e: twapi_model::v2::InvalidRequestError = serde_json::from_str(
///     r#"{"parameters":{"ids":["x"]},"message":"The `ids` query parameter value [x] is not valid"}"#,
/// ).unwrap();
/// assert_eq!(e.parameters.unwrap()["ids"], ["x"]);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct InvalidRequestError {
    /// What is wrong.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<CompactString>,
    /// The parameters concerned, each with the values sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parameters: Option<BTreeMap<CompactString, Vec<CompactString>>>,
}

/// The spec's plain `Error` body, `{"code": …, "message": …}` (not a Rust error type: a wire
/// object, named as the spec names it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Error {
    /// The error code.
    pub code: i32,
    /// What went wrong.
    pub message: CompactString,
}

/// Any body a v2 endpoint sends to say something failed.
///
/// - [`ErrorBody::Problem`]: a problem at the top level (401, 403, 429, 400 with
///   `invalid-request` …), whatever the content type (`application/problem+json` or
///   `application/json`);
/// - [`ErrorBody::Problems`]: `{"errors": [problem, …]}` with no top-level `type`, such as a
///   200 whose ids were all missing (any `data` is ignored here; decode the body as a
///   [`Response`](super::Response) to keep it);
/// - [`ErrorBody::Error`]: the spec's `{"code": …, "message": …}`.
///
/// Decoding reads the body once into a buffer of every known field and then decides, because
/// `errors` means two things: the partial errors of a response, or the per-parameter
/// messages of a top-level `invalid-request` problem, which may come before its `type`.
/// Error bodies are small and rare, so the buffer costs nothing that matters.
///
/// ```
/// use twapi_model::v2::{ErrorBody, ProblemKind};
/// let body: ErrorBody = twapi_model::decode(
///     br#"{"title":"Unauthorized","type":"about:blank","status":401,"detail":"Unauthorized"}"#,
/// )?;
/// assert_eq!(body.problems()[0].kind(), &ProblemKind::AboutBlank);
/// assert_eq!(body.problems()[0].status, Some(401));
/// # Ok::<(), twapi_model::DecodeError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorBody {
    /// A problem at the top level.
    Problem(Box<Problem>),
    /// An `errors` array of problems.
    Problems(Vec<Problem>),
    /// `{"code": …, "message": …}`.
    Error(Error),
}

impl ErrorBody {
    /// The problems in the body: one, several, or none for [`ErrorBody::Error`].
    pub fn problems(&self) -> &[Problem] {
        match self {
            Self::Problem(p) => std::slice::from_ref(p),
            Self::Problems(ps) => ps,
            Self::Error(_) => &[],
        }
    }
}

impl Serialize for ErrorBody {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Errors<'a> {
            errors: &'a [Problem],
        }
        match self {
            Self::Problem(p) => p.serialize(s),
            Self::Problems(ps) => Errors { errors: ps }.serialize(s),
            Self::Error(e) => e.serialize(s),
        }
    }
}

impl<'de> Deserialize<'de> for ErrorBody {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = RawProblem::<RawProblem<InvalidRequestError>>::deserialize(d)?;
        if raw.r#type.is_some() {
            return raw
                .into_problem()
                .map(|p| Self::Problem(Box::new(p)))
                .map_err(de::Error::custom);
        }
        if let Some(code) = raw.code {
            let message = raw
                .message
                .ok_or_else(|| de::Error::missing_field("message"))?;
            return Ok(Self::Error(Error { code, message }));
        }
        match raw.errors {
            Some(errors) => errors
                .into_iter()
                .map(RawProblem::into_problem)
                .collect::<Result<_, _>>()
                .map(Self::Problems)
                .map_err(de::Error::custom),
            None => Err(de::Error::custom(
                "not a v2 error body: it has no `type`, `code` or `errors`",
            )),
        }
    }
}

/// Every field an error body or one of its `errors[]` entries may hold, all optional; `E` is
/// what `errors[]` holds at this level.
#[derive(Deserialize)]
struct RawProblem<E> {
    r#type: Option<ProblemType>,
    title: Option<CompactString>,
    detail: Option<CompactString>,
    status: Option<u16>,
    resource_id: Option<CompactString>,
    resource_type: Option<ResourceType>,
    parameter: Option<CompactString>,
    value: Option<CompactString>,
    section: Option<Section>,
    field: Option<CompactString>,
    reason: Option<ForbiddenReason>,
    registration_url: Option<CompactString>,
    client_id: Option<CompactString>,
    required_enrollment: Option<CompactString>,
    period: Option<UsagePeriod>,
    scope: Option<UsageScope>,
    errors: Option<Vec<E>>,
    disconnect_type: Option<DisconnectType>,
    connection_issue: Option<ConnectionIssue>,
    id: Option<CompactString>,
    // The `Error` body, and the fields of an `invalid-request` entry.
    code: Option<i32>,
    message: Option<CompactString>,
    parameters: Option<BTreeMap<CompactString, Vec<CompactString>>>,
}

/// An `errors[]` entry read as the per-parameter message of an `invalid-request` problem.
trait IntoInvalidRequestError {
    fn into_invalid_request_error(self) -> InvalidRequestError;
}

impl IntoInvalidRequestError for InvalidRequestError {
    fn into_invalid_request_error(self) -> InvalidRequestError {
        self
    }
}

impl<E> IntoInvalidRequestError for RawProblem<E> {
    fn into_invalid_request_error(self) -> InvalidRequestError {
        InvalidRequestError {
            message: self.message,
            parameters: self.parameters,
        }
    }
}

impl<E: IntoInvalidRequestError> RawProblem<E> {
    fn into_problem(self) -> Result<Problem, &'static str> {
        Ok(Problem {
            r#type: self.r#type.ok_or("a problem must have a `type`")?,
            title: self.title.ok_or("a problem must have a `title`")?,
            detail: self.detail,
            status: self.status,
            resource_id: self.resource_id,
            resource_type: self.resource_type,
            parameter: self.parameter,
            value: self.value,
            section: self.section,
            field: self.field,
            reason: self.reason,
            registration_url: self.registration_url,
            client_id: self.client_id,
            required_enrollment: self.required_enrollment,
            period: self.period,
            scope: self.scope,
            errors: self
                .errors
                .unwrap_or_default()
                .into_iter()
                .map(IntoInvalidRequestError::into_invalid_request_error)
                .collect(),
            disconnect_type: self.disconnect_type,
            connection_issue: self.connection_issue,
            id: self.id,
        })
    }
}
