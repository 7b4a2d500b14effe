//! The element enums: what a container holds ([`Element`]) and what the body holds
//! ([`BodyElement`]).
//!
//! Nesting is partly a matter of types: `form` and `table` may only stand at the root of the
//! body, so they are [`BodyElement`]s and not [`Element`]s, and no container can be given one.
//! The form-only components are checked at run time by the validator.

use serde::de::Error;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

use super::common::*;
use super::containers::*;
use super::display::*;
use super::interactive::*;
use super::tagged::{buffered, push_list, without_tag};
use super::unknown::UnknownElement;

/// A type that stands in JSON as an object with this `tag`.
pub trait Tagged {
    /// The `tag` value, such as `"column_set"`.
    const TAG: &'static str;
}

/// The one list of the format's tagged objects: for each, the set it belongs to, its Rust type,
/// its `tag`, and its registry record (a static of `registry::table`). Everything made per tag
/// is generated from it: the [`Element`] and [`BodyElement`] enums and their impls, the
/// [`Tagged`] impls, the parser's dispatch on `tag`, the registry's `COMPONENTS` and
/// `SUB_ELEMENTS` with their lookups, and the model type of each registry record.
///
/// The sets:
/// - `element`: a component that may stand in any `elements` list (an [`Element`] variant, a
///   registry component);
/// - `root`: a component that may only stand in `body.elements` (a [`BodyElement`] variant, a
///   registry component);
/// - `item`: a sub-element that stands as an entry of a list property (`columns`,
///   `text_tag_list`; a registry sub-element);
/// - `value`: a sub-element that stands as the value of a property (text objects, icons; a
///   registry sub-element);
/// - `inner`: a tagged object of one property only, never looked up by its tag (which may be a
///   component's); its record, if it has one of its own.
///
/// A new component is one line here, its struct, and its registry record: a record whose `tag`
/// is not the one here does not compile, and a record left out of this list fails the
/// registry's tests. The order is the order in which messages and references list the tags.
///
/// `$callback!` is given the lines sorted into views, each in the list's order, after the
/// tokens in the optional braces (in brackets):
///
/// ```text
/// [extra tokens]
/// all: [$($set Type = "tag" $(=> RECORD)?,)*]
/// components: [$(Type = "tag" => RECORD,)*]      // element and root
/// elements: [$(Type = "tag",)*]
/// roots: [$(Type = "tag",)*]
/// sub_elements: [$(Type = "tag" => RECORD,)*]    // item and value
/// ```
macro_rules! tag_list {
    ($callback:path $({ $($extra:tt)* })?) => {
        $crate::model::element::tag_sets! {
            @sort [$callback] [$($($extra)*)?]
            all [] components [] elements [] roots [] sub_elements [];
            element ColumnSet = "column_set" => COLUMN_SET,
            root Form = "form" => FORM,
            element InteractiveContainer = "interactive_container" => INTERACTIVE_CONTAINER,
            element CollapsiblePanel = "collapsible_panel" => COLLAPSIBLE_PANEL,
            element Div = "div" => DIV,
            element Markdown = "markdown" => MARKDOWN,
            element Img = "img" => IMG,
            element ImgCombination = "img_combination" => IMG_COMBINATION,
            element Person = "person" => PERSON,
            element PersonList = "person_list" => PERSON_LIST,
            element Chart = "chart" => CHART,
            root Table = "table" => TABLE,
            element Hr = "hr" => HR,
            element Audio = "audio" => AUDIO,
            element Input = "input" => INPUT,
            element Button = "button" => BUTTON,
            element Overflow = "overflow" => OVERFLOW,
            element SelectStatic = "select_static" => SELECT_STATIC,
            element MultiSelectStatic = "multi_select_static" => MULTI_SELECT_STATIC,
            element SelectPerson = "select_person" => SELECT_PERSON,
            element MultiSelectPerson = "multi_select_person" => MULTI_SELECT_PERSON,
            element DatePicker = "date_picker" => DATE_PICKER,
            element PickerTime = "picker_time" => PICKER_TIME,
            element PickerDatetime = "picker_datetime" => PICKER_DATETIME,
            element SelectImg = "select_img" => SELECT_IMG,
            element Checker = "checker" => CHECKER,
            item Column = "column" => COLUMN,
            value PlainText = "plain_text" => PLAIN_TEXT,
            value LarkMd = "lark_md" => LARK_MD,
            value StandardIcon = "standard_icon" => STANDARD_ICON,
            value CustomIcon = "custom_icon" => CUSTOM_ICON,
            item TextTag = "text_tag" => TEXT_TAG,
            inner MarkdownText = "markdown" => COLLAPSIBLE_TITLE_MARKDOWN,
            inner FallbackText = "fallback_text",
        }
    };
}

/// Sorts the lines of [`tag_list!`] into its views, one line at a time.
macro_rules! tag_sets {
    (@sort [$callback:path] [$($extra:tt)*]
        all [$($all:tt)*] components [$($c:tt)*] elements [$($e:tt)*] roots [$($r:tt)*]
        sub_elements [$($s:tt)*];
    ) => {
        $callback! {
            [$($extra)*]
            all: [$($all)*]
            components: [$($c)*]
            elements: [$($e)*]
            roots: [$($r)*]
            sub_elements: [$($s)*]
        }
    };
    (@sort $callback:tt $extra:tt
        all [$($all:tt)*] components [$($c:tt)*] elements [$($e:tt)*] roots $r:tt
        sub_elements $s:tt;
        element $ty:ident = $tag:literal => $record:ident, $($rest:tt)*
    ) => {
        $crate::model::element::tag_sets! {
            @sort $callback $extra
            all [$($all)* element $ty = $tag => $record,]
            components [$($c)* $ty = $tag => $record,]
            elements [$($e)* $ty = $tag,]
            roots $r
            sub_elements $s;
            $($rest)*
        }
    };
    (@sort $callback:tt $extra:tt
        all [$($all:tt)*] components [$($c:tt)*] elements $e:tt roots [$($r:tt)*]
        sub_elements $s:tt;
        root $ty:ident = $tag:literal => $record:ident, $($rest:tt)*
    ) => {
        $crate::model::element::tag_sets! {
            @sort $callback $extra
            all [$($all)* root $ty = $tag => $record,]
            components [$($c)* $ty = $tag => $record,]
            elements $e
            roots [$($r)* $ty = $tag,]
            sub_elements $s;
            $($rest)*
        }
    };
    (@sort $callback:tt $extra:tt
        all [$($all:tt)*] components $c:tt elements $e:tt roots $r:tt sub_elements [$($s:tt)*];
        item $ty:ident = $tag:literal => $record:ident, $($rest:tt)*
    ) => {
        $crate::model::element::tag_sets! {
            @sort $callback $extra
            all [$($all)* item $ty = $tag => $record,]
            components $c
            elements $e
            roots $r
            sub_elements [$($s)* $ty = $tag => $record,];
            $($rest)*
        }
    };
    (@sort $callback:tt $extra:tt
        all [$($all:tt)*] components $c:tt elements $e:tt roots $r:tt sub_elements [$($s:tt)*];
        value $ty:ident = $tag:literal => $record:ident, $($rest:tt)*
    ) => {
        $crate::model::element::tag_sets! {
            @sort $callback $extra
            all [$($all)* value $ty = $tag => $record,]
            components $c
            elements $e
            roots $r
            sub_elements [$($s)* $ty = $tag => $record,];
            $($rest)*
        }
    };
    (@sort $callback:tt $extra:tt
        all [$($all:tt)*] components $c:tt elements $e:tt roots $r:tt sub_elements $s:tt;
        inner $ty:ident = $tag:literal $(=> $record:ident)?, $($rest:tt)*
    ) => {
        $crate::model::element::tag_sets! {
            @sort $callback $extra
            all [$($all)* inner $ty = $tag $(=> $record)?,]
            components $c
            elements $e
            roots $r
            sub_elements $s;
            $($rest)*
        }
    };
}

pub(crate) use {tag_list, tag_sets};

/// Hands `$callback!` every [`Element`] variant and its tag, as `Variant = "tag",` lines.
macro_rules! element_list {
    ($callback:path) => {
        $crate::model::element::tag_list!($crate::model::element::element_view { $callback });
    };
}

/// The `elements` view of [`tag_list!`], for [`element_list!`].
macro_rules! element_view {
    ([$callback:path] all: $all:tt components: $components:tt
        elements: [$($variant:ident = $tag:literal,)*] roots: $roots:tt sub_elements: $subs:tt
    ) => {
        $callback! { $($variant = $tag,)* }
    };
}

pub(crate) use {element_list, element_view};

macro_rules! elements {
    ([] all: [$($set:ident $ty:ident = $ty_tag:literal $(=> $record:ident)?,)*]
        components: $components:tt
        elements: [$($variant:ident = $tag:literal,)*]
        roots: [$($root:ident = $root_tag:literal,)*]
        sub_elements: $subs:tt
    ) => {
        $(
            impl Tagged for $ty {
                const TAG: &'static str = $ty_tag;
            }
        )*

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
            /// A component this version of the model does not know, kept as it was written
            /// (see [`UnknownElement`]). The validator reports it: an error when strict, a
            /// warning when lenient.
            #[serde(untagged)]
            Unknown(Box<UnknownElement>),
        }

        impl Element {
            /// Every tag an [`Element`] may have.
            pub const TAGS: &'static [&'static str] = &[$($tag),*];

            /// The element's `tag`.
            pub fn tag(&self) -> &str {
                match self {
                    $(Element::$variant(_) => $tag,)*
                    Element::Unknown(unknown) => &unknown.tag,
                }
            }

            /// Whether the model knows this element's tag.
            pub fn is_known(&self) -> bool {
                !matches!(self, Element::Unknown(_))
            }

            /// Reads the element named by `tag` from `value` (an object, `tag` included).
            ///
            /// A tag the model does not know gives `value` back, unread.
            fn from_tagged(tag: &str, value: Value) -> Result<Result<Self, serde_json::Error>, Value> {
                // One call through a function pointer rather than one call per arm: in debug
                // builds every arm would keep its own element-sized result on the stack, and
                // nested containers would run out of stack long before serde_json's depth limit.
                let read: fn(Value) -> Result<Element, serde_json::Error> = match tag {
                    $($tag => read_element::<$variant>,)*
                    _ => return Err(value),
                };
                Ok(read(value))
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
                    Element::Unknown(unknown) => unknown.write_json(out),
                }
            }
        }

        $(
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

        /// What stands in `body.elements`: a [`Form`], a [`Table`], or any [`Element`]. In JSON,
        /// the tagged object itself.
        ///
        /// ```
        /// use card_core::model::{BodyElement, Form, Hr};
        ///
        /// let form: BodyElement = Form::new("f").into();
        /// let hr: BodyElement = Hr::new().into();
        /// assert_eq!((form.tag(), hr.tag()), ("form", "hr"));
        /// ```
        ///
        /// Forms and tables are boxed like every [`Element`]'s component, so that a
        /// `BodyElement` is 24 bytes.
        #[derive(Debug, Clone, PartialEq)]
        pub enum BodyElement {
            $(
                #[doc = concat!("`", $root_tag, "`.")]
                $root(Box<$root>),
            )*
            /// Any other component.
            Element(Element),
        }

        impl BodyElement {
            /// Every tag a [`BodyElement`] may have.
            pub fn tags() -> impl Iterator<Item = &'static str> {
                [$($root_tag),*]
                    .into_iter()
                    .chain(Element::TAGS.iter().copied())
            }

            /// The element's `tag`.
            pub fn tag(&self) -> &str {
                match self {
                    $(BodyElement::$root(_) => $root_tag,)*
                    BodyElement::Element(e) => e.tag(),
                }
            }
        }

        $(
            impl From<$root> for BodyElement {
                fn from(component: $root) -> Self {
                    BodyElement::$root(Box::new(component))
                }
            }
        )*

        impl From<Element> for BodyElement {
            fn from(element: Element) -> Self {
                BodyElement::Element(element)
            }
        }

        /// Writes a component that has no `tag` field with its tag.
        #[derive(Serialize)]
        #[serde(tag = "tag", rename_all = "snake_case")]
        enum TaggedRef<'a> {
            $(
                #[serde(rename = $root_tag)]
                $root(&'a $root),
            )*
            Button(&'a Button),
        }

        impl Serialize for BodyElement {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                match self {
                    $(BodyElement::$root(c) => TaggedRef::$root(c).serialize(serializer),)*
                    BodyElement::Element(element) => element.serialize(serializer),
                }
            }
        }

        impl crate::model::json::WriteJson for BodyElement {
            fn write_json(&self, out: &mut String) -> Result<(), crate::model::json::Error> {
                match self {
                    $(BodyElement::$root(c) => crate::model::json::write_tagged(
                        out,
                        concat!("{\"tag\":\"", $root_tag, "\""),
                        &**c,
                    ),)*
                    BodyElement::Element(element) => element.write_json(out),
                }
            }
        }

        impl<'de> Deserialize<'de> for BodyElement {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let (tag, value) = buffered(deserializer, "a component object")?;
                let parsed = match tag.as_str() {
                    $($root_tag => $root::deserialize(without_tag(value)).map(BodyElement::from),)*
                    other => match Element::from_tagged(other, value) {
                        Ok(parsed) => parsed.map(BodyElement::Element),
                        Err(value) => unknown_element(other, value, true)
                            .map(BodyElement::Element),
                    },
                };
                parsed.map_err(D::Error::custom)
            }
        }

        /// Each type's `tag` is the one it writes.
        #[cfg(test)]
        #[test]
        fn every_type_writes_its_tag() {
            $(
                let written = tag_written!($set $ty);
                assert_eq!(written.as_deref(), Some(<$ty as Tagged>::TAG), "{}", stringify!($ty));
            )*
        }
    };
}

/// The `tag` an empty `$ty` of the set `$set` writes.
#[cfg(test)]
macro_rules! tag_written {
    (element $ty:ident) => {
        tag_of(Element::from(<$ty>::default()))
    };
    (root $ty:ident) => {
        tag_of(BodyElement::from(<$ty>::default()))
    };
    ($set:ident $ty:ident) => {
        tag_of(<$ty>::default())
    };
}

/// The `tag` of `value` written as JSON.
#[cfg(test)]
fn tag_of(value: impl Serialize) -> Option<String> {
    let json = serde_json::to_value(value).ok()?;
    json.get("tag")?.as_str().map(str::to_owned)
}

tag_list!(elements);

/// Reads a component from its object, `tag` included.
fn read_element<T>(value: Value) -> Result<Element, serde_json::Error>
where
    T: serde::de::DeserializeOwned + Into<Element>,
{
    T::deserialize(without_tag(value)).map(Into::into)
}

impl<'de> Deserialize<'de> for Element {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let (tag, value) = buffered(deserializer, "a component object")?;
        match Element::from_tagged(&tag, value) {
            Ok(parsed) => parsed,
            Err(value) => unknown_element(&tag, value, false),
        }
        .map_err(D::Error::custom)
    }
}

impl Element {
    /// Reads a component from its JSON object: a component the model knows as its type, any
    /// other object with a string `tag` as [`Element::Unknown`], kept as written. A `form` or
    /// `table` (which only stand at the root of the body), a sub-element such as `column`, a
    /// 1.0 module, a value that is not an object or an object without a string `tag` is
    /// refused, as is a known component whose properties do not have their types.
    ///
    /// ```
    /// use card_core::model::Element;
    /// use serde_json::json;
    ///
    /// let known = Element::from_value(json!({"tag": "markdown", "content": "hi"})).unwrap();
    /// assert!(matches!(known, Element::Markdown(_)));
    ///
    /// let new = Element::from_value(json!({"tag": "hologram", "depth": 3})).unwrap();
    /// assert_eq!(new.tag(), "hologram");
    /// assert!(!new.is_known());
    ///
    /// assert!(Element::from_value(json!({"tag": "markdown", "content": 1})).is_err());
    /// assert!(Element::from_value(json!({"tag": "form", "name": "f"})).is_err());
    /// assert!(Element::from_value(json!({"content": "no tag"})).is_err());
    /// ```
    pub fn from_value(value: Value) -> Result<Element, serde_json::Error> {
        Element::deserialize(value)
    }
}

impl BodyElement {
    /// Reads what stands in `body.elements` from its JSON object: like
    /// [`Element::from_value`], and a `form` or `table` as well.
    ///
    /// ```
    /// use card_core::model::BodyElement;
    /// use serde_json::json;
    ///
    /// let form = BodyElement::from_value(json!({"tag": "form", "name": "f", "elements": []})).unwrap();
    /// assert_eq!(form.tag(), "form");
    /// let new = BodyElement::from_value(json!({"tag": "hologram"})).unwrap();
    /// assert_eq!(new.tag(), "hologram");
    /// ```
    pub fn from_value(value: Value) -> Result<BodyElement, serde_json::Error> {
        BodyElement::deserialize(value)
    }
}

impl From<UnknownElement> for Element {
    fn from(unknown: UnknownElement) -> Self {
        Element::Unknown(Box::new(unknown))
    }
}

impl From<UnknownElement> for BodyElement {
    fn from(unknown: UnknownElement) -> Self {
        BodyElement::Element(Element::Unknown(Box::new(unknown)))
    }
}

/// An element whose tag the model has no type for: kept as an [`Element::Unknown`] if the
/// registry does not know the tag either, refused (with the registry's reason) if it names
/// something that may not stand here.
fn unknown_element(tag: &str, value: Value, at_root: bool) -> Result<Element, serde_json::Error> {
    if is_known_tag(tag) {
        return Err(serde_json::Error::custom(misplaced_tag_message(
            tag, at_root,
        )));
    }
    match value {
        Value::Object(map) => UnknownElement::from_object(map).map(Element::from),
        _ => Err(serde_json::Error::custom("a component is a JSON object")),
    }
}

/// Whether the registry knows `tag` as anything: a component, a sub-element or a removed 1.0
/// module.
fn is_known_tag(tag: &str) -> bool {
    use crate::registry;
    registry::component(tag).is_some()
        || registry::sub_element(tag).is_some()
        || registry::REMOVED_COMPONENTS.iter().any(|(t, _)| *t == tag)
        || registry::SUB_ELEMENT_HOMES.iter().any(|(t, _)| *t == tag)
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
