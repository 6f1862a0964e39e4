//! The v1.1 objects of the follow, search and get-users family, exactly as they travel.
//!
//! | endpoint | body |
//! |---|---|
//! | users/show, friendships/create, friendships/destroy | [`User`] |
//! | users/lookup, users/search | `Vec<`[`User`]`>` |
//! | followers/list, friends/list | [`UserPage`] |
//! | followers/ids, friends/ids, friendships/incoming, friendships/outgoing | [`IdPage`] |
//! | friendships/no_retweets/ids | [`NoRetweetIds`] |
//! | friendships/show, friendships/update | [`RelationshipResponse`] |
//! | friendships/lookup | `Vec<`[`Friendship`]`>` |
//! | any failure | [`ErrorBody`] |
//!
//! What every type here shares:
//!
//! - **Numbers that travel twice are one value.** v1.1 writes 64-bit ids and cursors as a
//!   JSON number *and* a string (`id` / `id_str`, `next_cursor` / `next_cursor_str`). The
//!   model keeps one [`UserId`](crate::UserId), [`TweetId`](crate::TweetId) or [`Cursor`];
//!   decoding accepts either key or both, and a body whose two forms disagree is an error
//!   whose path names the second key; encoding writes both.
//! - **Nullability as on the wire.** A field X always sends, possibly as `null`, is an
//!   `Option` that encodes as `null`; a field X sometimes leaves out is an `Option` that
//!   encodes only when `Some`. Unknown keys are ignored.
//! - **Round trips.** decode → encode → decode gives an equal value, and encoding writes the
//!   wire shape (an empty id list is the one ambiguity: see [`IdForm`]).
//! - **Fast decoding.** One pass per object, no `flatten`, no untagged enums, text in
//!   [`CompactString`](compact_str::CompactString) (no allocation up to 24 bytes), dates
//!   parsed straight into [`time::OffsetDateTime`].
//!
//! ```
//! use twapi_model::v1::UserPage;
//! let page: UserPage = twapi_model::decode(
//!     br#"{"users":[],"next_cursor":0,"next_cursor_str":"0",
//!          "previous_cursor":-12,"previous_cursor_str":"-12"}"#,
//! ).unwrap();
//! assert!(page.next_cursor.is_end());
//! ```

mod cursor;
mod entities;
mod error;
mod friendship;
mod id_list;
mod id_page_reader;
mod relationship;
mod tweet;
mod user;

pub use cursor::{Cursor, IdPage, UserPage};
pub use entities::{
    ExtendedEntities, Hashtag, Media, MediaSize, MediaSizes, TweetEntities, UrlEntities, UrlEntity,
    UserEntities, UserMention,
};
pub use error::{ErrorBody, ErrorEntry};
pub use friendship::{Connection, Friendship};
pub use id_list::{IdForm, NoRetweetIds};
pub use relationship::{
    Relationship, RelationshipResponse, RelationshipSource, RelationshipTarget,
};
pub use tweet::{Coordinates, CurrentUserRetweet, QuotedStatusPermalink, Tweet};
pub use user::User;
