//! A played-out pass written with multi-row statements, each within the engines' parameter
//! limits (`chunks.rs`): suggestions deleted and settled by id lists, new `matches` rows by
//! multi-row `INSERT`s, invoices' open amounts by one `UPDATE … FROM (VALUES …)` per chunk
//! (PostgreSQL, and SQLite since 3.33), payment states by id lists per state.

use sea_orm::{
    ActiveValue::Set, ColumnTrait as _, ConnectionTrait, EntityTrait as _, QueryFilter as _,
    Statement, Value,
};
use time::OffsetDateTime;

use super::plan::{NewRow, Plan};
use crate::chunks::{IDS_PER_STATEMENT, rows_per_statement};
use crate::customers::learn_in;
use crate::entity::{allocation, transaction};
use crate::error::Error;
use crate::money::{Confidence, Money};
use crate::state::MatchStatus;

/// Columns of an inserted `matches` row.
const MATCH_COLUMNS: usize = 10;
/// Bound values per invoice in the open-amount update.
const INVOICE_VALUES: usize = 3;

fn active(r: &NewRow, now: OffsetDateTime) -> allocation::ActiveModel {
    allocation::ActiveModel {
        transaction_id: Set(r.transaction_id),
        invoice_id: Set(r.invoice_id),
        amount: Set(Money::from(r.amount)),
        confidence: Set(Confidence::from(r.confidence)),
        method: Set(r.method),
        reasons: Set(r.reasons.clone()),
        status: Set(r.status),
        decided_by: Set(r.decided_by.clone()),
        created_at: Set(now),
        decided_at: Set(r.decided_at),
        ..Default::default()
    }
}

/// `UPDATE invoices … FROM (VALUES …)` for these (id, open amount, status) rows.
fn invoice_update(
    backend: sea_orm::DatabaseBackend,
    rows: &[(i64, rust_decimal::Decimal, crate::state::InvoiceStatus)],
    now: OffsetDateTime,
) -> Statement {
    let postgres = backend == sea_orm::DatabaseBackend::Postgres;
    let mut n = 0;
    let mut next = || {
        n += 1;
        if postgres {
            format!("${n}")
        } else {
            "?".to_owned()
        }
    };
    let tuples: Vec<String> = rows
        .iter()
        .map(|_| format!("({}, {}, {})", next(), next(), next()))
        .collect();
    let at = next();
    let sql = format!(
        "WITH v(id, open_amount, status) AS (VALUES {}) \
         UPDATE invoices SET open_amount = v.open_amount, status = v.status, updated_at = {at} \
         FROM v WHERE invoices.id = v.id",
        tuples.join(", ")
    );
    let mut values: Vec<Value> = Vec::with_capacity(rows.len() * INVOICE_VALUES + 1);
    for (id, open, status) in rows {
        values.push((*id).into());
        values.push(Money::from(*open).into());
        values.push(status.as_str().into());
    }
    values.push(now.into());
    Statement::from_sql_and_values(backend, sql, values)
}

/// Writes `plan` inside the pass's database transaction.
pub(super) async fn write(
    txn: &impl ConnectionTrait,
    plan: &Plan,
    now: OffsetDateTime,
) -> Result<(), Error> {
    for chunk in plan.deleted.chunks(IDS_PER_STATEMENT) {
        allocation::Entity::delete_many()
            .filter(allocation::Column::Id.is_in(chunk.iter().copied()))
            .exec(txn)
            .await?;
    }
    for (who, ids) in &plan.rejected {
        for chunk in ids.chunks(IDS_PER_STATEMENT) {
            allocation::Entity::update_many()
                .col_expr(allocation::Column::Status, MatchStatus::Rejected.into())
                .col_expr(allocation::Column::DecidedBy, Some(who.clone()).into())
                .col_expr(allocation::Column::DecidedAt, Some(now).into())
                .filter(allocation::Column::Id.is_in(chunk.iter().copied()))
                .exec(txn)
                .await?;
        }
    }
    for chunk in plan.inserted.chunks(rows_per_statement(MATCH_COLUMNS)) {
        allocation::Entity::insert_many(chunk.iter().map(|r| active(r, now)))
            .exec_without_returning(txn)
            .await?;
    }
    let backend = txn.get_database_backend();
    for chunk in plan.invoices.chunks(rows_per_statement(INVOICE_VALUES)) {
        txn.execute_raw(invoice_update(backend, chunk, now)).await?;
    }
    for (state, ids) in &plan.states {
        for chunk in ids.chunks(IDS_PER_STATEMENT) {
            transaction::Entity::update_many()
                .col_expr(transaction::Column::ReconciliationState, (*state).into())
                .filter(transaction::Column::Id.is_in(chunk.iter().copied()))
                .exec(txn)
                .await?;
        }
    }
    // A person's match teaches who the payer is (see `matches.rs`); it needs the row's id.
    for m in &plan.manual {
        let mut first = None;
        for r in &m.rows {
            let row = allocation::Entity::insert(active(r, now))
                .exec_with_returning(txn)
                .await?;
            first.get_or_insert(row.id);
        }
        if let Some(id) = first {
            let invoices: Vec<i64> = m.rows.iter().map(|r| r.invoice_id).collect();
            learn_in(txn, &m.transaction, &invoices, id, &m.who, now).await?;
        }
    }
    Ok(())
}
