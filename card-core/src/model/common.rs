//! Objects shared by many components: text, icons, tags, confirmations, behaviours.

use std::borrow::Cow;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

use super::tagged::{buffered, buffered_or, unknown_tag};
use super::values::*;
use super::Unknown;
use crate::registry::kinds::*;
use crate::registry::rule::*;
use crate::registry::Kind;

/// What the `tag` markers have in common.
pub(crate) trait TagMarker {
    const OMITTED: Self;
    fn is_omitted(&self) -> bool;
}

/// The marker of a `tag` that was not written (serde default of `tag` fields).
pub(crate) fn omitted_tag<T: TagMarker>() -> T {
    T::OMITTED
}

/// Whether a `tag` is left out on output.
pub(crate) fn tag_is_omitted<T: TagMarker>(marker: &T) -> bool {
    marker.is_omitted()
}

/// Defines the marker type of a `tag` field: written as the tag, accepts only the tag. Official
/// examples also leave the `tag` out (an empty `disabled_tips: {}`); a marker remembers whether
/// the tag was there, so that such an object is written back as it was read.
macro_rules! tag_marker {
    ($(#[$meta:meta])* $name:ident = $tag:literal) => {
        $(#[$meta])*
        ///
        /// Its default writes the tag; [`Self::OMITTED`] leaves it out.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub struct $name {
            written: bool,
        }

        impl $name {
            /// The tag.
            pub const TAG: &'static str = $tag;

            /// The marker of an object written without its `tag`.
            pub const OMITTED: Self = $name { written: false };

            /// Whether the object is written without its `tag`.
            pub fn is_omitted(&self) -> bool {
                !self.written
            }
        }

        impl Default for $name {
            fn default() -> Self {
                $name { written: true }
            }
        }

        impl TagMarker for $name {
            const OMITTED: Self = $name::OMITTED;
            fn is_omitted(&self) -> bool {
                !self.written
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str($tag)
            }
        }

        impl crate::model::json::WriteJson for $name {
            #[inline]
            fn write_json(&self, out: &mut String) -> Result<(), crate::model::json::Error> {
                out.push_str(concat!("\"", $tag, "\""));
                Ok(())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct V;
                impl serde::de::Visitor<'_> for V {
                    type Value = $name;
                    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        f.write_str(concat!("the tag `", $tag, "`"))
                    }
                    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<$name, E> {
                        if v == $tag {
                            Ok($name::default())
                        } else {
                            Err(E::invalid_value(serde::de::Unexpected::Str(v), &self))
                        }
                    }
                }
                deserializer.deserialize_str(V)
            }
        }
    };
}

tag_marker! {
    /// The `"tag": "plain_text"` of a [`PlainText`].
    PlainTextTag = "plain_text"
}
tag_marker! {
    /// The `"tag": "lark_md"` of a [`LarkMd`].
    LarkMdTag = "lark_md"
}
tag_marker! {
    /// The `"tag": "markdown"` of a [`MarkdownText`].
    MarkdownTag = "markdown"
}
tag_marker! {
    /// The `"tag": "standard_icon"` of a [`StandardIcon`].
    StandardIconTag = "standard_icon"
}
tag_marker! {
    /// The `"tag": "custom_icon"` of a [`CustomIcon`].
    CustomIconTag = "custom_icon"
}
tag_marker! {
    /// The `"tag": "text_tag"` of a [`TextTag`].
    TextTagTag = "text_tag"
}
tag_marker! {
    /// The `"tag": "column"` of a [`Column`](super::Column).
    ColumnTag = "column"
}
tag_marker! {
    /// The `"tag": "fallback_text"` of a [`FallbackText`].
    FallbackTextTag = "fallback_text"
}

model_struct! {
    /// Plain text (`plain_text`): button labels, placeholders, tips, titles, option text.
    ///
    /// The styling fields (`text_size`, `text_color`, `text_align`, `lines`) apply where the text
    /// is a `div`'s, a checker's or a panel title.
    ///
    /// ```
    /// use card_core::model::PlainText;
    /// use serde_json::json;
    ///
    /// let text = PlainText::new("OK");
    /// assert_eq!(serde_json::to_value(&text).unwrap(), json!({"tag": "plain_text", "content": "OK"}));
    /// ```
    pub struct PlainText {
        /// Always `plain_text`.
        tag: PlainTextTag,
        /// The text.
        #[attr(kind(Kind::Str).note(
            "required unless `i18n_content` is given: not enforced, examples send only \
             `i18n_content`",
        ))]
        content: Option<Cow<'static, str>>,
        /// The text per language; wins over `content` in the listed languages.
        #[attr(kind(LOCALE_STR))]
        i18n_content: Option<I18n<Cow<'static, str>>>,
        /// The 1.0 form of `i18n_content`, still sent by live bots.
        #[attr(kind(LOCALE_STR).legacy(LEGACY_PROPERTY, "use `i18n_content`"))]
        i18n: Option<I18n<Cow<'static, str>>>,
        /// Id for the element APIs.
        #[attr(ELEMENT_ID)]
        element_id: Option<Cow<'static, str>>,
        /// Size.
        #[attr(kind(Kind::TextSize))]
        text_size: Option<TextSize>,
        /// Colour.
        #[attr(kind(Kind::Color))]
        text_color: Option<Color>,
        /// Alignment.
        #[attr(enum_of(&TextAlign::ENUM).lenient())]
        text_align: Option<TextAlign>,
        /// Lines shown before an ellipsis.
        #[attr(kind(Kind::Int { min: 1, max: UNBOUNDED }).lenient())]
        lines: Option<u32>,
    }
}

impl PlainText {
    /// Plain text with this content.
    pub fn new(content: impl Into<Cow<'static, str>>) -> Self {
        PlainText {
            content: Some(content.into()),
            ..Default::default()
        }
    }
}

impl From<&'static str> for PlainText {
    fn from(content: &'static str) -> Self {
        PlainText::new(content)
    }
}

impl From<String> for PlainText {
    fn from(content: String) -> Self {
        PlainText::new(content)
    }
}

impl From<Cow<'static, str>> for PlainText {
    fn from(content: Cow<'static, str>) -> Self {
        PlainText::new(content)
    }
}

model_struct! {
    /// Text with Feishu's small markdown dialect (`lark_md`): bold, italic, links, `<at>`,
    /// `<font color>`.
    pub struct LarkMd {
        /// Always `lark_md`.
        tag: LarkMdTag,
        /// The text.
        #[attr(kind(Kind::Str))]
        content: Option<Cow<'static, str>>,
        /// The text per language.
        #[attr(kind(LOCALE_STR))]
        i18n_content: Option<I18n<Cow<'static, str>>>,
        /// The 1.0 form of `i18n_content`.
        #[attr(kind(LOCALE_STR).legacy(LEGACY_PROPERTY, "use `i18n_content`"))]
        i18n: Option<I18n<Cow<'static, str>>>,
        /// Id for the element APIs.
        #[attr(ELEMENT_ID)]
        element_id: Option<Cow<'static, str>>,
        /// Size.
        #[attr(kind(Kind::TextSize))]
        text_size: Option<TextSize>,
        /// Colour.
        #[attr(kind(Kind::Color))]
        text_color: Option<Color>,
        /// Alignment.
        #[attr(enum_of(&TextAlign::ENUM).lenient())]
        text_align: Option<TextAlign>,
        /// Lines shown before an ellipsis.
        #[attr(kind(Kind::Int { min: 1, max: UNBOUNDED }).lenient())]
        lines: Option<u32>,
    }
}

impl LarkMd {
    /// `lark_md` text with this content.
    pub fn new(content: impl Into<Cow<'static, str>>) -> Self {
        LarkMd {
            content: Some(content.into()),
            ..Default::default()
        }
    }
}

/// A text object that may be plain or `lark_md`: header title and subtitle, `div` text, checker
/// text.
///
/// ```
/// use card_core::model::{LarkMd, Text};
///
/// let plain: Text = "Weekly report".into();
/// let rich: Text = LarkMd::new("**Weekly** report").into();
/// assert_eq!(plain.content(), "Weekly report");
/// assert_eq!(rich.content(), "**Weekly** report");
/// ```
#[derive(Debug, Clone, PartialEq)]
pub enum Text {
    /// `plain_text`.
    PlainText(PlainText),
    /// `lark_md`.
    LarkMd(LarkMd),
}

impl Text {
    /// The text, whatever its kind.
    pub fn content(&self) -> &str {
        let content = match self {
            Text::PlainText(t) => &t.content,
            Text::LarkMd(t) => &t.content,
        };
        content.as_deref().unwrap_or_default()
    }
}

impl Default for Text {
    fn default() -> Self {
        Text::PlainText(PlainText::default())
    }
}

impl From<PlainText> for Text {
    fn from(t: PlainText) -> Self {
        Text::PlainText(t)
    }
}

impl From<LarkMd> for Text {
    fn from(t: LarkMd) -> Self {
        Text::LarkMd(t)
    }
}

impl From<&'static str> for Text {
    fn from(content: &'static str) -> Self {
        Text::PlainText(PlainText::new(content))
    }
}

impl From<String> for Text {
    fn from(content: String) -> Self {
        Text::PlainText(PlainText::new(content))
    }
}

impl Serialize for Text {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Text::PlainText(t) => t.serialize(serializer),
            Text::LarkMd(t) => t.serialize(serializer),
        }
    }
}

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // Without a `tag`, Feishu reads plain text.
        let (tag, value) = buffered_or(deserializer, "a text object", "plain_text")?;
        let parsed = match tag.as_str() {
            "plain_text" => PlainText::deserialize(value).map(Text::PlainText),
            "lark_md" => LarkMd::deserialize(value).map(Text::LarkMd),
            other => return Err(unknown_tag(other, "text", &["plain_text", "lark_md"])),
        };
        parsed.map_err(serde::de::Error::custom)
    }
}

model_struct! {
    /// The markdown form of a collapsible panel title (`{"tag": "markdown", "content": ...}`).
    pub struct MarkdownText {
        /// Always `markdown`.
        tag: MarkdownTag,
        /// The markdown.
        #[attr(kind(Kind::Str))]
        content: Option<Cow<'static, str>>,
        /// The markdown per language.
        #[attr(kind(LOCALE_STR))]
        i18n_content: Option<I18n<Cow<'static, str>>>,
        /// Size.
        #[attr(kind(Kind::TextSize)
            .note("not documented on the title; accepted like other texts"))]
        text_size: Option<TextSize>,
        /// Colour.
        #[attr(kind(Kind::Color)
            .note("not documented on the title; accepted like other texts"))]
        text_color: Option<Color>,
        /// Alignment.
        #[attr(enum_of(&TextAlign::ENUM).lenient())]
        text_align: Option<TextAlign>,
    }
}

impl MarkdownText {
    /// Markdown with this content.
    pub fn new(content: impl Into<Cow<'static, str>>) -> Self {
        MarkdownText {
            content: Some(content.into()),
            ..Default::default()
        }
    }
}

/// A collapsible panel's title: `plain_text` or `markdown` (not `lark_md`).
#[derive(Debug, Clone, PartialEq)]
pub enum PanelTitle {
    /// `plain_text`.
    PlainText(PlainText),
    /// `markdown`.
    Markdown(MarkdownText),
}

impl Default for PanelTitle {
    fn default() -> Self {
        PanelTitle::PlainText(PlainText::default())
    }
}

impl From<PlainText> for PanelTitle {
    fn from(t: PlainText) -> Self {
        PanelTitle::PlainText(t)
    }
}

impl From<MarkdownText> for PanelTitle {
    fn from(t: MarkdownText) -> Self {
        PanelTitle::Markdown(t)
    }
}

impl From<&'static str> for PanelTitle {
    fn from(content: &'static str) -> Self {
        PanelTitle::PlainText(PlainText::new(content))
    }
}

impl From<String> for PanelTitle {
    fn from(content: String) -> Self {
        PanelTitle::PlainText(PlainText::new(content))
    }
}

impl Serialize for PanelTitle {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            PanelTitle::PlainText(t) => t.serialize(serializer),
            PanelTitle::Markdown(t) => t.serialize(serializer),
        }
    }
}

impl<'de> Deserialize<'de> for PanelTitle {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let (tag, value) = buffered(deserializer, "a panel title")?;
        let parsed = match tag.as_str() {
            "plain_text" => PlainText::deserialize(value).map(PanelTitle::PlainText),
            "markdown" => MarkdownText::deserialize(value).map(PanelTitle::Markdown),
            other => {
                return Err(unknown_tag(
                    other,
                    "panel title",
                    &["plain_text", "markdown"],
                ))
            }
        };
        parsed.map_err(serde::de::Error::custom)
    }
}

model_struct! {
    /// An icon from Feishu's icon library (`standard_icon`).
    ///
    /// ```
    /// use card_core::model::{Color, StandardIcon};
    ///
    /// let icon = StandardIcon::new("chat_outlined").color(Color::Blue);
    /// assert_eq!(icon.token.as_deref(), Some("chat_outlined"));
    /// ```
    pub struct StandardIcon {
        /// Always `standard_icon`.
        tag: StandardIconTag,
        /// The icon's token, such as `chat_outlined`.
        #[attr(kind(Kind::Str))]
        token: Option<Cow<'static, str>>,
        /// Colour (for tokens ending in `outlined` or `filled`).
        #[attr(kind(Kind::Color))]
        color: Option<Color>,
        /// An uploaded image key.
        #[attr(kind(Kind::Str).history("official examples set it on standard icons"))]
        img_key: Option<Cow<'static, str>>,
        /// The image key per language.
        #[attr(kind(LOCALE_STR).history("official examples set it on standard icons"))]
        i18n_img_key: Option<I18n<Cow<'static, str>>>,
        /// Size (collapsible panel icons).
        #[attr(kind(Kind::PixelPair { min: 1, max: 999 })
            .lenient()
            .note("documented on collapsible panel icons; accepted on every icon"))]
        size: Option<IconSize>,
    }
}

impl StandardIcon {
    /// The library icon with this token.
    pub fn new(token: impl Into<Cow<'static, str>>) -> Self {
        StandardIcon {
            token: Some(token.into()),
            ..Default::default()
        }
    }
}

model_struct! {
    /// An uploaded image used as an icon (`custom_icon`).
    pub struct CustomIcon {
        /// Always `custom_icon`.
        tag: CustomIconTag,
        /// The uploaded image key.
        #[attr(kind(Kind::Str))]
        img_key: Option<Cow<'static, str>>,
        /// The image key per language.
        #[attr(kind(LOCALE_STR))]
        i18n_img_key: Option<I18n<Cow<'static, str>>>,
        /// A library token (meaningful on `standard_icon`; kept as written).
        #[attr(kind(Kind::Str).history("ignored on custom icons; tolerated"))]
        token: Option<Cow<'static, str>>,
        /// Colour.
        #[attr(kind(Kind::Color).history("ignored on custom icons; tolerated"))]
        color: Option<Color>,
        /// Size (collapsible panel icons).
        #[attr(kind(Kind::PixelPair { min: 1, max: 999 }).lenient())]
        size: Option<IconSize>,
    }
}

impl CustomIcon {
    /// The uploaded image with this key.
    pub fn new(img_key: impl Into<Cow<'static, str>>) -> Self {
        CustomIcon {
            img_key: Some(img_key.into()),
            ..Default::default()
        }
    }
}

/// An icon: from the library or uploaded.
#[derive(Debug, Clone, PartialEq)]
pub enum Icon {
    /// `standard_icon`.
    StandardIcon(StandardIcon),
    /// `custom_icon`.
    CustomIcon(CustomIcon),
}

impl Icon {
    /// The library icon with this token.
    pub fn standard(token: impl Into<Cow<'static, str>>) -> Self {
        Icon::StandardIcon(StandardIcon::new(token))
    }

    /// The uploaded image with this key.
    pub fn custom(img_key: impl Into<Cow<'static, str>>) -> Self {
        Icon::CustomIcon(CustomIcon::new(img_key))
    }
}

impl Default for Icon {
    fn default() -> Self {
        Icon::StandardIcon(StandardIcon::default())
    }
}

impl From<StandardIcon> for Icon {
    fn from(i: StandardIcon) -> Self {
        Icon::StandardIcon(i)
    }
}

impl From<CustomIcon> for Icon {
    fn from(i: CustomIcon) -> Self {
        Icon::CustomIcon(i)
    }
}

impl Serialize for Icon {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Icon::StandardIcon(i) => i.serialize(serializer),
            Icon::CustomIcon(i) => i.serialize(serializer),
        }
    }
}

impl<'de> Deserialize<'de> for Icon {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let (tag, value) = buffered(deserializer, "an icon object")?;
        let parsed = match tag.as_str() {
            "standard_icon" => StandardIcon::deserialize(value).map(Icon::StandardIcon),
            "custom_icon" => CustomIcon::deserialize(value).map(Icon::CustomIcon),
            other => {
                return Err(unknown_tag(
                    other,
                    "icon",
                    &["standard_icon", "custom_icon"],
                ))
            }
        };
        parsed.map_err(serde::de::Error::custom)
    }
}

model_struct! {
    /// The 1.0 icon of a user list (`person_list.ud_icon`), still accepted.
    pub struct UdIcon {
        /// The icon's token.
        #[attr(kind(Kind::Str))]
        token: Option<Cow<'static, str>>,
        /// Its style.
        #[attr(kind(Kind::Object(UdIconStyle::ATTRS)))]
        style: Option<UdIconStyle>,
    }
}

model_struct! {
    /// Style of a [`UdIcon`].
    pub struct UdIconStyle {
        /// Colour.
        #[attr(kind(Kind::Color))]
        color: Option<Color>,
    }
}

model_struct! {
    /// A tag shown after the header title (`text_tag`).
    ///
    /// ```
    /// use card_core::model::{TextTag, TextTagColor};
    ///
    /// let tag = TextTag::new("P1").color(TextTagColor::Red);
    /// assert_eq!(tag.text.and_then(|t| t.content).as_deref(), Some("P1"));
    /// ```
    pub struct TextTag {
        /// Always `text_tag`.
        tag: TextTagTag,
        /// Id for the element APIs.
        #[attr(ELEMENT_ID)]
        element_id: Option<Cow<'static, str>>,
        /// The label.
        #[attr(kind(TEXT))]
        text: Option<PlainText>,
        /// Colour (default blue).
        #[attr(enum_of(&TextTagColor::ENUM).lenient())]
        color: Option<TextTagColor>,
    }
}

impl TextTag {
    /// A tag with this label.
    pub fn new(text: impl Into<PlainText>) -> Self {
        TextTag {
            text: Some(text.into()),
            ..Default::default()
        }
    }
}

model_struct! {
    /// A confirmation dialog shown before an interaction is sent (`confirm`); the client adds
    /// OK and Cancel.
    pub struct Confirm {
        /// The dialog title (without it old clients may do nothing on click).
        #[attr(kind(TEXT))]
        title: Option<PlainText>,
        /// The dialog text.
        #[attr(kind(TEXT))]
        text: Option<PlainText>,
    }
}

impl Confirm {
    /// A dialog with this title and text.
    pub fn new(title: impl Into<PlainText>, text: impl Into<PlainText>) -> Self {
        Confirm {
            title: Some(title.into()),
            text: Some(text.into()),
            unknown: Unknown::new(),
        }
    }
}

model_struct! {
    /// Links per platform (`multi_url`).
    pub struct MultiUrl {
        /// The default link.
        #[attr(kind(Kind::Str))]
        url: Option<Cow<'static, str>>,
        /// On Android.
        #[attr(kind(Kind::Str))]
        android_url: Option<Cow<'static, str>>,
        /// On iOS.
        #[attr(kind(Kind::Str))]
        ios_url: Option<Cow<'static, str>>,
        /// On PC.
        #[attr(kind(Kind::Str))]
        pc_url: Option<Cow<'static, str>>,
    }
}

impl MultiUrl {
    /// The same link on every platform.
    pub fn new(url: impl Into<Cow<'static, str>>) -> Self {
        MultiUrl {
            url: Some(url.into()),
            ..Default::default()
        }
    }
}

model_struct! {
    /// Opens a link (`{"type": "open_url"}`).
    pub struct OpenUrl {
        /// The link (required).
        #[attr(kind(Kind::Str).required())]
        default_url: Cow<'static, str>,
        /// On Android (`lark://msgcard/unsupported_action` blocks the platform).
        #[attr(kind(Kind::Str))]
        android_url: Option<Cow<'static, str>>,
        /// On iOS.
        #[attr(kind(Kind::Str))]
        ios_url: Option<Cow<'static, str>>,
        /// On PC.
        #[attr(kind(Kind::Str))]
        pc_url: Option<Cow<'static, str>>,
    }
}

model_struct! {
    /// Sends a callback to the bot (`{"type": "callback"}`).
    pub struct Callback {
        /// What the bot receives as `action.value`: free-form JSON, usually an object.
        #[attr(kind(Kind::Json).required())]
        value: Value,
    }
}

model_struct! {
    /// Submits or resets the enclosing form (`{"type": "form_action"}`), the 1.0 way;
    /// 2.0 buttons use `form_action_type`.
    pub struct FormAction {
        /// What it does to the form.
        #[attr(enum_of(&FormActionType::ENUM))]
        behavior: Option<FormActionType>,
    }
}

/// What happens on a click (`behaviors` entries).
///
/// ```
/// use card_core::model::Behavior;
/// use serde_json::json;
///
/// let b = Behavior::callback(json!({"action": "confirm"}));
/// assert_eq!(
///     serde_json::to_value(&b).unwrap(),
///     json!({"type": "callback", "value": {"action": "confirm"}})
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Behavior {
    /// Opens a link.
    OpenUrl(OpenUrl),
    /// Sends a callback.
    Callback(Callback),
    /// Submits or resets the form (1.0).
    FormAction(FormAction),
}

/// The `type` of each kind of behaviour, and the start of its JSON (`{"type":"…"`), from one
/// spelling each; `Behavior`'s derived serde uses the same spellings (`snake_case` of the
/// variant), which a test checks.
macro_rules! behavior_types {
    ($($ty:ident = $json:literal,)*) => {
        $(
            impl $ty {
                #[doc = concat!("The behaviour's `type`: `\"", $json, "\"`.")]
                pub const TYPE: &'static str = $json;
            }
        )*

        impl Behavior {
            /// The start of the behaviour's JSON object, its `type` included.
            pub(crate) fn json_start(&self) -> &'static str {
                match self {
                    $(Behavior::$ty(_) => concat!("{\"type\":\"", $json, "\""),)*
                }
            }
        }
    };
}

behavior_types! {
    OpenUrl = "open_url",
    Callback = "callback",
    FormAction = "form_action",
}

impl Behavior {
    /// Opens this link on every platform.
    pub fn open_url(url: impl Into<Cow<'static, str>>) -> Self {
        Behavior::OpenUrl(OpenUrl {
            default_url: url.into(),
            ..Default::default()
        })
    }

    /// Sends this value to the bot.
    pub fn callback(value: impl Into<Value>) -> Self {
        Behavior::Callback(Callback {
            value: value.into(),
            unknown: Unknown::new(),
        })
    }
}

impl From<OpenUrl> for Behavior {
    fn from(b: OpenUrl) -> Self {
        Behavior::OpenUrl(b)
    }
}

impl From<FormAction> for Behavior {
    fn from(b: FormAction) -> Self {
        Behavior::FormAction(b)
    }
}

impl From<Callback> for Behavior {
    fn from(b: Callback) -> Self {
        Behavior::Callback(b)
    }
}

model_struct! {
    /// A border (`collapsible_panel.border`, `audio.border`).
    pub struct Border {
        /// Colour (default grey).
        #[attr(kind(Kind::Color))]
        color: Option<Color>,
        /// Corner radius.
        #[attr(kind(CORNER_RADIUS).lenient())]
        corner_radius: Option<Length>,
    }
}

model_struct! {
    /// The text an old client shows instead of a component (`{"tag": "fallback_text"}`).
    pub struct FallbackText {
        /// Always `fallback_text`.
        tag: FallbackTextTag,
        /// The text.
        text: PlainText,
    }
}

/// What clients too old for a component show (`audio.fallback`).
#[derive(Debug, Clone, PartialEq)]
pub enum Fallback {
    /// Nothing: `"drop"`.
    Drop,
    /// This text.
    Text(FallbackText),
}

impl Fallback {
    /// The text an old client shows instead of the component.
    ///
    /// ```
    /// use card_core::model::Fallback;
    /// use serde_json::json;
    ///
    /// assert_eq!(
    ///     serde_json::to_value(Fallback::text("Update Feishu to play this")).unwrap(),
    ///     json!({"tag": "fallback_text", "text": {"tag": "plain_text", "content": "Update Feishu to play this"}})
    /// );
    /// ```
    pub fn text(text: impl Into<PlainText>) -> Self {
        Fallback::Text(FallbackText {
            text: text.into(),
            ..Default::default()
        })
    }
}

impl From<FallbackText> for Fallback {
    fn from(text: FallbackText) -> Self {
        Fallback::Text(text)
    }
}

/// `"drop"`, the only fallback written as a string (`fallback="drop"` in `card!`).
///
/// ```
/// use card_core::model::Fallback;
///
/// assert_eq!("drop".parse::<Fallback>(), Ok(Fallback::Drop));
/// assert!("hide".parse::<Fallback>().is_err());
/// ```
impl std::str::FromStr for Fallback {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "drop" => Ok(Fallback::Drop),
            other => Err(format!(
                "unknown fallback `{other}`: write `drop`, or a text with `Fallback::text`"
            )),
        }
    }
}

impl Serialize for Fallback {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Fallback::Drop => serializer.serialize_str("drop"),
            Fallback::Text(t) => t.serialize(serializer),
        }
    }
}

impl<'de> Deserialize<'de> for Fallback {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        match Value::deserialize(deserializer)? {
            Value::String(s) if s == "drop" => Ok(Fallback::Drop),
            Value::String(s) => Err(D::Error::custom(format!(
                "unknown fallback `{s}`: expected `drop` or a `fallback_text` object"
            ))),
            value => FallbackText::deserialize(value)
                .map(Fallback::Text)
                .map_err(D::Error::custom),
        }
    }
}
