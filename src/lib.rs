//! Feishu/Lark interactive cards (Card JSON 2.0), written inline in Rust and checked by the
//! compiler.

pub use card_core as core;
pub use card_core::{Diagnostic, Diagnostics, Severity};

#[cfg(feature = "client")]
pub use card_client as client;
