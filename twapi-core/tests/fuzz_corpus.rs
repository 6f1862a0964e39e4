//! Replays every saved fuzz corpus (`fuzz/corpus/<target>/`) through the same target
//! functions cargo-fuzz runs (`fuzz/src/targets.rs`), on stable, in every CI run.

use std::path::Path;

#[path = "../../fuzz/src/targets.rs"]
#[allow(dead_code, unreachable_pub)]
mod targets;

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
        run(&data);
    }
    entries.len()
}

#[test]
fn model_decode_corpus() {
    let n = replay("model_decode", targets::model_decode);
    assert!(n >= 30, "the model_decode corpus holds only {n} inputs");
}

#[test]
fn v2_page_reader_corpus() {
    let n = replay("v2_page_reader", targets::v2_page_reader);
    assert!(n >= 5, "the v2_page_reader corpus holds only {n} inputs");
}
