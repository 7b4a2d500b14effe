//! What a callback answers: a toast and/or a new card, and the HTTP answer that carries it.

use std::collections::BTreeMap;
use std::sync::Arc;

use card_core::model::{Card, Locale};
use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};
use serde_json::Value;
use tokio::sync::watch;

use super::CallbackError;
use crate::{CardContent, Template};

/// The answer to a card callback: `{}` (leave the card as it is), a toast, a new card, or both.
///
/// ```
/// use card_client::callback::{Answer, Toast};
/// use card_core::model::{Card, Markdown};
/// use serde_json::json;
///
/// let answer = Answer::toast(Toast::success("Approved"))
///     .card(Card::new().element(Markdown::new("**Approved** by you")));
/// let json = serde_json::to_value(&answer).unwrap();
/// assert_eq!(json["toast"], json!({"type": "success", "content": "Approved"}));
/// assert_eq!(json["card"]["type"], "raw");
/// assert_eq!(json["card"]["data"]["body"]["elements"][0]["content"], "**Approved** by you");
///
/// assert_eq!(serde_json::to_value(Answer::empty()).unwrap(), json!({}));
/// ```
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[non_exhaustive]
pub struct Answer {
    /// The toast shown to the user who acted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub toast: Option<Toast>,
    /// The card that replaces the one acted on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub card: Option<AnswerCard>,
}

impl Answer {
    /// `{}`: the card stays as it is and no toast shows.
    pub fn empty() -> Self {
        Answer::default()
    }

    /// Shows a toast.
    pub fn toast(toast: Toast) -> Self {
        Answer {
            toast: Some(toast),
            card: None,
        }
    }

    /// Replaces the card (a typed [`Card`], card JSON, or a [`Template`]).
    ///
    /// A JSON 2.0 card must stay 2.0 (Feishu refuses a 1.0 card with 200830). Card JSON is
    /// checked like every card the client sends, under the validation policy of the handler's
    /// client: an invalid card is logged with its problems and left out of the answer, so the user sees the toast (if any) and an unchanged card
    /// rather than Feishu's error.
    pub fn card(mut self, card: impl Into<AnswerCard>) -> Self {
        self.card = Some(card.into());
        self
    }

    /// Adds or replaces the toast.
    pub fn with_toast(mut self, toast: Toast) -> Self {
        self.toast = Some(toast);
        self
    }

    pub(crate) fn to_json_bytes(&self) -> Vec<u8> {
        // Every part is strings, maps and JSON values: serialization cannot fail.
        serde_json::to_vec(self).unwrap_or_else(|_| b"{}".to_vec())
    }
}

impl From<Toast> for Answer {
    fn from(toast: Toast) -> Self {
        Answer::toast(toast)
    }
}

/// A toast: a short message shown to the user who acted, in one language or several.
///
/// ```
/// use card_client::callback::Toast;
/// use card_core::model::Locale;
/// use serde_json::json;
///
/// let toast = Toast::warning("Already taken")
///     .translation(Locale::ZhCn, "已被领取")
///     .translation(Locale::EnUs, "Already taken");
/// assert_eq!(serde_json::to_value(&toast).unwrap(), json!({
///     "type": "warning",
///     "content": "Already taken",
///     "i18n": {"zh_cn": "已被领取", "en_us": "Already taken"}
/// }));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Toast {
    /// Its colour and icon.
    #[serde(rename = "type")]
    pub kind: ToastKind,
    /// The text, for users whose language has no translation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content: Option<String>,
    /// The text per language.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub i18n: BTreeMap<Locale, String>,
}

impl Toast {
    /// A toast of `kind` saying `content`.
    pub fn new(kind: ToastKind, content: impl Into<String>) -> Self {
        Toast {
            kind,
            content: Some(content.into()),
            i18n: BTreeMap::new(),
        }
    }

    /// A toast of `kind` with translations only; add them with [`Toast::translation`].
    pub fn translated(kind: ToastKind) -> Self {
        Toast {
            kind,
            content: None,
            i18n: BTreeMap::new(),
        }
    }

    /// An information toast.
    pub fn info(content: impl Into<String>) -> Self {
        Toast::new(ToastKind::Info, content)
    }

    /// A success toast.
    pub fn success(content: impl Into<String>) -> Self {
        Toast::new(ToastKind::Success, content)
    }

    /// A warning toast.
    pub fn warning(content: impl Into<String>) -> Self {
        Toast::new(ToastKind::Warning, content)
    }

    /// An error toast.
    pub fn error(content: impl Into<String>) -> Self {
        Toast::new(ToastKind::Error, content)
    }

    /// Adds the text for one language.
    pub fn translation(mut self, locale: Locale, text: impl Into<String>) -> Self {
        self.i18n.insert(locale, text.into());
        self
    }
}

/// The kind of a [`Toast`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum ToastKind {
    /// Neutral information.
    Info,
    /// The action worked.
    Success,
    /// The action worked only in part, or needs attention.
    Warning,
    /// The action failed.
    Error,
}

/// The new card of an [`Answer`]: card JSON (`{"type": "raw"}`) or a card-builder template
/// (`{"type": "template"}`).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum AnswerCard {
    /// Card JSON, as an object.
    Raw(Value),
    /// A card-builder template and its variables.
    Template(Template),
}

impl AnswerCard {
    /// The same card as the client's [`CardContent`], for a delayed update.
    pub(crate) fn into_content(self) -> CardContent {
        match self {
            AnswerCard::Raw(card) => CardContent::Json(card),
            AnswerCard::Template(template) => CardContent::Template(template),
        }
    }
}

impl Serialize for AnswerCard {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(2))?;
        match self {
            AnswerCard::Raw(card) => {
                map.serialize_entry("type", "raw")?;
                map.serialize_entry("data", card)?;
            }
            AnswerCard::Template(template) => {
                map.serialize_entry("type", "template")?;
                map.serialize_entry("data", template)?;
            }
        }
        map.end()
    }
}

impl From<Value> for AnswerCard {
    fn from(card: Value) -> Self {
        AnswerCard::Raw(card)
    }
}

impl From<Card> for AnswerCard {
    fn from(card: Card) -> Self {
        AnswerCard::Raw(card.to_value())
    }
}

impl From<&Card> for AnswerCard {
    fn from(card: &Card) -> Self {
        AnswerCard::Raw(card.to_value())
    }
}

impl From<Template> for AnswerCard {
    fn from(template: Template) -> Self {
        AnswerCard::Template(template)
    }
}

/// The HTTP answer to give Feishu: status, content type and body, whatever web framework
/// serves the callback URL.
///
/// After the answer has been written out, call [`HttpAnswer::mark_sent`] (or keep the
/// [`AnswerSent`] from [`HttpAnswer::sent_signal`] and mark it then): delayed card updates
/// wait for it, because Feishu may revert an update that arrives before the answer. Unmarked,
/// they wait until Feishu's 3 seconds have passed. The axum integration marks it itself.
#[derive(Debug)]
pub struct HttpAnswer {
    status: u16,
    body: Vec<u8>,
    error: Option<CallbackError>,
    sent: AnswerSent,
}

/// The content type of every callback answer.
pub const CONTENT_TYPE: &str = "application/json; charset=utf-8";

impl HttpAnswer {
    pub(crate) fn ok(body: Vec<u8>, sent: AnswerSent) -> Self {
        HttpAnswer {
            status: 200,
            body,
            error: None,
            sent,
        }
    }

    pub(crate) fn refused(error: CallbackError) -> Self {
        let body = serde_json::json!({ "error": error.to_string() });
        HttpAnswer {
            status: error.status(),
            body: serde_json::to_vec(&body).unwrap_or_default(),
            error: Some(error),
            sent: AnswerSent::new().0,
        }
    }

    /// The HTTP status: 200, or the refusal's ([`CallbackError::status`]).
    pub fn status(&self) -> u16 {
        self.status
    }

    /// Always `application/json; charset=utf-8`.
    pub fn content_type(&self) -> &'static str {
        CONTENT_TYPE
    }

    /// The body: the answer JSON, `{"challenge": …}`, or `{"error": …}` for a refusal.
    pub fn body(&self) -> &[u8] {
        &self.body
    }

    /// Takes the body out.
    pub fn into_body(self) -> Vec<u8> {
        self.body
    }

    /// Why the callback was refused, if it was.
    pub fn error(&self) -> Option<&CallbackError> {
        self.error.as_ref()
    }

    /// Says that the answer has gone out; delayed updates of this callback may start.
    pub fn mark_sent(&self) {
        self.sent.mark();
    }

    /// A handle to mark the answer sent later, once the framework has written it.
    pub fn sent_signal(&self) -> AnswerSent {
        self.sent.clone()
    }
}

/// Marks a callback's answer as sent; see [`HttpAnswer::sent_signal`]. Clones mark the same
/// answer.
#[derive(Debug, Clone)]
pub struct AnswerSent(Arc<watch::Sender<bool>>);

impl AnswerSent {
    pub(crate) fn new() -> (AnswerSent, watch::Receiver<bool>) {
        let (tx, rx) = watch::channel(false);
        (AnswerSent(Arc::new(tx)), rx)
    }

    /// Says that the answer has gone out.
    pub fn mark(&self) {
        self.0.send_replace(true);
    }
}
