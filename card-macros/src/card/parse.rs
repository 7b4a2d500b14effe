//! Markup tokens to the [`ast`](super::ast) tree, with recovery: every syntax problem is reported
//! and parsing goes on, so one typo does not hide the rest.

use proc_macro2::{Span, TokenStream};
use quote::ToTokens;
use rstml::node::{
    KVAttributeValue, KeyedAttributeValue, Node, NodeAttribute, NodeBlock, NodeElement, NodeName,
};
use rstml::{Parser, ParserConfig};
use rstml_control_flow::escape::{self, EscapeCode, EscapedExpr};
use syn::parse::{ParseStream, Parser as _};
use syn::spanned::Spanned;
use syn::{Expr, ExprLit, ExprUnary, Lit, UnOp};

use super::ast::{Attr, Child, Else, For, If, Match, Tag, Value};

type RNode = Node<EscapeCode>;

/// The parsed markup: the root tags (normally exactly one `<card>`) and every syntax error.
pub struct Parsed {
    pub roots: Vec<Tag>,
    pub errors: Vec<syn::Error>,
    /// rstml's own diagnostics, already as tokens.
    pub syntax: TokenStream,
}

impl Parsed {
    fn failed(error: syn::Error) -> Parsed {
        Parsed {
            roots: Vec::new(),
            errors: vec![error],
            syntax: TokenStream::new(),
        }
    }
}

/// The first `name(…)` inside a tag (after a `<`, before its `>`), anywhere in `input`: the
/// span of the parentheses and the name.
fn call_like_attr(input: TokenStream) -> Option<(Span, Option<String>)> {
    use proc_macro2::{Delimiter, TokenTree};
    let mut in_tag = false;
    let mut last_ident: Option<String> = None;
    for tree in input {
        match &tree {
            TokenTree::Punct(p) if p.as_char() == '<' => in_tag = true,
            TokenTree::Punct(p) if p.as_char() == '>' => in_tag = false,
            TokenTree::Group(g) if in_tag && g.delimiter() == Delimiter::Parenthesis => {
                if let Some(name) = last_ident.take() {
                    return Some((g.span(), Some(name)));
                }
            }
            TokenTree::Group(g) => {
                if let Some(found) = call_like_attr(g.stream()) {
                    return Some(found);
                }
            }
            _ => {}
        }
        last_ident = match tree {
            TokenTree::Ident(i) => Some(i.to_string()),
            _ => None,
        };
    }
    None
}

/// Parses the tokens of a `card!` invocation.
pub fn parse(input: TokenStream) -> Parsed {
    let config = ParserConfig::new()
        .recover_block(true)
        .custom_node::<EscapeCode>();
    let parser = Parser::new(config);
    // `Parser::parse_recoverable` panics when the parse stops before the end of the input;
    // driving the stream parser ourselves turns that case into an error.
    let parse = |stream: ParseStream| Ok(parser.parse_syn_stream(stream));
    // rstml also panics ("No errors allowed") on an attribute written like a call,
    // `callback({…})`, whose parenthesized tokens it cannot read as patterns: that becomes an
    // error too, pointed at the first such attribute.
    let parsed =
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| parse.parse2(input.clone())));
    let (nodes, diagnostics) = match parsed {
        Ok(Ok(result)) => result.split_vec(),
        Ok(Err(err)) => return Parsed::failed(err),
        Err(_) => {
            let (span, name) = call_like_attr(input).unwrap_or((Span::call_site(), None));
            let message = match name {
                Some(name) => format!(
                    "`{name}(…)` is not markup: write an attribute as `{name}=\"text\"`, `{name}=5` or `{name}={{expression}}`"
                ),
                None => "this markup cannot be parsed: write tags as `<tag name=value>…</tag>`".to_owned(),
            };
            return Parsed::failed(syn::Error::new(span, message));
        }
    };
    let syntax = diagnostics
        .into_iter()
        .map(|d| d.emit_as_expr_tokens())
        .collect::<TokenStream>();
    let mut cx = Cx { errors: Vec::new() };
    let mut roots = Vec::new();
    for node in nodes {
        match node {
            Node::Element(el) => roots.push(cx.tag(el)),
            Node::Comment(_) => {}
            other => cx.error(
                node_span(&other),
                "expected `<card>`: the markup of `card!` is one `<card>…</card>` tag",
            ),
        }
    }
    Parsed {
        roots,
        errors: cx.errors,
        syntax,
    }
}

fn node_span(node: &RNode) -> Span {
    node.to_token_stream().span()
}

struct Cx {
    errors: Vec<syn::Error>,
}

impl Cx {
    fn error(&mut self, span: Span, message: impl std::fmt::Display) {
        self.errors.push(syn::Error::new(span, message));
    }

    fn tag(&mut self, el: NodeElement<EscapeCode>) -> Tag {
        let (name, span) = self.name(&el.open_tag.name);
        let mut attrs = Vec::new();
        for attr in el.open_tag.attributes {
            match attr {
                NodeAttribute::Attribute(kv) => {
                    let (aname, aspan) = self.name(&kv.key);
                    let value = match kv.possible_value {
                        KeyedAttributeValue::None => Value::Flag,
                        KeyedAttributeValue::Value(v) => match v.value {
                            KVAttributeValue::Expr(e) => value_of(e),
                            KVAttributeValue::InvalidBraced(b) => {
                                Value::Invalid(b.to_token_stream())
                            }
                        },
                        KeyedAttributeValue::Binding(b) => {
                            self.error(
                                b.to_token_stream().span(),
                                format!(
                                    "`{aname}(…)` is not an attribute value: write `{aname}={{…}}`"
                                ),
                            );
                            Value::Invalid(TokenStream::new())
                        }
                    };
                    attrs.push(Attr {
                        name: aname,
                        span: aspan,
                        value,
                    });
                }
                NodeAttribute::Block(b) => self.error(
                    b.to_token_stream().span(),
                    "an attribute needs a name: write `name={…}`",
                ),
            }
        }
        let self_closing = el.close_tag.is_none();
        let children = self.children(el.children);
        Tag {
            name,
            span,
            attrs,
            children,
            self_closing,
        }
    }

    fn name(&mut self, name: &NodeName) -> (String, Span) {
        let span = name.span();
        match name {
            NodeName::Path(p) if p.path.segments.len() == 1 && p.qself.is_none() => {
                let ident = p.path.segments[0].ident.to_string();
                (ident.trim_start_matches("r#").to_owned(), span)
            }
            NodeName::Block(_) => {
                self.error(span, "names must be written out, not computed");
                (String::new(), span)
            }
            other => {
                let text = other.to_string();
                (text, span)
            }
        }
    }

    fn children(&mut self, nodes: Vec<RNode>) -> Vec<Child> {
        let mut out = Vec::new();
        for node in nodes {
            match node {
                Node::Element(el) => out.push(Child::Tag(self.tag(el))),
                Node::Text(t) => {
                    let v = t.value.value();
                    out.push(Child::Text(t.value, v))
                }
                Node::Block(NodeBlock::ValidBlock(b)) => {
                    let expr = Expr::Block(syn::ExprBlock {
                        attrs: Vec::new(),
                        label: None,
                        block: b,
                    });
                    out.push(Child::Splice(unbrace(expr)));
                }
                Node::Block(NodeBlock::Invalid(b)) => out.push(Child::Invalid(b.to_token_stream())),
                Node::Fragment(f) => out.extend(self.children(f.children)),
                Node::Comment(_) => {}
                Node::Custom(code) => out.push(self.escaped(code.expression)),
                Node::RawText(raw) => {
                    let span = raw.to_token_stream().span();
                    self.error(
                        span,
                        format!(
                            "text must be a string literal: write `\"{}\"`",
                            raw.to_token_stream_string().replace('"', "\\\"")
                        ),
                    )
                }
                Node::Doctype(d) => self.error(
                    d.to_token_stream().span(),
                    "`<!DOCTYPE>` has no meaning in a card",
                ),
            }
        }
        out
    }

    fn block(&mut self, block: escape::Block) -> Vec<Child> {
        self.children(block.body)
    }

    fn escaped(&mut self, expr: EscapedExpr) -> Child {
        match expr {
            EscapedExpr::If(i) => Child::If(self.if_(i)),
            EscapedExpr::For(f) => Child::For(For {
                pat: f.pat,
                expr: f.expr,
                body: self.block(f.block),
            }),
            EscapedExpr::Match(m) => Child::Match(Match {
                expr: m.expr,
                arms: m
                    .arms
                    .into_iter()
                    .map(|arm| (arm.pat, self.block(arm.body)))
                    .collect(),
            }),
        }
    }

    fn if_(&mut self, i: escape::IfExpr) -> If {
        let then = self.block(i.then_branch);
        let mut otherwise = i
            .else_branch
            .map(|e| Else::Block(self.block(e.then_branch)));
        for else_if in i.else_ifs.into_iter().rev() {
            otherwise = Some(Else::If(Box::new(If {
                cond: else_if.condition,
                then: self.block(else_if.then_branch),
                otherwise,
            })));
        }
        If {
            cond: i.condition,
            then,
            otherwise,
        }
    }
}

/// Reads literal values out of an attribute expression; braces around a literal count as the
/// literal (`page_size={5}`), so that `{…}` means "computed" only when it is.
fn value_of(expr: Expr) -> Value {
    match expr {
        Expr::Lit(ExprLit { lit, .. }) => lit_value(lit, false),
        Expr::Unary(ExprUnary {
            op: UnOp::Neg(_),
            expr: ref inner,
            ..
        }) => match &**inner {
            Expr::Lit(ExprLit {
                lit: lit @ (Lit::Int(_) | Lit::Float(_)),
                ..
            }) => lit_value(lit.clone(), true),
            _ => Value::Expr(expr),
        },
        Expr::Block(ref b) => match &b.block.stmts[..] {
            [syn::Stmt::Expr(lit @ Expr::Lit(_), None)] => value_of(lit.clone()),
            _ => Value::Expr(unbrace(expr)),
        },
        other => Value::Expr(unbrace(other)),
    }
}

/// `{expr}` → `expr`: the braces are markup syntax, and keeping them makes rustc warn about
/// unnecessary braces in the expansion.
fn unbrace(expr: Expr) -> Expr {
    match &expr {
        Expr::Block(b) if b.attrs.is_empty() && b.label.is_none() => match &b.block.stmts[..] {
            [syn::Stmt::Expr(inner, None)] => inner.clone(),
            _ => expr,
        },
        _ => expr,
    }
}

fn lit_value(lit: Lit, negative: bool) -> Value {
    let sign = if negative { -1 } else { 1 };
    match lit {
        Lit::Str(s) => {
            let v = s.value();
            Value::Str(s, v)
        }
        Lit::Bool(b) => Value::Bool(b.value, b.span),
        Lit::Int(i) => match i.base10_parse::<i128>() {
            Ok(v) => Value::Int(sign * v, i.span()),
            Err(_) => Value::Expr(Expr::Lit(ExprLit {
                attrs: Vec::new(),
                lit: Lit::Int(i),
            })),
        },
        Lit::Float(f) => match f.base10_parse::<f64>() {
            Ok(v) => Value::Float(sign as f64 * v, f.span()),
            Err(_) => Value::Expr(Expr::Lit(ExprLit {
                attrs: Vec::new(),
                lit: Lit::Float(f),
            })),
        },
        other => Value::Expr(Expr::Lit(ExprLit {
            attrs: Vec::new(),
            lit: other,
        })),
    }
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use proc_macro2::TokenStream;

    /// Found by fuzzing: rstml panics on an attribute written like a call.
    #[test]
    fn an_attribute_written_like_a_call_is_an_error_not_a_panic() {
        for source in [
            r#"<card><button callback({ json!({"a": 1}) })>"x"</button></card>"#,
            "<card><markdown text_align({})/></card>",
            "<a b((1))>",
        ] {
            let parsed = super::parse(TokenStream::from_str(source).expect("tokens"));
            assert!(parsed.roots.is_empty(), "{source}");
            let message = parsed
                .errors
                .first()
                .map(ToString::to_string)
                .unwrap_or_default();
            assert!(
                message.contains("is not markup: write an attribute as"),
                "{source}: {message}"
            );
        }
    }
}
