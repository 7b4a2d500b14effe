//! Async client for Feishu/Lark cards: send, update, stream, and answer callbacks.
