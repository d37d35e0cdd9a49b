//! Import speed of statement files (issue 19's benchmark, docs/PERFORMANCE.md): a camt.053 of N
//! entries through `import_statement` (read, mapped, one database transaction, reconciled)
//! against the same rows through the PSD2 page import (mapped from the same `ais-model`
//! transactions, stored in pages of 100 as a sync stores them, then reconciled), in the same
//! process on the same database engine. Not a timed test: it prints both times and their ratio
//! and checks only that both paths stored the same rows.
//!
//! `STATEMENTS_IMPORT_BENCH_ENTRIES` sets N (default 2,000: the short form CI runs); the figure
//! in docs/PERFORMANCE.md is N = 100,000 with `--release`-like optimisation of the crates.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Instant;

use bank_sync::to_new_transaction;
use rust_decimal::Decimal;
use statements::{
    AccountId, Balance, CamtHeader, CamtVersion, Entry, EntryStatus, Party, Period, Statement,
};
use storage::{BookingStatus, NewTransaction};
use time::macros::{date, datetime};

mod common;

use common::offline::worlds;

const FILE_IBAN: &str = "DE89370400440532013000";
const PAGE_IBAN: &str = "DE02120300000000202051";

/// N booked entries over a year, each with the references, party and text a bank writes.
fn statement(n: usize) -> Statement {
    let first = date!(2026 - 01 - 01);
    let mut total = Decimal::ZERO;
    let entries: Vec<Entry> = (0..n)
        .map(|i| {
            let day = first + time::Duration::days((i % 360) as i64);
            let cents = 1_000 + (i as i64 * 7_919) % 500_000;
            let amount = Decimal::new(if i % 3 == 0 { -cents } else { cents }, 2);
            total += amount;
            Entry {
                booking_date: Some(day),
                value_date: Some(day),
                amount,
                currency: "EUR".into(),
                status: EntryStatus::Booked,
                reversal: false,
                counterparty: Party {
                    name: Some(format!("Kunde {} GmbH", i % 997)),
                    iban: Some("NL91INGB0001234567".into()),
                    ..Party::default()
                },
                remittance: Some(format!(
                    "Rechnung RE-2026-{:04} Kundennr {}",
                    i % 9_999,
                    i % 997
                )),
                creditor_reference: None,
                end_to_end_id: Some(format!("E2E-{i}")),
                bank_reference: Some(format!("BANKREF-{i:08}")),
                mandate_id: None,
                creditor_id: None,
                bank_transaction_code: None,
                booking_text: None,
                charges: Vec::new(),
            }
        })
        .collect();
    let opening = Decimal::new(1_000_000, 2);
    Statement {
        account: AccountId {
            iban: Some(FILE_IBAN.into()),
            currency: Some("EUR".into()),
            ..AccountId::default()
        },
        id: Some("BENCH".into()),
        sequence: None,
        period: Some(Period {
            from: first,
            to: date!(2026 - 12 - 31),
        }),
        opening_balance: Some(Balance {
            date: date!(2025 - 12 - 31),
            amount: opening,
            currency: "EUR".into(),
        }),
        closing_balance: Some(Balance {
            date: date!(2026 - 12 - 31),
            amount: opening + total,
            currency: "EUR".into(),
        }),
        entries,
    }
}

#[tokio::test]
async fn a_camt053_imports_within_reach_of_the_psd2_page_import() {
    let n: usize = std::env::var("STATEMENTS_IMPORT_BENCH_ENTRIES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2_000);
    let header = CamtHeader {
        message_id: "BENCH".into(),
        created: datetime!(2027-01-01 06:00),
    };
    let file = statements::write_camt053(&[statement(n)], &header, CamtVersion::V08).unwrap();
    for w in worlds().await {
        let engine = if w.pg.is_some() {
            "PostgreSQL"
        } else {
            "SQLite"
        };
        let sync = w.service().await;
        let (by_file, _) = sync.file_account(FILE_IBAN, "file", "EUR").await.unwrap();
        let (by_pages, _) = sync.file_account(PAGE_IBAN, "pages", "EUR").await.unwrap();

        // The file: read, mapped, one transaction, reconciled.
        let t = Instant::now();
        let r = sync
            .import_statement(by_file.id, file.as_bytes(), None)
            .await
            .unwrap();
        let file_time = t.elapsed();
        assert_eq!((r.entries, r.imported), (n as u64, n as u64));

        // The same rows as PSD2 pages: the same `ais-model` transactions (taken from the file
        // before the clock starts, as a sync has them from ING's JSON), pages of 100.
        let parsed = statements::parse(file.as_bytes(), None).unwrap();
        let booked = parsed.statements[0].to_transaction_lists().booked;
        let t = Instant::now();
        let rows: Vec<NewTransaction> = booked
            .iter()
            .map(|tx| to_new_transaction(tx, BookingStatus::Booked).unwrap())
            .collect();
        let mut inserted = 0;
        for page in rows.chunks(100) {
            inserted += sync
                .db()
                .import_page(by_pages.id, page)
                .await
                .unwrap()
                .inserted;
        }
        sync.reconcile(Some(by_pages.id), "auto").await.unwrap();
        let page_time = t.elapsed();
        assert_eq!(inserted, n as u64);

        let a = sync.db().transactions(by_file.id).await.unwrap();
        let b = sync.db().transactions(by_pages.id).await.unwrap();
        assert_eq!(a.len(), b.len());
        assert!(
            a.iter()
                .zip(&b)
                .all(|(x, y)| x.dedupe_key == y.dedupe_key && x.amount == y.amount)
        );
        let rate = |d: std::time::Duration| n as f64 / d.as_secs_f64();
        println!(
            "statement import, {engine}, {n} entries: camt.053 file {:.2} s ({:.0} entries/s), \
             PSD2 pages of 100 {:.2} s ({:.0} entries/s), ratio {:.2}x",
            file_time.as_secs_f64(),
            rate(file_time),
            page_time.as_secs_f64(),
            rate(page_time),
            file_time.as_secs_f64() / page_time.as_secs_f64()
        );
        w.cleanup().await;
    }
}
