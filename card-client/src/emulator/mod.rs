//! A local Feishu: a real HTTP server on loopback with Feishu's rules and error codes, for
//! tests of the client and of bots built on it.
//!
//! [`Emulator::start`] binds `127.0.0.1:0` and serves the token endpoint, messages (send,
//! reply, patch), delayed updates, and every CardKit endpoint (create, update, settings,
//! batch update, id_convert, elements add/update/patch/delete/content). Tests then read its
//! state (messages per chat, each card's current JSON, the request log), inject faults, and
//! move its clock.
//!
//! ```
//! use card_client::emulator::{Emulator, Fault};
//! use card_client::SendMessage;
//! use serde_json::json;
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let feishu = Emulator::start().await?;
//! let client = feishu.client().build()?;
//!
//! feishu.inject(Fault::server_error(503)); // the first attempt fails; the client retries
//! let card = json!({"schema": "2.0", "body": {"elements": [{"tag": "markdown", "content": "hi"}]}});
//! let sent = client.messages().send(SendMessage::to_chat("oc_team", card.clone())).await?;
//!
//! let in_chat = feishu.messages_in_chat("oc_team");
//! assert_eq!(in_chat.len(), 1);
//! assert_eq!(in_chat[0].message_id, sent.message_id);
//! assert_eq!(in_chat[0].card, card);
//! # Ok(())
//! # }
//! ```
//!
//! A bot's own tests work the same way: give the bot code a client from
//! [`Emulator::client`], run it, and check [`Emulator::messages_in_chat`] and
//! [`Emulator::card`]. The crate's `tests/bot_example.rs` is a complete example.
//!
//! # Rules and codes
//!
//! | rule | answer |
//! |---|---|
//! | missing / unknown / expired tenant token | 99991661 / 99991663 (HTTP 400) |
//! | wrong app id / secret on the token endpoint | 10013 / 10015 |
//! | tokens | 2 h; asking with < 30 min left gives a new one, the old one stays valid |
//! | `receive_id_type` unknown / `receive_id` malformed | 230001 / 230034 |
//! | card not JSON, or refused by `card_core`'s validator | 230099 with `ErrCode: 200621; ErrPath: …` (CardKit: 200220) |
//! | card > 30 KB | 230025 (CardKit 200860, delayed update 100000) |
//! | more than 200 elements | 230099 `ErrCode: 11310` (CardKit 300305) |
//! | unknown template | 230099 `ErrCode: 200380` |
//! | unknown entity / entity already sent (an entity is sent once) / older than 14 days | 230099 `ErrCode: 11310` "cardid is invalid" / 230099 `ErrCode: 11310` / 230099 `ErrCode: 200750` |
//! | IM `uuid` seen within 1 hour | the first message is returned again, no new message |
//! | PATCH a message older than 14 days / more than 5 per second / card not shared | 230031 / 230020 / 230099 `ErrCode: 300302` |
//! | CardKit: unknown entity / older than 14 days | 200740 / 200750 |
//! | CardKit: schema not 2.0 / `update_multi: false` / duplicate `element_id` / empty | 300303 / 300302 / 300301 / 300307 |
//! | CardKit: `sequence` not greater than the last accepted one | 300317 |
//! | CardKit: same `uuid` within 1 hour | same operation: success without applying it again; another operation: 200770 |
//! | CardKit: more than 10 operations in one second on one card | HTTP 429, 99991400, `x-ogw-ratelimit-reset: 1` (Feishu does not document this code; the emulator uses the gateway's rate-limit answer, which carries a reset time) |
//! | stream text while streaming is off / after its 10 minutes / on a non-text element | 300309 / 200850 / 300310 |
//! | element not found / add target not found or not a container / `tag` changed by a patch | 300313 / 300315 / 300312 |
//! | callback token malformed or unknown / older than 30 min / used twice | 300020 / 300030 / 300040 |
//! | delayed update turning a 2.0 card into 1.0 / 1.0 non-shared card without `open_ids` | 200830 / 300090 |
//! | long connection: wrong `AppID` / `AppSecret` on `/callback/ws/endpoint` | `code` 514 (HTTP 200) |
//! | long connection: a URL the endpoint did not hand out / the 51st connection of the app | handshake refused with `handshake-status: 514` / `514` and `handshake-autherrcode: 1000040350` |
//! | long connection: no acknowledgement within the callback deadline | the user sees 200341; the event is delivered again |
//!
//! Not emulated: the app-wide tiers (1000/min, 50/s), the 5 messages per second per user or
//! group, message types other than `interactive`, recalls, and who may see a chat.
//!
//! A batch update applies its actions to a copy of the card and keeps them only if all
//! succeed. Streaming mode closes itself 10 minutes (emulator time) after it was turned on;
//! only the stream-text endpoint needs it on.
//!
//! # Time
//!
//! The emulator's clock runs at real speed times [`EmulatorBuilder::speed`], plus whatever
//! [`Emulator::advance`] added. Moving it forward expires tokens (2 h), closes streaming
//! (10 min), ends patch and entity windows (14 days) and callback tokens (30 min).
//! [`Emulator::client`] gives a client whose own waits (backoff, rate-limit resets, the
//! per-card budget) are scaled to the same speed.
//!
//! # Playing the user
//!
//! [`Emulator::user`] gives a [`User`] whose clicks, choices, ticks, inputs and form
//! submissions on sent cards become the `card.action.trigger` callback Feishu would send: the
//! v2 body with a fresh `event_id`, the verification token, the user as `operator`, a `c-…`
//! update token minted for the message (30 minutes, 2 delayed updates), `action` as the
//! component sends it, and `context` with the message and chat. With an encrypt key the body
//! is sent as `{"encrypt": …}` with the `X-Lark-Request-Timestamp`, `-Nonce` and `-Signature`
//! headers; without one it is plain JSON.
//!
//! The callback goes to the bot's URL ([`EmulatorBuilder::callback_url`],
//! [`Emulator::set_callback_url`]) or, without HTTP, straight to a
//! [`CallbackHandler`] ([`Emulator::deliver_to_handler`]),
//! with the same bytes and headers, or over the long connection (see below). The answer is applied as Feishu applies it: its toast is
//! recorded ([`Emulator::toasts`]), its card (raw or template) replaces the message's card, and
//! a non-200 status, an answer that is not valid, a refused card, or no answer within 3 seconds
//! is a failed [`Interaction`] carrying the code Feishu shows the user. Delayed updates made
//! with the interaction's token land in the card afterwards.
//!
//! What Feishu's client would not let a user do is refused with a [`UserError`] before
//! anything is sent: an unknown message, no such component, a disabled one, an option not in
//! the list, a required form field left empty, a component of a streaming card.
//!
//! ```
//! use card_client::callback::{Answer, CallbackConfig, CardAction, Deferred, Toast};
//! use card_client::emulator::Emulator;
//! use card_client::SendMessage;
//! use serde_json::json;
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let feishu = Emulator::builder()
//!     .verification_token("v-token")
//!     .encrypt_key("e-key")
//!     .start()
//!     .await?;
//! let client = feishu.client().build()?;
//! let card = json!({"schema": "2.0", "config": {"update_multi": true}, "body": {"elements": [
//!     {"tag": "button", "text": {"tag": "plain_text", "content": "Approve"},
//!      "behaviors": [{"type": "callback", "value": {"do": "approve"}}]}
//! ]}});
//! let sent = client.messages().send(SendMessage::to_chat("oc_team", card)).await?;
//!
//! // The bot: its handler checks the signature and decrypts, as it would behind a URL.
//! let handler = CallbackConfig::new("v-token").encrypt_key("e-key").build();
//! feishu.deliver_to_handler(handler, |action: CardAction, _later: Deferred| async move {
//!     let done = json!({"schema": "2.0", "config": {"update_multi": true}, "body": {"elements": [
//!         {"tag": "markdown", "content": format!("Approved by {}", action.operator.open_id)}
//!     ]}});
//!     Answer::toast(Toast::success("Approved")).card(done)
//! });
//!
//! let alice = feishu.user("ou_alice");
//! // A button that is not there is refused, naming the ones that are.
//! let err = alice.click(&sent.message_id, "Reject").await.unwrap_err();
//! assert!(err.to_string().contains("button \"Approve\""));
//!
//! let click = alice.click(&sent.message_id, "Approve").await?;
//! assert!(click.is_ok() && click.card_changed);
//! assert_eq!(click.toast.and_then(|t| t.content).as_deref(), Some("Approved"));
//! let card = feishu.message(&sent.message_id).unwrap().card;
//! assert_eq!(card["body"]["elements"][0]["content"], "Approved by ou_alice");
//! # Ok(())
//! # }
//! ```
//!
//! # The control API: tests in any language
//!
//! The emulator also answers under `/_emulator/` on its base URL, so that a test written in
//! any language can play the users over plain HTTP, with JSON bodies; `feishu-card emulator`
//! runs it as a server for bots and SDKs outside Rust. This is how a bot in any language is
//! tested offline: point its SDK's domain at the base URL, give the emulator its callback URL,
//! and click.
//!
//! | request | body | acts as |
//! |---|---|---|
//! | `POST /_emulator/click` | `{"user": "ou_…", "message_id": "om_…", "button": "…"}` | [`User::click`]; `button` is a text, `name` or `element_id` ([`Target::Any`]) |
//! | `POST /_emulator/submit` | `{"user", "message_id", "form": "<form name>", "values": {…}}`, optionally `"button"` | [`User::submit_form`], or [`User::submit_form_with`] when `button` names the submit button |
//! | `POST /_emulator/choose` | `{"user", "message_id", "component": "…", "value": "<option value>"}` | [`User::choose`]; a list (a multiple choice, which only a form holds) is refused, pointing to `submit` |
//! | `POST /_emulator/tick` | `{"user", "message_id", "checker": "…", "checked": true}` | [`User::tick`] |
//! | `POST /_emulator/input` | `{"user", "message_id", "input": "…", "text": "…"}` | [`User::input`] |
//! | `GET /_emulator/messages` | optional query `chat_id=oc_…` | `[{"message_id", "chat_id", "card", "card_id", "parent_id", "updated"}]`, in the order sent ([`Emulator::messages`]) |
//! | `POST /_emulator/callback_url` | `{"url": "http://…"}` | [`Emulator::set_callback_url`] |
//! | `GET /_emulator/connections` | none | the open long connections, `[{"id", "device_id", "connected_at_ms", "last_ping_ms", "pings", "wrong_service_pings"}]` ([`Emulator::long_connections`]; times in milliseconds on the emulator's clock): poll it to wait until a bot has connected |
//!
//! An action answers 200 with `{"delivered", "status", "toast", "card", "card_changed",
//! "error", "event_id", "answer"}`: `delivered` tells whether the bot answered in time,
//! `toast` is `{"type", "content"}` (and `"i18n"`) or null, `card` is the message's card
//! afterwards, `error` is null or `{"code", "message"}` with the code Feishu's client shows the
//! user ([`InteractionFailure`]: 200341 no answer within 3 s, 200671 a status other than 200,
//! 200672 an answer that is not valid, …), and `answer` is the bot's answer body.
//!
//! A request the emulator cannot act on gets `{"error": {"kind", "message"}}` and a 4xx: 400
//! for a body that is not JSON or has a missing, mistyped or unknown field; 404 for an unknown
//! message (`unknown_message`) or endpoint; 405 for the wrong method; 409 when no callback URL
//! is set; 413 for a body over 1 MiB; 422 (`refused`) for what Feishu's client would not let
//! the user do (no such button, a disabled one, an option not in the list…; the [`UserError`]
//! text). The control API asks for no credentials, is not in [`Emulator::requests`], and faults
//! do not apply to it. The OpenAPI routes read at most 4 MiB of a body (far above a 150 KB
//! text message or a 30 KB card) and answer a larger one with a 413.
//!
//! ```text
//! $ curl -s localhost:PORT/_emulator/click -d '{"user": "ou_alice", "message_id": "om_…", "button": "Approve"}'
//! {"delivered": true, "toast": {"type": "success", "content": "Approved"}, "card": {…}, "error": null, …}
//! ```
//!
//! [`Emulator::mint_callback_token`] and [`Emulator::apply_callback_card`] are the building
//! blocks underneath, for tests that craft callbacks by hand.
//!
//! # The long connection
//!
//! A bot may take its events and card actions over Feishu's long connection instead of a
//! callback URL (the wire format is [`crate::ws::frame`]). `POST /callback/ws/endpoint` with
//! `{"AppID": …, "AppSecret": …}` answers `{"code": 0, "msg": "ok", "data": {"URL":
//! "ws://127.0.0.1:…/ws?ticket=…&device_id=…&service_id=…", "ClientConfig": {…}}}`, and a
//! refusal `{"code", "msg", "data": {}}`; the WebSocket has a loopback port of its own, and
//! only URLs handed out by the endpoint are let in, at most [`MAX_LONG_CONNECTIONS`] at once.
//! Every `ping` control frame gets a `pong` carrying the current `ClientConfig` (Feishu's by
//! default; [`EmulatorBuilder::client_config`] and [`Emulator::set_client_config`] change it,
//! and tests want small values). [`Emulator::long_connections`] lists the open connections
//! (over HTTP: `GET /_emulator/connections`) and [`Emulator::wait_for_long_connections`] waits
//! for the bot to connect.
//!
//! Where emulated users' card actions go:
//!
//! | configured | card actions go to |
//! |---|---|
//! | a callback URL or an in-process handler | there; the long connection only carries [`Emulator::send_event`]'s events |
//! | [`EmulatorBuilder::long_connection`] or [`Emulator::use_long_connection`] | the long connection, waiting up to the callback deadline for a client to connect (none: 200340) |
//! | neither | the long connection while a client is connected, otherwise [`UserError::NoCallbackUrl`] |
//!
//! Each event goes to **one** open connection chosen at random (repeatably, from
//! [`EmulatorBuilder::seed`]) as a data frame (headers `type: event`, `message_id`, `sum`,
//! `seq`, `trace_id`) whose payload is the v2 JSON the HTTP route would get, unencrypted even
//! with an encrypt key. The client's acknowledgement is the answer: code 200 with `data` is
//! applied as an HTTP answer body is (toast, raw or template card, the same failure codes),
//! code 200 without `data` is the empty answer `{}`, code 500 fails the interaction (200671),
//! and an acknowledgement that cannot be read fails it with 200672. Without an acknowledgement
//! within the callback deadline the user sees 200341 and the event is delivered again, perhaps
//! to another client, with the same `event_id` in new frames, up to
//! [`EmulatorBuilder::long_connection_redeliveries`] more times (3 by default); an answer to a
//! re-delivery is recorded but no longer reaches the user. [`Emulator::send_event`] pushes any
//! other event (`im.message.receive_v1`, …) in Feishu's v2 envelope the same way, and
//! [`Emulator::long_connection_deliveries`] records each attempt (the most recent
//! [`EmulatorBuilder::history_limit`]): the connection, the parts, when, and the
//! acknowledgement.
//!
//! Faults ([`LongConnectionFault`], given to [`Emulator::inject_long_connection`]): the socket
//! closed before or after the next event is sent ([`Emulator::drop_long_connections`] closes
//! them all now), the next event split into several frames (in order or shuffled) or sent as
//! `type: card` (as some apps receive card actions), the client's next acknowledgement lost
//! on the way (the event comes again), pongs late or missing, a one-off `ClientConfig` in the next pong, handshakes refused with each of
//! Feishu's codes (514, 403, 514 with `handshake-autherrcode: 1000040350`), and endpoint
//! answers with any code (1 busy and 1000040343 internal error are the ones to retry). Frames
//! that are not protobuf, text messages and acknowledgements of unknown messages are logged
//! and ignored.
//!
//! ```
//! use std::time::Duration;
//! use card_client::emulator::{DeliveryOutcome, Emulator};
//! use card_client::ws::frame::{Acknowledgement, ClientConfig, Frame, ENDPOINT_PATH};
//! use futures_util::{SinkExt, StreamExt};
//! use serde_json::{json, Value};
//! use tokio_tungstenite::tungstenite::Message;
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let feishu = Emulator::builder()
//!     .client_config(ClientConfig { ping_interval: 5, ..ClientConfig::default() })
//!     .start()
//!     .await?;
//!
//! // A bot asks for a URL and connects.
//! let body = json!({"AppID": feishu.app_id(), "AppSecret": feishu.app_secret()});
//! let answer: Value = serde_json::from_slice(
//!     &reqwest::Client::new()
//!         .post(format!("{}{ENDPOINT_PATH}", feishu.base_url()))
//!         .body(body.to_string())
//!         .send()
//!         .await?
//!         .bytes()
//!         .await?,
//! )?;
//! assert_eq!(answer["data"]["ClientConfig"]["PingInterval"], 5);
//! let url = answer["data"]["URL"].as_str().unwrap_or_default();
//! let (mut socket, _) = tokio_tungstenite::connect_async(url).await?;
//! assert!(feishu.wait_for_long_connections(1, Duration::from_secs(5)).await);
//!
//! // The bot acknowledges the first frame it gets.
//! let bot = async move {
//!     while let Some(Ok(Message::Binary(bytes))) = socket.next().await {
//!         let frame = Frame::decode_bytes(&bytes)?;
//!         let ack = frame.acknowledgement(Duration::from_millis(1), &Acknowledgement::ok(None));
//!         socket.send(Message::Binary(ack.encode_bytes().into())).await?;
//!         return Ok::<_, Box<dyn std::error::Error>>(frame);
//!     }
//!     Err("closed".into())
//! };
//! let event = json!({"message": {"message_id": "om_1", "content": "{\"text\":\"hi\"}"}});
//! let (delivery, frame) = tokio::join!(feishu.send_event("im.message.receive_v1", event), bot);
//! let payload: Value = serde_json::from_slice(&frame?.payload.unwrap_or_default())?;
//! assert_eq!(payload["header"]["event_type"], "im.message.receive_v1");
//! assert!(matches!(delivery.outcome, DeliveryOutcome::Acked { code: 200, .. }));
//! # Ok(())
//! # }
//! ```

mod cardjson;
mod components;
mod control;
mod fault;
mod server;
mod state;
mod user;
mod ws;

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::Value;

pub use fault::{Fault, FaultKind};
pub use state::{
    EmulatedCard, EmulatedMessage, Rejection, RequestRecord, Streaming, DEFAULT_HISTORY_LIMIT,
};
pub use user::{
    Interaction, InteractionFailure, ShownToast, Target, User, UserError, UserIdentity, TENANT_KEY,
    VERIFICATION_TOKEN,
};
pub use ws::{
    DeliveryOutcome, LongConnectionDelivery, LongConnectionFault, LongConnectionFaultKind,
    LongConnectionInfo, DEFAULT_REDELIVERIES, MAX_LONG_CONNECTIONS,
};

use crate::callback::{Answer, CallbackHandler, CardAction, Deferred};
use crate::ClientBuilder;
use server::{Clock, Shared};
use state::State;
use user::{Bot, CallbackSettings, Players};

/// The app id the emulator accepts by default.
///
/// Like Feishu's app ids it is `cli_` and 16 hexadecimal digits: the official Node SDK's
/// long-connection client refuses to start with any other.
pub const APP_ID: &str = "cli_0123456789abcdef";
/// The app secret the emulator accepts by default.
pub const APP_SECRET: &str = "emulator-secret";

/// Configures an [`Emulator`].
///
/// ```
/// use card_client::emulator::Emulator;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let feishu = Emulator::builder().app("cli_mybot", "s3cret").speed(20.0).seed(7).start().await?;
/// assert_eq!(feishu.app_id(), "cli_mybot");
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone)]
#[must_use]
pub struct EmulatorBuilder {
    app_id: String,
    app_secret: String,
    speed: f64,
    seed: u64,
    callbacks: CallbackSettings,
    long_connection: ws::Settings,
    bind: SocketAddr,
    history_limit: usize,
}

impl Default for EmulatorBuilder {
    fn default() -> Self {
        EmulatorBuilder {
            app_id: APP_ID.into(),
            app_secret: APP_SECRET.into(),
            speed: 1.0,
            seed: 0x5eed,
            callbacks: CallbackSettings::default(),
            long_connection: ws::Settings::default(),
            bind: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            history_limit: DEFAULT_HISTORY_LIMIT,
        }
    }
}

impl EmulatorBuilder {
    /// The app credentials the token endpoint accepts.
    pub fn app(mut self, app_id: impl Into<String>, app_secret: impl Into<String>) -> Self {
        self.app_id = app_id.into();
        self.app_secret = app_secret.into();
        self
    }

    /// How many times faster than real time the emulator's clock runs (at least 1). Rate
    /// windows, resets and lifetimes are measured on this clock, so a fast clock keeps tests
    /// that hit them short; pair it with [`Emulator::client`], which scales the client's own
    /// waits to match.
    pub fn speed(mut self, speed: f64) -> Self {
        self.speed = if speed.is_finite() && speed >= 1.0 {
            speed
        } else {
            1.0
        };
        self
    }

    /// Stops the clock: only [`Emulator::advance`] moves it. For tests that must see exactly
    /// which request falls in which second; a client waiting for a rate-limit reset waits
    /// until the test advances the clock.
    pub fn frozen_clock(mut self) -> Self {
        self.speed = 0.0;
        self
    }

    /// Seed for the emulator's random choices (ids, fault probabilities).
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// The bot's callback URL, where emulated users' clicks and submissions are POSTed
    /// ([`Emulator::set_callback_url`] sets it later).
    pub fn callback_url(mut self, url: impl Into<String>) -> Self {
        self.callbacks.bot = Some(Bot::Url(url.into()));
        self
    }

    /// The app's Verification Token, put in every callback (default [`VERIFICATION_TOKEN`]).
    pub fn verification_token(mut self, token: impl Into<String>) -> Self {
        self.callbacks.verification_token = token.into();
        self
    }

    /// The app's Encrypt Key: with it, callbacks are encrypted and signed as Feishu does;
    /// without it (the default) they are plain JSON, unsigned.
    pub fn encrypt_key(mut self, key: impl Into<String>) -> Self {
        self.callbacks.encrypt_key = Some(key.into());
        self
    }

    /// The tenant of the emulated users (default [`TENANT_KEY`]).
    pub fn tenant_key(mut self, tenant_key: impl Into<String>) -> Self {
        self.callbacks.tenant_key = tenant_key.into();
        self
    }

    /// Registers a user's identity; [`Emulator::user`] with its open id plays that user.
    /// Unregistered open ids get [`UserIdentity::new`].
    pub fn user(mut self, identity: UserIdentity) -> Self {
        self.callbacks
            .users
            .insert(identity.open_id.clone(), identity);
        self
    }

    /// How long the emulator waits for the bot's answer before showing the user Feishu's
    /// timeout error (200341). Feishu waits 3 seconds, the default; a shorter wait keeps
    /// tests of a bot that never answers short.
    pub fn callback_deadline(mut self, deadline: Duration) -> Self {
        self.callbacks.deadline = deadline;
        self
    }

    /// Serves on this loopback port (`127.0.0.1:PORT`); 0, the default, takes any free one.
    pub fn port(mut self, port: u16) -> Self {
        self.bind = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
        self
    }

    /// Serves on this address instead of `127.0.0.1:0`. The emulator checks no credentials on
    /// its control API (`/_emulator/`), so an address other than loopback lets anyone who can
    /// reach it play the users.
    pub fn bind(mut self, addr: SocketAddr) -> Self {
        self.bind = addr;
        self
    }

    /// How many records each of the emulator's logs keeps: [`Emulator::requests`],
    /// [`Emulator::interactions`] (and so [`Emulator::toasts`]) and
    /// [`Emulator::long_connection_deliveries`]. Each keeps its most recent `limit` records
    /// and forgets older ones, so that an emulator serving for hours does not grow without
    /// end; the default is [`DEFAULT_HISTORY_LIMIT`] (10,000). 0 keeps none. Messages, cards
    /// and everything Feishu's rules need are kept whatever the limit.
    ///
    /// ```
    /// use card_client::emulator::Emulator;
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let feishu = Emulator::builder().history_limit(2).start().await?;
    /// let url = format!("{}/open-apis/auth/v3/tenant_access_token/internal", feishu.base_url());
    /// for _ in 0..3 {
    ///     reqwest::Client::new().post(&url).body("{}").send().await?;
    /// }
    /// // Three requests answered; the log keeps the last two.
    /// assert_eq!(feishu.requests().len(), 2);
    /// # Ok(())
    /// # }
    /// ```
    pub fn history_limit(mut self, limit: usize) -> Self {
        self.history_limit = limit;
        self
    }

    /// Binds `127.0.0.1:0` (or the address given to [`EmulatorBuilder::port`] or
    /// [`EmulatorBuilder::bind`]) and starts serving on the current tokio runtime.
    ///
    /// # Errors
    ///
    /// When the address cannot be bound (a port in use, say).
    pub async fn start(self) -> std::io::Result<Emulator> {
        let start_unix_ms = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_millis() as u64)
            .unwrap_or(0);
        let mut state = State::new(
            self.app_id.clone(),
            self.app_secret.clone(),
            start_unix_ms,
            self.seed,
        );
        state.history_limit = self.history_limit;
        let shared = Arc::new(Shared {
            state: Mutex::new(state),
            clock: Clock::new(self.speed),
            ws: ws::Hub::new(
                self.app_id.clone(),
                self.app_secret.clone(),
                self.seed,
                self.long_connection,
                self.history_limit,
            ),
            control: OnceLock::new(),
        });
        ws::serve(shared.clone()).await?;
        let (addr, task) = server::serve(shared.clone(), self.bind).await?;
        let emulator = Emulator {
            players: Arc::new(Players::new(self.callbacks, self.history_limit)),
            shared,
            addr,
            task: Some(task),
            speed: self.speed,
            app_id: self.app_id,
            app_secret: self.app_secret,
        };
        let _ = emulator.shared.control.set(control::Owner::of(&emulator));
        Ok(emulator)
    }
}

/// A running local Feishu. Dropping it stops the server.
pub struct Emulator {
    shared: Arc<Shared>,
    players: Arc<Players>,
    addr: SocketAddr,
    /// The server; `None` in the handle the control API acts through, which does not own it.
    task: Option<tokio::task::JoinHandle<()>>,
    speed: f64,
    app_id: String,
    app_secret: String,
}

impl std::fmt::Debug for Emulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Emulator")
            .field("base_url", &self.base_url())
            .field("app_id", &self.app_id)
            .field("speed", &self.speed)
            .finish_non_exhaustive()
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        // The control API's handle (without the task) owns nothing, so it stops nothing.
        let Some(task) = &self.task else {
            return;
        };
        task.abort();
        self.shared.ws.shutdown();
    }
}

impl Emulator {
    /// Starts an emulator with the default app ([`APP_ID`], [`APP_SECRET`]) at real speed.
    ///
    /// # Errors
    ///
    /// When no loopback port can be bound.
    pub async fn start() -> std::io::Result<Emulator> {
        EmulatorBuilder::default().start().await
    }

    /// Configures an emulator.
    pub fn builder() -> EmulatorBuilder {
        EmulatorBuilder::default()
    }

    /// `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The app id it accepts.
    pub fn app_id(&self) -> &str {
        &self.app_id
    }

    /// The app secret it accepts.
    pub fn app_secret(&self) -> &str {
        &self.app_secret
    }

    /// A client builder pointed at this emulator, with its credentials and its clock speed.
    pub fn client(&self) -> ClientBuilder {
        crate::Client::builder(self.app_id.clone(), self.app_secret.clone())
            .base_url(self.base_url())
            .time_scale(self.speed.max(1.0))
    }

    /// The emulator's clock: time since it started, sped up, plus [`Emulator::advance`]s.
    pub fn now(&self) -> Duration {
        self.shared.clock.now()
    }

    /// Moves the clock forward.
    pub fn advance(&self, by: Duration) {
        self.shared.clock.advance(by);
    }

    /// Every message, in the order they were sent.
    pub fn messages(&self) -> Vec<EmulatedMessage> {
        self.shared.state().messages().collect()
    }

    /// The messages in one chat (`oc_…`; messages to a user land in `oc_p2p_<id>`).
    pub fn messages_in_chat(&self, chat_id: &str) -> Vec<EmulatedMessage> {
        self.shared
            .state()
            .messages()
            .filter(|m| m.chat_id == chat_id)
            .collect()
    }

    /// The messages addressed to one user or chat id (replies count for their parent's).
    pub fn messages_to(&self, receive_id: &str) -> Vec<EmulatedMessage> {
        self.shared
            .state()
            .messages()
            .filter(|m| m.receive_id == receive_id)
            .collect()
    }

    /// One message.
    pub fn message(&self, message_id: &str) -> Option<EmulatedMessage> {
        self.shared.state().message(message_id)
    }

    /// One card entity, with its current JSON, streaming state and last sequence.
    pub fn card(&self, card_id: &str) -> Option<EmulatedCard> {
        let now = self.now();
        self.shared.state().card(card_id, now)
    }

    /// The requests so far, in arrival order: the most recent
    /// [`EmulatorBuilder::history_limit`] of them (10,000 by default); older ones are
    /// forgotten.
    pub fn requests(&self) -> Vec<RequestRecord> {
        self.shared.state().requests()
    }

    /// Forgets the request log.
    pub fn clear_requests(&self) {
        self.shared.state().clear_requests();
    }

    /// How many CardKit requests were refused for exceeding 10 operations per second on one
    /// card.
    pub fn rate_violations(&self) -> u64 {
        self.shared.state().rate_violations
    }

    /// Adds a fault rule; rules are tried in the order they were added.
    pub fn inject(&self, fault: Fault) {
        self.shared.state().faults.push(fault);
    }

    /// Removes every fault rule and lifts an injected rate limit.
    pub fn clear_faults(&self) {
        let mut state = self.shared.state();
        state.faults.clear();
        state.rate_blocked_until = None;
    }

    /// Makes every tenant token issued so far invalid (the next call with one gets 99991663).
    pub fn expire_tokens(&self) {
        self.shared.state().expire_tokens();
    }

    /// Publishes a card-builder template: `${name}` placeholders in its strings are filled from
    /// `template_variable` (a string that is only a placeholder takes the variable's JSON value).
    pub fn register_template(&self, template_id: &str, version: &str, card: Value) {
        self.shared
            .state()
            .register_template(template_id, version, card);
    }

    /// The `c-…` update token a card callback on `message_id` would carry (30 minutes, 2
    /// uses), or `None` if there is no such message.
    pub fn mint_callback_token(&self, message_id: &str) -> Option<String> {
        let now = self.now();
        self.shared.state().mint_callback_token(message_id, now)
    }

    /// Plays the user with this open id (registered with [`EmulatorBuilder::user`], or a
    /// [`UserIdentity::new`] otherwise): their clicks, choices and submissions on sent cards
    /// reach the bot as Feishu's callbacks.
    pub fn user(&self, open_id: &str) -> User<'_> {
        let identity = self
            .players
            .settings()
            .users
            .get(open_id)
            .cloned()
            .unwrap_or_else(|| UserIdentity::new(open_id));
        User::new(self, identity)
    }

    /// Sends callbacks to the bot at `url` from now on.
    pub fn set_callback_url(&self, url: impl Into<String>) {
        self.players.set_bot(Bot::Url(url.into()));
    }

    /// Sends callbacks to `handler` and the bot's `callback` function in this process, without
    /// HTTP, from now on. The bytes and headers are the ones a POST would carry (encrypted and
    /// signed when an encrypt key is set), so the handler checks them as it would over HTTP.
    ///
    /// The handler must have the emulator's verification token and encrypt key.
    pub fn deliver_to_handler<F, Fut>(&self, handler: CallbackHandler, callback: F)
    where
        F: Fn(CardAction, Deferred) -> Fut + Clone + Send + Sync + 'static,
        Fut: std::future::Future<Output = Answer> + Send + 'static,
    {
        self.players.set_bot(user::in_process(handler, callback));
    }

    /// Changes how long the emulator waits for the bot's answer; see
    /// [`EmulatorBuilder::callback_deadline`].
    pub fn set_callback_deadline(&self, deadline: Duration) {
        self.players.settings().deadline = deadline;
    }

    /// The verification token put in callbacks.
    pub fn verification_token(&self) -> String {
        self.players.settings().verification_token.clone()
    }

    /// The encrypt key callbacks are encrypted and signed with, if any.
    pub fn encrypt_key(&self) -> Option<String> {
        self.players.settings().encrypt_key.clone()
    }

    /// The interactions of emulated users so far, in order, failed ones included: the most
    /// recent [`EmulatorBuilder::history_limit`] of them (10,000 by default); older ones are
    /// forgotten.
    pub fn interactions(&self) -> Vec<Interaction> {
        self.players.interactions()
    }

    /// The toasts the bot's answers showed, in order, in the interactions
    /// [`Emulator::interactions`] still holds.
    pub fn toasts(&self) -> Vec<ShownToast> {
        self.players
            .interactions()
            .into_iter()
            .filter_map(|i| i.toast)
            .collect()
    }

    /// Replaces a message's card as a callback answer `{"card": {"type": "raw", "data": …}}`
    /// does (for an entity message, the entity's JSON changes).
    ///
    /// # Errors
    ///
    /// The [`Rejection`] Feishu would give: unknown message, 2.0 → 1.0, invalid card, > 30 KB.
    pub fn apply_callback_card(&self, message_id: &str, card: Value) -> Result<(), Rejection> {
        self.shared
            .state()
            .apply_callback_card(message_id, card, false)
            .map(|_changed| ())
    }
}
