//! Events other than card actions, as the long connection delivers them.

use serde::Deserialize;
use serde_json::Value;

/// The event type of a message sent to the bot.
pub const IM_MESSAGE_RECEIVE_V1: &str = "im.message.receive_v1";

/// An event from the long connection: the JSON Feishu would POST to an event URL, unencrypted.
///
/// Schema 2.0 events name their type in `header.event_type` and their id in
/// `header.event_id`; older (1.0) events in `event.type` and `uuid`. Both are read.
///
/// ```
/// use card_client::ws::Event;
///
/// let event = Event::from_slice(br#"{"schema": "2.0",
///     "header": {"event_id": "e-9", "event_type": "im.message.receive_v1"},
///     "event": {"sender": {"sender_id": {"open_id": "ou_1"}},
///               "message": {"message_id": "om_1", "chat_id": "oc_1", "chat_type": "p2p",
///                           "message_type": "text", "content": "{\"text\":\"hi\"}"}}}"#).unwrap();
/// assert_eq!(event.event_type(), "im.message.receive_v1");
/// assert_eq!(event.event_id(), Some("e-9"));
/// let message = event.message().unwrap().unwrap();
/// assert_eq!((message.sender.open_id.as_str(), message.text().as_deref()), ("ou_1", Some("hi")));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    event_type: String,
    event_id: Option<String>,
    raw: Value,
}

/// Why a payload is not an event.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EventError {
    /// The payload is not a JSON object.
    #[error("the payload is not a JSON object: {0}")]
    NotJson(String),
    /// Neither `header.event_type` nor `event.type` names the event.
    #[error("the payload names no event type (neither `header.event_type` nor `event.type`)")]
    NoEventType,
}

impl Event {
    /// Reads an event from a payload's bytes.
    ///
    /// # Errors
    ///
    /// [`EventError`] when the bytes are not a JSON object naming an event type.
    pub fn from_slice(payload: &[u8]) -> Result<Event, EventError> {
        match serde_json::from_slice::<Value>(payload) {
            Ok(value) => Event::from_value(value),
            Err(e) => Err(EventError::NotJson(e.to_string())),
        }
    }

    /// Reads an event from JSON.
    ///
    /// # Errors
    ///
    /// [`EventError`] when the value is not an object naming an event type.
    pub fn from_value(raw: Value) -> Result<Event, EventError> {
        if !raw.is_object() {
            return Err(EventError::NotJson("found another JSON value".into()));
        }
        let text = |v: Option<&Value>| v.and_then(Value::as_str).map(str::to_owned);
        let header = raw.get("header");
        let event_type = text(header.and_then(|h| h.get("event_type")))
            .or_else(|| text(raw.get("event").and_then(|e| e.get("type"))))
            .filter(|t| !t.is_empty())
            .ok_or(EventError::NoEventType)?;
        let event_id = text(header.and_then(|h| h.get("event_id")))
            .or_else(|| text(raw.get("uuid")))
            .filter(|id| !id.is_empty());
        Ok(Event {
            event_type,
            event_id,
            raw,
        })
    }

    /// The event type, such as `im.message.receive_v1`.
    pub fn event_type(&self) -> &str {
        &self.event_type
    }

    /// Feishu's id of this event, used to handle it once.
    pub fn event_id(&self) -> Option<&str> {
        self.event_id.as_deref()
    }

    /// The event's own fields (`event`).
    pub fn body(&self) -> Option<&Value> {
        self.raw.get("event")
    }

    /// The whole event JSON.
    pub fn raw(&self) -> &Value {
        &self.raw
    }

    /// The whole event JSON, taken out.
    pub fn into_raw(self) -> Value {
        self.raw
    }

    /// The message of an `im.message.receive_v1` event: `None` for any other event,
    /// `Some(Err(..))` when its fields are not what Feishu sends.
    pub fn message(&self) -> Option<Result<ReceivedMessage, serde_json::Error>> {
        if self.event_type != IM_MESSAGE_RECEIVE_V1 {
            return None;
        }
        let body = self.body().cloned().unwrap_or(Value::Null);
        Some(ReceivedEvent::deserialize(body).map(|e| ReceivedMessage {
            message_id: e.message.message_id,
            root_id: e.message.root_id,
            parent_id: e.message.parent_id,
            chat_id: e.message.chat_id,
            chat_type: e.message.chat_type,
            message_type: e.message.message_type,
            content: e.message.content,
            sender: e.sender.sender_id,
        }))
    }
}

/// A message sent to the bot (`im.message.receive_v1`), with the fields most bots use; the
/// rest is in [`Event::raw`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ReceivedMessage {
    /// The message (`om_…`).
    pub message_id: String,
    /// The first message of its thread, when a reply.
    pub root_id: Option<String>,
    /// The message it replies to.
    pub parent_id: Option<String>,
    /// The chat (`oc_…`).
    pub chat_id: String,
    /// `p2p` or `group`.
    pub chat_type: String,
    /// `text`, `post`, `image`, `interactive`, …
    pub message_type: String,
    /// The content, a JSON string whose shape depends on `message_type`.
    pub content: String,
    /// Who sent it.
    pub sender: SenderId,
}

impl ReceivedMessage {
    /// The text of a `text` message.
    pub fn text(&self) -> Option<String> {
        if self.message_type != "text" {
            return None;
        }
        let content: Value = serde_json::from_str(&self.content).ok()?;
        content.get("text")?.as_str().map(str::to_owned)
    }
}

/// The ids of a message's sender.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[non_exhaustive]
pub struct SenderId {
    /// The open id (`ou_…`).
    #[serde(default)]
    pub open_id: String,
    /// The tenant-wide user id, with the scope that grants it.
    #[serde(default)]
    pub user_id: Option<String>,
    /// The union id (`on_…`).
    #[serde(default)]
    pub union_id: Option<String>,
}

#[derive(Deserialize)]
struct ReceivedEvent {
    #[serde(default)]
    sender: Sender,
    message: WireMessage,
}

#[derive(Deserialize, Default)]
struct Sender {
    #[serde(default)]
    sender_id: SenderId,
}

#[derive(Deserialize)]
struct WireMessage {
    message_id: String,
    #[serde(default)]
    root_id: Option<String>,
    #[serde(default)]
    parent_id: Option<String>,
    #[serde(default)]
    chat_id: String,
    #[serde(default)]
    chat_type: String,
    #[serde(default)]
    message_type: String,
    #[serde(default)]
    content: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn schema_1_events_are_read_too() {
        let event = Event::from_value(json!({"uuid": "u-1", "type": "event_callback",
            "event": {"type": "message", "text": "x"}}))
        .unwrap();
        assert_eq!(
            (event.event_type(), event.event_id()),
            ("message", Some("u-1"))
        );
        assert!(event.message().is_none());
    }

    #[test]
    fn payloads_that_are_not_events_are_refused() {
        assert!(matches!(
            Event::from_slice(b"not json"),
            Err(EventError::NotJson(_))
        ));
        assert!(matches!(
            Event::from_slice(b"[1]"),
            Err(EventError::NotJson(_))
        ));
        assert_eq!(
            Event::from_slice(br#"{"header": {"event_id": "e"}}"#),
            Err(EventError::NoEventType)
        );
        let bad = Event::from_value(json!({"header": {"event_type": "im.message.receive_v1"},
            "event": {"message": 5}}))
        .unwrap();
        assert!(matches!(bad.message(), Some(Err(_))));
    }
}
