//! Display components: `div`, `markdown`, `img`, `img_combination`, `person`, `person_list`,
//! `chart`, `table`, `hr`, `audio`.

use std::borrow::Cow;

use serde_json::Value;

use super::common::*;
use super::values::*;

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
        element_id: Option<Cow<'static, str>>,
        /// Outer margin.
        margin: Option<Edges>,
        /// Width.
        width: Option<BoxWidth>,
        /// The text.
        text: Option<Text>,
        /// Icon before the text.
        icon: Option<Icon>,
        /// The 1.0 two-column layout of short fields, still accepted.
        fields: Option<Vec<DivField>>,
        /// The 1.0 component shown at the right of the text, still accepted.
        extra: Option<Box<super::Element>>,
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
        is_short: Option<bool>,
        /// The text.
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
        element_id: Option<Cow<'static, str>>,
        /// Outer margin.
        margin: Option<Edges>,
        /// The markdown.
        content: Cow<'static, str>,
        /// The markdown per language.
        i18n_content: Option<I18n<Cow<'static, str>>>,
        /// Alignment.
        text_align: Option<TextAlign>,
        /// Size.
        text_size: Option<TextSize>,
        /// Icon before the text.
        icon: Option<Icon>,
        /// The 1.0 per-platform links used as `[text]($name)`, by name (2.0 uses `<link>`).
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
        element_id: Option<Cow<'static, str>>,
        /// Outer margin (negative for full bleed).
        margin: Option<Edges>,
        /// The uploaded image key.
        img_key: Cow<'static, str>,
        /// The image key per language.
        i18n_img_key: Option<I18n<Cow<'static, str>>>,
        /// Hover text.
        alt: Option<PlainText>,
        /// Title.
        title: Option<PlainText>,
        /// Corner radius.
        corner_radius: Option<Length>,
        /// How the image fills its box.
        scale_type: Option<ImgScaleType>,
        /// Size (with the `crop_*` scale types).
        size: Option<ImgSize>,
        /// Whether transparent parts stay transparent.
        transparent: Option<bool>,
        /// Whether a click opens a preview.
        preview: Option<bool>,
        /// The 1.0 display mode (history).
        mode: Option<ImgMode>,
        /// The 1.0 width (history).
        custom_width: Option<CustomWidth>,
        /// The 1.0 compact width (history).
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
        element_id: Option<Cow<'static, str>>,
        /// Outer margin.
        margin: Option<Edges>,
        /// The layout.
        combination_mode: Option<CombinationMode>,
        /// The images.
        img_list: Vec<ImgListItem>,
        /// Whether transparent parts stay transparent.
        combination_transparent: Option<bool>,
        /// Corner radius.
        corner_radius: Option<Length>,
        /// The number of images (a 1.0 leftover).
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
        img_key: Cow<'static, str>,
        /// The image key per language.
        i18n_img_key: Option<I18n<Cow<'static, str>>>,
        /// Whether transparent parts stay transparent.
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
        element_id: Option<Cow<'static, str>>,
        /// Outer margin.
        margin: Option<Edges>,
        /// The user's open_id, union_id or user_id.
        user_id: Cow<'static, str>,
        /// Avatar size.
        size: Option<PersonSize>,
        /// Whether the avatar shows.
        show_avatar: Option<bool>,
        /// Whether the name shows.
        show_name: Option<bool>,
        /// Look.
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
        element_id: Option<Cow<'static, str>>,
        /// Outer margin.
        margin: Option<Edges>,
        /// The users.
        persons: Vec<PersonId>,
        /// Whether unknown ids are dropped instead of failing the send.
        drop_invalid_user_id: Option<bool>,
        /// Lines shown at most.
        lines: Option<u32>,
        /// Whether names show.
        show_name: Option<bool>,
        /// Whether avatars show.
        show_avatar: Option<bool>,
        /// Avatar size.
        size: Option<PersonSize>,
        /// Icon before the list.
        icon: Option<Icon>,
        /// The 1.0 icon (`icon` wins when both are set).
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
        id: Cow<'static, str>,
    }
}

impl PersonId {
    /// The user with this id.
    pub fn new(id: impl Into<Cow<'static, str>>) -> Self {
        PersonId { id: id.into() }
    }
}

model_struct! {
    /// A chart drawn from a VChart spec (`chart`).
    pub struct Chart {
        /// Id for the element APIs.
        element_id: Option<Cow<'static, str>>,
        /// Outer margin.
        margin: Option<Edges>,
        /// The VChart spec: free-form JSON, checked by Feishu.
        chart_spec: Value,
        /// Aspect ratio.
        aspect_ratio: Option<ChartAspectRatio>,
        /// Colour theme.
        color_theme: Option<ColorTheme>,
        /// Whether a click opens a preview.
        preview: Option<bool>,
        /// Height (disables `aspect_ratio`).
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
        element_id: Option<Cow<'static, str>>,
        /// Outer margin.
        margin: Option<Edges>,
        /// The columns.
        columns: Vec<TableColumn>,
        /// The rows.
        rows: Vec<TableRow>,
        /// Rows per page (1 to 10).
        page_size: Option<u32>,
        /// Row height.
        row_height: Option<RowHeight>,
        /// Highest row when `row_height` is `auto`.
        row_max_height: Option<Length>,
        /// Whether the first column stays put when scrolling.
        freeze_first_column: Option<bool>,
        /// Style of the header row.
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
        name: Cow<'static, str>,
        /// The header text.
        display_name: Option<Cow<'static, str>>,
        /// Width.
        width: Option<TableColumnWidth>,
        /// Vertical alignment.
        vertical_align: Option<VerticalAlign>,
        /// Horizontal alignment.
        horizontal_align: Option<HorizontalAlign>,
        /// What the cells hold.
        data_type: Option<TableDataType>,
        /// Number format (`number` columns).
        format: Option<NumberFormat>,
        /// Date format such as `YYYY/MM/DD` (`date` columns).
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
        precision: Option<u32>,
        /// Currency symbol (one character).
        symbol: Option<Cow<'static, str>>,
        /// Whether thousands are separated.
        separator: Option<bool>,
    }
}

model_struct! {
    /// Style of a table's header row.
    pub struct TableHeaderStyle {
        /// Alignment.
        text_align: Option<TextAlign>,
        /// Size (`normal` or `heading`).
        text_size: Option<TextSize>,
        /// Background.
        background_style: Option<TableHeaderBackground>,
        /// Colour (`default` or `grey`).
        text_color: Option<Color>,
        /// Whether bold.
        bold: Option<bool>,
        /// Lines shown.
        lines: Option<u32>,
    }
}

model_struct! {
    /// A divider (`hr`).
    pub struct Hr {
        /// Id for the element APIs.
        element_id: Option<Cow<'static, str>>,
        /// Outer margin.
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
        element_id: Option<Cow<'static, str>>,
        /// Outer margin.
        margin: Option<Edges>,
        /// The uploaded OPUS file key.
        file_key: Cow<'static, str>,
        /// The file key per language.
        i18n_file_key: Option<I18n<Cow<'static, str>>>,
        /// Player id, unique in the card.
        audio_id: Option<Cow<'static, str>>,
        /// Whether playing is disabled.
        disabled: Option<bool>,
        /// Tip shown when disabled.
        disabled_tips: Option<PlainText>,
        /// Whether the progress bar shows.
        show_progress_bar: Option<bool>,
        /// Whether the time shows.
        show_time: Option<bool>,
        /// Which times show.
        time_display: Option<TimeDisplay>,
        /// Where the time shows.
        time_position: Option<TimePosition>,
        /// Border.
        border: Option<Border>,
        /// Look.
        style: Option<AudioStyle>,
        /// Inner padding.
        padding: Option<Edges>,
        /// Background (`default` or a colour).
        background_style: Option<Color>,
        /// Colour of the played part.
        fill_color: Option<Color>,
        /// Width.
        width: Option<Width>,
        /// What clients older than 7.49 show.
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
