//! The emulator's only source of randomness: SplitMix64, seeded, so that the same seed gives
//! the same graph, the same credentials and the same fault sequence on every machine.
//!
//! SplitMix64 (Steele, Lea and Flood, 2014) is tiny, passes BigCrush, and every output is a
//! bijective mix of a counter, which also makes it a good keyed hash ([`mix`]): the graph
//! generator derives an independent stream for each user from `(seed, user)` instead of
//! drawing everything from one sequence, so a user's profile can be recomputed on demand.

/// The SplitMix64 increment (the golden ratio in 64-bit fixed point).
const GOLDEN: u64 = 0x9E37_79B9_7F4A_7C15;

/// The SplitMix64 finalizer: a bijection on `u64` with full avalanche.
pub(crate) const fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A keyed hash of a few words: independent-looking values for `(seed, a, b, ...)`.
pub(crate) fn hash(words: &[u64]) -> u64 {
    words.iter().fold(GOLDEN, |acc, &w| {
        mix(acc.wrapping_add(w).wrapping_mul(GOLDEN).rotate_left(17))
    })
}

/// A seeded SplitMix64 stream.
#[derive(Debug, Clone)]
pub(crate) struct Rng {
    state: u64,
}

impl Rng {
    /// A stream determined by `seed`.
    pub(crate) const fn new(seed: u64) -> Self {
        Self { state: seed }
    }

    /// A stream determined by several words (seed, user index, purpose...).
    pub(crate) fn keyed(words: &[u64]) -> Self {
        Self::new(hash(words))
    }

    /// The next 64 random bits.
    pub(crate) fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(GOLDEN);
        mix(self.state)
    }

    /// A uniform float in `[0, 1)`, from the top 53 bits.
    pub(crate) fn next_f64(&mut self) -> f64 {
        // 53 bits fit a f64 mantissa exactly, so the conversion is lossless.
        #[expect(clippy::cast_precision_loss, reason = "53 bits convert exactly")]
        let value = (self.next_u64() >> 11) as f64;
        value * (1.0 / 9_007_199_254_740_992.0)
    }

    /// A uniform integer in `[0, n)` (0 when `n` is 0), by Lemire's multiply-shift.
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        let wide = u128::from(self.next_u64()) * u128::from(n);
        // The high half of a 64x64 product fits 64 bits.
        u64::try_from(wide >> 64).unwrap_or(0)
    }

    /// A uniform `u32` index in `[0, n)`.
    pub(crate) fn index(&mut self, n: u32) -> u32 {
        u32::try_from(self.below(u64::from(n))).unwrap_or(0)
    }

    /// True with probability `p`.
    pub(crate) fn chance(&mut self, p: f64) -> bool {
        self.next_f64() < p
    }

    /// Picks one element of a non-empty slice (the first when empty would be asked for).
    pub(crate) fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        let at = usize::try_from(self.below(items.len() as u64)).unwrap_or(0);
        &items[at.min(items.len().saturating_sub(1))]
    }

    /// Shuffles in place (Fisher-Yates).
    pub(crate) fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = usize::try_from(self.below(i as u64 + 1)).unwrap_or(0);
            items.swap(i, j);
        }
    }

    /// `len` characters from `alphabet`.
    pub(crate) fn string(&mut self, alphabet: &[u8], len: usize) -> String {
        (0..len).map(|_| char::from(*self.pick(alphabet))).collect()
    }
}

/// `A-Z a-z 0-9`, the alphabet of X's tokens and keys.
pub(crate) const ALPHANUMERIC: &[u8] =
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_stream() {
        let a: Vec<u64> = {
            let mut r = Rng::new(42);
            (0..8).map(|_| r.next_u64()).collect()
        };
        let b: Vec<u64> = {
            let mut r = Rng::new(42);
            (0..8).map(|_| r.next_u64()).collect()
        };
        assert_eq!(a, b);
        let mut other = Rng::new(43);
        assert_ne!(a[0], other.next_u64());
    }

    #[test]
    fn the_reference_splitmix_sequence() {
        // SplitMix64 seeded with 0 starts with these values (the reference C implementation).
        let mut r = Rng::new(0);
        assert_eq!(r.next_u64(), 0xE220_A839_7B1D_CDAF);
        assert_eq!(r.next_u64(), 0x6E78_9E6A_A1B9_65F4);
    }

    #[test]
    fn bounded_draws_stay_in_bounds() {
        let mut r = Rng::new(7);
        for n in [1_u64, 2, 3, 10, 1_000_003] {
            for _ in 0..200 {
                assert!(r.below(n) < n);
            }
        }
        assert_eq!(r.below(0), 0);
        for _ in 0..200 {
            let f = r.next_f64();
            assert!((0.0..1.0).contains(&f));
        }
    }

    #[test]
    fn shuffle_is_a_permutation() {
        let mut r = Rng::new(9);
        let mut v: Vec<u32> = (0..100).collect();
        r.shuffle(&mut v);
        assert_ne!(v, (0..100).collect::<Vec<_>>());
        v.sort_unstable();
        assert_eq!(v, (0..100).collect::<Vec<_>>());
    }
}
