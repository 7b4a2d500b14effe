//! Interactive components: `input`, `button`, `overflow`, the selects and user pickers, the
//! date and time pickers, `select_img`, `checker`.

use std::borrow::Cow;

use serde_json::Value;

use super::common::*;
use super::values::*;
use super::Unknown;
use crate::registry::kinds::*;
use crate::registry::rule::*;
use crate::registry::{Format, Kind, BUTTON};

/// Adds `behavior`, `callback` and `open_url` to a component with `behaviors`.
macro_rules! behavior_builders {
    ($($name:ident),*) => {$(
        impl $name {
            /// Adds a behaviour.
            #[must_use]
            pub fn behavior(mut self, behavior: impl Into<Behavior>) -> Self {
                self.behaviors.get_or_insert_with(Vec::new).push(behavior.into());
                self
            }

            /// Adds a callback that sends this value to the bot.
            #[must_use]
            pub fn callback(self, value: impl Into<Value>) -> Self {
                self.behavior(Behavior::callback(value))
            }
        }
    )*};
}

model_struct! {
    /// A text field (`input`).
    ///
    /// ```
    /// use card_core::model::{Input, InputType};
    ///
    /// let reason = Input::new("reason").placeholder("Why?").input_type(InputType::MultilineText).rows(3);
    /// assert_eq!(reason.name.as_deref(), Some("reason"));
    /// ```
    pub struct Input {
        /// Id for the element APIs.
        #[attr(ELEMENT_ID)]
        element_id: Option<Cow<'static, str>>,
        /// Outer margin.
        #[attr(MARGIN_ATTR)]
        margin: Option<Edges>,
        /// The field name in a form (required there, unique in the card).
        #[attr(NAME)]
        name: Option<Cow<'static, str>>,
        /// Whether the form may not be submitted without it (forms only).
        #[attr(REQUIRED)]
        required: Option<bool>,
        /// Placeholder.
        #[attr(PLACEHOLDER)]
        placeholder: Option<PlainText>,
        /// Initial text.
        #[attr(kind(Kind::Str))]
        default_value: Option<Cow<'static, str>>,
        /// Initial text per language.
        #[attr(kind(LOCALE_STR))]
        i18n_default_value: Option<I18n<Cow<'static, str>>>,
        /// Whether editing is disabled.
        #[attr(DISABLED)]
        disabled: Option<bool>,
        /// Tip shown when disabled.
        #[attr(DISABLED_TIPS)]
        disabled_tips: Option<PlainText>,
        /// Width.
        #[attr(WIDTH_WIDGET)]
        width: Option<Width>,
        /// Most characters (1 to 1000).
        #[attr(kind(Kind::Int { min: 1, max: 1000 }))]
        max_length: Option<u32>,
        /// Kind of input.
        #[attr(enum_of(&InputType::ENUM))]
        input_type: Option<InputType>,
        /// Whether the password eye shows.
        #[attr(kind(Kind::Bool))]
        show_icon: Option<bool>,
        /// Rows of a multi-line input.
        #[attr(kind(Kind::Int { min: 1, max: UNBOUNDED }).lenient())]
        rows: Option<u32>,
        /// Whether a multi-line input grows with its text (PC).
        #[attr(kind(Kind::Bool))]
        auto_resize: Option<bool>,
        /// Most rows when growing.
        #[attr(kind(Kind::Number { min: 1.0, max: f64::MAX })
            .lenient()
            .note("values below 1 become 1 and fractions are rounded: lenient"))]
        max_rows: Option<Number>,
        /// Label.
        #[attr(kind(TEXT))]
        label: Option<PlainText>,
        /// Where the label sits.
        #[attr(enum_of(&LabelPosition::ENUM))]
        label_position: Option<LabelPosition>,
        /// What submitting does.
        #[attr(BEHAVIORS_ATTR)]
        behaviors: Option<Vec<Behavior>>,
        /// Dialog shown before submitting.
        #[attr(CONFIRM_ATTR)]
        confirm: Option<Box<Confirm>>,
        /// The history callback value.
        #[attr(HISTORY_VALUE)]
        value: Option<Value>,
    }
}

impl Input {
    /// An input with this field name.
    pub fn new(name: impl Into<Cow<'static, str>>) -> Self {
        Input {
            name: Some(name.into()),
            ..Default::default()
        }
    }
}

model_struct! {
    /// A button (`button`).
    ///
    /// ```
    /// use card_core::model::{Button, ButtonType};
    /// use serde_json::json;
    ///
    /// let ok = Button::new("OK").r#type(ButtonType::PrimaryFilled).callback(json!({"action": "confirm"}));
    /// assert_eq!(
    ///     serde_json::to_value(&ok).unwrap(),
    ///     json!({
    ///         "type": "primary_filled",
    ///         "text": {"tag": "plain_text", "content": "OK"},
    ///         "behaviors": [{"type": "callback", "value": {"action": "confirm"}}]
    ///     })
    /// );
    /// ```
    pub struct Button {
        /// Id for the element APIs.
        #[attr(ELEMENT_ID)]
        element_id: Option<Cow<'static, str>>,
        /// Outer margin.
        #[attr(MARGIN_ATTR)]
        margin: Option<Edges>,
        /// Style.
        #[attr(enum_of(&ButtonType::ENUM))]
        r#type: Option<ButtonType>,
        /// Size.
        #[attr(enum_of(&ButtonSize::ENUM))]
        size: Option<ButtonSize>,
        /// Width.
        #[attr(WIDTH_WIDGET)]
        width: Option<Width>,
        /// Label.
        #[attr(kind(TEXT_100))]
        text: Option<PlainText>,
        /// Icon before the label.
        #[attr(kind(ICON))]
        icon: Option<Icon>,
        /// Tip shown on hover (PC).
        #[attr(HOVER_TIPS)]
        hover_tips: Option<PlainText>,
        /// Whether clicks are disabled.
        #[attr(DISABLED)]
        disabled: Option<bool>,
        /// Tip shown when disabled.
        #[attr(DISABLED_TIPS)]
        disabled_tips: Option<PlainText>,
        /// Dialog shown before the click is sent.
        #[attr(CONFIRM_ATTR)]
        confirm: Option<Box<Confirm>>,
        /// What a click does.
        #[attr(BEHAVIORS_ATTR)]
        behaviors: Option<Vec<Behavior>>,
        /// The button's name in a form (required there, unique in the card).
        #[attr(NAME)]
        name: Option<Cow<'static, str>>,
        /// What the button does in a form.
        #[attr(enum_of(&FormActionType::ENUM))]
        form_action_type: Option<FormActionType>,
        /// The 1.0 action (still sent by live bots).
        #[attr(enum_of(&ActionType::ENUM).legacy(
            LEGACY_PROPERTY,
            "use `form_action_type: \"submit\"` or `\"reset\"`",
        ))]
        action_type: Option<ActionType>,
        /// The 1.0 callback value.
        #[attr(kind(Kind::Json).legacy(
            LEGACY_PROPERTY,
            "use `behaviors: [{\"type\": \"callback\", \"value\": ...}]`",
        ))]
        value: Option<Value>,
        /// The 1.0 link.
        #[attr(kind(Kind::Str).legacy(
            LEGACY_PROPERTY,
            "use `behaviors: [{\"type\": \"open_url\", \"default_url\": ...}]`",
        ))]
        url: Option<Cow<'static, str>>,
        /// The 1.0 links per platform.
        #[attr(kind(MULTI_URL).legacy(
            LEGACY_PROPERTY,
            "use an `open_url` behaviour with per-platform URLs",
        ))]
        multi_url: Option<MultiUrl>,
        /// The 1.0 switch for link-and-callback buttons.
        #[attr(kind(Kind::Bool).legacy(LEGACY_PROPERTY, "list several `behaviors` instead"))]
        complex_interaction: Option<bool>,
    }
}

impl Button {
    /// A button with this label.
    pub fn new(text: impl Into<PlainText>) -> Self {
        Button {
            text: Some(text.into()),
            ..Default::default()
        }
    }

    /// Adds a link.
    #[must_use]
    pub fn open_url(self, url: impl Into<Cow<'static, str>>) -> Self {
        self.behavior(Behavior::open_url(url))
    }
}

model_struct! {
    /// A "…" menu of links and actions (`overflow`).
    pub struct Overflow {
        /// Id for the element APIs.
        #[attr(ELEMENT_ID)]
        element_id: Option<Cow<'static, str>>,
        /// Outer margin.
        #[attr(MARGIN_ATTR)]
        margin: Option<Edges>,
        /// The menu entries.
        #[attr(kind(Kind::List(&Kind::Object(OverflowOption::ATTRS))).required())]
        options: Vec<OverflowOption>,
        /// Width.
        #[attr(WIDTH_WIDGET)]
        width: Option<Width>,
        /// What a choice does besides sending the option's value.
        #[attr(BEHAVIORS_ATTR)]
        behaviors: Option<Vec<Behavior>>,
        /// Dialog shown before the choice is sent.
        #[attr(CONFIRM_ATTR)]
        confirm: Option<Box<Confirm>>,
        /// The history callback value.
        #[attr(HISTORY_VALUE)]
        value: Option<Value>,
    }
}

impl Overflow {
    /// An empty menu.
    pub fn new() -> Self {
        Overflow::default()
    }

    /// Adds an entry.
    #[must_use]
    pub fn option(mut self, option: OverflowOption) -> Self {
        self.options.push(option);
        self
    }
}

model_struct! {
    /// One entry of an [`Overflow`] menu.
    pub struct OverflowOption {
        /// Label.
        #[attr(kind(TEXT_100))]
        text: Option<PlainText>,
        /// Links per platform.
        #[attr(kind(MULTI_URL))]
        multi_url: Option<MultiUrl>,
        /// What the bot receives as `action.option`.
        #[attr(kind(Kind::Str))]
        value: Option<Cow<'static, str>>,
    }
}

impl OverflowOption {
    /// An entry with this label and value.
    pub fn new(text: impl Into<PlainText>, value: impl Into<Cow<'static, str>>) -> Self {
        OverflowOption {
            text: Some(text.into()),
            value: Some(value.into()),
            ..Default::default()
        }
    }
}

model_struct! {
    /// One choice of a drop-down menu.
    pub struct SelectOption {
        /// Label.
        #[attr(kind(TEXT_100).required())]
        text: PlainText,
        /// Icon before the label.
        #[attr(kind(ICON))]
        icon: Option<Icon>,
        /// What the bot receives; unique within the menu.
        #[attr(kind(Kind::Str).required())]
        value: Cow<'static, str>,
    }
}

impl SelectOption {
    /// A choice with this label and value.
    pub fn new(text: impl Into<PlainText>, value: impl Into<Cow<'static, str>>) -> Self {
        SelectOption {
            text: text.into(),
            value: value.into(),
            icon: None,
            unknown: Unknown::new(),
        }
    }
}

/// The choices of the drop-down menus.
const OPTION_TEXT_VALUE: Kind = Kind::Object(SelectOption::ATTRS);

model_struct! {
    /// A single-choice drop-down menu (`select_static`).
    ///
    /// ```
    /// use card_core::model::{SelectOption, SelectStatic};
    ///
    /// let priority = SelectStatic::new("priority")
    ///     .option(SelectOption::new("High", "high"))
    ///     .option(SelectOption::new("Low", "low"));
    /// assert_eq!(priority.options.map(|o| o.len()), Some(2));
    /// ```
    pub struct SelectStatic {
        /// Id for the element APIs.
        #[attr(ELEMENT_ID)]
        element_id: Option<Cow<'static, str>>,
        /// Outer margin.
        #[attr(MARGIN_ATTR)]
        margin: Option<Edges>,
        /// Look.
        #[attr(enum_of(&SelectType::ENUM))]
        r#type: Option<SelectType>,
        /// The field name in a form.
        #[attr(NAME)]
        name: Option<Cow<'static, str>>,
        /// Whether a choice is required (forms only).
        #[attr(REQUIRED)]
        required: Option<bool>,
        /// Whether the menu is disabled.
        #[attr(DISABLED)]
        disabled: Option<bool>,
        /// The value chosen at first.
        #[attr(kind(Kind::Str))]
        initial_option: Option<Cow<'static, str>>,
        /// The 1-based index chosen at first.
        #[attr(kind(Kind::Int { min: 0, max: UNBOUNDED }))]
        initial_index: Option<u32>,
        /// Placeholder.
        #[attr(PLACEHOLDER)]
        placeholder: Option<PlainText>,
        /// Width.
        #[attr(WIDTH_WIDGET)]
        width: Option<Width>,
        /// The choices.
        #[attr(kind(Kind::List(&OPTION_TEXT_VALUE)))]
        options: Option<Vec<SelectOption>>,
        /// What a choice does.
        #[attr(BEHAVIORS_ATTR)]
        behaviors: Option<Vec<Behavior>>,
        /// Dialog shown before the choice is sent.
        #[attr(CONFIRM_ATTR)]
        confirm: Option<Box<Confirm>>,
        /// The history callback value.
        #[attr(HISTORY_VALUE)]
        value: Option<Value>,
    }
}

impl SelectStatic {
    /// An empty menu with this field name.
    pub fn new(name: impl Into<Cow<'static, str>>) -> Self {
        SelectStatic {
            name: Some(name.into()),
            ..Default::default()
        }
    }

    /// Adds a choice.
    #[must_use]
    pub fn option(mut self, option: SelectOption) -> Self {
        self.options.get_or_insert_with(Vec::new).push(option);
        self
    }
}

model_struct! {
    /// A multiple-choice drop-down menu (`multi_select_static`). Only inside a form.
    pub struct MultiSelectStatic {
        /// Id for the element APIs.
        #[attr(ELEMENT_ID)]
        element_id: Option<Cow<'static, str>>,
        /// Outer margin.
        #[attr(MARGIN_ATTR)]
        margin: Option<Edges>,
        /// Look.
        #[attr(enum_of(&SelectType::ENUM))]
        r#type: Option<SelectType>,
        /// The field name, unique in the card.
        #[attr(NAME)]
        name: Cow<'static, str>,
        /// Whether a choice is required.
        #[attr(REQUIRED)]
        required: Option<bool>,
        /// Whether the menu is disabled.
        #[attr(DISABLED)]
        disabled: Option<bool>,
        /// Placeholder.
        #[attr(PLACEHOLDER)]
        placeholder: Option<PlainText>,
        /// Width.
        #[attr(WIDTH_WIDGET)]
        width: Option<Width>,
        /// The values chosen at first.
        #[attr(kind(Kind::List(&Kind::Str)))]
        selected_values: Option<Vec<Cow<'static, str>>>,
        /// The choices.
        #[attr(kind(Kind::List(&OPTION_TEXT_VALUE)))]
        options: Option<Vec<SelectOption>>,
        /// What a choice does.
        #[attr(BEHAVIORS_ATTR)]
        behaviors: Option<Vec<Behavior>>,
        /// Dialog shown before the choice is sent.
        #[attr(CONFIRM_ATTR)]
        confirm: Option<Box<Confirm>>,
    }
}

impl MultiSelectStatic {
    /// An empty menu with this field name.
    pub fn new(name: impl Into<Cow<'static, str>>) -> Self {
        MultiSelectStatic {
            name: name.into(),
            ..Default::default()
        }
    }

    /// Adds a choice.
    #[must_use]
    pub fn option(mut self, option: SelectOption) -> Self {
        self.options.get_or_insert_with(Vec::new).push(option);
        self
    }
}

model_struct! {
    /// One user offered by a user picker.
    pub struct PersonOption {
        /// The user's open_id.
        #[attr(kind(Kind::Str).required())]
        value: Cow<'static, str>,
    }
}

impl PersonOption {
    /// The user with this open_id.
    pub fn new(open_id: impl Into<Cow<'static, str>>) -> Self {
        PersonOption {
            value: open_id.into(),
            unknown: Unknown::new(),
        }
    }
}

/// The users offered by the user pickers.
const PERSON_OPTION: Kind = Kind::Object(PersonOption::ATTRS);

model_struct! {
    /// A single-user picker (`select_person`).
    pub struct SelectPerson {
        /// Id for the element APIs.
        #[attr(ELEMENT_ID)]
        element_id: Option<Cow<'static, str>>,
        /// Outer margin.
        #[attr(MARGIN_ATTR)]
        margin: Option<Edges>,
        /// Look.
        #[attr(enum_of(&SelectType::ENUM))]
        r#type: Option<SelectType>,
        /// The field name in a form.
        #[attr(NAME.note(
            "missing from the table, shown in the form callback example: accepted, and required \
             inside a form like every field",
        ))]
        name: Option<Cow<'static, str>>,
        /// Whether a choice is required (forms only).
        #[attr(REQUIRED)]
        required: Option<bool>,
        /// Whether the picker is disabled.
        #[attr(DISABLED)]
        disabled: Option<bool>,
        /// The open_id chosen at first.
        #[attr(kind(Kind::Str))]
        initial_option: Option<Cow<'static, str>>,
        /// Placeholder.
        #[attr(PLACEHOLDER)]
        placeholder: Option<PlainText>,
        /// Width.
        #[attr(WIDTH_WIDGET)]
        width: Option<Width>,
        /// The users offered (empty: everyone in the chat).
        #[attr(kind(Kind::List(&PERSON_OPTION)))]
        options: Option<Vec<PersonOption>>,
        /// What a choice does.
        #[attr(BEHAVIORS_ATTR)]
        behaviors: Option<Vec<Behavior>>,
        /// Dialog shown before the choice is sent.
        #[attr(CONFIRM_ATTR)]
        confirm: Option<Box<Confirm>>,
        /// The history callback value.
        #[attr(HISTORY_VALUE)]
        value: Option<Value>,
    }
}

impl SelectPerson {
    /// A picker with this field name.
    pub fn new(name: impl Into<Cow<'static, str>>) -> Self {
        SelectPerson {
            name: Some(name.into()),
            ..Default::default()
        }
    }
}

model_struct! {
    /// A multiple-user picker (`multi_select_person`). Only inside a form.
    pub struct MultiSelectPerson {
        /// Id for the element APIs.
        #[attr(ELEMENT_ID)]
        element_id: Option<Cow<'static, str>>,
        /// Outer margin.
        #[attr(MARGIN_ATTR)]
        margin: Option<Edges>,
        /// Look.
        #[attr(enum_of(&SelectType::ENUM))]
        r#type: Option<SelectType>,
        /// The field name, unique in the card.
        #[attr(NAME)]
        name: Cow<'static, str>,
        /// Whether a choice is required.
        #[attr(REQUIRED)]
        required: Option<bool>,
        /// Whether the picker is disabled.
        #[attr(DISABLED)]
        disabled: Option<bool>,
        /// Placeholder.
        #[attr(PLACEHOLDER)]
        placeholder: Option<PlainText>,
        /// Width.
        #[attr(WIDTH_WIDGET)]
        width: Option<Width>,
        /// The open_ids chosen at first.
        #[attr(kind(Kind::List(&Kind::Str)))]
        selected_values: Option<Vec<Cow<'static, str>>>,
        /// The users offered.
        #[attr(kind(Kind::List(&PERSON_OPTION)))]
        options: Option<Vec<PersonOption>>,
        /// What a choice does.
        #[attr(BEHAVIORS_ATTR)]
        behaviors: Option<Vec<Behavior>>,
        /// Dialog shown before the choice is sent.
        #[attr(CONFIRM_ATTR)]
        confirm: Option<Box<Confirm>>,
    }
}

impl MultiSelectPerson {
    /// A picker with this field name.
    pub fn new(name: impl Into<Cow<'static, str>>) -> Self {
        MultiSelectPerson {
            name: name.into(),
            ..Default::default()
        }
    }
}

model_struct! {
    /// A date picker (`date_picker`); submits `"2024-04-01 +0800"`.
    pub struct DatePicker {
        /// Id for the element APIs.
        #[attr(ELEMENT_ID)]
        element_id: Option<Cow<'static, str>>,
        /// Outer margin.
        #[attr(MARGIN_ATTR)]
        margin: Option<Edges>,
        /// The field name in a form.
        #[attr(NAME)]
        name: Option<Cow<'static, str>>,
        /// Whether a date is required (forms only).
        #[attr(REQUIRED)]
        required: Option<bool>,
        /// Whether the picker is disabled.
        #[attr(DISABLED)]
        disabled: Option<bool>,
        /// The date chosen at first, `yyyy-MM-dd`.
        #[attr(kind(Kind::Format(Format::Date)))]
        initial_date: Option<Cow<'static, str>>,
        /// Placeholder.
        #[attr(PLACEHOLDER)]
        placeholder: Option<PlainText>,
        /// Width.
        #[attr(WIDTH_WIDGET)]
        width: Option<Width>,
        /// What a choice does.
        #[attr(BEHAVIORS_ATTR)]
        behaviors: Option<Vec<Behavior>>,
        /// Dialog shown before the choice is sent.
        #[attr(CONFIRM_ATTR)]
        confirm: Option<Box<Confirm>>,
        /// The history callback value.
        #[attr(HISTORY_VALUE)]
        value: Option<Value>,
    }
}

impl DatePicker {
    /// A picker with this field name.
    pub fn new(name: impl Into<Cow<'static, str>>) -> Self {
        DatePicker {
            name: Some(name.into()),
            ..Default::default()
        }
    }
}

model_struct! {
    /// A time picker (`picker_time`); submits `"05:05 +0800"`.
    pub struct PickerTime {
        /// Id for the element APIs.
        #[attr(ELEMENT_ID)]
        element_id: Option<Cow<'static, str>>,
        /// Outer margin.
        #[attr(MARGIN_ATTR)]
        margin: Option<Edges>,
        /// The field name in a form.
        #[attr(NAME)]
        name: Option<Cow<'static, str>>,
        /// Whether a time is required (forms only).
        #[attr(REQUIRED)]
        required: Option<bool>,
        /// Whether the picker is disabled.
        #[attr(DISABLED)]
        disabled: Option<bool>,
        /// The time chosen at first, `HH:mm`.
        #[attr(kind(Kind::Format(Format::Time)))]
        initial_time: Option<Cow<'static, str>>,
        /// Placeholder (required without an initial time).
        #[attr(PLACEHOLDER)]
        placeholder: Option<PlainText>,
        /// Width.
        #[attr(WIDTH_WIDGET)]
        width: Option<Width>,
        /// What a choice does.
        #[attr(BEHAVIORS_ATTR)]
        behaviors: Option<Vec<Behavior>>,
        /// Dialog shown before the choice is sent.
        #[attr(CONFIRM_ATTR)]
        confirm: Option<Box<Confirm>>,
        /// The history callback value.
        #[attr(HISTORY_VALUE)]
        value: Option<Value>,
    }
}

impl PickerTime {
    /// A picker with this field name.
    pub fn new(name: impl Into<Cow<'static, str>>) -> Self {
        PickerTime {
            name: Some(name.into()),
            ..Default::default()
        }
    }
}

model_struct! {
    /// A date-and-time picker (`picker_datetime`); submits `"2024-04-01 19:19 +0800"`.
    pub struct PickerDatetime {
        /// Id for the element APIs.
        #[attr(ELEMENT_ID)]
        element_id: Option<Cow<'static, str>>,
        /// Outer margin.
        #[attr(MARGIN_ATTR)]
        margin: Option<Edges>,
        /// The field name in a form.
        #[attr(NAME)]
        name: Option<Cow<'static, str>>,
        /// Whether a value is required (forms only).
        #[attr(REQUIRED)]
        required: Option<bool>,
        /// Whether the picker is disabled.
        #[attr(DISABLED)]
        disabled: Option<bool>,
        /// The moment chosen at first, `yyyy-MM-dd HH:mm`.
        #[attr(kind(Kind::Format(Format::DateTime)))]
        initial_datetime: Option<Cow<'static, str>>,
        /// Placeholder (required without an initial value).
        #[attr(PLACEHOLDER)]
        placeholder: Option<PlainText>,
        /// Width.
        #[attr(WIDTH_WIDGET)]
        width: Option<Width>,
        /// What a choice does.
        #[attr(BEHAVIORS_ATTR)]
        behaviors: Option<Vec<Behavior>>,
        /// Dialog shown before the choice is sent.
        #[attr(CONFIRM_ATTR)]
        confirm: Option<Box<Confirm>>,
        /// The history callback value.
        #[attr(HISTORY_VALUE)]
        value: Option<Value>,
    }
}

impl PickerDatetime {
    /// A picker with this field name.
    pub fn new(name: impl Into<Cow<'static, str>>) -> Self {
        PickerDatetime {
            name: Some(name.into()),
            ..Default::default()
        }
    }
}

model_struct! {
    /// An image picker (`select_img`). With `multi_select: true` only inside a form.
    pub struct SelectImg {
        /// Id for the element APIs.
        #[attr(ELEMENT_ID)]
        element_id: Option<Cow<'static, str>>,
        /// Outer margin.
        #[attr(MARGIN_ATTR)]
        margin: Option<Edges>,
        /// The images offered.
        #[attr(kind(Kind::List(&Kind::Object(SelectImgOption::ATTRS))).required())]
        options: Vec<SelectImgOption>,
        /// Whether several may be chosen (forms only).
        #[attr(kind(Kind::Bool))]
        multi_select: Option<bool>,
        /// Layout.
        #[attr(enum_of(&SelectImgLayout::ENUM))]
        layout: Option<SelectImgLayout>,
        /// The field name in a form.
        #[attr(NAME)]
        name: Option<Cow<'static, str>>,
        /// Whether a choice is required (forms only).
        #[attr(REQUIRED)]
        required: Option<bool>,
        /// Whether images may be previewed (forms only).
        #[attr(kind(Kind::Bool))]
        can_preview: Option<bool>,
        /// Aspect ratio of the images.
        #[attr(enum_of(&SelectImgAspectRatio::ENUM).lenient())]
        aspect_ratio: Option<SelectImgAspectRatio>,
        /// Whether the picker is disabled.
        #[attr(DISABLED)]
        disabled: Option<bool>,
        /// Tip shown when disabled.
        #[attr(DISABLED_TIPS)]
        disabled_tips: Option<PlainText>,
        /// The history callback value.
        #[attr(HISTORY_VALUE)]
        value: Option<Value>,
        /// What a choice does.
        #[attr(BEHAVIORS_ATTR)]
        behaviors: Option<Vec<Behavior>>,
        /// Dialog shown before the choice is sent.
        #[attr(CONFIRM_ATTR)]
        confirm: Option<Box<Confirm>>,
    }
}

impl SelectImg {
    /// An empty picker.
    pub fn new() -> Self {
        SelectImg::default()
    }

    /// Adds an image.
    #[must_use]
    pub fn option(mut self, option: SelectImgOption) -> Self {
        self.options.push(option);
        self
    }
}

model_struct! {
    /// One image of a [`SelectImg`].
    pub struct SelectImgOption {
        /// The uploaded image key.
        #[attr(kind(Kind::Str).required())]
        img_key: Cow<'static, str>,
        /// The image key per language.
        #[attr(kind(LOCALE_STR))]
        i18n_img_key: Option<I18n<Cow<'static, str>>>,
        /// What the bot receives.
        #[attr(kind(Kind::Str))]
        value: Option<Cow<'static, str>>,
        /// Whether this image may not be chosen.
        #[attr(DISABLED)]
        disabled: Option<bool>,
        /// Tip shown when disabled.
        #[attr(DISABLED_TIPS)]
        disabled_tips: Option<PlainText>,
        /// Tip shown on hover (PC).
        #[attr(HOVER_TIPS)]
        hover_tips: Option<PlainText>,
    }
}

impl SelectImgOption {
    /// The image with this key and value.
    pub fn new(img_key: impl Into<Cow<'static, str>>, value: impl Into<Cow<'static, str>>) -> Self {
        SelectImgOption {
            img_key: img_key.into(),
            value: Some(value.into()),
            ..Default::default()
        }
    }
}

model_struct! {
    /// A to-do style check box with text (`checker`).
    pub struct Checker {
        /// Id for the element APIs.
        #[attr(ELEMENT_ID)]
        element_id: Option<Cow<'static, str>>,
        /// Outer margin.
        #[attr(MARGIN_ATTR)]
        margin: Option<Edges>,
        /// The field name in a form.
        #[attr(NAME)]
        name: Option<Cow<'static, str>>,
        /// Whether it must be ticked to submit (forms only).
        #[attr(REQUIRED.note("not in the checker table; accepted like on other form fields"))]
        required: Option<bool>,
        /// Whether it starts ticked.
        #[attr(kind(Kind::Bool))]
        checked: Option<bool>,
        /// The text.
        #[attr(kind(RICH_TEXT))]
        text: Option<Text>,
        /// Whether the whole area reacts to hover.
        #[attr(kind(Kind::Bool))]
        overall_checkable: Option<bool>,
        /// Buttons beside the text.
        #[attr(kind(Kind::Object(ButtonArea::ATTRS)))]
        button_area: Option<ButtonArea>,
        /// Look when ticked.
        #[attr(kind(Kind::Object(CheckedStyle::ATTRS)))]
        checked_style: Option<CheckedStyle>,
        /// Inner padding.
        #[attr(PADDING_ATTR)]
        padding: Option<Edges>,
        /// What a tick does (without it the tick stays local).
        #[attr(BEHAVIORS_ATTR)]
        behaviors: Option<Vec<Behavior>>,
        /// Dialog shown before the tick is sent.
        #[attr(CONFIRM_ATTR)]
        confirm: Option<Box<Confirm>>,
        /// Tip shown on hover (PC).
        #[attr(HOVER_TIPS)]
        hover_tips: Option<PlainText>,
        /// Whether ticking is disabled.
        #[attr(DISABLED)]
        disabled: Option<bool>,
        /// Tip shown when disabled.
        #[attr(DISABLED_TIPS)]
        disabled_tips: Option<PlainText>,
    }
}

impl Checker {
    /// A check box with this text.
    pub fn new(text: impl Into<Text>) -> Self {
        Checker {
            text: Some(text.into()),
            ..Default::default()
        }
    }
}

/// The buttons beside a [`Checker`]'s text, each with its tag.
const BUTTONS: Kind = Kind::List(&Kind::Tagged(&[&BUTTON]));

model_struct! {
    /// The buttons of a [`Checker`].
    pub struct ButtonArea {
        /// When the buttons show on PC.
        #[attr(enum_of(&PcDisplayRule::ENUM))]
        pc_display_rule: Option<PcDisplayRule>,
        /// The buttons (at most 3), each written with its `"tag": "button"`.
        #[attr(kind(BUTTONS).note("at most 3 buttons; more are not rejected"))]
        @serde(default, with = "super::element::tagged_buttons")
        buttons: Option<Vec<Button>>,
    }
}

model_struct! {
    /// Look of a ticked [`Checker`].
    pub struct CheckedStyle {
        /// Whether the text is struck through.
        #[attr(kind(Kind::Bool))]
        show_strikethrough: Option<bool>,
        /// Opacity of the text (0 to 1).
        #[attr(kind(Kind::Number { min: 0.0, max: 1.0 }))]
        opacity: Option<Number>,
    }
}

behavior_builders!(
    Input,
    Button,
    Overflow,
    SelectStatic,
    MultiSelectStatic,
    SelectPerson,
    MultiSelectPerson,
    DatePicker,
    PickerTime,
    PickerDatetime,
    SelectImg,
    Checker
);
