//! The timings Feishu gives in [`ClientConfig`], as real durations: the ping interval and the
//! reconnect schedule.

use std::time::Duration;

use super::frame::ClientConfig;

/// Turns Feishu's seconds into real time, divided by a scale (1 outside tests).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Timing {
    scale: f64,
}

impl Timing {
    pub(crate) fn new(scale: f64) -> Self {
        Timing {
            scale: if scale.is_finite() && scale >= 1.0 {
                scale
            } else {
                1.0
            },
        }
    }

    /// `secs` seconds of Feishu's time as real time.
    pub(crate) fn real(&self, secs: u64) -> Duration {
        Duration::from_secs(secs).div_f64(self.scale)
    }

    /// Time between pings: at least one (scaled) second, so a 0 cannot make a busy loop.
    pub(crate) fn ping_interval(&self, config: &ClientConfig) -> Duration {
        self.real(config.ping_interval.max(1))
    }

    /// How long to wait before reconnection attempt `attempt` (from 1), or `None` when
    /// `ReconnectCount` allows no more: the first attempt waits a random part (`jitter`, in
    /// `[0, 1)`) of `ReconnectNonce`, the others `ReconnectInterval`.
    pub(crate) fn reconnect_delay(
        &self,
        config: &ClientConfig,
        attempt: u32,
        jitter: f64,
    ) -> Option<Duration> {
        if attempt == 0 {
            return Some(Duration::ZERO);
        }
        if config.reconnect_count >= 0 && i64::from(attempt) > config.reconnect_count {
            return None;
        }
        if attempt == 1 {
            let jitter = if jitter.is_finite() {
                jitter.clamp(0.0, 1.0)
            } else {
                0.0
            };
            Some(self.real(config.reconnect_nonce).mul_f64(jitter))
        } else {
            Some(self.real(config.reconnect_interval))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(count: i64) -> ClientConfig {
        ClientConfig {
            ping_interval: 120,
            reconnect_count: count,
            reconnect_interval: 120,
            reconnect_nonce: 30,
        }
    }

    #[test]
    fn first_a_random_part_of_the_nonce_then_the_interval() {
        let t = Timing::new(1.0);
        let c = config(-1);
        assert_eq!(t.reconnect_delay(&c, 1, 0.0), Some(Duration::ZERO));
        assert_eq!(t.reconnect_delay(&c, 1, 0.5), Some(Duration::from_secs(15)));
        assert!(t.reconnect_delay(&c, 1, 0.999).unwrap() < Duration::from_secs(30));
        for attempt in [2, 3, 50, u32::MAX] {
            assert_eq!(
                t.reconnect_delay(&c, attempt, 0.5),
                Some(Duration::from_secs(120)),
                "attempt {attempt}"
            );
        }
    }

    #[test]
    fn the_count_limits_the_attempts() {
        let t = Timing::new(1.0);
        let c = config(3);
        let allowed: Vec<bool> = (1..=5)
            .map(|a| t.reconnect_delay(&c, a, 0.1).is_some())
            .collect();
        assert_eq!(allowed, [true, true, true, false, false]);
        assert_eq!(t.reconnect_delay(&config(0), 1, 0.1), None);
        assert!(t.reconnect_delay(&config(-1), 1_000_000, 0.1).is_some());
    }

    #[test]
    fn the_scale_divides_feishus_seconds() {
        let t = Timing::new(100.0);
        let mut c = config(-1);
        assert_eq!(t.ping_interval(&c), Duration::from_millis(1200));
        assert_eq!(
            t.reconnect_delay(&c, 2, 0.0),
            Some(Duration::from_millis(1200))
        );
        c.ping_interval = 0;
        assert_eq!(t.ping_interval(&c), Duration::from_millis(10));
        assert_eq!(Timing::new(f64::NAN).real(2), Duration::from_secs(2));
        assert_eq!(Timing::new(0.5).real(2), Duration::from_secs(2));
    }
}
