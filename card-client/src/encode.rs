//! Request bodies on the wire.
//!
//! Feishu wants cards, elements, settings and batch actions as *strings containing JSON* inside
//! the JSON body (`content`, `data`, `element`, `elements`, `partial_element`, `settings`,
//! `actions`). Encoding twice gives 200621 / 230099, not at all gives 230001; so every such
//! field is encoded here, by [`json_string`], and nowhere else.

use serde::Serialize;
use serde_json::Value;

use crate::card::CardContent;
use crate::Error;

/// A value as a string of JSON: the inner encoding of the double-encoded fields.
pub(crate) fn json_string<T: Serialize + ?Sized>(field: &str, value: &T) -> Result<String, Error> {
    serde_json::to_string(value)
        .map_err(|e| Error::InvalidArgument(format!("`{field}` cannot be turned into JSON: {e}")))
}

/// The outer JSON body.
pub(crate) fn body<T: Serialize + ?Sized>(value: &T) -> Result<Vec<u8>, Error> {
    serde_json::to_vec(value)
        .map_err(|e| Error::InvalidArgument(format!("the request cannot be turned into JSON: {e}")))
}

/// A CardKit body without its `sequence`, which each attempt adds with [`Sequenced::with`].
#[derive(Debug, Clone)]
pub(crate) struct Sequenced {
    /// The serialized object up to (not including) its closing brace.
    open: Vec<u8>,
}

impl Sequenced {
    pub(crate) fn new<T: Serialize + ?Sized>(value: &T) -> Result<Self, Error> {
        let mut open = body(value)?;
        match open.pop() {
            Some(b'}') => Ok(Sequenced { open }),
            _ => Err(Error::InvalidArgument(
                "a CardKit request body must be a JSON object".into(),
            )),
        }
    }

    /// The full body with `"sequence": seq` as its last member.
    pub(crate) fn with(&self, seq: u32) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.open.len() + 24);
        out.extend_from_slice(&self.open);
        if self.open.len() > 1 {
            out.push(b',');
        }
        out.extend_from_slice(b"\"sequence\":");
        out.extend_from_slice(seq.to_string().as_bytes());
        out.push(b'}');
        out
    }
}

/// IM `content` for `msg_type: interactive` (send, reply, patch).
pub(crate) fn im_content(card: &CardContent) -> Result<String, Error> {
    json_string("content", card)
}

/// The `card` object of a delayed update: an object, not a string.
pub(crate) fn delayed_card(card: &CardContent) -> Result<Value, Error> {
    match card {
        CardContent::Entity { .. } => Err(Error::InvalidArgument(
            "a delayed update takes card JSON or a template, not a card entity; \
             update the entity with cards().update instead"
                .into(),
        )),
        other => serde_json::to_value(other).map_err(|e| {
            Error::InvalidArgument(format!("the card cannot be turned into JSON: {e}"))
        }),
    }
}

/// CardKit create: `type` and the string `data`.
pub(crate) fn cardkit_create(card: &CardContent) -> Result<(&'static str, String), Error> {
    match card {
        CardContent::Json(card) => Ok(("card_json", json_string("data", card)?)),
        CardContent::Template(template) => Ok(("template", json_string("data", template)?)),
        CardContent::Entity { .. } => Err(Error::InvalidArgument(
            "cards().create takes card JSON or a template, not an existing entity".into(),
        )),
    }
}

/// CardKit full update: `{"type":"card_json","data":"..."}`.
pub(crate) fn cardkit_card(card: &CardContent) -> Result<Value, Error> {
    match card {
        CardContent::Json(card) => Ok(serde_json::json!({
            "type": "card_json",
            "data": json_string("data", card)?,
        })),
        _ => Err(Error::InvalidArgument(
            "cards().update takes card JSON (a typed card or a serde_json::Value); \
             templates and entity references cannot replace an entity"
                .into(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::card::Template;
    use serde_json::json;

    #[test]
    fn content_is_encoded_exactly_once() {
        let card = CardContent::from(json!({"schema": "2.0", "body": {"elements": []}}));
        let content = im_content(&card).expect("encodes");
        assert_eq!(content, r#"{"body":{"elements":[]},"schema":"2.0"}"#);
        let outer = body(&json!({ "content": content })).expect("encodes");
        let back: Value = serde_json::from_slice(&outer).expect("json");
        let inner: Value =
            serde_json::from_str(back["content"].as_str().expect("a string")).expect("json");
        assert_eq!(inner["schema"], "2.0");
    }

    #[test]
    fn templates_and_entities_take_their_wrappers() {
        let t = CardContent::from(Template::new("AAq").variables(json!({"n": [1, 2]})));
        assert_eq!(
            im_content(&t).expect("encodes"),
            r#"{"type":"template","data":{"template_id":"AAq","template_variable":{"n":[1,2]}}}"#
        );
        let (kind, data) = cardkit_create(&t).expect("encodes");
        assert_eq!(kind, "template");
        assert_eq!(
            data,
            r#"{"template_id":"AAq","template_variable":{"n":[1,2]}}"#
        );
        assert!(cardkit_create(&CardContent::entity("1")).is_err());
        assert!(delayed_card(&CardContent::entity("1")).is_err());
        assert!(cardkit_card(&t).is_err());
    }

    #[test]
    fn sequence_is_appended_per_attempt() {
        let s = Sequenced::new(&json!({"uuid": "u"})).expect("object");
        assert_eq!(s.with(7), br#"{"uuid":"u","sequence":7}"#.to_vec());
        let empty = Sequenced::new(&json!({})).expect("object");
        assert_eq!(empty.with(1), br#"{"sequence":1}"#.to_vec());
        assert!(Sequenced::new(&json!([1])).is_err());
    }
}
