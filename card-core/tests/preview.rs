//! The HTML preview: every seed template and component and every valid corpus card renders,
//! shows each of its visible texts, and stays inert whatever text a card carries.

mod preview_support;

use card_core::model::*;
use card_core::preview::{self, Options};
use preview_support::{corpus, expected_texts, missing_texts, seed_cards, visible_text};
use serde_json::{json, Value};

fn check_card(name: &str, value: &Value) -> String {
    let card =
        Card::from_value(value).unwrap_or_else(|e| panic!("{name}: the card does not parse: {e}"));
    let html = preview::render(&card);
    assert!(
        html.starts_with("<!DOCTYPE html>"),
        "{name}: not a document"
    );
    let expected = expected_texts(value);
    let missing = missing_texts(&expected, &visible_text(&html));
    assert!(
        missing.is_empty(),
        "{name}: texts missing from the preview: {missing:?}"
    );
    html
}

#[test]
fn every_seed_template_and_component_renders_with_its_texts() {
    let seeds = seed_cards();
    assert!(
        seeds.len() >= 29,
        "expected the 3 templates and 26 components, found {}",
        seeds.len()
    );
    for (name, value) in &seeds {
        let html = check_card(name, value);
        if let Some(tag) = name.strip_prefix("component-") {
            let class = format!("fc-el fc-{tag}");
            let person = tag == "person" && html.contains("fc-person-el");
            assert!(
                html.contains(&class) || person,
                "{name}: no `{class}` element in the preview"
            );
        }
    }
}

#[test]
fn every_valid_corpus_card_renders_with_its_texts() {
    let tsv = std::fs::read_to_string(corpus().join("cards.tsv")).expect("corpus/cards.tsv");
    let mut rendered = 0;
    for line in tsv.lines().skip(1) {
        let mut fields = line.split('\t');
        let (Some(file), Some(expected)) = (fields.next(), fields.next()) else {
            continue;
        };
        if !file.starts_with("v2/") || !expected.starts_with("valid") {
            continue;
        }
        let text = std::fs::read_to_string(corpus().join(file)).expect("a corpus card");
        let value: Value = serde_json::from_str(&text).expect("corpus JSON");
        check_card(file, &value);
        rendered += 1;
    }
    assert!(rendered >= 80, "only {rendered} valid v2 cards were found");
}

#[test]
fn every_component_tag_has_its_own_rendering() {
    let html = preview::render(&everything_card());
    for tag in BodyElement::tags() {
        let class = if tag == "person" {
            "fc-el fc-person-el".to_owned()
        } else {
            format!("fc-el fc-{tag}")
        };
        assert!(html.contains(&class), "no rendering of `{tag}`");
    }
}

/// A card with one of every component, each with a text to find.
fn everything_card() -> Card {
    let form = Form::new("f")
        .element(Input::new("reason").placeholder("Why?").label("Reason"))
        .element(
            MultiSelectStatic::new("tags")
                .option(SelectOption::new("Tag A", "a"))
                .option(SelectOption::new("Tag B", "b"))
                .selected_values(vec!["b".into()]),
        )
        .element(MultiSelectPerson::new("people").placeholder("Pick people"))
        .element(
            Button::new("Send")
                .r#type(ButtonType::PrimaryFilled)
                .name("send")
                .form_action_type(FormActionType::Submit),
        );
    let table = Table::new()
        .column(TableColumn::new("id", TableDataType::Text).display_name("Ticket"))
        .column(
            TableColumn::new("amount", TableDataType::Number).format(NumberFormat {
                precision: Some(2),
                symbol: Some("$".into()),
                separator: Some(true),
                ..Default::default()
            }),
        )
        .column(TableColumn::new("state", TableDataType::Options))
        .column(TableColumn::new("owner", TableDataType::Persons))
        .column(TableColumn::new("due", TableDataType::Date))
        .row(
            json!({"id": "T-1", "amount": 1234.5, "state": [{"text": "Open", "color": "green"}],
                   "owner": [{"id": "ou_abc"}], "due": 1_711_929_600_000_i64})
            .as_object()
            .cloned()
            .unwrap_or_default(),
        );
    Card::new()
        .header(
            Header::new("Everything")
                .subtitle("all components")
                .template(HeaderTemplate::Violet)
                .text_tag(TextTag::new("NEW").color(TextTagColor::Green)),
        )
        .element(
            ColumnSet::new()
                .column(
                    Column::new()
                        .width(ColumnWidth::Weighted)
                        .weight(2)
                        .element(Div::new(PlainText::new("In a column"))),
                )
                .column(Column::new().width(ColumnWidth::Px(120)).element(Hr::new())),
        )
        .element(
            InteractiveContainer::new()
                .element(Markdown::new("Clickable **area**"))
                .callback(json!({"k": "v"})),
        )
        .element(CollapsiblePanel::new("More").element(Markdown::new("hidden body")))
        .element(Img::new("img_v3_1").title("A picture"))
        .element(
            ImgCombination::new(CombinationMode::Bisect)
                .image("img_a")
                .image("img_b"),
        )
        .element(Person::new("ou_person").show_name(true))
        .element(PersonList::new(["ou_a", "ou_b"]))
        .element(Chart::new(
            json!({"type": "line", "title": {"text": "Sales"}}),
        ))
        .element(Audio::new("file_v3_1"))
        .element(
            Overflow::new()
                .option(OverflowOption::new("Edit", "edit"))
                .option(OverflowOption::new("Delete", "delete")),
        )
        .element(
            SelectStatic::new("prio")
                .option(SelectOption::new("High", "high"))
                .option(SelectOption::new("Low", "low"))
                .initial_option("low"),
        )
        .element(SelectPerson::new("owner").placeholder("Owner"))
        .element(DatePicker::new("day").initial_date("2025-01-02"))
        .element(PickerTime::new("time").placeholder("Time"))
        .element(PickerDatetime::new("when").initial_datetime("2025-01-02 09:30"))
        .element(
            SelectImg::new()
                .option(SelectImgOption::new("img_1", "first"))
                .option(SelectImgOption::new("img_2", "second")),
        )
        .element(Checker::new("Done").checked(true))
        .element(form)
        .element(table)
}

#[test]
fn components_show_their_content() {
    let html = preview::render(&everything_card());
    let text = visible_text(&html);
    for expected in [
        "Everything",
        "all components",
        "NEW",
        "In a column",
        "Clickable",
        "area",
        "More",
        "hidden body",
        "A picture",
        "Sales",
        "Edit",
        "Delete",
        "High",
        "Low",
        "Owner",
        "2025-01-02",
        "Time",
        "2025-01-02 09:30",
        "first",
        "Done",
        "Reason",
        "Why?",
        "Tag A",
        "Tag B",
        "Pick people",
        "Send",
        "Ticket",
        "amount",
        "T-1",
        "$1,234.50",
        "Open",
        "@ou_abc",
        "2024-04-01 08:00",
        "@ou_person",
    ] {
        assert!(text.contains(expected), "`{expected}` not shown");
    }
    // Layout and state reach the page.
    assert!(html.contains("flex:2 1 0"), "weighted column");
    assert!(html.contains("flex:0 0 120px"), "fixed column");
    assert!(
        html.contains("<details class=\"fc-panel\">"),
        "folded panel"
    );
    assert!(html.contains("fc-box fc-checked"), "ticked checker");
    assert!(html.contains("fc-btn-primary_filled"), "button type");
    assert!(html.contains("fc-template-violet"), "header template");
}

#[test]
fn button_types_sizes_and_text_styles_are_drawn() {
    let mut card = Card::new();
    for kind in ButtonType::ALL {
        card = card.element(
            Button::new(kind.as_str())
                .r#type(*kind)
                .size(ButtonSize::Small),
        );
    }
    card = card.element(Div::new(
        PlainText::new("big red")
            .text_size(TextSize::Heading1)
            .text_color(Color::Red)
            .text_align(TextAlign::Center),
    ));
    let html = preview::render(&card);
    for kind in ButtonType::NAMES {
        assert!(
            html.contains(&format!("fc-btn fc-btn-{kind} fc-btn-small")),
            "{kind}"
        );
    }
    assert!(html.contains("font-size:24px"));
    assert!(html.contains("color:#f54a45"));
    assert!(html.contains("text-align:center"));
}

#[test]
fn options_choose_title_language_and_width() {
    let mut title = PlainText::new("默认标题");
    title.i18n_content = Some(
        [
            (Locale::ZhCn, "中文标题".into()),
            (Locale::EnUs, "English title".into()),
        ]
        .into_iter()
        .collect(),
    );
    let card = Card::new().header(Header::new(title));
    let english = preview::render_with(&card, &Options::new().locale(Locale::EnUs));
    assert!(english.contains("English title"));
    assert!(!english.contains("中文标题"));
    assert!(english.contains("<html lang=\"en\">"));
    let default = preview::render(&card);
    assert!(default.contains("<title>默认标题</title>"));
    assert!(default.contains("width:600px"));
    let compact = preview::render_with(
        &card,
        &Options::new().width(WidthMode::Compact).title("a < b"),
    );
    assert!(compact.contains("width:400px"));
    assert!(compact.contains("<title>a &lt; b</title>"));
    let fill = preview::render_with(&card, &Options::new().width(WidthMode::Fill));
    assert!(fill.contains("fc-width-fill"));
    let fragment = preview::render_fragment(&card, &Options::new());
    assert!(fragment.starts_with("<div class=\"fc-card"));
    assert!(!fragment.contains("<style>"));
}

#[test]
fn the_cards_own_width_mode_is_used() {
    let card = Card::new()
        .config(Config::new().width_mode(WidthMode::Compact))
        .element(Markdown::new("x"));
    assert!(preview::render(&card).contains("width:400px"));
}

#[test]
fn the_page_needs_nothing_from_outside() {
    let html = preview::render(&everything_card());
    for forbidden in ["<script", "<link", "src=", "@import", "url("] {
        assert!(!html.contains(forbidden), "the page contains `{forbidden}`");
    }
}

/// The only attributes a preview writes.
const SAFE_ATTRIBUTES: &[&str] = &[
    "class",
    "style",
    "title",
    "href",
    "data-value",
    "open",
    "type",
    "disabled",
    "start",
    // The inline SVG pictograms.
    "viewbox",
    "width",
    "height",
    "fill",
    "stroke",
    "stroke-width",
    "stroke-linecap",
    "aria-hidden",
    "x",
    "y",
    "rx",
    "cx",
    "cy",
    "r",
    "d",
];

const HOSTILE: &str = "<script>alert(1)</script><img src=x onerror=alert(1)>\"'><b>&";

#[test]
fn hostile_text_is_escaped_everywhere() {
    let hostile_value = json!({
        "schema": "2.0",
        "config": {"style": {"color": {"evil": {"light_mode": "red;}body{background:url(https://evil.example)", "dark_mode": "x"}}}},
        "card_link": {"url": "javascript:alert(1)"},
        "header": {
            "title": {"tag": "plain_text", "content": HOSTILE},
            "subtitle": {"tag": "lark_md", "content": HOSTILE},
            "text_tag_list": [{"tag": "text_tag", "text": {"tag": "plain_text", "content": HOSTILE}}],
            "padding": "1px;background:url(https://evil.example)"
        },
        "body": {"elements": [
            {"tag": "markdown", "content": format!("{HOSTILE} [x](javascript:alert(1)) <a href='javascript:alert(1)'>y</a> <font color='red;background:url(https://evil.example)'>z</font> <text_tag color='\"><script>'>t</text_tag>")},
            {"tag": "div", "text": {"tag": "plain_text", "content": HOSTILE, "text_color": "evil"}, "margin": "0;background:url(https://evil.example)"},
            {"tag": "button", "text": {"tag": "plain_text", "content": HOSTILE}, "hover_tips": {"tag": "plain_text", "content": HOSTILE}},
            {"tag": "img", "img_key": "x\" onmouseover=\"alert(1)", "alt": {"tag": "plain_text", "content": HOSTILE}},
            {"tag": "select_static", "placeholder": {"tag": "plain_text", "content": HOSTILE},
             "options": [{"text": {"tag": "plain_text", "content": HOSTILE}, "value": "v\"><script>"}]},
            {"tag": "column_set", "columns": [{"tag": "column", "width": "1px;x:y", "elements": [
                {"tag": "markdown", "content": "in column"}
            ]}]},
            {"tag": "table", "columns": [{"name": "n", "display_name": HOSTILE, "data_type": "lark_md"}],
             "rows": [{"n": HOSTILE}]},
            {"tag": "chart", "chart_spec": {"type": HOSTILE, "title": {"text": HOSTILE}}}
        ]}
    });
    let card = Card::from_value(&hostile_value).expect("the hostile card parses");
    let html = preview::render(&card);
    let body = &html[html.find("<body").expect("a body")..];
    for (tag, attrs) in preview_support::tags(body) {
        for attr in attrs {
            assert!(
                SAFE_ATTRIBUTES.contains(&attr.as_str()),
                "`{attr}` attribute on <{tag}>"
            );
        }
    }
    for forbidden in [
        "<script",
        "<img",
        "<b>",
        "javascript:",
        "evil.example",
        "x:y",
    ] {
        assert!(!body.contains(forbidden), "`{forbidden}` reached the page");
    }
    assert!(body.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(visible_text(&html).contains(HOSTILE));
}

#[test]
fn markdown_function_converts_the_feishu_dialect() {
    let html = preview::markdown("# T\n**b** <font color='green'>g</font>\n- item");
    assert!(html.contains("<h1 class=\"fc-h\">T</h1>"));
    assert!(html.contains("<strong>b</strong>"));
    assert!(html.contains("<ul><li>item</li></ul>"));
    assert!(html.contains("color:#34c724"));
}

#[test]
fn large_tables_show_one_page_and_a_pager() {
    let mut table = Table::new()
        .column(TableColumn::new("n", TableDataType::Number))
        .page_size(3);
    for n in 0..10 {
        table = table.row(json!({"n": n}).as_object().cloned().unwrap_or_default());
    }
    let html = preview::render(&Card::new().element(table));
    assert_eq!(
        html.matches("<tr>").count(),
        4,
        "a header row and three rows"
    );
    assert!(html.contains("1 / 4"));
}

#[test]
fn a_1_0_div_extra_is_drawn_when_it_is_a_component() {
    let div = |extra: Value| {
        json!({"schema": "2.0", "body": {"elements": [
            {"tag": "div", "text": {"tag": "plain_text", "content": "Build"}, "extra": extra}
        ]}})
    };
    let html = check_card(
        "div with a button extra",
        &div(json!({"tag": "button", "text": {"tag": "plain_text", "content": "Open log"}})),
    );
    assert!(html.contains("class=\"fc-extra\""), "{html}");
    assert!(visible_text(&html).contains("Open log"));
    let html = check_card("div with a free-form extra", &div(json!({"k": "v"})));
    assert!(!html.contains("class=\"fc-extra\""), "{html}");
}
