//! The UTC day's meter: what X will bill for today, each user counted once.

use std::collections::HashSet;
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::SystemTime;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::{Charge, Cost, Price, utc_day};
use crate::endpoint::EndpointId;

/// How many ids [`SeenIds`] stages in a hash set before merging them into its sorted list:
/// about 1 MiB of hash set at most, and a million ids take about thirty merges.
const STAGED: usize = 32_768;

/// A set of user ids sized for a million-user crawl: a sorted `Vec<u64>` (8 bytes an id) and a
/// staging hash set of at most 32,768 ids (about 1 MiB), merged into the list when full.
///
/// A million ids take about 8 MB at rest plus the staging set, and twice the list for a moment
/// while a merge grows it (a `HashSet<u64>` of a million would take about 18 MB for good).
/// Lookups are a binary search and a hash probe. It serializes as the sorted list.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct SeenIds {
    sorted: Vec<u64>,
    staged: HashSet<u64>,
}

impl fmt::Debug for SeenIds {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SeenIds")
            .field("len", &self.len())
            .finish_non_exhaustive()
    }
}

impl SeenIds {
    /// How many ids the set holds.
    pub fn len(&self) -> usize {
        self.sorted.len() + self.staged.len()
    }

    /// Whether it holds none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether it holds `id`.
    pub fn contains(&self, id: u64) -> bool {
        self.staged.contains(&id) || self.sorted.binary_search(&id).is_ok()
    }

    /// Adds `id`; `true` when it was not there yet.
    pub fn insert(&mut self, id: u64) -> bool {
        if self.sorted.binary_search(&id).is_ok() || !self.staged.insert(id) {
            return false;
        }
        if self.staged.len() >= STAGED {
            self.merge();
        }
        true
    }

    /// Forgets every id (and gives the memory back).
    pub fn clear(&mut self) {
        self.sorted = Vec::new();
        self.staged = HashSet::new();
    }

    /// The ids, ascending.
    pub fn to_sorted(&self) -> Vec<u64> {
        let mut all = Vec::with_capacity(self.len());
        all.extend_from_slice(&self.sorted);
        all.extend(self.staged.iter().copied());
        all.sort_unstable();
        all
    }

    /// Moves the staged ids into the sorted list: one backward merge in place, O(n).
    fn merge(&mut self) {
        let mut staged: Vec<u64> = self.staged.drain().collect();
        staged.sort_unstable();
        let old = self.sorted.len();
        self.sorted.reserve_exact(staged.len());
        self.sorted.resize(old + staged.len(), 0);
        let (mut i, mut j, mut k) = (old, staged.len(), self.sorted.len());
        while j > 0 {
            k -= 1;
            if i > 0 && self.sorted[i - 1] > staged[j - 1] {
                self.sorted[k] = self.sorted[i - 1];
                i -= 1;
            } else {
                self.sorted[k] = staged[j - 1];
                j -= 1;
            }
        }
        self.staged.shrink_to(STAGED);
    }
}

impl Serialize for SeenIds {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.to_sorted().serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for SeenIds {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let mut sorted = Vec::<u64>::deserialize(deserializer)?;
        sorted.sort_unstable();
        sorted.dedup();
        sorted.shrink_to_fit();
        Ok(Self {
            sorted,
            staged: HashSet::new(),
        })
    }
}

/// What a day cost so far.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Usage {
    /// The UTC day (days since 1970-01-01), `None` before anything was metered.
    pub day: Option<u64>,
    /// Resources billed: each user once a day, plus one per billed write.
    pub resources: u64,
    /// Resources returned, counting a user again each time (what list price would bill).
    pub returned: u64,
    /// Billed requests (writes).
    pub requests: u64,
    /// What the day cost.
    pub cost: Cost,
}

/// What one reply adds to its UTC day's usage: the billing rule, written once, for the
/// session's [`Meter`] and for a meter kept elsewhere (twapi-redis).
///
/// A read billed per resource (`returned` users, `new` of them not yet billed today) adds the
/// new ones at the unit price (the owned-read price when `owned`); a write adds one request at
/// its price whatever it returned; a free endpoint adds nothing. Linear in `new`, so a store
/// can apply it atomically as `of(…, 0)` plus `new` times the difference with `of(…, 1)`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Billed {
    /// Resources billed.
    pub resources: u64,
    /// Resources returned.
    pub returned: u64,
    /// Billed requests (writes).
    pub requests: u64,
    /// What it cost.
    pub cost: Cost,
}

impl Billed {
    /// What a reply of `endpoint` that returned `returned` users, `new` of them first seen
    /// today, adds to the day (see [`Billed`]).
    pub fn of(endpoint: EndpointId, returned: u64, new: u64, owned: bool) -> Self {
        let price = endpoint.price();
        match price {
            Price::PerResource { .. } => Self {
                resources: new,
                returned,
                requests: 0,
                cost: price.unit(owned) * new,
            },
            Price::PerRequest(cost) => Self {
                resources: 1,
                returned: 1,
                requests: 1,
                cost,
            },
            Price::Free => Self::default(),
        }
    }
}

/// The UTC day's meter: the users X will bill for today (each once) and what the day cost.
///
/// The day comes from the `now` each [`Meter::record`] is given: a reply on a later UTC day
/// starts a new day (the ids seen and the cost go back to zero). It serializes, so a crawl
/// saves it beside its page state and restores it ([`MeterHandle::new`]): users it already
/// paid for today stay free. A session keeps one in a [`MeterHandle`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Meter {
    usage: Usage,
    seen: SeenIds,
}

impl Meter {
    /// An empty meter.
    pub fn new() -> Self {
        Self::default()
    }

    /// The day as last metered.
    pub fn usage(&self) -> Usage {
        self.usage
    }

    /// The day of `now`: nothing yet when the last metered day is over.
    pub fn usage_at(&self, now: SystemTime) -> Usage {
        if self.usage.day == Some(utc_day(now)) {
            self.usage
        } else {
            Usage::default()
        }
    }

    /// The users billed today.
    pub fn seen(&self) -> &SeenIds {
        &self.seen
    }

    /// Meters one reply of `endpoint` at `now` that returned the users `ids` (ignored for a
    /// write, which is billed per request; `owned`: the path's `:id` was the authenticated
    /// user): returns what it added to the day.
    pub fn record(
        &mut self,
        endpoint: EndpointId,
        ids: impl IntoIterator<Item = u64>,
        owned: bool,
        now: SystemTime,
    ) -> Cost {
        let day = utc_day(now);
        if self.usage.day != Some(day) {
            self.seen.clear();
            self.usage = Usage {
                day: Some(day),
                ..Usage::default()
            };
        }
        let mut returned = 0;
        let mut new = 0;
        if endpoint.price().is_per_resource() {
            for id in ids {
                returned += 1;
                if self.seen.insert(id) {
                    new += 1;
                }
            }
        }
        let billed = Billed::of(endpoint, returned, new, owned);
        self.usage.resources += billed.resources;
        self.usage.returned += billed.returned;
        self.usage.requests += billed.requests;
        self.usage.cost += billed.cost;
        billed.cost
    }

    /// Meters a decoded reply body, as [`Meter::record`] with the users it carries; returns its
    /// [`Charge`] with what it added.
    pub fn record_payload<T: crate::Payload>(
        &mut self,
        endpoint: EndpointId,
        payload: &T,
        owned: bool,
        now: SystemTime,
    ) -> Charge {
        let mut ids = Vec::new();
        payload.billable_ids(&mut |id| ids.push(id));
        let mut charge = Charge::new(endpoint, ids.len() as u64, owned);
        charge.metered = Some(self.record(endpoint, ids, charge.owned, now));
        charge
    }
}

/// A meter that sessions share, as [`LimiterHandle`](crate::session::LimiterHandle) shares a
/// limiter: clone it to give several sessions (several apps or users of one billing account)
/// one day's count.
///
/// A handle of its own rather than a part of the limiter's: X bills a developer account,
/// while its rate limits are per app and per user, so the two are shared between different
/// sets of sessions; and a crawl may want one without the other.
#[derive(Clone, Default)]
pub struct MeterHandle(Arc<Mutex<Meter>>);

impl fmt::Debug for MeterHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("MeterHandle").field(&*self.lock()).finish()
    }
}

impl MeterHandle {
    /// A handle on `meter` (a new one, or one restored from a crawl's saved state).
    pub fn new(meter: Meter) -> Self {
        Self(Arc::new(Mutex::new(meter)))
    }

    /// A copy of the meter as it stands, to persist or inspect.
    pub fn snapshot(&self) -> Meter {
        self.lock().clone()
    }

    /// The day as last metered.
    pub fn usage(&self) -> Usage {
        self.lock().usage()
    }

    /// The day of `now` (nothing when the last metered day is over).
    pub fn usage_at(&self, now: SystemTime) -> Usage {
        self.lock().usage_at(now)
    }

    /// Runs `step` on the meter, locked: one whole change of the day's count.
    pub fn update<T>(&self, step: impl FnOnce(&mut Meter) -> T) -> T {
        step(&mut self.lock())
    }

    /// Meters a decoded reply body (see [`Meter::record_payload`]).
    pub fn record_payload<T: crate::Payload>(
        &self,
        endpoint: EndpointId,
        payload: &T,
        owned: bool,
        now: SystemTime,
    ) -> Charge {
        self.lock().record_payload(endpoint, payload, owned, now)
    }

    /// The meter, locked: every change it makes is whole, so a panic elsewhere while it was
    /// held leaves it valid.
    fn lock(&self) -> MutexGuard<'_, Meter> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_set_keeps_each_id_once_across_merges_and_serializes_sorted() {
        let mut set = SeenIds::default();
        let n = (STAGED as u64) * 3 + 17;
        for i in 0..n {
            assert!(set.insert((i * 7_919) % 1_000_003));
        }
        for i in 0..n {
            assert!(!set.insert((i * 7_919) % 1_000_003));
            assert!(set.contains((i * 7_919) % 1_000_003));
        }
        assert_eq!(set.len() as u64, n);
        assert!(set.sorted.windows(2).all(|w| w[0] < w[1]));
        let json = serde_json::to_string(&set).unwrap();
        let back: SeenIds = serde_json::from_str(&json).unwrap();
        assert_eq!(back.to_sorted(), set.to_sorted());
    }

    #[test]
    fn a_million_ids_stay_within_sixteen_megabytes() {
        let mut set = SeenIds::default();
        for i in 0..1_000_000u64 {
            set.insert(i.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        }
        let bytes = set.sorted.capacity() * 8 + set.staged.capacity() * 9;
        assert!(bytes <= 16_000_000, "{bytes} bytes");
    }
}
