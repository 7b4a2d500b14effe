//! Every command gives one verdict on one card: for each card of the shared corpus (1.0 and 2.0
//! cards, seed templates and components) and for cards of this file that Feishu accepts with
//! a fallback, under the strict and the lenient policy, `validate` accepts the card exactly when
//! `convert` and `preview` do; and `fmt`, which only reads, reads every card `validate` accepts
//! under either policy.

use std::path::PathBuf;

use serde_json::{json, Value};

mod common;
use common::{corpus, run, scratch, stderr};

/// Cards on the edge of what the model reads: each is accepted by `validate` with a warning
/// (the first two only under `--lenient`).
fn edge_cards() -> Vec<(&'static str, Value)> {
    let body = |elements: Value| json!({"elements": elements});
    vec![
        (
            "unknown-property",
            json!({"schema": "2.0", "body": body(json!([
                {"tag": "markdown", "content": "x", "sparkle": true}
            ]))}),
        ),
        (
            "unknown-card-property-and-component",
            json!({"schema": "2.0", "theme": "dusk", "body": body(json!([
                {"tag": "hologram", "depth": 3}
            ]))}),
        ),
        (
            "undocumented-text-align",
            json!({"schema": "2.0", "body": body(json!([
                {"tag": "markdown", "content": "x", "text_align": "middle"}
            ]))}),
        ),
        (
            "negative-rows",
            json!({"schema": "2.0", "body": body(json!([
                {"tag": "form", "name": "f", "elements": [
                    {"tag": "input", "name": "note", "input_type": "multiline_text", "rows": -1},
                    {"tag": "button", "name": "go", "form_action_type": "submit",
                     "text": {"tag": "plain_text", "content": "Go"}}
                ]}
            ]))}),
        ),
        (
            "unknown-locale",
            json!({"schema": "2.0", "config": {"locales": ["zh_cn", "xx_yy"]},
                   "body": body(json!([{"tag": "markdown", "content": "x"}]))}),
        ),
        (
            "colour-without-dark-mode",
            json!({"schema": "2.0",
                   "config": {"style": {"color": {"brand": {"light_mode": "rgba(20,86,240,1)"}}}},
                   "body": body(json!([{"tag": "markdown", "content": "<font color='brand'>x</font>"}]))}),
        ),
        (
            "card-fallback-and-i18n-header",
            json!({"schema": "2.0", "fallback": {},
                   "i18n_header": {"en_us": {"title": {"tag": "plain_text", "content": "Hi"}}},
                   "body": body(json!([{"tag": "markdown", "content": "x"}]))}),
        ),
        (
            "empty-overflow-width",
            json!({"schema": "2.0", "body": body(json!([
                {"tag": "overflow", "width": "",
                 "options": [{"text": {"tag": "plain_text", "content": "a"}, "value": "a"}]}
            ]))}),
        ),
    ]
}

fn cards() -> Vec<PathBuf> {
    let mut files = Vec::new();
    for dir in ["v1", "v2", "seed"] {
        let mut found: Vec<PathBuf> = std::fs::read_dir(corpus(dir))
            .unwrap_or_else(|e| panic!("corpus/{dir} next to the workspace: {e}"))
            .map(|e| e.expect("a directory entry").path())
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect();
        found.sort();
        files.extend(found);
    }
    for (name, card) in edge_cards() {
        files.push(scratch(&format!("{name}.json"), &card.to_string()));
    }
    files
}

/// Whether `feishu-card ARGS FILE` succeeds.
fn accepts(args: &[&str], file: &str) -> bool {
    let args: Vec<&str> = args.iter().copied().chain([file]).collect();
    let out = run(&args);
    assert!(
        !stderr(&out).contains("panicked"),
        "{args:?}: {}",
        stderr(&out)
    );
    out.status.success()
}

#[test]
fn validate_convert_preview_and_fmt_agree_on_every_card() {
    let files = cards();
    assert!(files.len() > 100, "only {} cards", files.len());
    let mut disagreements = Vec::new();
    let mut accepted = [0, 0];
    for file in &files {
        let path = file.to_str().expect("a UTF-8 path");
        let mut any = false;
        for (i, policy) in [&[][..], &["--lenient"][..]].into_iter().enumerate() {
            let with = |cmd: &'static str| -> Vec<&str> {
                [cmd].into_iter().chain(policy.iter().copied()).collect()
            };
            let validate = accepts(&with("validate"), path);
            let convert = accepts(&with("convert"), path);
            let preview = accepts(&[&with("preview")[..], &["-o", "/dev/null"]].concat(), path);
            if validate != convert || validate != preview {
                disagreements.push(format!(
                    "{path} {policy:?}: validate {validate}, convert {convert}, preview {preview}"
                ));
            }
            accepted[i] += usize::from(validate);
            any |= validate;
        }
        if any && !accepts(&["fmt"], path) {
            disagreements.push(format!("{path}: validate accepts it, fmt does not read it"));
        }
    }
    assert!(
        disagreements.is_empty(),
        "{} of {} cards get two verdicts:\n  {}",
        disagreements.len(),
        files.len(),
        disagreements.join("\n  ")
    );
    // Some cards are only accepted under the lenient policy.
    assert!(accepted[1] > accepted[0], "{accepted:?}");
}
