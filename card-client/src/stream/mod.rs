//! Streaming answers into cards with the typewriter effect.
//!
//! A [`Stream`] shows text as it is generated (an AI answer, a log) in a card entity in
//! streaming mode: it creates the entity with a markdown element, sends it (or replies with
//! it), then turns every push into a `content` update of that element.
//!
//! - **Pushes never wait.** [`Stream::push_delta`] and [`Stream::set_text`] only change the
//!   text in memory; a background task sends it. Each update carries the full text, so the task
//!   sends only the latest text and skips the ones in between.
//! - **The 10 operations/s budget holds** however fast pushes come: the task sends at most one
//!   update per [`StreamBuilder::interval`] (100 ms), and every write goes through the
//!   client's per-card sequencer and budget, shared with any other call on the card.
//! - **The 10-minute auto-close is handled.** Feishu closes streaming mode 10 minutes after
//!   it was turned on; the stream turns it off and on again before that (after
//!   [`StreamBuilder::renew_streaming_after`]), and should an update still find it closed
//!   (300309, 200850, 200510) it turns it on and sends the update again (and, should it stay
//!   closed, shows the text with a full update). This never surfaces as an error.
//! - **Long answers roll over.** Before the text outgrows a card ([`StreamBuilder::max_card_bytes`],
//!   under Feishu's 30 KB; [`StreamBuilder::max_chars`], under 100,000 characters), the
//!   current card is closed with the text so far and the rest continues in a new card, sent
//!   to the same chat (or as a reply to the same message). The cards' texts, in order, are
//!   exactly the text pushed.
//! - **Failures lose no text.** When an update fails after the client's own retries (server
//!   errors, rate limits, network, a card locked by a user's click), the task tries again
//!   with the latest text a little later, backing off up to 10 s. A continuation card whose
//!   send failed without an answer is sent again with the same `uuid`, so it never shows up
//!   twice. Errors that retrying cannot fix (the card is gone, the app lacks a permission)
//!   stop the task: [`Stream::stopped`] says so at once, and [`Stream::finish`] and
//!   [`Stream::abort`] return the error.
//! - **It ends cleanly.** [`Stream::finish`] replaces the last card with your final card
//!   (say, the answer plus feedback buttons) with streaming off; [`Stream::abort`] shows the
//!   text so far and a grey note saying why it stopped. Both report the messages and cards
//!   used and the number of calls made, and try again a few times when a failure may pass. A
//!   final card that Card JSON 2.0 refuses is reported as [`Error::InvalidCard`] after the
//!   card was closed with the stream's own card, so nothing stays in streaming mode. A
//!   `Stream` dropped without either is finished with its text in the background.
//! - **Another replica can take it over.** With a client that has a
//!   [shared store](crate::ClientBuilder::store), [`StreamBuilder::shared`] gives the stream a
//!   key: its replica holds a lease on it (renewed every third of
//!   [`StreamBuilder::lease`]) and saves the text Feishu shows after every update. Should that
//!   replica die, another one calls [`StreamBuilder::take_over`] with the key once the lease
//!   has lapsed and goes on from that text, in the same card.

//!
//! ```no_run
//! use card_client::stream::FinalCard;
//! use card_client::Client;
//! use serde_json::json;
//!
//! # async fn demo(client: Client, tokens: Vec<String>) -> Result<(), card_client::Error> {
//! let stream = client
//!     .stream()
//!     .header("Assistant")
//!     .reply_to("om_dc13264520392913993dd051dba21dcf")
//!     .start()
//!     .await?;
//! for token in &tokens {
//!     stream.push_delta(token); // returns at once
//! }
//! // The final card: the answer goes into the element `answer`, buttons follow.
//! let summary = stream
//!     .finish(json!({
//!         "schema": "2.0",
//!         "header": {"title": {"tag": "plain_text", "content": "Assistant"}},
//!         "body": {"elements": [
//!             {"tag": "markdown", "element_id": "answer", "content": ""},
//!             {"tag": "button", "text": {"tag": "plain_text", "content": "👍"},
//!              "behaviors": [{"type": "callback", "value": {"feedback": "up"}}]}
//!         ]}
//!     }))
//!     .await?;
//! println!("{} card(s), {} calls", summary.cards.len(), summary.calls);
//! # Ok(())
//! # }
//! ```

mod layout;
mod worker;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use card_core::model::{Markdown, PlainTextTag, Tagged};
use serde_json::{json, Value};
use tokio::sync::{oneshot, watch};

use crate::{CardContent, Client, Error, ReceiveIdType, MAX_STREAM_TEXT_CHARS};
use layout::{Room, FEISHU_CARD_BYTES};
use worker::{Checkpoint, End, Frame, Lease, Worker};

/// Default [`StreamBuilder::element_id`].
pub const DEFAULT_ELEMENT_ID: &str = "answer";
/// Default [`StreamBuilder::max_card_bytes`]: 24 KB, leaving 6 KB under Feishu's 30 KB for what
/// the final card adds.
pub const DEFAULT_MAX_CARD_BYTES: usize = 24 * 1024;

/// Longest wait, in Feishu's time, between two tries of an update that keeps failing.
const MAX_BACKOFF: Duration = Duration::from_secs(10);
/// Default [`StreamBuilder::lease`].
pub const DEFAULT_LEASE: Duration = Duration::from_secs(15);

impl Client {
    /// Starts configuring a [`Stream`]: a card that shows text as it is generated.
    ///
    /// ```no_run
    /// # async fn demo(client: card_client::Client) -> Result<(), card_client::Error> {
    /// let stream = client.stream().to_chat("oc_84983ff6516d731e5b5f68d4ea2e1da5").start().await?;
    /// stream.push_delta("Hello");
    /// stream.push_delta(", world");
    /// stream.finish(card_client::stream::FinalCard::Text).await?;
    /// # Ok(()) }
    /// ```
    pub fn stream(&self) -> StreamBuilder {
        StreamBuilder::new(self.clone())
    }
}

/// Where the stream's cards go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Target {
    Send {
        receive_id_type: ReceiveIdType,
        receive_id: String,
    },
    Reply {
        message_id: String,
        in_thread: bool,
    },
}

/// Configures and starts a [`Stream`]. Get one from [`Client::stream`].
///
/// Durations are in Feishu's time: a client built by an emulator with a fast clock scales
/// them the same way as its own waits.
#[derive(Debug, Clone)]
#[must_use]
pub struct StreamBuilder {
    client: Client,
    target: Option<Target>,
    card: Option<CardContent>,
    header: Option<String>,
    summary: Option<String>,
    placeholder: String,
    element_id: String,
    interval: Duration,
    renew_after: Duration,
    max_card_bytes: usize,
    max_chars: usize,
    shared: Option<String>,
    lease: Duration,
}

impl StreamBuilder {
    /// A stream on `client`, with the defaults: element `answer`, placeholder `…`, 100 ms
    /// between updates, streaming renewed after 9 minutes, cards up to 24 KB.
    pub fn new(client: Client) -> Self {
        StreamBuilder {
            client,
            target: None,
            card: None,
            header: None,
            summary: None,
            placeholder: "…".into(),
            element_id: DEFAULT_ELEMENT_ID.into(),
            interval: Duration::from_millis(100),
            renew_after: Duration::from_secs(9 * 60),
            max_card_bytes: DEFAULT_MAX_CARD_BYTES,
            max_chars: MAX_STREAM_TEXT_CHARS,
            shared: None,
            lease: DEFAULT_LEASE,
        }
    }

    /// Makes the stream one that another replica of the bot can take over with
    /// [`take_over`](Self::take_over) and the same `key` (say, the id of the message being
    /// answered), should this one die. Needs a client with a
    /// [shared store](crate::ClientBuilder::store); [`start`](Self::start) fails when another
    /// replica holds the key.
    pub fn shared(mut self, key: impl Into<String>) -> Self {
        self.shared = Some(key.into());
        self
    }

    /// How long a shared stream stays its replica's without renewal (default 15 s): after
    /// that long without a sign of life, another replica may take it over. The lease is
    /// renewed every third of it.
    pub fn lease(mut self, lease: Duration) -> Self {
        self.lease = lease.max(Duration::from_millis(30));
        self
    }

    /// Send the card to a group chat (`oc_…`); continuation cards go there too.
    pub fn to_chat(self, chat_id: impl Into<String>) -> Self {
        self.to(ReceiveIdType::ChatId, chat_id)
    }

    /// Send the card to a user or chat of any id kind.
    pub fn to(mut self, receive_id_type: ReceiveIdType, receive_id: impl Into<String>) -> Self {
        self.target = Some(Target::Send {
            receive_id_type,
            receive_id: receive_id.into(),
        });
        self
    }

    /// Reply to a message (`om_…`) with the card; continuation cards reply to it too.
    pub fn reply_to(mut self, message_id: impl Into<String>) -> Self {
        self.target = Some(Target::Reply {
            message_id: message_id.into(),
            in_thread: false,
        });
        self
    }

    /// With [`reply_to`](Self::reply_to): reply in a thread.
    pub fn in_thread(mut self, yes: bool) -> Self {
        if let Some(Target::Reply { in_thread, .. }) = &mut self.target {
            *in_thread = yes;
        }
        self
    }

    /// The card the text streams into, as card JSON 2.0 (a `serde_json::Value` or a
    /// `card_core::model::Card`). The text goes into the element whose `element_id` is
    /// [`element_id`](Self::element_id) (a `markdown` or `plain_text`); a card without one gets
    /// a markdown element with that id first in its body. Streaming mode is turned on for you.
    /// Continuation cards are made from the same card. Default: a card with only that element
    /// (and the [`header`](Self::header), if set).
    pub fn card(mut self, card: impl Into<CardContent>) -> Self {
        self.card = Some(card.into());
        self
    }

    /// A plain-text header title for the default card.
    pub fn header(mut self, title: impl Into<String>) -> Self {
        self.header = Some(title.into());
        self
    }

    /// The chat-list preview while the card streams (Feishu shows "[生成中...]" otherwise).
    pub fn summary(mut self, text: impl Into<String>) -> Self {
        self.summary = Some(text.into());
        self
    }

    /// What the element shows before the first text arrives (default `…`; may be empty).
    pub fn placeholder(mut self, text: impl Into<String>) -> Self {
        self.placeholder = text.into();
        self
    }

    /// The id of the text element (default `answer`).
    pub fn element_id(mut self, id: impl Into<String>) -> Self {
        self.element_id = id.into();
        self
    }

    /// The shortest time between two text updates (default 100 ms, as Feishu's own plugin
    /// does): at most 10 updates a second. Pushes in between are merged into the next update.
    /// Shorter intervals are still held to the card's 10 operations/s by the client.
    pub fn interval(mut self, interval: Duration) -> Self {
        self.interval = interval.max(Duration::from_millis(1));
        self
    }

    /// How long after turning streaming on the stream turns it off and on again, to stay ahead
    /// of Feishu's 10-minute auto-close (default 9 minutes; at most 10 minutes).
    pub fn renew_streaming_after(mut self, after: Duration) -> Self {
        self.renew_after = after
            .min(Duration::from_secs(600))
            .max(Duration::from_secs(1));
        self
    }

    /// Largest card, in bytes of compact JSON, the text may grow a streaming card to before the
    /// rest continues in a new card (default 24 KB; at most Feishu's 30 KB). Leave room for
    /// what the final card adds.
    pub fn max_card_bytes(mut self, bytes: usize) -> Self {
        self.max_card_bytes = bytes.min(FEISHU_CARD_BYTES);
        self
    }

    /// Most characters of text in one card before the rest continues in a new card (default
    /// and at most 100,000, Feishu's limit for one text update).
    pub fn max_chars(mut self, chars: usize) -> Self {
        self.max_chars = chars.clamp(1, MAX_STREAM_TEXT_CHARS);
        self
    }

    /// Creates the card entity in streaming mode, sends it, and starts the background task
    /// that sends the text. Needs a tokio runtime.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] when no destination was given, the card is not card JSON,
    /// its text element is not `markdown` or `plain_text`, or the card leaves no room for text
    /// under [`max_card_bytes`](Self::max_card_bytes); [`Error::InvalidCard`] for a card that
    /// breaks Card JSON 2.0; and whatever creating or sending the card returns.
    pub async fn start(self) -> Result<Stream, Error> {
        let lease = match &self.shared {
            Some(key) => {
                let lease = self.lease_on(key)?;
                if !lease.hold().await? {
                    return Err(Error::InvalidArgument(format!(
                        "another replica streams with the key `{key}`; use take_over once its \
                         lease lapses, or another key"
                    )));
                }
                Some(lease)
            }
            None => None,
        };
        let (mut worker, progress) = self.worker(lease)?;
        if let Err(err) = worker.open_first(&self.placeholder).await {
            worker.release().await;
            return Err(err);
        }
        worker.save(false).await?;
        Ok(Self::run(worker, progress, String::new()))
    }

    /// Takes over the shared stream `key` (see [`shared`](Self::shared)) that another
    /// replica started and stopped renewing: waits until its lease lapses (at most twice
    /// [`lease`](Self::lease)), then goes on from the text Feishu shows, in the same card.
    /// [`Stream::text`] starts as that text; push what follows it, or
    /// [`set_text`](Stream::set_text) the whole answer.
    ///
    /// Configure the builder as the stream was (destination, card, element id): continuation
    /// cards are made from it.
    ///
    /// ```no_run
    /// # async fn demo(client: card_client::Client) -> Result<(), card_client::Error> {
    /// let stream = client.stream().reply_to("om_dc13").take_over("om_dc13").await?;
    /// let shown = stream.text(); // what the first replica had shown
    /// stream.push_delta(" and the rest.");
    /// # let _ = shown;
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::InvalidArgument`] when the client has no shared store, the stream finished or
    /// is unknown (never started, or its checkpoint expired after a day), or another replica
    /// kept renewing its lease; [`Error::Store`] when the store cannot be reached.
    pub async fn take_over(self, key: impl Into<String>) -> Result<Stream, Error> {
        let key = key.into();
        let lease = self.lease_on(&key)?;
        let give_up = tokio::time::Instant::now() + lease.ttl * 2 + lease.ttl / 2;
        while !lease.hold().await? {
            if tokio::time::Instant::now() >= give_up {
                return Err(Error::InvalidArgument(format!(
                    "another replica keeps renewing its lease on the stream `{key}`: it is alive, \
                     so there is nothing to take over"
                )));
            }
            tokio::time::sleep((lease.ttl / 10).max(Duration::from_millis(5))).await;
        }
        let found = lease.store.checkpoint(&key).await;
        let checkpoint = match found {
            Ok(Some(json)) => serde_json::from_str::<Checkpoint>(&json).ok(),
            Ok(None) => None,
            Err(source) => {
                lease.release().await;
                return Err(Error::Store {
                    operation: "stream.take_over",
                    source,
                });
            }
        };
        let refuse = |why: &str| {
            Error::InvalidArgument(format!("the stream `{key}` cannot be taken over: {why}"))
        };
        let checkpoint = match checkpoint {
            Some(c) if !c.finished => c,
            Some(_) => {
                lease.release().await;
                return Err(refuse("it finished"));
            }
            None => {
                lease.release().await;
                return Err(refuse(
                    "the shared store knows no such stream (it never started, or its \
                     checkpoint expired)",
                ));
            }
        };
        let (mut worker, progress) = self.worker(Some(lease))?;
        if let Err(err) = worker.restore(&checkpoint) {
            worker.release().await;
            return Err(err);
        }
        tracing::info!(
            key,
            chars = checkpoint.text.chars().count(),
            "took a stream over"
        );
        Ok(Self::run(worker, progress, checkpoint.text))
    }

    fn lease_on(&self, key: &str) -> Result<Lease, Error> {
        let store = self.client.inner.store.clone().ok_or_else(|| {
            Error::InvalidArgument(
                "a shared stream needs a client with a shared store (ClientBuilder::store)".into(),
            )
        })?;
        if key.is_empty() {
            return Err(Error::InvalidArgument(
                "a shared stream's key must not be empty".into(),
            ));
        }
        Ok(Lease {
            store,
            key: key.to_owned(),
            owner: self.client.inner.replica.clone(),
            ttl: self.client.real(self.lease),
        })
    }

    /// Spawns the worker's task.
    fn run(worker: Worker, progress: Arc<Progress>, text: String) -> Stream {
        let (text_tx, text_rx) = watch::channel(Frame {
            text,
            ending: false,
        });
        let ending = Arc::new(Mutex::new(None));
        tokio::spawn(worker.run(text_rx, ending.clone()));
        Stream {
            text: text_tx,
            ending,
            progress,
        }
    }

    /// The worker of this configuration, before it opens or restores a card.
    fn worker(&self, lease: Option<Lease>) -> Result<(Worker, Arc<Progress>), Error> {
        let target = self.target.clone().ok_or_else(|| {
            Error::InvalidArgument(
                "a stream needs a destination: call to_chat, to or reply_to before start".into(),
            )
        })?;
        let (template, closing) = self.template()?;
        let empty = layout::render(&template, &self.element_id, "", true);
        let base = layout::card_bytes(&empty);
        // Room for at least a sentence, so that a card never holds only a few characters.
        const MIN_ROOM: usize = 256;
        if base + MIN_ROOM > self.max_card_bytes {
            return Err(Error::InvalidArgument(format!(
                "the stream's card is {base} bytes without text, which leaves less than \
                 {MIN_ROOM} bytes for text under max_card_bytes ({}); use a smaller card or \
                 raise max_card_bytes (at most {FEISHU_CARD_BYTES})",
                self.max_card_bytes
            )));
        }
        let room = Room {
            bytes: self.max_card_bytes - base,
            chars: self.max_chars,
        };
        let progress = Arc::new(Progress::default());
        let worker = Worker::new(
            self.client.clone(),
            worker::Config {
                target,
                template,
                closing,
                element_id: self.element_id.clone(),
                interval: self.client.real(self.interval),
                renew_after: self.client.real(self.renew_after),
                max_backoff: self.client.real(MAX_BACKOFF),
                room,
                lease,
            },
            progress.clone(),
        );
        Ok((worker, progress))
    }

    /// The streaming card (the caller's card, or the default one, with the text element
    /// checked and the summary added) and the card the stream closes with (without the
    /// summary, which only describes a streaming card).
    fn template(&self) -> Result<(Value, Value), Error> {
        let mut card = match &self.card {
            Some(CardContent::Json(card)) => card.clone(),
            Some(_) => {
                return Err(Error::InvalidArgument(
                    "a stream's card must be card JSON 2.0; templates and existing entities \
                     cannot be streamed into"
                        .into(),
                ))
            }
            None => layout::default_card(&self.element_id, self.header.as_deref()),
        };
        let closing = card.clone();
        if let Some(summary) = &self.summary {
            card = layout::render(&card, &self.element_id, "", true);
            card["config"]["summary"] = json!({ "content": summary });
        }
        match layout::element_tag(&card, &self.element_id).as_deref() {
            Some(tag) if tag != Markdown::TAG && tag != PlainTextTag::TAG => {
                Err(Error::InvalidArgument(format!(
                    "the stream's element `{}` is a `{tag}`; text can only stream into a \
                     `{}` or `{}` element",
                    self.element_id,
                    Markdown::TAG,
                    PlainTextTag::TAG
                )))
            }
            _ => Ok((card, closing)),
        }
    }
}

/// One card of a stream.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct StreamedCard {
    /// The card entity.
    pub card_id: String,
    /// The message showing it.
    pub message_id: String,
}

/// What a finished stream used.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct StreamSummary {
    /// The cards, in order: more than one when the text rolled over.
    pub cards: Vec<StreamedCard>,
    /// The text shown, across all cards.
    pub text: String,
    /// Calls the stream made to Feishu (each counted once, however often the client retried
    /// it): creates, sends, text updates, settings, full updates.
    pub calls: u64,
    /// How often streaming mode was turned on again (ahead of or after the 10-minute close).
    pub renewals: u64,
}

/// What the stream has done so far, shared with its task.
#[derive(Debug, Default)]
pub(crate) struct Progress {
    pub cards: Mutex<Vec<StreamedCard>>,
    pub calls: AtomicU64,
    pub renewals: AtomicU64,
    /// Why the task stopped sending, once an error that retrying cannot fix stopped it.
    pub stopped: Mutex<Option<String>>,
}

impl Progress {
    fn cards(&self) -> Vec<StreamedCard> {
        match self.cards.lock() {
            Ok(cards) => cards.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    pub(crate) fn add_card(&self, card: StreamedCard) {
        match self.cards.lock() {
            Ok(mut cards) => cards.push(card),
            Err(poisoned) => poisoned.into_inner().push(card),
        }
    }

    pub(crate) fn set_stopped(&self, why: String) {
        match self.stopped.lock() {
            Ok(mut slot) => *slot = Some(why),
            Err(poisoned) => *poisoned.into_inner() = Some(why),
        }
    }

    fn stopped(&self) -> Option<String> {
        match self.stopped.lock() {
            Ok(slot) => slot.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    pub(crate) fn summary(&self, text: String) -> StreamSummary {
        StreamSummary {
            cards: self.cards(),
            text,
            calls: self.calls.load(Ordering::Relaxed),
            renewals: self.renewals.load(Ordering::Relaxed),
        }
    }
}

/// How a stream's last card ends. Build it from card JSON or a typed card, or use
/// [`FinalCard::Text`].
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum FinalCard {
    /// The stream's own card with the text, streaming off.
    Text,
    /// This card JSON 2.0, with the text in the stream's element (a card without that element
    /// gets a markdown element with it first in its body), streaming off.
    Card(Value),
}

impl From<Value> for FinalCard {
    fn from(card: Value) -> Self {
        FinalCard::Card(card)
    }
}

impl From<card_core::model::Card> for FinalCard {
    fn from(card: card_core::model::Card) -> Self {
        FinalCard::Card(card.to_value())
    }
}

impl From<&card_core::model::Card> for FinalCard {
    fn from(card: &card_core::model::Card) -> Self {
        FinalCard::Card(card.to_value())
    }
}

/// A card that shows text as it is generated. Start one with [`Client::stream`].
///
/// Pushing is cheap and never waits for the network; see the [module docs](self) for what
/// happens behind it.
#[derive(Debug)]
pub struct Stream {
    text: watch::Sender<Frame>,
    ending: Arc<Mutex<Option<End>>>,
    progress: Arc<Progress>,
}

impl Stream {
    /// Appends `delta` to the text. Returns at once: the background task sends the text.
    ///
    /// ```no_run
    /// # async fn demo(stream: card_client::stream::Stream) {
    /// for token in ["The", " answer", " is", " 42."] {
    ///     stream.push_delta(token);
    /// }
    /// assert_eq!(stream.text(), "The answer is 42.");
    /// # }
    /// ```
    pub fn push_delta(&self, delta: &str) {
        if delta.is_empty() {
            return;
        }
        self.text.send_modify(|frame| {
            frame.text.push_str(delta);
        });
    }

    /// Replaces the whole text (for producers that give the full answer each time). When the
    /// old text is a prefix of the new one, the card types out only the rest.
    pub fn set_text(&self, text: impl Into<String>) {
        let text = text.into();
        self.text.send_modify(|frame| {
            frame.text = text;
        });
    }

    /// The text pushed so far.
    pub fn text(&self) -> String {
        self.text.borrow().text.clone()
    }

    /// The cards so far, in order (more than one once the text rolled over).
    pub fn cards(&self) -> Vec<StreamedCard> {
        self.progress.cards()
    }

    /// Why the stream stopped sending, if an error that retrying cannot fix (the card is
    /// gone, the app lost a permission) stopped it: a producer can stop generating early.
    /// [`finish`](Self::finish) and [`abort`](Self::abort) then return that error.
    pub fn stopped(&self) -> Option<String> {
        self.progress.stopped()
    }

    /// Ends the stream: waits until the background task is idle, then replaces the last card
    /// with `final_card` holding the rest of the text, streaming off. Rolls the text over to
    /// one more card first when the final card would be larger than Feishu's 30 KB.
    ///
    /// # Errors
    ///
    /// An error that stopped the stream earlier, or the final update's error.
    pub async fn finish(self, final_card: impl Into<FinalCard>) -> Result<StreamSummary, Error> {
        self.end(worker::EndKind::Finish(final_card.into())).await
    }

    /// Ends the stream after a failure: the last card shows the text so far and, below it, a
    /// grey note with `reason`, streaming off.
    ///
    /// # Errors
    ///
    /// An error that stopped the stream earlier, or the final update's error.
    pub async fn abort(self, reason: impl Into<String>) -> Result<StreamSummary, Error> {
        self.end(worker::EndKind::Abort(reason.into())).await
    }

    async fn end(self, kind: worker::EndKind) -> Result<StreamSummary, Error> {
        let (reply, answer) = oneshot::channel();
        match self.ending.lock() {
            Ok(mut slot) => *slot = Some(End { kind, reply }),
            Err(poisoned) => *poisoned.into_inner() = Some(End { kind, reply }),
        }
        self.text.send_modify(|frame| frame.ending = true);
        answer.await.unwrap_or_else(|_| {
            Err(Error::InvalidArgument(
                "the stream's background task stopped before it could finish (was the tokio \
                 runtime shut down?)"
                    .into(),
            ))
        })
    }
}
