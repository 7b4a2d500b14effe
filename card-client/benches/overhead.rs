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
    group.bench_function("client_send", |b| {
        b.to_async(&runtime).iter(|| async {
            client
                .messages()
                .send(SendMessage::to_chat("oc_bench", card()))
                .await
                .expect("sent")
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
