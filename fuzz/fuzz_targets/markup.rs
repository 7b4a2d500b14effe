//! `card!` over arbitrary token streams: parse, check and expand must never panic, whatever
//! the markup (see `feishu_card_fuzz::tokens` for how bytes become tokens).

#![no_main]

use std::sync::Once;

use libfuzzer_sys::fuzz_target;

/// libFuzzer's panic hook aborts on every panic, even one caught inside: let through rstml's
/// own panics, which `card!` catches and turns into errors. A panic that escapes `card!` still
/// aborts when it reaches the fuzzer.
fn allow_caught_rstml_panics() {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let fuzzer_hook = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if info
                .location()
                .is_some_and(|l| l.file().contains("/rstml-"))
            {
                return;
            }
            fuzzer_hook(info);
        }));
    });
}

fuzz_target!(|data: &[u8]| {
    allow_caught_rstml_panics();
    let input = feishu_card_fuzz::tokens(data);
    let expansion = feishu_card_fuzz::card_macro(input);
    // The expansion is always Rust code: it lexes back as tokens.
    let text = expansion.to_string();
    assert!(
        text.parse::<proc_macro2::TokenStream>().is_ok(),
        "the expansion does not lex: {text}"
    );
});
