//! `feishu-card migrate`: turn a JSON 1.0 card into a Card JSON 2.0 card.
//!
//! The 2.0 card goes to standard output (or `-o FILE`), one note per change to standard error
//! (`note: /elements/4: replaced the action module … (why)`), then the new card is validated.
//! Exit status: 0 when the migrated card is valid, 1 when it still breaks a rule (the card is
//! written anyway, with its problems listed), 2 when the input cannot be read or is not a JSON
//! object.

use std::path::PathBuf;
use std::process::ExitCode;

use card_core::migrate::migrate;
use card_core::validate::validate_value;
use card_core::Severity;

use crate::input::{display_name, read_json};
use crate::net::{EXIT_CARD, EXIT_USAGE};

/// Arguments of `feishu-card migrate`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Write the 2.0 card to this file instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Do not list the changes.
    #[arg(short, long)]
    pub quiet: bool,
    /// The JSON 1.0 card (`-` for standard input).
    pub file: PathBuf,
}

/// Runs `feishu-card migrate`.
pub fn run(args: Args) -> ExitCode {
    let name = display_name(&args.file);
    let card = match read_json(&args.file) {
        Ok(card) => card,
        Err(code) => return code,
    };
    let migration = match migrate(&card) {
        Ok(migration) => migration,
        Err(err) => {
            eprintln!("error: {name}: {err}");
            return ExitCode::from(EXIT_USAGE);
        }
    };
    if !args.quiet {
        for note in &migration.notes {
            eprintln!("note: {note}");
        }
    }
    let text = match serde_json::to_string_pretty(&migration.card) {
        Ok(text) => text,
        Err(err) => {
            eprintln!("error: cannot write the card: {err}");
            return ExitCode::from(EXIT_USAGE);
        }
    };
    match &args.output {
        Some(path) => {
            if let Err(err) = std::fs::write(path, format!("{text}\n")) {
                eprintln!("error: cannot write {}: {err}", path.display());
                return ExitCode::from(EXIT_USAGE);
            }
        }
        None => crate::net::print_out(&text),
    }

    let diagnostics = validate_value(&migration.card);
    for d in diagnostics.iter() {
        eprintln!("{d}");
    }
    let errors = diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let changes = migration.notes.len();
    if errors > 0 {
        eprintln!(
            "error: {name}: migrated with {changes} change{}, but the 2.0 card still has {errors} problem{}; fix them by hand",
            plural(changes),
            plural(errors)
        );
        ExitCode::from(EXIT_CARD)
    } else {
        eprintln!(
            "migrated {name}: {changes} change{}; the 2.0 card is valid",
            plural(changes)
        );
        ExitCode::SUCCESS
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}
