//! The long-connection listener (`card_client::ws`) end to end against the emulator's long
//! connection: split events, dropped sockets, missing acknowledgements, slow card actions,
//! refused handshakes, configuration carried by pongs, and two listeners sharing the events.
//!
//! Feishu's intervals are divided by the listener's time scale and the emulator's callback
//! deadline is shortened where a test waits for it, so the file runs in seconds. Every wait
//! has a generous bound that is never reached when things work; no assertion is about time.

#![cfg(feature = "emulator")]

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use card_client::callback::{Answer, CallbackConfig, Toast};
use card_client::emulator::{
    DeliveryOutcome, Emulator, LongConnectionDelivery, LongConnectionFault,
};
use card_client::ws::frame::{ClientConfig, ENDPOINT_PATH};
use card_client::ws::{Error, Event, Listener, ListenerHandle, State, StopReason};
use card_client::{Client, SendMessage};
use serde_json::{json, Value};
use tokio::sync::Notify;

/// Generous bound on anything a test waits for; never reached when things work.
const PATIENCE: Duration = Duration::from_secs(20);

/// Feishu's seconds are hundredths of a second for the listener.
const TIME_SCALE: f64 = 100.0;

/// Pings so rare that none but the first (sent on connecting) falls within a test, and a
/// reconnection within 10 ms.
fn quiet_config() -> ClientConfig {
    ClientConfig {
        ping_interval: 100_000,
        reconnect_count: -1,
        reconnect_interval: 1,
        reconnect_nonce: 1,
    }
}

fn client(feishu: &Emulator) -> Client {
    feishu.client().build().expect("client")
}

/// A listener of `feishu`'s app on the scaled clock, without functions yet.
fn listener(feishu: &Emulator) -> card_client::ws::ListenerBuilder {
    Listener::builder(client(feishu)).time_scale(TIME_SCALE)
}

/// Waits until the listener is connected.
async fn connected(handle: &ListenerHandle) {
    let mut state = handle.state();
    tokio::time::timeout(PATIENCE, state.wait_for(|s| *s == State::Connected))
        .await
        .expect("the listener connects in time")
        .expect("the listener runs");
}

/// Waits until `check` holds.
async fn eventually(what: &str, mut check: impl FnMut() -> bool) {
    let give_up = tokio::time::Instant::now() + PATIENCE;
    while !check() {
        assert!(tokio::time::Instant::now() < give_up, "never: {what}");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

/// Every delivery attempt of one event, in order.
fn attempts(feishu: &Emulator, event_id: &str) -> Vec<LongConnectionDelivery> {
    feishu
        .long_connection_deliveries()
        .into_iter()
        .filter(|d| d.event_id == event_id)
        .collect()
}

fn acked_without_answer(delivery: &LongConnectionDelivery) -> bool {
    matches!(
        delivery.outcome,
        DeliveryOutcome::Acked {
            code: 200,
            answer: None,
            ..
        }
    )
}

fn text_message(text: &str) -> Value {
    json!({
        "sender": {"sender_id": {"open_id": "ou_bob"}, "sender_type": "user", "tenant_key": "t"},
        "message": {"message_id": "om_in", "chat_id": "oc_team", "chat_type": "group",
                    "message_type": "text", "content": json!({"text": text}).to_string()},
    })
}

fn approval() -> Value {
    json!({"schema": "2.0", "config": {"update_multi": true}, "body": {"elements": [
        {"tag": "markdown", "content": "Request #7"},
        {"tag": "button", "text": {"tag": "plain_text", "content": "Approve"},
         "behaviors": [{"type": "callback", "value": {"do": "approve", "request": 7}}]}
    ]}})
}

fn approved(by: &str) -> Value {
    json!({"schema": "2.0", "config": {"update_multi": true}, "body": {"elements": [
        {"tag": "markdown", "content": format!("Approved by {by}")}
    ]}})
}

async fn send_approval(client: &Client) -> String {
    client
        .messages()
        .send(SendMessage::to_chat("oc_team", approval()))
        .await
        .expect("send")
        .message_id
}

/// An event id and the text of the message it carried, as an event function saw them.
type Seen = (String, Option<String>);

/// Counts the calls of an event function, and can hold each call until released.
#[derive(Clone, Default)]
struct Calls {
    started: Arc<AtomicUsize>,
    finished: Arc<AtomicUsize>,
    seen: Arc<Mutex<Vec<Seen>>>,
    gate: Option<Arc<Notify>>,
}

impl Calls {
    fn gated() -> Self {
        Calls {
            gate: Some(Arc::new(Notify::new())),
            ..Calls::default()
        }
    }

    fn release(&self) {
        if let Some(gate) = &self.gate {
            gate.notify_one();
        }
    }

    fn started(&self) -> usize {
        self.started.load(Ordering::SeqCst)
    }

    fn finished(&self) -> usize {
        self.finished.load(Ordering::SeqCst)
    }

    /// The event ids and message texts seen, in order.
    fn seen(&self) -> Vec<Seen> {
        self.seen.lock().expect("lock").clone()
    }

    /// The event function: records the event, waits for the gate if any, then counts.
    fn on_event(&self) -> impl Fn(Event) -> futures_util::future::BoxFuture<'static, ()> {
        let calls = self.clone();
        move |event: Event| {
            let calls = calls.clone();
            Box::pin(async move {
                calls.started.fetch_add(1, Ordering::SeqCst);
                let text = event.message().and_then(Result::ok).and_then(|m| m.text());
                calls
                    .seen
                    .lock()
                    .expect("lock")
                    .push((event.event_id().unwrap_or("").to_owned(), text));
                if let Some(gate) = &calls.gate {
                    gate.notified().await;
                }
                calls.finished.fetch_add(1, Ordering::SeqCst);
            })
        }
    }
}

/// 1. An event split into fragments (delivered shuffled) is put back together, handled once,
///    and acknowledged; a split card action is answered like a whole one.
#[tokio::test]
async fn an_event_split_into_fragments_is_reassembled_and_handled_once() {
    let feishu = Emulator::builder()
        .client_config(quiet_config())
        .long_connection()
        .start()
        .await
        .expect("emulator");
    let calls = Calls::default();
    let clicks = Arc::new(AtomicUsize::new(0));
    let counted = clicks.clone();
    let handle = listener(&feishu)
        .on_event(calls.on_event())
        .on_card_action(move |action, _later| {
            counted.fetch_add(1, Ordering::SeqCst);
            async move {
                Answer::toast(Toast::success("Approved")).card(approved(&action.operator.open_id))
            }
        })
        .start();
    connected(&handle).await;

    let text = "split ".repeat(500) + "你好";
    feishu.inject_long_connection(LongConnectionFault::split(5).out_of_order());
    let delivery = feishu
        .send_event("im.message.receive_v1", text_message(&text))
        .await;
    assert_eq!(delivery.parts, 5, "{delivery:?}");
    assert!(acked_without_answer(&delivery), "{delivery:?}");
    assert_eq!(calls.seen(), [(delivery.event_id.clone(), Some(text))]);
    assert_eq!(calls.finished(), 1);
    assert_eq!(
        attempts(&feishu, &delivery.event_id).len(),
        1,
        "acknowledged: not delivered again"
    );

    // A card action in three parts: its answer reaches the user and the card.
    let message_id = send_approval(&client(&feishu)).await;
    feishu.inject_long_connection(LongConnectionFault::split(3).out_of_order());
    let click = feishu
        .user("ou_alice")
        .click(&message_id, "Approve")
        .await
        .expect("click");
    assert!(click.is_ok(), "{:?}", click.failure);
    assert_eq!(
        click.toast.and_then(|t| t.content).as_deref(),
        Some("Approved")
    );
    assert_eq!(
        feishu.message(&message_id).expect("message").card,
        approved("ou_alice")
    );
    let parts: Vec<usize> = attempts(&feishu, &click.event_id)
        .iter()
        .map(|d| d.parts)
        .collect();
    assert_eq!(parts, [3]);
    assert_eq!(clicks.load(Ordering::SeqCst), 1);

    handle.shutdown().await.expect("shutdown");
}

/// 2. The socket is dropped right after an event is sent, while the function handles it: the
///    listener reconnects, Feishu delivers the event again on the new connection, and the
///    function has run once. While it runs, the deliveries that come again are not acknowledged
///    (Feishu keeps the event in case the first handler never finishes); once it has finished,
///    the next one is acknowledged without running it again.
#[tokio::test]
async fn a_socket_dropped_mid_event_reconnects_and_the_event_runs_once() {
    let feishu = Emulator::builder()
        .client_config(quiet_config())
        .callback_deadline(Duration::from_millis(500))
        // Enough attempts that one always comes after the function finished, however slow the
        // machine.
        .long_connection_redeliveries(40)
        .start()
        .await
        .expect("emulator");
    let calls = Calls::gated();
    let handle = listener(&feishu).on_event(calls.on_event()).start();
    connected(&handle).await;
    let first_connection = feishu.long_connections()[0].id;

    feishu.inject_long_connection(LongConnectionFault::drop_after_event());
    let delivery = feishu
        .send_event("im.message.receive_v1", text_message("once"))
        .await;
    assert_eq!(delivery.outcome, DeliveryOutcome::NoAck);
    assert_eq!(delivery.connection, Some(first_connection));
    assert_eq!(delivery.parts, 1, "the event was sent before the drop");

    eventually("the event comes again", || {
        attempts(&feishu, &delivery.event_id).len() >= 2
    })
    .await;
    assert_eq!(
        calls.started(),
        1,
        "the event is being handled by the first delivery"
    );

    calls.release();
    eventually("a later delivery is acknowledged as handled", || {
        attempts(&feishu, &delivery.event_id)
            .iter()
            .any(|d| d.attempt >= 2 && acked_without_answer(d))
    })
    .await;
    assert_eq!(calls.finished(), 1);
    assert_eq!(calls.started(), 1, "the function was not run again");
    assert_eq!(calls.seen().len(), 1, "its effect happened once");
    for again in &attempts(&feishu, &delivery.event_id)[1..] {
        let connection = again.connection.expect("sent on a connection");
        assert_ne!(connection, first_connection, "a new connection: {again:?}");
    }
    assert_eq!(
        feishu
            .requests()
            .iter()
            .filter(|r| r.path == ENDPOINT_PATH)
            .count(),
        2,
        "a new URL for the new connection"
    );
    assert_eq!(*handle.state().borrow(), State::Connected);
    handle.shutdown().await.expect("shutdown");
}

/// 3. A function slower than Feishu's deadline: no acknowledgement in time, the event comes
///    again and is not acknowledged while the function still runs; once it has finished, the
///    next delivery is acknowledged without running the function again.
#[tokio::test]
async fn an_event_not_acknowledged_in_time_comes_again_and_runs_once() {
    let feishu = Emulator::builder()
        .client_config(quiet_config())
        .callback_deadline(Duration::from_millis(300))
        .long_connection_redeliveries(40)
        .start()
        .await
        .expect("emulator");
    let calls = Calls::gated();
    let handle = listener(&feishu).on_event(calls.on_event()).start();
    connected(&handle).await;

    let delivery = feishu
        .send_event("im.message.receive_v1", text_message("slow"))
        .await;
    assert_eq!(delivery.outcome, DeliveryOutcome::NoAck, "{delivery:?}");
    eventually("the event comes again", || {
        attempts(&feishu, &delivery.event_id).len() >= 2
    })
    .await;
    assert_eq!(calls.started(), 1, "the function was not run again");

    // The first call finishes; its late acknowledgement changes nothing, and the next delivery
    // finds the event handled.
    calls.release();
    eventually("a later delivery is acknowledged as handled", || {
        attempts(&feishu, &delivery.event_id)
            .iter()
            .any(|d| d.attempt >= 2 && acked_without_answer(d))
    })
    .await;
    assert_eq!(calls.finished(), 1);
    assert_eq!(calls.started(), 1, "the function was not run again");
    let all = attempts(&feishu, &delivery.event_id);
    assert!(
        all.iter().all(|d| d.connection == all[0].connection),
        "one connection: {all:?}"
    );
    assert_eq!(calls.seen().len(), 1);
    handle.shutdown().await.expect("shutdown");
}

/// 3. An acknowledgement lost on its way after the function finished: the event, and a card
///    action, come again, and the second delivery is acknowledged without running the function
///    again (the card action's redelivery gets an empty answer).
#[tokio::test]
async fn a_lost_acknowledgement_brings_the_event_again_and_it_runs_once() {
    let feishu = Emulator::builder()
        .client_config(quiet_config())
        .callback_deadline(Duration::from_millis(300))
        .long_connection()
        .start()
        .await
        .expect("emulator");
    let client = client(&feishu);
    let message_id = send_approval(&client).await;
    let calls = Calls::default();
    let clicks = Arc::new(AtomicUsize::new(0));
    let counted = clicks.clone();
    let handle = listener(&feishu)
        .on_event(calls.on_event())
        .on_card_action(move |action, _later| {
            counted.fetch_add(1, Ordering::SeqCst);
            async move {
                Answer::toast(Toast::success("Approved")).card(approved(&action.operator.open_id))
            }
        })
        .start();
    connected(&handle).await;

    feishu.inject_long_connection(LongConnectionFault::lose_ack());
    let delivery = feishu
        .send_event("im.message.receive_v1", text_message("lost"))
        .await;
    assert_eq!(delivery.outcome, DeliveryOutcome::NoAck, "{delivery:?}");
    assert_eq!(calls.finished(), 1, "handled before the acknowledgement");
    eventually("the event's second delivery is acknowledged", || {
        attempts(&feishu, &delivery.event_id)
            .iter()
            .any(|d| d.attempt == 2 && acked_without_answer(d))
    })
    .await;
    assert_eq!(calls.started(), 1, "the function was not run again");

    feishu.inject_long_connection(LongConnectionFault::lose_ack());
    let click = feishu
        .user("ou_alice")
        .click(&message_id, "Approve")
        .await
        .expect("click");
    let failure = click.failure.expect("no acknowledgement reached Feishu");
    assert_eq!(failure.code, 200341, "{failure}");
    eventually("the card action's second delivery is acknowledged", || {
        attempts(&feishu, &click.event_id)
            .iter()
            .any(|d| d.attempt == 2 && acked_without_answer(d))
    })
    .await;
    assert_eq!(clicks.load(Ordering::SeqCst), 1, "answered once");
    assert_eq!(
        feishu.message(&message_id).expect("message").card,
        approval(),
        "the user saw the error; the card stays"
    );
    for event_id in [&delivery.event_id, &click.event_id] {
        assert_eq!(attempts(&feishu, event_id).len(), 2, "no third delivery");
    }
    handle.shutdown().await.expect("shutdown");
}

/// 4. A slow card-action function: the fallback toast goes back in the acknowledgement in
///    time, then the card of the function's late answer lands by delayed update.
#[tokio::test]
async fn a_slow_card_action_gets_the_fallback_toast_then_the_card_by_delayed_update() {
    let feishu = Emulator::builder()
        .client_config(quiet_config())
        .long_connection()
        .start()
        .await
        .expect("emulator");
    let client = client(&feishu);
    let message_id = send_approval(&client).await;
    let gate = Arc::new(Notify::new());
    let held = gate.clone();
    let handle = Listener::builder(client)
        .time_scale(TIME_SCALE)
        // The fallback goes 100 ms after arrival instead of 2.5 s.
        .callback_config(CallbackConfig::new("").deadline_margin(Duration::from_millis(2900)))
        .on_card_action(move |action, _later| {
            let held = held.clone();
            async move {
                held.notified().await;
                Answer::toast(Toast::success("Approved, late"))
                    .card(approved(&action.operator.open_id))
            }
        })
        .start();
    connected(&handle).await;

    let click = feishu
        .user("ou_alice")
        .click(&message_id, "Approve")
        .await
        .expect("click");
    assert!(click.is_ok(), "{:?}", click.failure);
    let toast = click.toast.expect("the fallback toast");
    assert_eq!(
        (toast.kind.as_str(), toast.content.as_deref()),
        ("info", Some("Processing…"))
    );
    assert!(!click.card_changed);
    assert_eq!(
        feishu.message(&message_id).expect("message").card,
        approval()
    );
    assert_eq!(
        handle.callback_handler().running(),
        1,
        "the function runs on"
    );

    gate.notify_one();
    eventually("the late card lands", || {
        feishu.message(&message_id).map(|m| m.card) == Some(approved("ou_alice"))
    })
    .await;
    assert!(feishu.message(&message_id).expect("message").updated);
    assert_eq!(feishu.toasts().len(), 1, "a late toast is not shown");
    let deliveries = attempts(&feishu, &click.event_id);
    assert_eq!(deliveries.len(), 1, "answered in time: not delivered again");
    handle.shutdown().await.expect("shutdown");
    assert_eq!(handle.callback_handler().running(), 0);
}

/// 5. Each handshake Feishu refuses for good ends the listener, not retried, with its own
///    error saying what to fix; so do wrong credentials at the endpoint.
#[tokio::test]
async fn each_final_refusal_ends_the_listener_with_its_own_error() {
    let feishu = Emulator::builder()
        .client_config(quiet_config())
        .start()
        .await
        .expect("emulator");
    type Check = fn(&Error) -> bool;
    let cases: [(LongConnectionFault, Check, &str); 3] = [
        (
            LongConnectionFault::auth_failed(),
            |e| matches!(e, Error::Authentication { code: 514, .. }),
            "check the app id and app secret",
        ),
        (
            LongConnectionFault::forbidden(),
            |e| matches!(e, Error::Forbidden { code: 403, .. }),
            "only self-built (custom) apps",
        ),
        (
            LongConnectionFault::too_many_connections(),
            |e| matches!(e, Error::TooManyConnections { .. }),
            "stop other instances of this bot",
        ),
    ];
    for (fault, expected, advice) in cases {
        let name = format!("{:?}", fault.kind());
        feishu.clear_requests();
        feishu.inject_long_connection(fault);
        let handle = listener(&feishu).start();
        let error = tokio::time::timeout(PATIENCE, handle.wait())
            .await
            .expect("the listener stops")
            .expect_err("a final refusal");
        assert!(expected(&error), "{name}: {error:?}");
        let message = error.to_string();
        assert!(message.contains(advice), "{name}: {message}");
        assert!(
            matches!(&*handle.state().borrow(), State::Stopped(StopReason::Failed(e)) if *e == error)
        );
        let asked = feishu
            .requests()
            .iter()
            .filter(|r| r.path == ENDPOINT_PATH)
            .count();
        assert_eq!(asked, 1, "{name}: not retried");
        assert!(feishu.long_connections().is_empty());
    }

    // A wrong secret is refused by the endpoint already.
    let wrong = Client::builder(feishu.app_id(), "not-the-secret")
        .base_url(feishu.base_url())
        .build()
        .expect("client");
    let handle = Listener::builder(wrong).time_scale(TIME_SCALE).start();
    let error = tokio::time::timeout(PATIENCE, handle.wait())
        .await
        .expect("the listener stops")
        .expect_err("refused");
    assert!(
        matches!(error, Error::Authentication { code: 514, .. }),
        "{error:?}"
    );
}

/// 6. A pong carrying a new `PingInterval`: the listener's next pings, as the emulator counts
///    them, come at the new interval.
#[tokio::test]
async fn a_pong_with_a_new_ping_interval_changes_how_often_the_listener_pings() {
    // The endpoint says every 100,000 s (1,000 s for the scaled listener): after the ping
    // sent on connecting, no other could arrive within the test's patience...
    let feishu = Emulator::builder()
        .client_config(quiet_config())
        .start()
        .await
        .expect("emulator");
    // ...but every pong says 2 s (20 ms scaled).
    let fast = ClientConfig {
        ping_interval: 2,
        ..quiet_config()
    };
    feishu.inject_long_connection(LongConnectionFault::pong_config(fast).until_cleared());
    let handle = listener(&feishu).start();
    connected(&handle).await;
    assert!(feishu.wait_for_long_connections(1, PATIENCE).await);

    eventually("five pings at the new interval", || {
        feishu.long_connections().first().map_or(0, |c| c.pings) >= 5
    })
    .await;
    let connections = feishu.long_connections();
    assert_eq!(connections.len(), 1, "the same connection throughout");
    assert_eq!(
        feishu
            .requests()
            .iter()
            .filter(|r| r.path == ENDPOINT_PATH)
            .count(),
        1
    );
    handle.shutdown().await.expect("shutdown");
}

/// 7. Two listeners of one app: each event goes to one of them and is handled by that one
///    only, and both get a share.
#[tokio::test]
async fn two_listeners_share_the_events_each_handled_by_exactly_one() {
    const EVENTS: usize = 24;
    let feishu = Emulator::builder()
        .seed(7)
        .client_config(quiet_config())
        .start()
        .await
        .expect("emulator");
    let replicas = [Calls::default(), Calls::default()];
    let handles: Vec<ListenerHandle> = replicas
        .iter()
        .map(|calls| listener(&feishu).on_event(calls.on_event()).start())
        .collect();
    for handle in &handles {
        connected(handle).await;
    }
    assert!(feishu.wait_for_long_connections(2, PATIENCE).await);

    let mut sent = BTreeSet::new();
    for i in 0..EVENTS {
        let delivery = feishu
            .send_event("im.message.receive_v1", text_message(&format!("n{i}")))
            .await;
        assert!(acked_without_answer(&delivery), "{delivery:?}");
        sent.insert(delivery.event_id);
    }

    let per_replica: Vec<Vec<String>> = replicas
        .iter()
        .map(|calls| calls.seen().into_iter().map(|(id, _)| id).collect())
        .collect();
    let mut handled: Vec<&String> = per_replica.iter().flatten().collect();
    handled.sort();
    let sent: Vec<&String> = sent.iter().collect();
    assert_eq!(handled, sent, "every event handled exactly once overall");
    assert!(
        per_replica.iter().all(|ids| !ids.is_empty()),
        "both listeners got a share: {:?}",
        per_replica.iter().map(Vec::len).collect::<Vec<_>>()
    );
    let deliveries = feishu.long_connection_deliveries();
    assert_eq!(deliveries.len(), EVENTS, "no event delivered twice");
    let connections: BTreeSet<u64> = deliveries.iter().filter_map(|d| d.connection).collect();
    assert_eq!(connections.len(), 2);
    for handle in &handles {
        handle.shutdown().await.expect("shutdown");
    }
}
