//! `feishu-card fmt` on real cards, broken cards and unreadable input.

use std::process::Output;

use serde_json::Value;

mod common;
use common::{corpus, run_with_stdin, scratch, text};

fn fmt(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let args: Vec<&str> = ["fmt"].into_iter().chain(args.iter().copied()).collect();
    run_with_stdin(&args, stdin.unwrap_or_default())
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
