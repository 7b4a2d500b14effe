//! Where a tag of the markup goes: which attribute of its parent it fills. Read from the
//! registry's kinds, so that a component added to the registry needs no change here.

use card_core::registry::{self, Attr, Component, Container, Kind};

use super::ast::{Child, Tag};

/// What a child tag is, relative to its parent.
#[derive(Clone, Copy)]
pub enum Place {
    /// `<body>` under `<card>`.
    Body,
    /// A tag filling an object-valued attribute (`<header>`, `<config>`, `<confirm>`).
    Object(&'static Attr, &'static [Attr]),
    /// A tagged sub-element filling an attribute (`<column>` in `columns`, `<text_tag>` in
    /// `text_tag_list`, `<standard_icon>` as `icon`).
    Item(&'static Attr, &'static Component),
    /// One entry of a list of untagged objects, written as a tag named after the list
    /// (`<column>` in a table's `columns`, `<option>` in `options`, `<row>` in `rows`); the
    /// kind is the entry's: an object with attributes, or a free map (`rows`).
    ListItem(&'static Attr, &'static Kind),
    /// A component in an `elements` list.
    Element,
}

/// The tag that writes one entry of a list attribute: `columns` → `column`, `options` →
/// `option`, `img_list` → `img`.
pub fn singular(list: &str) -> Option<&str> {
    list.strip_suffix("_list")
        .or_else(|| list.strip_suffix('s'))
}

fn list_item(attrs: &'static [Attr], name: &str) -> Option<Place> {
    attrs.iter().find_map(|attr| match attr.kind {
        Kind::List(inner @ (Kind::Object(_) | Kind::Map(_)))
            if singular(attr.name) == Some(name) =>
        {
            Some(Place::ListItem(attr, inner))
        }
        _ => None,
    })
}

/// Attributes that are shorthand for longer JSON.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Sugar {
    /// `callback={value}`: a `behaviors` entry of type `callback`.
    Callback,
    /// `open_url="…"`: a `behaviors` entry of type `open_url`.
    OpenUrl,
    /// `for=Struct` on a form: the struct the form fills.
    For,
}

const SUGAR: &[(&str, Sugar)] = &[
    ("callback", Sugar::Callback),
    ("open_url", Sugar::OpenUrl),
    ("for", Sugar::For),
];

/// The child tags of `<card>`: `<body>` and the card's object-valued keys.
pub fn card_child(name: &str) -> Option<Place> {
    if name == "body" {
        return Some(Place::Body);
    }
    object_attr(registry::CARD, name)
}

fn object_attr(attrs: &'static [Attr], name: &str) -> Option<Place> {
    let attr = registry::find_attr(attrs, name)?;
    match attr.kind {
        Kind::Object(inner) if name != "body" => Some(Place::Object(attr, inner)),
        _ => None,
    }
}

/// Tagged sub-elements an attribute holds, directly or as a list.
fn tagged(kind: &'static Kind) -> &'static [&'static Component] {
    match kind {
        Kind::Tagged(subs) => subs,
        Kind::List(inner) => tagged(inner),
        Kind::Text { forms, .. } => forms,
        _ => &[],
    }
}

fn item(attrs: &'static [Attr], name: &str) -> Option<Place> {
    attrs.iter().find_map(|attr| {
        tagged(&attr.kind)
            .iter()
            .find(|sub| sub.tag == name)
            .map(|sub| Place::Item(attr, sub))
    })
}

/// A child tag of an object tag (`<text_tag>` in `<header>`, `<confirm>` in nothing…).
pub fn object_child(attrs: &'static [Attr], name: &str) -> Option<Place> {
    object_attr(attrs, name)
        .or_else(|| item(attrs, name))
        .or_else(|| list_item(attrs, name))
}

/// The attribute a text child of an object tag fills (`<header>"Title"</header>`).
pub fn object_text(attrs: &'static [Attr]) -> Option<&'static Attr> {
    ["title", "content", "text"].iter().find_map(|n| {
        registry::find_attr(attrs, n).filter(|a| matches!(a.kind, Kind::Text { .. } | Kind::Str))
    })
}

/// Whether an object takes lists of tagged items as children (`<header>` takes `<text_tag>`s).
pub fn object_items(attrs: &'static [Attr]) -> Option<&'static Attr> {
    attrs
        .iter()
        .find(|a| matches!(a.kind, Kind::List(inner) if matches!(inner, Kind::Tagged(_))))
}

/// A child tag of a component.
pub fn component_child(c: &'static Component, name: &str) -> Option<Place> {
    if let Some(place) = object_attr(c.attrs, name) {
        return Some(place);
    }
    if let Some(place) = item(c.attrs, name) {
        return Some(place);
    }
    if let Some(place) = list_item(c.attrs, name) {
        return Some(place);
    }
    (c.children == Some("elements")).then_some(Place::Element)
}

fn describe_places(attrs: &'static [Attr]) -> Vec<String> {
    let mut out = Vec::new();
    for attr in attrs {
        match attr.kind {
            Kind::Object(_) if attr.name != "body" => out.push(format!("`<{}>`", attr.name)),
            Kind::List(Kind::Object(_) | Kind::Map(_)) => {
                if let Some(s) = singular(attr.name) {
                    out.push(format!("`<{s}>`"));
                }
            }
            Kind::Text { .. } => {}
            ref k => out.extend(tagged(k).iter().map(|s| format!("`<{}>`", s.tag))),
        }
    }
    out.dedup();
    out
}

/// Which child tags an object takes, for messages.
pub fn object_children_hint(attrs: &'static [Attr]) -> String {
    let places = describe_places(attrs);
    if places.is_empty() {
        ": it takes no child tags".to_owned()
    } else {
        format!(": it takes {}", places.join(", "))
    }
}

/// Which child tags a component takes, for messages.
pub fn component_children_hint(c: &'static Component) -> String {
    let places = describe_places(c.attrs);
    if c.children == Some("elements") {
        ": it takes components".to_owned()
    } else if places.is_empty() {
        format!(": `<{}>` takes no child tags", c.tag)
    } else {
        format!(": it takes {}", places.join(", "))
    }
}

/// The sugar attribute `name` means on this tag, if any.
pub fn sugar(
    table: &'static [Attr],
    component: Option<&'static Component>,
    name: &str,
) -> Option<Sugar> {
    let (_, s) = SUGAR.iter().find(|(n, _)| *n == name)?;
    match s {
        Sugar::Callback | Sugar::OpenUrl => registry::find_attr(table, "behaviors")
            .is_some()
            .then_some(*s),
        Sugar::For => component
            .is_some_and(|c| c.opens == Some(Container::Form) || takes_select_options(c))
            .then_some(*s),
    }
}

/// Whether `for=Enum` may give this component its `options` (from `SelectOptions`): its
/// options are objects with a `value` and a `text`.
pub fn takes_select_options(c: &Component) -> bool {
    matches!(
        c.attr("options").map(|a| &a.kind),
        Some(Kind::List(Kind::Object(attrs)))
            if registry::find_attr(attrs, "value").is_some() && registry::find_attr(attrs, "text").is_some()
    )
}

/// The sugar attributes a tag accepts, for "did you mean".
pub fn sugar_names(
    table: &'static [Attr],
    component: Option<&'static Component>,
) -> impl Iterator<Item = &'static str> {
    SUGAR
        .iter()
        .filter(move |(n, _)| sugar(table, component, n).is_some())
        .map(|(n, _)| *n)
}

/// Whether users set this attribute by name (rather than through children).
pub fn settable(attr: &Attr) -> bool {
    !matches!(attr.kind, Kind::Elements)
}

/// Whether child tags provide a required attribute (`<column>`s give `columns`).
pub fn given_by_children(t: &Tag, c: &'static Component, attr: &'static Attr) -> bool {
    let mut found = false;
    Child::visit_tags(&t.children, &mut |child, _| {
        if let Some(Place::Item(a, _) | Place::Object(a, _) | Place::ListItem(a, _)) =
            component_child(c, &child.name)
        {
            if std::ptr::eq(a, attr) {
                found = true;
            }
        }
    });
    found
        || t.children.iter().any(|ch| {
            matches!(ch, Child::Splice(_) | Child::For(_)) && c.children == Some(attr.name)
        })
}

/// Whether a sugar attribute provides a required attribute (`callback` gives `behaviors`).
pub fn given_by_sugar(t: &Tag, attr: &'static Attr) -> bool {
    (attr.name == "behaviors" && (t.attr("callback").is_some() || t.attr("open_url").is_some()))
        || (attr.name == "options" && t.attr("for").is_some())
}
