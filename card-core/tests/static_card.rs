//! `StaticCard`: built once, serialized once, the same JSON as the card it holds.

use std::sync::atomic::{AtomicUsize, Ordering};

use card_core::model::*;
use serde_json::json;

/// The seed confirm card, written with the model's setters.
fn confirm() -> Card {
    Card::new()
        .header(Header::new("确认操作").template(HeaderTemplate::Orange))
        .element(Markdown::new("确定要执行此操作吗?此操作**不可撤销**。"))
        .element(
            ColumnSet::new()
                .horizontal_spacing("8px")
                .column(
                    Column::new().width(ColumnWidth::Auto).element(
                        Button::new("确认")
                            .r#type(ButtonType::PrimaryFilled)
                            .callback(json!({"action": "confirm"})),
                    ),
                )
                .column(
                    Column::new().width(ColumnWidth::Auto).element(
                        Button::new("取消")
                            .r#type(ButtonType::Default)
                            .callback(json!({"action": "cancel"})),
                    ),
                ),
        )
}

static BUILT: AtomicUsize = AtomicUsize::new(0);

/// Counts the calls of its function; only `built_once` uses it, so the count is its own.
static COUNTED: StaticCard = StaticCard::new(|| {
    BUILT.fetch_add(1, Ordering::SeqCst);
    confirm()
});

#[test]
fn built_once() {
    assert_eq!(
        BUILT.load(Ordering::SeqCst),
        0,
        "nothing is built before first use"
    );
    let card = COUNTED.card();
    assert_eq!(BUILT.load(Ordering::SeqCst), 1);
    assert!(std::ptr::eq(card, COUNTED.card()));
    let _ = COUNTED.json();
    let _ = COUNTED.to_json();
    let _ = COUNTED.to_value();
    let _ = serde_json::to_string(&COUNTED).expect("a card serializes");
    let _ = format!("{COUNTED:?}");
    assert_eq!(
        BUILT.load(Ordering::SeqCst),
        1,
        "every use after the first reuses the card"
    );
}

static CONFIRM: StaticCard = StaticCard::new(confirm);

#[test]
fn json_is_the_cards_and_borrowed() {
    let first = CONFIRM.json();
    assert_eq!(first, CONFIRM.card().to_json());
    assert_eq!(first, confirm().to_json());
    let second = CONFIRM.json();
    assert!(
        std::ptr::eq(first.as_ptr(), second.as_ptr()),
        "the second call borrows the same text"
    );
    assert_eq!(first.len(), second.len());
}

#[test]
fn copies_equal_the_json() {
    assert_eq!(CONFIRM.to_json(), CONFIRM.json());
    assert_eq!(CONFIRM.to_vec(), CONFIRM.json().as_bytes());
    let mut out = String::from("[");
    CONFIRM.write_json(&mut out);
    out.push(']');
    assert_eq!(out, format!("[{}]", CONFIRM.json()));
    assert_eq!(CONFIRM.to_value(), confirm().to_value());
}

#[test]
fn serialize_is_the_cards() {
    assert_eq!(
        serde_json::to_string(&CONFIRM).expect("a card serializes"),
        CONFIRM.json()
    );
    assert_eq!(
        serde_json::to_value(&CONFIRM).expect("a card serializes"),
        confirm().to_value()
    );
    #[derive(serde::Serialize)]
    struct Message<'a> {
        card: &'a StaticCard,
    }
    assert_eq!(
        serde_json::to_value(Message { card: &CONFIRM }).expect("a card serializes"),
        json!({ "card": confirm().to_value() })
    );
}

#[test]
fn reads_like_a_card() {
    let card: &Card = &CONFIRM;
    assert_eq!(card, &confirm());
    assert_eq!(AsRef::<Card>::as_ref(&CONFIRM), &confirm());
    // An ordinary card to change: the static one stays as it was.
    let mut changed = CONFIRM.card().clone();
    changed.header = Some(Header::new("已确认"));
    assert_ne!(changed.to_json(), CONFIRM.json());
    assert_eq!(CONFIRM.json(), confirm().to_json());
}

#[test]
fn the_validator_reads_it() {
    let from_json =
        card_core::validate::validate_slice(CONFIRM.json().as_bytes()).expect("the JSON parses");
    assert!(from_json.is_empty(), "{from_json:?}");
    let from_value = card_core::validate::validate_value(&CONFIRM.to_value());
    assert!(from_value.is_empty(), "{from_value:?}");
}

#[test]
fn debug_shows_the_json() {
    let shown = format!("{CONFIRM:?}");
    assert!(shown.starts_with("StaticCard { json: "), "{shown}");
    assert!(shown.contains(r#"\"schema\":\"2.0\""#), "{shown}");
}

static SHARED_BUILT: AtomicUsize = AtomicUsize::new(0);

static SHARED: StaticCard = StaticCard::new(|| {
    SHARED_BUILT.fetch_add(1, Ordering::SeqCst);
    confirm()
});

#[test]
fn several_threads_at_once() {
    let barrier = std::sync::Barrier::new(8);
    let seen: Vec<(usize, String)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..8)
            .map(|_| {
                scope.spawn(|| {
                    barrier.wait();
                    (SHARED.json().as_ptr() as usize, SHARED.to_json())
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|handle| handle.join().expect("no thread panics"))
            .collect()
    });
    assert_eq!(SHARED_BUILT.load(Ordering::SeqCst), 1);
    let expected = confirm().to_json();
    for (pointer, json) in &seen {
        assert_eq!(*pointer, seen[0].0, "every thread borrows the same text");
        assert_eq!(json, &expected);
    }
}

#[test]
fn a_local_is_built_on_first_use_too() {
    // `new` only stores the function.
    static LOCAL_BUILT: AtomicUsize = AtomicUsize::new(0);
    let local = StaticCard::new(|| {
        LOCAL_BUILT.fetch_add(1, Ordering::SeqCst);
        Card::new()
    });
    assert_eq!(LOCAL_BUILT.load(Ordering::SeqCst), 0);
    assert_eq!(local.json(), r#"{"schema":"2.0"}"#);
    assert_eq!(LOCAL_BUILT.load(Ordering::SeqCst), 1);
}
