//! The validator never panics: on generated cards built from the registry's own vocabulary, on
//! corpus cards with random parts replaced, and on cut or corrupted bytes.

use std::path::Path;
use std::sync::OnceLock;

use card_core::registry::{self, COMPONENTS, SUB_ELEMENTS};
use card_core::validate::{validate_slice, validate_value};
use proptest::prelude::*;
use serde_json::{Map, Value};

/// Names that reach deep into the validator: real tags and attribute names, plus noise.
fn vocabulary() -> Vec<&'static str> {
    let mut words: Vec<&'static str> = vec![
        "tag",
        "schema",
        "config",
        "header",
        "body",
        "card_link",
        "elements",
        "columns",
        "rows",
        "2.0",
        "submit",
        "form_submit",
        "note",
        "action",
        "",
        "zh_cn",
        "picker_date",
    ];
    for c in registry::all_components() {
        words.push(c.tag);
        words.extend(c.attrs.iter().map(|a| a.name));
    }
    for attrs in [
        registry::CARD,
        registry::CONFIG,
        registry::HEADER,
        registry::BODY,
    ] {
        words.extend(attrs.iter().map(|a| a.name));
    }
    words.sort_unstable();
    words.dedup();
    words
}

fn word() -> impl Strategy<Value = String> {
    let words = vocabulary();
    prop_oneof![
        4 => proptest::sample::select(words).prop_map(str::to_owned),
        1 => "[a-z_0-9 %:.-]{0,24}",
        1 => "[0-9]{1,4}px( [0-9]{1,4}px){0,4}",
    ]
}

fn json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        word().prop_map(Value::String),
    ];
    leaf.prop_recursive(6, 96, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
            prop::collection::vec((word(), inner.clone()), 0..8)
                .prop_map(|kv| Value::Object(kv.into_iter().collect::<Map<_, _>>())),
            // A component: a real tag and real attribute names.
            (
                proptest::sample::select(
                    COMPONENTS
                        .iter()
                        .chain(SUB_ELEMENTS)
                        .map(|c| c.tag)
                        .collect::<Vec<_>>()
                ),
                prop::collection::vec((word(), inner), 0..8)
            )
                .prop_map(|(tag, kv)| {
                    let mut m: Map<String, Value> = kv.into_iter().collect();
                    m.insert("tag".into(), Value::String(tag.into()));
                    Value::Object(m)
                }),
        ]
    })
}

fn card() -> impl Strategy<Value = Value> {
    (json(), json(), prop::collection::vec(json(), 0..12)).prop_map(|(config, header, elements)| {
        serde_json::json!({
            "schema": "2.0",
            "config": config,
            "header": header,
            "body": {"elements": elements},
        })
    })
}

/// The v2 corpus, read once for all cases.
fn corpus() -> &'static [Value] {
    static CARDS: OnceLock<Vec<Value>> = OnceLock::new();
    CARDS.get_or_init(read_corpus)
}

fn read_corpus() -> Vec<Value> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus/v2");
    let mut cards: Vec<Value> = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.expect("dir entry").path();
        if path.extension().is_some_and(|x| x == "json") {
            let bytes = std::fs::read(&path).expect("read");
            cards.push(serde_json::from_slice(&bytes).expect("corpus cards are JSON"));
        }
    }
    cards.sort_by_key(|v| v.to_string());
    cards
}

/// Replaces the `n`-th node (in pre-order, modulo the node count) with `with`.
fn replace_nth(v: &mut Value, n: usize, with: Value) {
    fn count(v: &Value) -> usize {
        1 + match v {
            Value::Array(a) => a.iter().map(count).sum(),
            Value::Object(o) => o.values().map(count).sum(),
            _ => 0,
        }
    }
    fn go(v: &mut Value, n: &mut usize, with: &mut Option<Value>) {
        if *n == 0 {
            if let Some(w) = with.take() {
                *v = w;
            }
            return;
        }
        *n -= 1;
        match v {
            Value::Array(a) => a.iter_mut().for_each(|x| go(x, n, with)),
            Value::Object(o) => o.values_mut().for_each(|x| go(x, n, with)),
            _ => {}
        }
    }
    let mut n = n % count(v);
    go(v, &mut n, &mut Some(with));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn generated_cards_never_panic(card in card()) {
        let d = validate_value(&card);
        // Serialized and validated from bytes, the verdict is the same.
        let bytes = serde_json::to_vec(&card).expect("serializable");
        let again = validate_slice(&bytes).expect("valid JSON");
        prop_assert_eq!(d.len(), again.len());
    }

    #[test]
    fn arbitrary_json_never_panics(value in json()) {
        let _ = validate_value(&value);
    }

    #[test]
    fn mutated_corpus_cards_never_panic(
        pick in any::<prop::sample::Index>(),
        edits in prop::collection::vec((any::<usize>(), json()), 1..6),
    ) {
        let cards = corpus();
        let mut card = pick.get(cards).clone();
        for (at, with) in edits {
            replace_nth(&mut card, at, with);
        }
        let _ = validate_value(&card);
    }

    #[test]
    fn cut_and_corrupted_bytes_never_panic(
        pick in any::<prop::sample::Index>(),
        cut in any::<prop::sample::Index>(),
        flips in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..4),
    ) {
        let cards = corpus();
        let mut bytes = serde_json::to_vec(pick.get(cards)).expect("serializable");
        for (at, byte) in flips {
            let i = at.index(bytes.len());
            bytes[i] = byte;
        }
        let end = cut.index(bytes.len() + 1);
        let _ = validate_slice(&bytes[..end]);
    }
}

#[test]
fn hostile_shapes_do_not_panic() {
    // Deep nesting, many duplicates, huge numbers, and non-object roots.
    let mut deep = serde_json::json!({"tag": "markdown", "content": "x"});
    for _ in 0..100 {
        deep = serde_json::json!({"tag": "column_set", "columns": [{"tag": "column", "elements": [deep]}]});
    }
    let dups: Vec<Value> = (0..5000)
        .map(|_| serde_json::json!({"tag": "hr", "element_id": "same"}))
        .collect();
    let mut very_deep = Value::Null;
    // Deeper than the parser allows (128), as a hand-built `Value` can be.
    for _ in 0..1000 {
        very_deep = serde_json::json!({"tag": "interactive_container", "elements": [very_deep]});
    }
    let _ =
        validate_value(&serde_json::json!({"schema": "2.0", "body": {"elements": [very_deep]}}));
    for card in [
        serde_json::json!({"schema": "2.0", "body": {"elements": [deep]}}),
        serde_json::json!({"schema": "2.0", "body": {"elements": dups}}),
        serde_json::json!({"schema": "2.0", "body": {"elements": [{"tag": "table", "page_size": 1e300,
            "columns": [{"name": 1}], "rows": [1, {"x": 2}]}]}}),
        serde_json::json!([]),
        serde_json::json!("card"),
        serde_json::json!({"schema": 2, "body": []}),
    ] {
        let _ = validate_value(&card);
    }
}
