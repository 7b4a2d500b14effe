//! Reading and writing whole cards.
//!
//! Reading goes bytes → [`Value`] → [`Card`]. The `Value` step tells JSON syntax errors apart
//! and lets a JSON 1.0 card be recognised by its shape before the typed model complains about
//! it. When the typed step fails, the validator's diagnostics are used (it reports every
//! problem at once); if it finds none, one diagnostic is made from serde's error, placed
//! exactly even inside components, whose `tag` makes serde read them in two steps.

use serde::de::DeserializeOwned;
use serde_json::Value;

use super::common::{Callback, FormAction, OpenUrl};
use super::common::{
    CustomIcon, FallbackText, LarkMd, MarkdownText, PlainText, StandardIcon, TextTag,
};
use super::containers::*;
use super::display::*;
use super::interactive::*;
use super::tagged::without_tag;
use super::Card;
use crate::diagnostic::{Location, Segment};
use crate::{Diagnostic, Diagnostics, Severity};

/// Where to read about moving a 1.0 card to 2.0.
const MIGRATION_GUIDE: &str =
    "https://open.feishu.cn/document/feishu-cards/card-json-v2-breaking-changes-release-notes";

/// Why a card could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ParseError {
    /// The input is not JSON at all.
    #[error("the card is not valid JSON: {0}")]
    Syntax(serde_json::Error),

    /// The input is a JSON 1.0 card, which this model does not read.
    #[error(
        "this is a JSON 1.0 card ({found}): Card JSON 2.0 declares `\"schema\": \"2.0\"` and \
         puts its components in `body.elements`; migrate it first (see {MIGRATION_GUIDE})"
    )]
    Version1 {
        /// What gave it away, such as ``top-level `elements` ``.
        found: &'static str,
    },

    /// The input is JSON but not a Card JSON 2.0 card: every problem found, with its place.
    #[error("the card does not follow Card JSON 2.0:\n{0}")]
    Invalid(Diagnostics),
}

impl ParseError {
    /// The problems as diagnostics, whatever the kind of error: `json.syntax` for a syntax
    /// error, `schema.version-1` for a 1.0 card.
    pub fn diagnostics(&self) -> Diagnostics {
        match self {
            ParseError::Syntax(err) => Diagnostics::from(vec![Location::root().diagnostic(
                "json.syntax",
                Severity::Error,
                format!("the card is not valid JSON: {err}"),
            )]),
            ParseError::Version1 { .. } => Diagnostics::from(vec![Location::root().diagnostic(
                "schema.version-1",
                Severity::Error,
                self.to_string(),
            )]),
            ParseError::Invalid(diagnostics) => diagnostics.clone(),
        }
    }

    /// For a syntax error, the line and column (1-based) where it was found.
    pub fn line_column(&self) -> Option<(usize, usize)> {
        match self {
            ParseError::Syntax(err) => Some((err.line(), err.column())),
            _ => None,
        }
    }
}

/// Room reserved for a card's JSON before writing: most cards fit, so the text is rarely moved.
const INITIAL_CAPACITY: usize = 1024;

impl Card {
    /// Reads a card from JSON text.
    ///
    /// ```
    /// use card_core::model::{Card, ParseError};
    ///
    /// let card = Card::from_json(r#"{"schema": "2.0", "body": {"elements": [{"tag": "hr"}]}}"#).unwrap();
    /// assert_eq!(card.body.unwrap().elements.unwrap()[0].tag(), "hr");
    ///
    /// let old = Card::from_json(r#"{"elements": [{"tag": "hr"}]}"#);
    /// assert!(matches!(old, Err(ParseError::Version1 { .. })));
    /// ```
    pub fn from_json(json: &str) -> Result<Card, ParseError> {
        Card::from_slice(json.as_bytes())
    }

    /// Reads a card from JSON bytes.
    ///
    /// ```
    /// use card_core::model::{Card, ParseError};
    ///
    /// let err = Card::from_slice(br#"{"schema": "2.0", "body": {"elements": [{"tag": "img"}]}}"#).unwrap_err();
    /// let ParseError::Invalid(problems) = err else { panic!("expected problems") };
    /// let first = problems.iter().next().unwrap();
    /// assert_eq!(first.rule, "structure.missing-property");
    /// assert_eq!(first.path, "ROOT -> body -> elements -> [0](tag: img)");
    /// assert_eq!(first.pointer, "/body/elements/0");
    ///
    /// // What this version does not know is kept; the validator judges it.
    /// let newer = Card::from_slice(br#"{"schema": "2.0", "body": {"elements": [{"tag": "video"}]}}"#).unwrap();
    /// assert_eq!(newer.to_json(), r#"{"schema":"2.0","body":{"elements":[{"tag":"video"}]}}"#);
    /// ```
    pub fn from_slice(bytes: &[u8]) -> Result<Card, ParseError> {
        let value: Value = serde_json::from_slice(bytes).map_err(ParseError::Syntax)?;
        Card::from_value(&value)
    }

    /// Reads a card from a JSON value.
    pub fn from_value(value: &Value) -> Result<Card, ParseError> {
        let Value::Object(map) = value else {
            return Err(ParseError::Invalid(Diagnostics::from(vec![Location::root()
                .diagnostic(
                    "structure.wrong-type",
                    Severity::Error,
                    "a card is a JSON object: `{\"schema\": \"2.0\", \"body\": {\"elements\": [...]}}`",
                )])));
        };
        if let Some(found) = version1_marker(map) {
            return Err(ParseError::Version1 { found });
        }
        if let Some(depth) = too_deep(value) {
            let from_validator = crate::validate::validate_value(value);
            return Err(ParseError::Invalid(if from_validator.has_errors() {
                from_validator
            } else {
                Diagnostics::from(vec![Location::root().diagnostic(
                    "limit.depth",
                    Severity::Error,
                    format!(
                        "components are nested {depth} deep: Feishu allows 5 levels of containers"
                    ),
                )])
            }));
        }
        typed(value).map_err(|problem| {
            let from_validator = crate::validate::validate_value(value);
            if from_validator.has_errors() {
                ParseError::Invalid(from_validator)
            } else {
                ParseError::Invalid(Diagnostics::from(vec![problem]))
            }
        })
    }

    /// The card as compact JSON, the body to send.
    ///
    /// The output is byte for byte what `serde_json::to_string(&card)` gives, written faster:
    /// text without characters to escape is copied whole instead of byte by byte.
    ///
    /// ```
    /// use card_core::model::*;
    ///
    /// let card = Card::new().element(Markdown::new("**你好**\n世界"));
    /// assert_eq!(card.to_json(), serde_json::to_string(&card).unwrap());
    /// ```
    pub fn to_json(&self) -> String {
        let mut out = String::with_capacity(INITIAL_CAPACITY);
        self.write_json(&mut out);
        out
    }

    /// The card as compact JSON bytes, the same as [`Card::to_json`].
    pub fn to_vec(&self) -> Vec<u8> {
        self.to_json().into_bytes()
    }

    /// Appends the card as compact JSON to `out`, the same text as [`Card::to_json`]; reusing
    /// one `String` for many cards saves its allocation.
    ///
    /// ```
    /// use card_core::model::*;
    ///
    /// let mut out = String::from("{\"card\":");
    /// Card::new().element(Markdown::new("hi")).write_json(&mut out);
    /// out.push('}');
    /// assert!(out.starts_with("{\"card\":{"));
    /// ```
    pub fn write_json(&self, out: &mut String) {
        let start = out.len();
        if super::json::WriteJson::write_json(self, out).is_err() {
            // A card holds only strings, numbers, booleans and maps with string keys, so this
            // does not happen; if a value inside ever made it, serde_json decides, as before.
            out.truncate(start);
            out.push_str(&serde_json::to_string(self).unwrap_or_default());
        }
    }

    /// The card as indented JSON.
    pub fn to_json_pretty(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// The card as a JSON value.
    pub fn to_value(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }
}

/// The typed read alone; on failure, one diagnostic made from serde's error.
pub(super) fn typed(value: &Value) -> Result<Card, Diagnostic> {
    serde_path_to_error::deserialize::<_, Card>(value).map_err(|err| explain(value, err))
}

/// Objects with a `tag` nested deeper than this are not read. Feishu allows 5 levels of
/// containers (about a dozen tagged objects on the deepest path); reading each level takes
/// stack, and a card nested as deep as JSON allows would exhaust a thread's stack in debug
/// builds.
const MAX_TAG_DEPTH: usize = 24;

/// How deep tagged objects nest, when deeper than [`MAX_TAG_DEPTH`]. Walks without recursion.
fn too_deep(root: &Value) -> Option<usize> {
    let mut pending = vec![(root, 0usize)];
    while let Some((node, depth)) = pending.pop() {
        match node {
            Value::Object(map) => {
                let depth = depth + usize::from(map.contains_key("tag"));
                if depth > MAX_TAG_DEPTH {
                    return Some(depth);
                }
                pending.extend(map.values().map(|v| (v, depth)));
            }
            Value::Array(items) => pending.extend(items.iter().map(|v| (v, depth))),
            _ => {}
        }
    }
    None
}

/// What marks an object as a JSON 1.0 card, if anything.
fn version1_marker(map: &serde_json::Map<String, Value>) -> Option<&'static str> {
    if map.contains_key("elements") {
        Some("top-level `elements`")
    } else if map.contains_key("i18n_elements") {
        Some("top-level `i18n_elements`")
    } else if map.contains_key("i18n_header")
        && map.get("schema").and_then(Value::as_str) != Some("2.0")
    {
        // A 2.0 card may still carry it: a tolerated leftover, read into `Card::i18n_header`.
        Some("top-level `i18n_header`")
    } else if !map.contains_key("schema")
        && !map.contains_key("body")
        && (map.contains_key("header") || map.contains_key("config"))
    {
        Some("no `schema` and no `body`")
    } else {
        None
    }
}

/// One step into a JSON value.
#[derive(Debug, Clone, PartialEq)]
enum Step {
    Key(String),
    Index(usize),
}

fn steps(path: &serde_path_to_error::Path) -> Vec<Step> {
    use serde_path_to_error::Segment as S;
    path.iter()
        .filter_map(|segment| match segment {
            S::Map { key } => Some(Step::Key(key.clone())),
            S::Seq { index } => Some(Step::Index(*index)),
            S::Enum { .. } | S::Unknown => None,
        })
        .collect()
}

fn lookup<'v>(root: &'v Value, path: &[Step]) -> Option<&'v Value> {
    path.iter().try_fold(root, |node, step| match (step, node) {
        (Step::Key(k), Value::Object(map)) => map.get(k),
        (Step::Index(i), Value::Array(items)) => items.get(*i),
        _ => None,
    })
}

/// Re-reads `value` as `T` alone, to learn where inside it the error is.
fn retry<T: DeserializeOwned>(value: Value) -> Option<(Vec<Step>, String)> {
    match serde_path_to_error::deserialize::<_, T>(value) {
        Ok(_) => None,
        Err(err) => {
            let steps = steps(err.path());
            Some((steps, err.into_inner().to_string()))
        }
    }
}

/// The error inside an object that serde read in two steps (tagged components, text objects,
/// icons, behaviours), relative to that object.
fn retry_inside(node: &Value, last: Option<&Step>) -> Option<(Vec<Step>, String)> {
    let map = node.as_object()?;
    if let Some(Value::String(tag)) = map.get("tag") {
        return retry_tagged(node, tag, matches!(last, Some(Step::Index(_))));
    }
    let mut rest = node.clone();
    let kind = rest.as_object_mut()?.remove("type");
    match kind.as_ref().and_then(Value::as_str) {
        Some(OpenUrl::TYPE) => retry::<OpenUrl>(rest),
        Some(Callback::TYPE) => retry::<Callback>(rest),
        Some(FormAction::TYPE) => retry::<FormAction>(rest),
        _ => None,
    }
}

/// Defines `retry_tagged`, from the list of tagged types (`model/element.rs`).
macro_rules! retry_tagged {
    ([] all: [$($set:ident $ty:ident = $tag:literal $(=> $record:ident)?,)*] $($views:tt)*) => {
        /// Re-reads `node`, whose tag is `tag`, as the type the tag names where it stands:
        /// an entry of a list (`in_list`) holds a component or an `item` sub-element; a
        /// property holds an `item` or `value` sub-element or an `inner` object.
        fn retry_tagged(node: &Value, tag: &str, in_list: bool) -> Option<(Vec<Step>, String)> {
            match (in_list, tag) {
                $((retry_position!($set), $tag) => retry_read!($set $ty node),)*
                _ => None,
            }
        }
    };
}

/// Whether an object of the set stands in a list (`true`), in a property (`false`), or both.
macro_rules! retry_position {
    (element) => {
        true
    };
    (root) => {
        true
    };
    (item) => {
        _
    };
    (value) => {
        false
    };
    (inner) => {
        false
    };
}

/// Re-reads `$node` as `$ty`: a component without its `tag` (its type has no `tag` field), any
/// other object as it is.
macro_rules! retry_read {
    (element $ty:ident $node:ident) => {
        retry::<$ty>(without_tag($node.clone()))
    };
    (root $ty:ident $node:ident) => {
        retry::<$ty>(without_tag($node.clone()))
    };
    ($set:ident $ty:ident $node:ident) => {
        retry::<$ty>($node.clone())
    };
}

super::element::tag_list!(retry_tagged);

/// One diagnostic from serde's error, placed as deep as it can be.
fn explain(root: &Value, err: serde_path_to_error::Error<serde_json::Error>) -> Diagnostic {
    let mut path = steps(err.path());
    let mut message = err.into_inner().to_string();
    // Each round goes strictly deeper, so this ends.
    while let Some(node) = lookup(root, &path) {
        match retry_inside(node, path.last()) {
            Some((inner, inner_message)) if !inner.is_empty() => {
                path.extend(inner);
                message = inner_message;
            }
            Some((_, inner_message)) => {
                message = inner_message;
                break;
            }
            None => break,
        }
    }

    let (rule, message) = reword(&mut path, message);
    let mut location = Location::root();
    let mut node = Some(root);
    for step in &path {
        match step {
            Step::Key(key) => {
                node = node.and_then(|n| n.get(key));
                location.push(Segment::Key(key));
            }
            Step::Index(i) => {
                node = node.and_then(|n| n.get(*i));
                let tag = node.and_then(|n| n.get("tag")).and_then(Value::as_str);
                location.push(Segment::Index(*i, tag));
            }
        }
    }
    location.diagnostic(rule, Severity::Error, message)
}

/// The rule broken, and the message in this crate's voice. The path of an unknown property
/// ends with its name, so that the pointer names it.
fn reword(path: &mut Vec<Step>, message: String) -> (&'static str, String) {
    if path.is_empty() && message.starts_with("missing field `schema`") {
        return (
            "schema.version",
            "the card has no `schema`: a Card JSON 2.0 card declares `\"schema\": \"2.0\"`".into(),
        );
    }
    if path == &[Step::Key("schema".into())] {
        return (
            "schema.version",
            format!("{message}: this model reads Card JSON 2.0 cards only"),
        );
    }
    if let Some(rest) = message.strip_prefix("unknown field `") {
        if let Some((name, tail)) = rest.split_once('`') {
            // serde_path_to_error already ends the path with the unknown key.
            if path.last() != Some(&Step::Key(name.to_owned())) {
                path.push(Step::Key(name.to_owned()));
            }
            let tail = tail.trim_start_matches(',').trim_start();
            let tail = if tail.is_empty() {
                String::new()
            } else {
                format!(": {tail}")
            };
            return (
                "structure.unknown-property",
                format!(
                    "unknown property `{name}` (Card JSON 2.0 rejects properties it does not know){tail}"
                ),
            );
        }
    }
    if let Some(rest) = message.strip_prefix("missing field ") {
        return (
            "structure.missing-property",
            format!("missing required property {rest}"),
        );
    }
    let rule = if message.starts_with("unknown component tag")
        || (message.starts_with("unknown ") && message.contains(" tag `"))
    {
        "structure.unknown-tag"
    } else if message.contains("is a JSON 1.0 module") {
        "legacy.removed-component"
    } else if message.contains("is not a component") {
        "structure.sub-element-as-component"
    } else if message.starts_with("`form` cannot be placed") {
        "nesting.form-not-at-root"
    } else if message.starts_with("`table` cannot be placed") {
        "nesting.table-not-at-root"
    } else {
        "structure.wrong-type"
    };
    (rule, message)
}
