//! What `card!` costs at run time, beside the same card written with `serde_json::json!`.
//!
//! Each measured iteration builds a card and serializes it to a `String`, the work a bot does
//! before every send: `card!` cards with `Card::to_json`, `json!` values with
//! `serde_json::to_string` (both give the same bytes). `data_display` uses the seed data-display card (a table, a rule and a
//! button); `static_card` uses the seed confirm card, which has no computed text, next to a
//! plain copy of its serialized bytes, the floor any builder of that card could reach, and to
//! the same card held in a `StaticCard`, serialized once and copied on every send.
//!
//! Run with `cargo bench --bench build`; see `benches/README.md` for the figures.

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};
use feishu_card::{card, Card, StaticCard};
use serde_json::{json, Value};

fn data_display_card() -> Card {
    card! {
        <card>
            <header template="blue">"待处理工单"</header>
            <table page_size=5 row_height="low">
                <column name="id" display_name="工单号" data_type="text" width="80px"/>
                <column name="title" display_name="标题" data_type="text"/>
                <column name="status" display_name="状态" data_type="options"/>
                <column name="assignee" display_name="负责人" data_type="persons"/>
                <row id="T001" title="登录异常"
                     status={json!([{"name": "处理中", "color": "orange"}])}
                     assignee={json!([{"id": "ou_xxx"}])}/>
            </table>
            <hr/>
            <column_set horizontal_align="right">
                <column width="auto">
                    <button type="primary_filled" open_url="https://your-app.com/tickets">"查看全部"</button>
                </column>
            </column_set>
        </card>
    }
}

fn data_display_json() -> Value {
    json!({
        "schema": "2.0",
        "header": {
            "title": {"tag": "plain_text", "content": "待处理工单"},
            "template": "blue"
        },
        "body": {"elements": [
            {
                "tag": "table",
                "page_size": 5,
                "row_height": "low",
                "columns": [
                    {"name": "id", "display_name": "工单号", "data_type": "text", "width": "80px"},
                    {"name": "title", "display_name": "标题", "data_type": "text"},
                    {"name": "status", "display_name": "状态", "data_type": "options"},
                    {"name": "assignee", "display_name": "负责人", "data_type": "persons"}
                ],
                "rows": [{
                    "id": "T001",
                    "title": "登录异常",
                    "status": [{"name": "处理中", "color": "orange"}],
                    "assignee": [{"id": "ou_xxx"}]
                }]
            },
            {"tag": "hr"},
            {
                "tag": "column_set",
                "horizontal_align": "right",
                "columns": [{
                    "tag": "column",
                    "width": "auto",
                    "elements": [{
                        "tag": "button",
                        "type": "primary_filled",
                        "text": {"tag": "plain_text", "content": "查看全部"},
                        "behaviors": [{"type": "open_url", "default_url": "https://your-app.com/tickets"}]
                    }]
                }]
            }
        ]}
    })
}

fn confirm_card() -> Card {
    card! {
        <card>
            <header template="orange">"确认操作"</header>
            <markdown>"确定要执行此操作吗?此操作**不可撤销**。"</markdown>
            <column_set horizontal_spacing="8px">
                <column width="auto">
                    <button type="primary_filled" callback={json!({"action": "confirm"})}>"确认"</button>
                </column>
                <column width="auto">
                    <button type="default" callback={json!({"action": "cancel"})}>"取消"</button>
                </column>
            </column_set>
        </card>
    }
}

/// The confirm card as a static card: built and serialized on first use, copied after that.
static CONFIRM: StaticCard = StaticCard::new(confirm_card);

fn confirm_json() -> Value {
    json!({
        "schema": "2.0",
        "header": {
            "title": {"tag": "plain_text", "content": "确认操作"},
            "template": "orange"
        },
        "body": {"elements": [
            {"tag": "markdown", "content": "确定要执行此操作吗?此操作**不可撤销**。"},
            {
                "tag": "column_set",
                "horizontal_spacing": "8px",
                "columns": [
                    {
                        "tag": "column",
                        "width": "auto",
                        "elements": [{
                            "tag": "button",
                            "type": "primary_filled",
                            "text": {"tag": "plain_text", "content": "确认"},
                            "behaviors": [{"type": "callback", "value": {"action": "confirm"}}]
                        }]
                    },
                    {
                        "tag": "column",
                        "width": "auto",
                        "elements": [{
                            "tag": "button",
                            "type": "default",
                            "text": {"tag": "plain_text", "content": "取消"},
                            "behaviors": [{"type": "callback", "value": {"action": "cancel"}}]
                        }]
                    }
                ]
            }
        ]}
    })
}

/// Serializes a `json!` value the way every measured iteration of its side does.
fn encode<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).expect("a card and a JSON value always serialize")
}

/// Both sides of a comparison must produce the same JSON, or the ratio means nothing; and the
/// card's own writer must give exactly serde_json's bytes.
fn assert_same_card(card: &Card, json: &Value) {
    let from_card: Value = serde_json::from_str(&card.to_json()).expect("card! output is JSON");
    assert_eq!(&from_card, json, "card! and json! versions differ");
    assert_eq!(
        card.to_json(),
        encode(card),
        "Card::to_json differs from serde_json::to_string"
    );
}

fn data_display(c: &mut Criterion) {
    assert_same_card(&data_display_card(), &data_display_json());
    let mut group = c.benchmark_group("data_display");
    group
        .measurement_time(Duration::from_secs(3))
        .warm_up_time(Duration::from_secs(1));
    group.bench_function("card_macro", |b| {
        b.iter(|| black_box(data_display_card()).to_json())
    });
    group.bench_function("json_macro", |b| {
        b.iter(|| encode(&black_box(data_display_json())))
    });
    group.finish();
}

fn static_card(c: &mut Criterion) {
    assert_same_card(&confirm_card(), &confirm_json());
    assert_eq!(
        CONFIRM.json(),
        confirm_card().to_json(),
        "the static card's JSON differs from card!'s"
    );
    let bytes = confirm_card().to_json();
    let mut group = c.benchmark_group("static_card");
    group
        .measurement_time(Duration::from_secs(3))
        .warm_up_time(Duration::from_secs(1));
    group.bench_function("card_macro", |b| {
        b.iter(|| black_box(confirm_card()).to_json())
    });
    group.bench_function("json_macro", |b| {
        b.iter(|| encode(&black_box(confirm_json())))
    });
    group.bench_function("memcpy", |b| {
        b.iter(|| String::from(black_box(bytes.as_str())))
    });
    group.bench_function("static_card", |b| b.iter(|| black_box(&CONFIRM).to_json()));
    group.finish();
}

criterion_group!(benches, data_display, static_card);
criterion_main!(benches);
