//! Reading tool arguments: the card (an object, or a JSON string), recipients, strings and
//! numbers, each with an error a model can act on.

use card_client::ReceiveIdType;
use card_core::diagnostic::json_kind;
use card_core::validate::{fix, validate_value_with, Policy};
use card_core::Severity;
use serde_json::{json, Map, Value};

/// The largest `card` argument read, in bytes: far above Feishu's 30 KB so that an oversized
/// card gets its `limit.card-size` diagnostic, but bounded.
pub const MAX_CARD_ARGUMENT_BYTES: usize = 1024 * 1024;

/// A tool failure: the JSON the model reads in a result with `isError: true`.
#[derive(Debug, Clone, PartialEq)]
pub struct ToolError(pub Value);

impl ToolError {
    /// An error with only a message.
    pub fn msg(message: impl Into<String>) -> Self {
        ToolError(json!({ "error": message.into() }))
    }
}

/// The arguments of one call.
pub struct Arguments<'a>(pub &'a Map<String, Value>);

impl Arguments<'_> {
    /// A required string.
    pub fn string(&self, name: &str) -> Result<String, ToolError> {
        self.opt_string(name)?
            .ok_or_else(|| ToolError::msg(format!("missing `{name}`: give it as a string")))
    }

    /// An optional string (absent or `null` is `None`; an empty string is refused).
    pub fn opt_string(&self, name: &str) -> Result<Option<String>, ToolError> {
        match self.0.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) if s.trim().is_empty() => Err(ToolError::msg(format!(
                "`{name}` is empty: give a non-empty string or leave it out"
            ))),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(other) => Err(ToolError::msg(format!(
                "`{name}` must be a string, not {}",
                json_kind(other)
            ))),
        }
    }

    /// An optional number of seconds in `[min, max]`.
    pub fn opt_seconds(&self, name: &str, min: f64, max: f64) -> Result<Option<f64>, ToolError> {
        match self.0.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Number(n)) => match n.as_f64() {
                Some(s) if (min..=max).contains(&s) => Ok(Some(s)),
                _ => Err(ToolError::msg(format!(
                    "`{name}` must be between {min} and {max} seconds, not {n}"
                ))),
            },
            Some(other) => Err(ToolError::msg(format!(
                "`{name}` must be a number of seconds, not {}",
                json_kind(other)
            ))),
        }
    }

    /// The `card` argument, as an object or as a string holding JSON, checked strictly: a card
    /// with errors is refused with every diagnostic and its fix.
    #[cfg(test)]
    pub fn card(&self, name: &str) -> Result<Value, ToolError> {
        self.card_with_warnings(name, Policy::Strict)
            .map(|(card, _)| card)
    }

    /// The `card` argument, checked under `policy`, with the warnings of the card (each with
    /// its fix).
    pub fn card_with_warnings(
        &self,
        name: &str,
        policy: Policy,
    ) -> Result<(Value, Vec<Value>), ToolError> {
        let card = self.card_unchecked(name)?;
        let warnings = check_card_with(&card, policy)?;
        Ok((card, warnings))
    }

    /// The `card` argument parsed but not validated.
    pub fn card_unchecked(&self, name: &str) -> Result<Value, ToolError> {
        match self.0.get(name) {
            None | Some(Value::Null) => Err(ToolError::msg(format!(
                "missing `{name}`: give the card JSON 2.0 as an object (or as a string holding it)"
            ))),
            Some(value) => parse_card(name, value),
        }
    }

    /// Rejects arguments the tool does not take, naming the ones it does.
    pub fn only(&self, known: &[&str]) -> Result<(), ToolError> {
        for key in self.0.keys() {
            if !known.contains(&key.as_str()) {
                return Err(ToolError::msg(format!(
                    "unknown argument `{key}`; this tool takes: {}",
                    known.join(", ")
                )));
            }
        }
        Ok(())
    }
}

/// A card given as an object, or as a string of JSON (once more if the string holds a string).
pub fn parse_card(name: &str, value: &Value) -> Result<Value, ToolError> {
    match value {
        Value::Object(_) => {
            let size = serde_json::to_vec(value).map(|v| v.len()).unwrap_or(0);
            if size > MAX_CARD_ARGUMENT_BYTES {
                return Err(too_large(name, size));
            }
            Ok(value.clone())
        }
        Value::String(text) => {
            if text.len() > MAX_CARD_ARGUMENT_BYTES {
                return Err(too_large(name, text.len()));
            }
            match serde_json::from_str::<Value>(text) {
                Ok(Value::String(inner)) => parse_card(name, &Value::String(inner)),
                Ok(card @ Value::Object(_)) => Ok(card),
                Ok(other) => Err(ToolError::msg(format!(
                    "`{name}` is a string holding {} in JSON, not a card object",
                    json_kind(&other)
                ))),
                Err(err) => Err(not_json(name, text, &err)),
            }
        }
        other => Err(ToolError::msg(format!(
            "`{name}` must be the card as a JSON object (or a string holding it), not {}",
            json_kind(other)
        ))),
    }
}

fn too_large(name: &str, size: usize) -> ToolError {
    ToolError::msg(format!(
        "`{name}` is {size} bytes; this server reads cards up to {MAX_CARD_ARGUMENT_BYTES} bytes \
         (and Feishu accepts {} once serialized): shorten it or split it into several cards",
        card_core::registry::LIMITS.max_bytes
    ))
}

/// The error for a string that is not JSON: where the parser stopped, and the text around it.
pub fn not_json(name: &str, text: &str, err: &serde_json::Error) -> ToolError {
    let (line, column) = (err.line(), err.column());
    let offset = offset_of(text, line, column);
    let mut start = offset.saturating_sub(30);
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = (offset + 30).min(text.len());
    while !text.is_char_boundary(end) {
        end += 1;
    }
    let near = &text[start..end];
    let diagnostic = card_core::validate::syntax_diagnostic(err);
    ToolError(json!({
        "error": format!(
            "`{name}` is a string but not JSON: {err} (line {line}, column {column}, byte {offset}, near `{near}`); \
             send the card as a JSON object instead of a string, or fix the escaping there"
        ),
        "line": line,
        "column": column,
        "offset": offset,
        "diagnostics": [diagnostic_json(&Value::Null, &diagnostic)],
    }))
}

/// The byte offset of a 1-based line and column (serde_json counts columns in bytes).
fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let mut offset = 0;
    for (i, l) in text.split_inclusive('\n').enumerate() {
        if i + 1 == line {
            return (offset + column.saturating_sub(1)).min(text.len());
        }
        offset += l.len();
    }
    text.len()
}

/// [`check_card_with`] the strict policy, for the cards the server writes itself.
pub fn check_card(card: &Value) -> Result<Vec<Value>, ToolError> {
    check_card_with(card, Policy::Strict)
}

/// Refuses a card with errors under `policy`, with every diagnostic; the warnings of a card
/// without errors (tolerated leftovers, risky values, and under the lenient policy what this
/// version does not know), each with its fix, so that a send can report them.
pub fn check_card_with(card: &Value, policy: Policy) -> Result<Vec<Value>, ToolError> {
    let diagnostics = validate_value_with(card, policy.into());
    let errors = diagnostics.errors().count();
    if errors == 0 {
        return Ok(diagnostics
            .warnings()
            .map(|d| diagnostic_json(card, d))
            .collect());
    }
    Err(ToolError(json!({
        "error": format!(
            "the card breaks {errors} rule{} of Card JSON 2.0 that Feishu would refuse; nothing was sent. Apply each `fix` and call again",
            if errors == 1 { "" } else { "s" }
        ),
        "diagnostics": diagnostics.iter().map(|d| diagnostic_json(card, d)).collect::<Vec<_>>(),
    })))
}

/// The verdict on a card under `policy`: validity, counts, and each diagnostic with its fix.
pub fn validation(card: &Value, policy: Policy) -> Value {
    let diagnostics = validate_value_with(card, policy.into());
    let errors = diagnostics.errors().count();
    let warnings = diagnostics.warnings().count();
    json!({
        "valid": errors == 0,
        "errors": errors,
        "warnings": warnings,
        "diagnostics": diagnostics.iter().map(|d| diagnostic_json(card, d)).collect::<Vec<_>>(),
    })
}

fn diagnostic_json(card: &Value, d: &card_core::Diagnostic) -> Value {
    json!({
        "rule": d.rule,
        "severity": match d.severity { Severity::Error => "error", Severity::Warning => "warning" },
        "pointer": d.pointer,
        "path": d.path,
        "message": d.message,
        "fix": fix::hint(card, d),
    })
}

/// Who receives a card.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recipient {
    /// A new message to a chat or user.
    To(ReceiveIdType, String),
    /// A reply to a message.
    Reply(String),
}

impl Recipient {
    /// The open id of the user it names, if it names one by open id.
    pub fn open_id(&self) -> Option<&str> {
        match self {
            Recipient::To(ReceiveIdType::OpenId, id) => Some(id),
            _ => None,
        }
    }
}

/// The recipient arguments: `reply_to`, or exactly one of `chat_id` / `user_id` (an open id, or
/// the kind `receive_id_type` names).
pub fn recipient(args: &Arguments<'_>, allow_reply: bool) -> Result<Recipient, ToolError> {
    let chat = args.opt_string("chat_id")?;
    let user = args.opt_string("user_id")?;
    let kind = args.opt_string("receive_id_type")?;
    let reply = if allow_reply {
        args.opt_string("reply_to")?
    } else {
        None
    };
    let user_kind = match kind.as_deref() {
        None | Some("open_id") => ReceiveIdType::OpenId,
        Some("user_id") => ReceiveIdType::UserId,
        Some("union_id") => ReceiveIdType::UnionId,
        Some("email") => ReceiveIdType::Email,
        Some("chat_id") => ReceiveIdType::ChatId,
        Some(other) => {
            return Err(ToolError::msg(format!(
                "`receive_id_type` is `{other}`; use open_id, user_id, union_id or email (for `user_id`), or leave it out"
            )))
        }
    };
    match (chat, user, reply) {
        (None, None, Some(parent)) => Ok(Recipient::Reply(parent)),
        (Some(chat), None, None) => Ok(Recipient::To(ReceiveIdType::ChatId, chat)),
        (None, Some(user), None) => Ok(Recipient::To(user_kind, user)),
        (None, None, None) => Err(ToolError::msg(if allow_reply {
            "say where the card goes: `chat_id` (oc_…), `user_id` (ou_…), or `reply_to` (om_…)"
        } else {
            "say where the card goes: `chat_id` (oc_…) or `user_id` (ou_…)"
        })),
        _ => Err(ToolError::msg(
            "give only one of `chat_id`, `user_id` and `reply_to`",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(v: Value) -> Map<String, Value> {
        match v {
            Value::Object(m) => m,
            _ => Map::new(),
        }
    }

    const GOOD: &str =
        r#"{"schema": "2.0", "body": {"elements": [{"tag": "markdown", "content": "hi"}]}}"#;

    #[test]
    fn a_card_is_taken_as_an_object_a_string_or_a_string_of_a_string() {
        let object: Value = serde_json::from_str(GOOD).unwrap_or_default();
        let m = args(json!({"card": object.clone()}));
        assert_eq!(Arguments(&m).card("card"), Ok(object.clone()));
        let m = args(json!({"card": GOOD}));
        assert_eq!(Arguments(&m).card("card"), Ok(object.clone()));
        let twice = serde_json::to_string(GOOD).unwrap_or_default();
        let m = args(json!({"card": twice}));
        assert_eq!(Arguments(&m).card("card"), Ok(object));
    }

    #[test]
    fn a_string_that_is_not_json_names_the_position() {
        let text = "{\"schema\": \"2.0\",\n \"body\": {\"elements\": [\"tag\": 1]}}";
        let m = args(json!({"card": text}));
        let Err(ToolError(err)) = Arguments(&m).card("card") else {
            panic!("accepted");
        };
        assert_eq!(err["line"], 2);
        assert_eq!(err["column"], 29);
        let message = err["error"].as_str().unwrap_or_default();
        assert!(message.contains("line 2, column 29"), "{message}");
        assert!(message.contains("near `"), "{message}");
        assert_eq!(err["diagnostics"][0]["rule"], "json.syntax");
    }

    #[test]
    fn wrong_types_and_missing_cards_are_refused_with_what_to_send() {
        let m = args(json!({"card": 42}));
        let err = Arguments(&m).card("card").unwrap_err().0;
        assert!(err["error"]
            .as_str()
            .unwrap_or_default()
            .contains("not a number"));
        let m = args(json!({"card": "[1, 2]"}));
        let err = Arguments(&m).card("card").unwrap_err().0;
        assert!(err["error"].as_str().unwrap_or_default().contains("a list"));
        let m = args(json!({}));
        assert!(Arguments(&m).card("card").is_err());
        let m = args(json!({"chat_id": 7}));
        let err = Arguments(&m).opt_string("chat_id").unwrap_err().0;
        assert!(err["error"]
            .as_str()
            .unwrap_or_default()
            .contains("must be a string"));
    }

    #[test]
    fn an_invalid_card_carries_rule_pointer_and_fix() {
        let card = json!({"schema": "2.0", "body": {"elements": [
            {"tag": "column_set", "columns": [{"tag": "column", "elements": [{"tag": "table", "columns": []}]}]}
        ]}});
        let err = check_card(&card).unwrap_err().0;
        let d = &err["diagnostics"][0];
        assert_eq!(d["rule"], "nesting.table-not-at-root");
        assert_eq!(d["pointer"], "/body/elements/0/columns/0/elements/0");
        assert!(d["fix"]
            .as_str()
            .unwrap_or_default()
            .contains("body.elements"));
    }

    #[test]
    fn recipients_are_one_of_chat_user_or_reply() {
        let m = args(json!({"chat_id": "oc_1"}));
        assert_eq!(
            recipient(&Arguments(&m), true),
            Ok(Recipient::To(ReceiveIdType::ChatId, "oc_1".into()))
        );
        let m = args(json!({"user_id": "a@b.c", "receive_id_type": "email"}));
        assert_eq!(
            recipient(&Arguments(&m), true),
            Ok(Recipient::To(ReceiveIdType::Email, "a@b.c".into()))
        );
        let m = args(json!({"reply_to": "om_1"}));
        assert_eq!(
            recipient(&Arguments(&m), true),
            Ok(Recipient::Reply("om_1".into()))
        );
        let m = args(json!({"chat_id": "oc_1", "user_id": "ou_1"}));
        assert!(recipient(&Arguments(&m), true).is_err());
        let m = args(json!({}));
        assert!(recipient(&Arguments(&m), true).is_err());
        let m = args(json!({"user_id": "ou_1", "receive_id_type": "phone"}));
        assert!(recipient(&Arguments(&m), true).is_err());
    }
}
