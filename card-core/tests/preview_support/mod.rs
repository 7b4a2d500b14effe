//! What the preview tests share: the corpus, the texts a card must show (read from its JSON,
//! independently of the renderer) and the text a page shows.

#![allow(dead_code)]

pub mod png;

use std::path::PathBuf;

use serde_json::{json, Map, Value};

/// `shared/corpus`, next to the workspace.
pub fn corpus() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus")
}

/// Every seed card by file stem: the templates as they are, each component wrapped in a card.
pub fn seed_cards() -> Vec<(String, Value)> {
    let dir = corpus().join("seed");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|path| {
            let name = path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            let text = std::fs::read_to_string(&path).expect("a seed file");
            let value: Value = serde_json::from_str(&text).expect("seed JSON");
            let card = if name.starts_with("component-") {
                json!({"schema": "2.0", "body": {"elements": [value]}})
            } else {
                value
            };
            (name, card)
        })
        .collect()
}

/// Keys whose texts a card does not show (dialogs, tips, callback values, hidden translations).
const HIDDEN: &[&str] = &[
    "confirm",
    "hover_tips",
    "disabled_tips",
    "fallback",
    "chart_spec",
    "behaviors",
    "value",
    "i18n_content",
    "i18n",
    "i18n_text_tag_list",
    "alt",
    "summary",
    "i18n_default_value",
];

/// Keys whose presence hides a sibling placeholder.
const INITIAL: &[&str] = &[
    "default_value",
    "initial_option",
    "initial_index",
    "initial_date",
    "initial_time",
    "initial_datetime",
    "selected_values",
];

/// The texts a card shows, as fragments to look for in the page.
pub fn expected_texts(card: &Value) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(header) = card.get("header") {
        for key in ["title", "subtitle"] {
            if let Some(t) = header.get(key) {
                walk(t, &mut out);
            }
        }
        // The client shows the first three tags.
        if let Some(tags) = header.get("text_tag_list").and_then(Value::as_array) {
            for tag in tags.iter().take(3) {
                walk(tag, &mut out);
            }
        }
    }
    if let Some(body) = card.get("body") {
        walk(body, &mut out);
    }
    out
}

fn text_content(object: &Map<String, Value>) -> Option<String> {
    let content = object.get("content").and_then(Value::as_str).unwrap_or("");
    if !content.is_empty() {
        return Some(content.to_owned());
    }
    let i18n = object
        .get("i18n_content")
        .or_else(|| object.get("i18n"))?
        .as_object()?;
    ["zh_cn", "en_us"]
        .iter()
        .find_map(|l| i18n.get(*l))
        .or_else(|| i18n.values().next())
        .and_then(Value::as_str)
        .map(str::to_owned)
}

fn walk(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Array(items) => items.iter().for_each(|v| walk(v, out)),
        Value::Object(object) => {
            let tag = object.get("tag").and_then(Value::as_str);
            if object.contains_key("content") || object.contains_key("i18n_content") {
                if let Some(content) = text_content(object) {
                    match tag {
                        Some("plain_text") | None => out.extend(plain_fragments(&content)),
                        _ => out.extend(markdown_fragments(&content)),
                    }
                }
            }
            if tag == Some("table") {
                table_texts(object, out);
                return;
            }
            let has_initial = INITIAL.iter().any(|k| object.contains_key(*k));
            for (key, child) in object {
                if HIDDEN.contains(&key.as_str()) || (key == "placeholder" && has_initial) {
                    continue;
                }
                if tag == Some("img") && key == "title" {
                    walk(child, out);
                    continue;
                }
                walk(child, out);
            }
        }
        _ => {}
    }
}

/// Column names and the `text` cells of a table's first page.
fn table_texts(table: &Map<String, Value>, out: &mut Vec<String>) {
    let columns = table
        .get("columns")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    for column in &columns {
        let name = column
            .get("display_name")
            .or_else(|| column.get("name"))
            .and_then(Value::as_str)
            .unwrap_or("");
        out.extend(plain_fragments(name));
    }
    let page = table.get("page_size").and_then(Value::as_u64).unwrap_or(5) as usize;
    let rows = table
        .get("rows")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    for row in rows.iter().take(page) {
        for column in &columns {
            let text_column = matches!(
                column.get("data_type").and_then(Value::as_str),
                Some("text") | None
            );
            let name = column.get("name").and_then(Value::as_str).unwrap_or("");
            if let (true, Some(cell)) = (text_column, row.get(name).and_then(Value::as_str)) {
                out.extend(plain_fragments(cell));
            }
        }
    }
}

fn plain_fragments(s: &str) -> Vec<String> {
    s.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The words of markdown: tags, link targets, images and markup characters taken away.
fn markdown_fragments(s: &str) -> Vec<String> {
    let mut text = strip_tags(s);
    text = strip_link_targets(&text);
    let text = decode_entities(&text);
    let mut out = Vec::new();
    let mut in_code = false;
    for line in text.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            in_code = !in_code;
            continue;
        }
        let mut line = trimmed;
        if !in_code {
            line = line.trim_start_matches(['-', '+', '*', ' ']);
            let digits = line.bytes().take_while(u8::is_ascii_digit).count();
            if digits > 0 && line[digits..].starts_with(". ") {
                line = &line[digits + 2..];
            }
        }
        for piece in line.split(['*', '~', '`', '#', '>', '|', '_', '\\']) {
            let piece = piece.trim();
            let rule_like = piece.chars().all(|c| matches!(c, '-' | ':' | ' '));
            if piece.chars().count() >= 2 && !rule_like {
                out.push(piece.to_owned());
            }
        }
    }
    out
}

/// Replaces `<tag …>` and `</tag>` (a letter or `/` right after `<`) with line breaks.
fn strip_tags(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(lt) = rest.find('<') {
        out.push_str(&rest[..lt]);
        let after = &rest[lt + 1..];
        let is_tag = after
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '/');
        match (is_tag, after.find('>')) {
            (true, Some(gt)) => {
                // A tag ends a fragment: what it stands for (a user, a date) is not its text.
                out.push('\n');
                rest = &after[gt + 1..];
            }
            _ => {
                out.push('<');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// `[text](url)` → `text`; `![alt](key)` → nothing.
fn strip_link_targets(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(open) = rest.find('[') {
        let Some(close) = rest[open..].find("](").map(|c| c + open) else {
            break;
        };
        let Some(end) = rest[close..].find(')').map(|e| e + close) else {
            break;
        };
        let image = rest[..open].ends_with('!');
        let before = if image {
            &rest[..open - 1]
        } else {
            &rest[..open]
        };
        out.push_str(before);
        if !image {
            out.push_str(&rest[open + 1..close]);
        }
        out.push(' ');
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    out
}

/// Decodes the character references a page or a card may hold.
pub fn decode_entities(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        let decoded = after.find(';').filter(|&semi| semi <= 10).and_then(|semi| {
            let name = &after[..semi];
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some(' '),
                _ => name
                    .strip_prefix("#x")
                    .or_else(|| name.strip_prefix("#X"))
                    .and_then(|h| u32::from_str_radix(h, 16).ok())
                    .or_else(|| name.strip_prefix('#').and_then(|d| d.parse().ok()))
                    .and_then(char::from_u32),
            }?;
            Some((c, semi))
        });
        match decoded {
            Some((c, semi)) => {
                out.push(c);
                rest = &after[semi + 1..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The text of a page: its `<style>` and tags removed, character references decoded.
pub fn visible_text(html: &str) -> String {
    let mut body = html.to_owned();
    while let (Some(start), Some(end)) = (body.find("<style"), body.find("</style>")) {
        if end < start {
            break;
        }
        body.replace_range(start..end + "</style>".len(), " ");
    }
    let mut text = String::new();
    let mut in_tag = false;
    for c in body.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                text.push(' ');
            }
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    decode_entities(&text)
}

/// The fragments of `expected` that `shown` lacks, whitespace ignored on both sides.
pub fn missing_texts(expected: &[String], shown: &str) -> Vec<String> {
    let squash = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    let shown = squash(shown);
    expected
        .iter()
        .filter(|e| !shown.contains(&squash(e)))
        .cloned()
        .collect()
}

/// Every tag of a page with its attribute names, read the way a browser reads them (values in
/// double quotes, as the preview writes them).
pub fn tags(html: &str) -> Vec<(String, Vec<String>)> {
    let mut found = Vec::new();
    let bytes = html.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'<' || !bytes.get(i + 1).is_some_and(u8::is_ascii_alphabetic) {
            i += 1;
            continue;
        }
        i += 1;
        let start = i;
        while i < bytes.len() && bytes[i].is_ascii_alphanumeric() {
            i += 1;
        }
        let name = html[start..i].to_ascii_lowercase();
        let mut attrs = Vec::new();
        loop {
            while i < bytes.len() && (bytes[i].is_ascii_whitespace() || bytes[i] == b'/') {
                i += 1;
            }
            if i >= bytes.len() || bytes[i] == b'>' {
                i += 1;
                break;
            }
            let attr_start = i;
            while i < bytes.len() && !matches!(bytes[i], b'=' | b'>' | b' ' | b'\t' | b'\n' | b'/')
            {
                i += 1;
            }
            attrs.push(html[attr_start..i].to_ascii_lowercase());
            if bytes.get(i) == Some(&b'=') {
                i += 1;
                match bytes.get(i) {
                    Some(&q @ (b'"' | b'\'')) => {
                        i += 1;
                        while i < bytes.len() && bytes[i] != q {
                            i += 1;
                        }
                        i += 1;
                    }
                    _ => {
                        while i < bytes.len() && !bytes[i].is_ascii_whitespace() && bytes[i] != b'>'
                        {
                            i += 1;
                        }
                    }
                }
            }
        }
        found.push((name, attrs));
    }
    found
}
