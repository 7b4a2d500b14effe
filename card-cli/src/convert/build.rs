//! A JSON card to the markup tree, attribute by attribute, in the registry's order.
//!
//! Every decision reads the registry: an attribute's kind says whether it is a literal, a child
//! tag, a list of child tags, translations or free JSON, and [`markup`] says which child tag
//! fills which attribute (the same functions `card!` reads markup with). Whatever the markup
//! cannot write is reported with its JSON pointer, and nothing is emitted for it.

use card_core::model::{Callback, OpenUrl};
use card_core::registry::markup::{self, Place};
use card_core::registry::{self, rule, Attr, Component, Kind, NoCustomStyles, Scalar, CARD};
use serde_json::{Map, Value};

use super::tree::{rust_number, AttrValue, Node, Tag};

use card_core::registry::markup::{RAW_PREFIX, RAW_TAG};

/// Something the markup cannot express, with where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unsupported {
    /// JSON pointer of the value (`/body/elements/2/behaviors`).
    pub pointer: String,
    /// What is wrong and what to do.
    pub message: String,
}

/// The markup of a whole card, or everything in it the markup cannot express.
pub fn card(value: &Value) -> Result<Tag, Vec<Unsupported>> {
    let mut b = Builder {
        problems: Vec::new(),
        path: Vec::new(),
    };
    let tag = b.card(value);
    if b.problems.is_empty() {
        Ok(tag)
    } else {
        Err(b.problems)
    }
}

struct Builder {
    problems: Vec<Unsupported>,
    path: Vec<String>,
}

/// What a JSON object is to the markup: its attribute table and, for components and
/// sub-elements, the registry entry.
#[derive(Clone, Copy)]
struct Owner {
    table: &'static [Attr],
    component: Option<&'static Component>,
}

impl Owner {
    /// Which attribute a child tag named `name` fills here.
    fn place(self, name: &str) -> Option<Place> {
        match self.component {
            Some(c) => markup::component_child(c, name),
            None => markup::object_child(self.table, name),
        }
    }
}

impl Builder {
    fn pointer(&self) -> String {
        self.path
            .iter()
            .map(|p| format!("/{}", p.replace('~', "~0").replace('/', "~1")))
            .collect()
    }

    fn problem(&mut self, message: impl Into<String>) {
        let pointer = self.pointer();
        self.problems.push(Unsupported {
            pointer,
            message: message.into(),
        });
    }

    /// Runs `f` with `key` appended to the current path.
    fn at<T>(&mut self, key: impl ToString, f: impl FnOnce(&mut Self) -> T) -> T {
        self.path.push(key.to_string());
        let out = f(self);
        self.path.pop();
        out
    }

    fn card(&mut self, value: &Value) -> Tag {
        let mut root = Tag::new("card");
        root.closed = true;
        let Some(obj) = value.as_object() else {
            self.problem("a card is a JSON object");
            return root;
        };
        for attr in CARD {
            let Some(v) = obj.get(attr.name) else {
                continue;
            };
            match attr.name {
                "schema" => {
                    if v != "2.0" {
                        self.at("schema", |b| {
                            b.problem("`card!` writes Card JSON 2.0 only (`\"schema\": \"2.0\"`)")
                        });
                    }
                }
                "body" => self.at("body", |b| b.body(v, &mut root)),
                name => match markup::card_child(name) {
                    Some(Place::Object(attr, attrs)) => {
                        let owner = Owner {
                            table: attrs,
                            component: None,
                        };
                        if let Some(tag) = self.at(name, |b| b.object_tag(attr.name, v, owner)) {
                            root.children.push(Node::Tag(tag));
                        }
                    }
                    // A property of the card itself (a tolerated 1.0 leftover): an attribute.
                    _ => {
                        let owner = Owner {
                            table: CARD,
                            component: None,
                        };
                        self.at(name, |b| b.attr(&mut root, attr, v, owner));
                    }
                },
            }
        }
        self.unknown_keys(&mut root, obj, CARD, false);
        root
    }

    /// The body: its components straight in `<card>` when it has nothing else, else a
    /// `<body …>` tag.
    fn body(&mut self, v: &Value, root: &mut Tag) {
        let Some(obj) = v.as_object() else {
            self.problem("`body` must be an object");
            return;
        };
        let owner = Owner {
            table: registry::BODY,
            component: None,
        };
        let only_elements = obj.keys().all(|k| k == "elements");
        match obj.get("elements").and_then(Value::as_array) {
            Some(elements) if only_elements && !elements.is_empty() => {
                self.at("elements", |b| {
                    b.elements(elements, None, &mut root.children)
                });
            }
            _ => {
                let mut body = Tag::new("body");
                self.fill(&mut body, obj, owner);
                root.children.push(Node::Tag(body));
            }
        }
    }

    /// The components of an `elements` list, as child tags.
    fn elements(
        &mut self,
        elements: &[Value],
        parent: Option<&'static Component>,
        out: &mut Vec<Node>,
    ) {
        for (i, element) in elements.iter().enumerate() {
            self.at(i, |b| {
                let Some(name) = element.get("tag").and_then(Value::as_str) else {
                    b.problem("a component needs a `tag`");
                    return;
                };
                let Some(c) = registry::component(name) else {
                    // A component this version does not know stands as its JSON, wherever a
                    // component may.
                    let mut raw = Tag::new(RAW_TAG);
                    raw.attr("json", AttrValue::Json(element.clone()));
                    out.push(Node::Tag(raw));
                    return;
                };
                // Inside a container, the tag must read back as a component, not as one of the
                // container's own attributes.
                if let Some(parent) = parent {
                    if !matches!(markup::component_child(parent, name), Some(Place::Element)) {
                        b.problem(format!(
                            "`<{name}>` inside `<{}>` would fill one of its attributes, not its elements",
                            parent.tag
                        ));
                        return;
                    }
                }
                if let Some(tag) = b.component_tag(c, element) {
                    out.push(Node::Tag(tag));
                }
            });
        }
    }

    fn component_tag(&mut self, c: &'static Component, v: &Value) -> Option<Tag> {
        let obj = v.as_object()?;
        let mut tag = Tag::new(c.tag);
        let owner = Owner {
            table: c.attrs,
            component: Some(c),
        };
        self.fill(&mut tag, obj, owner);
        Some(tag)
    }

    /// A tag for an object-valued attribute (`<header>`, `<confirm>`, a table's `<column>`).
    fn object_tag(&mut self, name: &str, v: &Value, owner: Owner) -> Option<Tag> {
        let Some(obj) = v.as_object() else {
            self.problem(format!("`{name}` must be an object"));
            return None;
        };
        let mut tag = Tag::new(name);
        self.fill(&mut tag, obj, owner);
        Some(tag)
    }

    /// The properties of `obj` its table does not know, as `raw:name={serde_json::json!(…)}`
    /// attributes of `tag`, after the known ones.
    fn unknown_keys(
        &mut self,
        tag: &mut Tag,
        obj: &Map<String, Value>,
        table: &'static [Attr],
        tagged: bool,
    ) {
        for (key, value) in obj {
            if (tagged && key == "tag") || registry::find_attr(table, key).is_some() {
                continue;
            }
            if is_attr_name(key) {
                tag.attr(
                    format!("{}{key}", RAW_PREFIX),
                    AttrValue::Json(value.clone()),
                );
            } else {
                self.at(key, |b| {
                    b.problem(format!(
                        "`{key}` is a property this version of feishu-card does not know, and `raw:{key}` cannot name it (letters, digits and `_`, not first a digit): remove it from the JSON"
                    ))
                });
            }
        }
    }

    /// The attributes and children of one object, in the registry's order.
    fn fill(&mut self, tag: &mut Tag, obj: &Map<String, Value>, owner: Owner) {
        let text_attr = markup::text_attr(owner.table, owner.component);
        // The text child goes first, so that `<button>"OK"</button>`-style tags read naturally;
        // its translations stay attributes.
        let mut text_done = None;
        if let Some(attr) = text_attr {
            if let Some(v) = obj.get(attr.name) {
                if let Some((text, translations)) = simple_text(attr, v) {
                    tag.children.push(Node::Text(text.to_owned()));
                    for (locale, s) in translations {
                        tag.attr(format!("{}:{locale}", attr.name), AttrValue::string(s));
                    }
                    text_done = Some(attr.name);
                }
            }
        }
        for attr in owner.table {
            if Some(attr.name) == text_done {
                continue;
            }
            let Some(v) = obj.get(attr.name) else {
                continue;
            };
            self.at(attr.name, |b| b.attr(tag, attr, v, owner));
        }
        self.unknown_keys(tag, obj, owner.table, owner.component.is_some());
    }

    /// One attribute, as whatever the markup writes for its kind.
    fn attr(&mut self, tag: &mut Tag, attr: &'static Attr, v: &Value, owner: Owner) {
        match (&attr.kind, v) {
            (Kind::Elements, Value::Array(items)) => {
                tag.closed = true;
                self.elements(items, owner.component, &mut tag.children);
            }
            (Kind::Json, v) => tag.attr(attr.name, AttrValue::Json(v.clone())),
            (Kind::Text { forms, .. }, Value::Object(text)) => {
                if let Some((content, translations)) = simple_text(attr, v) {
                    tag.attr(attr.name, AttrValue::string(content));
                    for (locale, s) in translations {
                        tag.attr(format!("{}:{locale}", attr.name), AttrValue::string(s));
                    }
                } else {
                    let form = text
                        .get("tag")
                        .and_then(Value::as_str)
                        .and_then(|t| forms.iter().find(|f| f.tag == t));
                    match form {
                        Some(form) => self.item(tag, attr, form, v, owner),
                        None if !text.contains_key("tag") => match untagged_text(forms, text) {
                            Some(value) => tag.attr(attr.name, value),
                            None => self.problem(format!(
                                "`{}` has no `tag` and no model type to hold it: add `\"tag\": \"{}\"`",
                                attr.name,
                                forms.first().map_or("plain_text", |f| f.tag)
                            )),
                        },
                        None => self.problem(format!(
                            "`{}` must be a text object tagged {}",
                            attr.name,
                            forms
                                .iter()
                                .map(|f| format!("`{}`", f.tag))
                                .collect::<Vec<_>>()
                                .join(" or ")
                        )),
                    }
                }
            }
            (Kind::Tagged(subs), Value::Object(obj)) => {
                let sub = obj
                    .get("tag")
                    .and_then(Value::as_str)
                    .and_then(|t| subs.iter().find(|s| s.tag == t));
                match sub {
                    Some(sub) => self.item(tag, attr, sub, v, owner),
                    None => self.problem(format!(
                        "`{}` must be tagged {}",
                        attr.name,
                        subs.iter()
                            .map(|s| format!("`{}`", s.tag))
                            .collect::<Vec<_>>()
                            .join(" or ")
                    )),
                }
            }
            (Kind::Object(attrs), Value::Object(_)) => match owner.place(attr.name) {
                Some(Place::Object(a, _)) if std::ptr::eq(a, attr) => {
                    let inner = Owner {
                        table: attrs,
                        component: None,
                    };
                    if let Some(t) = self.object_tag(attr.name, v, inner) {
                        tag.children.push(Node::Tag(t));
                    }
                }
                _ => self.cannot(attr),
            },
            (Kind::List(inner), Value::Array(items)) => self.list(tag, attr, inner, items, owner),
            (Kind::Locales(Kind::Str), Value::Object(map)) if !map.is_empty() => {
                for (locale, s) in map {
                    match s.as_str() {
                        Some(s) if registry::LOCALES.contains(&locale.as_str()) => {
                            tag.attr(format!("{}:{locale}", attr.name), AttrValue::string(s))
                        }
                        _ => self.at(locale, |b| {
                            b.problem("a translation is a string under a known locale (`zh_cn`, `en_us`, …)")
                        }),
                    }
                }
            }
            (kind, v) if is_scalar_kind(kind) || scalar_alternative(kind, v) => match scalar(v) {
                Some(value) => match self.checked(tag, attr, v, value) {
                    Some(value) => tag.attr(attr.name, value),
                    None => tag.attr(
                        format!("{RAW_PREFIX}{}", attr.name),
                        AttrValue::Json(v.clone()),
                    ),
                },
                None => self.problem(format!(
                    "`{}` takes a string, a number or a boolean",
                    attr.name
                )),
            },
            (Kind::AnyOf(_), Value::Object(_)) if attr.name == "fallback" => {
                tag.attr(attr.name, fallback(v))
            }
            (Kind::Map(_) | Kind::Locales(_), Value::Object(_)) => tag.attr(
                attr.name,
                AttrValue::Typed("std::collections::BTreeMap<_, _>", v.clone()),
            ),
            _ => self.cannot(attr),
        }
    }

    /// A literal `card!` would refuse, as what the markup writes instead: `None` for the
    /// escape hatch. A value Feishu falls back on that the registry does not document
    /// (`text_align: "middle"`, `rows: -1`, an `overflow` `width: ""`; the validator warns) is
    /// written `raw:name={serde_json::json!(…)}`, which `card!` allows on lenient attributes
    /// for this. A colour or a text size outside the documented names (a custom name defined in
    /// `config.style`, which `card!` cannot see through the computed `style`) is written
    /// `{String::from("…")}`, since their types take any name and `card!` leaves computed values
    /// to the runtime validator. A value the validator refuses has no markup.
    fn checked(
        &mut self,
        tag: &Tag,
        attr: &'static Attr,
        v: &Value,
        value: AttrValue,
    ) -> Option<AttrValue> {
        let Some(scalar) = Scalar::from_value(v) else {
            return Some(value);
        };
        match attr.check_with(&tag.name, scalar, &NoCustomStyles) {
            Ok(()) => Some(value),
            Err(violation) => match (v, takes_custom_names(&attr.kind)) {
                (Value::String(s), true) if violation.rule == rule::VALUE_ENUM => Some(
                    AttrValue::Expr(format!("String::from({})", super::tree::rust_string(s))),
                ),
                _ if violation.is_error() => {
                    self.problem(format!(
                        "`card!` refuses this value: {} [{}]",
                        violation.message, violation.rule
                    ));
                    Some(value)
                }
                _ if attr.lenient && rule::is_value_rule(violation.rule) => None,
                _ => Some(value),
            },
        }
    }

    fn cannot(&mut self, attr: &'static Attr) {
        self.problem(format!(
            "the markup cannot write this value of `{}` literally: build that part with `{{…}}` by hand",
            attr.name
        ));
    }

    /// A tagged sub-element (`<column>`, `<standard_icon>`, `<plain_text>`) filling `attr`.
    fn item(
        &mut self,
        tag: &mut Tag,
        attr: &'static Attr,
        sub: &'static Component,
        v: &Value,
        owner: Owner,
    ) {
        match owner.place(sub.tag) {
            Some(Place::Item(a, s)) if std::ptr::eq(a, attr) && std::ptr::eq(s, sub) => {
                if let Some(t) = self.component_tag(sub, v) {
                    tag.children.push(Node::Tag(t));
                }
            }
            _ => self.problem(format!(
                "a `<{}>` child of `<{}>` would not fill `{}`: the markup cannot write this `{}`",
                sub.tag, tag.name, attr.name, attr.name
            )),
        }
    }

    fn list(
        &mut self,
        tag: &mut Tag,
        attr: &'static Attr,
        inner: &'static Kind,
        items: &[Value],
        owner: Owner,
    ) {
        if items.is_empty() {
            tag.attr(attr.name, AttrValue::Expr("Vec::new()".to_owned()));
            return;
        }
        match inner {
            Kind::Union { .. } if attr.name == "behaviors" => {
                if !self.behaviors(tag, items, owner) {
                    tag.attr(
                        attr.name,
                        AttrValue::Typed("Vec<_>", Value::Array(items.to_vec())),
                    );
                }
            }
            Kind::Tagged(_) | Kind::Text { .. } => {
                for (i, item) in items.iter().enumerate() {
                    self.at(i, |b| b.attr_item(tag, attr, inner, item, owner));
                }
            }
            Kind::Object(_) | Kind::Map(_) => {
                let name = markup::singular(attr.name).unwrap_or(attr.name);
                match owner.place(name) {
                    Some(Place::ListItem(a, _)) if std::ptr::eq(a, attr) => {}
                    _ => return self.cannot(attr),
                }
                for (i, item) in items.iter().enumerate() {
                    self.at(i, |b| {
                        let t = match inner {
                            Kind::Object(attrs) => b.object_tag(
                                name,
                                item,
                                Owner {
                                    table: attrs,
                                    component: None,
                                },
                            ),
                            _ => b.map_tag(name, item),
                        };
                        if let Some(t) = t {
                            tag.children.push(Node::Tag(t));
                        }
                    });
                }
            }
            _ if is_scalar_kind(inner) => tag.attr(
                attr.name,
                AttrValue::Typed("Vec<_>", Value::Array(items.to_vec())),
            ),
            _ => self.cannot(attr),
        }
    }

    /// One entry of a list of tagged items.
    fn attr_item(
        &mut self,
        tag: &mut Tag,
        attr: &'static Attr,
        kind: &'static Kind,
        item: &Value,
        owner: Owner,
    ) {
        let subs = markup::tagged(kind);
        let sub = item
            .get("tag")
            .and_then(Value::as_str)
            .and_then(|t| subs.iter().find(|s| s.tag == t));
        match sub {
            Some(sub) => self.item(tag, attr, sub, item, owner),
            None => self.problem(format!(
                "an entry of `{}` must be tagged {}",
                attr.name,
                subs.iter()
                    .map(|s| format!("`{}`", s.tag))
                    .collect::<Vec<_>>()
                    .join(" or ")
            )),
        }
    }

    /// A free map written as a tag (a table's `<row>`): every key an attribute.
    fn map_tag(&mut self, name: &str, v: &Value) -> Option<Tag> {
        let Some(obj) = v.as_object() else {
            self.problem(format!("a `{name}` entry must be an object"));
            return None;
        };
        let mut tag = Tag::new(name);
        for (key, value) in obj {
            if !is_attr_name(key) {
                self.at(key, |b| {
                    b.problem(format!(
                        "`{key}` cannot be an attribute name in markup (letters, digits and `_`, not first a digit)"
                    ))
                });
                continue;
            }
            let value = match value {
                Value::String(s) => AttrValue::string(s),
                Value::Bool(true) => AttrValue::Flag,
                Value::Bool(false) => AttrValue::Literal("false".to_owned()),
                // Markup numbers are written without suffix; beyond `i32` they go through JSON.
                Value::Number(n)
                    if n.as_i64().is_some_and(|i| i32::try_from(i).is_ok()) || n.is_f64() =>
                {
                    AttrValue::Literal(rust_number(n))
                }
                other => AttrValue::Json(other.clone()),
            };
            tag.attr(key.clone(), value);
        }
        Some(tag)
    }

    /// `behaviors` as the `callback` and `open_url` sugar, when it can be: at most one of
    /// each (an attribute is written once), each in its plain shape. Whether it was written.
    fn behaviors(&mut self, tag: &mut Tag, items: &[Value], owner: Owner) -> bool {
        let sugar_ok = |name| markup::sugar(owner.table, owner.component, name).is_some();
        let mut attrs: Vec<(&str, AttrValue)> = Vec::new();
        for item in items {
            let kind = item.get("type").and_then(Value::as_str).unwrap_or_default();
            let keys: Vec<&str> = item
                .as_object()
                .map(|o| o.keys().map(String::as_str).collect())
                .unwrap_or_default();
            let only = |allowed: &[&str]| keys.iter().all(|k| allowed.contains(k));
            let written = match kind {
                // The sugars are named like the behaviour's `type`.
                Callback::TYPE if only(&["type", "value"]) && sugar_ok(Callback::TYPE) => {
                    item.get("value").map(|value| {
                        let value = match value {
                            Value::String(s) => AttrValue::string(s),
                            other => AttrValue::Json(other.clone()),
                        };
                        (Callback::TYPE, value)
                    })
                }
                OpenUrl::TYPE if only(&["type", "default_url"]) && sugar_ok(OpenUrl::TYPE) => item
                    .get("default_url")
                    .and_then(Value::as_str)
                    .map(|url| (OpenUrl::TYPE, AttrValue::string(url))),
                _ => None,
            };
            match written {
                Some((name, value)) if !attrs.iter().any(|(n, _)| *n == name) => {
                    attrs.push((name, value))
                }
                _ => return false,
            }
        }
        for (name, value) in attrs {
            tag.attr(name, value);
        }
        true
    }
}

/// A text object with nothing but its content and translations, in its default form: the
/// content and its translations.
fn simple_text<'v>(attr: &Attr, v: &'v Value) -> Option<(&'v str, Vec<(&'v str, &'v str)>)> {
    match (&attr.kind, v) {
        (Kind::Str, Value::String(s)) => Some((s, Vec::new())),
        (Kind::Text { forms, .. }, Value::Object(obj)) => {
            let default = forms.first()?;
            if obj.get("tag").and_then(Value::as_str) != Some(default.tag) {
                return None;
            }
            if !obj
                .keys()
                .all(|k| matches!(k.as_str(), "tag" | "content" | "i18n_content"))
            {
                return None;
            }
            let content = obj.get("content")?.as_str()?;
            let mut translations = Vec::new();
            if let Some(i18n) = obj.get("i18n_content") {
                for (locale, s) in i18n.as_object()? {
                    if !registry::LOCALES.contains(&locale.as_str()) {
                        return None;
                    }
                    translations.push((locale.as_str(), s.as_str()?));
                }
                if translations.is_empty() {
                    return None;
                }
            }
            Some((content, translations))
        }
        _ => None,
    }
}

/// The model type of a text form and of its `tag` marker, for texts written as expressions.
fn text_type(form: &Component) -> Option<(&'static str, &'static str)> {
    match form.tag {
        "plain_text" => Some((
            "feishu_card::model::PlainText",
            "feishu_card::model::PlainTextTag",
        )),
        "lark_md" => Some((
            "feishu_card::model::LarkMd",
            "feishu_card::model::LarkMdTag",
        )),
        "markdown" => Some((
            "feishu_card::model::MarkdownText",
            "feishu_card::model::MarkdownTag",
        )),
        _ => None,
    }
}

/// A text object written without its `tag` (an official example's `"hover_tips": {}`), which
/// the model reads as the attribute's first form and writes back without the tag. The markup
/// always writes the tag, so the text is an expression of the model type: a struct literal
/// with the tag marked omitted when the object is empty, else the object read by serde.
fn untagged_text(forms: &[&'static Component], text: &Map<String, Value>) -> Option<AttrValue> {
    let (ty, marker) = text_type(forms.first()?)?;
    Some(if text.is_empty() {
        AttrValue::Expr(format!(
            "{ty} {{ tag: {marker}::OMITTED, ..Default::default() }}"
        ))
    } else {
        AttrValue::Typed(ty, Value::Object(text.clone()))
    })
}

/// An `audio.fallback` object, which the markup has no tag for: `Fallback::text("…")` for a
/// plain text, else the object read by serde.
fn fallback(v: &Value) -> AttrValue {
    let text = v.get("text").and_then(Value::as_object);
    let only_text = v
        .as_object()
        .is_some_and(|o| o.keys().all(|k| k == "tag" || k == "text"));
    let plain = text.filter(|t| {
        t.get("tag").and_then(Value::as_str) == Some("plain_text")
            && t.keys().all(|k| k == "tag" || k == "content")
    });
    match (only_text, plain.and_then(|t| t.get("content")?.as_str())) {
        (true, Some(content)) => AttrValue::Expr(format!(
            "feishu_card::model::Fallback::text({})",
            super::tree::rust_string(content)
        )),
        _ => AttrValue::Typed("feishu_card::model::Fallback", v.clone()),
    }
}

/// Kinds whose model type keeps names outside the documented set (colours, text sizes).
fn takes_custom_names(kind: &Kind) -> bool {
    match kind {
        Kind::Color | Kind::TextSize => true,
        Kind::AnyOf(kinds) => kinds.iter().any(takes_custom_names),
        _ => false,
    }
}

/// Kinds whose values are JSON scalars, written as literals.
fn is_scalar_kind(kind: &Kind) -> bool {
    match kind {
        Kind::Bool
        | Kind::Str
        | Kind::StrMax(_)
        | Kind::ElementId
        | Kind::Int { .. }
        | Kind::Number { .. }
        | Kind::Enum(_)
        | Kind::Pixels { .. }
        | Kind::Percent { .. }
        | Kind::PixelPair { .. }
        | Kind::Lengths { .. }
        | Kind::Format(_)
        | Kind::Color
        | Kind::TextSize
        | Kind::Tolerated(_) => true,
        Kind::AnyOf(kinds) => kinds.iter().all(is_scalar_kind),
        _ => false,
    }
}

/// Whether `v` is a scalar and `kind` offers scalars among objects (`audio.fallback`:
/// `"drop"` or a `fallback_text` object).
fn scalar_alternative(kind: &Kind, v: &Value) -> bool {
    matches!(kind, Kind::AnyOf(kinds) if kinds.iter().any(is_scalar_kind))
        && !matches!(v, Value::Object(_) | Value::Array(_) | Value::Null)
}

/// A scalar as a markup literal: `true` as a bare attribute.
fn scalar(v: &Value) -> Option<AttrValue> {
    match v {
        Value::Bool(true) => Some(AttrValue::Flag),
        Value::Bool(false) => Some(AttrValue::Literal("false".to_owned())),
        Value::String(s) => Some(AttrValue::string(s)),
        Value::Number(n) => Some(AttrValue::Literal(
            n.as_u64()
                .map(|u| u.to_string())
                .or_else(|| n.as_i64().map(|i| i.to_string()))
                .unwrap_or_else(|| rust_number(n)),
        )),
        _ => None,
    }
}

/// Whether markup can write `name` as an attribute name.
fn is_attr_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && name != "_"
}
