//! Who follows whom, and everything else two users can have between them: pending follow
//! requests, blocks, mutes, retweet and notification settings. This is the part of the world
//! that requests change, so it lives behind the server's lock.
//!
//! The follower distribution is heavy-tailed: each user `u` follows the account of
//! popularity rank `r` with probability `min(0.33, 0.33 / (r + 1) + 2 / N)`, so the most
//! followed account has about a third of all users as followers (100,000 and more from
//! 350,000 users on), the next ones a half, a third, a quarter of that, and the long tail two
//! on average. Suspended accounts take part in no follow at all.
//!
//! Lists are stored compactly: every list is a run of `u32` user indices in one shared array
//! (a compressed sparse row), oldest first, and a list that a request changes is copied out
//! into an owned `Vec` of its own (copy on write). The API shows lists newest first.

use std::collections::{BTreeSet, HashMap};

use crate::directory::{Directory, tag};
use crate::rng::Rng;

/// The share of all users that follow the most popular account.
const TOP_SHARE: f64 = 0.33;
/// The mean number of followers that popularity alone does not explain.
const BASE_FOLLOWERS: f64 = 2.0;

/// One kind of list per user (followers, or accounts followed), oldest first.
#[derive(Debug, Default)]
struct Lists {
    /// `(start, len)` in `items`, per user.
    spans: Vec<(u32, u32)>,
    items: Vec<u32>,
    /// Lists changed since generation.
    owned: HashMap<u32, Vec<u32>>,
}

impl Lists {
    fn get(&self, user: u32) -> &[u32] {
        if let Some(owned) = self.owned.get(&user) {
            return owned;
        }
        let (start, len) = self.spans.get(user as usize).copied().unwrap_or((0, 0));
        let (start, len) = (start as usize, len as usize);
        self.items.get(start..start + len).unwrap_or_default()
    }

    fn get_mut(&mut self, user: u32) -> &mut Vec<u32> {
        let (spans, items) = (&self.spans, &self.items);
        self.owned.entry(user).or_insert_with(|| {
            let (start, len) = spans.get(user as usize).copied().unwrap_or((0, 0));
            let (start, len) = (start as usize, len as usize);
            items.get(start..start + len).unwrap_or_default().to_vec()
        })
    }

    fn heap_bytes(&self) -> usize {
        self.spans.capacity() * 8
            + self.items.capacity() * 4
            + self
                .owned
                .values()
                .map(|v| v.capacity() * 4 + 32)
                .sum::<usize>()
    }
}

/// The relationships between users.
#[derive(Debug, Default)]
pub(crate) struct Graph {
    followers: Lists,
    following: Lists,
    /// Requests to follow a protected account: target → requesters, oldest first.
    incoming: HashMap<u32, Vec<u32>>,
    /// The same requests: requester → targets, oldest first.
    outgoing: HashMap<u32, Vec<u32>>,
    /// `(blocker, blocked)`.
    blocks: BTreeSet<(u32, u32)>,
    /// `(muter, muted)`.
    mutes: BTreeSet<(u32, u32)>,
    /// `(user, followed user whose retweets they turned off)`.
    no_retweets: BTreeSet<(u32, u32)>,
    /// `(user, followed user whose tweets notify their devices)`.
    notifications: BTreeSet<(u32, u32)>,
}

impl Graph {
    /// Generates the relationships of `dir`'s users.
    pub(crate) fn generate(dir: &Directory) -> Self {
        let seed = dir.seed();
        let n = dir.len();
        let mut followers = Lists {
            spans: vec![(0, 0); n as usize],
            ..Lists::default()
        };
        let mut following_counts = vec![0_u32; n as usize];
        for (rank, &target) in (0_u32..).zip(dir.by_popularity()) {
            if dir.is_suspended(target) {
                continue;
            }
            let p =
                (TOP_SHARE / f64::from(rank + 1) + BASE_FOLLOWERS / f64::from(n)).min(TOP_SHARE);
            let start = followers.items.len();
            let mut rng = Rng::keyed(&[seed, tag::FOLLOWERS, u64::from(target)]);
            sample(&mut rng, n, p, |follower| {
                if follower != target && !dir.is_suspended(follower) {
                    followers.items.push(follower);
                    following_counts[follower as usize] += 1;
                }
            });
            let list = &mut followers.items[start..];
            rng.shuffle(list);
            followers.spans[target as usize] = (to_u32(start), to_u32(list.len()));
        }

        // The transpose: each user's followed accounts, in popularity order, then shuffled.
        let mut following = Lists {
            spans: Vec::with_capacity(n as usize),
            items: vec![0; followers.items.len()],
            owned: HashMap::new(),
        };
        let mut next = 0_u32;
        for &count in &following_counts {
            following.spans.push((next, 0));
            next += count;
        }
        for &target in dir.by_popularity() {
            for &follower in followers.get(target) {
                let span = &mut following.spans[follower as usize];
                following.items[(span.0 + span.1) as usize] = target;
                span.1 += 1;
            }
        }
        for user in 0..n {
            let (start, len) = following.spans[user as usize];
            let list = &mut following.items[start as usize..(start + len) as usize];
            Rng::keyed(&[seed, tag::FOLLOWING, u64::from(user)]).shuffle(list);
        }

        let mut graph = Graph {
            followers,
            following,
            ..Graph::default()
        };
        graph.generate_settings(dir);
        graph
    }

    /// Blocks, mutes, retweet and notification settings, and pending follow requests.
    fn generate_settings(&mut self, dir: &Directory) {
        let n = dir.len();
        for user in 0..n {
            if dir.is_suspended(user) {
                continue;
            }
            let mut rng = Rng::keyed(&[dir.seed(), tag::SETTINGS, u64::from(user)]);
            if rng.chance(0.01) {
                for _ in 0..=rng.below(3) {
                    let other = rng.index(n);
                    if other != user
                        && !dir.is_suspended(other)
                        && !self.follows(user, other)
                        && !self.follows(other, user)
                    {
                        self.blocks.insert((user, other));
                    }
                }
            }
            let followed = self.following.get(user).to_vec();
            if !followed.is_empty() {
                for (share, set) in [
                    (0.02, &mut self.mutes),
                    (0.01, &mut self.no_retweets),
                    (0.01, &mut self.notifications),
                ] {
                    if rng.chance(share) {
                        for _ in 0..=rng.below(2) {
                            set.insert((user, *rng.pick(&followed)));
                        }
                    }
                }
            }
            if dir.is_protected(user) {
                for _ in 0..rng.below(4) {
                    let other = rng.index(n);
                    if other != user
                        && !dir.is_suspended(other)
                        && !self.follows(other, user)
                        && !self.has_requested(other, user)
                        && !self.is_blocked_either_way(user, other)
                    {
                        self.request(other, user);
                    }
                }
            }
        }
    }

    /// The users following `user`, oldest first.
    pub(crate) fn followers(&self, user: u32) -> &[u32] {
        self.followers.get(user)
    }

    /// The users `user` follows, oldest first.
    pub(crate) fn following(&self, user: u32) -> &[u32] {
        self.following.get(user)
    }

    /// Who asked to follow `user` (a protected account), oldest first.
    pub(crate) fn incoming(&self, user: u32) -> &[u32] {
        self.incoming.get(&user).map_or(&[], Vec::as_slice)
    }

    /// Which protected accounts `user` asked to follow, oldest first.
    pub(crate) fn outgoing(&self, user: u32) -> &[u32] {
        self.outgoing.get(&user).map_or(&[], Vec::as_slice)
    }

    /// Whether `a` follows `b`.
    pub(crate) fn follows(&self, a: u32, b: u32) -> bool {
        self.following.get(a).contains(&b)
    }

    /// Whether `a` asked to follow `b` and is waiting.
    pub(crate) fn has_requested(&self, a: u32, b: u32) -> bool {
        self.outgoing(a).contains(&b)
    }

    /// Whether `a` blocks `b`.
    pub(crate) fn blocks(&self, a: u32, b: u32) -> bool {
        self.blocks.contains(&(a, b))
    }

    fn is_blocked_either_way(&self, a: u32, b: u32) -> bool {
        self.blocks(a, b) || self.blocks(b, a)
    }

    /// Whether `a` mutes `b`.
    pub(crate) fn mutes(&self, a: u32, b: u32) -> bool {
        self.mutes.contains(&(a, b))
    }

    /// Whether `a` turned off `b`'s retweets.
    pub(crate) fn hides_retweets(&self, a: u32, b: u32) -> bool {
        self.no_retweets.contains(&(a, b))
    }

    /// Whether `a` gets device notifications for `b`'s tweets.
    pub(crate) fn notifies(&self, a: u32, b: u32) -> bool {
        self.notifications.contains(&(a, b))
    }

    /// The users whose retweets `user` turned off, in user order.
    pub(crate) fn no_retweets(&self, user: u32) -> Vec<u32> {
        self.no_retweets
            .range((user, 0)..=(user, u32::MAX))
            .map(|&(_, other)| other)
            .collect()
    }

    /// `a` follows `b`; false when it already did. Withdraws a pending request.
    pub(crate) fn follow(&mut self, a: u32, b: u32) -> bool {
        if self.follows(a, b) {
            return false;
        }
        self.withdraw(a, b);
        self.following.get_mut(a).push(b);
        self.followers.get_mut(b).push(a);
        true
    }

    /// `a` stops following `b`; false when it did not follow. Per-follow settings go too.
    pub(crate) fn unfollow(&mut self, a: u32, b: u32) -> bool {
        if !self.follows(a, b) {
            return false;
        }
        remove(self.following.get_mut(a), b);
        remove(self.followers.get_mut(b), a);
        self.no_retweets.remove(&(a, b));
        self.notifications.remove(&(a, b));
        true
    }

    /// `a` asks to follow the protected `b`; false when the request already stands.
    pub(crate) fn request(&mut self, a: u32, b: u32) -> bool {
        if self.has_requested(a, b) {
            return false;
        }
        self.outgoing.entry(a).or_default().push(b);
        self.incoming.entry(b).or_default().push(a);
        true
    }

    /// `a` withdraws a request to follow `b`; false when there was none.
    pub(crate) fn withdraw(&mut self, a: u32, b: u32) -> bool {
        let Some(targets) = self.outgoing.get_mut(&a) else {
            return false;
        };
        if !remove(targets, b) {
            return false;
        }
        if let Some(requesters) = self.incoming.get_mut(&b) {
            remove(requesters, a);
        }
        true
    }

    /// `a` blocks `b` (fixtures only: blocking is not an endpoint of this API family).
    pub(crate) fn block(&mut self, a: u32, b: u32) {
        self.unfollow(a, b);
        self.unfollow(b, a);
        self.blocks.insert((a, b));
    }

    /// Turns `a`'s device notifications for `b` on or off.
    pub(crate) fn set_notifications(&mut self, a: u32, b: u32, on: bool) {
        set(&mut self.notifications, (a, b), on);
    }

    /// Turns `b`'s retweets in `a`'s timeline on or off.
    pub(crate) fn set_retweets(&mut self, a: u32, b: u32, on: bool) {
        set(&mut self.no_retweets, (a, b), !on);
    }

    /// `a` mutes `b` (fixtures only).
    pub(crate) fn mute(&mut self, a: u32, b: u32) {
        self.mutes.insert((a, b));
    }

    /// How many follow relationships exist.
    pub(crate) fn edge_count(&self) -> usize {
        self.followers.items.len()
    }

    /// The approximate heap size of the graph, in bytes.
    pub(crate) fn heap_bytes(&self) -> usize {
        let sets = (self.blocks.len()
            + self.mutes.len()
            + self.no_retweets.len()
            + self.notifications.len())
            * 16;
        let pending: usize = self
            .incoming
            .values()
            .chain(self.outgoing.values())
            .map(|v| v.capacity() * 4 + 32)
            .sum();
        self.followers.heap_bytes() + self.following.heap_bytes() + sets + pending
    }
}

/// Calls `visit` with each of `0..n` independently with probability `p`, in increasing
/// order, in time proportional to the number of hits (geometric skips).
fn sample(rng: &mut Rng, n: u32, p: f64, mut visit: impl FnMut(u32)) {
    if p <= 0.0 {
        return;
    }
    let log_q = (-p).ln_1p();
    let mut at: u64 = 0;
    loop {
        let skip = if p >= 1.0 {
            0.0
        } else {
            ((1.0 - rng.next_f64()).ln() / log_q).floor()
        };
        // A skip beyond the table ends the walk; the float is finite and non-negative here.
        if !skip.is_finite() || skip >= f64::from(n) {
            return;
        }
        #[expect(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            reason = "checked to lie in 0..n just above"
        )]
        let skip = skip as u64;
        at += skip;
        if at >= u64::from(n) {
            return;
        }
        visit(u32::try_from(at).unwrap_or(u32::MAX));
        at += 1;
    }
}

fn remove(list: &mut Vec<u32>, item: u32) -> bool {
    match list.iter().position(|&x| x == item) {
        Some(at) => {
            list.remove(at);
            true
        }
        None => false,
    }
}

fn set(set: &mut BTreeSet<(u32, u32)>, pair: (u32, u32), present: bool) {
    if present {
        set.insert(pair);
    } else {
        set.remove(&pair);
    }
}

fn to_u32(value: usize) -> u32 {
    u32::try_from(value).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn world(seed: u64, users: u32) -> (Directory, Graph) {
        let dir = Directory::generate(seed, users);
        let graph = Graph::generate(&dir);
        (dir, graph)
    }

    #[test]
    fn same_seed_same_graph() {
        let (dir_a, a) = world(42, 3_000);
        let (_, b) = world(42, 3_000);
        let (_, c) = world(43, 3_000);
        for user in 0..dir_a.len() {
            assert_eq!(a.followers(user), b.followers(user));
            assert_eq!(a.following(user), b.following(user));
            assert_eq!(a.incoming(user), b.incoming(user));
        }
        assert_eq!(a.blocks, b.blocks);
        assert_eq!(a.mutes, b.mutes);
        let differs = (0..dir_a.len()).any(|u| a.followers(u) != c.followers(u));
        assert!(differs);
    }

    #[test]
    fn followers_and_following_agree() {
        let (dir, graph) = world(5, 2_000);
        let mut from_followers = 0;
        for user in 0..dir.len() {
            for &follower in graph.followers(user) {
                assert!(graph.follows(follower, user));
                assert_ne!(follower, user);
                from_followers += 1;
            }
        }
        let from_following: usize = (0..dir.len()).map(|u| graph.following(u).len()).sum();
        assert_eq!(from_followers, from_following);
        assert_eq!(from_followers, graph.edge_count());
    }

    #[test]
    fn the_distribution_is_heavy_tailed() {
        let (dir, graph) = world(42, 20_000);
        let top = graph.followers(dir.at_rank(0)).len();
        assert!((5_900..7_300).contains(&top), "{top}");
        let tenth = graph.followers(dir.at_rank(9)).len();
        assert!(tenth < top / 5, "{tenth}");
        for user in 0..dir.len() {
            if dir.is_suspended(user) {
                assert!(graph.followers(user).is_empty() && graph.following(user).is_empty());
            }
        }
    }

    #[test]
    fn mutations_keep_both_sides_in_step() {
        let (dir, mut graph) = world(11, 500);
        let (a, b) = (dir.at_rank(400), dir.at_rank(0));
        graph.unfollow(a, b);
        assert!(graph.follow(a, b));
        assert!(!graph.follow(a, b));
        assert_eq!(graph.followers(b).last(), Some(&a));
        assert!(graph.unfollow(a, b));
        assert!(!graph.followers(b).contains(&a));
        assert!(!graph.unfollow(a, b));
        assert!(graph.request(a, b));
        assert!(!graph.request(a, b));
        assert_eq!(graph.incoming(b).last(), Some(&a));
        assert!(graph.follow(a, b));
        assert!(!graph.has_requested(a, b));
        assert!(!graph.incoming(b).contains(&a));
    }

    #[test]
    fn sampling_matches_its_probability() {
        let mut rng = Rng::new(1);
        let mut hits = 0;
        let mut last = None;
        sample(&mut rng, 100_000, 0.1, |i| {
            assert!(last.is_none_or(|l| l < i));
            last = Some(i);
            hits += 1;
        });
        assert!((9_400..10_600).contains(&hits), "{hits}");
        let mut all = 0;
        sample(&mut rng, 50, 1.0, |_| all += 1);
        assert_eq!(all, 50);
    }
}
