//! Valid cards for the property tests, generated from the registry.
//!
//! A card is built from a list of random numbers (so proptest can shrink it): a tree of
//! containers whose leaves are the corpus' reference example of each component (official
//! documentation cards, `corpus/seed/component-*.json`). Every component of the registry can be
//! drawn; where one may stand is decided by `registry::placement_violation`, scalar attributes
//! are redrawn from their registry value kinds, texts get arbitrary Unicode, and the card-wide
//! rules (unique ids and names, forms with a submit button, audio with forwarding off, limits)
//! are kept by construction.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::OnceLock;

use card_core::registry::{self, Attr, Component, Container, Format, Kind, Status};
use proptest::prelude::*;
use serde_json::{json, Map, Value};

/// Containers nest at most this deep here, below the registry's limit of 5.
const MAX_DEPTH: usize = 4;
/// Components per generated card, well below the limit of 200.
const MAX_COMPONENTS: usize = 60;

/// The reference example of every component, by tag.
pub fn examples() -> &'static BTreeMap<String, Value> {
    static EXAMPLES: OnceLock<BTreeMap<String, Value>> = OnceLock::new();
    EXAMPLES.get_or_init(|| {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus/seed");
        let mut out = BTreeMap::new();
        let entries = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()));
        for entry in entries.filter_map(Result::ok) {
            let name = entry.file_name().to_string_lossy().into_owned();
            let Some(tag) = name
                .strip_prefix("component-")
                .and_then(|n| n.strip_suffix(".json"))
            else {
                continue;
            };
            let text = std::fs::read(entry.path()).expect("a readable corpus file");
            let value: Value = serde_json::from_slice(&text).expect("corpus examples are JSON");
            out.insert(tag.to_owned(), value);
        }
        for c in registry::COMPONENTS.iter().copied() {
            assert!(
                out.contains_key(c.tag),
                "the corpus has no example of `{}`",
                c.tag
            );
        }
        out
    })
}

/// A source of choices: the numbers proptest drew, then zeros.
pub struct Draw {
    numbers: Vec<u32>,
    at: usize,
}

impl Draw {
    pub fn new(numbers: Vec<u32>) -> Draw {
        Draw { numbers, at: 0 }
    }

    pub fn next(&mut self) -> u32 {
        let n = self.numbers.get(self.at).copied().unwrap_or(0);
        self.at += 1;
        n
    }

    /// A number below `n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            self.next() as usize % n
        }
    }

    /// True about once in `n` draws.
    pub fn one_in(&mut self, n: u32) -> bool {
        self.next() % n.max(1) == 0
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// Short text with arbitrary Unicode: quotes, backslashes, control characters, emoji, CJK.
    pub fn text(&mut self) -> String {
        const SPECIAL: &[char] = &[
            '"', '\\', '\n', '\t', '\u{0}', '\u{7f}', '/', '<', '&', '😀', '确', '\u{2028}',
        ];
        let len = 1 + self.below(12);
        (0..len)
            .map(|_| match self.below(4) {
                0 => *self.pick(SPECIAL),
                1 => char::from_u32(self.next() % 0x11_0000).unwrap_or('x'),
                _ => char::from(b'a' + self.below(26) as u8),
            })
            .collect()
    }
}

/// Numbers for a card of moderate size.
pub fn numbers() -> impl Strategy<Value = Vec<u32>> {
    prop::collection::vec(any::<u32>(), 0..300)
}

/// What is already in the card, to keep ids and names unique and limits kept.
#[derive(Default)]
struct Built {
    serial: usize,
    components: usize,
    tables: usize,
    audio: bool,
}

impl Built {
    fn fresh(&mut self, prefix: &str) -> String {
        self.serial += 1;
        format!("{prefix}{}", self.serial)
    }
}

/// A valid Card JSON 2.0 card.
pub fn card(d: &mut Draw) -> Value {
    let mut built = Built::default();
    let mut elements = Vec::new();
    let wanted = 1 + d.below(8);
    for _ in 0..wanted {
        if let Some(e) = element(d, &mut built, &mut vec![Container::Body], 0) {
            elements.push(e);
        }
    }
    let mut card = json!({"schema": "2.0", "body": {"elements": elements}});
    if d.one_in(2) || built.audio {
        let mut config = Map::new();
        for attr in registry::CONFIG {
            if d.one_in(2) {
                if let Some(v) = scalar(d, attr) {
                    config.insert(attr.name.to_owned(), v);
                }
            }
        }
        if config.contains_key("update_multi") {
            config.insert("update_multi".into(), Value::Bool(true));
        }
        if built.audio {
            config.insert("enable_forward".into(), Value::Bool(false));
        }
        card["config"] = Value::Object(config);
    }
    if d.one_in(2) {
        let mut header = json!({"title": {"tag": "plain_text", "content": d.text()}});
        for attr in registry::HEADER {
            if d.one_in(2) {
                if let Some(v) = scalar(d, attr) {
                    header[attr.name] = v;
                }
            }
        }
        card["header"] = header;
    }
    card
}

/// A component that may stand inside `stack`, or `None` when the card is full.
fn element(
    d: &mut Draw,
    built: &mut Built,
    stack: &mut Vec<Container>,
    depth: usize,
) -> Option<Value> {
    if built.components >= MAX_COMPONENTS {
        return None;
    }
    let fits: Vec<&'static Component> = registry::COMPONENTS
        .iter()
        .copied()
        .filter(|c| registry::placement_violation(c, stack, false).is_none())
        .filter(|c| c.children.is_none() || depth < MAX_DEPTH)
        .filter(|c| c.tag != "table" || built.tables < registry::LIMITS.max_tables)
        .collect();
    let component = *d.pick(&fits);
    built.components += 1;
    let mut value = examples()[component.tag].clone();
    vary(d, component.attrs, &mut value);
    if component.tag == "table" {
        built.tables += 1;
    }
    if component.tag == "audio" {
        built.audio = true;
        if let Some(map) = value.as_object_mut() {
            map.remove("audio_id");
        }
    }
    // `multi_select: true` on `select_img` needs a form around it.
    if let Some(v) = registry::placement_violation(component, stack, value["multi_select"] == true)
    {
        let _ = v;
        value["multi_select"] = Value::Bool(false);
    }
    if component.attr("name").is_some() {
        value["name"] = Value::String(built.fresh(if component.tag == "form" {
            "form_"
        } else {
            "field_"
        }));
    }
    if component.attr("element_id").is_some() && d.one_in(2) {
        value["element_id"] = Value::String(built.fresh("el_"));
    }
    match (component.children, component.opens) {
        (Some("columns"), _) => {
            let columns: Vec<Value> = (0..1 + d.below(3))
                .map(|_| column(d, built, stack, depth + 1))
                .collect();
            value["columns"] = Value::Array(columns);
        }
        (Some(key), Some(opens)) => {
            stack.push(opens);
            let mut children = Vec::new();
            for _ in 0..d.below(4) {
                children.extend(element(d, built, stack, depth + 1));
            }
            stack.pop();
            if opens == Container::Form {
                built.components += 1;
                children.push(json!({
                    "tag": "button", "name": built.fresh("submit_"),
                    "form_action_type": "submit",
                    "text": {"tag": "plain_text", "content": d.text()}
                }));
            }
            value[key] = Value::Array(children);
        }
        _ => {}
    }
    Some(value)
}

fn column(d: &mut Draw, built: &mut Built, stack: &mut Vec<Container>, depth: usize) -> Value {
    let mut column = json!({"tag": "column"});
    if let Some(c) = registry::sub_element("column") {
        vary(d, c.attrs, &mut column);
    }
    if d.one_in(3) {
        column["element_id"] = Value::String(built.fresh("col_"));
    }
    stack.push(Container::Column);
    let mut children = Vec::new();
    for _ in 0..d.below(3) {
        children.extend(element(d, built, stack, depth));
    }
    stack.pop();
    column["elements"] = Value::Array(children);
    column
}

/// Redraws some scalar attributes of `value` from their kinds, and the content of its texts.
fn vary(d: &mut Draw, attrs: &'static [Attr], value: &mut Value) {
    for attr in attrs {
        if attr.status != Status::Current || matches!(attr.name, "name" | "element_id") {
            continue;
        }
        match attr.kind {
            Kind::Text { .. } => {
                if let Some(content) = value.get_mut(attr.name).and_then(|t| t.get_mut("content")) {
                    if d.one_in(2) {
                        *content = Value::String(d.text());
                    }
                }
            }
            Kind::Str
                if attr.name == "content" && value.get("content").is_some() && d.one_in(2) =>
            {
                value["content"] = Value::String(d.text());
            }
            _ if d.one_in(3) => {
                if let Some(v) = scalar(d, attr) {
                    value[attr.name] = v;
                }
            }
            _ => {}
        }
    }
}

/// A valid value of a scalar attribute, from its registry kind; `None` for other kinds.
pub fn scalar(d: &mut Draw, attr: &Attr) -> Option<Value> {
    if attr.status != Status::Current {
        return None;
    }
    scalar_of(d, &attr.kind)
}

fn in_range(d: &mut Draw, min: i64, max: i64) -> i64 {
    let span = (max.saturating_sub(min)).clamp(0, 1000) as usize;
    min + d.below(span + 1) as i64
}

fn scalar_of(d: &mut Draw, kind: &Kind) -> Option<Value> {
    Some(match *kind {
        Kind::Bool => Value::Bool(d.one_in(2)),
        Kind::Enum(values) => Value::String((*d.pick(values)).to_owned()),
        Kind::Int { min, max } => json!(in_range(d, min, max)),
        Kind::Pixels { min, max } => json!(format!("{}px", in_range(d, min, max))),
        Kind::Percent { min, max } => json!(format!("{}%", in_range(d, min, max))),
        Kind::PixelPair { min, max } => {
            json!(format!(
                "{}px {}px",
                in_range(d, min, max),
                in_range(d, min, max)
            ))
        }
        Kind::Lengths { min, max } => {
            let n = 1 + d.below(4);
            let parts: Vec<String> = (0..n)
                .map(|_| format!("{}px", in_range(d, min, max)))
                .collect();
            json!(parts.join(" "))
        }
        Kind::Format(Format::Date) => json!(format!(
            "2025-{:02}-{:02}",
            1 + d.below(12),
            1 + d.below(28)
        )),
        Kind::Format(Format::Time) => json!(format!("{:02}:{:02}", d.below(24), d.below(60))),
        Kind::Format(Format::DateTime) => json!(format!(
            "2025-{:02}-{:02} {:02}:{:02}",
            1 + d.below(12),
            1 + d.below(28),
            d.below(24),
            d.below(60)
        )),
        Kind::Format(Format::Ratio) => json!(format!("{}:{}", 1 + d.below(20), 1 + d.below(20))),
        Kind::Format(Format::Rgba) => json!(format!(
            "rgba({},{},{},{})",
            d.below(256),
            d.below(256),
            d.below(256),
            d.below(11) as f64 / 10.0
        )),
        Kind::TextSize => json!(*d.pick(registry::TEXT_SIZES)),
        Kind::Color => {
            let names: Vec<&str> = [
                "default", "grey", "blue", "red", "green", "orange", "blue-500", "grey-300",
            ]
            .into_iter()
            .filter(|c| registry::is_builtin_color(c))
            .collect();
            json!(*d.pick(&names))
        }
        _ => return None,
    })
}

/// JSON pointers of every component object (anything with a registry `tag`, columns included)
/// under `value`.
pub fn components(value: &Value, at: &str, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            if let Some(tag) = map.get("tag").and_then(Value::as_str) {
                if registry::component(tag).is_some() || tag == "column" {
                    out.push(at.to_owned());
                }
            }
            for (k, v) in map {
                if matches!(k.as_str(), "elements" | "columns") {
                    components(v, &format!("{at}/{k}"), out);
                }
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                components(v, &format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}
