//! Organisation accounts and their affiliates (`GET /2/users/:id/affiliates`).
//!
//! A few public, active accounts near the top of the popularity order are organisations,
//! each with a fixed set of affiliated accounts, all drawn from the seed: the same seed, the
//! same organisations and affiliates. Affiliations do not change while the emulator runs.
//! Any other account has no affiliates, and X answers an empty page for it.

use std::collections::{BTreeSet, HashMap};

use crate::directory::Directory;
use crate::rng::Rng;

/// Domain-separation tag of the affiliates' random stream (the directory's tags end at 9).
const AFFILIATES: u64 = 10;

/// How many organisations a world has (fewer only when it is too small to hold them).
const ORGANISATIONS: usize = 3;

/// How many affiliates each organisation has at most, in the order the organisations are
/// listed: enough for the first to take several pages at small `max_results`.
const SIZES: [u32; ORGANISATIONS] = [250, 40, 7];

/// The organisations of a world and their affiliates.
#[derive(Debug, Clone, Default)]
pub(crate) struct Organisations {
    /// The organisations, most followed first.
    listed: Vec<u32>,
    /// Each organisation's affiliates, oldest account first (pages show them newest first).
    affiliates: HashMap<u32, Vec<u32>>,
}

impl Organisations {
    /// Chooses the organisations of `dir` (never one of `taken`, the other demo users) and
    /// their affiliates.
    pub(crate) fn generate(dir: &Directory, taken: &[u32]) -> Self {
        let listed: Vec<u32> = dir
            .by_popularity()
            .iter()
            .copied()
            .skip(1)
            .filter(|&u| !dir.is_protected(u) && !dir.is_suspended(u) && !taken.contains(&u))
            .take(ORGANISATIONS)
            .collect();
        let users = dir.len();
        let mut affiliates = HashMap::new();
        for (&org, &size) in listed.iter().zip(SIZES.iter()) {
            let want = size.min(users / 8).max(1) as usize;
            let mut rng = Rng::keyed(&[dir.seed(), AFFILIATES, u64::from(org)]);
            let mut members = BTreeSet::new();
            // Bounded draws: a tiny world may not have `want` eligible accounts.
            for _ in 0..want * 8 {
                if members.len() == want {
                    break;
                }
                let user = rng.index(users);
                if user != org && !dir.is_suspended(user) && !listed.contains(&user) {
                    members.insert(user);
                }
            }
            affiliates.insert(org, members.into_iter().collect());
        }
        Self { listed, affiliates }
    }

    /// The organisations, most followed first.
    pub(crate) fn listed(&self) -> &[u32] {
        &self.listed
    }

    /// The affiliates of `user`, oldest account first: empty for an account that is not an
    /// organisation.
    pub(crate) fn affiliates(&self, user: u32) -> &[u32] {
        self.affiliates.get(&user).map_or(&[], Vec::as_slice)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn organisations_are_seeded_public_and_have_affiliates() {
        for users in [32, 1_000, 5_000] {
            let dir = Directory::generate(42, users);
            let orgs = Organisations::generate(&dir, &[dir.at_rank(0)]);
            let again = Organisations::generate(&dir, &[dir.at_rank(0)]);
            assert_eq!(orgs.listed(), again.listed(), "{users}");
            assert!(!orgs.listed().is_empty(), "{users}");
            for &org in orgs.listed() {
                assert!(!dir.is_protected(org) && !dir.is_suspended(org));
                assert_ne!(org, dir.at_rank(0));
                let members = orgs.affiliates(org);
                assert!(!members.is_empty(), "{users}");
                assert_eq!(members, again.affiliates(org));
                assert!(members.windows(2).all(|w| w[0] < w[1]));
                assert!(members.iter().all(|&m| m != org && !dir.is_suspended(m)));
            }
            let plain = dir.at_rank(users - 1);
            if !orgs.listed().contains(&plain) {
                assert!(orgs.affiliates(plain).is_empty());
            }
        }
        let dir = Directory::generate(42, 5_000);
        let orgs = Organisations::generate(&dir, &[]);
        assert_eq!(orgs.affiliates(orgs.listed()[0]).len(), 250);
    }
}
