//! The world is open: a property or a component this version does not know is kept by the
//! model and written back as it was, while the validator judges it by its policy (strict: an
//! error, lenient: a warning).

use card_core::model::{BodyElement, Card, Element, Markdown, UnknownElement};
use card_core::validate::{validate_value, validate_value_with, Options};
use card_core::Severity;
use serde_json::{json, Value};

/// Unknown properties on known objects (the card, its config and header, a component at the
/// root, in a column and in a form, a text object, a behaviour) and unknown components (at
/// the root, in a column, in a form and in an interactive container).
fn card() -> Value {
    json!({
        "schema": "2.0",
        "future_top": {"mode": "3d"},
        "config": {"update_multi": true, "future_config": [1, 2]},
        "header": {
            "title": {"tag": "plain_text", "content": "Deploy", "future_text": "x"},
            "template": "blue",
            "future_header": null
        },
        "body": {
            "elements": [
                {"tag": "markdown", "content": "done", "sparkle": true},
                {"tag": "hologram", "depth": 3, "layers": [{"z": 1}]},
                {"tag": "column_set", "columns": [
                    {"tag": "column", "width": "weighted", "weight": 1, "future_column": 2,
                     "elements": [
                        {"tag": "button", "text": {"tag": "plain_text", "content": "Go"},
                         "glow": "soft",
                         "behaviors": [{"type": "callback", "value": {"a": 1}, "future_behavior": true}]},
                        {"tag": "sparkline", "points": [1, 3, 2]}
                    ]}
                ]},
                {"tag": "form", "name": "f", "future_form": "yes", "elements": [
                    {"tag": "input", "name": "reason", "glow": "soft"},
                    {"tag": "rating", "name": "stars", "max": 5},
                    {"tag": "button", "name": "send", "form_action_type": "submit",
                     "text": {"tag": "plain_text", "content": "Send"}}
                ]},
                {"tag": "interactive_container", "elements": [
                    {"tag": "teleporter", "to": "mars"}
                ]}
            ]
        }
    })
}

#[test]
fn unknowns_survive_parse_and_write() {
    let input = card();
    let text = serde_json::to_string(&input).unwrap();
    let parsed = Card::from_json(&text).expect("unknowns are kept, not refused");

    // `to_json` (the fast writer), serde's `Serialize` and the pretty form all keep them.
    let written: Value = serde_json::from_str(&parsed.to_json()).unwrap();
    assert_eq!(written, input);
    assert_eq!(parsed.to_value(), input);
    assert_eq!(parsed.to_json(), serde_json::to_string(&parsed).unwrap());
    let pretty: Value = serde_json::from_str(&parsed.to_json_pretty()).unwrap();
    assert_eq!(pretty, input);

    // Read again, the same model.
    assert_eq!(Card::from_json(&parsed.to_json()).unwrap(), parsed);

    // Where they are kept.
    assert_eq!(
        parsed.unknown.get("future_top"),
        Some(&json!({"mode": "3d"}))
    );
    let elements = parsed.body.as_ref().unwrap().elements.as_ref().unwrap();
    let BodyElement::Element(Element::Markdown(md)) = &elements[0] else {
        panic!("expected markdown, got {:?}", elements[0]);
    };
    assert_eq!(md.unknown.get("sparkle"), Some(&json!(true)));
    let BodyElement::Element(Element::Unknown(hologram)) = &elements[1] else {
        panic!("expected an unknown element, got {:?}", elements[1]);
    };
    assert_eq!(hologram.tag, "hologram");
    assert_eq!(hologram.properties.get("depth"), Some(&json!(3)));
    assert_eq!(elements[1].tag(), "hologram");
    let BodyElement::Form(form) = &elements[3] else {
        panic!("expected a form");
    };
    assert_eq!(form.unknown.get("future_form"), Some(&json!("yes")));
    let form_elements = &form.elements;
    assert_eq!(form_elements[1].tag(), "rating");
    assert!(!form_elements[1].is_known());
}

#[test]
fn known_properties_come_first_when_written() {
    // The unknown property is written after the known ones, whatever its place in the input.
    let card = Card::from_json(
        r#"{"schema":"2.0","body":{"elements":[{"tag":"markdown","sparkle":1,"content":"x"}]}}"#,
    )
    .unwrap();
    assert_eq!(
        card.to_json(),
        r#"{"schema":"2.0","body":{"elements":[{"tag":"markdown","content":"x","sparkle":1}]}}"#
    );
}

#[test]
fn strict_validation_refuses_unknowns_and_lenient_warns() {
    let input = card();
    let strict = validate_value(&input);
    let lenient = validate_value_with(&input, Options::lenient());
    let unknown_rules = |d: &card_core::Diagnostic| {
        d.rule == "structure.unknown-tag" || d.rule == "structure.unknown-property"
    };
    let strict_unknowns: Vec<_> = strict.iter().filter(|d| unknown_rules(d)).collect();
    let lenient_unknowns: Vec<_> = lenient.iter().filter(|d| unknown_rules(d)).collect();
    // 4 unknown tags and 10 unknown properties.
    assert_eq!(strict_unknowns.len(), 14, "{strict}");
    assert!(strict_unknowns
        .iter()
        .all(|d| d.severity == Severity::Error));
    assert_eq!(lenient_unknowns.len(), 14, "{lenient}");
    assert!(lenient_unknowns
        .iter()
        .all(|d| d.severity == Severity::Warning));
    assert!(!lenient.has_errors(), "{lenient}");
    for tag in ["hologram", "sparkline", "rating", "teleporter"] {
        assert!(
            strict_unknowns.iter().any(|d| d.message.contains(tag)),
            "no diagnostic names `{tag}`: {strict}"
        );
    }

    // The model writes back what it read, so the card it writes is judged the same.
    let written = Card::from_value(&input).unwrap().to_value();
    assert_eq!(validate_value(&written), strict);
    assert_eq!(validate_value_with(&written, Options::lenient()), lenient);
}

#[test]
fn unknowns_are_built_by_hand() {
    let card = Card::new()
        .element(Markdown::new("hi").unknown_property("sparkle", true))
        .element(UnknownElement::new("hologram").property("depth", json!(3)))
        .unknown_property("future_top", json!({"x": 1}));
    assert_eq!(
        card.to_value(),
        json!({
            "schema": "2.0",
            "body": {"elements": [
                {"tag": "markdown", "content": "hi", "sparkle": true},
                {"tag": "hologram", "depth": 3}
            ]},
            "future_top": {"x": 1}
        })
    );
    assert_eq!(Card::from_json(&card.to_json()).unwrap(), card);
}

#[test]
fn from_value_reads_known_and_unknown_elements() {
    let known = Element::from_value(json!({"tag": "hr", "margin": "4px"})).unwrap();
    assert!(matches!(known, Element::Hr(_)));
    let unknown = Element::from_value(json!({"tag": "hologram", "depth": 3})).unwrap();
    assert_eq!(
        serde_json::to_value(&unknown).unwrap(),
        json!({"tag": "hologram", "depth": 3})
    );
    // Known components keep their types' checks; known tags out of place stay refused.
    for refused in [
        json!({"tag": "hr", "margin": 4}),
        json!({"tag": "table", "columns": [], "rows": []}),
        json!({"tag": "column", "elements": []}),
        json!({"tag": "plain_text", "content": "x"}),
        json!({"tag": 7}),
        json!({"depth": 3}),
        json!("hologram"),
    ] {
        assert!(
            Element::from_value(refused.clone()).is_err(),
            "{refused} was read"
        );
    }
}

#[test]
fn type_errors_are_still_placed_exactly() {
    // An unknown component next to a wrong type: the wrong type is the one reported.
    let err = Card::from_value(&json!({"schema": "2.0", "body": {"elements": [
        {"tag": "hologram"},
        {"tag": "column_set", "columns": [{"tag": "column", "elements": [
            {"tag": "input", "max_length": "ten", "glow": 1}
        ]}]}
    ]}}))
    .unwrap_err();
    let problems = err.diagnostics();
    let wrong = problems
        .iter()
        .find(|d| d.rule == "structure.wrong-type")
        .unwrap_or_else(|| panic!("no wrong-type diagnostic: {problems}"));
    assert_eq!(
        wrong.pointer,
        "/body/elements/1/columns/0/elements/0/max_length"
    );
}

#[test]
fn unknown_sub_object_tags_stay_errors() {
    // A text object or icon is a typed union: a tag it does not know is refused.
    let err = Card::from_value(&json!({"schema": "2.0", "body": {"elements": [
        {"tag": "button", "text": {"tag": "rich_text", "content": "x"}}
    ]}}))
    .unwrap_err();
    assert!(err.to_string().contains("rich_text"), "{err}");
}

#[test]
fn tolerated_values_the_model_cannot_hold_are_kept_as_written() {
    // Feishu falls back on an undocumented value of a lenient property; the validator warns,
    // and the model keeps the value in `unknown` under its own key instead of failing the card.
    let input = json!({"schema": "2.0",
        "config": {
            "locales": ["zh_cn", "xx_yy"],
            "style": {"color": {"brand": {"light_mode": "rgba(20,86,240,1)"}}}
        },
        "body": {"elements": [
        {"tag": "markdown", "content": "hi", "text_align": "middle"},
        {"tag": "form", "name": "f", "elements": [
            {"tag": "input", "name": "note", "input_type": "multiline_text", "rows": -1},
            {"tag": "button", "name": "go", "form_action_type": "submit",
             "text": {"tag": "plain_text", "content": "Go"}}
        ]}
    ]}});
    let diagnostics = validate_value(&input);
    assert!(!diagnostics.has_errors(), "{diagnostics}");
    assert_eq!(diagnostics.warnings().count(), 4, "{diagnostics}");

    let card = Card::from_value(&input).expect("tolerated values do not fail the card");
    assert_eq!(card.to_value(), input);
    let elements = card.body.as_ref().unwrap().elements.as_ref().unwrap();
    let BodyElement::Element(Element::Markdown(md)) = &elements[0] else {
        panic!("expected a markdown, got {:?}", elements[0])
    };
    assert_eq!(md.text_align, None);
    assert_eq!(md.unknown.get("text_align"), Some(&json!("middle")));
    let config = card.config.as_ref().unwrap();
    assert_eq!(config.locales, None);
    assert_eq!(
        config.unknown.get("locales"),
        Some(&json!(["zh_cn", "xx_yy"]))
    );

    // A setter replaces the kept value: the property is written once, with the new value.
    let md = md.clone().text_align(card_core::model::TextAlign::Center);
    assert!(md.unknown.is_empty());
    let written = serde_json::to_string(&md).unwrap();
    assert_eq!(written.matches("text_align").count(), 1, "{written}");
    assert_eq!(
        serde_json::to_value(&md).unwrap()["text_align"],
        json!("center")
    );

    // A documented value is read into its field, as always.
    let card = Card::from_value(&json!({"schema": "2.0", "body": {"elements": [
        {"tag": "markdown", "content": "hi", "text_align": "center"}
    ]}}))
    .unwrap();
    let BodyElement::Element(Element::Markdown(md)) = &card.body.unwrap().elements.unwrap()[0]
    else {
        panic!("expected a markdown")
    };
    assert!(md.text_align.is_some() && md.unknown.is_empty());
}

#[test]
fn values_the_validator_refuses_still_fail_the_card() {
    // A wrong JSON type on a lenient property, and an undocumented value of a strict one.
    for element in [
        json!({"tag": "markdown", "content": "hi", "text_align": 3}),
        json!({"tag": "button", "type": "primary_glow",
               "text": {"tag": "plain_text", "content": "Go"}}),
    ] {
        let input = json!({"schema": "2.0", "body": {"elements": [element]}});
        assert!(validate_value(&input).has_errors());
        assert!(Card::from_value(&input).is_err(), "{input}");
    }
}
