//! Value vocabularies (colours, text sizes, locales) and the hand-written matchers for the
//! string formats of the card (pixel lengths, `element_id`, dates).
//!
//! The matchers run for every attribute of every card the validator sees, so they are plain
//! byte loops: no regex, no allocation.

/// The colour hues of §2.7; each also comes with the shades of [`SHADES`].
const HUES: &[&str] = &[
    "blue",
    "carmine",
    "green",
    "grey",
    "indigo",
    "lime",
    "orange",
    "purple",
    "red",
    "sunflower",
    "turquoise",
    "violet",
    "wathet",
    "yellow",
];

/// The shades every hue takes (`blue-50` … `blue-900`).
const SHADES: &[&str] = &[
    "50", "100", "200", "300", "350", "400", "500", "600", "700", "800", "900",
];

/// The extra shades of `grey`.
const GREY_SHADES: &[&str] = &["00", "650", "950", "1000"];

/// The colour names that are neither a hue nor a shade.
const PLAIN_COLORS: &[&str] = &["default", "bg-white", "white"];

/// How colours are described in messages.
pub(crate) const COLORS_DOC: &str =
    "a colour such as `blue`, `grey-500`, `white` or `default` (§2.7), \
     or a name defined in `config.style.color`";

/// The text sizes of §2.4.
pub const TEXT_SIZES: &[&str] = &[
    "heading-0",
    "heading-1",
    "heading-2",
    "heading-3",
    "heading-4",
    "heading",
    "normal",
    "notation",
    "xxxx-large",
    "xxx-large",
    "xx-large",
    "x-large",
    "large",
    "medium",
    "small",
    "x-small",
];

/// The 16 locale codes of §2.6.
pub const LOCALES: &[&str] = crate::model::Locale::NAMES;

/// Whether `name` is one of the colours of §2.7 (not counting custom names).
///
/// ```
/// use card_core::registry::is_builtin_color;
/// assert!(is_builtin_color("grey-650"));
/// assert!(is_builtin_color("wathet"));
/// assert!(!is_builtin_color("blue-650"));
/// assert!(!is_builtin_color("light_grey"));
/// ```
pub fn is_builtin_color(name: &str) -> bool {
    if PLAIN_COLORS.contains(&name) || HUES.contains(&name) {
        return true;
    }
    let Some((hue, shade)) = name.rsplit_once('-') else {
        return false;
    };
    HUES.contains(&hue)
        && (SHADES.contains(&shade) || (hue == "grey" && GREY_SHADES.contains(&shade)))
}

/// Whether `name` is one of the text sizes of §2.4 (not counting custom names).
pub fn is_builtin_text_size(name: &str) -> bool {
    TEXT_SIZES.contains(&name)
}

/// Whether `id` matches `^[A-Za-z][A-Za-z0-9_]{0,19}$`.
///
/// ```
/// use card_core::registry::is_element_id;
/// assert!(is_element_id("btn_ok1"));
/// assert!(!is_element_id("1btn"));
/// assert!(!is_element_id("a_very_long_element_id"));
/// ```
pub fn is_element_id(id: &str) -> bool {
    let b = id.as_bytes();
    !b.is_empty()
        && b.len() <= 20
        && b[0].is_ascii_alphabetic()
        && b[1..]
            .iter()
            .all(|c| c.is_ascii_alphanumeric() || *c == b'_')
}

/// A number with an optional sign and fraction (`12`, `-4`, `0.5`), as the pixel formats write
/// it; `None` for anything else (exponents, `+`, empty).
fn parse_number(s: &str) -> Option<f64> {
    let b = s.as_bytes();
    let digits = b.strip_prefix(b"-").unwrap_or(b);
    let (int, frac) = match digits.iter().position(|c| *c == b'.') {
        Some(dot) => (&digits[..dot], Some(&digits[dot + 1..])),
        None => (digits, None),
    };
    if int.is_empty() || !int.iter().all(u8::is_ascii_digit) {
        return None;
    }
    if let Some(frac) = frac {
        if frac.is_empty() || !frac.iter().all(u8::is_ascii_digit) {
            return None;
        }
    }
    s.parse().ok()
}

/// `"12px"` → 12.
pub fn parse_px(s: &str) -> Option<f64> {
    parse_number(s.strip_suffix("px")?)
}

/// `"50%"` → 50.
pub fn parse_percent(s: &str) -> Option<f64> {
    parse_number(s.strip_suffix('%')?)
}

/// The pixel values of a length list (`"4px"`, `"4px 0"`, `"4px 8px 4px 8px"`): 1 to 4 values,
/// each `Npx` or a bare `0`. Calls `each` on every value; `false` when the syntax is wrong.
///
/// Three values are not documented (§2.2) but are ordinary CSS, so they are accepted.
pub fn for_each_length(s: &str, mut each: impl FnMut(f64)) -> bool {
    let mut count = 0;
    for part in s.split(' ').filter(|p| !p.is_empty()) {
        count += 1;
        if count > 4 {
            return false;
        }
        let v = if part == "0" {
            Some(0.0)
        } else {
            parse_px(part)
        };
        match v {
            Some(v) => each(v),
            None => return false,
        }
    }
    count > 0
}

/// `"16px 16px"` → (16, 16).
pub fn parse_px_pair(s: &str) -> Option<(f64, f64)> {
    let (w, h) = s.split_once(' ')?;
    Some((parse_px(w)?, parse_px(h.trim_start())?))
}

fn two_digits(b: &[u8], max: u8) -> bool {
    b.len() == 2 && b.iter().all(u8::is_ascii_digit) && (b[0] - b'0') * 10 + (b[1] - b'0') <= max
}

fn is_date(b: &[u8]) -> bool {
    b.len() == 10
        && b[..4].iter().all(u8::is_ascii_digit)
        && b[4] == b'-'
        && two_digits(&b[5..7], 12)
        && &b[5..7] != b"00"
        && b[7] == b'-'
        && two_digits(&b[8..10], 31)
        && &b[8..10] != b"00"
}

fn is_time(b: &[u8]) -> bool {
    b.len() == 5 && two_digits(&b[..2], 23) && b[2] == b':' && two_digits(&b[3..], 59)
}

/// Whether `s` is in `format`.
pub fn matches_format(format: super::Format, s: &str) -> bool {
    let b = s.as_bytes();
    match format {
        super::Format::Date => is_date(b),
        super::Format::Time => is_time(b),
        super::Format::DateTime => {
            b.len() == 16 && is_date(&b[..10]) && b[10] == b' ' && is_time(&b[11..])
        }
        super::Format::Ratio => match s.split_once(':') {
            Some((w, h)) => {
                let positive = |p: &str| {
                    !p.is_empty()
                        && p.bytes().all(|c| c.is_ascii_digit())
                        && p.bytes().any(|c| c != b'0')
                };
                positive(w) && positive(h)
            }
            None => false,
        },
        super::Format::Rgba => is_rgba(s),
    }
}

/// `rgba(r,g,b,a)`: three integers from 0 to 255 and an alpha from 0 to 1, spaces allowed
/// around each.
fn is_rgba(s: &str) -> bool {
    let Some(inner) = s
        .trim()
        .strip_prefix("rgba(")
        .and_then(|r| r.strip_suffix(')'))
    else {
        return false;
    };
    let parts: Vec<&str> = inner.split(',').map(str::trim).collect();
    let [r, g, b, a] = parts[..] else {
        return false;
    };
    let channel = |p: &str| {
        !p.is_empty()
            && p.bytes().all(|c| c.is_ascii_digit())
            && p.parse::<u16>().is_ok_and(|v| v <= 255)
    };
    let alpha = a.parse::<f64>().is_ok_and(|v| (0.0..=1.0).contains(&v));
    channel(r) && channel(g) && channel(b) && alpha
}

/// Levenshtein distance over characters, for "did you mean" suggestions; only ever run on a
/// name that was not found, so it may allocate.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::registry::Format;

    #[test]
    fn pixel_lengths() {
        assert_eq!(parse_px("12px"), Some(12.0));
        assert_eq!(parse_px("-4px"), Some(-4.0));
        assert_eq!(parse_px("1.5px"), Some(1.5));
        for bad in ["px", "12", "12 px", "+1px", "1e2px", "1.px", "-px", ""] {
            assert_eq!(parse_px(bad), None, "{bad}");
        }
        let mut seen = Vec::new();
        assert!(for_each_length("4px 0 -8px 12px", |v| seen.push(v)));
        assert_eq!(seen, [4.0, 0.0, -8.0, 12.0]);
        assert!(for_each_length("4px  8px", |_| ()));
        assert!(!for_each_length("", |_| ()));
        assert!(!for_each_length("1px 2px 3px 4px 5px", |_| ()));
        assert!(!for_each_length("4pt", |_| ()));
        assert_eq!(parse_px_pair("16px 20px"), Some((16.0, 20.0)));
        assert_eq!(parse_px_pair("16px"), None);
    }

    #[test]
    fn formats() {
        assert!(matches_format(Format::Date, "2024-01-31"));
        assert!(!matches_format(Format::Date, "2024-13-01"));
        assert!(!matches_format(Format::Date, "2024-1-01"));
        assert!(matches_format(Format::Time, "23:59"));
        assert!(!matches_format(Format::Time, "24:00"));
        assert!(matches_format(Format::DateTime, "2024-01-01 08:00"));
        assert!(!matches_format(Format::DateTime, "2024-01-01T08:00"));
        assert!(matches_format(Format::Ratio, "16:9"));
        assert!(!matches_format(Format::Ratio, "0:9"));
        assert!(!matches_format(Format::Ratio, "16/9"));
        assert!(matches_format(Format::Rgba, "rgba(20, 86, 240, 0.5)"));
        assert!(matches_format(Format::Rgba, "rgba(0,0,0,1)"));
        assert!(!matches_format(Format::Rgba, "rgba(256,0,0,1)"));
        assert!(!matches_format(Format::Rgba, "rgb(0,0,0)"));
        assert!(!matches_format(Format::Rgba, "#1456f0"));
    }

    #[test]
    fn colours_and_sizes() {
        assert!(is_builtin_color("bg-white"));
        assert!(is_builtin_color("grey-1000"));
        assert!(!is_builtin_color("red-1000"));
        assert!(!is_builtin_color("-"));
        assert!(is_builtin_text_size("heading-4"));
        assert!(!is_builtin_text_size("caption"));
    }

    #[test]
    fn distances() {
        assert_eq!(edit_distance("buton", "button"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }
}
