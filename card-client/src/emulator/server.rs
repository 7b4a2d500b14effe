//! The HTTP side: accept connections, apply faults, route, answer, log.

use std::fmt;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::time::Duration;

use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper::header::{HeaderValue, AUTHORIZATION, CONTENT_TYPE};
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use serde_json::{json, Value};
use tokio::net::TcpListener;
use tokio::task::JoinSet;

use super::fault::{Fault, FaultKind};
use super::state::{CardOp, Rejection, RequestRecord, State};
use crate::ws::frame::ENDPOINT_PATH;

pub(crate) const TOKEN_PATH: &str = "/open-apis/auth/v3/tenant_access_token/internal";

/// The clock stops at 1000 years, so that adding a lifetime to "now" can never overflow.
const CLOCK_LIMIT: Duration = Duration::from_secs(1000 * 365 * 24 * 3600);

/// The emulator's clock: real time since start, times `speed`, plus what tests added.
pub(crate) struct Clock {
    origin: std::time::Instant,
    speed: f64,
    offset: Mutex<Duration>,
}

impl Clock {
    pub(crate) fn new(speed: f64) -> Self {
        Clock {
            origin: std::time::Instant::now(),
            speed,
            offset: Mutex::new(Duration::ZERO),
        }
    }

    pub(crate) fn now(&self) -> Duration {
        let offset = *self.offset.lock().unwrap_or_else(|p| p.into_inner());
        self.origin
            .elapsed()
            .mul_f64(self.speed)
            .saturating_add(offset)
            .min(CLOCK_LIMIT)
    }

    pub(crate) fn advance(&self, by: Duration) {
        let mut offset = self.offset.lock().unwrap_or_else(|p| p.into_inner());
        *offset = offset.saturating_add(by).min(CLOCK_LIMIT);
    }
}

pub(crate) struct Shared {
    pub state: Mutex<State>,
    pub clock: Clock,
    /// The long connection (`ws.rs`).
    pub ws: super::ws::Hub,
    /// What the control API (`/_emulator/…`) acts through, set once the emulator is built.
    pub control: OnceLock<super::control::Owner>,
}

impl Shared {
    pub(crate) fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// The service's error: returning it makes hyper close the connection without an answer,
/// which is how a dropped connection is emulated.
#[derive(Debug)]
struct Dropped;

impl fmt::Display for Dropped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("connection dropped by an injected fault")
    }
}

impl std::error::Error for Dropped {}

/// Accepts connections until the returned task is aborted (which also ends every connection).
pub(crate) async fn serve(
    shared: Arc<Shared>,
    bind: SocketAddr,
) -> std::io::Result<(SocketAddr, tokio::task::JoinHandle<()>)> {
    let listener = TcpListener::bind(bind).await?;
    let addr = listener.local_addr()?;
    let task = tokio::spawn(async move {
        let mut connections = JoinSet::new();
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            while connections.try_join_next().is_some() {}
            let _ = stream.set_nodelay(true);
            let shared = shared.clone();
            connections.spawn(async move {
                let service = hyper::service::service_fn(move |req| handle(shared.clone(), req));
                let _ = hyper::server::conn::http1::Builder::new()
                    .keep_alive(true)
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    Ok((addr, task))
}

struct Answer {
    status: u16,
    body: Bytes,
    json: bool,
    code: Option<i64>,
    reset: Option<u64>,
}

impl Answer {
    fn json(status: u16, value: Value) -> Self {
        let code = value.get("code").and_then(Value::as_i64);
        Answer {
            status,
            body: Bytes::from(value.to_string()),
            json: true,
            code,
            reset: None,
        }
    }

    fn rejection(r: Rejection, log_id: &str) -> Self {
        let mut answer = Answer::json(
            r.status,
            json!({
                "code": r.code,
                "msg": r.msg,
                "error": {
                    "log_id": log_id,
                    "troubleshooter": format!("https://open.feishu.cn/search?log_id={log_id}"),
                }
            }),
        );
        answer.reset = r.reset;
        answer
    }

    fn text(status: u16, text: &'static str) -> Self {
        Answer {
            status,
            body: Bytes::from_static(text.as_bytes()),
            json: false,
            code: None,
            reset: None,
        }
    }

    fn into_response(self, log_id: &str) -> Response<Full<Bytes>> {
        let mut response = Response::new(Full::new(self.body));
        *response.status_mut() =
            StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let headers = response.headers_mut();
        let content_type = if self.json {
            "application/json; charset=utf-8"
        } else {
            "text/plain; charset=utf-8"
        };
        headers.insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
        if let Ok(v) = HeaderValue::from_str(log_id) {
            headers.insert("x-tt-logid", v);
        }
        if let Some(reset) = self.reset {
            headers.insert("x-ogw-ratelimit-limit", HeaderValue::from_static("50"));
            if let Ok(v) = HeaderValue::from_str(&reset.to_string()) {
                headers.insert("x-ogw-ratelimit-reset", v);
            }
        }
        response
    }
}

/// The largest OpenAPI request body read (4 MiB): far above the 150 KB of a text message and
/// the 30 KB of a card, even escaped twice.
const MAX_BODY: usize = 4 << 20;

/// How much of an oversized body is read and thrown away before the refusal is sent, so that
/// a client still writing it receives the 413 instead of a reset connection.
const DRAIN_LIMIT: u64 = 16 << 20;

/// Why a body was not read.
pub(crate) enum BodyError {
    /// It holds more than the limit.
    TooLarge,
    /// The connection failed while reading it.
    Broken(hyper::Error),
}

/// Reads a request's body, refusing one over `max` bytes. An oversized body of at most
/// [`DRAIN_LIMIT`] bytes is read to its end first; a larger declared one is refused before
/// reading.
pub(crate) async fn read_limited(req: Request<Incoming>, max: usize) -> Result<Bytes, BodyError> {
    let declared = req
        .headers()
        .get(hyper::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|len| len > DRAIN_LIMIT) {
        return Err(BodyError::TooLarge);
    }
    let mut body = req.into_body();
    let mut kept = Vec::new();
    let mut seen: u64 = 0;
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(BodyError::Broken)?;
        let Ok(data) = frame.into_data() else {
            continue;
        };
        seen += data.len() as u64;
        if seen > DRAIN_LIMIT {
            break;
        }
        if seen <= max as u64 {
            kept.extend_from_slice(&data);
        }
    }
    if seen > max as u64 {
        return Err(BodyError::TooLarge);
    }
    Ok(Bytes::from(kept))
}

async fn handle(
    shared: Arc<Shared>,
    req: Request<Incoming>,
) -> Result<Response<Full<Bytes>>, Dropped> {
    if super::control::owns(req.uri().path()) {
        return Ok(super::control::handle(&shared, req).await);
    }
    let method = req.method().as_str().to_owned();
    let path = req.uri().path().to_owned();
    let query = req.uri().query().map(str::to_owned);
    let auth = req
        .headers()
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let bytes = match read_limited(req, MAX_BODY).await {
        Ok(bytes) => bytes,
        Err(BodyError::TooLarge) => {
            let answer = Answer::text(
                413,
                "request body too large: the emulator reads at most 4 MiB (a card is at most 30 KB, a text message 150 KB)",
            );
            return Ok(answer.into_response(""));
        }
        Err(BodyError::Broken(_)) => return Err(Dropped),
    };
    let body: Option<Value> = serde_json::from_slice(&bytes).ok();
    // Like the token endpoint, the long connection's endpoint is outside the OpenAPI gateway:
    // faults hit it only when named by path, and the gateway's rate limit does not.
    let is_token = path == TOKEN_PATH || path == ENDPOINT_PATH;
    let arrived = shared.clock.now();

    let (fault, log_id) = {
        let mut state = shared.state();
        let state = &mut *state;
        let mut picked: Option<Fault> = None;
        for rule in state.faults.iter_mut() {
            if rule.matches(&path, is_token) && rule.fire(&mut state.rng) {
                picked = Some(rule.clone());
                break;
            }
        }
        state.faults.retain(|f| !f.spent());
        (picked, state.log_id())
    };
    let mut record = RequestRecord {
        method: method.clone(),
        path: path.clone(),
        query: query.clone(),
        sequence: body
            .as_ref()
            .and_then(|b| b.get("sequence"))
            .and_then(Value::as_i64),
        uuid: body
            .as_ref()
            .and_then(|b| b.get("uuid"))
            .and_then(Value::as_str)
            .map(str::to_owned),
        status: None,
        code: None,
        fault: fault.as_ref().map(|f| format!("{:?}", f.kind)),
        at: arrived,
    };
    let log = |record: RequestRecord| shared.state().log_request(record);

    if let Some(f) = fault.as_ref().filter(|f| !f.after) {
        match &f.kind {
            FaultKind::Slow(delay) => tokio::time::sleep(*delay).await,
            FaultKind::DropConnection => {
                log(record);
                return Err(Dropped);
            }
            kind => {
                let answer = fault_answer(kind, &shared, &log_id);
                record.status = Some(answer.status);
                record.code = answer.code;
                log(record);
                return Ok(answer.into_response(&log_id));
            }
        }
    }

    if path == ENDPOINT_PATH && method == "POST" {
        let answer = Answer::json(200, super::ws::endpoint(&shared, body.as_ref()));
        record.status = Some(answer.status);
        record.code = answer.code;
        log(record);
        return Ok(answer.into_response(&log_id));
    }

    let now = shared.clock.now();
    let mut answer = {
        let mut state = shared.state();
        let blocked = state
            .rate_blocked_until
            .filter(|until| *until > now && !is_token);
        match blocked {
            Some(until) => {
                let left = (until - now).as_secs_f64().ceil() as u64;
                Answer::rejection(
                    Rejection::rate_limited(left, "request trigger frequency limit"),
                    &log_id,
                )
            }
            None => route(
                &mut state,
                &method,
                &path,
                query.as_deref(),
                auth.as_deref(),
                body.as_ref(),
                now,
                &log_id,
            ),
        }
    };

    if let Some(f) = fault.as_ref().filter(|f| f.after) {
        match &f.kind {
            FaultKind::Slow(delay) => tokio::time::sleep(*delay).await,
            FaultKind::DropConnection => {
                record.code = answer.code;
                log(record);
                return Err(Dropped);
            }
            kind => answer = fault_answer(kind, &shared, &log_id),
        }
    }
    record.status = Some(answer.status);
    record.code = answer.code;
    log(record);
    Ok(answer.into_response(&log_id))
}

fn fault_answer(kind: &FaultKind, shared: &Shared, log_id: &str) -> Answer {
    match kind {
        FaultKind::RateLimit { reset_secs } => {
            let reset = (*reset_secs).max(1);
            let mut state = shared.state();
            state.rate_blocked_until = Some(shared.clock.now() + Duration::from_secs(reset));
            Answer::rejection(
                Rejection::rate_limited(reset, "request trigger frequency limit"),
                log_id,
            )
        }
        FaultKind::ServerError { status } => Answer::text(
            *status,
            "upstream connect error or disconnect/reset before headers",
        ),
        FaultKind::ApiError { status, code, msg } => {
            let mut r = Rejection::new(*code, msg.clone());
            r.status = *status;
            Answer::rejection(r, log_id)
        }
        // Dropping and delaying change how the answer travels, not what it says; `handle`
        // applies them before it asks for an answer.
        FaultKind::DropConnection | FaultKind::Slow(_) => Answer::text(500, "fault"),
    }
}

/// Feishu's "invalid body" code per API area.
fn bad_body(path: &str) -> Rejection {
    if path.starts_with("/open-apis/im/") {
        Rejection::new(230001, "invalid parameter: the body is not valid JSON")
    } else if path.starts_with("/open-apis/interactive/") {
        Rejection::new(100030, "the request body is not valid JSON")
    } else {
        Rejection::new(10002, "the request body is not valid JSON")
    }
}

#[allow(clippy::too_many_arguments)]
fn route(
    state: &mut State,
    method: &str,
    path: &str,
    query: Option<&str>,
    auth: Option<&str>,
    body: Option<&Value>,
    now: Duration,
    log_id: &str,
) -> Answer {
    if path == TOKEN_PATH && method == "POST" {
        let result = body
            .ok_or_else(|| Rejection::new(10003, "the request body is not valid JSON"))
            .and_then(|b| state.issue_token(b, now));
        return match result {
            Ok(full) => Answer::json(200, full),
            Err(r) => Answer::rejection(r, log_id),
        };
    }
    let segments: Vec<&str> = path
        .strip_prefix("/open-apis/")
        .map(|p| p.split('/').collect())
        .unwrap_or_default();
    let known = matches!(
        (method, segments.as_slice()),
        ("POST", ["im", "v1", "messages"])
            | ("POST", ["im", "v1", "messages", _, "reply"])
            | ("PATCH", ["im", "v1", "messages", _])
            | ("POST", ["interactive", "v1", "card", "update"])
            | ("POST", ["cardkit", "v1", "cards"])
            | ("POST", ["cardkit", "v1", "cards", "id_convert"])
            | ("PUT", ["cardkit", "v1", "cards", _])
            | ("PATCH", ["cardkit", "v1", "cards", _, "settings"])
            | ("POST", ["cardkit", "v1", "cards", _, "batch_update"])
            | ("POST", ["cardkit", "v1", "cards", _, "elements"])
            | (
                "PUT" | "PATCH" | "DELETE",
                ["cardkit", "v1", "cards", _, "elements", _]
            )
            | (
                "PUT",
                ["cardkit", "v1", "cards", _, "elements", _, "content"]
            )
    );
    if !known {
        return Answer::text(404, "404 page not found");
    }
    if let Err(r) = state.check_auth(auth, now) {
        return Answer::rejection(r, log_id);
    }
    let empty = json!({});
    let body = match (body, method) {
        (Some(b), _) => b,
        // A DELETE may come without a body; it then lacks its `sequence`.
        (None, "DELETE") => &empty,
        (None, _) => return Answer::rejection(bad_body(path), log_id),
    };
    let result = match (method, segments.as_slice()) {
        ("POST", ["im", "v1", "messages"]) => state.send(query, body, now),
        ("POST", ["im", "v1", "messages", id, "reply"]) => state.reply(id, body, now),
        ("PATCH", ["im", "v1", "messages", id]) => state.patch_message(id, body, now),
        ("POST", ["interactive", "v1", "card", "update"]) => state.delayed_update(body, now),
        ("POST", ["cardkit", "v1", "cards"]) => state.create_card(body, now),
        ("POST", ["cardkit", "v1", "cards", "id_convert"]) => state.id_convert(body, now),
        ("PUT", ["cardkit", "v1", "cards", card_id]) => {
            write(state, card_id, CardOp::Update, method, path, body, now)
        }
        ("PATCH", ["cardkit", "v1", "cards", card_id, "settings"]) => {
            write(state, card_id, CardOp::Settings, method, path, body, now)
        }
        ("POST", ["cardkit", "v1", "cards", card_id, "batch_update"]) => {
            write(state, card_id, CardOp::Batch, method, path, body, now)
        }
        ("POST", ["cardkit", "v1", "cards", card_id, "elements"]) => {
            write(state, card_id, CardOp::Add, method, path, body, now)
        }
        ("PUT", ["cardkit", "v1", "cards", card_id, "elements", id]) => write(
            state,
            card_id,
            CardOp::ReplaceElement(id),
            method,
            path,
            body,
            now,
        ),
        ("PATCH", ["cardkit", "v1", "cards", card_id, "elements", id]) => write(
            state,
            card_id,
            CardOp::PatchElement(id),
            method,
            path,
            body,
            now,
        ),
        ("DELETE", ["cardkit", "v1", "cards", card_id, "elements", id]) => write(
            state,
            card_id,
            CardOp::DeleteElement(id),
            method,
            path,
            body,
            now,
        ),
        ("PUT", ["cardkit", "v1", "cards", card_id, "elements", id, "content"]) => {
            write(state, card_id, CardOp::Content(id), method, path, body, now)
        }
        _ => return Answer::text(404, "404 page not found"),
    };
    match result {
        Ok(data) => Answer::json(200, json!({"code": 0, "msg": "success", "data": data})),
        Err(r) => Answer::rejection(r, log_id),
    }
}

fn write(
    state: &mut State,
    card_id: &str,
    op: CardOp<'_>,
    method: &str,
    path: &str,
    body: &Value,
    now: Duration,
) -> Result<Value, Rejection> {
    // The same uuid may be replayed with a new sequence; anything else that differs is a
    // different operation.
    let mut without_sequence = body.clone();
    if let Some(object) = without_sequence.as_object_mut() {
        object.remove("sequence");
    }
    let fingerprint = format!("{method} {path} {without_sequence}");
    state.cardkit_write(card_id, body, fingerprint, now, |card, streaming| {
        op.apply(body, card, streaming)
    })
}
