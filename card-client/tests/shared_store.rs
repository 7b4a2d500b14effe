//! Clients sharing one `MemoryStore` behave as replicas sharing Redis: one token, strictly
//! increasing sequences and one budget per card, two uses per callback token; and a store made
//! for another app is refused. Runs everywhere; `redis_replicas.rs` runs the same against a
//! real Redis.

mod common;

use card_client::emulator::Emulator;
use card_client::store::MemoryStore;
use card_client::{
    CallbackToken, CallbackTokenError, Client, CreateCard, DelayedUpdate, Error, StreamText,
};
use common::sequences_on;
use serde_json::json;

async fn three_replicas() -> (Emulator, Vec<Client>) {
    let feishu = Emulator::builder()
        .speed(common::SPEED)
        .start()
        .await
        .expect("the emulator binds a loopback port");
    let store = MemoryStore::new(feishu.app_id());
    let clients = (0..3)
        .map(|_| {
            feishu
                .client()
                .store(store.clone())
                .build()
                .expect("the client builds")
        })
        .collect();
    (feishu, clients)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn clients_sharing_a_store_keep_one_sequence_one_budget_and_one_token() {
    let (feishu, clients) = three_replicas().await;
    let card = json!({"schema": "2.0", "config": {"streaming_mode": true},
        "body": {"elements": [{"tag": "markdown", "element_id": "md", "content": "…"}]}});
    let card_id = clients[0]
        .cards()
        .create(CreateCard::new(card))
        .await
        .expect("created");
    let mut tasks = Vec::new();
    for (r, client) in clients.iter().enumerate() {
        let client = client.clone();
        let card_id = card_id.clone();
        tasks.push(tokio::spawn(async move {
            for i in 0..15 {
                client
                    .elements(&card_id)
                    .stream_text(StreamText::new("md", format!("{r}:{i}")))
                    .await?;
            }
            Ok::<(), Error>(())
        }));
    }
    for task in tasks {
        task.await.expect("joins").expect("every update succeeds");
    }
    let sequences = sequences_on(&feishu, &card_id);
    assert_eq!(sequences.len(), 45, "{sequences:?}");
    assert!(sequences.windows(2).all(|w| w[0] < w[1]), "{sequences:?}");
    assert_eq!(feishu.rate_violations(), 0);
    let tokens = feishu
        .requests()
        .iter()
        .filter(|r| r.path.contains("tenant_access_token"))
        .count();
    assert_eq!(tokens, 1);
}

#[tokio::test]
async fn a_callback_token_is_used_twice_in_all() {
    let (feishu, clients) = three_replicas().await;
    let shared = json!({"schema": "2.0", "config": {"update_multi": true},
        "body": {"elements": [{"tag": "markdown", "content": "v0"}]}});
    let sent = clients[0]
        .messages()
        .send(card_client::SendMessage::to_chat("oc_team", shared.clone()))
        .await
        .expect("sent");
    let token = feishu.mint_callback_token(&sent.message_id).expect("token");
    for client in &clients[..2] {
        client
            .delayed()
            .update(
                &CallbackToken::new(token.clone()),
                DelayedUpdate::new(shared.clone()),
            )
            .await
            .expect("two uses");
    }
    let err = clients[2]
        .delayed()
        .update(&CallbackToken::new(token), DelayedUpdate::new(shared))
        .await
        .expect_err("a third use");
    assert!(
        matches!(
            err,
            Error::CallbackToken(CallbackTokenError::UsedUp { uses: 2 })
        ),
        "{err}"
    );
}

#[test]
fn a_store_of_another_app_is_refused() {
    let err = Client::builder("cli_a", "secret")
        .store(MemoryStore::new("cli_b"))
        .build()
        .expect_err("another app's store");
    assert!(err.to_string().contains("one store per app"), "{err}");
}
