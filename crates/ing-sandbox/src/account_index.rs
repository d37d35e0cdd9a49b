//! Per-account positions of booked and pending entries in the static data, oldest first, built
//! once at start so a page of transactions is a binary search and a slice, not a scan.

use crate::data::{Account, Status};

/// Where an account's booked and pending entries are in `Account::transactions`.
#[derive(Debug, Default)]
pub(crate) struct AccountIndex {
    /// Positions of the booked entries, oldest first.
    pub(crate) booked: Vec<usize>,
    /// Positions of the pending entries.
    pub(crate) pending: Vec<usize>,
}

impl AccountIndex {
    /// The index of `account`.
    pub(crate) fn of(account: &Account) -> Self {
        let mut idx = Self::default();
        for (i, t) in account.transactions.iter().enumerate() {
            match t.status {
                Status::Booked => idx.booked.push(i),
                Status::Pending => idx.pending.push(i),
            }
        }
        idx
    }
}
