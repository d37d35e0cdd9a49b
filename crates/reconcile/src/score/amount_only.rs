//! Candidates found by the amount alone, for a payment nothing else identifies: a common
//! amount (a price-list 49.00) has thousands of open items, and only those due near the
//! payment are plausible.

use crate::index::AmountItem;
use crate::model::InvoiceKind;

use super::transaction_scoring::TransactionScoring;

/// More amount-only candidates than this are cut to the ones nearest in date.
const MAX_AMOUNT_ONLY: usize = 10;

impl TransactionScoring<'_, '_> {
    /// The open items of `list` (sorted by due date, then id) whose due date is nearest the
    /// payment, at most [`MAX_AMOUNT_ONLY`], walking outwards from the payment's date.
    pub(super) fn nearest_by_due_date(&self, list: &[AmountItem], out: &mut Vec<u32>) {
        let want = if self.incoming {
            InvoiceKind::Invoice
        } else {
            InvoiceKind::CreditNote
        };
        let mid = list.partition_point(|x| x.due < self.date);
        let (mut lo, mut hi) = (mid, mid);
        let mut taken = 0;
        while taken < MAX_AMOUNT_ONLY && (lo > 0 || hi < list.len()) {
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
            if x.kind == want && self.is_open(x.inv) {
                out.push(x.inv);
                taken += 1;
            }
        }
    }
}
