//! Client overhead per request against the emulator on loopback, next to a bare reqwest POST
//! to the same emulator: the difference is what the client adds (validation, encoding, token
//! cache, sequencer, retry bookkeeping, decoding).

use criterion::{criterion_group, criterion_main, Criterion};
use serde_json::json;

use card_client::emulator::Emulator;
use card_client::{CreateCard, PatchElement, SendMessage};

fn card() -> serde_json::Value {
    json!({
        "schema": "2.0",
        "config": {"summary": {"content": "bench"}},
        "body": {"elements": [
            {"tag": "markdown", "element_id": "title", "content": "**Deploy** finished"},
            {"tag": "markdown", "element_id": "answer", "content": "All checks passed."}
        ]}
    })
}

fn overhead(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    // A fast clock (10,000 emulated seconds per real second) keeps the per-card budget of 10
    // operations per emulated second from dominating the element benchmark, which measures
    // the client's overhead, not the budget. Tokens then last 0.7 s of real time: the client
    // fetches one a few times per run, which is part of its real cost too.
    let feishu = runtime.block_on(async {
        Emulator::builder()
            .speed(10_000.0)
            .start()
            .await
            .expect("emulator")
    });
    let client = feishu.client().build().expect("client");
    let card_id = runtime.block_on(async {
        client
            .cards()
            .create(CreateCard::new(card()))
            .await
            .expect("card")
    });
    let http = reqwest::Client::new();
    let base = feishu.base_url();
    let token = runtime.block_on(async {
        let answer: serde_json::Value = serde_json::from_slice(
            &http
                .post(format!(
                    "{base}/open-apis/auth/v3/tenant_access_token/internal"
                ))
                .body(
                    json!({"app_id": feishu.app_id(), "app_secret": feishu.app_secret()})
                        .to_string(),
                )
                .send()
                .await
                .expect("token")
                .bytes()
                .await
                .expect("body"),
        )
        .expect("json");
        answer["tenant_access_token"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    });

    // The local work a send does before and after the network, to tell client cost from
    // loopback cost.
    c.bench_function("local/validate_card", |b| {
        let card = card();
        b.iter(|| card_core::validate::validate_value(std::hint::black_box(&card)))
    });
    c.bench_function("local/encode_send_body", |b| {
        let card = card();
        b.iter(|| {
            json!({
                "receive_id": "oc_bench",
                "msg_type": "interactive",
                "content": serde_json::to_string(std::hint::black_box(&card)).expect("json"),
                "uuid": "8c1f2a9e-6a51-4f0e-9a2b-3f3c1a7d5e21",
            })
            .to_string()
        })
    });

    let mut group = c.benchmark_group("per_request");
    group.bench_function("bare_reqwest_send", |b| {
        let body = json!({
            "receive_id": "oc_bench",
            "msg_type": "interactive",
            "content": card().to_string(),
        })
        .to_string();
        b.to_async(&runtime).iter(|| async {
            let response = http
                .post(format!(
                    "{base}/open-apis/im/v1/messages?receive_id_type=chat_id"
                ))
                .header("Authorization", format!("Bearer {token}"))
                .header("Content-Type", "application/json; charset=utf-8")
                .body(body.clone())
                .send()
                .await
                .expect("answer");
            let _ = response.bytes().await.expect("body");
        })
    });
    // The same bare POST through a reqwest client configured as card-client configures its
    // own (request and connect timeouts), to separate reqwest's timer cost from the client's.
    let timed = reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(30))
        .connect_timeout(std::time::Duration::from_secs(10))
        .build()
        .expect("reqwest client");
    group.bench_function("bare_reqwest_send_with_timeouts", |b| {
        let body = json!({
            "receive_id": "oc_bench",
            "msg_type": "interactive",
            "content": card().to_string(),
        })
        .to_string();
        b.to_async(&runtime).iter(|| async {
            let response = timed
                .post(format!(
                    "{base}/open-apis/im/v1/messages?receive_id_type=chat_id"
                ))
                .header("Authorization", format!("Bearer {token}"))
                .header("Content-Type", "application/json; charset=utf-8")
                .body(body.clone())
                .send()
                .await
                .expect("answer");
            let _ = response.bytes().await.expect("body");
        })
    });
    // The client's exact request (with a fresh `uuid`), sent bare: the emulator's share of
    // handling an idempotent send.
    group.bench_function("bare_reqwest_send_with_uuid", |b| {
        let content = card().to_string();
        b.to_async(&runtime).iter(|| async {
            let body = json!({
                "receive_id": "oc_bench",
                "msg_type": "interactive",
                "content": content,
                "uuid": uuid::Uuid::new_v4().to_string(),
            })
            .to_string();
            let response = http
                .post(format!(
                    "{base}/open-apis/im/v1/messages?receive_id_type=chat_id"
                ))
                .header("Authorization", format!("Bearer {token}"))
                .header("Content-Type", "application/json; charset=utf-8")
                .body(body)
                .send()
                .await
                .expect("answer");
            let _ = response.bytes().await.expect("body");
        })
    });
    group.bench_function("client_send", |b| {
        b.to_async(&runtime).iter(|| async {
            client
                .messages()
                .send(SendMessage::to_chat("oc_bench", card()))
                .await
                .expect("sent")
        })
    });
    // A bare element patch on a second card, with the sequence counted by hand.
    let bare_card = runtime.block_on(async {
        client
            .cards()
            .create(CreateCard::new(card()))
            .await
            .expect("card")
    });
    let sequence = std::sync::atomic::AtomicU64::new(0);
    group.bench_function("bare_reqwest_element_patch", |b| {
        b.to_async(&runtime).iter(|| async {
            let seq = sequence.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1;
            let body = json!({
                "partial_element": json!({"content": "patched"}).to_string(),
                "uuid": uuid::Uuid::new_v4().to_string(),
                "sequence": seq,
            })
            .to_string();
            let response = http
                .patch(format!(
                    "{base}/open-apis/cardkit/v1/cards/{bare_card}/elements/answer"
                ))
                .header("Authorization", format!("Bearer {token}"))
                .header("Content-Type", "application/json; charset=utf-8")
                .body(body)
                .send()
                .await
                .expect("answer");
            let _ = response.bytes().await.expect("body");
        })
    });
    group.bench_function("client_element_patch", |b| {
        b.to_async(&runtime).iter(|| async {
            client
                .elements(&card_id)
                .patch(PatchElement::new("answer", json!({"content": "patched"})))
                .await
                .expect("patched")
        })
    });
    group.finish();
}

criterion_group!(benches, overhead);
criterion_main!(benches);
