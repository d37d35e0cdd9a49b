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
use crate::score::{DateSig, Empty, Gate, Hold, Opt, RefHow, Sig, TxEval, Verdict};

/// What the batch assignment adds to a transaction's own verdict.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Batch {
    pub(crate) auto: bool,
    /// (invoice, transaction) that took an item this transaction wanted.
    pub(crate) lost: Option<(u32, usize)>,
}

/// Builds the outcome of one transaction.
pub(crate) fn outcome(
    ix: &Index<'_>,
    cfg: &Config,
    txs: &[Transaction],
    t: usize,
    eval: &TxEval,
    batch: Batch,
) -> Outcome {
    let tx = &txs[t];
    let settled_in_batch = batch.lost.map(|(i, w)| {
        (
            ix.invoices[i as usize].id.clone(),
            txs.get(w).map(|x| x.id.clone()).unwrap_or_default(),
        )
    });
    let decision = match (batch.auto, eval.opts.first()) {
        (true, Some(best)) => {
            let c = candidate(ix, cfg, tx, eval, best);
            Decision::Auto {
                allocations: c.allocations,
                unallocated: c.unallocated,
                score: c.score,
                confidence: c.confidence,
                reasons: c.reasons,
            }
        }
        _ => {
            let candidates: Vec<Candidate> = eval
                .opts
                .iter()
                .filter(|o| o.score >= cfg.suggest_threshold)
                .take(cfg.max_suggestions)
                .map(|o| candidate(ix, cfg, tx, eval, o))
                .collect();
            if candidates.is_empty() {
                let reason = match (settled_in_batch, eval.verdict) {
                    (Some((invoice_id, transaction_id)), _) => NoMatchReason::SettledInBatch {
                        invoice_id,
                        transaction_id,
                    },
                    (None, Verdict::NoMatch(e)) => no_match(ix, eval, e),
                    (None, _) => NoMatchReason::BelowSuggestThreshold {
                        best_score: eval.opts.first().map_or(0, |o| o.score),
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
                        score: eval.opts.first().map_or(0, |o| o.score),
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

fn no_match(ix: &Index<'_>, eval: &TxEval, e: Empty) -> NoMatchReason {
    match e {
        Empty::ZeroAmount => NoMatchReason::ZeroAmount,
        Empty::OutOfRange => NoMatchReason::AmountOutOfRange,
        Empty::NoCandidates => NoMatchReason::NoCandidates,
        Empty::BelowSuggest => NoMatchReason::BelowSuggestThreshold {
            best_score: eval.opts.first().map_or(0, |o| o.score),
        },
        Empty::WrongDirection(i) => NoMatchReason::WrongDirection {
            number: ix.invoices[i as usize].number.clone(),
        },
    }
}

fn held(cfg: &Config, eval: &TxEval, h: Hold) -> HeldBack {
    let best = eval.opts.first().map_or(0, |o| o.score);
    match h {
        Hold::Gate(Gate::CurrencyDiffers) => HeldBack::CurrencyDiffers,
        Hold::Gate(Gate::UnknownReference(k)) => HeldBack::UnknownReference {
            reference: eval.unknown.get(k as usize).cloned().unwrap_or_default(),
        },
        Hold::Gate(Gate::NoIdentifier) => HeldBack::NoIdentifier,
        Hold::Gate(Gate::AmountDoesNotSettle) => HeldBack::AmountDoesNotSettle,
        Hold::BelowThreshold => HeldBack::BelowThreshold {
            score: best,
            threshold: cfg.auto_threshold,
        },
        Hold::Ambiguous => HeldBack::Ambiguous {
            best,
            runner_up: eval.opts.get(1).map_or(0, |o| o.score),
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

fn candidate(ix: &Index<'_>, cfg: &Config, tx: &Transaction, eval: &TxEval, o: &Opt) -> Candidate {
    let allocations = o
        .invs
        .iter()
        .zip(&o.allocs)
        .map(|(&i, &amount)| Allocation {
            invoice_id: ix.invoices[i as usize].id.clone(),
            amount,
        })
        .collect();
    let mut reasons: Vec<ScoredReason> = o
        .sigs
        .iter()
        .map(|&(sig, points)| ScoredReason {
            points,
            reason: reason(ix, tx, eval, sig),
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

fn reason(ix: &Index<'_>, tx: &Transaction, eval: &TxEval, sig: Sig) -> Reason {
    match sig {
        Sig::Ref(k) => match eval.refs.get(k as usize) {
            Some(r) => {
                let number = ix.invoices[r.inv as usize].number.clone();
                match r.how {
                    RefHow::Rf => Reason::CreditorReference {
                        number,
                        reference: r.found.clone(),
                        field: r.field,
                    },
                    RefHow::E2e => Reason::EndToEndId {
                        number,
                        id: r.found.clone(),
                    },
                    RefHow::Number(how) => Reason::InvoiceNumber {
                        number,
                        found: r.found.clone(),
                        how,
                        field: r.field,
                    },
                }
            }
            None => Reason::AllNamed { count: 0 },
        },
        Sig::AllNamed(count) => Reason::AllNamed {
            count: usize::from(count),
        },
        Sig::NamedLeftOut(count) => Reason::NamedItemsLeftOut {
            count: usize::from(count),
        },
        Sig::Fit { fit, paid } => match fit {
            Fit::Exact => Reason::AmountExact { amount: paid },
            Fit::CashDiscount { discount, late } => {
                Reason::AmountAfterCashDiscount { discount, late }
            }
            Fit::Tolerance { difference } => Reason::AmountWithinTolerance { difference },
            Fit::Partial { remaining } => Reason::PartialPayment { remaining },
            Fit::Over { excess } => Reason::Overpayment { excess },
        },
        Sig::Combined { count, total } => Reason::CombinedAmount {
            count: usize::from(count),
            total,
        },
        Sig::PartialAnnounced => Reason::PartialPaymentAnnounced,
        Sig::OnlyFitting => Reason::OnlyFittingItem,
        Sig::OnlyFittingCombination => Reason::OnlyFittingCombination,
        Sig::IbanKnown => Reason::PayerIbanKnown {
            iban: eval.iban.clone(),
        },
        Sig::IbanShared(n) => Reason::PayerIbanShared {
            customers: usize::from(n),
        },
        Sig::IbanOther => Reason::PayerIbanOtherCustomer,
        Sig::Name { cust, percent } => Reason::PayerNameSimilar {
            payer: tx.counterparty_name.clone().unwrap_or_default(),
            customer: ix
                .cust
                .get(cust as usize)
                .map(|c| ix.invoices[c.name_inv as usize].customer_name.clone())
                .unwrap_or_default(),
            percent,
        },
        Sig::NameUnique { cust } => Reason::PayerNameUnique {
            payer: tx.counterparty_name.clone().unwrap_or_default(),
            customer: ix
                .cust
                .get(cust as usize)
                .map(|c| ix.invoices[c.name_inv as usize].customer_name.clone())
                .unwrap_or_default(),
        },
        Sig::Date(DateSig::InTerm(days)) => Reason::PaidInTerm {
            days_after_issue: days,
        },
        Sig::Date(DateSig::LongAfterDue(days)) => Reason::PaidLongAfterDue {
            days_after_due: days,
        },
        Sig::Date(DateSig::BeforeIssue(days)) => Reason::PaidBeforeIssue {
            days_before_issue: days,
        },
        Sig::Currency { inv } => Reason::CurrencyDiffers {
            payment: tx.currency.clone(),
            invoice: ix.invoices[inv as usize].currency.clone(),
        },
        Sig::Unknown(k) => Reason::UnknownReference {
            reference: eval.unknown.get(k as usize).cloned().unwrap_or_default(),
        },
    }
}
