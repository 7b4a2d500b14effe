//! Every card of the corpus that Feishu accepts is read into the typed model and written back
//! as the same JSON value (key order aside); every 1.0 card is recognised as such.

use std::path::{Path, PathBuf};

use card_core::model::{Card, ParseError};

use serde_json::{json, Value};

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus")
}

fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// `(file, expected)` for every row of `cards.tsv`.
fn rows() -> Vec<(String, String)> {
    let tsv = String::from_utf8(read(&corpus().join("cards.tsv"))).expect("cards.tsv is UTF-8");
    tsv.lines()
        .skip(1)
        .filter_map(|line| {
            let mut cols = line.split('\t');
            Some((cols.next()?.to_owned(), cols.next()?.to_owned()))
        })
        .collect()
}

/// Parses, writes back and compares; the error says what differs.
fn round_trip(name: &str, bytes: &[u8]) -> Result<(), String> {
    let input: Value =
        serde_json::from_slice(bytes).map_err(|e| format!("{name}: not JSON: {e}"))?;
    let card = Card::from_slice(bytes).map_err(|e| format!("{name}: {e}"))?;
    let output = card.to_value();
    if output != input {
        return Err(format!(
            "{name}: written back differently\n  in:  {}\n  out: {}",
            first_difference(&input, &output, "").unwrap_or_default().0,
            first_difference(&input, &output, "").unwrap_or_default().1,
        ));
    }
    // Parsing what was written gives the same card again.
    let again = Card::from_value(&output).map_err(|e| format!("{name}: re-read: {e}"))?;
    if again != card {
        return Err(format!("{name}: re-read gives a different card"));
    }
    Ok(())
}

/// The first place where two values differ, as `(pointer: left, pointer: right)`.
fn first_difference(a: &Value, b: &Value, at: &str) -> Option<(String, String)> {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for (k, v) in x {
                match y.get(k) {
                    Some(w) => {
                        if let Some(d) = first_difference(v, w, &format!("{at}/{k}")) {
                            return Some(d);
                        }
                    }
                    None => return Some((format!("{at}/{k}: {v}"), format!("{at}/{k}: missing"))),
                }
            }
            y.keys()
                .find(|k| !x.contains_key(*k))
                .map(|k| (format!("{at}/{k}: missing"), format!("{at}/{k}: {}", y[k])))
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => x
            .iter()
            .zip(y)
            .enumerate()
            .find_map(|(i, (v, w))| first_difference(v, w, &format!("{at}/{i}"))),
        _ if a == b => None,
        _ => Some((format!("{at}: {a}"), format!("{at}: {b}"))),
    }
}

#[test]
fn accepted_v2_cards_round_trip() {
    let mut failures = Vec::new();
    let mut passed = 0;
    for (file, expected) in rows() {
        if !file.starts_with("v2/") || !matches!(expected.as_str(), "valid" | "valid-with-warning")
        {
            continue;
        }
        match round_trip(&file, &read(&corpus().join(&file))) {
            Ok(()) => passed += 1,
            Err(e) => failures.push(e),
        }
    }
    println!("v2 cards round-tripped: {passed}");
    assert!(
        failures.is_empty(),
        "{} failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(
        passed >= 80,
        "only {passed} accepted v2 cards found in cards.tsv"
    );
}

#[test]
fn seed_templates_round_trip() {
    let mut passed = 0;
    for name in [
        "template-confirm",
        "template-quick-select",
        "template-data-display",
    ] {
        let path = corpus().join(format!("seed/{name}.json"));
        round_trip(name, &read(&path)).unwrap_or_else(|e| panic!("{e}"));
        passed += 1;
    }
    println!("seed templates round-tripped: {passed}");
}

/// The form-only components must sit in a form to make a legal card.
fn needs_form(element: &Value) -> bool {
    match element["tag"].as_str() {
        Some("multi_select_static" | "multi_select_person") => true,
        Some("select_img") => element["multi_select"] == json!(true),
        _ => false,
    }
}

#[test]
fn seed_components_round_trip() {
    let mut entries: Vec<_> = std::fs::read_dir(corpus().join("seed"))
        .expect("corpus/seed exists")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("component-"))
        })
        .collect();
    entries.sort();
    let mut failures = Vec::new();
    for path in &entries {
        let element: Value = serde_json::from_slice(&read(path)).expect("seed is JSON");
        let element = if needs_form(&element) {
            json!({"tag": "form", "name": "f", "elements": [element]})
        } else {
            element
        };
        let card = json!({"schema": "2.0", "body": {"elements": [element]}});
        let bytes = serde_json::to_vec(&card).expect("a value serializes");
        if let Err(e) = round_trip(&path.display().to_string(), &bytes) {
            failures.push(e);
        }
    }
    println!(
        "seed components round-tripped: {}",
        entries.len() - failures.len()
    );
    assert!(
        failures.is_empty(),
        "{} failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert_eq!(entries.len(), 26, "expected one seed per component");
}

#[test]
fn v1_cards_are_named_as_such() {
    let mut count = 0;
    for (file, _) in rows() {
        if !file.starts_with("v1/") {
            continue;
        }
        match Card::from_slice(&read(&corpus().join(&file))) {
            Err(ParseError::Version1 { found }) => {
                assert!(!found.is_empty());
                count += 1;
            }
            other => panic!("{file}: expected a JSON 1.0 error, got {other:?}"),
        }
    }
    println!("v1 cards recognised: {count}");
    assert_eq!(count, 10);
}

#[test]
fn invalid_cards_do_not_panic() {
    for (file, expected) in rows() {
        if expected == "invalid" || expected == "uncertain" {
            // Parsing may succeed (the validator judges these) or fail; it must not panic.
            let _ = Card::from_slice(&read(&corpus().join(&file)));
        }
    }
}

/// The confirm template, built with the model's builders instead of `card!`.
fn confirm_card() -> Card {
    use card_core::model::*;

    let button = |label: &'static str, style: ButtonType, action: &str| {
        Column::new().width(ColumnWidth::Auto).element(
            Button::new(label)
                .r#type(style)
                .callback(json!({ "action": action })),
        )
    };
    Card::new()
        .header(Header::new("确认操作").template(HeaderTemplate::Orange))
        .element(Markdown::new("确定要执行此操作吗?此操作**不可撤销**。"))
        .element(
            ColumnSet::new()
                .horizontal_spacing(Spacing::Px(8))
                .column(button("确认", ButtonType::PrimaryFilled, "confirm"))
                .column(button("取消", ButtonType::Default, "cancel")),
        )
}

#[test]
fn builders_make_the_seed_confirm_template() {
    let seed: Value =
        serde_json::from_slice(&read(&corpus().join("seed/template-confirm.json"))).expect("JSON");
    assert_eq!(confirm_card().to_value(), seed);
}
