//! `connections.status`: where a bank connection (one consent) stands.

use super::stored_enum::stored_enum;

stored_enum! {
    /// Where a connection stands.
    pub enum ConnectionStatus as "connection status" {
        /// Syncing.
        Active = "active",
        /// Within 14 days of the consent's end: the user should reconnect.
        Expiring = "expiring",
        /// The consent ended or the bank refused it; no calls are made.
        Expired = "expired",
        /// The user or the bank revoked it.
        Revoked = "revoked",
        /// Something is wrong that a person must look at.
        Error = "error",
        /// A newer consent covers its accounts: they were re-attached to that connection with
        /// their history, so this one has nothing left to sync. Not a problem for the user to fix,
        /// so it is never reported as expiring or expired.
        Replaced = "replaced",
    }
}

impl ConnectionStatus {
    /// Whether the worker may call the bank for it.
    pub fn may_sync(self) -> bool {
        matches!(self, Self::Active | Self::Expiring)
    }
}
