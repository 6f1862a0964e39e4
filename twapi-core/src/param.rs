//! Request parameters in both directions: typed values written as X's raw name-value pairs,
//! and raw pairs read back into typed values (the emulator's side of the same protocol).
//!
//! Values here are raw, not percent-encoded: encoding happens once, when the URL or form body
//! is written and when the OAuth 1.0a base string is computed.

use std::borrow::Cow;
use std::fmt;

use twapi_model::UserId;

use crate::fields::Vocabulary;
use crate::name::{ScreenName, UserRef};

/// A request that cannot be sent as it stands, caught before anything goes on the wire;
/// names the parameter and says why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidRequest {
    param: Cow<'static, str>,
    reason: Invalid,
}

/// Why a parameter is invalid.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Invalid {
    /// A required parameter is absent.
    Missing,
    /// Two parameters that exclude each other were both given (`user_id` and `screen_name`).
    Conflicts {
        /// The other parameter.
        with: &'static str,
    },
    /// A number outside the documented range.
    OutOfRange {
        /// The value given.
        value: i64,
        /// The smallest accepted value.
        min: i64,
        /// The largest accepted value.
        max: i64,
    },
    /// More values in a list than X accepts in one request.
    TooMany {
        /// How many were given.
        given: usize,
        /// The most accepted.
        max: usize,
    },
    /// An empty value or an empty list where X needs at least one.
    Empty,
    /// A value of the wrong shape (not a number, not a boolean, not a screen name...).
    Malformed {
        /// The offending value, as given.
        value: String,
        /// What was expected.
        expected: &'static str,
    },
    /// The same parameter was given twice.
    Repeated,
    /// The credentials' kind is one the endpoint refuses (app-only on a user-only endpoint).
    UnsupportedAuth {
        /// The auth mode used.
        mode: crate::endpoint::AuthMode,
    },
}

impl InvalidRequest {
    /// An error about `param`.
    pub fn new(param: impl Into<Cow<'static, str>>, reason: Invalid) -> Self {
        Self {
            param: param.into(),
            reason,
        }
    }

    /// The parameter at fault (`count`, `user_id`, `ids`, `Authorization`...).
    pub fn param(&self) -> &str {
        &self.param
    }

    /// Why.
    pub fn reason(&self) -> &Invalid {
        &self.reason
    }
}

impl fmt::Display for InvalidRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let p = &self.param;
        match &self.reason {
            Invalid::Missing => write!(f, "`{p}` is required"),
            Invalid::Conflicts { with } => write!(f, "`{p}` and `{with}` cannot both be given"),
            Invalid::OutOfRange { value, min, max } => {
                write!(f, "`{p}` is {value}, outside {min}..={max}")
            }
            Invalid::TooMany { given, max } => {
                write!(f, "`{p}` has {given} values, at most {max} are accepted")
            }
            Invalid::Empty => write!(f, "`{p}` cannot be empty"),
            Invalid::Malformed { value, expected } => {
                write!(f, "`{p}` is {value:?}, expected {expected}")
            }
            Invalid::Repeated => write!(f, "`{p}` is given more than once"),
            Invalid::UnsupportedAuth { mode } => {
                write!(f, "the endpoint does not accept {mode:?} credentials")
            }
        }
    }
}

impl std::error::Error for InvalidRequest {}

/// The raw parameters a request writes, in order: query parameters for GET and DELETE,
/// the form body for v1.1 POST.
///
/// They carry the [`Vocabulary`] the field selectors are written in (the default,
/// [`Vocabulary::Post`], unless [`Api`](crate::Api) sets another).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Params {
    pairs: Vec<(&'static str, String)>,
    vocabulary: Vocabulary,
}

impl Params {
    /// No parameters.
    pub fn new() -> Self {
        Self::default()
    }

    /// No parameters, with field selectors to be written in `vocabulary`.
    pub fn in_vocabulary(vocabulary: Vocabulary) -> Self {
        Self {
            pairs: Vec::new(),
            vocabulary,
        }
    }

    /// The vocabulary field selectors are written in.
    pub fn vocabulary(&self) -> Vocabulary {
        self.vocabulary
    }

    /// The pairs, raw (not percent-encoded).
    pub fn pairs(&self) -> &[(&'static str, String)] {
        &self.pairs
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.pairs.is_empty()
    }

    /// Appends one pair.
    pub fn push(&mut self, name: &'static str, value: impl Into<String>) {
        self.pairs.push((name, value.into()));
    }

    /// Appends `name=value` when `value` is given.
    pub fn opt<T: ParamValue>(&mut self, name: &'static str, value: Option<&T>) {
        if let Some(v) = value {
            self.pairs.push((name, v.to_param()));
        }
    }

    /// Appends a user reference as `{role}_id`/`{role}_screen_name` (`user_id`/`screen_name`
    /// for the subject role).
    pub fn user(&mut self, role: Role, user: &UserRef) {
        match user {
            UserRef::Id(id) => self.push(role.id_param(), id.to_string()),
            UserRef::ScreenName(n) => self.push(role.name_param(), n.as_str()),
        }
    }

    /// Appends a comma-joined list, checking it holds 1 to `max` values.
    pub fn list<T: ParamValue>(
        &mut self,
        name: &'static str,
        values: &[T],
        max: usize,
    ) -> Result<(), InvalidRequest> {
        check_list_len(name, values.len(), max)?;
        let mut joined = String::with_capacity(values.len() * 20);
        for (i, v) in values.iter().enumerate() {
            if i > 0 {
                joined.push(',');
            }
            joined.push_str(&v.to_param());
        }
        self.pairs.push((name, joined));
        Ok(())
    }
}

impl Params {
    /// Appends a comma-joined list of 1 to `max` values, each written by `name_of`.
    pub(crate) fn list_by<T>(
        &mut self,
        name: &'static str,
        values: &[T],
        max: usize,
        name_of: impl Fn(&T) -> &str,
    ) -> Result<(), InvalidRequest> {
        check_list_len(name, values.len(), max)?;
        let mut joined = String::with_capacity(values.len() * 20);
        for (i, v) in values.iter().enumerate() {
            if i > 0 {
                joined.push(',');
            }
            joined.push_str(name_of(v));
        }
        self.pairs.push((name, joined));
        Ok(())
    }
}

fn check_list_len(name: &'static str, len: usize, max: usize) -> Result<(), InvalidRequest> {
    if len == 0 {
        return Err(InvalidRequest::new(name, Invalid::Empty));
    }
    if len > max {
        return Err(InvalidRequest::new(
            name,
            Invalid::TooMany { given: len, max },
        ));
    }
    Ok(())
}

/// Checks a numeric parameter against its documented bounds.
pub(crate) fn check_range(
    name: &'static str,
    value: u32,
    min: u32,
    max: u32,
) -> Result<(), InvalidRequest> {
    if (min..=max).contains(&value) {
        Ok(())
    } else {
        Err(InvalidRequest::new(
            name,
            Invalid::OutOfRange {
                value: i64::from(value),
                min: i64::from(min),
                max: i64::from(max),
            },
        ))
    }
}

/// Which user a pair of `*_id` / `*_screen_name` parameters names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// `user_id` / `screen_name`: the user the request is about.
    Subject,
    /// `source_id` / `source_screen_name` (friendships/show).
    Source,
    /// `target_id` / `target_screen_name` (friendships/show).
    Target,
}

impl Role {
    /// The id parameter's name.
    pub const fn id_param(self) -> &'static str {
        match self {
            Self::Subject => "user_id",
            Self::Source => "source_id",
            Self::Target => "target_id",
        }
    }

    /// The screen-name parameter's name.
    pub const fn name_param(self) -> &'static str {
        match self {
            Self::Subject => "screen_name",
            Self::Source => "source_screen_name",
            Self::Target => "target_screen_name",
        }
    }
}

/// A value that travels as one raw parameter.
pub trait ParamValue: Sized {
    /// What a reader is told to expect when the text does not parse.
    const EXPECTED: &'static str;
    /// The raw text.
    fn to_param(&self) -> String;
    /// Reads the raw text back; `None` when it is not of this type's shape.
    fn from_param(raw: &str) -> Option<Self>;
}

impl ParamValue for u32 {
    const EXPECTED: &'static str = "a non-negative integer";
    fn to_param(&self) -> String {
        self.to_string()
    }
    fn from_param(raw: &str) -> Option<Self> {
        if raw.bytes().all(|b| b.is_ascii_digit()) {
            raw.parse().ok()
        } else {
            None
        }
    }
}

impl ParamValue for i64 {
    const EXPECTED: &'static str = "an integer";
    fn to_param(&self) -> String {
        self.to_string()
    }
    fn from_param(raw: &str) -> Option<Self> {
        let digits = raw.strip_prefix('-').unwrap_or(raw);
        if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
            raw.parse().ok()
        } else {
            None
        }
    }
}

/// X writes `true`/`false` and also reads `t`, `1`, `f` and `0`.
impl ParamValue for bool {
    const EXPECTED: &'static str = "true or false";
    fn to_param(&self) -> String {
        if *self { "true" } else { "false" }.to_owned()
    }
    fn from_param(raw: &str) -> Option<Self> {
        match raw {
            "true" | "t" | "1" | "True" | "TRUE" => Some(true),
            "false" | "f" | "0" | "False" | "FALSE" => Some(false),
            _ => None,
        }
    }
}

impl ParamValue for UserId {
    const EXPECTED: &'static str = "a user id (decimal digits)";
    fn to_param(&self) -> String {
        self.to_string()
    }
    fn from_param(raw: &str) -> Option<Self> {
        raw.parse().ok()
    }
}

impl ParamValue for ScreenName {
    const EXPECTED: &'static str = "a screen name (1 to 15 of A-Z a-z 0-9 _)";
    fn to_param(&self) -> String {
        self.as_str().to_owned()
    }
    fn from_param(raw: &str) -> Option<Self> {
        ScreenName::new(raw).ok()
    }
}

/// Raw pairs received by a server, from the query and a form body, decoded (with the
/// `server` feature).
///
/// ```
/// use twapi_core::param::Incoming;
/// let incoming = Incoming::from_pairs(vec![("count".into(), "20".into())]);
/// assert_eq!(incoming.get::<u32>("count").unwrap(), Some(20));
/// ```
#[cfg(feature = "server")]
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Incoming<'a> {
    pairs: Vec<(Cow<'a, str>, Cow<'a, str>)>,
}

#[cfg(feature = "server")]
impl<'a> Incoming<'a> {
    /// Wraps decoded pairs.
    pub fn from_pairs(pairs: Vec<(Cow<'a, str>, Cow<'a, str>)>) -> Self {
        Self { pairs }
    }

    /// Every pair, in the order received.
    pub fn pairs(&self) -> impl Iterator<Item = (&str, &str)> {
        self.pairs.iter().map(|(n, v)| (n.as_ref(), v.as_ref()))
    }

    /// The raw value of `name`, failing if it is given twice.
    pub fn raw(&self, name: &'static str) -> Result<Option<&str>, InvalidRequest> {
        let mut found = None;
        for (n, v) in &self.pairs {
            if n == name {
                if found.is_some() {
                    return Err(InvalidRequest::new(name, Invalid::Repeated));
                }
                found = Some(v.as_ref());
            }
        }
        Ok(found)
    }

    /// The typed value of `name`, if given.
    pub fn get<T: ParamValue>(&self, name: &'static str) -> Result<Option<T>, InvalidRequest> {
        self.raw(name)?
            .map(|raw| {
                T::from_param(raw).ok_or_else(|| {
                    InvalidRequest::new(
                        name,
                        Invalid::Malformed {
                            value: raw.to_owned(),
                            expected: T::EXPECTED,
                        },
                    )
                })
            })
            .transpose()
    }

    /// The typed value of `name`, which must be given.
    pub fn require<T: ParamValue>(&self, name: &'static str) -> Result<T, InvalidRequest> {
        self.get(name)?
            .ok_or_else(|| InvalidRequest::new(name, Invalid::Missing))
    }

    /// A user named by `{role}_id` or `{role}_screen_name`; both given is an error.
    pub fn user(&self, role: Role) -> Result<Option<UserRef>, InvalidRequest> {
        let id = self.get::<UserId>(role.id_param())?;
        let name = self.get::<ScreenName>(role.name_param())?;
        match (id, name) {
            (Some(_), Some(_)) => Err(InvalidRequest::new(
                role.id_param(),
                Invalid::Conflicts {
                    with: role.name_param(),
                },
            )),
            (Some(id), None) => Ok(Some(UserRef::Id(id))),
            (None, Some(n)) => Ok(Some(UserRef::ScreenName(n))),
            (None, None) => Ok(None),
        }
    }

    /// Like [`Incoming::user`], but one of the two must be given.
    pub fn require_user(&self, role: Role) -> Result<UserRef, InvalidRequest> {
        self.user(role)?
            .ok_or_else(|| InvalidRequest::new(role.id_param(), Invalid::Missing))
    }

    /// A comma-joined list of 1 to `max` values, if given.
    pub fn list<T: ParamValue>(
        &self,
        name: &'static str,
        max: usize,
    ) -> Result<Option<Vec<T>>, InvalidRequest> {
        let Some(raw) = self.raw(name)? else {
            return Ok(None);
        };
        if raw.is_empty() {
            return Err(InvalidRequest::new(name, Invalid::Empty));
        }
        let values = raw
            .split(',')
            .map(|item| {
                T::from_param(item).ok_or_else(|| {
                    InvalidRequest::new(
                        name,
                        Invalid::Malformed {
                            value: item.to_owned(),
                            expected: T::EXPECTED,
                        },
                    )
                })
            })
            .collect::<Result<Vec<T>, _>>()?;
        check_list_len(name, values.len(), max)?;
        Ok(Some(values))
    }
}
