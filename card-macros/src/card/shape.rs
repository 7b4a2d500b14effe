//! Where a tag of the markup goes: which attribute of its parent it fills. The token-free part
//! lives in [`card_core::registry::markup`], which the JSON → `card!` converter reads too; what
//! needs the parsed tree is here.

pub use card_core::registry::markup::{
    card_child, child_form, component_child, component_children_hint, object_child,
    object_children_hint, object_items, object_text, settable, singular, sugar, sugar_names, Place,
    Sugar,
};
use card_core::registry::{Attr, Component, Kind};

use super::ast::{Child, Tag};

/// The list attributes of a component that take entries as child tags (`<option>`s, a table's
/// `<column>`s and `<row>`s, `<img>`s, `<column>`s of a column set), in table order.
pub fn entry_lists(c: &'static Component) -> impl Iterator<Item = &'static Attr> {
    c.attrs.iter().filter(|a| {
        matches!(
            a.kind,
            Kind::List(Kind::Object(_) | Kind::Map(_) | Kind::Tagged(_))
        )
    })
}

/// The list a `{iter}` splice among a component's children fills: its only list of entries
/// (a table has two, `columns` and `rows`: its computed entries are written as tags).
pub fn spliced_list(c: &'static Component) -> Option<&'static Attr> {
    let mut lists = entry_lists(c);
    match (lists.next(), lists.next()) {
        (Some(only), None) => Some(only),
        _ => None,
    }
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
            matches!(ch, Child::Splice(_) | Child::For(_))
                && (c.children == Some(attr.name)
                    || (c.children.is_none()
                        && spliced_list(c).is_some_and(|l| std::ptr::eq(l, attr))))
        })
}

/// Whether a sugar attribute provides a required attribute (`callback` gives `behaviors`).
pub fn given_by_sugar(t: &Tag, attr: &'static Attr) -> bool {
    (attr.name == "behaviors" && (t.attr("callback").is_some() || t.attr("open_url").is_some()))
        || (attr.name == "options" && t.attr("for").is_some())
}
