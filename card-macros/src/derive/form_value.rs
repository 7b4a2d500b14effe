//! `#[derive(FormValue)]`.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::{Data, DeriveInput, Fields, LitStr};

use super::{field_ident, fields_struct_name};

struct Field<'a> {
    ident: &'a syn::Ident,
    ty: &'a syn::Type,
    name: String,
}

pub fn derive(input: DeriveInput) -> TokenStream {
    match try_derive(&input) {
        Ok(tokens) => tokens,
        Err(err) => {
            let ident = &input.ident;
            let err = err.to_compile_error();
            quote! {
                #err
                impl ::feishu_card::__private::FormValue for #ident {
                    fn from_form_value(
                        _: &::feishu_card::__private::serde_json::Map<
                            ::std::string::String,
                            ::feishu_card::__private::serde_json::Value,
                        >,
                    ) -> ::core::result::Result<Self, ::feishu_card::__private::FormError> {
                        ::core::unreachable!()
                    }
                }
            }
        }
    }
}

fn try_derive(input: &DeriveInput) -> syn::Result<TokenStream> {
    let mut deny_unknown = false;
    let mut errors = super::Errors::default();
    for attr in input.attrs.iter().filter(|a| a.path().is_ident("form")) {
        let res = attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("deny_unknown") {
                deny_unknown = true;
                Ok(())
            } else {
                Err(meta.error(
                    "unknown form attribute: on a struct, `#[form(deny_unknown)]` is the only one",
                ))
            }
        });
        if let Err(e) = res {
            errors.push(e);
        }
    }
    let named = match &input.data {
        Data::Struct(s) => match &s.fields {
            Fields::Named(n) => &n.named,
            _ => {
                return Err(syn::Error::new_spanned(
                    &input.ident,
                    "`FormValue` needs a struct with named fields: each field is one form field",
                ))
            }
        },
        _ => {
            return Err(syn::Error::new_spanned(
                &input.ident,
                "`FormValue` can only be derived for structs; for the options of a select, derive `SelectOptions` on an enum",
            ))
        }
    };
    if !input.generics.params.is_empty() {
        errors.push(syn::Error::new_spanned(
            &input.generics,
            "`FormValue` cannot be derived for a generic struct",
        ));
    }
    let mut fields = Vec::new();
    for f in named {
        let ident = f.ident.as_ref().expect("named fields have identifiers");
        let mut name = ident.to_string().trim_start_matches("r#").to_owned();
        for attr in f.attrs.iter().filter(|a| a.path().is_ident("form")) {
            let res = attr.parse_nested_meta(|meta| {
                if meta.path.is_ident("rename") {
                    let lit: LitStr = meta.value()?.parse()?;
                    if lit.value().is_empty() {
                        return Err(syn::Error::new_spanned(
                            &lit,
                            "a form field name cannot be empty",
                        ));
                    }
                    name = lit.value();
                    Ok(())
                } else {
                    Err(meta.error(
                        "unknown form attribute: on a field, `#[form(rename = \"...\")]` is the only one",
                    ))
                }
            });
            if let Err(e) = res {
                errors.push(e);
            }
        }
        if let Some(prev) = fields.iter().find(|p: &&Field| p.name == name) {
            errors.push(syn::Error::new_spanned(
                ident,
                format!(
                    "form field name `{name}` is already used by field `{}`",
                    prev.ident
                ),
            ));
        }
        fields.push(Field {
            ident,
            ty: &f.ty,
            name,
        });
    }
    errors.finish()?;

    let ident = &input.ident;
    let vis = &input.vis;
    let target = ident.to_string();
    let inits = fields.iter().map(|f| {
        let Field { ident, ty, name } = f;
        quote! { #ident: ::feishu_card::__private::form_field::<#ty>(__form, #name)? }
    });
    let unknown = deny_unknown.then(|| {
        let names = fields.iter().map(|f| &f.name);
        quote! {
            for __key in __form.keys() {
                if !::core::matches!(__key.as_str(), #(#names)|*) {
                    return ::core::result::Result::Err(::feishu_card::__private::FormError::Unknown {
                        field: ::core::clone::Clone::clone(__key),
                        target: #target,
                    });
                }
            }
        }
    });
    let shadow = format_ident!("{}", fields_struct_name(&target));
    let slots = fields.iter().map(|f| {
        let name: TokenStream = field_ident(&f.name)
            .parse()
            .expect("field_ident gives an identifier");
        let ty = f.ty;
        quote! { pub #name: ::feishu_card::__private::Slot<#ty> }
    });
    let doc = format!("The form fields of [`{target}`], matched by `card!` at compile time.");
    Ok(quote! {
        impl ::feishu_card::__private::FormValue for #ident {
            fn from_form_value(
                __form: &::feishu_card::__private::serde_json::Map<
                    ::std::string::String,
                    ::feishu_card::__private::serde_json::Value,
                >,
            ) -> ::core::result::Result<Self, ::feishu_card::__private::FormError> {
                #unknown
                ::core::result::Result::Ok(#ident { #(#inits,)* })
            }
        }

        #[doc = #doc]
        #[doc(hidden)]
        #[allow(non_camel_case_types, non_snake_case, dead_code)]
        #[derive(Default)]
        #vis struct #shadow { #(#slots,)* }
    })
}
