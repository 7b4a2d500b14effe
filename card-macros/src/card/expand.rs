//! Writes the Rust code that builds the card. It cannot fail: problems were reported by
//! `check`, and whatever the checker rejected is left out here, so that one mistake does not
//! bring a cascade of follow-on errors.

use card_core::registry::{self, Attr, Component, Container, FormRole, FormValue, Kind};
use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;

use super::ast::{Attr as MAttr, Child, Else, Tag, Value};
use super::check::Rejected;
use super::shape::{self, Place, Sugar};
use crate::derive::{field_ident, fields_struct_name};

/// The path every generated item goes through.
fn private() -> TokenStream {
    quote!(::feishu_card::__private)
}

fn local(name: &str) -> Ident {
    Ident::new(name, Span::mixed_site())
}

/// The Rust field of a JSON key (`type` → `r#type`).
fn field(name: &str, span: Span) -> Ident {
    if syn::parse_str::<Ident>(name).is_ok() {
        Ident::new(name, span)
    } else {
        Ident::new_raw(name, span)
    }
}

/// The model type of a component or sub-element, as the registry names it: `ColumnSet` for
/// `column_set`, and [`MarkdownText`] (a text object, not the `markdown` component) for the
/// collapsible panel's `markdown` title.
///
/// Every record the registry hands out names its type; a record from elsewhere would be named by
/// its tag, which then fails to resolve in the generated code.
///
/// [`MarkdownText`]: card_core::model::MarkdownText
fn model_type(c: &'static Component, span: Span) -> Ident {
    Ident::new(registry::rust_type(c).unwrap_or(c.tag), span)
}

/// The expression building the whole card.
pub fn card(root: &Tag, rejected: &Rejected) -> TokenStream {
    let x = Expander { rejected };
    x.card(root)
}

struct Expander<'r> {
    rejected: &'r Rejected,
}

impl Expander<'_> {
    fn card(&self, root: &Tag) -> TokenStream {
        let p = private();
        let card = local("__card");
        let mut stmts = TokenStream::new();
        let explicit_body = root
            .children
            .iter()
            .any(|c| matches!(c, Child::Tag(t) if t.name == "body"));
        let mut implicit = Vec::new();
        for child in &root.children {
            let place = match child {
                Child::Tag(t) => shape::card_child(&t.name).map(|place| (t, place)),
                _ => None,
            };
            match place {
                Some((t, Place::Object(attr, attrs))) => {
                    stmts.extend(self.object_into(&card, attr, t, attrs));
                }
                Some((t, Place::Body)) => {
                    let body = local("__body");
                    let inner = self.object_body(&body, t, registry::BODY, None);
                    let elements = self.body_elements(&body, t);
                    stmts.extend(quote! {{
                        let #body = #p::slot(&mut #card.body);
                        #inner
                        #elements
                    }});
                }
                // Anything else is a component of the implicit body; with an explicit `<body>`,
                // the checker has refused it.
                _ if !explicit_body => implicit.push(child),
                _ => {}
            }
        }
        if !implicit.is_empty() {
            let body = local("__body");
            let items = self.items(&implicit);
            let reserve = self.reserve(&implicit);
            let list = local("__list");
            stmts.extend(quote! {{
                let #body = #p::slot(&mut #card.body);
                let #list = #p::slot(&mut #body.elements);
                #reserve
                #items
            }});
        }
        // The card's own properties written as attributes (`fallback`, `raw:…`).
        let (attributes, _) = self.attributes(&card, root, registry::CARD, None);
        stmts.extend(attributes);
        let forms = form_links(root);
        quote! {{
            #forms
            let mut #card = #p::model::Card::default();
            #stmts
            #card
        }}
    }

    /// `{ let __o = slot(&mut parent.attr); …attributes and children… }`
    fn object_into(
        &self,
        parent: &Ident,
        attr: &'static Attr,
        t: &Tag,
        attrs: &'static [Attr],
    ) -> TokenStream {
        let p = private();
        let var = local("__obj");
        let f = field(attr.name, t.span);
        let body = self.object_body(&var, t, attrs, None);
        quote! {{
            let #var = #p::slot(&mut #parent.#f);
            #body
        }}
    }

    /// Statements setting the attributes and children of `var` (an object or a component).
    fn object_body(
        &self,
        var: &Ident,
        t: &Tag,
        table: &'static [Attr],
        component: Option<&'static Component>,
    ) -> TokenStream {
        let p = private();
        let (mut out, translations) = self.attributes(var, t, table, component);
        let text_attr = shape::text_attr(table, component);
        for child in &t.children {
            match child {
                Child::Text(lit, _) => {
                    if let Some(attr) = text_attr {
                        let f = field(attr.name, lit.span());
                        out.extend(quote_spanned! {lit.span()=>
                            #p::put(&mut #var.#f, ::core::convert::Into::into(#lit));
                        });
                    }
                }
                Child::Splice(e) if text_is_splice(component, table) => {
                    if let Some(attr) = text_attr {
                        let f = field(attr.name, e.span());
                        out.extend(quote_spanned! {e.span()=>
                            #p::put(&mut #var.#f, ::core::convert::Into::into(#e));
                        });
                    }
                }
                Child::Tag(inner) => {
                    let place = match component {
                        Some(c) => shape::component_child(c, &inner.name),
                        None => shape::object_child(table, &inner.name),
                    };
                    out.extend(self.placed(var, place, inner));
                }
                _ => {}
            }
        }
        if let Some(c) = component {
            if c.children == Some("elements") {
                out.extend(self.elements_into(var, c, t));
            } else if let Some(list) = c.children {
                out.extend(self.computed_items(var, list, &t.children));
            } else if let Some(attr) = shape::object_items(c.attrs) {
                out.extend(self.computed_items(var, attr.name, &t.children));
            } else if shape::entry_lists(c).next().is_some() {
                for child in &t.children {
                    if matches!(child, Child::For(_) | Child::If(_) | Child::Match(_)) {
                        out.extend(self.computed_entry(var, c, child));
                    } else if let (Child::Splice(e), false) =
                        (child, text_is_splice(component, table))
                    {
                        out.extend(self.spliced_entries(var, c, e));
                    }
                }
            }
        } else if let Some(attr) = shape::object_items(table) {
            out.extend(self.computed_items(var, attr.name, &t.children));
        }
        out.extend(translations);
        out
    }

    /// Statements setting the attributes of `var`, and those setting their translations (to
    /// come after the texts themselves, which would replace the translated objects).
    fn attributes(
        &self,
        var: &Ident,
        t: &Tag,
        table: &'static [Attr],
        component: Option<&'static Component>,
    ) -> (TokenStream, TokenStream) {
        let p = private();
        let mut out = TokenStream::new();
        let mut translations = TokenStream::new();
        for a in &t.attrs {
            if let Some(sugar) = shape::sugar(table, component, &a.name) {
                out.extend(self.sugar_attr(var, a, sugar, component));
                continue;
            }
            if self.rejected.attr(a) {
                continue;
            }
            if let Some(key) = a.name.strip_prefix(shape::RAW_PREFIX) {
                let value = Self::json_value(&a.value);
                out.extend(quote_spanned! {a.span=>
                    #var.unknown.insert(#key, #value);
                });
                continue;
            }
            if let Some((base, locale)) = a.name.split_once(':') {
                // After the texts themselves, which would replace the translated objects.
                translations.extend(translation(var, a, base, locale, table));
                continue;
            }
            let Some(attr) = registry::find_attr(table, &a.name) else {
                continue;
            };
            let f = field(attr.name, a.span);
            let value = self.value(a, attr);
            out.extend(quote_spanned! {a.span=> #p::put(&mut #var.#f, #value); });
        }
        (out, translations)
    }

    /// A child tag of `var` that fills one of its attributes (an object, a sub-element, a list
    /// entry); elements are pushed by the list they stand in.
    fn placed(&self, var: &Ident, place: Option<Place>, inner: &Tag) -> TokenStream {
        match place {
            Some(Place::Object(attr, attrs)) => self.object_into(var, attr, inner, attrs),
            Some(Place::Item(attr, sub)) => self.item_into(var, attr, sub, inner),
            Some(Place::ListItem(attr, kind)) => self.list_item_into(var, attr, kind, inner),
            Some(Place::Element) | Some(Place::Body) | None => TokenStream::new(),
        }
    }

    /// Entries of a component's lists produced by `@for`, `@if` and `@match` (`<row>`s,
    /// `<option>`s): each tag goes where it would go written directly.
    fn computed_entry(&self, var: &Ident, c: &'static Component, child: &Child) -> TokenStream {
        match child {
            Child::Tag(inner) if self.rejected.tag(inner) => TokenStream::new(),
            Child::Tag(inner) => self.placed(var, shape::component_child(c, &inner.name), inner),
            Child::Splice(e) => self.spliced_entries(var, c, e),
            Child::Invalid(ts) => quote! { let _ = #ts; },
            Child::Text(..) => TokenStream::new(),
            Child::For(f) => {
                let (pat, expr) = (&f.pat, &f.expr);
                let body = self.computed_entries(var, c, &f.body);
                quote! { for #pat in #expr { #body } }
            }
            Child::If(i) => self.if_entries(var, c, i),
            Child::Match(m) => {
                let expr = &m.expr;
                let arms = m.arms.iter().map(|(pat, body)| {
                    let body = self.computed_entries(var, c, body);
                    quote! { #pat => { #body } }
                });
                quote! { match #expr { #(#arms)* } }
            }
        }
    }

    /// [`computed_entry`](Self::computed_entry) for each of a block's children.
    fn computed_entries(
        &self,
        var: &Ident,
        c: &'static Component,
        children: &[Child],
    ) -> TokenStream {
        children
            .iter()
            .map(|ch| self.computed_entry(var, c, ch))
            .collect()
    }

    fn if_entries(&self, var: &Ident, c: &'static Component, i: &super::ast::If) -> TokenStream {
        let cond = &i.cond;
        let then = self.computed_entries(var, c, &i.then);
        let otherwise = match &i.otherwise {
            Some(Else::If(e)) => {
                let e = self.if_entries(var, c, e);
                quote! { else #e }
            }
            Some(Else::Block(b)) => {
                let b = self.computed_entries(var, c, b);
                quote! { else { #b } }
            }
            None => TokenStream::new(),
        };
        quote! { if #cond { #then } #otherwise }
    }

    /// `{iter}` among a component's entries: appended to its only list of entries.
    fn spliced_entries(&self, var: &Ident, c: &'static Component, e: &syn::Expr) -> TokenStream {
        let p = private();
        let Some(list) = shape::spliced_list(c) else {
            return TokenStream::new();
        };
        let f = field(list.name, e.span());
        quote_spanned! {e.span()=> #p::Children::splice(#p::slot(&mut #var.#f), #e); }
    }

    /// A tagged sub-element child (`<column>`, `<text_tag>`, `<standard_icon>`).
    fn item_into(
        &self,
        var: &Ident,
        attr: &'static Attr,
        sub: &'static Component,
        t: &Tag,
    ) -> TokenStream {
        let p = private();
        let f = field(attr.name, t.span);
        if matches!(attr.kind, Kind::List(_)) {
            self.component_into(quote!(#p::slot(&mut #var.#f)), t, sub)
        } else {
            let value = self.component_expr(t, sub);
            quote! { #p::put(&mut #var.#f, ::core::convert::Into::into(#value)); }
        }
    }

    /// One entry of a list of objects or maps (`<option>`, a table's `<column>`, `<row>`).
    fn list_item_into(
        &self,
        var: &Ident,
        attr: &'static Attr,
        kind: &'static Kind,
        t: &Tag,
    ) -> TokenStream {
        let p = private();
        let f = field(attr.name, t.span);
        let l = local("__items");
        match kind {
            Kind::Object(attrs) => {
                let item = local("__item");
                let body = self.object_body(&item, t, attrs, None);
                quote! {{
                    let #l = #p::slot(&mut #var.#f);
                    #l.push(::core::default::Default::default());
                    if let ::core::option::Option::Some(#item) = #l.last_mut() {
                        #body
                    }
                }}
            }
            _ => {
                let map = local("__map");
                let entries = t.attrs.iter().map(|a| {
                    let key = &a.name;
                    let value = Self::json_value(&a.value);
                    quote_spanned! {a.span=>
                        #p::MapEntry::entry(&mut #map, #key, #value);
                    }
                });
                let n = t.attrs.len();
                quote! {{
                    let mut #map = #p::MapEntry::with_entries(#n);
                    #(#entries)*
                    #p::slot(&mut #var.#f).push(#map);
                }}
            }
        }
    }

    /// An attribute value as free-form JSON.
    fn json_value(v: &Value) -> TokenStream {
        let p = private();
        match v {
            Value::Flag => quote!(#p::serde_json::Value::Bool(true)),
            Value::Bool(b, _) => quote!(#p::serde_json::Value::Bool(#b)),
            Value::Str(lit, _) => quote!(#p::serde_json::Value::from(#lit)),
            Value::Int(i, _) => {
                let lit = proc_macro2::Literal::i128_unsuffixed(*i);
                quote!(#p::serde_json::Value::from(#lit))
            }
            Value::Float(x, _) => {
                let lit = proc_macro2::Literal::f64_unsuffixed(*x);
                quote!(#p::serde_json::Value::from(#lit))
            }
            Value::Expr(e) => computed_json(e),
            Value::Invalid(ts) => quote!(#ts),
        }
    }

    /// Computed children of a list that is not `elements` (`columns`, `text_tag_list`): splices,
    /// and tags inside `@if`/`@for`/`@match`.
    fn computed_items(&self, var: &Ident, list: &str, children: &[Child]) -> TokenStream {
        let p = private();
        let dynamic: Vec<&Child> = children
            .iter()
            .filter(|c| !matches!(c, Child::Tag(_) | Child::Text(..) | Child::Invalid(_)))
            .collect();
        if dynamic.is_empty() {
            return TokenStream::new();
        }
        let l = local("__list");
        let f = field(list, Span::call_site());
        let body = self.items(&dynamic);
        quote! {{
            let #l = #p::slot(&mut #var.#f);
            #body
        }}
    }

    /// Pushes the children of a container into `var.elements`. A container written with a
    /// close tag has an `elements` list even when it is empty (`<column></column>` gives
    /// `"elements": []`); a self-closing one has none.
    fn elements_into(&self, var: &Ident, c: &'static Component, t: &Tag) -> TokenStream {
        let relevant: Vec<&Child> = t
            .children
            .iter()
            .filter(|ch| match ch {
                Child::Text(..) => false,
                Child::Tag(inner) => {
                    matches!(
                        shape::component_child(c, &inner.name),
                        Some(Place::Element) | None
                    )
                }
                _ => true,
            })
            .collect();
        self.list_into(var, t, &relevant)
    }

    /// The components of `<body>`.
    fn body_elements(&self, var: &Ident, t: &Tag) -> TokenStream {
        let relevant: Vec<&Child> = t
            .children
            .iter()
            .filter(|ch| !matches!(ch, Child::Text(..)))
            .collect();
        self.list_into(var, t, &relevant)
    }

    /// Fills `var.elements` with `children`; an explicitly closed tag keeps an empty list.
    fn list_into(&self, var: &Ident, t: &Tag, children: &[&Child]) -> TokenStream {
        if children.is_empty() && t.self_closing {
            return TokenStream::new();
        }
        let p = private();
        let l = local("__list");
        let reserve = self.reserve(children);
        let body = self.items(children);
        quote! {{
            let #l = #p::slot(&mut #var.elements);
            #reserve
            #body
        }}
    }

    /// Room in `__list` for the components written in `children`, made at once: elements are
    /// large, and a list grown one push at a time would move them on every growth.
    fn reserve(&self, children: &[&Child]) -> TokenStream {
        let l = local("__list");
        let written = children
            .iter()
            .filter(|c| matches!(c, Child::Tag(t) if !self.rejected.tag(t)))
            .count();
        if written < 2 {
            return TokenStream::new();
        }
        quote! { #l.reserve(#written); }
    }

    /// Statements pushing children into the list `__list` in scope.
    fn items(&self, children: &[&Child]) -> TokenStream {
        let p = private();
        let l = local("__list");
        let mut out = TokenStream::new();
        for child in children {
            match child {
                Child::Tag(t) if self.rejected.tag(t) => {}
                Child::Tag(t) if t.name == shape::RAW_TAG => out.extend(raw_element(t)),
                Child::Tag(t) => {
                    let component =
                        registry::component(&t.name).or_else(|| registry::sub_element(&t.name));
                    if let Some(c) = component {
                        out.extend(self.component_into(quote!(#l), t, c));
                    }
                }
                Child::Splice(e) => {
                    out.extend(quote_spanned! {e.span()=> #p::Children::splice(#l, #e); });
                }
                Child::Invalid(ts) => {
                    out.extend(quote! { let _ = #ts; });
                }
                Child::For(f) => {
                    let (pat, expr) = (&f.pat, &f.expr);
                    let body = self.items(&f.body.iter().collect::<Vec<_>>());
                    out.extend(quote! { for #pat in #expr { #body } });
                }
                Child::If(i) => out.extend(self.if_items(i)),
                Child::Match(m) => {
                    let expr = &m.expr;
                    let arms = m.arms.iter().map(|(pat, body)| {
                        let body = self.items(&body.iter().collect::<Vec<_>>());
                        quote! { #pat => { #body } }
                    });
                    out.extend(quote! { match #expr { #(#arms)* } });
                }
                Child::Text(..) => {}
            }
        }
        out
    }

    fn if_items(&self, i: &super::ast::If) -> TokenStream {
        let cond = &i.cond;
        let then = self.items(&i.then.iter().collect::<Vec<_>>());
        let otherwise = match &i.otherwise {
            Some(Else::If(e)) => {
                let e = self.if_items(e);
                quote! { else #e }
            }
            Some(Else::Block(b)) => {
                let b = self.items(&b.iter().collect::<Vec<_>>());
                quote! { else { #b } }
            }
            None => TokenStream::new(),
        };
        quote! { if #cond { #then } #otherwise }
    }

    /// The expression building one component or sub-element.
    fn component_expr(&self, t: &Tag, c: &'static Component) -> TokenStream {
        let p = private();
        let ty = model_type(c, t.span);
        let var = local("__c");
        let body = self.object_body(&var, t, c.attrs, Some(c));
        quote! {{
            let mut #var = <#p::model::#ty as ::core::default::Default>::default();
            #body
            #var
        }}
    }

    /// Statements appending one component or sub-element to `list` (a `&mut Vec`) and filling
    /// it where it stands.
    fn component_into(&self, list: TokenStream, t: &Tag, c: &'static Component) -> TokenStream {
        let p = private();
        let ty = model_type(c, t.span);
        let var = local("__c");
        let body = self.object_body(&var, t, c.attrs, Some(c));
        quote_spanned! {t.span=> {
            let #var: &mut #p::model::#ty = #p::Children::emplace(#list);
            #body
        }}
    }

    fn sugar_attr(
        &self,
        var: &Ident,
        a: &MAttr,
        sugar: Sugar,
        component: Option<&'static Component>,
    ) -> TokenStream {
        let is_form = component.is_some_and(|c| c.opens == Some(Container::Form));
        let p = private();
        let span = a.value.span(a.span);
        match (sugar, &a.value) {
            (Sugar::Callback, Value::Expr(e)) => {
                let value = computed_json(e);
                quote_spanned! {span=>
                    #p::slot(&mut #var.behaviors).push(#p::model::Behavior::callback(#value));
                }
            }
            (Sugar::Callback, Value::Str(lit, _)) => quote_spanned! {span=>
                #p::slot(&mut #var.behaviors).push(#p::model::Behavior::callback(#p::serde_json::Value::from(#lit)));
            },
            (Sugar::OpenUrl, Value::Str(lit, _)) => quote_spanned! {span=>
                #p::slot(&mut #var.behaviors).push(#p::model::Behavior::open_url(#lit));
            },
            (Sugar::OpenUrl, Value::Expr(e)) => quote_spanned! {span=>
                #p::slot(&mut #var.behaviors).push(::core::convert::Into::into(#e));
            },
            (Sugar::For, Value::Expr(syn::Expr::Path(path))) if !is_form => quote_spanned! {span=>
                #p::put(&mut #var.options, #p::select_options::<#path, _>());
            },
            _ => TokenStream::new(),
        }
    }

    /// The value of an attribute, converted to the field's type by inference.
    fn value(&self, a: &MAttr, attr: &'static Attr) -> TokenStream {
        let p = private();
        let span = a.value.span(a.span);
        match &a.value {
            Value::Flag => quote_spanned!(span=> true),
            Value::Bool(b, _) => quote_spanned!(span=> #b),
            Value::Str(lit, text) => {
                if Self::takes_text_as_is(&attr.kind) {
                    quote_spanned!(span=> ::core::convert::Into::into(#lit))
                } else if let Some(value) = attr.model_enum.and_then(|t| enum_value(t, text, span))
                {
                    value
                } else if let Some(value) = measure(&attr.kind, text, lit, span) {
                    value
                } else {
                    quote_spanned!(span=> #p::lit(#lit))
                }
            }
            Value::Int(i, _) => {
                let lit = proc_macro2::Literal::i128_unsuffixed(*i);
                quote_spanned!(span=> #p::int(#lit))
            }
            Value::Float(f, _) => {
                let lit = proc_macro2::Literal::f64_unsuffixed(*f);
                quote_spanned!(span=> #p::float(#lit))
            }
            Value::Expr(e) => quote_spanned!(span=> ::core::convert::Into::into(#e)),
            Value::Invalid(ts) => quote!(#ts),
        }
    }

    /// Kinds whose model type is made from a `&'static str` by `Into` (plain strings and text
    /// objects), rather than parsed.
    fn takes_text_as_is(kind: &Kind) -> bool {
        matches!(
            kind,
            Kind::Str
                | Kind::StrMax(_)
                | Kind::ElementId
                | Kind::Text { .. }
                | Kind::Json
                | Kind::Format(_)
        )
    }
}

/// `<raw json={…}/>`: the component read from the JSON value, pushed into `__list`.
fn raw_element(t: &Tag) -> TokenStream {
    let p = private();
    let l = local("__list");
    match t.attr(shape::RAW_JSON).map(|a| &a.value) {
        Some(Value::Expr(e)) => {
            // A place is borrowed, so that the caller keeps its value.
            let value = if is_place(e) {
                quote_spanned!(e.span()=> &(#e))
            } else {
                quote_spanned!(e.span()=> #e)
            };
            quote_spanned! {e.span()=> #p::Children::splice(#l, #p::raw(#value)); }
        }
        Some(Value::Invalid(ts)) => quote! { let _ = #ts; },
        _ => TokenStream::new(),
    }
}

/// Free-form JSON computed by `e`. A `serde_json::Value` (such as a `json!` call) is moved in as
/// it is, or cloned when `e` names a place that the caller keeps; anything else that is
/// `Serialize` is converted.
fn computed_json(e: &syn::Expr) -> TokenStream {
    let p = private();
    let arg = if is_place(e) {
        quote_spanned!(e.span()=> &(#e))
    } else {
        quote_spanned!(e.span()=> #e)
    };
    // Only one of the two traits is used, whichever the value's type selects.
    let traits = quote! {
        #[allow(unused_imports)]
        use #p::callback_value::{Convert as _, Json as _};
    };
    quote_spanned! {e.span()=> {
        #traits
        #p::callback_value::Arg(#arg).json()
    }}
}

/// Whether `e` names a place (`x`, `self.x`, `v[0]`, `*r`) rather than making a value: a place
/// is only borrowed, so that the caller can still use it after the card is built.
fn is_place(e: &syn::Expr) -> bool {
    match e {
        syn::Expr::Path(_) | syn::Expr::Field(_) | syn::Expr::Index(_) => true,
        syn::Expr::Unary(u) => matches!(u.op, syn::UnOp::Deref(_)),
        syn::Expr::Paren(inner) => is_place(&inner.expr),
        syn::Expr::Group(inner) => is_place(&inner.expr),
        _ => false,
    }
}

/// The value of a spelling the checker accepted, as the model enum's variant
/// (`ButtonType::PrimaryFilled`): nothing is parsed at run time.
fn enum_value(t: &registry::EnumType, spelling: &str, span: Span) -> Option<TokenStream> {
    let p = private();
    let ty = Ident::new(t.rust, span);
    let variant = Ident::new(t.variant(spelling)?, span);
    Some(quote_spanned!(span=> #p::model::#ty::#variant))
}

/// A measure the checker accepted (`"100px"`, `"20%"`, `"16px 16px"`, `"fill"`), built from its
/// parts by the field's type (`Width::Px(100)`, `Width::Fill`): nothing is parsed at run time.
/// Only a literal that the model's parsing would give that variant for is written so (`"08px"`
/// is kept as written, as parsing keeps it); anything else is `None`, and goes through `lit`.
fn measure(kind: &Kind, text: &str, lit: &syn::LitStr, span: Span) -> Option<TokenStream> {
    let p = private();
    let kinds = match kind {
        Kind::AnyOf(kinds) => kinds,
        other => std::slice::from_ref(other),
    };
    let is_measure = |k: &Kind| {
        matches!(
            k,
            Kind::Pixels { .. } | Kind::Percent { .. } | Kind::PixelPair { .. }
        )
    };
    for k in kinds {
        match k {
            Kind::Pixels { .. } => {
                if let Some(n) = exact_number(text, "px") {
                    return Some(quote_spanned!(span=> #p::px(#n, #lit)));
                }
            }
            Kind::Percent { .. } => {
                if let Some(n) = exact_number(text, "%") {
                    return Some(quote_spanned!(span=> #p::percent(#n)));
                }
            }
            Kind::PixelPair { .. } => {
                let pair = text
                    .split_once(' ')
                    .and_then(|(w, h)| Some((exact_number(w, "px")?, exact_number(h, "px")?)));
                if let Some((w, h)) = pair {
                    return Some(quote_spanned!(span=> #p::px_pair(#w, #h)));
                }
            }
            Kind::Enum(words) | Kind::Tolerated(words)
                if words.contains(&text) && kinds.iter().any(is_measure) =>
            {
                let marker = card_core::macro_support::KEYWORDS
                    .iter()
                    .find(|m| card_core::macro_support::snake_case(m) == text)?;
                let marker = Ident::new(marker, span);
                return Some(quote_spanned!(span=> #p::keyword::<#p::keyword::#marker, _>()));
            }
            _ => {}
        }
    }
    None
}

/// `"12px"` → 12 when writing 12 back with `unit` gives the same text (no sign, no leading zero,
/// within `u32`): the form the model's parsing turns into a number.
fn exact_number(text: &str, unit: &str) -> Option<u32> {
    let n: u32 = text.strip_suffix(unit)?.parse().ok()?;
    (format!("{n}{unit}") == text).then_some(n)
}

/// `text:en_us="OK"` → a translation in the text object; `i18n_content:en_us="…"` → an entry.
fn translation(
    var: &Ident,
    a: &MAttr,
    base: &str,
    locale: &str,
    table: &'static [Attr],
) -> TokenStream {
    let p = private();
    let Some(attr) = registry::find_attr(table, base) else {
        return TokenStream::new();
    };
    let f = field(attr.name, a.span);
    let value = match &a.value {
        Value::Str(lit, _) => quote!(#lit),
        Value::Expr(e) => quote!(#e),
        _ => return TokenStream::new(),
    };
    // The checker accepts only the locales of the model's `Locale`.
    let Some(locale) = enum_value(&card_core::model::Locale::ENUM, locale, a.span) else {
        return TokenStream::new();
    };
    match attr.kind {
        Kind::Text { .. } => quote_spanned! {a.span=>
            #p::translate(#p::slot(&mut #var.#f), #locale, #value);
        },
        _ => quote_spanned! {a.span=>
            #p::slot(&mut #var.#f).insert(#locale, ::core::convert::Into::into(#value));
        },
    }
}

/// Whether a `{expr}` child is the text of this tag (rather than computed children).
fn text_is_splice(component: Option<&'static Component>, table: &'static [Attr]) -> bool {
    match component {
        Some(c) => {
            c.children.is_none() && c.text_child.is_some() && shape::object_items(c.attrs).is_none()
        }
        None => shape::object_text(table).is_some() && shape::object_items(table).is_none(),
    }
}

/// For every `<form for=Struct>`: code that only compiles when the form has exactly the fields
/// of `Struct`, each of a fitting kind. The checks are rustc's own (a struct pattern without
/// `..`, trait bounds), placed on the tokens of the form and its components.
fn form_links(root: &Tag) -> TokenStream {
    let mut out = TokenStream::new();
    visit_all(root, &mut |t| {
        if let Some(link) = t.attr("for") {
            if registry::component(&t.name).is_some_and(|c| c.opens == Some(Container::Form)) {
                out.extend(form_link(t, link));
            }
        }
    });
    out
}

fn visit_all<'a>(t: &'a Tag, f: &mut dyn FnMut(&'a Tag)) {
    f(t);
    let mut inner = Vec::new();
    Child::visit_tags(&t.children, &mut |c, _| inner.push(c));
    for c in inner {
        visit_all(c, f);
    }
}

struct FormField<'a> {
    name: &'a str,
    name_span: Span,
    value: FormValue,
}

fn form_link(form: &Tag, link: &MAttr) -> TokenStream {
    let Value::Expr(syn::Expr::Path(path)) = &link.value else {
        return TokenStream::new();
    };
    let mut shadow = path.path.clone();
    let Some(last) = shadow.segments.last_mut() else {
        return TokenStream::new();
    };
    last.ident = format_ident!(
        "{}",
        fields_struct_name(&last.ident.to_string()),
        span = last.ident.span()
    );
    let mut fields = Vec::new();
    let mut complete = true;
    collect_fields(&form.children, &mut fields, &mut complete, false);
    let span = link.value.span(link.span);
    let var = local("__fields");
    let mut inits = Vec::new();
    for f in &fields {
        let ident: TokenStream = field_ident(f.name).parse().unwrap_or_default();
        let ident = respan(ident, f.name_span);
        let check = match f.value {
            FormValue::Text => quote_spanned!(f.name_span=> text),
            FormValue::List => quote_spanned!(f.name_span=> list),
            FormValue::Bool => quote_spanned!(f.name_span=> boolean),
            FormValue::Date => quote_spanned!(f.name_span=> date),
            FormValue::Time => quote_spanned!(f.name_span=> time),
            FormValue::DateTime => quote_spanned!(f.name_span=> datetime),
        };
        inits.push(quote_spanned! {f.name_span=>
            #ident: ::feishu_card::__private::link::#check()
        });
    }
    let rest = (!complete).then(|| quote_spanned!(span=> ..::core::default::Default::default()));
    quote_spanned! {span=>
        const _: () = {
            #[allow(non_snake_case, unused_variables, dead_code, clippy::all)]
            fn __feishu_form_link() {
                let #var = #shadow { #(#inits,)* #rest };
            }
        };
    }
}

fn respan(ts: TokenStream, span: Span) -> TokenStream {
    ts.into_iter()
        .map(|mut tt| {
            tt.set_span(span);
            tt
        })
        .collect()
}

fn collect_fields<'a>(
    children: &'a [Child],
    out: &mut Vec<FormField<'a>>,
    complete: &mut bool,
    conditional: bool,
) {
    for child in children {
        match child {
            Child::Tag(t) => {
                if let Some(c) = registry::component(&t.name) {
                    if let FormRole::Field(value) = c.form {
                        match t.attr("name").map(|a| &a.value) {
                            Some(Value::Str(lit, name)) if !conditional => out.push(FormField {
                                name,
                                name_span: lit.span(),
                                value: submitted(c, t, value),
                            }),
                            _ => *complete = false,
                        }
                    }
                }
                collect_fields(&t.children, out, complete, conditional);
            }
            Child::If(_)
            | Child::For(_)
            | Child::Match(_)
            | Child::Splice(_)
            | Child::Invalid(_) => {
                *complete = false;
            }
            Child::Text(..) => {}
        }
    }
}

/// What a component submits: a multiple choice (`select_img` with `multi_select`) submits a
/// list.
fn submitted(c: &'static Component, t: &Tag, value: FormValue) -> FormValue {
    c.submits(|attr| {
        matches!(
            t.attr(attr).map(|a| &a.value),
            Some(Value::Flag | Value::Bool(true, _))
        )
    })
    .unwrap_or(value)
}
