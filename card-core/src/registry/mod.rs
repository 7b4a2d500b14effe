//! The component registry: one declarative table of Card JSON 2.0.
//!
//! Every tag, its attributes and their value kinds, what is required, where each component may
//! stand, and the card-wide limits live here and nowhere else. The runtime validator, the
//! `card!` macro's compile-time checks, the JSON → `card!` converter, the HTML preview and the
//! emulator all read their rules from this module.


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

/// Where a component may stand.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Placement {
    /// Only directly in `body.elements`; the rule id broken otherwise.
    pub root_only: Option<&'static str>,
    /// Only somewhere inside a `form` (any ancestor).
    pub form_only: FormOnly,
}

/// When a component must be inside a form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormOnly {
    /// Anywhere.
    Never,
    /// Always; the rule id broken otherwise.
    Always(&'static str),
    /// When the boolean attribute is `true`; the rule id broken otherwise.
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
    /// The container context its `elements` open, for containers.
    pub opens: Option<Container>,
    /// Where it may stand.
    pub placement: Placement,
    /// Its part in a form.
    pub form: FormRole,
    /// Choices made where the documentation is unclear, written down.
    pub note: &'static str,
}

impl Component {
    /// The attribute with this name.
    pub fn attr(&self, name: &str) -> Option<&'static Attr> {
        self.attrs.iter().find(|a| a.name == name)
    }
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
    /// Listed as a "history" attribute on a 2.0 page: accepted without a word.
    History,
    /// A 1.0 leftover that Feishu still tolerates in 2.0: accepted with a warning.
    Legacy,
}

/// One attribute of a component or object.
#[derive(Debug)]
pub struct Attr {
    /// The JSON key.
    pub name: &'static str,
    /// What values it takes.
    pub kind: Kind,
    /// When it must be present.
    pub required: Required,
    /// How current it is.
    pub status: Status,
    /// Choices made where the documentation is unclear, written down.
    pub note: &'static str,
}

/// The value an attribute takes.
#[derive(Debug)]
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
    Int { min: i64, max: i64 },
    /// A number in a closed range.
    Number { min: f64, max: f64 },
    /// One of these strings.
    Enum(&'static [&'static str]),
    /// `"Npx"` with N in a closed range.
    Pixels { min: i64, max: i64 },
    /// `"N%"` with N in a closed range.
    Percent { min: i64, max: i64 },
    /// `"Wpx Hpx"`, each in a closed range.
    PixelPair { min: i64, max: i64 },
    /// A CSS-like length list of 1, 2 or 4 pixel values in a closed range (`margin`, `padding`).
    Lengths { min: i64, max: i64 },
    /// A colour name (§2.7) or a name defined in `config.style.color`.
    Color,
    /// A text size name (§2.4) or a name defined in `config.style.text_size`.
    TextSize,
    /// Any of these kinds.
    AnyOf(&'static [Kind]),
    /// An object with a `tag` among these sub-element tags (text objects, icons, columns…).
    Tagged(&'static [&'static str]),
    /// An object without `tag`, with these attributes.
    Object(&'static [Attr]),
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
}

