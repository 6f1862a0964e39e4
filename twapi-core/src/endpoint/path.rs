//! Path templates: their parameters, rendering a path from values, and matching a received
//! path against a template.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::{Endpoint, EndpointId};

impl Endpoint {
    /// The path parameters the template names, in order (none for most endpoints).
    pub fn path_params(&self) -> impl Iterator<Item = PathParam> + use<> {
        let path = self.path;
        path.split('/')
            .filter_map(|segment| segment.strip_prefix(':'))
            .filter_map(PathParam::from_name)
    }

    /// Fills the path template from `params`, checking every value's shape so nothing in a
    /// path ever needs percent-encoding.
    ///
    /// Fails with a [`PathError`] naming the parameter when one is missing, has a shape X
    /// would never accept (a user id must be 1 to 19 digits, a username 1 to 15 of
    /// `A-Z a-z 0-9 _`), or is not used by this endpoint.
    ///
    /// ```
    /// use twapi_core::endpoint::{EndpointId, PathError, PathParam, PathParams};
    ///
    /// let by_name = EndpointId::V2UserByUsername.descriptor();
    /// let ok = PathParams::new().with(PathParam::Username, "TwitterDev");
    /// assert_eq!(by_name.render_path(&ok)?, "/2/users/by/username/TwitterDev");
    ///
    /// let bad = PathParams::new().with(PathParam::Username, "../admin");
    /// assert!(matches!(by_name.render_path(&bad), Err(PathError::Invalid { .. })));
    /// # Ok::<(), PathError>(())
    /// ```
    pub fn render_path(&self, params: &PathParams<'_>) -> Result<String, PathError> {
        let mut used = PathParams::new();
        let mut out = String::with_capacity(self.path.len() + 24);
        for (index, segment) in self.path.split('/').enumerate() {
            if index > 0 {
                out.push('/');
            }
            let Some(param) = segment.strip_prefix(':').and_then(PathParam::from_name) else {
                out.push_str(segment);
                continue;
            };
            let value = params.get(param).ok_or(PathError::Missing {
                endpoint: self.id,
                param,
            })?;
            if !param.accepts(value) {
                return Err(PathError::Invalid {
                    param,
                    value: excerpt(value),
                });
            }
            used = used.with(param, value);
            out.push_str(value);
        }
        if let Some((param, _)) = params.iter().find(|(param, _)| used.get(*param).is_none()) {
            return Err(PathError::Unexpected {
                endpoint: self.id,
                param,
            });
        }
        Ok(out)
    }
}

/// A parameter that appears in a path template.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum PathParam {
    /// `:id`, a user id.
    Id,
    /// `:source_user_id`, the acting user's id.
    SourceUserId,
    /// `:target_user_id`, the other user's id.
    TargetUserId,
    /// `:username`, a username (screen name).
    Username,
}

impl PathParam {
    /// Every parameter.
    pub const ALL: [PathParam; 4] = [
        Self::Id,
        Self::SourceUserId,
        Self::TargetUserId,
        Self::Username,
    ];

    /// The name used in templates, without the colon.
    pub const fn name(self) -> &'static str {
        match self {
            Self::Id => "id",
            Self::SourceUserId => "source_user_id",
            Self::TargetUserId => "target_user_id",
            Self::Username => "username",
        }
    }

    /// Whether `value` has the shape X documents for this parameter: a user id is 1 to 19
    /// ASCII digits (`^[0-9]{1,19}$`, always within `u64`), a username 1 to 15 of
    /// `A-Z a-z 0-9 _`. Both are URL-safe as they stand.
    pub fn accepts(self, value: &str) -> bool {
        match self {
            Self::Id | Self::SourceUserId | Self::TargetUserId => {
                (1..=19).contains(&value.len()) && value.bytes().all(|b| b.is_ascii_digit())
            }
            Self::Username => {
                (1..=15).contains(&value.len())
                    && value
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'_')
            }
        }
    }

    pub(super) fn from_name(name: &str) -> Option<PathParam> {
        Self::ALL.into_iter().find(|param| param.name() == name)
    }

    const fn slot(self) -> usize {
        match self {
            Self::Id => 0,
            Self::SourceUserId => 1,
            Self::TargetUserId => 2,
            Self::Username => 3,
        }
    }
}

impl fmt::Display for PathParam {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The values of a path's parameters, borrowed from the path or from the caller; `Copy` and
/// allocation-free.
///
/// ```
/// use twapi_core::endpoint::{PathParam, PathParams};
///
/// let params = PathParams::new().with(PathParam::SourceUserId, "12").with(PathParam::TargetUserId, "34");
/// assert_eq!(params.get(PathParam::SourceUserId), Some("12"));
/// assert_eq!(params.user_id(PathParam::TargetUserId), Some(34));
/// assert_eq!(params.get(PathParam::Username), None);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct PathParams<'a> {
    values: [Option<&'a str>; PathParam::ALL.len()],
}

impl<'a> PathParams<'a> {
    /// No parameters.
    pub const fn new() -> Self {
        PathParams {
            values: [None; PathParam::ALL.len()],
        }
    }

    /// These parameters with `param` set to `value` (replacing an earlier value).
    #[must_use]
    pub const fn with(mut self, param: PathParam, value: &'a str) -> Self {
        self.values[param.slot()] = Some(value);
        self
    }

    /// The value of `param`, if set.
    pub const fn get(&self, param: PathParam) -> Option<&'a str> {
        self.values[param.slot()]
    }

    /// The value of `param` as a user id, if set and all digits within `u64`.
    pub fn user_id(&self, param: PathParam) -> Option<u64> {
        self.get(param).and_then(|value| value.parse().ok())
    }

    /// The parameters that are set, in [`PathParam::ALL`] order.
    pub fn iter(&self) -> impl Iterator<Item = (PathParam, &'a str)> + use<'a> {
        let values = self.values;
        PathParam::ALL
            .into_iter()
            .filter_map(move |param| values[param.slot()].map(|value| (param, value)))
    }

    /// Whether no parameter is set.
    pub fn is_empty(&self) -> bool {
        self.values.iter().all(Option::is_none)
    }
}

/// Why a path could not be rendered from a template.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum PathError {
    /// The template needs a parameter that was not given.
    Missing {
        /// The endpoint being rendered.
        endpoint: EndpointId,
        /// The parameter it needs.
        param: PathParam,
    },
    /// A value has a shape X never accepts for the parameter (and might need escaping).
    Invalid {
        /// The parameter.
        param: PathParam,
        /// The offending value (at most 64 characters of it).
        value: String,
    },
    /// A parameter was given that the endpoint's template does not use.
    Unexpected {
        /// The endpoint being rendered.
        endpoint: EndpointId,
        /// The parameter it does not use.
        param: PathParam,
    },
}

impl fmt::Display for PathError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Missing { endpoint, param } => {
                write!(f, "path parameter `{param}` is required by {endpoint}")
            }
            Self::Invalid { param, value } => match param {
                PathParam::Username => write!(
                    f,
                    "path parameter `{param}` must be 1 to 15 letters, digits or underscores, got {value:?}"
                ),
                _ => write!(
                    f,
                    "path parameter `{param}` must be a user id of 1 to 19 digits, got {value:?}"
                ),
            },
            Self::Unexpected { endpoint, param } => {
                write!(f, "path parameter `{param}` is not used by {endpoint}")
            }
        }
    }
}

impl std::error::Error for PathError {}

fn excerpt(value: &str) -> String {
    value.chars().take(64).collect()
}

pub(super) fn match_template<'p>(template: &str, path: &'p str) -> Option<PathParams<'p>> {
    let mut params = PathParams::new();
    let mut wanted = template.split('/');
    let mut given = path.split('/');
    loop {
        match (wanted.next(), given.next()) {
            (None, None) => return Some(params),
            (Some(want), Some(value)) => {
                match want.strip_prefix(':').and_then(PathParam::from_name) {
                    Some(param) if param.accepts(value) => params = params.with(param, value),
                    None if want == value => {}
                    _ => return None,
                }
            }
            _ => return None,
        }
    }
}
