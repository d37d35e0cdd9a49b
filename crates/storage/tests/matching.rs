//! Invoices and matches on every backend: exact amounts, no over-allocation, undo, review.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::str::FromStr;

use rust_decimal::Decimal;
use storage::{
    BookingStatus, Database, Error, InvoiceKind, InvoiceStatus, MatchReasons, MatchStatus,
    NewInvoice, NewSuggestion, NewTransaction, ReasonLine, ReconciliationState,
};
use time::macros::date;

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn invoice(number: &str, total: &str) -> NewInvoice {
    NewInvoice {
        number: number.into(),
        kind: InvoiceKind::Invoice,
        customer_name: "Meyer Elektro e.K.".into(),
        customer_number: None,
        customer_ibans: vec!["DE89370400440532013000".into()],
        total: dec(total),
        currency: "EUR".into(),
        issue_date: date!(2026 - 11 - 01),
        due_date: Some(date!(2026 - 11 - 15)),
        creditor_reference: Some("RF18539007547034".into()),
    }
}

/// Stores `amounts` as booked transactions and returns their ids.
async fn payments(db: &Database, amounts: &[&str]) -> Vec<i64> {
    let acc_id = common::account(db, "acc").await;
    db.import_page(acc_id, &payment_page(amounts))
        .await
        .unwrap();
    db.transactions(acc_id)
        .await
        .unwrap()
        .into_iter()
        .map(|t| t.id)
        .collect()
}

/// Booked payments `T0`, `T1`, … of `amounts`.
fn payment_page(amounts: &[&str]) -> Vec<NewTransaction> {
    amounts
        .iter()
        .enumerate()
        .map(|(i, a)| NewTransaction {
            bank_transaction_id: Some(format!("T{i}")),
            entry_reference: None,
            end_to_end_id: None,
            booking_date: Some(date!(2026 - 11 - 10)),
            value_date: Some(date!(2026 - 11 - 10)),
            amount: dec(a),
            currency: "EUR".into(),
            counterparty_name: Some("Meyer".into()),
            counterparty_iban: None,
            remittance_unstructured: Some("RE-2026-0001".into()),
            remittance_structured: None,
            bank_transaction_code: None,
            status: BookingStatus::Booked,
            raw_json: serde_json::json!({}),
        })
        .collect()
}

async fn id_of(db: &Database, number: &str) -> i64 {
    db.invoices(None)
        .await
        .unwrap()
        .into_iter()
        .find(|i| i.number == number)
        .unwrap()
        .id
}

#[tokio::test]
async fn invoices_round_trip_exactly_and_updates_keep_what_was_paid() {
    for t in common::backends().await {
        let db = &t.db;
        let c = db
            .upsert_invoices(&[
                invoice("RE-1", "9999999999999.9999"),
                invoice("RE-2", "0.10"),
            ])
            .await
            .unwrap();
        assert_eq!((c.created, c.updated), (2, 0), "{}", t.name);
        let all = db.invoices(None).await.unwrap();
        assert_eq!(all[0].total.to_string(), "9999999999999.9999");
        assert_eq!(all[0].ibans().unwrap(), ["DE89370400440532013000"]);
        assert_eq!(all[1].open_amount.to_string(), "0.10");
        let tx = payments(db, &["100.00"]).await;
        let re1 = id_of(db, "RE-1").await;
        db.apply_match(&common::auto_match(tx[0], &[(re1, "40.00")]))
            .await
            .unwrap();
        let c = db
            .upsert_invoices(&[invoice("RE-1", "150.00")])
            .await
            .unwrap();
        assert_eq!((c.created, c.updated), (0, 1));
        let re = db.invoice(re1).await.unwrap().unwrap();
        assert_eq!(re.total.to_string(), "150.00");
        assert_eq!(re.open_amount.decimal(), dec("110.00"));
        assert_eq!(re.status, InvoiceStatus::PartiallyPaid);
        let err = db
            .upsert_invoices(&[invoice("RE-1", "30.00")])
            .await
            .unwrap_err();
        assert!(matches!(err, Error::Conflict(_)), "{err}");
        t.cleanup().await;
    }
}

#[tokio::test]
async fn bad_invoices_are_refused_whole() {
    for t in common::backends().await {
        let db = &t.db;
        let mut bad = invoice("RE-3", "10.00");
        bad.total = dec("-10.00");
        let err = db
            .upsert_invoices(&[invoice("RE-OK", "1.00"), bad])
            .await
            .unwrap_err();
        assert!(err.to_string().contains("RE-3"), "{err}");
        assert!(db.invoices(None).await.unwrap().is_empty(), "partial batch");
        let mut bad = invoice("RE-4", "10.00");
        bad.currency = "euro".into();
        assert!(db.upsert_invoices(&[bad]).await.is_err());
        // PostgreSQL cannot store U+0000: a clear refusal on both backends, never a database error.
        let mut bad = invoice("RE-5", "10.00");
        bad.customer_name = "Mey\0er".into();
        let err = db.upsert_invoices(&[bad]).await.unwrap_err();
        assert!(matches!(err, Error::Invalid(_)), "{}: {err:?}", t.name);
        assert!(err.to_string().contains("customer_name"), "{err}");
        assert!(db.invoices(None).await.unwrap().is_empty(), "partial batch");
        t.cleanup().await;
    }
}

#[tokio::test]
async fn a_match_reduces_open_amounts_and_can_be_undone() {
    for t in common::backends().await {
        let db = &t.db;
        db.upsert_invoices(&[invoice("A", "60.00"), invoice("B", "40.00")])
            .await
            .unwrap();
        let (a, b) = (id_of(db, "A").await, id_of(db, "B").await);
        let tx = payments(db, &["100.00"]).await[0];
        let stored = db
            .apply_match(&common::auto_match(tx, &[(a, "60.00"), (b, "40.00")]))
            .await
            .unwrap();
        assert_eq!(stored.len(), 2);
        assert_eq!(
            db.invoice(a).await.unwrap().unwrap().status,
            InvoiceStatus::Paid
        );
        assert_eq!(
            db.invoice(b)
                .await
                .unwrap()
                .unwrap()
                .open_amount
                .to_string(),
            "0.00"
        );
        assert_eq!(
            db.transaction(tx)
                .await
                .unwrap()
                .unwrap()
                .reconciliation_state,
            ReconciliationState::Matched
        );
        // Matching the same transaction again is refused.
        assert!(matches!(
            db.apply_match(&common::auto_match(tx, &[(a, "1.00")]))
                .await,
            Err(Error::Conflict(_))
        ));
        assert!(db.open_invoices().await.unwrap().is_empty());
        assert_eq!(db.undo_match(stored[0].id, "anna").await.unwrap(), 2);
        let a_row = db.invoice(a).await.unwrap().unwrap();
        assert_eq!(
            (a_row.open_amount.to_string().as_str(), a_row.status),
            ("60.00", InvoiceStatus::Open)
        );
        assert_eq!(
            db.transaction(tx)
                .await
                .unwrap()
                .unwrap()
                .reconciliation_state,
            ReconciliationState::Unmatched
        );
        let history = db.matches_for_transaction(tx).await.unwrap();
        assert!(
            history
                .iter()
                .all(|m| m.status == MatchStatus::Undone && m.decided_by.as_deref() == Some("anna"))
        );
        t.cleanup().await;
    }
}

#[tokio::test]
async fn an_invoice_is_never_over_allocated_even_by_concurrent_decisions() {
    for t in common::backends().await {
        let db = t.db.clone();
        db.upsert_invoices(&[invoice("X", "100.00")]).await.unwrap();
        let x = id_of(&db, "X").await;
        let txs = payments(&db, &["60.00", "60.00", "60.00", "60.00"]).await;
        // Over the payment and over the invoice are refused up front.
        assert!(
            db.apply_match(&common::auto_match(txs[0], &[(x, "60.01")]))
                .await
                .is_err()
        );
        let tasks: Vec<_> = txs
            .iter()
            .map(|&tx| {
                let db = db.clone();
                tokio::spawn(async move {
                    db.apply_match(&common::auto_match(tx, &[(x, "60.00")]))
                        .await
                })
            })
            .collect();
        let mut ok = 0;
        for task in tasks {
            match task.await.unwrap() {
                Ok(_) => ok += 1,
                Err(Error::Conflict(msg)) => assert!(msg.contains("open"), "{msg}"),
                Err(other) => panic!("{}: {other}", t.name),
            }
        }
        assert_eq!(ok, 1, "{}", t.name);
        assert_eq!(
            db.invoice(x)
                .await
                .unwrap()
                .unwrap()
                .open_amount
                .to_string(),
            "40.00"
        );
        drop(db);
        t.cleanup().await;
    }
}

#[tokio::test]
async fn suggestions_queue_best_first_then_confirm_or_reject() {
    for t in common::backends().await {
        let db = &t.db;
        db.upsert_invoices(&[invoice("S1", "50.00"), invoice("S2", "50.00")])
            .await
            .unwrap();
        let (s1, s2) = (id_of(db, "S1").await, id_of(db, "S2").await);
        let txs = payments(db, &["50.00", "50.00"]).await;
        let sug = |id: i64, c: &str| NewSuggestion {
            invoice_id: id,
            amount: dec("50.00"),
            confidence: dec(c),
            reasons: MatchReasons {
                reasons: vec![ReasonLine::text("same amount")],
                ..MatchReasons::default()
            },
        };
        db.record_suggestions(txs[0], &[sug(s1, "0.6"), sug(s2, "0.55")])
            .await
            .unwrap();
        db.record_suggestions(txs[1], &[sug(s2, "0.7")])
            .await
            .unwrap();
        let queue = db.open_suggestions().await.unwrap();
        let order: Vec<String> = queue.iter().map(|m| m.confidence.to_string()).collect();
        assert_eq!(order, ["0.7", "0.6", "0.55"], "{}", t.name);
        db.confirm_suggestion(queue[0].id, "anna").await.unwrap();
        assert_eq!(
            db.invoice(s2).await.unwrap().unwrap().status,
            InvoiceStatus::Paid
        );
        // S2 is paid: the other payment's suggestion for it left the queue with that decision
        // (it could no longer be confirmed); confirming or rejecting it now changes nothing.
        let left = db.open_suggestions().await.unwrap();
        assert_eq!(left.len(), 1, "{}", t.name);
        assert_eq!(left[0].invoice_id, s1);
        assert!(matches!(
            db.confirm_suggestion(queue[2].id, "anna").await,
            Err(Error::NotFound(_))
        ));
        assert!(db.reject_suggestion(queue[2].id, "bob").await.is_err());
        assert_eq!(
            db.transaction(txs[1])
                .await
                .unwrap()
                .unwrap()
                .reconciliation_state,
            ReconciliationState::Matched
        );
        assert_eq!(
            db.transaction(txs[0])
                .await
                .unwrap()
                .unwrap()
                .reconciliation_state,
            ReconciliationState::Suggested
        );
        t.cleanup().await;
    }
}

#[tokio::test]
async fn suggestions_for_an_invoice_no_longer_open_leave_the_queue() {
    for t in common::backends().await {
        let db = &t.db;
        db.upsert_invoices(&[invoice("P1", "80.00"), invoice("P2", "40.00")])
            .await
            .unwrap();
        let (p1, p2) = (id_of(db, "P1").await, id_of(db, "P2").await);
        let txs = payments(db, &["80.00", "40.00", "40.00"]).await;
        let sug = |id: i64, amount: &str| NewSuggestion {
            invoice_id: id,
            amount: dec(amount),
            confidence: dec("0.5"),
            reasons: MatchReasons::default(),
        };
        // Two payments suggested for P1; the third for P2.
        db.record_suggestions(txs[0], &[sug(p1, "80.00")])
            .await
            .unwrap();
        db.record_suggestions(txs[1], &[sug(p1, "40.00"), sug(p2, "40.00")])
            .await
            .unwrap();
        db.record_suggestions(txs[2], &[sug(p2, "40.00")])
            .await
            .unwrap();
        // A match by hand settles P1 in full: the second payment's suggestion for P1 goes, its
        // suggestion for P2 stays (P2 is still open).
        db.apply_match(&common::auto_match(txs[0], &[(p1, "80.00")]))
            .await
            .unwrap();
        let queue = db.open_suggestions().await.unwrap();
        let pairs: Vec<(i64, i64)> = queue
            .iter()
            .map(|m| (m.transaction_id, m.invoice_id))
            .collect();
        assert_eq!(pairs.len(), 2, "{}: {pairs:?}", t.name);
        assert!(pairs.contains(&(txs[1], p2)) && pairs.contains(&(txs[2], p2)));
        // Paying P2 ends the third payment's suggestion too; left without any, that payment is
        // unmatched again (the next pass looks at it afresh).
        db.apply_match(&common::auto_match(txs[1], &[(p2, "40.00")]))
            .await
            .unwrap();
        assert!(
            db.open_suggestions().await.unwrap().is_empty(),
            "{}",
            t.name
        );
        let state = db
            .transaction(txs[2])
            .await
            .unwrap()
            .unwrap()
            .reconciliation_state;
        assert_eq!(state, ReconciliationState::Unmatched, "{}", t.name);
        t.cleanup().await;
    }
}

#[tokio::test]
async fn an_invoice_update_leaving_nothing_open_ends_its_suggestions() {
    for t in common::backends().await {
        let db = &t.db;
        db.upsert_invoices(&[invoice("U1", "100.00")])
            .await
            .unwrap();
        let u1 = id_of(db, "U1").await;
        let txs = payments(db, &["60.00", "40.00"]).await;
        db.apply_match(&common::auto_match(txs[0], &[(u1, "60.00")]))
            .await
            .unwrap();
        db.record_suggestions(
            txs[1],
            &[NewSuggestion {
                invoice_id: u1,
                amount: dec("40.00"),
                confidence: dec("0.5"),
                reasons: MatchReasons::default(),
            }],
        )
        .await
        .unwrap();
        assert_eq!(db.open_suggestions().await.unwrap().len(), 1);
        // The back office corrects the total to what was paid: nothing is open any more.
        db.upsert_invoices(&[invoice("U1", "60.00")]).await.unwrap();
        assert_eq!(
            db.invoice(u1).await.unwrap().unwrap().status,
            InvoiceStatus::Paid
        );
        assert!(
            db.open_suggestions().await.unwrap().is_empty(),
            "{}",
            t.name
        );
        let state = db
            .transaction(txs[1])
            .await
            .unwrap()
            .unwrap()
            .reconciliation_state;
        assert_eq!(state, ReconciliationState::Unmatched, "{}", t.name);
        t.cleanup().await;
    }
}

#[tokio::test]
async fn the_review_queue_comes_in_stable_pages_best_first() {
    for t in common::backends().await {
        let db = &t.db;
        db.upsert_invoices(&[invoice("Q1", "50.00"), invoice("Q2", "50.00")])
            .await
            .unwrap();
        let (q1, q2) = (id_of(db, "Q1").await, id_of(db, "Q2").await);
        let txs = payments(db, &["50.00", "50.00", "50.00"]).await;
        let sug = |id: i64, c: &str| NewSuggestion {
            invoice_id: id,
            amount: dec("50.00"),
            confidence: dec(c),
            reasons: MatchReasons::default(),
        };
        // Spellings that sort otherwise as text than as numbers: "0.90" and "0.9" are equal (so
        // the older row comes first), "0.10" is below "0.9".
        db.record_suggestions(txs[0], &[sug(q1, "0.90"), sug(q2, "0.10")])
            .await
            .unwrap();
        db.record_suggestions(txs[1], &[sug(q1, "1"), sug(q2, "0.9")])
            .await
            .unwrap();
        db.record_suggestions(txs[2], &[sug(q1, "0.95")])
            .await
            .unwrap();
        let whole = db.open_suggestions().await.unwrap();
        let spelled: Vec<String> = whole.iter().map(|m| m.confidence.to_string()).collect();
        assert_eq!(spelled, ["1", "0.95", "0.90", "0.9", "0.10"], "{}", t.name);
        let mut paged = Vec::new();
        for offset in [0, 2, 4, 6] {
            let (rows, total) = db.suggestions_page(2, offset).await.unwrap();
            assert_eq!(total, 5, "{}", t.name);
            paged.extend(rows.into_iter().map(|m| m.id));
        }
        let ids: Vec<i64> = whole.iter().map(|m| m.id).collect();
        assert_eq!(paged, ids, "{}: pages repeat or skip rows", t.name);
        let (rows, _) = db.suggestions_page(0, 0).await.unwrap();
        assert_eq!(rows.len(), 1, "{}: a limit below 1 is 1", t.name);
        t.cleanup().await;
    }
}

#[tokio::test]
async fn a_reconciliation_pass_commits_all_its_decisions_or_none() {
    use storage::PassDecision;
    for t in common::backends().await {
        let db = &t.db;
        db.upsert_invoices(&[invoice("P1", "50.00"), invoice("P2", "70.00")])
            .await
            .unwrap();
        let (p1, p2) = (id_of(db, "P1").await, id_of(db, "P2").await);
        let tx = payments(db, &["50.00", "70.00", "10.00"]).await;
        let suggestion = |invoice_id| NewSuggestion {
            invoice_id,
            amount: dec("10.00"),
            confidence: dec("0.5"),
            reasons: MatchReasons::default(),
        };
        // The pass fails at its last decision (an invoice that does not exist): nothing of it
        // may stay, neither the first match nor the suggestion.
        let failing = [
            PassDecision::Auto(common::auto_match(tx[0], &[(p1, "50.00")])),
            PassDecision::Suggest {
                transaction_id: tx[2],
                suggestions: vec![suggestion(p2)],
            },
            PassDecision::Auto(common::auto_match(tx[1], &[(p2 + 1000, "70.00")])),
        ];
        let err = db
            .commit_reconciliation(&failing, time::OffsetDateTime::now_utc())
            .await
            .unwrap_err();
        assert!(!matches!(err, Error::Conflict(_)), "{}: {err}", t.name);
        assert_eq!(
            db.invoice(p1).await.unwrap().unwrap().open_amount.decimal(),
            dec("50.00"),
            "{}",
            t.name
        );
        assert!(
            db.matches_for_transaction(tx[0]).await.unwrap().is_empty(),
            "{}",
            t.name
        );
        assert!(
            db.open_suggestions().await.unwrap().is_empty(),
            "{}",
            t.name
        );
        // The same pass with a refused match (over-allocation) commits the rest and queues it.
        let passing = [
            PassDecision::Auto(common::auto_match(tx[0], &[(p1, "50.00")])),
            PassDecision::Auto(common::auto_match(tx[2], &[(p1, "10.00")])),
            PassDecision::Auto(common::auto_match(tx[1], &[(p2, "70.00")])),
        ];
        let done = db
            .commit_reconciliation(&passing, time::OffsetDateTime::now_utc())
            .await
            .unwrap();
        assert_eq!(
            (done.auto_matched, done.conflicts, done.suggested),
            (2, 1, 1),
            "{}",
            t.name
        );
        assert_eq!(
            db.invoice(p1).await.unwrap().unwrap().open_amount.decimal(),
            Decimal::ZERO
        );
        assert_eq!(
            db.invoice(p2).await.unwrap().unwrap().open_amount.decimal(),
            Decimal::ZERO
        );
        assert_eq!(db.open_suggestions().await.unwrap().len(), 1);
        t.cleanup().await;
    }
}

#[tokio::test]
async fn a_matched_amount_the_bank_changes_is_reopened_for_review() {
    for t in common::backends().await {
        let db = &t.db;
        db.upsert_invoices(&[invoice("R-1", "100.00")])
            .await
            .unwrap();
        let r1 = id_of(db, "R-1").await;
        let tx = payments(db, &["100.00", "7.00"]).await[0];
        let acc = db.transaction(tx).await.unwrap().unwrap().account_id;
        let matched = db
            .apply_match(&common::auto_match(tx, &[(r1, "100.00")]))
            .await
            .unwrap();
        assert_eq!(
            db.invoice(r1).await.unwrap().unwrap().status,
            InvoiceStatus::Paid
        );
        // The same payment again, its text corrected: the amount is the same, nothing re-opens.
        let mut page = payment_page(&["100.00", "7.00"]);
        page[0].remittance_unstructured = Some("RE-2026-0001 corrected".into());
        let c = db.import_page(acc, &page).await.unwrap();
        assert_eq!((c.updated, c.reopened), (1, 0), "{}", t.name);
        assert_eq!(
            db.invoice(r1)
                .await
                .unwrap()
                .unwrap()
                .open_amount
                .to_string(),
            "0.00"
        );
        // The bank changes the amount: the match goes back to review.
        let page = payment_page(&["90.00", "7.00"]);
        let c = db.import_page(acc, &page).await.unwrap();
        assert_eq!((c.updated, c.skipped, c.reopened), (1, 1, 1), "{}", t.name);
        let inv = db.invoice(r1).await.unwrap().unwrap();
        assert_eq!(
            (inv.open_amount.to_string().as_str(), inv.status),
            ("100.00", InvoiceStatus::Open),
            "{}",
            t.name
        );
        let row = db.transaction(tx).await.unwrap().unwrap();
        assert_eq!(
            (row.amount.to_string().as_str(), row.reconciliation_state),
            ("90.00", ReconciliationState::Suggested),
            "{}",
            t.name
        );
        let history = db.matches_for_transaction(tx).await.unwrap();
        assert_eq!(history.len(), 1, "{}", t.name);
        assert_eq!(history[0].id, matched[0].id);
        assert_eq!(history[0].status, MatchStatus::Suggested, "{}", t.name);
        let reasons: serde_json::Value = serde_json::from_str(&history[0].reasons).unwrap();
        let list = reasons["reasons"].as_array().unwrap();
        assert_eq!(
            list[0]["text"], "invoice number in text",
            "{}: kept",
            t.name
        );
        let why = list[1]["reopened"].as_str().unwrap();
        assert!(
            why.starts_with("the bank changed the amount from 100.00 to 90.00 on "),
            "{}: {why}",
            t.name
        );
        assert_eq!(list[1]["was_confirmed"]["decided_by"], "auto", "{}", t.name);
        assert!(
            db.open_suggestions()
                .await
                .unwrap()
                .iter()
                .any(|m| m.id == matched[0].id)
        );
        // Fetching the same page again re-opens nothing more.
        let c = db.import_page(acc, &page).await.unwrap();
        assert_eq!((c.updated, c.reopened), (0, 0), "{}", t.name);
        assert_eq!(
            db.invoice(r1)
                .await
                .unwrap()
                .unwrap()
                .open_amount
                .to_string(),
            "100.00"
        );
        t.cleanup().await;
    }
}
