//! The `feishu-card` command.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod convert;
mod emulator;
mod fmt;
mod input;
mod listen;
mod mcp;
mod migrate;
mod net;
mod preview;
mod send;
mod send_form;
mod stream;
mod update;
mod validate;

/// Write, check and send Feishu/Lark cards.
///
/// Exit status: 0 success; 1 a card breaks a rule (nothing was sent); 2 unreadable input,
/// bad arguments or missing credentials; 3 Feishu refused the request or could not be reached.
///
/// A tag or property this version does not know is an error by default (most often a typo,
/// and Feishu refuses what it does not know); validate, send, send-form, update and mcp take
/// --lenient to let it through as a warning, for components Feishu added after this version.
///
/// The network commands take the app's credentials from FEISHU_APP_ID and FEISHU_APP_SECRET
/// (or --app-id / --app-secret); --lark talks to Lark instead of Feishu; --emulator runs
/// against a built-in local Feishu (send, send-form, update and stream print what it holds
/// afterwards; mcp serves it as the resource feishu-card://emulator/state).
#[derive(Debug, Parser)]
#[command(name = "feishu-card", version, about, long_about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Print the `card!` source that builds a JSON card.
    Convert(convert::Args),
    /// Print a card re-serialized from the typed model (pretty JSON).
    Fmt(fmt::Args),
    /// Check cards against every rule Feishu enforces.
    Validate(validate::Args),
    /// Turn a JSON 1.0 card into a Card JSON 2.0 card, noting each change.
    Migrate(migrate::Args),
    /// Send a card to a chat or a user, or as a reply.
    Send(send::Args),
    /// Send a card that holds a form (refuses cards without one).
    SendForm(send_form::Args),
    /// Replace the card of a sent message, by message id or callback token.
    Update(update::Args),
    /// Stream standard input into a card that types itself out.
    Stream(stream::Args),
    /// Draw a card as a self-contained HTML page.
    Preview(preview::Args),
    /// Run the local Feishu as a server, for bots in any language (until Ctrl-C).
    ///
    /// The first line of output is `feishu-card emulator: listening on URL`; the rest says how
    /// to point an SDK at it and how to play the users through its control API (`/_emulator/`).
    /// Exits 0 when stopped (Ctrl-C or SIGTERM), 2 on bad arguments, 3 when the port cannot be
    /// bound.
    Emulator(emulator::Args),
    /// Serve the card tools to AI agents over MCP (stdio, or streamable HTTP with --http).
    ///
    /// An MCP server for agents that send Feishu cards: every card is checked against Card
    /// JSON 2.0 before any request, and an invalid card comes back as a tool error
    /// (`isError: true`) listing each problem with its rule id, JSON pointer, Feishu's path and
    /// a `fix`; nothing is sent. `card` arguments are taken as a JSON object or as a string
    /// holding one. Feishu's failure codes come back explained.
    ///
    /// Tools:
    ///   feishu_send_card      chat_id | user_id (+ receive_id_type) | reply_to, card, uuid
    ///                         -> message_id
    ///   feishu_send_form      the same; refuses a card without a form -> message_id, fields
    ///   feishu_update_card    message_id | token | card_id, card
    ///   feishu_validate_card  card -> valid, every diagnostic (rule, severity, pointer, path,
    ///                         message, fix); sends nothing
    ///   feishu_ask_user       chat_id | user_id, question, choices | fields, timeout_s,
    ///                         default -> the click or the form's values, as JSON; the card is
    ///                         updated to show the answer
    ///   feishu_stream_start   chat_id | user_id | reply_to, header, summary, text -> stream_id
    ///   feishu_stream_append  stream_id, text
    ///   feishu_stream_finish  stream_id, text, card (optional final card)
    ///
    /// Resources: feishu-card://reference (every component, property, value and limit, as
    /// Markdown, generated from the validator's registry), feishu-card://templates/{confirm,
    /// quick-select,data-display}, and with --emulator feishu-card://emulator/state (the
    /// emulator's request log, messages and cards). Prompt: feishu_cards (when to send a card
    /// and how).
    ///
    /// feishu_ask_user needs the user's click to come back. By default the server holds the
    /// app's long connection to Feishu (no public URL needed; choose "receive events/callbacks
    /// through a long connection" and subscribe to card.action.trigger in the developer
    /// console), and the answers arrive over it; its failures (such as wrong credentials) are
    /// printed on standard error and returned by feishu_ask_user. With --callback ADDR (and the
    /// app's verification token) the server serves Feishu's card callbacks at
    /// http://ADDR/callback instead; with --no-long-connection and no --callback,
    /// feishu_ask_user answers with a tool error saying so.
    ///
    /// --emulator runs offline against the built-in Feishu, with an emulated user who answers
    /// feishu_ask_user (the first choice, or what --emulator-answers FILE says) over the
    /// emulator's long connection (over HTTP with --callback ADDR, in process with
    /// --no-long-connection).
    #[command(verbatim_doc_comment)]
    Mcp(mcp::Args),
    /// Receive events and card actions over the long connection; print each as a JSON line.
    ///
    /// Opens Feishu's long connection (a WebSocket the command opens itself: no public URL, no
    /// verification token, no encrypt key) with the app's credentials, and prints every event
    /// and every card action on standard output as one JSON object per line:
    ///
    ///   {"type": "event", "event_type": "im.message.receive_v1", "event_id": "…",
    ///    "event": {…the event's body…}}
    ///   {"type": "card_action", "event_type": "card.action.trigger", "event_id": "…",
    ///    "operator": {"open_id", "user_id", "union_id", "tenant_key"},
    ///    "action": {"tag", "name", "value", "form_value", "input_value", "option", "options",
    ///    "checked", "timezone"}, "message_id": "om_…", "chat_id": "oc_…", "host": "…",
    ///    "token": "c-…"}
    ///
    /// The token is the callback's update token (`feishu-card update --token`, 30 minutes, two
    /// uses). Card actions are answered with an info toast with --answer-toast TEXT, else with
    /// `{}` (the card stays as it is). Standard error says when the connection opens, is lost
    /// and comes back. In the developer console, choose to receive events and callbacks through
    /// the long connection and subscribe to `card.action.trigger` and the events you want.
    ///
    /// --emulator runs offline against the built-in Feishu, which then plays a user: it sends a
    /// card to oc_emulator, the user ou_emulator_user clicks its "Approve" button and submits its
    /// form, and writes "hello, bot" to the bot (an im.message.receive_v1 event), so three lines
    /// appear; standard error shows what the user saw and how to click again through the
    /// emulator's control API.
    ///
    /// Ctrl-C (or SIGTERM) stops it gracefully: events being handled are answered and
    /// acknowledged first, then it exits 0. Exits 2 without credentials, 3 when Feishu refuses
    /// the app the connection (the message says what to fix).
    #[command(verbatim_doc_comment)]
    Listen(listen::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Convert(args) => convert::run(args),
        Command::Fmt(args) => fmt::run(args),
        Command::Validate(args) => validate::run(args),
        Command::Migrate(args) => migrate::run(args),
        Command::Send(args) => send::run(args),
        Command::SendForm(args) => send_form::run(args),
        Command::Update(args) => update::run(args),
        Command::Stream(args) => stream::run(args),
        Command::Preview(args) => preview::run(args),
        Command::Emulator(args) => emulator::run(args),
        Command::Mcp(args) => mcp::run(args),
        Command::Listen(args) => listen::run(args),
    }
}
