//! The figures the matcher's targets are stated in: precision of automatic matches, recall,
//! and top-3 accuracy of suggestions, overall and per scenario.

use std::collections::HashMap;

use reconcile::{Allocation, Decision, Outcome};

use crate::generator::{Label, Scenario};

/// Counts for one scenario (or all).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counts {
    /// Transactions.
    pub transactions: usize,
    /// Transactions that settle something (label not empty).
    pub with_match: usize,
    /// Decided automatically.
    pub auto: usize,
    /// Decided automatically and exactly the labelled items.
    pub auto_correct: usize,
    /// With a match but not (correctly) automatic... precisely: with a match and not decided
    /// automatically.
    pub not_auto_with_match: usize,
    /// Of those, the labelled items among the first three suggestions.
    pub top3_hits: usize,
}

impl Counts {
    /// Correct automatic matches over all automatic matches (1.0 when there are none).
    pub fn precision(&self) -> f64 {
        ratio(self.auto_correct, self.auto)
    }

    /// Correct automatic matches over all transactions that settle something.
    pub fn recall(&self) -> f64 {
        ratio(self.auto_correct, self.with_match)
    }

    /// Of the transactions that settle something and were not matched automatically, the
    /// share whose labelled items are among the first three suggestions.
    pub fn top3(&self) -> f64 {
        ratio(self.top3_hits, self.not_auto_with_match)
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 { 1.0 } else { a as f64 / b as f64 }
}

/// The figures of one run: overall and per scenario.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Metrics {
    /// All transactions.
    pub all: Counts,
    /// Per scenario, in the order of [`Scenario::ALL`].
    pub by_scenario: Vec<(Scenario, Counts)>,
}

fn ids_of(allocs: &[Allocation]) -> Vec<&str> {
    let mut v: Vec<&str> = allocs.iter().map(|a| a.invoice_id.as_str()).collect();
    v.sort_unstable();
    v.dedup();
    v
}

/// Compares outcomes with labels. An automatic match is correct when it allocates to exactly
/// the labelled set of items (amounts are checked by the unit tests, not here). A transaction
/// whose label is empty must not be matched automatically at all.
pub fn measure(labels: &[Label], outcomes: &[Outcome]) -> Metrics {
    let by_id: HashMap<&str, &Outcome> = outcomes
        .iter()
        .map(|o| (o.transaction_id.as_str(), o))
        .collect();
    let mut all = Counts::default();
    let mut per: Vec<(Scenario, Counts)> = Scenario::ALL
        .iter()
        .map(|&s| (s, Counts::default()))
        .collect();
    for label in labels {
        let mut expected: Vec<&str> = label.expected.iter().map(String::as_str).collect();
        expected.sort_unstable();
        let outcome = by_id.get(label.transaction_id.as_str());
        let mut c = Counts {
            transactions: 1,
            with_match: usize::from(!expected.is_empty()),
            ..Counts::default()
        };
        match outcome.map(|o| &o.decision) {
            Some(Decision::Auto { allocations, .. }) => {
                c.auto = 1;
                if !expected.is_empty() && ids_of(allocations) == expected {
                    c.auto_correct = 1;
                }
            }
            Some(Decision::Suggest { candidates, .. }) => {
                if !expected.is_empty() {
                    c.not_auto_with_match = 1;
                    if candidates
                        .iter()
                        .take(3)
                        .any(|cand| ids_of(&cand.allocations) == expected)
                    {
                        c.top3_hits = 1;
                    }
                }
            }
            Some(Decision::NoMatch { .. }) | None => {
                if !expected.is_empty() {
                    c.not_auto_with_match = 1;
                }
            }
        }
        add(&mut all, &c);
        if let Some((_, s)) = per.iter_mut().find(|(s, _)| *s == label.scenario) {
            add(s, &c);
        }
    }
    Metrics {
        all,
        by_scenario: per,
    }
}

fn add(a: &mut Counts, b: &Counts) {
    a.transactions += b.transactions;
    a.with_match += b.with_match;
    a.auto += b.auto;
    a.auto_correct += b.auto_correct;
    a.not_auto_with_match += b.not_auto_with_match;
    a.top3_hits += b.top3_hits;
}
