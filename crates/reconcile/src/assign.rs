//! The batch-wide assignment: no invoice is allocated more than it has open, and the result
//! does not depend on the order of the input.
//!
//! Each transaction is first scored alone. Automatic candidates are then committed greedily in
//! an order fixed by stable keys only (score, then date, then transaction id), each taking from
//! what is still open; one that would take more than is left loses to the stronger one and is
//! shown as a suggestion. A second round re-scores the transactions whose candidates were
//! touched, against what is left: when January's rent was settled by a payment naming it, the
//! unnamed second payment of the same amount is February's (Actual Budget's global passes make
//! the same point: a weak match must not steal what a strong one needs).

use std::cmp::{Ordering, Reverse};

use rust_decimal::Decimal;
use time::Date;

use crate::index::id_prefix;

use crate::model::Transaction;
use crate::score::{Evaluation, Scorer, Verdict};

/// The result of the assignment, per transaction.
#[derive(Debug)]
pub(crate) struct Assignment {
    /// The last evaluation of each transaction.
    pub(crate) evals: Vec<Evaluation>,
    /// Whether its best option was committed.
    pub(crate) auto: Vec<bool>,
    /// For a transaction that lost an item to another: (invoice, winning transaction).
    pub(crate) lost: Vec<Option<(u32, usize)>>,
}

/// Scores `which` transactions, in parallel when there are many. The order of the output is
/// the order of `which`, whatever the threads do.
fn evaluate_all(
    scorer: &Scorer<'_>,
    txs: &[Transaction],
    which: &[usize],
    remaining: &[Decimal],
    threads: usize,
) -> Vec<Evaluation> {
    crate::par::map(which, threads, |&t| scorer.evaluate(&txs[t], remaining))
}

/// The order in which automatic candidates are committed: best score first, then earliest
/// date, then transaction id (its first 16 bytes; ties are settled on the whole id).
type CommitKey = (Reverse<i32>, Date, u128);

/// Commits the automatic candidates among `which` in stable order.
fn commit(
    txs: &[Transaction],
    evals: &[Evaluation],
    which: &[usize],
    remaining: &mut [Decimal],
    taken_by: &mut [Option<usize>],
    auto: &mut [bool],
    lost: &mut [Option<(u32, usize)>],
) -> Vec<u32> {
    // The keys are gathered first and sorted as plain numbers (the id by its first 16 bytes):
    // comparing through the evaluations and transactions read three scattered places per
    // comparison, and this sort is not shared between threads.
    let mut keyed: Vec<(CommitKey, usize)> = which
        .iter()
        .copied()
        .filter(|&t| evals[t].verdict == Verdict::Auto)
        .map(|t| {
            let score = evals[t].settlements.first().map_or(0, |o| o.score);
            let tx = &txs[t];
            ((Reverse(score), tx.effective_date(), id_prefix(&tx.id)), t)
        })
        .collect();
    keyed.sort_unstable();
    // Ids that agree in their first 16 bytes: by the whole id, then by position.
    for run in keyed.chunk_by_mut(|a, b| a.0 == b.0) {
        if run.len() > 1 {
            run.sort_by(|a, b| txs[a.1].id.cmp(&txs[b.1].id).then(a.1.cmp(&b.1)));
        }
    }
    let order: Vec<usize> = keyed.into_iter().map(|(_, t)| t).collect();
    let mut touched = Vec::new();
    for t in order {
        let Some(best) = evals[t].settlements.first() else {
            continue;
        };
        let short = best.items.iter().zip(&best.allocations).find(|&(&i, a)| {
            remaining
                .get(i as usize)
                .is_none_or(|r| a.cmp(r) == Ordering::Greater)
        });
        if let Some((&i, _)) = short {
            lost[t] = taken_by
                .get(i as usize)
                .copied()
                .flatten()
                .map(|winner| (i, winner));
            continue;
        }
        for (&i, a) in best.items.iter().zip(&best.allocations) {
            if let Some(r) = remaining.get_mut(i as usize) {
                *r -= *a;
            }
            if let Some(slot) = taken_by.get_mut(i as usize)
                && slot.is_none()
            {
                *slot = Some(t);
            }
            touched.push(i);
        }
        auto[t] = true;
    }
    touched
}

/// Runs both rounds.
pub(crate) fn assign(
    scorer: &Scorer<'_>,
    txs: &[Transaction],
    open: Vec<Decimal>,
    threads: usize,
) -> Assignment {
    let n = txs.len();
    let mut remaining = open;
    let all: Vec<usize> = (0..n).collect();
    let mut evals = evaluate_all(scorer, txs, &all, &remaining, threads);
    let mut auto = vec![false; n];
    let mut lost = vec![None; n];
    let mut taken_by: Vec<Option<usize>> = vec![None; remaining.len()];
    let touched = commit(
        txs,
        &evals,
        &all,
        &mut remaining,
        &mut taken_by,
        &mut auto,
        &mut lost,
    );
    if touched.is_empty() {
        return Assignment { evals, auto, lost };
    }
    let mut is_touched = vec![false; remaining.len()];
    for i in touched {
        if let Some(x) = is_touched.get_mut(i as usize) {
            *x = true;
        }
    }
    let hit = |i: u32| is_touched.get(i as usize).copied().unwrap_or(false);
    let redo: Vec<usize> = (0..n)
        .filter(|&t| !auto[t])
        .filter(|&t| {
            let e = &evals[t];
            e.settlements
                .iter()
                .any(|o| o.items.iter().any(|&i| hit(i)))
                || e.references.iter().any(|r| hit(r.inv))
        })
        .collect();
    if redo.is_empty() {
        return Assignment { evals, auto, lost };
    }
    // Against what is left: the amount lists without the items settled in the first round.
    let live = scorer.index.amounts.live(&remaining);
    let scorer = &Scorer {
        amounts: &live,
        untouched: false,
        ..*scorer
    };
    let fresh = evaluate_all(scorer, txs, &redo, &remaining, threads);
    for (&t, e) in redo.iter().zip(fresh) {
        evals[t] = e;
    }
    commit(
        txs,
        &evals,
        &redo,
        &mut remaining,
        &mut taken_by,
        &mut auto,
        &mut lost,
    );
    // A transaction that lost round 1 but won round 2 has no conflict left to explain.
    for t in redo {
        if auto[t] {
            lost[t] = None;
        }
    }
    Assignment { evals, auto, lost }
}
