//! Escaping and the few CSS values that may come from a card.
//!
//! Everything a card carries is user text: it reaches the page only through [`text`] (element
//! content), [`attr`] (attribute values) or one of the CSS filters below, which let through
//! only the shapes they describe and drop everything else.

use std::borrow::Cow;
use std::fmt::Write;

/// Escapes text for an element's content.
pub(crate) fn text(s: &str) -> Cow<'_, str> {
    escape(s, false)
}

/// Escapes text for a double-quoted attribute value.
pub(crate) fn attr(s: &str) -> Cow<'_, str> {
    escape(s, true)
}

fn escape(s: &str, quotes: bool) -> Cow<'_, str> {
    let needs = |c: char| matches!(c, '&' | '<' | '>') || (quotes && matches!(c, '"' | '\''));
    if !s.contains(needs) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if quotes => out.push_str("&quot;"),
            '\'' if quotes => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// A CSS length list such as `8px`, `4px 12px`, `-8px 0`, `50%`, `0`: at most four parts, each
/// a signed number with `px` or `%` (or a bare `0`). Anything else gives `None`, so that no
/// card can write its own CSS into the page.
pub(crate) fn lengths(s: &str) -> Option<String> {
    let parts: Vec<&str> = s.split_whitespace().collect();
    if parts.is_empty() || parts.len() > 4 {
        return None;
    }
    let mut out = String::new();
    for (i, part) in parts.iter().enumerate() {
        let (number, unit) = if let Some(n) = part.strip_suffix("px") {
            (n, "px")
        } else if let Some(n) = part.strip_suffix('%') {
            (n, "%")
        } else {
            (*part, "px")
        };
        let value: f64 = number.parse().ok()?;
        if !value.is_finite() || value.abs() > 10_000.0 {
            return None;
        }
        if i > 0 {
            out.push(' ');
        }
        let _ = write!(out, "{value}{unit}");
    }
    Some(out)
}

/// One CSS length (see [`lengths`]).
pub(crate) fn length(s: &str) -> Option<String> {
    if s.split_whitespace().count() == 1 {
        lengths(s)
    } else {
        None
    }
}

/// A CSS colour written by the card itself (`#rgb`, `#rrggbb`, `#rrggbbaa`, `rgb(…)`,
/// `rgba(…)`), checked character by character.
pub(crate) fn literal_color(s: &str) -> Option<String> {
    let s = s.trim();
    if let Some(hex) = s.strip_prefix('#') {
        let ok = matches!(hex.len(), 3 | 4 | 6 | 8) && hex.bytes().all(|b| b.is_ascii_hexdigit());
        return ok.then(|| s.to_ascii_lowercase());
    }
    let lower = s.to_ascii_lowercase();
    let inner = lower
        .strip_prefix("rgba(")
        .or_else(|| lower.strip_prefix("rgb("))?
        .strip_suffix(')')?;
    let ok = inner
        .bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b',' | b' ' | b'%'));
    ok.then_some(lower)
}

/// A link a preview may follow: `http`, `https`, `mailto`, `tel` and Feishu's `lark` links.
/// Other schemes (`javascript:`, `data:`, …) give `None`.
pub(crate) fn safe_url(s: &str) -> Option<&str> {
    let s = s.trim();
    let scheme_end = s.find(':')?;
    let scheme = s[..scheme_end].to_ascii_lowercase();
    matches!(
        scheme.as_str(),
        "http" | "https" | "mailto" | "tel" | "lark"
    )
    .then_some(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(text("<b>&</b>"), "&lt;b&gt;&amp;&lt;/b&gt;");
        assert_eq!(attr("a\"b'c"), "a&quot;b&#39;c");
        assert!(matches!(text("plain"), Cow::Borrowed(_)));
    }

    #[test]
    fn lengths_let_only_lengths_through() {
        assert_eq!(lengths("4px 12px").as_deref(), Some("4px 12px"));
        assert_eq!(lengths("-8px 0").as_deref(), Some("-8px 0px"));
        assert_eq!(lengths("50%").as_deref(), Some("50%"));
        assert_eq!(lengths("1px; background:url(x)"), None);
        assert_eq!(lengths("expression(alert(1))"), None);
        assert_eq!(lengths("1px 2px 3px 4px 5px"), None);
        assert_eq!(length("4px 12px"), None);
    }

    #[test]
    fn colours_and_urls_are_filtered() {
        assert_eq!(literal_color("#FFAA00").as_deref(), Some("#ffaa00"));
        assert_eq!(
            literal_color("rgba(5,157,178,0.52)").as_deref(),
            Some("rgba(5,157,178,0.52)")
        );
        assert_eq!(literal_color("red;x:y"), None);
        assert_eq!(literal_color("rgb(1,2,3);}body{"), None);
        assert_eq!(safe_url("https://a.b/c"), Some("https://a.b/c"));
        assert_eq!(safe_url("JavaScript:alert(1)"), None);
        assert_eq!(safe_url("data:text/html,x"), None);
        assert_eq!(safe_url("no-scheme"), None);
    }
}
