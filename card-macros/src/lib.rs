//! Procedural macros of `feishu-card`: `card!` and the form derives.
//!
//! Use them through the `feishu-card` crate, which documents them.

mod card;
