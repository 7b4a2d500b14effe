//! The emulator's side of Feishu's long connection: the endpoint that hands out connection
//! URLs, a WebSocket server on its own loopback port, pings and pongs, events and card actions
//! delivered to one connected client at random, their acknowledgements, re-delivery, and
//! faults.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::future::Future;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, oneshot, watch};
use tokio::task::JoinSet;
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::handshake::server::{ErrorResponse, Request, Response};
use tokio_tungstenite::tungstenite::http::{HeaderValue, StatusCode};
use tokio_tungstenite::tungstenite::Message;

use super::server::Shared;
use super::state::push_bounded;
use super::user::{Bot, InteractionFailure};
use super::{Emulator, EmulatorBuilder};
use crate::callback::{AnswerSent, CARD_ACTION_TRIGGER};
use crate::ws::frame::{
    codes, Acknowledgement, ClientConfig, Frame, FrameType, Header, HANDSHAKE_AUTH_ERR_CODE,
    HANDSHAKE_MSG, HANDSHAKE_STATUS, HEADER_MESSAGE_ID, HEADER_SEQ, HEADER_SUM, HEADER_TRACE_ID,
    HEADER_TYPE, METHOD_DATA,
};

/// How many connections one app may hold open; the next handshake is refused with
/// `handshake-autherrcode: 1000040350`.
pub const MAX_LONG_CONNECTIONS: usize = 50;

/// How many more times an event nobody acknowledged is delivered, unless told another.
pub const DEFAULT_REDELIVERIES: u32 = 3;

/// The path of the WebSocket on the emulator's long-connection port.
const WS_PATH: &str = "/ws";

/// A client that opens a TCP connection and never finishes its handshake is let go after this.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// The long connection's settings, from the builder.
#[derive(Debug, Clone)]
pub(crate) struct Settings {
    config: ClientConfig,
    redeliveries: u32,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            config: ClientConfig::default(),
            redeliveries: DEFAULT_REDELIVERIES,
        }
    }
}

/// One open (or opening) WebSocket, as [`Emulator::long_connections`] lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct LongConnectionInfo {
    /// The emulator's number for the connection (1, 2, …), as
    /// [`LongConnectionDelivery::connection`] names it.
    pub id: u64,
    /// The `device_id` of the URL the client connected with.
    pub device_id: String,
    /// When the handshake was accepted, on the emulator's clock.
    pub connected_at: Duration,
    /// When its last ping arrived, on the emulator's clock.
    pub last_ping: Option<Duration>,
    /// How many pings it sent.
    pub pings: u64,
    /// How many of those pings carried a `service` other than the `service_id` of the URL
    /// (they are answered all the same); a client that read its URL right sends none.
    pub wrong_service_pings: u64,
}

/// What came of one delivery attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum DeliveryOutcome {
    /// Sent; the deadline has not passed and no acknowledgement came yet.
    Pending,
    /// The client acknowledged the frame.
    Acked {
        /// The acknowledgement's `code` (200 handled, 500 failed).
        code: u16,
        /// The answer's JSON bytes (decoded from `data`), when the acknowledgement had one.
        answer: Option<Vec<u8>>,
        /// From sending the first part to reading the acknowledgement, on tokio's clock.
        after: Duration,
    },
    /// An acknowledgement came whose payload is not `{"code", "headers", "data"}` with base64
    /// `data`.
    Unreadable {
        /// What is wrong with it.
        reason: String,
    },
    /// No acknowledgement within the deadline: the event is delivered again.
    NoAck,
    /// No client was connected (nor connected before the deadline): the event is delivered
    /// again.
    NoConnection,
}

impl DeliveryOutcome {
    /// Whether Feishu would deliver the event again after this outcome: no acknowledgement at
    /// all, or nobody to send it to. An acknowledgement, even with code 500, ends the retries.
    pub fn retried(&self) -> bool {
        matches!(self, DeliveryOutcome::NoAck | DeliveryOutcome::NoConnection)
    }
}

/// One attempt to deliver an event over the long connection, as
/// [`Emulator::long_connection_deliveries`] records it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct LongConnectionDelivery {
    /// The event's `header.event_id` (the same in every attempt).
    pub event_id: String,
    /// The event's `header.event_type` (`card.action.trigger`, `im.message.receive_v1`, …).
    pub event_type: String,
    /// 1 for the first delivery, 2 for the first re-delivery, and so on.
    pub attempt: u32,
    /// The frames' `message_id` header (new in every attempt).
    pub message_id: String,
    /// The connection it went to ([`LongConnectionInfo::id`]); `None` when none was open.
    pub connection: Option<u64>,
    /// How many frames the payload was sent in (0 when the socket was dropped instead).
    pub parts: usize,
    /// When it was sent, on the emulator's clock.
    pub sent_at: Duration,
    /// What came of it.
    pub outcome: DeliveryOutcome,
}

/// What goes wrong on the long connection.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum LongConnectionFaultKind {
    /// The socket chosen for the next event is closed (no close frame) instead of sending it.
    DropBeforeEvent,
    /// The next event is sent, then its socket is closed (no close frame) before an
    /// acknowledgement can arrive.
    DropAfterEvent,
    /// The next event's payload is split into `parts` frames (headers `sum`, `seq`), sent in
    /// order or shuffled.
    Split {
        /// How many frames (at most one per payload byte).
        parts: usize,
        /// Whether the frames go out in a shuffled order (never the original one).
        out_of_order: bool,
    },
    /// The next event's frames say `type: card` instead of `type: event`, as some apps
    /// receive card actions (the official SDKs drop such frames).
    CardFrame,
    /// The next acknowledgement of a delivered event is lost on its way: the connection stays
    /// open, the delivery ends without an acknowledgement at the deadline, and the event is
    /// delivered again, as when Feishu misses an acknowledgement the client did send.
    LoseAck,
    /// Pongs come this much (real) time after their ping.
    SlowPong(Duration),
    /// Pings get no pong.
    NoPong,
    /// The next pong carries this configuration instead of the current one.
    PongConfig(ClientConfig),
    /// The next WebSocket handshake is refused with these `handshake-*` headers.
    RefuseHandshake {
        /// `handshake-status` (514, 403, …).
        status: i64,
        /// `handshake-autherrcode`, when set (1000040350: too many connections).
        auth_err_code: Option<i64>,
        /// `handshake-msg`.
        msg: String,
    },
    /// The next `/callback/ws/endpoint` request is answered with this `code`.
    EndpointError {
        /// The answer's `code` (1 busy, 1000040343 internal error, 403, 514, …).
        code: i64,
        /// The answer's `msg`.
        msg: String,
    },
}

/// Where a fault can strike.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Site {
    Event,
    Ping,
    Ack,
    Handshake,
    Endpoint,
}

impl LongConnectionFaultKind {
    fn site(&self) -> Site {
        match self {
            LongConnectionFaultKind::DropBeforeEvent
            | LongConnectionFaultKind::DropAfterEvent
            | LongConnectionFaultKind::Split { .. }
            | LongConnectionFaultKind::CardFrame => Site::Event,
            LongConnectionFaultKind::SlowPong(_)
            | LongConnectionFaultKind::NoPong
            | LongConnectionFaultKind::PongConfig(_) => Site::Ping,
            LongConnectionFaultKind::LoseAck => Site::Ack,
            LongConnectionFaultKind::RefuseHandshake { .. } => Site::Handshake,
            LongConnectionFaultKind::EndpointError { .. } => Site::Endpoint,
        }
    }
}

/// A fault on the long connection, given to [`Emulator::inject_long_connection`].
///
/// Each fault strikes where it applies (the next event, ping, handshake or endpoint request),
/// once by default; [`LongConnectionFault::times`] and [`LongConnectionFault::until_cleared`]
/// change how often. Rules are tried in the order they were added, and one rule strikes per
/// event, ping, handshake or request.
///
/// ```
/// use std::time::Duration;
/// use card_client::emulator::LongConnectionFault;
/// use card_client::ws::frame::ClientConfig;
///
/// let a = LongConnectionFault::split(4).out_of_order();
/// let b = LongConnectionFault::no_pong().until_cleared();
/// let c = LongConnectionFault::too_many_connections();
/// let d = LongConnectionFault::endpoint_busy().times(2);
/// let e = LongConnectionFault::pong_config(ClientConfig { ping_interval: 1, ..Default::default() });
/// let f = LongConnectionFault::slow_pong(Duration::from_millis(300));
/// # let _ = (a, b, c, d, e, f);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LongConnectionFault {
    kind: LongConnectionFaultKind,
    /// Strikes left; `None` until cleared.
    left: Option<u32>,
}

impl LongConnectionFault {
    /// A fault of `kind`, striking once.
    pub fn new(kind: LongConnectionFaultKind) -> Self {
        LongConnectionFault {
            kind,
            left: Some(1),
        }
    }

    /// What goes wrong.
    pub fn kind(&self) -> &LongConnectionFaultKind {
        &self.kind
    }

    /// The socket chosen for the next event is closed instead of sending it.
    pub fn drop_before_event() -> Self {
        Self::new(LongConnectionFaultKind::DropBeforeEvent)
    }

    /// The next event is sent, then its socket is closed.
    pub fn drop_after_event() -> Self {
        Self::new(LongConnectionFaultKind::DropAfterEvent)
    }

    /// The next event is split into `parts` frames, sent in order
    /// ([`LongConnectionFault::out_of_order`] shuffles them).
    pub fn split(parts: usize) -> Self {
        Self::new(LongConnectionFaultKind::Split {
            parts: parts.max(1),
            out_of_order: false,
        })
    }

    /// For a [`LongConnectionFault::split`]: the parts go out shuffled (by the emulator's
    /// seed), never in their original order.
    pub fn out_of_order(mut self) -> Self {
        if let LongConnectionFaultKind::Split { out_of_order, .. } = &mut self.kind {
            *out_of_order = true;
        }
        self
    }

    /// The next event's frames carry `type: card` instead of `type: event`.
    pub fn card_frame() -> Self {
        Self::new(LongConnectionFaultKind::CardFrame)
    }

    /// The next acknowledgement the client sends for a delivered event is lost: the event is
    /// delivered again after the deadline although the client handled it.
    pub fn lose_ack() -> Self {
        Self::new(LongConnectionFaultKind::LoseAck)
    }

    /// The next pong comes `delay` (real time) after its ping.
    pub fn slow_pong(delay: Duration) -> Self {
        Self::new(LongConnectionFaultKind::SlowPong(delay))
    }

    /// The next ping gets no pong.
    pub fn no_pong() -> Self {
        Self::new(LongConnectionFaultKind::NoPong)
    }

    /// The next pong carries `config` (the endpoint and later pongs keep the current one; see
    /// [`Emulator::set_client_config`] to change it for good).
    pub fn pong_config(config: ClientConfig) -> Self {
        Self::new(LongConnectionFaultKind::PongConfig(config))
    }

    /// The next handshake is refused with `handshake-status: status`,
    /// `handshake-autherrcode` when given, and `handshake-msg: msg` (visible ASCII), in an
    /// HTTP 403 answer for status 403 and HTTP 401 otherwise.
    pub fn refuse_handshake(
        status: i64,
        auth_err_code: Option<i64>,
        msg: impl Into<String>,
    ) -> Self {
        Self::new(LongConnectionFaultKind::RefuseHandshake {
            status,
            auth_err_code,
            msg: msg.into(),
        })
    }

    /// The next handshake is refused as an authentication failure (`handshake-status: 514`).
    pub fn auth_failed() -> Self {
        Self::refuse_handshake(codes::AUTH_FAILED, None, "authentication failed")
    }

    /// The next handshake is refused as forbidden (`handshake-status: 403`).
    pub fn forbidden() -> Self {
        Self::refuse_handshake(codes::FORBIDDEN, None, "forbidden")
    }

    /// The next handshake is refused for too many connections (`handshake-status: 514`,
    /// `handshake-autherrcode: 1000040350`), as the 51st connection of an app is.
    pub fn too_many_connections() -> Self {
        Self::refuse_handshake(
            codes::AUTH_FAILED,
            Some(codes::TOO_MANY_CONNECTIONS),
            "too many connections",
        )
    }

    /// The next endpoint request is answered with `code` and `msg`.
    pub fn endpoint_error(code: i64, msg: impl Into<String>) -> Self {
        Self::new(LongConnectionFaultKind::EndpointError {
            code,
            msg: msg.into(),
        })
    }

    /// The next endpoint request is answered "system busy" (code 1: try again).
    pub fn endpoint_busy() -> Self {
        Self::endpoint_error(codes::BUSY, "system busy")
    }

    /// The next endpoint request is answered "internal error" (code 1000040343: try again).
    pub fn endpoint_internal_error() -> Self {
        Self::endpoint_error(codes::INTERNAL, "internal error")
    }

    /// Strikes the next `n` times it applies.
    pub fn times(mut self, n: u32) -> Self {
        self.left = Some(n);
        self
    }

    /// Strikes every time it applies, until [`Emulator::clear_long_connection_faults`].
    pub fn until_cleared(mut self) -> Self {
        self.left = None;
        self
    }

    /// Spends one strike; whether it struck.
    fn strike(&mut self) -> bool {
        match &mut self.left {
            Some(0) => false,
            Some(n) => {
                *n -= 1;
                true
            }
            None => true,
        }
    }
}

/// What a connection's writer is told.
enum Out {
    /// Send this binary message.
    Frame(Vec<u8>),
    /// Close the socket without a close frame.
    Drop,
}

struct Connection {
    info: LongConnectionInfo,
    /// Whether the handshake's answer went out (only open connections get events).
    open: bool,
    tx: mpsc::UnboundedSender<Out>,
}

struct HubState {
    app_id: String,
    app_secret: String,
    addr: Option<SocketAddr>,
    service_id: i32,
    settings: Settings,
    rng: fastrand::Rng,
    /// `ticket` → `device_id` of every URL handed out.
    issued: HashMap<String, String>,
    connections: BTreeMap<u64, Connection>,
    next_connection: u64,
    next_seq: u64,
    /// `message_id` → who waits for its acknowledgement.
    pending: HashMap<String, oneshot::Sender<Frame>>,
    faults: Vec<LongConnectionFault>,
    /// The most recent delivery attempts, at most `history_limit` of them.
    deliveries: VecDeque<LongConnectionDelivery>,
    /// How many attempts were forgotten from the front of `deliveries`: attempt number `n`
    /// (from 0, in the order they were sent) sits at `n - forgotten` while it is kept.
    forgotten: u64,
    history_limit: usize,
}

impl HubState {
    fn take_fault(&mut self, site: Site) -> Option<LongConnectionFaultKind> {
        let struck = self
            .faults
            .iter_mut()
            .filter(|f| f.kind.site() == site)
            .find_map(|f| f.strike().then(|| f.kind.clone()));
        self.faults.retain(|f| f.left != Some(0));
        struck
    }

    fn random_hex(&mut self, len: usize) -> String {
        (0..len)
            .map(|_| char::from_digit(self.rng.u32(0..16), 16).unwrap_or('0'))
            .collect()
    }

    /// The data frames of one delivery: the payload in `parts` pieces (headers `sum`, `seq`),
    /// shuffled when `out_of_order`.
    fn event_frames(
        &mut self,
        payload: &[u8],
        message_id: &str,
        kind: FrameType,
        parts: usize,
        out_of_order: bool,
    ) -> Vec<Vec<u8>> {
        let trace_id = self.random_hex(32);
        let pieces = pieces(payload, parts);
        let sum = pieces.len();
        let mut frames: Vec<Vec<u8>> = Vec::with_capacity(sum);
        for (seq, piece) in pieces.into_iter().enumerate() {
            let seq_id = self.next_seq;
            self.next_seq += 1;
            let log_id = self.rng.u64(1..);
            let headers = [
                (HEADER_TYPE, kind.as_str().to_owned()),
                (HEADER_MESSAGE_ID, message_id.to_owned()),
                (HEADER_SUM, sum.to_string()),
                (HEADER_SEQ, seq.to_string()),
                (HEADER_TRACE_ID, trace_id.clone()),
            ];
            let frame = Frame {
                seq_id,
                log_id,
                service: self.service_id,
                method: METHOD_DATA,
                headers: headers
                    .into_iter()
                    .map(|(key, value)| Header {
                        key: key.to_owned(),
                        value,
                    })
                    .collect(),
                payload_encoding: None,
                payload_type: None,
                payload: Some(piece.to_vec()),
                log_id_new: Some(log_id.to_string()),
            };
            frames.push(frame.encode_bytes());
        }
        if out_of_order && frames.len() > 1 {
            let original = frames.clone();
            self.rng.shuffle(&mut frames);
            if frames == original {
                frames.rotate_left(1);
            }
        }
        frames
    }

    fn open_count(&self) -> usize {
        self.connections.values().filter(|c| c.open).count()
    }

    /// Records a delivery attempt, forgetting the oldest beyond the history limit; returns
    /// the attempt's number, for [`HubState::delivery_mut`].
    fn record_delivery(&mut self, record: LongConnectionDelivery) -> u64 {
        let number = self.forgotten + self.deliveries.len() as u64;
        if push_bounded(&mut self.deliveries, record, self.history_limit).is_some() {
            self.forgotten += 1;
        }
        number
    }

    /// The record of attempt `number`, unless it was forgotten.
    fn delivery_mut(&mut self, number: u64) -> Option<&mut LongConnectionDelivery> {
        let at = usize::try_from(number.checked_sub(self.forgotten)?).ok()?;
        self.deliveries.get_mut(at)
    }
}

/// The long connection's state, shared by the HTTP server (the endpoint), the WebSocket
/// server, and deliveries.
pub(crate) struct Hub {
    state: Mutex<HubState>,
    /// How many connections are open.
    open: watch::Sender<usize>,
    /// The accept loop, delayed pongs and re-deliveries: aborted with the emulator.
    tasks: Mutex<JoinSet<()>>,
}

impl Hub {
    pub(crate) fn new(
        app_id: String,
        app_secret: String,
        seed: u64,
        settings: Settings,
        history_limit: usize,
    ) -> Self {
        // Its own generator from the emulator's seed: connection choices do not depend on how
        // many HTTP requests came before.
        let mut rng = fastrand::Rng::with_seed(seed ^ 0x6c6f_6e67_636f_6e6e);
        let service_id = rng.i32(100_000..1_000_000);
        Hub {
            state: Mutex::new(HubState {
                app_id,
                app_secret,
                addr: None,
                service_id,
                settings,
                rng,
                issued: HashMap::new(),
                connections: BTreeMap::new(),
                next_connection: 1,
                next_seq: 1,
                pending: HashMap::new(),
                faults: Vec::new(),
                deliveries: VecDeque::new(),
                forgotten: 0,
                history_limit,
            }),
            open: watch::Sender::new(0),
            tasks: Mutex::new(JoinSet::new()),
        }
    }

    fn state(&self) -> MutexGuard<'_, HubState> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn spawn(&self, task: impl Future<Output = ()> + Send + 'static) {
        let mut tasks = self.tasks.lock().unwrap_or_else(|p| p.into_inner());
        while tasks.try_join_next().is_some() {}
        tasks.spawn(task);
    }

    /// Stops the WebSocket server (closing every connection) and every pending re-delivery.
    pub(crate) fn shutdown(&self) {
        self.tasks
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .abort_all();
    }

    fn publish_count(&self, state: &HubState) {
        self.open.send_replace(state.open_count());
    }
}

/// Binds the WebSocket port and starts accepting connections.
pub(crate) async fn serve(shared: Arc<Shared>) -> std::io::Result<()> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    shared.ws.state().addr = Some(listener.local_addr()?);
    let accepting = shared.clone();
    shared.ws.spawn(async move {
        // Dropped (and so aborted) with the accept loop.
        let mut connections = JoinSet::new();
        loop {
            let stream = match listener.accept().await {
                Ok((stream, _)) => stream,
                Err(e) => {
                    tracing::debug!("long connection: accept failed: {e}");
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    continue;
                }
            };
            while connections.try_join_next().is_some() {}
            let _ = stream.set_nodelay(true);
            connections.spawn(connection(accepting.clone(), stream));
        }
    });
    Ok(())
}

/// Forgets a connection when its task ends, however it ends.
struct Registration<'a> {
    shared: &'a Shared,
    id: u64,
}

impl Drop for Registration<'_> {
    fn drop(&mut self) {
        let mut state = self.shared.ws.state();
        state.connections.remove(&self.id);
        self.shared.ws.publish_count(&state);
        tracing::debug!(connection = self.id, "long connection closed");
    }
}

// The handshake callback's error type is tungstenite's `ErrorResponse`, large or not.
#[allow(clippy::result_large_err)]
async fn connection(shared: Arc<Shared>, stream: TcpStream) {
    let (tx, mut rx) = mpsc::unbounded_channel::<Out>();
    let admitted = OnceLock::new();
    let handshake =
        tokio_tungstenite::accept_hdr_async(stream, |request: &Request, response: Response| {
            admit(&shared, request, response, &tx, &admitted)
        });
    let result = tokio::time::timeout(HANDSHAKE_TIMEOUT, handshake).await;
    let Some(&id) = admitted.get() else {
        return;
    };
    let _registration = Registration {
        shared: &shared,
        id,
    };
    let socket = match result {
        Ok(Ok(socket)) => socket,
        Ok(Err(e)) => {
            tracing::debug!(connection = id, "long connection handshake failed: {e}");
            return;
        }
        Err(_) => return,
    };
    {
        let mut state = shared.ws.state();
        if let Some(c) = state.connections.get_mut(&id) {
            c.open = true;
        }
        shared.ws.publish_count(&state);
    }
    tracing::debug!(connection = id, "long connection open");

    let (mut sink, mut stream) = socket.split();
    let writer = async move {
        while let Some(out) = rx.recv().await {
            match out {
                Out::Frame(bytes) => {
                    if sink.send(Message::Binary(bytes.into())).await.is_err() {
                        break;
                    }
                }
                Out::Drop => break,
            }
        }
    };
    let reader = async {
        while let Some(message) = stream.next().await {
            match message {
                Ok(Message::Binary(bytes)) => on_frame(&shared, id, &tx, &bytes),
                Ok(Message::Text(text)) => tracing::warn!(
                    connection = id,
                    "long connection: ignored a text message ({} bytes); frames are binary protobuf",
                    text.len()
                ),
                Ok(Message::Close(_)) => break,
                Ok(_) => {}
                Err(e) => {
                    tracing::debug!(connection = id, "long connection read failed: {e}");
                    break;
                }
            }
        }
    };
    // Whichever ends first (the client left, or the emulator dropped the socket) ends both,
    // and dropping the halves closes the TCP connection.
    futures_util::future::select(std::pin::pin!(writer), std::pin::pin!(reader)).await;
}

fn refusal(status: i64, auth_err_code: Option<i64>, msg: &str) -> ErrorResponse {
    let mut response = ErrorResponse::new(Some(msg.to_owned()));
    *response.status_mut() = if status == codes::FORBIDDEN {
        StatusCode::FORBIDDEN
    } else {
        StatusCode::UNAUTHORIZED
    };
    let headers = response.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&status.to_string()) {
        headers.insert(HANDSHAKE_STATUS, v);
    }
    let msg = HeaderValue::from_str(msg).unwrap_or(HeaderValue::from_static("refused"));
    headers.insert(HANDSHAKE_MSG, msg);
    if let Some(code) = auth_err_code {
        if let Ok(v) = HeaderValue::from_str(&code.to_string()) {
            headers.insert(HANDSHAKE_AUTH_ERR_CODE, v);
        }
    }
    response
}

fn query_param<'q>(query: &'q str, name: &str) -> Option<&'q str> {
    query.split('&').find_map(|pair| {
        pair.strip_prefix(name)
            .and_then(|rest| rest.strip_prefix('='))
    })
}

/// Decides a handshake: an injected refusal, a URL not handed out by the endpoint, or the
/// 51st connection is refused; otherwise the connection is registered.
#[allow(clippy::result_large_err)] // the callback's signature is tungstenite's
fn admit(
    shared: &Shared,
    request: &Request,
    response: Response,
    tx: &mpsc::UnboundedSender<Out>,
    admitted: &OnceLock<u64>,
) -> Result<Response, ErrorResponse> {
    let now = shared.clock.now();
    let query = request.uri().query().unwrap_or("");
    let mut state = shared.ws.state();
    if let Some(LongConnectionFaultKind::RefuseHandshake {
        status,
        auth_err_code,
        msg,
    }) = state.take_fault(Site::Handshake)
    {
        return Err(refusal(status, auth_err_code, &msg));
    }
    if request.uri().path() != WS_PATH {
        return Err(refusal(
            codes::FORBIDDEN,
            None,
            "unknown path: connect to the URL from /callback/ws/endpoint",
        ));
    }
    let device_id = match (
        query_param(query, "device_id"),
        query_param(query, "ticket"),
    ) {
        (Some(device_id), Some(ticket))
            if state.issued.get(ticket).map(String::as_str) == Some(device_id) =>
        {
            device_id.to_owned()
        }
        _ => {
            return Err(refusal(
                codes::AUTH_FAILED,
                None,
                "authentication failed: connect to a URL from /callback/ws/endpoint",
            ))
        }
    };
    if state.connections.len() >= MAX_LONG_CONNECTIONS {
        return Err(refusal(
            codes::AUTH_FAILED,
            Some(codes::TOO_MANY_CONNECTIONS),
            "too many connections: an app may hold 50",
        ));
    }
    let id = state.next_connection;
    state.next_connection += 1;
    state.connections.insert(
        id,
        Connection {
            info: LongConnectionInfo {
                id,
                device_id,
                connected_at: now,
                last_ping: None,
                pings: 0,
                wrong_service_pings: 0,
            },
            open: false,
            tx: tx.clone(),
        },
    );
    let _ = admitted.set(id);
    Ok(response)
}

/// One binary message from a client: a ping, an acknowledgement, or something to log and
/// ignore.
fn on_frame(shared: &Shared, id: u64, tx: &mpsc::UnboundedSender<Out>, bytes: &[u8]) {
    let frame = match Frame::decode_bytes(bytes) {
        Ok(frame) => frame,
        Err(e) => {
            tracing::warn!(connection = id, "long connection: ignored a message: {e}");
            return;
        }
    };
    if frame.is_control() {
        match frame.frame_type() {
            Some(FrameType::Ping) => pong(shared, id, tx, frame.service),
            _ => tracing::warn!(
                connection = id,
                kind = frame.header(HEADER_TYPE),
                "long connection: ignored a control frame that is not a ping"
            ),
        }
        return;
    }
    if !frame.is_data() {
        tracing::warn!(
            connection = id,
            method = frame.method,
            "long connection: ignored a frame with an unknown method"
        );
        return;
    }
    let Some(message_id) = frame.header(HEADER_MESSAGE_ID).map(str::to_owned) else {
        tracing::warn!(
            connection = id,
            "long connection: ignored a data frame without a message_id"
        );
        return;
    };
    let waiter = {
        let mut state = shared.ws.state();
        let lost = state.pending.contains_key(&message_id)
            && state.take_fault(Site::Ack) == Some(LongConnectionFaultKind::LoseAck);
        if lost {
            tracing::debug!(
                connection = id,
                message_id,
                "long connection: lost an acknowledgement (fault)"
            );
            return;
        }
        state.pending.remove(&message_id)
    };
    match waiter {
        Some(waiter) => {
            let _ = waiter.send(frame);
        }
        None => tracing::warn!(
            connection = id,
            message_id,
            "long connection: ignored an acknowledgement of a message nobody waits for (unknown, or past its deadline)"
        ),
    }
}

fn pong(shared: &Shared, id: u64, tx: &mpsc::UnboundedSender<Out>, ping_service: i32) {
    let now = shared.clock.now();
    let (fault, mut config, service) = {
        let mut state = shared.ws.state();
        let service = state.service_id;
        if let Some(c) = state.connections.get_mut(&id) {
            c.info.last_ping = Some(now);
            c.info.pings += 1;
            if ping_service != service {
                c.info.wrong_service_pings += 1;
                tracing::warn!(
                    connection = id,
                    ping_service,
                    service,
                    "long connection: a ping carried another service than the URL's service_id"
                );
            }
        }
        let fault = state.take_fault(Site::Ping);
        (fault, state.settings.config, state.service_id)
    };
    let mut delay = Duration::ZERO;
    match fault {
        Some(LongConnectionFaultKind::NoPong) => return,
        Some(LongConnectionFaultKind::SlowPong(d)) => delay = d,
        Some(LongConnectionFaultKind::PongConfig(c)) => config = c,
        _ => {}
    }
    let payload = serde_json::to_vec(&config).unwrap_or_default();
    let bytes = Frame::control(service, FrameType::Pong, Some(payload)).encode_bytes();
    if delay.is_zero() {
        let _ = tx.send(Out::Frame(bytes));
    } else {
        let tx = tx.clone();
        shared.ws.spawn(async move {
            tokio::time::sleep(delay).await;
            let _ = tx.send(Out::Frame(bytes));
        });
    }
}

/// The answer of `POST /callback/ws/endpoint` (always HTTP 200; the `code` says how it went).
pub(crate) fn endpoint(shared: &Shared, body: Option<&Value>) -> Value {
    let mut state = shared.ws.state();
    if let Some(LongConnectionFaultKind::EndpointError { code, msg }) =
        state.take_fault(Site::Endpoint)
    {
        return refused(code, &msg);
    }
    let field = |key: &str| body.and_then(|b| b.get(key)).and_then(Value::as_str);
    let (Some(app_id), Some(secret)) = (field("AppID"), field("AppSecret")) else {
        return refused(
            codes::AUTH_FAILED,
            "authentication failed: the body must be {\"AppID\": …, \"AppSecret\": …}",
        );
    };
    if app_id != state.app_id || secret != state.app_secret {
        return refused(
            codes::AUTH_FAILED,
            "authentication failed: wrong AppID or AppSecret",
        );
    }
    let Some(addr) = state.addr else {
        return refused(codes::INTERNAL, "internal error: no WebSocket server");
    };
    let device_id = state
        .rng
        .u64(1_000_000_000_000_000_000..u64::MAX)
        .to_string();
    let ticket = state.random_hex(32);
    state.issued.insert(ticket.clone(), device_id.clone());
    // Neither id comes first: Feishu's URLs start with other parameters, and the Node SDK
    // reads the ids by parsing the whole URL as a query string, where the first key keeps the
    // `ws://…?` prefix.
    let url = format!(
        "ws://{addr}{WS_PATH}?ticket={ticket}&device_id={device_id}&service_id={}",
        state.service_id
    );
    json!({
        "code": codes::OK,
        "msg": "ok",
        "data": {"URL": url, "ClientConfig": state.settings.config},
    })
}

/// A refused endpoint request: `code` and `msg`, with an empty `data` object. The Node SDK
/// reads `data.URL` whatever the code, and would take an answer without `data` for a network
/// failure and retry for ever, even after a final refusal (514, 403).
fn refused(code: i64, msg: &str) -> Value {
    json!({"code": code, "msg": msg, "data": {}})
}

/// An event on its way to a client.
#[derive(Clone)]
struct Event {
    event_id: String,
    event_type: String,
    payload: Arc<Vec<u8>>,
}

/// Splits `payload` into `parts` non-empty pieces (fewer when it is shorter).
fn pieces(payload: &[u8], parts: usize) -> Vec<&[u8]> {
    let parts = parts.clamp(1, payload.len().max(1));
    let base = payload.len() / parts;
    let extra = payload.len() % parts;
    let mut out = Vec::with_capacity(parts);
    let mut at = 0;
    for i in 0..parts {
        let len = base + usize::from(i < extra);
        out.push(&payload[at..at + len]);
        at += len;
    }
    out
}

/// Sends `event` to one open connection chosen at random and waits, within `deadline`, for
/// its acknowledgement. Waits for a client to connect when none is.
async fn attempt(
    shared: &Shared,
    event: &Event,
    attempt: u32,
    deadline: Duration,
) -> LongConnectionDelivery {
    let started = Instant::now();
    let mut count = shared.ws.open.subscribe();
    let _ = tokio::time::timeout(deadline, count.wait_for(|n| *n > 0)).await;
    let sent_at = shared.clock.now();

    let (number, mut record, tx, frames, fault, waiter) = {
        let mut state = shared.ws.state();
        let open: Vec<u64> = state
            .connections
            .values()
            .filter(|c| c.open)
            .map(|c| c.info.id)
            .collect();
        let message_id = format!("{:016x}", state.rng.u64(..));
        let mut record = LongConnectionDelivery {
            event_id: event.event_id.clone(),
            event_type: event.event_type.clone(),
            attempt,
            message_id: message_id.clone(),
            connection: None,
            parts: 0,
            sent_at,
            outcome: DeliveryOutcome::NoConnection,
        };
        if open.is_empty() {
            state.record_delivery(record.clone());
            return record;
        }
        let id = open[state.rng.usize(..open.len())];
        let Some(tx) = state.connections.get(&id).map(|c| c.tx.clone()) else {
            state.record_delivery(record.clone());
            return record;
        };
        let fault = state.take_fault(Site::Event);
        let (parts, out_of_order) = match fault {
            Some(LongConnectionFaultKind::Split {
                parts,
                out_of_order,
            }) => (parts, out_of_order),
            _ => (1, false),
        };
        let kind = match fault {
            Some(LongConnectionFaultKind::CardFrame) => FrameType::Card,
            _ => FrameType::Event,
        };
        let frames = state.event_frames(&event.payload, &message_id, kind, parts, out_of_order);
        let (notify, waiter) = oneshot::channel();
        state.pending.insert(message_id, notify);
        record.connection = Some(id);
        record.parts = match fault {
            Some(LongConnectionFaultKind::DropBeforeEvent) => 0,
            _ => frames.len(),
        };
        record.outcome = DeliveryOutcome::Pending;
        let number = state.record_delivery(record.clone());
        (number, record, tx, frames, fault, waiter)
    };

    match fault {
        Some(LongConnectionFaultKind::DropBeforeEvent) => {
            let _ = tx.send(Out::Drop);
        }
        _ => {
            for bytes in frames {
                let _ = tx.send(Out::Frame(bytes));
            }
            if fault == Some(LongConnectionFaultKind::DropAfterEvent) {
                let _ = tx.send(Out::Drop);
            }
        }
    }

    let sent = Instant::now();
    let left = deadline.saturating_sub(started.elapsed());
    let outcome = match tokio::time::timeout(left, waiter).await {
        Ok(Ok(ack)) => read_ack(&ack, sent.elapsed()),
        Ok(Err(_)) | Err(_) => DeliveryOutcome::NoAck,
    };
    let mut state = shared.ws.state();
    if outcome == DeliveryOutcome::NoAck {
        state.pending.remove(&record.message_id);
    }
    // The attempt's record may have been forgotten meanwhile (more attempts than the history
    // keeps were made while this one waited); the local copy still tells the caller.
    if let Some(kept) = state.delivery_mut(number) {
        kept.outcome = outcome.clone();
    }
    record.outcome = outcome;
    record
}

fn read_ack(frame: &Frame, after: Duration) -> DeliveryOutcome {
    let payload = frame.payload.as_deref().unwrap_or_default();
    let ack: Acknowledgement = match serde_json::from_slice(payload) {
        Ok(ack) => ack,
        Err(e) => {
            return DeliveryOutcome::Unreadable {
                reason: format!(
                    "the acknowledgement's payload is not {{\"code\", \"headers\", \"data\"}}: {e}"
                ),
            }
        }
    };
    let answer = match ack.answer() {
        None => None,
        Some(Ok(bytes)) => Some(bytes),
        Some(Err(e)) => {
            return DeliveryOutcome::Unreadable {
                reason: format!("the acknowledgement's `data` is not base64: {e}"),
            }
        }
    };
    DeliveryOutcome::Acked {
        code: ack.code,
        answer,
        after,
    }
}

/// Delivers the event again, in the background, until a client acknowledges it or the
/// re-deliveries run out.
fn redeliver(shared: &Arc<Shared>, event: Event, deadline: Duration) {
    let redeliveries = shared.ws.state().settings.redeliveries;
    if redeliveries == 0 {
        return;
    }
    let task_shared = shared.clone();
    shared.ws.spawn(async move {
        for n in 2..=redeliveries.saturating_add(1) {
            let delivery = attempt(&task_shared, &event, n, deadline).await;
            if !delivery.outcome.retried() {
                break;
            }
        }
    });
}

/// Delivers and, when nobody acknowledges, schedules the re-deliveries.
async fn deliver(shared: &Arc<Shared>, event: Event, deadline: Duration) -> LongConnectionDelivery {
    let first = attempt(shared, &event, 1, deadline).await;
    if first.outcome.retried() {
        redeliver(shared, event, deadline);
    }
    first
}

/// Delivers a card action's callback body (plain JSON) and reads the answer as the HTTP route
/// would: `(status, body, None)`, or the failure the user sees.
pub(crate) async fn deliver_callback(
    shared: &Arc<Shared>,
    event_id: &str,
    body: Vec<u8>,
    deadline: Duration,
) -> Result<(u16, Vec<u8>, Option<AnswerSent>), InteractionFailure> {
    let event = Event {
        event_id: event_id.to_owned(),
        event_type: CARD_ACTION_TRIGGER.to_owned(),
        payload: Arc::new(body),
    };
    let delivery = deliver(shared, event, deadline).await;
    let fail = |code, reason: String| Err(InteractionFailure { code, reason });
    match delivery.outcome {
        DeliveryOutcome::Acked {
            code: Acknowledgement::OK,
            answer,
            ..
        } => Ok((200, answer.unwrap_or_else(|| b"{}".to_vec()), None)),
        DeliveryOutcome::Acked { code, .. } => fail(
            200671,
            format!("the bot acknowledged the card action with code {code} (Feishu needs 200)"),
        ),
        DeliveryOutcome::Unreadable { reason } => fail(200672, reason),
        DeliveryOutcome::NoConnection => fail(
            200340,
            format!(
                "no long connection client was connected within {deadline:?}; the card action \
                 will be delivered again"
            ),
        ),
        DeliveryOutcome::NoAck | DeliveryOutcome::Pending => fail(
            200341,
            format!(
                "the bot did not acknowledge the card action within {deadline:?} over the long \
                 connection; it will be delivered again"
            ),
        ),
    }
}

impl EmulatorBuilder {
    /// Delivers emulated users' card actions over the long connection, to one connected
    /// client chosen at random, even when none is connected yet (an action then waits up to
    /// the callback deadline for one). Without this, and without a callback URL or an
    /// in-process handler, card actions use the long connection whenever a client is
    /// connected. See [`Emulator::use_long_connection`].
    pub fn long_connection(mut self) -> Self {
        self.callbacks.bot = Some(Bot::LongConnection);
        self
    }

    /// The `ClientConfig` in endpoint answers and pongs (default Feishu's: ping every 120 s,
    /// reconnect for ever every 120 s after a first wait of up to 30 s). Tests want small
    /// values; [`Emulator::set_client_config`] changes it later.
    pub fn client_config(mut self, config: ClientConfig) -> Self {
        self.long_connection.config = config;
        self
    }

    /// How many more times an event nobody acknowledged within the callback deadline is
    /// delivered (default [`DEFAULT_REDELIVERIES`]); 0 delivers each event once.
    pub fn long_connection_redeliveries(mut self, n: u32) -> Self {
        self.long_connection.redeliveries = n;
        self
    }
}

impl Emulator {
    /// Delivers emulated users' card actions over the long connection from now on, instead
    /// of a callback URL or an in-process handler; see [`EmulatorBuilder::long_connection`].
    pub fn use_long_connection(&self) {
        self.players.set_bot(Bot::LongConnection);
    }

    /// The `ClientConfig` the endpoint and pongs hand out.
    pub fn client_config(&self) -> ClientConfig {
        self.shared.ws.state().settings.config
    }

    /// Changes the `ClientConfig`: later endpoint answers carry it, and so does the pong of
    /// every connected client's next ping.
    pub fn set_client_config(&self, config: ClientConfig) {
        self.shared.ws.state().settings.config = config;
    }

    /// The open long connections (their handshake answered), by id.
    pub fn long_connections(&self) -> Vec<LongConnectionInfo> {
        self.shared
            .ws
            .state()
            .connections
            .values()
            .filter(|c| c.open)
            .map(|c| c.info.clone())
            .collect()
    }

    /// Waits until at least `n` long connections are open; `false` if `timeout` (real time)
    /// passed first.
    ///
    /// ```
    /// use std::time::Duration;
    /// use card_client::emulator::Emulator;
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let feishu = Emulator::start().await?;
    /// assert!(feishu.wait_for_long_connections(0, Duration::from_millis(10)).await);
    /// assert!(!feishu.wait_for_long_connections(1, Duration::from_millis(10)).await);
    /// # Ok(())
    /// # }
    /// ```
    pub async fn wait_for_long_connections(&self, n: usize, timeout: Duration) -> bool {
        let mut count = self.shared.ws.open.subscribe();
        let reached = tokio::time::timeout(timeout, count.wait_for(|open| *open >= n)).await;
        matches!(reached, Ok(Ok(_)))
    }

    /// Closes every long connection now, without a close frame (as a network failure would);
    /// returns how many there were.
    pub fn drop_long_connections(&self) -> usize {
        let state = self.shared.ws.state();
        for c in state.connections.values() {
            let _ = c.tx.send(Out::Drop);
        }
        state.connections.len()
    }

    /// Closes one long connection now, without a close frame; `false` if there is no such
    /// connection.
    pub fn drop_long_connection(&self, id: u64) -> bool {
        let state = self.shared.ws.state();
        match state.connections.get(&id) {
            Some(c) => c.tx.send(Out::Drop).is_ok(),
            None => false,
        }
    }

    /// Adds a long-connection fault rule; rules are tried in the order they were added.
    pub fn inject_long_connection(&self, fault: LongConnectionFault) {
        self.shared.ws.state().faults.push(fault);
    }

    /// Removes every long-connection fault rule.
    pub fn clear_long_connection_faults(&self) {
        self.shared.ws.state().faults.clear();
    }

    /// The attempts to deliver an event over the long connection, in the order they were
    /// sent; a re-delivery is an attempt of its own, with the same `event_id`. The most
    /// recent [`EmulatorBuilder::history_limit`] attempts are kept (10,000 by default); older
    /// ones are forgotten, and an attempt still waiting for its acknowledgement when it is
    /// forgotten completes all the same.
    pub fn long_connection_deliveries(&self) -> Vec<LongConnectionDelivery> {
        self.shared.ws.state().deliveries.iter().cloned().collect()
    }

    /// Pushes an event to one connected client, chosen at random, in Feishu's v2 envelope:
    /// `{"schema": "2.0", "header": {event_id, event_type, create_time, token, app_id,
    /// tenant_key}, "event": event}`, unencrypted. Waits for the acknowledgement up to the
    /// callback deadline (and, with no client connected, for one to connect) and returns the
    /// first attempt; without an acknowledgement the event is delivered again in the
    /// background ([`Emulator::long_connection_deliveries`] records each attempt).
    ///
    /// ```
    /// use std::time::Duration;
    /// use card_client::emulator::{DeliveryOutcome, Emulator};
    /// use serde_json::json;
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let feishu = Emulator::builder()
    ///     .callback_deadline(Duration::from_millis(20))
    ///     .long_connection_redeliveries(0)
    ///     .start()
    ///     .await?;
    /// // Nobody is connected: the attempt finds no client.
    /// let delivery = feishu
    ///     .send_event("im.message.receive_v1", json!({"message": {"message_id": "om_1"}}))
    ///     .await;
    /// assert_eq!(delivery.outcome, DeliveryOutcome::NoConnection);
    /// assert_eq!(feishu.long_connection_deliveries().len(), 1);
    /// # Ok(())
    /// # }
    /// ```
    pub async fn send_event(&self, event_type: &str, event: Value) -> LongConnectionDelivery {
        let (token, tenant_key, deadline) = {
            let settings = self.players.settings();
            (
                settings.verification_token.clone(),
                settings.tenant_key.clone(),
                settings.deadline,
            )
        };
        let event_id = self.shared.ws.state().random_hex(32);
        let create_time = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default()
            .as_millis()
            .to_string();
        let envelope = json!({
            "schema": "2.0",
            "header": {
                "event_id": event_id,
                "event_type": event_type,
                "create_time": create_time,
                "token": token,
                "app_id": self.app_id(),
                "tenant_key": tenant_key,
            },
            "event": event,
        });
        let event = Event {
            event_id,
            event_type: event_type.to_owned(),
            payload: Arc::new(envelope.to_string().into_bytes()),
        };
        deliver(&self.shared, event, deadline).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_cover_the_payload_without_empty_parts() {
        let payload: Vec<u8> = (0..10).collect();
        for parts in 1..=14 {
            let split = pieces(&payload, parts);
            assert_eq!(split.len(), parts.min(10));
            assert!(split.iter().all(|p| !p.is_empty()));
            assert_eq!(split.concat(), payload);
        }
        assert_eq!(pieces(b"", 3), vec![b"" as &[u8]]);
    }

    #[test]
    fn query_params_are_found_by_exact_name() {
        let q = "xdevice_id=1&device_id=42&ticket=t";
        assert_eq!(query_param(q, "device_id"), Some("42"));
        assert_eq!(query_param(q, "ticket"), Some("t"));
        assert_eq!(query_param(q, "service_id"), None);
    }

    #[test]
    fn faults_strike_as_often_as_told() {
        let mut once = LongConnectionFault::no_pong();
        assert!(once.strike());
        assert!(!once.strike());
        let mut always = LongConnectionFault::no_pong().until_cleared();
        assert!((0..5).all(|_| always.strike()));
        let mut twice = LongConnectionFault::endpoint_busy().times(2);
        assert!(twice.strike() && twice.strike() && !twice.strike());
    }
}
