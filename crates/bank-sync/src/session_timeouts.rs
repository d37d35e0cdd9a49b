//! How long banking-page sessions last; its own module so the service handle can hold it
//! without depending on the session use cases.

/// How long a session lasts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SessionTimeouts {
    /// Ended after this long without a request.
    pub idle: time::Duration,
    /// Ended this long after signing in, however busy.
    pub absolute: time::Duration,
}

impl Default for SessionTimeouts {
    /// 8 hours idle (a working day), 7 days absolute.
    fn default() -> Self {
        Self {
            idle: time::Duration::hours(8),
            absolute: time::Duration::days(7),
        }
    }
}
