//! One failing and one passing card for every rule of the registry, keyed by rule id; a test
//! walks `RULES` and fails when a rule has no case.

use card_core::registry::RULES;
use card_core::validate::{syntax_diagnostic, validate_slice, validate_value};
use card_core::{Diagnostics, Severity};
use serde_json::{json, Value};

/// A rule, a card that breaks it (and where), and a card that keeps it.
struct Case {
    rule: &'static str,
    bad: Value,
    pointer: &'static str,
    good: Value,
}

fn card(elements: Value) -> Value {
    json!({"schema": "2.0", "body": {"elements": elements}})
}

fn with(mut card: Value, key: &str, value: Value) -> Value {
    card[key] = value;
    card
}

fn submit() -> Value {
    json!({"tag": "button", "name": "ok", "form_action_type": "submit",
           "text": {"tag": "plain_text", "content": "OK"}})
}

fn form(name: &str, mut elements: Vec<Value>) -> Value {
    elements
        .push(json!({"tag": "button", "name": format!("{name}_ok"), "form_action_type": "submit"}));
    json!({"tag": "form", "name": name, "elements": elements})
}

fn nested(depth: usize) -> Value {
    let mut v = json!({"tag": "markdown", "content": "deep"});
    for _ in 0..depth {
        v = json!({"tag": "interactive_container", "elements": [v]});
    }
    v
}

fn cases() -> Vec<Case> {
    let audio = |id: &str| json!({"tag": "audio", "file_key": "file_v3_x", "audio_id": id});
    let no_forward = json!({"enable_forward": false});
    vec![
        Case {
            rule: "schema.version-1",
            bad: json!({"config": {"wide_screen_mode": true}, "elements": [{"tag": "hr"}]}),
            pointer: "",
            good: card(json!([{"tag": "hr"}])),
        },
        Case {
            rule: "schema.version",
            bad: json!({"schema": "1.0", "body": {"elements": []}}),
            pointer: "/schema",
            good: json!({"schema": "2.0", "body": {"elements": []}}),
        },
        Case {
            rule: "structure.unknown-property",
            bad: card(json!([{"tag": "markdown", "content": "x", "colour": "red"}])),
            pointer: "/body/elements/0/colour",
            good: card(json!([{"tag": "markdown", "content": "x"}])),
        },
        Case {
            rule: "structure.unknown-tag",
            bad: card(json!([{"tag": "video", "file_key": "v"}])),
            pointer: "/body/elements/0",
            good: card(json!([{"tag": "audio", "file_key": "v"}])).tap_config(&no_forward),
        },
        Case {
            rule: "structure.sub-element-as-component",
            bad: card(json!([{"tag": "plain_text", "content": "x"}])),
            pointer: "/body/elements/0",
            good: card(json!([{"tag": "div", "text": {"tag": "plain_text", "content": "x"}}])),
        },
        Case {
            rule: "structure.missing-property",
            bad: card(json!([{"tag": "img", "alt": {"tag": "plain_text", "content": ""}}])),
            pointer: "/body/elements/0",
            good: card(json!([{"tag": "img", "img_key": "img_v3_x"}])),
        },
        Case {
            rule: "structure.wrong-type",
            bad: card(json!([{"tag": "button", "disabled": "yes"}])),
            pointer: "/body/elements/0/disabled",
            good: card(json!([{"tag": "button", "disabled": true}])),
        },
        Case {
            rule: "legacy.removed-component",
            bad: card(
                json!([{"tag": "note", "elements": [{"tag": "plain_text", "content": "x"}]}]),
            ),
            pointer: "/body/elements/0",
            good: card(json!([{"tag": "markdown", "content": "x", "text_size": "notation"}])),
        },
        Case {
            rule: "legacy.config-key",
            bad: with(card(json!([])), "config", json!({"wide_screen_mode": true})),
            pointer: "/config/wide_screen_mode",
            good: with(card(json!([])), "config", json!({"width_mode": "fill"})),
        },
        Case {
            rule: "legacy.property",
            bad: card(json!([{"tag": "button", "url": "https://example.com"}])),
            pointer: "/body/elements/0/url",
            good: card(json!([{"tag": "button", "behaviors": [
                {"type": "open_url", "default_url": "https://example.com"}]}])),
        },
        Case {
            rule: "nesting.table-not-at-root",
            bad: card(
                json!([{"tag": "column_set", "columns": [{"tag": "column", "elements": [
                {"tag": "table", "columns": []}]}]}]),
            ),
            pointer: "/body/elements/0/columns/0/elements/0",
            good: card(json!([{"tag": "table", "columns": []}])),
        },
        Case {
            rule: "nesting.form-not-at-root",
            bad: card(
                json!([{"tag": "collapsible_panel", "header": {}, "elements": [form("f", vec![])]}]),
            ),
            pointer: "/body/elements/0/elements/0",
            good: card(json!([form("f", vec![])])),
        },
        Case {
            rule: "nesting.multi_select_static-outside-form",
            bad: card(json!([{"tag": "multi_select_static", "name": "m", "options": []}])),
            pointer: "/body/elements/0",
            good: card(json!([form(
                "f",
                vec![json!({"tag": "multi_select_static", "name": "m"})]
            )])),
        },
        Case {
            rule: "nesting.multi_select_person-outside-form",
            bad: card(
                json!([{"tag": "column_set", "columns": [{"tag": "column", "elements": [
                {"tag": "multi_select_person", "name": "p"}]}]}]),
            ),
            pointer: "/body/elements/0/columns/0/elements/0",
            good: card(json!([form(
                "f",
                vec![json!({"tag": "column_set", "columns": [
                {"tag": "column", "elements": [{"tag": "multi_select_person", "name": "p"}]}]})]
            )])),
        },
        Case {
            rule: "nesting.select_img-multi-outside-form",
            bad: card(
                json!([{"tag": "select_img", "multi_select": true, "options": [{"img_key": "k"}]}]),
            ),
            pointer: "/body/elements/0",
            good: card(
                json!([{"tag": "select_img", "multi_select": false, "options": [{"img_key": "k"}]}]),
            ),
        },
        Case {
            rule: "form.name-missing",
            bad: card(json!([{"tag": "form", "elements": [submit()]}])),
            pointer: "/body/elements/0",
            good: card(json!([{"tag": "form", "name": "f", "elements": [submit()]}])),
        },
        Case {
            rule: "form.name-duplicate",
            bad: card(
                json!([form("f", vec![]), {"tag": "form", "name": "f", "elements": [submit()]}]),
            ),
            pointer: "/body/elements/1/name",
            good: card(json!([form("f", vec![]), form("g", vec![])])),
        },
        Case {
            rule: "form.field-name-missing",
            bad: card(json!([form("f", vec![json!({"tag": "input"})])])),
            pointer: "/body/elements/0/elements/0",
            good: card(json!([form(
                "f",
                vec![json!({"tag": "input", "name": "reason"})]
            )])),
        },
        Case {
            rule: "form.field-name-duplicate",
            bad: card(json!([
                form("f", vec![json!({"tag": "input", "name": "a"})]),
                form("g", vec![json!({"tag": "checker", "name": "a"})]),
            ])),
            pointer: "/body/elements/1/elements/0/name",
            good: card(json!([
                form("f", vec![json!({"tag": "input", "name": "a"})]),
                form("g", vec![json!({"tag": "checker", "name": "b"})]),
            ])),
        },
        Case {
            rule: "form.no-submit-button",
            bad: card(
                json!([{"tag": "form", "name": "f", "elements": [{"tag": "input", "name": "a"},
                {"tag": "button", "name": "r", "form_action_type": "reset"}]}]),
            ),
            pointer: "/body/elements/0",
            good: card(
                json!([{"tag": "form", "name": "f", "elements": [{"tag": "input", "name": "a"},
                {"tag": "button", "name": "s", "action_type": "form_submit"}]}]),
            ),
        },
        Case {
            rule: "form.required-outside-form",
            bad: card(json!([{"tag": "input", "required": true}])),
            pointer: "/body/elements/0/required",
            good: card(json!([form(
                "f",
                vec![json!({"tag": "input", "name": "a", "required": true})]
            )])),
        },
        Case {
            rule: "element_id.pattern",
            bad: card(
                json!([{"tag": "markdown", "content": "x", "element_id": "main_content_block_01"}]),
            ),
            pointer: "/body/elements/0/element_id",
            good: card(
                json!([{"tag": "markdown", "content": "x", "element_id": "main_content_block_1"}]),
            ),
        },
        Case {
            rule: "element_id.duplicate",
            bad: card(json!([{"tag": "hr", "element_id": "line"},
                {"tag": "column_set", "columns": [{"tag": "column", "element_id": "line"}]}])),
            pointer: "/body/elements/1/columns/0/element_id",
            good: card(json!([{"tag": "hr", "element_id": "line"},
                {"tag": "div", "element_id": "text", "text": {"tag": "plain_text", "content": "x", "element_id": "line"}}])),
        },
        Case {
            rule: "value.enum",
            bad: card(json!([{"tag": "button", "type": "big"}])),
            pointer: "/body/elements/0/type",
            good: card(json!([{"tag": "button", "type": "primary_filled"}])),
        },
        Case {
            rule: "value.range",
            bad: card(json!([{"tag": "table", "columns": [], "page_size": 20}])),
            pointer: "/body/elements/0/page_size",
            good: card(json!([{"tag": "table", "columns": [], "page_size": 10}])),
        },
        Case {
            rule: "value.format",
            bad: card(json!([{"tag": "date_picker", "initial_date": "2024/01/31"}])),
            pointer: "/body/elements/0/initial_date",
            good: card(json!([{"tag": "date_picker", "initial_date": "2024-01-31"}])),
        },
        Case {
            rule: "value.text-length",
            bad: card(
                json!([{"tag": "button", "text": {"tag": "plain_text", "content": "字".repeat(101)}}]),
            ),
            pointer: "/body/elements/0/text/content",
            good: card(
                json!([{"tag": "button", "text": {"tag": "plain_text", "content": "字".repeat(100)}}]),
            ),
        },
        Case {
            rule: "limit.card-size",
            bad: card(json!([{"tag": "markdown", "content": "x".repeat(31 * 1024)}])),
            pointer: "",
            good: card(json!([{"tag": "markdown", "content": "x".repeat(29 * 1024)}])),
        },
        Case {
            rule: "limit.elements",
            bad: card(Value::Array(vec![json!({"tag": "hr"}); 201])),
            pointer: "/body/elements/200",
            good: card(Value::Array(vec![json!({"tag": "hr"}); 200])),
        },
        Case {
            rule: "limit.depth",
            bad: card(json!([nested(6)])),
            pointer: "/body/elements/0/elements/0/elements/0/elements/0/elements/0/elements/0",
            good: card(json!([nested(5)])),
        },
        Case {
            rule: "limit.tables",
            bad: card(Value::Array(vec![
                json!({"tag": "table", "columns": []});
                6
            ])),
            pointer: "/body/elements/5",
            good: card(Value::Array(vec![
                json!({"tag": "table", "columns": []});
                5
            ])),
        },
        Case {
            rule: "limit.markdown-tables",
            bad: card(Value::Array(
                [
                    vec![json!({"tag": "table", "columns": []}); 5],
                    vec![json!({"tag": "markdown", "content": "| a | b |\n|---|---|\n| 1 | 2 |"})],
                ]
                .concat(),
            )),
            pointer: "/body/elements/5/content",
            good: card(Value::Array(
                [
                    vec![json!({"tag": "table", "columns": []}); 4],
                    vec![json!({"tag": "markdown", "content": "| a | b |\n|---|---|\n| 1 | 2 |"})],
                ]
                .concat(),
            )),
        },
        Case {
            rule: "limit.header-tags",
            bad: with(
                card(json!([])),
                "header",
                json!({"text_tag_list": vec![json!({"tag": "text_tag"}); 4]}),
            ),
            pointer: "/header/text_tag_list",
            good: with(
                card(json!([])),
                "header",
                json!({"text_tag_list": vec![json!({"tag": "text_tag"}); 3]}),
            ),
        },
        Case {
            rule: "audio.forwardable",
            bad: card(json!([audio("a")])),
            pointer: "/body/elements/0",
            good: card(json!([audio("a")])).tap_config(&no_forward),
        },
        Case {
            rule: "audio.duplicate-id",
            bad: card(json!([audio("a"), audio("a")])).tap_config(&no_forward),
            pointer: "/body/elements/1/audio_id",
            good: card(json!([audio("a"), audio("b")])).tap_config(&no_forward),
        },
        Case {
            rule: "card_link.incomplete",
            bad: with(
                card(json!([])),
                "card_link",
                json!({"pc_url": "https://a", "ios_url": "https://b"}),
            ),
            pointer: "/card_link",
            good: with(
                card(json!([])),
                "card_link",
                json!({"pc_url": "https://a", "ios_url": "https://b",
                "android_url": "https://c"}),
            ),
        },
        Case {
            rule: "config.update-multi",
            bad: with(card(json!([])), "config", json!({"update_multi": false})),
            pointer: "/config/update_multi",
            good: with(card(json!([])), "config", json!({"update_multi": true})),
        },
        Case {
            rule: "table.row-key",
            bad: card(
                json!([{"tag": "table", "columns": [{"name": "owner"}], "rows": [{"ower": "ou_1"}]}]),
            ),
            pointer: "/body/elements/0/rows/0/ower",
            good: card(
                json!([{"tag": "table", "columns": [{"name": "owner"}], "rows": [{"owner": "ou_1"}]}]),
            ),
        },
        Case {
            rule: "table.columns",
            bad: card(json!([{"tag": "table", "columns": columns(51)}])),
            pointer: "/body/elements/0/columns",
            good: card(json!([{"tag": "table", "columns": columns(50)}])),
        },
        Case {
            rule: "img_combination.too-many-images",
            bad: card(
                json!([{"tag": "img_combination", "combination_mode": "double",
                "img_list": vec![json!({"img_key": "img_v3_x"}); 3]}]),
            ),
            pointer: "/body/elements/0/img_list",
            good: card(
                json!([{"tag": "img_combination", "combination_mode": "triple",
                "img_list": vec![json!({"img_key": "img_v3_x"}); 3]}]),
            ),
        },
        Case {
            rule: "select.option-duplicate",
            bad: card(
                json!([{"tag": "select_static", "options": [option("a"), option("b"), option("a")]}]),
            ),
            pointer: "/body/elements/0/options/2/value",
            good: card(json!([{"tag": "select_static", "options": [option("a"), option("b")]}])),
        },
        Case {
            rule: "picker.placeholder-missing",
            bad: card(json!([{"tag": "picker_datetime"}])),
            pointer: "/body/elements/0",
            good: card(
                json!([{"tag": "picker_datetime", "initial_datetime": "2024-01-31 09:30"},
                {"tag": "picker_time", "placeholder": {"tag": "plain_text", "content": "When?"}}]),
            ),
        },
        Case {
            rule: "checker.buttons",
            bad: card(
                json!([{"tag": "checker", "text": {"tag": "plain_text", "content": "done"},
                "button_area": {"buttons": vec![checker_button("text"); 4]}}]),
            ),
            pointer: "/body/elements/0/button_area/buttons",
            good: card(
                json!([{"tag": "checker", "text": {"tag": "plain_text", "content": "done"},
                "button_area": {"buttons": [checker_button("text"), checker_button("primary_text"),
                    checker_button("danger_text")]}}]),
            ),
        },
        Case {
            rule: "behaviors.open-url-unsupported",
            bad: card(json!([{"tag": "select_static", "options": [option("a")],
                "behaviors": [{"type": "open_url", "default_url": "https://example.com"}]}])),
            pointer: "/body/elements/0/behaviors/0",
            good: card(
                json!([{"tag": "button", "text": {"tag": "plain_text", "content": "go"},
                "behaviors": [{"type": "open_url", "default_url": "https://example.com"}]}]),
            ),
        },
        Case {
            rule: "markdown.too-many-tables",
            bad: card(json!([{"tag": "markdown", "content": md_tables(5)}])),
            pointer: "/body/elements/0/content",
            good: card(json!([{"tag": "markdown", "content": md_tables(4)}])),
        },
        Case {
            rule: "style.color-incomplete",
            bad: with(
                card(json!([])),
                "config",
                json!({"style": {"color": {"brand": {"light_mode": "rgba(20,86,240,1)"}}}}),
            ),
            pointer: "/config/style/color/brand",
            good: with(
                card(json!([])),
                "config",
                json!({"style": {"color": {"brand": {"light_mode": "rgba(20,86,240,1)",
                    "dark_mode": "rgba(76,136,255,1)"}}}}),
            ),
        },
    ]
}

fn columns(n: usize) -> Vec<Value> {
    (0..n)
        .map(|i| json!({"name": format!("c{i}"), "display_name": format!("C{i}")}))
        .collect()
}

fn md_tables(n: usize) -> String {
    (0..n)
        .map(|i| format!("| team | open |\n|:--|--:|\n| t{i} | {i} |\n"))
        .collect::<Vec<_>>()
        .join("\nand then\n\n")
}

fn option(value: &str) -> Value {
    json!({"text": {"tag": "plain_text", "content": value.to_uppercase()}, "value": value})
}

fn checker_button(kind: &str) -> Value {
    json!({"tag": "button", "type": kind, "text": {"tag": "plain_text", "content": "edit"}})
}

trait TapConfig {
    fn tap_config(self, config: &Value) -> Value;
}

impl TapConfig for Value {
    fn tap_config(mut self, config: &Value) -> Value {
        self["config"] = config.clone();
        self
    }
}

fn show(d: &Diagnostics) -> String {
    d.iter()
        .map(|x| {
            format!(
                "  {}[{}] at `{}`: {}",
                x.severity, x.rule, x.pointer, x.message
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn every_rule_fails_where_expected_and_passes_otherwise() {
    for case in cases() {
        let bad = validate_value(&case.bad);
        let hit = bad.iter().find(|d| d.rule == case.rule);
        let hit = hit.unwrap_or_else(|| {
            panic!(
                "`{}` not reported on its failing card:\n{}",
                case.rule,
                show(&bad)
            )
        });
        assert_eq!(
            hit.pointer,
            case.pointer,
            "`{}` at the wrong place:\n{}",
            case.rule,
            show(&bad)
        );
        assert!(
            hit.message.starts_with(|c: char| !c.is_uppercase()),
            "{}",
            hit.message
        );
        let severity = RULES.iter().find(|r| r.id == case.rule).map(|r| r.severity);
        assert_eq!(
            Some(hit.severity),
            severity,
            "`{}` reported at another severity",
            case.rule
        );

        let good = validate_value(&case.good);
        assert!(
            !good.contains_rule(case.rule) && !good.has_errors(),
            "the passing card of `{}` is not clean:\n{}",
            case.rule,
            show(&good)
        );
    }
}

#[test]
fn json_syntax() {
    let err = validate_slice(b"{\"schema\": \"2.0\", }").expect_err("trailing comma");
    let d = syntax_diagnostic(&err);
    assert_eq!(
        (d.rule, d.severity, d.pointer.as_str()),
        ("json.syntax", Severity::Error, "")
    );
    assert!(d.message.contains("line 1"), "{}", d.message);
    assert!(validate_slice(br#"{"schema": "2.0"}"#).is_ok());
}

#[test]
fn every_rule_has_a_case() {
    let cases = cases();
    let missing: Vec<&str> = RULES
        .iter()
        .map(|r| r.id)
        .filter(|id| *id != "json.syntax" && !cases.iter().any(|c| c.rule == *id))
        .collect();
    assert!(
        missing.is_empty(),
        "rules without a failing case: {missing:?}"
    );
    for case in &cases {
        assert!(
            RULES.iter().any(|r| r.id == case.rule),
            "case for unknown rule `{}`",
            case.rule
        );
    }
}

#[test]
fn paths_are_written_the_feishu_way() {
    let d = validate_value(&card(json!([{"tag": "column_set", "columns": [
        {"tag": "column", "elements": [{"tag": "form", "name": "f", "elements": [submit()]}]}]}])));
    let hit = d
        .iter()
        .find(|x| x.rule == "nesting.form-not-at-root")
        .expect("reported");
    assert_eq!(
        hit.path,
        "ROOT -> body -> elements -> [0](tag: column_set) -> columns -> [0](tag: column) -> elements -> [0](tag: form)"
    );
    assert_eq!(
        hit.message,
        "`form` cannot be placed inside `column`: a form may only sit at the root of the card body"
    );
}

#[test]
fn all_problems_are_reported_at_once() {
    let d = validate_value(&card(json!([
        {"tag": "video"},
        {"tag": "table", "columns": [], "page_size": 0},
        {"tag": "form", "elements": [{"tag": "input"}, {"tag": "table", "columns": []}]},
        {"tag": "hr", "element_id": "x"},
        {"tag": "hr", "element_id": "x"},
    ])));
    for rule in [
        "structure.unknown-tag",
        "value.range",
        "form.name-missing",
        "form.field-name-missing",
        "form.no-submit-button",
        "nesting.table-not-at-root",
        "element_id.duplicate",
    ] {
        assert!(d.contains_rule(rule), "{rule} missing:\n{}", show(&d));
    }
}

#[test]
fn suggestions_for_misspelt_names() {
    let d = validate_value(&card(json!([{"tag": "buton"}, {"tag": "picker_date"},
        {"tag": "markdown", "content": "x", "text_algin": "left"}])));
    let messages: Vec<&str> = d.iter().map(|x| x.message.as_str()).collect();
    assert!(
        messages
            .iter()
            .any(|m| m.contains("did you mean `button`?")),
        "{messages:?}"
    );
    assert!(
        messages
            .iter()
            .any(|m| m.contains("did you mean `date_picker`?")),
        "{messages:?}"
    );
    assert!(
        messages
            .iter()
            .any(|m| m.contains("did you mean `text_align`?")),
        "{messages:?}"
    );
}

#[test]
fn lenient_values_are_warnings() {
    let d = validate_value(&card(json!([
        {"tag": "markdown", "content": "x", "text_size": "caption"},
        {"tag": "column_set", "horizontal_spacing": "default", "columns": [{"tag": "column", "width": "4px"}]},
        {"tag": "button", "text": {"tag": "lark_md", "content": "**go**"}},
    ])));
    assert!(!d.has_errors(), "{}", show(&d));
    assert_eq!(d.warnings().count(), 4, "{}", show(&d));
}

#[test]
fn custom_styles_are_known_names() {
    let mut c = card(
        json!([{"tag": "markdown", "content": "x", "text_size": "cus-0"},
        {"tag": "column_set", "background_style": "brand-bg", "columns": []}]),
    );
    c["config"] = json!({"style": {
        "text_size": {"cus-0": {"default": "normal", "pc": "normal", "mobile": "large"}},
        "color": {"brand-bg": {"light_mode": "rgba(0,0,0,0.1)", "dark_mode": "rgba(255,255,255,0.1)"}}}});
    let d = validate_value(&c);
    assert!(d.is_empty(), "{}", show(&d));
}

#[test]
fn a_checker_button_of_another_type_is_a_warning() {
    let d = validate_value(&card(json!([{"tag": "checker",
    "button_area": {"buttons": [
        {"tag": "button", "type": "primary", "text": {"tag": "plain_text", "content": "a"}},
        {"tag": "button", "text": {"tag": "plain_text", "content": "b"}},
    ]}}])));
    let found: Vec<(&str, Severity)> = d
        .iter()
        .filter(|x| x.rule == "checker.buttons")
        .map(|x| (x.pointer.as_str(), x.severity))
        .collect();
    assert_eq!(
        found,
        [
            (
                "/body/elements/0/button_area/buttons/0/type",
                Severity::Warning
            ),
            ("/body/elements/0/button_area/buttons/1", Severity::Warning),
        ],
        "{}",
        show(&d)
    );
    assert!(!d.has_errors(), "{}", show(&d));
}

#[test]
fn components_documented_to_fall_back_on_old_clients() {
    let notice = json!({"tag": "fallback_text",
        "text": {"tag": "plain_text", "content": "update the app to fill this in"}});
    let d = validate_value(&card(
        json!([{"tag": "form", "name": "survey", "fallback": notice,
        "elements": [
            {"tag": "input", "name": "why", "fallback": "drop"},
            {"tag": "input", "name": "how", "fallback": notice},
            submit(),
        ]}]),
    ));
    assert!(d.is_empty(), "{}", show(&d));
    let d = validate_value(&card(
        json!([{"tag": "input", "fallback": {"tag": "note"}}]),
    ));
    assert!(d.has_errors(), "a fallback is `drop` or a `fallback_text`");
}

#[test]
fn card_level_leftovers_are_warnings() {
    let mut c = card(json!([{"tag": "markdown", "content": "x"}]));
    c["fallback"] = json!({});
    c["i18n_header"] = json!({"en_us": {"title": {"tag": "plain_text", "content": "Weekly"}}});
    let d = validate_value(&c);
    assert!(!d.has_errors(), "{}", show(&d));
    let found: Vec<(&str, &str)> = d.warnings().map(|x| (x.rule, x.pointer.as_str())).collect();
    assert_eq!(
        found,
        [
            ("legacy.property", "/fallback"),
            ("legacy.property", "/i18n_header")
        ],
        "{}",
        show(&d)
    );
    // What the translated header holds is checked as a header.
    c["i18n_header"]["en_us"]["colour"] = json!("red");
    assert!(validate_value(&c).has_errors());
}

#[test]
fn history_attributes_are_silent() {
    let d = validate_value(&card(json!([{"tag": "form", "name": "f", "elements": [
        {"tag": "button", "name": "go", "action_type": "form_submit",
         "text": {"tag": "plain_text", "content": "Go"}},
    ]}])));
    assert!(d.is_empty(), "{}", show(&d));
}

#[test]
fn a_checker_may_carry_its_own_value() {
    let d = validate_value(&card(json!([{"tag": "form", "name": "f", "elements": [
        {"tag": "checker", "name": "agree", "text": {"tag": "plain_text", "content": "I agree"},
         "value": {"choice": "agree"}},
        submit(),
    ]}])));
    assert!(d.is_empty(), "{}", show(&d));
}

#[test]
fn a_versioned_text_size_name_is_custom_when_defined() {
    let mut c = card(json!([
        {"tag": "markdown", "content": "x", "text_size": "normal_v2"},
        {"tag": "div", "text": {"tag": "plain_text", "content": "y", "text_size": "normal_v2"}},
    ]));
    let undefined = validate_value(&c);
    assert_eq!(
        undefined
            .warnings()
            .filter(|w| w.rule == "value.enum")
            .count(),
        2,
        "{}",
        show(&undefined)
    );
    c["config"] = json!({"style": {"text_size": {
        "normal_v2": {"default": "normal", "pc": "normal", "mobile": "heading"}}}});
    let d = validate_value(&c);
    assert!(d.is_empty(), "{}", show(&d));
}

#[test]
fn custom_colours_are_rgba_values() {
    let c = with(
        card(json!([])),
        "config",
        json!({"style": {"color": {"brand": {"light_mode": "#1456f0", "dark_mode": "rgba(76,136,255,1)"}}}}),
    );
    let d = validate_value(&c);
    let found: Vec<(&str, &str, Severity)> = d
        .iter()
        .map(|x| (x.rule, x.pointer.as_str(), x.severity))
        .collect();
    assert_eq!(
        found,
        [(
            "value.format",
            "/config/style/color/brand/light_mode",
            Severity::Warning
        )],
        "{}",
        show(&d)
    );
}
