//! The `feishu-card` command.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod convert;
mod fmt;
mod input;
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
/// The network commands take the app's credentials from FEISHU_APP_ID and FEISHU_APP_SECRET
/// (or --app-id / --app-secret); --lark talks to Lark instead of Feishu; --emulator runs
/// against a built-in local Feishu and prints what it holds afterwards.
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
    /// Serve the card tools to AI agents over MCP (stdio, or streamable HTTP with --http).
    Mcp(mcp::Args),
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
        Command::Mcp(args) => mcp::run(args),
    }
}
