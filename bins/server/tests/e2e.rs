//! End to end: the bundled sandbox and the server on ephemeral ports, the original guide's four
//! curl calls (plus `state` and the API token), then the database checked against the sandbox's
//! ground truth. Runs on SQLite, and on PostgreSQL when `DATABASE_URL` points at one.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::call;
use std::collections::HashMap;
use std::io::Write as _;
use std::sync::{Arc, Mutex};

use psd2_server::run::{Started, start};
use sea_orm::{ConnectionTrait as _, Database as Sea};
use serde_json::{Value, json};

const TOKEN: &str = "e2e-api-token-0123456789";
const REDIRECT: &str = "http://127.0.0.1:8000/banking/callback";
const API: &str = "/api/backoffice/finance/psd2";

/// Everything the server logs, for the secret-hygiene check.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn capture_logs() -> Captured {
    let captured = Captured::default();
    let writer = captured.clone();
    let _ = tracing_subscriber::fmt()
        .with_env_filter("debug,hyper=info,h2=info,rustls=info,sqlx=info,sea_orm=info")
        .with_writer(move || writer.clone())
        .try_init();
    captured
}

struct Server {
    started: Started,
    base: String,
    bodies: Mutex<Vec<String>>,
    _dir: tempfile::TempDir,
}

impl Server {
    async fn post(&self, path: &str, body: &Value) -> (u16, Value) {
        self.raw("POST", path, Some(&body.to_string())).await
    }

    /// A POST on behalf of a person at the keyboard (the guide's reader, who has just given
    /// the consent): their address goes along as `PSU-IP-Address`, so the allowance of
    /// unattended requests does not apply.
    async fn post_present(&self, path: &str, body: &Value) -> (u16, Value) {
        let (code, text) = common::call_with(
            "POST",
            &format!("{}{path}", self.base),
            Some(TOKEN),
            Some(&body.to_string()),
            &["PSU-IP-Address: 127.0.0.1"],
        )
        .await;
        self.bodies.lock().unwrap().push(text.clone());
        (
            code,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }

    async fn raw(&self, method: &str, path: &str, body: Option<&str>) -> (u16, Value) {
        let (code, text) = call(method, &format!("{}{path}", self.base), Some(TOKEN), body).await;
        self.bodies.lock().unwrap().push(text.clone());
        (
            code,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }
}

async fn server(database_url: &str) -> Server {
    let dir = tempfile::tempdir().unwrap();
    // The flow replays each sync at once to show nothing is stored twice.
    let config = common::local_config(
        dir.path(),
        database_url,
        TOKEN,
        REDIRECT,
        &["--user-sync-min-seconds", "0"],
    );
    let started = start(config).await.unwrap();
    Server {
        base: format!("http://{}", started.addr),
        started,
        bodies: Mutex::new(Vec::new()),
        _dir: dir,
    }
}

fn param(url: &str, key: &str) -> String {
    url::Url::parse(url)
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.into_owned())
        .unwrap()
}

async fn full_flow(database_url: &str) {
    let logs = capture_logs();
    let s = server(database_url).await;
    let sandbox = s.started.sandbox.as_ref().unwrap();
    let client_id = sandbox.client_id().to_owned();
    let truth = sandbox.ground_truth().clone();
    let profile = truth.profiles[1].clone();

    // No API token: 401 on every original endpoint.
    for ep in [
        "consent/initiate",
        "consent/callback",
        "accounts/sync",
        "transactions/sync",
    ] {
        let (code, _) = call("POST", &format!("{}{API}/{ep}", s.base), None, Some("{}")).await;
        assert_eq!(code, 401, "{ep} without the API token");
    }
    // A redirect URI not on the list: 400.
    let (code, body) = s
        .post(
            &format!("{API}/consent/initiate"),
            &json!({"client_id": client_id, "redirect_uri": "https://evil.example/cb", "scope": ""}),
        )
        .await;
    assert_eq!(code, 400, "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("allow-list")
    );

    // 1. initiate, as the guide's curl does (plus the API token).
    let (code, init) = s
        .post(
            &format!("{API}/consent/initiate"),
            &json!({
                "client_id": client_id,
                "redirect_uri": REDIRECT,
                "scope": "payment-accounts:balances:view payment-accounts:transactions:view"
            }),
        )
        .await;
    assert_eq!(code, 200, "{init}");
    let state = init["state"].as_str().unwrap().to_owned();
    let url = init["authorization_url"].as_str().unwrap().to_owned();
    assert_eq!(param(&url, "state"), state);

    // 2. the person clicks "Allow" on the sandbox's consent page.
    let redirect = sandbox.grant_consent(&url, &profile.id).await.unwrap();
    assert!(redirect.starts_with(REDIRECT));
    assert_eq!(param(&redirect, "state"), state);
    let code_value = param(&redirect, "code");

    // A bad state: 400, and the code is not exchanged (it still works below).
    let callback = |state: &str| json!({"client_id": client_id, "authorization_code": code_value, "redirect_uri": REDIRECT, "state": state});
    let (code, body) = s
        .post(&format!("{API}/consent/callback"), &callback("st_forged"))
        .await;
    assert_eq!(code, 400, "{body}");
    let (code, body) = s
        .post(
            &format!("{API}/consent/callback"),
            &json!({"client_id": client_id, "authorization_code": code_value, "redirect_uri": REDIRECT}),
        )
        .await;
    assert_eq!(code, 400, "missing state: {body}");

    // 3. callback.
    let (code, grant) = s
        .post(&format!("{API}/consent/callback"), &callback(&state))
        .await;
    assert_eq!(code, 200, "{grant}");
    assert_eq!(grant["token_type"], "Bearer");
    assert!(grant["expires_in"].as_i64().unwrap() > 80 * 86_400);
    assert!(grant.get("refresh_token").is_none());
    let access = grant["access_token"].as_str().unwrap().to_owned();
    // The same state again: 400.
    let (code, _) = s
        .post(&format!("{API}/consent/callback"), &callback(&state))
        .await;
    assert_eq!(code, 400, "a reused state must be refused");

    // 4. accounts.
    let (code, synced) = s
        .post(
            &format!("{API}/accounts/sync?create_missing=true"),
            &json!({"client_id": client_id, "access_token": access}),
        )
        .await;
    assert_eq!(code, 200, "{synced}");
    assert_eq!(synced["success"], true);
    let listed = synced["accounts"].as_array().unwrap();
    assert_eq!(listed.len(), profile.accounts.len());
    assert_eq!(synced["accounts_synced"], profile.accounts.len());
    assert!(listed.iter().all(|a| a["created"] == true));
    // Again: nothing created.
    let (_, again) = s
        .post(
            &format!("{API}/accounts/sync?create_missing=true"),
            &json!({"client_id": client_id, "access_token": access}),
        )
        .await;
    assert!(
        again["accounts"]
            .as_array()
            .unwrap()
            .iter()
            .all(|a| a["created"] == false)
    );

    // Open invoices, as the back office knows them.
    let invoices: Vec<Value> = truth
        .invoices
        .iter()
        .map(|i| {
            json!({
                "number": i.number, "customer_name": i.customer_name,
                "customer_ibans": [i.customer_iban], "total": i.amount.to_string(),
                "currency": i.currency, "issue_date": i.issue_date.to_string(),
                "due_date": i.due_date.to_string(), "creditor_reference": i.rf_reference
            })
        })
        .collect();
    let (code, body) = s
        .post("/api/invoices", &json!({ "invoices": invoices }))
        .await;
    assert_eq!(code, 200, "{body}");

    // 5. transactions, every account, reconciled.
    let mut auto_total = 0;
    for a in listed {
        let resource = a["account"]["psd2_account_id"].as_str().unwrap();
        let truth_account = truth.account(resource).unwrap();
        let from = truth_account
            .transactions
            .iter()
            .map(|t| t.date())
            .min()
            .unwrap();
        let to = truth_account
            .transactions
            .iter()
            .map(|t| t.date())
            .max()
            .unwrap();
        let request = json!({
            "client_id": client_id, "access_token": access,
            "account_id": a["account"]["id"], "psd2_account_id": resource,
            "date_from": from.to_string(), "date_to": to.to_string(),
            "skip_duplicates": true, "auto_reconcile": true
        });
        let (code, r) = s
            .post_present(&format!("{API}/transactions/sync"), &request)
            .await;
        assert_eq!(code, 200, "{r}");
        assert_eq!(r["success"], true);
        assert_eq!(r["total_fetched"], truth_account.transactions.len(), "{r}");
        assert_eq!(r["imported"], truth_account.transactions.len(), "{r}");
        auto_total += r["auto_reconciled"].as_u64().unwrap();
        // A replay imports nothing.
        let (code, r) = s
            .post_present(&format!("{API}/transactions/sync"), &request)
            .await;
        assert_eq!(code, 200);
        assert_eq!(
            (r["imported"].as_u64(), r["skipped"].as_u64()),
            (Some(0), Some(truth_account.transactions.len() as u64)),
            "{r}"
        );

        // The database against the ground truth: each transaction once, signed amount, the
        // right counterparty.
        let id: i64 = a["account"]["id"].as_str().unwrap().parse().unwrap();
        let stored = s.started.sync.db().transactions(id).await.unwrap();
        assert_eq!(stored.len(), truth_account.transactions.len());
        let by_id: HashMap<&str, &storage::entity::transaction::Model> = stored
            .iter()
            .filter_map(|t| t.bank_transaction_id.as_deref().map(|k| (k, t)))
            .collect();
        for t in &truth_account.transactions {
            let Some(tid) = &t.transaction_id else {
                continue;
            };
            let row = by_id[tid.as_str()];
            assert_eq!(row.amount.decimal(), t.amount, "{tid}");
            assert_eq!(
                row.counterparty_name.as_deref(),
                Some(t.counterparty_name.as_str()),
                "{tid}"
            );
            assert_eq!(
                row.counterparty_iban.as_deref(),
                Some(t.counterparty_iban.as_str()),
                "{tid}"
            );
            assert_eq!(row.booking_date, t.booking_date, "{tid}");
        }
    }
    // Reconciliations where expected: every invoice the ground truth says was paid on this
    // profile's accounts is matched to the payment that paid it, or queued for review.
    let resources: Vec<&str> = profile
        .accounts
        .iter()
        .map(|a| a.resource_id.as_str())
        .collect();
    let expected = truth
        .invoices
        .iter()
        .filter(|i| resources.contains(&i.account_resource_id.as_str()))
        .count();
    assert!(
        expected > 0,
        "the ground truth has invoices for this profile"
    );
    let (_, paid) = s.raw("GET", "/api/invoices?status=paid", None).await;
    let paid = usize::try_from(paid["total"].as_u64().unwrap()).unwrap();
    assert!(auto_total > 0, "nothing was reconciled automatically");
    assert_eq!(
        paid as u64, auto_total,
        "auto-matches and paid invoices disagree"
    );
    assert!(paid <= expected);

    // Malformed JSON and wrong types: 400, not 500.
    let (code, _) = s
        .raw(
            "POST",
            &format!("{API}/transactions/sync"),
            Some("{\"client_id\":"),
        )
        .await;
    assert_eq!(code, 400);
    let (code, body) = s
        .post(
            &format!("{API}/transactions/sync"),
            &json!({"client_id": 7, "access_token": [], "date_from": true}),
        )
        .await;
    assert_eq!(code, 400, "{body}");
    let (code, body) = s
        .post(
            &format!("{API}/accounts/sync"),
            &json!({"client_id": client_id, "access_token": "psd2c_unknown"}),
        )
        .await;
    assert_eq!(code, 401, "{body}");

    // No ING token in any response or log line.
    let mut secrets = Vec::new();
    let conn = &s.started.sync.db().connections().await.unwrap()[0];
    let keys = s.started.sync.keyring();
    for kind in ["ing_access_token", "ing_refresh_token"] {
        let (value, _) = s
            .started
            .sync
            .db()
            .get_secret(keys, &conn.id, kind)
            .await
            .unwrap()
            .unwrap();
        secrets.push(value);
    }
    secrets.push(code_value.clone());
    let logged = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    assert!(
        logged.contains("transactions synced"),
        "logs were not captured"
    );
    for secret in &secrets {
        assert!(
            !logged.contains(secret.as_str()),
            "a secret reached the log"
        );
        for b in s.bodies.lock().unwrap().iter() {
            assert!(!b.contains(secret.as_str()), "a secret reached a response");
        }
    }
    let _ = std::io::stderr().flush();
    s.started.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_guides_flow_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("e2e.db").display());
    full_flow(&url).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_guides_flow_on_postgres() {
    let Ok(admin) = std::env::var("DATABASE_URL") else {
        eprintln!("DATABASE_URL not set: PostgreSQL run skipped");
        return;
    };
    if !admin.starts_with("postgres") {
        return;
    }
    let name = format!("e2e_{}", uuid::Uuid::new_v4().simple());
    let conn = Sea::connect(admin.clone()).await.unwrap();
    conn.execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
        .await
        .unwrap();
    let base = admin.rsplit_once('/').unwrap().0;
    full_flow(&format!("{base}/{name}")).await;
    conn.execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
        .await
        .unwrap();
}
