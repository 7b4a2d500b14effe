//! `feishu-card emulator` as a separate process, driven the way a bot in another language
//! would drive it: the OpenAPI over HTTP, a bot behind a callback URL, users played through the
//! control API under `/_emulator/`.

mod common;

use std::io::Read;
use std::process::Command;

use common::start;

use card_client::callback::{self, Answer, CallbackConfig, CardAction, Deferred, Toast};
use card_client::emulator::{APP_ID, APP_SECRET};
use card_client::{Client, SendMessage};
use serde_json::{json, Value};

fn card() -> Value {
    json!({"schema": "2.0", "config": {"update_multi": true}, "body": {"elements": [
        {"tag": "markdown", "content": "Deploy v2?"},
        {"tag": "button", "element_id": "approve_btn", "name": "approve",
         "text": {"tag": "plain_text", "content": "Approve"},
         "behaviors": [{"type": "callback", "value": {"do": "approve"}}]},
        {"tag": "select_static", "name": "env",
         "placeholder": {"tag": "plain_text", "content": "Where"},
         "options": [
            {"text": {"tag": "plain_text", "content": "Staging"}, "value": "staging"},
            {"text": {"tag": "plain_text", "content": "Production"}, "value": "prod"}
         ]},
        {"tag": "checker", "element_id": "done", "text": {"tag": "plain_text", "content": "Done"},
         "behaviors": [{"type": "callback", "value": {"task": 3}}]},
        {"tag": "input", "element_id": "note", "max_length": 10},
        {"tag": "form", "name": "feedback", "elements": [
            {"tag": "input", "name": "reason"},
            {"tag": "button", "name": "send", "form_action_type": "submit",
             "text": {"tag": "plain_text", "content": "Send"}}
        ]}
    ]}})
}

/// The bot: answers every card action with a toast and a card saying what it got.
async fn bot(action: CardAction, _later: Deferred) -> Answer {
    let a = &action.action;
    let got = if let Some(form) = &a.form_value {
        format!("form {}", Value::Object(form.clone()))
    } else if let Some(option) = &a.option {
        format!("option {option}")
    } else if let Some(checked) = a.checked {
        format!("checked {checked} {}", a.value)
    } else if let Some(text) = &a.input_value {
        format!("input {text}")
    } else {
        format!("click {}", a.value)
    };
    let who = action.operator.open_id.clone();
    let card = json!({"schema": "2.0", "config": {"update_multi": true}, "body": {"elements": [
        {"tag": "markdown", "content": format!("{who}: {got}")}
    ]}});
    Answer::toast(Toast::success(format!("got {got}"))).card(card)
}

/// Serves the bot on a loopback port; its callback URL.
async fn serve_bot() -> String {
    let handler = CallbackConfig::new("v-cmd").encrypt_key("e-cmd").build();
    let app = axum::Router::new().route("/card", callback::axum::post(handler, bot));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind the bot");
    let addr = listener.local_addr().expect("bot address");
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    format!("http://{addr}/card")
}

async fn post(http: &reqwest::Client, url: &str, body: impl Into<reqwest::Body>) -> (u16, Value) {
    let response = http
        .post(url)
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .expect("the control API answers");
    let status = response.status().as_u16();
    let text = response.text().await.expect("an answer body");
    let value =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("the answer is JSON ({e}): {text}"));
    (status, value)
}

async fn get(http: &reqwest::Client, url: &str) -> (u16, Value) {
    let response = http.get(url).send().await.expect("the control API answers");
    let status = response.status().as_u16();
    let text = response.text().await.expect("an answer body");
    let value =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("the answer is JSON ({e}): {text}"));
    (status, value)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bot_behind_a_callback_url_answers_clicks_made_through_the_control_api() {
    let callback_url = serve_bot().await;
    let emulator = start(&[
        "--callback-url",
        &callback_url,
        "--verification-token",
        "v-cmd",
        "--encrypt-key",
        "e-cmd",
    ]);
    let base = emulator.url.clone();
    assert!(base.starts_with("http://127.0.0.1:"), "{base}");
    let banner = emulator.banner.join("\n");
    assert!(
        banner.contains(APP_ID) && banner.contains(APP_SECRET),
        "{banner}"
    );
    assert!(
        banner.contains("e-cmd") && banner.contains(&callback_url),
        "{banner}"
    );

    // The bot sends its card through the OpenAPI, as any SDK would.
    let client = Client::builder(APP_ID, APP_SECRET)
        .base_url(base.as_str())
        .build()
        .expect("a client");
    let sent = client
        .messages()
        .send(SendMessage::to_chat("oc_cmd", card()))
        .await
        .expect("the emulator takes the card");

    let http = reqwest::Client::new();
    let (status, listed) = get(&http, &format!("{base}/_emulator/messages?chat_id=oc_cmd")).await;
    assert_eq!(status, 200, "{listed}");
    assert_eq!(listed.as_array().map(Vec::len), Some(1), "{listed}");
    assert_eq!(listed[0]["message_id"], sent.message_id.as_str());
    assert_eq!(listed[0]["chat_id"], "oc_cmd");
    assert_eq!(listed[0]["card"], card());

    let (status, click) = post(
        &http,
        &format!("{base}/_emulator/click"),
        json!({"user": "ou_alice", "message_id": sent.message_id, "button": "Approve"}).to_string(),
    )
    .await;
    assert_eq!(status, 200, "{click}");
    assert_eq!(click["delivered"], true, "{click}");
    assert_eq!(click["error"], Value::Null, "{click}");
    assert_eq!(click["toast"]["type"], "success", "{click}");
    assert_eq!(
        click["toast"]["content"], "got click {\"do\":\"approve\"}",
        "{click}"
    );
    let after = "ou_alice: click {\"do\":\"approve\"}";
    assert_eq!(click["card"]["body"]["elements"][0]["content"], after);

    let (_, listed) = get(&http, &format!("{base}/_emulator/messages")).await;
    assert_eq!(listed.as_array().map(Vec::len), Some(1), "{listed}");
    assert_eq!(listed[0]["card"]["body"]["elements"][0]["content"], after);
    assert_eq!(listed[0]["updated"], true);
    let (_, other) = get(
        &http,
        &format!("{base}/_emulator/messages?chat_id=oc_other"),
    )
    .await;
    assert_eq!(other, json!([]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn submit_and_choose_reach_the_bot_with_their_values() {
    let callback_url = serve_bot().await;
    let emulator = start(&[
        "--callback-url",
        &callback_url,
        "--verification-token",
        "v-cmd",
        "--encrypt-key",
        "e-cmd",
    ]);
    let base = emulator.url.clone();
    let client = Client::builder(APP_ID, APP_SECRET)
        .base_url(base.as_str())
        .build()
        .expect("a client");
    let http = reqwest::Client::new();
    let first = client
        .messages()
        .send(SendMessage::to_chat("oc_cmd", card()))
        .await
        .expect("sent");
    let second = client
        .messages()
        .send(SendMessage::to_chat("oc_cmd", card()))
        .await
        .expect("sent");

    let (status, chose) = post(
        &http,
        &format!("{base}/_emulator/choose"),
        json!({"user": "ou_bob", "message_id": first.message_id, "component": "env", "value": "prod"})
            .to_string(),
    )
    .await;
    assert_eq!(status, 200, "{chose}");
    assert_eq!(chose["toast"]["content"], "got option prod", "{chose}");
    assert_eq!(
        chose["card"]["body"]["elements"][0]["content"],
        "ou_bob: option prod"
    );

    let (status, submitted) = post(
        &http,
        &format!("{base}/_emulator/submit"),
        json!({"user": "ou_bob", "message_id": second.message_id, "form": "feedback",
               "values": {"reason": "too slow"}, "button": "send"})
        .to_string(),
    )
    .await;
    assert_eq!(status, 200, "{submitted}");
    assert_eq!(
        submitted["toast"]["content"], "got form {\"reason\":\"too slow\"}",
        "{submitted}"
    );

    let third = client
        .messages()
        .send(SendMessage::to_chat("oc_cmd", card()))
        .await
        .expect("sent");
    let (status, ticked) = post(
        &http,
        &format!("{base}/_emulator/tick"),
        json!({"user": "ou_bob", "message_id": third.message_id, "checker": "Done", "checked": true})
            .to_string(),
    )
    .await;
    assert_eq!(status, 200, "{ticked}");
    assert_eq!(
        ticked["toast"]["content"], "got checked true {\"task\":3}",
        "{ticked}"
    );
    let (status, typed) = post(
        &http,
        &format!("{base}/_emulator/input"),
        json!({"user": "ou_bob", "message_id": first.message_id, "input": "note", "text": "later"})
            .to_string(),
    )
    .await;
    // The choice replaced the first card, and its input with it.
    assert_eq!(status, 422, "{typed}");
    assert_eq!(typed["error"]["kind"], "refused", "{typed}");
    let fourth = client
        .messages()
        .send(SendMessage::to_chat("oc_cmd_input", card()))
        .await
        .expect("sent");
    let (status, too_long) = post(
        &http,
        &format!("{base}/_emulator/input"),
        json!({"user": "ou_bob", "message_id": fourth.message_id, "input": "note", "text": "far too long a note"})
            .to_string(),
    )
    .await;
    assert_eq!(status, 422, "{too_long}");
    let (status, typed) = post(
        &http,
        &format!("{base}/_emulator/input"),
        json!({"user": "ou_bob", "message_id": fourth.message_id, "input": "note", "text": "later"})
            .to_string(),
    )
    .await;
    assert_eq!(status, 200, "{typed}");
    assert_eq!(typed["toast"]["content"], "got input later", "{typed}");

    // The first card changed only by the choice, the second only by the submission.
    let (_, listed) = get(&http, &format!("{base}/_emulator/messages?chat_id=oc_cmd")).await;
    let contents: Vec<&Value> = listed
        .as_array()
        .expect("a list")
        .iter()
        .map(|m| &m["card"]["body"]["elements"][0]["content"])
        .collect();
    assert_eq!(
        contents,
        [
            &json!("ou_bob: option prod"),
            &json!("ou_bob: form {\"reason\":\"too slow\"}"),
            &json!("ou_bob: checked true {\"task\":3}")
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_control_requests_get_a_4xx_with_a_message_and_the_server_keeps_serving() {
    let emulator = start(&[]);
    let base = emulator.url.clone();
    let client = Client::builder(APP_ID, APP_SECRET)
        .base_url(base.as_str())
        .build()
        .expect("a client");
    let sent = client
        .messages()
        .send(SendMessage::to_chat("oc_cmd", card()))
        .await
        .expect("sent");
    let http = reqwest::Client::new();
    let click = format!("{base}/_emulator/click");
    let id = sent.message_id.as_str();

    let cases: Vec<(String, String, u16, &str)> = vec![
        (click.clone(), "not json".into(), 400, "not JSON"),
        (click.clone(), String::new(), 400, "JSON object body"),
        (
            click.clone(),
            json!({"user": "ou_a", "message_id": id}).to_string(),
            400,
            "missing field `button`",
        ),
        (
            click.clone(),
            json!({"user": 7, "message_id": id, "button": "Approve"}).to_string(),
            400,
            "invalid type",
        ),
        (
            click.clone(),
            json!({"user": "ou_a", "message_id": id, "buton": "Approve"}).to_string(),
            400,
            "unknown field `buton`",
        ),
        (click.clone(), "[1, 2]".into(), 400, "not a valid request"),
        (
            click.clone(),
            json!({"user": "ou_a", "message_id": "om_nope", "button": "Approve"}).to_string(),
            404,
            "no message om_nope",
        ),
        (
            click.clone(),
            json!({"user": "ou_a", "message_id": id, "button": "Reject"}).to_string(),
            422,
            "Approve",
        ),
        // The card has a button, but the emulator was given no callback URL.
        (
            click.clone(),
            json!({"user": "ou_a", "message_id": id, "button": "Approve"}).to_string(),
            409,
            "callback",
        ),
        (
            format!("{base}/_emulator/choose"),
            json!({"user": "ou_a", "message_id": id, "component": "env", "value": 3}).to_string(),
            400,
            "`value`",
        ),
        (
            format!("{base}/_emulator/choose"),
            json!({"user": "ou_a", "message_id": id, "component": "env", "value": ["prod"]})
                .to_string(),
            422,
            "/_emulator/submit",
        ),
        (
            format!("{base}/_emulator/submit"),
            json!({"user": "ou_a", "message_id": id, "form": "nope", "values": {}}).to_string(),
            422,
            "feedback",
        ),
        (
            format!("{base}/_emulator/submit"),
            json!({"user": "ou_a", "message_id": id, "form": "feedback", "values": [1]})
                .to_string(),
            422,
            "JSON object",
        ),
        (
            format!("{base}/_emulator/teleport"),
            "{}".into(),
            404,
            "/_emulator/click",
        ),
        (
            format!("{base}/_emulator/messages"),
            "{}".into(),
            405,
            "GET /_emulator/messages",
        ),
        (
            format!("{base}/_emulator/connections"),
            "{}".into(),
            405,
            "GET /_emulator/connections",
        ),
        (click.clone(), "x".repeat(2 << 20), 413, "at most"),
    ];
    for (url, body, want, says) in cases {
        let (status, answer) = post(&http, &url, body.clone()).await;
        let shown: String = body.chars().take(80).collect();
        assert_eq!(status, want, "{shown} → {answer}");
        let message = answer["error"]["message"].as_str().unwrap_or_default();
        assert!(message.contains(says), "{shown}: {message}");
    }

    // A huge body without a length is cut off at the limit too.
    let head = chunked_head(&base);
    let answer = tokio::task::spawn_blocking(move || send_chunked(&head, 3 << 20))
        .await
        .expect("the chunked request ran");
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");

    // The OpenAPI routes read at most 4 MiB of a body, and say so.
    let response = http
        .post(format!(
            "{base}/open-apis/im/v1/messages?receive_id_type=chat_id"
        ))
        .header("content-type", "application/json")
        .body("x".repeat(5 << 20))
        .send()
        .await
        .expect("the OpenAPI answers");
    assert_eq!(response.status().as_u16(), 413);
    let text = response.text().await.expect("an answer body");
    assert!(text.contains("at most 4 MiB"), "{text}");

    let (status, answer) = get(&http, &click).await;
    assert_eq!(status, 405, "{answer}");
    let (status, answer) = get(&http, &format!("{base}/_emulator")).await;
    assert_eq!(status, 404, "{answer}");
    let (status, answer) = get(&http, &format!("{base}/_emulator/messages?chat=oc_cmd")).await;
    assert_eq!(status, 400, "{answer}");
    let (status, answer) = get(&http, &format!("{base}/_emulator/connections?id=1")).await;
    assert_eq!(status, 400, "{answer}");
    let (status, answer) = get(&http, &format!("{base}/_emulator/connections")).await;
    assert_eq!((status, answer), (200, json!([])), "no long connection yet");

    // Still serving, both sides.
    let (status, listed) = get(&http, &format!("{base}/_emulator/messages")).await;
    assert_eq!(status, 200);
    assert_eq!(listed.as_array().map(Vec::len), Some(1), "{listed}");
    client
        .messages()
        .send(SendMessage::to_chat("oc_cmd", card()))
        .await
        .expect("the OpenAPI still answers");
}

fn chunked_head(base: &str) -> (String, String) {
    let host = base.trim_start_matches("http://").to_owned();
    let head = format!(
        "POST /_emulator/click HTTP/1.1\r\nHost: {host}\r\nTransfer-Encoding: chunked\r\n\
         Content-Type: application/json\r\n\r\n"
    );
    (host, head)
}

/// Sends `total` bytes in 64 KiB chunks, stopping when the server stops reading; the status
/// line and headers of its answer.
fn send_chunked((host, head): &(String, String), total: usize) -> String {
    use std::io::Write;
    let mut stream = std::net::TcpStream::connect(host).expect("connect");
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(30)))
        .expect("a read timeout");
    stream.write_all(head.as_bytes()).expect("send the head");
    let chunk = vec![b' '; 64 << 10];
    let mut sent = 0;
    while sent < total {
        let framed = [format!("{:x}\r\n", chunk.len()).as_bytes(), &chunk, b"\r\n"].concat();
        if stream.write_all(&framed).is_err() {
            break;
        }
        sent += chunk.len();
    }
    let _ = stream.write_all(b"0\r\n\r\n");
    let mut answer = Vec::new();
    let mut buf = [0u8; 4096];
    while let Ok(n) = stream.read(&mut buf) {
        if n == 0 {
            break;
        }
        answer.extend_from_slice(&buf[..n]);
        if answer.windows(4).any(|w| w == b"\r\n\r\n") {
            break;
        }
    }
    String::from_utf8_lossy(&answer).into_owned()
}

#[test]
fn sigterm_stops_it_with_status_0() {
    let mut emulator = start(&["--app-id", "cli_other", "--app-secret", "s3cret"]);
    let banner = emulator.banner.join("\n");
    assert!(
        banner.contains("cli_other") && banner.contains("s3cret"),
        "{banner}"
    );
    if cfg!(unix) {
        let status = Command::new("kill")
            .args(["-TERM", &emulator.child.id().to_string()])
            .status()
            .expect("run kill");
        assert!(status.success());
        let exit = emulator.child.wait().expect("the emulator exits");
        assert_eq!(exit.code(), Some(0));
        let mut rest = String::new();
        let _ = emulator.stdout.read_to_string(&mut rest);
    }
}

#[test]
fn a_port_in_use_or_a_bad_callback_url_is_refused_with_its_exit_code() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("bind a port");
    let port = taken.local_addr().expect("its address").port().to_string();
    let out = common::bin()
        .args(["emulator", "--port", &port])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(3));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--port"), "{err}");

    let out = common::bin()
        .args(["emulator", "--callback-url", "ftp://bot"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));

    let out = common::bin()
        .args(["emulator", "--app-id", "cli_only_the_id"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2), "--app-id needs --app-secret");
}

#[test]
fn it_serves_on_the_port_it_is_given() {
    let free = std::net::TcpListener::bind("127.0.0.1:0").expect("bind a port");
    let port = free.local_addr().expect("its address").port();
    drop(free);
    let emulator = common::start_with_port(port, &[]);
    assert_eq!(emulator.url, format!("http://127.0.0.1:{port}"));
}

#[tokio::test]
async fn the_long_connection_hands_out_the_client_config_it_is_given() {
    let emulator = start(&[
        "--ping-interval",
        "2",
        "--reconnect-interval",
        "3",
        "--reconnect-nonce",
        "0",
        "--reconnect-count",
        "-1",
    ]);
    let http = reqwest::Client::new();
    let body = json!({"AppID": APP_ID, "AppSecret": APP_SECRET}).to_string();
    let (status, answer) = post(
        &http,
        &format!("{}/callback/ws/endpoint", emulator.url),
        body,
    )
    .await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["code"], 0, "{answer}");
    assert_eq!(
        answer["data"]["ClientConfig"],
        json!({"PingInterval": 2, "ReconnectCount": -1, "ReconnectInterval": 3, "ReconnectNonce": 0})
    );

    for bad in [
        ["--ping-interval", "0"],
        ["--reconnect-interval", "0"],
        ["--reconnect-count", "-2"],
    ] {
        let out = common::bin()
            .arg("emulator")
            .args(bad)
            .output()
            .expect("run");
        assert_eq!(out.status.code(), Some(2), "{bad:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(bad[0]), "{bad:?}: {err}");
    }
}
