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
    errors.extend(check::check(&root));
    let expansion = expand::card(&root);
    let errors = errors.iter().map(syn::Error::to_compile_error);
    quote! {{
        #syntax
        #(#errors)*
        #expansion
    }}
}
