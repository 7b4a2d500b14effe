//! Callbacks as Feishu sends them, built here from the algorithms of the spec
//! (`feishu-openapi.md` §5.2) rather than with the crate's own helpers.

use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

use aes::cipher::block_padding::Pkcs7;
use aes::cipher::{BlockModeEncrypt, KeyIvInit};
use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use card_client::callback::{CallbackConfig, CallbackHandler};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

pub const TOKEN: &str = "v-3f9a0c1d2e-verification";
pub const KEY: &str = "k-84b1e0c2-encrypt-key";

/// A handler with the encrypt key.
pub fn sealed_handler() -> CallbackHandler {
    CallbackConfig::new(TOKEN).encrypt_key(KEY).build()
}

/// A handler without one: plaintext callbacks, verification token only.
pub fn plain_handler() -> CallbackHandler {
    CallbackConfig::new(TOKEN).build()
}

pub struct Request {
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Request {
    /// Unsigned and unencrypted.
    pub fn plain(body: &Value) -> Request {
        Request {
            headers: vec![("Content-Type".into(), "application/json".into())],
            body: body.to_string().into_bytes(),
        }
    }

    /// Raw bytes, unsigned.
    pub fn raw(body: impl Into<Vec<u8>>) -> Request {
        Request {
            headers: vec![("Content-Type".into(), "application/json".into())],
            body: body.into(),
        }
    }

    /// Encrypted with `KEY` and signed now.
    pub fn sealed(body: &Value) -> Request {
        Request::raw(seal(KEY, &body.to_string().into_bytes())).signed()
    }

    /// Signs the body as it is now, with `KEY`, at the current time.
    pub fn signed(self) -> Request {
        self.signed_at(now())
    }

    /// Signs the body with `KEY` at `timestamp`.
    pub fn signed_at(mut self, timestamp: i64) -> Request {
        let timestamp = timestamp.to_string();
        let nonce = "n-7d1c3b";
        let signature = hex(&Sha256::digest(
            [
                timestamp.as_bytes(),
                nonce.as_bytes(),
                KEY.as_bytes(),
                &self.body,
            ]
            .concat(),
        ));
        self.headers
            .push(("X-Lark-Request-Timestamp".into(), timestamp));
        self.headers
            .push(("X-Lark-Request-Nonce".into(), nonce.into()));
        self.headers.push(("X-Lark-Signature".into(), signature));
        self
    }

    pub fn without_header(mut self, name: &str) -> Request {
        self.headers.retain(|(k, _)| !k.eq_ignore_ascii_case(name));
        self
    }

    pub fn with_header(mut self, name: &str, value: &str) -> Request {
        self = self.without_header(name);
        self.headers.push((name.into(), value.into()));
        self
    }
}

pub fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// `{"encrypt": base64(iv ‖ AES-256-CBC(SHA-256(key), iv, PKCS#7(plain)))}`.
pub fn seal(key: &str, plain: &[u8]) -> Vec<u8> {
    json!({ "encrypt": seal_field(key, plain) })
        .to_string()
        .into_bytes()
}

pub fn seal_field(key: &str, plain: &[u8]) -> String {
    let iv = [0x5a_u8; 16];
    let key: [u8; 32] = Sha256::digest(key.as_bytes()).into();
    let ciphertext = cbc::Encryptor::<aes::Aes256>::new(&key.into(), &iv.into())
        .encrypt_padded_vec::<Pkcs7>(plain);
    STANDARD.encode([iv.as_slice(), &ciphertext].concat())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub fn challenge(token: &str) -> Value {
    json!({"challenge": "ajls384kdjx98XX", "token": token, "type": "url_verification"})
}

/// A `card.action.trigger` body (schema 2.0) as in Feishu's documentation.
pub fn card_action(event_id: &str, action: Value) -> Value {
    card_action_on(
        event_id,
        "c-295ee57216a5dc9de90fefd0aadb4b1d7d337c7a",
        "om_x100b3c2",
        action,
    )
}

pub fn card_action_on(
    event_id: &str,
    callback_token: &str,
    message_id: &str,
    action: Value,
) -> Value {
    json!({
        "schema": "2.0",
        "header": {
            "event_id": event_id,
            "token": TOKEN,
            "create_time": "1700000000123456",
            "event_type": "card.action.trigger",
            "tenant_key": "2df73991750c9b5",
            "app_id": "cli_a5d611352af9d00b"
        },
        "event": {
            "operator": {
                "tenant_key": "2df73991750c9b5",
                "user_id": "867b5b4a",
                "open_id": "ou_3c1b4a6e6f1a2b3c",
                "union_id": "on_b2c3d4e5f6"
            },
            "token": callback_token,
            "action": action,
            "host": "im_message",
            "context": {"open_message_id": message_id, "open_chat_id": "oc_84983ff6516d731e5b5f68d4ea2e1da5"}
        }
    })
}

pub fn button(value: Value) -> Value {
    json!({"tag": "button", "value": value})
}

/// Counts how often a callback function ran.
#[derive(Clone, Default)]
pub struct Calls(Arc<Mutex<usize>>);

impl Calls {
    pub fn hit(&self) {
        *self.0.lock().unwrap() += 1;
    }

    pub fn count(&self) -> usize {
        *self.0.lock().unwrap()
    }
}
