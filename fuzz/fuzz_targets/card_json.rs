//! Card JSON: whatever parses into the typed model serializes back to JSON that parses again
//! into the same card, and serializing that gives the same bytes; the validator never panics
//! on any bytes.

#![no_main]

use card_core::model::Card;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = card_core::validate::validate_slice(data);
    let Ok(card) = Card::from_slice(data) else {
        return;
    };
    let _ = card_core::validate::validate_value(&card.to_value());
    let json = card.to_json();
    let again = match Card::from_json(&json) {
        Ok(again) => again,
        Err(e) => panic!("a parsed card serialized to JSON that does not parse: {e}\n{json}"),
    };
    assert_eq!(again, card, "the card changed through JSON: {json}");
    assert_eq!(again.to_json(), json, "serialization is not stable");
});
