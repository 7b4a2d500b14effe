//! What the code written by `card!` calls. Not public API: the names and shapes here change
//! with the macro.
//!
//! The macro sets fields through [`Field`], which knows from a field's type whether it is
//! optional, so that the macro never needs to know it; [`px`], [`percent`], [`px_pair`] and
//! `keyword` build a checked measure from its parts, and [`lit`], [`int`] and [`float`] turn
//! other literals into the field's type, chosen by inference; [`Splice`] puts computed children into an `elements`
//! list and decides, by type, what may go there.

use crate::model::*;

/// A field of the model: an `Option<T>` or a required `T`.
pub trait Field {
    /// The value the field holds.
    type Inner;
    /// Sets the field.
    fn put(&mut self, value: Self::Inner);
}

/// A field holding an object or a list, which the macro fills in place.
pub trait Slot: Field {
    /// The field's value, created empty if absent.
    fn slot(&mut self) -> &mut Self::Inner;
}

impl<T> Field for Option<T> {
    type Inner = T;
    fn put(&mut self, value: T) {
        *self = Some(value);
    }
}

impl<T: Default> Slot for Option<T> {
    fn slot(&mut self) -> &mut T {
        self.get_or_insert_with(T::default)
    }
}

macro_rules! required_fields {
    ($($t:ty),* $(,)?) => {$(
        impl Field for $t {
            type Inner = $t;
            fn put(&mut self, value: $t) {
                *self = value;
            }
        }

        impl Slot for $t {
            fn slot(&mut self) -> &mut $t {
                self
            }
        }
    )*};
}

required_fields!(
    std::borrow::Cow<'static, str>,
    serde_json::Value,
    PlainText,
    Text,
    CollapsiblePanelHeader,
    TextSizeStyle,
    crate::model::Number,
);

impl<T> Field for Vec<T> {
    type Inner = Vec<T>;
    fn put(&mut self, value: Vec<T>) {
        *self = value;
    }
}

impl<T> Slot for Vec<T> {
    fn slot(&mut self) -> &mut Vec<T> {
        self
    }
}

/// A free map written as a tag (a table's `<row>`), each attribute an entry.
pub trait MapEntry: Sized {
    /// An empty map with room for `n` entries.
    fn with_entries(n: usize) -> Self;
    /// Sets the entry `key`.
    fn entry(&mut self, key: &'static str, value: serde_json::Value);
}

impl MapEntry for TableRow {
    fn with_entries(n: usize) -> Self {
        TableRow::with_capacity(n)
    }

    fn entry(&mut self, key: &'static str, value: serde_json::Value) {
        self.insert(key, value);
    }
}

/// Sets a field.
pub fn put<F: Field>(field: &mut F, value: F::Inner) {
    field.put(value);
}

/// A field's value, created empty if absent.
pub fn slot<F: Slot>(field: &mut F) -> &mut F::Inner {
    field.slot()
}

pub use crate::model::Literal;

/// `audio fallback="drop"`: the only fallback the registry lets `card!` write as a string.
impl Literal for Fallback {
    fn literal(_: &'static str) -> Self {
        Fallback::Drop
    }
}

/// `img custom_width="300px"`: kept as written.
impl Literal for CustomWidth {
    fn literal(s: &'static str) -> Self {
        CustomWidth::Text(std::borrow::Cow::Borrowed(s))
    }
}

/// A literal string as the field's type, for the values `card!` does not split into parts
/// itself (a margin, a colour name, a custom width's text): each is kept as written or
/// matched against its spellings.
pub fn lit<T: Literal>(s: &'static str) -> T {
    T::literal(s)
}

/// A measure written `"{n}px"` that the macro has checked: the value is built from the number,
/// so that nothing is parsed at run time. `written` is the literal, for types that keep pixel
/// strings as written ([`CustomWidth`]).
pub trait Px {
    /// The value `{n}px`.
    fn px(n: u32, written: &'static str) -> Self;
}

/// A measure written `"{n}%"` that the macro has checked.
pub trait Percent {
    /// The value `{n}%`.
    fn percent(n: u32) -> Self;
}

/// A size written `"{w}px {h}px"` that the macro has checked.
pub trait PxPair {
    /// The value `{w}px {h}px`.
    fn px_pair(w: u32, h: u32) -> Self;
}

macro_rules! measure_forms {
    (px: $($px:ident),*; percent: $($pc:ident),*; pair: $($pair:ident),*) => {
        $(impl Px for $px {
            fn px(n: u32, _: &'static str) -> Self {
                $px::Px(n)
            }
        })*
        $(impl Percent for $pc {
            fn percent(n: u32) -> Self {
                $pc::Percent(n)
            }
        })*
        $(impl PxPair for $pair {
            fn px_pair(w: u32, h: u32) -> Self {
                $pair::Px(w, h)
            }
        })*
    };
}

measure_forms!(
    px: Width, BoxWidth, Height, ColumnWidth, TableColumnWidth, RowHeight, Length, Spacing;
    percent: TableColumnWidth, Length;
    pair: ImgSize, IconSize
);

/// `img custom_width="300px"`: kept as the string it was written as, as parsing keeps it.
impl Px for CustomWidth {
    fn px(_: u32, written: &'static str) -> Self {
        CustomWidth::Text(std::borrow::Cow::Borrowed(written))
    }
}

/// `"{n}px"`, checked by the macro, as the field's type.
pub fn px<T: Px>(n: u32, written: &'static str) -> T {
    T::px(n, written)
}

/// `"{n}%"`, checked by the macro, as the field's type.
pub fn percent<T: Percent>(n: u32) -> T {
    T::percent(n)
}

/// `"{w}px {h}px"`, checked by the macro, as the field's type.
pub fn px_pair<T: PxPair>(w: u32, h: u32) -> T {
    T::px_pair(w, h)
}

/// A named value of a measure (`width="fill"`, `row_height="low"`) that the macro has checked,
/// chosen by a marker type of `keyword` named like the variant: the field's type picks the
/// value, and nothing is parsed at run time.
pub trait Keyword<K>: Sized {
    /// The value.
    const VALUE: Self;
}

/// The named value `K` of the field's type.
pub fn keyword<K, T: Keyword<K>>() -> T {
    T::VALUE
}

macro_rules! keywords {
    ($($marker:ident: $($t:ident),*;)*) => {
        /// Markers of the named values of measures, one per variant name.
        pub mod keyword {
            $(
                #[doc = concat!("The `", stringify!($marker), "` variant of a measure.")]
                #[derive(Debug)]
                pub struct $marker;
            )*
        }

        /// The variant names that have a marker in `keyword`: the macro writes any other
        /// named value through [`lit`].
        pub const KEYWORDS: &[&str] = &[$(stringify!($marker)),*];

        $($(
            impl Keyword<keyword::$marker> for $t {
                const VALUE: Self = $t::$marker;
            }
        )*)*

        #[cfg(test)]
        mod keyword_tests {
            use super::*;

            /// Each marker's value is what parsing the variant's spelling gives.
            #[test]
            fn keywords_agree_with_parsing() {
                let mut checked = 0;
                $($(
                    let spelling = snake_case(stringify!($marker));
                    let parsed: $t = spelling.parse().unwrap_or_else(|e| match e {});
                    assert_eq!(
                        <$t as Keyword<keyword::$marker>>::VALUE,
                        parsed,
                        "{} {spelling:?}",
                        stringify!($t)
                    );
                    checked += 1;
                )*)*
                assert!(checked > 20, "{checked}");
            }
        }
    };
}

keywords! {
    Default: Width, Spacing;
    Fill: Width, BoxWidth;
    Auto: BoxWidth, Height, ColumnWidth, TableColumnWidth, RowHeight;
    Weighted: ColumnWidth;
    Low: RowHeight;
    Middle: RowHeight;
    High: RowHeight;
    Small: Spacing, ImgSize;
    Medium: Spacing, ImgSize;
    Large: Spacing, ImgSize;
    ExtraLarge: Spacing;
    Stretch: ImgSize;
    Tiny: ImgSize;
}

/// `ExtraLarge` → `extra_large`: the JSON spelling of a measure's named value.
///
/// ```
/// use card_core::macro_support::snake_case;
/// assert_eq!(snake_case("ExtraLarge"), "extra_large");
/// assert_eq!(snake_case("Fill"), "fill");
/// ```
pub fn snake_case(variant: &str) -> String {
    let mut out = String::with_capacity(variant.len() + 2);
    for (i, c) in variant.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            out.push('_');
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

/// A number written as a literal in markup.
pub trait Number: Sized {
    /// From an integer literal.
    fn from_int(i: i128) -> Self;
    /// From a float literal.
    fn from_float(f: f64) -> Self;
}

macro_rules! numbers {
    ($($t:ty),*) => {$(
        impl Number for $t {
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, clippy::cast_lossless)]
            fn from_int(i: i128) -> Self {
                i as $t
            }
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            fn from_float(f: f64) -> Self {
                f as $t
            }
        }
    )*};
}

numbers!(u8, u16, u32, u64, usize, i8, i16, i32, i64, isize, f32, f64);

impl Number for crate::model::Number {
    #[allow(clippy::cast_possible_truncation)]
    fn from_int(i: i128) -> Self {
        crate::model::Number::Int(i as i64)
    }
    fn from_float(f: f64) -> Self {
        crate::model::Number::Float(f)
    }
}

/// `img custom_width=300`: pixels. A value beyond `u32` (which the checker already reports as out
/// of range) saturates rather than wrapping.
impl Number for CustomWidth {
    fn from_int(i: i128) -> Self {
        CustomWidth::Pixels(u32::try_from(i.max(0)).unwrap_or(u32::MAX))
    }
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    fn from_float(f: f64) -> Self {
        CustomWidth::Pixels(f as u32)
    }
}

/// An integer literal as the field's type.
pub fn int<T: Number>(i: i128) -> T {
    T::from_int(i)
}

/// A float literal as the field's type.
pub fn float<T: Number>(f: f64) -> T {
    T::from_float(f)
}

/// A callback value from any `Serialize` value. A value that cannot be turned into JSON (a map
/// with non-string keys) becomes `null`, which the validator reports before the card is sent.
pub fn callback_value<T: serde::Serialize + ?Sized>(value: &T) -> serde_json::Value {
    serde_json::to_value(value).unwrap_or(serde_json::Value::Null)
}

/// Free-form JSON computed in markup (`callback={…}`, a table cell), without converting a
/// `serde_json::Value` into a new one: the macro writes
/// `{ use callback_value::{Json as _, Convert as _}; callback_value::Arg(expr).json() }`, and
/// method resolution picks [`Json`](callback_value::Json) when `expr` is a `Value` (taken as
/// it is) or a `&Value` (cloned), and [`Convert`](callback_value::Convert) for any other
/// `Serialize` value.
///
/// The module shares the function's name so that the facade's re-export of `callback_value`
/// brings both.
pub mod callback_value {
    use serde_json::Value;

    /// A computed value on its way into the card.
    pub struct Arg<T>(pub T);

    /// A value that already is JSON.
    pub trait Json {
        /// The JSON value.
        fn json(self) -> Value;
    }

    impl Json for Arg<Value> {
        fn json(self) -> Value {
            self.0
        }
    }

    impl Json for Arg<&Value> {
        fn json(self) -> Value {
            self.0.clone()
        }
    }

    /// Any other `Serialize` value, converted.
    pub trait Convert {
        /// The JSON value.
        fn json(self) -> Value;
    }

    impl<T: serde::Serialize> Convert for &Arg<T> {
        fn json(self) -> Value {
            super::callback_value(&self.0)
        }
    }
}

/// Children computed in markup (`{expr}`): one component, an `Option`, or anything iterable.
///
/// What may go where is decided by type: a [`Table`] or a [`Form`] converts into a
/// [`BodyElement`] but not into an [`Element`], so it cannot be spliced into a container.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be placed in this list of elements",
    label = "not allowed here",
    note = "a container (column, form, interactive_container, collapsible_panel) takes `Element`s; `form` and `table` may only stand at the root of the body; computed children are one component, an `Option` of one, or an iterator of them"
)]
pub trait Splice<T> {
    /// Appends the children to `out`.
    fn splice_into(self, out: &mut Vec<T>);
}

impl<T, I> Splice<T> for I
where
    I: IntoIterator,
    I::Item: Into<T>,
{
    fn splice_into(self, out: &mut Vec<T>) {
        out.extend(self.into_iter().map(Into::into));
    }
}

macro_rules! splice_one {
    ($target:ty: $($t:ty),* $(,)?) => {$(
        impl $crate::macro_support::Splice<$target> for $t {
            fn splice_into(self, out: &mut Vec<$target>) {
                out.push(self.into());
            }
        }
    )*};
}

/// Every component into an `Element` list and a `BodyElement` list.
macro_rules! splice_components {
    ($($variant:ident = $tag:literal,)*) => {
        splice_one!(Element: $($variant),*);
        splice_one!(BodyElement: $($variant),*);
    };
}

// From the list that defines `Element` (`model/element.rs`).
crate::model::element::element_list!(splice_components);

splice_one!(Element: Element);
splice_one!(BodyElement: BodyElement, Element, Form, Table);
splice_one!(Column: Column);
splice_one!(TextTag: TextTag);

/// A component given as raw JSON in markup (`<raw json={…}/>`), for what this version of the
/// registry does not know. Built by [`raw`].
///
/// It goes into any list of elements: a known component is read as its type, anything else
/// with a string `tag` becomes an [`Element::Unknown`] that keeps every property; both are
/// judged by the validator before the card is sent. A value that is not an object with a
/// string `tag` becomes a component with an empty `tag` (keeping the object's other
/// properties), which the validator refuses under every policy.
#[derive(Debug, Clone, PartialEq)]
pub struct Raw(serde_json::Value);

/// The raw component of `<raw json={…}/>`.
///
/// ```
/// use card_core::macro_support::{raw, Children};
/// use card_core::model::{BodyElement, Element};
/// use serde_json::json;
///
/// let mut list: Vec<Element> = Vec::new();
/// Children::splice(&mut list, raw(json!({"tag": "hologram", "depth": 3})));
/// Children::splice(&mut list, raw(json!({"tag": "markdown", "content": "hi"})));
/// Children::splice(&mut list, raw(json!(5)));
/// assert_eq!(list[0].tag(), "hologram");
/// assert!(matches!(list[1], Element::Markdown(_)));
/// assert_eq!(list[2].tag(), "");
/// let mut body: Vec<BodyElement> = Vec::new();
/// Children::splice(&mut body, raw(json!({"tag": "table", "columns": []})));
/// assert_eq!(body[0].tag(), "table");
/// ```
pub fn raw(value: impl RawJson) -> Raw {
    Raw(value.into_json())
}

/// What `<raw json={…}/>` takes: a `serde_json::Value`, moved in, or borrowed and cloned.
#[diagnostic::on_unimplemented(
    message = "`<raw json={{…}}/>` takes a `serde_json::Value`, found `{Self}`",
    label = "not a `serde_json::Value`",
    note = "build the component with `serde_json::json!({{\"tag\": \"…\", …}})`, or convert with `serde_json::to_value`"
)]
pub trait RawJson {
    /// The JSON value.
    fn into_json(self) -> serde_json::Value;
}

impl RawJson for serde_json::Value {
    fn into_json(self) -> serde_json::Value {
        self
    }
}

impl RawJson for &serde_json::Value {
    fn into_json(self) -> serde_json::Value {
        self.clone()
    }
}

impl Raw {
    /// The component as written, kept whole: a component whose content does not read as its
    /// type (a wrong value, a `table` inside a column) keeps its JSON for the validator to judge.
    fn unknown(self) -> UnknownElement {
        match self.0 {
            serde_json::Value::Object(mut map) => {
                let tag = match map.remove("tag") {
                    Some(serde_json::Value::String(tag)) => tag,
                    _ => String::new(),
                };
                UnknownElement {
                    tag,
                    properties: map,
                }
            }
            _ => UnknownElement::new(""),
        }
    }
}

impl Splice<Element> for Raw {
    fn splice_into(self, out: &mut Vec<Element>) {
        let element = Element::from_value(self.0.clone())
            .unwrap_or_else(|_| Element::Unknown(Box::new(self.unknown())));
        out.push(element);
    }
}

impl Splice<BodyElement> for Raw {
    fn splice_into(self, out: &mut Vec<BodyElement>) {
        let element = BodyElement::from_value(self.0.clone())
            .unwrap_or_else(|_| BodyElement::Element(Element::Unknown(Box::new(self.unknown()))));
        out.push(element);
    }
}

/// A list of elements that takes computed children; a method, so that the list's element type
/// is known before the children's type is judged.
pub trait Children<T> {
    /// Appends computed children.
    fn splice<S: Splice<T>>(&mut self, children: S);

    /// Appends an empty component and returns it, to be filled where it stands: components are
    /// large, and one built aside would be moved into the list whole.
    fn emplace<C: Emplace<T>>(&mut self) -> &mut C;
}

impl<T> Children<T> for Vec<T> {
    fn splice<S: Splice<T>>(&mut self, children: S) {
        children.splice_into(self);
    }

    fn emplace<C: Emplace<T>>(&mut self) -> &mut C {
        C::emplace(self)
    }
}

/// A component that can be appended empty to a list of `T` and filled in place.
pub trait Emplace<T>: Sized {
    /// Appends an empty `Self` to `list` and returns it.
    fn emplace(list: &mut Vec<T>) -> &mut Self;
}

macro_rules! emplace {
    ($($variant:ident = $tag:literal,)*) => {$(
        impl $crate::macro_support::Emplace<$crate::model::Element> for $variant {
            fn emplace(list: &mut Vec<$crate::model::Element>) -> &mut Self {
                list.push($crate::model::Element::$variant(Box::default()));
                match list.last_mut() {
                    Some($crate::model::Element::$variant(component)) => component,
                    // The element was pushed just above.
                    _ => unreachable!(),
                }
            }
        }

        impl $crate::macro_support::Emplace<$crate::model::BodyElement> for $variant {
            fn emplace(list: &mut Vec<$crate::model::BodyElement>) -> &mut Self {
                list.push($crate::model::BodyElement::Element($crate::model::Element::$variant(Box::default())));
                match list.last_mut() {
                    Some($crate::model::BodyElement::Element($crate::model::Element::$variant(component))) => component,
                    // The element was pushed just above.
                    _ => unreachable!(),
                }
            }
        }
    )*};
}

// Every `Element` variant, from the list that defines the enum (`model/element.rs`).
crate::model::element::element_list!(emplace);

macro_rules! emplace_at_root {
    ($($variant:ident),*) => {$(
        impl Emplace<BodyElement> for $variant {
            fn emplace(list: &mut Vec<BodyElement>) -> &mut Self {
                list.push(BodyElement::$variant(Box::default()));
                match list.last_mut() {
                    Some(BodyElement::$variant(component)) => component,
                    // The element was pushed just above.
                    _ => unreachable!(),
                }
            }
        }
    )*};
}

emplace_at_root!(Form, Table);

macro_rules! emplace_self {
    ($($t:ty),*) => {$(
        impl Emplace<$t> for $t {
            fn emplace(list: &mut Vec<$t>) -> &mut Self {
                list.push(Default::default());
                match list.last_mut() {
                    Some(item) => item,
                    // The item was pushed just above.
                    None => unreachable!(),
                }
            }
        }
    )*};
}

// The tagged lists of sub-elements: a column set's `columns`, a checker's `button_area.buttons`,
// `text_tag_list`.
emplace_self!(Column, Button, TextTag);

/// An entry of a select's or an overflow's options, made from a `SelectOptions` variant.
pub trait OptionItem {
    /// The entry for this value and label.
    fn option(value: &'static str, text: &'static str) -> Self;
}

impl OptionItem for SelectOption {
    fn option(value: &'static str, text: &'static str) -> Self {
        SelectOption {
            text: PlainText::new(text),
            value: value.into(),
            ..Default::default()
        }
    }
}

impl OptionItem for OverflowOption {
    fn option(value: &'static str, text: &'static str) -> Self {
        OverflowOption {
            text: Some(PlainText::new(text)),
            value: Some(value.into()),
            ..Default::default()
        }
    }
}

/// The options of a select, from an enum deriving `SelectOptions`.
pub fn select_options<T: crate::form::SelectOptions, O: OptionItem>() -> Vec<O> {
    T::OPTIONS
        .iter()
        .map(|(_, value, text)| O::option(value, text))
        .collect()
}

/// A text object whose translations the macro fills (`text:en_us="OK"`).
pub trait Translations {
    /// The text's `i18n_content`, created empty if absent.
    fn translations(&mut self) -> &mut I18n<std::borrow::Cow<'static, str>>;
}

impl Translations for PlainText {
    fn translations(&mut self) -> &mut I18n<std::borrow::Cow<'static, str>> {
        self.i18n_content.get_or_insert_with(Default::default)
    }
}

impl Translations for LarkMd {
    fn translations(&mut self) -> &mut I18n<std::borrow::Cow<'static, str>> {
        self.i18n_content.get_or_insert_with(Default::default)
    }
}

impl Translations for MarkdownText {
    fn translations(&mut self) -> &mut I18n<std::borrow::Cow<'static, str>> {
        self.i18n_content.get_or_insert_with(Default::default)
    }
}

impl Translations for Text {
    fn translations(&mut self) -> &mut I18n<std::borrow::Cow<'static, str>> {
        match self {
            Text::PlainText(t) => t.translations(),
            Text::LarkMd(t) => t.translations(),
        }
    }
}

impl Translations for PanelTitle {
    fn translations(&mut self) -> &mut I18n<std::borrow::Cow<'static, str>> {
        match self {
            PanelTitle::PlainText(t) => t.translations(),
            PanelTitle::Markdown(t) => t.translations(),
        }
    }
}

/// Adds a translation of a text object.
pub fn translate<T: Translations>(
    text: &mut T,
    locale: Locale,
    value: impl Into<std::borrow::Cow<'static, str>>,
) {
    text.translations().insert(locale, value.into());
}
