//! Opening the database and bringing its schema up to date.

use sea_orm::{
    ConnectOptions, ConnectionTrait, Database as SeaDatabase, DatabaseBackend, DatabaseConnection,
};
use sea_orm_migration::MigratorTrait as _;

use crate::error::Error;
use crate::migration::Migrator;

/// Connection settings.
#[derive(Debug, Clone)]
pub struct DbOptions {
    /// Pool size (PostgreSQL; SQLite writes one at a time anyway).
    pub max_connections: u32,
}

impl Default for DbOptions {
    fn default() -> Self {
        Self {
            max_connections: 10,
        }
    }
}

/// The database: a pool, migrated on open.
#[derive(Debug, Clone)]
pub struct Database {
    pub(crate) conn: DatabaseConnection,
    /// SQLite allows one writer; imports take turns here instead of failing with "database is
    /// locked" when two read-then-write transactions meet. (Several workers need PostgreSQL.)
    pub(crate) sqlite_writer: Option<std::sync::Arc<tokio::sync::Mutex<()>>>,
}

impl Database {
    /// Opens `url` (`sqlite://path?mode=rwc`, `sqlite::memory:`, `postgres://…`) and applies
    /// pending migrations. SQLite runs in WAL mode with foreign keys on.
    pub async fn connect(url: &str, options: &DbOptions) -> Result<Self, Error> {
        let mut opts = ConnectOptions::new(url.to_owned());
        opts.max_connections(options.max_connections.max(1))
            .sqlx_logging(false)
            // Statements are prepared once per connection; PostgreSQL then switches to a generic
            // plan made while a table was small (a sequential scan) and keeps it as the table
            // grows, which made imports quadratic (200 pages took 4x as long as 100). Planning
            // each execution with its real parameters and table size keeps the index scans.
            .map_sqlx_postgres_opts(|o| o.options([("plan_cache_mode", "force_custom_plan")]));
        let conn = SeaDatabase::connect(opts).await?;
        let sqlite = conn.get_database_backend() == DatabaseBackend::Sqlite;
        if sqlite {
            // sqlx opens SQLite with foreign keys on; WAL is set once per file and persists.
            conn.execute_unprepared("PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON;")
                .await?;
        }
        Migrator::up(&conn, None).await?;
        Ok(Self {
            conn,
            sqlite_writer: sqlite.then(|| std::sync::Arc::new(tokio::sync::Mutex::new(()))),
        })
    }

    /// The sea-orm connection, for repositories in this crate and for tests.
    pub fn connection(&self) -> &DatabaseConnection {
        &self.conn
    }

    /// Whether this is PostgreSQL (or SQLite).
    pub fn is_postgres(&self) -> bool {
        self.conn.get_database_backend() == DatabaseBackend::Postgres
    }

    /// Waits for SQLite's single writer slot (no-op on PostgreSQL, whose row locks suffice).
    pub(crate) async fn write_turn(&self) -> Option<tokio::sync::MutexGuard<'_, ()>> {
        match &self.sqlite_writer {
            Some(lock) => Some(lock.lock().await),
            None => None,
        }
    }

    /// Cheap liveness check for readiness probes.
    pub async fn ping(&self) -> Result<(), Error> {
        self.conn.ping().await.map_err(Error::from)
    }
}
