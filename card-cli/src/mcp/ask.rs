//! `feishu_ask_user`: a question card, and the routing of the user's click or submission back to
//! the call that asked.
//!
//! Each question gets a unique id, carried in the callback `value` of each of its buttons (and of
//! its form's submit button). [`Questions`] maps ids to the waiting calls; [`Questions::route`]
//! is the card-action handler: it hands the action to the call whose id it carries (so two
//! questions in one chat never take each other's answers) and answers Feishu with the card
//! showing the answer.
//!
//! Whatever delivers card actions only has to call [`Questions::route`], send back the
//! [`Answer`] it returns, and then hand over its [`Delivery`] (once the answer has gone out, so
//! that the caller's next update of the card lands after the answer's card). `serve` builds
//! one such handler, `on_action`, and gives it to one of these routes:
//! - the long connection (`card_client::ws`, the default): a listener, started with the app's
//!   credentials, whose card-action handler gets each `card.action.trigger` as a
//!   [`CardAction`], calls `route`, acknowledges the frame with the [`Answer`], then calls
//!   [`Delivery::deliver`] (see [`super::listen`]). The bot needs no public URL. With
//!   `--emulator`, the listener connects to the built-in emulator's long connection and the
//!   [`EmulatedUser`]'s clicks come back over it;
//! - `--callback ADDR`: Feishu (or the emulator) posts the actions to the card callback route
//!   the server serves;
//! - `--emulator --no-long-connection`: the emulator calls the handler in process
//!   (`Emulator::deliver_to_handler`).
//!
//! With any of these the server's [`AnswerRoute`] is [`AnswerRoute::Connected`]; with
//! `--no-long-connection` against Feishu it is [`AnswerRoute::Unconnected`], and asking is
//! refused with a tool error that says so. When the route breaks for good (Feishu refuses the
//! long connection), [`Questions::fail_all`] ends the waiting calls at once instead of letting
//! them run into their timeout.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use card_client::callback::{Answer, CardAction, Toast};
use card_client::emulator::{Emulator, Target};
use card_core::diagnostic::json_kind;
use card_core::model::{
    BodyElement, Button, ButtonType, Card, Checker, Column, ColumnSet, ColumnWidth, Config,
    DatePicker, Element, Form, FormActionType, Hr, Input, Markdown, MultiSelectStatic, PlainText,
    SelectOption, SelectStatic, Spacing,
};
use serde_json::{json, Map, Value};
use tokio::sync::{mpsc, oneshot};

use super::args::{Arguments, ToolError};

/// The key of the question id in each callback value.
pub const QUESTION_KEY: &str = "feishu_card_question";
/// The name of the form of a question with fields.
pub const FORM_NAME: &str = "answer";
/// The name of the form's submit button.
const SUBMIT_NAME: &str = "submit_answer";
/// At most this many choices (buttons) in one question.
pub const MAX_CHOICES: usize = 20;
/// At most this many fields in one question.
pub const MAX_FIELDS: usize = 30;

/// Whether card actions reach [`Questions::route`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnswerRoute {
    /// Something delivers them: the emulator, or the long connection.
    Connected,
    /// Nothing does: questions cannot be answered.
    Unconnected,
}

/// One question.
#[derive(Debug, Clone, PartialEq)]
pub struct Question {
    /// Unique id, carried in the callback values.
    pub id: String,
    /// The question shown.
    pub text: String,
    /// Buttons or a form.
    pub ask: Ask,
}

/// How the user answers.
#[derive(Debug, Clone, PartialEq)]
pub enum Ask {
    /// One click among these buttons.
    Choices(Vec<String>),
    /// A form with these fields.
    Form(Vec<Field>),
}

/// One form field.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// The name the value is submitted under.
    pub name: String,
    /// What the user reads.
    pub label: String,
    /// The kind of input.
    pub kind: FieldKind,
    /// Whether the form refuses to submit without it.
    pub required: bool,
    /// The options of a select.
    pub options: Vec<String>,
}

/// The kinds of field a question may have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    /// Free text.
    Text,
    /// One option.
    Select,
    /// Several options.
    MultiSelect,
    /// A tick box.
    Checkbox,
    /// A date (yyyy-MM-dd).
    Date,
}

impl FieldKind {
    /// The names models use, in the tool schema.
    pub const NAMES: [&'static str; 5] = ["text", "select", "multi_select", "checkbox", "date"];

    fn parse(name: &str) -> Option<FieldKind> {
        Some(match name {
            "text" => FieldKind::Text,
            "select" => FieldKind::Select,
            "multi_select" => FieldKind::MultiSelect,
            "checkbox" => FieldKind::Checkbox,
            "date" => FieldKind::Date,
            _ => return None,
        })
    }
}

/// A fresh question id: unique in this process, and unlikely to repeat across processes.
pub fn new_id() -> String {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(0);
    format!("q{:x}{:04x}{n}", nanos, std::process::id() & 0xffff)
}

/// Reads `question` and `choices` or `fields`.
pub fn question(args: &Arguments<'_>) -> Result<Question, ToolError> {
    let text = args.string("question")?;
    let choices = args.0.get("choices").filter(|v| !v.is_null());
    let fields = args.0.get("fields").filter(|v| !v.is_null());
    let ask = match (choices, fields) {
        (Some(choices), None) => Ask::Choices(choices_of(choices)?),
        (None, Some(fields)) => Ask::Form(fields_of(fields)?),
        (None, None) => {
            return Err(ToolError::msg(
                "give `choices` (a list of button texts) or `fields` (a list of form fields)",
            ))
        }
        (Some(_), Some(_)) => return Err(ToolError::msg(
            "give `choices` or `fields`, not both: a question is answered by one click or one form",
        )),
    };
    Ok(Question {
        id: new_id(),
        text,
        ask,
    })
}

fn choices_of(v: &Value) -> Result<Vec<String>, ToolError> {
    let Value::Array(items) = v else {
        return Err(ToolError::msg(format!(
            "`choices` must be a list of strings, not {}",
            json_kind(v)
        )));
    };
    if items.is_empty() || items.len() > MAX_CHOICES {
        return Err(ToolError::msg(format!(
            "`choices` has {} entries; give 1 to {MAX_CHOICES}",
            items.len()
        )));
    }
    let mut out: Vec<String> = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        match item {
            Value::String(s) if !s.trim().is_empty() => {
                if out.contains(s) {
                    return Err(ToolError::msg(format!("`choices` lists `{s}` twice")));
                }
                out.push(s.clone());
            }
            other => {
                return Err(ToolError::msg(format!(
                    "`choices[{i}]` must be a non-empty string, not {}",
                    json_kind(other)
                )))
            }
        }
    }
    Ok(out)
}

fn fields_of(v: &Value) -> Result<Vec<Field>, ToolError> {
    let Value::Array(items) = v else {
        return Err(ToolError::msg(format!(
            "`fields` must be a list of objects, not {}",
            json_kind(v)
        )));
    };
    if items.is_empty() || items.len() > MAX_FIELDS {
        return Err(ToolError::msg(format!(
            "`fields` has {} entries; give 1 to {MAX_FIELDS}",
            items.len()
        )));
    }
    let mut out: Vec<Field> = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let Value::Object(obj) = item else {
            return Err(ToolError::msg(format!(
                "`fields[{i}]` must be an object with `name`, `label`, `kind`, not {}",
                json_kind(item)
            )));
        };
        let a = Arguments(obj);
        a.only(&["name", "label", "kind", "required", "options"])
            .map_err(|e| prefix(e, i))?;
        let name = a.string("name").map_err(|e| prefix(e, i))?;
        if !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(ToolError::msg(format!(
                "`fields[{i}].name` is `{name}`: use letters, digits and `_` only"
            )));
        }
        if name == SUBMIT_NAME || out.iter().any(|f| f.name == name) {
            return Err(ToolError::msg(format!(
                "`fields[{i}].name` `{name}` is taken: give each field its own name"
            )));
        }
        let label = a.opt_string("label").map_err(|e| prefix(e, i))?;
        let kind_name = a
            .opt_string("kind")
            .map_err(|e| prefix(e, i))?
            .unwrap_or_else(|| "text".to_owned());
        let Some(kind) = FieldKind::parse(&kind_name) else {
            return Err(ToolError::msg(format!(
                "`fields[{i}].kind` is `{kind_name}`; use one of {}",
                FieldKind::NAMES.join(", ")
            )));
        };
        let required = match obj.get("required") {
            None | Some(Value::Null) => false,
            Some(Value::Bool(b)) => *b,
            Some(other) => {
                return Err(ToolError::msg(format!(
                    "`fields[{i}].required` must be true or false, not {}",
                    json_kind(other)
                )))
            }
        };
        let options = match obj.get("options") {
            None | Some(Value::Null) => Vec::new(),
            Some(v) => choices_of(v).map_err(|e| {
                ToolError::msg(format!(
                    "`fields[{i}].options`: {}",
                    e.0["error"].as_str().unwrap_or_default()
                ))
            })?,
        };
        let needs_options = matches!(kind, FieldKind::Select | FieldKind::MultiSelect);
        if needs_options && options.is_empty() {
            return Err(ToolError::msg(format!(
                "`fields[{i}]` is a {kind_name}: give its `options`"
            )));
        }
        if !needs_options && !options.is_empty() {
            return Err(ToolError::msg(format!(
                "`fields[{i}]` is a {kind_name}, which takes no `options`"
            )));
        }
        out.push(Field {
            label: label.unwrap_or_else(|| name.clone()),
            name,
            kind,
            required,
            options,
        });
    }
    Ok(out)
}

fn prefix(e: ToolError, i: usize) -> ToolError {
    ToolError::msg(format!(
        "in `fields[{i}]`: {}",
        e.0["error"].as_str().unwrap_or_default()
    ))
}

fn plain(text: &str) -> PlainText {
    PlainText::new(text.to_owned())
}

fn card(elements: impl IntoIterator<Item = BodyElement>) -> Value {
    elements
        .into_iter()
        .fold(
            Card::new().config(Config::new().update_multi(true)),
            |card, element| card.element(element),
        )
        .to_value()
}

/// The card that asks `q`.
pub fn question_card(q: &Question) -> Value {
    let question = Markdown::new(q.text.clone()).into();
    let answer: BodyElement = match &q.ask {
        Ask::Choices(choices) => choices
            .iter()
            .enumerate()
            .fold(
                ColumnSet::new().horizontal_spacing(Spacing::Px(8)),
                |set, (i, choice)| {
                    let kind = if i == 0 {
                        ButtonType::PrimaryFilled
                    } else {
                        ButtonType::Default
                    };
                    let button = Button::new(plain(choice))
                        .element_id(format!("choice_{i}"))
                        .r#type(kind)
                        .callback(json!({QUESTION_KEY: q.id, "choice": i}));
                    set.column(Column::new().width(ColumnWidth::Auto).element(button))
                },
            )
            .into(),
        Ask::Form(fields) => {
            let mut form = Form::new(FORM_NAME);
            for f in fields {
                if f.kind != FieldKind::Checkbox {
                    let label = if f.required {
                        format!("**{}** *", f.label)
                    } else {
                        format!("**{}**", f.label)
                    };
                    form = form.element(Markdown::new(label));
                }
                form = form.element(field_element(f));
            }
            form.element(
                Button::new(plain("Submit"))
                    .name(SUBMIT_NAME)
                    .r#type(ButtonType::PrimaryFilled)
                    .form_action_type(FormActionType::Submit)
                    .callback(json!({QUESTION_KEY: q.id})),
            )
            .into()
        }
    };
    card([question, answer])
}

/// The input of one form field, named after it; required when it is (a tick box never is).
fn field_element(f: &Field) -> Element {
    let required = f.required.then_some(true);
    let options = || {
        f.options
            .iter()
            .map(|o| SelectOption::new(plain(o), o.clone()))
            .collect()
    };
    match f.kind {
        FieldKind::Text => {
            let mut input = Input::new(f.name.clone()).placeholder(plain(&f.label));
            input.required = required;
            input.into()
        }
        FieldKind::Select => {
            let mut select = SelectStatic::new(f.name.clone());
            select.options = Some(options());
            select.required = required;
            select.into()
        }
        FieldKind::MultiSelect => {
            let mut select = MultiSelectStatic::new(f.name.clone());
            select.options = Some(options());
            select.required = required;
            select.into()
        }
        FieldKind::Checkbox => Checker::new(plain(&f.label)).name(f.name.clone()).into(),
        FieldKind::Date => {
            let mut picker = DatePicker::new(f.name.clone());
            picker.required = required;
            picker.into()
        }
    }
}

/// The card once answered: the question and the answer, without buttons.
pub fn answered_card(q: &Question, shown: &str) -> Value {
    card([
        Markdown::new(q.text.clone()).into(),
        Hr::new().into(),
        Markdown::new(shown.to_owned()).into(),
    ])
}

/// The answer as text for the card.
pub fn describe_answer(answer: &Value) -> String {
    if let Some(choice) = answer.get("choice").and_then(Value::as_str) {
        return format!("✅ Answered: **{choice}**");
    }
    let mut lines = vec!["✅ Answered:".to_owned()];
    if let Some(values) = answer.get("values").and_then(Value::as_object) {
        for (name, value) in values {
            let shown = match value {
                Value::String(s) => s.clone(),
                Value::Array(items) => items
                    .iter()
                    .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
                    .collect::<Vec<_>>()
                    .join(", "),
                other => other.to_string(),
            };
            lines.push(format!("- {name}: {shown}"));
        }
    }
    lines.join("\n")
}

/// The answer of a user.
#[derive(Debug, Clone, PartialEq)]
pub struct Reply {
    /// `{"choice": …, "index": …}` or `{"values": {…}}`.
    pub answer: Value,
    /// Who answered (open id).
    pub user: String,
    /// The callback's update token (for `feishu_update_card`), if it carried one.
    pub token: Option<String>,
}

struct Pending {
    question: Arc<Question>,
    reply: oneshot::Sender<Reply>,
}

/// The questions waiting for an answer, by id.
#[derive(Default)]
pub struct Questions {
    pending: Mutex<HashMap<String, Pending>>,
}

impl Questions {
    /// Waits for the answer to `question` from now on.
    pub fn register(&self, question: Arc<Question>) -> oneshot::Receiver<Reply> {
        let (tx, rx) = oneshot::channel();
        let mut pending = self.pending.lock().unwrap_or_else(|p| p.into_inner());
        pending.insert(
            question.id.clone(),
            Pending {
                question,
                reply: tx,
            },
        );
        rx
    }

    /// Stops waiting for an answer to `id` (timed out, or the card could not be sent).
    pub fn forget(&self, id: &str) {
        let mut pending = self.pending.lock().unwrap_or_else(|p| p.into_inner());
        pending.remove(id);
    }

    /// Ends every waiting call at once: each sees its answer channel closed (the route that
    /// brings answers broke). Returns how many were waiting.
    pub fn fail_all(&self) -> usize {
        let mut pending = self.pending.lock().unwrap_or_else(|p| p.into_inner());
        let n = pending.len();
        pending.clear();
        n
    }

    /// How many questions wait.
    pub fn waiting(&self) -> usize {
        self.pending.lock().unwrap_or_else(|p| p.into_inner()).len()
    }

    /// The card-action handler: takes the action for the question whose id it carries, and
    /// gives the answer to send back (a toast and the card showing the answer) with the reply
    /// for the waiting call. Hand the reply over with [`Delivery::deliver`] once the answer has
    /// gone out (`Deferred::answered`), so that a card update the caller makes next cannot be
    /// overwritten by the answer's card. Actions on other cards get an empty answer; actions on
    /// a question no longer waiting get a toast saying so.
    pub fn route(&self, action: &CardAction) -> (Answer, Option<Delivery>) {
        let Some(id) = action
            .action
            .value
            .get(QUESTION_KEY)
            .and_then(Value::as_str)
        else {
            return (Answer::empty(), None);
        };
        let waiting = {
            let mut pending = self.pending.lock().unwrap_or_else(|p| p.into_inner());
            pending.remove(id)
        };
        let Some(Pending { question, reply }) = waiting else {
            let closed = Answer::toast(Toast::info(
                "This question is closed: it was answered already or timed out",
            ));
            return (closed, None);
        };
        let answer = match &question.ask {
            Ask::Choices(choices) => {
                let index = action.action.value.get("choice").and_then(Value::as_u64);
                match index.and_then(|i| choices.get(i as usize).map(|c| (i, c))) {
                    Some((i, choice)) => json!({"choice": choice, "index": i}),
                    None => json!({"choice": Value::Null, "raw": action.action.value}),
                }
            }
            Ask::Form(_) => json!({
                "values": action.action.form_value.clone().unwrap_or_default(),
            }),
        };
        let shown = describe_answer(&answer);
        let token = action
            .raw()
            .pointer("/event/token")
            .and_then(Value::as_str)
            .map(str::to_owned);
        let delivery = Delivery {
            to: reply,
            reply: Reply {
                answer,
                user: action.operator.open_id.clone(),
                token,
            },
        };
        let answer =
            Answer::toast(Toast::success("Answer received")).card(answered_card(&question, &shown));
        (answer, Some(delivery))
    }
}

/// A reply on its way to the call that asked.
pub struct Delivery {
    to: oneshot::Sender<Reply>,
    reply: Reply,
}

impl Delivery {
    /// Hands the reply to the waiting call (which may have stopped waiting meanwhile).
    pub fn deliver(self) {
        let _ = self.to.send(self.reply);
    }
}

/// What the emulated user answers, read from `--emulator-answers FILE`: an object from a
/// question's text (or `*` for any other question) to the answer: a choice's text or index,
/// an object of field values, or `null` to leave the question unanswered.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Answers(Map<String, Value>);

impl Answers {
    /// Reads the answers file.
    pub fn from_json(text: &str) -> Result<Answers, String> {
        match serde_json::from_str::<Value>(text) {
            Ok(Value::Object(map)) => Ok(Answers(map)),
            Ok(other) => Err(format!(
                "the answers file must hold a JSON object from question texts (or `*`) to answers, not {}",
                json_kind(&other)
            )),
            Err(err) => Err(format!("the answers file is not JSON: {err}")),
        }
    }

    /// The planned answer to `q`: `None` leaves it unanswered.
    pub fn plan(&self, q: &Question) -> Option<Plan> {
        let given = self.0.get(&q.text).or_else(|| self.0.get("*"));
        if matches!(given, Some(Value::Null)) {
            return None;
        }
        match &q.ask {
            Ask::Choices(choices) => {
                let index = match given {
                    Some(Value::Number(n)) => n.as_u64().map(|i| i as usize),
                    Some(Value::String(s)) => choices.iter().position(|c| c == s),
                    _ => None,
                }
                .filter(|i| *i < choices.len())
                .unwrap_or(0);
                Some(Plan::Click(index))
            }
            Ask::Form(fields) => {
                let given = given.and_then(Value::as_object);
                let mut values = Map::new();
                for f in fields {
                    let value = given
                        .and_then(|g| g.get(&f.name))
                        .cloned()
                        .unwrap_or_else(|| default_value(f));
                    values.insert(f.name.clone(), value);
                }
                Some(Plan::Submit(Value::Object(values)))
            }
        }
    }
}

/// The emulated user's value for a field no answer names.
fn default_value(f: &Field) -> Value {
    match f.kind {
        FieldKind::Text => json!("emulated answer"),
        FieldKind::Select => json!(f.options.first()),
        FieldKind::MultiSelect => json!(f.options.first().into_iter().collect::<Vec<_>>()),
        FieldKind::Checkbox => json!(true),
        FieldKind::Date => json!("2026-01-01"),
    }
}

/// What the emulated user does with a question.
#[derive(Debug, Clone, PartialEq)]
pub enum Plan {
    /// Clicks the choice at this index.
    Click(usize),
    /// Submits the form with these values.
    Submit(Value),
}

/// A question sent, for the emulated user.
pub struct Asked {
    /// The message showing it.
    pub message_id: String,
    /// The question.
    pub question: Arc<Question>,
    /// Who answers (open id).
    pub user: String,
}

/// The emulated user: answers each question it is told about, through the emulator, as a
/// person would click or submit.
#[derive(Clone)]
pub struct EmulatedUser {
    tx: mpsc::UnboundedSender<Asked>,
}

/// The open id of the emulated user who answers questions sent to a chat.
pub const EMULATED_USER: &str = "ou_emulated_user";

impl EmulatedUser {
    /// Starts the user on the current runtime.
    pub fn spawn(emulator: Arc<Emulator>, answers: Answers) -> EmulatedUser {
        let (tx, mut rx) = mpsc::unbounded_channel::<Asked>();
        tokio::spawn(async move {
            while let Some(asked) = rx.recv().await {
                let emulator = emulator.clone();
                let plan = answers.plan(&asked.question);
                tokio::spawn(async move {
                    let Some(plan) = plan else {
                        return;
                    };
                    // A person reads before clicking; the call that asked is waiting by now.
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    let user = emulator.user(&asked.user);
                    let done = match plan {
                        Plan::Click(i) => {
                            user.click(&asked.message_id, Target::element_id(format!("choice_{i}")))
                                .await
                        }
                        Plan::Submit(values) => {
                            user.submit_form(&asked.message_id, FORM_NAME, values).await
                        }
                    };
                    match done {
                        Ok(interaction) if !interaction.is_ok() => eprintln!(
                            "emulator: the answer to {} failed: {:?}",
                            asked.message_id, interaction.failure
                        ),
                        Ok(_) => {}
                        Err(err) => eprintln!(
                            "emulator: the emulated user could not answer {}: {err}",
                            asked.message_id
                        ),
                    }
                });
            }
        });
        EmulatedUser { tx }
    }

    /// Tells the user about a question.
    pub fn asked(&self, asked: Asked) {
        let _ = self.tx.send(asked);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use card_core::validate::validate_value;

    fn q(ask: Ask) -> Question {
        Question {
            id: new_id(),
            text: "Ship it?".into(),
            ask,
        }
    }

    fn field(name: &str, kind: FieldKind, options: &[&str]) -> Field {
        Field {
            name: name.into(),
            label: name.into(),
            kind,
            required: true,
            options: options.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn question_cards_are_valid_and_carry_their_id() {
        let choices = q(Ask::Choices(vec!["Yes".into(), "No".into()]));
        let form = q(Ask::Form(vec![
            field("reason", FieldKind::Text, &[]),
            field("team", FieldKind::Select, &["a", "b"]),
            field("tags", FieldKind::MultiSelect, &["x", "y"]),
            field("ok", FieldKind::Checkbox, &[]),
            field("when", FieldKind::Date, &[]),
        ]));
        for question in [&choices, &form] {
            let card = question_card(question);
            let d = validate_value(&card);
            assert!(!d.has_errors(), "{d:?}");
            assert!(card.to_string().contains(&question.id));
            let answered = answered_card(question, "✅ Answered: **Yes**");
            assert!(!validate_value(&answered).has_errors());
        }
    }

    fn plain_json(text: &str) -> Value {
        json!({"tag": "plain_text", "content": text})
    }

    #[test]
    fn a_choice_card_is_a_row_of_buttons_the_first_one_filled() {
        let question = Question {
            id: "q1".into(),
            text: "Colour?".into(),
            ask: Ask::Choices(vec!["Red".into(), "Blue".into()]),
        };
        let button = |i: usize, kind: &str, text: &str| {
            json!({"tag": "column", "width": "auto", "elements": [{
                "tag": "button",
                "element_id": format!("choice_{i}"),
                "type": kind,
                "text": plain_json(text),
                "behaviors": [{"type": "callback", "value": {QUESTION_KEY: "q1", "choice": i}}],
            }]})
        };
        assert_eq!(
            question_card(&question),
            json!({
                "schema": "2.0",
                "config": {"update_multi": true},
                "body": {"elements": [
                    {"tag": "markdown", "content": "Colour?"},
                    {"tag": "column_set", "horizontal_spacing": "8px", "columns": [
                        button(0, "primary_filled", "Red"),
                        button(1, "default", "Blue"),
                    ]},
                ]},
            })
        );
    }

    #[test]
    fn a_form_card_has_one_labelled_field_per_field_and_a_submit_button() {
        let mut optional = field("note", FieldKind::Text, &[]);
        optional.label = "A note".into();
        optional.required = false;
        let question = Question {
            id: "q2".into(),
            text: "Details?".into(),
            ask: Ask::Form(vec![
                field("reason", FieldKind::Text, &[]),
                optional,
                field("team", FieldKind::Select, &["a", "b"]),
                field("tags", FieldKind::MultiSelect, &["x"]),
                field("ok", FieldKind::Checkbox, &[]),
                field("when", FieldKind::Date, &[]),
            ]),
        };
        let option = |o: &str| json!({"text": plain_json(o), "value": o});
        assert_eq!(
            question_card(&question),
            json!({
                "schema": "2.0",
                "config": {"update_multi": true},
                "body": {"elements": [
                    {"tag": "markdown", "content": "Details?"},
                    {"tag": "form", "name": FORM_NAME, "elements": [
                        {"tag": "markdown", "content": "**reason** *"},
                        {"tag": "input", "placeholder": plain_json("reason"),
                         "name": "reason", "required": true},
                        {"tag": "markdown", "content": "**A note**"},
                        {"tag": "input", "placeholder": plain_json("A note"), "name": "note"},
                        {"tag": "markdown", "content": "**team** *"},
                        {"tag": "select_static", "options": [option("a"), option("b")],
                         "name": "team", "required": true},
                        {"tag": "markdown", "content": "**tags** *"},
                        {"tag": "multi_select_static", "options": [option("x")],
                         "name": "tags", "required": true},
                        {"tag": "checker", "text": plain_json("ok"), "name": "ok"},
                        {"tag": "markdown", "content": "**when** *"},
                        {"tag": "date_picker", "name": "when", "required": true},
                        {"tag": "button", "name": SUBMIT_NAME, "type": "primary_filled",
                         "form_action_type": "submit", "text": plain_json("Submit"),
                         "behaviors": [{"type": "callback", "value": {QUESTION_KEY: "q2"}}]},
                    ]},
                ]},
            })
        );
    }

    #[test]
    fn a_select_without_options_lists_none() {
        let question = Question {
            id: "q3".into(),
            text: "?".into(),
            ask: Ask::Form(vec![field("team", FieldKind::Select, &[])]),
        };
        let card = question_card(&question);
        assert_eq!(
            card["body"]["elements"][1]["elements"][1],
            json!({"tag": "select_static", "options": [], "name": "team", "required": true})
        );
    }

    #[test]
    fn an_answered_card_shows_the_question_a_divider_and_the_answer() {
        let question = q(Ask::Choices(vec!["Yes".into()]));
        assert_eq!(
            answered_card(&question, "✅ Answered: **Yes**"),
            json!({
                "schema": "2.0",
                "config": {"update_multi": true},
                "body": {"elements": [
                    {"tag": "markdown", "content": "Ship it?"},
                    {"tag": "hr"},
                    {"tag": "markdown", "content": "✅ Answered: **Yes**"},
                ]},
            })
        );
    }

    fn action(value: Value, form_value: Option<Value>) -> CardAction {
        let mut act = json!({"tag": "button", "value": value});
        if let Some(f) = form_value {
            act["form_value"] = f;
        }
        let body = json!({"schema": "2.0",
            "header": {"event_id": new_id(), "event_type": "card.action.trigger"},
            "event": {"operator": {"open_id": "ou_carol"}, "token": "c-42", "action": act}});
        match CardAction::from_json(body) {
            Ok(a) => a,
            Err(err) => panic!("{err}"),
        }
    }

    #[test]
    fn actions_reach_the_question_whose_id_they_carry_and_no_other() {
        let questions = Questions::default();
        let colour = Arc::new(q(Ask::Choices(vec!["Red".into(), "Blue".into()])));
        let size = Arc::new(q(Ask::Form(vec![field("size", FieldKind::Text, &[])])));
        let mut colour_rx = questions.register(colour.clone());
        let mut size_rx = questions.register(size.clone());
        assert_eq!(questions.waiting(), 2);

        // A click on another card: not ours, nothing answered.
        let (other, none) = questions.route(&action(json!({"do": "approve"}), None));
        assert!(other.toast.is_none() && other.card.is_none() && none.is_none());

        // The size form's submission goes to the size question only.
        let (answer, delivery) = questions.route(&action(
            json!({QUESTION_KEY: size.id}),
            Some(json!({"size": "XL"})),
        ));
        assert!(answer.card.is_some() && answer.toast.is_some());
        // Nothing reaches the caller before the answer went out.
        assert!(size_rx.try_recv().is_err());
        if let Some(delivery) = delivery {
            delivery.deliver();
        }
        let reply = size_rx.try_recv().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(reply.answer, json!({"values": {"size": "XL"}}));
        assert_eq!(
            (reply.user.as_str(), reply.token.as_deref()),
            ("ou_carol", Some("c-42"))
        );
        assert!(colour_rx.try_recv().is_err());

        // A second click on the answered question: closed.
        let (again, none) = questions.route(&action(json!({QUESTION_KEY: size.id}), None));
        assert!(again.card.is_none() && none.is_none());
        assert!(again.toast.is_some());

        let (_, delivery) =
            questions.route(&action(json!({QUESTION_KEY: colour.id, "choice": 1}), None));
        if let Some(delivery) = delivery {
            delivery.deliver();
        }
        let reply = colour_rx.try_recv().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(reply.answer, json!({"choice": "Blue", "index": 1}));
        assert_eq!(questions.waiting(), 0);
    }

    #[test]
    fn ids_are_unique() {
        let a = new_id();
        let b = new_id();
        assert_ne!(a, b);
    }

    #[test]
    fn questions_are_read_with_errors_a_model_can_fix() {
        let parse = |v: Value| {
            let m = v.as_object().cloned().unwrap_or_default();
            question(&Arguments(&m))
        };
        assert!(parse(json!({"question": "?", "choices": ["a", "b"]})).is_ok());
        let err = |v: Value| {
            parse(v).unwrap_err().0["error"]
                .as_str()
                .unwrap_or("")
                .to_owned()
        };
        assert!(err(json!({"question": "?"})).contains("`choices`"));
        assert!(err(json!({"question": "?", "choices": ["a"], "fields": []})).contains("not both"));
        assert!(err(json!({"question": "?", "choices": "a"})).contains("list of strings"));
        assert!(err(json!({"question": "?", "choices": ["a", "a"]})).contains("twice"));
        assert!(
            err(json!({"question": "?", "fields": [{"name": "x", "kind": "color"}]}))
                .contains("`fields[0].kind`")
        );
        assert!(
            err(json!({"question": "?", "fields": [{"name": "x", "kind": "select"}]}))
                .contains("`options`")
        );
        assert!(err(json!({"question": "?", "fields": [{"name": "a b"}]})).contains("letters"));
    }

    #[test]
    fn the_answers_file_plans_clicks_submissions_and_silence() {
        let answers = Answers::from_json(
            r#"{"Ship it?": "No", "Silent?": null, "*": {"reason": "because"}}"#,
        )
        .unwrap_or_default();
        let choices = q(Ask::Choices(vec!["Yes".into(), "No".into()]));
        assert_eq!(answers.plan(&choices), Some(Plan::Click(1)));
        let mut silent = choices.clone();
        silent.text = "Silent?".into();
        assert_eq!(answers.plan(&silent), None);
        let mut form = q(Ask::Form(vec![
            field("reason", FieldKind::Text, &[]),
            field("team", FieldKind::Select, &["a", "b"]),
        ]));
        form.text = "Other".into();
        assert_eq!(
            answers.plan(&form),
            Some(Plan::Submit(json!({"reason": "because", "team": "a"})))
        );
        assert_eq!(Answers::default().plan(&choices), Some(Plan::Click(0)));
        assert!(Answers::from_json("[1]").is_err());
        assert!(Answers::from_json("{").is_err());
    }
}
