//! The user table: who exists, under which id and screen name, and what kind of account it
//! is. Immutable once built, so every connection reads it without a lock.
//!
//! A user is a `u32` index into the table. Indices follow the order of creation, and ids
//! grow with them: the oldest quarter has the sequential ids of 2006–2012 (below 2^32), the
//! rest snowflake ids of 2013–2024 (above 2^53, where a JavaScript number loses precision).
//! Because ids are sorted, finding a user by id is a binary search; because a screen name
//! ends with the user's index in decimal, finding one by screen name is a parse and a check.
//! Nothing per user is stored beyond the id, a flag byte and the popularity rank: profiles
//! are recomputed from `(seed, index)` when rendered (see [`crate::profile`]).

use twapi_model::ids::SNOWFLAKE_EPOCH_MS;

use crate::rng::{Rng, hash};

/// The account only shows its tweets and lists to approved followers.
const PROTECTED: u8 = 1;
/// The account is suspended: it cannot be shown or followed.
const SUSPENDED: u8 = 2;
/// The account has a checkmark.
const VERIFIED: u8 = 4;

/// Share of accounts that are protected (X: a few percent).
const PROTECTED_SHARE: f64 = 0.05;
/// Share of accounts that are suspended.
const SUSPENDED_SHARE: f64 = 0.005;
/// The most popular accounts (the top 100, or a twentieth of a small table) are public,
/// active and verified, like real ones.
const fn celebrities(users: u32) -> u32 {
    if users / 20 < 100 { users / 20 } else { 100 }
}

/// The last sequential user id handed out before snowflakes (end of 2012), roughly.
const LAST_SEQUENTIAL_ID: u64 = 1_200_000_000;
/// 2006-03-21 (the first accounts), in Unix milliseconds.
const FIRST_ACCOUNT_MS: i64 = 1_142_899_200_000;
/// 2013-01-01, when the table switches to snowflake ids, in Unix milliseconds.
const SNOWFLAKE_START_MS: i64 = 1_356_998_400_000;
/// The most followed account's screen name: the one X's own docs and the README's examples use,
/// so `screen_name=twitterdev` works offline too. Every other name ends in its index, so it
/// cannot collide.
pub(crate) const FLAGSHIP: &str = "TwitterDev";

/// 2024-06-01, the emulated "present" (profiles do not depend on the real clock).
pub(crate) const PRESENT_MS: i64 = 1_717_200_000_000;

/// Domain-separation tags for the keyed random streams.
pub(crate) mod tag {
    /// User ids.
    pub(crate) const IDS: u64 = 1;
    /// Account flags.
    pub(crate) const FLAGS: u64 = 2;
    /// Popularity order.
    pub(crate) const RANK: u64 = 3;
    /// Profile text.
    pub(crate) const PROFILE: u64 = 4;
    /// Who follows whom.
    pub(crate) const FOLLOWERS: u64 = 5;
    /// The order of each following list.
    pub(crate) const FOLLOWING: u64 = 6;
    /// Blocks, mutes, retweet and notification settings, pending requests.
    pub(crate) const SETTINGS: u64 = 7;
    /// Credentials.
    pub(crate) const CREDENTIALS: u64 = 8;
    /// Cursors and pagination tokens.
    pub(crate) const CURSORS: u64 = 9;
}

/// Short ASCII words that start screen names (at most 6 letters, so that a word, an
/// underscore and an 8-digit index fit X's 15 characters).
const WORDS: &[&str] = &[
    "otter", "maple", "nova", "pixel", "river", "cedar", "comet", "ember", "fable", "grove",
    "harbor", "indigo", "jasper", "koala", "lunar", "meadow", "nimbus", "orbit", "pepper",
    "quartz", "raven", "sierra", "tango", "umber", "velvet", "willow", "yonder", "zephyr",
    "alpine", "bison", "coral", "delta", "echo", "falcon", "ginger", "hazel", "iris", "kite",
    "lemon", "mango", "nectar", "olive", "panda", "quill", "robin", "tulip", "urchin", "violet",
    "walrus", "yak", "zinnia", "acorn", "birch", "cactus", "dune", "fern", "gecko", "heron", "ivy",
    "jade", "kelp", "lotus", "moss",
];

/// The immutable user table.
#[derive(Debug)]
pub(crate) struct Directory {
    seed: u64,
    ids: Vec<u64>,
    flags: Vec<u8>,
    by_rank: Vec<u32>,
    rank_of: Vec<u32>,
}

impl Directory {
    /// Builds the table of `users` accounts for `seed`.
    pub(crate) fn generate(seed: u64, users: u32) -> Self {
        let n = users as usize;
        let ids = generate_ids(seed, users);

        let mut by_rank: Vec<u32> = (0..users).collect();
        Rng::keyed(&[seed, tag::RANK]).shuffle(&mut by_rank);
        let mut rank_of = vec![0_u32; n];
        for (rank, &index) in (0_u32..).zip(&by_rank) {
            rank_of[index as usize] = rank;
        }

        let celebrities = celebrities(users);
        let verified_ranks = (users / 500).max(celebrities);
        let flags = (0..users)
            .map(|index| {
                let rank = rank_of[index as usize];
                if rank < celebrities {
                    return VERIFIED;
                }
                let mut rng = Rng::keyed(&[seed, tag::FLAGS, u64::from(index)]);
                let mut flags = 0;
                if rng.chance(PROTECTED_SHARE) {
                    flags |= PROTECTED;
                }
                if rng.chance(SUSPENDED_SHARE) {
                    flags |= SUSPENDED;
                }
                if rank < verified_ranks || rng.chance(0.005) {
                    flags |= VERIFIED;
                }
                flags
            })
            .collect();

        let mut directory = Self {
            seed,
            ids,
            flags,
            by_rank,
            rank_of,
        };
        directory.ensure_every_kind();
        directory
    }

    /// Small tables may draw no protected or no suspended account; the demo users need one
    /// of each, so the least popular accounts take those roles if chance gave none.
    fn ensure_every_kind(&mut self) {
        let len = self.by_rank.len();
        let celebrities = celebrities(self.len()) as usize;
        for (kind, from_end) in [(SUSPENDED, 1), (PROTECTED, 2)] {
            if !self.flags.iter().any(|f| f & kind != 0) && len > celebrities + 2 {
                let index = self.by_rank[len - from_end] as usize;
                self.flags[index] = kind;
            }
        }
    }

    /// The seed everything was derived from.
    pub(crate) fn seed(&self) -> u64 {
        self.seed
    }

    /// How many accounts exist.
    pub(crate) fn len(&self) -> u32 {
        u32::try_from(self.ids.len()).unwrap_or(u32::MAX)
    }

    /// The id of user `index`.
    pub(crate) fn id(&self, index: u32) -> u64 {
        self.ids[index as usize]
    }

    /// The user with this id.
    pub(crate) fn by_id(&self, id: u64) -> Option<u32> {
        self.ids
            .binary_search(&id)
            .ok()
            .and_then(|at| u32::try_from(at).ok())
    }

    /// The user with this screen name, compared without regard to case as X does.
    pub(crate) fn by_screen_name(&self, name: &str) -> Option<u32> {
        if name.eq_ignore_ascii_case(FLAGSHIP) {
            return Some(self.at_rank(0));
        }
        let digits_from = name
            .bytes()
            .rposition(|b| !b.is_ascii_digit())
            .map_or(0, |at| at + 1);
        let digits = name.get(digits_from..)?;
        if digits.is_empty() || digits.len() > 9 || (digits.len() > 1 && digits.starts_with('0')) {
            return None;
        }
        let index: u32 = digits.parse().ok()?;
        (index < self.len() && self.screen_name(index).eq_ignore_ascii_case(name)).then_some(index)
    }

    /// The screen name of user `index`: a word in one of a few styles, then the index (the most
    /// followed account is [`FLAGSHIP`]).
    pub(crate) fn screen_name(&self, index: u32) -> String {
        if self.rank(index) == 0 {
            return FLAGSHIP.to_owned();
        }
        let h = hash(&[self.seed, tag::PROFILE, u64::from(index), 0x5C]);
        let word = WORDS[usize::try_from(h % WORDS.len() as u64).unwrap_or(0)];
        let mut name = String::with_capacity(15);
        match (h >> 32) % 5 {
            0 => name.push_str(word),
            1 => {
                name.push_str(word);
                name.push('_');
            }
            2 => name.push_str(&word.to_ascii_uppercase()),
            _ => {
                let mut chars = word.chars();
                if let Some(first) = chars.next() {
                    name.push(first.to_ascii_uppercase());
                    name.extend(chars);
                }
            }
        }
        name.push_str(&index.to_string());
        name
    }

    /// The popularity rank of user `index` (0 is the most followed).
    pub(crate) fn rank(&self, index: u32) -> u32 {
        self.rank_of[index as usize]
    }

    /// The user at popularity rank `rank`.
    pub(crate) fn at_rank(&self, rank: u32) -> u32 {
        self.by_rank[rank as usize]
    }

    /// Users in popularity order, most followed first.
    pub(crate) fn by_popularity(&self) -> &[u32] {
        &self.by_rank
    }

    /// Whether the account is protected.
    pub(crate) fn is_protected(&self, index: u32) -> bool {
        self.flags[index as usize] & PROTECTED != 0
    }

    /// Whether the account is suspended.
    pub(crate) fn is_suspended(&self, index: u32) -> bool {
        self.flags[index as usize] & SUSPENDED != 0
    }

    /// Whether the account has a checkmark.
    pub(crate) fn is_verified(&self, index: u32) -> bool {
        self.flags[index as usize] & VERIFIED != 0
    }

    /// When the account was created, in Unix milliseconds, read back from its id.
    pub(crate) fn created_ms(&self, index: u32) -> i64 {
        created_ms_of(self.id(index))
    }

    /// The approximate heap size of the table, in bytes.
    pub(crate) fn heap_bytes(&self) -> usize {
        self.ids.capacity() * 8
            + self.flags.capacity()
            + (self.by_rank.capacity() + self.rank_of.capacity()) * 4
    }
}

/// When an account was created, from its id: sequential ids are spread evenly over
/// 2006–2012, snowflakes carry their millisecond in the upper bits.
pub(crate) fn created_ms_of(id: u64) -> i64 {
    if id < 1 << 32 {
        let span = i128::from(SNOWFLAKE_START_MS - FIRST_ACCOUNT_MS);
        let offset = i128::from(id.min(LAST_SEQUENTIAL_ID)) * span / i128::from(LAST_SEQUENTIAL_ID);
        FIRST_ACCOUNT_MS + i64::try_from(offset).unwrap_or(0)
    } else {
        i64::try_from(id >> 22).unwrap_or(0) + SNOWFLAKE_EPOCH_MS
    }
}

/// Ids in increasing order: a quarter sequential, the rest snowflakes.
fn generate_ids(seed: u64, users: u32) -> Vec<u64> {
    let mut rng = Rng::keyed(&[seed, tag::IDS]);
    let old = (users / 4).max(1).min(users);
    let young = u64::from(users - old);
    let mut ids = Vec::with_capacity(users as usize);
    let mean_gap = (LAST_SEQUENTIAL_ID / u64::from(old)).max(1);
    let mut id = 12_u64;
    for _ in 0..old {
        ids.push(id);
        id += 1 + rng.below(2 * mean_gap - 1).min(mean_gap * 2);
    }
    let span = u64::try_from(PRESENT_MS - SNOWFLAKE_START_MS).unwrap_or(1);
    let step = (span / young.max(1)).max(1);
    let epoch = u64::try_from(SNOWFLAKE_START_MS - SNOWFLAKE_EPOCH_MS).unwrap_or(0);
    for i in 0..young {
        let ms = epoch + i * step + rng.below(step);
        ids.push((ms << 22) | (rng.next_u64() & 0x3F_FFFF));
    }
    ids
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_sorted_and_mixed() {
        let dir = Directory::generate(42, 2_000);
        assert!(dir.ids.windows(2).all(|w| w[0] < w[1]));
        assert!(dir.ids.iter().any(|&id| id < 1 << 32));
        assert!(dir.ids.iter().any(|&id| id > 1 << 53));
        for index in [0, 499, 500, 1_999] {
            assert_eq!(dir.by_id(dir.id(index)), Some(index));
        }
        assert_eq!(dir.by_id(13), None);
    }

    #[test]
    fn screen_names_are_valid_unique_and_found_again() {
        let dir = Directory::generate(7, 5_000);
        let mut seen = std::collections::HashSet::new();
        for index in 0..dir.len() {
            let name = dir.screen_name(index);
            assert!(twapi_core::ScreenName::new(&name).is_ok(), "{name}");
            assert!(seen.insert(name.to_ascii_lowercase()));
            assert_eq!(dir.by_screen_name(&name), Some(index));
            assert_eq!(dir.by_screen_name(&name.to_ascii_uppercase()), Some(index));
        }
        assert_eq!(dir.by_screen_name("nobody"), None);
        assert_eq!(dir.by_screen_name("otter007"), None);
        assert_eq!(dir.by_screen_name("otter99999"), None);
    }

    #[test]
    fn creation_times_follow_the_ids() {
        let dir = Directory::generate(1, 1_000);
        let times: Vec<i64> = (0..dir.len()).map(|i| dir.created_ms(i)).collect();
        assert!(times.windows(2).all(|w| w[0] <= w[1]));
        assert!(times[0] >= FIRST_ACCOUNT_MS);
        assert!(*times.last().unwrap() <= PRESENT_MS);
    }

    #[test]
    fn screen_names_fit_at_the_largest_size() {
        assert!(WORDS.iter().all(|w| w.len() <= 6));
        let dir = Directory::generate(1, 64);
        let longest_index = crate::MAX_USERS - 1;
        let longest =
            WORDS.iter().map(|w| w.len()).max().unwrap_or(0) + 1 + longest_index.to_string().len();
        assert!(longest <= 15, "{longest}");
        assert!(dir.screen_name(0).len() <= 15);
    }

    #[test]
    fn every_kind_of_account_exists() {
        let dir = Directory::generate(3, 200);
        assert!((0..dir.len()).any(|i| dir.is_protected(i)));
        assert!((0..dir.len()).any(|i| dir.is_suspended(i)));
        let top = dir.at_rank(0);
        assert!(dir.is_verified(top) && !dir.is_protected(top) && !dir.is_suspended(top));
    }
}
