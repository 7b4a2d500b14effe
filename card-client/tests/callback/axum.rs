//! The axum route: the request's headers and body in, the `HttpAnswer` out, and the answer
//! marked sent once axum has written it.

use std::time::Duration;

use axum::body::Body;
use axum::http::{Request as HttpRequest, StatusCode};
use axum::Router;
use card_client::callback::{self, Answer, CallbackConfig, CardAction, Deferred, Toast};
use http_body_util::BodyExt;
use serde_json::{json, Value};
use tokio::sync::{mpsc, oneshot};
use tower::ServiceExt;

use crate::fixtures::*;

fn post(req: &Request) -> HttpRequest<Body> {
    let mut builder = HttpRequest::post("/feishu/card");
    for (name, value) in &req.headers {
        builder = builder.header(name, value);
    }
    builder.body(Body::from(req.body.clone())).unwrap()
}

async fn on_card(action: CardAction, _: Deferred) -> Answer {
    Answer::toast(Toast::success(format!("hello {}", action.operator.open_id)))
}

#[tokio::test]
async fn challenge_action_and_refusals_through_the_route() {
    let app = Router::new().route(
        "/feishu/card",
        callback::axum::post(sealed_handler(), on_card),
    );

    let response = app
        .clone()
        .oneshot(post(&Request::raw(seal(
            KEY,
            challenge(TOKEN).to_string().as_bytes(),
        ))))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()["content-type"],
        "application/json; charset=utf-8"
    );
    let body: Value =
        serde_json::from_slice(&response.into_body().collect().await.unwrap().to_bytes()).unwrap();
    assert_eq!(body, json!({"challenge": "ajls384kdjx98XX"}));

    let action = Request::sealed(&card_action("e-axum", button(json!("x"))));
    let response = app.clone().oneshot(post(&action)).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value =
        serde_json::from_slice(&response.into_body().collect().await.unwrap().to_bytes()).unwrap();
    assert_eq!(
        body,
        json!({"toast": {"type": "success", "content": "hello ou_3c1b4a6e6f1a2b3c"}})
    );

    let response = app.clone().oneshot(post(&action)).await.unwrap();
    assert_eq!(response.status(), StatusCode::CONFLICT);

    let forged = Request::sealed(&card_action("e-forged", button(json!("x"))))
        .with_header("X-Lark-Signature", &"f".repeat(64));
    let response = app.clone().oneshot(post(&forged)).await.unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn the_body_is_read_up_to_the_limit_only() {
    let handler = CallbackConfig::new(TOKEN).body_limit(64).build();
    let app = Router::new().route("/feishu/card", callback::axum::post(handler, on_card));
    // Streamed in chunks without a length, as a chunked upload would be.
    let (tx, rx) = mpsc::channel::<Result<Vec<u8>, std::io::Error>>(4);
    let stream = tokio_stream(rx);
    let request = HttpRequest::post("/feishu/card")
        .body(Body::from_stream(stream))
        .unwrap();
    tx.send(Ok(vec![b' '; 40])).await.unwrap();
    tx.send(Ok(vec![b' '; 40])).await.unwrap();
    // The sender stays open: the route answers without waiting for the rest.
    let response = app.oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    drop(tx);
}

/// The receiver as a `Stream`, without a streams crate.
fn tokio_stream(
    rx: mpsc::Receiver<Result<Vec<u8>, std::io::Error>>,
) -> impl futures_core::Stream<Item = Result<Vec<u8>, std::io::Error>> + Send + 'static {
    struct Rx(mpsc::Receiver<Result<Vec<u8>, std::io::Error>>);
    impl futures_core::Stream for Rx {
        type Item = Result<Vec<u8>, std::io::Error>;
        fn poll_next(
            mut self: std::pin::Pin<&mut Self>,
            cx: &mut std::task::Context<'_>,
        ) -> std::task::Poll<Option<Self::Item>> {
            self.0.poll_recv(cx)
        }
    }
    Rx(rx)
}

#[tokio::test(start_paused = true)]
async fn the_answer_is_marked_sent_once_axum_has_written_it() {
    let (tx, mut rx) = mpsc::unbounded_channel::<Deferred>();
    let app = Router::new().route(
        "/feishu/card",
        callback::axum::post(plain_handler(), move |_, later| {
            let _ = tx.send(later);
            async { Answer::empty() }
        }),
    );
    let response = app
        .oneshot(post(&Request::plain(&card_action(
            "e-mark",
            button(json!("x")),
        ))))
        .await
        .unwrap();
    let later = rx.recv().await.unwrap();
    assert!(
        tokio::time::timeout(Duration::from_secs(1), later.answered())
            .await
            .is_err(),
        "the body has not been written yet"
    );
    let start = tokio::time::Instant::now();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    assert_eq!(&bytes[..], b"{}");
    later.answered().await;
    assert_eq!(
        start.elapsed(),
        Duration::ZERO,
        "marked as soon as the body was written"
    );
}

#[cfg(feature = "emulator")]
#[tokio::test]
async fn a_real_server_answers_then_updates_the_card() {
    use card_client::emulator::Emulator;
    use card_client::SendMessage;

    let feishu = Emulator::start().await.unwrap();
    let client = feishu.client().build().unwrap();
    let first =
        json!({"schema": "2.0", "body": {"elements": [{"tag": "markdown", "content": "Deploy?"}]}});
    let done = json!({"schema": "2.0", "body": {"elements": [{"tag": "markdown", "content": "Deployed"}]}});
    let sent = client
        .messages()
        .send(SendMessage::to_chat("oc_ops", first))
        .await
        .unwrap();
    let token = feishu.mint_callback_token(&sent.message_id).unwrap();

    let (updated_tx, updated_rx) = oneshot::channel();
    let updated_tx = std::sync::Arc::new(std::sync::Mutex::new(Some(updated_tx)));
    let handler = CallbackConfig::new(TOKEN)
        .encrypt_key(KEY)
        .client(client)
        .build();
    let done_card = done.clone();
    let app = Router::new().route(
        "/feishu/card",
        callback::axum::post(handler, move |_, later: Deferred| {
            let updated_tx = updated_tx.clone();
            let done_card = done_card.clone();
            async move {
                tokio::spawn(async move {
                    let result = later.update(done_card).await;
                    if let Some(tx) = updated_tx.lock().unwrap().take() {
                        let _ = tx.send(result);
                    }
                });
                Answer::toast(Toast::info("Deploying"))
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(async move { axum::serve(listener, app).await });

    let req = Request::sealed(&card_action_on(
        "e-real",
        &token,
        &sent.message_id,
        button(json!("deploy")),
    ));
    let mut call = reqwest::Client::new().post(format!("http://{addr}/feishu/card"));
    for (name, value) in &req.headers {
        call = call.header(name, value);
    }
    let response = call.body(req.body.clone()).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let answer: Value = serde_json::from_slice(&response.bytes().await.unwrap()).unwrap();
    assert_eq!(
        answer,
        json!({"toast": {"type": "info", "content": "Deploying"}})
    );

    updated_rx.await.unwrap().unwrap();
    assert_eq!(feishu.message(&sent.message_id).unwrap().card, done);
    server.abort();
}
