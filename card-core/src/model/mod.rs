//! The typed card model: every object of Card JSON 2.0 as a Rust type.
//!
//! - Every component is a struct named after its tag (`column_set` → [`ColumnSet`]) whose public
//!   fields are named exactly like the JSON keys (`type` → `r#type`). Optional properties are
//!   `Option`s and are left out of the JSON when `None`: serialization never invents a default.
//! - Every enumerated value is an enum ([`ButtonType`], [`Color`], [`TextSize`], …) with the
//!   exact JSON spellings; colours and text sizes also take the custom names a card defines in
//!   `config.style`.
//! - Pixel-ish values ([`Width`], [`Spacing`], [`Edges`], …) keep what they do not model as the
//!   string that was written, so a card read and written back is the same JSON value.
//! - Strings are `Cow<'static, str>`: static text is borrowed, never copied.
//! - [`Element`] is what a container holds and [`BodyElement`] what the body holds: a `form` or
//!   `table` can only be put at the root of the body.
//! - The world is open: a property this version does not know is kept in its object's
//!   `unknown` field ([`Unknown`]), a component it does not know as an [`Element::Unknown`]
//!   ([`UnknownElement`]); both are written back as they were read. Whether they may be sent is
//!   the validator's call (`validate::Policy`: strict refuses them, lenient warns). A value
//!   Feishu tolerates on a known property but its field's type cannot hold (an undocumented
//!   `text_align`, a negative `rows`) is kept in `unknown` under its own key; the validator warns
//!   about it under either policy.
//!   Sub-objects read by their `tag` within a property (text objects, icons) still refuse a tag
//!   they do not know.
//!
//! Build a card with the chained setters:
//!
//! ```
//! use card_core::model::*;
//! use serde_json::json;
//!
//! let card = Card::new()
//!     .header(Header::new("确认操作").template(HeaderTemplate::Orange))
//!     .element(Markdown::new("确定要执行此操作吗?"))
//!     .element(
//!         ColumnSet::new()
//!             .column(Column::new().width(ColumnWidth::Auto).element(
//!                 Button::new("确认").r#type(ButtonType::PrimaryFilled).callback(json!({"action": "confirm"})),
//!             ))
//!             .column(Column::new().width(ColumnWidth::Auto).element(
//!                 Button::new("取消").callback(json!({"action": "cancel"})),
//!             )),
//!     );
//! let json = card.to_json();
//! assert_eq!(Card::from_json(&json).unwrap(), card);
//! ```
//!
//! or as struct literals, which is what the `card!` macro writes:
//!
//! ```
//! use card_core::model::*;
//!
//! let button = Button {
//!     r#type: Some(ButtonType::Danger),
//!     text: Some(PlainText::new("Delete")),
//!     ..Default::default()
//! };
//! assert_eq!(Element::from(button).tag(), "button");
//! ```

#[macro_use]
mod macros;

mod card;
mod common;
mod containers;
mod display;
pub(crate) mod element;
mod interactive;
mod json;
mod parse;
mod static_card;
mod tagged;
pub(crate) mod unknown;
pub(crate) mod values;
mod write;

pub use card::*;
pub use common::*;
pub use containers::*;
pub use display::*;
pub use element::{BodyElement, Element, Tagged};
pub use interactive::*;
#[doc(hidden)]
pub use macros::Literal;
pub use parse::ParseError;
pub use static_card::StaticCard;
pub use unknown::{Unknown, UnknownElement};
pub use values::*;

#[cfg(test)]
mod tests;
