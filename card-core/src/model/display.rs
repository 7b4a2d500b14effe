//! Display components: `div`, `markdown`, `img`, `img_combination`, `person`, `person_list`,
//! `chart`, `table`, `hr`, `audio`.

use std::borrow::Cow;

use serde_json::Value;

use super::common::*;
use super::values::*;
use super::Unknown;
use crate::registry::kinds::*;
use crate::registry::rule::*;
use crate::registry::{Format, Kind};

model_struct! {
    /// Plain or `lark_md` text with an optional icon (`div`).
    ///
    /// ```
    /// use card_core::model::{Color, Div, PlainText, TextSize};
    ///
    /// let note = Div::new(PlainText::new("Updated 5 min ago").text_size(TextSize::Notation).text_color(Color::Grey));
    /// assert!(note.text.is_some());
    /// ```
    pub struct Div {
        /// Id for the element APIs.
        #[attr(ELEMENT_ID)]
        element_id: Option<Cow<'static, str>>,
        /// Outer margin.
        #[attr(MARGIN_ATTR)]
        margin: Option<Edges>,
        /// Width.
        #[attr(kind(Kind::AnyOf(&[
            Kind::Enum(&["fill", "auto"]),
            Kind::Pixels { min: 16, max: 999 },
        ]))
        .lenient())]
        width: Option<BoxWidth>,
        /// The text.
        #[attr(kind(RICH_TEXT))]
        text: Option<Text>,
        /// Icon before the text.
        #[attr(kind(ICON))]
        icon: Option<Icon>,
        /// The 1.0 two-column layout of short fields, still accepted.
        #[attr(kind(Kind::List(&Kind::Object(DivField::ATTRS))).legacy(
            LEGACY_PROPERTY,
            "use a `column_set` of `markdown` components",
        ))]
        fields: Option<Vec<DivField>>,
        /// The 1.0 component shown at the right of the text, a leftover of JSON 1.0 that is
        /// still accepted (with a warning). It is kept as written, since the validator does not
        /// look inside it; [`Element`](super::Element) reads it when it is a component.
        ///
        /// ```
        /// use card_core::model::{Div, Element};
        /// use serde_json::json;
        ///
        /// let div: Div = serde_json::from_value(json!({
        ///     "text": {"tag": "lark_md", "content": "Build"},
        ///     "extra": {"tag": "hr"}
        /// }))
        /// .unwrap();
        /// let extra: Element = serde_json::from_value(div.extra.unwrap()).unwrap();
        /// assert_eq!(extra.tag(), "hr");
        /// ```
        #[attr(kind(Kind::Json).legacy(
            LEGACY_PROPERTY,
            "use a `column_set` with the extra component in a column",
        ))]
        extra: Option<Value>,
    }
}

impl Div {
    /// A `div` with this text.
    pub fn new(text: impl Into<Text>) -> Self {
        Div {
            text: Some(text.into()),
            ..Default::default()
        }
    }
}

model_struct! {
    /// One entry of the 1.0 `div.fields` layout.
    pub struct DivField {
        /// Whether the field takes half the width.
        #[attr(kind(Kind::Bool))]
        is_short: Option<bool>,
        /// The text.
        #[attr(kind(RICH_TEXT))]
        text: Text,
    }
}

model_struct! {
    /// Markdown text (`markdown`): CommonMark plus Feishu's tags (`<at>`, `<font>`,
    /// `<text_tag>`, …).
    ///
    /// ```
    /// use card_core::model::{Markdown, TextAlign, TextSize};
    ///
    /// let m = Markdown::new("**hi**").text_size(TextSize::Heading).text_align(TextAlign::Center);
    /// assert_eq!(m.content, "**hi**");
    /// ```
    pub struct Markdown {
        /// Id for the element APIs.
        #[attr(ELEMENT_ID)]
        element_id: Option<Cow<'static, str>>,
        /// Outer margin.
        #[attr(MARGIN_ATTR)]
        margin: Option<Edges>,
        /// The markdown.
        #[attr(kind(Kind::Str).note("required unless `i18n_content` is given: not enforced"))]
        content: Cow<'static, str>,
        /// The markdown per language.
        #[attr(kind(LOCALE_STR))]
        i18n_content: Option<I18n<Cow<'static, str>>>,
        /// Alignment.
        #[attr(enum_of(&TextAlign::ENUM).lenient())]
        text_align: Option<TextAlign>,
        /// Size.
        #[attr(kind(Kind::TextSize))]
        text_size: Option<TextSize>,
        /// Icon before the text.
        #[attr(kind(ICON))]
        icon: Option<Icon>,
        /// The 1.0 per-platform links used as `[text]($name)`, by name (2.0 uses `<link>`): a
        /// leftover of JSON 1.0 that is still accepted (with a warning).
        #[attr(kind(Kind::Map(&MULTI_URL)).legacy(LEGACY_PROPERTY, "use `<link>` in `content`"))]
        href: Option<std::collections::BTreeMap<Cow<'static, str>, MultiUrl>>,
    }
}

impl Markdown {
    /// Markdown with this content.
    pub fn new(content: impl Into<Cow<'static, str>>) -> Self {
        Markdown {
            content: content.into(),
            ..Default::default()
        }
    }
}

model_struct! {
    /// An image (`img`).
    pub struct Img {
        /// Id for the element APIs.
        #[attr(ELEMENT_ID)]
        element_id: Option<Cow<'static, str>>,
        /// Outer margin (negative for full bleed).
        #[attr(MARGIN_ATTR)]
        margin: Option<Edges>,
        /// The uploaded image key.
        #[attr(kind(Kind::Str).required())]
        img_key: Cow<'static, str>,
        /// The image key per language.
        #[attr(kind(LOCALE_STR))]
        i18n_img_key: Option<I18n<Cow<'static, str>>>,
        /// Hover text.
        #[attr(kind(TEXT)
            .note("required per the table, omitted by the official examples: optional"))]
        alt: Option<PlainText>,
        /// Title.
        #[attr(kind(TEXT))]
        title: Option<PlainText>,
        /// Corner radius.
        #[attr(kind(CORNER_RADIUS).lenient())]
        corner_radius: Option<Length>,
        /// How the image fills its box.
        #[attr(enum_of(&ImgScaleType::ENUM).lenient())]
        scale_type: Option<ImgScaleType>,
        /// Size (with the `crop_*` scale types).
        #[attr(kind(Kind::AnyOf(&[
            Kind::Enum(&["stretch", "large", "medium", "small", "tiny"]),
            Kind::PixelPair { min: 1, max: 1000 },
            Kind::Format(Format::Ratio),
        ]))
        .lenient()
        .note("working cards also use aspect ratios such as `4:3` and `16:9`"))]
        size: Option<ImgSize>,
        /// Whether transparent parts stay transparent.
        #[attr(kind(Kind::Bool))]
        transparent: Option<bool>,
        /// Whether a click opens a preview.
        #[attr(kind(Kind::Bool))]
        preview: Option<bool>,
        /// The 1.0 display mode (history).
        #[attr(enum_of(&ImgMode::ENUM)
            .lenient()
            .history("history attribute; overrides `custom_width`"))]
        mode: Option<ImgMode>,
        /// The 1.0 width (history).
        #[attr(kind(Kind::AnyOf(&[
            Kind::Int { min: 278, max: 580 },
            Kind::Pixels { min: 278, max: 580 },
        ]))
        .lenient()
        .history("history attribute; working cards write it as `\"300px\"`"))]
        custom_width: Option<CustomWidth>,
        /// The 1.0 compact width (history).
        #[attr(kind(Kind::Bool).history("history attribute"))]
        compact_width: Option<bool>,
    }
}

impl Img {
    /// The uploaded image with this key.
    pub fn new(img_key: impl Into<Cow<'static, str>>) -> Self {
        Img {
            img_key: img_key.into(),
            ..Default::default()
        }
    }
}

model_struct! {
    /// Several images in one layout (`img_combination`).
    pub struct ImgCombination {
        /// Id for the element APIs.
        #[attr(ELEMENT_ID)]
        element_id: Option<Cow<'static, str>>,
        /// Outer margin.
        #[attr(MARGIN_ATTR)]
        margin: Option<Edges>,
        /// The layout.
        #[attr(enum_of(&CombinationMode::ENUM).required())]
        combination_mode: Option<CombinationMode>,
        /// The images.
        #[attr(kind(Kind::List(&Kind::Object(ImgListItem::ATTRS))).required())]
        img_list: Vec<ImgListItem>,
        /// Whether transparent parts stay transparent.
        #[attr(kind(Kind::Bool))]
        combination_transparent: Option<bool>,
        /// Corner radius.
        #[attr(kind(CORNER_RADIUS).lenient())]
        corner_radius: Option<Length>,
        /// The number of images (a 1.0 leftover).
        #[attr(kind(Kind::Int {
            min: 0,
            max: UNBOUNDED,
        })
        .history("set by the card builder; ignored"))]
        img_list_length: Option<u32>,
    }
}

impl ImgCombination {
    /// An empty combination in this layout.
    pub fn new(mode: CombinationMode) -> Self {
        ImgCombination {
            combination_mode: Some(mode),
            ..Default::default()
        }
    }

    /// Adds an image.
    #[must_use]
    pub fn image(mut self, img_key: impl Into<Cow<'static, str>>) -> Self {
        self.img_list.push(ImgListItem::new(img_key));
        self
    }
}

model_struct! {
    /// One image of an [`ImgCombination`].
    pub struct ImgListItem {
        /// The uploaded image key.
        #[attr(kind(Kind::Str).required())]
        img_key: Cow<'static, str>,
        /// The image key per language.
        #[attr(kind(LOCALE_STR))]
        i18n_img_key: Option<I18n<Cow<'static, str>>>,
        /// Whether transparent parts stay transparent.
        #[attr(kind(Kind::Bool))]
        transparent: Option<bool>,
    }
}

impl ImgListItem {
    /// The image with this key.
    pub fn new(img_key: impl Into<Cow<'static, str>>) -> Self {
        ImgListItem {
            img_key: img_key.into(),
            ..Default::default()
        }
    }
}

model_struct! {
    /// One user, with avatar and name (`person`).
    pub struct Person {
        /// Id for the element APIs.
        #[attr(ELEMENT_ID)]
        element_id: Option<Cow<'static, str>>,
        /// Outer margin.
        #[attr(MARGIN_ATTR)]
        margin: Option<Edges>,
        /// The user's open_id, union_id or user_id.
        #[attr(kind(Kind::Str).required())]
        user_id: Cow<'static, str>,
        /// Avatar size.
        #[attr(enum_of(&PersonSize::ENUM))]
        size: Option<PersonSize>,
        /// Whether the avatar shows.
        #[attr(kind(Kind::Bool))]
        show_avatar: Option<bool>,
        /// Whether the name shows.
        #[attr(kind(Kind::Bool))]
        show_name: Option<bool>,
        /// Look.
        #[attr(enum_of(&PersonStyle::ENUM))]
        style: Option<PersonStyle>,
    }
}

impl Person {
    /// The user with this id.
    pub fn new(user_id: impl Into<Cow<'static, str>>) -> Self {
        Person {
            user_id: user_id.into(),
            ..Default::default()
        }
    }
}

model_struct! {
    /// Several users (`person_list`).
    pub struct PersonList {
        /// Id for the element APIs.
        #[attr(ELEMENT_ID)]
        element_id: Option<Cow<'static, str>>,
        /// Outer margin.
        #[attr(MARGIN_ATTR)]
        margin: Option<Edges>,
        /// The users.
        #[attr(kind(Kind::List(&Kind::Object(PersonId::ATTRS))).required())]
        persons: Vec<PersonId>,
        /// Whether unknown ids are dropped instead of failing the send.
        #[attr(kind(Kind::Bool))]
        drop_invalid_user_id: Option<bool>,
        /// Lines shown at most.
        #[attr(kind(Kind::Int {
            min: 1,
            max: UNBOUNDED,
        })
        .lenient())]
        lines: Option<u32>,
        /// Whether names show.
        #[attr(kind(Kind::Bool))]
        show_name: Option<bool>,
        /// Whether avatars show.
        #[attr(kind(Kind::Bool))]
        show_avatar: Option<bool>,
        /// Avatar size.
        #[attr(enum_of(&PersonSize::ENUM))]
        size: Option<PersonSize>,
        /// Icon before the list.
        #[attr(kind(ICON))]
        icon: Option<Icon>,
        /// The 1.0 icon (`icon` wins when both are set).
        #[attr(kind(Kind::Object(UdIcon::ATTRS))
        .history("1.0 icon kept on the 2.0 page; `icon` wins when both are set"))]
        ud_icon: Option<UdIcon>,
    }
}

impl PersonList {
    /// A list of these user ids.
    pub fn new<I, S>(ids: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<Cow<'static, str>>,
    {
        PersonList {
            persons: ids.into_iter().map(PersonId::new).collect(),
            ..Default::default()
        }
    }
}

model_struct! {
    /// One user of a [`PersonList`].
    pub struct PersonId {
        /// The user's open_id, union_id or user_id.
        #[attr(kind(Kind::Str).required())]
        id: Cow<'static, str>,
    }
}

impl PersonId {
    /// The user with this id.
    pub fn new(id: impl Into<Cow<'static, str>>) -> Self {
        PersonId {
            id: id.into(),
            unknown: Unknown::new(),
        }
    }
}

model_struct! {
    /// A chart drawn from a VChart spec (`chart`).
    pub struct Chart {
        /// Id for the element APIs.
        #[attr(ELEMENT_ID)]
        element_id: Option<Cow<'static, str>>,
        /// Outer margin.
        #[attr(MARGIN_ATTR)]
        margin: Option<Edges>,
        /// The VChart spec: free-form JSON, checked by Feishu.
        #[attr(kind(Kind::Json).required())]
        chart_spec: Value,
        /// Aspect ratio.
        #[attr(enum_of(&ChartAspectRatio::ENUM).lenient())]
        aspect_ratio: Option<ChartAspectRatio>,
        /// Colour theme.
        #[attr(enum_of(&ColorTheme::ENUM).lenient())]
        color_theme: Option<ColorTheme>,
        /// Whether a click opens a preview.
        #[attr(kind(Kind::Bool))]
        preview: Option<bool>,
        /// Height (disables `aspect_ratio`).
        #[attr(kind(Kind::AnyOf(&[
            Kind::Enum(&["auto"]),
            Kind::Pixels { min: 1, max: 999 },
        ]))
        .lenient())]
        height: Option<Height>,
    }
}

impl Chart {
    /// A chart of this spec.
    pub fn new(chart_spec: impl Into<Value>) -> Self {
        Chart {
            chart_spec: chart_spec.into(),
            ..Default::default()
        }
    }
}

/// One row of a [`Table`]: column `name` → cell value (text, number, options, persons or date,
/// per the column's `data_type`), kept in the order written.
///
/// A map with few entries: column names are usually written in the code (`Cow::Borrowed`, no
/// allocation), and a lookup walks the row. Two rows are equal when they have the same cells,
/// in any order, as JSON objects are.
///
/// ```
/// use card_core::model::TableRow;
/// use serde_json::json;
///
/// let row = TableRow::new()
///     .cell("id", "T001")
///     .cell("status", json!([{"text": "处理中", "color": "orange"}]));
/// assert_eq!(row.get("id"), Some(&json!("T001")));
/// assert_eq!(
///     serde_json::to_value(&row).unwrap(),
///     json!({"id": "T001", "status": [{"text": "处理中", "color": "orange"}]})
/// );
/// ```
#[derive(Debug, Clone, Default)]
pub struct TableRow {
    cells: Vec<(Cow<'static, str>, Value)>,
}

impl TableRow {
    /// An empty row.
    pub fn new() -> Self {
        TableRow::default()
    }

    /// An empty row with room for `cells` cells.
    pub fn with_capacity(cells: usize) -> Self {
        TableRow {
            cells: Vec::with_capacity(cells),
        }
    }

    /// The row with the cell of column `name` set to `value`.
    #[must_use]
    pub fn cell(mut self, name: impl Into<Cow<'static, str>>, value: impl Into<Value>) -> Self {
        self.insert(name, value);
        self
    }

    /// Sets the cell of column `name`, returning the value it replaces.
    pub fn insert(
        &mut self,
        name: impl Into<Cow<'static, str>>,
        value: impl Into<Value>,
    ) -> Option<Value> {
        let name = name.into();
        let value = value.into();
        match self.cells.iter_mut().find(|(n, _)| *n == name) {
            Some((_, old)) => Some(std::mem::replace(old, value)),
            None => {
                self.cells.push((name, value));
                None
            }
        }
    }

    /// The cell of column `name`.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.cells.iter().find(|(n, _)| n == name).map(|(_, v)| v)
    }

    /// The cell of column `name`, to change it.
    pub fn get_mut(&mut self, name: &str) -> Option<&mut Value> {
        self.cells
            .iter_mut()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v)
    }

    /// Takes the cell of column `name` out of the row.
    pub fn remove(&mut self, name: &str) -> Option<Value> {
        let index = self.cells.iter().position(|(n, _)| n == name)?;
        Some(self.cells.remove(index).1)
    }

    /// Whether the row has a cell for column `name`.
    pub fn contains_key(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    /// The number of cells.
    pub fn len(&self) -> usize {
        self.cells.len()
    }

    /// Whether the row has no cell.
    pub fn is_empty(&self) -> bool {
        self.cells.is_empty()
    }

    /// The cells, in the order written.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (&str, &Value)> + '_ {
        self.cells.iter().map(|(n, v)| (n.as_ref(), v))
    }

    /// The column names, in the order written.
    pub fn keys(&self) -> impl ExactSizeIterator<Item = &str> + '_ {
        self.cells.iter().map(|(n, _)| n.as_ref())
    }
}

impl PartialEq for TableRow {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().all(|(n, v)| other.get(n) == Some(v))
    }
}

impl<K: Into<Cow<'static, str>>, V: Into<Value>> FromIterator<(K, V)> for TableRow {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        let iter = iter.into_iter();
        let mut row = TableRow::with_capacity(iter.size_hint().0);
        for (name, value) in iter {
            row.insert(name, value);
        }
        row
    }
}

impl<K: Into<Cow<'static, str>>, V: Into<Value>> Extend<(K, V)> for TableRow {
    fn extend<I: IntoIterator<Item = (K, V)>>(&mut self, iter: I) {
        for (name, value) in iter {
            self.insert(name, value);
        }
    }
}

impl From<serde_json::Map<String, Value>> for TableRow {
    fn from(map: serde_json::Map<String, Value>) -> Self {
        TableRow {
            cells: map.into_iter().map(|(n, v)| (Cow::Owned(n), v)).collect(),
        }
    }
}

impl From<TableRow> for serde_json::Map<String, Value> {
    fn from(row: TableRow) -> Self {
        row.cells
            .into_iter()
            .map(|(n, v)| (n.into_owned(), v))
            .collect()
    }
}

impl From<TableRow> for Value {
    fn from(row: TableRow) -> Self {
        Value::Object(row.into())
    }
}

impl<'a> IntoIterator for &'a TableRow {
    type Item = (&'a str, &'a Value);
    type IntoIter = std::iter::Map<
        std::slice::Iter<'a, (Cow<'static, str>, Value)>,
        fn(&'a (Cow<'static, str>, Value)) -> (&'a str, &'a Value),
    >;

    fn into_iter(self) -> Self::IntoIter {
        self.cells.iter().map(|(n, v)| (n.as_ref(), v))
    }
}

impl serde::Serialize for TableRow {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.iter())
    }
}

impl<'de> serde::Deserialize<'de> for TableRow {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct RowVisitor;

        impl<'de> serde::de::Visitor<'de> for RowVisitor {
            type Value = TableRow;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a table row: an object of column name to cell value")
            }

            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<TableRow, A::Error> {
                let mut row = TableRow::with_capacity(map.size_hint().unwrap_or(0).min(64));
                while let Some((name, value)) = map.next_entry::<String, Value>()? {
                    // A repeated column keeps its last value, as in a JSON object read by serde_json.
                    row.insert(name, value);
                }
                Ok(row)
            }
        }

        deserializer.deserialize_map(RowVisitor)
    }
}

impl super::json::WriteJson for TableRow {
    fn write_json(&self, out: &mut String) -> Result<(), super::json::Error> {
        super::json::write_members(out, self.iter())
    }
}

model_struct! {
    /// A table (`table`). Only at the root of the body.
    pub struct Table {
        /// Id for the element APIs.
        #[attr(ELEMENT_ID)]
        element_id: Option<Cow<'static, str>>,
        /// Outer margin.
        #[attr(MARGIN_ATTR)]
        margin: Option<Edges>,
        /// The columns.
        #[attr(kind(Kind::List(&Kind::Object(TableColumn::ATTRS))).required())]
        columns: Vec<TableColumn>,
        /// The rows.
        #[attr(kind(Kind::List(&Kind::Map(&Kind::Json))).note(
            "documented as required with default `[]`: optional; keys are checked against column names",
        ))]
        rows: Vec<TableRow>,
        /// Rows per page (1 to 10).
        #[attr(kind(Kind::Int { min: 1, max: 10 }))]
        page_size: Option<u32>,
        /// Row height.
        #[attr(kind(Kind::AnyOf(&[
            Kind::Enum(&["low", "middle", "high", "auto"]),
            Kind::Pixels { min: 32, max: 124 },
        ]))
        .lenient())]
        row_height: Option<RowHeight>,
        /// Highest row when `row_height` is `auto`.
        #[attr(kind(Kind::Pixels { min: 32, max: 999 }).lenient())]
        row_max_height: Option<Length>,
        /// Whether the first column stays put when scrolling.
        #[attr(kind(Kind::Bool))]
        freeze_first_column: Option<bool>,
        /// Style of the header row.
        #[attr(kind(Kind::Object(TableHeaderStyle::ATTRS)))]
        header_style: Option<TableHeaderStyle>,
    }
}

impl Table {
    /// An empty table.
    pub fn new() -> Self {
        Table::default()
    }

    /// Adds a column.
    #[must_use]
    pub fn column(mut self, column: TableColumn) -> Self {
        self.columns.push(column);
        self
    }

    /// Adds a row.
    #[must_use]
    pub fn row(mut self, row: impl Into<TableRow>) -> Self {
        self.rows.push(row.into());
        self
    }
}

model_struct! {
    /// One column of a [`Table`].
    pub struct TableColumn {
        /// The key of this column in the rows.
        #[attr(kind(Kind::Str).required())]
        name: Cow<'static, str>,
        /// The header text.
        #[attr(kind(Kind::Str))]
        display_name: Option<Cow<'static, str>>,
        /// Width.
        #[attr(kind(Kind::AnyOf(&[
            Kind::Enum(&["auto"]),
            Kind::Pixels { min: 80, max: 600 },
            Kind::Percent { min: 1, max: 100 },
        ]))
        .lenient())]
        width: Option<TableColumnWidth>,
        /// Vertical alignment.
        #[attr(enum_of(&VerticalAlign::ENUM))]
        vertical_align: Option<VerticalAlign>,
        /// Horizontal alignment.
        #[attr(enum_of(&HorizontalAlign::ENUM))]
        horizontal_align: Option<HorizontalAlign>,
        /// What the cells hold.
        #[attr(enum_of(&TableDataType::ENUM).lenient().note(
            "documented as required with default `text`: optional; `person_list` is not on the \
             table page, but working cards use it",
        ))]
        data_type: Option<TableDataType>,
        /// Number format (`number` columns).
        #[attr(kind(Kind::Object(NumberFormat::ATTRS)))]
        format: Option<NumberFormat>,
        /// Date format such as `YYYY/MM/DD` (`date` columns).
        #[attr(kind(Kind::Str))]
        date_format: Option<Cow<'static, str>>,
    }
}

impl TableColumn {
    /// A column with this key and data type.
    pub fn new(name: impl Into<Cow<'static, str>>, data_type: TableDataType) -> Self {
        TableColumn {
            name: name.into(),
            data_type: Some(data_type),
            ..Default::default()
        }
    }
}

model_struct! {
    /// Number format of a table column.
    pub struct NumberFormat {
        /// Decimal places (0 to 10).
        #[attr(kind(Kind::Int { min: 0, max: 10 }))]
        precision: Option<u32>,
        /// Currency symbol (one character).
        #[attr(kind(Kind::StrMax(1)).lenient())]
        symbol: Option<Cow<'static, str>>,
        /// Whether thousands are separated.
        #[attr(kind(Kind::Bool))]
        separator: Option<bool>,
    }
}

model_struct! {
    /// Style of a table's header row.
    pub struct TableHeaderStyle {
        /// Alignment.
        #[attr(enum_of(&TextAlign::ENUM))]
        text_align: Option<TextAlign>,
        /// Size (`normal` or `heading`).
        #[attr(kind(Kind::Enum(&["normal", "heading"])).lenient())]
        text_size: Option<TextSize>,
        /// Background.
        #[attr(enum_of(&TableHeaderBackground::ENUM).lenient())]
        background_style: Option<TableHeaderBackground>,
        /// Colour (`default` or `grey`).
        #[attr(kind(Kind::Enum(&["default", "grey"])).lenient())]
        text_color: Option<Color>,
        /// Whether bold.
        #[attr(kind(Kind::Bool))]
        bold: Option<bool>,
        /// Lines shown.
        #[attr(kind(Kind::Int {
            min: 1,
            max: UNBOUNDED,
        }))]
        lines: Option<u32>,
    }
}

model_struct! {
    /// A divider (`hr`).
    pub struct Hr {
        /// Id for the element APIs.
        #[attr(ELEMENT_ID)]
        element_id: Option<Cow<'static, str>>,
        /// Outer margin.
        #[attr(MARGIN_ATTR)]
        margin: Option<Edges>,
    }
}

impl Hr {
    /// A divider.
    pub fn new() -> Self {
        Hr::default()
    }
}

model_struct! {
    /// A voice message player (`audio`). The card needs `config.enable_forward: false`.
    pub struct Audio {
        /// Id for the element APIs.
        #[attr(ELEMENT_ID)]
        element_id: Option<Cow<'static, str>>,
        /// Outer margin.
        #[attr(MARGIN_ATTR)]
        margin: Option<Edges>,
        /// The uploaded OPUS file key.
        #[attr(kind(Kind::Str).required())]
        file_key: Cow<'static, str>,
        /// The file key per language.
        #[attr(kind(LOCALE_STR))]
        i18n_file_key: Option<I18n<Cow<'static, str>>>,
        /// Player id, unique in the card.
        #[attr(kind(Kind::Str))]
        audio_id: Option<Cow<'static, str>>,
        /// Whether playing is disabled.
        #[attr(DISABLED)]
        disabled: Option<bool>,
        /// Tip shown when disabled.
        #[attr(DISABLED_TIPS)]
        disabled_tips: Option<PlainText>,
        /// Whether the progress bar shows.
        #[attr(kind(Kind::Bool))]
        show_progress_bar: Option<bool>,
        /// Whether the time shows.
        #[attr(kind(Kind::Bool))]
        show_time: Option<bool>,
        /// Which times show.
        #[attr(enum_of(&TimeDisplay::ENUM).lenient())]
        time_display: Option<TimeDisplay>,
        /// Where the time shows.
        #[attr(enum_of(&TimePosition::ENUM).lenient())]
        time_position: Option<TimePosition>,
        /// Border.
        #[attr(kind(BORDER))]
        border: Option<Border>,
        /// Look.
        #[attr(enum_of(&AudioStyle::ENUM))]
        style: Option<AudioStyle>,
        /// Inner padding.
        #[attr(PADDING_ATTR)]
        padding: Option<Edges>,
        /// Background (`default` or a colour).
        #[attr(kind(Kind::Color))]
        background_style: Option<Color>,
        /// Colour of the played part.
        #[attr(kind(Kind::Color))]
        fill_color: Option<Color>,
        /// Width.
        #[attr(WIDTH_WIDGET)]
        width: Option<Width>,
        /// What clients older than 7.49 show.
        #[attr(kind(Kind::AnyOf(&[
            Kind::Enum(&["drop"]),
            Kind::Object(&[
                a("tag", Kind::Enum(&["fallback_text"])).required(),
                a("text", TEXT),
            ]),
        ]))
        .note("`fallback_text` exists only here: as a component tag it is unknown"))]
        fallback: Option<Fallback>,
    }
}

impl Audio {
    /// A player for this file.
    pub fn new(file_key: impl Into<Cow<'static, str>>) -> Self {
        Audio {
            file_key: file_key.into(),
            ..Default::default()
        }
    }
}
