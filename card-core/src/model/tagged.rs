//! Reading objects whose type is named by their `tag`.
//!
//! The `tag` may stand anywhere in the object, so the object is first read whole into a
//! [`Value`] and then handed to the type its tag names. Errors from that second step carry no
//! path of their own; [`super::parse`] finds the exact place again when it reports them.

use serde::de::{Error, Unexpected};
use serde::{Deserialize, Deserializer};
use serde_json::Value;

/// Reads an object and its `tag`.
pub(crate) fn buffered<'de, D: Deserializer<'de>>(
    deserializer: D,
    expecting: &'static str,
) -> Result<(String, Value), D::Error> {
    let value = Value::deserialize(deserializer)?;
    let tag = match &value {
        Value::Object(map) => match map.get("tag") {
            Some(Value::String(tag)) => tag.clone(),
            Some(other) => {
                return Err(D::Error::invalid_type(unexpected(other), &"a string tag"));
            }
            None => return Err(D::Error::missing_field("tag")),
        },
        other => return Err(D::Error::invalid_type(unexpected(other), &expecting)),
    };
    Ok((tag, value))
}

/// Reads an object and its `tag`, taking `default` when there is none.
pub(crate) fn buffered_or<'de, D: Deserializer<'de>>(
    deserializer: D,
    expecting: &'static str,
    default: &str,
) -> Result<(String, Value), D::Error> {
    let value = Value::deserialize(deserializer)?;
    let tag = match &value {
        Value::Object(map) => match map.get("tag") {
            Some(Value::String(tag)) => tag.clone(),
            Some(other) => {
                return Err(D::Error::invalid_type(unexpected(other), &"a string tag"));
            }
            None => default.to_owned(),
        },
        other => return Err(D::Error::invalid_type(unexpected(other), &expecting)),
    };
    Ok((tag, value))
}

/// The error for a tag that names nothing allowed here.
pub(crate) fn unknown_tag<E: Error>(tag: &str, what: &str, allowed: &[&str]) -> E {
    let mut message = format!("unknown {what} tag `{tag}`: expected ");
    push_list(&mut message, allowed);
    E::custom(message)
}

/// Appends `` `a`, `b` or `c` ``.
pub(crate) fn push_list(out: &mut String, names: &[&str]) {
    for (i, name) in names.iter().enumerate() {
        if i > 0 {
            out.push_str(if i + 1 == names.len() { " or " } else { ", " });
        }
        out.push('`');
        out.push_str(name);
        out.push('`');
    }
}

/// How a JSON value is named in type errors.
pub(crate) fn unexpected(value: &Value) -> Unexpected<'_> {
    match value {
        Value::Null => Unexpected::Unit,
        Value::Bool(b) => Unexpected::Bool(*b),
        Value::Number(n) => match (n.as_u64(), n.as_i64(), n.as_f64()) {
            (Some(u), _, _) => Unexpected::Unsigned(u),
            (None, Some(i), _) => Unexpected::Signed(i),
            (None, None, Some(f)) => Unexpected::Float(f),
            (None, None, None) => Unexpected::Other("number"),
        },
        Value::String(s) => Unexpected::Str(s),
        Value::Array(_) => Unexpected::Seq,
        Value::Object(_) => Unexpected::Map,
    }
}

/// Removes the `tag` key, so that a component struct (which has no `tag` field) reads the rest
/// without keeping its `tag` as a property it does not know.
pub(crate) fn without_tag(mut value: Value) -> Value {
    if let Value::Object(map) = &mut value {
        map.remove("tag");
    }
    value
}
