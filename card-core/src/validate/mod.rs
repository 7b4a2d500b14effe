//! The runtime validator: checks a card against the registry.
//!
//! The card is parsed into a [`serde_json::Value`] and walked once, each object against its
//! registry table: unknown tags and properties, required properties, value kinds, nesting and
//! form rules, ids, names and limits. Every problem is reported, not just the first.
//!
//! ```
//! let card = br#"{
//!     "schema": "2.0",
//!     "body": { "elements": [
//!         { "tag": "column_set", "columns": [
//!             { "tag": "column", "elements": [ { "tag": "table", "columns": [] } ] }
//!         ] }
//!     ] }
//! }"#;
//! let diagnostics = card_core::validate::validate_slice(card).unwrap();
//! let d = diagnostics.errors().next().unwrap();
//! assert_eq!(d.rule, "nesting.table-not-at-root");
//! assert_eq!(d.pointer, "/body/elements/0/columns/0/elements/0");
//! assert_eq!(
//!     d.path,
//!     "ROOT -> body -> elements -> [0](tag: column_set) -> columns -> [0](tag: column) \
//!      -> elements -> [0](tag: table)"
//! );
//! ```

pub mod fix;
mod locate;
mod walk;

use serde_json::Value;

use crate::diagnostic::Location;
use crate::registry::{rule, LIMITS};
use crate::{Diagnostic, Diagnostics, Severity};

/// Checks a card given as JSON against every rule of the registry and returns all problems.
///
/// The card-size limit is judged on the card serialized compactly, as it is sent.
pub fn validate_value(card: &Value) -> Diagnostics {
    let mut diagnostics = walk::walk(card);
    size_limit(card, &mut diagnostics);
    diagnostics
}

/// Parses `bytes` as JSON and checks the card; the error is the JSON syntax error.
///
/// Cheaper than parsing and calling [`validate_value`]: the compact size of the card is only
/// computed when the input itself is larger than the limit.
///
/// ```
/// let d = card_core::validate::validate_slice(br#"{"schema": "2.0"}"#).unwrap();
/// assert!(d.is_empty());
/// assert!(card_core::validate::validate_slice(b"{").is_err());
/// ```
pub fn validate_slice(bytes: &[u8]) -> Result<Diagnostics, serde_json::Error> {
    let card: Value = serde_json::from_slice(bytes)?;
    let mut diagnostics = walk::walk(&card);
    // Whitespace and escapes only ever make the input longer than its compact form (numbers
    // such as `1e2` aside, which nobody writes in cards), so a short input is a small card.
    if bytes.len() > LIMITS.max_bytes {
        size_limit(&card, &mut diagnostics);
    }
    Ok(diagnostics)
}

/// The `json.syntax` diagnostic for input that is not JSON, with the line and column where
/// the parser gave up.
///
/// ```
/// let err = serde_json::from_slice::<serde_json::Value>(b"{\n  \"schema\": }").unwrap_err();
/// let d = card_core::validate::syntax_diagnostic(&err);
/// assert_eq!(d.rule, "json.syntax");
/// assert!(d.message.contains("line 2"));
/// ```
pub fn syntax_diagnostic(err: &serde_json::Error) -> Diagnostic {
    Location::root().diagnostic(
        rule::JSON_SYNTAX,
        Severity::Error,
        format!("the card is not valid JSON: {err}; fix the syntax (a card is one JSON object)"),
    )
}

/// Counts the bytes of the compact serialization without building it.
struct Counter(usize);

impl std::io::Write for Counter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0 += buf.len();
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn size_limit(card: &Value, diagnostics: &mut Diagnostics) {
    let mut counter = Counter(0);
    if serde_json::to_writer(&mut counter, card).is_err() {
        return;
    }
    if counter.0 > LIMITS.max_bytes {
        diagnostics.push(Location::root().diagnostic(
            rule::CARD_SIZE,
            Severity::Error,
            format!(
                "the card is {} bytes once serialized: Feishu accepts at most {} bytes (30 KB); move content into several cards or shorten texts",
                counter.0, LIMITS.max_bytes
            ),
        ));
    }
}
