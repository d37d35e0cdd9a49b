//! Sync bookkeeping: runs, the watermark, worker leases and the daily call budget.
//!
//! The watermark only moves when a run finishes successfully, in the same database transaction
//! that records the run, so a crash or a rate limit half way leaves it where it was and the next
//! run fetches the same window again. Leases are one
//! conditional `UPDATE`, which behaves the same on SQLite and PostgreSQL: an account is taken when
//! it is free, its lease expired, or the caller already holds it.

use sea_orm::{
    ActiveValue::Set, ColumnTrait as _, EntityTrait as _, PaginatorTrait as _, QueryFilter as _,
    QueryOrder as _, sea_query::OnConflict,
};
use time::{Date, Duration, OffsetDateTime};

use crate::db::Database;
use crate::entity::{account_sync, ing_call, sync_run};
use crate::error::Error;
use crate::state::{SyncOutcome, SyncTrigger};

/// The end of a run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncFinish {
    /// Outcome (not [`SyncOutcome::Running`]: a finish is an end).
    pub outcome: SyncOutcome,
    /// Entries fetched.
    pub fetched: u64,
    /// Inserted.
    pub imported: u64,
    /// Skipped as known.
    pub skipped: u64,
    /// Updated in place.
    pub updated: u64,
    /// ING calls made.
    pub ing_calls: u64,
    /// For people; never a secret.
    pub error: Option<String>,
    /// On success, the last day now complete.
    pub watermark: Option<Date>,
    /// Do not try again before this (rate limit).
    pub next_attempt_at: Option<OffsetDateTime>,
}

fn count(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

impl Database {
    /// Records the start of a run and returns its id.
    pub async fn start_sync_run(
        &self,
        account_id: i64,
        trigger: SyncTrigger,
        window_from: Option<Date>,
        window_to: Option<Date>,
        now: OffsetDateTime,
    ) -> Result<i64, Error> {
        let _writer = self.write_turn().await;
        let row = sync_run::ActiveModel {
            account_id: Set(account_id),
            trigger: Set(trigger),
            window_from: Set(window_from),
            window_to: Set(window_to),
            started_at: Set(now),
            finished_at: Set(None),
            fetched: Set(0),
            imported: Set(0),
            skipped: Set(0),
            updated: Set(0),
            ing_calls: Set(0),
            outcome: Set(SyncOutcome::Running),
            error: Set(None),
            ..Default::default()
        };
        Ok(sync_run::Entity::insert(row)
            .exec_with_returning(&self.conn)
            .await?
            .id)
    }

    /// Records the end of a run; on success advances the watermark (never backwards) in the
    /// same database transaction.
    pub async fn finish_sync_run(
        &self,
        run_id: i64,
        f: &SyncFinish,
        now: OffsetDateTime,
    ) -> Result<(), Error> {
        if f.outcome == SyncOutcome::Running {
            return Err(Error::Invalid(format!(
                "sync run {run_id} cannot finish as running; give how it ended"
            )));
        }
        let txn = self.begin_write().await?;
        let run = sync_run::Entity::find_by_id(run_id)
            .one(&txn)
            .await?
            .ok_or_else(|| Error::NotFound(format!("sync run {run_id}")))?;
        let account_id = run.account_id;
        let mut am: sync_run::ActiveModel = run.into();
        am.finished_at = Set(Some(now));
        am.fetched = Set(count(f.fetched));
        am.imported = Set(count(f.imported));
        am.skipped = Set(count(f.skipped));
        am.updated = Set(count(f.updated));
        am.ing_calls = Set(count(f.ing_calls));
        am.outcome = Set(f.outcome);
        am.error = Set(f.error.clone());
        sync_run::Entity::update(am).exec(&txn).await?;
        ensure_sync_row(&txn, account_id).await?;
        let state = account_sync::Entity::find_by_id(account_id)
            .one(&txn)
            .await?
            .ok_or_else(|| Error::Corrupt(format!("sync state of account {account_id}")))?;
        let mut st: account_sync::ActiveModel = state.clone().into();
        if f.outcome == SyncOutcome::Succeeded {
            st.last_success_at = Set(Some(now));
            if let Some(w) = f.watermark
                && state.watermark.is_none_or(|old| w > old)
            {
                st.watermark = Set(Some(w));
            }
        }
        st.next_attempt_at = Set(f.next_attempt_at);
        account_sync::Entity::update(st).exec(&txn).await?;
        txn.commit().await?;
        Ok(())
    }

    /// The account's sync state (watermark, lease), if it was ever synced or leased.
    pub async fn sync_state(&self, account_id: i64) -> Result<Option<account_sync::Model>, Error> {
        Ok(account_sync::Entity::find_by_id(account_id)
            .one(&self.conn)
            .await?)
    }

    /// The account's latest runs, newest first.
    pub async fn sync_runs(
        &self,
        account_id: i64,
        limit: u64,
    ) -> Result<Vec<sync_run::Model>, Error> {
        use sea_orm::QuerySelect as _;
        Ok(sync_run::Entity::find()
            .filter(sync_run::Column::AccountId.eq(account_id))
            .order_by_desc(sync_run::Column::Id)
            .limit(limit)
            .all(&self.conn)
            .await?)
    }

    /// Takes the account for `owner` for `ttl`, unless another live lease holds it.
    pub async fn try_lease(
        &self,
        account_id: i64,
        owner: &str,
        ttl: Duration,
        now: OffsetDateTime,
    ) -> Result<bool, Error> {
        let _writer = self.write_turn().await;
        ensure_sync_row(&self.conn, account_id).await?;
        let res = account_sync::Entity::update_many()
            .col_expr(
                account_sync::Column::LeaseOwner,
                Some(owner.to_owned()).into(),
            )
            .col_expr(account_sync::Column::LeaseUntil, Some(now + ttl).into())
            .filter(account_sync::Column::AccountId.eq(account_id))
            .filter(
                sea_orm::Condition::any()
                    .add(account_sync::Column::LeaseOwner.is_null())
                    .add(account_sync::Column::LeaseUntil.lt(now))
                    .add(account_sync::Column::LeaseOwner.eq(owner)),
            )
            .exec(&self.conn)
            .await?;
        Ok(res.rows_affected == 1)
    }

    /// Extends `owner`'s lease to `now + ttl`; `false` when the lease is no longer theirs (it
    /// lapsed and another process took the account), so the caller must stop.
    pub async fn renew_lease(
        &self,
        account_id: i64,
        owner: &str,
        ttl: Duration,
        now: OffsetDateTime,
    ) -> Result<bool, Error> {
        let _writer = self.write_turn().await;
        let res = account_sync::Entity::update_many()
            .col_expr(account_sync::Column::LeaseUntil, Some(now + ttl).into())
            .filter(account_sync::Column::AccountId.eq(account_id))
            .filter(account_sync::Column::LeaseOwner.eq(owner))
            .exec(&self.conn)
            .await?;
        Ok(res.rows_affected == 1)
    }

    /// Marks the account's runs still `running` as `aborted`: called by whoever has just taken
    /// the account's lease, so no live process owns them. Returns how many.
    pub async fn abort_orphaned_runs(
        &self,
        account_id: i64,
        now: OffsetDateTime,
    ) -> Result<u64, Error> {
        let _writer = self.write_turn().await;
        let res = sync_run::Entity::update_many()
            .col_expr(sync_run::Column::Outcome, SyncOutcome::Aborted.into())
            .col_expr(sync_run::Column::FinishedAt, Some(now).into())
            .col_expr(
                sync_run::Column::Error,
                Some(
                    "the process running it stopped before it ended (its lease lapsed)".to_owned(),
                )
                .into(),
            )
            .filter(sync_run::Column::AccountId.eq(account_id))
            .filter(sync_run::Column::Outcome.eq(SyncOutcome::Running))
            .exec(&self.conn)
            .await?;
        Ok(res.rows_affected)
    }

    /// When the account's latest run of `trigger` started, if it ever ran.
    pub async fn last_run_started(
        &self,
        account_id: i64,
        trigger: SyncTrigger,
    ) -> Result<Option<OffsetDateTime>, Error> {
        Ok(sync_run::Entity::find()
            .filter(sync_run::Column::AccountId.eq(account_id))
            .filter(sync_run::Column::Trigger.eq(trigger))
            .order_by_desc(sync_run::Column::Id)
            .one(&self.conn)
            .await?
            .map(|r| r.started_at))
    }

    /// Moves the watermark forward to `to` (never back): a window of a longer sync is complete.
    pub async fn advance_watermark(&self, account_id: i64, to: Date) -> Result<(), Error> {
        let _writer = self.write_turn().await;
        ensure_sync_row(&self.conn, account_id).await?;
        account_sync::Entity::update_many()
            .col_expr(account_sync::Column::Watermark, Some(to).into())
            .filter(account_sync::Column::AccountId.eq(account_id))
            .filter(
                sea_orm::Condition::any()
                    .add(account_sync::Column::Watermark.is_null())
                    .add(account_sync::Column::Watermark.lt(to)),
            )
            .exec(&self.conn)
            .await?;
        Ok(())
    }

    /// Gives the account back (only if `owner` still holds it).
    pub async fn release_lease(&self, account_id: i64, owner: &str) -> Result<(), Error> {
        let _writer = self.write_turn().await;
        account_sync::Entity::update_many()
            .col_expr(
                account_sync::Column::LeaseOwner,
                Option::<String>::None.into(),
            )
            .col_expr(
                account_sync::Column::LeaseUntil,
                Option::<OffsetDateTime>::None.into(),
            )
            .filter(account_sync::Column::AccountId.eq(account_id))
            .filter(account_sync::Column::LeaseOwner.eq(owner))
            .exec(&self.conn)
            .await?;
        Ok(())
    }

    /// Counts one ING call for the account.
    pub async fn record_ing_call(
        &self,
        account_id: i64,
        user_initiated: bool,
        at: OffsetDateTime,
    ) -> Result<(), Error> {
        self.record_ing_calls(account_id, 1, user_initiated, at)
            .await
    }

    /// Counts `n` ING requests for the account (every request sent: answered, failed or
    /// retried — the bank counts what it receives).
    pub async fn record_ing_calls(
        &self,
        account_id: i64,
        n: u64,
        user_initiated: bool,
        at: OffsetDateTime,
    ) -> Result<(), Error> {
        if n == 0 {
            return Ok(());
        }
        let _writer = self.write_turn().await;
        let rows = (0..n).map(|_| ing_call::ActiveModel {
            account_id: Set(account_id),
            at: Set(at),
            user_initiated: Set(user_initiated),
            ..Default::default()
        });
        ing_call::Entity::insert_many(rows)
            .exec_without_returning(&self.conn)
            .await?;
        Ok(())
    }

    /// Unattended calls for the account since `since` (the budget window).
    pub async fn unattended_calls_since(
        &self,
        account_id: i64,
        since: OffsetDateTime,
    ) -> Result<u64, Error> {
        Ok(ing_call::Entity::find()
            .filter(ing_call::Column::AccountId.eq(account_id))
            .filter(ing_call::Column::UserInitiated.eq(false))
            .filter(ing_call::Column::At.gt(since))
            .count(&self.conn)
            .await?)
    }
}

async fn ensure_sync_row<C: sea_orm::ConnectionTrait>(
    db: &C,
    account_id: i64,
) -> Result<(), Error> {
    account_sync::Entity::insert(account_sync::ActiveModel {
        account_id: Set(account_id),
        watermark: Set(None),
        last_success_at: Set(None),
        next_attempt_at: Set(None),
        lease_owner: Set(None),
        lease_until: Set(None),
    })
    .on_conflict(
        OnConflict::column(account_sync::Column::AccountId)
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    Ok(())
}
