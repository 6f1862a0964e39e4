//! Rate limits: the headers X announces them in, and the client-side limiter that keeps a
//! crawl inside its 15-minute windows and 24-hour caps.
//!
//! X counts requests per endpoint in 15-minute windows — per user for user-context requests,
//! per app for app-only ones — and counts follows and unfollows against 24-hour caps per user
//! and per app. [`RateLimitSnapshot`] reads what a response says about those budgets;
//! [`Limiter`] combines the documented limits of the [endpoint table](crate::endpoint) with
//! every snapshot it is shown and answers "go" or "wait until T" before each request.
//!
//! ```
//! use std::time::{Duration, SystemTime};
//! use twapi_core::endpoint::EndpointId;
//! use twapi_core::rate_limit::{Context, Limiter};
//!
//! let mut limiter = Limiter::default();
//! let ctx = Context::user("my-app", 783214);
//! let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
//! // followers/ids allows 15 requests per user per 15 minutes.
//! for _ in 0..15 {
//!     assert!(limiter.acquire(EndpointId::FollowersIds, &ctx, now).is_ok());
//! }
//! let wait = limiter.acquire(EndpointId::FollowersIds, &ctx, now).unwrap_err();
//! assert_eq!(wait.until, now + Duration::from_secs(900));
//! ```

use std::collections::BTreeMap;
use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use http::{HeaderMap, HeaderName, HeaderValue};
use serde::{Deserialize, Serialize};

use crate::endpoint::{DailyBucket, EndpointId, LimitsProfile};

/// One budget as a server announced it: `limit` requests per period, `remaining` of them left,
/// the count starting afresh at `reset`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct RateLimit {
    /// Requests allowed per period.
    pub limit: u32,
    /// Requests left in the current period.
    pub remaining: u32,
    /// When the period ends (X sends whole UTC epoch seconds).
    pub reset: SystemTime,
}

/// Everything one response says about rate limits: the 15-minute window of the endpoint and,
/// on endpoints with daily caps, the app's and the user's 24-hour budgets.
///
/// A group of headers that is absent gives `None` (X sends no rate-limit headers on 401s, nor
/// on `friendships/create`).
///
/// ```
/// use http::HeaderMap;
/// use std::time::{Duration, SystemTime};
/// use twapi_core::rate_limit::RateLimitSnapshot;
///
/// let mut headers = HeaderMap::new();
/// headers.insert("x-rate-limit-limit", "15".parse().unwrap());
/// headers.insert("x-rate-limit-remaining", "14".parse().unwrap());
/// headers.insert("x-rate-limit-reset", "1562984888".parse().unwrap());
/// let snapshot = RateLimitSnapshot::from_headers(&headers)?;
/// let window = snapshot.window.unwrap();
/// assert_eq!((window.limit, window.remaining), (15, 14));
/// assert_eq!(window.reset, SystemTime::UNIX_EPOCH + Duration::from_secs(1_562_984_888));
/// assert_eq!(snapshot.app_day, None);
/// # Ok::<(), twapi_core::rate_limit::RateLimitHeaderError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct RateLimitSnapshot {
    /// `x-rate-limit-limit`, `-remaining`, `-reset`: the endpoint's 15-minute window.
    pub window: Option<RateLimit>,
    /// `x-app-limit-24hour-limit`, `-remaining`, `-reset`: the app's 24-hour budget.
    pub app_day: Option<RateLimit>,
    /// `x-user-limit-24hour-limit`, `-remaining`, `-reset`: the user's 24-hour budget.
    pub user_day: Option<RateLimit>,
}

impl RateLimitSnapshot {
    /// Reads the three header groups.
    ///
    /// A group that is partly present, repeated, or holds anything but a decimal number in
    /// range (limits and counts fit `u32`, resets are epoch seconds) is an error naming the
    /// header and the bad value, so a proxy that mangles headers is noticed instead of
    /// silently disabling the limiter.
    pub fn from_headers(headers: &HeaderMap) -> Result<Self, RateLimitHeaderError> {
        let [window, app_day, user_day] = find(headers);
        Ok(RateLimitSnapshot {
            window: WINDOW_HEADERS.read(window)?,
            app_day: APP_DAY_HEADERS.read(app_day)?,
            user_day: USER_DAY_HEADERS.read(user_day)?,
        })
    }

    /// Writes the groups that are present into `headers`, as a server (the emulator) sends
    /// them; resets are written as whole epoch seconds (0 for a time before 1970).
    pub fn write_headers(&self, headers: &mut HeaderMap) {
        for (group, limit) in [
            (&WINDOW_HEADERS, self.window),
            (&APP_DAY_HEADERS, self.app_day),
            (&USER_DAY_HEADERS, self.user_day),
        ] {
            if let Some(limit) = limit {
                group.write(limit, headers);
            }
        }
    }

    /// Whether the response carried no rate-limit headers at all.
    pub fn is_empty(&self) -> bool {
        self.window.is_none() && self.app_day.is_none() && self.user_day.is_none()
    }
}

/// Why the rate-limit headers of a response could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum RateLimitHeaderError {
    /// A header of a group is absent while another of the same group is present.
    Missing {
        /// The absent header.
        header: &'static str,
    },
    /// A header is not a decimal number in range.
    Invalid {
        /// The header.
        header: &'static str,
        /// Its value (at most 64 characters, non-UTF-8 bytes replaced).
        value: String,
    },
    /// A header appears more than once.
    Repeated {
        /// The header.
        header: &'static str,
    },
}

impl fmt::Display for RateLimitHeaderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Missing { header } => {
                write!(f, "rate-limit header `{header}` is missing from its group")
            }
            Self::Invalid { header, value } => {
                write!(
                    f,
                    "rate-limit header `{header}` is not a number in range: {value:?}"
                )
            }
            Self::Repeated { header } => {
                write!(f, "rate-limit header `{header}` appears more than once")
            }
        }
    }
}

impl std::error::Error for RateLimitHeaderError {}

struct HeaderGroup {
    limit: &'static str,
    remaining: &'static str,
    reset: &'static str,
}

const WINDOW_HEADERS: HeaderGroup = HeaderGroup {
    limit: "x-rate-limit-limit",
    remaining: "x-rate-limit-remaining",
    reset: "x-rate-limit-reset",
};

const APP_DAY_HEADERS: HeaderGroup = HeaderGroup {
    limit: "x-app-limit-24hour-limit",
    remaining: "x-app-limit-24hour-remaining",
    reset: "x-app-limit-24hour-reset",
};

const USER_DAY_HEADERS: HeaderGroup = HeaderGroup {
    limit: "x-user-limit-24hour-limit",
    remaining: "x-user-limit-24hour-remaining",
    reset: "x-user-limit-24hour-reset",
};

/// How often a header of a group was found.
#[derive(Clone, Copy)]
enum Found<'h> {
    Absent,
    Once(&'h HeaderValue),
    Repeated,
}

/// The headers of the three groups (window, app day, user day; each limit, remaining, reset),
/// found in one pass over the response's headers. A lookup by name would parse and hash the
/// name nine times for the ten or so headers an answer has.
fn find(headers: &HeaderMap) -> [[Found<'_>; 3]; 3] {
    let mut found = [[Found::Absent; 3]; 3];
    for (name, value) in headers {
        let name = name.as_str();
        // All nine start with `x-`: most headers are passed over on their first two bytes.
        if !name.starts_with("x-") {
            continue;
        }
        for (group, slots) in [&WINDOW_HEADERS, &APP_DAY_HEADERS, &USER_DAY_HEADERS]
            .into_iter()
            .zip(&mut found)
        {
            for (header, slot) in group.names().into_iter().zip(slots.iter_mut()) {
                if name == header {
                    *slot = match *slot {
                        Found::Absent => Found::Once(value),
                        Found::Once(_) | Found::Repeated => Found::Repeated,
                    };
                }
            }
        }
    }
    found
}

impl HeaderGroup {
    fn names(&self) -> [&'static str; 3] {
        [self.limit, self.remaining, self.reset]
    }

    fn read(&self, found: [Found<'_>; 3]) -> Result<Option<RateLimit>, RateLimitHeaderError> {
        let [limit, remaining, reset] = found;
        let limit = single(limit, self.limit)?;
        let remaining = single(remaining, self.remaining)?;
        let reset = single(reset, self.reset)?;
        match (limit, remaining, reset) {
            (None, None, None) => Ok(None),
            (Some(limit), Some(remaining), Some(reset)) => {
                let reset_secs: u64 = decimal(self.reset, reset)?;
                let reset = UNIX_EPOCH
                    .checked_add(Duration::from_secs(reset_secs))
                    .ok_or_else(|| invalid(self.reset, reset))?;
                Ok(Some(RateLimit {
                    limit: decimal(self.limit, limit)?,
                    remaining: decimal(self.remaining, remaining)?,
                    reset,
                }))
            }
            (limit, remaining, _) => {
                let header = if limit.is_none() {
                    self.limit
                } else if remaining.is_none() {
                    self.remaining
                } else {
                    self.reset
                };
                Err(RateLimitHeaderError::Missing { header })
            }
        }
    }

    fn write(&self, limit: RateLimit, headers: &mut HeaderMap) {
        let reset = limit
            .reset
            .duration_since(UNIX_EPOCH)
            .map_or(0, |since| since.as_secs());
        headers.insert(
            HeaderName::from_static(self.limit),
            HeaderValue::from(limit.limit),
        );
        headers.insert(
            HeaderName::from_static(self.remaining),
            HeaderValue::from(limit.remaining),
        );
        headers.insert(
            HeaderName::from_static(self.reset),
            HeaderValue::from(reset),
        );
    }
}

fn single<'h>(
    found: Found<'h>,
    name: &'static str,
) -> Result<Option<&'h HeaderValue>, RateLimitHeaderError> {
    match found {
        Found::Absent => Ok(None),
        Found::Once(value) => Ok(Some(value)),
        Found::Repeated => Err(RateLimitHeaderError::Repeated { header: name }),
    }
}

fn decimal<T: std::str::FromStr>(
    name: &'static str,
    value: &HeaderValue,
) -> Result<T, RateLimitHeaderError> {
    let text = value
        .to_str()
        .map_err(|_| invalid(name, value))?
        .trim_matches([' ', '\t']);
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(invalid(name, value));
    }
    text.parse().map_err(|_| invalid(name, value))
}

fn invalid(header: &'static str, value: &HeaderValue) -> RateLimitHeaderError {
    RateLimitHeaderError::Invalid {
        header,
        value: String::from_utf8_lossy(value.as_bytes())
            .chars()
            .take(64)
            .collect(),
    }
}

/// The lengths of the periods the limiter counts in, and whose documented limits it counts.
///
/// X's periods are 15 minutes and 24 hours (the default); the emulator and tests scale them
/// down so a day passes in seconds. A zero period never limits anything. `limits` picks the
/// set of documented 15-minute limits the limiter starts from (today's by default; see
/// [`LimitsProfile`]); a server's headers win over either.
///
/// ```
/// use twapi_core::endpoint::LimitsProfile;
/// use twapi_core::rate_limit::LimiterConfig;
///
/// let classic = LimiterConfig { limits: LimitsProfile::Classic2021, ..LimiterConfig::default() };
/// assert_eq!(LimiterConfig::default().limits, LimitsProfile::Current2026);
/// # let _ = classic;
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct LimiterConfig {
    /// The rate-limit window (default 900 s).
    pub window: Duration,
    /// The daily-cap period (default 86,400 s).
    pub day: Duration,
    /// Whose documented 15-minute limits to count (default [`LimitsProfile::Current2026`];
    /// a state saved before profiles existed reads back with the default).
    #[serde(default)]
    pub limits: LimitsProfile,
}

impl Default for LimiterConfig {
    fn default() -> Self {
        LimiterConfig {
            window: Duration::from_secs(15 * 60),
            day: Duration::from_secs(24 * 60 * 60),
            limits: LimitsProfile::Current2026,
        }
    }
}

/// Whose budget a request spends: the app's always, and the user's for user-context requests.
///
/// `app` is any stable name for the app (its consumer key, or a label); `user` is the id of
/// the user the request acts for, `None` for app-only (bearer) requests.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Context {
    /// The app the credentials belong to.
    pub app: String,
    /// The user acted for; `None` for app-only requests.
    pub user: Option<u64>,
}

impl Context {
    /// An app-only (bearer token) context.
    pub fn app_only(app: impl Into<String>) -> Self {
        Context {
            app: app.into(),
            user: None,
        }
    }

    /// A user context (OAuth 1.0a or OAuth 2.0 user token) acting for `user_id`.
    pub fn user(app: impl Into<String>, user_id: u64) -> Self {
        Context {
            app: app.into(),
            user: Some(user_id),
        }
    }
}

/// A budget the limiter counts: what a [`WaitUntil`] names as the reason to wait.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Bucket {
    /// The 15-minute window of one endpoint.
    Window(EndpointId),
    /// A documented 24-hour cap, shared by the endpoints that name it in the table.
    Daily(DailyBucket),
    /// A 24-hour cap a server announced (`x-*-limit-24hour-*`) on an endpoint that has no
    /// documented one.
    EndpointDaily(EndpointId),
}

/// Proof that the limiter let a request go and counted it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[must_use = "a permit means the request was counted: send it"]
pub struct Permit {
    endpoint: EndpointId,
    granted_at: SystemTime,
}

impl Permit {
    /// The endpoint the permit is for.
    pub fn endpoint(&self) -> EndpointId {
        self.endpoint
    }

    /// The `now` it was granted at.
    pub fn granted_at(&self) -> SystemTime {
        self.granted_at
    }
}

/// The limiter's "not yet": try again at `until`, when `bucket` starts afresh.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct WaitUntil {
    /// The earliest time the request may go (the latest reset among exhausted budgets).
    pub until: SystemTime,
    /// The exhausted budget that ends last.
    pub bucket: Bucket,
}

impl fmt::Display for WaitUntil {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.until.duration_since(UNIX_EPOCH) {
            Ok(since) => write!(
                f,
                "rate limited by {:?} until epoch second {}",
                self.bucket,
                since.as_secs()
            ),
            Err(_) => write!(f, "rate limited by {:?}", self.bucket),
        }
    }
}

impl std::error::Error for WaitUntil {}

/// The client-side rate limiter: documented limits from the endpoint table, refined by every
/// response's headers, for any number of apps and users.
///
/// # Rules
///
/// - **Budgets.** A request counts against the endpoint's window for its context (the user's
///   for user-context requests, the app's for app-only ones, as X counts them) and, on follow
///   and unfollow endpoints, against the 24-hour cap of the user and of the app. The follow
///   cap is one budget for `friendships/create` and `POST /2/users/:id/following`, the
///   unfollow cap one for `friendships/destroy` and the v2 DELETE. A budget with no
///   documented limit and no header is unlimited.
/// - **Windows.** A window opens at the first request after the previous one ended and lasts
///   [`LimiterConfig::window`] (or `day`), unless a server says when it resets.
/// - **Acquire.** [`Limiter::acquire`] checks every budget the request draws from and, only if
///   all have room, reserves one unit in each: the check and the reservation are one step, so
///   tasks sharing a limiter behind a mutex can never overdraw a budget together.
/// - **Headers win, but never loosen a window.** [`Limiter::observe`] adopts a server's reset
///   and its limit (used for the next windows), but the remaining count of an open window
///   only ever goes down: a response that left before other permits were granted cannot hand
///   those permits out again. A reset already past is stale and ignored; a reset further
///   ahead than one period can only be clock skew and is clamped to one period, plus the one
///   second by which whole-second resets are rounded up.
/// - **429.** [`Limiter::observe_rate_limited`] closes the endpoint's window until the given
///   reset, or for a whole window when the server did not say.
/// - **A probe per window.** A window the limiter opens itself admits at least one request,
///   so a budget whose server announced a limit of 0 is asked again once a window (and its
///   answer re-teaches the limit) instead of being locked for good.
///
/// The state serializes (as a list of budgets), so a crawl resumes with the budget it had.
/// Times before 1970 cannot be serialized.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "LimiterState", into = "LimiterState")]
pub struct Limiter {
    config: LimiterConfig,
    /// The budgets, by app and then by bucket and user: looked up with the context's borrowed
    /// app name, so counting a request allocates nothing once its budgets exist. No app is
    /// left with an empty map (two limiters with the same budgets compare equal).
    buckets: BTreeMap<String, BTreeMap<Slot, BudgetState>>,
}

impl Default for Limiter {
    fn default() -> Self {
        Limiter::new(LimiterConfig::default())
    }
}

impl Limiter {
    /// An empty limiter counting in the given periods.
    pub fn new(config: LimiterConfig) -> Self {
        Limiter {
            config,
            buckets: BTreeMap::new(),
        }
    }

    /// The periods this limiter counts in.
    pub fn config(&self) -> LimiterConfig {
        self.config
    }

    /// Asks to send one request to `endpoint` in `ctx` at `now`.
    ///
    /// On success the request has been counted in every budget it draws from; on failure
    /// nothing was counted, and the answer says when to ask again.
    pub fn acquire(
        &mut self,
        endpoint: EndpointId,
        ctx: &Context,
        now: SystemTime,
    ) -> Result<Permit, WaitUntil> {
        let keys = charged_keys(endpoint, ctx);
        let blocked = keys
            .iter()
            .flatten()
            .filter_map(|key| {
                self.blocked_until(key, now)
                    .map(|until| (until, key.slot.bucket))
            })
            .max_by_key(|(until, _)| *until);
        if let Some((until, bucket)) = blocked {
            return Err(WaitUntil { until, bucket });
        }
        for key in keys.into_iter().flatten() {
            self.reserve(key, now);
        }
        Ok(Permit {
            endpoint,
            granted_at: now,
        })
    }

    /// Feeds the rate-limit headers of a response to a request sent to `endpoint` in `ctx`.
    ///
    /// The window group applies to the endpoint's window for `ctx`; the user's 24-hour group to
    /// the user's daily budget (ignored for app-only contexts); the app's 24-hour group to the
    /// app's daily budget.
    pub fn observe(
        &mut self,
        endpoint: EndpointId,
        ctx: &Context,
        snapshot: &RateLimitSnapshot,
        now: SystemTime,
    ) {
        if let Some(window) = snapshot.window {
            self.adopt(window_key(endpoint, ctx), window, now);
        }
        if let (Some(user_day), Some(user)) = (snapshot.user_day, ctx.user) {
            self.adopt(daily_key(endpoint, &ctx.app, Some(user)), user_day, now);
        }
        if let Some(app_day) = snapshot.app_day {
            self.adopt(daily_key(endpoint, &ctx.app, None), app_day, now);
        }
    }

    /// Records a 429 (or 420) answer: the endpoint's window for `ctx` is closed until `reset`
    /// (clamped to one day ahead; the server's word wins over the limiter's own count) or,
    /// when the server gave no usable reset, for one window, or longer if the limiter already
    /// counted the window closed past that.
    pub fn observe_rate_limited(
        &mut self,
        endpoint: EndpointId,
        ctx: &Context,
        reset: Option<SystemTime>,
        now: SystemTime,
    ) {
        let announced = reset
            .filter(|reset| *reset > now)
            .map(|reset| reset.min(after(now, self.config.day)));
        let until = announced.unwrap_or_else(|| after(now, self.config.window));
        self.change(window_key(endpoint, ctx), |state| {
            // A reset the server announced is the truth; without one, the window stays closed
            // at least as long as the limiter already counted it.
            let reset = match state.window {
                Some(open) if now < open.reset && announced.is_none() => open.reset.max(until),
                _ => until,
            };
            state.window = Some(Window {
                reset,
                remaining: 0,
            });
        });
    }

    /// Forgets budgets that carry no information any more (their window has ended and no
    /// server-announced limit was learned), so a long crawl over many users stays small.
    pub fn prune(&mut self, now: SystemTime) {
        for slots in self.buckets.values_mut() {
            slots.retain(|_, state| {
                state.learned_limit.is_some()
                    || state.window.is_some_and(|window| now < window.reset)
            });
        }
        self.buckets.retain(|_, slots| !slots.is_empty());
    }

    /// The budgets a request to `endpoint` in `ctx` draws from, and that its answer's headers
    /// or its 429 may change: everything [`Limiter::acquire`], [`Limiter::observe`] and
    /// [`Limiter::observe_rate_limited`] read or write for it (at most three).
    pub fn budgets_of(endpoint: EndpointId, ctx: &Context) -> Vec<BudgetKey> {
        charged_keys(endpoint, ctx)
            .into_iter()
            .flatten()
            .map(|key| BudgetKey {
                bucket: key.slot.bucket,
                app: key.app.to_owned(),
                user: key.slot.user,
            })
            .collect()
    }

    /// The state of one budget; `None` when the limiter keeps nothing for it (it has never
    /// counted it, or the budget has nothing to count against).
    pub fn budget(&self, key: &BudgetKey) -> Option<BudgetState> {
        self.buckets
            .get(&key.app)
            .and_then(|slots| slots.get(&key.borrowed().slot))
            .copied()
    }

    /// Sets the state of one budget (`None` forgets it), as a store outside the process loads
    /// it before a decision.
    pub fn set_budget(&mut self, key: &BudgetKey, state: Option<BudgetState>) {
        let borrowed = key.borrowed();
        match state {
            Some(state) => self.change(borrowed, |slot| *slot = state),
            None => {
                if let Some(slots) = self.buckets.get_mut(&key.app) {
                    slots.remove(&borrowed.slot);
                    if slots.is_empty() {
                        self.buckets.remove(&key.app);
                    }
                }
            }
        }
    }

    /// The length of the periods `bucket` counts in: the window, or the day.
    pub fn period(&self, bucket: Bucket) -> Duration {
        match bucket {
            Bucket::Window(_) => self.config.window,
            Bucket::Daily(_) | Bucket::EndpointDaily(_) => self.config.day,
        }
    }

    /// When the budget next has room, if it has none now. A budget with no open window
    /// always has room: a new window admits at least one request (see the rules above).
    fn blocked_until(&self, key: &Key<'_>, now: SystemTime) -> Option<SystemTime> {
        self.buckets
            .get(key.app)
            .and_then(|slots| slots.get(&key.slot))
            .and_then(|state| state.window)
            .filter(|window| now < window.reset && window.remaining == 0)
            .map(|window| window.reset)
    }

    /// Runs `change` on the state of `key`'s budget, created empty (with the app's map) if
    /// there is none.
    fn change<R>(&mut self, key: Key<'_>, change: impl FnOnce(&mut BudgetState) -> R) -> R {
        // `get_mut` first: `entry` would need an owned app name at every call.
        if let Some(slots) = self.buckets.get_mut(key.app) {
            return change(slots.entry(key.slot).or_default());
        }
        let slots = self.buckets.entry(key.app.to_owned()).or_default();
        change(slots.entry(key.slot).or_default())
    }

    fn reserve(&mut self, key: Key<'_>, now: SystemTime) {
        let period = self.period(key.slot.bucket);
        let documented = key.slot.documented_limit(self.config.limits);
        // A new window, this request counted: sized by the limit X announced, else the
        // documented one; none when neither is known.
        let opened = |learned: Option<u32>| {
            learned.or(documented).map(|limit| Window {
                reset: after(now, period),
                remaining: limit.saturating_sub(1),
            })
        };
        match self
            .buckets
            .get_mut(key.app)
            .and_then(|slots| slots.get_mut(&key.slot))
        {
            Some(state) => match &mut state.window {
                Some(window) if now < window.reset => {
                    window.remaining = window.remaining.saturating_sub(1);
                }
                _ => state.window = opened(state.learned_limit),
            },
            // A budget with nothing to count against is not stored.
            None => {
                if let Some(window) = opened(None) {
                    self.change(key, |state| state.window = Some(window));
                }
            }
        }
    }

    fn adopt(&mut self, key: Key<'_>, announced: RateLimit, now: SystemTime) {
        let period = self.period(key.slot.bucket);
        self.change(key, |state| {
            state.learned_limit = Some(announced.limit);
            if announced.reset <= now {
                return;
            }
            // Resets are whole epoch seconds and servers round them up, so an honest reset can
            // lie up to a second past `now + period`; allowing that second keeps a client from
            // waking a fraction of a second before the server's window ends.
            let reset = announced.reset.min(after(now, period + RESET_SLACK));
            let remaining = announced.remaining.min(announced.limit);
            state.window = Some(match state.window {
                Some(open) if now < open.reset => Window {
                    reset,
                    remaining: open.remaining.min(remaining),
                },
                _ => Window { reset, remaining },
            });
        });
    }
}

/// How far past one period a server's announced reset may lie: the rounding of whole seconds.
const RESET_SLACK: Duration = Duration::from_secs(1);

/// `now + period`, saturating at `now` for times at the very end of `SystemTime`'s range.
fn after(now: SystemTime, period: Duration) -> SystemTime {
    now.checked_add(period).unwrap_or(now)
}

fn window_key(endpoint: EndpointId, ctx: &Context) -> Key<'_> {
    Key {
        app: &ctx.app,
        slot: Slot {
            bucket: Bucket::Window(endpoint),
            user: ctx.user,
        },
    }
}

fn daily_key(endpoint: EndpointId, app: &str, user: Option<u64>) -> Key<'_> {
    let bucket = match endpoint.descriptor().daily {
        Some(daily) => Bucket::Daily(daily),
        None => Bucket::EndpointDaily(endpoint),
    };
    Key {
        app,
        slot: Slot { bucket, user },
    }
}

/// The budgets a request draws from: its window, the user's daily cap (user context only)
/// and the app's.
fn charged_keys(endpoint: EndpointId, ctx: &Context) -> [Option<Key<'_>>; 3] {
    [
        Some(window_key(endpoint, ctx)),
        ctx.user
            .map(|user| daily_key(endpoint, &ctx.app, Some(user))),
        Some(daily_key(endpoint, &ctx.app, None)),
    ]
}

/// The name of one budget: the app, the bucket and, for a user's budget, the user.
///
/// What a store outside the process files a [`BudgetState`] under (see [`Limiter::budgets_of`]).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct BudgetKey {
    /// The budget's bucket: an endpoint's window, or a daily cap.
    pub bucket: Bucket,
    /// The app.
    pub app: String,
    /// The user, for a user's budget; `None` for the app's.
    pub user: Option<u64>,
}

impl BudgetKey {
    fn borrowed(&self) -> Key<'_> {
        Key {
            app: &self.app,
            slot: Slot {
                bucket: self.bucket,
                user: self.user,
            },
        }
    }
}

/// One budget: an app's, for a bucket and (in user context) a user.
#[derive(Debug, Clone, Copy)]
struct Key<'a> {
    app: &'a str,
    slot: Slot,
}

/// A budget within one app's map.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Slot {
    bucket: Bucket,
    user: Option<u64>,
}

impl Slot {
    fn documented_limit(&self, limits: LimitsProfile) -> Option<u32> {
        let user_context = self.user.is_some();
        match self.bucket {
            Bucket::Window(endpoint) => endpoint
                .descriptor()
                .window_for(limits)
                .for_context(user_context),
            Bucket::Daily(daily) => {
                let caps = daily.caps();
                if user_context { caps.user } else { caps.app }
            }
            Bucket::EndpointDaily(_) => None,
        }
    }
}

/// The state of one budget, as the limiter keeps it: the limit a server last announced and the
/// current (or last) window's remaining count and reset.
///
/// It serializes, so a store outside the process (twapi-redis) can hold it: such a store loads
/// the states of the budgets a request touches ([`Limiter::budgets_of`]) into a [`Limiter`] of
/// their own ([`Limiter::set_budget`]), lets that limiter decide as it always does, and saves
/// what it changed ([`Limiter::budget`]). The rules are the limiter's, written once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct BudgetState {
    /// The limit the server last announced; used for windows it opens from now on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    learned_limit: Option<u32>,
    /// The current (or last) window.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    window: Option<Window>,
}

impl BudgetState {
    /// Until when the state says anything a fresh budget would not: the end of its window, or,
    /// when it holds a limit a server announced, one `period` past that (the next window
    /// opens with the learned limit if it opens within that period). `None`: it says nothing
    /// past `now` and may be forgotten. A store expires its copy then, so nothing accumulates.
    pub fn informative_until(&self, period: Duration, now: SystemTime) -> Option<SystemTime> {
        let open_until = self.window.map(|w| w.reset).filter(|reset| *reset > now);
        match (self.learned_limit, open_until) {
            (Some(_), until) => Some(after(until.unwrap_or(now), period)),
            (None, until) => until,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
struct Window {
    reset: SystemTime,
    remaining: u32,
}

/// The serialized form of a [`Limiter`]: a list rather than a map, so it is plain JSON.
#[derive(Serialize, Deserialize)]
struct LimiterState {
    config: LimiterConfig,
    buckets: Vec<BucketEntry>,
}

#[derive(Serialize, Deserialize)]
struct BucketEntry {
    bucket: Bucket,
    app: String,
    user: Option<u64>,
    #[serde(default)]
    learned_limit: Option<u32>,
    #[serde(default)]
    window: Option<Window>,
}

impl From<LimiterState> for Limiter {
    fn from(state: LimiterState) -> Self {
        let mut buckets: BTreeMap<String, BTreeMap<Slot, BudgetState>> = BTreeMap::new();
        for entry in state.buckets {
            let slot = Slot {
                bucket: entry.bucket,
                user: entry.user,
            };
            let state = BudgetState {
                learned_limit: entry.learned_limit,
                window: entry.window,
            };
            buckets.entry(entry.app).or_default().insert(slot, state);
        }
        Limiter {
            config: state.config,
            buckets,
        }
    }
}

impl From<Limiter> for LimiterState {
    fn from(limiter: Limiter) -> Self {
        let mut buckets: Vec<BucketEntry> = limiter
            .buckets
            .into_iter()
            .flat_map(|(app, slots)| {
                slots.into_iter().map(move |(slot, state)| BucketEntry {
                    bucket: slot.bucket,
                    app: app.clone(),
                    user: slot.user,
                    learned_limit: state.learned_limit,
                    window: state.window,
                })
            })
            .collect();
        // The order the list has always had: by bucket, then app, then user.
        buckets.sort_by(|a, b| (a.bucket, &a.app, a.user).cmp(&(b.bucket, &b.app, b.user)));
        LimiterState {
            config: limiter.config,
            buckets,
        }
    }
}
