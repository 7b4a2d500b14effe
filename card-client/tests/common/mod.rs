//! Shared helpers for the emulator-backed tests.

#![allow(dead_code)]

use card_client::emulator::Emulator;
use card_client::{Client, RetryPolicy};
use serde_json::{json, Value};

/// The emulator's clock runs this much faster than real time, and the client's waits are
/// scaled to match, so rate windows and backoffs cost milliseconds.
pub const SPEED: f64 = 20.0;

pub async fn setup() -> (Emulator, Client) {
    let feishu = Emulator::builder()
        .speed(SPEED)
        .start()
        .await
        .expect("the emulator binds a loopback port");
    let client = feishu.client().build().expect("the client builds");
    (feishu, client)
}

pub fn client_with(feishu: &Emulator, policy: RetryPolicy) -> Client {
    feishu
        .client()
        .retry_policy(policy)
        .build()
        .expect("the client builds")
}

/// A valid card with one markdown element.
pub fn card(text: &str) -> Value {
    json!({
        "schema": "2.0",
        "body": {"elements": [{"tag": "markdown", "element_id": "md", "content": text}]}
    })
}

/// A valid card in streaming mode with a markdown element `answer` and a form container.
pub fn streaming_card() -> Value {
    json!({
        "schema": "2.0",
        "config": {"streaming_mode": true, "summary": {"content": "thinking"}},
        "body": {"elements": [
            {"tag": "markdown", "element_id": "title", "content": "Title"},
            {"tag": "markdown", "element_id": "answer", "content": "…"},
            {"tag": "column_set", "element_id": "cols", "columns": [
                {"tag": "column", "element_id": "col_a", "elements": [
                    {"tag": "markdown", "element_id": "in_col", "content": "a"}
                ]}
            ]}
        ]}
    })
}

/// Element ids of the card body, in order.
pub fn body_ids(card: &Value) -> Vec<String> {
    card["body"]["elements"]
        .as_array()
        .map(|items| {
            items
                .iter()
                .map(|e| e["element_id"].as_str().unwrap_or("").to_owned())
                .collect()
        })
        .unwrap_or_default()
}

/// Sequences the emulator saw on one card's CardKit writes, in arrival order.
pub fn sequences_on(feishu: &Emulator, card_id: &str) -> Vec<i64> {
    feishu
        .requests()
        .iter()
        .filter(|r| r.path.contains(card_id) && r.sequence.is_some())
        .filter_map(|r| r.sequence)
        .collect()
}

/// Codes the emulator answered, in arrival order, excluding the token endpoint.
pub fn codes(feishu: &Emulator) -> Vec<Option<i64>> {
    feishu
        .requests()
        .iter()
        .filter(|r| !r.path.contains("tenant_access_token"))
        .map(|r| r.code)
        .collect()
}
