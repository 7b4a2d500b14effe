//! `feishu-card fmt` on real cards, broken cards and unreadable input.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;

fn corpus(file: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/corpus")
        .join(file)
}

fn fmt(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_feishu-card"))
        .arg("fmt")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    let mut pipe = child.stdin.take().expect("stdin is piped");
    pipe.write_all(stdin.unwrap_or_default())
        .expect("stdin takes the input");
    drop(pipe);
    child.wait_with_output().expect("the binary finishes")
}

/// A scratch file holding `contents`, named after the test.
fn scratch(name: &str, contents: &str) -> PathBuf {
    let path = std::env::temp_dir().join(format!(
        "feishu-card-fmt-{}-{name}.json",
        std::process::id()
    ));
    std::fs::write(&path, contents).expect("the temp dir is writable");
    path
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn prints_a_corpus_card_as_the_same_json_value() {
    let path = corpus("v2/002.json");
    let out = fmt(&[path.to_str().expect("UTF-8 path")], None);
    assert_eq!(out.status.code(), Some(0), "stderr: {}", text(&out.stderr));
    let printed: Value = serde_json::from_slice(&out.stdout).expect("fmt prints JSON");
    let input: Value =
        serde_json::from_slice(&std::fs::read(&path).expect("corpus card")).expect("JSON");
    assert_eq!(printed, input);
    assert!(
        text(&out.stdout).contains("\n  \"schema\": \"2.0\""),
        "pretty-printed"
    );
}

#[test]
fn reads_standard_input() {
    let out = fmt(
        &["-"],
        Some(br#"{"schema":"2.0","body":{"elements":[{"tag":"hr"}]}}"#),
    );
    assert_eq!(out.status.code(), Some(0), "stderr: {}", text(&out.stderr));
    let printed: Value = serde_json::from_slice(&out.stdout).expect("fmt prints JSON");
    assert_eq!(printed["body"]["elements"][0]["tag"], "hr");
}

#[test]
fn a_broken_card_prints_its_problems_and_exits_1() {
    let path = scratch(
        "broken",
        r#"{"schema": "2.0", "body": {"elements": [{"tag": "markdown", "content": "ok"}, {"tag": "img"}]}}"#,
    );
    let out = fmt(&[path.to_str().expect("UTF-8 path")], None);
    let _ = std::fs::remove_file(&path);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let stderr = text(&out.stderr);
    assert!(stderr.contains("structure.missing-property"), "{stderr}");
    assert!(
        stderr.contains("ROOT -> body -> elements -> [1](tag: img)"),
        "{stderr}"
    );
}

#[test]
fn a_v1_card_is_named_as_such() {
    let path = corpus("v1/009.json");
    let out = fmt(&[path.to_str().expect("UTF-8 path")], None);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("JSON 1.0"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn unreadable_or_non_json_input_exits_2() {
    let out = fmt(&["/nonexistent/card.json"], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("cannot read /nonexistent/card.json"));

    let path = scratch("not-json", "{\"schema\": ");
    let out = fmt(&[path.to_str().expect("UTF-8 path")], None);
    let _ = std::fs::remove_file(&path);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("is not JSON"),
        "{}",
        text(&out.stderr)
    );
}
