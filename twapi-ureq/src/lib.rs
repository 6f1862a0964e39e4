//! The blocking driver: runs [twapi-core](twapi_core)'s session over [ureq] 3.x with rustls.
//!
//! The session decides everything about X — admission through the rate limiter, waits, retries,
//! re-signing after a wait, paging, whose requests these are. This crate is the loop around
//! it: it draws the clock and the nonces, sends over one pooled `ureq::Agent` (rustls with the
//! ring provider and the webpki roots), sleeps the thread when the session says wait, and logs a
//! `tracing` span per request (endpoint, attempt, status, remaining budget; never a header).
//!
//! ```no_run
//! use twapi_ureq::auth::oauth1::Credentials;
//! use twapi_ureq::core::{ScreenName, UserRef};
//! use twapi_ureq::request::v1::{FollowersIds, UsersShow};
//! use twapi_ureq::ClientBuilder;
//!
//! fn main() -> Result<(), Box<dyn std::error::Error>> {
//!     let var = |name| std::env::var(name);
//!     let credentials = Credentials::new(var("X_CONSUMER_KEY")?, var("X_CONSUMER_SECRET")?)
//!         .with_token(var("X_ACCESS_TOKEN")?, var("X_ACCESS_TOKEN_SECRET")?);
//!     let client = ClientBuilder::oauth1(&credentials).wait_on_rate_limit(true).build()?;
//!
//!     let name: ScreenName = "XDevelopers".parse()?;
//!     let user = client.send(&UsersShow::of(name))?.value;
//!     println!("@{}: {} followers", user.screen_name.unwrap_or_default(), user.followers_count.unwrap_or(0));
//!
//!     for id in client.items(FollowersIds::of(UserRef::Id(user.id))) {
//!         println!("{}", id?);
//!     }
//!     Ok(())
//! }
//! ```
//!
//! `cargo run -p twapi-ureq --example blocking` walks a follower list on the embedded emulator,
//! with no account needed.
//!
//! | item | what |
//! |---|---|
//! | [`ClientBuilder`] | the session's settings (credentials, base URL, `wait_on_rate_limit`, retry policy, limiter), user agent, timeouts, body cap |
//! | [`Client::send`] | any typed request of [`request`] → [`Reply`] |
//! | [`Client::pages`], [`Client::items`] | page walks as iterators, with a limit, resumable from a [`PagerState`] |
//! | [`Client::me`], [`Client::follow`], [`Client::unfollow`] | the calls that need one's own id, without knowing it |
//! | [`CallError`] | what a call can end with, the same type for every driver |
//!
//! # What it is not
//!
//! - Not async: every call blocks its thread, sleeps included (a rate-limit wait can last a
//!   15-minute window). For many requests in flight, use twapi-hyper, or a thread per walk
//!   with clones of one client.
//! - HTTP/1.1 only, as ureq is.
//! - Proxies come from the environment (`HTTPS_PROXY`, `ALL_PROXY`, `NO_PROXY`), as ureq reads
//!   them; there is no setting of its own.
#![forbid(unsafe_code)]

mod builder;
mod client;
mod transport;

pub use builder::{
    BuildError, ClientBuilder, DEFAULT_BODY_LIMIT, DEFAULT_CONNECT_TIMEOUT, DEFAULT_REQUEST_TIMEOUT,
};
pub use client::{Client, Items, Pages};
pub use twapi_auth as auth;
pub use twapi_core::cost::Cost;
pub use twapi_core::pager::{Pager, PagerState};
pub use twapi_core::rate_limit::LimiterConfig;
pub use twapi_core::retry::RetryPolicy;
pub use twapi_core::session::{CallError, LimiterHandle, MeterHandle, Page, SessionBuilder, Walk};
pub use twapi_core::{self as core, Reply, request};
pub use twapi_model as model;
