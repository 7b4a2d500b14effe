//! The long-connection listener end to end, against a small loopback server written here: the
//! endpoint on `POST /callback/ws/endpoint` and the WebSocket on `GET /ws`, on one port.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use card_client::callback::{Answer, CallbackConfig, Toast};
use card_client::ws::frame::{
    Acknowledgement, ClientConfig, Frame, FrameType, HEADER_BIZ_RT, HEADER_MESSAGE_ID, HEADER_SEQ,
    HEADER_SUM, HEADER_TYPE, METHOD_DATA,
};
use card_client::ws::{
    ConnectionFailure, Error, Event, Listener, ListenerHandle, State, StopReason,
};
use card_client::Client;
use card_core::model::{Card, Markdown};
use futures_util::{SinkExt as _, StreamExt as _};
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, Notify};
use tokio_tungstenite::tungstenite::handshake::server::{ErrorResponse, Request, Response};
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::WebSocketStream;

/// Generous bound on anything the tests wait for; never reached when things work.
const PATIENCE: Duration = Duration::from_secs(10);
const SERVICE_ID: i32 = 77;

/// What the server does, changed by the tests as they go.
#[derive(Clone)]
struct Behaviour {
    /// The endpoint's `code`.
    endpoint_code: i64,
    /// Refuse handshakes with these headers.
    refuse: Option<Vec<(&'static str, String)>>,
    /// The configuration given with the URL.
    config: ClientConfig,
    /// The configuration every pong carries; `None` answers no pong.
    pong: Option<ClientConfig>,
    /// The connection URL given instead of this server's own.
    url: Option<String>,
    /// Endpoint requests are read and never answered.
    hold_endpoint: bool,
}

#[derive(Clone)]
struct Server {
    addr: SocketAddr,
    behaviour: Arc<Mutex<Behaviour>>,
    endpoint_hits: Arc<AtomicUsize>,
}

/// One accepted WebSocket.
struct Conn {
    ws: WebSocketStream<TcpStream>,
    pong: Option<ClientConfig>,
    pings: usize,
}

fn config(ping_interval: u64, reconnect_count: i64) -> ClientConfig {
    ClientConfig {
        ping_interval,
        reconnect_count,
        reconnect_interval: 1,
        reconnect_nonce: 1,
    }
}

impl Server {
    async fn start() -> (Server, mpsc::UnboundedReceiver<Conn>) {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let server = Server {
            addr: listener.local_addr().unwrap(),
            behaviour: Arc::new(Mutex::new(Behaviour {
                endpoint_code: 0,
                refuse: None,
                // No timed ping within a test: only the first, sent on connecting.
                config: config(100_000, -1),
                pong: Some(config(100_000, -1)),
                url: None,
                hold_endpoint: false,
            })),
            endpoint_hits: Arc::new(AtomicUsize::new(0)),
        };
        let (conns, rx) = mpsc::unbounded_channel();
        let this = server.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let this = this.clone();
                let conns = conns.clone();
                tokio::spawn(async move { this.serve(stream, conns).await });
            }
        });
        (server, rx)
    }

    fn set(&self, change: impl FnOnce(&mut Behaviour)) {
        change(&mut self.behaviour.lock().unwrap());
    }

    fn client(&self) -> Client {
        Client::builder("cli_test", "test-secret")
            .base_url(format!("http://{}", self.addr))
            .build()
            .unwrap()
    }

    // The handshake callback's error type is tungstenite's.
    #[allow(clippy::result_large_err)]
    async fn serve(&self, stream: TcpStream, conns: mpsc::UnboundedSender<Conn>) {
        let mut head = [0u8; 4];
        if stream.peek(&mut head).await.is_err() {
            return;
        }
        if &head == b"POST" {
            self.endpoint(stream).await;
            return;
        }
        let behaviour = self.behaviour.lock().unwrap().clone();
        let check = |request: &Request, response: Response| -> Result<Response, ErrorResponse> {
            assert!(request
                .uri()
                .query()
                .unwrap_or("")
                .contains("service_id=77"));
            match &behaviour.refuse {
                None => Ok(response),
                Some(headers) => {
                    let mut refusal =
                        tokio_tungstenite::tungstenite::http::Response::builder().status(403);
                    for (k, v) in headers {
                        refusal = refusal.header(*k, v.as_str());
                    }
                    Err(refusal.body(None).unwrap())
                }
            }
        };
        if let Ok(ws) = tokio_tungstenite::accept_hdr_async(stream, check).await {
            let _ = conns.send(Conn {
                ws,
                pong: behaviour.pong,
                pings: 0,
            });
        }
    }

    /// A minimal HTTP/1.1 exchange for `POST /callback/ws/endpoint`.
    async fn endpoint(&self, mut stream: TcpStream) {
        let mut request = Vec::new();
        let mut buf = [0u8; 4096];
        let (head_len, content_length) = loop {
            let n = stream.read(&mut buf).await.unwrap_or(0);
            if n == 0 {
                return;
            }
            request.extend_from_slice(&buf[..n]);
            if let Some(end) = request.windows(4).position(|w| w == b"\r\n\r\n") {
                let head = String::from_utf8_lossy(&request[..end]).to_lowercase();
                assert!(head.starts_with("post /callback/ws/endpoint "), "{head}");
                assert!(head.contains("\r\nlocale: zh"), "{head}");
                let length = head
                    .lines()
                    .find_map(|l| l.strip_prefix("content-length:"))
                    .and_then(|v| v.trim().parse::<usize>().ok())
                    .unwrap_or(0);
                break (end + 4, length);
            }
        };
        while request.len() < head_len + content_length {
            let n = stream.read(&mut buf).await.unwrap_or(0);
            if n == 0 {
                return;
            }
            request.extend_from_slice(&buf[..n]);
        }
        let body: Value = serde_json::from_slice(&request[head_len..]).unwrap();
        assert_eq!(
            body,
            json!({"AppID": "cli_test", "AppSecret": "test-secret"})
        );
        self.endpoint_hits.fetch_add(1, Ordering::SeqCst);
        let behaviour = self.behaviour.lock().unwrap().clone();
        if behaviour.hold_endpoint {
            // Kept open, unanswered, until the test ends.
            std::future::pending::<()>().await;
        }
        let answer = if behaviour.endpoint_code == 0 {
            json!({"code": 0, "msg": "ok", "data": {
                "URL": behaviour.url.clone().unwrap_or_else(|| {
                    format!("ws://{}/ws?device_id=d1&service_id={SERVICE_ID}", self.addr)
                }),
                "ClientConfig": behaviour.config,
            }})
        } else {
            json!({"code": behaviour.endpoint_code, "msg": "refused by the test", "data": {}})
        };
        let body = answer.to_string();
        let response = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
            body.len()
        );
        let _ = stream.write_all(response.as_bytes()).await;
        let _ = stream.shutdown().await;
    }
}

impl Conn {
    /// The next frame the client sends, pings included; `None` once closed.
    async fn next_any(&mut self) -> Option<Frame> {
        loop {
            match tokio::time::timeout(PATIENCE, self.ws.next()).await {
                Err(_) => panic!("nothing from the client in {PATIENCE:?}"),
                Ok(None | Some(Err(_)) | Some(Ok(Message::Close(_)))) => return None,
                Ok(Some(Ok(Message::Binary(bytes)))) => {
                    return Some(Frame::decode_bytes(&bytes).expect("the client sends frames"))
                }
                Ok(Some(Ok(_))) => continue,
            }
        }
    }

    /// The next data frame; pings are counted and answered with a pong when set to.
    async fn next_data(&mut self) -> Option<Frame> {
        loop {
            let frame = self.next_any().await?;
            if frame.is_data() {
                return Some(frame);
            }
            assert_eq!(frame.frame_type(), Some(FrameType::Ping));
            self.answer_ping().await;
        }
    }

    async fn answer_ping(&mut self) {
        self.pings += 1;
        if let Some(config) = self.pong {
            let pong = Frame::control(
                SERVICE_ID,
                FrameType::Pong,
                Some(serde_json::to_vec(&config).unwrap()),
            );
            let _ = self.send(&pong).await;
        }
    }

    async fn send(&mut self, frame: &Frame) -> Result<(), tokio_tungstenite::tungstenite::Error> {
        self.ws
            .send(Message::Binary(frame.encode_bytes().into()))
            .await
    }

    /// Sends `payload` as one data frame of type `kind`.
    async fn deliver(&mut self, kind: &str, message_id: &str, payload: &[u8]) {
        self.send(&data_frame(kind, message_id, payload))
            .await
            .unwrap();
    }

    /// The acknowledgement of the next data frame.
    async fn ack(&mut self) -> (Frame, Acknowledgement) {
        let frame = self.next_data().await.expect("an acknowledgement");
        let ack: Acknowledgement =
            serde_json::from_slice(frame.payload.as_deref().unwrap()).unwrap();
        (frame, ack)
    }
}

fn data_frame(kind: &str, message_id: &str, payload: &[u8]) -> Frame {
    let mut frame = Frame::control(SERVICE_ID, FrameType::Event, Some(payload.to_vec()));
    frame.method = METHOD_DATA;
    frame.seq_id = 5;
    frame.log_id = 6;
    frame.set_header(HEADER_TYPE, kind);
    frame.set_header(HEADER_MESSAGE_ID, message_id);
    frame.set_header("trace_id", "t-1");
    frame
}

fn click(event_id: &str, value: Value) -> Vec<u8> {
    serde_json::to_vec(&json!({"schema": "2.0",
        "header": {"event_id": event_id, "token": "", "create_time": "1700000000000000",
                   "event_type": "card.action.trigger", "tenant_key": "t", "app_id": "cli_test"},
        "event": {"token": "c-token", "operator": {"open_id": "ou_voter"},
                  "action": {"tag": "button", "value": value},
                  "host": "im_message",
                  "context": {"open_message_id": "om_1", "open_chat_id": "oc_1"}}}))
    .unwrap()
}

fn answer(ack: &Acknowledgement) -> Value {
    let bytes = ack.answer().expect("data").expect("base64");
    serde_json::from_slice(&bytes).unwrap()
}

/// A listener whose card function answers a toast and a card naming the voter, counting calls.
fn voting_listener(server: &Server, calls: Arc<AtomicUsize>) -> ListenerHandle {
    Listener::builder(server.client())
        .time_scale(100.0)
        .on_card_action(move |action, _later| {
            calls.fetch_add(1, Ordering::SeqCst);
            async move {
                let delay = action.action.value["delay_ms"].as_u64().unwrap_or(0);
                tokio::time::sleep(Duration::from_millis(delay)).await;
                Answer::toast(Toast::success(format!("{} voted", action.operator.open_id)))
                    .card(Card::new().element(Markdown::new("**voted**")))
            }
        })
        .start()
}

async fn next_conn(conns: &mut mpsc::UnboundedReceiver<Conn>) -> Conn {
    tokio::time::timeout(PATIENCE, conns.recv())
        .await
        .expect("the client connects")
        .expect("the server runs")
}

async fn stopped(handle: &ListenerHandle) -> Result<(), Error> {
    tokio::time::timeout(PATIENCE, handle.wait())
        .await
        .expect("the listener stops")
}

#[tokio::test]
async fn a_card_action_is_answered_in_the_acknowledgement_for_both_frame_types() {
    let (server, mut conns) = Server::start().await;
    let calls = Arc::new(AtomicUsize::new(0));
    let handle = voting_listener(&server, calls.clone());
    let mut conn = next_conn(&mut conns).await;

    let ping = conn.next_any().await.unwrap();
    assert_eq!(
        (ping.method, ping.service, ping.frame_type()),
        (0, SERVICE_ID, Some(FrameType::Ping))
    );
    conn.answer_ping().await;
    let mut state = handle.state();
    tokio::time::timeout(PATIENCE, state.wait_for(|s| *s == State::Connected))
        .await
        .unwrap()
        .unwrap();

    for (kind, event_id) in [("event", "ev-1"), ("card", "ev-2")] {
        conn.deliver(kind, event_id, &click(event_id, json!({"vote": "yes"})))
            .await;
        let (frame, ack) = conn.ack().await;
        assert_eq!(frame.header(HEADER_TYPE), Some(kind));
        assert_eq!(frame.header(HEADER_MESSAGE_ID), Some(event_id));
        assert_eq!(
            (frame.seq_id, frame.log_id),
            (5, 6),
            "the same frame comes back"
        );
        let biz_rt: i64 = frame.header(HEADER_BIZ_RT).unwrap().parse().unwrap();
        assert!(biz_rt >= 0);
        assert_eq!(ack.code, 200);
        let answer = answer(&ack);
        assert_eq!(
            answer["toast"],
            json!({"type": "success", "content": "ou_voter voted"})
        );
        assert_eq!(answer["card"]["type"], "raw");
        assert_eq!(
            answer["card"]["data"]["body"]["elements"][0]["content"],
            "**voted**"
        );
    }
    assert_eq!(calls.load(Ordering::SeqCst), 2);

    // Not JSON: acknowledged as failed, and the connection goes on.
    conn.deliver("event", "bad", b"\x00 not json").await;
    assert_eq!(conn.ack().await.1.code, 500);
    conn.deliver("event", "ev-3", &click("ev-3", json!({})))
        .await;
    assert_eq!(conn.ack().await.1.code, 200);

    handle.shutdown().await.unwrap();
    assert_eq!(
        *handle.state().borrow(),
        State::Stopped(StopReason::Shutdown)
    );
    assert!(conn.next_any().await.is_none(), "the socket is closed");
}

#[tokio::test]
async fn a_payload_split_over_frames_is_reassembled() {
    let (server, mut conns) = Server::start().await;
    let events = Arc::new(Mutex::new(Vec::new()));
    let seen = events.clone();
    let handle = Listener::builder(server.client())
        .on_event(move |event: Event| {
            let seen = seen.clone();
            async move {
                let text = event.message().unwrap().unwrap().text();
                seen.lock()
                    .unwrap()
                    .push((event.event_id().map(str::to_owned), text));
            }
        })
        .start();
    let mut conn = next_conn(&mut conns).await;

    let payload = serde_json::to_vec(&json!({"schema": "2.0",
        "header": {"event_id": "msg-1", "event_type": "im.message.receive_v1"},
        "event": {"sender": {"sender_id": {"open_id": "ou_a"}},
                  "message": {"message_id": "om_9", "chat_id": "oc_9", "chat_type": "p2p",
                              "message_type": "text",
                              "content": json!({"text": "x".repeat(3000)}).to_string()}}}))
    .unwrap();
    let chunks: Vec<&[u8]> = payload.chunks(1000).collect();
    assert_eq!(chunks.len(), 4);
    for seq in [2, 0, 3, 1] {
        let mut frame = data_frame("event", "split-1", chunks[seq]);
        frame.set_header(HEADER_SUM, "4");
        frame.set_header(HEADER_SEQ, seq.to_string());
        conn.send(&frame).await.unwrap();
    }
    // A part with a bad `seq` is refused without an answer or harm.
    let mut bad = data_frame("event", "split-2", b"{");
    bad.set_header(HEADER_SUM, "2");
    bad.set_header(HEADER_SEQ, "7");
    conn.send(&bad).await.unwrap();

    let (frame, ack) = conn.ack().await;
    assert_eq!(frame.header(HEADER_MESSAGE_ID), Some("split-1"));
    assert_eq!(
        frame.header(HEADER_SEQ),
        Some("1"),
        "the last part is acknowledged"
    );
    assert_eq!((ack.code, ack.data), (200, None));
    assert_eq!(
        *events.lock().unwrap(),
        [(Some("msg-1".to_owned()), Some("x".repeat(3000)))]
    );
    handle.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_lost_connection_is_replaced_and_the_event_delivered_again_is_handled_once() {
    let (server, mut conns) = Server::start().await;
    let calls = Arc::new(AtomicUsize::new(0));
    let handle = voting_listener(&server, calls.clone());
    let mut conn = next_conn(&mut conns).await;
    let mut state = handle.state();

    // The function takes a moment; the connection drops before its answer.
    let event = click("ev-lost", json!({"delay_ms": 300}));
    conn.deliver("event", "m-lost", &event).await;
    drop(conn);

    let mut conn = next_conn(&mut conns).await;
    assert_eq!(
        server.endpoint_hits.load(Ordering::SeqCst),
        2,
        "a new URL for the new connection"
    );
    tokio::time::timeout(PATIENCE, state.wait_for(|s| *s == State::Connected))
        .await
        .unwrap()
        .unwrap();

    // Feishu delivers it again: acknowledged without running the function a second time.
    conn.deliver("event", "m-lost", &event).await;
    let (_, ack) = conn.ack().await;
    assert_eq!((ack.code, ack.data), (200, None));
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    handle.shutdown().await.unwrap();
}

#[tokio::test]
async fn each_final_refusal_ends_the_listener_with_its_error() {
    /// The endpoint's code, the handshake's headers, and the error expected.
    type Case = (Option<i64>, Vec<(&'static str, String)>, fn(&Error) -> bool);
    let cases: [Case; 5] = [
        (
            None,
            vec![
                ("handshake-status", "514".into()),
                ("handshake-msg", "auth failed".into()),
            ],
            |e| matches!(e, Error::Authentication { code: 514, msg } if msg == "auth failed"),
        ),
        (None, vec![("handshake-status", "403".into())], |e| {
            matches!(e, Error::Forbidden { code: 403, .. })
        }),
        (
            None,
            vec![
                ("handshake-status", "514".into()),
                ("handshake-autherrcode", "1000040350".into()),
            ],
            |e| matches!(e, Error::TooManyConnections { .. }),
        ),
        (Some(514), vec![], |e| {
            matches!(e, Error::Authentication { .. })
        }),
        (Some(1_000_040_350), vec![], |e| {
            matches!(e, Error::TooManyConnections { .. })
        }),
    ];
    for (endpoint_code, headers, expected) in cases {
        let (server, _conns) = Server::start().await;
        server.set(|b| {
            b.endpoint_code = endpoint_code.unwrap_or(0);
            b.refuse = Some(headers.clone());
        });
        let handle = Listener::builder(server.client()).time_scale(100.0).start();
        let error = stopped(&handle).await.expect_err("a final refusal");
        assert!(expected(&error), "{endpoint_code:?} {headers:?}: {error:?}");
        assert!(matches!(
            &*handle.state().borrow(),
            State::Stopped(StopReason::Failed(e)) if *e == error
        ));
        assert_eq!(
            server.endpoint_hits.load(Ordering::SeqCst),
            1,
            "not retried"
        );
    }
}

#[tokio::test]
async fn transient_failures_are_retried_until_the_count_runs_out() {
    let (server, mut conns) = Server::start().await;
    server.set(|b| {
        b.endpoint_code = 1;
        b.config = config(100_000, 3);
        b.pong = Some(config(100_000, 3));
    });
    // The count comes from the last configuration seen: the default (unlimited) at first.
    let handle = Listener::builder(server.client()).time_scale(100.0).start();
    let mut state = handle.state();
    let second = tokio::time::timeout(
        PATIENCE,
        state.wait_for(|s| matches!(s, State::Reconnecting { attempt: 2, .. })),
    )
    .await
    .unwrap()
    .unwrap()
    .clone();
    assert!(
        matches!(
            &second,
            State::Reconnecting {
                last_failure: ConnectionFailure::Busy { code: 1, msg },
                ..
            } if msg == "refused by the test"
        ),
        "{second:?}"
    );
    // Feishu is no longer busy: connected.
    server.set(|b| b.endpoint_code = 0);
    let mut conn = next_conn(&mut conns).await;
    tokio::time::timeout(PATIENCE, state.wait_for(|s| *s == State::Connected))
        .await
        .unwrap()
        .unwrap();
    // Now busy for good, with ReconnectCount 3 from the last URL: three more attempts.
    server.set(|b| b.endpoint_code = 1_000_040_343);
    let hits = server.endpoint_hits.load(Ordering::SeqCst);
    conn.ws.close(None).await.unwrap();
    let error = stopped(&handle).await.expect_err("gives up");
    assert!(
        matches!(
            &error,
            Error::GaveUp {
                attempts: 3,
                last: ConnectionFailure::Busy {
                    code: 1_000_040_343,
                    ..
                }
            }
        ),
        "{error:?}"
    );
    assert_eq!(server.endpoint_hits.load(Ordering::SeqCst), hits + 3);
}

/// Waits until the listener reconnects, and gives the reason it says.
async fn reconnecting_because(handle: &ListenerHandle) -> ConnectionFailure {
    let mut state = handle.state();
    let reached = tokio::time::timeout(
        PATIENCE,
        state.wait_for(|s| matches!(s, State::Reconnecting { .. } | State::Stopped(_))),
    )
    .await
    .expect("the listener reconnects in time")
    .expect("the listener runs")
    .clone();
    match reached {
        State::Reconnecting { last_failure, .. } => last_failure,
        other => panic!("expected reconnecting, got {other:?}"),
    }
}

#[tokio::test]
async fn a_close_frame_is_the_reason_for_reconnecting_with_its_code_and_reason() {
    let (server, mut conns) = Server::start().await;
    let handle = Listener::builder(server.client()).time_scale(100.0).start();
    let mut conn = next_conn(&mut conns).await;
    let mut state = handle.state();
    tokio::time::timeout(PATIENCE, state.wait_for(|s| *s == State::Connected))
        .await
        .unwrap()
        .unwrap();
    // The state stays on the reason: the next request for a URL is not answered.
    server.set(|b| b.hold_endpoint = true);
    conn.ws
        .close(Some(CloseFrame {
            code: CloseCode::Away,
            reason: "maintenance".into(),
        }))
        .await
        .unwrap();
    let why = reconnecting_because(&handle).await;
    assert_eq!(
        why,
        ConnectionFailure::Closed {
            code: Some(1001),
            reason: "maintenance".into()
        }
    );
    assert_eq!(
        why.to_string(),
        "the server closed the connection (close code 1001: maintenance)"
    );
    handle.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_websocket_nobody_listens_on_is_the_reason_for_reconnecting() {
    let (server, _conns) = Server::start().await;
    let closed = TcpListener::bind("127.0.0.1:0")
        .await
        .and_then(|l| l.local_addr())
        .unwrap();
    server.set(|b| b.url = Some(format!("ws://{closed}/ws?service_id={SERVICE_ID}")));
    let handle = Listener::builder(server.client()).time_scale(100.0).start();
    match reconnecting_because(&handle).await {
        ConnectionFailure::Handshake(detail) => {
            assert!(detail.to_lowercase().contains("refused"), "{detail}");
        }
        other => panic!("{other:?}"),
    }
    handle.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_handshake_that_never_ends_is_the_reason_for_reconnecting() {
    let (server, _conns) = Server::start().await;
    // Accepts connections and never says a word.
    let silent = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = silent.local_addr().unwrap();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((stream, _)) = silent.accept().await {
            held.push(stream);
        }
    });
    server.set(|b| b.url = Some(format!("ws://{addr}/ws?service_id={SERVICE_ID}")));
    let limit = Duration::from_millis(200);
    let handle = Listener::builder(server.client())
        .time_scale(100.0)
        .handshake_timeout(limit)
        .start();
    let why = reconnecting_because(&handle).await;
    assert_eq!(why, ConnectionFailure::HandshakeTimeout(limit));
    assert_eq!(
        why.to_string(),
        "the WebSocket handshake took more than 200ms"
    );
    handle.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_pong_with_a_new_interval_changes_the_ping_rate() {
    let (server, mut conns) = Server::start().await;
    // 1,000 s between pings, scaled by 100 to 10 s: only the first ping within the test...
    server.set(|b| b.config = config(1000, -1));
    // ...until the pong says 1 s, 10 ms scaled.
    server.set(|b| b.pong = Some(config(1, -1)));
    let handle = Listener::builder(server.client()).time_scale(100.0).start();
    let mut conn = next_conn(&mut conns).await;
    let first = conn.next_any().await.unwrap();
    assert_eq!(first.frame_type(), Some(FrameType::Ping));
    conn.answer_ping().await;
    // Five more pings well before the old interval would have sent one.
    let more = async {
        for _ in 0..5 {
            let ping = conn.next_any().await.unwrap();
            assert_eq!(ping.frame_type(), Some(FrameType::Ping));
            assert_eq!(ping.service, SERVICE_ID);
        }
    };
    tokio::time::timeout(Duration::from_secs(5), more)
        .await
        .expect("pings at the new interval");
    handle.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_connection_without_pongs_is_replaced() {
    let (server, mut conns) = Server::start().await;
    server.set(|b| b.pong = None);
    let handle = Listener::builder(server.client())
        .time_scale(100.0)
        .pong_timeout(Duration::from_millis(200))
        .start();
    let mut first = next_conn(&mut conns).await;
    assert_eq!(
        first.next_any().await.unwrap().frame_type(),
        Some(FrameType::Ping)
    );
    // No pong: the watchdog gives up on this connection and opens another.
    let _second = next_conn(&mut conns).await;
    assert_eq!(server.endpoint_hits.load(Ordering::SeqCst), 2);
    handle.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_slow_function_gets_the_fallback_toast_in_time() {
    let (server, mut conns) = Server::start().await;
    let release = Arc::new(Notify::new());
    let released = release.clone();
    let handle = Listener::builder(server.client())
        .on_card_action(move |_action, _later| {
            let released = released.clone();
            async move {
                released.notified().await;
                Answer::toast(Toast::success("too late"))
            }
        })
        // Answer 100 ms after arrival rather than 2.5 s.
        .callback_config(CallbackConfig::new("").deadline_margin(Duration::from_millis(2900)))
        .start();
    let mut conn = next_conn(&mut conns).await;
    conn.deliver("event", "slow", &click("ev-slow", json!({})))
        .await;
    let (_, ack) = conn.ack().await;
    assert_eq!(ack.code, 200);
    let answer = answer(&ack);
    assert_eq!(answer["toast"]["type"], "info");
    assert_eq!(answer["toast"]["content"], "Processing…");
    assert_eq!(
        handle.callback_handler().running(),
        1,
        "the function runs on"
    );
    // Shutdown closes the socket, then waits for it.
    let stopping = handle.clone();
    let shutdown = tokio::spawn(async move { stopping.shutdown().await });
    assert!(conn.next_any().await.is_none(), "the socket closes");
    assert!(!shutdown.is_finished(), "the function still runs");
    release.notify_one();
    shutdown.await.unwrap().unwrap();
    assert_eq!(handle.callback_handler().running(), 0);
}

#[tokio::test]
async fn shutdown_answers_events_in_flight_before_closing() {
    let (server, mut conns) = Server::start().await;
    let started = Arc::new(Notify::new());
    let running = started.clone();
    let handle = Listener::builder(server.client())
        .on_card_action(move |_action, _later| {
            running.notify_one();
            async {
                tokio::time::sleep(Duration::from_millis(300)).await;
                Answer::toast(Toast::success("finished"))
            }
        })
        .start();
    let mut conn = next_conn(&mut conns).await;
    conn.deliver("event", "inflight", &click("ev-inflight", json!({})))
        .await;
    tokio::time::timeout(PATIENCE, started.notified())
        .await
        .unwrap();
    let stopping = handle.clone();
    let shutdown = tokio::spawn(async move { stopping.shutdown().await });
    let (_, ack) = conn.ack().await;
    assert_eq!(answer(&ack)["toast"]["content"], "finished");
    assert!(conn.next_any().await.is_none(), "then the socket closes");
    shutdown.await.unwrap().unwrap();
    assert_eq!(
        *handle.state().borrow(),
        State::Stopped(StopReason::Shutdown)
    );
}
