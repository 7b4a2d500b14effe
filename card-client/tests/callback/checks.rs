//! URL verification, and every kind of bad input: each refused with its status, one log line,
//! and without running the callback function.

use card_client::callback::{
    Answer, CallbackConfig, CallbackError, CallbackHandler, HttpAnswer, Toast,
};
use serde_json::{json, Value};
use tracing::Level;

use crate::fixtures::*;
use crate::logs::Logs;

async fn send(handler: &CallbackHandler, req: &Request, calls: &Calls) -> HttpAnswer {
    let calls = calls.clone();
    handler
        .handle(&req.headers, &req.body, move |_, _| {
            calls.hit();
            async { Answer::toast(Toast::info("ran")) }
        })
        .await
}

/// Sends `req` and checks that it was refused with `status`, without running the function.
async fn refused(handler: &CallbackHandler, req: Request, status: u16) -> CallbackError {
    let calls = Calls::default();
    let answer = send(handler, &req, &calls).await;
    assert_eq!(answer.status(), status, "{:?}", answer.error());
    assert_eq!(calls.count(), 0, "the callback function must not run");
    let body: Value = serde_json::from_slice(answer.body()).unwrap();
    let error = answer.error().cloned().unwrap();
    assert_eq!(body, json!({"error": error.to_string()}));
    error
}

fn challenge_answer(answer: &HttpAnswer) -> Value {
    assert_eq!(answer.status(), 200, "{:?}", answer.error());
    assert_eq!(answer.content_type(), "application/json; charset=utf-8");
    serde_json::from_slice(answer.body()).unwrap()
}

#[tokio::test]
async fn url_verification_in_plaintext() {
    let calls = Calls::default();
    let answer = send(&plain_handler(), &Request::plain(&challenge(TOKEN)), &calls).await;
    assert_eq!(
        challenge_answer(&answer),
        json!({"challenge": "ajls384kdjx98XX"})
    );
    assert_eq!(calls.count(), 0);
}

#[tokio::test]
async fn url_verification_encrypted_and_unsigned() {
    // Feishu sends the challenge without signature headers even when it encrypts it.
    let req = Request::raw(seal(KEY, challenge(TOKEN).to_string().as_bytes()));
    let answer = send(&sealed_handler(), &req, &Calls::default()).await;
    assert_eq!(
        challenge_answer(&answer),
        json!({"challenge": "ajls384kdjx98XX"})
    );
}

#[tokio::test]
async fn url_verification_encrypted_and_signed() {
    let answer = send(
        &sealed_handler(),
        &Request::sealed(&challenge(TOKEN)),
        &Calls::default(),
    )
    .await;
    assert_eq!(
        challenge_answer(&answer),
        json!({"challenge": "ajls384kdjx98XX"})
    );
}

#[tokio::test]
async fn url_verification_in_plaintext_with_an_encrypt_key_configured() {
    let answer = send(
        &sealed_handler(),
        &Request::plain(&challenge(TOKEN)),
        &Calls::default(),
    )
    .await;
    assert_eq!(
        challenge_answer(&answer),
        json!({"challenge": "ajls384kdjx98XX"})
    );
}

#[tokio::test]
async fn url_verification_with_a_wrong_token() {
    let err = refused(
        &plain_handler(),
        Request::plain(&challenge("v-someone-else")),
        403,
    )
    .await;
    assert_eq!(err, CallbackError::WrongToken);
    let sealed = Request::raw(seal(KEY, challenge("").to_string().as_bytes()));
    assert_eq!(
        refused(&sealed_handler(), sealed, 403).await,
        CallbackError::WrongToken
    );
}

#[tokio::test]
async fn url_verification_with_a_bad_signature() {
    // Signature headers, when present, are checked before anything else, the challenge too.
    let req = Request::sealed(&challenge(TOKEN)).with_header("X-Lark-Signature", &"0".repeat(64));
    assert_eq!(
        refused(&sealed_handler(), req, 401).await,
        CallbackError::BadSignature
    );
}

#[tokio::test]
async fn bad_signature() {
    let mut req = Request::sealed(&card_action("e-sig", button(json!("ok"))));
    // One byte of the body changed after signing: a space before the closing brace.
    let last = req.body.pop().unwrap();
    req.body.extend_from_slice(&[b' ', last]);
    assert_eq!(
        refused(&sealed_handler(), req, 401).await,
        CallbackError::BadSignature
    );

    let req = Request::sealed(&card_action("e-sig", button(json!("ok"))))
        .with_header("X-Lark-Signature", "not-hex");
    assert_eq!(
        refused(&sealed_handler(), req, 401).await,
        CallbackError::BadSignature
    );
}

#[tokio::test]
async fn the_signature_covers_the_timestamp() {
    let req = Request::sealed(&card_action("e-ts", button(json!("ok"))))
        .with_header("X-Lark-Request-Timestamp", &(now() - 1).to_string());
    assert_eq!(
        refused(&sealed_handler(), req, 401).await,
        CallbackError::BadSignature
    );
}

#[tokio::test]
async fn missing_signature() {
    let unsigned = Request::raw(seal(
        KEY,
        card_action("e-unsigned", button(json!("ok")))
            .to_string()
            .as_bytes(),
    ));
    assert_eq!(
        refused(&sealed_handler(), unsigned, 401).await,
        CallbackError::MissingSignature {
            header: "X-Lark-Signature"
        }
    );
    let half = Request::sealed(&card_action("e-half", button(json!("ok"))))
        .without_header("X-Lark-Request-Nonce");
    assert_eq!(
        refused(&sealed_handler(), half, 401).await,
        CallbackError::MissingSignature {
            header: "X-Lark-Request-Nonce"
        }
    );
    // A plaintext action is no way around the signature.
    let plain = Request::plain(&card_action("e-plain", button(json!("ok"))));
    assert_eq!(
        refused(&sealed_handler(), plain, 401).await,
        CallbackError::MissingSignature {
            header: "X-Lark-Signature"
        }
    );
}

#[tokio::test]
async fn stale_timestamp() {
    let body = seal(
        KEY,
        card_action("e-old", button(json!("ok")))
            .to_string()
            .as_bytes(),
    );
    let old = Request::raw(body.clone()).signed_at(now() - 6 * 60);
    match refused(&sealed_handler(), old, 401).await {
        CallbackError::StaleTimestamp {
            skew_secs,
            window_secs,
        } => {
            assert!(skew_secs >= 360);
            assert_eq!(window_secs, 300);
        }
        other => panic!("expected a stale timestamp, got {other:?}"),
    }
    let future = Request::raw(body.clone()).signed_at(now() + 6 * 60);
    assert!(matches!(
        refused(&sealed_handler(), future, 401).await,
        CallbackError::StaleTimestamp { .. }
    ));
    // A narrower window refuses what the default accepts.
    let narrow = CallbackConfig::new(TOKEN)
        .encrypt_key(KEY)
        .timestamp_window(std::time::Duration::from_secs(30))
        .build();
    let minute_old = Request::raw(body).signed_at(now() - 60);
    assert!(matches!(
        refused(&narrow, minute_old, 401).await,
        CallbackError::StaleTimestamp {
            window_secs: 30,
            ..
        }
    ));
}

#[tokio::test]
async fn timestamp_that_is_not_a_number() {
    let mut req = Request::raw(seal(
        KEY,
        card_action("e-nan", button(json!("ok")))
            .to_string()
            .as_bytes(),
    ));
    // Signed over the same text, so only the timestamp's form is wrong.
    let timestamp = "yesterday";
    let nonce = "n";
    let signature = card_client::callback::signature(timestamp, nonce, KEY, &req.body);
    req = req
        .with_header("X-Lark-Request-Timestamp", timestamp)
        .with_header("X-Lark-Request-Nonce", nonce)
        .with_header("X-Lark-Signature", &signature);
    assert_eq!(
        refused(&sealed_handler(), req, 401).await,
        CallbackError::BadTimestamp
    );
}

#[tokio::test]
async fn replayed_event_id() {
    let handler = sealed_handler();
    let calls = Calls::default();
    let first = send(
        &handler,
        &Request::sealed(&card_action("e-once", button(json!("ok")))),
        &calls,
    )
    .await;
    assert_eq!(first.status(), 200);
    // The same event again, freshly signed: a retry or a replay, handled once.
    let again = Request::sealed(&card_action("e-once", button(json!("ok"))));
    assert_eq!(
        refused(&handler, again, 409).await,
        CallbackError::Replayed {
            event_id: "e-once".into()
        }
    );
    assert_eq!(calls.count(), 1);
}

#[tokio::test]
async fn body_over_the_limit() {
    let handler = CallbackConfig::new(TOKEN).body_limit(1000).build();
    let mut body = card_action("e-big", button(json!("x".repeat(1000))))
        .to_string()
        .into_bytes();
    assert_eq!(
        refused(&handler, Request::raw(body.clone()), 413).await,
        CallbackError::BodyTooLarge { limit: 1000 }
    );
    // The default limit is 1 MiB: one byte more is refused before it is parsed.
    body.resize(1024 * 1024 + 1, b' ');
    assert_eq!(
        refused(&plain_handler(), Request::raw(body), 413).await,
        CallbackError::BodyTooLarge { limit: 1024 * 1024 }
    );
}

#[tokio::test]
async fn body_exactly_at_the_limit_is_read() {
    let body = challenge(TOKEN).to_string();
    let handler = CallbackConfig::new(TOKEN).body_limit(body.len()).build();
    let answer = send(&handler, &Request::raw(body), &Calls::default()).await;
    assert_eq!(answer.status(), 200);
}

#[tokio::test]
async fn non_json_body() {
    let err = refused(&plain_handler(), Request::raw("challenge=abc&token=x"), 400).await;
    assert!(
        matches!(
            err,
            CallbackError::NotJson {
                decrypted: false,
                ..
            }
        ),
        "{err:?}"
    );
    let err = refused(&plain_handler(), Request::raw(b"\xff\xfe{}".to_vec()), 400).await;
    assert!(
        matches!(
            err,
            CallbackError::NotJson {
                decrypted: false,
                ..
            }
        ),
        "{err:?}"
    );
    let err = refused(&plain_handler(), Request::raw("[1, 2]"), 400).await;
    assert!(
        matches!(
            err,
            CallbackError::NotJson {
                decrypted: false,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("found a list"));
}

#[tokio::test]
async fn decrypted_body_that_is_not_json() {
    let req = Request::raw(seal(KEY, b"<xml>not json</xml>")).signed();
    let err = refused(&sealed_handler(), req, 400).await;
    assert!(
        matches!(
            err,
            CallbackError::NotJson {
                decrypted: true,
                ..
            }
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn bad_base64() {
    let req = Request::raw(json!({"encrypt": "%%% not base64 %%%"}).to_string()).signed();
    assert_eq!(
        refused(&sealed_handler(), req, 400).await,
        CallbackError::BadBase64
    );
}

#[tokio::test]
async fn bad_ciphertext() {
    // A whole IV but a ragged last block.
    let field = base64_of(&[7u8; 16 + 20]);
    let req = Request::raw(json!({ "encrypt": field }).to_string()).signed();
    assert_eq!(
        refused(&sealed_handler(), req, 400).await,
        CallbackError::BadCiphertext { len: 36 }
    );
    // An IV and nothing after it.
    let req = Request::raw(json!({ "encrypt": base64_of(&[7u8; 16]) }).to_string()).signed();
    assert_eq!(
        refused(&sealed_handler(), req, 400).await,
        CallbackError::BadCiphertext { len: 16 }
    );
    let req = Request::raw(json!({ "encrypt": 42 }).to_string()).signed();
    assert!(matches!(
        refused(&sealed_handler(), req, 400).await,
        CallbackError::Malformed { .. }
    ));
}

#[tokio::test]
async fn bad_padding() {
    // Encrypted under another key: the last block does not unpad. Signed with the right key,
    // so only the decryption fails.
    let body = card_action("e-pad", button(json!("ok"))).to_string();
    let mut key = 0;
    let req = loop {
        let field = seal_field(&format!("another-key-{key}"), body.as_bytes());
        // One key in ~256 yields a last byte of 0x01, which is valid padding; skip those.
        if decrypts_with_valid_padding(&field) {
            key += 1;
            continue;
        }
        break Request::raw(json!({ "encrypt": field }).to_string()).signed();
    };
    assert_eq!(
        refused(&sealed_handler(), req, 400).await,
        CallbackError::BadPadding
    );
}

#[tokio::test]
async fn encrypted_body_without_an_encrypt_key_configured() {
    let req = Request::raw(seal(
        KEY,
        card_action("e-nokey", button(json!("ok")))
            .to_string()
            .as_bytes(),
    ));
    assert_eq!(
        refused(&plain_handler(), req, 400).await,
        CallbackError::NoEncryptKey
    );
}

#[tokio::test]
async fn wrong_verification_token() {
    let mut body = card_action("e-token", button(json!("ok")));
    body["header"]["token"] = json!("v-guessed");
    assert_eq!(
        refused(&plain_handler(), Request::plain(&body), 403).await,
        CallbackError::WrongToken
    );
    assert_eq!(
        refused(&sealed_handler(), Request::sealed(&body), 403).await,
        CallbackError::WrongToken
    );
    body["header"].as_object_mut().unwrap().remove("token");
    assert_eq!(
        refused(&plain_handler(), Request::plain(&body), 403).await,
        CallbackError::WrongToken
    );
}

#[tokio::test]
async fn other_events_and_the_legacy_callback() {
    let mut message = card_action("e-msg", button(json!("ok")));
    message["header"]["event_type"] = json!("im.message.receive_v1");
    assert_eq!(
        refused(&plain_handler(), Request::plain(&message), 400).await,
        CallbackError::UnsupportedEvent {
            event_type: "im.message.receive_v1".into()
        }
    );
    let legacy = json!({
        "open_id": "ou_1", "tenant_key": "t", "open_message_id": "om_1", "token": "c-1",
        "action": {"value": {"k": "v"}, "tag": "button"}
    });
    assert!(matches!(
        refused(&plain_handler(), Request::plain(&legacy), 400).await,
        CallbackError::UnsupportedEvent { .. }
    ));
}

#[tokio::test]
async fn malformed_card_action() {
    let mut no_token = card_action("e-bad", button(json!("ok")));
    no_token["event"].as_object_mut().unwrap().remove("token");
    let err = refused(&plain_handler(), Request::plain(&no_token), 400).await;
    assert!(
        matches!(&err, CallbackError::Malformed { reason } if reason.contains("token")),
        "{err:?}"
    );

    let mut wrong_type = card_action("e-bad", button(json!("ok")));
    wrong_type["event"]["action"]["checked"] = json!("yes");
    assert!(matches!(
        refused(&plain_handler(), Request::plain(&wrong_type), 400).await,
        CallbackError::Malformed { .. }
    ));

    let mut old_schema = card_action("e-bad", button(json!("ok")));
    old_schema["schema"] = json!("1.0");
    assert!(matches!(
        refused(&plain_handler(), Request::plain(&old_schema), 400).await,
        CallbackError::Malformed { .. }
    ));
}

#[tokio::test(flavor = "current_thread")]
async fn each_refusal_logs_one_line_without_secrets() {
    let (logs, _guard) = Logs::capture();
    let handler = sealed_handler();
    let action = card_action("e-log", button(json!("ok")));
    let cases = vec![
        Request::raw(vec![b'x'; 1024 * 1024 + 1]),
        Request::raw("nope"),
        Request::raw(json!({"encrypt": "%%%"}).to_string()).signed(),
        Request::raw(json!({"encrypt": base64_of(&[1; 40])}).to_string()).signed(),
        Request::sealed(&action).with_header("X-Lark-Signature", &"a".repeat(64)),
        Request::raw(seal(KEY, action.to_string().as_bytes())).signed_at(now() - 3600),
        Request::raw(seal(KEY, action.to_string().as_bytes())),
        Request::sealed(&challenge("v-wrong")),
    ];
    let count = cases.len();
    for req in cases {
        let answer = send(&handler, &req, &Calls::default()).await;
        assert!(answer.status() >= 400);
    }
    let lines = logs.at_least(Level::WARN);
    assert_eq!(lines.len(), count, "{lines:#?}");
    for line in &lines {
        assert!(line.text.contains("card callback refused"), "{line:?}");
        for secret in [TOKEN, KEY, "c-295ee57216a5dc9de90fefd0aadb4b1d7d337c7a"] {
            assert!(!line.text.contains(secret), "secret in {line:?}");
        }
    }
}

fn base64_of(bytes: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

fn decrypts_with_valid_padding(field: &str) -> bool {
    card_client::callback::decrypt(KEY, field).is_ok()
}
