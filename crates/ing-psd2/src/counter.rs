//! Counting the requests a caller's calls put on the wire, retries included, and capping them.
//!
//! PSD2 allows four unattended AIS requests per account a day, and the bank counts every request
//! it receives — a retry after a 503 or a truncated answer as much as the first attempt, a 400 as
//! much as a 200. The caller hands a counter in [`crate::RequestOptions`]; the client counts each
//! attempt before sending it and sends nothing more once the counter's limit is reached.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// Requests sent on a caller's behalf since the last [`RequestCounter::take`], with an optional
/// cap. Clones share the count.
#[derive(Debug, Clone, Default)]
pub struct RequestCounter {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    sent: AtomicU64,
    /// `u64::MAX` = no cap.
    limit: AtomicU64,
}

impl Default for Inner {
    fn default() -> Self {
        Self {
            sent: AtomicU64::new(0),
            limit: AtomicU64::new(u64::MAX),
        }
    }
}

impl RequestCounter {
    /// A counter without a cap.
    pub fn new() -> Self {
        Self::default()
    }

    /// Caps the requests sent until the next [`take`](Self::take) at `limit` (`None`: no cap).
    /// A call that would exceed it is not sent; the caller gets the last error instead, or
    /// [`crate::Error::RequestLimit`] when nothing was sent yet.
    pub fn set_limit(&self, limit: Option<u64>) {
        self.inner
            .limit
            .store(limit.unwrap_or(u64::MAX), Ordering::SeqCst);
    }

    /// Requests sent since the last `take`.
    pub fn sent(&self) -> u64 {
        self.inner.sent.load(Ordering::SeqCst)
    }

    /// Requests sent since the last `take`, and starts counting again from zero.
    pub fn take(&self) -> u64 {
        self.inner.sent.swap(0, Ordering::SeqCst)
    }

    /// Counts one request about to be sent, unless the cap is reached.
    pub(crate) fn try_spend(&self) -> bool {
        let limit = self.inner.limit.load(Ordering::SeqCst);
        self.inner
            .sent
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| {
                (n < limit).then_some(n + 1)
            })
            .is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_until_the_cap_and_starts_again_after_take() {
        let c = RequestCounter::new();
        c.set_limit(Some(2));
        assert!(c.try_spend());
        assert!(c.clone().try_spend(), "clones share the count");
        assert!(!c.try_spend(), "the cap holds");
        assert_eq!(c.sent(), 2);
        assert_eq!(c.take(), 2);
        assert_eq!(c.sent(), 0);
        assert!(c.try_spend());
        c.set_limit(None);
        for _ in 0..10 {
            assert!(c.try_spend());
        }
        assert_eq!(c.take(), 11);
    }
}
