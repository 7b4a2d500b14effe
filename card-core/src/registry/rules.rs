//! Every rule a card can break: its stable id, its severity, what it says, and whether the
//! `card!` macro can check it while compiling.

use crate::Severity;

/// The rule ids, named once. Diagnostics carry these strings; tools may match on them.
pub mod rule {
    /// The input is not JSON.
    pub const JSON_SYNTAX: &str = "json.syntax";
    /// The card is laid out as JSON 1.0.
    pub const SCHEMA_VERSION_1: &str = "schema.version-1";
    /// `schema` is missing or not `"2.0"`.
    pub const SCHEMA_VERSION: &str = "schema.version";
    /// A property the format does not have.
    pub const UNKNOWN_PROPERTY: &str = "structure.unknown-property";
    /// A tag the format does not have.
    pub const UNKNOWN_TAG: &str = "structure.unknown-tag";
    /// A sub-element (`plain_text`, `column`, an icon…) standing as a component.
    pub const SUB_ELEMENT_AS_COMPONENT: &str = "structure.sub-element-as-component";
    /// A required property is absent.
    pub const MISSING_PROPERTY: &str = "structure.missing-property";
    /// A value of the wrong JSON type.
    pub const WRONG_TYPE: &str = "structure.wrong-type";
    /// A 1.0 component removed in 2.0 (`note`, `action`).
    pub const REMOVED_COMPONENT: &str = "legacy.removed-component";
    /// A 1.0 `config` key (`wide_screen_mode`, `compact_width`).
    pub const LEGACY_CONFIG_KEY: &str = "legacy.config-key";
    /// Another tolerated 1.0 leftover.
    pub const LEGACY_PROPERTY: &str = "legacy.property";
    /// `table` below the body root.
    pub const TABLE_NOT_AT_ROOT: &str = "nesting.table-not-at-root";
    /// `form` below the body root.
    pub const FORM_NOT_AT_ROOT: &str = "nesting.form-not-at-root";
    /// `multi_select_static` outside a form.
    pub const MULTI_SELECT_STATIC_OUTSIDE_FORM: &str = "nesting.multi_select_static-outside-form";
    /// `multi_select_person` outside a form.
    pub const MULTI_SELECT_PERSON_OUTSIDE_FORM: &str = "nesting.multi_select_person-outside-form";
    /// `select_img` with `multi_select: true` outside a form.
    pub const SELECT_IMG_MULTI_OUTSIDE_FORM: &str = "nesting.select_img-multi-outside-form";
    /// A form without `name`.
    pub const FORM_NAME_MISSING: &str = "form.name-missing";
    /// Two forms with one `name`.
    pub const FORM_NAME_DUPLICATE: &str = "form.name-duplicate";
    /// An interactive component in a form without `name`.
    pub const FIELD_NAME_MISSING: &str = "form.field-name-missing";
    /// Two form components with one `name`.
    pub const FIELD_NAME_DUPLICATE: &str = "form.field-name-duplicate";
    /// A form without a submit button.
    pub const NO_SUBMIT_BUTTON: &str = "form.no-submit-button";
    /// `required` outside a form.
    pub const REQUIRED_OUTSIDE_FORM: &str = "form.required-outside-form";
    /// An `element_id` of the wrong shape.
    pub const ELEMENT_ID_PATTERN: &str = "element_id.pattern";
    /// Two components with one `element_id`.
    pub const ELEMENT_ID_DUPLICATE: &str = "element_id.duplicate";
    /// A value outside its enumeration.
    pub const VALUE_ENUM: &str = "value.enum";
    /// A number or length out of range.
    pub const VALUE_RANGE: &str = "value.range";
    /// A string in the wrong format.
    pub const VALUE_FORMAT: &str = "value.format";
    /// A text longer than documented.
    pub const VALUE_TEXT_LENGTH: &str = "value.text-length";

    /// Whether `rule` judges a value against its documented set or range (`value.*`): the
    /// rules a [lenient](super::super::Attr::lenient) attribute reports as warnings.
    pub fn is_value_rule(rule: &str) -> bool {
        rule.starts_with("value.")
    }
    /// The card is larger than 30 KB.
    pub const CARD_SIZE: &str = "limit.card-size";
    /// More than 200 components and elements.
    pub const ELEMENTS: &str = "limit.elements";
    /// Containers nested more than five levels.
    pub const DEPTH: &str = "limit.depth";
    /// More than five tables.
    pub const TABLES: &str = "limit.tables";
    /// More than three header tags.
    pub const HEADER_TAGS: &str = "limit.header-tags";
    /// Tables written in `markdown` content, with the `table` components, exceed the card's
    /// table limit.
    pub const MARKDOWN_TABLES: &str = "limit.markdown-tables";
    /// An `audio` in a forwardable card.
    pub const AUDIO_FORWARDABLE: &str = "audio.forwardable";
    /// Two audios with one `audio_id`.
    pub const AUDIO_DUPLICATE_ID: &str = "audio.duplicate-id";
    /// A `card_link` without `url` and without all three platform URLs.
    pub const CARD_LINK_INCOMPLETE: &str = "card_link.incomplete";
    /// `config.update_multi: false`.
    pub const UPDATE_MULTI: &str = "config.update-multi";
    /// A table row key that is not a column `name`.
    pub const TABLE_ROW_KEY: &str = "table.row-key";
    /// A table with more columns than are shown.
    pub const TABLE_COLUMNS: &str = "table.columns";
    /// An `img_combination` with more images than its mode shows.
    pub const IMG_COMBINATION_TOO_MANY: &str = "img_combination.too-many-images";
    /// Two options of one select or overflow with one `value`.
    pub const OPTION_DUPLICATE: &str = "select.option-duplicate";
    /// A time picker with neither a placeholder nor an initial value.
    pub const PICKER_PLACEHOLDER: &str = "picker.placeholder-missing";
    /// A checker's buttons: too many, or of a type the checker does not take.
    pub const CHECKER_BUTTONS: &str = "checker.buttons";
    /// An `open_url` behaviour on a component that does not open links.
    pub const OPEN_URL_UNSUPPORTED: &str = "behaviors.open-url-unsupported";
    /// A `markdown` with more tables than it shows.
    pub const MARKDOWN_TABLES_IN_ONE: &str = "markdown.too-many-tables";
    /// A custom colour without its light or its dark value.
    pub const STYLE_COLOR_INCOMPLETE: &str = "style.color-incomplete";
}

/// One rule of the format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    /// The stable id, such as `nesting.table-not-at-root`.
    pub id: &'static str,
    /// How bad breaking it is. For `value.*` rules this is the severity on strictly checked
    /// attributes; attributes marked [`lenient`](super::Attr::lenient) and the colour and
    /// text-size kinds report the same rule as a warning.
    pub severity: Severity,
    /// What the rule says, in one line.
    pub summary: &'static str,
    /// Whether the `card!` macro checks it while compiling (for what is written literally in
    /// the markup; values computed at run time are left to the runtime validator).
    pub compile_time: bool,
}

const fn r(
    id: &'static str,
    severity: Severity,
    compile_time: bool,
    summary: &'static str,
) -> Rule {
    Rule {
        id,
        severity,
        summary,
        compile_time,
    }
}

use rule::*;
use Severity::{Error, Warning};

/// Every rule, in the order of the issue that introduced them.
pub static RULES: &[Rule] = &[
    r(JSON_SYNTAX, Error, false, "the card must be well-formed JSON"),
    r(SCHEMA_VERSION_1, Error, false,
      "a card laid out as JSON 1.0 (top-level `elements`, `i18n_elements`, no `schema`) is not a 2.0 card; migrate it"),
    r(SCHEMA_VERSION, Error, false, "`schema` must be the string `\"2.0\"`"),
    r(UNKNOWN_PROPERTY, Error, true,
      "2.0 rejects properties it does not know, at every level (ErrCode 200621)"),
    r(UNKNOWN_TAG, Error, true, "a component `tag` must be one of the 2.0 components"),
    r(SUB_ELEMENT_AS_COMPONENT, Error, true,
      "sub-elements (`column`, `plain_text`, `lark_md`, icons, `text_tag`) only live inside their component"),
    r(MISSING_PROPERTY, Error, true, "required properties must be present"),
    r(WRONG_TYPE, Error, true, "each property takes one JSON type (string, number, bool, object, list)"),
    r(REMOVED_COMPONENT, Error, true,
      "the 1.0 `note` and `action` modules were removed in 2.0 (ErrCode 200861)"),
    r(LEGACY_CONFIG_KEY, Warning, true,
      "1.0 `config` keys (`wide_screen_mode`, `compact_width`) are tolerated leftovers"),
    r(LEGACY_PROPERTY, Warning, true,
      "other 1.0 leftovers (button `url`/`value`, `div.fields`, `plain_text.i18n`, card-level `fallback` and `i18n_header`, spacing `default`) are tolerated"),
    r(TABLE_NOT_AT_ROOT, Error, true, "`table` may only sit directly in `body.elements`"),
    r(FORM_NOT_AT_ROOT, Error, true, "`form` may only sit directly in `body.elements`"),
    r(MULTI_SELECT_STATIC_OUTSIDE_FORM, Error, true, "`multi_select_static` must be inside a `form`"),
    r(MULTI_SELECT_PERSON_OUTSIDE_FORM, Error, true, "`multi_select_person` must be inside a `form`"),
    r(SELECT_IMG_MULTI_OUTSIDE_FORM, Error, true,
      "`select_img` with `multi_select: true` must be inside a `form`"),
    r(FORM_NAME_MISSING, Error, true, "a `form` needs a non-empty `name`"),
    r(FORM_NAME_DUPLICATE, Error, true, "form names are unique in the card"),
    r(FIELD_NAME_MISSING, Error, true,
      "every interactive component inside a form (buttons included) needs a non-empty `name`"),
    r(FIELD_NAME_DUPLICATE, Error, true, "names of form components are unique in the whole card"),
    r(NO_SUBMIT_BUTTON, Error, true,
      "a form needs a button with `form_action_type: \"submit\"` (1.0 `action_type: \"form_submit\"` counts)"),
    r(REQUIRED_OUTSIDE_FORM, Warning, true,
      "`required: true` only means something inside a form (the docs say it errors or has no effect: unconfirmed)"),
    r(ELEMENT_ID_PATTERN, Error, true,
      "`element_id` starts with a letter and has at most 20 letters, digits or `_`"),
    r(ELEMENT_ID_DUPLICATE, Error, true,
      "`element_id` is unique among the card's components and columns (ErrCode 300301); text objects and header tags keep their own ids, which official examples reuse"),
    r(VALUE_ENUM, Error, true, "enumerated properties take one of their documented values"),
    r(VALUE_RANGE, Error, true, "numbers and pixel lengths stay in their documented range"),
    r(VALUE_FORMAT, Error, true, "lengths, dates and times follow their documented format"),
    r(VALUE_TEXT_LENGTH, Warning, true,
      "button texts, placeholders and option texts hold at most 100 characters (longer texts are cut: unconfirmed)"),
    r(CARD_SIZE, Error, false, "the serialized card is at most 30 KB (ErrCode 230025 / 200860)"),
    r(ELEMENTS, Error, true, "a card holds at most 200 components and elements (ErrCode 11310 / 300305)"),
    r(DEPTH, Error, true, "containers nest at most five levels"),
    r(TABLES, Error, true, "a card holds at most five `table` components"),
    r(HEADER_TAGS, Warning, true, "the header shows at most three `text_tag`s; the rest are hidden"),
    r(MARKDOWN_TABLES, Warning, true,
      "tables written in `markdown` content (a header row and a `|---|` row) count toward the card's table limit with the `table` components (230099 / ErrCode 11310 \"card table number over limit\"; how Feishu counts them is unconfirmed)"),
    r(AUDIO_FORWARDABLE, Error, true,
      "a card with `audio` must set `config.enable_forward: false` (ErrCode 300220)"),
    r(AUDIO_DUPLICATE_ID, Error, true, "`audio_id` is unique in the card (ErrCode 300230)"),
    r(CARD_LINK_INCOMPLETE, Warning, true,
      "`card_link` needs `url`, or all of `pc_url`, `ios_url` and `android_url`"),
    r(UPDATE_MULTI, Error, true, "2.0 cards are shared: `config.update_multi` must be `true` (ErrCode 300302)"),
    r(TABLE_ROW_KEY, Warning, true,
      "table row keys are column `name`s (ErrCode 200915 is documented, but official examples with a stray key are accepted: the cell is not shown)"),
    r(TABLE_COLUMNS, Warning, false,
      "a table shows at most 50 columns; the rest are not shown (2.0 table page)"),
    r(IMG_COMBINATION_TOO_MANY, Warning, false,
      "an `img_combination` shows at most 2 (`double`), 3 (`triple`), 6 (`bisect`) or 9 (`trisect`) images; the rest are not shown (2.0 image-combination page)"),
    r(OPTION_DUPLICATE, Warning, false,
      "option `value`s are unique within one select or overflow: a repeated value breaks the choice (2.0 select pages)"),
    r(PICKER_PLACEHOLDER, Warning, false,
      "a `picker_time` or `picker_datetime` without an initial value needs a `placeholder` (2.0 picker pages)"),
    r(CHECKER_BUTTONS, Warning, false,
      "a checker holds at most 3 buttons, each of `type` `text`, `primary_text` or `danger_text` (checker button tables, en 2.0 and zh 1.0)"),
    r(OPEN_URL_UNSUPPORTED, Warning, false,
      "only `button` and `interactive_container` open links from `behaviors`; other components only send callbacks (interaction page)"),
    r(MARKDOWN_TABLES_IN_ONE, Warning, false,
      "one `markdown` component holds at most four tables (2.0 rich-text page); whether its tables also count toward the card's `table` limit is judged separately"),
    r(STYLE_COLOR_INCOMPLETE, Warning, false,
      "a colour of `config.style.color` gives both `light_mode` and `dark_mode`, one per client theme (2.0 structure page, colour page)"),
];

/// The rule with this id.
pub fn find(id: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.id == id)
}

/// The severity of the rule with this id (an error for ids not in [`RULES`]).
pub fn severity_of(id: &str) -> Severity {
    find(id).map_or(Severity::Error, |r| r.severity)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_well_formed() {
        for (i, a) in RULES.iter().enumerate() {
            assert!(a.id.contains('.'), "{}", a.id);
            assert!(!a.summary.is_empty());
            for b in &RULES[i + 1..] {
                assert_ne!(a.id, b.id);
            }
        }
        assert_eq!(severity_of(LEGACY_CONFIG_KEY), Severity::Warning);
        assert_eq!(severity_of(TABLE_NOT_AT_ROOT), Severity::Error);
    }
}
