//! Card callbacks: what Feishu POSTs when a user acts on a card, checked, decrypted, typed and
//! answered within the deadline (spec `feishu-openapi.md` §5).

mod actions;
#[cfg(feature = "axum")]
mod axum;
mod checks;
mod deadline;
mod fixtures;
mod logs;
