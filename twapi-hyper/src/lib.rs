//! The async adapter: drives [twapi-core](twapi_core) over hyper 1.x with rustls.
//!
//! twapi-core knows the X API — endpoints, request rules, decoding, pagination, rate limits,
//! retry decisions — and nothing of sockets or clocks. This crate is the loop around it:
//! a pooled HTTP/1.1 and HTTP/2 client (rustls with the ring provider, the webpki roots and any
//! the builder adds),
//! timeouts, a cap on body sizes, waiting on rate limits, retries, pagination as
//! `futures::Stream`s, and a `tracing` span per request (endpoint, attempt, status,
//! remaining budget; never a header).
//!
//! ```no_run
//! use futures_util::StreamExt;
//! use twapi_hyper::core::fields::{Fields, UserField};
//! use twapi_hyper::request::v2::{Followers, UserByUsername};
//! use twapi_hyper::{ClientBuilder, Cost, Pager, Walk};
//!
//! #[tokio::main]
//! async fn main() -> Result<(), Box<dyn std::error::Error>> {
//!     let client = ClientBuilder::app_only(std::env::var("X_BEARER_TOKEN")?).build()?;
//!     let username = "XDevelopers".parse()?;
//!     let fields = Fields::users([UserField::PublicMetrics]);
//!     let reply = client.send(&UserByUsername { username, fields }).await?;
//!     println!("the look-up cost {}", reply.cost()); // X bills $0.010 a user, once a UTC day
//!     let user = reply.into_data()?;
//!     let count = user.public_metrics.map_or(0, |m| m.followers_count);
//!     println!("@{}: {count} followers", user.username);
//!     let pager = Pager::new(Followers::of(user.id)).with_limit(50); // 50 followers at most
//!     let mut pages = client.walk(Walk::new(pager).with_budget(Cost::from_cents(50))); // ≤ $0.50
//!     while let Some(page) = pages.next().await {
//!         let page = page?;
//!         println!("{} followers for {}", page.items.len(), page.charge.spent());
//!     }
//!     let today = client.session().usage(std::time::SystemTime::now());
//!     println!("{} users billed today: {}", today.resources, today.cost);
//!     Ok(())
//! }
//! ```
//!
//! | item | what |
//! |---|---|
//! | [`ClientBuilder`] | credentials (OAuth 1.0a, app-only bearer, OAuth 2.0 user), base URL, user agent, timeouts, body cap, `wait_on_rate_limit`, retry policy, limiter, added TLS roots |
//! | [`Client::send`] | any typed request of [`twapi_core::request`] → [`twapi_core::Reply`] |
//! | [`Client::pages`], [`Client::items`] | page walks as streams, with a limit, resumable from a [`twapi_core::pager::PagerState`] |
//! | [`Client::walk`], [`Walk::with_budget`] | a page walk that never spends more than a [`Cost`] |
//! | [`Reply::cost`], [`twapi_core::session::Session::usage`] | what a reply cost, and what the UTC day cost so far |
//! | [`Client::me`], [`Client::follow`], [`Client::unfollow`] | the calls that need one's own id, without knowing it |
//! | `limiter_store`, `meter_store` | the rate-limit budgets and the day's cost shared between processes (twapi-redis) |
//! | [`CallError`] | twapi-core's errors plus transport failures, each with its [`CallError::retryability`] |
//!
//! The session in twapi-core decides everything about X; this crate only moves bytes and time
//! (its loop is `Client::run`, about fifty lines). Any other HTTP client drives the same
//! session the same way: twapi-ureq is the blocking one, and both pass one conformance suite.
//!
//! A program imports this one crate: it re-exports twapi-core (as [`core`]), twapi-model (as
//! [`model`]), twapi-auth (as [`auth`]), and the names a program types most.
#![forbid(unsafe_code)]

mod builder;
mod causes;
mod client;
mod paging;
mod tls;
mod transport;

pub use builder::{
    BuildError, ClientBuilder, DEFAULT_BODY_LIMIT, DEFAULT_CONNECT_TIMEOUT, DEFAULT_REQUEST_TIMEOUT,
};
pub use client::Client;
pub use twapi_auth as auth;
pub use twapi_auth::oauth1::Credentials;
pub use twapi_core as core;
pub use twapi_core::cost::Cost;
pub use twapi_core::pager::{Pager, PagerState};
pub use twapi_core::rate_limit::{Context, LimiterConfig};
pub use twapi_core::session::{
    CallError, Interrupted, LimiterHandle, MeterHandle, Page, SessionBuilder, Walk,
};
pub use twapi_core::{Reply, RetryPolicy, ScreenName, UserRef, request};
pub use twapi_model as model;
