//! Containers: `column_set` (with its `column`s), `form`, `interactive_container`,
//! `collapsible_panel`.

use std::borrow::Cow;

use super::common::*;
use super::values::*;
use super::Element;

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
        element_id: Option<Cow<'static, str>>,
        /// Outer margin.
        margin: Option<Edges>,
        /// Gap between columns.
        horizontal_spacing: Option<Spacing>,
        /// Alignment of the columns.
        horizontal_align: Option<HorizontalAlign>,
        /// Behaviour on narrow screens.
        flex_mode: Option<FlexMode>,
        /// Background colour (`default` or a colour).
        background_style: Option<Color>,
        /// Click-to-open link of the whole set.
        action: Option<ColumnAction>,
        /// The columns.
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
        multi_url: Option<MultiUrl>,
    }
}

model_struct! {
    /// One column of a [`ColumnSet`] (`column`).
    pub struct Column {
        /// Always `column`.
        tag: ColumnTag,
        /// Id for the element APIs.
        element_id: Option<Cow<'static, str>>,
        /// Background colour.
        background_style: Option<Color>,
        /// Width.
        width: Option<ColumnWidth>,
        /// Share of the free width when `width` is `weighted` (1 to 5).
        weight: Option<u32>,
        /// Gap between children laid out horizontally.
        horizontal_spacing: Option<Spacing>,
        /// Horizontal alignment of children.
        horizontal_align: Option<HorizontalAlign>,
        /// Vertical alignment of children.
        vertical_align: Option<VerticalAlign>,
        /// Gap between children laid out vertically.
        vertical_spacing: Option<Spacing>,
        /// Layout direction.
        direction: Option<Direction>,
        /// Inner padding.
        padding: Option<Edges>,
        /// Outer margin.
        margin: Option<Edges>,
        /// The children.
        elements: Option<Vec<Element>>,
        /// Click-to-open link of the column.
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
        element_id: Option<Cow<'static, str>>,
        /// Outer margin.
        margin: Option<Edges>,
        /// The form's name, unique in the card.
        name: Cow<'static, str>,
        /// The children.
        elements: Vec<Element>,
        /// Layout direction.
        direction: Option<Direction>,
        /// Inner padding.
        padding: Option<Edges>,
        /// Gap between children laid out horizontally.
        horizontal_spacing: Option<Spacing>,
        /// Gap between children laid out vertically.
        vertical_spacing: Option<Spacing>,
        /// Horizontal alignment of children.
        horizontal_align: Option<HorizontalAlign>,
        /// Vertical alignment of children.
        vertical_align: Option<VerticalAlign>,
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
        element_id: Option<Cow<'static, str>>,
        /// Outer margin.
        margin: Option<Edges>,
        /// The children.
        elements: Vec<Element>,
        /// What a click does.
        behaviors: Option<Vec<Behavior>>,
        /// Width.
        width: Option<BoxWidth>,
        /// Height.
        height: Option<Height>,
        /// Layout direction.
        direction: Option<Direction>,
        /// Gap between children laid out horizontally.
        horizontal_spacing: Option<Spacing>,
        /// Gap between children laid out vertically.
        vertical_spacing: Option<Spacing>,
        /// Horizontal alignment of children.
        horizontal_align: Option<HorizontalAlign>,
        /// Vertical alignment of children.
        vertical_align: Option<VerticalAlign>,
        /// Background (`default`, `laser` or a colour).
        background_style: Option<Color>,
        /// Whether a 1 px border is drawn.
        has_border: Option<bool>,
        /// Border colour.
        border_color: Option<Color>,
        /// Corner radius.
        corner_radius: Option<Length>,
        /// Inner padding.
        padding: Option<Edges>,
        /// Tip shown on hover (PC).
        hover_tips: Option<PlainText>,
        /// Whether clicks are disabled.
        disabled: Option<bool>,
        /// Tip shown when disabled.
        disabled_tips: Option<PlainText>,
        /// Dialog shown before the click is sent.
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
        element_id: Option<Cow<'static, str>>,
        /// Outer margin.
        margin: Option<Edges>,
        /// The header that folds and unfolds the panel.
        header: CollapsiblePanelHeader,
        /// Whether the panel starts unfolded.
        expanded: Option<bool>,
        /// Layout direction.
        direction: Option<Direction>,
        /// Gap between children laid out horizontally.
        horizontal_spacing: Option<Spacing>,
        /// Gap between children laid out vertically.
        vertical_spacing: Option<Spacing>,
        /// Horizontal alignment of children.
        horizontal_align: Option<HorizontalAlign>,
        /// Vertical alignment of children.
        vertical_align: Option<VerticalAlign>,
        /// Inner padding.
        padding: Option<Edges>,
        /// Background colour.
        background_color: Option<Color>,
        /// Border.
        border: Option<Border>,
        /// The children.
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

model_struct! {
    /// The header of a [`CollapsiblePanel`].
    pub struct CollapsiblePanelHeader {
        /// The title.
        title: Option<PanelTitle>,
        /// Background colour.
        background_color: Option<Color>,
        /// Width.
        width: Option<PanelHeaderWidth>,
        /// Vertical alignment.
        vertical_align: Option<VerticalAlign>,
        /// Inner padding.
        padding: Option<Edges>,
        /// The fold icon.
        icon: Option<Icon>,
        /// Where the icon sits.
        icon_position: Option<IconPosition>,
        /// How far the icon turns when unfolded (degrees).
        icon_expanded_angle: Option<Number>,
        /// Where the header sits (seen in the official example).
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
