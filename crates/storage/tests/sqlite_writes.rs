//! SQLite's single writer under load: a write that finds the write lock taken waits for it (the
//! busy timeout) instead of failing with "database is locked" (SQLite code 5), and a write that
//! failed has let go of the lock before the next write of the process begins.
//!
//! Why it failed before: every write began a *deferred* transaction that read before it wrote.
//! Upgrading a read to a write while another connection holds the write lock returns
//! SQLITE_BUSY at once, without the busy timeout (SQLite would risk a deadlock by waiting). And
//! a write that returned an error dropped its transaction, whose rollback sqlx only queues to the
//! connection's thread, while the process's write turn was handed to the next writer at once; on
//! a loaded machine the next writer's upgrade met the not yet rolled back transaction.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::str::FromStr;
use std::time::{Duration, Instant};

use rust_decimal::Decimal;
use sea_orm::{SqliteTransactionMode, TransactionOptions, TransactionTrait as _};
use storage::{
    BookingStatus, Database, DbOptions, Error, InvoiceKind, MatchDecision, MatchMethod,
    MatchReasons, NewAccount, NewAllocation, NewInvoice, NewTransaction, PassDecision,
};
use time::macros::date;

mod common;

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn invoice(number: &str) -> NewInvoice {
    NewInvoice {
        number: number.into(),
        kind: InvoiceKind::Invoice,
        customer_name: "Meyer Elektro e.K.".into(),
        customer_number: None,
        customer_ibans: Vec::new(),
        total: dec("1000000.00"),
        currency: "EUR".into(),
        issue_date: date!(2026 - 11 - 01),
        due_date: None,
        creditor_reference: None,
    }
}

fn payment(id: &str) -> NewTransaction {
    NewTransaction {
        bank_transaction_id: Some(id.into()),
        entry_reference: None,
        end_to_end_id: None,
        booking_date: Some(date!(2026 - 11 - 10)),
        value_date: Some(date!(2026 - 11 - 10)),
        amount: dec("1.00"),
        currency: "EUR".into(),
        counterparty_name: Some("Meyer".into()),
        counterparty_iban: None,
        remittance_unstructured: Some("RE-1".into()),
        remittance_structured: None,
        bank_transaction_code: None,
        status: BookingStatus::Booked,
        raw_json: serde_json::json!({}),
    }
}

fn decision(tx: i64, invoice_id: i64) -> MatchDecision {
    MatchDecision {
        transaction_id: tx,
        allocations: vec![NewAllocation {
            invoice_id,
            amount: dec("1.00"),
        }],
        confidence: dec("0.98"),
        method: MatchMethod::Auto,
        reasons: MatchReasons::default(),
        decided_by: "auto".into(),
    }
}

/// A database in a SQLite file of its own; the directory lives as long as the returned guard.
async fn sqlite() -> (Database, String, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("busy.db").display());
    let db = Database::connect(&url, &DbOptions::default())
        .await
        .unwrap();
    (db, url, dir)
}

/// An account with one booked payment per id; returns the account and the payments' ids.
async fn account_with_payments(db: &Database, resource: &str, ids: &[String]) -> (i64, Vec<i64>) {
    let connection_id = common::connection(db).await;
    let (acc, _) = db
        .upsert_account(&NewAccount {
            connection_id,
            resource_id: resource.into(),
            iban: None,
            name: "a".into(),
            bank_name: "ING".into(),
            currency: "EUR".into(),
            product: None,
        })
        .await
        .unwrap();
    let page: Vec<NewTransaction> = ids.iter().map(|i| payment(i)).collect();
    db.import_page(acc.id, &page).await.unwrap();
    let txs = db.transactions(acc.id).await.unwrap();
    (acc.id, txs.into_iter().map(|t| t.id).collect())
}

async fn invoice_id(db: &Database, number: &str) -> i64 {
    db.invoice_by_number(number).await.unwrap().unwrap().id
}

/// Takes SQLite's write lock from a connection of its own (as another process would, or a
/// failed write whose rollback has not run yet) and lets go of it after `hold`.
async fn hold_write_lock(url: &str, hold: Duration) -> tokio::task::JoinHandle<()> {
    let other = sea_orm::Database::connect(url).await.unwrap();
    let txn = other
        .begin_with_options(TransactionOptions {
            sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
            ..TransactionOptions::default()
        })
        .await
        .unwrap();
    tokio::spawn(async move {
        tokio::time::sleep(hold).await;
        txn.rollback().await.unwrap();
        other.close().await.unwrap();
    })
}

/// Each write path that reads before it writes, run while another connection holds the write
/// lock for a moment: it waits and succeeds. Before BEGIN IMMEDIATE each failed at once with
/// "database is locked" (deterministically: the lock is held well past the write's first read).
#[tokio::test]
async fn a_write_waits_for_the_write_lock_instead_of_failing() {
    let (db, url, _dir) = sqlite().await;
    db.upsert_invoices(&[invoice("W-1")]).await.unwrap();
    let inv = invoice_id(&db, "W-1").await;
    let (acc, txs) = account_with_payments(&db, "acc", &["P0".into(), "P1".into()]).await;
    let hold = Duration::from_millis(600);

    // Each returns what it did in words, so a failure names the path.
    for path in [
        "upsert_invoices",
        "import_page",
        "apply_match",
        "commit_reconciliation",
    ] {
        let holder = hold_write_lock(&url, hold).await;
        let started = Instant::now();
        let result: Result<(), Error> = match path {
            "upsert_invoices" => db.upsert_invoices(&[invoice("W-2")]).await.map(|_| ()),
            "import_page" => db.import_page(acc, &[payment("P2")]).await.map(|_| ()),
            "apply_match" => db.apply_match(&decision(txs[0], inv)).await.map(|_| ()),
            "commit_reconciliation" => db
                .commit_reconciliation(
                    &[PassDecision::Auto(decision(txs[1], inv))],
                    time::OffsetDateTime::now_utc(),
                )
                .await
                .map(|_| ()),
            other => unreachable!("{other}"),
        };
        let waited = started.elapsed();
        holder.await.unwrap();
        if let Err(e) = result {
            panic!("{path} failed after {waited:?} while the lock was held for {hold:?}: {e}");
        }
    }
    assert_eq!(db.transactions(acc).await.unwrap().len(), 3);
    assert_eq!(db.matches_for_transaction(txs[1]).await.unwrap().len(), 1);
}

/// The CI failure as a load: tasks side by side, each a reconciliation pass that writes a match
/// and then fails (a missing invoice), then a write that reads before it writes. Every second
/// write must succeed. Statistical: before the fix it failed only when a failed pass's rollback
/// was still queued when the next writer upgraded its read, which needs a loaded machine (CI saw
/// it at a load average above 4 on 2 cores); `STORAGE_BUSY_ROUNDS` raises the rounds per task.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn writes_after_failed_writes_never_meet_a_locked_database() {
    let rounds: usize = std::env::var("STORAGE_BUSY_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(20);
    let (db, _url, _dir) = sqlite().await;
    db.upsert_invoices(&[invoice("L-1")]).await.unwrap();
    let inv = invoice_id(&db, "L-1").await;
    let ids: Vec<String> = (0..8).map(|i| format!("L{i}")).collect();
    let (_, txs) = account_with_payments(&db, "load", &ids).await;

    let mut tasks = Vec::new();
    for (task, pair) in txs.chunks(2).enumerate() {
        let (db, matched, failed) = (db.clone(), pair[0], pair[1]);
        tasks.push(tokio::spawn(async move {
            for round in 0..rounds {
                let failing = [
                    PassDecision::Auto(decision(matched, inv)),
                    PassDecision::Auto(decision(failed, inv + 1000)),
                ];
                let now = time::OffsetDateTime::now_utc();
                let err = db.commit_reconciliation(&failing, now).await.unwrap_err();
                assert!(
                    !err.to_string().contains("locked"),
                    "task {task} round {round}: the failing pass met a lock: {err}"
                );
                if let Err(e) = db
                    .upsert_invoices(&[invoice(&format!("L-{task}-{round}"))])
                    .await
                {
                    panic!("task {task} round {round}: the write after a failed one: {e}");
                }
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let stored = db.invoices(None).await.unwrap().len();
    assert_eq!(stored, 1 + 4 * rounds);
}
