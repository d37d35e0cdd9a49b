//! One test suite, every backend: SQLite (a real file) always, PostgreSQL when `DATABASE_URL`
//! points at one — each test in a fresh database of its own, dropped afterwards.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use sea_orm::{ConnectionTrait as _, Database as Sea};
use storage::{Database, DbOptions};

pub struct TestDb {
    pub db: Database,
    pub name: &'static str,
    pub sqlite_file: Option<std::path::PathBuf>,
    _dir: Option<tempfile::TempDir>,
    pg: Option<(String, String)>,
}

impl TestDb {
    pub async fn cleanup(self) {
        if let Some((admin_url, name)) = self.pg {
            drop(self.db);
            let admin = Sea::connect(admin_url).await.unwrap();
            admin
                .execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                .await
                .unwrap();
        }
    }
}

pub async fn backends() -> Vec<TestDb> {
    let mut out = Vec::new();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("test.db");
    let url = format!("sqlite://{}?mode=rwc", file.display());
    out.push(TestDb {
        db: Database::connect(&url, &DbOptions::default())
            .await
            .unwrap(),
        name: "sqlite",
        sqlite_file: Some(file),
        _dir: Some(dir),
        pg: None,
    });
    if let Ok(admin_url) = std::env::var("DATABASE_URL")
        && admin_url.starts_with("postgres")
    {
        let name = format!("storage_test_{}", uuid::Uuid::new_v4().simple());
        let admin = Sea::connect(admin_url.clone()).await.unwrap();
        admin
            .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
            .await
            .unwrap();
        let base = admin_url
            .rsplit_once('/')
            .map(|(b, _)| b.to_owned())
            .unwrap();
        let url = format!("{base}/{name}");
        out.push(TestDb {
            db: Database::connect(
                &url,
                &DbOptions {
                    max_connections: 10,
                },
            )
            .await
            .unwrap(),
            name: "postgres",
            sqlite_file: None,
            _dir: None,
            pg: Some((admin_url, name)),
        });
    }
    out
}

/// A fresh active connection (accounts need one).
pub async fn connection(db: &Database) -> String {
    db.create_connection(
        &storage::NewConnection {
            environment: "local".into(),
            client_id: "5ca1ab1e-c0ca-c01a-cafe-154deadbea75".into(),
            scopes: "payment-accounts:balances:view payment-accounts:transactions:view".into(),
            granted_at: time::OffsetDateTime::now_utc(),
            valid_until: Some(time::OffsetDateTime::now_utc() + time::Duration::days(90)),
        },
        &format!("token-{}", uuid::Uuid::new_v4()),
    )
    .await
    .unwrap()
    .id
}

/// An account `resource_id` under a fresh connection; returns its id.
pub async fn account(db: &Database, resource_id: &str) -> i64 {
    let connection_id = connection(db).await;
    let (acc, _) = db
        .upsert_account(&storage::NewAccount {
            connection_id,
            resource_id: resource_id.into(),
            iban: None,
            name: "a".into(),
            bank_name: "ING".into(),
            currency: "EUR".into(),
            product: None,
        })
        .await
        .unwrap();
    acc.id
}

/// An automatic match of payment `tx` to `allocations` (invoice id, amount), as the matcher
/// decides one on an invoice number in the text.
pub fn auto_match(tx: i64, allocations: &[(i64, &str)]) -> storage::MatchDecision {
    storage::MatchDecision {
        transaction_id: tx,
        allocations: allocations
            .iter()
            .map(|(id, a)| storage::NewAllocation {
                invoice_id: *id,
                amount: a.parse().unwrap(),
            })
            .collect(),
        confidence: "0.98".parse().unwrap(),
        method: storage::MatchMethod::Auto,
        reasons: storage::MatchReasons {
            reasons: vec![storage::ReasonLine::text("invoice number in text")],
            ..storage::MatchReasons::default()
        },
        decided_by: "auto".into(),
    }
}

/// An empty database (no migrations applied) on every backend, for migration tests.
pub struct BlankDb {
    pub url: String,
    pub name: &'static str,
    _dir: Option<tempfile::TempDir>,
    pg: Option<(String, String)>,
}

impl BlankDb {
    pub async fn cleanup(self) {
        if let Some((admin_url, name)) = self.pg {
            let admin = Sea::connect(admin_url).await.unwrap();
            admin
                .execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                .await
                .unwrap();
        }
    }
}

pub async fn blank_backends() -> Vec<BlankDb> {
    let dir = tempfile::tempdir().unwrap();
    let url = format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("blank.db").display()
    );
    let mut out = vec![BlankDb {
        url,
        name: "sqlite",
        _dir: Some(dir),
        pg: None,
    }];
    if let Ok(admin_url) = std::env::var("DATABASE_URL")
        && admin_url.starts_with("postgres")
    {
        let name = format!("storage_test_{}", uuid::Uuid::new_v4().simple());
        let admin = Sea::connect(admin_url.clone()).await.unwrap();
        admin
            .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
            .await
            .unwrap();
        let base = admin_url
            .rsplit_once('/')
            .map(|(b, _)| b.to_owned())
            .unwrap();
        out.push(BlankDb {
            url: format!("{base}/{name}"),
            name: "postgres",
            _dir: None,
            pg: Some((admin_url, name)),
        });
    }
    out
}
