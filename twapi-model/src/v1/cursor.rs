//! Cursored pages (API-FACTS 3.4): followers/ids, friends/ids, friendships/incoming|outgoing
//! (ids) and followers/list, friends/list (users).
//!
//! A page carries `next_cursor` and `previous_cursor`, each twice (`*_cursor` as a number,
//! `*_cursor_str` as a string); the model keeps one [`Cursor`] per pair. 2021 pages also carry
//! an undocumented `"total_count": null`, which is ignored.

use std::fmt;

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::ser::SerializeStruct;
use serde::{Deserialize, Serialize, Serializer};

use super::User;
use super::id_list::{IdForm, IdsOut, IdsSeed};
use super::user::Users;
use crate::UserId;
use crate::object::{Key, TwinNumber, TwinSeed, TwinString, wire_object};

/// A position in a cursored list: an opaque signed 64-bit value.
///
/// The first request sends [`Cursor::START`] (`-1`); a page whose `next_cursor` is `0`
/// ([`Cursor::is_end`]) is the last; `previous_cursor` is `0` on the first page and negative
/// on later ones (and not the negation of any `next_cursor`). Pagers pass the value back
/// verbatim and never compute with it.
///
/// It encodes as a JSON number and decodes from a number or a string of digits.
///
/// ```
/// use twapi_model::v1::Cursor;
/// assert_eq!(Cursor::START.get(), -1);
/// assert!(Cursor::new(0).is_end());
/// let c: Cursor = serde_json::from_str("\"-1482172157213781578\"").unwrap();
/// assert_eq!(c.get(), -1_482_172_157_213_781_578);
/// assert!(!c.is_end());
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Cursor(i64);

impl Cursor {
    /// The cursor of the first request (`cursor=-1`, also X's default).
    pub const START: Cursor = Cursor(-1);
    /// "No page in this direction": `next_cursor` of the last page, `previous_cursor` of the
    /// first.
    pub const END: Cursor = Cursor(0);

    /// Wraps a raw cursor.
    pub const fn new(raw: i64) -> Self {
        Self(raw)
    }

    /// The raw value, for the `cursor` query parameter.
    pub const fn get(self) -> i64 {
        self.0
    }

    /// Whether this is `0`: there is no page in this direction.
    pub const fn is_end(self) -> bool {
        self.0 == 0
    }

    /// Reads the string form: an optional `-` and decimal digits that fit in 64 bits.
    pub(crate) fn from_digits(v: &str) -> Option<Self> {
        let digits = v.strip_prefix('-').unwrap_or(v);
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        v.parse().ok().map(Cursor)
    }
}

impl fmt::Debug for Cursor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Cursor({})", self.0)
    }
}

impl fmt::Display for Cursor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl Serialize for Cursor {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_i64(self.0)
    }
}

impl<'de> Deserialize<'de> for Cursor {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct CursorVisitor;
        impl Visitor<'_> for CursorVisitor {
            type Value = Cursor;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a cursor: a signed 64-bit integer, or one as a string")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Cursor, E> {
                Ok(Cursor(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Cursor, E> {
                i64::try_from(v)
                    .map(Cursor)
                    .map_err(|_| E::invalid_value(de::Unexpected::Unsigned(v), &self))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Cursor, E> {
                Cursor::from_digits(v)
                    .ok_or_else(|| E::invalid_value(de::Unexpected::Str(v), &self))
            }
        }
        d.deserialize_any(CursorVisitor)
    }
}

/// A page of user ids: followers/ids, friends/ids, friendships/incoming and /outgoing.
///
/// The ids are JSON numbers, or strings with `stringify_ids=true`; `form` remembers which,
/// and encoding writes the same form (an empty page decodes as [`IdForm::Number`]). The
/// undocumented `"total_count": null` of 2021 pages is ignored.
///
/// ```
/// use twapi_model::v1::{IdForm, IdPage};
/// let body = br#"{"ids":["9007199254740993"],"next_cursor":0,"next_cursor_str":"0",
///   "previous_cursor":-1482172157213781578,"previous_cursor_str":"-1482172157213781578",
///   "total_count":null}"#;
/// let page: IdPage = twapi_model::decode(body).unwrap();
/// assert_eq!(page.form, IdForm::String);
/// assert!(page.next_cursor.is_end());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdPage {
    /// The ids, newest follow first.
    pub ids: Vec<UserId>,
    /// The form the ids came in.
    pub form: IdForm,
    /// The next page's cursor; [`Cursor::END`] on the last page.
    pub next_cursor: Cursor,
    /// The previous page's cursor; [`Cursor::END`] on the first page.
    pub previous_cursor: Cursor,
}

impl IdPage {
    /// Decodes a page of ids: the same result as
    /// [`twapi_model::decode::<IdPage>`](crate::decode()), errors included, in about half the
    /// time.
    ///
    /// A followers/ids page of 5,000 ids is what a crawler reads most, so it gets a reader of
    /// its own, which reads each id's digits straight into a `u64` and hands anything unusual
    /// (an escape, a sign, a repeated key, malformed JSON) back to serde. See the crate's tests
    /// for the proof that both agree.
    ///
    /// ```
    /// use twapi_model::v1::{IdForm, IdPage};
    /// let body = br#"{"ids":["9007199254740993","12"],"next_cursor":0,"next_cursor_str":"0",
    ///   "previous_cursor":-1482172157213781578,"previous_cursor_str":"-1482172157213781578",
    ///   "total_count":null}"#;
    /// let page = IdPage::decode(body)?;
    /// assert_eq!((page.ids[0].get(), page.form), (9_007_199_254_740_993, IdForm::String));
    /// let err = IdPage::decode(br#"{"ids":[1,"2"],"next_cursor":0,"previous_cursor":0}"#).unwrap_err();
    /// assert_eq!(err.path(), "ids[1]");
    /// # Ok::<(), twapi_model::DecodeError>(())
    /// ```
    pub fn decode(bytes: &[u8]) -> Result<Self, crate::DecodeError> {
        crate::reader::decode_with(bytes, super::id_page_reader::read_id_page)
    }
}

const NEXT: [&str; 2] = ["next_cursor", "next_cursor_str"];
const PREVIOUS: [&str; 2] = ["previous_cursor", "previous_cursor_str"];

impl<'de> Deserialize<'de> for IdPage {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct IdPageVisitor;
        const FIELDS: &[&str] = &[
            "ids",
            "next_cursor",
            "next_cursor_str",
            "previous_cursor",
            "previous_cursor_str",
        ];
        impl<'de> Visitor<'de> for IdPageVisitor {
            type Value = IdPage;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a v1.1 page of ids")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<IdPage, A::Error> {
                let mut ids = None;
                let mut next = None;
                let mut previous = None;
                while let Some(key) = map.next_key::<Key<'de>>()? {
                    let key = key.as_str();
                    match key {
                        "ids" => {
                            if ids.is_some() {
                                return Err(de::Error::duplicate_field("ids"));
                            }
                            ids = Some(map.next_value_seed(IdsSeed)?);
                        }
                        "next_cursor" | "next_cursor_str" => {
                            let seed = TwinSeed {
                                seen: next.as_ref(),
                                key,
                                pair: NEXT,
                            };
                            next = Some(map.next_value_seed(seed)?);
                        }
                        "previous_cursor" | "previous_cursor_str" => {
                            let seed = TwinSeed {
                                seen: previous.as_ref(),
                                key,
                                pair: PREVIOUS,
                            };
                            previous = Some(map.next_value_seed(seed)?);
                        }
                        _ => {
                            map.next_value::<de::IgnoredAny>()?;
                        }
                    }
                }
                let (ids, form) = ids.ok_or_else(|| de::Error::missing_field("ids"))?;
                Ok(IdPage {
                    ids,
                    form,
                    next_cursor: next.ok_or_else(|| de::Error::missing_field(NEXT[0]))?,
                    previous_cursor: previous
                        .ok_or_else(|| de::Error::missing_field(PREVIOUS[0]))?,
                })
            }
        }
        d.deserialize_struct("IdPage", FIELDS, IdPageVisitor)
    }
}

impl Serialize for IdPage {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("IdPage", 5)?;
        st.serialize_field(
            "ids",
            &IdsOut {
                ids: &self.ids,
                form: self.form,
            },
        )?;
        st.serialize_field(NEXT[0], &TwinNumber(&self.next_cursor))?;
        st.serialize_field(NEXT[1], &TwinString(&self.next_cursor))?;
        st.serialize_field(PREVIOUS[0], &TwinNumber(&self.previous_cursor))?;
        st.serialize_field(PREVIOUS[1], &TwinString(&self.previous_cursor))?;
        st.end()
    }
}

wire_object! {
    /// A page of users: followers/list and friends/list (up to 200 per page). The
    /// undocumented `"total_count": null` of 2021 pages is ignored.
    ///
    /// ```
    /// use twapi_model::v1::{Cursor, UserPage};
    /// let body = br#"{"users":[],"next_cursor":0,"next_cursor_str":"0",
    ///   "previous_cursor":0,"previous_cursor_str":"0","total_count":null}"#;
    /// let page: UserPage = twapi_model::decode(body).unwrap();
    /// assert!(page.users.is_empty());
    /// assert_eq!(page.next_cursor, Cursor::END);
    /// ```
    #[derive(Debug, Clone, PartialEq)]
    pub struct UserPage expecting "a v1.1 page of users" {
        /// The users, newest follow first.
        pub users: Vec<User> = req via Users ["users"],
        /// The next page's cursor; [`Cursor::END`] on the last page.
        pub next_cursor: Cursor = twin ["next_cursor", "next_cursor_str"],
        /// The previous page's cursor; [`Cursor::END`] on the first page.
        pub previous_cursor: Cursor = twin ["previous_cursor", "previous_cursor_str"],
    }
}

impl UserPage {
    /// Decodes a page of users (followers/list, friends/list): the same result as
    /// [`twapi_model::decode::<UserPage>`](crate::decode()), errors included, faster (see
    /// [`User::decode`]).
    ///
    /// ```
    /// use twapi_model::v1::UserPage;
    /// let body = br#"{"users":[],"next_cursor":0,"next_cursor_str":"0",
    ///   "previous_cursor":0,"previous_cursor_str":"0","total_count":null}"#;
    /// assert!(UserPage::decode(body)?.users.is_empty());
    /// let err = UserPage::decode(br#"{"users":[],"next_cursor":1,"next_cursor_str":"2"}"#)
    ///     .unwrap_err();
    /// assert_eq!(err.path(), "next_cursor_str");
    /// # Ok::<(), twapi_model::DecodeError>(())
    /// ```
    pub fn decode(bytes: &[u8]) -> Result<Self, crate::DecodeError> {
        crate::reader::decode_with(bytes, <Self as crate::reader::FromReader>::from_reader)
    }
}
