//! What this version does not know, through the commands that read a card into the model:
//! `fmt` prints it back, `preview` draws an unknown component as a box naming its tag, and
//! `convert --lenient` writes it with `card!`'s escape hatch (`<raw json={…}/>`,
//! `raw:name={…}`), in a source that compiles and builds the same JSON.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

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

mod common;
use common::text;

fn run(args: &[&str], stdin: &str) -> Output {
    common::run_with_stdin(args, stdin)
}

#[test]
fn fmt_keeps_what_it_does_not_know() {
    let input = card();
    let out = run(&["fmt", "-"], &input.to_string());
    assert!(out.status.success(), "{}", text(&out.stderr));
    let printed: Value = serde_json::from_slice(&out.stdout).expect("fmt prints JSON");
    assert_eq!(printed, input);
}

/// Every name the card above does not know.
const UNKNOWN_NAMES: [&str; 6] = [
    "hologram",
    "sparkline",
    "rating",
    "sparkle",
    "glow",
    "future_top",
];

#[test]
fn convert_is_strict_by_default() {
    let out = run(&["convert", "-"], &card().to_string());
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert!(out.stdout.is_empty(), "strict convert printed a source");
    let stderr = text(&out.stderr);
    for name in UNKNOWN_NAMES {
        assert!(stderr.contains(name), "`{name}` not named:\n{stderr}");
    }
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn lenient_convert_writes_the_escape_hatch() {
    let out = run(&["convert", "--lenient", "-"], &card().to_string());
    assert!(out.status.success(), "{}", text(&out.stderr));
    let source = text(&out.stdout);
    for raw in [
        "<markdown raw:sparkle={serde_json::json!(true)}>\"done\"</markdown>",
        "<raw json={serde_json::json!({\"depth\": 3, \"tag\": \"hologram\"})}/>",
        "<raw json={serde_json::json!({\"points\": [1, 3, 2], \"tag\": \"sparkline\"})}/>",
        "<input name=\"reason\" raw:glow={serde_json::json!(\"soft\")}/>",
        "<raw json={serde_json::json!({\"name\": \"stars\", \"tag\": \"rating\"})}/>",
    ] {
        assert!(source.contains(raw), "no `{raw}` in:\n{source}");
    }
    // The validator's warnings name each unknown.
    let stderr = text(&out.stderr);
    for name in &UNKNOWN_NAMES[..5] {
        assert!(stderr.contains(name), "`{name}` not named:\n{stderr}");
    }
}

#[test]
fn an_unknown_property_of_the_card_is_a_raw_attribute_of_card() {
    let out = run(&["convert", "--lenient", "-"], &card().to_string());
    assert!(out.status.success(), "{}", text(&out.stderr));
    let source = text(&out.stdout);
    assert!(
        source.contains("<card raw:future_top={serde_json::json!({\"mode\": \"3d\"})}>"),
        "{source}"
    );
}

#[test]
fn a_property_raw_cannot_name_is_refused_by_name() {
    let input = json!({
        "schema": "2.0",
        "body": {"elements": [{"tag": "markdown", "content": "x", "glow-soft": true}]}
    });
    let out = run(&["convert", "--lenient", "-"], &input.to_string());
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stdout));
    assert!(out.stdout.is_empty());
    let stderr = text(&out.stderr);
    assert!(stderr.contains("`glow-soft`"), "{stderr}");
    assert!(stderr.contains("/body/elements/0/glow-soft"), "{stderr}");
}

/// A card with unknowns everywhere the markup writes them: on the card itself, the config, the
/// body, a header and its text object, root components, a column, a component in a column and in a form, a behaviour; and
/// unknown components at the root, in a column and in a form; and undocumented values of
/// lenient attributes (the header's `template`, an input's `rows`, a markdown's `text_align`);
/// and the card's own 1.0 leftovers that 2.0 tolerates (`fallback`, `i18n_header`).
fn wide_card() -> Value {
    let mut card = card();
    // The card's own tolerated 1.0 leftovers.
    card["fallback"] = json!({});
    card["i18n_header"] = json!({"en_us": {"title": {"tag": "plain_text", "content": "Title"}}});
    card["header"] = json!({
        "template": "mauve",
        "ribbon": "new",
        "title": {"tag": "plain_text", "content": "Title", "shine": 1}
    });
    card["config"] = json!({"width_mode": "fill", "hover": "lift"});
    card["body"]["swipe"] = json!({"pages": 2});
    let elements = card["body"]["elements"]
        .as_array_mut()
        .expect("the card has elements");
    elements[2]["columns"][0]["aura"] = json!(2);
    // Values Feishu falls back on that the registry does not document.
    elements[3]["elements"][0]["input_type"] = json!("multiline_text");
    elements[3]["elements"][0]["rows"] = json!(-1);
    elements.push(json!({"tag": "markdown", "content": "mid", "text_align": "middle"}));
    elements.push(json!({
        "tag": "button",
        "text": {"tag": "plain_text", "content": "Go"},
        "behaviors": [{"type": "callback", "value": {"a": 1}, "extra": [2]}]
    }));
    card
}

/// The converted source of a card with unknowns compiles in a crate of its own and builds the
/// same JSON. The crate shares its target directory with `convert_corpus`, whose dependencies
/// are the same.
#[test]
fn converted_unknowns_compile_and_round_trip() {
    let input = wide_card();
    let fmt = run(&["fmt", "-"], &input.to_string());
    let printed: Value = serde_json::from_slice(&fmt.stdout).expect("fmt prints JSON");
    assert_eq!(printed, input, "the model keeps the card as written");
    let out = run(&["convert", "--lenient", "-"], &input.to_string());
    assert!(out.status.success(), "{}", text(&out.stderr));
    let source = text(&out.stdout);
    for raw in [
        "raw:ribbon=",
        "raw:shine=",
        "raw:aura=",
        "raw:hover=",
        "raw:swipe=",
        "<card\n        fallback={serde_json::json!({})}",
        "raw:future_top=",
        "raw:template={serde_json::json!(\"mauve\")}",
        "raw:rows={serde_json::json!(-1)}",
        "raw:text_align={serde_json::json!(\"middle\")}",
        "\"extra\": [2]",
        "<raw json=",
    ] {
        assert!(source.contains(raw), "no `{raw}` in:\n{source}");
    }

    let tmp = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let dir = tmp.join("open-world");
    std::fs::create_dir_all(dir.join("src")).expect("crate dir");
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("card-cli sits in the workspace");
    let manifest = format!(
        "[package]\nname = \"open-world\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
         [dependencies]\nfeishu-card = {{ path = {:?}, default-features = false }}\nserde_json = \"1\"\n\n\
         [workspace]\n",
        workspace.display().to_string()
    );
    std::fs::write(dir.join("Cargo.toml"), manifest).expect("Cargo.toml");
    std::fs::copy(workspace.join("Cargo.lock"), dir.join("Cargo.lock")).expect("Cargo.lock");
    let main = format!(
        "fn main() {{\n    let card: feishu_card::Card = {};\n    \
         let expected: serde_json::Value = serde_json::from_str({:?}).expect(\"JSON\");\n    \
         let built = serde_json::to_value(card).expect(\"a card serializes\");\n    \
         if built == expected {{\n        println!(\"round-trip\");\n    }} else {{\n        \
         println!(\"DIFFERS\\n  expected: {{expected}}\\n  built:    {{built}}\");\n        \
         std::process::exit(1);\n    }}\n}}\n",
        source.trim_end().replace('\n', "\n    "),
        input.to_string()
    );
    std::fs::write(dir.join("src/main.rs"), main).expect("main.rs");

    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let mut log = String::new();
    let mut built = None;
    // Offline first (the workspace's lock and registry cache suffice), then online for a
    // machine whose cache lacks a crate.
    for offline in [true, false] {
        let mut cmd = Command::new(&cargo);
        cmd.args(["run", "--quiet", "-j1", "--manifest-path"])
            .arg(dir.join("Cargo.toml"))
            .arg("--target-dir")
            .arg(tmp.join("convert-corpus").join("target"));
        if offline {
            cmd.arg("--offline");
        }
        let out = cmd.output().expect("run cargo");
        log.push_str(&text(&out.stdout));
        log.push_str(&text(&out.stderr));
        if out.status.success() || !out.stdout.is_empty() {
            built = Some(out);
            break;
        }
    }
    let out = built.unwrap_or_else(|| panic!("the generated crate failed:\n{log}\n{source}"));
    assert!(out.status.success(), "{log}\n{source}");
    assert_eq!(text(&out.stdout).trim(), "round-trip", "{log}");
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
