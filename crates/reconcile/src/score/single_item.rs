//! Settling one item: its reference, amount, party and date signals, and the bonus for being
//! the only item of an identified customer that the amount fits.

use crate::amount::Fit;

use super::item_fit::Named;
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
        // The payer's IBAN is this customer's only, or its name this customer's and no
        // other's (the party signals below say the same).
        let payer_identified = self.iban_customers == [c]
            || (self.unique_name_customer == Some(c) && !self.iban_customers.contains(&c));
        let amount = if o.named_strongly && payer_identified {
            Named::ByKnownPayer
        } else if named {
            Named::Yes
        } else {
            Named::No
        };
        self.amount_signal(&mut o, f, open, amount);
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
        // The same holds for too much paid on a named invoice by the payer whose IBAN (or
        // unique name) is this customer's: the invoice is paid and the excess stays
        // unallocated for a person to refund or keep as credit, as an accountant books it.
        let amount_ok = f.settles()
            || (matches!(f, Fit::Partial { .. })
                && o.named_strongly
                && (self.partial_announced || party_known))
            || (matches!(f, Fit::Over { .. }) && o.named_strongly && payer_identified);
        self.apply_gates(&mut o, amount_ok);
        o
    }

    /// Gives the bonus to the one item of an identified customer that the amount fits: a
    /// known payer paying the amount of exactly one of its open items means that item (Odoo 19
    /// accepts such a match only when exactly one candidate remains). When several of its items
    /// have that very amount, none is named and the texts state no purpose at all, the one the
    /// law settles first gets it instead (§ 366 Abs. 2 BGB, `oldest_first`).
    pub(super) fn only_fitting(
        &self,
        settlements: &mut [Settlement],
        party_customers: &[u32],
        name_customers: &[u32],
    ) {
        let namesake = self.only_fitting_among_namesakes(settlements, name_customers);
        for &c in party_customers {
            // Another item the payment equals less a discount taken late competes as much as
            // one it equals exactly: the payer may have meant either.
            let fits = |o: &Settlement| o.customer == c && o.items.len() == 1 && o.same_amount;
            let mut found = settlements.iter().enumerate().filter(|(_, o)| fits(o));
            // Nearly always none or one: the list of all is built only when there are more.
            let (k, signal) = match (found.next(), found.next()) {
                (None, _) => continue,
                (Some((k, o)), None) if o.exact_fit => (k, Signal::OnlyFitting),
                (Some(_), None) => continue,
                (Some(_), Some(_)) => {
                    let several: Vec<usize> = settlements
                        .iter()
                        .enumerate()
                        .filter(|(_, o)| fits(o))
                        .map(|(k, _)| k)
                        .collect();
                    match self.oldest_of_equal(settlements, &several) {
                        Some(k) => (
                            k,
                            Signal::OldestOfEqual(several.len().min(u16::MAX as usize) as u16),
                        ),
                        None => continue,
                    }
                }
            };
            let by_iban = self.iban_customers.len() == 1 && self.iban_customers[0] == c;
            let pts = if by_iban || self.unique_name_customer == Some(c) {
                points::ONLY_FITTING
            } else if name_customers.contains(&c) {
                points::ONLY_FITTING_BY_NAME
            } else {
                continue;
            };
            if namesake == Some(k) {
                continue;
            }
            if let Some(o) = settlements.get_mut(k) {
                o.add(signal, pts);
            }
        }
        if let (Some(k), Some(n)) = (namesake, self.namesakes)
            && let Some(o) = settlements.get_mut(k)
        {
            o.add(
                Signal::OnlyFittingAmongNamesakes(n),
                points::ONLY_FITTING_AMONG_NAMESAKES,
            );
            // Name and amount identify the item together: the identity gate opens.
            if o.gate == Some(Gate::NoIdentifier) {
                o.gate = None;
            }
        }
    }

    /// Of the settlements at `fitting` (single items of one customer the amount fits), the one
    /// § 366 Abs. 2 BGB settles: only when the payer stated no purpose, no item is named, and
    /// all have the same open amount.
    fn oldest_of_equal(&self, settlements: &[Settlement], fitting: &[usize]) -> Option<usize> {
        if self.purpose_stated() {
            return None;
        }
        let items: Vec<u32> = fitting
            .iter()
            .filter_map(|&k| settlements.get(k).and_then(|o| o.items.first().copied()))
            .collect();
        let first = *items.first()?;
        if items.iter().any(|&i| self.open(i) != self.open(first)) {
            return None;
        }
        let oldest = self.settled_first(&items)?;
        let at = items.iter().position(|&i| i == oldest)?;
        fitting.get(at).copied()
    }
}
