//! When to try a call again, and how long to wait first (spec §6, in one place).

use std::time::Duration;

use crate::error::{Error, ErrorClass};

/// How the client retries a failed call.
///
/// Which failures are retried is fixed by Feishu's error classes (spec §6):
///
/// | failure | what the client does |
/// |---|---|
/// | rate limit (99991400, 230020, …) | waits `x-ogw-ratelimit-reset` seconds when Feishu sends it, else backs off; counts against `max_retries` |
/// | passing server fault (1500, 5000, 300120, HTTP 5xx), network error | backs off; counts against `max_retries` |
/// | tenant token refused (99991663, 99991664, 99991677) | fetches a new token and retries once |
/// | CardKit `sequence` conflict (300317) | moves the sequence past the conflict and retries once |
/// | invalid card, permissions, arguments, streaming closed, entity gone | never retried |
///
/// Every retry of a send, reply or CardKit write carries the same `uuid` as the first attempt,
/// so Feishu applies it at most once; CardKit retries take a new `sequence`.
///
/// Backoff is exponential from `initial_backoff`, doubled on each retry, capped at
/// `max_backoff`, with jitter (each wait is drawn between half and all of that value).
///
/// ```
/// use std::time::Duration;
/// use card_client::RetryPolicy;
///
/// let patient = RetryPolicy::default()
///     .max_retries(6)
///     .max_wait(Duration::from_secs(120));
/// assert_eq!(patient.max_retries, 6);
/// assert_eq!(RetryPolicy::none().max_retries, 0);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RetryPolicy {
    /// Additional attempts after the first, for rate limits, passing faults and network errors.
    /// Default 3.
    pub max_retries: u32,
    /// First backoff. Default 200 ms.
    pub initial_backoff: Duration,
    /// Longest backoff between two attempts. Default 8 s.
    pub max_backoff: Duration,
    /// Longest wait the client accepts for a rate-limit reset; when Feishu asks for more, the
    /// error is returned (see [`Error::retry_after`]). Default 60 s.
    pub max_wait: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 3,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(8),
            max_wait: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// Never wait and retry (the token refresh and the sequence resync still happen once: they
    /// fix the request rather than repeat it).
    pub fn none() -> Self {
        RetryPolicy {
            max_retries: 0,
            ..RetryPolicy::default()
        }
    }

    /// Sets [`RetryPolicy::max_retries`].
    pub fn max_retries(mut self, n: u32) -> Self {
        self.max_retries = n;
        self
    }

    /// Sets [`RetryPolicy::initial_backoff`].
    pub fn initial_backoff(mut self, d: Duration) -> Self {
        self.initial_backoff = d;
        self
    }

    /// Sets [`RetryPolicy::max_backoff`].
    pub fn max_backoff(mut self, d: Duration) -> Self {
        self.max_backoff = d;
        self
    }

    /// Sets [`RetryPolicy::max_wait`].
    pub fn max_wait(mut self, d: Duration) -> Self {
        self.max_wait = d;
        self
    }

    /// The backoff before retry number `retry` (0 for the first retry), without jitter.
    fn backoff_ceiling(&self, retry: u32) -> Duration {
        let factor = 1u32.checked_shl(retry.min(20)).unwrap_or(u32::MAX);
        self.initial_backoff
            .saturating_mul(factor)
            .min(self.max_backoff)
    }

    /// A jittered backoff: between half and all of the ceiling.
    fn backoff(&self, retry: u32) -> Duration {
        let ceiling = self.backoff_ceiling(retry);
        let half = ceiling / 2;
        half + ceiling.mul_f64(0.5 * fastrand::f64())
    }
}

/// Whether repeating a request can apply it twice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Replay {
    /// Repeating is harmless: idempotent, or protected by a `uuid`.
    Safe,
    /// Repeat only when the first attempt surely did not reach Feishu's service (rate limit,
    /// token refused, connection refused): delayed updates spend one of the token's two uses on
    /// every call that arrives.
    OnlyIfUnapplied,
}

/// What the call loop does next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Decision {
    /// Give up and return the error.
    Fail,
    /// Wait this long (in Feishu's time; the client scales it), then retry.
    Wait(Duration),
    /// Drop the cached tenant token, fetch a new one, retry.
    RefreshToken,
    /// Move the card's sequence past the conflict, retry.
    Resync,
}

/// What a call has used up so far.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Spent {
    pub retries: u32,
    pub token_refreshed: bool,
    pub resynced: bool,
}

/// The retry rule for every call, in one function.
pub(crate) fn decide(policy: &RetryPolicy, err: &Error, spent: &Spent, replay: Replay) -> Decision {
    let can_retry = spent.retries < policy.max_retries;
    match err {
        Error::Transport { source, .. } => {
            let unapplied = source.is_connect();
            if can_retry && (replay == Replay::Safe || unapplied) {
                Decision::Wait(policy.backoff(spent.retries))
            } else {
                Decision::Fail
            }
        }
        Error::Decode { status, .. } if *status == 429 || *status >= 500 => {
            let unapplied = *status == 429;
            if can_retry && (replay == Replay::Safe || unapplied) {
                Decision::Wait(policy.backoff(spent.retries))
            } else {
                Decision::Fail
            }
        }
        Error::Api(api) => match api.class() {
            ErrorClass::RateLimit if can_retry => match api.retry_after {
                Some(reset) if reset > policy.max_wait => Decision::Fail,
                // The reset is whole seconds; a little jitter keeps concurrent callers from
                // arriving together when it ends.
                Some(reset) => Decision::Wait(reset + Duration::from_millis(fastrand::u64(5..50))),
                None => Decision::Wait(policy.backoff(spent.retries)),
            },
            ErrorClass::Transient if can_retry && replay == Replay::Safe => {
                Decision::Wait(policy.backoff(spent.retries))
            }
            ErrorClass::Token if !spent.token_refreshed => Decision::RefreshToken,
            ErrorClass::Sequence if !spent.resynced => Decision::Resync,
            _ => Decision::Fail,
        },
        _ => Decision::Fail,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ApiError;

    fn api(code: i64, retry_after: Option<Duration>) -> Error {
        Error::from(ApiError {
            operation: "test",
            http_status: 400,
            code,
            msg: String::new(),
            log_id: None,
            troubleshooter: None,
            card_error: None,
            retry_after,
            card_warnings: Default::default(),
        })
    }

    #[test]
    fn backoff_doubles_up_to_the_cap_with_jitter() {
        let p = RetryPolicy::default();
        assert_eq!(p.backoff_ceiling(0), Duration::from_millis(200));
        assert_eq!(p.backoff_ceiling(1), Duration::from_millis(400));
        assert_eq!(p.backoff_ceiling(10), Duration::from_secs(8));
        assert_eq!(p.backoff_ceiling(u32::MAX), Duration::from_secs(8));
        for retry in 0..6 {
            let d = p.backoff(retry);
            let c = p.backoff_ceiling(retry);
            assert!(d >= c / 2 && d <= c, "{d:?} outside [{:?}, {c:?}]", c / 2);
        }
    }

    #[test]
    fn rate_limits_honour_the_reset_header_within_max_wait() {
        let p = RetryPolicy::default();
        let s = Spent::default();
        match decide(
            &p,
            &api(99991400, Some(Duration::from_secs(2))),
            &s,
            Replay::Safe,
        ) {
            Decision::Wait(d) => {
                assert!(d >= Duration::from_secs(2) && d < Duration::from_millis(2100))
            }
            other => panic!("expected a wait, got {other:?}"),
        }
        let long = api(99991400, Some(Duration::from_secs(600)));
        assert_eq!(decide(&p, &long, &s, Replay::Safe), Decision::Fail);
        let spent = Spent {
            retries: 3,
            ..Spent::default()
        };
        assert_eq!(
            decide(&p, &api(230020, None), &spent, Replay::Safe),
            Decision::Fail
        );
    }

    #[test]
    fn token_and_sequence_are_fixed_once() {
        let p = RetryPolicy::none();
        let mut s = Spent::default();
        assert_eq!(
            decide(&p, &api(99991663, None), &s, Replay::Safe),
            Decision::RefreshToken
        );
        s.token_refreshed = true;
        assert_eq!(
            decide(&p, &api(99991663, None), &s, Replay::Safe),
            Decision::Fail
        );
        assert_eq!(
            decide(&p, &api(300317, None), &s, Replay::Safe),
            Decision::Resync
        );
        s.resynced = true;
        assert_eq!(
            decide(&p, &api(300317, None), &s, Replay::Safe),
            Decision::Fail
        );
    }

    #[test]
    fn invalid_cards_and_unsafe_replays_are_never_retried() {
        let p = RetryPolicy::default();
        let s = Spent::default();
        assert_eq!(
            decide(&p, &api(230099, None), &s, Replay::Safe),
            Decision::Fail
        );
        assert_eq!(
            decide(&p, &api(200860, None), &s, Replay::Safe),
            Decision::Fail
        );
        assert_eq!(
            decide(&p, &api(1500, None), &s, Replay::OnlyIfUnapplied),
            Decision::Fail
        );
        assert!(matches!(
            decide(&p, &api(99991400, None), &s, Replay::OnlyIfUnapplied),
            Decision::Wait(_)
        ));
        assert_eq!(
            decide(&p, &Error::InvalidArgument("x".into()), &s, Replay::Safe),
            Decision::Fail
        );
    }
}
