//! The component registry: one declarative table of Card JSON 2.0.
//!
//! Every tag, its attributes and their value kinds, what is required, where each component may
//! stand, and the card-wide limits live here and nowhere else. The runtime validator, the
//! `card!` macro's compile-time checks, the JSON → `card!` converter, the HTML preview and the
//! emulator all read their rules from this module.
//!
//! The module has three layers:
//!
//! - **the table**: [`Component`] statics ([`BUTTON`], [`COLUMN_SET`], [`PLAIN_TEXT`], …), the
//!   attribute tables of the card itself ([`CARD`], [`CONFIG`], [`HEADER`], [`BODY`],
//!   [`CARD_LINK`]), the card-wide [`LIMITS`] and the [`RULES`] every check reports under. A
//!   component's attributes are declared on its model type, field by field
//!   (`#[attr(…)]` in `model_struct!`), and reach its record as that type's `ATTRS`
//!   ([`model::Button::ATTRS`](crate::model::Button::ATTRS)): a property is written once;
//! - **lookups**: [`component`], [`sub_element`], [`Component::attr`], [`rust_type`] and
//!   [`did_you_mean`];
//! - **rule logic on plain values**, shared by the runtime validator (which walks JSON) and the
//!   `card!` macro (which walks tokens): [`check_scalar`] and [`Attr::check`] for literal values,
//!   [`placement_violation`] for nesting, and [`CardTracker`] for everything that needs the whole
//!   card (unique ids and names, forms and their submit buttons, counts and depth).
//!
//! ```
//! use card_core::registry::{self, Container, Scalar};
//!
//! let column = registry::sub_element("column").unwrap();
//! let width = column.attr("width").unwrap();
//! let v = width.check("column", Scalar::Str("700px")).unwrap_err();
//! assert_eq!(v.rule, "value.range");
//!
//! let table = registry::component("table").unwrap();
//! let v = registry::placement_violation(table, &[Container::Body, Container::Column], false)
//!     .unwrap();
//! assert_eq!(v.rule, "nesting.table-not-at-root");
//! ```
//!
//! Where the specification (`spec/card-json-2.md`) is unsure, the choice made is written next to
//! the entry, in its `note`, and the lenient reading (a warning, not an error) is preferred.

mod check;
pub(crate) mod kinds;
pub mod markup;
pub mod reference;
mod rules;
mod table;
pub(crate) use table::same_str;
mod tracker;
mod values;

pub use check::{
    card_link_violation, check_scalar, check_scalar_with, checker_button_type_violation,
    checker_buttons_violation, duplicate_option_violation, img_combination_violation,
    markdown_tables, markdown_tables_violation, open_url_violation, picker_placeholder_violation,
    placement_violation, row_key_violation, style_color_violation, table_columns_violation,
    update_multi_violation, CustomStyles, NoCustomStyles, Scalar, Violation,
};
pub use rules::{find as find_rule, rule, severity_of, Rule, RULES};
pub use table::{
    AUDIO, BODY, BUTTON, CARD, CARD_LINK, CHART, CHECKER, CHECKER_BUTTON_TYPES, COLLAPSIBLE_PANEL,
    COLLAPSIBLE_TITLE_MARKDOWN, COLUMN, COLUMN_SET, COMPONENTS, CONFIG, CUSTOM_ICON, DATE_PICKER,
    DIV, FORM, HEADER, HR, IMG, IMG_COMBINATION, IMG_COMBINATION_CAPACITY, INPUT,
    INTERACTIVE_CONTAINER, LARK_MD, LIMITS, MARKDOWN, MULTI_SELECT_PERSON, MULTI_SELECT_STATIC,
    OPENS_URL, OVERFLOW, PERSON, PERSON_LIST, PICKER_DATETIME, PICKER_TIME,
    PLACEHOLDER_UNLESS_INITIAL, PLAIN_TEXT, REMOVED_CARD_KEYS, REMOVED_COMPONENTS, SELECT_IMG,
    SELECT_PERSON, SELECT_STATIC, STANDARD_ICON, SUB_ELEMENTS, SUB_ELEMENT_HOMES, TABLE, TEXT_TAG,
    UNIQUE_OPTION_VALUES,
};
pub use tracker::CardTracker;
pub use values::{is_builtin_color, is_builtin_text_size, is_element_id, LOCALES, TEXT_SIZES};

/// The containers that hold other components; a child's placement is judged against the
/// containers around it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Container {
    /// `body.elements` of the card itself.
    Body,
    /// `column.elements` inside a `column_set`.
    Column,
    /// `form.elements`.
    Form,
    /// `interactive_container.elements`.
    InteractiveContainer,
    /// `collapsible_panel.elements`.
    CollapsiblePanel,
}

impl Container {
    /// The tag (or, for [`Container::Body`], the key) that opens this container, as users write it.
    pub fn name(self) -> &'static str {
        match self {
            Container::Body => "body",
            Container::Column => "column",
            Container::Form => "form",
            Container::InteractiveContainer => "interactive_container",
            Container::CollapsiblePanel => "collapsible_panel",
        }
    }
}

/// What sort of thing a tag names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Category {
    /// Holds other components.
    Container,
    /// Shows something.
    Display,
    /// Takes input or clicks.
    Interactive,
    /// Lives only inside another component (`column`, `plain_text`, `standard_icon`, …), never
    /// directly in an `elements` list.
    SubElement,
}

/// What a form component submits in `form_value`, so that a struct field can be matched with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormValue {
    /// One string (input, select_static, select_person, select_img single choice).
    Text,
    /// A list of strings (multi_select_static, multi_select_person, select_img multi choice).
    List,
    /// `true`/`false` (checker).
    Bool,
    /// `"2024-04-01 +0800"` (date_picker).
    Date,
    /// `"05:05 +0800"` (picker_time).
    Time,
    /// `"2024-04-01 19:19 +0800"` (picker_datetime).
    DateTime,
}

/// A component's part in a form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormRole {
    /// Not a form field.
    None,
    /// A named field that submits a value.
    Field(FormValue),
    /// A button: submits or resets the form through `form_action_type`.
    Button,
}

impl FormRole {
    /// Whether a component with this role needs a non-empty, card-unique `name` inside a form.
    pub fn needs_name(self) -> bool {
        !matches!(self, FormRole::None)
    }
}

/// Where a component may stand.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Placement {
    /// Only directly in `body.elements`; the rule id broken otherwise.
    pub root_only: Option<&'static str>,
    /// Only somewhere inside a `form` (any ancestor).
    pub form_only: FormOnly,
}

impl Placement {
    /// Anywhere an `elements` list is.
    pub const ANYWHERE: Placement = Placement {
        root_only: None,
        form_only: FormOnly::Never,
    };
}

/// When a component must be inside a form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormOnly {
    /// Anywhere.
    Never,
    /// Always; the rule id broken otherwise.
    Always(&'static str),
    /// When the boolean attribute (first) is `true`; the rule id (second) broken otherwise.
    WhenTrue(&'static str, &'static str),
}

/// One component (or sub-element) of the format.
#[derive(Debug)]
pub struct Component {
    /// The `tag` value, e.g. `"column_set"`.
    pub tag: &'static str,
    /// What sort of thing it is.
    pub category: Category,
    /// One line on what it is, for docs and messages.
    pub summary: &'static str,
    /// Every attribute other than `tag`.
    pub attrs: &'static [Attr],
    /// The attribute that holds its children: `elements` for containers, `columns` for
    /// `column_set`; `None` for components without children.
    pub children: Option<&'static str>,
    /// The attribute a plain string child fills in markup: `content` for `markdown`, `text` for
    /// `button`, `div`, `checker`…; `None` where a bare string makes no sense.
    pub text_child: Option<&'static str>,
    /// The container context its `elements` open, for containers.
    pub opens: Option<Container>,
    /// Whether it counts as one level of container nesting (§5: at most
    /// [`Limits::max_depth`]). A `column_set` and its `column`s count as one level together.
    pub nests: bool,
    /// Where it may stand.
    pub placement: Placement,
    /// Its part in a form.
    pub form: FormRole,
    /// Choices made where the documentation is unclear, written down.
    pub note: &'static str,
}

impl Component {
    /// The attribute with this name.
    ///
    /// ```
    /// let button = card_core::registry::component("button").unwrap();
    /// assert!(button.attr("form_action_type").is_some());
    /// assert!(button.attr("colour").is_none());
    /// ```
    pub fn attr(&self, name: &str) -> Option<&'static Attr> {
        find_attr(self.attrs, name)
    }

    /// The attributes that must always be present.
    pub fn required_attrs(&self) -> impl Iterator<Item = &'static Attr> {
        self.attrs.iter().filter(|a| a.required == Required::Yes)
    }

    /// The boolean attribute that makes this component a multiple choice (`select_img`'s
    /// `multi_select`): when it is true the component may only stand in a form, and submits a
    /// list.
    pub fn multi_choice_attr(&self) -> Option<&'static str> {
        match self.placement.form_only {
            FormOnly::WhenTrue(attr, _) => Some(attr),
            _ => None,
        }
    }

    /// What the component submits in a form, if it is a field; `is_true` says whether one of
    /// its boolean attributes is true (see [`multi_choice_attr`](Self::multi_choice_attr)).
    ///
    /// ```
    /// use card_core::registry::{self, FormValue};
    ///
    /// let img = registry::component("select_img").unwrap();
    /// assert_eq!(img.submits(|_| false), Some(FormValue::Text));
    /// assert_eq!(img.submits(|attr| attr == "multi_select"), Some(FormValue::List));
    /// assert_eq!(registry::component("button").unwrap().submits(|_| true), None);
    /// ```
    pub fn submits(&self, is_true: impl Fn(&str) -> bool) -> Option<FormValue> {
        let FormRole::Field(value) = self.form else {
            return None;
        };
        match self.multi_choice_attr() {
            Some(attr) if is_true(attr) => Some(FormValue::List),
            _ => Some(value),
        }
    }
}

impl FormValue {
    /// The format of a picker's value, before Feishu adds the user's UTC offset.
    pub fn format(self) -> Option<Format> {
        match self {
            FormValue::Date => Some(Format::Date),
            FormValue::Time => Some(Format::Time),
            FormValue::DateTime => Some(Format::DateTime),
            FormValue::Text | FormValue::List | FormValue::Bool => None,
        }
    }
}

impl Format {
    /// The format as Feishu's documentation writes it.
    ///
    /// ```
    /// use card_core::registry::Format;
    ///
    /// assert_eq!(Format::DateTime.pattern(), "yyyy-MM-dd HH:mm");
    /// assert!(Format::DateTime.matches("2024-01-31 09:30"));
    /// ```
    pub fn pattern(self) -> &'static str {
        match self {
            Format::Date => "yyyy-MM-dd",
            Format::Time => "HH:mm",
            Format::DateTime => "yyyy-MM-dd HH:mm",
            Format::Ratio => "W:H",
            Format::Rgba => "rgba(r,g,b,a)",
        }
    }

    /// Whether `s` is written in this format.
    pub fn matches(self, s: &str) -> bool {
        values::matches_format(self, s)
    }
}

/// The attribute of `attrs` named `name`.
///
/// Attribute tables are short (at most about thirty entries), so a scan comparing lengths first
/// beats hashing.
pub fn find_attr(attrs: &'static [Attr], name: &str) -> Option<&'static Attr> {
    attrs
        .iter()
        .find(|a| a.name.len() == name.len() && a.name == name)
}

/// When an attribute must be present.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Required {
    /// Never required.
    No,
    /// Always required.
    Yes,
    /// Required when the component is inside a form (the `name` of form fields).
    InForm,
}

/// How current an attribute is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Documented for 2.0.
    Current,
    /// Listed as a "history" attribute on a 2.0 page, or shown in an official 2.0 example:
    /// accepted without a word.
    History,
    /// A 1.0 leftover that Feishu still tolerates in 2.0: accepted with a warning under this
    /// rule id (`legacy.config-key` or `legacy.property`).
    Legacy(&'static str),
}

/// A closed set of spellings that is an enum of the model ([`ButtonType`](crate::model::ButtonType)
/// …): what `card!` needs to write a spelling it has checked as the enum's value. Each such
/// enum gives its own as `ENUM`.
///
/// ```
/// use card_core::model::ButtonType;
///
/// assert_eq!(ButtonType::ENUM.rust, "ButtonType");
/// assert_eq!(ButtonType::ENUM.variant("primary_filled"), Some("PrimaryFilled"));
/// assert_eq!(ButtonType::ENUM.variant("primary_filed"), None);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EnumType {
    /// The enum's name in `card_core::model`.
    pub rust: &'static str,
    /// The JSON spellings, in the enum's order.
    pub names: &'static [&'static str],
    /// The variant of each spelling, in the same order.
    pub variants: &'static [&'static str],
}

impl EnumType {
    /// The variant spelt `spelling` in JSON.
    pub fn variant(&self, spelling: &str) -> Option<&'static str> {
        let i = self.names.iter().position(|n| *n == spelling)?;
        self.variants.get(i).copied()
    }
}

/// One attribute of a component or object.
#[derive(Debug, Clone, Copy)]
pub struct Attr {
    /// The JSON key.
    pub name: &'static str,
    /// What values it takes.
    pub kind: Kind,
    /// When it must be present.
    pub required: Required,
    /// How current it is.
    pub status: Status,
    /// Whether a value outside the documented set is only a warning: Feishu is documented to
    /// fall back or clip (unknown text sizes render as `normal`, over-wide widths are clipped),
    /// or working cards use values the documentation does not list.
    pub lenient: bool,
    /// Choices made where the documentation is unclear, or what to use instead of a leftover.
    pub note: &'static str,
    /// The model enum of an attribute whose kind is exactly its spellings
    /// ([`Kind::Enum`] of [`EnumType::names`]).
    pub model_enum: Option<&'static EnumType>,
}

impl Attr {
    /// An optional, current, strictly checked attribute.
    pub const fn new(name: &'static str, kind: Kind) -> Attr {
        Attr {
            name,
            kind,
            required: Required::No,
            status: Status::Current,
            lenient: false,
            note: "",
            model_enum: None,
        }
    }

    /// An optional, current, strictly checked attribute whose values are the model enum `t`.
    pub const fn model_enum(name: &'static str, t: &'static EnumType) -> Attr {
        let mut attr = Attr::new(name, Kind::Enum(t.names));
        attr.model_enum = Some(t);
        attr
    }

    /// The same attribute, required.
    pub const fn required(mut self) -> Attr {
        self.required = Required::Yes;
        self
    }

    /// The same attribute, required inside a form.
    pub const fn required_in_form(mut self) -> Attr {
        self.required = Required::InForm;
        self
    }

    /// The same attribute, with out-of-set values reported as warnings.
    pub const fn lenient(mut self) -> Attr {
        self.lenient = true;
        self
    }

    /// The same attribute, marked as a silently accepted history attribute.
    pub const fn history(mut self, note: &'static str) -> Attr {
        self.status = Status::History;
        self.note = note;
        self
    }

    /// The same attribute, marked as a tolerated 1.0 leftover reported under `rule`.
    pub const fn legacy(mut self, rule: &'static str, note: &'static str) -> Attr {
        self.status = Status::Legacy(rule);
        self.note = note;
        self
    }

    /// The same attribute, with a note on a choice made.
    pub const fn note(mut self, note: &'static str) -> Attr {
        self.note = note;
        self
    }

    /// The same description under the JSON key `name`: a model struct's field gives its key to
    /// the description written on it.
    pub const fn named(mut self, name: &'static str) -> Attr {
        self.name = name;
        self
    }
}

/// The value an attribute takes.
#[derive(Debug, Clone, Copy)]
pub enum Kind {
    /// `true` or `false`.
    Bool,
    /// Any string.
    Str,
    /// A string of at most this many characters.
    StrMax(usize),
    /// A string matching `^[A-Za-z][A-Za-z0-9_]{0,19}$`.
    ElementId,
    /// An integer in a closed range.
    Int {
        /// Smallest allowed value.
        min: i64,
        /// Largest allowed value (`i64::MAX`: unbounded).
        max: i64,
    },
    /// A number in a closed range.
    Number {
        /// Smallest allowed value.
        min: f64,
        /// Largest allowed value.
        max: f64,
    },
    /// One of these strings.
    Enum(&'static [&'static str]),
    /// `"Npx"` with N in a closed range.
    Pixels {
        /// Smallest allowed value.
        min: i64,
        /// Largest allowed value (`i64::MAX`: unbounded).
        max: i64,
    },
    /// `"N%"` with N in a closed range.
    Percent {
        /// Smallest allowed value.
        min: i64,
        /// Largest allowed value.
        max: i64,
    },
    /// `"Wpx Hpx"`, each in a closed range.
    PixelPair {
        /// Smallest allowed value.
        min: i64,
        /// Largest allowed value.
        max: i64,
    },
    /// A CSS-like length list of 1 to 4 pixel values in a closed range (`margin`, `padding`);
    /// a zero may be written without unit.
    Lengths {
        /// Smallest allowed value.
        min: i64,
        /// Largest allowed value.
        max: i64,
    },
    /// A string in a fixed format.
    Format(Format),
    /// A colour name (§2.7) or a name defined in `config.style.color`. Unknown names are
    /// warnings: the client falls back to its default colour.
    Color,
    /// A text size name (§2.4) or a name defined in `config.style.text_size`. Unknown names are
    /// warnings: the documentation says they render as `normal`.
    TextSize,
    /// JSON 1.0 values that 2.0 still accepts: reported as `legacy.property` warnings.
    Tolerated(&'static [&'static str]),
    /// Any of these kinds.
    AnyOf(&'static [Kind]),
    /// A text object: a sub-element among `forms` (the first is the default when `tag` is
    /// omitted), whose `content` holds at most `max_chars` characters.
    Text {
        /// The text sub-elements allowed here.
        forms: &'static [&'static Component],
        /// The documented length limit of the text, if any.
        max_chars: Option<usize>,
    },
    /// An object with a `tag` among these components or sub-elements (icons, columns, buttons).
    Tagged(&'static [&'static Component]),
    /// An object without `tag`, with these attributes.
    Object(&'static [Attr]),
    /// An object whose `key` attribute selects one of several shapes (`behaviors` entries).
    Union {
        /// The discriminating attribute, e.g. `type`.
        key: &'static str,
        /// The shapes, one per value of `key`.
        shapes: &'static [Shape],
    },
    /// A list of values of one kind.
    List(&'static Kind),
    /// A list of components: the children of a container.
    Elements,
    /// An object from locale (`zh_cn`, `en_us`, …) to a value.
    Locales(&'static Kind),
    /// An object from free names to a value (`config.style.color`).
    Map(&'static Kind),
    /// Free-form JSON (callback `value`, `chart_spec`, table rows).
    Json,
}

/// One shape of a [`Kind::Union`].
#[derive(Debug, Clone, Copy)]
pub struct Shape {
    /// The value of the union's key that selects this shape.
    pub value: &'static str,
    /// Its attributes besides the key.
    pub attrs: &'static [Attr],
    /// How current it is.
    pub status: Status,
}

/// A fixed string format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `yyyy-MM-dd`.
    Date,
    /// `HH:mm`.
    Time,
    /// `yyyy-MM-dd HH:mm`.
    DateTime,
    /// `W:H`, both positive integers (image aspect ratios such as `16:9`).
    Ratio,
    /// `rgba(r,g,b,a)`: channels from 0 to 255, alpha from 0 to 1 (custom colours).
    Rgba,
}

/// The card-wide limits (§5).
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Serialized card size, in bytes.
    pub max_bytes: usize,
    /// Components and elements per card.
    pub max_elements: usize,
    /// Container nesting depth.
    pub max_depth: usize,
    /// `table` components per card.
    pub max_tables: usize,
    /// Header `text_tag_list` entries.
    pub max_header_tags: usize,
    /// Columns of one `table` that are shown.
    pub max_table_columns: usize,
    /// Buttons in a checker's `button_area`.
    pub max_checker_buttons: usize,
    /// Tables written in one `markdown` component's text.
    pub max_markdown_tables: usize,
}

/// The component that may stand in an `elements` list under this tag, or a removed 1.0 one is
/// not included: see [`REMOVED_COMPONENTS`].
///
/// ```
/// assert!(card_core::registry::component("select_img").is_some());
/// assert!(card_core::registry::component("plain_text").is_none()); // a sub-element
/// assert!(card_core::registry::component("note").is_none()); // removed in 2.0
/// ```
pub fn component(tag: &str) -> Option<&'static Component> {
    table::component(tag)
}

/// The sub-element (`column`, `plain_text`, `lark_md`, `standard_icon`, `custom_icon`,
/// `text_tag`) under this tag. The collapsible panel's `markdown` title form is
/// [`COLLAPSIBLE_TITLE_MARKDOWN`]; `sub_element("markdown")` is `None` because `markdown` is a
/// component.
pub fn sub_element(tag: &str) -> Option<&'static Component> {
    table::sub_element(tag)
}

/// The name of the type in `card_core::model` that holds what a registry record describes:
/// `ColumnSet` for [`COLUMN_SET`], `MarkdownText` for [`COLLAPSIBLE_TITLE_MARKDOWN`] (not the
/// `markdown` component's `Markdown`). `None` for a record that is not one of the registry's.
///
/// ```
/// use card_core::registry::{self, rust_type};
///
/// assert_eq!(rust_type(registry::component("column_set").unwrap()), Some("ColumnSet"));
/// assert_eq!(rust_type(&registry::COLLAPSIBLE_TITLE_MARKDOWN), Some("MarkdownText"));
/// ```
pub fn rust_type(record: &Component) -> Option<&'static str> {
    table::rust_type(record)
}

/// The closest name among `candidates` to a misspelt `name`, if one is close enough to suggest:
/// within a small edit distance, or made of the same `_`-separated words in another order
/// (`picker_date` → `date_picker`).
///
/// ```
/// use card_core::registry::{did_you_mean, COMPONENTS};
///
/// let tags = COMPONENTS.iter().map(|c| c.tag);
/// assert_eq!(did_you_mean("buton", tags.clone()), Some("button"));
/// assert_eq!(did_you_mean("picker_date", tags.clone()), Some("date_picker"));
/// assert_eq!(did_you_mean("video", tags), None);
/// ```
pub fn did_you_mean<'n>(
    name: &str,
    candidates: impl IntoIterator<Item = &'n str>,
) -> Option<&'n str> {
    let mut best: Option<(usize, &'n str)> = None;
    let limit = (name.chars().count() / 3).max(1);
    for candidate in candidates {
        if candidate == name {
            continue;
        }
        if same_words(name, candidate) {
            return Some(candidate);
        }
        let d = values::edit_distance(name, candidate);
        if d <= limit && best.is_none_or(|(bd, _)| d < bd) {
            best = Some((d, candidate));
        }
    }
    best.map(|(_, c)| c)
}

fn same_words(a: &str, b: &str) -> bool {
    if a.len() != b.len() || !a.contains('_') {
        return false;
    }
    let mut wa: Vec<&str> = a.split('_').collect();
    let mut wb: Vec<&str> = b.split('_').collect();
    wa.sort_unstable();
    wb.sort_unstable();
    wa == wb
}

/// Every component and sub-element, with the card-level attribute tables, for tools that list
/// the whole format (docs, the model agreement test).
pub fn all_components() -> impl Iterator<Item = &'static Component> {
    COMPONENTS
        .iter()
        .copied()
        .chain(SUB_ELEMENTS.iter().copied())
        .chain(std::iter::once(&COLLAPSIBLE_TITLE_MARKDOWN))
}
