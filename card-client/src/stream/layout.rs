//! The cards of a stream: putting text into a card, measuring it, and choosing where a long
//! answer moves on to the next card.

use card_core::model::{Card, Element, Header, Markdown, PlainText};
use serde_json::{json, Map, Value};

/// Feishu refuses cards whose compact JSON is larger than this (200860 / 230025): the
/// registry's limit.
pub(crate) const FEISHU_CARD_BYTES: usize = card_core::registry::LIMITS.max_bytes;

/// Calls `f` on the first object, depth first, whose `element_id` is `id`; whether one was
/// found.
pub(crate) fn with_element(
    value: &mut Value,
    id: &str,
    f: &mut dyn FnMut(&mut Map<String, Value>),
) -> bool {
    match value {
        Value::Object(map) => {
            if map.get("element_id").and_then(Value::as_str) == Some(id) {
                f(map);
                return true;
            }
            map.values_mut().any(|v| with_element(v, id, f))
        }
        Value::Array(items) => items.iter_mut().any(|v| with_element(v, id, f)),
        _ => false,
    }
}

/// The `tag` of the element `id`, if the card has it.
pub(crate) fn element_tag(card: &Value, id: &str) -> Option<String> {
    let mut card = card.clone();
    let mut tag = None;
    with_element(&mut card, id, &mut |el| {
        tag = Some(
            el.get("tag")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_owned(),
        );
    });
    tag
}

/// The card a stream shows when the caller gives none: an empty markdown element `id`, under a
/// title bar when there is a `header`.
pub(crate) fn default_card(id: &str, header: Option<&str>) -> Value {
    let mut card = Card::new().element(Markdown::new("").element_id(id.to_owned()));
    if let Some(title) = header {
        card = card.header(Header::new(PlainText::new(title.to_owned())));
    }
    card.to_value()
}

/// An element as JSON, with its tag.
fn element_json(element: impl Into<Element>) -> Value {
    serde_json::to_value(element.into()).unwrap_or(Value::Null)
}

/// `card` with `streaming_mode` set to `on` and the element `id` showing `text`. When the card
/// has no such element, a markdown element with that id is put first in the body.
pub(crate) fn render(card: &Value, id: &str, text: &str, streaming: bool) -> Value {
    let mut card = card.clone();
    let found = with_element(&mut card, id, &mut |el| {
        el.insert("content".into(), Value::String(text.to_owned()));
    });
    let Value::Object(root) = &mut card else {
        return card;
    };
    if !found {
        let element = element_json(Markdown::new(text.to_owned()).element_id(id.to_owned()));
        let body = root
            .entry("body")
            .or_insert_with(|| json!({}))
            .as_object_mut();
        if let Some(body) = body {
            match body
                .entry("elements")
                .or_insert_with(|| json!([]))
                .as_array_mut()
            {
                Some(elements) => elements.insert(0, element),
                None => {
                    body.insert("elements".into(), json!([element]));
                }
            }
        }
    }
    root.entry("schema").or_insert_with(|| json!("2.0"));
    let config = root.entry("config").or_insert_with(|| json!({}));
    if !config.is_object() {
        *config = json!({});
    }
    if let Some(config) = config.as_object_mut() {
        config.insert("streaming_mode".into(), Value::Bool(streaming));
    }
    card
}

/// Compact JSON size of `card`, as Feishu measures the 30 KB limit.
pub(crate) fn card_bytes(card: &Value) -> usize {
    serde_json::to_string(card)
        .map(|s| s.len())
        .unwrap_or(usize::MAX)
}

/// How many bytes `c` takes inside a JSON string (serde_json's escapes).
fn escaped_len(c: char) -> usize {
    match c {
        '"' | '\\' | '\n' | '\r' | '\t' | '\u{8}' | '\u{c}' => 2,
        c if (c as u32) < 0x20 => 6,
        c => c.len_utf8(),
    }
}

/// Room for text in one card: bytes inside the JSON string, and characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Room {
    pub bytes: usize,
    pub chars: usize,
}

impl Room {
    /// Whether all of `text` fits.
    pub(crate) fn fits(self, text: &str) -> bool {
        let mut bytes = 0;
        let mut chars = 0;
        for c in text.chars() {
            bytes += escaped_len(c);
            chars += 1;
            if bytes > self.bytes || chars > self.chars {
                return false;
            }
        }
        true
    }

    /// Where `text` moves on to the next card: the end of its longest prefix that fits, moved
    /// back to a paragraph, line or word break when one lies in the second half of that prefix,
    /// so cards end where a reader expects a pause. Always on a character boundary; 0 only when
    /// not even the first character fits.
    pub(crate) fn split(self, text: &str) -> usize {
        let mut bytes = 0;
        let mut chars = 0;
        let mut end = 0;
        for (i, c) in text.char_indices() {
            bytes += escaped_len(c);
            chars += 1;
            if bytes > self.bytes || chars > self.chars {
                break;
            }
            end = i + c.len_utf8();
        }
        if end == text.len() {
            return end;
        }
        let head = &text[..end];
        for brk in ["\n\n", "\n", " "] {
            if let Some(at) = head.rfind(brk) {
                let cut = at + brk.len();
                if cut > end / 2 {
                    return cut;
                }
            }
        }
        end
    }

    /// Where the last card of `text` starts so that the rest fits: the start of its longest
    /// suffix that fits, moved forward past a paragraph, line or word break when one lies in the
    /// first half of that suffix. Always on a character boundary.
    pub(crate) fn split_tail(self, text: &str) -> usize {
        let mut bytes = 0;
        let mut chars = 0;
        let mut start = text.len();
        for (i, c) in text.char_indices().rev() {
            bytes += escaped_len(c);
            chars += 1;
            if bytes > self.bytes || chars > self.chars {
                break;
            }
            start = i;
        }
        if start == 0 {
            return 0;
        }
        let tail = &text[start..];
        let half = tail.len() / 2;
        for brk in ["\n\n", "\n", " "] {
            let near = tail
                .match_indices(brk)
                .take_while(|(at, _)| *at <= half)
                .last();
            if let Some((at, _)) = near {
                return start + at + brk.len();
            }
        }
        start
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn room(bytes: usize) -> Room {
        Room {
            bytes,
            chars: usize::MAX,
        }
    }

    #[test]
    fn render_sets_the_text_and_the_streaming_mode() {
        let card = json!({"schema": "2.0", "body": {"elements": [
            {"tag": "column_set", "columns": [{"tag": "column", "elements": [
                {"tag": "markdown", "element_id": "answer", "content": "old"}
            ]}]}
        ]}});
        let out = render(&card, "answer", "new \"text\"", true);
        assert_eq!(
            out["body"]["elements"][0]["columns"][0]["elements"][0]["content"],
            "new \"text\""
        );
        assert_eq!(out["config"]["streaming_mode"], true);
        let off = render(&out, "answer", "x", false);
        assert_eq!(off["config"]["streaming_mode"], false);
    }

    #[test]
    fn render_adds_the_element_when_the_card_lacks_it() {
        let card = json!({"schema": "2.0", "body": {"elements": [{"tag": "hr"}]}});
        let out = render(&card, "answer", "hi", false);
        assert_eq!(out["body"]["elements"][0]["element_id"], "answer");
        assert_eq!(out["body"]["elements"][0]["content"], "hi");
        assert_eq!(out["body"]["elements"][1]["tag"], "hr");
        let bare = render(&json!({}), "answer", "hi", false);
        assert_eq!(bare["body"]["elements"][0]["content"], "hi");
    }

    #[test]
    fn the_added_element_is_a_markdown_element_with_the_id_and_the_text() {
        let out = render(&json!({"schema": "2.0"}), "answer", "hi", true);
        assert_eq!(
            out,
            json!({"schema": "2.0", "config": {"streaming_mode": true}, "body": {"elements": [
                {"tag": "markdown", "element_id": "answer", "content": "hi"}
            ]}})
        );
    }

    #[test]
    fn the_default_card_holds_an_empty_markdown_element_under_an_optional_title() {
        let bare = json!({"schema": "2.0", "body": {"elements": [
            {"tag": "markdown", "element_id": "answer", "content": ""}
        ]}});
        assert_eq!(default_card("answer", None), bare);
        let mut titled = bare;
        titled["header"] = json!({"title": {"tag": "plain_text", "content": "Report"}});
        assert_eq!(default_card("answer", Some("Report")), titled);
    }

    #[test]
    fn card_size_grows_by_the_escaped_text() {
        let card = json!({"schema": "2.0", "body": {"elements": [
            {"tag": "markdown", "element_id": "a", "content": ""}
        ]}});
        let base = card_bytes(&render(&card, "a", "", true));
        for text in [
            "plain",
            "line\nbreak \"quoted\" \\",
            "中文 ✓",
            "\u{1}\u{1f}",
        ] {
            let expected: usize = text.chars().map(escaped_len).sum();
            assert_eq!(
                card_bytes(&render(&card, "a", text, true)),
                base + expected,
                "{text:?}"
            );
        }
    }

    #[test]
    fn split_prefers_breaks_and_respects_both_limits() {
        let text = "first paragraph.\n\nsecond one goes on";
        let cut = room(25).split(text);
        assert_eq!(&text[..cut], "first paragraph.\n\n");
        assert_eq!(room(1000).split(text), text.len());
        let words = "aaaa bbbb cccc";
        assert_eq!(&words[..room(12).split(words)], "aaaa bbbb ");
        let solid = "abcdefghij";
        assert_eq!(room(4).split(solid), 4);
        let wide = "中文中文";
        assert_eq!(room(7).split(wide), 6);
        let by_chars = Room {
            bytes: 1000,
            chars: 3,
        };
        assert_eq!(by_chars.split(solid), 3);
        assert!(by_chars.fits("abc") && !by_chars.fits("abcd"));
        assert!(room(4).fits("a\"b") && !room(3).fits("a\"b"));
    }

    #[test]
    fn split_tail_leaves_a_fitting_suffix() {
        let text = "one two three four";
        let start = room(9).split_tail(text);
        assert!(room(9).fits(&text[start..]));
        assert_eq!(&text[start..], "four");
        assert_eq!(room(100).split_tail(text), 0);
        let wide = "中文中文";
        assert_eq!(room(7).split_tail(wide), 6);
    }
}
