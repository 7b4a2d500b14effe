//! The control API under `/_emulator/`: plays the users and shows the messages over HTTP, so
//! that tests written in any language can drive the emulator.
//!
//! Each action builds the [`User`](super::User) the Rust API would and answers with what the
//! [`Interaction`] says; a request the emulator cannot act on gets a 4xx and a JSON
//! `{"error": {"kind", "message"}}`, never a dropped connection.

use std::net::SocketAddr;
use std::sync::Arc;

use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::header::{HeaderValue, ALLOW, CONTENT_TYPE};
use hyper::{Method, Request, Response, StatusCode};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::{json, Map, Value};

use super::server::Shared;
use super::user::Players;
use super::{Emulator, Interaction, Target, UserError};

/// Every control request's path starts with this.
const PREFIX: &str = "/_emulator/";

/// Whether a request to `path` is for the control API.
pub(crate) fn owns(path: &str) -> bool {
    path.starts_with(PREFIX) || path == PREFIX.trim_end_matches('/')
}

/// The largest control request body accepted (1 MiB): a card's form values fit many times.
const MAX_BODY: usize = 1 << 20;

/// The endpoints, for the answer to an unknown path.
const ENDPOINTS: &str = "POST /_emulator/click, POST /_emulator/submit, POST /_emulator/choose, \
     POST /_emulator/tick, POST /_emulator/input, GET /_emulator/messages, \
     POST /_emulator/callback_url, GET /_emulator/connections";

/// Everything of an [`Emulator`] except its server task: the control API builds a handle that
/// does not own the server from it and the server's [`Shared`] (kept apart so that the server
/// does not keep itself alive).
pub(crate) struct Owner {
    players: Arc<Players>,
    addr: SocketAddr,
    speed: f64,
    app_id: String,
    app_secret: String,
}

impl Owner {
    pub(crate) fn of(emulator: &Emulator) -> Self {
        Owner {
            players: emulator.players.clone(),
            addr: emulator.addr,
            speed: emulator.speed,
            app_id: emulator.app_id.clone(),
            app_secret: emulator.app_secret.clone(),
        }
    }

    fn emulator(&self, shared: &Arc<Shared>) -> Emulator {
        Emulator {
            shared: shared.clone(),
            players: self.players.clone(),
            addr: self.addr,
            task: None,
            speed: self.speed,
            app_id: self.app_id.clone(),
            app_secret: self.app_secret.clone(),
        }
    }
}

/// A refused control request.
struct Refusal {
    status: StatusCode,
    kind: &'static str,
    message: String,
    /// The method the path takes, for a 405's `Allow`.
    allow: Option<&'static str>,
}

impl Refusal {
    fn new(status: StatusCode, kind: &'static str, message: impl Into<String>) -> Self {
        Refusal {
            status,
            kind,
            message: message.into(),
            allow: None,
        }
    }

    fn bad_request(message: impl Into<String>) -> Self {
        Refusal::new(StatusCode::BAD_REQUEST, "bad_request", message)
    }
}

impl From<UserError> for Refusal {
    fn from(err: UserError) -> Self {
        let (status, kind) = if matches!(err, UserError::UnknownMessage { .. }) {
            (StatusCode::NOT_FOUND, "unknown_message")
        } else if matches!(err, UserError::NoCallbackUrl) {
            (StatusCode::CONFLICT, "no_callback_url")
        } else {
            (StatusCode::UNPROCESSABLE_ENTITY, "refused")
        };
        Refusal::new(status, kind, err.to_string())
    }
}

fn respond(status: StatusCode, body: &Value) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(body.to_string())));
    *response.status_mut() = status;
    response.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    response
}

fn refuse(refusal: Refusal) -> Response<Full<Bytes>> {
    let body = json!({"error": {"kind": refusal.kind, "message": refusal.message}});
    let mut response = respond(refusal.status, &body);
    if let Some(allow) = refusal.allow {
        response
            .headers_mut()
            .insert(ALLOW, HeaderValue::from_static(allow));
    }
    response
}

/// Answers one control request.
pub(crate) async fn handle(shared: &Arc<Shared>, req: Request<Incoming>) -> Response<Full<Bytes>> {
    match answer(shared, req).await {
        Ok(body) => respond(StatusCode::OK, &body),
        Err(refusal) => refuse(refusal),
    }
}

async fn answer(shared: &Arc<Shared>, req: Request<Incoming>) -> Result<Value, Refusal> {
    let Some(owner) = shared.control.get() else {
        return Err(Refusal::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "starting",
            "the emulator is still starting; try again",
        ));
    };
    let emulator = owner.emulator(shared);
    let path = req.uri().path().to_owned();
    let endpoint = path.strip_prefix(PREFIX).unwrap_or_default();
    let wanted = match endpoint {
        "click" | "submit" | "choose" | "tick" | "input" | "callback_url" => Method::POST,
        "messages" | "connections" => Method::GET,
        _ => {
            return Err(Refusal::new(
                StatusCode::NOT_FOUND,
                "not_found",
                format!("no control endpoint {path}; there are {ENDPOINTS}"),
            ))
        }
    };
    if req.method() != wanted {
        let mut refusal = Refusal::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
            format!("{wanted} {path}, not {}", req.method()),
        );
        refusal.allow = Some(if wanted == Method::GET { "GET" } else { "POST" });
        return Err(refusal);
    }
    if endpoint == "messages" {
        return messages(&emulator, req.uri().query());
    }
    if endpoint == "connections" {
        return connections(&emulator, req.uri().query());
    }
    let body = read_body(req).await?;
    if endpoint == "callback_url" {
        let r: CallbackUrl = parse(&body)?;
        if !(r.url.starts_with("http://") || r.url.starts_with("https://")) {
            return Err(Refusal::bad_request(format!(
                "`url` must be an http:// or https:// URL, not {:?}",
                r.url
            )));
        }
        emulator.set_callback_url(r.url.clone());
        return Ok(json!({"callback_url": r.url}));
    }
    let interaction = match endpoint {
        "click" => {
            let r: Click = parse(&body)?;
            emulator
                .user(&r.user)
                .click(&r.message_id, Target::from(r.button))
                .await
        }
        "submit" => {
            let r: Submit = parse(&body)?;
            let user = emulator.user(&r.user);
            match r.button {
                Some(button) => {
                    user.submit_form_with(&r.message_id, &r.form, button, r.values)
                        .await
                }
                None => user.submit_form(&r.message_id, &r.form, r.values).await,
            }
        }
        "choose" => {
            let r: Choose = parse(&body)?;
            let option =
                match r.value {
                    Value::String(option) => option,
                    Value::Array(_) => return Err(Refusal::new(
                        StatusCode::UNPROCESSABLE_ENTITY,
                        "refused",
                        "a list of values is a multiple choice: multi-selects exist only inside \
                         forms, and Feishu sends their choices with the form; POST \
                         /_emulator/submit with the list in `values`",
                    )),
                    other => {
                        return Err(Refusal::bad_request(format!(
                            "`value` must be the option's value as a string, found {other}"
                        )))
                    }
                };
            emulator
                .user(&r.user)
                .choose(&r.message_id, Target::from(r.component), &option)
                .await
        }
        "tick" => {
            let r: Tick = parse(&body)?;
            emulator
                .user(&r.user)
                .tick(&r.message_id, Target::from(r.checker), r.checked)
                .await
        }
        _ => {
            let r: Input = parse(&body)?;
            emulator
                .user(&r.user)
                .input(&r.message_id, Target::from(r.input), &r.text)
                .await
        }
    }?;
    Ok(outcome(&emulator, &interaction))
}

/// Reads the body, refusing one over [`MAX_BODY`].
async fn read_body(req: Request<Incoming>) -> Result<Bytes, Refusal> {
    super::server::read_limited(req, MAX_BODY)
        .await
        .map_err(|err| match err {
            super::server::BodyError::TooLarge => Refusal::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "too_large",
                format!("a control request body may hold at most {MAX_BODY} bytes"),
            ),
            super::server::BodyError::Broken(err) => {
                Refusal::bad_request(format!("the request body could not be read: {err}"))
            }
        })
}

fn parse<T: DeserializeOwned>(body: &[u8]) -> Result<T, Refusal> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(Refusal::bad_request(
            "the request needs a JSON object body; see the emulator's module docs for its fields",
        ));
    }
    let value: Value = serde_json::from_slice(body)
        .map_err(|err| Refusal::bad_request(format!("the body is not JSON: {err}")))?;
    serde_json::from_value(value)
        .map_err(|err| Refusal::bad_request(format!("the body is not a valid request: {err}")))
}

/// `POST /_emulator/click`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Click {
    user: String,
    message_id: String,
    button: String,
}

/// `POST /_emulator/submit`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Submit {
    user: String,
    message_id: String,
    form: String,
    #[serde(default)]
    values: Value,
    #[serde(default)]
    button: Option<String>,
}

/// `POST /_emulator/choose`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Choose {
    user: String,
    message_id: String,
    component: String,
    value: Value,
}

/// `POST /_emulator/callback_url`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CallbackUrl {
    url: String,
}

/// `POST /_emulator/tick`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Tick {
    user: String,
    message_id: String,
    checker: String,
    checked: bool,
}

/// `POST /_emulator/input`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Input {
    user: String,
    message_id: String,
    input: String,
    text: String,
}

/// The answer to an action: what the user saw, and the card afterwards.
fn outcome(emulator: &Emulator, interaction: &Interaction) -> Value {
    let toast = interaction.toast.as_ref().map(|t| {
        let mut toast = json!({"type": t.kind, "content": t.content});
        if !t.i18n.is_empty() {
            toast["i18n"] = json!(t.i18n);
        }
        toast
    });
    let error = interaction
        .failure
        .as_ref()
        .map(|f| json!({"code": f.code, "message": f.reason}));
    let card = emulator
        .message(&interaction.message_id)
        .map(|m| m.card)
        .unwrap_or(Value::Null);
    json!({
        "delivered": interaction.status.is_some(),
        "status": interaction.status,
        "toast": toast,
        "card": card,
        "card_changed": interaction.card_changed,
        "error": error,
        "event_id": interaction.event_id,
        "answer": interaction.answer,
    })
}

/// `GET /_emulator/messages[?chat_id=oc_…]`.
fn messages(emulator: &Emulator, query: Option<&str>) -> Result<Value, Refusal> {
    let mut chat_id = None;
    let query = query.unwrap_or_default();
    let parsed = reqwest::Url::parse(&format!("http://query/?{query}"))
        .map_err(|err| Refusal::bad_request(format!("the query is not valid: {err}")))?;
    for (name, value) in parsed.query_pairs() {
        match name.as_ref() {
            "chat_id" if chat_id.is_none() => chat_id = Some(value.into_owned()),
            "chat_id" => return Err(Refusal::bad_request("give `chat_id` once")),
            other => {
                return Err(Refusal::bad_request(format!(
                    "unknown query parameter `{other}`: the only one is `chat_id`"
                )))
            }
        }
    }
    let messages = match &chat_id {
        Some(chat_id) => emulator.messages_in_chat(chat_id),
        None => emulator.messages(),
    };
    Ok(Value::Array(
        messages
            .into_iter()
            .map(|m| {
                let mut item = Map::new();
                item.insert("message_id".into(), m.message_id.into());
                item.insert("chat_id".into(), m.chat_id.into());
                item.insert("card".into(), m.card);
                item.insert("card_id".into(), json!(m.card_id));
                item.insert("parent_id".into(), json!(m.parent_id));
                item.insert("updated".into(), m.updated.into());
                Value::Object(item)
            })
            .collect(),
    ))
}

/// `GET /_emulator/connections`: the open long connections.
fn connections(emulator: &Emulator, query: Option<&str>) -> Result<Value, Refusal> {
    if query.is_some_and(|q| !q.is_empty()) {
        return Err(Refusal::bad_request(
            "GET /_emulator/connections takes no query parameters",
        ));
    }
    let millis = |d: std::time::Duration| u64::try_from(d.as_millis()).unwrap_or(u64::MAX);
    Ok(Value::Array(
        emulator
            .long_connections()
            .into_iter()
            .map(|c| {
                json!({
                    "id": c.id,
                    "device_id": c.device_id,
                    "connected_at_ms": millis(c.connected_at),
                    "last_ping_ms": c.last_ping.map(millis),
                    "pings": c.pings,
                    "wrong_service_pings": c.wrong_service_pings,
                })
            })
            .collect(),
    ))
}
