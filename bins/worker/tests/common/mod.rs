//! A local ING (real HTTPS, real certificates), a database, and connections made through the
//! real consent flow — what every worker test starts from.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

use bank_sync::BankSync;
use bank_sync::settings::{Environment, Settings};
use ing_sandbox::{DataConfig, DevCertificates, Sandbox, SandboxConfig, SandboxHandle};

pub const REDIRECT: &str = "http://127.0.0.1:8000/banking/callback";

pub struct World {
    pub sandbox: SandboxHandle,
    pub sync: BankSync,
    pub settings: Settings,
    pub dir: tempfile::TempDir,
}

pub fn settings(dir: &Path, database_url: &str, api_url: &str, key: &str, budget: u32) -> Settings {
    Settings {
        database_url: database_url.to_owned(),
        environment: Environment::Local,
        client_id: None,
        cert_path: dir.to_path_buf(),
        api_base_url: Some(api_url.to_owned()),
        ca_cert: Some(dir.join("ca.cer")),
        key_id_format: ing_psd2::KeyIdFormat::Serial,
        data_key: Some(key.to_owned()),
        retired_data_keys: Vec::new(),
        data_dir: dir.join("data"),
        sandbox_port: 0,
        invoice_patterns: vec!["RE-####-####".into()],
        db_pool: 10,
        daily_budget: budget,
        user_sync_min_seconds: 0,
        history_days: 730,
        datev: Default::default(),
    }
}

/// The sandbox with `data`, `sandbox_budget` (its own 4/day check), a SQLite file (or
/// `database_url`), and our budget `budget`.
pub async fn world(
    data: DataConfig,
    sandbox_budget: Option<u32>,
    budget: u32,
    database_url: Option<String>,
) -> World {
    world_tuned(data, sandbox_budget, budget, database_url, |_| {}).await
}

/// [`world`] with more of the sandbox's configuration changed by `tune`.
pub async fn world_tuned(
    data: DataConfig,
    sandbox_budget: Option<u32>,
    budget: u32,
    database_url: Option<String>,
    tune: impl FnOnce(&mut SandboxConfig),
) -> World {
    let dir = tempfile::tempdir().unwrap();
    let certs = DevCertificates::generate().unwrap();
    certs.write_to(dir.path()).unwrap();
    let mut config = SandboxConfig::new(certs);
    config.data = data;
    config.unattended_daily_budget = sandbox_budget;
    tune(&mut config);
    let sandbox = Sandbox::start(config).await.unwrap();
    let url = database_url.unwrap_or_else(|| {
        format!(
            "sqlite://{}?mode=rwc",
            dir.path().join("worker.db").display()
        )
    });
    let key = storage::DataKey::generate_base64().unwrap();
    let settings = settings(dir.path(), &url, &sandbox.api_url(), &key, budget);
    let sync = settings.build(vec![REDIRECT.into()]).await.unwrap();
    World {
        sandbox,
        sync,
        settings,
        dir,
    }
}

impl World {
    /// Consent by `profile_id` through initiate → the sandbox's "Allow" → callback, then the
    /// accounts stored. Returns the connection id.
    pub async fn connect(&self, profile_id: &str) -> String {
        let grant = consent(&self.sync, &self.sandbox, profile_id).await;
        self.sync
            .sync_accounts(&grant.connection, true, Some("127.0.0.1".parse().unwrap()))
            .await
            .unwrap();
        grant.connection.id
    }

    pub fn cert_dir(&self) -> PathBuf {
        self.dir.path().to_path_buf()
    }
}

/// A consent by `profile_id` through initiate → the sandbox's "Allow" → callback.
pub async fn consent(
    sync: &BankSync,
    sandbox: &SandboxHandle,
    profile_id: &str,
) -> bank_sync::ConsentGrant {
    let client_id = sandbox.client_id().to_owned();
    let start = sync
        .initiate_consent(&client_id, REDIRECT, "")
        .await
        .unwrap();
    let redirect = sandbox
        .grant_consent(&start.authorization_url, profile_id)
        .await
        .unwrap();
    let url = url::Url::parse(&redirect).unwrap();
    let code = url
        .query_pairs()
        .find(|(k, _)| k == "code")
        .unwrap()
        .1
        .into_owned();
    sync.complete_consent(&client_id, &code, REDIRECT, &start.state)
        .await
        .unwrap()
}

/// A sandbox invoice as the back office stores it.
pub fn invoice(i: &ing_sandbox::data::Invoice) -> storage::NewInvoice {
    storage::NewInvoice {
        number: i.number.clone(),
        kind: storage::InvoiceKind::Invoice,
        customer_name: i.customer_name.clone(),
        customer_number: None,
        customer_ibans: vec![i.customer_iban.clone()],
        total: i.amount,
        currency: i.currency.clone(),
        issue_date: i.issue_date,
        due_date: Some(i.due_date),
        creditor_reference: Some(i.rf_reference.clone()),
    }
}

/// The worker binary set up for `settings` as an operator would run it (`--once`, its settings
/// in environment variables, nothing inherited), named `name` in leases; the caller adds what
/// differs and spawns it.
pub fn worker_command(
    settings: &Settings,
    name: &str,
    lease_seconds: u32,
) -> tokio::process::Command {
    let mut c = scheduled_worker_command(settings, name, lease_seconds);
    c.arg("--once");
    c
}

/// The worker binary of this build, or the one `PSD2_WORKER_BIN` names (benchmarks run a
/// release build from the unoptimised tests).
pub fn worker_program() -> String {
    std::env::var("PSD2_WORKER_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_psd2-worker").into())
}

/// [`worker_command`] without `--once`: the worker as a long-running service.
pub fn scheduled_worker_command(
    settings: &Settings,
    name: &str,
    lease_seconds: u32,
) -> tokio::process::Command {
    let mut c = tokio::process::Command::new(worker_program());
    c.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("RUST_LOG", "warn")
        .env("DATABASE_URL", &settings.database_url)
        .env("PSD2_ENVIRONMENT", "local")
        .env(
            "PSD2_API_BASE_URL",
            settings.api_base_url.as_deref().unwrap(),
        )
        .env("PSD2_CA_CERT", settings.ca_cert.as_deref().unwrap())
        .env("PSD2_CERT_PATH", &settings.cert_path)
        .env("PSD2_DATA_KEY", settings.data_key.as_deref().unwrap())
        .env("PSD2_WORKER_NAME", name)
        .env("PSD2_LEASE_SECONDS", lease_seconds.to_string())
        .env("PSD2_DB_POOL", "3")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true);
    c
}

/// A new, empty PostgreSQL database on the server `DATABASE_URL` names, when it names one.
pub async fn fresh_postgres(prefix: &str) -> Option<String> {
    use sea_orm::ConnectionTrait as _;
    let admin = std::env::var("DATABASE_URL").ok()?;
    if !admin.starts_with("postgres") {
        return None;
    }
    let name = format!("{prefix}_{}", uuid::Uuid::new_v4().simple());
    let conn = sea_orm::Database::connect(admin.clone()).await.unwrap();
    conn.execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
        .await
        .unwrap();
    Some(format!("{}/{name}", admin.rsplit_once('/').unwrap().0))
}

/// Every profile of the sandbox consents and is synced once, side by side (at the bank's pace
/// one after another would take minutes): the starting point of the benchmarks.
pub async fn consent_and_sync_every_profile(sync: &BankSync, sandbox: &SandboxHandle) {
    use futures::StreamExt as _;
    let profiles: Vec<String> = sandbox
        .ground_truth()
        .profiles
        .iter()
        .map(|p| p.id.clone())
        .collect();
    futures::stream::iter(profiles)
        .map(|p| async move {
            let grant = consent(sync, sandbox, &p).await;
            sync.sync_accounts(&grant.connection, true, Some("127.0.0.1".parse().unwrap()))
                .await
                .unwrap();
        })
        .buffer_unordered(16)
        .collect::<Vec<()>>()
        .await;
}

/// [`worker_command`] as the benchmarks run it: `concurrency` accounts side by side, the pool
/// that needs (plus `spare` connections), all history, no budget in the way, and `info` logs
/// (the pass line carries the figures).
pub fn bench_worker(
    settings: &Settings,
    name: &str,
    lease_seconds: u32,
    concurrency: usize,
    spare: usize,
) -> tokio::process::Command {
    let mut c = worker_command(settings, name, lease_seconds);
    c.env("RUST_LOG", "info")
        .env("PSD2_WORKER_CONCURRENCY", concurrency.to_string())
        .env("PSD2_INITIAL_DAYS", "3650")
        .env("PSD2_DAILY_BUDGET", "1000000")
        .env("PSD2_DB_POOL", (concurrency + spare).to_string());
    c
}

/// The worker's last "pass finished" log line, read from its standard error to the end; error
/// lines are echoed so a failing benchmark says why.
pub async fn pass_line(stderr: tokio::process::ChildStderr) -> Option<String> {
    use tokio::io::{AsyncBufReadExt as _, BufReader};
    let mut lines = BufReader::new(stderr).lines();
    let mut finished = None;
    while let Some(line) = lines.next_line().await.unwrap() {
        if line.contains("pass finished") {
            finished = Some(line);
        } else if line.contains("ERROR") {
            eprintln!("{line}");
        }
    }
    finished
}

/// The number after `key=` in a log line.
pub fn log_field(line: &str, key: &str) -> Option<u64> {
    line.split_whitespace()
        .find_map(|w| w.strip_prefix(&format!("{key}=")))
        .and_then(|v| v.parse().ok())
}
