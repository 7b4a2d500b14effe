//! Containers: `column_set` (with its `column`s), `form`, `interactive_container`,
//! `collapsible_panel`.

use std::borrow::Cow;

use super::common::*;
use super::values::*;
use super::Element;
use crate::registry::kinds::*;
use crate::registry::{Kind, COLLAPSIBLE_TITLE_MARKDOWN, COLUMN, PLAIN_TEXT};

/// The columns of a `column_set`.
const COLUMNS: Kind = Kind::List(&Kind::Tagged(&[&COLUMN]));

model_struct! {
    /// Columns side by side (`column_set`).
    ///
    /// ```
    /// use card_core::model::{Column, ColumnSet, ColumnWidth, Markdown};
    ///
    /// let row = ColumnSet::new()
    ///     .column(Column::new().width(ColumnWidth::Weighted).weight(1).element(Markdown::new("left")))
    ///     .column(Column::new().width(ColumnWidth::Weighted).weight(1).element(Markdown::new("right")));
    /// assert_eq!(row.columns.len(), 2);
    /// ```
    pub struct ColumnSet {
        /// Id for the element APIs.
        #[attr(ELEMENT_ID)]
        element_id: Option<Cow<'static, str>>,
        /// Outer margin.
        #[attr(MARGIN_ATTR)]
        margin: Option<Edges>,
        /// Gap between columns.
        #[attr(kind(SPACING).lenient())]
        horizontal_spacing: Option<Spacing>,
        /// Alignment of the columns.
        #[attr(enum_of(&HorizontalAlign::ENUM))]
        horizontal_align: Option<HorizontalAlign>,
        /// Behaviour on narrow screens.
        #[attr(enum_of(&FlexMode::ENUM))]
        flex_mode: Option<FlexMode>,
        /// Background colour (`default` or a colour).
        #[attr(kind(Kind::Color))]
        background_style: Option<Color>,
        /// Click-to-open link of the whole set.
        #[attr(kind(Kind::Object(ColumnAction::ATTRS)))]
        action: Option<ColumnAction>,
        /// The columns.
        #[attr(kind(COLUMNS)
            .note("required per the table; an empty column_set is harmless, so optional here"))]
        columns: Vec<Column>,
    }
}

impl ColumnSet {
    /// An empty column set.
    pub fn new() -> Self {
        ColumnSet::default()
    }

    /// Adds a column.
    #[must_use]
    pub fn column(mut self, column: Column) -> Self {
        self.columns.push(column);
        self
    }
}

model_struct! {
    /// A click-to-open link on a column set or column (`action`).
    pub struct ColumnAction {
        /// Links per platform.
        #[attr(kind(MULTI_URL))]
        multi_url: Option<MultiUrl>,
    }
}

model_struct! {
    /// One column of a [`ColumnSet`] (`column`).
    pub struct Column {
        /// Always `column`.
        tag: ColumnTag,
        /// Id for the element APIs.
        #[attr(ELEMENT_ID)]
        element_id: Option<Cow<'static, str>>,
        /// Background colour.
        #[attr(kind(Kind::Color))]
        background_style: Option<Color>,
        /// Width.
        #[attr(kind(Kind::AnyOf(&[
            Kind::Enum(&["auto", "weighted"]),
            Kind::Pixels { min: 16, max: 600 },
        ]))
        .lenient()
        .note("[16,600]px; 2.0 clips widths instead of rejecting them, and working cards use 4px"))]
        width: Option<ColumnWidth>,
        /// Share of the free width when `width` is `weighted` (1 to 5).
        #[attr(kind(Kind::Int { min: 1, max: 5 }))]
        weight: Option<u32>,
        /// Gap between children laid out horizontally.
        #[attr(kind(SPACING).lenient())]
        horizontal_spacing: Option<Spacing>,
        /// Horizontal alignment of children.
        #[attr(enum_of(&HorizontalAlign::ENUM))]
        horizontal_align: Option<HorizontalAlign>,
        /// Vertical alignment of children.
        #[attr(enum_of(&VerticalAlign::ENUM))]
        vertical_align: Option<VerticalAlign>,
        /// Gap between children laid out vertically.
        #[attr(kind(SPACING).lenient())]
        vertical_spacing: Option<Spacing>,
        /// Layout direction.
        #[attr(enum_of(&Direction::ENUM))]
        direction: Option<Direction>,
        /// Inner padding.
        #[attr(PADDING_ATTR)]
        padding: Option<Edges>,
        /// Outer margin.
        #[attr(MARGIN_ATTR)]
        margin: Option<Edges>,
        /// The children.
        #[attr(kind(Kind::Elements))]
        elements: Option<Vec<Element>>,
        /// Click-to-open link of the column.
        #[attr(kind(Kind::Object(ColumnAction::ATTRS)))]
        action: Option<ColumnAction>,
    }
}

impl Column {
    /// An empty column.
    pub fn new() -> Self {
        Column::default()
    }

    /// Adds a child.
    #[must_use]
    pub fn element(mut self, element: impl Into<Element>) -> Self {
        self.elements
            .get_or_insert_with(Vec::new)
            .push(element.into());
        self
    }
}

model_struct! {
    /// A form (`form`): its fields are submitted together by a submit button. Only at the root
    /// of the body.
    ///
    /// ```
    /// use card_core::model::{Button, ButtonType, Form, FormActionType, Input};
    ///
    /// let form = Form::new("feedback")
    ///     .element(Input::new("reason"))
    ///     .element(
    ///         Button::new("Send")
    ///             .r#type(ButtonType::PrimaryFilled)
    ///             .name("send")
    ///             .form_action_type(FormActionType::Submit),
    ///     );
    /// assert_eq!(form.elements.len(), 2);
    /// ```
    pub struct Form {
        /// Id for the element APIs.
        #[attr(ELEMENT_ID)]
        element_id: Option<Cow<'static, str>>,
        /// Outer margin.
        #[attr(MARGIN_ATTR)]
        margin: Option<Edges>,
        /// The form's name, unique in the card.
        #[attr(kind(Kind::Str))]
        name: Cow<'static, str>,
        /// The children.
        #[attr(kind(Kind::Elements))]
        elements: Vec<Element>,
        /// Layout direction.
        #[attr(enum_of(&Direction::ENUM))]
        direction: Option<Direction>,
        /// Inner padding.
        #[attr(PADDING_ATTR)]
        padding: Option<Edges>,
        /// Gap between children laid out horizontally.
        #[attr(kind(SPACING).lenient())]
        horizontal_spacing: Option<Spacing>,
        /// Gap between children laid out vertically.
        #[attr(kind(SPACING).lenient())]
        vertical_spacing: Option<Spacing>,
        /// Horizontal alignment of children.
        #[attr(enum_of(&HorizontalAlign::ENUM))]
        horizontal_align: Option<HorizontalAlign>,
        /// Vertical alignment of children.
        #[attr(enum_of(&VerticalAlign::ENUM))]
        vertical_align: Option<VerticalAlign>,
        /// What clients too old for forms show (forms need client 6.6 or later).
        #[attr(kind(FALLBACK).note(
            "no row in the form page's field table; Feishu's 2.0 form-container sample card \
             (Chinese page and English transcription) sends it on the form",
        ))]
        fallback: Option<Fallback>,
    }
}

impl Form {
    /// An empty form with this name.
    pub fn new(name: impl Into<Cow<'static, str>>) -> Self {
        Form {
            name: name.into(),
            ..Default::default()
        }
    }

    /// Adds a child.
    #[must_use]
    pub fn element(mut self, element: impl Into<Element>) -> Self {
        self.elements.push(element.into());
        self
    }
}

model_struct! {
    /// A clickable area around other components (`interactive_container`).
    pub struct InteractiveContainer {
        /// Id for the element APIs.
        #[attr(ELEMENT_ID)]
        element_id: Option<Cow<'static, str>>,
        /// Outer margin.
        #[attr(MARGIN_ATTR)]
        margin: Option<Edges>,
        /// The children.
        #[attr(kind(Kind::Elements))]
        elements: Vec<Element>,
        /// What a click does.
        #[attr(BEHAVIORS_ATTR)]
        behaviors: Option<Vec<Behavior>>,
        /// Width.
        #[attr(kind(Kind::AnyOf(&[
            Kind::Enum(&["fill", "auto"]),
            Kind::Pixels { min: 16, max: 999 },
        ]))
        .lenient())]
        width: Option<BoxWidth>,
        /// Height.
        #[attr(kind(Kind::AnyOf(&[
            Kind::Enum(&["auto"]),
            Kind::Pixels { min: 10, max: 999 },
        ]))
        .lenient())]
        height: Option<Height>,
        /// Layout direction.
        #[attr(enum_of(&Direction::ENUM))]
        direction: Option<Direction>,
        /// Gap between children laid out horizontally.
        #[attr(kind(SPACING).lenient())]
        horizontal_spacing: Option<Spacing>,
        /// Gap between children laid out vertically.
        #[attr(kind(SPACING).lenient())]
        vertical_spacing: Option<Spacing>,
        /// Horizontal alignment of children.
        #[attr(enum_of(&HorizontalAlign::ENUM))]
        horizontal_align: Option<HorizontalAlign>,
        /// Vertical alignment of children.
        #[attr(enum_of(&VerticalAlign::ENUM))]
        vertical_align: Option<VerticalAlign>,
        /// Background (`default`, `laser` or a colour).
        #[attr(kind(Kind::AnyOf(&[Kind::Enum(&["laser"]), Kind::Color])))]
        background_style: Option<Color>,
        /// Whether a 1 px border is drawn.
        #[attr(kind(Kind::Bool))]
        has_border: Option<bool>,
        /// Border colour.
        #[attr(kind(Kind::Color))]
        border_color: Option<Color>,
        /// Corner radius.
        #[attr(kind(CORNER_RADIUS).lenient())]
        corner_radius: Option<Length>,
        /// Inner padding.
        #[attr(PADDING_ATTR)]
        padding: Option<Edges>,
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
    }
}

impl InteractiveContainer {
    /// An empty container.
    pub fn new() -> Self {
        InteractiveContainer::default()
    }

    /// Adds a child.
    #[must_use]
    pub fn element(mut self, element: impl Into<Element>) -> Self {
        self.elements.push(element.into());
        self
    }

    /// Adds a behaviour.
    #[must_use]
    pub fn behavior(mut self, behavior: impl Into<Behavior>) -> Self {
        self.behaviors
            .get_or_insert_with(Vec::new)
            .push(behavior.into());
        self
    }

    /// Adds a callback with this value.
    #[must_use]
    pub fn callback(self, value: impl Into<serde_json::Value>) -> Self {
        self.behavior(Behavior::callback(value))
    }

    /// Adds a link.
    #[must_use]
    pub fn open_url(self, url: impl Into<Cow<'static, str>>) -> Self {
        self.behavior(Behavior::open_url(url))
    }
}

model_struct! {
    /// A panel that folds its children away (`collapsible_panel`).
    ///
    /// ```
    /// use card_core::model::{CollapsiblePanel, Markdown};
    ///
    /// let panel = CollapsiblePanel::new("Details").expanded(false).element(Markdown::new("…"));
    /// assert_eq!(panel.elements.map(|e| e.len()), Some(1));
    /// ```
    pub struct CollapsiblePanel {
        /// Id for the element APIs.
        #[attr(ELEMENT_ID)]
        element_id: Option<Cow<'static, str>>,
        /// Outer margin.
        #[attr(MARGIN_ATTR)]
        margin: Option<Edges>,
        /// The header that folds and unfolds the panel.
        #[attr(kind(Kind::Object(CollapsiblePanelHeader::ATTRS)).required())]
        header: CollapsiblePanelHeader,
        /// Whether the panel starts unfolded.
        #[attr(kind(Kind::Bool))]
        expanded: Option<bool>,
        /// Layout direction.
        #[attr(enum_of(&Direction::ENUM))]
        direction: Option<Direction>,
        /// Gap between children laid out horizontally.
        #[attr(kind(SPACING).lenient())]
        horizontal_spacing: Option<Spacing>,
        /// Gap between children laid out vertically.
        #[attr(kind(SPACING).lenient())]
        vertical_spacing: Option<Spacing>,
        /// Horizontal alignment of children.
        #[attr(enum_of(&HorizontalAlign::ENUM))]
        horizontal_align: Option<HorizontalAlign>,
        /// Vertical alignment of children.
        #[attr(enum_of(&VerticalAlign::ENUM))]
        vertical_align: Option<VerticalAlign>,
        /// Inner padding.
        #[attr(PADDING_ATTR)]
        padding: Option<Edges>,
        /// Background colour.
        #[attr(kind(Kind::Color))]
        background_color: Option<Color>,
        /// Border.
        #[attr(kind(BORDER))]
        border: Option<Border>,
        /// The children.
        #[attr(kind(Kind::Elements))]
        elements: Option<Vec<Element>>,
    }
}

impl CollapsiblePanel {
    /// A folded panel with this title.
    pub fn new(title: impl Into<PanelTitle>) -> Self {
        CollapsiblePanel {
            header: CollapsiblePanelHeader::new(title),
            ..Default::default()
        }
    }

    /// Adds a child.
    #[must_use]
    pub fn element(mut self, element: impl Into<Element>) -> Self {
        self.elements
            .get_or_insert_with(Vec::new)
            .push(element.into());
        self
    }
}

/// §2.4: the collapsible title takes `markdown`, not `lark_md`.
const PANEL_TITLE: Kind = Kind::Text {
    forms: &[&PLAIN_TEXT, &COLLAPSIBLE_TITLE_MARKDOWN],
    max_chars: None,
};

model_struct! {
    /// The header of a [`CollapsiblePanel`].
    pub struct CollapsiblePanelHeader {
        /// The title.
        #[attr(kind(PANEL_TITLE))]
        title: Option<PanelTitle>,
        /// Background colour.
        #[attr(kind(Kind::Color))]
        background_color: Option<Color>,
        /// Width.
        #[attr(enum_of(&PanelHeaderWidth::ENUM).lenient())]
        width: Option<PanelHeaderWidth>,
        /// Vertical alignment.
        #[attr(enum_of(&VerticalAlign::ENUM))]
        vertical_align: Option<VerticalAlign>,
        /// Inner padding.
        #[attr(PADDING_ATTR)]
        padding: Option<Edges>,
        /// The fold icon.
        #[attr(kind(ICON))]
        icon: Option<Icon>,
        /// Where the icon sits.
        #[attr(enum_of(&IconPosition::ENUM))]
        icon_position: Option<IconPosition>,
        /// How far the icon turns when unfolded (degrees).
        #[attr(kind(Kind::Number {
            min: -360.0,
            max: 360.0,
        })
        .lenient()
        .note("documented values are -180, -90, 90 and 180"))]
        icon_expanded_angle: Option<Number>,
        /// Where the header sits (seen in the official example).
        #[attr(enum_of(&PanelHeaderPosition::ENUM)
            .lenient()
            .history("shown in the official example, missing from the table"))]
        position: Option<PanelHeaderPosition>,
    }
}

impl CollapsiblePanelHeader {
    /// A header with this title.
    pub fn new(title: impl Into<PanelTitle>) -> Self {
        CollapsiblePanelHeader {
            title: Some(title.into()),
            ..Default::default()
        }
    }
}
