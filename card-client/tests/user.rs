//! The emulator plays the user: clicks, choices and form submissions on sent cards reach a bot
//! as Feishu's signed (and, with a key, encrypted) callbacks, and the answers change the cards.

#![cfg(all(feature = "emulator", feature = "axum"))]

use std::future::Future;
use std::time::Duration;

use card_client::callback::{
    self, Answer, CallbackConfig, CallbackHandler, CardAction, Deferred, Toast,
};
use card_client::emulator::{Emulator, Target, UserError, UserIdentity};
use card_client::{Client, SendMessage, Template};
use feishu_card::FormValue;
use serde_json::{json, Value};
use tokio::sync::{mpsc, oneshot, Mutex};

const TOKEN: &str = "v-4c1e9b7d-verification";
const KEY: &str = "k-2f8a61d0-encrypt";

fn button(text: &str, value: Value) -> Value {
    json!({"tag": "button", "text": {"tag": "plain_text", "content": text},
           "behaviors": [{"type": "callback", "value": value}]})
}

fn card(elements: Vec<Value>) -> Value {
    json!({"schema": "2.0", "config": {"update_multi": true}, "body": {"elements": elements}})
}

fn approval() -> Value {
    card(vec![
        json!({"tag": "markdown", "content": "Request #7: 2 days off"}),
        button("Approve", json!({"do": "approve", "request": 7})),
        button("Reject", json!({"do": "reject", "request": 7})),
        json!({"tag": "button", "text": {"tag": "plain_text", "content": "Later"}, "disabled": true,
               "behaviors": [{"type": "callback", "value": {"do": "later"}}]}),
        json!({"tag": "button", "text": {"tag": "plain_text", "content": "Docs"},
               "behaviors": [{"type": "open_url", "default_url": "https://example.com/docs"}]}),
    ])
}

fn options(values: &[&str]) -> Value {
    values
        .iter()
        .map(|v| json!({"text": {"tag": "plain_text", "content": v.to_uppercase()}, "value": v}))
        .collect()
}

fn leave_form() -> Value {
    card(vec![json!({"tag": "form", "name": "leave", "elements": [
        {"tag": "input", "name": "reason", "required": true},
        {"tag": "input", "name": "days", "default_value": "1"},
        {"tag": "select_static", "name": "kind", "options": options(&["annual", "sick"]), "initial_option": "annual"},
        {"tag": "multi_select_static", "name": "notify", "options": options(&["hr", "lead", "team"])},
        {"tag": "date_picker", "name": "start"},
        {"tag": "checker", "name": "urgent", "text": {"tag": "plain_text", "content": "Urgent"}},
        {"tag": "button", "name": "send", "form_action_type": "submit",
         "text": {"tag": "plain_text", "content": "Send"},
         "behaviors": [{"type": "callback", "value": {"form": "leave"}}]},
        {"tag": "button", "name": "clear", "form_action_type": "reset",
         "text": {"tag": "plain_text", "content": "Clear"}}
    ]})])
}

fn controls() -> Value {
    card(vec![
        json!({"tag": "select_static", "element_id": "priority", "options": options(&["high", "low"])}),
        json!({"tag": "overflow", "element_id": "more", "options": options(&["mute", "share"])}),
        json!({"tag": "picker_datetime", "element_id": "when", "placeholder": {"tag": "plain_text", "content": "When?"}}),
        json!({"tag": "checker", "element_id": "done", "text": {"tag": "plain_text", "content": "Done"},
               "behaviors": [{"type": "callback", "value": {"task": 3}}]}),
        json!({"tag": "checker", "element_id": "local", "text": {"tag": "plain_text", "content": "Local"}}),
        json!({"tag": "input", "element_id": "note", "name": "note", "max_length": 10}),
    ])
}

/// What the bot saw, sent to the test.
type Seen = mpsc::UnboundedSender<CardAction>;

async fn send(client: &Client, card: Value) -> String {
    client
        .messages()
        .send(SendMessage::to_chat("oc_team", card))
        .await
        .expect("the card is sent")
        .message_id
}

/// Serves `handler` and `on_card` on loopback with the axum integration; gives the URL.
async fn serve<F, Fut>(handler: CallbackHandler, on_card: F) -> String
where
    F: Fn(CardAction, Deferred) -> Fut + Clone + Send + Sync + 'static,
    Fut: Future<Output = Answer> + Send + 'static,
{
    let app = axum::Router::new().route("/feishu/card", callback::axum::post(handler, on_card));
    serve_router(app).await
}

async fn serve_router(app: axum::Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!(
        "http://{}/feishu/card",
        listener.local_addr().expect("addr")
    );
    tokio::spawn(async move { axum::serve(listener, app).await });
    url
}

/// The approval bot: records the action, answers a toast and a card saying who did what.
fn approval_bot(seen: Seen) -> impl Fn(CardAction, Deferred) -> std::future::Ready<Answer> + Clone {
    move |action: CardAction, _later: Deferred| {
        let what = action.action.value["do"].as_str().unwrap_or("?").to_owned();
        let by = action.operator.open_id.clone();
        let _ = seen.send(action);
        std::future::ready(
            Answer::toast(Toast::success(format!("{what} by {by}"))).card(card(vec![
                json!({"tag": "markdown", "content": format!("{what} by {by}")}),
            ])),
        )
    }
}

async fn click_reaches_the_bot(encrypted: bool) {
    let mut builder = Emulator::builder()
        .verification_token(TOKEN)
        .tenant_key("t-acme")
        .user(
            UserIdentity::new("ou_alice")
                .user_id("u-alice")
                .name("Alice"),
        );
    let mut config = CallbackConfig::new(TOKEN);
    if encrypted {
        builder = builder.encrypt_key(KEY);
        config = config.encrypt_key(KEY);
    }
    let feishu = builder.start().await.expect("emulator");
    let client = feishu.client().build().expect("client");
    let message_id = send(&client, approval()).await;

    let (tx, mut rx) = mpsc::unbounded_channel();
    let url = serve(config.build(), approval_bot(tx)).await;
    feishu.set_callback_url(url);

    let done = feishu
        .user("ou_alice")
        .click(&message_id, "Approve")
        .await
        .expect("the click is sent");
    assert!(done.is_ok(), "{:?}", done.failure);
    assert_eq!(done.status, Some(200));
    let toast = done.toast.as_ref().expect("a toast");
    assert_eq!(
        (toast.kind.as_str(), toast.content.as_deref()),
        ("success", Some("approve by ou_alice"))
    );
    assert!(done.card_changed);
    assert_eq!(
        feishu.message(&message_id).expect("message").card["body"]["elements"][0]["content"],
        "approve by ou_alice"
    );
    assert_eq!(feishu.toasts(), vec![toast.clone()]);

    // The bot's handler checked the signature (with a key) and the token, and saw this:
    let action = rx.recv().await.expect("the bot saw the click");
    assert_eq!(action.operator.open_id, "ou_alice");
    assert_eq!(action.operator.user_id.as_deref(), Some("u-alice"));
    assert_eq!(action.operator.union_id.as_deref(), Some("on_alice"));
    assert_eq!(action.tenant_key, "t-acme");
    assert_eq!(action.app_id, feishu.app_id());
    assert_eq!(action.action.tag, "button");
    assert_eq!(action.action.value, json!({"do": "approve", "request": 7}));
    assert_eq!(
        action.context.open_message_id.as_deref(),
        Some(message_id.as_str())
    );
    assert_eq!(action.context.open_chat_id.as_deref(), Some("oc_team"));
    assert_eq!(action.host.as_deref(), Some("im_message"));
    assert_eq!(action.event_id, done.event_id);
    assert_eq!(action.raw()["event"]["token"], done.callback_token.as_str());
    assert!(done.callback_token.starts_with("c-"));

    let header = &done.request["header"];
    assert_eq!(header["event_type"], "card.action.trigger");
    assert_eq!(header["token"], TOKEN);
    let micros = header["create_time"].as_str().expect("create_time");
    assert!(
        micros.len() >= 16 && micros.bytes().all(|b| b.is_ascii_digit()),
        "{micros}"
    );
}

#[tokio::test]
async fn a_click_reaches_a_bot_over_http_encrypted_and_signed() {
    click_reaches_the_bot(true).await;
}

#[tokio::test]
async fn a_click_reaches_a_bot_over_http_in_plain_json() {
    click_reaches_the_bot(false).await;
}

#[tokio::test]
async fn a_bot_with_another_key_refuses_the_callback_and_the_user_sees_an_error() {
    let feishu = Emulator::builder()
        .verification_token(TOKEN)
        .encrypt_key("not-the-bots-key")
        .start()
        .await
        .expect("emulator");
    let client = feishu.client().build().expect("client");
    let message_id = send(&client, approval()).await;
    let (tx, _rx) = mpsc::unbounded_channel();
    let handler = CallbackConfig::new(TOKEN).encrypt_key(KEY).build();
    feishu.set_callback_url(serve(handler, approval_bot(tx)).await);

    let done = feishu
        .user("ou_bob")
        .click(&message_id, "Reject")
        .await
        .expect("sent");
    assert_eq!(done.status, Some(401));
    assert_eq!(done.failure.as_ref().map(|f| f.code), Some(200671));
    assert!(!done.card_changed);
    assert!(feishu.toasts().is_empty());
    assert_eq!(
        feishu.message(&message_id).expect("message").card,
        approval(),
        "a refused callback leaves the card alone"
    );
}

#[derive(Debug, PartialEq, FormValue)]
struct Leave {
    reason: String,
    days: u32,
    kind: String,
    notify: Vec<String>,
    start: Option<String>,
    urgent: bool,
}

#[tokio::test]
async fn a_form_submission_decodes_into_the_bots_struct() {
    let feishu = Emulator::builder()
        .verification_token(TOKEN)
        .encrypt_key(KEY)
        .start()
        .await
        .expect("emulator");
    let client = feishu.client().build().expect("client");
    let message_id = send(&client, leave_form()).await;

    let (tx, mut rx) = mpsc::unbounded_channel();
    let handler = CallbackConfig::new(TOKEN).encrypt_key(KEY).build();
    let url = serve(handler, move |action: CardAction, _later: Deferred| {
        let leave = action.form::<Leave>();
        let name = action.action.name.clone();
        let value = action.action.value.clone();
        let timezone = action.action.timezone.clone();
        let _ = tx.send((leave, name, value, timezone));
        async { Answer::toast(Toast::info("Filed")) }
    })
    .await;
    feishu.set_callback_url(url);

    let done = feishu
        .user("ou_carol")
        .submit_form(
            &message_id,
            "leave",
            json!({"reason": "moving house", "notify": ["hr", "lead"], "start": "2024-04-01", "urgent": true}),
        )
        .await
        .expect("submitted");
    assert!(done.is_ok(), "{:?}", done.failure);
    assert!(!done.card_changed, "a toast alone leaves the card");
    let (leave, name, value, timezone) = rx.recv().await.expect("the bot saw the form");
    assert_eq!(
        leave.expect("the form decodes"),
        Leave {
            reason: "moving house".into(),
            days: 1,
            kind: "annual".into(),
            notify: vec!["hr".into(), "lead".into()],
            start: Some("2024-04-01 +0800".into()),
            urgent: true,
        }
    );
    assert_eq!(name.as_deref(), Some("send"));
    assert_eq!(value, json!({"form": "leave"}));
    assert_eq!(timezone.as_deref(), Some("Asia/Shanghai"));
    assert_eq!(done.toast.and_then(|t| t.content).as_deref(), Some("Filed"));
}

#[tokio::test]
async fn forms_refuse_what_feishus_client_would_not_send() {
    let feishu = Emulator::builder()
        .callback_url("http://127.0.0.1:9/unused")
        .start()
        .await
        .expect("emulator");
    let client = feishu.client().build().expect("client");
    let message_id = send(&client, leave_form()).await;
    let user = feishu.user("ou_dave");

    let err = user
        .submit_form(&message_id, "leave", json!({}))
        .await
        .unwrap_err();
    assert_eq!(
        err,
        UserError::RequiredEmpty {
            form: "leave".into(),
            field: "reason".into()
        }
    );
    assert!(err.to_string().contains("give it a value"), "{err}");

    let err = user
        .submit_form(
            &message_id,
            "leave",
            json!({"reason": "x", "kind": "unpaid"}),
        )
        .await
        .unwrap_err();
    match &err {
        UserError::NotAnOption { value, allowed, .. } => {
            assert_eq!(value, "unpaid");
            assert_eq!(allowed, &["annual", "sick"]);
        }
        other => panic!("{other:?}"),
    }

    let err = user
        .submit_form(
            &message_id,
            "leave",
            json!({"reason": "x", "colour": "red"}),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&err, UserError::UnknownField { field, .. } if field == "colour"),
        "{err:?}"
    );

    let err = user
        .submit_form(&message_id, "leave", json!({"reason": "x", "notify": "hr"}))
        .await
        .unwrap_err();
    assert!(matches!(err, UserError::BadValue { .. }), "{err:?}");

    let err = user
        .submit_form(&message_id, "holiday", json!({}))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, UserError::NoSuchForm { available, .. } if available == &["leave"]),
        "{err:?}"
    );

    // Clicking the submit button submits the initial values: the required reason is empty.
    let err = user.click(&message_id, "Send").await.unwrap_err();
    assert!(matches!(err, UserError::RequiredEmpty { .. }), "{err:?}");

    let err = user.click(&message_id, "Clear").await.unwrap_err();
    assert!(matches!(err, UserError::NoCallback { .. }), "{err:?}");

    let err = user.choose(&message_id, "kind", "sick").await.unwrap_err();
    assert_eq!(
        err,
        UserError::InForm {
            target: "select_static `kind`".into(),
            form: "leave".into()
        }
    );

    let err = user
        .submit_form_with(&message_id, "leave", "Clear", json!({"reason": "x"}))
        .await
        .unwrap_err();
    assert!(matches!(err, UserError::WrongComponent { .. }), "{err:?}");
    assert!(
        feishu.interactions().is_empty(),
        "nothing refused reached the bot"
    );
}

#[tokio::test]
async fn clicks_refuse_what_feishus_client_would_not_send() {
    let feishu = Emulator::start().await.expect("emulator");
    let client = feishu.client().build().expect("client");
    let message_id = send(&client, approval()).await;
    let user = feishu.user("ou_erin");

    assert_eq!(
        user.click(&message_id, "Approve").await.unwrap_err(),
        UserError::NoCallbackUrl
    );
    feishu.set_callback_url("http://127.0.0.1:9/unused");

    let err = user.click("om_nope", "Approve").await.unwrap_err();
    assert_eq!(
        err,
        UserError::UnknownMessage {
            message_id: "om_nope".into()
        }
    );

    let err = user.click(&message_id, "Approve!").await.unwrap_err();
    match &err {
        UserError::NotFound { available, .. } => assert_eq!(
            available,
            &[
                "button \"Approve\"",
                "button \"Reject\"",
                "button \"Later\"",
                "button \"Docs\""
            ]
        ),
        other => panic!("{other:?}"),
    }
    assert!(err.to_string().contains("button \"Approve\""), "{err}");

    let err = user.click(&message_id, "Later").await.unwrap_err();
    assert!(
        matches!(err, UserError::Disabled { by: None, .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("disabled"), "{err}");

    let err = user.click(&message_id, "Docs").await.unwrap_err();
    assert!(matches!(err, UserError::NoCallback { .. }), "{err:?}");

    let err = user
        .choose(&message_id, Target::text("Approve"), "x")
        .await
        .unwrap_err();
    assert!(matches!(err, UserError::WrongComponent { .. }), "{err:?}");
    assert!(feishu.interactions().is_empty());
}

#[tokio::test]
async fn choices_ticks_and_inputs_carry_what_feishu_sends() {
    let feishu = Emulator::builder()
        .verification_token(TOKEN)
        .encrypt_key(KEY)
        .user(UserIdentity::new("ou_faye").timezone("Europe/Berlin", "+0100"))
        .start()
        .await
        .expect("emulator");
    let client = feishu.client().build().expect("client");
    let message_id = send(&client, controls()).await;

    // Delivered in this process, through the same checks as over HTTP.
    let (tx, mut rx) = mpsc::unbounded_channel::<CardAction>();
    let handler = CallbackConfig::new(TOKEN).encrypt_key(KEY).build();
    feishu.deliver_to_handler(handler, move |action: CardAction, _later: Deferred| {
        let _ = tx.send(action);
        async { Answer::empty() }
    });
    let faye = feishu.user("ou_faye");

    let done = faye
        .choose(&message_id, "priority", "high")
        .await
        .expect("chosen");
    assert!(done.is_ok(), "{:?}", done.failure);
    let seen = rx.recv().await.expect("seen");
    assert_eq!(
        (seen.action.tag.as_str(), seen.action.option.as_deref()),
        ("select_static", Some("high"))
    );

    faye.choose(&message_id, "more", "share")
        .await
        .expect("chosen");
    let seen = rx.recv().await.expect("seen");
    assert_eq!(
        (seen.action.tag.as_str(), seen.action.option.as_deref()),
        ("overflow", Some("share"))
    );

    faye.choose(&message_id, "when", "2025-06-10 19:19")
        .await
        .expect("picked");
    let seen = rx.recv().await.expect("seen");
    assert_eq!(
        seen.action.option.as_deref(),
        Some("2025-06-10 19:19 +0100")
    );
    assert_eq!(seen.action.timezone.as_deref(), Some("Europe/Berlin"));

    faye.tick(&message_id, "Done", true).await.expect("ticked");
    let seen = rx.recv().await.expect("seen");
    assert_eq!(
        (seen.action.checked, &seen.action.value),
        (Some(true), &json!({"task": 3}))
    );

    faye.input(&message_id, "note", "hello")
        .await
        .expect("typed");
    let seen = rx.recv().await.expect("seen");
    assert_eq!(seen.action.input_value.as_deref(), Some("hello"));
    assert_eq!(seen.action.name.as_deref(), Some("note"));

    let err = faye
        .choose(&message_id, "priority", "medium")
        .await
        .unwrap_err();
    assert!(matches!(err, UserError::NotAnOption { .. }), "{err:?}");
    let err = faye
        .choose(&message_id, "when", "tomorrow")
        .await
        .unwrap_err();
    assert!(matches!(err, UserError::BadValue { .. }), "{err:?}");
    let err = faye.tick(&message_id, "Local", true).await.unwrap_err();
    assert!(matches!(err, UserError::NoCallback { .. }), "{err:?}");
    let err = faye
        .input(&message_id, "note", "far too long")
        .await
        .unwrap_err();
    assert!(matches!(err, UserError::BadValue { .. }), "{err:?}");
    assert_eq!(feishu.interactions().len(), 5);
}

#[tokio::test]
async fn a_template_answer_replaces_the_card() {
    let feishu = Emulator::start().await.expect("emulator");
    feishu.register_template(
        "AAq-done",
        "1.0.0",
        card(vec![
            json!({"tag": "markdown", "content": "Done by ${who}"}),
        ]),
    );
    let client = feishu.client().build().expect("client");
    let message_id = send(&client, approval()).await;
    let handler = CallbackConfig::new(card_client::emulator::VERIFICATION_TOKEN).build();
    feishu.deliver_to_handler(handler, |action: CardAction, _later: Deferred| async move {
        Answer::empty()
            .card(Template::new("AAq-done").variables(json!({"who": action.operator.open_id})))
    });

    let done = feishu
        .user("ou_gus")
        .click(&message_id, "Approve")
        .await
        .expect("clicked");
    assert!(done.is_ok() && done.card_changed, "{done:?}");
    assert_eq!(done.toast, None);
    assert_eq!(
        feishu.message(&message_id).expect("message").card["body"]["elements"][0]["content"],
        "Done by ou_gus"
    );
}

#[tokio::test]
async fn a_slow_bot_answers_the_fallback_and_its_card_follows_by_delayed_update() {
    let feishu = Emulator::start().await.expect("emulator");
    let client = feishu.client().build().expect("client");
    let message_id = send(&client, approval()).await;

    // The handler gives up on the function at once (margin = the whole 3 s), so the fallback
    // answers; the function finishes only when the test lets it.
    let (release, released) = oneshot::channel::<()>();
    let released = std::sync::Arc::new(Mutex::new(Some(released)));
    let handler = CallbackConfig::new(card_client::emulator::VERIFICATION_TOKEN)
        .client(client)
        .deadline_margin(Duration::from_secs(3))
        .fallback(Answer::toast(Toast::info("Working…")))
        .build();
    feishu.deliver_to_handler(
        handler.clone(),
        move |_action: CardAction, _later: Deferred| {
            let released = released.clone();
            async move {
                if let Some(rx) = released.lock().await.take() {
                    let _ = rx.await;
                }
                Answer::empty().card(card(vec![
                    json!({"tag": "markdown", "content": "Approved, finally"}),
                ]))
            }
        },
    );

    let done = feishu
        .user("ou_hana")
        .click(&message_id, "Approve")
        .await
        .expect("clicked");
    assert!(done.is_ok(), "{:?}", done.failure);
    assert_eq!(
        done.toast.as_ref().and_then(|t| t.content.as_deref()),
        Some("Working…")
    );
    assert!(!done.card_changed);

    release.send(()).expect("the function waits");
    handler.finish_background().await;
    let message = feishu.message(&message_id).expect("message");
    assert_eq!(
        message.card["body"]["elements"][0]["content"],
        "Approved, finally"
    );
    assert!(message.updated);
}

fn json_answer(body: Value) -> ([(axum::http::HeaderName, &'static str); 1], String) {
    (
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
}

#[tokio::test]
async fn failed_answers_are_recorded_as_feishu_shows_them() {
    use axum::http::StatusCode;
    use axum::routing::post;

    let app = axum::Router::new()
        .route("/never", post(std::future::pending::<&'static str>))
        .route(
            "/boom",
            post(|| async { (StatusCode::INTERNAL_SERVER_ERROR, "boom") }),
        )
        .route("/text", post(|| async { "ok" }))
        .route(
            "/v1",
            post(|| async {
                json_answer(
                    json!({"card": {"type": "raw", "data": {"config": {"update_multi": true},
                "elements": [{"tag": "div", "text": {"tag": "plain_text", "content": "1.0"}}]}}}),
                )
            }),
        )
        .route(
            "/bad-toast",
            post(|| async { json_answer(json!({"toast": {"type": "loud", "content": "x"}})) }),
        );
    let base = serve_router(app).await;
    let base = base.trim_end_matches("/feishu/card");

    // A short wait for the bot that never answers; Feishu's 3 s for the others, which answer
    // at once, so that a busy machine cannot turn their answers into timeouts.
    let feishu = Emulator::builder()
        .callback_deadline(Duration::from_millis(200))
        .start()
        .await
        .expect("emulator");
    let client = feishu.client().build().expect("client");
    let message_id = send(&client, approval()).await;
    let user = feishu.user("ou_ivan");

    let mut codes = Vec::new();
    for path in ["/never", "/boom", "/text", "/v1", "/bad-toast"] {
        feishu.set_callback_url(format!("{base}{path}"));
        let done = user.click(&message_id, "Approve").await.expect("sent");
        assert!(
            !done.is_ok() && !done.card_changed && done.toast.is_none(),
            "{done:?}"
        );
        codes.push(done.failure.map(|f| f.code));
        if path == "/never" {
            assert_eq!(done.status, None, "no answer in time");
            feishu.set_callback_deadline(callback::FEISHU_DEADLINE);
        }
    }
    assert_eq!(
        codes,
        [
            Some(200341),
            Some(200671),
            Some(200672),
            Some(200830),
            Some(200672)
        ]
    );

    // Nobody listening.
    let closed = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = closed.local_addr().expect("addr");
    drop(closed);
    feishu.set_callback_url(format!("http://{addr}/feishu/card"));
    let done = user.click(&message_id, "Approve").await.expect("sent");
    assert_eq!(done.failure.map(|f| f.code), Some(200342));

    assert_eq!(feishu.interactions().len(), 6);
    assert_eq!(
        feishu.message(&message_id).expect("message").card,
        approval()
    );
}

#[tokio::test]
async fn a_streaming_card_cannot_be_acted_on() {
    let feishu = Emulator::builder()
        .callback_url("http://127.0.0.1:9/unused")
        .start()
        .await
        .expect("emulator");
    let client = feishu.client().build().expect("client");
    let card_id = client
        .cards()
        .create(card_client::CreateCard::new(json!({
            "schema": "2.0", "config": {"streaming_mode": true, "update_multi": true},
            "body": {"elements": [button("Stop", json!({"do": "stop"}))]}
        })))
        .await
        .expect("entity");
    let message_id = client
        .messages()
        .send(SendMessage::to_chat(
            "oc_team",
            card_client::CardContent::entity(&card_id),
        ))
        .await
        .expect("sent")
        .message_id;
    let err = feishu
        .user("ou_jo")
        .click(&message_id, "Stop")
        .await
        .unwrap_err();
    assert_eq!(err, UserError::Streaming { message_id });
}

/// What a bot route received: headers and raw body.
type Received = std::sync::Arc<std::sync::Mutex<Vec<(axum::http::HeaderMap, Vec<u8>)>>>;

async fn recording_bot() -> (String, Received) {
    let received = Received::default();
    let log = received.clone();
    let app = axum::Router::new().route(
        "/feishu/card",
        axum::routing::post(
            move |headers: axum::http::HeaderMap, body: axum::body::Bytes| {
                let log = log.clone();
                async move {
                    log.lock().expect("log").push((headers, body.to_vec()));
                    json_answer(json!({}))
                }
            },
        ),
    );
    (serve_router(app).await, received)
}

#[tokio::test]
async fn the_wire_format_is_feishus_with_and_without_a_key() {
    for key in [None, Some(KEY)] {
        let mut builder = Emulator::builder().verification_token(TOKEN);
        if let Some(key) = key {
            builder = builder.encrypt_key(key);
        }
        let feishu = builder.start().await.expect("emulator");
        let client = feishu.client().build().expect("client");
        let message_id = send(&client, approval()).await;
        let (url, received) = recording_bot().await;
        feishu.set_callback_url(url);

        let done = feishu
            .user("ou_kim")
            .click(&message_id, "Approve")
            .await
            .expect("sent");
        assert!(done.is_ok() && !done.card_changed, "{done:?}");
        let (headers, body) = received.lock().expect("log").pop().expect("one POST");
        let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
        assert_eq!(header("content-type"), Some("application/json"));
        let body_json: Value = serde_json::from_slice(&body).expect("JSON body");
        match key {
            None => {
                assert_eq!(
                    header(callback::SIGNATURE_HEADER),
                    None,
                    "Feishu signs only with a key"
                );
                assert_eq!(body_json, done.request);
            }
            Some(key) => {
                let timestamp = header(callback::TIMESTAMP_HEADER).expect("timestamp");
                let nonce = header(callback::NONCE_HEADER).expect("nonce");
                assert_eq!(
                    header(callback::SIGNATURE_HEADER),
                    Some(callback::signature(timestamp, nonce, key, &body).as_str())
                );
                let sealed = body_json["encrypt"].as_str().expect("{\"encrypt\": …}");
                let plain = callback::decrypt(key, sealed).expect("decrypts");
                let plain: Value = serde_json::from_slice(&plain).expect("JSON inside");
                assert_eq!(plain, done.request);
            }
        }
        let event = &done.request["event"];
        assert_eq!(
            event["action"],
            json!({"tag": "button", "value": {"do": "approve", "request": 7}})
        );
        assert_eq!(event["operator"]["open_id"], "ou_kim");
        assert_eq!(
            event["operator"].get("user_id"),
            None,
            "user_id only when known"
        );
    }
}

#[tokio::test]
async fn containers_and_image_pickers_call_back_as_their_components_do() {
    let feishu = Emulator::start().await.expect("emulator");
    let client = feishu.client().build().expect("client");
    let message_id = send(
        &client,
        card(vec![
            json!({"tag": "interactive_container", "element_id": "row",
                   "behaviors": [{"type": "callback", "value": {"row": 1}}],
                   "elements": [{"tag": "markdown", "content": "Row 1"}]}),
            json!({"tag": "select_img", "element_id": "pic", "options": [
                {"img_key": "img_v2_a", "value": "a"},
                {"img_key": "img_v2_b", "value": "b", "disabled": true}]}),
        ]),
    )
    .await;
    let (url, received) = recording_bot().await;
    feishu.set_callback_url(url);
    let user = feishu.user("ou_lee");

    let done = user.click(&message_id, "row").await.expect("clicked");
    assert_eq!(
        done.request["event"]["action"],
        json!({"tag": "interactive_container", "value": {"row": 1}})
    );
    let done = user.choose(&message_id, "pic", "a").await.expect("chosen");
    assert_eq!(
        done.request["event"]["action"],
        json!({"tag": "select_img", "options": ["a"]})
    );
    let err = user.choose(&message_id, "pic", "b").await.unwrap_err();
    assert!(matches!(err, UserError::Disabled { .. }), "{err:?}");
    assert_eq!(received.lock().expect("log").len(), 2);
}

/// A bot that leaves the card as it is: each answer is a toast naming the user and the same
/// approval card.
fn same_card_bot() -> impl Fn(CardAction, Deferred) -> std::future::Ready<Answer> + Clone {
    |action: CardAction, _later: Deferred| {
        std::future::ready(
            Answer::toast(Toast::success(format!("seen {}", action.operator.open_id)))
                .card(approval()),
        )
    }
}

#[tokio::test]
async fn the_interaction_log_keeps_the_newest_records() {
    let feishu = Emulator::builder()
        .verification_token(TOKEN)
        .history_limit(2)
        .start()
        .await
        .expect("emulator");
    let client = feishu.client().build().expect("client");
    let message_id = send(&client, approval()).await;
    feishu.deliver_to_handler(CallbackConfig::new(TOKEN).build(), same_card_bot());

    let mut event_ids = Vec::new();
    for user in ["ou_ann", "ou_ben", "ou_cat"] {
        let done = feishu
            .user(user)
            .click(&message_id, "Approve")
            .await
            .expect("sent");
        assert!(done.is_ok(), "{:?}", done.failure);
        assert!(!done.card_changed, "the answer's card is the card shown");
        event_ids.push(done.event_id);
    }

    let kept: Vec<String> = feishu
        .interactions()
        .into_iter()
        .map(|i| i.event_id)
        .collect();
    assert_eq!(kept, event_ids[1..]);
    let toasts: Vec<String> = feishu.toasts().into_iter().map(|t| t.user).collect();
    assert_eq!(toasts, ["ou_ben", "ou_cat"]);
}

#[tokio::test]
async fn a_history_limit_of_zero_keeps_no_records_and_users_still_act() {
    let feishu = Emulator::builder()
        .verification_token(TOKEN)
        .history_limit(0)
        .start()
        .await
        .expect("emulator");
    let client = feishu.client().build().expect("client");
    let message_id = send(&client, approval()).await;
    let (tx, mut rx) = mpsc::unbounded_channel();
    feishu.deliver_to_handler(CallbackConfig::new(TOKEN).build(), approval_bot(tx));

    let done = feishu
        .user("ou_alice")
        .click(&message_id, "Approve")
        .await
        .expect("sent");
    assert!(done.is_ok() && done.card_changed, "{done:?}");
    assert!(rx.recv().await.is_some(), "the bot got the click");
    assert_eq!(
        feishu.message(&message_id).expect("message").card,
        card(vec![
            json!({"tag": "markdown", "content": "approve by ou_alice"})
        ])
    );
    assert!(feishu.interactions().is_empty());
    assert!(feishu.toasts().is_empty());
    assert!(feishu.requests().is_empty());
}
