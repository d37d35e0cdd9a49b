//! Candidates found by the amount alone, for a payment nothing else identifies: a common
//! amount (a price-list 49.00) has thousands of open items, and only those due near the
//! payment are plausible.

use crate::index::AmountItem;
use crate::model::InvoiceKind;
use crate::name::{NormName, similarity};

use super::transaction_scoring::TransactionScoring;

/// More amount-only candidates than this are cut to the ones nearest in date.
const MAX_AMOUNT_ONLY: usize = 10;

/// How many items of the amount, nearest the payment's date, are looked at for a customer
/// whose name resembles the payer's. Bounded so that a price-list amount with thousands of
/// open items costs a few hundred name comparisons at most.
const MAX_AMOUNT_NAME_SCAN: usize = 256;

/// From this similarity an item of the amount whose customer resembles the payer is a
/// candidate of its own, before the nearest in date: "M. Ziegler" for "Maria Ziegler", or one
/// of many customers called "Bäckerei Beck GmbH" that the name index did not rank first.
const AMOUNT_NAME_SIMILAR: f64 = 0.75;

impl TransactionScoring<'_, '_> {
    /// The open items of `list` (sorted by due date, then id) whose due date is nearest the
    /// payment, at most [`MAX_AMOUNT_ONLY`], walking outwards from the payment's date.
    pub(super) fn nearest_by_due_date(&self, list: &[AmountItem], out: &mut Vec<u32>) {
        let mut taken = 0;
        self.walk_by_due_date(list, |_, inv| {
            out.push(inv);
            taken += 1;
            taken < MAX_AMOUNT_ONLY
        });
    }

    /// Of the [`MAX_AMOUNT_NAME_SCAN`] open items of `list` nearest the payment's date, those
    /// whose customer's name resembles the payer's: the name index finds customers by rare
    /// words or pairs of common ones, and a payer written with an initial and a common surname,
    /// or one of several customers of the same name, is found this way instead.
    pub(super) fn similar_by_amount(&self, list: &[AmountItem], out: &mut Vec<u32>) {
        if self.payer.is_none() {
            return;
        }
        let mut seen = Vec::new();
        self.walk_by_due_date(list, |_, inv| {
            seen.push(inv);
            seen.len() < MAX_AMOUNT_NAME_SCAN
        });
        // Compared directly, not through the per-transaction cache: that is a short list
        // searched linearly, and hundreds of customers in it made every later lookup slow.
        let index = self.scorer.index;
        let Some(payer) = self.payer.as_ref() else {
            return;
        };
        for inv in seen {
            let c = index.items[inv as usize].customer;
            if index.customers.get(c as usize).is_some_and(|cd| {
                // A shared word first (a few string comparisons): Jaro-Winkler on every
                // customer of a common amount cost a quarter of the matcher's time at
                // 100,000 payments.
                shares_word(payer, &cd.name) && similarity(payer, &cd.name) >= AMOUNT_NAME_SIMILAR
            }) {
                out.push(inv);
            }
        }
    }

    /// Walks the open items of `list` that this payment's direction settles, nearest due date
    /// first, until `take` says stop.
    fn walk_by_due_date(&self, list: &[AmountItem], mut take: impl FnMut(usize, u32) -> bool) {
        let want = if self.incoming {
            InvoiceKind::Invoice
        } else {
            InvoiceKind::CreditNote
        };
        let mid = list.partition_point(|x| x.due < self.date);
        let (mut lo, mut hi) = (mid, mid);
        while lo > 0 || hi < list.len() {
            let left = lo
                .checked_sub(1)
                .map(|k| (k, (self.date - list[k].due).whole_days()));
            let right = list.get(hi).map(|x| (hi, (x.due - self.date).whole_days()));
            let k = match (left, right) {
                (Some((l, dl)), Some((_, dr))) if dl <= dr => {
                    lo = l;
                    l
                }
                (_, Some((r, _))) => {
                    hi = r + 1;
                    r
                }
                (Some((l, _)), None) => {
                    lo = l;
                    l
                }
                (None, None) => break,
            };
            let x = list[k];
            if x.kind == want && self.is_open(x.inv) && !take(k, x.inv) {
                break;
            }
        }
    }
}

/// Whether two names share a word of three letters or more.
fn shares_word(a: &NormName, b: &NormName) -> bool {
    a.words
        .iter()
        .filter(|w| w.len() >= 3)
        .any(|w| b.words.iter().any(|v| v == w))
}
