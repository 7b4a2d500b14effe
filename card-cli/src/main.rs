//! The `feishu-card` command.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod fmt;
mod input;
mod validate;

/// Write, check and send Feishu/Lark cards.
#[derive(Debug, Parser)]
#[command(name = "feishu-card", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Print a card re-serialized from the typed model (pretty JSON).
    Fmt(fmt::Args),
    /// Check cards against every rule Feishu enforces.
    Validate(validate::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Fmt(args) => fmt::run(args),
        Command::Validate(args) => validate::run(args),
    }
}
