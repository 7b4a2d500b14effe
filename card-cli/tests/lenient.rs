//! `--lenient` on the commands that check a card: a tag or a property this version does not
//! know is a warning instead of an error, and the card goes out; everything known is still
//! checked. The built-in emulator knows what this version knows, like a Feishu without the
//! newer feature, so it refuses what was let through, and the refusal names the warning.

use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::Stdio;
use std::sync::mpsc;
use std::time::Duration;

use serde_json::{json, Value};

mod common;
use common::{bin, run, scratch, stderr};

/// A valid card but for a property `markdown` does not have.
const UNKNOWN_PROPERTY: &str = r#"{"schema": "2.0", "body": {"elements": [
  {"tag": "markdown", "content": "Deploy finished", "sparkle": true}
]}}"#;

/// A valid card but for a component that does not exist (yet).
const UNKNOWN_COMPONENT: &str = r#"{"schema": "2.0", "body": {"elements": [
  {"tag": "markdown", "content": "Deploy finished"},
  {"tag": "hologram", "depth": 3}
]}}"#;

/// An unknown property next to a known problem: a table inside a column.
const UNKNOWN_AND_INVALID: &str = r#"{"schema": "2.0", "body": {"elements": [
  {"tag": "markdown", "content": "x", "sparkle": true},
  {"tag": "column_set", "columns": [{"tag": "column", "elements": [
    {"tag": "table", "columns": []}
  ]}]}
]}}"#;

const FORM_WITH_UNKNOWN: &str = r#"{"schema": "2.0", "body": {"elements": [
  {"tag": "form", "name": "feedback", "elements": [
    {"tag": "input", "name": "reason", "glow": "soft"},
    {"tag": "button", "name": "send", "form_action_type": "submit",
     "text": {"tag": "plain_text", "content": "Send"}}
  ]}
]}}"#;

fn cases() -> [(PathBuf, &'static str); 2] {
    [
        (
            scratch("property.json", UNKNOWN_PROPERTY),
            "structure.unknown-property",
        ),
        (
            scratch("component.json", UNKNOWN_COMPONENT),
            "structure.unknown-tag",
        ),
    ]
}

#[test]
fn validate_reports_unknowns_as_warnings_with_lenient() {
    for (card, rule) in cases() {
        let path = card.to_str().unwrap();
        let strict = run(&["validate", path]);
        assert_eq!(strict.status.code(), Some(1));
        let text = String::from_utf8_lossy(&strict.stdout);
        assert!(text.contains(&format!("error[{rule}]")), "{text}");

        let lenient = run(&["validate", "--lenient", path]);
        assert_eq!(lenient.status.code(), Some(0), "{}", stderr(&lenient));
        let text = String::from_utf8_lossy(&lenient.stdout);
        assert!(text.contains(&format!("warning[{rule}]")), "{text}");
        assert!(text.contains("Feishu may reject it"), "{text}");
        assert!(text.contains("valid (0 errors, 1 warning)"), "{text}");

        let json_out = run(&["validate", "--lenient", "--format", "json", path]);
        assert_eq!(json_out.status.code(), Some(0));
        let reports: Value = serde_json::from_slice(&json_out.stdout).expect("JSON");
        assert_eq!(reports[0]["valid"], json!(true));
        assert_eq!(reports[0]["diagnostics"][0]["rule"], json!(rule));
        assert_eq!(reports[0]["diagnostics"][0]["severity"], json!("warning"));
    }
}

#[test]
fn lenient_still_checks_what_it_knows() {
    let card = scratch("both.json", UNKNOWN_AND_INVALID);
    let out = run(&["validate", "--lenient", card.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("error[nesting.table-not-at-root]"), "{text}");
    assert!(
        text.contains("warning[structure.unknown-property]"),
        "{text}"
    );
    let out = run(&[
        "send",
        "--lenient",
        "--chat",
        "oc_team",
        "--emulator",
        card.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("nothing was sent"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn send_refuses_unknowns_by_default_and_sends_them_with_lenient() {
    for (card, rule) in cases() {
        let path = card.to_str().unwrap();
        let strict = run(&["send", "--chat", "oc_team", "--emulator", path]);
        assert_eq!(strict.status.code(), Some(1));
        let err = stderr(&strict);
        assert!(err.contains(&format!("error[{rule}]")), "{err}");
        assert!(err.contains("nothing was sent"), "{err}");
        assert!(
            !err.contains("emulator: running"),
            "no connection was made: {err}"
        );

        let lenient = run(&["send", "--lenient", "--chat", "oc_team", "--emulator", path]);
        let err = stderr(&lenient);
        // Sent: the emulator, which knows no more than this version, refuses it as Feishu
        // would refuse what it does not know, and the refusal carries the warning.
        assert_eq!(lenient.status.code(), Some(3), "{err}");
        assert!(err.contains(&format!("warning[{rule}]")), "{err}");
        assert!(
            err.contains("Feishu rejected messages.send with code 230099"),
            "{err}"
        );
        assert!(err.contains("the likely cause"), "{err}");
    }
}

/// A value Feishu falls back on that this version does not document: `validate` warns, `send`
/// sends the card under the default strict policy, as written, and the commands that read it
/// into the model (`fmt`, `preview`) keep it.
#[test]
fn a_tolerated_value_is_sent_as_written_with_its_warning() {
    let card = scratch(
        "tolerated.json",
        r#"{"schema": "2.0", "body": {"elements": [
          {"tag": "markdown", "content": "Deploy finished", "text_align": "middle"}
        ]}}"#,
    );
    let path = card.to_str().unwrap();
    let validated = run(&["validate", path]);
    assert_eq!(validated.status.code(), Some(0), "{}", stderr(&validated));
    let out = run(&["send", "--chat", "oc_team", "--emulator", path]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(err.contains("warning[value.enum]"), "{err}");
    let formatted = run(&["fmt", path]);
    assert_eq!(formatted.status.code(), Some(0), "{}", stderr(&formatted));
    let printed: Value = serde_json::from_slice(&formatted.stdout).expect("fmt prints JSON");
    assert_eq!(
        printed["body"]["elements"][0]["text_align"],
        json!("middle")
    );
    let html = scratch("tolerated.html", "");
    let previewed = run(&["preview", path, "-o", html.to_str().unwrap()]);
    assert_eq!(previewed.status.code(), Some(0), "{}", stderr(&previewed));

    let state: Value = serde_json::from_slice(&out.stdout).expect("the emulator's state");
    assert_eq!(
        state["messages"][0]["card"]["body"]["elements"][0]["text_align"],
        json!("middle"),
        "{state}"
    );
}

#[test]
fn send_form_and_update_take_lenient() {
    let form = scratch("form.json", FORM_WITH_UNKNOWN);
    let path = form.to_str().unwrap();
    let strict = run(&["send-form", "--chat", "oc_team", "--emulator", path]);
    assert_eq!(strict.status.code(), Some(1), "{}", stderr(&strict));
    let lenient = run(&[
        "send-form",
        "--lenient",
        "--chat",
        "oc_team",
        "--emulator",
        path,
    ]);
    let err = stderr(&lenient);
    assert_eq!(lenient.status.code(), Some(3), "{err}");
    assert!(
        err.contains("form `feedback` submits: reason (text)"),
        "{err}"
    );
    assert!(err.contains("warning[structure.unknown-property]"), "{err}");

    let card = scratch("update.json", UNKNOWN_PROPERTY);
    let path = card.to_str().unwrap();
    let strict = run(&["update", "--message", "om_1", "--emulator", path]);
    assert_eq!(strict.status.code(), Some(1), "{}", stderr(&strict));
    let lenient = run(&[
        "update",
        "--lenient",
        "--message",
        "om_1",
        "--emulator",
        path,
    ]);
    let err = stderr(&lenient);
    assert_eq!(lenient.status.code(), Some(3), "{err}");
    assert!(
        err.contains("Feishu rejected messages.patch with code 230099"),
        "{err}"
    );
    assert!(err.contains("the likely cause"), "{err}");
    let lenient = run(&["update", "--lenient", "--token", "c-1", "--emulator", path]);
    let err = stderr(&lenient);
    assert_eq!(lenient.status.code(), Some(3), "{err}");
    assert!(err.contains("Feishu rejected delayed.update"), "{err}");
}

/// Speaks MCP over the server's standard input and output, one JSON-RPC message per line.
struct Mcp {
    child: std::process::Child,
    lines: mpsc::Receiver<String>,
}

impl Mcp {
    fn start(args: &[&str]) -> Mcp {
        let mut child = bin()
            .arg("mcp")
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start feishu-card mcp");
        let stdout = child.stdout.take().expect("stdout");
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let mut mcp = Mcp { child, lines };
        mcp.request(
            1,
            "initialize",
            json!({"protocolVersion": "2025-06-18", "capabilities": {},
                   "clientInfo": {"name": "lenient-test", "version": "1"}}),
        );
        mcp.send(json!({"jsonrpc": "2.0", "method": "notifications/initialized"}));
        mcp
    }

    fn send(&mut self, message: Value) {
        let stdin = self.child.stdin.as_mut().expect("stdin");
        writeln!(stdin, "{message}").expect("write to the server");
        stdin.flush().expect("flush");
    }

    fn request(&mut self, id: u64, method: &str, params: Value) -> Value {
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        loop {
            let line = self
                .lines
                .recv_timeout(Duration::from_secs(60))
                .expect("the server answers");
            let message: Value = serde_json::from_str(&line).expect("JSON-RPC");
            if message["id"] == json!(id) {
                return message["result"].clone();
            }
        }
    }

    /// The JSON a tool answered, and whether it is an error.
    fn call(&mut self, id: u64, tool: &str, arguments: Value) -> (Value, bool) {
        let result = self.request(
            id,
            "tools/call",
            json!({"name": tool, "arguments": arguments}),
        );
        let text = result["content"][0]["text"].as_str().expect("text content");
        let out = serde_json::from_str(text).expect("the tool's JSON");
        (out, result["isError"] == json!(true))
    }
}

impl Drop for Mcp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn mcp_takes_lenient_for_every_card_tool() {
    let card: Value = serde_json::from_str(UNKNOWN_COMPONENT).unwrap();
    let mut strict = Mcp::start(&["--emulator", "--no-long-connection"]);
    let (out, is_error) = strict.call(2, "feishu_validate_card", json!({"card": card}));
    assert!(!is_error);
    assert_eq!(out["valid"], json!(false), "{out}");
    let (out, is_error) = strict.call(
        3,
        "feishu_send_card",
        json!({"chat_id": "oc_team", "card": card}),
    );
    assert!(is_error);
    assert!(
        out["error"].as_str().unwrap().contains("nothing was sent"),
        "{out}"
    );
    drop(strict);

    let mut lenient = Mcp::start(&["--emulator", "--no-long-connection", "--lenient"]);
    let (out, is_error) = lenient.call(2, "feishu_validate_card", json!({"card": card}));
    assert!(!is_error);
    assert_eq!(out["valid"], json!(true), "{out}");
    let warning = &out["diagnostics"][0];
    assert_eq!(warning["rule"], json!("structure.unknown-tag"));
    assert_eq!(warning["severity"], json!("warning"));
    assert!(
        warning["fix"]
            .as_str()
            .unwrap()
            .starts_with("keep it if Feishu added it"),
        "{warning}"
    );
    let (out, is_error) = lenient.call(
        3,
        "feishu_send_card",
        json!({"chat_id": "oc_team", "card": card}),
    );
    assert!(
        is_error,
        "the emulator refuses what it does not know: {out}"
    );
    assert_eq!(out["code"], json!(230099), "{out}");
    assert!(
        out["error"].as_str().unwrap().contains("the likely cause"),
        "{out}"
    );
}
