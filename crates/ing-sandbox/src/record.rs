//! One account's entries over their lives: what the living ledger keeps and shows, and what each
//! simulated day's events add to. Both use this module; it uses neither.

use std::collections::HashSet;

use time::Date;

use crate::data::{Invoice, Transaction};

/// One entry over its life.
#[derive(Debug, Clone)]
pub(crate) struct Record {
    /// First day the entry is visible.
    pub(crate) from: Date,
    /// First day it is no longer visible (a pending entry that booked or vanished).
    pub(crate) until: Option<Date>,
    /// The entry as it first appeared, then its revisions, each with the day it becomes visible.
    pub(crate) versions: Vec<(Date, Transaction)>,
    /// The invoice an evolved incoming payment settles.
    pub(crate) invoice: Option<Invoice>,
}

impl Record {
    pub(crate) fn new(from: Date, tx: Transaction) -> Self {
        Self {
            from,
            until: None,
            versions: vec![(from, tx)],
            invoice: None,
        }
    }

    fn visible(&self, day: Date) -> bool {
        self.from <= day && self.until.is_none_or(|u| day < u)
    }

    /// The entry as shown on `day`, if visible then.
    pub(crate) fn as_of(&self, day: Date) -> Option<&Transaction> {
        if !self.visible(day) {
            return None;
        }
        self.versions
            .iter()
            .rev()
            .find(|(from, _)| *from <= day)
            .map(|(_, t)| t)
    }

    /// The latest version (what enrichment changes).
    pub(crate) fn latest(&self) -> Option<&Transaction> {
        self.versions.last().map(|(_, t)| t)
    }
}

/// One account's records, with what new entries need: the account's place in the generated data
/// (part of every day's seed), its country, the ids handed out and the invoice numbers used.
#[derive(Debug)]
pub(crate) struct AccountHistory {
    /// Position of the account in the generated data; part of every day's seed.
    pub(crate) no: u64,
    pub(crate) resource_id: String,
    /// Whether the account's counterparties are Dutch (texts and IBANs).
    pub(crate) dutch: bool,
    pub(crate) records: Vec<Record>,
    /// Every `transactionId` handed out, so new ones are unique.
    pub(crate) ids: HashSet<String>,
    /// Invoice numbers of evolved payments count up from here.
    pub(crate) invoice_seq: u32,
}
