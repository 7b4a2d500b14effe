//! `feishu-card send-form`: send a card that holds a form, and say which fields it submits.
//!
//! A card without a form, or whose forms hold no field, is refused (exit 1) without sending:
//! `send` is the command for other cards. Which components open a form and which are its
//! fields is read from the registry.

use std::path::PathBuf;
use std::process::ExitCode;

use card_core::registry::{self, Container, FormRole, FormValue};
use serde_json::Value;

use crate::input::display_name;
use crate::net::{card_from, with_session, Net, Recipient, EXIT_CARD};
use crate::validate::Check;

/// Arguments of `feishu-card send-form`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub to: Recipient,
    /// Idempotency key (at most 50 characters).
    #[arg(long)]
    pub uuid: Option<String>,
    #[command(flatten)]
    pub check: Check,
    #[command(flatten)]
    pub net: Net,
    /// The card (`-` for standard input).
    pub file: PathBuf,
}

/// One form of a card and the fields it submits.
#[derive(Debug, Default)]
pub(crate) struct Form {
    pub(crate) name: String,
    pub(crate) fields: Vec<(String, &'static str)>,
}

fn kind_name(role: FormRole) -> &'static str {
    match role {
        FormRole::Field(FormValue::Text) => "text",
        FormRole::Field(FormValue::List) => "list",
        FormRole::Field(FormValue::Bool) => "bool",
        FormRole::Field(FormValue::Date) => "date",
        FormRole::Field(FormValue::Time) => "time",
        FormRole::Field(FormValue::DateTime) => "datetime",
        FormRole::Button => "button",
        FormRole::None => "",
    }
}

/// Every form of the card, in order, with its fields.
pub(crate) fn forms(card: &Value) -> Vec<Form> {
    fn walk(v: &Value, current: Option<usize>, out: &mut Vec<Form>) {
        match v {
            Value::Object(obj) => {
                let component = obj
                    .get("tag")
                    .and_then(Value::as_str)
                    .and_then(registry::component);
                let mut current = current;
                if let Some(c) = component {
                    if c.opens == Some(Container::Form) {
                        out.push(Form {
                            name: obj
                                .get("name")
                                .and_then(Value::as_str)
                                .unwrap_or_default()
                                .to_owned(),
                            fields: Vec::new(),
                        });
                        current = Some(out.len() - 1);
                    } else if let (Some(i), FormRole::Field(_)) = (current, c.form) {
                        let name = obj.get("name").and_then(Value::as_str).unwrap_or_default();
                        out[i].fields.push((name.to_owned(), kind_name(c.form)));
                    }
                }
                obj.values().for_each(|v| walk(v, current, out));
            }
            Value::Array(items) => items.iter().for_each(|v| walk(v, current, out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(card, None, &mut out);
    out
}

/// Runs `feishu-card send-form`.
pub fn run(args: Args) -> ExitCode {
    let policy = args.check.policy();
    let card = match card_from(&args.file, policy) {
        Ok(card) => card,
        Err(code) => return code,
    };
    let name = display_name(&args.file);
    let forms = forms(&card);
    let form_tags: Vec<&str> = registry::COMPONENTS
        .iter()
        .filter(|c| c.opens == Some(Container::Form))
        .map(|c| c.tag)
        .collect();
    if forms.iter().all(|f| f.fields.is_empty()) {
        let what = if forms.is_empty() {
            format!("has no `{}`", form_tags.join("` or `"))
        } else {
            "has a form without fields".to_owned()
        };
        eprintln!(
            "error: {name} {what}: send-form sends cards that collect input; use `feishu-card send` for other cards"
        );
        return ExitCode::from(EXIT_CARD);
    }
    for form in &forms {
        let fields: Vec<String> = form
            .fields
            .iter()
            .map(|(n, kind)| format!("{n} ({kind})"))
            .collect();
        eprintln!("form `{}` submits: {}", form.name, fields.join(", "));
    }
    with_session(&args.net, policy, |session| {
        crate::send::send(session, args.to, args.uuid, card)
    })
}
