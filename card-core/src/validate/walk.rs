//! One walk over a card, driven by the registry.
//!
//! Each value is judged against its attribute as the walk reaches it; each component and
//! card-level object is also judged as a whole (how many parts it has, which of its attributes
//! go together, whether its options repeat themselves) where the walk enters it.

use std::collections::HashSet;

use serde_json::{Map, Value};

use super::locate::{locate_all, tag_of};
use crate::diagnostic::{json_kind, Location, Segment};
use crate::registry::{
    self, did_you_mean, find_attr, placement_violation, rule, Attr, CardTracker, Category,
    Component, Container, CustomStyles, Kind, Required, Scalar, Status, Violation, CARD,
    COMPONENTS, REMOVED_CARD_KEYS, REMOVED_COMPONENTS, SUB_ELEMENT_HOMES, UNIQUE_OPTION_VALUES,
};
use crate::{Diagnostics, Severity};

/// Walks `card` and returns every problem but the size limit.
pub fn walk(card: &Value) -> Diagnostics {
    let mut walker = Walker {
        loc: Location::root(),
        containers: Vec::new(),
        tracker: CardTracker::new(),
        styles: Styles::default(),
        out: Diagnostics::new(),
        whole: Diagnostics::new(),
    };
    walker.card(card);
    let Walker {
        tracker,
        mut out,
        whole,
        ..
    } = walker;
    let found = tracker.finish();
    if !found.is_empty() {
        let targets: Vec<*const Value> = found.iter().map(|(at, _)| *at as *const Value).collect();
        let locations = locate_all(card, &targets);
        for ((_, violation), loc) in found.into_iter().zip(locations) {
            let loc = loc.unwrap_or_default();
            out.push(loc.diagnostic(violation.rule, violation.severity, violation.message));
        }
    }
    out.extend(whole);
    out
}

/// The custom names of `config.style`.
#[derive(Default)]
struct Styles<'a> {
    colors: Option<&'a Map<String, Value>>,
    text_sizes: Option<&'a Map<String, Value>>,
}

impl CustomStyles for Styles<'_> {
    fn has_color(&self, name: &str) -> bool {
        self.colors.is_some_and(|m| m.contains_key(name))
    }
    fn has_text_size(&self, name: &str) -> bool {
        self.text_sizes.is_some_and(|m| m.contains_key(name))
    }
}

struct Walker<'a> {
    loc: Location<'a>,
    containers: Vec<Container>,
    tracker: CardTracker<'a, &'a Value>,
    styles: Styles<'a>,
    /// What the attribute rules and the card-wide rules find.
    out: Diagnostics,
    /// What the rules about whole objects find, reported after `out`.
    whole: Diagnostics,
}

/// Backticked names, for "allowed: …" lists.
fn list(names: impl Iterator<Item = &'static str>) -> String {
    let mut out = String::new();
    for (i, n) in names.enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push('`');
        out.push_str(n);
        out.push('`');
    }
    out
}

impl<'a> Walker<'a> {
    fn report(&mut self, rule: &'static str, message: String) {
        let severity = registry::severity_of(rule);
        self.out.push(self.loc.diagnostic(rule, severity, message));
    }

    fn report_violation(&mut self, v: Violation) {
        self.out
            .push(self.loc.diagnostic(v.rule, v.severity, v.message));
    }

    /// Reports what a rule about a whole object finds.
    fn report_whole(&mut self, v: Violation) {
        self.whole
            .push(self.loc.diagnostic(v.rule, v.severity, v.message));
    }

    /// [`Walker::report_whole`] at `loc` + `key`.
    fn report_whole_at_key(&mut self, key: &'a str, v: Violation) {
        self.loc.push(Segment::Key(key));
        self.report_whole(v);
        self.loc.pop();
    }

    /// Reports at `loc` + `key`.
    fn report_at_key(&mut self, key: &'a str, rule: &'static str, message: String) {
        self.loc.push(Segment::Key(key));
        self.report(rule, message);
        self.loc.pop();
    }

    // -----------------------------------------------------------------------------------------
    // The card

    fn card(&mut self, card: &'a Value) {
        let Value::Object(obj) = card else {
            self.report(
                rule::WRONG_TYPE,
                format!(
                    "a card is a JSON object such as `{{\"schema\": \"2.0\", \"body\": {{\"elements\": []}}}}`, not {}",
                    json_kind(card)
                ),
            );
            return;
        };
        if !self.schema(obj) {
            return;
        }
        if let Some(Value::Object(config)) = obj.get("config") {
            if let Some(Value::Object(style)) = config.get("style") {
                self.styles.colors = style.get("color").and_then(Value::as_object);
                self.styles.text_sizes = style.get("text_size").and_then(Value::as_object);
            }
            if let Some(Value::Bool(forward)) = config.get("enable_forward") {
                self.tracker.forwarding(*forward);
            }
        }
        for (key, value) in obj {
            if key == "schema" {
                continue;
            }
            let Some(attr) = find_attr(CARD, key) else {
                self.unknown_card_key(key);
                continue;
            };
            self.loc.push(Segment::Key(key));
            if let Status::Legacy(_) = attr.status {
                if let Some(v) = attr.legacy_violation("card") {
                    self.report_whole(v);
                }
            }
            if let ("config", Value::Object(config)) = (key.as_str(), value) {
                self.style_colors(config);
            }
            self.value(attr, &attr.kind, value, "card", None);
            match (key.as_str(), value) {
                ("config", Value::Object(config)) => self.config_rules(config),
                ("card_link", Value::Object(link)) => self.card_link_rules(link),
                ("header", Value::Object(header)) => self.header_rules(header),
                _ => {}
            }
            self.loc.pop();
        }
    }

    /// Checks `schema`; `false` when the card is a 1.0 card and the walk should stop.
    fn schema(&mut self, obj: &'a Map<String, Value>) -> bool {
        let v1_layout = ["elements", "i18n_elements", "i18n_header"]
            .iter()
            .any(|k| obj.contains_key(*k));
        match obj.get("schema") {
            Some(Value::String(s)) if s == "2.0" => true,
            _ if v1_layout => {
                self.report(
                    rule::SCHEMA_VERSION_1,
                    "this is a JSON 1.0 card (top-level `elements`, no `\"schema\": \"2.0\"`): this validator checks 2.0 cards; migrate it with `feishu-card migrate`, or move the components into `body.elements` and add `\"schema\": \"2.0\"`".to_owned(),
                );
                false
            }
            None => {
                self.report(
                    rule::SCHEMA_VERSION,
                    "`schema` is missing: without `\"schema\": \"2.0\"` Feishu reads the card as JSON 1.0; add it".to_owned(),
                );
                true
            }
            Some(other) => {
                let shown = Scalar::from_value(other)
                    .map_or_else(|| json_kind(other).to_owned(), |s| s.to_string());
                self.report_at_key(
                    "schema",
                    rule::SCHEMA_VERSION,
                    format!("`schema: {shown}` is not supported: write `\"schema\": \"2.0\"`"),
                );
                true
            }
        }
    }

    fn unknown_card_key(&mut self, key: &'a str) {
        let message = match REMOVED_CARD_KEYS.iter().find(|(k, _)| *k == key) {
            Some((_, instead)) => {
                format!("`{key}` is a JSON 1.0 property that 2.0 cards reject: {instead}")
            }
            None => unknown_property_message(key, "the card", CARD),
        };
        self.report_at_key(key, rule::UNKNOWN_PROPERTY, message);
    }

    fn config_rules(&mut self, config: &'a Map<String, Value>) {
        if let Some((key, Value::Bool(update_multi))) = config.get_key_value("update_multi") {
            if let Some(v) = registry::update_multi_violation(*update_multi) {
                self.report_at_key(key, v.rule, v.message);
            }
        }
    }

    /// `config.style.color`: each custom colour has a light and a dark value.
    fn style_colors(&mut self, config: &'a Map<String, Value>) {
        let Some((style_key, Value::Object(style))) = config.get_key_value("style") else {
            return;
        };
        let Some((color_key, Value::Object(colors))) = style.get_key_value("color") else {
            return;
        };
        self.loc.push(Segment::Key(style_key));
        self.loc.push(Segment::Key(color_key));
        for (name, value) in colors {
            let Value::Object(modes) = value else {
                continue;
            };
            let set = |k: &str| modes.get(k).is_some_and(|v| !v.is_null());
            if let Some(v) =
                registry::style_color_violation(name, set("light_mode"), set("dark_mode"))
            {
                self.report_whole_at_key(name, v);
            }
        }
        self.loc.pop();
        self.loc.pop();
    }

    fn card_link_rules(&mut self, link: &'a Map<String, Value>) {
        let set = |k: &str| {
            link.get(k)
                .and_then(Value::as_str)
                .is_some_and(|s| !s.is_empty())
        };
        if let Some(v) = registry::card_link_violation(set) {
            self.report(v.rule, v.message);
        }
    }

    fn header_rules(&mut self, header: &'a Map<String, Value>) {
        if let Some(tags @ Value::Array(list)) = header.get("text_tag_list") {
            self.tracker.header_tags(list.len(), tags);
        }
        if let Some(Value::Object(locales)) = header.get("i18n_text_tag_list") {
            for tags in locales.values() {
                if let Value::Array(list) = tags {
                    self.tracker.header_tags(list.len(), tags);
                }
            }
        }
    }

    // -----------------------------------------------------------------------------------------
    // Components

    fn elements(&mut self, items: &'a [Value], container: Container) {
        self.containers.push(container);
        for (i, item) in items.iter().enumerate() {
            self.loc.push(Segment::Index(i, tag_of(item)));
            self.component_in_list(item);
            self.loc.pop();
        }
        self.containers.pop();
    }

    /// A value standing in an `elements` list.
    fn component_in_list(&mut self, item: &'a Value) {
        let Value::Object(obj) = item else {
            self.report(
                rule::WRONG_TYPE,
                format!(
                    "an entry of `elements` is a component object such as `{{\"tag\": \"markdown\", \"content\": \"…\"}}`, not {}",
                    json_kind(item)
                ),
            );
            return;
        };
        let Some(tag) = self.tag(obj) else { return };
        if let Some(component) = registry::component(tag) {
            self.component(component, item, obj);
        } else if let Some(sub) = registry::sub_element(tag) {
            let home = SUB_ELEMENT_HOMES
                .iter()
                .find(|(t, _)| *t == tag)
                .map_or("it only lives inside another component", |(_, h)| h);
            self.report(
                rule::SUB_ELEMENT_AS_COMPONENT,
                format!(
                    "`{tag}` ({}) cannot stand on its own in `elements`: {home}",
                    sub.summary
                ),
            );
        } else if let Some((_, instead)) = REMOVED_COMPONENTS.iter().find(|(t, _)| *t == tag) {
            self.report(
                rule::REMOVED_COMPONENT,
                format!("`{tag}` was removed in Card JSON 2.0 (ErrCode 200861): {instead}"),
            );
        } else {
            let message = match did_you_mean(tag, COMPONENTS.iter().map(|c| c.tag)) {
                Some(suggestion) => format!(
                    "`{tag}` is not a Card JSON 2.0 component: did you mean `{suggestion}`?"
                ),
                None => format!(
                    "`{tag}` is not a Card JSON 2.0 component: use one of {}",
                    list(COMPONENTS.iter().map(|c| c.tag))
                ),
            };
            self.report(rule::UNKNOWN_TAG, message);
        }
    }

    /// The `tag` of a component object, reporting a missing or non-string tag.
    fn tag(&mut self, obj: &'a Map<String, Value>) -> Option<&'a str> {
        match obj.get("tag") {
            Some(Value::String(tag)) if tag.is_empty() => {
                self.report_at_key(
                    "tag",
                    rule::WRONG_TYPE,
                    "`tag` is empty: every component names its kind, such as `\"tag\": \"markdown\"` (a raw component, `<raw json={…}/>`, is a JSON object with a string `tag`)".to_owned(),
                );
                None
            }
            Some(Value::String(tag)) => Some(tag),
            None => {
                self.report(
                    rule::MISSING_PROPERTY,
                    "this object has no `tag`: every component names its kind, such as `\"tag\": \"markdown\"`".to_owned(),
                );
                None
            }
            Some(other) => {
                self.report_at_key(
                    "tag",
                    rule::WRONG_TYPE,
                    format!(
                        "`tag` is a string such as `\"markdown\"`, not {}",
                        json_kind(other)
                    ),
                );
                None
            }
        }
    }

    fn component(
        &mut self,
        component: &'static Component,
        node: &'a Value,
        obj: &'a Map<String, Value>,
    ) {
        let multi_select = matches!(obj.get("multi_select"), Some(Value::Bool(true)));
        if let Some(v) = placement_violation(component, &self.containers, multi_select) {
            self.report_violation(v);
        }
        self.whole_rules(component, obj);
        self.tracker.enter(component, node);
        self.attrs(obj, component.attrs, component.tag, Some(component));
        if std::ptr::eq(component, &registry::TABLE) {
            self.table_rows(obj);
        }
        self.tracker.leave();
    }

    /// The rules that judge `component` as a whole, before the walk enters its attributes.
    fn whole_rules(&mut self, component: &'static Component, obj: &'a Map<String, Value>) {
        let tag = component.tag;
        let list = |key: &str| obj.get(key).and_then(Value::as_array);
        let is = |record: &Component| std::ptr::eq(component, record);
        if is(&registry::TABLE) {
            if let Some(v) =
                list("columns").and_then(|c| registry::table_columns_violation(c.len()))
            {
                self.report_whole_at_key("columns", v);
            }
        } else if is(&registry::IMG_COMBINATION) {
            let mode = obj.get("combination_mode").and_then(Value::as_str);
            if let (Some(mode), Some(images)) = (mode, list("img_list")) {
                if let Some(v) = registry::img_combination_violation(mode, images.len()) {
                    self.report_whole_at_key("img_list", v);
                }
            }
        } else if is(&registry::CHECKER) {
            self.checker_buttons(obj);
        } else if is(&registry::MARKDOWN) {
            self.markdown_tables(obj);
        }
        let has = |key: &str| obj.get(key).is_some_and(|v| !v.is_null());
        if let Some(v) = registry::picker_placeholder_violation(tag, has) {
            self.report_whole(v);
        }
        if let Some((_, key)) = UNIQUE_OPTION_VALUES.iter().find(|(c, _)| is(c)) {
            self.unique_option_values(tag, key, obj);
        }
        self.open_url(component, obj);
    }

    /// At most the registry's number of pipe tables in each of a markdown's texts.
    fn markdown_tables(&mut self, obj: &'a Map<String, Value>) {
        if let Some((key, Value::String(content))) = obj.get_key_value("content") {
            if let Some(v) = registry::markdown_tables_violation(registry::markdown_tables(content))
            {
                self.report_whole_at_key(key, v);
            }
        }
        if let Some((key, Value::Object(locales))) = obj.get_key_value("i18n_content") {
            self.loc.push(Segment::Key(key));
            for (locale, content) in locales {
                let Value::String(content) = content else {
                    continue;
                };
                if let Some(v) =
                    registry::markdown_tables_violation(registry::markdown_tables(content))
                {
                    self.report_whole_at_key(locale, v);
                }
            }
            self.loc.pop();
        }
    }

    /// How many buttons a checker holds, and of which types.
    fn checker_buttons(&mut self, obj: &'a Map<String, Value>) {
        let Some((area_key, Value::Object(area))) = obj.get_key_value("button_area") else {
            return;
        };
        let Some((buttons_key, Value::Array(buttons))) = area.get_key_value("buttons") else {
            return;
        };
        self.loc.push(Segment::Key(area_key));
        self.loc.push(Segment::Key(buttons_key));
        if let Some(v) = registry::checker_buttons_violation(buttons.len()) {
            self.report_whole(v);
        }
        for (i, button) in buttons.iter().enumerate() {
            let Value::Object(b) = button else { continue };
            let button_type = b.get("type").and_then(Value::as_str);
            if let Some(v) = registry::checker_button_type_violation(button_type) {
                self.loc.push(Segment::Index(i, tag_of(button)));
                match b.get_key_value("type") {
                    Some((k, _)) => self.report_whole_at_key(k, v),
                    None => self.report_whole(v),
                }
                self.loc.pop();
            }
        }
        self.loc.pop();
        self.loc.pop();
    }

    /// Each option of a selector names a value of its own.
    fn unique_option_values(&mut self, tag: &str, key: &'a str, obj: &'a Map<String, Value>) {
        let Some((key, Value::Array(options))) = obj.get_key_value(key) else {
            return;
        };
        let mut seen = HashSet::new();
        self.loc.push(Segment::Key(key));
        for (i, option) in options.iter().enumerate() {
            let Some((value_key, Value::String(value))) =
                option.as_object().and_then(|o| o.get_key_value("value"))
            else {
                continue;
            };
            if !seen.insert(value.as_str()) {
                self.loc.push(Segment::Index(i, None));
                self.report_whole_at_key(
                    value_key,
                    registry::duplicate_option_violation(tag, value),
                );
                self.loc.pop();
            }
        }
        self.loc.pop();
    }

    /// An `open_url` behaviour only where the registry allows one.
    fn open_url(&mut self, component: &'static Component, obj: &'a Map<String, Value>) {
        let Some((key, Value::Array(behaviors))) = obj.get_key_value("behaviors") else {
            return;
        };
        for (i, behavior) in behaviors.iter().enumerate() {
            let opens =
                behavior.get("type").and_then(Value::as_str) == Some(crate::model::OpenUrl::TYPE);
            if !opens {
                continue;
            }
            if let Some(v) = registry::open_url_violation(component) {
                self.loc.push(Segment::Key(key));
                self.loc.push(Segment::Index(i, None));
                self.report_whole(v);
                self.loc.pop();
                self.loc.pop();
            }
        }
    }

    /// Every row key of a table must be the `name` of one of its columns (ErrCode 200915).
    fn table_rows(&mut self, obj: &'a Map<String, Value>) {
        let (Some(Value::Array(columns)), Some(Value::Array(rows))) =
            (obj.get("columns"), obj.get("rows"))
        else {
            return;
        };
        let names: Vec<&str> = columns
            .iter()
            .filter_map(|c| c.get("name").and_then(Value::as_str))
            .collect();
        self.loc.push(Segment::Key("rows"));
        for (i, row) in rows.iter().enumerate() {
            let Value::Object(row) = row else { continue };
            self.loc.push(Segment::Index(i, None));
            for key in row.keys() {
                if let Some(v) = registry::row_key_violation(key, &names) {
                    self.report_at_key(key, v.rule, v.message);
                }
            }
            self.loc.pop();
        }
        self.loc.pop();
    }

    // -----------------------------------------------------------------------------------------
    // Attributes and values

    /// Checks the keys of `obj` against `attrs`. `component` is the component or sub-element
    /// whose own attributes these are.
    fn attrs(
        &mut self,
        obj: &'a Map<String, Value>,
        attrs: &'static [Attr],
        owner: &'static str,
        component: Option<&'static Component>,
    ) {
        for (key, value) in obj {
            if component.is_some() && key == "tag" {
                continue;
            }
            self.loc.push(Segment::Key(key));
            match find_attr(attrs, key) {
                None => {
                    let message = unknown_property_message(key, owner, attrs);
                    self.report(rule::UNKNOWN_PROPERTY, message);
                }
                Some(attr) => {
                    if let Status::Legacy(_) = attr.status {
                        if let Some(v) = attr.legacy_violation(owner) {
                            self.report_violation(v);
                        }
                    }
                    // The tracker picks what the card-wide rules need, and judges some values
                    // (ids) itself.
                    let judged = Scalar::from_value(value).is_some_and(|scalar| {
                        self.tracker
                            .attribute(attrs, attr.name, Some(scalar), value)
                    });
                    if !judged {
                        self.value(attr, &attr.kind, value, owner, component);
                    }
                }
            }
            self.loc.pop();
        }
        for attr in attrs {
            if attr.required == Required::Yes && !obj.contains_key(attr.name) {
                self.report(
                    rule::MISSING_PROPERTY,
                    format!(
                        "`{owner}` is missing `{}`: add it ({})",
                        attr.name,
                        attr.kind.describe()
                    ),
                );
            }
        }
    }

    /// Checks `value` against `kind` (the kind of `attr`, or of one of its parts).
    fn value(
        &mut self,
        attr: &'static Attr,
        kind: &'static Kind,
        value: &'a Value,
        owner: &'static str,
        component: Option<&'static Component>,
    ) {
        // `limit.depth` has long been reported by this depth; going on would only risk the
        // stack on a hand-built `Value` nested thousands deep.
        if self.loc.segments().len() > MAX_WALK_DEPTH {
            return;
        }
        if let Some(s) = Scalar::from_value(value) {
            self.scalar(attr, kind, s, owner);
            return;
        }
        match (kind, value) {
            (Kind::Json, _) => {}
            (Kind::Text { forms, max_chars }, Value::Object(obj)) => {
                self.text(attr, forms, *max_chars, value, obj, owner)
            }
            (Kind::Tagged(forms), Value::Object(obj)) => {
                self.tagged(attr, forms, value, obj, owner)
            }
            (Kind::Object(attrs), Value::Object(obj)) => self.attrs(obj, attrs, attr.name, None),
            (Kind::Union { key, shapes }, Value::Object(obj)) => self.union(attr, key, shapes, obj),
            (Kind::List(item), Value::Array(items)) => {
                for (i, v) in items.iter().enumerate() {
                    self.loc.push(Segment::Index(i, tag_of(v)));
                    self.value(attr, item, v, owner, None);
                    self.loc.pop();
                }
            }
            (Kind::Elements, Value::Array(items)) => {
                let container = component.and_then(|c| c.opens).unwrap_or(Container::Body);
                self.elements(items, container);
            }
            (Kind::Locales(item), Value::Object(obj)) => {
                for (locale, v) in obj {
                    self.loc.push(Segment::Key(locale));
                    if !registry::LOCALES.contains(&locale.as_str()) {
                        let message = format!(
                            "`{locale}` is not a documented locale code: use one of {}",
                            list(registry::LOCALES.iter().copied())
                        );
                        let severity = Severity::Warning;
                        self.out
                            .push(self.loc.diagnostic(rule::VALUE_ENUM, severity, message));
                    }
                    self.value(attr, item, v, owner, None);
                    self.loc.pop();
                }
            }
            (Kind::Map(item), Value::Object(obj)) => {
                for (name, v) in obj {
                    self.loc.push(Segment::Key(name));
                    self.value(attr, item, v, owner, None);
                    self.loc.pop();
                }
            }
            (Kind::AnyOf(kinds), _) => match kinds.iter().find(|k| accepts_shape(k, value)) {
                Some(k) => self.value(attr, k, value, owner, component),
                None => self.wrong_type(attr, kind, value, owner),
            },
            _ => self.wrong_type(attr, kind, value, owner),
        }
    }

    fn scalar(&mut self, attr: &'static Attr, kind: &'static Kind, value: Scalar<'_>, owner: &str) {
        let result = if std::ptr::eq(kind, &attr.kind) {
            attr.check_with(owner, value, &self.styles)
        } else {
            // A part of the attribute (a list item, a map value): same name, narrower kind.
            Attr {
                kind: *kind,
                ..*attr
            }
            .check_with(owner, value, &self.styles)
        };
        if let Err(v) = result {
            self.report_violation(v);
        }
    }

    fn wrong_type(&mut self, attr: &Attr, kind: &Kind, value: &Value, owner: &str) {
        self.report(
            rule::WRONG_TYPE,
            format!(
                "`{}` on `{owner}` is {}: allowed {}",
                attr.name,
                json_kind(value),
                kind.describe()
            ),
        );
    }

    fn text(
        &mut self,
        attr: &'static Attr,
        forms: &'static [&'static Component],
        max_chars: Option<usize>,
        node: &'a Value,
        obj: &'a Map<String, Value>,
        owner: &'static str,
    ) {
        // §2.4: a text object's `tag` defaults to `plain_text`.
        let form = match obj.get("tag") {
            None => forms.first().copied(),
            Some(_) => self.pick_form(attr, forms, obj, owner),
        };
        let Some(form) = form else { return };
        self.tracker.enter(form, node);
        self.attrs(obj, form.attrs, form.tag, Some(form));
        if let Some(max) = max_chars {
            self.text_length(obj, max, attr.name, owner);
        }
        self.tracker.leave();
    }

    fn text_length(&mut self, obj: &'a Map<String, Value>, max: usize, attr: &str, owner: &str) {
        let too_long = |s: &str| s.len() > max && s.chars().count() > max;
        if let Some((key, Value::String(s))) = obj.get_key_value("content") {
            if too_long(s) {
                let n = s.chars().count();
                self.report_at_key(
                    key,
                    rule::VALUE_TEXT_LENGTH,
                    format!("the `{attr}` of `{owner}` is {n} characters long: at most {max} are shown; shorten it"),
                );
            }
        }
        if let Some((key, Value::Object(locales))) = obj.get_key_value("i18n_content") {
            self.loc.push(Segment::Key(key));
            for (locale, v) in locales {
                if let Value::String(s) = v {
                    if too_long(s) {
                        let n = s.chars().count();
                        self.report_at_key(
                            locale,
                            rule::VALUE_TEXT_LENGTH,
                            format!("the `{attr}` of `{owner}` in `{locale}` is {n} characters long: at most {max} are shown; shorten it"),
                        );
                    }
                }
            }
            self.loc.pop();
        }
    }

    /// The form among `forms` named by `obj`'s `tag`, reporting a missing or foreign tag.
    fn pick_form(
        &mut self,
        attr: &Attr,
        forms: &'static [&'static Component],
        obj: &'a Map<String, Value>,
        owner: &str,
    ) -> Option<&'static Component> {
        let tag = self.tag(obj)?;
        if let Some(form) = forms.iter().find(|f| f.tag == tag) {
            return Some(form);
        }
        let message = format!(
            "`tag: {tag:?}` is not allowed in `{}` on `{owner}`: use {}",
            attr.name,
            list(forms.iter().map(|f| f.tag))
        );
        // Another kind of text object where one is expected (`lark_md` in a button's text) is
        // undocumented, not known to be rejected: warn, and check it as the text it is.
        let other_text = forms
            .iter()
            .any(|f| TEXT_FORMS.contains(&f.tag))
            .then(|| registry::sub_element(tag))
            .flatten()
            .filter(|t| TEXT_FORMS.contains(&t.tag));
        self.loc.push(Segment::Key("tag"));
        let mut v = Violation::new(rule::VALUE_ENUM, message);
        if other_text.is_some() {
            v = v.warning();
        }
        self.report_violation(v);
        self.loc.pop();
        other_text
    }

    fn tagged(
        &mut self,
        attr: &'static Attr,
        forms: &'static [&'static Component],
        node: &'a Value,
        obj: &'a Map<String, Value>,
        owner: &'static str,
    ) {
        let Some(form) = self.pick_form(attr, forms, obj, owner) else {
            return;
        };
        if form.category == Category::SubElement {
            self.tracker.enter(form, node);
            self.attrs(obj, form.attrs, form.tag, Some(form));
            self.tracker.leave();
        } else {
            self.component(form, node, obj);
        }
    }

    fn union(
        &mut self,
        attr: &'static Attr,
        key: &'static str,
        shapes: &'static [registry::Shape],
        obj: &'a Map<String, Value>,
    ) {
        let shape = match obj.get(key) {
            Some(Value::String(k)) => match shapes.iter().find(|s| s.value == k) {
                Some(shape) => shape,
                None => {
                    let message = format!(
                        "`{key}: {k:?}` is not a kind of `{}`: use {}",
                        attr.name,
                        list(shapes.iter().map(|s| s.value))
                    );
                    self.report_at_key(key, rule::VALUE_ENUM, message);
                    return;
                }
            },
            Some(other) => {
                let message = format!("`{key}` is a string, not {}", json_kind(other));
                self.report_at_key(key, rule::WRONG_TYPE, message);
                return;
            }
            None => {
                self.report(
                    rule::MISSING_PROPERTY,
                    format!(
                        "each entry of `{}` needs a `{key}`: {}",
                        attr.name,
                        list(shapes.iter().map(|s| s.value))
                    ),
                );
                return;
            }
        };
        if let Status::Legacy(rule) = shape.status {
            let message = format!(
                "a `{key}: {:?}` entry of `{}` is a JSON 1.0 form that 2.0 only tolerates: {}",
                shape.value,
                attr.name,
                if shape.value == crate::model::FormAction::TYPE {
                    "give the button `form_action_type: \"submit\"` or `\"reset\"` instead"
                } else {
                    "use a documented kind instead"
                }
            );
            self.report_at_key(key, rule, message);
        }
        if shape.value == crate::model::FormAction::TYPE {
            if let Some(Value::String(action)) = obj.get("behavior") {
                self.tracker.form_action(action);
            }
        }
        for (k, v) in obj {
            if k == key {
                continue;
            }
            self.loc.push(Segment::Key(k));
            match find_attr(shape.attrs, k) {
                Some(a) => self.value(a, &a.kind, v, shape.value, None),
                None => {
                    let message = unknown_property_message(k, shape.value, shape.attrs);
                    self.report(rule::UNKNOWN_PROPERTY, message);
                }
            }
            self.loc.pop();
        }
        for a in shape.attrs {
            if a.required == Required::Yes && !obj.contains_key(a.name) {
                self.report(
                    rule::MISSING_PROPERTY,
                    format!(
                        "a `{}` behaviour is missing `{}`: add it ({})",
                        shape.value,
                        a.name,
                        a.kind.describe()
                    ),
                );
            }
        }
    }
}

/// How deep (in path steps) the walk goes.
pub(super) const MAX_WALK_DEPTH: usize = 512;

/// The text sub-elements.
const TEXT_FORMS: &[&str] = &["plain_text", "lark_md"];

fn unknown_property_message(key: &str, owner: &str, attrs: &'static [Attr]) -> String {
    match did_you_mean(key, attrs.iter().map(|a| a.name)) {
        Some(s) => format!("`{key}` is not a property of `{owner}`: did you mean `{s}`?"),
        None => format!(
            "`{key}` is not a property of `{owner}` (2.0 rejects unknown properties): allowed {}",
            list(attrs.iter().map(|a| a.name))
        ),
    }
}

/// Whether a non-scalar `value` has the JSON shape `kind` takes.
fn accepts_shape(kind: &Kind, value: &Value) -> bool {
    match value {
        Value::Object(_) => matches!(
            kind,
            Kind::Text { .. }
                | Kind::Tagged(_)
                | Kind::Object(_)
                | Kind::Union { .. }
                | Kind::Locales(_)
                | Kind::Map(_)
                | Kind::Json
        ),
        Value::Array(_) => matches!(kind, Kind::List(_) | Kind::Elements | Kind::Json),
        _ => matches!(kind, Kind::Json),
    }
}
