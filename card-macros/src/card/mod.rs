//! `card!`: parse → check → expand.

pub mod ast;
pub mod parse;
