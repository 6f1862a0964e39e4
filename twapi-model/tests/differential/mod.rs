//! What the fast readers' differential tests share: the fixtures, the check that a fast
//! decoder and serde agree, and the edits that make broken, duplicated and odd input.

use proptest::sample::Index;
use serde::de::DeserializeOwned;
use twapi_model::DecodeError;

/// A fixture's bytes: `tests/fixtures/<version>/<name>.json`.
pub(crate) fn fixture(version: &str, name: &str) -> Vec<u8> {
    let path = format!(
        "{}/tests/fixtures/{version}/{name}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The fast decoder and serde on the same bytes, which must agree (the same value or the
/// same error); the fast decoder's answer.
pub(crate) fn agree<T>(
    fast: fn(&[u8]) -> Result<T, DecodeError>,
    bytes: &[u8],
) -> Result<T, DecodeError>
where
    T: DeserializeOwned + PartialEq + std::fmt::Debug,
{
    let answer = fast(bytes);
    assert_eq!(
        answer,
        twapi_model::decode::<T>(bytes),
        "the decoders disagree on {}",
        String::from_utf8_lossy(bytes)
    );
    answer
}

/// Applies each edit in turn: at a position chosen by the index, insert the token, or write
/// it over the bytes there when `overwrite` is set.
pub(crate) fn mutate(bytes: &mut Vec<u8>, edits: Vec<(Index, &[u8], bool)>) {
    for (at, token, overwrite) in edits {
        let i = at.index(bytes.len() + 1);
        let end = if overwrite {
            (i + token.len()).min(bytes.len())
        } else {
            i
        };
        bytes.splice(i..end, token.iter().copied());
    }
}
