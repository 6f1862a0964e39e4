//! The inputs and operations of twapi's benchmarks (issue 8), shared by the criterion
//! benches (times) and by the instruction guard (`benches/instructions.rs`, gungraun).
//!
//! - [`payload`]: deterministic bodies of the sizes and shapes X sends.
//! - [`signing`]: the credentials and requests of the signing benchmark, twapi's signer and
//!   the raw HMAC-SHA1 lower bound.
//! - [`exchange`]: a followers/ids exchange through twapi-core (build, sign, decode), and the
//!   pager and limiter bookkeeping of a page.
//!
//! The peers (oauth1-request, egg-mode, twitter-v2) are dev-dependencies, used from
//! `benches/peers/mod.rs`, so that nothing but the benchmarks ever builds them.
#![forbid(unsafe_code)]

pub mod exchange;
pub mod payload;
pub mod signing;
