//! `card!` over arbitrary token streams: parse, check and expand must never panic, whatever
//! the markup (see `feishu_card_fuzz::tokens` for how bytes become tokens).

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let input = feishu_card_fuzz::tokens(data);
    let expansion = feishu_card_fuzz::card_macro(input);
    // The expansion is always Rust code: it lexes back as tokens.
    let text = expansion.to_string();
    assert!(
        text.parse::<proc_macro2::TokenStream>().is_ok(),
        "the expansion does not lex: {text}"
    );
});
