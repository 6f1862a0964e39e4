//! The UTC day's cost meter on Redis: the users billed today in a set, the day's usage in a
//! hash, both changed by one script and expiring the day after.

use std::fmt;
use std::time::{Duration, SystemTime};

use redis::aio::ConnectionManager;
use twapi_core::cost::{Billed, Cost, Usage, utc_day};
use twapi_core::session::{Billing, MeterStore, StoreFuture};

use crate::StoreError;
use crate::limiter::connect;

/// Adds a reply to its day. `KEYS`: the day's set of billed users, the day's usage hash.
/// `ARGV`: when both expire (epoch ms); what the reply adds with no new user (resources,
/// returned, requests, micro-dollars), then what each new user adds on top; then the users
/// (none for a write). Answers how many users were new. The billing rule is
/// [`Billed::of`], in Rust; the script only adds `base + new × each`, atomically.
const RECORD: &str = r"
local new = 0
local first = 10
while first <= #ARGV do
  local last = math.min(first + 999, #ARGV)
  new = new + redis.call('SADD', KEYS[1], unpack(ARGV, first, last))
  first = last + 1
end
local fields = {'resources', 'returned', 'requests', 'cost_micros'}
for i = 1, 4 do
  local add = tonumber(ARGV[1 + i]) + new * tonumber(ARGV[5 + i])
  if add ~= 0 then
    redis.call('HINCRBY', KEYS[2], fields[i], add)
  end
end
redis.call('PEXPIREAT', KEYS[1], ARGV[1])
redis.call('PEXPIREAT', KEYS[2], ARGV[1])
return new
";

/// The UTC day's cost meter with its count in Redis, shared by every process that uses the
/// same Redis and namespace: a user billed today by one process is free to the others, as X
/// bills them once a day.
///
/// Give it to a session with `meter_store` (twapi-hyper's `ClientBuilder::meter_store`), or
/// call [`RedisMeter::record`] directly. A day's keys expire at the end of the next UTC day.
#[derive(Clone)]
pub struct RedisMeter {
    connection: ConnectionManager,
    namespace: String,
    script: redis::Script,
}

impl fmt::Debug for RedisMeter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisMeter")
            .field("namespace", &self.namespace)
            .finish_non_exhaustive()
    }
}

impl RedisMeter {
    /// Connects to the Redis at `url`, keeping the meter under `namespace` (processes share a
    /// day's count when they share it); commands time out after `timeout`.
    pub async fn connect(
        url: &str,
        namespace: impl Into<String>,
        timeout: Duration,
    ) -> Result<Self, StoreError> {
        Ok(Self {
            connection: connect(url, timeout).await?,
            namespace: namespace.into(),
            script: redis::Script::new(RECORD),
        })
    }

    /// Meters one reply at `now` (see [`Billing`]); returns what it added to the day.
    pub async fn record(&self, billing: &Billing, now: SystemTime) -> Result<Cost, StoreError> {
        let day = utc_day(now);
        let returned = billing.ids.len() as u64;
        let base = Billed::of(billing.endpoint, returned, 0, billing.owned);
        let one = Billed::of(billing.endpoint, returned, 1, billing.owned);
        let (seen, usage) = self.keys(day);
        let mut invocation = self.script.prepare_invoke();
        invocation.key(seen).key(usage);
        // The end of the next UTC day: a day's count stays readable for a day after it ends.
        invocation.arg((day + 2) * 86_400_000);
        invocation
            .arg(base.resources)
            .arg(base.returned)
            .arg(base.requests)
            .arg(base.cost.micros());
        // What each new user adds: the rule is linear in the new users.
        let each = one.cost.micros().saturating_sub(base.cost.micros());
        invocation
            .arg(one.resources.saturating_sub(base.resources))
            .arg(one.returned.saturating_sub(base.returned))
            .arg(one.requests.saturating_sub(base.requests))
            .arg(each);
        if billing.endpoint.price().is_per_resource() {
            invocation.arg(&billing.ids);
        }
        let mut connection = self.connection.clone();
        let new: u64 = invocation.invoke_async(&mut connection).await?;
        Ok(Cost::from_micros(
            base.cost.micros().saturating_add(each.saturating_mul(new)),
        ))
    }

    /// What the UTC day of `now` cost so far, for every process metering here.
    pub async fn usage_at(&self, now: SystemTime) -> Result<Usage, StoreError> {
        let day = utc_day(now);
        let (_, usage) = self.keys(day);
        let fields: std::collections::HashMap<String, u64> = redis::cmd("HGETALL")
            .arg(usage)
            .query_async(&mut self.connection.clone())
            .await?;
        let mut today = Usage::default();
        if !fields.is_empty() {
            let field = |name: &str| fields.get(name).copied().unwrap_or(0);
            today.day = Some(day);
            today.resources = field("resources");
            today.returned = field("returned");
            today.requests = field("requests");
            today.cost = Cost::from_micros(field("cost_micros"));
        }
        Ok(today)
    }

    /// The day's set of billed users and its usage hash.
    fn keys(&self, day: u64) -> (String, String) {
        let ns = &self.namespace;
        (
            format!("{ns}:meter:{day}:seen"),
            format!("{ns}:meter:{day}:usage"),
        )
    }
}

impl MeterStore for RedisMeter {
    fn record<'a>(&'a self, billing: &'a Billing, now: SystemTime) -> StoreFuture<'a, Cost> {
        Box::pin(async move { Ok(RedisMeter::record(self, billing, now).await?) })
    }
}
