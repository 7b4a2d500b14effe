//! Generated valid cards (every component of the registry reachable, see `prop_gen`) pass the
//! validator without an error, read into the typed model, and write back to the same JSON;
//! `Card::to_json` writes exactly the bytes of the card's `Serialize` impl.

mod prop_gen;

use card_core::model::Card;
use card_core::validate::{validate_slice, validate_value};
use prop_gen::Draw;
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig { cases: 192, ..ProptestConfig::default() })]

    #[test]
    fn generated_cards_are_valid_and_round_trip(numbers in prop_gen::numbers()) {
        let value = prop_gen::card(&mut Draw::new(numbers));
        let pretty = serde_json::to_string_pretty(&value).unwrap_or_default();

        let diagnostics = validate_value(&value);
        let errors: Vec<String> = diagnostics.errors().map(|d| format!("{} at {}: {}", d.rule, d.pointer, d.message)).collect();
        prop_assert!(errors.is_empty(), "a valid card was refused: {errors:#?}\n{pretty}");

        let card = match Card::from_value(&value) {
            Ok(card) => card,
            Err(e) => return Err(TestCaseError::fail(format!("a valid card does not read: {e}\n{pretty}"))),
        };
        prop_assert_eq!(card.to_value(), value.clone(), "the card changed through the model");

        let json = card.to_json();
        let serde = serde_json::to_string(&card).unwrap_or_default();
        prop_assert_eq!(&json, &serde, "`to_json` and `Serialize` write different bytes");
        let again = Card::from_json(&json).map_err(|e| TestCaseError::fail(format!("{e}\n{json}")))?;
        prop_assert_eq!(&again, &card);
        prop_assert_eq!(again.to_json(), json.clone(), "serialization is not stable");

        let from_bytes = validate_slice(json.as_bytes()).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert!(!from_bytes.has_errors(), "the serialized card was refused: {from_bytes:?}");
    }
}

/// The generator reaches every component of the registry: a test of the test.
#[test]
fn every_component_is_generated() {
    use proptest::strategy::ValueTree;
    use std::collections::BTreeSet;
    let mut seen = BTreeSet::new();
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    for _ in 0..400 {
        let numbers = prop_gen::numbers()
            .new_tree(&mut runner)
            .expect("numbers")
            .current();
        let value = prop_gen::card(&mut Draw::new(numbers));
        let mut at = Vec::new();
        prop_gen::components(&value["body"], "", &mut at);
        for p in at {
            if let Some(tag) = value["body"].pointer(&p).and_then(|c| c["tag"].as_str()) {
                seen.insert(tag.to_owned());
            }
        }
    }
    let missing: Vec<&str> = card_core::registry::COMPONENTS
        .iter()
        .copied()
        .map(|c| c.tag)
        .filter(|t| !seen.contains(*t))
        .collect();
    assert!(missing.is_empty(), "never generated: {missing:?}");
}
