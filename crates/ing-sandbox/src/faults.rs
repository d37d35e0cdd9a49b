//! Fault injection: the failures real bank APIs produce, on purpose and reproducibly (seeded), so
//! that clients prove they survive them. All off by default; set per server.

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Shares (0.0–1.0) of AIS answers replaced by a fault.
#[derive(Debug, Clone, Default)]
pub struct FaultConfig {
    /// Seed of the fault sequence.
    pub seed: u64,
    /// 429 Too Many Requests with `Retry-After`.
    pub rate_limited: f64,
    /// Seconds sent in `Retry-After`.
    pub retry_after_secs: u64,
    /// 500 Internal Server Error.
    pub server_error: f64,
    /// 503 Service Unavailable.
    pub unavailable: f64,
    /// Answers delayed by `slow_delay`.
    pub slow: f64,
    /// The delay of a slow answer.
    pub slow_delay: Duration,
    /// Connections dropped before the answer is complete.
    pub dropped: f64,
    /// 200 answers whose JSON is cut off.
    pub truncated: f64,
}

impl FaultConfig {
    /// Whether any fault is switched on.
    pub fn any(&self) -> bool {
        self.rate_limited
            + self.server_error
            + self.unavailable
            + self.slow
            + self.dropped
            + self.truncated
            > 0.0
    }
}

/// One injected fault.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// 429 with `Retry-After`.
    RateLimited(u64),
    /// 429 "access exceeded" without `Retry-After`: PSD2's daily allowance is used up.
    AccessExceeded,
    /// 500.
    ServerError,
    /// 503.
    Unavailable,
    /// Delay, then answer normally.
    Slow(Duration),
    /// Drop the connection mid-answer.
    Dropped,
    /// Cut the JSON body in half.
    Truncated,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The seeded fault source of one sandbox.
#[derive(Debug)]
pub(crate) struct Faults {
    config: FaultConfig,
    rng: Mutex<ChaCha8Rng>,
    injected: AtomicU64,
    /// Faults queued by tests for the next answers, before any drawn one.
    forced: Mutex<std::collections::VecDeque<Fault>>,
    /// Faults queued for the next refresh-token grants.
    forced_refresh: Mutex<std::collections::VecDeque<Fault>>,
}

impl Faults {
    pub(crate) fn new(config: FaultConfig) -> Self {
        let rng = Mutex::new(ChaCha8Rng::seed_from_u64(config.seed));
        Self {
            config,
            rng,
            injected: AtomicU64::new(0),
            forced: Mutex::default(),
            forced_refresh: Mutex::default(),
        }
    }

    /// Queues faults for the next AIS answers.
    pub(crate) fn force(&self, faults: impl IntoIterator<Item = Fault>) {
        lock(&self.forced).extend(faults);
    }

    /// Queues faults for the next refresh-token grants.
    pub(crate) fn force_refresh(&self, faults: impl IntoIterator<Item = Fault>) {
        lock(&self.forced_refresh).extend(faults);
    }

    /// The next queued refresh fault, if any.
    pub(crate) fn next_refresh_fault(&self) -> Option<Fault> {
        let f = lock(&self.forced_refresh).pop_front();
        if f.is_some() {
            self.injected.fetch_add(1, Ordering::Relaxed);
        }
        f
    }

    /// Draws whether this answer gets a fault, and which.
    pub(crate) fn draw(&self) -> Option<Fault> {
        if let Some(f) = lock(&self.forced).pop_front() {
            self.injected.fetch_add(1, Ordering::Relaxed);
            return Some(f);
        }
        if !self.config.any() {
            return None;
        }
        let roll: f64 = self
            .rng
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .random();
        let c = &self.config;
        let table = [
            (c.rate_limited, Fault::RateLimited(c.retry_after_secs)),
            (c.server_error, Fault::ServerError),
            (c.unavailable, Fault::Unavailable),
            (c.slow, Fault::Slow(c.slow_delay)),
            (c.dropped, Fault::Dropped),
            (c.truncated, Fault::Truncated),
        ];
        let mut edge = 0.0;
        for (share, fault) in table {
            edge += share;
            if roll < edge {
                self.injected.fetch_add(1, Ordering::Relaxed);
                return Some(fault);
            }
        }
        None
    }

    pub(crate) fn injected(&self) -> u64 {
        self.injected.load(Ordering::Relaxed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn off_by_default() {
        let f = Faults::new(FaultConfig::default());
        assert!((0..1000).all(|_| f.draw().is_none()));
    }

    #[test]
    fn shares_are_roughly_kept_and_reproducible() {
        let cfg = FaultConfig {
            seed: 3,
            rate_limited: 0.2,
            unavailable: 0.1,
            retry_after_secs: 1,
            ..FaultConfig::default()
        };
        let a: Vec<_> = {
            let f = Faults::new(cfg.clone());
            (0..1000).map(|_| f.draw()).collect()
        };
        let b: Vec<_> = {
            let f = Faults::new(cfg);
            (0..1000).map(|_| f.draw()).collect()
        };
        assert_eq!(a, b);
        let limited = a
            .iter()
            .filter(|f| matches!(f, Some(Fault::RateLimited(1))))
            .count();
        let unavailable = a
            .iter()
            .filter(|f| matches!(f, Some(Fault::Unavailable)))
            .count();
        assert!((150..250).contains(&limited), "{limited}");
        assert!((60..140).contains(&unavailable), "{unavailable}");
    }
}
