//! `sync_runs.trigger`: who started a sync.

use super::stored_enum::stored_enum;

stored_enum! {
    /// Who started a sync.
    pub enum SyncTrigger as "sync trigger" {
        /// A user, through the API (may send `PSU-IP-Address`; not counted against the budget).
        User = "user",
        /// The worker, unattended (4 calls a day per account).
        Worker = "worker",
    }
}
