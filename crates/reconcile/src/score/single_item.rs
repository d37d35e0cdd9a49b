//! Settling one item: its reference, amount, party and date signals, and the bonus for being
//! the only item of an identified customer that the amount fits.

use crate::amount::Fit;

use super::parties::NAME_IDENTIFIES;
use super::points;
use super::settlement::{Gate, Settlement};
use super::signal::Signal;
use super::transaction_scoring::TransactionScoring;

impl TransactionScoring<'_, '_> {
    pub(super) fn single(&mut self, i: u32) -> Settlement {
        let c = self.scorer.index.items[i as usize].customer;
        let mut o = Settlement::new(c);
        o.items.push(i);
        let named = if let Some((k, pts, strong)) = self.best_reference(i) {
            o.add(Signal::Reference(k), pts);
            o.named_strongly = strong;
            o.named_by_typo = !strong;
            true
        } else {
            false
        };
        let open = self.open(i);
        let f = self.fit_item(i);
        self.amount_signal(&mut o, f, open, named);
        if let Fit::Partial { .. } = f
            && self.partial_announced
            && o.named_strongly
        {
            o.add(Signal::PartialAnnounced, points::PARTIAL_ANNOUNCED);
        }
        let left_out = self.named_left_out(&o.items);
        if left_out > 0 {
            if named {
                o.add(Signal::NamedLeftOut(left_out), points::NAMED_LEFT_OUT);
            } else {
                // The payer named something else: IBAN and amount must not outweigh that
                // (hard case 6 of docs/reconciliation.md).
                o.add(Signal::NamedLeftOut(left_out), points::OTHER_ITEM_NAMED);
                o.close(Gate::NoIdentifier);
            }
        }
        self.party(&mut o, c);
        let (d, pts) = self.date_signal(i);
        o.add(Signal::Date(d), pts);
        // A part paid against a named invoice by its known payer leaves the rest open and
        // books nothing wrong (Odoo 19 settles such parts too); without a known payer only an
        // announced instalment counts.
        let party_known = o.iban_unique || o.name_unique || o.name_similarity >= NAME_IDENTIFIES;
        let amount_ok = f.settles()
            || (matches!(f, Fit::Partial { .. })
                && o.named_strongly
                && (self.partial_announced || party_known));
        self.apply_gates(&mut o, amount_ok);
        o
    }

    /// Gives the bonus to the one item of an identified customer that the amount fits: a
    /// known payer paying the amount of exactly one of its open items means that item (Odoo 19
    /// accepts such a match only when exactly one candidate remains).
    pub(super) fn only_fitting(
        &self,
        settlements: &mut [Settlement],
        party_customers: &[u32],
        name_customers: &[u32],
    ) {
        for &c in party_customers {
            let mut fitting = settlements
                .iter()
                .enumerate()
                .filter(|(_, o)| o.customer == c && o.items.len() == 1 && o.exact_fit);
            let (Some((k, _)), None) = (fitting.next(), fitting.next()) else {
                continue;
            };
            let by_iban = self.iban_customers.len() == 1 && self.iban_customers[0] == c;
            let pts = if by_iban || self.unique_name_customer == Some(c) {
                points::ONLY_FITTING
            } else if name_customers.contains(&c) {
                points::ONLY_FITTING_BY_NAME
            } else {
                continue;
            };
            if let Some(o) = settlements.get_mut(k) {
                o.add(Signal::OnlyFitting, pts);
            }
        }
    }
}
