//! Rule logic on plain values, shared by the runtime validator and the `card!` macro.

use std::fmt::{self, Write as _};

use super::rule::*;
use super::values::{
    self, for_each_length, matches_format, parse_percent, parse_px, parse_px_pair,
};
use super::{Attr, Component, Container, FormOnly, Kind, Status};
use crate::Severity;

/// A literal value: what the macro sees in a token, or a JSON scalar.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Scalar<'a> {
    /// A string.
    Str(&'a str),
    /// A boolean.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A number with a fraction (or beyond the range of `i64`).
    Float(f64),
}

impl<'a> Scalar<'a> {
    /// A JSON scalar; `None` for null, a list or an object.
    ///
    /// ```
    /// use card_core::registry::Scalar;
    /// use serde_json::json;
    ///
    /// assert_eq!(Scalar::from_value(&json!("left")), Some(Scalar::Str("left")));
    /// assert_eq!(Scalar::from_value(&json!(-1)), Some(Scalar::Int(-1)));
    /// assert_eq!(Scalar::from_value(&json!([1])), None);
    /// ```
    pub fn from_value(v: &'a serde_json::Value) -> Option<Scalar<'a>> {
        use serde_json::Value;
        match v {
            Value::String(s) => Some(Scalar::Str(s)),
            Value::Bool(b) => Some(Scalar::Bool(*b)),
            Value::Number(n) => Some(match n.as_i64() {
                Some(i) => Scalar::Int(i),
                None => Scalar::Float(n.as_f64().unwrap_or(f64::NAN)),
            }),
            Value::Null | Value::Array(_) | Value::Object(_) => None,
        }
    }
}

impl fmt::Display for Scalar<'_> {
    /// The value as the user wrote it in JSON, long strings shortened.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Scalar::Str(s) => {
                let mut chars = s.chars();
                let head: String = chars.by_ref().take(40).collect();
                let more = if chars.next().is_some() { "…" } else { "" };
                write!(f, "\"{}{more}\"", head.escape_debug())
            }
            Scalar::Bool(b) => write!(f, "{b}"),
            Scalar::Int(i) => write!(f, "{i}"),
            Scalar::Float(x) => write!(f, "{x}"),
        }
    }
}

/// A broken rule, without a location: the caller knows where it is (a JSON path, a token).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// The rule id, one of [`RULES`](super::RULES).
    pub rule: &'static str,
    /// Error (Feishu rejects the card) or warning (tolerated, or risky).
    pub severity: Severity,
    /// What is wrong and what is allowed instead, in the registry's voice.
    pub message: String,
}

impl Violation {
    /// A violation of `rule` at the rule's own severity.
    pub fn new(rule: &'static str, message: impl Into<String>) -> Violation {
        Violation {
            rule,
            severity: super::severity_of(rule),
            message: message.into(),
        }
    }

    /// The same violation as a warning.
    pub fn warning(mut self) -> Violation {
        self.severity = Severity::Warning;
        self
    }

    /// Whether the violation makes Feishu reject the card.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}[{}]: {}", self.severity, self.rule, self.message)
    }
}

/// The custom style names a card defines in `config.style`, which colour and text-size values
/// may use besides the built-in names.
pub trait CustomStyles {
    /// Whether `config.style.color` defines `name`.
    fn has_color(&self, name: &str) -> bool;
    /// Whether `config.style.text_size` defines `name`.
    fn has_text_size(&self, name: &str) -> bool;
}

/// A card without custom styles.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoCustomStyles;

impl CustomStyles for NoCustomStyles {
    fn has_color(&self, _: &str) -> bool {
        false
    }
    fn has_text_size(&self, _: &str) -> bool {
        false
    }
}

/// Checks a literal value against a kind, outside any card (no custom style names).
///
/// Gives `value.enum` (listing the allowed values), `value.range`, `value.format`,
/// `value.text-length` or `structure.wrong-type`; a tolerated 1.0 value gives a
/// `legacy.property` warning. The message names the value, not the attribute: use
/// [`Attr::check`] for a message that names both.
///
/// ```
/// use card_core::registry::{check_scalar, Kind, Scalar};
///
/// let kind = Kind::Enum(&["submit", "reset"]);
/// assert!(check_scalar(&kind, Scalar::Str("submit")).is_ok());
/// let v = check_scalar(&kind, Scalar::Str("send")).unwrap_err();
/// assert_eq!(v.rule, "value.enum");
/// assert!(v.message.contains("`submit`"));
/// let v = check_scalar(&kind, Scalar::Bool(true)).unwrap_err();
/// assert_eq!(v.rule, "structure.wrong-type");
/// ```
pub fn check_scalar(kind: &Kind, value: Scalar<'_>) -> Result<(), Violation> {
    check_scalar_with(kind, value, &NoCustomStyles)
}

/// [`check_scalar`] in a card that defines custom colours or text sizes.
pub fn check_scalar_with(
    kind: &Kind,
    value: Scalar<'_>,
    styles: &dyn CustomStyles,
) -> Result<(), Violation> {
    match problem(kind, value, styles) {
        None => Ok(()),
        Some(p) => Err(p.violation(None, value, kind)),
    }
}

impl Attr {
    /// Checks a literal value of this attribute of `owner` (a tag, or `config`, `header`…),
    /// outside any card (no custom style names). Lenient attributes report warnings.
    ///
    /// ```
    /// use card_core::registry::{self, Scalar};
    /// use card_core::Severity;
    ///
    /// let page_size = registry::component("table").unwrap().attr("page_size").unwrap();
    /// let v = page_size.check("table", Scalar::Int(20)).unwrap_err();
    /// assert_eq!(v.rule, "value.range");
    /// assert_eq!(v.severity, Severity::Error);
    /// assert_eq!(
    ///     v.message,
    ///     "`page_size: 20` on `table` is out of range: allowed an integer from 1 to 10"
    /// );
    /// ```
    pub fn check(&self, owner: &str, value: Scalar<'_>) -> Result<(), Violation> {
        self.check_with(owner, value, &NoCustomStyles)
    }

    /// [`Attr::check`] in a card that defines custom colours or text sizes.
    pub fn check_with(
        &self,
        owner: &str,
        value: Scalar<'_>,
        styles: &dyn CustomStyles,
    ) -> Result<(), Violation> {
        match problem(&self.kind, value, styles) {
            None => Ok(()),
            Some(mut p) => {
                if self.lenient && is_value_rule(p.rule) {
                    p.lenient = true;
                }
                Err(p.violation(Some((self.name, owner)), value, &self.kind))
            }
        }
    }

    /// The `legacy.*` warning for using this attribute at all, when it is a tolerated 1.0
    /// leftover.
    pub fn legacy_violation(&self, owner: &str) -> Option<Violation> {
        match self.status {
            Status::Legacy(rule) => {
                let instead = if self.note.is_empty() {
                    String::new()
                } else {
                    format!(": {}", self.note)
                };
                Some(Violation::new(
                    rule,
                    format!(
                        "`{}` on `{owner}` is a JSON 1.0 leftover that 2.0 only tolerates{instead}",
                        self.name
                    ),
                ))
            }
            _ => None,
        }
    }
}

/// Why a value does not fit its kind.
#[derive(Debug, Clone, Copy)]
struct Problem {
    rule: &'static str,
    /// Reported as a warning whatever the rule's severity.
    lenient: bool,
}

impl Problem {
    fn of(rule: &'static str) -> Option<Problem> {
        Some(Problem {
            rule,
            lenient: false,
        })
    }

    fn soft(rule: &'static str) -> Option<Problem> {
        Some(Problem {
            rule,
            lenient: true,
        })
    }

    fn violation(self, subject: Option<(&str, &str)>, value: Scalar<'_>, kind: &Kind) -> Violation {
        let what = match self.rule {
            VALUE_RANGE => "is out of range",
            VALUE_FORMAT => "is not in the expected format",
            VALUE_TEXT_LENGTH => "is too long",
            WRONG_TYPE => "has the wrong type",
            LEGACY_PROPERTY => "is a JSON 1.0 value that 2.0 only tolerates",
            _ => "is not an allowed value",
        };
        let mut message = String::new();
        match subject {
            Some((attr, owner)) => {
                let _ = write!(message, "`{attr}: {value}` on `{owner}` {what}");
            }
            None => {
                let _ = write!(message, "`{value}` {what}");
            }
        }
        let _ = write!(message, ": allowed {}", kind.describe());
        let mut v = Violation::new(self.rule, message);
        if self.lenient {
            v.severity = Severity::Warning;
        }
        v
    }
}

fn type_mismatch() -> Option<Problem> {
    Problem::of(WRONG_TYPE)
}

fn number(value: Scalar<'_>) -> Option<f64> {
    match value {
        Scalar::Int(i) => Some(i as f64),
        Scalar::Float(x) => Some(x),
        _ => None,
    }
}

fn in_range(v: f64, min: i64, max: i64) -> bool {
    v >= min as f64 && (max == i64::MAX || v <= max as f64)
}

/// Checks one value against one kind; `None` when it fits.
fn problem(kind: &Kind, value: Scalar<'_>, styles: &dyn CustomStyles) -> Option<Problem> {
    match *kind {
        Kind::Bool => match value {
            Scalar::Bool(_) => None,
            _ => type_mismatch(),
        },
        Kind::Str | Kind::Json => match (kind, value) {
            (Kind::Json, _) | (_, Scalar::Str(_)) => None,
            _ => type_mismatch(),
        },
        Kind::StrMax(max) => match value {
            Scalar::Str(s) if s.chars().count() <= max => None,
            Scalar::Str(_) => Problem::of(VALUE_TEXT_LENGTH),
            _ => type_mismatch(),
        },
        Kind::ElementId => match value {
            Scalar::Str(s) if values::is_element_id(s) => None,
            Scalar::Str(_) => Problem::of(ELEMENT_ID_PATTERN),
            _ => type_mismatch(),
        },
        Kind::Int { min, max } => match value {
            Scalar::Int(i) if i >= min && i <= max => None,
            Scalar::Float(x) if x.fract() == 0.0 && in_range(x, min, max) => None,
            Scalar::Int(_) => Problem::of(VALUE_RANGE),
            Scalar::Float(x) if x.fract() == 0.0 => Problem::of(VALUE_RANGE),
            Scalar::Float(_) => Problem::of(VALUE_FORMAT),
            _ => type_mismatch(),
        },
        Kind::Number { min, max } => match number(value) {
            Some(x) if x >= min && x <= max => None,
            Some(_) => Problem::of(VALUE_RANGE),
            None => type_mismatch(),
        },
        Kind::Enum(allowed) => match value {
            Scalar::Str(s) if allowed.contains(&s) => None,
            Scalar::Str(_) => Problem::of(VALUE_ENUM),
            _ => type_mismatch(),
        },
        Kind::Tolerated(allowed) => match value {
            Scalar::Str(s) if allowed.contains(&s) => Problem::soft(LEGACY_PROPERTY),
            Scalar::Str(_) => Problem::of(VALUE_ENUM),
            _ => type_mismatch(),
        },
        Kind::Pixels { min, max } => match value {
            Scalar::Str(s) => match parse_px(s) {
                Some(v) if in_range(v, min, max) => None,
                Some(_) => Problem::of(VALUE_RANGE),
                None => Problem::of(VALUE_FORMAT),
            },
            _ => type_mismatch(),
        },
        Kind::Percent { min, max } => match value {
            Scalar::Str(s) => match parse_percent(s) {
                Some(v) if in_range(v, min, max) => None,
                Some(_) => Problem::of(VALUE_RANGE),
                None => Problem::of(VALUE_FORMAT),
            },
            _ => type_mismatch(),
        },
        Kind::PixelPair { min, max } => match value {
            Scalar::Str(s) => match parse_px_pair(s) {
                Some((w, h)) if in_range(w, min, max) && in_range(h, min, max) => None,
                Some(_) => Problem::of(VALUE_RANGE),
                None => Problem::of(VALUE_FORMAT),
            },
            _ => type_mismatch(),
        },
        Kind::Lengths { min, max } => match value {
            Scalar::Str(s) => {
                let mut fits = true;
                if !for_each_length(s, |v| fits &= in_range(v, min, max)) {
                    Problem::of(VALUE_FORMAT)
                } else if fits {
                    None
                } else {
                    Problem::of(VALUE_RANGE)
                }
            }
            _ => type_mismatch(),
        },
        Kind::Format(format) => match value {
            Scalar::Str(s) if matches_format(format, s) => None,
            Scalar::Str(_) => Problem::of(VALUE_FORMAT),
            _ => type_mismatch(),
        },
        Kind::Color => match value {
            Scalar::Str(s) if values::is_builtin_color(s) || styles.has_color(s) => None,
            Scalar::Str(_) => Problem::soft(VALUE_ENUM),
            _ => type_mismatch(),
        },
        Kind::TextSize => match value {
            Scalar::Str(s) if values::is_builtin_text_size(s) || styles.has_text_size(s) => None,
            Scalar::Str(_) => Problem::soft(VALUE_ENUM),
            _ => type_mismatch(),
        },
        Kind::AnyOf(kinds) => {
            // The most telling problem wins: a length out of range says more than "not one of
            // the keywords", which says more than a wrong type.
            let mut best: Option<Problem> = None;
            for k in kinds {
                let p = problem(k, value, styles)?;
                let rank = |p: &Problem| match p.rule {
                    LEGACY_PROPERTY => 5,
                    VALUE_RANGE => 4,
                    VALUE_ENUM => 3,
                    VALUE_FORMAT => 2,
                    WRONG_TYPE => 0,
                    _ => 1,
                };
                if best.is_none_or(|b| rank(&p) > rank(&b)) {
                    best = Some(p);
                }
            }
            best.or_else(type_mismatch)
        }
        Kind::Text { .. }
        | Kind::Tagged(_)
        | Kind::Object(_)
        | Kind::Union { .. }
        | Kind::List(_)
        | Kind::Elements
        | Kind::Locales(_)
        | Kind::Map(_) => type_mismatch(),
    }
}

impl Kind {
    /// What the kind accepts, in the words of messages.
    ///
    /// ```
    /// use card_core::registry::Kind;
    /// assert_eq!(Kind::Int { min: 1, max: 10 }.describe(), "an integer from 1 to 10");
    /// assert_eq!(Kind::Enum(&["left", "center", "right"]).describe(), "`left`, `center` or `right`");
    /// ```
    pub fn describe(&self) -> String {
        let mut out = String::new();
        describe_into(self, &mut out);
        out
    }
}

fn px_range(min: i64, max: i64, unit: &str) -> String {
    if max == i64::MAX {
        format!("at least {min}{unit}")
    } else {
        format!("from {min}{unit} to {max}{unit}")
    }
}

fn list_words<'w>(words: impl ExactSizeIterator<Item = &'w str>, out: &mut String) {
    let last = words.len().saturating_sub(1);
    for (i, w) in words.enumerate() {
        if i > 0 {
            out.push_str(if i == last { " or " } else { ", " });
        }
        let _ = write!(out, "`{w}`");
    }
}

fn describe_into(kind: &Kind, out: &mut String) {
    match kind {
        Kind::Bool => out.push_str("`true` or `false`"),
        Kind::Str => out.push_str("a string"),
        Kind::StrMax(n) => {
            let _ = write!(out, "a string of at most {n} characters");
        }
        Kind::ElementId => out.push_str(
            "a letter followed by at most 19 letters, digits or `_` (`^[A-Za-z][A-Za-z0-9_]{0,19}$`)",
        ),
        Kind::Int { min, max } => {
            if *max == i64::MAX {
                let _ = write!(out, "an integer of at least {min}");
            } else {
                let _ = write!(out, "an integer from {min} to {max}");
            }
        }
        Kind::Number { min, max } => {
            if *max == f64::MAX {
                let _ = write!(out, "a number of at least {min}");
            } else {
                let _ = write!(out, "a number from {min} to {max}");
            }
        }
        Kind::Enum(words) | Kind::Tolerated(words) => list_words(words.iter().copied(), out),
        Kind::Pixels { min, max } => {
            let _ = write!(out, "a length {}", px_range(*min, *max, "px"));
        }
        Kind::Percent { min, max } => {
            let _ = write!(out, "a percentage {}", px_range(*min, *max, "%"));
        }
        Kind::PixelPair { min, max } => {
            let _ = write!(
                out,
                "a width and a height such as `16px 16px`, each {}",
                px_range(*min, *max, "px")
            );
        }
        Kind::Lengths { min, max } => {
            let _ = write!(
                out,
                "1, 2 or 4 lengths such as `8px` or `4px 12px`, each {}",
                px_range(*min, *max, "px")
            );
        }
        Kind::Format(f) => out.push_str(match f {
            super::Format::Date => "a date such as `2024-01-31` (yyyy-MM-dd)",
            super::Format::Time => "a time such as `09:30` (HH:mm)",
            super::Format::DateTime => "a date and time such as `2024-01-31 09:30` (yyyy-MM-dd HH:mm)",
            super::Format::Ratio => "a ratio such as `16:9`",
            super::Format::Rgba => "a colour such as `rgba(20,86,240,1)` (channels 0 to 255, alpha 0 to 1)",
        }),
        Kind::Color => out.push_str(values::COLORS_DOC),
        Kind::TextSize => out.push_str(
            "a text size such as `normal`, `heading`, `notation` or `x-large` (§2.4), or a name defined in `config.style.text_size`",
        ),
        Kind::AnyOf(kinds) => {
            // The 1.0 values are tolerated, not recommended: leave them out.
            let shown: Vec<&Kind> = kinds
                .iter()
                .filter(|k| !matches!(k, Kind::Tolerated(_)))
                .collect();
            for (i, k) in shown.iter().enumerate() {
                if i > 0 {
                    out.push_str(if i + 1 == shown.len() { ", or " } else { ", " });
                }
                describe_into(k, out);
            }
        }
        Kind::Text { forms, .. } => {
            let _ = write!(
                out,
                "a text object such as `{{\"tag\": \"{}\", \"content\": \"…\"}}`",
                forms.first().map_or("plain_text", |c| c.tag)
            );
        }
        Kind::Tagged(forms) => {
            out.push_str("an object with `tag` ");
            let tags: Vec<&str> = forms.iter().map(|c| c.tag).collect();
            list_words(tags.iter().copied(), out);
        }
        Kind::Object(_) | Kind::Map(_) => out.push_str("an object"),
        Kind::Union { key, shapes } => {
            let _ = write!(out, "an object whose `{key}` is ");
            let values: Vec<&str> = shapes.iter().map(|s| s.value).collect();
            list_words(values.iter().copied(), out);
        }
        Kind::List(_) => out.push_str("a list"),
        Kind::Elements => out.push_str("a list of components"),
        Kind::Locales(_) => out.push_str("an object from locale codes such as `zh_cn` and `en_us` to values"),
        Kind::Json => out.push_str("any JSON value"),
    }
}

/// Whether `component` may stand where it is: `enclosing` lists the containers around it,
/// outermost first (`[Body, Column, Form]`; an empty list means "at the body root").
/// `multi_select` says whether the component's `multi_select` attribute is `true` (it matters
/// for `select_img` only).
///
/// Checks the root-only rule (`table`, `form`) and the form-only rules (`multi_select_static`,
/// `multi_select_person`, multi-choice `select_img`); "inside a form" means any ancestor.
///
/// ```
/// use card_core::registry::{self, Container::*};
///
/// let multi = registry::component("multi_select_static").unwrap();
/// assert!(registry::placement_violation(multi, &[Body, Form, Column], false).is_none());
/// let v = registry::placement_violation(multi, &[Body, Column], false).unwrap();
/// assert_eq!(v.rule, "nesting.multi_select_static-outside-form");
/// ```
pub fn placement_violation(
    component: &Component,
    enclosing: &[Container],
    multi_select: bool,
) -> Option<Violation> {
    let tag = component.tag;
    if let Some(rule) = component.placement.root_only {
        if let Some(parent) = enclosing.iter().rev().find(|c| **c != Container::Body) {
            return Some(Violation::new(
                rule,
                format!(
                    "`{tag}` cannot be placed inside `{}`: a {tag} may only sit at the root of the card body",
                    parent.name()
                ),
            ));
        }
    }
    let in_form = enclosing.contains(&Container::Form);
    match component.placement.form_only {
        FormOnly::Always(rule) if !in_form => Some(Violation::new(
            rule,
            format!(
                "`{tag}` must be inside a `form`: place it among the elements of a form, which submits its value"
            ),
        )),
        FormOnly::WhenTrue(attr, rule) if multi_select && !in_form => Some(Violation::new(
            rule,
            format!(
                "`{tag}` with `{attr}: true` must be inside a `form`: place it in a form, or drop `{attr}` for a single choice"
            ),
        )),
        _ => None,
    }
}

/// `config.update_multi` must not be `false`: 2.0 cards are always shared (ErrCode 300302).
///
/// ```
/// use card_core::registry::update_multi_violation;
/// assert!(update_multi_violation(false).is_some());
/// assert!(update_multi_violation(true).is_none());
/// ```
pub fn update_multi_violation(update_multi: bool) -> Option<Violation> {
    (!update_multi).then(|| {
        Violation::new(
            UPDATE_MULTI,
            "`update_multi: false` is not supported by 2.0 cards, which are always shared: drop it or set it to `true`",
        )
    })
}

/// A `card_link` needs a `url`, or all of `pc_url`, `ios_url` and `android_url`; `set` says
/// whether a key holds a non-empty link.
///
/// ```
/// use card_core::registry::card_link_violation;
/// assert!(card_link_violation(|k| k == "pc_url").is_some());
/// assert!(card_link_violation(|k| k == "url").is_none());
/// ```
pub fn card_link_violation(set: impl Fn(&str) -> bool) -> Option<Violation> {
    let linked = set("url") || (set("pc_url") && set("ios_url") && set("android_url"));
    (!linked).then(|| {
        Violation::new(
            CARD_LINK_INCOMPLETE,
            "`card_link` has no `url`: give a `url`, or all of `pc_url`, `ios_url` and `android_url`, or clicks on some platforms go nowhere",
        )
    })
}

/// A table row's key must be the `name` of one of the table's columns (ErrCode 200915).
///
/// ```
/// use card_core::registry::row_key_violation;
/// let v = row_key_violation("titl", &["id", "title"]).unwrap();
/// assert!(v.message.contains("did you mean `title`?"));
/// assert!(row_key_violation("id", &["id", "title"]).is_none());
/// ```
pub fn row_key_violation(key: &str, columns: &[&str]) -> Option<Violation> {
    if columns.contains(&key) {
        return None;
    }
    let message = match super::did_you_mean(key, columns.iter().copied()) {
        Some(s) => format!(
            "row key `{key}` is not the `name` of a column of this table: did you mean `{s}`?"
        ),
        None => {
            let mut names = String::new();
            list_words(columns.iter().copied(), &mut names);
            format!(
                "row key `{key}` is not the `name` of a column of this table: use one of {names}"
            )
        }
    };
    Some(Violation::new(TABLE_ROW_KEY, message))
}

/// A table shows at most [`Limits::max_table_columns`](super::Limits::max_table_columns)
/// columns.
///
/// ```
/// use card_core::registry::table_columns_violation;
/// assert!(table_columns_violation(51).is_some());
/// assert!(table_columns_violation(50).is_none());
/// ```
pub fn table_columns_violation(columns: usize) -> Option<Violation> {
    let max = super::LIMITS.max_table_columns;
    (columns > max).then(|| {
        Violation::new(
            TABLE_COLUMNS,
            format!("this table has {columns} columns: at most {max} are shown; split it into several tables"),
        )
    })
}

/// An `img_combination` shows as many images as its `combination_mode` holds
/// ([`IMG_COMBINATION_CAPACITY`](super::IMG_COMBINATION_CAPACITY)); `None` for an unknown mode
/// (reported as such elsewhere).
///
/// ```
/// use card_core::registry::img_combination_violation;
/// assert!(img_combination_violation("double", 3).is_some());
/// assert!(img_combination_violation("trisect", 9).is_none());
/// ```
pub fn img_combination_violation(mode: &str, images: usize) -> Option<Violation> {
    let (_, max) = super::IMG_COMBINATION_CAPACITY
        .iter()
        .find(|(m, _)| m.as_str() == mode)?;
    (images > *max).then(|| {
        let better = super::IMG_COMBINATION_CAPACITY
            .iter()
            .find(|(_, n)| *n >= images)
            .map_or_else(
                || "use several `img_combination`s".to_owned(),
                |(m, _)| format!("use `combination_mode: \"{m}\"`"),
            );
        Violation::new(
            IMG_COMBINATION_TOO_MANY,
            format!("`combination_mode: \"{mode}\"` shows at most {max} images, this one lists {images}: the rest are not shown; {better}"),
        )
    })
}

/// Option values are unique within one select or overflow: `value` was already given to an
/// earlier option of `owner`.
///
/// ```
/// use card_core::registry::duplicate_option_violation;
/// let v = duplicate_option_violation("select_static", "a");
/// assert_eq!(v.rule, "select.option-duplicate");
/// ```
pub fn duplicate_option_violation(owner: &str, value: &str) -> Violation {
    Violation::new(
        OPTION_DUPLICATE,
        format!("option value `{value}` is already used by another option of this `{owner}`: give each option its own value, or the choice cannot be told apart"),
    )
}

/// A `picker_time` or `picker_datetime` with no initial value needs a `placeholder`
/// ([`PLACEHOLDER_UNLESS_INITIAL`](super::PLACEHOLDER_UNLESS_INITIAL)); `has` says whether the
/// component sets an attribute.
///
/// ```
/// use card_core::registry::picker_placeholder_violation;
/// assert!(picker_placeholder_violation("picker_time", |_| false).is_some());
/// assert!(picker_placeholder_violation("picker_time", |a| a == "initial_time").is_none());
/// assert!(picker_placeholder_violation("date_picker", |_| false).is_none());
/// ```
pub fn picker_placeholder_violation(tag: &str, has: impl Fn(&str) -> bool) -> Option<Violation> {
    let (_, initial) = super::PLACEHOLDER_UNLESS_INITIAL
        .iter()
        .find(|(c, _)| c.tag == tag)?;
    (!has("placeholder") && !has(initial)).then(|| {
        Violation::new(
            PICKER_PLACEHOLDER,
            format!("`{tag}` has neither `placeholder` nor `{initial}`: give it a `placeholder`, which is required when there is no initial value"),
        )
    })
}

/// A checker holds at most
/// [`Limits::max_checker_buttons`](super::Limits::max_checker_buttons) buttons.
///
/// ```
/// use card_core::registry::checker_buttons_violation;
/// assert!(checker_buttons_violation(4).is_some());
/// assert!(checker_buttons_violation(3).is_none());
/// ```
pub fn checker_buttons_violation(buttons: usize) -> Option<Violation> {
    let max = super::LIMITS.max_checker_buttons;
    (buttons > max).then(|| {
        Violation::new(
            CHECKER_BUTTONS,
            format!(
                "this checker has {buttons} buttons: a checker holds at most {max}; drop the rest"
            ),
        )
    })
}

/// A checker's button takes one of [`CHECKER_BUTTON_TYPES`](super::CHECKER_BUTTON_TYPES), and
/// must name it.
///
/// ```
/// use card_core::registry::checker_button_type_violation;
/// assert!(checker_button_type_violation(Some("primary")).is_some());
/// assert!(checker_button_type_violation(None).is_some());
/// assert!(checker_button_type_violation(Some("danger_text")).is_none());
/// ```
pub fn checker_button_type_violation(button_type: Option<&str>) -> Option<Violation> {
    let allowed = super::CHECKER_BUTTON_TYPES;
    if button_type.is_some_and(|t| allowed.iter().any(|a| a.as_str() == t)) {
        return None;
    }
    let mut words = String::new();
    list_words(allowed.iter().map(|t| t.as_str()), &mut words);
    let found = match button_type {
        Some(t) => format!("`type: \"{t}\"` is not a checker button type"),
        None => "a checker button needs a `type`".to_owned(),
    };
    Some(Violation::new(
        CHECKER_BUTTONS,
        format!("{found}: use {words}"),
    ))
}

/// Only the components of [`OPENS_URL`](super::OPENS_URL) open links from `behaviors`.
///
/// ```
/// use card_core::registry::{self, open_url_violation};
/// assert!(open_url_violation(registry::component("input").unwrap()).is_some());
/// assert!(open_url_violation(registry::component("button").unwrap()).is_none());
/// ```
pub fn open_url_violation(component: &Component) -> Option<Violation> {
    let tag = component.tag;
    let opens = super::OPENS_URL;
    (!opens.iter().any(|c| std::ptr::eq(*c, component))).then(|| {
        let mut words = String::new();
        list_words(opens.iter().map(|c| c.tag), &mut words);
        Violation::new(
            OPEN_URL_UNSUPPORTED,
            format!("an `open_url` behaviour on `{tag}` is not documented to open anything: only {words} open links; send a `callback` and answer it, or add a button"),
        )
    })
}

/// How many tables the markdown text `content` holds: GFM pipe tables (a row with a `|`
/// followed by a delimiter row of as many cells, such as `| --- | :-: |`) outside code blocks.
///
/// ```
/// use card_core::registry::markdown_tables;
/// assert_eq!(markdown_tables("| a | b |\n| --- | --- |\n| 1 | 2 |\n\ntext | more"), 1);
/// assert_eq!(markdown_tables("no table here"), 0);
/// ```
pub fn markdown_tables(content: &str) -> usize {
    super::tracker::markdown_tables(content)
}

/// One `markdown` component holds at most
/// [`Limits::max_markdown_tables`](super::Limits::max_markdown_tables) tables.
///
/// ```
/// use card_core::registry::markdown_tables_violation;
/// assert!(markdown_tables_violation(5).is_some());
/// assert!(markdown_tables_violation(4).is_none());
/// ```
pub fn markdown_tables_violation(tables: usize) -> Option<Violation> {
    let max = super::LIMITS.max_markdown_tables;
    (tables > max).then(|| {
        Violation::new(
            MARKDOWN_TABLES_IN_ONE,
            format!("this markdown holds {tables} tables: one markdown component holds at most {max}; split it into several markdown components"),
        )
    })
}

/// A custom colour of `config.style.color` gives a value for each client theme.
///
/// ```
/// use card_core::registry::style_color_violation;
/// assert!(style_color_violation("brand", true, false).is_some());
/// assert!(style_color_violation("brand", true, true).is_none());
/// ```
pub fn style_color_violation(name: &str, light: bool, dark: bool) -> Option<Violation> {
    let missing = match (light, dark) {
        (true, true) => return None,
        (true, false) => "`dark_mode`",
        (false, true) => "`light_mode`",
        (false, false) => "`light_mode` and `dark_mode`",
    };
    Some(Violation::new(
        STYLE_COLOR_INCOMPLETE,
        format!("custom colour `{name}` has no {missing}: give one `rgba(…)` value for the light theme and one for the dark theme"),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::{self, Format};

    #[test]
    fn any_of_reports_the_most_telling_problem() {
        let column = registry::sub_element("column").unwrap();
        let width = column.attr("width").unwrap();
        let v = width.check("column", Scalar::Str("700px")).unwrap_err();
        assert_eq!(v.rule, VALUE_RANGE);
        assert_eq!(v.severity, Severity::Warning, "column width is lenient");
        let v = width.check("column", Scalar::Str("wide")).unwrap_err();
        assert_eq!(v.rule, VALUE_ENUM);
        assert!(
            v.message
                .contains("`auto` or `weighted`, or a length from 16px to 600px"),
            "{}",
            v.message
        );
        let v = width.check("column", Scalar::Int(3)).unwrap_err();
        assert_eq!(v.rule, WRONG_TYPE);
        assert!(width.check("column", Scalar::Str("weighted")).is_ok());
        assert!(width.check("column", Scalar::Str("120px")).is_ok());
    }

    #[test]
    fn tolerated_values_warn_under_legacy() {
        let spacing = registry::COLUMN_SET.attr("horizontal_spacing").unwrap();
        let v = spacing
            .check("column_set", Scalar::Str("default"))
            .unwrap_err();
        assert_eq!((v.rule, v.severity), (LEGACY_PROPERTY, Severity::Warning));
        assert!(spacing
            .check("column_set", Scalar::Str("extra_large"))
            .is_ok());
    }

    #[test]
    fn colours_and_sizes_fall_back_with_a_warning() {
        struct Custom;
        impl CustomStyles for Custom {
            fn has_color(&self, n: &str) -> bool {
                n == "brand-1"
            }
            fn has_text_size(&self, n: &str) -> bool {
                n == "normal_v2"
            }
        }
        let v = check_scalar(&Kind::Color, Scalar::Str("brand-1")).unwrap_err();
        assert_eq!((v.rule, v.severity), (VALUE_ENUM, Severity::Warning));
        assert!(check_scalar_with(&Kind::Color, Scalar::Str("brand-1"), &Custom).is_ok());
        assert!(check_scalar_with(&Kind::TextSize, Scalar::Str("normal_v2"), &Custom).is_ok());
        assert!(check_scalar(&Kind::TextSize, Scalar::Str("heading-2")).is_ok());
    }

    #[test]
    fn scalars_of_every_kind() {
        let int = Kind::Int { min: 1, max: 5 };
        assert!(check_scalar(&int, Scalar::Float(2.0)).is_ok());
        assert_eq!(
            check_scalar(&int, Scalar::Float(2.5)).unwrap_err().rule,
            VALUE_FORMAT
        );
        assert_eq!(
            check_scalar(&int, Scalar::Int(6)).unwrap_err().rule,
            VALUE_RANGE
        );
        let lengths = Kind::Lengths { min: -99, max: 99 };
        assert!(check_scalar(&lengths, Scalar::Str("4px -12px")).is_ok());
        assert_eq!(
            check_scalar(&lengths, Scalar::Str("100px"))
                .unwrap_err()
                .rule,
            VALUE_RANGE
        );
        assert_eq!(
            check_scalar(&lengths, Scalar::Str("4em")).unwrap_err().rule,
            VALUE_FORMAT
        );
        let date = Kind::Format(Format::Date);
        assert_eq!(
            check_scalar(&date, Scalar::Str("01/02/2024"))
                .unwrap_err()
                .rule,
            VALUE_FORMAT
        );
        assert_eq!(
            check_scalar(&Kind::StrMax(1), Scalar::Str("ab"))
                .unwrap_err()
                .rule,
            VALUE_TEXT_LENGTH
        );
        assert_eq!(
            check_scalar(&Kind::ElementId, Scalar::Str("9"))
                .unwrap_err()
                .rule,
            ELEMENT_ID_PATTERN
        );
        assert_eq!(
            check_scalar(&Kind::Elements, Scalar::Str("x"))
                .unwrap_err()
                .rule,
            WRONG_TYPE
        );
        assert!(check_scalar(&Kind::Json, Scalar::Int(1)).is_ok());
    }

    #[test]
    fn placement() {
        use Container::*;
        let table = registry::component("table").unwrap();
        assert!(placement_violation(table, &[Body], false).is_none());
        assert!(placement_violation(table, &[], false).is_none());
        let v = placement_violation(table, &[Body, Column], false).unwrap();
        assert_eq!(
            v.message,
            "`table` cannot be placed inside `column`: a table may only sit at the root of the card body"
        );
        let img = registry::component("select_img").unwrap();
        assert!(placement_violation(img, &[Body], false).is_none());
        assert_eq!(
            placement_violation(img, &[Body], true).unwrap().rule,
            SELECT_IMG_MULTI_OUTSIDE_FORM
        );
        assert!(placement_violation(img, &[Body, Form, InteractiveContainer], true).is_none());
    }
}
