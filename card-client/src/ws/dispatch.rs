//! What a whole payload becomes: the card-action machinery of [`crate::callback`] or the event
//! function, and the acknowledgement that answers it.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use tokio::time::Instant;
use tracing::Instrument as _;

use super::event::Event;
use super::frame::Acknowledgement;
use crate::callback::{
    Answer, AnswerSent, CallbackError, CallbackHandler, CardAction, Deferred, CARD_ACTION_TRIGGER,
    FEISHU_DEADLINE,
};

/// A boxed future that can move between threads.
pub(crate) type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send + 'static>>;
/// The card-action function.
pub(crate) type CardFn = Arc<dyn Fn(CardAction, Deferred) -> BoxFuture<Answer> + Send + Sync>;
/// The event function.
pub(crate) type EventFn = Arc<dyn Fn(Event) -> BoxFuture<()> + Send + Sync>;

/// Routes payloads to the functions.
#[derive(Clone)]
pub(crate) struct Dispatcher {
    pub(crate) handler: CallbackHandler,
    pub(crate) on_card: Option<CardFn>,
    pub(crate) on_event: Option<EventFn>,
}

/// The acknowledgement of one payload, and the signal to give once it has been sent.
#[derive(Debug)]
pub(crate) struct Outcome {
    pub(crate) ack: Acknowledgement,
    pub(crate) sent: Option<AnswerSent>,
}

impl Outcome {
    fn ok(answer: Option<&[u8]>) -> Outcome {
        Outcome {
            ack: Acknowledgement::ok(answer),
            sent: None,
        }
    }

    /// A frame nobody handles: acknowledged, so Feishu does not send it again.
    pub(crate) fn unhandled() -> Outcome {
        Outcome::ok(None)
    }

    fn failed() -> Outcome {
        Outcome {
            ack: Acknowledgement::failed(),
            sent: None,
        }
    }
}

/// What a card action is answered when no card-action function is set: `{}` leaves the card
/// as it is, where no answer at all would show the user an error.
const EMPTY_ANSWER: &[u8] = b"{}";

impl Dispatcher {
    /// Handles one whole payload that arrived at `received`.
    pub(crate) async fn dispatch(&self, payload: &[u8], received: Instant) -> Outcome {
        let event = match Event::from_slice(payload) {
            Ok(event) => event,
            Err(e) => {
                tracing::warn!(bytes = payload.len(), "data frame refused: {e}");
                return Outcome::failed();
            }
        };
        let span = tracing::info_span!(
            "feishu_event",
            event_type = event.event_type(),
            event_id = event.event_id().unwrap_or(""),
        );
        self.route(event, received).instrument(span).await
    }

    async fn route(&self, event: Event, received: Instant) -> Outcome {
        let is_card = event.event_type() == CARD_ACTION_TRIGGER;
        match (&self.on_card, is_card) {
            (Some(on_card), true) => self.card_action(on_card, event, received).await,
            _ => {
                let mut outcome = self.event(event, is_card, received).await;
                if is_card && outcome.ack.code == Acknowledgement::OK && outcome.ack.data.is_none()
                {
                    outcome.ack = Acknowledgement::ok(Some(EMPTY_ANSWER));
                }
                outcome
            }
        }
    }

    async fn card_action(&self, on_card: &CardFn, event: Event, received: Instant) -> Outcome {
        let on_card = on_card.clone();
        let answer = self
            .handler
            .handle_trusted(event.into_raw(), received, move |action, later| {
                // Called inside the spawned task, so a panic in the function is caught there.
                async move { on_card(action, later).await }
            })
            .await;
        match answer.error() {
            None => Outcome {
                ack: Acknowledgement::ok(Some(answer.body())),
                sent: Some(answer.sent_signal()),
            },
            Some(CallbackError::Replayed { .. }) => Outcome::ok(None),
            Some(CallbackError::InProgress { .. } | CallbackError::StoreFailed { .. }) => {
                unacknowledged(received).await
            }
            Some(_) => Outcome::failed(),
        }
    }

    async fn event(&self, event: Event, is_card: bool, received: Instant) -> Outcome {
        let claim = match event.event_id() {
            None => None,
            Some(id) => match self.handler.claim(id, received).await {
                Ok(claim) => Some(claim),
                Err(CallbackError::Replayed { .. }) => {
                    tracing::info!("event already handled: delivered again, not run again");
                    return Outcome::ok(None);
                }
                Err(e @ CallbackError::InProgress { .. }) => {
                    tracing::info!("{e}");
                    return unacknowledged(received).await;
                }
                Err(e @ CallbackError::StoreFailed { .. }) => {
                    tracing::error!("{e}");
                    return unacknowledged(received).await;
                }
                Err(e) => {
                    tracing::error!("{e}");
                    return Outcome::failed();
                }
            },
        };
        // The claim is renewed while the function runs, however long it takes.
        let outcome = match &claim {
            Some(claim) => claim.hold(self.run_event(event, is_card)).await,
            None => self.run_event(event, is_card).await,
        };
        if let Some(claim) = claim {
            if outcome.ack.code == Acknowledgement::OK {
                claim.finish().await;
            } else {
                claim.release().await;
            }
        }
        outcome
    }

    async fn run_event(&self, event: Event, is_card: bool) -> Outcome {
        let Some(on_event) = self.on_event.clone() else {
            if is_card {
                tracing::warn!(
                    "a card action arrived but the listener has no on_card_action function: answered {{}}"
                );
            } else {
                tracing::debug!("no on_event function: event acknowledged unhandled");
            }
            return Outcome::ok(None);
        };
        // Called inside the task, so a panic in the function is caught by the join.
        match tokio::spawn(async move { on_event(event).await }).await {
            Ok(()) => Outcome::ok(None),
            Err(e) => {
                tracing::error!("the event function failed: {e}");
                Outcome::failed()
            }
        }
    }
}

/// The outcome of a delivery whose event another delivery is still handling, or whose claim
/// the event store could not record: held until Feishu's deadline for it has passed, so that it
/// does not count as an acknowledgement and Feishu delivers the event again.
async fn unacknowledged(received: Instant) -> Outcome {
    tokio::time::sleep_until(received + FEISHU_DEADLINE + LATE_BY).await;
    Outcome::failed()
}

/// How far past Feishu's deadline an acknowledgement is held to miss it surely.
const LATE_BY: std::time::Duration = std::time::Duration::from_millis(250);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::callback::{CallbackConfig, Toast};
    use serde_json::{json, Value};
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    fn click(event_id: &str) -> Vec<u8> {
        serde_json::to_vec(&json!({"schema": "2.0",
            "header": {"event_id": event_id, "event_type": "card.action.trigger"},
            "event": {"token": "c-1", "operator": {"open_id": "ou_1"},
                      "action": {"tag": "button", "value": {"n": 1}}}}))
        .unwrap()
    }

    fn message(event_id: &str) -> Vec<u8> {
        serde_json::to_vec(&json!({"schema": "2.0",
            "header": {"event_id": event_id, "event_type": "im.message.receive_v1"},
            "event": {"message": {"message_id": "om_1", "message_type": "text",
                                  "content": "{\"text\":\"hi\"}"}}}))
        .unwrap()
    }

    fn answer_of(outcome: &Outcome) -> Value {
        let bytes = outcome.ack.answer().expect("data").expect("base64");
        serde_json::from_slice(&bytes).expect("json")
    }

    fn dispatcher(calls: Arc<AtomicUsize>) -> Dispatcher {
        let events = calls.clone();
        Dispatcher {
            handler: CallbackConfig::new("").build(),
            on_card: Some(Arc::new(move |action: CardAction, _later| {
                calls.fetch_add(1, Ordering::SeqCst);
                Box::pin(async move {
                    if action.action.value["panic"] == true {
                        panic!("the function broke");
                    }
                    Answer::toast(Toast::success(format!("hi {}", action.operator.open_id)))
                })
            })),
            on_event: Some(Arc::new(move |event: Event| {
                let events = events.clone();
                Box::pin(async move {
                    assert_eq!(
                        event.message().unwrap().unwrap().text().as_deref(),
                        Some("hi")
                    );
                    events.fetch_add(100, Ordering::SeqCst);
                })
            })),
        }
    }

    #[tokio::test]
    async fn a_card_action_is_answered_with_the_functions_answer_then_once() {
        let calls = Arc::new(AtomicUsize::new(0));
        let d = dispatcher(calls.clone());
        let first = d.dispatch(&click("e-1"), Instant::now()).await;
        assert_eq!(first.ack.code, 200);
        assert_eq!(
            answer_of(&first),
            json!({"toast": {"type": "success", "content": "hi ou_1"}})
        );
        assert!(first.sent.is_some(), "the answer's delivery is signalled");
        let again = d.dispatch(&click("e-1"), Instant::now()).await;
        assert_eq!((again.ack.code, again.ack.data), (200, None));
        assert_eq!(calls.load(Ordering::SeqCst), 1, "handled once");
    }

    #[tokio::test]
    async fn other_events_go_to_the_event_function_once() {
        let calls = Arc::new(AtomicUsize::new(0));
        let d = dispatcher(calls.clone());
        let first = d.dispatch(&message("m-1"), Instant::now()).await;
        assert_eq!((first.ack.code, first.ack.data), (200, None));
        let again = d.dispatch(&message("m-1"), Instant::now()).await;
        assert_eq!(again.ack.code, 200);
        assert_eq!(calls.load(Ordering::SeqCst), 100);
    }

    #[tokio::test]
    async fn payloads_that_are_not_events_are_acknowledged_500() {
        let d = dispatcher(Arc::new(AtomicUsize::new(0)));
        for payload in [&b"\xff not json"[..], b"[]", br#"{"header": {}}"#] {
            let outcome = d.dispatch(payload, Instant::now()).await;
            assert_eq!(
                outcome.ack.code,
                500,
                "{:?}",
                String::from_utf8_lossy(payload)
            );
        }
        // A card action with missing fields is refused by the callback machinery.
        let broken = br#"{"schema": "2.0", "header": {"event_id": "x", "event_type": "card.action.trigger"}}"#;
        assert_eq!(d.dispatch(broken, Instant::now()).await.ack.code, 500);
    }

    #[tokio::test]
    async fn a_panicking_function_is_a_500() {
        let d = dispatcher(Arc::new(AtomicUsize::new(0)));
        let mut event: Value = serde_json::from_slice(&click("e-p")).unwrap();
        event["event"]["action"]["value"] = json!({"panic": true});
        let outcome = d
            .dispatch(&serde_json::to_vec(&event).unwrap(), Instant::now())
            .await;
        assert_eq!(outcome.ack.code, 500);

        let panics = Dispatcher {
            on_event: Some(Arc::new(|_event: Event| -> BoxFuture<()> {
                panic!("before the future")
            })),
            ..d
        };
        assert_eq!(
            panics
                .dispatch(&message("m-p"), Instant::now())
                .await
                .ack
                .code,
            500
        );
    }

    #[tokio::test]
    async fn without_functions_everything_is_acknowledged() {
        let d = Dispatcher {
            handler: CallbackConfig::new("").build(),
            on_card: None,
            on_event: None,
        };
        let card = d.dispatch(&click("e-2"), Instant::now()).await;
        assert_eq!(answer_of(&card), json!({}), "a card action gets {{}}");
        let other = d.dispatch(&message("m-2"), Instant::now()).await;
        assert_eq!((other.ack.code, other.ack.data), (200, None));
    }

    #[tokio::test(start_paused = true)]
    async fn an_event_claimed_by_another_delivery_is_not_acknowledged_in_time() {
        use crate::callback::{EventStore, MemoryEventStore};
        let store = Arc::new(MemoryEventStore::default());
        let lease = Duration::from_secs(3600);
        for id in ["e-held", "m-held"] {
            store
                .claim(id, "another-delivery", lease)
                .await
                .expect("claimed");
        }
        let calls = Arc::new(AtomicUsize::new(0));
        let d = Dispatcher {
            handler: CallbackConfig::new("").event_store(store.clone()).build(),
            ..dispatcher(calls.clone())
        };
        for payload in [click("e-held"), message("m-held")] {
            let received = Instant::now();
            let outcome = d.dispatch(&payload, received).await;
            assert_eq!(outcome.ack.code, 500);
            assert!(
                received.elapsed() > FEISHU_DEADLINE,
                "held past Feishu's deadline, so that it is delivered again"
            );
        }
        assert_eq!(calls.load(Ordering::SeqCst), 0, "nothing ran");
        // Once the other delivery has handled them, deliveries again are duplicates.
        for id in ["e-held", "m-held"] {
            assert!(store
                .finish(id, "another-delivery")
                .await
                .expect("finished"));
        }
        let card = d.dispatch(&click("e-held"), Instant::now()).await;
        assert_eq!((card.ack.code, card.ack.data), (200, None));
        let other = d.dispatch(&message("m-held"), Instant::now()).await;
        assert_eq!((other.ack.code, other.ack.data), (200, None));
        assert_eq!(calls.load(Ordering::SeqCst), 0);
    }

    /// An event store that cannot be reached.
    struct Down;

    impl crate::callback::EventStore for Down {
        fn claim<'a>(
            &'a self,
            _: &'a str,
            _: &'a str,
            _: Duration,
        ) -> crate::callback::ClaimFuture<'a> {
            Box::pin(async { Err("connection refused".into()) })
        }

        fn finish<'a>(&'a self, _: &'a str, _: &'a str) -> crate::callback::StoreFuture<'a> {
            Box::pin(async { Err("connection refused".into()) })
        }

        fn release<'a>(&'a self, _: &'a str, _: &'a str) -> crate::callback::StoreFuture<'a> {
            Box::pin(async { Err("connection refused".into()) })
        }
    }

    #[tokio::test(start_paused = true)]
    async fn without_the_event_store_nothing_runs_and_nothing_is_acknowledged_in_time() {
        let calls = Arc::new(AtomicUsize::new(0));
        let d = Dispatcher {
            handler: CallbackConfig::new("").event_store(Down).build(),
            ..dispatcher(calls.clone())
        };
        for payload in [click("e-down"), message("m-down")] {
            let received = Instant::now();
            let outcome = d.dispatch(&payload, received).await;
            assert_eq!(outcome.ack.code, 500);
            assert!(
                received.elapsed() > FEISHU_DEADLINE,
                "delivered again later"
            );
        }
        assert_eq!(calls.load(Ordering::SeqCst), 0);
    }

    #[tokio::test(start_paused = true)]
    async fn a_slow_function_gets_the_fallback_by_the_deadline() {
        let d = Dispatcher {
            handler: CallbackConfig::new("").build(),
            on_card: Some(Arc::new(|_action, _later| {
                Box::pin(async {
                    tokio::time::sleep(Duration::from_secs(10)).await;
                    Answer::toast(Toast::success("late"))
                })
            })),
            on_event: None,
        };
        let outcome = d.dispatch(&click("e-slow"), Instant::now()).await;
        assert_eq!(answer_of(&outcome)["toast"]["type"], "info");
        assert_eq!(answer_of(&outcome)["toast"]["content"], "Processing…");
    }
}
