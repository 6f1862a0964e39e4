//! The reference material that lives outside the repository (`shared/reference`, beside the
//! clone), for the tests that check against it. One definition, included by each test crate
//! that reads the material:
//!
//! ```ignore
//! #[path = "../../tests-support/shared_reference.rs"]
//! mod shared_reference;
//! ```
//!
//! A test that cannot find its material never passes silently:
//! - **present**: [`path`] gives the path and the test runs;
//! - **absent under CI** (`CI` set and not empty, as every CI sets it; `.ci/run` reads it the same
//!   way): the test fails, naming the missing path. `TWAPI_ALLOW_MISSING_REFERENCE` is ignored;
//! - **absent elsewhere**: the test fails too, naming the path and the way out, unless
//!   `TWAPI_ALLOW_MISSING_REFERENCE=1`; then it writes a `SKIPPED` line straight to the
//!   terminal (past libtest's capture, so it shows in a plain `cargo test`) and returns.
//!
//! Why fail by default outside CI: libtest has no stable "skipped" outcome, so a test that
//! returns early is reported `ok`, which claims a check that never ran. In this project's
//! layout a fresh clone sits beside `shared/`, so a missing file means a broken layout or a
//! renamed file, which is worth a failure; whoever really works without the material opts out
//! with one variable, and every skipped test still says so.
//!
//! `TWAPI_REFERENCE_DIR` names another folder (a relative one from the workspace root): to run
//! against a copy, or to check the absent case without moving `shared/`.

use std::io::Write as _;
use std::path::PathBuf;

/// The folder of the reference material: `TWAPI_REFERENCE_DIR`, or `shared/reference` beside
/// the workspace.
fn root() -> PathBuf {
    // Every crate that includes this file sits directly under the workspace root.
    let workspace = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("a workspace member has a parent folder");
    match std::env::var_os("TWAPI_REFERENCE_DIR") {
        Some(dir) if !dir.is_empty() => workspace.join(dir),
        _ => workspace
            .parent()
            .expect("the workspace has a parent folder")
            .join("shared/reference"),
    }
}

/// The path of `relative` (a file or a folder) under the reference material.
///
/// Returns `None` only when it is absent outside CI and `TWAPI_ALLOW_MISSING_REFERENCE=1`,
/// after writing a `SKIPPED` line that names the test and the path; the test then returns.
///
/// # Panics
///
/// When it is absent under CI, or absent outside CI without that opt-out, with a message
/// naming the missing path.
pub(crate) fn path(relative: &str) -> Option<PathBuf> {
    let path = root().join(relative);
    if path.exists() {
        return Some(path);
    }
    let missing = path.display();
    let under_ci = std::env::var_os("CI").is_some_and(|value| !value.is_empty());
    assert!(
        !under_ci,
        "reference material missing: {missing}\n\
         CI is set, so a test that checks against it fails rather than passes unchecked \
         (TWAPI_ALLOW_MISSING_REFERENCE is ignored under CI). Check out shared/ beside \
         the clone, or name a copy of shared/reference in TWAPI_REFERENCE_DIR."
    );
    if std::env::var_os("TWAPI_ALLOW_MISSING_REFERENCE").is_some_and(|value| value == "1") {
        let thread = std::thread::current();
        let test = thread
            .name()
            .filter(|name| *name != "main")
            .unwrap_or("a test");
        // Straight to stderr, not eprintln!: libtest captures the macros' output of a passing
        // test, and this line is the only sign that the test checked nothing.
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED {test}: reference material missing: {missing} \
             (TWAPI_ALLOW_MISSING_REFERENCE=1)"
        );
        return None;
    }
    panic!(
        "reference material missing: {missing}\n\
         This test checks against it. Check out shared/ beside the clone (or name a copy of \
         shared/reference in TWAPI_REFERENCE_DIR), or set TWAPI_ALLOW_MISSING_REFERENCE=1 to \
         skip the tests that read it, each saying so."
    );
}
