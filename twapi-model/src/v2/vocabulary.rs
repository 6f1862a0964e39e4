//! The two vocabularies of the v2 API: the classic names of spec 2.159 (`tweet.fields`,
//! `pinned_tweet_id`, `includes.tweets`, `tweet_count`), which X's hand-written docs show and
//! every recorded response uses, and the names of spec 2.167 (`post.fields`,
//! `pinned_post_id`, `includes.posts`, `post_count`), which X's own SDKs send since July 2026.
//! Production accepts both.
//!
//! Every pair of names is declared once, in [`NAME_PAIRS`]; the request writers and the
//! server's reader (twapi-core's `fields`), the fast page reader, and [`translate`] look
//! names up in it. The model's types decode either name of a pair into the same field
//! (serde aliases, checked against the table by the crate's tests) and serialize the classic
//! names, the ones every recorded response has; [`to_vec_in`] and [`translate`] write the
//! other vocabulary.
//!
//! ```
//! use twapi_model::v2::{UserPage, vocabulary::{self, Vocabulary}};
//! let classic = br#"{"data":[{"id":"12","name":"jack","username":"jack","pinned_tweet_id":"20",
//!     "public_metrics":{"followers_count":1,"following_count":2,"tweet_count":3,"listed_count":4}}]}"#;
//! let post = vocabulary::translate(classic, Vocabulary::Post);
//! assert!(std::str::from_utf8(&post).unwrap().contains(r#""pinned_post_id":"20""#));
//! assert_eq!(UserPage::decode(&post)?, UserPage::decode(classic)?);
//! # Ok::<(), twapi_model::DecodeError>(())
//! ```

use std::fmt;

/// Which names of the v2 API a request is written in, or a body is answered in.
///
/// The default is [`Vocabulary::Post`], what X's own SDKs send on every users request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Vocabulary {
    /// The names of spec 2.167 (2026): `post.fields`, `pinned_post_id`,
    /// `most_recent_post_id`, `includes.posts`, `post_count`. What X's SDKs send.
    #[default]
    Post,
    /// The classic names of spec 2.159 (since v2's launch in 2021): `tweet.fields`,
    /// `pinned_tweet_id`, `most_recent_tweet_id`, `includes.tweets`, `tweet_count`. What X's
    /// docs show and every recorded response uses.
    Tweet,
}

impl Vocabulary {
    /// Both, the default first.
    pub const ALL: [Self; 2] = [Self::Post, Self::Tweet];

    /// The name, in this vocabulary, of what the classic vocabulary calls `classic` at
    /// `place`; a name the table does not pair is the same in both.
    ///
    /// ```
    /// use twapi_model::v2::vocabulary::{Place, Vocabulary};
    /// assert_eq!(Vocabulary::Post.name(Place::Parameter, "tweet.fields"), "post.fields");
    /// assert_eq!(Vocabulary::Tweet.name(Place::Parameter, "tweet.fields"), "tweet.fields");
    /// assert_eq!(Vocabulary::Post.name(Place::Field, "created_at"), "created_at");
    /// ```
    pub fn name(self, place: Place, classic: &str) -> &str {
        match self {
            Self::Tweet => classic,
            Self::Post => place.post_of(classic).unwrap_or(classic),
        }
    }

    /// Which vocabulary `name` belongs to at `place`, and its classic form; `None` for a name
    /// that is the same in both (or that the table does not know).
    ///
    /// ```
    /// use twapi_model::v2::vocabulary::{Place, Vocabulary};
    /// assert_eq!(Vocabulary::of(Place::Expansion, "pinned_post_id"), Some((Vocabulary::Post, "pinned_tweet_id")));
    /// assert_eq!(Vocabulary::of(Place::Expansion, "pinned_tweet_id"), Some((Vocabulary::Tweet, "pinned_tweet_id")));
    /// assert_eq!(Vocabulary::of(Place::Field, "created_at"), None);
    /// ```
    pub fn of(place: Place, name: &str) -> Option<(Self, &'static str)> {
        if let Some(classic) = place.classic_of(name) {
            return Some((Self::Post, classic));
        }
        place.post_of(name)?;
        place.classic(name).map(|classic| (Self::Tweet, classic))
    }

    /// The classic form of `name`, whichever vocabulary it is in.
    pub fn classic(place: Place, name: &str) -> &str {
        place.classic_of(name).unwrap_or(name)
    }
}

impl fmt::Display for Vocabulary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Post => "post",
            Self::Tweet => "tweet",
        })
    }
}

/// Where a name appears.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Place {
    /// A query parameter's name (`tweet.fields`).
    Parameter,
    /// A value of `expansions` (`pinned_tweet_id`, `affiliation.user_id`).
    Expansion,
    /// A field: an object's key in a body (`pinned_tweet_id`, `tweets` of `includes`,
    /// `tweet_count` of a user's `public_metrics`) and the `user.fields` or `tweet.fields`
    /// value that asks for it.
    Field,
}

/// One pair of names: where, the classic (2.159) name, the 2.167 name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct NamePair {
    /// Where the names appear.
    pub place: Place,
    /// The classic name ([`Vocabulary::Tweet`]).
    pub tweet: &'static str,
    /// The 2026 name ([`Vocabulary::Post`]).
    pub post: &'static str,
}

macro_rules! name_pairs {
    ($( $(#[$doc:meta])* $place:ident $tweet:literal => $post:literal, )*) => {
        /// Every pair of names, classic first: the one declaration of the two vocabularies.
        pub const NAME_PAIRS: &[NamePair] = &[
            $( $(#[$doc])* NamePair { place: Place::$place, tweet: $tweet, post: $post }, )*
        ];

        impl Place {
            /// The 2.167 name of a classic name; `None` when the table does not pair it.
            fn post_of(self, classic: &str) -> Option<&'static str> {
                match (self, classic) {
                    $( (Place::$place, $tweet) => Some($post), )*
                    _ => None,
                }
            }

            /// The classic name of a 2.167 name; `None` when the table does not pair it.
            fn classic_of(self, post: &str) -> Option<&'static str> {
                match (self, post) {
                    $( (Place::$place, $post) => Some($tweet), )*
                    _ => None,
                }
            }

            /// A classic name of the table, as a `'static` str.
            fn classic(self, classic: &str) -> Option<&'static str> {
                match (self, classic) {
                    $( (Place::$place, $tweet) => Some($tweet), )*
                    _ => None,
                }
            }
        }
    };
}

name_pairs! {
    // The query parameter of the expanded posts' fields.
    Parameter "tweet.fields" => "post.fields",
    // The user endpoints' expansions (2.167 calls `affiliation.user_id` plain `affiliation`).
    Expansion "pinned_tweet_id" => "pinned_post_id",
    Expansion "most_recent_tweet_id" => "most_recent_post_id",
    Expansion "affiliation.user_id" => "affiliation",
    // A user's fields (2.167 asks for the two ids through `expansions` only).
    Field "pinned_tweet_id" => "pinned_post_id",
    Field "most_recent_tweet_id" => "most_recent_post_id",
    // `public_metrics` of a user.
    Field "tweet_count" => "post_count",
    // `includes`.
    Field "tweets" => "posts",
    // A tweet's (post's) fields.
    Field "edit_history_tweet_ids" => "edit_history_post_ids",
    Field "referenced_tweets" => "referenced_posts",
    Field "note_tweet" => "note_post",
    // `public_metrics` of a tweet.
    Field "retweet_count" => "repost_count",
}

/// Renames, in a JSON text, every object key that [`NAME_PAIRS`] pairs as a field, into
/// `to`'s name; everything else is copied byte for byte (order, spacing, escapes). A text
/// that is not JSON is copied as far as it goes.
///
/// Keys are renamed wherever they appear: the v2 bodies of the user endpoints have no other
/// keys of these names (a problem's `parameters` are keyed by query parameter names).
pub fn translate(json: &[u8], to: Vocabulary) -> Vec<u8> {
    let mut out = Vec::with_capacity(json.len() + 64);
    let mut at = 0;
    let mut copied = 0;
    while at < json.len() {
        if json[at] != b'"' {
            at += 1;
            continue;
        }
        // A string: find its closing quote, skipping escapes.
        let start = at + 1;
        let mut end = start;
        while end < json.len() && json[end] != b'"' {
            end += if json[end] == b'\\' { 2 } else { 1 };
        }
        if end >= json.len() {
            break;
        }
        let mut next = end + 1;
        while next < json.len() && json[next].is_ascii_whitespace() {
            next += 1;
        }
        if json.get(next) == Some(&b':') {
            let renamed = std::str::from_utf8(&json[start..end]).ok().and_then(|key| {
                let renamed = to.name(Place::Field, Vocabulary::classic(Place::Field, key));
                (renamed != key).then_some(renamed)
            });
            if let Some(renamed) = renamed {
                out.extend_from_slice(&json[copied..start]);
                out.extend_from_slice(renamed.as_bytes());
                copied = end;
            }
        }
        at = end + 1;
    }
    out.extend_from_slice(&json[copied..]);
    out
}

/// Serializes a model value as compact JSON in `vocabulary`: the classic names for
/// [`Vocabulary::Tweet`] (what the types' `Serialize` writes), the 2.167 names for
/// [`Vocabulary::Post`].
///
/// ```
/// use twapi_model::v2::{User, vocabulary::{to_vec_in, Vocabulary}};
/// let mut user = User::new(12.into(), "jack", "jack");
/// user.pinned_tweet_id = Some(20.into());
/// assert_eq!(to_vec_in(&user, Vocabulary::Post)?, br#"{"id":"12","name":"jack","username":"jack","pinned_post_id":"20"}"#);
/// assert_eq!(to_vec_in(&user, Vocabulary::Tweet)?, serde_json::to_vec(&user)?);
/// # Ok::<(), serde_json::Error>(())
/// ```
pub fn to_vec_in<T: serde::Serialize + ?Sized>(
    value: &T,
    vocabulary: Vocabulary,
) -> serde_json::Result<Vec<u8>> {
    let classic = serde_json::to_vec(value)?;
    Ok(match vocabulary {
        Vocabulary::Tweet => classic,
        Vocabulary::Post => translate(&classic, Vocabulary::Post),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_is_paired_once_per_place() {
        for (i, a) in NAME_PAIRS.iter().enumerate() {
            assert_ne!(a.tweet, a.post);
            for b in &NAME_PAIRS[i + 1..] {
                if a.place == b.place {
                    assert_ne!(a.tweet, b.tweet, "{a:?} {b:?}");
                    assert_ne!(a.post, b.post, "{a:?} {b:?}");
                    assert_ne!(a.tweet, b.post, "{a:?} {b:?}");
                    assert_ne!(a.post, b.tweet, "{a:?} {b:?}");
                }
            }
            assert_eq!(Vocabulary::Post.name(a.place, a.tweet), a.post);
            assert_eq!(
                Vocabulary::of(a.place, a.post),
                Some((Vocabulary::Post, a.tweet))
            );
            assert_eq!(
                Vocabulary::of(a.place, a.tweet),
                Some((Vocabulary::Tweet, a.tweet))
            );
            assert_eq!(Vocabulary::classic(a.place, a.post), a.tweet);
        }
    }

    #[test]
    fn translates_keys_only() {
        let body = br#"{"data":{"id":"1","name":"tweets","username":"u","pinned_tweet_id":"2",
            "description":"\"tweets\": \\","public_metrics" : {"tweet_count" :3}},"includes":{"tweets":[]}}"#;
        let post = translate(body, Vocabulary::Post);
        let expected = br#"{"data":{"id":"1","name":"tweets","username":"u","pinned_post_id":"2",
            "description":"\"tweets\": \\","public_metrics" : {"post_count" :3}},"includes":{"posts":[]}}"#;
        assert_eq!(std::str::from_utf8(&post), std::str::from_utf8(expected));
        assert_eq!(translate(&post, Vocabulary::Tweet), body);
        assert_eq!(translate(b"{\"tweets", Vocabulary::Post), b"{\"tweets");
    }
}
