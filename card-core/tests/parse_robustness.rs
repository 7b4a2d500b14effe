//! Reading a card never panics, whatever the bytes; whatever reads writes back and reads again
//! to the same card.

use std::path::Path;
use std::sync::OnceLock;

use card_core::model::Card;
use proptest::prelude::*;
use serde_json::Value;

/// Every corpus card (2.0, 1.0 and the seeds) as bytes.
fn corpus() -> &'static [Vec<u8>] {
    static CORPUS: OnceLock<Vec<Vec<u8>>> = OnceLock::new();
    CORPUS.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus");
        let mut files = Vec::new();
        for dir in ["v2", "v1", "seed"] {
            let entries = std::fs::read_dir(root.join(dir))
                .unwrap_or_else(|e| panic!("cannot list corpus/{dir}: {e}"));
            let mut paths: Vec<_> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
            paths.sort();
            for path in paths {
                files.push(
                    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display())),
                );
            }
        }
        assert!(files.len() > 100, "the corpus is missing");
        files
    })
}

fn corpus_value(index: usize) -> Value {
    let files = corpus();
    serde_json::from_slice(&files[index % files.len()]).expect("corpus cards are JSON")
}

/// JSON pointers of every node of `value` except the root.
fn pointers(value: &Value, at: String, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                let p = format!("{at}/{}", k.replace('~', "~0").replace('/', "~1"));
                out.push(p.clone());
                pointers(v, p, out);
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                let p = format!("{at}/{i}");
                out.push(p.clone());
                pointers(v, p, out);
            }
        }
        _ => {}
    }
}

/// Whatever reads must write back to something that reads as the same card.
fn check(result: Result<Card, card_core::model::ParseError>) -> Result<(), TestCaseError> {
    if let Ok(card) = result {
        let written = card.to_json();
        let again = Card::from_json(&written);
        prop_assert!(again.is_ok(), "written card does not read back: {written}");
        prop_assert_eq!(again.ok(), Some(card));
    }
    Ok(())
}

/// A mutation of a card's JSON tree.
#[derive(Debug, Clone)]
enum Edit {
    /// Delete the node.
    Delete,
    /// Put another corpus node there.
    Swap { from_file: usize, from_node: usize },
    /// Put a scalar there.
    Scalar(Value),
}

fn scalar() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        "[a-z_0-9 -]{0,12}".prop_map(Value::from),
        Just(Value::from("2.0")),
        Just(Value::from("plain_text")),
        Just(Value::Array(Vec::new())),
        Just(Value::Object(Default::default())),
    ]
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        Just(Edit::Delete),
        (any::<usize>(), any::<usize>()).prop_map(|(from_file, from_node)| Edit::Swap {
            from_file,
            from_node
        }),
        scalar().prop_map(Edit::Scalar),
    ]
}

fn apply(card: &mut Value, node: usize, edit: &Edit) {
    let mut all = Vec::new();
    pointers(card, String::new(), &mut all);
    if all.is_empty() {
        return;
    }
    let target = all[node % all.len()].clone();
    let replacement = match edit {
        Edit::Delete => None,
        Edit::Swap {
            from_file,
            from_node,
        } => {
            let source = corpus_value(*from_file);
            let mut nodes = Vec::new();
            pointers(&source, String::new(), &mut nodes);
            nodes
                .get(from_node % nodes.len().max(1))
                .and_then(|p| source.pointer(p))
                .cloned()
        }
        Edit::Scalar(v) => Some(v.clone()),
    };
    let (parent, last) = target.rsplit_once('/').unwrap_or(("", &target));
    let Some(parent) = card.pointer_mut(parent) else {
        return;
    };
    let key = last.replace("~1", "/").replace("~0", "~");
    match (parent, replacement) {
        (Value::Object(map), None) => {
            map.remove(&key);
        }
        (Value::Object(map), Some(v)) => {
            map.insert(key, v);
        }
        (Value::Array(items), r) => {
            if let Ok(i) = key.parse::<usize>() {
                if i < items.len() {
                    match r {
                        None => {
                            items.remove(i);
                        }
                        Some(v) => items[i] = v,
                    }
                }
            }
        }
        _ => {}
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
        check(Card::from_slice(&bytes))?;
    }

    #[test]
    fn random_json_never_panics(text in r#"[\[\]{}":,0-9a-z_. -]{0,64}"#) {
        check(Card::from_json(&text))?;
    }

    #[test]
    fn flipped_bytes_never_panic(file in any::<usize>(), at in any::<usize>(), byte in any::<u8>()) {
        let mut bytes = corpus()[file % corpus().len()].clone();
        let at = at % bytes.len();
        bytes[at] = byte;
        check(Card::from_slice(&bytes))?;
    }

    #[test]
    fn truncated_cards_never_panic(file in any::<usize>(), keep in any::<usize>()) {
        let bytes = &corpus()[file % corpus().len()];
        check(Card::from_slice(&bytes[..keep % (bytes.len() + 1)]))?;
    }

    #[test]
    fn edited_cards_never_panic(
        file in any::<usize>(),
        edits in proptest::collection::vec((any::<usize>(), edit()), 1..4),
    ) {
        let mut card = corpus_value(file);
        for (node, edit) in &edits {
            apply(&mut card, *node, edit);
        }
        check(Card::from_value(&card))?;
    }
}

/// The deepest card serde_json reads (it stops at 128 levels) is read without running out of
/// stack, in a thread with the default test stack.
#[test]
fn deeply_nested_cards_do_not_overflow() {
    for inner in [
        r#"{"tag":"hr"}"#,
        r#"{"tag":"video"}"#,
        r#"{"tag":"hr","bad":1}"#,
    ] {
        let mut element = inner.to_owned();
        for _ in 0..40 {
            element = format!(
                r#"{{"tag":"column_set","columns":[{{"tag":"column","elements":[{element}]}}]}}"#
            );
        }
        let card = format!(r#"{{"schema":"2.0","body":{{"elements":[{element}]}}}}"#);
        let _ = Card::from_json(&card);
    }
    for (depth, readable) in [(20, true), (60, false)] {
        let mut element = r#"{"tag":"hr"}"#.to_owned();
        for _ in 0..depth {
            element = format!(r#"{{"tag":"interactive_container","elements":[{element}]}}"#);
        }
        let card = format!(r#"{{"schema":"2.0","body":{{"elements":[{element}]}}}}"#);
        let parsed = Card::from_json(&card);
        assert_eq!(parsed.is_ok(), readable, "{parsed:?}");
    }
}
