//! `feishu-card preview` end to end: a page for a valid card, the exit codes for the rest.

mod common;
use common::{bin, scratch, stderr};

const CARD: &str = r#"{"schema": "2.0",
  "header": {"title": {"tag": "plain_text", "content": "Deploy <finished>"}, "template": "green"},
  "body": {"elements": [{"tag": "markdown", "content": "**api** is live"}]}}"#;

#[test]
fn writes_a_page_to_the_output_file() {
    let card = scratch("card.json", CARD);
    let html = card.with_extension("html");
    let out = bin()
        .arg("preview")
        .arg(&card)
        .arg("-o")
        .arg(&html)
        .args(["--width", "compact"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let page = std::fs::read_to_string(&html).expect("the page");
    assert!(page.starts_with("<!DOCTYPE html>"));
    assert!(page.contains("<title>card.json</title>"));
    // The title's text is escaped.
    assert!(page.contains("Deploy &lt;finished&gt;"), "{page}");
    assert!(page.contains("<strong>api</strong>"));
    assert!(stderr(&out).contains("wrote "));
}

#[test]
fn page_to_stdout_with_a_title() {
    let card = scratch("stdout.json", CARD);
    let out = bin()
        .arg("preview")
        .arg(&card)
        .args(["--title", "Deploy"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("<title>Deploy</title>"));
}

#[test]
fn a_1_0_card_points_to_migrate() {
    let card = scratch("v1.json", r#"{"elements": [{"tag": "hr"}]}"#);
    let out = bin().arg("preview").arg(&card).output().expect("run");
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("feishu-card migrate"),
        "{}",
        stderr(&out)
    );
    assert!(out.stdout.is_empty());
}

#[test]
fn unreadable_input_and_unknown_options_are_exit_2() {
    let not_json = scratch("bad.json", "{");
    let out = bin().arg("preview").arg(&not_json).output().expect("run");
    assert_eq!(out.status.code(), Some(2));
    let card = scratch("locale.json", CARD);
    let out = bin()
        .arg("preview")
        .arg(&card)
        .args(["--locale", "xx_yy"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("unknown locale"), "{}", stderr(&out));
}
