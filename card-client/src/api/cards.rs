//! CardKit card entities (`/open-apis/cardkit/v1/cards`).

use reqwest::Method;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::api::elements::Position;
use card_core::validate::Policy;

use crate::api::{check_path_id, check_uuid, CARDKIT_UUID_MAX};
use crate::card::CardContent;
use crate::client::{new_uuid, require, Body, Call};
use crate::encode::{self, Sequenced};
use crate::retry::Replay;
use crate::{Client, Error};

/// Create a card entity from card JSON 2.0 or a template.
///
/// ```
/// use card_client::CreateCard;
/// use serde_json::json;
///
/// let req = CreateCard::new(json!({
///     "schema": "2.0",
///     "config": {"streaming_mode": true},
///     "body": {"elements": [{"tag": "markdown", "element_id": "answer", "content": ""}]}
/// }));
/// # let _ = req;
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct CreateCard {
    /// Card JSON 2.0 or a template.
    pub card: CardContent,
    /// The validation policy for this card; `None` (the default) follows the client's
    /// ([`ClientBuilder::validation`](crate::ClientBuilder::validation)).
    #[serde(skip)]
    pub validation: Option<Policy>,
}

impl CreateCard {
    /// An entity made of `card`.
    pub fn new(card: impl Into<CardContent>) -> Self {
        CreateCard {
            card: card.into(),
            validation: None,
        }
    }

    /// Validates this card under `policy` instead of the client's
    /// ([`ClientBuilder::validation`](crate::ClientBuilder::validation)): with
    /// [`Policy::Lenient`], a tag or property this version does not know is a warning and the
    /// card is sent.
    pub fn validation(mut self, policy: Policy) -> Self {
        self.validation = Some(policy);
        self
    }
}

/// Replace the whole card of an entity.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct UpdateCard {
    /// The entity.
    pub card_id: String,
    /// The new card JSON 2.0.
    pub card: CardContent,
    /// Idempotency key (1–64 characters); generated when `None`, reused on retries.
    pub uuid: Option<String>,
    /// The validation policy for this card; `None` (the default) follows the client's
    /// ([`ClientBuilder::validation`](crate::ClientBuilder::validation)).
    #[serde(skip)]
    pub validation: Option<Policy>,
}

impl UpdateCard {
    /// Replace the card of `card_id` with `card`.
    pub fn new(card_id: impl Into<String>, card: impl Into<CardContent>) -> Self {
        UpdateCard {
            card_id: card_id.into(),
            card: card.into(),
            uuid: None,
            validation: None,
        }
    }

    /// Validates this card under `policy` instead of the client's
    /// ([`ClientBuilder::validation`](crate::ClientBuilder::validation)): with
    /// [`Policy::Lenient`], a tag or property this version does not know is a warning and the
    /// card is sent.
    pub fn validation(mut self, policy: Policy) -> Self {
        self.validation = Some(policy);
        self
    }

    /// Sets the idempotency key.
    pub fn uuid(mut self, uuid: impl Into<String>) -> Self {
        self.uuid = Some(uuid.into());
        self
    }
}

/// The card-wide settings that can change on an entity: `config` and `card_link`.
///
/// ```
/// use card_client::CardSettings;
/// use serde_json::json;
///
/// let s = CardSettings::streaming(false).summary("Done");
/// assert_eq!(
///     serde_json::to_value(&s).unwrap(),
///     json!({"config": {"streaming_mode": false, "summary": {"content": "Done"}}})
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
#[non_exhaustive]
pub struct CardSettings {
    /// Keys of `config`: `streaming_mode`, `streaming_config`, `summary`, `enable_forward`,
    /// `update_multi` (true only), `width_mode`, `enable_forward_interaction`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub config: Option<serde_json::Map<String, Value>>,
    /// `{"url"}` or `{"pc_url", "ios_url", "android_url"}`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub card_link: Option<Value>,
}

impl CardSettings {
    /// Settings that turn streaming mode on or off.
    pub fn streaming(on: bool) -> Self {
        CardSettings::default().config_key("streaming_mode", Value::Bool(on))
    }

    /// Sets one key of `config`.
    pub fn config_key(mut self, key: impl Into<String>, value: Value) -> Self {
        self.config
            .get_or_insert_with(Default::default)
            .insert(key.into(), value);
        self
    }

    /// Sets the chat-list preview text (`config.summary.content`).
    pub fn summary(self, text: impl Into<String>) -> Self {
        self.config_key("summary", serde_json::json!({ "content": text.into() }))
    }

    /// Sets the whole-card link.
    pub fn card_link(mut self, link: Value) -> Self {
        self.card_link = Some(link);
        self
    }
}

/// Change the settings of an entity.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct UpdateSettings {
    /// The entity.
    pub card_id: String,
    /// The new settings.
    pub settings: CardSettings,
    /// Idempotency key (1–64 characters); generated when `None`, reused on retries.
    pub uuid: Option<String>,
}

impl UpdateSettings {
    /// New `settings` for `card_id`.
    pub fn new(card_id: impl Into<String>, settings: CardSettings) -> Self {
        UpdateSettings {
            card_id: card_id.into(),
            settings,
            uuid: None,
        }
    }

    /// Sets the idempotency key.
    pub fn uuid(mut self, uuid: impl Into<String>) -> Self {
        self.uuid = Some(uuid.into());
        self
    }
}

/// One action of a [`BatchUpdate`]; serializes as `{"action": …, "params": {…}}`.
///
/// ```
/// use card_client::{BatchAction, Position};
/// use serde_json::json;
///
/// let a = BatchAction::AddElements {
///     position: Position::after("title"),
///     elements: vec![json!({"tag": "hr"})],
/// };
/// assert_eq!(
///     serde_json::to_value(&a).unwrap(),
///     json!({"action": "add_elements", "params": {
///         "type": "insert_after", "target_element_id": "title", "elements": [{"tag": "hr"}]
///     }})
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "action", content = "params", rename_all = "snake_case")]
#[non_exhaustive]
pub enum BatchAction {
    /// Change settings (as [`Cards::settings`]).
    PartialUpdateSetting {
        /// The new settings.
        settings: CardSettings,
    },
    /// Add elements (as [`Elements::add`](crate::Elements::add)).
    AddElements {
        /// Where.
        #[serde(flatten)]
        position: Position,
        /// The elements.
        elements: Vec<Value>,
    },
    /// Delete elements (as [`Elements::delete`](crate::Elements::delete)).
    DeleteElements {
        /// Their ids.
        element_ids: Vec<String>,
    },
    /// Merge properties into an element (as [`Elements::patch`](crate::Elements::patch)).
    PartialUpdateElement {
        /// The element.
        element_id: String,
        /// The properties to change.
        partial_element: Value,
    },
    /// Replace an element (as [`Elements::update`](crate::Elements::update)).
    UpdateElement {
        /// The element.
        element_id: String,
        /// The new element.
        element: Value,
    },
}

/// Several changes to one entity under one `sequence`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct BatchUpdate {
    /// The entity.
    pub card_id: String,
    /// The changes, applied in order.
    pub actions: Vec<BatchAction>,
    /// Idempotency key (1–64 characters); generated when `None`, reused on retries.
    pub uuid: Option<String>,
}

impl BatchUpdate {
    /// `actions` on `card_id`.
    pub fn new(card_id: impl Into<String>, actions: Vec<BatchAction>) -> Self {
        BatchUpdate {
            card_id: card_id.into(),
            actions,
            uuid: None,
        }
    }

    /// Sets the idempotency key.
    pub fn uuid(mut self, uuid: impl Into<String>) -> Self {
        self.uuid = Some(uuid.into());
        self
    }
}

/// CardKit card entities. Get it from [`Client::cards`].
#[derive(Debug, Clone, Copy)]
pub struct Cards<'c> {
    client: &'c Client,
}

#[derive(Serialize)]
struct CreateBody {
    #[serde(rename = "type")]
    kind: &'static str,
    data: String,
}

#[derive(Deserialize)]
struct CardIdData {
    card_id: String,
}

#[derive(Serialize)]
struct UpdateBody<'a> {
    card: Value,
    uuid: &'a str,
}

#[derive(Serialize)]
struct SettingsBody<'a> {
    settings: String,
    uuid: &'a str,
}

#[derive(Serialize)]
struct BatchBody<'a> {
    actions: String,
    uuid: &'a str,
}

#[derive(Serialize)]
struct IdConvertBody<'a> {
    message_id: &'a str,
}

/// The caller's `uuid`, checked, or a new one.
pub(crate) fn cardkit_uuid(uuid: Option<String>) -> Result<String, Error> {
    match uuid {
        Some(u) => check_uuid(u, CARDKIT_UUID_MAX),
        None => Ok(new_uuid()),
    }
}

impl<'c> Cards<'c> {
    pub(crate) fn new(client: &'c Client) -> Self {
        Cards { client }
    }

    /// Creates a card entity (`POST /open-apis/cardkit/v1/cards`) and returns its `card_id`.
    ///
    /// Card JSON is validated first, under the request's
    /// [`validation`](CreateCard::validation) policy or else the client's. Send the entity with
    /// [`CardContent::entity`] (once: an entity can be sent in one message only).
    ///
    /// ```no_run
    /// # async fn demo(client: card_client::Client) -> Result<(), card_client::Error> {
    /// use card_client::{CardContent, CreateCard, SendMessage};
    /// use serde_json::json;
    ///
    /// let card_id = client.cards().create(CreateCard::new(json!({
    ///     "schema": "2.0",
    ///     "config": {"streaming_mode": true},
    ///     "body": {"elements": [{"tag": "markdown", "element_id": "answer", "content": "…"}]}
    /// }))).await?;
    /// client.messages().send(SendMessage::to_chat("oc_84983ff6516d731e5b5f68d4ea2e1da5", CardContent::entity(&card_id))).await?;
    /// # Ok(()) }
    /// ```
    pub async fn create(&self, req: CreateCard) -> Result<String, Error> {
        const OP: &str = "cards.create";
        let warnings = self.client.check_card(&req.card, req.validation)?;
        let (kind, data) = encode::cardkit_create(&req.card)?;
        let body = encode::body(&CreateBody { kind, data })?;
        let data: Option<CardIdData> = self
            .client
            .call(Call {
                operation: OP,
                method: Method::POST,
                path: "/open-apis/cardkit/v1/cards".into(),
                query: &[],
                body: Body::Fixed(body),
                replay: Replay::Safe,
                card_id: None,
            })
            .await
            .map_err(|e| e.with_card_warnings(warnings))?;
        Ok(require(OP, data)?.card_id)
    }

    /// Replaces the whole card of an entity (`PUT /open-apis/cardkit/v1/cards/:card_id`).
    ///
    /// The usual end of a stream: the final card, often with `streaming_mode: false`.
    ///
    /// ```no_run
    /// # async fn demo(client: card_client::Client, card_id: String) -> Result<(), card_client::Error> {
    /// use card_client::UpdateCard;
    /// use serde_json::json;
    ///
    /// client.cards().update(UpdateCard::new(card_id, json!({
    ///     "schema": "2.0",
    ///     "config": {"streaming_mode": false},
    ///     "body": {"elements": [{"tag": "markdown", "element_id": "answer", "content": "Final answer"}]}
    /// }))).await?;
    /// # Ok(()) }
    /// ```
    pub async fn update(&self, req: UpdateCard) -> Result<(), Error> {
        let card_id = check_path_id("card_id", &req.card_id)?;
        let warnings = self.client.check_card(&req.card, req.validation)?;
        let uuid = cardkit_uuid(req.uuid)?;
        let body = Sequenced::new(&UpdateBody {
            card: encode::cardkit_card(&req.card)?,
            uuid: &uuid,
        })?;
        self.write(
            "cards.update",
            Method::PUT,
            format!("/open-apis/cardkit/v1/cards/{card_id}"),
            card_id,
            body,
        )
        .await
        .map_err(|e| e.with_card_warnings(warnings))
    }

    /// Changes settings (`PATCH /open-apis/cardkit/v1/cards/:card_id/settings`): turn
    /// streaming on or off, change the summary, the width, the card link.
    ///
    /// ```no_run
    /// # async fn demo(client: card_client::Client, card_id: String) -> Result<(), card_client::Error> {
    /// use card_client::{CardSettings, UpdateSettings};
    ///
    /// client.cards().settings(UpdateSettings::new(card_id, CardSettings::streaming(false))).await?;
    /// # Ok(()) }
    /// ```
    pub async fn settings(&self, req: UpdateSettings) -> Result<(), Error> {
        let card_id = check_path_id("card_id", &req.card_id)?;
        let uuid = cardkit_uuid(req.uuid)?;
        let body = Sequenced::new(&SettingsBody {
            settings: encode::json_string("settings", &req.settings)?,
            uuid: &uuid,
        })?;
        self.write(
            "cards.settings",
            Method::PATCH,
            format!("/open-apis/cardkit/v1/cards/{card_id}/settings"),
            card_id,
            body,
        )
        .await
    }

    /// Applies several actions under one sequence
    /// (`POST /open-apis/cardkit/v1/cards/:card_id/batch_update`).
    ///
    /// ```no_run
    /// # async fn demo(client: card_client::Client, card_id: String) -> Result<(), card_client::Error> {
    /// use card_client::{BatchAction, BatchUpdate, CardSettings, Position};
    /// use serde_json::json;
    ///
    /// client.cards().batch_update(BatchUpdate::new(card_id, vec![
    ///     BatchAction::PartialUpdateSetting { settings: CardSettings::streaming(false) },
    ///     BatchAction::AddElements { position: Position::append(), elements: vec![json!({"tag": "hr"})] },
    ///     BatchAction::DeleteElements { element_ids: vec!["spinner".into()] },
    /// ])).await?;
    /// # Ok(()) }
    /// ```
    pub async fn batch_update(&self, req: BatchUpdate) -> Result<(), Error> {
        let card_id = check_path_id("card_id", &req.card_id)?;
        if req.actions.is_empty() {
            return Err(Error::InvalidArgument(
                "a batch update needs at least one action".into(),
            ));
        }
        let uuid = cardkit_uuid(req.uuid)?;
        let body = Sequenced::new(&BatchBody {
            actions: encode::json_string("actions", &req.actions)?,
            uuid: &uuid,
        })?;
        self.write(
            "cards.batch_update",
            Method::POST,
            format!("/open-apis/cardkit/v1/cards/{card_id}/batch_update"),
            card_id,
            body,
        )
        .await
    }

    /// The card entity behind a card message (`POST /open-apis/cardkit/v1/cards/id_convert`),
    /// to stream into a card first sent as raw JSON.
    ///
    /// ```no_run
    /// # async fn demo(client: card_client::Client) -> Result<(), card_client::Error> {
    /// let card_id = client.cards().id_convert("om_dc13264520392913993dd051dba21dcf").await?;
    /// # Ok(()) }
    /// ```
    pub async fn id_convert(&self, message_id: &str) -> Result<String, Error> {
        const OP: &str = "cards.id_convert";
        let message_id = check_path_id("message_id", message_id)?;
        let body = encode::body(&IdConvertBody { message_id })?;
        let data: Option<CardIdData> = self
            .client
            .call(Call {
                operation: OP,
                method: Method::POST,
                path: "/open-apis/cardkit/v1/cards/id_convert".into(),
                query: &[],
                body: Body::Fixed(body),
                replay: Replay::Safe,
                card_id: None,
            })
            .await?;
        Ok(require(OP, data)?.card_id)
    }

    async fn write(
        &self,
        operation: &'static str,
        method: Method,
        path: String,
        card_id: &str,
        body: Sequenced,
    ) -> Result<(), Error> {
        cardkit_write(self.client, operation, method, path, card_id, body).await
    }
}

/// A CardKit write: through the card's sequencer and budget, retried with the same `uuid`.
pub(crate) async fn cardkit_write(
    client: &Client,
    operation: &'static str,
    method: Method,
    path: String,
    card_id: &str,
    body: Sequenced,
) -> Result<(), Error> {
    client
        .call::<serde::de::IgnoredAny>(Call {
            operation,
            method,
            path,
            query: &[],
            body: Body::Sequenced(body),
            replay: Replay::Safe,
            card_id: Some(card_id),
        })
        .await?;
    Ok(())
}
