//! A card bot's whole conversation, played against a local Feishu.
//!
//! ```text
//! cargo run --example demo              # card callbacks over the long connection
//! cargo run --example demo -- --http    # card callbacks to an HTTP route instead
//! ```
//!
//! With no credentials and no network, the demo starts the built-in emulator and plays every
//! part: the bot (written with `card!` and the form derives) sends an approval card with a form;
//! the emulated manager fills it in and submits it; the bot's callback decodes the submission
//! into its struct and answers with a toast and an updated card; then the bot streams an answer
//! into a new card and finishes it with feedback buttons, which the manager clicks. Each step
//! prints what was sent, what the user did and what the card shows now, and writes an HTML
//! preview of the card to `target/demo/`.
//!
//! The bot receives its card callbacks over Feishu's long connection: it opens a WebSocket to
//! Feishu itself, so it needs no callback URL, no public address, no verification token and no
//! encrypt key. With `--http` it serves them on an HTTP route instead, signed and encrypted,
//! as Feishu POSTs them to a callback URL.
//!
//! Against real Feishu: set `FEISHU_APP_ID`, `FEISHU_APP_SECRET` and `FEISHU_CHAT_ID` (add
//! `FEISHU_LARK=1` for Lark), and run it from anywhere, a laptop included. The app must be a
//! self-built app whose developer console receives events and callbacks "through a long
//! connection", with `card.action.trigger` subscribed (the console saves that choice only while
//! a client is connected: run the demo, then save). With `--http`, Feishu POSTs the callbacks to
//! the address in `FEISHU_CALLBACK_ADDR` (default `0.0.0.0:3000`, path `/feishu/card`), which
//! must be reachable from Feishu at the app's callback URL, checked with
//! `FEISHU_VERIFICATION_TOKEN` and `FEISHU_ENCRYPT_KEY`. Either way the demo waits up to five
//! minutes for a person in the chat to submit the form and to click a feedback button.

use std::future::Future;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use feishu_card::client::callback::{
    self, Answer, CallbackConfig, CallbackHandler, CardAction, Deferred, Toast,
};
use feishu_card::client::emulator::{Emulator, Interaction, UserIdentity};
use feishu_card::client::ws::{Listener, ListenerHandle, State};
use feishu_card::client::{BaseUrl, Client, SendMessage};
use feishu_card::model::HeaderTemplate;
use feishu_card::{card, preview, Card, FormValue, SelectOptions};
use serde::Deserialize;
use serde_json::{json, Value};
use tokio::sync::mpsc;

pub type Failure = Box<dyn std::error::Error + Send + Sync>;

/// Every line the demo printed, kept so that its test can read what it said.
static SAID: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// Prints a line, and keeps it.
macro_rules! say {
    ($($arg:tt)*) => {{
        let line = format!($($arg)*);
        println!("{line}");
        SAID.lock().unwrap_or_else(PoisonError::into_inner).push(line);
    }};
}

/// The lines printed since the last call.
pub fn take_transcript() -> Vec<String> {
    std::mem::take(&mut *SAID.lock().unwrap_or_else(PoisonError::into_inner))
}

/// How card callbacks reach the bot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Route {
    /// Feishu's long connection: the bot opens a WebSocket to Feishu; no callback URL.
    #[default]
    LongConnection,
    /// An HTTP route that Feishu POSTs signed, encrypted callbacks to (`--http`).
    Http,
}

impl Route {
    /// The route the command line asks for: `--http`, or by default the long connection.
    pub fn from_args<I: IntoIterator<Item = String>>(args: I) -> Result<Route, String> {
        let mut route = Route::LongConnection;
        for arg in args {
            match arg.as_str() {
                "--http" => route = Route::Http,
                other => {
                    return Err(format!(
                        "unknown argument {other:?}: the demo takes only `--http` (card \
                         callbacks to an HTTP route instead of the long connection)"
                    ))
                }
            }
        }
        Ok(route)
    }
}

/// The manager's verdict: the select's options and the decoded choice, from one enum.
#[derive(Debug, Clone, Copy, PartialEq, SelectOptions)]
enum Verdict {
    #[option(value = "approve", text = "Approve")]
    Approve,
    #[option(value = "reject", text = "Reject")]
    Reject,
}

/// What the approval form submits; `card!` checks the form has exactly these fields.
#[derive(Debug, FormValue)]
struct Decision {
    verdict: Verdict,
    comment: Option<String>,
}

/// The `value` of the feedback buttons.
#[derive(Debug, Deserialize)]
struct Feedback {
    feedback: String,
}

const CHAT: &str = "oc_demo_team";
const MANAGER: &str = "ou_demo_manager";
const REQUEST: u32 = 1204;

/// The card the bot sends first.
fn approval_card() -> Card {
    card! {
        <card>
            <config update_multi/>
            <header template="orange">"Leave request #1204"</header>
            <markdown>"**Mei Lin** asks for 3 days off, 1 to 3 December.\nReason: a family visit."</markdown>
            <form name="approval" for=Decision>
                <select_static name="verdict" for=Verdict placeholder="Approve or reject" required/>
                <input name="comment" placeholder="A note for Mei (optional)"/>
                <button name="submit" type="primary_filled" form_action_type="submit">"Submit"</button>
            </form>
        </card>
    }
}

/// The card that replaces it once the manager has decided.
fn decided_card(decision: &Decision, by: &str) -> Card {
    let verdict = match decision.verdict {
        Verdict::Approve => "approved",
        Verdict::Reject => "rejected",
    };
    let note = match &decision.comment {
        Some(comment) if !comment.is_empty() => format!("\nNote: {comment}"),
        _ => String::new(),
    };
    let text = format!("Request #{REQUEST} **{verdict}** by <at id={by}></at>.{note}");
    let title = format!("Leave request #{REQUEST}: {verdict}");
    let template = match decision.verdict {
        Verdict::Approve => HeaderTemplate::Green,
        Verdict::Reject => HeaderTemplate::Red,
    };
    card! {
        <card>
            <config update_multi/>
            <header template={template} title={title}/>
            <markdown>{text}</markdown>
        </card>
    }
}

/// The streamed answer's last card: the text goes first, the feedback buttons after it.
fn answer_card() -> Card {
    card! {
        <card>
            <config update_multi/>
            <header template="blue">"Assistant"</header>
            <markdown element_id="answer">""</markdown>
            <column_set horizontal_spacing="8px">
                <column width="auto">
                    <button type="default" callback={json!({"feedback": "up"})}>"👍 Helpful"</button>
                </column>
                <column width="auto">
                    <button type="default" callback={json!({"feedback": "down"})}>"👎 Not helpful"</button>
                </column>
            </column_set>
        </card>
    }
}

/// A generated answer, as a model would produce it: a few characters at a time.
const ANSWER: &str = "Mei's leave is approved and recorded. While she is away:\n\n\
    - **Release checklist**: Ahmed takes over and reports on Thursday.\n\
    - **On-call**: the rota swaps Mei's shift with Ahmed's next week.\n\
    - **Open reviews**: three pull requests move to Joana.\n\n\
    The team calendar and the HR system are updated.";

/// The bot's callback: a submitted form or a feedback click.
async fn on_card(
    action: CardAction,
    _later: Deferred,
    events: mpsc::UnboundedSender<Event>,
) -> Answer {
    if action.action.form_value.is_some() {
        return match action.form::<Decision>() {
            Ok(decision) => {
                let answer = Answer::toast(match decision.verdict {
                    Verdict::Approve => Toast::success("Approved: Mei is told"),
                    Verdict::Reject => Toast::warning("Rejected: Mei is told"),
                })
                .card(decided_card(&decision, &action.operator.open_id));
                let _ = events.send(Event::Decided(decision));
                answer
            }
            Err(e) => Answer::toast(Toast::error(format!("That form did not fit: {e}"))),
        };
    }
    match action.value::<Feedback>() {
        Ok(feedback) => {
            let _ = events.send(Event::Feedback(feedback.feedback));
            Answer::toast(Toast::success("Thanks for the feedback"))
        }
        Err(e) => Answer::toast(Toast::error(format!("Unknown button: {e}"))),
    }
}

/// What the bot's callback tells the rest of the bot.
#[derive(Debug)]
enum Event {
    Decided(Decision),
    Feedback(String),
}

/// Where the demo talks to: the emulator, with its emulated manager, or real Feishu.
enum Feishu {
    Emulated(Emulator),
    Real { chat: String },
}

#[tokio::main]
async fn main() {
    let route = match Route::from_args(std::env::args().skip(1)) {
        Ok(route) => route,
        Err(e) => {
            eprintln!("demo: {e}");
            std::process::exit(2);
        }
    };
    if let Err(e) = run(route).await {
        eprintln!("demo failed: {e}");
        std::process::exit(1);
    }
}

pub async fn run(route: Route) -> Result<(), Failure> {
    let out = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/demo");
    std::fs::create_dir_all(&out)?;

    let (feishu, client) = match std::env::var("FEISHU_APP_ID") {
        Ok(app_id) => real(app_id)?,
        Err(_) => emulated().await?,
    };
    let chat = match &feishu {
        Feishu::Emulated(_) => CHAT.to_string(),
        Feishu::Real { chat } => chat.clone(),
    };

    // The bot's callback: the same function behind the long connection or the HTTP route.
    let (events_tx, mut events) = mpsc::unbounded_channel();
    let bot = move |action, later| on_card(action, later, events_tx.clone());
    let receiver = match route {
        Route::LongConnection => long_connection(&feishu, &client, bot).await?,
        Route::Http => http_route(&feishu, &client, bot).await?,
    };

    // 1. The bot sends the approval card.
    let approval = approval_card();
    let sent = client
        .messages()
        .send(SendMessage::to_chat(chat.as_str(), &approval))
        .await?;
    step(1, &format!("the bot sends an approval card to {chat}"));
    say!("  message {}", sent.message_id);
    show(
        &feishu,
        &sent.message_id,
        &approval.to_value(),
        &out,
        "1-approval",
    )?;

    // 2. The manager submits the form.
    step(2, "the manager approves, with a note, and submits the form");
    let decision = match &feishu {
        Feishu::Emulated(emulator) => {
            let submitted = emulator
                .user(MANAGER)
                .submit_form(
                    &sent.message_id,
                    "approval",
                    json!({"verdict": "approve", "comment": "Enjoy the visit!"}),
                )
                .await?;
            interaction(route, &submitted);
            next_event(&mut events, Duration::from_secs(5)).await?
        }
        Feishu::Real { .. } => {
            say!("  waiting up to 5 minutes for someone in the chat to submit the form…");
            next_event(&mut events, Duration::from_secs(300)).await?
        }
    };
    if let Event::Decided(decision) = &decision {
        say!("  the bot decoded: {decision:?}");
    }
    show(
        &feishu,
        &sent.message_id,
        &decided_value(&decision),
        &out,
        "2-decided",
    )?;

    // 3. The bot streams an answer into a new card and finishes it with feedback buttons.
    step(3, "the bot streams its answer into a new card");
    let stream = client
        .stream()
        .header("Assistant")
        .reply_to(sent.message_id.as_str())
        .start()
        .await?;
    let chars: Vec<char> = ANSWER.chars().collect();
    let halfway = chars.len().div_ceil(6) / 2;
    for (n, chunk) in chars.chunks(6).enumerate() {
        stream.push_delta(&chunk.iter().collect::<String>());
        tokio::time::sleep(Duration::from_millis(15)).await;
        if n == halfway {
            if let (Feishu::Emulated(emulator), Some(card)) = (&feishu, stream.cards().first()) {
                let now = emulator.message(&card.message_id).map(|m| m.card);
                let shown = now
                    .as_ref()
                    .and_then(|c| c.pointer("/body/elements/0/content"))
                    .and_then(Value::as_str)
                    .unwrap_or("");
                say!(
                    "  halfway, the user sees {} of {} characters typing in: {:?}…",
                    shown.chars().count(),
                    chars.len(),
                    shown.chars().take(40).collect::<String>()
                );
            }
        }
    }
    let summary = stream.finish(answer_card()).await?;
    let streamed = summary
        .cards
        .last()
        .ok_or("the stream reported no card")?
        .clone();
    say!(
        "  {} characters pushed in {} deltas; {} call(s) to Feishu, message {}",
        ANSWER.chars().count(),
        chars.len().div_ceil(6),
        summary.calls,
        streamed.message_id
    );
    let finished = match &feishu {
        Feishu::Emulated(emulator) => emulator
            .message(&streamed.message_id)
            .map(|m| m.card)
            .unwrap_or_default(),
        Feishu::Real { .. } => answer_card().to_value(),
    };
    show(&feishu, &streamed.message_id, &finished, &out, "3-answer")?;

    // 4. The manager finds the answer helpful.
    step(4, "the manager clicks \"👍 Helpful\"");
    match &feishu {
        Feishu::Emulated(emulator) => {
            let clicked = emulator
                .user(MANAGER)
                .click(&streamed.message_id, "👍 Helpful")
                .await?;
            interaction(route, &clicked);
        }
        Feishu::Real { .. } => say!("  waiting up to 5 minutes for a click…"),
    }
    let wait = match feishu {
        Feishu::Emulated(_) => Duration::from_secs(5),
        Feishu::Real { .. } => Duration::from_secs(300),
    };
    if let Event::Feedback(feedback) = next_event(&mut events, wait).await? {
        say!("  the bot recorded feedback {feedback:?}");
    }

    receiver.stop().await?;
    say!("\nHTML previews of each card: {}", out.display());
    Ok(())
}

/// What receives the bot's card callbacks.
enum Receiver {
    /// The long connection's listener.
    Listener(ListenerHandle),
    /// The HTTP route's handler.
    Http(CallbackHandler),
}

impl Receiver {
    /// Stops receiving; answers still running finish first (and send their delayed updates).
    async fn stop(self) -> Result<(), Failure> {
        match self {
            Receiver::Listener(listener) => listener.shutdown().await?,
            Receiver::Http(handler) => handler.finish_background().await,
        }
        Ok(())
    }
}

/// Receives card callbacks over Feishu's long connection: no URL, no public address.
async fn long_connection<F, Fut>(
    feishu: &Feishu,
    client: &Client,
    bot: F,
) -> Result<Receiver, Failure>
where
    F: Fn(CardAction, Deferred) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Answer> + Send + 'static,
{
    if let Feishu::Emulated(emulator) = feishu {
        emulator.use_long_connection();
    }
    let listener = Listener::builder(client.clone())
        .on_card_action(bot)
        .start();
    let mut state = listener.state();
    let wait = Duration::from_secs(60);
    let reached = tokio::time::timeout(
        wait,
        state.wait_for(|s| matches!(s, State::Connected | State::Stopped(_))),
    )
    .await
    .map(|state| state.map(|s| s.clone()));
    match reached {
        Ok(Ok(State::Connected)) => {}
        Ok(_) => {
            let why = listener.wait().await.err();
            return Err(why.map_or_else(|| "the long connection stopped".into(), Into::into));
        }
        Err(_) => {
            // While it reconnects, the state says why the last attempt failed.
            let why = match &*listener.state().borrow() {
                State::Reconnecting { last_failure, .. } => last_failure.to_string(),
                _ => "check the network".to_owned(),
            };
            let _ = listener.shutdown().await;
            return Err(format!("the long connection did not open within {wait:?}: {why}").into());
        }
    }
    let to = match feishu {
        Feishu::Emulated(emulator) => emulator.base_url(),
        Feishu::Real { .. } => "Feishu".to_string(),
    };
    say!(
        "The bot receives card callbacks over the long connection (a WebSocket it opened to \
         {to}): no callback URL\n"
    );
    if let Feishu::Real { .. } = feishu {
        say!(
            "  (the app's developer console must receive events and callbacks through the long \
             connection, with card.action.trigger subscribed)\n"
        );
    }
    Ok(Receiver::Listener(listener))
}

/// Serves card callbacks on an HTTP route: the emulator, or Feishu, POSTs them to its URL.
async fn http_route<F, Fut>(feishu: &Feishu, client: &Client, bot: F) -> Result<Receiver, Failure>
where
    F: Fn(CardAction, Deferred) -> Fut + Clone + Send + Sync + 'static,
    Fut: Future<Output = Answer> + Send + 'static,
{
    let (config, addr) = match feishu {
        Feishu::Emulated(emulator) => {
            let mut config = CallbackConfig::new(emulator.verification_token());
            if let Some(key) = emulator.encrypt_key() {
                config = config.encrypt_key(key);
            }
            (config, "127.0.0.1:0".to_string())
        }
        Feishu::Real { .. } => {
            let mut config = CallbackConfig::new(var("FEISHU_VERIFICATION_TOKEN")?);
            if let Ok(key) = std::env::var("FEISHU_ENCRYPT_KEY") {
                config = config.encrypt_key(key);
            }
            let addr =
                std::env::var("FEISHU_CALLBACK_ADDR").unwrap_or_else(|_| "0.0.0.0:3000".into());
            (config, addr)
        }
    };
    let handler = config.client(client.clone()).build();
    let app = axum::Router::new().route("/feishu/card", callback::axum::post(handler.clone(), bot));
    let listener = tokio::net::TcpListener::bind(&addr).await?;
    let url = format!("http://{}/feishu/card", listener.local_addr()?);
    tokio::spawn(async move { axum::serve(listener, app).await });
    if let Feishu::Emulated(emulator) = feishu {
        emulator.set_callback_url(&url);
    }
    say!("The bot serves card callbacks at {url}\n");
    Ok(Receiver::Http(handler))
}

/// Starts the emulator with an emulated manager.
async fn emulated() -> Result<(Feishu, Client), Failure> {
    let emulator = Emulator::builder()
        .verification_token("v-demo-verification-token")
        .encrypt_key("demo-encrypt-key")
        .user(UserIdentity::new(MANAGER).name("Ahmed (manager)"))
        .start()
        .await?;
    say!(
        "A local Feishu (the emulator) runs at {}",
        emulator.base_url()
    );
    let client = emulator.client().build()?;
    Ok((Feishu::Emulated(emulator), client))
}

/// Real Feishu, from the environment.
fn real(app_id: String) -> Result<(Feishu, Client), Failure> {
    let secret = var("FEISHU_APP_SECRET")?;
    let chat = var("FEISHU_CHAT_ID")?;
    let mut builder = Client::builder(app_id, secret);
    if std::env::var_os("FEISHU_LARK").is_some() {
        builder = builder.base_url(BaseUrl::Lark);
    }
    let client = builder.build()?;
    say!("Real Feishu: cards go to chat {chat}");
    Ok((Feishu::Real { chat }, client))
}

/// An environment variable the real-Feishu demo needs.
fn var(name: &str) -> Result<String, Failure> {
    std::env::var(name)
        .map_err(|_| format!("{name} is not set: the real-Feishu demo needs it").into())
}

fn step(n: u32, what: &str) {
    say!("\n── step {n}: {what}");
}

/// Prints what the user's client showed after an interaction.
fn interaction(route: Route, done: &Interaction) {
    match route {
        Route::LongConnection => say!(
            "  callback answered over the long connection (acknowledged with code {}) in {:?}",
            done.status.unwrap_or(0),
            done.elapsed
        ),
        Route::Http => say!(
            "  callback answered HTTP {} in {:?}",
            done.status.unwrap_or(0),
            done.elapsed
        ),
    }
    if let Some(toast) = &done.toast {
        say!(
            "  the user sees a {} toast: {}",
            toast.kind,
            toast.content.as_deref().unwrap_or("")
        );
    }
    if let Some(failure) = &done.failure {
        say!("  Feishu shows an error: {failure}");
    }
}

/// The card the user sees now: from the emulator's state, or the card the bot last sent.
fn show(
    feishu: &Feishu,
    message_id: &str,
    sent: &Value,
    out: &Path,
    name: &str,
) -> Result<(), Failure> {
    let shown = match feishu {
        Feishu::Emulated(emulator) => emulator
            .message(message_id)
            .map(|m| m.card)
            .ok_or_else(|| format!("the emulator has no message {message_id}"))?,
        Feishu::Real { .. } => sent.clone(),
    };
    say!("  the card now shows:");
    outline(&shown, 2);
    let page: PathBuf = out.join(format!("{name}.html"));
    let card = Card::from_value(&shown)?;
    std::fs::write(&page, preview::render(&card))?;
    say!("  preview: {}", page.display());
    Ok(())
}

fn decided_value(event: &Event) -> Value {
    match event {
        Event::Decided(decision) => decided_card(decision, MANAGER).to_value(),
        Event::Feedback(_) => Value::Null,
    }
}

/// A text outline of a card: its header and each component with the text it shows.
fn outline(card: &Value, depth: usize) {
    let pad = "  ".repeat(depth);
    if let Some(title) = card
        .pointer("/header/title/content")
        .and_then(Value::as_str)
    {
        let colour = card
            .pointer("/header/template")
            .and_then(Value::as_str)
            .unwrap_or("default");
        say!("{pad}┌ {title}  ({colour} header)");
    }
    let elements = card
        .pointer("/body/elements")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default();
    for element in elements {
        element_outline(element, depth);
    }
}

fn element_outline(element: &Value, depth: usize) {
    let pad = "  ".repeat(depth);
    let tag = element["tag"].as_str().unwrap_or("?");
    let text = ["content", "text", "placeholder"]
        .iter()
        .find_map(|key| match &element[*key] {
            Value::String(s) => Some(s.clone()),
            Value::Object(o) => o.get("content").and_then(Value::as_str).map(String::from),
            _ => None,
        })
        .or_else(|| element["name"].as_str().map(|name| format!("`{name}`")))
        .unwrap_or_default();
    let text = text.replace('\n', " ⏎ ");
    let shown: String = text.chars().take(90).collect();
    let more = if text.chars().count() > 90 { "…" } else { "" };
    say!("{pad}│ {tag}: {shown}{more}");
    for key in ["elements", "columns"] {
        if let Some(children) = element[key].as_array() {
            for child in children {
                element_outline(child, depth + 1);
            }
        }
    }
}

/// Waits for the bot's callback to report what happened.
async fn next_event(
    events: &mut mpsc::UnboundedReceiver<Event>,
    wait: Duration,
) -> Result<Event, Failure> {
    match tokio::time::timeout(wait, events.recv()).await {
        Ok(Some(event)) => Ok(event),
        Ok(None) => Err("the callback server stopped".into()),
        Err(_) => Err(format!("no callback within {wait:?}").into()),
    }
}
