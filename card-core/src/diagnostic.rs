//! Problems found in a card, as data.
//!
//! Every problem carries the id of the rule it breaks, a severity, the place in the card written
//! the way Feishu writes it in its own error messages (`ROOT -> body -> elements -> [2](tag:
//! table)`), the same place as a JSON pointer (`/body/elements/2`), and a message that names the
//! rule and says what is allowed instead.

use std::fmt;

use serde::Serialize;
use serde_json::Value;

/// What a JSON value is, with its article, for messages: `"a string"`, `"a list"`, `"null"`.
///
/// ```
/// use card_core::diagnostic::json_kind;
/// use serde_json::json;
///
/// assert_eq!(json_kind(&json!([1])), "a list");
/// assert_eq!(format!("expected a string, found {}", json_kind(&json!(null))), "expected a string, found null");
/// ```
pub fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// How bad a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Feishu accepts the card, but the construct is a tolerated leftover or risky.
    Warning,
    /// Feishu rejects the card.
    Error,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Warning => "warning",
            Severity::Error => "error",
        })
    }
}

/// One problem in a card.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// Stable rule id, such as `nesting.table-not-at-root`.
    pub rule: &'static str,
    /// Whether Feishu rejects the card (`error`) or tolerates it (`warning`).
    pub severity: Severity,
    /// Where, in Feishu's notation: `ROOT -> body -> elements -> [2](tag: table)`.
    pub path: String,
    /// Where, as a JSON pointer (RFC 6901): `/body/elements/2`.
    pub pointer: String,
    /// What is wrong and what is allowed instead.
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}[{}]: {}\n  --> {}",
            self.severity, self.rule, self.message, self.path
        )
    }
}

/// All the problems found in one card, in document order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Diagnostics(Vec<Diagnostic>);

impl Diagnostics {
    /// No problems.
    pub fn new() -> Self {
        Diagnostics(Vec::new())
    }

    /// Adds a problem.
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.0.push(diagnostic);
    }

    /// Whether any problem makes Feishu reject the card.
    pub fn has_errors(&self) -> bool {
        self.0.iter().any(|d| d.severity == Severity::Error)
    }

    /// The problems that make Feishu reject the card.
    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter().filter(|d| d.severity == Severity::Error)
    }

    /// The tolerated problems.
    pub fn warnings(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter().filter(|d| d.severity == Severity::Warning)
    }

    /// Every problem, in document order.
    pub fn iter(&self) -> std::slice::Iter<'_, Diagnostic> {
        self.0.iter()
    }

    /// How many problems.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there is no problem at all.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Whether a problem with this rule id was found.
    pub fn contains_rule(&self, rule: &str) -> bool {
        self.0.iter().any(|d| d.rule == rule)
    }

    /// The problems as a vector.
    pub fn into_vec(self) -> Vec<Diagnostic> {
        self.0
    }
}

impl From<Vec<Diagnostic>> for Diagnostics {
    fn from(v: Vec<Diagnostic>) -> Self {
        Diagnostics(v)
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<'a> IntoIterator for &'a Diagnostics {
    type Item = &'a Diagnostic;
    type IntoIter = std::slice::Iter<'a, Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl FromIterator<Diagnostic> for Diagnostics {
    fn from_iter<T: IntoIterator<Item = Diagnostic>>(iter: T) -> Self {
        Diagnostics(iter.into_iter().collect())
    }
}

impl Extend<Diagnostic> for Diagnostics {
    fn extend<T: IntoIterator<Item = Diagnostic>>(&mut self, iter: T) {
        self.0.extend(iter)
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostics {}

/// One step of a [`Location`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Segment<'a> {
    /// An object key.
    Key(&'a str),
    /// An array index, with the `tag` of the element there when it has one.
    Index(usize, Option<&'a str>),
}

/// A place in a card, built up while walking it; turned into strings only when a problem is
/// reported, so walking a valid card allocates nothing for paths.
#[derive(Debug, Clone, Default)]
pub struct Location<'a> {
    segments: Vec<Segment<'a>>,
}

impl<'a> Location<'a> {
    /// The root of the card.
    pub fn root() -> Self {
        Location {
            segments: Vec::new(),
        }
    }

    /// Steps into `segment`.
    pub fn push(&mut self, segment: Segment<'a>) {
        self.segments.push(segment);
    }

    /// Steps back out.
    pub fn pop(&mut self) {
        self.segments.pop();
    }

    /// The steps from the root.
    pub fn segments(&self) -> &[Segment<'a>] {
        &self.segments
    }

    /// Feishu's notation: `ROOT -> body -> elements -> [2](tag: table)`.
    pub fn feishu_path(&self) -> String {
        let mut out = String::from("ROOT");
        for s in &self.segments {
            out.push_str(" -> ");
            match s {
                Segment::Key(k) => out.push_str(k),
                Segment::Index(i, Some(tag)) => {
                    out.push_str(&format!("[{i}](tag: {tag})"));
                }
                Segment::Index(i, None) => out.push_str(&format!("[{i}]")),
            }
        }
        out
    }

    /// A JSON pointer (RFC 6901): `/body/elements/2`.
    pub fn json_pointer(&self) -> String {
        let mut out = String::new();
        for s in &self.segments {
            out.push('/');
            match s {
                Segment::Key(k) => out.push_str(&k.replace('~', "~0").replace('/', "~1")),
                Segment::Index(i, _) => out.push_str(&i.to_string()),
            }
        }
        out
    }

    /// A diagnostic at this place.
    pub fn diagnostic(
        &self,
        rule: &'static str,
        severity: Severity,
        message: impl Into<String>,
    ) -> Diagnostic {
        Diagnostic {
            rule,
            severity,
            path: self.feishu_path(),
            pointer: self.json_pointer(),
            message: message.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_follow_feishu_and_rfc6901() {
        let mut loc = Location::root();
        loc.push(Segment::Key("body"));
        loc.push(Segment::Key("elements"));
        loc.push(Segment::Index(2, Some("table")));
        assert_eq!(
            loc.feishu_path(),
            "ROOT -> body -> elements -> [2](tag: table)"
        );
        assert_eq!(loc.json_pointer(), "/body/elements/2");
        loc.push(Segment::Key("a/b~c"));
        assert_eq!(loc.json_pointer(), "/body/elements/2/a~1b~0c");
        assert_eq!(Location::root().feishu_path(), "ROOT");
        assert_eq!(Location::root().json_pointer(), "");
    }

    #[test]
    fn errors_and_warnings_are_told_apart() {
        let loc = Location::root();
        let mut d = Diagnostics::new();
        assert!(!d.has_errors());
        d.push(loc.diagnostic("legacy.config-key", Severity::Warning, "w"));
        assert!(!d.has_errors());
        d.push(loc.diagnostic("element_id.duplicate", Severity::Error, "e"));
        assert!(d.has_errors());
        assert_eq!(d.errors().count(), 1);
        assert_eq!(d.warnings().count(), 1);
        assert!(d.contains_rule("legacy.config-key"));
    }
}
