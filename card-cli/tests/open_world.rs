//! What this version does not know, through the commands that read a card into the model:
//! `fmt` prints it back, `preview` draws an unknown component as a box naming its tag, and
//! `convert` refuses it by name, since `card!` has no markup for it.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use serde_json::{json, Value};

/// Unknown properties (on the card, a root component, a component in a column and one in a
/// form) and unknown components (at the root, in a column and in a form).
fn card() -> Value {
    json!({
        "schema": "2.0",
        "future_top": {"mode": "3d"},
        "body": {"elements": [
            {"tag": "markdown", "content": "done", "sparkle": true},
            {"tag": "hologram", "depth": 3},
            {"tag": "column_set", "columns": [{"tag": "column", "elements": [
                {"tag": "markdown", "content": "in a column", "glow": "soft"},
                {"tag": "sparkline", "points": [1, 3, 2]}
            ]}]},
            {"tag": "form", "name": "f", "elements": [
                {"tag": "input", "name": "reason", "glow": "soft"},
                {"tag": "rating", "name": "stars"},
                {"tag": "button", "name": "send", "form_action_type": "submit",
                 "text": {"tag": "plain_text", "content": "Send"}}
            ]}
        ]}
    })
}

fn run(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_feishu-card"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    let mut pipe = child.stdin.take().expect("stdin is piped");
    pipe.write_all(stdin.as_bytes())
        .expect("stdin takes the card");
    drop(pipe);
    child.wait_with_output().expect("the binary finishes")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn fmt_keeps_what_it_does_not_know() {
    let input = card();
    let out = run(&["fmt", "-"], &input.to_string());
    assert!(out.status.success(), "{}", text(&out.stderr));
    let printed: Value = serde_json::from_slice(&out.stdout).expect("fmt prints JSON");
    assert_eq!(printed, input);
}

#[test]
fn convert_refuses_unknowns_by_name() {
    let input = card().to_string();
    for args in [&["convert", "-"][..], &["convert", "--lenient", "-"][..]] {
        let out = run(args, &input);
        assert_eq!(
            out.status.code(),
            Some(1),
            "{args:?}: {}",
            text(&out.stderr)
        );
        assert!(out.stdout.is_empty(), "{args:?} printed a source");
        let stderr = text(&out.stderr);
        for name in [
            "hologram",
            "sparkline",
            "rating",
            "sparkle",
            "glow",
            "future_top",
        ] {
            assert!(
                stderr.contains(name),
                "{args:?}: `{name}` not named:\n{stderr}"
            );
        }
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
    // Lenient, the validator passes the card and the markup is what refuses.
    let lenient = text(&run(&["convert", "--lenient", "-"], &input).stderr);
    assert!(lenient.contains("no markup"), "{lenient}");
}

#[test]
fn preview_draws_unknown_components_and_takes_lenient() {
    let input = card().to_string();
    let strict = run(&["preview", "-"], &input);
    assert_eq!(strict.status.code(), Some(1), "{}", text(&strict.stderr));
    let lenient = run(&["preview", "--lenient", "-"], &input);
    assert!(lenient.status.success(), "{}", text(&lenient.stderr));
    assert!(text(&lenient.stderr).contains("hologram"));
    let page = text(&lenient.stdout);
    for tag in ["hologram", "sparkline", "rating"] {
        assert!(
            page.contains(&format!("data-tag=\"{tag}\"")),
            "no placeholder for `{tag}`"
        );
    }
    assert_eq!(page, text(&strict.stdout));
}

#[test]
fn validate_judges_unknowns_by_policy() {
    let input = card().to_string();
    let strict = run(&["validate", "-"], &input);
    assert_eq!(strict.status.code(), Some(1), "{}", text(&strict.stdout));
    let lenient = run(&["validate", "--lenient", "-"], &input);
    assert!(
        lenient.status.success(),
        "{}{}",
        text(&lenient.stdout),
        text(&lenient.stderr)
    );
}
