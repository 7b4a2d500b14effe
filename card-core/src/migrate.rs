//! Migration of JSON 1.0 cards to Card JSON 2.0.
//!
//! [`migrate`] takes a card as JSON and returns the same card laid out as Card JSON 2.0, with
//! one [`Note`] per change: where it was in the input (a JSON pointer), what changed, and why.
//!
//! What it does:
//!
//! - declares `schema: "2.0"` and moves the top-level `elements` into `body.elements`; a card
//!   that only has `i18n_elements` (2.0 has no card-wide translations) keeps one locale
//!   (`zh_cn`, else `en_us`, else the first) and each text gains the other locales as its own
//!   `i18n_content` where the translations line up component by component;
//! - replaces each `note` with a `div` in `notation` size and grey, its first icon or image kept
//!   as the `div`'s icon;
//! - replaces each `action` module with a `column_set` holding one `auto` column per action;
//! - turns 1.0 button `url`, `multi_url` and `value` into `behaviors`, and `action_type:
//!   "form_submit"` / `"form_reset"` into `form_action_type`;
//! - turns `div.fields` and `div.extra` into column sets, `markdown.href` into plain links, the
//!   header's `ud_icon` and `icon: {img_key}` into one `icon`, `i18n` texts into `i18n_content`,
//!   `compact_width` into `width_mode: "compact"`;
//! - names the form fields and buttons that lack the `name` 2.0 requires inside a form;
//! - drops every property 2.0 does not know (2.0 rejects unknown properties where 1.0 ignored
//!   them) and the 1.0 leftovers it only tolerates (`wide_screen_mode`, `fallback`, …).
//!
//! Which property belongs to which component, which ones are 1.0 leftovers and what replaces
//! them is read from the [registry]: this module only knows how to rewrite a
//! leftover, not where anything may stand.
//!
//! A card that already declares `schema: "2.0"` goes through the same cleaning, so leftovers in
//! a 2.0 card are rewritten too.
//!
//! ```
//! use serde_json::json;
//!
//! let v1 = json!({
//!     "config": { "wide_screen_mode": true },
//!     "elements": [
//!         { "tag": "div", "text": { "tag": "lark_md", "content": "Deploy **api**?" } },
//!         { "tag": "action", "actions": [
//!             { "tag": "button", "text": { "tag": "plain_text", "content": "Yes" },
//!               "type": "primary", "value": { "ok": true } }
//!         ] },
//!         { "tag": "note", "elements": [ { "tag": "plain_text", "content": "from CI" } ] }
//!     ]
//! });
//! let migration = card_core::migrate::migrate(&v1).unwrap();
//! let card = &migration.card;
//! assert_eq!(card["schema"], "2.0");
//! let button = &card["body"]["elements"][1]["columns"][0]["elements"][0];
//! assert_eq!(button["behaviors"], json!([{ "type": "callback", "value": { "ok": true } }]));
//! assert_eq!(card["body"]["elements"][2]["text"]["text_size"], "notation");
//! assert!(!card_core::validate::validate_value(card).has_errors());
//! for note in &migration.notes {
//!     println!("{note}"); // `/elements/1: replaced the `action` module with … (…)`
//! }
//! ```

use std::fmt;

use serde_json::{Map, Value};

use crate::diagnostic::json_kind;

use crate::registry::{
    self, card_link_violation, did_you_mean, find_attr, update_multi_violation, Attr, Category,
    Component, Container, Kind, Required, Status, BODY, CARD, CARD_LINK, COMPONENTS, CONFIG, DIV,
    HEADER, REMOVED_CARD_KEYS, REMOVED_COMPONENTS, SUB_ELEMENT_HOMES,
};

/// A card migrated to Card JSON 2.0, with what was changed.
#[derive(Debug, Clone, PartialEq)]
pub struct Migration {
    /// The 2.0 card.
    pub card: Value,
    /// One note per change, in the order of the input.
    pub notes: Vec<Note>,
}

/// One change made by the migration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    /// Where in the input card, as a JSON pointer (RFC 6901); `""` is the card itself.
    pub pointer: String,
    /// What was changed, e.g. ``replaced the `note` with a `div` …``.
    pub change: String,
    /// Why: the 2.0 rule that made the change necessary.
    pub reason: String,
}

impl fmt::Display for Note {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let at = if self.pointer.is_empty() {
            "/"
        } else {
            &self.pointer
        };
        write!(f, "{at}: {} ({})", self.change, self.reason)
    }
}

/// Why a value could not be migrated at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum MigrateError {
    /// The value is not a JSON object.
    #[error("a card is a JSON object, found {found}: pass the card itself (the object with `elements` or `body`)")]
    NotAnObject {
        /// What was found instead (`a list`, `a string`, …).
        found: &'static str,
    },
}

/// Migrates a JSON 1.0 card (or cleans a 2.0 card of its 1.0 leftovers); see the
/// [module docs](self).
///
/// A message envelope (`{"msg_type": "interactive", "card": {…}}`) is unwrapped first.
///
/// # Errors
///
/// [`MigrateError::NotAnObject`] when `card` is not a JSON object.
pub fn migrate(card: &Value) -> Result<Migration, MigrateError> {
    let Value::Object(obj) = card else {
        return Err(MigrateError::NotAnObject {
            found: json_kind(card),
        });
    };
    let mut m = Migrator::default();
    let card = match (obj.get("msg_type"), obj.get("card")) {
        (Some(_), Some(Value::Object(inner))) => {
            m.note(
                "",
                "took the card out of its `{\"msg_type\": \"interactive\", \"card\": …}` envelope",
                "the envelope belongs to the send request, not to the card",
            );
            m.card(inner.clone(), "/card")
        }
        _ => m.card(obj.clone(), ""),
    };
    Ok(Migration {
        card,
        notes: m.notes,
    })
}

/// `ptr` followed by `key`, escaped per RFC 6901.
fn child(ptr: &str, key: &str) -> String {
    format!("{ptr}/{}", key.replace('~', "~0").replace('/', "~1"))
}

fn index(ptr: &str, i: usize) -> String {
    format!("{ptr}/{i}")
}

fn removed_component_advice(tag: &str) -> &'static str {
    REMOVED_COMPONENTS
        .iter()
        .find(|(t, _)| *t == tag)
        .map_or("", |(_, advice)| advice)
}

fn removed_key_advice(key: &str) -> Option<&'static str> {
    REMOVED_CARD_KEYS
        .iter()
        .find(|(k, _)| *k == key)
        .map(|(_, advice)| *advice)
        .or_else(|| {
            find_attr(CARD, key)
                .filter(|a| matches!(a.status, Status::Legacy(_)))
                .map(|a| a.note)
        })
}

/// The registry's kind of an attribute of a card-level table or component.
fn kind_of(attrs: &'static [Attr], name: &str) -> Option<&'static Kind> {
    find_attr(attrs, name).map(|a| &a.kind)
}

/// The locale whose translation a card without `elements` keeps.
fn preferred_locale(map: &Map<String, Value>) -> Option<String> {
    ["zh_cn", "en_us"]
        .iter()
        .find(|l| map.contains_key(**l))
        .map(|l| (*l).to_owned())
        .or_else(|| map.keys().next().cloned())
}

fn column(width: &str, elements: Vec<Value>) -> Value {
    let mut col = Map::new();
    col.insert("tag".into(), "column".into());
    col.insert("width".into(), width.into());
    if width == "weighted" {
        col.insert("weight".into(), 1.into());
    }
    col.insert("elements".into(), Value::Array(elements));
    Value::Object(col)
}

fn column_set(columns: Vec<Value>) -> Map<String, Value> {
    let mut set = Map::new();
    set.insert("tag".into(), "column_set".into());
    set.insert("columns".into(), Value::Array(columns));
    set
}

#[derive(Default)]
struct Migrator {
    notes: Vec<Note>,
    /// How many `form`s enclose the component being migrated.
    in_form: usize,
    /// Names given to unnamed form components, to keep them unique.
    named: usize,
    /// Every `name` in the input, so generated names never collide.
    taken_names: Vec<String>,
}

impl Migrator {
    fn note(&mut self, pointer: &str, change: impl Into<String>, reason: impl Into<String>) {
        self.notes.push(Note {
            pointer: pointer.to_owned(),
            change: change.into(),
            reason: reason.into(),
        });
    }

    // -----------------------------------------------------------------------------------------
    // The card

    fn card(&mut self, mut obj: Map<String, Value>, ptr: &str) -> Value {
        collect_names(&Value::Object(obj.clone()), &mut self.taken_names);
        let mut out = Map::new();
        match obj.remove("schema") {
            Some(Value::String(s)) if s == "2.0" => {}
            Some(other) => self.note(
                &child(ptr, "schema"),
                format!("replaced `schema: {other}` with `schema: \"2.0\"`"),
                "2.0 is the only schema a card can declare",
            ),
            None => self.note(
                ptr,
                "declared `schema: \"2.0\"`",
                "without it Feishu reads the card as JSON 1.0",
            ),
        }
        out.insert("schema".into(), "2.0".into());

        let i18n_elements = obj.remove("i18n_elements");
        let i18n_header = obj.remove("i18n_header");

        if let Some(config) = obj.remove("config") {
            if let Some(config) = self.config(config, &child(ptr, "config")) {
                out.insert("config".into(), config);
            }
        }
        if let Some(link) = obj.remove("card_link") {
            if let Some(link) = self.card_link(link, &child(ptr, "card_link")) {
                out.insert("card_link".into(), link);
            }
        }

        let body = self.body(
            &mut obj,
            i18n_elements,
            ptr,
            out.get("config")
                .and_then(|c| c.get("locales"))
                .and_then(Value::as_array),
        );

        let header = match (obj.remove("header"), i18n_header) {
            (Some(header), i18n) => {
                if let Some(i18n) = i18n {
                    self.dropped_i18n_header(&i18n, ptr);
                }
                Some((header, child(ptr, "header")))
            }
            (None, Some(Value::Object(mut locales))) => match preferred_locale(&locales) {
                Some(locale) => {
                    let header = locales.remove(&locale).unwrap_or_default();
                    self.note(
                        &child(ptr, "i18n_header"),
                        format!("made the `{locale}` header of `i18n_header` the card's `header`"),
                        removed_key_advice("i18n_header").unwrap_or_default(),
                    );
                    Some((header, child(&child(ptr, "i18n_header"), &locale)))
                }
                None => {
                    self.dropped_i18n_header(&Value::Object(locales), ptr);
                    None
                }
            },
            (None, Some(other)) => {
                self.dropped_i18n_header(&other, ptr);
                None
            }
            (None, None) => None,
        };
        if let Some((header, at)) = header {
            if let Some(header) = self.header(header, &at) {
                out.insert("header".into(), header);
            }
        }
        out.insert("body".into(), Value::Object(body));

        // Left: what a card does not have (schema, config, card_link, header and body were
        // taken above).
        for key in obj.keys() {
            let at = child(ptr, key);
            match find_attr(CARD, key) {
                Some(attr) if matches!(attr.status, Status::Legacy(_)) => {
                    self.note(&at, format!("dropped `{key}`"), attr.note)
                }
                _ => match removed_key_advice(key) {
                    Some(advice) => self.note(
                        &at,
                        format!("dropped `{key}`, which the card's `body` replaces"),
                        advice,
                    ),
                    None => self.unknown(&at, key, "the card", CARD),
                },
            }
        }
        Value::Object(out)
    }

    fn dropped_i18n_header(&mut self, value: &Value, ptr: &str) {
        let empty = value.as_object().is_some_and(Map::is_empty);
        self.note(
            &child(ptr, "i18n_header"),
            if empty {
                "dropped the empty `i18n_header`".to_owned()
            } else {
                "dropped `i18n_header`; the card keeps its `header`".to_owned()
            },
            removed_key_advice("i18n_header").unwrap_or_default(),
        );
    }

    /// Builds `body` from a 2.0 `body`, the 1.0 top-level `elements`, or one locale of
    /// `i18n_elements`.
    fn body(
        &mut self,
        obj: &mut Map<String, Value>,
        i18n_elements: Option<Value>,
        ptr: &str,
        locales: Option<&Vec<Value>>,
    ) -> Map<String, Value> {
        let body_ptr = child(ptr, "body");
        let mut body = match obj.remove("body") {
            Some(Value::Object(body)) => body,
            Some(other) => {
                self.note(
                    &body_ptr,
                    format!("dropped `body`, which was {}", json_kind(&other)),
                    "`body` is an object holding `elements`",
                );
                Map::new()
            }
            None => Map::new(),
        };
        let top = obj.remove("elements");
        let (elements, at) = match (body.remove("elements"), top) {
            (Some(elements), top) => {
                if top.is_some() {
                    self.note(
                        &child(ptr, "elements"),
                        "dropped the top-level `elements`; the card keeps `body.elements`",
                        removed_key_advice("elements").unwrap_or_default(),
                    );
                }
                (Some(elements), child(&body_ptr, "elements"))
            }
            (None, Some(elements)) => {
                self.note(
                    &child(ptr, "elements"),
                    "moved the top-level `elements` into `body.elements`",
                    "2.0 cards hold their components in `body` and reject a top-level `elements`",
                );
                (Some(elements), child(ptr, "elements"))
            }
            (None, None) => (None, String::new()),
        };

        let mut body = self.attrs(body, BODY, "body", &body_ptr);
        let mut translations = Vec::new();
        let mut primary = String::new();
        let (elements, at) = match (elements, i18n_elements) {
            (Some(elements), i18n) => {
                if i18n.is_some() {
                    self.note(
                        &child(ptr, "i18n_elements"),
                        "dropped `i18n_elements`; the card keeps its `elements`",
                        removed_key_advice("i18n_elements").unwrap_or_default(),
                    );
                }
                (Some(elements), at)
            }
            (None, Some(Value::Object(mut i18n))) => {
                let wanted = locales
                    .and_then(|l| {
                        l.iter()
                            .filter_map(Value::as_str)
                            .find(|l| i18n.contains_key(*l))
                    })
                    .map(str::to_owned);
                match wanted.or_else(|| preferred_locale(&i18n)) {
                    Some(locale) => {
                        let elements = i18n.remove(&locale).unwrap_or_default();
                        let i18n_ptr = child(ptr, "i18n_elements");
                        translations = i18n.into_iter().collect();
                        primary.clone_from(&locale);
                        let others: Vec<&str> =
                            translations.iter().map(|(l, _)| l.as_str()).collect();
                        self.note(
                            &i18n_ptr,
                            if others.is_empty() {
                                format!("made the `{locale}` elements of `i18n_elements` the card's `body.elements`")
                            } else {
                                format!(
                                    "made the `{locale}` elements of `i18n_elements` the card's `body.elements`; the texts of {} became `i18n_content` where the components line up",
                                    others.iter().map(|l| format!("`{l}`")).collect::<Vec<_>>().join(", ")
                                )
                            },
                            removed_key_advice("i18n_elements").unwrap_or_default(),
                        );
                        (Some(elements), child(&i18n_ptr, &locale))
                    }
                    None => {
                        self.note(
                            &child(ptr, "i18n_elements"),
                            "dropped the empty `i18n_elements`",
                            removed_key_advice("i18n_elements").unwrap_or_default(),
                        );
                        (None, at)
                    }
                }
            }
            (None, Some(other)) => {
                self.note(
                    &child(ptr, "i18n_elements"),
                    format!("dropped `i18n_elements`, which was {}", json_kind(&other)),
                    removed_key_advice("i18n_elements").unwrap_or_default(),
                );
                (None, at)
            }
            (None, None) => (None, at),
        };
        match elements {
            Some(Value::Array(items)) => {
                let mut migrated = self.elements(items, &at);
                for (locale, other) in translations {
                    if let Value::Array(other) = other {
                        let mut quiet = Migrator {
                            taken_names: self.taken_names.clone(),
                            ..Migrator::default()
                        };
                        let other = quiet.elements(other, "");
                        let mut whole = Value::Array(migrated);
                        merge_texts(&mut whole, &Value::Array(other), &primary, &locale);
                        migrated = match whole {
                            Value::Array(items) => items,
                            _ => Vec::new(),
                        };
                    }
                }
                body.insert("elements".into(), Value::Array(migrated));
            }
            Some(other) => self.note(
                &at,
                format!("dropped `elements`, which was {}", json_kind(&other)),
                "`elements` is a list of components",
            ),
            None => {}
        }
        body
    }

    fn config(&mut self, config: Value, ptr: &str) -> Option<Value> {
        let Value::Object(mut config) = config else {
            self.note(
                ptr,
                format!("dropped `config`, which was {}", json_kind(&config)),
                "`config` is an object",
            );
            return None;
        };
        if let Some(compact) = config.remove("compact_width") {
            let at = child(ptr, "compact_width");
            if compact == Value::Bool(true) && !config.contains_key("width_mode") {
                config.insert("width_mode".into(), "compact".into());
                self.note(
                    &at,
                    "replaced `compact_width: true` with `width_mode: \"compact\"`",
                    "2.0 sets the card width with `width_mode`",
                );
            } else {
                let note = find_attr(CONFIG, "compact_width").map_or("", |a| a.note);
                self.note(&at, "dropped `compact_width`", note);
            }
        }
        if config.get("update_multi") == Some(&Value::Bool(false)) {
            config.remove("update_multi");
            let why = update_multi_violation(false)
                .map(|v| v.message)
                .unwrap_or_default();
            self.note(
                &child(ptr, "update_multi"),
                "dropped `update_multi: false`",
                why,
            );
        }
        let config = self.attrs(config, CONFIG, "config", ptr);
        (!config.is_empty()).then_some(Value::Object(config))
    }

    fn card_link(&mut self, link: Value, ptr: &str) -> Option<Value> {
        let Value::Object(link) = link else {
            self.note(
                ptr,
                format!("dropped `card_link`, which was {}", json_kind(&link)),
                "`card_link` is an object of URLs",
            );
            return None;
        };
        let mut kept = Map::new();
        for (key, value) in link {
            let at = child(ptr, &key);
            if find_attr(CARD_LINK, &key).is_none() {
                self.unknown(&at, &key, "card_link", CARD_LINK);
            } else if value.as_str().is_some_and(str::is_empty) {
                self.note(
                    &at,
                    format!("dropped the empty `{key}`"),
                    "an empty link leads nowhere",
                );
            } else {
                kept.insert(key, value);
            }
        }
        if kept.is_empty() {
            self.note(
                ptr,
                "dropped `card_link`, which had no link left",
                "a `card_link` without `url` is incomplete",
            );
            return None;
        }
        if let Some(v) = card_link_violation(|k| kept.get(k).is_some_and(|v| v.is_string())) {
            self.note(ptr, "kept an incomplete `card_link`", v.message);
        }
        Some(Value::Object(kept))
    }

    fn header(&mut self, header: Value, ptr: &str) -> Option<Value> {
        let Value::Object(mut header) = header else {
            self.note(
                ptr,
                format!("dropped `header`, which was {}", json_kind(&header)),
                "`header` is an object",
            );
            return None;
        };
        // 1.0 `icon: {img_key}` had no tag: it is a custom icon.
        if let Some(Value::Object(icon)) = header.get_mut("icon") {
            if !icon.contains_key("tag") && icon.contains_key("img_key") {
                icon.insert("tag".into(), "custom_icon".into());
                self.note(
                    &child(ptr, "icon"),
                    "tagged the 1.0 header `icon` as a `custom_icon`",
                    "2.0 icons name their kind in `tag`",
                );
            }
        }
        if let Some(ud) = header.remove("ud_icon") {
            let at = child(ptr, "ud_icon");
            if header.contains_key("icon") {
                self.note(
                    &at,
                    "dropped `ud_icon`; the header keeps its `icon`",
                    "a 2.0 header has one `icon`",
                );
            } else if let Some(token) = ud.get("token").and_then(Value::as_str) {
                let mut icon = Map::new();
                icon.insert("tag".into(), "standard_icon".into());
                icon.insert("token".into(), token.into());
                if let Some(color) = ud.pointer("/style/color") {
                    icon.insert("color".into(), color.clone());
                }
                header.insert("icon".into(), Value::Object(icon));
                self.note(
                    &at,
                    "replaced `ud_icon` with an `icon` of tag `standard_icon`",
                    "a 2.0 header has one `icon: {tag, token, color}`",
                );
            } else {
                self.note(
                    &at,
                    "dropped `ud_icon`, which had no `token`",
                    "a 2.0 header has one `icon`",
                );
            }
        }
        Some(Value::Object(self.attrs(header, HEADER, "header", ptr)))
    }

    // -----------------------------------------------------------------------------------------
    // Components

    fn elements(&mut self, items: Vec<Value>, ptr: &str) -> Vec<Value> {
        let mut out = Vec::with_capacity(items.len());
        for (i, item) in items.into_iter().enumerate() {
            out.extend(self.component(item, &index(ptr, i)));
        }
        out
    }

    /// Migrates one entry of an `elements` list into zero, one or several 2.0 components.
    fn component(&mut self, item: Value, ptr: &str) -> Vec<Value> {
        let Value::Object(mut obj) = item else {
            self.note(
                ptr,
                format!("dropped an entry that was {}", json_kind(&item)),
                "an `elements` list holds component objects",
            );
            return Vec::new();
        };
        let Some(tag) = obj.get("tag").and_then(Value::as_str).map(str::to_owned) else {
            self.note(
                ptr,
                "dropped a component without `tag`",
                "every component names its kind in `tag`; Feishu rejects the card otherwise",
            );
            return Vec::new();
        };
        match tag.as_str() {
            "note" => return self.note_component(obj, ptr),
            "action" => return self.action(obj, ptr),
            _ => {}
        }
        if let Some(component) = registry::component(&tag) {
            return match tag.as_str() {
                "button" => {
                    self.button(&mut obj, ptr);
                    vec![self.known(obj, component, ptr)]
                }
                "div" => self.div(obj, component, ptr),
                "markdown" => {
                    self.markdown_href(&mut obj, ptr);
                    vec![self.known(obj, component, ptr)]
                }
                "img" => {
                    self.img_size(&mut obj, ptr);
                    vec![self.known(obj, component, ptr)]
                }
                _ => vec![self.known(obj, component, ptr)],
            };
        }
        if let Some(form) = registry::sub_element(&tag) {
            if let Some(Kind::Text { forms, .. }) = kind_of(DIV.attrs, "text") {
                if forms.iter().any(|f| f.tag == form.tag) {
                    let text = self.text(obj, forms, ptr);
                    let mut div = Map::new();
                    div.insert("tag".into(), "div".into());
                    div.insert("text".into(), text);
                    self.note(
                        ptr,
                        format!("put the bare `{tag}` into a `div`"),
                        "a text object is not a component of its own",
                    );
                    return vec![Value::Object(div)];
                }
            }
            let home = SUB_ELEMENT_HOMES
                .iter()
                .find(|(t, _)| *t == tag)
                .map_or("", |(_, h)| h);
            self.note(
                ptr,
                format!("dropped a bare `{tag}`"),
                format!("`{tag}` is not a component of its own: {home}"),
            );
            return Vec::new();
        }
        let hint = did_you_mean(&tag, COMPONENTS.iter().map(|c| c.tag))
            .map(|t| format!("; did you mean `{t}`?"))
            .unwrap_or_default();
        self.note(
            ptr,
            format!("dropped the unknown component `{tag}`"),
            format!("2.0 has no `{tag}` component and rejects the card{hint}"),
        );
        Vec::new()
    }

    /// A component the registry knows: its properties checked against its table, its children
    /// migrated, its missing form `name` given.
    fn known(
        &mut self,
        mut obj: Map<String, Value>,
        component: &'static Component,
        ptr: &str,
    ) -> Value {
        let tag = obj.remove("tag");
        let opens_form = component.opens == Some(Container::Form);
        if opens_form {
            self.in_form += 1;
        }
        let mut out = self.attrs(obj, component.attrs, component.tag, ptr);
        if opens_form {
            self.in_form -= 1;
        }
        let unnamed = out
            .get("name")
            .and_then(Value::as_str)
            .is_none_or(str::is_empty);
        let needs_name = match component.attr("name").map(|a| a.required) {
            Some(Required::Yes) => true,
            Some(Required::InForm) => self.in_form > 0 && component.form.needs_name(),
            // A form's own `name` is required by the form rules rather than its table.
            _ => opens_form,
        };
        if needs_name && unnamed {
            let name = self.fresh_name(component.tag);
            self.note(
                ptr,
                format!("named the `{}` `{name}`", component.tag),
                "inside a form every field and button needs a card-unique `name`",
            );
            out.insert("name".into(), name.into());
        }
        if let Some(tag) = tag {
            out.insert("tag".into(), tag);
        }
        Value::Object(out)
    }

    fn fresh_name(&mut self, tag: &str) -> String {
        loop {
            self.named += 1;
            let name = format!("{tag}_{}", self.named);
            if !self.taken_names.contains(&name) {
                self.taken_names.push(name.clone());
                return name;
            }
        }
    }

    /// `note` → a grey `div` (or `markdown`, when a text is `lark_md`) in notation size.
    fn note_component(&mut self, mut obj: Map<String, Value>, ptr: &str) -> Vec<Value> {
        let advice = removed_component_advice("note");
        let items = match obj.remove("elements") {
            Some(Value::Array(items)) => items,
            _ => Vec::new(),
        };
        let icon_kind = kind_of(DIV.attrs, "icon");
        let mut pieces = Vec::new();
        let mut markdown = false;
        let mut icon: Option<Value> = None;
        for (i, item) in items.into_iter().enumerate() {
            let at = index(&child(ptr, "elements"), i);
            let tag = item.get("tag").and_then(Value::as_str).unwrap_or("");
            match tag {
                "plain_text" | "lark_md" => {
                    markdown |= tag == "lark_md";
                    if let Some(content) = item.get("content").and_then(Value::as_str) {
                        pieces.push(content.to_owned());
                    }
                }
                "standard_icon" | "custom_icon" if icon.is_none() => {
                    icon = match icon_kind {
                        Some(kind) => self.value(item, kind, "icon", &at),
                        None => Some(item),
                    };
                }
                "img" if icon.is_none() => match item.get("img_key") {
                    Some(key) => {
                        let mut custom = Map::new();
                        custom.insert("tag".into(), "custom_icon".into());
                        custom.insert("img_key".into(), key.clone());
                        icon = Some(Value::Object(custom));
                        self.note(
                            &at,
                            "made the note's image the `custom_icon` of its replacement",
                            "a 2.0 text takes one small icon in front of it",
                        );
                    }
                    None => self.note(&at, "dropped an image without `img_key`", "nothing to show"),
                },
                _ => self.note(
                    &at,
                    format!("dropped the note's `{tag}`"),
                    "the replacement text takes one icon and the note's texts",
                ),
            }
        }
        for (key, _) in obj.iter().filter(|(k, _)| *k != "tag") {
            self.note(
                &child(ptr, key),
                format!("dropped the note's `{key}`"),
                "its replacement has no such property",
            );
        }
        if pieces.is_empty() && icon.is_none() {
            self.note(
                ptr,
                "dropped an empty `note`",
                format!("2.0 has no `note` component: {advice}"),
            );
            return Vec::new();
        }
        let content = pieces.join(" ");
        let mut out = Map::new();
        if markdown {
            out.insert("tag".into(), "markdown".into());
            out.insert(
                "content".into(),
                format!("<font color='grey'>{content}</font>").into(),
            );
            out.insert("text_size".into(), "notation".into());
        } else {
            let mut text = Map::new();
            text.insert("tag".into(), "plain_text".into());
            text.insert("content".into(), content.into());
            text.insert("text_size".into(), "notation".into());
            text.insert("text_color".into(), "grey".into());
            out.insert("tag".into(), "div".into());
            out.insert("text".into(), Value::Object(text));
        }
        if let Some(icon) = icon {
            out.insert("icon".into(), icon);
        }
        self.note(
            ptr,
            format!(
                "replaced the `note` with a grey `{}` in `notation` size",
                if markdown { "markdown" } else { "div" }
            ),
            format!("2.0 has no `note` component (ErrCode 200861): {advice}"),
        );
        vec![Value::Object(out)]
    }

    /// `action` → a `column_set` with one `auto` column per action.
    fn action(&mut self, mut obj: Map<String, Value>, ptr: &str) -> Vec<Value> {
        let advice = removed_component_advice("action");
        let actions = match obj.remove("actions") {
            Some(Value::Array(actions)) => actions,
            _ => Vec::new(),
        };
        let mut columns = Vec::new();
        for (i, action) in actions.into_iter().enumerate() {
            let migrated = self.component(action, &index(&child(ptr, "actions"), i));
            if !migrated.is_empty() {
                columns.push(column("auto", migrated));
            }
        }
        let flex = match obj.remove("layout") {
            Some(Value::String(layout)) => match layout.as_str() {
                "bisected" => Some("bisect"),
                "trisected" => Some("trisect"),
                "flow" => Some("flow"),
                _ => None,
            },
            _ => None,
        };
        let element_id = obj.remove("element_id");
        for (key, _) in obj.iter().filter(|(k, _)| *k != "tag") {
            self.note(
                &child(ptr, key),
                format!("dropped the action module's `{key}`"),
                "the `column_set` replacing it has no such property",
            );
        }
        if columns.is_empty() {
            self.note(
                ptr,
                "dropped an `action` module without actions",
                format!("2.0 has no `action` component: {advice}"),
            );
            return Vec::new();
        }
        let mut set = column_set(columns);
        set.insert("horizontal_spacing".into(), "8px".into());
        if let Some(flex) = flex {
            set.insert("flex_mode".into(), flex.into());
        }
        if let Some(id) = element_id {
            set.insert("element_id".into(), id);
        }
        self.note(
            ptr,
            "replaced the `action` module with a `column_set`, one `auto` column per action",
            format!("2.0 has no `action` component (ErrCode 200861): {advice}"),
        );
        vec![Value::Object(set)]
    }

    /// 1.0 button links, values and form actions → `behaviors` and `form_action_type`.
    fn button(&mut self, obj: &mut Map<String, Value>, ptr: &str) {
        let mut behaviors = match obj.remove("behaviors") {
            Some(Value::Array(list)) => list,
            Some(other) => {
                obj.insert("behaviors".into(), other);
                return;
            }
            None => Vec::new(),
        };
        let url = obj.remove("url");
        let multi_url = obj.remove("multi_url");
        let mut open = Map::new();
        if let Some(Value::Object(multi)) = &multi_url {
            for (from, to) in [
                ("url", "default_url"),
                ("android_url", "android_url"),
                ("ios_url", "ios_url"),
                ("pc_url", "pc_url"),
            ] {
                if let Some(link) = multi.get(from).filter(|v| v.as_str() != Some("")) {
                    open.insert(to.into(), link.clone());
                }
            }
        }
        if let Some(link) = url
            .as_ref()
            .filter(|v| v.as_str().is_some_and(|s| !s.is_empty()))
        {
            open.entry("default_url").or_insert_with(|| link.clone());
        }
        if !open.contains_key("default_url") {
            // `default_url` is required; the first platform link stands in for it.
            if let Some(first) = ["pc_url", "ios_url", "android_url"]
                .iter()
                .find_map(|k| open.get(*k).cloned())
            {
                open.insert("default_url".into(), first);
            }
        }
        if open.contains_key("default_url") {
            open.insert("type".into(), "open_url".into());
            behaviors.push(Value::Object(open));
            let which = match (&url, &multi_url) {
                (Some(_), Some(_)) => "`url` and `multi_url`",
                (None, Some(_)) => "`multi_url`",
                _ => "`url`",
            };
            self.note(
                &child(
                    ptr,
                    if multi_url.is_some() {
                        "multi_url"
                    } else {
                        "url"
                    },
                ),
                format!("turned {which} into an `open_url` behaviour"),
                "2.0 buttons act through `behaviors`",
            );
        } else if url.is_some() || multi_url.is_some() {
            self.note(
                &child(ptr, if url.is_some() { "url" } else { "multi_url" }),
                "dropped an empty link",
                "an empty link leads nowhere",
            );
        }
        if let Some(value) = obj.remove("value") {
            let mut callback = Map::new();
            callback.insert("type".into(), "callback".into());
            callback.insert("value".into(), value);
            behaviors.push(Value::Object(callback));
            self.note(
                &child(ptr, "value"),
                "turned `value` into a `callback` behaviour",
                "2.0 buttons act through `behaviors`",
            );
        }
        if obj.remove("complex_interaction").is_some() {
            self.note(
                &child(ptr, "complex_interaction"),
                "dropped `complex_interaction`",
                "a 2.0 button lists several `behaviors` instead",
            );
        }
        if let Some(kind) = obj.remove("action_type") {
            let at = child(ptr, "action_type");
            let form_action = match kind.as_str() {
                Some("form_submit") => Some("submit"),
                Some("form_reset") => Some("reset"),
                _ => None,
            };
            match form_action {
                Some(action) if !obj.contains_key("form_action_type") => {
                    obj.insert("form_action_type".into(), action.into());
                    self.note(
                        &at,
                        format!(
                            "replaced `action_type: {kind}` with `form_action_type: \"{action}\"`"
                        ),
                        "2.0 form buttons say what they do in `form_action_type`",
                    );
                }
                _ => self.note(
                    &at,
                    format!("dropped `action_type: {kind}`"),
                    "a 2.0 button says what it does through its `behaviors`",
                ),
            }
        }
        if !behaviors.is_empty() {
            obj.insert("behaviors".into(), Value::Array(behaviors));
        }
    }

    /// A `div` with 1.0 `fields` or `extra` becomes the `div` and column sets.
    fn div(
        &mut self,
        mut obj: Map<String, Value>,
        component: &'static Component,
        ptr: &str,
    ) -> Vec<Value> {
        let fields = obj.remove("fields");
        let extra = obj.remove("extra");
        let has_own = obj.contains_key("text") || obj.contains_key("icon");
        let main = self.known(obj, component, ptr);
        let mut out = Vec::new();
        match extra {
            Some(extra) => {
                let at = child(ptr, "extra");
                let side = self.component(extra, &at);
                if side.is_empty() {
                    if has_own {
                        out.push(main);
                    }
                } else {
                    let mut set =
                        column_set(vec![column("weighted", vec![main]), column("auto", side)]);
                    set.insert("horizontal_spacing".into(), "8px".into());
                    out.push(Value::Object(set));
                    self.note(
                        &at,
                        "put the `div` and its `extra` side by side in a `column_set`",
                        "2.0 `div` has no `extra`",
                    );
                }
            }
            None if has_own => out.push(main),
            None => {}
        }
        if let Some(fields) = fields {
            let at = child(ptr, "fields");
            let Value::Array(fields) = fields else {
                self.note(
                    &at,
                    "dropped `fields`, which was not a list",
                    "nothing to lay out",
                );
                return out;
            };
            let text_kind = kind_of(DIV.attrs, "text");
            let mut row: Vec<Value> = Vec::new();
            for (i, field) in fields.into_iter().enumerate() {
                let short = field.get("is_short") == Some(&Value::Bool(true));
                let text = field.get("text").cloned();
                let Some(text) = text.and_then(|t| match text_kind {
                    Some(kind) => self.value(t, kind, "div", &child(&index(&at, i), "text")),
                    None => Some(t),
                }) else {
                    continue;
                };
                let mut div = Map::new();
                div.insert("tag".into(), "div".into());
                div.insert("text".into(), text);
                if short {
                    row.push(Value::Object(div));
                    if row.len() == 2 {
                        out.push(fields_row(std::mem::take(&mut row)));
                    }
                } else {
                    if !row.is_empty() {
                        out.push(fields_row(std::mem::take(&mut row)));
                    }
                    out.push(Value::Object(div));
                }
            }
            if !row.is_empty() {
                out.push(fields_row(row));
            }
            self.note(
                &at,
                "laid out the `fields` as `div`s, short ones two to a `column_set`",
                "2.0 `div` has no `fields`",
            );
        }
        out
    }

    /// 1.0 `href` + `[text]($urlVal)` → `[text](url)`.
    fn markdown_href(&mut self, obj: &mut Map<String, Value>, ptr: &str) {
        let Some(href) = obj.remove("href") else {
            return;
        };
        let mut links = Vec::new();
        if let Value::Object(href) = &href {
            for (name, target) in href {
                let url = target
                    .get("url")
                    .or_else(|| target.get("pc_url"))
                    .and_then(Value::as_str);
                if let Some(url) = url {
                    links.push((format!("(${name})"), format!("({url})")));
                }
            }
        }
        let rewrite = |s: &str| {
            links
                .iter()
                .fold(s.to_owned(), |acc, (from, to)| acc.replace(from, to))
        };
        if let Some(Value::String(content)) = obj.get_mut("content") {
            *content = rewrite(content);
        }
        if let Some(Value::Object(locales)) = obj.get_mut("i18n_content") {
            for text in locales.values_mut() {
                if let Value::String(s) = text {
                    *s = rewrite(s);
                }
            }
        }
        self.note(
            &child(ptr, "href"),
            "wrote the `href` links into the content as `[text](url)`",
            "2.0 markdown has no `href`; links are written in the content",
        );
    }

    /// 1.0 `size: "stretch_without_padding"` → `stretch`.
    fn img_size(&mut self, obj: &mut Map<String, Value>, ptr: &str) {
        if obj.get("size").and_then(Value::as_str) == Some("stretch_without_padding") {
            obj.insert("size".into(), "stretch".into());
            self.note(
                &child(ptr, "size"),
                "replaced `size: \"stretch_without_padding\"` with `\"stretch\"`",
                "2.0 dropped it; a negative `margin` as wide as the container's padding makes the image full-bleed",
            );
        }
    }

    // -----------------------------------------------------------------------------------------
    // Properties, driven by the registry

    /// Keeps the properties `attrs` knows (their values migrated), rewrites or drops the 1.0
    /// leftovers, drops the rest. `tag` is kept as is.
    fn attrs(
        &mut self,
        obj: Map<String, Value>,
        attrs: &'static [Attr],
        owner: &str,
        ptr: &str,
    ) -> Map<String, Value> {
        let mut out = Map::new();
        for (key, value) in obj {
            let at = child(ptr, &key);
            if key == "tag" {
                out.insert(key, value);
                continue;
            }
            let Some(attr) = find_attr(attrs, &key) else {
                self.unknown(&at, &key, owner, attrs);
                continue;
            };
            if let Status::Legacy(_) = attr.status {
                if key == "i18n" && find_attr(attrs, "i18n_content").is_some() {
                    if out.contains_key("i18n_content") {
                        self.note(&at, "dropped `i18n`; `i18n_content` is set", attr.note);
                    } else if let Some(v) = self.value(value, &attr.kind, owner, &at) {
                        out.insert("i18n_content".into(), v);
                        self.note(&at, "renamed `i18n` to `i18n_content`", attr.note);
                    }
                } else {
                    let why = if attr.note.is_empty() {
                        "a JSON 1.0 property 2.0 only tolerates"
                    } else {
                        attr.note
                    };
                    self.note(&at, format!("dropped `{key}` from `{owner}`"), why);
                }
                continue;
            }
            if let Some(v) = self.value(value, &attr.kind, &key, &at) {
                out.insert(key, v);
            }
        }
        out
    }

    fn unknown(&mut self, ptr: &str, key: &str, owner: &str, attrs: &'static [Attr]) {
        let hint = did_you_mean(key, attrs.iter().map(|a| a.name))
            .map(|n| format!("; did you mean `{n}`?"))
            .unwrap_or_default();
        self.note(
            ptr,
            format!("dropped `{key}` from `{owner}`"),
            format!("2.0 has no such property and rejects unknown ones{hint}"),
        );
    }

    /// Migrates one value of the given kind; `None` drops it.
    fn value(
        &mut self,
        value: Value,
        kind: &'static Kind,
        owner: &str,
        ptr: &str,
    ) -> Option<Value> {
        match (kind, value) {
            (Kind::Elements, Value::Array(items)) => Some(Value::Array(self.elements(items, ptr))),
            (Kind::Object(attrs), Value::Object(obj)) => {
                Some(Value::Object(self.attrs(obj, attrs, owner, ptr)))
            }
            (Kind::Text { forms, .. }, Value::Object(obj)) => Some(self.text(obj, forms, ptr)),
            (Kind::Tagged(forms), Value::Object(obj)) => Some(self.tagged(obj, forms, ptr)),
            (Kind::Union { key, shapes }, Value::Object(obj)) => {
                let shape = obj
                    .get(*key)
                    .and_then(Value::as_str)
                    .and_then(|v| shapes.iter().find(|s| s.value == v));
                match shape {
                    Some(shape) if shape.status == Status::Current => {
                        let mut obj = obj;
                        let discriminant = obj.remove(*key);
                        let mut out = self.attrs(obj, shape.attrs, owner, ptr);
                        if let Some(d) = discriminant {
                            out.insert((*key).to_owned(), d);
                        }
                        Some(Value::Object(out))
                    }
                    _ => Some(Value::Object(obj)),
                }
            }
            (Kind::List(item), Value::Array(items)) => Some(Value::Array(
                items
                    .into_iter()
                    .enumerate()
                    .filter_map(|(i, v)| self.value(v, item, owner, &index(ptr, i)))
                    .collect(),
            )),
            (Kind::Locales(item) | Kind::Map(item), Value::Object(obj)) => Some(Value::Object(
                obj.into_iter()
                    .filter_map(|(k, v)| {
                        let at = child(ptr, &k);
                        self.value(v, item, owner, &at).map(|v| (k, v))
                    })
                    .collect(),
            )),
            (Kind::AnyOf(kinds), value) => {
                if let Value::String(s) = &value {
                    let tolerated = kinds.iter().any(
                        |k| matches!(k, Kind::Tolerated(values) if values.contains(&s.as_str())),
                    );
                    if tolerated {
                        return self.tolerated_spacing(s, owner, ptr);
                    }
                }
                let structured = kinds.iter().find(|k| {
                    matches!(
                        (k, &value),
                        (
                            Kind::Object(_)
                                | Kind::Text { .. }
                                | Kind::Tagged(_)
                                | Kind::Union { .. },
                            Value::Object(_)
                        ) | (Kind::List(_), Value::Array(_))
                    )
                });
                match structured {
                    Some(kind) => self.value(value, kind, owner, ptr),
                    None => Some(value),
                }
            }
            (_, value) => Some(value),
        }
    }

    /// The 1.0 spacing tokens 2.0 only tolerates: `default` (8px in 1.0) and `""`.
    fn tolerated_spacing(&mut self, token: &str, owner: &str, ptr: &str) -> Option<Value> {
        if token.is_empty() {
            self.note(
                ptr,
                format!("dropped the empty `{owner}`"),
                "an empty spacing is a 1.0 leftover; the default applies",
            );
            None
        } else {
            self.note(
                ptr,
                format!("replaced `{owner}: \"{token}\"` with `\"medium\"`"),
                "the 1.0 `default` spacing was 8px, which 2.0 calls `medium`",
            );
            Some("medium".into())
        }
    }

    fn text(
        &mut self,
        mut obj: Map<String, Value>,
        forms: &'static [&'static Component],
        ptr: &str,
    ) -> Value {
        let tag = obj
            .get("tag")
            .and_then(Value::as_str)
            .unwrap_or(forms[0].tag)
            .to_owned();
        let form = match forms.iter().find(|f| f.tag == tag) {
            Some(form) => form,
            None if registry::sub_element(&tag).is_some_and(|f| f.text_child.is_some()) => {
                let to = forms[0];
                obj.insert("tag".into(), to.tag.into());
                self.note(
                    &child(ptr, "tag"),
                    format!("turned the `{tag}` text into `{}`", to.tag),
                    format!(
                        "2.0 takes only {} here",
                        forms
                            .iter()
                            .map(|f| format!("`{}`", f.tag))
                            .collect::<Vec<_>>()
                            .join(" or ")
                    ),
                );
                to
            }
            None => return Value::Object(obj),
        };
        Value::Object(self.attrs(obj, form.attrs, form.tag, ptr))
    }

    fn tagged(
        &mut self,
        obj: Map<String, Value>,
        forms: &'static [&'static Component],
        ptr: &str,
    ) -> Value {
        let tag = obj.get("tag").and_then(Value::as_str).unwrap_or("");
        match forms.iter().find(|f| f.tag == tag) {
            Some(form) if form.category == Category::SubElement => {
                Value::Object(self.attrs(obj, form.attrs, form.tag, ptr))
            }
            Some(_) => {
                let mut migrated = self.component(Value::Object(obj.clone()), ptr);
                if migrated.len() == 1 {
                    migrated.remove(0)
                } else {
                    Value::Object(obj)
                }
            }
            None => Value::Object(obj),
        }
    }
}

fn fields_row(divs: Vec<Value>) -> Value {
    let columns = divs
        .into_iter()
        .map(|div| column("weighted", vec![div]))
        .collect();
    Value::Object(column_set(columns))
}

/// Every `name` anywhere in `v`.
fn collect_names(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(obj) => {
            if let Some(Value::String(name)) = obj.get("name") {
                out.push(name.clone());
            }
            obj.values().for_each(|v| collect_names(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| collect_names(v, out)),
        _ => {}
    }
}

/// Adds the texts of `other` (the same components in another locale) to `into` as
/// `i18n_content`, wherever both have a text object or markdown at the same place.
fn merge_texts(into: &mut Value, other: &Value, primary: &str, locale: &str) {
    match (into, other) {
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => {
            for (x, y) in a.iter_mut().zip(b) {
                merge_texts(x, y, primary, locale);
            }
        }
        (Value::Object(a), Value::Object(b)) => {
            if a.get("tag") != b.get("tag") {
                return;
            }
            let is_text = matches!(
                a.get("tag").and_then(Value::as_str),
                Some("plain_text" | "lark_md" | "markdown")
            );
            if is_text {
                if let (Some(Value::String(mine)), Some(Value::String(theirs))) =
                    (a.get("content").cloned(), b.get("content"))
                {
                    if &mine != theirs {
                        let i18n = a
                            .entry("i18n_content")
                            .or_insert_with(|| Value::Object(Map::new()));
                        if let Value::Object(i18n) = i18n {
                            i18n.entry(primary.to_owned())
                                .or_insert_with(|| mine.clone().into());
                            i18n.entry(locale.to_owned())
                                .or_insert_with(|| theirs.clone().into());
                        }
                    }
                }
            }
            for (key, x) in a.iter_mut() {
                if key == "content" || key == "i18n_content" {
                    continue;
                }
                if let Some(y) = b.get(key) {
                    merge_texts(x, y, primary, locale);
                }
            }
        }
        _ => {}
    }
}
