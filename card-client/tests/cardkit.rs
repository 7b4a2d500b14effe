//! CardKit entities and elements against the emulator: every operation, its failure modes,
//! sequences and the per-card budget under concurrency.

mod common;

use std::time::Duration;

use card_client::emulator::Streaming;
use card_client::{
    AddElements, BatchAction, BatchUpdate, CardContent, CardSettings, CreateCard, DeleteElement,
    Error, PatchElement, Position, SendMessage, StreamText, UpdateCard, UpdateElement,
    UpdateSettings,
};
use common::{body_ids, card, sequences_on, setup, streaming_card};
use serde_json::json;

#[tokio::test]
async fn create_send_stream_and_close() {
    let (feishu, client) = setup().await;
    let card_id = client
        .cards()
        .create(CreateCard::new(streaming_card()))
        .await
        .expect("created");
    let sent = client
        .messages()
        .send(SendMessage::to_chat(
            "oc_team",
            CardContent::entity(&card_id),
        ))
        .await
        .expect("sent");
    let mut text = String::new();
    for piece in ["Hel", "lo, ", "world"] {
        text.push_str(piece);
        client
            .elements(&card_id)
            .stream_text(StreamText::new("answer", text.clone()))
            .await
            .expect("streamed");
    }
    let entity = feishu.card(&card_id).expect("entity");
    assert!(matches!(entity.streaming, Streaming::On { .. }));
    assert_eq!(
        entity.json["body"]["elements"][1]["content"],
        "Hello, world"
    );
    assert_eq!(entity.sent_in.as_deref(), Some(sent.message_id.as_str()));
    assert_eq!(
        feishu.message(&sent.message_id).expect("message").card["body"]["elements"][1]["content"],
        "Hello, world"
    );

    client
        .cards()
        .settings(UpdateSettings::new(
            &card_id,
            CardSettings::streaming(false).summary("done"),
        ))
        .await
        .expect("settings");
    let entity = feishu.card(&card_id).expect("entity");
    assert_eq!(entity.streaming, Streaming::Off);
    assert_eq!(entity.json["config"]["summary"]["content"], "done");
    assert_eq!(sequences_on(&feishu, &card_id), [1, 2, 3, 4]);
    assert_eq!(client.card_sequence(&card_id).await, Some(4));

    let closed = client
        .elements(&card_id)
        .stream_text(StreamText::new("answer", "more"))
        .await
        .expect_err("streaming is off");
    assert_eq!(closed.code(), Some(300309));
    assert!(closed.is_streaming_closed());
}

#[tokio::test]
async fn streaming_closes_itself_after_ten_minutes() {
    let (feishu, client) = setup().await;
    let card_id = client
        .cards()
        .create(CreateCard::new(streaming_card()))
        .await
        .expect("created");
    client
        .elements(&card_id)
        .stream_text(StreamText::new("answer", "early"))
        .await
        .expect("streamed");
    feishu.advance(Duration::from_secs(10 * 60));
    let late = client
        .elements(&card_id)
        .stream_text(StreamText::new("answer", "early and late"))
        .await
        .expect_err("timed out");
    assert_eq!(late.code(), Some(200850));
    assert!(late.is_streaming_closed());
    assert_eq!(
        feishu.card(&card_id).expect("entity").streaming,
        Streaming::TimedOut
    );

    // Turning it on again restarts the 10 minutes; a full update finishes the card.
    client
        .cards()
        .settings(UpdateSettings::new(&card_id, CardSettings::streaming(true)))
        .await
        .expect("re-enabled");
    client
        .elements(&card_id)
        .stream_text(StreamText::new("answer", "early and late"))
        .await
        .expect("streams again");
    client
        .cards()
        .update(UpdateCard::new(&card_id, card("final")))
        .await
        .expect("final card");
    assert_eq!(feishu.card(&card_id).expect("entity").json, card("final"));
}

#[tokio::test]
async fn stream_text_failure_modes() {
    let (feishu, client) = setup().await;
    let card_id = client
        .cards()
        .create(CreateCard::new(streaming_card()))
        .await
        .expect("created");
    let not_text = client
        .elements(&card_id)
        .stream_text(StreamText::new("cols", "x"))
        .await
        .expect_err("not a text element");
    assert_eq!(not_text.code(), Some(300310));
    let missing = client
        .elements(&card_id)
        .stream_text(StreamText::new("nope", "x"))
        .await
        .expect_err("no such element");
    assert_eq!(missing.code(), Some(300313));
    feishu.clear_requests();
    for bad in [String::new(), "x".repeat(100_001)] {
        let err = client
            .elements(&card_id)
            .stream_text(StreamText::new("answer", bad))
            .await
            .expect_err("refused locally");
        assert!(matches!(err, Error::InvalidArgument(_)), "{err}");
    }
    assert!(feishu.requests().is_empty());
}

#[tokio::test]
async fn update_replaces_the_whole_card() {
    let (feishu, client) = setup().await;
    let card_id = client
        .cards()
        .create(CreateCard::new(card("v1")))
        .await
        .expect("created");
    client
        .cards()
        .update(UpdateCard::new(&card_id, card("v2")).uuid("final-update"))
        .await
        .expect("updated");
    assert_eq!(feishu.card(&card_id).expect("entity").json, card("v2"));
    let last = feishu.requests().pop().expect("logged");
    assert_eq!(last.uuid.as_deref(), Some("final-update"));
    assert_eq!(last.method, "PUT");

    let gone = client
        .cards()
        .update(UpdateCard::new("7000000000000000001", card("x")))
        .await
        .expect_err("unknown entity");
    assert_eq!(gone.code(), Some(200740));
    assert!(gone.is_entity_gone());
    let template = client
        .cards()
        .update(UpdateCard::new(&card_id, card_client::Template::new("AAq")))
        .await
        .expect_err("templates cannot replace an entity");
    assert!(matches!(template, Error::InvalidArgument(_)));

    feishu.advance(Duration::from_secs(14 * 24 * 3600));
    let expired = client
        .cards()
        .update(UpdateCard::new(&card_id, card("v3")))
        .await
        .expect_err("older than 14 days");
    assert_eq!(expired.code(), Some(200750));
    assert!(expired.is_entity_gone());
}

#[tokio::test]
async fn create_failure_modes() {
    let (feishu, client) = setup().await;
    let entity = client
        .cards()
        .create(CreateCard::new(CardContent::entity("1")))
        .await
        .expect_err("refused locally");
    assert!(matches!(entity, Error::InvalidArgument(_)));
    assert!(feishu.requests().is_empty());

    feishu.register_template(
        "AAqkStream",
        "1",
        json!({"schema": "2.0", "body": {"elements": [
            {"tag": "markdown", "element_id": "md", "content": "${greeting}"}
        ]}}),
    );
    let from_template = client
        .cards()
        .create(CreateCard::new(
            card_client::Template::new("AAqkStream").variables(json!({"greeting": "hi"})),
        ))
        .await
        .expect("created from a template");
    assert_eq!(
        feishu.card(&from_template).expect("entity").json["body"]["elements"][0]["content"],
        "hi"
    );
}

#[tokio::test]
async fn settings_change_config_and_card_link() {
    let (feishu, client) = setup().await;
    let card_id = client
        .cards()
        .create(CreateCard::new(card("x")))
        .await
        .expect("created");
    let settings = CardSettings::streaming(true)
        .config_key("width_mode", json!("fill"))
        .card_link(json!({"url": "https://example.com"}));
    client
        .cards()
        .settings(UpdateSettings::new(&card_id, settings))
        .await
        .expect("settings");
    let entity = feishu.card(&card_id).expect("entity");
    assert_eq!(entity.json["config"]["width_mode"], "fill");
    assert_eq!(entity.json["card_link"]["url"], "https://example.com");
    assert!(matches!(entity.streaming, Streaming::On { .. }));

    let unshared = client
        .cards()
        .settings(UpdateSettings::new(
            &card_id,
            CardSettings::default().config_key("update_multi", json!(false)),
        ))
        .await
        .expect_err("cards must stay shared");
    assert_eq!(unshared.code(), Some(300302));
    assert!(unshared.is_invalid_card());
}

#[tokio::test]
async fn batch_update_applies_all_five_actions_in_order() {
    let (feishu, client) = setup().await;
    let card_id = client
        .cards()
        .create(CreateCard::new(streaming_card()))
        .await
        .expect("created");
    client
        .cards()
        .batch_update(BatchUpdate::new(
            &card_id,
            vec![
                BatchAction::PartialUpdateSetting {
                    settings: CardSettings::streaming(false),
                },
                BatchAction::AddElements {
                    position: Position::after("title"),
                    elements: vec![json!({"tag": "hr", "element_id": "rule"})],
                },
                BatchAction::DeleteElements {
                    element_ids: vec!["cols".into()],
                },
                BatchAction::PartialUpdateElement {
                    element_id: "title".into(),
                    partial_element: json!({"content": "New title"}),
                },
                BatchAction::UpdateElement {
                    element_id: "answer".into(),
                    element: json!({"tag": "markdown", "element_id": "answer", "content": "Final"}),
                },
            ],
        ))
        .await
        .expect("batch");
    let entity = feishu.card(&card_id).expect("entity");
    assert_eq!(body_ids(&entity.json), ["title", "rule", "answer"]);
    assert_eq!(entity.json["body"]["elements"][0]["content"], "New title");
    assert_eq!(entity.json["body"]["elements"][2]["content"], "Final");
    assert_eq!(entity.streaming, Streaming::Off);

    // A failing action leaves the card as it was.
    let before = feishu.card(&card_id).expect("entity").json;
    let err = client
        .cards()
        .batch_update(BatchUpdate::new(
            &card_id,
            vec![
                BatchAction::DeleteElements {
                    element_ids: vec!["rule".into()],
                },
                BatchAction::DeleteElements {
                    element_ids: vec!["no_such".into()],
                },
            ],
        ))
        .await
        .expect_err("second action fails");
    assert_eq!(err.code(), Some(300313));
    assert_eq!(feishu.card(&card_id).expect("entity").json, before);
    let empty = client
        .cards()
        .batch_update(BatchUpdate::new(&card_id, vec![]))
        .await
        .expect_err("refused locally");
    assert!(matches!(empty, Error::InvalidArgument(_)));
}

#[tokio::test]
async fn id_convert_turns_a_card_message_into_an_entity() {
    let (feishu, client) = setup().await;
    let sent = client
        .messages()
        .send(SendMessage::to_chat("oc_team", card("raw card")))
        .await
        .expect("sent");
    let card_id = client
        .cards()
        .id_convert(&sent.message_id)
        .await
        .expect("converted");
    assert_eq!(
        client
            .cards()
            .id_convert(&sent.message_id)
            .await
            .expect("again"),
        card_id,
        "converting twice gives the same entity"
    );
    client
        .elements(&card_id)
        .patch(PatchElement::new(
            "md",
            json!({"content": "patched via CardKit"}),
        ))
        .await
        .expect("patched");
    let message = feishu.message(&sent.message_id).expect("message");
    assert_eq!(
        message.card["body"]["elements"][0]["content"],
        "patched via CardKit"
    );
    let unknown = client
        .cards()
        .id_convert("om_missing")
        .await
        .expect_err("unknown message");
    assert_eq!(unknown.code(), Some(10002));
}

#[tokio::test]
async fn elements_are_added_at_every_position() {
    let (feishu, client) = setup().await;
    let card_id = client
        .cards()
        .create(CreateCard::new(streaming_card()))
        .await
        .expect("created");
    let el = |id: &str| json!({"tag": "markdown", "element_id": id, "content": id});
    let elements = client.elements(&card_id);
    elements
        .add(AddElements::new(Position::append(), vec![el("end")]))
        .await
        .expect("append");
    elements
        .add(AddElements::new(
            Position::before("title"),
            vec![el("first")],
        ))
        .await
        .expect("insert_before");
    elements
        .add(AddElements::new(
            Position::after("title"),
            vec![el("second"), el("third")],
        ))
        .await
        .expect("insert_after");
    elements
        .add(AddElements::new(
            Position::append_to("col_a"),
            vec![el("in_col2")],
        ))
        .await
        .expect("append to a container");
    let json = feishu.card(&card_id).expect("entity").json;
    assert_eq!(
        body_ids(&json),
        ["first", "title", "second", "third", "answer", "cols", "end"]
    );
    assert_eq!(
        json["body"]["elements"][5]["columns"][0]["elements"][1]["element_id"],
        "in_col2"
    );

    let missing = elements
        .add(AddElements::new(Position::before("nope"), vec![el("x")]))
        .await
        .expect_err("no target");
    assert_eq!(missing.code(), Some(300315));
    let not_container = elements
        .add(AddElements::new(
            Position::append_to("title"),
            vec![el("x")],
        ))
        .await
        .expect_err("not a container");
    assert_eq!(not_container.code(), Some(300315));
    let duplicate = elements
        .add(AddElements::new(Position::append(), vec![el("first")]))
        .await
        .expect_err("duplicate id");
    assert_eq!(duplicate.code(), Some(300301));
    let nothing = elements
        .add(AddElements::new(Position::append(), vec![]))
        .await
        .expect_err("refused locally");
    assert!(matches!(nothing, Error::InvalidArgument(_)));
}

#[tokio::test]
async fn elements_are_updated_patched_and_deleted() {
    let (feishu, client) = setup().await;
    let card_id = client
        .cards()
        .create(CreateCard::new(streaming_card()))
        .await
        .expect("created");
    let elements = client.elements(&card_id);
    elements
        .update(UpdateElement::new(
            "title",
            json!({"tag": "div", "element_id": "title", "text": {"tag": "plain_text", "content": "Plain"}}),
        ))
        .await
        .expect("replaced");
    elements
        .patch(PatchElement::new("answer", json!({"content": "patched"})))
        .await
        .expect("patched");
    elements
        .delete(DeleteElement::new("cols"))
        .await
        .expect("deleted");
    let json = feishu.card(&card_id).expect("entity").json;
    assert_eq!(json["body"]["elements"][0]["tag"], "div");
    assert_eq!(json["body"]["elements"][1]["content"], "patched");
    assert_eq!(body_ids(&json), ["title", "answer"]);

    let tag_change = elements
        .patch(PatchElement::new("answer", json!({"tag": "div"})))
        .await
        .expect_err("tag is fixed");
    assert_eq!(tag_change.code(), Some(300312));
    let gone = elements
        .delete(DeleteElement::new("cols"))
        .await
        .expect_err("already deleted");
    assert_eq!(gone.code(), Some(300313));
    let replace_missing = elements
        .update(UpdateElement::new("cols", json!({"tag": "hr"})))
        .await
        .expect_err("missing");
    assert_eq!(replace_missing.code(), Some(300313));
    let not_object = elements
        .patch(PatchElement::new("answer", json!("text")))
        .await
        .expect_err("refused locally");
    assert!(matches!(not_object, Error::InvalidArgument(_)));
    let bad_card = client
        .elements("not/a/card")
        .delete(DeleteElement::new("answer"))
        .await
        .expect_err("refused locally");
    assert!(matches!(bad_card, Error::InvalidArgument(_)));
}

#[tokio::test]
async fn card_limits_are_enforced_by_feishu_on_element_writes() {
    let (feishu, client) = setup().await;
    let card_id = client
        .cards()
        .create(CreateCard::new(card("x")))
        .await
        .expect("created");
    let many: Vec<_> = (0..200)
        .map(|i| json!({"tag": "markdown", "element_id": format!("m{i}"), "content": "."}))
        .collect();
    let too_many = client
        .elements(&card_id)
        .add(AddElements::new(Position::append(), many))
        .await
        .expect_err("more than 200 elements");
    assert_eq!(too_many.code(), Some(300305));
    let huge = client
        .elements(&card_id)
        .patch(PatchElement::new(
            "md",
            json!({"content": "x".repeat(31 * 1024)}),
        ))
        .await
        .expect_err("more than 30 KB");
    assert_eq!(huge.code(), Some(200860));
    assert!(huge.is_invalid_card());
    assert_eq!(feishu.card(&card_id).expect("entity").json, card("x"));
}

#[tokio::test]
async fn sequences_increase_from_one_across_every_kind_of_call() {
    let (feishu, client) = setup().await;
    let card_id = client
        .cards()
        .create(CreateCard::new(streaming_card()))
        .await
        .expect("created");
    let elements = client.elements(&card_id);
    elements
        .stream_text(StreamText::new("answer", "a"))
        .await
        .expect("ok");
    elements
        .patch(PatchElement::new("title", json!({"content": "t"})))
        .await
        .expect("ok");
    client
        .cards()
        .settings(UpdateSettings::new(
            &card_id,
            CardSettings::default().summary("s"),
        ))
        .await
        .expect("ok");
    elements
        .add(AddElements::new(
            Position::append(),
            vec![json!({"tag": "hr", "element_id": "hr"})],
        ))
        .await
        .expect("ok");
    // A refused call still spends its sequence: the next one is greater.
    let _ = elements.delete(DeleteElement::new("nope")).await;
    elements.delete(DeleteElement::new("hr")).await.expect("ok");
    client
        .cards()
        .update(UpdateCard::new(&card_id, card("done")))
        .await
        .expect("ok");
    assert_eq!(sequences_on(&feishu, &card_id), [1, 2, 3, 4, 5, 6, 7]);
    assert_eq!(feishu.card(&card_id).expect("entity").last_sequence, 7);
}

#[tokio::test]
async fn a_second_writer_resynchronises_after_300317() {
    let (feishu, first) = setup().await;
    let card_id = first
        .cards()
        .create(CreateCard::new(streaming_card()))
        .await
        .expect("created");
    for text in ["a", "ab", "abc"] {
        first
            .elements(&card_id)
            .stream_text(StreamText::new("answer", text))
            .await
            .expect("streamed");
    }
    // A new process knows nothing of the card: it starts at 1, is told 300317, jumps past.
    let second = feishu.client().build().expect("client");
    second
        .elements(&card_id)
        .stream_text(StreamText::new("answer", "abcd"))
        .await
        .expect("the conflict does not reach the caller");
    let seqs = sequences_on(&feishu, &card_id);
    assert_eq!(&seqs[..4], [1, 2, 3, 1]);
    assert!(seqs[4] > 3, "{seqs:?}");
    let conflicts = feishu
        .requests()
        .iter()
        .filter(|r| r.code == Some(300317))
        .count();
    assert_eq!(conflicts, 1);
    assert_eq!(
        feishu.card(&card_id).expect("entity").json["body"]["elements"][1]["content"],
        "abcd"
    );

    // Resuming with the known last sequence avoids the conflict altogether.
    let third = feishu.client().build().expect("client");
    let last = u32::try_from(feishu.card(&card_id).expect("entity").last_sequence).expect("u32");
    third.resume_card(&card_id, last).await;
    third
        .elements(&card_id)
        .stream_text(StreamText::new("answer", "abcde"))
        .await
        .expect("no conflict");
    assert_eq!(
        feishu
            .requests()
            .iter()
            .filter(|r| r.code == Some(300317))
            .count(),
        1
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_concurrent_writers_share_one_sequencer_and_budget() {
    let (feishu, client) = setup().await;
    let card_id = client
        .cards()
        .create(CreateCard::new(streaming_card()))
        .await
        .expect("created");
    let mut tasks = Vec::new();
    for i in 0..50 {
        let client = client.clone();
        let card_id = card_id.clone();
        tasks.push(tokio::spawn(async move {
            let elements = client.elements(&card_id);
            match i % 3 {
                0 => {
                    elements
                        .stream_text(StreamText::new("answer", format!("text {i}")))
                        .await
                }
                1 => {
                    elements
                        .patch(PatchElement::new(
                            "title",
                            json!({"content": format!("title {i}")}),
                        ))
                        .await
                }
                _ => {
                    client
                        .cards()
                        .settings(UpdateSettings::new(
                            &card_id,
                            CardSettings::default().summary(format!("summary {i}")),
                        ))
                        .await
                }
            }
        }));
    }
    for task in tasks {
        task.await.expect("task").expect("every update succeeds");
    }
    let seqs = sequences_on(&feishu, &card_id);
    assert_eq!(seqs.len(), 50, "one request per update, no retries");
    assert!(seqs.windows(2).all(|w| w[0] < w[1]), "{seqs:?}");
    assert_eq!(seqs, (1..=50).collect::<Vec<_>>());
    assert_eq!(feishu.rate_violations(), 0);
    assert!(feishu
        .requests()
        .iter()
        .all(|r| r.code != Some(300317) && r.code != Some(99991400)));
    assert_eq!(feishu.card(&card_id).expect("entity").last_sequence, 50);
}
