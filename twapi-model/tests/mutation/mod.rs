//! The edits of the fast readers' differential tests: a body with a few tokens inserted or
//! written over anywhere, so that both decoders meet broken, duplicated and odd input.

use proptest::sample::Index;

/// Applies each edit in turn: at a position chosen by the index, insert the token, or write
/// it over the bytes there when `overwrite` is set.
pub(crate) fn apply(bytes: &mut Vec<u8>, edits: Vec<(Index, &[u8], bool)>) {
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
