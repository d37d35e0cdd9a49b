//! `sync_runs.outcome`: how a sync run ended, or that it has not.

use super::stored_enum::stored_enum;

stored_enum! {
    /// How a run ended; [`SyncOutcome::Running`] while it has not.
    pub enum SyncOutcome as "sync outcome" {
        /// Not ended yet: what a run is stored with when it starts. Never an end.
        Running = "running",
        /// Everything fetched and committed.
        Succeeded = "succeeded",
        /// An error; what was committed stays, the watermark does not move.
        Failed = "failed",
        /// The bank said 429 / access exceeded.
        RateLimited = "rate_limited",
        /// The consent is no longer valid.
        ConsentExpired = "consent_expired",
        /// The process running it died (its lease lapsed); marked when the account is next taken.
        Aborted = "aborted",
    }
}
