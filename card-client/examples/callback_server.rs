//! A bot's callback server, clicked by a local Feishu.
//!
//! The bot sends an approval card, serves `/feishu/card` with axum, and answers a click with a
//! slow approval: past the deadline the handler answers Feishu with the fallback toast, and the
//! approved card follows as a delayed update. The emulator stands in for Feishu, and this file
//! plays the user's click by POSTing a callback encrypted and signed as Feishu does.
//!
//! ```text
//! cargo run -p card-client --example callback_server --features axum,emulator
//! ```

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use card_client::callback::{self, Answer, CallbackConfig, CardAction, Deferred, Toast};
use card_client::emulator::Emulator;
use card_client::SendMessage;
use serde::Deserialize;
use serde_json::{json, Value};

const VERIFICATION_TOKEN: &str = "v-example-verification-token";
const ENCRYPT_KEY: &str = "example-encrypt-key";

#[derive(Deserialize)]
#[serde(tag = "do", rename_all = "snake_case")]
enum Click {
    Approve { request: u32 },
    Reject { request: u32 },
}

fn card(text: &str, buttons: bool) -> Value {
    let mut elements = vec![json!({"tag": "markdown", "content": text})];
    if buttons {
        for (label, action) in [("Approve", "approve"), ("Reject", "reject")] {
            elements.push(json!({
                "tag": "button",
                "text": {"tag": "plain_text", "content": label},
                "behaviors": [{"type": "callback", "value": {"do": action, "request": 1204}}]
            }));
        }
    }
    json!({"schema": "2.0", "body": {"elements": elements}})
}

/// The bot's callback function.
async fn on_card(action: CardAction, _later: Deferred) -> Answer {
    match action.value::<Click>() {
        Ok(Click::Approve { request }) => {
            // Slower than Feishu's 3 seconds: the fallback toast answers, this card follows.
            tokio::time::sleep(Duration::from_secs(4)).await;
            let by = &action.operator.open_id;
            Answer::toast(Toast::success("Approved")).card(card(
                &format!("Request #{request} **approved** by {by}"),
                false,
            ))
        }
        Ok(Click::Reject { request }) => {
            Answer::toast(Toast::warning(format!("#{request} rejected")))
                .card(card(&format!("Request #{request} rejected"), false))
        }
        Err(e) => Answer::toast(Toast::error(format!("Unknown button: {e}"))),
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let feishu = Emulator::start().await?;
    let client = feishu.client().build()?;
    let sent = client
        .messages()
        .send(SendMessage::to_chat(
            "oc_approvals",
            card("Request #1204: 2 days off", true),
        ))
        .await?;

    let handler = CallbackConfig::new(VERIFICATION_TOKEN)
        .encrypt_key(ENCRYPT_KEY)
        .client(client)
        .fallback(Answer::toast(Toast::info("Approving…")))
        .build();
    let app = axum::Router::new().route(
        "/feishu/card",
        callback::axum::post(handler.clone(), on_card),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}/feishu/card", listener.local_addr()?);
    tokio::spawn(async move { axum::serve(listener, app).await });

    // The user clicks "Approve": Feishu encrypts the callback, signs it and POSTs it.
    let click = json!({
        "schema": "2.0",
        "header": {"event_id": "5e3702a84e847582be8db7fb73283c02", "token": VERIFICATION_TOKEN,
                   "create_time": "1700000000000000", "event_type": "card.action.trigger",
                   "tenant_key": "736588c9260f175d", "app_id": feishu.app_id()},
        "event": {
            "operator": {"open_id": "ou_7d8a6e6df7621556ce0d21922b676706"},
            "token": feishu.mint_callback_token(&sent.message_id).unwrap_or_default(),
            "action": {"tag": "button", "value": {"do": "approve", "request": 1204}},
            "host": "im_message",
            "context": {"open_message_id": sent.message_id, "open_chat_id": "oc_approvals"}
        }
    });
    let iv: [u8; 16] = std::array::from_fn(|_| fastrand::u8(..));
    let body = json!({"encrypt": callback::encrypt(ENCRYPT_KEY, click.to_string().as_bytes(), iv)})
        .to_string();
    let timestamp = SystemTime::now()
        .duration_since(UNIX_EPOCH)?
        .as_secs()
        .to_string();
    let nonce = "b8a3e6";
    let response = reqwest::Client::new()
        .post(&url)
        .header(callback::TIMESTAMP_HEADER, &timestamp)
        .header(callback::NONCE_HEADER, nonce)
        .header(
            callback::SIGNATURE_HEADER,
            callback::signature(&timestamp, nonce, ENCRYPT_KEY, body.as_bytes()),
        )
        .body(body)
        .send()
        .await?;
    println!(
        "Feishu got HTTP {}: {}",
        response.status(),
        response.text().await?
    );

    handler.finish_background().await;
    let shown = feishu
        .message(&sent.message_id)
        .map(|m| m.card)
        .unwrap_or_default();
    println!(
        "The card now reads: {}",
        shown["body"]["elements"][0]["content"]
    );
    Ok(())
}
