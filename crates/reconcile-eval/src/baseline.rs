//! The original system's rules, re-implemented so that every improvement is measured against
//! them on the same data in the same run.
//!
//! The original matched one pattern, `RE-YYYY-NNNN`, anywhere in the remittance text (no word
//! boundaries, no normalisation), an amount within ±1.00 of the open amount, and a payment
//! date within ±14 days of the issue date; it booked the first candidate scoring 0.90 or more.
//! Score: 0.5 for the number, 0.3 for the amount, 0.2 for the date. It had no notion of
//! direction, ambiguity, IBANs, names, several invoices per payment, or batch-wide allocation.
//! Its candidates below 0.90 (from 0.5) are returned as suggestions so that top-3 accuracy can
//! be compared.

use std::collections::{BTreeMap, HashMap};

use rust_decimal::Decimal;

use reconcile::{
    Allocation, Candidate, Decision, HeldBack, Invoice, NoMatchReason, NumberMatch, Outcome,
    Reason, ScoredReason, TextField, Transaction,
};
use rust_decimal::RoundingStrategy;

/// The matcher's input limit: amounts beyond a trillion are refused as input errors, here as
/// there, so that decimal arithmetic (which panics on overflow) stays far from its limits.
fn in_range(d: Decimal) -> bool {
    d.abs() <= Decimal::new(1_000_000_000_000, 0)
}

/// An amount in cents, the key of the amount lookup. `None` beyond ±92 quadrillion.
fn cents(d: Decimal) -> Option<i64> {
    let mut r = d.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
    r.rescale(2);
    i64::try_from(r.mantissa()).ok()
}

/// Finds every `RE-dddd-dddd` in `text`, as a plain regular expression without boundaries
/// would: `XRE-2024-08151` yields `RE-2024-0815`.
fn find_numbers(text: &str) -> Vec<&str> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let shape = |s: &[u8]| {
        s.len() == 12
            && &s[..3] == b"RE-"
            && s[3..7].iter().all(u8::is_ascii_digit)
            && s[7] == b'-'
            && s[8..12].iter().all(u8::is_ascii_digit)
    };
    let mut i = 0;
    while i + 12 <= b.len() {
        if shape(&b[i..i + 12]) {
            if let Some(s) = text.get(i..i + 12) {
                out.push(s);
            }
            i += 12;
        } else {
            i += 1;
        }
    }
    out
}

/// Scores and decides like the original system, one transaction at a time.
pub fn reconcile(transactions: &[Transaction], invoices: &[Invoice]) -> Vec<Outcome> {
    let mut by_number: HashMap<&str, Vec<usize>> = HashMap::new();
    let mut by_cents: BTreeMap<i64, Vec<usize>> = BTreeMap::new();
    for (i, inv) in invoices.iter().enumerate() {
        if inv.open_amount <= Decimal::ZERO || !in_range(inv.open_amount) {
            continue;
        }
        by_number.entry(inv.number.as_str()).or_default().push(i);
        if let Some(c) = cents(inv.open_amount) {
            by_cents.entry(c).or_default().push(i);
        }
    }
    transactions
        .iter()
        .map(|tx| decide(tx, invoices, &by_number, &by_cents))
        .collect()
}

fn decide(
    tx: &Transaction,
    invoices: &[Invoice],
    by_number: &HashMap<&str, Vec<usize>>,
    by_cents: &BTreeMap<i64, Vec<usize>>,
) -> Outcome {
    if !in_range(tx.amount) {
        return Outcome {
            transaction_id: tx.id.clone(),
            decision: Decision::NoMatch {
                reason: NoMatchReason::AmountOutOfRange,
            },
        };
    }
    let text = tx.remittance_unstructured.as_deref().unwrap_or("");
    let numbers = find_numbers(text);
    let mut cands: Vec<(usize, bool)> = Vec::new();
    for n in &numbers {
        if let Some(list) = by_number.get(n) {
            cands.extend(list.iter().map(|&i| (i, true)));
        }
    }
    if let Some(c) = cents(tx.amount).filter(|_| in_range(tx.amount)) {
        for (_, list) in by_cents.range(c.saturating_sub(100)..=c.saturating_add(100)) {
            cands.extend(list.iter().map(|&i| (i, false)));
        }
    }
    let mut scored: Vec<(i32, usize, Vec<ScoredReason>)> = Vec::new();
    for (i, by_num) in cands {
        if scored.iter().any(|(_, j, _)| *j == i) {
            continue;
        }
        let inv = &invoices[i];
        let mut score = 0;
        let mut reasons = Vec::new();
        let named = by_num || numbers.contains(&inv.number.as_str());
        if named {
            score += 50;
            reasons.push(ScoredReason {
                points: 50,
                reason: Reason::InvoiceNumber {
                    number: inv.number.clone(),
                    found: inv.number.clone(),
                    how: NumberMatch::Exact,
                    field: TextField::Unstructured,
                },
            });
        }
        let diff = tx.amount - inv.open_amount;
        if diff.abs() <= Decimal::ONE {
            score += 30;
            reasons.push(ScoredReason {
                points: 30,
                reason: Reason::AmountWithinTolerance { difference: diff },
            });
        }
        let days = (tx.booking_date - inv.issue_date).whole_days();
        if days.abs() <= 14 {
            score += 20;
            reasons.push(ScoredReason {
                points: 20,
                reason: Reason::PaidInTerm {
                    days_after_issue: days,
                },
            });
        }
        scored.push((score, i, reasons));
    }
    // The original kept its candidates in lookup order and took the first at the maximum.
    let mut order: Vec<usize> = (0..scored.len()).collect();
    order.sort_by(|&a, &b| scored[b].0.cmp(&scored[a].0).then(a.cmp(&b)));
    let to_candidate = |k: usize| {
        let (score, i, reasons) = &scored[k];
        let inv = &invoices[*i];
        Candidate {
            allocations: vec![Allocation {
                invoice_id: inv.id.clone(),
                amount: tx.amount.min(inv.open_amount),
            }],
            unallocated: Decimal::ZERO,
            score: *score,
            confidence: f64::from(*score) / 100.0,
            reasons: reasons.clone(),
        }
    };
    let decision = match order.first() {
        Some(&k) if scored[k].0 >= 90 => Decision::book(to_candidate(k)),
        Some(&k) if scored[k].0 >= 50 => Decision::Suggest {
            candidates: order
                .iter()
                .filter(|&&j| scored[j].0 >= 50)
                .take(5)
                .map(|&j| to_candidate(j))
                .collect(),
            held_back: HeldBack::BelowThreshold {
                score: scored[k].0,
                threshold: 90,
            },
        },
        _ => Decision::NoMatch {
            reason: NoMatchReason::NoCandidates,
        },
    };
    Outcome {
        transaction_id: tx.id.clone(),
        decision,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_pattern_without_boundaries_like_a_naive_regex() {
        assert_eq!(
            find_numbers("Rechnung RE-2024-0815 danke"),
            ["RE-2024-0815"]
        );
        assert_eq!(find_numbers("XRE-2024-08151"), ["RE-2024-0815"]);
        assert!(find_numbers("RE 2024 0815").is_empty());
        assert!(find_numbers("re-2024-0815").is_empty());
    }
}
