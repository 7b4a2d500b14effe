//! The whole format as one Markdown document, generated from the table: every component, its
//! attributes with their values, what is required, where it may stand, the card-wide limits and
//! every rule. Because it is read from the registry, it can never disagree with the validator.
//!
//! Written for readers that learn the format from text (people, and language models that write
//! card JSON).
//!
//! ```
//! let doc = card_core::registry::reference::markdown();
//! assert!(doc.contains("### `table`"));
//! assert!(doc.contains("`nesting.table-not-at-root`"));
//! ```

use std::fmt::Write;

use super::{
    Attr, Category, Component, FormOnly, FormRole, Kind, Required, Status, BODY, CARD, CARD_LINK,
    COMPONENTS, CONFIG, HEADER, LIMITS, REMOVED_CARD_KEYS, REMOVED_COMPONENTS, RULES, SUB_ELEMENTS,
    SUB_ELEMENT_HOMES,
};

/// How deep nested objects (`behaviors[].value`, `config.style.color`) are spelt out.
const MAX_NESTING: usize = 3;

/// The reference, as Markdown.
pub fn markdown() -> String {
    let mut out = String::with_capacity(64 * 1024);
    out.push_str("# Card JSON 2.0: component reference\n\n");
    out.push_str(
        "A card is one JSON object: `schema` (`\"2.0\"`), an optional `config` and `header`, and \
         `body.elements`, the list of components shown top to bottom. Containers \
         (`column_set` → `column`, `form`, `interactive_container`, `collapsible_panel`) hold \
         their own `elements`. Any property not listed here is refused.\n\n",
    );

    out.push_str("## Limits\n\n");
    let _ = writeln!(
        out,
        "- serialized size: at most {} bytes\n- components and elements (every tagged object counts): at most {}\n- container nesting: at most {} levels\n- `table` components: at most {}\n- header tags shown: at most {}\n",
        LIMITS.max_bytes,
        LIMITS.max_elements,
        LIMITS.max_depth,
        LIMITS.max_tables,
        LIMITS.max_header_tags
    );

    out.push_str("## The card\n\n");
    section(&mut out, "Top level", CARD);
    section(&mut out, "`config`", CONFIG);
    section(&mut out, "`header`", HEADER);
    section(&mut out, "`body`", BODY);
    section(&mut out, "`card_link`", CARD_LINK);

    for (category, title) in [
        (Category::Container, "Containers"),
        (Category::Display, "Display components"),
        (Category::Interactive, "Interactive components"),
    ] {
        let _ = writeln!(out, "## {title}\n");
        for c in COMPONENTS.iter().filter(|c| c.category == category) {
            component(&mut out, c);
        }
    }

    out.push_str("## Sub-elements\n\nThese live only inside another component, never directly in an `elements` list.\n\n");
    for c in SUB_ELEMENTS {
        component(&mut out, c);
        if let Some((_, home)) = SUB_ELEMENT_HOMES.iter().find(|(tag, _)| *tag == c.tag) {
            let _ = writeln!(out, "Where it goes: {home}.\n");
        }
    }

    out.push_str("## Removed in 2.0\n\n");
    for (tag, instead) in REMOVED_COMPONENTS {
        let _ = writeln!(out, "- component `{tag}`: {instead}");
    }
    for (key, instead) in REMOVED_CARD_KEYS {
        let _ = writeln!(out, "- top-level `{key}`: {instead}");
    }
    out.push('\n');

    out.push_str("## Rules\n\nEvery problem the validator reports carries one of these ids.\n\n");
    out.push_str("| rule | severity | what it says |\n|---|---|---|\n");
    for r in RULES {
        let _ = writeln!(out, "| `{}` | {} | {} |", r.id, r.severity, cell(r.summary));
    }
    out
}

fn component(out: &mut String, c: &Component) {
    let _ = writeln!(out, "### `{}`\n\n{}.", c.tag, capitalise(c.summary));
    let mut facts = Vec::new();
    if let Some(rule) = c.placement.root_only {
        facts.push(format!("only directly in `body.elements` (rule `{rule}`)"));
    }
    match c.placement.form_only {
        FormOnly::Never => {}
        FormOnly::Always(rule) => facts.push(format!("only inside a `form` (rule `{rule}`)")),
        FormOnly::WhenTrue(attr, rule) => facts.push(format!(
            "only inside a `form` when `{attr}` is `true` (rule `{rule}`)"
        )),
    }
    if let Some(children) = c.children {
        facts.push(format!("holds its children in `{children}`"));
    }
    if c.nests {
        facts.push("counts as one level of nesting".to_owned());
    }
    match c.form {
        FormRole::None => {}
        FormRole::Field(_) => facts
            .push("inside a form, submits its value under its `name` (required there)".to_owned()),
        FormRole::Button => facts.push(
            "inside a form, needs a `name`; `form_action_type: \"submit\"` submits the form"
                .to_owned(),
        ),
    }
    if !c.note.is_empty() {
        facts.push(format!("note: {}", c.note));
    }
    for fact in facts {
        let _ = writeln!(out, "- {fact}");
    }
    out.push('\n');
    attr_table(out, c.attrs);
}

fn section(out: &mut String, title: &str, attrs: &[Attr]) {
    let _ = writeln!(out, "### {title}\n");
    attr_table(out, attrs);
}

fn attr_table(out: &mut String, attrs: &[Attr]) {
    if attrs.is_empty() {
        out.push_str("No attributes besides `tag`.\n\n");
        return;
    }
    out.push_str("| attribute | value | required | notes |\n|---|---|---|---|\n");
    for a in attrs {
        rows(out, "", a, 0);
    }
    out.push('\n');
}

/// One row for `a`, then rows for the attributes of the objects it holds.
fn rows(out: &mut String, prefix: &str, a: &Attr, depth: usize) {
    let name = format!("{prefix}{}", a.name);
    let required = match a.required {
        Required::No => "",
        Required::Yes => "yes",
        Required::InForm => "in a form",
    };
    let mut notes = Vec::new();
    match a.status {
        Status::Current => {}
        Status::History => notes.push("accepted (history)".to_owned()),
        Status::Legacy(rule) => notes.push(format!("1.0 leftover, warns `{rule}`")),
    }
    if a.lenient {
        notes.push("other values only warn".to_owned());
    }
    if let Kind::Text {
        max_chars: Some(n), ..
    } = a.kind
    {
        notes.push(format!("at most {n} characters"));
    }
    if !a.note.is_empty() {
        notes.push(a.note.to_owned());
    }
    let _ = writeln!(
        out,
        "| `{name}` | {} | {required} | {} |",
        cell(&a.kind.describe()),
        cell(&notes.join("; "))
    );
    if depth >= MAX_NESTING {
        return;
    }
    nested(out, &name, &a.kind, depth);
}

fn nested(out: &mut String, name: &str, kind: &Kind, depth: usize) {
    match kind {
        Kind::Object(attrs) => {
            for inner in *attrs {
                rows(out, &format!("{name}."), inner, depth + 1);
            }
        }
        Kind::Union { key, shapes } => {
            for shape in *shapes {
                for inner in shape.attrs {
                    rows(
                        out,
                        &format!("{name}[{key}={}].", shape.value),
                        inner,
                        depth + 1,
                    );
                }
            }
        }
        Kind::List(item) => nested(out, &format!("{name}[]"), item, depth),
        Kind::Map(item) => nested(out, &format!("{name}.<name>"), item, depth),
        Kind::AnyOf(kinds) => {
            for k in *kinds {
                nested(out, name, k, depth);
            }
        }
        _ => {}
    }
}

/// Text made safe for a Markdown table cell.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::all_components;

    #[test]
    fn every_tag_rule_attribute_and_enum_value_is_in_the_reference() {
        let doc = markdown();
        for c in all_components() {
            assert!(doc.contains(&format!("`{}`", c.tag)), "tag {}", c.tag);
            for a in c.attrs {
                assert!(
                    doc.contains(&format!("`{}`", a.name)),
                    "{}.{}",
                    c.tag,
                    a.name
                );
                if let Kind::Enum(values) = a.kind {
                    for v in values {
                        assert!(
                            doc.contains(&format!("`{v}`")),
                            "{}.{} = {v}",
                            c.tag,
                            a.name
                        );
                    }
                }
            }
        }
        for r in RULES {
            assert!(doc.contains(&format!("| `{}` |", r.id)), "rule {}", r.id);
        }
        assert!(doc.contains(&LIMITS.max_bytes.to_string()));
        for (tag, _) in REMOVED_COMPONENTS {
            assert!(doc.contains(&format!("component `{tag}`")));
        }
    }

    #[test]
    fn placement_rules_are_stated_on_their_components() {
        let doc = markdown();
        let table = doc.split("### `table`").nth(1).unwrap_or_default();
        let table = table.split("### ").next().unwrap_or_default();
        assert!(
            table.contains("only directly in `body.elements`"),
            "{table}"
        );
        let multi = doc
            .split("### `multi_select_static`")
            .nth(1)
            .unwrap_or_default();
        assert!(multi.contains("only inside a `form`"));
    }
}
