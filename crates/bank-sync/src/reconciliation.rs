//! Auto-reconciliation: the `reconcile` crate decides, `storage` applies — automatic matches
//! booked, uncertain ones queued for review with their reasons, all of a pass in one database
//! transaction so an interrupted pass leaves nothing half decided.

use std::collections::HashMap;
use std::sync::atomic::Ordering;

use rust_decimal::Decimal;
use rust_decimal::prelude::FromPrimitive as _;
use storage::{
    InvoiceKind, MatchDecision, MatchMethod, MatchReasons, NewAllocation, NewSuggestion,
    PassDecision, ReasonLine, ReconciliationState,
};

use crate::error::SyncError;
use crate::payers::{PassContext, Payers, group, iban_key};
use crate::service::BankSync;

/// What a reconciliation run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReconcileSummary {
    /// Transactions matched automatically.
    pub auto_matched: u64,
    /// Transactions given suggestions.
    pub suggested: u64,
    /// Transactions without a candidate.
    pub unmatched: u64,
    /// Automatic matches the database refused (the invoice changed meanwhile); queued instead.
    pub conflicts: u64,
    /// Where the time went.
    pub took: ReconcileTimings,
}

/// How long each step of a reconciliation took (the pass log and the benchmark show them).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReconcileTimings {
    /// Reading the unmatched payments, the open invoices and the known payers.
    pub load: std::time::Duration,
    /// The matcher's run.
    pub matching: std::time::Duration,
    /// Turning the outcomes into decisions and committing them.
    pub store: std::time::Duration,
}

fn confidence(c: f64) -> Decimal {
    Decimal::from_f64(c)
        .unwrap_or_default()
        .round_dp(4)
        .clamp(Decimal::ZERO, Decimal::ONE)
}

fn to_input(
    t: &storage::entity::transaction::Model,
) -> Result<Option<reconcile::Transaction>, SyncError> {
    let Some(booking_date) = t.booking_date.or(t.value_date) else {
        return Ok(None);
    };
    Ok(Some(reconcile::Transaction {
        id: t.id.to_string(),
        amount: t.amount.decimal(),
        currency: t.currency.clone(),
        booking_date,
        value_date: t.value_date,
        counterparty_name: t.counterparty_name.clone(),
        counterparty_iban: t.counterparty_iban.clone(),
        remittance_unstructured: t.remittance_unstructured.clone(),
        remittance_structured: t.remittance_structured.clone(),
        end_to_end_id: t.end_to_end_id.clone(),
    }))
}

fn invoice_input(
    i: &storage::entity::invoice::Model,
    payers: &Payers,
) -> Result<reconcile::Invoice, SyncError> {
    let mut customer_ibans = i.ibans()?;
    if let Some(known) = i.customer_id.and_then(|c| payers.known.get(&c)) {
        let own: Vec<String> = customer_ibans.iter().map(|x| iban_key(x)).collect();
        customer_ibans.extend(known.iter().filter(|k| !own.contains(k)).cloned());
    }
    Ok(reconcile::Invoice {
        id: i.id.to_string(),
        number: i.number.clone(),
        kind: match i.kind {
            InvoiceKind::Invoice => reconcile::InvoiceKind::Invoice,
            InvoiceKind::CreditNote => reconcile::InvoiceKind::CreditNote,
        },
        customer_id: group(i),
        customer_name: i.customer_name.clone(),
        customer_ibans,
        open_amount: i.open_amount.decimal(),
        currency: i.currency.clone(),
        issue_date: i.issue_date,
        due_date: i.due_date.unwrap_or(i.issue_date),
        creditor_reference: i.creditor_reference.clone(),
        end_to_end_id: None,
    })
}

/// The matcher's reasons as stored: each with its points, the sentence people read, and the
/// typed signal for programs; a known IBAN that a person's decision taught says so.
fn reason_lines(
    reasons: &[reconcile::ScoredReason],
    allocations: &[reconcile::Allocation],
    ctx: &PassContext,
) -> Vec<ReasonLine> {
    reasons
        .iter()
        .map(|r| {
            let learned_from = match &r.reason {
                reconcile::Reason::PayerIbanKnown { iban } => ctx.learned_from(iban, allocations),
                _ => None,
            };
            let text = match &learned_from {
                Some(l) => format!("known payer (learned from decision on {})", l.on),
                None => r.reason.to_string(),
            };
            ReasonLine {
                points: i64::from(r.points),
                text,
                signal: serde_json::to_value(&r.reason).ok(),
                learned_from,
                ..ReasonLine::default()
            }
        })
        .collect()
}

fn id(text: &str) -> Result<i64, SyncError> {
    text.parse()
        .map_err(|_| SyncError::Storage(storage::Error::Corrupt(format!("matcher id {text:?}"))))
}

impl BankSync {
    /// Matches the unmatched booked transactions (of one account, or all) against the open
    /// invoices and stores the decisions, `who` recorded on automatic ones.
    pub async fn reconcile(
        &self,
        account_id: Option<i64>,
        who: &str,
    ) -> Result<ReconcileSummary, SyncError> {
        let started = std::time::Instant::now();
        let rows = self.db.unmatched_transactions(account_id).await?;
        self.reconcile_rows(rows, who, started).await
    }

    /// [`BankSync::reconcile`] over the unmatched transactions of these accounts together, in
    /// one matcher run: the open invoices are loaded and indexed once, and payments of
    /// different accounts competing for one invoice are weighed against each other (the
    /// matcher allocates no invoice twice in a run). A worker's pass calls this once for the
    /// accounts it synced.
    pub async fn reconcile_accounts(
        &self,
        account_ids: &[i64],
        who: &str,
    ) -> Result<ReconcileSummary, SyncError> {
        if account_ids.is_empty() {
            return Ok(ReconcileSummary::default());
        }
        let started = std::time::Instant::now();
        let rows = self.db.unmatched_transactions_of(account_ids).await?;
        self.reconcile_rows(rows, who, started).await
    }

    async fn reconcile_rows(
        &self,
        rows: Vec<storage::entity::transaction::Model>,
        who: &str,
        started: std::time::Instant,
    ) -> Result<ReconcileSummary, SyncError> {
        let states: HashMap<i64, ReconciliationState> = rows
            .iter()
            .map(|t| (t.id, t.reconciliation_state))
            .collect();
        let txs = rows
            .iter()
            .map(to_input)
            .filter_map(Result::transpose)
            .collect::<Result<Vec<_>, _>>()?;
        let mut summary = ReconcileSummary::default();
        if txs.is_empty() {
            return Ok(summary);
        }
        self.matcher_runs.fetch_add(1, Ordering::Relaxed);
        let payers = Payers::from_rows(self.db.customer_payers().await?);
        let open = self.db.open_invoices().await?;
        let invoices = open
            .iter()
            .map(|i| invoice_input(i, &payers))
            .collect::<Result<Vec<_>, _>>()?;
        let ctx = PassContext {
            customer_of: open
                .iter()
                .filter_map(|i| Some((i.id.to_string(), i.customer_id?)))
                .collect(),
            payer_of: rows
                .iter()
                .map(|t| {
                    (
                        t.id.to_string(),
                        (t.counterparty_iban.clone(), t.counterparty_name.clone()),
                    )
                })
                .collect(),
            payers,
        };
        summary.took.load = started.elapsed();
        // Matching is CPU work; keep it off the async threads.
        let matching = std::time::Instant::now();
        let matcher = self.matcher.clone();
        let outcomes = tokio::task::spawn_blocking(move || matcher.reconcile(&txs, &invoices))
            .await
            .map_err(|e| SyncError::Internal(format!("the matcher task failed: {e}")))?;
        summary.took.matching = matching.elapsed();
        let storing = std::time::Instant::now();
        let mut decisions = Vec::with_capacity(outcomes.len());
        for mut o in outcomes {
            let tx_id = id(&o.transaction_id)?;
            ctx.drop_rejected(&mut o);
            match &o.decision {
                reconcile::Decision::Auto {
                    allocations,
                    confidence: c,
                    reasons,
                    ..
                } => {
                    decisions.push(PassDecision::Auto(MatchDecision {
                        transaction_id: tx_id,
                        allocations: allocations
                            .iter()
                            .map(|a| {
                                Ok(NewAllocation {
                                    invoice_id: id(&a.invoice_id)?,
                                    amount: a.amount,
                                })
                            })
                            .collect::<Result<_, SyncError>>()?,
                        confidence: confidence(*c),
                        method: MatchMethod::Auto,
                        reasons: MatchReasons {
                            reasons: reason_lines(reasons, allocations, &ctx),
                            ..MatchReasons::default()
                        },
                        decided_by: who.to_owned(),
                    }));
                }
                reconcile::Decision::Suggest {
                    candidates,
                    held_back,
                } => {
                    let mut queued = Vec::new();
                    for c in candidates {
                        let reasons = MatchReasons {
                            reasons: reason_lines(&c.reasons, &c.allocations, &ctx),
                            held_back: Some(held_back.to_string()),
                            allocations: serde_json::to_value(&c.allocations).ok(),
                            before: None,
                        };
                        for a in &c.allocations {
                            queued.push(NewSuggestion {
                                invoice_id: id(&a.invoice_id)?,
                                amount: a.amount,
                                confidence: confidence(c.confidence),
                                reasons: reasons.clone(),
                            });
                        }
                    }
                    decisions.push(PassDecision::Suggest {
                        transaction_id: tx_id,
                        suggestions: queued,
                    });
                }
                reconcile::Decision::NoMatch { .. } => {
                    if states.get(&tx_id) == Some(&ReconciliationState::Suggested) {
                        decisions.push(PassDecision::Clear {
                            transaction_id: tx_id,
                        });
                    }
                    summary.unmatched += 1;
                }
            }
        }
        // All decisions of the pass commit together (see storage's reconciliation_pass).
        let done = self
            .db
            .commit_reconciliation(&decisions, self.now())
            .await?;
        summary.auto_matched = done.auto_matched;
        summary.suggested = done.suggested;
        summary.conflicts = done.conflicts;
        summary.took.store = storing.elapsed();
        Ok(summary)
    }
}
