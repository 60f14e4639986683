//! Reconnection delays: grpc's backoff (1 s, x1.6, +-20% jitter), capped.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::time::Duration;

/// When a subscription retries after a failed or ended connection.
///
/// ```
/// let mut backoff = falco_sdk::Backoff::default();
/// backoff.max_attempts = Some(2);
/// assert!(backoff.delay(1).unwrap() >= std::time::Duration::from_millis(800)); // 1 s +- 20%
/// assert_eq!(backoff.delay(3), None); // gives up
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub struct Backoff {
    /// First delay. Default 1 s.
    pub initial_delay: Duration,
    /// Growth per attempt. Default 1.6.
    pub multiplier: f64,
    /// Cap. Default 30 s.
    pub max_delay: Duration,
    /// +- fraction of randomness. Default 0.2.
    pub jitter: f64,
    /// Consecutive failed attempts before giving up; `None` (default): never.
    pub max_attempts: Option<u32>,
}

impl Default for Backoff {
    fn default() -> Self {
        Backoff {
            initial_delay: Duration::from_secs(1),
            multiplier: 1.6,
            max_delay: Duration::from_secs(30),
            jitter: 0.2,
            max_attempts: None,
        }
    }
}

/// A number in [0, 1) from the standard library's random hash keys.
fn random() -> f64 {
    let mut hasher = RandomState::new().build_hasher();
    hasher.write_u64(0);
    (hasher.finish() >> 11) as f64 / (1u64 << 53) as f64
}

impl Backoff {
    /// Delay before retry number `attempt` (1-based), or `None` to give up.
    ///
    /// ```
    /// use std::time::Duration;
    /// let mut backoff = falco_sdk::Backoff::default();
    /// backoff.jitter = 0.0;
    /// assert_eq!(backoff.delay(2), Some(Duration::from_millis(1600))); // 1 s x 1.6
    /// assert_eq!(backoff.delay(100), Some(Duration::from_secs(30))); // capped
    /// ```
    pub fn delay(&self, attempt: u32) -> Option<Duration> {
        if self.max_attempts.is_some_and(|max| attempt > max) {
            return None;
        }
        let base = (self.initial_delay.as_secs_f64() * self.multiplier.powi(attempt as i32 - 1))
            .min(self.max_delay.as_secs_f64());
        Some(Duration::from_secs_f64(
            (base + base * self.jitter * (random() * 2.0 - 1.0)).max(0.0),
        ))
    }
}
