//! Feishu/Lark interactive cards (Card JSON 2.0), written inline in Rust and checked by the
//! compiler.

pub use card_core as core;
pub use card_core::form::{
    FormError, FormValue, FromFormField, PickedDate, PickedDateTime, PickedTime, SelectOptions,
    UserId,
};
pub use card_core::{Diagnostic, Diagnostics, Severity};
pub use card_macros::{card, FormValue, SelectOptions};

#[cfg(feature = "client")]
pub use card_client as client;

#[doc(hidden)]
pub mod __private {
    pub use card_core::build::{
        callback_value, float, int, lit, put, select_options, slot, splice,
    };
    pub use card_core::form::link;
    pub use card_core::form::link::{
        Slot, TakesBool, TakesDate, TakesDateTime, TakesList, TakesText,
    };
    pub use card_core::form::{
        field as form_field, select_option_from_field, FormError, FormValue, FromFormField,
        SelectOptions,
    };
    pub use card_core::model;
    pub use serde_json;
}
