//! The bodies of the fuzz targets, as plain functions: `fuzz_targets/*.rs` hand them
//! libFuzzer's input, and the corpus replay test in twapi-core runs the same functions over the
//! saved corpora on stable, so CI re-checks every corpus without nightly.
//!
//! Each function must never panic, hang or allocate without bound, whatever the bytes.

pub mod targets;
