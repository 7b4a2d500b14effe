//! Operations on stored card JSON: find, insert, replace, merge and delete elements; and how
//! Feishu answers a card that `card_core`'s validator refuses.

use card_core::registry::rule;
use card_core::Diagnostics;
use serde_json::{Map, Value};

use super::state::Rejection;

/// Which of Feishu's APIs judges a card: the same broken rule is answered with other codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Api {
    /// Sending, replying with or patching a message.
    Message,
    /// A CardKit card entity (create, update, element writes).
    Entity,
    /// A card given back to a callback, or a delayed update with its token.
    CallbackCard,
}

/// How Feishu words a refusal.
#[derive(Debug, Clone, Copy)]
enum Answer {
    /// `code` with the rule's message.
    Code(i64),
    /// `code` with `ErrCode: sub; ErrPath: …` in the message.
    CardError(i64, i64),
}

/// Feishu's answer to a broken rule of the validator, per API: the one table from rule ids to
/// Feishu's error codes. The first listed rule the card breaks is answered; a card that breaks
/// no listed rule but another error is answered with [`Api::invalid_card`].
const CODES: &[(&str, Api, Answer)] = &[
    (rule::CARD_SIZE, Api::Message, Answer::Code(230025)),
    (rule::CARD_SIZE, Api::Entity, Answer::Code(200860)),
    (rule::CARD_SIZE, Api::CallbackCard, Answer::Code(100000)),
    (
        rule::ELEMENTS,
        Api::Message,
        Answer::CardError(230099, 11310),
    ),
    (rule::ELEMENTS, Api::Entity, Answer::Code(300305)),
    (
        rule::ELEMENT_ID_DUPLICATE,
        Api::Entity,
        Answer::Code(300301),
    ),
];

impl Api {
    /// The answer to any other error: `code` with `ErrCode: 200621` (an invalid card).
    fn invalid_card(self) -> Answer {
        Answer::CardError(
            match self {
                Api::Message => 230099,
                Api::Entity => 200220,
                Api::CallbackCard => 11311,
            },
            200621,
        )
    }
}

/// The refusal of a card by `api` for a rule of [`CODES`] the card breaks, if any.
pub(crate) fn coded_refusal(diagnostics: &Diagnostics, api: Api) -> Option<Rejection> {
    CODES
        .iter()
        .filter(|(_, judge, _)| *judge == api)
        .find_map(|(id, _, answer)| {
            let d = diagnostics.errors().find(|d| d.rule == *id)?;
            Some(answer.rejection(&d.path, format!("{} ({})", d.message, d.rule)))
        })
}

/// The refusal of a card by `api`: for a rule of [`CODES`], else for the first error of the
/// validator (and how many more there are).
pub(crate) fn refusal(diagnostics: &Diagnostics, api: Api) -> Result<(), Rejection> {
    if let Some(rejection) = coded_refusal(diagnostics, api) {
        return Err(rejection);
    }
    let Some(first) = diagnostics.errors().next() else {
        return Ok(());
    };
    let more = diagnostics.errors().count() - 1;
    let mut msg = format!("{} ({})", first.message, first.rule);
    if more > 0 {
        msg.push_str(&format!(", and {more} more"));
    }
    Err(api.invalid_card().rejection(&first.path, msg))
}

impl Answer {
    fn rejection(self, path: &str, msg: String) -> Rejection {
        match self {
            Answer::Code(code) => Rejection::new(code, msg),
            Answer::CardError(code, sub) => Rejection::card_invalid(code, sub, path, &msg),
        }
    }
}

/// The JSON-pointer path of the first object whose `element_id` is `id`.
pub(crate) fn find(card: &Value, id: &str) -> Option<Vec<String>> {
    fn walk(v: &Value, id: &str, path: &mut Vec<String>) -> bool {
        match v {
            Value::Object(map) => {
                if map.get("element_id").and_then(Value::as_str) == Some(id) {
                    return true;
                }
                for (k, child) in map {
                    path.push(k.clone());
                    if walk(child, id, path) {
                        return true;
                    }
                    path.pop();
                }
                false
            }
            Value::Array(items) => {
                for (i, child) in items.iter().enumerate() {
                    path.push(i.to_string());
                    if walk(child, id, path) {
                        return true;
                    }
                    path.pop();
                }
                false
            }
            _ => false,
        }
    }
    let mut path = Vec::new();
    walk(card, id, &mut path).then_some(path)
}

fn pointer(path: &[String]) -> String {
    path.iter()
        .map(|s| format!("/{}", s.replace('~', "~0").replace('/', "~1")))
        .collect()
}

fn not_found(id: &str) -> Rejection {
    Rejection::new(
        300313,
        format!("element not found: element_id {id:?} is not in the card"),
    )
}

/// The element with `element_id == id`.
pub(crate) fn element_mut<'a>(card: &'a mut Value, id: &str) -> Result<&'a mut Value, Rejection> {
    let path = find(card, id).ok_or_else(|| not_found(id))?;
    card.pointer_mut(&pointer(&path))
        .ok_or_else(|| not_found(id))
}

/// The array holding the element `id`, and its index there.
fn slot_mut<'a>(card: &'a mut Value, id: &str) -> Option<(&'a mut Vec<Value>, usize)> {
    let mut path = find(card, id)?;
    let index: usize = path.pop()?.parse().ok()?;
    let parent = card.pointer_mut(&pointer(&path))?.as_array_mut()?;
    Some((parent, index))
}

/// Where added elements go.
pub(crate) enum Place<'a> {
    Append(Option<&'a str>),
    Before(&'a str),
    After(&'a str),
}

fn check_elements(elements: &[Value]) -> Result<(), Rejection> {
    if elements.is_empty() {
        return Err(Rejection::new(300307, "`elements` is empty"));
    }
    for e in elements {
        if e.get("tag").and_then(Value::as_str).is_none() {
            return Err(Rejection::card_invalid(
                200220,
                200621,
                "ROOT -> body -> elements",
                "every element must be an object with a `tag`",
            ));
        }
    }
    Ok(())
}

/// Adds `elements` at `place`.
pub(crate) fn add(
    card: &mut Value,
    place: Place<'_>,
    elements: Vec<Value>,
) -> Result<(), Rejection> {
    check_elements(&elements)?;
    match place {
        Place::Append(None) => {
            let body = card
                .as_object_mut()
                .ok_or_else(|| Rejection::new(10002, "the card is not an object"))?
                .entry("body")
                .or_insert_with(|| Value::Object(Map::new()));
            let list = body
                .as_object_mut()
                .ok_or_else(|| Rejection::new(10002, "`body` is not an object"))?
                .entry("elements")
                .or_insert_with(|| Value::Array(Vec::new()));
            match list.as_array_mut() {
                Some(list) => list.extend(elements),
                None => return Err(Rejection::new(10002, "`body.elements` is not an array")),
            }
        }
        Place::Append(Some(target)) => {
            let container = element_mut(card, target).map_err(|_| {
                Rejection::new(300315, format!("target element {target:?} not found"))
            })?;
            let key = if container.get("tag").and_then(Value::as_str) == Some("column_set") {
                "columns"
            } else {
                "elements"
            };
            match container.get_mut(key).and_then(Value::as_array_mut) {
                Some(list) => list.extend(elements),
                None => {
                    return Err(Rejection::new(
                        300315,
                        format!(
                        "target element {target:?} is not a container; append needs a container id"
                    ),
                    ))
                }
            }
        }
        Place::Before(target) | Place::After(target) => {
            let after = matches!(place, Place::After(_));
            let (list, index) = slot_mut(card, target).ok_or_else(|| {
                Rejection::new(300315, format!("target element {target:?} not found"))
            })?;
            let at = if after { index + 1 } else { index };
            for (offset, e) in elements.into_iter().enumerate() {
                list.insert(at + offset, e);
            }
        }
    }
    Ok(())
}

/// Replaces the element `id` (its tag may change).
pub(crate) fn replace(card: &mut Value, id: &str, element: Value) -> Result<(), Rejection> {
    check_elements(std::slice::from_ref(&element))?;
    *element_mut(card, id)? = element;
    Ok(())
}

/// Merges `partial` into the element `id`; `tag` cannot change.
pub(crate) fn merge(card: &mut Value, id: &str, partial: Value) -> Result<(), Rejection> {
    let Value::Object(partial) = partial else {
        return Err(Rejection::new(
            10002,
            "`partial_element` must be a JSON object",
        ));
    };
    let element = element_mut(card, id)?;
    let current_tag = element.get("tag").cloned();
    if let Some(tag) = partial.get("tag") {
        if Some(tag) != current_tag.as_ref() {
            return Err(Rejection::new(
                300312,
                "the `tag` of an element cannot change in a partial update",
            ));
        }
    }
    let Some(object) = element.as_object_mut() else {
        return Err(not_found(id));
    };
    for (k, v) in partial {
        object.insert(k, v);
    }
    Ok(())
}

/// Deletes the element `id` (with its children).
pub(crate) fn delete(card: &mut Value, id: &str) -> Result<(), Rejection> {
    let (list, index) = slot_mut(card, id).ok_or_else(|| not_found(id))?;
    list.remove(index);
    Ok(())
}

/// Sets the text of a `markdown` or `plain_text` element.
pub(crate) fn set_text(card: &mut Value, id: &str, content: &str) -> Result<(), Rejection> {
    let element = element_mut(card, id)?;
    match element.get("tag").and_then(Value::as_str) {
        Some("markdown") | Some("plain_text") | Some("lark_md") => {}
        other => {
            return Err(Rejection::new(
                300310,
                format!(
                    "element {id:?} is a {} and not a text element (markdown or plain_text)",
                    other.unwrap_or("tagless object")
                ),
            ))
        }
    }
    if let Some(object) = element.as_object_mut() {
        object.insert("content".into(), Value::String(content.to_owned()));
    }
    Ok(())
}

/// Whether the card is shared (`config.update_multi`): 2.0 cards are unless they say `false`,
/// 1.0 cards only when they say `true`.
pub(crate) fn is_shared(card: &Value) -> bool {
    let declared = card
        .get("config")
        .and_then(|c| c.get("update_multi"))
        .and_then(Value::as_bool);
    match declared {
        Some(v) => v,
        None => is_v2(card),
    }
}

/// Whether the card declares `"schema": "2.0"`.
pub(crate) fn is_v2(card: &Value) -> bool {
    card.get("schema").and_then(Value::as_str) == Some("2.0")
}

/// Whether `config.streaming_mode` is on.
pub(crate) fn streaming_mode(card: &Value) -> bool {
    card.get("config")
        .and_then(|c| c.get("streaming_mode"))
        .and_then(Value::as_bool)
        .unwrap_or(false)
}

/// Sets `config.streaming_mode`.
pub(crate) fn set_streaming_mode(card: &mut Value, on: bool) {
    if let Some(object) = card.as_object_mut() {
        let config = object
            .entry("config")
            .or_insert_with(|| Value::Object(Map::new()));
        if let Some(config) = config.as_object_mut() {
            config.insert("streaming_mode".into(), Value::Bool(on));
        }
    }
}

/// Applies settings `{"config": {...}, "card_link": {...}}` (a bare config object is taken as
/// `config`).
pub(crate) fn apply_settings(card: &mut Value, settings: Value) -> Result<(), Rejection> {
    let Value::Object(mut settings) = settings else {
        return Err(Rejection::new(10002, "`settings` must be a JSON object"));
    };
    let (config, link) = if settings.contains_key("config") || settings.contains_key("card_link") {
        (settings.remove("config"), settings.remove("card_link"))
    } else {
        (Some(Value::Object(settings)), None)
    };
    let object = card
        .as_object_mut()
        .ok_or_else(|| Rejection::new(10002, "the card is not an object"))?;
    if let Some(config) = config {
        let Value::Object(config) = config else {
            return Err(Rejection::new(10002, "`settings.config` must be an object"));
        };
        let target = object
            .entry("config")
            .or_insert_with(|| Value::Object(Map::new()));
        if let Some(target) = target.as_object_mut() {
            for (k, v) in config {
                target.insert(k, v);
            }
        }
    }
    if let Some(link) = link {
        object.insert("card_link".into(), link);
    }
    Ok(())
}

/// Fills `${name}` placeholders of a template card with `variables`.
pub(crate) fn render(template: &Value, variables: &Map<String, Value>) -> Value {
    match template {
        Value::String(s) => {
            if let Some(name) = s.strip_prefix("${").and_then(|r| r.strip_suffix('}')) {
                if !name.contains('}') {
                    return variables
                        .get(name)
                        .cloned()
                        .unwrap_or(Value::String(String::new()));
                }
            }
            let mut out = String::with_capacity(s.len());
            let mut rest = s.as_str();
            while let Some(start) = rest.find("${") {
                out.push_str(&rest[..start]);
                let after = &rest[start + 2..];
                match after.find('}') {
                    Some(end) => {
                        match variables.get(&after[..end]) {
                            Some(Value::String(v)) => out.push_str(v),
                            Some(other) => out.push_str(&other.to_string()),
                            None => {}
                        }
                        rest = &after[end + 1..];
                    }
                    None => {
                        out.push_str(&rest[start..]);
                        rest = "";
                    }
                }
            }
            out.push_str(rest);
            Value::String(out)
        }
        Value::Array(items) => Value::Array(items.iter().map(|v| render(v, variables)).collect()),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), render(v, variables)))
                .collect(),
        ),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn card() -> Value {
        json!({"schema": "2.0", "body": {"elements": [
            {"tag": "markdown", "element_id": "a", "content": "A"},
            {"tag": "form", "element_id": "f", "elements": [
                {"tag": "input", "element_id": "in", "name": "x"}
            ]},
            {"tag": "markdown", "element_id": "z", "content": "Z"}
        ]}})
    }

    fn ids(card: &Value) -> Vec<String> {
        card["body"]["elements"]
            .as_array()
            .expect("elements")
            .iter()
            .map(|e| e["element_id"].as_str().unwrap_or("").to_owned())
            .collect()
    }

    #[test]
    fn elements_are_inserted_where_asked() {
        let mut c = card();
        add(
            &mut c,
            Place::Before("z"),
            vec![json!({"tag": "hr", "element_id": "b"})],
        )
        .expect("ok");
        add(
            &mut c,
            Place::After("a"),
            vec![json!({"tag": "hr", "element_id": "c"})],
        )
        .expect("ok");
        add(
            &mut c,
            Place::Append(None),
            vec![json!({"tag": "hr", "element_id": "end"})],
        )
        .expect("ok");
        assert_eq!(ids(&c), ["a", "c", "f", "b", "z", "end"]);
        add(
            &mut c,
            Place::Append(Some("f")),
            vec![json!({"tag": "hr", "element_id": "in2"})],
        )
        .expect("ok");
        assert_eq!(c["body"]["elements"][2]["elements"][1]["element_id"], "in2");
        let not_container = add(&mut c, Place::Append(Some("a")), vec![json!({"tag": "hr"})]);
        assert_eq!(not_container.map_err(|r| r.code), Err(300315));
        let missing = add(&mut c, Place::Before("nope"), vec![json!({"tag": "hr"})]);
        assert_eq!(missing.map_err(|r| r.code), Err(300315));
    }

    #[test]
    fn elements_are_replaced_merged_and_deleted() {
        let mut c = card();
        merge(
            &mut c,
            "in",
            json!({"placeholder": {"tag": "plain_text", "content": "p"}}),
        )
        .expect("ok");
        assert_eq!(
            c["body"]["elements"][1]["elements"][0]["placeholder"]["content"],
            "p"
        );
        assert_eq!(
            merge(&mut c, "a", json!({"tag": "div"})).map_err(|r| r.code),
            Err(300312)
        );
        replace(&mut c, "a", json!({"tag": "div", "element_id": "a"})).expect("ok");
        assert_eq!(c["body"]["elements"][0]["tag"], "div");
        delete(&mut c, "f").expect("ok");
        assert_eq!(ids(&c), ["a", "z"]);
        assert_eq!(delete(&mut c, "in").map_err(|r| r.code), Err(300313));
        assert_eq!(set_text(&mut c, "a", "x").map_err(|r| r.code), Err(300310));
        set_text(&mut c, "z", "new").expect("ok");
        assert_eq!(c["body"]["elements"][1]["content"], "new");
    }

    #[test]
    fn limits_and_flags_are_read_from_the_card() {
        let c = card();
        let code = |card: &Value, api| {
            coded_refusal(&card_core::validate::validate_value(card), api).map(|r| r.code)
        };
        assert_eq!(code(&c, Api::Entity), None);
        let mut d = c.clone();
        add(
            &mut d,
            Place::Append(None),
            vec![json!({"tag": "hr", "element_id": "a"})],
        )
        .expect("ok");
        assert_eq!(code(&d, Api::Entity), Some(300301));
        // A message answers a duplicate id as any other invalid card.
        assert_eq!(code(&d, Api::Message), None);
        assert_eq!(
            refusal(&card_core::validate::validate_value(&d), Api::Message).map_err(|r| r.code),
            Err(230099)
        );
        assert!(is_shared(&c));
        assert!(!is_shared(&json!({"config": {}})));
        assert!(!is_shared(
            &json!({"schema": "2.0", "config": {"update_multi": false}})
        ));
        let mut s = c.clone();
        apply_settings(&mut s, json!({"config": {"streaming_mode": true}})).expect("ok");
        assert!(streaming_mode(&s));
        apply_settings(&mut s, json!({"streaming_mode": false})).expect("ok");
        assert!(!streaming_mode(&s));
    }

    #[test]
    fn limits_of_the_registry_get_each_api_s_code() {
        let many = |n: usize| {
            let elements: Vec<Value> = (0..n)
                .map(|_| json!({"tag": "markdown", "content": "."}))
                .collect();
            json!({"schema": "2.0", "body": {"elements": elements}})
        };
        let limit = card_core::registry::LIMITS.max_elements;
        let judge = |card: &Value, api| refusal(&card_core::validate::validate_value(card), api);
        assert_eq!(judge(&many(limit), Api::Message), Ok(()));
        let too_many = judge(&many(limit + 1), Api::Message).expect_err("too many");
        assert_eq!(too_many.code, 230099);
        assert!(too_many.msg.contains("ErrCode: 11310"), "{}", too_many.msg);
        assert_eq!(
            judge(&many(limit + 1), Api::Entity).map_err(|r| r.code),
            Err(300305)
        );
        let huge = json!({"schema": "2.0", "body": {"elements": [
            {"tag": "markdown", "content": "x".repeat(card_core::registry::LIMITS.max_bytes)}
        ]}});
        for (api, code) in [
            (Api::Message, 230025),
            (Api::Entity, 200860),
            (Api::CallbackCard, 100000),
        ] {
            assert_eq!(judge(&huge, api).map_err(|r| r.code), Err(code));
        }
    }

    #[test]
    fn templates_fill_whole_values_and_inline_text() {
        let t = json!({"title": "${title}", "items": "${items}", "line": "Hi ${name}, ${n} new", "x": "${missing}"});
        let vars = json!({"title": "T", "items": [1, 2], "name": "Ann", "n": 3});
        let out = render(&t, vars.as_object().expect("object"));
        assert_eq!(
            out,
            json!({"title": "T", "items": [1, 2], "line": "Hi Ann, 3 new", "x": ""})
        );
    }
}
