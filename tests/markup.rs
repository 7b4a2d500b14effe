//! The dynamic parts of the markup: expressions, computed text, control flow and splices.

use feishu_card::model::{Element, Hr, Markdown, TextSize};
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
