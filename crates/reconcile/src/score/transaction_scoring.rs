//! The state of scoring one transaction, and the questions every step asks of an item: is it
//! still open, may money in this direction settle it, how does the amount fit.
//!
//! The steps (references, parties, settlements, combinations, gates) are methods of
//! [`TransactionScoring`] in files of their own.

use rust_decimal::Decimal;
use time::Date;

use crate::amount::{Fit, fit_with};
use crate::model::{InvoiceKind, Transaction};
use crate::name::NormName;

use super::reference::ReferenceHit;
use super::scorer::Scorer;

/// Per-transaction working state.
pub(super) struct TransactionScoring<'s, 'a> {
    pub(super) scorer: &'s Scorer<'a>,
    pub(super) tx: &'s Transaction,
    /// What is still open of each item (by invoice index).
    pub(super) remaining: &'s [Decimal],
    pub(super) incoming: bool,
    /// The amount paid, positive whatever the direction.
    pub(super) paid: Decimal,
    pub(super) date: Date,
    pub(super) currency: u64,
    /// Customers the payer's IBAN is known for.
    pub(super) iban_customers: &'s [u32],
    pub(super) payer: Option<NormName>,
    /// Name similarities computed so far, by customer: a customer is compared once.
    pub(super) name_similarities: Vec<(u32, f64)>,
    pub(super) references: Vec<ReferenceHit>,
    pub(super) unknown_references: Vec<String>,
    pub(super) partial_announced: bool,
    /// The one customer the payer's name identifies, if exactly one resembles it.
    pub(super) unique_name_customer: Option<u32>,
    /// How many customers the payer's name resembles, when all of them were searched (at most
    /// three, none with too many items to list): what [`Self::only_fitting_among_namesakes`]
    /// needs to know that no namesake's item was left out.
    pub(super) namesakes: Option<u16>,
}

impl TransactionScoring<'_, '_> {
    pub(super) fn is_open(&self, i: u32) -> bool {
        self.remaining
            .get(i as usize)
            .is_some_and(|r| *r > Decimal::ZERO)
    }

    /// Items money in this direction settles on its own.
    pub(super) fn single_ok(&self, i: u32) -> bool {
        let want = if self.incoming {
            InvoiceKind::Invoice
        } else {
            InvoiceKind::CreditNote
        };
        self.scorer.index.items[i as usize].kind == want
    }

    /// Items that may be part of a combination: incoming money nets credit notes against
    /// invoices; outgoing money only refunds credit notes.
    pub(super) fn multi_ok(&self, i: u32) -> bool {
        self.incoming || self.scorer.index.items[i as usize].kind == InvoiceKind::CreditNote
    }

    /// Whether the payment settles item `i` alone (exact, discount or tolerance).
    pub(super) fn settles(&self, i: u32) -> bool {
        self.fit_item(i).settles()
    }

    /// How the payment relates to what is still open of item `i`.
    pub(super) fn fit_item(&self, i: u32) -> Fit {
        let item = &self.scorer.index.items[i as usize];
        let open = self.open(i);
        // The index's precomputed amounts hold while nothing was taken from the item.
        let cached = (open == item.open).then_some(item.amounts);
        fit_with(
            self.paid,
            open,
            cached,
            (item.kind == InvoiceKind::Invoice).then_some(item.issue),
            self.date,
            self.scorer.cfg,
        )
    }

    pub(super) fn open(&self, i: u32) -> Decimal {
        self.remaining
            .get(i as usize)
            .copied()
            .unwrap_or(Decimal::ZERO)
    }

    /// What is open of item `i`, signed for this payment's direction: incoming money nets
    /// credit notes against invoices.
    pub(super) fn signed(&self, i: u32) -> Decimal {
        let open = self.open(i);
        if self.incoming && self.scorer.index.items[i as usize].kind == InvoiceKind::CreditNote {
            -open
        } else {
            open
        }
    }

    /// The customer's place in the order of customer ids: the stable key for ties between
    /// customers.
    pub(super) fn customer_key(&self, c: u32) -> Option<u32> {
        self.scorer.index.customer_rank.get(c as usize).copied()
    }
}
