//! Finding the component a user acts on in a card's JSON, and checking what they put in it the
//! way Feishu's client would (options, required fields, formats).

use card_core::model::FormActionType;
use card_core::registry::{self, Container, FormRole, FormValue, Format, Kind};
use serde_json::{Map, Value};

use super::user::{Target, UserError};

/// Whether a form submits this tag's value, by `name` (the registry's form role).
fn is_form_field(tag: &str) -> bool {
    registry::component(tag).is_some_and(|c| matches!(c.form, FormRole::Field(_)))
}

/// Whether a user can act on this tag: the components that take `behaviors`.
fn is_interactive(tag: &str) -> bool {
    registry::component(tag).is_some_and(|c| c.attr("behaviors").is_some())
}

/// Whether a click on this tag calls back: it takes `behaviors`, and neither holds a value
/// nor offers options (a button, an interactive container).
pub(crate) fn is_clickable(tag: &str) -> bool {
    registry::component(tag).is_some_and(|c| {
        c.attr("behaviors").is_some()
            && c.attr("options").is_none()
            && !matches!(c.form, FormRole::Field(_))
    })
}

/// Whether this tag is a form's button (submit or reset, by `form_action_type`).
pub(crate) fn is_button(tag: &str) -> bool {
    registry::component(tag).is_some_and(|c| c.form == FormRole::Button)
}

/// A form button's `form_action_type`, when it is one the model knows.
pub(crate) fn form_action(found: &Found<'_>) -> Option<FormActionType> {
    found
        .str("form_action_type")
        .and_then(|s| s.parse::<FormActionType>().ok())
}

/// Whether this is a form's submit button.
pub(crate) fn is_submit(found: &Found<'_>) -> bool {
    is_button(found.tag()) && form_action(found) == Some(FormActionType::Submit)
}

/// What this tag submits with none of its switches on (`multi_select` off).
fn submits(tag: &str) -> Option<FormValue> {
    registry::component(tag).and_then(|c| c.submits(|_| false))
}

/// Whether this tag is a checker: its value is `true` or `false`.
pub(crate) fn is_checker(tag: &str) -> bool {
    submits(tag) == Some(FormValue::Bool)
}

/// Whether this tag takes typed text: a text field without options.
pub(crate) fn is_text_input(tag: &str) -> bool {
    submits(tag) == Some(FormValue::Text)
        && registry::component(tag).is_some_and(|c| c.attr("options").is_none())
}

/// Whether a user picks one value on this tag outside a form: a single-choice select, an
/// overflow menu, a date or time picker.
pub(crate) fn is_choosable(tag: &str) -> bool {
    let Some(c) = registry::component(tag) else {
        return false;
    };
    match c.submits(|_| false) {
        Some(FormValue::Text) => c.attr("options").is_some(),
        Some(value) => value.format().is_some(),
        None => c.form == FormRole::None && c.attr("options").is_some(),
    }
}

/// The most characters a text input takes when its `max_length` is not set: the largest the
/// registry allows.
pub(crate) fn input_max_length(tag: &str) -> u64 {
    match registry::component(tag)
        .and_then(|c| c.attr("max_length"))
        .map(|a| &a.kind)
    {
        Some(Kind::Int { max, .. }) => u64::try_from(*max).unwrap_or(u64::MAX),
        _ => u64::MAX,
    }
}

/// Which container, if any, this tag opens.
fn opens(tag: Option<&str>) -> Option<Container> {
    tag.and_then(registry::component).and_then(|c| c.opens)
}

/// One component of a card, with what surrounds it.
#[derive(Debug, Clone)]
pub(crate) struct Found<'a> {
    pub element: &'a Value,
    /// The `name` of the form it sits in.
    pub form: Option<String>,
    /// The container that disables it, if one does.
    pub disabled_by: Option<String>,
}

impl Found<'_> {
    pub fn tag(&self) -> &str {
        self.element
            .get("tag")
            .and_then(Value::as_str)
            .unwrap_or("")
    }

    pub fn str(&self, key: &str) -> Option<&str> {
        self.element.get(key).and_then(Value::as_str)
    }

    pub fn flag(&self, key: &str) -> bool {
        self.element
            .get(key)
            .and_then(Value::as_bool)
            .unwrap_or(false)
    }

    /// How errors name it: `button "Approve"`, `select_static priority`.
    pub fn describe(&self) -> String {
        let tag = self.tag();
        if let Some(text) = visible_text(self.element) {
            format!("{tag} {text:?}")
        } else if let Some(name) = self.str("name") {
            format!("{tag} `{name}`")
        } else if let Some(id) = self.str("element_id") {
            format!("{tag} #{id}")
        } else {
            tag.to_owned()
        }
    }

    /// Refuses a disabled component, or one in a disabled container.
    pub fn check_enabled(&self) -> Result<(), UserError> {
        if self.flag("disabled") {
            return Err(UserError::Disabled {
                target: self.describe(),
                by: None,
            });
        }
        if let Some(by) = &self.disabled_by {
            return Err(UserError::Disabled {
                target: self.describe(),
                by: Some(by.clone()),
            });
        }
        Ok(())
    }

    /// The `value` of its `callback` behaviour (or the 1.0 `value` field); `None` when it has
    /// behaviours but no callback among them.
    pub fn callback_value(&self) -> CallbackValue {
        match self.element.get("behaviors").and_then(Value::as_array) {
            Some(behaviors) => {
                let callback = behaviors
                    .iter()
                    .find(|b| b.get("type").and_then(Value::as_str) == Some("callback"));
                match callback {
                    Some(b) => CallbackValue::Value(b.get("value").cloned()),
                    None => CallbackValue::None,
                }
            }
            None => CallbackValue::Default(self.element.get("value").cloned()),
        }
    }
}

/// What a component's behaviours say about calling the bot.
pub(crate) enum CallbackValue {
    /// A `callback` behaviour, with its value.
    Value(Option<Value>),
    /// No behaviours at all: most components call back anyway (the checker does not).
    Default(Option<Value>),
    /// Behaviours, none of them a callback (an `open_url` button).
    None,
}

/// The text a user sees on a component: a button's or checker's `text`, in any language.
fn visible_text(element: &Value) -> Option<&str> {
    let text = element.get("text")?;
    text.get("content")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .or_else(|| {
            text.get("i18n_content")
                .and_then(Value::as_object)
                .and_then(|m| m.values().find_map(Value::as_str))
        })
}

fn text_matches(element: &Value, wanted: &str) -> bool {
    let Some(text) = element.get("text") else {
        return false;
    };
    text.get("content").and_then(Value::as_str) == Some(wanted)
        || text
            .get("i18n_content")
            .and_then(Value::as_object)
            .is_some_and(|m| m.values().any(|v| v.as_str() == Some(wanted)))
}

/// Every component of `card`, in document order.
pub(crate) fn all(card: &Value) -> Vec<Found<'_>> {
    fn walk<'a>(
        v: &'a Value,
        form: Option<&str>,
        disabled_by: Option<&str>,
        out: &mut Vec<Found<'a>>,
    ) {
        match v {
            Value::Array(items) => {
                for item in items {
                    walk(item, form, disabled_by, out);
                }
            }
            Value::Object(map) => {
                let tag = map.get("tag").and_then(Value::as_str);
                if tag.is_some() {
                    out.push(Found {
                        element: v,
                        form: form.map(str::to_owned),
                        disabled_by: disabled_by.map(str::to_owned),
                    });
                }
                let form = match opens(tag) {
                    Some(Container::Form) => map.get("name").and_then(Value::as_str).or(Some("")),
                    _ => form,
                };
                let container_disabled = opens(tag) == Some(Container::InteractiveContainer)
                    && map.get("disabled").and_then(Value::as_bool) == Some(true);
                let described;
                let disabled_by = if container_disabled && disabled_by.is_none() {
                    described = Found {
                        element: v,
                        form: None,
                        disabled_by: None,
                    }
                    .describe();
                    Some(described.as_str())
                } else {
                    disabled_by
                };
                for key in ["body", "elements", "columns", "actions"] {
                    if let Some(child) = map.get(key) {
                        walk(child, form, disabled_by, out);
                    }
                }
                if let Some(buttons) = map.get("button_area").and_then(|a| a.get("buttons")) {
                    walk(buttons, form, disabled_by, out);
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(card, None, None, &mut out);
    out
}

/// Whether a component matches a wanted string in one way (id, name, text).
type Matcher = dyn Fn(&Found<'_>, &str) -> bool;

/// The one component `target` names among those `accept` allows; looks in this order at
/// `element_id`, `name`, then visible text, and stops at the first kind that matches.
pub(crate) fn find<'a>(
    card: &'a Value,
    message_id: &str,
    target: &Target,
    expected: &'static str,
    accept: impl Fn(&Found<'_>) -> bool,
) -> Result<Found<'a>, UserError> {
    let components = all(card);
    let by_id = |f: &Found<'_>, s: &str| f.str("element_id") == Some(s);
    let by_name = |f: &Found<'_>, s: &str| f.str("name") == Some(s);
    let by_text = |f: &Found<'_>, s: &str| text_matches(f.element, s);
    let tries: Vec<(&str, &Matcher)> = match target {
        Target::Any(s) => vec![(s, &by_id), (s, &by_name), (s, &by_text)],
        Target::ElementId(s) => vec![(s, &by_id)],
        Target::Name(s) => vec![(s, &by_name)],
        Target::Text(s) => vec![(s, &by_text)],
    };
    for (wanted, matches) in tries {
        let hits: Vec<&Found<'_>> = components.iter().filter(|f| matches(f, wanted)).collect();
        if hits.is_empty() {
            continue;
        }
        let usable: Vec<&Found<'_>> = hits.iter().copied().filter(|f| accept(f)).collect();
        return match usable.as_slice() {
            [one] => Ok((*one).clone()),
            [] => Err(UserError::WrongComponent {
                target: hits[0].describe(),
                expected,
            }),
            many => Err(UserError::Ambiguous {
                message_id: message_id.to_owned(),
                target: target.to_string(),
                matches: many.iter().map(|f| f.describe()).collect(),
            }),
        };
    }
    Err(UserError::NotFound {
        message_id: message_id.to_owned(),
        target: target.to_string(),
        available: components
            .iter()
            .filter(|f| is_interactive(f.tag()))
            .map(Found::describe)
            .collect(),
    })
}

/// The option values of a select, overflow or image picker.
pub(crate) fn option_values(element: &Value) -> Vec<String> {
    element
        .get("options")
        .and_then(Value::as_array)
        .map(|options| {
            options
                .iter()
                .filter_map(|o| o.get("value").and_then(Value::as_str).map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

/// The format of a picker's value, from the registry.
pub(crate) fn picker_format(tag: &str) -> Option<Format> {
    submits(tag).and_then(FormValue::format)
}

/// A picked value as Feishu sends it: the local value, a space, the user's UTC offset.
pub(crate) fn picked(found: &Found<'_>, value: &str, offset: &str) -> Result<String, UserError> {
    let tag = found.tag();
    let Some(format) = picker_format(tag) else {
        return Ok(value.to_owned());
    };
    // Accept the value with or without an offset already on it.
    let local = match value.rsplit_once(' ') {
        Some((local, off)) if off.starts_with(['+', '-']) && off.len() == 5 => local,
        _ => value,
    };
    if !format.matches(local) {
        return Err(UserError::BadValue {
            target: found.describe(),
            reason: format!("{value:?} is not a {} value", format.pattern()),
        });
    }
    Ok(format!("{local} {offset}"))
}

/// Checks one chosen value against a single-choice component.
pub(crate) fn check_single(found: &Found<'_>, value: &str) -> Result<(), UserError> {
    let tag = found.tag();
    if picker_format(tag).is_some() {
        return Ok(());
    }
    let options = option_values(found.element);
    let person = matches!(tag, "select_person" | "multi_select_person");
    if person && options.is_empty() {
        // No options: every member of the chat can be picked.
        return if value.starts_with("ou_") {
            Ok(())
        } else {
            Err(UserError::BadValue {
                target: found.describe(),
                reason: format!("{value:?} is not an open_id (`ou_…`)"),
            })
        };
    }
    if !options.iter().any(|o| o == value) {
        return Err(UserError::NotAnOption {
            target: found.describe(),
            value: value.to_owned(),
            allowed: options,
        });
    }
    if tag == "select_img" {
        let disabled = found
            .element
            .get("options")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .any(|o| {
                o.get("value").and_then(Value::as_str) == Some(value)
                    && o.get("disabled").and_then(Value::as_bool) == Some(true)
            });
        if disabled {
            return Err(UserError::Disabled {
                target: format!("option {value:?} of {}", found.describe()),
                by: None,
            });
        }
    }
    Ok(())
}

/// The value a form field holds before the user touches it: by what the registry says the
/// field submits.
fn initial(found: &Found<'_>, offset: &str) -> Option<Value> {
    let e = found.element;
    let text = |key: &str| e.get(key).and_then(Value::as_str).filter(|s| !s.is_empty());
    let component = registry::component(found.tag())?;
    match component.submits(|_| false)? {
        FormValue::Text => text("default_value")
            .or_else(|| text("initial_option"))
            .map(str::to_owned)
            .or_else(|| {
                let index = e.get("initial_index").and_then(Value::as_u64)?;
                let options = option_values(e);
                let i = usize::try_from(index).ok()?.checked_sub(1)?;
                options.get(i).cloned()
            })
            .map(Value::String),
        FormValue::List => e
            .get("selected_values")
            .and_then(Value::as_array)
            .filter(|v| !v.is_empty())
            .cloned()
            .map(Value::Array),
        FormValue::Bool => Some(Value::Bool(found.flag("checked"))),
        picker => {
            // The picker's initial value is its attribute of the picker's format.
            let format = picker.format()?;
            let attr = component
                .attrs
                .iter()
                .find(|a| matches!(a.kind, Kind::Format(f) if f == format))?;
            text(attr.name).map(|s| Value::String(format!("{s} {offset}")))
        }
    }
}

fn is_empty(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::String(s) => s.is_empty(),
        Value::Array(a) => a.is_empty(),
        _ => false,
    }
}

/// The `form_value` of form `form` filled with `values` (field name to value), as the client
/// would submit it; refuses what the client would not let through.
pub(crate) fn fill_form(
    card: &Value,
    form: &str,
    values: &Map<String, Value>,
    offset: &str,
) -> Result<Map<String, Value>, UserError> {
    let fields: Vec<Found<'_>> = all(card)
        .into_iter()
        .filter(|f| f.form.as_deref() == Some(form) && is_form_field(f.tag()))
        .filter(|f| f.str("name").is_some())
        .collect();
    let field_name = |f: &Found<'_>| f.str("name").unwrap_or("").to_owned();
    for given in values.keys() {
        if !fields.iter().any(|f| f.str("name") == Some(given)) {
            return Err(UserError::UnknownField {
                form: form.to_owned(),
                field: given.clone(),
                available: fields.iter().map(field_name).collect(),
            });
        }
    }
    let mut out = Map::new();
    for field in &fields {
        let name = field_name(field);
        let value = match values.get(&name) {
            Some(given) => {
                field.check_enabled()?;
                Some(field_value(field, given, offset)?)
            }
            None => initial(field, offset),
        };
        match value {
            Some(v) if !is_empty(&v) => {
                out.insert(name, v);
            }
            _ if field.flag("required") => {
                return Err(UserError::RequiredEmpty {
                    form: form.to_owned(),
                    field: name,
                })
            }
            _ => {}
        }
    }
    Ok(out)
}

/// Checks a value the test gives a form field, and turns it into what the form submits.
fn field_value(field: &Found<'_>, given: &Value, offset: &str) -> Result<Value, UserError> {
    let bad = |reason: String| UserError::BadValue {
        target: field.describe(),
        reason,
    };
    let tag = field.tag();
    let multi = registry::component(tag).and_then(|c| c.submits(|attr| field.flag(attr)))
        == Some(FormValue::List);
    match given {
        Value::Bool(b) if is_checker(tag) => Ok(Value::Bool(*b)),
        other if is_checker(tag) => Err(bad(format!("a checker takes true or false, not {other}"))),
        Value::String(_) | Value::Number(_) if is_text_input(tag) => {
            let text = match given {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            let max = field
                .element
                .get("max_length")
                .and_then(Value::as_u64)
                .unwrap_or_else(|| input_max_length(tag));
            let len = text.chars().count() as u64;
            if len > max {
                return Err(bad(format!(
                    "{len} characters, but the input takes at most {max}"
                )));
            }
            Ok(Value::String(text))
        }
        other if is_text_input(tag) => Err(bad(format!("an input takes text, not {other}"))),
        Value::Array(items) if multi => {
            let mut chosen = Vec::with_capacity(items.len());
            for item in items {
                let Some(s) = item.as_str() else {
                    return Err(bad(format!("the list holds {item}, not an option value")));
                };
                check_single(field, s)?;
                chosen.push(Value::String(s.to_owned()));
            }
            Ok(Value::Array(chosen))
        }
        other if multi => Err(bad(format!(
            "a multiple choice takes a list of option values, not {other}"
        ))),
        Value::String(s) => {
            check_single(field, s)?;
            picked(field, s, offset).map(Value::String)
        }
        other => Err(bad(format!(
            "a single choice takes one string, not {other}"
        ))),
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn what_a_user_can_do_to_each_tag_comes_from_the_registry() {
        let tags = |pick: fn(&str) -> bool| -> Vec<&str> {
            registry::COMPONENTS
                .iter()
                .map(|c| c.tag)
                .filter(|t| pick(t))
                .collect()
        };
        assert_eq!(tags(is_clickable), ["interactive_container", "button"]);
        assert_eq!(tags(is_checker), ["checker"]);
        assert_eq!(tags(is_text_input), ["input"]);
        assert_eq!(
            tags(is_choosable),
            [
                "overflow",
                "select_static",
                "select_person",
                "date_picker",
                "picker_time",
                "picker_datetime",
                "select_img"
            ]
        );
        assert_eq!(input_max_length("input"), 1000);
    }

    use super::*;
    use serde_json::json;

    fn card() -> Value {
        json!({"schema": "2.0", "body": {"elements": [
            {"tag": "button", "element_id": "ok", "text": {"tag": "plain_text", "content": "OK"}},
            {"tag": "column_set", "columns": [{"tag": "column", "elements": [
                {"tag": "button", "text": {"tag": "plain_text", "content": "Later"}, "disabled": true}
            ]}]},
            {"tag": "interactive_container", "disabled": true, "behaviors": [{"type": "callback", "value": {}}],
             "elements": [{"tag": "button", "name": "inner", "text": {"tag": "plain_text", "content": "In"}}]},
            {"tag": "form", "name": "f", "elements": [
                {"tag": "input", "name": "reason", "required": true, "max_length": 5},
                {"tag": "select_static", "name": "level", "initial_index": 2,
                 "options": [{"text": {"tag": "plain_text", "content": "A"}, "value": "a"},
                             {"text": {"tag": "plain_text", "content": "B"}, "value": "b"}]},
                {"tag": "date_picker", "name": "day"},
                {"tag": "checker", "name": "agree", "checked": true},
                {"tag": "button", "name": "go", "form_action_type": "submit",
                 "text": {"tag": "plain_text", "content": "Go"}}
            ]}
        ]}})
    }

    #[test]
    fn targets_are_found_by_id_name_or_text() {
        let card = card();
        let any = |_: &Found<'_>| true;
        let f = find(&card, "om", &Target::from("ok"), "", any).unwrap();
        assert_eq!(f.str("element_id"), Some("ok"));
        let f = find(&card, "om", &Target::from("Go"), "", any).unwrap();
        assert_eq!(f.form.as_deref(), Some("f"));
        let f = find(&card, "om", &Target::from("In"), "", any).unwrap();
        assert!(matches!(
            f.check_enabled(),
            Err(UserError::Disabled { by: Some(_), .. })
        ));
        let f = find(&card, "om", &Target::text("Later"), "", any).unwrap();
        assert!(matches!(
            f.check_enabled(),
            Err(UserError::Disabled { by: None, .. })
        ));
        match find(&card, "om", &Target::from("Nope"), "", any) {
            Err(UserError::NotFound { available, .. }) => {
                assert!(available.contains(&"button \"OK\"".to_owned()))
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn forms_take_defaults_and_refuse_what_the_client_refuses() {
        let card = card();
        let values = |v: Value| v.as_object().cloned().unwrap();
        let filled = fill_form(
            &card,
            "f",
            &values(json!({"reason": "move", "day": "2024-04-01"})),
            "+0800",
        )
        .unwrap();
        assert_eq!(
            Value::Object(filled),
            json!({"reason": "move", "level": "b", "day": "2024-04-01 +0800", "agree": true})
        );
        assert!(matches!(
            fill_form(&card, "f", &values(json!({})), "+0800"),
            Err(UserError::RequiredEmpty { .. })
        ));
        assert!(matches!(
            fill_form(
                &card,
                "f",
                &values(json!({"reason": "x", "level": "c"})),
                "+0800"
            ),
            Err(UserError::NotAnOption { .. })
        ));
        assert!(matches!(
            fill_form(&card, "f", &values(json!({"reason": "too long"})), "+0800"),
            Err(UserError::BadValue { .. })
        ));
        assert!(matches!(
            fill_form(
                &card,
                "f",
                &values(json!({"reason": "x", "day": "1 April"})),
                "+0800"
            ),
            Err(UserError::BadValue { .. })
        ));
        assert!(matches!(
            fill_form(
                &card,
                "f",
                &values(json!({"reason": "x", "who": "me"})),
                "+0800"
            ),
            Err(UserError::UnknownField { .. })
        ));
    }
}
