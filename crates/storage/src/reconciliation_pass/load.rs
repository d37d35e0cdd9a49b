//! What a pass's decisions touch, read in a few statements: their transactions, the invoices
//! the automatic matches take from, and every open suggestion that may change (those of the
//! pass's transactions, and other payments' suggestions for those invoices, with their
//! payments' states). On PostgreSQL the matched transactions and the invoices are locked in id
//! order, as a single decision locks them, so concurrent decisions cannot deadlock.

use std::collections::{BTreeSet, HashMap};

use sea_orm::{
    ColumnTrait as _, ConnectionTrait, EntityTrait as _, QueryFilter as _, QueryOrder as _,
    QuerySelect as _,
};

use super::PassDecision;
use crate::chunks::IDS_PER_STATEMENT;
use crate::entity::{allocation, invoice, transaction};
use crate::error::Error;
use crate::state::{MatchStatus, ReconciliationState};

/// The rows a pass's decisions start from.
pub(super) struct Loaded {
    /// The transactions the decisions are about.
    pub(super) transactions: HashMap<i64, transaction::Model>,
    /// The invoices automatic matches allocate from.
    pub(super) invoices: HashMap<i64, invoice::Model>,
    /// Payments outside the pass holding suggestions for those invoices: their state.
    pub(super) others: HashMap<i64, ReconciliationState>,
    /// Open suggestions of every payment above, oldest first.
    pub(super) suggested: Vec<allocation::Model>,
}

fn transaction_of(d: &PassDecision) -> i64 {
    match d {
        PassDecision::Auto(m) => m.transaction_id,
        PassDecision::Suggest { transaction_id, .. } | PassDecision::Clear { transaction_id } => {
            *transaction_id
        }
    }
}

async fn transactions(
    txn: &impl ConnectionTrait,
    ids: &BTreeSet<i64>,
    lock: bool,
) -> Result<Vec<transaction::Model>, Error> {
    let ids: Vec<i64> = ids.iter().copied().collect();
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(IDS_PER_STATEMENT) {
        let mut q = transaction::Entity::find()
            .filter(transaction::Column::Id.is_in(chunk.iter().copied()))
            .order_by_asc(transaction::Column::Id);
        if lock {
            q = q.lock_exclusive();
        }
        out.extend(q.all(txn).await?);
    }
    Ok(out)
}

async fn suggestions_where(
    txn: &impl ConnectionTrait,
    column: allocation::Column,
    ids: &BTreeSet<i64>,
) -> Result<Vec<allocation::Model>, Error> {
    let ids: Vec<i64> = ids.iter().copied().collect();
    let mut out = Vec::new();
    for chunk in ids.chunks(IDS_PER_STATEMENT) {
        out.extend(
            allocation::Entity::find()
                .filter(column.is_in(chunk.iter().copied()))
                .filter(allocation::Column::Status.eq(MatchStatus::Suggested))
                .all(txn)
                .await?,
        );
    }
    Ok(out)
}

/// Reads (and on PostgreSQL locks) what `decisions` touch. A transaction or invoice they name
/// that does not exist is [`Error::NotFound`], as for a single decision.
pub(super) async fn load(
    txn: &impl ConnectionTrait,
    postgres: bool,
    decisions: &[PassDecision],
) -> Result<Loaded, Error> {
    let matched: BTreeSet<i64> = decisions
        .iter()
        .filter(|d| matches!(d, PassDecision::Auto(_)))
        .map(transaction_of)
        .collect();
    let queued: BTreeSet<i64> = decisions
        .iter()
        .map(transaction_of)
        .filter(|t| !matched.contains(t))
        .collect();
    let invoice_ids: BTreeSet<i64> = decisions
        .iter()
        .filter_map(|d| match d {
            PassDecision::Auto(m) => Some(m.allocations.iter().map(|a| a.invoice_id)),
            _ => None,
        })
        .flatten()
        .collect();

    let mut found = HashMap::with_capacity(matched.len() + queued.len());
    for t in transactions(txn, &matched, postgres).await? {
        found.insert(t.id, t);
    }
    for t in transactions(txn, &queued, false).await? {
        found.insert(t.id, t);
    }
    if let Some(missing) = matched
        .iter()
        .chain(&queued)
        .find(|t| !found.contains_key(t))
    {
        return Err(Error::NotFound(format!("transaction {missing}")));
    }

    let ids: Vec<i64> = invoice_ids.iter().copied().collect();
    let mut invoices = HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(IDS_PER_STATEMENT) {
        let mut q = invoice::Entity::find()
            .filter(invoice::Column::Id.is_in(chunk.iter().copied()))
            .order_by_asc(invoice::Column::Id);
        if postgres {
            q = q.lock_exclusive();
        }
        for i in q.all(txn).await? {
            invoices.insert(i.id, i);
        }
    }
    if let Some(missing) = invoice_ids.iter().find(|i| !invoices.contains_key(i)) {
        return Err(Error::NotFound(format!("invoice {missing}")));
    }

    // Other payments' suggestions for these invoices, and all open suggestions of every payment
    // concerned (a payment left with none is unmatched again).
    let on_invoices = suggestions_where(txn, allocation::Column::InvoiceId, &invoice_ids).await?;
    let other_ids: BTreeSet<i64> = on_invoices
        .iter()
        .map(|m| m.transaction_id)
        .filter(|t| !found.contains_key(t))
        .collect();
    let others = transactions(txn, &other_ids, false)
        .await?
        .into_iter()
        .map(|t| (t.id, t.reconciliation_state))
        .collect();
    let owners: BTreeSet<i64> = found.keys().chain(&other_ids).copied().collect();
    let mut suggested: HashMap<i64, allocation::Model> =
        on_invoices.into_iter().map(|m| (m.id, m)).collect();
    for m in suggestions_where(txn, allocation::Column::TransactionId, &owners).await? {
        suggested.insert(m.id, m);
    }
    let mut suggested: Vec<allocation::Model> = suggested.into_values().collect();
    suggested.sort_by_key(|m| m.id);
    Ok(Loaded {
        transactions: found,
        invoices,
        others,
        suggested,
    })
}
