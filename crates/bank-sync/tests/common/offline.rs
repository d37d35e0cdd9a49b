//! A world without a bank: accounts, connections and bookings written through storage.

use bank_sync::BankSync;
use bank_sync::settings::{Environment, Settings};
use ing_sandbox::DevCertificates;
use sea_orm::{ConnectionTrait as _, Database as Sea};

pub struct World {
    pub dir: tempfile::TempDir,
    pub database_url: String,
    pub data_key: String,
    pub pg: Option<(String, String)>,
}

impl World {
    pub async fn new(pg_admin: Option<String>) -> Self {
        let dir = tempfile::tempdir().unwrap();
        DevCertificates::generate()
            .unwrap()
            .write_to(dir.path())
            .unwrap();
        let (database_url, pg) = match pg_admin {
            None => (
                format!("sqlite://{}?mode=rwc", dir.path().join("sync.db").display()),
                None,
            ),
            Some(admin) => {
                let name = format!("bank_sync_test_{}", uuid::Uuid::new_v4().simple());
                Sea::connect(admin.clone())
                    .await
                    .unwrap()
                    .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
                    .await
                    .unwrap();
                let base = admin.rsplit_once('/').unwrap().0.to_owned();
                (format!("{base}/{name}"), Some((admin, name)))
            }
        };
        World {
            dir,
            database_url,
            data_key: storage::DataKey::generate_base64().unwrap(),
            pg,
        }
    }

    /// A service over the world's database: calling it again is a restart.
    pub async fn service(&self) -> BankSync {
        Settings {
            database_url: self.database_url.clone(),
            environment: Environment::Local,
            client_id: None,
            cert_path: self.dir.path().to_path_buf(),
            // Never called: these tests decide, they do not fetch.
            api_base_url: Some("https://127.0.0.1:9".into()),
            ca_cert: Some(self.dir.path().join("ca.cer")),
            key_id_format: ing_psd2::KeyIdFormat::Serial,
            data_key: Some(self.data_key.clone()),
            retired_data_keys: Vec::new(),
            sandbox_port: 0,
            invoice_patterns: vec!["RE-####-####".into()],
            db_pool: 5,
            daily_budget: 4,
            user_sync_min_seconds: 0,
            history_days: 730,
            datev: Default::default(),
            data_dir: self.dir.path().join("data"),
        }
        .build(Vec::new())
        .await
        .unwrap()
    }

    pub async fn cleanup(self) {
        if let Some((admin, name)) = self.pg {
            let admin = Sea::connect(admin).await.unwrap();
            admin
                .execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                .await
                .unwrap();
        }
    }
}

pub async fn worlds() -> Vec<World> {
    let mut out = vec![World::new(None).await];
    if let Ok(admin) = std::env::var("DATABASE_URL")
        && admin.starts_with("postgres")
    {
        out.push(World::new(Some(admin)).await);
    }
    out
}
