//! The typed `card.action.trigger` callback (schema 2.0, spec `feishu-openapi.md` §5.1).

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use card_core::form::{decode_value, FormError, FormValue, ValueError};
use serde::Deserialize;
use serde_json::{Map, Value};
use tokio::time::Instant;

use super::CallbackError;
use crate::CallbackToken;

/// The event type of a card callback, as Feishu names it.
pub const CARD_ACTION_TRIGGER: &str = "card.action.trigger";

/// A user's click, selection or form submission on a card: the `card.action.trigger` callback,
/// decrypted, checked and typed.
///
/// [`CardAction::value`] decodes the `value` you gave the component into your own type, and
/// [`CardAction::form`] decodes a form submission into a struct deriving `FormValue`.
///
/// ```
/// use card_client::callback::CardAction;
/// use serde::Deserialize;
/// use serde_json::json;
///
/// #[derive(Deserialize, Debug, PartialEq)]
/// #[serde(tag = "do", rename_all = "snake_case")]
/// enum Click { Approve { request: u32 }, Reject { request: u32 } }
///
/// let action = CardAction::from_json(json!({
///     "schema": "2.0",
///     "header": {"event_id": "f7984f25108f8137722bb63cee927e66", "token": "v-token",
///                "create_time": "1700000000000000", "event_type": "card.action.trigger",
///                "tenant_key": "2df73991750c9b5", "app_id": "cli_a5d611352af9d00b"},
///     "event": {
///         "operator": {"open_id": "ou_3c1b4a6", "tenant_key": "2df73991750c9b5"},
///         "token": "c-295ee57216a5dc9de90fefd0aadb4b1d7d337c7a",
///         "action": {"tag": "button", "value": {"do": "approve", "request": 42}},
///         "host": "im_message",
///         "context": {"open_message_id": "om_1a2b", "open_chat_id": "oc_3c4d"}
///     }
/// })).unwrap();
///
/// assert_eq!(action.operator.open_id, "ou_3c1b4a6");
/// assert_eq!(action.context.open_message_id.as_deref(), Some("om_1a2b"));
/// assert_eq!(action.value::<Click>().unwrap(), Click::Approve { request: 42 });
/// ```
#[derive(Clone)]
#[non_exhaustive]
pub struct CardAction {
    /// Feishu's unique id of this callback (`header.event_id`); the handler refuses a second
    /// delivery of the same id.
    pub event_id: String,
    /// When Feishu created the callback (`header.create_time`, microseconds).
    pub created: Option<SystemTime>,
    /// The app the card belongs to (`header.app_id`).
    pub app_id: String,
    /// The tenant the user belongs to (`header.tenant_key`).
    pub tenant_key: String,
    /// The update token (`event.token`, `c-…`): 30 minutes and two delayed updates, counted
    /// by every clone of it and by the [`Deferred`](super::Deferred) handle of the same
    /// callback.
    pub token: CallbackToken,
    /// Who acted.
    pub operator: Operator,
    /// What they did.
    pub action: Action,
    /// Where the card is shown (`event.host`), such as `im_message`.
    pub host: Option<String>,
    /// `url_preview` for link-preview cards (`event.delivery_type`).
    pub delivery_type: Option<String>,
    /// The card's message and chat.
    pub context: Context,
    raw: Value,
}

// Written by hand: the raw body holds the verification token and the callback token, which
// must not reach logs.
impl fmt::Debug for CardAction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CardAction")
            .field("event_id", &self.event_id)
            .field("created", &self.created)
            .field("app_id", &self.app_id)
            .field("tenant_key", &self.tenant_key)
            .field("token", &self.token)
            .field("operator", &self.operator)
            .field("action", &self.action)
            .field("host", &self.host)
            .field("delivery_type", &self.delivery_type)
            .field("context", &self.context)
            .finish_non_exhaustive()
    }
}

/// Who acted on the card (`event.operator`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[non_exhaustive]
pub struct Operator {
    /// The user's open id (`ou_…`), unique per app.
    #[serde(default)]
    pub open_id: String,
    /// The user's tenant-wide id; Feishu sends it only to apps with the
    /// `contact:user.employee_id:readonly` scope.
    #[serde(default)]
    pub user_id: Option<String>,
    /// The user's id across the developer's apps (`on_…`).
    #[serde(default)]
    pub union_id: Option<String>,
    /// The user's tenant.
    #[serde(default)]
    pub tenant_key: Option<String>,
}

/// What the user did (`event.action`). Which fields are set depends on the component.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[non_exhaustive]
pub struct Action {
    /// The `value` you gave the component (`callback` behaviour): any JSON. Decode it with
    /// [`CardAction::value`].
    #[serde(default)]
    pub value: Value,
    /// The component's tag, such as `button` or `select_static`.
    #[serde(default)]
    pub tag: String,
    /// The component's `name`.
    #[serde(default)]
    pub name: Option<String>,
    /// A form submission: field `name` to the submitted string or list of strings. Decode it
    /// with [`CardAction::form`].
    #[serde(default)]
    pub form_value: Option<Map<String, Value>>,
    /// The text of an `input` outside a form.
    #[serde(default)]
    pub input_value: Option<String>,
    /// The chosen value of a single select, overflow, person select or picker outside a form.
    #[serde(default)]
    pub option: Option<String>,
    /// The chosen values of a multi-select outside a form.
    #[serde(default)]
    pub options: Option<Vec<String>>,
    /// The state of a `checker` outside a form.
    #[serde(default)]
    pub checked: Option<bool>,
    /// The user's time zone, for date and time pickers.
    #[serde(default)]
    pub timezone: Option<String>,
}

/// Where the card is (`event.context`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[non_exhaustive]
pub struct Context {
    /// The message holding the card (`om_…`).
    #[serde(default)]
    pub open_message_id: Option<String>,
    /// The chat of that message (`oc_…`).
    #[serde(default)]
    pub open_chat_id: Option<String>,
    /// The previewed link, for link-preview cards.
    #[serde(default)]
    pub url: Option<String>,
    /// The preview token, for link-preview cards.
    #[serde(default)]
    pub preview_token: Option<String>,
}

#[derive(Deserialize)]
struct Wire {
    header: WireHeader,
    event: WireEvent,
}

#[derive(Deserialize)]
struct WireHeader {
    event_id: String,
    #[serde(default)]
    token: String,
    #[serde(default)]
    create_time: Option<String>,
    #[serde(default)]
    app_id: String,
    #[serde(default)]
    tenant_key: String,
}

#[derive(Deserialize)]
struct WireEvent {
    #[serde(default)]
    operator: Operator,
    token: String,
    #[serde(default)]
    action: Action,
    #[serde(default)]
    host: Option<String>,
    #[serde(default)]
    delivery_type: Option<String>,
    #[serde(default)]
    context: Context,
}

impl CardAction {
    /// Reads a decrypted `card.action.trigger` body, as the long-connection (WebSocket) mode
    /// delivers it or as a test writes it. Checks nothing about where it came from: the
    /// verification token in it is only compared by
    /// [`CallbackHandler`](super::CallbackHandler).
    ///
    /// # Errors
    ///
    /// [`CallbackError::UnsupportedEvent`] for any other event or the legacy v1 callback,
    /// [`CallbackError::Malformed`] when a field is missing or of the wrong type.
    pub fn from_json(body: Value) -> Result<CardAction, CallbackError> {
        Self::parse(body, Instant::now()).map(|(action, _)| action)
    }

    /// Reads the body; also gives the verification token it carries.
    pub(crate) fn parse(
        body: Value,
        received: Instant,
    ) -> Result<(CardAction, String), CallbackError> {
        check_kind(&body)?;
        let wire = Wire::deserialize(&body).map_err(|e| CallbackError::Malformed {
            reason: e.to_string(),
        })?;
        let created = wire
            .header
            .create_time
            .as_deref()
            .and_then(|us| us.parse::<u64>().ok())
            .and_then(|us| UNIX_EPOCH.checked_add(Duration::from_micros(us)));
        let action = CardAction {
            event_id: wire.header.event_id,
            created,
            app_id: wire.header.app_id,
            tenant_key: wire.header.tenant_key,
            token: CallbackToken::received_at(wire.event.token, received),
            operator: wire.event.operator,
            action: wire.event.action,
            host: wire.event.host,
            delivery_type: wire.event.delivery_type,
            context: wire.event.context,
            raw: body,
        };
        Ok((action, wire.header.token))
    }

    /// Decodes the component's `value` into the type it was made from.
    ///
    /// # Errors
    ///
    /// When the value does not deserialize into `T`; the error names the type and shows the
    /// value.
    pub fn value<T: serde::de::DeserializeOwned>(&self) -> Result<T, ValueError> {
        decode_value(&self.action.value)
    }

    /// Decodes a form submission (`form_value`) into a struct deriving `FormValue`.
    ///
    /// ```
    /// use card_client::callback::CardAction;
    /// use feishu_card::FormValue;
    /// use serde_json::json;
    ///
    /// #[derive(Debug, FormValue)]
    /// struct Leave { reason: String, days: u32, urgent: bool }
    ///
    /// let action = CardAction::from_json(json!({"schema": "2.0",
    ///     "header": {"event_id": "e1", "event_type": "card.action.trigger"},
    ///     "event": {"token": "c-1", "action": {"tag": "button", "name": "submit",
    ///         "form_value": {"reason": "moving house", "days": "2", "urgent": false}}}})).unwrap();
    ///
    /// let leave: Leave = action.form().unwrap();
    /// assert_eq!((leave.reason.as_str(), leave.days, leave.urgent), ("moving house", 2, false));
    /// ```
    ///
    /// # Errors
    ///
    /// When the callback carries no form, or a field is missing or does not fit; the error names
    /// the field.
    pub fn form<T: FormValue>(&self) -> Result<T, FormError> {
        match &self.action.form_value {
            Some(form) => T::from_form_value(form),
            None => T::from_json(&Value::Null),
        }
    }

    /// The whole decrypted callback body, for fields this type does not name.
    pub fn raw(&self) -> &Value {
        &self.raw
    }
}

/// Tells a `card.action.trigger` v2 body from everything else a callback URL may receive.
fn check_kind(body: &Value) -> Result<(), CallbackError> {
    let Some(object) = body.as_object() else {
        return Err(CallbackError::Malformed {
            reason: "the body is not a JSON object".into(),
        });
    };
    let event_type = object
        .get("header")
        .and_then(|h| h.get("event_type"))
        .and_then(Value::as_str);
    match event_type {
        Some(CARD_ACTION_TRIGGER) => {}
        Some(other) => {
            return Err(CallbackError::UnsupportedEvent {
                event_type: other.to_owned(),
            })
        }
        None if object.contains_key("open_message_id") || object.contains_key("action") => {
            return Err(CallbackError::UnsupportedEvent {
                event_type: "card.action.trigger_v1 (legacy message card callback)".into(),
            })
        }
        None => {
            return Err(CallbackError::Malformed {
                reason: "`header.event_type` is missing".into(),
            })
        }
    }
    match object.get("schema").and_then(Value::as_str) {
        Some("2.0") => Ok(()),
        other => Err(CallbackError::Malformed {
            reason: format!(
                "`schema` must be \"2.0\", found {}",
                other.map_or("nothing".to_owned(), |s| format!("{s:?}"))
            ),
        }),
    }
}
