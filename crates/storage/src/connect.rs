//! Opening the database and bringing its schema up to date.

use sea_orm::{ConnectOptions, ConnectionTrait, Database as SeaDatabase, DatabaseBackend};
use sea_orm_migration::MigratorTrait as _;

use crate::db::Database;
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
        let mut conn = SeaDatabase::connect(opts).await?;
        let statements = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
        let count = statements.clone();
        conn.set_metric_callback(move |_| {
            count.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        });
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
            statements,
        })
    }
}
