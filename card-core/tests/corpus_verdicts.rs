//! The validator against the real cards of `corpus/`: every `valid` card has no error, every
//! `valid-with-warning` card has no error and a warning naming its leftover, every `invalid`
//! card has an error under the rule its `why` names (for each cause listed).

use std::fs;
use std::path::{Path, PathBuf};

use card_core::validate::validate_slice;
use card_core::{Diagnostics, Severity};

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus")
}

struct Row {
    file: String,
    expected: String,
    why: String,
}

fn rows() -> Vec<Row> {
    let path = corpus().join("cards.tsv");
    let text = fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "cannot read {}: {e} (is `shared/` next to the checkout?)",
            path.display()
        )
    });
    text.lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let mut cols = l.split('\t');
            let mut next = || cols.next().unwrap_or("").to_owned();
            Row {
                file: next(),
                expected: next(),
                why: next(),
            }
        })
        .collect()
}

/// The rule a `why` prefix of `cards.tsv` names.
fn rule_for(prefix: &str) -> Option<&'static str> {
    Some(match prefix {
        "config_key" => "legacy.config-key",
        "form_field_name" => "form.field-name-missing",
        "unknown_tag" => "structure.unknown-tag",
        "sub_element_as_component" => "structure.sub-element-as-component",
        "element_id_duplicate" => "element_id.duplicate",
        "element_id_pattern" | "element_id_length" | "element_id_too_long" => "element_id.pattern",
        "v1_component" => "legacy.removed-component",
        "table_not_at_root" | "table_nesting" => "nesting.table-not-at-root",
        "form_not_at_root" | "form_nesting" => "nesting.form-not-at-root",
        "multi_select_outside_form" | "multi_select_static_outside_form" => {
            "nesting.multi_select_static-outside-form"
        }
        "multi_select_person_outside_form" => "nesting.multi_select_person-outside-form",
        _ => return None,
    })
}

/// The first backticked word of a cause: the tag, key or id it is about.
fn subject(cause: &str) -> Option<&str> {
    let start = cause.find('`')? + 1;
    let len = cause[start..].find('`')?;
    Some(&cause[start..start + len])
}

/// The causes of a `why`: `prefix: text` items separated by `; ` (a text may itself hold
/// `; `, so a piece not starting with `word:` continues the previous cause).
fn causes(why: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for piece in why.split("; ") {
        let starts_cause = piece.split_once(':').is_some_and(|(p, _)| {
            !p.is_empty()
                && p.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        });
        match out.last_mut() {
            Some(last) if !starts_cause => {
                last.push_str("; ");
                last.push_str(piece);
            }
            _ => out.push(piece.to_owned()),
        }
    }
    out
}

fn check(row: &Row, d: &Diagnostics) -> Result<(), String> {
    let errors: Vec<String> = d.errors().map(|e| format!("{e}")).collect();
    match row.expected.as_str() {
        "valid" if errors.is_empty() => Ok(()),
        "valid" => Err(format!("errors on a valid card:\n{}", errors.join("\n"))),
        "valid-with-warning" | "invalid" => {
            let severity = if row.expected == "invalid" {
                Severity::Error
            } else {
                Severity::Warning
            };
            if severity == Severity::Warning && !errors.is_empty() {
                return Err(format!("errors on a valid card:\n{}", errors.join("\n")));
            }
            for cause in &causes(&row.why) {
                let (prefix, _) = cause.split_once(':').unwrap_or((cause, ""));
                let rule = rule_for(prefix.trim())
                    .ok_or_else(|| format!("no rule is mapped to the `why` prefix {prefix:?}"))?;
                let named = subject(cause);
                let found = d.iter().any(|x| {
                    x.rule == rule
                        && x.severity == severity
                        && named.is_none_or(|n| {
                            x.message.contains(&format!("`{n}"))
                                || x.message.contains(&format!("\"{n}\""))
                        })
                });
                if !found {
                    return Err(format!(
                        "no {severity} `{rule}` naming {named:?} for cause {cause:?}; got:\n{d}"
                    ));
                }
            }
            Ok(())
        }
        "n/a" if d.contains_rule("schema.version-1") => Ok(()),
        "n/a" => Err(format!("a 1.0 card not reported as such:\n{d}")),
        _ => Ok(()),
    }
}

#[test]
fn corpus_verdicts() {
    let mut counts = [0usize; 3];
    let mut totals = [0usize; 3];
    let mut failures = Vec::new();
    for row in rows() {
        let bytes =
            fs::read(corpus().join(&row.file)).unwrap_or_else(|e| panic!("{}: {e}", row.file));
        let d = validate_slice(&bytes).unwrap_or_else(|e| panic!("{}: not JSON: {e}", row.file));
        let slot = match row.expected.as_str() {
            "valid" => Some(0),
            "valid-with-warning" => Some(1),
            "invalid" => Some(2),
            _ => None,
        };
        if let Some(i) = slot {
            totals[i] += 1;
        }
        match check(&row, &d) {
            Ok(()) => {
                if let Some(i) = slot {
                    counts[i] += 1;
                }
            }
            Err(why) => failures.push(format!("{} ({}): {why}", row.file, row.expected)),
        }
    }
    println!(
        "valid without error: {}/{}; valid-with-warning warned: {}/{}; invalid caught under the named rule: {}/{}",
        counts[0], totals[0], counts[1], totals[1], counts[2], totals[2]
    );
    assert!(
        totals.iter().all(|t| *t > 0),
        "the corpus lost a category: {totals:?}"
    );
    assert!(
        failures.is_empty(),
        "{} card(s) off:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

/// The reference templates are whole cards the product must reproduce: they must be valid.
#[test]
fn seed_templates_are_valid() {
    let mut seen = 0;
    for entry in fs::read_dir(corpus().join("seed")).expect("corpus/seed") {
        let path = entry.expect("dir entry").path();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_owned();
        if !name.starts_with("template-") {
            continue;
        }
        seen += 1;
        let d = validate_slice(&fs::read(&path).expect("read")).expect("JSON");
        assert!(!d.has_errors(), "{name}:\n{d}");
    }
    assert!(seen > 0);
}
