//! The 3-second deadline: the fallback answer, the late answer's card delivered by delayed
//! update once the answer has gone out, and the token's two uses. Time is tokio's paused clock
//! wherever the deadline matters, so nothing depends on how fast the machine is.

use std::time::Duration;

use card_client::callback::{Answer, CallbackConfig, Deferred, Toast, FEISHU_DEADLINE};
use card_client::Error;
use serde_json::{json, Value};
use tokio::sync::oneshot;
use tokio::time::Instant;

use crate::fixtures::*;

fn body_of(answer: &card_client::callback::HttpAnswer) -> Value {
    serde_json::from_slice(answer.body()).unwrap()
}

fn card(text: &str) -> Value {
    json!({"schema": "2.0", "body": {"elements": [{"tag": "markdown", "content": text}]}})
}

#[tokio::test(start_paused = true)]
async fn a_slow_function_gets_the_fallback_at_the_margin() {
    let handler = CallbackConfig::new(TOKEN)
        .encrypt_key(KEY)
        .fallback(Answer::toast(Toast::info("On it")))
        .build();
    let req = Request::sealed(&card_action("e-slow", button(json!("report"))));
    let (release, released) = oneshot::channel::<()>();
    let start = Instant::now();
    let answer = handler
        .handle(&req.headers, &req.body, move |_, _| async move {
            let _ = released.await;
            Answer::toast(Toast::success("done"))
        })
        .await;
    assert_eq!(
        start.elapsed(),
        FEISHU_DEADLINE - Duration::from_millis(500)
    );
    assert_eq!(answer.status(), 200);
    assert_eq!(
        body_of(&answer),
        json!({"toast": {"type": "info", "content": "On it"}})
    );
    assert_eq!(handler.running(), 1, "the function goes on");
    release.send(()).unwrap();
    handler.finish_background().await;
    assert_eq!(handler.running(), 0);
}

#[tokio::test(start_paused = true)]
async fn the_margin_is_configurable() {
    let handler = CallbackConfig::new(TOKEN)
        .deadline_margin(Duration::from_millis(1200))
        .build();
    let req = Request::plain(&card_action("e-margin", button(json!("x"))));
    let start = Instant::now();
    let answer = handler
        .handle(&req.headers, &req.body, |_, _| async {
            tokio::time::sleep(Duration::from_secs(10)).await;
            Answer::empty()
        })
        .await;
    assert_eq!(start.elapsed(), Duration::from_millis(1800));
    // The default fallback: an info toast, in Chinese and English.
    assert_eq!(body_of(&answer)["toast"]["type"], "info");
    assert_eq!(body_of(&answer)["toast"]["i18n"]["zh_cn"], "处理中…");
}

#[tokio::test(start_paused = true)]
async fn a_function_within_the_deadline_is_the_answer() {
    let handler = plain_handler();
    let req = Request::plain(&card_action("e-fast", button(json!("x"))));
    let start = Instant::now();
    let answer = handler
        .handle(&req.headers, &req.body, |_, _| async {
            tokio::time::sleep(Duration::from_millis(2400)).await;
            Answer::toast(Toast::success("in time"))
        })
        .await;
    assert_eq!(start.elapsed(), Duration::from_millis(2400));
    assert_eq!(body_of(&answer)["toast"]["content"], "in time");
}

/// Runs a quick function that hands its `Deferred` out.
async fn deferred_of(
    handler: &card_client::callback::CallbackHandler,
    req: &Request,
) -> (card_client::callback::HttpAnswer, Deferred) {
    let (tx, rx) = oneshot::channel();
    let answer = handler
        .handle(&req.headers, &req.body, move |_, later| {
            let _ = tx.send(later);
            async { Answer::empty() }
        })
        .await;
    assert_eq!(answer.status(), 200, "{:?}", answer.error());
    (answer, rx.await.unwrap())
}

#[tokio::test(start_paused = true)]
async fn deferred_updates_wait_until_the_answer_is_marked_sent() {
    let handler = plain_handler();
    let req = Request::plain(&card_action("e-mark", button(json!("x"))));
    let (answer, later) = deferred_of(&handler, &req).await;
    let start = Instant::now();
    assert!(
        tokio::time::timeout(Duration::from_secs(1), later.answered())
            .await
            .is_err(),
        "not marked yet, and Feishu's 3 s are not over"
    );
    answer.mark_sent();
    later.answered().await;
    assert_eq!(
        start.elapsed(),
        Duration::from_secs(1),
        "no wait once marked"
    );
}

#[tokio::test(start_paused = true)]
async fn unmarked_answers_count_as_sent_once_feishu_stops_waiting() {
    let handler = plain_handler();
    let req = Request::plain(&card_action("e-unmarked", button(json!("x"))));
    let start = Instant::now();
    let (answer, later) = deferred_of(&handler, &req).await;
    drop(answer); // a framework that never marks
    later.answered().await;
    assert_eq!(start.elapsed(), FEISHU_DEADLINE);
}

#[tokio::test]
async fn deferred_updates_need_a_client() {
    let req = Request::plain(&card_action("e-noclient", button(json!("x"))));
    let (answer, later) = deferred_of(&plain_handler(), &req).await;
    answer.mark_sent();
    let err = later.update(card("x")).await.unwrap_err();
    assert!(
        matches!(err, Error::InvalidArgument(ref m) if m.contains("CallbackConfig::client")),
        "{err}"
    );
}

#[cfg(feature = "emulator")]
mod with_the_emulator {
    use card_client::emulator::Emulator;
    use card_client::{CallbackTokenError, SendMessage};

    use super::*;

    const DELAYED_UPDATE: &str = "/open-apis/interactive/v1/card/update";

    /// A card message in a chat, and the token a click on it would carry.
    async fn clicked_card(feishu: &Emulator, client: &card_client::Client) -> (String, String) {
        let sent = client
            .messages()
            .send(SendMessage::to_chat(
                "oc_ops",
                card("Build the weekly report?"),
            ))
            .await
            .unwrap();
        let token = feishu.mint_callback_token(&sent.message_id).unwrap();
        (sent.message_id, token)
    }

    fn delayed_updates(feishu: &Emulator) -> usize {
        feishu
            .requests()
            .iter()
            .filter(|r| r.path == DELAYED_UPDATE)
            .count()
    }

    #[tokio::test]
    async fn the_late_answers_card_follows_by_delayed_update() {
        let feishu = Emulator::start().await.unwrap();
        let client = feishu.client().build().unwrap();
        let (message_id, token) = clicked_card(&feishu, &client).await;
        let handler = CallbackConfig::new(TOKEN)
            .encrypt_key(KEY)
            .client(client)
            .fallback(Answer::toast(Toast::info("Building…")))
            .build();
        let req = Request::sealed(&card_action_on(
            "e-late",
            &token,
            &message_id,
            button(json!("report")),
        ));

        // Only the deadline runs on the paused clock; the HTTP calls to the emulator below run
        // in real time.
        tokio::time::pause();
        let (release, released) = oneshot::channel::<()>();
        let (token_tx, token_rx) = oneshot::channel();
        let answer = handler
            .handle(&req.headers, &req.body, move |action, _| {
                let _ = token_tx.send(action.token.clone());
                async move {
                    let _ = released.await;
                    Answer::toast(Toast::success("Ready")).card(card("Weekly report: 12 deploys"))
                }
            })
            .await;
        tokio::time::resume();
        assert_eq!(
            body_of(&answer),
            json!({"toast": {"type": "info", "content": "Building…"}})
        );

        release.send(()).unwrap();
        answer.mark_sent();
        handler.finish_background().await;

        let shown = feishu.message(&message_id).unwrap().card;
        assert_eq!(shown, card("Weekly report: 12 deploys"));
        assert_eq!(delayed_updates(&feishu), 1);
        assert_eq!(
            token_rx.await.unwrap().uses(),
            1,
            "the update used the callback's token"
        );
    }

    #[tokio::test]
    async fn a_late_answer_without_a_card_updates_nothing() {
        let feishu = Emulator::start().await.unwrap();
        let client = feishu.client().build().unwrap();
        let (message_id, token) = clicked_card(&feishu, &client).await;
        let handler = CallbackConfig::new(TOKEN).client(client).build();
        let req = Request::plain(&card_action_on(
            "e-late-toast",
            &token,
            &message_id,
            button(json!("x")),
        ));
        tokio::time::pause();
        let answer = handler
            .handle(&req.headers, &req.body, |_, _| async {
                tokio::time::sleep(Duration::from_secs(5)).await;
                Answer::toast(Toast::success("too late to show"))
            })
            .await;
        answer.mark_sent();
        handler.finish_background().await;
        tokio::time::resume();
        assert_eq!(delayed_updates(&feishu), 0);
        assert_eq!(
            feishu.message(&message_id).unwrap().card,
            card("Build the weekly report?")
        );
    }

    #[tokio::test]
    async fn the_third_use_of_a_token_is_refused_without_a_request() {
        let feishu = Emulator::start().await.unwrap();
        let client = feishu.client().build().unwrap();
        let (message_id, token) = clicked_card(&feishu, &client).await;
        let handler = CallbackConfig::new(TOKEN)
            .encrypt_key(KEY)
            .client(client)
            .build();
        let req = Request::sealed(&card_action_on(
            "e-three",
            &token,
            &message_id,
            button(json!("x")),
        ));
        let (tx, rx) = oneshot::channel();
        let answer = handler
            .handle(&req.headers, &req.body, move |action, later| {
                let _ = tx.send((action.token, later));
                async { Answer::toast(Toast::info("Working")) }
            })
            .await;
        answer.mark_sent();
        let (callback_token, later) = rx.await.unwrap();

        later.update(card("Step 1 of 2")).await.unwrap();
        later.update(card("Step 2 of 2")).await.unwrap();
        let third = later.update(card("Step 3 of 2")).await.unwrap_err();
        assert!(
            matches!(
                third,
                Error::CallbackToken(CallbackTokenError::UsedUp { uses: 2 })
            ),
            "{third}"
        );
        assert_eq!(
            delayed_updates(&feishu),
            2,
            "the third update never left the process"
        );
        assert_eq!(
            feishu.message(&message_id).unwrap().card,
            card("Step 2 of 2")
        );
        assert_eq!(
            callback_token.uses(),
            2,
            "the event's token shares the count"
        );
    }

    #[tokio::test]
    async fn an_answer_in_time_replaces_the_card_as_feishu_would() {
        let feishu = Emulator::start().await.unwrap();
        let client = feishu.client().build().unwrap();
        let (message_id, token) = clicked_card(&feishu, &client).await;
        let handler = CallbackConfig::new(TOKEN)
            .encrypt_key(KEY)
            .client(client)
            .build();
        let req = Request::sealed(&card_action_on(
            "e-now",
            &token,
            &message_id,
            button(json!("x")),
        ));
        let answer = handler
            .handle(&req.headers, &req.body, |_, _| async {
                Answer::empty().card(card("Done"))
            })
            .await;
        // Play Feishu receiving the answer.
        let body = body_of(&answer);
        assert_eq!(body["card"]["type"], "raw");
        feishu
            .apply_callback_card(&message_id, body["card"]["data"].clone())
            .unwrap();
        assert_eq!(feishu.message(&message_id).unwrap().card, card("Done"));
        assert_eq!(delayed_updates(&feishu), 0);
    }
}
