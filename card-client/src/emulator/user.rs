//! The emulator plays the user: a click, a choice or a form submission on a sent card becomes
//! the `card.action.trigger` callback Feishu would POST to the bot, and the bot's answer is
//! applied to the card.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use card_core::model::{FormActionType, SelectImg, Tagged};
use serde_json::{json, Map, Value};
use tokio::time::Instant;

use super::components::{self, CallbackValue, Found};
use super::state::{push_bounded, Rejection};
use super::Emulator;
use crate::callback::{
    self, Answer, AnswerSent, CallbackHandler, CardAction, Deferred, CARD_ACTION_TRIGGER,
    NONCE_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER,
};

/// The verification token the emulator puts in callbacks unless told another.
pub const VERIFICATION_TOKEN: &str = "v-emulator-verification-token";
/// The tenant key of the emulated users unless told another.
pub const TENANT_KEY: &str = "emulator-tenant";

/// Who a user is, as a callback's `event.operator` names them.
///
/// ```
/// use card_client::emulator::UserIdentity;
///
/// let alice = UserIdentity::new("ou_alice").user_id("5d9e2f").name("Alice");
/// assert_eq!(alice.union_id, "on_alice");
/// assert_eq!(alice.utc_offset, "+0800");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct UserIdentity {
    /// `ou_…`, the id the bot's app knows the user by.
    pub open_id: String,
    /// The tenant-wide user id; Feishu sends it only to apps with the
    /// `contact:user.employee_id:readonly` scope, so it is left out unless set.
    pub user_id: Option<String>,
    /// `on_…`, the id across the developer's apps (by default `on_` and the open id's rest).
    pub union_id: String,
    /// A display name, for the emulator's records; Feishu does not send it.
    pub name: Option<String>,
    /// The time zone sent with date and time pickers (`event.action.timezone`).
    pub timezone: String,
    /// The UTC offset Feishu appends to picked dates and times, such as `+0800`.
    pub utc_offset: String,
}

impl UserIdentity {
    /// A user with this open id, in Asia/Shanghai (`+0800`).
    pub fn new(open_id: impl Into<String>) -> Self {
        let open_id = open_id.into();
        let rest = open_id.strip_prefix("ou_").unwrap_or(&open_id);
        UserIdentity {
            union_id: format!("on_{rest}"),
            open_id,
            user_id: None,
            name: None,
            timezone: "Asia/Shanghai".into(),
            utc_offset: "+0800".into(),
        }
    }

    /// The tenant-wide user id, sent as `operator.user_id`.
    pub fn user_id(mut self, user_id: impl Into<String>) -> Self {
        self.user_id = Some(user_id.into());
        self
    }

    /// The union id.
    pub fn union_id(mut self, union_id: impl Into<String>) -> Self {
        self.union_id = union_id.into();
        self
    }

    /// A display name.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// The time zone and its UTC offset (`"Europe/Berlin", "+0100"`).
    pub fn timezone(mut self, timezone: impl Into<String>, utc_offset: impl Into<String>) -> Self {
        self.timezone = timezone.into();
        self.utc_offset = utc_offset.into();
        self
    }
}

/// Which component a user acts on.
///
/// A plain string (`"Approve"`) is looked up as an `element_id`, then as a `name`, then as the
/// text the user sees (in any language); the first of these that matches anything decides. The
/// constructors look in one place only.
///
/// ```
/// use card_client::emulator::Target;
///
/// assert_eq!(Target::from("approve"), Target::Any("approve".into()));
/// assert_eq!(Target::text("Approve").to_string(), "the text \"Approve\"");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Target {
    /// An `element_id`, a `name` or a visible text, in that order.
    Any(String),
    /// The `element_id`.
    ElementId(String),
    /// The `name`.
    Name(String),
    /// The text shown on it (a button's or checker's `text`).
    Text(String),
}

impl Target {
    /// By `element_id` only.
    pub fn element_id(id: impl Into<String>) -> Self {
        Target::ElementId(id.into())
    }

    /// By `name` only.
    pub fn name(name: impl Into<String>) -> Self {
        Target::Name(name.into())
    }

    /// By visible text only.
    pub fn text(text: impl Into<String>) -> Self {
        Target::Text(text.into())
    }
}

impl From<&str> for Target {
    fn from(s: &str) -> Self {
        Target::Any(s.to_owned())
    }
}

impl From<String> for Target {
    fn from(s: String) -> Self {
        Target::Any(s)
    }
}

impl From<&String> for Target {
    fn from(s: &String) -> Self {
        Target::Any(s.clone())
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Target::Any(s) => write!(f, "{s:?}"),
            Target::ElementId(s) => write!(f, "element_id {s:?}"),
            Target::Name(s) => write!(f, "name {s:?}"),
            Target::Text(s) => write!(f, "the text {s:?}"),
        }
    }
}

/// Why the emulated user could not act: what Feishu's client would not let a user do, or an
/// emulator that does not know where the bot is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum UserError {
    /// No such message.
    #[error("no message {message_id} was sent by the bot through this emulator: users can only act on the bot's cards")]
    UnknownMessage {
        /// The message id given.
        message_id: String,
    },
    /// Nothing on the card matches.
    #[error("nothing on message {message_id} matches {target}; its interactive components: {}", list(.available))]
    NotFound {
        /// The message.
        message_id: String,
        /// The target, as given.
        target: String,
        /// The interactive components on the card.
        available: Vec<String>,
    },
    /// Several components match.
    #[error("{target} matches several components on message {message_id} ({}): name one by `Target::element_id`", list(.matches))]
    Ambiguous {
        /// The message.
        message_id: String,
        /// The target, as given.
        target: String,
        /// The components it matches.
        matches: Vec<String>,
    },
    /// The component cannot take this action (clicking a select, choosing on a button).
    #[error("{target} cannot be used this way: expected {expected}")]
    WrongComponent {
        /// The component found.
        target: String,
        /// What the action needs.
        expected: &'static str,
    },
    /// The component is disabled.
    #[error("{target} is disabled{}: Feishu's client does not let users act on it", .by.as_ref().map(|b| format!(" (inside the disabled {b})")).unwrap_or_default())]
    Disabled {
        /// The component (or option) found.
        target: String,
        /// The disabled container around it, if that is the reason.
        by: Option<String>,
    },
    /// Acting on the component sends the bot nothing.
    #[error("{target} sends the bot no callback: {reason}")]
    NoCallback {
        /// The component found.
        target: String,
        /// Why not.
        reason: &'static str,
    },
    /// The component sits in a form: its value goes with the form's submission.
    #[error("{target} is inside form `{form}`: its value is sent when the form is submitted; use `submit_form`")]
    InForm {
        /// The component found.
        target: String,
        /// The form's name.
        form: String,
    },
    /// No form by that name.
    #[error("no form named `{form}` on message {message_id}; its forms: {}", list(.available))]
    NoSuchForm {
        /// The message.
        message_id: String,
        /// The name given.
        form: String,
        /// The forms on the card.
        available: Vec<String>,
    },
    /// The form has no submit button, or several when none was named.
    #[error("form `{form}` has {} submit buttons{}", .buttons.len(), if .buttons.is_empty() { String::new() } else { format!(" ({}): name one with `submit_form_with`", list(.buttons)) })]
    SubmitButton {
        /// The form's name.
        form: String,
        /// Its submit buttons.
        buttons: Vec<String>,
    },
    /// The form values are not an object.
    #[error("form values must be a JSON object of field names to values, found {found}")]
    NotAnObject {
        /// What was given.
        found: String,
    },
    /// A value the form has no field for.
    #[error("form `{form}` has no field `{field}`; its fields: {}", list(.available))]
    UnknownField {
        /// The form's name.
        form: String,
        /// The name given.
        field: String,
        /// The form's field names.
        available: Vec<String>,
    },
    /// A required field left empty.
    #[error("form `{form}`: the required field `{field}` is empty; give it a value")]
    RequiredEmpty {
        /// The form's name.
        form: String,
        /// The field.
        field: String,
    },
    /// A value not among the component's options.
    #[error("{value:?} is not an option of {target}; its options: {}", list(.allowed))]
    NotAnOption {
        /// The component.
        target: String,
        /// The value given.
        value: String,
        /// The option values.
        allowed: Vec<String>,
    },
    /// A value of the wrong kind or format.
    #[error("{target}: {reason}")]
    BadValue {
        /// The component.
        target: String,
        /// What is wrong.
        reason: String,
    },
    /// The card is streaming.
    #[error("the card of message {message_id} is in streaming mode: Feishu disables its components until streaming is turned off")]
    Streaming {
        /// The message.
        message_id: String,
    },
    /// Neither a callback URL nor an in-process handler is set, and no long connection is
    /// open.
    #[error("the emulator does not know where the bot's callbacks go (Feishu would show 200340): set `EmulatorBuilder::callback_url`, `Emulator::set_callback_url` or `Emulator::deliver_to_handler`, or connect the bot over the long connection (`EmulatorBuilder::long_connection` waits for it)")]
    NoCallbackUrl,
}

fn list(items: &[String]) -> String {
    if items.is_empty() {
        "none".into()
    } else {
        items.join(", ")
    }
}

/// A toast the bot's answer showed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ShownToast {
    /// To whom (open id).
    pub user: String,
    /// On which message.
    pub message_id: String,
    /// `info`, `success`, `warning` or `error`.
    pub kind: String,
    /// The text, if the toast has one outside `i18n`.
    pub content: Option<String>,
    /// The text per locale (`zh_cn`, `en_us`, …).
    pub i18n: BTreeMap<String, String>,
}

impl ShownToast {
    /// The text a user reading `locale` sees: the translation, or else the content.
    pub fn text(&self, locale: &str) -> Option<&str> {
        self.i18n
            .get(locale)
            .map(String::as_str)
            .or(self.content.as_deref())
    }
}

/// Why Feishu's client showed the user an error instead of the bot's answer, with the code it
/// shows (spec `feishu-openapi.md` §5.1).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct InteractionFailure {
    /// 200341 (no answer in 3 s), 200342 (connection failed), 200080 (request failed), 200671
    /// (status not 200), 200672 (answer not valid), 200673 (card in the answer invalid), 200830
    /// (a 2.0 card answered with 1.0).
    pub code: i64,
    /// What happened.
    pub reason: String,
}

impl fmt::Display for InteractionFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.reason, self.code)
    }
}

/// What happened when the emulated user acted: the callback sent, the bot's answer, and what
/// it did to the card.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Interaction {
    /// Who acted (open id).
    pub user: String,
    /// On which message.
    pub message_id: String,
    /// The callback's `header.event_id`.
    pub event_id: String,
    /// The `c-…` update token the callback carried (30 minutes, 2 delayed updates).
    pub callback_token: String,
    /// The callback body before encryption.
    pub request: Value,
    /// The HTTP status the bot answered, if it answered in time (over the long connection:
    /// 200 when it acknowledged with code 200).
    pub status: Option<u16>,
    /// From sending the callback to reading the answer (or giving up), on tokio's clock.
    pub elapsed: Duration,
    /// The answer body, when it was JSON.
    pub answer: Option<Value>,
    /// The toast shown.
    pub toast: Option<ShownToast>,
    /// Whether the answer replaced the card with a different one.
    pub card_changed: bool,
    /// Set when the user saw an error instead of the answer.
    pub failure: Option<InteractionFailure>,
}

impl Interaction {
    /// Whether the bot answered in time with a valid answer.
    pub fn is_ok(&self) -> bool {
        self.failure.is_none()
    }
}

/// The status and body of the answer, and for an in-process bot the signal that it went out.
type Delivery = Pin<Box<dyn Future<Output = (u16, Vec<u8>, Option<AnswerSent>)> + Send>>;
type InProcess = Arc<dyn Fn(Vec<(String, String)>, Vec<u8>) -> Delivery + Send + Sync>;

/// Where callbacks go.
#[derive(Clone)]
pub(crate) enum Bot {
    Url(String),
    InProcess(InProcess),
    /// Over the long connection, to one connected client.
    LongConnection,
}

impl fmt::Debug for Bot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Bot::Url(url) => f.debug_tuple("Url").field(url).finish(),
            Bot::InProcess(_) => f.write_str("InProcess"),
            Bot::LongConnection => f.write_str("LongConnection"),
        }
    }
}

/// How callbacks are made: set on the builder, some of it changeable later.
#[derive(Debug, Clone)]
pub(crate) struct CallbackSettings {
    pub bot: Option<Bot>,
    pub verification_token: String,
    pub encrypt_key: Option<String>,
    pub tenant_key: String,
    pub users: HashMap<String, UserIdentity>,
    pub deadline: Duration,
}

impl Default for CallbackSettings {
    fn default() -> Self {
        CallbackSettings {
            bot: None,
            verification_token: VERIFICATION_TOKEN.into(),
            encrypt_key: None,
            tenant_key: TENANT_KEY.into(),
            users: HashMap::new(),
            deadline: callback::FEISHU_DEADLINE,
        }
    }
}

/// The user side of an emulator: settings and records.
#[derive(Debug)]
pub(crate) struct Players {
    settings: Mutex<CallbackSettings>,
    /// The most recent interactions, at most `history_limit` of them.
    interactions: Mutex<VecDeque<Interaction>>,
    history_limit: usize,
    http: reqwest::Client,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Players {
    pub(crate) fn new(settings: CallbackSettings, history_limit: usize) -> Self {
        // Feishu follows no redirects from a callback URL; a 3xx is a failed callback.
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap_or_default();
        Players {
            settings: Mutex::new(settings),
            interactions: Mutex::new(VecDeque::new()),
            history_limit,
            http,
        }
    }

    pub(crate) fn settings(&self) -> MutexGuard<'_, CallbackSettings> {
        lock(&self.settings)
    }

    pub(crate) fn interactions(&self) -> Vec<Interaction> {
        lock(&self.interactions).iter().cloned().collect()
    }

    /// Records an interaction, forgetting the oldest beyond the history limit.
    fn record(&self, interaction: Interaction) {
        // The interaction pushed out, with its request and answer, is freed after the lock is
        // released.
        let _forgotten = push_bounded(
            &mut lock(&self.interactions),
            interaction,
            self.history_limit,
        );
    }

    pub(crate) fn set_bot(&self, bot: Bot) {
        self.settings().bot = Some(bot);
    }
}

/// Wraps a [`CallbackHandler`] and the bot's function as an in-process bot.
pub(crate) fn in_process<F, Fut>(handler: CallbackHandler, callback: F) -> Bot
where
    F: Fn(CardAction, Deferred) -> Fut + Clone + Send + Sync + 'static,
    Fut: Future<Output = Answer> + Send + 'static,
{
    Bot::InProcess(Arc::new(move |headers, body| {
        let handler = handler.clone();
        let callback = callback.clone();
        Box::pin(async move {
            let answer = handler.handle(&headers, &body, callback).await;
            let sent = answer.sent_signal();
            (answer.status(), answer.into_body(), Some(sent))
        })
    }))
}

/// An emulated user, from [`Emulator::user`]. Each method finds a component on a sent card,
/// refuses what Feishu's client would refuse, and otherwise sends the bot the callback and
/// applies its answer.
///
/// Components with a `confirm` dialog are confirmed.
#[derive(Debug, Clone)]
pub struct User<'a> {
    emulator: &'a Emulator,
    identity: UserIdentity,
}

const CLICKABLE: &str = "a button or an interactive container";
const CHOOSABLE: &str =
    "a select_static, select_person, select_img, overflow, date_picker, picker_time or picker_datetime";

impl<'a> User<'a> {
    pub(crate) fn new(emulator: &'a Emulator, identity: UserIdentity) -> Self {
        User { emulator, identity }
    }

    /// Who this user is.
    pub fn identity(&self) -> &UserIdentity {
        &self.identity
    }

    /// Clicks a button or an interactive container.
    ///
    /// A submit button inside a form submits the form with its initial values (as
    /// [`User::submit_form`] with no values).
    ///
    /// # Errors
    ///
    /// [`UserError`] when the message, the component or the callback URL is missing, the
    /// target is not clickable, disabled, a reset button, or only opens a link.
    pub async fn click(
        &self,
        message_id: &str,
        target: impl Into<Target>,
    ) -> Result<Interaction, UserError> {
        let target = target.into();
        let card = self.card(message_id)?;
        let found = components::find(&card, message_id, &target, CLICKABLE, |f| {
            components::is_clickable(f.tag())
        })?;
        found.check_enabled()?;
        if let Some(form) = found.form.clone() {
            if components::is_button(found.tag()) {
                return match components::form_action(&found) {
                    Some(FormActionType::Submit) => {
                        let action = self.submission(&card, &form, &found, &Map::new())?;
                        self.deliver(message_id, action).await
                    }
                    Some(FormActionType::Reset) => Err(UserError::NoCallback {
                        target: found.describe(),
                        reason: "a reset button clears the form on the user's screen",
                    }),
                    _ => Err(UserError::NoCallback {
                        target: found.describe(),
                        reason: "a button inside a form without `form_action_type: submit` does not submit it",
                    }),
                };
            }
        }
        let value = match found.callback_value() {
            CallbackValue::Value(v) | CallbackValue::Default(v) => v,
            CallbackValue::None => {
                return Err(UserError::NoCallback {
                    target: found.describe(),
                    reason: "its behaviours only open a link",
                })
            }
        };
        let mut action = json!({"tag": found.tag()});
        put(&mut action, "value", value);
        put_str(&mut action, "name", found.str("name"));
        self.deliver(message_id, action).await
    }

    /// Submits form `form` with its only submit button. `values` maps field names to what the
    /// user puts in them: text for an input, an option value for a select, a list of values
    /// for a multi-select, `true`/`false` for a checker, `yyyy-MM-dd` / `HH:mm` /
    /// `yyyy-MM-dd HH:mm` for pickers (Feishu adds the user's UTC offset). Fields left out keep
    /// their initial value.
    ///
    /// # Errors
    ///
    /// [`UserError`] when the form does not exist, has no single submit button, a value names
    /// no field, does not fit it, is not among its options, fills a disabled field, or a
    /// required field stays empty.
    pub async fn submit_form(
        &self,
        message_id: &str,
        form: &str,
        values: Value,
    ) -> Result<Interaction, UserError> {
        let card = self.card(message_id)?;
        let submits: Vec<Found<'_>> = self
            .form_components(&card, message_id, form)?
            .into_iter()
            .filter(components::is_submit)
            .collect();
        let [button] = submits.as_slice() else {
            return Err(UserError::SubmitButton {
                form: form.to_owned(),
                buttons: submits.iter().map(Found::describe).collect(),
            });
        };
        button.check_enabled()?;
        let action = self.submission(&card, form, button, &object(values)?)?;
        self.deliver(message_id, action).await
    }

    /// Submits form `form` with the submit button `button`; see [`User::submit_form`].
    ///
    /// # Errors
    ///
    /// As [`User::submit_form`], and when `button` is not a submit button of the form.
    pub async fn submit_form_with(
        &self,
        message_id: &str,
        form: &str,
        button: impl Into<Target>,
        values: Value,
    ) -> Result<Interaction, UserError> {
        let card = self.card(message_id)?;
        self.form_components(&card, message_id, form)?;
        let button = components::find(
            &card,
            message_id,
            &button.into(),
            "a submit button of the form",
            |f| components::is_submit(f) && f.form.as_deref() == Some(form),
        )?;
        button.check_enabled()?;
        let action = self.submission(&card, form, &button, &object(values)?)?;
        self.deliver(message_id, action).await
    }

    /// Chooses `option` on a component outside a form: a select (`select_static`,
    /// `select_person`, `select_img`), an overflow menu, or a date/time picker (`yyyy-MM-dd`,
    /// `HH:mm`, `yyyy-MM-dd HH:mm`).
    ///
    /// # Errors
    ///
    /// [`UserError`] when the component is missing, not one of these, disabled, inside a form,
    /// or `option` is not among its options (or not in the picker's format).
    pub async fn choose(
        &self,
        message_id: &str,
        target: impl Into<Target>,
        option: &str,
    ) -> Result<Interaction, UserError> {
        let target = target.into();
        let card = self.card(message_id)?;
        let found = components::find(&card, message_id, &target, CHOOSABLE, |f| {
            components::is_choosable(f.tag())
        })?;
        self.standalone(&found)?;
        components::check_single(&found, option)?;
        let value = match found.callback_value() {
            CallbackValue::Value(v) | CallbackValue::Default(v) => v,
            CallbackValue::None => None,
        };
        let mut action = json!({"tag": found.tag()});
        put(&mut action, "value", value);
        put_str(&mut action, "name", found.str("name"));
        if found.tag() == SelectImg::TAG {
            // Feishu reports an image choice as a list, as for its multiple choice.
            action["options"] = json!([option]);
        } else if components::picker_format(found.tag()).is_some() {
            let picked = components::picked(&found, option, &self.identity.utc_offset)?;
            action["option"] = Value::String(picked);
            action["timezone"] = Value::String(self.identity.timezone.clone());
        } else {
            action["option"] = Value::String(option.to_owned());
        }
        self.deliver(message_id, action).await
    }

    /// Ticks (`checked: true`) or unticks a checker outside a form.
    ///
    /// # Errors
    ///
    /// [`UserError`] when the checker is missing, disabled, inside a form, or has no `callback`
    /// behaviour (Feishu then ticks it on the user's screen only).
    pub async fn tick(
        &self,
        message_id: &str,
        target: impl Into<Target>,
        checked: bool,
    ) -> Result<Interaction, UserError> {
        let target = target.into();
        let card = self.card(message_id)?;
        let found = components::find(&card, message_id, &target, "a checker", |f| {
            components::is_checker(f.tag())
        })?;
        self.standalone(&found)?;
        let CallbackValue::Value(value) = found.callback_value() else {
            return Err(UserError::NoCallback {
                target: found.describe(),
                reason: "a checker calls back only with a `callback` behaviour",
            });
        };
        let mut action = json!({"tag": found.tag(), "checked": checked});
        put(&mut action, "value", value);
        put_str(&mut action, "name", found.str("name"));
        self.deliver(message_id, action).await
    }

    /// Types `text` into an input outside a form and presses Enter.
    ///
    /// # Errors
    ///
    /// [`UserError`] when the input is missing, disabled, inside a form, or `text` is longer
    /// than its `max_length`.
    pub async fn input(
        &self,
        message_id: &str,
        target: impl Into<Target>,
        text: &str,
    ) -> Result<Interaction, UserError> {
        let target = target.into();
        let card = self.card(message_id)?;
        let found = components::find(&card, message_id, &target, "an input", |f| {
            components::is_text_input(f.tag())
        })?;
        self.standalone(&found)?;
        let max = found
            .element
            .get("max_length")
            .and_then(Value::as_u64)
            .unwrap_or_else(|| components::input_max_length(found.tag()));
        let len = text.chars().count() as u64;
        if len > max {
            return Err(UserError::BadValue {
                target: found.describe(),
                reason: format!("{len} characters, but the input takes at most {max}"),
            });
        }
        let value = match found.callback_value() {
            CallbackValue::Value(v) | CallbackValue::Default(v) => v,
            CallbackValue::None => None,
        };
        let mut action = json!({"tag": "input", "input_value": text});
        put(&mut action, "value", value);
        put_str(&mut action, "name", found.str("name"));
        self.deliver(message_id, action).await
    }

    /// The card the user sees on `message_id`, if they may act on it (shared with the
    /// emulator's state, not copied).
    fn card(&self, message_id: &str) -> Result<Arc<Value>, UserError> {
        let now = self.emulator.now();
        let found = self.emulator.shared.state().card_for_user(message_id, now);
        let Some((card, streaming)) = found else {
            return Err(UserError::UnknownMessage {
                message_id: message_id.to_owned(),
            });
        };
        if streaming {
            return Err(UserError::Streaming {
                message_id: message_id.to_owned(),
            });
        }
        Ok(card)
    }

    /// Refuses a component that is disabled or sits in a form.
    fn standalone(&self, found: &Found<'_>) -> Result<(), UserError> {
        found.check_enabled()?;
        if let Some(form) = &found.form {
            return Err(UserError::InForm {
                target: found.describe(),
                form: form.clone(),
            });
        }
        Ok(())
    }

    fn form_components<'c>(
        &self,
        card: &'c Value,
        message_id: &str,
        form: &str,
    ) -> Result<Vec<Found<'c>>, UserError> {
        let all = components::all(card);
        let forms: Vec<String> = all
            .iter()
            .filter(|f| f.tag() == "form")
            .filter_map(|f| f.str("name").map(str::to_owned))
            .collect();
        if !forms.iter().any(|f| f == form) {
            return Err(UserError::NoSuchForm {
                message_id: message_id.to_owned(),
                form: form.to_owned(),
                available: forms,
            });
        }
        Ok(all
            .into_iter()
            .filter(|f| f.form.as_deref() == Some(form))
            .collect())
    }

    /// The `event.action` of a form submission through `button`.
    fn submission(
        &self,
        card: &Value,
        form: &str,
        button: &Found<'_>,
        values: &Map<String, Value>,
    ) -> Result<Value, UserError> {
        let form_value = components::fill_form(card, form, values, &self.identity.utc_offset)?;
        let mut action = json!({
            "tag": "button",
            "form_value": form_value,
            "timezone": self.identity.timezone,
        });
        if let CallbackValue::Value(v) | CallbackValue::Default(v) = button.callback_value() {
            put(&mut action, "value", v);
        }
        put_str(&mut action, "name", button.str("name"));
        Ok(action)
    }

    /// Sends the callback for `action` on `message_id` and applies the answer.
    async fn deliver(&self, message_id: &str, action: Value) -> Result<Interaction, UserError> {
        let emulator = self.emulator;
        let settings = emulator.players.settings().clone();
        let bot = match settings.bot.clone() {
            Some(bot) => bot,
            None if !emulator.long_connections().is_empty() => Bot::LongConnection,
            None => return Err(UserError::NoCallbackUrl),
        };
        let now = emulator.now();
        let (chat_id, event_id, token, nonce, iv) = {
            let mut state = emulator.shared.state();
            let Some(chat_id) = state.chat_id(message_id).map(str::to_owned) else {
                return Err(UserError::UnknownMessage {
                    message_id: message_id.to_owned(),
                });
            };
            let token = state.mint_callback_token(message_id, now);
            let event_id = state.random_hex(32);
            let nonce = state.random_hex(16);
            let iv: [u8; 16] = std::array::from_fn(|_| state.rng.u8(..));
            (chat_id, event_id, token, nonce, iv)
        };
        let Some(token) = token else {
            return Err(UserError::UnknownMessage {
                message_id: message_id.to_owned(),
            });
        };
        let unix = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default();
        let mut operator = json!({
            "tenant_key": settings.tenant_key,
            "open_id": self.identity.open_id,
            "union_id": self.identity.union_id,
        });
        put_str(&mut operator, "user_id", self.identity.user_id.as_deref());
        let request = json!({
            "schema": "2.0",
            "header": {
                "event_id": event_id,
                "token": settings.verification_token,
                "create_time": unix.as_micros().to_string(),
                "event_type": CARD_ACTION_TRIGGER,
                "tenant_key": settings.tenant_key,
                "app_id": emulator.app_id(),
            },
            "event": {
                "operator": operator,
                "token": token,
                "action": action,
                "host": "im_message",
                "context": {"open_message_id": message_id, "open_chat_id": chat_id},
            }
        });
        let plain = request.to_string();
        let mut headers = vec![("Content-Type".to_owned(), "application/json".to_owned())];
        let body = match &settings.encrypt_key {
            // The long connection carries the plain JSON: no encryption, no signature.
            Some(key) if !matches!(bot, Bot::LongConnection) => {
                let sealed = callback::encrypt(key, plain.as_bytes(), iv);
                let body = json!({ "encrypt": sealed }).to_string().into_bytes();
                let timestamp = unix.as_secs().to_string();
                let signature = callback::signature(&timestamp, &nonce, key, &body);
                headers.push((TIMESTAMP_HEADER.to_owned(), timestamp));
                headers.push((NONCE_HEADER.to_owned(), nonce));
                headers.push((SIGNATURE_HEADER.to_owned(), signature));
                body
            }
            _ => plain.into_bytes(),
        };

        let started = Instant::now();
        let delivered = match bot {
            Bot::Url(url) => {
                let mut post = emulator.players.http.post(&url);
                for (name, value) in &headers {
                    post = post.header(name, value);
                }
                let exchange = async {
                    let response = post.body(body).send().await?;
                    let status = response.status().as_u16();
                    let bytes = response.bytes().await?;
                    Ok::<_, reqwest::Error>((status, bytes.to_vec()))
                };
                match tokio::time::timeout(settings.deadline, exchange).await {
                    Ok(Ok((status, body))) => Ok((status, body, None)),
                    Ok(Err(e)) if e.is_connect() => Err(InteractionFailure {
                        code: 200342,
                        reason: format!("could not connect to the callback URL {url}: {e}"),
                    }),
                    Ok(Err(e)) => Err(InteractionFailure {
                        code: 200080,
                        reason: format!("the callback request to {url} failed: {e}"),
                    }),
                    Err(_) => Err(timed_out(settings.deadline)),
                }
            }
            Bot::InProcess(deliver) => {
                match tokio::time::timeout(settings.deadline, deliver(headers, body)).await {
                    Ok(answer) => Ok(answer),
                    Err(_) => Err(timed_out(settings.deadline)),
                }
            }
            Bot::LongConnection => {
                super::ws::deliver_callback(&emulator.shared, &event_id, body, settings.deadline)
                    .await
            }
        };
        let elapsed = started.elapsed();

        let mut interaction = Interaction {
            user: self.identity.open_id.clone(),
            message_id: message_id.to_owned(),
            event_id,
            callback_token: token,
            request,
            status: None,
            elapsed,
            answer: None,
            toast: None,
            card_changed: false,
            failure: None,
        };
        match delivered {
            Ok((status, body, sent)) => {
                interaction.status = Some(status);
                self.apply(&mut interaction, status, &body);
                // Only now may the bot's delayed updates start: Feishu applies the answer
                // first, and an update arriving before it could be overwritten.
                if let Some(sent) = sent {
                    sent.mark();
                }
            }
            Err(failure) => interaction.failure = Some(failure),
        }
        match &interaction.failure {
            None => tracing::debug!(
                message_id,
                event_id = interaction.event_id,
                "emulated user's callback answered"
            ),
            Some(failure) => tracing::info!(
                message_id,
                event_id = interaction.event_id,
                "emulated user's callback failed: {failure}"
            ),
        }
        emulator.players.record(interaction.clone());
        Ok(interaction)
    }

    /// Applies the bot's answer as Feishu does: a toast, a new card, or an error for the user.
    fn apply(&self, interaction: &mut Interaction, status: u16, body: &[u8]) {
        let fail = |code, reason: String| Some(InteractionFailure { code, reason });
        if status != 200 {
            let text = String::from_utf8_lossy(body);
            interaction.failure = fail(
                200671,
                format!("the bot answered HTTP {status} (Feishu needs 200): {text}"),
            );
            return;
        }
        let answer = match serde_json::from_slice::<Value>(body) {
            Ok(Value::Object(answer)) => answer,
            Ok(other) => {
                interaction.failure = fail(
                    200672,
                    format!("the answer must be a JSON object, found {other}"),
                );
                return;
            }
            Err(e) => {
                interaction.failure = fail(200672, format!("the answer is not JSON: {e}"));
                return;
            }
        };
        let toast = answer
            .get("toast")
            .map(|t| self.toast(t, &interaction.message_id));
        let card = answer.get("card").map(|card| self.answer_card(card));
        interaction.answer = Some(Value::Object(answer));
        let toast = match toast {
            Some(Ok(toast)) => Some(toast),
            Some(Err(reason)) => {
                interaction.failure = fail(200672, reason);
                return;
            }
            None => None,
        };
        match card {
            None => {}
            Some(Ok(card)) => {
                let applied = self.emulator.shared.state().apply_callback_card(
                    &interaction.message_id,
                    card,
                    false,
                );
                match applied {
                    Ok(changed) => interaction.card_changed = changed,
                    Err(rejection) => {
                        let code = if rejection.code == 200830 {
                            200830
                        } else {
                            200673
                        };
                        interaction.failure = fail(
                            code,
                            format!(
                                "the card in the answer was refused: {} ({})",
                                rejection.msg, rejection.code
                            ),
                        );
                        return;
                    }
                }
            }
            Some(Err(rejection)) => {
                interaction.failure = fail(rejection.code, rejection.msg);
                return;
            }
        }
        interaction.toast = toast;
    }

    /// Reads the `toast` of an answer.
    fn toast(&self, toast: &Value, message_id: &str) -> Result<ShownToast, String> {
        let kind = toast.get("type").and_then(Value::as_str).unwrap_or("");
        if !matches!(kind, "info" | "success" | "error" | "warning") {
            return Err(format!(
                "`toast.type` must be info, success, error or warning, found {}",
                toast.get("type").unwrap_or(&Value::Null)
            ));
        }
        let content = match toast.get("content") {
            None => None,
            Some(Value::String(s)) => Some(s.clone()),
            Some(other) => return Err(format!("`toast.content` must be a string, found {other}")),
        };
        let mut i18n = BTreeMap::new();
        match toast.get("i18n") {
            None => {}
            Some(Value::Object(map)) => {
                for (locale, text) in map {
                    let Some(text) = text.as_str() else {
                        return Err(format!("`toast.i18n.{locale}` must be a string"));
                    };
                    i18n.insert(locale.clone(), text.to_owned());
                }
            }
            Some(other) => return Err(format!("`toast.i18n` must be an object, found {other}")),
        }
        if content.is_none() && i18n.is_empty() {
            return Err("the toast has neither `content` nor `i18n`".into());
        }
        Ok(ShownToast {
            user: self.identity.open_id.clone(),
            message_id: message_id.to_owned(),
            kind: kind.to_owned(),
            content,
            i18n,
        })
    }

    /// The card JSON an answer's `card` stands for.
    fn answer_card(&self, card: &Value) -> Result<Value, Rejection> {
        let data = card.get("data");
        match (card.get("type").and_then(Value::as_str), data) {
            (Some("raw"), Some(data @ Value::Object(_))) => Ok(data.clone()),
            (Some("template"), Some(data @ Value::Object(_))) => self
                .emulator
                .shared
                .state()
                .render_template(data)
                .map_err(|r| Rejection::new(200673, format!("the answer's template: {}", r.msg))),
            (Some("raw" | "template"), _) => Err(Rejection::new(
                200672,
                "`card.data` must be an object (a card, or a template's id and variables)",
            )),
            _ => Err(Rejection::new(
                200672,
                "`card.type` must be \"raw\" or \"template\"",
            )),
        }
    }
}

fn timed_out(deadline: Duration) -> InteractionFailure {
    InteractionFailure {
        code: 200341,
        reason: format!("the bot did not answer within {deadline:?}"),
    }
}

fn object(values: Value) -> Result<Map<String, Value>, UserError> {
    match values {
        Value::Object(map) => Ok(map),
        Value::Null => Ok(Map::new()),
        other => Err(UserError::NotAnObject {
            found: other.to_string(),
        }),
    }
}

fn put(target: &mut Value, key: &str, value: Option<Value>) {
    if let (Some(value), Some(object)) = (value, target.as_object_mut()) {
        object.insert(key.to_owned(), value);
    }
}

fn put_str(target: &mut Value, key: &str, value: Option<&str>) {
    put(target, key, value.map(|s| Value::String(s.to_owned())));
}
