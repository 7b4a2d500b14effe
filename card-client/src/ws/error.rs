//! Why the listener stopped, and how failures of one attempt are told apart: final ones end
//! the listener, the others are retried on the reconnect schedule.

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
        last: String,
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

/// How one attempt to connect, or one connection, ended badly.
#[derive(Debug)]
pub(crate) enum Failure {
    /// Worth another attempt (network, busy, lost connection).
    Transient(String),
    /// Ends the listener.
    Final(Error),
}

impl Failure {
    /// The failure for a code: transient for busy and internal errors, final otherwise.
    pub(crate) fn from_code(code: i64, msg: &str) -> Failure {
        if codes::is_transient(code) {
            Failure::Transient(format!("Feishu answered code {code}: {msg}"))
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
        assert!(matches!(
            Failure::from_code(1, "busy"),
            Failure::Transient(_)
        ));
        assert!(matches!(
            Failure::from_code(1_000_040_343, "internal"),
            Failure::Transient(_)
        ));
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
}
