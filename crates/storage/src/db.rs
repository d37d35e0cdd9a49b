//! The database handle the repositories extend: a pool, and SQLite's single writer slot.
//! Opening it (and migrating) is `connect.rs`'s.

use sea_orm::{DatabaseBackend, DatabaseConnection};

use crate::error::Error;

/// The database: a pool, migrated on open ([`Database::connect`]).
#[derive(Debug, Clone)]
pub struct Database {
    pub(crate) conn: DatabaseConnection,
    /// SQLite allows one writer; the process's writes take turns here (see
    /// `write_transaction.rs` for the rules that keep them from meeting "database is locked").
    /// Several workers need PostgreSQL.
    pub(crate) sqlite_writer: Option<std::sync::Arc<tokio::sync::Mutex<()>>>,
    /// Statements sent to the database through this handle (and its clones): round trips are
    /// what batched writes save, and this counts them (tests, benchmarks).
    pub(crate) statements: std::sync::Arc<std::sync::atomic::AtomicU64>,
}

impl Database {
    /// The sea-orm connection, for repositories in this crate and for tests.
    pub fn connection(&self) -> &DatabaseConnection {
        &self.conn
    }

    /// How many statements this handle and its clones have sent since it was opened (each is one
    /// round trip to PostgreSQL, one prepared statement run by SQLite).
    pub fn statements_run(&self) -> u64 {
        self.statements.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Whether this is PostgreSQL (or SQLite).
    pub fn is_postgres(&self) -> bool {
        self.conn.get_database_backend() == DatabaseBackend::Postgres
    }

    /// Waits for SQLite's single writer slot (no-op on PostgreSQL, whose row locks suffice).
    /// Writes in a database transaction take it through [`Database::begin_write`], which keeps
    /// it until the transaction has ended; writes of single statements hold it themselves.
    pub(crate) async fn write_turn(&self) -> Option<tokio::sync::OwnedMutexGuard<()>> {
        match &self.sqlite_writer {
            Some(lock) => Some(std::sync::Arc::clone(lock).lock_owned().await),
            None => None,
        }
    }

    /// Cheap liveness check for readiness probes.
    pub async fn ping(&self) -> Result<(), Error> {
        self.conn.ping().await.map_err(Error::from)
    }
}
