//! The one error type of the client, layered by where the failure happened.

use std::fmt;
use std::time::Duration;

use card_core::Diagnostics;

/// What went wrong in a call.
///
/// The variants are layers: the network ([`Error::Transport`]), Feishu saying no
/// ([`Error::Api`], with its `code`, `msg` and log id), an answer that could not be read
/// ([`Error::Decode`], keeping the raw body), and the checks the client makes before anything is
/// sent ([`Error::InvalidCard`], [`Error::InvalidArgument`], [`Error::CallbackToken`]).
///
/// The predicates ([`Error::is_retryable`], [`Error::is_rate_limited`], …) answer the questions a
/// caller usually has without matching on codes.
///
/// ```
/// # fn demo(err: card_client::Error) {
/// if err.is_streaming_closed() {
///     // finish with a full update instead of more text
/// } else if let Some(code) = err.code() {
///     eprintln!("Feishu said {code}; log id {:?}", err.log_id());
/// }
/// # }
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The request did not get an HTTP answer: connection refused or dropped, timeout, TLS.
    #[error(
        "could not reach Feishu for {operation}: {source} (check the base URL and the network)"
    )]
    Transport {
        /// The operation, such as `messages.send`.
        operation: &'static str,
        /// The underlying error.
        #[source]
        source: reqwest::Error,
    },

    /// Feishu answered with a non-zero `code`.
    #[error(transparent)]
    Api(Box<ApiError>),

    /// Feishu's answer was not the JSON envelope it should be.
    #[error(
        "could not read Feishu's answer to {operation} (HTTP {status}): {source}; body: {}",
        truncate(body, 512)
    )]
    Decode {
        /// The operation, such as `messages.send`.
        operation: &'static str,
        /// The HTTP status of the answer.
        status: u16,
        /// The raw body, as received (for the token endpoint, withheld because it may hold a
        /// token).
        body: String,
        /// Why it could not be decoded.
        #[source]
        source: serde_json::Error,
    },

    /// The card breaks a rule of Card JSON 2.0; nothing was sent.
    #[error("the card is invalid, so nothing was sent; fix these problems:\n{0}")]
    InvalidCard(Diagnostics),

    /// An argument is out of the range Feishu accepts; nothing was sent.
    #[error("invalid argument: {0}")]
    InvalidArgument(String),

    /// A callback token cannot be used any more; nothing was sent.
    #[error(transparent)]
    CallbackToken(#[from] CallbackTokenError),

    /// The shared [`Store`](crate::store::Store) of several replicas did not answer (Redis
    /// down or unreachable); nothing was sent. The source says what to check.
    #[error("the state shared by the bot's replicas is out of reach, so {operation} was not sent: {source}")]
    Store {
        /// The operation, such as `cards.update`.
        operation: &'static str,
        /// The store's error.
        #[source]
        source: crate::store::StoreError,
    },

    /// Another replica took over the shared stream `key`: this replica could not renew its
    /// lease in time, and stopped writing to the stream's cards.
    #[error(
        "another replica took the stream `{key}` over (this replica's lease lapsed before it \
         could renew it), so this replica stopped writing to it; lengthen StreamBuilder::lease \
         if the store or this process stalls for longer"
    )]
    LeaseLost {
        /// The stream's key.
        key: String,
    },
}

/// Why a [`CallbackToken`](crate::CallbackToken) was refused before sending.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CallbackTokenError {
    /// The token is older than 30 minutes.
    #[error(
        "the callback token expired ({} s old, valid for 30 min); update the card with messages().patch instead",
        age.as_secs()
    )]
    Expired {
        /// How old the token is.
        age: Duration,
    },
    /// The token was already used for two delayed updates.
    #[error(
        "the callback token was already used {uses} times (Feishu allows 2); update the card with messages().patch instead"
    )]
    UsedUp {
        /// How many times it was used.
        uses: u32,
    },
}

/// Feishu's answer to a failed call.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ApiError {
    /// The operation, such as `messages.send`.
    pub operation: &'static str,
    /// HTTP status of the answer (Feishu uses 400 for most business errors).
    pub http_status: u16,
    /// Feishu's `code`.
    pub code: i64,
    /// Feishu's `msg`.
    pub msg: String,
    /// The log id (`X-Tt-Logid` header or `error.log_id`): quote it to Feishu support.
    pub log_id: Option<String>,
    /// Feishu's troubleshooting link, when it sent one.
    pub troubleshooter: Option<String>,
    /// For card content errors (230099 and CardKit card errors): the parsed `ErrCode`,
    /// `ErrPath` and `ErrMsg` from `msg`.
    pub card_error: Option<CardError>,
    /// How long Feishu asked to wait (`x-ogw-ratelimit-reset`), on rate limits.
    pub retry_after: Option<Duration>,
    /// The warnings the client's validation gave on the card it sent: under the lenient
    /// [`Policy`](card_core::validate::Policy), the tags and properties this version does not
    /// know, which are the likely cause when Feishu refuses the card. Empty for calls without
    /// card JSON or a card without warnings.
    pub card_warnings: Diagnostics,
}

impl ApiError {
    /// The retry class of this error (spec §6).
    pub fn class(&self) -> ErrorClass {
        ErrorClass::of(self.code, self.card_error.as_ref())
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Feishu rejected {} with code {}: {}",
            self.operation, self.code, self.msg
        )?;
        if let Some(card) = &self.card_error {
            if let Some(sub) = card.code {
                write!(f, " [card error {sub}")?;
                if let Some(path) = &card.path {
                    write!(f, " at {path}")?;
                }
                f.write_str("]")?;
            }
        }
        if let Some(log_id) = &self.log_id {
            write!(f, " (log id {log_id})")?;
        }
        if let Some(hint) = self.class().hint() {
            write!(f, "; {hint}")?;
        }
        if self.class() == ErrorClass::InvalidCard && !self.card_warnings.is_empty() {
            write!(
                f,
                "; the card was sent with these warnings, the likely cause:\n{}",
                self.card_warnings
            )?;
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {}

/// The details Feishu packs into `msg` for card errors:
/// `ext=ErrCode: 200621; ErrPath: ROOT -> body; ErrMsg: ...; ErrorValue: ...`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct CardError {
    /// `ErrCode`: the sub-code (200621 unparsable card, 200861 tag not in 2.0, 11310 …).
    pub code: Option<i64>,
    /// `ErrPath`: where, in Feishu's notation (`ROOT -> body -> elements -> [2]`).
    pub path: Option<String>,
    /// `ErrMsg`: the explanation.
    pub message: Option<String>,
}

impl CardError {
    /// Reads the `ErrCode` / `ErrPath` / `ErrMsg` parts of a `msg`; `None` when there are none.
    ///
    /// ```
    /// use card_client::CardError;
    ///
    /// let msg = "Failed to create card content, ext=ErrCode: 200621; ErrPath: ROOT -> body; \
    ///            ErrMsg: parse card json err; ErrorValue: x; ";
    /// let e = CardError::parse(msg).unwrap();
    /// assert_eq!(e.code, Some(200621));
    /// assert_eq!(e.path.as_deref(), Some("ROOT -> body"));
    /// assert_eq!(e.message.as_deref(), Some("parse card json err"));
    /// ```
    pub fn parse(msg: &str) -> Option<CardError> {
        let code = field(msg, "ErrCode:").and_then(|v| {
            let digits: String = v.chars().take_while(|c| c.is_ascii_digit()).collect();
            digits.parse().ok()
        });
        let path = field(msg, "ErrPath:").map(str::to_owned);
        let message = field(msg, "ErrMsg:").map(str::to_owned);
        if code.is_none() && path.is_none() && message.is_none() {
            return None;
        }
        Some(CardError {
            code,
            path,
            message,
        })
    }
}

const FIELD_KEYS: [&str; 4] = ["ErrCode:", "ErrPath:", "ErrMsg:", "ErrorValue:"];

/// The text after `key` up to the next known key (`; ErrMsg:` …) or the end, trimmed.
fn field<'a>(msg: &'a str, key: &str) -> Option<&'a str> {
    let start = msg.find(key)? + key.len();
    let rest = &msg[start..];
    let end = FIELD_KEYS
        .iter()
        .filter_map(|k| rest.find(k))
        .min()
        .unwrap_or(rest.len());
    let value = rest[..end].trim().trim_end_matches(';').trim();
    (!value.is_empty()).then_some(value)
}

/// How the client (and a caller) should react to a Feishu error code (spec §6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorClass {
    /// Too many requests: wait (`x-ogw-ratelimit-reset`, or back off) and retry.
    RateLimit,
    /// The tenant token is invalid or expired: fetch a new one and retry once.
    Token,
    /// A CardKit `sequence` was not greater than the last one (300317): resynchronise and retry.
    Sequence,
    /// A passing server fault: retry with backoff.
    Transient,
    /// Streaming mode is off or timed out: stop streaming, finish with a full update or turn
    /// streaming on again through settings.
    StreamingClosed,
    /// The card entity does not exist any more (or never did): create a new one and send it.
    EntityGone,
    /// The card content is invalid: fix the card; retrying cannot help.
    InvalidCard,
    /// Anything else: configuration, permissions, arguments; retrying cannot help.
    Permanent,
}

impl ErrorClass {
    /// The class of a Feishu `code`, refined by the card sub-code when there is one.
    pub fn of(code: i64, card_error: Option<&CardError>) -> ErrorClass {
        match code {
            99991400 | 230020 | 11232 | 11233 | 11247 | 1000004 | 1000005 | 190005 | 232019 => {
                ErrorClass::RateLimit
            }
            99991663 | 99991664 | 99991677 => ErrorClass::Token,
            300317 => ErrorClass::Sequence,
            300120 | 1500 | 5000 | 10101 | 230049 => ErrorClass::Transient,
            300309 | 200850 | 200510 => ErrorClass::StreamingClosed,
            200740 | 200750 => ErrorClass::EntityGone,
            230099 | 200220 => {
                let sub = card_error.and_then(|c| c.code);
                let invalid_id = card_error
                    .and_then(|c| c.message.as_deref())
                    .is_some_and(|m| m.contains("cardid is invalid"));
                match sub {
                    Some(200740) | Some(200750) => ErrorClass::EntityGone,
                    Some(11310) if invalid_id => ErrorClass::EntityGone,
                    _ => ErrorClass::InvalidCard,
                }
            }
            300301 | 300302 | 300303 | 300305 | 300307 | 200860 | 230025 | 11311 | 200830 => {
                ErrorClass::InvalidCard
            }
            _ => ErrorClass::Permanent,
        }
    }

    /// What to do about it, for error messages.
    fn hint(self) -> Option<&'static str> {
        Some(match self {
            ErrorClass::RateLimit => "too many requests; slow down or raise the retry policy's limits",
            ErrorClass::Token => "the tenant token was refused; check the app id and secret",
            ErrorClass::Sequence => "another writer is updating this card entity; resume it with the sequence it uses",
            ErrorClass::Transient => "a passing fault at Feishu; try again later",
            ErrorClass::StreamingClosed => {
                "streaming mode is off; finish with cards().update or turn it on with cards().settings"
            }
            ErrorClass::EntityGone => {
                "the card entity is gone (unknown or older than 14 days); create a new one"
            }
            ErrorClass::InvalidCard => "fix the card; resending it unchanged will fail again",
            ErrorClass::Permanent => return None,
        })
    }
}

impl Error {
    /// Keeps the validation's warnings on the card that was sent with Feishu's refusal.
    pub(crate) fn with_card_warnings(mut self, warnings: Diagnostics) -> Self {
        if let Error::Api(e) = &mut self {
            e.card_warnings = warnings;
        }
        self
    }

    /// Feishu's `code`, when Feishu answered with one.
    pub fn code(&self) -> Option<i64> {
        self.api().map(|e| e.code)
    }

    /// Feishu's log id, when Feishu answered with one.
    pub fn log_id(&self) -> Option<&str> {
        self.api().and_then(|e| e.log_id.as_deref())
    }

    /// The API error, when Feishu answered with a non-zero `code`.
    pub fn api(&self) -> Option<&ApiError> {
        match self {
            Error::Api(e) => Some(e),
            _ => None,
        }
    }

    /// The retry class of a Feishu error (`None` for errors that did not come from Feishu).
    pub fn class(&self) -> Option<ErrorClass> {
        self.api().map(ApiError::class)
    }

    /// Feishu said to slow down.
    pub fn is_rate_limited(&self) -> bool {
        match self {
            Error::Api(e) => e.class() == ErrorClass::RateLimit,
            Error::Decode { status, .. } => *status == 429,
            _ => false,
        }
    }

    /// The same call may succeed later (rate limits, passing faults, token and sequence
    /// problems, network errors). The client already retried as its policy allows.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Transport { .. } | Error::Store { .. } => true,
            Error::Api(e) => matches!(
                e.class(),
                ErrorClass::RateLimit
                    | ErrorClass::Token
                    | ErrorClass::Sequence
                    | ErrorClass::Transient
            ),
            Error::Decode { status, .. } => *status >= 500 || *status == 429,
            _ => false,
        }
    }

    /// The tenant token was refused.
    pub fn is_token_error(&self) -> bool {
        self.class() == Some(ErrorClass::Token)
    }

    /// A CardKit `sequence` conflict (300317) that survived the client's resynchronisation:
    /// another process writes to the same card entity.
    pub fn is_sequence_conflict(&self) -> bool {
        self.class() == Some(ErrorClass::Sequence)
    }

    /// Streaming mode of the card entity is closed (300309, 200850, 200510).
    pub fn is_streaming_closed(&self) -> bool {
        self.class() == Some(ErrorClass::StreamingClosed)
    }

    /// The card entity is unknown or expired: create a new one.
    pub fn is_entity_gone(&self) -> bool {
        self.class() == Some(ErrorClass::EntityGone)
    }

    /// The shared store of the bot's replicas (Redis) could not be reached; nothing was sent.
    pub fn is_store_unreachable(&self) -> bool {
        matches!(self, Error::Store { .. })
    }

    /// The card was rejected, by the local validator or by Feishu.
    pub fn is_invalid_card(&self) -> bool {
        matches!(self, Error::InvalidCard(_)) || self.class() == Some(ErrorClass::InvalidCard)
    }

    /// The diagnostics of a card refused before sending.
    pub fn diagnostics(&self) -> Option<&Diagnostics> {
        match self {
            Error::InvalidCard(d) => Some(d),
            _ => None,
        }
    }

    /// How long Feishu asked to wait, on rate limits.
    pub fn retry_after(&self) -> Option<Duration> {
        self.api().and_then(|e| e.retry_after)
    }
}

impl From<ApiError> for Error {
    fn from(e: ApiError) -> Self {
        Error::Api(Box::new(e))
    }
}

fn truncate(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn card_error_parses_every_part() {
        let msg =
            "Failed to create card content, ext=ErrCode: 200550; ErrMsg: chart spec is invalid; \
                   ErrPath: ROOT -> elements -> [3]; ErrorValue: {};";
        let e = CardError::parse(msg).expect("has parts");
        assert_eq!(e.code, Some(200550));
        assert_eq!(e.message.as_deref(), Some("chart spec is invalid"));
        assert_eq!(e.path.as_deref(), Some("ROOT -> elements -> [3]"));
        assert_eq!(CardError::parse("plain message"), None);
        let only_code = CardError::parse("ErrCode: 11310").expect("code");
        assert_eq!(only_code.code, Some(11310));
        assert_eq!(only_code.path, None);
    }

    #[test]
    fn classes_follow_the_spec_table() {
        assert_eq!(ErrorClass::of(99991400, None), ErrorClass::RateLimit);
        assert_eq!(ErrorClass::of(230020, None), ErrorClass::RateLimit);
        assert_eq!(ErrorClass::of(99991663, None), ErrorClass::Token);
        assert_eq!(ErrorClass::of(300317, None), ErrorClass::Sequence);
        assert_eq!(ErrorClass::of(1500, None), ErrorClass::Transient);
        assert_eq!(ErrorClass::of(200850, None), ErrorClass::StreamingClosed);
        assert_eq!(ErrorClass::of(200750, None), ErrorClass::EntityGone);
        assert_eq!(ErrorClass::of(230099, None), ErrorClass::InvalidCard);
        let gone = CardError::parse("ErrCode: 11310; ErrMsg: cardid is invalid");
        assert_eq!(
            ErrorClass::of(230099, gone.as_ref()),
            ErrorClass::EntityGone
        );
        assert_eq!(ErrorClass::of(230002, None), ErrorClass::Permanent);
    }

    #[test]
    fn api_error_display_names_code_path_and_log_id() {
        let e = Error::from(ApiError {
            operation: "messages.send",
            http_status: 400,
            code: 230099,
            msg: "ErrCode: 200621; ErrPath: ROOT -> body".into(),
            log_id: Some("0211".into()),
            troubleshooter: None,
            card_error: CardError::parse("ErrCode: 200621; ErrPath: ROOT -> body"),
            retry_after: None,
            card_warnings: Default::default(),
        });
        let text = e.to_string();
        assert!(text.contains("code 230099"), "{text}");
        assert!(text.contains("card error 200621 at ROOT -> body"), "{text}");
        assert!(text.contains("log id 0211"), "{text}");
        assert!(e.is_invalid_card());
        assert!(!e.is_retryable());
    }

    #[test]
    fn truncate_respects_char_boundaries() {
        assert_eq!(truncate("héllo", 2), "h");
        assert_eq!(truncate("abc", 10), "abc");
    }
}
