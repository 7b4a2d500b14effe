//! What the emulator remembers, and the rules of every endpoint applied to it.

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;
use std::time::Duration;

use serde_json::{json, Map, Value};
use sha2::Digest as _;

use super::cardjson::{self, Api, Place};
use super::fault::Fault;

/// How many records each log (requests, interactions, long-connection deliveries) keeps by
/// default.
pub const DEFAULT_HISTORY_LIMIT: usize = 10_000;
/// Tenant tokens live 2 hours; asking again with less than 30 minutes left gives a new one.
pub(crate) const TOKEN_LIFETIME: Duration = Duration::from_secs(2 * 3600);
const TOKEN_RENEWAL: Duration = Duration::from_secs(30 * 60);
/// Messages can be patched, and entities used, for 14 days.
pub(crate) const FOURTEEN_DAYS: Duration = Duration::from_secs(14 * 24 * 3600);
/// Streaming mode closes itself 10 minutes after it was turned on.
pub(crate) const STREAMING_LIMIT: Duration = Duration::from_secs(10 * 60);
/// Callback tokens: 30 minutes, 2 uses.
pub(crate) const CALLBACK_TOKEN_LIFETIME: Duration = Duration::from_secs(30 * 60);
pub(crate) const CALLBACK_TOKEN_USES: u32 = 2;
/// `uuid` deduplication window.
const UUID_WINDOW: Duration = Duration::from_secs(3600);
/// CardKit: operations per second per card. PATCH message: per message.
pub(crate) const CARD_OPS_PER_SECOND: usize = 10;
const PATCHES_PER_SECOND: usize = 5;

/// A refusal, as Feishu words it: HTTP status, `code`, `msg`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Rejection {
    /// HTTP status (400 for most business errors, as Feishu does).
    pub status: u16,
    /// Feishu's `code`.
    pub code: i64,
    /// Feishu's `msg`.
    pub msg: String,
    /// Seconds for `x-ogw-ratelimit-reset`, on rate limits.
    pub reset: Option<u64>,
}

impl Rejection {
    pub(crate) fn new(code: i64, msg: impl Into<String>) -> Self {
        Rejection {
            status: 400,
            code,
            msg: msg.into(),
            reset: None,
        }
    }

    /// A card content error in Feishu's format: `ext=ErrCode: …; ErrPath: …; ErrMsg: …`.
    pub(crate) fn card_invalid(code: i64, sub: i64, path: &str, msg: &str) -> Self {
        Rejection::new(
            code,
            format!("Failed to create card content, ext=ErrCode: {sub}; ErrPath: {path}; ErrMsg: {msg}; "),
        )
    }

    pub(crate) fn rate_limited(reset: u64, msg: impl Into<String>) -> Self {
        Rejection {
            status: 429,
            code: 99991400,
            msg: msg.into(),
            reset: Some(reset.max(1)),
        }
    }
}

/// How a message shows its card. Cards are shared, not copied, with whoever reads them (an
/// emulated user finding a button); a change replaces the card or copies it on write.
#[derive(Debug, Clone)]
pub(crate) enum Shown {
    Json(Arc<Value>),
    Entity(String),
}

#[derive(Debug, Clone)]
pub(crate) struct MessageData {
    pub message_id: String,
    pub chat_id: String,
    pub receive_id_type: String,
    pub receive_id: String,
    pub root_id: Option<String>,
    pub parent_id: Option<String>,
    pub thread_id: Option<String>,
    pub shown: Shown,
    pub created_at: Duration,
    pub updated_at: Duration,
    pub updated: bool,
    pub uuid: Option<String>,
}

#[derive(Debug, Clone)]
pub(crate) struct CardData {
    pub json: Arc<Value>,
    pub created_at: Duration,
    pub last_sequence: i64,
    pub streaming_since: Option<Duration>,
    pub timed_out: bool,
    pub sent_in: Option<String>,
}

impl CardData {
    /// Closes streaming mode once its 10 minutes are up.
    fn refresh(&mut self, now: Duration) {
        if cardjson::streaming_mode(&self.json) {
            match self.streaming_since {
                Some(since) if now.saturating_sub(since) >= STREAMING_LIMIT => {
                    cardjson::set_streaming_mode(Arc::make_mut(&mut self.json), false);
                    self.streaming_since = None;
                    self.timed_out = true;
                }
                Some(_) => {}
                None => self.streaming_since = Some(now),
            }
        }
    }
}

#[derive(Debug, Clone)]
struct CallbackData {
    message_id: String,
    issued_at: Duration,
    uses: u32,
}

/// A message as the emulator holds it.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct EmulatedMessage {
    /// `om_…`.
    pub message_id: String,
    /// The chat it is in: the `oc_…` it was sent to, or a per-user chat `oc_p2p_…`.
    pub chat_id: String,
    /// How it was addressed: `chat_id`, `open_id`, … (`reply` for replies).
    pub receive_id_type: String,
    /// Whom it was addressed to (for replies, the parent's).
    pub receive_id: String,
    /// Root of the reply tree.
    pub root_id: Option<String>,
    /// The message replied to.
    pub parent_id: Option<String>,
    /// The thread, for replies in a thread.
    pub thread_id: Option<String>,
    /// The card as users see it now (for entity messages, the entity's current JSON).
    pub card: Value,
    /// The card entity shown, when it was sent as one (or converted with id_convert).
    pub card_id: Option<String>,
    /// The `uuid` it was sent with.
    pub uuid: Option<String>,
    /// Whether it was patched or updated since it was sent.
    pub updated: bool,
    /// When it was sent, on the emulator's clock.
    pub created_at: Duration,
}

/// The streaming state of a card entity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Streaming {
    /// Streaming mode is off (never on, or turned off).
    Off,
    /// Streaming mode is on, since this time on the emulator's clock.
    On {
        /// When it was turned on.
        since: Duration,
    },
    /// Streaming mode closed itself 10 minutes after it was turned on.
    TimedOut,
}

/// A card entity as the emulator holds it.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct EmulatedCard {
    /// The id.
    pub card_id: String,
    /// The current card JSON.
    pub json: Value,
    /// Streaming mode.
    pub streaming: Streaming,
    /// The last accepted `sequence` (0 before the first write).
    pub last_sequence: i64,
    /// The message it was sent in, if any.
    pub sent_in: Option<String>,
    /// When it was created, on the emulator's clock.
    pub created_at: Duration,
}

/// One request the emulator answered (or dropped).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RequestRecord {
    /// `POST`, `PUT`, …
    pub method: String,
    /// The path, without the query.
    pub path: String,
    /// The query string, if any.
    pub query: Option<String>,
    /// The body's `sequence`, for CardKit writes.
    pub sequence: Option<i64>,
    /// The body's `uuid`, if any.
    pub uuid: Option<String>,
    /// The HTTP status answered; `None` when the connection was dropped.
    pub status: Option<u16>,
    /// The `code` answered, when the answer was Feishu JSON.
    pub code: Option<i64>,
    /// The injected fault that shaped the answer, if any.
    pub fault: Option<String>,
    /// When it arrived, on the emulator's clock.
    pub at: Duration,
}

/// Everything the emulator knows.
pub(crate) struct State {
    pub app_id: String,
    pub app_secret: String,
    pub start_unix_ms: u64,
    tokens: HashMap<String, Duration>,
    current_token: Option<String>,
    messages: Vec<MessageData>,
    message_index: HashMap<String, usize>,
    im_uuids: HashMap<String, (String, Duration)>,
    /// How many `im_uuids` the last sweep kept.
    im_uuids_swept_at: usize,
    cards: HashMap<String, CardData>,
    /// Each CardKit `uuid` seen within the window: the SHA-256 of its operation, not the
    /// operation itself, which carries the card's whole text and would make the emulator's
    /// memory grow with every streamed update.
    card_uuids: HashMap<(String, String), ([u8; 32], Duration)>,
    /// How many `card_uuids` the last sweep kept.
    card_uuids_swept_at: usize,
    /// The callback tokens within their 30 minutes (older ones are forgotten now and then;
    /// a token says when it was minted, so a forgotten one is still answered as expired).
    callback_tokens: HashMap<String, CallbackData>,
    /// How many `callback_tokens` the last sweep kept.
    callback_tokens_swept_at: usize,
    /// Seals the minting time in callback tokens.
    token_key: [u8; 32],
    templates: HashMap<String, Vec<(String, Value)>>,
    card_ops: HashMap<String, VecDeque<Duration>>,
    patches: HashMap<String, VecDeque<Duration>>,
    /// The most recent requests, at most `history_limit` of them.
    requests: VecDeque<RequestRecord>,
    /// How many records each of the emulator's logs keeps.
    pub history_limit: usize,
    pub rate_violations: u64,
    pub rate_blocked_until: Option<Duration>,
    pub faults: Vec<Fault>,
    pub rng: fastrand::Rng,
    counter: u64,
}

type Outcome = Result<Value, Rejection>;

fn str_field<'a>(body: &'a Value, key: &str) -> Option<&'a str> {
    body.get(key).and_then(Value::as_str)
}

/// Parses a string field that holds JSON (`content`, `data`, `elements`…).
fn inner_json(body: &Value, key: &str, code: i64, sub: i64) -> Result<Value, Rejection> {
    let Some(text) = str_field(body, key) else {
        return Err(Rejection::new(
            code,
            format!("`{key}` is required and must be a string holding JSON"),
        ));
    };
    serde_json::from_str(text)
        .map_err(|e| Rejection::card_invalid(code, sub, "ROOT", &format!("parse `{key}` err: {e}")))
}

impl State {
    pub(crate) fn new(app_id: String, app_secret: String, start_unix_ms: u64, seed: u64) -> Self {
        let token_key = sha2::Sha256::new()
            .chain_update(b"emulator callback tokens")
            .chain_update(seed.to_le_bytes())
            .chain_update(app_secret.as_bytes())
            .finalize()
            .into();
        State {
            app_id,
            app_secret,
            start_unix_ms,
            tokens: HashMap::new(),
            current_token: None,
            messages: Vec::new(),
            message_index: HashMap::new(),
            im_uuids: HashMap::new(),
            im_uuids_swept_at: 0,
            cards: HashMap::new(),
            card_uuids: HashMap::new(),
            card_uuids_swept_at: 0,
            callback_tokens: HashMap::new(),
            callback_tokens_swept_at: 0,
            token_key,
            templates: HashMap::new(),
            card_ops: HashMap::new(),
            patches: HashMap::new(),
            requests: VecDeque::new(),
            history_limit: DEFAULT_HISTORY_LIMIT,
            rate_violations: 0,
            rate_blocked_until: None,
            faults: Vec::new(),
            rng: fastrand::Rng::with_seed(seed),
            counter: 0,
        }
    }

    /// Records a request, forgetting the oldest beyond `history_limit`.
    pub(crate) fn log_request(&mut self, record: RequestRecord) {
        let _forgotten = push_bounded(&mut self.requests, record, self.history_limit);
    }

    /// The request log, oldest first.
    pub(crate) fn requests(&self) -> Vec<RequestRecord> {
        self.requests.iter().cloned().collect()
    }

    pub(crate) fn clear_requests(&mut self) {
        self.requests.clear();
    }

    fn next(&mut self) -> u64 {
        self.counter += 1;
        self.counter
    }

    pub(crate) fn random_hex(&mut self, len: usize) -> String {
        (0..len)
            .map(|_| char::from_digit(self.rng.u32(0..16), 16).unwrap_or('0'))
            .collect()
    }

    pub(crate) fn log_id(&mut self) -> String {
        let n = self.next();
        format!("2026{:016}", n)
    }

    // ---- auth -------------------------------------------------------------------------------

    pub(crate) fn issue_token(&mut self, body: &Value, now: Duration) -> Outcome {
        let (Some(app_id), Some(secret)) =
            (str_field(body, "app_id"), str_field(body, "app_secret"))
        else {
            return Err(Rejection::new(10003, "app_id and app_secret are required"));
        };
        if app_id != self.app_id {
            return Err(Rejection::new(
                10013,
                "get tenant_access_token fail: unknown app_id",
            ));
        }
        if secret != self.app_secret {
            return Err(Rejection::new(10015, "app secret invalid"));
        }
        if let Some(token) = &self.current_token {
            if let Some(&expires) = self.tokens.get(token) {
                if expires > now + TOKEN_RENEWAL {
                    let left = (expires - now).as_secs();
                    return Ok(
                        json!({"code": 0, "msg": "ok", "tenant_access_token": token, "expire": left}),
                    );
                }
            }
        }
        let token = format!("t-g1{}", self.random_hex(36));
        self.tokens.insert(token.clone(), now + TOKEN_LIFETIME);
        self.current_token = Some(token.clone());
        Ok(
            json!({"code": 0, "msg": "ok", "tenant_access_token": token, "expire": TOKEN_LIFETIME.as_secs()}),
        )
    }

    pub(crate) fn check_auth(&self, header: Option<&str>, now: Duration) -> Result<(), Rejection> {
        let Some(token) = header.and_then(|h| h.strip_prefix("Bearer ")) else {
            return Err(Rejection::new(
                99991661,
                "Missing access token for authorization. Please make a request with token attached.",
            ));
        };
        match self.tokens.get(token.trim()) {
            Some(&expires) if now < expires => Ok(()),
            _ => Err(Rejection::new(99991663, "Invalid access token for authorization. Please make a request with token attached.")),
        }
    }

    pub(crate) fn expire_tokens(&mut self) {
        self.tokens.clear();
        self.current_token = None;
    }

    // ---- IM ---------------------------------------------------------------------------------

    /// Turns IM `content` into what the message shows: raw JSON, a rendered template, or an
    /// entity (which must exist, be fresh and unsent).
    fn resolve_content(
        &mut self,
        content: Value,
        now: Duration,
        sending: bool,
    ) -> Result<Shown, Rejection> {
        match content.get("type").and_then(Value::as_str) {
            Some("template") if content.get("data").is_some() => {
                let card = self.render_template(&content["data"])?;
                Ok(Shown::Json(Arc::new(card)))
            }
            Some("card") if content.get("data").is_some() => {
                let Some(card_id) = content["data"].get("card_id").and_then(Value::as_str) else {
                    return Err(Rejection::card_invalid(
                        230099,
                        11310,
                        "ROOT -> data",
                        "cardid is invalid",
                    ));
                };
                if !sending {
                    return Err(Rejection::new(
                        230001,
                        "a card entity can only be sent, not patched in",
                    ));
                }
                let Some(card) = self.cards.get(card_id) else {
                    return Err(Rejection::card_invalid(
                        230099,
                        11310,
                        "ROOT -> data",
                        "cardid is invalid",
                    ));
                };
                if now.saturating_sub(card.created_at) >= FOURTEEN_DAYS {
                    return Err(Rejection::card_invalid(
                        230099,
                        200750,
                        "ROOT -> data",
                        "card entity expired (14 days)",
                    ));
                }
                if card.sent_in.is_some() {
                    return Err(Rejection::card_invalid(
                        230099,
                        11310,
                        "ROOT -> data",
                        "card entity already sent; an entity can be sent in one message only",
                    ));
                }
                Ok(Shown::Entity(card_id.to_owned()))
            }
            _ => {
                check_im_card(&content)?;
                Ok(Shown::Json(Arc::new(content)))
            }
        }
    }

    pub(crate) fn render_template(&self, data: &Value) -> Result<Value, Rejection> {
        let Some(id) = data.get("template_id").and_then(Value::as_str) else {
            return Err(Rejection::card_invalid(
                230099,
                200380,
                "ROOT -> data",
                "template_id is required",
            ));
        };
        let version = data.get("template_version_name").and_then(Value::as_str);
        let found = self.templates.get(id).and_then(|versions| match version {
            Some(v) => versions.iter().find(|(name, _)| name == v),
            None => versions.last(),
        });
        let Some((_, card)) = found else {
            return Err(Rejection::card_invalid(
                230099,
                200380,
                "ROOT -> data",
                &format!(
                    "template {id} (version {}) not found or not published",
                    version.unwrap_or("latest")
                ),
            ));
        };
        let empty = Map::new();
        let variables = data
            .get("template_variable")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        Ok(cardjson::render(card, variables))
    }

    pub(crate) fn register_template(&mut self, id: &str, version: &str, card: Value) {
        let versions = self.templates.entry(id.to_owned()).or_default();
        versions.retain(|(v, _)| v != version);
        versions.push((version.to_owned(), card));
    }

    fn new_message(&mut self, mut m: MessageData, now: Duration) -> Value {
        let n = self.next();
        m.message_id = format!("om_{n:08x}{}", self.random_hex(24));
        m.created_at = now;
        m.updated_at = now;
        if let Shown::Entity(card_id) = &m.shown {
            if let Some(card) = self.cards.get_mut(card_id) {
                card.sent_in = Some(m.message_id.clone());
            }
        }
        if let Some(uuid) = &m.uuid {
            // Forget the uuids whose window has passed, now and then (when the map has doubled
            // since the last sweep): a forgotten uuid and one past its window answer alike.
            sweep(
                &mut self.im_uuids,
                &mut self.im_uuids_swept_at,
                |_, (_, at)| now.saturating_sub(*at) < UUID_WINDOW,
            );
            self.im_uuids
                .insert(uuid.clone(), (m.message_id.clone(), now));
        }
        let view = self.message_json(&m);
        self.message_index
            .insert(m.message_id.clone(), self.messages.len());
        self.messages.push(m);
        view
    }

    fn dedupe_im(&self, body: &Value, now: Duration) -> Result<Option<Value>, Rejection> {
        let Some(uuid) = str_field(body, "uuid") else {
            return Ok(None);
        };
        if uuid.chars().count() > 50 {
            return Err(Rejection::new(
                230001,
                "invalid parameter: uuid is longer than 50 characters",
            ));
        }
        Ok(self
            .im_uuids
            .get(uuid)
            .filter(|(_, at)| now.saturating_sub(*at) < UUID_WINDOW)
            .and_then(|(id, _)| self.message_index.get(id))
            .map(|&i| self.message_json(&self.messages[i])))
    }

    fn interactive_content(
        &mut self,
        body: &Value,
        now: Duration,
        sending: bool,
    ) -> Result<Shown, Rejection> {
        if sending && str_field(body, "msg_type") != Some("interactive") {
            return Err(Rejection::new(
                230001,
                "invalid parameter: the emulator handles msg_type \"interactive\" only",
            ));
        }
        let content = inner_json(body, "content", 230099, 200621)?;
        self.resolve_content(content, now, sending)
    }

    pub(crate) fn send(&mut self, query: Option<&str>, body: &Value, now: Duration) -> Outcome {
        let id_type = query
            .into_iter()
            .flat_map(|q| q.split('&'))
            .find_map(|kv| kv.strip_prefix("receive_id_type="))
            .unwrap_or("");
        let prefix = match id_type {
            "chat_id" => Some("oc_"),
            "open_id" => Some("ou_"),
            "union_id" => Some("on_"),
            "user_id" | "email" => None,
            _ => {
                return Err(Rejection::new(
                    230001,
                    format!("invalid parameter: receive_id_type {id_type:?}; use open_id, union_id, user_id, email or chat_id"),
                ))
            }
        };
        let receive_id = str_field(body, "receive_id").unwrap_or("");
        let well_formed = !receive_id.is_empty()
            && prefix.is_none_or(|p| receive_id.starts_with(p))
            && (id_type != "email" || receive_id.contains('@'));
        if !well_formed {
            return Err(Rejection::new(
                230034,
                format!("invalid receive_id {receive_id:?} for receive_id_type {id_type}"),
            ));
        }
        if let Some(existing) = self.dedupe_im(body, now)? {
            return Ok(existing);
        }
        let shown = self.interactive_content(body, now, true)?;
        let chat_id = if id_type == "chat_id" {
            receive_id.to_owned()
        } else {
            let safe: String = receive_id
                .chars()
                .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
                .collect();
            format!("oc_p2p_{safe}")
        };
        Ok(self.new_message(
            MessageData {
                message_id: String::new(),
                chat_id,
                receive_id_type: id_type.to_owned(),
                receive_id: receive_id.to_owned(),
                root_id: None,
                parent_id: None,
                thread_id: None,
                shown,
                created_at: now,
                updated_at: now,
                updated: false,
                uuid: str_field(body, "uuid").map(str::to_owned),
            },
            now,
        ))
    }

    pub(crate) fn reply(&mut self, parent_id: &str, body: &Value, now: Duration) -> Outcome {
        let Some(&pi) = self.message_index.get(parent_id) else {
            return Err(Rejection::new(
                230001,
                format!("invalid parameter: message {parent_id} not found"),
            ));
        };
        if let Some(existing) = self.dedupe_im(body, now)? {
            return Ok(existing);
        }
        let shown = self.interactive_content(body, now, true)?;
        let parent = self.messages[pi].clone();
        let in_thread = body
            .get("reply_in_thread")
            .and_then(Value::as_bool)
            .unwrap_or(false)
            || parent.thread_id.is_some();
        let thread_id = if in_thread {
            Some(
                parent
                    .thread_id
                    .clone()
                    .unwrap_or_else(|| format!("omt_{}", &parent.message_id[3..])),
            )
        } else {
            None
        };
        Ok(self.new_message(
            MessageData {
                message_id: String::new(),
                chat_id: parent.chat_id.clone(),
                receive_id_type: "reply".into(),
                receive_id: parent.receive_id.clone(),
                root_id: Some(parent.root_id.clone().unwrap_or(parent.message_id.clone())),
                parent_id: Some(parent.message_id.clone()),
                thread_id,
                shown,
                created_at: now,
                updated_at: now,
                updated: false,
                uuid: str_field(body, "uuid").map(str::to_owned),
            },
            now,
        ))
    }

    /// The card a message shows (`Null` for an entity that is gone), borrowed.
    fn shown_json<'s>(&'s self, shown: &'s Shown) -> &'s Value {
        match shown {
            Shown::Json(v) => v,
            Shown::Entity(id) => self.cards.get(id).map_or(&Value::Null, |c| &*c.json),
        }
    }

    pub(crate) fn patch_message(
        &mut self,
        message_id: &str,
        body: &Value,
        now: Duration,
    ) -> Outcome {
        let Some(&i) = self.message_index.get(message_id) else {
            return Err(Rejection::new(
                230001,
                format!("invalid parameter: message {message_id} not found"),
            ));
        };
        if now.saturating_sub(self.messages[i].created_at) >= FOURTEEN_DAYS {
            return Err(Rejection::new(
                230031,
                "the message was sent more than 14 days ago and can no longer be updated",
            ));
        }
        let window = self.patches.entry(message_id.to_owned()).or_default();
        while window
            .front()
            .is_some_and(|t| now.saturating_sub(*t) >= Duration::from_secs(1))
        {
            window.pop_front();
        }
        if window.len() >= PATCHES_PER_SECOND {
            return Err(Rejection::new(
                230020,
                "frequency limit triggered: 5 updates per second per message",
            ));
        }
        window.push_back(now);
        let Shown::Json(new) = self.interactive_content(body, now, false)? else {
            return Err(Rejection::new(230001, "invalid parameter: content"));
        };
        let old = self.shown_json(&self.messages[i].shown);
        if !cardjson::is_shared(old) || !cardjson::is_shared(&new) {
            return Err(Rejection::card_invalid(
                230099,
                300302,
                "ROOT -> config -> update_multi",
                "only shared cards (config.update_multi true, before and after) can be updated",
            ));
        }
        if cardjson::is_v2(old) && !cardjson::is_v2(&new) {
            return Err(Rejection::card_invalid(
                230099,
                200830,
                "ROOT -> schema",
                "a 2.0 card cannot be updated to 1.0",
            ));
        }
        let m = &mut self.messages[i];
        m.shown = Shown::Json(new);
        m.updated = true;
        m.updated_at = now;
        Ok(json!({}))
    }

    fn message_json(&self, m: &MessageData) -> Value {
        let content = match &m.shown {
            Shown::Json(card) => card.to_string(),
            Shown::Entity(id) => json!({"type": "card", "data": {"card_id": id}}).to_string(),
        };
        let ms = |d: Duration| {
            let since_start = u64::try_from(d.as_millis()).unwrap_or(u64::MAX);
            self.start_unix_ms.saturating_add(since_start).to_string()
        };
        let mut v = json!({
            "message_id": m.message_id,
            "msg_type": "interactive",
            "create_time": ms(m.created_at),
            "update_time": ms(m.updated_at),
            "deleted": false,
            "updated": m.updated,
            "chat_id": m.chat_id,
            "sender": {"id": self.app_id, "id_type": "app_id", "sender_type": "app", "tenant_key": "emulator"},
            "body": {"content": content},
        });
        for (key, value) in [
            ("root_id", &m.root_id),
            ("parent_id", &m.parent_id),
            ("thread_id", &m.thread_id),
        ] {
            if let (Some(value), Some(object)) = (value, v.as_object_mut()) {
                object.insert(key.into(), Value::String(value.clone()));
            }
        }
        v
    }

    pub(crate) fn emulated_message(&self, m: &MessageData) -> EmulatedMessage {
        EmulatedMessage {
            message_id: m.message_id.clone(),
            chat_id: m.chat_id.clone(),
            receive_id_type: m.receive_id_type.clone(),
            receive_id: m.receive_id.clone(),
            root_id: m.root_id.clone(),
            parent_id: m.parent_id.clone(),
            thread_id: m.thread_id.clone(),
            card: self.shown_json(&m.shown).clone(),
            card_id: match &m.shown {
                Shown::Entity(id) => Some(id.clone()),
                Shown::Json(_) => None,
            },
            uuid: m.uuid.clone(),
            updated: m.updated,
            created_at: m.created_at,
        }
    }

    pub(crate) fn messages(&self) -> impl Iterator<Item = EmulatedMessage> + '_ {
        self.messages.iter().map(|m| self.emulated_message(m))
    }

    pub(crate) fn message(&self, id: &str) -> Option<EmulatedMessage> {
        self.message_index
            .get(id)
            .map(|&i| self.emulated_message(&self.messages[i]))
    }

    /// The chat a message is in.
    pub(crate) fn chat_id(&self, message_id: &str) -> Option<&str> {
        self.message_index
            .get(message_id)
            .map(|&i| self.messages[i].chat_id.as_str())
    }

    /// The card users see on a message, shared rather than copied, and whether it is a card
    /// entity in streaming mode (whose components Feishu disables).
    pub(crate) fn card_for_user(
        &mut self,
        message_id: &str,
        now: Duration,
    ) -> Option<(Arc<Value>, bool)> {
        let &i = self.message_index.get(message_id)?;
        Some(match &self.messages[i].shown {
            Shown::Json(card) => (card.clone(), false),
            Shown::Entity(card_id) => match self.cards.get_mut(card_id) {
                Some(card) => {
                    card.refresh(now);
                    let streaming =
                        card.streaming_since.is_some() && cardjson::streaming_mode(&card.json);
                    (card.json.clone(), streaming)
                }
                None => (Arc::new(Value::Null), false),
            },
        })
    }

    // ---- delayed update ---------------------------------------------------------------------

    pub(crate) fn mint_callback_token(
        &mut self,
        message_id: &str,
        now: Duration,
    ) -> Option<String> {
        self.message_index.get(message_id)?;
        sweep(
            &mut self.callback_tokens,
            &mut self.callback_tokens_swept_at,
            |_, d| now.saturating_sub(d.issued_at) < CALLBACK_TOKEN_LIFETIME,
        );
        let mut token = self.seal_token(now);
        while self.callback_tokens.contains_key(&token) {
            token = self.seal_token(now);
        }
        self.callback_tokens.insert(
            token.clone(),
            CallbackData {
                message_id: message_id.to_owned(),
                issued_at: now,
                uses: 0,
            },
        );
        Some(token)
    }

    /// A new callback token, `c-` and 32 hexadecimal digits: the minting time (milliseconds
    /// on the emulator's clock, 6 bytes), 4 random bytes, and 6 bytes sealing both with the
    /// emulator's key.
    fn seal_token(&mut self, now: Duration) -> String {
        let ms = u64::try_from(now.as_millis())
            .unwrap_or(u64::MAX)
            .min((1 << 48) - 1);
        let mut bytes = [0u8; 16];
        bytes[..6].copy_from_slice(&ms.to_be_bytes()[2..]);
        bytes[6..10].copy_from_slice(&self.rng.u32(..).to_be_bytes());
        let seal = self.token_seal(&bytes[..10]);
        bytes[10..].copy_from_slice(&seal);
        let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        format!("c-{hex}")
    }

    fn token_seal(&self, minted: &[u8]) -> [u8; 6] {
        let digest = sha2::Sha256::new()
            .chain_update(self.token_key)
            .chain_update(minted)
            .finalize();
        let mut seal = [0u8; 6];
        seal.copy_from_slice(&digest[..6]);
        seal
    }

    /// When a callback token this emulator minted was minted; `None` for any other string.
    fn token_minted_at(&self, token: &str) -> Option<Duration> {
        let hex = token.strip_prefix("c-")?;
        if hex.len() != 32 || !hex.is_ascii() {
            return None;
        }
        let mut bytes = [0u8; 16];
        for (i, byte) in bytes.iter_mut().enumerate() {
            *byte = u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).ok()?;
        }
        if self.token_seal(&bytes[..10]) != bytes[10..] {
            return None;
        }
        let mut ms = [0u8; 8];
        ms[2..].copy_from_slice(&bytes[..6]);
        Some(Duration::from_millis(u64::from_be_bytes(ms)))
    }

    pub(crate) fn delayed_update(&mut self, body: &Value, now: Duration) -> Outcome {
        let token = str_field(body, "token").unwrap_or("");
        if !token.starts_with("c-") {
            return Err(Rejection::new(
                300020,
                "invalid token format: use the c- token of the callback",
            ));
        }
        let Some(data) = self.callback_tokens.get(token).cloned() else {
            // A token forgotten after its 30 minutes is expired, not unknown.
            let expired = self
                .token_minted_at(token)
                .is_some_and(|at| now.saturating_sub(at) >= CALLBACK_TOKEN_LIFETIME);
            if expired {
                return Err(Rejection::new(
                    300030,
                    "token expired (valid for 30 minutes)",
                ));
            }
            return Err(Rejection::new(300020, "invalid token"));
        };
        if now.saturating_sub(data.issued_at) >= CALLBACK_TOKEN_LIFETIME {
            return Err(Rejection::new(
                300030,
                "token expired (valid for 30 minutes)",
            ));
        }
        if data.uses >= CALLBACK_TOKEN_USES {
            return Err(Rejection::new(
                300040,
                "token used too many times (2 updates per token)",
            ));
        }
        let Some(mut card) = body.get("card").cloned().filter(Value::is_object) else {
            return Err(Rejection::new(10002, "`card` must be a card object"));
        };
        let open_ids = card.as_object_mut().and_then(|o| o.remove("open_ids"));
        if card.get("type").and_then(Value::as_str) == Some("template") {
            card = self
                .render_template(&card["data"])
                .map_err(|r| Rejection::new(11311, r.msg))?;
        }
        self.apply_callback_card(&data.message_id, card, open_ids.is_some())?;
        if let Some(d) = self.callback_tokens.get_mut(token) {
            d.uses += 1;
        }
        if let Some(&i) = self.message_index.get(&data.message_id) {
            self.messages[i].updated_at = now;
        }
        Ok(json!({}))
    }

    /// Replaces a message's card the way a callback answer or a delayed update does; `true`
    /// when the new card differs from the one it replaced.
    pub(crate) fn apply_callback_card(
        &mut self,
        message_id: &str,
        card: Value,
        has_open_ids: bool,
    ) -> Result<bool, Rejection> {
        let Some(&i) = self.message_index.get(message_id) else {
            return Err(Rejection::new(
                200000,
                "the message was recalled or does not exist",
            ));
        };
        let diagnostics = card_core::validate::validate_value(&card);
        // Feishu judges the size before what the new card may replace.
        if let Some(too_big) = cardjson::coded_refusal(&diagnostics, Api::CallbackCard) {
            return Err(too_big);
        }
        let old = self.shown_json(&self.messages[i].shown);
        if cardjson::is_v2(old) && !cardjson::is_v2(&card) {
            return Err(Rejection::new(
                200830,
                "a 2.0 card cannot be replaced by a 1.0 card",
            ));
        }
        if !cardjson::is_v2(&card) && !cardjson::is_shared(&card) && !has_open_ids {
            return Err(Rejection::new(
                300090,
                "a non-shared 1.0 card needs open_ids",
            ));
        }
        cardjson::refusal(&diagnostics, Api::CallbackCard)?;
        let message = &mut self.messages[i];
        let changed = match &mut message.shown {
            Shown::Entity(card_id) => match self.cards.get_mut(card_id.as_str()) {
                Some(entity) => {
                    let changed = *entity.json != card;
                    entity.json = Arc::new(card);
                    changed
                }
                // The message shows nothing, before as after.
                None => false,
            },
            Shown::Json(shown) => {
                let changed = **shown != card;
                *shown = Arc::new(card);
                changed
            }
        };
        message.updated = true;
        Ok(changed)
    }

    // ---- CardKit ----------------------------------------------------------------------------

    fn new_card_id(&mut self) -> String {
        let n = self.next();
        format!("{}", 7_355_372_766_134_000_000u64 + n * 7919)
    }

    pub(crate) fn create_card(&mut self, body: &Value, now: Duration) -> Outcome {
        let card = match str_field(body, "type") {
            Some("card_json") => {
                if str_field(body, "data").is_some_and(str::is_empty) {
                    return Err(Rejection::new(300307, "card DSL is empty"));
                }
                inner_json(body, "data", 200220, 200621)?
            }
            Some("template") => {
                let data = inner_json(body, "data", 200220, 200621)?;
                self.render_template(&data)
                    .map_err(|r| Rejection::new(200220, r.msg))?
            }
            _ => {
                return Err(Rejection::new(
                    10002,
                    "`type` must be card_json or template",
                ))
            }
        };
        check_cardkit_card(&card)?;
        let card_id = self.new_card_id();
        let streaming_since = cardjson::streaming_mode(&card).then_some(now);
        self.cards.insert(
            card_id.clone(),
            CardData {
                json: Arc::new(card),
                created_at: now,
                last_sequence: 0,
                streaming_since,
                timed_out: false,
                sent_in: None,
            },
        );
        Ok(json!({ "card_id": card_id }))
    }

    pub(crate) fn id_convert(&mut self, body: &Value, now: Duration) -> Outcome {
        let message_id = str_field(body, "message_id").unwrap_or("");
        let Some(&i) = self.message_index.get(message_id) else {
            return Err(Rejection::new(
                10002,
                format!("message {message_id:?} not found"),
            ));
        };
        let json = match &self.messages[i].shown {
            Shown::Entity(card_id) => return Ok(json!({ "card_id": card_id })),
            Shown::Json(json) => json.clone(),
        };
        if !cardjson::is_v2(&json) {
            return Err(Rejection::new(
                300303,
                "only schema 2.0 cards can become card entities",
            ));
        }
        let card_id = self.new_card_id();
        let streaming_since = cardjson::streaming_mode(&json).then_some(now);
        self.cards.insert(
            card_id.clone(),
            CardData {
                json,
                created_at: now,
                last_sequence: 0,
                streaming_since,
                timed_out: false,
                sent_in: Some(message_id.to_owned()),
            },
        );
        self.messages[i].shown = Shown::Entity(card_id.clone());
        Ok(json!({ "card_id": card_id }))
    }

    /// The common path of every CardKit write: entity, rate, uuid, sequence, then `op` on a
    /// copy of the card, then the card-wide checks, then commit.
    pub(crate) fn cardkit_write(
        &mut self,
        card_id: &str,
        body: &Value,
        fingerprint: String,
        now: Duration,
        op: impl FnOnce(&mut Value, Streaming) -> Result<(), Rejection>,
    ) -> Outcome {
        let sequence = match body.get("sequence") {
            Some(Value::Number(n)) => n.as_i64().unwrap_or(0),
            _ => {
                return Err(Rejection::new(
                    10002,
                    "`sequence` is required (an integer from 1)",
                ))
            }
        };
        let fingerprint: [u8; 32] = sha2::Sha256::digest(fingerprint.as_bytes()).into();
        let uuid = str_field(body, "uuid");
        if uuid.is_some_and(|u| u.is_empty() || u.chars().count() > 64) {
            return Err(Rejection::new(10002, "`uuid` must be 1 to 64 characters"));
        }
        let Some(card) = self.cards.get_mut(card_id) else {
            return Err(Rejection::new(200740, format!("card {card_id} not found")));
        };
        if now.saturating_sub(card.created_at) >= FOURTEEN_DAYS {
            return Err(Rejection::new(
                200750,
                "card entity expired (14 days after creation)",
            ));
        }
        let window = self.card_ops.entry(card_id.to_owned()).or_default();
        while window
            .front()
            .is_some_and(|t| now.saturating_sub(*t) >= Duration::from_secs(1))
        {
            window.pop_front();
        }
        if window.len() >= CARD_OPS_PER_SECOND {
            self.rate_violations += 1;
            return Err(Rejection::rate_limited(
                1,
                format!("request trigger frequency limit: card {card_id} allows 10 operations per second"),
            ));
        }
        window.push_back(now);
        if let Some(uuid) = uuid {
            let key = (card_id.to_owned(), uuid.to_owned());
            if let Some((seen, at)) = self.card_uuids.get(&key) {
                if now.saturating_sub(*at) < UUID_WINDOW {
                    if *seen != fingerprint {
                        return Err(Rejection::new(
                            200770,
                            "UUID conflict: this uuid was used for another operation",
                        ));
                    }
                    card.last_sequence = card.last_sequence.max(sequence);
                    return Ok(json!({}));
                }
            }
        }
        if sequence <= card.last_sequence || sequence > i64::from(i32::MAX) {
            return Err(Rejection::new(
                300317,
                format!(
                    "sequence number compare failed: {sequence} is not greater than {}",
                    card.last_sequence
                ),
            ));
        }
        card.last_sequence = sequence;
        card.refresh(now);
        let streaming = if cardjson::streaming_mode(&card.json) {
            Streaming::On {
                since: card.streaming_since.unwrap_or(now),
            }
        } else if card.timed_out {
            Streaming::TimedOut
        } else {
            Streaming::Off
        };
        let mut json = Value::clone(&card.json);
        op(&mut json, streaming)?;
        check_cardkit_card(&json)?;
        let was_streaming = cardjson::streaming_mode(&card.json);
        let streaming_now = cardjson::streaming_mode(&json);
        if streaming_now && !was_streaming {
            card.streaming_since = Some(now);
            card.timed_out = false;
        } else if !streaming_now {
            card.streaming_since = None;
        }
        card.json = Arc::new(json);
        let shown_in = card.sent_in.clone();
        if let Some(uuid) = uuid {
            // Forget the uuids whose window has passed, now and then (when the map has doubled
            // since the last sweep), so that a long run keeps at most an hour of them.
            sweep(
                &mut self.card_uuids,
                &mut self.card_uuids_swept_at,
                |_, (_, at)| now.saturating_sub(*at) < UUID_WINDOW,
            );
            self.card_uuids
                .insert((card_id.to_owned(), uuid.to_owned()), (fingerprint, now));
        }
        if let Some(&i) = shown_in.as_ref().and_then(|m| self.message_index.get(m)) {
            self.messages[i].updated_at = now;
        }
        Ok(json!({}))
    }

    pub(crate) fn card(&mut self, card_id: &str, now: Duration) -> Option<EmulatedCard> {
        let card = self.cards.get_mut(card_id)?;
        card.refresh(now);
        let streaming = match card.streaming_since {
            Some(since) if cardjson::streaming_mode(&card.json) => Streaming::On { since },
            _ if card.timed_out => Streaming::TimedOut,
            _ => Streaming::Off,
        };
        Some(EmulatedCard {
            card_id: card_id.to_owned(),
            json: Value::clone(&card.json),
            streaming,
            last_sequence: card.last_sequence,
            sent_in: card.sent_in.clone(),
            created_at: card.created_at,
        })
    }
}

/// Keeps only the entries of `map` that `keep` accepts, now and then: when the map has doubled
/// since the last sweep (`swept_at`, its size then) and holds at least 2048 entries, so that
/// sweeping costs, spread over the insertions, a constant amount each.
fn sweep<K, V>(
    map: &mut HashMap<K, V>,
    swept_at: &mut usize,
    keep: impl FnMut(&K, &mut V) -> bool,
) {
    if map.len() >= (*swept_at).max(1024) * 2 {
        map.retain(keep);
        *swept_at = map.len();
    }
}

/// Adds `record` to a log that keeps the most recent `limit` records; gives back the record
/// that left (the oldest, or `record` itself with a limit of 0), for the caller to drop once
/// it has released its lock.
#[must_use = "the record that left the log"]
pub(crate) fn push_bounded<T>(log: &mut VecDeque<T>, record: T, limit: usize) -> Option<T> {
    if limit == 0 {
        return Some(record);
    }
    let forgotten = if log.len() >= limit {
        log.pop_front()
    } else {
        None
    };
    log.push_back(record);
    forgotten
}

/// Limits on card JSON sent as an IM message.
fn check_im_card(card: &Value) -> Result<(), Rejection> {
    if !card.is_object() {
        return Err(Rejection::card_invalid(
            230099,
            200621,
            "ROOT",
            "the card must be a JSON object",
        ));
    }
    cardjson::refusal(&card_core::validate::validate_value(card), Api::Message)
}

/// Limits on a card entity's JSON, checked after every change.
fn check_cardkit_card(card: &Value) -> Result<(), Rejection> {
    if !card.is_object() {
        return Err(Rejection::card_invalid(
            200220,
            200621,
            "ROOT",
            "the card must be a JSON object",
        ));
    }
    if card.as_object().is_some_and(Map::is_empty) {
        return Err(Rejection::new(300307, "card DSL is empty"));
    }
    if !cardjson::is_v2(card) {
        return Err(Rejection::new(
            300303,
            "card entities accept schema 2.0 only (\"schema\": \"2.0\")",
        ));
    }
    if !cardjson::is_shared(card) {
        return Err(Rejection::new(
            300302,
            "config.update_multi must be true for card entities",
        ));
    }
    cardjson::refusal(&card_core::validate::validate_value(card), Api::Entity)
}

/// The CardKit writes that take a card id, as the server dispatches them.
pub(crate) enum CardOp<'a> {
    Update,
    Settings,
    Batch,
    Add,
    ReplaceElement(&'a str),
    PatchElement(&'a str),
    DeleteElement(&'a str),
    Content(&'a str),
}

impl CardOp<'_> {
    /// Applies this operation's body to `card`.
    pub(crate) fn apply(
        &self,
        body: &Value,
        card: &mut Value,
        streaming: Streaming,
    ) -> Result<(), Rejection> {
        match self {
            CardOp::Update => {
                let spec = body
                    .get("card")
                    .ok_or_else(|| Rejection::new(10002, "`card` is required"))?;
                if spec.get("type").and_then(Value::as_str) != Some("card_json") {
                    return Err(Rejection::new(10002, "`card.type` must be card_json"));
                }
                if str_field(spec, "data").is_some_and(str::is_empty) {
                    return Err(Rejection::new(300307, "card DSL is empty"));
                }
                *card = inner_json(spec, "data", 200220, 200621)?;
                Ok(())
            }
            CardOp::Settings => {
                let settings = inner_json(body, "settings", 200220, 200621)?;
                cardjson::apply_settings(card, settings)
            }
            CardOp::Batch => {
                let actions = inner_json(body, "actions", 200220, 200621)?;
                let Value::Array(actions) = actions else {
                    return Err(Rejection::new(10002, "`actions` must be a JSON array"));
                };
                for action in actions {
                    apply_action(card, action)?;
                }
                Ok(())
            }
            CardOp::Add => {
                let elements = inner_json(body, "elements", 200220, 200621)?;
                let Value::Array(elements) = elements else {
                    return Err(Rejection::new(10002, "`elements` must be a JSON array"));
                };
                let place = place(
                    str_field(body, "type"),
                    str_field(body, "target_element_id"),
                )?;
                cardjson::add(card, place, elements)
            }
            CardOp::ReplaceElement(id) => {
                let element = inner_json(body, "element", 200220, 200621)?;
                cardjson::replace(card, id, element)
            }
            CardOp::PatchElement(id) => {
                let partial = inner_json(body, "partial_element", 200220, 200621)?;
                cardjson::merge(card, id, partial)
            }
            CardOp::DeleteElement(id) => cardjson::delete(card, id),
            CardOp::Content(id) => {
                let Some(content) = str_field(body, "content") else {
                    return Err(Rejection::new(10002, "`content` is required"));
                };
                if content.is_empty() || content.chars().count() > 100_000 {
                    return Err(Rejection::new(
                        10002,
                        "`content` must be 1 to 100,000 characters",
                    ));
                }
                match streaming {
                    Streaming::On { .. } => cardjson::set_text(card, id, content),
                    Streaming::TimedOut => Err(Rejection::new(
                        200850,
                        "card streaming timeout: streaming mode closed 10 minutes after it was turned on",
                    )),
                    Streaming::Off => Err(Rejection::new(300309, "streaming mode is closed; turn it on with the settings API")),
                }
            }
        }
    }
}

fn place<'a>(kind: Option<&str>, target: Option<&'a str>) -> Result<Place<'a>, Rejection> {
    let target = target.filter(|t| !t.is_empty());
    match (kind, target) {
        (Some("append"), t) => Ok(Place::Append(t)),
        (Some("insert_before"), Some(t)) => Ok(Place::Before(t)),
        (Some("insert_after"), Some(t)) => Ok(Place::After(t)),
        (Some("insert_before" | "insert_after"), None) => Err(Rejection::new(
            10002,
            "`target_element_id` is required for insert_before and insert_after",
        )),
        _ => Err(Rejection::new(
            10002,
            "`type` must be append, insert_before or insert_after",
        )),
    }
}

fn apply_action(card: &mut Value, action: Value) -> Result<(), Rejection> {
    let name = action.get("action").and_then(Value::as_str).unwrap_or("");
    let params = action.get("params").cloned().unwrap_or(Value::Null);
    let text = |key: &str| params.get(key).and_then(Value::as_str).map(str::to_owned);
    match name {
        "partial_update_setting" => {
            let settings = params.get("settings").cloned().unwrap_or(Value::Null);
            cardjson::apply_settings(card, settings)
        }
        "add_elements" => {
            let Some(Value::Array(elements)) = params.get("elements").cloned() else {
                return Err(Rejection::new(
                    10002,
                    "add_elements needs an `elements` array",
                ));
            };
            let kind = text("type");
            let target = text("target_element_id");
            let place = place(kind.as_deref(), target.as_deref())?;
            cardjson::add(card, place, elements)
        }
        "delete_elements" => {
            let ids = params
                .get("element_ids")
                .and_then(Value::as_array)
                .ok_or_else(|| Rejection::new(10002, "delete_elements needs `element_ids`"))?;
            for id in ids {
                cardjson::delete(card, id.as_str().unwrap_or(""))?;
            }
            Ok(())
        }
        "partial_update_element" => {
            let id = text("element_id").unwrap_or_default();
            let partial = params
                .get("partial_element")
                .cloned()
                .unwrap_or(Value::Null);
            cardjson::merge(card, &id, partial)
        }
        "update_element" => {
            let id = text("element_id").unwrap_or_default();
            let element = params.get("element").cloned().unwrap_or(Value::Null);
            cardjson::replace(card, &id, element)
        }
        other => Err(Rejection::new(
            10002,
            format!("unknown batch action {other:?}"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn card(text: &str) -> Value {
        json!({"schema": "2.0", "config": {"update_multi": true},
               "body": {"elements": [{"tag": "markdown", "content": text}]}})
    }

    fn state_with_message() -> (State, String) {
        let mut state = State::new("cli_a".into(), "secret".into(), 0, 7);
        let sent = state
            .send(
                Some("receive_id_type=chat_id"),
                &json!({"receive_id": "oc_1", "msg_type": "interactive",
                        "content": card("a").to_string()}),
                Duration::ZERO,
            )
            .expect("sent");
        let id = sent["message_id"].as_str().expect("id").to_owned();
        (state, id)
    }

    fn update(state: &mut State, token: &str, now: Duration) -> i64 {
        match state.delayed_update(&json!({"token": token, "card": card("b")}), now) {
            Ok(_) => 0,
            Err(rejection) => rejection.code,
        }
    }

    #[test]
    fn callback_tokens_past_their_30_minutes_are_forgotten_yet_answered_as_expired() {
        let (mut state, message_id) = state_with_message();
        let old: Vec<String> = (0..2048)
            .map(|_| {
                state
                    .mint_callback_token(&message_id, Duration::ZERO)
                    .expect("token")
            })
            .collect();
        let later = CALLBACK_TOKEN_LIFETIME + Duration::from_secs(1);
        let fresh = state
            .mint_callback_token(&message_id, later)
            .expect("token");
        assert_eq!(state.callback_tokens.len(), 1, "the expired ones are swept");

        assert_eq!(update(&mut state, &old[0], later), 300030);
        assert_eq!(update(&mut state, &old[2047], later), 300030);
        // Another string of the same shape was never minted here.
        let forged = format!("c-{}", "0".repeat(32));
        assert_eq!(update(&mut state, &forged, later), 300020);
        let mut tampered = fresh.clone().into_bytes();
        tampered[2] = if tampered[2] == b'0' { b'1' } else { b'0' };
        let tampered = String::from_utf8(tampered).expect("ASCII");
        assert_eq!(update(&mut state, &tampered, later), 300020);

        assert_eq!(update(&mut state, &fresh, later), 0);
        assert_eq!(update(&mut state, &fresh, later), 0);
        assert_eq!(update(&mut state, &fresh, later), 300040);
    }

    #[test]
    fn callback_tokens_are_c_and_32_hex_digits_and_differ() {
        let (mut state, message_id) = state_with_message();
        let a = state.mint_callback_token(&message_id, Duration::ZERO);
        let b = state.mint_callback_token(&message_id, Duration::ZERO);
        for token in [&a, &b] {
            let hex = token.as_deref().and_then(|t| t.strip_prefix("c-"));
            assert!(
                hex.is_some_and(|h| h.len() == 32 && h.bytes().all(|c| c.is_ascii_hexdigit())),
                "{token:?}"
            );
        }
        assert_ne!(a, b);
        assert_eq!(
            state.mint_callback_token("om_unknown", Duration::ZERO),
            None
        );
    }

    #[test]
    fn a_callback_card_reports_whether_it_changed_the_card() {
        let (mut state, message_id) = state_with_message();
        assert_eq!(
            state.apply_callback_card(&message_id, card("a"), false),
            Ok(false)
        );
        assert_eq!(
            state.apply_callback_card(&message_id, card("b"), false),
            Ok(true)
        );
        let shown = state.message(&message_id).expect("message");
        assert_eq!(shown.card, card("b"));
        assert!(shown.updated);
        assert_eq!(state.chat_id(&message_id), Some("oc_1"));
        let (seen, streaming) = state
            .card_for_user(&message_id, Duration::ZERO)
            .expect("card");
        assert_eq!(*seen, card("b"));
        assert!(!streaming);
    }

    #[test]
    fn bounded_logs_keep_the_newest_records() {
        let mut log = VecDeque::new();
        let forgotten: Vec<Option<i32>> = (0..5).map(|n| push_bounded(&mut log, n, 3)).collect();
        assert_eq!(log, [2, 3, 4]);
        assert_eq!(forgotten, [None, None, None, Some(0), Some(1)]);
        assert_eq!(push_bounded(&mut log, 5, 0), Some(5));
        assert_eq!(log, [2, 3, 4], "a limit of 0 records nothing");
    }
}
