//! Support for the fuzz targets: the `card!` macro's own code, callable outside a proc-macro
//! crate, and a decoder from fuzz bytes to token streams.
//!
//! A proc-macro crate exports only its macros, so `card-macros`' `card` and `derive` modules are
//! compiled into this crate from their source files: the fuzzer exercises exactly the code the
//! compiler runs.

use proc_macro2::{Delimiter, Group, Ident, Literal, Punct, Spacing, Span, TokenStream, TokenTree};
use std::str::FromStr;

#[allow(dead_code, unused_imports)]
#[path = "../../card-macros/src/card/mod.rs"]
mod card;
#[allow(dead_code, unused_imports)]
#[path = "../../card-macros/src/derive/mod.rs"]
mod derive;

/// The whole `card!` macro over a token stream: parse, check, expand.
pub fn card_macro(input: TokenStream) -> TokenStream {
    card::card(input)
}

/// The token stream the fuzz input stands for.
///
/// Input that is UTF-8 text and lexes as Rust tokens is used as written, so seeds are plain
/// markup. Anything else is decoded byte by byte into tokens drawn from the registry's tag and
/// attribute names, markup punctuation, literals and nested groups, so that random bytes still
/// reach the markup parser and the checks rather than stopping at the lexer.
pub fn tokens(data: &[u8]) -> TokenStream {
    if let Ok(text) = std::str::from_utf8(data) {
        if let Ok(stream) = TokenStream::from_str(text) {
            return stream;
        }
    }
    let mut bytes = data.iter().copied();
    decode(&mut bytes, 0)
}

/// Words the markup uses: every tag and attribute name of the registry, the control-flow
/// keywords, and a few values.
fn vocabulary() -> &'static [&'static str] {
    use std::sync::OnceLock;
    static WORDS: OnceLock<Vec<&'static str>> = OnceLock::new();
    WORDS.get_or_init(|| {
        let mut words = vec![
            "card",
            "config",
            "header",
            "body",
            "card_link",
            "for",
            "if",
            "else",
            "match",
            "in",
            "true",
            "false",
            "json",
            "x",
            "Feedback",
            "Priority",
            "row",
            "column",
        ];
        let components = card_core::registry::all_components()
            .chain(card_core::registry::SUB_ELEMENTS.iter().copied());
        for c in components {
            words.push(c.tag);
            words.extend(c.attrs.iter().map(|a| a.name));
        }
        for table in [
            card_core::registry::CARD,
            card_core::registry::CONFIG,
            card_core::registry::HEADER,
        ] {
            words.extend(table.iter().map(|a| a.name));
        }
        words.sort_unstable();
        words.dedup();
        words
    })
}

const PUNCT: &[char] = &[
    '<', '>', '/', '=', '@', '-', '.', ',', ':', ';', '#', '!', '&', '?',
];
const MAX_DEPTH: usize = 12;

fn decode(bytes: &mut impl Iterator<Item = u8>, depth: usize) -> TokenStream {
    let mut out = Vec::new();
    while let Some(b) = bytes.next() {
        let arg = bytes.next().unwrap_or(0) as usize;
        let tree = match b % 8 {
            0 | 1 => {
                let words = vocabulary();
                TokenTree::Ident(Ident::new(words[arg % words.len()], Span::call_site()))
            }
            2 | 3 => {
                let spacing = if arg & 0x80 == 0 {
                    Spacing::Alone
                } else {
                    Spacing::Joint
                };
                TokenTree::Punct(Punct::new(PUNCT[arg % PUNCT.len()], spacing))
            }
            4 => TokenTree::Literal(match arg % 4 {
                0 => Literal::string(&"x".repeat(arg / 4)),
                1 => Literal::u64_unsuffixed(arg as u64),
                2 => Literal::i64_unsuffixed(-(arg as i64)),
                _ => Literal::f64_unsuffixed(arg as f64 / 7.0),
            }),
            5 => {
                let words = vocabulary();
                TokenTree::Literal(Literal::string(words[arg % words.len()]))
            }
            6 if depth < MAX_DEPTH => {
                let delimiter = match arg % 4 {
                    0 => Delimiter::Brace,
                    1 => Delimiter::Parenthesis,
                    2 => Delimiter::Bracket,
                    _ => Delimiter::None,
                };
                TokenTree::Group(Group::new(delimiter, decode(bytes, depth + 1)))
            }
            // Closes the group being decoded.
            _ if depth > 0 => break,
            _ => TokenTree::Punct(Punct::new('>', Spacing::Alone)),
        };
        out.push(tree);
    }
    out.into_iter().collect()
}
