//! CardKit elements of one card entity (`/open-apis/cardkit/v1/cards/:card_id/elements`).

use reqwest::Method;
use serde::Serialize;
use serde_json::Value;

use crate::api::cards::{cardkit_uuid, cardkit_write};
use crate::api::check_path_id;
use crate::encode::{self, Sequenced};
use crate::{Client, Error};

/// Where [`AddElements`] puts its elements; serializes as `type` and `target_element_id`.
///
/// ```
/// use card_client::Position;
/// use serde_json::json;
///
/// assert_eq!(serde_json::to_value(Position::append()).unwrap(), json!({"type": "append"}));
/// assert_eq!(
///     serde_json::to_value(Position::before("footer")).unwrap(),
///     json!({"type": "insert_before", "target_element_id": "footer"})
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Position {
    /// At the end of a container (by id), or of the card body when `None`.
    Append {
        /// The container.
        #[serde(rename = "target_element_id", skip_serializing_if = "Option::is_none")]
        container: Option<String>,
    },
    /// Before the element with this id.
    InsertBefore {
        /// The element.
        target_element_id: String,
    },
    /// After the element with this id.
    InsertAfter {
        /// The element.
        target_element_id: String,
    },
}

impl Position {
    /// At the end of the card body.
    pub fn append() -> Self {
        Position::Append { container: None }
    }

    /// At the end of the container `container_id`.
    pub fn append_to(container_id: impl Into<String>) -> Self {
        Position::Append {
            container: Some(container_id.into()),
        }
    }

    /// Before the element `element_id`.
    pub fn before(element_id: impl Into<String>) -> Self {
        Position::InsertBefore {
            target_element_id: element_id.into(),
        }
    }

    /// After the element `element_id`.
    pub fn after(element_id: impl Into<String>) -> Self {
        Position::InsertAfter {
            target_element_id: element_id.into(),
        }
    }

    fn target(&self) -> Option<&str> {
        match self {
            Position::Append { container } => container.as_deref(),
            Position::InsertBefore { target_element_id }
            | Position::InsertAfter { target_element_id } => Some(target_element_id),
        }
    }
}

/// Add elements to a card entity.
///
/// Elements are JSON values; typed `card_core::model` elements become one with
/// `serde_json::to_value(&element)`.
///
/// ```
/// use card_client::{AddElements, Position};
/// use serde_json::json;
///
/// let req = AddElements::new(Position::append(), vec![json!({"tag": "markdown", "content": "more"})]);
/// # let _ = req;
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct AddElements {
    /// Where.
    pub position: Position,
    /// Card JSON 2.0 elements.
    pub elements: Vec<Value>,
    /// Idempotency key (1–64 characters); generated when `None`, reused on retries.
    pub uuid: Option<String>,
}

impl AddElements {
    /// `elements` at `position`.
    pub fn new(position: Position, elements: Vec<Value>) -> Self {
        AddElements {
            position,
            elements,
            uuid: None,
        }
    }

    /// Sets the idempotency key.
    pub fn uuid(mut self, uuid: impl Into<String>) -> Self {
        self.uuid = Some(uuid.into());
        self
    }
}

/// Replace one element (its `tag` may change).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct UpdateElement {
    /// The element.
    pub element_id: String,
    /// The new element.
    pub element: Value,
    /// Idempotency key (1–64 characters); generated when `None`, reused on retries.
    pub uuid: Option<String>,
}

impl UpdateElement {
    /// Replace `element_id` with `element`.
    pub fn new(element_id: impl Into<String>, element: Value) -> Self {
        UpdateElement {
            element_id: element_id.into(),
            element,
            uuid: None,
        }
    }

    /// Sets the idempotency key.
    pub fn uuid(mut self, uuid: impl Into<String>) -> Self {
        self.uuid = Some(uuid.into());
        self
    }
}

/// Merge properties into one element (its `tag` cannot change; a new `element_id` renames it).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct PatchElement {
    /// The element.
    pub element_id: String,
    /// The properties to set, such as `{"content": "…"}`.
    pub partial_element: Value,
    /// Idempotency key (1–64 characters); generated when `None`, reused on retries.
    pub uuid: Option<String>,
}

impl PatchElement {
    /// Merge `partial_element` into `element_id`.
    pub fn new(element_id: impl Into<String>, partial_element: Value) -> Self {
        PatchElement {
            element_id: element_id.into(),
            partial_element,
            uuid: None,
        }
    }

    /// Sets the idempotency key.
    pub fn uuid(mut self, uuid: impl Into<String>) -> Self {
        self.uuid = Some(uuid.into());
        self
    }
}

/// Delete one element (and, for a container, its children).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct DeleteElement {
    /// The element.
    pub element_id: String,
    /// Idempotency key (1–64 characters); generated when `None`, reused on retries.
    pub uuid: Option<String>,
}

impl DeleteElement {
    /// Delete `element_id`.
    pub fn new(element_id: impl Into<String>) -> Self {
        DeleteElement {
            element_id: element_id.into(),
            uuid: None,
        }
    }

    /// Sets the idempotency key.
    pub fn uuid(mut self, uuid: impl Into<String>) -> Self {
        self.uuid = Some(uuid.into());
        self
    }
}

/// Set the full text of a `markdown` or `plain_text` element of a card in streaming mode.
///
/// Send the whole text so far, not the new part: when the old text is a prefix of the new one,
/// Feishu types out only the rest; otherwise it replaces the text at once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct StreamText {
    /// The text element.
    pub element_id: String,
    /// The full text (1–100,000 characters).
    pub content: String,
    /// Idempotency key (1–64 characters); generated when `None`, reused on retries.
    pub uuid: Option<String>,
}

impl StreamText {
    /// Set `element_id`'s text to `content`.
    pub fn new(element_id: impl Into<String>, content: impl Into<String>) -> Self {
        StreamText {
            element_id: element_id.into(),
            content: content.into(),
            uuid: None,
        }
    }

    /// Sets the idempotency key.
    pub fn uuid(mut self, uuid: impl Into<String>) -> Self {
        self.uuid = Some(uuid.into());
        self
    }
}

/// Longest `content` of a stream-text call.
pub const MAX_STREAM_TEXT_CHARS: usize = 100_000;

/// The elements of one card entity. Get it from [`Client::elements`].
///
/// Every call goes through the card's sequencer and its 10 operations/s budget, shared with
/// [`Cards`](crate::Cards) calls on the same card.
#[derive(Debug, Clone, Copy)]
pub struct Elements<'c> {
    client: &'c Client,
    card_id: &'c str,
}

#[derive(Serialize)]
struct AddBody<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    target_element_id: Option<&'a str>,
    elements: String,
    uuid: &'a str,
}

#[derive(Serialize)]
struct UpdateBody<'a> {
    element: String,
    uuid: &'a str,
}

#[derive(Serialize)]
struct PatchBody<'a> {
    partial_element: String,
    uuid: &'a str,
}

#[derive(Serialize)]
struct DeleteBody<'a> {
    uuid: &'a str,
}

#[derive(Serialize)]
struct ContentBody<'a> {
    content: &'a str,
    uuid: &'a str,
}

impl<'c> Elements<'c> {
    pub(crate) fn new(client: &'c Client, card_id: &'c str) -> Self {
        Elements { client, card_id }
    }

    fn base(&self) -> Result<String, Error> {
        let card_id = check_path_id("card_id", self.card_id)?;
        Ok(format!("/open-apis/cardkit/v1/cards/{card_id}/elements"))
    }

    /// Adds elements (`POST …/elements`).
    ///
    /// ```no_run
    /// # async fn demo(client: card_client::Client, card_id: String) -> Result<(), card_client::Error> {
    /// use card_client::{AddElements, Position};
    /// use serde_json::json;
    ///
    /// client.elements(&card_id).add(AddElements::new(
    ///     Position::after("answer"),
    ///     vec![json!({"tag": "markdown", "element_id": "sources", "content": "Sources: …"})],
    /// )).await?;
    /// # Ok(()) }
    /// ```
    pub async fn add(&self, req: AddElements) -> Result<(), Error> {
        let base = self.base()?;
        if req.elements.is_empty() {
            return Err(Error::InvalidArgument("add at least one element".into()));
        }
        if let Some(target) = req.position.target() {
            check_path_id("target_element_id", target)?;
        }
        let kind = match req.position {
            Position::Append { .. } => "append",
            Position::InsertBefore { .. } => "insert_before",
            Position::InsertAfter { .. } => "insert_after",
        };
        let uuid = cardkit_uuid(req.uuid)?;
        let body = Sequenced::new(&AddBody {
            kind,
            target_element_id: req.position.target(),
            elements: encode::json_string("elements", &req.elements)?,
            uuid: &uuid,
        })?;
        cardkit_write(
            self.client,
            "elements.add",
            Method::POST,
            base,
            self.card_id,
            body,
        )
        .await
    }

    /// Replaces an element (`PUT …/elements/:element_id`).
    ///
    /// ```no_run
    /// # async fn demo(client: card_client::Client, card_id: String) -> Result<(), card_client::Error> {
    /// use card_client::UpdateElement;
    /// use serde_json::json;
    ///
    /// client.elements(&card_id).update(UpdateElement::new(
    ///     "spinner",
    ///     json!({"tag": "markdown", "element_id": "spinner", "content": "✅ done"}),
    /// )).await?;
    /// # Ok(()) }
    /// ```
    pub async fn update(&self, req: UpdateElement) -> Result<(), Error> {
        let base = self.base()?;
        let element_id = check_path_id("element_id", &req.element_id)?;
        let uuid = cardkit_uuid(req.uuid)?;
        let body = Sequenced::new(&UpdateBody {
            element: encode::json_string("element", &req.element)?,
            uuid: &uuid,
        })?;
        let path = format!("{base}/{element_id}");
        cardkit_write(
            self.client,
            "elements.update",
            Method::PUT,
            path,
            self.card_id,
            body,
        )
        .await
    }

    /// Merges properties into an element (`PATCH …/elements/:element_id`).
    ///
    /// ```no_run
    /// # async fn demo(client: card_client::Client, card_id: String) -> Result<(), card_client::Error> {
    /// use card_client::PatchElement;
    /// use serde_json::json;
    ///
    /// client.elements(&card_id).patch(PatchElement::new("title", json!({"content": "Step 2 of 3"}))).await?;
    /// # Ok(()) }
    /// ```
    pub async fn patch(&self, req: PatchElement) -> Result<(), Error> {
        let base = self.base()?;
        let element_id = check_path_id("element_id", &req.element_id)?;
        if !req.partial_element.is_object() {
            return Err(Error::InvalidArgument(
                "`partial_element` must be a JSON object of the properties to change".into(),
            ));
        }
        let uuid = cardkit_uuid(req.uuid)?;
        let body = Sequenced::new(&PatchBody {
            partial_element: encode::json_string("partial_element", &req.partial_element)?,
            uuid: &uuid,
        })?;
        let path = format!("{base}/{element_id}");
        cardkit_write(
            self.client,
            "elements.patch",
            Method::PATCH,
            path,
            self.card_id,
            body,
        )
        .await
    }

    /// Deletes an element (`DELETE …/elements/:element_id`, with a JSON body).
    ///
    /// ```no_run
    /// # async fn demo(client: card_client::Client, card_id: String) -> Result<(), card_client::Error> {
    /// use card_client::DeleteElement;
    ///
    /// client.elements(&card_id).delete(DeleteElement::new("spinner")).await?;
    /// # Ok(()) }
    /// ```
    pub async fn delete(&self, req: DeleteElement) -> Result<(), Error> {
        let base = self.base()?;
        let element_id = check_path_id("element_id", &req.element_id)?;
        let uuid = cardkit_uuid(req.uuid)?;
        let body = Sequenced::new(&DeleteBody { uuid: &uuid })?;
        let path = format!("{base}/{element_id}");
        cardkit_write(
            self.client,
            "elements.delete",
            Method::DELETE,
            path,
            self.card_id,
            body,
        )
        .await
    }

    /// Sets the full text of a text element while the card streams
    /// (`PUT …/elements/:element_id/content`): the typewriter effect.
    ///
    /// Fails with [`Error::is_streaming_closed`] once streaming mode is off (10 minutes after it
    /// was turned on, Feishu closes it by itself): finish with
    /// [`Cards::update`](crate::Cards::update).
    ///
    /// ```no_run
    /// # async fn demo(client: card_client::Client, card_id: String) -> Result<(), card_client::Error> {
    /// use card_client::StreamText;
    ///
    /// let mut text = String::new();
    /// for token in ["Hel", "lo, ", "world"] {
    ///     text.push_str(token);
    ///     client.elements(&card_id).stream_text(StreamText::new("answer", text.clone())).await?;
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn stream_text(&self, req: StreamText) -> Result<(), Error> {
        let base = self.base()?;
        let element_id = check_path_id("element_id", &req.element_id)?;
        let chars = req.content.chars().count();
        if chars == 0 || chars > MAX_STREAM_TEXT_CHARS {
            return Err(Error::InvalidArgument(format!(
                "streamed text must be 1 to {MAX_STREAM_TEXT_CHARS} characters, got {chars}; \
                 split longer answers over several elements"
            )));
        }
        let uuid = cardkit_uuid(req.uuid)?;
        let body = Sequenced::new(&ContentBody {
            content: &req.content,
            uuid: &uuid,
        })?;
        let path = format!("{base}/{element_id}/content");
        cardkit_write(
            self.client,
            "elements.content",
            Method::PUT,
            path,
            self.card_id,
            body,
        )
        .await
    }
}
