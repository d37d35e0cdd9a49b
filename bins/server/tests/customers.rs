//! Customers through the API and the banking page: invoices carry their customer number, the
//! upload says when they do not, customers are listed and read with their payers, and only a
//! learned payer can be removed. The whole server in `local` mode on SQLite.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use serde_json::{Value, json};

const TOKEN: &str = "customers-api-token-0123456789";
const REDIRECT: &str = "http://127.0.0.1:8000/banking/callback";

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

fn invoice(number: &str, customer_number: Option<&str>, iban: Option<&str>) -> Value {
    let mut v = json!({"number": number, "customer_name": "Max Müller", "total": "1190.00",
                       "issue_date": "2026-11-01"});
    if let Some(n) = customer_number {
        v["customer_number"] = json!(n);
    }
    if let Some(i) = iban {
        v["customer_ibans"] = json!([i]);
    }
    v
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn customers_come_with_their_invoices_and_show_their_payers() {
    let dir = tempfile::tempdir().unwrap();
    let (started, base) = common::start_local(dir.path(), TOKEN, REDIRECT, &[]).await;

    let (code, done) = call(
        &base,
        "POST",
        "/api/invoices",
        Some(&json!({"invoices": [
            invoice("C-0001", Some("K-1"), Some("DE89370400440532013000")),
            invoice("C-0002", Some("K-2"), None),
        ]})),
    )
    .await;
    assert_eq!(code, 200, "{done}");
    assert_eq!(done["without_customer_number"], 0, "{done}");
    assert!(done.get("warning").is_none(), "{done}");
    let (code, done) = call(
        &base,
        "POST",
        "/api/invoices",
        Some(&json!({"invoices": [invoice("C-0003", None, None)]})),
    )
    .await;
    assert_eq!(code, 200, "{done}");
    assert_eq!(done["without_customer_number"], 1, "{done}");
    assert!(
        done["warning"]
            .as_str()
            .unwrap()
            .contains("customer_number"),
        "{done}"
    );

    let (_, page) = call(&base, "GET", "/api/invoices?limit=3", None).await;
    let numbers: Vec<(&str, &Value)> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["number"].as_str().unwrap(), &i["customer_number"]))
        .collect();
    assert_eq!(
        numbers,
        [
            ("C-0001", &json!("K-1")),
            ("C-0002", &json!("K-2")),
            ("C-0003", &Value::Null)
        ]
    );

    let (code, customers) = call(&base, "GET", "/api/customers?limit=10", None).await;
    assert_eq!(code, 200, "{customers}");
    assert_eq!(customers["total"], 2, "{customers}");
    assert_eq!(customers["items"][0]["number"], "K-1");
    assert_eq!(customers["items"][0]["name"], "Max Müller");
    assert_eq!(customers["items"][0]["open_items"], 1);
    let (code, _) = call(&base, "GET", "/api/customers?limit=0", None).await;
    assert_eq!(code, 400);

    let (code, k1) = call(&base, "GET", "/api/customers/K-1", None).await;
    assert_eq!(code, 200, "{k1}");
    assert_eq!(k1["payers"][0]["origin"], "uploaded", "{k1}");
    assert_eq!(k1["payers"][0]["iban"], "DE89370400440532013000");
    let payer = k1["payers"][0]["id"].as_i64().unwrap();
    let (code, refused) = call(
        &base,
        "DELETE",
        &format!("/api/customers/K-1/payers/{payer}"),
        None,
    )
    .await;
    assert_eq!(code, 409, "an uploaded payer is not removed: {refused}");
    let (code, _) = call(&base, "GET", "/api/customers/K-404", None).await;
    assert_eq!(code, 404);

    // The banking page lists them, in German too.
    let jar = common::sign_in(dir.path(), &base, "anna", TOKEN).await;
    let (code, html) =
        common::browser(&jar, "GET", &format!("{base}/banking/customers"), &[]).await;
    assert_eq!(code, 200);
    assert!(html.contains("K-1") && html.contains("K-2"), "{html}");
    assert!(html.contains("DE89370400440532013000 — uploaded"), "{html}");
    let (_, de) = common::call_with(
        "GET",
        &format!("{base}/banking/customers"),
        None,
        None,
        &[
            "Accept-Language: de-DE",
            &format!("Cookie: {}", cookie(&jar)),
        ],
    )
    .await;
    assert!(
        de.contains("Kundennr.") && de.contains("hochgeladen"),
        "{de}"
    );
    started.stop().await.unwrap();
}

/// The session cookie from a curl cookie jar, as a `Cookie` header value.
fn cookie(jar: &std::path::Path) -> String {
    std::fs::read_to_string(jar)
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty() && (!l.starts_with('#') || l.starts_with("#HttpOnly_")))
        .filter_map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            (f.len() >= 7).then(|| format!("{}={}", f[5], f[6]))
        })
        .collect::<Vec<_>>()
        .join("; ")
}
