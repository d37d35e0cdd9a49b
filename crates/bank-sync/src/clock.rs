//! The service's notion of "now". Every decision that depends on the time of day — the daily
//! budget, leases, the watermark, consent expiry, token expiry — reads it here, so a test or a
//! simulation can run months of bank activity in minutes (`psd2-worker --once --now …`).

use std::fmt;
use std::sync::Mutex;
use std::time::Instant;

use time::OffsetDateTime;

/// A source of the current time.
pub trait Clock: Send + Sync + fmt::Debug {
    /// Now, in UTC.
    fn now(&self) -> OffsetDateTime;
}

/// The machine's clock: what every deployment uses.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc()
    }
}

/// A clock that starts at a chosen instant and then runs at real speed: one worker pass "as of"
/// a simulated date, where leases and timeouts inside the pass still see time pass.
#[derive(Debug, Clone, Copy)]
pub struct ShiftedClock {
    start: OffsetDateTime,
    started: Instant,
}

impl ShiftedClock {
    /// A clock reading `start` now.
    pub fn starting_at(start: OffsetDateTime) -> Self {
        Self {
            start,
            started: Instant::now(),
        }
    }
}

impl Clock for ShiftedClock {
    fn now(&self) -> OffsetDateTime {
        let elapsed =
            time::Duration::try_from(self.started.elapsed()).unwrap_or(time::Duration::ZERO);
        self.start + elapsed
    }
}

/// A clock that only moves when told to (tests).
#[derive(Debug)]
pub struct ManualClock {
    now: Mutex<OffsetDateTime>,
}

impl ManualClock {
    /// A clock reading `start` until moved.
    pub fn new(start: OffsetDateTime) -> Self {
        Self {
            now: Mutex::new(start),
        }
    }

    /// Moves the clock by `by` (which may be negative, to test clocks that jump back).
    pub fn advance(&self, by: time::Duration) {
        let mut now = self
            .now
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        *now += by;
    }

    /// Sets the clock.
    pub fn set(&self, to: OffsetDateTime) {
        *self
            .now
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = to;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> OffsetDateTime {
        *self
            .now
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn shifted_clock_starts_where_told_and_runs() {
        let c = ShiftedClock::starting_at(datetime!(2027-03-01 12:00 UTC));
        let a = c.now();
        assert!(a >= datetime!(2027-03-01 12:00 UTC));
        assert!(a < datetime!(2027-03-01 12:01 UTC));
        std::thread::sleep(std::time::Duration::from_millis(5));
        assert!(c.now() > a);
    }

    #[test]
    fn manual_clock_moves_only_when_told() {
        let c = ManualClock::new(datetime!(2027-01-01 0:00 UTC));
        assert_eq!(c.now(), datetime!(2027-01-01 0:00 UTC));
        c.advance(time::Duration::days(3));
        assert_eq!(c.now(), datetime!(2027-01-04 0:00 UTC));
        c.set(datetime!(2027-02-01 0:00 UTC));
        assert_eq!(c.now(), datetime!(2027-02-01 0:00 UTC));
    }
}
