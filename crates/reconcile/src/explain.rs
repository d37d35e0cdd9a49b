//! Turning the internal scores into the public, serialisable outcome with English reasons.
//!
//! Scoring works on compact signals (indices, flags) to stay fast for 100,000 transactions;
//! strings are made here, only for what is returned.

use crate::amount::Fit;
use crate::config::Config;
use crate::index::Index;
use crate::model::Transaction;
use crate::outcome::{Allocation, Candidate, Decision, HeldBack, NoMatchReason, Outcome};
use crate::reason::{Reason, ScoredReason};
use crate::score::{
    DateSignal, Evaluation, Gate, NotAutomatic, NothingProposed, ReferenceKind, Settlement, Signal,
    Verdict,
};

/// What the batch assignment adds to a transaction's own verdict.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Batch {
    pub(crate) auto: bool,
    /// (invoice, transaction) that took an item this transaction wanted.
    pub(crate) lost: Option<(u32, usize)>,
}

/// Builds the outcome of one transaction.
pub(crate) fn outcome(
    index: &Index<'_>,
    cfg: &Config,
    txs: &[Transaction],
    t: usize,
    eval: &Evaluation,
    batch: Batch,
) -> Outcome {
    let tx = &txs[t];
    let settled_in_batch = batch.lost.map(|(i, w)| {
        (
            index.invoices[i as usize].id.clone(),
            txs.get(w).map(|x| x.id.clone()).unwrap_or_default(),
        )
    });
    let decision = match (batch.auto, eval.settlements.first()) {
        (true, Some(best)) => Decision::book(candidate(index, cfg, tx, eval, best)),
        _ => {
            let candidates: Vec<Candidate> = eval
                .settlements
                .iter()
                .filter(|o| o.score >= cfg.suggest_threshold)
                .take(cfg.max_suggestions)
                .map(|o| candidate(index, cfg, tx, eval, o))
                .collect();
            if candidates.is_empty() {
                let reason = match (settled_in_batch, eval.verdict) {
                    (Some((invoice_id, transaction_id)), _) => NoMatchReason::SettledInBatch {
                        invoice_id,
                        transaction_id,
                    },
                    (None, Verdict::NoMatch(e)) => no_match(index, eval, e),
                    (None, _) => NoMatchReason::BelowSuggestThreshold {
                        best_score: eval.settlements.first().map_or(0, |o| o.score),
                    },
                };
                Decision::NoMatch { reason }
            } else {
                let held_back = match (settled_in_batch, eval.verdict) {
                    (Some((invoice_id, transaction_id)), _) => HeldBack::SettledInBatch {
                        invoice_id,
                        transaction_id,
                    },
                    (None, Verdict::Suggest(h)) => held(cfg, eval, h),
                    // Auto in isolation but not committed and no recorded loser: cannot
                    // happen; report the threshold view rather than guess.
                    (None, _) => HeldBack::BelowThreshold {
                        score: eval.settlements.first().map_or(0, |o| o.score),
                        threshold: cfg.auto_threshold,
                    },
                };
                Decision::Suggest {
                    candidates,
                    held_back,
                }
            }
        }
    };
    Outcome {
        transaction_id: tx.id.clone(),
        decision,
    }
}

fn no_match(index: &Index<'_>, eval: &Evaluation, e: NothingProposed) -> NoMatchReason {
    match e {
        NothingProposed::ZeroAmount => NoMatchReason::ZeroAmount,
        NothingProposed::OutOfRange => NoMatchReason::AmountOutOfRange,
        NothingProposed::NoCandidates => NoMatchReason::NoCandidates,
        NothingProposed::BelowSuggest => NoMatchReason::BelowSuggestThreshold {
            best_score: eval.settlements.first().map_or(0, |o| o.score),
        },
        NothingProposed::WrongDirection(i) => NoMatchReason::WrongDirection {
            number: index.invoices[i as usize].number.clone(),
        },
    }
}

fn held(cfg: &Config, eval: &Evaluation, h: NotAutomatic) -> HeldBack {
    let best = eval.settlements.first().map_or(0, |o| o.score);
    match h {
        NotAutomatic::Gate(Gate::CurrencyDiffers) => HeldBack::CurrencyDiffers,
        NotAutomatic::Gate(Gate::UnknownReference(k)) => HeldBack::UnknownReference {
            reference: eval
                .unknown_references
                .get(k as usize)
                .cloned()
                .unwrap_or_default(),
        },
        NotAutomatic::Gate(Gate::NoIdentifier) => HeldBack::NoIdentifier,
        NotAutomatic::Gate(Gate::AmountDoesNotSettle) => HeldBack::AmountDoesNotSettle,
        NotAutomatic::BelowThreshold => HeldBack::BelowThreshold {
            score: best,
            threshold: cfg.auto_threshold,
        },
        NotAutomatic::Ambiguous => HeldBack::Ambiguous {
            best,
            runner_up: eval.settlements.get(1).map_or(0, |o| o.score),
            margin: cfg.auto_margin,
        },
    }
}

/// The score as the familiar 0..1 number: the auto threshold reads 0.90.
fn confidence(score: i32, cfg: &Config) -> f64 {
    if cfg.auto_threshold <= 0 {
        return 1.0;
    }
    let c = 0.9 * f64::from(score) / f64::from(cfg.auto_threshold);
    (c.clamp(0.0, 1.0) * 100.0).round() / 100.0
}

fn candidate(
    index: &Index<'_>,
    cfg: &Config,
    tx: &Transaction,
    eval: &Evaluation,
    o: &Settlement,
) -> Candidate {
    let allocations = o
        .items
        .iter()
        .zip(&o.allocations)
        .map(|(&i, &amount)| Allocation {
            invoice_id: index.invoices[i as usize].id.clone(),
            amount,
        })
        .collect();
    let mut reasons: Vec<ScoredReason> = o
        .signals
        .iter()
        .map(|&(sig, points)| ScoredReason {
            points,
            reason: reason(index, tx, eval, sig),
        })
        .collect();
    reasons.sort_by_key(|r| std::cmp::Reverse(r.points));
    Candidate {
        allocations,
        unallocated: o.unallocated,
        score: o.score,
        confidence: confidence(o.score, cfg),
        reasons,
    }
}

fn reason(index: &Index<'_>, tx: &Transaction, eval: &Evaluation, sig: Signal) -> Reason {
    match sig {
        Signal::Reference(k) => match eval.references.get(k as usize) {
            Some(r) => {
                let number = index.invoices[r.inv as usize].number.clone();
                match r.kind {
                    ReferenceKind::Rf => Reason::CreditorReference {
                        number,
                        reference: r.found.clone(),
                        field: r.field,
                    },
                    ReferenceKind::EndToEndId => Reason::EndToEndId {
                        number,
                        id: r.found.clone(),
                    },
                    ReferenceKind::Number(how) => Reason::InvoiceNumber {
                        number,
                        found: r.found.clone(),
                        how,
                        field: r.field,
                    },
                }
            }
            None => Reason::AllNamed { count: 0 },
        },
        Signal::AllNamed(count) => Reason::AllNamed {
            count: usize::from(count),
        },
        Signal::NamedLeftOut(count) => Reason::NamedItemsLeftOut {
            count: usize::from(count),
        },
        Signal::Fit { fit, paid } => match fit {
            Fit::Exact => Reason::AmountExact { amount: paid },
            Fit::CashDiscount { discount, late } => {
                Reason::AmountAfterCashDiscount { discount, late }
            }
            Fit::Tolerance { difference } => Reason::AmountWithinTolerance { difference },
            Fit::Partial { remaining } => Reason::PartialPayment { remaining },
            Fit::Over { excess } => Reason::Overpayment { excess },
        },
        Signal::Combined { count, total } => Reason::CombinedAmount {
            count: usize::from(count),
            total,
        },
        Signal::PartialAnnounced => Reason::PartialPaymentAnnounced,
        Signal::OnlyFitting => Reason::OnlyFittingItem,
        Signal::OldestOfEqual(n) => Reason::OldestOfEqualItems {
            count: usize::from(n),
        },
        Signal::OnlyFittingCombination => Reason::OnlyFittingCombination,
        Signal::OnlyFittingAmongNamesakes(n) => Reason::OnlyFittingAmongNamesakes {
            customers: usize::from(n),
        },
        Signal::IbanKnown => Reason::PayerIbanKnown {
            iban: eval.payer_iban.clone(),
        },
        Signal::IbanShared(n) => Reason::PayerIbanShared {
            customers: usize::from(n),
        },
        Signal::IbanOther => Reason::PayerIbanOtherCustomer,
        Signal::Name { customer, percent } => Reason::PayerNameSimilar {
            payer: tx.counterparty_name.clone().unwrap_or_default(),
            customer: index
                .customers
                .get(customer as usize)
                .map(|c| index.invoices[c.name_item as usize].customer_name.clone())
                .unwrap_or_default(),
            percent,
        },
        Signal::NameUnique { customer } => Reason::PayerNameUnique {
            payer: tx.counterparty_name.clone().unwrap_or_default(),
            customer: index
                .customers
                .get(customer as usize)
                .map(|c| index.invoices[c.name_item as usize].customer_name.clone())
                .unwrap_or_default(),
        },
        Signal::Date(DateSignal::InTerm(days)) => Reason::PaidInTerm {
            days_after_issue: days,
        },
        Signal::Date(DateSignal::LongAfterDue(days)) => Reason::PaidLongAfterDue {
            days_after_due: days,
        },
        Signal::Date(DateSignal::BeforeIssue(days)) => Reason::PaidBeforeIssue {
            days_before_issue: days,
        },
        Signal::CurrencyDiffers { inv } => Reason::CurrencyDiffers {
            payment: tx.currency.clone(),
            invoice: index.invoices[inv as usize].currency.clone(),
        },
        Signal::UnknownReference(k) => Reason::UnknownReference {
            reference: eval
                .unknown_references
                .get(k as usize)
                .cloned()
                .unwrap_or_default(),
        },
    }
}
