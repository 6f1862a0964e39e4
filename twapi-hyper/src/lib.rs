//! The async adapter: drives twapi-core over hyper 1.x (filled by the adapter issue).
#![forbid(unsafe_code)]
