//! Procedural macros of `feishu-card`: `card!` and the form derives.
//!
//! Use them through the `feishu-card` crate, which documents them.

use proc_macro::TokenStream;

mod card;
mod derive;

/// Builds a card from markup, checked at compile time. Documented in `feishu-card`.
#[proc_macro]
pub fn card(input: TokenStream) -> TokenStream {
    card::card(input.into()).into()
}

/// Decodes a form's submitted values into this struct. Documented in `feishu-card`.
#[proc_macro_derive(FormValue, attributes(form))]
pub fn derive_form_value(input: TokenStream) -> TokenStream {
    match syn::parse::<syn::DeriveInput>(input) {
        Ok(input) => derive::form_value::derive(input).into(),
        Err(err) => err.to_compile_error().into(),
    }
}

/// Makes this enum the options of a select. Documented in `feishu-card`.
#[proc_macro_derive(SelectOptions, attributes(option))]
pub fn derive_select_options(input: TokenStream) -> TokenStream {
    match syn::parse::<syn::DeriveInput>(input) {
        Ok(input) => derive::select_options::derive(input).into(),
        Err(err) => err.to_compile_error().into(),
    }
}
