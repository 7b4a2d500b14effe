//! The element enums: what a container holds ([`Element`]) and what the body holds
//! ([`BodyElement`]).
//!
//! Nesting is partly a matter of types: `form` and `table` may only stand at the root of the
//! body, so they are [`BodyElement`]s and not [`Element`]s, and no container can be given one.
//! The form-only components are checked at run time by the validator.

use serde::de::Error;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

use super::containers::*;
use super::display::*;
use super::interactive::*;
use super::tagged::{buffered, push_list, without_tag};

/// A type that stands in JSON as an object with this `tag`.
pub trait Tagged {
    /// The `tag` value, such as `"column_set"`.
    const TAG: &'static str;
}

macro_rules! elements {
    ($($variant:ident = $tag:literal,)*) => {
        /// A component that may stand in a container's `elements` (and in the body): everything
        /// but `form` and `table`. In JSON, an object whose `tag` names the variant.
        ///
        /// ```
        /// use card_core::model::{Element, Markdown};
        ///
        /// let e: Element = Markdown::new("**hi**").into();
        /// assert_eq!(e.tag(), "markdown");
        /// assert_eq!(
        ///     serde_json::to_value(&e).unwrap(),
        ///     serde_json::json!({"tag": "markdown", "content": "**hi**"})
        /// );
        /// ```
        //
        // Each component is boxed: they range from 48 bytes (`hr`) to over a kilobyte
        // (`button`), and a list of unboxed elements would give every element the largest
        // size, so that even a list of three needs an allocation too large for the allocator's
        // fast paths. A boxed element is 16 bytes, and each component costs its own size.
        #[derive(Debug, Clone, PartialEq, Serialize)]
        #[serde(tag = "tag")]
        pub enum Element {
            $(
                #[doc = concat!("`", $tag, "`.")]
                #[serde(rename = $tag)]
                $variant(Box<$variant>),
            )*
        }

        impl Element {
            /// Every tag an [`Element`] may have.
            pub const TAGS: &'static [&'static str] = &[$($tag),*];

            /// The element's `tag`.
            pub fn tag(&self) -> &'static str {
                match self {
                    $(Element::$variant(_) => $tag,)*
                }
            }

            /// Reads the element named by `tag` from `value` (an object, `tag` included).
            fn from_tagged(tag: &str, value: Value) -> Option<Result<Self, serde_json::Error>> {
                // One call through a function pointer rather than one call per arm: in debug
                // builds every arm would keep its own element-sized result on the stack, and
                // nested containers would run out of stack long before serde_json's depth limit.
                let read: fn(Value) -> Result<Element, serde_json::Error> = match tag {
                    $($tag => read_element::<$variant>,)*
                    _ => return None,
                };
                Some(read(value))
            }
        }

        impl crate::model::json::WriteJson for Element {
            fn write_json(&self, out: &mut String) -> Result<(), crate::model::json::Error> {
                match self {
                    $(Element::$variant(c) => crate::model::json::write_tagged(
                        out,
                        concat!("{\"tag\":\"", $tag, "\""),
                        &**c,
                    ),)*
                }
            }
        }

        $(
            impl Tagged for $variant {
                const TAG: &'static str = $tag;
            }

            impl From<$variant> for Element {
                fn from(component: $variant) -> Self {
                    Element::$variant(Box::new(component))
                }
            }

            impl From<Box<$variant>> for Element {
                fn from(component: Box<$variant>) -> Self {
                    Element::$variant(component)
                }
            }

            impl From<$variant> for BodyElement {
                fn from(component: $variant) -> Self {
                    BodyElement::Element(Element::$variant(Box::new(component)))
                }
            }

            impl From<Box<$variant>> for BodyElement {
                fn from(component: Box<$variant>) -> Self {
                    BodyElement::Element(Element::$variant(component))
                }
            }
        )*
    };
}

/// Every [`Element`] variant and its tag, handed to `$callback!` as `Variant = "tag",` lines: the
/// one list from which the enum and everything else made per component are generated.
macro_rules! element_list {
    ($callback:path) => {
        $callback! {
        ColumnSet = "column_set",
        InteractiveContainer = "interactive_container",
        CollapsiblePanel = "collapsible_panel",
        Div = "div",
        Markdown = "markdown",
        Img = "img",
        ImgCombination = "img_combination",
        Person = "person",
        PersonList = "person_list",
        Chart = "chart",
        Hr = "hr",
        Audio = "audio",
        Input = "input",
        Button = "button",
        Overflow = "overflow",
        SelectStatic = "select_static",
        MultiSelectStatic = "multi_select_static",
        SelectPerson = "select_person",
        MultiSelectPerson = "multi_select_person",
        DatePicker = "date_picker",
        PickerTime = "picker_time",
        PickerDatetime = "picker_datetime",
        SelectImg = "select_img",
        Checker = "checker",
        }
    };
}

pub(crate) use element_list;

element_list!(elements);

/// Reads a component from its object, `tag` included.
fn read_element<T>(value: Value) -> Result<Element, serde_json::Error>
where
    T: serde::de::DeserializeOwned + Into<Element>,
{
    T::deserialize(without_tag(value)).map(Into::into)
}

impl Tagged for Form {
    const TAG: &'static str = "form";
}

impl Tagged for Table {
    const TAG: &'static str = "table";
}

impl<'de> Deserialize<'de> for Element {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let (tag, value) = buffered(deserializer, "a component object")?;
        match Element::from_tagged(&tag, value) {
            Some(parsed) => parsed.map_err(D::Error::custom),
            None => Err(D::Error::custom(misplaced_tag_message(&tag, false))),
        }
    }
}

/// What stands in `body.elements`: a [`Form`], a [`Table`], or any [`Element`]. In JSON, the
/// tagged object itself.
///
/// ```
/// use card_core::model::{BodyElement, Form, Hr};
///
/// let form: BodyElement = Form::new("f").into();
/// let hr: BodyElement = Hr::new().into();
/// assert_eq!((form.tag(), hr.tag()), ("form", "hr"));
/// ```
///
/// Forms and tables are boxed like every [`Element`]'s component, so that a `BodyElement` is
/// 24 bytes.
#[derive(Debug, Clone, PartialEq)]
pub enum BodyElement {
    /// `form`.
    Form(Box<Form>),
    /// `table`.
    Table(Box<Table>),
    /// Any other component.
    Element(Element),
}

impl BodyElement {
    /// Every tag a [`BodyElement`] may have.
    pub fn tags() -> impl Iterator<Item = &'static str> {
        ["form", "table"]
            .into_iter()
            .chain(Element::TAGS.iter().copied())
    }

    /// The element's `tag`.
    pub fn tag(&self) -> &'static str {
        match self {
            BodyElement::Form(_) => "form",
            BodyElement::Table(_) => "table",
            BodyElement::Element(e) => e.tag(),
        }
    }
}

impl From<Form> for BodyElement {
    fn from(form: Form) -> Self {
        BodyElement::Form(Box::new(form))
    }
}

impl From<Table> for BodyElement {
    fn from(table: Table) -> Self {
        BodyElement::Table(Box::new(table))
    }
}

impl From<Element> for BodyElement {
    fn from(element: Element) -> Self {
        BodyElement::Element(element)
    }
}

/// Writes a component that has no `tag` field with its tag.
#[derive(Serialize)]
#[serde(tag = "tag", rename_all = "snake_case")]
enum TaggedRef<'a> {
    Form(&'a Form),
    Table(&'a Table),
    Button(&'a Button),
}

impl Serialize for BodyElement {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            BodyElement::Form(form) => TaggedRef::Form(form).serialize(serializer),
            BodyElement::Table(table) => TaggedRef::Table(table).serialize(serializer),
            BodyElement::Element(element) => element.serialize(serializer),
        }
    }
}

impl crate::model::json::WriteJson for BodyElement {
    fn write_json(&self, out: &mut String) -> Result<(), crate::model::json::Error> {
        use crate::model::json::write_tagged;
        match self {
            BodyElement::Form(form) => write_tagged(out, "{\"tag\":\"form\"", &**form),
            BodyElement::Table(table) => write_tagged(out, "{\"tag\":\"table\"", &**table),
            BodyElement::Element(element) => element.write_json(out),
        }
    }
}

impl<'de> Deserialize<'de> for BodyElement {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let (tag, value) = buffered(deserializer, "a component object")?;
        let parsed = match tag.as_str() {
            "form" => Form::deserialize(without_tag(value)).map(BodyElement::from),
            "table" => Table::deserialize(without_tag(value)).map(BodyElement::from),
            other => match Element::from_tagged(other, value) {
                Some(parsed) => parsed.map(BodyElement::Element),
                None => return Err(D::Error::custom(misplaced_tag_message(other, true))),
            },
        };
        parsed.map_err(D::Error::custom)
    }
}

/// Why `tag` cannot stand in an `elements` list (`at_root`: the body's own list), in the
/// registry's words.
pub(crate) fn misplaced_tag_message(tag: &str, at_root: bool) -> String {
    use crate::registry;
    if let Some(component) = registry::component(tag) {
        if !at_root && component.placement.root_only.is_some() {
            return format!(
                "`{tag}` cannot be placed inside a container: a {tag} may only sit at the root of the card body"
            );
        }
    }
    if let Some((_, instead)) = registry::REMOVED_COMPONENTS.iter().find(|(t, _)| *t == tag) {
        return format!("`{tag}` is a JSON 1.0 module that Card JSON 2.0 removed: {instead}");
    }
    if let Some((_, home)) = registry::SUB_ELEMENT_HOMES.iter().find(|(t, _)| *t == tag) {
        return format!("`{tag}` is not a component: {home}");
    }
    if registry::sub_element(tag).is_some() {
        return format!(
            "`{tag}` is not a component: it only stands inside another component's property"
        );
    }
    let mut message = format!("unknown component tag `{tag}`: expected ");
    let allowed: Vec<&str> = if at_root {
        BodyElement::tags().collect()
    } else {
        Element::TAGS.to_vec()
    };
    push_list(&mut message, &allowed);
    message
}

/// Serde helpers for a checker's `button_area.buttons`, where each button keeps its `tag`.
pub(crate) mod tagged_buttons {
    use super::*;

    pub(crate) fn serialize<S: Serializer>(
        buttons: &Option<Vec<Button>>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match buttons {
            Some(buttons) => serializer.collect_seq(buttons.iter().map(TaggedRef::Button)),
            None => serializer.serialize_none(),
        }
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<Vec<Button>>, D::Error> {
        let buttons = Vec::<TaggedButton>::deserialize(deserializer)?;
        Ok(Some(buttons.into_iter().map(|b| b.0).collect()))
    }

    /// A button written with its `tag`.
    struct TaggedButton(Button);

    impl<'de> Deserialize<'de> for TaggedButton {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            let (tag, value) = buffered(deserializer, "a `button` object")?;
            if tag != "button" {
                return Err(D::Error::custom(format!(
                    "`{tag}` cannot stand in a checker's `button_area`: only `button` can"
                )));
            }
            Button::deserialize(without_tag(value))
                .map(TaggedButton)
                .map_err(D::Error::custom)
        }
    }
}
