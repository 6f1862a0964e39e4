//! A perfect hash of a struct's field names, found at compile time, so that matching an
//! object key costs one hash and one comparison instead of a comparison per field.

/// Buckets in a table; a power of two above twice the largest field count (26, `User`).
pub(crate) const BUCKETS: usize = 64;

/// The marker of an empty bucket.
const EMPTY: u8 = u8::MAX;

/// The bucket of `key` under `seed`: mixes the length and the first, middle and last bytes.
/// Always below [`BUCKETS`].
pub(crate) const fn bucket(key: &[u8], seed: u32) -> usize {
    let n = key.len();
    let (first, middle, last) = match n {
        0 => (0, 0, 0),
        _ => (key[0], key[n / 2], key[n - 1]),
    };
    // Truncating the length is harmless: it only feeds the mix.
    #[allow(clippy::cast_possible_truncation)]
    let mut h = (n as u32).wrapping_mul(0x9E37_79B1);
    h ^= (first as u32).wrapping_mul(seed | 1);
    h = h.rotate_left(5) ^ (middle as u32).wrapping_mul(0x85EB_CA6B);
    h = h.rotate_left(7) ^ (last as u32).wrapping_mul(0xC2B2_AE35);
    h = h.wrapping_mul(seed.wrapping_mul(0x2545_F491) | 1);
    // The top six bits: a number below 64.
    (h >> 26) as usize
}

/// Whether `seed` puts every name in its own bucket.
const fn is_perfect(names: &[&str], seed: u32) -> bool {
    let mut used = [false; BUCKETS];
    let mut i = 0;
    while i < names.len() {
        let b = bucket(names[i].as_bytes(), seed);
        if used[b] {
            return false;
        }
        used[b] = true;
        i += 1;
    }
    true
}

/// The first seed that hashes `names` without collision; fails the build if there is none
/// (there always is one for a few dozen names in 64 buckets).
pub(crate) const fn seed_for(names: &[&str]) -> u32 {
    assert!(names.len() < BUCKETS / 2, "too many fields for the key table");
    let mut seed = 1;
    while seed < 100_000 {
        if is_perfect(names, seed) {
            return seed;
        }
        seed += 1;
    }
    panic!("no perfect seed for these field names")
}

/// The table from bucket to field index (`u8::MAX` for none).
pub(crate) const fn table(names: &[&str], seed: u32) -> [u8; BUCKETS] {
    let mut table = [EMPTY; BUCKETS];
    let mut i = 0;
    while i < names.len() {
        // `names.len() < 32` (checked by `seed_for`), so the index fits in a byte.
        #[allow(clippy::cast_possible_truncation)]
        {
            table[bucket(names[i].as_bytes(), seed)] = i as u8;
        }
        i += 1;
    }
    table
}
