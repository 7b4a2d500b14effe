//! Enumerated values and measures: every closed set of spellings is an enum, every pixel-ish
//! value a small enum that keeps what it does not model as the string it was written as, so that
//! a parsed card serializes back byte for byte.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;
use std::str::FromStr;

/// A string that is not one of the values an enumerated field accepts.
///
/// ```
/// use card_core::model::ButtonType;
///
/// let err = "primary_outline".parse::<ButtonType>().unwrap_err();
/// assert!(err.to_string().starts_with("unknown button type `primary_outline`: expected one of `default`"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseEnumError {
    what: &'static str,
    value: String,
    allowed: &'static [&'static str],
}

impl ParseEnumError {
    pub(crate) fn new(what: &'static str, value: &str, allowed: &'static [&'static str]) -> Self {
        ParseEnumError {
            what,
            value: value.to_owned(),
            allowed,
        }
    }

    /// What kind of value was expected (`button type`).
    pub fn what(&self) -> &'static str {
        self.what
    }

    /// The string that was given.
    pub fn value(&self) -> &str {
        &self.value
    }

    /// Every accepted spelling.
    pub fn allowed(&self) -> &'static [&'static str] {
        self.allowed
    }
}

impl fmt::Display for ParseEnumError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown {} `{}`: expected one of ",
            self.what, self.value
        )?;
        for (i, name) in self.allowed.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "`{name}`")?;
        }
        Ok(())
    }
}

impl std::error::Error for ParseEnumError {}

/// Room on the stack for a measure as written (`8px`, `4px 12px 4px 12px`), so that it reaches
/// the serializer as one string; longer text makes `write_str` fail and the caller falls back.
pub(crate) struct ShortText {
    bytes: [u8; 64],
    len: usize,
}

impl ShortText {
    pub(crate) fn new() -> Self {
        ShortText {
            bytes: [0; 64],
            len: 0,
        }
    }

    pub(crate) fn as_str(&self) -> &str {
        // Only whole `&str`s are ever copied in, so the bytes are UTF-8.
        std::str::from_utf8(&self.bytes[..self.len]).unwrap_or_default()
    }
}

impl fmt::Write for ShortText {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let end = self.len + s.len();
        let room = self.bytes.get_mut(self.len..end).ok_or(fmt::Error)?;
        room.copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

/// Deserializes a string through `FromStr`, with `expecting` in type errors.
pub(crate) struct FromStrVisitor<T> {
    expecting: &'static str,
    marker: PhantomData<fn() -> T>,
}

impl<T> FromStrVisitor<T> {
    pub(crate) fn new(expecting: &'static str) -> Self {
        FromStrVisitor {
            expecting,
            marker: PhantomData,
        }
    }
}

impl<T> serde::de::Visitor<'_> for FromStrVisitor<T>
where
    T: FromStr,
    T::Err: fmt::Display,
{
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.expecting)
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<T, E> {
        v.parse().map_err(E::custom)
    }
}

/// `"12px"` → 12, only when writing 12 back gives the same string (no sign, no leading zero).
fn parse_px(s: &str) -> Option<u32> {
    parse_unit(s, "px")
}

/// `"5%"` → 5, with the same exactness as [`parse_px`].
fn parse_percent(s: &str) -> Option<u32> {
    parse_unit(s, "%")
}

fn parse_unit(s: &str, unit: &str) -> Option<u32> {
    let digits = s.strip_suffix(unit)?;
    let canonical = !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit())
        && (digits.len() == 1 || !digits.starts_with('0'));
    if canonical {
        digits.parse().ok()
    } else {
        None
    }
}

/// `"100px 80px"` → (100, 80), exactly.
fn parse_px_pair(s: &str) -> Option<(u32, u32)> {
    let (w, h) = s.split_once(' ')?;
    Some((parse_px(w)?, parse_px(h)?))
}

string_enum! {
    /// The card format version (`schema`). Only Card JSON 2.0 is modelled.
    pub enum Schema ("schema version") {
        /// Card JSON 2.0.
        V2 = "2.0",
    }
}

// Written by hand: the enum is generated and its variants take no attributes.
#[allow(clippy::derivable_impls)]
impl Default for Schema {
    fn default() -> Self {
        Schema::V2
    }
}

string_enum! {
    /// A language of the multi-language (`i18n_*`) fields and of `config.locales`.
    pub enum Locale ("locale") {
        /// Simplified Chinese.
        ZhCn = "zh_cn",
        /// English.
        EnUs = "en_us",
        /// Traditional Chinese (Hong Kong).
        ZhHk = "zh_hk",
        /// Traditional Chinese (Taiwan).
        ZhTw = "zh_tw",
        /// Japanese.
        JaJp = "ja_jp",
        /// Indonesian.
        IdId = "id_id",
        /// Vietnamese.
        ViVn = "vi_vn",
        /// Thai.
        ThTh = "th_th",
        /// Portuguese (Brazil).
        PtBr = "pt_br",
        /// Spanish.
        EsEs = "es_es",
        /// Korean.
        KoKr = "ko_kr",
        /// German.
        DeDe = "de_de",
        /// French.
        FrFr = "fr_fr",
        /// Italian.
        ItIt = "it_it",
        /// Russian.
        RuRu = "ru_ru",
        /// Malay.
        MsMy = "ms_my",
    }
}

/// Per-language values of a multi-language field (`i18n_content`, `i18n_img_key`, …).
pub type I18n<T> = std::collections::BTreeMap<Locale, T>;

string_enum! {
    /// A colour (§2.7 of the colour enumeration page), or a name defined in
    /// `config.style.color`.
    ///
    /// ```
    /// use card_core::model::Color;
    ///
    /// assert_eq!("grey-650".parse::<Color>(), Ok(Color::Grey650));
    /// assert_eq!(Color::from("brand-accent"), Color::Custom("brand-accent".into()));
    /// assert_eq!(Color::Blue500.as_str(), "blue-500");
    /// ```
    pub enum Color ("colour") {
        /// The default colour of the place it is used in.
        Default = "default",
        /// White in light mode and dark mode alike.
        BgWhite = "bg-white",
        /// White.
        White = "white",
        /// The animated "laser" background (`interactive_container.background_style` only).
        Laser = "laser",
        /// Blue.
        Blue = "blue",
        /// Blue, shade 50.
        Blue50 = "blue-50",
        /// Blue, shade 100.
        Blue100 = "blue-100",
        /// Blue, shade 200.
        Blue200 = "blue-200",
        /// Blue, shade 300.
        Blue300 = "blue-300",
        /// Blue, shade 350.
        Blue350 = "blue-350",
        /// Blue, shade 400.
        Blue400 = "blue-400",
        /// Blue, shade 500.
        Blue500 = "blue-500",
        /// Blue, shade 600.
        Blue600 = "blue-600",
        /// Blue, shade 700.
        Blue700 = "blue-700",
        /// Blue, shade 800.
        Blue800 = "blue-800",
        /// Blue, shade 900.
        Blue900 = "blue-900",
        /// Carmine.
        Carmine = "carmine",
        /// Carmine, shade 50.
        Carmine50 = "carmine-50",
        /// Carmine, shade 100.
        Carmine100 = "carmine-100",
        /// Carmine, shade 200.
        Carmine200 = "carmine-200",
        /// Carmine, shade 300.
        Carmine300 = "carmine-300",
        /// Carmine, shade 350.
        Carmine350 = "carmine-350",
        /// Carmine, shade 400.
        Carmine400 = "carmine-400",
        /// Carmine, shade 500.
        Carmine500 = "carmine-500",
        /// Carmine, shade 600.
        Carmine600 = "carmine-600",
        /// Carmine, shade 700.
        Carmine700 = "carmine-700",
        /// Carmine, shade 800.
        Carmine800 = "carmine-800",
        /// Carmine, shade 900.
        Carmine900 = "carmine-900",
        /// Green.
        Green = "green",
        /// Green, shade 50.
        Green50 = "green-50",
        /// Green, shade 100.
        Green100 = "green-100",
        /// Green, shade 200.
        Green200 = "green-200",
        /// Green, shade 300.
        Green300 = "green-300",
        /// Green, shade 350.
        Green350 = "green-350",
        /// Green, shade 400.
        Green400 = "green-400",
        /// Green, shade 500.
        Green500 = "green-500",
        /// Green, shade 600.
        Green600 = "green-600",
        /// Green, shade 700.
        Green700 = "green-700",
        /// Green, shade 800.
        Green800 = "green-800",
        /// Green, shade 900.
        Green900 = "green-900",
        /// Grey.
        Grey = "grey",
        /// Grey, shade 50.
        Grey50 = "grey-50",
        /// Grey, shade 100.
        Grey100 = "grey-100",
        /// Grey, shade 200.
        Grey200 = "grey-200",
        /// Grey, shade 300.
        Grey300 = "grey-300",
        /// Grey, shade 350.
        Grey350 = "grey-350",
        /// Grey, shade 400.
        Grey400 = "grey-400",
        /// Grey, shade 500.
        Grey500 = "grey-500",
        /// Grey, shade 600.
        Grey600 = "grey-600",
        /// Grey, shade 700.
        Grey700 = "grey-700",
        /// Grey, shade 800.
        Grey800 = "grey-800",
        /// Grey, shade 900.
        Grey900 = "grey-900",
        /// Grey, shade 00.
        Grey00 = "grey-00",
        /// Grey, shade 650.
        Grey650 = "grey-650",
        /// Grey, shade 950.
        Grey950 = "grey-950",
        /// Grey, shade 1000.
        Grey1000 = "grey-1000",
        /// Indigo.
        Indigo = "indigo",
        /// Indigo, shade 50.
        Indigo50 = "indigo-50",
        /// Indigo, shade 100.
        Indigo100 = "indigo-100",
        /// Indigo, shade 200.
        Indigo200 = "indigo-200",
        /// Indigo, shade 300.
        Indigo300 = "indigo-300",
        /// Indigo, shade 350.
        Indigo350 = "indigo-350",
        /// Indigo, shade 400.
        Indigo400 = "indigo-400",
        /// Indigo, shade 500.
        Indigo500 = "indigo-500",
        /// Indigo, shade 600.
        Indigo600 = "indigo-600",
        /// Indigo, shade 700.
        Indigo700 = "indigo-700",
        /// Indigo, shade 800.
        Indigo800 = "indigo-800",
        /// Indigo, shade 900.
        Indigo900 = "indigo-900",
        /// Lime.
        Lime = "lime",
        /// Lime, shade 50.
        Lime50 = "lime-50",
        /// Lime, shade 100.
        Lime100 = "lime-100",
        /// Lime, shade 200.
        Lime200 = "lime-200",
        /// Lime, shade 300.
        Lime300 = "lime-300",
        /// Lime, shade 350.
        Lime350 = "lime-350",
        /// Lime, shade 400.
        Lime400 = "lime-400",
        /// Lime, shade 500.
        Lime500 = "lime-500",
        /// Lime, shade 600.
        Lime600 = "lime-600",
        /// Lime, shade 700.
        Lime700 = "lime-700",
        /// Lime, shade 800.
        Lime800 = "lime-800",
        /// Lime, shade 900.
        Lime900 = "lime-900",
        /// Orange.
        Orange = "orange",
        /// Orange, shade 50.
        Orange50 = "orange-50",
        /// Orange, shade 100.
        Orange100 = "orange-100",
        /// Orange, shade 200.
        Orange200 = "orange-200",
        /// Orange, shade 300.
        Orange300 = "orange-300",
        /// Orange, shade 350.
        Orange350 = "orange-350",
        /// Orange, shade 400.
        Orange400 = "orange-400",
        /// Orange, shade 500.
        Orange500 = "orange-500",
        /// Orange, shade 600.
        Orange600 = "orange-600",
        /// Orange, shade 700.
        Orange700 = "orange-700",
        /// Orange, shade 800.
        Orange800 = "orange-800",
        /// Orange, shade 900.
        Orange900 = "orange-900",
        /// Purple.
        Purple = "purple",
        /// Purple, shade 50.
        Purple50 = "purple-50",
        /// Purple, shade 100.
        Purple100 = "purple-100",
        /// Purple, shade 200.
        Purple200 = "purple-200",
        /// Purple, shade 300.
        Purple300 = "purple-300",
        /// Purple, shade 350.
        Purple350 = "purple-350",
        /// Purple, shade 400.
        Purple400 = "purple-400",
        /// Purple, shade 500.
        Purple500 = "purple-500",
        /// Purple, shade 600.
        Purple600 = "purple-600",
        /// Purple, shade 700.
        Purple700 = "purple-700",
        /// Purple, shade 800.
        Purple800 = "purple-800",
        /// Purple, shade 900.
        Purple900 = "purple-900",
        /// Red.
        Red = "red",
        /// Red, shade 50.
        Red50 = "red-50",
        /// Red, shade 100.
        Red100 = "red-100",
        /// Red, shade 200.
        Red200 = "red-200",
        /// Red, shade 300.
        Red300 = "red-300",
        /// Red, shade 350.
        Red350 = "red-350",
        /// Red, shade 400.
        Red400 = "red-400",
        /// Red, shade 500.
        Red500 = "red-500",
        /// Red, shade 600.
        Red600 = "red-600",
        /// Red, shade 700.
        Red700 = "red-700",
        /// Red, shade 800.
        Red800 = "red-800",
        /// Red, shade 900.
        Red900 = "red-900",
        /// Sunflower.
        Sunflower = "sunflower",
        /// Sunflower, shade 50.
        Sunflower50 = "sunflower-50",
        /// Sunflower, shade 100.
        Sunflower100 = "sunflower-100",
        /// Sunflower, shade 200.
        Sunflower200 = "sunflower-200",
        /// Sunflower, shade 300.
        Sunflower300 = "sunflower-300",
        /// Sunflower, shade 350.
        Sunflower350 = "sunflower-350",
        /// Sunflower, shade 400.
        Sunflower400 = "sunflower-400",
        /// Sunflower, shade 500.
        Sunflower500 = "sunflower-500",
        /// Sunflower, shade 600.
        Sunflower600 = "sunflower-600",
        /// Sunflower, shade 700.
        Sunflower700 = "sunflower-700",
        /// Sunflower, shade 800.
        Sunflower800 = "sunflower-800",
        /// Sunflower, shade 900.
        Sunflower900 = "sunflower-900",
        /// Turquoise.
        Turquoise = "turquoise",
        /// Turquoise, shade 50.
        Turquoise50 = "turquoise-50",
        /// Turquoise, shade 100.
        Turquoise100 = "turquoise-100",
        /// Turquoise, shade 200.
        Turquoise200 = "turquoise-200",
        /// Turquoise, shade 300.
        Turquoise300 = "turquoise-300",
        /// Turquoise, shade 350.
        Turquoise350 = "turquoise-350",
        /// Turquoise, shade 400.
        Turquoise400 = "turquoise-400",
        /// Turquoise, shade 500.
        Turquoise500 = "turquoise-500",
        /// Turquoise, shade 600.
        Turquoise600 = "turquoise-600",
        /// Turquoise, shade 700.
        Turquoise700 = "turquoise-700",
        /// Turquoise, shade 800.
        Turquoise800 = "turquoise-800",
        /// Turquoise, shade 900.
        Turquoise900 = "turquoise-900",
        /// Violet.
        Violet = "violet",
        /// Violet, shade 50.
        Violet50 = "violet-50",
        /// Violet, shade 100.
        Violet100 = "violet-100",
        /// Violet, shade 200.
        Violet200 = "violet-200",
        /// Violet, shade 300.
        Violet300 = "violet-300",
        /// Violet, shade 350.
        Violet350 = "violet-350",
        /// Violet, shade 400.
        Violet400 = "violet-400",
        /// Violet, shade 500.
        Violet500 = "violet-500",
        /// Violet, shade 600.
        Violet600 = "violet-600",
        /// Violet, shade 700.
        Violet700 = "violet-700",
        /// Violet, shade 800.
        Violet800 = "violet-800",
        /// Violet, shade 900.
        Violet900 = "violet-900",
        /// Wathet.
        Wathet = "wathet",
        /// Wathet, shade 50.
        Wathet50 = "wathet-50",
        /// Wathet, shade 100.
        Wathet100 = "wathet-100",
        /// Wathet, shade 200.
        Wathet200 = "wathet-200",
        /// Wathet, shade 300.
        Wathet300 = "wathet-300",
        /// Wathet, shade 350.
        Wathet350 = "wathet-350",
        /// Wathet, shade 400.
        Wathet400 = "wathet-400",
        /// Wathet, shade 500.
        Wathet500 = "wathet-500",
        /// Wathet, shade 600.
        Wathet600 = "wathet-600",
        /// Wathet, shade 700.
        Wathet700 = "wathet-700",
        /// Wathet, shade 800.
        Wathet800 = "wathet-800",
        /// Wathet, shade 900.
        Wathet900 = "wathet-900",
        /// Yellow.
        Yellow = "yellow",
        /// Yellow, shade 50.
        Yellow50 = "yellow-50",
        /// Yellow, shade 100.
        Yellow100 = "yellow-100",
        /// Yellow, shade 200.
        Yellow200 = "yellow-200",
        /// Yellow, shade 300.
        Yellow300 = "yellow-300",
        /// Yellow, shade 350.
        Yellow350 = "yellow-350",
        /// Yellow, shade 400.
        Yellow400 = "yellow-400",
        /// Yellow, shade 500.
        Yellow500 = "yellow-500",
        /// Yellow, shade 600.
        Yellow600 = "yellow-600",
        /// Yellow, shade 700.
        Yellow700 = "yellow-700",
        /// Yellow, shade 800.
        Yellow800 = "yellow-800",
        /// Yellow, shade 900.
        Yellow900 = "yellow-900",
        @custom
        /// A name defined in `config.style.color` (or any other string Feishu was sent).
        Custom,
    }
}

string_enum! {
    /// A text size (§2.4), or a name defined in `config.style.text_size`.
    ///
    /// ```
    /// use card_core::model::TextSize;
    ///
    /// assert_eq!("heading-1".parse::<TextSize>(), Ok(TextSize::Heading1));
    /// assert_eq!(TextSize::from("normal_v2").as_str(), "normal_v2");
    /// ```
    pub enum TextSize ("text size") {
        /// 30 px on PC, 26 px on mobile.
        Heading0 = "heading-0",
        /// 24 px.
        Heading1 = "heading-1",
        /// 20 px.
        Heading2 = "heading-2",
        /// 18 px on PC, 17 px on mobile.
        Heading3 = "heading-3",
        /// 16 px.
        Heading4 = "heading-4",
        /// 16 px.
        Heading = "heading",
        /// 14 px (the default).
        Normal = "normal",
        /// 12 px.
        Notation = "notation",
        /// 30 px on PC, 26 px on mobile.
        XxxxLarge = "xxxx-large",
        /// 24 px.
        XxxLarge = "xxx-large",
        /// 20 px.
        XxLarge = "xx-large",
        /// 18 px.
        XLarge = "x-large",
        /// 16 px on PC, 17 px on mobile.
        Large = "large",
        /// 14 px.
        Medium = "medium",
        /// 12 px.
        Small = "small",
        /// 10 px.
        XSmall = "x-small",
        @custom
        /// A name defined in `config.style.text_size` (unknown names render as `normal`).
        Custom,
    }
}

string_enum! {
    /// How a container lays out its children.
    pub enum Direction ("direction") {
        /// One below the other (the default).
        Vertical = "vertical",
        /// Side by side.
        Horizontal = "horizontal",
    }
}

string_enum! {
    /// Horizontal alignment of children.
    pub enum HorizontalAlign ("horizontal alignment") {
        /// Left (the default).
        Left = "left",
        /// Centred.
        Center = "center",
        /// Right.
        Right = "right",
    }
}

string_enum! {
    /// Vertical alignment of children.
    pub enum VerticalAlign ("vertical alignment") {
        /// Top.
        Top = "top",
        /// Centred.
        Center = "center",
        /// Bottom.
        Bottom = "bottom",
    }
}

string_enum! {
    /// Alignment of text.
    pub enum TextAlign ("text alignment") {
        /// Left (the default).
        Left = "left",
        /// Centred.
        Center = "center",
        /// Right.
        Right = "right",
    }
}

string_enum! {
    /// Card width (`config.width_mode`).
    pub enum WidthMode ("width mode") {
        /// At most 600 px on wide screens (the default).
        Default = "default",
        /// 400 px.
        Compact = "compact",
        /// The whole chat window.
        Fill = "fill",
    }
}

string_enum! {
    /// How streamed text catches up with new content (`streaming_config.print_strategy`).
    pub enum PrintStrategy ("print strategy") {
        /// Show pending text at once when new content arrives (the default).
        Fast = "fast",
        /// Finish typing the old text first.
        Delay = "delay",
    }
}

string_enum! {
    /// Header colour theme (`header.template`).
    pub enum HeaderTemplate ("header template") {
        /// Blue.
        Blue = "blue",
        /// Light blue.
        Wathet = "wathet",
        /// Turquoise.
        Turquoise = "turquoise",
        /// Green.
        Green = "green",
        /// Yellow.
        Yellow = "yellow",
        /// Orange.
        Orange = "orange",
        /// Red.
        Red = "red",
        /// Carmine.
        Carmine = "carmine",
        /// Violet.
        Violet = "violet",
        /// Purple.
        Purple = "purple",
        /// Indigo.
        Indigo = "indigo",
        /// Grey.
        Grey = "grey",
        /// No colour (the default).
        Default = "default",
    }
}

string_enum! {
    /// Colour of a header tag (`text_tag.color`).
    pub enum TextTagColor ("text tag colour") {
        /// Neutral grey.
        Neutral = "neutral",
        /// Blue (the default).
        Blue = "blue",
        /// Turquoise.
        Turquoise = "turquoise",
        /// Lime.
        Lime = "lime",
        /// Orange.
        Orange = "orange",
        /// Violet.
        Violet = "violet",
        /// Indigo.
        Indigo = "indigo",
        /// Light blue.
        Wathet = "wathet",
        /// Green.
        Green = "green",
        /// Yellow.
        Yellow = "yellow",
        /// Red.
        Red = "red",
        /// Purple.
        Purple = "purple",
        /// Carmine.
        Carmine = "carmine",
    }
}

string_enum! {
    /// How a column set behaves on narrow screens (`column_set.flex_mode`).
    pub enum FlexMode ("flex mode") {
        /// Columns shrink (the default).
        None = "none",
        /// Columns stack.
        Stretch = "stretch",
        /// Columns wrap.
        Flow = "flow",
        /// Two columns per row.
        Bisect = "bisect",
        /// Three columns per row.
        Trisect = "trisect",
    }
}

string_enum! {
    /// Width of a collapsible panel's header.
    pub enum PanelHeaderWidth ("panel header width") {
        /// The full width (the default).
        Fill = "fill",
        /// As wide as its content.
        Auto = "auto",
        /// As wide as its content while folded.
        AutoWhenFold = "auto_when_fold",
    }
}

string_enum! {
    /// Where a collapsible panel's fold icon sits.
    pub enum IconPosition ("icon position") {
        /// Left of the title.
        Left = "left",
        /// At the right edge (the default).
        Right = "right",
        /// Right after the title text.
        FollowText = "follow_text",
    }
}

string_enum! {
    /// Where a collapsible panel's header sits (`header.position`, seen in the official example
    /// though not in the field table).
    pub enum PanelHeaderPosition ("panel header position") {
        /// Above the content.
        Top = "top",
        /// Below the content.
        Bottom = "bottom",
    }
}

string_enum! {
    /// How an image fills its box (`img.scale_type`).
    pub enum ImgScaleType ("image scale type") {
        /// Crop around the centre (the default).
        CropCenter = "crop_center",
        /// Crop keeping the top.
        CropTop = "crop_top",
        /// Fit the width, whole image shown.
        FitHorizontal = "fit_horizontal",
    }
}

string_enum! {
    /// The 1.0 image display mode (`img.mode`, a history field).
    pub enum ImgMode ("image mode") {
        /// Crop around the centre.
        CropCenter = "crop_center",
        /// Fit the width.
        FitHorizontal = "fit_horizontal",
        /// Fill the card width.
        Stretch = "stretch",
        /// 160 × 160 px.
        Large = "large",
        /// 80 × 80 px.
        Medium = "medium",
        /// 40 × 40 px.
        Small = "small",
        /// 16 × 16 px.
        Tiny = "tiny",
    }
}

string_enum! {
    /// Layout of an image combination.
    pub enum CombinationMode ("combination mode") {
        /// Two images side by side.
        Double = "double",
        /// Three images.
        Triple = "triple",
        /// Up to six images, two per row.
        Bisect = "bisect",
        /// Up to nine images, three per row.
        Trisect = "trisect",
    }
}

string_enum! {
    /// Size of a person's avatar.
    pub enum PersonSize ("person size") {
        /// Extra small.
        ExtraSmall = "extra_small",
        /// Small.
        Small = "small",
        /// Medium (the default).
        Medium = "medium",
        /// Large.
        Large = "large",
    }
}

string_enum! {
    /// How a person is shown.
    pub enum PersonStyle ("person style") {
        /// Avatar and name (the default).
        Normal = "normal",
        /// A capsule.
        Capsule = "capsule",
    }
}

string_enum! {
    /// Aspect ratio of a chart.
    pub enum ChartAspectRatio ("chart aspect ratio") {
        /// Square.
        Ratio1x1 = "1:1",
        /// 2:1.
        Ratio2x1 = "2:1",
        /// 4:3.
        Ratio4x3 = "4:3",
        /// 16:9.
        Ratio16x9 = "16:9",
    }
}

string_enum! {
    /// Colour theme of a chart.
    pub enum ColorTheme ("chart colour theme") {
        /// The brand palette (the default).
        Brand = "brand",
        /// Rainbow.
        Rainbow = "rainbow",
        /// Complementary colours.
        Complementary = "complementary",
        /// Converse colours.
        Converse = "converse",
        /// Primary colours.
        Primary = "primary",
    }
}

string_enum! {
    /// Background of a table's header row.
    pub enum TableHeaderBackground ("table header background") {
        /// None (the default).
        None = "none",
        /// Grey.
        Grey = "grey",
    }
}

string_enum! {
    /// What a table column holds.
    pub enum TableDataType ("table data type") {
        /// Plain text (the default).
        Text = "text",
        /// `lark_md` text.
        LarkMd = "lark_md",
        /// Option tags.
        Options = "options",
        /// Numbers.
        Number = "number",
        /// Users.
        Persons = "persons",
        /// Dates (millisecond timestamps).
        Date = "date",
        /// Markdown.
        Markdown = "markdown",
        /// Users, as a list. Not on the table page, but sent by real cards that Feishu accepts.
        PersonList = "person_list",
    }
}

string_enum! {
    /// Which times an audio player shows.
    pub enum TimeDisplay ("audio time display") {
        /// The default.
        Default = "default",
        /// Elapsed and total.
        Both = "both",
    }
}

string_enum! {
    /// Where an audio player shows the time.
    pub enum TimePosition ("audio time position") {
        /// After the bar (the default).
        End = "end",
        /// Before the bar.
        Start = "start",
        /// Both sides of the bar.
        BothSides = "both_sides",
    }
}

string_enum! {
    /// Look of an audio player.
    pub enum AudioStyle ("audio style") {
        /// The default player.
        Normal = "normal",
        /// Flat.
        Flat = "flat",
        /// A voice message bubble.
        Speak = "speak",
    }
}

string_enum! {
    /// Kind of text input.
    pub enum InputType ("input type") {
        /// One line (the default).
        Text = "text",
        /// Several lines.
        MultilineText = "multiline_text",
        /// A password.
        Password = "password",
    }
}

string_enum! {
    /// Where an input's label sits.
    pub enum LabelPosition ("label position") {
        /// Above (the default; always on mobile).
        Top = "top",
        /// Left.
        Left = "left",
    }
}

string_enum! {
    /// Button style.
    pub enum ButtonType ("button type") {
        /// Outlined, neutral (the default).
        Default = "default",
        /// Outlined, brand colour.
        Primary = "primary",
        /// Outlined, red.
        Danger = "danger",
        /// Text only.
        Text = "text",
        /// Text only, brand colour.
        PrimaryText = "primary_text",
        /// Text only, red.
        DangerText = "danger_text",
        /// Filled, brand colour.
        PrimaryFilled = "primary_filled",
        /// Filled, red.
        DangerFilled = "danger_filled",
        /// The animated "laser" style.
        Laser = "laser",
    }
}

string_enum! {
    /// Button size.
    pub enum ButtonSize ("button size") {
        /// 24 px high on PC, 28 px on mobile.
        Tiny = "tiny",
        /// 28 px.
        Small = "small",
        /// 32 px on PC, 36 px on mobile (the default).
        Medium = "medium",
        /// 40 px on PC, 48 px on mobile.
        Large = "large",
    }
}

string_enum! {
    /// What a button inside a form does.
    pub enum FormActionType ("form action type") {
        /// Submits the form.
        Submit = "submit",
        /// Clears the form.
        Reset = "reset",
    }
}

string_enum! {
    /// The 1.0 button action (`action_type`), still sent by live bots.
    pub enum ActionType ("button action type") {
        /// Opens a link.
        Link = "link",
        /// Calls back.
        Request = "request",
        /// Opens a link and calls back.
        Multi = "multi",
        /// Submits the form.
        FormSubmit = "form_submit",
        /// Clears the form.
        FormReset = "form_reset",
    }
}

string_enum! {
    /// Look of a drop-down menu or user picker.
    pub enum SelectType ("select type") {
        /// With a border (the default).
        Default = "default",
        /// Without a border.
        Text = "text",
    }
}

string_enum! {
    /// Layout of an image picker.
    pub enum SelectImgLayout ("image picker layout") {
        /// One image per row.
        Stretch = "stretch",
        /// Two per row (the default).
        Bisect = "bisect",
        /// Three per row.
        Trisect = "trisect",
    }
}

string_enum! {
    /// Aspect ratio of an image picker's images.
    pub enum SelectImgAspectRatio ("image picker aspect ratio") {
        /// Square.
        Ratio1x1 = "1:1",
        /// 16:9 (the default).
        Ratio16x9 = "16:9",
        /// 4:3.
        Ratio4x3 = "4:3",
    }
}

string_enum! {
    /// When a checker's buttons show on PC.
    pub enum PcDisplayRule ("PC display rule") {
        /// Always (the default).
        Always = "always",
        /// On hover.
        OnHover = "on_hover",
    }
}

/// Margin or padding: one, two or four lengths, CSS-like (`"12px"`, `"4px 0"`,
/// `"4px 8px 4px 8px"`). Kept as written.
///
/// ```
/// use card_core::model::Edges;
///
/// assert_eq!(Edges::px(12).as_str(), "12px");
/// assert_eq!(Edges::vh(4, 8).as_str(), "4px 8px");
/// assert_eq!(Edges::trbl(0, 12, 0, -12).as_str(), "0px 12px 0px -12px");
/// assert_eq!(Edges::from("8px 0 0 0").as_str(), "8px 0 0 0");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Edges(pub Cow<'static, str>);

impl Edges {
    /// The same length on every side.
    pub fn px(all: i32) -> Self {
        Edges(Cow::Owned(format!("{all}px")))
    }

    /// Vertical and horizontal lengths.
    pub fn vh(vertical: i32, horizontal: i32) -> Self {
        Edges(Cow::Owned(format!("{vertical}px {horizontal}px")))
    }

    /// Top, right, bottom and left lengths.
    pub fn trbl(top: i32, right: i32, bottom: i32, left: i32) -> Self {
        Edges(Cow::Owned(format!("{top}px {right}px {bottom}px {left}px")))
    }

    /// The string as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    fn parse(s: Cow<'static, str>) -> Self {
        Edges(s)
    }
}

impl fmt::Display for Edges {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

text_value!(Edges, "margin or padding such as `8px` or `4px 12px`");

/// Gap between children (`horizontal_spacing`, `vertical_spacing`).
///
/// ```
/// use card_core::model::Spacing;
///
/// assert_eq!(Spacing::from("8px"), Spacing::Px(8));
/// assert_eq!(Spacing::from("large"), Spacing::Large);
/// assert_eq!(Spacing::Px(0).to_string(), "0px");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Spacing {
    /// 4 px: `"small"`.
    Small,
    /// 8 px: `"medium"`.
    Medium,
    /// 12 px: `"large"`.
    Large,
    /// 16 px: `"extra_large"`.
    ExtraLarge,
    /// The 1.0 token `"default"` (8 px), still sent on `column_set`.
    Default,
    /// `"{n}px"`.
    Px(u32),
    /// Anything else, kept as written.
    Custom(Cow<'static, str>),
}

impl Spacing {
    fn parse(s: Cow<'static, str>) -> Self {
        match &*s {
            "small" => Spacing::Small,
            "medium" => Spacing::Medium,
            "large" => Spacing::Large,
            "extra_large" => Spacing::ExtraLarge,
            "default" => Spacing::Default,
            other => match parse_px(other) {
                Some(n) => Spacing::Px(n),
                None => Spacing::Custom(s),
            },
        }
    }
}

impl fmt::Display for Spacing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Spacing::Small => f.write_str("small"),
            Spacing::Medium => f.write_str("medium"),
            Spacing::Large => f.write_str("large"),
            Spacing::ExtraLarge => f.write_str("extra_large"),
            Spacing::Default => f.write_str("default"),
            Spacing::Px(n) => write!(f, "{n}px"),
            Spacing::Custom(s) => f.write_str(s),
        }
    }
}

text_value!(Spacing, "spacing such as `8px` or `small`");

/// Width of an interactive widget (button, input, selects, pickers, overflow, audio).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Width {
    /// The widget's own width: `"default"`.
    Default,
    /// The parent's width: `"fill"`.
    Fill,
    /// `"{n}px"` (at least 100).
    Px(u32),
    /// Anything else, kept as written.
    Custom(Cow<'static, str>),
}

impl Width {
    fn parse(s: Cow<'static, str>) -> Self {
        match &*s {
            "default" => Width::Default,
            "fill" => Width::Fill,
            other => match parse_px(other) {
                Some(n) => Width::Px(n),
                None => Width::Custom(s),
            },
        }
    }
}

impl fmt::Display for Width {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Width::Default => f.write_str("default"),
            Width::Fill => f.write_str("fill"),
            Width::Px(n) => write!(f, "{n}px"),
            Width::Custom(s) => f.write_str(s),
        }
    }
}

text_value!(Width, "width such as `fill`, `default` or `200px`");

/// Width of a block (`div`, `interactive_container`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum BoxWidth {
    /// The parent's width: `"fill"`.
    Fill,
    /// As wide as the content: `"auto"`.
    Auto,
    /// `"{n}px"`.
    Px(u32),
    /// Anything else, kept as written.
    Custom(Cow<'static, str>),
}

impl BoxWidth {
    fn parse(s: Cow<'static, str>) -> Self {
        match &*s {
            "fill" => BoxWidth::Fill,
            "auto" => BoxWidth::Auto,
            other => match parse_px(other) {
                Some(n) => BoxWidth::Px(n),
                None => BoxWidth::Custom(s),
            },
        }
    }
}

impl fmt::Display for BoxWidth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BoxWidth::Fill => f.write_str("fill"),
            BoxWidth::Auto => f.write_str("auto"),
            BoxWidth::Px(n) => write!(f, "{n}px"),
            BoxWidth::Custom(s) => f.write_str(s),
        }
    }
}

text_value!(BoxWidth, "width such as `fill`, `auto` or `200px`");

/// A height (`interactive_container.height`, `chart.height`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Height {
    /// As high as the content: `"auto"`.
    Auto,
    /// `"{n}px"`.
    Px(u32),
    /// Anything else, kept as written.
    Custom(Cow<'static, str>),
}

impl Height {
    fn parse(s: Cow<'static, str>) -> Self {
        match &*s {
            "auto" => Height::Auto,
            other => match parse_px(other) {
                Some(n) => Height::Px(n),
                None => Height::Custom(s),
            },
        }
    }
}

impl fmt::Display for Height {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Height::Auto => f.write_str("auto"),
            Height::Px(n) => write!(f, "{n}px"),
            Height::Custom(s) => f.write_str(s),
        }
    }
}

text_value!(Height, "height such as `auto` or `300px`");

/// Width of a column in a column set.
///
/// ```
/// use card_core::model::ColumnWidth;
///
/// assert_eq!(ColumnWidth::from("weighted"), ColumnWidth::Weighted);
/// assert_eq!(ColumnWidth::from("160px"), ColumnWidth::Px(160));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ColumnWidth {
    /// As wide as the content: `"auto"` (the default).
    Auto,
    /// A share of the free width by `weight`: `"weighted"`.
    Weighted,
    /// `"{n}px"` (16 to 600).
    Px(u32),
    /// Anything else, kept as written.
    Custom(Cow<'static, str>),
}

impl ColumnWidth {
    fn parse(s: Cow<'static, str>) -> Self {
        match &*s {
            "auto" => ColumnWidth::Auto,
            "weighted" => ColumnWidth::Weighted,
            other => match parse_px(other) {
                Some(n) => ColumnWidth::Px(n),
                None => ColumnWidth::Custom(s),
            },
        }
    }
}

impl fmt::Display for ColumnWidth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ColumnWidth::Auto => f.write_str("auto"),
            ColumnWidth::Weighted => f.write_str("weighted"),
            ColumnWidth::Px(n) => write!(f, "{n}px"),
            ColumnWidth::Custom(s) => f.write_str(s),
        }
    }
}

text_value!(
    ColumnWidth,
    "column width such as `auto`, `weighted` or `120px`"
);

/// Width of a table column.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum TableColumnWidth {
    /// Fitted to the content: `"auto"` (the default).
    Auto,
    /// `"{n}px"` (80 to 600).
    Px(u32),
    /// `"{n}%"` (1 to 100).
    Percent(u32),
    /// Anything else, kept as written.
    Custom(Cow<'static, str>),
}

impl TableColumnWidth {
    fn parse(s: Cow<'static, str>) -> Self {
        if &*s == "auto" {
            return TableColumnWidth::Auto;
        }
        if let Some(n) = parse_px(&s) {
            return TableColumnWidth::Px(n);
        }
        match parse_percent(&s) {
            Some(n) => TableColumnWidth::Percent(n),
            None => TableColumnWidth::Custom(s),
        }
    }
}

impl fmt::Display for TableColumnWidth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TableColumnWidth::Auto => f.write_str("auto"),
            TableColumnWidth::Px(n) => write!(f, "{n}px"),
            TableColumnWidth::Percent(n) => write!(f, "{n}%"),
            TableColumnWidth::Custom(s) => f.write_str(s),
        }
    }
}

text_value!(
    TableColumnWidth,
    "table column width such as `auto`, `120px` or `20%`"
);

/// Height of a table row.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum RowHeight {
    /// `"low"` (the default).
    Low,
    /// `"middle"`.
    Middle,
    /// `"high"`.
    High,
    /// Fitted to the content, up to `row_max_height`: `"auto"`.
    Auto,
    /// `"{n}px"` (32 to 124).
    Px(u32),
    /// Anything else, kept as written.
    Custom(Cow<'static, str>),
}

impl RowHeight {
    fn parse(s: Cow<'static, str>) -> Self {
        match &*s {
            "low" => RowHeight::Low,
            "middle" => RowHeight::Middle,
            "high" => RowHeight::High,
            "auto" => RowHeight::Auto,
            other => match parse_px(other) {
                Some(n) => RowHeight::Px(n),
                None => RowHeight::Custom(s),
            },
        }
    }
}

impl fmt::Display for RowHeight {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RowHeight::Low => f.write_str("low"),
            RowHeight::Middle => f.write_str("middle"),
            RowHeight::High => f.write_str("high"),
            RowHeight::Auto => f.write_str("auto"),
            RowHeight::Px(n) => write!(f, "{n}px"),
            RowHeight::Custom(s) => f.write_str(s),
        }
    }
}

text_value!(RowHeight, "row height such as `low` or `48px`");

/// A single length: `corner_radius`, `row_max_height`.
///
/// ```
/// use card_core::model::Length;
///
/// assert_eq!(Length::from("8px"), Length::Px(8));
/// assert_eq!(Length::from("50%"), Length::Percent(50));
/// assert_eq!(Length::from("").to_string(), "");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Length {
    /// `"{n}px"`.
    Px(u32),
    /// `"{n}%"`.
    Percent(u32),
    /// Anything else, kept as written.
    Custom(Cow<'static, str>),
}

impl Length {
    fn parse(s: Cow<'static, str>) -> Self {
        if let Some(n) = parse_px(&s) {
            return Length::Px(n);
        }
        match parse_percent(&s) {
            Some(n) => Length::Percent(n),
            None => Length::Custom(s),
        }
    }
}

impl fmt::Display for Length {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Length::Px(n) => write!(f, "{n}px"),
            Length::Percent(n) => write!(f, "{n}%"),
            Length::Custom(s) => f.write_str(s),
        }
    }
}

text_value!(Length, "length such as `8px` or `50%`");

/// Size of an image (`img.size`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ImgSize {
    /// The card width: `"stretch"`.
    Stretch,
    /// 160 × 160 px: `"large"`.
    Large,
    /// 80 × 80 px: `"medium"`.
    Medium,
    /// 40 × 40 px: `"small"`.
    Small,
    /// 16 × 16 px: `"tiny"`.
    Tiny,
    /// `"{w}px {h}px"` (each 1 to 1000).
    Px(u32, u32),
    /// Anything else, kept as written.
    Custom(Cow<'static, str>),
}

impl ImgSize {
    fn parse(s: Cow<'static, str>) -> Self {
        match &*s {
            "stretch" => ImgSize::Stretch,
            "large" => ImgSize::Large,
            "medium" => ImgSize::Medium,
            "small" => ImgSize::Small,
            "tiny" => ImgSize::Tiny,
            other => match parse_px_pair(other) {
                Some((w, h)) => ImgSize::Px(w, h),
                None => ImgSize::Custom(s),
            },
        }
    }
}

impl fmt::Display for ImgSize {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ImgSize::Stretch => f.write_str("stretch"),
            ImgSize::Large => f.write_str("large"),
            ImgSize::Medium => f.write_str("medium"),
            ImgSize::Small => f.write_str("small"),
            ImgSize::Tiny => f.write_str("tiny"),
            ImgSize::Px(w, h) => write!(f, "{w}px {h}px"),
            ImgSize::Custom(s) => f.write_str(s),
        }
    }
}

text_value!(ImgSize, "image size such as `large` or `100px 80px`");

/// Size of an icon (collapsible panel icons).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum IconSize {
    /// `"{w}px {h}px"` (each 1 to 999).
    Px(u32, u32),
    /// Anything else, kept as written.
    Custom(Cow<'static, str>),
}

impl IconSize {
    fn parse(s: Cow<'static, str>) -> Self {
        match parse_px_pair(&s) {
            Some((w, h)) => IconSize::Px(w, h),
            None => IconSize::Custom(s),
        }
    }
}

impl fmt::Display for IconSize {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IconSize::Px(w, h) => write!(f, "{w}px {h}px"),
            IconSize::Custom(s) => f.write_str(s),
        }
    }
}

text_value!(IconSize, "icon size such as `16px 16px`");

/// The 1.0 image width (`img.custom_width`, a history field): documented as an integer number of
/// pixels, sent by live bots as a string such as `"300px"` too.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum CustomWidth {
    /// An integer number of pixels: `300`.
    Pixels(u32),
    /// A string, kept as written: `"300px"`.
    Text(Cow<'static, str>),
}

/// A width written as a string is kept as that string, even when it holds only digits: the
/// card serializes back to the same JSON.
///
/// ```
/// use card_core::model::CustomWidth;
///
/// let w: CustomWidth = "300px".parse().unwrap();
/// assert_eq!(w, CustomWidth::Text("300px".into()));
/// ```
impl FromStr for CustomWidth {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(CustomWidth::Text(Cow::Owned(s.to_owned())))
    }
}

impl From<u32> for CustomWidth {
    fn from(px: u32) -> Self {
        CustomWidth::Pixels(px)
    }
}

impl serde::Serialize for CustomWidth {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            CustomWidth::Pixels(n) => serializer.serialize_u32(*n),
            CustomWidth::Text(s) => serializer.serialize_str(s),
        }
    }
}

impl<'de> serde::Deserialize<'de> for CustomWidth {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = CustomWidth;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a width in pixels, as an integer or a string such as `300px`")
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<CustomWidth, E> {
                u32::try_from(v)
                    .map(CustomWidth::Pixels)
                    .map_err(|_| E::invalid_value(serde::de::Unexpected::Unsigned(v), &self))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<CustomWidth, E> {
                u32::try_from(v)
                    .map(CustomWidth::Pixels)
                    .map_err(|_| E::invalid_value(serde::de::Unexpected::Signed(v), &self))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<CustomWidth, E> {
                Ok(CustomWidth::Text(Cow::Owned(v.to_owned())))
            }
        }
        deserializer.deserialize_any(V)
    }
}

/// A JSON number kept as written: an integer stays an integer, a fraction stays a fraction
/// (`opacity`, `icon_expanded_angle`, `max_rows`).
///
/// ```
/// use card_core::model::Number;
///
/// assert_eq!(serde_json::to_string(&Number::from(-180)).unwrap(), "-180");
/// assert_eq!(serde_json::to_string(&Number::from(0.5)).unwrap(), "0.5");
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Number {
    /// An integer.
    Int(i64),
    /// A number with a fraction or an exponent.
    Float(f64),
}

impl Default for Number {
    fn default() -> Self {
        Number::Int(0)
    }
}

impl From<i32> for Number {
    fn from(n: i32) -> Self {
        Number::Int(n.into())
    }
}

impl From<i64> for Number {
    fn from(n: i64) -> Self {
        Number::Int(n)
    }
}

impl From<u32> for Number {
    fn from(n: u32) -> Self {
        Number::Int(n.into())
    }
}

impl From<f64> for Number {
    fn from(n: f64) -> Self {
        Number::Float(n)
    }
}

impl fmt::Display for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Number::Int(n) => write!(f, "{n}"),
            Number::Float(n) => write!(f, "{n}"),
        }
    }
}

impl serde::Serialize for Number {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Number::Int(n) => serializer.serialize_i64(*n),
            Number::Float(n) => serializer.serialize_f64(*n),
        }
    }
}

impl<'de> serde::Deserialize<'de> for Number {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Number;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a number")
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Number, E> {
                Ok(Number::Int(v))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Number, E> {
                // Beyond i64 only a float can hold it; no card field comes near.
                Ok(i64::try_from(v).map_or(Number::Float(v as f64), Number::Int))
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Number, E> {
                Ok(Number::Float(v))
            }
        }
        deserializer.deserialize_any(V)
    }
}
