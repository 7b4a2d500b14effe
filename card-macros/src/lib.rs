//! Procedural macros of `feishu-card`: `card!` and the form derives.
//!
//! Use them through the `feishu-card` crate, which documents them.

use proc_macro::TokenStream;

mod card;
mod derive;

/// Builds a card from markup, checked at compile time. Documented in `feishu-card`.
///
/// An unknown tag or attribute is a compile error. What Feishu added since this version is
/// written as JSON, visibly: `<raw json={serde_json::Value}/>` for a whole component, wherever
/// a component may stand, and `raw:name={value}` for one property of a known tag (a name the tag
/// knows is refused, but for an undocumented value of a lenient attribute). The raw parts are judged by the validator at run time; send such a card
/// under `Policy::Lenient` (the `feishu-card` docs, "Components newer than this version").
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
