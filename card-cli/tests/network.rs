//! The network subcommands end to end against the built-in emulator (`--emulator`), and their
//! refusals: missing credentials, invalid cards, a form-less card for `send-form`.

use std::io::Write;
use std::process::{Output, Stdio};

use serde_json::Value;

mod common;
use common::{bin, run, scratch, stderr};

fn state(out: &Output) -> Value {
    assert_eq!(out.status.code(), Some(0), "{}", stderr(out));
    serde_json::from_slice(&out.stdout).expect("the emulator's state as JSON on stdout")
}

const CARD: &str = r#"{"schema": "2.0", "body": {"elements": [
  {"tag": "markdown", "content": "Deploy finished"}
]}}"#;

const FORM: &str = r#"{"schema": "2.0", "body": {"elements": [
  {"tag": "form", "name": "feedback", "elements": [
    {"tag": "input", "name": "reason"},
    {"tag": "checker", "name": "urgent", "text": {"tag": "plain_text", "content": "urgent"}},
    {"tag": "button", "name": "send", "form_action_type": "submit",
     "text": {"tag": "plain_text", "content": "Send"}}
  ]}
]}}"#;

const INVALID: &str = r#"{"schema": "2.0", "body": {"elements": [
  {"tag": "column_set", "columns": [{"tag": "column", "elements": [
    {"tag": "table", "columns": []}
  ]}]}
]}}"#;

#[test]
fn send_to_a_chat() {
    let card = scratch("send.json", CARD);
    let out = run(&[
        "send",
        "--chat",
        "oc_team",
        "--emulator",
        card.to_str().unwrap(),
    ]);
    let state = state(&out);
    let messages = state["messages"].as_array().expect("messages");
    assert_eq!(messages.len(), 1);
    assert_eq!(messages[0]["chat_id"], "oc_team");
    assert_eq!(messages[0]["receive_id_type"], "chat_id");
    assert_eq!(
        messages[0]["card"]["body"]["elements"][0]["content"],
        "Deploy finished"
    );
    let err = stderr(&out);
    assert!(err.contains("sent om_"), "{err}");
}

#[test]
fn send_from_stdin_to_a_user_by_email() {
    let mut child = bin()
        .args(["send", "--email", "ann@example.com", "--emulator", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(CARD.as_bytes())
        .expect("write");
    let out = child.wait_with_output().expect("wait");
    let state = state(&out);
    assert_eq!(state["messages"][0]["receive_id_type"], "email");
    assert_eq!(state["messages"][0]["receive_id"], "ann@example.com");
}

#[test]
fn send_as_a_reply() {
    let card = scratch("reply.json", CARD);
    let out = run(&[
        "send",
        "--reply",
        "om_parent",
        "--emulator",
        card.to_str().unwrap(),
    ]);
    let state = state(&out);
    let messages = state["messages"].as_array().expect("messages");
    // The stand-in parent, then the reply to it.
    assert_eq!(messages.len(), 2);
    assert_eq!(messages[1]["parent_id"], messages[0]["message_id"]);
}

#[test]
fn send_form_lists_its_fields_and_sends() {
    let card = scratch("form.json", FORM);
    let out = run(&[
        "send-form",
        "--user",
        "ou_ann",
        "--emulator",
        card.to_str().unwrap(),
    ]);
    let state = state(&out);
    assert_eq!(state["messages"][0]["receive_id"], "ou_ann");
    let err = stderr(&out);
    assert!(
        err.contains("form `feedback` submits: reason (text), urgent (bool)"),
        "{err}"
    );
}

#[test]
fn send_form_refuses_a_card_without_a_form() {
    let card = scratch("no-form.json", CARD);
    let out = run(&[
        "send-form",
        "--chat",
        "oc_team",
        "--emulator",
        card.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("has no `form`"), "{err}");
    assert!(err.contains("feishu-card send"), "{err}");
    // Nothing was sent: the emulator was not even started.
    assert!(!err.contains("emulator: running"), "{err}");
    assert!(out.stdout.is_empty());
}

#[test]
fn update_by_message_id() {
    let card = scratch("update.json", CARD);
    let out = run(&[
        "update",
        "--message",
        "om_1",
        "--emulator",
        card.to_str().unwrap(),
    ]);
    let state = state(&out);
    let message = &state["messages"][0];
    assert_eq!(message["updated"], true);
    assert_eq!(
        message["card"]["body"]["elements"][0]["content"],
        "Deploy finished"
    );
    assert!(stderr(&out).contains("updated message om_"));
}

#[test]
fn update_by_callback_token() {
    let card = scratch("delayed.json", CARD);
    let out = run(&[
        "update",
        "--token",
        "c-1",
        "--emulator",
        card.to_str().unwrap(),
    ]);
    let state = state(&out);
    assert_eq!(state["messages"][0]["updated"], true);
    assert_eq!(
        state["messages"][0]["card"]["body"]["elements"][0]["content"],
        "Deploy finished"
    );
}

#[test]
fn update_needs_a_message_or_a_token() {
    let card = scratch("which.json", CARD);
    let out = run(&["update", "--emulator", card.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--message"), "{}", stderr(&out));
}

#[test]
fn stream_stdin_into_a_card() {
    let mut child = bin()
        .args([
            "stream",
            "--chat",
            "oc_team",
            "--header",
            "Build log",
            "--emulator",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    {
        let mut stdin = child.stdin.take().expect("stdin");
        stdin.write_all("step 1 ok\n".as_bytes()).expect("write");
        stdin
            .write_all("step 2 ok — 完成\n".as_bytes())
            .expect("write");
    }
    let out = child.wait_with_output().expect("wait");
    let state = state(&out);
    let card = &state["cards"][0];
    assert_eq!(card["streaming"], false);
    let json = &card["json"];
    assert_eq!(json["header"]["title"]["content"], "Build log");
    assert_eq!(
        json["body"]["elements"][0]["content"],
        "step 1 ok\nstep 2 ok — 完成\n"
    );
    assert_eq!(state["messages"][0]["card_id"], card["card_id"]);
    let err = stderr(&out);
    assert!(err.contains("streaming into card"), "{err}");
    assert!(err.contains("streamed 25 characters into 1 card"), "{err}");
}

#[test]
fn missing_credentials_name_the_variables_and_flags() {
    let card = scratch("creds.json", CARD);
    for args in [
        vec!["send", "--chat", "oc_team"],
        vec!["update", "--message", "om_1"],
        vec!["send-form", "--chat", "oc_team"],
    ] {
        let path = if args[0] == "send-form" {
            scratch("creds-form.json", FORM)
        } else {
            card.clone()
        };
        let out = bin().args(&args).arg(&path).output().expect("run");
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = stderr(&out);
        for name in [
            "FEISHU_APP_ID",
            "FEISHU_APP_SECRET",
            "--app-id",
            "--app-secret",
        ] {
            assert!(err.contains(name), "{args:?}: {err}");
        }
    }
    let out = run(&["stream", "--chat", "oc_team"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("FEISHU_APP_ID"));
}

#[test]
fn an_invalid_card_is_exit_1_and_nothing_is_sent() {
    let card = scratch("invalid.json", INVALID);
    let out = run(&[
        "send",
        "--chat",
        "oc_team",
        "--emulator",
        card.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("nesting.table-not-at-root"), "{err}");
    assert!(err.contains("nothing was sent"), "{err}");
    assert!(out.stdout.is_empty());
}

#[test]
fn a_1_0_card_points_to_migrate() {
    let card = scratch("v1.json", r#"{"elements": [{"tag": "hr"}]}"#);
    let out = run(&[
        "send",
        "--chat",
        "oc_team",
        "--emulator",
        card.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("feishu-card migrate"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn unreachable_feishu_is_exit_3() {
    let card = scratch("unreachable.json", CARD);
    // Port 9 (discard) on loopback: nothing listens there.
    let out = bin()
        .args([
            "send",
            "--chat",
            "oc_team",
            "--app-id",
            "cli_x",
            "--app-secret",
            "s",
        ])
        .args(["--base-url", "http://127.0.0.1:9"])
        .arg(&card)
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("could not reach Feishu"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn one_recipient_only() {
    let card = scratch("two.json", CARD);
    let out = run(&[
        "send",
        "--chat",
        "oc_a",
        "--user",
        "ou_b",
        "--emulator",
        card.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
}
