//! Reading stored bank transactions, and the pending entries a complete sync revisits.
//!
//! Importing them is `import`'s. Superseded and expired pending entries
//! ([`BookingStatus::NOT_LIVE`]) are kept but left out of every listing here.

use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait as _, EntityTrait as _, QueryFilter as _};
use time::Date;

use crate::db::Database;
use crate::entity::transaction::{self, Column, Entity};
use crate::error::Error;
use crate::state::{BookingStatus, ReconciliationState};

impl Database {
    /// The account's transactions, booked and pending (superseded and expired ones left out),
    /// oldest first.
    pub async fn transactions(&self, account_id: i64) -> Result<Vec<transaction::Model>, Error> {
        use sea_orm::QueryOrder as _;
        Ok(Entity::find()
            .filter(Column::AccountId.eq(account_id))
            .filter(Column::Status.is_not_in(BookingStatus::NOT_LIVE))
            .order_by_asc(Column::BookingDate)
            .order_by_asc(Column::Id)
            .all(&self.conn)
            .await?)
    }
}

impl Database {
    /// After a complete sync: stored rows the supersede step retired that the bank still lists
    /// as pending (their dedupe key is in `seen_pending_keys`) become `pending` again. The
    /// tolerance rule pairs a booking with a hold of the same counterparty and a similar
    /// amount; a bank that still lists the hold says the booking was another payment (two
    /// coffees at one café on consecutive days). Returns how many were restored.
    pub async fn restore_listed_pending(
        &self,
        account_id: i64,
        seen_pending_keys: &[String],
    ) -> Result<u64, Error> {
        if seen_pending_keys.is_empty() {
            return Ok(0);
        }
        let _writer = self.write_turn().await;
        let mut restored = 0;
        for keys in seen_pending_keys.chunks(500) {
            restored += Entity::update_many()
                .col_expr(Column::Status, Expr::value(BookingStatus::Pending))
                .col_expr(Column::SupersededBy, Expr::value(Option::<i64>::None))
                .filter(Column::AccountId.eq(account_id))
                .filter(Column::Status.eq(BookingStatus::Superseded))
                .filter(Column::DedupeKey.is_in(keys.iter().cloned()))
                .exec(&self.conn)
                .await?
                .rows_affected;
        }
        Ok(restored)
    }

    /// After a complete sync of `[from, to]`: the account's stored `pending` rows dated in that
    /// window (value date, else booking date) whose dedupe key is not in `seen_pending_keys`
    /// become `expired` — a released card hold the bank no longer lists would otherwise count
    /// forever. They are kept, and listed again as pending if the bank returns them.
    ///
    /// `seen_pending_keys` are the keys of every pending entry the bank returned in that sync,
    /// as [`dedupe_keys`](crate::dedupe_keys) gives them for the page each arrived in. Call it only when every page
    /// of the window was fetched: after a partial sync the missing pages' holds would expire.
    /// Returns how many rows expired.
    pub async fn expire_unseen_pending(
        &self,
        account_id: i64,
        from: Date,
        to: Date,
        seen_pending_keys: &[String],
    ) -> Result<u64, Error> {
        if from > to {
            return Err(Error::Invalid(format!(
                "expiry window from {from} to {to} is empty; pass the synced window's first day \
                 as `from` and its last as `to`"
            )));
        }
        let seen: std::collections::HashSet<&str> =
            seen_pending_keys.iter().map(String::as_str).collect();
        let txn = self.begin_write().await?;
        let in_window = sea_orm::Condition::any()
            .add(Column::ValueDate.between(from, to))
            .add(
                sea_orm::Condition::all()
                    .add(Column::ValueDate.is_null())
                    .add(Column::BookingDate.between(from, to)),
            );
        let unseen: Vec<i64> = Entity::find()
            .filter(Column::AccountId.eq(account_id))
            .filter(Column::Status.eq(BookingStatus::Pending))
            .filter(in_window)
            .all(&txn)
            .await?
            .into_iter()
            .filter(|r| !seen.contains(r.dedupe_key.as_str()))
            .map(|r| r.id)
            .collect();
        let mut expired = 0;
        // Bounded lists of ids: SQLite and PostgreSQL both limit a statement's parameters.
        for ids in unseen.chunks(500) {
            expired += Entity::update_many()
                .col_expr(Column::Status, Expr::value(BookingStatus::Expired))
                .filter(Column::Id.is_in(ids.iter().copied()))
                .filter(Column::Status.eq(BookingStatus::Pending))
                .exec(&txn)
                .await?
                .rows_affected;
        }
        txn.commit().await?;
        Ok(expired)
    }
}

/// Which transactions to list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TransactionFilter {
    /// Only this account.
    pub account_id: Option<i64>,
    /// Booked (or valued) on or after.
    pub from: Option<Date>,
    /// Booked (or valued) on or before.
    pub to: Option<Date>,
    /// Only booked, or only pending, entries.
    pub status: Option<BookingStatus>,
    /// Only transactions in this state.
    pub reconciliation_state: Option<ReconciliationState>,
    /// Page size (at most 500).
    pub limit: u64,
    /// Rows to skip.
    pub offset: u64,
}

impl Database {
    /// A page of transactions (superseded and expired pending rows left out), newest first, with the total
    /// number that match the filter.
    pub async fn list_transactions(
        &self,
        f: &TransactionFilter,
    ) -> Result<(Vec<transaction::Model>, u64), Error> {
        use sea_orm::{PaginatorTrait as _, QueryOrder as _, QuerySelect as _};
        let mut q = Entity::find().filter(Column::Status.is_not_in(BookingStatus::NOT_LIVE));
        if let Some(a) = f.account_id {
            q = q.filter(Column::AccountId.eq(a));
        }
        if let Some(d) = f.from {
            q = q.filter(Column::BookingDate.gte(d));
        }
        if let Some(d) = f.to {
            q = q.filter(Column::BookingDate.lte(d));
        }
        if let Some(s) = f.status {
            q = q.filter(Column::Status.eq(s));
        }
        if let Some(s) = f.reconciliation_state {
            q = q.filter(Column::ReconciliationState.eq(s));
        }
        let total = q.clone().count(&self.conn).await?;
        let rows = q
            .order_by_desc(Column::BookingDate)
            .order_by_desc(Column::Id)
            .limit(f.limit.clamp(1, 500))
            .offset(f.offset)
            .all(&self.conn)
            .await?;
        Ok((rows, total))
    }

    /// One transaction.
    pub async fn transaction(&self, id: i64) -> Result<Option<transaction::Model>, Error> {
        Ok(Entity::find_by_id(id).one(&self.conn).await?)
    }

    /// Booked transactions not yet matched (the matcher's input), optionally of one account.
    pub async fn unmatched_transactions(
        &self,
        account_id: Option<i64>,
    ) -> Result<Vec<transaction::Model>, Error> {
        let mut q = Entity::find()
            .filter(Column::Status.eq(BookingStatus::Booked))
            .filter(Column::ReconciliationState.ne(ReconciliationState::Matched));
        if let Some(a) = account_id {
            q = q.filter(Column::AccountId.eq(a));
        }
        Ok(q.all(&self.conn).await?)
    }

    /// [`Database::unmatched_transactions`] of these accounts together: a worker's pass
    /// reconciles the accounts it synced in one matcher run. Asked for in chunks of ids, so any
    /// number of accounts stays within the engines' limits on bound parameters.
    pub async fn unmatched_transactions_of(
        &self,
        account_ids: &[i64],
    ) -> Result<Vec<transaction::Model>, Error> {
        let mut out = Vec::new();
        for chunk in account_ids.chunks(crate::chunks::IDS_PER_STATEMENT) {
            out.extend(
                Entity::find()
                    .filter(Column::Status.eq(BookingStatus::Booked))
                    .filter(Column::ReconciliationState.ne(ReconciliationState::Matched))
                    .filter(Column::AccountId.is_in(chunk.iter().copied()))
                    .all(&self.conn)
                    .await?,
            );
        }
        Ok(out)
    }
}
