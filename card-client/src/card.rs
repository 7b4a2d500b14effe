//! The card argument of every operation: card JSON, a template, or a card entity.

use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};
use serde_json::Value;

use crate::Error;

/// A card to send or to update with.
///
/// Serializing a `CardContent` gives what Feishu calls the message `content` *before* it is
/// encoded as a string: the card JSON itself, `{"type":"template","data":{...}}`, or
/// `{"type":"card","data":{"card_id":"..."}}`. The client does the string encoding itself, once,
/// for every endpoint; pass values, never pre-encoded strings.
///
/// ```
/// use card_client::{CardContent, Template};
/// use card_core::model::{Card, Markdown};
/// use serde_json::json;
///
/// let typed = CardContent::from(Card::new().element(Markdown::new("**typed**")));
/// assert_eq!(
///     typed.as_json().unwrap()["body"]["elements"][0]["content"],
///     "**typed**"
/// );
/// let raw = CardContent::from(json!({"schema": "2.0", "body": {"elements": []}}));
/// let template = CardContent::from(Template::new("AAqk1234").version("1.0.0"));
/// let entity = CardContent::entity("7355372766134157313");
/// assert_eq!(
///     serde_json::to_value(&entity).unwrap(),
///     json!({"type": "card", "data": {"card_id": "7355372766134157313"}})
/// );
/// # let _ = (raw, template);
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum CardContent {
    /// Card JSON: typed cards become this, raw `serde_json::Value` cards are this. Validated
    /// before sending.
    Json(Value),
    /// A card built in Feishu's card builder, filled with variables.
    Template(Template),
    /// A card entity created with `cards().create`, by id. An entity can be sent only once.
    Entity {
        /// The entity's id.
        card_id: String,
    },
}

impl CardContent {
    /// A card entity by id.
    pub fn entity(card_id: impl Into<String>) -> Self {
        CardContent::Entity {
            card_id: card_id.into(),
        }
    }

    /// Any serializable card (such as a typed `card_core::model::Card`), as card JSON.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] when the value cannot be represented as JSON (a map with
    /// non-string keys, a failing `Serialize` impl).
    pub fn from_serialize<T: Serialize + ?Sized>(card: &T) -> Result<Self, Error> {
        serde_json::to_value(card)
            .map(CardContent::Json)
            .map_err(|e| {
                Error::InvalidArgument(format!("the card cannot be turned into JSON: {e}"))
            })
    }

    /// The card JSON, for the variants that carry one.
    pub fn as_json(&self) -> Option<&Value> {
        match self {
            CardContent::Json(v) => Some(v),
            _ => None,
        }
    }
}

impl From<Value> for CardContent {
    fn from(card: Value) -> Self {
        CardContent::Json(card)
    }
}

impl From<card_core::model::Card> for CardContent {
    fn from(card: card_core::model::Card) -> Self {
        CardContent::Json(card.to_value())
    }
}

impl From<&card_core::model::Card> for CardContent {
    fn from(card: &card_core::model::Card) -> Self {
        CardContent::Json(card.to_value())
    }
}

/// A static card's JSON, built and serialized once; it can be sent wherever a `Card` can.
///
/// ```
/// use card_client::CardContent;
/// use card_core::model::{Card, Markdown, StaticCard};
///
/// static HELP: StaticCard = StaticCard::new(|| Card::new().element(Markdown::new("**help**")));
///
/// let content = CardContent::from(&HELP);
/// assert_eq!(content.as_json(), Some(&HELP.to_value()));
/// ```
impl From<&card_core::model::StaticCard> for CardContent {
    fn from(card: &card_core::model::StaticCard) -> Self {
        CardContent::Json(card.to_value())
    }
}

impl From<Template> for CardContent {
    fn from(template: Template) -> Self {
        CardContent::Template(template)
    }
}

impl Serialize for CardContent {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            CardContent::Json(card) => card.serialize(serializer),
            CardContent::Template(template) => {
                let mut map = serializer.serialize_map(Some(2))?;
                map.serialize_entry("type", "template")?;
                map.serialize_entry("data", template)?;
                map.end()
            }
            CardContent::Entity { card_id } => {
                #[derive(Serialize)]
                struct Data<'a> {
                    card_id: &'a str,
                }
                let mut map = serializer.serialize_map(Some(2))?;
                map.serialize_entry("type", "card")?;
                map.serialize_entry("data", &Data { card_id })?;
                map.end()
            }
        }
    }
}

/// A card-builder template and its variables.
///
/// ```
/// use card_client::Template;
/// use serde_json::json;
///
/// let t = Template::new("AAqk1234")
///     .version("1.0.2")
///     .variables(json!({"title": "Build #42", "items": ["a", "b"]}));
/// assert_eq!(
///     serde_json::to_value(&t).unwrap(),
///     json!({
///         "template_id": "AAqk1234",
///         "template_version_name": "1.0.2",
///         "template_variable": {"title": "Build #42", "items": ["a", "b"]}
///     })
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Template {
    /// The template id, `AAq…`.
    pub template_id: String,
    /// The published version to use; without it Feishu takes the latest, which can change
    /// under a running bot.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub template_version_name: Option<String>,
    /// The variables, as real JSON values (arrays stay arrays, not strings).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub template_variable: Option<Value>,
}

impl Template {
    /// A template by id, latest version, no variables.
    pub fn new(template_id: impl Into<String>) -> Self {
        Template {
            template_id: template_id.into(),
            template_version_name: None,
            template_variable: None,
        }
    }

    /// Pins the version.
    pub fn version(mut self, version: impl Into<String>) -> Self {
        self.template_version_name = Some(version.into());
        self
    }

    /// Sets the variables.
    pub fn variables(mut self, variables: Value) -> Self {
        self.template_variable = Some(variables);
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use card_core::model::{Button, Card, Header, Markdown, StaticCard};
    use serde_json::json;

    static CONFIRM: StaticCard = StaticCard::new(|| {
        Card::new()
            .header(Header::new("确认操作"))
            .element(Markdown::new("确定吗?"))
            .element(Button::new("确认").callback(json!({"action": "confirm"})))
    });

    #[test]
    fn a_static_card_is_sent_like_its_card() {
        let content = CardContent::from(&CONFIRM);
        assert_eq!(content, CardContent::from(CONFIRM.card()));
        let sent = serde_json::to_value(&content).expect("card content serializes");
        let expected: Value = serde_json::from_str(CONFIRM.json()).expect("the card is JSON");
        assert_eq!(sent, expected);
        assert_eq!(
            sent["body"]["elements"][1]["behaviors"][0]["value"]["action"],
            "confirm"
        );
    }
}
