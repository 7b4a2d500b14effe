//! The escape hatch of `card!` for what the registry does not know: `<raw json={…}/>` for a
//! whole component, `raw:name={…}` for one property of a known tag. The JSON the card holds is
//! the raw input as given; the validator judges it at run time, under the policy the caller
//! chooses.

use feishu_card::client::emulator::Emulator;
use feishu_card::client::{Error, SendMessage};
use feishu_card::core::registry::rule;
use feishu_card::core::validate::{validate_value_with, Options, Policy};
use feishu_card::model::{BodyElement, Element};
use feishu_card::{card, Card};
use serde_json::{json, Value};

/// The `i`-th component of the card's body.
fn body_element(card: &Card, i: usize) -> &BodyElement {
    card.body
        .as_ref()
        .and_then(|b| b.elements.as_ref())
        .and_then(|e| e.get(i))
        .expect("a component at that index")
}

fn json_of(card: &Card) -> Value {
    serde_json::to_value(card).expect("a card serializes")
}

fn elements(card: &Card) -> Value {
    json_of(card)["body"]["elements"].clone()
}

#[test]
fn a_raw_element_is_its_json_in_the_body() {
    let widget = json!({"tag": "new_widget", "x": 1, "nested": {"a": [1, 2]}});
    let card = card! {
        <card>
            <markdown>"before"</markdown>
            <raw json={widget}/>
            <raw json={json!({"tag": "another_widget"})}/>
        </card>
    };
    // A place is borrowed: the value is still the caller's.
    assert_eq!(widget["x"], 1);
    assert_eq!(
        elements(&card),
        json!([
            {"tag": "markdown", "content": "before"},
            {"tag": "new_widget", "x": 1, "nested": {"a": [1, 2]}},
            {"tag": "another_widget"}
        ])
    );
}

#[test]
fn a_raw_element_stands_in_every_container() {
    let raw = || json!({"tag": "new_widget", "glow": true});
    let card = card! {
        <card>
            <column_set>
                <column><raw json={raw()}/></column>
            </column_set>
            <form name="f">
                <raw json={raw()}/>
                <button name="go" form_action_type="submit">"Go"</button>
            </form>
            <interactive_container><raw json={raw()}/></interactive_container>
            <collapsible_panel>
                <header><markdown>"more"</markdown></header>
                <raw json={raw()}/>
            </collapsible_panel>
            @for _ in 0..2 { <raw json={raw()}/> }
        </card>
    };
    let els = elements(&card);
    assert_eq!(els[0]["columns"][0]["elements"], json!([raw()]));
    assert_eq!(els[1]["elements"][0], raw());
    assert_eq!(els[2]["elements"], json!([raw()]));
    assert_eq!(els[3]["elements"], json!([raw()]));
    assert_eq!(els[4], raw());
    assert_eq!(els[5], raw());
    assert_eq!(els.as_array().map(Vec::len), Some(6));
}

#[test]
fn a_raw_known_component_is_read_as_its_type() {
    let card = card! {
        <card>
            <raw json={json!({"tag": "markdown", "content": "typed"})}/>
            <raw json={json!({"tag": "table", "columns": [{"name": "a"}], "rows": []})}/>
        </card>
    };
    assert!(matches!(
        body_element(&card, 0),
        BodyElement::Element(Element::Markdown(_))
    ));
    assert!(matches!(body_element(&card, 1), BodyElement::Table(_)));
    assert_eq!(
        elements(&card),
        json!([
            {"tag": "markdown", "content": "typed"},
            {"tag": "table", "columns": [{"name": "a"}], "rows": []}
        ])
    );
    assert!(feishu_card::validate(&card).is_empty());
}

/// A known component whose JSON does not read as its type is kept as written, and the
/// validator names what is wrong with it.
#[test]
fn a_raw_known_component_that_does_not_read_is_kept_for_the_validator() {
    let markdown = json!({"tag": "markdown", "content": 5});
    let card = card! { <card><raw json={markdown}/></card> };
    assert_eq!(elements(&card), json!([markdown]));
    let problems = validate_value_with(&json_of(&card), Options::lenient());
    let wrong = problems
        .errors()
        .find(|d| d.rule == rule::WRONG_TYPE)
        .unwrap_or_else(|| panic!("{problems}"));
    assert_eq!(wrong.pointer, "/body/elements/0/content", "{wrong}");
}

#[test]
fn a_raw_known_component_in_a_wrong_place_is_judged_by_the_validator() {
    let card = card! {
        <card>
            <column_set><column>
                <raw json={json!({"tag": "table", "columns": [{"name": "a"}]})}/>
            </column></column_set>
        </card>
    };
    assert_eq!(
        elements(&card)[0]["columns"][0]["elements"][0],
        json!({"tag": "table", "columns": [{"name": "a"}]})
    );
    let problems = validate_value_with(&json_of(&card), Options::lenient());
    assert!(
        problems.errors().any(|d| d.rule == rule::TABLE_NOT_AT_ROOT),
        "{problems}"
    );
}

#[test]
fn raw_attributes_go_into_the_components_unknown_properties() {
    let level = 3;
    let card = card! {
        <card>
            <header template="blue" raw:ribbon={json!({"text": "new"})}>"Title"</header>
            <button type="primary" raw:glow={json!(true)} raw:level={level} raw:mood="calm" raw:flag>
                "Go"
            </button>
        </card>
    };
    let button = &elements(&card)[0];
    assert_eq!(button["glow"], json!(true));
    assert_eq!(button["level"], json!(3));
    assert_eq!(button["mood"], json!("calm"));
    assert_eq!(button["flag"], json!(true));
    assert_eq!(button["type"], json!("primary"));
    assert_eq!(json_of(&card)["header"]["ribbon"], json!({"text": "new"}));
    let BodyElement::Element(Element::Button(b)) = body_element(&card, 0) else {
        panic!("a button")
    };
    assert_eq!(b.unknown.get("glow"), Some(&json!(true)));
    assert_eq!(b.unknown.len(), 4);
}

#[test]
fn a_raw_value_of_a_lenient_attribute_is_sent_as_written_with_a_warning() {
    // Feishu falls back on an undocumented `text_align`; `card!` refuses the literal as a typo,
    // and `raw:` writes it on purpose. Both policies accept it with the validator's warning.
    let card = card! {
        <card>
            <markdown raw:text_align={json!("middle")}>"Hi"</markdown>
        </card>
    };
    assert_eq!(elements(&card)[0]["text_align"], json!("middle"));
    let BodyElement::Element(Element::Markdown(md)) = body_element(&card, 0) else {
        panic!("a markdown")
    };
    assert_eq!(md.text_align, None);
    let value = json_of(&card);
    for options in [Options::strict(), Options::lenient()] {
        let found = validate_value_with(&value, options);
        assert!(!found.has_errors(), "{found}");
        let rules: Vec<&str> = found.warnings().map(|d| d.rule).collect();
        assert_eq!(rules, ["value.enum"]);
    }
    // Read back, it is the same card.
    assert_eq!(
        Card::from_value(&value).map(|c| json_of(&c)).ok(),
        Some(value)
    );
}

// `card!` warns about the 1.0 leftover at compile time (as a deprecation): expected here.
#[allow(deprecated)]
#[test]
fn the_card_takes_its_own_tolerated_properties_and_raw_ones_as_attributes() {
    let card = card! {
        <card fallback={json!({})} raw:theme={json!("dusk")}>
            <markdown>"hi"</markdown>
        </card>
    };
    assert_eq!(card.fallback, Some(json!({})));
    assert_eq!(card.unknown.get("theme"), Some(&json!("dusk")));
    let value = json_of(&card);
    assert_eq!(value["theme"], json!("dusk"));
    let lenient = validate_value_with(&value, Options::lenient());
    let rules: Vec<&str> = lenient.iter().map(|d| d.rule).collect();
    assert_eq!(
        rules,
        [rule::UNKNOWN_PROPERTY, "legacy.property"],
        "{lenient}"
    );
}

/// A card with a raw element and a raw attribute.
fn with_raw() -> Card {
    card! {
        <card>
            <markdown>"hi"</markdown>
            <raw json={json!({"tag": "new_widget", "x": 1})}/>
            <button raw:glow={json!(true)}>"Go"</button>
        </card>
    }
}

#[test]
fn strict_validation_refuses_raw_unknowns_and_lenient_warns() {
    let value = json_of(&with_raw());
    let strict = validate_value_with(&value, Options::strict());
    assert!(
        strict.errors().any(|d| d.rule == rule::UNKNOWN_TAG),
        "{strict}"
    );
    assert!(
        strict.errors().any(|d| d.rule == rule::UNKNOWN_PROPERTY),
        "{strict}"
    );
    let lenient = validate_value_with(&value, Options::lenient());
    assert!(!lenient.has_errors(), "{lenient}");
    let rules: Vec<&str> = lenient.warnings().map(|d| d.rule).collect();
    assert_eq!(rules, [rule::UNKNOWN_TAG, rule::UNKNOWN_PROPERTY]);
}

#[test]
fn a_raw_value_that_is_not_a_component_is_refused_under_every_policy() {
    for bad in [
        json!(5),
        json!("new_widget"),
        json!(null),
        json!({"x": 1}),
        json!({"tag": 7}),
    ] {
        let card = card! { <card><markdown>"hi"</markdown><raw json={bad}/></card> };
        let value = json_of(&card);
        assert_eq!(value["body"]["elements"][1]["tag"], json!(""), "{bad}");
        for policy in [Policy::Strict, Policy::Lenient] {
            let problems = validate_value_with(&value, policy.into());
            let error = problems
                .errors()
                .find(|d| d.rule == rule::WRONG_TYPE)
                .unwrap_or_else(|| panic!("{bad} under {policy:?}: {problems}"));
            assert!(error.message.contains("`tag` is empty"), "{error}");
            assert!(error.message.contains("<raw json={…}/>"), "{error}");
            assert_eq!(error.pointer, "/body/elements/1/tag");
        }
    }
    // The other properties of an object without a `tag` are kept, to be seen.
    let card = card! { <card><raw json={json!({"x": 1})}/></card> };
    assert_eq!(elements(&card)[0], json!({"tag": "", "x": 1}));
}

/// Sent through the emulator, which knows what this version knows, like a Feishu without the
/// newer feature: strict sending refuses the card before any request; lenient sending sends it,
/// and Feishu's refusal keeps the warnings that let it through.
#[tokio::test]
async fn a_raw_card_is_sent_under_the_lenient_policy() {
    let feishu = Emulator::builder()
        .speed(20.0)
        .start()
        .await
        .expect("the emulator binds a loopback port");
    let client = feishu.client().build().expect("the client builds");
    let sends = |feishu: &Emulator| {
        feishu
            .requests()
            .iter()
            .filter(|r| r.path == "/open-apis/im/v1/messages")
            .count()
    };

    let err = client
        .messages()
        .send(SendMessage::to_chat("oc_team", with_raw()))
        .await
        .expect_err("refused locally");
    let Error::InvalidCard(diagnostics) = &err else {
        panic!("an invalid card, got {err}");
    };
    assert!(
        diagnostics.contains_rule(rule::UNKNOWN_TAG),
        "{diagnostics}"
    );
    assert!(
        diagnostics.contains_rule(rule::UNKNOWN_PROPERTY),
        "{diagnostics}"
    );
    assert_eq!(sends(&feishu), 0);

    let err = client
        .messages()
        .send(SendMessage::to_chat("oc_team", with_raw()).validation(Policy::Lenient))
        .await
        .expect_err("the emulator refuses what it does not know");
    assert_eq!(sends(&feishu), 1, "the card was sent");
    let api = err
        .api()
        .unwrap_or_else(|| panic!("Feishu's refusal, got {err}"));
    assert_eq!(api.code, 230099, "{err}");
    let warned: Vec<&str> = api.card_warnings.iter().map(|d| d.rule).collect();
    assert_eq!(warned, [rule::UNKNOWN_TAG, rule::UNKNOWN_PROPERTY], "{err}");
    let shown = err.to_string();
    assert!(shown.contains("`new_widget`"), "{shown}");

    // A value that is no component is refused locally even under the lenient policy.
    let bad = card! { <card><raw json={json!([1, 2])}/></card> };
    let err = client
        .messages()
        .send(SendMessage::to_chat("oc_team", bad).validation(Policy::Lenient))
        .await
        .expect_err("refused locally");
    assert!(matches!(err, Error::InvalidCard(_)), "{err}");
    assert_eq!(sends(&feishu), 1);
}
