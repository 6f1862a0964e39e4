//! The jitter that spreads retries out: the retry policy takes it as a value in `[0, 1)`, and
//! the session draws it from a generator whose seed is an input (the driver draws the seed from
//! the OS, a test fixes it). A small SplitMix64 generator is plenty — the jitter only has to
//! differ between clients and between attempts, not resist an adversary.

/// A SplitMix64 stream of jitter values.
#[derive(Debug, Clone)]
pub(crate) struct Jitter {
    state: u64,
}

impl Jitter {
    /// The generator for a seed: the same seed, the same values.
    pub(crate) fn seeded(seed: u64) -> Self {
        Self { state: seed }
    }

    /// The next value in `[0, 1)`.
    pub(crate) fn next(&mut self) -> f64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        // The top 53 bits fill an f64's mantissa exactly, so the value is below 1.
        #[expect(
            clippy::cast_precision_loss,
            reason = "a 53-bit integer converts to f64 exactly"
        )]
        let unit = (z >> 11) as f64 / (1u64 << 53) as f64;
        unit
    }
}

#[cfg(test)]
mod tests {
    use super::Jitter;

    #[test]
    fn values_stay_in_the_unit_interval_and_vary() {
        let mut jitter = Jitter::seeded(42);
        let values: Vec<f64> = (0..1_000).map(|_| jitter.next()).collect();
        assert!(values.iter().all(|v| (0.0..1.0).contains(v)));
        let mean = values.iter().sum::<f64>() / 1_000.0;
        assert!((0.4..0.6).contains(&mean), "mean {mean}");
        assert_ne!(values[0].to_bits(), values[1].to_bits());
    }

    #[test]
    fn a_seed_replays() {
        let mut a = Jitter::seeded(7);
        let mut b = Jitter::seeded(7);
        for _ in 0..10 {
            assert_eq!(a.next().to_bits(), b.next().to_bits());
        }
    }
}
