//! How an object travels, v1.1 and v2 alike, and the macro that writes, from one list of its
//! fields, its serde code, its fast reader and (for the v2 user and tweet) its field selector.
//!
//! v1.1 writes every 64-bit number twice — `id` as a JSON number and `id_str` as a string —
//! because JavaScript readers lose precision above 2^53. The model keeps *one* value per pair
//! (a *twin*): decoding accepts either key or both, and rejects a body whose two halves
//! disagree with an error raised inside the second key's value, so the decode path names it
//! (`users[1].id_str`); encoding writes both.
//!
//! Every field has a *presence*, which says what is missing on decode and what is written on
//! encode:
//!
//! | presence | field type | missing on decode | on encode |
//! |---|---|---|---|
//! | `req` | `T` | an error naming the key | always |
//! | `null` | `Option<T>` | `None` | always, `null` for `None` |
//! | `omit` | `Option<T>` | `None` | only when `Some` |
//! | `default` | `T: Default` | `T::default()` | always |
//! | `vec` | `Vec<T>` | empty | only when not empty (v2 never sends an empty list) |
//! | `twin` | id or cursor | an error naming the key | both keys |
//! | `twin_null` | `Option<id>` | `None` | both keys, `null` for `None` |
//! | `twin_omit` | `Option<id>` | `None` | both keys, only when `Some` |
//!
//! A v2 object declared `in both vocabularies` reads a key of 2.167 (`pinned_post_id`) as its
//! classic name (`pinned_tweet_id`), through the one table of [`crate::v2::vocabulary`]; both
//! names in one object are a repeated key. One declared `selected by Name` also gets `Name`, the
//! open enum of its fields for `user.fields` / `tweet.fields` (variant `select`ed beside each
//! field, plus the names listed `also`, which the crate does not model).
//!
//! The generated `Deserialize` is what serde's derive would write for a flat struct — one
//! pass over the map, a `match` on the borrowed key, unknown keys skipped with
//! [`serde::de::IgnoredAny`] — plus the twin check, so it costs no more than a derive.
//!
//! From the same field list the macro writes the object's fast reader ([`FromReader`]), so the
//! two can never list different fields: each codec reads its value the way its `decode` does
//! (or gives up, and serde decides), and a repeated key, a disagreeing twin or a missing
//! required field makes the reader give up where serde would fail.

use std::fmt;
use std::marker::PhantomData;

use compact_str::CompactString;
use serde::de::{self, DeserializeOwned, DeserializeSeed, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};
use time::OffsetDateTime;

use crate::reader::{FromReader, Reader};
use crate::v1::Cursor;
use crate::{TweetId, UserId};

/// A map key, borrowed from the input when it holds no escapes (keys on the wire never do).
pub(crate) enum Key<'de> {
    Borrowed(&'de str),
    Owned(String),
}

impl Key<'_> {
    pub(crate) fn as_str(&self) -> &str {
        match self {
            Self::Borrowed(s) => s,
            Self::Owned(s) => s,
        }
    }
}

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a field name")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key::Borrowed(v))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key::Owned(v.to_owned()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Key<'de>, E> {
                Ok(Key::Owned(v))
            }
        }
        d.deserialize_identifier(KeyVisitor)
    }
}

/// How one field's value is read and written.
pub(crate) trait Codec<T> {
    fn decode<'de, D: Deserializer<'de>>(d: D) -> Result<T, D::Error>;
    fn encode<S: Serializer>(value: &T, s: S) -> Result<S::Ok, S::Error>;
    /// The same as `decode`, by the fast reader; `None` when serde must decide.
    fn read(r: &mut Reader<'_>) -> Option<T>;
}

/// The value's own `Serialize` and `Deserialize`.
pub(crate) struct Plain;

impl<T: Serialize + DeserializeOwned + FromReader> Codec<T> for Plain {
    fn decode<'de, D: Deserializer<'de>>(d: D) -> Result<T, D::Error> {
        T::deserialize(d)
    }
    fn encode<S: Serializer>(value: &T, s: S) -> Result<S::Ok, S::Error> {
        value.serialize(s)
    }
    fn read(r: &mut Reader<'_>) -> Option<T> {
        T::from_reader(r)
    }
}

/// The v1.1 date format, `Wed Oct 10 20:19:24 +0000 2018` ([`crate::date::v1`]).
pub(crate) struct DateV1;

impl Codec<OffsetDateTime> for DateV1 {
    fn decode<'de, D: Deserializer<'de>>(d: D) -> Result<OffsetDateTime, D::Error> {
        crate::date::v1::deserialize(d)
    }
    fn encode<S: Serializer>(value: &OffsetDateTime, s: S) -> Result<S::Ok, S::Error> {
        crate::date::v1::serialize(value, s)
    }
    fn read(r: &mut Reader<'_>) -> Option<OffsetDateTime> {
        crate::date::v1::parse(r.string()?.as_str()).ok()
    }
}

/// A field that may be absent or `null` and is read through `C` when present (a user's
/// `created_at`, which trimmed users lack).
impl<C: Codec<T>, T> Codec<Option<T>> for C
where
    C: OptionCodec,
{
    fn decode<'de, D: Deserializer<'de>>(d: D) -> Result<Option<T>, D::Error> {
        struct PresentVisitor<C, T>(PhantomData<fn() -> (C, T)>);
        impl<'de, C: Codec<T>, T> Visitor<'de> for PresentVisitor<C, T> {
            type Value = Option<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("null or a value")
            }
            fn visit_none<E: de::Error>(self) -> Result<Option<T>, E> {
                Ok(None)
            }
            fn visit_unit<E: de::Error>(self) -> Result<Option<T>, E> {
                Ok(None)
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Option<T>, D::Error> {
                C::decode(d).map(Some)
            }
        }
        d.deserialize_option(PresentVisitor::<C, T>(PhantomData))
    }
    fn encode<S: Serializer>(value: &Option<T>, s: S) -> Result<S::Ok, S::Error> {
        match value {
            Some(v) => C::encode(v, s),
            None => s.serialize_none(),
        }
    }
    fn read(r: &mut Reader<'_>) -> Option<Option<T>> {
        r.opt(C::read)
    }
}

/// A codec whose values may also travel as optional fields ([`Codec`] for `Option<T>`).
pub(crate) trait OptionCodec {}

impl OptionCodec for DateV1 {}

/// The v2 date format, RFC 3339 (`2013-12-14T04:35:55.000Z`, [`crate::date::rfc3339`]).
pub(crate) struct DateV2;

impl Codec<OffsetDateTime> for DateV2 {
    fn decode<'de, D: Deserializer<'de>>(d: D) -> Result<OffsetDateTime, D::Error> {
        crate::date::rfc3339::deserialize(d)
    }
    fn encode<S: Serializer>(value: &OffsetDateTime, s: S) -> Result<S::Ok, S::Error> {
        crate::date::rfc3339::serialize(value, s)
    }
    fn read(r: &mut Reader<'_>) -> Option<OffsetDateTime> {
        crate::date::rfc3339::parse(r.string()?.as_str()).ok()
    }
}

impl OptionCodec for DateV2 {}

/// Decodes one field's value through its codec.
pub(crate) struct Decode<C, T>(PhantomData<fn() -> (C, T)>);

impl<C, T> Decode<C, T> {
    pub(crate) fn new() -> Self {
        Self(PhantomData)
    }
}

impl<'de, C: Codec<T>, T> DeserializeSeed<'de> for Decode<C, T> {
    type Value = T;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<T, D::Error> {
        C::decode(d)
    }
}

/// Encodes one field's value through its codec.
pub(crate) struct Encode<'a, C, T>(&'a T, PhantomData<fn() -> C>);

impl<'a, C, T> Encode<'a, C, T> {
    pub(crate) fn new(value: &'a T) -> Self {
        Self(value, PhantomData)
    }
}

impl<C: Codec<T>, T> Serialize for Encode<'_, C, T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        C::encode(self.0, s)
    }
}

/// A value that travels twice: as a JSON number and as a string (`id` / `id_str`).
pub(crate) trait Twin: Copy + PartialEq {
    /// Reads either half: a JSON number or a string of digits.
    fn decode<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error>;
    /// Writes the number half.
    fn encode_number<S: Serializer>(self, s: S) -> Result<S::Ok, S::Error>;
    /// Writes the string half.
    fn encode_string<S: Serializer>(self, s: S) -> Result<S::Ok, S::Error>;
    /// The value in an error message.
    fn describe(self) -> String;
    /// Reads either half by the fast reader; `None` when serde must decide.
    fn read(r: &mut Reader<'_>) -> Option<Self>;
}

macro_rules! id_twin {
    ($($id:ty),*) => {$(
        impl Twin for $id {
            fn decode<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                crate::ids::as_number::deserialize(d)
            }
            fn encode_number<S: Serializer>(self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_u64(self.get())
            }
            fn encode_string<S: Serializer>(self, s: S) -> Result<S::Ok, S::Error> {
                // The id's own encoding is the string form.
                self.serialize(s)
            }
            fn describe(self) -> String {
                self.to_string()
            }
            fn read(r: &mut Reader<'_>) -> Option<Self> {
                r.id().map(Self::new)
            }
        }
    )*};
}

id_twin!(UserId, TweetId);

/// A media id: a snowflake like the others, but neither a user's nor a tweet's.
impl Twin for u64 {
    fn decode<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        // The id visitor is shared by every id type; a user id is just its carrier here.
        <UserId as Twin>::decode(d).map(UserId::get)
    }
    fn encode_number<S: Serializer>(self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u64(self)
    }
    fn encode_string<S: Serializer>(self, s: S) -> Result<S::Ok, S::Error> {
        UserId::new(self).serialize(s)
    }
    fn describe(self) -> String {
        self.to_string()
    }
    fn read(r: &mut Reader<'_>) -> Option<Self> {
        r.id()
    }
}

impl Twin for Cursor {
    fn decode<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Cursor::deserialize(d)
    }
    fn encode_number<S: Serializer>(self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_i64(self.get())
    }
    fn encode_string<S: Serializer>(self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&self.get())
    }
    fn describe(self) -> String {
        self.get().to_string()
    }
    fn read(r: &mut Reader<'_>) -> Option<Self> {
        if r.peek()? == b'"' {
            Cursor::from_digits(r.string()?.as_str())
        } else {
            r.i64().map(Cursor::new)
        }
    }
}

impl<T: Twin> Twin for Option<T> {
    fn decode<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct OptionVisitor<T>(PhantomData<T>);
        impl<'de, T: Twin> Visitor<'de> for OptionVisitor<T> {
            type Value = Option<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("null, a number or a string of digits")
            }
            fn visit_none<E: de::Error>(self) -> Result<Option<T>, E> {
                Ok(None)
            }
            fn visit_unit<E: de::Error>(self) -> Result<Option<T>, E> {
                Ok(None)
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Option<T>, D::Error> {
                T::decode(d).map(Some)
            }
        }
        d.deserialize_option(OptionVisitor(PhantomData))
    }
    fn encode_number<S: Serializer>(self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Some(v) => v.encode_number(s),
            None => s.serialize_none(),
        }
    }
    fn encode_string<S: Serializer>(self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Some(v) => v.encode_string(s),
            None => s.serialize_none(),
        }
    }
    fn describe(self) -> String {
        self.map_or_else(|| "null".to_owned(), T::describe)
    }
    fn read(r: &mut Reader<'_>) -> Option<Self> {
        r.opt(T::read)
    }
}

/// Reads one half of a twin and checks it against the half already read, if any.
pub(crate) struct TwinSeed<'a, T> {
    /// The value read from the other half (or an earlier copy of this key).
    pub(crate) seen: Option<&'a T>,
    /// The key being read.
    pub(crate) key: &'a str,
    /// Both keys of the pair, number half first.
    pub(crate) pair: [&'static str; 2],
}

impl<'de, T: Twin> DeserializeSeed<'de> for TwinSeed<'_, T> {
    type Value = T;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<T, D::Error> {
        let value = T::decode(d)?;
        match self.seen {
            Some(seen) if *seen != value => Err(de::Error::custom(format_args!(
                "`{}` is {}, but {} was read earlier for `{}`/`{}`: the two forms of one \
                 value disagree, so the body is corrupt",
                self.key,
                value.describe(),
                seen.describe(),
                self.pair[0],
                self.pair[1],
            ))),
            _ => Ok(value),
        }
    }
}

/// Writes the number half of a twin.
pub(crate) struct TwinNumber<'a, T>(pub(crate) &'a T);

impl<T: Twin> Serialize for TwinNumber<'_, T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.encode_number(s)
    }
}

/// Writes the string half of a twin.
pub(crate) struct TwinString<'a, T>(pub(crate) &'a T);

impl<T: Twin> Serialize for TwinString<'_, T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.encode_string(s)
    }
}

/// What a required field holds while the reader fills its object in place: never seen
/// outside, because the reader gives up when a required field is missing.
///
/// Filling one value in place, rather than collecting every field in an `Option` and moving
/// them into the object at the end, spares the reader a drop of every collected field at each
/// place it may give up. That drop code was half of a v1.1 user's reader (16 KB then, 1.4 KB
/// now), and reading a page of users missed the instruction cache a quarter less without it.
pub(crate) trait Blank {
    /// The placeholder.
    fn blank() -> Self;
}

macro_rules! blank_is_default {
    ($($ty:ty),*) => {$(
        impl Blank for $ty {
            fn blank() -> Self {
                Self::default()
            }
        }
    )*};
}

blank_is_default!(
    bool,
    u16,
    u32,
    u64,
    [u32; 2],
    CompactString,
    UserId,
    TweetId
);

impl<T> Blank for Vec<T> {
    fn blank() -> Self {
        Vec::new()
    }
}

impl Blank for OffsetDateTime {
    fn blank() -> Self {
        OffsetDateTime::UNIX_EPOCH
    }
}

impl Blank for Cursor {
    fn blank() -> Self {
        Cursor::new(0)
    }
}

/// A v1.1 object that the reader fills where it will stay, field by field, implemented by
/// [`wire_object!`] for every object.
///
/// Read into place, a user (664 bytes) or a tweet (688) is not built on the stack and then
/// copied into its page's vector or its box.
pub(crate) trait Fill: Sized {
    /// The object with its required fields [`Blank`] and the others at their defaults.
    fn blank() -> Self;
    /// Reads an object into `self`, a [`Fill::blank`]; `None` when serde must decide (what
    /// `self` then holds is of no use).
    fn fill(&mut self, r: &mut Reader<'_>) -> Option<()>;
}

/// Puts the first value read for a field into its slot, which still holds what
/// [`Fill::blank`] put there.
///
/// A plain assignment would drop that placeholder, and every field's reading code would carry
/// the drop code of its type, though a [`Blank`] or a `Default` of the model's types (empty
/// strings, `None`, empty vectors) owns no memory and its drop does nothing. Skipping the drop
/// took a v1.1 user's reader from 9.9 KB of code to 7.6 KB and a tweet's from 7.9 KB to 6.2 KB
/// (when each was one `match`), code a single request runs cold. Were `slot` ever not a
/// placeholder, its memory would leak; it would not be unsound.
#[inline]
pub(crate) fn place<T>(slot: &mut T, value: T) {
    std::mem::forget(std::mem::replace(slot, value));
}

/// Reads one field's value through its codec into its slot, marking the field in `seen`
/// (`None` for a field already seen: serde rejects a repeated key).
///
/// Every field's setter calls this with its own slot and bit, so the reading code exists once
/// for each type and codec rather than once for each field; the setters are then a few
/// instructions each. A request that decodes one user runs that code cold: this cut it from
/// 523 lines of 64 bytes to 410, and a page of users got faster too.
#[inline(never)]
pub(crate) fn read_into<T, C: Codec<T>>(
    slot: &mut T,
    r: &mut Reader<'_>,
    seen: &mut crate::reader::Seen,
    bit: u32,
) -> Option<()> {
    seen.first(bit)?;
    let value = C::read(r)?;
    place(slot, value);
    Some(())
}

/// Reads one half of a twin (`id` or `id_str`) into its slot; the other half, or a repeated
/// key, must agree with what the slot holds (serde says so with an error), else `None`.
/// Out of line for the reason [`read_into`] is.
#[inline(never)]
pub(crate) fn read_twin_into<T: Twin>(
    slot: &mut T,
    r: &mut Reader<'_>,
    seen: &mut crate::reader::Seen,
    bit: u32,
) -> Option<()> {
    let value = T::read(r)?;
    if seen.first(bit).is_some() {
        place(slot, value);
    } else if *slot != value {
        return None;
    }
    Some(())
}

/// A boxed object (a user's `status`, a tweet's `user` or `retweeted_status`), read into its
/// box.
impl<T: Fill> FromReader for Box<T> {
    fn from_reader(r: &mut Reader<'_>) -> Option<Self> {
        let mut boxed = Box::new(T::blank());
        boxed.fill(r)?;
        Some(boxed)
    }
}

/// Defines a v1.1 object: the struct, its `Deserialize` and its `Serialize`.
///
/// ```text
/// wire_object! {
///     /// docs
///     #[derive(Debug, Clone, PartialEq)]
///     pub struct Name expecting "what the error says was expected" {
///         /// docs
///         pub field: Type = presence [via Codec] ["key"] | ["key", "key_str"],
///     }
/// }
/// ```
macro_rules! wire_object {
    (@codec) => { $crate::object::Plain };
    (@codec $codec:ty) => { $codec };

    (@de twin $map:ident $slot:ident $key:ident [$k0:literal, $k1:literal] $ty:ty, $codec:ty) => {
        $crate::object::wire_object!(@de_twin $map $slot $key [$k0, $k1] $ty)
    };
    (@de twin_null $map:ident $slot:ident $key:ident [$k0:literal, $k1:literal] $ty:ty, $codec:ty) => {
        $crate::object::wire_object!(@de_twin $map $slot $key [$k0, $k1] $ty)
    };
    (@de twin_omit $map:ident $slot:ident $key:ident [$k0:literal, $k1:literal] $ty:ty, $codec:ty) => {
        $crate::object::wire_object!(@de_twin $map $slot $key [$k0, $k1] $ty)
    };
    (@de_twin $map:ident $slot:ident $key:ident [$k0:literal, $k1:literal] $ty:ty) => {{
        let value = $map.next_value_seed($crate::object::TwinSeed::<$ty> {
            seen: $slot.as_ref(),
            key: $key.as_str(),
            pair: [$k0, $k1],
        })?;
        $slot = Some(value);
    }};
    (@de $presence:ident $map:ident $slot:ident $key:ident [$k0:literal $(, $alias:literal)*] $ty:ty, $codec:ty) => {{
        if $slot.is_some() {
            return Err(::serde::de::Error::duplicate_field($k0));
        }
        $slot = Some($map.next_value_seed($crate::object::Decode::<$codec, $ty>::new())?);
    }};

    (@finish req $slot:ident [$k0:literal]) => {
        match $slot {
            Some(value) => value,
            None => return Err(::serde::de::Error::missing_field($k0)),
        }
    };
    (@finish twin $slot:ident [$k0:literal, $k1:literal]) => {
        match $slot {
            Some(value) => value,
            None => return Err(::serde::de::Error::missing_field($k0)),
        }
    };
    (@finish $presence:ident $slot:ident [$($k:literal),+]) => {
        $slot.unwrap_or_default()
    };

    (@read twin $r:ident $seen:ident $slot:expr, $bit:expr, $ty:ty, $codec:ty) => {
        $crate::object::wire_object!(@read_twin $r $seen $slot, $bit, $ty)
    };
    (@read twin_null $r:ident $seen:ident $slot:expr, $bit:expr, $ty:ty, $codec:ty) => {
        $crate::object::wire_object!(@read_twin $r $seen $slot, $bit, $ty)
    };
    (@read twin_omit $r:ident $seen:ident $slot:expr, $bit:expr, $ty:ty, $codec:ty) => {
        $crate::object::wire_object!(@read_twin $r $seen $slot, $bit, $ty)
    };
    (@read_twin $r:ident $seen:ident $slot:expr, $bit:expr, $ty:ty) => {{
        $crate::object::read_twin_into::<$ty>(&mut $slot, $r, $seen, $bit)?;
    }};
    (@read $presence:ident $r:ident $seen:ident $slot:expr, $bit:expr, $ty:ty, $codec:ty) => {{
        $crate::object::read_into::<$ty, $codec>(&mut $slot, $r, $seen, $bit)?;
    }};

    // The field a key names: the key itself, or, for a v2 object, its classic name (a 2.167
    // name such as `pinned_post_id` is read as `pinned_tweet_id`, from the one table of
    // `v2::vocabulary`). The key is matched as it is first: the table is searched only for a
    // key that names no field (a 2.167 name, or a field the object does not model), so the
    // keys of either vocabulary cost what a derive's do.
    (@field_of $field_of:ident $key:ident) => { $field_of($key.as_str()) };
    (@field_of $field_of:ident $key:ident both) => {
        $field_of($key.as_str())
            .or_else(|| $field_of($crate::object::classic_field($key.as_str())))
    };
    (@renamed) => { None };
    (@renamed both) => { Some($crate::object::classic_field as fn(&str) -> &str) };

    // `$value` once for each key: the setters' table runs beside the keys'.
    (@per_key $key:literal, $value:expr) => { $value };

    (@blank req $ty:ty) => { <$ty as $crate::object::Blank>::blank() };
    (@blank twin $ty:ty) => { <$ty as $crate::object::Blank>::blank() };
    (@blank $presence:ident $ty:ty) => { <$ty as ::std::default::Default>::default() };

    (@required req $bit:expr) => { 1 << $bit };
    (@required twin $bit:expr) => { 1 << $bit };
    (@required $presence:ident $bit:expr) => { 0 };

    (@len omit $value:expr) => { usize::from($value.is_some()) };
    (@len vec $value:expr) => { usize::from(!$value.is_empty()) };
    (@len twin $value:expr) => { 2 };
    (@len twin_null $value:expr) => { 2 };
    (@len twin_omit $value:expr) => { 2 * usize::from($value.is_some()) };
    (@len $presence:ident $value:expr) => { 1 };

    (@ser vec $st:ident [$k0:literal $(, $alias:literal)*] $ty:ty, $codec:ty, $value:expr) => {
        if $value.is_empty() {
            $st.skip_field($k0)?;
        } else {
            $st.serialize_field($k0, &$crate::object::Encode::<$codec, $ty>::new(&$value))?;
        }
    };
    (@ser omit $st:ident [$k0:literal $(, $alias:literal)*] $ty:ty, $codec:ty, $value:expr) => {
        if $value.is_some() {
            $st.serialize_field($k0, &$crate::object::Encode::<$codec, $ty>::new(&$value))?;
        } else {
            $st.skip_field($k0)?;
        }
    };
    (@ser twin $st:ident [$k0:literal, $k1:literal] $ty:ty, $codec:ty, $value:expr) => {
        $st.serialize_field($k0, &$crate::object::TwinNumber(&$value))?;
        $st.serialize_field($k1, &$crate::object::TwinString(&$value))?;
    };
    (@ser twin_null $st:ident [$k0:literal, $k1:literal] $ty:ty, $codec:ty, $value:expr) => {
        $st.serialize_field($k0, &$crate::object::TwinNumber(&$value))?;
        $st.serialize_field($k1, &$crate::object::TwinString(&$value))?;
    };
    (@ser twin_omit $st:ident [$k0:literal, $k1:literal] $ty:ty, $codec:ty, $value:expr) => {
        if $value.is_some() {
            $st.serialize_field($k0, &$crate::object::TwinNumber(&$value))?;
            $st.serialize_field($k1, &$crate::object::TwinString(&$value))?;
        } else {
            $st.skip_field($k0)?;
            $st.skip_field($k1)?;
        }
    };
    (@ser $presence:ident $st:ident [$k0:literal $(, $alias:literal)*] $ty:ty, $codec:ty, $value:expr) => {
        $st.serialize_field($k0, &$crate::object::Encode::<$codec, $ty>::new(&$value))?;
    };

    (@selector $name:ident [] [$($fields:tt)*]) => {};
    (@selector $name:ident [$selector:ident] [$( [$variant:ident] [$k0:literal $(, $alias:literal)*] ),*]) => {
        #[doc = concat!(
            "A field of [`", stringify!($name), "`] that a request may ask for, generated from ",
            "the object's declaration (its wire name in the classic vocabulary; 2.167 names are ",
            "read too, see [`Vocabulary`](crate::v2::vocabulary::Vocabulary)). A name this ",
            "version does not know is kept verbatim in `Other`."
        )]
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $selector {
            $(
                #[doc = concat!("`", $k0, "`")]
                $variant,
            )*
            /// A value this version does not name, sent and read verbatim.
            Other(String),
        }

        impl $selector {
            /// Every named value, in the order of their wire names (as X lists them).
            pub const ALL: &'static [$selector] = {
                #[allow(non_camel_case_types, clippy::enum_variant_names)]
                enum Position { $($variant),* }
                const NAMES: &[&str] = &[$($k0),*];
                const ORDER: [usize; NAMES.len()] = $crate::object::sorted_order(NAMES);
                &[$( $selector::nth(ORDER[Position::$variant as usize]) ),*]
            };

            /// The value declared at `position`.
            const fn nth(position: usize) -> Self {
                #[allow(non_camel_case_types, clippy::enum_variant_names)]
                enum Position { $($variant),* }
                $(
                    if position == Position::$variant as usize {
                        return Self::$variant;
                    }
                )*
                panic!("no field at this position")
            }

            /// The classic (2.159) wire name.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $k0,)*
                    Self::Other(s) => s,
                }
            }

            /// The wire name in `vocabulary` (a value kept verbatim is written as it is).
            pub fn name_in(&self, vocabulary: $crate::v2::vocabulary::Vocabulary) -> &str {
                match self {
                    Self::Other(s) => s,
                    named => vocabulary.name($crate::v2::vocabulary::Place::Field, named.as_str()),
                }
            }

            /// Reads a wire name of either vocabulary; unknown names become `Other`.
            pub fn parse(s: &str) -> Self {
                match $crate::v2::vocabulary::Vocabulary::classic(
                    $crate::v2::vocabulary::Place::Field,
                    s,
                ) {
                    $($k0 => Self::$variant,)*
                    _ => Self::Other(s.to_owned()),
                }
            }

            /// The vocabulary `s` is written in, when it is a name that differs between them.
            pub fn vocabulary_of(s: &str) -> Option<$crate::v2::vocabulary::Vocabulary> {
                $crate::v2::vocabulary::Vocabulary::of($crate::v2::vocabulary::Place::Field, s)
                    .map(|(vocabulary, _)| vocabulary)
            }
        }

        impl ::std::fmt::Display for $selector {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };

    (
        $(#[$meta:meta])*
        pub struct $name:ident expecting $expecting:literal $(in $both:ident vocabularies)?
            $(selected by $selector:ident $(also [$($also:ident = $also_key:literal),* $(,)?])?)? {
            $(
                $(#[$fmeta:meta])*
                pub $field:ident : $ty:ty = $presence:ident $(via $codec:ty)? [$($key:literal),+]
                    $(select $variant:ident)?
            ),* $(,)?
        }
    ) => {
        $crate::object::wire_object!(
            @selector $name [$($selector)?]
                [$( [$($variant)?] [$($key),+] ),* $($($(, [$also] [$also_key])*)?)?]
        );

        $(#[$meta])*
        pub struct $name {
            $( $(#[$fmeta])* pub $field: $ty, )*
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                struct ObjectVisitor;
                const FIELDS: &[&str] = &[$($($key),+),*];
                impl<'de> ::serde::de::Visitor<'de> for ObjectVisitor {
                    type Value = $name;
                    fn expecting(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str($expecting)
                    }
                    #[allow(clippy::too_many_lines)]
                    fn visit_map<A: ::serde::de::MapAccess<'de>>(
                        self,
                        mut map: A,
                    ) -> Result<$name, A::Error> {
                        #[allow(non_camel_case_types, clippy::enum_variant_names)]
                        enum Field { $($field),* }
                        // The field a key names: one `match` on the key, compiled once.
                        fn field_of(key: &str) -> Option<Field> {
                            match key {
                                $( $($key)|+ => Some(Field::$field), )*
                                _ => None,
                            }
                        }
                        $( let mut $field: Option<$ty> = None; )*
                        while let Some(key) = map.next_key::<$crate::object::Key<'de>>()? {
                            match $crate::object::wire_object!(@field_of field_of key $($both)?) {
                                $(
                                    Some(Field::$field) => $crate::object::wire_object!(
                                        @de $presence map $field key [$($key),+] $ty,
                                        $crate::object::wire_object!(@codec $($codec)?)
                                    ),
                                )*
                                None => {
                                    map.next_value::<::serde::de::IgnoredAny>()?;
                                }
                            }
                        }
                        Ok($name {
                            $(
                                $field: $crate::object::wire_object!(
                                    @finish $presence $field [$($key),+]
                                ),
                            )*
                        })
                    }
                }
                d.deserialize_struct(stringify!($name), FIELDS, ObjectVisitor)
            }
        }

        impl $crate::reader::FromReader for $name {
            fn from_reader(json: &mut $crate::reader::Reader<'_>) -> Option<Self> {
                let mut value = <Self as $crate::object::Fill>::blank();
                $crate::object::Fill::fill(&mut value, json)?;
                Some(value)
            }
        }

        impl $crate::object::Fill for $name {
            fn blank() -> Self {
                $name {
                    $( $field: $crate::object::wire_object!(@blank $presence $ty), )*
                }
            }

            fn fill(&mut self, json: &mut $crate::reader::Reader<'_>) -> Option<()> {
                #[allow(non_camel_case_types, clippy::enum_variant_names)]
                #[derive(Clone, Copy)]
                enum Field { $($field),* }
                const REQUIRED: u64 = 0 $(
                    | $crate::object::wire_object!(@required $presence Field::$field as u32)
                )*;
                const _: () = assert!([$(Field::$field),*].len() <= 64, "`Seen` holds 64 fields");
                // One setter per field, named after it.
                $(
                    fn $field(
                        this: &mut $name,
                        json: &mut $crate::reader::Reader<'_>,
                        seen: &mut $crate::reader::Seen,
                    ) -> Option<()> {
                        $crate::object::wire_object!(
                            @read $presence json seen this.$field, Field::$field as u32, $ty,
                            $crate::object::wire_object!(@codec $($codec)?)
                        );
                        Some(())
                    }
                )*
                // Every key, in the order of the fields (X's order), and beside it the setter of
                // its field (a twin's two keys share one).
                const KEYS: &[&str] = &[$($($key),+),*];
                const SETTERS: &[$crate::reader::Setter<$name>] = &[$($(
                    $crate::object::wire_object!(
                        @per_key $key, $field as $crate::reader::Setter<$name>
                    )
                ),+),*];
                let mut seen = $crate::reader::Seen::default();
                json.object_in_order(
                    self,
                    &mut seen,
                    KEYS,
                    SETTERS,
                    $crate::object::wire_object!(@renamed $($both)?),
                )?;
                seen.all(REQUIRED).then_some(())
            }
        }

        impl ::serde::Serialize for $name {
            #[allow(clippy::too_many_lines)]
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                use ::serde::ser::SerializeStruct as _;
                let len = 0 $( + $crate::object::wire_object!(@len $presence self.$field) )*;
                let mut st = s.serialize_struct(stringify!($name), len)?;
                $(
                    $crate::object::wire_object!(
                        @ser $presence st [$($key),+] $ty,
                        $crate::object::wire_object!(@codec $($codec)?),
                        self.$field
                    );
                )*
                st.end()
            }
        }
    };
}

pub(crate) use wire_object;

/// The classic (2.159) name of a v2 field name of either vocabulary.
pub(crate) fn classic_field(name: &str) -> &str {
    crate::v2::vocabulary::Vocabulary::classic(crate::v2::vocabulary::Place::Field, name)
}

/// The positions of `names` in byte order: `sorted_order(&["b", "a"]) == [1, 0]`. A
/// selector's `ALL` lists its values so, whatever order the object declares its fields in (X's
/// order on the wire).
pub(crate) const fn sorted_order<const N: usize>(names: &[&str]) -> [usize; N] {
    const fn less(a: &str, b: &str) -> bool {
        let (a, b) = (a.as_bytes(), b.as_bytes());
        let mut i = 0;
        while i < a.len() && i < b.len() {
            if a[i] != b[i] {
                return a[i] < b[i];
            }
            i += 1;
        }
        a.len() < b.len()
    }
    let mut order = [0; N];
    let mut i = 0;
    while i < N {
        order[i] = i;
        i += 1;
    }
    // Insertion sort: a few dozen names, once, at compile time.
    let mut i = 1;
    while i < N {
        let mut j = i;
        while j > 0 && less(names[order[j]], names[order[j - 1]]) {
            let t = order[j];
            order[j] = order[j - 1];
            order[j - 1] = t;
            j -= 1;
        }
        i += 1;
    }
    order
}
