//! What this version of the format does not know, kept as it was written.
//!
//! Feishu adds components and properties over time. A card that uses them is read all the same:
//! a property a struct does not know goes into the struct's [`Unknown`], a component whose `tag`
//! the model does not know becomes an [`Element::Unknown`](super::Element::Unknown) holding an
//! [`UnknownElement`]. A value Feishu tolerates on a known property but that its field's type
//! cannot hold (an undocumented `text_align: "middle"`, on which Feishu falls back to the
//! default) goes into [`Unknown`] too, under its own key, and the field stays `None`. All are
//! written back as they were, after the known properties, so that reading and writing a card
//! loses nothing. The chained setters replace such a value (`md.text_align(TextAlign::Left)`
//! drops the kept `"middle"`); a field assigned directly does not, and both would be written:
//! remove the kept value too (`md.unknown.remove("text_align")`). Whether they are acceptable is the validator's
//! decision (strict: an error; lenient: a warning).

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};
use serde_json::{Map, Value};

/// The properties of an object that this version of the model does not know, in the order of a
/// `serde_json::Map` (by name; as read, if serde_json's `preserve_order` feature is on). Empty
/// (and allocation-free) for every object the model fully knows.
///
/// ```
/// use card_core::model::{Markdown, Unknown};
/// use serde_json::json;
///
/// let md = Markdown::new("hi").unknown_property("glow", json!(true));
/// assert_eq!(md.unknown.get("glow"), Some(&json!(true)));
/// assert_eq!(md.unknown.len(), 1);
/// assert_eq!(
///     serde_json::to_value(&md).unwrap(),
///     json!({"content": "hi", "glow": true})
/// );
/// assert!(Unknown::default().is_empty());
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Unknown(Option<Box<Map<String, Value>>>);

impl Unknown {
    /// An empty set of properties.
    pub const fn new() -> Self {
        Unknown(None)
    }

    /// Adds or replaces a property; returns the value it replaces.
    ///
    /// ```
    /// use card_core::model::Unknown;
    /// use serde_json::json;
    ///
    /// let mut unknown = Unknown::new();
    /// assert_eq!(unknown.insert("a", json!(1)), None);
    /// assert_eq!(unknown.insert("a", json!(2)), Some(json!(1)));
    /// ```
    pub fn insert(&mut self, key: impl Into<String>, value: Value) -> Option<Value> {
        self.0
            .get_or_insert_with(Default::default)
            .insert(key.into(), value)
    }

    /// Removes a property and returns its value.
    pub fn remove(&mut self, key: &str) -> Option<Value> {
        let map = self.0.as_mut()?;
        let removed = map.remove(key);
        if map.is_empty() {
            self.0 = None;
        }
        removed
    }

    /// Drops a kept value of a property whose field is being set, so that it is not written
    /// twice; nothing to do (and nothing looked up) when there is none.
    #[inline]
    pub(crate) fn forget(&mut self, key: &str) {
        if self.0.is_some() {
            self.remove(key);
        }
    }

    /// The value of a property.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.0.as_ref()?.get(key)
    }

    /// The properties, in the map's order.
    ///
    /// ```
    /// use card_core::model::Unknown;
    /// use serde_json::json;
    ///
    /// let mut unknown = Unknown::new();
    /// unknown.insert("b", json!(1));
    /// unknown.insert("a", json!(2));
    /// let mut entries: Vec<(&str, i64)> =
    ///     unknown.iter().map(|(k, v)| (k, v.as_i64().unwrap())).collect();
    /// entries.sort();
    /// assert_eq!(entries, [("a", 2), ("b", 1)]);
    /// ```
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Value)> + '_ {
        self.0
            .as_deref()
            .into_iter()
            .flat_map(|map| map.iter())
            .map(|(k, v)| (k.as_str(), v))
    }

    /// The property names, in the map's order.
    pub fn keys(&self) -> impl Iterator<Item = &str> + '_ {
        self.0
            .as_deref()
            .into_iter()
            .flat_map(|map| map.keys().map(String::as_str))
    }

    /// Whether there is none.
    pub fn is_empty(&self) -> bool {
        self.0.as_ref().is_none_or(|map| map.is_empty())
    }

    /// How many there are.
    pub fn len(&self) -> usize {
        self.0.as_ref().map_or(0, |map| map.len())
    }

    /// The properties as a JSON map, if there are any.
    pub fn as_map(&self) -> Option<&Map<String, Value>> {
        self.0.as_deref()
    }

    /// The properties as a JSON map.
    pub fn into_map(self) -> Map<String, Value> {
        self.0.map(|map| *map).unwrap_or_default()
    }
}

impl From<Map<String, Value>> for Unknown {
    fn from(map: Map<String, Value>) -> Self {
        if map.is_empty() {
            Unknown(None)
        } else {
            Unknown(Some(Box::new(map)))
        }
    }
}

impl<K: Into<String>> FromIterator<(K, Value)> for Unknown {
    fn from_iter<I: IntoIterator<Item = (K, Value)>>(iter: I) -> Self {
        let mut unknown = Unknown::new();
        for (key, value) in iter {
            unknown.insert(key, value);
        }
        unknown
    }
}

/// Written as the members of the object that holds them.
impl Serialize for Unknown {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.len()))?;
        if let Some(members) = &self.0 {
            for (key, value) in members.iter() {
                map.serialize_entry(key, value)?;
            }
        }
        map.end()
    }
}

/// Whether a struct has no unknown properties (for `skip_serializing_if`).
pub(crate) fn is_empty(unknown: &Unknown) -> bool {
    unknown.is_empty()
}

/// A component this version of the model does not know: its `tag` and every other property,
/// kept as written.
///
/// ```
/// use card_core::model::{Element, UnknownElement};
/// use serde_json::json;
///
/// let e = Element::from_value(json!({"tag": "hologram", "depth": 3})).unwrap();
/// assert_eq!(e.tag(), "hologram");
/// let Element::Unknown(unknown) = &e else { panic!("expected an unknown element") };
/// assert_eq!(unknown.properties.get("depth"), Some(&json!(3)));
/// assert_eq!(serde_json::to_value(&e).unwrap(), json!({"tag": "hologram", "depth": 3}));
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
pub struct UnknownElement {
    /// The component's `tag`.
    pub tag: String,
    /// Every property but `tag` (in a `serde_json::Map`'s order).
    pub properties: Map<String, Value>,
}

impl UnknownElement {
    /// A component with this tag and no properties.
    pub fn new(tag: impl Into<String>) -> Self {
        UnknownElement {
            tag: tag.into(),
            properties: Map::new(),
        }
    }

    /// Adds a property.
    #[must_use]
    pub fn property(mut self, key: impl Into<String>, value: Value) -> Self {
        self.properties.insert(key.into(), value);
        self
    }

    /// The component read from an object with a string `tag` (any other object is refused).
    pub(crate) fn from_object(mut map: Map<String, Value>) -> Result<Self, serde_json::Error> {
        match map.remove("tag") {
            Some(Value::String(tag)) => Ok(UnknownElement {
                tag,
                properties: map,
            }),
            Some(other) => Err(de::Error::invalid_type(
                super::tagged::unexpected(&other),
                &"a string tag",
            )),
            None => Err(de::Error::missing_field("tag")),
        }
    }
}

/// Written as one object, `tag` first.
impl Serialize for UnknownElement {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.properties.len() + 1))?;
        map.serialize_entry("tag", &self.tag)?;
        for (key, value) in &self.properties {
            if key != "tag" {
                map.serialize_entry(key, value)?;
            }
        }
        map.end()
    }
}

impl super::json::WriteJson for UnknownElement {
    fn write_json(&self, out: &mut String) -> Result<(), super::json::Error> {
        out.push_str("{\"tag\":");
        super::json::write_str(out, &self.tag);
        for (key, value) in &self.properties {
            if key == "tag" {
                continue;
            }
            out.push(',');
            super::json::write_str(out, key);
            out.push(':');
            super::json::WriteJson::write_json(value, out)?;
        }
        out.push('}');
        Ok(())
    }
}

/// Appends `unknown`'s members to an object being written (`first`: whether none is written
/// yet).
pub(crate) fn write_members(
    unknown: &Unknown,
    out: &mut String,
    first: &mut bool,
) -> Result<(), super::json::Error> {
    if let Some(map) = &unknown.0 {
        for (key, value) in map.iter() {
            if *first {
                *first = false;
            } else {
                out.push(',');
            }
            super::json::write_str(out, key);
            out.push(':');
            super::json::WriteJson::write_json(value, out)?;
        }
    }
    Ok(())
}

/// Whether a field's type holds a JSON value.
pub(crate) type Holds = fn(&Value) -> bool;

/// Whether `T` holds `value`.
pub(crate) fn holds<T: de::DeserializeOwned>(value: &Value) -> bool {
    T::deserialize(value).is_ok()
}

/// For a required field: its value is never set aside (the struct could not do without it).
pub(crate) fn holds_anything(_: &Value) -> bool {
    true
}

/// A lenient property of a struct, by its position in the struct's `FIELDS`: Feishu tolerates
/// a value outside its documented set (the validator warns), so such a value that the field's
/// type cannot hold (`text_align: "middle"`, `rows: -1`) is kept in `unknown` under its own key
/// and written back as it came, instead of failing the whole card. A value the validator
/// refuses (a wrong JSON type) still fails it. `None` for every other field.
pub(crate) type Lenient = Option<(&'static crate::registry::Attr, Holds)>;

/// The [`Lenient`] entry of each of `fields`, from the described properties and their checks.
pub(crate) const fn lenient<const N: usize>(
    fields: &'static [&'static str],
    attrs: &'static [crate::registry::Attr],
    holds: &'static [Holds],
) -> [Lenient; N] {
    let mut out: [Lenient; N] = [None; N];
    let mut i = 0;
    while i < attrs.len() && i < holds.len() {
        if attrs[i].lenient {
            let mut j = 0;
            while j < fields.len() && j < N {
                if crate::registry::same_str(fields[j], attrs[i].name) {
                    out[j] = Some((&attrs[i], holds[i]));
                }
                j += 1;
            }
        }
        i += 1;
    }
    out
}

/// Whether Feishu tolerates `value` of `attr`: a scalar, or a list of scalars, that the
/// registry only warns about.
fn tolerates(attr: &crate::registry::Attr, value: &Value) -> bool {
    use crate::registry::{check_scalar, rule, Kind, Scalar};
    match (value, &attr.kind) {
        (Value::Array(items), Kind::List(item)) => items.iter().all(|v| {
            Scalar::from_value(v).is_some_and(|scalar| {
                check_scalar(item, scalar).map_or_else(|p| rule::is_value_rule(p.rule), |()| true)
            })
        }),
        _ => Scalar::from_value(value).is_some_and(|scalar| {
            attr.check("", scalar)
                .map_or_else(|v| !v.is_error(), |()| true)
        }),
    }
}

/// The key shown to the derived visitor for a property it must skip: no struct has it.
const SKIPPED: &str = "\0";

/// A deserializer that hands a struct's derived visitor every property it knows (`known`) and
/// keeps every other one in `unknown`, instead of letting the visitor skip it; so is the value
/// of a lenient property that the field's type cannot hold.
pub(crate) struct Capture<'u, D> {
    inner: D,
    known: &'static [&'static str],
    lenient: &'static [Lenient],
    unknown: &'u mut Unknown,
}

impl<'u, D> Capture<'u, D> {
    pub(crate) fn new(
        inner: D,
        known: &'static [&'static str],
        lenient: &'static [Lenient],
        unknown: &'u mut Unknown,
    ) -> Self {
        Capture {
            inner,
            known,
            lenient,
            unknown,
        }
    }

    fn visitor<V>(self, inner: V) -> (D, CaptureVisitor<'u, V>) {
        (
            self.inner,
            CaptureVisitor {
                inner,
                known: self.known,
                lenient: self.lenient,
                unknown: self.unknown,
            },
        )
    }
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for Capture<'_, D> {
    type Error = D::Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        let (inner, visitor) = self.visitor(visitor);
        inner.deserialize_any(visitor)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        let (inner, visitor) = self.visitor(visitor);
        inner.deserialize_struct(name, fields, visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
        let (inner, visitor) = self.visitor(visitor);
        inner.deserialize_map(visitor)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct enum identifier ignored_any
    }
}

struct CaptureVisitor<'u, V> {
    inner: V,
    known: &'static [&'static str],
    lenient: &'static [Lenient],
    unknown: &'u mut Unknown,
}

impl<'de, V: Visitor<'de>> Visitor<'de> for CaptureVisitor<'_, V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.inner.expecting(f)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<V::Value, A::Error> {
        self.inner.visit_map(CaptureMap {
            inner: map,
            known: self.known,
            lenient: self.lenient,
            unknown: self.unknown,
            next: Next::Read,
        })
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<V::Value, A::Error> {
        self.inner.visit_seq(seq)
    }
}

struct CaptureMap<'u, A> {
    inner: A,
    known: &'static [&'static str],
    lenient: &'static [Lenient],
    unknown: &'u mut Unknown,
    /// Where the value of the key just given comes from.
    next: Next,
}

/// The value of the key just given to the visitor.
enum Next {
    /// Read it from the input.
    Read,
    /// An unknown key's: read it into `unknown`, give the visitor nothing.
    Unknown(String),
    /// Already set aside into `unknown`: give the visitor nothing.
    Skip,
    /// Already read, and held by the field's type.
    Buffered(Value),
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for CaptureMap<'_, A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        let Some(key) = self.inner.next_key::<KeyText<'de>>()? else {
            return Ok(None);
        };
        let text = key.as_str();
        let Some(at) = self.known.iter().position(|k| *k == text) else {
            let key = key.into_string();
            // The visitor sees the key as one it ignores.
            let shown = seed
                .deserialize(de::value::StrDeserializer::<A::Error>::new(&key))
                .map(Some);
            self.next = Next::Unknown(key);
            return shown;
        };
        if let Some((attr, holds)) = self.lenient.get(at).copied().flatten() {
            let value: Value = self.inner.next_value()?;
            if holds(&value) || !tolerates(attr, &value) {
                // Read by the field; a value it does not hold fails the card as before.
                self.next = Next::Buffered(value);
            } else {
                self.unknown.insert(key.into_string(), value);
                self.next = Next::Skip;
                return seed
                    .deserialize(de::value::StrDeserializer::<A::Error>::new(SKIPPED))
                    .map(Some);
            }
        }
        match key {
            KeyText::Borrowed(text) => seed
                .deserialize(de::value::BorrowedStrDeserializer::<A::Error>::new(text))
                .map(Some),
            KeyText::Owned(text) => seed
                .deserialize(de::value::StrDeserializer::<A::Error>::new(&text))
                .map(Some),
        }
    }

    fn next_value_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<T::Value, A::Error> {
        match std::mem::replace(&mut self.next, Next::Read) {
            Next::Read => self.inner.next_value_seed(seed),
            Next::Unknown(key) => {
                let value: Value = self.inner.next_value()?;
                self.unknown.insert(key, value);
                seed.deserialize(de::value::UnitDeserializer::<A::Error>::new())
            }
            Next::Skip => seed.deserialize(de::value::UnitDeserializer::<A::Error>::new()),
            Next::Buffered(value) => seed.deserialize(value).map_err(de::Error::custom),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        self.inner.size_hint()
    }
}
/// A map key, borrowed from the input where it can be.
enum KeyText<'de> {
    Borrowed(&'de str),
    Owned(String),
}

impl KeyText<'_> {
    fn as_str(&self) -> &str {
        match self {
            KeyText::Borrowed(text) => text,
            KeyText::Owned(text) => text,
        }
    }

    fn into_string(self) -> String {
        match self {
            KeyText::Borrowed(text) => text.to_owned(),
            KeyText::Owned(text) => text,
        }
    }
}

impl<'de> de::Deserialize<'de> for KeyText<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;

        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = KeyText<'de>;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a property name")
            }

            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(KeyText::Borrowed(v))
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(KeyText::Owned(v.to_owned()))
            }

            fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(KeyText::Owned(v))
            }
        }

        deserializer.deserialize_identifier(KeyVisitor)
    }
}
