//! A pass's decisions played out in memory, in their order, with the rules a single decision
//! follows in `matches.rs`: an automatic match takes from the invoices' open amounts or, when
//! they cannot take it (already matched, too much, cancelled), is queued as suggestions; an
//! invoice it closes drops other payments' suggestions for it (a payment left with none is
//! unmatched again); the payment's own suggestions are settled (rejected by the decision);
//! suggestions replace the payment's open ones, and a matched payment keeps its match.
//!
//! The outcome is the set of rows to write, which `write.rs` sends in batches.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use rust_decimal::Decimal;
use time::OffsetDateTime;

use super::load::Loaded;
use super::{PassCommit, PassDecision};
use crate::entity::{invoice, transaction};
use crate::error::Error;
use crate::matches::{MatchDecision, NewSuggestion};
use crate::state::{InvoiceStatus, MatchMethod, MatchStatus, ReconciliationState};

/// A `matches` row to insert.
#[derive(Debug, Clone)]
pub(super) struct NewRow {
    pub(super) transaction_id: i64,
    pub(super) invoice_id: i64,
    pub(super) amount: Decimal,
    pub(super) confidence: Decimal,
    pub(super) method: MatchMethod,
    pub(super) reasons: String,
    pub(super) status: MatchStatus,
    pub(super) decided_by: Option<String>,
    pub(super) decided_at: Option<OffsetDateTime>,
}

/// A match made by a person inside a pass: its rows are inserted one by one, since the first
/// row's id is what the learned payer refers to.
pub(super) struct Manual {
    pub(super) transaction: transaction::Model,
    pub(super) rows: Vec<NewRow>,
    pub(super) who: String,
}

/// What the pass writes.
#[derive(Default)]
pub(super) struct Plan {
    /// Stored suggestions that are gone (replaced, or their invoice closed by another payment).
    pub(super) deleted: Vec<i64>,
    /// Stored suggestions settled by their payment's match, by who decided it.
    pub(super) rejected: BTreeMap<String, Vec<i64>>,
    /// New rows, in the order the decisions made them.
    pub(super) inserted: Vec<NewRow>,
    /// Invoices whose open amount changed: (id, open amount, status).
    pub(super) invoices: Vec<(i64, Decimal, InvoiceStatus)>,
    /// Payments whose reconciliation state changed, by their new state.
    pub(super) states: HashMap<ReconciliationState, Vec<i64>>,
    /// Matches by a person.
    pub(super) manual: Vec<Manual>,
    /// The counts reported.
    pub(super) done: PassCommit,
}

/// A suggestion as the pass goes: stored (`stored` is its id) or made by this pass (`row`).
struct Suggestion {
    stored: Option<i64>,
    row: Option<NewRow>,
    transaction_id: i64,
    invoice_id: i64,
    /// Still an open suggestion.
    open: bool,
    /// Made by this pass and gone again before the end: never written.
    dropped: bool,
}

struct Pass {
    now: OffsetDateTime,
    transactions: HashMap<i64, transaction::Model>,
    invoices: HashMap<i64, invoice::Model>,
    state: HashMap<i64, ReconciliationState>,
    initial_state: HashMap<i64, ReconciliationState>,
    changed_invoices: BTreeSet<i64>,
    suggestions: Vec<Suggestion>,
    /// Confirmed rows, with their place among the suggestions (for insertion order).
    rows: Vec<(usize, NewRow)>,
    by_transaction: HashMap<i64, Vec<usize>>,
    by_invoice: HashMap<i64, Vec<usize>>,
    plan: Plan,
}

impl Pass {
    fn add_suggestion(&mut self, s: Suggestion) {
        let i = self.suggestions.len();
        self.by_transaction
            .entry(s.transaction_id)
            .or_default()
            .push(i);
        self.by_invoice.entry(s.invoice_id).or_default().push(i);
        self.suggestions.push(s);
    }

    fn open_of(&self, transaction_id: i64) -> Vec<usize> {
        self.by_transaction
            .get(&transaction_id)
            .map(|v| {
                v.iter()
                    .copied()
                    .filter(|&i| self.suggestions[i].open)
                    .collect()
            })
            .unwrap_or_default()
    }

    /// A suggestion that is no longer proposed: a stored one is deleted, a new one not written.
    fn drop_suggestion(&mut self, i: usize) {
        let s = &mut self.suggestions[i];
        s.open = false;
        match s.stored {
            Some(id) => self.plan.deleted.push(id),
            None => s.dropped = true,
        }
    }

    /// `record_suggestions_in`: the payment's open suggestions replaced by `queued`.
    fn record(&mut self, transaction_id: i64, queued: &[NewSuggestion]) {
        if self.state.get(&transaction_id) == Some(&ReconciliationState::Matched) {
            return;
        }
        for i in self.open_of(transaction_id) {
            self.drop_suggestion(i);
        }
        for q in queued {
            self.add_suggestion(Suggestion {
                stored: None,
                row: Some(NewRow {
                    transaction_id,
                    invoice_id: q.invoice_id,
                    amount: q.amount,
                    confidence: q.confidence,
                    method: MatchMethod::Auto,
                    reasons: q.reasons.to_stored(),
                    status: MatchStatus::Suggested,
                    decided_by: None,
                    decided_at: None,
                }),
                transaction_id,
                invoice_id: q.invoice_id,
                open: true,
                dropped: false,
            });
        }
        let state = if queued.is_empty() {
            ReconciliationState::Unmatched
        } else {
            ReconciliationState::Suggested
        };
        self.state.insert(transaction_id, state);
    }

    /// The new open amounts an automatic match leaves, or why the database refuses it.
    fn allocations_fit(&self, m: &MatchDecision) -> Result<BTreeMap<i64, Decimal>, String> {
        let tx = self
            .transactions
            .get(&m.transaction_id)
            .ok_or_else(|| format!("transaction {} not loaded", m.transaction_id))?;
        if self.state.get(&tx.id) == Some(&ReconciliationState::Matched) {
            return Err(format!(
                "transaction {} is already matched; undo that match first",
                tx.id
            ));
        }
        let paid = tx.amount.decimal().abs();
        let sum: Decimal = m.allocations.iter().map(|a| a.amount).sum();
        if sum > paid {
            return Err(format!(
                "allocations sum to {sum}, more than the payment's {paid}"
            ));
        }
        let mut order: Vec<_> = m.allocations.iter().collect();
        order.sort_by_key(|a| a.invoice_id);
        let mut open: BTreeMap<i64, Decimal> = BTreeMap::new();
        for a in order {
            let inv = self
                .invoices
                .get(&a.invoice_id)
                .ok_or_else(|| format!("invoice {} not loaded", a.invoice_id))?;
            let left = *open
                .entry(inv.id)
                .or_insert_with(|| inv.open_amount.decimal());
            if a.amount > left {
                return Err(format!(
                    "invoice {} has {} open; cannot allocate {}",
                    inv.number, left, a.amount
                ));
            }
            if inv.status == InvoiceStatus::Cancelled {
                return Err(format!("invoice {} is cancelled", inv.number));
            }
            open.insert(inv.id, left - a.amount);
        }
        Ok(open)
    }

    /// `apply_match_in`, or the allocations queued as suggestions when it would be refused.
    fn auto(&mut self, m: &MatchDecision) {
        let open = match self.allocations_fit(m) {
            Ok(open) => open,
            Err(why) => {
                tracing::warn!(transaction = m.transaction_id, %why, "automatic match refused; queued for review");
                let queued: Vec<NewSuggestion> = m
                    .allocations
                    .iter()
                    .map(|a| NewSuggestion {
                        invoice_id: a.invoice_id,
                        amount: a.amount,
                        confidence: m.confidence,
                        reasons: m.reasons.clone(),
                    })
                    .collect();
                self.record(m.transaction_id, &queued);
                self.plan.done.conflicts += 1;
                self.plan.done.suggested += 1;
                return;
            }
        };
        let mut closed = Vec::new();
        for (id, left) in open {
            if let Some(inv) = self.invoices.get_mut(&id) {
                let status = InvoiceStatus::for_amounts(left, inv.total.decimal());
                inv.open_amount = left.into();
                inv.status = status;
                self.changed_invoices.insert(id);
                if !status.is_open() {
                    closed.push(id);
                }
            }
        }
        // Other payments' suggestions for a settled invoice leave the queue now.
        let mut affected = BTreeSet::new();
        for id in closed {
            let on: Vec<usize> = self.by_invoice.get(&id).cloned().unwrap_or_default();
            for i in on {
                let s = &self.suggestions[i];
                if s.open && s.transaction_id != m.transaction_id {
                    affected.insert(s.transaction_id);
                    self.drop_suggestion(i);
                }
            }
        }
        for t in affected {
            if self.open_of(t).is_empty()
                && self.state.get(&t) == Some(&ReconciliationState::Suggested)
            {
                self.state.insert(t, ReconciliationState::Unmatched);
            }
        }
        // The payment's own suggestions are settled by the decision.
        for i in self.open_of(m.transaction_id) {
            let s = &mut self.suggestions[i];
            s.open = false;
            match (s.stored, s.row.as_mut()) {
                (Some(id), _) => self
                    .plan
                    .rejected
                    .entry(m.decided_by.clone())
                    .or_default()
                    .push(id),
                (None, Some(row)) => {
                    row.status = MatchStatus::Rejected;
                    row.decided_by = Some(m.decided_by.clone());
                    row.decided_at = Some(self.now);
                }
                (None, None) => {}
            }
        }
        let reasons = m.reasons.to_stored();
        let rows: Vec<NewRow> = m
            .allocations
            .iter()
            .map(|a| NewRow {
                transaction_id: m.transaction_id,
                invoice_id: a.invoice_id,
                amount: a.amount,
                confidence: m.confidence,
                method: m.method,
                reasons: reasons.clone(),
                status: MatchStatus::Confirmed,
                decided_by: Some(m.decided_by.clone()),
                decided_at: Some(self.now),
            })
            .collect();
        self.state
            .insert(m.transaction_id, ReconciliationState::Matched);
        if m.method == MatchMethod::Manual
            && let Some(tx) = self.transactions.get(&m.transaction_id)
        {
            self.plan.manual.push(Manual {
                transaction: tx.clone(),
                rows,
                who: m.decided_by.clone(),
            });
        } else {
            let place = self.suggestions.len();
            self.rows.extend(rows.into_iter().map(|r| (place, r)));
        }
        self.plan.done.auto_matched += 1;
    }

    fn finish(mut self) -> Plan {
        // New rows in the order they were made: suggestions and matches interleaved.
        let mut made: Vec<(usize, u8, NewRow)> = self
            .suggestions
            .into_iter()
            .enumerate()
            .filter(|(_, s)| !s.dropped)
            .filter_map(|(i, s)| s.row.map(|r| (i, 1, r)))
            .collect();
        made.extend(self.rows.into_iter().map(|(place, r)| (place, 0, r)));
        made.sort_by_key(|(place, kind, _)| (*place, *kind));
        self.plan.inserted = made.into_iter().map(|(_, _, r)| r).collect();
        for id in self.changed_invoices {
            if let Some(inv) = self.invoices.get(&id) {
                self.plan
                    .invoices
                    .push((id, inv.open_amount.decimal(), inv.status));
            }
        }
        for (id, state) in self.state {
            if self.initial_state.get(&id) != Some(&state) {
                self.plan.states.entry(state).or_default().push(id);
            }
        }
        for ids in self.plan.states.values_mut() {
            ids.sort_unstable();
        }
        self.plan
    }
}

/// Plays `decisions` out over the loaded rows. A decision that could never be stored (a match
/// without invoices, an amount that is not positive) fails the whole pass, as it did one by
/// one.
pub(super) fn play(
    loaded: Loaded,
    decisions: &[PassDecision],
    now: OffsetDateTime,
) -> Result<Plan, Error> {
    for d in decisions {
        if let PassDecision::Auto(m) = d {
            if m.allocations.is_empty() {
                return Err(Error::Invalid("a match needs at least one invoice".into()));
            }
            if let Some(a) = m.allocations.iter().find(|a| a.amount <= Decimal::ZERO) {
                return Err(Error::Invalid(format!(
                    "allocation to invoice {} must be positive, got {}",
                    a.invoice_id, a.amount
                )));
            }
        }
    }
    let mut state: HashMap<i64, ReconciliationState> = loaded
        .transactions
        .values()
        .map(|t| (t.id, t.reconciliation_state))
        .collect();
    state.extend(loaded.others.iter().map(|(k, v)| (*k, *v)));
    let mut pass = Pass {
        now,
        transactions: loaded.transactions,
        invoices: loaded.invoices,
        initial_state: state.clone(),
        state,
        changed_invoices: BTreeSet::new(),
        suggestions: Vec::new(),
        rows: Vec::new(),
        by_transaction: HashMap::new(),
        by_invoice: HashMap::new(),
        plan: Plan::default(),
    };
    for m in loaded.suggested {
        pass.add_suggestion(Suggestion {
            stored: Some(m.id),
            row: None,
            transaction_id: m.transaction_id,
            invoice_id: m.invoice_id,
            open: true,
            dropped: false,
        });
    }
    for d in decisions {
        match d {
            PassDecision::Auto(m) => pass.auto(m),
            PassDecision::Suggest {
                transaction_id,
                suggestions,
            } => {
                pass.record(*transaction_id, suggestions);
                pass.plan.done.suggested += 1;
            }
            PassDecision::Clear { transaction_id } => pass.record(*transaction_id, &[]),
        }
    }
    Ok(pass.finish())
}
