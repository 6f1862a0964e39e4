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
//! use twapi_auth::oauth1::Credentials;
//! use twapi_core::request::v1::{FollowersIds, UsersShow};
//! use twapi_core::{ScreenName, UserRef};
//! use twapi_hyper::ClientBuilder;
//!
//! #[tokio::main]
//! async fn main() -> Result<(), Box<dyn std::error::Error>> {
//!     let var = |name| std::env::var(name);
//!     let credentials = Credentials::new(var("X_CONSUMER_KEY")?, var("X_CONSUMER_SECRET")?)
//!         .with_token(var("X_ACCESS_TOKEN")?, var("X_ACCESS_TOKEN_SECRET")?);
//!     let builder = ClientBuilder::oauth1(&credentials);
//!     let client = builder.wait_on_rate_limit(true).build()?;
//!
//!     let name: ScreenName = "XDevelopers".parse()?;
//!     let user = client.send(&UsersShow::of(name)).await?.value;
//!     println!("@{}: {} followers", user.screen_name, user.followers_count);
//!
//!     let mut followers = client.items(FollowersIds::of(UserRef::Id(user.id)));
//!     while let Some(id) = followers.next().await {
//!         println!("{}", id?);
//!     }
//!     Ok(())
//! }
//! ```
//!
//! | item | what |
//! |---|---|
//! | [`ClientBuilder`] | credentials (OAuth 1.0a, app-only bearer, OAuth 2.0 user), base URL, user agent, timeouts, body cap, `wait_on_rate_limit`, retry policy, limiter, added TLS roots |
//! | [`Client::send`] | any typed request of [`twapi_core::request`] → [`twapi_core::Reply`] |
//! | [`Client::pages`], [`Client::items`] | page walks as streams, with a limit, resumable from a [`twapi_core::pager::PagerState`] |
//! | [`Client::me`], [`Client::follow`], [`Client::unfollow`] | the calls that need one's own id, without knowing it |
//! | [`Error`] | twapi-core's errors plus transport failures, each with its [`Error::retryability`] |
//!
//! Any other HTTP client can drive twapi-core the same way: `tests/blocking_driver.rs` in
//! twapi-core is a whole driver over `std::net` in well under a hundred lines.
#![forbid(unsafe_code)]

mod builder;
mod client;
mod error;
mod identity;
mod jitter;
mod paging;
mod tls;
mod transport;

pub use builder::{
    ClientBuilder, DEFAULT_BODY_LIMIT, DEFAULT_CONNECT_TIMEOUT, DEFAULT_REQUEST_TIMEOUT,
};
pub use client::Client;
pub use error::{BoxError, Error, Interrupted};
pub use paging::Page;
