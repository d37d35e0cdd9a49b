//! A write transaction: how every repository method that writes in a database transaction
//! begins one ([`Database::begin_write`]).
//!
//! SQLite has one writer. Two rules keep writers from failing with "database is locked"
//! (SQLite code 5) when they meet, however loaded the machine:
//!
//! - **`BEGIN IMMEDIATE`**: the transaction takes SQLite's write lock when it begins, before it
//!   reads. A deferred transaction (`BEGIN`) that has read and then writes must upgrade its read
//!   to a write; if another connection holds the write lock, SQLite answers `SQLITE_BUSY` at once
//!   without waiting out the busy timeout, because waiting while holding a read could deadlock
//!   (sqlite.org, "sqlite3_busy_handler" and "Transactions"). Taken at `BEGIN`, the lock is waited
//!   for (sqlx sets a 5 s busy timeout on every connection) and the transaction never upgrades.
//! - **The write turn is held until the transaction has ended.** A dropped sea-orm transaction
//!   (an early `return Err` or `?`, or a cancelled future) only queues its rollback to the
//!   connection's worker thread. The turn is therefore handed on only after the commit or the
//!   rollback has been acknowledged: dropping an unfinished [`WriteTransaction`] rolls it back in
//!   a task of its own that releases the turn when the rollback is done.
//!
//! PostgreSQL has no write turn and ignores the SQLite mode; a dropped transaction is rolled back
//! the same way, so its row locks go as soon as possible.

use sea_orm::{
    ConnectionTrait, DatabaseTransaction, DbBackend, DbErr, ExecResult, QueryResult,
    SqliteTransactionMode, Statement, TransactionOptions, TransactionTrait as _,
};
use tokio::sync::OwnedMutexGuard;

use crate::db::Database;
use crate::error::Error;

/// A database transaction that holds SQLite's write turn until it has been committed or rolled
/// back. Use it wherever a [`DatabaseTransaction`] is used ([`ConnectionTrait`]); end it with
/// [`WriteTransaction::commit`], or drop it to roll it back.
pub(crate) struct WriteTransaction {
    /// `None` only once committed or handed to the rollback task.
    txn: Option<DatabaseTransaction>,
    backend: DbBackend,
    /// SQLite's write turn (`None` on PostgreSQL); released after `txn` has ended.
    turn: Option<OwnedMutexGuard<()>>,
}

impl Database {
    /// Waits for the write turn, then begins a write transaction (`BEGIN IMMEDIATE` on SQLite).
    pub(crate) async fn begin_write(&self) -> Result<WriteTransaction, Error> {
        let turn = self.write_turn().await;
        let txn = self
            .conn
            .begin_with_options(TransactionOptions {
                sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
                ..TransactionOptions::default()
            })
            .await?;
        Ok(WriteTransaction {
            backend: txn.get_database_backend(),
            txn: Some(txn),
            turn,
        })
    }
}

impl WriteTransaction {
    /// Commits, then releases the write turn. (Should the commit fail, sea-orm queues the
    /// rollback; the next writer's `BEGIN IMMEDIATE` then waits for it.)
    pub(crate) async fn commit(mut self) -> Result<(), Error> {
        match self.txn.take() {
            Some(txn) => Ok(txn.commit().await?),
            None => Err(finished().into()),
        }
    }

    fn open(&self) -> Result<&DatabaseTransaction, DbErr> {
        self.txn.as_ref().ok_or_else(finished)
    }
}

/// The error for a transaction used after it ended (the type's methods make that impossible
/// from outside; it stands in for a panic).
fn finished() -> DbErr {
    DbErr::Custom("the write transaction has already ended".into())
}

impl Drop for WriteTransaction {
    /// Not committed: roll back, and only then let the next writer have the turn.
    fn drop(&mut self) {
        let Some(txn) = self.txn.take() else {
            return;
        };
        let turn = self.turn.take();
        match tokio::runtime::Handle::try_current() {
            Ok(runtime) => {
                runtime.spawn(async move {
                    if let Err(e) = txn.rollback().await {
                        tracing::warn!(error = %e, "rolling back an unfinished write transaction failed");
                    }
                    drop(turn);
                });
            }
            // No runtime left (the process is ending): sea-orm queues the rollback itself.
            Err(_) => drop((txn, turn)),
        }
    }
}

#[async_trait::async_trait]
impl ConnectionTrait for WriteTransaction {
    fn get_database_backend(&self) -> DbBackend {
        self.backend
    }

    async fn execute_raw(&self, stmt: Statement) -> Result<ExecResult, DbErr> {
        self.open()?.execute_raw(stmt).await
    }

    async fn execute_unprepared(&self, sql: &str) -> Result<ExecResult, DbErr> {
        self.open()?.execute_unprepared(sql).await
    }

    async fn query_one_raw(&self, stmt: Statement) -> Result<Option<QueryResult>, DbErr> {
        self.open()?.query_one_raw(stmt).await
    }

    async fn query_all_raw(&self, stmt: Statement) -> Result<Vec<QueryResult>, DbErr> {
        self.open()?.query_all_raw(stmt).await
    }
}
