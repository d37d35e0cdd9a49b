//! Which settlements a transaction is scored on, and their order.
//!
//! Candidates come from what identifies something, strongest first: the items the texts name;
//! the open items of the customers the IBAN (or, without a unique IBAN and a strong reference,
//! the name) points at; and only when neither offers anything, the items of the same amount
//! nearest in time (Odoo's fallback, never automatic since nothing identifies the payer).
//! Combinations are searched only when no single item settles automatically.

use crate::amount::cents;

use super::points::UNRELATED_ITEM_BOUND;
use super::settlement::Settlement;
use super::transaction_scoring::TransactionScoring;

/// A customer with more open items than this is not searched by IBAN or name item by item.
pub(super) const MAX_ITEMS_PER_CUSTOMER: usize = 300;

impl TransactionScoring<'_, '_> {
    /// The settlements, best first (ties by invoice id), each set of items once; and an item
    /// the texts name that the payment's direction cannot settle, when nothing else was found.
    pub(super) fn settlements(&mut self) -> (Vec<Settlement>, Option<u32>) {
        let index = self.scorer.index;
        let cfg = self.scorer.cfg;
        let mut cands: Vec<u32> = Vec::new();
        let mut wrong_direction: Option<u32> = None;
        let mut strong_any = false;
        for r in &self.references {
            if !self.is_open(r.inv) {
                continue;
            }
            if self.single_ok(r.inv) {
                cands.push(r.inv);
                strong_any |= r.kind.strong();
            } else if wrong_direction.is_none() {
                wrong_direction = Some(r.inv);
            }
        }
        // Customers identified by IBAN (a shared IBAN names at most a few).
        let mut party_customers: Vec<u32> = Vec::new();
        if !self.iban_customers.is_empty() && self.iban_customers.len() <= 3 {
            party_customers.extend_from_slice(self.iban_customers);
        }
        let unique_iban = self.iban_customers.len() == 1;
        let mut name_customers = Vec::new();
        if !unique_iban && !strong_any {
            name_customers = self.name_customers();
            party_customers.extend_from_slice(&name_customers);
        }
        party_customers.sort_unstable();
        party_customers.dedup();
        for &c in &party_customers {
            let items = index.customer_items(c);
            if items.len() > MAX_ITEMS_PER_CUSTOMER {
                continue;
            }
            for &i in items {
                if self.is_open(i) && self.single_ok(i) {
                    cands.push(i);
                }
            }
        }
        // Amount alone, only when nothing else offers a candidate (Odoo's fallback; never
        // automatic since nothing identifies the payer). A payer known by name only whose
        // name-alikes offer nothing the amount fits counts as nothing: with many customers of
        // one name, the three most similar need not be the payer.
        let nothing_fits = || {
            self.iban_customers.is_empty()
                && cands
                    .iter()
                    .all(|&i| self.best_reference(i).is_none() && !self.settles(i))
        };
        if (cands.is_empty() || nothing_fits())
            && let Some(c) = cents(self.paid)
        {
            let list = self.scorer.amounts.hits(c);
            self.similar_by_amount(list, &mut cands);
            self.nearest_by_due_date(list, &mut cands);
        }
        cands.sort_unstable();
        cands.dedup();
        let mut settlements: Vec<Settlement> = Vec::with_capacity(cands.len() + 2);
        for &i in &cands {
            // An item neither named nor fitting the amount can score no more than 25 (IBAN,
            // name, date, less 20 for the amount): below any sensible suggest threshold, and
            // most of a known customer's open items are such. Not built at all.
            if cfg.suggest_threshold > UNRELATED_ITEM_BOUND
                && self.best_reference(i).is_none()
                && !self.settles(i)
            {
                continue;
            }
            let o = self.single(i);
            settlements.push(o);
        }
        self.only_fitting(&mut settlements, &party_customers, &name_customers);
        if let Some(o) = self.named_combination() {
            settlements.push(o);
        }
        let settled = settlements
            .iter()
            .any(|o| o.gate.is_none() && o.score >= cfg.auto_threshold && o.items.len() == 1);
        if !settled && cfg.subset_max_size >= 2 {
            let mut subset_customers = party_customers.clone();
            for r in &self.references {
                if r.kind.strong() && self.is_open(r.inv) {
                    subset_customers.push(index.items[r.inv as usize].customer);
                }
            }
            subset_customers.sort_unstable();
            subset_customers.dedup();
            subset_customers.sort_by_key(|&c| self.customer_key(c));
            subset_customers.truncate(4);
            for c in subset_customers {
                let found = self.combinations(c, &settlements, &name_customers);
                settlements.extend(found);
            }
        }
        let id = |i: &u32| index.items[*i as usize].rank;
        settlements.sort_by(|a, b| {
            b.score
                .cmp(&a.score)
                .then_with(|| a.items.iter().map(id).cmp(b.items.iter().map(id)))
        });
        // The same items twice (a combination also found as named): keep the better one.
        // `items` is ordered by invoice id everywhere, so equal sets are equal lists.
        let mut kept: Vec<Settlement> = Vec::with_capacity(settlements.len());
        for o in settlements {
            if !kept.iter().any(|k| k.items == o.items) {
                kept.push(o);
            }
        }
        if !cands.is_empty() {
            wrong_direction = None;
        }
        (kept, wrong_direction)
    }
}
