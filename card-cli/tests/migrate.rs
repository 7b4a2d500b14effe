//! `feishu-card migrate` end to end: every JSON 1.0 card of the corpus migrates, and the card
//! it writes passes `feishu-card validate`.

use std::path::PathBuf;

mod common;
use common::{bin, corpus, scratch_dir, stderr};

fn corpus_v1() -> PathBuf {
    corpus("v1")
}

#[test]
fn every_v1_card_migrates_and_validates() {
    let mut files: Vec<PathBuf> = std::fs::read_dir(corpus_v1())
        .expect("corpus/v1 next to the workspace")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    assert_eq!(files.len(), 10);
    let dir = scratch_dir();
    for file in &files {
        let out_path = dir.join(file.file_name().expect("a file name"));
        let out = bin()
            .arg("migrate")
            .arg(file)
            .arg("-o")
            .arg(&out_path)
            .output()
            .expect("run feishu-card");
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(0), "{}: {err}", file.display());
        assert!(err.contains("note: "), "{err}");
        assert!(err.contains("the 2.0 card is valid"), "{err}");

        let check = bin()
            .arg("validate")
            .arg(&out_path)
            .output()
            .expect("run feishu-card");
        assert_eq!(
            check.status.code(),
            Some(0),
            "{}: {}",
            file.display(),
            String::from_utf8_lossy(&check.stdout)
        );
    }
}

#[test]
fn card_goes_to_stdout_and_notes_to_stderr() {
    let out = bin()
        .arg("migrate")
        .arg(corpus_v1().join("017.json"))
        .output()
        .expect("run feishu-card");
    assert_eq!(out.status.code(), Some(0));
    let card: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    assert_eq!(card["schema"], "2.0");
    let err = stderr(&out);
    assert!(
        err.contains("note: /elements/4: replaced the `action` module with a `column_set`"),
        "{err}"
    );
    assert!(err.contains("migrated "), "{err}");

    let quiet = bin()
        .args(["migrate", "--quiet"])
        .arg(corpus_v1().join("017.json"))
        .output()
        .expect("run feishu-card");
    assert!(!stderr(&quiet).contains("note: "));
}

#[test]
fn bad_input_is_exit_2() {
    let dir = scratch_dir();
    let not_json = dir.join("not-json.json");
    std::fs::write(&not_json, "{").expect("write");
    let list = dir.join("list.json");
    std::fs::write(&list, "[]").expect("write");
    for (path, says) in [
        (not_json, "is not JSON"),
        (list, "a card is a JSON object, found a list"),
        (dir.join("missing.json"), "cannot read"),
    ] {
        let out = bin().arg("migrate").arg(&path).output().expect("run");
        assert_eq!(out.status.code(), Some(2));
        assert!(stderr(&out).contains(says), "{}", stderr(&out));
    }
}

#[test]
fn a_card_still_invalid_after_migration_is_exit_1() {
    let dir = scratch_dir();
    // Two components with the same element_id: no migration can choose which to rename.
    let path = dir.join("dup.json");
    std::fs::write(
        &path,
        r#"{"elements": [{"tag": "hr", "element_id": "a"}, {"tag": "hr", "element_id": "a"}]}"#,
    )
    .expect("write");
    let out = bin().arg("migrate").arg(&path).output().expect("run");
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("still has 1 problem"),
        "{}",
        stderr(&out)
    );
    // The card is written anyway.
    let card: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(card["body"]["elements"][1]["element_id"], "a");
}
