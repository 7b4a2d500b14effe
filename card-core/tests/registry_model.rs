//! The registry and the typed model agree on every tag and attribute.
//!
//! - Registry → model: for each component, sub-element and card-level table, a JSON object
//!   holding every attribute (nested objects filled in too, one entry per behaviour kind) with a
//!   sample value made from its `Kind` is read into the model (which denies unknown fields) and
//!   written back; it must come back equal.
//! - Model → registry: the serde field names of each model struct, captured by a deserializer
//!   that records what `deserialize_struct` is given, must each be a registry attribute.
//!
//! Known disagreements are listed in `KNOWN_GAPS`; the test fails on any new one, and on a
//! listed one that has been fixed, so the list stays exact.

use std::fmt;

use card_core::model::*;
use card_core::registry::{self, Attr, Component, Format, Kind};
use serde::de::{self, Deserialize, Visitor};
use serde_json::{json, Map, Value};

/// Disagreements between the registry and the model, by place, with why they are known: none
/// at present. An entry names a place (`div.extra`) where the registry tolerates a value (a 1.0
/// leftover, an unconfirmed form) that the model cannot read, or the other way round.
const KNOWN_GAPS: &[(&str, &str)] = &[];

// ---------------------------------------------------------------------------------------------
// Samples

fn sample(kind: &Kind, depth: usize) -> Value {
    match kind {
        Kind::Bool => json!(true),
        Kind::Str | Kind::StrMax(_) => json!("x"),
        Kind::ElementId => json!("sample_id"),
        Kind::Int { min, .. } => json!((*min).max(1)),
        Kind::Number { min, max } => {
            let v = if *max - *min >= 0.5 { *min + 0.5 } else { *min };
            json!(v)
        }
        Kind::Enum(values) => json!(values[0]),
        Kind::Tolerated(values) => json!(values[0]),
        Kind::Pixels { min, .. } => json!(format!("{}px", (*min).max(1))),
        Kind::Percent { min, .. } => json!(format!("{}%", (*min).max(1))),
        Kind::PixelPair { min, .. } => json!(format!("{0}px {0}px", (*min).max(1))),
        Kind::Lengths { .. } => json!("4px 8px"),
        Kind::Format(Format::Date) => json!("2024-01-31"),
        Kind::Format(Format::Time) => json!("09:30"),
        Kind::Format(Format::DateTime) => json!("2024-01-31 09:30"),
        Kind::Format(Format::Ratio) => json!("16:9"),
        Kind::Format(Format::Rgba) => json!("rgba(20,86,240,1)"),
        Kind::Color => json!("blue"),
        Kind::TextSize => json!("normal"),
        Kind::AnyOf(kinds) => sample(&kinds[0], depth),
        Kind::Text { forms, .. } => tagged(forms[0], depth),
        Kind::Tagged(forms) => tagged(forms[0], depth),
        Kind::Object(attrs) => object(attrs, depth),
        Kind::Union { key, shapes } => {
            let shape = &shapes[0];
            let mut m = as_map(object(shape.attrs, depth));
            m.insert((*key).to_owned(), json!(shape.value));
            Value::Object(m)
        }
        Kind::List(Kind::Union { key, shapes }) => Value::Array(
            shapes
                .iter()
                .map(|shape| {
                    let mut m = as_map(object(shape.attrs, depth));
                    m.insert((*key).to_owned(), json!(shape.value));
                    Value::Object(m)
                })
                .collect(),
        ),
        Kind::List(item) => json!([sample(item, depth)]),
        Kind::Elements => json!([{"tag": "hr"}]),
        Kind::Locales(item) => json!({"zh_cn": sample(item, depth)}),
        Kind::Map(item) => json!({"custom": sample(item, depth)}),
        Kind::Json => json!({"k": "v"}),
    }
}

fn as_map(v: Value) -> Map<String, Value> {
    match v {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}

fn object(attrs: &[Attr], depth: usize) -> Value {
    let mut m = Map::new();
    if depth > 4 {
        return Value::Object(m);
    }
    for a in attrs {
        m.insert(a.name.to_owned(), sample(&a.kind, depth + 1));
    }
    Value::Object(m)
}

/// A tagged object with every attribute (nested components get only their tag, to stay small).
fn tagged(c: &Component, depth: usize) -> Value {
    let mut m = if c.category == registry::Category::SubElement {
        as_map(object(c.attrs, depth))
    } else {
        Map::new()
    };
    m.insert("tag".to_owned(), json!(c.tag));
    Value::Object(m)
}

fn full(c: &Component) -> Value {
    let mut m = as_map(object(c.attrs, 0));
    m.insert("tag".to_owned(), json!(c.tag));
    Value::Object(m)
}

/// The first difference between what was written and what came back, as a path.
fn difference(path: &str, sent: &Value, back: &Value) -> Option<String> {
    match (sent, back) {
        (Value::Object(a), Value::Object(b)) => {
            for (k, v) in a {
                match b.get(k) {
                    None => return Some(format!("{path}/{k} dropped")),
                    Some(w) => {
                        if let Some(d) = difference(&format!("{path}/{k}"), v, w) {
                            return Some(d);
                        }
                    }
                }
            }
            b.keys()
                .find(|k| !a.contains_key(*k))
                .map(|k| format!("{path}/{k} invented"))
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => a
            .iter()
            .zip(b)
            .enumerate()
            .find_map(|(i, (v, w))| difference(&format!("{path}/{i}"), v, w)),
        (Value::Number(a), Value::Number(b)) if a.as_f64() == b.as_f64() => None,
        _ if sent == back => None,
        _ => Some(format!("{path}: sent {sent}, got {back}")),
    }
}

/// Reads `sent` into `T` and writes it back: the error, or the first difference.
fn try_round_trip<T: serde::de::DeserializeOwned + serde::Serialize>(
    sent: &Value,
) -> Result<(), String> {
    let model = serde_json::from_value::<T>(sent.clone())
        .map_err(|e| format!("the model rejects it: {e}"))?;
    let back =
        serde_json::to_value(&model).map_err(|e| format!("the model cannot write it back: {e}"))?;
    match difference("", sent, &back) {
        Some(d) => Err(format!("written back differently: {d}")),
        None => Ok(()),
    }
}

/// Round-trips an object holding every attribute; when the model rejects it, finds the
/// attributes to blame one by one (removing the culprit changes the error), so that each gap
/// is reported on its own.
fn round_trip<T: serde::de::DeserializeOwned + serde::Serialize>(
    what: &str,
    sent: Value,
    gaps: &mut Vec<String>,
) {
    let mut sent = as_map(sent);
    loop {
        let error = match try_round_trip::<T>(&Value::Object(sent.clone())) {
            Ok(()) => return,
            Err(e) => e,
        };
        let culprit = sent.keys().filter(|k| *k != "tag").find(|k| {
            let mut without = sent.clone();
            without.remove(*k);
            try_round_trip::<T>(&Value::Object(without)).err().as_ref() != Some(&error)
        });
        match culprit.cloned() {
            Some(key) => {
                gaps.push(format!("{what}.{key}: {error}"));
                sent.remove(&key);
            }
            None => {
                gaps.push(format!("{what}: {error}"));
                return;
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Field capture

/// Records the field names a derived `Deserialize` asks for, then stops.
struct Capture<'f>(&'f mut Vec<&'static str>);

#[derive(Debug)]
struct Stop;

impl fmt::Display for Stop {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("captured")
    }
}

impl std::error::Error for Stop {}

impl de::Error for Stop {
    fn custom<T: fmt::Display>(_: T) -> Self {
        Stop
    }
}

impl<'de> de::Deserializer<'de> for Capture<'_> {
    type Error = Stop;

    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Stop> {
        Err(Stop)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        fields: &'static [&'static str],
        _: V,
    ) -> Result<V::Value, Stop> {
        self.0.extend_from_slice(fields);
        Err(Stop)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier
        ignored_any
    }
}

fn fields<'de, T: Deserialize<'de>>() -> Vec<&'static str> {
    let mut out = Vec::new();
    let _ = T::deserialize(Capture(&mut out));
    out
}

fn model_fields_are_registry_attrs(
    what: &str,
    model: Vec<&'static str>,
    attrs: &[Attr],
    gaps: &mut Vec<String>,
) {
    if model.is_empty() {
        gaps.push(format!(
            "{what}: no serde field list captured from the model"
        ));
    }
    for f in model {
        if f != "tag" && !attrs.iter().any(|a| a.name == f) {
            gaps.push(format!(
                "{what}: the model has `{f}`, the registry does not"
            ));
        }
    }
}

// ---------------------------------------------------------------------------------------------

/// The attributes of the object reached from `attrs` through `path` (lists and maps are
/// stepped through).
fn follow(attrs: &'static [Attr], path: &[&str]) -> Option<&'static [Attr]> {
    let (first, rest) = path.split_first()?;
    let mut kind = &attrs.iter().find(|a| a.name == *first)?.kind;
    loop {
        match kind {
            Kind::List(inner) | Kind::Map(inner) => kind = inner,
            Kind::Object(inner) if rest.is_empty() => return Some(inner),
            Kind::Object(inner) => return follow(inner, rest),
            _ => return None,
        }
    }
}

macro_rules! nested {
    ($gaps:ident: $(($c:expr, [$($p:literal),*]) => $t:ty),* $(,)?) => {
        $(
            let what = format!("{}.{}", $c.tag, [$($p),*].join("."));
            match follow($c.attrs, &[$($p),*]) {
                Some(attrs) => model_fields_are_registry_attrs(&what, fields::<$t>(), attrs, &mut $gaps),
                None => $gaps.push(format!("{what}: not an object in the registry")),
            }
        )*
    };
}

macro_rules! components {
    ($gaps:ident: $($c:expr => $t:ty),* $(,)?) => {
        $(
            model_fields_are_registry_attrs($c.tag, fields::<$t>(), $c.attrs, &mut $gaps);
        )*
    };
}

#[test]
fn registry_and_model_agree() {
    let mut gaps: Vec<String> = Vec::new();

    // Registry → model.
    for c in registry::COMPONENTS {
        round_trip::<BodyElement>(c.tag, full(c), &mut gaps);
    }
    round_trip::<Column>("column", full(&registry::COLUMN), &mut gaps);
    round_trip::<PlainText>("plain_text", full(&registry::PLAIN_TEXT), &mut gaps);
    round_trip::<LarkMd>("lark_md", full(&registry::LARK_MD), &mut gaps);
    round_trip::<StandardIcon>("standard_icon", full(&registry::STANDARD_ICON), &mut gaps);
    round_trip::<CustomIcon>("custom_icon", full(&registry::CUSTOM_ICON), &mut gaps);
    round_trip::<TextTag>("text_tag", full(&registry::TEXT_TAG), &mut gaps);
    round_trip::<MarkdownText>(
        "collapsible_panel.header.title(markdown)",
        full(&registry::COLLAPSIBLE_TITLE_MARKDOWN),
        &mut gaps,
    );
    let mut card = as_map(object(registry::CARD, 0));
    card.insert("schema".into(), json!("2.0"));
    round_trip::<Card>("card", Value::Object(card), &mut gaps);

    // Model → registry.
    model_fields_are_registry_attrs("card", fields::<Card>(), registry::CARD, &mut gaps);
    model_fields_are_registry_attrs("config", fields::<Config>(), registry::CONFIG, &mut gaps);
    model_fields_are_registry_attrs("header", fields::<Header>(), registry::HEADER, &mut gaps);
    model_fields_are_registry_attrs("body", fields::<Body>(), registry::BODY, &mut gaps);
    model_fields_are_registry_attrs(
        "card_link",
        fields::<CardLink>(),
        registry::CARD_LINK,
        &mut gaps,
    );
    components!(gaps:
        registry::COLUMN_SET => ColumnSet,
        registry::FORM => Form,
        registry::INTERACTIVE_CONTAINER => InteractiveContainer,
        registry::COLLAPSIBLE_PANEL => CollapsiblePanel,
        registry::DIV => Div,
        registry::MARKDOWN => Markdown,
        registry::IMG => Img,
        registry::IMG_COMBINATION => ImgCombination,
        registry::PERSON => Person,
        registry::PERSON_LIST => PersonList,
        registry::CHART => Chart,
        registry::TABLE => Table,
        registry::HR => Hr,
        registry::AUDIO => Audio,
        registry::INPUT => Input,
        registry::BUTTON => Button,
        registry::OVERFLOW => Overflow,
        registry::SELECT_STATIC => SelectStatic,
        registry::MULTI_SELECT_STATIC => MultiSelectStatic,
        registry::SELECT_PERSON => SelectPerson,
        registry::MULTI_SELECT_PERSON => MultiSelectPerson,
        registry::DATE_PICKER => DatePicker,
        registry::PICKER_TIME => PickerTime,
        registry::PICKER_DATETIME => PickerDatetime,
        registry::SELECT_IMG => SelectImg,
        registry::CHECKER => Checker,
        registry::COLUMN => Column,
        registry::PLAIN_TEXT => PlainText,
        registry::LARK_MD => LarkMd,
        registry::STANDARD_ICON => StandardIcon,
        registry::CUSTOM_ICON => CustomIcon,
        registry::TEXT_TAG => TextTag,
    );
    model_fields_are_registry_attrs(
        "collapsible_panel.header.title(markdown)",
        fields::<MarkdownText>(),
        registry::COLLAPSIBLE_TITLE_MARKDOWN.attrs,
        &mut gaps,
    );

    // Nested objects, reached through the registry by attribute path.
    nested!(gaps:
        (&registry::BUTTON, ["confirm"]) => Confirm,
        (&registry::OVERFLOW, ["options"]) => OverflowOption,
        (&registry::OVERFLOW, ["options", "multi_url"]) => MultiUrl,
        (&registry::COLLAPSIBLE_PANEL, ["border"]) => Border,
        (&registry::COLLAPSIBLE_PANEL, ["header"]) => CollapsiblePanelHeader,
        (&registry::COLUMN_SET, ["action"]) => ColumnAction,
        (&registry::DIV, ["fields"]) => DivField,
        (&registry::IMG_COMBINATION, ["img_list"]) => ImgListItem,
        (&registry::PERSON_LIST, ["persons"]) => PersonId,
        (&registry::PERSON_LIST, ["ud_icon"]) => UdIcon,
        (&registry::PERSON_LIST, ["ud_icon", "style"]) => UdIconStyle,
        (&registry::TABLE, ["columns"]) => TableColumn,
        (&registry::TABLE, ["columns", "format"]) => NumberFormat,
        (&registry::TABLE, ["header_style"]) => TableHeaderStyle,
        (&registry::SELECT_STATIC, ["options"]) => SelectOption,
        (&registry::SELECT_PERSON, ["options"]) => PersonOption,
        (&registry::SELECT_IMG, ["options"]) => SelectImgOption,
        (&registry::CHECKER, ["button_area"]) => ButtonArea,
        (&registry::CHECKER, ["checked_style"]) => CheckedStyle,
    );
    for (what, model, path) in [
        (
            "config.streaming_config",
            fields::<StreamingConfig>(),
            &["streaming_config"][..],
        ),
        (
            "config.streaming_config.print_step",
            fields::<PerPlatform>(),
            &["streaming_config", "print_step"],
        ),
        ("config.summary", fields::<Summary>(), &["summary"]),
        ("config.style", fields::<Style>(), &["style"]),
        (
            "config.style.text_size",
            fields::<TextSizeStyle>(),
            &["style", "text_size"],
        ),
        (
            "config.style.color",
            fields::<ColorStyle>(),
            &["style", "color"],
        ),
    ] {
        match follow(registry::CONFIG, path) {
            Some(attrs) => model_fields_are_registry_attrs(what, model, attrs, &mut gaps),
            None => gaps.push(format!("{what}: not an object in the registry")),
        }
    }

    let place = |gap: &str| gap.split(':').next().unwrap_or_default().to_owned();
    let new: Vec<&String> = gaps
        .iter()
        .filter(|g| !KNOWN_GAPS.iter().any(|(at, _)| *at == place(g)))
        .collect();
    let fixed: Vec<&str> = KNOWN_GAPS
        .iter()
        .map(|(at, _)| *at)
        .filter(|at| !gaps.iter().any(|g| place(g) == *at))
        .collect();
    assert!(
        new.is_empty() && fixed.is_empty(),
        "registry and model disagree:\n  new:\n    {}\n  listed in KNOWN_GAPS but agreeing now:\n    {}",
        new.iter().map(|s| s.as_str()).collect::<Vec<_>>().join("\n    "),
        fixed.join("\n    ")
    );
}

#[test]
fn every_component_tag_is_a_model_element() {
    let model_tags: Vec<&str> = Element::TAGS
        .iter()
        .copied()
        .chain(["form", "table"])
        .collect();
    for c in registry::COMPONENTS {
        assert!(
            model_tags.contains(&c.tag),
            "`{}` is in the registry, not in the model",
            c.tag
        );
    }
    for tag in &model_tags {
        assert!(
            registry::component(tag).is_some(),
            "`{tag}` is in the model, not in the registry"
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Tolerated values

/// Values outside most documented sets: each is tried on every lenient attribute.
fn odd_values() -> Vec<Value> {
    vec![
        json!("zz_undocumented"),
        json!(""),
        json!(-1),
        json!(0),
        json!(1.5),
        json!(100_000),
        json!("-1px"),
        json!("100000px"),
        json!("120%"),
        json!(true),
    ]
}

/// The places of lenient scalar attributes in an object built by `object`, stepping into
/// objects and the first entry of lists of objects.
fn lenient_places(
    attrs: &'static [Attr],
    path: Vec<String>,
    out: &mut Vec<(Vec<String>, &'static Attr)>,
) {
    for a in attrs {
        let mut here = path.clone();
        here.push(a.name.to_owned());
        match &a.kind {
            Kind::Object(inner) => lenient_places(inner, here, out),
            Kind::List(Kind::Object(inner)) => {
                here.push("0".to_owned());
                lenient_places(inner, here, out);
            }
            _ if a.lenient => out.push((here, a)),
            _ => {}
        }
    }
}

fn set(value: &mut Value, path: &[String], new: Value) {
    let (last, steps) = path.split_last().expect("a path");
    let mut at = value;
    for step in steps {
        at = match at {
            Value::Array(items) => &mut items[step.parse::<usize>().expect("an index")],
            other => &mut other[step.as_str()],
        };
    }
    at[last.as_str()] = new;
}

/// Reads a sample into a model type and writes it back.
type Reader = fn(&Value) -> Result<(), String>;

/// What is tried: a name, its attributes, an object holding them all, its model type.
type Sample = (&'static str, &'static [Attr], Value, Reader);

/// Where the registry only warns about a value (Feishu falls back on it), the model reads the
/// object and writes it back unchanged: a card the validator accepts is never refused by
/// `Card::from_json`, `convert` or `send`.
#[test]
fn the_model_reads_every_value_the_registry_tolerates() {
    let mut refused = Vec::new();
    let mut tried = 0;
    let mut tables: Vec<Sample> = registry::COMPONENTS
        .iter()
        .map(|c| {
            (
                c.tag,
                c.attrs,
                full(c),
                try_round_trip::<BodyElement> as Reader,
            )
        })
        .collect();
    tables.push((
        "column",
        registry::COLUMN.attrs,
        full(&registry::COLUMN),
        try_round_trip::<Column>,
    ));
    let mut card = as_map(object(registry::CARD, 0));
    card.insert("schema".into(), json!("2.0"));
    tables.push((
        "card",
        registry::CARD,
        Value::Object(card),
        try_round_trip::<Card>,
    ));
    for (what, attrs, sample, read) in tables {
        let mut places = Vec::new();
        lenient_places(attrs, Vec::new(), &mut places);
        for (path, attr) in places {
            for odd in odd_values() {
                let Some(scalar) = registry::Scalar::from_value(&odd) else {
                    continue;
                };
                if attr.check(what, scalar).is_err_and(|v| v.is_error()) {
                    continue;
                }
                tried += 1;
                let mut sent = sample.clone();
                set(&mut sent, &path, odd.clone());
                if let Err(e) = read(&sent) {
                    refused.push(format!("{what}.{}: {odd}: {e}", path.join(".")));
                }
            }
        }
    }
    assert!(tried > 50, "only {tried} tolerated values tried");
    assert!(
        refused.is_empty(),
        "the model refuses values the registry tolerates:\n  {}",
        refused.join("\n  ")
    );
}
