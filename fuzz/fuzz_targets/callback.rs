//! Card callbacks over raw bytes and headers: signature check, decryption and parsing must
//! answer every input with a status, never panic.
//!
//! The first byte picks how the rest is sent, so that a part of the inputs gets past the
//! signature and the decryption and reaches the parser:
//!
//! - `0`: `header: value` lines, an empty line, then the body, as they are (keyed handler);
//! - `1`: the bytes as the body, signed correctly now (keyed handler);
//! - `2`: the bytes as the plaintext, encrypted into `{"encrypt": …}` and signed (keyed handler);
//! - `3`: the bytes as the body, to a handler without an encrypt key.

#![no_main]

use std::sync::OnceLock;
use std::time::{SystemTime, UNIX_EPOCH};

use card_client::callback::{
    encrypt, signature, Answer, CallbackConfig, CallbackHandler, NONCE_HEADER, SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
};
use libfuzzer_sys::fuzz_target;

const TOKEN: &str = "v-fuzz-verification-token";
const KEY: &str = "k-fuzz-encrypt-key";

struct Fixture {
    runtime: tokio::runtime::Runtime,
    keyed: CallbackHandler,
    plain: CallbackHandler,
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| Fixture {
        runtime: tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .expect("a current-thread runtime"),
        keyed: CallbackConfig::new(TOKEN).encrypt_key(KEY).build(),
        plain: CallbackConfig::new(TOKEN).build(),
    })
}

/// `header: value` lines up to the first empty line, then the body.
fn split(data: &[u8]) -> (Vec<(String, String)>, &[u8]) {
    let (head, body) = match data.windows(2).position(|w| w == b"\n\n") {
        Some(at) => (&data[..at], &data[at + 2..]),
        None => (&[][..], data),
    };
    let headers = String::from_utf8_lossy(head)
        .lines()
        .filter_map(|line| {
            let (name, value) = line.split_once(':')?;
            Some((name.trim().to_owned(), value.trim().to_owned()))
        })
        .collect();
    (headers, body)
}

fn signed(body: &[u8]) -> Vec<(String, String)> {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
        .to_string();
    let nonce = "fuzz-nonce";
    vec![
        ("Content-Type".into(), "application/json".into()),
        (SIGNATURE_HEADER.into(), signature(&now, nonce, KEY, body)),
        (TIMESTAMP_HEADER.into(), now),
        (NONCE_HEADER.into(), nonce.into()),
    ]
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let fx = fixture();
    let (handler, headers, body) = match mode % 4 {
        0 => {
            let (headers, body) = split(rest);
            (&fx.keyed, headers, body.to_vec())
        }
        1 => (&fx.keyed, signed(rest), rest.to_vec()),
        2 => {
            let sealed = serde_json::json!({ "encrypt": encrypt(KEY, rest, [0x5a; 16]) });
            let body = serde_json::to_vec(&sealed).expect("a JSON object serializes");
            (&fx.keyed, signed(&body), body)
        }
        _ => (&fx.plain, vec![], rest.to_vec()),
    };
    let answer = fx.runtime.block_on(handler.handle(
        headers.as_slice(),
        &body,
        |action, _later| async move {
            // The accessors a callback function uses, on whatever was admitted.
            let _ = action.value::<serde_json::Value>();
            let _ = action.raw();
            Answer::empty()
        },
    ));
    assert!(
        (200..500).contains(&answer.status()),
        "callback answered {}: {:?}",
        answer.status(),
        String::from_utf8_lossy(answer.body())
    );
    answer.mark_sent();
});
