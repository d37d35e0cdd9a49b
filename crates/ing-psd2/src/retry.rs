//! Retries for idempotent requests: exponential backoff with full jitter, honouring
//! `Retry-After`, bounded in attempts and in total time. Token requests are not retried on a
//! 4xx: a refused code or refresh token does not become valid by asking again.

use std::time::Duration;

use ring::rand::{SecureRandom, SystemRandom};

/// How to retry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included. 1 = no retries.
    pub max_attempts: u32,
    /// Delay before the first retry (doubled each time, then jittered).
    pub base_delay: Duration,
    /// Longest single delay.
    pub max_delay: Duration,
    /// Longest total time spent waiting; a `Retry-After` beyond it ends the retries.
    pub max_total_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 5,
            base_delay: Duration::from_millis(200),
            max_delay: Duration::from_secs(10),
            max_total_delay: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// No retries.
    pub fn none() -> Self {
        Self {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// The wait before retry number `attempt` (1-based), or `None` when retries are used up.
    /// `retry_after` from the server wins over the computed backoff.
    pub fn delay(
        &self,
        attempt: u32,
        retry_after: Option<Duration>,
        waited: Duration,
    ) -> Option<Duration> {
        if attempt >= self.max_attempts {
            return None;
        }
        let delay = match retry_after {
            Some(d) => d,
            None => {
                let exp = self
                    .base_delay
                    .saturating_mul(1u32 << attempt.saturating_sub(1).min(16))
                    .min(self.max_delay);
                // Full jitter: uniform in [exp/2, exp], so many clients do not retry in step.
                let mut b = [0u8; 4];
                let r = if SystemRandom::new().fill(&mut b).is_ok() {
                    u32::from_le_bytes(b)
                } else {
                    u32::MAX / 2
                };
                let half = exp / 2;
                half + Duration::from_nanos(
                    (half.as_nanos() as u64).saturating_mul(u64::from(r))
                        / u64::from(u32::MAX).max(1),
                )
            }
        };
        (waited + delay <= self.max_total_delay).then_some(delay)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_is_jittered_and_bounded() {
        let p = RetryPolicy {
            max_attempts: 4,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_millis(300),
            max_total_delay: Duration::from_secs(1),
        };
        let d1 = p.delay(1, None, Duration::ZERO).unwrap();
        assert!(
            d1 >= Duration::from_millis(50) && d1 <= Duration::from_millis(100),
            "{d1:?}"
        );
        let d3 = p.delay(3, None, Duration::ZERO).unwrap();
        assert!(
            d3 >= Duration::from_millis(150) && d3 <= Duration::from_millis(300),
            "{d3:?}"
        );
        assert_eq!(p.delay(4, None, Duration::ZERO), None, "attempts used up");
    }

    #[test]
    fn retry_after_wins_but_not_beyond_the_total() {
        let p = RetryPolicy::default();
        assert_eq!(
            p.delay(1, Some(Duration::from_secs(3)), Duration::ZERO),
            Some(Duration::from_secs(3))
        );
        assert_eq!(
            p.delay(1, Some(Duration::from_secs(3600)), Duration::ZERO),
            None
        );
        assert_eq!(RetryPolicy::none().delay(1, None, Duration::ZERO), None);
    }
}
