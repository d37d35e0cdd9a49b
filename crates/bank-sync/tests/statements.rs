//! Statement files into the store through `bank-sync`: accounts fed by files (an IBAN a PSD2
//! account has is that account), `import_statement` (one database transaction per file: a bad
//! file stores nothing; a file imported twice imports nothing; bookings PSD2 stored are not
//! duplicated) and `export_statement`. Real SQLite files, and PostgreSQL when `DATABASE_URL`
//! names one.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::str::FromStr;

use bank_sync::{BankSync, ExportFormat, StatementFormat, SyncError};
use rust_decimal::Decimal;
use storage::{BookingStatus, FileAccountLink, NewTransaction};
use time::macros::{date, datetime};

mod common;

use common::offline::*;

const IBAN: &str = "DE89370400440532013000";

/// A camt.053.001.02 statement of `iban` with one booked entry per `(reference, amount, text)`;
/// an amount that is not a number makes a broken file.
fn camt(iban: &str, entries: &[(&str, &str, &str)]) -> Vec<u8> {
    let mut x = String::from(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt>
<GrpHdr><MsgId>M1</MsgId><CreDtTm>2026-11-30T06:00:00</CreDtTm></GrpHdr>
<Stmt><Id>S1</Id><CreDtTm>2026-11-30T06:00:00</CreDtTm>"#,
    );
    x.push_str(&format!(
        "<Acct><Id><IBAN>{iban}</IBAN></Id><Ccy>EUR</Ccy></Acct>"
    ));
    for (reference, amount, text) in entries {
        let (amt, ind) = match amount.strip_prefix('-') {
            Some(a) => (a, "DBIT"),
            None => (*amount, "CRDT"),
        };
        x.push_str(&format!(
            "<Ntry><Amt Ccy=\"EUR\">{amt}</Amt><CdtDbtInd>{ind}</CdtDbtInd><Sts>BOOK</Sts>\
             <BookgDt><Dt>2026-11-10</Dt></BookgDt><ValDt><Dt>2026-11-10</Dt></ValDt>\
             <AcctSvcrRef>{reference}</AcctSvcrRef><BkTxCd/>\
             <NtryDtls><TxDtls><RltdPties><Dbtr><Nm>Muster GmbH</Nm></Dbtr>\
             <DbtrAcct><Id><IBAN>DE02120300000000202051</IBAN></Id></DbtrAcct></RltdPties>\
             <RmtInf><Ustrd>{text}</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>"
        ));
    }
    x.push_str("</Stmt></BkToCstmrStmt></Document>");
    x.into_bytes()
}

/// Opening and closing balance of the one statement in an export.
fn statements_of(bytes: &[u8]) -> (Decimal, Decimal) {
    let p = statements::parse(bytes, None).unwrap();
    let s = &p.statements[0];
    (
        s.opening_balance.as_ref().unwrap().amount,
        s.closing_balance.as_ref().unwrap().amount,
    )
}

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

async fn file_account(sync: &BankSync) -> i64 {
    let (a, link) = sync
        .file_account("de89 3704 0044 0532 0130 00", "Sparkasse Giro", "eur")
        .await
        .unwrap();
    assert_eq!(link, FileAccountLink::Created);
    assert_eq!(a.connection_id, None);
    a.id
}

#[tokio::test]
async fn a_file_account_is_one_per_iban_and_currency_and_joins_a_psd2_account() {
    for w in worlds().await {
        let sync = w.service().await;
        let id = file_account(&sync).await;
        let (again, link) = sync.file_account(IBAN, "other name", "EUR").await.unwrap();
        assert_eq!((again.id, link), (id, FileAccountLink::Existing));
        assert_eq!(again.name, "Sparkasse Giro");
        // Another currency under the same IBAN is another account.
        let (usd, link) = sync.file_account(IBAN, "USD", "USD").await.unwrap();
        assert_eq!(link, FileAccountLink::Created);
        assert_ne!(usd.id, id);
        assert!(sync.file_account("", "x", "EUR").await.is_err());
        assert!(sync.file_account(IBAN, "x", "EURO").await.is_err());

        // A PSD2 account's IBAN: the file feeds that account.
        let psd2 = bank_account(
            &sync,
            "NL91 INGB 0001 2345 67",
            Some("NL91 INGB 0001 2345 67"),
        )
        .await;
        let (same, link) = sync
            .file_account("NL91INGB0001234567", "ING", "EUR")
            .await
            .unwrap();
        assert_eq!((same.id, link), (psd2, FileAccountLink::Existing));

        // The worker's sync refuses a file account with a clear word.
        let e = sync
            .sync_transactions(&bank_sync::TransactionSync {
                account_id: id,
                date_from: date!(2026 - 11 - 01),
                date_to: date!(2026 - 11 - 30),
                auto_reconcile: false,
                trigger: storage::SyncTrigger::User,
                psu_ip: None,
                stop: None,
            })
            .await
            .unwrap_err();
        assert!(e.to_string().contains("fed by statement files"), "{e}");
        w.cleanup().await;
    }
}

#[tokio::test]
async fn a_statement_imports_once_and_a_bad_file_stores_nothing() {
    for w in worlds().await {
        let sync = w.service().await;
        let id = file_account(&sync).await;
        let file = camt(
            IBAN,
            &[("R1", "100.00", "RE-2026-0001"), ("R2", "-25.50", "Miete")],
        );
        let r = sync.import_statement(id, &file, None).await.unwrap();
        assert_eq!(r.format, "camt053");
        assert_eq!((r.entries, r.imported, r.already_known), (2, 2, 0));
        let again = sync
            .import_statement(id, &file, Some(StatementFormat::Camt053))
            .await
            .unwrap();
        assert_eq!(
            (again.entries, again.imported, again.already_known),
            (2, 0, 2)
        );
        let stored = sync.db().transactions(id).await.unwrap();
        assert_eq!(stored.len(), 2);
        assert_eq!(stored[1].amount.decimal(), dec("-25.50"));
        assert_eq!(stored[0].bank_transaction_id.as_deref(), Some("R1"));

        // Another account's file: refused, nothing stored.
        let other = camt("DE02120300000000202051", &[("R9", "1.00", "x")]);
        let e = sync.import_statement(id, &other, None).await.unwrap_err();
        assert!(matches!(e, SyncError::BadRequest(_)), "{e}");
        assert!(e.to_string().contains("not of account"), "{e}");
        assert!(
            !e.to_string().contains("0202051"),
            "full IBAN in an error: {e}"
        );

        // A broken entry after a good new one: the whole file is refused, nothing half-stored.
        let broken = camt(IBAN, &[("R3", "5.00", "neu"), ("R4", "12,50", "kaputt")]);
        let e = sync.import_statement(id, &broken, None).await.unwrap_err();
        assert!(e.to_string().contains("12,50"), "{e}");
        assert_eq!(sync.db().transactions(id).await.unwrap().len(), 2);
        w.cleanup().await;
    }
}

fn booking(id: Option<&str>, amount: &str, name: &str, text: &str) -> NewTransaction {
    NewTransaction {
        bank_transaction_id: id.map(str::to_owned),
        entry_reference: None,
        end_to_end_id: Some(format!("E2E-{text}")),
        booking_date: Some(date!(2026 - 11 - 10)),
        value_date: Some(date!(2026 - 11 - 10)),
        amount: dec(amount),
        currency: "EUR".into(),
        counterparty_name: Some(name.into()),
        counterparty_iban: Some("DE02120300000000202051".into()),
        remittance_unstructured: Some(text.into()),
        remittance_structured: None,
        bank_transaction_code: None,
        status: BookingStatus::Booked,
        raw_json: serde_json::json!({}),
    }
}

#[tokio::test]
async fn an_export_of_psd2_bookings_imports_as_nothing_new() {
    for w in worlds().await {
        let sync = w.service().await;
        let id = bank_account(&sync, "NL91INGB0001234567", Some("NL91INGB0001234567")).await;
        sync.db()
            .import_page(
                id,
                &[
                    booking(Some("TX-1"), "1190.00", "De Vries B.V.", "RE-2026-0007"),
                    booking(Some("TX-2"), "-49.99", "Telekom", "Rechnung 11"),
                    booking(Some("TX-3"), "-0.00", "Bank", "Kontoführung"),
                ],
            )
            .await
            .unwrap();
        let without = sync
            .export_statement(
                id,
                date!(2026 - 11 - 01),
                date!(2026 - 11 - 30),
                ExportFormat::Mt940,
                datetime!(2026 - 12 - 01 08:00),
            )
            .await
            .unwrap_err();
        assert!(
            without.to_string().contains("no stored balance"),
            "{without}"
        );
        sync.db()
            .record_balances(
                id,
                &[storage::NewBalance {
                    balance_type: "closingBooked".into(),
                    amount: dec("5000.00"),
                    currency: "EUR".into(),
                    reference_date: Some(date!(2026 - 12 - 02)),
                }],
                time::OffsetDateTime::now_utc(),
            )
            .await
            .unwrap();
        for format in ["camt053", "camt053.08", "mt940"] {
            let bytes = sync
                .export_statement(
                    id,
                    date!(2026 - 11 - 01),
                    date!(2026 - 11 - 30),
                    ExportFormat::from_str(format).unwrap(),
                    datetime!(2026 - 12 - 01 08:00),
                )
                .await
                .unwrap();
            let parsed = statements_of(&bytes);
            // Nothing was booked after 30 November: the closing balance is the stored one, the
            // opening one is before the three bookings.
            assert_eq!(parsed.0, dec("5000.00") - dec("1140.01"), "{format}");
            assert_eq!(parsed.1, dec("5000.00"), "{format}");
            let r = sync.import_statement(id, &bytes, None).await.unwrap();
            assert_eq!(
                (r.entries, r.imported, r.already_known, r.updated),
                (3, 0, 3, 0),
                "{format}"
            );
        }
        let csv = sync
            .export_statement(
                id,
                date!(2026 - 11 - 11),
                date!(2026 - 11 - 30),
                ExportFormat::from_str("csv").unwrap(),
                datetime!(2026 - 12 - 01 08:00),
            )
            .await
            .unwrap();
        let csv = String::from_utf8(csv).unwrap();
        assert!(!csv.contains("TX-1"), "outside the period: {csv}");
        assert_eq!(sync.db().transactions(id).await.unwrap().len(), 3);
        w.cleanup().await;
    }
}
