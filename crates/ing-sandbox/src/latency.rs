//! Network realism. A real bank answers in 100–300 ms, not in the microseconds a local server
//! needs, and that wait — not the CPU — decides how long a sync of many accounts takes. Every
//! answer of the API port is held back by a fixed delay plus a uniformly drawn share of a
//! jitter, so that concurrency and connection reuse are measured against realistic waits.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// How long each API answer is held back: `base` plus a uniform draw from `0..=jitter`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Latency {
    /// The delay every answer gets.
    pub base: Duration,
    /// The most added on top of `base`, drawn anew for every answer.
    pub jitter: Duration,
}

impl Latency {
    /// A fixed delay with up to `jitter` more, both in milliseconds (the command line's units).
    pub fn from_millis(base: u64, jitter: u64) -> Self {
        Self {
            base: Duration::from_millis(base),
            jitter: Duration::from_millis(jitter),
        }
    }

    /// The delay of one answer.
    pub(crate) fn draw(&self) -> Duration {
        let jitter_us = u64::try_from(self.jitter.as_micros()).unwrap_or(u64::MAX);
        let extra = if jitter_us == 0 {
            0
        } else {
            rand::random_range(0..=jitter_us)
        };
        self.base + Duration::from_micros(extra)
    }
}

/// Requests being answered now, and the most at any moment.
#[derive(Debug, Default)]
pub(crate) struct InFlight {
    now: AtomicU64,
    most: AtomicU64,
}

impl InFlight {
    /// The most requests that were in flight together.
    pub(crate) fn most(&self) -> u64 {
        self.most.load(Ordering::Relaxed)
    }
}

/// Counts a request as in flight until dropped (also when its client goes away mid-wait).
pub(crate) struct Flying<'a>(&'a InFlight);

impl<'a> Flying<'a> {
    /// Counts one more request in flight.
    pub(crate) fn start(f: &'a InFlight) -> Self {
        let now = f.now.fetch_add(1, Ordering::Relaxed) + 1;
        f.most.fetch_max(now, Ordering::Relaxed);
        Self(f)
    }
}

impl Drop for Flying<'_> {
    fn drop(&mut self) {
        self.0.now.fetch_sub(1, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_draw_lies_between_the_base_and_the_base_plus_the_jitter() {
        let l = Latency::from_millis(150, 40);
        let draws: Vec<_> = (0..2000).map(|_| l.draw()).collect();
        assert!(
            draws
                .iter()
                .all(|d| *d >= l.base && *d <= l.base + l.jitter)
        );
        // Uniform: both halves of the jitter are drawn.
        let mid = l.base + l.jitter / 2;
        assert!(draws.iter().any(|d| *d < mid) && draws.iter().any(|d| *d > mid));
    }

    #[test]
    fn no_latency_means_no_wait() {
        assert!(Latency::default().draw().is_zero());
    }
}
