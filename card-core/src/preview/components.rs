//! The HTML of each part of a card.
//!
//! Every component is wrapped in `<div class="fc-el fc-{tag}">`, its tag taken from the model;
//! what a component cannot show without Feishu (images, charts, avatars, audio) becomes a
//! labelled placeholder whose label is the registry's summary of the component.

use std::fmt::Write;

use serde::Deserialize;
use serde_json::Value;

use crate::model::*;
use crate::registry;

use super::html;
use super::markdown;
use super::palette;
use super::Ctx;

/// CSS declarations collected for one `style` attribute.
#[derive(Default)]
struct Css(String);

impl Css {
    fn set(&mut self, property: &str, value: impl AsRef<str>) -> &mut Self {
        let _ = write!(self.0, "{property}:{};", value.as_ref());
        self
    }

    fn set_opt(&mut self, property: &str, value: Option<impl AsRef<str>>) -> &mut Self {
        if let Some(value) = value {
            self.set(property, value);
        }
        self
    }

    /// ` style="…"`, or nothing.
    fn attr(&self) -> String {
        if self.0.is_empty() {
            String::new()
        } else {
            format!(" style=\"{}\"", html::attr(&self.0))
        }
    }
}

/// The CSS of a spacing token or length.
fn spacing(s: &Spacing) -> Option<String> {
    match s {
        Spacing::Small => Some("4px".into()),
        Spacing::Medium | Spacing::Default => Some("8px".into()),
        Spacing::Large => Some("12px".into()),
        Spacing::ExtraLarge => Some("16px".into()),
        Spacing::Px(n) => Some(format!("{n}px")),
        Spacing::Custom(s) => html::length(s),
    }
}

fn edges(e: Option<&Edges>) -> Option<String> {
    e.and_then(|e| html::lengths(e.as_str()))
}

fn widget_width(w: Option<&Width>) -> Option<String> {
    match w? {
        Width::Default => None,
        Width::Fill => Some("100%".into()),
        Width::Px(n) => Some(format!("{n}px")),
        Width::Custom(s) => html::length(s),
    }
}

fn align(a: &HorizontalAlign) -> &'static str {
    match a {
        HorizontalAlign::Left => "flex-start",
        HorizontalAlign::Center => "center",
        HorizontalAlign::Right => "flex-end",
    }
}

fn valign(a: &VerticalAlign) -> &'static str {
    match a {
        VerticalAlign::Top => "flex-start",
        VerticalAlign::Center => "center",
        VerticalAlign::Bottom => "flex-end",
    }
}

/// The layout fields every container has.
struct Layout<'a> {
    direction: Option<&'a Direction>,
    horizontal_spacing: Option<&'a Spacing>,
    vertical_spacing: Option<&'a Spacing>,
    horizontal_align: Option<&'a HorizontalAlign>,
    vertical_align: Option<&'a VerticalAlign>,
    padding: Option<&'a Edges>,
}

macro_rules! layout_of {
    ($c:expr) => {
        Layout {
            direction: $c.direction.as_ref(),
            horizontal_spacing: $c.horizontal_spacing.as_ref(),
            vertical_spacing: $c.vertical_spacing.as_ref(),
            horizontal_align: $c.horizontal_align.as_ref(),
            vertical_align: $c.vertical_align.as_ref(),
            padding: $c.padding.as_ref(),
        }
    };
}

impl Layout<'_> {
    /// Flex layout of the children: a column with `vertical_spacing` between them, or a
    /// wrapping row with `horizontal_spacing`.
    fn css(&self, css: &mut Css, default_gap: &str) {
        css.set("display", "flex");
        if matches!(self.direction, Some(Direction::Horizontal)) {
            css.set("flex-direction", "row").set("flex-wrap", "wrap");
            css.set(
                "gap",
                self.horizontal_spacing
                    .and_then(spacing)
                    .unwrap_or_else(|| "8px".into()),
            );
            css.set_opt("justify-content", self.horizontal_align.map(align));
            css.set_opt("align-items", self.vertical_align.map(valign));
        } else {
            css.set("flex-direction", "column");
            css.set(
                "gap",
                self.vertical_spacing
                    .and_then(spacing)
                    .unwrap_or_else(|| default_gap.into()),
            );
            if let Some(a) = self.horizontal_align {
                if !matches!(a, HorizontalAlign::Left) {
                    css.set("align-items", align(a));
                    css.set(
                        "text-align",
                        if matches!(a, HorizontalAlign::Center) {
                            "center"
                        } else {
                            "right"
                        },
                    );
                }
            }
            css.set_opt("justify-content", self.vertical_align.map(valign));
        }
        css.set_opt("padding", edges(self.padding));
    }
}

// ---------------------------------------------------------------------------------------------
// Text

fn plain_str<'t>(ctx: &Ctx<'_>, t: &'t PlainText) -> &'t str {
    ctx.pick(
        t.content.as_deref(),
        &[t.i18n_content.as_ref(), t.i18n.as_ref()],
    )
}

fn lark_str<'t>(ctx: &Ctx<'_>, t: &'t LarkMd) -> &'t str {
    ctx.pick(
        t.content.as_deref(),
        &[t.i18n_content.as_ref(), t.i18n.as_ref()],
    )
}

fn text_str<'t>(ctx: &Ctx<'_>, t: &'t Text) -> &'t str {
    match t {
        Text::PlainText(p) => plain_str(ctx, p),
        Text::LarkMd(m) => lark_str(ctx, m),
    }
}

/// Escaped plain text, its newlines kept.
fn push_plain(s: &str, out: &mut String) {
    for (i, line) in s.split('\n').enumerate() {
        if i > 0 {
            out.push_str("<br>");
        }
        out.push_str(&html::text(line));
    }
}

fn plain_opt(ctx: &Ctx<'_>, t: Option<&PlainText>) -> String {
    let mut out = String::new();
    if let Some(t) = t {
        push_plain(plain_str(ctx, t), &mut out);
    }
    out
}

/// The styling fields a text object carries.
fn text_css(
    ctx: &Ctx<'_>,
    css: &mut Css,
    size: Option<&TextSize>,
    color: Option<&Color>,
    align: Option<&TextAlign>,
    lines: Option<u32>,
) {
    if let Some(size) = size {
        let px = palette::text_size(ctx.card, size);
        css.set("font-size", format!("{px}px"));
        css.set("line-height", format!("{}px", px * 3 / 2));
    }
    css.set_opt("color", color.and_then(|c| palette::color(ctx.card, c)));
    css.set_opt("text-align", align.map(TextAlign::as_str));
    if let Some(n) = lines.filter(|n| *n > 0) {
        css.set("display", "-webkit-box")
            .set("-webkit-box-orient", "vertical")
            .set("-webkit-line-clamp", n.to_string())
            .set("overflow", "hidden");
    }
}

/// A text object (`plain_text` or `lark_md`) with its own styling.
fn text_obj(ctx: &Ctx<'_>, t: &Text, class: &str, out: &mut String) {
    let mut css = Css::default();
    let (size, color, align, lines) = match t {
        Text::PlainText(p) => (&p.text_size, &p.text_color, &p.text_align, p.lines),
        Text::LarkMd(m) => (&m.text_size, &m.text_color, &m.text_align, m.lines),
    };
    text_css(
        ctx,
        &mut css,
        size.as_ref(),
        color.as_ref(),
        align.as_ref(),
        lines,
    );
    let _ = write!(out, "<div class=\"{class}\"{}>", css.attr());
    match t {
        Text::PlainText(p) => push_plain(plain_str(ctx, p), out),
        Text::LarkMd(m) => out.push_str(&markdown::inline(lark_str(ctx, m), ctx)),
    }
    out.push_str("</div>");
}

fn icon(ctx: &Ctx<'_>, icon: &Icon, out: &mut String) {
    let (token, color, img) = match icon {
        Icon::StandardIcon(i) => (i.token.as_deref(), i.color.as_ref(), i.img_key.as_deref()),
        Icon::CustomIcon(i) => (i.token.as_deref(), i.color.as_ref(), i.img_key.as_deref()),
    };
    let mut css = Css::default();
    css.set_opt("color", color.and_then(|c| palette::color(ctx.card, c)));
    let label = token.or(img).unwrap_or("icon");
    let class = if img.is_some() && token.is_none() {
        "fc-icon fc-icon-img"
    } else {
        "fc-icon"
    };
    let _ = write!(
        out,
        "<span class=\"{class}\" title=\"{}\"{}></span>",
        html::attr(label),
        css.attr()
    );
}

// ---------------------------------------------------------------------------------------------
// The card

/// The header title as plain text, for the page title.
pub(crate) fn header_title(ctx: &Ctx<'_>) -> Option<String> {
    let title = ctx.card.header.as_ref()?.title.as_ref()?;
    Some(text_str(ctx, title).to_owned())
}

pub(crate) fn card(ctx: &Ctx<'_>, out: &mut String) {
    let card = ctx.card;
    let config = card.config.as_ref();
    let mode = ctx
        .options
        .width
        .or_else(|| config.and_then(|c| c.width_mode))
        .unwrap_or(WidthMode::Default);
    let mut css = Css::default();
    match super::width_px(&mode) {
        Some(px) => css.set("width", format!("{px}px")),
        None => css.set("width", "auto"),
    };
    let _ = write!(
        out,
        "<div class=\"fc-card fc-width-{}\"{}>",
        mode.as_str(),
        css.attr()
    );
    if let Some(header) = &card.header {
        self::header(ctx, header, out);
    }
    let body = card.body.as_ref();
    let mut css = Css::default();
    match body {
        Some(b) => layout_of!(b).css(&mut css, "12px"),
        None => {
            css.set("display", "flex").set("flex-direction", "column");
        }
    }
    let _ = write!(out, "<div class=\"fc-body\"{}>", css.attr());
    for element in body.and_then(|b| b.elements.as_ref()).into_iter().flatten() {
        body_element(ctx, element, out);
    }
    out.push_str("</div>");
    if let Some(link) = &card.card_link {
        let url = [&link.url, &link.pc_url, &link.ios_url, &link.android_url]
            .into_iter()
            .find_map(|u| u.as_deref().and_then(html::safe_url));
        if let Some(url) = url {
            let _ = write!(
                out,
                "<div class=\"fc-cardlink\" title=\"{}\">↗ {}</div>",
                html::attr(url),
                html::text(url)
            );
        }
    }
    out.push_str("</div>");
}

fn header(ctx: &Ctx<'_>, header: &Header, out: &mut String) {
    let template = header
        .template
        .as_ref()
        .map_or("default", HeaderTemplate::as_str);
    let (background, title_color) = palette::header(template);
    let mut css = Css::default();
    css.set("background", &background);
    css.set_opt("padding", edges(header.padding.as_ref()));
    let _ = write!(
        out,
        "<div class=\"fc-header fc-template-{template}\"{}><div class=\"fc-title-row\">",
        css.attr()
    );
    if let Some(i) = &header.icon {
        icon(ctx, i, out);
    }
    if let Some(title) = &header.title {
        let mut wrapper = Css::default();
        wrapper.set("color", &title_color);
        let _ = write!(out, "<div class=\"fc-title\"{}>", wrapper.attr());
        text_obj(ctx, title, "fc-title-text", out);
        out.push_str("</div>");
    }
    let tags = ctx
        .options
        .locale
        .as_ref()
        .and_then(|l| header.i18n_text_tag_list.as_ref()?.get(l))
        .or(header.text_tag_list.as_ref())
        .or_else(|| header.i18n_text_tag_list.as_ref()?.values().next());
    // The client shows the first three tags.
    for tag in tags.into_iter().flatten().take(3) {
        text_tag(ctx, tag, out);
    }
    out.push_str("</div>");
    if let Some(subtitle) = &header.subtitle {
        text_obj(ctx, subtitle, "fc-subtitle", out);
    }
    out.push_str("</div>");
}

fn text_tag(ctx: &Ctx<'_>, tag: &TextTag, out: &mut String) {
    let family = tag.color.as_ref().map_or("blue", TextTagColor::as_str);
    let (bg, fg) = palette::tint(family);
    let _ = write!(
        out,
        "<span class=\"fc-tag\" style=\"background:{bg};color:{fg}\">{}</span>",
        plain_opt(ctx, tag.text.as_ref())
    );
}

// ---------------------------------------------------------------------------------------------
// Elements

fn open(out: &mut String, tag: &str, margin: Option<&Edges>, mut css: Css) {
    css.set_opt("margin", edges(margin));
    let _ = write!(out, "<div class=\"fc-el fc-{tag}\"{}>", css.attr());
}

/// A component the model does not know: a visible box that names its tag, since how Feishu
/// draws it is not known here.
fn unknown_element(tag: &str, out: &mut String) {
    let _ = write!(
        out,
        "<div class=\"fc-el fc-unknown\" data-tag=\"{}\">unknown component <code>{}</code></div>",
        html::attr(tag),
        html::text(tag)
    );
}

fn body_element(ctx: &Ctx<'_>, element: &BodyElement, out: &mut String) {
    match element {
        BodyElement::Form(f) => form(ctx, f, out),
        BodyElement::Table(t) => table(ctx, t, out),
        BodyElement::Element(e) => self::element(ctx, e, out),
    }
}

fn elements(ctx: &Ctx<'_>, elements: &[Element], out: &mut String) {
    for e in elements {
        element(ctx, e, out);
    }
}

fn element(ctx: &Ctx<'_>, element: &Element, out: &mut String) {
    match element {
        Element::ColumnSet(c) => column_set(ctx, c, out),
        Element::InteractiveContainer(c) => interactive_container(ctx, c, out),
        Element::CollapsiblePanel(c) => collapsible_panel(ctx, c, out),
        Element::Div(d) => div(ctx, d, out),
        Element::Markdown(m) => markdown_element(ctx, m, out),
        Element::Img(i) => img(ctx, i, out),
        Element::ImgCombination(i) => img_combination(ctx, i, out),
        Element::Person(p) => person(ctx, p, out),
        Element::PersonList(p) => person_list(ctx, p, out),
        Element::Chart(c) => chart(ctx, c, out),
        Element::Hr(h) => {
            open(out, Hr::TAG, h.margin.as_ref(), Css::default());
            out.push_str("<hr class=\"fc-hr\"></div>");
        }
        Element::Audio(a) => audio(ctx, a, out),
        Element::Input(i) => input(ctx, i, out),
        Element::Button(b) => {
            open(out, Button::TAG, b.margin.as_ref(), Css::default());
            button(ctx, b, out);
            out.push_str("</div>");
        }
        Element::Overflow(o) => overflow(ctx, o, out),
        Element::Unknown(u) => unknown_element(&u.tag, out),
        Element::SelectStatic(s) => {
            let initial = s.initial_option.as_deref().or_else(|| {
                let index = s.initial_index?.checked_sub(1)?;
                Some(s.options.as_ref()?.get(index as usize)?.value.as_ref())
            });
            select(
                ctx,
                SelectStatic::TAG,
                s.margin.as_ref(),
                Select {
                    placeholder: s.placeholder.as_ref(),
                    width: s.width.as_ref(),
                    disabled: s.disabled,
                    required: s.required,
                    borderless: matches!(s.r#type, Some(SelectType::Text)),
                    chosen: initial.into_iter().collect(),
                    options: static_options(ctx, s.options.as_deref()),
                },
                out,
            );
        }
        Element::MultiSelectStatic(s) => select(
            ctx,
            MultiSelectStatic::TAG,
            s.margin.as_ref(),
            Select {
                placeholder: s.placeholder.as_ref(),
                width: s.width.as_ref(),
                disabled: s.disabled,
                required: s.required,
                borderless: matches!(s.r#type, Some(SelectType::Text)),
                chosen: s
                    .selected_values
                    .iter()
                    .flatten()
                    .map(|v| v.as_ref())
                    .collect(),
                options: static_options(ctx, s.options.as_deref()),
            },
            out,
        ),
        Element::SelectPerson(s) => select(
            ctx,
            SelectPerson::TAG,
            s.margin.as_ref(),
            Select {
                placeholder: s.placeholder.as_ref(),
                width: s.width.as_ref(),
                disabled: s.disabled,
                required: s.required,
                borderless: matches!(s.r#type, Some(SelectType::Text)),
                chosen: s.initial_option.as_deref().into_iter().collect(),
                options: person_options(s.options.as_deref()),
            },
            out,
        ),
        Element::MultiSelectPerson(s) => select(
            ctx,
            MultiSelectPerson::TAG,
            s.margin.as_ref(),
            Select {
                placeholder: s.placeholder.as_ref(),
                width: s.width.as_ref(),
                disabled: s.disabled,
                required: s.required,
                borderless: matches!(s.r#type, Some(SelectType::Text)),
                chosen: s
                    .selected_values
                    .iter()
                    .flatten()
                    .map(|v| v.as_ref())
                    .collect(),
                options: person_options(s.options.as_deref()),
            },
            out,
        ),
        Element::DatePicker(p) => picker(
            ctx,
            DatePicker::TAG,
            p.margin.as_ref(),
            Picker {
                value: p.initial_date.as_deref(),
                placeholder: p.placeholder.as_ref(),
                width: p.width.as_ref(),
                disabled: p.disabled,
                required: p.required,
                glyph: super::icons::CALENDAR,
            },
            out,
        ),
        Element::PickerTime(p) => picker(
            ctx,
            PickerTime::TAG,
            p.margin.as_ref(),
            Picker {
                value: p.initial_time.as_deref(),
                placeholder: p.placeholder.as_ref(),
                width: p.width.as_ref(),
                disabled: p.disabled,
                required: p.required,
                glyph: super::icons::CLOCK,
            },
            out,
        ),
        Element::PickerDatetime(p) => picker(
            ctx,
            PickerDatetime::TAG,
            p.margin.as_ref(),
            Picker {
                value: p.initial_datetime.as_deref(),
                placeholder: p.placeholder.as_ref(),
                width: p.width.as_ref(),
                disabled: p.disabled,
                required: p.required,
                glyph: super::icons::CALENDAR,
            },
            out,
        ),
        Element::SelectImg(s) => select_img(ctx, s, out),
        Element::Checker(c) => checker(ctx, c, out),
    }
}

// ---------------------------------------------------------------------------------------------
// Containers

fn column_set(ctx: &Ctx<'_>, set: &ColumnSet, out: &mut String) {
    let mut css = Css::default();
    if let Some(bg) = set
        .background_style
        .as_ref()
        .and_then(|c| palette::background(ctx.card, c))
    {
        css.set("background", bg)
            .set("padding", "8px")
            .set("border-radius", "8px");
    }
    open(out, ColumnSet::TAG, set.margin.as_ref(), css);
    let mut row = Css::default();
    row.set(
        "gap",
        set.horizontal_spacing
            .as_ref()
            .and_then(spacing)
            .unwrap_or_else(|| "8px".into()),
    );
    row.set_opt("justify-content", set.horizontal_align.as_ref().map(align));
    if matches!(set.flex_mode, Some(FlexMode::Flow)) {
        row.set("flex-wrap", "wrap");
    }
    let _ = write!(out, "<div class=\"fc-cols\"{}>", row.attr());
    for column in &set.columns {
        self::column(ctx, column, out);
    }
    out.push_str("</div>");
    if let Some(url) = set.action.as_ref().and_then(|a| a.multi_url.as_ref()) {
        link_note(url, out);
    }
    out.push_str("</div>");
}

fn link_note(url: &MultiUrl, out: &mut String) {
    let target = [&url.url, &url.pc_url, &url.ios_url, &url.android_url]
        .into_iter()
        .find_map(|u| u.as_deref().and_then(html::safe_url))
        .unwrap_or("");
    let _ = write!(
        out,
        "<div class=\"fc-linknote\" title=\"{}\">↗</div>",
        html::attr(target)
    );
}

fn column(ctx: &Ctx<'_>, column: &Column, out: &mut String) {
    let mut css = Css::default();
    let weight = column.weight.unwrap_or(1).clamp(1, 5);
    match &column.width {
        Some(ColumnWidth::Weighted) => css.set("flex", format!("{weight} 1 0")),
        Some(ColumnWidth::Px(n)) => css.set("flex", format!("0 0 {n}px")),
        Some(ColumnWidth::Custom(s)) => match html::length(s) {
            Some(l) => css.set("flex", format!("0 0 {l}")),
            None => css.set("flex", "0 1 auto"),
        },
        Some(ColumnWidth::Auto) | None => css.set("flex", "0 1 auto"),
    };
    layout_of!(column).css(&mut css, "8px");
    if let Some(bg) = column
        .background_style
        .as_ref()
        .and_then(|c| palette::background(ctx.card, c))
    {
        css.set("background", bg).set("border-radius", "6px");
        if column.padding.is_none() {
            css.set("padding", "8px");
        }
    }
    css.set_opt("margin", edges(column.margin.as_ref()));
    let _ = write!(out, "<div class=\"fc-col\"{}>", css.attr());
    elements(ctx, column.elements.as_deref().unwrap_or_default(), out);
    if let Some(url) = column.action.as_ref().and_then(|a| a.multi_url.as_ref()) {
        link_note(url, out);
    }
    out.push_str("</div>");
}

fn form(ctx: &Ctx<'_>, form: &Form, out: &mut String) {
    let mut css = Css::default();
    layout_of!(form).css(&mut css, "12px");
    open(out, Form::TAG, form.margin.as_ref(), css);
    elements(ctx, &form.elements, out);
    out.push_str("</div>");
}

fn interactive_container(ctx: &Ctx<'_>, c: &InteractiveContainer, out: &mut String) {
    let mut css = Css::default();
    layout_of!(c).css(&mut css, "8px");
    if c.padding.is_none() {
        css.set("padding", "4px 12px");
    }
    match &c.background_style {
        Some(Color::Laser) => {
            css.set("background", "linear-gradient(90deg,#eef3ff,#f6efff)");
        }
        Some(bg) => {
            css.set_opt("background", palette::background(ctx.card, bg));
        }
        None => {}
    }
    if c.has_border == Some(true) {
        let color = c
            .border_color
            .as_ref()
            .and_then(|b| palette::background(ctx.card, b))
            .unwrap_or_else(|| "#dee0e3".into());
        css.set("border", format!("1px solid {color}"));
    }
    css.set(
        "border-radius",
        c.corner_radius
            .as_ref()
            .and_then(|r| html::length(&r.to_string()))
            .unwrap_or_else(|| "8px".into()),
    );
    match &c.width {
        Some(BoxWidth::Fill) => {
            css.set("width", "100%").set("box-sizing", "border-box");
        }
        Some(BoxWidth::Px(n)) => {
            css.set("width", format!("{n}px"));
        }
        _ => {}
    }
    if let Some(Height::Px(n)) = &c.height {
        css.set("height", format!("{n}px"));
    }
    let disabled = if c.disabled == Some(true) {
        " fc-disabled"
    } else {
        ""
    };
    css.set_opt("margin", edges(c.margin.as_ref()));
    let tip = c
        .hover_tips
        .as_ref()
        .map(|t| format!(" title=\"{}\"", html::attr(plain_str(ctx, t))))
        .unwrap_or_default();
    let _ = write!(
        out,
        "<div class=\"fc-el fc-interactive_container{disabled}\"{tip}{}>",
        css.attr()
    );
    elements(ctx, &c.elements, out);
    out.push_str("</div>");
}

fn collapsible_panel(ctx: &Ctx<'_>, panel: &CollapsiblePanel, out: &mut String) {
    let mut css = Css::default();
    if let Some(border) = &panel.border {
        let color = border
            .color
            .as_ref()
            .and_then(|c| palette::background(ctx.card, c))
            .unwrap_or_else(|| "#dee0e3".into());
        css.set("border", format!("1px solid {color}"));
        css.set_opt(
            "border-radius",
            border
                .corner_radius
                .as_ref()
                .and_then(|r| html::length(&r.to_string())),
        );
    }
    css.set_opt(
        "background",
        panel
            .background_color
            .as_ref()
            .and_then(|c| palette::background(ctx.card, c)),
    );
    open(out, CollapsiblePanel::TAG, panel.margin.as_ref(), css);
    let open_attr = if panel.expanded == Some(true) {
        " open"
    } else {
        ""
    };
    let _ = write!(out, "<details class=\"fc-panel\"{open_attr}>");
    let header = &panel.header;
    let mut summary = Css::default();
    summary.set_opt(
        "background",
        header
            .background_color
            .as_ref()
            .and_then(|c| palette::background(ctx.card, c)),
    );
    summary.set_opt("padding", edges(header.padding.as_ref()));
    let chevron_first = matches!(header.icon_position, Some(IconPosition::Left));
    let _ = write!(out, "<summary class=\"fc-panel-head\"{}>", summary.attr());
    if chevron_first {
        out.push_str("<span class=\"fc-chevron\"></span>");
    }
    out.push_str("<span class=\"fc-panel-title\">");
    match &header.title {
        Some(PanelTitle::PlainText(t)) => {
            let mut css = Css::default();
            text_css(
                ctx,
                &mut css,
                t.text_size.as_ref(),
                t.text_color.as_ref(),
                t.text_align.as_ref(),
                t.lines,
            );
            let _ = write!(out, "<span{}>", css.attr());
            push_plain(plain_str(ctx, t), out);
            out.push_str("</span>");
        }
        Some(PanelTitle::Markdown(t)) => {
            let mut css = Css::default();
            text_css(
                ctx,
                &mut css,
                t.text_size.as_ref(),
                t.text_color.as_ref(),
                t.text_align.as_ref(),
                None,
            );
            let content = ctx.pick(t.content.as_deref(), &[t.i18n_content.as_ref()]);
            let _ = write!(
                out,
                "<span{}>{}</span>",
                css.attr(),
                markdown::inline(content, ctx)
            );
        }
        None => {}
    }
    out.push_str("</span>");
    if !chevron_first {
        out.push_str("<span class=\"fc-chevron\"></span>");
    }
    out.push_str("</summary>");
    let mut body = Css::default();
    layout_of!(panel).css(&mut body, "8px");
    if panel.padding.is_none() {
        body.set("padding", "4px 8px 8px");
    }
    let _ = write!(out, "<div class=\"fc-panel-body\"{}>", body.attr());
    elements(ctx, panel.elements.as_deref().unwrap_or_default(), out);
    out.push_str("</div></details></div>");
}

// ---------------------------------------------------------------------------------------------
// Display components

fn div(ctx: &Ctx<'_>, d: &Div, out: &mut String) {
    let mut css = Css::default();
    if matches!(d.width, Some(BoxWidth::Fill) | None) {
        css.set("width", "100%");
    }
    open(out, Div::TAG, d.margin.as_ref(), css);
    out.push_str("<div class=\"fc-row\">");
    if let Some(i) = &d.icon {
        icon(ctx, i, out);
    }
    out.push_str("<div class=\"fc-grow\">");
    if let Some(text) = &d.text {
        text_obj(ctx, text, "fc-text", out);
    }
    if let Some(fields) = &d.fields {
        out.push_str("<div class=\"fc-fields\">");
        for field in fields {
            let class = if field.is_short == Some(true) {
                "fc-field fc-field-short"
            } else {
                "fc-field"
            };
            text_obj(ctx, &field.text, class, out);
        }
        out.push_str("</div>");
    }
    out.push_str("</div>");
    // The 1.0 `extra` is kept as written; it is drawn when it reads as a component.
    if let Some(Ok(extra)) = d.extra.as_ref().map(Element::deserialize) {
        out.push_str("<div class=\"fc-extra\">");
        element(ctx, &extra, out);
        out.push_str("</div>");
    }
    out.push_str("</div></div>");
}

fn markdown_element(ctx: &Ctx<'_>, m: &Markdown, out: &mut String) {
    let mut css = Css::default();
    text_css(
        ctx,
        &mut css,
        m.text_size.as_ref(),
        None,
        m.text_align.as_ref(),
        None,
    );
    open(out, Markdown::TAG, m.margin.as_ref(), css);
    if let Some(i) = &m.icon {
        out.push_str("<div class=\"fc-row\">");
        icon(ctx, i, out);
        out.push_str("<div class=\"fc-grow fc-md\">");
    } else {
        out.push_str("<div class=\"fc-md\">");
    }
    let content = ctx.pick(Some(&m.content), &[m.i18n_content.as_ref()]);
    out.push_str(&markdown::blocks(content, ctx));
    out.push_str("</div>");
    if m.icon.is_some() {
        out.push_str("</div>");
    }
    out.push_str("</div>");
}

/// The registry's one-line summary of a component, for a placeholder's label.
fn summary(tag: &str) -> &'static str {
    registry::component(tag).map_or("", |c| c.summary)
}

/// A grey box standing for what only Feishu can draw.
fn placeholder(out: &mut String, kind: &str, glyph: &str, label: &str, key: &str, css: &Css) {
    let _ = write!(
        out,
        "<div class=\"fc-ph fc-ph-{kind}\" title=\"{}\"{}><span class=\"fc-ph-glyph\">{glyph}</span><span class=\"fc-ph-label\">{}</span></div>",
        html::attr(key),
        css.attr(),
        html::text(label)
    );
}

fn img(ctx: &Ctx<'_>, i: &Img, out: &mut String) {
    open(out, Img::TAG, i.margin.as_ref(), Css::default());
    let mut css = Css::default();
    match &i.size {
        Some(ImgSize::Px(w, h)) => {
            css.set("width", format!("{w}px"))
                .set("height", format!("{h}px"));
        }
        Some(ImgSize::Large) => {
            css.set("width", "160px").set("height", "160px");
        }
        Some(ImgSize::Medium) => {
            css.set("width", "80px").set("height", "80px");
        }
        Some(ImgSize::Small) => {
            css.set("width", "40px").set("height", "40px");
        }
        Some(ImgSize::Tiny) => {
            css.set("width", "16px").set("height", "16px");
        }
        _ => {
            css.set("width", "100%").set("aspect-ratio", "16 / 9");
        }
    }
    css.set_opt(
        "border-radius",
        i.corner_radius
            .as_ref()
            .and_then(|r| html::length(&r.to_string())),
    );
    let key = ctx.pick(Some(&i.img_key), &[i.i18n_img_key.as_ref()]);
    let label = i
        .title
        .as_ref()
        .or(i.alt.as_ref())
        .map(|t| plain_str(ctx, t))
        .filter(|t| !t.is_empty())
        .unwrap_or("Image");
    placeholder(out, "img", super::icons::IMAGE, label, key, &css);
    out.push_str("</div>");
}

fn img_combination(ctx: &Ctx<'_>, c: &ImgCombination, out: &mut String) {
    open(out, ImgCombination::TAG, c.margin.as_ref(), Css::default());
    let columns = match c.combination_mode {
        Some(CombinationMode::Trisect | CombinationMode::Triple) => 3,
        _ => 2,
    };
    let _ = write!(
        out,
        "<div class=\"fc-grid\" style=\"grid-template-columns:repeat({columns},1fr)\">"
    );
    let mut css = Css::default();
    css.set("aspect-ratio", "1 / 1");
    for (n, item) in c.img_list.iter().enumerate() {
        let key = ctx.pick(Some(&item.img_key), &[item.i18n_img_key.as_ref()]);
        placeholder(
            out,
            Img::TAG,
            super::icons::IMAGE,
            &format!("Image {}", n + 1),
            key,
            &css,
        );
    }
    out.push_str("</div></div>");
}

/// A round avatar with the user id's first letters.
fn avatar(id: &str, px: u32, out: &mut String) {
    let letters: String = id
        .trim_start_matches("ou_")
        .trim_start_matches("on_")
        .chars()
        .filter(|c| c.is_alphanumeric())
        .take(2)
        .collect::<String>()
        .to_uppercase();
    let _ = write!(
        out,
        "<span class=\"fc-avatar\" style=\"width:{px}px;height:{px}px;font-size:{}px\">{}</span>",
        px * 2 / 5,
        html::text(&letters)
    );
}

fn person_px(size: Option<&PersonSize>) -> u32 {
    match size {
        Some(PersonSize::ExtraSmall) => 16,
        Some(PersonSize::Small) => 20,
        Some(PersonSize::Large) => 40,
        Some(PersonSize::Medium) | None => 24,
    }
}

fn person_chip(id: &str, px: u32, show_avatar: bool, show_name: bool, out: &mut String) {
    out.push_str("<span class=\"fc-person\">");
    if show_avatar {
        avatar(id, px, out);
    }
    if show_name {
        let _ = write!(
            out,
            "<span class=\"fc-person-name\">@{}</span>",
            html::text(id)
        );
    }
    out.push_str("</span>");
}

fn person(_ctx: &Ctx<'_>, p: &Person, out: &mut String) {
    let capsule = if matches!(p.style, Some(PersonStyle::Capsule)) {
        " fc-capsule"
    } else {
        ""
    };
    let _ = write!(out, "<div class=\"fc-el fc-person-el{capsule}\"");
    let mut css = Css::default();
    css.set_opt("margin", edges(p.margin.as_ref()));
    let _ = write!(out, "{}>", css.attr());
    person_chip(
        &p.user_id,
        person_px(p.size.as_ref()),
        p.show_avatar != Some(false),
        p.show_name == Some(true),
        out,
    );
    out.push_str("</div>");
}

fn person_list(ctx: &Ctx<'_>, p: &PersonList, out: &mut String) {
    open(out, PersonList::TAG, p.margin.as_ref(), Css::default());
    out.push_str("<div class=\"fc-row fc-wrap\">");
    if let Some(i) = &p.icon {
        icon(ctx, i, out);
    }
    for person in &p.persons {
        person_chip(
            &person.id,
            person_px(p.size.as_ref()),
            p.show_avatar != Some(false),
            p.show_name != Some(false),
            out,
        );
    }
    out.push_str("</div></div>");
}

fn chart(ctx: &Ctx<'_>, c: &Chart, out: &mut String) {
    open(out, Chart::TAG, c.margin.as_ref(), Css::default());
    let spec = &c.chart_spec;
    let kind = spec.get("type").and_then(Value::as_str).unwrap_or("chart");
    let title = spec
        .get("title")
        .and_then(|t| t.get("text").or(Some(t)))
        .and_then(|t| match t {
            Value::String(s) => Some(s.clone()),
            Value::Array(parts) => Some(
                parts
                    .iter()
                    .filter_map(Value::as_str)
                    .collect::<Vec<_>>()
                    .join(" "),
            ),
            _ => None,
        });
    let mut css = Css::default();
    css.set("width", "100%");
    match (&c.height, &c.aspect_ratio) {
        (Some(Height::Px(h)), _) => {
            css.set("height", format!("{h}px"));
        }
        (_, Some(ratio)) => {
            css.set("aspect-ratio", ratio.as_str().replace(':', " / "));
        }
        _ => {
            css.set("aspect-ratio", "16 / 9");
        }
    }
    let label = match &title {
        Some(t) if !t.is_empty() => format!("{t} · {kind} chart"),
        _ => format!("{kind} chart"),
    };
    let _ = write!(
        out,
        "<div class=\"fc-ph fc-ph-chart\" title=\"{}\"{}><span class=\"fc-bars\"><i style=\"height:40%\"></i><i style=\"height:75%\"></i><i style=\"height:55%\"></i><i style=\"height:90%\"></i></span><span class=\"fc-ph-label\">{}</span></div>",
        html::attr(summary("chart")),
        css.attr(),
        html::text(&label)
    );
    let _ = ctx;
    out.push_str("</div>");
}

fn audio(_ctx: &Ctx<'_>, a: &Audio, out: &mut String) {
    let mut css = Css::default();
    css.set_opt("width", widget_width(a.width.as_ref()));
    open(out, Audio::TAG, a.margin.as_ref(), css);
    let time = if a.show_time == Some(false) {
        ""
    } else {
        "0:00"
    };
    let _ = write!(
        out,
        "<div class=\"fc-audio\" title=\"{}\"><span class=\"fc-play\">▶</span><span class=\"fc-track\"></span><span class=\"fc-muted\">{time}</span></div></div>",
        html::attr(&a.file_key)
    );
}

fn table(ctx: &Ctx<'_>, t: &Table, out: &mut String) {
    open(out, Table::TAG, t.margin.as_ref(), Css::default());
    let style = t.header_style.as_ref();
    let mut head = Css::default();
    if let Some(style) = style {
        text_css(
            ctx,
            &mut head,
            style.text_size.as_ref(),
            style.text_color.as_ref(),
            style.text_align.as_ref(),
            None,
        );
        if matches!(style.background_style, Some(TableHeaderBackground::None)) {
            head.set("background", "transparent");
        }
        if style.bold == Some(false) {
            head.set("font-weight", "normal");
        }
    }
    let row_padding = match &t.row_height {
        Some(RowHeight::Middle) => "12px 8px",
        Some(RowHeight::High) => "18px 8px",
        _ => "7px 8px",
    };
    out.push_str("<div class=\"fc-table-wrap\"><table class=\"fc-table\"><thead><tr>");
    for column in &t.columns {
        let mut css = Css(head.0.clone());
        match &column.width {
            Some(TableColumnWidth::Px(n)) => {
                css.set("width", format!("{n}px"));
            }
            Some(TableColumnWidth::Percent(n)) => {
                css.set("width", format!("{n}%"));
            }
            _ => {}
        }
        let name = column.display_name.as_deref().unwrap_or(&column.name);
        let _ = write!(out, "<th{}>{}</th>", css.attr(), html::text(name));
    }
    out.push_str("</tr></thead><tbody>");
    let page_size = t.page_size.unwrap_or(5).clamp(1, 10) as usize;
    for row in t.rows.iter().take(page_size) {
        out.push_str("<tr>");
        for column in &t.columns {
            let mut css = Css::default();
            css.set("padding", row_padding);
            css.set_opt(
                "text-align",
                column
                    .horizontal_align
                    .as_ref()
                    .map(HorizontalAlign::as_str),
            );
            css.set_opt(
                "vertical-align",
                column.vertical_align.as_ref().map(|v| match v {
                    VerticalAlign::Top => "top",
                    VerticalAlign::Center => "middle",
                    VerticalAlign::Bottom => "bottom",
                }),
            );
            let _ = write!(out, "<td{}>", css.attr());
            if let Some(value) = row.get(column.name.as_ref()) {
                cell(ctx, column, value, out);
            }
            out.push_str("</td>");
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table></div>");
    let pages = t.rows.len().div_ceil(page_size);
    if pages > 1 {
        let _ = write!(out, "<div class=\"fc-pager\">‹ 1 / {pages} ›</div>");
    }
    out.push_str("</div>");
}

fn cell(ctx: &Ctx<'_>, column: &TableColumn, value: &Value, out: &mut String) {
    match column.data_type.as_ref() {
        Some(TableDataType::LarkMd) => out.push_str(&markdown::inline(&scalar_text(value), ctx)),
        Some(TableDataType::Markdown) => out.push_str(&markdown::blocks(&scalar_text(value), ctx)),
        Some(TableDataType::Number) => match value.as_f64() {
            Some(n) => out.push_str(&html::text(&format_number(n, column.format.as_ref()))),
            None => out.push_str(&html::text(&scalar_text(value))),
        },
        Some(TableDataType::Options) => {
            let options = match value {
                Value::Array(items) => items.clone(),
                other => vec![other.clone()],
            };
            for option in &options {
                let text = option
                    .get("text")
                    .or_else(|| option.get("name"))
                    .map_or_else(|| scalar_text(option), scalar_text);
                let family = option
                    .get("color")
                    .and_then(Value::as_str)
                    .unwrap_or("blue");
                let (bg, fg) = palette::tint(family);
                let _ = write!(
                    out,
                    "<span class=\"fc-tag\" style=\"background:{bg};color:{fg}\">{}</span>",
                    html::text(&text)
                );
            }
        }
        Some(TableDataType::Persons | TableDataType::PersonList) => {
            let persons = match value {
                Value::Array(items) => items.clone(),
                other => vec![other.clone()],
            };
            for p in &persons {
                let id = p.get("id").map_or_else(|| scalar_text(p), scalar_text);
                person_chip(&id, 20, true, true, out);
            }
        }
        Some(TableDataType::Date) => match value.as_i64() {
            Some(ms) => {
                let full = markdown::format_millis(ms);
                let date_only = column
                    .date_format
                    .as_deref()
                    .is_some_and(|f| !f.contains('H') && !f.contains('h'));
                let text = if date_only { &full[..10] } else { &full[..] };
                out.push_str(&html::text(text));
            }
            None => out.push_str(&html::text(&scalar_text(value))),
        },
        Some(TableDataType::Text) | None => push_plain(&scalar_text(value), out),
    }
}

/// A JSON value as text: strings as they are, anything else as JSON.
fn scalar_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// A number with a table column's format: fixed decimals, thousands separators, a currency
/// symbol.
fn format_number(n: f64, format: Option<&NumberFormat>) -> String {
    let precision = format.and_then(|f| f.precision).map(|p| p.min(10) as usize);
    let mut text = match precision {
        Some(p) => format!("{n:.p$}"),
        None => n.to_string(),
    };
    if format.and_then(|f| f.separator) == Some(true) {
        let (sign, rest) = match text.strip_prefix('-') {
            Some(rest) => ("-", rest.to_owned()),
            None => ("", text.clone()),
        };
        let (int, frac) = match rest.split_once('.') {
            Some((i, f)) => (i.to_owned(), format!(".{f}")),
            None => (rest, String::new()),
        };
        let mut grouped = String::new();
        for (i, c) in int.chars().enumerate() {
            if i > 0 && (int.len() - i) % 3 == 0 {
                grouped.push(',');
            }
            grouped.push(c);
        }
        text = format!("{sign}{grouped}{frac}");
    }
    match format.and_then(|f| f.symbol.as_deref()) {
        Some(symbol) => format!("{symbol}{text}"),
        None => text,
    }
}

// ---------------------------------------------------------------------------------------------
// Interactive components

fn button(ctx: &Ctx<'_>, b: &Button, out: &mut String) {
    let kind = b.r#type.as_ref().map_or("default", ButtonType::as_str);
    let size = b.size.as_ref().map_or("medium", ButtonSize::as_str);
    let mut css = Css::default();
    css.set_opt("width", widget_width(b.width.as_ref()));
    let disabled = if b.disabled == Some(true) {
        " disabled"
    } else {
        ""
    };
    let tip = b
        .hover_tips
        .as_ref()
        .or(if b.disabled == Some(true) {
            b.disabled_tips.as_ref()
        } else {
            None
        })
        .map(|t| format!(" title=\"{}\"", html::attr(plain_str(ctx, t))))
        .unwrap_or_default();
    let _ = write!(
        out,
        "<button type=\"button\" class=\"fc-btn fc-btn-{kind} fc-btn-{size}\"{tip}{disabled}{}>",
        css.attr()
    );
    if let Some(i) = &b.icon {
        icon(ctx, i, out);
    }
    out.push_str(&plain_opt(ctx, b.text.as_ref()));
    out.push_str("</button>");
}

fn label(ctx: &Ctx<'_>, text: Option<&PlainText>, required: Option<bool>, out: &mut String) {
    if let Some(t) = text {
        out.push_str("<div class=\"fc-label\">");
        if required == Some(true) {
            out.push_str("<span class=\"fc-required\">*</span>");
        }
        push_plain(plain_str(ctx, t), out);
        out.push_str("</div>");
    }
}

fn input(ctx: &Ctx<'_>, i: &Input, out: &mut String) {
    let mut css = Css::default();
    css.set_opt("width", widget_width(i.width.as_ref()));
    let left = matches!(i.label_position, Some(LabelPosition::Left));
    if left {
        css.set("display", "flex")
            .set("align-items", "center")
            .set("gap", "8px");
    }
    open(out, Input::TAG, i.margin.as_ref(), css);
    label(ctx, i.label.as_ref(), i.required, out);
    let multiline = matches!(i.input_type, Some(InputType::MultilineText));
    let mut field = Css::default();
    if multiline {
        let rows = i.rows.unwrap_or(5).clamp(1, 20);
        field.set("min-height", format!("{}px", rows * 22));
        field.set("align-items", "flex-start");
    }
    let disabled = if i.disabled == Some(true) {
        " fc-disabled"
    } else {
        ""
    };
    let _ = write!(
        out,
        "<div class=\"fc-field-box{disabled}\"{}>",
        field.attr()
    );
    let value = ctx.pick(i.default_value.as_deref(), &[i.i18n_default_value.as_ref()]);
    if !value.is_empty() {
        if matches!(i.input_type, Some(InputType::Password)) {
            out.push_str(&"•".repeat(value.chars().count().min(24)));
        } else {
            push_plain(value, out);
        }
    } else {
        out.push_str("<span class=\"fc-placeholder\">");
        match &i.placeholder {
            Some(p) => push_plain(plain_str(ctx, p), out),
            None => out.push_str("&nbsp;"),
        }
        out.push_str("</span>");
    }
    out.push_str("</div></div>");
}

/// Everything a drop-down menu or user picker shows.
struct Select<'a> {
    placeholder: Option<&'a PlainText>,
    width: Option<&'a Width>,
    disabled: Option<bool>,
    required: Option<bool>,
    borderless: bool,
    chosen: Vec<&'a str>,
    /// (value, label HTML) of each choice.
    options: Vec<(&'a str, String)>,
}

fn static_options<'a>(
    ctx: &Ctx<'_>,
    options: Option<&'a [SelectOption]>,
) -> Vec<(&'a str, String)> {
    options
        .unwrap_or_default()
        .iter()
        .map(|o| {
            let mut label = String::new();
            if let Some(i) = &o.icon {
                icon(ctx, i, &mut label);
            }
            push_plain(plain_str(ctx, &o.text), &mut label);
            (o.value.as_ref(), label)
        })
        .collect()
}

fn person_options(options: Option<&[PersonOption]>) -> Vec<(&str, String)> {
    options
        .unwrap_or_default()
        .iter()
        .map(|o| {
            let mut label = String::new();
            person_chip(&o.value, 20, true, true, &mut label);
            (o.value.as_ref(), label)
        })
        .collect()
}

fn select(ctx: &Ctx<'_>, tag: &str, margin: Option<&Edges>, s: Select<'_>, out: &mut String) {
    let mut css = Css::default();
    css.set(
        "width",
        widget_width(s.width).unwrap_or_else(|| {
            if tag.starts_with("multi") {
                "282px".into()
            } else {
                "240px".into()
            }
        }),
    );
    open(out, tag, margin, css);
    let mut class = String::from("fc-select");
    if s.borderless {
        class.push_str(" fc-borderless");
    }
    if s.disabled == Some(true) {
        class.push_str(" fc-disabled");
    }
    let _ = write!(
        out,
        "<details class=\"{class}\"><summary class=\"fc-field-box\">"
    );
    if s.required == Some(true) {
        out.push_str("<span class=\"fc-required\">*</span>");
    }
    let chosen: Vec<&String> = s
        .chosen
        .iter()
        .filter_map(|v| {
            s.options
                .iter()
                .find(|(value, _)| value == v)
                .map(|(_, l)| l)
        })
        .collect();
    out.push_str("<span class=\"fc-grow\">");
    if !chosen.is_empty() {
        let multi = chosen.len() > 1 || tag.starts_with("multi");
        for label in chosen {
            if multi {
                let _ = write!(out, "<span class=\"fc-chip\">{label}</span>");
            } else {
                out.push_str(label);
            }
        }
    } else if let Some(value) = s.chosen.first() {
        // A chosen value that is not among the options is shown as it was sent.
        out.push_str(&html::text(value));
    } else {
        out.push_str("<span class=\"fc-placeholder\">");
        match s.placeholder {
            Some(p) => push_plain(plain_str(ctx, p), out),
            None => out.push_str("&nbsp;"),
        }
        out.push_str("</span>");
    }
    out.push_str("</span><span class=\"fc-caret\"></span></summary><ul class=\"fc-menu\">");
    for (value, label) in &s.options {
        let selected = if s.chosen.contains(value) {
            " class=\"fc-selected\""
        } else {
            ""
        };
        let _ = write!(
            out,
            "<li{selected} data-value=\"{}\">{label}</li>",
            html::attr(value)
        );
    }
    out.push_str("</ul></details></div>");
}

/// Everything a date or time picker shows.
struct Picker<'a> {
    value: Option<&'a str>,
    placeholder: Option<&'a PlainText>,
    width: Option<&'a Width>,
    disabled: Option<bool>,
    required: Option<bool>,
    glyph: &'static str,
}

fn picker(ctx: &Ctx<'_>, tag: &str, margin: Option<&Edges>, p: Picker<'_>, out: &mut String) {
    let mut css = Css::default();
    css.set(
        "width",
        widget_width(p.width).unwrap_or_else(|| "240px".into()),
    );
    open(out, tag, margin, css);
    let disabled = if p.disabled == Some(true) {
        " fc-disabled"
    } else {
        ""
    };
    let _ = write!(out, "<div class=\"fc-field-box{disabled}\">");
    if p.required == Some(true) {
        out.push_str("<span class=\"fc-required\">*</span>");
    }
    out.push_str("<span class=\"fc-grow\">");
    match p.value.filter(|v| !v.is_empty()) {
        Some(v) => out.push_str(&html::text(v)),
        None => {
            out.push_str("<span class=\"fc-placeholder\">");
            match p.placeholder {
                Some(ph) => push_plain(plain_str(ctx, ph), out),
                None => out.push_str("&nbsp;"),
            }
            out.push_str("</span>");
        }
    }
    let _ = write!(
        out,
        "</span><span class=\"fc-glyph\">{}</span></div></div>",
        p.glyph
    );
}

fn overflow(ctx: &Ctx<'_>, o: &Overflow, out: &mut String) {
    open(out, Overflow::TAG, o.margin.as_ref(), Css::default());
    out.push_str("<details class=\"fc-overflow\"><summary class=\"fc-btn fc-btn-default fc-btn-medium\">···</summary><ul class=\"fc-menu\">");
    for option in &o.options {
        let _ = write!(
            out,
            "<li data-value=\"{}\">{}</li>",
            html::attr(option.value.as_deref().unwrap_or("")),
            plain_opt(ctx, option.text.as_ref())
        );
    }
    out.push_str("</ul></details></div>");
}

fn select_img(ctx: &Ctx<'_>, s: &SelectImg, out: &mut String) {
    open(out, SelectImg::TAG, s.margin.as_ref(), Css::default());
    let columns = match s.layout {
        Some(SelectImgLayout::Stretch) => 1,
        Some(SelectImgLayout::Trisect) => 3,
        _ => 2,
    };
    let ratio = s
        .aspect_ratio
        .as_ref()
        .map_or("1 / 1".to_owned(), |r| r.as_str().replace(':', " / "));
    let _ = write!(
        out,
        "<div class=\"fc-grid\" style=\"grid-template-columns:repeat({columns},1fr)\">"
    );
    let mut css = Css::default();
    css.set("aspect-ratio", &ratio);
    for option in &s.options {
        let key = ctx.pick(Some(&option.img_key), &[option.i18n_img_key.as_ref()]);
        let label = option.value.as_deref().unwrap_or("Image");
        let disabled = option.disabled == Some(true) || s.disabled == Some(true);
        if disabled {
            out.push_str("<div class=\"fc-disabled\">");
        }
        placeholder(out, "img", super::icons::IMAGE, label, key, &css);
        if disabled {
            out.push_str("</div>");
        }
    }
    out.push_str("</div></div>");
}

fn checker(ctx: &Ctx<'_>, c: &Checker, out: &mut String) {
    let mut css = Css::default();
    css.set_opt("padding", edges(c.padding.as_ref()));
    open(out, Checker::TAG, c.margin.as_ref(), css);
    let checked = c.checked == Some(true);
    let disabled = if c.disabled == Some(true) {
        " fc-disabled"
    } else {
        ""
    };
    let _ = write!(
        out,
        "<div class=\"fc-row fc-check-row{disabled}\"><span class=\"fc-box{}\"></span>",
        if checked { " fc-checked" } else { "" }
    );
    if let Some(text) = &c.text {
        let style = c.checked_style.as_ref().filter(|_| checked);
        let mut wrap = Css::default();
        if style.and_then(|s| s.show_strikethrough) == Some(true) {
            wrap.set("text-decoration", "line-through");
        }
        if let Some(opacity) = style.and_then(|s| s.opacity.as_ref()) {
            if let Ok(o) = opacity.to_string().parse::<f64>() {
                wrap.set("opacity", format!("{}", o.clamp(0.0, 1.0)));
            }
        }
        let _ = write!(out, "<div class=\"fc-grow\"{}>", wrap.attr());
        text_obj(ctx, text, "fc-text", out);
        out.push_str("</div>");
    }
    if let Some(buttons) = c.button_area.as_ref().and_then(|a| a.buttons.as_ref()) {
        out.push_str("<span class=\"fc-row\">");
        for b in buttons {
            button(ctx, b, out);
        }
        out.push_str("</span>");
    }
    out.push_str("</div></div>");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_formatted_like_feishu() {
        let format = NumberFormat {
            precision: Some(2),
            symbol: Some("¥".into()),
            separator: Some(true),
            ..Default::default()
        };
        assert_eq!(format_number(1234567.891, Some(&format)), "¥1,234,567.89");
        assert_eq!(format_number(-1000.0, Some(&format)), "¥-1,000.00");
        assert_eq!(format_number(12.5, None), "12.5");
    }

    #[test]
    fn spacing_tokens() {
        assert_eq!(spacing(&Spacing::Large).as_deref(), Some("12px"));
        assert_eq!(spacing(&Spacing::Custom("x;y".into())), None);
    }
}
