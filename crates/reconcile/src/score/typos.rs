//! Invoice numbers with one typo (a digit changed, two swapped, one dropped or added).
//!
//! A typo counts only where nothing found exactly explains the payment, only for items the
//! amount settles, and only when few items are that close: with dense numbering one edit away
//! from a real number is usually another real number.

use rust_decimal::Decimal;

use crate::amount::{cents, fit};
use crate::normalize::tokenize;
use crate::reason::{NumberMatch, TextField};

use super::reference::{ReferenceHit, ReferenceKind};
use super::transaction_scoring::TransactionScoring;

/// More typo candidates than this for one token means the numbering is too dense for a typo to
/// point anywhere.
const MAX_TYPO_HITS: usize = 5;

/// A token group to look up among one-typo neighbours. Ordered field by field, so that sorting
/// and removing repeats give the same queries whatever order the texts were read in.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct TypoQuery {
    /// The digits of the window.
    pub(super) core: String,
    /// The window as written, compact.
    pub(super) window: String,
    pub(super) field: TextField,
    /// Shaped like one of the configured invoice numbers.
    pub(super) shaped: bool,
    /// Found exactly as some item's number, but the amount fits none of them.
    pub(super) found_exactly: bool,
}

impl TransactionScoring<'_, '_> {
    pub(super) fn typo_lookup(&mut self, mut queries: Vec<TypoQuery>) {
        if queries.is_empty() {
            return;
        }
        // Typos are looked for only when no reference found so far explains the payment;
        // a pattern-shaped window still marks an unknown reference.
        let mut named: Vec<u32> = self
            .references
            .iter()
            .filter(|r| r.kind.strong() && self.is_open(r.inv))
            .map(|r| r.inv)
            .collect();
        named.sort_unstable();
        named.dedup();
        let explained = named.iter().any(|&i| self.single_ok(i) && self.settles(i))
            || (named.len() >= 2 && {
                let total: Decimal = named.iter().map(|&i| self.signed(i)).sum();
                total > Decimal::ZERO
                    && fit(self.paid, total, None, self.date, self.scorer.cfg).settles()
            });
        // With several numbers named, a named one that does not fit alone is no typo.
        if named.len() >= 2 {
            queries.retain(|q| !q.found_exactly);
        }
        let index = self.scorer.index;
        if explained {
            for q in queries {
                if q.shaped && !q.found_exactly {
                    let t = tokenize(&q.window, true).joined();
                    if index.number_hits(true, &t).next().is_none() {
                        self.unknown_references.push(q.window);
                    }
                }
            }
            self.unknown_references.sort();
            self.unknown_references.dedup();
            return;
        }
        queries.sort();
        queries.dedup_by(|a, b| a.core == b.core && a.window == b.window && a.field == b.field);
        let mut cands = Vec::new();
        for q in queries {
            // A window already explained by a hit in its repaired form is no typo.
            let known = !q.found_exactly && {
                let t = tokenize(&q.window, true).joined();
                index.number_hits(true, &t).any(|(i, _)| self.settles(i))
            };
            if known {
                continue;
            }
            cands.clear();
            let paid_cents = cents(self.paid);
            let untouched = self.scorer.untouched;
            let bounds = self.scorer.bounds;
            index.typo_candidates(
                &q.core,
                |open| bounds.may_settle(paid_cents, open, untouched),
                &mut cands,
            );
            let mut hits: Vec<u32> = Vec::new();
            for &inv in &cands {
                // Cheapest test first: with dense numbering most candidates are other real
                // invoices, and the amount rules them out (a typo only counts where the
                // amount agrees).
                if !self.is_open(inv) || !self.multi_ok(inv) || !self.settles(inv) {
                    continue;
                }
                let Some(c) = index.typo_core(inv) else {
                    continue;
                };
                if c.len().abs_diff(q.core.len()) > 1
                    || c == q.core
                    || strsim::osa_distance(c, &q.core) > 1
                {
                    continue;
                }
                if self
                    .references
                    .iter()
                    .any(|r| r.inv == inv && r.kind.strong())
                {
                    continue;
                }
                hits.push(inv);
            }
            if q.shaped && !q.found_exactly {
                // Named but not open: whatever a typo lookup finds, an amount-only fit to some
                // other item is doubtful (a paid invoice paid again).
                self.unknown_references.push(q.window.clone());
            }
            if hits.is_empty() || hits.len() > MAX_TYPO_HITS {
                continue;
            }
            for inv in hits {
                self.references.push(ReferenceHit {
                    inv,
                    kind: ReferenceKind::Number(NumberMatch::Typo),
                    field: q.field,
                    found: q.window.clone(),
                    span: (0, 0),
                });
            }
        }
        self.unknown_references.sort();
        self.unknown_references.dedup();
    }
}
