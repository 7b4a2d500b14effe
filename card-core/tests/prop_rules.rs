//! A generated valid card with exactly one rule broken is refused under that rule, at the place
//! it was broken, and under no other rule.
//!
//! The rules whose values come from the registry (enums, ranges, formats, value types, required
//! and unknown properties) are broken on a component drawn from the card itself; the card-wide
//! rules (nesting, forms, ids, limits, audio, config) by adding or changing what breaks them.

mod prop_gen;

use card_core::registry::{self, rule, Kind, Required, Status};
use card_core::validate::validate_value;
use prop_gen::Draw;
use proptest::prelude::*;
use serde_json::{json, Value};

/// A broken card: the rule it breaks and, when one place breaks it, that place's JSON pointer.
struct Broken {
    card: Value,
    rule: &'static str,
    pointer: Option<String>,
}

/// The components of `card`, as pointers from the root.
fn components(card: &Value) -> Vec<String> {
    let mut out = Vec::new();
    prop_gen::components(&card["body"], "/body", &mut out);
    out
}

fn elements(card: &mut Value) -> &mut Vec<Value> {
    card["body"]["elements"]
        .as_array_mut()
        .expect("generated cards have body.elements")
}

/// Appends `element` to the body and returns its pointer.
fn append(card: &mut Value, element: Value) -> String {
    let list = elements(card);
    list.push(element);
    format!("/body/elements/{}", list.len() - 1)
}

fn example(tag: &str) -> Value {
    prop_gen::examples()[tag].clone()
}

/// A component of `card` with an attribute whose kind matches, and that attribute's name.
fn pick_attr(
    d: &mut Draw,
    card: &Value,
    fits: impl Fn(&registry::Attr, &Value) -> bool,
) -> Option<(String, &'static registry::Attr)> {
    let mut found = Vec::new();
    for pointer in components(card) {
        let Some(value) = card.pointer(&pointer) else {
            continue;
        };
        let Some(tag) = value["tag"].as_str() else {
            continue;
        };
        let Some(component) = registry::component(tag).or_else(|| registry::sub_element(tag))
        else {
            continue;
        };
        for attr in component.attrs {
            if attr.status == Status::Current && fits(attr, value) {
                found.push((pointer.clone(), attr));
            }
        }
    }
    if found.is_empty() {
        None
    } else {
        let at = d.below(found.len());
        Some(found.swap_remove(at))
    }
}

fn set(card: &mut Value, pointer: &str, key: &str, value: Value) {
    if let Some(Value::Object(map)) = card.pointer_mut(pointer) {
        map.insert(key.to_owned(), value);
    }
}

fn form_example(name: Option<&str>, field: &str, submit: Option<&str>) -> Value {
    let mut elements = vec![json!({"tag": "input", "name": field})];
    if let Some(submit) = submit {
        elements.push(
            json!({"tag": "button", "name": submit, "form_action_type": "submit",
                             "text": {"tag": "plain_text", "content": "OK"}}),
        );
    }
    let mut form = json!({"tag": "form", "elements": elements});
    if let Some(name) = name {
        form["name"] = json!(name);
    }
    form
}

/// Breaks the rule numbered `which` in `card`; `None` when the card has nothing to break it on
/// (no enum attribute anywhere, say).
fn break_rule(d: &mut Draw, mut card: Value, which: usize) -> Option<Broken> {
    let (rule, pointer) = match which {
        0 => {
            let (at, attr) = pick_attr(d, &card, |a, v| {
                matches!(a.kind, Kind::Enum(_))
                    && !a.lenient
                    && a.name != "form_action_type"
                    && v.get(a.name).is_some()
            })?;
            set(&mut card, &at, attr.name, json!("no_such_value"));
            (rule::VALUE_ENUM, Some(format!("{at}/{}", attr.name)))
        }
        1 => {
            let (at, attr) = pick_attr(d, &card, |a, _| {
                matches!(
                    a.kind,
                    Kind::Int { .. } | Kind::Pixels { .. } | Kind::Percent { .. }
                ) && !a.lenient
            })?;
            let bad = match attr.kind {
                Kind::Int { max, .. } if max < i64::MAX => json!(max + 1),
                Kind::Int { min, .. } => json!(min - 1),
                Kind::Pixels { max, .. } if max < i64::MAX => json!(format!("{}px", max + 1)),
                Kind::Pixels { min, .. } => json!(format!("{}px", min - 1)),
                Kind::Percent { max, .. } => json!(format!("{}%", max + 1)),
                _ => return None,
            };
            set(&mut card, &at, attr.name, bad);
            (rule::VALUE_RANGE, Some(format!("{at}/{}", attr.name)))
        }
        2 => {
            let (at, attr) = pick_attr(d, &card, |a, _| matches!(a.kind, Kind::Format(_)))?;
            set(&mut card, &at, attr.name, json!("someday"));
            (rule::VALUE_FORMAT, Some(format!("{at}/{}", attr.name)))
        }
        3 => {
            let (at, attr) = pick_attr(d, &card, |a, _| matches!(a.kind, Kind::Bool))?;
            set(&mut card, &at, attr.name, json!("yes"));
            (rule::WRONG_TYPE, Some(format!("{at}/{}", attr.name)))
        }
        4 => {
            let all = components(&card);
            let at = all.get(d.below(all.len()))?.clone();
            set(&mut card, &at, "colour_scheme", json!("red"));
            (rule::UNKNOWN_PROPERTY, Some(format!("{at}/colour_scheme")))
        }
        5 => {
            let (at, attr) = pick_attr(d, &card, |a, v| {
                a.required == Required::Yes && v.get(a.name).is_some()
            })?;
            if let Some(Value::Object(map)) = card.pointer_mut(&at) {
                map.remove(attr.name);
            }
            (rule::MISSING_PROPERTY, Some(at))
        }
        6 => {
            let (at, _) = pick_attr(d, &card, |a, _| a.name == "element_id")?;
            set(
                &mut card,
                &at,
                "element_id",
                json!(["9lives", "has-dash", "abcdefghijklmnopqrstu"][d.below(3)]),
            );
            (rule::ELEMENT_ID_PATTERN, Some(format!("{at}/element_id")))
        }
        7 => {
            let (first, _) = pick_attr(d, &card, |a, _| a.name == "element_id")?;
            set(&mut card, &first, "element_id", json!("twin"));
            let second = append(&mut card, json!({"tag": "hr", "element_id": "twin"}));
            (
                rule::ELEMENT_ID_DUPLICATE,
                Some(format!("{second}/element_id")),
            )
        }
        8 => {
            let at = append(
                &mut card,
                json!({"tag": "column_set", "columns": [{"tag": "column", "elements": [example("table")]}]}),
            );
            (
                rule::TABLE_NOT_AT_ROOT,
                Some(format!("{at}/columns/0/elements/0")),
            )
        }
        9 => {
            let at = append(
                &mut card,
                json!({"tag": "interactive_container", "elements": [form_example(Some("inner_form"), "inner_field", Some("inner_ok"))]}),
            );
            (rule::FORM_NOT_AT_ROOT, Some(format!("{at}/elements/0")))
        }
        10 => {
            let at = append(&mut card, example("multi_select_static"));
            (rule::MULTI_SELECT_STATIC_OUTSIDE_FORM, Some(at))
        }
        11 => {
            let at = append(&mut card, example("multi_select_person"));
            (rule::MULTI_SELECT_PERSON_OUTSIDE_FORM, Some(at))
        }
        12 => {
            let mut select = example("select_img");
            select["multi_select"] = json!(true);
            let at = append(&mut card, select);
            (rule::SELECT_IMG_MULTI_OUTSIDE_FORM, Some(at))
        }
        13 => {
            let at = append(&mut card, form_example(None, "f_a", Some("f_ok")));
            (rule::FORM_NAME_MISSING, Some(at))
        }
        14 => {
            append(&mut card, form_example(Some("same"), "f_a", Some("f_ok")));
            let at = append(&mut card, form_example(Some("same"), "f_b", Some("f_ok2")));
            (rule::FORM_NAME_DUPLICATE, Some(format!("{at}/name")))
        }
        15 => {
            let mut form = form_example(Some("f"), "f_a", Some("f_ok"));
            form["elements"][0]
                .as_object_mut()
                .map(|m| m.remove("name"));
            let at = append(&mut card, form);
            (rule::FIELD_NAME_MISSING, Some(format!("{at}/elements/0")))
        }
        16 => {
            let at = append(&mut card, form_example(Some("f"), "f_ok", Some("f_ok")));
            (
                rule::FIELD_NAME_DUPLICATE,
                Some(format!("{at}/elements/1/name")),
            )
        }
        17 => {
            let at = append(&mut card, form_example(Some("f"), "f_a", None));
            (rule::NO_SUBMIT_BUTTON, Some(at))
        }
        18 => {
            for _ in 0..registry::LIMITS.max_elements {
                append(&mut card, json!({"tag": "hr"}));
            }
            (rule::ELEMENTS, None)
        }
        19 => {
            let mut deep = json!({"tag": "markdown", "content": "deep"});
            for _ in 0..=registry::LIMITS.max_depth {
                deep = json!({"tag": "interactive_container", "elements": [deep]});
            }
            append(&mut card, deep);
            (rule::DEPTH, None)
        }
        20 => {
            let present = components(&card)
                .iter()
                .filter(|p| card.pointer(p).is_some_and(|v| v["tag"] == "table"))
                .count();
            for _ in present..=registry::LIMITS.max_tables {
                append(&mut card, example("table"));
            }
            (rule::TABLES, None)
        }
        21 => {
            append(
                &mut card,
                json!({"tag": "markdown", "content": "a".repeat(registry::LIMITS.max_bytes)}),
            );
            (rule::CARD_SIZE, Some(String::new()))
        }
        22 => {
            let at = append(&mut card, json!({"tag": "video", "src": "x.mp4"}));
            (rule::UNKNOWN_TAG, Some(at))
        }
        23 => {
            append(&mut card, example("audio"));
            card["config"]["enable_forward"] = json!(true);
            (rule::AUDIO_FORWARDABLE, None)
        }
        24 => {
            let mut audio = example("audio");
            audio["audio_id"] = json!("same_audio");
            append(&mut card, audio.clone());
            let at = append(&mut card, audio);
            card["config"]["enable_forward"] = json!(false);
            (rule::AUDIO_DUPLICATE_ID, Some(format!("{at}/audio_id")))
        }
        25 => {
            card["config"]["update_multi"] = json!(false);
            (rule::UPDATE_MULTI, Some("/config/update_multi".to_owned()))
        }
        26 => {
            card["schema"] = json!("3.0");
            (rule::SCHEMA_VERSION, Some("/schema".to_owned()))
        }
        27 => {
            let at = append(&mut card, json!({"tag": "note", "elements": []}));
            (rule::REMOVED_COMPONENT, Some(at))
        }
        _ => {
            let at = append(&mut card, json!({"tag": "plain_text", "content": "x"}));
            (rule::SUB_ELEMENT_AS_COMPONENT, Some(at))
        }
    };
    Some(Broken {
        card,
        rule,
        pointer,
    })
}

/// How many ways of breaking a rule `break_rule` knows.
const WAYS: usize = 29;

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn one_broken_rule_is_reported_as_that_rule(numbers in prop_gen::numbers(), which in 0..WAYS, more in prop_gen::numbers()) {
        let card = prop_gen::card(&mut Draw::new(numbers));
        let Some(broken) = break_rule(&mut Draw::new(more), card, which) else {
            return Ok(());
        };
        let mut shown = broken.card.clone();
        if let Some(list) = shown["body"]["elements"].as_array_mut() {
            list.truncate(40);
        }
        let diagnostics = validate_value(&broken.card);
        let errors: Vec<(&str, &str)> = diagnostics
            .errors()
            .map(|d| (d.rule, d.pointer.as_str()))
            .collect();
        prop_assert!(
            errors.iter().any(|(r, p)| *r == broken.rule
                && broken.pointer.as_deref().is_none_or(|want| want == *p)),
            "breaking `{}` at {:?} gave {errors:?}\n{}", broken.rule, broken.pointer,
            serde_json::to_string_pretty(&shown).unwrap_or_default()
        );
        prop_assert!(
            errors.iter().all(|(r, _)| *r == broken.rule),
            "breaking `{}` at {:?} also gave {errors:?}\n{}", broken.rule, broken.pointer,
            serde_json::to_string_pretty(&shown).unwrap_or_default()
        );
        // Every rule broken here is one of the registry's rules, with error severity.
        prop_assert_eq!(registry::severity_of(broken.rule), card_core::Severity::Error);
    }
}

/// Each way of breaking a rule applies to some generated card, so none is silently skipped.
#[test]
fn every_way_of_breaking_applies() {
    for which in 0..WAYS {
        let applied = (0..200u32).any(|seed| {
            let numbers: Vec<u32> = (0..300u32)
                .map(|i| {
                    seed.wrapping_mul(2_654_435_761)
                        .wrapping_add(i.wrapping_mul(40_503))
                        ^ (i << 7)
                })
                .collect();
            let card = prop_gen::card(&mut Draw::new(numbers));
            break_rule(&mut Draw::new(vec![seed]), card, which).is_some()
        });
        assert!(applied, "way {which} never applied");
    }
}
