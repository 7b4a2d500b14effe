//! Placeholder replaced by the card!-versus-json! bench.
fn main() {}
