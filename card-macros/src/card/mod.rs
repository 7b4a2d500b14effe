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
    let def = proc_macro2::Ident::new("feishu_card_warning", proc_macro2::Span::mixed_site());
    let _ = def;
    quote::quote_spanned! {span=>
        {
            #[deprecated(note = #message)]
            #[allow(non_upper_case_globals)]
            const #item: () = ();
            let _ = #item;
        }
    }
}
