//! `Card::to_json` writes with its own JSON writer; its output must be byte for byte what
//! `serde_json::to_string` gives, for every card of the corpus and for any text or number a
//! card can hold.

use std::path::{Path, PathBuf};

use card_core::model::{Button, Card, Markdown};
use proptest::prelude::*;
use serde_json::{json, Map, Value};

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus")
}

/// Every `*.json` file of a corpus folder, sorted by name.
fn files(folder: &str) -> Vec<PathBuf> {
    let dir = corpus().join(folder);
    let entries =
        std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()));
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    paths.sort();
    paths
}

fn assert_same_bytes(card: &Card, what: &str) {
    let expected = serde_json::to_string(card).expect("a card serializes");
    let ours = card.to_json();
    assert_eq!(ours, expected, "{what}: to_json differs from serde_json");
    assert_eq!(card.to_vec(), expected.as_bytes(), "{what}: to_vec differs");
    let mut appended = String::from("prefix");
    card.write_json(&mut appended);
    assert_eq!(appended.strip_prefix("prefix"), Some(expected.as_str()));
}

#[test]
fn every_corpus_card_is_written_like_serde_json() {
    let mut checked = 0;
    for folder in ["v2", "seed"] {
        for path in files(folder) {
            let bytes = std::fs::read(&path)
                .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
            if let Ok(card) = Card::from_slice(&bytes) {
                assert_same_bytes(&card, &path.display().to_string());
                checked += 1;
            }
        }
    }
    // Most of the corpus parses; if nothing did, this test would check nothing.
    assert!(checked >= 60, "only {checked} corpus cards parsed");
}

#[test]
fn escapes_of_every_ascii_byte_match() {
    let every: String = (0u8..0x80).map(char::from).collect();
    let card = Card::new()
        .element(Markdown::new(every.clone()))
        .element(Button::new(every.clone()).callback(json!({ every.clone(): every })));
    assert_same_bytes(&card, "every ASCII byte");
}

/// Text mixing control characters, the two characters JSON escapes, ASCII, and multi-byte
/// characters (CJK, emoji), so that runs to copy and bytes to escape alternate at every
/// position of the writer's 16-byte blocks.
fn text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        (0u32..0x20).prop_map(|c| char::from_u32(c).unwrap_or('?')),
        Just('"'),
        Just('\\'),
        Just('\u{7f}'),
        proptest::char::range(' ', '~'),
        proptest::char::range('\u{4e00}', '\u{9fff}'),
        any::<char>(),
    ];
    prop_oneof![
        proptest::collection::vec(piece, 0..80).prop_map(|cs| cs.into_iter().collect()),
        any::<String>(),
    ]
}

fn number() -> impl Strategy<Value = Value> {
    prop_oneof![
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        // Non-finite floats become `null`, as `serde_json` makes them.
        any::<f64>().prop_map(Value::from),
        (-1.0e6f64..1.0e6).prop_map(Value::from),
    ]
}

proptest! {
    #[test]
    fn any_text_and_numbers_are_written_like_serde_json(
        content in text(),
        label in text(),
        key in text(),
        value in text(),
        numbers in proptest::collection::vec(number(), 0..6),
    ) {
        let mut object = Map::new();
        object.insert(key, Value::String(value));
        object.insert("numbers".to_owned(), Value::Array(numbers));
        let card = Card::new()
            .element(Markdown::new(content))
            .element(Button::new(label).callback(Value::Object(object)));
        let expected = serde_json::to_string(&card).expect("a card serializes");
        prop_assert_eq!(card.to_json(), expected);
    }
}
