//! The long connection's wire format: each WebSocket message is one protobuf (proto2)
//! `pbbp2.Frame`; control frames carry pings and pongs, data frames carry events and card
//! actions as JSON, and every data frame is acknowledged by sending it back with a JSON answer.

use std::time::Duration;

use base64::Engine as _;
use prost::Message as _;
use serde::{Deserialize, Serialize};

/// `method` of a control frame (ping, pong).
pub const METHOD_CONTROL: i32 = 0;
/// `method` of a data frame (event, card action).
pub const METHOD_DATA: i32 = 1;

/// Header: what the frame carries (`event`, `card`, `ping`, `pong`).
pub const HEADER_TYPE: &str = "type";
/// Header: the id that ties the parts of one split payload together.
pub const HEADER_MESSAGE_ID: &str = "message_id";
/// Header: how many parts the payload was split into.
pub const HEADER_SUM: &str = "sum";
/// Header: which part this is, from 0.
pub const HEADER_SEQ: &str = "seq";
/// Header: the trace id of the delivery.
pub const HEADER_TRACE_ID: &str = "trace_id";
/// Header added to an acknowledgement: how long the handler took, in milliseconds.
pub const HEADER_BIZ_RT: &str = "biz_rt";

/// One header of a frame.
#[derive(Clone, PartialEq, Eq, prost::Message)]
pub struct Header {
    /// The header's name.
    #[prost(string, required, tag = "1")]
    pub key: String,
    /// The header's value.
    #[prost(string, required, tag = "2")]
    pub value: String,
}

/// One message of the long connection (`pbbp2.Frame`).
#[derive(Clone, PartialEq, Eq, prost::Message)]
pub struct Frame {
    /// Sequence id (0 in control frames).
    #[prost(uint64, required, tag = "1")]
    pub seq_id: u64,
    /// Log id (0 in control frames).
    #[prost(uint64, required, tag = "2")]
    pub log_id: u64,
    /// The `service_id` from the connection URL's query.
    #[prost(int32, required, tag = "3")]
    pub service: i32,
    /// [`METHOD_CONTROL`] or [`METHOD_DATA`].
    #[prost(int32, required, tag = "4")]
    pub method: i32,
    /// The frame's headers, in order.
    #[prost(message, repeated, tag = "5")]
    pub headers: Vec<Header>,
    /// How the payload is encoded, when said.
    #[prost(string, optional, tag = "6")]
    pub payload_encoding: Option<String>,
    /// The payload's type, when said.
    #[prost(string, optional, tag = "7")]
    pub payload_type: Option<String>,
    /// The payload: JSON for data frames and pongs.
    #[prost(bytes = "vec", optional, tag = "8")]
    pub payload: Option<Vec<u8>>,
    /// The log id as text.
    #[prost(string, optional, tag = "9")]
    pub log_id_new: Option<String>,
}

/// What a frame carries, from its `type` header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FrameType {
    /// An event, card actions included (`event`).
    Event,
    /// A card action sent as its own frame type (`card`).
    Card,
    /// A keep-alive from the client (`ping`).
    Ping,
    /// The server's answer to a ping, carrying a [`ClientConfig`] (`pong`).
    Pong,
}

impl FrameType {
    /// The `type` header's value.
    pub const fn as_str(self) -> &'static str {
        match self {
            FrameType::Event => "event",
            FrameType::Card => "card",
            FrameType::Ping => "ping",
            FrameType::Pong => "pong",
        }
    }

    /// The type named by a `type` header's value, if known.
    pub fn from_header(value: &str) -> Option<FrameType> {
        [
            FrameType::Event,
            FrameType::Card,
            FrameType::Ping,
            FrameType::Pong,
        ]
        .into_iter()
        .find(|t| t.as_str() == value)
    }
}

/// A frame that could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FrameError {
    /// The bytes are not a protobuf `Frame`.
    #[error("the message is not a protobuf frame: {0}")]
    Decode(#[from] prost::DecodeError),
}

impl Frame {
    /// Reads one frame from a binary WebSocket message.
    ///
    /// ```
    /// use card_client::ws::frame::{Frame, FrameType};
    ///
    /// let ping = Frame::control(7, FrameType::Ping, None);
    /// let read = Frame::decode_bytes(&ping.encode_bytes()).unwrap();
    /// assert_eq!(read, ping);
    /// assert_eq!(read.frame_type(), Some(FrameType::Ping));
    /// assert!(Frame::decode_bytes(b"\xff\xff").is_err());
    /// ```
    pub fn decode_bytes(bytes: &[u8]) -> Result<Frame, FrameError> {
        Ok(Frame::decode(bytes)?)
    }

    /// The frame as the bytes of one binary WebSocket message.
    pub fn encode_bytes(&self) -> Vec<u8> {
        self.encode_to_vec()
    }

    /// A control frame (`method` 0, `SeqID` and `LogID` 0) of `kind` for `service`.
    pub fn control(service: i32, kind: FrameType, payload: Option<Vec<u8>>) -> Frame {
        Frame {
            seq_id: 0,
            log_id: 0,
            service,
            method: METHOD_CONTROL,
            headers: vec![Header {
                key: HEADER_TYPE.into(),
                value: kind.as_str().into(),
            }],
            payload_encoding: None,
            payload_type: None,
            payload,
            log_id_new: None,
        }
    }

    /// The value of the first header named `key`.
    pub fn header(&self, key: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|h| h.key == key)
            .map(|h| h.value.as_str())
    }

    /// Sets header `key` to `value`, replacing an existing one or adding it at the end.
    pub fn set_header(&mut self, key: &str, value: impl Into<String>) {
        let value = value.into();
        match self.headers.iter_mut().find(|h| h.key == key) {
            Some(h) => h.value = value,
            None => self.headers.push(Header {
                key: key.into(),
                value,
            }),
        }
    }

    /// The frame's type, from its `type` header, when it is one this crate knows.
    pub fn frame_type(&self) -> Option<FrameType> {
        self.header(HEADER_TYPE).and_then(FrameType::from_header)
    }

    /// Whether this is a control frame.
    pub fn is_control(&self) -> bool {
        self.method == METHOD_CONTROL
    }

    /// Whether this is a data frame.
    pub fn is_data(&self) -> bool {
        self.method == METHOD_DATA
    }

    /// The acknowledgement of this data frame: the same frame with the `biz_rt` header
    /// (`handled_in`, in milliseconds) and `answer` as its payload.
    pub fn acknowledgement(&self, handled_in: Duration, answer: &Acknowledgement) -> Frame {
        let mut ack = self.clone();
        ack.set_header(HEADER_BIZ_RT, handled_in.as_millis().to_string());
        ack.payload = Some(serde_json::to_vec(answer).unwrap_or_default());
        ack
    }
}

/// The payload of an acknowledgement: `{"code": 200, "headers": {}, "data": "<base64>"}`.
///
/// `data`, when present, is the base64 of the answer's JSON: for a card action, the same
/// answer the HTTP route would give (`{"toast": …, "card": …}`).
///
/// ```
/// use card_client::ws::frame::Acknowledgement;
///
/// let ack = Acknowledgement::ok(Some(br#"{"toast":{"type":"info","content":"hi"}}"#));
/// let json = serde_json::to_value(&ack).unwrap();
/// assert_eq!(json["code"], 200);
/// assert_eq!(ack.answer().unwrap().unwrap(), br#"{"toast":{"type":"info","content":"hi"}}"#);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Acknowledgement {
    /// 200 when the event was handled, 500 when it failed.
    pub code: u16,
    /// Headers of the answer (empty).
    #[serde(default)]
    pub headers: serde_json::Map<String, serde_json::Value>,
    /// The base64 of the answer's JSON; absent when there is no answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<String>,
}

impl Acknowledgement {
    /// Code of a handled event.
    pub const OK: u16 = 200;
    /// Code of an event that could not be handled.
    pub const FAILED: u16 = 500;

    /// A handled event, with the bytes of its answer's JSON if there is one.
    pub fn ok(answer: Option<&[u8]>) -> Self {
        Acknowledgement {
            code: Self::OK,
            headers: serde_json::Map::new(),
            data: answer.map(|a| base64::engine::general_purpose::STANDARD.encode(a)),
        }
    }

    /// An event that could not be handled.
    pub fn failed() -> Self {
        Acknowledgement {
            code: Self::FAILED,
            headers: serde_json::Map::new(),
            data: None,
        }
    }

    /// The answer's JSON bytes, decoded from `data`; `None` without `data`.
    pub fn answer(&self) -> Option<Result<Vec<u8>, base64::DecodeError>> {
        self.data
            .as_deref()
            .map(|d| base64::engine::general_purpose::STANDARD.decode(d))
    }
}

/// How the client keeps the connection: sent with the connection URL and in every pong.
/// Intervals are in seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ClientConfig {
    /// Seconds between pings.
    #[serde(default = "ClientConfig::default_ping_interval")]
    pub ping_interval: u64,
    /// How many times to try reconnecting; -1 for ever.
    #[serde(default = "ClientConfig::default_reconnect_count")]
    pub reconnect_count: i64,
    /// Seconds between reconnection attempts after the first.
    #[serde(default = "ClientConfig::default_reconnect_interval")]
    pub reconnect_interval: u64,
    /// The first attempt waits a random time up to this many seconds.
    #[serde(default = "ClientConfig::default_reconnect_nonce")]
    pub reconnect_nonce: u64,
}

impl ClientConfig {
    const fn default_ping_interval() -> u64 {
        120
    }
    const fn default_reconnect_count() -> i64 {
        -1
    }
    const fn default_reconnect_interval() -> u64 {
        120
    }
    const fn default_reconnect_nonce() -> u64 {
        30
    }
}

impl Default for ClientConfig {
    fn default() -> Self {
        ClientConfig {
            ping_interval: Self::default_ping_interval(),
            reconnect_count: Self::default_reconnect_count(),
            reconnect_interval: Self::default_reconnect_interval(),
            reconnect_nonce: Self::default_reconnect_nonce(),
        }
    }
}

/// The path, under the OpenAPI base URL, where a connection URL is asked for.
pub const ENDPOINT_PATH: &str = "/callback/ws/endpoint";

/// The body of the request for a connection URL.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EndpointRequest {
    /// The app id.
    #[serde(rename = "AppID")]
    pub app_id: String,
    /// The app secret.
    #[serde(rename = "AppSecret")]
    pub app_secret: String,
}

/// The `data` of the answer to [`EndpointRequest`].
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Endpoint {
    /// The WebSocket URL, with `device_id` and `service_id` in its query.
    #[serde(rename = "URL")]
    pub url: String,
    /// How to keep the connection.
    #[serde(rename = "ClientConfig", default)]
    pub client_config: ClientConfig,
}

/// Codes of the endpoint answer and of refused handshakes.
pub mod codes {
    /// Success.
    pub const OK: i64 = 0;
    /// The system is busy: try again.
    pub const BUSY: i64 = 1;
    /// Forbidden: final.
    pub const FORBIDDEN: i64 = 403;
    /// Authentication failed (wrong app id or secret): final.
    pub const AUTH_FAILED: i64 = 514;
    /// Internal error: try again.
    pub const INTERNAL: i64 = 1_000_040_343;
    /// Too many connections for this app (at most 50): final.
    pub const TOO_MANY_CONNECTIONS: i64 = 1_000_040_350;

    /// Whether a failure with this code is worth trying again.
    pub const fn is_transient(code: i64) -> bool {
        matches!(code, BUSY | INTERNAL)
    }
}

/// Response header of a refused handshake: the status code (`514`, `403`, …).
pub const HANDSHAKE_STATUS: &str = "handshake-status";
/// Response header of a refused handshake: the reason.
pub const HANDSHAKE_MSG: &str = "handshake-msg";
/// Response header of a refused handshake: the detailed code (`1000040350`).
pub const HANDSHAKE_AUTH_ERR_CODE: &str = "handshake-autherrcode";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_data_frame_survives_encoding() {
        let mut frame = Frame {
            seq_id: 3,
            log_id: 9,
            service: 42,
            method: METHOD_DATA,
            headers: Vec::new(),
            payload_encoding: None,
            payload_type: None,
            payload: Some(br#"{"schema":"2.0"}"#.to_vec()),
            log_id_new: Some("9".into()),
        };
        frame.set_header(HEADER_TYPE, FrameType::Event.as_str());
        frame.set_header(HEADER_MESSAGE_ID, "m-1");
        let read = Frame::decode_bytes(&frame.encode_bytes()).unwrap();
        assert_eq!(read, frame);
        assert!(read.is_data());
        assert_eq!(read.header(HEADER_MESSAGE_ID), Some("m-1"));
    }

    #[test]
    fn an_acknowledgement_keeps_the_frame_and_adds_biz_rt() {
        let mut frame = Frame::control(1, FrameType::Event, Some(b"{}".to_vec()));
        frame.method = METHOD_DATA;
        let ack = frame.acknowledgement(Duration::from_millis(12), &Acknowledgement::ok(None));
        assert_eq!(ack.header(HEADER_BIZ_RT), Some("12"));
        assert_eq!(ack.header(HEADER_TYPE), Some("event"));
        let payload: Acknowledgement =
            serde_json::from_slice(ack.payload.as_deref().unwrap()).unwrap();
        assert_eq!(payload, Acknowledgement::ok(None));
    }

    #[test]
    fn client_config_reads_feishu_spelling_and_fills_defaults() {
        let config: ClientConfig = serde_json::from_str(r#"{"PingInterval": 5}"#).unwrap();
        assert_eq!(config.ping_interval, 5);
        assert_eq!(config.reconnect_count, -1);
        let endpoint: Endpoint = serde_json::from_str(
            r#"{"URL": "wss://x/ws?service_id=3", "ClientConfig": {"PingInterval": 120, "ReconnectCount": -1, "ReconnectInterval": 120, "ReconnectNonce": 30}}"#,
        )
        .unwrap();
        assert_eq!(endpoint.client_config, ClientConfig::default());
    }
}
