//! An HTML preview of a card: one self-contained page that looks like the card in the Feishu
//! client.
//!
//! [`render`] gives a whole HTML document (inline CSS, no external resource, no script: folding
//! panels are `<details>`); [`render_fragment`] gives only the card's markup, to be placed in a
//! page that includes [`STYLESHEET`]. [`Options`] choose the page title, the language of
//! multi-language texts and the card width.
//!
//! What the preview shows:
//!
//! - the header with its colour template, icon, title, subtitle and (the first three) tags;
//! - column layouts with their widths and weights, spacing, alignment and backgrounds; forms,
//!   clickable containers and folding panels (open when `expanded`);
//! - text with its size, colour, alignment and line limit; markdown and `lark_md`, Feishu's tags
//!   included (`<font color>`, `<at>`, `<text_tag>`, `<link>`, …);
//! - buttons by type and size, inputs, drop-down menus (their options in a menu that opens on
//!   click), user pickers, date and time pickers, check boxes, image pickers, "…" menus;
//! - tables with their columns, a page of rows and typed cells (numbers formatted, options as
//!   coloured tags, users, dates);
//! - what cannot be drawn without Feishu (images, charts, avatars, audio) as labelled
//!   placeholders.
//!
//! Every text of the card is escaped; lengths and colours reach the CSS only when they are
//! lengths and colours, and links only with a harmless scheme (`http`, `https`, `mailto`,
//! `tel`, `lark`). A preview of any card, however hostile, is inert HTML.
//!
//! ```
//! use card_core::model::*;
//! use card_core::preview::{self, Options};
//!
//! let card = Card::new()
//!     .header(Header::new("Deploy finished").template(HeaderTemplate::Green))
//!     .element(Markdown::new("**api** is live on <font color='green'>prod</font>."))
//!     .element(Button::new("Open").r#type(ButtonType::PrimaryFilled).open_url("https://example.com"));
//!
//! let page = preview::render(&card);
//! assert!(page.starts_with("<!DOCTYPE html>"));
//! assert!(page.contains("Deploy finished"));
//! assert!(page.contains("<strong>api</strong>"));
//!
//! let compact = preview::render_with(&card, &Options::new().title("Deploy").width(WidthMode::Compact));
//! assert!(compact.contains("<title>Deploy</title>"));
//! ```

use std::borrow::Cow;
use std::fmt::Write;

use crate::model::{Card, I18n, Locale, WidthMode};

mod components;
mod html;
mod icons;
mod markdown;
mod palette;

/// The CSS every preview uses: [`render`] inlines it; a page that shows
/// [`render_fragment`]s includes it once in a `<style>` element.
pub const STYLESHEET: &str = include_str!("style.css");

/// How a card is previewed.
///
/// ```
/// use card_core::model::{Locale, WidthMode};
/// use card_core::preview::Options;
///
/// let options = Options::new()
///     .title("Weekly report")
///     .locale(Locale::EnUs)
///     .width(WidthMode::Compact);
/// assert_eq!(options.width_px(), Some(400));
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct Options {
    /// The page title; by default the card's header title, or "Card preview".
    pub title: Option<String>,
    /// The language whose `i18n_*` texts are shown; without one (or where a text has no
    /// translation in it), `content` is shown, then Simplified Chinese, then English, then any
    /// translation there is.
    pub locale: Option<Locale>,
    /// The card width; by default the card's own `config.width_mode`.
    pub width: Option<WidthMode>,
}

impl Options {
    /// The default options: the card's own width, its default texts.
    pub fn new() -> Self {
        Options::default()
    }

    /// Sets the page title.
    #[must_use]
    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.title = Some(title.into());
        self
    }

    /// Shows the texts of this language.
    #[must_use]
    pub fn locale(mut self, locale: Locale) -> Self {
        self.locale = Some(locale);
        self
    }

    /// Draws the card this wide, whatever its `config.width_mode`.
    #[must_use]
    pub fn width(mut self, width: WidthMode) -> Self {
        self.width = Some(width);
        self
    }

    /// The width in pixels the card is drawn at under these options alone: Feishu's 600 px
    /// (`default`) or 400 px (`compact`); `None` for `fill` (the whole page) or when the card's
    /// own setting decides.
    pub fn width_px(&self) -> Option<u32> {
        self.width.as_ref().and_then(width_px)
    }
}

fn width_px(mode: &WidthMode) -> Option<u32> {
    match mode {
        WidthMode::Default => Some(600),
        WidthMode::Compact => Some(400),
        WidthMode::Fill => None,
    }
}

/// What every part of a rendering needs: the card (its custom colours and sizes) and the
/// options (the language).
pub(crate) struct Ctx<'a> {
    pub(crate) card: &'a Card,
    pub(crate) options: &'a Options,
}

impl<'a> Ctx<'a> {
    pub(crate) fn new(card: &'a Card, options: &'a Options) -> Self {
        Ctx { card, options }
    }

    /// The text to show of a multi-language value: the chosen language's, else `content`, else
    /// a translation.
    pub(crate) fn pick<'t>(
        &self,
        content: Option<&'t str>,
        translations: &[Option<&'t I18n<Cow<'static, str>>>],
    ) -> &'t str {
        if let Some(locale) = &self.options.locale {
            for map in translations.iter().flatten() {
                if let Some(text) = map.get(locale) {
                    return text;
                }
            }
        }
        if let Some(text) = content.filter(|t| !t.is_empty()) {
            return text;
        }
        for map in translations.iter().flatten() {
            let preferred = [Locale::ZhCn, Locale::EnUs]
                .iter()
                .find_map(|l| map.get(l))
                .or_else(|| map.values().next());
            if let Some(text) = preferred {
                return text;
            }
        }
        content.unwrap_or("")
    }

    /// How `<at id=all>` reads in the chosen language.
    pub(crate) fn everyone(&self) -> &'static str {
        match self.options.locale {
            Some(Locale::ZhCn | Locale::ZhHk | Locale::ZhTw) => "所有人",
            _ => "all",
        }
    }
}

/// Renders a card as a whole HTML page with the default [`Options`].
///
/// ```
/// use card_core::model::{Card, Markdown};
///
/// let page = card_core::preview::render(&Card::new().element(Markdown::new("<b>not html</b>")));
/// assert!(page.contains("&lt;b&gt;not html&lt;/b&gt;"));
/// ```
pub fn render(card: &Card) -> String {
    render_with(card, &Options::default())
}

/// Renders a card as a whole HTML page: doctype, title, the [`STYLESHEET`] and the card on a
/// chat-like background.
pub fn render_with(card: &Card, options: &Options) -> String {
    let ctx = Ctx::new(card, options);
    let title = options
        .title
        .clone()
        .or_else(|| components::header_title(&ctx))
        .filter(|t| !t.trim().is_empty())
        .unwrap_or_else(|| "Card preview".to_owned());
    let mut page = String::with_capacity(STYLESHEET.len() + 4096);
    let _ = write!(
        page,
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>\n{}</style>\n</head>\n<body class=\"fc-page\">\n",
        lang(options.locale.as_ref()),
        html::text(&title),
        STYLESHEET
    );
    components::card(&ctx, &mut page);
    page.push_str("\n</body>\n</html>\n");
    page
}

/// Renders only the card's markup (one `<div class="fc-card">`), to be placed in a page that
/// includes [`STYLESHEET`].
///
/// ```
/// use card_core::model::{Card, Hr};
/// use card_core::preview::{render_fragment, Options};
///
/// let html = render_fragment(&Card::new().element(Hr::new()), &Options::new());
/// assert!(html.starts_with("<div class=\"fc-card"));
/// ```
pub fn render_fragment(card: &Card, options: &Options) -> String {
    let mut out = String::new();
    components::card(&Ctx::new(card, options), &mut out);
    out
}

/// Converts Feishu markdown (a `markdown` component's content) to HTML, escaped like the rest
/// of a preview.
///
/// ```
/// let html = card_core::preview::markdown("**hi** <at id=all></at>");
/// assert_eq!(html, "<p><strong>hi</strong> <span class=\"fc-at\">@all</span></p>");
/// ```
pub fn markdown(content: &str) -> String {
    let card = Card::new();
    let options = Options::default();
    markdown::blocks(content, &Ctx::new(&card, &options))
}

fn lang(locale: Option<&Locale>) -> &'static str {
    match locale {
        None | Some(Locale::ZhCn) => "zh-CN",
        Some(Locale::ZhHk) => "zh-HK",
        Some(Locale::ZhTw) => "zh-TW",
        Some(Locale::EnUs) => "en",
        Some(Locale::JaJp) => "ja",
        Some(Locale::IdId) => "id",
        Some(Locale::ViVn) => "vi",
        Some(Locale::ThTh) => "th",
        Some(Locale::PtBr) => "pt-BR",
        Some(Locale::EsEs) => "es",
        Some(Locale::KoKr) => "ko",
        Some(Locale::DeDe) => "de",
        Some(Locale::FrFr) => "fr",
        Some(Locale::ItIt) => "it",
        Some(Locale::RuRu) => "ru",
        Some(Locale::MsMy) => "ms",
    }
}
