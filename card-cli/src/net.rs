//! What the network subcommands share: credentials, the base URL, the built-in emulator, the
//! recipient of a card, reading and checking the card, and turning client errors into messages
//! and exit codes.

use std::path::Path;
use std::process::ExitCode;

use card_client::emulator::Emulator;
use card_client::{Client, Error, ReceiveIdType, SendMessage};
use card_core::model::{Card, Markdown};
use card_core::validate::{validate_value_with, Policy};
use card_core::Severity;
use serde_json::{json, Value};

use crate::input::{display_name, read};

/// Exit code: the card breaks a rule (nothing was sent).
pub const EXIT_CARD: u8 = 1;
/// Exit code: unreadable input, bad arguments, missing credentials.
pub const EXIT_USAGE: u8 = 2;
/// Exit code: Feishu refused the request, or could not be reached.
pub const EXIT_API: u8 = 3;

/// Where requests go and who makes them.
#[derive(Debug, Clone, clap::Args)]
pub struct Net {
    /// The app id (`cli_…`).
    #[arg(long, env = "FEISHU_APP_ID", hide_env_values = true)]
    pub app_id: Option<String>,
    /// The app secret.
    #[arg(long, env = "FEISHU_APP_SECRET", hide_env_values = true)]
    pub app_secret: Option<String>,
    /// Use Lark (open.larksuite.com) instead of Feishu (open.feishu.cn).
    #[arg(long, conflicts_with = "base_url")]
    pub lark: bool,
    /// Another base URL, such as a local emulator's (`http://127.0.0.1:PORT`).
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// Run against the built-in Feishu emulator, offline; send, send-form, update and stream
    /// then print what it holds afterwards (its messages and cards, as JSON on standard output).
    #[arg(long, conflicts_with_all = ["lark", "base_url"])]
    pub emulator: bool,
}

/// A client, and the emulator it talks to when `--emulator` is given.
pub struct Session {
    /// The client.
    pub client: Client,
    /// The in-process emulator, if any.
    pub emulator: Option<Emulator>,
}

impl Net {
    /// Builds the client (starting the emulator first with `--emulator`), with the client's
    /// default validation policy (strict).
    pub async fn connect(&self) -> Result<Session, ExitCode> {
        self.connect_with(Policy::Strict).await
    }

    /// Builds the client with the validation `policy` the command's card was checked under.
    pub async fn connect_with(&self, policy: Policy) -> Result<Session, ExitCode> {
        if self.emulator {
            let emulator = Emulator::start().await.map_err(|err| {
                eprintln!("error: cannot start the emulator on 127.0.0.1: {err}");
                ExitCode::from(EXIT_API)
            })?;
            let client = emulator
                .client()
                .validation(policy)
                .build()
                .map_err(api_error)?;
            eprintln!("emulator: running at {}", emulator.base_url());
            return Ok(Session {
                client,
                emulator: Some(emulator),
            });
        }
        let (Some(id), Some(secret)) = (
            self.app_id.as_deref().filter(|s| !s.is_empty()),
            self.app_secret.as_deref().filter(|s| !s.is_empty()),
        ) else {
            eprintln!(
                "error: missing credentials: set FEISHU_APP_ID and FEISHU_APP_SECRET, or pass \
                 --app-id and --app-secret (or try it offline with --emulator)"
            );
            return Err(ExitCode::from(EXIT_USAGE));
        };
        let mut builder = Client::builder(id, secret.to_owned()).validation(policy);
        if self.lark {
            builder = builder.base_url(card_client::BaseUrl::Lark);
        } else if let Some(url) = &self.base_url {
            builder = builder.base_url(url.as_str());
        }
        let client = builder.build().map_err(api_error)?;
        Ok(Session {
            client,
            emulator: None,
        })
    }
}

impl Session {
    /// With the emulator, a message that stands for `message_id`, which the fresh emulator
    /// does not hold: a placeholder card sent to `oc_emulator`. Without it, `message_id`.
    pub async fn message_for(&self, message_id: &str) -> Result<String, ExitCode> {
        if self.emulator.is_none() {
            return Ok(message_id.to_owned());
        }
        let sent = self
            .client
            .messages()
            .send(SendMessage::to_chat("oc_emulator", placeholder_card()))
            .await
            .map_err(api_error)?;
        eprintln!(
            "emulator: sent a placeholder card as {} to stand for {message_id}",
            sent.message_id
        );
        Ok(sent.message_id)
    }

    /// With the emulator, prints everything it holds (messages and card entities) as JSON on
    /// standard output.
    pub fn print_state(&self) {
        let Some(emulator) = &self.emulator else {
            return;
        };
        let messages: Vec<Value> = emulator
            .messages()
            .into_iter()
            .map(|m| {
                json!({
                    "message_id": m.message_id,
                    "chat_id": m.chat_id,
                    "receive_id_type": m.receive_id_type,
                    "receive_id": m.receive_id,
                    "parent_id": m.parent_id,
                    "card_id": m.card_id,
                    "updated": m.updated,
                    "card": m.card,
                })
            })
            .collect();
        let mut ids: Vec<String> = Vec::new();
        for id in emulator.messages().into_iter().filter_map(|m| m.card_id) {
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
        let cards: Vec<Value> = ids
            .iter()
            .filter_map(|id| emulator.card(id))
            .map(|c| {
                json!({
                    "card_id": c.card_id,
                    "streaming": !matches!(c.streaming, card_client::emulator::Streaming::Off),
                    "last_sequence": c.last_sequence,
                    "sent_in": c.sent_in,
                    "json": c.json,
                })
            })
            .collect();
        let state = json!({ "messages": messages, "cards": cards });
        match serde_json::to_string_pretty(&state) {
            Ok(text) => print_out(&text),
            Err(err) => eprintln!("error: cannot print the emulator's state: {err}"),
        }
    }
}

/// The card that stands, in the emulator, for a message it does not hold.
fn placeholder_card() -> Value {
    Card::new()
        .element(Markdown::new("(the card before the update)"))
        .to_value()
}

/// Who receives a card: exactly one of these.
#[derive(Debug, Clone, clap::Args)]
#[group(required = true, multiple = false)]
pub struct Recipient {
    /// A group chat (`oc_…`).
    #[arg(long, value_name = "CHAT_ID")]
    pub chat: Option<String>,
    /// A user by open id (`ou_…`).
    #[arg(long, value_name = "OPEN_ID")]
    pub user: Option<String>,
    /// A user by email address.
    #[arg(long)]
    pub email: Option<String>,
    /// A user by tenant-wide user id.
    #[arg(long, value_name = "USER_ID")]
    pub user_id: Option<String>,
    /// A user by union id (`on_…`).
    #[arg(long, value_name = "UNION_ID")]
    pub union_id: Option<String>,
    /// Reply to this message (`om_…`) instead.
    #[arg(long, value_name = "MESSAGE_ID")]
    pub reply: Option<String>,
}

/// Where a card goes, resolved from [`Recipient`].
pub enum Target {
    /// A new message to a user or chat.
    Send(ReceiveIdType, String),
    /// A reply to a message.
    Reply(String),
}

impl Recipient {
    /// The one recipient given (clap guarantees exactly one).
    pub fn target(&self) -> Option<Target> {
        let pairs = [
            (ReceiveIdType::ChatId, &self.chat),
            (ReceiveIdType::OpenId, &self.user),
            (ReceiveIdType::Email, &self.email),
            (ReceiveIdType::UserId, &self.user_id),
            (ReceiveIdType::UnionId, &self.union_id),
        ];
        if let Some(reply) = &self.reply {
            return Some(Target::Reply(reply.clone()));
        }
        pairs
            .into_iter()
            .find_map(|(kind, id)| id.clone().map(|id| Target::Send(kind, id)))
    }
}

/// Reads a card file (or `-`), checks it under `policy`, prints its problems; the card when it
/// has no errors.
pub fn card_from(path: &Path, policy: Policy) -> Result<Value, ExitCode> {
    let name = display_name(path);
    let bytes = read(path).map_err(|err| {
        eprintln!("error: cannot read {name}: {err}");
        ExitCode::from(EXIT_USAGE)
    })?;
    let card: Value = serde_json::from_slice(&bytes).map_err(|err| {
        eprintln!("error: {name} is not JSON: {err}");
        ExitCode::from(EXIT_USAGE)
    })?;
    let diagnostics = validate_value_with(&card, policy.into());
    for d in diagnostics.iter() {
        eprintln!("{name}: {d}");
    }
    if diagnostics.has_errors() {
        let errors = diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count();
        let hint = if diagnostics.contains_rule("schema.version-1") {
            format!(" (a JSON 1.0 card: `feishu-card migrate {name}` turns it into 2.0)")
        } else {
            String::new()
        };
        eprintln!(
            "error: {name} has {errors} problem{} Feishu would refuse; nothing was sent{hint}",
            if errors == 1 { "" } else { "s" }
        );
        return Err(ExitCode::from(EXIT_CARD));
    }
    Ok(card)
}

/// Prints a client error with what to do about it, and gives its exit code.
pub fn api_error(err: Error) -> ExitCode {
    eprintln!("error: {err}");
    let code = match &err {
        Error::InvalidCard(_) => EXIT_CARD,
        Error::InvalidArgument(_) | Error::CallbackToken(_) => EXIT_USAGE,
        _ => EXIT_API,
    };
    let hint = match err.code() {
        Some(10003 | 10013 | 10014 | 10015) => Some(
            "check the app id and secret (FEISHU_APP_ID / FEISHU_APP_SECRET or --app-id / --app-secret)",
        ),
        Some(230001 | 230034) => Some("check the recipient's id and that it matches the flag used"),
        Some(230002) => Some("add the bot to the chat first"),
        _ => None,
    };
    if let Some(hint) = hint {
        eprintln!("hint: {hint}");
    }
    if let Some(log_id) = err.log_id() {
        eprintln!("note: Feishu log id {log_id} (quote it when asking Feishu's support)");
    }
    ExitCode::from(code)
}

/// Runs a network subcommand on a single-threaded runtime.
pub fn block_on<F: std::future::Future<Output = ExitCode>>(future: F) -> ExitCode {
    match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime.block_on(future),
        Err(err) => {
            eprintln!("error: cannot start the async runtime: {err}");
            ExitCode::from(EXIT_API)
        }
    }
}

/// Connects (to Feishu, or to a fresh emulator with `--emulator`) with a client of the
/// validation `policy`, on a single-threaded runtime, and runs `job` with the session; a failed
/// connection has already been reported and gives its exit code.
pub fn with_session<F, Fut>(net: &Net, policy: Policy, job: F) -> ExitCode
where
    F: FnOnce(Session) -> Fut,
    Fut: std::future::Future<Output = ExitCode>,
{
    block_on(async move {
        match net.connect_with(policy).await {
            Ok(session) => job(session).await,
            Err(code) => code,
        }
    })
}

/// Runs a command that sends the card in `file`: reads it and checks it under `policy` (a card
/// with errors is reported, exit 1, and nothing is sent), then connects with a client of the
/// same policy and runs `job` with the session and the card.
pub fn with_card<F, Fut>(file: &Path, net: &Net, policy: Policy, job: F) -> ExitCode
where
    F: FnOnce(Session, Value) -> Fut,
    Fut: std::future::Future<Output = ExitCode>,
{
    match card_from(file, policy) {
        Ok(card) => with_session(net, policy, |session| job(session, card)),
        Err(code) => code,
    }
}

/// What a network command did.
pub struct Done {
    /// Said on standard error: `sent om_… to chat_id oc_…`.
    pub said: String,
    /// Without the emulator, printed on standard output (such as the new message's id).
    pub output: Option<String>,
}

/// Reports a network command's outcome and gives its exit code: what it did on standard error,
/// then with the emulator everything it holds (else the command's output) on standard output.
/// A failure has already been reported.
pub fn finish(session: &Session, outcome: Result<Done, ExitCode>) -> ExitCode {
    match outcome {
        Ok(done) => {
            eprintln!("{}", done.said);
            if session.emulator.is_some() {
                session.print_state();
            } else if let Some(output) = &done.output {
                print_out(output);
            }
            ExitCode::SUCCESS
        }
        Err(code) => code,
    }
}

/// Writes a line to standard output; a closed pipe (`| head`) is not an error worth a panic.
pub fn print_out(text: &str) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    if let Err(err) = writeln!(out, "{text}") {
        if err.kind() != std::io::ErrorKind::BrokenPipe {
            eprintln!("error: cannot write to standard output: {err}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_placeholder_card_says_it_stands_for_the_card_before_the_update() {
        assert_eq!(
            placeholder_card(),
            json!({
                "schema": "2.0",
                "body": {"elements": [{"tag": "markdown", "content": "(the card before the update)"}]}
            })
        );
    }
}
