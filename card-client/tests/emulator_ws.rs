//! The emulator's side of Feishu's long connection, driven by a small WebSocket peer written
//! here from the wire format (`card_client::ws::frame`): the endpoint, pings and pongs, events
//! and card actions delivered to one client, acknowledgements applied to cards, re-delivery,
//! faults, refusals, and hostile input.

#![cfg(feature = "emulator")]

use std::collections::{BTreeSet, HashMap};
use std::time::Duration;

use card_client::emulator::{
    DeliveryOutcome, Emulator, Fault, LongConnectionFault, MAX_LONG_CONNECTIONS,
};
use card_client::ws::frame::{
    codes, Acknowledgement, ClientConfig, Frame, FrameType, ENDPOINT_PATH, HANDSHAKE_AUTH_ERR_CODE,
    HANDSHAKE_MSG, HANDSHAKE_STATUS, HEADER_MESSAGE_ID, HEADER_SEQ, HEADER_SUM, HEADER_TRACE_ID,
    HEADER_TYPE, METHOD_DATA,
};
use card_client::{Client, SendMessage};
use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::{self, Message};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

/// How long a test waits for something that should happen promptly before failing.
const PATIENCE: Duration = Duration::from_secs(10);

type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

async fn endpoint(feishu: &Emulator, app_id: &str, secret: &str) -> Value {
    let body = json!({"AppID": app_id, "AppSecret": secret}).to_string();
    let response = reqwest::Client::new()
        .post(format!("{}{ENDPOINT_PATH}", feishu.base_url()))
        .header("content-type", "application/json")
        .header("locale", "zh")
        .body(body)
        .send()
        .await
        .expect("endpoint request");
    assert_eq!(response.status().as_u16(), 200);
    serde_json::from_slice(&response.bytes().await.expect("endpoint body")).expect("JSON")
}

async fn url(feishu: &Emulator) -> String {
    let answer = endpoint(feishu, feishu.app_id(), feishu.app_secret()).await;
    assert_eq!(answer["code"], 0, "{answer}");
    answer["data"]["URL"].as_str().expect("URL").to_owned()
}

fn query<'a>(url: &'a str, name: &str) -> Option<&'a str> {
    url.split_once('?')?.1.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=')?;
        (k == name).then_some(v)
    })
}

/// A long-connection client reduced to what the tests need.
struct Peer {
    socket: Socket,
    service: i32,
    device_id: String,
}

impl Peer {
    async fn connect(feishu: &Emulator) -> Peer {
        let url = url(feishu).await;
        Peer::connect_to(&url).await.expect("handshake")
    }

    async fn connect_to(url: &str) -> Result<Peer, tungstenite::Error> {
        let (socket, _) = tokio_tungstenite::connect_async(url).await?;
        Ok(Peer {
            socket,
            service: query(url, "service_id")
                .and_then(|s| s.parse().ok())
                .expect("integer service_id"),
            device_id: query(url, "device_id").expect("device_id").to_owned(),
        })
    }

    async fn send(&mut self, frame: &Frame) {
        self.socket
            .send(Message::Binary(frame.encode_bytes().into()))
            .await
            .expect("send");
    }

    /// The next frame; `None` when the server closed the socket.
    async fn next(&mut self) -> Option<Frame> {
        loop {
            let message = tokio::time::timeout(PATIENCE, self.socket.next())
                .await
                .expect("a message from the emulator in time");
            match message {
                Some(Ok(Message::Binary(bytes))) => {
                    return Some(Frame::decode_bytes(&bytes).expect("a protobuf frame"))
                }
                Some(Ok(Message::Close(_))) | Some(Err(_)) | None => return None,
                Some(Ok(_)) => continue,
            }
        }
    }

    async fn ping(&mut self) {
        let ping = Frame::control(self.service, FrameType::Ping, None);
        self.send(&ping).await;
    }

    async fn pong(&mut self) -> ClientConfig {
        let frame = self.next().await.expect("a pong");
        assert!(frame.is_control());
        assert_eq!(frame.frame_type(), Some(FrameType::Pong));
        assert_eq!(frame.service, self.service);
        serde_json::from_slice(frame.payload.as_deref().expect("payload")).expect("ClientConfig")
    }

    /// The parts of the next data message, in arrival order, and its reassembled JSON.
    async fn event(&mut self) -> (Vec<Frame>, Value) {
        let mut parts: HashMap<String, Vec<Frame>> = HashMap::new();
        loop {
            let frame = self.next().await.expect("an event");
            if !frame.is_data() {
                continue;
            }
            let id = frame
                .header(HEADER_MESSAGE_ID)
                .expect("message_id")
                .to_owned();
            let sum: usize = frame
                .header(HEADER_SUM)
                .and_then(|s| s.parse().ok())
                .expect("sum");
            let got = parts.entry(id.clone()).or_default();
            got.push(frame);
            if got.len() == sum {
                let arrived = parts.remove(&id).unwrap_or_default();
                let mut sorted = arrived.clone();
                sorted.sort_by_key(|f| {
                    f.header(HEADER_SEQ)
                        .and_then(|s| s.parse::<usize>().ok())
                        .expect("seq")
                });
                let bytes: Vec<u8> = sorted
                    .iter()
                    .flat_map(|f| f.payload.clone().unwrap_or_default())
                    .collect();
                let json = serde_json::from_slice(&bytes).expect("the parts make JSON");
                return (arrived, json);
            }
        }
    }

    async fn ack(&mut self, frame: &Frame, ack: &Acknowledgement) {
        let ack = frame.acknowledgement(Duration::from_millis(3), ack);
        self.send(&ack).await;
    }

    async fn ack_answer(&mut self, frame: &Frame, answer: &Value) {
        let bytes = answer.to_string().into_bytes();
        self.ack(frame, &Acknowledgement::ok(Some(&bytes))).await;
    }
}

/// Waits until `check` holds (the emulator records acknowledgements as they arrive).
async fn eventually(what: &str, mut check: impl FnMut() -> bool) {
    let give_up = tokio::time::Instant::now() + PATIENCE;
    while !check() {
        assert!(tokio::time::Instant::now() < give_up, "never: {what}");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
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

async fn send_card(client: &Client) -> String {
    client
        .messages()
        .send(SendMessage::to_chat("oc_team", approval()))
        .await
        .expect("send")
        .message_id
}

fn small_config() -> ClientConfig {
    ClientConfig {
        ping_interval: 1,
        reconnect_count: 3,
        reconnect_interval: 1,
        reconnect_nonce: 0,
    }
}

#[tokio::test]
async fn the_endpoint_hands_out_urls_and_refuses_wrong_credentials() {
    let feishu = Emulator::builder()
        .app("cli_ws", "s3cret")
        .start()
        .await
        .expect("emulator");

    let answer = endpoint(&feishu, "cli_ws", "s3cret").await;
    assert_eq!(answer["code"], 0);
    let url = answer["data"]["URL"].as_str().expect("URL");
    assert!(url.starts_with("ws://127.0.0.1:"), "{url}");
    assert!(query(url, "device_id").is_some_and(|d| !d.is_empty()));
    assert!(query(url, "service_id").is_some_and(|s| s.parse::<i32>().is_ok()));
    let config: ClientConfig =
        serde_json::from_value(answer["data"]["ClientConfig"].clone()).expect("ClientConfig");
    assert_eq!(config, ClientConfig::default());
    assert_eq!(answer["data"]["ClientConfig"]["PingInterval"], 120);
    assert_eq!(answer["data"]["ClientConfig"]["ReconnectCount"], -1);

    // Every URL is a new device.
    let again = endpoint(&feishu, "cli_ws", "s3cret").await;
    assert_ne!(
        query(again["data"]["URL"].as_str().unwrap_or(""), "device_id"),
        query(url, "device_id")
    );

    let wrong = endpoint(&feishu, "cli_ws", "nope").await;
    assert_eq!(wrong["code"], codes::AUTH_FAILED, "{wrong}");
    // Refusals carry an empty `data`: the Node SDK reads `data.URL` whatever the code.
    assert_eq!(wrong["data"], json!({}), "{wrong}");
    let wrong_app = endpoint(&feishu, "cli_other", "s3cret").await;
    assert_eq!(wrong_app["code"], codes::AUTH_FAILED);

    // Transient answers, then a normal one.
    feishu.inject_long_connection(LongConnectionFault::endpoint_busy());
    feishu.inject_long_connection(LongConnectionFault::endpoint_internal_error());
    assert_eq!(
        endpoint(&feishu, "cli_ws", "s3cret").await["code"],
        codes::BUSY
    );
    assert_eq!(
        endpoint(&feishu, "cli_ws", "s3cret").await["code"],
        codes::INTERNAL
    );
    assert_eq!(endpoint(&feishu, "cli_ws", "s3cret").await["code"], 0);

    // HTTP faults hit the endpoint only when they name it.
    feishu.inject(Fault::server_error(503));
    assert_eq!(endpoint(&feishu, "cli_ws", "s3cret").await["code"], 0);
    feishu.clear_faults();
    feishu.inject(Fault::server_error(503).on_path(ENDPOINT_PATH));
    let status = reqwest::Client::new()
        .post(format!("{}{ENDPOINT_PATH}", feishu.base_url()))
        .body(json!({"AppID": "cli_ws", "AppSecret": "s3cret"}).to_string())
        .send()
        .await
        .expect("endpoint request")
        .status();
    assert_eq!(status.as_u16(), 503);

    // The configuration is settable, and the requests are in the log.
    feishu.set_client_config(small_config());
    let answer = endpoint(&feishu, "cli_ws", "s3cret").await;
    assert_eq!(answer["data"]["ClientConfig"]["PingInterval"], 1);
    let logged: Vec<Option<i64>> = feishu
        .requests()
        .iter()
        .filter(|r| r.path == ENDPOINT_PATH)
        .map(|r| r.code)
        .collect();
    assert_eq!(
        logged,
        [
            Some(0),
            Some(0),
            Some(514),
            Some(514),
            Some(1),
            Some(1_000_040_343),
            Some(0),
            Some(0),
            None,
            Some(0)
        ]
    );
}

#[tokio::test]
async fn pings_get_pongs_with_the_client_config() {
    let feishu = Emulator::builder()
        .client_config(small_config())
        .start()
        .await
        .expect("emulator");
    let mut peer = Peer::connect(&feishu).await;
    assert!(feishu.wait_for_long_connections(1, PATIENCE).await);

    peer.ping().await;
    assert_eq!(peer.pong().await, small_config());

    let changed = ClientConfig {
        ping_interval: 2,
        ..small_config()
    };
    feishu.set_client_config(changed);
    assert_eq!(feishu.client_config(), changed);
    peer.ping().await;
    assert_eq!(peer.pong().await, changed);

    let connections = feishu.long_connections();
    assert_eq!(connections.len(), 1);
    assert_eq!(connections[0].device_id, peer.device_id);
    assert_eq!(connections[0].pings, 2);
    assert_eq!(connections[0].wrong_service_pings, 0);
    assert!(connections[0].last_ping.is_some());

    // A ping for another service is answered all the same, and counted.
    peer.send(&Frame::control(peer.service + 1, FrameType::Ping, None))
        .await;
    assert_eq!(peer.pong().await, changed);
    let connections = feishu.long_connections();
    assert_eq!(connections[0].pings, 3);
    assert_eq!(connections[0].wrong_service_pings, 1);
}

#[tokio::test]
async fn pong_faults_skip_delay_or_change_the_pong() {
    let feishu = Emulator::builder()
        .client_config(small_config())
        .start()
        .await
        .expect("emulator");
    let mut peer = Peer::connect(&feishu).await;
    let one_off = ClientConfig {
        ping_interval: 7,
        ..small_config()
    };

    // The first ping goes unanswered: the first pong to arrive is the second ping's.
    feishu.inject_long_connection(LongConnectionFault::no_pong());
    feishu.inject_long_connection(LongConnectionFault::pong_config(one_off));
    peer.ping().await;
    peer.ping().await;
    assert_eq!(peer.pong().await, one_off);
    // The one-off configuration does not stay.
    peer.ping().await;
    assert_eq!(peer.pong().await, small_config());

    // A slow pong arrives after the next ping's prompt one.
    feishu.inject_long_connection(LongConnectionFault::slow_pong(Duration::from_millis(1500)));
    feishu.inject_long_connection(LongConnectionFault::pong_config(one_off));
    peer.ping().await;
    peer.ping().await;
    assert_eq!(peer.pong().await, one_off);
    assert_eq!(peer.pong().await, small_config());

    // Until cleared, no ping is answered; after, they are.
    feishu.inject_long_connection(LongConnectionFault::no_pong().until_cleared());
    peer.ping().await;
    peer.ping().await;
    eventually("both pings counted", || {
        feishu.long_connections()[0].pings == 7
    })
    .await;
    feishu.clear_long_connection_faults();
    peer.ping().await;
    assert_eq!(peer.pong().await, small_config());
}

#[tokio::test]
async fn a_click_reaches_the_connected_bot_and_its_acknowledgement_is_applied() {
    // An encrypt key does not matter: the long connection carries plain JSON.
    let feishu = Emulator::builder()
        .encrypt_key("e-key")
        .start()
        .await
        .expect("emulator");
    let client = feishu.client().build().expect("client");
    let message_id = send_card(&client).await;
    let mut peer = Peer::connect(&feishu).await;
    assert!(feishu.wait_for_long_connections(1, PATIENCE).await);
    let connection = feishu.long_connections()[0].id;

    let alice = feishu.user("ou_alice");
    let bot = async {
        let (frames, event) = peer.event().await;
        assert_eq!(frames.len(), 1);
        let frame = &frames[0];
        assert_eq!(frame.method, METHOD_DATA);
        assert_eq!(frame.service, peer.service);
        assert_eq!(frame.header(HEADER_TYPE), Some("event"));
        assert_eq!(frame.header(HEADER_SUM), Some("1"));
        assert_eq!(frame.header(HEADER_SEQ), Some("0"));
        assert!(frame.header(HEADER_TRACE_ID).is_some_and(|t| !t.is_empty()));
        let answer = json!({
            "toast": {"type": "success", "content": "Approved"},
            "card": {"type": "raw", "data": approved("ou_alice")},
        });
        peer.ack_answer(frame, &answer).await;
        event
    };
    let (click, event) = tokio::join!(alice.click(&message_id, "Approve"), bot);
    let click = click.expect("click");

    assert_eq!(event["schema"], "2.0");
    assert_eq!(event["header"]["event_type"], "card.action.trigger");
    assert_eq!(event["header"]["event_id"], click.event_id.as_str());
    assert_eq!(
        event["event"]["action"]["value"],
        json!({"do": "approve", "request": 7})
    );
    assert_eq!(event["event"]["operator"]["open_id"], "ou_alice");
    assert_eq!(
        event["event"]["context"]["open_message_id"],
        message_id.as_str()
    );
    assert_eq!(
        event, click.request,
        "the same body the HTTP route gets, unencrypted"
    );

    assert!(click.is_ok(), "{:?}", click.failure);
    assert_eq!(click.status, Some(200));
    assert!(click.card_changed);
    assert_eq!(
        feishu.message(&message_id).expect("message").card,
        approved("ou_alice")
    );
    let toasts = feishu.toasts();
    assert_eq!(toasts.len(), 1);
    assert_eq!(toasts[0].content.as_deref(), Some("Approved"));
    assert_eq!(toasts[0].kind, "success");

    let deliveries = feishu.long_connection_deliveries();
    assert_eq!(deliveries.len(), 1);
    assert_eq!(deliveries[0].event_id, click.event_id);
    assert_eq!(deliveries[0].event_type, "card.action.trigger");
    assert_eq!(deliveries[0].attempt, 1);
    assert_eq!(deliveries[0].connection, Some(connection));
    assert!(matches!(
        deliveries[0].outcome,
        DeliveryOutcome::Acked { code: 200, .. }
    ));
}

#[tokio::test]
async fn empty_failed_and_invalid_acknowledgements() {
    let feishu = Emulator::builder()
        .long_connection_redeliveries(0)
        .start()
        .await
        .expect("emulator");
    let client = feishu.client().build().expect("client");
    let message_id = send_card(&client).await;
    let mut peer = Peer::connect(&feishu).await;
    assert!(feishu.wait_for_long_connections(1, PATIENCE).await);
    let alice = feishu.user("ou_alice");

    // No data: an empty answer, the card stays.
    let bot = async {
        let (frames, _) = peer.event().await;
        peer.ack(&frames[0], &Acknowledgement::ok(None)).await;
    };
    let (click, ()) = tokio::join!(alice.click(&message_id, "Approve"), bot);
    let click = click.expect("click");
    assert!(click.is_ok(), "{:?}", click.failure);
    assert_eq!(click.answer, Some(json!({})));
    assert!(!click.card_changed && click.toast.is_none());
    assert_eq!(
        feishu.message(&message_id).expect("message").card,
        approval()
    );

    // Code 500: the bot failed, the user sees an error.
    let bot = async {
        let (frames, _) = peer.event().await;
        peer.ack(&frames[0], &Acknowledgement::failed()).await;
    };
    let (click, ()) = tokio::join!(alice.click(&message_id, "Approve"), bot);
    let failure = click.expect("click").failure.expect("a failed interaction");
    assert_eq!(failure.code, 200671, "{failure}");

    // An answer that is not valid: a toast without its type.
    let bot = async {
        let (frames, _) = peer.event().await;
        peer.ack_answer(&frames[0], &json!({"toast": {"content": "hi"}}))
            .await;
    };
    let (click, ()) = tokio::join!(alice.click(&message_id, "Approve"), bot);
    assert_eq!(click.expect("click").failure.expect("failure").code, 200672);

    // Sent as `type: card`: the same body, and the acknowledgement is applied the same way.
    feishu.inject_long_connection(LongConnectionFault::card_frame());
    let bot = async {
        let (frames, event) = peer.event().await;
        assert_eq!(frames[0].header(HEADER_TYPE), Some("card"));
        assert_eq!(event["header"]["event_type"], "card.action.trigger");
        let answer = json!({"toast": {"type": "info", "content": "seen"}});
        peer.ack_answer(&frames[0], &answer).await;
    };
    let (click, ()) = tokio::join!(alice.click(&message_id, "Approve"), bot);
    let click = click.expect("click");
    assert_eq!(click.toast.and_then(|t| t.content).as_deref(), Some("seen"));

    // An acknowledgement whose payload is not one.
    let bot = async {
        let (frames, _) = peer.event().await;
        let mut ack = frames[0].clone();
        ack.payload = Some(b"not json".to_vec());
        peer.send(&ack).await;
    };
    let (click, ()) = tokio::join!(alice.click(&message_id, "Approve"), bot);
    assert_eq!(click.expect("click").failure.expect("failure").code, 200672);
    let outcomes: Vec<bool> = feishu
        .long_connection_deliveries()
        .iter()
        .map(|d| matches!(d.outcome, DeliveryOutcome::Unreadable { .. }))
        .collect();
    assert_eq!(outcomes, [false, false, false, false, true]);
    assert_eq!(
        feishu.message(&message_id).expect("message").card,
        approval()
    );
}

#[tokio::test]
async fn split_events_reassemble_to_the_same_json() {
    let feishu = Emulator::start().await.expect("emulator");
    let mut peer = Peer::connect(&feishu).await;
    assert!(feishu.wait_for_long_connections(1, PATIENCE).await);
    let message = json!({
        "sender": {"sender_id": {"open_id": "ou_bob"}, "sender_type": "user", "tenant_key": "t"},
        "message": {"message_id": "om_1", "chat_id": "oc_team", "chat_type": "group",
                    "message_type": "text", "content": "{\"text\":\"hello, 你好\"}"},
    });

    for (parts, shuffled) in [(1, false), (4, false), (6, true)] {
        let fault = LongConnectionFault::split(parts);
        feishu.inject_long_connection(if shuffled {
            fault.out_of_order()
        } else {
            fault
        });
        let bot = async {
            let (frames, event) = peer.event().await;
            peer.ack(&frames[0], &Acknowledgement::ok(None)).await;
            (frames, event)
        };
        let (delivery, (frames, event)) = tokio::join!(
            feishu.send_event("im.message.receive_v1", message.clone()),
            bot
        );

        assert_eq!(frames.len(), parts);
        assert_eq!(delivery.parts, parts);
        let ids: BTreeSet<_> = frames.iter().map(|f| f.header(HEADER_MESSAGE_ID)).collect();
        assert_eq!(ids.len(), 1, "one message_id for all parts");
        let seqs: Vec<usize> = frames
            .iter()
            .map(|f| {
                f.header(HEADER_SEQ)
                    .and_then(|s| s.parse().ok())
                    .expect("seq")
            })
            .collect();
        let mut sorted = seqs.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, (0..parts).collect::<Vec<_>>());
        assert_eq!(seqs != sorted, shuffled, "arrival order {seqs:?}");

        assert_eq!(event["schema"], "2.0");
        assert_eq!(event["event"], message);
        let header = &event["header"];
        assert_eq!(header["event_type"], "im.message.receive_v1");
        assert_eq!(header["event_id"], delivery.event_id.as_str());
        assert_eq!(header["app_id"], feishu.app_id());
        assert_eq!(header["token"], feishu.verification_token());
        assert!(header["tenant_key"].is_string());
        assert!(header["create_time"]
            .as_str()
            .is_some_and(|t| t.parse::<u64>().is_ok()));
        assert!(matches!(
            delivery.outcome,
            DeliveryOutcome::Acked {
                code: 200,
                answer: None,
                ..
            }
        ));
    }
}

#[tokio::test]
async fn without_an_acknowledgement_the_click_fails_and_the_event_comes_again() {
    let feishu = Emulator::builder()
        .callback_deadline(Duration::from_secs(1))
        .long_connection_redeliveries(2)
        .start()
        .await
        .expect("emulator");
    let client = feishu.client().build().expect("client");
    let message_id = send_card(&client).await;
    let mut peer = Peer::connect(&feishu).await;
    assert!(feishu.wait_for_long_connections(1, PATIENCE).await);

    let alice = feishu.user("ou_alice");
    let (click, (_, first)) = tokio::join!(alice.click(&message_id, "Approve"), peer.event());
    let click = click.expect("click");
    let failure = click.failure.expect("a timeout");
    assert_eq!(failure.code, 200341, "{failure}");

    // The same event again, in a new frame; this time the bot answers.
    let (frames, again) = peer.event().await;
    assert_eq!(again, first);
    assert_eq!(again["header"]["event_id"], click.event_id.as_str());
    let answer = json!({"card": {"type": "raw", "data": approved("late")}});
    peer.ack_answer(&frames[0], &answer).await;

    eventually("the second attempt is acknowledged", || {
        feishu
            .long_connection_deliveries()
            .iter()
            .any(|d| matches!(d.outcome, DeliveryOutcome::Acked { .. }))
    })
    .await;
    let deliveries = feishu.long_connection_deliveries();
    assert_eq!(
        deliveries.len(),
        2,
        "no third attempt after an acknowledgement"
    );
    assert_eq!(deliveries[0].outcome, DeliveryOutcome::NoAck);
    assert_eq!(
        deliveries.iter().map(|d| d.attempt).collect::<Vec<_>>(),
        [1, 2]
    );
    assert!(deliveries.iter().all(|d| d.event_id == click.event_id));
    assert_ne!(deliveries[0].message_id, deliveries[1].message_id);
    assert_eq!(
        frames[0].header(HEADER_MESSAGE_ID),
        Some(deliveries[1].message_id.as_str())
    );
    // The user already saw the error: a late answer changes nothing.
    assert_eq!(
        feishu.message(&message_id).expect("message").card,
        approval()
    );
    assert_eq!(feishu.interactions().len(), 1);

    // Nobody ever answers: 1 + 2 attempts, then the emulator gives up.
    let (delivery, _) = tokio::join!(
        feishu.send_event("im.chat.member.bot.added_v1", json!({"chat_id": "oc_x"})),
        async {
            for _ in 0..3 {
                peer.event().await;
            }
        }
    );
    assert_eq!(delivery.outcome, DeliveryOutcome::NoAck);
    eventually("three attempts, all unanswered", || {
        let all = feishu.long_connection_deliveries();
        let mine: Vec<_> = all
            .iter()
            .filter(|d| d.event_id == delivery.event_id)
            .collect();
        mine.len() == 3 && mine.iter().all(|d| d.outcome == DeliveryOutcome::NoAck)
    })
    .await;
}

#[tokio::test]
async fn each_event_goes_to_exactly_one_of_two_clients() {
    let feishu = Emulator::builder()
        .seed(11)
        .start()
        .await
        .expect("emulator");
    let (seen_tx, mut seen) = tokio::sync::mpsc::unbounded_channel::<(usize, String)>();
    for n in 0..2 {
        let mut peer = Peer::connect(&feishu).await;
        let seen_tx = seen_tx.clone();
        tokio::spawn(async move {
            loop {
                let (frames, event) = peer.event().await;
                let id = event["header"]["event_id"]
                    .as_str()
                    .unwrap_or("")
                    .to_owned();
                peer.ack(&frames[0], &Acknowledgement::ok(None)).await;
                if seen_tx.send((n, id)).is_err() {
                    break;
                }
            }
        });
    }
    drop(seen_tx);
    assert!(feishu.wait_for_long_connections(2, PATIENCE).await);

    let mut sent = Vec::new();
    for i in 0..30 {
        let delivery = feishu
            .send_event(
                "im.message.receive_v1",
                json!({"message": {"message_id": format!("om_{i}")}}),
            )
            .await;
        assert!(
            matches!(delivery.outcome, DeliveryOutcome::Acked { code: 200, .. }),
            "{delivery:?}"
        );
        sent.push(delivery.event_id);
    }
    let mut per_peer = [0usize; 2];
    let mut received = Vec::new();
    for _ in 0..30 {
        let (n, id) = seen.recv().await.expect("a received event");
        per_peer[n] += 1;
        received.push(id);
    }
    received.sort();
    sent.sort();
    assert_eq!(received, sent, "every event exactly once over both clients");
    assert!(
        per_peer.iter().all(|&n| n > 0),
        "both got some: {per_peer:?}"
    );
    let connections: BTreeSet<_> = feishu
        .long_connection_deliveries()
        .iter()
        .filter_map(|d| d.connection)
        .collect();
    assert_eq!(connections.len(), 2);
}

#[tokio::test]
async fn refused_handshakes_carry_feishus_headers() {
    let feishu = Emulator::start().await.expect("emulator");
    let url = url(&feishu).await;

    let refused = |result: Result<Peer, tungstenite::Error>| match result {
        Err(tungstenite::Error::Http(response)) => {
            let header = |name: &str| {
                response
                    .headers()
                    .get(name)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_owned)
            };
            (
                header(HANDSHAKE_STATUS),
                header(HANDSHAKE_AUTH_ERR_CODE),
                header(HANDSHAKE_MSG).is_some_and(|m| !m.is_empty()),
            )
        }
        Err(e) => panic!("refused without an HTTP answer: {e}"),
        Ok(_) => panic!("the handshake should have been refused"),
    };

    feishu.inject_long_connection(LongConnectionFault::auth_failed());
    feishu.inject_long_connection(LongConnectionFault::forbidden());
    feishu.inject_long_connection(LongConnectionFault::too_many_connections());
    assert_eq!(
        refused(Peer::connect_to(&url).await),
        (Some("514".into()), None, true)
    );
    assert_eq!(
        refused(Peer::connect_to(&url).await),
        (Some("403".into()), None, true)
    );
    assert_eq!(
        refused(Peer::connect_to(&url).await),
        (Some("514".into()), Some("1000040350".into()), true)
    );

    // A URL the endpoint did not hand out.
    let forged = url.replace("ticket=", "ticket=0");
    assert_eq!(
        refused(Peer::connect_to(&forged).await),
        (Some("514".into()), None, true)
    );

    // The faults are spent: the URL works.
    let _peer = Peer::connect_to(&url).await.expect("handshake");
    assert!(feishu.wait_for_long_connections(1, PATIENCE).await);
}

#[tokio::test]
async fn the_51st_connection_is_refused() {
    let feishu = Emulator::start().await.expect("emulator");
    let url = url(&feishu).await;
    let mut peers = Vec::new();
    for _ in 0..MAX_LONG_CONNECTIONS {
        peers.push(Peer::connect_to(&url).await.expect("handshake"));
    }
    assert!(
        feishu
            .wait_for_long_connections(MAX_LONG_CONNECTIONS, PATIENCE)
            .await
    );
    match Peer::connect_to(&url).await {
        Err(tungstenite::Error::Http(response)) => {
            let code = response
                .headers()
                .get(HANDSHAKE_AUTH_ERR_CODE)
                .and_then(|v| v.to_str().ok());
            assert_eq!(code, Some("1000040350"));
        }
        Err(e) => panic!("refused without an HTTP answer: {e}"),
        Ok(_) => panic!("the 51st connection was accepted"),
    }

    // One leaves; there is room again.
    let mut leaving = peers.pop().expect("a peer");
    leaving.socket.close(None).await.expect("close");
    eventually("49 open", || {
        feishu.long_connections().len() == MAX_LONG_CONNECTIONS - 1
    })
    .await;
    peers.push(Peer::connect_to(&url).await.expect("room for one"));
}

#[tokio::test]
async fn hostile_frames_are_ignored_and_the_server_keeps_serving() {
    let feishu = Emulator::builder()
        .client_config(small_config())
        .start()
        .await
        .expect("emulator");
    let mut peer = Peer::connect(&feishu).await;
    assert!(feishu.wait_for_long_connections(1, PATIENCE).await);

    // Not protobuf, text, an empty message.
    for junk in [
        Message::Binary(vec![0xff, 0xff, 0xff, 0x01].into()),
        Message::Binary(Vec::new().into()),
        Message::Text("{\"type\": \"ping\"}".into()),
    ] {
        peer.socket.send(junk).await.expect("send");
    }
    // An acknowledgement of a message never sent, one without a message_id, a pong from the
    // client, a frame with an unknown method.
    let mut unknown = Frame::control(peer.service, FrameType::Event, Some(b"{}".to_vec()));
    unknown.method = METHOD_DATA;
    unknown.set_header(HEADER_MESSAGE_ID, "never-sent");
    let ack = unknown.acknowledgement(Duration::ZERO, &Acknowledgement::ok(None));
    peer.send(&ack).await;
    let mut no_id = Frame::control(peer.service, FrameType::Event, None);
    no_id.method = METHOD_DATA;
    peer.send(&no_id).await;
    peer.send(&Frame::control(peer.service, FrameType::Pong, None))
        .await;
    let mut odd = Frame::control(peer.service, FrameType::Ping, None);
    odd.method = 9;
    peer.send(&odd).await;

    // Still connected, still answering pings and delivering events.
    peer.ping().await;
    assert_eq!(peer.pong().await, small_config());
    let bot = async {
        let (frames, _) = peer.event().await;
        peer.ack(&frames[0], &Acknowledgement::ok(None)).await;
    };
    let (delivery, ()) = tokio::join!(feishu.send_event("im.message.receive_v1", json!({})), bot);
    assert!(matches!(
        delivery.outcome,
        DeliveryOutcome::Acked { code: 200, .. }
    ));
    assert_eq!(feishu.long_connections().len(), 1);

    // A client that is not a WebSocket at all does not disturb the others.
    let port = url(&feishu)
        .await
        .trim_start_matches("ws://127.0.0.1:")
        .split('/')
        .next()
        .and_then(|p| p.parse::<u16>().ok())
        .expect("port");
    let mut raw = TcpStream::connect(("127.0.0.1", port)).await.expect("tcp");
    tokio::io::AsyncWriteExt::write_all(&mut raw, b"GET / HTTP/1.1\r\n\r\n\x00\x01garbage")
        .await
        .expect("write");
    drop(raw);
    peer.ping().await;
    assert_eq!(peer.pong().await, small_config());
}

#[tokio::test]
async fn dropped_sockets_and_redelivery_after_reconnecting() {
    let feishu = Emulator::builder()
        .callback_deadline(Duration::from_secs(1))
        .long_connection()
        .start()
        .await
        .expect("emulator");
    let client = feishu.client().build().expect("client");
    let message_id = send_card(&client).await;
    let alice = feishu.user("ou_alice");

    // Explicit long-connection mode with nobody connected: the user sees an error.
    let click = alice.click(&message_id, "Approve").await.expect("click");
    assert_eq!(click.failure.expect("failure").code, 200340);
    // A client that connects now gets the held card action.
    let mut peer = Peer::connect(&feishu).await;
    let (frames, event) = peer.event().await;
    assert_eq!(event["header"]["event_id"], click.event_id.as_str());
    peer.ack(&frames[0], &Acknowledgement::ok(None)).await;
    eventually("the held action is acknowledged", || {
        feishu
            .long_connection_deliveries()
            .iter()
            .any(|d| matches!(d.outcome, DeliveryOutcome::Acked { .. }))
    })
    .await;

    // Sent, then the socket drops: the click times out; after reconnecting, it comes again.
    feishu.inject_long_connection(LongConnectionFault::drop_after_event());
    let (click, (_, first)) = tokio::join!(alice.click(&message_id, "Approve"), peer.event());
    assert_eq!(click.expect("click").failure.expect("failure").code, 200341);
    assert!(peer.next().await.is_none(), "the socket was dropped");
    let mut peer = Peer::connect(&feishu).await;
    let (frames, again) = peer.event().await;
    assert_eq!(again, first);
    peer.ack(&frames[0], &Acknowledgement::ok(None)).await;

    // Dropped before sending: the client sees no event, only the closed socket.
    feishu.inject_long_connection(LongConnectionFault::drop_before_event());
    let (click, closed) = tokio::join!(alice.click(&message_id, "Approve"), peer.next());
    assert!(closed.is_none(), "{closed:?}");
    let click = click.expect("click");
    assert_eq!(click.failure.expect("failure").code, 200341);
    let first = feishu
        .long_connection_deliveries()
        .into_iter()
        .find(|d| d.event_id == click.event_id && d.attempt == 1)
        .expect("the first attempt is recorded");
    assert_eq!(first.parts, 0, "nothing was sent");
    assert!(first.connection.is_some());
    assert_eq!(first.outcome, DeliveryOutcome::NoAck);

    // Dropping every connection now.
    let mut a = Peer::connect(&feishu).await;
    let mut b = Peer::connect(&feishu).await;
    assert!(feishu.wait_for_long_connections(2, PATIENCE).await);
    // The re-delivery of the last action may reach either: acknowledge what arrives.
    feishu.clear_long_connection_faults();
    assert!(feishu.drop_long_connections() >= 2);
    for peer in [&mut a, &mut b] {
        while let Some(frame) = peer.next().await {
            assert!(frame.is_data(), "only re-deliveries before the drop");
        }
    }
    eventually("none open", || feishu.long_connections().is_empty()).await;
}

#[tokio::test]
async fn one_connection_can_be_dropped_by_id() {
    let feishu = Emulator::start().await.expect("emulator");
    let mut a = Peer::connect(&feishu).await;
    assert!(feishu.wait_for_long_connections(1, PATIENCE).await);
    let mut b = Peer::connect(&feishu).await;
    assert!(feishu.wait_for_long_connections(2, PATIENCE).await);
    let ids: Vec<u64> = feishu.long_connections().iter().map(|c| c.id).collect();
    let devices: Vec<String> = feishu
        .long_connections()
        .iter()
        .map(|c| c.device_id.clone())
        .collect();
    assert_eq!(devices, [a.device_id.clone(), b.device_id.clone()]);

    assert!(feishu.drop_long_connection(ids[0]));
    assert!(a.next().await.is_none(), "a's socket was closed");
    eventually("only b is left", || {
        feishu
            .long_connections()
            .iter()
            .map(|c| c.id)
            .collect::<Vec<_>>()
            == [ids[1]]
    })
    .await;
    assert!(!feishu.drop_long_connection(ids[0]));
    b.ping().await;
    assert_eq!(b.pong().await, ClientConfig::default());

    // Every event now goes to b.
    let bot = async {
        let (frames, _) = b.event().await;
        b.ack(&frames[0], &Acknowledgement::ok(None)).await;
    };
    let (delivery, ()) = tokio::join!(feishu.send_event("im.message.receive_v1", json!({})), bot);
    assert_eq!(delivery.connection, Some(ids[1]));
}

#[tokio::test]
async fn a_click_waiting_for_its_acknowledgement_completes_after_its_record_is_forgotten() {
    let feishu = Emulator::builder()
        .history_limit(2)
        .callback_deadline(PATIENCE)
        .long_connection_redeliveries(0)
        .start()
        .await
        .expect("emulator");
    let client = feishu.client().build().expect("client");
    let message_id = send_card(&client).await;
    let mut peer = Peer::connect(&feishu).await;
    assert!(feishu.wait_for_long_connections(1, PATIENCE).await);

    let alice = feishu.user("ou_alice");
    let bot = async {
        let (click_frames, _) = peer.event().await;
        // Three events go out and are acknowledged while the click waits: the click's record
        // leaves the log of two.
        let mut events = Vec::new();
        for n in 0..3 {
            let event = json!({"message": {"message_id": format!("om_{n}")}});
            let (delivery, ()) =
                tokio::join!(feishu.send_event("im.message.receive_v1", event), async {
                    let (frames, _) = peer.event().await;
                    peer.ack(&frames[0], &Acknowledgement::ok(None)).await;
                });
            assert!(matches!(
                delivery.outcome,
                DeliveryOutcome::Acked { code: 200, .. }
            ));
            events.push(delivery.event_id);
        }
        let kept = feishu.long_connection_deliveries();
        assert_eq!(
            kept.iter().map(|d| d.event_id.clone()).collect::<Vec<_>>(),
            events[1..]
        );
        assert!(kept.iter().all(|d| d.event_type == "im.message.receive_v1"));
        let answer = json!({
            "toast": {"type": "success", "content": "Approved"},
            "card": {"type": "raw", "data": approved("ou_alice")},
        });
        peer.ack_answer(&click_frames[0], &answer).await;
        events
    };
    let (click, events) = tokio::join!(alice.click(&message_id, "Approve"), bot);
    let click = click.expect("click");

    assert!(click.is_ok(), "{:?}", click.failure);
    assert!(click.card_changed);
    assert_eq!(
        click.toast.and_then(|t| t.content).as_deref(),
        Some("Approved")
    );
    assert_eq!(
        feishu.message(&message_id).expect("message").card,
        approved("ou_alice")
    );
    // The click's late acknowledgement changed none of the records kept.
    let kept = feishu.long_connection_deliveries();
    assert_eq!(
        kept.iter().map(|d| d.event_id.clone()).collect::<Vec<_>>(),
        events[1..]
    );
    assert!(kept
        .iter()
        .all(|d| matches!(d.outcome, DeliveryOutcome::Acked { answer: None, .. })));

    // The next delivery is recorded after them.
    let bot = async {
        let (frames, _) = peer.event().await;
        peer.ack(&frames[0], &Acknowledgement::ok(None)).await;
    };
    let (delivery, ()) = tokio::join!(
        feishu.send_event("im.message.receive_v1", json!({"message": {}})),
        bot
    );
    let kept = feishu.long_connection_deliveries();
    assert_eq!(kept.len(), 2);
    assert_eq!(kept[0].event_id, events[2]);
    assert_eq!(kept[1], delivery);
}
