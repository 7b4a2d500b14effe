//! What the server gives to read: the component reference (generated from the registry), the
//! three reference cards, the prompt that teaches when and how to send a card, and with
//! `--emulator` the emulator's state.

use card_core::registry::LIMITS;
#[cfg(test)]
use serde_json::Value;

/// The component reference.
pub const REFERENCE_URI: &str = "feishu-card://reference";
/// The emulator's state (`--emulator` only).
pub const EMULATOR_STATE_URI: &str = "feishu-card://emulator/state";
/// The prompt's name.
pub const PROMPT_NAME: &str = "feishu_cards";

/// A reference card: its name, what it is for, its JSON.
pub struct Template {
    /// Short name, also the last part of its URI.
    pub name: &'static str,
    /// When to use it.
    pub description: &'static str,
    /// The card.
    pub json: &'static str,
}

/// The three reference cards.
pub static TEMPLATES: &[Template] = &[
    Template {
        name: "confirm",
        description: "Confirm a risky action: a question and two buttons (confirm, cancel).",
        json: include_str!("templates/confirm.json"),
    },
    Template {
        name: "quick-select",
        description: "A quick choice: a prompt and one button per option.",
        json: include_str!("templates/quick-select.json"),
    },
    Template {
        name: "data-display",
        description: "Structured data: a table with typed columns, and a link button.",
        json: include_str!("templates/data-display.json"),
    },
];

/// The URI of a reference card.
pub fn template_uri(name: &str) -> String {
    format!("feishu-card://templates/{name}")
}

/// The reference card with this URI.
pub fn template(uri: &str) -> Option<&'static Template> {
    TEMPLATES.iter().find(|t| template_uri(t.name) == uri)
}

/// The prompt: when to send a card instead of text, and how.
pub fn prompt_text() -> String {
    let limits = format!(
        "at most {} bytes, {} components, {} tables (markdown tables count too) and {} levels of nested containers",
        LIMITS.max_bytes, LIMITS.max_elements, LIMITS.max_tables, LIMITS.max_depth
    );
    let mut text = String::from(
        "You can send Feishu (Lark) interactive cards with the feishu_* tools. Use them well:\n\
         \n\
         When a card beats plain text:\n\
         - the user must choose between options, or confirm an action that cannot be undone: \
           feishu_ask_user with `choices` waits for the click and gives you the answer;\n\
         - you need several values from the user (a form): feishu_ask_user with `fields`, or \
           feishu_send_form with a card holding a `form` when you handle the submission elsewhere;\n\
         - you show structured data (a table, a chart, key figures side by side in columns) or \
           offer quick-action buttons: feishu_send_card;\n\
         - you write a long answer as you generate it: feishu_stream_start, then \
           feishu_stream_append as text comes, then feishu_stream_finish.\n\
         Otherwise answer in plain text: a card for a one-line reply is noise.\n\
         \n\
         How to write a card (Card JSON 2.0):\n\
         - one JSON object: `\"schema\": \"2.0\"`, an optional `header` \
           (`{\"title\": {\"tag\": \"plain_text\", \"content\": \"…\"}, \"template\": \"blue\"}`), \
           and `body.elements`, the components from top to bottom;\n\
         - only the properties in the component reference exist: Feishu refuses any other \
           (code 200621), and 1.0 cards (top-level `elements`, `note`, `action`) are refused;\n\
         - a `table` and a `form` sit directly in `body.elements`, never inside a column;\n\
         - inside a `form`, every field and button has a unique `name`, and one button has \
           `form_action_type: \"submit\"`;\n\
         - keep cards small: {LIMITS}.\n\
         \n\
         Before sending a card you are unsure of, call feishu_validate_card: every problem \
         comes with its rule, where it is (a JSON pointer) and a `fix` to apply. The send tools \
         check too and send nothing when the card is invalid, so read the diagnostics, apply \
         the fixes and call again. Pass the card as a JSON object rather than a string: strings \
         are easy to mis-escape.\n\
         \n\
         To change a card you sent, call feishu_update_card with the `message_id` the send \
         returned (or the `token` of a callback, or a `card_id`).\n\
         \n\
         The resources hold the full component reference (",
    );
    text = text.replace("{LIMITS}", &limits);
    text.push_str(REFERENCE_URI);
    text.push_str(") and three reference cards: ");
    let uris: Vec<String> = TEMPLATES
        .iter()
        .map(|t| format!("{} ({})", template_uri(t.name), t.name))
        .collect();
    text.push_str(&uris.join(", "));
    text.push_str(". Start from one of them when it fits.\n");
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use card_core::validate::validate_value;

    fn template_json(t: &Template) -> Option<Value> {
        serde_json::from_str(t.json).ok()
    }

    #[test]
    fn the_reference_cards_are_valid_and_the_same_as_the_seed() {
        for t in TEMPLATES {
            let card = template_json(t).unwrap_or_default();
            assert!(!validate_value(&card).has_errors(), "{}", t.name);
            let seed = format!(
                "{}/../../shared/corpus/seed/template-{}.json",
                env!("CARGO_MANIFEST_DIR"),
                t.name
            );
            // The seed sits beside the repository, as in CI, where it must be.
            match std::fs::read_to_string(&seed) {
                Ok(text) => {
                    let seed: Value = serde_json::from_str(&text).unwrap_or_default();
                    assert_eq!(card, seed, "{} differs from the seed", t.name);
                }
                Err(err) => {
                    assert_ne!(std::env::var("CI").as_deref(), Ok("true"), "{seed}: {err}");
                    eprintln!("{seed}: {err}; comparing with the seed skipped");
                }
            }
            assert!(template(&template_uri(t.name)).is_some());
        }
    }

    #[test]
    fn the_prompt_names_every_tool_and_resource() {
        let text = prompt_text();
        for tool in super::super::tools::NAMES {
            assert!(text.contains(tool), "{tool}");
        }
        assert!(text.contains(REFERENCE_URI));
    }
}
