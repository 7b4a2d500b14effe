//! `feishu-card validate` end to end: human and JSON output, and the three exit codes.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Output, Stdio};

mod common;
use common::{bin, scratch};

fn run(args: &[&str], files: &[&PathBuf]) -> Output {
    bin()
        .arg("validate")
        .args(args)
        .args(files)
        .output()
        .expect("run feishu-card")
}

const VALID_WITH_WARNING: &str = r#"{
  "schema": "2.0",
  "config": {"wide_screen_mode": true},
  "body": {"elements": [{"tag": "markdown", "content": "hi"}]}
}"#;

const INVALID: &str = r#"{
  "schema": "2.0",
  "body": {
    "elements": [
      {"tag": "column_set", "columns": [
        {"tag": "column", "elements": [
          {"tag": "table", "columns": []}
        ]}
      ]}
    ]
  }
}"#;

#[test]
fn valid_cards_exit_0_even_with_warnings() {
    let card = scratch("warning.json", VALID_WITH_WARNING);
    let out = run(&[], &[&card]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("warning[legacy.config-key]"), "{stdout}");
    assert!(stdout.contains("valid (0 errors, 1 warning)"), "{stdout}");
}

#[test]
fn invalid_cards_exit_1_with_compiler_style_output() {
    let card = scratch("invalid.json", INVALID);
    let out = run(&["--format", "human"], &[&card]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout
            .contains("error[nesting.table-not-at-root]: `table` cannot be placed inside `column`"),
        "{stdout}"
    );
    // Line 7, column 11 is where the table object starts.
    assert!(stdout.contains("invalid.json:7:11"), "{stdout}");
    assert!(
        stdout.contains("= pointer `/body/elements/0/columns/0/elements/0`"),
        "{stdout}"
    );
    assert!(stdout.contains("(tag: table)"), "{stdout}");
}

#[test]
fn json_output_has_one_object_per_file() {
    let good = scratch("good.json", VALID_WITH_WARNING);
    let bad = scratch("bad.json", INVALID);
    let out = run(&["--format", "json"], &[&good, &bad]);
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("stdout is JSON");
    let files = v.as_array().expect("an array");
    assert_eq!(files.len(), 2);
    assert_eq!(files[0]["valid"], true);
    assert_eq!(files[0]["diagnostics"][0]["rule"], "legacy.config-key");
    assert_eq!(files[0]["diagnostics"][0]["severity"], "warning");
    assert_eq!(files[1]["valid"], false);
    let d = &files[1]["diagnostics"][0];
    assert_eq!(d["rule"], "nesting.table-not-at-root");
    assert_eq!(d["pointer"], "/body/elements/0/columns/0/elements/0");
    for key in ["file", "valid", "diagnostics"] {
        assert!(files[1].get(key).is_some(), "{key}");
    }
    for key in ["rule", "severity", "path", "pointer", "message"] {
        assert!(d.get(key).is_some(), "{key}");
    }
}

#[test]
fn unreadable_or_broken_files_exit_2() {
    let broken = scratch("broken.json", "{\"schema\": \"2.0\",\n  \"body\": }");
    let out = run(&[], &[&broken]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(2), "{stdout}");
    assert!(stdout.contains("error[json.syntax]"), "{stdout}");
    assert!(stdout.contains("broken.json:2:"), "{stdout}");

    let missing = std::env::temp_dir().join("feishu-card-no-such-file.json");
    let good = scratch("fine.json", VALID_WITH_WARNING);
    let out = run(&["--format", "json"], &[&good, &missing]);
    assert_eq!(out.status.code(), Some(2));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("stdout is JSON");
    assert_eq!(v[1]["valid"], false);
    assert_eq!(v[1]["diagnostics"][0]["rule"], "io.read");
}

#[test]
fn reads_standard_input() {
    let mut child = bin()
        .args(["validate", "--format", "json", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("run feishu-card");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(INVALID.as_bytes())
        .expect("write stdin");
    let out = child.wait_with_output().expect("wait");
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("stdout is JSON");
    assert_eq!(v[0]["file"], "<stdin>");
}
