//! The SQLite import of one page: read the page's known rows, then insert, update and supersede
//! in one database transaction (SQLite has a single writer, taken for the whole page).

use std::collections::HashMap;

use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait as _, EntityTrait as _, QueryFilter as _, TryInsertResult,
};
use time::OffsetDateTime;

use super::page::{ImportCounts, NewTransaction};
use super::supersede::{PendingRow, pick_superseded};
use crate::db::Database;
use crate::entity::transaction::{self, Column, Entity};
use crate::error::Error;
use crate::matches::{AmountChange, reopen_changed_amounts};
use crate::state::{BookingStatus, ReconciliationState};

/// Whether the bank changed a known row: the fields an update writes, the amount compared as
/// stored text (a new scale is a change), the status as [`BookingStatus::relisted_as`] makes it.
/// The PostgreSQL statement's `DO UPDATE … WHERE` compares the same.
fn changed(row: &transaction::Model, t: &NewTransaction) -> bool {
    row.booking_date != t.booking_date
        || row.value_date != t.value_date
        || row.amount.to_string() != t.amount.to_string()
        || row.remittance_unstructured != t.remittance_unstructured
        || row.remittance_structured != t.remittance_structured
        || row.counterparty_name != t.counterparty_name
        || row.entry_reference != t.entry_reference
        || row.status != row.status.relisted_as(t.status)
}

/// Keys per `IN (…)` lookup and rows per `INSERT`: SQLite takes at most 32,766 parameters in
/// one statement (`SQLITE_MAX_VARIABLE_NUMBER`, <https://www.sqlite.org/limits.html#max_variable_number>),
/// and a statement file is imported as one page of any length. A row binds 19 values.
const KEYS_PER_LOOKUP: usize = 10_000;
const ROWS_PER_INSERT: usize = 1_000;

/// The account's stored rows with these dedupe keys, looked up a bounded number at a time.
async fn rows_with_keys<C: sea_orm::ConnectionTrait>(
    db: &C,
    account_id: i64,
    keys: &[String],
) -> Result<Vec<transaction::Model>, Error> {
    let mut out = Vec::new();
    for chunk in keys.chunks(KEYS_PER_LOOKUP) {
        out.extend(
            Entity::find()
                .filter(Column::AccountId.eq(account_id))
                .filter(Column::DedupeKey.is_in(chunk.iter().cloned()))
                .all(db)
                .await?,
        );
    }
    Ok(out)
}

/// [`Database::import_page`] on SQLite; `keys` are the page's dedupe keys, in order.
pub(super) async fn import_page(
    db: &Database,
    account_id: i64,
    page: &[NewTransaction],
    keys: &[String],
) -> Result<ImportCounts, Error> {
    let now = OffsetDateTime::now_utc();
    let txn = db.begin_write().await?;
    let existing: HashMap<String, transaction::Model> = rows_with_keys(&txn, account_id, keys)
        .await?
        .into_iter()
        .map(|m| (m.dedupe_key.clone(), m))
        .collect();
    let mut counts = ImportCounts::default();
    let mut new_rows = Vec::new();
    let mut new_booked = Vec::new();
    let mut amount_changes = Vec::new();
    for (t, key) in page.iter().zip(keys) {
        match existing.get(key) {
            Some(row) if changed(row, t) => {
                let before = row.amount.decimal();
                if before != t.amount {
                    amount_changes.push(AmountChange {
                        transaction_id: row.id,
                        before,
                        after: t.amount,
                    });
                }
                let mut am: transaction::ActiveModel = row.clone().into();
                am.status = Set(row.status.relisted_as(t.status));
                am.booking_date = Set(t.booking_date);
                am.value_date = Set(t.value_date);
                am.amount = Set(t.amount.into());
                am.remittance_unstructured = Set(t.remittance_unstructured.clone());
                am.remittance_structured = Set(t.remittance_structured.clone());
                am.counterparty_name = Set(t.counterparty_name.clone());
                am.entry_reference = Set(t.entry_reference.clone());
                am.raw_json = Set(t.raw_json.to_string());
                Entity::update(am).exec(&txn).await?;
                counts.updated += 1;
            }
            Some(_) => counts.skipped += 1,
            None => {
                if t.status == BookingStatus::Booked {
                    new_booked.push((t, key.clone()));
                }
                new_rows.push(transaction::ActiveModel {
                    account_id: Set(account_id),
                    dedupe_key: Set(key.clone()),
                    bank_transaction_id: Set(t.bank_transaction_id.clone()),
                    entry_reference: Set(t.entry_reference.clone()),
                    end_to_end_id: Set(t.end_to_end_id.clone()),
                    booking_date: Set(t.booking_date),
                    value_date: Set(t.value_date),
                    amount: Set(t.amount.into()),
                    currency: Set(t.currency.clone()),
                    counterparty_name: Set(t.counterparty_name.clone()),
                    counterparty_iban: Set(t.counterparty_iban.clone()),
                    remittance_unstructured: Set(t.remittance_unstructured.clone()),
                    remittance_structured: Set(t.remittance_structured.clone()),
                    bank_transaction_code: Set(t.bank_transaction_code.clone()),
                    status: Set(t.status),
                    superseded_by: Set(None),
                    raw_json: Set(t.raw_json.to_string()),
                    reconciliation_state: Set(ReconciliationState::Unmatched),
                    imported_at: Set(now),
                    ..Default::default()
                });
            }
        }
    }
    let candidates = new_rows.len() as u64;
    let mut rows = new_rows.into_iter().peekable();
    while rows.peek().is_some() {
        let chunk: Vec<transaction::ActiveModel> = rows.by_ref().take(ROWS_PER_INSERT).collect();
        // A concurrent import of the same page may have inserted some rows since we looked:
        // the unique index turns them into no-ops rather than errors.
        counts.inserted += match Entity::insert_many(chunk)
            .on_conflict_do_nothing_on([Column::AccountId, Column::DedupeKey])
            .exec_without_returning(&txn)
            .await?
        {
            TryInsertResult::Inserted(n) => n,
            TryInsertResult::Empty | TryInsertResult::Conflicted => 0,
        };
    }
    counts.skipped += candidates - counts.inserted;
    counts.superseded = supersede_pending(&txn, account_id, &new_booked).await?;
    counts.reopened = reopen_changed_amounts(&txn, false, &amount_changes, now).await?;
    txn.commit().await?;
    Ok(counts)
}

/// Marks pending rows replaced by newly booked ones (see [`pick_superseded`]), inside the
/// caller's transaction; `booked` carries each new row's dedupe key.
async fn supersede_pending<C: sea_orm::ConnectionTrait>(
    db: &C,
    account_id: i64,
    booked: &[(&NewTransaction, String)],
) -> Result<u64, Error> {
    if booked.is_empty() {
        return Ok(0);
    }
    let pending: Vec<PendingRow> = Entity::find()
        .filter(Column::AccountId.eq(account_id))
        .filter(Column::Status.eq(BookingStatus::Pending))
        .all(db)
        .await?
        .iter()
        .map(PendingRow::from)
        .collect();
    if pending.is_empty() {
        return Ok(0);
    }
    let keys: Vec<String> = booked.iter().map(|(_, k)| k.clone()).collect();
    let ids: HashMap<String, i64> = rows_with_keys(db, account_id, &keys)
        .await?
        .into_iter()
        .map(|m| (m.dedupe_key, m.id))
        .collect();
    let with_ids: Vec<(&NewTransaction, i64)> = booked
        .iter()
        .filter_map(|(t, k)| ids.get(k).map(|id| (*t, *id)))
        .collect();
    let pairs = pick_superseded(&with_ids, &pending);
    for (pending_id, booked_id) in &pairs {
        Entity::update_many()
            .col_expr(Column::Status, Expr::value(BookingStatus::Superseded))
            .col_expr(Column::SupersededBy, Expr::value(*booked_id))
            .filter(Column::Id.eq(*pending_id))
            .exec(db)
            .await?;
    }
    Ok(pairs.len() as u64)
}
