//! Where a tag of the markup goes: which attribute of its parent it fills. The token-free part
//! lives in [`card_core::registry::markup`], which the JSON → `card!` converter reads too; what
//! needs the parsed tree is here.

pub use card_core::registry::markup::{
    card_child, child_form, component_child, component_children_hint, entry_lists, object_child,
    object_children_hint, object_items, object_text, settable, singular, spliced_list, sugar,
    sugar_names, text_attr, Place, Sugar,
};
use card_core::registry::{Attr, Component};

use super::ast::{Child, Tag};

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

pub use card_core::registry::markup::{RAW_JSON, RAW_PREFIX, RAW_TAG};
