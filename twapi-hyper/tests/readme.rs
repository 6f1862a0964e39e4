//! The README's code example is `examples/quickstart.rs`, which cargo compiles with every
//! test run: this keeps the two the same, so the README never shows code that does not build.

#[test]
fn the_readme_shows_the_quickstart_example() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("../README.md")).expect("README.md");
    let example =
        std::fs::read_to_string(root.join("examples/quickstart.rs")).expect("quickstart.rs");
    let start = readme
        .find("```rust\n")
        .expect("a rust block in the README")
        + "```rust\n".len();
    let block = &readme[start..start + readme[start..].find("```").expect("the block ends")];
    // The example's leading `//!` lines explain it in place; the README explains it around.
    let mut code = example
        .lines()
        .skip_while(|line| line.starts_with("//!"))
        .collect::<Vec<_>>()
        .join("\n");
    code.push('\n');
    assert_eq!(block, code);
    assert!(
        code.lines().count() <= 25,
        "the README example is meant to be short"
    );
}
