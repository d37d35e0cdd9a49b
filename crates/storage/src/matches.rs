//! Matches between transactions and invoices: applied, suggested, confirmed, rejected, undone.
//!
//! Applying a match and reducing the invoices' open amounts happen in one database transaction,
//! with the invoice rows locked on PostgreSQL (SQLite has a single writer), so no invoice is ever
//! over-allocated however many workers and users act at once. Nothing is deleted: a rejected or
//! undone match stays with who decided and when.

use rust_decimal::Decimal;
use sea_orm::{
    ActiveValue::Set, ColumnTrait as _, ConnectionTrait, EntityTrait as _, PaginatorTrait as _,
    QueryFilter as _, QueryOrder as _, QuerySelect as _,
};
use time::OffsetDateTime;

use crate::customers::{learn_in, reject_in};
use crate::db::Database;
use crate::entity::allocation::{self, Column, Entity};
use crate::entity::{invoice, transaction};
use crate::error::Error;
use crate::reasons::MatchReasons;
use crate::state::{InvoiceStatus, MatchMethod, MatchStatus, ReconciliationState};

/// Part of a payment allocated to one invoice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAllocation {
    /// Invoice.
    pub invoice_id: i64,
    /// Positive amount taken from the invoice's open amount.
    pub amount: Decimal,
}

/// A decision to store: one transaction settling one or more invoices.
#[derive(Debug, Clone, PartialEq)]
pub struct MatchDecision {
    /// The bank transaction.
    pub transaction_id: i64,
    /// The invoices and amounts.
    pub allocations: Vec<NewAllocation>,
    /// Score between 0 and 1.
    pub confidence: Decimal,
    /// Auto or manual.
    pub method: MatchMethod,
    /// Why: the matcher's reasons, or [`MatchReasons::by_hand`].
    pub reasons: MatchReasons,
    /// `auto` or the user.
    pub decided_by: String,
}

/// A candidate the matcher was not sure of, for the review queue.
#[derive(Debug, Clone, PartialEq)]
pub struct NewSuggestion {
    /// Invoice.
    pub invoice_id: i64,
    /// Amount it would allocate.
    pub amount: Decimal,
    /// Score between 0 and 1.
    pub confidence: Decimal,
    /// Why it is suggested, and why it was held back.
    pub reasons: MatchReasons,
}

async fn lock_invoice(
    txn: &impl ConnectionTrait,
    id: i64,
    postgres: bool,
) -> Result<invoice::Model, Error> {
    let mut q = invoice::Entity::find_by_id(id);
    if postgres {
        q = q.lock_exclusive();
    }
    q.one(txn)
        .await?
        .ok_or_else(|| Error::NotFound(format!("invoice {id}")))
}

/// Sets an invoice's open amount and the status that follows from it; returns the status.
async fn set_open(
    txn: &impl ConnectionTrait,
    inv: invoice::Model,
    open: Decimal,
    now: OffsetDateTime,
) -> Result<InvoiceStatus, Error> {
    let total = inv.total.decimal();
    let status = InvoiceStatus::for_amounts(open, total);
    let mut am: invoice::ActiveModel = inv.into();
    am.open_amount = Set(open.into());
    am.status = Set(status);
    am.updated_at = Set(now);
    invoice::Entity::update(am).exec(txn).await?;
    Ok(status)
}

/// Drops the open suggestions for invoices that are no longer open (paid, cancelled), inside
/// the transaction that closed them, except those of the payment `deciding` (the decision
/// settles its own suggestions). A suggestion allocates nothing, so dropping it loses no
/// decision; it was a proposal that can no longer be confirmed. A payment left without any
/// suggestion is unmatched again, so the next reconciliation pass looks at it afresh (and
/// proposes the invoice again if an undo opens it). Returns how many were dropped.
pub(crate) async fn drop_stale_suggestions_in(
    txn: &impl ConnectionTrait,
    closed_invoices: &[i64],
    deciding: Option<i64>,
) -> Result<u64, Error> {
    if closed_invoices.is_empty() {
        return Ok(0);
    }
    let mut stale = Entity::find()
        .filter(Column::InvoiceId.is_in(closed_invoices.iter().copied()))
        .filter(Column::Status.eq(MatchStatus::Suggested));
    if let Some(t) = deciding {
        stale = stale.filter(Column::TransactionId.ne(t));
    }
    let rows = stale.all(txn).await?;
    if rows.is_empty() {
        return Ok(0);
    }
    let ids: Vec<i64> = rows.iter().map(|m| m.id).collect();
    let dropped = Entity::delete_many()
        .filter(Column::Id.is_in(ids))
        .exec(txn)
        .await?
        .rows_affected;
    let mut payments: Vec<i64> = rows.iter().map(|m| m.transaction_id).collect();
    payments.sort_unstable();
    payments.dedup();
    for t in payments {
        let left = Entity::find()
            .filter(Column::TransactionId.eq(t))
            .filter(Column::Status.eq(MatchStatus::Suggested))
            .count(txn)
            .await?;
        if left == 0 {
            transaction::Entity::update_many()
                .col_expr(
                    transaction::Column::ReconciliationState,
                    ReconciliationState::Unmatched.into(),
                )
                .filter(transaction::Column::Id.eq(t))
                .filter(transaction::Column::ReconciliationState.eq(ReconciliationState::Suggested))
                .exec(txn)
                .await?;
        }
    }
    Ok(dropped)
}

async fn set_reconciliation_state<C: ConnectionTrait>(
    db: &C,
    transaction_id: i64,
    state: ReconciliationState,
) -> Result<(), Error> {
    transaction::Entity::update_many()
        .col_expr(transaction::Column::ReconciliationState, state.into())
        .filter(transaction::Column::Id.eq(transaction_id))
        .exec(db)
        .await?;
    Ok(())
}

/// Takes `amount` from the invoice's open amount, refusing to go below zero; returns the
/// invoice's new status.
async fn allocate(
    txn: &impl ConnectionTrait,
    postgres: bool,
    invoice_id: i64,
    amount: Decimal,
    now: OffsetDateTime,
) -> Result<InvoiceStatus, Error> {
    if amount <= Decimal::ZERO {
        return Err(Error::Invalid(format!(
            "allocation to invoice {invoice_id} must be positive, got {amount}"
        )));
    }
    let inv = lock_invoice(txn, invoice_id, postgres).await?;
    let open = inv.open_amount.decimal();
    if amount > open {
        return Err(Error::Conflict(format!(
            "invoice {} has {} open; cannot allocate {}",
            inv.number, open, amount
        )));
    }
    if inv.status == InvoiceStatus::Cancelled {
        return Err(Error::Conflict(format!(
            "invoice {} is cancelled",
            inv.number
        )));
    }
    set_open(txn, inv, open - amount, now).await
}

/// [`Database::apply_match`] inside the caller's transaction.
pub(crate) async fn apply_match_in(
    txn: &impl ConnectionTrait,
    postgres: bool,
    d: &MatchDecision,
    now: OffsetDateTime,
) -> Result<Vec<allocation::Model>, Error> {
    if d.allocations.is_empty() {
        return Err(Error::Invalid("a match needs at least one invoice".into()));
    }
    let mut q = transaction::Entity::find_by_id(d.transaction_id);
    if postgres {
        q = q.lock_exclusive();
    }
    let tx = q
        .one(txn)
        .await?
        .ok_or_else(|| Error::NotFound(format!("transaction {}", d.transaction_id)))?;
    if tx.reconciliation_state == ReconciliationState::Matched {
        return Err(Error::Conflict(format!(
            "transaction {} is already matched; undo that match first",
            tx.id
        )));
    }
    let paid = tx.amount.decimal().abs();
    let sum: Decimal = d.allocations.iter().map(|a| a.amount).sum();
    if sum > paid {
        return Err(Error::Conflict(format!(
            "allocations sum to {sum}, more than the payment's {paid}"
        )));
    }
    // Lock invoices in id order so two concurrent decisions cannot deadlock.
    let mut order: Vec<&NewAllocation> = d.allocations.iter().collect();
    order.sort_by_key(|a| a.invoice_id);
    let mut closed = Vec::new();
    for a in order {
        if !allocate(txn, postgres, a.invoice_id, a.amount, now)
            .await?
            .is_open()
        {
            closed.push(a.invoice_id);
        }
    }
    // Other payments' suggestions for an invoice this decision settled can no longer be
    // confirmed: they leave the review queue now, not when someone clicks them.
    drop_stale_suggestions_in(txn, &closed, Some(d.transaction_id)).await?;
    // Suggestions for this transaction are settled by the decision.
    Entity::update_many()
        .col_expr(Column::Status, MatchStatus::Rejected.into())
        .col_expr(Column::DecidedBy, Some(d.decided_by.clone()).into())
        .col_expr(Column::DecidedAt, Some(now).into())
        .filter(Column::TransactionId.eq(d.transaction_id))
        .filter(Column::Status.eq(MatchStatus::Suggested))
        .exec(txn)
        .await?;
    let reasons = d.reasons.to_stored();
    let mut stored = Vec::with_capacity(d.allocations.len());
    for a in &d.allocations {
        let row = allocation::ActiveModel {
            transaction_id: Set(d.transaction_id),
            invoice_id: Set(a.invoice_id),
            amount: Set(a.amount.into()),
            confidence: Set(d.confidence.into()),
            method: Set(d.method),
            reasons: Set(reasons.clone()),
            status: Set(MatchStatus::Confirmed),
            decided_by: Set(Some(d.decided_by.clone())),
            created_at: Set(now),
            decided_at: Set(Some(now)),
            ..Default::default()
        };
        stored.push(Entity::insert(row).exec_with_returning(txn).await?);
    }
    set_reconciliation_state(txn, d.transaction_id, ReconciliationState::Matched).await?;
    // A person's match teaches who the payer is; the matcher's own does not (it would only
    // confirm itself).
    if d.method == MatchMethod::Manual
        && let Some(first) = stored.first()
    {
        let invoices: Vec<i64> = d.allocations.iter().map(|a| a.invoice_id).collect();
        learn_in(txn, &tx, &invoices, first.id, &d.decided_by, now).await?;
    }
    Ok(stored)
}

/// [`Database::record_suggestions`] inside the caller's transaction.
pub(crate) async fn record_suggestions_in(
    txn: &impl ConnectionTrait,
    transaction_id: i64,
    suggestions: &[NewSuggestion],
    now: OffsetDateTime,
) -> Result<(), Error> {
    let tx = transaction::Entity::find_by_id(transaction_id)
        .one(txn)
        .await?
        .ok_or_else(|| Error::NotFound(format!("transaction {transaction_id}")))?;
    if tx.reconciliation_state == ReconciliationState::Matched {
        return Ok(());
    }
    Entity::delete_many()
        .filter(Column::TransactionId.eq(transaction_id))
        .filter(Column::Status.eq(MatchStatus::Suggested))
        .exec(txn)
        .await?;
    for s in suggestions {
        Entity::insert(allocation::ActiveModel {
            transaction_id: Set(transaction_id),
            invoice_id: Set(s.invoice_id),
            amount: Set(s.amount.into()),
            confidence: Set(s.confidence.into()),
            method: Set(MatchMethod::Auto),
            reasons: Set(s.reasons.to_stored()),
            status: Set(MatchStatus::Suggested),
            decided_by: Set(None),
            created_at: Set(now),
            decided_at: Set(None),
            ..Default::default()
        })
        .exec_without_returning(txn)
        .await?;
    }
    let state = if suggestions.is_empty() {
        ReconciliationState::Unmatched
    } else {
        ReconciliationState::Suggested
    };
    set_reconciliation_state(txn, transaction_id, state).await?;
    Ok(())
}

/// Gives the allocated amounts back to their invoices' open amounts, locking the invoices in id
/// order (as [`Database::apply_match`] does) so concurrent decisions cannot deadlock.
async fn give_back(
    txn: &impl ConnectionTrait,
    postgres: bool,
    allocations: &[allocation::Model],
    now: OffsetDateTime,
) -> Result<(), Error> {
    let mut order: Vec<&allocation::Model> = allocations.iter().collect();
    order.sort_by_key(|a| (a.invoice_id, a.id));
    for a in order {
        let inv = lock_invoice(txn, a.invoice_id, postgres).await?;
        let open = inv.open_amount.decimal() + a.amount.decimal();
        set_open(txn, inv, open, now).await?;
    }
    Ok(())
}

/// A stored transaction whose amount an import changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct AmountChange {
    pub(crate) transaction_id: i64,
    pub(crate) before: Decimal,
    pub(crate) after: Decimal,
}

/// Re-opens for review the confirmed allocations of transactions whose amount the bank changed,
/// inside the import's database transaction: each goes back to `suggested` with a reason, the
/// invoices get the allocated amounts back (as [`Database::undo_match`] does) and the
/// transaction becomes `suggested`. A match made for 100.00 says nothing about a payment of
/// 90.00; a person decides again. Returns the number of allocations re-opened.
///
/// The import has already written the new amounts, so on PostgreSQL it holds those rows' locks:
/// [`Database::apply_match`] on them waits for this transaction and then sees the new amount.
/// The invoices are locked before the allocations are read again, so a concurrent
/// [`Database::undo_match`] either finished first (its allocations are no longer confirmed and
/// are not given back twice) or fails its own check and changes nothing.
pub(crate) async fn reopen_changed_amounts(
    txn: &impl ConnectionTrait,
    postgres: bool,
    changes: &[AmountChange],
    now: OffsetDateTime,
) -> Result<u64, Error> {
    if changes.is_empty() {
        return Ok(0);
    }
    let ids: Vec<i64> = changes.iter().map(|c| c.transaction_id).collect();
    let confirmed = || {
        Entity::find()
            .filter(Column::TransactionId.is_in(ids.clone()))
            .filter(Column::Status.eq(MatchStatus::Confirmed))
    };
    let mut invoices: Vec<i64> = confirmed()
        .all(txn)
        .await?
        .iter()
        .map(|a| a.invoice_id)
        .collect();
    if invoices.is_empty() {
        return Ok(0);
    }
    invoices.sort_unstable();
    invoices.dedup();
    for id in invoices {
        lock_invoice(txn, id, postgres).await?;
    }
    let allocations = confirmed().all(txn).await?;
    give_back(txn, postgres, &allocations, now).await?;
    let today = now.date();
    let mut reopened = 0;
    for a in &allocations {
        let Some(c) = changes
            .iter()
            .find(|c| c.transaction_id == a.transaction_id)
        else {
            continue;
        };
        let why = format!(
            "the bank changed the amount from {} to {} on {today}",
            c.before, c.after
        );
        let decided = serde_json::json!({
            "decided_by": a.decided_by,
            "decided_at": a.decided_at.map(|t| t.to_string()),
        });
        let res = Entity::update_many()
            .col_expr(Column::Status, MatchStatus::Suggested.into())
            .col_expr(
                Column::Reasons,
                MatchReasons::from_stored(&a.reasons)
                    .reopened(&why, decided)
                    .to_stored()
                    .into(),
            )
            .col_expr(Column::DecidedBy, Option::<String>::None.into())
            .col_expr(Column::DecidedAt, Option::<OffsetDateTime>::None.into())
            .filter(Column::Id.eq(a.id))
            .filter(Column::Status.eq(MatchStatus::Confirmed))
            .exec(txn)
            .await?;
        if res.rows_affected != 1 {
            return Err(Error::Conflict(format!(
                "match {} changed while the import re-opened it; run the sync again",
                a.id
            )));
        }
        set_reconciliation_state(txn, a.transaction_id, ReconciliationState::Suggested).await?;
        reopened += 1;
    }
    Ok(reopened)
}

impl Database {
    /// Applies a decision: confirmed matches stored, open amounts reduced, the transaction marked
    /// matched — all or nothing. Refuses a transaction that is already matched, an allocation
    /// above an invoice's open amount, and allocations summing above the payment.
    pub async fn apply_match(&self, d: &MatchDecision) -> Result<Vec<allocation::Model>, Error> {
        if d.allocations.is_empty() {
            return Err(Error::Invalid("a match needs at least one invoice".into()));
        }
        let postgres = self.is_postgres();
        let now = OffsetDateTime::now_utc();
        let txn = self.begin_write().await?;
        let stored = apply_match_in(&txn, postgres, d, now).await?;
        txn.commit().await?;
        Ok(stored)
    }

    /// Replaces the open suggestions of an unmatched transaction with `suggestions`.
    pub async fn record_suggestions(
        &self,
        transaction_id: i64,
        suggestions: &[NewSuggestion],
    ) -> Result<(), Error> {
        let now = OffsetDateTime::now_utc();
        let txn = self.begin_write().await?;
        record_suggestions_in(&txn, transaction_id, suggestions, now).await?;
        txn.commit().await?;
        Ok(())
    }

    /// Confirms a suggestion as a manual match by `who`; its payer becomes a learned payer of
    /// the invoice's customer in the same database transaction.
    pub async fn confirm_suggestion(
        &self,
        match_id: i64,
        who: &str,
    ) -> Result<Vec<allocation::Model>, Error> {
        let m = self.find_match(match_id).await?;
        if m.status != MatchStatus::Suggested {
            return Err(Error::Conflict(format!(
                "match {match_id} is {}, not a suggestion",
                m.status
            )));
        }
        self.apply_match(&MatchDecision {
            transaction_id: m.transaction_id,
            allocations: vec![NewAllocation {
                invoice_id: m.invoice_id,
                amount: m.amount.decimal(),
            }],
            confidence: m.confidence.decimal(),
            method: MatchMethod::Manual,
            reasons: MatchReasons::from_stored(&m.reasons),
            decided_by: who.to_owned(),
        })
        .await
    }

    /// Rejects a suggestion; it stays on record with who rejected it, and its payer is recorded
    /// as not the invoice's customer (in the same database transaction).
    pub async fn reject_suggestion(&self, match_id: i64, who: &str) -> Result<(), Error> {
        let now = OffsetDateTime::now_utc();
        let txn = self.begin_write().await?;
        let res = Entity::update_many()
            .col_expr(Column::Status, MatchStatus::Rejected.into())
            .col_expr(Column::DecidedBy, Some(who.to_owned()).into())
            .col_expr(Column::DecidedAt, Some(now).into())
            .filter(Column::Id.eq(match_id))
            .filter(Column::Status.eq(MatchStatus::Suggested))
            .exec(&txn)
            .await?;
        if res.rows_affected == 0 {
            return Err(Error::Conflict(format!(
                "match {match_id} is not an open suggestion"
            )));
        }
        let m = Entity::find_by_id(match_id)
            .one(&txn)
            .await?
            .ok_or_else(|| Error::NotFound(format!("match {match_id}")))?;
        let tx = transaction::Entity::find_by_id(m.transaction_id)
            .one(&txn)
            .await?
            .ok_or_else(|| Error::NotFound(format!("transaction {}", m.transaction_id)))?;
        reject_in(&txn, &tx, m.invoice_id, match_id, who, now).await?;
        let left = Entity::find()
            .filter(Column::TransactionId.eq(m.transaction_id))
            .filter(Column::Status.eq(MatchStatus::Suggested))
            .count(&txn)
            .await?;
        if left == 0 {
            set_reconciliation_state(&txn, m.transaction_id, ReconciliationState::Unmatched)
                .await?;
        }
        txn.commit().await?;
        Ok(())
    }

    /// Undoes a confirmed match (and the other allocations of the same transaction): the
    /// invoices' open amounts come back and the transaction is unmatched again.
    pub async fn undo_match(&self, match_id: i64, who: &str) -> Result<u64, Error> {
        let m = self.find_match(match_id).await?;
        if m.status != MatchStatus::Confirmed {
            return Err(Error::Conflict(format!(
                "match {match_id} is {}, only a confirmed match can be undone",
                m.status
            )));
        }
        let postgres = self.is_postgres();
        let now = OffsetDateTime::now_utc();
        let txn = self.begin_write().await?;
        let siblings = Entity::find()
            .filter(Column::TransactionId.eq(m.transaction_id))
            .filter(Column::Status.eq(MatchStatus::Confirmed))
            .all(&txn)
            .await?;
        give_back(&txn, postgres, &siblings, now).await?;
        let res = Entity::update_many()
            .col_expr(Column::Status, MatchStatus::Undone.into())
            .col_expr(Column::DecidedBy, Some(who.to_owned()).into())
            .col_expr(Column::DecidedAt, Some(now).into())
            .filter(Column::TransactionId.eq(m.transaction_id))
            .filter(Column::Status.eq(MatchStatus::Confirmed))
            .exec(&txn)
            .await?;
        if res.rows_affected != siblings.len() as u64 {
            return Err(Error::Conflict(format!(
                "match {match_id} changed while it was being undone; try again"
            )));
        }
        set_reconciliation_state(&txn, m.transaction_id, ReconciliationState::Unmatched).await?;
        txn.commit().await?;
        Ok(res.rows_affected)
    }

    async fn find_match(&self, id: i64) -> Result<allocation::Model, Error> {
        Entity::find_by_id(id)
            .one(&self.conn)
            .await?
            .ok_or_else(|| Error::NotFound(format!("match {id}")))
    }

    /// Every match of a transaction, any status, oldest first.
    pub async fn matches_for_transaction(
        &self,
        transaction_id: i64,
    ) -> Result<Vec<allocation::Model>, Error> {
        Ok(Entity::find()
            .filter(Column::TransactionId.eq(transaction_id))
            .order_by_asc(Column::Id)
            .all(&self.conn)
            .await?)
    }

    /// The review queue: open suggestions, best first (the whole queue; pages come from
    /// [`suggestions_page`](Self::suggestions_page)).
    pub async fn open_suggestions(&self) -> Result<Vec<allocation::Model>, Error> {
        Ok(best_first(open_queue()).all(&self.conn).await?)
    }

    /// A page of the review queue, best first (`limit` clamped to 1–[`MAX_SUGGESTION_PAGE`]),
    /// with the number of open suggestions: the order and the page are made by the database,
    /// so a long queue is neither read whole nor sent in one answer.
    pub async fn suggestions_page(
        &self,
        limit: u64,
        offset: u64,
    ) -> Result<(Vec<allocation::Model>, u64), Error> {
        let total = open_queue().count(&self.conn).await?;
        let rows = best_first(open_queue())
            .limit(limit.clamp(1, MAX_SUGGESTION_PAGE))
            .offset(offset)
            .all(&self.conn)
            .await?;
        Ok((rows, total))
    }
}

/// Largest page of [`Database::suggestions_page`].
pub const MAX_SUGGESTION_PAGE: u64 = 1000;

/// Open suggestions, unordered.
fn open_queue() -> sea_orm::Select<Entity> {
    Entity::find().filter(Column::Status.eq(MatchStatus::Suggested))
}

/// Highest confidence first, then oldest: a stable order, so pages neither repeat nor skip rows.
/// Confidence is stored as decimal text, which sorts by spelling (`"0.90"` before `"0.9"`, equal
/// values out of id order): it is cast to a number for the order. PostgreSQL's `NUMERIC` is exact;
/// SQLite's cast gives a double, exact enough to order scores between 0 and 1 with a few decimals.
fn best_first(q: sea_orm::Select<Entity>) -> sea_orm::Select<Entity> {
    use sea_orm::sea_query::{Expr, ExprTrait as _, Order};
    q.order_by(
        Expr::col((Entity, Column::Confidence)).cast_as("NUMERIC"),
        Order::Desc,
    )
    .order_by_asc(Column::Id)
}

impl Database {
    /// The latest confirmed matches, newest first (for undo).
    pub async fn recent_matches(&self, limit: u64) -> Result<Vec<allocation::Model>, Error> {
        Ok(Entity::find()
            .filter(Column::Status.eq(MatchStatus::Confirmed))
            .order_by_desc(Column::Id)
            .limit(limit)
            .all(&self.conn)
            .await?)
    }
}
