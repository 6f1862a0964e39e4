//! Telling a transport failure by type, through the chain of its causes.

use std::error::Error as StdError;
use std::io;

/// Every error in `error`'s chain of causes, `error` first, for telling what went wrong by
/// type. An `io::Error` that wraps another error is followed into it: its own `source` skips
/// the wrapped error (it goes on from that one's source), so the wrapped error's type would
/// never be seen. (rustls's and hyper-util's connect errors reach the transport wrapped so.)
pub(crate) fn chain<'a>(
    error: &'a (dyn StdError + 'static),
) -> impl Iterator<Item = &'a (dyn StdError + 'static)> {
    std::iter::successors(Some(error), |&e| {
        match e.downcast_ref::<io::Error>().and_then(io::Error::get_ref) {
            Some(wrapped) => Some(wrapped as &(dyn StdError + 'static)),
            None => e.source(),
        }
    })
}
