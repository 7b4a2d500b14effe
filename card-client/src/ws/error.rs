//! Why the listener stopped, why it is reconnecting, and how failures of one attempt are told
//! apart: final ones end the listener, the others are retried on the reconnect schedule.

use std::fmt;
use std::time::Duration;

use super::frame::codes;

/// Why a [`Listener`](super::Listener) stopped for good.
///
/// The first three are Feishu refusing this app the long connection; each says what to fix.
/// Network failures, a busy or failing Feishu (codes 1 and 1000040343) and lost connections
/// are retried on the reconnect schedule, and end in [`Error::GaveUp`] only when the schedule
/// runs out (`ReconnectCount`, unlimited by default).
///
/// ```
/// use card_client::ws::Error;
///
/// let e = Error::from_code(514, "auth failed");
/// assert!(matches!(e, Error::Authentication { .. }));
/// assert!(e.to_string().contains("app id and app secret"));
/// assert!(matches!(Error::from_code(1_000_040_350, ""), Error::TooManyConnections { .. }));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Code 514: the app id or secret is wrong.
    #[error(
        "Feishu refused the long connection: authentication failed (code {code}: {msg}); check the app id and app secret on the app's credentials page"
    )]
    Authentication {
        /// Feishu's code.
        code: i64,
        /// Feishu's message.
        msg: String,
    },
    /// Code 403: the app may not use the long connection.
    #[error(
        "Feishu refused the long connection: forbidden (code {code}: {msg}); only self-built (custom) apps can use it, and the developer console must have \"receive events/callbacks through a long connection\" selected"
    )]
    Forbidden {
        /// Feishu's code.
        code: i64,
        /// Feishu's message.
        msg: String,
    },
    /// Code 1000040350: this app already has the most connections allowed.
    #[error(
        "Feishu refused the long connection: too many connections (code 1000040350: {msg}); an app may keep at most 50 open, so stop other instances of this bot or close their listeners"
    )]
    TooManyConnections {
        /// Feishu's message.
        msg: String,
    },
    /// Another code Feishu gives as final.
    #[error(
        "Feishu refused the long connection with code {code}: {msg}; see the code in Feishu's error code list"
    )]
    Refused {
        /// Feishu's code.
        code: i64,
        /// Feishu's message.
        msg: String,
    },
    /// Every reconnection attempt allowed (`ReconnectCount`) failed.
    #[error("gave up reconnecting after {attempts} attempts; the last failure: {last}")]
    GaveUp {
        /// How many attempts were made.
        attempts: u32,
        /// The last attempt's failure.
        last: ConnectionFailure,
    },
    /// The listener's task ended without saying why (it panicked).
    #[error("the listener's task ended unexpectedly: {0}")]
    Internal(String),
}

impl Error {
    /// The final error for a code of the endpoint or of a refused handshake.
    pub fn from_code(code: i64, msg: impl Into<String>) -> Error {
        let msg = msg.into();
        match code {
            codes::AUTH_FAILED => Error::Authentication { code, msg },
            codes::FORBIDDEN => Error::Forbidden { code, msg },
            codes::TOO_MANY_CONNECTIONS => Error::TooManyConnections { msg },
            _ => Error::Refused { code, msg },
        }
    }

    /// Feishu's code, when Feishu refused.
    pub fn code(&self) -> Option<i64> {
        match self {
            Error::Authentication { code, .. }
            | Error::Forbidden { code, .. }
            | Error::Refused { code, .. } => Some(*code),
            Error::TooManyConnections { .. } => Some(codes::TOO_MANY_CONNECTIONS),
            Error::GaveUp { .. } | Error::Internal(_) => None,
        }
    }
}

/// Why the last attempt to connect failed, or why the last connection was lost: the reason a
/// listener gives in [`State::Reconnecting`](super::State::Reconnecting) while it waits to try
/// again, and in [`Error::GaveUp`] when the schedule runs out.
///
/// Its `Display` is one line for people; match on the variants to act on it.
///
/// ```
/// use card_client::ws::ConnectionFailure;
/// use std::time::Duration;
///
/// let busy = ConnectionFailure::Busy { code: 1, msg: "system busy".into() };
/// assert_eq!(
///     busy.to_string(),
///     "Feishu is busy or failing (code 1: system busy) and asks to try again"
/// );
/// let dead = ConnectionFailure::NoPong(Duration::from_secs(30));
/// assert_eq!(dead.to_string(), "no pong within 30s of a ping: the connection was dead");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConnectionFailure {
    /// Feishu answered the request for a connection URL, or refused the WebSocket handshake,
    /// with a code that asks to try again: 1 (system busy) or 1000040343 (internal error).
    Busy {
        /// Feishu's code.
        code: i64,
        /// Feishu's message.
        msg: String,
    },
    /// The request for a connection URL got no answer: the address could not be resolved, the
    /// connection was refused or reset, TLS failed, or it timed out.
    Unreachable {
        /// The endpoint asked.
        url: String,
        /// What went wrong, with its causes.
        detail: String,
    },
    /// The answer to the request for a connection URL, or the URL it gave, is not what Feishu
    /// sends (an HTTP error page from a proxy, no URL, no `service_id`…).
    BadAnswer(String),
    /// The WebSocket could not be opened: the connection was refused or reset, TLS failed, or
    /// the server answered the handshake with an HTTP status and none of Feishu's refusal
    /// headers.
    Handshake(String),
    /// The WebSocket handshake took longer than allowed
    /// ([`ListenerBuilder::handshake_timeout`](super::ListenerBuilder::handshake_timeout)).
    HandshakeTimeout(Duration),
    /// The server closed the connection: with a close frame (its code and reason) or without.
    Closed {
        /// The close frame's code, when the server sent one.
        code: Option<u16>,
        /// The close frame's reason (empty when none was given).
        reason: String,
    },
    /// Reading from or writing to the open connection failed (reset, broken pipe, a message
    /// that breaks the WebSocket protocol).
    Broken(String),
    /// No pong came within the time allowed after a ping
    /// ([`ListenerBuilder::pong_timeout`](super::ListenerBuilder::pong_timeout)).
    NoPong(Duration),
}

impl fmt::Display for ConnectionFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConnectionFailure::Busy { code, msg } => write!(
                f,
                "Feishu is busy or failing (code {code}: {msg}) and asks to try again"
            ),
            ConnectionFailure::Unreachable { url, detail } => {
                write!(f, "could not reach {url}: {detail}")
            }
            ConnectionFailure::BadAnswer(detail) => f.write_str(detail),
            ConnectionFailure::Handshake(detail) => {
                write!(f, "could not open the WebSocket: {detail}")
            }
            ConnectionFailure::HandshakeTimeout(limit) => {
                write!(f, "the WebSocket handshake took more than {limit:?}")
            }
            ConnectionFailure::Closed { code: None, .. } => {
                f.write_str("the server closed the connection")
            }
            ConnectionFailure::Closed {
                code: Some(code),
                reason,
            } if reason.is_empty() => {
                write!(f, "the server closed the connection (close code {code})")
            }
            ConnectionFailure::Closed {
                code: Some(code),
                reason,
            } => write!(
                f,
                "the server closed the connection (close code {code}: {reason})"
            ),
            ConnectionFailure::Broken(detail) => write!(f, "the connection failed: {detail}"),
            ConnectionFailure::NoPong(limit) => write!(
                f,
                "no pong within {limit:?} of a ping: the connection was dead"
            ),
        }
    }
}

/// An error's message followed by those of its sources, which often hold the useful part
/// (`error sending request: client error (Connect): tcp connect error: Connection refused`).
pub(crate) fn with_causes(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let said = cause.to_string();
        if !text.contains(&said) {
            text.push_str(": ");
            text.push_str(&said);
        }
        source = cause.source();
    }
    text
}

/// How one attempt to connect, or one connection, ended badly.
#[derive(Debug)]
pub(crate) enum Failure {
    /// Worth another attempt (network, busy, lost connection).
    Transient(ConnectionFailure),
    /// Ends the listener.
    Final(Error),
}

impl Failure {
    /// The failure for a code: transient for busy and internal errors, final otherwise.
    pub(crate) fn from_code(code: i64, msg: &str) -> Failure {
        if codes::is_transient(code) {
            Failure::Transient(ConnectionFailure::Busy {
                code,
                msg: msg.to_owned(),
            })
        } else {
            Failure::Final(Error::from_code(code, msg))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_sorted_into_final_and_transient() {
        for (code, msg) in [(1, "busy"), (1_000_040_343, "internal")] {
            match Failure::from_code(code, msg) {
                Failure::Transient(why) => {
                    assert_eq!(
                        why,
                        ConnectionFailure::Busy {
                            code,
                            msg: msg.into()
                        }
                    );
                    assert!(why.to_string().contains(&format!("code {code}: {msg}")));
                }
                Failure::Final(e) => panic!("{code} should be retried, got {e}"),
            }
        }
        for (code, check) in [
            (514, "credentials page"),
            (403, "self-built"),
            (1_000_040_350, "at most 50"),
            (999, "error code list"),
        ] {
            match Failure::from_code(code, "msg") {
                Failure::Final(e) => {
                    assert_eq!(e.code(), Some(code));
                    assert!(e.to_string().contains(check), "{e}");
                }
                Failure::Transient(t) => panic!("{code} should be final, got {t}"),
            }
        }
    }

    #[test]
    fn each_reason_says_what_happened() {
        let cases = [
            (
                ConnectionFailure::Unreachable {
                    url: "https://open.feishu.cn/callback/ws/endpoint".into(),
                    detail: "tcp connect error: Connection refused".into(),
                },
                "could not reach https://open.feishu.cn/callback/ws/endpoint: tcp connect error: Connection refused",
            ),
            (
                ConnectionFailure::BadAnswer("the answer is not JSON".into()),
                "the answer is not JSON",
            ),
            (
                ConnectionFailure::Handshake("IO error: Connection refused".into()),
                "could not open the WebSocket: IO error: Connection refused",
            ),
            (
                ConnectionFailure::HandshakeTimeout(Duration::from_millis(1500)),
                "the WebSocket handshake took more than 1.5s",
            ),
            (
                ConnectionFailure::Closed {
                    code: None,
                    reason: String::new(),
                },
                "the server closed the connection",
            ),
            (
                ConnectionFailure::Closed {
                    code: Some(1001),
                    reason: String::new(),
                },
                "the server closed the connection (close code 1001)",
            ),
            (
                ConnectionFailure::Closed {
                    code: Some(1000),
                    reason: "bye".into(),
                },
                "the server closed the connection (close code 1000: bye)",
            ),
            (
                ConnectionFailure::Broken("could not send: broken pipe".into()),
                "the connection failed: could not send: broken pipe",
            ),
        ];
        for (why, said) in cases {
            assert_eq!(why.to_string(), said);
        }
        let gave_up = Error::GaveUp {
            attempts: 3,
            last: ConnectionFailure::NoPong(Duration::from_secs(30)),
        };
        assert!(
            gave_up.to_string().ends_with(
                "the last failure: no pong within 30s of a ping: the connection was dead"
            ),
            "{gave_up}"
        );
        assert_eq!(gave_up.code(), None);
    }

    #[test]
    fn the_causes_of_an_error_are_said_once_each() {
        #[derive(Debug)]
        struct Layer(&'static str, Option<Box<Layer>>);
        impl fmt::Display for Layer {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.0)
            }
        }
        impl std::error::Error for Layer {
            fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
                self.1.as_deref().map(|l| l as _)
            }
        }
        let error = Layer(
            "error sending request",
            Some(Box::new(Layer(
                "client error (Connect)",
                Some(Box::new(Layer(
                    "Connect",
                    Some(Box::new(Layer("Connection refused", None))),
                ))),
            ))),
        );
        assert_eq!(
            with_causes(&error),
            "error sending request: client error (Connect): Connection refused"
        );
        assert_eq!(with_causes(&Layer("alone", None)), "alone");
    }
}
