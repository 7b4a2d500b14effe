//! `feishu-card listen` as a separate process: against its built-in emulator, and against a
//! standalone `feishu-card emulator` whose control API plays the user. Each event and card
//! action must come out as one JSON line, and card actions must be answered.

mod common;

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use card_client::emulator::{Emulator, LongConnectionFault, APP_ID, APP_SECRET};
use card_client::{Client, SendMessage};
use serde_json::{json, Value};

/// How long to wait for something that should come promptly, on a loaded machine.
const PATIENCE: Duration = Duration::from_secs(60);

/// A running `feishu-card listen`, its output read line by line; killed when dropped.
struct Listen {
    child: Child,
    stdout: mpsc::Receiver<String>,
    stderr: mpsc::Receiver<String>,
    /// Every standard-error line read so far.
    said: Vec<String>,
}

impl Drop for Listen {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn lines(from: impl Read + Send + 'static) -> mpsc::Receiver<String> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(from).lines() {
            let Ok(line) = line else { return };
            if tx.send(line).is_err() {
                return;
            }
        }
    });
    rx
}

impl Listen {
    fn start(args: &[&str]) -> Listen {
        let mut child = common::bin()
            .arg("listen")
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run feishu-card listen");
        let stdout = lines(child.stdout.take().expect("stdout is piped"));
        let stderr = lines(child.stderr.take().expect("stderr is piped"));
        Listen {
            child,
            stdout,
            stderr,
            said: Vec::new(),
        }
    }

    /// The next line on standard output, as JSON; each line says first what it is.
    fn next_json(&mut self) -> Value {
        let line = self.stdout.recv_timeout(PATIENCE).unwrap_or_else(|e| {
            panic!(
                "no line on stdout ({e}); stderr so far:\n{}",
                self.said.join("\n")
            )
        });
        assert!(line.starts_with("{\"type\":"), "{line}");
        serde_json::from_str(&line).unwrap_or_else(|e| panic!("not a JSON line ({e}): {line}"))
    }

    /// Reads standard error until a line contains `text`; that line.
    fn wait_said(&mut self, text: &str) -> String {
        if let Some(line) = self.said.iter().find(|l| l.contains(text)) {
            return line.clone();
        }
        loop {
            match self.stderr.recv_timeout(PATIENCE) {
                Ok(line) => {
                    self.said.push(line.clone());
                    if line.contains(text) {
                        return line;
                    }
                }
                Err(e) => panic!(
                    "stderr never said {text:?} ({e}); it said:\n{}",
                    self.said.join("\n")
                ),
            }
        }
    }

    /// Sends SIGINT (Ctrl-C) and gives the exit code.
    fn interrupt(&mut self) -> Option<i32> {
        let status = Command::new("kill")
            .args(["-INT", &self.child.id().to_string()])
            .status()
            .expect("run kill");
        assert!(status.success());
        let started = std::time::Instant::now();
        let exit = loop {
            if let Some(exit) = self.child.try_wait().expect("poll listen") {
                break exit;
            }
            assert!(
                started.elapsed() < PATIENCE,
                "listen did not stop after Ctrl-C"
            );
            std::thread::sleep(Duration::from_millis(50));
        };
        exit.code()
    }
}

fn card() -> Value {
    json!({"schema": "2.0", "config": {"update_multi": true}, "body": {"elements": [
        {"tag": "markdown", "content": "Deploy v2?"},
        {"tag": "button", "name": "approve", "text": {"tag": "plain_text", "content": "Approve"},
         "behaviors": [{"type": "callback", "value": {"do": "approve", "build": 7}}]},
        {"tag": "form", "name": "why", "elements": [
            {"tag": "input", "name": "reason"},
            {"tag": "button", "name": "send", "form_action_type": "submit",
             "text": {"tag": "plain_text", "content": "Send"}}
        ]}
    ]}})
}

async fn post(url: &str, body: Value) -> (u16, Value) {
    let response = reqwest::Client::new()
        .post(url)
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .expect("the control API answers");
    let status = response.status().as_u16();
    let text = response.text().await.expect("an answer body");
    let value =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("the answer is JSON ({e}): {text}"));
    (status, value)
}

#[cfg(unix)]
#[test]
fn with_its_emulator_it_prints_the_emulated_users_actions_and_answers_them() {
    let mut listen = Listen::start(&["--emulator", "--answer-toast", "Got it"]);
    listen.wait_said("listen: connected");
    let sent = listen.wait_said("emulator: sent a card to oc_emulator as ");
    let message_id = sent.rsplit(' ').next().expect("a message id").to_owned();
    assert!(message_id.starts_with("om_"), "{sent}");

    let click = listen.next_json();
    assert_eq!(click["type"], "card_action", "{click}");
    assert_eq!(click["event_type"], "card.action.trigger", "{click}");
    assert_eq!(click["operator"]["open_id"], "ou_emulator_user", "{click}");
    assert_eq!(click["action"]["tag"], "button", "{click}");
    assert_eq!(
        click["action"]["value"],
        json!({"action": "approve"}),
        "{click}"
    );
    assert_eq!(click["action"]["form_value"], Value::Null, "{click}");
    assert_eq!(click["message_id"], message_id.as_str(), "{click}");
    assert_eq!(click["chat_id"], "oc_emulator", "{click}");
    assert!(
        click["token"].as_str().is_some_and(|t| t.starts_with("c-")),
        "{click}"
    );
    let clicked = listen.wait_said("clicked \"Approve\"");
    assert!(clicked.contains("\"Got it\" (info)"), "{clicked}");

    let submit = listen.next_json();
    assert_eq!(submit["type"], "card_action", "{submit}");
    assert_eq!(
        submit["action"]["form_value"],
        json!({"comment": "Looks good"}),
        "{submit}"
    );
    assert_ne!(submit["event_id"], click["event_id"], "{submit}");
    let submitted = listen.wait_said("submitted the form");
    assert!(submitted.contains("\"Got it\" (info)"), "{submitted}");

    let message = listen.next_json();
    assert_eq!(message["type"], "event", "{message}");
    assert_eq!(message["event_type"], "im.message.receive_v1", "{message}");
    assert!(
        message["event_id"]
            .as_str()
            .is_some_and(|id| !id.is_empty()),
        "{message}"
    );
    assert_eq!(
        message["event"]["message"]["content"], "{\"text\":\"hello, bot\"}",
        "{message}"
    );
    listen.wait_said("/_emulator/click");

    assert_eq!(listen.interrupt(), Some(0));
    listen.wait_said("listen: stopped");
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_click_through_a_standalone_emulator_reaches_it_and_is_answered_with_the_toast() {
    let emulator = common::start(&[]);
    let base = emulator.url.clone();
    let mut listen = Listen::start(&[
        "--base-url",
        &base,
        "--app-id",
        APP_ID,
        "--app-secret",
        APP_SECRET,
        "--answer-toast",
        "Seen",
    ]);
    let connecting = listen.wait_said("listen: connecting to");
    assert!(connecting.contains(&base), "{connecting}");
    listen.wait_said("listen: connected");

    let client = Client::builder(APP_ID, APP_SECRET)
        .base_url(base.as_str())
        .build()
        .expect("a client");
    let sent = client
        .messages()
        .send(SendMessage::to_chat("oc_listen", card()))
        .await
        .expect("the emulator takes the card");

    let (status, click) = post(
        &format!("{base}/_emulator/click"),
        json!({"user": "ou_alice", "message_id": sent.message_id, "button": "Approve"}),
    )
    .await;
    assert_eq!(status, 200, "{click}");
    assert_eq!(click["delivered"], true, "{click}");
    assert_eq!(click["error"], Value::Null, "{click}");
    assert_eq!(
        click["toast"],
        json!({"type": "info", "content": "Seen"}),
        "{click}"
    );
    assert_eq!(
        click["card"],
        card(),
        "a toast alone leaves the card as it is"
    );

    let line = listen.next_json();
    assert_eq!(line["type"], "card_action", "{line}");
    assert_eq!(line["event_id"], click["event_id"], "{line}");
    assert_eq!(line["operator"]["open_id"], "ou_alice", "{line}");
    assert_eq!(line["action"]["name"], "approve", "{line}");
    assert_eq!(
        line["action"]["value"],
        json!({"do": "approve", "build": 7}),
        "{line}"
    );
    assert_eq!(line["message_id"], sent.message_id.as_str(), "{line}");
    assert_eq!(line["chat_id"], "oc_listen", "{line}");
    assert!(
        line["token"].as_str().is_some_and(|t| t.starts_with("c-")),
        "{line}"
    );

    let (status, submit) = post(
        &format!("{base}/_emulator/submit"),
        json!({"user": "ou_bob", "message_id": sent.message_id, "form": "why",
               "values": {"reason": "tests pass"}}),
    )
    .await;
    assert_eq!(status, 200, "{submit}");
    assert_eq!(submit["toast"]["content"], "Seen", "{submit}");
    let line = listen.next_json();
    assert_eq!(line["event_id"], submit["event_id"], "{line}");
    assert_eq!(line["operator"]["open_id"], "ou_bob", "{line}");
    assert_eq!(
        line["action"]["form_value"],
        json!({"reason": "tests pass"}),
        "{line}"
    );

    assert_eq!(listen.interrupt(), Some(0));
    listen.wait_said("listen: stopped");
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_toast_card_actions_are_answered_with_the_empty_answer() {
    let emulator = common::start(&[]);
    let base = emulator.url.clone();
    let mut listen = Listen::start(&[
        "--base-url",
        &base,
        "--app-id",
        APP_ID,
        "--app-secret",
        APP_SECRET,
    ]);
    listen.wait_said("listen: connected");
    let client = Client::builder(APP_ID, APP_SECRET)
        .base_url(base.as_str())
        .build()
        .expect("a client");
    let sent = client
        .messages()
        .send(SendMessage::to_chat("oc_listen", card()))
        .await
        .expect("sent");
    let (status, click) = post(
        &format!("{base}/_emulator/click"),
        json!({"user": "ou_alice", "message_id": sent.message_id, "button": "Approve"}),
    )
    .await;
    assert_eq!(status, 200, "{click}");
    assert_eq!(click["delivered"], true, "{click}");
    assert_eq!(click["error"], Value::Null, "{click}");
    assert_eq!(click["answer"], json!({}), "{click}");
    assert_eq!(click["toast"], Value::Null, "{click}");
    let line = listen.next_json();
    assert_eq!(line["event_id"], click["event_id"], "{line}");
}

#[cfg(unix)]
#[test]
fn while_reconnecting_it_says_why_the_last_attempt_failed() {
    // Feishu is busy when asked for a URL: the listener will try again, and says why.
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    let feishu = runtime
        .block_on(Emulator::builder().start())
        .expect("the emulator starts");
    feishu.inject_long_connection(LongConnectionFault::endpoint_busy().until_cleared());
    let base = feishu.base_url();
    let mut listen = Listen::start(&[
        "--base-url",
        &base,
        "--app-id",
        feishu.app_id(),
        "--app-secret",
        feishu.app_secret(),
    ]);
    let line = listen.wait_said("reconnecting");
    assert!(
        line.starts_with("listen: Feishu is busy or failing (code 1: system busy)"),
        "the line names the cause: {line}"
    );
    assert!(line.contains("(attempt 1)"), "{line}");
    assert!(
        !listen.said.iter().any(|l| l.contains("listen: connected")),
        "{:?}",
        listen.said
    );
    assert_eq!(listen.interrupt(), Some(0));
    listen.wait_said("listen: stopped");
}

#[test]
fn wrong_credentials_or_none_are_refused_with_what_to_fix() {
    // `common::bin` runs it without the environment's credentials.
    let out = common::bin().arg("listen").output().expect("run");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("FEISHU_APP_ID") && err.contains("--emulator"),
        "{err}"
    );
    assert!(out.stdout.is_empty());

    let emulator = common::start(&[]);
    let out = common::bin()
        .args(["listen", "--base-url", &emulator.url])
        .args(["--app-id", APP_ID, "--app-secret", "not-the-secret"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(3));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("app id and app secret"), "{err}");
    assert!(out.stdout.is_empty());
}
