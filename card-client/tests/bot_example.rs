//! How a bot author tests their own bot against the emulator: the bot code takes a `Client`,
//! the test points that client at a local Feishu and checks what users would see.

use card_client::emulator::{Emulator, Fault};
use card_client::{
    CardContent, CardSettings, Client, CreateCard, Error, SendMessage, StreamText, UpdateSettings,
};
use serde_json::json;

/// The bot under test: answers in a chat with a streamed card.
async fn answer(client: &Client, chat_id: &str, words: &[&str]) -> Result<String, Error> {
    let card_id = client
        .cards()
        .create(CreateCard::new(json!({
            "schema": "2.0",
            "config": {"streaming_mode": true},
            "body": {"elements": [{"tag": "markdown", "element_id": "answer", "content": "…"}]}
        })))
        .await?;
    client
        .messages()
        .send(SendMessage::to_chat(chat_id, CardContent::entity(&card_id)))
        .await?;
    let mut text = String::new();
    for word in words {
        text.push_str(word);
        client
            .elements(&card_id)
            .stream_text(StreamText::new("answer", text.clone()))
            .await?;
    }
    client
        .cards()
        .settings(UpdateSettings::new(
            &card_id,
            CardSettings::streaming(false),
        ))
        .await?;
    Ok(card_id)
}

#[tokio::test]
async fn the_bot_streams_its_answer_into_one_message() {
    let feishu = Emulator::builder()
        .speed(20.0)
        .start()
        .await
        .expect("emulator");
    let client = feishu.client().build().expect("client");

    // Feishu has a bad moment halfway through; the bot's answer still arrives whole.
    feishu.inject(Fault::server_error(503).on_path("/content"));

    let card_id = answer(
        &client,
        "oc_support",
        &["Try ", "turning it ", "off and on."],
    )
    .await
    .expect("answered");

    let messages = feishu.messages_in_chat("oc_support");
    assert_eq!(messages.len(), 1, "one message, however the stream went");
    assert_eq!(messages[0].card_id.as_deref(), Some(card_id.as_str()));
    assert_eq!(
        messages[0].card["body"]["elements"][0]["content"],
        "Try turning it off and on."
    );
    assert_eq!(
        feishu.card(&card_id).expect("entity").streaming,
        card_client::emulator::Streaming::Off
    );
}
