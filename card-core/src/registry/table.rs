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

use super::rule::*;
use super::{
    Attr, Category, Component, Container, FormOnly, FormRole, FormValue, Limits, Placement,
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
    attrs: model::PlainText::ATTRS,
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
    attrs: model::LarkMd::ATTRS,
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
    attrs: model::MarkdownText::ATTRS,
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
    attrs: model::StandardIcon::ATTRS,
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
    attrs: model::CustomIcon::ATTRS,
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
    attrs: model::TextTag::ATTRS,
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
    attrs: model::Input::ATTRS,
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

/// `overflow`: a "…" menu of options.
pub static OVERFLOW: Component = Component {
    tag: "overflow",
    category: Category::Interactive,
    summary: "overflow menu",
    attrs: model::Overflow::ATTRS,
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
    attrs: model::SelectStatic::ATTRS,
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
    attrs: model::MultiSelectStatic::ATTRS,
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
    attrs: model::SelectPerson::ATTRS,
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
    attrs: model::MultiSelectPerson::ATTRS,
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
    attrs: model::DatePicker::ATTRS,
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
    attrs: model::PickerTime::ATTRS,
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
    attrs: model::PickerDatetime::ATTRS,
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
    attrs: model::SelectImg::ATTRS,
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
    attrs: model::Checker::ATTRS,
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
pub static CARD: &[Attr] = model::Card::ATTRS;

/// Attributes of `config` (§1.1).
pub static CONFIG: &[Attr] = model::Config::ATTRS;

/// Attributes of `card_link` (§1.2).
pub static CARD_LINK: &[Attr] = model::CardLink::ATTRS;

/// Attributes of `header` (§3.1).
pub static HEADER: &[Attr] = model::Header::ATTRS;

/// Attributes of `body` (§1.3).
pub static BODY: &[Attr] = model::Body::ATTRS;

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
    // The 2.0 table page: columns beyond the 50th are not shown.
    max_table_columns: 50,
    // The checker's button tables (English 2.0 transcription, Chinese 1.0 page): at most three.
    max_checker_buttons: 3,
    // The 2.0 rich-text page, table syntax row: one markdown component holds at most four.
    max_markdown_tables: 4,
};

/// How many images each `combination_mode` of an `img_combination` shows (2.0
/// image-combination page: further images are not shown, fewer leave blanks).
pub static IMG_COMBINATION_CAPACITY: &[(model::CombinationMode, usize)] = {
    use model::CombinationMode::*;
    &[(Double, 2), (Triple, 3), (Bisect, 6), (Trisect, 9)]
};

/// The `type`s a checker's buttons take (checker button tables, English 2.0 transcription and
/// Chinese 1.0 page): the text-only button types.
pub static CHECKER_BUTTON_TYPES: &[model::ButtonType] = &[
    model::ButtonType::Text,
    model::ButtonType::PrimaryText,
    model::ButtonType::DangerText,
];

/// The components whose `behaviors` may open a link (interaction page, event table: links are
/// opened by buttons and interactive containers, and by a column set's own `action`; the other
/// interactive components send callbacks only).
pub static OPENS_URL: &[&Component] = &[&BUTTON, &INTERACTIVE_CONTAINER];

/// Components whose options must carry distinct `value`s (2.0 select pages, `value` rows), with
/// the attribute holding the options.
pub static UNIQUE_OPTION_VALUES: &[(&Component, &str)] = &[
    (&SELECT_STATIC, "options"),
    (&MULTI_SELECT_STATIC, "options"),
    (&SELECT_PERSON, "options"),
    (&MULTI_SELECT_PERSON, "options"),
    (&OVERFLOW, "options"),
];

/// Pickers that need a `placeholder` when they have no initial value, with the attribute
/// holding that value (2.0 time and date-time picker pages, `placeholder` rows).
pub static PLACEHOLDER_UNLESS_INITIAL: &[(&Component, &str)] = &[
    (&PICKER_TIME, "initial_time"),
    (&PICKER_DATETIME, "initial_datetime"),
];

/// Defines the registry's lists of components and sub-elements, their lookups by tag, and the
/// model type of each record, from the list of tagged types (`model/element.rs`). Each record's
/// `tag` must be its tag in that list, or the crate does not compile.
macro_rules! registry_lists {
    ([] all: [$($set:ident $ty:ident = $tag:literal $(=> $record:ident)?,)*]
        components: [$($component:ident = $component_tag:literal => $component_record:ident,)*]
        elements: $elements:tt
        roots: $roots:tt
        sub_elements: [$($sub:ident = $sub_tag:literal => $sub_record:ident,)*]
    ) => {
        /// Every component that may stand in an `elements` list.
        pub static COMPONENTS: &[&Component] = &[$(&$component_record),*];

        /// Every sub-element that has its own tag (the collapsible title's `markdown` form aside).
        pub static SUB_ELEMENTS: &[&Component] = &[$(&$sub_record),*];

        pub(super) fn component(tag: &str) -> Option<&'static Component> {
            Some(match tag {
                $($component_tag => &$component_record,)*
                _ => return None,
            })
        }

        pub(super) fn sub_element(tag: &str) -> Option<&'static Component> {
            Some(match tag {
                $($sub_tag => &$sub_record,)*
                _ => return None,
            })
        }

        /// Each record, with the name of the model type that holds what it describes.
        static MODEL_TYPES: &[(&Component, &str)] = &[$($((&$record, stringify!($ty)),)?)*];

        $($(
            const _: () = assert!(
                same_str($record.tag, $tag),
                concat!("`", stringify!($record), "` must have the tag `", $tag, "` of `", stringify!($ty), "`"),
            );
        )?)*

        /// The name of every record in the list.
        #[cfg(test)]
        const RECORD_NAMES: &[&str] = &[$($(stringify!($record),)?)*];
    };
}

crate::model::element::tag_list!(registry_lists);

pub(super) fn rust_type(record: &Component) -> Option<&'static str> {
    MODEL_TYPES
        .iter()
        .find(|(r, _)| std::ptr::eq(*r, record))
        .map(|(_, ty)| *ty)
}

/// Whether two strings are equal, at compile time.
pub(crate) const fn same_str(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::Kind;

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

    #[test]
    fn every_record_is_in_the_list_of_tagged_types() {
        let source = include_str!("table.rs");
        let records: Vec<&str> = source
            .lines()
            .filter_map(|line| {
                let (name, rest) = line.strip_prefix("pub static ")?.split_once(':')?;
                rest.trim_start().starts_with("Component =").then_some(name)
            })
            .collect();
        assert!(records.len() >= COMPONENTS.len() + SUB_ELEMENTS.len());
        for name in &records {
            assert!(
                RECORD_NAMES.contains(name),
                "`{name}` is not in the list of tagged types (`tag_list!` in model/element.rs)"
            );
        }
        assert_eq!(RECORD_NAMES.len(), records.len());
    }

    #[test]
    fn every_record_names_its_model_type() {
        for c in super::super::all_components() {
            let ty = rust_type(c).unwrap_or_else(|| panic!("{}: no model type", c.tag));
            assert!(ty.starts_with(char::is_uppercase), "{ty}");
        }
        assert_eq!(rust_type(&COLUMN_SET), Some("ColumnSet"));
        assert_eq!(rust_type(&MARKDOWN), Some("Markdown"));
        assert_eq!(rust_type(&COLLAPSIBLE_TITLE_MARKDOWN), Some("MarkdownText"));
        let foreign = Component {
            note: "not in the table",
            ..HR
        };
        assert_eq!(rust_type(&foreign), None);
    }
}
