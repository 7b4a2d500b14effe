//! Every `valid` and `valid-with-warning` Card JSON 2.0 card of the corpus, the seed templates
//! and the seed components, converted with `feishu-card convert`, compiled in one generated
//! crate and run: each `card!` must serialize back to the card's JSON value.
//!
//! The generated crate depends on the workspace's facade by path and reuses the workspace's
//! `Cargo.lock`, so it builds offline wherever the workspace itself was built.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{json, Value};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("card-cli sits in the workspace")
        .to_path_buf()
}

fn corpus() -> PathBuf {
    workspace().join("../shared/corpus")
}

/// One card to convert: a name for messages, the function name, and its JSON file.
struct Case {
    name: String,
    ident: String,
    file: PathBuf,
}

/// The corpus cards Feishu accepts, from `cards.tsv`.
fn accepted_v2_cards() -> Vec<Case> {
    let tsv = std::fs::read_to_string(corpus().join("cards.tsv")).expect("corpus/cards.tsv");
    tsv.lines()
        .skip(1)
        .filter_map(|line| {
            let mut cols = line.split('\t');
            let file = cols.next()?;
            let expected = cols.next()?;
            let accepted = matches!(expected, "valid" | "valid-with-warning");
            (file.starts_with("v2/") && accepted).then(|| Case {
                name: file.to_owned(),
                ident: ident(file),
                file: corpus().join(file),
            })
        })
        .collect()
}

fn ident(name: &str) -> String {
    let mut out = String::from("card_");
    out.extend(
        name.chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }),
    );
    out
}

/// A seed component as a whole card: alone in the body; with forwarding off when it needs
/// that (`audio`); or, when it may only stand in a form, in a form with a submit button.
fn component_card(element: Value) -> Value {
    let alone = json!({"schema": "2.0", "body": {"elements": [element.clone()]}});
    let unforwarded = json!({
        "schema": "2.0",
        "config": {"enable_forward": false},
        "body": {"elements": [element.clone()]}
    });
    let in_form = json!({"schema": "2.0", "body": {"elements": [{
        "tag": "form",
        "name": "form",
        "elements": [element, {
            "tag": "button",
            "name": "submit",
            "form_action_type": "submit",
            "text": {"tag": "plain_text", "content": "提交"}
        }]
    }]}});
    [alone, unforwarded, in_form]
        .into_iter()
        .find(|card| !feishu_card_validate(card))
        .expect("each seed component is valid in one of these cards")
}

/// Whether the validator finds errors in a card.
fn feishu_card_validate(card: &Value) -> bool {
    card_core::validate::validate_value(card).has_errors()
}

/// The seed templates and components; components are wrapped into cards written to `dir`.
fn seed_cards(dir: &Path) -> Vec<Case> {
    let seed = corpus().join("seed");
    let mut names: Vec<String> = std::fs::read_dir(&seed)
        .expect("corpus/seed")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with(".json"))
        .collect();
    names.sort();
    names
        .into_iter()
        .map(|n| {
            let path = seed.join(&n);
            let file = if n.starts_with("component-") {
                let text = std::fs::read_to_string(&path).expect("seed component");
                let element: Value = serde_json::from_str(&text).expect("seed component is JSON");
                let card = component_card(element);
                let out = dir.join(&n);
                std::fs::write(&out, serde_json::to_string_pretty(&card).expect("JSON"))
                    .expect("write the wrapped component");
                out
            } else {
                path
            };
            Case {
                name: format!("seed/{n}"),
                ident: ident(&format!("seed/{n}")),
                file,
            }
        })
        .collect()
}

/// Cards beside the corpus for the forms the converter writes as model expressions (an
/// untagged text, `audio` fallbacks): each must compile and round-trip like a corpus card.
const EXTRA_CARDS: &[(&str, &str)] = &[(
    "untagged-texts-and-fallbacks",
    r#"{
        "schema": "2.0",
        "config": {"enable_forward": false},
        "body": {"elements": [
            {"tag": "button", "text": {"tag": "plain_text", "content": "b"},
             "hover_tips": {}, "disabled_tips": {"content": "no tag"}},
            {"tag": "interactive_container", "hover_tips": {}, "elements": []},
            {"tag": "audio", "file_key": "f",
             "fallback": {"tag": "fallback_text", "text": {"tag": "plain_text", "content": "旧版"}}},
            {"tag": "audio", "file_key": "g", "fallback": {"tag": "fallback_text",
             "text": {"tag": "plain_text", "content": "x", "i18n_content": {"en_us": "y"}}}},
            {"tag": "audio", "file_key": "h", "fallback": "drop"}
        ]}
    }"#,
)];

/// The extra cards, written to `dir`.
fn extra_cards(dir: &Path) -> Vec<Case> {
    EXTRA_CARDS
        .iter()
        .map(|(name, json)| {
            let file = dir.join(format!("extra-{name}.json"));
            std::fs::write(&file, json).expect("write an extra card");
            Case {
                name: format!("extra/{name}"),
                ident: ident(&format!("extra/{name}")),
                file,
            }
        })
        .collect()
}

fn convert(file: &Path) -> Result<String, String> {
    let out = Command::new(env!("CARGO_BIN_EXE_feishu-card"))
        .arg("convert")
        .arg(file)
        .output()
        .expect("run feishu-card convert");
    if out.status.success() {
        Ok(String::from_utf8(out.stdout).expect("the source is UTF-8"))
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

/// The generated crate: one function per card and a main comparing each with its JSON file.
fn write_crate(dir: &Path, cases: &[(Case, String)]) {
    let manifest = format!(
        r#"[package]
name = "convert-corpus"
version = "0.0.0"
edition = "2021"
publish = false

[dependencies]
feishu-card = {{ path = {:?}, default-features = false }}
serde_json = "1"

[workspace]
"#,
        workspace().display().to_string()
    );
    std::fs::create_dir_all(dir.join("src")).expect("crate dir");
    std::fs::write(dir.join("Cargo.toml"), manifest).expect("Cargo.toml");
    // The workspace's lock: the same versions, available offline once the workspace is built.
    std::fs::copy(workspace().join("Cargo.lock"), dir.join("Cargo.lock")).expect("Cargo.lock");
    let mut main = String::from(
        "//! Generated by card-cli/tests/convert_corpus.rs.\n\n\
         use serde_json::Value;\n\n",
    );
    for (case, source) in cases {
        let body = source.trim_end().replace('\n', "\n    ");
        let _ = writeln!(
            main,
            "fn {}() -> feishu_card::Card {{\n    {body}\n}}\n",
            case.ident
        );
    }
    main.push_str("const CARDS: &[(&str, fn() -> feishu_card::Card, &str)] = &[\n");
    for (case, _) in cases {
        let _ = writeln!(
            main,
            "    ({:?}, {}, {:?}),",
            case.name,
            case.ident,
            case.file.display().to_string()
        );
    }
    main.push_str(
        r#"];

fn main() {
    let mut equal = 0;
    for (name, build, file) in CARDS {
        let text = std::fs::read_to_string(file).expect("the card's JSON file");
        let expected: Value = serde_json::from_str(&text).expect("the card is JSON");
        let actual = serde_json::to_value(build()).expect("a card serializes");
        if actual == expected {
            equal += 1;
        } else {
            println!("DIFFERS {name}\n  expected: {expected}\n  built:    {actual}");
        }
    }
    println!("{equal}/{} round-trip", CARDS.len());
    std::process::exit(if equal == CARDS.len() { 0 } else { 1 });
}
"#,
    );
    std::fs::write(dir.join("src/main.rs"), main).expect("main.rs");
}

/// `cargo run` on the generated crate: offline first (the workspace's lock and registry cache
/// suffice), then online for a machine whose cache lacks a crate.
fn cargo_run(dir: &Path) -> (bool, String) {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let mut log = String::new();
    for offline in [true, false] {
        let mut cmd = Command::new(&cargo);
        cmd.arg("run")
            .arg("--quiet")
            .arg("--manifest-path")
            .arg(dir.join("Cargo.toml"))
            .arg("--target-dir")
            .arg(dir.join("target"));
        if offline {
            cmd.arg("--offline");
        }
        let out = cmd.output().expect("run cargo");
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        let _ = write!(log, "--- offline: {offline}\n{stdout}\n{stderr}\n");
        // A build that failed for another reason than a missing crate fails online too.
        if out.status.success() || !out.stdout.is_empty() {
            return (out.status.success(), log);
        }
    }
    (false, log)
}

#[test]
fn every_accepted_card_converts_compiles_and_round_trips() {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("convert-corpus");
    let wrapped = dir.join("cards");
    std::fs::create_dir_all(&wrapped).expect("scratch dir");

    let mut cases = accepted_v2_cards();
    assert!(cases.len() >= 80, "the corpus lists the accepted cards");
    let v2 = cases.len();
    cases.extend(seed_cards(&wrapped));
    let seeds = cases.len() - v2;
    cases.extend(extra_cards(&wrapped));
    let total = cases.len();

    let mut converted = Vec::new();
    let mut failures = Vec::new();
    for case in cases {
        match convert(&case.file) {
            Ok(source) => converted.push((case, source)),
            Err(err) => failures.push(format!("{}:\n{err}", case.name)),
        }
    }
    write_crate(&dir, &converted);
    let (ok, log) = cargo_run(&dir);
    let round_trips = log
        .lines()
        .find_map(|l| l.strip_suffix(" round-trip"))
        .and_then(|l| l.split('/').next())
        .and_then(|n| n.parse::<usize>().ok())
        .unwrap_or(0);
    println!(
        "{round_trips}/{total} cards ({v2} v2, {seeds} seeds, {} extra) convert, compile and round-trip",
        total - v2 - seeds
    );
    assert!(
        failures.is_empty(),
        "{} of {total} cards did not convert:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(ok, "the generated crate failed:\n{log}");
    assert_eq!(round_trips, total, "{log}");
}
