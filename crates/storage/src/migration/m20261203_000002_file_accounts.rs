//! Accounts fed by statement files: `accounts.connection_id` may be null.
//!
//! An account at a bank we have no PSD2 access to (Sparkasse, Volksbank…) is fed by the files
//! the user downloads there; no consent, token or call budget belongs to it. A null connection
//! says exactly that, and every path that walks connections (the worker, consent renewal, the
//! duplicate merge) leaves such an account alone without a new rule. A placeholder connection
//! would have shown up in every connection listing and status count instead.
//!
//! PostgreSQL drops the `NOT NULL`. SQLite cannot alter a column, and rebuilding `accounts`
//! would cascade-delete its transactions (foreign keys stay on inside a migration's
//! transaction), so the stored `CREATE TABLE` text loses its `NOT NULL` through
//! `writable_schema`, the procedure SQLite documents for removing a `NOT NULL` constraint
//! (<https://www.sqlite.org/lang_altertable.html#otheralter>, "removing … NOT NULL
//! constraints"): the file format does not change, only the check.

use sea_orm::{ConnectionTrait as _, DbBackend, Statement};
use sea_orm_migration::prelude::*;

#[derive(Debug, DeriveMigrationName)]
pub(crate) struct Migration;

/// How sea-query wrote the column on SQLite.
const SQLITE_NOT_NULL: &str = "\"connection_id\" varchar NOT NULL";
const SQLITE_NULLABLE: &str = "\"connection_id\" varchar";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        let db = m.get_connection();
        match db.get_database_backend() {
            DbBackend::Postgres => {
                db.execute_unprepared(
                    "ALTER TABLE accounts ALTER COLUMN connection_id DROP NOT NULL",
                )
                .await?;
            }
            DbBackend::Sqlite => {
                let row = db
                    .query_one_raw(Statement::from_string(
                        DbBackend::Sqlite,
                        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'accounts'",
                    ))
                    .await?
                    .ok_or_else(|| DbErr::Migration("table accounts is missing".into()))?;
                let sql: String = row.try_get("", "sql")?;
                if !sql.contains(SQLITE_NOT_NULL) {
                    return Err(DbErr::Migration(format!(
                        "accounts.connection_id is not declared as expected ({SQLITE_NOT_NULL}); \
                         the schema was changed by hand: restore it from a backup"
                    )));
                }
                let relaxed = sql.replacen(SQLITE_NOT_NULL, SQLITE_NULLABLE, 1);
                let version = db
                    .query_one_raw(Statement::from_string(
                        DbBackend::Sqlite,
                        "PRAGMA schema_version",
                    ))
                    .await?
                    .ok_or_else(|| DbErr::Migration("no schema version".into()))?;
                let version: i64 = version.try_get_by_index(0)?;
                db.execute_unprepared("PRAGMA writable_schema = ON").await?;
                db.execute_raw(Statement::from_sql_and_values(
                    DbBackend::Sqlite,
                    "UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = 'accounts'",
                    [relaxed.into()],
                ))
                .await?;
                db.execute_unprepared(&format!("PRAGMA schema_version = {}", version + 1))
                    .await?;
                db.execute_unprepared("PRAGMA writable_schema = OFF")
                    .await?;
            }
            other => {
                return Err(DbErr::Migration(format!(
                    "file accounts: {other:?} is not supported"
                )));
            }
        }
        Ok(())
    }

    /// Not undone: file-fed accounts would have no connection to go back to.
    async fn down(&self, _m: &SchemaManager) -> Result<(), DbErr> {
        Ok(())
    }

    /// On SQLite the schema text and its version change together or not at all, on one
    /// connection of the pool.
    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }
}
