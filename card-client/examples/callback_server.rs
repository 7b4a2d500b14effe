//! A bot's callback server, clicked by a local Feishu.
//!
//! The bot sends an approval card, serves `/feishu/card` with axum, and answers a click with a
//! slow approval: past the deadline the handler answers Feishu with the fallback toast, and the
//! approved card follows as a delayed update. The emulator stands in for Feishu and plays the
//! user: its click becomes a callback encrypted and signed as Feishu does, POSTed to the bot.
//!
//! ```text
//! cargo run -p card-client --example callback_server --features axum,emulator
//! ```

use std::time::Duration;

use card_client::callback::{self, Answer, CallbackConfig, CardAction, Deferred, Toast};
use card_client::emulator::{Emulator, UserIdentity};
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
    let feishu = Emulator::builder()
        .verification_token(VERIFICATION_TOKEN)
        .encrypt_key(ENCRYPT_KEY)
        .user(UserIdentity::new("ou_7d8a6e6df7621556ce0d21922b676706").name("Alice"))
        .start()
        .await?;
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
    feishu.set_callback_url(url);

    // Alice clicks "Approve": Feishu encrypts the callback, signs it and POSTs it to the bot.
    let click = feishu
        .user("ou_7d8a6e6df7621556ce0d21922b676706")
        .click(&sent.message_id, "Approve")
        .await?;
    println!(
        "The bot answered HTTP {:?} in {:?}; Alice sees the toast {:?}",
        click.status,
        click.elapsed,
        click.toast.as_ref().and_then(|t| t.content.as_deref()),
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
