//! Replays every saved fuzz corpus (`fuzz/corpus/<target>/`) through the same target
//! functions cargo-fuzz runs (`fuzz/src/targets.rs`), on stable, in every CI run: an input that
//! once crashed a target, or that reached code no other input reaches, is checked again
//! without nightly.

use std::path::Path;

#[path = "../../fuzz/src/targets.rs"]
#[allow(dead_code, unreachable_pub)]
mod targets;

/// Runs `run` over every file of the target's corpus; returns how many there were.
fn replay(target: &str, run: fn(&[u8])) -> usize {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../fuzz/corpus")
        .join(target);
    let mut entries: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| {
            panic!(
                "the corpus {} is part of the repository: {e}",
                dir.display()
            )
        })
        .map(|entry| entry.expect("a readable corpus entry").path())
        .collect();
    entries.sort();
    for path in &entries {
        let data = std::fs::read(path).expect("a readable corpus file");
        // Name the input that failed, so it can be rerun with `cargo fuzz run <target> <file>`.
        let outcome = std::panic::catch_unwind(|| run(&data));
        assert!(outcome.is_ok(), "{target} fails on {}", path.display());
    }
    entries.len()
}

/// One test per target, each asserting a floor on its corpus size so that an emptied or
/// misplaced corpus cannot pass vacuously.
macro_rules! corpus {
    ($($target:ident >= $min:literal),* $(,)?) => {$(
        #[test]
        fn $target() {
            let n = replay(stringify!($target), targets::$target);
            assert!(n >= $min, "the {} corpus holds only {n} inputs", stringify!($target));
        }
    )*};
}

corpus!(
    model_decode >= 100,
    v1_readers >= 100,
    v2_page_reader >= 100,
    reply_decode >= 100,
    rate_limit_headers >= 50,
    oauth_header >= 100,
    token_responses >= 100,
    percent_decode >= 20,
    signature_differential >= 100,
    pager >= 100,
    request_read >= 100,
    session >= 50,
);
