//! `feishu-card convert`: a JSON card as the `card!` source that builds it.
//!
//! The output is one Rust expression of type `feishu_card::Card`:
//!
//! ```text
//! feishu_card::card! {
//!     <card>
//!         <header template="orange">"确认操作"</header>
//!         <button type="primary_filled" callback={serde_json::json!({"action": "confirm"})}>"确认"</button>
//!     </card>
//! }
//! ```
//!
//! It names `feishu_card::card!` and `serde_json::json!` by their full paths, so it compiles
//! in any crate that depends on `feishu-card` and `serde_json`, without `use` lines. Texts are
//! string children, attributes come in the registry's order, objects and list entries are child
//! tags, `behaviors` are `callback=`/`open_url=` where they can be, and free-form JSON
//! (`chart_spec`, callback values, non-string table cells) is a `serde_json::json!` block
//! (a JSON value too large for `json!`'s default recursion limit is assembled with
//! `serde_json::Value::from_iter` around smaller `json!`s).
//!
//! Where the markup has no literal form the output is an expression, still without `use`
//! lines: maps and lists of plain values (`config.style.text_size`, `config.locales`, mixed
//! `behaviors`) as `serde_json::from_value::<Vec<_>>(serde_json::json!(…)).expect(…)` (the
//! JSON was written by the model, so it reads back), and a colour or text size outside the
//! documented names (a custom style name) as `{String::from("…")}`, because `card!` holds
//! literals to the documented names and leaves computed values to the runtime validator. A
//! value Feishu falls back on that the registry does not document (`text_align: "middle"`, an
//! `overflow` `width: ""`; `validate` warns) is written with the escape hatch,
//! `raw:text_align={serde_json::json!("middle")}`, under either policy: a card `validate`
//! accepts converts. Objects the markup has no tag for are values of the model: a text object
//! written without its `tag` (`"hover_tips": {}`, which the model writes back as it was) as
//! `{feishu_card::model::PlainText { tag: feishu_card::model::PlainTextTag::OMITTED, .. }}` or,
//! when it has content, read by `serde_json::from_value`; an `audio` `fallback` text as
//! `{feishu_card::model::Fallback::text("…")}`.
//!
//! A card is first read into the typed model and validated: the source is written from what
//! the model would send, so that it builds exactly that. Exit status: 0 when the source was
//! printed (warnings go to standard error), 1 when the card has errors (those `validate` gives
//! under the same policy) or a part the markup cannot write (each problem with its JSON
//! pointer), 2 when the file cannot be read or is not JSON.
//!
//! A component or property this version does not know is kept by the model. Strict (the
//! default), the validator refuses it; with `--lenient` it passes validation with a warning and
//! is written with `card!`'s escape hatch: an unknown component as
//! `<raw json={serde_json::json!(…)}/>` where it stands, an unknown property as
//! `raw:name={serde_json::json!(…)}` on its tag, after the known attributes:
//!
//! ```text
//! feishu_card::card! {
//!     <card>
//!         <markdown raw:glow={serde_json::json!("soft")}>"New:"</markdown>
//!         <raw json={serde_json::json!({"depth": 3, "tag": "hologram"})}/>
//!     </card>
//! }
//! ```
//!
//! Properties kept in values of the model (behaviours and texts written as expressions) stay in
//! the JSON those are read from. The card's own properties other than its parts (the 1.0
//! leftovers 2.0 tolerates, `fallback` and `i18n_header`, and unknown ones) are attributes of
//! `<card>`. What the escape hatch cannot write is refused by name and place rather than
//! dropped from the source: a property whose name is not a markup attribute name
//! (`glow-soft`).

mod build;
mod tree;

use std::path::PathBuf;
use std::process::ExitCode;

use card_core::model::{Card, ParseError};
use card_core::validate::{validate_value_with, Options};
use serde_json::Value;

use crate::input::{display_name, read};
use crate::validate::Check;

pub use build::Unsupported;

/// Arguments of `feishu-card convert`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub check: Check,
    /// The card file (`-` for standard input).
    pub file: PathBuf,
}

/// Why a card could not be converted.
#[derive(Debug)]
pub enum Failure {
    /// The input is not JSON.
    NotJson(serde_json::Error),
    /// The card is not one the markup builds: each line says what and where.
    Problems(Vec<String>),
}

/// The `card!` source of a JSON card, with the validator's warnings; `options` decide whether a
/// tag or property this version does not know is an error or a warning (a warning, it is
/// written with the escape hatch, `<raw json={…}/>` or `raw:name={…}`).
pub fn convert(bytes: &[u8], options: Options) -> Result<(String, Vec<String>), Failure> {
    let input: Value = serde_json::from_slice(bytes).map_err(Failure::NotJson)?;
    let card = match Card::from_value(&input) {
        Ok(card) => card,
        Err(err @ ParseError::Version1 { .. }) => {
            return Err(Failure::Problems(vec![format!(
                "{err}; `feishu-card convert` takes Card JSON 2.0 cards"
            )]))
        }
        Err(err) => {
            // The validator's errors under the policy asked for, as `validate` gives them;
            // the model's own reason when the validator finds none.
            let found = validate_value_with(&input, options);
            let problems = if found.has_errors() {
                found.errors().map(ToString::to_string).collect()
            } else {
                err.diagnostics().iter().map(ToString::to_string).collect()
            };
            return Err(Failure::Problems(problems));
        }
    };
    // What the model sends is what the source must build: defaults the model writes are part
    // of the card.
    let value = card.to_value();
    let diagnostics = validate_value_with(&value, options);
    if diagnostics.has_errors() {
        return Err(Failure::Problems(
            diagnostics.errors().map(ToString::to_string).collect(),
        ));
    }
    let warnings = diagnostics.iter().map(ToString::to_string).collect();
    source(&value).map(|s| (s, warnings)).map_err(|problems| {
        Failure::Problems(
            problems
                .into_iter()
                .map(|p| format!("error: {} (at `{}`)", p.message, p.pointer))
                .collect(),
        )
    })
}

/// The `card!` source of a Card JSON 2.0 value, without reading it into the model first.
pub fn source(value: &Value) -> Result<String, Vec<Unsupported>> {
    build::card(value).map(|root| tree::print_card(&root))
}

/// Prints the source of the card in `args.file`, or its problems; the exit status as above.
pub fn run(args: Args) -> ExitCode {
    let name = display_name(&args.file);
    let bytes = match read(&args.file) {
        Ok(bytes) => bytes,
        Err(err) => {
            eprintln!("error: cannot read {name}: {err}");
            return ExitCode::from(2);
        }
    };
    match convert(&bytes, args.check.options()) {
        Ok((source, warnings)) => {
            for warning in warnings {
                eprintln!("{warning}");
            }
            println!("{source}");
            ExitCode::SUCCESS
        }
        Err(Failure::NotJson(err)) => {
            eprintln!("error: {name} is not JSON: {err}");
            ExitCode::from(2)
        }
        Err(Failure::Problems(problems)) => {
            eprintln!(
                "error: {name} cannot be converted to `card!` ({} problem{}):",
                problems.len(),
                if problems.len() == 1 { "" } else { "s" }
            );
            for p in problems {
                eprintln!("{p}");
            }
            ExitCode::from(1)
        }
    }
}
