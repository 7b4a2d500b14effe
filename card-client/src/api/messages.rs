//! Card messages: send, reply, patch (`/open-apis/im/v1/messages`).

use reqwest::Method;
use serde::{Deserialize, Serialize};

use card_core::validate::Policy;

use crate::api::{check_path_id, check_uuid, IM_UUID_MAX};
use crate::card::CardContent;
use crate::client::{new_uuid, require, Body, Call};
use crate::encode;
use crate::retry::Replay;
use crate::{Client, Error};

/// What `receive_id` is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReceiveIdType {
    /// A user's `ou_…` id within this app (recommended for users).
    OpenId,
    /// A user's `on_…` id across the developer's apps.
    UnionId,
    /// A user's tenant-wide id (needs the `contact:user.employee_id:readonly` scope).
    UserId,
    /// A user's email address.
    Email,
    /// A group chat's `oc_…` id.
    ChatId,
}

impl ReceiveIdType {
    /// The value of the `receive_id_type` query parameter.
    pub fn as_str(self) -> &'static str {
        match self {
            ReceiveIdType::OpenId => "open_id",
            ReceiveIdType::UnionId => "union_id",
            ReceiveIdType::UserId => "user_id",
            ReceiveIdType::Email => "email",
            ReceiveIdType::ChatId => "chat_id",
        }
    }
}

/// Send a card to a user or a chat.
///
/// ```
/// use card_client::{ReceiveIdType, SendMessage};
/// use serde_json::json;
///
/// let req = SendMessage::to_chat("oc_84983ff6516d731e5b5f68d4ea2e1da5", json!({"schema": "2.0"}))
///     .uuid("deploy-42");
/// assert_eq!(req.receive_id_type, ReceiveIdType::ChatId);
///
/// // A card with a component newer than this version: sent with a warning, not refused.
/// use card_core::validate::Policy;
///
/// let newer = json!({"schema": "2.0", "body": {"elements": [{"tag": "future_widget"}]}});
/// let req = SendMessage::to_chat("oc_84983ff6516d731e5b5f68d4ea2e1da5", newer)
///     .validation(Policy::Lenient);
/// assert_eq!(req.validation, Some(Policy::Lenient));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct SendMessage {
    /// What `receive_id` is.
    pub receive_id_type: ReceiveIdType,
    /// The user or chat.
    pub receive_id: String,
    /// The card.
    pub card: CardContent,
    /// Idempotency key (≤ 50 characters): Feishu makes at most one message per key within an
    /// hour. The client generates one when this is `None`, and reuses it on retries.
    pub uuid: Option<String>,
    /// The validation policy for this card; `None` (the default) follows the client's
    /// ([`ClientBuilder::validation`](crate::ClientBuilder::validation)).
    #[serde(skip)]
    pub validation: Option<Policy>,
}

impl SendMessage {
    /// A card for `receive_id` of the given kind.
    pub fn new(
        receive_id_type: ReceiveIdType,
        receive_id: impl Into<String>,
        card: impl Into<CardContent>,
    ) -> Self {
        SendMessage {
            receive_id_type,
            receive_id: receive_id.into(),
            card: card.into(),
            uuid: None,
            validation: None,
        }
    }

    /// A card for a group chat (`oc_…`).
    pub fn to_chat(chat_id: impl Into<String>, card: impl Into<CardContent>) -> Self {
        Self::new(ReceiveIdType::ChatId, chat_id, card)
    }

    /// A card for a user by open id (`ou_…`).
    pub fn to_open_id(open_id: impl Into<String>, card: impl Into<CardContent>) -> Self {
        Self::new(ReceiveIdType::OpenId, open_id, card)
    }

    /// Sets the idempotency key.
    pub fn uuid(mut self, uuid: impl Into<String>) -> Self {
        self.uuid = Some(uuid.into());
        self
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

/// Reply to a message with a card.
///
/// ```
/// use card_client::ReplyMessage;
/// use serde_json::json;
///
/// let req = ReplyMessage::new("om_dc13264520392913993dd051dba21dcf", json!({"schema": "2.0"}))
///     .in_thread(true);
/// assert!(req.reply_in_thread);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct ReplyMessage {
    /// The message replied to (`om_…`).
    pub message_id: String,
    /// The card.
    pub card: CardContent,
    /// Reply in a thread (forced by Feishu when the target already is in one).
    pub reply_in_thread: bool,
    /// Idempotency key, as for [`SendMessage::uuid`].
    pub uuid: Option<String>,
    /// The validation policy for this card; `None` (the default) follows the client's
    /// ([`ClientBuilder::validation`](crate::ClientBuilder::validation)).
    #[serde(skip)]
    pub validation: Option<Policy>,
}

impl ReplyMessage {
    /// A reply to `message_id`.
    pub fn new(message_id: impl Into<String>, card: impl Into<CardContent>) -> Self {
        ReplyMessage {
            message_id: message_id.into(),
            card: card.into(),
            reply_in_thread: false,
            uuid: None,
            validation: None,
        }
    }

    /// Reply in a thread.
    pub fn in_thread(mut self, yes: bool) -> Self {
        self.reply_in_thread = yes;
        self
    }

    /// Sets the idempotency key.
    pub fn uuid(mut self, uuid: impl Into<String>) -> Self {
        self.uuid = Some(uuid.into());
        self
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

/// Replace the card of a message this app sent, within 14 days. The card must be shared
/// (`config.update_multi: true`, the 2.0 default) before and after.
///
/// ```
/// use card_client::PatchMessage;
/// use serde_json::json;
///
/// let req = PatchMessage::new("om_dc13264520392913993dd051dba21dcf", json!({"schema": "2.0"}));
/// # let _ = req;
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct PatchMessage {
    /// The message (`om_…`).
    pub message_id: String,
    /// The new card (JSON or template).
    pub card: CardContent,
    /// The validation policy for this card; `None` (the default) follows the client's
    /// ([`ClientBuilder::validation`](crate::ClientBuilder::validation)).
    #[serde(skip)]
    pub validation: Option<Policy>,
}

impl PatchMessage {
    /// A new card for `message_id`.
    pub fn new(message_id: impl Into<String>, card: impl Into<CardContent>) -> Self {
        PatchMessage {
            message_id: message_id.into(),
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

/// A message as Feishu returns it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct Message {
    /// `om_…`: keep it to patch, reply or convert to a card entity.
    pub message_id: String,
    /// The root of the reply tree.
    pub root_id: Option<String>,
    /// The message replied to.
    pub parent_id: Option<String>,
    /// The thread, for thread messages.
    pub thread_id: Option<String>,
    /// `interactive` for cards.
    pub msg_type: String,
    /// Milliseconds since the Unix epoch, as a string.
    pub create_time: String,
    /// Milliseconds since the Unix epoch, as a string.
    pub update_time: String,
    /// Whether it was recalled.
    pub deleted: bool,
    /// Whether it was updated.
    pub updated: bool,
    /// The chat (`oc_…`).
    pub chat_id: String,
    /// Who sent it.
    pub sender: Option<Sender>,
    /// The content, as Feishu stores it.
    pub body: Option<MessageBody>,
}

/// The sender of a [`Message`].
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct Sender {
    /// The sender's id (the app id for bots).
    pub id: String,
    /// `open_id` or `app_id`.
    pub id_type: String,
    /// `user`, `app`, `anonymous` or `unknown`.
    pub sender_type: String,
    /// The tenant.
    pub tenant_key: String,
}

/// The body of a [`Message`].
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct MessageBody {
    /// The serialized content.
    pub content: String,
}

/// Card messages. Get it from [`Client::messages`].
#[derive(Debug, Clone, Copy)]
pub struct Messages<'c> {
    client: &'c Client,
}

#[derive(Serialize)]
struct CreateBody<'a> {
    receive_id: &'a str,
    msg_type: &'static str,
    content: String,
    uuid: &'a str,
}

#[derive(Serialize)]
struct ReplyBody<'a> {
    msg_type: &'static str,
    content: String,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    reply_in_thread: bool,
    uuid: &'a str,
}

#[derive(Serialize)]
struct PatchBody {
    content: String,
}

impl<'c> Messages<'c> {
    pub(crate) fn new(client: &'c Client) -> Self {
        Messages { client }
    }

    /// Sends a card (`POST /open-apis/im/v1/messages`).
    ///
    /// Card JSON is validated first, under the request's [`validation`](SendMessage::validation)
    /// policy or else the client's; an invalid card is [`Error::InvalidCard`] and nothing is
    /// sent. Warnings are logged, and kept in the error when Feishu refuses the card. Retries
    /// reuse the request's `uuid`, so a retried send never makes two messages.
    ///
    /// ```no_run
    /// # async fn demo(client: card_client::Client) -> Result<(), card_client::Error> {
    /// use card_client::SendMessage;
    /// use serde_json::json;
    ///
    /// let card = json!({"schema": "2.0", "body": {"elements": [
    ///     {"tag": "markdown", "content": "Build **passed**"}
    /// ]}});
    /// let msg = client.messages().send(SendMessage::to_open_id("ou_7d8a6e6df7621556ce0d21922b676706ccs", card)).await?;
    /// println!("{}", msg.message_id);
    /// # Ok(()) }
    /// ```
    pub async fn send(&self, req: SendMessage) -> Result<Message, Error> {
        const OP: &str = "messages.send";
        if req.receive_id.is_empty() {
            return Err(Error::InvalidArgument(
                "`receive_id` must not be empty".into(),
            ));
        }
        let warnings = self.client.check_card(&req.card, req.validation)?;
        let uuid = match req.uuid {
            Some(u) => check_uuid(u, IM_UUID_MAX)?,
            None => new_uuid(),
        };
        let body = encode::body(&CreateBody {
            receive_id: &req.receive_id,
            msg_type: "interactive",
            content: encode::im_content(&req.card)?,
            uuid: &uuid,
        })?;
        let data = self
            .client
            .call(Call {
                operation: OP,
                method: Method::POST,
                path: "/open-apis/im/v1/messages".into(),
                query: &[("receive_id_type", req.receive_id_type.as_str())],
                body: Body::Fixed(body),
                replay: Replay::Safe,
                card_id: None,
            })
            .await
            .map_err(|e| e.with_card_warnings(warnings))?;
        require(OP, data)
    }

    /// Replies to a message with a card (`POST /open-apis/im/v1/messages/:message_id/reply`).
    ///
    /// Validation and `uuid` handling as for [`Messages::send`].
    ///
    /// ```no_run
    /// # async fn demo(client: card_client::Client) -> Result<(), card_client::Error> {
    /// use card_client::{CardContent, ReplyMessage};
    ///
    /// let card_id = "7355372766134157313"; // from cards().create
    /// client
    ///     .messages()
    ///     .reply(ReplyMessage::new("om_dc13264520392913993dd051dba21dcf", CardContent::entity(card_id)).in_thread(true))
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub async fn reply(&self, req: ReplyMessage) -> Result<Message, Error> {
        const OP: &str = "messages.reply";
        let message_id = check_path_id("message_id", &req.message_id)?;
        let warnings = self.client.check_card(&req.card, req.validation)?;
        let uuid = match req.uuid {
            Some(u) => check_uuid(u, IM_UUID_MAX)?,
            None => new_uuid(),
        };
        let body = encode::body(&ReplyBody {
            msg_type: "interactive",
            content: encode::im_content(&req.card)?,
            reply_in_thread: req.reply_in_thread,
            uuid: &uuid,
        })?;
        let data = self
            .client
            .call(Call {
                operation: OP,
                method: Method::POST,
                path: format!("/open-apis/im/v1/messages/{message_id}/reply"),
                query: &[],
                body: Body::Fixed(body),
                replay: Replay::Safe,
                card_id: None,
            })
            .await
            .map_err(|e| e.with_card_warnings(warnings))?;
        require(OP, data)
    }

    /// Replaces the card of a sent message (`PATCH /open-apis/im/v1/messages/:message_id`).
    ///
    /// For streaming text use a card entity and [`Elements::stream_text`](crate::Elements::stream_text)
    /// instead: patching on every token shows an "edited" mark and hits 230020.
    ///
    /// ```no_run
    /// # async fn demo(client: card_client::Client) -> Result<(), card_client::Error> {
    /// use card_client::PatchMessage;
    /// use serde_json::json;
    ///
    /// let done = json!({"schema": "2.0", "body": {"elements": [{"tag": "markdown", "content": "Done"}]}});
    /// client.messages().patch(PatchMessage::new("om_dc13264520392913993dd051dba21dcf", done)).await?;
    /// # Ok(()) }
    /// ```
    pub async fn patch(&self, req: PatchMessage) -> Result<(), Error> {
        let message_id = check_path_id("message_id", &req.message_id)?;
        if matches!(req.card, CardContent::Entity { .. }) {
            return Err(Error::InvalidArgument(
                "messages().patch takes card JSON or a template; to change a card entity use \
                 cards().update"
                    .into(),
            ));
        }
        let warnings = self.client.check_card(&req.card, req.validation)?;
        let body = encode::body(&PatchBody {
            content: encode::im_content(&req.card)?,
        })?;
        self.client
            .call::<serde::de::IgnoredAny>(Call {
                operation: "messages.patch",
                method: Method::PATCH,
                path: format!("/open-apis/im/v1/messages/{message_id}"),
                query: &[],
                body: Body::Fixed(body),
                replay: Replay::Safe,
                card_id: None,
            })
            .await
            .map_err(|e| e.with_card_warnings(warnings))?;
        Ok(())
    }
}
