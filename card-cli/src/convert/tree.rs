//! The markup being written: tags, attributes and text, and how it is printed.
//!
//! Printing follows rustfmt's habits for the code around it: four spaces per level, one line
//! while it fits in [`WIDTH`] columns, otherwise one attribute or child per line.

use std::fmt::Write as _;

use serde_json::Value;

/// The column where a line should end, like rustfmt's `max_width`.
const WIDTH: usize = 100;

/// One tag of the markup.
#[derive(Debug, Clone, PartialEq)]
pub struct Tag {
    /// The tag name (`button`, `column`, `text_tag`).
    pub name: String,
    /// Attributes in the order they are written.
    pub attrs: Vec<(String, AttrValue)>,
    /// Child tags and text.
    pub children: Vec<Node>,
    /// Written `<tag></tag>` even without children: an empty `elements` list, as opposed to
    /// none (`<tag/>`).
    pub closed: bool,
}

impl Tag {
    /// A tag without attributes or children.
    pub fn new(name: impl Into<String>) -> Tag {
        Tag {
            name: name.into(),
            attrs: Vec::new(),
            children: Vec::new(),
            closed: false,
        }
    }

    /// Adds an attribute.
    pub fn attr(&mut self, name: impl Into<String>, value: AttrValue) {
        self.attrs.push((name.into(), value));
    }
}

/// A child of a tag.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    /// A nested tag.
    Tag(Tag),
    /// A string child: the text of its parent.
    Text(String),
}

/// What follows an attribute's name.
#[derive(Debug, Clone, PartialEq)]
pub enum AttrValue {
    /// A bare attribute: `true`.
    Flag,
    /// A literal: a string, a number or `false`, already written as Rust source.
    Literal(String),
    /// Free-form JSON, written as `{serde_json::json!(…)}`.
    Json(Value),
    /// A typed value read from JSON by serde, for the lists and maps markup has no literal
    /// for: `{serde_json::from_value::<Vec<_>>(serde_json::json!(…)).expect(…)}`. The
    /// collection (`Vec<_>` or `std::collections::BTreeMap<_, _>`) lets inference find the
    /// field's element type.
    Typed(&'static str, Value),
    /// Any Rust expression, written in braces.
    Expr(String),
}

impl AttrValue {
    /// A string literal.
    pub fn string(s: &str) -> AttrValue {
        AttrValue::Literal(rust_string(s))
    }
}

/// A Rust string literal holding `s`: quotes, backslashes and control characters escaped,
/// every other character (emoji with their variation selectors, CJK) kept as written.
pub fn rust_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A JSON number as a Rust literal that keeps its JSON type: integers within `i32` unsuffixed
/// (which is what an unsuffixed literal becomes), larger ones suffixed so that they do not
/// overflow `i32`, floats always with a dot or an exponent.
pub fn rust_number(n: &serde_json::Number) -> String {
    if let Some(i) = n.as_i64() {
        if i32::try_from(i).is_ok() {
            i.to_string()
        } else {
            format!("{i}i64")
        }
    } else if let Some(u) = n.as_u64() {
        format!("{u}u64")
    } else {
        let text = n.to_string();
        if text.contains(['.', 'e', 'E']) || text.contains("inf") || text.contains("NaN") {
            text
        } else {
            format!("{text}.0")
        }
    }
}

/// The whole `card!` invocation, indented by `indent` levels of four spaces (its first line
/// is not indented: it follows whatever the caller writes before it).
pub fn print_card(root: &Tag) -> String {
    let mut out = String::from("feishu_card::card! {\n");
    print_tag(&mut out, root, 1);
    out.push('}');
    out
}

fn pad(out: &mut String, level: usize) {
    for _ in 0..level {
        out.push_str("    ");
    }
}

/// An attribute as written in an open tag, for an attribute printed at `level`.
fn attr_text(name: &str, value: &AttrValue, level: usize) -> String {
    match value {
        AttrValue::Flag => name.to_owned(),
        AttrValue::Literal(lit) => format!("{name}={lit}"),
        AttrValue::Json(v) => format!("{name}={{{}}}", json_expr(v, level, name.len() + 2)),
        AttrValue::Typed(collection, v) => {
            let prefix = format!("{name}={{serde_json::from_value::<{collection}>(");
            let json = json_expr(v, level, prefix.len());
            format!("{prefix}{json}).expect(\"JSON written from the model reads back\")}}")
        }
        AttrValue::Expr(e) => format!("{name}={{{e}}}"),
    }
}

fn print_tag(out: &mut String, tag: &Tag, level: usize) {
    let attrs: Vec<String> = tag
        .attrs
        .iter()
        .map(|(n, v)| attr_text(n, v, level + 1))
        .collect();
    let empty = tag.children.is_empty() && !tag.closed;
    let end = if empty { "/>" } else { ">" };
    let one_line_open = format!(
        "<{}{}{end}",
        tag.name,
        attrs.iter().map(|a| format!(" {a}")).collect::<String>()
    );
    let fits = |line: &str| level * 4 + line.chars().count() <= WIDTH && !line.contains('\n');
    pad(out, level);
    if fits(&one_line_open) {
        // An empty list stays on one line: `<column></column>`.
        if tag.children.is_empty() && tag.closed {
            let _ = writeln!(out, "{one_line_open}</{}>", tag.name);
            return;
        }
        // A tag whose only child is its text stays on one line when it fits.
        if let [Node::Text(text)] = tag.children.as_slice() {
            let line = format!("{one_line_open}{}</{}>", rust_string(text), tag.name);
            if fits(&line) {
                out.push_str(&line);
                out.push('\n');
                return;
            }
        }
        out.push_str(&one_line_open);
    } else {
        let _ = write!(out, "<{}", tag.name);
        for a in &attrs {
            out.push('\n');
            pad(out, level + 1);
            out.push_str(a);
        }
        out.push('\n');
        pad(out, level);
        out.push_str(end);
    }
    out.push('\n');
    if empty {
        return;
    }
    for child in &tag.children {
        match child {
            Node::Tag(t) => print_tag(out, t, level + 1),
            Node::Text(text) => {
                pad(out, level + 1);
                out.push_str(&rust_string(text));
                out.push('\n');
            }
        }
    }
    pad(out, level);
    let _ = writeln!(out, "</{}>", tag.name);
}

/// How deep `serde_json::json!` recurses to read `v`, roughly: a few steps per entry of every
/// object and array on the way down. Past the compiler's default `recursion_limit` (128) the
/// macro does not compile.
fn json_depth(v: &Value) -> usize {
    match v {
        Value::Array(items) => 2 * items.len() + items.iter().map(json_depth).max().unwrap_or(0),
        Value::Object(map) => 5 * map.len() + map.values().map(json_depth).max().unwrap_or(0),
        _ => 1,
    }
}

/// The most `json_depth` one `serde_json::json!` is given, with room to spare under 128.
const JSON_DEPTH: usize = 96;

/// A Rust expression of type `serde_json::Value` holding `v`: one `serde_json::json!(…)` when
/// the macro can read it within the default recursion limit, else the large arrays and objects
/// built with `serde_json::Value::from_iter` around smaller `json!`s.
pub fn json_expr(v: &Value, level: usize, column: usize) -> String {
    if json_depth(v) <= JSON_DEPTH {
        let prefix = "serde_json::json!(";
        return format!(
            "{prefix}{})",
            json_text(v, level, column + prefix.len() + 1)
        );
    }
    let mut out = String::from("serde_json::Value::from_iter([");
    let entries: Vec<String> = match v {
        Value::Array(items) => items
            .iter()
            .map(|item| json_expr(item, level + 1, 0))
            .collect(),
        Value::Object(map) => map
            .iter()
            .map(|(k, item)| {
                let key = rust_string(k);
                let value = json_expr(item, level + 1, key.len() + 3);
                format!("({key}, {value})")
            })
            .collect(),
        // Scalars are one step deep.
        other => return json_compact(other),
    };
    for entry in &entries {
        out.push('\n');
        pad(&mut out, level + 1);
        out.push_str(entry);
        out.push(',');
    }
    out.push('\n');
    pad(&mut out, level);
    out.push_str("])");
    out
}

/// JSON as the inside of `serde_json::json!(…)`: on one line when it fits after `column`
/// characters of a line indented `level` times, else spread over lines indented from `level`.
pub fn json_text(v: &Value, level: usize, column: usize) -> String {
    let compact = json_compact(v);
    if level * 4 + column + compact.chars().count() <= WIDTH {
        return compact;
    }
    let mut out = String::new();
    json_pretty(&mut out, v, level);
    out
}

fn json_compact(v: &Value) -> String {
    match v {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => rust_number(n),
        Value::String(s) => rust_string(s),
        Value::Array(items) => {
            let inner: Vec<String> = items.iter().map(json_compact).collect();
            format!("[{}]", inner.join(", "))
        }
        Value::Object(map) => {
            if map.is_empty() {
                return "{}".to_owned();
            }
            let inner: Vec<String> = map
                .iter()
                .map(|(k, v)| format!("{}: {}", rust_string(k), json_compact(v)))
                .collect();
            format!("{{{}}}", inner.join(", "))
        }
    }
}

fn json_pretty(out: &mut String, v: &Value, level: usize) {
    match v {
        Value::Array(items) if !items.is_empty() => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                out.push('\n');
                pad(out, level + 1);
                out.push_str(&json_text(item, level + 1, 0));
                if i + 1 < items.len() {
                    out.push(',');
                }
            }
            out.push('\n');
            pad(out, level);
            out.push(']');
        }
        Value::Object(map) if !map.is_empty() => {
            out.push('{');
            let len = map.len();
            for (i, (k, item)) in map.iter().enumerate() {
                out.push('\n');
                pad(out, level + 1);
                let key = format!("{}: ", rust_string(k));
                out.push_str(&key);
                out.push_str(&json_text(item, level + 1, key.len()));
                if i + 1 < len {
                    out.push(',');
                }
            }
            out.push('\n');
            pad(out, level);
            out.push('}');
        }
        other => out.push_str(&json_compact(other)),
    }
}
