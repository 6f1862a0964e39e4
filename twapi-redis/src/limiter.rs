//! The store: budgets loaded from Redis, decided by twapi-core's limiter, saved back with one
//! compare-and-set script.

use std::fmt;
use std::time::{Duration, SystemTime};

use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use twapi_core::EndpointId;
use twapi_core::rate_limit::{
    BudgetKey, BudgetState, Context, Limiter, LimiterConfig, Permit, RateLimitSnapshot, WaitUntil,
};
use twapi_core::session::{LimiterHandle, LimiterStore, Observation, StoreFuture};

use crate::StoreError;

/// Saves the budgets only if none changed since they were read. `KEYS`: the budgets. `ARGV`:
/// for each key what was read (`""`: no key), then what to write (`""`: delete it), then its
/// time to live in milliseconds. Answers 1 when saved, 0 when another process got there first.
const COMPARE_AND_SET: &str = r"
local n = #KEYS
for i = 1, n do
  if (redis.call('GET', KEYS[i]) or '') ~= ARGV[i] then
    return 0
  end
end
for i = 1, n do
  local new = ARGV[n + i]
  if new == '' then
    redis.call('DEL', KEYS[i])
  else
    redis.call('SET', KEYS[i], new, 'PX', ARGV[2 * n + i])
  end
end
return 1
";

/// How many times a reservation is decided again after another process saved first. Each
/// retry follows a save that succeeded elsewhere, so this many in a row means a pathological
/// load, not bad luck.
const ATTEMPTS: u32 = 64;

/// How long one Redis command may take by default before the store reports Redis unreachable.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(2);

/// twapi-core's rate limiter with its budgets in Redis, shared by every process that uses the
/// same Redis and namespace (see [the crate](crate)).
///
/// Give it to a session with `limiter_store` (twapi-hyper's `ClientBuilder::limiter_store`);
/// or call [`RedisLimiter::acquire`] and the observing methods directly. Cheap to clone (the
/// connection is shared).
#[derive(Clone)]
pub struct RedisLimiter {
    connection: ConnectionManager,
    namespace: String,
    config: LimiterConfig,
    fallback: Option<LimiterHandle>,
    script: redis::Script,
}

impl fmt::Debug for RedisLimiter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisLimiter")
            .field("namespace", &self.namespace)
            .field("config", &self.config)
            .field("fallback", &self.fallback.is_some())
            .finish_non_exhaustive()
    }
}

/// The settings of a [`RedisLimiter`].
#[derive(Clone)]
#[must_use = "a builder does nothing until `connect` is called"]
pub struct RedisLimiterBuilder {
    url: String,
    namespace: String,
    config: LimiterConfig,
    timeout: Duration,
    fallback: Option<LimiterHandle>,
}

impl fmt::Debug for RedisLimiterBuilder {
    /// Everything but the URL, which may hold Redis's password.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisLimiterBuilder")
            .field("namespace", &self.namespace)
            .field("config", &self.config)
            .field("timeout", &self.timeout)
            .field("fallback", &self.fallback.is_some())
            .finish_non_exhaustive()
    }
}

impl RedisLimiterBuilder {
    /// The prefix of every key (default `twapi`): processes share budgets when they share it.
    pub fn namespace(mut self, namespace: impl Into<String>) -> Self {
        self.namespace = namespace.into();
        self
    }

    /// The periods and documented limits to count with (default X's: 15 minutes, 24 hours).
    /// Every process sharing a namespace must use the same.
    pub fn config(mut self, config: LimiterConfig) -> Self {
        self.config = config;
        self
    }

    /// How long a connection attempt or one command may take before Redis counts as
    /// unreachable (default 2 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// While Redis is unreachable, decide with this local limiter instead of failing (it knows
    /// only this process's requests meanwhile, so the processes together may overrun X's
    /// window until Redis is back). Off by default: an unreachable Redis is a
    /// [`StoreError::Redis`].
    pub fn fallback(mut self, local: LimiterHandle) -> Self {
        self.fallback = Some(local);
        self
    }

    /// Connects (the connection manager reconnects by itself later on).
    pub async fn connect(self) -> Result<RedisLimiter, StoreError> {
        Ok(RedisLimiter {
            connection: connect(&self.url, self.timeout).await?,
            namespace: self.namespace,
            config: self.config,
            fallback: self.fallback,
            script: redis::Script::new(COMPARE_AND_SET),
        })
    }
}

impl RedisLimiter {
    /// Settings for a limiter on the Redis at `url` (`redis://host:port/db`).
    pub fn builder(url: impl Into<String>) -> RedisLimiterBuilder {
        RedisLimiterBuilder {
            url: url.into(),
            namespace: "twapi".to_owned(),
            config: LimiterConfig::default(),
            timeout: DEFAULT_TIMEOUT,
            fallback: None,
        }
    }

    /// The periods and documented limits it counts with.
    pub fn config(&self) -> LimiterConfig {
        self.config
    }

    /// The same limiter, over the same connection, keeping its budgets under another
    /// namespace: separate budgets for a separate set of processes (or a test's own).
    #[must_use]
    pub fn with_namespace(mut self, namespace: impl Into<String>) -> Self {
        self.namespace = namespace.into();
        self
    }

    /// The state of one budget as Redis holds it; `None` when it holds none (never counted,
    /// or expired because it said nothing any more).
    pub async fn budget(&self, key: &BudgetKey) -> Result<Option<BudgetState>, StoreError> {
        let name = self.key(key);
        let value: Option<String> = redis::cmd("GET")
            .arg(&name)
            .query_async(&mut self.connection.clone())
            .await?;
        value
            .map(|text| serde_json::from_str(&text))
            .transpose()
            .map_err(|error| StoreError::Corrupt { key: name, error })
    }

    /// Asks to send one request to `endpoint` in `ctx` at `now` (see
    /// [`Limiter::acquire`]): on success it was counted, for every process.
    pub async fn acquire(
        &self,
        endpoint: EndpointId,
        ctx: &Context,
        now: SystemTime,
    ) -> Result<Result<Permit, WaitUntil>, StoreError> {
        self.decide(endpoint, ctx, now, |limiter| {
            limiter.acquire(endpoint, ctx, now)
        })
        .await
    }

    /// Feeds an answer's rate-limit headers (see [`Limiter::observe`]).
    pub async fn observe(
        &self,
        endpoint: EndpointId,
        ctx: &Context,
        snapshot: &RateLimitSnapshot,
        now: SystemTime,
    ) -> Result<(), StoreError> {
        self.decide(endpoint, ctx, now, |limiter| {
            limiter.observe(endpoint, ctx, snapshot, now);
        })
        .await
    }

    /// Records a 429 (see [`Limiter::observe_rate_limited`]).
    pub async fn observe_rate_limited(
        &self,
        endpoint: EndpointId,
        ctx: &Context,
        reset: Option<SystemTime>,
        now: SystemTime,
    ) -> Result<(), StoreError> {
        self.decide(endpoint, ctx, now, |limiter| {
            limiter.observe_rate_limited(endpoint, ctx, reset, now);
        })
        .await
    }

    /// Runs `step` on the budgets of a request to `endpoint` in `ctx`: in Redis, or on the
    /// fallback while Redis is unreachable.
    async fn decide<T>(
        &self,
        endpoint: EndpointId,
        ctx: &Context,
        now: SystemTime,
        mut step: impl FnMut(&mut Limiter) -> T,
    ) -> Result<T, StoreError> {
        match (
            self.decide_in_redis(endpoint, ctx, now, &mut step).await,
            &self.fallback,
        ) {
            (Err(StoreError::Redis(error)), Some(local)) => {
                tracing::warn!(
                    endpoint = endpoint.name(),
                    error = %error,
                    "Redis unreachable; deciding with the local fallback limiter"
                );
                Ok(local.update(step))
            }
            (answer, _) => answer,
        }
    }

    async fn decide_in_redis<T>(
        &self,
        endpoint: EndpointId,
        ctx: &Context,
        now: SystemTime,
        step: &mut impl FnMut(&mut Limiter) -> T,
    ) -> Result<T, StoreError> {
        let budgets = Limiter::budgets_of(endpoint, ctx);
        let keys: Vec<String> = budgets.iter().map(|b| self.key(b)).collect();
        let mut connection = self.connection.clone();
        for _ in 0..ATTEMPTS {
            let read: Vec<Option<String>> = redis::cmd("MGET")
                .arg(&keys)
                .query_async(&mut connection)
                .await?;
            let mut limiter = Limiter::new(self.config);
            for ((budget, key), value) in budgets.iter().zip(&keys).zip(&read) {
                let state = match value {
                    Some(text) => {
                        Some(serde_json::from_str::<BudgetState>(text).map_err(|error| {
                            StoreError::Corrupt {
                                key: key.clone(),
                                error,
                            }
                        })?)
                    }
                    None => None,
                };
                limiter.set_budget(budget, state);
            }
            let answer = step(&mut limiter);
            let mut invocation = self.script.prepare_invoke();
            for key in &keys {
                invocation.key(key);
            }
            for value in &read {
                invocation.arg(value.as_deref().unwrap_or(""));
            }
            let mut ttls = Vec::with_capacity(budgets.len());
            for budget in &budgets {
                let (text, ttl) = saved_form(&limiter, budget, now);
                invocation.arg(text);
                ttls.push(ttl);
            }
            for ttl in &ttls {
                invocation.arg(ttl);
            }
            let saved: i64 = invocation.invoke_async(&mut connection).await?;
            if saved == 1 {
                return Ok(answer);
            }
        }
        Err(StoreError::Contention { attempts: ATTEMPTS })
    }

    /// `NAMESPACE:{APP}:BUCKET:USER`, the app in braces (a Redis Cluster hash tag), braces in
    /// the app's name escaped.
    fn key(&self, budget: &BudgetKey) -> String {
        let app = budget
            .app
            .replace('%', "%25")
            .replace('{', "%7B")
            .replace('}', "%7D");
        let bucket: String = serde_json::to_string(&budget.bucket)
            .unwrap_or_default()
            .chars()
            .filter(|c| !matches!(c, '{' | '}' | '"'))
            .map(|c| if c == ':' { '/' } else { c })
            .collect();
        let user = budget
            .user
            .map_or_else(|| "app".to_owned(), |user| user.to_string());
        format!("{}:{{{app}}}:{bucket}:{user}", self.namespace)
    }
}

/// A connection manager to the Redis at `url` whose connection attempts and commands time out
/// after `timeout` (an unreachable Redis is then an error, not a hang).
pub(crate) async fn connect(url: &str, timeout: Duration) -> Result<ConnectionManager, StoreError> {
    let client = redis::Client::open(url)?;
    let settings = ConnectionManagerConfig::new()
        .set_connection_timeout(Some(timeout))
        .set_response_timeout(Some(timeout))
        .set_number_of_retries(1)
        .set_max_delay(timeout);
    Ok(ConnectionManager::new_with_config(client, settings).await?)
}

/// What the script writes for `budget` after a decision: its state as JSON and its time to
/// live in milliseconds (until it says nothing a fresh budget would not), or `""` (delete it)
/// when it says nothing already.
fn saved_form(limiter: &Limiter, budget: &BudgetKey, now: SystemTime) -> (String, u128) {
    let period = limiter.period(budget.bucket);
    limiter
        .budget(budget)
        .and_then(|state| {
            let until = state.informative_until(period, now)?;
            let ttl = until.duration_since(now).unwrap_or_default().as_millis();
            // A budget state is numbers and times: it always serializes.
            let text = serde_json::to_string(&state).ok()?;
            Some((text, ttl.max(1)))
        })
        .unwrap_or_else(|| (String::new(), 1))
}

impl LimiterStore for RedisLimiter {
    fn config(&self) -> LimiterConfig {
        self.config
    }

    fn acquire<'a>(
        &'a self,
        endpoint: EndpointId,
        ctx: &'a Context,
        now: SystemTime,
    ) -> StoreFuture<'a, Result<Permit, WaitUntil>> {
        Box::pin(async move { Ok(RedisLimiter::acquire(self, endpoint, ctx, now).await?) })
    }

    fn observe<'a>(&'a self, observation: &'a Observation, now: SystemTime) -> StoreFuture<'a, ()> {
        Box::pin(async move {
            let (endpoint, ctx) = observation.subject();
            Ok(self
                .decide(endpoint, ctx, now, |limiter| {
                    observation.apply(limiter, now);
                })
                .await?)
        })
    }
}
