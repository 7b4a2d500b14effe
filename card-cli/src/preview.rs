//! `feishu-card preview`: a self-contained HTML page that shows a card as the Feishu client
//! draws it.
//!
//! The page goes to `-o FILE` (or standard output). A card with problems Feishu would refuse is
//! still drawn when it can be read, its problems listed, and the exit status is 1; a card the
//! typed model cannot read is not drawn (exit 1); unreadable input is exit 2. A component this
//! version does not know is drawn as a box naming its tag; with `--lenient` it (and a property
//! this version does not know) is a warning rather than a problem.

use std::path::PathBuf;
use std::process::ExitCode;

use card_core::model::{Card, Locale, ParseError, WidthMode};
use card_core::preview::{render_with, Options};
use card_core::validate::validate_value_with;

use crate::input::{display_name, read_json};
use crate::net::{print_out, EXIT_CARD, EXIT_USAGE};
use crate::validate::Check;

/// Arguments of `feishu-card preview`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Write the page to this file instead of standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// The page title (default: the card file's name).
    #[arg(long)]
    pub title: Option<String>,
    /// The language of multi-language texts (`zh_cn`, `en_us`, `ja_jp`, …).
    #[arg(long, value_parser = parse_locale)]
    pub locale: Option<Locale>,
    /// The card width: `default` (600 px), `compact` (400 px) or `fill`; default: the card's own
    /// `config.width_mode`.
    #[arg(long, value_parser = parse_width)]
    pub width: Option<WidthMode>,
    #[command(flatten)]
    pub check: Check,
    /// The card (`-` for standard input).
    pub file: PathBuf,
}

fn parse_locale(s: &str) -> Result<Locale, String> {
    s.parse()
        .map_err(|e: card_core::model::ParseEnumError| e.to_string())
}

fn parse_width(s: &str) -> Result<WidthMode, String> {
    s.parse()
        .map_err(|e: card_core::model::ParseEnumError| e.to_string())
}

/// Runs `feishu-card preview`.
pub fn run(args: Args) -> ExitCode {
    let name = display_name(&args.file);
    let value = match read_json(&args.file) {
        Ok(value) => value,
        Err(code) => return code,
    };
    let card = match Card::from_value(&value) {
        Ok(card) => card,
        Err(err @ ParseError::Version1 { .. }) => {
            eprintln!("error: {name}: {err}");
            eprintln!("hint: `feishu-card migrate {name}` turns a JSON 1.0 card into 2.0");
            return ExitCode::from(EXIT_CARD);
        }
        Err(err) => {
            for problem in err.diagnostics().iter() {
                eprintln!("{name}: {problem}");
            }
            eprintln!("error: {name} cannot be read as a Card JSON 2.0 card; nothing was drawn");
            return ExitCode::from(EXIT_CARD);
        }
    };
    let diagnostics = validate_value_with(&value, args.check.options());
    for d in diagnostics.iter() {
        eprintln!("{name}: {d}");
    }

    let title = args.title.unwrap_or_else(|| match args.file.file_name() {
        Some(file) if name != "<stdin>" => file.to_string_lossy().into_owned(),
        _ => "card".to_owned(),
    });
    let mut options = Options::new().title(title);
    if let Some(locale) = args.locale {
        options = options.locale(locale);
    }
    if let Some(width) = args.width {
        options = options.width(width);
    }
    let page = render_with(&card, &options);
    match &args.output {
        Some(path) => {
            if let Err(err) = std::fs::write(path, &page) {
                eprintln!("error: cannot write {}: {err}", path.display());
                return ExitCode::from(EXIT_USAGE);
            }
            eprintln!("wrote {} ({} bytes)", path.display(), page.len());
        }
        None => print_out(&page),
    }
    if diagnostics.has_errors() {
        eprintln!("error: {name} has problems Feishu would refuse; the preview shows it anyway");
        ExitCode::from(EXIT_CARD)
    } else {
        ExitCode::SUCCESS
    }
}
