//! The sandbox's simulated clock: the wall clock plus an offset that only grows.
//!
//! Soak tests and demos live through months in minutes, so token, code and consent expiry, the
//! daily allowance and the evolving ledger all read this clock. It keeps running with the wall
//! clock between moves so that short lifetimes (a 15-minute access token) still pass naturally.
//! The `Date` header's freshness check does not use it: clients sign with the real time.

use std::sync::atomic::{AtomicI64, Ordering};

use time::OffsetDateTime;

/// Why the clock refused to move.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClockError {
    /// The requested time lies before the sandbox's current time: expired tokens, booked entries
    /// and counted calls cannot be undone, so the clock never goes back.
    #[error("the sandbox clock cannot go backwards: it is {now}, asked for {asked}")]
    Backwards {
        /// The sandbox's time when asked (RFC 3339).
        now: String,
        /// The time asked for (RFC 3339).
        asked: String,
    },
    /// The move does not fit the clock's range (about ±292 years from the wall clock).
    #[error("the sandbox clock cannot move that far")]
    OutOfRange,
}

/// Wall clock plus an offset in nanoseconds (an `i64` reaches ±292 years, plenty for a sandbox).
#[derive(Debug, Default)]
pub(crate) struct Clock {
    offset_nanos: AtomicI64,
}

pub(crate) fn rfc3339(t: OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|_| t.to_string())
}

impl Clock {
    /// A clock that reads `start` now and then runs with the wall clock; the wall clock itself
    /// when `start` is `None`.
    pub(crate) fn starting_at(start: Option<OffsetDateTime>) -> Result<Self, ClockError> {
        let clock = Self::default();
        if let Some(start) = start {
            let offset = i64::try_from((start - OffsetDateTime::now_utc()).whole_nanoseconds())
                .map_err(|_| ClockError::OutOfRange)?;
            clock.offset_nanos.store(offset, Ordering::Relaxed);
        }
        Ok(clock)
    }

    /// A clock `offset_nanos` ahead of the wall clock (as [`Clock::offset_nanos`] read it).
    pub(crate) fn with_offset(offset_nanos: i64) -> Self {
        Self {
            offset_nanos: AtomicI64::new(offset_nanos),
        }
    }

    /// How far the simulated clock is ahead of the wall clock, in nanoseconds.
    pub(crate) fn offset_nanos(&self) -> i64 {
        self.offset_nanos.load(Ordering::Relaxed)
    }

    /// The simulated now.
    pub(crate) fn now(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc()
            + time::Duration::nanoseconds(self.offset_nanos.load(Ordering::Relaxed))
    }

    /// Moves the clock forward by `by` (a negative span is refused).
    pub(crate) fn advance(&self, by: time::Duration) -> Result<OffsetDateTime, ClockError> {
        if by.is_negative() {
            let now = self.now();
            return Err(ClockError::Backwards {
                now: rfc3339(now),
                asked: rfc3339(now + by),
            });
        }
        let nanos = i64::try_from(by.whole_nanoseconds()).map_err(|_| ClockError::OutOfRange)?;
        self.offset_nanos
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |o| {
                o.checked_add(nanos)
            })
            .map_err(|_| ClockError::OutOfRange)?;
        Ok(self.now())
    }

    /// Sets the clock to `to`, which must not lie before the current simulated time.
    pub(crate) fn set(&self, to: OffsetDateTime) -> Result<OffsetDateTime, ClockError> {
        let now = self.now();
        if to < now {
            return Err(ClockError::Backwards {
                now: rfc3339(now),
                asked: rfc3339(to),
            });
        }
        self.advance(to - now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn starts_where_told_and_runs_forward_only() {
        let start = time::macros::datetime!(2025-01-01 12:00 UTC);
        let clock = Clock::starting_at(Some(start)).unwrap();
        let now = clock.now();
        assert!(
            now >= start && now - start < time::Duration::seconds(5),
            "{now}"
        );
        let later = clock.advance(time::Duration::days(3)).unwrap();
        assert!(later - start >= time::Duration::days(3));
        assert!(matches!(
            clock.set(start),
            Err(ClockError::Backwards { .. })
        ));
        assert!(clock.advance(time::Duration::seconds(-1)).is_err());
        let target = time::macros::datetime!(2025-06-01 00:00 UTC);
        let set = clock.set(target).unwrap();
        assert!(set >= target && set - target < time::Duration::seconds(5));
        assert_eq!(clock.now().date(), target.date());
    }

    #[test]
    fn without_a_start_it_is_the_wall_clock() {
        let clock = Clock::starting_at(None).unwrap();
        let diff = clock.now() - OffsetDateTime::now_utc();
        assert!(diff.abs() < time::Duration::seconds(1));
    }
}
