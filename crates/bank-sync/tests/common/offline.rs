//! A world without a bank: accounts, connections and bookings written through storage.

use std::str::FromStr as _;

use bank_sync::BankSync;
use bank_sync::settings::{Environment, Settings};
use ing_sandbox::DevCertificates;
use rust_decimal::Decimal;
use sea_orm::{ConnectionTrait as _, Database as Sea};
use storage::{BookingStatus, InvoiceKind, NewAccount, NewConnection, NewInvoice, NewTransaction};
use time::macros::date;

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

pub fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

pub fn invoice(
    number: &str,
    customer: &str,
    name: &str,
    total: &str,
    iban: Option<&str>,
) -> NewInvoice {
    NewInvoice {
        number: number.into(),
        kind: InvoiceKind::Invoice,
        customer_name: name.into(),
        customer_number: Some(customer.into()),
        customer_ibans: iban.map(|i| vec![i.to_owned()]).unwrap_or_default(),
        total: dec(total),
        currency: "EUR".into(),
        issue_date: date!(2026 - 11 - 01),
        due_date: Some(date!(2026 - 11 - 15)),
        creditor_reference: None,
    }
}

/// An account as the PSD2 sync stores it: a connection of its own (keyed by `key`) and the
/// account under it, with `iban` when given; returns the account id.
pub async fn bank_account(sync: &BankSync, key: &str, iban: Option<&str>) -> i64 {
    let db = sync.db();
    let connection = db
        .create_connection(
            &NewConnection {
                environment: "local".into(),
                client_id: "5ca1ab1e-c0ca-c01a-cafe-154deadbea75".into(),
                scopes: "payment-accounts:transactions:view".into(),
                granted_at: time::OffsetDateTime::now_utc(),
                valid_until: Some(time::OffsetDateTime::now_utc() + time::Duration::days(90)),
            },
            &format!("token-{key}"),
        )
        .await
        .unwrap();
    let (acc, _) = db
        .upsert_account(&NewAccount {
            connection_id: connection.id,
            resource_id: format!("acc-{key}"),
            iban: iban.map(str::to_owned),
            name: "Geschäftskonto".into(),
            bank_name: "ING".into(),
            currency: "EUR".into(),
            product: None,
        })
        .await
        .unwrap();
    acc.id
}

/// One booked incoming payment on an account of its own; returns the transaction id.
pub async fn pay(
    sync: &BankSync,
    key: &str,
    iban: &str,
    name: &str,
    amount: &str,
    text: &str,
) -> i64 {
    let account = bank_account(sync, key, None).await;
    let db = sync.db();
    db.import_page(
        account,
        &[NewTransaction {
            bank_transaction_id: Some(format!("T-{key}")),
            entry_reference: None,
            end_to_end_id: None,
            booking_date: Some(date!(2026 - 11 - 10)),
            value_date: Some(date!(2026 - 11 - 10)),
            amount: dec(amount),
            currency: "EUR".into(),
            counterparty_name: Some(name.into()),
            counterparty_iban: Some(iban.into()),
            remittance_unstructured: Some(text.into()),
            remittance_structured: None,
            bank_transaction_code: None,
            status: BookingStatus::Booked,
            raw_json: serde_json::json!({}),
        }],
    )
    .await
    .unwrap();
    db.transactions(account).await.unwrap()[0].id
}
