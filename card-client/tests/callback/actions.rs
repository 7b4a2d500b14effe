//! Card actions that pass every check: the typed event, the answer's shape, de-duplication.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use card_client::callback::{
    Answer, CallbackConfig, CallbackError, CardAction, Claim, ClaimFuture, EventStore, StoreFuture,
    Toast,
};
use card_client::Template;
use card_core::model::{Card, Locale, Markdown};
use feishu_card::{FormValue, PickedDate, SelectOptions};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::fixtures::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq, SelectOptions)]
enum Priority {
    #[option(value = "p0", text = "紧急")]
    Urgent,
    #[option(value = "p2", text = "一般")]
    Normal,
}

#[derive(Debug, PartialEq, FormValue)]
struct Ticket {
    title: String,
    priority: Priority,
    watchers: Vec<String>,
    due: PickedDate,
    notify: bool,
    estimate: Option<u32>,
}

#[derive(Debug, PartialEq, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
enum Op {
    File { queue: String },
    Cancel,
}

fn ticket_submission(event_id: &str) -> Value {
    card_action(
        event_id,
        json!({
            "tag": "button",
            "name": "submit",
            "value": {"op": "file", "queue": "ops"},
            "form_value": {
                "title": "Disk full on db-3",
                "priority": "p0",
                "watchers": ["ou_a", "ou_b"],
                "due": "2024-04-01 +0800",
                "notify": true
            },
            "timezone": "Asia/Shanghai"
        }),
    )
}

/// Runs `req` through `handler` and gives back what the function received.
async fn received(req: &Request) -> (u16, Value, CardAction) {
    let seen = Arc::new(Mutex::new(None));
    let slot = seen.clone();
    let answer = sealed_handler()
        .handle(&req.headers, &req.body, move |action, _| {
            *slot.lock().unwrap() = Some(action);
            async { Answer::empty() }
        })
        .await;
    let body = serde_json::from_slice(answer.body()).unwrap();
    let action = seen.lock().unwrap().take().expect("the function ran");
    (answer.status(), body, action)
}

#[tokio::test]
async fn a_signed_encrypted_form_submission_decodes_into_the_users_types() {
    let (status, body, action) = received(&Request::sealed(&ticket_submission("e-form"))).await;
    assert_eq!(status, 200);
    assert_eq!(body, json!({}));

    let ticket: Ticket = action.form().unwrap();
    assert_eq!(ticket.title, "Disk full on db-3");
    assert_eq!(ticket.priority, Priority::Urgent);
    assert_eq!(ticket.watchers, ["ou_a", "ou_b"]);
    assert_eq!(ticket.due.to_string(), "2024-04-01 +0800");
    assert!(ticket.notify);
    assert_eq!(ticket.estimate, None);
    assert_eq!(
        action.value::<Op>().unwrap(),
        Op::File {
            queue: "ops".into()
        }
    );

    assert_eq!(action.event_id, "e-form");
    assert_eq!(action.app_id, "cli_a5d611352af9d00b");
    assert_eq!(action.tenant_key, "2df73991750c9b5");
    assert_eq!(action.operator.open_id, "ou_3c1b4a6e6f1a2b3c");
    assert_eq!(action.operator.user_id.as_deref(), Some("867b5b4a"));
    assert_eq!(action.operator.union_id.as_deref(), Some("on_b2c3d4e5f6"));
    assert_eq!(action.action.tag, "button");
    assert_eq!(action.action.name.as_deref(), Some("submit"));
    assert_eq!(action.action.timezone.as_deref(), Some("Asia/Shanghai"));
    assert_eq!(action.host.as_deref(), Some("im_message"));
    assert_eq!(
        action.context.open_message_id.as_deref(),
        Some("om_x100b3c2")
    );
    assert_eq!(
        action.context.open_chat_id.as_deref(),
        Some("oc_84983ff6516d731e5b5f68d4ea2e1da5")
    );
    let created = action.created.unwrap();
    assert_eq!(
        created
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_micros(),
        1_700_000_000_123_456
    );
    assert_eq!(action.token.uses(), 0);
    assert!(
        !format!("{action:?}").contains("c-295ee5"),
        "the token is redacted"
    );
    assert_eq!(
        action.raw()["event"]["action"]["form_value"]["priority"],
        "p0"
    );
}

#[tokio::test]
async fn decoding_errors_name_the_field_and_the_type() {
    let mut submission = ticket_submission("e-bad-form");
    submission["event"]["action"]["form_value"]["priority"] = json!("p9");
    submission["event"]["action"]["value"] = json!({"op": "explode"});
    let (status, _, action) = received(&Request::sealed(&submission)).await;
    assert_eq!(
        status, 200,
        "decoding is the function's business, not a refusal"
    );
    let form_error = action.form::<Ticket>().unwrap_err().to_string();
    assert!(form_error.contains("`priority`"), "{form_error}");
    let value_error = action.value::<Op>().unwrap_err().to_string();
    assert!(value_error.contains("Op"), "{value_error}");
}

#[tokio::test]
async fn components_outside_a_form() {
    for (action, check) in [
        (
            json!({"tag": "input", "name": "q", "input_value": "hello"}),
            "input",
        ),
        (json!({"tag": "select_static", "option": "p2"}), "select"),
        (
            json!({"tag": "multi_select_static", "options": ["a", "b"]}),
            "multi",
        ),
        (json!({"tag": "checker", "checked": true}), "checker"),
    ] {
        let (status, _, got) =
            received(&Request::plain(&card_action("e-c", action)).signed()).await;
        assert_eq!(status, 200);
        match check {
            "input" => assert_eq!(got.action.input_value.as_deref(), Some("hello")),
            "select" => assert_eq!(got.action.option.as_deref(), Some("p2")),
            "multi" => assert_eq!(
                got.action.options.as_deref(),
                Some(&["a".to_owned(), "b".to_owned()][..])
            ),
            _ => assert_eq!(got.action.checked, Some(true)),
        }
        assert!(got.form::<Ticket>().is_err(), "no form outside a form");
    }
}

#[tokio::test]
async fn plaintext_callbacks_when_no_encrypt_key_is_set() {
    let req = Request::plain(&card_action("e-plain", button(json!({"op": "cancel"}))));
    let answer = plain_handler()
        .handle(&req.headers, &req.body, |action, _| async move {
            match action.value::<Op>() {
                Ok(Op::Cancel) => Answer::toast(Toast::success("cancelled")),
                _ => Answer::toast(Toast::error("?")),
            }
        })
        .await;
    assert_eq!(answer.status(), 200);
    assert_eq!(
        serde_json::from_slice::<Value>(answer.body()).unwrap(),
        json!({"toast": {"type": "success", "content": "cancelled"}})
    );
}

#[tokio::test]
async fn answers_take_feishus_response_shape() {
    let card = Card::new().element(Markdown::new("Filed as **OPS-1204**"));
    let expected_card = card.to_value();
    let req = Request::sealed(&ticket_submission("e-answer"));
    let answer = sealed_handler()
        .handle(&req.headers, &req.body, move |_, _| async move {
            Answer::toast(
                Toast::success("Filed")
                    .translation(Locale::ZhCn, "已提交")
                    .translation(Locale::JaJp, "提出しました"),
            )
            .card(card)
        })
        .await;
    assert_eq!(answer.status(), 200);
    assert_eq!(
        serde_json::from_slice::<Value>(answer.body()).unwrap(),
        json!({
            "toast": {"type": "success", "content": "Filed",
                      "i18n": {"zh_cn": "已提交", "ja_jp": "提出しました"}},
            "card": {"type": "raw", "data": expected_card}
        })
    );

    let req = Request::sealed(&ticket_submission("e-template"));
    let answer = sealed_handler()
        .handle(&req.headers, &req.body, |_, _| async {
            Answer::empty().card(
                Template::new("AAqk1234")
                    .version("1.0.2")
                    .variables(json!({"ticket": "OPS-1204"})),
            )
        })
        .await;
    assert_eq!(
        serde_json::from_slice::<Value>(answer.body()).unwrap(),
        json!({"card": {"type": "template", "data": {
            "template_id": "AAqk1234", "template_version_name": "1.0.2",
            "template_variable": {"ticket": "OPS-1204"}}}})
    );

    for (toast, kind) in [
        (Toast::info("i"), "info"),
        (Toast::warning("w"), "warning"),
        (Toast::error("e"), "error"),
    ] {
        assert_eq!(
            serde_json::to_value(Answer::toast(toast)).unwrap()["toast"]["type"],
            kind
        );
    }
}

#[tokio::test]
async fn an_invalid_answer_card_is_left_out_and_the_toast_kept() {
    let req = Request::sealed(&ticket_submission("e-invalid-card"));
    let answer = sealed_handler()
        .handle(&req.headers, &req.body, |_, _| async {
            Answer::toast(Toast::success("Filed")).card(json!({
                "schema": "2.0",
                "body": {"elements": [{"tag": "no_such_component"}]}
            }))
        })
        .await;
    assert_eq!(answer.status(), 200);
    assert_eq!(
        serde_json::from_slice::<Value>(answer.body()).unwrap(),
        json!({"toast": {"type": "success", "content": "Filed"}})
    );
}

#[tokio::test]
async fn a_lenient_client_keeps_an_answer_card_with_a_newer_component() {
    let card = json!({
        "schema": "2.0",
        "body": {"elements": [{"tag": "no_such_component"}]}
    });
    let client = card_client::Client::builder("cli_a1b2c3", "app-secret")
        .validation(card_core::validate::Policy::Lenient)
        .build()
        .expect("the client builds");
    let handler = card_client::callback::CallbackConfig::new(TOKEN)
        .encrypt_key(KEY)
        .client(client)
        .build();
    let req = Request::sealed(&ticket_submission("e-lenient-card"));
    let answered = card.clone();
    let answer = handler
        .handle(&req.headers, &req.body, move |_, _| async move {
            Answer::toast(Toast::success("Filed")).card(answered)
        })
        .await;
    assert_eq!(answer.status(), 200);
    let body = serde_json::from_slice::<Value>(answer.body()).unwrap();
    assert_eq!(body["card"]["data"], card, "{body}");
}

#[tokio::test]
async fn http_header_maps_work_as_headers() {
    let req = Request::sealed(&ticket_submission("e-headermap"));
    let mut headers = http::HeaderMap::new();
    for (name, value) in &req.headers {
        headers.insert(
            http::HeaderName::from_bytes(name.to_ascii_lowercase().as_bytes()).unwrap(),
            value.parse().unwrap(),
        );
    }
    let answer = sealed_handler()
        .handle(&headers, &req.body, |_, _| async { Answer::empty() })
        .await;
    assert_eq!(answer.status(), 200, "{:?}", answer.error());
}

#[tokio::test]
async fn each_event_is_handled_once() {
    let handler = sealed_handler();
    let calls = Calls::default();
    let mut statuses = Vec::new();
    for event_id in ["e-1", "e-2", "e-1", "e-3", "e-2"] {
        let req = Request::sealed(&card_action(event_id, button(json!("ok"))));
        let calls = calls.clone();
        let answer = handler
            .handle(&req.headers, &req.body, move |_, _| {
                calls.hit();
                async { Answer::empty() }
            })
            .await;
        statuses.push(answer.status());
    }
    assert_eq!(statuses, [200, 200, 409, 200, 409]);
    assert_eq!(calls.count(), 3);

    // Clones share the store.
    let clone = handler.clone();
    let req = Request::sealed(&card_action("e-3", button(json!("ok"))));
    let answer = clone
        .handle(&req.headers, &req.body, |_, _| async { Answer::empty() })
        .await;
    assert_eq!(answer.status(), 409);
}

#[tokio::test]
async fn a_refused_event_does_not_use_up_its_id() {
    let handler = sealed_handler();
    let mut wrong = card_action("e-later", button(json!("ok")));
    wrong["header"]["token"] = json!("v-wrong");
    let answer = handler
        .handle(
            &Request::sealed(&wrong).headers,
            &Request::sealed(&wrong).body,
            |_, _| async { Answer::empty() },
        )
        .await;
    assert_eq!(answer.status(), 403);
    let req = Request::sealed(&card_action("e-later", button(json!("ok"))));
    let answer = handler
        .handle(&req.headers, &req.body, |_, _| async { Answer::empty() })
        .await;
    assert_eq!(answer.status(), 200);
}

/// A store that is down.
struct Down;

impl EventStore for Down {
    fn claim<'a>(&'a self, _: &'a str, _: &'a str, _: Duration) -> ClaimFuture<'a> {
        Box::pin(async { Err("connection refused (redis://10.0.0.7:6379)".into()) })
    }

    fn finish<'a>(&'a self, _: &'a str, _: &'a str) -> StoreFuture<'a> {
        Box::pin(async { Err("connection refused (redis://10.0.0.7:6379)".into()) })
    }

    fn release<'a>(&'a self, _: &'a str, _: &'a str) -> StoreFuture<'a> {
        Box::pin(async { Err("connection refused (redis://10.0.0.7:6379)".into()) })
    }
}

/// A store shared by two handlers, as two processes behind a load balancer would share one:
/// event id → the claimant holding it, or `None` once handled (claims never lapse here).
#[derive(Clone, Default)]
struct Shared(Arc<Mutex<Vec<Record>>>);

/// An event id and the claimant holding it, `None` once handled.
type Record = (String, Option<String>);

impl EventStore for Shared {
    fn claim<'a>(&'a self, event_id: &'a str, claimant: &'a str, _: Duration) -> ClaimFuture<'a> {
        let mut seen = self.0.lock().unwrap();
        let claim = match seen.iter().find(|(id, _)| id == event_id) {
            None => {
                seen.push((event_id.to_owned(), Some(claimant.to_owned())));
                Claim::Claimed
            }
            Some((_, Some(holder))) if holder == claimant => Claim::Claimed,
            Some((_, Some(_))) => Claim::InProgress(Duration::from_secs(1)),
            Some((_, None)) => Claim::Handled,
        };
        Box::pin(async move { Ok(claim) })
    }

    fn finish<'a>(&'a self, event_id: &'a str, claimant: &'a str) -> StoreFuture<'a> {
        let mut seen = self.0.lock().unwrap();
        let mine = seen
            .iter_mut()
            .find(|(id, holder)| id == event_id && holder.as_deref() == Some(claimant))
            .map(|(_, holder)| *holder = None)
            .is_some();
        Box::pin(async move { Ok(mine) })
    }

    fn release<'a>(&'a self, event_id: &'a str, claimant: &'a str) -> StoreFuture<'a> {
        let mut seen = self.0.lock().unwrap();
        let before = seen.len();
        seen.retain(|(id, holder)| !(id == event_id && holder.as_deref() == Some(claimant)));
        let released = seen.len() < before;
        Box::pin(async move { Ok(released) })
    }
}

#[tokio::test]
async fn pluggable_event_stores() {
    let handler = CallbackConfig::new(TOKEN)
        .encrypt_key(KEY)
        .event_store(Down)
        .build();
    let calls = Calls::default();
    let req = Request::sealed(&card_action("e-down", button(json!("ok"))));
    let c = calls.clone();
    let answer = handler
        .handle(&req.headers, &req.body, move |_, _| {
            c.hit();
            async { Answer::empty() }
        })
        .await;
    assert_eq!(answer.status(), 503);
    assert!(
        matches!(answer.error(), Some(CallbackError::StoreFailed { reason }) if reason.contains("connection refused"))
    );
    assert_eq!(calls.count(), 0);

    let store = Shared::default();
    let a = CallbackConfig::new(TOKEN)
        .encrypt_key(KEY)
        .event_store(store.clone())
        .build();
    let b = CallbackConfig::new(TOKEN)
        .encrypt_key(KEY)
        .event_store(store)
        .build();
    let req = Request::sealed(&card_action("e-shared", button(json!("ok"))));
    let first = a
        .handle(&req.headers, &req.body, |_, _| async { Answer::empty() })
        .await;
    let second = b
        .handle(&req.headers, &req.body, |_, _| async { Answer::empty() })
        .await;
    assert_eq!((first.status(), second.status()), (200, 409));

    // Another delivery holds the claim and neither answers nor vanishes within the deadline:
    // this one is not answered as done (503), so that Feishu delivers it again.
    let store = Shared::default();
    assert_eq!(
        store
            .claim("e-held", "another-delivery", Duration::from_secs(4))
            .await
            .unwrap(),
        Claim::Claimed
    );
    let c = CallbackConfig::new(TOKEN)
        .encrypt_key(KEY)
        .deadline_margin(Duration::from_millis(2950))
        .event_store(store.clone())
        .build();
    let req = Request::sealed(&card_action("e-held", button(json!("ok"))));
    let calls = Calls::default();
    let hit = calls.clone();
    let held = c
        .handle(&req.headers, &req.body, move |_, _| {
            hit.hit();
            async { Answer::empty() }
        })
        .await;
    assert_eq!(held.status(), 503);
    assert!(
        matches!(held.error(), Some(CallbackError::InProgress { event_id }) if event_id == "e-held")
    );
    assert_eq!(calls.count(), 0);
    // Once the other delivery finishes it, a delivery again is a duplicate.
    assert!(store.finish("e-held", "another-delivery").await.unwrap());
    let again = c
        .handle(&req.headers, &req.body, |_, _| async { Answer::empty() })
        .await;
    assert_eq!(again.status(), 409);
}

#[tokio::test]
async fn a_panicking_function_gets_a_500_not_a_crash() {
    let req = Request::sealed(&card_action("e-panic", button(json!("ok"))));
    let handler = sealed_handler();
    let answer = handler
        .handle(&req.headers, &req.body, |_, _| async {
            if true {
                panic!("bug in the bot");
            }
            Answer::empty()
        })
        .await;
    assert_eq!(answer.status(), 500);
    assert_eq!(answer.error(), Some(&CallbackError::HandlerPanicked));
    handler.finish_background().await;
    assert_eq!(handler.running(), 0);
}
