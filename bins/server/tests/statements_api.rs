//! Statement files through the API: a file-fed account created, a camt.053 file imported (once;
//! a broken file stores nothing and names the element), the account exported in every format
//! with its content type and file name, and the DATEV batch of the payments the import matched
//! to invoices. The server runs in `local` mode on a SQLite file; curl is the client.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use serde_json::{Value, json};

const TOKEN: &str = "statements-api-token-0123456";
const REDIRECT: &str = "http://127.0.0.1:8000/banking/callback";
const IBAN: &str = "DE89370400440532013000";

async fn api(base: &str, method: &str, path: &str, body: Option<&Value>) -> (u16, Value) {
    let body = body.map(Value::to_string);
    let (code, text) = common::call(
        method,
        &format!("{base}/api{path}"),
        Some(TOKEN),
        body.as_deref(),
    )
    .await;
    (
        code,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

async fn upload(base: &str, dir: &std::path::Path, path: &str, bytes: &[u8]) -> (u16, Value) {
    let file = dir.join("upload.bin");
    std::fs::write(&file, bytes).unwrap();
    let (code, text) =
        common::call_file("POST", &format!("{base}/api{path}"), Some(TOKEN), &file).await;
    (
        code,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

/// The November file: two invoices paid (one by a customer whose number is a DATEV debtor
/// account, one whose number is not) and the rent.
fn november() -> Vec<u8> {
    common::camt053(
        IBAN,
        &[
            ("R1", "1190.00", "Muster GmbH", "Rechnung RE-2026-0042"),
            ("R2", "50.00", "Beispiel AG", "RE-2026-0043"),
            ("R3", "-25.50", "Vermieter KG", "Miete November"),
        ],
    )
}

async fn invoices(base: &str) {
    let (code, body) = api(
        base,
        "POST",
        "/invoices",
        Some(&json!({"invoices": [
            {"number": "RE-2026-0042", "customer_name": "Muster GmbH", "customer_number": "10042",
             "total": "1190.00", "issue_date": "2026-10-20"},
            {"number": "RE-2026-0043", "customer_name": "Beispiel AG", "customer_number": "K-7",
             "total": "50.00", "issue_date": "2026-10-21"},
        ]})),
    )
    .await;
    assert_eq!(code, 200, "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_account_imports_exports_and_gives_the_datev_batch_of_its_matched_payments() {
    let dir = tempfile::tempdir().unwrap();
    let (started, base) = common::start_local(
        dir.path(),
        TOKEN,
        REDIRECT,
        &["--datev-consultant", "1234567", "--datev-client", "42"],
    )
    .await;

    // The account: created once, then found by its IBAN in any spelling.
    let req =
        json!({"iban": "de89 3704 0044 0532 0130 00", "name": "Sparkasse Giro", "currency": "EUR"});
    let (code, account) = api(&base, "POST", "/accounts", Some(&req)).await;
    assert_eq!(code, 201, "{account}");
    assert_eq!(account["created"], true);
    assert_eq!(account["iban"], IBAN);
    let id = account["id"].as_i64().unwrap();
    let (code, again) = api(
        &base,
        "POST",
        "/accounts",
        Some(&json!({"iban": IBAN, "name": "x"})),
    )
    .await;
    assert_eq!(
        (code, again["id"].as_i64(), &again["created"]),
        (200, Some(id), &json!(false))
    );
    let (code, bad) = api(
        &base,
        "POST",
        "/accounts",
        Some(&json!({"iban": IBAN, "name": "x", "currency": "EURO"})),
    )
    .await;
    assert_eq!(code, 400, "{bad}");

    invoices(&base).await;

    // The import: format detected, counts, the two invoices matched; the second time nothing new.
    let path = format!("/accounts/{id}/statements");
    let (code, r) = upload(&base, dir.path(), &path, &november()).await;
    assert_eq!(code, 200, "{r}");
    assert_eq!(r["format"], "camt053");
    assert_eq!(
        (
            &r["statements"],
            &r["entries"],
            &r["imported"],
            &r["already_known"],
            &r["auto_reconciled"]
        ),
        (&json!(1), &json!(3), &json!(3), &json!(0), &json!(2)),
        "{r}"
    );
    assert_eq!(r["errors"], json!([]));
    let (code, r) = upload(
        &base,
        dir.path(),
        &format!("{path}?format=camt053"),
        &november(),
    )
    .await;
    assert_eq!(code, 200, "{r}");
    assert_eq!(
        (&r["imported"], &r["already_known"]),
        (&json!(0), &json!(3)),
        "{r}"
    );

    // A broken file: 422 naming the element and its line, nothing stored.
    let broken = common::camt053(
        IBAN,
        &[("R8", "5.00", "A", "neu"), ("R9", "12,50", "B", "kaputt")],
    );
    let (code, r) = upload(&base, dir.path(), &path, &broken).await;
    assert_eq!(code, 422, "{r}");
    assert_eq!(r["imported"], 0);
    let e = &r["errors"][0];
    assert!(
        e["element"].as_str().unwrap().ends_with("Ntry[2]/Amt"),
        "{r}"
    );
    assert!(e["line"].as_u64().unwrap() >= 1, "{r}");
    assert!(e["message"].as_str().unwrap().contains("12,50"), "{r}");
    let (_, listed) = api(
        &base,
        "GET",
        &format!("/transactions?account_id={id}"),
        None,
    )
    .await;
    assert_eq!(listed["total"], 3, "{listed}");
    // A format name we do not know, another account's file, an unknown account.
    let (code, r) = upload(
        &base,
        dir.path(),
        &format!("{path}?format=pdf"),
        &november(),
    )
    .await;
    assert_eq!(code, 400, "{r}");
    let other = common::camt053("DE02120300000000202051", &[("X1", "1.00", "A", "x")]);
    let (code, r) = upload(&base, dir.path(), &path, &other).await;
    assert_eq!(code, 400, "{r}");
    let (code, r) = upload(
        &base,
        dir.path(),
        "/accounts/999999/statements",
        &november(),
    )
    .await;
    assert_eq!(code, 404, "{r}");

    // Exports: each format with its content type and file name.
    for (format, content_type, ext, marker) in [
        ("camt053", "application/xml", "xml", "camt.053.001.02"),
        ("camt053.08", "application/xml", "xml", "camt.053.001.08"),
        ("mt940", "text/plain; charset=utf-8", "sta", ":61:"),
        ("csv", "text/csv; charset=utf-8", "csv", "Miete November"),
    ] {
        let url = format!(
            "{base}/api/accounts/{id}/statement?format={format}&from=2026-11-01&to=2026-11-30"
        );
        let (code, headers, body) = common::download(&url, Some(TOKEN), None).await;
        let text = String::from_utf8(body).unwrap();
        assert_eq!(code, 200, "{format}: {text}");
        assert_eq!(
            common::header(&headers, "content-type"),
            Some(content_type),
            "{format}"
        );
        assert_eq!(
            common::header(&headers, "content-disposition"),
            Some(
                format!("attachment; filename=\"statement-{id}-2026-11-01-2026-11-30.{ext}\"")
                    .as_str()
            ),
            "{format}"
        );
        assert!(text.contains(marker), "{format}: {text}");
        assert!(text.contains("1190"), "{format}: {text}");
    }
    let url =
        format!("{base}/api/accounts/{id}/statement?format=pdf&from=2026-11-01&to=2026-11-30");
    assert_eq!(common::download(&url, Some(TOKEN), None).await.0, 400);
    let url = format!("{base}/api/accounts/{id}/statement?from=2026-11-30&to=2026-11-01");
    assert_eq!(common::download(&url, Some(TOKEN), None).await.0, 400);

    // DATEV: the two matched payments, bank 1200 against the debtor account 10042 (the customer
    // number is one) and against receivables 1400 (K-7 is not); the rent was matched to nothing.
    let url = format!("{base}/api/exports/datev?from=2026-11-01&to=2026-11-30");
    let (code, headers, body) = common::download(&url, Some(TOKEN), None).await;
    // Windows-1252: every byte of this file is in its Latin-1 part.
    let text: String = body.iter().map(|&b| char::from(b)).collect();
    assert_eq!(code, 200, "{text}");
    assert_eq!(
        common::header(&headers, "content-type"),
        Some("text/csv; charset=windows-1252")
    );
    assert_eq!(
        common::header(&headers, "content-disposition"),
        Some("attachment; filename=\"EXTF_Buchungsstapel_2026-11-01_2026-11-30.csv\"")
    );
    let lines: Vec<&str> = text.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(lines.len(), 4, "{text}");
    let head: Vec<&str> = lines[0].split(';').collect();
    assert_eq!(
        &head[..6],
        ["\"EXTF\"", "700", "21", "\"Buchungsstapel\"", "13", head[5]]
    );
    assert_eq!(
        &head[10..16],
        ["1234567", "42", "20260101", "4", "20261101", "20261130"]
    );
    assert_eq!(head[26], "\"03\"", "SKR03: {}", lines[0]);
    assert!(lines[1].starts_with("Umsatz (ohne Soll/Haben-Kz);Soll/Haben-Kennzeichen"));
    assert_eq!(
        lines[2],
        "1190,00;\"S\";\"EUR\";;;\"\";1200;10042;\"\";1011;\"RE-2026-0042\";\"\";;\"RE-2026-0042 Muster GmbH\""
    );
    assert_eq!(
        lines[3],
        "50,00;\"S\";\"EUR\";;;\"\";1200;1400;\"\";1011;\"RE-2026-0043\";\"\";;\"RE-2026-0043 Beispiel AG\""
    );
    // Another fiscal year in one batch is refused, naming why.
    let url = format!("{base}/api/exports/datev?from=2026-11-01&to=2027-01-31");
    let (code, _, body) = common::download(&url, Some(TOKEN), None).await;
    assert_eq!(code, 400, "{}", String::from_utf8_lossy(&body));
    assert!(String::from_utf8_lossy(&body).contains("fiscal year"));
    started.stop().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_datev_export_without_the_advisers_numbers_says_which_settings_to_set() {
    let dir = tempfile::tempdir().unwrap();
    let (started, base) = common::start_local(dir.path(), TOKEN, REDIRECT, &[]).await;
    let (code, body) = api(
        &base,
        "GET",
        "/exports/datev?from=2026-11-01&to=2026-11-30",
        None,
    )
    .await;
    assert_eq!(code, 400, "{body}");
    let message = body["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("PSD2_DATEV_CONSULTANT") && message.contains("PSD2_DATEV_CLIENT"),
        "{message}"
    );
    started.stop().await.unwrap();
}
