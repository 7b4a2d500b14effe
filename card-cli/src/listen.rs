//! `feishu-card listen`: receive events and card actions over Feishu's long connection and
//! print each as one JSON line.
//!
//! The command opens the long connection with the app's id and secret (no public URL, no
//! verification token, no encrypt key), prints every event and every card action to standard
//! output as one JSON object per line, and says on standard error when it connects, reconnects
//! (and why: Feishu busy, connection refused, TLS, no pong, socket closed…) and stops. Card actions are answered with `--answer-toast TEXT`, or with the empty answer
//! `{}` (the card stays as it is). Ctrl-C or SIGTERM stops it gracefully: events being handled
//! are answered and acknowledged first; it then exits 0.
//!
//! With `--emulator` it runs against the built-in emulator, which then plays a user: it sends a
//! card to `oc_emulator`, the emulated user `ou_emulator_user` clicks its button and submits its
//! form, and a text message to the bot arrives as an `im.message.receive_v1` event, so that three
//! lines appear. It keeps listening afterwards; the emulator's control API takes more clicks.

use std::process::ExitCode;
use std::time::Duration;

use card_client::callback::{Answer, CardAction, Deferred, Toast, CARD_ACTION_TRIGGER};
use card_client::emulator::{Emulator, Interaction};
use card_client::ws::{self, ConnectionFailure, Event, Listener, ListenerHandle, State};
use card_client::{BaseUrl, Client, SendMessage};
use serde::Serialize;
use serde_json::{json, Map, Value};
use tokio::sync::watch;

use card_core::model::{Button, Card, Config, Form, FormActionType, Input, Markdown};
use card_core::validate::Policy;

use crate::net::{print_out, with_session, Net, Session, EXIT_API};

/// Arguments of `feishu-card listen`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Answer every card action with an info toast showing TEXT (without it: the empty answer
    /// `{}`, which leaves the card as it is).
    #[arg(long, value_name = "TEXT")]
    pub answer_toast: Option<String>,
    #[command(flatten)]
    pub net: Net,
}

/// The chat the emulated user's card is sent to with `--emulator`.
pub const EMULATOR_CHAT: &str = "oc_emulator";
/// The emulated user who acts with `--emulator`.
pub const EMULATOR_USER: &str = "ou_emulator_user";

/// Runs `feishu-card listen`.
pub fn run(args: Args) -> ExitCode {
    let answer = args
        .answer_toast
        .as_deref()
        .map(|text| Answer::toast(Toast::info(text)));
    let net = args.net.clone();
    // Nothing is validated here: the only answers are toasts.
    with_session(&args.net, Policy::Strict, |session| {
        listen(session, net, answer)
    })
}

async fn listen(session: Session, net: Net, answer: Option<Answer>) -> ExitCode {
    // From now on, so that a signal sent as soon as the command starts is not missed.
    let stopped = crate::emulator::stop_signals();
    if let Some(emulator) = &session.emulator {
        emulator.use_long_connection();
    }
    let handle = start(&session.client, answer);
    let base = match (&session.emulator, &net.base_url) {
        (Some(emulator), _) => BaseUrl::from(emulator.base_url()),
        (None, Some(url)) => BaseUrl::from(url.as_str()),
        (None, None) if net.lark => BaseUrl::Lark,
        (None, None) => BaseUrl::Feishu,
    };
    eprintln!(
        "listen: connecting to {} over the long connection",
        base.as_str()
    );
    let reporter = tokio::spawn(report_states(handle.state()));
    // With `--emulator`, the emulated user acts once connected; then only the signals end it.
    let drive = async {
        if let Some(emulator) = &session.emulator {
            play(emulator, &session.client, handle.state()).await;
        }
        std::future::pending::<()>().await
    };
    let code = tokio::select! {
        result = handle.wait() => match result {
            Ok(()) => ExitCode::SUCCESS,
            Err(err) => refused(&err),
        },
        why = stopped => {
            eprintln!("listen: {why}; answering the events in flight, then closing");
            match handle.shutdown().await {
                Ok(()) => {
                    eprintln!("listen: stopped");
                    ExitCode::SUCCESS
                }
                Err(err) => refused(&err),
            }
        }
        () = drive => ExitCode::SUCCESS,
    };
    reporter.abort();
    code
}

/// Starts the listener: card actions and events both become JSON lines.
fn start(client: &Client, answer: Option<Answer>) -> ListenerHandle {
    let answer = answer.unwrap_or_else(Answer::empty);
    Listener::builder(client.clone())
        .on_card_action(move |action: CardAction, _later: Deferred| {
            let answer = answer.clone();
            async move {
                print_out(&card_action_line(&action));
                answer
            }
        })
        .on_event(|event: Event| async move {
            print_out(&event_line(&event));
        })
        .start()
}

/// The line printed for a card action: its typed fields, in this order.
#[derive(Serialize)]
struct CardActionLine<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    event_type: &'static str,
    event_id: &'a str,
    operator: OperatorLine<'a>,
    action: ActionLine<'a>,
    message_id: Option<&'a str>,
    chat_id: Option<&'a str>,
    host: Option<&'a str>,
    /// The update token (`c-…`): two delayed updates within 30 minutes.
    token: &'a str,
}

#[derive(Serialize)]
struct OperatorLine<'a> {
    open_id: &'a str,
    user_id: Option<&'a str>,
    union_id: Option<&'a str>,
    tenant_key: Option<&'a str>,
}

#[derive(Serialize)]
struct ActionLine<'a> {
    tag: &'a str,
    name: Option<&'a str>,
    value: &'a Value,
    form_value: Option<&'a Map<String, Value>>,
    input_value: Option<&'a str>,
    option: Option<&'a str>,
    options: Option<&'a [String]>,
    checked: Option<bool>,
    timezone: Option<&'a str>,
}

/// The line printed for any other event: its type, id and body.
#[derive(Serialize)]
struct EventLine<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    event_type: &'a str,
    event_id: Option<&'a str>,
    event: &'a Value,
}

fn card_action_line(action: &CardAction) -> String {
    let a = &action.action;
    let o = &action.operator;
    let line = CardActionLine {
        kind: "card_action",
        event_type: CARD_ACTION_TRIGGER,
        event_id: &action.event_id,
        operator: OperatorLine {
            open_id: &o.open_id,
            user_id: o.user_id.as_deref(),
            union_id: o.union_id.as_deref(),
            tenant_key: o.tenant_key.as_deref(),
        },
        action: ActionLine {
            tag: &a.tag,
            name: a.name.as_deref(),
            value: &a.value,
            form_value: a.form_value.as_ref(),
            input_value: a.input_value.as_deref(),
            option: a.option.as_deref(),
            options: a.options.as_deref(),
            checked: a.checked,
            timezone: a.timezone.as_deref(),
        },
        message_id: action.context.open_message_id.as_deref(),
        chat_id: action.context.open_chat_id.as_deref(),
        host: action.host.as_deref(),
        token: action
            .raw()
            .pointer("/event/token")
            .and_then(Value::as_str)
            .unwrap_or_default(),
    };
    to_line(&line)
}

fn event_line(event: &Event) -> String {
    to_line(&EventLine {
        kind: "event",
        event_type: event.event_type(),
        event_id: event.event_id(),
        event: event.body().unwrap_or(&Value::Null),
    })
}

/// One line of JSON; a value that cannot be written says so, as JSON.
fn to_line(value: &impl Serialize) -> String {
    serde_json::to_string(value).unwrap_or_else(|e| {
        json!({"type": "error", "error": format!("cannot write the line as JSON: {e}")}).to_string()
    })
}

/// Says on standard error when the listener connects, reconnects and stops.
async fn report_states(mut state: watch::Receiver<State>) {
    loop {
        let now = state.borrow_and_update().clone();
        match now {
            State::Connected => eprintln!(
                "listen: connected; each event and card action is printed as one JSON line \
                 (Ctrl-C to stop)"
            ),
            State::Reconnecting {
                attempt,
                after,
                last_failure,
            } => eprintln!("listen: {}", reconnecting(attempt, after, &last_failure)),
            _ => {}
        }
        if state.changed().await.is_err() {
            return;
        }
    }
}

/// Why the listener reconnects, when and which attempt: `could not reach …: connection
/// refused; reconnecting in 0.4 s (attempt 1)`.
pub(crate) fn reconnecting(attempt: u32, after: Duration, why: &ConnectionFailure) -> String {
    format!(
        "{why}; reconnecting in {:.1} s (attempt {attempt})",
        after.as_secs_f64()
    )
}

/// Prints why the listener stopped for good, and gives the exit code.
fn refused(err: &ws::Error) -> ExitCode {
    eprintln!("error: {err}");
    ExitCode::from(EXIT_API)
}

/// The card the emulated user acts on.
fn emulator_card() -> Value {
    Card::new()
        .config(Config::new().update_multi(true))
        .element(Markdown::new(
            "A card sent by `feishu-card listen --emulator`.",
        ))
        .element(
            Button::new("Approve")
                .name("approve")
                .callback(json!({"action": "approve"})),
        )
        .element(
            Form::new("note")
                .element(Input::new("comment").placeholder("A note"))
                .element(
                    Button::new("Send")
                        .name("send")
                        .form_action_type(FormActionType::Submit),
                ),
        )
        .to_value()
}

/// With `--emulator`: once connected, sends a card, clicks its button, submits its form and
/// sends the bot a message, saying on standard error what the emulated user did and saw.
async fn play(emulator: &Emulator, client: &Client, mut state: watch::Receiver<State>) {
    let connected = tokio::time::timeout(
        Duration::from_secs(60),
        state.wait_for(|s| matches!(s, State::Connected)),
    )
    .await;
    if !matches!(connected, Ok(Ok(_))) {
        return;
    }
    if let Err(err) = act(emulator, client).await {
        eprintln!("emulator: {err}");
    }
}

async fn act(emulator: &Emulator, client: &Client) -> Result<(), String> {
    let sent = client
        .messages()
        .send(SendMessage::to_chat(EMULATOR_CHAT, emulator_card()))
        .await
        .map_err(|e| format!("could not send the card: {e}"))?;
    let id = sent.message_id;
    eprintln!("emulator: sent a card to {EMULATOR_CHAT} as {id}");
    let user = emulator.user(EMULATOR_USER);

    let clicked = user
        .click(&id, "Approve")
        .await
        .map_err(|e| format!("the click failed: {e}"))?;
    shown(
        &format!("{EMULATOR_USER} clicked \"Approve\" on {id}"),
        &clicked,
    );
    let submitted = user
        .submit_form(&id, "note", json!({"comment": "Looks good"}))
        .await
        .map_err(|e| format!("the form submission failed: {e}"))?;
    shown(
        &format!("{EMULATOR_USER} submitted the form \"note\""),
        &submitted,
    );

    let message = json!({
        "sender": {"sender_id": {"open_id": EMULATOR_USER}, "sender_type": "user"},
        "message": {
            "message_id": "om_emulator_hello",
            "chat_id": EMULATOR_CHAT,
            "chat_type": "group",
            "message_type": "text",
            "content": json!({"text": "hello, bot"}).to_string(),
        }
    });
    emulator
        .send_event(ws::IM_MESSAGE_RECEIVE_V1, message)
        .await;
    eprintln!("emulator: {EMULATOR_USER} wrote \"hello, bot\" in {EMULATOR_CHAT}");

    let base = emulator.base_url();
    eprintln!(
        "emulator: click again with: curl -s {base}/_emulator/click -d '{{\"user\": \"ou_you\", \
         \"message_id\": \"{id}\", \"button\": \"Approve\"}}'"
    );
    Ok(())
}

/// What the emulated user saw after acting.
fn shown(what: &str, done: &Interaction) {
    let saw = match (&done.failure, &done.toast) {
        (Some(failure), _) => format!("Feishu shows an error: {failure}"),
        (None, Some(toast)) => format!(
            "the user sees the toast {:?} ({})",
            toast.content.as_deref().unwrap_or(""),
            toast.kind
        ),
        (None, None) => "answered, no toast".to_owned(),
    };
    eprintln!("emulator: {what}; {saw}");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_emulator_card_has_a_button_and_a_form_with_a_note() {
        let plain = |text: &str| json!({"tag": "plain_text", "content": text});
        assert_eq!(
            emulator_card(),
            json!({"schema": "2.0", "config": {"update_multi": true}, "body": {"elements": [
                {"tag": "markdown", "content": "A card sent by `feishu-card listen --emulator`."},
                {"tag": "button", "name": "approve", "text": plain("Approve"),
                 "behaviors": [{"type": "callback", "value": {"action": "approve"}}]},
                {"tag": "form", "name": "note", "elements": [
                    {"tag": "input", "name": "comment", "placeholder": plain("A note")},
                    {"tag": "button", "name": "send", "form_action_type": "submit",
                     "text": plain("Send")}
                ]}
            ]}})
        );
    }
}
