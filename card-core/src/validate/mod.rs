//! The runtime validator: checks a card against the registry.
//!
//! The card is parsed into a [`serde_json::Value`] and walked once, each object against its
//! registry table: unknown tags and properties, required properties, value kinds, nesting and
//! form rules, ids, names and limits. Where the walk enters a component or a card-level object,
//! it also judges the object as a whole (how many columns, images or buttons it holds, repeated
//! option values, attributes that need each other). Every problem is reported, not just the
//! first.
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
//!
//! # What this version does not know
//!
//! Feishu adds components and properties every few months, and a validator only knows the
//! format as it was when it was released. [`Policy`] says what to make of a tag or a property
//! the registry does not know: [`Policy::Strict`] (the default, and what `card!` applies) reports
//! it as an error, as Feishu does for what *it* does not know; [`Policy::Lenient`] reports it as
//! a warning that names the risk, so a card using a newer component can still be sent, while
//! everything the registry knows is checked as strictly as ever. Pass the policy in
//! [`Options`]:
//!
//! ```
//! use card_core::validate::{validate_value, validate_value_with, Options};
//! use serde_json::json;
//!
//! let card = json!({"schema": "2.0", "body": {"elements": [
//!     {"tag": "markdown", "content": "hi", "fancy_new_flag": true}
//! ]}});
//! assert!(validate_value(&card).has_errors());
//!
//! let lenient = validate_value_with(&card, Options::lenient());
//! assert!(!lenient.has_errors());
//! let w = lenient.warnings().next().unwrap();
//! assert_eq!(w.rule, "structure.unknown-property");
//! assert!(w.message.contains("Feishu may reject it"));
//! ```

pub mod fix;
mod locate;
mod walk;

use serde_json::Value;

use crate::diagnostic::Location;
use crate::registry::{rule, LIMITS, REMOVED_CARD_KEYS};
use crate::{Diagnostic, Diagnostics, Severity};

/// What the validator makes of a tag or a property its registry does not know.
///
/// Feishu rejects a card with a property it does not know (ErrCode 200621), so for a property
/// that is a typo, an error before sending is the better answer; but a property (or component)
/// newer than this version of the registry is unknown here and known to Feishu. The policy
/// chooses between the two readings.
///
/// ```
/// use card_core::validate::Policy;
///
/// assert_eq!(Policy::default(), Policy::Strict);
/// assert!(Policy::Lenient.is_lenient());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Policy {
    /// An unknown tag or property is an error (`structure.unknown-tag`,
    /// `structure.unknown-property`): the card is refused before anything is sent. The default,
    /// and what the `card!` macro applies, where a typo is the common case.
    #[default]
    Strict,
    /// An unknown tag or property is a warning that says Feishu may reject it; everything the
    /// registry knows is still checked, and the rule ids stay the same. What an unknown
    /// component holds cannot be checked (its properties are not known), and it does not count
    /// towards the card-wide limits. The 1.0 top-level keys that 2.0 is known to reject
    /// (`elements`, `i18n_elements`) stay errors.
    Lenient,
}

impl Policy {
    /// Whether this is [`Policy::Lenient`].
    pub fn is_lenient(self) -> bool {
        self == Policy::Lenient
    }
}

/// How to validate: the [`Policy`] for what the registry does not know.
///
/// ```
/// use card_core::validate::{Options, Policy};
///
/// let options = Options::new().policy(Policy::Lenient);
/// assert_eq!(options, Options::lenient());
/// assert_eq!(Options::default().policy, Policy::Strict);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub struct Options {
    /// What an unknown tag or property is.
    pub policy: Policy,
}

impl Options {
    /// The defaults: [`Policy::Strict`].
    pub fn new() -> Self {
        Options::default()
    }

    /// [`Policy::Strict`]: unknown tags and properties are errors.
    pub fn strict() -> Self {
        Options::new().policy(Policy::Strict)
    }

    /// [`Policy::Lenient`]: unknown tags and properties are warnings.
    pub fn lenient() -> Self {
        Options::new().policy(Policy::Lenient)
    }

    /// Sets the policy for unknown tags and properties.
    #[must_use]
    pub fn policy(mut self, policy: Policy) -> Self {
        self.policy = policy;
        self
    }
}

impl From<Policy> for Options {
    fn from(policy: Policy) -> Self {
        Options::new().policy(policy)
    }
}

/// Checks a card given as JSON against every rule of the registry and returns all problems,
/// under [`Policy::Strict`].
///
/// The card-size limit is judged on the card serialized compactly, as it is sent.
pub fn validate_value(card: &Value) -> Diagnostics {
    validate_value_with(card, Options::strict())
}

/// [`validate_value`] with `options`, such as [`Options::lenient`].
///
/// ```
/// use card_core::validate::{validate_value_with, Options, Policy};
/// use serde_json::json;
///
/// let card = json!({"schema": "2.0", "body": {"elements": [{"tag": "hologram"}]}});
/// let strict = validate_value_with(&card, Policy::Strict.into());
/// assert_eq!(strict.errors().next().unwrap().rule, "structure.unknown-tag");
/// let lenient = validate_value_with(&card, Options::lenient());
/// assert!(!lenient.has_errors());
/// assert!(lenient.warnings().next().unwrap().message.contains("`hologram`"));
/// ```
pub fn validate_value_with(card: &Value, options: Options) -> Diagnostics {
    let mut diagnostics = walk::walk(card);
    size_limit(card, &mut diagnostics);
    apply(options, card, diagnostics)
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
    validate_slice_with(bytes, Options::strict())
}

/// [`validate_slice`] with `options`, such as [`Options::lenient`].
///
/// ```
/// use card_core::validate::{validate_slice_with, Options};
///
/// let card = br#"{"schema": "2.0", "config": {"new_switch": true}}"#;
/// let d = validate_slice_with(card, Options::lenient()).unwrap();
/// assert_eq!(d.warnings().count(), 1);
/// assert!(!d.has_errors());
/// ```
pub fn validate_slice_with(
    bytes: &[u8],
    options: Options,
) -> Result<Diagnostics, serde_json::Error> {
    let card: Value = serde_json::from_slice(bytes)?;
    let mut diagnostics = walk::walk(&card);
    // Whitespace and escapes only ever make the input longer than its compact form (numbers
    // such as `1e2` aside, which nobody writes in cards), so a short input is a small card.
    if bytes.len() > LIMITS.max_bytes {
        size_limit(&card, &mut diagnostics);
    }
    Ok(apply(options, &card, diagnostics))
}

/// Applies the policy to what the walk found.
fn apply(options: Options, card: &Value, diagnostics: Diagnostics) -> Diagnostics {
    match options.policy {
        Policy::Strict => diagnostics,
        Policy::Lenient => diagnostics
            .into_iter()
            .map(|d| match d.rule {
                rule::UNKNOWN_TAG | rule::UNKNOWN_PROPERTY if !known_rejected(&d) => Diagnostic {
                    severity: Severity::Warning,
                    message: fix::unknown_to_this_version(card, &d),
                    ..d
                },
                _ => d,
            })
            .collect(),
    }
}

/// A top-level JSON 1.0 key: unknown to the registry, and known to be rejected by 2.0.
fn known_rejected(d: &Diagnostic) -> bool {
    d.pointer
        .strip_prefix('/')
        .is_some_and(|key| REMOVED_CARD_KEYS.iter().any(|(k, _)| *k == key))
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn card_with_unknowns() -> Value {
        json!({"schema": "2.0", "body": {"elements": [
            {"tag": "button", "text": {"tag": "plain_text", "content": "Go"},
             "type": "primary", "glow": true},
            {"tag": "hologram", "element_id": "holo", "depth": 3},
            {"tag": "img", "alt": {"tag": "plain_text", "content": "no key"}}
        ]}})
    }

    #[test]
    fn strict_is_the_default_and_unchanged() {
        let card = card_with_unknowns();
        assert_eq!(
            validate_value(&card),
            validate_value_with(&card, Options::new())
        );
        let d = validate_value(&card);
        for id in [rule::UNKNOWN_PROPERTY, rule::UNKNOWN_TAG] {
            assert!(d.errors().any(|d| d.rule == id), "{d}");
        }
    }

    #[test]
    fn lenient_warns_about_the_unknown_and_still_checks_the_known() {
        let card = card_with_unknowns();
        let d = validate_value_with(&card, Options::lenient());
        let property = d
            .iter()
            .find(|d| d.rule == rule::UNKNOWN_PROPERTY)
            .expect("the unknown property is reported");
        assert_eq!(property.severity, Severity::Warning);
        assert_eq!(property.pointer, "/body/elements/0/glow");
        assert!(
            property
                .message
                .contains("`glow` is not a property of `button` this version")
                && property.message.contains("Feishu may reject it"),
            "{property}"
        );
        let tag = d
            .iter()
            .find(|d| d.rule == rule::UNKNOWN_TAG)
            .expect("the unknown tag is reported");
        assert_eq!(tag.severity, Severity::Warning);
        assert_eq!(tag.pointer, "/body/elements/1");
        assert!(
            tag.message
                .contains("`hologram` is not a component this version"),
            "{tag}"
        );
        // What is known and wrong is an error as before.
        assert!(
            d.errors()
                .any(|e| e.rule == rule::MISSING_PROPERTY && e.pointer == "/body/elements/2"),
            "{d}"
        );
        let strict = validate_value(&card);
        assert_eq!(d.len(), strict.len());
        let slice = serde_json::to_vec(&card).unwrap();
        assert_eq!(validate_slice_with(&slice, Options::lenient()).unwrap(), d);
    }

    #[test]
    fn lenient_keeps_the_closest_known_name() {
        let card = json!({"schema": "2.0", "body": {"elements": [
            {"tag": "markdwn", "content": "x"},
            {"tag": "markdown", "content": "x", "text_algin": "left"}
        ]}});
        let d = validate_value_with(&card, Options::lenient());
        assert!(!d.has_errors(), "{d}");
        let messages: Vec<&str> = d.iter().map(|d| d.message.as_str()).collect();
        assert!(
            messages
                .iter()
                .any(|m| m.contains("did you mean `markdown`?")),
            "{messages:?}"
        );
        assert!(
            messages
                .iter()
                .any(|m| m.contains("did you mean `text_align`?")),
            "{messages:?}"
        );
    }

    #[test]
    fn keys_that_2_0_is_known_to_reject_stay_errors() {
        let card = json!({"schema": "2.0", "elements": [], "config": {"brand_new": 1}});
        let d = validate_value_with(&card, Options::lenient());
        let by_pointer = |p: &str| d.iter().find(|d| d.pointer == p).map(|d| d.severity);
        assert_eq!(by_pointer("/elements"), Some(Severity::Error), "{d}");
        assert_eq!(
            by_pointer("/config/brand_new"),
            Some(Severity::Warning),
            "{d}"
        );
    }
}
