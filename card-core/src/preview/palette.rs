//! Feishu's colours and text sizes as CSS values (light mode).
//!
//! The colour names come from the model's [`Color`] enum; only their look lives here: a base
//! hue per family (shade 500) from which the other shades are mixed towards white or black.

use crate::model::{Card, Color, TextSize, TextSizeStyle};

use super::html;

/// The base (shade 500) of each colour family.
const HUES: &[(&str, (u8, u8, u8))] = &[
    ("blue", (0x33, 0x70, 0xff)),
    ("carmine", (0xe8, 0x3e, 0x8c)),
    ("green", (0x34, 0xc7, 0x24)),
    ("grey", (0x8f, 0x95, 0x9e)),
    ("indigo", (0x49, 0x54, 0xe6)),
    ("lime", (0x9a, 0xc4, 0x00)),
    ("orange", (0xff, 0x88, 0x00)),
    ("purple", (0x7f, 0x3b, 0xf5)),
    ("red", (0xf5, 0x4a, 0x45)),
    ("sunflower", (0xff, 0xc6, 0x0a)),
    ("turquoise", (0x2d, 0xbe, 0xab)),
    ("violet", (0xd1, 0x36, 0xd1)),
    ("wathet", (0x14, 0xc0, 0xff)),
    ("yellow", (0xf5, 0xb4, 0x00)),
    ("neutral", (0x8f, 0x95, 0x9e)),
];

/// Feishu's own greys, which do not follow the mixing rule.
const GREYS: &[(&str, &str)] = &[
    ("00", "#ffffff"),
    ("50", "#f5f6f7"),
    ("100", "#f2f3f5"),
    ("200", "#eff0f1"),
    ("300", "#dee0e3"),
    ("350", "#d0d3d6"),
    ("400", "#bbbfc4"),
    ("500", "#8f959e"),
    ("600", "#646a73"),
    ("650", "#51565d"),
    ("700", "#373c43"),
    ("800", "#2b2f36"),
    ("900", "#1f2329"),
    ("950", "#0f1115"),
    ("1000", "#000000"),
];

/// The main text colour of a card.
pub(crate) const TEXT: &str = "#1f2329";

fn hue(family: &str) -> Option<(u8, u8, u8)> {
    HUES.iter().find(|(n, _)| *n == family).map(|(_, c)| *c)
}

fn hex((r, g, b): (u8, u8, u8)) -> String {
    format!("#{r:02x}{g:02x}{b:02x}")
}

/// Mixes `c` with white (`t` > 0) or black (`t` < 0); `t` in -1..=1.
fn mix((r, g, b): (u8, u8, u8), t: f64) -> (u8, u8, u8) {
    let towards = if t >= 0.0 { 255.0 } else { 0.0 };
    let t = t.abs().min(1.0);
    let f = |c: u8| (f64::from(c) + (towards - f64::from(c)) * t).round() as u8;
    (f(r), f(g), f(b))
}

/// The mixing of each shade: positive towards white, negative towards black.
fn shade_mix(shade: &str) -> Option<f64> {
    Some(match shade {
        "50" => 0.92,
        "100" => 0.85,
        "200" => 0.7,
        "300" => 0.5,
        "350" => 0.4,
        "400" => 0.2,
        "500" => 0.0,
        "600" => -0.15,
        "700" => -0.3,
        "800" => -0.45,
        "900" => -0.6,
        _ => return None,
    })
}

/// A colour family and shade (`blue-500`) or family alone (`blue`) as CSS.
fn named(name: &str) -> Option<String> {
    match name {
        "white" | "bg-white" => return Some("#ffffff".into()),
        "black" => return Some(TEXT.into()),
        _ => {}
    }
    let (family, shade) = name.split_once('-').unwrap_or((name, "500"));
    if family == "grey" {
        return GREYS
            .iter()
            .find(|(s, _)| *s == shade)
            .map(|(_, c)| (*c).to_owned());
    }
    Some(hex(mix(hue(family)?, shade_mix(shade)?)))
}

/// The CSS of a colour of the card: a named colour, a name from `config.style.color` (its
/// light-mode value), or `None` for `default` and anything unknown.
pub(crate) fn color(card: &Card, c: &Color) -> Option<String> {
    match c {
        Color::Default | Color::Laser => None,
        Color::Custom(name) => custom_color(card, name).or_else(|| named(name)),
        other => named(other.as_str()),
    }
}

/// The CSS of a background colour: a bare family name (`grey`, `blue`) is the light tint
/// Feishu paints backgrounds with; shades and custom names are taken as they are.
pub(crate) fn background(card: &Card, c: &Color) -> Option<String> {
    match c {
        Color::Custom(_) => color(card, c),
        named_color => {
            let name = named_color.as_str();
            match hue(name) {
                Some(base) if name == "grey" => Some(hex(mix(base, 0.88))),
                Some(base) => Some(hex(mix(base, 0.9))),
                None => color(card, c),
            }
        }
    }
}

fn custom_color(card: &Card, name: &str) -> Option<String> {
    let style = card.config.as_ref()?.style.as_ref()?;
    let entry = style.color.as_ref()?.get(name)?;
    html::literal_color(entry.light_mode.as_deref().or(entry.dark_mode.as_deref())?)
}

/// A colour named in markdown (`<font color=red>`, `<text_tag color=…>`): a Feishu name, a
/// custom name of the card, or a literal `#hex`/`rgb()` colour.
pub(crate) fn color_name(card: &Card, name: &str) -> Option<String> {
    let name = name.trim();
    custom_color(card, name)
        .or_else(|| named(name))
        .or_else(|| html::literal_color(name))
}

/// Light background and strong foreground of a tinted badge (`text_tag`, table options).
pub(crate) fn tint(family: &str) -> (String, String) {
    let base = hue(family).unwrap_or((0x33, 0x70, 0xff));
    (hex(mix(base, 0.85)), hex(mix(base, -0.3)))
}

/// Background and title colour of a header template.
pub(crate) fn header(template: &str) -> (String, String) {
    match hue(template) {
        Some(base) if template != "grey" => (hex(mix(base, 0.86)), hex(mix(base, -0.55))),
        Some(_) => ("#f2f3f5".into(), TEXT.into()),
        None => ("#ffffff".into(), TEXT.into()),
    }
}

/// The font size in pixels of a text size on PC; custom names read `config.style.text_size`
/// and unknown names fall back to `normal`, as Feishu does.
pub(crate) fn text_size(card: &Card, size: &TextSize) -> u32 {
    match size {
        TextSize::Heading0 | TextSize::XxxxLarge => 30,
        TextSize::Heading1 | TextSize::XxxLarge => 24,
        TextSize::Heading2 | TextSize::XxLarge => 20,
        TextSize::Heading3 | TextSize::XLarge => 18,
        TextSize::Heading4 | TextSize::Heading | TextSize::Large => 16,
        TextSize::Normal | TextSize::Medium => 14,
        TextSize::Notation | TextSize::Small => 12,
        TextSize::XSmall => 10,
        TextSize::Custom(name) => card
            .config
            .as_ref()
            .and_then(|c| c.style.as_ref())
            .and_then(|s| s.text_size.as_ref())
            .and_then(|sizes| sizes.get(name.as_ref()))
            .and_then(|TextSizeStyle { pc, default, .. }| pc.as_ref().or(default.as_ref()))
            .filter(|s| !matches!(s, TextSize::Custom(_)))
            .map_or(14, |s| text_size(card, s)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Style;

    #[test]
    fn named_colours_and_shades() {
        let card = Card::new();
        assert_eq!(color(&card, &Color::Blue).as_deref(), Some("#3370ff"));
        assert_eq!(color(&card, &Color::Grey650).as_deref(), Some("#51565d"));
        assert_eq!(color(&card, &Color::Default), None);
        assert!(color(&card, &Color::Red50).is_some());
        assert_eq!(color_name(&card, "nope"), None);
        assert_eq!(color_name(&card, "#abc").as_deref(), Some("#abc"));
    }

    #[test]
    fn custom_colours_and_sizes_come_from_the_card_style() {
        let mut card = Card::new();
        card.config = Some(
            crate::model::Config::new().style(
                Style::default()
                    .define_color("brand", "rgba(5,157,178,0.52)", "rgba(0,0,0,1)")
                    .define_color("evil", "red;}body{x:y", "x")
                    .define_text_size(
                        "big",
                        TextSizeStyle::new(TextSize::Heading1, TextSize::Normal),
                    ),
            ),
        );
        assert_eq!(
            color(&card, &Color::custom("brand")).as_deref(),
            Some("rgba(5,157,178,0.52)")
        );
        assert_eq!(color(&card, &Color::custom("evil")), None);
        assert_eq!(text_size(&card, &TextSize::custom("big")), 24);
        assert_eq!(text_size(&card, &TextSize::custom("unknown")), 14);
    }
}
