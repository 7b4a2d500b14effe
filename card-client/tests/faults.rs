//! Injected faults: every operation completes or returns a typed error, retried sends never
//! make a second message, tokens are refreshed once.

mod common;

use std::collections::HashMap;
use std::time::Duration;

use card_client::emulator::{Emulator, Fault};
use card_client::{
    AddElements, BatchAction, BatchUpdate, CallbackToken, CardContent, CardSettings, Client,
    CreateCard, DelayedUpdate, DeleteElement, Error, PatchElement, PatchMessage, Position,
    ReplyMessage, RetryPolicy, SendMessage, StreamText, UpdateCard, UpdateElement, UpdateSettings,
};
use common::{card, client_with, codes, setup, streaming_card};
use serde_json::json;

#[tokio::test]
async fn a_rate_limit_is_waited_out_for_as_long_as_feishu_says() {
    let (feishu, client) = setup().await;
    feishu.inject(Fault::rate_limit(2));
    client
        .messages()
        .send(SendMessage::to_chat("oc_team", card("x")))
        .await
        .expect("sent after the reset");
    // The emulator answers 429 to anything arriving before the reset: a single 429 shows that
    // the client waited the full two seconds (emulator time) before retrying.
    assert_eq!(codes(&feishu), [Some(99991400), Some(0)]);
    assert_eq!(feishu.messages_in_chat("oc_team").len(), 1);
}

#[tokio::test]
async fn a_rate_limit_longer_than_max_wait_is_returned_with_its_reset() {
    let (feishu, _) = setup().await;
    let client = client_with(
        &feishu,
        RetryPolicy::default().max_wait(Duration::from_secs(5)),
    );
    feishu.inject(Fault::rate_limit(30));
    let err = client
        .messages()
        .send(SendMessage::to_chat("oc_team", card("x")))
        .await
        .expect_err("too long to wait");
    assert!(err.is_rate_limited());
    assert_eq!(err.retry_after(), Some(Duration::from_secs(30)));
    assert!(err.to_string().contains("99991400"), "{err}");
}

#[tokio::test]
async fn server_errors_are_retried_and_give_up_after_max_retries() {
    let (feishu, client) = setup().await;
    feishu.inject(Fault::server_error(503).times(2));
    client
        .messages()
        .send(SendMessage::to_chat("oc_team", card("x")))
        .await
        .expect("third attempt succeeds");
    assert_eq!(feishu.messages_in_chat("oc_team").len(), 1);

    feishu.inject(Fault::server_error(502).times(10));
    let err = client
        .messages()
        .send(SendMessage::to_chat("oc_team", card("y")))
        .await
        .expect_err("gives up");
    assert!(matches!(err, Error::Decode { status: 502, .. }), "{err:?}");
    assert!(err.is_retryable());
    feishu.clear_faults();
    let attempts = feishu
        .requests()
        .iter()
        .filter(|r| r.status == Some(502))
        .count();
    assert_eq!(attempts, 4, "the first attempt and 3 retries");

    feishu.inject(Fault::api_error(500, 1500, "internal error"));
    client
        .messages()
        .send(SendMessage::to_chat("oc_team", card("z")))
        .await
        .expect("a transient code is retried");
}

#[tokio::test]
async fn a_send_whose_answer_is_lost_never_makes_a_second_message() {
    let (feishu, client) = setup().await;
    for fault in [
        Fault::drop_connection().after_processing(),
        Fault::server_error(500).after_processing(),
        Fault::drop_connection().after_processing().times(2),
    ] {
        feishu.inject(fault);
        let chat = format!("oc_{}", feishu.messages().len());
        let sent = client
            .messages()
            .send(SendMessage::to_chat(&chat, card("once")))
            .await
            .expect("sent");
        let in_chat = feishu.messages_in_chat(&chat);
        assert_eq!(in_chat.len(), 1, "one message in {chat}");
        assert_eq!(in_chat[0].message_id, sent.message_id);
        let uuids: Vec<_> = feishu
            .requests()
            .into_iter()
            .filter(|r| r.path == "/open-apis/im/v1/messages")
            .filter_map(|r| r.uuid)
            .collect();
        let last = uuids.last().expect("uuid sent");
        assert!(
            uuids.iter().filter(|u| *u == last).count() >= 2,
            "retried with the same uuid"
        );
    }
    // A reply too.
    let parent = feishu.messages()[0].message_id.clone();
    feishu.inject(Fault::drop_connection().after_processing());
    client
        .messages()
        .reply(ReplyMessage::new(&parent, card("reply once")))
        .await
        .expect("replied");
    let replies = feishu
        .messages()
        .into_iter()
        .filter(|m| m.parent_id.as_deref() == Some(parent.as_str()))
        .count();
    assert_eq!(replies, 1);
}

#[tokio::test]
async fn a_slow_answer_times_out_and_the_retry_finds_the_first_message() {
    let feishu = Emulator::builder()
        .speed(common::SPEED)
        .start()
        .await
        .expect("emulator");
    let client = feishu
        .client()
        .timeout(Duration::from_millis(300))
        .build()
        .expect("client");
    feishu.inject(Fault::slow(Duration::from_secs(2)).after_processing());
    let sent = client
        .messages()
        .send(SendMessage::to_chat("oc_team", card("slow")))
        .await
        .expect("sent");
    let in_chat = feishu.messages_in_chat("oc_team");
    assert_eq!(in_chat.len(), 1);
    assert_eq!(in_chat[0].message_id, sent.message_id);
}

#[tokio::test]
async fn a_cardkit_write_whose_answer_is_lost_is_applied_once() {
    let (feishu, client) = setup().await;
    let card_id = client
        .cards()
        .create(CreateCard::new(streaming_card()))
        .await
        .expect("created");
    feishu.inject(Fault::drop_connection().after_processing());
    client
        .elements(&card_id)
        .add(AddElements::new(
            Position::append(),
            vec![json!({"tag": "markdown", "element_id": "once", "content": "once"})],
        ))
        .await
        .expect("added");
    let json = feishu.card(&card_id).expect("entity").json;
    let count = json["body"]["elements"]
        .as_array()
        .expect("elements")
        .iter()
        .filter(|e| e["element_id"] == "once")
        .count();
    assert_eq!(count, 1);
    let writes: Vec<_> = feishu
        .requests()
        .into_iter()
        .filter(|r| r.path.ends_with("/elements"))
        .collect();
    assert_eq!(writes.len(), 2);
    assert_eq!(writes[0].uuid, writes[1].uuid, "the retry reuses the uuid");
    assert!(
        writes[1].sequence > writes[0].sequence,
        "and takes a new sequence"
    );
}

#[tokio::test]
async fn an_expired_token_is_refreshed_once() {
    let (feishu, client) = setup().await;
    client
        .messages()
        .send(SendMessage::to_chat("oc_team", card("1")))
        .await
        .expect("sent");
    feishu.expire_tokens();
    client
        .messages()
        .send(SendMessage::to_chat("oc_team", card("2")))
        .await
        .expect("sent after a refresh");
    let log: Vec<_> = feishu
        .requests()
        .into_iter()
        .map(|r| (r.path.contains("tenant_access_token"), r.code))
        .collect();
    assert_eq!(
        log,
        [
            (true, Some(0)),
            (false, Some(0)),
            (false, Some(99991663)),
            (true, Some(0)),
            (false, Some(0))
        ]
    );

    // The token also runs out on the clock: 2 hours.
    feishu.advance(Duration::from_secs(2 * 3600));
    client
        .messages()
        .send(SendMessage::to_chat("oc_team", card("3")))
        .await
        .expect("sent after a refresh");
    assert_eq!(feishu.messages_in_chat("oc_team").len(), 3);
}

#[tokio::test]
async fn a_token_refused_twice_is_returned() {
    let (feishu, client) = setup().await;
    feishu.inject(Fault::api_error(400, 99991663, "Invalid access token").times(2));
    let err = client
        .messages()
        .send(SendMessage::to_chat("oc_team", card("x")))
        .await
        .expect_err("refused twice");
    assert!(err.is_token_error());
    assert_eq!(err.code(), Some(99991663));
    let tokens = feishu
        .requests()
        .iter()
        .filter(|r| r.path.contains("tenant_access_token"))
        .count();
    assert_eq!(tokens, 2, "one initial fetch and one refresh");

    let wrong = Client::builder(feishu.app_id(), "wrong-secret")
        .base_url(feishu.base_url())
        .build()
        .expect("client");
    let err = wrong
        .messages()
        .send(SendMessage::to_chat("oc_team", card("x")))
        .await
        .expect_err("bad secret");
    assert_eq!(err.code(), Some(10015));
}

#[tokio::test]
async fn feishu_card_errors_are_never_retried() {
    let (feishu, client) = setup().await;
    feishu.inject(Fault::api_error(
        400,
        230099,
        "Failed to create card content, ext=ErrCode: 200861; ErrPath: ROOT -> body -> elements -> [0]; ErrMsg: tag not supported in 2.0; ",
    ));
    let err = client
        .messages()
        .send(SendMessage::to_chat("oc_team", card("x")))
        .await
        .expect_err("refused");
    let api = err.api().expect("api error");
    let card_error = api.card_error.as_ref().expect("parsed");
    assert_eq!(card_error.code, Some(200861));
    assert_eq!(
        card_error.path.as_deref(),
        Some("ROOT -> body -> elements -> [0]")
    );
    assert_eq!(
        card_error.message.as_deref(),
        Some("tag not supported in 2.0")
    );
    assert_eq!(codes(&feishu).len(), 1, "no retry");
}

#[tokio::test]
async fn a_delayed_update_is_not_repeated_when_it_may_have_been_applied() {
    let (feishu, client) = setup().await;
    let sent = client
        .messages()
        .send(SendMessage::to_chat("oc_team", card("pending")))
        .await
        .expect("sent");
    let token = CallbackToken::new(feishu.mint_callback_token(&sent.message_id).expect("token"));
    feishu.inject(Fault::server_error(503).on_path("/interactive/"));
    let err = client
        .delayed()
        .update(&token, DelayedUpdate::new(card("approved")))
        .await
        .expect_err("not retried");
    assert!(matches!(err, Error::Decode { status: 503, .. }));
    assert_eq!(token.uses(), 1);
    feishu.inject(Fault::rate_limit(1).on_path("/interactive/"));
    client
        .delayed()
        .update(&token, DelayedUpdate::new(card("approved")))
        .await
        .expect("a rate limit is waited out");
    assert_eq!(token.uses(), 2);
}

/// Runs every operation once; returns how each ended.
async fn every_operation(
    client: &Client,
    feishu: &Emulator,
    round: usize,
) -> Vec<(&'static str, Result<(), Error>)> {
    let mut out = Vec::new();
    let chat = format!("oc_round{round}");
    let sent = client
        .messages()
        .send(SendMessage::to_chat(&chat, card("send")).uuid(format!("send-{round}")))
        .await;
    let message_id = sent.as_ref().ok().map(|m| m.message_id.clone());
    out.push(("send", sent.map(|_| ())));
    if let Some(id) = &message_id {
        out.push((
            "reply",
            client
                .messages()
                .reply(ReplyMessage::new(id, card("reply")).uuid(format!("reply-{round}")))
                .await
                .map(|_| ()),
        ));
        out.push((
            "patch",
            client
                .messages()
                .patch(PatchMessage::new(id, card("patched")))
                .await,
        ));
        if let Some(token) = feishu.mint_callback_token(id) {
            out.push((
                "delayed",
                client
                    .delayed()
                    .update(
                        &CallbackToken::new(token),
                        DelayedUpdate::new(card("delayed")),
                    )
                    .await,
            ));
        }
        out.push((
            "id_convert",
            client.cards().id_convert(id).await.map(|_| ()),
        ));
    }
    let created = client
        .cards()
        .create(CreateCard::new(streaming_card()))
        .await;
    let card_id = created.as_ref().ok().cloned();
    out.push(("create", created.map(|_| ())));
    if let Some(card_id) = card_id {
        let el = client.elements(&card_id);
        out.push((
            "content",
            el.stream_text(StreamText::new("answer", "hello")).await,
        ));
        out.push((
            "add",
            el.add(AddElements::new(
                Position::append(),
                vec![json!({"tag": "markdown", "element_id": "added", "content": "x"})],
            ))
            .await,
        ));
        out.push((
            "element_update",
            el.update(UpdateElement::new(
                "title",
                json!({"tag": "markdown", "element_id": "title", "content": "T"}),
            ))
            .await,
        ));
        out.push((
            "element_patch",
            el.patch(PatchElement::new("answer", json!({"content": "patched"})))
                .await,
        ));
        out.push((
            "element_delete",
            el.delete(DeleteElement::new("cols")).await,
        ));
        out.push((
            "settings",
            client
                .cards()
                .settings(UpdateSettings::new(
                    &card_id,
                    CardSettings::streaming(false),
                ))
                .await,
        ));
        out.push((
            "batch_update",
            client
                .cards()
                .batch_update(BatchUpdate::new(
                    &card_id,
                    vec![BatchAction::PartialUpdateElement {
                        element_id: "answer".into(),
                        partial_element: json!({"content": "batched"}),
                    }],
                ))
                .await,
        ));
        out.push((
            "update",
            client
                .cards()
                .update(UpdateCard::new(&card_id, card("final")))
                .await,
        ));
        out.push((
            "send_entity",
            client
                .messages()
                .send(SendMessage::to_chat(&chat, CardContent::entity(&card_id)))
                .await
                .map(|_| ()),
        ));
    }
    out
}

#[tokio::test]
async fn under_random_faults_every_operation_completes_or_fails_typed() {
    let feishu = Emulator::builder()
        .speed(common::SPEED)
        .seed(20260101)
        .start()
        .await
        .expect("emulator");
    let client = feishu
        .client()
        .timeout(Duration::from_millis(500))
        .retry_policy(RetryPolicy::default().max_retries(4))
        .build()
        .expect("client");
    feishu.inject(Fault::rate_limit(1).probability(0.05));
    feishu.inject(Fault::server_error(503).probability(0.1));
    feishu.inject(Fault::drop_connection().probability(0.05));
    feishu.inject(
        Fault::drop_connection()
            .after_processing()
            .probability(0.05),
    );
    feishu.inject(
        Fault::server_error(500)
            .after_processing()
            .probability(0.05),
    );
    let mut outcomes: HashMap<&str, (u32, u32)> = HashMap::new();
    for round in 0..6 {
        for (op, result) in every_operation(&client, &feishu, round).await {
            let entry = outcomes.entry(op).or_default();
            match result {
                Ok(()) => entry.0 += 1,
                Err(err) => {
                    entry.1 += 1;
                    // Typed: a transport failure, a Feishu answer, or an unreadable answer.
                    // A retried write can meet the effect of its own lost first attempt
                    // (the element it added already exists), which Feishu reports as an error.
                    assert!(
                        matches!(
                            err,
                            Error::Transport { .. } | Error::Api(_) | Error::Decode { .. }
                        ),
                        "{op}: {err:?}"
                    );
                    assert!(!err.to_string().is_empty());
                }
            }
        }
    }
    feishu.clear_faults();
    assert!(outcomes["send"].0 > 0, "{outcomes:?}");
    // However the faults fell, each uuid made at most one message.
    let mut per_uuid: HashMap<String, usize> = HashMap::new();
    for m in feishu.messages() {
        if let Some(uuid) = m.uuid {
            *per_uuid.entry(uuid).or_default() += 1;
        }
    }
    assert!(per_uuid.values().all(|&n| n == 1), "{per_uuid:?}");
    assert_eq!(feishu.rate_violations(), 0);
}
