//! Merges the account copies that reconnecting used to create.
//!
//! Before accounts were kept across connections, every new consent for the same bank account
//! stored a second account row, and its first sync imported the whole history again (with its
//! own daily call budget, and review suggestions for payments already booked). This migration
//! folds each set of copies into its earliest row; [`merge_duplicate_accounts`] does the work and
//! is also reachable as [`crate::Database::merge_duplicate_accounts`] for tests and operators.
//!
//! Statements are sea-query builders or plain SQL whose only literals are integer ids read from
//! the database and stored status words, so the same text runs on SQLite and PostgreSQL.

use std::collections::{BTreeMap, HashMap};

use rust_decimal::Decimal;
use sea_orm::{
    ColumnTrait as _, ConnectionTrait, DbErr, EntityTrait as _, PaginatorTrait as _,
    QueryFilter as _, QuerySelect as _, Statement,
};
use sea_orm_migration::prelude::*;
use time::{Date, OffsetDateTime};

use crate::connections::mark_replaced;
use crate::entity::{account, account_sync, invoice};
use crate::iban::normalize_iban;
use crate::money::Money;
use crate::state::{InvoiceStatus, MatchStatus};

#[derive(Debug, DeriveMigrationName)]
pub(crate) struct Migration;

/// What merging the account copies changed: [`Database::merge_duplicate_accounts`] returns it.
///
/// [`Database::merge_duplicate_accounts`]: crate::Database::merge_duplicate_accounts
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AccountMerge {
    /// Account rows folded into an earlier row of the same bank account, and deleted.
    pub accounts_merged: u64,
    /// Copies of transactions the earlier row already had, dropped.
    pub transactions_dropped: u64,
    /// Transactions only a later row had, moved to the earlier row.
    pub transactions_moved: u64,
    /// Active allocations of dropped copies undone (their invoices' open amounts restored).
    pub allocations_undone: u64,
    /// Connections left without accounts, now `replaced`.
    pub connections_replaced: u64,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let merged = merge_duplicate_accounts(m.get_connection()).await?;
        if merged.accounts_merged > 0 {
            tracing::warn!(
                ?merged,
                "merged account copies created by earlier reconnects"
            );
        }
        Ok(())
    }

    /// Nothing to undo: a merged account cannot be split into its copies again (the dropped
    /// duplicate transactions and their matches are gone), and the schema did not change.
    async fn down(&self, _m: &SchemaManager) -> Result<(), DbErr> {
        Ok(())
    }

    /// All or nothing on SQLite too (sea-orm wraps only PostgreSQL migrations by default): a merge
    /// stopped half way would leave transactions split between rows.
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }
}

/// One account row with what identifies its bank account.
struct Row {
    id: i64,
    connection_id: String,
    resource_id: String,
    iban: Option<String>,
    name: String,
    product: Option<String>,
}

fn corrupt(what: impl std::fmt::Display) -> DbErr {
    DbErr::Custom(format!("merging duplicate accounts: {what}"))
}

fn find(parent: &mut [usize], i: usize) -> usize {
    let mut r = i;
    while parent[r] != r {
        r = parent[r];
    }
    parent[i] = r;
    r
}

/// Merges account rows that are the same bank account: same environment and same `resource_id`,
/// or else the same IBAN (case- and space-insensitive) and currency. Each set is folded into its
/// earliest row (lowest id), which is re-attached to the newest of their connections (taking that
/// connection's resource id, IBAN, name and product). For every later row, in id order:
///
/// - its transactions whose `dedupe_key` the earliest row already has are dropped — first their
///   confirmed allocations are undone, the invoices' open amounts restored
///   exactly, and all their matches (suggestions included) removed; the earliest row's own
///   matches stay;
/// - pending rows that a dropped booking had superseded point at the kept copy instead;
/// - its other transactions, ING call records, balances and sync runs move to the earliest row;
/// - the earliest row's watermark (and last success, back-off) becomes the latest of the two;
/// - the row is deleted.
///
/// Connections of a merged set left without accounts become `replaced`. Run it inside a
/// transaction; a database without copies is left unchanged.
pub(crate) async fn merge_duplicate_accounts<C: ConnectionTrait>(
    db: &C,
) -> Result<AccountMerge, DbErr> {
    let backend = db.get_database_backend();
    // Oldest connection first, so the last member of a set is on the newest connection.
    let found = db
        .query_all_raw(Statement::from_string(
            backend,
            "SELECT a.id, a.connection_id, a.resource_id, a.iban, a.name, a.currency, \
             a.product, c.environment FROM accounts a JOIN connections c \
             ON c.id = a.connection_id ORDER BY c.created_at, a.id",
        ))
        .await?;
    let mut rows = Vec::with_capacity(found.len());
    let mut parent: Vec<usize> = Vec::with_capacity(found.len());
    let mut by_resource: HashMap<(String, String), usize> = HashMap::new();
    let mut by_iban: HashMap<(String, String, String), usize> = HashMap::new();
    for (i, r) in found.iter().enumerate() {
        let environment: String = r.try_get("", "environment")?;
        let currency: String = r.try_get("", "currency")?;
        let row = Row {
            id: r.try_get("", "id")?,
            connection_id: r.try_get("", "connection_id")?,
            resource_id: r.try_get("", "resource_id")?,
            iban: r.try_get("", "iban")?,
            name: r.try_get("", "name")?,
            product: r.try_get("", "product")?,
        };
        parent.push(i);
        let mut keys = vec![
            *by_resource
                .entry((environment.clone(), row.resource_id.clone()))
                .or_insert(i),
        ];
        if let Some(iban) = row.iban.as_deref().map(normalize_iban)
            && !iban.is_empty()
        {
            keys.push(*by_iban.entry((environment, iban, currency)).or_insert(i));
        }
        for k in keys {
            let (a, b) = (find(&mut parent, i), find(&mut parent, k));
            if a != b {
                parent[a.max(b)] = a.min(b);
            }
        }
        rows.push(row);
    }
    let mut sets: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for i in 0..rows.len() {
        let root = find(&mut parent, i);
        sets.entry(root).or_default().push(i);
    }
    let mut report = AccountMerge::default();
    for members in sets.values().filter(|m| m.len() > 1) {
        let newest = members
            .last()
            .and_then(|&i| rows.get(i))
            .ok_or_else(|| corrupt("an empty set"))?;
        let mut ids: Vec<i64> = members.iter().map(|&i| rows[i].id).collect();
        ids.sort_unstable();
        let keeper = ids[0];
        for &later in &ids[1..] {
            merge_into(db, keeper, later, &mut report).await?;
        }
        account::Entity::update_many()
            .col_expr(
                account::Column::ConnectionId,
                newest.connection_id.clone().into(),
            )
            .col_expr(
                account::Column::ResourceId,
                newest.resource_id.clone().into(),
            )
            .col_expr(account::Column::Iban, newest.iban.clone().into())
            .col_expr(account::Column::Name, newest.name.clone().into())
            .col_expr(account::Column::Product, newest.product.clone().into())
            .filter(account::Column::Id.eq(keeper))
            .exec(db)
            .await?;
        let mut connections: Vec<&str> = members
            .iter()
            .map(|&i| rows[i].connection_id.as_str())
            .filter(|c| *c != newest.connection_id)
            .collect();
        connections.sort_unstable();
        connections.dedup();
        for c in connections {
            // Only the id: this runs before later migrations add columns the entity has.
            let left = account::Entity::find()
                .select_only()
                .column(account::Column::Id)
                .filter(account::Column::ConnectionId.eq(c))
                .count(db)
                .await?;
            if left == 0 {
                mark_replaced(db, c, &newest.connection_id).await?;
                report.connections_replaced += 1;
            }
        }
        tracing::info!(
            account = keeper,
            merged = ids.len() - 1,
            connection = %newest.connection_id,
            "account copies merged"
        );
    }
    Ok(report)
}

/// Folds account `later` into account `keeper` (see [`merge_duplicate_accounts`]).
async fn merge_into<C: ConnectionTrait>(
    db: &C,
    keeper: i64,
    later: i64,
    report: &mut AccountMerge,
) -> Result<(), DbErr> {
    let backend = db.get_database_backend();
    let sql = |s: String| Statement::from_string(backend, s);
    // The later row's copies of transactions the keeper already has.
    let copies = format!(
        "SELECT id FROM transactions WHERE account_id = {later} AND dedupe_key IN \
         (SELECT dedupe_key FROM transactions WHERE account_id = {keeper})"
    );
    let active = db
        .query_all_raw(sql(format!(
            "SELECT id, invoice_id, amount FROM matches WHERE status = '{}' \
             AND transaction_id IN ({copies})",
            MatchStatus::Confirmed
        )))
        .await?;
    let mut restore: BTreeMap<i64, Decimal> = BTreeMap::new();
    for m in &active {
        let invoice_id: i64 = m.try_get("", "invoice_id")?;
        let amount: Money = m.try_get("", "amount")?;
        *restore.entry(invoice_id).or_default() += amount.decimal();
    }
    let now = OffsetDateTime::now_utc();
    for (invoice_id, amount) in restore {
        let Some((open, total, status)) = invoice::Entity::find_by_id(invoice_id)
            .select_only()
            .column(invoice::Column::OpenAmount)
            .column(invoice::Column::Total)
            .column(invoice::Column::Status)
            .into_tuple::<(Money, Money, InvoiceStatus)>()
            .one(db)
            .await?
        else {
            continue;
        };
        let open = open.decimal() + amount;
        let status = if status == InvoiceStatus::Cancelled {
            status
        } else {
            InvoiceStatus::for_amounts(open, total.decimal())
        };
        invoice::Entity::update_many()
            .col_expr(invoice::Column::OpenAmount, Money::from(open).into())
            .col_expr(invoice::Column::Status, status.into())
            .col_expr(invoice::Column::UpdatedAt, now.into())
            .filter(invoice::Column::Id.eq(invoice_id))
            .exec(db)
            .await?;
    }
    report.allocations_undone += active.len() as u64;
    // The copies' matches go with them: the undone allocations, open suggestions, history.
    db.execute_raw(sql(format!(
        "DELETE FROM matches WHERE transaction_id IN ({copies})"
    )))
    .await?;
    // A pending row superseded by a dropped copy points at the keeper's booking instead.
    db.execute_raw(sql(format!(
        "UPDATE transactions SET superseded_by = (SELECT k.id FROM transactions k \
         JOIN transactions d ON d.dedupe_key = k.dedupe_key \
         WHERE d.id = transactions.superseded_by AND k.account_id = {keeper}) \
         WHERE superseded_by IN ({copies})"
    )))
    .await?;
    report.transactions_dropped += db
        .execute_raw(sql(format!(
            "DELETE FROM transactions WHERE account_id = {later} AND dedupe_key IN \
             (SELECT dedupe_key FROM transactions WHERE account_id = {keeper})"
        )))
        .await?
        .rows_affected();
    for table in ["transactions", "ing_calls", "balances", "sync_runs"] {
        let moved = db
            .execute_raw(sql(format!(
                "UPDATE {table} SET account_id = {keeper} WHERE account_id = {later}"
            )))
            .await?
            .rows_affected();
        if table == "transactions" {
            report.transactions_moved += moved;
        }
    }
    merge_sync_state(db, keeper, later).await?;
    db.execute_raw(sql(format!("DELETE FROM accounts WHERE id = {later}")))
        .await?;
    report.accounts_merged += 1;
    Ok(())
}

type SyncTimes = (Option<Date>, Option<OffsetDateTime>, Option<OffsetDateTime>);

async fn sync_times<C: ConnectionTrait>(db: &C, id: i64) -> Result<Option<SyncTimes>, DbErr> {
    account_sync::Entity::find_by_id(id)
        .select_only()
        .column(account_sync::Column::Watermark)
        .column(account_sync::Column::LastSuccessAt)
        .column(account_sync::Column::NextAttemptAt)
        .into_tuple::<SyncTimes>()
        .one(db)
        .await
}

/// The keeper's sync state takes the latest watermark, last success and back-off of both; its
/// lease stays. The later row's state is dropped.
async fn merge_sync_state<C: ConnectionTrait>(
    db: &C,
    keeper: i64,
    later: i64,
) -> Result<(), DbErr> {
    let Some(l) = sync_times(db, later).await? else {
        return Ok(());
    };
    match sync_times(db, keeper).await? {
        None => {
            account_sync::Entity::update_many()
                .col_expr(account_sync::Column::AccountId, keeper.into())
                .filter(account_sync::Column::AccountId.eq(later))
                .exec(db)
                .await?;
        }
        Some(k) => {
            account_sync::Entity::update_many()
                .col_expr(account_sync::Column::Watermark, Ord::max(k.0, l.0).into())
                .col_expr(
                    account_sync::Column::LastSuccessAt,
                    Ord::max(k.1, l.1).into(),
                )
                .col_expr(
                    account_sync::Column::NextAttemptAt,
                    Ord::max(k.2, l.2).into(),
                )
                .filter(account_sync::Column::AccountId.eq(keeper))
                .exec(db)
                .await?;
            account_sync::Entity::delete_many()
                .filter(account_sync::Column::AccountId.eq(later))
                .exec(db)
                .await?;
        }
    }
    Ok(())
}
