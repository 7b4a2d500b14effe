//! The task behind a [`Stream`](super::Stream): it owns the network side.

use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use card_core::model::{Color, Div, Element, PlainText, TextSize};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use tokio::sync::{oneshot, watch};
use tokio::time::Instant;

use super::layout::{self, Room, FEISHU_CARD_BYTES};
use super::{FinalCard, Progress, StreamSummary, StreamedCard, Target};
use crate::api::check_card;
use crate::client::new_uuid;
use crate::store::{stream_lease, Store};
use crate::{
    CardContent, CardSettings, Client, CreateCard, Error, Message, ReplyMessage, SendMessage,
    StreamText, UpdateCard, UpdateSettings,
};

/// The text as pushed, and whether the stream is ending.
#[derive(Debug, Default)]
pub(crate) struct Frame {
    pub text: String,
    pub ending: bool,
}

/// How the stream ends.
#[derive(Debug)]
pub(crate) enum EndKind {
    Finish(FinalCard),
    Abort(String),
}

/// An end request and where to answer it.
#[derive(Debug)]
pub(crate) struct End {
    pub kind: EndKind,
    pub reply: oneshot::Sender<Result<StreamSummary, Error>>,
}

/// What the task needs to know, fixed at start.
pub(crate) struct Config {
    pub target: Target,
    /// The streaming card, with the builder's summary.
    pub template: Value,
    /// The card that [`FinalCard::Text`] and an abort end with: the template without the
    /// summary meant for while the card streams.
    pub closing: Value,
    pub element_id: String,
    /// Real time between two text updates.
    pub interval: Duration,
    /// Real time after which streaming is turned off and on again.
    pub renew_after: Duration,
    /// Longest real wait between two tries of a failing update.
    pub max_backoff: Duration,
    /// Room for text in a streaming card.
    pub room: Room,
    /// The lease of a stream shared by the bot's replicas.
    pub lease: Option<Lease>,
}

/// A stream's ownership in the store shared by the bot's replicas.
pub(crate) struct Lease {
    pub store: Arc<dyn Store>,
    pub key: String,
    pub owner: String,
    /// Real time the lease lasts unless renewed.
    pub ttl: Duration,
}

/// How long a shared stream's checkpoint outlives its last update.
const CHECKPOINT_TTL: Duration = Duration::from_secs(24 * 3600);

/// What a replica taking a stream over needs: the text Feishu shows and the cards showing it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Checkpoint {
    /// The text shown across the stream's cards.
    pub text: String,
    /// Every card, in order: (card id, message id).
    pub cards: Vec<(String, String)>,
    /// The closed cards' parts of the text: (card id, start, end).
    pub closed: Vec<(String, usize, usize)>,
    /// The current card and where its part starts.
    pub current: Option<(String, usize)>,
    /// The stream ended: there is nothing to take over.
    pub finished: bool,
}

impl Lease {
    /// Takes the lease, or extends it: `Ok(false)` when another replica holds it.
    pub(crate) async fn hold(&self) -> Result<bool, Error> {
        self.store
            .lock(&stream_lease(&self.key), &self.owner, self.ttl)
            .await
            .map_err(|source| Error::Store {
                operation: "stream.lease",
                source,
            })
    }

    pub(crate) async fn release(&self) {
        if let Err(e) = self
            .store
            .unlock(&stream_lease(&self.key), &self.owner)
            .await
        {
            tracing::debug!(key = self.key, "could not release the stream's lease: {e}");
        }
    }
}

/// One card and the part of the text it shows: `text[start..end]` once closed, `text[start..]`
/// while it is the current card.
struct Part {
    card_id: String,
    start: usize,
    end: usize,
    shown: String,
}

/// An entity created but not yet known to be sent: sending it again with the same `uuid`
/// returns the first message if the earlier send reached Feishu, so an unclear failure never
/// leaves two messages.
struct Pending {
    card_id: String,
    uuid: String,
    shown: String,
    streaming: bool,
}

/// How many times the end of a stream tries its updates when they fail in a way that may pass.
const END_ATTEMPTS: u32 = 4;

pub(crate) struct Worker {
    client: Client,
    config: Config,
    progress: Arc<Progress>,
    closed: Vec<Part>,
    current: Option<Part>,
    pending: Option<Pending>,
    /// Where the text of a final card that needs a card of its own starts, once the card
    /// before it was closed: the end of the stream then only has to send that card.
    final_tail: Option<usize>,
    /// When to turn streaming off and on again, ahead of Feishu's 10-minute close.
    renew_at: Instant,
    /// When to renew the lease of a shared stream.
    lease_at: Instant,
    failures: u32,
}

/// Whether an error may pass if the same work is tried again later: the client's own classes,
/// and a card locked while a user's callback is in flight (200810).
fn may_pass(err: &Error) -> bool {
    err.is_retryable() || err.code() == Some(200810)
}

impl Worker {
    pub(crate) fn new(client: Client, config: Config, progress: Arc<Progress>) -> Self {
        let renew_at = Instant::now() + config.renew_after;
        Worker {
            client,
            config,
            progress,
            closed: Vec::new(),
            current: None,
            pending: None,
            final_tail: None,
            renew_at,
            lease_at: Instant::now(),
            failures: 0,
        }
    }

    /// Continues the stream another replica started, from what Feishu shows.
    pub(crate) fn restore(&mut self, checkpoint: &Checkpoint) -> Result<(), Error> {
        let text = &checkpoint.text;
        let part = |start: usize, end: usize| {
            text.get(start..end).map(str::to_owned).ok_or_else(|| {
                Error::InvalidArgument(
                    "the stream's checkpoint in the shared store is inconsistent; it cannot be \
                     taken over"
                        .into(),
                )
            })
        };
        for (card_id, start, end) in &checkpoint.closed {
            self.closed.push(Part {
                card_id: card_id.clone(),
                start: *start,
                end: *end,
                shown: part(*start, *end)?,
            });
        }
        if let Some((card_id, start)) = &checkpoint.current {
            self.current = Some(Part {
                card_id: card_id.clone(),
                start: *start,
                end: *start,
                shown: part(*start, text.len())?,
            });
        }
        for (card_id, message_id) in &checkpoint.cards {
            self.progress.add_card(StreamedCard {
                card_id: card_id.clone(),
                message_id: message_id.clone(),
            });
        }
        Ok(())
    }

    /// The text Feishu shows and the cards showing it.
    fn checkpoint(&self, finished: bool) -> Checkpoint {
        let mut text: String = self.closed.iter().map(|p| p.shown.as_str()).collect();
        if let Some(current) = &self.current {
            text.push_str(&current.shown);
        }
        Checkpoint {
            text,
            cards: self
                .progress
                .cards()
                .into_iter()
                .map(|c| (c.card_id, c.message_id))
                .collect(),
            closed: self
                .closed
                .iter()
                .map(|p| (p.card_id.clone(), p.start, p.end))
                .collect(),
            current: self.current.as_ref().map(|p| (p.card_id.clone(), p.start)),
            finished,
        }
    }

    /// Saves what Feishu shows for a replica that may take the stream over; fails only when
    /// another replica holds the lease now.
    pub(crate) async fn save(&self, finished: bool) -> Result<(), Error> {
        let Some(lease) = &self.config.lease else {
            return Ok(());
        };
        let checkpoint = match serde_json::to_string(&self.checkpoint(finished)) {
            Ok(json) => json,
            Err(e) => {
                tracing::warn!("could not encode the stream's checkpoint: {e}");
                return Ok(());
            }
        };
        match lease
            .store
            .put_checkpoint(&lease.key, &lease.owner, checkpoint, CHECKPOINT_TTL)
            .await
        {
            Ok(true) => Ok(()),
            Ok(false) => Err(Error::LeaseLost {
                key: lease.key.clone(),
            }),
            Err(e) => {
                // The next renewal of the lease tells whether the stream is still ours.
                tracing::warn!(
                    key = lease.key,
                    "could not save the stream's checkpoint: {e}"
                );
                Ok(())
            }
        }
    }

    /// Gives up the lease of a shared stream (a start that failed).
    pub(crate) async fn release(&self) {
        if let Some(lease) = &self.config.lease {
            lease.release().await;
        }
    }

    /// Renews the lease of a shared stream when due; an error when it cannot be renewed.
    async fn keep_lease(&mut self) -> Result<(), Error> {
        let Some(lease) = &self.config.lease else {
            return Ok(());
        };
        if Instant::now() < self.lease_at {
            return Ok(());
        }
        if lease.hold().await? {
            self.lease_at = Instant::now() + lease.ttl / 3;
            Ok(())
        } else {
            Err(Error::LeaseLost {
                key: lease.key.clone(),
            })
        }
    }

    fn count(&self) {
        self.progress.calls.fetch_add(1, Ordering::Relaxed);
    }

    fn render(&self, text: &str, streaming: bool) -> Value {
        layout::render(
            &self.config.template,
            &self.config.element_id,
            text,
            streaming,
        )
    }

    /// The stream's own card, closed: the text, streaming off, no streaming summary.
    fn render_closed(&self, text: &str) -> Value {
        layout::render(&self.config.closing, &self.config.element_id, text, false)
    }

    /// Creates and sends the first card, showing `placeholder`.
    pub(crate) async fn open_first(&mut self, placeholder: &str) -> Result<(), Error> {
        let (card_id, shown) = self.open(placeholder, None).await?;
        self.current = Some(Part {
            card_id,
            start: 0,
            end: 0,
            shown,
        });
        Ok(())
    }

    /// Creates a card entity showing `text` (streaming, or in `final_card` with streaming off)
    /// and sends it to the stream's destination; the card's id and the text it shows. An
    /// entity of the same kind that an earlier try created but may not have sent is sent again
    /// instead, showing what it was made with.
    async fn open(
        &mut self,
        text: &str,
        final_card: Option<&Value>,
    ) -> Result<(String, String), Error> {
        let streaming = final_card.is_none();
        let mut fresh_tries = 0;
        loop {
            let reuse = self.pending.take().filter(|p| p.streaming == streaming);
            let pending = match reuse {
                Some(pending) => pending,
                None => {
                    fresh_tries += 1;
                    let card = match final_card {
                        Some(card) => layout::render(card, &self.config.element_id, text, false),
                        None => self.render(text, true),
                    };
                    self.count();
                    let card_id = self
                        .client
                        .cards()
                        .create(CreateCard::new(CardContent::Json(card)))
                        .await?;
                    Pending {
                        card_id,
                        uuid: new_uuid(),
                        shown: text.to_owned(),
                        streaming,
                    }
                }
            };
            self.count();
            let sent = self
                .send(CardContent::entity(&pending.card_id), &pending.uuid)
                .await;
            match sent {
                Ok(message) => {
                    if streaming {
                        self.renew_at = Instant::now() + self.config.renew_after;
                    }
                    self.progress.add_card(StreamedCard {
                        card_id: pending.card_id.clone(),
                        message_id: message.message_id,
                    });
                    return Ok((pending.card_id, pending.shown));
                }
                // Feishu sometimes refuses an entity right after creating it ("cardid is
                // invalid"); a new entity goes through.
                Err(err) if err.is_entity_gone() && fresh_tries < 2 => continue,
                Err(err) => {
                    if may_pass(&err) {
                        self.pending = Some(pending);
                    }
                    return Err(err);
                }
            }
        }
    }

    async fn send(&self, card: CardContent, uuid: &str) -> Result<Message, Error> {
        let messages = self.client.messages();
        match &self.config.target {
            Target::Send {
                receive_id_type,
                receive_id,
            } => {
                messages
                    .send(SendMessage::new(*receive_id_type, receive_id.clone(), card).uuid(uuid))
                    .await
            }
            Target::Reply {
                message_id,
                in_thread,
            } => {
                messages
                    .reply(
                        ReplyMessage::new(message_id.clone(), card)
                            .in_thread(*in_thread)
                            .uuid(uuid),
                    )
                    .await
            }
        }
    }

    async fn update(&self, card_id: &str, card: Value) -> Result<(), Error> {
        self.count();
        self.client
            .cards()
            .update(UpdateCard::new(card_id, card))
            .await
    }

    async fn set_streaming(&self, card_id: &str, on: bool) -> Result<(), Error> {
        self.count();
        self.client
            .cards()
            .settings(UpdateSettings::new(card_id, CardSettings::streaming(on)))
            .await
    }

    /// Turns streaming on again; off first when `restart`, since Feishu counts its 10 minutes
    /// from when streaming was last turned on.
    async fn renew_streaming(&mut self, restart: bool) -> Result<(), Error> {
        let Some(card_id) = self.current.as_ref().map(|p| p.card_id.clone()) else {
            return Ok(());
        };
        if restart {
            self.set_streaming(&card_id, false).await?;
        }
        self.set_streaming(&card_id, true).await?;
        self.renew_at = Instant::now() + self.config.renew_after;
        self.progress.renewals.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }

    /// Sets the current card's text with the typewriter effect; when streaming was closed
    /// (Feishu's 10 minutes), turns it on and sends again, and should it still be closed,
    /// shows the text with a full update.
    async fn stream_text(&mut self, text: &str) -> Result<(), Error> {
        let Some(card_id) = self.current.as_ref().map(|p| p.card_id.clone()) else {
            return Ok(());
        };
        let element_id = self.config.element_id.clone();
        let req = || StreamText::new(element_id.clone(), text);
        self.count();
        let err = match self.client.elements(&card_id).stream_text(req()).await {
            Err(err) if err.is_streaming_closed() => err,
            other => return other,
        };
        tracing::debug!(
            card_id,
            code = err.code(),
            "streaming closed; turning it on"
        );
        self.renew_streaming(false).await?;
        self.count();
        match self.client.elements(&card_id).stream_text(req()).await {
            Err(err) if err.is_streaming_closed() => {
                tracing::warn!(
                    card_id,
                    code = err.code(),
                    "streaming stays closed; updating the whole card"
                );
                self.update(&card_id, self.render(text, true)).await?;
                self.renew_at = Instant::now() + self.config.renew_after;
                Ok(())
            }
            other => other,
        }
    }

    /// Closed cards whose part of the text changed (a [`set_text`](super::Stream::set_text)
    /// that rewrote earlier text) are updated to show it.
    async fn rewrite_closed(&mut self, text: &str) -> Result<(), Error> {
        let mut boundary = 0;
        for i in 0..self.closed.len() {
            let start = floor_boundary(text, self.closed[i].start.max(boundary));
            let end = floor_boundary(text, self.closed[i].end).max(start);
            boundary = end;
            if text[start..end] != self.closed[i].shown {
                let card = self.render_closed(&text[start..end]);
                let card_id = self.closed[i].card_id.clone();
                self.update(&card_id, card).await?;
                let part = &mut self.closed[i];
                part.start = start;
                part.end = end;
                part.shown = text[start..end].to_owned();
            }
        }
        if let Some(current) = &mut self.current {
            current.start = floor_boundary(text, current.start.max(boundary));
        }
        Ok(())
    }

    /// Shows `text`: rolls over while the current card's part does not fit, then updates the
    /// current card's text.
    async fn show(&mut self, text: &str) -> Result<(), Error> {
        self.rewrite_closed(text).await?;
        let room = self.config.room;
        loop {
            let Some(current) = &self.current else {
                return Ok(());
            };
            let start = current.start;
            let part = &text[start..];
            if room.fits(part) {
                break;
            }
            let cut = start + room.split(part).max(first_char_len(part));
            let card_id = current.card_id.clone();
            // Closing the card first and then opening the next keeps the order readers see;
            // should opening fail, the next try closes the same card again (harmless) and
            // sends the entity already created.
            self.update(&card_id, self.render_closed(&text[start..cut]))
                .await?;
            let rest = &text[cut..];
            let first = &rest[..room.split(rest)];
            let (new_id, shown) = self.open(first, None).await?;
            self.closed.push(Part {
                card_id,
                start,
                end: cut,
                shown: text[start..cut].to_owned(),
            });
            self.current = Some(Part {
                card_id: new_id,
                start: cut,
                end: cut,
                shown,
            });
        }
        let Some(current) = &self.current else {
            return Ok(());
        };
        let part = &text[current.start..];
        if part == current.shown {
            return Ok(());
        }
        if part.is_empty() {
            // Text updates need at least one character; an emptied text takes a full update.
            let card_id = current.card_id.clone();
            self.update(&card_id, self.render("", true)).await?;
            self.renew_at = Instant::now() + self.config.renew_after;
        } else {
            self.stream_text(part).await?;
        }
        if let Some(current) = &mut self.current {
            current.shown = part.to_owned();
        }
        Ok(())
    }

    /// The wait before trying again after the `failures`-th failure in a row.
    fn backoff(&self) -> Duration {
        self.config
            .interval
            .saturating_mul(1 << self.failures.min(8))
            .min(self.config.max_backoff)
    }

    /// Runs until the stream ends.
    pub(crate) async fn run(
        mut self,
        mut rx: watch::Receiver<Frame>,
        ending: Arc<Mutex<Option<End>>>,
    ) {
        let mut dirty = false;
        let mut next_flush = Instant::now();
        let mut fatal: Option<Error> = None;
        let end = loop {
            if rx.borrow().ending {
                break take(&ending);
            }
            let renew_at = self.renew_at;
            let mut wake = match (dirty, fatal.is_none()) {
                (true, true) => Some(next_flush.min(renew_at)),
                (false, true) => Some(renew_at),
                (_, false) => None,
            };
            if self.config.lease.is_some() {
                wake = wake.map(|at| at.min(self.lease_at));
            }
            let changed = match wake {
                Some(at) => tokio::time::timeout_at(at, rx.changed()).await.ok(),
                None => Some(rx.changed().await),
            };
            match changed {
                // Dropped without finish or abort: finish with the text, in the background.
                Some(Err(_)) => break None,
                Some(Ok(())) => {
                    dirty = true;
                    continue;
                }
                None => {}
            }
            let now = Instant::now();
            if self.config.lease.is_some() && now >= self.lease_at {
                match self.keep_lease().await {
                    Ok(()) => {}
                    Err(err) if may_pass(&err) => {
                        // Nothing is sent until the lease is renewed: another replica may hold
                        // it by now.
                        tracing::warn!(error = %err, "could not renew the stream's lease; trying again");
                        tokio::time::sleep(self.config.interval).await;
                    }
                    Err(err) => self.stop(err, &mut fatal),
                }
                continue;
            }
            if now >= renew_at {
                if let Err(err) = self.renew_streaming(true).await {
                    if may_pass(&err) {
                        self.renew_at = Instant::now() + self.config.interval;
                    } else {
                        self.stop(err, &mut fatal);
                    }
                }
                continue;
            }
            if !dirty || now < next_flush {
                continue;
            }
            let text = rx.borrow_and_update().text.clone();
            dirty = false;
            next_flush = now + self.config.interval;
            match self.show(&text).await {
                Ok(()) => {
                    self.failures = 0;
                    if let Err(err) = self.save(false).await {
                        self.stop(err, &mut fatal);
                    }
                }
                Err(err) if may_pass(&err) => {
                    self.failures += 1;
                    let backoff = self.backoff();
                    tracing::warn!(error = %err, ?backoff, "stream update failed; trying again");
                    next_flush = Instant::now() + backoff;
                    dirty = true;
                }
                Err(err) => self.stop(err, &mut fatal),
            }
        };
        let text = rx.borrow().text.clone();
        let (kind, reply) = match end {
            Some(End { kind, reply }) => (kind, Some(reply)),
            None => (EndKind::Finish(FinalCard::Text), None),
        };
        let result = match fatal {
            Some(err) => Err(err),
            None => self.end(&text, kind).await,
        };
        if let Some(lease) = &self.config.lease {
            if !matches!(result, Err(Error::LeaseLost { .. })) {
                if let Err(err) = self.save(result.is_ok()).await {
                    tracing::warn!(error = %err, "could not save the end of the stream");
                }
                lease.release().await;
            }
        }
        match reply {
            Some(reply) => {
                // The caller may have stopped waiting; the result is then nobody's to read.
                let _ = reply.send(result);
            }
            None => {
                if let Err(err) = result {
                    tracing::warn!(error = %err, "could not finish a dropped stream");
                }
            }
        }
    }

    fn stop(&self, err: Error, fatal: &mut Option<Error>) {
        tracing::warn!(error = %err, "stream stopped");
        self.progress.set_stopped(err.to_string());
        *fatal = Some(err);
    }

    /// Ends the stream, trying again a few times when a failure may pass.
    async fn end(&mut self, text: &str, kind: EndKind) -> Result<StreamSummary, Error> {
        let final_card = match kind {
            EndKind::Finish(FinalCard::Text) => None,
            EndKind::Finish(FinalCard::Card(card)) => Some(card),
            EndKind::Abort(reason) => {
                let mut card = self.config.closing.clone();
                add_note(&mut card, &reason);
                Some(card)
            }
        };
        self.failures = 0;
        loop {
            // The lease is renewed when due, so that an end that takes long stays this replica's.
            self.lease_at = Instant::now();
            if let Err(err) = self.keep_lease().await {
                if !may_pass(&err) || self.failures + 1 >= END_ATTEMPTS {
                    return Err(err);
                }
                self.failures += 1;
                tokio::time::sleep(self.backoff()).await;
                continue;
            }
            match self.finish(text, final_card.as_ref()).await {
                Err(err) if may_pass(&err) && self.failures + 1 < END_ATTEMPTS => {
                    self.failures += 1;
                    let backoff = self.backoff();
                    tracing::warn!(error = %err, ?backoff, "ending the stream failed; trying again");
                    tokio::time::sleep(backoff).await;
                }
                other => return other,
            }
        }
    }

    /// Shows the last text, then puts the final card on the last card.
    async fn finish(
        &mut self,
        text: &str,
        final_card: Option<&Value>,
    ) -> Result<StreamSummary, Error> {
        // Typing out the last text first keeps the typewriter effect to the end, and the text
        // is shown even if the final card is refused.
        let final_card = final_card.unwrap_or(&self.config.closing).clone();
        let final_card = &final_card;
        if let Some(cut) = self.final_tail {
            // An earlier try closed the last streaming card; only the final card is left.
            self.open(&text[cut..], Some(final_card)).await?;
            self.final_tail = None;
            return Ok(self.progress.summary(text.to_owned()));
        }
        self.show(text).await?;
        let element_id = self.config.element_id.clone();
        let render = |text: &str| layout::render(final_card, &element_id, text, false);
        let Some(current) = &self.current else {
            return Ok(self.progress.summary(text.to_owned()));
        };
        let card_id = current.card_id.clone();
        let part = &text[current.start..];
        if let Err(err) = check_card(&CardContent::Json(render(""))) {
            // Close the stream with its own card so that it does not stay in streaming mode,
            // then report the final card's problems.
            self.update(&card_id, self.render_closed(part)).await?;
            self.current = None;
            return Err(err);
        }
        let base = layout::card_bytes(&render(""));
        let room = Room {
            bytes: FEISHU_CARD_BYTES.saturating_sub(base),
            chars: self.config.room.chars,
        };
        if room.bytes < 16 {
            self.update(&card_id, self.render_closed(part)).await?;
            self.current = None;
            return Err(Error::InvalidArgument(format!(
                "the final card is {base} bytes without the text, too close to Feishu's \
                 {FEISHU_CARD_BYTES}-byte limit; the card was closed with its text instead"
            )));
        }
        if room.fits(part) {
            self.update(&card_id, render(part)).await?;
        } else {
            // The final card adds more than the streaming card left room for: the current
            // card keeps what it can, a new card with the final card takes the tail.
            let start = current.start;
            let cut = start + room.split_tail(part);
            self.update(&card_id, self.render_closed(&text[start..cut]))
                .await?;
            self.closed.push(Part {
                card_id,
                start,
                end: cut,
                shown: text[start..cut].to_owned(),
            });
            self.current = None;
            self.final_tail = Some(cut);
            self.open(&text[cut..], Some(final_card)).await?;
            self.final_tail = None;
        }
        self.current = None;
        Ok(self.progress.summary(text.to_owned()))
    }
}

/// A grey, small note below the stream's text: the 2.0 form of the old `note` component.
fn add_note(card: &mut Value, reason: &str) {
    let text = PlainText::new(format!("⚠️ {reason}"))
        .text_size(TextSize::Notation)
        .text_color(Color::Grey);
    let note = serde_json::to_value(Element::from(Div::new(text))).unwrap_or(Value::Null);
    match card
        .get_mut("body")
        .and_then(|b| b.get_mut("elements"))
        .and_then(Value::as_array_mut)
    {
        Some(elements) => elements.push(note),
        None => {
            if let Some(root) = card.as_object_mut() {
                let body = root.entry("body").or_insert_with(|| json!({}));
                if let Some(body) = body.as_object_mut() {
                    body.insert("elements".into(), json!([note]));
                }
            }
        }
    }
}

fn take(slot: &Mutex<Option<End>>) -> Option<End> {
    match slot.lock() {
        Ok(mut end) => end.take(),
        Err(poisoned) => poisoned.into_inner().take(),
    }
}

/// The largest character boundary of `text` at or below `at`.
fn floor_boundary(text: &str, at: usize) -> usize {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn first_char_len(text: &str) -> usize {
    text.chars().next().map_or(0, char::len_utf8)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_note_is_a_grey_notation_div_after_the_elements() {
        let note = json!({"tag": "div", "text": {
            "tag": "plain_text",
            "content": "⚠️ cut short",
            "text_size": "notation",
            "text_color": "grey"
        }});
        let mut card = json!({"schema": "2.0", "body": {"elements": [{"tag": "hr"}]}});
        add_note(&mut card, "cut short");
        assert_eq!(
            card,
            json!({"schema": "2.0", "body": {"elements": [{"tag": "hr"}, note.clone()]}})
        );
        let mut bare = json!({"schema": "2.0"});
        add_note(&mut bare, "cut short");
        assert_eq!(bare, json!({"schema": "2.0", "body": {"elements": [note]}}));
    }
}
