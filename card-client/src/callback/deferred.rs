//! Updating the card after the callback was answered, with the callback's token.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use tokio::sync::{watch, Notify};
use tokio::time::Instant;

use crate::{CallbackToken, CardContent, Client, DelayedUpdate, Error};

/// Updates the card a callback came from, once the callback's answer has gone out.
///
/// Every callback function receives one. Feishu allows two delayed updates per callback, within
/// 30 minutes, and only after the callback was answered; `Deferred` waits for the answer to go
/// out, then goes through [`Client::delayed`], which counts the uses of the token (shared with
/// [`CardAction::token`](super::CardAction::token)) and refuses a third or a late one without
/// sending anything.
///
/// When your function misses the deadline, the handler answers with the fallback toast and
/// uses this same handle to deliver the card of your function's late [`Answer`](super::Answer).
///
/// ```no_run
/// use card_client::callback::{Answer, CardAction, Deferred, Toast};
/// use serde_json::json;
///
/// async fn on_click(action: CardAction, later: Deferred) -> Answer {
///     tokio::spawn(async move {
///         // Slow work, then a new card: sent once the toast below has reached Feishu.
///         let card = json!({"schema": "2.0", "body": {"elements": [
///             {"tag": "markdown", "content": "Report ready"}
///         ]}});
///         if let Err(e) = later.update(card).await {
///             tracing::warn!("could not update the card: {e}");
///         }
///     });
///     Answer::toast(Toast::info("Building the report…"))
/// }
/// ```
#[derive(Debug, Clone)]
pub struct Deferred {
    token: CallbackToken,
    client: Option<Client>,
    sent: watch::Receiver<bool>,
    feishu_gives_up: Instant,
}

impl Deferred {
    pub(crate) fn new(
        token: CallbackToken,
        client: Option<Client>,
        sent: watch::Receiver<bool>,
        feishu_gives_up: Instant,
    ) -> Self {
        Deferred {
            token,
            client,
            sent,
            feishu_gives_up,
        }
    }

    /// The callback's update token, with its use count.
    pub fn token(&self) -> &CallbackToken {
        &self.token
    }

    /// Waits until the callback's answer has gone out: marked sent by the integration, or
    /// else until Feishu's 3 seconds have passed.
    pub async fn answered(&self) {
        let mut sent = self.sent.clone();
        let marked = tokio::time::timeout_at(self.feishu_gives_up, async {
            sent.wait_for(|sent| *sent).await.is_ok()
        })
        .await;
        if marked == Ok(false) {
            // Nobody can mark it any more: wait for Feishu's deadline instead.
            tokio::time::sleep_until(self.feishu_gives_up).await;
        }
    }

    /// Replaces the card once the answer has gone out (`POST
    /// /open-apis/interactive/v1/card/update`).
    ///
    /// # Errors
    ///
    /// [`Error::CallbackToken`] without a request once the token was used twice or is older
    /// than 30 minutes; [`Error::InvalidArgument`] when the handler was built without a
    /// client; otherwise what [`Delayed::update`](crate::Delayed::update) returns.
    pub async fn update(&self, card: impl Into<CardContent>) -> Result<(), Error> {
        self.update_with(DelayedUpdate::new(card)).await
    }

    /// Like [`Deferred::update`], with the full request (for `open_ids` of JSON 1.0 cards).
    ///
    /// # Errors
    ///
    /// As [`Deferred::update`].
    pub async fn update_with(&self, req: DelayedUpdate) -> Result<(), Error> {
        let Some(client) = &self.client else {
            return Err(Error::InvalidArgument(
                "the callback handler has no client to update cards with: give it one with CallbackConfig::client".into(),
            ));
        };
        self.answered().await;
        client.delayed().update(&self.token, req).await
    }
}

/// Counts callback functions still running, so shutdown can wait for them.
#[derive(Debug, Default)]
pub(crate) struct Tracker {
    running: AtomicUsize,
    idle: Notify,
}

/// One running callback function; dropping it (also by a panic) ends it.
pub(crate) struct Running(Arc<Tracker>);

impl Tracker {
    pub(crate) fn enter(self: &Arc<Self>) -> Running {
        self.running.fetch_add(1, Ordering::SeqCst);
        Running(self.clone())
    }

    pub(crate) fn running(&self) -> usize {
        self.running.load(Ordering::SeqCst)
    }

    pub(crate) async fn idle(&self) {
        loop {
            let notified = self.idle.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            if self.running() == 0 {
                return;
            }
            notified.await;
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if self.0.running.fetch_sub(1, Ordering::SeqCst) == 1 {
            self.0.idle.notify_waiters();
        }
    }
}
