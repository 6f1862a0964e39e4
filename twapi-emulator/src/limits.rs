//! X's budgets, server side: the 15-minute windows of each endpoint (per user in user
//! context, per app for app-only requests) and the 24-hour follow and unfollow caps (per user
//! and per app, shared by v1.1 and v2), with the numbers read from twapi-core's endpoint
//! table.
//!
//! A window opens at the first request that counts against it, counted from the whole second
//! that request falls in, and closes a period later; its reset is announced in whole epoch
//! seconds, rounded up so that a client waiting until the announced reset is never refused.
//! Counting from the whole second keeps a window as long as its period even when the period
//! is scaled down to a second or two: a client that waits until the announced reset opens the
//! next window a moment after it, which would otherwise round that window's end up by almost a
//! whole second more. The periods are configurable
//! (`--window-seconds`, `--day-seconds`) so tests need not wait 15 minutes.

use std::collections::HashMap;
use std::time::{Duration, SystemTime};

use twapi_core::endpoint::{DailyBucket, EndpointId};
use twapi_core::rate_limit::RateLimit;

use crate::clock::{ceil_to_second, floor_to_second};

/// Whose budget a request draws from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Subject {
    /// One user (OAuth 1.0a or OAuth 2.0 user context).
    User(u32),
    /// The app (app-only bearer, and the app-wide daily caps).
    App,
}

#[derive(Debug, Clone, Copy)]
struct Count {
    used: u32,
    reset: SystemTime,
}

impl Count {
    fn fresh(now: SystemTime, period: Duration) -> Self {
        Self {
            used: 0,
            reset: ceil_to_second(floor_to_second(now) + period),
        }
    }

    fn current(&mut self, now: SystemTime, period: Duration) -> &mut Self {
        if now >= self.reset {
            *self = Self::fresh(now, period);
        }
        self
    }

    fn announce(&self, limit: u32) -> RateLimit {
        RateLimit {
            limit,
            remaining: limit.saturating_sub(self.used),
            reset: self.reset,
        }
    }
}

/// Periodic budgets keyed by `K`.
#[derive(Debug)]
struct Budgets<K> {
    period: Duration,
    counts: HashMap<K, Count>,
}

impl<K: std::hash::Hash + Eq + Copy> Budgets<K> {
    fn new(period: Duration) -> Self {
        Self {
            period,
            counts: HashMap::new(),
        }
    }

    fn entry(&mut self, key: K, now: SystemTime) -> &mut Count {
        let period = self.period;
        self.counts
            .entry(key)
            .or_insert_with(|| Count::fresh(now, period))
            .current(now, period)
    }

    /// Drops budgets whose period ended, so the map does not grow without bound.
    fn prune(&mut self, now: SystemTime) {
        if self.counts.len() > 100_000 {
            self.counts.retain(|_, count| count.reset > now);
        }
    }
}

/// The 15-minute windows.
#[derive(Debug)]
pub(crate) struct Windows {
    budgets: Budgets<(EndpointId, Subject)>,
}

impl Windows {
    /// Windows of length `period` (900 s on X).
    pub(crate) fn new(period: Duration) -> Self {
        Self {
            budgets: Budgets::new(period),
        }
    }

    /// Counts one request to `endpoint` by `subject` against `limit`: the window as it then
    /// stands, and whether the request may proceed (a refused request does not count).
    pub(crate) fn take(
        &mut self,
        endpoint: EndpointId,
        subject: Subject,
        limit: u32,
        now: SystemTime,
    ) -> (RateLimit, bool) {
        self.budgets.prune(now);
        let count = self.budgets.entry((endpoint, subject), now);
        if count.used >= limit {
            return (count.announce(limit), false);
        }
        count.used += 1;
        (count.announce(limit), true)
    }
}

/// Where a daily cap stands for one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct DailyState {
    /// The user's budget, when the bucket caps users.
    pub(crate) user: Option<RateLimit>,
    /// The app's budget, when the bucket caps the app.
    pub(crate) app: Option<RateLimit>,
}

impl DailyState {
    /// Whether both budgets have room.
    pub(crate) fn has_room(&self) -> bool {
        [self.user, self.app]
            .iter()
            .flatten()
            .all(|budget| budget.remaining > 0)
    }
}

/// The 24-hour caps on follows and unfollows.
#[derive(Debug)]
pub(crate) struct DailyCaps {
    budgets: Budgets<(DailyBucket, Subject)>,
}

impl DailyCaps {
    /// Caps over periods of `period` (24 h on X).
    pub(crate) fn new(period: Duration) -> Self {
        Self {
            budgets: Budgets::new(period),
        }
    }

    /// Where `bucket` stands for `user`, without counting anything.
    pub(crate) fn check(&mut self, bucket: DailyBucket, user: u32, now: SystemTime) -> DailyState {
        let caps = bucket.caps();
        DailyState {
            user: caps.user.map(|limit| {
                self.budgets
                    .entry((bucket, Subject::User(user)), now)
                    .announce(limit)
            }),
            app: caps.app.map(|limit| {
                self.budgets
                    .entry((bucket, Subject::App), now)
                    .announce(limit)
            }),
        }
    }

    /// Counts one action by `user` in `bucket`, returning the budgets after it.
    pub(crate) fn spend(&mut self, bucket: DailyBucket, user: u32, now: SystemTime) -> DailyState {
        let caps = bucket.caps();
        if caps.user.is_some() {
            self.budgets.entry((bucket, Subject::User(user)), now).used += 1;
        }
        if caps.app.is_some() {
            self.budgets.entry((bucket, Subject::App), now).used += 1;
        }
        self.check(bucket, user, now)
    }
}

#[cfg(test)]
mod tests {
    use std::time::UNIX_EPOCH;

    use super::*;

    #[test]
    fn a_window_refuses_past_its_limit_and_reopens() {
        let mut windows = Windows::new(Duration::from_secs(900));
        let t0 = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let subject = Subject::User(3);
        for expected in (0..15).rev() {
            let (state, ok) = windows.take(EndpointId::FollowersIds, subject, 15, t0);
            assert!(ok);
            assert_eq!(state.remaining, expected);
            assert_eq!(state.reset, t0 + Duration::from_secs(900));
        }
        let (state, ok) = windows.take(EndpointId::FollowersIds, subject, 15, t0);
        assert!(!ok && state.remaining == 0);
        // Another user, another endpoint: their own windows.
        assert!(
            windows
                .take(EndpointId::FollowersIds, Subject::User(4), 15, t0)
                .1
        );
        assert!(windows.take(EndpointId::FriendsIds, subject, 15, t0).1);
        let later = t0 + Duration::from_secs(900);
        let (state, ok) = windows.take(EndpointId::FollowersIds, subject, 15, later);
        assert!(ok && state.remaining == 14);
    }

    #[test]
    fn a_one_second_window_reopened_just_after_its_reset_lasts_one_second() {
        let mut windows = Windows::new(Duration::from_secs(1));
        let t0 = UNIX_EPOCH + Duration::from_millis(1_700_000_000_400);
        let subject = Subject::User(3);
        let (first, _) = windows.take(EndpointId::V2Followers, subject, 15, t0);
        assert_eq!(first.reset, UNIX_EPOCH + Duration::from_secs(1_700_000_001));
        // A client that waited until the announced reset sends a moment after it.
        let next = first.reset + Duration::from_millis(3);
        let (second, ok) = windows.take(EndpointId::V2Followers, subject, 15, next);
        assert!(ok && second.remaining == 14);
        assert_eq!(second.reset, first.reset + Duration::from_secs(1));
    }

    #[test]
    fn daily_caps_count_users_and_the_app() {
        let mut caps = DailyCaps::new(Duration::from_secs(86_400));
        let now = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let before = caps.check(DailyBucket::Follow, 1, now);
        assert_eq!(before.user.unwrap().remaining, 400);
        assert_eq!(before.app.unwrap().remaining, 1_000);
        let after = caps.spend(DailyBucket::Follow, 1, now);
        assert_eq!(after.user.unwrap().remaining, 399);
        assert_eq!(after.app.unwrap().remaining, 999);
        let other = caps.check(DailyBucket::Follow, 2, now);
        assert_eq!(other.user.unwrap().remaining, 400);
        assert_eq!(other.app.unwrap().remaining, 999);
        let unfollow = caps.check(DailyBucket::Unfollow, 1, now);
        assert!(unfollow.user.is_none() && unfollow.app.unwrap().remaining == 500);
        for _ in 0..399 {
            caps.spend(DailyBucket::Follow, 1, now);
        }
        assert!(!caps.check(DailyBucket::Follow, 1, now).has_room());
        assert!(caps.check(DailyBucket::Follow, 2, now).has_room());
    }
}
