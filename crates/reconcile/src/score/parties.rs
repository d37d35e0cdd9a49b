//! Who paid: the customers the payer's IBAN and name point at, and the party signals of a
//! settlement.
//!
//! An IBAN or a name counts as identifying only when it points at exactly one customer, and
//! an IBAN known for one customer speaks against all others; an IBAN shared by several (a
//! payment service paying for many shops) speaks for nobody.

use crate::index::RARE_NAME_WORD;
use crate::name::similarity;

use super::points;
use super::settlement::Settlement;
use super::settlements::MAX_ITEMS_PER_CUSTOMER;
use super::signal::Signal;
use super::transaction_scoring::TransactionScoring;

/// Similarity from which a name identifies a customer well enough to search its items.
pub(super) const NAME_IDENTIFIES: f64 = 0.85;
/// At most this many customers are compared by name for one payment.
const MAX_NAME_CANDIDATES: usize = 128;
/// Similarity from which a name that resembles one customer only identifies the payer.
pub(super) const NAME_UNIQUE: f64 = 0.95;
/// How far the identified customer's name must lead the next most similar one: names that
/// share a first word ("Bauer Haustechnik", "Bauer Bau") look alike to Jaro-Winkler.
const NAME_UNIQUE_LEAD: f64 = 0.08;

impl TransactionScoring<'_, '_> {
    fn name_similarity(&mut self, c: u32) -> f64 {
        if let Some(&(_, s)) = self.name_similarities.iter().find(|(k, _)| *k == c) {
            return s;
        }
        let s = match (&self.payer, self.scorer.index.customers.get(c as usize)) {
            (Some(p), Some(cd)) => similarity(p, &cd.name),
            _ => 0.0,
        };
        self.name_similarities.push((c, s));
        s
    }

    /// Customers whose name the payer's resembles, best first, at most three.
    pub(super) fn name_customers(&mut self) -> Vec<u32> {
        let Some(payer) = self.payer.as_ref() else {
            return Vec::new();
        };
        // A rare word names few customers: take them all. Common words ("Müller", "Bau")
        // name hundreds: take only customers that two of the payer's words name together.
        let index = self.scorer.index;
        let mut found: Vec<u32> = Vec::new();
        let mut common: Vec<&str> = Vec::new();
        for w in &payer.words {
            if w.len() < 3 {
                continue;
            }
            if let Some(list) = index.name_word_customers(w) {
                if list.len() <= RARE_NAME_WORD {
                    found.extend_from_slice(list);
                } else {
                    common.push(w);
                }
            }
        }

        // Customers named by two of the common words: looked up by pair, not by intersecting
        // the words' long lists. A word the payer wrote twice pairs with itself.
        let mut key = Vec::new();
        for (k, a) in common.iter().enumerate() {
            for b in &common[k + 1..] {
                if a == b {
                    found.extend_from_slice(index.name_word_customers(a).unwrap_or(&[]));
                } else {
                    found.extend_from_slice(index.name_pair_customers(a, b, &mut key));
                }
            }
        }
        found.sort_unstable();
        let mut complete = true;
        if found.len() > MAX_NAME_CANDIDATES {
            complete = false;
            // Too many: keep the customers most of the payer's words (and pairs of them) name,
            // so that "Van der" naming hundreds cannot crowd out the one "Schilders Van der
            // Wal" that every word names; ties in the order of the customer key.
            let mut named: Vec<(u32, u32)> = Vec::with_capacity(found.len());
            for c in found.drain(..) {
                match named.last_mut() {
                    Some((last, times)) if *last == c => *times += 1,
                    _ => named.push((c, 1)),
                }
            }
            named.sort_by_key(|&(c, times)| (std::cmp::Reverse(times), self.customer_key(c)));
            named.truncate(MAX_NAME_CANDIDATES);
            found = named.into_iter().map(|(c, _)| c).collect();
        } else {
            found.dedup();
        }
        let mut scored: Vec<(u32, f64)> = Vec::new();
        for c in found {
            let s = self.name_similarity(c);
            if s >= NAME_IDENTIFIES {
                scored.push((c, s));
            }
        }
        let key = |c: u32| {
            index
                .customer_items(c)
                .first()
                .map(|&i| index.items[i as usize].rank)
        };
        scored.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| key(a.0).cmp(&key(b.0))));
        // One customer, and only one, whose name the payer's matches: the name identifies the
        // payer (Odoo's partner retrieval accepts a name only when it is unique, ERPNext's
        // fuzzy party matching refuses ties). An IBAN known for someone else vetoes it.
        let lead = match scored.as_slice() {
            [(c, best)] => Some((*c, *best, 0.0)),
            [(c, best), (_, second), ..] => Some((*c, *best, *second)),
            [] => None,
        };
        if let Some((c, best, second)) = lead
            && best >= NAME_UNIQUE
            && best - second >= NAME_UNIQUE_LEAD
            && self.iban_customers.is_empty()
        {
            self.unique_name_customer = Some(c);
        }
        // Every customer the name may mean is among the three searched, with all its items.
        complete = complete
            && scored.len() <= 3
            && scored
                .iter()
                .all(|&(c, _)| index.customer_items(c).len() <= MAX_ITEMS_PER_CUSTOMER);
        if complete {
            self.namesakes = Some(scored.len().min(u16::MAX as usize) as u16);
        }
        scored.truncate(3);
        scored.into_iter().map(|(c, _)| c).collect()
    }

    /// The party signals for customer `c`.
    pub(super) fn party(&mut self, o: &mut Settlement, c: u32) {
        if !self.iban_customers.is_empty() {
            if self.iban_customers.contains(&c) {
                o.iban_any = true;
                if self.iban_customers.len() == 1 {
                    o.iban_unique = true;
                    o.add(Signal::IbanKnown, points::IBAN_KNOWN);
                } else {
                    o.add(
                        Signal::IbanShared(self.iban_customers.len().min(u16::MAX as usize) as u16),
                        points::IBAN_SHARED,
                    );
                }
            } else if self.iban_customers.len() == 1 {
                // Only an IBAN that identifies one customer speaks against the others; one
                // shared by several (a payment service) speaks for nobody.
                o.add(Signal::IbanOther, points::IBAN_OTHER);
            }
        }
        let s = self.name_similarity(c);
        o.name_similarity = s;
        if self.unique_name_customer == Some(c) && !o.iban_any {
            o.name_unique = true;
            o.add(Signal::NameUnique { customer: c }, points::NAME_UNIQUE);
            return;
        }
        let pts = if s >= 0.95 {
            points::NAME_SAME
        } else if s >= NAME_IDENTIFIES {
            points::NAME_SIMILAR
        } else if s >= 0.75 {
            points::NAME_WEAK
        } else {
            0
        };
        if pts > 0 {
            o.add(
                Signal::Name {
                    customer: c,
                    percent: (s * 100.0).round().clamp(0.0, 100.0) as u8,
                },
                pts,
            );
        }
    }
}
