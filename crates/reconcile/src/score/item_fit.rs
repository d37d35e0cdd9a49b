//! The amount and date signals of one item: how the paid amount fits what is open, and when
//! the payment came relative to the item's dates.

use rust_decimal::Decimal;

use crate::amount::Fit;

use super::points;
use super::settlement::Settlement;
use super::signal::{DateSignal, Signal};
use super::transaction_scoring::TransactionScoring;

/// Whether and by whom the item is named, which decides what an amount that does not fit
/// costs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Named {
    /// Not named: just another open item of the customer.
    No,
    /// Named by a reference.
    Yes,
    /// Named strongly, by the payer whose IBAN (or unique name) is this customer's.
    ByKnownPayer,
}

impl TransactionScoring<'_, '_> {
    /// Paid before the issue date (more than three days: bank dates shift), in term, or long
    /// after the due date.
    pub(super) fn date_signal(&self, inv: u32) -> (DateSignal, i32) {
        let item = &self.scorer.index.items[inv as usize];
        let after_issue = (self.date - item.issue).whole_days();
        if after_issue < -3 {
            return (DateSignal::BeforeIssue(-after_issue), points::BEFORE_ISSUE);
        }
        let after_due = (self.date - item.due).whole_days();
        if after_due > self.scorer.cfg.date_window_days {
            (DateSignal::LongAfterDue(after_due), points::LONG_AFTER_DUE)
        } else {
            (DateSignal::InTerm(after_issue.max(0)), points::IN_TERM)
        }
    }

    /// Adds the amount signal for a fit and sets the allocation of a single item. A named item
    /// paid partly or overpaid loses little (the payer said which item), nothing when the
    /// known payer named it (the difference is intended: an instalment, or too much that
    /// stays unallocated); an unnamed one the amount does not fit loses much (it is just
    /// another open item of the customer).
    pub(super) fn amount_signal(&self, o: &mut Settlement, f: Fit, open: Decimal, named: Named) {
        let differs = match named {
            Named::No => points::AMOUNT_UNRELATED,
            Named::Yes => points::NAMED_BUT_AMOUNT_DIFFERS,
            Named::ByKnownPayer => points::NAMED_BY_KNOWN_PAYER_AMOUNT_DIFFERS,
        };
        let paid = self.paid;
        let (pts, alloc, unalloc) = match f {
            Fit::Exact => (points::AMOUNT_EXACT, paid, Decimal::ZERO),
            Fit::CashDiscount { late, .. } => (
                if late {
                    points::CASH_DISCOUNT_LATE
                } else {
                    points::CASH_DISCOUNT
                },
                paid,
                Decimal::ZERO,
            ),
            Fit::Tolerance { difference } => {
                if difference > Decimal::ZERO {
                    (points::TOLERANCE, open, difference)
                } else {
                    (points::TOLERANCE, paid, Decimal::ZERO)
                }
            }
            Fit::Partial { .. } => (differs, paid, Decimal::ZERO),
            Fit::Over { excess } => (differs, open, excess),
        };
        o.add(Signal::Fit { fit: f, paid }, pts);
        o.allocations.push(alloc);
        o.unallocated = unalloc;
        o.exact_fit = matches!(f, Fit::Exact | Fit::CashDiscount { late: false, .. });
        o.same_amount = matches!(f, Fit::Exact | Fit::CashDiscount { .. });
    }
}
