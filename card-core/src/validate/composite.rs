//! Rules that judge a component or a card-level object as a whole: how many parts it has, which
//! of its attributes go together, whether its options repeat themselves. The attribute walk
//! judges each value on its own; this pass follows the same registry kinds to every component
//! and asks the registry's rules about the whole.

use std::collections::HashSet;

use serde_json::{Map, Value};

use super::locate::tag_of;
use crate::diagnostic::{Location, Segment};
use crate::registry::{
    self, find_attr, Attr, Category, Component, Kind, Status, Violation, CARD, UNIQUE_OPTION_VALUES,
};
use crate::Diagnostics;

/// Adds to `out` what the rules about whole objects find in `card`.
pub fn check(card: &Value, out: &mut Diagnostics) {
    let Value::Object(obj) = card else { return };
    // A 1.0 card is reported as such and not walked further (as the attribute walk does).
    let v1_layout = ["elements", "i18n_elements", "i18n_header"]
        .iter()
        .any(|k| obj.contains_key(*k));
    if v1_layout && !matches!(obj.get("schema"), Some(Value::String(s)) if s == "2.0") {
        return;
    }
    let mut pass = Pass {
        loc: Location::root(),
        out,
    };
    for (key, value) in obj {
        let Some(attr) = find_attr(CARD, key) else {
            continue;
        };
        pass.loc.push(Segment::Key(key));
        if let Status::Legacy(_) = attr.status {
            if let Some(v) = attr.legacy_violation("card") {
                pass.report(v);
            }
        }
        if key == "config" {
            pass.config(value);
        }
        pass.value(&attr.kind, value);
        pass.loc.pop();
    }
}

struct Pass<'a, 'o> {
    loc: Location<'a>,
    out: &'o mut Diagnostics,
}

impl<'a> Pass<'a, '_> {
    fn report(&mut self, v: Violation) {
        self.out
            .push(self.loc.diagnostic(v.rule, v.severity, v.message));
    }

    fn at_key(&mut self, key: &'a str, v: Violation) {
        self.loc.push(Segment::Key(key));
        self.report(v);
        self.loc.pop();
    }

    /// `config.style.color`: each custom colour has a light and a dark value.
    fn config(&mut self, config: &'a Value) {
        let Some((style_key, Value::Object(style))) =
            config.as_object().and_then(|c| c.get_key_value("style"))
        else {
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
                self.at_key(name, v);
            }
        }
        self.loc.pop();
        self.loc.pop();
    }

    /// Follows `kind` into `value` to the components it holds.
    fn value(&mut self, kind: &'static Kind, value: &'a Value) {
        if self.loc.segments().len() > super::walk::MAX_WALK_DEPTH {
            return;
        }
        match (kind, value) {
            (Kind::Elements, Value::Array(items)) => {
                for (i, item) in items.iter().enumerate() {
                    let Value::Object(obj) = item else { continue };
                    let Some(component) = tag_of(item).and_then(registry::component) else {
                        continue;
                    };
                    self.loc.push(Segment::Index(i, tag_of(item)));
                    self.component(component, obj);
                    self.loc.pop();
                }
            }
            (Kind::Tagged(forms), Value::Object(obj)) => {
                let Some(form) = tag_of(value).and_then(|t| forms.iter().find(|f| f.tag == t))
                else {
                    return;
                };
                if form.category == Category::SubElement {
                    self.attrs(form.attrs, obj);
                } else {
                    self.component(form, obj);
                }
            }
            (Kind::Object(attrs), Value::Object(obj)) => self.attrs(attrs, obj),
            (Kind::List(item), Value::Array(items)) => {
                for (i, v) in items.iter().enumerate() {
                    self.loc.push(Segment::Index(i, tag_of(v)));
                    self.value(item, v);
                    self.loc.pop();
                }
            }
            (Kind::Locales(item) | Kind::Map(item), Value::Object(obj)) => {
                for (k, v) in obj {
                    self.loc.push(Segment::Key(k));
                    self.value(item, v);
                    self.loc.pop();
                }
            }
            (Kind::AnyOf(kinds), _) => {
                let shaped = kinds.iter().find(|k| match value {
                    Value::Object(_) => matches!(
                        k,
                        Kind::Tagged(_) | Kind::Object(_) | Kind::Locales(_) | Kind::Map(_)
                    ),
                    Value::Array(_) => matches!(k, Kind::List(_) | Kind::Elements),
                    _ => false,
                });
                if let Some(k) = shaped {
                    self.value(k, value);
                }
            }
            _ => {}
        }
    }

    fn attrs(&mut self, attrs: &'static [Attr], obj: &'a Map<String, Value>) {
        for (key, value) in obj {
            if let Some(attr) = find_attr(attrs, key) {
                self.loc.push(Segment::Key(key));
                self.value(&attr.kind, value);
                self.loc.pop();
            }
        }
    }

    fn component(&mut self, component: &'static Component, obj: &'a Map<String, Value>) {
        let tag = component.tag;
        let list = |key: &str| obj.get(key).and_then(Value::as_array);
        match tag {
            "table" => {
                if let Some(v) =
                    list("columns").and_then(|c| registry::table_columns_violation(c.len()))
                {
                    self.at_key("columns", v);
                }
            }
            "img_combination" => {
                let mode = obj.get("combination_mode").and_then(Value::as_str);
                if let (Some(mode), Some(images)) = (mode, list("img_list")) {
                    if let Some(v) = registry::img_combination_violation(mode, images.len()) {
                        self.at_key("img_list", v);
                    }
                }
            }
            "checker" => self.checker_buttons(obj),
            "markdown" => self.markdown_tables(obj),
            _ => {}
        }
        let has = |key: &str| obj.get(key).is_some_and(|v| !v.is_null());
        if let Some(v) = registry::picker_placeholder_violation(tag, has) {
            self.report(v);
        }
        if let Some((_, key)) = UNIQUE_OPTION_VALUES.iter().find(|(t, _)| *t == tag) {
            self.unique_option_values(tag, key, obj);
        }
        self.open_url(component, obj);
        self.attrs(component.attrs, obj);
    }

    fn markdown_tables(&mut self, obj: &'a Map<String, Value>) {
        if let Some((key, Value::String(content))) = obj.get_key_value("content") {
            if let Some(v) = registry::markdown_tables_violation(registry::markdown_tables(content))
            {
                self.at_key(key, v);
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
                    self.at_key(locale, v);
                }
            }
            self.loc.pop();
        }
    }

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
            self.report(v);
        }
        for (i, button) in buttons.iter().enumerate() {
            let Value::Object(b) = button else { continue };
            let button_type = b.get("type").and_then(Value::as_str);
            if let Some(v) = registry::checker_button_type_violation(button_type) {
                self.loc.push(Segment::Index(i, tag_of(button)));
                match b.get_key_value("type") {
                    Some((k, _)) => self.at_key(k, v),
                    None => self.report(v),
                }
                self.loc.pop();
            }
        }
        self.loc.pop();
        self.loc.pop();
    }

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
                self.at_key(value_key, registry::duplicate_option_violation(tag, value));
                self.loc.pop();
            }
        }
        self.loc.pop();
    }

    fn open_url(&mut self, component: &'static Component, obj: &'a Map<String, Value>) {
        let Some((key, Value::Array(behaviors))) = obj.get_key_value("behaviors") else {
            return;
        };
        for (i, behavior) in behaviors.iter().enumerate() {
            let opens = behavior.get("type").and_then(Value::as_str) == Some("open_url");
            if !opens {
                continue;
            }
            if let Some(v) = registry::open_url_violation(component) {
                self.loc.push(Segment::Key(key));
                self.loc.push(Segment::Index(i, None));
                self.report(v);
                self.loc.pop();
                self.loc.pop();
            }
        }
    }
}
