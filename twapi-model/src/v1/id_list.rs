//! Lists of user ids, as JSON numbers or — with `stringify_ids=true` — as strings.
//!
//! A list remembers the form it came in ([`IdForm`]) so that encoding writes it back the same
//! way. An empty list `[]` shows no form; it decodes as [`IdForm::Number`], what X sends
//! without `stringify_ids`. A list that mixes the two forms is rejected, with the path of the
//! first element in the other form.

use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, SeqAccess, Visitor};
use serde::ser::SerializeSeq;
use serde::{Deserialize, Serialize, Serializer};

use crate::UserId;

/// How the ids of a list travel.
///
/// An empty list `[]` shows no form; it decodes as [`IdForm::Number`], what X sends without
/// `stringify_ids`. So a `String`-form value with no ids comes back as `Number` after a
/// round trip — the one value the wire cannot carry. A list that mixes the forms is rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum IdForm {
    /// JSON numbers, the default: `[783214, 1072250532645998596]`.
    #[default]
    Number,
    /// Strings of digits, with `stringify_ids=true`: `["783214"]`. Safe for readers that
    /// hold numbers as doubles (exact only up to 2^53).
    String,
}

/// The bare array of friendships/no_retweets/ids: the users whose retweets the caller has
/// turned off.
///
/// ```
/// use twapi_model::v1::{IdForm, NoRetweetIds};
/// let list: NoRetweetIds = twapi_model::decode(br#"["9007199254740993","12"]"#).unwrap();
/// assert_eq!(list.form, IdForm::String);
/// assert_eq!(list.ids[0].get(), 9_007_199_254_740_993);
/// assert_eq!(serde_json::to_string(&list).unwrap(), r#"["9007199254740993","12"]"#);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NoRetweetIds {
    /// The users.
    pub ids: Vec<UserId>,
    /// The form they came in, and are written back in.
    pub form: IdForm,
}

impl Serialize for NoRetweetIds {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        IdsOut {
            ids: &self.ids,
            form: self.form,
        }
        .serialize(s)
    }
}

impl<'de> Deserialize<'de> for NoRetweetIds {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        IdsSeed.deserialize(d).map(|(ids, form)| Self { ids, form })
    }
}

/// Reads a JSON array of ids, all in one form.
pub(crate) struct IdsSeed;

impl<'de> DeserializeSeed<'de> for IdsSeed {
    type Value = (Vec<UserId>, IdForm);
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for IdsSeed {
    type Value = (Vec<UserId>, IdForm);

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of ids")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        // A page holds at most 5000 ids; a hint beyond that is not trusted.
        let mut ids = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(5000));
        let mut form = None;
        while let Some(id) = seq.next_element_seed(IdElement { form: &mut form })? {
            ids.push(id);
        }
        Ok((ids, form.unwrap_or_default()))
    }
}

/// Reads one id and checks that it has the form of the ones before it.
struct IdElement<'a> {
    form: &'a mut Option<IdForm>,
}

impl IdElement<'_> {
    fn check<E: de::Error>(self, form: IdForm) -> Result<(), E> {
        match *self.form {
            Some(seen) if seen != form => Err(E::custom(format_args!(
                "an id in {form:?} form among ids in {seen:?} form: one list has one form"
            ))),
            _ => {
                *self.form = Some(form);
                Ok(())
            }
        }
    }
}

impl<'de> DeserializeSeed<'de> for IdElement<'_> {
    type Value = UserId;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<UserId, D::Error> {
        d.deserialize_any(self)
    }
}

impl Visitor<'_> for IdElement<'_> {
    type Value = UserId;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an id: a non-negative integer or a string of decimal digits")
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<UserId, E> {
        self.check(IdForm::Number)?;
        Ok(UserId::new(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<UserId, E> {
        let v = u64::try_from(v).map_err(|_| E::invalid_value(de::Unexpected::Signed(v), &self))?;
        self.visit_u64(v)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<UserId, E> {
        let id = v
            .parse()
            .map_err(|e| E::custom(format_args!("invalid id {v:?}: {e}")))?;
        self.check(IdForm::String)?;
        Ok(id)
    }
}

/// Writes a list of ids in the given form.
pub(crate) struct IdsOut<'a> {
    pub(crate) ids: &'a [UserId],
    pub(crate) form: IdForm,
}

impl Serialize for IdsOut<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.ids.len()))?;
        for id in self.ids {
            match self.form {
                IdForm::Number => seq.serialize_element(&id.get())?,
                IdForm::String => seq.serialize_element(id)?,
            }
        }
        seq.end()
    }
}
