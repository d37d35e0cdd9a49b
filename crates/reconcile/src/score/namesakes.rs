//! Customers who share a name: the payer's name then identifies none of them, but when all
//! their open items together hold exactly one that the amount fits, name and amount identify
//! that item as surely as a unique name and the only fitting item do. A business with
//! thousands of customers has several "Lotte Jacobs" and "Bauer Gartenbau OHG"; a payment of
//! exactly one of their open amounts from a new IBAN is the item a person would book
//! (Odoo 19 accepts a partner's only remaining candidate; here the candidates span every
//! namesake). Only when every namesake was searched, the payer's IBAN is known for nobody, the
//! name is the same (not merely similar) and nothing else the payer wrote names another item.

use super::parties::NAME_UNIQUE;
use super::settlement::{Gate, Settlement};
use super::signal::Signal;
use super::transaction_scoring::TransactionScoring;

impl TransactionScoring<'_, '_> {
    /// The settlement, of `settlements`, that is the only single item the amount settles among
    /// the customers `name_customers` (the payer's namesakes), when that identifies it.
    pub(super) fn only_fitting_among_namesakes(
        &self,
        settlements: &[Settlement],
        name_customers: &[u32],
    ) -> Option<usize> {
        let namesakes = self.namesakes?;
        if namesakes < 2 || !self.iban_customers.is_empty() {
            return None;
        }
        let mut fitting = settlements.iter().enumerate().filter(|(_, o)| {
            o.items.len() == 1
                && name_customers.contains(&o.customer)
                && o.items.first().is_some_and(|&i| self.settles(i))
        });
        let (k, o) = fitting.next()?;
        if fitting.next().is_some() {
            return None;
        }
        // Closed only for want of an identifier (not for a currency, an unknown reference or
        // another item the payer named).
        let only_unidentified = matches!(o.gate, None | Some(Gate::NoIdentifier))
            && !o
                .signals
                .iter()
                .any(|(s, _)| matches!(s, Signal::NamedLeftOut(_)));
        (o.exact_fit && o.name_similarity >= NAME_UNIQUE && only_unidentified).then_some(k)
    }
}
