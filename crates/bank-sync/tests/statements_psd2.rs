//! A statement file for an account PSD2 also syncs: the bundled ING sandbox over real mTLS feeds
//! an account, its stored bookings are exported as camt.053 (both versions) and MT940 with the
//! `statements` exporters, and importing those files stores nothing new. A real SQLite file, and
//! PostgreSQL when `DATABASE_URL` points at one.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use bank_sync::settings::{Environment, Settings};
use bank_sync::{BankSync, ExportFormat};
use ing_sandbox::{DevCertificates, Sandbox, SandboxConfig, SandboxHandle};
use sea_orm::{ConnectionTrait as _, Database as Sea};
use storage::BookingStatus;

const REDIRECT: &str = "http://127.0.0.1:8000/banking/callback";

struct World {
    sandbox: SandboxHandle,
    sync: BankSync,
    _dir: tempfile::TempDir,
    pg: Option<(String, String)>,
}

impl World {
    async fn cleanup(self) {
        self.sandbox.shutdown().await;
        if let Some((admin, name)) = self.pg {
            drop(self.sync);
            let admin = Sea::connect(admin).await.unwrap();
            admin
                .execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                .await
                .unwrap();
        }
    }

    /// A consent for `profile_id` through initiate, the sandbox's "Allow" and the callback, and
    /// the accounts stored; returns the connection.
    async fn connect(&self, profile_id: &str) -> storage::entity::connection::Model {
        let client_id = self.sandbox.client_id().to_owned();
        let start = self
            .sync
            .initiate_consent(&client_id, REDIRECT, "")
            .await
            .unwrap();
        let redirect = self
            .sandbox
            .grant_consent(&start.authorization_url, profile_id)
            .await
            .unwrap();
        let code = url::Url::parse(&redirect)
            .unwrap()
            .query_pairs()
            .find(|(k, _)| k == "code")
            .unwrap()
            .1
            .into_owned();
        let grant = self
            .sync
            .complete_consent(&client_id, &code, REDIRECT, &start.state)
            .await
            .unwrap();
        self.sync
            .sync_accounts(&grant.connection, true, Some(present()))
            .await
            .unwrap();
        grant.connection
    }
}

fn present() -> std::net::IpAddr {
    "127.0.0.1".parse().unwrap()
}

/// SQLite always; PostgreSQL too when `DATABASE_URL` names one.
async fn backends() -> Vec<(String, Option<(String, String)>)> {
    let mut out = vec![(String::new(), None)];
    if let Ok(admin) = std::env::var("DATABASE_URL")
        && admin.starts_with("postgres")
    {
        let name = format!("bank_sync_test_{}", uuid::Uuid::new_v4().simple());
        Sea::connect(admin.clone())
            .await
            .unwrap()
            .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
            .await
            .unwrap();
        let base = admin.rsplit_once('/').unwrap().0.to_owned();
        out.push((format!("{base}/{name}"), Some((admin, name))));
    }
    out
}

async fn world(database_url: String, pg: Option<(String, String)>) -> World {
    let dir = tempfile::tempdir().unwrap();
    let certs = DevCertificates::generate().unwrap();
    certs.write_to(dir.path()).unwrap();
    let sandbox = Sandbox::start(SandboxConfig::new(certs)).await.unwrap();
    let database_url = if database_url.is_empty() {
        format!("sqlite://{}?mode=rwc", dir.path().join("sync.db").display())
    } else {
        database_url
    };
    let settings = Settings {
        database_url,
        environment: Environment::Local,
        client_id: None,
        cert_path: dir.path().to_path_buf(),
        api_base_url: Some(sandbox.api_url()),
        ca_cert: Some(dir.path().join("ca.cer")),
        key_id_format: ing_psd2::KeyIdFormat::Serial,
        data_key: Some(storage::DataKey::generate_base64().unwrap()),
        retired_data_keys: Vec::new(),
        data_dir: dir.path().join("data"),
        sandbox_port: 0,
        invoice_patterns: vec!["RE-####-####".into()],
        db_pool: 5,
        daily_budget: 4,
        user_sync_min_seconds: 0,
        history_days: 730,
    };
    let sync = settings.build(vec![REDIRECT.into()]).await.unwrap();
    World {
        sandbox,
        sync,
        _dir: dir,
        pg,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_of_bookings_psd2_stored_imports_nothing_new() {
    for (url, pg) in backends().await {
        let w = world(url, pg).await;
        let truth = w.sandbox.ground_truth().clone();
        let connection = w.connect(&truth.profiles[0].id).await;
        let db = w.sync.db();
        let mut checked = 0;
        for account in db.accounts_of(&connection.id).await.unwrap() {
            let today = w.sync.now().date();
            w.sync
                .sync_transactions(&bank_sync::TransactionSync {
                    account_id: account.id,
                    date_from: today - time::Duration::days(90),
                    date_to: today,
                    auto_reconcile: false,
                    trigger: storage::SyncTrigger::User,
                    psu_ip: Some(present()),
                    stop: None,
                })
                .await
                .unwrap();
            let booked: Vec<_> = db
                .transactions(account.id)
                .await
                .unwrap()
                .into_iter()
                .filter(|t| t.status == BookingStatus::Booked)
                .collect();
            let days: Vec<_> = booked
                .iter()
                .filter_map(|t| t.booking_date.or(t.value_date))
                .collect();
            let (Some(from), Some(to)) = (days.iter().min(), days.iter().max()) else {
                continue;
            };
            let before = db.transactions(account.id).await.unwrap().len();
            for format in [
                ExportFormat::Camt053V02,
                ExportFormat::Camt053V08,
                ExportFormat::Mt940,
            ] {
                let file = w
                    .sync
                    .export_statement(
                        account.id,
                        *from,
                        *to,
                        format,
                        time::macros::datetime!(2026 - 12 - 03 08:00),
                    )
                    .await;
                // MT940 cannot hold every text a bank sends (`?`, line breaks); it refuses
                // those instead of changing them. camt.053 must always work.
                let file = match (format, file) {
                    (_, Ok(file)) => file,
                    (ExportFormat::Mt940, Err(e)) if e.to_string().contains("MT940 cannot") => {
                        continue;
                    }
                    (_, Err(e)) => panic!("{format:?}: {e}"),
                };
                let r = w
                    .sync
                    .import_statement(account.id, &file, None)
                    .await
                    .unwrap();
                assert_eq!(r.entries, booked.len() as u64, "{format:?}");
                assert_eq!((r.imported, r.updated), (0, 0), "{format:?}: {r:?}");
                assert_eq!(r.already_known, r.entries, "{format:?}");
            }
            assert_eq!(db.transactions(account.id).await.unwrap().len(), before);
            checked += 1;
        }
        assert!(
            checked > 0,
            "the sandbox profile has no account with bookings"
        );
        w.cleanup().await;
    }
}
