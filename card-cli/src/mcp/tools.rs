//! The tools: their JSON schemas and descriptions (what the model reads), and what each does.

use std::sync::Arc;
use std::time::Duration;

use card_client::stream::{FinalCard, Stream};
use card_client::{
    CallbackToken, DelayedUpdate, Error, PatchMessage, ReplyMessage, SendMessage, UpdateCard,
};
use serde_json::{json, Map, Value};

use super::args::{
    check_card, check_card_with, parse_card, recipient, validation, Arguments, Recipient, ToolError,
};
use super::ask::{self, AnswerRoute, Asked, EMULATED_USER};
use super::explain::error_json;
use super::listen;
use super::Shared;

/// Every tool's name.
pub const NAMES: &[&str] = &[
    "feishu_send_card",
    "feishu_send_form",
    "feishu_update_card",
    "feishu_validate_card",
    "feishu_ask_user",
    "feishu_stream_start",
    "feishu_stream_append",
    "feishu_stream_finish",
];

/// The longest `feishu_ask_user` wait, in seconds (Feishu's callback tokens last 30 minutes).
pub const MAX_TIMEOUT_S: f64 = 1800.0;
/// The default `feishu_ask_user` wait, in seconds.
pub const DEFAULT_TIMEOUT_S: f64 = 300.0;

fn card_schema(what: &str) -> Value {
    json!({
        "type": ["object", "string"],
        "description": format!(
            "{what}: Card JSON 2.0, as a JSON object (preferred) or a string holding it: \
             {{\"schema\": \"2.0\", \"header\": {{…}}, \"body\": {{\"elements\": [ … ]}}}}. \
             The resource feishu-card://reference lists every component and property."
        ),
    })
}

fn recipient_properties(reply: bool) -> Map<String, Value> {
    let mut p = Map::new();
    p.insert(
        "chat_id".into(),
        json!({"type": "string", "description": "The group chat to send to (oc_…)."}),
    );
    p.insert(
        "user_id".into(),
        json!({"type": "string", "description": "The user to send to: an open_id (ou_…) unless receive_id_type says otherwise."}),
    );
    p.insert(
        "receive_id_type".into(),
        json!({"type": "string", "enum": ["open_id", "user_id", "union_id", "email"],
               "description": "What kind of id `user_id` is (default open_id)."}),
    );
    if reply {
        p.insert(
            "reply_to".into(),
            json!({"type": "string", "description": "Reply to this message (om_…) instead of sending to chat_id or user_id."}),
        );
        p.insert(
            "uuid".into(),
            json!({"type": "string", "maxLength": 50, "description": "Idempotency key: a second call with the same key within an hour sends nothing new."}),
        );
    }
    p
}

fn object(properties: Map<String, Value>, required: &[&str]) -> Map<String, Value> {
    let mut schema = Map::new();
    schema.insert("type".into(), json!("object"));
    schema.insert("properties".into(), Value::Object(properties));
    schema.insert("required".into(), json!(required));
    schema.insert("additionalProperties".into(), json!(false));
    schema
}

/// One tool's definition: name, description, input schema.
pub struct Definition {
    /// The name.
    pub name: &'static str,
    /// What the model reads.
    pub description: String,
    /// The JSON schema of its arguments.
    pub schema: Map<String, Value>,
}

/// Every tool.
pub fn definitions() -> Vec<Definition> {
    let mut send = recipient_properties(true);
    send.insert("card".into(), card_schema("The card to send"));
    let mut update = Map::new();
    update.insert("message_id".into(), json!({"type": "string", "description": "The message whose card to replace (om_…), as returned by a send."}));
    update.insert("token".into(), json!({"type": "string", "description": "The `token` of a card callback (c-…): valid 30 minutes, for two updates."}));
    update.insert("card_id".into(), json!({"type": "string", "description": "A card entity id, as returned by feishu_stream_start."}));
    update.insert("card".into(), card_schema("The new card"));
    let mut validate = Map::new();
    validate.insert("card".into(), card_schema("The card to check"));
    let mut ask = recipient_properties(false);
    ask.insert(
        "question".into(),
        json!({"type": "string", "description": "The question, in Markdown."}),
    );
    ask.insert("choices".into(), json!({"type": "array", "items": {"type": "string"}, "minItems": 1, "maxItems": ask::MAX_CHOICES,
        "description": "The answers to choose from, one button each. Give this or `fields`."}));
    ask.insert("fields".into(), json!({"type": "array", "minItems": 1, "maxItems": ask::MAX_FIELDS,
        "description": "A form to fill in, one entry per field. Give this or `choices`.",
        "items": {"type": "object", "additionalProperties": false, "required": ["name"], "properties": {
            "name": {"type": "string", "description": "The key of the value in the answer (letters, digits, _)."},
            "label": {"type": "string", "description": "What the user reads (default: the name)."},
            "kind": {"type": "string", "enum": ask::FieldKind::NAMES, "description": "The input: free text, one option, several options, a tick box or a date (default text)."},
            "required": {"type": "boolean", "description": "Whether the form refuses to submit without it."},
            "options": {"type": "array", "items": {"type": "string"}, "description": "The options of a select or multi_select."}
        }}}));
    ask.insert("timeout_s".into(), json!({"type": "number", "minimum": 1, "maximum": MAX_TIMEOUT_S,
        "description": format!("How long to wait for the answer, in seconds (default {DEFAULT_TIMEOUT_S}).")}));
    ask.insert("default".into(), json!({"description": "The answer to return when the time runs out (any JSON). Without it a timeout returns answered: false."}));
    let mut start = recipient_properties(true);
    start.insert(
        "header".into(),
        json!({"type": "string", "description": "A title above the text."}),
    );
    start.insert("summary".into(), json!({"type": "string", "description": "What the chat list shows while the text streams."}));
    start.insert(
        "text".into(),
        json!({"type": "string", "description": "The first text to show (Markdown)."}),
    );
    let mut append = Map::new();
    append.insert(
        "stream_id".into(),
        json!({"type": "string", "description": "The id feishu_stream_start returned."}),
    );
    append.insert(
        "text".into(),
        json!({"type": "string", "description": "The text to add at the end (Markdown)."}),
    );
    let mut finish = Map::new();
    finish.insert(
        "stream_id".into(),
        json!({"type": "string", "description": "The id feishu_stream_start returned."}),
    );
    finish.insert(
        "text".into(),
        json!({"type": "string", "description": "Last text to add before finishing."}),
    );
    finish.insert("card".into(), json!({"type": ["object", "string"], "description": "Optional final card (Card JSON 2.0, object or string): the streamed text goes into its element with element_id `answer` (added first if missing). Without it the card keeps the text as it is."}));

    vec![
        Definition {
            name: "feishu_send_card",
            description: "Send an interactive card (Card JSON 2.0) to a Feishu/Lark chat or user, or as a reply. \
                Use a card instead of plain text when the user must choose, confirm, or read structured data \
                (tables, columns, charts) or gets quick-action buttons. The card is checked first: an invalid \
                card is refused with every problem, its rule, JSON pointer and a `fix`, and nothing is sent. \
                Returns the message_id (keep it to update the card).".into(),
            schema: object(send.clone(), &["card"]),
        },
        Definition {
            name: "feishu_send_form",
            description: "Send a card that collects input through a `form` (fields and a submit button). \
                Refuses a card without a form: use feishu_send_card for other cards, or feishu_ask_user to \
                send a form and wait for the answer. Checked like feishu_send_card. Returns the message_id \
                and the fields each form submits.".into(),
            schema: object(send, &["card"]),
        },
        Definition {
            name: "feishu_update_card",
            description: "Replace a sent card with a new one: by `message_id` (the card must be shared, as 2.0 \
                cards are), by the `token` of a card callback, or by `card_id` (a card entity). Give exactly \
                one of them. The new card is checked first; nothing is sent when it is invalid.".into(),
            schema: object(update, &["card"]),
        },
        Definition {
            name: "feishu_validate_card",
            description: "Check a card against every rule of Card JSON 2.0 without sending it. Returns valid, \
                and every problem: rule id, severity (error: Feishu refuses the card; warning: tolerated), \
                JSON pointer, Feishu's path, message, and a `fix` to apply.".into(),
            schema: object(validate, &["card"]),
        },
        Definition {
            name: "feishu_ask_user",
            description: "Ask a user a question in Feishu and wait for the answer: sends a card with one button \
                per choice (`choices`) or a form (`fields`), waits up to timeout_s for the click or submission, \
                updates the card to show the answer, and returns it as JSON: {answered, answer: {choice, index} \
                or {values: {name: value}}, user}. On timeout returns `default` if given. Use it to confirm an \
                action or collect values before going on. When the answer cannot come back (the server's \
                connection to Feishu is down or refused) it returns an error saying why and sends nothing.".into(),
            schema: object(ask, &["question"]),
        },
        Definition {
            name: "feishu_stream_start",
            description: "Start a card that shows text as you generate it (a typewriter effect): returns a \
                stream_id. Then call feishu_stream_append with each piece of text and feishu_stream_finish \
                at the end. Rate limits, Feishu's 10-minute streaming window and long texts (continued in a \
                new card) are handled.".into(),
            schema: object(start, &[]),
        },
        Definition {
            name: "feishu_stream_append",
            description: "Add text at the end of a streaming card started with feishu_stream_start. Returns at \
                once; the card catches up within a fraction of a second.".into(),
            schema: object(append, &["stream_id", "text"]),
        },
        Definition {
            name: "feishu_stream_finish",
            description: "End a streaming card: the text stays, streaming turns off, and an optional final card \
                (for example with feedback buttons) replaces it with the text in its `answer` element. Returns \
                the messages and cards used.".into(),
            schema: object(finish, &["stream_id"]),
        },
    ]
}

/// Runs tool `name`; `None` when there is no such tool.
pub async fn call(
    shared: &Arc<Shared>,
    name: &str,
    args: &Map<String, Value>,
) -> Option<Result<Value, ToolError>> {
    let args = Arguments(args);
    Some(match name {
        "feishu_send_card" => send(shared, &args, false).await,
        "feishu_send_form" => send(shared, &args, true).await,
        "feishu_update_card" => update(shared, &args).await,
        "feishu_validate_card" => validate(shared, &args),
        "feishu_ask_user" => ask_user(shared, &args).await,
        "feishu_stream_start" => stream_start(shared, &args).await,
        "feishu_stream_append" => stream_append(shared, &args),
        "feishu_stream_finish" => stream_finish(shared, &args).await,
        _ => return None,
    })
}

fn api(err: Error) -> ToolError {
    ToolError(error_json(&err))
}

const SEND_ARGS: &[&str] = &[
    "chat_id",
    "user_id",
    "receive_id_type",
    "reply_to",
    "uuid",
    "card",
];

async fn send(shared: &Shared, args: &Arguments<'_>, form: bool) -> Result<Value, ToolError> {
    args.only(SEND_ARGS)?;
    let to = recipient(args, true)?;
    let uuid = args.opt_string("uuid")?;
    let (card, warnings) = args.card_with_warnings("card", shared.policy)?;
    let mut out = json!({});
    if form {
        let forms = crate::send_form::forms(&card);
        if forms.iter().all(|f| f.fields.is_empty()) {
            let what = if forms.is_empty() {
                "has no `form`"
            } else {
                "has a form without fields"
            };
            return Err(ToolError::msg(format!(
                "the card {what}: feishu_send_form sends cards that collect input; use feishu_send_card for other cards, or put a `form` with named fields and a submit button in body.elements"
            )));
        }
        out["forms"] = json!(forms
            .iter()
            .map(|f| json!({"name": f.name, "fields": f.fields.iter().map(|(n, k)| json!({"name": n, "kind": k})).collect::<Vec<_>>()}))
            .collect::<Vec<_>>());
    }
    let (message_id, chat_id) = deliver(shared, &to, uuid, card).await?;
    out["message_id"] = json!(message_id);
    out["chat_id"] = json!(chat_id);
    if !warnings.is_empty() {
        out["warnings"] = json!(warnings);
    }
    Ok(out)
}

/// Sends a checked card; the message id and chat id.
async fn deliver(
    shared: &Shared,
    to: &Recipient,
    uuid: Option<String>,
    card: Value,
) -> Result<(String, String), ToolError> {
    let messages = shared.client.messages();
    let sent = match to {
        Recipient::To(kind, id) => {
            let mut req = SendMessage::new(*kind, id.clone(), card);
            if let Some(uuid) = uuid {
                req = req.uuid(uuid);
            }
            messages.send(req).await
        }
        Recipient::Reply(parent) => {
            let mut req = ReplyMessage::new(parent.clone(), card);
            if let Some(uuid) = uuid {
                req = req.uuid(uuid);
            }
            messages.reply(req).await
        }
    }
    .map_err(api)?;
    Ok((sent.message_id, sent.chat_id))
}

async fn update(shared: &Shared, args: &Arguments<'_>) -> Result<Value, ToolError> {
    args.only(&["message_id", "token", "card_id", "card"])?;
    let message = args.opt_string("message_id")?;
    let token = args.opt_string("token")?;
    let card_id = args.opt_string("card_id")?;
    let (card, warnings) = args.card_with_warnings("card", shared.policy)?;
    let mut out = match (message, token, card_id) {
        (Some(message), None, None) => {
            shared
                .client
                .messages()
                .patch(PatchMessage::new(message.clone(), card))
                .await
                .map_err(api)?;
            json!({"updated": true, "message_id": message})
        }
        (None, Some(token), None) => {
            shared
                .client
                .delayed()
                .update(&CallbackToken::new(token), DelayedUpdate::new(card))
                .await
                .map_err(api)?;
            json!({"updated": true, "by": "token"})
        }
        (None, None, Some(card_id)) => {
            shared
                .client
                .cards()
                .update(UpdateCard::new(card_id.clone(), card))
                .await
                .map_err(api)?;
            json!({"updated": true, "card_id": card_id})
        }
        (None, None, None) => {
            return Err(ToolError::msg(
                "say which card to update: `message_id` (om_…), `token` (c-…) or `card_id`",
            ))
        }
        _ => {
            return Err(ToolError::msg(
                "give only one of `message_id`, `token` and `card_id`",
            ))
        }
    };
    if !warnings.is_empty() {
        out["warnings"] = json!(warnings);
    }
    Ok(out)
}

fn validate(shared: &Shared, args: &Arguments<'_>) -> Result<Value, ToolError> {
    args.only(&["card"])?;
    let card = args.card_unchecked("card")?;
    Ok(validation(&card, shared.policy))
}

async fn ask_user(shared: &Shared, args: &Arguments<'_>) -> Result<Value, ToolError> {
    args.only(&[
        "chat_id",
        "user_id",
        "receive_id_type",
        "question",
        "choices",
        "fields",
        "timeout_s",
        "default",
    ])?;
    let to = recipient(args, false)?;
    let question = Arc::new(ask::question(args)?);
    let timeout = args
        .opt_seconds("timeout_s", 1.0, MAX_TIMEOUT_S)?
        .unwrap_or(DEFAULT_TIMEOUT_S);
    let default = args.0.get("default").cloned();
    if shared.route == AnswerRoute::Unconnected {
        return Err(ToolError::msg(
            "feishu_ask_user needs the user's click to come back to this server, and this server \
             was started with --no-long-connection and without --callback, so it has no way to \
             receive it. Ask in plain text, or send the card with feishu_send_card and handle \
             its callback elsewhere; restart the server without --no-long-connection (answers \
             then arrive over Feishu's long connection) or with --callback ADDR to ask",
        ));
    }
    let card = ask::question_card(&question);
    check_card(&card)?;
    if let Some(long_connection) = &shared.long_connection {
        let wait = listen::READY_WAIT.min(Duration::from_secs_f64(timeout));
        if let Err(why) = long_connection.ready(wait).await {
            return Err(ToolError::msg(format!(
                "feishu_ask_user cannot receive the answer, so nothing was sent: {why}"
            )));
        }
    }
    let reply = shared.questions.register(question.clone());
    // However this call ends (answered, timed out, failed, or cancelled by the client), the
    // question stops waiting.
    let _waiting = Waiting(&shared.questions, &question.id);
    let (message_id, chat_id) = deliver(shared, &to, None, card).await?;
    if let Some(user) = &shared.user {
        user.asked(Asked {
            message_id: message_id.clone(),
            question: question.clone(),
            user: to.open_id().unwrap_or(EMULATED_USER).to_owned(),
        });
    }
    let waited = tokio::time::timeout(Duration::from_secs_f64(timeout), reply).await;
    match waited {
        Ok(Ok(reply)) => {
            let mut out = json!({
                "answered": true,
                "answer": reply.answer,
                "user": reply.user,
                "message_id": message_id,
                "chat_id": chat_id,
            });
            if let Some(token) = reply.token {
                out["token"] = json!(token);
            }
            Ok(out)
        }
        Ok(Err(_)) => {
            // The route that brings answers broke for good while waiting.
            let why = shared
                .long_connection
                .as_ref()
                .and_then(|l| l.failure())
                .unwrap_or_else(|| "the route that brings answers closed".to_owned());
            let closed = ask::answered_card(
                &question,
                "⚠️ The answer could not be received; ask again later",
            );
            let _ = shared
                .client
                .messages()
                .patch(PatchMessage::new(message_id.clone(), closed))
                .await;
            let mut err = ToolError::msg(format!(
                "the card was sent ({message_id}) but its answer can no longer be received: {why}"
            ));
            err.0["message_id"] = json!(message_id);
            Err(err)
        }
        Err(_) => {
            shared.questions.forget(&question.id);
            let shown = match &default {
                Some(d) => format!("⏱ No answer within {timeout} s; went on with: {d}"),
                None => format!("⏱ No answer within {timeout} s"),
            };
            let closed = ask::answered_card(&question, &shown);
            let note = match shared
                .client
                .messages()
                .patch(PatchMessage::new(message_id.clone(), closed))
                .await
            {
                Ok(()) => Value::Null,
                Err(err) => json!(format!("the card could not be closed: {err}")),
            };
            let mut out = json!({
                "answered": false,
                "timed_out": true,
                "answer": default.unwrap_or(Value::Null),
                "used_default": args.0.get("default").is_some(),
                "message_id": message_id,
                "chat_id": chat_id,
            });
            if !note.is_null() {
                out["note"] = note;
            }
            Ok(out)
        }
    }
}

/// Forgets a question when dropped.
struct Waiting<'a>(&'a ask::Questions, &'a str);

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.0.forget(self.1);
    }
}

async fn stream_start(shared: &Shared, args: &Arguments<'_>) -> Result<Value, ToolError> {
    let mut known = SEND_ARGS.to_vec();
    known.retain(|k| *k != "card" && *k != "uuid");
    known.extend(["header", "summary", "text"]);
    args.only(&known)?;
    let to = recipient(args, true)?;
    let mut builder = shared.client.stream();
    builder = match to {
        Recipient::To(kind, id) => builder.to(kind, id),
        Recipient::Reply(parent) => builder.reply_to(parent),
    };
    if let Some(header) = args.opt_string("header")? {
        builder = builder.header(header);
    }
    if let Some(summary) = args.opt_string("summary")? {
        builder = builder.summary(summary);
    }
    let text = args.opt_string("text")?;
    let stream = builder.start().await.map_err(api)?;
    if let Some(text) = &text {
        stream.push_delta(text);
    }
    let Some(first) = stream.cards().first().cloned() else {
        return Err(ToolError::msg("the stream started without a card"));
    };
    let id = first.card_id.clone();
    shared
        .streams
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .insert(id.clone(), stream);
    Ok(json!({
        "stream_id": id,
        "card_id": first.card_id,
        "message_id": first.message_id,
    }))
}

fn stream_append(shared: &Shared, args: &Arguments<'_>) -> Result<Value, ToolError> {
    args.only(&["stream_id", "text"])?;
    let id = args.string("stream_id")?;
    let text = match args.0.get("text") {
        Some(Value::String(s)) => s.clone(),
        Some(other) => {
            return Err(ToolError::msg(format!(
                "`text` must be a string, not {}",
                card_core::diagnostic::json_kind(other)
            )))
        }
        None => return Err(ToolError::msg("missing `text`: give the text to add")),
    };
    let streams = shared.streams.lock().unwrap_or_else(|p| p.into_inner());
    let Some(stream) = streams.get(&id) else {
        return Err(unknown_stream(&id));
    };
    if let Some(why) = stream.stopped() {
        return Err(ToolError::msg(format!(
            "the stream stopped: {why}; finish it with feishu_stream_finish"
        )));
    }
    stream.push_delta(&text);
    Ok(json!({
        "stream_id": id,
        "characters": stream.text().chars().count(),
        "cards": stream.cards().len(),
    }))
}

fn unknown_stream(id: &str) -> ToolError {
    ToolError::msg(format!(
        "no open stream `{id}`: use the stream_id feishu_stream_start returned (a finished stream is closed)"
    ))
}

async fn stream_finish(shared: &Shared, args: &Arguments<'_>) -> Result<Value, ToolError> {
    args.only(&["stream_id", "text", "card"])?;
    let id = args.string("stream_id")?;
    let text = args.opt_string("text")?;
    let final_card = match args.0.get("card") {
        None | Some(Value::Null) => FinalCard::Text,
        Some(v) => {
            let card = parse_card("card", v)?;
            check_card_with(&card, shared.policy)?;
            FinalCard::Card(card)
        }
    };
    let stream: Stream = {
        let mut streams = shared.streams.lock().unwrap_or_else(|p| p.into_inner());
        streams.remove(&id).ok_or_else(|| unknown_stream(&id))?
    };
    if let Some(text) = &text {
        stream.push_delta(text);
    }
    let summary = stream.finish(final_card).await.map_err(api)?;
    Ok(json!({
        "finished": true,
        "characters": summary.text.chars().count(),
        "cards": summary.cards.iter().map(|c| json!({"card_id": c.card_id, "message_id": c.message_id})).collect::<Vec<_>>(),
        "calls": summary.calls,
    }))
}
