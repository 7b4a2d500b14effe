//! What to change to clear a diagnostic: one imperative sentence per problem, for a program (or
//! a language model) that repairs the card and sends it again.
//!
//! The hint reads the card and the registry: an unknown property gets the closest known name
//! or the list of allowed ones, a value out of its set gets the set, a missing property gets
//! its kind.
//!
//! ```
//! use card_core::validate::{fix::hint, validate_value};
//! use serde_json::json;
//!
//! let card = json!({"schema": "2.0", "body": {"elements": [
//!     {"tag": "markdown", "content": "hi", "text_algin": "left"}
//! ]}});
//! let diagnostics = validate_value(&card);
//! let d = diagnostics.iter().next().unwrap();
//! assert_eq!(d.rule, "structure.unknown-property");
//! assert!(hint(&card, d).contains("`text_align`"));
//! ```

use serde_json::{Map, Value};

use crate::registry::{
    self, did_you_mean, rule, Attr, Kind, BODY, CARD, CARD_LINK, CHECKER_BUTTON_TYPES, COMPONENTS,
    CONFIG, HEADER, IMG_COMBINATION_CAPACITY, LIMITS, OPENS_URL, PLACEHOLDER_UNLESS_INITIAL,
    REMOVED_CARD_KEYS, REMOVED_COMPONENTS, SUB_ELEMENT_HOMES,
};
use crate::Diagnostic;

/// What to change in `card` to clear `diagnostic` (found by validating `card`).
///
/// An unknown tag or property let through by the lenient policy may be newer than this
/// version rather than a mistake, and the hint says so.
pub fn hint(card: &Value, diagnostic: &Diagnostic) -> String {
    let fix = what_to_change(card, diagnostic);
    let let_through = matches!(diagnostic.rule, rule::UNKNOWN_PROPERTY | rule::UNKNOWN_TAG)
        && diagnostic.severity == crate::Severity::Warning;
    if let_through {
        format!("keep it if Feishu added it after this version of feishu-card; otherwise {fix}")
    } else {
        fix
    }
}

fn what_to_change(card: &Value, diagnostic: &Diagnostic) -> String {
    let at = Place::find(card, &diagnostic.pointer);
    let key = at.key.as_deref().unwrap_or("");
    match diagnostic.rule {
        rule::JSON_SYNTAX => "send the card as one JSON object; when it is given as a string, fix \
             the syntax at the position named (an unescaped quote or newline inside a string is \
             the usual cause)"
            .to_owned(),
        rule::SCHEMA_VERSION_1 => format!(
            "rewrite the card as 2.0: add `\"schema\": \"2.0\"`, move the components into \
             `body.elements`, and replace the 1.0 modules ({})",
            REMOVED_COMPONENTS
                .iter()
                .map(|(tag, instead)| format!("`{tag}`: {instead}"))
                .collect::<Vec<_>>()
                .join("; ")
        ),
        rule::SCHEMA_VERSION => "set `\"schema\": \"2.0\"` at the top level of the card".to_owned(),
        rule::UNKNOWN_PROPERTY => unknown_property(&at, key),
        rule::UNKNOWN_TAG => {
            let tag = at.tag_here().unwrap_or(key);
            match did_you_mean(tag, COMPONENTS.iter().map(|c| c.tag)) {
                Some(close) => format!("change the tag `{tag}` to `{close}`"),
                None => format!(
                    "use one of the 2.0 components: {}",
                    words(COMPONENTS.iter().map(|c| c.tag))
                ),
            }
        }
        rule::SUB_ELEMENT_AS_COMPONENT => {
            let tag = at.tag_here().unwrap_or("");
            match SUB_ELEMENT_HOMES.iter().find(|(t, _)| *t == tag) {
                Some((_, home)) => format!("`{tag}` cannot stand alone: {home}"),
                None => "put this sub-element inside the component it belongs to".to_owned(),
            }
        }
        rule::MISSING_PROPERTY => missing_property(&at),
        rule::WRONG_TYPE | rule::VALUE_ENUM | rule::VALUE_RANGE | rule::VALUE_FORMAT => {
            match at.attr() {
                Some(attr) => format!("give `{}` {}", attr.name, attr.kind.describe()),
                None => format!("change `{key}` to a value of the documented kind"),
            }
        }
        rule::REMOVED_COMPONENT => {
            let tag = at.tag_here().unwrap_or("");
            match REMOVED_COMPONENTS.iter().find(|(t, _)| *t == tag) {
                Some((_, instead)) => format!("replace the 1.0 `{tag}`: {instead}"),
                None => "replace this 1.0 module with 2.0 components".to_owned(),
            }
        }
        rule::LEGACY_CONFIG_KEY | rule::LEGACY_PROPERTY => match at.attr() {
            Some(attr) if !attr.note.is_empty() => {
                format!("optional (Feishu tolerates it): {}", attr.note)
            }
            _ => format!("optional (Feishu tolerates it): remove `{key}`"),
        },
        rule::TABLE_NOT_AT_ROOT | rule::FORM_NOT_AT_ROOT => {
            let tag = at.tag_here().unwrap_or("component");
            format!(
                "move this `{tag}` out of its container, directly into `body.elements`; put what \
                 surrounded it before or after it"
            )
        }
        rule::MULTI_SELECT_STATIC_OUTSIDE_FORM
        | rule::MULTI_SELECT_PERSON_OUTSIDE_FORM
        | rule::SELECT_IMG_MULTI_OUTSIDE_FORM => {
            "put this component inside a `form` (with a `name`) that has a submit button".to_owned()
        }
        rule::FORM_NAME_MISSING => {
            "give the form a non-empty `name`, unique in the card".to_owned()
        }
        rule::FORM_NAME_DUPLICATE => "rename one of the forms: form names are unique".to_owned(),
        rule::FIELD_NAME_MISSING => {
            "give this component a non-empty `name`, unique in the whole card".to_owned()
        }
        rule::FIELD_NAME_DUPLICATE => {
            "rename one of the components: names are unique across the whole card".to_owned()
        }
        rule::NO_SUBMIT_BUTTON => {
            "add a `button` with a `name` and `form_action_type: \"submit\"` \
             to the form's `elements`"
                .to_owned()
        }
        rule::REQUIRED_OUTSIDE_FORM => {
            "remove `required`, or put the component inside a `form`".to_owned()
        }
        rule::ELEMENT_ID_PATTERN => format!("make the id {}", Kind::ElementId.describe()),
        rule::ELEMENT_ID_DUPLICATE => {
            "give each component its own `element_id` (or leave it out)".to_owned()
        }
        rule::VALUE_TEXT_LENGTH => "shorten the text".to_owned(),
        rule::CARD_SIZE => format!(
            "shorten the texts or split the content over several cards: at most {} bytes",
            LIMITS.max_bytes
        ),
        rule::ELEMENTS => format!(
            "use fewer components (at most {}): put rows of data in a `table`, or split the card",
            LIMITS.max_elements
        ),
        rule::DEPTH => format!(
            "flatten the layout: containers nest at most {} levels",
            LIMITS.max_depth
        ),
        rule::TABLES => format!(
            "keep at most {} `table` components; split the data over several cards",
            LIMITS.max_tables
        ),
        rule::HEADER_TAGS => format!(
            "keep at most {} entries in `header.text_tag_list`",
            LIMITS.max_header_tags
        ),
        rule::AUDIO_FORWARDABLE => {
            "set `config.enable_forward` to `false` in a card with `audio`".to_owned()
        }
        rule::AUDIO_DUPLICATE_ID => "give each `audio` its own `audio_id`".to_owned(),
        rule::CARD_LINK_INCOMPLETE => {
            "give `card_link` a `url`, or all of `pc_url`, `ios_url` and `android_url`".to_owned()
        }
        rule::UPDATE_MULTI => "set `config.update_multi` to `true`, or leave it out".to_owned(),
        rule::TABLE_ROW_KEY => {
            "use the `name` of one of the table's `columns` as the key, or remove it".to_owned()
        }
        rule::TABLE_COLUMNS => format!(
            "keep at most {} columns in one table; split the rest into another table",
            LIMITS.max_table_columns
        ),
        rule::IMG_COMBINATION_TOO_MANY => format!(
            "pick a `combination_mode` that holds every image ({}), or split the images",
            IMG_COMBINATION_CAPACITY
                .iter()
                .map(|(mode, n)| format!("`{mode}`: {n}"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        rule::OPTION_DUPLICATE => "give each option of the component its own `value`".to_owned(),
        rule::PICKER_PLACEHOLDER => format!(
            "add a `placeholder`, or an initial value ({})",
            PLACEHOLDER_UNLESS_INITIAL
                .iter()
                .map(|(c, attr)| format!("`{attr}` on `{}`", c.tag))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        rule::CHECKER_BUTTONS => format!(
            "keep at most {} buttons in `button_area.buttons`, each with `type` {}",
            LIMITS.max_checker_buttons,
            words(CHECKER_BUTTON_TYPES.iter().map(|t| t.as_str()))
        ),
        rule::OPEN_URL_UNSUPPORTED => format!(
            "use a `callback` behaviour here, and open links from {}",
            words(OPENS_URL.iter().map(|c| c.tag))
        ),
        rule::MARKDOWN_TABLES_IN_ONE => format!(
            "keep at most {} tables in one `markdown`; put the rest in another `markdown`",
            LIMITS.max_markdown_tables
        ),
        rule::STYLE_COLOR_INCOMPLETE => {
            "give the colour both `light_mode` and `dark_mode`, each an `rgba(…)` value".to_owned()
        }
        other => registry::find_rule(other)
            .map(|r| format!("follow the rule: {}", r.summary))
            .unwrap_or_else(|| diagnostic.message.clone()),
    }
}

/// The message of an unknown tag or property under [`Policy::Lenient`](super::Policy): what
/// this version does not know, the risk, and the closest known name when there is one.
pub(super) fn unknown_to_this_version(card: &Value, diagnostic: &Diagnostic) -> String {
    let at = Place::find(card, &diagnostic.pointer);
    if diagnostic.rule == rule::UNKNOWN_TAG {
        let Some(tag) = at.object.and_then(|o| o.get("tag")).and_then(Value::as_str) else {
            return lenient_fallback(diagnostic);
        };
        let close = did_you_mean(tag, COMPONENTS.iter().map(|c| c.tag));
        return format!(
            "`{tag}` is not a component this version of feishu-card knows, so neither it nor \
             what it holds is checked; Feishu may reject it, unless it is newer than this \
             version{}",
            suggestion(close)
        );
    }
    let Some(key) = at.key.as_deref() else {
        return lenient_fallback(diagnostic);
    };
    let (owner, close) = match at.parent_attrs() {
        Some((attrs, owner)) => (owner, did_you_mean(key, attrs.iter().map(|a| a.name))),
        None => ("this object".to_owned(), None),
    };
    format!(
        "`{key}` is not a property of {owner} this version of feishu-card knows, so it is not \
         checked; Feishu may reject it (ErrCode 200621), unless it is newer than this version{}",
        suggestion(close)
    )
}

fn suggestion(close: Option<&str>) -> String {
    close.map_or_else(String::new, |c| format!(": did you mean `{c}`?"))
}

fn lenient_fallback(diagnostic: &Diagnostic) -> String {
    format!(
        "{} (unknown to this version of feishu-card; Feishu may reject it)",
        diagnostic.message
    )
}

/// Where a diagnostic points: the object holding the offending key (or the object itself).
struct Place<'a> {
    /// The object the pointer ends in, when it is an object.
    object: Option<&'a Map<String, Value>>,
    /// The object holding the last segment, and its pointer.
    parent: Option<(&'a Map<String, Value>, String)>,
    /// The last segment.
    key: Option<String>,
}

impl<'a> Place<'a> {
    fn find(card: &'a Value, pointer: &str) -> Place<'a> {
        let object = card.pointer(pointer).and_then(Value::as_object);
        let (parent_pointer, key) = match pointer.rfind('/') {
            Some(i) => (&pointer[..i], Some(unescape(&pointer[i + 1..]))),
            None => ("", None),
        };
        let parent = card
            .pointer(parent_pointer)
            .and_then(Value::as_object)
            .map(|p| (p, parent_pointer.to_owned()));
        Place {
            object,
            parent,
            key,
        }
    }

    /// The `tag` of the object pointed at, or of the object holding the pointed key.
    fn tag_here(&self) -> Option<&'a str> {
        self.object
            .and_then(|o| o.get("tag"))
            .or_else(|| self.parent.as_ref().and_then(|(p, _)| p.get("tag")))
            .and_then(Value::as_str)
    }

    /// The attribute table of the object holding the pointed key.
    fn parent_attrs(&self) -> Option<(&'static [Attr], String)> {
        let (parent, pointer) = self.parent.as_ref()?;
        attrs_of(parent, pointer)
    }

    /// The attribute the pointed key names.
    fn attr(&self) -> Option<&'static Attr> {
        let (attrs, _) = self.parent_attrs()?;
        let key = self.key.as_deref()?;
        registry::find_attr(attrs, key)
    }
}

/// The attribute table of an object of the card: a component by its `tag`, or the card's own
/// objects by where they are.
fn attrs_of(obj: &Map<String, Value>, pointer: &str) -> Option<(&'static [Attr], String)> {
    if let Some(tag) = obj.get("tag").and_then(Value::as_str) {
        let c = registry::component(tag).or_else(|| registry::sub_element(tag))?;
        return Some((c.attrs, format!("`{tag}`")));
    }
    let (attrs, name) = match pointer {
        "" => (CARD, "the card"),
        "/config" => (CONFIG, "`config`"),
        "/header" => (HEADER, "`header`"),
        "/body" => (BODY, "`body`"),
        "/card_link" => (CARD_LINK, "`card_link`"),
        _ => return None,
    };
    Some((attrs, name.to_owned()))
}

fn unknown_property(at: &Place<'_>, key: &str) -> String {
    if at.parent.as_ref().is_some_and(|(_, p)| p.is_empty()) {
        if let Some((_, instead)) = REMOVED_CARD_KEYS.iter().find(|(k, _)| *k == key) {
            return format!("remove the 1.0 key `{key}`: {instead}");
        }
        if key == "card" {
            return "send the card itself, not an object wrapping it under `card`".to_owned();
        }
    }
    let Some((attrs, owner)) = at.parent_attrs() else {
        return format!("remove `{key}`");
    };
    match did_you_mean(key, attrs.iter().map(|a| a.name)) {
        Some(close) => format!("rename `{key}` to `{close}`"),
        None => format!(
            "remove `{key}`: {owner} takes only {}",
            words(attrs.iter().map(|a| a.name))
        ),
    }
}

fn missing_property(at: &Place<'_>) -> String {
    let Some(obj) = at.object else {
        return "add the property the message names".to_owned();
    };
    if !obj.contains_key("tag") && at.parent.is_some() {
        return "add a `tag` naming the component, such as `\"tag\": \"markdown\"`".to_owned();
    }
    let tag = obj.get("tag").and_then(Value::as_str);
    let component = tag.and_then(|t| registry::component(t).or_else(|| registry::sub_element(t)));
    let missing: Vec<String> = component
        .map(|c| {
            c.required_attrs()
                .filter(|a| !obj.contains_key(a.name))
                .map(|a| format!("`{}` ({})", a.name, a.kind.describe()))
                .collect()
        })
        .unwrap_or_default();
    if missing.is_empty() {
        "add the property the message names".to_owned()
    } else {
        format!("add {}", missing.join(" and "))
    }
}

fn words<'w>(items: impl Iterator<Item = &'w str>) -> String {
    items
        .map(|w| format!("`{w}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A JSON pointer segment with `~1` and `~0` decoded.
fn unescape(segment: &str) -> String {
    segment.replace("~1", "/").replace("~0", "~")
}

#[cfg(test)]
mod tests {
    use super::hint;
    use crate::validate::validate_value;
    use serde_json::{json, Value};

    fn hints(card: &Value) -> Vec<(&'static str, String)> {
        validate_value(card)
            .iter()
            .map(|d| (d.rule, hint(card, d)))
            .collect()
    }

    #[test]
    fn hints_name_what_to_change() {
        let card = json!({
            "schema": "2.0",
            "config": {"update_multi": false},
            "body": {"elements": [
                {"tag": "buton", "text": {"tag": "plain_text", "content": "x"}},
                {"tag": "markdown", "content": "x", "text_size": "huge", "colour": "red"},
                {"tag": "column_set", "columns": [{"tag": "column", "elements": [
                    {"tag": "table", "columns": []}
                ]}]},
                {"tag": "img"},
                {"tag": "button", "type": "primary_solid"}
            ]}
        });
        let found = hints(&card);
        let get = |rule: &str| -> Vec<&String> {
            found
                .iter()
                .filter(|(r, _)| *r == rule)
                .map(|(_, h)| h)
                .collect()
        };
        assert!(get("config.update-multi")[0].contains("`true`"));
        assert!(
            get("structure.unknown-tag")[0].contains("`button`"),
            "{found:?}"
        );
        assert!(get("nesting.table-not-at-root")[0].contains("body.elements"));
        assert!(
            get("structure.missing-property")[0].contains("`img_key`"),
            "{found:?}"
        );
        let enum_hint = get("value.enum")
            .into_iter()
            .find(|h| h.contains("`type`"))
            .cloned()
            .unwrap_or_default();
        assert!(enum_hint.contains("`primary_filled`"), "{found:?}");
        let unknown = get("structure.unknown-property");
        assert!(
            unknown
                .iter()
                .any(|h| h.contains("`colour`") && h.contains("`markdown`")),
            "{found:?}"
        );
    }

    #[test]
    fn a_lenient_warning_allows_for_a_newer_name() {
        let card = json!({"schema": "2.0", "body": {"elements": [
            {"tag": "markdown", "content": "x", "colour": "red"}
        ]}});
        let lenient =
            crate::validate::validate_value_with(&card, crate::validate::Options::lenient());
        let d = lenient.iter().next().expect("a warning");
        let h = hint(&card, d);
        assert!(h.starts_with("keep it if Feishu added it"), "{h}");
        assert!(h.contains("`colour`"), "{h}");
        let strict = validate_value(&card);
        assert!(!hint(&card, strict.iter().next().expect("an error")).starts_with("keep it"));
    }

    #[test]
    fn a_wrapped_card_is_told_to_unwrap() {
        let card = json!({"schema": "2.0", "card": {"body": {"elements": []}}});
        let found = hints(&card);
        assert!(
            found
                .iter()
                .any(|(_, h)| h.contains("not an object wrapping it")),
            "{found:?}"
        );
    }
}
