//! The markup of a `card!` invocation as a tree that keeps every token's span.

use proc_macro2::{Span, TokenStream};
use syn::{Expr, LitStr, Pat};

/// `<tag attr=value …> children </tag>`.
pub struct Tag {
    /// The tag name as written (`column_set`).
    pub name: String,
    /// Span of the tag name in the open tag.
    pub span: Span,
    /// Attributes in source order.
    pub attrs: Vec<Attr>,
    /// Children in source order.
    pub children: Vec<Child>,
    /// Written `<tag/>`: no children at all, as opposed to `<tag></tag>`, an empty list.
    pub self_closing: bool,
}

impl Tag {
    /// The attribute with this name, if written.
    pub fn attr(&self, name: &str) -> Option<&Attr> {
        self.attrs.iter().find(|a| a.name == name)
    }
}

/// `name=value`, or a bare `name`.
pub struct Attr {
    /// The attribute name as written (`horizontal_spacing`, `for`).
    pub name: String,
    /// Span of the name.
    pub span: Span,
    /// What follows `=`.
    pub value: Value,
}

/// An attribute's value.
pub enum Value {
    /// A bare attribute: `disabled` means `disabled=true`.
    Flag,
    /// A string literal, with its value.
    Str(LitStr, String),
    /// An integer literal, possibly negative (value, span).
    Int(i128, Span),
    /// A float literal, possibly negative (value, span).
    Float(f64, Span),
    /// `true` / `false`.
    Bool(bool, Span),
    /// Any other Rust expression, usually in braces.
    Expr(Expr),
    /// Braced tokens that do not parse as an expression yet (kept for the IDE).
    Invalid(TokenStream),
}

impl Value {
    /// The span to point at when the value is wrong.
    pub fn span(&self, attr_span: Span) -> Span {
        use syn::spanned::Spanned;
        match self {
            Value::Flag => attr_span,
            Value::Str(s, _) => s.span(),
            Value::Int(_, s) | Value::Float(_, s) | Value::Bool(_, s) => *s,
            Value::Expr(e) => e.span(),
            Value::Invalid(t) => t.span(),
        }
    }
}

/// A child of a tag.
// The tree lives for one macro call; boxing tags would only add allocations.
#[allow(clippy::large_enum_variant)]
pub enum Child {
    /// A nested tag.
    Tag(Tag),
    /// A string literal: the text of the parent, with its value.
    Text(LitStr, String),
    /// `{expr}`: one element, an `Option`, or any iterator of elements.
    Splice(Expr),
    /// Braced tokens that do not parse yet (kept for the IDE).
    Invalid(TokenStream),
    /// `@if cond { … } else if … { … } else { … }`.
    If(If),
    /// `@for pat in expr { … }`.
    For(For),
    /// `@match expr { pat => { … } … }`.
    Match(Match),
}

/// `@if` with its branches.
pub struct If {
    /// `cond` of `if cond`, possibly `let Some(x) = y`.
    pub cond: Expr,
    /// The children when the condition holds.
    pub then: Vec<Child>,
    /// `else if` / `else`.
    pub otherwise: Option<Else>,
}

/// The `else` part of an `@if`.
pub enum Else {
    /// `else if …`.
    If(Box<If>),
    /// `else { … }`.
    Block(Vec<Child>),
}

/// `@for pat in expr { … }`.
pub struct For {
    /// The loop pattern.
    pub pat: Pat,
    /// The iterated expression.
    pub expr: Expr,
    /// The children repeated per item.
    pub body: Vec<Child>,
}

/// `@match expr { … }`.
pub struct Match {
    /// The scrutinee.
    pub expr: Expr,
    /// Each arm's pattern and children.
    pub arms: Vec<(Pat, Vec<Child>)>,
}

impl Child {
    /// Every tag among these children, including those inside `@if`, `@for` and `@match`, with
    /// whether it may be produced more than once (inside a loop) or not at all (inside a branch).
    pub fn visit_tags<'a>(children: &'a [Child], f: &mut dyn FnMut(&'a Tag, Multiplicity)) {
        fn walk<'a>(
            children: &'a [Child],
            m: Multiplicity,
            f: &mut dyn FnMut(&'a Tag, Multiplicity),
        ) {
            for child in children {
                match child {
                    Child::Tag(t) => f(t, m),
                    Child::If(i) => walk_if(i, m, f),
                    Child::For(l) => walk(&l.body, Multiplicity::Many, f),
                    Child::Match(mt) => {
                        for (_, body) in &mt.arms {
                            walk(body, m.at_most_once(), f)
                        }
                    }
                    Child::Text(..) | Child::Splice(_) | Child::Invalid(_) => {}
                }
            }
        }
        fn walk_if<'a>(i: &'a If, m: Multiplicity, f: &mut dyn FnMut(&'a Tag, Multiplicity)) {
            walk(&i.then, m.at_most_once(), f);
            match &i.otherwise {
                Some(Else::If(e)) => walk_if(e, m, f),
                Some(Else::Block(b)) => walk(b, m.at_most_once(), f),
                None => {}
            }
        }
        walk(children, Multiplicity::Once, f)
    }
}

/// How many times a tag in the markup ends up in the card.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Multiplicity {
    /// Exactly once.
    Once,
    /// Once or not at all (a branch of `@if`/`@match`).
    AtMostOnce,
    /// Any number of times (inside `@for`).
    Many,
}

impl Multiplicity {
    fn at_most_once(self) -> Self {
        match self {
            Multiplicity::Once => Multiplicity::AtMostOnce,
            other => other,
        }
    }
}
