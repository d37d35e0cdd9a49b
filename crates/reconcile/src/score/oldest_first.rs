//! Which of several equal open items a payment without a stated purpose settles: the one due
//! first, then the oldest (§ 366 Abs. 2 BGB).
//!
//! A known payer pays an amount that two or more of its open items have, and writes nothing
//! that says which (January's and February's rent). Before, such a payment was always left to
//! a person; but the person does not guess either. German law answers it: when the debtor makes
//! no determination, the payment settles first the debt that is due, among several due debts
//! the one least secured, then the one more burdensome to the debtor, then the older one, and
//! debts of equal age proportionally (§ 366 Abs. 2 BGB). Open invoices of one customer are
//! equally secured and equally burdensome, so what decides is: due at the payment date before
//! not yet due, then the earlier issue date. Two items issued the same day are of equal age:
//! the law splits the payment between them, which is not a booking we make automatically, so
//! they stay suggestions. An item issued after the payment (beyond the bank's few days of date
//! shift) is no debt the payment could have settled. Accountants call the same rule
//! "Ausgleich der ältesten offenen Posten" (FIFO); docs/reconcile.md has the sources.

use std::cmp::Ordering;

use time::Date;

use super::signal::DateSignal;
use super::transaction_scoring::TransactionScoring;

/// The order of § 366 Abs. 2 BGB between two open items of one customer at the payment date:
/// due before not yet due, then the older (earlier issue date). `Equal` means of equal rank by
/// law (the payment would be split between them).
pub(super) fn legal_order(paid_on: Date, a: (Date, Date), b: (Date, Date)) -> Ordering {
    let (a_issue, a_due) = a;
    let (b_issue, b_due) = b;
    let a_due_now = a_due <= paid_on;
    let b_due_now = b_due <= paid_on;
    b_due_now.cmp(&a_due_now).then(a_issue.cmp(&b_issue))
}

impl TransactionScoring<'_, '_> {
    /// Whether the payer stated a purpose: any reference in the texts, known or unknown. Only
    /// without one does § 366 Abs. 2 BGB decide between equal items.
    pub(super) fn purpose_stated(&self) -> bool {
        !self.references.is_empty() || !self.unknown_references.is_empty()
    }

    /// Among `items` (open items of one customer that the payment fits equally, none named),
    /// the one the payment settles by law, if one stands first: items issued after the payment
    /// are left out, and two items of equal rank (issued the same day, both due or both not)
    /// decide nothing.
    pub(super) fn settled_first(&self, items: &[u32]) -> Option<u32> {
        let index = self.scorer.index;
        let mut debts: Vec<(u32, (Date, Date))> = items
            .iter()
            .filter(|&&i| !matches!(self.date_signal(i).0, DateSignal::BeforeIssue(_)))
            .map(|&i| {
                let d = &index.items[i as usize];
                (i, (d.issue, d.due))
            })
            .collect();
        debts.sort_by(|a, b| legal_order(self.date, a.1, b.1));
        match debts.as_slice() {
            [(first, _)] => Some(*first),
            [(first, a), (_, b), ..] if legal_order(self.date, *a, *b) == Ordering::Less => {
                Some(*first)
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;

    #[test]
    fn due_debts_come_first_then_the_older_and_equal_age_is_a_tie() {
        let paid = date!(2024 - 02 - 05);
        let jan = (date!(2024 - 01 - 01), date!(2024 - 01 - 15));
        let feb = (date!(2024 - 02 - 01), date!(2024 - 02 - 15));
        assert_eq!(legal_order(paid, jan, feb), Ordering::Less);
        assert_eq!(legal_order(paid, feb, jan), Ordering::Greater);
        // Issued later but due already (a shorter term) comes before the older one not due.
        let older_not_due = (date!(2024 - 01 - 20), date!(2024 - 02 - 19));
        let newer_due = (date!(2024 - 01 - 21), date!(2024 - 02 - 04));
        assert_eq!(legal_order(paid, newer_due, older_not_due), Ordering::Less);
        // Both due: the older one, whatever the due dates.
        let later = date!(2024 - 03 - 01);
        assert_eq!(legal_order(later, older_not_due, newer_due), Ordering::Less);
        // The same issue day and both due: equal by law.
        let twin = (date!(2024 - 01 - 01), date!(2024 - 01 - 31));
        assert_eq!(legal_order(paid, jan, twin), Ordering::Equal);
    }
}
