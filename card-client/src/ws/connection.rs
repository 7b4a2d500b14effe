//! One connection: asking for its URL, the handshake, then reading frames, pinging, and
//! acknowledging until it is lost or shut down.

use std::time::Duration;

use futures_util::{SinkExt as _, StreamExt as _};
use reqwest::header::CONTENT_TYPE;
use serde::Deserialize;
use tokio::net::TcpStream;
use tokio::sync::{mpsc, watch};
use tokio::task::JoinSet;
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::{self, Message};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};
use tracing::Instrument as _;

use super::dispatch::Dispatcher;
use super::error::{with_causes, ConnectionFailure, Error, Failure};
use super::frame::{
    codes, ClientConfig, Endpoint, EndpointRequest, Frame, FrameType, ENDPOINT_PATH,
    HANDSHAKE_AUTH_ERR_CODE, HANDSHAKE_MSG, HANDSHAKE_STATUS, HEADER_MESSAGE_ID, HEADER_TRACE_ID,
};
use super::reassembly::{Limits, Reassembler};
use super::schedule::Timing;
use crate::callback::AnswerSent;
use crate::Client;

type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// What stays the same across connections.
pub(crate) struct Settings {
    pub(crate) client: Client,
    pub(crate) dispatcher: Dispatcher,
    pub(crate) timing: Timing,
    pub(crate) handshake_timeout: Duration,
    pub(crate) pong_timeout: Duration,
    pub(crate) limits: Limits,
}

/// An open connection.
pub(crate) struct Connection {
    socket: Socket,
    service_id: i32,
}

/// How a connection ended.
pub(crate) enum Ended {
    /// Asked to stop; everything in flight was answered.
    Shutdown,
    /// Lost: reconnect.
    Lost(ConnectionFailure),
}

#[derive(Deserialize)]
struct EndpointAnswer {
    code: i64,
    #[serde(default)]
    msg: String,
    /// Read only on success: refusals may carry `{}` or nothing.
    #[serde(default)]
    data: Option<serde_json::Value>,
}

/// Asks for a connection URL, updating `config` from the answer.
async fn endpoint(settings: &Settings, config: &mut ClientConfig) -> Result<String, Failure> {
    let client = &settings.client;
    let url = format!("{}{}", client.base_url(), ENDPOINT_PATH);
    let body = EndpointRequest {
        app_id: client.app_id().to_owned(),
        app_secret: client.app_secret().expose().to_owned(),
    };
    let response = client
        .inner
        .http
        .post(&url)
        .header("locale", "zh")
        .header(CONTENT_TYPE, "application/json")
        .body(serde_json::to_vec(&body).unwrap_or_default())
        .send()
        .await
        .map_err(|e| {
            Failure::Transient(ConnectionFailure::Unreachable {
                url: url.clone(),
                // The URL is said once, before the detail.
                detail: with_causes(&e.without_url()),
            })
        })?;
    let status = response.status();
    let bytes = response.bytes().await.map_err(|e| {
        Failure::Transient(ConnectionFailure::Unreachable {
            url: url.clone(),
            detail: format!(
                "the answer could not be read: {}",
                with_causes(&e.without_url())
            ),
        })
    })?;
    let answer: EndpointAnswer = serde_json::from_slice(&bytes).map_err(|e| {
        Failure::Transient(ConnectionFailure::BadAnswer(format!(
            "the answer of {url} (HTTP {status}) is not Feishu's JSON: {e}"
        )))
    })?;
    if answer.code != codes::OK {
        return Err(Failure::from_code(answer.code, &answer.msg));
    }
    let endpoint = answer
        .data
        .map(Endpoint::deserialize)
        .transpose()
        .map_err(|e| {
            Failure::Transient(ConnectionFailure::BadAnswer(format!(
                "the answer of {url} is not readable: {e}"
            )))
        })?;
    match endpoint {
        Some(endpoint) if !endpoint.url.is_empty() => {
            *config = endpoint.client_config;
            Ok(endpoint.url)
        }
        _ => Err(Failure::Transient(ConnectionFailure::BadAnswer(format!(
            "the answer of {url} has no connection URL"
        )))),
    }
}

/// The `service_id` in the URL's query.
fn service_id(url: &str) -> Result<i32, Failure> {
    let parsed = reqwest::Url::parse(url).map_err(|e| {
        Failure::Transient(ConnectionFailure::BadAnswer(format!(
            "the connection URL is not a URL: {e}"
        )))
    })?;
    let value = parsed
        .query_pairs()
        .find(|(k, _)| k == "service_id")
        .map(|(_, v)| v.into_owned());
    value.and_then(|v| v.parse().ok()).ok_or_else(|| {
        Failure::Transient(ConnectionFailure::BadAnswer(
            "the connection URL has no integer `service_id` in its query".into(),
        ))
    })
}

/// Reads a refused handshake's headers.
fn refused_handshake(response: &tungstenite::http::Response<Option<Vec<u8>>>) -> Failure {
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
    };
    let msg = header(HANDSHAKE_MSG).unwrap_or("").to_owned();
    let status = header(HANDSHAKE_STATUS).and_then(|v| v.parse::<i64>().ok());
    let detail = header(HANDSHAKE_AUTH_ERR_CODE).and_then(|v| v.parse::<i64>().ok());
    if detail == Some(codes::TOO_MANY_CONNECTIONS) {
        return Failure::Final(Error::TooManyConnections { msg });
    }
    match status {
        Some(code) => Failure::from_code(code, &msg),
        None => Failure::Transient(ConnectionFailure::Handshake(format!(
            "the handshake was refused with HTTP {}",
            response.status()
        ))),
    }
}

/// Asks for a URL and opens the WebSocket.
pub(crate) async fn connect(
    settings: &Settings,
    config: &mut ClientConfig,
) -> Result<Connection, Failure> {
    let url = endpoint(settings, config).await?;
    let service_id = service_id(&url)?;
    // One WebSocket message carries one part of a payload plus its frame: no message needs to
    // be larger than a whole payload, with room for the headers.
    let limit = settings.limits.max_message_bytes.saturating_add(64 * 1024);
    let ws_config = WebSocketConfig::default()
        .max_message_size(Some(limit))
        .max_frame_size(Some(limit));
    let handshake =
        tokio_tungstenite::connect_async_with_config(url.as_str(), Some(ws_config), true);
    let socket = match tokio::time::timeout(settings.handshake_timeout, handshake).await {
        Err(_) => {
            return Err(Failure::Transient(ConnectionFailure::HandshakeTimeout(
                settings.handshake_timeout,
            )))
        }
        Ok(Err(tungstenite::Error::Http(response))) => return Err(refused_handshake(&response)),
        Ok(Err(e)) => {
            return Err(Failure::Transient(ConnectionFailure::Handshake(
                with_causes(&e),
            )))
        }
        Ok(Ok((socket, _))) => socket,
    };
    Ok(Connection { socket, service_id })
}

/// A message for the writer, and the signal to give once it is written.
struct Outgoing {
    message: Message,
    sent: Option<AnswerSent>,
}

impl Connection {
    /// The `service_id` of this connection.
    pub(crate) fn service_id(&self) -> i32 {
        self.service_id
    }

    /// Reads, pings and acknowledges until the connection is lost or `shutdown` turns true.
    pub(crate) async fn run(
        self,
        settings: &Settings,
        config: &mut ClientConfig,
        shutdown: &mut watch::Receiver<bool>,
    ) -> Ended {
        let service = self.service_id;
        let (mut sink, mut stream) = self.socket.split();
        let (out_tx, mut out_rx) = mpsc::channel::<Outgoing>(64);
        let mut writer = tokio::spawn(
            async move {
                while let Some(out) = out_rx.recv().await {
                    if let Err(e) = sink.send(out.message).await {
                        return Err(ConnectionFailure::Broken(format!(
                            "could not send: {}",
                            with_causes(&e)
                        )));
                    }
                    if let Some(sent) = out.sent {
                        sent.mark();
                    }
                }
                // Every sender is gone: the connection is closing.
                let _ = sink.send(Message::Close(None)).await;
                let _ = sink.close().await;
                Ok(())
            }
            .in_current_span(),
        );

        let mut tasks = JoinSet::new();
        let mut parts = Reassembler::new(settings.limits);
        let timing = settings.timing;
        let mut last_ping = Instant::now();
        // The first ping goes out at once: its pong brings the current configuration.
        let mut next_ping = last_ping;
        let mut pong_due: Option<Instant> = None;
        let mut next_sweep = Instant::now() + settings.limits.ttl;

        let ended = loop {
            let watchdog = async {
                match pong_due {
                    Some(at) => tokio::time::sleep_until(at).await,
                    None => std::future::pending().await,
                }
            };
            tokio::select! {
                biased;
                stop = wait_true(shutdown) => {
                    if stop {
                        break Ended::Shutdown;
                    }
                }
                finished = &mut writer => {
                    let why = match finished {
                        Ok(Err(e)) => e,
                        _ => ConnectionFailure::Broken("the writer stopped".into()),
                    };
                    break Ended::Lost(why);
                }
                () = watchdog => {
                    break Ended::Lost(ConnectionFailure::NoPong(settings.pong_timeout));
                }
                () = tokio::time::sleep_until(next_ping) => {
                    let ping = Frame::control(service, FrameType::Ping, None);
                    let out = Outgoing { message: Message::Binary(ping.encode_bytes().into()), sent: None };
                    if out_tx.send(out).await.is_err() {
                        break Ended::Lost(ConnectionFailure::Broken("the writer stopped".into()));
                    }
                    tracing::trace!("ping");
                    last_ping = Instant::now();
                    next_ping = last_ping + timing.ping_interval(config);
                    if pong_due.is_none() {
                        pong_due = Some(last_ping + settings.pong_timeout);
                    }
                }
                () = tokio::time::sleep_until(next_sweep) => {
                    parts.expire(Instant::now());
                    next_sweep = Instant::now() + settings.limits.ttl;
                }
                Some(done) = tasks.join_next(), if !tasks.is_empty() => {
                    if let Err(e) = done {
                        tracing::error!("an event task failed: {e}");
                    }
                }
                message = stream.next() => {
                    let received = Instant::now();
                    let bytes = match message {
                        None => break Ended::Lost(ConnectionFailure::Closed { code: None, reason: String::new() }),
                        Some(Err(e)) => break Ended::Lost(lost(e)),
                        Some(Ok(Message::Close(frame))) => {
                            break Ended::Lost(ConnectionFailure::Closed {
                                code: frame.as_ref().map(|f| u16::from(f.code)),
                                reason: frame.map(|f| f.reason.as_str().to_owned()).unwrap_or_default(),
                            })
                        }
                        Some(Ok(Message::Binary(bytes))) => bytes,
                        Some(Ok(_)) => continue,
                    };
                    let mut frame = match Frame::decode_bytes(&bytes) {
                        Ok(frame) => frame,
                        Err(e) => {
                            tracing::warn!(bytes = bytes.len(), "ignored a message: {e}");
                            continue;
                        }
                    };
                    if frame.is_control() {
                        if frame.frame_type() == Some(FrameType::Pong) {
                            pong_due = None;
                            if let Some(new) = pong_config(&frame) {
                                if new != *config {
                                    tracing::debug!(?new, "configuration from a pong");
                                }
                                *config = new;
                                next_ping = last_ping + timing.ping_interval(config);
                            }
                        }
                        continue;
                    }
                    if !frame.is_data() {
                        tracing::debug!(method = frame.method, "ignored a frame of unknown method");
                        continue;
                    }
                    let kind = frame.frame_type();
                    let whole = match parts.push_frame(&mut frame, received) {
                        Ok(Some(whole)) => whole,
                        Ok(None) => continue,
                        Err(e) => {
                            tracing::warn!(
                                message_id = frame.header(HEADER_MESSAGE_ID).unwrap_or(""),
                                "refused a part of a split message: {e}"
                            );
                            continue;
                        }
                    };
                    let dispatcher = settings.dispatcher.clone();
                    let out_tx = out_tx.clone();
                    let span = tracing::info_span!(
                        "feishu_frame",
                        message_id = frame.header(HEADER_MESSAGE_ID).unwrap_or(""),
                        trace_id = frame.header(HEADER_TRACE_ID).unwrap_or(""),
                    );
                    tasks.spawn(
                        async move {
                            let started = Instant::now();
                            let outcome = match kind {
                                Some(FrameType::Event | FrameType::Card) => {
                                    dispatcher.dispatch(&whole.payload, whole.first_seen).await
                                }
                                other => {
                                    tracing::debug!(?other, "a data frame of another type: acknowledged unhandled");
                                    super::dispatch::Outcome::unhandled()
                                }
                            };
                            let ack = frame.acknowledgement(started.elapsed(), &outcome.ack);
                            let out = Outgoing {
                                message: Message::Binary(ack.encode_bytes().into()),
                                sent: outcome.sent,
                            };
                            if out_tx.send(out).await.is_err() {
                                tracing::warn!("the connection was lost before the acknowledgement could be sent");
                            }
                        }
                        .instrument(span),
                    );
                }
            }
        };

        match ended {
            Ended::Shutdown => {
                // Stop reading; let what is in flight answer, then close.
                tracing::info!(in_flight = tasks.len(), "shutting down");
                while let Some(done) = tasks.join_next().await {
                    if let Err(e) = done {
                        tracing::error!("an event task failed: {e}");
                    }
                }
                drop(out_tx);
                match tokio::time::timeout(Duration::from_secs(5), &mut writer).await {
                    Ok(Ok(Err(e))) => tracing::warn!("while closing: {e}"),
                    Ok(_) => {}
                    Err(_) => {
                        tracing::warn!("the connection did not close in 5 s");
                        writer.abort();
                    }
                }
                Ended::Shutdown
            }
            Ended::Lost(why) => {
                // Handlers go on (their events are remembered as handled); their
                // acknowledgements cannot be sent any more.
                tasks.detach_all();
                writer.abort();
                Ended::Lost(why)
            }
        }
    }
}

/// Why reading from the connection failed: a socket closed without a close frame counts as
/// closed by the server; anything else as broken.
fn lost(error: tungstenite::Error) -> ConnectionFailure {
    use tungstenite::error::ProtocolError;
    match error {
        tungstenite::Error::ConnectionClosed
        | tungstenite::Error::AlreadyClosed
        | tungstenite::Error::Protocol(ProtocolError::ResetWithoutClosingHandshake) => {
            ConnectionFailure::Closed {
                code: None,
                reason: String::new(),
            }
        }
        other => ConnectionFailure::Broken(with_causes(&other)),
    }
}

/// The configuration a pong carries, if it carries one that can be read.
fn pong_config(frame: &Frame) -> Option<ClientConfig> {
    let payload = frame.payload.as_deref().filter(|p| !p.is_empty())?;
    match serde_json::from_slice::<ClientConfig>(payload) {
        Ok(config) => Some(config),
        Err(e) => {
            tracing::warn!("ignored the configuration of a pong: {e}");
            None
        }
    }
}

/// Resolves to `true` once the flag turns true; never resolves when nobody can set it any more.
pub(crate) async fn wait_true(flag: &mut watch::Receiver<bool>) -> bool {
    if flag.wait_for(|stop| *stop).await.is_ok() {
        return true;
    }
    std::future::pending().await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_service_id_comes_from_the_query() {
        assert_eq!(
            service_id("wss://x.feishu.cn/ws/v2?fpid=493&device_id=7&service_id=33554678&aid=552")
                .ok(),
            Some(33554678)
        );
        for (url, said) in [
            ("wss://x/ws?device_id=1", "no integer `service_id`"),
            ("wss://x/ws?service_id=abc", "no integer `service_id`"),
            ("not a url", "is not a URL"),
        ] {
            match service_id(url) {
                Err(Failure::Transient(ConnectionFailure::BadAnswer(why))) => {
                    assert!(why.contains(said), "{url}: {why}");
                }
                other => panic!("{url}: {other:?}"),
            }
        }
    }

    #[test]
    fn refused_handshakes_are_read_from_the_headers() {
        let refused = |headers: &[(&str, &str)]| {
            let mut builder = tungstenite::http::Response::builder().status(400);
            for (k, v) in headers {
                builder = builder.header(*k, *v);
            }
            refused_handshake(&builder.body(None).unwrap())
        };
        assert!(matches!(
            refused(&[("handshake-status", "514"), ("handshake-msg", "auth failed")]),
            Failure::Final(Error::Authentication { code: 514, ref msg }) if msg == "auth failed"
        ));
        assert!(matches!(
            refused(&[("handshake-status", "403")]),
            Failure::Final(Error::Forbidden { .. })
        ));
        assert!(matches!(
            refused(&[
                ("handshake-status", "514"),
                ("handshake-autherrcode", "1000040350")
            ]),
            Failure::Final(Error::TooManyConnections { .. })
        ));
        assert!(matches!(
            refused(&[("handshake-status", "1"), ("handshake-msg", "system busy")]),
            Failure::Transient(ConnectionFailure::Busy { code: 1, ref msg }) if msg == "system busy"
        ));
        match refused(&[]) {
            Failure::Transient(why @ ConnectionFailure::Handshake(_)) => assert_eq!(
                why.to_string(),
                "could not open the WebSocket: the handshake was refused with HTTP 400 Bad Request"
            ),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_pong_config_replaces_the_current_one_only_when_readable() {
        let pong = Frame::control(
            1,
            FrameType::Pong,
            Some(br#"{"PingInterval": 7, "ReconnectCount": 2, "ReconnectInterval": 5, "ReconnectNonce": 1}"#.to_vec()),
        );
        let config = pong_config(&pong).unwrap();
        assert_eq!((config.ping_interval, config.reconnect_count), (7, 2));
        assert_eq!(pong_config(&Frame::control(1, FrameType::Pong, None)), None);
        assert_eq!(
            pong_config(&Frame::control(1, FrameType::Pong, Some(b"nope".to_vec()))),
            None
        );
    }
}
