//! Faults the emulator can inject: rate limits, server errors, dropped connections, slow
//! answers, any Feishu error code.

use std::time::Duration;

/// What goes wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum FaultKind {
    /// HTTP 429, `code: 99991400`, `x-ogw-ratelimit-reset: reset_secs`; requests arriving before
    /// the reset get 429 too, as with Feishu's gateway.
    RateLimit {
        /// Seconds until the limit resets (emulator time).
        reset_secs: u64,
    },
    /// An HTTP error status with a plain-text body, as a gateway in front of Feishu gives.
    ServerError {
        /// The status (500, 502, 503…).
        status: u16,
    },
    /// A Feishu JSON error: any `code` (1500, 99991663, 230020…).
    ApiError {
        /// HTTP status.
        status: u16,
        /// Feishu's `code`.
        code: i64,
        /// Feishu's `msg`.
        msg: String,
    },
    /// The connection is closed without an answer.
    DropConnection,
    /// The answer comes after this much real time.
    Slow(Duration),
}

/// Which requests a fault hits.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Times {
    Next(u32),
    Probability(f64),
}

/// A fault rule: what, on which requests, how often, and whether before or after the request
/// takes effect.
///
/// By default a fault hits the next matching request once, before it takes effect, and
/// matches every endpoint except the token endpoint and the long connection's
/// `/callback/ws/endpoint` (name that path with [`Fault::on_path`] to hit it). Faults of the
/// WebSocket itself are [`LongConnectionFault`](super::LongConnectionFault)s.
///
/// ```
/// use std::time::Duration;
/// use card_client::emulator::Fault;
///
/// let a = Fault::rate_limit(2).times(3);
/// let b = Fault::server_error(503).on_path("/open-apis/im/v1/messages");
/// let c = Fault::drop_connection().after_processing().probability(0.3);
/// let d = Fault::slow(Duration::from_millis(500));
/// let e = Fault::api_error(400, 1500, "internal error");
/// # let _ = (a, b, c, d, e);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Fault {
    pub(crate) kind: FaultKind,
    times: Times,
    path: Option<String>,
    pub(crate) after: bool,
}

impl Fault {
    /// A fault of `kind` on the next matching request.
    pub fn new(kind: FaultKind) -> Self {
        Fault {
            kind,
            times: Times::Next(1),
            path: None,
            after: false,
        }
    }

    /// HTTP 429 with `x-ogw-ratelimit-reset: reset_secs`.
    pub fn rate_limit(reset_secs: u64) -> Self {
        Fault::new(FaultKind::RateLimit { reset_secs })
    }

    /// A plain-text HTTP error with this status.
    pub fn server_error(status: u16) -> Self {
        Fault::new(FaultKind::ServerError { status })
    }

    /// A Feishu JSON error.
    pub fn api_error(status: u16, code: i64, msg: impl Into<String>) -> Self {
        Fault::new(FaultKind::ApiError {
            status,
            code,
            msg: msg.into(),
        })
    }

    /// The connection closes without an answer.
    pub fn drop_connection() -> Self {
        Fault::new(FaultKind::DropConnection)
    }

    /// The answer is delayed by `delay` (real time).
    pub fn slow(delay: Duration) -> Self {
        Fault::new(FaultKind::Slow(delay))
    }

    /// Hits the next `n` matching requests.
    pub fn times(mut self, n: u32) -> Self {
        self.times = Times::Next(n);
        self
    }

    /// Hits each matching request with probability `p` (0–1), until cleared; the emulator's
    /// seed makes the draws repeatable.
    pub fn probability(mut self, p: f64) -> Self {
        self.times = Times::Probability(p.clamp(0.0, 1.0));
        self
    }

    /// Only requests whose path contains `fragment`.
    pub fn on_path(mut self, fragment: impl Into<String>) -> Self {
        self.path = Some(fragment.into());
        self
    }

    /// Let the request take effect first, then fail the answer (dropped connection, error
    /// status, slow answer): the case where a client cannot know whether it worked.
    pub fn after_processing(mut self) -> Self {
        self.after = true;
        self
    }

    pub(crate) fn matches(&self, path: &str, is_token_endpoint: bool) -> bool {
        match &self.path {
            Some(fragment) => path.contains(fragment.as_str()),
            None => !is_token_endpoint,
        }
    }

    /// Whether this rule fires now; spends one of its hits when it does.
    pub(crate) fn fire(&mut self, rng: &mut fastrand::Rng) -> bool {
        match &mut self.times {
            Times::Next(0) => false,
            Times::Next(n) => {
                *n -= 1;
                true
            }
            Times::Probability(p) => rng.f64() < *p,
        }
    }

    pub(crate) fn spent(&self) -> bool {
        self.times == Times::Next(0)
    }
}
