//! Feishu's long connection: events and card actions over a WebSocket the bot opens, with no
//! public callback URL.

pub mod frame;
