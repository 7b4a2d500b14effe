//! Every JSON 1.0 card of the corpus migrates to a 2.0 card that the validator accepts.

use std::path::PathBuf;

use card_core::migrate::{migrate, Migration};
use card_core::validate::validate_value;
use serde_json::{json, Value};

fn corpus() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus")
}

fn v1(name: &str) -> Value {
    let path = corpus().join("v1").join(name);
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn migrated(name: &str) -> Migration {
    migrate(&v1(name)).expect("a card object")
}

#[test]
fn every_v1_card_migrates_to_a_valid_card() {
    let mut files: Vec<_> = std::fs::read_dir(corpus().join("v1"))
        .expect("corpus/v1 next to the workspace")
        .map(|e| {
            e.expect("a directory entry")
                .file_name()
                .into_string()
                .expect("utf-8")
        })
        .filter(|n| n.ends_with(".json"))
        .collect();
    files.sort();
    assert_eq!(files.len(), 10, "the corpus holds 10 v1 cards");
    let mut notes = 0;
    for name in &files {
        let m = migrated(name);
        let d = validate_value(&m.card);
        let problems: Vec<String> = d.iter().map(ToString::to_string).collect();
        assert!(problems.is_empty(), "{name}: {problems:#?}\n{:#}", m.card);
        assert!(!m.notes.is_empty(), "{name}: a 1.0 card always changes");
        notes += m.notes.len();
    }
    assert!(notes > 10);
}

fn changes(m: &Migration) -> Vec<String> {
    m.notes
        .iter()
        .map(|n| format!("{}: {}", n.pointer, n.change))
        .collect()
}

#[test]
fn action_buttons_become_behaviors_in_a_column_set() {
    let m = migrated("017.json");
    assert_eq!(
        changes(&m),
        [
            ": declared `schema: \"2.0\"`",
            "/config/wide_screen_mode: dropped `wide_screen_mode` from `config`",
            "/elements: moved the top-level `elements` into `body.elements`",
            "/elements/4/actions/0/value: turned `value` into a `callback` behaviour",
            "/elements/4/actions/1/value: turned `value` into a `callback` behaviour",
            "/elements/4: replaced the `action` module with a `column_set`, one `auto` column per action",
        ]
    );
    let set = &m.card["body"]["elements"][4];
    assert_eq!(set["tag"], "column_set");
    assert_eq!(set["columns"][0]["width"], "auto");
    assert_eq!(
        set["columns"][1]["elements"][0],
        json!({
            "tag": "button",
            "text": { "tag": "plain_text", "content": "Reject" },
            "type": "danger",
            "behaviors": [{ "type": "callback", "value": { "action": "reject_write", "operation_id": "op_9f2c1a" } }]
        })
    );
    assert_eq!(m.card["config"], json!({ "update_multi": true }));
}

#[test]
fn note_becomes_grey_notation_div_with_its_icon() {
    let m = migrated("009.json");
    assert_eq!(
        m.card["body"]["elements"],
        json!([{
            "tag": "div",
            "icon": { "tag": "custom_icon", "token": "chat-forbidden_outlined",
                      "img_key": "img_v2_041b28e3-5680-48c2-9af2-497ace79333g" },
            "text": { "tag": "plain_text", "content": "备注信息1 备注信息2",
                      "text_size": "notation", "text_color": "grey" }
        }])
    );
    assert_eq!(
        changes(&m),
        [
            ": declared `schema: \"2.0\"`",
            "/elements: moved the top-level `elements` into `body.elements`",
            "/elements/0/elements/2: dropped the note's `img`",
            "/elements/0: replaced the `note` with a grey `div` in `notation` size",
        ]
    );
}

#[test]
fn header_icons_and_compact_width_are_rewritten() {
    let m = migrated("008.json");
    assert_eq!(m.card["config"], json!({ "width_mode": "compact" }));
    assert_eq!(
        m.card["header"]["icon"],
        json!({ "tag": "standard_icon", "token": "chat-history_outlined", "color": "blue" })
    );
    // The note inside a column became a div.
    let col = &m.card["body"]["elements"][3]["columns"][0]["elements"][0];
    assert_eq!(col["tag"], "div");
}

#[test]
fn i18n_only_card_keeps_one_locale_and_drops_empty_leftovers() {
    let m = migrated("012.json");
    assert!(m.card.get("card_link").is_none());
    assert!(m.card.get("i18n_elements").is_none());
    let els = &m.card["body"]["elements"];
    assert_eq!(els[0]["horizontal_spacing"], "medium");
    assert_eq!(els[2]["tag"], "column_set");
    assert!(els[2]["columns"][0]["elements"][0]
        .get("complex_interaction")
        .is_none());
    let c = changes(&m);
    assert!(
        c.contains(&"/i18n_header: dropped the empty `i18n_header`".to_owned()),
        "{c:#?}"
    );
    assert!(c.contains(&"/card_link: dropped `card_link`, which had no link left".to_owned()));
}

#[test]
fn translations_become_i18n_content() {
    let card = json!({
        "i18n_elements": {
            "zh_cn": [{ "tag": "div", "text": { "tag": "plain_text", "content": "你好" } }],
            "en_us": [{ "tag": "div", "text": { "tag": "plain_text", "content": "Hello" } }]
        }
    });
    let m = migrate(&card).unwrap();
    assert_eq!(
        m.card["body"]["elements"][0]["text"],
        json!({ "tag": "plain_text", "content": "你好",
                "i18n_content": { "zh_cn": "你好", "en_us": "Hello" } })
    );
    assert!(!validate_value(&m.card).has_errors());
}

#[test]
fn button_links_form_actions_and_names() {
    let card = json!({
        "elements": [{
            "tag": "form", "name": "f",
            "elements": [
                { "tag": "input", "placeholder": { "tag": "plain_text", "content": "?" } },
                { "tag": "action", "layout": "bisected", "actions": [
                    { "tag": "button", "text": { "tag": "plain_text", "content": "Go" },
                      "action_type": "form_submit" },
                    { "tag": "button", "text": { "tag": "lark_md", "content": "Docs" },
                      "multi_url": { "url": "https://a.example", "pc_url": "https://pc.example",
                                     "ios_url": "", "android_url": "" } }
                ] }
            ]
        }]
    });
    let m = migrate(&card).unwrap();
    let form = &m.card["body"]["elements"][0];
    assert_eq!(form["elements"][0]["name"], "input_1");
    let set = &form["elements"][1];
    assert_eq!(set["flex_mode"], "bisect");
    let submit = &set["columns"][0]["elements"][0];
    assert_eq!(submit["form_action_type"], "submit");
    assert_eq!(submit["name"], "button_2");
    let docs = &set["columns"][1]["elements"][0];
    assert_eq!(docs["text"]["tag"], "plain_text");
    assert_eq!(
        docs["behaviors"],
        json!([{ "type": "open_url", "default_url": "https://a.example", "pc_url": "https://pc.example" }])
    );
    let d = validate_value(&m.card);
    assert!(!d.has_errors(), "{:#?}", d);
}

#[test]
fn div_fields_extra_and_markdown_href() {
    let card = json!({
        "elements": [
            { "tag": "div", "text": { "tag": "lark_md", "content": "Build" },
              "extra": { "tag": "button", "text": { "tag": "plain_text", "content": "Open" },
                         "url": "https://ci.example" },
              "fields": [
                  { "is_short": true, "text": { "tag": "lark_md", "content": "**A**" } },
                  { "is_short": true, "text": { "tag": "lark_md", "content": "**B**" } },
                  { "is_short": false, "text": { "tag": "lark_md", "content": "long" } }
              ] },
            { "tag": "markdown", "content": "see [docs]($urlVal)",
              "href": { "urlVal": { "url": "https://docs.example" } } },
            { "tag": "img", "img_key": "k", "size": "stretch_without_padding" }
        ]
    });
    let m = migrate(&card).unwrap();
    let els = m.card["body"]["elements"].as_array().unwrap();
    assert_eq!(els.len(), 5);
    assert_eq!(
        els[0]["columns"][1]["elements"][0]["behaviors"][0]["default_url"],
        "https://ci.example"
    );
    assert_eq!(els[1]["columns"].as_array().unwrap().len(), 2);
    assert_eq!(els[2]["text"]["content"], "long");
    assert_eq!(els[3]["content"], "see [docs](https://docs.example)");
    assert_eq!(els[4]["size"], "stretch");
    let d = validate_value(&m.card);
    assert!(d.is_empty(), "{:#?}", d);
}

#[test]
fn a_2_0_card_is_only_cleaned() {
    let card = json!({ "schema": "2.0", "config": { "wide_screen_mode": true },
                       "body": { "elements": [{ "tag": "markdown", "content": "hi" }] } });
    let m = migrate(&card).unwrap();
    assert_eq!(
        m.card,
        json!({ "schema": "2.0", "body": { "elements": [{ "tag": "markdown", "content": "hi" }] } })
    );
    assert_eq!(m.notes.len(), 1);
}

#[test]
fn envelope_is_unwrapped_and_non_objects_refused() {
    let m = migrate(&json!({ "msg_type": "interactive", "card": { "elements": [] } })).unwrap();
    assert_eq!(
        m.card,
        json!({ "schema": "2.0", "body": { "elements": [] } })
    );
    let err = migrate(&json!([1])).unwrap_err();
    assert!(err.to_string().contains("found a list"), "{err}");
}

#[test]
fn an_unnamed_form_is_named() {
    let card = json!({ "elements": [{ "tag": "form", "elements": [
        { "tag": "button", "text": { "tag": "plain_text", "content": "Go" }, "name": "form_1",
          "action_type": "form_submit" }
    ] }] });
    let m = migrate(&card).unwrap();
    // `form_1` is taken by the button, so the form gets the next free name.
    assert_eq!(m.card["body"]["elements"][0]["name"], "form_2");
    let d = validate_value(&m.card);
    assert!(!d.has_errors(), "{d:#?}");
}
