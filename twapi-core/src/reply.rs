//! Decoding an `http::Response` of bytes into a typed [`Reply`] or an [`Error`].

use std::time::SystemTime;

use bytes::Bytes;
use http::StatusCode;
use serde::de::DeserializeOwned;
use twapi_model::v2::{self, Problem};
use twapi_model::{decode, v1};

use crate::cost::{Charge, Cost};
use crate::error::{ApiError, DecodeFailure, Error, RateLimited, excerpt};
use crate::error_code::ErrorCode;
use crate::rate_limit::RateLimitSnapshot;
use crate::request::ApiRequest;

/// A body type that a successful reply decodes to, and what it says about partial failure.
pub trait Payload: DeserializeOwned {
    /// Decodes a body; types with a faster reader than serde's (a v2 page of users) use it.
    fn decode(body: &[u8]) -> Result<Self, twapi_model::DecodeError> {
        decode(body)
    }

    /// Problems with parts of the request that did not stop the rest (v2 `errors` beside
    /// `data`).
    fn partial_errors(&self) -> &[Problem] {
        &[]
    }

    /// Whether the body, though sent with a success status, holds only errors: a lookup that
    /// found nothing. Such a reply is an error, not an empty success.
    fn only_errors(&self) -> bool {
        false
    }

    /// Hands `each` the id of every billable resource the body carries: the users (or user
    /// ids) a read returned, each as often as it appears. Writes, billed per request, carry
    /// none (see [`crate::cost`]).
    fn billable_ids(&self, each: &mut dyn FnMut(u64)) {
        let _ = each;
    }
}

/// The `Payload` impls: `v1` bodies, and `v2` envelopes (whose `errors` beside `data` are
/// partial failures); `=> path` names a decoder faster than serde's.
macro_rules! payload {
    (@envelope v1) => {};
    (@envelope v2) => {
        fn partial_errors(&self) -> &[Problem] {
            &self.errors
        }

        fn only_errors(&self) -> bool {
            self.data.is_none() && !self.errors.is_empty()
        }
    };
    ($kind:ident: $($ty:ty $(=> $decode:path)? $(, bill |$v:ident| $ids:expr)?;)*) => {$(
        impl Payload for $ty {
            $(
                fn decode(body: &[u8]) -> Result<Self, twapi_model::DecodeError> {
                    $decode(body)
                }
            )?

            $(
                fn billable_ids(&self, each: &mut dyn FnMut(u64)) {
                    let $v = self;
                    for id in $ids {
                        each(id.get());
                    }
                }
            )?

            payload!(@envelope $kind);
        }
    )*};
}

payload!(v1:
    // Users, their lists and pages, and pages of ids are what clients and crawlers read most:
    // they have readers of their own.
    // `bill` names the billable users (see `crate::cost::price_of`).
    v1::User => v1::User::decode, bill |u| [u.id];
    Vec<v1::User> => v1::User::decode_list, bill |users| users.iter().map(|u| u.id);
    v1::IdPage => v1::IdPage::decode, bill |page| page.ids.iter().copied();
    v1::UserPage => v1::UserPage::decode, bill |page| page.users.iter().map(|u| u.id);
    Vec<v1::Friendship>, bill |list| list.iter().map(|f| f.id);
    v1::RelationshipResponse, bill |r| [r.relationship.target.id];
    v1::NoRetweetIds, bill |list| list.ids.iter().copied();
);

payload!(v2:
    // A page of users is what crawlers read by the thousand: it has a reader of its own.
    v2::UserPage => v2::UserPage::decode,
        bill |page| page.data.iter().flatten().map(|u| u.id);
    v2::UserResponse, bill |one| one.data.iter().map(|u| u.id);
    v2::FollowResponse;
    v2::UnfollowResponse;
);

/// A successful answer: the typed value, the rate-limit snapshot, and the raw body for
/// fields the model does not name.
#[derive(Debug, Clone, PartialEq)]
pub struct Reply<T> {
    /// The decoded body.
    pub value: T,
    status: StatusCode,
    rate_limit: RateLimitSnapshot,
    body: Bytes,
    charge: Charge,
}

impl<T: Payload> Reply<T> {
    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The rate limits the answer announced.
    pub fn rate_limit(&self) -> &RateLimitSnapshot {
        &self.rate_limit
    }

    /// The body as received: decode it again into your own type for fields the model does
    /// not name.
    pub fn body(&self) -> &Bytes {
        &self.body
    }

    /// Problems with parts of the request (v2 ids not found beside the ones that were).
    pub fn partial_errors(&self) -> &[Problem] {
        self.value.partial_errors()
    }

    /// The billable resources the answer carried and what they cost: at list price, and (once
    /// a session metered it) what the day's meter added for it.
    pub fn charge(&self) -> &Charge {
        &self.charge
    }

    /// What the answer cost: the meter's figure when a session metered it (users already
    /// billed today are free), else the list price.
    pub fn cost(&self) -> Cost {
        self.charge.spent()
    }

    /// Sets the charge (the session does, once it knows whether the read was owned and what
    /// the meter added).
    pub(crate) fn set_charge(&mut self, charge: Charge) {
        self.charge = charge;
    }

    /// The value, dropping the rest.
    pub fn into_value(self) -> T {
        self.value
    }
}

impl<T> Reply<v2::Response<T>>
where
    v2::Response<T>: Payload,
{
    /// The `data` of a v2 answer that must have one (a single user, a follow's result): an
    /// answer without it, and without errors, is a body that does not decode as the endpoint's.
    pub fn into_data(self) -> Result<T, Error> {
        let status = self.status;
        let excerpt = excerpt(&self.body);
        self.value.data.ok_or_else(|| {
            Error::Decode(Box::new(DecodeFailure {
                status,
                path: "data".to_owned(),
                message: "the answer has no `data`".to_owned(),
                excerpt,
            }))
        })
    }
}

/// What `friendships/create` achieved.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum FollowOutcome {
    /// X accepted the follow and returned the target user. For a protected account that
    /// means a pending request (`follow_request_sent`), otherwise a follow.
    Followed(Box<v1::User>),
    /// A follow request to this (protected) account was already pending: X's 403 code 160.
    /// Nothing failed; nothing changed.
    AlreadyRequested,
}

impl<'de> serde::Deserialize<'de> for FollowOutcome {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        v1::User::deserialize(d).map(|u| Self::Followed(Box::new(u)))
    }
}

impl Payload for FollowOutcome {}

/// Decodes X's answer to `R`: a typed [`Reply`], or the [`Error`] the answer amounts to.
///
/// - A success status with a body of `R::Output` is a reply; v2 partial errors ride along.
/// - A success status whose body holds only errors (v2 `{"errors": [...]}` with no `data`,
///   or a v1.1 error body) is an [`Error::Api`] with status 200.
/// - 429, 420 and code 88 are [`Error::RateLimited`], with the reset of the exhausted bucket.
/// - Other statuses are [`Error::Api`] with every v1.1 code and v2 problem the body holds, or
///   an excerpt when it holds neither (an HTML error page) — unless the request type
///   recognises the error as an outcome ([`ApiRequest::recover`]).
/// - A body that is none of these is an [`Error::Decode`] naming the failing field.
pub fn decode_reply<R: ApiRequest>(
    response: http::Response<Bytes>,
) -> Result<Reply<R::Output>, Error> {
    let (parts, body) = response.into_parts();
    let status = parts.status;
    let rate_limit = RateLimitSnapshot::from_headers(&parts.headers).map_err(|e| {
        Error::Decode(Box::new(DecodeFailure {
            status,
            path: "(headers)".to_owned(),
            message: e.to_string(),
            excerpt: excerpt(&body),
        }))
    })?;

    if status.is_success() {
        match R::Output::decode(&body) {
            Ok(value) if value.only_errors() => {
                let mut error = ApiError::new(status, rate_limit);
                error.problems = value.partial_errors().to_vec();
                Err(Error::Api(Box::new(error)))
            }
            Ok(value) => {
                let charge = charge_at_list_price::<R>(&value);
                Ok(Reply {
                    value,
                    status,
                    rate_limit,
                    body,
                    charge,
                })
            }
            Err(failure) => match api_error(status, rate_limit, &body) {
                Some(error) => Err(classify(error)),
                None => Err(Error::Decode(Box::new(DecodeFailure::new(
                    status, &failure, &body,
                )))),
            },
        }
    } else {
        let error = api_error(status, rate_limit, &body).unwrap_or_else(|| {
            let mut error = ApiError::new(status, rate_limit);
            error.excerpt = excerpt(&body);
            error
        });
        match R::recover(&error) {
            // An error status recognised as an outcome returned nothing billable.
            Some(value) => Ok(Reply {
                value,
                status,
                rate_limit: error.rate_limit,
                body,
                charge: Charge::default(),
            }),
            None => Err(classify(error)),
        }
    }
}

/// A reply's charge at list price, not an owned read (the session knows better and says so).
fn charge_at_list_price<R: ApiRequest>(value: &R::Output) -> Charge {
    let mut resources = 0;
    value.billable_ids(&mut |_| resources += 1);
    Charge::new(R::ENDPOINT, resources, false)
}

/// Reads any error body X sends, v1.1 or v2 shape; `None` when the body is neither.
fn api_error(status: StatusCode, rate_limit: RateLimitSnapshot, body: &[u8]) -> Option<ApiError> {
    let mut error = ApiError::new(status, rate_limit);
    if let Ok(v1_body) = decode::<v1::ErrorBody>(body) {
        match v1_body {
            v1::ErrorBody::Errors(errors) => {
                for e in errors {
                    error.codes.push(crate::error::CodedError {
                        code: ErrorCode::from_code(e.code),
                        message: e.message.to_string(),
                    });
                }
            }
            v1::ErrorBody::Error { error: message, .. } => {
                error.message = Some(message.to_string());
            }
            // `ErrorBody` may grow; a shape this version does not know keeps its first message.
            other => error.message = other.message().map(str::to_owned),
        }
        return Some(error);
    }
    match decode::<v2::ErrorBody>(body).ok()? {
        v2::ErrorBody::Error(e) => error.codes.push(crate::error::CodedError {
            code: u32::try_from(e.code).map_or(ErrorCode::Unknown(0), ErrorCode::from_code),
            message: e.message.to_string(),
        }),
        other => error.problems = other.problems().to_vec(),
    }
    Some(error)
}

/// Separates rate-limit refusals from other errors. A spent usage cap comes as a 429 too, but
/// waiting a window does not lift it: it stays an [`Error::Api`], final.
fn classify(error: ApiError) -> Error {
    let limited = error.billing().is_none()
        && (error.status == StatusCode::TOO_MANY_REQUESTS
            || error.status.as_u16() == 420
            || error.has_code(ErrorCode::RateLimitExceeded));
    if limited {
        Error::RateLimited(Box::new(RateLimited {
            until: exhausted_reset(&error.rate_limit),
            error,
        }))
    } else {
        Error::Api(Box::new(error))
    }
}

/// The reset of the bucket that ran out: a 24-hour bucket at zero outlasts the window.
fn exhausted_reset(snapshot: &RateLimitSnapshot) -> Option<SystemTime> {
    let buckets = [snapshot.user_day, snapshot.app_day, snapshot.window];
    buckets
        .iter()
        .flatten()
        .find(|b| b.remaining == 0)
        .or(snapshot.window.as_ref())
        .map(|b| b.reset)
}
