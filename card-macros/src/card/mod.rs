//! `card!`: parse → check → expand.

pub mod ast;
pub mod check;
pub mod expand;
pub mod parse;
pub mod shape;

use proc_macro2::TokenStream;
use quote::quote;

/// The whole macro over token streams: parses, checks, and expands. Never panics: malformed
/// markup gives compile errors next to a best-effort expansion.
pub fn card(input: TokenStream) -> TokenStream {
    let parsed = parse::parse(input);
    let mut errors = parsed.errors;
    let syntax = parsed.syntax;
    let mut roots = parsed.roots.into_iter();
    let Some(root) = roots.next() else {
        if errors.is_empty() && syntax.is_empty() {
            errors.push(syn::Error::new(
                proc_macro2::Span::call_site(),
                "`card!` needs markup: write `card! { <card> … </card> }`",
            ));
        }
        let errors = errors.iter().map(syn::Error::to_compile_error);
        return quote! {{
            #syntax
            #(#errors)*
            ::feishu_card::__private::model::Card::default()
        }};
    };
    for extra in roots {
        errors.push(syn::Error::new(
            extra.span,
            "`card!` holds one `<card>`: build several cards with several `card!` calls",
        ));
    }
    let found = check::check(&root);
    errors.extend(found.errors.iter().cloned());
    let warnings = found.warnings.iter().map(|(span, msg)| warning(*span, msg));
    let expansion = expand::card(&root, &found.rejected);
    let errors = errors.iter().map(syn::Error::to_compile_error);
    quote! {{
        #syntax
        #(#errors)*
        #(#warnings)*
        #expansion
    }}
}

/// A compiler warning on stable Rust: the use of a deprecated item, spanned on the token the
/// warning is about, with the message as the deprecation note.
fn warning(span: proc_macro2::Span, message: &str) -> TokenStream {
    let item = proc_macro2::Ident::new("feishu_card_warning", span);
    quote::quote_spanned! {span=>
        {
            #[deprecated(note = #message)]
            #[allow(non_upper_case_globals)]
            const #item: () = ();
            #[allow(clippy::let_unit_value)]
            let _ = #item;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::card;
    use proc_macro2::{Delimiter, TokenStream, TokenTree};
    use std::str::FromStr;

    const VALID: &[&str] = &[
        r#"<card>
            <header template="orange">"确认操作"</header>
            <markdown>"确定要执行此操作吗?"</markdown>
            <column_set horizontal_spacing="8px">
                <column width="auto">
                    <button type="primary_filled" callback={json!({"action": "confirm"})}>"确认"</button>
                </column>
            </column_set>
        </card>"#,
        r#"<card>
            <config update_multi streaming_mode=false/>
            <form name="f" for=Feedback>
                <input name="reason" required placeholder="why"/>
                <select_static name="p" for=Priority/>
                @for x in items { <markdown>{x}</markdown> }
                @if cond { <hr/> } else { <div>"no"</div> }
                @match m { 1 => { <hr/> } _ => { } }
                {extra}
                <raw json={json!({"tag": "new_widget"})}/>
                <button name="go" form_action_type="submit" raw:glow={json!(true)} raw:n=3>"Go"</button>
            </form>
            <table page_size=5>
                <column name="id" data_type="text"/>
                <row id="T1"/>
            </table>
        </card>"#,
    ];

    /// Deterministic pseudo-random numbers (xorshift), so failures reproduce.
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
        fn below(&mut self, n: usize) -> usize {
            (self.next() % n.max(1) as u64) as usize
        }
    }

    /// The tokens with group delimiters removed, so that mutations can break nesting too.
    fn flatten(ts: TokenStream, out: &mut Vec<TokenTree>) {
        for tt in ts {
            match tt {
                TokenTree::Group(g) if g.delimiter() != Delimiter::None && out.len() % 2 == 0 => {
                    flatten(g.stream(), out)
                }
                other => out.push(other),
            }
        }
    }

    /// Mutations of valid markup: truncations at every token, token deletions, swaps and
    /// duplications, and random tokens spliced in; each must give errors or a card, never a panic.
    #[test]
    fn malformed_markup_never_panics() {
        let mut rng = Rng(0x5eed_cafe_f00d_beef);
        let extras = [
            "<", ">", "/", "=", "\"x\"", "{}", "@", "for", "if", "<card>", "</card>", "5", "-",
            "#", "::",
        ];
        let mut runs = 0;
        for source in VALID {
            let stream = TokenStream::from_str(source).expect("valid token stream");
            let tokens: Vec<TokenTree> = stream.clone().into_iter().collect();
            // Truncations.
            for cut in 0..tokens.len() {
                let ts: TokenStream = tokens[..cut].iter().cloned().collect();
                let _ = card(ts);
                runs += 1;
            }
            let mut flat = Vec::new();
            flatten(stream, &mut flat);
            for _ in 0..300 {
                let mut m = flat.clone();
                for _ in 0..=rng.below(3) {
                    let i = rng.below(m.len());
                    match rng.below(4) {
                        0 if !m.is_empty() => {
                            m.remove(i);
                        }
                        1 if m.len() > 1 => {
                            let j = rng.below(m.len());
                            m.swap(i, j);
                        }
                        2 if !m.is_empty() => {
                            let t = m[i].clone();
                            m.insert(i, t);
                        }
                        _ => {
                            let e = extras[rng.below(extras.len())];
                            let ts = TokenStream::from_str(e).unwrap_or_default();
                            for (k, t) in ts.into_iter().enumerate() {
                                m.insert((i + k).min(m.len()), t);
                            }
                        }
                    }
                }
                let _ = card(m.into_iter().collect());
                runs += 1;
            }
        }
        assert!(runs >= 500, "only {runs} inputs were tried");
    }

    /// Measures the checker accepted are written as their parts, never as a string parsed at
    /// run time; text that parsing keeps as written goes through `lit`.
    #[test]
    fn checked_measures_are_written_typed() {
        let expand = |markup: &str| {
            card(TokenStream::from_str(markup).unwrap())
                .to_string()
                .replace(' ', "")
        };
        let out = expand(
            r#"<card><button width="100px">"a"</button><button width="fill">"b"</button>
            <img img_key="k" size="16px 16px"/><table><column name="a" width="20%"/></table></card>"#,
        );
        assert!(out.contains("::px(100u32,\"100px\")"), "{out}");
        assert!(out.contains("::keyword::<"), "{out}");
        assert!(out.contains("keyword::Fill"), "{out}");
        assert!(out.contains("::px_pair(16u32,16u32)"), "{out}");
        assert!(out.contains("::percent(20u32)"), "{out}");
        assert!(!out.contains("::lit("), "{out}");
        let out = expand(r#"<card><button width="0100px">"a"</button></card>"#);
        assert!(out.contains("::lit(\"0100px\")"), "{out}");
    }

    #[test]
    fn errors_come_with_an_expansion() {
        let out = card(
            TokenStream::from_str(r#"<card><buton>"x"</buton><markdown>"ok"</markdown></card>"#)
                .unwrap(),
        )
        .to_string();
        assert!(out.contains("compile_error"), "{out}");
        assert!(
            out.contains("Markdown"),
            "the valid sibling is still built: {out}"
        );
        let out = card(TokenStream::new()).to_string();
        assert!(
            out.contains("compile_error") && out.contains("Card"),
            "{out}"
        );
    }
}
