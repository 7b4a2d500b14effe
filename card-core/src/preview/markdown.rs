//! Feishu's markdown (`markdown` components, `lark_md` text) to HTML.
//!
//! A small converter of its own rather than a CommonMark crate: the dialect is CommonMark's
//! common core (headings, lists, quotes, code, tables, emphasis, links) plus Feishu's tags
//! (`<font color>`, `<at>`, `<text_tag>`, `<link>`, `<person>`, `<local_datetime>`,
//! `<number_tag>`, `<raw>`, `<br>`, `<hr>`), and raw HTML is never passed through. Every byte of
//! the source reaches the page escaped, or as markup this module writes itself. Nesting is
//! capped so that hostile input cannot exhaust the stack.

use std::fmt::Write;

use super::html;
use super::palette;
use super::Ctx;

/// Deepest nesting of inline markup, quotes and lists that is interpreted; deeper markup is
/// shown as text.
const MAX_DEPTH: usize = 16;

/// Converts block markdown: paragraphs, headings, lists, quotes, code blocks, tables, rules.
pub(crate) fn blocks(src: &str, ctx: &Ctx<'_>) -> String {
    let src = src.replace("\r\n", "\n");
    let lines: Vec<&str> = src.split('\n').collect();
    let mut out = String::new();
    render_blocks(&lines, ctx, &mut out, 0);
    out
}

/// Converts one line's worth of markdown (`lark_md`: newlines become line breaks).
pub(crate) fn inline(src: &str, ctx: &Ctx<'_>) -> String {
    let mut out = String::new();
    for (i, line) in src.replace("\r\n", "\n").split('\n').enumerate() {
        if i > 0 {
            out.push_str("<br>");
        }
        render_inline(line, ctx, &mut out, 0);
    }
    out
}

fn indent_of(line: &str) -> usize {
    let mut n = 0;
    for c in line.chars() {
        match c {
            ' ' => n += 1,
            '\t' => n += 4,
            _ => break,
        }
    }
    n
}

fn heading_level(t: &str) -> Option<(usize, &str)> {
    let level = t.bytes().take_while(|&b| b == b'#').count();
    if !(1..=6).contains(&level) {
        return None;
    }
    let rest = &t[level..];
    if rest.is_empty() {
        Some((level, ""))
    } else if rest.starts_with(' ') || rest.starts_with('\t') {
        Some((level, rest.trim().trim_end_matches('#').trim_end()))
    } else {
        None
    }
}

fn is_rule(t: &str) -> bool {
    let t = t.trim();
    if matches!(t, "<hr>" | "<hr/>" | "<hr />") {
        return true;
    }
    let compact: String = t.chars().filter(|c| !c.is_whitespace()).collect();
    compact.len() >= 3
        && ["-", "*", "_"]
            .iter()
            .any(|m| compact.chars().all(|c| c.to_string() == *m))
}

/// A list item marker: (ordered, number, text after the marker).
fn list_item(t: &str) -> Option<(bool, u64, &str)> {
    for marker in ["- ", "* ", "+ "] {
        if let Some(rest) = t.strip_prefix(marker) {
            return Some((false, 0, rest));
        }
    }
    if matches!(t, "-" | "*" | "+") {
        return Some((false, 0, ""));
    }
    let digits = t.bytes().take_while(u8::is_ascii_digit).count();
    if (1..=9).contains(&digits) {
        let rest = &t[digits..];
        if let Some(rest) = rest.strip_prefix(". ").or_else(|| rest.strip_prefix(") ")) {
            let number = t[..digits].parse().unwrap_or(1);
            return Some((true, number, rest));
        }
    }
    None
}

fn is_table_separator(t: &str) -> bool {
    let t = t.trim();
    t.contains('-')
        && t.contains('|')
        && t.chars().all(|c| matches!(c, '|' | '-' | ':' | ' ' | '\t'))
}

fn table_cells(line: &str) -> Vec<&str> {
    let t = line.trim();
    let t = t.strip_prefix('|').unwrap_or(t);
    let t = t.strip_suffix('|').unwrap_or(t);
    t.split('|').map(str::trim).collect()
}

fn render_blocks(lines: &[&str], ctx: &Ctx<'_>, out: &mut String, depth: usize) {
    let mut paragraph: Vec<&str> = Vec::new();
    let flush = |paragraph: &mut Vec<&str>, out: &mut String| {
        if paragraph.is_empty() {
            return;
        }
        out.push_str("<p>");
        for (i, line) in paragraph.iter().enumerate() {
            if i > 0 {
                out.push_str("<br>");
            }
            render_inline(line.trim(), ctx, out, depth);
        }
        out.push_str("</p>");
        paragraph.clear();
    };
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        let t = line.trim_start();
        if t.is_empty() {
            flush(&mut paragraph, out);
            i += 1;
            continue;
        }
        if t.starts_with("```") || t.starts_with("~~~") {
            flush(&mut paragraph, out);
            let fence = &t[..3];
            let mut code = String::new();
            i += 1;
            while i < lines.len() && !lines[i].trim_start().starts_with(fence) {
                if !code.is_empty() {
                    code.push('\n');
                }
                code.push_str(lines[i]);
                i += 1;
            }
            i += 1;
            let _ = write!(
                out,
                "<pre class=\"fc-code\"><code>{}</code></pre>",
                html::text(&code)
            );
            continue;
        }
        if let Some((level, text)) = heading_level(t) {
            flush(&mut paragraph, out);
            let _ = write!(out, "<h{level} class=\"fc-h\">");
            render_inline(text, ctx, out, depth);
            let _ = write!(out, "</h{level}>");
            i += 1;
            continue;
        }
        if is_rule(t) {
            flush(&mut paragraph, out);
            out.push_str("<hr class=\"fc-hr\">");
            i += 1;
            continue;
        }
        if t.starts_with('>') && depth < MAX_DEPTH {
            flush(&mut paragraph, out);
            let mut inner = Vec::new();
            while i < lines.len() {
                let Some(rest) = lines[i].trim_start().strip_prefix('>') else {
                    break;
                };
                inner.push(rest.strip_prefix(' ').unwrap_or(rest));
                i += 1;
            }
            out.push_str("<blockquote>");
            render_blocks(&inner, ctx, out, depth + 1);
            out.push_str("</blockquote>");
            continue;
        }
        if list_item(t).is_some() {
            flush(&mut paragraph, out);
            let mut items: Vec<Item<'_>> = Vec::new();
            while i < lines.len() {
                let line = lines[i];
                let t = line.trim_start();
                if t.is_empty() {
                    break;
                }
                match list_item(t) {
                    // A top-level item of the other kind starts a new list.
                    Some((ordered, _, _))
                        if items.first().is_some_and(|first| {
                            first.ordered != ordered && indent_of(line) <= first.indent + 1
                        }) =>
                    {
                        break
                    }
                    Some((ordered, number, text)) => items.push(Item {
                        indent: indent_of(line),
                        ordered,
                        number,
                        lines: vec![text],
                    }),
                    None => match items.last_mut() {
                        Some(last) if indent_of(line) > last.indent => last.lines.push(t),
                        _ => break,
                    },
                }
                i += 1;
            }
            render_list(&items, ctx, out, depth);
            continue;
        }
        if t.starts_with('|') && i + 1 < lines.len() && is_table_separator(lines[i + 1]) {
            flush(&mut paragraph, out);
            out.push_str("<table class=\"fc-mdtable\"><thead><tr>");
            for cell in table_cells(t) {
                out.push_str("<th>");
                render_inline(cell, ctx, out, depth);
                out.push_str("</th>");
            }
            out.push_str("</tr></thead><tbody>");
            i += 2;
            while i < lines.len() && lines[i].trim_start().starts_with('|') {
                out.push_str("<tr>");
                for cell in table_cells(lines[i]) {
                    out.push_str("<td>");
                    render_inline(cell, ctx, out, depth);
                    out.push_str("</td>");
                }
                out.push_str("</tr>");
                i += 1;
            }
            out.push_str("</tbody></table>");
            continue;
        }
        paragraph.push(line);
        i += 1;
    }
    flush(&mut paragraph, out);
}

struct Item<'a> {
    indent: usize,
    ordered: bool,
    number: u64,
    lines: Vec<&'a str>,
}

/// Renders items whose first one sets the level; more-indented followers nest under the item
/// before them.
fn render_list(items: &[Item<'_>], ctx: &Ctx<'_>, out: &mut String, depth: usize) {
    let Some(first) = items.first() else {
        return;
    };
    let base = first.indent;
    if first.ordered {
        if first.number == 1 {
            out.push_str("<ol>");
        } else {
            let _ = write!(out, "<ol start=\"{}\">", first.number);
        }
    } else {
        out.push_str("<ul>");
    }
    let mut i = 0;
    while i < items.len() {
        let item = &items[i];
        out.push_str("<li>");
        for (n, line) in item.lines.iter().enumerate() {
            if n > 0 {
                out.push_str("<br>");
            }
            render_inline(line, ctx, out, depth);
        }
        i += 1;
        let start = i;
        // Deeper than the limit, indented items stay at this level.
        while i < items.len() && items[i].indent > base + 1 && depth < MAX_DEPTH {
            i += 1;
        }
        if i > start {
            render_list(&items[start..i], ctx, out, depth + 1);
        }
        out.push_str("</li>");
    }
    out.push_str(if first.ordered { "</ol>" } else { "</ul>" });
}

/// Escapes plain text, keeping character references (`&#60;`, `&lt;`) that Feishu asks cards
/// to use for special characters.
fn push_text(s: &str, out: &mut String) {
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&html::text(&rest[..amp]));
        let after = &rest[amp..];
        let entity_len = entity_len(after);
        if entity_len > 0 {
            out.push_str(&after[..entity_len]);
            rest = &after[entity_len..];
        } else {
            out.push_str("&amp;");
            rest = &after[1..];
        }
    }
    out.push_str(&html::text(rest));
}

/// The length of the character reference at the start of `s` (`&amp;`, `&#60;`, `&#x3c;`), or 0.
fn entity_len(s: &str) -> usize {
    let body = &s[1..];
    let (digits, skip): (&dyn Fn(u8) -> bool, usize) =
        if body.starts_with("#x") || body.starts_with("#X") {
            (&|b: u8| b.is_ascii_hexdigit(), 2)
        } else if body.starts_with('#') {
            (&|b: u8| b.is_ascii_digit(), 1)
        } else {
            (&|b: u8| b.is_ascii_alphanumeric(), 0)
        };
    let n = body[skip..].bytes().take_while(|&b| digits(b)).count();
    if n == 0 || n > 8 || body.as_bytes().get(skip + n) != Some(&b';') {
        return 0;
    }
    1 + skip + n + 1
}

/// Finds `delim` after `from` with something between, returning its start.
fn find_closing(s: &str, from: usize, delim: &str) -> Option<usize> {
    let found = s.get(from..)?.find(delim)? + from;
    (found > from).then_some(found)
}

fn is_word_byte(b: Option<&u8>) -> bool {
    b.is_some_and(|b| b.is_ascii_alphanumeric())
}

fn render_inline(s: &str, ctx: &Ctx<'_>, out: &mut String, depth: usize) {
    if depth >= MAX_DEPTH {
        push_text(s, out);
        return;
    }
    let bytes = s.as_bytes();
    let mut plain = 0;
    let mut i = 0;
    while i < bytes.len() {
        let rest = &s[i..];
        let before = i.checked_sub(1).and_then(|p| bytes.get(p));
        let rendered: Option<usize> = match bytes[i] {
            b'\\' if bytes.get(i + 1).is_some_and(u8::is_ascii_punctuation) => {
                push_text(&s[plain..i], out);
                push_text(&s[i + 1..i + 2], out);
                Some(i + 2)
            }
            b'`' => find_closing(s, i + 1, "`").map(|end| {
                push_text(&s[plain..i], out);
                let _ = write!(
                    out,
                    "<code class=\"fc-icode\">{}</code>",
                    html::text(&s[i + 1..end])
                );
                end + 1
            }),
            b'*' | b'_' | b'~' => emphasis(s, i, before, ctx, out, plain, depth),
            b'!' if rest.starts_with("![") => link(s, i + 1, ctx, out, plain, depth, true),
            b'[' => link(s, i, ctx, out, plain, depth, false),
            b'<' => tag(s, i, ctx, out, plain, depth),
            b'h' if !is_word_byte(before)
                && (rest.starts_with("https://") || rest.starts_with("http://")) =>
            {
                let len = rest
                    .find(|c: char| {
                        c.is_whitespace() || matches!(c, '<' | '>' | '"' | '\'' | ')' | ']')
                    })
                    .unwrap_or(rest.len());
                push_text(&s[plain..i], out);
                let url = &rest[..len];
                let _ = write!(
                    out,
                    "<a class=\"fc-link\" href=\"{}\">{}</a>",
                    html::attr(url),
                    html::text(url)
                );
                Some(i + len)
            }
            _ => None,
        };
        match rendered {
            Some(next) => {
                i = next;
                plain = next;
            }
            None => i += s[i..].chars().next().map_or(1, char::len_utf8),
        }
    }
    push_text(&s[plain..], out);
}

/// `**bold**`, `__bold__`, `*italic*`, `_italic_`, `~~strike~~` starting at `i`.
fn emphasis(
    s: &str,
    i: usize,
    before: Option<&u8>,
    ctx: &Ctx<'_>,
    out: &mut String,
    plain: usize,
    depth: usize,
) -> Option<usize> {
    let rest = &s[i..];
    let (delim, open, close) = if rest.starts_with("**") {
        ("**", "<strong>", "</strong>")
    } else if rest.starts_with("__") {
        ("__", "<strong>", "</strong>")
    } else if rest.starts_with("~~") {
        ("~~", "<del>", "</del>")
    } else if rest.starts_with('*') {
        ("*", "<em>", "</em>")
    } else if rest.starts_with('_') {
        ("_", "<em>", "</em>")
    } else {
        return None;
    };
    // Underscores inside words (`snake_case`) are not emphasis.
    if delim.starts_with('_') && is_word_byte(before) {
        return None;
    }
    let inner_start = i + delim.len();
    if s[inner_start..].starts_with(char::is_whitespace) {
        return None;
    }
    let end = find_closing(s, inner_start, delim)?;
    if delim.starts_with('_') && is_word_byte(s.as_bytes().get(end + delim.len())) {
        return None;
    }
    push_text(&s[plain..i], out);
    out.push_str(open);
    render_inline(&s[inner_start..end], ctx, out, depth + 1);
    out.push_str(close);
    Some(end + delim.len())
}

/// `[text](url)` (or `![alt](img_key)` when `image`) whose `[` is at `i`.
fn link(
    s: &str,
    i: usize,
    ctx: &Ctx<'_>,
    out: &mut String,
    plain: usize,
    depth: usize,
    image: bool,
) -> Option<usize> {
    let close = find_closing(s, i + 1, "](")?;
    let url_end = s[close + 2..].find(')')? + close + 2;
    let text = &s[i + 1..close];
    let url = s[close + 2..url_end].trim();
    let start = if image { i - 1 } else { i };
    push_text(&s[plain..start], out);
    if image {
        let _ = write!(
            out,
            "<span class=\"fc-ph fc-ph-inline\" title=\"{}\">{}{}</span>",
            html::attr(url),
            super::icons::IMAGE_SMALL,
            html::text(if text.is_empty() { url } else { text })
        );
    } else {
        link_html(
            html::safe_url(url),
            |out| render_inline(text, ctx, out, depth + 1),
            out,
        );
    }
    Some(url_end + 1)
}

fn link_html(url: Option<&str>, inner: impl FnOnce(&mut String), out: &mut String) {
    match url {
        Some(url) => {
            let _ = write!(out, "<a class=\"fc-link\" href=\"{}\">", html::attr(url));
            inner(out);
            out.push_str("</a>");
        }
        None => {
            out.push_str("<span class=\"fc-link\">");
            inner(out);
            out.push_str("</span>");
        }
    }
}

/// The attributes of a Feishu tag: `key=value`, `key='value'` or `key="value"`.
fn attributes(s: &str) -> Vec<(String, String)> {
    let mut attrs = Vec::new();
    let mut rest = s.trim();
    while !rest.is_empty() {
        let key_len = rest
            .find(|c: char| c == '=' || c.is_whitespace())
            .unwrap_or(rest.len());
        let key = rest[..key_len].to_ascii_lowercase();
        rest = rest[key_len..].trim_start();
        let value;
        if let Some(after) = rest.strip_prefix('=') {
            let after = after.trim_start();
            if let Some(q) = after.chars().next().filter(|c| *c == '\'' || *c == '"') {
                let body = &after[1..];
                let end = body.find(q).unwrap_or(body.len());
                value = body[..end].to_owned();
                rest = body.get(end + 1..).unwrap_or("").trim_start();
            } else {
                let end = after.find(char::is_whitespace).unwrap_or(after.len());
                value = after[..end].to_owned();
                rest = after[end..].trim_start();
            }
        } else {
            value = String::new();
        }
        if !key.is_empty() {
            attrs.push((key, value));
        }
    }
    attrs
}

fn get<'a>(attrs: &'a [(String, String)], key: &str) -> Option<&'a str> {
    attrs
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

/// The end of the content of `<name …>` opened before `from` and the end of its `</name>`,
/// counting nested tags of the same name (one pass, case-insensitive).
fn find_end_tag(s: &str, from: usize, name: &str) -> Option<(usize, usize)> {
    let open = format!("<{name}");
    let close = format!("</{name}>");
    let bytes = s.as_bytes();
    let starts = |at: usize, pat: &str| {
        bytes
            .get(at..at + pat.len())
            .is_some_and(|b| b.eq_ignore_ascii_case(pat.as_bytes()))
    };
    let mut level = 1;
    let mut at = from;
    while let Some(p) = s.get(at..)?.find('<') {
        let p = p + at;
        if starts(p, &close) {
            level -= 1;
            if level == 0 {
                return Some((p, p + close.len()));
            }
            at = p + close.len();
        } else if starts(p, &open)
            && matches!(bytes.get(p + open.len()), Some(b' ' | b'>' | b'/' | b'\t'))
        {
            level += 1;
            at = p + open.len();
        } else {
            at = p + 1;
        }
    }
    None
}

/// The Feishu tags Feishu's markdown accepts, starting at `i`; anything else is text.
fn tag(
    s: &str,
    i: usize,
    ctx: &Ctx<'_>,
    out: &mut String,
    plain: usize,
    depth: usize,
) -> Option<usize> {
    let rest = &s[i + 1..];
    let name_len = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(rest.len());
    let name = rest[..name_len].to_ascii_lowercase();
    let gt = rest.find('>')?;
    if gt < name_len {
        return None;
    }
    let raw_attrs = rest[name_len..gt].trim();
    let self_closing = raw_attrs.ends_with('/');
    let attrs = attributes(raw_attrs.trim_end_matches('/'));
    let open_end = i + 1 + gt + 1;
    let (inner, after) = if self_closing {
        ("", open_end)
    } else {
        match find_end_tag(s, open_end, &name) {
            Some((inner_end, after)) => (&s[open_end..inner_end], after),
            None => ("", open_end),
        }
    };
    let mut html_out = String::new();
    let o = &mut html_out;
    match name.as_str() {
        "br" => o.push_str("<br>"),
        "hr" => o.push_str("<hr class=\"fc-hr\">"),
        "font" => {
            let color = get(&attrs, "color").and_then(|c| palette::color_name(ctx.card, c));
            match color {
                Some(c) => {
                    let _ = write!(o, "<span style=\"color:{c}\">");
                }
                None => o.push_str("<span>"),
            }
            render_inline(inner, ctx, o, depth + 1);
            o.push_str("</span>");
        }
        "at" => {
            let who = if !inner.trim().is_empty() {
                inner.trim().to_owned()
            } else if let Some(id) = get(&attrs, "id").or_else(|| get(&attrs, "ids")) {
                if id == "all" {
                    ctx.everyone().to_owned()
                } else {
                    id.to_owned()
                }
            } else {
                get(&attrs, "email").unwrap_or("").to_owned()
            };
            let _ = write!(o, "<span class=\"fc-at\">@{}</span>", html::text(&who));
        }
        "person" => {
            let id = get(&attrs, "id").unwrap_or("");
            let _ = write!(o, "<span class=\"fc-at\">@{}</span>", html::text(id));
        }
        "a" | "link" => {
            let url = ["href", "url", "pc_url"]
                .iter()
                .find_map(|k| get(&attrs, k))
                .and_then(html::safe_url);
            let text = if inner.is_empty() {
                url.unwrap_or("")
            } else {
                inner
            };
            link_html(url, |o| render_inline(text, ctx, o, depth + 1), o);
        }
        "text_tag" => {
            let family = get(&attrs, "color").unwrap_or("blue");
            let (bg, fg) = palette::tint(family);
            let _ = write!(
                o,
                "<span class=\"fc-tag\" style=\"background:{bg};color:{fg}\">"
            );
            render_inline(inner, ctx, o, depth + 1);
            o.push_str("</span>");
        }
        "number_tag" => {
            let mut css = String::new();
            if let Some(bg) =
                get(&attrs, "background_color").and_then(|c| palette::color_name(ctx.card, c))
            {
                let _ = write!(css, "background:{bg};");
            }
            if let Some(fg) =
                get(&attrs, "font_color").and_then(|c| palette::color_name(ctx.card, c))
            {
                let _ = write!(css, "color:{fg};");
            }
            if css.is_empty() {
                o.push_str("<span class=\"fc-num\">");
            } else {
                let _ = write!(o, "<span class=\"fc-num\" style=\"{css}\">");
            }
            push_text(inner, o);
            o.push_str("</span>");
        }
        "raw" => push_text(inner, o),
        "local_datetime" => {
            let ms = get(&attrs, "millisecond").and_then(|v| v.trim().parse::<i64>().ok());
            let text = ms.map_or_else(|| "—".to_owned(), format_millis);
            let _ = write!(o, "<span class=\"fc-date\">{}</span>", html::text(&text));
        }
        "audio" => o.push_str("<span class=\"fc-ph fc-ph-inline\">▶ audio</span>"),
        _ => return None,
    }
    push_text(&s[plain..i], out);
    out.push_str(&html_out);
    Some(after)
}

/// `YYYY-MM-DD HH:MM` of a Unix time in milliseconds, in China Standard Time (UTC+8), the zone
/// most Feishu users read cards in.
pub(crate) fn format_millis(ms: i64) -> String {
    let secs = ms.div_euclid(1000) + 8 * 3600;
    let days = secs.div_euclid(86_400);
    let in_day = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}",
        in_day / 3600,
        (in_day % 3600) / 60
    )
}

/// The proleptic Gregorian date of a day count since 1970-01-01 (Howard Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Card;
    use crate::preview::Options;

    fn md(src: &str) -> String {
        let card = Card::new();
        let options = Options::default();
        blocks(src, &Ctx::new(&card, &options))
    }

    #[test]
    fn emphasis_links_and_code() {
        assert_eq!(
            md("**粗体** *斜体* ~~删除线~~ `a<b`"),
            "<p><strong>粗体</strong> <em>斜体</em> <del>删除线</del> <code class=\"fc-icode\">a&lt;b</code></p>"
        );
        assert_eq!(
            md("[docs](https://x.y/?a=1&b=2)"),
            "<p><a class=\"fc-link\" href=\"https://x.y/?a=1&amp;b=2\">docs</a></p>"
        );
        assert_eq!(md("snake_case_name"), "<p>snake_case_name</p>");
    }

    #[test]
    fn blocks_of_every_kind() {
        let html =
            md("# Title\n- a\n    - b\n1. one\n> quote\n\n---\n```\n<x>\n```\n| h |\n|---|\n| c |");
        for part in [
            "<h1 class=\"fc-h\">Title</h1>",
            "<ul><li>a<ul><li>b</li></ul></li></ul>",
            "<ol><li>one</li></ol>",
            "<blockquote><p>quote</p></blockquote>",
            "<hr class=\"fc-hr\">",
            "<pre class=\"fc-code\"><code>&lt;x&gt;</code></pre>",
            "<th>h</th>",
            "<td>c</td>",
        ] {
            assert!(html.contains(part), "{part} missing from {html}");
        }
    }

    #[test]
    fn feishu_tags() {
        let html = md("<font color='red'>hot</font> <at id=all></at> <at id=ou_1></at> <text_tag color='green'>ok</text_tag><br>x");
        assert!(
            html.contains("<span style=\"color:#f54a45\">hot</span>"),
            "{html}"
        );
        assert!(html.contains("@all"), "{html}");
        assert!(html.contains("@ou_1"), "{html}");
        assert!(html.contains("class=\"fc-tag\""), "{html}");
        assert!(html.contains("ok</span><br>x"), "{html}");
        assert!(
            md("<font color=red><font color=blue>in</font></font>").contains("in</span></span>")
        );
    }

    #[test]
    fn hostile_text_stays_text() {
        let html = md("<script>alert(1)</script> <img src=x onerror=alert(1)> [x](javascript:alert(1)) <a href=\"javascript:alert(1)\">y</a> <font color=\"red;background:url(x)\">z</font>");
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("<img"), "{html}");
        assert!(!html.contains("javascript:"), "{html}");
        assert!(!html.contains("url(x)"), "{html}");
        assert!(html.contains("&lt;script&gt;"), "{html}");
    }

    #[test]
    fn entities_are_kept_and_bare_ampersands_escaped() {
        assert_eq!(md("&#60;b&#62; & &amp;"), "<p>&#60;b&#62; &amp; &amp;</p>");
    }

    #[test]
    fn deep_nesting_does_not_exhaust_the_stack() {
        let deep = "<font color=red>".repeat(5000) + "x" + &"</font>".repeat(5000);
        assert!(md(&deep).contains('x'));
        let quotes = ">".repeat(10_000) + " q";
        assert!(md(&quotes).contains('q'));
        let list: String = (0..3000)
            .map(|n| format!("{}- i{n}\n", " ".repeat(n)))
            .collect();
        assert!(md(&list).contains("i2999"));
        let stars = "**".repeat(10_000);
        let _ = md(&stars);
    }

    #[test]
    fn dates() {
        assert_eq!(format_millis(0), "1970-01-01 08:00");
        assert_eq!(format_millis(1_711_929_600_000), "2024-04-01 08:00");
    }
}
