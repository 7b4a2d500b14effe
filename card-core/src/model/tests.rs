use std::borrow::Cow;
use std::str::FromStr;

use serde_json::{json, Value};

use super::*;

/// For every value of each closed enum: `as_str` → `FromStr` → the same value, `Display` and
/// serde use the same spelling.
macro_rules! check_closed_enums {
    ($($ty:ty),* $(,)?) => {$(
        assert!(!<$ty>::ALL.is_empty());
        assert_eq!(<$ty>::ALL.len(), <$ty>::NAMES.len());
        for value in <$ty>::ALL {
            let spelled = value.as_str();
            assert_eq!(<$ty>::from_str(spelled).as_ref(), Ok(value), "{spelled}");
            assert_eq!(value.to_string(), spelled);
            assert_eq!(serde_json::to_value(value).unwrap(), json!(spelled));
            assert_eq!(serde_json::from_value::<$ty>(json!(spelled)).unwrap(), *value);
        }
        let err = <$ty>::from_str("no-such-value").unwrap_err();
        assert_eq!(err.value(), "no-such-value");
        assert!(err.to_string().contains(<$ty>::NAMES[0]), "{err}");
        assert!(serde_json::from_value::<$ty>(json!("no-such-value")).is_err());
    )*};
}

#[test]
fn closed_enums_round_trip_every_value() {
    check_closed_enums!(
        Schema,
        Locale,
        Direction,
        HorizontalAlign,
        VerticalAlign,
        TextAlign,
        WidthMode,
        PrintStrategy,
        HeaderTemplate,
        TextTagColor,
        FlexMode,
        PanelHeaderWidth,
        IconPosition,
        PanelHeaderPosition,
        ImgScaleType,
        ImgMode,
        CombinationMode,
        PersonSize,
        PersonStyle,
        ChartAspectRatio,
        ColorTheme,
        TableHeaderBackground,
        TableDataType,
        TimeDisplay,
        TimePosition,
        AudioStyle,
        InputType,
        LabelPosition,
        ButtonType,
        ButtonSize,
        FormActionType,
        ActionType,
        SelectType,
        SelectImgLayout,
        SelectImgAspectRatio,
        PcDisplayRule,
    );
}

#[test]
fn open_enums_keep_custom_names() {
    for value in Color::NAMED {
        assert_eq!(Color::from_str(value.as_str()).as_ref(), Ok(value));
        assert!(value.is_named());
    }
    for value in TextSize::NAMED {
        assert_eq!(TextSize::from_str(value.as_str()).as_ref(), Ok(value));
    }
    assert_eq!(Color::NAMED.len(), 4 + 14 * 12 + 4);
    assert_eq!(Color::from("grey-1000"), Color::Grey1000);
    assert_eq!(Color::from("sunflower-350"), Color::Sunflower350);

    let custom = Color::from("border-color");
    assert!(matches!(
        &custom,
        Color::Custom(Cow::Borrowed("border-color"))
    ));
    assert_eq!(
        serde_json::to_value(&custom).unwrap(),
        json!("border-color")
    );
    assert_eq!(
        serde_json::from_value::<TextSize>(json!("normal_v2")).unwrap(),
        TextSize::Custom("normal_v2".into())
    );
    // An empty colour is sent by real cards; it is kept, not rejected.
    assert_eq!(
        serde_json::from_value::<Color>(json!("")).unwrap().as_str(),
        ""
    );
    // A documented spelling given as a custom name is the named value.
    assert_eq!(TextSize::custom(String::from("heading")), TextSize::Heading);
}

#[test]
fn measures_model_only_what_round_trips_exactly() {
    assert_eq!(Width::from("200px"), Width::Px(200));
    assert_eq!(Width::from("0px"), Width::Px(0));
    for kept in ["08px", "-4px", "4.5px", "px", " 8px", "8PX", ""] {
        assert_eq!(Width::from(kept), Width::Custom(kept.into()), "{kept}");
        assert_eq!(Width::from(kept).to_string(), kept);
    }
    assert_eq!(Length::from("5%"), Length::Percent(5));
    assert_eq!(Length::from("05%"), Length::Custom("05%".into()));
    assert_eq!(ImgSize::from("100px 80px"), ImgSize::Px(100, 80));
    assert_eq!(ImgSize::from("4:3"), ImgSize::Custom("4:3".into()));
    assert_eq!(IconSize::from("16px 16px").to_string(), "16px 16px");
    assert_eq!(Spacing::from("default"), Spacing::Default);
    assert_eq!(ColumnWidth::from("4px"), ColumnWidth::Px(4));
    assert_eq!(TableColumnWidth::from("20%"), TableColumnWidth::Percent(20));
    assert_eq!(RowHeight::from("auto"), RowHeight::Auto);
    assert_eq!(Height::from("300px"), Height::Px(300));
    assert_eq!(BoxWidth::from("auto"), BoxWidth::Auto);
    // The largest pixel count that fits is kept; one more is kept as text.
    assert_eq!(Width::from("4294967295px"), Width::Px(u32::MAX));
    assert_eq!(Width::from("4294967296px").to_string(), "4294967296px");

    let numbers: Vec<Number> = serde_json::from_value(json!([1, -180, 0.5, 1.0])).unwrap();
    assert_eq!(
        serde_json::to_value(&numbers).unwrap(),
        json!([1, -180, 0.5, 1.0]),
        "integers stay integers and fractions stay fractions"
    );
    assert_eq!(
        serde_json::to_value([CustomWidth::Pixels(300), CustomWidth::Text("300px".into())])
            .unwrap(),
        json!([300, "300px"])
    );
}

#[test]
fn fields_are_the_json_keys() {
    assert!(Button::FIELDS.contains(&"type"));
    assert!(!Button::FIELDS.iter().any(|f| f.starts_with("r#")));
    assert_eq!(PlainText::FIELDS[0], "tag");
    assert_eq!(
        Card::FIELDS,
        &[
            "schema",
            "config",
            "card_link",
            "header",
            "body",
            "fallback",
            "i18n_header"
        ]
    );
    assert_eq!(<Button as Tagged>::TAG, "button");
    assert_eq!(<Form as Tagged>::TAG, "form");
    assert_eq!(Element::TAGS.len(), 24);
    assert_eq!(BodyElement::tags().count(), 26);
}

#[test]
fn a_hand_built_card_serializes_to_feishu_json() {
    let card = Card::new()
        .config(Config::new().update_multi(true).width_mode(WidthMode::Fill))
        .header(
            Header::new(LarkMd::new("**Release** v2"))
                .subtitle("api")
                .template(HeaderTemplate::Blue)
                .text_tag(TextTag::new("new").color(TextTagColor::Green))
                .icon(Icon::standard("chat_outlined")),
        )
        .element(Div::new(
            PlainText::new("note").text_color(Color::Grey).lines(2),
        ))
        .element(
            Form::new("f")
                .element(Input::new("reason").placeholder("why?").width(Width::Fill))
                .element(
                    MultiSelectStatic::new("tags")
                        .option(SelectOption::new("A", "a"))
                        .selected_values(vec![Cow::Borrowed("a")]),
                )
                .element(
                    Button::new("Send")
                        .r#type(ButtonType::PrimaryFilled)
                        .name("send")
                        .form_action_type(FormActionType::Submit)
                        .confirm(Confirm::new("Sure?", "It cannot be undone.")),
                ),
        )
        .element(
            Table::new()
                .column(
                    TableColumn::new("n", TableDataType::Number).width(TableColumnWidth::Px(80)),
                )
                .row(json!({"n": 1}).as_object().cloned().unwrap_or_default())
                .page_size(5),
        )
        .element(
            CollapsiblePanel::new(MarkdownText::new("**more**"))
                .border(Border::default().corner_radius(Length::Px(5)))
                .element(Hr::new().margin("4px 0")),
        );

    assert_eq!(
        card.to_value(),
        json!({
            "schema": "2.0",
            "config": {"update_multi": true, "width_mode": "fill"},
            "header": {
                "title": {"tag": "lark_md", "content": "**Release** v2"},
                "subtitle": {"tag": "plain_text", "content": "api"},
                "template": "blue",
                "text_tag_list": [{"tag": "text_tag", "text": {"tag": "plain_text", "content": "new"}, "color": "green"}],
                "icon": {"tag": "standard_icon", "token": "chat_outlined"}
            },
            "body": {"elements": [
                {"tag": "div", "text": {"tag": "plain_text", "content": "note", "text_color": "grey", "lines": 2}},
                {"tag": "form", "name": "f", "elements": [
                    {"tag": "input", "name": "reason", "placeholder": {"tag": "plain_text", "content": "why?"}, "width": "fill"},
                    {"tag": "multi_select_static", "name": "tags",
                     "selected_values": ["a"],
                     "options": [{"text": {"tag": "plain_text", "content": "A"}, "value": "a"}]},
                    {"tag": "button", "type": "primary_filled",
                     "text": {"tag": "plain_text", "content": "Send"},
                     "confirm": {"title": {"tag": "plain_text", "content": "Sure?"},
                                 "text": {"tag": "plain_text", "content": "It cannot be undone."}},
                     "name": "send", "form_action_type": "submit"}
                ]},
                {"tag": "table", "columns": [{"name": "n", "width": "80px", "data_type": "number"}],
                 "rows": [{"n": 1}], "page_size": 5},
                {"tag": "collapsible_panel",
                 "header": {"title": {"tag": "markdown", "content": "**more**"}},
                 "border": {"corner_radius": "5px"},
                 "elements": [{"tag": "hr", "margin": "4px 0"}]}
            ]}
        })
    );
    assert_eq!(Card::from_value(&card.to_value()).unwrap(), card);
}

#[test]
fn static_text_is_borrowed() {
    let button = Button::new("OK");
    assert!(matches!(
        button.text.and_then(|t| t.content),
        Some(Cow::Borrowed("OK"))
    ));
    assert!(matches!(Markdown::new("x").content, Cow::Borrowed("x")));
}

#[test]
fn omitted_tags_and_empty_objects_are_written_back_as_read() {
    let input = json!({"schema": "2.0", "body": {"elements": [
        {"tag": "button", "disabled_tips": {}, "confirm": {}},
        {"tag": "div", "text": {"content": "no tag"}}
    ]}});
    let card = Card::from_value(&input).unwrap();
    assert_eq!(card.to_value(), input);
}

#[test]
fn checker_buttons_keep_their_tag() {
    let input = json!({"schema": "2.0", "body": {"elements": [
        {"tag": "checker", "button_area": {"buttons": [{"tag": "button", "type": "text"}]}}
    ]}});
    let card = Card::from_value(&input).unwrap();
    assert_eq!(card.to_value(), input);

    let wrong = json!({"schema": "2.0", "body": {"elements": [
        {"tag": "checker", "button_area": {"buttons": [{"tag": "hr"}]}}
    ]}});
    let problem = first_problem(&wrong);
    assert_eq!(problem.pointer, "/body/elements/0/button_area/buttons/0");
    assert!(
        problem.message.contains("only `button`"),
        "{}",
        problem.message
    );
}

/// The diagnostic made from the typed read alone (without the validator's), and a check that
/// the full parse rejects the card too.
fn first_problem(card: &Value) -> crate::Diagnostic {
    assert!(
        matches!(Card::from_value(card), Err(ParseError::Invalid(p)) if p.has_errors()),
        "expected problems"
    );
    match card {
        Value::Object(_) => match parse::typed(card) {
            Err(problem) => problem,
            Ok(parsed) => panic!("the typed read accepted {parsed:?}"),
        },
        _ => match Card::from_value(card) {
            Err(ParseError::Invalid(problems)) => problems.into_vec().remove(0),
            other => panic!("expected problems, got {other:?}"),
        },
    }
}

/// The first error strict validation finds in `card`.
fn first_strict_error(card: &Value) -> crate::Diagnostic {
    crate::validate::validate_value(card)
        .into_vec()
        .into_iter()
        .find(|d| d.severity == crate::Severity::Error)
        .expect("strict validation finds an error")
}

#[test]
fn unknown_properties_are_kept_and_placed_by_the_validator() {
    let card = json!({"schema": "2.0", "body": {"elements": [
        {"tag": "markdown", "content": "ok"},
        {"tag": "column_set", "columns": [{"tag": "column", "elements": [
            {"tag": "button", "text": {"tag": "plain_text", "content": "x", "colour": "red"}}
        ]}]}
    ]}});
    let parsed = Card::from_value(&card).expect("an unknown property is kept, not refused");
    assert_eq!(parsed.to_value(), card);
    let p = first_strict_error(&card);
    assert_eq!(p.rule, "structure.unknown-property");
    assert_eq!(
        p.path,
        "ROOT -> body -> elements -> [1](tag: column_set) -> columns -> [0](tag: column) -> elements -> [0](tag: button) -> text -> colour"
    );
    assert_eq!(
        p.pointer,
        "/body/elements/1/columns/0/elements/0/text/colour"
    );
    assert!(p.message.contains("`colour`"), "{}", p.message);
}

#[test]
fn problems_are_placed_deep_inside_components() {
    let wrong_type = json!({"schema": "2.0", "body": {"elements": [
        {"tag": "form", "name": "f", "elements": [{"tag": "input", "max_length": "ten"}]}
    ]}});
    let p = first_problem(&wrong_type);
    assert_eq!(p.rule, "structure.wrong-type");
    assert_eq!(p.pointer, "/body/elements/0/elements/0/max_length");

    let bad_enum = json!({"schema": "2.0", "body": {"elements": [
        {"tag": "button", "type": "primary_outline"}
    ]}});
    let p = first_problem(&bad_enum);
    assert_eq!(p.rule, "structure.wrong-type");
    assert_eq!(p.pointer, "/body/elements/0/type");
    assert!(
        p.message.contains("unknown button type `primary_outline`"),
        "{}",
        p.message
    );

    let missing = json!({"schema": "2.0", "body": {"elements": [{"tag": "img"}]}});
    let p = first_problem(&missing);
    assert_eq!(p.rule, "structure.missing-property");
    assert_eq!(p.path, "ROOT -> body -> elements -> [0](tag: img)");
    assert!(p.message.contains("`img_key`"), "{}", p.message);

    let behavior = json!({"schema": "2.0", "body": {"elements": [
        {"tag": "button", "behaviors": [{"type": "open_url", "url": "https://example.com"}]}
    ]}});
    // `url` is kept as a property this version does not know; `default_url` is missing.
    let p = first_problem(&behavior);
    assert_eq!(p.rule, "structure.missing-property");
    assert_eq!(p.pointer, "/body/elements/0/behaviors/0");
    assert!(p.message.contains("`default_url`"), "{}", p.message);
    let p = first_strict_error(&behavior);
    assert_eq!(p.pointer, "/body/elements/0/behaviors/0/url");
}

#[test]
fn misplaced_and_unknown_tags_are_named() {
    let unknown = json!({"schema": "2.0", "body": {"elements": [{"tag": "video", "src": "v"}]}});
    let parsed = Card::from_value(&unknown).expect("an unknown component is kept, not refused");
    assert_eq!(parsed.to_value(), unknown);
    let p = first_strict_error(&unknown);
    assert_eq!(p.rule, "structure.unknown-tag");
    assert_eq!(p.pointer, "/body/elements/0");

    let cases = [
        (
            json!({"tag": "action", "actions": []}),
            "legacy.removed-component",
        ),
        (
            json!({"tag": "standard_icon"}),
            "structure.sub-element-as-component",
        ),
        (json!({"content": "no tag"}), "structure.missing-property"),
    ];
    for (element, rule) in cases {
        let card = json!({"schema": "2.0", "body": {"elements": [element]}});
        let p = first_problem(&card);
        assert_eq!(p.rule, rule, "{}", p.message);
        assert_eq!(p.pointer, "/body/elements/0");
    }
    let table_in_column = json!({"schema": "2.0", "body": {"elements": [
        {"tag": "column_set", "columns": [{"tag": "column", "elements": [{"tag": "table", "columns": [], "rows": []}]}]}
    ]}});
    let p = first_problem(&table_in_column);
    assert_eq!(p.rule, "nesting.table-not-at-root");
    assert_eq!(p.pointer, "/body/elements/0/columns/0/elements/0");
}

#[test]
fn version_and_syntax_errors() {
    assert!(matches!(
        Card::from_json(r#"{"header": {}, "elements": []}"#),
        Err(ParseError::Version1 {
            found: "top-level `elements`"
        })
    ));
    let v1 = Card::from_json(r#"{"i18n_elements": {}}"#).unwrap_err();
    assert!(v1.to_string().contains("JSON 1.0"), "{v1}");
    assert_eq!(
        v1.diagnostics().iter().next().unwrap().rule,
        "schema.version-1"
    );

    let p = first_problem(&json!({"body": {"elements": []}}));
    assert_eq!(p.rule, "schema.version");
    let p = first_problem(&json!({"schema": "1.0", "body": {}}));
    assert_eq!(p.rule, "schema.version");
    assert_eq!(p.pointer, "/schema");
    let extra = json!({"schema": "2.0", "extra": 1});
    let parsed = Card::from_value(&extra).expect("an unknown property is kept, not refused");
    assert_eq!(parsed.unknown.get("extra"), Some(&json!(1)));
    let p = first_strict_error(&extra);
    assert_eq!(p.rule, "structure.unknown-property");
    assert_eq!(p.pointer, "/extra");
    let p = first_problem(&json!([1, 2]));
    assert_eq!(p.rule, "structure.wrong-type");

    let syntax = Card::from_json("{\n  \"schema\": \"2.0\",\n  oops\n}").unwrap_err();
    assert_eq!(syntax.line_column(), Some((3, 3)));
    assert_eq!(
        syntax.diagnostics().iter().next().unwrap().rule,
        "json.syntax"
    );
}

#[test]
fn legacy_fields_are_kept() {
    let input = json!({"schema": "2.0",
        "config": {"wide_screen_mode": true, "compact_width": false,
                   "streaming_config": {"print_step": {"default": 1.5, "pc": 2}}},
        "fallback": {"trigger_conditions": [{"min_client_version": "7.1"}]},
        "body": {"elements": [
        {"tag": "div", "text": {"tag": "lark_md", "content": "x"}, "extra": {"tag": "button", "text": {"tag": "plain_text", "content": "go"}}},
        {"tag": "markdown", "content": "[x]($urlVal)", "href": {"urlVal": {"url": "https://a", "pc_url": "https://b"}}},
        {"tag": "form", "name": "f", "elements": [
            {"tag": "checker", "name": "c", "required": true},
            {"tag": "button", "behaviors": [{"type": "form_action", "behavior": "submit"}]}
        ]},
        {"tag": "img", "img_key": "k", "custom_width": "300px", "mode": "large", "compact_width": false},
        {"tag": "button", "action_type": "form_submit", "value": {"k": 1}, "url": "https://a", "multi_url": {"url": "https://b"}},
        {"tag": "div", "fields": [{"is_short": true, "text": {"tag": "lark_md", "content": "x"}}]},
        {"tag": "audio", "file_key": "f", "fallback": "drop"},
        {"tag": "audio", "file_key": "f", "fallback": {"tag": "fallback_text", "text": {"tag": "plain_text", "content": "old", "i18n": {"en_us": "old"}}}},
        {"tag": "person_list", "persons": [], "ud_icon": {"token": "t", "style": {"color": "red"}}},
        {"tag": "column_set", "horizontal_spacing": "default", "columns": []}
    ]}});
    let card = Card::from_value(&input).unwrap();
    assert_eq!(card.to_value(), input);
}

#[test]
fn legacy_extra_and_href_read_what_the_validator_tolerates() {
    let errors = |card: &Value| -> Vec<(&'static str, String)> {
        crate::validate::validate_value(card)
            .iter()
            .filter(|d| d.severity == crate::Severity::Error)
            .map(|d| (d.rule, d.pointer.clone()))
            .collect()
    };
    let card = |element: Value| json!({"schema": "2.0", "body": {"elements": [element]}});

    // `div.extra` is any JSON to the validator (a warning only), and the model keeps it as written.
    for extra in [json!({"k": "v"}), json!("text"), json!({"tag": "hr"})] {
        let input = card(json!({"tag": "div", "extra": extra}));
        assert_eq!(errors(&input), vec![], "{input}");
        assert_eq!(Card::from_value(&input).unwrap().to_value(), input);
    }

    // `markdown.href` maps names to per-platform links, for the validator as for the model.
    let good = card(json!({"tag": "markdown", "content": "[x]($a)",
                           "href": {"a": {"url": "https://a", "ios_url": "https://i"}}}));
    assert_eq!(errors(&good), vec![]);
    assert_eq!(Card::from_value(&good).unwrap().to_value(), good);
    let bad = card(json!({"tag": "markdown", "content": "[x]($a)", "href": {"a": "https://a"}}));
    assert_eq!(
        errors(&bad),
        vec![("structure.wrong-type", "/body/elements/0/href/a".to_owned())]
    );
    assert!(Card::from_value(&bad).is_err());
}

#[test]
fn behaviour_types_are_the_spellings_serde_and_the_writer_use() {
    for (behavior, ty) in [
        (Behavior::open_url("https://example.com"), OpenUrl::TYPE),
        (Behavior::callback(json!({"a": 1})), Callback::TYPE),
        (
            Behavior::FormAction(FormAction::default()),
            FormAction::TYPE,
        ),
    ] {
        assert_eq!(serde_json::to_value(&behavior).unwrap()["type"], json!(ty));
        let mut written = String::new();
        json::WriteJson::write_json(&behavior, &mut written).unwrap();
        assert_eq!(
            serde_json::from_str::<Value>(&written).unwrap()["type"],
            json!(ty)
        );
        assert_eq!(
            serde_json::from_str::<Behavior>(&written).unwrap(),
            behavior
        );
    }
}
