//! The demo users handed out in [`crate::Facts`], and the few relationships staged between
//! them so that every behaviour can be tried with their credentials:
//!
//! | role | who | staged |
//! |---|---|---|
//! | `most_followed` | popularity rank 0, public | — |
//! | `protected` | the most followed protected account | at least two pending follow requests, none from a `plain` user |
//! | `suspended` | the most followed suspended account | — |
//! | `plain` (×3) | ordinary public accounts of middling popularity | the first follows `most_followed`, mutes it and has its retweets turned off |
//! | `blocker` | an ordinary public account | blocks the first `plain` user |
//!
//! The first `plain` user is also the one who approves OAuth 2.0 authorizations by default.

use crate::directory::Directory;
use crate::graph::Graph;

/// The demo users, by role.
#[derive(Debug, Clone)]
pub(crate) struct Cast {
    pub(crate) most_followed: u32,
    pub(crate) protected: u32,
    pub(crate) suspended: u32,
    pub(crate) plain: [u32; 3],
    pub(crate) blocker: u32,
}

impl Cast {
    /// Picks the demo users of a generated world.
    pub(crate) fn choose(dir: &Directory) -> Self {
        let ranked = dir.by_popularity();
        let first = |f: &dyn Fn(u32) -> bool| ranked.iter().copied().find(|&u| f(u));
        let most_followed = dir.at_rank(0);
        let protected =
            first(&|u| dir.is_protected(u) && !dir.is_suspended(u)).unwrap_or(most_followed);
        let suspended = first(&|u| dir.is_suspended(u)).unwrap_or(most_followed);
        let mut taken = vec![most_followed, protected, suspended];
        let ordinary_from = |rank: usize, taken: &mut Vec<u32>| {
            let found = ranked
                .iter()
                .skip(rank)
                .chain(ranked.iter())
                .copied()
                .find(|&u| !dir.is_protected(u) && !dir.is_suspended(u) && !taken.contains(&u))
                .unwrap_or(most_followed);
            taken.push(found);
            found
        };
        let middle = ranked.len() / 2;
        let plain = [
            ordinary_from(middle, &mut taken),
            ordinary_from(middle, &mut taken),
            ordinary_from(middle, &mut taken),
        ];
        let blocker = ordinary_from(ranked.len() / 3, &mut taken);
        Self {
            most_followed,
            protected,
            suspended,
            plain,
            blocker,
        }
    }

    /// Stages the relationships the table above lists.
    pub(crate) fn stage(&self, dir: &Directory, graph: &mut Graph) {
        let [first, ..] = self.plain;
        graph.block(self.blocker, first);
        graph.follow(first, self.most_followed);
        graph.mute(first, self.most_followed);
        graph.set_retweets(first, self.most_followed, false);
        for plain in self.plain {
            graph.withdraw(plain, self.protected);
            graph.unfollow(plain, self.protected);
        }
        let cast = [
            self.most_followed,
            self.protected,
            self.suspended,
            self.blocker,
        ];
        let mut candidates = dir
            .by_popularity()
            .iter()
            .copied()
            .skip(dir.by_popularity().len() / 4)
            .filter(|&u| !dir.is_suspended(u) && !self.plain.contains(&u) && !cast.contains(&u));
        while graph.incoming(self.protected).len() < 2 {
            let Some(requester) = candidates.next() else {
                break;
            };
            if !graph.follows(requester, self.protected) && !graph.blocks(self.protected, requester)
            {
                graph.request(requester, self.protected);
            }
        }
    }

    /// The demo users with their role names, in the order [`crate::Facts`] lists them.
    pub(crate) fn roles(&self) -> Vec<(u32, &'static str)> {
        vec![
            (self.most_followed, "most_followed"),
            (self.protected, "protected"),
            (self.suspended, "suspended"),
            (self.plain[0], "plain"),
            (self.plain[1], "plain"),
            (self.plain[2], "plain"),
            (self.blocker, "blocker"),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cast_is_distinct_and_staged() {
        for users in [64, 1_000, 5_000] {
            let dir = Directory::generate(42, users);
            let mut graph = Graph::generate(&dir);
            let cast = Cast::choose(&dir);
            cast.stage(&dir, &mut graph);
            let mut all: Vec<u32> = cast.roles().iter().map(|(u, _)| *u).collect();
            all.sort_unstable();
            all.dedup();
            assert_eq!(all.len(), 7, "{users}");
            assert!(dir.is_protected(cast.protected) && !dir.is_suspended(cast.protected));
            assert!(dir.is_suspended(cast.suspended));
            assert!(graph.incoming(cast.protected).len() >= 2);
            assert!(graph.blocks(cast.blocker, cast.plain[0]));
            assert!(graph.follows(cast.plain[0], cast.most_followed));
            assert!(graph.hides_retweets(cast.plain[0], cast.most_followed));
            for plain in cast.plain {
                assert!(!graph.has_requested(plain, cast.protected));
                assert!(!dir.is_protected(plain));
            }
        }
    }
}
