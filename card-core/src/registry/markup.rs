//! How the `card!` markup maps onto the format: which attribute of its parent a child tag fills,
//! which attribute a string child fills, and which attributes are shorthand for longer JSON.
//!
//! Read from the registry's kinds, so that a component added to the table needs no change here.
//! The `card!` macro reads markup with these functions; the JSON → `card!` converter writes
//! markup with the same functions, so that both agree on every tag.
//!
//! ```
//! use card_core::registry::{self, markup::{self, Place}};
//!
//! let column_set = registry::component("column_set").unwrap();
//! let Some(Place::Item(attr, sub)) = markup::component_child(column_set, "column") else {
//!     panic!("a column_set takes <column> tags");
//! };
//! assert_eq!((attr.name, sub.tag), ("columns", "column"));
//!
//! let table = registry::component("table").unwrap();
//! assert!(matches!(markup::component_child(table, "row"), Some(Place::ListItem(a, _)) if a.name == "rows"));
//! ```

use super::{find_attr, Attr, Component, Container, Kind, Required, CARD};

/// The markup tag of a component given as raw JSON, `card!`'s escape hatch for a component this
/// version does not know: `<raw json={…}/>`.
pub const RAW_TAG: &str = "raw";

/// The attribute of `<raw>` that holds the component.
pub const RAW_JSON: &str = "json";

/// The prefix of a raw attribute, the escape hatch for one property: `raw:glow={…}` sets the
/// property `glow` as written.
pub const RAW_PREFIX: &str = "raw:";

/// What a child tag is, relative to its parent.
#[derive(Debug, Clone, Copy)]
pub enum Place {
    /// `<body>` under `<card>`.
    Body,
    /// A tag filling an object-valued attribute (`<header>`, `<config>`, `<confirm>`), with the
    /// object's attributes.
    Object(&'static Attr, &'static [Attr]),
    /// A tagged sub-element filling an attribute (`<column>` in `columns`, `<text_tag>` in
    /// `text_tag_list`, `<standard_icon>` as `icon`, `<plain_text>` as a text).
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
///
/// ```
/// use card_core::registry::markup::singular;
/// assert_eq!(singular("img_list"), Some("img"));
/// assert_eq!(singular("rows"), Some("row"));
/// assert_eq!(singular("body"), None);
/// ```
pub fn singular(list: &str) -> Option<&str> {
    list.strip_suffix("_list")
        .or_else(|| list.strip_suffix('s'))
}

/// The kind of one entry of a list that markup writes as one child tag per entry (an object,
/// a free map or a tagged sub-element), or `None` for any other kind.
///
/// ```
/// use card_core::registry::{self, markup::entry_kind, Kind};
///
/// let table = registry::component("table").unwrap();
/// assert!(matches!(entry_kind(&table.attr("rows").unwrap().kind), Some(Kind::Map(_))));
/// assert!(entry_kind(&table.attr("page_size").unwrap().kind).is_none());
/// ```
pub fn entry_kind(kind: &'static Kind) -> Option<&'static Kind> {
    match kind {
        Kind::List(inner @ (Kind::Object(_) | Kind::Map(_) | Kind::Tagged(_))) => Some(inner),
        _ => None,
    }
}

/// The list attributes of a component that take entries as child tags (`<option>`s, a table's
/// `<column>`s and `<row>`s, `<img>`s, `<column>`s of a column set), in table order.
///
/// ```
/// use card_core::registry::{self, markup::entry_lists};
///
/// let table = registry::component("table").unwrap();
/// let names: Vec<_> = entry_lists(table).map(|a| a.name).collect();
/// assert_eq!(names, ["columns", "rows"]);
/// ```
pub fn entry_lists(c: &'static Component) -> impl Iterator<Item = &'static Attr> {
    c.attrs.iter().filter(|a| entry_kind(&a.kind).is_some())
}

/// The list a computed `{iter}` among a component's children fills: its only list of entries
/// (a table has two, `columns` and `rows`, so its computed entries are written as tags).
///
/// ```
/// use card_core::registry::{self, markup::spliced_list};
///
/// let select = registry::component("select_static").unwrap();
/// assert_eq!(spliced_list(select).map(|a| a.name), Some("options"));
/// assert!(spliced_list(registry::component("table").unwrap()).is_none());
/// ```
pub fn spliced_list(c: &'static Component) -> Option<&'static Attr> {
    let mut lists = entry_lists(c);
    match (lists.next(), lists.next()) {
        (Some(only), None) => Some(only),
        _ => None,
    }
}

/// An entry tag of an untagged list (`<option>`, a table's `<column>`, `<row>`): tagged entries
/// are found by their own tag, by [`item`].
fn list_item(attrs: &'static [Attr], name: &str) -> Option<Place> {
    attrs.iter().find_map(|attr| match entry_kind(&attr.kind) {
        Some(inner @ (Kind::Object(_) | Kind::Map(_))) if singular(attr.name) == Some(name) => {
            Some(Place::ListItem(attr, inner))
        }
        _ => None,
    })
}

/// Attributes that are shorthand for longer JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sugar {
    /// `callback={value}`: a `behaviors` entry of type `callback`.
    Callback,
    /// `open_url="…"`: a `behaviors` entry of type `open_url`.
    OpenUrl,
    /// `for=Struct` on a form: the struct the form fills.
    For,
}

/// The behaviour sugars are named like the behaviour's `type`.
const SUGAR: &[(&str, Sugar)] = &[
    (crate::model::Callback::TYPE, Sugar::Callback),
    (crate::model::OpenUrl::TYPE, Sugar::OpenUrl),
    ("for", Sugar::For),
];

/// The child tags of `<card>`: `<body>` and the card's object-valued keys.
pub fn card_child(name: &str) -> Option<Place> {
    if name == "body" {
        return Some(Place::Body);
    }
    object_attr(CARD, name)
}

fn object_attr(attrs: &'static [Attr], name: &str) -> Option<Place> {
    let attr = find_attr(attrs, name)?;
    match attr.kind {
        Kind::Object(inner) if name != "body" => Some(Place::Object(attr, inner)),
        _ => None,
    }
}

/// Tagged sub-elements an attribute holds, directly or as a list; for a text, its forms.
pub fn tagged(kind: &'static Kind) -> &'static [&'static Component] {
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
        find_attr(attrs, n).filter(|a| matches!(a.kind, Kind::Text { .. } | Kind::Str))
    })
}

/// The list of tagged items an object takes as children (`<header>` takes `<text_tag>`s).
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

/// The attribute a string child fills: the component's `text_child`, or for an object tag the
/// attribute [`object_text`] names.
pub fn text_attr(
    table: &'static [Attr],
    component: Option<&'static Component>,
) -> Option<&'static Attr> {
    match component {
        Some(c) => c.text_child.and_then(|n| c.attr(n)),
        None => object_text(table),
    }
}

/// The sugar attribute `name` means on this tag, if any: `callback` and `open_url` where the
/// tag has `behaviors`, `for` on a form and on a select whose options have a value and a text.
pub fn sugar(
    table: &'static [Attr],
    component: Option<&'static Component>,
    name: &str,
) -> Option<Sugar> {
    let (_, s) = SUGAR.iter().find(|(n, _)| *n == name)?;
    match s {
        Sugar::Callback | Sugar::OpenUrl => find_attr(table, "behaviors").is_some().then_some(*s),
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
            if find_attr(attrs, "value").is_some() && find_attr(attrs, "text").is_some()
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

/// How the markup writes an attribute that it takes as child tags rather than as a value, for
/// messages: a collapsible panel's `header` as a `<header title="…"/>` child, a person list's
/// `persons` as `<person id="…"/>` children. `None` for an attribute written `name=value`.
///
/// ```
/// use card_core::registry::{self, markup::child_form};
///
/// let panel = registry::component("collapsible_panel").unwrap();
/// assert_eq!(
///     child_form(panel.attr("header").unwrap()).as_deref(),
///     Some("a `<header title=\"…\"/>` child")
/// );
/// let list = registry::component("person_list").unwrap();
/// assert_eq!(
///     child_form(list.attr("persons").unwrap()).as_deref(),
///     Some("`<person id=\"…\"/>` children")
/// );
/// assert_eq!(child_form(list.attr("lines").unwrap()), None);
/// ```
pub fn child_form(attr: &'static Attr) -> Option<String> {
    match (attr.kind, entry_kind(&attr.kind)) {
        (Kind::Object(inner), _) if attr.name != "body" => {
            Some(format!("a {} child", example(attr.name, inner)))
        }
        (Kind::Tagged(subs), _) => Some(format!("a {} child", examples(subs))),
        (_, Some(Kind::Object(inner))) => {
            Some(format!("{} children", example(singular(attr.name)?, inner)))
        }
        (_, Some(Kind::Map(_))) => Some(format!("`<{} …/>` children", singular(attr.name)?)),
        (_, Some(Kind::Tagged(subs))) => Some(format!("{} children", examples(subs))),
        _ => None,
    }
}

/// `<tag required="…"/>`, or with the attribute a text child fills when none is required.
fn example(tag: &str, attrs: &'static [Attr]) -> String {
    let mut shown: Vec<&'static Attr> = attrs
        .iter()
        .filter(|a| a.required == Required::Yes && a.name != "tag")
        .collect();
    if shown.is_empty() {
        shown.extend(object_text(attrs));
    }
    let mut out = format!("`<{tag}");
    for a in shown {
        let quoted = matches!(
            a.kind,
            Kind::Str | Kind::StrMax(_) | Kind::Text { .. } | Kind::Format(_) | Kind::ElementId
        );
        out.push_str(&format!(
            " {}={}",
            a.name,
            if quoted { "\"…\"" } else { "…" }
        ));
    }
    out.push_str("/>`");
    out
}

fn examples(subs: &[&'static Component]) -> String {
    let all: Vec<String> = subs.iter().map(|c| example(c.tag, c.attrs)).collect();
    all.join(" or ")
}

/// Whether users set this attribute by name (rather than through children).
pub fn settable(attr: &Attr) -> bool {
    !matches!(attr.kind, Kind::Elements)
}

fn describe_places(attrs: &'static [Attr]) -> Vec<String> {
    let mut out = Vec::new();
    for attr in attrs {
        match (attr.kind, entry_kind(&attr.kind)) {
            (Kind::Object(_), _) if attr.name != "body" => out.push(format!("`<{}>`", attr.name)),
            (_, Some(Kind::Object(_) | Kind::Map(_))) => {
                if let Some(s) = singular(attr.name) {
                    out.push(format!("`<{s}>`"));
                }
            }
            (Kind::Text { .. }, _) => {}
            _ => out.extend(tagged(&attr.kind).iter().map(|s| format!("`<{}>`", s.tag))),
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
