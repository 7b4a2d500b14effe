//! `feishu-card fmt`: prints each card as the typed model writes it back.
//!
//! A card that reads back into the model is printed as indented JSON; what the model cannot read
//! is reported with every problem and its place. Exit status: 0 when every card was printed, 1
//! when a card has problems, 2 when a file cannot be read or is not JSON.

use std::path::PathBuf;
use std::process::ExitCode;

use card_core::model::{Card, ParseError};

use crate::input::{display_name, read};

/// Arguments of `feishu-card fmt`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Card files (`-` for standard input).
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
}

/// How one file went; the worst decides the exit status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Outcome {
    Printed = 0,
    Problems = 1,
    Unreadable = 2,
}

pub fn run(args: Args) -> ExitCode {
    let worst = args
        .files
        .iter()
        .map(|path| format_one(&display_name(path), read(path)))
        .max()
        .unwrap_or(Outcome::Printed);
    ExitCode::from(worst as u8)
}

fn format_one(name: &str, bytes: std::io::Result<Vec<u8>>) -> Outcome {
    let bytes = match bytes {
        Ok(bytes) => bytes,
        Err(err) => {
            eprintln!("error: cannot read {name}: {err}");
            return Outcome::Unreadable;
        }
    };
    match Card::from_slice(&bytes) {
        Ok(card) => {
            println!("{}", card.to_json_pretty());
            Outcome::Printed
        }
        Err(ParseError::Syntax(err)) => {
            eprintln!("error: {name} is not JSON: {err}");
            Outcome::Unreadable
        }
        Err(err @ ParseError::Version1 { .. }) => {
            eprintln!("error: {name}: {err}");
            Outcome::Problems
        }
        Err(err) => {
            let problems = err.diagnostics();
            eprintln!(
                "error: {name} cannot be read as a Card JSON 2.0 card ({} problem{}):",
                problems.len(),
                if problems.len() == 1 { "" } else { "s" }
            );
            for problem in &problems {
                eprintln!("{problem}");
            }
            Outcome::Problems
        }
    }
}
