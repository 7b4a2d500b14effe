//! The dynamic parts of the markup: expressions, computed text, control flow and splices.

use feishu_card::model::{Element, Fallback, Hr, Locale, Markdown, TextSize};
use feishu_card::{card, Card};
use serde_json::{json, Value};

fn elements(card: &Card) -> Value {
    card.to_value()["body"]["elements"].clone()
}

#[test]
fn expressions_fill_attributes_and_text() {
    let size = TextSize::Heading;
    let title = format!("{} open incidents", 3);
    let card = card! {
        <card>
            <markdown text_size={size} element_id="count">{title.clone()}</markdown>
            <button disabled>{title}</button>
        </card>
    };
    assert_eq!(
        elements(&card),
        json!([
            {"tag": "markdown", "text_size": "heading", "element_id": "count", "content": "3 open incidents"},
            {"tag": "button", "disabled": true, "text": {"tag": "plain_text", "content": "3 open incidents"}}
        ])
    );
}

#[test]
fn control_flow_produces_children() {
    let items = ["a", "b"];
    let urgent = true;
    let level = 2;
    let card = card! {
        <card>
            @for item in items {
                <markdown>{item}</markdown>
            }
            @if urgent {
                <markdown>"urgent"</markdown>
            } else {
                <hr/>
            }
            @match level {
                1 => { <markdown>"one"</markdown> }
                _ => { <markdown>"many"</markdown> <hr/> }
            }
        </card>
    };
    assert_eq!(
        elements(&card),
        json!([
            {"tag": "markdown", "content": "a"},
            {"tag": "markdown", "content": "b"},
            {"tag": "markdown", "content": "urgent"},
            {"tag": "markdown", "content": "many"},
            {"tag": "hr"}
        ])
    );
}

#[test]
fn splices_take_components_options_and_iterators() {
    let one = Markdown::new("one");
    let maybe: Option<Hr> = None;
    let many: Vec<Element> = vec![Markdown::new("x").into(), Hr::new().into()];
    let card = card! {
        <card>
            {one}
            {maybe}
            <column_set>
                <column>{many}</column>
            </column_set>
        </card>
    };
    assert_eq!(
        elements(&card),
        json!([
            {"tag": "markdown", "content": "one"},
            {"tag": "column_set", "columns": [
                {"tag": "column", "elements": [{"tag": "markdown", "content": "x"}, {"tag": "hr"}]}
            ]}
        ])
    );
}

#[test]
fn a_card_built_by_the_macro_passes_the_validator() {
    let card = card! {
        <card>
            <config update_multi/>
            <header template="green">
                "Deploy finished"
                <text_tag color="green">"prod"</text_tag>
            </header>
            <div>"all checks passed"</div>
        </card>
    };
    let problems = feishu_card::validate(&card);
    assert!(problems.is_empty(), "{problems}");
    assert_eq!(
        card.to_value()["header"]["text_tag_list"][0]["text"]["content"],
        "prod"
    );
}

#[test]
fn translations_and_top_level_objects() {
    let card = card! {
        <card>
            <config update_multi streaming_mode=false width_mode="fill" locales={vec![Locale::ZhCn, Locale::EnUs]}/>
            <card_link url="https://example.com"/>
            <header template="indigo" subtitle="子标题" subtitle:en_us="Subtitle" title:en_us="Title" padding="12px">
                "标题"
                <standard_icon token="info_outlined" color="blue"/>
                <text_tag color="green" text:en_us="Done">"完成"</text_tag>
            </header>
            <body direction="vertical" padding="12px 8px" vertical_spacing="medium">
                <markdown i18n_content:en_us="Hello" element_id="greeting">"你好"</markdown>
                <button type="danger" text:en_us="Delete">
                    "删除"
                    <confirm title="确认删除?" text="删除后不可恢复"/>
                </button>
            </body>
        </card>
    };
    let v = card.to_value();
    assert_eq!(
        v["config"],
        json!({"update_multi": true, "streaming_mode": false, "width_mode": "fill", "locales": ["zh_cn", "en_us"]})
    );
    assert_eq!(v["card_link"], json!({"url": "https://example.com"}));
    assert_eq!(
        v["header"],
        json!({
            "template": "indigo",
            "subtitle": {"tag": "plain_text", "content": "子标题", "i18n_content": {"en_us": "Subtitle"}},
            "title": {"tag": "plain_text", "content": "标题", "i18n_content": {"en_us": "Title"}},
            "padding": "12px",
            "icon": {"tag": "standard_icon", "token": "info_outlined", "color": "blue"},
            "text_tag_list": [{"tag": "text_tag", "color": "green",
                "text": {"tag": "plain_text", "content": "完成", "i18n_content": {"en_us": "Done"}}}]
        })
    );
    assert_eq!(v["body"]["padding"], "12px 8px");
    assert_eq!(
        v["body"]["elements"][0],
        json!({"tag": "markdown", "content": "你好", "i18n_content": {"en_us": "Hello"}, "element_id": "greeting"})
    );
    assert_eq!(
        v["body"]["elements"][1]["confirm"],
        json!({"title": {"tag": "plain_text", "content": "确认删除?"}, "text": {"tag": "plain_text", "content": "删除后不可恢复"}})
    );
    assert!(
        feishu_card::validate(&card).is_empty(),
        "{}",
        feishu_card::validate(&card)
    );
}

#[test]
fn sub_elements_and_values_that_stand_in_corpus_cards() {
    let card = card! {
        <card>
            <config streaming_mode enable_forward=false>
                <streaming_config print_strategy="fast">
                    <print_frequency_ms default=50 pc=30/>
                    <print_step default=1.5/>
                </streaming_config>
            </config>
            <collapsible_panel expanded>
                <header>
                    <markdown text_color="grey" i18n_content:en_us="**Details**">"**详情**"</markdown>
                </header>
                <markdown>"inside"</markdown>
            </collapsible_panel>
            <checker name="task" callback={json!({"k": 1})}>
                "todo"
                <button_area pc_display_rule="on_hover">
                    <button type="text" callback={json!({"k": 2})}>"a"</button>
                    <button type="text" callback={json!({"k": 3})}>"b"</button>
                </button_area>
            </checker>
            <img img_key="img_v2_x" custom_width="300px"/>
            <img img_key="img_v2_y" custom_width=300/>
            <audio file_key="f" fallback="drop"/>
            <audio file_key="g" fallback={Fallback::text("旧版")}/>
        </card>
    };
    let v = card.to_value();
    assert_eq!(
        v["config"]["streaming_config"],
        json!({
            "print_strategy": "fast",
            "print_frequency_ms": {"default": 50, "pc": 30},
            "print_step": {"default": 1.5}
        })
    );
    assert_eq!(
        v["body"]["elements"][0]["header"],
        json!({"title": {"tag": "markdown", "content": "**详情**", "text_color": "grey",
            "i18n_content": {"en_us": "**Details**"}}})
    );
    assert_eq!(
        v["body"]["elements"][1]["button_area"],
        json!({"pc_display_rule": "on_hover", "buttons": [
            {"tag": "button", "type": "text", "text": {"tag": "plain_text", "content": "a"},
                "behaviors": [{"type": "callback", "value": {"k": 2}}]},
            {"tag": "button", "type": "text", "text": {"tag": "plain_text", "content": "b"},
                "behaviors": [{"type": "callback", "value": {"k": 3}}]}
        ]})
    );
    assert_eq!(v["body"]["elements"][2]["custom_width"], json!("300px"));
    assert_eq!(v["body"]["elements"][3]["custom_width"], json!(300));
    assert_eq!(v["body"]["elements"][4]["fallback"], json!("drop"));
    assert_eq!(
        v["body"]["elements"][5]["fallback"],
        json!({"tag": "fallback_text", "text": {"tag": "plain_text", "content": "旧版"}})
    );
}

/// A value Feishu tolerates but `card!` refuses as a literal (`feishu-card convert` writes it
/// this way) is given as an expression and sent as written; the validator warns about it.
#[test]
fn tolerated_values_are_written_as_expressions() {
    let card = feishu_card::card! {
        <card>
            <overflow width={String::from("")}>
                <option value="a">"a"</option>
            </overflow>
        </card>
    };
    assert_eq!(
        elements(&card),
        json!([{"tag": "overflow", "width": "",
                "options": [{"text": {"tag": "plain_text", "content": "a"}, "value": "a"}]}])
    );
    let diagnostics = feishu_card::validate_value(&card.to_value());
    assert!(!diagnostics.has_errors());
    assert!(diagnostics.contains_rule("value.enum"));
}

/// Entries of a component's lists (`<row>`, `<column>`, `<option>`, `<person>`, `<img>`,
/// `<text_tag>`) come from `@for`, `@if`, `@match` and `{iter}` as components do.
#[test]
fn control_flow_produces_list_entries() {
    let rows = [("T1", "open"), ("T2", "done")];
    let extra_column = true;
    let choices = ["a", "b"];
    let people = ["ou_1", "ou_2"];
    let images = ["img_1", "img_2"];
    let tags = ["new", "hot"];
    let level = 1;
    let card = card! {
        <card>
            <header title="Tickets">
                @for t in tags {
                    <text_tag text={t}/>
                }
            </header>
            <table>
                <column name="id" data_type="text"/>
                @if extra_column {
                    <column name="state" data_type="text"/>
                }
                @for (id, state) in rows {
                    <row id={id} state={state}/>
                }
            </table>
            <form name="f">
                <select_static name="pick">
                    @for c in choices {
                        <option value={c}>{c}</option>
                    }
                    @match level {
                        1 => { <option value="one">"One"</option> }
                        _ => {}
                    }
                </select_static>
                <multi_select_static name="picks">
                    @for c in choices {
                        <option value={c}>{c}</option>
                    }
                </multi_select_static>
                <button name="go" form_action_type="submit">"Go"</button>
            </form>
            <person_list>
                @for p in people {
                    <person id={p}/>
                }
            </person_list>
            <img_combination combination_mode="double">
                @for i in images {
                    <img img_key={i}/>
                }
            </img_combination>
        </card>
    };
    let option =
        |v: &str, t: &str| json!({"text": {"tag": "plain_text", "content": t}, "value": v});
    assert_eq!(
        card.to_value()["header"]["text_tag_list"],
        json!([
            {"tag": "text_tag", "text": {"tag": "plain_text", "content": "new"}},
            {"tag": "text_tag", "text": {"tag": "plain_text", "content": "hot"}}
        ])
    );
    let e = elements(&card);
    assert_eq!(
        e[0],
        json!({"tag": "table",
               "columns": [{"name": "id", "data_type": "text"}, {"name": "state", "data_type": "text"}],
               "rows": [{"id": "T1", "state": "open"}, {"id": "T2", "state": "done"}]})
    );
    assert_eq!(
        e[1]["elements"][0]["options"],
        json!([option("a", "a"), option("b", "b"), option("one", "One")])
    );
    assert_eq!(
        e[1]["elements"][1]["options"],
        json!([option("a", "a"), option("b", "b")])
    );
    assert_eq!(e[2]["persons"], json!([{"id": "ou_1"}, {"id": "ou_2"}]));
    assert_eq!(
        e[3]["img_list"],
        json!([{"img_key": "img_1"}, {"img_key": "img_2"}])
    );
    assert!(!feishu_card::validate_value(&card.to_value()).has_errors());

    let options = vec![
        feishu_card::model::SelectOption::new("High", "high"),
        feishu_card::model::SelectOption::new("Low", "low"),
    ];
    let card = card! {
        <card>
            <select_static>
                <option value="none">"None"</option>
                {options}
            </select_static>
        </card>
    };
    assert_eq!(
        elements(&card)[0]["options"],
        json!([
            option("none", "None"),
            option("high", "High"),
            option("low", "Low")
        ])
    );
}
