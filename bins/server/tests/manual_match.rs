//! A match made by hand is stored the same way whichever front end made it: through the API
//! (`POST /api/transactions/{id}/match`) or on the banking page (`/banking/transactions/{id}/assign`).
//! Both go through `bank-sync`, so the reasons a person reads later do not depend on where the
//! decision was taken. Runs the bundled sandbox and the server on SQLite.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use psd2_server::run::start;
use serde_json::{Value, json};

const TOKEN: &str = "manual-match-api-token-0123";
const REDIRECT: &str = "http://127.0.0.1:8000/banking/callback";
const API: &str = "/api/backoffice/finance/psd2";

async fn post(base: &str, path: &str, body: &Value) -> (u16, Value) {
    let (code, text) = common::call_with(
        "POST",
        &format!("{base}{path}"),
        Some(TOKEN),
        Some(&body.to_string()),
        &["PSU-IP-Address: 127.0.0.1"],
    )
    .await;
    (
        code,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

async fn get(base: &str, path: &str) -> Value {
    let (code, text) = common::call("GET", &format!("{base}{path}"), Some(TOKEN), None).await;
    assert_eq!(code, 200, "{path}: {text}");
    serde_json::from_str(&text).unwrap()
}

fn csrf_of(page: &str) -> String {
    let at = page.find("name=\"csrf\" value=\"").expect("a csrf field") + 19;
    page[at..].split('"').next().unwrap().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn api_and_banking_page_store_identical_reasons_for_a_match_by_hand() {
    let dir = tempfile::tempdir().unwrap();
    let db_path = dir.path().join("psd2.sqlite");
    let database_url = format!("sqlite://{}?mode=rwc", db_path.display());
    let config = common::local_config(dir.path(), &database_url, TOKEN, REDIRECT, &[]);
    let started = start(config).await.unwrap();
    let base = format!("http://{}", started.addr);
    let sandbox = started.sandbox.as_ref().unwrap();
    let client_id = sandbox.client_id().to_owned();
    let truth = sandbox.ground_truth().clone();
    let profile = truth.profiles[1].clone();

    // Consent, accounts and transactions, without automatic reconciliation: every incoming
    // payment stays for a person to match.
    let (code, init) = post(
        &base,
        &format!("{API}/consent/initiate"),
        &json!({"client_id": client_id, "redirect_uri": REDIRECT,
                "scope": "payment-accounts:balances:view payment-accounts:transactions:view"}),
    )
    .await;
    assert_eq!(code, 200, "{init}");
    let url = init["authorization_url"].as_str().unwrap();
    let redirect = sandbox.grant_consent(url, &profile.id).await.unwrap();
    let param = |key: &str| {
        url::Url::parse(&redirect)
            .unwrap()
            .query_pairs()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.into_owned())
            .unwrap()
    };
    let (code, grant) = post(
        &base,
        &format!("{API}/consent/callback"),
        &json!({"client_id": client_id, "authorization_code": param("code"),
                "redirect_uri": REDIRECT, "state": param("state")}),
    )
    .await;
    assert_eq!(code, 200, "{grant}");
    let access = grant["access_token"].as_str().unwrap().to_owned();
    let (code, synced) = post(
        &base,
        &format!("{API}/accounts/sync?create_missing=true"),
        &json!({"client_id": client_id, "access_token": access}),
    )
    .await;
    assert_eq!(code, 200, "{synced}");
    let account = &synced["accounts"][0]["account"];
    let (code, r) = post(
        &base,
        &format!("{API}/transactions/sync"),
        &json!({"client_id": client_id, "access_token": access,
                "account_id": account["id"], "date_from": "2000-01-01", "auto_reconcile": false}),
    )
    .await;
    assert_eq!(code, 200, "{r}");

    let txs = get(&base, "/api/transactions?limit=500").await;
    let incoming: Vec<&Value> = txs["items"]
        .as_array()
        .or_else(|| txs.as_array())
        .unwrap()
        .iter()
        .filter(|t| !t["amount"].as_str().unwrap().starts_with('-'))
        .collect();
    assert!(incoming.len() >= 2, "two incoming payments to match: {txs}");
    let invoices = get(&base, "/api/invoices?status=open").await;
    let invoices = invoices["items"].as_array().unwrap();
    assert!(invoices.len() >= 2, "two open invoices");
    let tx_id = |t: &Value| {
        t["id"]
            .as_i64()
            .or_else(|| t["id"].as_str().and_then(|s| s.parse().ok()))
            .unwrap()
    };

    // By hand through the API.
    let (code, made) = post(
        &base,
        &format!("/api/transactions/{}/match", tx_id(incoming[0])),
        &json!({"user": "Anna", "allocations": [{"invoice_id": invoices[0]["id"], "amount": "1.00"}]}),
    )
    .await;
    assert_eq!(code, 200, "{made}");

    // By hand on the banking page.
    let jar = common::sign_in(dir.path(), &base, "Anna", TOKEN).await;
    let (code, page) = common::browser(&jar, "GET", &format!("{base}/banking/review"), &[]).await;
    assert_eq!(code, 200);
    let csrf = csrf_of(&page);
    let number = invoices[1]["number"].as_str().unwrap();
    let (code, _) = common::browser(
        &jar,
        "POST",
        &format!("{base}/banking/transactions/{}/assign", tx_id(incoming[1])),
        &[("csrf", &csrf), ("number", number)],
    )
    .await;
    assert!(code == 303 || code == 302, "assign: {code}");

    let db = started.sync.db();
    let api_made = db
        .matches_for_transaction(tx_id(incoming[0]))
        .await
        .unwrap();
    let page_made = db
        .matches_for_transaction(tx_id(incoming[1]))
        .await
        .unwrap();
    assert_eq!((api_made.len(), page_made.len()), (1, 1), "one match each");
    assert_eq!(
        api_made[0].reasons, page_made[0].reasons,
        "the API and the banking page store a match by hand the same way"
    );
    assert_eq!(api_made[0].decided_by, page_made[0].decided_by);
    let reasons: Value = serde_json::from_str(&page_made[0].reasons).unwrap();
    assert!(
        reasons["reasons"][0]["text"]
            .as_str()
            .is_some_and(|t| !t.is_empty()),
        "the banking page can show a reason: {reasons}"
    );
}
