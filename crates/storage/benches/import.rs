//! Import throughput beside the engine's own bulk path, in one run.
//!
//! 100,000 transactions go in through [`storage::Database::import_page`] in pages of 100 (one
//! database transaction per page, dedupe keys, `ON CONFLICT`), then the same rows are loaded by
//! the engine itself: one `INSERT` transaction run by the `sqlite3` shell, and `\copy` run by
//! `psql` (PostgreSQL only when `DATABASE_URL` points at one). Both paths write into a freshly
//! migrated schema, with the same unique index, so the comparison is fair. A last line per
//! engine imports the same rows again into a new account with every 25th entry arriving first
//! as a pending entry that its booking supersedes (no bulk path does that; reported as rows/s).
//!
//! Run: `cargo bench -p storage --bench import` (optionally `-- 20000` for fewer rows).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    clippy::panic
)]

use std::io::Write as _;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use rust_decimal::Decimal;
use sea_orm::{ConnectionTrait as _, Database as Sea};
use storage::{BookingStatus, Database, DbOptions, NewAccount, NewConnection, NewTransaction};
use time::macros::date;

const PAGE: usize = 100;

fn rows(n: usize) -> Vec<NewTransaction> {
    (0..n)
        .map(|i| {
            let cents = i64::try_from(i % 250_000).unwrap() * 7 + 1;
            let day = date!(2026 - 01 - 01) + time::Duration::days(i64::try_from(i % 300).unwrap());
            NewTransaction {
                bank_transaction_id: Some(format!("TX{i:09}")),
                entry_reference: Some(format!("E{i}")),
                end_to_end_id: Some(format!("E2E-{i}")),
                booking_date: Some(day),
                value_date: Some(day),
                amount: Decimal::new(if i % 3 == 0 { -cents } else { cents }, 2),
                currency: "EUR".into(),
                counterparty_name: Some(format!("Kunde {} GmbH", i % 5000)),
                counterparty_iban: Some("DE89370400440532013000".into()),
                remittance_unstructured: Some(format!(
                    "RE-2026-{:04} Kd-Nr {}",
                    i % 10_000,
                    i % 5000
                )),
                remittance_structured: None,
                bank_transaction_code: Some("PMNT-RCDT-ESCT".into()),
                status: BookingStatus::Booked,
                raw_json: serde_json::json!({ "transactionId": format!("TX{i:09}") }),
            }
        })
        .collect()
}

/// The same rows as they arrive from a bank with card payments: every 25th entry first shows up
/// pending (no id, no booking date) two pages before its booking, which then supersedes it.
/// Pages holding such a booking take the transaction path with the supersede step.
fn mixed_pages(data: &[NewTransaction]) -> Vec<Vec<NewTransaction>> {
    let mut pages: Vec<Vec<NewTransaction>> = data.chunks(PAGE).map(<[_]>::to_vec).collect();
    for (i, t) in data.iter().enumerate().filter(|(i, _)| i % 25 == 0) {
        let mut pending = t.clone();
        pending.bank_transaction_id = None;
        pending.booking_date = None;
        pending.status = BookingStatus::Pending;
        pages[(i / PAGE).saturating_sub(2)].push(pending);
    }
    pages
}

async fn ours_mixed(db: &Database, pages: &[Vec<NewTransaction>]) -> (Duration, u64) {
    let account = fresh_account(db).await;
    let start = Instant::now();
    let mut superseded = 0;
    for page in pages {
        superseded += db.import_page(account, page).await.unwrap().superseded;
    }
    (start.elapsed(), superseded)
}

fn report_mixed(engine: &str, pages: &[Vec<NewTransaction>], (took, superseded): (Duration, u64)) {
    let rows: usize = pages.iter().map(Vec::len).sum();
    println!(
        "{engine:<10} with pending entries: {rows} rows ({superseded} pending superseded) in {:.2} s, {:.0} rows/s",
        took.as_secs_f64(),
        per_sec(rows, took)
    );
}

async fn fresh_account(db: &Database) -> i64 {
    let conn = db
        .create_connection(
            &NewConnection {
                environment: "local".into(),
                client_id: "bench".into(),
                scopes: "s".into(),
                granted_at: time::OffsetDateTime::now_utc(),
                valid_until: None,
            },
            &uuid::Uuid::new_v4().to_string(),
        )
        .await
        .unwrap();
    db.upsert_account(&NewAccount {
        connection_id: conn.id,
        resource_id: "bench".into(),
        iban: None,
        name: "bench".into(),
        bank_name: "ING".into(),
        currency: "EUR".into(),
        product: None,
    })
    .await
    .unwrap()
    .0
    .id
}

async fn ours(db: &Database, data: &[NewTransaction]) -> Duration {
    let account = fresh_account(db).await;
    let start = Instant::now();
    let mut inserted = 0;
    for page in data.chunks(PAGE) {
        inserted += db.import_page(account, page).await.unwrap().inserted;
    }
    let took = start.elapsed();
    assert_eq!(inserted as usize, data.len());
    took
}

fn sql_text(s: Option<&str>) -> String {
    s.map_or("NULL".into(), |s| format!("'{}'", s.replace('\'', "''")))
}

/// The same rows as the import writes them, as SQL values / CSV fields.
fn flat(account: i64, data: &[NewTransaction]) -> Vec<[String; 19]> {
    let keys = storage::dedupe_keys(data);
    let now = "2026-11-25 00:00:00+00:00".to_owned();
    data.iter()
        .zip(keys)
        .map(|(t, k)| {
            [
                account.to_string(),
                k,
                t.bank_transaction_id.clone().unwrap_or_default(),
                t.entry_reference.clone().unwrap_or_default(),
                t.end_to_end_id.clone().unwrap_or_default(),
                t.booking_date.map(|d| d.to_string()).unwrap_or_default(),
                t.value_date.map(|d| d.to_string()).unwrap_or_default(),
                t.amount.to_string(),
                t.currency.clone(),
                t.counterparty_name.clone().unwrap_or_default(),
                t.counterparty_iban.clone().unwrap_or_default(),
                t.remittance_unstructured.clone().unwrap_or_default(),
                String::new(),
                t.bank_transaction_code.clone().unwrap_or_default(),
                "booked".into(),
                t.raw_json.to_string(),
                "unmatched".into(),
                now.clone(),
                String::new(),
            ]
        })
        .collect()
}

const COLUMNS: &str = "account_id, dedupe_key, bank_transaction_id, entry_reference, end_to_end_id, \
    booking_date, value_date, amount, currency, counterparty_name, counterparty_iban, \
    remittance_unstructured, remittance_structured, bank_transaction_code, status, raw_json, \
    reconciliation_state, imported_at";

fn sqlite_bulk(file: &std::path::Path, account: i64, data: &[NewTransaction]) -> Duration {
    let mut sql = String::from("BEGIN;\n");
    for r in flat(account, data) {
        let vals: Vec<String> = r[..18]
            .iter()
            .enumerate()
            .map(|(i, v)| match i {
                0 => v.clone(),
                12 => "NULL".into(),
                _ => sql_text(Some(v)),
            })
            .collect();
        sql.push_str(&format!(
            "INSERT INTO transactions ({COLUMNS}) VALUES ({});\n",
            vals.join(",")
        ));
    }
    sql.push_str("COMMIT;\n");
    let start = Instant::now();
    let mut child = Command::new("sqlite3")
        .arg(file)
        .stdin(Stdio::piped())
        .spawn()
        .expect("sqlite3 on PATH");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(sql.as_bytes())
        .unwrap();
    assert!(child.wait().unwrap().success());
    start.elapsed()
}

fn pg_copy(url: &str, account: i64, data: &[NewTransaction]) -> Duration {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("rows.csv");
    let mut out = String::new();
    for r in flat(account, data) {
        let fields: Vec<String> = r[..18]
            .iter()
            .enumerate()
            .map(|(i, v)| match i {
                0 => v.clone(),
                12 => String::new(),
                _ => format!("\"{}\"", v.replace('"', "\"\"")),
            })
            .collect();
        out.push_str(&fields.join(","));
        out.push('\n');
    }
    std::fs::write(&csv, out).unwrap();
    let start = Instant::now();
    let status = Command::new("psql")
        .args(["-q", "-v", "ON_ERROR_STOP=1", url, "-c"])
        .arg(format!(
            "\\copy transactions ({COLUMNS}) FROM '{}' WITH (FORMAT csv)",
            csv.display()
        ))
        .status()
        .expect("psql on PATH");
    assert!(status.success());
    start.elapsed()
}

fn per_sec(n: usize, d: Duration) -> f64 {
    n as f64 / d.as_secs_f64()
}

fn report(engine: &str, n: usize, ours: Duration, bulk: Duration, bulk_name: &str) {
    println!(
        "{engine:<10} import_page x{}: {:>7.2} s {:>9.0} rows/s | {bulk_name}: {:>6.2} s {:>9.0} rows/s | ratio {:.2}x",
        n / PAGE,
        ours.as_secs_f64(),
        per_sec(n, ours),
        bulk.as_secs_f64(),
        per_sec(n, bulk),
        ours.as_secs_f64() / bulk.as_secs_f64()
    );
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let n: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(100_000);
    let data = rows(n);
    println!("{n} transactions, pages of {PAGE}");

    let dir = tempfile::tempdir().unwrap();
    let ours_file = dir.path().join("ours.db");
    let db = Database::connect(
        &format!("sqlite://{}?mode=rwc", ours_file.display()),
        &DbOptions::default(),
    )
    .await
    .unwrap();
    let t_ours = ours(&db, &data).await;
    let bulk_file = dir.path().join("bulk.db");
    let bulk_db = Database::connect(
        &format!("sqlite://{}?mode=rwc", bulk_file.display()),
        &DbOptions::default(),
    )
    .await
    .unwrap();
    let account = fresh_account(&bulk_db).await;
    drop(bulk_db);
    let t_bulk = sqlite_bulk(&bulk_file, account, &data);
    report("sqlite", n, t_ours, t_bulk, "sqlite3 one INSERT txn");
    let mixed = mixed_pages(&data);
    report_mixed("sqlite", &mixed, ours_mixed(&db, &mixed).await);

    if let Ok(admin) = std::env::var("DATABASE_URL")
        && admin.starts_with("postgres")
    {
        let base = admin.rsplit_once('/').map(|(b, _)| b.to_owned()).unwrap();
        let admin_conn = Sea::connect(admin.clone()).await.unwrap();
        let mut urls = Vec::new();
        for which in ["ours", "copy"] {
            let name = format!("storage_bench_{which}_{}", uuid::Uuid::new_v4().simple());
            admin_conn
                .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
                .await
                .unwrap();
            urls.push((name.clone(), format!("{base}/{name}")));
        }
        let db = Database::connect(&urls[0].1, &DbOptions::default())
            .await
            .unwrap();
        let t_ours = ours(&db, &data).await;
        let t_mixed = ours_mixed(&db, &mixed).await;
        drop(db);
        let copy_db = Database::connect(&urls[1].1, &DbOptions::default())
            .await
            .unwrap();
        let account = fresh_account(&copy_db).await;
        drop(copy_db);
        let t_copy = pg_copy(&urls[1].1, account, &data);
        report("postgres", n, t_ours, t_copy, "psql \\copy");
        report_mixed("postgres", &mixed, t_mixed);
        for (name, _) in urls {
            admin_conn
                .execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                .await
                .unwrap();
        }
    }
}
