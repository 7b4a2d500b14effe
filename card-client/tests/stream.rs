//! Streaming answers against the emulator: coalescing under the per-card budget, the final
//! card, abort, the 10-minute auto-close, rollover to continuation cards, faults, and errors
//! that end a stream.

mod common;

use std::time::Duration;

use card_client::emulator::{Emulator, Fault, Streaming};
use card_client::stream::{FinalCard, Stream, StreamSummary};
use card_client::{Client, Error, ReceiveIdType, RetryPolicy, SendMessage};
use card_core::model::{Button, Card, Markdown};
use common::{client_with, setup};
use serde_json::{json, Value};

/// The text of the element `id` in `card`, wherever it sits.
fn text_of(card: &Value, id: &str) -> Option<String> {
    match card {
        Value::Object(map) => {
            if map.get("element_id").and_then(Value::as_str) == Some(id) {
                return map
                    .get("content")
                    .and_then(Value::as_str)
                    .map(str::to_owned);
            }
            map.values().find_map(|v| text_of(v, id))
        }
        Value::Array(items) => items.iter().find_map(|v| text_of(v, id)),
        _ => None,
    }
}

/// The texts the emulator holds for the stream's cards, in order.
fn shown_texts(feishu: &Emulator, summary: &StreamSummary) -> Vec<String> {
    summary
        .cards
        .iter()
        .map(|c| {
            let card = feishu.card(&c.card_id).expect("the entity exists");
            text_of(&card.json, "answer").expect("the card has the answer element")
        })
        .collect()
}

/// Waits (with a generous deadline, never asserted as a timing) until the emulator shows
/// `text` in the card.
async fn until_shown(feishu: &Emulator, card_id: &str, text: &str) {
    for _ in 0..2000 {
        let card = feishu.card(card_id).expect("the entity exists");
        if text_of(&card.json, "answer").as_deref() == Some(text) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    panic!("the emulator never showed {text:?} in {card_id}");
}

fn rate_limited_answers(feishu: &Emulator) -> usize {
    feishu
        .requests()
        .iter()
        .filter(|r| r.status == Some(429) || r.code == Some(99991400))
        .count()
}

/// Deltas of mixed widths: ASCII, Chinese, emoji, quotes and line breaks.
fn deltas(n: usize) -> Vec<String> {
    let pieces = [
        "Hello",
        " 世界",
        "，",
        "🦀",
        " \"quoted\"",
        "\n",
        "ok\\",
        "\n\n",
        "末尾",
    ];
    (0..n)
        .map(|i| format!("{}{}", pieces[i % pieces.len()], i % 7))
        .collect()
}

async fn start(client: &Client) -> Stream {
    client
        .stream()
        .to_chat("oc_stream")
        .start()
        .await
        .expect("the stream starts")
}

#[tokio::test]
async fn a_fast_pusher_never_hits_the_rate_limit_and_the_text_is_exact() {
    let (feishu, client) = setup().await;
    let stream = start(&client).await;
    let mut pushed = String::new();
    for (i, delta) in deltas(3000).iter().enumerate() {
        stream.push_delta(delta);
        pushed.push_str(delta);
        if i % 50 == 0 {
            // Let the background task run between bursts, as a real producer's awaits do.
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
    }
    assert_eq!(stream.text(), pushed);
    let summary = stream.finish(FinalCard::Text).await.expect("finished");

    assert_eq!(rate_limited_answers(&feishu), 0);
    assert_eq!(feishu.rate_violations(), 0);
    assert_eq!(summary.text, pushed);
    assert_eq!(shown_texts(&feishu, &summary).concat(), pushed);
    let last = summary.cards.last().expect("a card");
    let card = feishu.card(&last.card_id).expect("entity");
    assert_eq!(card.streaming, Streaming::Off);
    assert_eq!(card.json["config"]["streaming_mode"], false);
    // Coalescing: far fewer calls than pushes (one per 5 ms of real time at the test speed,
    // however slow the machine).
    assert!(summary.calls < 3000 / 2, "{} calls", summary.calls);
    let messages = feishu.messages_in_chat("oc_stream");
    assert_eq!(messages.len(), summary.cards.len());
    assert_eq!(messages[0].message_id, summary.cards[0].message_id);
}

#[tokio::test]
async fn set_text_replaces_the_text_and_may_rewrite_it() {
    let (feishu, client) = setup().await;
    let stream = start(&client).await;
    stream.set_text("The answer is 4");
    let first = stream.cards()[0].card_id.clone();
    until_shown(&feishu, &first, "The answer is 4").await;
    stream.set_text("Actually, the answer is 42.");
    stream.push_delta(" Sure.");
    let summary = stream.finish(FinalCard::Text).await.expect("finished");
    assert_eq!(summary.text, "Actually, the answer is 42. Sure.");
    assert_eq!(
        shown_texts(&feishu, &summary),
        vec!["Actually, the answer is 42. Sure.".to_owned()]
    );
}

#[tokio::test]
async fn finish_puts_the_final_card_with_streaming_off() {
    let (feishu, client) = setup().await;
    let stream = client
        .stream()
        .header("Assistant")
        .summary("Thinking…")
        .to_chat("oc_stream")
        .start()
        .await
        .expect("starts");
    let first = stream.cards()[0].card_id.clone();
    let streaming = feishu.card(&first).expect("entity");
    assert!(matches!(streaming.streaming, Streaming::On { .. }));
    assert_eq!(streaming.json["header"]["title"]["content"], "Assistant");
    assert_eq!(streaming.json["config"]["summary"]["content"], "Thinking…");

    stream.push_delta("**Paris** is the capital");
    stream.push_delta(" of France.");
    let final_card = json!({
        "schema": "2.0",
        "header": {"title": {"tag": "plain_text", "content": "Answer"}},
        "body": {"elements": [
            {"tag": "markdown", "element_id": "answer", "content": ""},
            {"tag": "button", "element_id": "up", "text": {"tag": "plain_text", "content": "👍"},
             "behaviors": [{"type": "callback", "value": {"feedback": "up"}}]}
        ]}
    });
    let summary = stream.finish(final_card).await.expect("finished");
    let card = feishu.card(&first).expect("entity");
    assert_eq!(card.streaming, Streaming::Off);
    assert_eq!(card.json["config"]["streaming_mode"], false);
    assert_eq!(card.json["header"]["title"]["content"], "Answer");
    assert_eq!(
        card.json["body"]["elements"][0]["content"],
        "**Paris** is the capital of France."
    );
    assert_eq!(card.json["body"]["elements"][1]["element_id"], "up");
    assert_eq!(summary.cards.len(), 1);
    assert!(
        summary.calls >= 3,
        "create, send, final update: {}",
        summary.calls
    );
}

#[tokio::test]
async fn finish_takes_a_typed_card_without_the_text_element() {
    let (feishu, client) = setup().await;
    let stream = start(&client).await;
    stream.push_delta("typed");
    let final_card = Card::new().element(Button::new("Again"));
    let summary = stream.finish(final_card).await.expect("finished");
    let card = feishu.card(&summary.cards[0].card_id).expect("entity");
    // The text element comes first, the card's own elements after it.
    assert_eq!(card.json["body"]["elements"][0]["element_id"], "answer");
    assert_eq!(card.json["body"]["elements"][0]["content"], "typed");
    assert_eq!(card.json["body"]["elements"][1]["tag"], "button");
    assert_eq!(card.streaming, Streaming::Off);
}

#[tokio::test]
async fn abort_shows_the_text_and_a_note() {
    let (feishu, client) = setup().await;
    let stream = start(&client).await;
    stream.push_delta("Half an answ");
    let summary = stream
        .abort("The model stopped answering.")
        .await
        .expect("aborted");
    let card = feishu.card(&summary.cards[0].card_id).expect("entity");
    assert_eq!(card.streaming, Streaming::Off);
    let elements = card.json["body"]["elements"].as_array().expect("elements");
    assert_eq!(elements[0]["content"], "Half an answ");
    let note = elements.last().expect("a note");
    assert_eq!(note["tag"], "div");
    assert!(note["text"]["content"]
        .as_str()
        .is_some_and(|t| t.contains("The model stopped answering.")));
    assert_eq!(note["text"]["text_color"], "grey");
}

#[tokio::test]
async fn streaming_closed_after_ten_minutes_is_turned_on_again() {
    let (feishu, client) = setup().await;
    let stream = start(&client).await;
    let card_id = stream.cards()[0].card_id.clone();
    stream.push_delta("before the close");
    until_shown(&feishu, &card_id, "before the close").await;

    feishu.advance(Duration::from_secs(11 * 60));
    assert_eq!(
        feishu.card(&card_id).expect("entity").streaming,
        Streaming::TimedOut
    );

    stream.push_delta(", and after it");
    // The text reaches the card while it still streams, not only with the final update.
    until_shown(&feishu, &card_id, "before the close, and after it").await;
    assert!(matches!(
        feishu.card(&card_id).expect("entity").streaming,
        Streaming::On { .. }
    ));
    let summary = stream.finish(FinalCard::Text).await.expect("finished");
    assert!(summary.renewals >= 1);
    assert!(feishu.requests().iter().any(|r| r.code == Some(200850)));
    assert_eq!(
        shown_texts(&feishu, &summary),
        vec!["before the close, and after it".to_owned()]
    );
    assert_eq!(
        feishu.card(&card_id).expect("entity").streaming,
        Streaming::Off
    );
}

#[tokio::test]
async fn streaming_is_renewed_ahead_of_the_close() {
    let (feishu, client) = setup().await;
    let stream = client
        .stream()
        .to_chat("oc_stream")
        .renew_streaming_after(Duration::from_secs(2))
        .start()
        .await
        .expect("starts");
    let card_id = stream.cards()[0].card_id.clone();
    stream.push_delta("one");
    until_shown(&feishu, &card_id, "one").await;
    // Two seconds of Feishu's time are 100 ms at the test speed; wait past several of them.
    tokio::time::sleep(Duration::from_millis(400)).await;
    stream.push_delta(" two");
    let summary = stream.finish(FinalCard::Text).await.expect("finished");
    assert!(summary.renewals >= 1, "{summary:?}");
    assert!(!feishu
        .requests()
        .iter()
        .any(|r| matches!(r.code, Some(200850 | 300309))));
    assert_eq!(shown_texts(&feishu, &summary), vec!["one two".to_owned()]);
}

#[tokio::test]
async fn long_text_rolls_over_to_continuation_cards() {
    let (feishu, client) = setup().await;
    let stream = client
        .stream()
        .to_chat("oc_long")
        .max_card_bytes(1200)
        .start()
        .await
        .expect("starts");
    let mut pushed = String::new();
    for (i, delta) in deltas(800).iter().enumerate() {
        stream.push_delta(delta);
        pushed.push_str(delta);
        if i % 20 == 0 {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
    }
    let summary = stream.finish(FinalCard::Text).await.expect("finished");
    assert!(summary.cards.len() > 3, "{} cards", summary.cards.len());
    let texts = shown_texts(&feishu, &summary);
    assert_eq!(texts.concat(), pushed);
    assert!(texts.iter().all(|t| !t.is_empty()));
    let messages = feishu.messages_in_chat("oc_long");
    assert_eq!(messages.len(), summary.cards.len());
    for (message, card) in messages.iter().zip(&summary.cards) {
        assert_eq!(message.message_id, card.message_id);
        let entity = feishu.card(&card.card_id).expect("entity");
        assert_eq!(entity.streaming, Streaming::Off);
        assert!(serde_json::to_string(&entity.json).expect("json").len() <= 1200);
    }
    assert_eq!(feishu.rate_violations(), 0);
}

#[tokio::test]
async fn a_final_card_larger_than_the_room_left_moves_the_tail_to_a_new_card() {
    let (feishu, client) = setup().await;
    let stream = client
        .stream()
        .to_chat("oc_big")
        .max_card_bytes(28 * 1024)
        .start()
        .await
        .expect("starts");
    let text = "数据".repeat(4400) + "end";
    stream.set_text(text.clone());
    // A final card that adds 6 KB around the text.
    let padding = "p".repeat(6 * 1024);
    let final_card = json!({"schema": "2.0", "body": {"elements": [
        {"tag": "markdown", "element_id": "answer", "content": ""},
        {"tag": "markdown", "content": padding}
    ]}});
    let summary = stream.finish(final_card).await.expect("finished");
    assert_eq!(summary.cards.len(), 2);
    assert_eq!(shown_texts(&feishu, &summary).concat(), text);
    let last = feishu.card(&summary.cards[1].card_id).expect("entity");
    assert_eq!(last.json["body"]["elements"][1]["content"], padding);
    assert_eq!(last.streaming, Streaming::Off);
}

#[tokio::test]
async fn replies_go_under_the_message_and_so_do_continuations() {
    let (feishu, client) = setup().await;
    let question = client
        .messages()
        .send(SendMessage::to_chat("oc_ask", common::card("Why?")))
        .await
        .expect("sent");
    let stream = client
        .stream()
        .reply_to(&question.message_id)
        .max_card_bytes(700)
        .start()
        .await
        .expect("starts");
    let text = "Because. ".repeat(150);
    stream.set_text(text.clone());
    let summary = stream.finish(FinalCard::Text).await.expect("finished");
    assert!(summary.cards.len() > 1);
    assert_eq!(shown_texts(&feishu, &summary).concat(), text);
    for card in &summary.cards {
        let message = feishu.message(&card.message_id).expect("message");
        assert_eq!(
            message.parent_id.as_deref(),
            Some(question.message_id.as_str())
        );
    }
}

#[tokio::test]
async fn faults_while_streaming_lose_no_text() {
    let (feishu, _) = setup().await;
    // No retries in the client: every fault reaches the stream, which must try again itself.
    let client = client_with(&feishu, RetryPolicy::none());
    let stream = start(&client).await;
    feishu.inject(
        Fault::server_error(503)
            .on_path("/content")
            .probability(0.2),
    );
    feishu.inject(
        Fault::drop_connection()
            .on_path("/content")
            .probability(0.1),
    );
    feishu.inject(
        Fault::drop_connection()
            .after_processing()
            .on_path("/content")
            .probability(0.1),
    );
    feishu.inject(Fault::rate_limit(1).on_path("/content").times(2));
    let mut pushed = String::new();
    for (i, delta) in deltas(600).iter().enumerate() {
        stream.push_delta(delta);
        pushed.push_str(delta);
        if i % 10 == 0 {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
    }
    let card_id = stream.cards()[0].card_id.clone();
    until_shown(&feishu, &card_id, &pushed).await;
    feishu.clear_faults();
    let summary = stream.finish(FinalCard::Text).await.expect("finished");
    assert_eq!(shown_texts(&feishu, &summary).concat(), pushed);
    assert!(feishu.requests().iter().any(|r| r.fault.is_some()));
}

#[tokio::test]
async fn faults_on_the_final_update_are_retried_by_the_client() {
    let (feishu, client) = setup().await;
    let stream = start(&client).await;
    stream.push_delta("all of it");
    feishu.inject(Fault::server_error(502).times(2));
    let summary = stream.finish(FinalCard::Text).await.expect("finished");
    assert_eq!(shown_texts(&feishu, &summary), vec!["all of it".to_owned()]);
}

#[tokio::test]
async fn a_hopeless_error_surfaces_from_finish() {
    let (feishu, client) = setup().await;
    let stream = start(&client).await;
    let card_id = stream.cards()[0].card_id.clone();
    stream.push_delta("first");
    until_shown(&feishu, &card_id, "first").await;
    feishu.inject(
        Fault::api_error(400, 300311, "no permission to operate the card")
            .on_path(&card_id)
            .probability(1.0),
    );
    stream.push_delta(" second");
    for _ in 0..2000 {
        if stream.stopped().is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let why = stream.stopped().expect("the stream says it stopped");
    assert!(why.contains("300311"), "{why}");
    let err = stream.finish(FinalCard::Text).await.expect_err("fails");
    assert_eq!(err.code(), Some(300311), "{err}");
}

#[tokio::test]
async fn a_deleted_card_surfaces_from_abort_too() {
    let (feishu, client) = setup().await;
    let stream = start(&client).await;
    let card_id = stream.cards()[0].card_id.clone();
    feishu.inject(
        Fault::api_error(400, 200740, "card not found")
            .on_path(&card_id)
            .probability(1.0),
    );
    stream.push_delta("lost");
    let err = stream.abort("gave up").await.expect_err("fails");
    assert!(err.is_entity_gone(), "{err}");
}

#[tokio::test]
async fn a_dropped_stream_is_finished_in_the_background() {
    let (feishu, client) = setup().await;
    let stream = start(&client).await;
    let card_id = stream.cards()[0].card_id.clone();
    stream.push_delta("left behind");
    drop(stream);
    for _ in 0..2000 {
        let card = feishu.card(&card_id).expect("entity");
        if card.streaming == Streaming::Off {
            assert_eq!(
                text_of(&card.json, "answer").as_deref(),
                Some("left behind")
            );
            return;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    panic!("the dropped stream was never finished");
}

#[tokio::test]
async fn bad_configurations_are_refused_before_any_request() {
    let (feishu, client) = setup().await;
    let no_target = client.stream().start().await.expect_err("no destination");
    assert!(matches!(no_target, Error::InvalidArgument(ref m) if m.contains("to_chat")));

    let not_text = client
        .stream()
        .to_chat("oc_x")
        .card(json!({"schema": "2.0", "body": {"elements": [
            {"tag": "hr", "element_id": "answer"}
        ]}}))
        .start()
        .await
        .expect_err("not a text element");
    assert!(not_text.to_string().contains("markdown"), "{not_text}");

    let too_big = client
        .stream()
        .to_chat("oc_x")
        .card(Card::new().element(Markdown::new("x".repeat(2000))))
        .max_card_bytes(1024)
        .start()
        .await
        .expect_err("no room for text");
    assert!(too_big.to_string().contains("max_card_bytes"), "{too_big}");
    assert!(feishu.requests().is_empty());
}

#[tokio::test]
async fn an_unclear_send_never_makes_two_messages() {
    let (feishu, _) = setup().await;
    let client = client_with(&feishu, RetryPolicy::none());
    let stream = client
        .stream()
        .to_chat("oc_unclear")
        .max_card_bytes(600)
        .start()
        .await
        .expect("starts");
    // The sends of continuation cards reach Feishu, but their answers are lost.
    feishu.inject(
        Fault::drop_connection()
            .after_processing()
            .on_path("/open-apis/im/v1/messages")
            .times(2),
    );
    let text = "Long enough to need several cards. ".repeat(40);
    stream.set_text(text.clone());
    let summary = stream.finish(FinalCard::Text).await.expect("finished");
    let messages = feishu.messages_in_chat("oc_unclear");
    assert_eq!(messages.len(), summary.cards.len());
    assert!(summary.cards.len() > 2);
    assert_eq!(shown_texts(&feishu, &summary).concat(), text);
    let dropped = feishu
        .requests()
        .iter()
        .filter(|r| r.path.contains("/im/v1/messages") && r.status.is_none())
        .count();
    assert_eq!(dropped, 2);
}

#[tokio::test]
async fn an_invalid_final_card_still_closes_the_stream_with_its_text() {
    let (feishu, client) = setup().await;
    let stream = client
        .stream()
        .summary("Thinking…")
        .to_chat("oc_stream")
        .start()
        .await
        .expect("starts");
    let card_id = stream.cards()[0].card_id.clone();
    stream.push_delta("the text");
    let invalid = json!({"schema": "2.0", "body": {"elements": [
        {"tag": "button", "type": "primari", "text": {"tag": "plain_text", "content": "x"}}
    ]}});
    let err = stream.finish(invalid).await.expect_err("refused");
    assert!(err.is_invalid_card(), "{err}");
    let card = feishu.card(&card_id).expect("entity");
    assert_eq!(card.streaming, Streaming::Off);
    assert_eq!(text_of(&card.json, "answer").as_deref(), Some("the text"));
    // The summary described the streaming card only.
    assert!(
        card.json["config"].get("summary").is_none(),
        "{}",
        card.json
    );
}

#[tokio::test]
async fn an_empty_placeholder_and_a_custom_card_work() {
    let (feishu, client) = setup().await;
    let stream = client
        .stream()
        .to_chat("oc_stream")
        .placeholder("")
        .element_id("reply")
        .card(Card::new().element(Markdown::new("**Question**: why?")))
        .start()
        .await
        .expect("starts");
    let card_id = stream.cards()[0].card_id.clone();
    let first = feishu.card(&card_id).expect("entity");
    assert_eq!(first.json["body"]["elements"][0]["element_id"], "reply");
    assert_eq!(first.json["body"]["elements"][0]["content"], "");
    stream.push_delta("Because.");
    stream.finish(FinalCard::Text).await.expect("finished");
    let last = feishu.card(&card_id).expect("entity");
    assert_eq!(text_of(&last.json, "reply").as_deref(), Some("Because."));
    assert_eq!(
        last.json["body"]["elements"][1]["content"],
        "**Question**: why?"
    );
}

#[test]
fn a_stream_can_be_shared_between_tasks() {
    fn shared<T: Send + Sync + 'static>() {}
    shared::<Stream>();
    shared::<StreamSummary>();
}

#[tokio::test]
async fn rewriting_text_across_cards_keeps_the_cards_exact() {
    let (feishu, client) = setup().await;
    let stream = client
        .stream()
        .to_chat("oc_rewrite")
        .max_card_bytes(600)
        .start()
        .await
        .expect("starts");
    let draft = "第一稿，还会改。".repeat(60);
    stream.set_text(draft.clone());
    let first = stream.cards()[0].card_id.clone();
    for _ in 0..2000 {
        if stream.cards().len() > 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    assert!(stream.cards().len() > 2, "the draft rolled over");
    // A shorter, different answer: earlier cards are rewritten, later ones emptied.
    let revised = "Revised: ".to_owned() + &"短".repeat(150);
    stream.set_text(revised.clone());
    let summary = stream.finish(FinalCard::Text).await.expect("finished");
    assert_eq!(summary.cards[0].card_id, first);
    assert_eq!(shown_texts(&feishu, &summary).concat(), revised);
}

#[tokio::test]
async fn streams_reach_users_and_threads() {
    let (feishu, client) = setup().await;
    let stream = client
        .stream()
        .to(ReceiveIdType::OpenId, "ou_alice")
        .start()
        .await
        .expect("starts");
    stream.push_delta("hi Alice");
    let summary = stream.finish(FinalCard::Text).await.expect("finished");
    let to_alice = feishu.messages_to("ou_alice");
    assert_eq!(to_alice.len(), 1);
    assert_eq!(to_alice[0].message_id, summary.cards[0].message_id);

    let question = client
        .messages()
        .send(SendMessage::to_chat("oc_threads", common::card("Question")))
        .await
        .expect("sent");
    let stream = client
        .stream()
        .reply_to(&question.message_id)
        .in_thread(true)
        .start()
        .await
        .expect("starts");
    stream.push_delta("in the thread");
    let summary = stream.finish(FinalCard::Text).await.expect("finished");
    let reply = feishu
        .message(&summary.cards[0].message_id)
        .expect("message");
    assert!(reply.thread_id.is_some());
    assert_eq!(
        reply.parent_id.as_deref(),
        Some(question.message_id.as_str())
    );
}
