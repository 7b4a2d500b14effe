//! The rule book: one compile-fail case per rule the `card!` macro checks, each named after
//! its rule id (`tests/ui/<category>/<rule>.rs` for `<category>.<rule>`), with the compiler's
//! output pinned in the `.stderr` beside it.
//!
//! Diagnostics change between compiler versions; the cases are pinned to the toolchain this
//! repository builds with. Run `TRYBUILD=overwrite cargo test --test compiletest` after a
//! deliberate change to a message.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*/*.rs");
}

/// Every rule the registry marks as checked at compile time has its case.
#[test]
fn every_compile_time_rule_has_a_case() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/ui");
    let missing: Vec<&str> = feishu_card::core::registry::RULES
        .iter()
        .filter(|r| r.compile_time)
        .map(|r| r.id)
        .filter(|id| {
            let (category, name) = id.split_once('.').unwrap_or(("", id));
            !dir.join(category).join(format!("{name}.rs")).exists()
        })
        .collect();
    assert!(missing.is_empty(), "rules without a ui case: {missing:?}");
}
