//! Pay-per-use cost as a first-class figure: X's prices as data ([`price_of`]), money as an
//! exact integer ([`Cost`], micro-dollars, never a float), what each reply carried and cost
//! ([`Charge`], see [`Reply::charge`](crate::Reply::charge)), the UTC day's [`Meter`] that
//! counts each user once a day, and the refusals of a spent cap or a missing enrolment
//! ([`BillingRefusal`]).
//!
//! X bills reads per resource returned ($0.010 per user; $0.001 for an owned read, where the
//! path's `:id` is the authenticated user), writes per request (follow $0.015, unfollow
//! $0.010), and counts a resource once per UTC day.
//!
//! ```
//! use twapi_core::EndpointId;
//! use twapi_core::cost::{Cost, Price, price_of};
//!
//! assert_eq!(
//!     price_of(EndpointId::V2Followers),
//!     Price::PerResource { each: Cost::from_mills(10), owned: Cost::from_mills(1) }
//! );
//! assert_eq!(price_of(EndpointId::V2Follow), Price::PerRequest(Cost::from_mills(15)));
//! // A full page of 1,000 followers: $10 ($1 when it is one's own).
//! assert_eq!(Cost::from_mills(10) * 1_000, Cost::from_dollars(10));
//! assert_eq!(Cost::from_mills(10).to_string(), "$0.010");
//! ```

mod meter;
mod prices;

use std::fmt;
use std::iter::Sum;
use std::ops::{Add, AddAssign, Mul};
use std::time::SystemTime;

use serde::{Deserialize, Serialize};
use twapi_model::v2::{ForbiddenReason, ProblemKind, UsagePeriod, UsageScope};

pub use meter::{Billed, Meter, MeterHandle, SeenIds, Usage};
pub use prices::{FOLLOW, OWNED_READ, PRICES_AS_OF, PRICES_SOURCE, UNFOLLOW, USER_READ, price_of};

use crate::endpoint::EndpointId;
use crate::error::ApiError;
use crate::error_code::ErrorCode;

/// An amount of US dollars, exact: a whole number of micro-dollars ($0.000001).
///
/// X's prices are multiples of $0.001; micro-dollars leave room for finer ones, and a `u64` of
/// them holds more than any bill. Arithmetic saturates rather than wraps. Displays as dollars
/// with at least three decimals: `$0.010`, `$10.000`, `$0.0125`.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Cost(u64);

impl Cost {
    /// Nothing.
    pub const ZERO: Cost = Cost(0);

    /// `micros` millionths of a dollar.
    pub const fn from_micros(micros: u64) -> Self {
        Self(micros)
    }

    /// `mills` thousandths of a dollar (tenths of a cent): `from_mills(10)` is $0.010.
    pub const fn from_mills(mills: u64) -> Self {
        Self(mills.saturating_mul(1_000))
    }

    /// `cents` hundredths of a dollar.
    pub const fn from_cents(cents: u64) -> Self {
        Self(cents.saturating_mul(10_000))
    }

    /// Whole dollars.
    pub const fn from_dollars(dollars: u64) -> Self {
        Self(dollars.saturating_mul(1_000_000))
    }

    /// The amount in micro-dollars.
    pub const fn micros(self) -> u64 {
        self.0
    }

    /// `self - other`, or nothing when `other` is more.
    #[must_use]
    pub const fn saturating_sub(self, other: Cost) -> Cost {
        Cost(self.0.saturating_sub(other.0))
    }

    /// How many whole `unit`s fit in `self` (`u64::MAX` for a zero unit).
    pub const fn fits(self, unit: Cost) -> u64 {
        match self.0.checked_div(unit.0) {
            Some(n) => n,
            None => u64::MAX,
        }
    }
}

impl fmt::Display for Cost {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let dollars = self.0 / 1_000_000;
        let mut micros = self.0 % 1_000_000;
        let mut digits = 6;
        // Three decimals at least; more only when the amount has them.
        while digits > 3 && micros.is_multiple_of(10) {
            micros /= 10;
            digits -= 1;
        }
        write!(f, "${dollars}.{micros:0digits$}")
    }
}

impl Add for Cost {
    type Output = Cost;
    fn add(self, other: Cost) -> Cost {
        Cost(self.0.saturating_add(other.0))
    }
}

impl AddAssign for Cost {
    fn add_assign(&mut self, other: Cost) {
        *self = *self + other;
    }
}

impl Mul<u64> for Cost {
    type Output = Cost;
    fn mul(self, n: u64) -> Cost {
        Cost(self.0.saturating_mul(n))
    }
}

impl Sum for Cost {
    fn sum<I: Iterator<Item = Cost>>(iter: I) -> Cost {
        iter.fold(Cost::ZERO, Add::add)
    }
}

/// How X charges for one endpoint (see [`price_of`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Price {
    /// Per resource returned, each counted once a UTC day: `each`, or `owned` when the path's
    /// `:id` is the authenticated user.
    PerResource {
        /// The price of one resource.
        each: Cost,
        /// The price of one resource of an owned read.
        owned: Cost,
    },
    /// Per request, whatever it returns.
    PerRequest(Cost),
    /// Not charged.
    Free,
}

impl Price {
    /// The most one item of a page can cost: the resource price (owned or not), a request's,
    /// or nothing.
    pub const fn unit(self, owned: bool) -> Cost {
        match self {
            Self::PerResource { owned: o, .. } if owned => o,
            Self::PerResource { each, .. } => each,
            Self::PerRequest(cost) => cost,
            Self::Free => Cost::ZERO,
        }
    }

    /// Whether it bills each resource returned (once a UTC day), so a meter keeps the ids.
    pub const fn is_per_resource(self) -> bool {
        matches!(self, Self::PerResource { .. })
    }
}

impl EndpointId {
    /// What X charges for this endpoint (see [`price_of`]).
    pub const fn price(self) -> Price {
        price_of(self)
    }
}

/// What one reply carried and cost.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Charge {
    /// The billable resources it carried: the users (or user ids) of a read, 1 for a write, 0
    /// for a free endpoint or a failure.
    pub resources: u64,
    /// Whether it was an owned read (the path's `:id` was the authenticated user).
    pub owned: bool,
    /// Their cost at list price, before the day's deduplication.
    pub cost: Cost,
    /// What the session's meter added for it today: users already counted today are free.
    /// `None` when the session has no meter (or outside a session).
    pub metered: Option<Cost>,
}

impl Charge {
    /// The charge for `resources` resources of `endpoint`.
    pub fn new(endpoint: EndpointId, resources: u64, owned: bool) -> Self {
        let price = endpoint.price();
        let owned = owned && matches!(price, Price::PerResource { .. });
        let (resources, cost) = match price {
            Price::PerResource { .. } => (resources, price.unit(owned) * resources),
            // A write is one billable request, whatever it returns.
            Price::PerRequest(cost) => (1, cost),
            Price::Free => (resources, Cost::ZERO),
        };
        Self {
            resources,
            owned,
            cost,
            metered: None,
        }
    }

    /// What this reply is taken to have cost: the meter's figure, else the list price.
    pub fn spent(&self) -> Cost {
        self.metered.unwrap_or(self.cost)
    }
}

/// The UTC day of `now`: days since 1970-01-01 (Unix time counts no leap seconds, so a day is
/// always 86,400 of its seconds and midnight UTC a multiple of them).
pub fn utc_day(now: SystemTime) -> u64 {
    now.duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() / 86_400)
}

/// X refusing a request for billing or access, not for a rate limit: none of these passes by
/// waiting a window, so none is retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum BillingRefusal {
    /// v2 `usage-capped` (HTTP 429): the spending limit or usage cap of the period is reached.
    UsageCapped {
        /// Which cap (`Daily`, `Monthly`), if X said.
        period: Option<UsagePeriodKind>,
        /// Whose cap (`Account`, `Product`), if X said.
        scope: Option<UsageScopeKind>,
    },
    /// v2 `client-forbidden` with reason `client-not-enrolled`: the app is not attached to a
    /// project enrolled for this product.
    ClientNotEnrolled,
    /// v1.1 code 453 (HTTP 403): the app's access level reaches only a subset of v2 and
    /// limited v1.1 endpoints.
    AccessLevel,
}

/// Which usage cap was reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum UsagePeriodKind {
    /// The day's.
    Daily,
    /// The billing cycle's (month's).
    Monthly,
}

/// Whose usage cap was reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum UsageScopeKind {
    /// The developer account's.
    Account,
    /// The product's.
    Product,
}

impl BillingRefusal {
    /// The billing refusal an error answer amounts to, if it is one.
    pub fn of(error: &ApiError) -> Option<Self> {
        if let Some(problem) = error
            .problems()
            .iter()
            .find(|p| *p.kind() == ProblemKind::UsageCapped)
        {
            let period = match &problem.period {
                Some(UsagePeriod::Daily) => Some(UsagePeriodKind::Daily),
                Some(UsagePeriod::Monthly) => Some(UsagePeriodKind::Monthly),
                _ => None,
            };
            let scope = match &problem.scope {
                Some(UsageScope::Account) => Some(UsageScopeKind::Account),
                Some(UsageScope::Product) => Some(UsageScopeKind::Product),
                _ => None,
            };
            return Some(Self::UsageCapped { period, scope });
        }
        let not_enrolled = error.problems().iter().any(|p| {
            *p.kind() == ProblemKind::ClientForbidden
                && p.reason == Some(ForbiddenReason::ClientNotEnrolled)
        });
        if not_enrolled {
            return Some(Self::ClientNotEnrolled);
        }
        error
            .has_code(ErrorCode::AccessLevelInsufficient)
            .then_some(Self::AccessLevel)
    }

    /// What to do about it, for a person to read.
    pub const fn advice(self) -> &'static str {
        match self {
            Self::UsageCapped {
                period: Some(UsagePeriodKind::Daily),
                ..
            } => {
                "daily usage cap reached: raise the spending limit in the developer console or \
                 wait for the next UTC day"
            }
            Self::UsageCapped { .. } => {
                "usage cap reached for this billing cycle: raise the spending limit in the \
                 developer console or wait for the next cycle"
            }
            Self::ClientNotEnrolled => {
                "the app is not enrolled for this product: attach it to a project in the \
                 developer console (see the problem's registration_url)"
            }
            Self::AccessLevel => {
                "the app's access level does not reach this endpoint (v1.1 follow and user \
                 endpoints are closed to self-serve apps): use the v2 endpoint, or a plan \
                 that includes it"
            }
        }
    }
}

impl fmt::Display for BillingRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.advice())
    }
}
