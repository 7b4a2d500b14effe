//! The top level of a card: `schema`, `config`, `card_link`, `header`, `body`.

use std::borrow::Cow;
use std::collections::BTreeMap;

use super::common::*;
use super::values::*;
use super::BodyElement;
use super::Unknown;
use crate::registry::kinds::*;
use crate::registry::rule::*;
use crate::registry::{Format, Kind, LOCALES, TEXT_TAG};

/// A count or a duration: any non-negative number (no range is documented).
const NON_NEGATIVE: Kind = Kind::Number {
    min: 0.0,
    max: f64::MAX,
};

/// A list of header tags.
const TEXT_TAGS: Kind = Kind::List(&Kind::Tagged(&[&TEXT_TAG]));

model_struct! {
    /// A Card JSON 2.0 card.
    ///
    /// Build one in Rust with the chained setters, or read one with [`Card::from_json`],
    /// [`Card::from_slice`] or [`Card::from_value`], which recognise 1.0 cards and report every
    /// problem with its place.
    ///
    /// ```
    /// use card_core::model::{Button, ButtonType, Card, Header, HeaderTemplate, Markdown};
    /// use serde_json::json;
    ///
    /// let card = Card::new()
    ///     .header(Header::new("Deploy finished").template(HeaderTemplate::Green))
    ///     .element(Markdown::new("**api** is live on prod."))
    ///     .element(Button::new("Open").r#type(ButtonType::Primary).open_url("https://example.com"));
    ///
    /// assert_eq!(card.to_value(), json!({
    ///     "schema": "2.0",
    ///     "header": {
    ///         "title": {"tag": "plain_text", "content": "Deploy finished"},
    ///         "template": "green"
    ///     },
    ///     "body": {"elements": [
    ///         {"tag": "markdown", "content": "**api** is live on prod."},
    ///         {"tag": "button", "type": "primary",
    ///          "text": {"tag": "plain_text", "content": "Open"},
    ///          "behaviors": [{"type": "open_url", "default_url": "https://example.com"}]}
    ///     ]}
    /// }));
    /// ```
    pub struct Card {
        /// The format version; always `"2.0"`.
        #[attr(enum_of(&Schema::ENUM))]
        schema: Schema,
        /// Card-wide behaviour.
        #[attr(kind(Kind::Object(Config::ATTRS)))]
        config: Option<Config>,
        /// Link opened by a click anywhere on the card.
        #[attr(kind(Kind::Object(CardLink::ATTRS)))]
        card_link: Option<CardLink>,
        /// The title bar.
        #[attr(kind(Kind::Object(Header::ATTRS)))]
        header: Option<Header>,
        /// The content.
        #[attr(kind(Kind::Object(Body::ATTRS)))]
        body: Option<Body>,
        /// The 1.0 downgrade rule for old clients: not part of 2.0, kept as written so that
        /// nothing is lost (the validator warns about it).
        #[attr(kind(Kind::Json).legacy(
            LEGACY_PROPERTY,
            "2.0 has no card-wide fallback rule (the release notes say it is not supported \
             yet, an official 2.0 example still sends `{}`): drop it",
        ))]
        fallback: Option<serde_json::Value>,
        /// The 1.0 card-wide header translations: not part of 2.0, kept as written (the
        /// validator warns about it).
        #[attr(kind(Kind::Locales(&Kind::Object(Header::ATTRS))).legacy(
            LEGACY_PROPERTY,
            "2.0 has no card-wide translations (2.0 release notes, multi-language page): give \
             the header's `title` and `subtitle` an `i18n_content`; tolerated because the 2.0 \
             column-set page's own sample card sends it (unconfirmed whether Feishu renders it)",
        ))]
        i18n_header: Option<I18n<Header>>,
    }
}

impl Card {
    /// An empty card: `{"schema": "2.0"}`.
    pub fn new() -> Self {
        Card::default()
    }

    /// Adds a component at the end of the body.
    #[must_use]
    pub fn element(mut self, element: impl Into<BodyElement>) -> Self {
        self.body
            .get_or_insert_with(Body::default)
            .elements
            .get_or_insert_with(Vec::new)
            .push(element.into());
        self
    }
}

model_struct! {
    /// Card-wide behaviour (`config`).
    pub struct Config {
        /// Whether the card is being streamed (CardKit).
        #[attr(kind(Kind::Bool))]
        streaming_mode: Option<bool>,
        /// Typewriter settings of streaming.
        #[attr(kind(Kind::Object(StreamingConfig::ATTRS)))]
        streaming_config: Option<StreamingConfig>,
        /// Preview text in the chat list.
        #[attr(kind(Kind::Object(Summary::ATTRS)))]
        summary: Option<Summary>,
        /// The only languages that take effect.
        #[attr(kind(Kind::List(&Kind::Enum(LOCALES))).lenient())]
        locales: Option<Vec<Locale>>,
        /// Whether the card may be forwarded (must be `false` with `audio`).
        #[attr(kind(Kind::Bool))]
        enable_forward: Option<bool>,
        /// Whether the card is shared by everyone who sees it (2.0 accepts only `true`).
        #[attr(kind(Kind::Bool))]
        update_multi: Option<bool>,
        /// Card width.
        #[attr(enum_of(&WidthMode::ENUM))]
        width_mode: Option<WidthMode>,
        /// Whether the card's own translations are used.
        #[attr(kind(Kind::Bool))]
        use_custom_translation: Option<bool>,
        /// Whether forwarded copies keep their callbacks.
        #[attr(kind(Kind::Bool))]
        enable_forward_interaction: Option<bool>,
        /// Custom text sizes and colours.
        #[attr(kind(Kind::Object(Style::ATTRS)))]
        style: Option<Style>,
        /// The 1.0 wide-screen switch: not part of 2.0, still sent by live bots, kept so that
        /// nothing written is lost (the validator warns about it).
        #[attr(kind(Kind::Bool).legacy(
            LEGACY_CONFIG_KEY,
            "2.0 cards are wide by default; use `width_mode` to change the width",
        ))]
        wide_screen_mode: Option<bool>,
        /// The 1.0 compact-width switch, kept like `wide_screen_mode`.
        #[attr(kind(Kind::Bool).legacy(LEGACY_CONFIG_KEY, "use `width_mode: \"compact\"`"))]
        compact_width: Option<bool>,
    }
}

impl Config {
    /// An empty configuration.
    pub fn new() -> Self {
        Config::default()
    }
}

model_struct! {
    /// Typewriter settings of a streamed card (`config.streaming_config`).
    pub struct StreamingConfig {
        /// Milliseconds between steps.
        #[attr(kind(Kind::Object(PerPlatform::ATTRS)).note("no documented range"))]
        print_frequency_ms: Option<PerPlatform>,
        /// Characters per step.
        #[attr(kind(Kind::Object(PerPlatform::ATTRS)).note("no documented range"))]
        print_step: Option<PerPlatform>,
        /// How new content is caught up with.
        #[attr(enum_of(&PrintStrategy::ENUM))]
        print_strategy: Option<PrintStrategy>,
    }
}

model_struct! {
    /// A number per platform, with a default.
    pub struct PerPlatform {
        /// For platforms not listed.
        #[attr(kind(NON_NEGATIVE).required())]
        default: Number,
        /// On Android.
        #[attr(kind(NON_NEGATIVE))]
        android: Option<Number>,
        /// On iOS.
        #[attr(kind(NON_NEGATIVE))]
        ios: Option<Number>,
        /// On PC.
        #[attr(kind(NON_NEGATIVE))]
        pc: Option<Number>,
    }
}

impl PerPlatform {
    /// The same number everywhere.
    pub fn new(default: impl Into<Number>) -> Self {
        PerPlatform {
            default: default.into(),
            ..Default::default()
        }
    }
}

model_struct! {
    /// Preview text in the chat list (`config.summary`).
    pub struct Summary {
        /// The text.
        #[attr(kind(Kind::Str))]
        content: Option<Cow<'static, str>>,
        /// The text per language.
        #[attr(kind(LOCALE_STR))]
        i18n_content: Option<I18n<Cow<'static, str>>>,
    }
}

impl Summary {
    /// A summary with this text.
    pub fn new(content: impl Into<Cow<'static, str>>) -> Self {
        Summary {
            content: Some(content.into()),
            ..Default::default()
        }
    }
}

model_struct! {
    /// Custom text sizes and colours, usable by name in the card (`config.style`).
    ///
    /// ```
    /// use card_core::model::{Color, Style, TextSize, TextSizeStyle};
    ///
    /// let style = Style::default()
    ///     .define_color("brand", "rgba(5,157,178,0.52)", "rgba(78,23,108,0.49)")
    ///     .define_text_size("body", TextSizeStyle::new(TextSize::Normal, TextSize::Heading));
    /// assert!(style.color.unwrap().contains_key("brand"));
    /// ```
    pub struct Style {
        /// Custom text sizes by name.
        #[attr(kind(Kind::Map(&Kind::Object(TextSizeStyle::ATTRS))))]
        text_size: Option<BTreeMap<Cow<'static, str>, TextSizeStyle>>,
        /// Custom colours by name.
        #[attr(kind(Kind::Map(&Kind::Object(ColorStyle::ATTRS))))]
        color: Option<BTreeMap<Cow<'static, str>, ColorStyle>>,
    }
}

impl Style {
    /// Defines a colour usable as `Color::Custom(name)`.
    #[must_use]
    pub fn define_color(
        mut self,
        name: impl Into<Cow<'static, str>>,
        light_mode: impl Into<Cow<'static, str>>,
        dark_mode: impl Into<Cow<'static, str>>,
    ) -> Self {
        self.color.get_or_insert_with(BTreeMap::new).insert(
            name.into(),
            ColorStyle {
                light_mode: Some(light_mode.into()),
                dark_mode: Some(dark_mode.into()),
                unknown: Unknown::new(),
            },
        );
        self
    }

    /// Defines a text size usable as `TextSize::Custom(name)`.
    #[must_use]
    pub fn define_text_size(
        mut self,
        name: impl Into<Cow<'static, str>>,
        size: TextSizeStyle,
    ) -> Self {
        self.text_size
            .get_or_insert_with(BTreeMap::new)
            .insert(name.into(), size);
        self
    }
}

model_struct! {
    /// A custom text size: a size per platform.
    pub struct TextSizeStyle {
        /// For clients that cannot tell platforms apart.
        #[attr(kind(Kind::TextSize))]
        default: Option<TextSize>,
        /// On PC.
        #[attr(kind(Kind::TextSize))]
        pc: Option<TextSize>,
        /// On mobile.
        #[attr(kind(Kind::TextSize))]
        mobile: Option<TextSize>,
    }
}

impl TextSizeStyle {
    /// `pc` on PC and `mobile` on mobile (and `pc` on old clients).
    pub fn new(pc: TextSize, mobile: TextSize) -> Self {
        TextSizeStyle {
            default: Some(pc.clone()),
            pc: Some(pc),
            mobile: Some(mobile),
            unknown: Unknown::new(),
        }
    }
}

model_struct! {
    /// A custom colour: an `rgba(r,g,b,a)` per theme. Both are expected (a colour without one
    /// is a `style.color-incomplete` warning), neither is required to read a card.
    pub struct ColorStyle {
        /// In light mode.
        #[attr(kind(Kind::Format(Format::Rgba)).lenient().note(
            "one `rgba(…)` value per client theme (2.0 structure page, `config` table; colour \
             page, custom colours): a colour without one of the two is a \
             `style.color-incomplete` warning; no page says what another spelling does, so it \
             is a warning",
        ))]
        light_mode: Option<Cow<'static, str>>,
        /// In dark mode.
        #[attr(kind(Kind::Format(Format::Rgba))
            .lenient()
            .note("the counterpart of `light_mode`"))]
        dark_mode: Option<Cow<'static, str>>,
    }
}

model_struct! {
    /// The link a click anywhere on the card opens (`card_link`): `url`, or all three platform
    /// links.
    pub struct CardLink {
        /// The default link.
        #[attr(kind(Kind::Str))]
        url: Option<Cow<'static, str>>,
        /// On PC.
        #[attr(kind(Kind::Str))]
        pc_url: Option<Cow<'static, str>>,
        /// On iOS.
        #[attr(kind(Kind::Str))]
        ios_url: Option<Cow<'static, str>>,
        /// On Android.
        #[attr(kind(Kind::Str))]
        android_url: Option<Cow<'static, str>>,
    }
}

impl CardLink {
    /// The same link on every platform.
    pub fn new(url: impl Into<Cow<'static, str>>) -> Self {
        CardLink {
            url: Some(url.into()),
            ..Default::default()
        }
    }
}

model_struct! {
    /// The title bar (`header`).
    ///
    /// ```
    /// use card_core::model::{Header, HeaderTemplate, TextTag, TextTagColor};
    ///
    /// let header = Header::new("Incident")
    ///     .subtitle("api / prod")
    ///     .template(HeaderTemplate::Red)
    ///     .text_tag(TextTag::new("P1").color(TextTagColor::Red));
    /// assert_eq!(header.text_tag_list.map(|t| t.len()), Some(1));
    /// ```
    pub struct Header {
        /// The title.
        #[attr(kind(RICH_TEXT)
            .note("required per the table, but a subtitle alone is shown as title: optional"))]
        title: Option<Text>,
        /// The line under the title.
        #[attr(kind(RICH_TEXT))]
        subtitle: Option<Text>,
        /// Tags after the title (three are shown).
        #[attr(kind(TEXT_TAGS))]
        text_tag_list: Option<Vec<TextTag>>,
        /// Tags per language (wins over `text_tag_list`).
        #[attr(kind(Kind::Locales(&TEXT_TAGS)))]
        i18n_text_tag_list: Option<I18n<Vec<TextTag>>>,
        /// Colour theme.
        #[attr(enum_of(&HeaderTemplate::ENUM).lenient())]
        template: Option<HeaderTemplate>,
        /// Icon before the title.
        #[attr(kind(ICON))]
        icon: Option<Icon>,
        /// Inner padding.
        #[attr(PADDING_ATTR)]
        padding: Option<Edges>,
    }
}

impl Header {
    /// A header with this title.
    pub fn new(title: impl Into<Text>) -> Self {
        Header {
            title: Some(title.into()),
            ..Default::default()
        }
    }

    /// Adds a tag after the title.
    #[must_use]
    pub fn text_tag(mut self, tag: TextTag) -> Self {
        self.text_tag_list.get_or_insert_with(Vec::new).push(tag);
        self
    }
}

model_struct! {
    /// The content of the card (`body`): its components and their layout.
    pub struct Body {
        /// Layout direction.
        #[attr(enum_of(&Direction::ENUM))]
        direction: Option<Direction>,
        /// Inner padding.
        #[attr(PADDING_ATTR)]
        padding: Option<Edges>,
        /// Gap between components laid out horizontally.
        #[attr(kind(SPACING).lenient())]
        horizontal_spacing: Option<Spacing>,
        /// Gap between components laid out vertically.
        #[attr(kind(SPACING).lenient())]
        vertical_spacing: Option<Spacing>,
        /// Horizontal alignment.
        #[attr(enum_of(&HorizontalAlign::ENUM))]
        horizontal_align: Option<HorizontalAlign>,
        /// Vertical alignment.
        #[attr(enum_of(&VerticalAlign::ENUM))]
        vertical_align: Option<VerticalAlign>,
        /// The components, in order.
        #[attr(kind(Kind::Elements))]
        elements: Option<Vec<BodyElement>>,
    }
}

impl Body {
    /// An empty body.
    pub fn new() -> Self {
        Body::default()
    }

    /// Adds a component.
    #[must_use]
    pub fn element(mut self, element: impl Into<BodyElement>) -> Self {
        self.elements
            .get_or_insert_with(Vec::new)
            .push(element.into());
        self
    }
}
