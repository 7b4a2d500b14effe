//! Typed model of Feishu/Lark Card JSON 2.0, the component registry, and the runtime validator.
//!
//! Most users reach this crate through the `feishu-card` facade and its `card!` macro.

#![warn(missing_docs)]

pub mod diagnostic;
pub mod form;
#[doc(hidden)]
pub mod macro_support;
pub mod migrate;
pub mod model;
pub mod preview;
pub mod registry;
pub mod validate;

pub use diagnostic::{Diagnostic, Diagnostics, Severity};
pub use model::*;
