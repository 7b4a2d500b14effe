//! Checks the markup against the registry: every rule that can be judged from the tokens is
//! judged here, by the same rule functions the runtime validator uses, and every problem is
//! reported at once, on the token that causes it.

use card_core::registry::{
    self, rule, Attr, CardTracker, Component, Container, CustomStyles, Kind, Required, Scalar,
    Violation,
};
use proc_macro2::Span;

use super::ast::{Attr as MAttr, Child, Else, Multiplicity, Tag, Value};
use super::shape::{self, Place, Sugar};

/// What the checker found: errors (Feishu rejects the card) and warnings (tolerated).
#[derive(Default)]
pub struct Found {
    /// Problems that make Feishu reject the card.
    pub errors: Vec<syn::Error>,
    /// Tolerated problems, with their spans.
    pub warnings: Vec<(Span, String)>,
    /// The tags and attributes the checker rejected: the expansion leaves them out, so that a
    /// rejected value or a misplaced component brings no follow-on type errors.
    pub rejected: Rejected,
}

/// Nodes of the markup left out of the expansion, by address.
#[derive(Default)]
pub struct Rejected {
    tags: Vec<*const Tag>,
    attrs: Vec<*const MAttr>,
}

impl Rejected {
    /// Whether this tag was rejected.
    pub fn tag(&self, t: &Tag) -> bool {
        self.tags.contains(&(t as *const Tag))
    }

    /// Whether this attribute was rejected.
    pub fn attr(&self, a: &MAttr) -> bool {
        self.attrs.contains(&(a as *const MAttr))
    }
}

/// Every problem found.
pub fn check(root: &Tag) -> Found {
    let styles = Styles::of(root);
    let mut cx = Checker {
        tracker: CardTracker::new(),
        errors: Vec::new(),
        warnings: Vec::new(),
        rejected: Rejected::default(),
        row_keys: Vec::new(),
        enclosing: vec![Container::Body],
        styles,
        dynamic_children: Vec::new(),
    };
    cx.card(root);
    let mut found = Found {
        errors: cx.errors,
        warnings: cx.warnings,
        rejected: cx.rejected,
    };
    for (span, v) in cx.tracker.finish() {
        if v.is_error() {
            found.errors.push(syn::Error::new(span, message(&v)));
        } else {
            found.warnings.push((span, message(&v)));
        }
    }
    found
}

/// The message of a violation as the macro shows it.
fn message(v: &Violation) -> String {
    format!("{} [{}]", v.message, v.rule)
}

/// Custom colour and text-size names a card defines in `config.style`: known when the style is
/// written literally, and anything goes when it is computed.
struct Styles {
    computed: bool,
}

impl Styles {
    fn of(root: &Tag) -> Styles {
        let mut computed = false;
        for child in &root.children {
            if let Child::Tag(t) = child {
                if t.name == "config" && t.attr("style").is_some() {
                    computed = true;
                }
            }
        }
        Styles { computed }
    }
}

impl CustomStyles for Styles {
    fn has_color(&self, _: &str) -> bool {
        self.computed
    }
    fn has_text_size(&self, _: &str) -> bool {
        self.computed
    }
}

struct Checker<'a> {
    tracker: CardTracker<'a, Span>,
    errors: Vec<syn::Error>,
    warnings: Vec<(Span, String)>,
    rejected: Rejected,
    /// Per open component with a `columns` list of objects: the column names, when all are
    /// written literally (rows are checked against them).
    row_keys: Vec<Option<Vec<String>>>,
    enclosing: Vec<Container>,
    styles: Styles,
    /// Per open form: whether some of its children are computed (then its submit button may
    /// come from them, and the runtime validator judges it).
    dynamic_children: Vec<bool>,
}

impl<'a> Checker<'a> {
    fn error(&mut self, span: Span, msg: impl Into<String>) {
        self.errors.push(syn::Error::new(span, msg.into()));
    }

    fn violation(&mut self, span: Span, v: Violation) {
        if v.is_error() {
            self.errors.push(syn::Error::new(span, message(&v)));
        } else {
            self.warnings.push((span, message(&v)));
        }
    }

    fn card(&mut self, root: &'a Tag) {
        if root.name != "card" {
            self.error(
                root.span,
                format!(
                    "`card!` starts with `<card>`, found `<{}>`: wrap the markup in `<card>…</card>`",
                    root.name
                ),
            );
        }
        // The card's own properties that are not parts of it (the 1.0 leftovers 2.0 tolerates,
        // and `raw:` ones) are attributes; its parts are child tags.
        for attr in &root.attrs {
            let key = attr.name.strip_prefix(shape::RAW_PREFIX);
            let message = match (registry::find_attr(registry::CARD, key.unwrap_or(&attr.name)), key) {
                (Some(a), _) if a.name == "schema" => format!(
                    "`card!` always writes `\"schema\": \"2.0\"`: remove `{}`",
                    attr.name
                ),
                (Some(a), _) if shape::card_child(a.name).is_some() => format!(
                    "`{}` is a part of the card, written as a child tag: `<{} …>`",
                    a.name, a.name
                ),
                (Some(_), _) | (None, Some(_)) => continue,
                (None, None) => format!(
                    "`<card>` has no attribute `{}`: card settings go in `<config …/>`, layout in `<body …>`, and a property of the card this version does not know is `raw:{}={{…}}`",
                    attr.name, attr.name
                ),
            };
            self.rejected.attrs.push(attr);
            self.error(attr.span, message);
        }
        self.attrs(root, registry::CARD, "card", None);
        let explicit_body = root
            .children
            .iter()
            .any(|c| matches!(c, Child::Tag(t) if t.name == "body"));
        let mut once = Once::new("a card".to_owned(), root);
        for child in &root.children {
            match child {
                Child::Tag(t) => match shape::card_child(&t.name) {
                    Some(place @ Place::Object(attr, attrs)) => {
                        self.fill_once(&mut once, Some(place), t);
                        self.object(t, attr.name, attrs);
                    }
                    Some(place @ Place::Body) => {
                        self.fill_once(&mut once, Some(place), t);
                        self.body(t);
                    }
                    _ if explicit_body => self.error(
                        t.span,
                        format!(
                            "`<{}>` must go inside `<body>` when the card has a `<body>`",
                            t.name
                        ),
                    ),
                    _ => self.element(t),
                },
                other => {
                    if explicit_body {
                        self.stray(other, "card");
                    } else {
                        self.elements_child(other, "body");
                    }
                }
            }
        }
    }

    /// A child tag that fills a single-valued attribute of its parent (`<header>` on a card,
    /// `<confirm>` on a button, an icon): a second one, or one given beside the attribute
    /// itself, would replace what was written before it, so it is refused rather than dropped.
    fn fill_once(&mut self, once: &mut Once<'a>, place: Option<Place>, t: &'a Tag) {
        let (name, object) = match place {
            Some(Place::Body) => ("body", true),
            Some(Place::Object(attr, _)) => (attr.name, true),
            Some(Place::Item(attr, _)) if !matches!(attr.kind, Kind::List(_)) => (attr.name, false),
            _ => return,
        };
        let owner = &once.owner;
        if let Some((_, first)) = once.filled.iter().find(|(n, _)| *n == name) {
            let msg = if object {
                format!(
                    "{owner} has one `<{name}>`: this second `<{name}>` would replace the first; merge them into one"
                )
            } else {
                format!(
                    "{owner} has one `{name}`: this `<{}>` would replace the `<{}>` before it; keep one",
                    t.name, first.name
                )
            };
            self.error(t.span, msg);
            return;
        }
        if once.parent.attr(name).is_some() {
            self.error(
                t.span,
                format!(
                    "{owner} has one `{name}`: it is given both as the attribute `{name}=…` and as this `<{}>`; keep one",
                    t.name
                ),
            );
            return;
        }
        once.filled.push((name, t));
    }

    /// A text child of a tag that also sets the attribute the text fills.
    fn text_twice(&mut self, t: &Tag, text_attr: Option<&str>, owner: &str, span: Span) {
        if let Some(name) = text_attr.filter(|n| t.attr(n).is_some()) {
            self.error(
                span,
                format!(
                    "{owner} has one `{name}`: it is given both as the attribute `{name}=…` and as this text; keep one"
                ),
            );
        }
    }

    fn body(&mut self, t: &'a Tag) {
        self.attrs(t, registry::BODY, "body", None);
        for child in &t.children {
            self.elements_child(child, "body");
        }
    }

    /// A tag that fills an object-valued attribute: `<header>`, `<config>`, `<confirm>`, …
    fn object(&mut self, t: &'a Tag, owner: &'static str, attrs: &'static [Attr]) {
        self.attrs(t, attrs, owner, None);
        if owner == "config" {
            if let Some(Value::Bool(b, span)) = t.attr("update_multi").map(|a| &a.value) {
                if let Some(v) = registry::update_multi_violation(*b) {
                    self.violation(*span, v);
                }
            }
            if let Some(Value::Bool(false, _) | Value::Expr(_) | Value::Invalid(_)) =
                t.attr("enable_forward").map(|a| &a.value)
            {
                self.tracker.forwarding(false);
            }
        }
        if owner == "card_link" {
            let set = |k: &str| match t.attr(k).map(|a| &a.value) {
                Some(Value::Str(_, s)) => !s.is_empty(),
                Some(Value::Expr(_) | Value::Invalid(_)) => true,
                _ => false,
            };
            if let Some(v) = registry::card_link_violation(set) {
                self.violation(t.span, v);
            }
        }
        let mut tags = 0;
        let mut once = Once::new(format!("a `<{owner}>`"), t);
        for child in &t.children {
            match child {
                Child::Tag(c) => match shape::object_child(attrs, &c.name) {
                    Some(place @ Place::Object(attr, inner)) => {
                        self.fill_once(&mut once, Some(place), c);
                        self.object(c, attr.name, inner);
                    }
                    Some(Place::ListItem(attr, kind)) => self.list_item(c, attr, kind),
                    Some(place @ Place::Item(_, sub)) => {
                        self.fill_once(&mut once, Some(place), c);
                        tags += 1;
                        self.component(c, sub);
                    }
                    _ => self.error(
                        c.span,
                        format!(
                            "`<{}>` cannot stand inside `<{owner}>`{}",
                            c.name,
                            shape::object_children_hint(attrs)
                        ),
                    ),
                },
                Child::Text(lit, _) => match shape::object_text(attrs) {
                    Some(text) => self.text_twice(t, Some(text.name), &once.owner, lit.span()),
                    None => self.error(
                        lit.span(),
                        format!("`<{owner}>` takes no text: set its attributes instead"),
                    ),
                },
                Child::Splice(_)
                    if shape::object_text(attrs).is_some()
                        && shape::object_items(attrs).is_none() =>
                {
                    let text = shape::object_text(attrs).map(|a| a.name);
                    self.text_twice(t, text, &once.owner, child_span(child));
                }
                other => self.dynamic_in_object(other, owner, attrs),
            }
        }
        if owner == "header" && tags > 0 {
            self.tracker.header_tags(tags, t.span);
        }
    }

    fn dynamic_in_object(&mut self, child: &'a Child, owner: &str, attrs: &'static [Attr]) {
        match child {
            Child::Splice(_) | Child::For(_) | Child::If(_) | Child::Match(_)
                if shape::object_items(attrs).is_some() =>
            {
                for (c, m) in tags_of(child) {
                    self.repeat_if(m, |cx| match shape::object_child(attrs, &c.name) {
                        Some(Place::Item(_, sub)) => cx.component(c, sub),
                        _ => cx.error(
                            c.span,
                            format!("`<{}>` cannot stand inside `<{owner}>`", c.name),
                        ),
                    });
                }
            }
            Child::Invalid(_) => {}
            other => self.stray(other, owner),
        }
    }

    fn stray(&mut self, child: &Child, owner: &str) {
        let span = child_span(child);
        self.error(
            span,
            format!("`<{owner}>` takes no computed children here: only the tags it documents"),
        );
    }

    /// One child of an `elements` list (body, column, form, …).
    fn elements_child(&mut self, child: &'a Child, owner: &str) {
        match child {
            Child::Tag(t) => self.element(t),
            Child::Text(lit, _) => self.error(
                lit.span(),
                format!(
                    "`<{owner}>` holds components, not text: wrap the text in `<markdown>\"…\"</markdown>` or `<div>\"…\"</div>`"
                ),
            ),
            Child::Splice(_) | Child::Invalid(_) => self.mark_dynamic(),
            Child::If(i) => {
                self.mark_dynamic();
                self.if_children(i, owner);
            }
            Child::For(l) => {
                self.mark_dynamic();
                self.tracker.enter_repeat();
                for c in &l.body {
                    self.elements_child(c, owner);
                }
                self.tracker.leave_repeat();
            }
            Child::Match(m) => {
                self.mark_dynamic();
                for (_, body) in &m.arms {
                    for c in body {
                        self.elements_child(c, owner);
                    }
                }
            }
        }
    }

    fn if_children(&mut self, i: &'a super::ast::If, owner: &str) {
        for c in &i.then {
            self.elements_child(c, owner);
        }
        match &i.otherwise {
            Some(Else::If(e)) => self.if_children(e, owner),
            Some(Else::Block(b)) => {
                for c in b {
                    self.elements_child(c, owner);
                }
            }
            None => {}
        }
    }

    /// Runs `f` for a tag of the markup, inside a repetition when the tag sits in a loop.
    fn repeat_if(&mut self, m: Multiplicity, f: impl FnOnce(&mut Self)) {
        let many = m == Multiplicity::Many;
        if many {
            self.tracker.enter_repeat();
        }
        f(self);
        if many {
            self.tracker.leave_repeat();
        }
    }

    fn mark_dynamic(&mut self) {
        if let Some(d) = self.dynamic_children.last_mut() {
            *d = true;
        }
    }

    fn element(&mut self, t: &'a Tag) {
        if t.name == shape::RAW_TAG {
            self.raw_element(t);
            return;
        }
        let Some(component) = registry::component(&t.name) else {
            self.rejected.tags.push(t);
            self.unknown_element(t);
            return;
        };
        let multi = component.multi_choice_attr().is_some_and(|attr| {
            matches!(
                t.attr(attr).map(|a| &a.value),
                Some(Value::Flag | Value::Bool(true, _))
            )
        });
        if let Some(v) = registry::placement_violation(component, &self.enclosing, multi) {
            if v.is_error() {
                self.rejected.tags.push(t);
            }
            self.violation(t.span, v);
        }
        self.component(t, component);
    }

    /// `<raw json={…}/>`: a component given as JSON, judged by the validator at run time; its
    /// children and the card-wide counts are unknown here, like those of a computed child.
    fn raw_element(&mut self, t: &'a Tag) {
        self.mark_dynamic();
        let mut json = false;
        for a in &t.attrs {
            if a.name != shape::RAW_JSON {
                self.rejected.attrs.push(a);
                self.error(
                    a.span,
                    format!(
                        "`<raw>` takes only `json={{…}}`, found `{}`: give every property of the component inside the JSON value",
                        a.name
                    ),
                );
                continue;
            }
            if json {
                self.rejected.tags.push(t);
                self.error(a.span, "duplicate attribute `json` on `<raw>`");
                continue;
            }
            json = true;
            if !matches!(a.value, Value::Expr(_) | Value::Invalid(_)) {
                self.rejected.tags.push(t);
                self.error(
                    a.value.span(a.span),
                    "`json` on `<raw>` takes a `serde_json::Value` expression in braces: write `json={serde_json::json!({\"tag\": \"…\", …})}`",
                );
            }
        }
        if !json {
            self.rejected.tags.push(t);
            self.error(
                t.span,
                "`<raw>` needs the component as JSON: write `<raw json={serde_json::json!({\"tag\": \"…\", …})}/>`",
            );
        }
        if let Some(child) = t.children.first() {
            self.error(
                child_span(child),
                "`<raw>` takes no children: the whole component, children included, goes in `json={…}`",
            );
        }
    }

    /// `raw:name=value` on a known tag: a property the registry does not know, or a value the
    /// registry does not document for a lenient one (Feishu falls back on those), set as
    /// written. Any other name the tag knows must be written as itself, so that it is checked.
    fn raw_attr(
        &mut self,
        a: &'a MAttr,
        key: &str,
        table: &'static [Attr],
        owner: &str,
        component: Option<&'static Component>,
    ) {
        let known = registry::find_attr(table, key).is_some_and(|attr| !attr.lenient)
            || shape::sugar(table, component, key).is_some();
        if known {
            self.rejected.attrs.push(a);
            self.error(
                a.span,
                format!(
                    "`{key}` is an attribute of `<{owner}>`: write `{key}=…` itself, so that its value is checked; `raw:` is for properties this version does not know, and for values Feishu falls back on that it does not document"
                ),
            );
        } else if key.is_empty() || key.contains(':') {
            self.rejected.attrs.push(a);
            self.error(
                a.span,
                format!(
                    "`{}` names no property: write `raw:property_name={{…}}`",
                    a.name
                ),
            );
        }
    }

    fn unknown_element(&mut self, t: &Tag) {
        if let Some((_, instead)) = registry::REMOVED_COMPONENTS
            .iter()
            .find(|(tag, _)| *tag == t.name)
        {
            let v = Violation::new(
                "legacy.removed-component",
                format!("`{}` was removed in Card JSON 2.0: {instead}", t.name),
            );
            self.violation(t.span, v);
        } else if shape::card_child(&t.name).is_some() {
            let v = Violation::new(
                "structure.sub-element-as-component",
                format!(
                    "`{}` is part of the card, not an element: write it directly under `<card>`, \
                     outside `@if`, `@for` and `@match`, and compute its attributes with `{{…}}`",
                    t.name
                ),
            );
            self.violation(t.span, v);
        } else if registry::sub_element(&t.name).is_some() {
            let home = registry::SUB_ELEMENT_HOMES
                .iter()
                .find(|(tag, _)| *tag == t.name)
                .map_or(
                    "it belongs inside the component that uses it",
                    |(_, home)| home,
                );
            let v = Violation::new(
                "structure.sub-element-as-component",
                format!(
                    "`{}` is not a component and cannot stand among elements: {home}",
                    t.name
                ),
            );
            self.violation(t.span, v);
        } else {
            let names = registry::COMPONENTS.iter().map(|c| c.tag);
            let hint = match registry::did_you_mean(&t.name, names) {
                Some(s) => format!(": did you mean `{s}`?"),
                None => ": see the component list in the `feishu_card` docs".to_owned(),
            };
            let v = Violation::new(
                "structure.unknown-tag",
                format!("unknown component `{}`{hint}", t.name),
            );
            self.violation(t.span, v);
        }
    }

    fn component(&mut self, t: &'a Tag, c: &'static Component) {
        self.tracker.enter(c, t.span);
        let is_form = c.opens == Some(Container::Form);
        if is_form {
            self.dynamic_children.push(false);
        }
        self.attrs(t, c.attrs, c.tag, Some(c));
        self.row_keys.push(column_names(t, c));
        if let Some(opens) = c.opens {
            self.enclosing.push(opens);
        }
        let mut text_given = false;
        let mut once = Once::new(format!("a `<{}>`", c.tag), t);
        for child in &t.children {
            match child {
                Child::Text(lit, value) => {
                    if text_given {
                        self.error(
                            lit.span(),
                            format!("`<{}>` takes one text: join the strings", c.tag),
                        );
                    }
                    if !text_given {
                        self.text_twice(t, c.text_child, &once.owner, lit.span());
                    }
                    text_given = true;
                    self.text_child(c, lit.span(), value);
                }
                Child::Tag(inner) => {
                    self.fill_once(&mut once, shape::component_child(c, &inner.name), inner);
                    self.child_tag(c, inner);
                }
                Child::Splice(_) if c.children.is_none() && c.text_child.is_some() => {
                    if text_given {
                        self.error(
                            child_span(child),
                            format!("`<{}>` takes one text: join the strings", c.tag),
                        );
                    } else {
                        self.text_twice(t, c.text_child, &once.owner, child_span(child));
                    }
                    text_given = true;
                }
                other => {
                    if c.children == Some("elements") {
                        self.elements_child(other, c.tag);
                    } else if c.children.is_some() {
                        // `columns`: computed columns are typed; tags inside loops are checked.
                        for (tag, m) in tags_of(other) {
                            self.repeat_if(m, |cx| cx.child_tag(c, tag));
                        }
                    } else if shape::object_items(c.attrs).is_some() {
                        self.dynamic_in_object(other, c.tag, c.attrs);
                    } else if shape::entry_lists(c).next().is_some() {
                        self.computed_entries(c, other);
                    } else if !matches!(other, Child::Invalid(_)) {
                        self.error(
                            child_span(other),
                            format!("`<{}>` takes no children", c.tag),
                        );
                    }
                }
            }
        }
        if c.opens.is_some() {
            self.enclosing.pop();
        }
        self.row_keys.pop();
        self.required_attrs(t, c, text_given);
        if is_form && self.dynamic_children.pop().unwrap_or(false) {
            // The submit button may be among the computed children: the runtime validator
            // judges the form before the card is sent.
            self.tracker.form_action("submit");
        }
        self.tracker.leave();
    }

    /// Computed children of a component whose lists take entries as tags (`<option>`,
    /// `<row>`, `<person>`, `<img>`): tags inside `@for`, `@if` and `@match` are entries as if
    /// written directly; a `{iter}` splice fills the component's only list, typed.
    fn computed_entries(&mut self, c: &'static Component, child: &'a Child) {
        match child {
            Child::Invalid(_) => {}
            Child::Splice(_) if shape::spliced_list(c).is_some() => {}
            Child::Splice(_) => {
                let names: Vec<&str> = shape::entry_lists(c)
                    .filter_map(|a| shape::singular(a.name))
                    .collect();
                let tags: Vec<String> = names.iter().map(|s| format!("`<{s}>`")).collect();
                let example = names.last().map_or(String::new(), |s| {
                    format!(", such as `@for x in … {{ <{s} …/> }}`")
                });
                self.error(
                    child_span(child),
                    format!(
                        "`<{}>` has several lists of entries ({}), so a computed `{{…}}` does not say which it fills: write the entries as tags, with `@for` when they are computed{example}",
                        c.tag,
                        tags.join(" and ")
                    ),
                );
            }
            Child::Tag(t) => self.child_tag(c, t),
            Child::Text(lit, _) => self.error(
                lit.span(),
                format!("`<{}>` takes no text here: only its entries", c.tag),
            ),
            Child::For(l) => {
                self.tracker.enter_repeat();
                for inner in &l.body {
                    self.computed_entries(c, inner);
                }
                self.tracker.leave_repeat();
            }
            Child::If(i) => {
                let mut next = Some(i);
                while let Some(i) = next {
                    for inner in &i.then {
                        self.computed_entries(c, inner);
                    }
                    next = match &i.otherwise {
                        Some(Else::If(e)) => Some(e),
                        Some(Else::Block(b)) => {
                            for inner in b {
                                self.computed_entries(c, inner);
                            }
                            None
                        }
                        None => None,
                    };
                }
            }
            Child::Match(m) => {
                for (_, body) in &m.arms {
                    for inner in body {
                        self.computed_entries(c, inner);
                    }
                }
            }
        }
    }

    fn child_tag(&mut self, c: &'static Component, inner: &'a Tag) {
        match shape::component_child(c, &inner.name) {
            Some(Place::Element) => self.element(inner),
            Some(Place::ListItem(attr, kind)) => self.list_item(inner, attr, kind),
            Some(Place::Item(_, sub)) => self.component(inner, sub),
            Some(Place::Object(attr, attrs)) => self.object(inner, attr.name, attrs),
            Some(Place::Body) | None => {
                if c.children == Some("elements") {
                    self.element(inner);
                } else {
                    self.error(
                        inner.span,
                        format!(
                            "`<{}>` cannot stand inside `<{}>`{}",
                            inner.name,
                            c.tag,
                            shape::component_children_hint(c)
                        ),
                    );
                }
            }
        }
    }

    /// One entry of a list of objects (`<option>`, a table's `<column>`) or of maps (`<row>`).
    fn list_item(&mut self, t: &'a Tag, attr: &'static Attr, kind: &'static Kind) {
        let owner = shape::singular(attr.name).unwrap_or(attr.name);
        match kind {
            Kind::Object(attrs) => {
                self.attrs(t, attrs, attr.name, None);
                let mut once = Once::new(format!("a `<{owner}>`"), t);
                for child in &t.children {
                    match child {
                        Child::Text(lit, value) => match shape::object_text(attrs) {
                            Some(text) => {
                                self.text_twice(t, Some(text.name), &once.owner, lit.span());
                                self.text_value(text, owner, lit.span(), value);
                            }
                            None => self.error(
                                lit.span(),
                                format!("`<{owner}>` takes no text: set its attributes instead"),
                            ),
                        },
                        Child::Tag(c) => match shape::object_child(attrs, &c.name) {
                            Some(place @ Place::Object(a, inner)) => {
                                self.fill_once(&mut once, Some(place), c);
                                self.object(c, a.name, inner);
                            }
                            Some(place @ Place::Item(_, sub)) => {
                                self.fill_once(&mut once, Some(place), c);
                                self.component(c, sub);
                            }
                            _ => self.error(
                                c.span,
                                format!("`<{}>` cannot stand inside `<{owner}>`", c.name),
                            ),
                        },
                        Child::Invalid(_) => {}
                        Child::Splice(_) if shape::object_text(attrs).is_some() => {}
                        other => self.stray(other, owner),
                    }
                }
                for a in *attrs {
                    if a.required == Required::Yes
                        && t.attr(a.name).is_none()
                        && !(shape::object_text(attrs).is_some_and(|x| x.name == a.name)
                            && t.children
                                .iter()
                                .any(|c| matches!(c, Child::Text(..) | Child::Splice(_))))
                    {
                        let how = match shape::child_form(a) {
                            Some(form) => form,
                            None => format!("`{}=…`", a.name),
                        };
                        let v = Violation::new(
                            "structure.missing-property",
                            format!("`<{owner}>` needs `{}`: add {how}", a.name),
                        );
                        self.violation(t.span, v);
                    }
                }
            }
            _ => {
                for child in &t.children {
                    self.error(
                        child_span(child),
                        format!("`<{owner}>` takes no children: each attribute is one entry"),
                    );
                }
                if let Some(Some(names)) = self.row_keys.last().cloned() {
                    let names: Vec<&str> = names.iter().map(String::as_str).collect();
                    for a in &t.attrs {
                        if let Some(v) = registry::row_key_violation(&a.name, &names) {
                            self.violation(a.span, v);
                        }
                    }
                }
            }
        }
    }

    /// A string child: the attribute `text_child` names, as if written `content="…"`.
    fn text_child(&mut self, c: &'static Component, span: Span, value: &'a str) {
        let Some(attr_name) = c.text_child else {
            self.error(
                span,
                format!("`<{}>` takes no text: set its attributes instead", c.tag),
            );
            return;
        };
        let Some(attr) = c.attr(attr_name) else {
            return;
        };
        if !self
            .tracker
            .attribute(c.attrs, attr.name, Some(Scalar::Str(value)), span)
        {
            self.text_value(attr, c.tag, span, value);
        }
    }

    /// A string given for a text object (a text child, or `placeholder="…"`): it becomes the
    /// object's `content`, counted as an element, and within the documented length.
    fn text_value(&mut self, attr: &'static Attr, owner: &str, span: Span, value: &str) {
        match attr.kind {
            Kind::Text { forms, max_chars } => {
                if let Some(form) = forms.first() {
                    self.tracker.enter(form, span);
                    self.tracker.leave();
                }
                let len = value.chars().count();
                if let Some(max) = max_chars.filter(|m| len > *m) {
                    let v = Violation::new(
                        "value.text-length",
                        format!(
                            "the text of `{}` on `{owner}` is {len} characters long: at most {max} are allowed",
                            attr.name
                        ),
                    );
                    self.violation(span, v);
                }
            }
            _ => {
                if let Err(v) = attr.check_with(owner, Scalar::Str(value), &self.styles) {
                    self.violation(span, v);
                }
            }
        }
    }

    fn required_attrs(&mut self, t: &Tag, c: &'static Component, text_given: bool) {
        for attr in c.attrs {
            if attr.required != Required::Yes || attr.name == "tag" {
                continue;
            }
            let given = t.attr(attr.name).is_some()
                || (text_given && c.text_child == Some(attr.name))
                || c.children == Some(attr.name)
                || shape::given_by_children(t, c, attr)
                || shape::given_by_sugar(t, attr);
            if !given {
                let v = Violation::new(
                    "structure.missing-property",
                    format!(
                        "`<{}>` needs `{}`{}",
                        c.tag,
                        attr.name,
                        if c.text_child == Some(attr.name) {
                            format!(": write `{}=…` or give the text as a child", attr.name)
                        } else if let Some(form) = shape::child_form(attr) {
                            format!(": add {form}")
                        } else {
                            format!(": add `{}=…`", attr.name)
                        }
                    ),
                );
                self.violation(t.span, v);
            }
        }
    }

    /// The attributes of a component or object, with what the tracker needs to know.
    fn attrs(
        &mut self,
        t: &'a Tag,
        table: &'static [Attr],
        owner: &'static str,
        component: Option<&'static Component>,
    ) {
        // `raw:name` sets the same property as `name`.
        let mut seen: Vec<(&str, &str)> = Vec::new();
        for a in &t.attrs {
            if self.rejected.attr(a) {
                continue;
            }
            let key = a.name.strip_prefix(shape::RAW_PREFIX).unwrap_or(&a.name);
            if let Some((_, earlier)) = seen.iter().find(|(k, _)| *k == key) {
                let also = if *earlier == a.name {
                    String::new()
                } else {
                    format!(": `{earlier}` sets the same property")
                };
                self.error(
                    a.span,
                    format!("duplicate attribute `{}` on `<{owner}>`{also}", a.name),
                );
                continue;
            }
            seen.push((key, &a.name));
            if let Some(sugar) = shape::sugar(table, component, &a.name) {
                self.sugar(a, sugar, owner);
                continue;
            }
            if let Some(key) = a.name.strip_prefix(shape::RAW_PREFIX) {
                self.raw_attr(a, key, table, owner, component);
                continue;
            }
            if let Some((base, locale)) = a.name.split_once(':') {
                self.translation(a, base, locale, table, owner);
                continue;
            }
            let Some(attr) = registry::find_attr(table, &a.name) else {
                self.unknown_attr(a, table, owner, component);
                continue;
            };
            if let Some(v) = attr.legacy_violation(owner) {
                self.violation(a.span, v);
            }
            self.value(a, attr, table, owner);
        }
    }

    fn sugar(&mut self, a: &MAttr, sugar: Sugar, owner: &str) {
        match sugar {
            Sugar::Callback | Sugar::OpenUrl => {
                if let (Sugar::OpenUrl, Value::Str(_, url)) = (sugar, &a.value) {
                    if url.is_empty() {
                        self.error(a.span, "`open_url` needs a URL");
                    }
                }
                if matches!(a.value, Value::Flag) {
                    self.error(
                        a.span,
                        format!("`{}` needs a value: write `{}={{…}}`", a.name, a.name),
                    );
                }
            }
            Sugar::For => {
                if !matches!(a.value, Value::Expr(_)) {
                    self.error(
                        a.span,
                        format!("`for` on `<{owner}>` names the struct the form fills: write `for=MyStruct`"),
                    );
                }
            }
        }
    }

    /// `text:en_us="OK"`: a translation of a text attribute, or an entry of a per-locale map
    /// (`i18n_content:en_us="…"`).
    fn translation(
        &mut self,
        a: &'a MAttr,
        base: &str,
        locale: &str,
        table: &'static [Attr],
        owner: &str,
    ) {
        let Some(attr) = registry::find_attr(table, base) else {
            self.rejected.attrs.push(a);
            let v = Violation::new(
                "structure.unknown-property",
                format!("unknown attribute `{base}` on `<{owner}>`: `{base}:{locale}` translates a text attribute"),
            );
            self.violation(a.span, v);
            return;
        };
        if !matches!(attr.kind, Kind::Text { .. } | Kind::Locales(_)) {
            self.rejected.attrs.push(a);
            self.error(
                a.span,
                format!("`{base}` on `<{owner}>` has no translations: `{base}:{locale}` works on text attributes and on `i18n_*` maps"),
            );
            return;
        }
        if !registry::LOCALES.contains(&locale) {
            self.rejected.attrs.push(a);
            let mut allowed = String::new();
            for (i, l) in registry::LOCALES.iter().enumerate() {
                if i > 0 {
                    allowed.push_str(", ");
                }
                allowed.push_str(&format!("`{l}`"));
            }
            let v = Violation::new(
                "value.enum",
                format!("`{locale}` is not a locale Feishu knows: allowed {allowed}"),
            );
            self.violation(a.span, v);
            return;
        }
        match &a.value {
            Value::Str(_, text) => {
                if let Kind::Text {
                    max_chars: Some(max),
                    ..
                } = attr.kind
                {
                    let len = text.chars().count();
                    if len > max {
                        let v = Violation::new(
                            "value.text-length",
                            format!("the `{locale}` text of `{base}` on `{owner}` is {len} characters long: at most {max} are allowed"),
                        );
                        self.violation(a.value.span(a.span), v);
                    }
                }
            }
            Value::Expr(_) | Value::Invalid(_) => {}
            _ => {
                self.rejected.attrs.push(a);
                self.error(
                    a.value.span(a.span),
                    format!("`{base}:{locale}` takes a string"),
                );
            }
        }
    }

    fn unknown_attr(
        &mut self,
        a: &MAttr,
        table: &'static [Attr],
        owner: &str,
        component: Option<&'static Component>,
    ) {
        let names = table
            .iter()
            .map(|x| x.name)
            .chain(shape::sugar_names(table, component));
        let hint = match registry::did_you_mean(&a.name, names) {
            Some(s) => format!(": did you mean `{s}`?"),
            None => {
                let listed: Vec<_> = table
                    .iter()
                    .filter(|x| shape::settable(x) && x.status == registry::Status::Current)
                    .map(|x| format!("`{}`", x.name))
                    .collect();
                format!(": `<{owner}>` takes {}", listed.join(", "))
            }
        };
        let v = Violation::new(
            "structure.unknown-property",
            format!("unknown attribute `{}` on `<{owner}>`{hint}", a.name),
        );
        self.violation(a.span, v);
    }

    fn value(&mut self, a: &'a MAttr, attr: &'static Attr, table: &'static [Attr], owner: &str) {
        let span = a.value.span(a.span);
        let scalar = match &a.value {
            Value::Flag => Some(Scalar::Bool(true)),
            Value::Str(_, s) => Some(Scalar::Str(s)),
            Value::Bool(b, _) => Some(Scalar::Bool(*b)),
            Value::Int(i, _) => Some(match i64::try_from(*i) {
                Ok(i) => Scalar::Int(i),
                Err(_) => Scalar::Float(*i as f64),
            }),
            Value::Float(f, _) => Some(Scalar::Float(*f)),
            Value::Expr(_) | Value::Invalid(_) => None,
        };
        // The tracker picks what the card-wide rules need, and judges some values (ids) itself;
        // a computed value stands for "known at run time" (a `name` still being typed counts as
        // given).
        let tracked = match (&a.value, attr.name) {
            (Value::Expr(_), _) | (Value::Invalid(_), "name") => Some(None),
            (Value::Invalid(_), _) => None,
            _ => scalar.map(Some),
        };
        let judged =
            tracked.is_some_and(|value| self.tracker.attribute(table, attr.name, value, span));
        if judged {
            return;
        }
        if let (Kind::Text { .. }, Value::Str(_, text)) = (&attr.kind, &a.value) {
            self.text_value(attr, owner, span, text);
        } else if let Some(scalar) = scalar {
            if accepts_scalar(&attr.kind) {
                if let Err(mut v) = attr.check_with(owner, scalar, &self.styles) {
                    // Feishu falls back on an unknown value of a lenient attribute, but a literal
                    // in markup is a typo: the macro holds it to the documented values.
                    if v.rule == rule::VALUE_ENUM && !v.is_error() {
                        v.severity = card_core::Severity::Error;
                    }
                    if v.rule == rule::VALUE_ENUM && attr.lenient {
                        v.message.push_str(&format!(
                            "; for a value Feishu accepts that this version does not document, write `{}{}={{serde_json::json!(…)}}`",
                            shape::RAW_PREFIX,
                            attr.name
                        ));
                    }
                    if v.is_error() {
                        self.rejected.attrs.push(a);
                    }
                    self.violation(span, v);
                }
            } else {
                self.rejected.attrs.push(a);
                self.error(
                    span,
                    format!(
                        "`{}` on `<{owner}>` takes a list or an object: give it as an expression in braces, `{}={{…}}`",
                        attr.name, attr.name
                    ),
                );
            }
        }
    }
}

/// The single-valued attributes of one tag that its child tags have filled so far.
struct Once<'t> {
    /// The tag as messages name it: "a card", "a `<button>`".
    owner: String,
    parent: &'t Tag,
    filled: Vec<(&'static str, &'t Tag)>,
}

impl<'t> Once<'t> {
    fn new(owner: String, parent: &'t Tag) -> Self {
        Once {
            owner,
            parent,
            filled: Vec::new(),
        }
    }
}

/// Whether a literal can be checked against this kind (objects and lists need an expression).
fn accepts_scalar(kind: &Kind) -> bool {
    match kind {
        Kind::Object(_)
        | Kind::Union { .. }
        | Kind::List(_)
        | Kind::Elements
        | Kind::Locales(_)
        | Kind::Map(_)
        | Kind::Json
        | Kind::Tagged(_) => false,
        Kind::AnyOf(kinds) => kinds.iter().any(accepts_scalar),
        _ => true,
    }
}

/// The names of a component's `<column>` entries (a table's), when all are literal; columns
/// inside `@for`, `@if` and `@match` count as written.
fn column_names(t: &Tag, c: &'static Component) -> Option<Vec<String>> {
    if t.children
        .iter()
        .any(|ch| matches!(ch, Child::Splice(_) | Child::Invalid(_)))
    {
        return None;
    }
    let mut names = Some(Vec::new());
    Child::visit_tags(&t.children, &mut |col, _| {
        if let Some(Place::ListItem(attr, _)) = shape::component_child(c, &col.name) {
            if attr.name == "columns" {
                match (col.attr("name").map(|a| &a.value), names.as_mut()) {
                    (Some(Value::Str(_, n)), Some(list)) => list.push(n.clone()),
                    _ => names = None,
                }
            }
        }
    });
    names
}

/// The tags a computed child produces, each with whether a loop repeats it.
fn tags_of(child: &Child) -> Vec<(&Tag, Multiplicity)> {
    let mut out = Vec::new();
    Child::visit_tags(std::slice::from_ref(child), &mut |t, m| out.push((t, m)));
    out
}

fn child_span(child: &Child) -> Span {
    use quote::ToTokens;
    use syn::spanned::Spanned;
    match child {
        Child::Tag(t) => t.span,
        Child::Text(l, _) => l.span(),
        Child::Splice(e) => e.span(),
        Child::Invalid(ts) => ts.span(),
        Child::If(i) => i.cond.span(),
        Child::For(f) => f.pat.to_token_stream().span(),
        Child::Match(m) => m.expr.span(),
    }
}

#[cfg(test)]
mod tests {
    use card_core::registry::{self, COMPONENTS};
    use proc_macro2::TokenStream;
    use std::str::FromStr;

    /// The rules judged card-wide, by the tracker both walkers feed.
    fn tracker_rule(rule: &str) -> bool {
        ["form.", "element_id.", "audio.", "limit."]
            .iter()
            .any(|p| rule.starts_with(p))
            && rule != "limit.card-size"
    }

    /// The tracker rules `card!` reports on `markup`, sorted.
    fn macro_rules(markup: &str) -> Vec<String> {
        let parsed = super::super::parse::parse(TokenStream::from_str(markup).expect("tokens"));
        assert!(parsed.errors.is_empty(), "{markup}");
        let root = parsed.roots.into_iter().next().expect("a card");
        let found = super::check(&root);
        let messages = found
            .errors
            .iter()
            .map(ToString::to_string)
            .chain(found.warnings.into_iter().map(|(_, m)| m));
        let mut rules: Vec<String> = messages
            .filter_map(|m| {
                let rule = m.rsplit_once(" [")?.1.strip_suffix(']')?;
                Some(rule.to_owned())
            })
            .filter(|r| tracker_rule(r))
            .collect();
        rules.sort();
        rules
    }

    /// The tracker rules the runtime validator reports on `json`, sorted.
    fn validator_rules(json: &serde_json::Value) -> Vec<String> {
        let mut rules: Vec<String> = card_core::validate::validate_value(json)
            .iter()
            .map(|d| d.rule.to_owned())
            .filter(|r| tracker_rule(r))
            .collect();
        rules.sort();
        rules
    }

    /// An attribute value in markup and in JSON.
    fn value(name: &str) -> (&'static str, serde_json::Value) {
        match name {
            "required" => ("true", serde_json::Value::Bool(true)),
            "form_action_type" => ("\"submit\"", "submit".into()),
            _ => ("\"dup\"", "dup".into()),
        }
    }

    /// Every component with an attribute that feeds the card-wide rules, twice with the same
    /// value, outside and inside a form: `card!` and the validator find the same rules, so
    /// that the choice of which attribute feeds which rule cannot drift between them.
    #[test]
    fn macro_and_validator_track_the_same_attributes() {
        const TRACKED: &[&str] = &[
            "element_id",
            "name",
            "required",
            "form_action_type",
            "action_type",
            "audio_id",
        ];
        let mut compared = 0;
        for c in COMPONENTS {
            if c.placement.root_only.is_some() {
                continue;
            }
            for attr in c.attrs.iter().filter(|a| TRACKED.contains(&a.name)) {
                let (markup_value, json_value) = value(attr.name);
                let tag = format!("<{} {}={markup_value}/>", c.tag, attr.name);
                let mut json = serde_json::json!({"tag": c.tag});
                json[attr.name] = json_value;
                for in_form in [false, true] {
                    if c.placement.form_only != registry::FormOnly::Never && !in_form {
                        continue;
                    }
                    let (markup, elements) = if in_form {
                        (
                            format!(
                                "<card><form name=\"f\">{tag}{tag}<button name=\"s\" form_action_type=\"submit\">\"s\"</button></form></card>"
                            ),
                            serde_json::json!([{"tag": "form", "name": "f", "elements": [
                                json, json,
                                {"tag": "button", "name": "s", "form_action_type": "submit",
                                 "text": {"tag": "plain_text", "content": "s"}}
                            ]}]),
                        )
                    } else {
                        (
                            format!("<card>{tag}{tag}</card>"),
                            serde_json::json!([json, json]),
                        )
                    };
                    let card = serde_json::json!({"schema": "2.0", "body": {"elements": elements}});
                    assert_eq!(
                        macro_rules(&markup),
                        validator_rules(&card),
                        "{markup}\n{card}"
                    );
                    compared += 1;
                }
            }
        }
        assert!(compared > 40, "only {compared} cards compared");
    }

    /// Tables in `markdown` content, given as text or as `content="…"`, count with the table
    /// components in both walkers.
    #[test]
    fn markdown_tables_count_the_same_in_both() {
        let table = "| a | b |\n|---|---|\n| 1 | 2 |";
        for tables in [3, 4] {
            let markup = format!(
                "<card>{}<markdown>{table:?}</markdown><markdown content={table:?}/></card>",
                "<table><column name=\"a\"/></table>".repeat(tables)
            );
            let mut elements =
                vec![serde_json::json!({"tag": "table", "columns": [{"name": "a"}]}); tables];
            elements.push(serde_json::json!({"tag": "markdown", "content": table}));
            elements.push(serde_json::json!({"tag": "markdown", "content": table}));
            let card = serde_json::json!({"schema": "2.0", "body": {"elements": elements}});
            let rules = macro_rules(&markup);
            let expected: &[&str] = if tables == 4 {
                &["limit.markdown-tables"]
            } else {
                &[]
            };
            assert_eq!(rules, expected, "{markup}");
            assert_eq!(rules, validator_rules(&card), "{card}");
        }
    }

    /// Names inside a component's objects and list entries (a table column's `name`) are not
    /// the component's own: neither walker counts them as field names.
    #[test]
    fn names_of_entries_are_not_tracked_by_either() {
        let markup = r#"<card><table><column name="a"/><column name="a"/></table>
            <audio file_key="k" audio_id="x"/><audio file_key="k" audio_id="x"/>
            <config enable_forward=false/></card>"#;
        let card = serde_json::json!({
            "schema": "2.0",
            "config": {"enable_forward": false},
            "body": {"elements": [
                {"tag": "table", "columns": [{"name": "a"}, {"name": "a"}]},
                {"tag": "audio", "file_key": "k", "audio_id": "x"},
                {"tag": "audio", "file_key": "k", "audio_id": "x"}
            ]}
        });
        let rules = macro_rules(markup);
        assert_eq!(rules, ["audio.duplicate-id"]);
        assert_eq!(rules, validator_rules(&card));
    }
}
