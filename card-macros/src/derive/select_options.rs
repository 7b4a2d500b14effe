//! `#[derive(SelectOptions)]`.

use proc_macro2::TokenStream;
use quote::quote;
use syn::{Data, DeriveInput, Fields, LitStr};

struct Opt<'a> {
    ident: &'a syn::Ident,
    value: String,
    text: String,
}

pub fn derive(input: DeriveInput) -> TokenStream {
    match try_derive(&input) {
        Ok(tokens) => tokens,
        Err(err) => err.to_compile_error(),
    }
}

fn snake_case(ident: &str) -> String {
    let mut out = String::new();
    for (i, c) in ident.chars().enumerate() {
        if c.is_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.extend(c.to_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

fn try_derive(input: &DeriveInput) -> syn::Result<TokenStream> {
    let Data::Enum(data) = &input.data else {
        return Err(syn::Error::new_spanned(
            &input.ident,
            "`SelectOptions` can only be derived for enums: each unit variant is one option",
        ));
    };
    if !input.generics.params.is_empty() {
        return Err(syn::Error::new_spanned(
            &input.generics,
            "`SelectOptions` cannot be derived for a generic enum",
        ));
    }
    let mut errors = super::Errors::default();
    let mut opts: Vec<Opt> = Vec::new();
    for v in &data.variants {
        if !matches!(v.fields, Fields::Unit) {
            errors.push(syn::Error::new_spanned(
                &v.fields,
                "an option is a unit variant: remove the fields",
            ));
            continue;
        }
        let name = v.ident.to_string();
        let mut value = snake_case(&name);
        let mut text = name.clone();
        for attr in v.attrs.iter().filter(|a| a.path().is_ident("option")) {
            let res = attr.parse_nested_meta(|meta| {
                if meta.path.is_ident("value") {
                    let lit: LitStr = meta.value()?.parse()?;
                    if lit.value().is_empty() {
                        return Err(syn::Error::new_spanned(
                            &lit,
                            "an option value cannot be empty",
                        ));
                    }
                    value = lit.value();
                    Ok(())
                } else if meta.path.is_ident("text") {
                    let lit: LitStr = meta.value()?.parse()?;
                    text = lit.value();
                    Ok(())
                } else {
                    Err(meta.error(
                        "unknown option attribute: expected `value = \"...\"` or `text = \"...\"`",
                    ))
                }
            });
            if let Err(e) = res {
                errors.push(e);
            }
        }
        if let Some(prev) = opts.iter().find(|o| o.value == value) {
            errors.push(syn::Error::new_spanned(
                &v.ident,
                format!(
                    "option value `{value}` is already used by `{}`: values must be unique within a select",
                    prev.ident
                ),
            ));
        }
        opts.push(Opt {
            ident: &v.ident,
            value,
            text,
        });
    }
    if opts.is_empty() && errors.is_empty() {
        errors.push(syn::Error::new_spanned(
            &input.ident,
            "a select needs at least one option: add a variant",
        ));
    }
    errors.finish()?;
    let ident = &input.ident;
    let entries = opts.iter().map(|o| {
        let (v, val, text) = (o.ident, &o.value, &o.text);
        quote! { (#ident::#v, #val, #text) }
    });
    let value_arms = opts.iter().map(|o| {
        let (v, val) = (o.ident, &o.value);
        quote! { #ident::#v => #val }
    });
    let text_arms = opts.iter().map(|o| {
        let (v, text) = (o.ident, &o.text);
        quote! { #ident::#v => #text }
    });
    let from_arms = opts.iter().map(|o| {
        let (v, val) = (o.ident, &o.value);
        quote! { #val => ::core::option::Option::Some(#ident::#v) }
    });
    let expected = format!(
        "one of {}",
        opts.iter()
            .map(|o| format!("`{}`", o.value))
            .collect::<Vec<_>>()
            .join(", ")
    );
    Ok(quote! {
        impl ::feishu_card::__private::SelectOptions for #ident {
            const OPTIONS: &'static [(Self, &'static str, &'static str)] = &[#(#entries),*];
            fn value(&self) -> &'static str {
                match *self { #(#value_arms,)* }
            }
            fn text(&self) -> &'static str {
                match *self { #(#text_arms,)* }
            }
            fn from_value(value: &str) -> ::core::option::Option<Self> {
                match value {
                    #(#from_arms,)*
                    _ => ::core::option::Option::None,
                }
            }
        }

        impl ::feishu_card::__private::FromFormField for #ident {
            const EXPECTED: &'static str = #expected;
            fn from_field(
                value: &::feishu_card::__private::serde_json::Value,
            ) -> ::core::result::Result<Self, ::std::string::String> {
                ::feishu_card::__private::select_option_from_field(value)
            }
        }

        impl ::feishu_card::__private::TakesText for #ident {}
    })
}
