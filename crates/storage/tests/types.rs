//! Typed columns over the same text: every state and kind enum, and every amount, is stored as
//! exactly the words and decimal text the columns held before they were typed — read back with
//! plain SQL to prove it — and a stored amount that is not a decimal is `Error::Corrupt`, naming
//! its column and row. Every backend.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::str::FromStr;

use rust_decimal::Decimal;
use sea_orm::{
    ActiveValue::Set, ActiveValue::Unchanged, ConnectionTrait as _, EntityTrait as _, Iterable,
    QueryResult, Statement,
};
use storage::entity::{allocation, connection, invoice, sync_run, transaction};
use storage::{
    BookingStatus, ConnectionStatus, Database, Error, InvoiceKind, InvoiceStatus, MatchMethod,
    MatchStatus, Money, NewAccount, NewBalance, NewInvoice, NewTransaction, ReconciliationState,
    SyncOutcome, SyncTrigger,
};
use time::OffsetDateTime;
use time::macros::date;

/// The amounts whose text must survive unchanged: trailing zeros, sign, 14 integer digits,
/// four decimals.
const AMOUNTS: [&str; 6] = [
    "0.10",
    "1190.00",
    "-12345678901234.56",
    "0.0001",
    "-9999999999999.9999",
    "7",
];

/// One row of a plain SQL query (only integer ids are written into the text).
async fn raw(db: &Database, sql: &str) -> QueryResult {
    let backend = db.connection().get_database_backend();
    db.connection()
        .query_one_raw(Statement::from_string(backend, sql.to_owned()))
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("no row for {sql}"))
}

/// The text of `column` in the row `id` of `table`, as the database holds it.
async fn stored(db: &Database, table: &str, column: &str, id: impl std::fmt::Display) -> String {
    raw(
        db,
        &format!(r#"SELECT "{column}" AS v FROM {table} WHERE id = {id}"#),
    )
    .await
    .try_get("", "v")
    .unwrap()
}

/// Writes `text` into `column` of the row `id` of `table` with plain SQL.
async fn overwrite(
    db: &Database,
    table: &str,
    column: &str,
    id: impl std::fmt::Display,
    text: &str,
) {
    assert!(!text.contains('\''));
    let backend = db.connection().get_database_backend();
    db.connection()
        .execute_raw(Statement::from_string(
            backend,
            format!(r#"UPDATE {table} SET "{column}" = '{text}' WHERE id = {id}"#),
        ))
        .await
        .unwrap();
}

/// A fresh account on a fresh connection; `n` tells the accounts of one test apart.
async fn account(db: &Database, n: u8) -> i64 {
    let connection_id = common::connection(db).await;
    db.upsert_account(&NewAccount {
        connection_id,
        resource_id: format!("res-types-{n}"),
        iban: Some(format!("NL69INGB012345678{n}")),
        name: "Muster B.V.".into(),
        bank_name: "ING".into(),
        currency: "EUR".into(),
        product: None,
    })
    .await
    .unwrap()
    .0
    .id
}

fn booked(id: &str, amount: &str) -> NewTransaction {
    NewTransaction {
        bank_transaction_id: Some(id.into()),
        entry_reference: None,
        end_to_end_id: None,
        booking_date: Some(date!(2026 - 11 - 20)),
        value_date: Some(date!(2026 - 11 - 20)),
        amount: Decimal::from_str(amount).unwrap(),
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

/// An invoice of 100.00 stored through the API, then given `kind` and `status` by the entity.
async fn insert_invoice(
    db: &Database,
    number: &str,
    kind: InvoiceKind,
    status: InvoiceStatus,
) -> i64 {
    db.upsert_invoices(&[NewInvoice {
        number: number.into(),
        kind: InvoiceKind::Invoice,
        customer_name: "Meyer".into(),
        customer_number: None,
        customer_ibans: Vec::new(),
        total: Decimal::new(10_000, 2),
        currency: "EUR".into(),
        issue_date: date!(2026 - 11 - 01),
        due_date: None,
        creditor_reference: None,
    }])
    .await
    .unwrap();
    let id = db.invoice_by_number(number).await.unwrap().unwrap().id;
    invoice::Entity::update(invoice::ActiveModel {
        id: Unchanged(id),
        kind: Set(kind),
        status: Set(status),
        ..Default::default()
    })
    .exec(db.connection())
    .await
    .unwrap();
    id
}

/// Variant `i` of `E`, cycling: lets one loop cover two enums of different lengths.
fn nth<E: Iterable + Copy>(i: usize) -> E {
    let all: Vec<E> = E::iter().collect();
    all[i % all.len()]
}

fn count<E: Iterable>() -> usize {
    E::iter().count()
}

#[tokio::test]
async fn every_state_is_stored_as_the_same_word_and_read_back_from_it() {
    for t in common::backends().await {
        let db = &t.db;
        let acc = account(db, 1).await;

        // transactions.status and .reconciliation_state
        let page: Vec<NewTransaction> = (0..4).map(|i| booked(&format!("T{i}"), "1.00")).collect();
        db.import_page(acc, &page).await.unwrap();
        let txs = db.transactions(acc).await.unwrap();
        for i in 0..count::<BookingStatus>().max(count::<ReconciliationState>()) {
            let (status, state): (BookingStatus, ReconciliationState) = (nth(i), nth(i));
            let id = txs[i % txs.len()].id;
            let mut am: transaction::ActiveModel =
                db.transaction(id).await.unwrap().unwrap().into();
            am.status = Set(status);
            am.reconciliation_state = Set(state);
            transaction::Entity::update(am)
                .exec(db.connection())
                .await
                .unwrap();
            assert_eq!(
                stored(db, "transactions", "status", id).await,
                status.as_str(),
                "{}",
                t.name
            );
            assert_eq!(
                stored(db, "transactions", "reconciliation_state", id).await,
                state.as_str(),
                "{}",
                t.name
            );
            // And the other way: a word written by SQL reads as its variant.
            overwrite(db, "transactions", "status", id, status.as_str()).await;
            let row = db.transaction(id).await.unwrap().unwrap();
            assert_eq!(
                (row.status, row.reconciliation_state),
                (status, state),
                "{}",
                t.name
            );
        }

        // invoices.kind and .status
        for i in 0..count::<InvoiceKind>().max(count::<InvoiceStatus>()) {
            let (kind, status): (InvoiceKind, InvoiceStatus) = (nth(i), nth(i));
            let id = insert_invoice(db, &format!("INV-{i}"), kind, status).await;
            assert_eq!(
                stored(db, "invoices", "kind", id).await,
                kind.as_str(),
                "{}",
                t.name
            );
            assert_eq!(
                stored(db, "invoices", "status", id).await,
                status.as_str(),
                "{}",
                t.name
            );
            overwrite(db, "invoices", "kind", id, kind.as_str()).await;
            overwrite(db, "invoices", "status", id, status.as_str()).await;
            let row = db.invoice(id).await.unwrap().unwrap();
            assert_eq!((row.kind, row.status), (kind, status), "{}", t.name);
        }

        // matches.status and .method
        let inv = insert_invoice(db, "INV-M", InvoiceKind::Invoice, InvoiceStatus::Open).await;
        for i in 0..count::<MatchStatus>().max(count::<MatchMethod>()) {
            let (status, method): (MatchStatus, MatchMethod) = (nth(i), nth(i));
            let id = allocation::Entity::insert(allocation::ActiveModel {
                transaction_id: Set(txs[0].id),
                invoice_id: Set(inv),
                amount: Set("1.00".parse().unwrap()),
                confidence: Set("0.98".parse().unwrap()),
                method: Set(method),
                reasons: Set("[]".into()),
                status: Set(status),
                decided_by: Set(None),
                created_at: Set(OffsetDateTime::now_utc()),
                decided_at: Set(None),
                ..Default::default()
            })
            .exec(db.connection())
            .await
            .unwrap()
            .last_insert_id;
            assert_eq!(
                stored(db, "matches", "status", id).await,
                status.as_str(),
                "{}",
                t.name
            );
            assert_eq!(
                stored(db, "matches", "method", id).await,
                method.as_str(),
                "{}",
                t.name
            );
            let back = db.matches_for_transaction(txs[0].id).await.unwrap();
            let row = back.iter().find(|m| m.id == id).unwrap();
            assert_eq!((row.status, row.method), (status, method), "{}", t.name);
        }

        // connections.status
        let conn = common::connection(db).await;
        for status in ConnectionStatus::iter() {
            db.set_connection_status(&conn, status, None).await.unwrap();
            let text: String = raw(
                db,
                &format!("SELECT status FROM connections WHERE id = '{conn}'"),
            )
            .await
            .try_get("", "status")
            .unwrap();
            assert_eq!(text, status.as_str(), "{}", t.name);
            let row = connection::Entity::find_by_id(conn.clone())
                .one(db.connection())
                .await
                .unwrap()
                .unwrap();
            assert_eq!(row.status, status, "{}", t.name);
        }

        // sync_runs.trigger and .outcome
        for i in 0..count::<SyncTrigger>().max(count::<SyncOutcome>()) {
            let (trigger, outcome): (SyncTrigger, SyncOutcome) = (nth(i), nth(i));
            let id = db
                .start_sync_run(acc, trigger, None, None, OffsetDateTime::now_utc())
                .await
                .unwrap();
            assert_eq!(
                stored(db, "sync_runs", "outcome", id).await,
                "running",
                "{}",
                t.name
            );
            sync_run::Entity::update(sync_run::ActiveModel {
                id: Unchanged(id),
                outcome: Set(outcome),
                ..Default::default()
            })
            .exec(db.connection())
            .await
            .unwrap();
            assert_eq!(
                stored(db, "sync_runs", "trigger", id).await,
                trigger.as_str(),
                "{}",
                t.name
            );
            assert_eq!(
                stored(db, "sync_runs", "outcome", id).await,
                outcome.as_str(),
                "{}",
                t.name
            );
            let run = db.sync_runs(acc, 1).await.unwrap().remove(0);
            assert_eq!(
                (run.id, run.trigger, run.outcome),
                (id, trigger, outcome),
                "{}",
                t.name
            );
        }
        t.cleanup().await;
    }
}

#[test]
fn the_words_are_the_ones_stored_before_the_states_were_typed() {
    let words = |all: Vec<&'static str>| all.join(" ");
    assert_eq!(
        words(MatchStatus::iter().map(MatchStatus::as_str).collect()),
        "suggested confirmed rejected undone"
    );
    assert_eq!(
        words(MatchMethod::iter().map(MatchMethod::as_str).collect()),
        "auto manual"
    );
    assert_eq!(
        words(InvoiceKind::iter().map(InvoiceKind::as_str).collect()),
        "invoice credit_note"
    );
    assert_eq!(
        words(InvoiceStatus::iter().map(InvoiceStatus::as_str).collect()),
        "open partially_paid paid cancelled"
    );
    assert_eq!(
        words(BookingStatus::iter().map(BookingStatus::as_str).collect()),
        "booked pending superseded expired"
    );
    assert_eq!(
        words(
            ReconciliationState::iter()
                .map(ReconciliationState::as_str)
                .collect()
        ),
        "unmatched suggested matched"
    );
    assert_eq!(
        words(
            ConnectionStatus::iter()
                .map(ConnectionStatus::as_str)
                .collect()
        ),
        "active expiring expired revoked error replaced"
    );
    assert_eq!(
        words(SyncTrigger::iter().map(SyncTrigger::as_str).collect()),
        "user worker"
    );
    assert_eq!(
        words(SyncOutcome::iter().map(SyncOutcome::as_str).collect()),
        "running succeeded failed rate_limited consent_expired aborted"
    );
    // Display, FromStr and serde say the same word.
    for s in MatchStatus::iter() {
        assert_eq!(s.to_string(), s.as_str());
        assert_eq!(MatchStatus::from_str(s.as_str()).unwrap(), s);
        assert_eq!(serde_json::to_value(s).unwrap(), s.as_str());
    }
    assert!(matches!(
        InvoiceKind::from_str("bill"),
        Err(Error::Invalid(m)) if m == r#"invoice kind "bill": expected "invoice" or "credit_note""#
    ));
}

#[tokio::test]
async fn amounts_round_trip_byte_for_byte() {
    for t in common::backends().await {
        let db = &t.db;
        let acc = account(db, 1).await;

        // Transactions, through the import (both engines' paths).
        let page: Vec<NewTransaction> = AMOUNTS
            .iter()
            .enumerate()
            .map(|(i, a)| booked(&format!("A{i}"), a))
            .collect();
        db.import_page(acc, &page).await.unwrap();
        for row in db.transactions(acc).await.unwrap() {
            let i: usize = row.dedupe_key.trim_start_matches("id:A").parse().unwrap();
            assert_eq!(row.amount.to_string(), AMOUNTS[i], "{}", t.name);
            assert_eq!(
                stored(db, "transactions", "amount", row.id).await,
                AMOUNTS[i],
                "{}",
                t.name
            );
            assert_eq!(
                serde_json::to_value(row.amount).unwrap(),
                serde_json::json!(AMOUNTS[i]),
                "{}",
                t.name
            );
        }

        // Balances.
        let balances: Vec<NewBalance> = AMOUNTS
            .iter()
            .map(|a| NewBalance {
                balance_type: "closingBooked".into(),
                amount: Decimal::from_str(a).unwrap(),
                currency: "EUR".into(),
                reference_date: None,
            })
            .collect();
        db.record_balances(acc, &balances, OffsetDateTime::now_utc())
            .await
            .unwrap();
        let latest = db.latest_balances(acc).await.unwrap();
        let texts: Vec<String> = latest.iter().map(|b| b.amount.to_string()).collect();
        assert_eq!(texts, AMOUNTS, "{}", t.name);
        for b in &latest {
            assert_eq!(
                stored(db, "balances", "amount", b.id).await,
                b.amount.to_string(),
                "{}",
                t.name
            );
        }

        // Invoices: text written by SQL, read, written back by the entity, unchanged.
        let id = insert_invoice(db, "INV-RT", InvoiceKind::Invoice, InvoiceStatus::Open).await;
        for a in AMOUNTS {
            overwrite(db, "invoices", "total", id, a).await;
            overwrite(db, "invoices", "open_amount", id, a).await;
            let row = db.invoice(id).await.unwrap().unwrap();
            assert_eq!(row.total.to_string(), a, "{}", t.name);
            assert_eq!(
                row.open_amount.decimal(),
                Decimal::from_str(a).unwrap(),
                "{}",
                t.name
            );
            let mut am: invoice::ActiveModel = row.clone().into();
            am.total = Set(row.total);
            am.open_amount = Set(Money::from(row.open_amount.decimal()));
            invoice::Entity::update(am)
                .exec(db.connection())
                .await
                .unwrap();
            assert_eq!(stored(db, "invoices", "total", id).await, a, "{}", t.name);
            assert_eq!(
                stored(db, "invoices", "open_amount", id).await,
                a,
                "{}",
                t.name
            );
        }
        t.cleanup().await;
    }
}

#[tokio::test]
async fn a_stored_amount_that_is_not_a_decimal_is_corrupt_naming_column_and_row() {
    for t in common::backends().await {
        let db = &t.db;
        let acc = account(db, 1).await;
        db.import_page(acc, &[booked("C1", "12.50")]).await.unwrap();
        let id = db.transactions(acc).await.unwrap()[0].id;
        for bad in ["twelve", "12,50", "", "+12.50"] {
            overwrite(db, "transactions", "amount", id, bad).await;
            for err in [
                db.transaction(id).await.unwrap_err(),
                db.transactions(acc).await.unwrap_err(),
            ] {
                let Error::Corrupt(msg) = &err else {
                    panic!("{}: {bad:?} gave {err:?}", t.name)
                };
                assert!(msg.contains("amount"), "{}: {msg}", t.name);
                assert!(msg.contains(&format!("row {id}")), "{}: {msg}", t.name);
                assert!(msg.contains(&format!("{bad:?}")), "{}: {msg}", t.name);
            }
        }

        // A stored pending entry with such an amount stops an import that must compare against
        // it, instead of being skipped.
        let acc2 = account(db, 2).await;
        let mut hold = booked("P1", "-4.50");
        hold.status = BookingStatus::Pending;
        db.import_page(acc2, &[hold]).await.unwrap();
        let pending = db.transactions(acc2).await.unwrap()[0].id;
        overwrite(db, "transactions", "amount", pending, "n/a").await;
        let err = db
            .import_page(acc2, &[booked("B1", "-4.50")])
            .await
            .unwrap_err();
        assert!(matches!(err, Error::Corrupt(_)), "{}: {err:?}", t.name);
        let rows: i64 = raw(
            db,
            &format!("SELECT COUNT(*) AS n FROM transactions WHERE account_id = {acc2}"),
        )
        .await
        .try_get("", "n")
        .unwrap();
        assert_eq!(rows, 1, "{}: nothing written", t.name);

        // Invoices name their column too.
        let inv = insert_invoice(db, "INV-C", InvoiceKind::Invoice, InvoiceStatus::Open).await;
        overwrite(db, "invoices", "open_amount", inv, "1.2.3").await;
        let err = db.invoice(inv).await.unwrap_err();
        assert!(
            matches!(&err, Error::Corrupt(m) if m.contains("open_amount") && m.contains(&format!("row {inv}"))),
            "{}: {err:?}",
            t.name
        );
        t.cleanup().await;
    }
}
