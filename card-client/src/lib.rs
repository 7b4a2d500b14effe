//! Async client for Feishu/Lark cards: send, update and stream cards through every Feishu API
//! that handles them, keeping the platform's rules for you.
//!
//! # The client
//!
//! One [`Client`] per app, built from the app id and secret, cheap to clone. Its handles group
//! the operations by API area:
//!
//! | handle | operations |
//! |---|---|
//! | [`Client::messages`] | [`send`](Messages::send), [`reply`](Messages::reply), [`patch`](Messages::patch) |
//! | [`Client::cards`] | [`create`](Cards::create), [`update`](Cards::update), [`settings`](Cards::settings), [`batch_update`](Cards::batch_update), [`id_convert`](Cards::id_convert) |
//! | [`Client::elements`] | [`add`](Elements::add), [`update`](Elements::update), [`patch`](Elements::patch), [`delete`](Elements::delete), [`stream_text`](Elements::stream_text) |
//! | [`Client::delayed`] | [`update`](Delayed::update) with a [`CallbackToken`] |
//!
//! Cards are given as a [`CardContent`]: card JSON (a typed card or a `serde_json::Value`), a
//! [`Template`], or a card entity by id.
//!
//! ```no_run
//! use card_client::{CardContent, CardSettings, Client, CreateCard, SendMessage, StreamText, UpdateSettings};
//! use serde_json::json;
//!
//! # async fn demo() -> Result<(), card_client::Error> {
//! let client = Client::builder("cli_a1b2c3", "app-secret").build()?;
//!
//! // A streaming answer: create an entity, send it, type into it, close streaming.
//! let card_id = client.cards().create(CreateCard::new(json!({
//!     "schema": "2.0",
//!     "config": {"streaming_mode": true},
//!     "body": {"elements": [{"tag": "markdown", "element_id": "answer", "content": "…"}]}
//! }))).await?;
//! client.messages().send(SendMessage::to_chat("oc_84983ff6516d731e5b5f68d4ea2e1da5", CardContent::entity(&card_id))).await?;
//! client.elements(&card_id).stream_text(StreamText::new("answer", "Hello")).await?;
//! client.elements(&card_id).stream_text(StreamText::new("answer", "Hello, world")).await?;
//! client.cards().settings(UpdateSettings::new(&card_id, CardSettings::streaming(false))).await?;
//! # Ok(())
//! # }
//! ```
//!
//! # Receiving card actions and events
//!
//! The long connection is the default way to receive callbacks: with the `ws` feature,
//! [`ws::Listener`] opens a WebSocket to Feishu with the app's id and secret, so the bot needs
//! no public URL, certificate, encrypt key or verification token. It reconnects by itself, and
//! answers each card action with your function's [`callback::Answer`] within Feishu's 3
//! seconds.
//!
//! ```no_run
//! # #[cfg(feature = "ws")]
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use card_client::callback::{Answer, Toast};
//! use card_client::{ws, Client};
//!
//! let client = Client::builder("cli_a1b2c3", "app-secret").build()?;
//! let listener = ws::Listener::builder(client)
//!     .on_card_action(|action, _later| async move {
//!         Answer::toast(Toast::success(format!("Thanks, {}", action.operator.open_id)))
//!     })
//!     .start();
//! listener.wait().await?;
//! # Ok(()) }
//! ```
//!
//! When Feishu must POST callbacks to a URL instead, [`callback::CallbackHandler`] checks,
//! decrypts, types and answers them with the same functions, with an axum route behind the
//! `axum` feature.
//!
//! # The rules it keeps for you
//!
//! - **Validation**: card JSON is checked with [`card_core::validate::validate_value_with`]
//!   before anything is sent; an invalid card is [`Error::InvalidCard`] with every problem, and
//!   no request is made. What this version does not know (a component or property Feishu added
//!   since) is an error by default ([`Policy::Strict`](card_core::validate::Policy::Strict)) and
//!   a warning under [`Policy::Lenient`](card_core::validate::Policy::Lenient), chosen for the
//!   client ([`ClientBuilder::validation`]) or per request (such as
//!   [`SendMessage::validation`]); see [`ClientBuilder::validation`] for why strict is the
//!   default.
//! - **Encoding**: `content`, `data`, `element(s)`, `partial_element`, `settings` and `actions`
//!   are strings of JSON inside the JSON body; the client encodes them, once.
//! - **Tenant token**: fetched on first use, shared by every caller, kept until 3 minutes before
//!   it expires; when Feishu refuses it (99991663, 99991664) the client fetches a new one and
//!   retries once.
//! - **Sequences**: every CardKit write carries a `sequence` per card entity, strictly
//!   increasing from 1 across every kind of call; calls on one card are serialised so they
//!   reach Feishu in that order. After a 300317 (another writer is ahead) the client jumps past
//!   the conflict and retries once; [`Client::resume_card`] continues a card another process
//!   wrote to.
//! - **Per-card budget**: at most 10 operations per second on one card entity, shared by every
//!   call on it; calls wait for their turn rather than fail.
//! - **Idempotency**: sends, replies and CardKit writes carry a `uuid` (yours, or a generated
//!   one) that every retry reuses, so a retried send never makes two messages.
//! - **Retries**: by Feishu's error classes, as documented on [`RetryPolicy`]; invalid cards are
//!   never retried.
//! - **Secrets**: the app secret and tokens are [`Secret`]s, printed as `[redacted]`.
//!
//! # Errors
//!
//! [`Error`] tells a network failure, Feishu's refusal ([`ApiError`], with `code`, `msg`,
//! log id, and for card errors the parsed `ErrCode`/`ErrPath`/`ErrMsg`), an unreadable answer,
//! and the local checks apart; [`ErrorClass`] says what to do about a Feishu code.
//!
//! # Testing without Feishu
//!
//! With the `emulator` feature, [`emulator::Emulator`] is a local Feishu on loopback that
//! implements every endpoint above with Feishu's rules and error codes, and lets tests read its
//! state, inject faults and move its clock. See the [`emulator`] module.

#![warn(missing_docs)]

mod api;
pub mod callback;
mod card;
mod client;
mod encode;
mod error;
mod retry;
mod secret;
mod sequencer;
pub mod store;
pub mod stream;
mod token;

#[cfg(feature = "emulator")]
pub mod emulator;
#[cfg(feature = "ws")]
pub mod ws;

pub use api::cards::{
    BatchAction, BatchUpdate, CardSettings, Cards, CreateCard, UpdateCard, UpdateSettings,
};
pub use api::delayed::{CallbackToken, Delayed, DelayedUpdate};
pub use api::elements::{
    AddElements, DeleteElement, Elements, PatchElement, Position, StreamText, UpdateElement,
    MAX_STREAM_TEXT_CHARS,
};
pub use api::messages::{
    Message, MessageBody, Messages, PatchMessage, ReceiveIdType, ReplyMessage, SendMessage, Sender,
};
pub use card::{CardContent, Template};
pub use client::{BaseUrl, Client, ClientBuilder, FEISHU_BASE_URL, LARK_BASE_URL};
pub use error::{ApiError, CallbackTokenError, CardError, Error, ErrorClass};
pub use retry::RetryPolicy;
pub use secret::Secret;
