//! A world with the bundled ING sandbox over real mTLS.

use bank_sync::BankSync;
use bank_sync::settings::{Environment, Settings};
use ing_sandbox::{DevCertificates, Sandbox, SandboxConfig, SandboxHandle};
use sea_orm::{ConnectionTrait as _, Database as Sea};

pub const REDIRECT: &str = "http://127.0.0.1:8000/banking/callback";

pub struct World {
    pub sandbox: SandboxHandle,
    pub sync: BankSync,
    pub _dir: tempfile::TempDir,
    pub pg: Option<(String, String)>,
}

impl World {
    pub async fn cleanup(self) {
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
    pub async fn connect(&self, profile_id: &str) -> storage::entity::connection::Model {
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

pub fn present() -> std::net::IpAddr {
    "127.0.0.1".parse().unwrap()
}

/// SQLite always; PostgreSQL too when `DATABASE_URL` names one.
pub async fn backends() -> Vec<(String, Option<(String, String)>)> {
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

pub async fn world(database_url: String, pg: Option<(String, String)>) -> World {
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
        datev: Default::default(),
    };
    let sync = settings.build(vec![REDIRECT.into()]).await.unwrap();
    World {
        sandbox,
        sync,
        _dir: dir,
        pg,
    }
}
