//! The API keeps the contract `docs/api.md` states: unknown fields are refused on every body, and
//! lists are paged with a documented maximum. Runs the whole server in `local` mode on SQLite.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use serde_json::{Value, json};

const TOKEN: &str = "contract-api-token-0123456789";
const REDIRECT: &str = "http://127.0.0.1:8000/banking/callback";
const API: &str = "/api/backoffice/finance/psd2";

async fn call(base: &str, method: &str, path: &str, body: Option<&Value>) -> (u16, Value) {
    let text = body.map(Value::to_string);
    let (code, out) = common::call(
        method,
        &format!("{base}{path}"),
        Some(TOKEN),
        text.as_deref(),
    )
    .await;
    (
        code,
        serde_json::from_str(&out).unwrap_or(Value::String(out)),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_fields_are_refused_and_invoices_come_in_pages() {
    let dir = tempfile::tempdir().unwrap();
    let (started, base) = common::start_local(dir.path(), TOKEN, REDIRECT, &[]).await;

    for (path, body) in [
        (
            format!("{API}/transactions/sync"),
            json!({"client_id": "x", "access_token": "y", "date_from": "2026-01-01",
                   "acount_id": 1}),
        ),
        (
            format!("{API}/accounts/sync"),
            json!({"client_id": "x", "access_token": "y", "acount_id": 1}),
        ),
    ] {
        let (code, answer) = call(&base, "POST", &path, Some(&body)).await;
        assert_eq!(code, 400, "{path}: {answer}");
        assert!(answer.to_string().contains("acount_id"), "{path}: {answer}");
    }

    let invoices: Vec<Value> = (1..=250)
        .map(|i| {
            json!({"number": format!("CT-{i:04}"), "customer_name": "Meyer",
                   "total": "10.00", "issue_date": "2026-11-01"})
        })
        .collect();
    // `local` mode seeded demo invoices (`RE-…`); ours sort before them.
    let (_, seeded) = call(&base, "GET", "/api/invoices?limit=1", None).await;
    let seeded = seeded["total"].as_u64().unwrap();
    let (code, answer) = call(
        &base,
        "POST",
        "/api/invoices",
        Some(&json!({ "invoices": invoices })),
    )
    .await;
    assert_eq!(code, 200, "{answer}");
    let (code, page) = call(&base, "GET", "/api/invoices?limit=100&offset=200", None).await;
    assert_eq!(code, 200, "{page}");
    assert_eq!(page["total"].as_u64(), Some(seeded + 250));
    let items = page["items"].as_array().unwrap();
    assert_eq!(items.len() as u64, 100.min(seeded + 50));
    assert_eq!(items[0]["number"], "CT-0201");
    assert_eq!(items[49]["number"], "CT-0250");
    let (_, first) = call(&base, "GET", "/api/invoices", None).await;
    assert_eq!(
        first["items"].as_array().unwrap().len(),
        100,
        "default page"
    );
    for bad in [
        "limit=0",
        "limit=1001",
        "status=bogus",
        "offset=9223372036854775808",
    ] {
        let (code, answer) = call(&base, "GET", &format!("/api/invoices?{bad}"), None).await;
        assert_eq!(code, 400, "{bad}: {answer}");
    }
    started.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_connection_can_be_removed_through_the_api() {
    let dir = tempfile::tempdir().unwrap();
    let (started, base) = common::start_local(dir.path(), TOKEN, REDIRECT, &[]).await;
    let sandbox = started.sandbox.as_ref().unwrap();
    let client_id = sandbox.client_id().to_owned();
    let profile = sandbox.ground_truth().profiles[0].id.clone();
    let (code, init) = call(
        &base,
        "POST",
        &format!("{API}/consent/initiate"),
        Some(&json!({"client_id": client_id, "redirect_uri": REDIRECT})),
    )
    .await;
    assert_eq!(code, 200, "{init}");
    let back = sandbox
        .grant_consent(init["authorization_url"].as_str().unwrap(), &profile)
        .await
        .unwrap();
    let param = |key: &str| {
        url::Url::parse(&back)
            .unwrap()
            .query_pairs()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.into_owned())
            .unwrap()
    };
    let (code, grant) = call(
        &base,
        "POST",
        &format!("{API}/consent/callback"),
        Some(
            &json!({"client_id": client_id, "authorization_code": param("code"),
                     "redirect_uri": REDIRECT, "state": param("state")}),
        ),
    )
    .await;
    assert_eq!(code, 200, "{grant}");
    let (_, list) = call(&base, "GET", "/api/connections", None).await;
    let id = list[0]["id"].as_str().unwrap().to_owned();

    let (code, gone) = call(&base, "DELETE", &format!("/api/connections/{id}"), None).await;
    assert_eq!(code, 200, "{gone}");
    assert_eq!(gone["status"], "revoked");
    assert_eq!(gone["at_bank"], "revoked");
    let (_, list) = call(&base, "GET", "/api/connections", None).await;
    assert_eq!(list[0]["status"], "revoked", "{list}");
    // The connection token no longer syncs anything.
    let (code, _) = call(
        &base,
        "POST",
        &format!("{API}/accounts/sync"),
        Some(&json!({"client_id": client_id, "access_token": grant["access_token"]})),
    )
    .await;
    assert!(code >= 400, "a revoked connection synced: {code}");
    let (code, again) = call(&base, "DELETE", &format!("/api/connections/{id}"), None).await;
    assert_eq!(code, 200, "{again}");
    assert_eq!(again["at_bank"], "nothing_to_revoke");
    let (code, _) = call(&base, "DELETE", "/api/connections/no-such-id", None).await;
    assert_eq!(code, 404);
    started.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_review_queue_comes_in_pages() {
    let dir = tempfile::tempdir().unwrap();
    let (started, base) = common::start_local(dir.path(), TOKEN, REDIRECT, &[]).await;
    let (code, page) = call(&base, "GET", "/api/reconciliation/suggestions", None).await;
    assert_eq!(code, 200, "{page}");
    assert_eq!(page["total"].as_u64(), Some(0), "{page}");
    assert_eq!(page["items"].as_array().map(Vec::len), Some(0), "{page}");
    let (code, page) = call(
        &base,
        "GET",
        "/api/reconciliation/suggestions?limit=1000&offset=5",
        None,
    )
    .await;
    assert_eq!(code, 200, "{page}");
    for bad in ["limit=0", "limit=1001", "offset=9223372036854775808"] {
        let (code, answer) = call(
            &base,
            "GET",
            &format!("/api/reconciliation/suggestions?{bad}"),
            None,
        )
        .await;
        assert_eq!(code, 400, "{bad}: {answer}");
        assert_eq!(answer["error"]["code"], "bad_request", "{bad}: {answer}");
    }
    started.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_document_states_every_answer_and_refusals_are_json() {
    let dir = tempfile::tempdir().unwrap();
    let (started, base) = common::start_local(dir.path(), TOKEN, REDIRECT, &[]).await;
    // axum's own refusals of a query it cannot read, in the error shape.
    for bad in [
        "/api/transactions?limit=abc",
        "/api/transactions?limit=501",
        "/api/reconciliation/suggestions?offset=-1",
        "/api/customers?no_such_parameter=1",
    ] {
        let (code, answer) = call(&base, "GET", bad, None).await;
        assert_eq!(code, 400, "{bad}: {answer}");
        assert_eq!(answer["error"]["code"], "bad_request", "{bad}: {answer}");
    }
    // Every operation behind the token documents the answers the frame gives it.
    let (_, doc) = call(&base, "GET", "/api/openapi.json", None).await;
    let mut checked = 0;
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            if op["security"].as_array().is_none_or(Vec::is_empty) {
                continue;
            }
            for status in ["400", "401", "429"] {
                assert!(
                    op["responses"][status].is_object(),
                    "{method} {path} does not document {status}"
                );
            }
            if op["requestBody"].is_object() {
                assert!(op["responses"]["413"].is_object(), "{method} {path}: 413");
            }
            if path.contains('{') {
                assert!(op["responses"]["404"].is_object(), "{method} {path}: 404");
            }
            checked += 1;
        }
    }
    assert!(checked >= 19, "{checked}");
    started.stop().await.unwrap();
}

/// What the document allows, the server takes (schemathesis' positive-data check, by hand):
/// the client id is named as the one value a body may carry, `1.0` is an integer as JSON Schema
/// says, and a manual match needs an allocation, as the server says.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_the_document_allows_the_server_takes() {
    let dir = tempfile::tempdir().unwrap();
    let (started, base) = common::start_local(dir.path(), TOKEN, REDIRECT, &[]).await;
    let (_, doc) = call(&base, "GET", "/api/openapi.json", None).await;
    let schemas = &doc["components"]["schemas"];
    let named = &schemas["ConnectionRequest"]["properties"]["client_id"]["enum"];
    let client_id = named[0]
        .as_str()
        .unwrap_or_else(|| panic!("no client id named: {doc}"));
    for body in [
        "InitiateRequest",
        "CallbackRequest",
        "TransactionsSyncRequest",
    ] {
        assert_eq!(
            schemas[body]["properties"]["client_id"]["enum"], *named,
            "{body}"
        );
    }
    // The named id is the one the server takes: a wrong token, not a wrong client, is refused.
    let (code, answer) = call(
        &base,
        "POST",
        &format!("{API}/accounts/sync"),
        Some(&json!({"client_id": client_id, "access_token": "no-such-connection"})),
    )
    .await;
    assert_ne!(code, 400, "{answer}");
    assert!(!answer.to_string().contains("client_id"), "{answer}");

    // No text of a request body may hold U+0000, and the document says so.
    for (schema, field) in [
        ("InvoiceInput", "customer_name"),
        ("Decision", "user"),
        ("ManualMatch", "user"),
    ] {
        let pattern = schemas[schema]["properties"][field]["pattern"]
            .as_str()
            .unwrap();
        assert!(
            pattern.starts_with("^[^\\x00]*"),
            "{schema}.{field}: {pattern}"
        );
    }
    assert_eq!(
        schemas["ManualMatch"]["properties"]["allocations"]["minItems"], 1,
        "{}",
        schemas["ManualMatch"]
    );
    for (account_id, expected) in [(json!(1.0), 200), (json!(1), 200), (json!(1.5), 400)] {
        let (code, answer) = call(
            &base,
            "POST",
            "/api/reconciliation/run",
            Some(&json!({ "account_id": account_id })),
        )
        .await;
        assert_eq!(code, expected, "account_id {account_id}: {answer}");
    }
    // Bodies are objects: serde would read `[]` as a run request with every field absent.
    let (code, answer) = call(&base, "POST", "/api/reconciliation/run", Some(&json!([]))).await;
    assert_eq!(code, 400, "{answer}");
    assert!(answer.to_string().contains("JSON object"), "{answer}");
    started.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn transactions_are_fetched_through_the_accounts_link_with_its_currency() {
    let dir = tempfile::tempdir().unwrap();
    let (started, base) = common::start_local(dir.path(), TOKEN, REDIRECT, &[]).await;
    let sandbox = started.sandbox.as_ref().unwrap();
    let client_id = sandbox.client_id().to_owned();
    let profile = sandbox.ground_truth().profiles[0].id.clone();
    let (code, init) = call(
        &base,
        "POST",
        &format!("{API}/consent/initiate"),
        Some(&json!({"client_id": client_id, "redirect_uri": REDIRECT})),
    )
    .await;
    assert_eq!(code, 200, "{init}");
    let back = sandbox
        .grant_consent(init["authorization_url"].as_str().unwrap(), &profile)
        .await
        .unwrap();
    let param = |key: &str| {
        url::Url::parse(&back)
            .unwrap()
            .query_pairs()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.into_owned())
            .unwrap()
    };
    let (code, grant) = call(
        &base,
        "POST",
        &format!("{API}/consent/callback"),
        Some(
            &json!({"client_id": client_id, "authorization_code": param("code"),
                     "redirect_uri": REDIRECT, "state": param("state")}),
        ),
    )
    .await;
    assert_eq!(code, 200, "{grant}");
    let token = grant["access_token"].as_str().unwrap();
    let (code, synced) = call(
        &base,
        "POST",
        &format!("{API}/accounts/sync"),
        Some(&json!({"client_id": client_id, "access_token": token})),
    )
    .await;
    assert_eq!(code, 200, "{synced}");
    let account = &synced["accounts"][0]["account"];
    // A person present (`PSU-IP-Address`), as on the banking page: not the unattended budget,
    // which local mode's first sync has used.
    let body = json!({"client_id": client_id, "access_token": token,
                      "account_id": account["id"], "date_from": "2026-10-01"})
    .to_string();
    let (code, answer) = common::call_with(
        "POST",
        &format!("{base}{API}/transactions/sync"),
        Some(TOKEN),
        Some(&body),
        &["PSU-IP-Address: 192.0.2.10"],
    )
    .await;
    assert_eq!(code, 200, "{answer}");
    // The sandbox lists accounts as ING does, with `_links.transactions.href` carrying
    // `currency=`: the sync followed that link instead of building the path.
    let fetched: Vec<String> = sandbox
        .requests_seen()
        .into_iter()
        .filter(|r| r.method == "GET" && r.target.contains("/transactions"))
        .map(|r| r.target)
        .collect();
    assert!(!fetched.is_empty(), "no transaction page was fetched");
    let currency = format!("currency={}", account["currency"].as_str().unwrap());
    for target in &fetched {
        assert!(
            target.contains(&currency),
            "{target} lost the link's {currency}"
        );
    }
    started.stop().await.unwrap();
}
