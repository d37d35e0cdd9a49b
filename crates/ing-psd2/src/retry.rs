//! Retries for idempotent requests: exponential backoff with full jitter, honouring
//! `Retry-After`, bounded in attempts and in total time. Token requests are not retried on a
//! 4xx: a refused code or refresh token does not become valid by asking again.

use std::fmt::Display;
use std::future::Future;
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

    /// Runs `attempt` (given its number, from 1) until it succeeds, fails in a way that does not
    /// pass, or the attempts or the total wait of this policy are used up, waiting
    /// [`delay`](Self::delay) between attempts. Ends in the last attempt's error. `what` names the
    /// operation in the log line of each retry.
    pub(crate) async fn run<T, E, F, Fut>(&self, what: &'static str, mut attempt: F) -> Result<T, E>
    where
        E: Display,
        F: FnMut(u32) -> Fut,
        Fut: Future<Output = Outcome<T, E>>,
    {
        let mut number = 1u32;
        let mut waited = Duration::ZERO;
        let mut last_error = None;
        loop {
            let (error, retry_after) = match attempt(number).await {
                Outcome::Done(value) => return Ok(value),
                Outcome::Fatal(error) => return Err(error),
                Outcome::NotMade(error) => return Err(last_error.unwrap_or(error)),
                Outcome::Transient { error, retry_after } => (error, retry_after),
            };
            let Some(delay) = self.delay(number, retry_after, waited) else {
                return Err(error);
            };
            tracing::info!(attempt = number, delay_ms = delay.as_millis() as u64, error = %error, "retrying {what}");
            tokio::time::sleep(delay).await;
            waited += delay;
            number += 1;
            last_error = Some(error);
        }
    }
}

/// What one attempt of a retried operation ended in.
#[derive(Debug)]
pub(crate) enum Outcome<T, E> {
    /// It succeeded.
    Done(T),
    /// It failed in a way that may pass: tried again after the policy's backoff, or after
    /// `retry_after` when the server named a wait.
    Transient {
        error: E,
        retry_after: Option<Duration>,
    },
    /// It failed in a way that asking again does not change, or must not be asked again.
    Fatal(E),
    /// It was not made (a cap on requests is reached): the operation ends in the previous
    /// attempt's error, or in this one when there was none.
    NotMade(E),
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

    fn quick(max_attempts: u32) -> RetryPolicy {
        RetryPolicy {
            max_attempts,
            base_delay: Duration::from_millis(1),
            max_delay: Duration::from_millis(2),
            max_total_delay: Duration::from_secs(1),
        }
    }

    /// Runs `outcomes` in order, one an attempt, and says which attempt numbers were made.
    async fn run(
        policy: &RetryPolicy,
        outcomes: Vec<Outcome<&'static str, String>>,
    ) -> (Result<&'static str, String>, Vec<u32>) {
        let outcomes = std::sync::Mutex::new(outcomes.into_iter());
        let made = std::sync::Mutex::new(Vec::new());
        let result = policy
            .run("test call", |n| {
                made.lock().unwrap().push(n);
                let next = outcomes.lock().unwrap().next();
                async move { next.expect("more attempts than outcomes") }
            })
            .await;
        (result, made.into_inner().unwrap())
    }

    fn transient(e: &str) -> Outcome<&'static str, String> {
        Outcome::Transient {
            error: e.to_owned(),
            retry_after: None,
        }
    }

    #[tokio::test]
    async fn transient_failures_are_retried_until_one_succeeds() {
        let (result, made) = run(
            &quick(5),
            vec![transient("e1"), transient("e2"), Outcome::Done("ok")],
        )
        .await;
        assert_eq!(result, Ok("ok"));
        assert_eq!(made, vec![1, 2, 3], "numbered from 1");
    }

    #[tokio::test]
    async fn a_fatal_failure_ends_at_once_with_its_error() {
        let (result, made) = run(
            &quick(5),
            vec![transient("e1"), Outcome::Fatal("fatal".into())],
        )
        .await;
        assert_eq!(result, Err("fatal".to_owned()));
        assert_eq!(made, vec![1, 2]);
    }

    #[tokio::test]
    async fn used_up_attempts_end_with_the_last_error() {
        let (result, made) = run(
            &quick(3),
            vec![transient("e1"), transient("e2"), transient("e3")],
        )
        .await;
        assert_eq!(result, Err("e3".to_owned()));
        assert_eq!(made, vec![1, 2, 3]);
        let (result, made) = run(&RetryPolicy::none(), vec![transient("only")]).await;
        assert_eq!(result, Err("only".to_owned()));
        assert_eq!(made, vec![1], "no retries");
    }

    #[tokio::test]
    async fn a_retry_after_beyond_the_total_wait_ends_the_retries() {
        let (result, made) = run(
            &quick(5),
            vec![Outcome::Transient {
                error: "busy".into(),
                retry_after: Some(Duration::from_secs(3600)),
            }],
        )
        .await;
        assert_eq!(result, Err("busy".to_owned()));
        assert_eq!(made, vec![1]);
    }

    #[tokio::test]
    async fn an_attempt_not_made_ends_with_the_previous_error_or_its_own() {
        let (result, made) = run(
            &quick(5),
            vec![transient("e1"), Outcome::NotMade("capped".into())],
        )
        .await;
        assert_eq!(result, Err("e1".to_owned()), "the error that was seen");
        assert_eq!(made, vec![1, 2]);
        let (result, _) = run(&quick(5), vec![Outcome::NotMade("capped".into())]).await;
        assert_eq!(result, Err("capped".to_owned()), "nothing was sent");
    }
}
