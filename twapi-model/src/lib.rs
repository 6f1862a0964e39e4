//! The wire data model of the X API's follow, search and get-users family, v1.1 and v2.
//!
//! Types here are exactly what travels: field names as X spells them, nullability as real
//! data shows it, open enums for values X may add. Every type decodes from the wire and encodes
//! back to the wire shape, so a value survives decode → encode → decode unchanged.
//!
//! - [`v1`]: users, the embedded tweet, relationships, friendships, cursored pages, error bodies.
//! - [`v2`]: users, tweets, the `data`/`includes`/`errors`/`meta` envelope, problems.
//! - [`UserId`], [`TweetId`]: `u64` ids that read a JSON number or string.
//! - [`date`]: both date formats. [`decode()`]: decoding that names the failing field.
#![forbid(unsafe_code)]

pub mod date;
mod decode;
pub mod ids;
mod object;
mod reader;
pub mod v1;
pub mod v2;

pub use compact_str::CompactString;
pub use decode::{DecodeError, decode};
pub use ids::{TweetId, UserId};
