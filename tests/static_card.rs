//! A `static` card written with `card!` serializes to the seed JSON, once.

use feishu_card::{card, Card, StaticCard};
use serde_json::{json, Value};

/// The seed confirm card: the closure captures nothing, so it is a `fn() -> Card`, and the
/// `json!` callbacks run inside it, on first use.
static CONFIRM: StaticCard = StaticCard::new(|| {
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
});

fn seed(name: &str) -> Value {
    let path = format!(
        "{}/../shared/corpus/seed/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn serializes_to_the_seed_card() {
    let expected = seed("template-confirm.json");
    let from_json: Value = serde_json::from_str(CONFIRM.json()).expect("the card's JSON parses");
    assert_eq!(from_json, expected);
    assert_eq!(CONFIRM.to_value(), expected);
    assert_eq!(
        serde_json::to_value(&CONFIRM).expect("a card serializes"),
        expected
    );
}

#[test]
fn same_bytes_as_the_card() {
    let card: &Card = CONFIRM.card();
    assert_eq!(CONFIRM.json(), card.to_json());
    assert_eq!(CONFIRM.to_json(), CONFIRM.json());
}

#[test]
fn checked_like_a_card() {
    let problems = feishu_card::validate(CONFIRM.card());
    assert!(problems.is_empty(), "{problems:?}");
    let problems =
        feishu_card::validate_slice(CONFIRM.json().as_bytes()).expect("the card's JSON parses");
    assert!(problems.is_empty(), "{problems:?}");
}

#[test]
fn a_copy_to_change() {
    let mut card = CONFIRM.card().clone();
    card.header = None;
    assert_eq!(card.to_value().get("header"), None);
    assert_eq!(CONFIRM.to_value()["header"]["template"], "orange");
}
