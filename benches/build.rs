//! Writes `code_chain.rs` for `benches/end_to_end.rs`: 1,024 small functions of under 64
//! bytes of machine code each, each calling the next in a scrambled order. Run once a
//! request beside the bare client, they price code that a request runs once and that has gone
//! cold by the next request — the cost that bounds twapi-hyper at 1 request in flight
//! (BENCHMARKS.md, "What bounds the misses").
//!
//! Generated rather than written out, because the functions must be many and distinct (no two
//! alike, so that nothing merges them) and in an order that no prefetcher can follow.

use std::fmt::Write as _;
use std::path::PathBuf;

/// The functions in the chain: 64 KiB of code, more than the L1 instruction cache holds.
const LINKS: usize = 1024;
/// The chain runs its functions in blocks of this many: a run of `BLOCK` links runs 32 KiB.
const BLOCK: usize = 512;

fn main() {
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    // A fixed xorshift sequence: the same chain on every build.
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    // The call order: Fisher–Yates within each block, so that the first `BLOCK` links run
    // the first `BLOCK` functions, which lie next to one another (as many lines of code as
    // functions), yet in an order no prefetcher follows.
    let mut order: Vec<usize> = (0..LINKS).collect();
    for block in order.chunks_mut(BLOCK) {
        for i in (1..block.len()).rev() {
            let j = usize::try_from(next() % (i as u64 + 1)).expect("below BLOCK");
            block.swap(i, j);
        }
    }
    let mut after = vec![None; LINKS];
    for pair in order.windows(2) {
        after[pair[0]] = Some(pair[1]);
    }

    let mut code = String::new();
    for (link, after) in after.iter().enumerate() {
        let multiplier = next() | 1;
        let mask = next();
        let rotation = next() % 63 + 1;
        let tail = match after {
            Some(after) => format!("if left <= 1 {{ y }} else {{ link_{after}(y, left - 1) }}"),
            None => "{ let _ = left; y }".to_owned(),
        };
        writeln!(
            code,
            "#[inline(never)]\nfn link_{link}(x: u64, left: usize) -> u64 {{\n    \
             let y = std::hint::black_box(x).wrapping_mul({multiplier:#x}).rotate_left({rotation}) \
             ^ {mask:#x};\n    {tail}\n}}"
        )
        .expect("writing to a String");
    }
    writeln!(
        code,
        "/// The functions in the chain.\npub(crate) const LINKS: usize = {LINKS};\n\n\
         /// A run of this many links runs the first `BLOCK` functions, side by side.\n\
         pub(crate) const BLOCK: usize = {BLOCK};\n\n\
         /// Runs the first `links` functions of the chain (at most [`LINKS`]).\n\
         pub(crate) fn run(links: usize) -> u64 {{\n    \
         if links == 0 {{\n        return 0;\n    }}\n    link_{}(1, links.min(LINKS))\n}}",
        order[0]
    )
    .expect("writing to a String");

    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    std::fs::write(out.join("code_chain.rs"), code).expect("OUT_DIR is writable");
    println!("cargo::rerun-if-changed=build.rs");
}
