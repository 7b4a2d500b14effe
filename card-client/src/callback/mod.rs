//! Card callbacks: verify, decrypt and type what Feishu POSTs when a user acts on a card, and
//! answer it within Feishu's 3 seconds, whatever your function takes.
//!
//! A [`CallbackHandler`] takes the request's headers and raw body bytes from any web framework
//! (the `axum` feature adds a ready route, [`axum::post`]) and gives back an [`HttpAnswer`]:
//!
//! 1. a body over the limit (1 MiB by default) is refused with 413;
//! 2. with an encrypt key, the signature headers are checked against the raw body
//!    (`SHA-256(timestamp ‖ nonce ‖ encrypt_key ‖ body)`, compared in constant time), and the
//!    signed timestamp must be within 5 minutes of this machine's clock;
//! 3. an `{"encrypt": …}` body is decrypted (AES-256-CBC, key `SHA-256(encrypt_key)`);
//! 4. the URL verification challenge is answered once its verification token matches, even
//!    without signature headers, since Feishu sends it unsigned;
//! 5. every other body must be signed (with an encrypt key), carry the verification token, and
//!    be a `card.action.trigger` callback (schema 2.0); its `event_id` is then claimed in the
//!    [`EventStore`] for this delivery ([`EVENT_CLAIM_LEASE`]): an event already handled is
//!    refused (409), and one that another delivery is still handling is waited for until the
//!    deadline: a duplicate once that delivery answers, this delivery's to handle should its
//!    claim lapse (its replica died), and otherwise 503, so that Feishu delivers it again;
//! 6. your async function gets the typed [`CardAction`] and a [`Deferred`] handle. If it
//!    answers within the deadline (3 s minus a margin of 500 ms by default), its [`Answer`] is
//!    the HTTP answer. If not, the handler answers with the fallback toast, lets your function
//!    run on, and delivers the card of its late answer with a delayed update once the fallback
//!    has gone out.
//!
//! Anything refused gets a 4xx status ([`CallbackError::status`]) and one log line, never a
//! panic.
//!
//! ```no_run
//! use card_client::callback::{Answer, CallbackConfig, CardAction, Deferred, Toast};
//! use card_client::Client;
//! use serde::Deserialize;
//!
//! #[derive(Deserialize)]
//! #[serde(tag = "do", rename_all = "snake_case")]
//! enum Click { Approve { request: u64 }, Reject { request: u64 } }
//!
//! async fn on_card(action: CardAction, _later: Deferred) -> Answer {
//!     match action.value::<Click>() {
//!         Ok(Click::Approve { request }) => Answer::toast(Toast::success(format!("#{request} approved"))),
//!         Ok(Click::Reject { request }) => Answer::toast(Toast::warning(format!("#{request} rejected"))),
//!         Err(e) => Answer::toast(Toast::error(e.to_string())),
//!     }
//! }
//!
//! # async fn demo(headers: http::HeaderMap, body: Vec<u8>) -> Result<(), card_client::Error> {
//! let client = Client::builder("cli_a1b2c3", "app-secret").build()?;
//! let handler = CallbackConfig::new("verification-token")
//!     .encrypt_key("encrypt-key")
//!     .client(client)
//!     .build();
//!
//! // In your web framework's route, with the request's headers and raw body:
//! let answer = handler.handle(&headers, &body, on_card).await;
//! // ... respond with answer.status(), answer.content_type(), answer.body(), then:
//! answer.mark_sent();
//! # Ok(()) }
//! ```

mod answer;
#[cfg(feature = "axum")]
pub mod axum;
mod crypto;
mod deferred;
mod error;
mod event;
mod store;

use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::hash::BuildHasher;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use card_core::validate::Policy;
use serde_json::{Map, Value};
use tokio::sync::oneshot;
use tokio::time::Instant;

pub use answer::{Answer, AnswerCard, AnswerSent, HttpAnswer, Toast, ToastKind, CONTENT_TYPE};
pub use crypto::{decrypt, encrypt, signature};
pub use deferred::Deferred;
pub use error::CallbackError;
pub use event::{Action, CardAction, Context, Operator, CARD_ACTION_TRIGGER};
pub use store::{Claim, ClaimFuture, EventStore, MemoryEventStore, StoreError, StoreFuture};

use crate::{Client, Secret};
use deferred::Tracker;

/// How long Feishu waits for the answer to a card callback.
pub const FEISHU_DEADLINE: Duration = Duration::from_secs(3);

/// How long a delivery's claim on an event lasts unless finished first: Feishu's deadline and
/// a second more. The delivery that holds it answers by the deadline and finishes the event
/// then, so the claim outlives it only when its replica died before answering; another
/// delivery then claims the event once it lapses.
pub const EVENT_CLAIM_LEASE: Duration = Duration::from_secs(4);

/// How often a delivery that found an event claimed elsewhere asks again.
const CLAIM_POLL: Duration = Duration::from_millis(25);

/// The header carrying the signed timestamp (Unix seconds).
pub const TIMESTAMP_HEADER: &str = "X-Lark-Request-Timestamp";
/// The header carrying the signed nonce.
pub const NONCE_HEADER: &str = "X-Lark-Request-Nonce";
/// The header carrying the signature.
pub const SIGNATURE_HEADER: &str = "X-Lark-Signature";

/// Request headers, looked up by name without regard to case.
///
/// Implemented for `http::HeaderMap` (axum, hyper, reqwest, actix-web's `http` types) and for
/// lists and maps of string pairs, so no web framework is imposed.
///
/// ```
/// use card_client::callback::Headers;
///
/// let headers = [("x-lark-signature", "ab12"), ("Content-Type", "application/json")];
/// assert_eq!(headers.header("X-Lark-Signature"), Some("ab12"));
/// assert_eq!(headers.header("X-Lark-Request-Nonce"), None);
/// ```
pub trait Headers {
    /// The value of the header `name`, if present and text.
    fn header(&self, name: &str) -> Option<&str>;
}

impl Headers for http::HeaderMap {
    fn header(&self, name: &str) -> Option<&str> {
        self.get(name).and_then(|v| v.to_str().ok())
    }
}

impl<K: AsRef<str>, V: AsRef<str>> Headers for [(K, V)] {
    fn header(&self, name: &str) -> Option<&str> {
        self.iter()
            .find(|(k, _)| k.as_ref().eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_ref())
    }
}

impl<K: AsRef<str>, V: AsRef<str>, const N: usize> Headers for [(K, V); N] {
    fn header(&self, name: &str) -> Option<&str> {
        self.as_slice().header(name)
    }
}

impl<K: AsRef<str>, V: AsRef<str>> Headers for Vec<(K, V)> {
    fn header(&self, name: &str) -> Option<&str> {
        self.as_slice().header(name)
    }
}

impl<K: AsRef<str>, V: AsRef<str>, S: BuildHasher> Headers for HashMap<K, V, S> {
    fn header(&self, name: &str) -> Option<&str> {
        self.iter()
            .find(|(k, _)| k.as_ref().eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_ref())
    }
}

/// How a [`CallbackHandler`] checks and answers callbacks.
///
/// Only the verification token is required. Give the app's Encrypt Key too whenever one is set
/// in the developer console (Feishu then encrypts and signs every callback), and a [`Client`]
/// for delayed updates.
///
/// ```
/// use card_client::callback::{Answer, CallbackConfig, MemoryEventStore, Toast};
/// use card_core::model::Locale;
/// use std::time::Duration;
///
/// let handler = CallbackConfig::new("verification-token")
///     .encrypt_key("encrypt-key")
///     .timestamp_window(Duration::from_secs(120))
///     .body_limit(256 * 1024)
///     .deadline_margin(Duration::from_millis(800))
///     .fallback(Answer::toast(
///         Toast::info("Working on it…").translation(Locale::ZhCn, "处理中…"),
///     ))
///     .event_store(MemoryEventStore::new(50_000, Duration::from_secs(600)))
///     .build();
/// # let _ = handler;
/// ```
#[derive(Clone)]
#[must_use]
pub struct CallbackConfig {
    verification_token: Secret,
    encrypt_key: Option<Secret>,
    timestamp_window: Duration,
    body_limit: usize,
    deadline_margin: Duration,
    fallback: Answer,
    store: Arc<dyn EventStore>,
    client: Option<Client>,
}

impl CallbackConfig {
    /// Default distance allowed between a signed timestamp and this machine's clock.
    pub const DEFAULT_TIMESTAMP_WINDOW: Duration = Duration::from_secs(5 * 60);
    /// Default largest body accepted, in bytes.
    pub const DEFAULT_BODY_LIMIT: usize = 1024 * 1024;
    /// Default time kept in hand before Feishu's 3 seconds run out.
    pub const DEFAULT_DEADLINE_MARGIN: Duration = Duration::from_millis(500);

    /// A configuration with the app's Verification Token and every default: no encrypt key,
    /// 5-minute timestamp window, 1 MiB body limit, 500 ms deadline margin, an info toast
    /// "Processing…" (translated for Chinese users) as the fallback, an in-memory event store,
    /// no client.
    pub fn new(verification_token: impl Into<Secret>) -> Self {
        CallbackConfig {
            verification_token: verification_token.into(),
            encrypt_key: None,
            timestamp_window: Self::DEFAULT_TIMESTAMP_WINDOW,
            body_limit: Self::DEFAULT_BODY_LIMIT,
            deadline_margin: Self::DEFAULT_DEADLINE_MARGIN,
            fallback: Answer::toast(
                Toast::info("Processing…")
                    .translation(card_core::model::Locale::ZhCn, "处理中…")
                    .translation(card_core::model::Locale::EnUs, "Processing…"),
            ),
            store: Arc::new(MemoryEventStore::default()),
            client: None,
        }
    }

    /// The app's Encrypt Key: bodies are decrypted with it and every callback must carry a
    /// valid signature made with it.
    pub fn encrypt_key(mut self, encrypt_key: impl Into<Secret>) -> Self {
        self.encrypt_key = Some(encrypt_key.into());
        self
    }

    /// How far a signed timestamp may be from this machine's clock, either way.
    pub fn timestamp_window(mut self, window: Duration) -> Self {
        self.timestamp_window = window;
        self
    }

    /// The largest body accepted, in bytes.
    pub fn body_limit(mut self, bytes: usize) -> Self {
        self.body_limit = bytes;
        self
    }

    /// How long before Feishu's 3 seconds the fallback answer goes out when your function has
    /// not answered. It must cover the time the request took to arrive and the answer takes to
    /// travel back; 3 seconds or more means the fallback is always answered.
    pub fn deadline_margin(mut self, margin: Duration) -> Self {
        self.deadline_margin = margin;
        self
    }

    /// The answer given when your function misses the deadline; best a toast alone, since the
    /// card of your function's late answer follows as a delayed update.
    pub fn fallback(mut self, answer: Answer) -> Self {
        self.fallback = answer;
        self
    }

    /// Where `event_id`s are claimed while handled and remembered once handled; give the
    /// handlers of every replica the same shared store (see [`EventStore`]).
    pub fn event_store(mut self, store: impl EventStore) -> Self {
        self.store = Arc::new(store);
        self
    }

    /// The client that delivers delayed updates; its validation policy
    /// ([`ClientBuilder::validation`](crate::ClientBuilder::validation)) also judges the cards
    /// of answers (strict without a client).
    pub fn client(mut self, client: Client) -> Self {
        self.client = Some(client);
        self
    }

    /// Sets the client for delayed updates unless one was given.
    #[cfg(feature = "ws")]
    pub(crate) fn client_or(mut self, client: &Client) -> Self {
        if self.client.is_none() {
            self.client = Some(client.clone());
        }
        self
    }

    /// The handler.
    pub fn build(self) -> CallbackHandler {
        CallbackHandler::new(self)
    }
}

impl fmt::Debug for CallbackConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CallbackConfig")
            .field("verification_token", &self.verification_token)
            .field("encrypt_key", &self.encrypt_key)
            .field("timestamp_window", &self.timestamp_window)
            .field("body_limit", &self.body_limit)
            .field("deadline_margin", &self.deadline_margin)
            .field("fallback", &self.fallback)
            .field("client", &self.client)
            .finish_non_exhaustive()
    }
}

/// Checks, decrypts and answers card callbacks; see the [module docs](self).
///
/// Cheap to clone: clones share the configuration, the event store and the count of functions
/// still running. Use it on a tokio runtime (it spawns your function).
#[derive(Debug, Clone)]
pub struct CallbackHandler {
    config: Arc<CallbackConfig>,
    tracker: Arc<Tracker>,
}

enum Admitted {
    Challenge(String),
    Action(Box<CardAction>),
}

impl CallbackHandler {
    /// A handler with `config`.
    pub fn new(config: CallbackConfig) -> Self {
        CallbackHandler {
            config: Arc::new(config),
            tracker: Arc::new(Tracker::default()),
        }
    }

    /// The largest body accepted, in bytes; an integration reading the body itself can stop
    /// reading beyond it.
    pub fn body_limit(&self) -> usize {
        self.config.body_limit
    }

    /// Handles one callback POST: `headers` and the raw `body` bytes as they arrived (not
    /// re-serialized), and your function to run on a card action.
    ///
    /// Returns at the latest when the deadline (3 s minus the margin, counted from this call)
    /// is reached. See the [module docs](self) for the order of the checks.
    ///
    /// ```
    /// use card_client::callback::{Answer, CallbackConfig, Toast};
    /// use serde_json::json;
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let handler = CallbackConfig::new("v-token").build();
    /// let body = json!({"schema": "2.0",
    ///     "header": {"event_id": "e-1", "token": "v-token", "event_type": "card.action.trigger"},
    ///     "event": {"token": "c-1", "operator": {"open_id": "ou_1"},
    ///               "action": {"tag": "button", "value": {"vote": "yes"}}}}).to_string();
    ///
    /// let answer = handler
    ///     .handle(&[("Content-Type", "application/json")], body.as_bytes(), |action, _later| async move {
    ///         Answer::toast(Toast::success(format!("{} voted", action.operator.open_id)))
    ///     })
    ///     .await;
    /// assert_eq!(answer.status(), 200);
    /// assert_eq!(answer.body(), br#"{"toast":{"type":"success","content":"ou_1 voted"}}"#);
    ///
    /// // The same event again is a replay.
    /// let again = handler.handle(&[("Content-Type", "application/json")], body.as_bytes(), |_, _| async { Answer::empty() }).await;
    /// assert_eq!(again.status(), 409);
    /// # }
    /// ```
    pub async fn handle<H, F, Fut>(&self, headers: &H, body: &[u8], callback: F) -> HttpAnswer
    where
        H: Headers + ?Sized,
        F: FnOnce(CardAction, Deferred) -> Fut,
        Fut: Future<Output = Answer> + Send + 'static,
    {
        let received = Instant::now();
        match self.admit(headers, body, received).await {
            Ok(Admitted::Challenge(challenge)) => {
                tracing::info!("answered Feishu's URL verification challenge");
                let body = serde_json::json!({ "challenge": challenge });
                HttpAnswer::ok(
                    serde_json::to_vec(&body).unwrap_or_default(),
                    AnswerSent::new().0,
                )
            }
            Ok(Admitted::Action(action)) => self.dispatch(*action, received, callback).await,
            Err(error) => self.refuse(error),
        }
    }

    /// Handles a `card.action.trigger` event that needs no checking: one that arrived over
    /// Feishu's long connection ([`crate::ws`]), which carries events unencrypted, unsigned and
    /// with no verification token to compare. `received` is when it arrived: Feishu's 3
    /// seconds count from then.
    ///
    /// Everything after the checks is the same as [`CallbackHandler::handle`]: a second
    /// delivery of an `event_id` already handled is refused (409, [`CallbackError::Replayed`])
    /// without running your function, one still being handled elsewhere is waited for (503,
    /// [`CallbackError::InProgress`], when it is still in progress at the deadline), the answer is given by the deadline (the fallback if your function
    /// is still running, its late card then delivered by a delayed update), a panic is a 500.
    /// Call [`HttpAnswer::mark_sent`] once the answer has gone out.
    ///
    /// ```
    /// use card_client::callback::{Answer, CallbackConfig, Toast};
    /// use serde_json::json;
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let handler = CallbackConfig::new("").build();
    /// let event = json!({"schema": "2.0",
    ///     "header": {"event_id": "e-1", "event_type": "card.action.trigger"},
    ///     "event": {"token": "c-1", "operator": {"open_id": "ou_1"},
    ///               "action": {"tag": "button", "value": {"vote": "yes"}}}});
    /// let now = tokio::time::Instant::now();
    ///
    /// let answer = handler
    ///     .handle_trusted(event.clone(), now, |_action, _later| async { Answer::toast(Toast::success("ok")) })
    ///     .await;
    /// assert_eq!(answer.body(), br#"{"toast":{"type":"success","content":"ok"}}"#);
    /// let again = handler.handle_trusted(event, now, |_, _| async { Answer::empty() }).await;
    /// assert_eq!(again.status(), 409);
    /// # }
    /// ```
    pub async fn handle_trusted<F, Fut>(
        &self,
        event: Value,
        received: Instant,
        callback: F,
    ) -> HttpAnswer
    where
        F: FnOnce(CardAction, Deferred) -> Fut,
        Fut: Future<Output = Answer> + Send + 'static,
    {
        match CardAction::parse(event, received) {
            Ok((action, _token)) => self.dispatch(action, received, callback).await,
            Err(error) => self.refuse(error),
        }
    }

    /// Claims the event, then runs the function: what both entry points share once a card
    /// action is admitted.
    async fn dispatch<F, Fut>(
        &self,
        action: CardAction,
        received: Instant,
        callback: F,
    ) -> HttpAnswer
    where
        F: FnOnce(CardAction, Deferred) -> Fut,
        Fut: Future<Output = Answer> + Send + 'static,
    {
        match self.claim(&action.event_id, received).await {
            Ok(claim) => self.run(action, received, callback, claim).await,
            Err(error) => self.refuse(error),
        }
    }

    /// When a delivery received at `received` must be answered: Feishu's deadline minus the
    /// margin. Waiting for another delivery's claim and waiting for the function both end then.
    fn answer_by(&self, received: Instant) -> Instant {
        received + FEISHU_DEADLINE.saturating_sub(self.config.deadline_margin)
    }

    /// Claims `event_id` for this delivery in the event store. A claim held by another
    /// delivery is waited for until the deadline (3 s from `received` minus the margin): it
    /// ends as a duplicate ([`CallbackError::Replayed`]) when the other delivery finishes the
    /// event, as this delivery's claim when it lapses (its holder died), or as
    /// [`CallbackError::InProgress`] when neither happened in time.
    /// [`CallbackError::StoreFailed`] when the store cannot say.
    pub(crate) async fn claim(
        &self,
        event_id: &str,
        received: Instant,
    ) -> Result<EventClaim, CallbackError> {
        let claim = EventClaim {
            store: self.config.store.clone(),
            event_id: event_id.to_owned(),
            claimant: crate::client::new_uuid(),
        };
        let give_up = self.answer_by(received);
        loop {
            let found = self
                .config
                .store
                .claim(event_id, &claim.claimant, EVENT_CLAIM_LEASE)
                .await
                .map_err(|e| CallbackError::StoreFailed {
                    reason: e.to_string(),
                })?;
            match found {
                Claim::Claimed => return Ok(claim),
                Claim::Handled => {
                    return Err(CallbackError::Replayed {
                        event_id: event_id.to_owned(),
                    })
                }
                Claim::InProgress(left) => {
                    let now = Instant::now();
                    if now >= give_up {
                        return Err(CallbackError::InProgress {
                            event_id: event_id.to_owned(),
                        });
                    }
                    let wait = CLAIM_POLL.min(left.max(Duration::from_millis(1)));
                    tokio::time::sleep_until((now + wait).min(give_up)).await;
                }
            }
        }
    }

    /// Waits until every callback function still running (those that missed their deadline)
    /// has finished, with the delayed update of its late answer. Call it at shutdown.
    pub async fn finish_background(&self) {
        self.tracker.idle().await;
    }

    /// How many callback functions are running now.
    pub fn running(&self) -> usize {
        self.tracker.running()
    }

    /// Logs a refusal and makes its answer.
    pub(crate) fn refuse(&self, error: CallbackError) -> HttpAnswer {
        let status = error.status();
        if status >= 500 {
            tracing::error!(status, "card callback failed: {error}");
        } else {
            tracing::warn!(status, "card callback refused: {error}");
        }
        HttpAnswer::refused(error)
    }

    async fn admit<H: Headers + ?Sized>(
        &self,
        headers: &H,
        body: &[u8],
        received: Instant,
    ) -> Result<Admitted, CallbackError> {
        let config = &self.config;
        if body.len() > config.body_limit {
            return Err(CallbackError::BodyTooLarge {
                limit: config.body_limit,
            });
        }
        let outer = json_object(body, false)?;
        let signed = self.check_signature(headers, body)?;
        let payload = match outer.get("encrypt") {
            None => outer,
            Some(Value::String(sealed)) => {
                let key = config
                    .encrypt_key
                    .as_ref()
                    .ok_or(CallbackError::NoEncryptKey)?;
                json_object(&decrypt(key.expose(), sealed)?, true)?
            }
            Some(_) => {
                return Err(CallbackError::Malformed {
                    reason: "`encrypt` must be a string".into(),
                })
            }
        };
        if payload.get("type").and_then(Value::as_str) == Some("url_verification") {
            let token = payload.get("token").and_then(Value::as_str).unwrap_or("");
            if !crypto::same_secret(token, config.verification_token.expose()) {
                return Err(CallbackError::WrongToken);
            }
            return match payload.get("challenge").and_then(Value::as_str) {
                Some(challenge) => Ok(Admitted::Challenge(challenge.to_owned())),
                None => Err(CallbackError::Malformed {
                    reason: "the URL verification has no `challenge` string".into(),
                }),
            };
        }
        if config.encrypt_key.is_some() && !signed {
            return Err(CallbackError::MissingSignature {
                header: SIGNATURE_HEADER,
            });
        }
        let (action, token) = CardAction::parse(Value::Object(payload), received)?;
        if !crypto::same_secret(&token, config.verification_token.expose()) {
            return Err(CallbackError::WrongToken);
        }
        Ok(Admitted::Action(Box::new(action)))
    }

    /// Checks the signature headers; `Ok(true)` when a valid signature was checked, `Ok(false)`
    /// when the request carries none (allowed only for the URL verification).
    fn check_signature<H: Headers + ?Sized>(
        &self,
        headers: &H,
        body: &[u8],
    ) -> Result<bool, CallbackError> {
        let Some(key) = &self.config.encrypt_key else {
            // Without an encrypt key Feishu signs nothing: the verification token is the check.
            return Ok(false);
        };
        let timestamp = headers.header(TIMESTAMP_HEADER);
        let nonce = headers.header(NONCE_HEADER);
        let given = headers.header(SIGNATURE_HEADER);
        let (timestamp, nonce, given) = match (timestamp, nonce, given) {
            (None, None, None) => return Ok(false),
            (Some(t), Some(n), Some(s)) => (t, n, s),
            (None, _, _) => {
                return Err(CallbackError::MissingSignature {
                    header: TIMESTAMP_HEADER,
                })
            }
            (_, None, _) => {
                return Err(CallbackError::MissingSignature {
                    header: NONCE_HEADER,
                })
            }
            (_, _, None) => {
                return Err(CallbackError::MissingSignature {
                    header: SIGNATURE_HEADER,
                })
            }
        };
        if !crypto::signature_matches(timestamp, nonce, key.expose(), body, given) {
            return Err(CallbackError::BadSignature);
        }
        self.check_timestamp(timestamp)?;
        Ok(true)
    }

    fn check_timestamp(&self, timestamp: &str) -> Result<(), CallbackError> {
        let sent: i64 = timestamp
            .trim()
            .parse()
            .map_err(|_| CallbackError::BadTimestamp)?;
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
        let skew = now.abs_diff(sent);
        let window = self.config.timestamp_window.as_secs();
        if skew > window {
            return Err(CallbackError::StaleTimestamp {
                skew_secs: skew,
                window_secs: window,
            });
        }
        Ok(())
    }

    async fn run<F, Fut>(
        &self,
        action: CardAction,
        received: Instant,
        callback: F,
        claim: EventClaim,
    ) -> HttpAnswer
    where
        F: FnOnce(CardAction, Deferred) -> Fut,
        Fut: Future<Output = Answer> + Send + 'static,
    {
        let (sent, sent_rx) = AnswerSent::new();
        let deferred = Deferred::new(
            action.token.clone(),
            self.config.client.clone(),
            sent_rx,
            received + FEISHU_DEADLINE,
        );
        let event_id = action.event_id.clone();
        let work = callback(action, deferred.clone());
        let (tx, mut rx) = oneshot::channel::<Answer>();
        let running = self.tracker.enter();
        let late_event_id = event_id.clone();
        tokio::spawn(async move {
            let _running = running;
            let answer = work.await;
            if let Err(late) = tx.send(answer) {
                deliver_late(late, &deferred, &late_event_id).await;
            }
        });
        let deadline = self.answer_by(received);
        let answer = match tokio::time::timeout_at(deadline, &mut rx).await {
            Ok(Ok(answer)) => answer,
            Ok(Err(_)) => {
                claim.release().await;
                return self.refuse(CallbackError::HandlerPanicked);
            }
            Err(_) => {
                // Closing first settles the race with an answer arriving right now: either it
                // is already in the channel, or the function sees the channel closed and
                // delivers its answer late.
                rx.close();
                match rx.try_recv() {
                    Ok(answer) => answer,
                    Err(_) => {
                        tracing::info!(
                            event_id,
                            "card callback function still running at the deadline: answered the fallback"
                        );
                        self.config.fallback.clone()
                    }
                }
            }
        };
        // Answered: from now on a delivery again is a duplicate.
        claim.finish().await;
        let policy = self
            .config
            .client
            .as_ref()
            .map_or(Policy::Strict, Client::validation);
        HttpAnswer::ok(checked(answer, &event_id, policy).to_json_bytes(), sent)
    }
}

/// One delivery's claim on an event, from [`CallbackHandler::claim`].
pub(crate) struct EventClaim {
    store: Arc<dyn EventStore>,
    event_id: String,
    claimant: String,
}

impl EventClaim {
    /// Records the event as handled. A failure is logged: the claim then lapses, and the
    /// answer already given keeps Feishu from delivering the event again.
    pub(crate) async fn finish(&self) {
        match self.store.finish(&self.event_id, &self.claimant).await {
            Ok(true) => {}
            Ok(false) => tracing::warn!(
                event_id = self.event_id,
                "the event's claim lapsed before it was answered and another delivery took it: \
                 it may be handled twice (was this replica stalled for more than {:?}?)",
                EVENT_CLAIM_LEASE
            ),
            Err(e) => tracing::warn!(
                event_id = self.event_id,
                "could not record the event as handled (its claim lapses by itself): {e}"
            ),
        }
    }

    /// Gives the claim up: handling failed, the next delivery handles the event.
    pub(crate) async fn release(&self) {
        if let Err(e) = self.store.release(&self.event_id, &self.claimant).await {
            tracing::warn!(
                event_id = self.event_id,
                "could not give the event's claim up (it lapses by itself): {e}"
            );
        }
    }

    /// Runs `work`, renewing the claim while it runs (for functions that may outlive the
    /// lease, whose event is answered only when they return).
    #[cfg(feature = "ws")]
    pub(crate) async fn hold<T>(&self, work: impl Future<Output = T>) -> T {
        let mut work = std::pin::pin!(work);
        loop {
            tokio::select! {
                done = &mut work => return done,
                () = tokio::time::sleep(EVENT_CLAIM_LEASE / 3) => {
                    match self.store.claim(&self.event_id, &self.claimant, EVENT_CLAIM_LEASE).await {
                        Ok(Claim::Claimed) => {}
                        Ok(other) => tracing::warn!(
                            event_id = self.event_id,
                            ?other,
                            "lost the event's claim while handling it"
                        ),
                        Err(e) => tracing::warn!(
                            event_id = self.event_id,
                            "could not renew the event's claim: {e}"
                        ),
                    }
                }
            }
        }
    }
}

/// Leaves out a card JSON that Feishu would refuse under `policy` (the client's), keeping the
/// rest of the answer.
fn checked(mut answer: Answer, event_id: &str, policy: Policy) -> Answer {
    if let Some(AnswerCard::Raw(card)) = &answer.card {
        let diagnostics = card_core::validate::validate_value_with(card, policy.into());
        if diagnostics.has_errors() {
            tracing::error!(
                event_id,
                "the answer's card is invalid and was left out of the answer: {diagnostics}"
            );
            answer.card = None;
        } else {
            for warning in diagnostics.warnings() {
                tracing::warn!(rule = warning.rule, path = %warning.path, "{}", warning.message);
            }
        }
    }
    answer
}

/// Delivers what a function answered after the deadline: its card by delayed update.
async fn deliver_late(answer: Answer, deferred: &Deferred, event_id: &str) {
    if answer.toast.is_some() {
        tracing::debug!(
            event_id,
            "the late answer's toast is not shown: only an answer within the deadline shows a toast"
        );
    }
    let Some(card) = answer.card else {
        tracing::debug!(
            event_id,
            "card callback function finished after the deadline"
        );
        return;
    };
    match deferred.update(card.into_content()).await {
        Ok(()) => tracing::debug!(event_id, "delivered the late answer's card"),
        Err(e) => tracing::warn!(event_id, "could not deliver the late answer's card: {e}"),
    }
}

fn json_object(bytes: &[u8], decrypted: bool) -> Result<Map<String, Value>, CallbackError> {
    match serde_json::from_slice::<Value>(bytes) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(other) => Err(CallbackError::NotJson {
            decrypted,
            reason: format!("found {}", card_core::diagnostic::json_kind(&other)),
        }),
        Err(e) => Err(CallbackError::NotJson {
            decrypted,
            reason: e.to_string(),
        }),
    }
}
