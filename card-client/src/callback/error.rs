//! Why a callback was refused, and the HTTP status each reason gets.

/// Why [`CallbackHandler::handle`](super::CallbackHandler::handle) did not run your function.
///
/// Each reason has an HTTP status ([`CallbackError::status`]): 413 for a body over the limit,
/// 400 for a body that is not a well-formed callback, 401 for a missing or wrong signature or a
/// stale timestamp, 403 for a wrong verification token, 409 for an event already handled, and
/// two 5xx for failures on this side. The handler logs one line per refusal with `tracing`
/// (never a secret) and answers with the status and `{"error": "<message>"}`.
///
/// ```
/// use card_client::callback::CallbackError;
///
/// assert_eq!(CallbackError::BadSignature.status(), 401);
/// assert_eq!(CallbackError::Replayed { event_id: "e1".into() }.status(), 409);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CallbackError {
    /// The body is longer than the configured limit (413).
    #[error(
        "callback body is over the {limit}-byte limit; raise CallbackConfig::body_limit if Feishu really sends bodies this large"
    )]
    BodyTooLarge {
        /// The configured limit, in bytes.
        limit: usize,
    },

    /// The body could not be read from the connection (400).
    #[error("callback body could not be read: {reason}")]
    BodyUnreadable {
        /// What the transport said.
        reason: String,
    },

    /// The body, or the decrypted body, is not a JSON object (400).
    #[error("callback body is not a JSON object{}: {reason}", if *.decrypted { " after decryption" } else { "" })]
    NotJson {
        /// Whether this is the decrypted body.
        decrypted: bool,
        /// What the JSON parser said.
        reason: String,
    },

    /// The `encrypt` field is not standard base64 (400).
    #[error("the `encrypt` field is not valid base64")]
    BadBase64,

    /// The decoded `encrypt` field is not a 16-byte IV followed by whole 16-byte blocks (400).
    #[error(
        "the `encrypt` field decodes to {len} bytes: it must be a 16-byte IV followed by whole 16-byte AES blocks"
    )]
    BadCiphertext {
        /// Length of the decoded field, in bytes.
        len: usize,
    },

    /// The ciphertext does not end in valid PKCS#7 padding: nearly always a wrong encrypt key
    /// (400).
    #[error(
        "the `encrypt` field does not decrypt (bad padding): check that CallbackConfig::encrypt_key is the app's current Encrypt Key"
    )]
    BadPadding,

    /// The body is encrypted but the handler has no encrypt key (400).
    #[error(
        "the callback body is encrypted but no encrypt key is configured: set CallbackConfig::encrypt_key to the app's Encrypt Key"
    )]
    NoEncryptKey,

    /// A signature header is missing while an encrypt key is configured (401).
    #[error(
        "the `{header}` header is missing: with an Encrypt Key, Feishu signs every callback, so this request did not come from Feishu"
    )]
    MissingSignature {
        /// The missing header.
        header: &'static str,
    },

    /// `X-Lark-Signature` is not the SHA-256 of timestamp, nonce, encrypt key and body (401).
    #[error(
        "the signature does not match the body: check the encrypt key, and pass the raw body bytes unchanged (not re-serialized JSON)"
    )]
    BadSignature,

    /// `X-Lark-Request-Timestamp` is not a number of seconds (401).
    #[error("the `X-Lark-Request-Timestamp` header is not a Unix time in seconds")]
    BadTimestamp,

    /// The signed timestamp is too far from this machine's clock (401).
    #[error(
        "the request timestamp is {skew_secs} s away from this machine's clock, outside the {window_secs} s window: a replay, or a clock out of sync"
    )]
    StaleTimestamp {
        /// Distance between the timestamp and now, in seconds.
        skew_secs: u64,
        /// The configured window, in seconds.
        window_secs: u64,
    },

    /// The verification token in the body is not the configured one (403).
    #[error(
        "the verification token does not match: check CallbackConfig's token against the app's Verification Token"
    )]
    WrongToken,

    /// This `event_id` was already handled (409).
    #[error("event {event_id} was already handled; Feishu or someone else sent it again")]
    Replayed {
        /// The event's id.
        event_id: String,
    },

    /// A well-formed body that is not a `card.action.trigger` callback (400).
    #[error(
        "`{event_type}` is not handled here: subscribe this URL to the `card.action.trigger` callback (schema 2.0)"
    )]
    UnsupportedEvent {
        /// The event type found, or a description of the body's shape.
        event_type: String,
    },

    /// A `card.action.trigger` callback with missing or mistyped fields (400).
    #[error("malformed card.action.trigger callback: {reason}")]
    Malformed {
        /// What is wrong.
        reason: String,
    },

    /// The event store failed, so replays could not be ruled out (503).
    #[error("the event store failed, so the callback was not handled: {reason}")]
    StoreFailed {
        /// What the store said.
        reason: String,
    },

    /// Another delivery of this `event_id` is still being handled (by another replica, or by
    /// this one over another connection) and neither finished nor gave it up within the
    /// deadline (503): not answered as done, so that Feishu delivers it again.
    #[error(
        "event {event_id} is still being handled by another delivery; not answered, so that Feishu delivers it again"
    )]
    InProgress {
        /// The event's id.
        event_id: String,
    },

    /// Your function panicked before answering (500).
    #[error("the callback function panicked before answering")]
    HandlerPanicked,
}

impl CallbackError {
    /// The HTTP status of the answer.
    pub fn status(&self) -> u16 {
        match self {
            CallbackError::BodyTooLarge { .. } => 413,
            CallbackError::BodyUnreadable { .. }
            | CallbackError::NotJson { .. }
            | CallbackError::BadBase64
            | CallbackError::BadCiphertext { .. }
            | CallbackError::BadPadding
            | CallbackError::NoEncryptKey
            | CallbackError::UnsupportedEvent { .. }
            | CallbackError::Malformed { .. } => 400,
            CallbackError::MissingSignature { .. }
            | CallbackError::BadSignature
            | CallbackError::BadTimestamp
            | CallbackError::StaleTimestamp { .. } => 401,
            CallbackError::WrongToken => 403,
            CallbackError::Replayed { .. } => 409,
            CallbackError::HandlerPanicked => 500,
            CallbackError::StoreFailed { .. } | CallbackError::InProgress { .. } => 503,
        }
    }
}
