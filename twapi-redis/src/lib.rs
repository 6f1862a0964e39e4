//! twapi-core's rate limiter shared between processes, on Redis.
//!
//! Several processes on one app's credentials share one budget at X: each endpoint's window
//! per user and per app, the daily follow and unfollow caps. A limiter of each process's own
//! knows only its own requests, so together they overrun the window (and meet 429s), or,
//! each configured to a share, leave budget unused. A [`RedisLimiter`] keeps the budgets in
//! Redis, where every process reserves its requests:
//!
//! - **The same decisions.** The rules are twapi-core's [`Limiter`], written once: a
//!   reservation loads the states of the budgets the request touches
//!   ([`Limiter::budgets_of`]), lets a `Limiter` decide on them, and saves what changed.
//! - **Atomic.** The save is one server-side script that compares every budget with what was
//!   loaded and writes them all only if none changed meanwhile; otherwise the reservation is
//!   decided again on the new states. Two processes are never both granted the last unit.
//! - **Nothing accumulates.** Each budget's key expires when its state says nothing a fresh
//!   budget would not ([`BudgetState::informative_until`]): at its window's end, or a period
//!   later when it holds a limit a server announced.
//! - **Headers merged as X means them.** Every process's answers refine the shared budgets as
//!   they refine one limiter's: the smallest remaining count for a reset, the latest reset
//!   among exhausted budgets, a 429 closing the window.
//! - **The day's cost too.** A [`RedisMeter`] keeps the UTC day's billed users and cost, so
//!   that a user one process was billed for today is free to the others, as X bills it.
//! - **Never silently unlimited.** Redis unreachable is a [`StoreError`], and a call through
//!   the session fails with [`CallError::Store`](twapi_core::session::CallError::Store);
//!   unless [`RedisLimiterBuilder::fallback`] names a local limiter to decide meanwhile.
//!
//! Keys are `NAMESPACE:{APP}:BUCKET:USER` (the app in braces, so that all of one app's budgets
//! hash to one Redis Cluster slot and one script can touch them together).
//!
//! ```no_run
//! use std::sync::Arc;
//! use twapi_hyper::ClientBuilder;
//! use twapi_redis::RedisLimiter;
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let limiter = RedisLimiter::builder("redis://127.0.0.1:6379/").connect().await?;
//! let client = ClientBuilder::app_only(std::env::var("X_BEARER_TOKEN")?)
//!     .limiter_store(Arc::new(limiter))
//!     .wait_on_rate_limit(true)
//!     .build()?;
//! # let _ = client;
//! # Ok(())
//! # }
//! ```
//!
//! [`Limiter`]: twapi_core::rate_limit::Limiter
//! [`Limiter::budgets_of`]: twapi_core::rate_limit::Limiter::budgets_of
//! [`BudgetState::informative_until`]: twapi_core::rate_limit::BudgetState::informative_until
#![forbid(unsafe_code)]

mod error;
mod limiter;
mod meter;

pub use error::StoreError;
pub use limiter::{RedisLimiter, RedisLimiterBuilder};
pub use meter::RedisMeter;
