//! The gates every settlement passes before it may be automatic: the same currency, no
//! reference to something that is not open, an identified payer or item, and an amount that
//! settles. Points alone never book a payment.

use super::parties::NAME_IDENTIFIES;
use super::points;
use super::settlement::{Gate, Settlement};
use super::signal::Signal;
use super::transaction_scoring::TransactionScoring;

impl TransactionScoring<'_, '_> {
    /// Currency, unknown references and the identity and amount gates.
    pub(super) fn apply_gates(&mut self, o: &mut Settlement, amount_ok: bool) {
        let index = self.scorer.index;
        if let Some(&bad) = o
            .items
            .iter()
            .find(|&&i| index.items[i as usize].currency != self.currency)
        {
            o.add(
                Signal::CurrencyDiffers { inv: bad },
                points::CURRENCY_DIFFERS,
            );
            o.close(Gate::CurrencyDiffers);
        }
        if !o.named_strongly && !self.unknown_references.is_empty() {
            let unexplained = self.unknown_references.iter().position(|u| {
                !self
                    .references
                    .iter()
                    .any(|r| o.items.contains(&r.inv) && &r.found == u)
            });
            if let Some(k) = unexplained {
                let k = k.min(u16::MAX as usize) as u16;
                o.add(Signal::UnknownReference(k), points::UNKNOWN_REFERENCE);
                o.close(Gate::UnknownReference(k));
            }
        }
        let identified = o.named_strongly
            || o.iban_unique
            || o.name_unique
            || ((o.named_by_typo || o.partly_named)
                && (o.iban_any || o.name_similarity >= NAME_IDENTIFIES));
        if !identified {
            o.close(Gate::NoIdentifier);
        }
        if !amount_ok {
            o.close(Gate::AmountDoesNotSettle);
        }
    }
}
