//! The table itself: every component, sub-element and card-level object of Card JSON 2.0, from
//! `spec/card-json-2.md` §1–§5.
//!
//! Conventions:
//! - An attribute is strict unless marked `.lenient()`: then a value outside the documented set
//!   is a warning, because Feishu is documented to fall back or clip, or because working cards
//!   use values the documentation does not list.
//! - `.history(..)` marks attributes the 2.0 pages list as "history", or that official 2.0
//!   examples use without documenting them: accepted silently.
//! - `.legacy(..)` marks 1.0 leftovers that Feishu still tolerates: accepted with a warning.
//! - Where the documentation marks an attribute required but its own examples omit it
//!   (`behaviors`, `img.alt`, `header.title`), it is optional here.

use super::kinds::*;
use super::rule::*;
use super::{
    Attr, Category, Component, Container, FormOnly, FormRole, FormValue, Format, Kind, Limits,
    Placement,
};
use crate::model;

// ---------------------------------------------------------------------------------------------
// Sub-elements

/// `plain_text`: the text object of labels, placeholders, buttons, titles. The `div`/checker
/// text extras (`text_size`, `text_color`, `text_align`, `lines`) are accepted everywhere.
pub static PLAIN_TEXT: Component = Component {
    tag: "plain_text",
    category: Category::SubElement,
    summary: "plain text object",
    attrs: &[
        a("content", Kind::Str)
            .note("required unless `i18n_content` is given: not enforced, examples send only `i18n_content`"),
        a("i18n_content", LOCALE_STR),
        ELEMENT_ID,
        a("text_size", Kind::TextSize),
        a("text_color", Kind::Color),
        en("text_align", &model::TextAlign::ENUM).lenient(),
        a("lines", Kind::Int { min: 1, max: UNBOUNDED }).lenient(),
        a("i18n", LOCALE_STR).legacy(LEGACY_PROPERTY, "use `i18n_content`"),
    ],
    children: None,
    text_child: Some("content"),
    opens: None,
    nests: false,
    placement: Placement::ANYWHERE,
    form: FormRole::None,
    note: "one table for every context: the `div`/checker extras are not rejected elsewhere",
};

/// `lark_md`: the markdown-flavoured text object of `div`, header and checker texts.
pub static LARK_MD: Component = Component {
    tag: "lark_md",
    category: Category::SubElement,
    summary: "lark_md text object",
    attrs: &[
        a("content", Kind::Str),
        a("i18n_content", LOCALE_STR),
        ELEMENT_ID,
        a("text_size", Kind::TextSize),
        a("text_color", Kind::Color),
        en("text_align", &model::TextAlign::ENUM).lenient(),
        a(
            "lines",
            Kind::Int {
                min: 1,
                max: UNBOUNDED,
            },
        )
        .lenient(),
        a("i18n", LOCALE_STR).legacy(LEGACY_PROPERTY, "use `i18n_content`"),
    ],
    children: None,
    text_child: Some("content"),
    opens: None,
    nests: false,
    placement: Placement::ANYWHERE,
    form: FormRole::None,
    note: "",
};

/// The `markdown` form of a collapsible panel's title (not the `markdown` component).
pub static COLLAPSIBLE_TITLE_MARKDOWN: Component = Component {
    tag: "markdown",
    category: Category::SubElement,
    summary: "markdown title of a collapsible panel",
    attrs: &[
        a("content", Kind::Str),
        a("i18n_content", LOCALE_STR),
        a("text_size", Kind::TextSize)
            .note("not documented on the title; accepted like other texts"),
        a("text_color", Kind::Color).note("not documented on the title; accepted like other texts"),
        en("text_align", &model::TextAlign::ENUM).lenient(),
    ],
    children: None,
    text_child: Some("content"),
    opens: None,
    nests: false,
    placement: Placement::ANYWHERE,
    form: FormRole::None,
    note: "",
};

/// `standard_icon`: an icon from the icon library.
pub static STANDARD_ICON: Component = Component {
    tag: "standard_icon",
    category: Category::SubElement,
    summary: "icon from the icon library",
    attrs: &[
        a("token", Kind::Str),
        a("color", Kind::Color),
        a("size", Kind::PixelPair { min: 1, max: 999 })
            .lenient()
            .note("documented on collapsible panel icons; accepted on every icon"),
        a("img_key", Kind::Str).history("official examples set it on standard icons"),
        a("i18n_img_key", LOCALE_STR).history("official examples set it on standard icons"),
    ],
    children: None,
    text_child: None,
    opens: None,
    nests: false,
    placement: Placement::ANYWHERE,
    form: FormRole::None,
    note: "",
};

/// `custom_icon`: an uploaded image used as an icon.
pub static CUSTOM_ICON: Component = Component {
    tag: "custom_icon",
    category: Category::SubElement,
    summary: "uploaded image used as an icon",
    attrs: &[
        a("img_key", Kind::Str),
        a("i18n_img_key", LOCALE_STR),
        a("size", Kind::PixelPair { min: 1, max: 999 }).lenient(),
        a("color", Kind::Color).history("ignored on custom icons; tolerated"),
        a("token", Kind::Str).history("ignored on custom icons; tolerated"),
    ],
    children: None,
    text_child: None,
    opens: None,
    nests: false,
    placement: Placement::ANYWHERE,
    form: FormRole::None,
    note: "",
};

/// `text_tag`: a coloured tag in the header.
pub static TEXT_TAG: Component = Component {
    tag: "text_tag",
    category: Category::SubElement,
    summary: "coloured header tag",
    attrs: &[
        ELEMENT_ID,
        a("text", TEXT),
        en("color", &model::TextTagColor::ENUM).lenient(),
    ],
    children: None,
    text_child: Some("text"),
    opens: None,
    nests: false,
    placement: Placement::ANYWHERE,
    form: FormRole::None,
    note: "",
};

/// `column`: one column of a `column_set`.
pub static COLUMN: Component = Component {
    tag: "column",
    category: Category::SubElement,
    summary: "column of a column_set",
    attrs: model::Column::ATTRS,
    children: Some("elements"),
    text_child: None,
    opens: Some(Container::Column),
    nests: false,
    placement: Placement::ANYWHERE,
    form: FormRole::None,
    note: "counts as one nesting level together with its column_set",
};

// ---------------------------------------------------------------------------------------------
// Containers

/// `column_set`: columns side by side.
pub static COLUMN_SET: Component = Component {
    tag: "column_set",
    category: Category::Container,
    summary: "columns side by side",
    attrs: model::ColumnSet::ATTRS,
    children: Some("columns"),
    text_child: None,
    opens: None,
    nests: true,
    placement: Placement::ANYWHERE,
    form: FormRole::None,
    note: "the column_set and its columns are one nesting level (working cards nest 4 such levels)",
};

/// `form`: a form container whose fields submit together.
pub static FORM: Component = Component {
    tag: "form",
    category: Category::Container,
    summary: "form container",
    attrs: model::Form::ATTRS,
    children: Some("elements"),
    text_child: None,
    opens: Some(Container::Form),
    nests: true,
    placement: Placement {
        root_only: Some(FORM_NOT_AT_ROOT),
        form_only: FormOnly::Never,
    },
    form: FormRole::None,
    note: "`name` is required (checked as `form.name-missing`); `confirm` on forms appears only in a third-party model and is not accepted",
};

/// `interactive_container`: a clickable container.
pub static INTERACTIVE_CONTAINER: Component = Component {
    tag: "interactive_container",
    category: Category::Container,
    summary: "clickable container",
    attrs: model::InteractiveContainer::ATTRS,
    children: Some("elements"),
    text_child: None,
    opens: Some(Container::InteractiveContainer),
    nests: true,
    placement: Placement::ANYWHERE,
    form: FormRole::None,
    note: "",
};

/// `collapsible_panel`: a panel that folds its elements away.
pub static COLLAPSIBLE_PANEL: Component = Component {
    tag: "collapsible_panel",
    category: Category::Container,
    summary: "folding panel",
    attrs: model::CollapsiblePanel::ATTRS,
    children: Some("elements"),
    text_child: None,
    opens: Some(Container::CollapsiblePanel),
    nests: true,
    placement: Placement::ANYWHERE,
    form: FormRole::None,
    note: "",
};

// ---------------------------------------------------------------------------------------------
// Display components

/// `div`: a text block.
pub static DIV: Component = Component {
    tag: "div",
    category: Category::Display,
    summary: "text block",
    attrs: model::Div::ATTRS,
    children: None,
    text_child: Some("text"),
    opens: None,
    nests: false,
    placement: Placement::ANYWHERE,
    form: FormRole::None,
    note: "",
};

/// `markdown`: rich text.
pub static MARKDOWN: Component = Component {
    tag: "markdown",
    category: Category::Display,
    summary: "rich text",
    attrs: model::Markdown::ATTRS,
    children: None,
    text_child: Some("content"),
    opens: None,
    nests: false,
    placement: Placement::ANYWHERE,
    form: FormRole::None,
    note: "",
};

/// `img`: an image.
pub static IMG: Component = Component {
    tag: "img",
    category: Category::Display,
    summary: "image",
    attrs: model::Img::ATTRS,
    children: None,
    text_child: None,
    opens: None,
    nests: false,
    placement: Placement::ANYWHERE,
    form: FormRole::None,
    note: "",
};

/// `img_combination`: several images laid out together.
pub static IMG_COMBINATION: Component = Component {
    tag: "img_combination",
    category: Category::Display,
    summary: "image group",
    attrs: model::ImgCombination::ATTRS,
    children: None,
    text_child: None,
    opens: None,
    nests: false,
    placement: Placement::ANYWHERE,
    form: FormRole::None,
    note: "",
};

/// `person`: one user.
pub static PERSON: Component = Component {
    tag: "person",
    category: Category::Display,
    summary: "user",
    attrs: model::Person::ATTRS,
    children: None,
    text_child: None,
    opens: None,
    nests: false,
    placement: Placement::ANYWHERE,
    form: FormRole::None,
    note: "",
};

/// `person_list`: several users.
pub static PERSON_LIST: Component = Component {
    tag: "person_list",
    category: Category::Display,
    summary: "user list",
    attrs: model::PersonList::ATTRS,
    children: None,
    text_child: None,
    opens: None,
    nests: false,
    placement: Placement::ANYWHERE,
    form: FormRole::None,
    note: "",
};

/// `chart`: a VChart chart.
pub static CHART: Component = Component {
    tag: "chart",
    category: Category::Display,
    summary: "chart",
    attrs: model::Chart::ATTRS,
    children: None,
    text_child: None,
    opens: None,
    nests: false,
    placement: Placement::ANYWHERE,
    form: FormRole::None,
    note: "inside a form: the form page forbids charts, the release notes allow them (conflict); allowed",
};

/// `table`: a data table.
pub static TABLE: Component = Component {
    tag: "table",
    category: Category::Display,
    summary: "data table",
    attrs: model::Table::ATTRS,
    children: None,
    text_child: None,
    opens: None,
    nests: false,
    placement: Placement {
        root_only: Some(TABLE_NOT_AT_ROOT),
        form_only: FormOnly::Never,
    },
    form: FormRole::None,
    note: "",
};

/// `hr`: a divider.
pub static HR: Component = Component {
    tag: "hr",
    category: Category::Display,
    summary: "divider",
    attrs: model::Hr::ATTRS,
    children: None,
    text_child: None,
    opens: None,
    nests: false,
    placement: Placement::ANYWHERE,
    form: FormRole::None,
    note: "",
};

/// `audio`: a voice message player (2.0 only).
pub static AUDIO: Component = Component {
    tag: "audio",
    category: Category::Display,
    summary: "audio player",
    attrs: model::Audio::ATTRS,
    children: None,
    text_child: None,
    opens: None,
    nests: false,
    placement: Placement::ANYWHERE,
    form: FormRole::None,
    note: "needs `config.enable_forward: false`; placement in collapsible panels undocumented: allowed",
};

// ---------------------------------------------------------------------------------------------
// Interactive components

/// `input`: a text field.
pub static INPUT: Component = Component {
    tag: "input",
    category: Category::Interactive,
    summary: "text field",
    attrs: &[
        NAME,
        REQUIRED,
        PLACEHOLDER,
        a("default_value", Kind::Str),
        a("i18n_default_value", LOCALE_STR),
        DISABLED,
        DISABLED_TIPS,
        WIDTH_WIDGET,
        a("max_length", Kind::Int { min: 1, max: 1000 }),
        en("input_type", &model::InputType::ENUM),
        a("show_icon", Kind::Bool),
        a(
            "rows",
            Kind::Int {
                min: 1,
                max: UNBOUNDED,
            },
        )
        .lenient(),
        a("auto_resize", Kind::Bool),
        a(
            "max_rows",
            Kind::Number {
                min: 1.0,
                max: f64::MAX,
            },
        )
        .lenient()
        .note("values below 1 become 1 and fractions are rounded: lenient"),
        a("label", TEXT),
        en("label_position", &model::LabelPosition::ENUM),
        BEHAVIORS_ATTR,
        CONFIRM_ATTR,
        HISTORY_VALUE,
        ELEMENT_ID,
        MARGIN_ATTR,
    ],
    children: None,
    text_child: None,
    opens: None,
    nests: false,
    placement: Placement::ANYWHERE,
    form: FormRole::Field(FormValue::Text),
    note: "",
};

/// `button`: a button.
pub static BUTTON: Component = Component {
    tag: "button",
    category: Category::Interactive,
    summary: "button",
    attrs: model::Button::ATTRS,
    children: None,
    text_child: Some("text"),
    opens: None,
    nests: false,
    placement: Placement::ANYWHERE,
    form: FormRole::Button,
    note: "1.0 `action_type: \"form_submit\"` counts as a submit button",
};

const OPTION_TEXT_VALUE: Kind = Kind::Object(&[
    a("text", TEXT_100).required(),
    a("icon", ICON),
    a("value", Kind::Str).required(),
]);

const PERSON_OPTION: Kind = Kind::Object(&[a("value", Kind::Str).required()]);

/// `overflow`: a "…" menu of options.
pub static OVERFLOW: Component = Component {
    tag: "overflow",
    category: Category::Interactive,
    summary: "overflow menu",
    attrs: &[
        a(
            "options",
            Kind::List(&Kind::Object(&[
                a("text", TEXT_100),
                a("multi_url", MULTI_URL),
                a("value", Kind::Str),
            ])),
        )
        .required(),
        WIDTH_WIDGET,
        BEHAVIORS_ATTR,
        CONFIRM_ATTR,
        HISTORY_VALUE,
        ELEMENT_ID,
        MARGIN_ATTR,
    ],
    children: None,
    text_child: None,
    opens: None,
    nests: false,
    placement: Placement::ANYWHERE,
    form: FormRole::None,
    note: "has no `name`; whether it needs one inside a form is unconfirmed: not required",
};

/// `select_static`: a single-choice dropdown.
pub static SELECT_STATIC: Component = Component {
    tag: "select_static",
    category: Category::Interactive,
    summary: "single-choice dropdown",
    attrs: &[
        en("type", &model::SelectType::ENUM),
        NAME,
        REQUIRED,
        DISABLED,
        a("initial_option", Kind::Str),
        a(
            "initial_index",
            Kind::Int {
                min: 0,
                max: UNBOUNDED,
            },
        ),
        PLACEHOLDER,
        WIDTH_WIDGET,
        a("options", Kind::List(&OPTION_TEXT_VALUE)),
        BEHAVIORS_ATTR,
        CONFIRM_ATTR,
        HISTORY_VALUE,
        ELEMENT_ID,
        MARGIN_ATTR,
    ],
    children: None,
    text_child: None,
    opens: None,
    nests: false,
    placement: Placement::ANYWHERE,
    form: FormRole::Field(FormValue::Text),
    note: "",
};

/// `multi_select_static`: a multiple-choice dropdown (only inside a form).
pub static MULTI_SELECT_STATIC: Component = Component {
    tag: "multi_select_static",
    category: Category::Interactive,
    summary: "multiple-choice dropdown",
    attrs: &[
        en("type", &model::SelectType::ENUM),
        NAME,
        REQUIRED,
        DISABLED,
        PLACEHOLDER,
        WIDTH_WIDGET,
        a("selected_values", Kind::List(&Kind::Str)),
        a("options", Kind::List(&OPTION_TEXT_VALUE)),
        BEHAVIORS_ATTR,
        CONFIRM_ATTR,
        ELEMENT_ID,
        MARGIN_ATTR,
    ],
    children: None,
    text_child: None,
    opens: None,
    nests: false,
    placement: Placement {
        root_only: None,
        form_only: FormOnly::Always(MULTI_SELECT_STATIC_OUTSIDE_FORM),
    },
    form: FormRole::Field(FormValue::List),
    note: "",
};

/// `select_person`: a single user picker.
pub static SELECT_PERSON: Component = Component {
    tag: "select_person",
    category: Category::Interactive,
    summary: "single user picker",
    attrs: &[
        en("type", &model::SelectType::ENUM),
        NAME.note("missing from the table, shown in the form callback example: accepted, and required inside a form like every field"),
        REQUIRED,
        DISABLED,
        a("initial_option", Kind::Str),
        PLACEHOLDER,
        WIDTH_WIDGET,
        a("options", Kind::List(&PERSON_OPTION)),
        BEHAVIORS_ATTR,
        CONFIRM_ATTR,
        HISTORY_VALUE,
        ELEMENT_ID,
        MARGIN_ATTR,
    ],
    children: None,
    text_child: None,
    opens: None,
    nests: false,
    placement: Placement::ANYWHERE,
    form: FormRole::Field(FormValue::Text),
    note: "",
};

/// `multi_select_person`: a multiple user picker (only inside a form).
pub static MULTI_SELECT_PERSON: Component = Component {
    tag: "multi_select_person",
    category: Category::Interactive,
    summary: "multiple user picker",
    attrs: &[
        en("type", &model::SelectType::ENUM),
        NAME,
        REQUIRED,
        DISABLED,
        PLACEHOLDER,
        WIDTH_WIDGET,
        a("selected_values", Kind::List(&Kind::Str)),
        a("options", Kind::List(&PERSON_OPTION)),
        BEHAVIORS_ATTR,
        CONFIRM_ATTR,
        ELEMENT_ID,
        MARGIN_ATTR,
    ],
    children: None,
    text_child: None,
    opens: None,
    nests: false,
    placement: Placement {
        root_only: None,
        form_only: FormOnly::Always(MULTI_SELECT_PERSON_OUTSIDE_FORM),
    },
    form: FormRole::Field(FormValue::List),
    note: "",
};

/// `date_picker`: a date picker.
pub static DATE_PICKER: Component = Component {
    tag: "date_picker",
    category: Category::Interactive,
    summary: "date picker",
    attrs: &[
        NAME,
        REQUIRED,
        DISABLED,
        a("initial_date", Kind::Format(Format::Date)),
        PLACEHOLDER,
        WIDTH_WIDGET,
        BEHAVIORS_ATTR,
        CONFIRM_ATTR,
        HISTORY_VALUE,
        ELEMENT_ID,
        MARGIN_ATTR,
    ],
    children: None,
    text_child: None,
    opens: None,
    nests: false,
    placement: Placement::ANYWHERE,
    form: FormRole::Field(FormValue::Date),
    note: "",
};

/// `picker_time`: a time picker.
pub static PICKER_TIME: Component = Component {
    tag: "picker_time",
    category: Category::Interactive,
    summary: "time picker",
    attrs: &[
        NAME,
        REQUIRED,
        DISABLED,
        a("initial_time", Kind::Format(Format::Time)),
        PLACEHOLDER,
        WIDTH_WIDGET,
        BEHAVIORS_ATTR,
        CONFIRM_ATTR,
        HISTORY_VALUE,
        ELEMENT_ID,
        MARGIN_ATTR,
    ],
    children: None,
    text_child: None,
    opens: None,
    nests: false,
    placement: Placement::ANYWHERE,
    form: FormRole::Field(FormValue::Time),
    note: "",
};

/// `picker_datetime`: a date and time picker.
pub static PICKER_DATETIME: Component = Component {
    tag: "picker_datetime",
    category: Category::Interactive,
    summary: "date and time picker",
    attrs: &[
        NAME,
        REQUIRED,
        DISABLED,
        a("initial_datetime", Kind::Format(Format::DateTime)),
        PLACEHOLDER,
        WIDTH_WIDGET,
        BEHAVIORS_ATTR,
        CONFIRM_ATTR,
        HISTORY_VALUE,
        ELEMENT_ID,
        MARGIN_ATTR,
    ],
    children: None,
    text_child: None,
    opens: None,
    nests: false,
    placement: Placement::ANYWHERE,
    form: FormRole::Field(FormValue::DateTime),
    note: "",
};

/// `select_img`: a picture choice.
pub static SELECT_IMG: Component = Component {
    tag: "select_img",
    category: Category::Interactive,
    summary: "picture choice",
    attrs: &[
        a(
            "options",
            Kind::List(&Kind::Object(&[
                a("img_key", Kind::Str).required(),
                a("i18n_img_key", LOCALE_STR),
                a("value", Kind::Str),
                DISABLED,
                DISABLED_TIPS,
                HOVER_TIPS,
            ])),
        )
        .required(),
        a("multi_select", Kind::Bool),
        en("layout", &model::SelectImgLayout::ENUM),
        NAME,
        REQUIRED,
        a("can_preview", Kind::Bool),
        en("aspect_ratio", &model::SelectImgAspectRatio::ENUM).lenient(),
        DISABLED,
        DISABLED_TIPS,
        HISTORY_VALUE,
        BEHAVIORS_ATTR,
        CONFIRM_ATTR,
        ELEMENT_ID,
        MARGIN_ATTR,
    ],
    children: None,
    text_child: None,
    opens: None,
    nests: false,
    placement: Placement {
        root_only: None,
        form_only: FormOnly::WhenTrue("multi_select", SELECT_IMG_MULTI_OUTSIDE_FORM),
    },
    form: FormRole::Field(FormValue::Text),
    note: "submits a list (`FormValue::List`) when `multi_select` is true",
};

/// `checker`: a check box with text.
pub static CHECKER: Component = Component {
    tag: "checker",
    category: Category::Interactive,
    summary: "check box",
    attrs: &[
        NAME,
        REQUIRED.note("not in the checker table; accepted like on other form fields"),
        a("checked", Kind::Bool),
        a("text", RICH_TEXT),
        a("overall_checkable", Kind::Bool),
        a(
            "button_area",
            Kind::Object(&[
                en("pc_display_rule", &model::PcDisplayRule::ENUM),
                a("buttons", Kind::List(&Kind::Tagged(&[&BUTTON])))
                    .note("at most 3 buttons; more are not rejected"),
            ]),
        ),
        a(
            "checked_style",
            Kind::Object(&[
                a("show_strikethrough", Kind::Bool),
                a("opacity", Kind::Number { min: 0.0, max: 1.0 }),
            ]),
        ),
        PADDING_ATTR,
        BEHAVIORS_ATTR,
        CONFIRM_ATTR,
        HOVER_TIPS,
        DISABLED,
        DISABLED_TIPS,
        ELEMENT_ID,
        MARGIN_ATTR,
    ],
    children: None,
    text_child: Some("text"),
    opens: None,
    nests: false,
    placement: Placement::ANYWHERE,
    form: FormRole::Field(FormValue::Bool),
    note: "",
};

// ---------------------------------------------------------------------------------------------
// The card itself

/// Attributes of the card object itself.
pub static CARD: &[Attr] = &[
    en("schema", &model::Schema::ENUM),
    a("config", Kind::Object(CONFIG)),
    a("card_link", Kind::Object(CARD_LINK)),
    a("header", Kind::Object(HEADER)),
    a("body", Kind::Object(BODY)),
    a("fallback", Kind::Json).legacy(
        LEGACY_PROPERTY,
        "2.0 has no card-wide fallback rule (the release notes say it is not supported yet, an official 2.0 example still sends `{}`): drop it",
    ),
];

const PER_PLATFORM: Kind = Kind::Object(&[
    a(
        "default",
        Kind::Number {
            min: 0.0,
            max: f64::MAX,
        },
    )
    .required(),
    a(
        "android",
        Kind::Number {
            min: 0.0,
            max: f64::MAX,
        },
    ),
    a(
        "ios",
        Kind::Number {
            min: 0.0,
            max: f64::MAX,
        },
    ),
    a(
        "pc",
        Kind::Number {
            min: 0.0,
            max: f64::MAX,
        },
    ),
]);

/// Attributes of `config` (§1.1).
pub static CONFIG: &[Attr] = &[
    a("streaming_mode", Kind::Bool),
    a(
        "streaming_config",
        Kind::Object(&[
            a("print_frequency_ms", PER_PLATFORM).note("no documented range"),
            a("print_step", PER_PLATFORM).note("no documented range"),
            en("print_strategy", &model::PrintStrategy::ENUM),
        ]),
    ),
    a(
        "summary",
        Kind::Object(&[a("content", Kind::Str), a("i18n_content", LOCALE_STR)]),
    ),
    a("locales", Kind::List(&Kind::Enum(LOCALES_ENUM))).lenient(),
    a("enable_forward", Kind::Bool),
    a("update_multi", Kind::Bool),
    en("width_mode", &model::WidthMode::ENUM),
    a("use_custom_translation", Kind::Bool),
    a("enable_forward_interaction", Kind::Bool),
    a(
        "style",
        Kind::Object(&[
            a(
                "text_size",
                Kind::Map(&Kind::Object(&[
                    a("default", Kind::TextSize),
                    a("pc", Kind::TextSize),
                    a("mobile", Kind::TextSize),
                ])),
            ),
            a(
                "color",
                Kind::Map(&Kind::Object(&[
                    a("light_mode", Kind::Str),
                    a("dark_mode", Kind::Str),
                ])),
            ),
        ]),
    ),
    a("wide_screen_mode", Kind::Bool).legacy(
        LEGACY_CONFIG_KEY,
        "2.0 cards are wide by default; use `width_mode` to change the width",
    ),
    a("compact_width", Kind::Bool).legacy(LEGACY_CONFIG_KEY, "use `width_mode: \"compact\"`"),
];

const LOCALES_ENUM: &[&str] = super::values::LOCALES;

/// Attributes of `card_link` (§1.2).
pub static CARD_LINK: &[Attr] = &[
    a("url", Kind::Str),
    a("pc_url", Kind::Str),
    a("ios_url", Kind::Str),
    a("android_url", Kind::Str),
];

/// Attributes of `header` (§3.1).
pub static HEADER: &[Attr] = &[
    a("title", RICH_TEXT)
        .note("required per the table, but a subtitle alone is shown as title: optional"),
    a("subtitle", RICH_TEXT),
    a("text_tag_list", Kind::List(&Kind::Tagged(&[&TEXT_TAG]))),
    a(
        "i18n_text_tag_list",
        Kind::Locales(&Kind::List(&Kind::Tagged(&[&TEXT_TAG]))),
    ),
    en("template", &model::HeaderTemplate::ENUM).lenient(),
    a("icon", ICON),
    PADDING_ATTR,
];

/// Attributes of `body` (§1.3).
pub static BODY: &[Attr] = &[
    en("direction", &model::Direction::ENUM),
    PADDING_ATTR,
    a("horizontal_spacing", SPACING).lenient(),
    a("vertical_spacing", SPACING).lenient(),
    en("horizontal_align", &model::HorizontalAlign::ENUM),
    en("vertical_align", &model::VerticalAlign::ENUM),
    a("elements", Kind::Elements),
];

/// Every component that may stand in an `elements` list.
pub static COMPONENTS: &[&Component] = &[
    &COLUMN_SET,
    &FORM,
    &INTERACTIVE_CONTAINER,
    &COLLAPSIBLE_PANEL,
    &DIV,
    &MARKDOWN,
    &IMG,
    &IMG_COMBINATION,
    &PERSON,
    &PERSON_LIST,
    &CHART,
    &TABLE,
    &HR,
    &AUDIO,
    &INPUT,
    &BUTTON,
    &OVERFLOW,
    &SELECT_STATIC,
    &MULTI_SELECT_STATIC,
    &SELECT_PERSON,
    &MULTI_SELECT_PERSON,
    &DATE_PICKER,
    &PICKER_TIME,
    &PICKER_DATETIME,
    &SELECT_IMG,
    &CHECKER,
];

/// Every sub-element that has its own tag (the collapsible title's `markdown` form aside).
pub static SUB_ELEMENTS: &[&Component] = &[
    &COLUMN,
    &PLAIN_TEXT,
    &LARK_MD,
    &STANDARD_ICON,
    &CUSTOM_ICON,
    &TEXT_TAG,
];

/// The 1.0 components removed in 2.0 (ErrCode 200861), with what to use instead.
pub static REMOVED_COMPONENTS: &[(&str, &str)] = &[
    (
        "note",
        "use a `div` or `markdown` with `text_size: \"notation\"`, a grey colour and an `icon`",
    ),
    (
        "action",
        "put the buttons or `overflow` directly in `elements`, side by side in a `column_set`",
    ),
];

/// Top-level keys of JSON 1.0 that a 2.0 card must not carry (2.0 rejects them as unknown
/// properties), with what to do instead.
pub static REMOVED_CARD_KEYS: &[(&str, &str)] = &[
    ("elements", "move the components into `body.elements`"),
    (
        "i18n_elements",
        "2.0 has no card-wide translations: give each text an `i18n_content`",
    ),
    (
        "i18n_header",
        "give the header's `title` and `subtitle` an `i18n_content`",
    ),
];

/// Where each sub-element belongs, for messages about one found standing in `elements`.
pub static SUB_ELEMENT_HOMES: &[(&str, &str)] = &[
    ("column", "put it in the `columns` of a `column_set`"),
    (
        "plain_text",
        "use a `div` whose `text` is the plain_text, or a `markdown`",
    ),
    (
        "lark_md",
        "use a `div` whose `text` is the lark_md, or a `markdown`",
    ),
    (
        "standard_icon",
        "use it as the `icon` of a `div`, `markdown` or `button`",
    ),
    (
        "custom_icon",
        "use it as the `icon` of a `div`, `markdown` or `button`",
    ),
    (
        "text_tag",
        "put it in `header.text_tag_list`, or write `<text_tag>` in a `markdown`",
    ),
];

/// The card-wide limits of §5.
///
/// Counting choices (unconfirmed in the documentation): every tagged object counts toward
/// `max_elements` (components, columns, text objects, icons, header tags), as the structure
/// page says text elements count; a `column_set` with its columns counts as one nesting level,
/// and only containers count (`column_set`, `form`, `interactive_container`,
/// `collapsible_panel`), not the body.
pub static LIMITS: Limits = Limits {
    max_bytes: 30 * 1024,
    max_elements: 200,
    max_depth: 5,
    max_tables: 5,
    max_header_tags: 3,
};

pub(super) fn component(tag: &str) -> Option<&'static Component> {
    Some(match tag {
        "column_set" => &COLUMN_SET,
        "form" => &FORM,
        "interactive_container" => &INTERACTIVE_CONTAINER,
        "collapsible_panel" => &COLLAPSIBLE_PANEL,
        "div" => &DIV,
        "markdown" => &MARKDOWN,
        "img" => &IMG,
        "img_combination" => &IMG_COMBINATION,
        "person" => &PERSON,
        "person_list" => &PERSON_LIST,
        "chart" => &CHART,
        "table" => &TABLE,
        "hr" => &HR,
        "audio" => &AUDIO,
        "input" => &INPUT,
        "button" => &BUTTON,
        "overflow" => &OVERFLOW,
        "select_static" => &SELECT_STATIC,
        "multi_select_static" => &MULTI_SELECT_STATIC,
        "select_person" => &SELECT_PERSON,
        "multi_select_person" => &MULTI_SELECT_PERSON,
        "date_picker" => &DATE_PICKER,
        "picker_time" => &PICKER_TIME,
        "picker_datetime" => &PICKER_DATETIME,
        "select_img" => &SELECT_IMG,
        "checker" => &CHECKER,
        _ => return None,
    })
}

pub(super) fn sub_element(tag: &str) -> Option<&'static Component> {
    Some(match tag {
        "column" => &COLUMN,
        "plain_text" => &PLAIN_TEXT,
        "lark_md" => &LARK_MD,
        "standard_icon" => &STANDARD_ICON,
        "custom_icon" => &CUSTOM_ICON,
        "text_tag" => &TEXT_TAG,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookups_agree_with_the_lists() {
        for c in COMPONENTS {
            assert!(std::ptr::eq(component(c.tag).unwrap(), *c), "{}", c.tag);
            assert_ne!(c.category, Category::SubElement, "{}", c.tag);
        }
        for c in SUB_ELEMENTS {
            assert!(std::ptr::eq(sub_element(c.tag).unwrap(), *c), "{}", c.tag);
            assert_eq!(c.category, Category::SubElement, "{}", c.tag);
        }
    }

    #[test]
    fn attribute_names_are_unique_per_table() {
        fn unique(what: &str, attrs: &[Attr]) {
            for (i, x) in attrs.iter().enumerate() {
                assert_ne!(x.name, "tag", "{what}: `tag` is implicit");
                for y in &attrs[i + 1..] {
                    assert_ne!(x.name, y.name, "{what}");
                }
            }
        }
        for c in super::super::all_components() {
            unique(c.tag, c.attrs);
        }
        for (what, attrs) in [
            ("card", CARD),
            ("config", CONFIG),
            ("header", HEADER),
            ("body", BODY),
        ] {
            unique(what, attrs);
        }
    }

    #[test]
    fn children_name_a_list_attribute() {
        for c in super::super::all_components() {
            if let Some(children) = c.children {
                let attr = c.attr(children).expect(children);
                assert!(
                    matches!(attr.kind, Kind::Elements | Kind::List(_)),
                    "{}",
                    c.tag
                );
            }
            if let Some(text) = c.text_child {
                let attr = c.attr(text).expect(text);
                assert!(
                    matches!(attr.kind, Kind::Str | Kind::Text { .. }),
                    "{}",
                    c.tag
                );
            }
            assert_eq!(c.opens.is_some(), c.attr("elements").is_some(), "{}", c.tag);
        }
    }
}
