//! `feishu-card convert` on small cards: the exact source it prints, and its exit codes.

use std::process::Output;

fn convert(stdin: &str) -> Output {
    convert_with(&[], stdin)
}

fn convert_with(flags: &[&str], stdin: &str) -> Output {
    let args: Vec<&str> = ["convert"]
        .into_iter()
        .chain(flags.iter().copied())
        .chain(["-"])
        .collect();
    run(&args, stdin)
}

mod common;

/// `feishu-card ARGS`, with `stdin` as its standard input.
fn run(args: &[&str], stdin: &str) -> Output {
    common::run_with_stdin(args, stdin)
}

/// The printed source of a card that converts.
fn source(card: &str) -> String {
    let out = convert(card);
    assert_eq!(
        out.status.code(),
        Some(0),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8 source")
}

#[test]
fn texts_are_children_and_callbacks_are_sugar() {
    let card = r#"{
        "schema": "2.0",
        "header": {"template": "orange", "title": {"tag": "plain_text", "content": "确认操作"}},
        "body": {"elements": [
            {"tag": "markdown", "content": "确定吗?"},
            {"tag": "button", "type": "primary_filled",
             "text": {"tag": "plain_text", "content": "确认"},
             "behaviors": [{"type": "callback", "value": {"action": "confirm"}}]}
        ]}
    }"#;
    assert_eq!(
        source(card),
        r#"feishu_card::card! {
    <card>
        <header template="orange">"确认操作"</header>
        <markdown>"确定吗?"</markdown>
        <button type="primary_filled" callback={serde_json::json!({"action": "confirm"})}>
            "确认"
        </button>
    </card>
}
"#
    );
}

#[test]
fn body_attributes_open_a_body_tag_and_empty_lists_stay_empty() {
    let card = r#"{
        "schema": "2.0",
        "body": {"direction": "vertical", "elements": [
            {"tag": "column_set", "columns": [{"tag": "column", "width": "auto", "elements": []}]},
            {"tag": "hr"}
        ]}
    }"#;
    assert_eq!(
        source(card),
        r#"feishu_card::card! {
    <card>
        <body direction="vertical">
            <column_set>
                <column width="auto"></column>
            </column_set>
            <hr/>
        </body>
    </card>
}
"#
    );
}

#[test]
fn tables_take_column_and_row_tags_with_json_cells() {
    let card = r#"{
        "schema": "2.0",
        "body": {"elements": [{
            "tag": "table", "page_size": 5,
            "columns": [{"name": "id", "display_name": "工单号", "data_type": "text"},
                        {"name": "status", "data_type": "options"}],
            "rows": [{"id": "T001", "status": [{"text": "处理中", "color": "orange"}]}]
        }]}
    }"#;
    assert_eq!(
        source(card),
        r#"feishu_card::card! {
    <card>
        <table page_size=5>
            <column name="id" display_name="工单号" data_type="text"/>
            <column name="status" data_type="options"/>
            <row id="T001" status={serde_json::json!([{"color": "orange", "text": "处理中"}])}/>
        </table>
    </card>
}
"#
    );
}

#[test]
fn translations_and_escapes() {
    let card = r#"{
        "schema": "2.0",
        "body": {"elements": [
            {"tag": "button", "text": {"tag": "plain_text", "content": "OK", "i18n_content": {"en_us": "OK", "ja_jp": "はい"}},
             "disabled": true},
            {"tag": "markdown", "content": "a \"quoted\"\nline\\"}
        ]}
    }"#;
    assert_eq!(
        source(card),
        r#"feishu_card::card! {
    <card>
        <button text:en_us="OK" text:ja_jp="はい" disabled>"OK"</button>
        <markdown>"a \"quoted\"\nline\\"</markdown>
    </card>
}
"#
    );
}

#[test]
fn what_markup_cannot_write_is_named_by_its_pointer() {
    // A row key that is no Rust identifier cannot be an attribute of `<row>`.
    let card = r#"{
        "schema": "2.0",
        "body": {"elements": [{"tag": "table",
            "columns": [{"name": "a-b", "data_type": "text"}], "rows": [{"a-b": "x"}]}]}
    }"#;
    let out = convert(card);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("(at `/body/elements/0/rows/0/a-b`)"),
        "stderr: {stderr}"
    );
    assert!(out.stdout.is_empty(), "no source is printed");
}

#[test]
fn untagged_texts_and_fallback_objects_are_model_expressions() {
    let card = r#"{
        "schema": "2.0",
        "config": {"enable_forward": false},
        "body": {"elements": [
            {"tag": "button", "text": {"tag": "plain_text", "content": "b"},
             "hover_tips": {}, "disabled_tips": {"content": "no tag"}},
            {"tag": "audio", "file_key": "f",
             "fallback": {"tag": "fallback_text", "text": {"tag": "plain_text", "content": "旧版"}}},
            {"tag": "audio", "file_key": "g", "fallback": "drop"}
        ]}
    }"#;
    assert_eq!(
        source(card),
        r#"feishu_card::card! {
    <card>
        <config enable_forward=false/>
        <button
            hover_tips={feishu_card::model::PlainText { tag: feishu_card::model::PlainTextTag::OMITTED, ..Default::default() }}
            disabled_tips={serde_json::from_value::<feishu_card::model::PlainText>(serde_json::json!({
                "content": "no tag"
            })).expect("JSON written from the model reads back")}
        >
            "b"
        </button>
        <audio file_key="f" fallback={feishu_card::model::Fallback::text("旧版")}/>
        <audio file_key="g" fallback="drop"/>
    </card>
}
"#
    );
}

#[test]
fn invalid_cards_exit_1_with_diagnostics() {
    let card = r#"{"schema": "2.0", "body": {"elements": [{"tag": "buton"}]}}"#;
    let out = convert(card);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    assert!(!out.stderr.is_empty());
}

#[test]
fn not_json_exits_2() {
    let out = convert("{not json");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not JSON"));
}

#[test]
fn a_missing_file_exits_2() {
    let out = common::bin()
        .args(["convert", "/nonexistent/card.json"])
        .output()
        .expect("the binary runs");
    assert_eq!(out.status.code(), Some(2));
}

/// A card `validate` accepts with a warning converts too, under the default strict policy: one
/// verdict per card. `card!` holds literals to the documented values, so a value Feishu falls
/// back on is written with the escape hatch `raw:`, which `card!` allows on lenient
/// attributes, and a custom colour name as an expression; both build the same card.
#[test]
fn tolerated_values_convert_with_the_escape_hatch() {
    let card = r#"{
        "schema": "2.0",
        "body": {"elements": [
            {"tag": "overflow", "width": "",
             "options": [{"text": {"tag": "plain_text", "content": "a"}, "value": "a"}]},
            {"tag": "markdown", "content": "mid", "text_align": "middle"},
            {"tag": "img", "img_key": "img_v2_x", "scale_type": "crop_middle"},
            {"tag": "markdown", "content": "tinted", "text_size": "normal_v2"}
        ]}
    }"#;
    let validated = run(&["validate", "-"], card);
    assert_eq!(
        validated.status.code(),
        Some(0),
        "validate accepts the card: {}",
        String::from_utf8_lossy(&validated.stderr)
    );
    let out = convert(card);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "stderr: {stderr}");
    assert!(
        stderr.contains("value.enum"),
        "the warning is shown: {stderr}"
    );
    assert_eq!(
        String::from_utf8(out.stdout).expect("UTF-8 source"),
        r#"feishu_card::card! {
    <card>
        <overflow raw:width={serde_json::json!("")}>
            <option value="a">"a"</option>
        </overflow>
        <markdown raw:text_align={serde_json::json!("middle")}>"mid"</markdown>
        <img img_key="img_v2_x" raw:scale_type={serde_json::json!("crop_middle")}/>
        <markdown text_size={String::from("normal_v2")}>"tinted"</markdown>
    </card>
}
"#
    );
}

/// A card the model cannot read is refused with the validator's errors under the policy asked
/// for, as `validate` reports them: with `--lenient` an unknown property is not among them.
#[test]
fn a_refusal_lists_the_errors_of_the_policy_asked_for() {
    let card = r#"{
        "schema": "2.0",
        "body": {"elements": [
            {"tag": "markdown", "content": "x", "glow": "soft"},
            {"tag": "button", "type": "primary_glow",
             "text": {"tag": "plain_text", "content": "Go"}}
        ]}
    }"#;
    let strict = convert(card);
    assert_eq!(strict.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&strict.stderr);
    assert!(stderr.contains("(2 problems)"), "{stderr}");
    assert!(stderr.contains("unknown-property"), "{stderr}");
    assert!(stderr.contains("primary_glow"), "{stderr}");

    let lenient = convert_with(&["--lenient"], card);
    assert_eq!(lenient.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&lenient.stderr);
    assert!(stderr.contains("(1 problem)"), "{stderr}");
    assert!(stderr.contains("primary_glow"), "{stderr}");
    assert!(!stderr.contains("unknown-property"), "{stderr}");
}

#[test]
fn lenient_unknowns_are_the_escape_hatch() {
    let card = r#"{
        "schema": "2.0",
        "body": {"elements": [
            {"tag": "markdown", "content": "New:", "glow": "soft"},
            {"tag": "hologram", "depth": 3},
            {"tag": "column_set", "columns": [{"tag": "column", "aura": [1, 2], "elements": [
                {"tag": "sparkline", "points": [1, 3, 2]}
            ]}]}
        ]}
    }"#;
    // Strict, the unknowns are errors.
    assert_eq!(convert(card).status.code(), Some(1));
    let out = convert_with(&["--lenient"], card);
    assert_eq!(
        out.status.code(),
        Some(0),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8(out.stdout).expect("UTF-8 source"),
        r#"feishu_card::card! {
    <card>
        <markdown raw:glow={serde_json::json!("soft")}>"New:"</markdown>
        <raw json={serde_json::json!({"depth": 3, "tag": "hologram"})}/>
        <column_set>
            <column raw:aura={serde_json::json!([1, 2])}>
                <raw json={serde_json::json!({"points": [1, 3, 2], "tag": "sparkline"})}/>
            </column>
        </column_set>
    </card>
}
"#
    );
}
