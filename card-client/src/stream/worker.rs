//! The task behind a [`Stream`](super::Stream): it owns the network side.

use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{json, Value};
use tokio::sync::{oneshot, watch};
use tokio::time::Instant;

use super::layout::{self, Room, FEISHU_CARD_BYTES};
use super::{FinalCard, Progress, StreamSummary, StreamedCard, Target};
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
    pub template: Value,
    pub element_id: String,
    /// Real time between two text updates.
    pub interval: Duration,
    /// Real time after which streaming is turned off and on again.
    pub renew_after: Duration,
    /// Room for text in a streaming card.
    pub room: Room,
}

/// One card and the part of the text it shows: `text[start..end]` once closed, `text[start..]`
/// while it is the current card.
struct Part {
    card_id: String,
    start: usize,
    end: usize,
    shown: String,
}

/// Longest wait between two tries of a failing update.
const MAX_BACKOFF: Duration = Duration::from_secs(10);

pub(crate) struct Worker {
    client: Client,
    config: Config,
    progress: Arc<Progress>,
    closed: Vec<Part>,
    current: Option<Part>,
    /// When to turn streaming off and on again, ahead of Feishu's 10-minute close.
    renew_at: Instant,
    failures: u32,
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
            renew_at,
            failures: 0,
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

    /// Creates and sends the first card, showing `placeholder`.
    pub(crate) async fn open_first(&mut self, placeholder: &str) -> Result<(), Error> {
        let card = self.render(placeholder, true);
        let card_id = self.open(card).await?;
        self.current = Some(Part {
            card_id,
            start: 0,
            end: 0,
            shown: placeholder.to_owned(),
        });
        Ok(())
    }

    /// Creates a card entity and sends it to the stream's destination; the card's id.
    async fn open(&mut self, card: Value) -> Result<String, Error> {
        let streaming = card["config"]["streaming_mode"] == Value::Bool(true);
        let card = CardContent::Json(card);
        let mut tries = 0;
        let (card_id, message) = loop {
            tries += 1;
            self.count();
            let card_id = self
                .client
                .cards()
                .create(CreateCard::new(card.clone()))
                .await?;
            self.count();
            match self.send(CardContent::entity(&card_id)).await {
                Ok(message) => break (card_id, message),
                // Feishu sometimes refuses an entity right after creating it ("cardid is
                // invalid"); a new entity goes through.
                Err(err) if err.is_entity_gone() && tries < 2 => continue,
                Err(err) => return Err(err),
            }
        };
        if streaming {
            self.renew_at = Instant::now() + self.config.renew_after;
        }
        self.progress.add_card(StreamedCard {
            card_id: card_id.clone(),
            message_id: message.message_id,
        });
        Ok(card_id)
    }

    async fn send(&self, card: CardContent) -> Result<Message, Error> {
        let messages = self.client.messages();
        match &self.config.target {
            Target::Send {
                receive_id_type,
                receive_id,
            } => {
                messages
                    .send(SendMessage::new(*receive_id_type, receive_id.clone(), card))
                    .await
            }
            Target::Reply {
                message_id,
                in_thread,
            } => {
                messages
                    .reply(ReplyMessage::new(message_id.clone(), card).in_thread(*in_thread))
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

    async fn stream_text(&mut self, text: &str) -> Result<(), Error> {
        let Some(card_id) = self.current.as_ref().map(|p| p.card_id.clone()) else {
            return Ok(());
        };
        let element_id = self.config.element_id.clone();
        let req = || StreamText::new(element_id.clone(), text);
        self.count();
        match self.client.elements(&card_id).stream_text(req()).await {
            Err(err) if err.is_streaming_closed() => {
                tracing::debug!(
                    card_id,
                    code = err.code(),
                    "streaming closed; turning it on"
                );
                self.renew_streaming(false).await?;
                self.count();
                self.client.elements(&card_id).stream_text(req()).await
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
                let card = self.render(&text[start..end], false);
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
            let closing = self.render(&text[start..cut], false);
            let card_id = current.card_id.clone();
            self.update(&card_id, closing).await?;
            let rest = &text[cut..];
            let first = &rest[..room.split(rest)];
            let card = self.render(first, true);
            let new_id = self.open(card).await?;
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
                shown: first.to_owned(),
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
            let ending_now = rx.borrow().ending;
            if ending_now {
                break take(&ending);
            }
            let renew_at = self.renew_at;
            let wake = match (dirty && fatal.is_none(), fatal.is_none()) {
                (true, _) => Some(next_flush.min(renew_at)),
                (false, true) => Some(renew_at),
                (false, false) => None,
            };
            let changed = match wake {
                Some(at) => match tokio::time::timeout_at(at, rx.changed()).await {
                    Ok(changed) => Some(changed),
                    Err(_) => None,
                },
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
            if fatal.is_none() && now >= renew_at {
                if let Err(err) = self.renew_streaming(true).await {
                    if !err.is_retryable() {
                        fatal = Some(err);
                    } else {
                        // Try again on the next tick.
                        self.renew_at = Instant::now() + self.config.interval;
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
            if let Err(err) = self.show(&text).await {
                if err.is_retryable() {
                    self.failures += 1;
                    let backoff = self
                        .config
                        .interval
                        .saturating_mul(1 << self.failures.min(8))
                        .min(MAX_BACKOFF);
                    tracing::warn!(error = %err, ?backoff, "stream update failed; trying again");
                    next_flush = Instant::now() + backoff;
                    dirty = true;
                } else {
                    tracing::warn!(error = %err, "stream stopped");
                    fatal = Some(err);
                }
            } else {
                self.failures = 0;
            }
        };
        let text = rx.borrow().text.clone();
        let (kind, reply) = match end {
            Some(End { kind, reply }) => (kind, Some(reply)),
            None => (EndKind::Finish(FinalCard::Text), None),
        };
        let result = match fatal {
            Some(err) => Err(err),
            None => self.finish(&text, kind).await,
        };
        match reply {
            Some(reply) => {
                let _ = reply.send(result);
            }
            None => {
                if let Err(err) = result {
                    tracing::warn!(error = %err, "could not finish a dropped stream");
                }
            }
        }
    }

    /// Shows the last text, then puts the final card on the last card.
    async fn finish(&mut self, text: &str, kind: EndKind) -> Result<StreamSummary, Error> {
        // Typing out the last text first keeps the typewriter effect to the end; when that
        // fails the final update below carries the text anyway.
        if let Err(err) = self.show(text).await {
            if !err.is_retryable() {
                return Err(err);
            }
            self.rewrite_closed(text).await?;
        }
        let final_card = match kind {
            EndKind::Finish(FinalCard::Text) => self.config.template.clone(),
            EndKind::Finish(FinalCard::Card(card)) => card,
            EndKind::Abort(reason) => {
                let mut card = self.config.template.clone();
                add_note(&mut card, &reason);
                card
            }
        };
        let element_id = self.config.element_id.clone();
        let render = |text: &str| layout::render(&final_card, &element_id, text, false);
        let base = layout::card_bytes(&render(""));
        let Some(current) = self.current.take() else {
            return Ok(self.progress.summary(text.to_owned()));
        };
        let part = &text[current.start..];
        let room = Room {
            bytes: FEISHU_CARD_BYTES.saturating_sub(base),
            chars: self.config.room.chars,
        };
        if room.bytes < 16 {
            // The final card cannot hold text: close with the stream's own card instead, so
            // the card does not stay in streaming mode, and say why.
            self.update(&current.card_id, self.render(part, false))
                .await?;
            return Err(Error::InvalidArgument(format!(
                "the final card is {base} bytes without the text, too close to Feishu's \
                 {FEISHU_CARD_BYTES}-byte limit; the card was closed with its text instead"
            )));
        }
        if room.fits(part) {
            self.update(&current.card_id, render(part)).await?;
        } else {
            // The final card adds more than the streaming card left room for: the current
            // card keeps what it can, the final card takes the tail.
            let cut = current.start + room.split_tail(part);
            self.update(
                &current.card_id,
                self.render(&text[current.start..cut], false),
            )
            .await?;
            self.open(render(&text[cut..])).await?;
        }
        Ok(self.progress.summary(text.to_owned()))
    }
}

/// A grey, small note below the stream's text: the 2.0 form of the old `note` component.
fn add_note(card: &mut Value, reason: &str) {
    let note = json!({
        "tag": "div",
        "text": {
            "tag": "plain_text",
            "content": format!("⚠️ {reason}"),
            "text_size": "notation",
            "text_color": "grey"
        }
    });
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
