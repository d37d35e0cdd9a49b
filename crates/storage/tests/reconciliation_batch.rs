//! A reconciliation pass written in batches leaves exactly what its decisions applied one by
//! one leave (matches, refused matches queued, suggestions replaced or dropped when another
//! payment settles their invoice, payment states, open amounts), with a few dozen statements
//! instead of several per decision. Two databases per engine built the same way: one gets the
//! pass through `commit_reconciliation`, the other decision by decision through `apply_match`
//! and `record_suggestions`. A real SQLite file, and PostgreSQL when `DATABASE_URL` names one.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::str::FromStr;

use rust_decimal::Decimal;
use storage::{
    BookingStatus, Database, Error, InvoiceKind, MatchMethod, MatchReasons, NewInvoice,
    NewSuggestion, NewTransaction, PassCommit, PassDecision, ReasonLine,
};
use time::macros::date;

/// Enough payments and candidates that every id list and multi-row insert takes more than one
/// statement (1,000 ids, 3,000 rows per statement: 240 suggested payments × 16 candidates), and
/// no more: the reference applies every decision in a transaction of its own.
const PAYMENTS: usize = 1_200;
const INVOICES: usize = 1_000;
const CANDIDATES: usize = 16;

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn number(i: usize) -> String {
    format!("RE-2026-{i:04}")
}

/// The same invoices, payments and earlier suggestions in `db`; returns (payment ids, invoice
/// ids) in their order.
async fn books(db: &Database) -> (Vec<i64>, Vec<i64>) {
    let invoices: Vec<NewInvoice> = (0..INVOICES)
        .map(|i| NewInvoice {
            number: number(i),
            kind: InvoiceKind::Invoice,
            customer_name: format!("Kunde {}", i % 97),
            customer_number: None,
            customer_ibans: Vec::new(),
            total: dec("100.00"),
            currency: "EUR".into(),
            issue_date: date!(2026 - 11 - 01),
            due_date: Some(date!(2026 - 11 - 15)),
            creditor_reference: None,
        })
        .collect();
    db.upsert_invoices(&invoices).await.unwrap();
    let mut invoice_ids = Vec::with_capacity(INVOICES);
    let all = db.invoices(None).await.unwrap();
    for i in 0..INVOICES {
        invoice_ids.push(all.iter().find(|x| x.number == number(i)).unwrap().id);
    }
    let acc_id = common::account(db, "acc").await;
    let page: Vec<NewTransaction> = (0..PAYMENTS)
        .map(|i| NewTransaction {
            bank_transaction_id: Some(format!("T{i:05}")),
            entry_reference: None,
            end_to_end_id: None,
            booking_date: Some(date!(2026 - 11 - 10)),
            value_date: Some(date!(2026 - 11 - 10)),
            amount: dec("100.00"),
            currency: "EUR".into(),
            counterparty_name: Some(format!("Kunde {}", i % 97)),
            counterparty_iban: Some("NL91ABNA0417164300".into()),
            remittance_unstructured: Some(number(i % INVOICES)),
            remittance_structured: None,
            bank_transaction_code: None,
            status: BookingStatus::Booked,
            raw_json: serde_json::json!({}),
        })
        .collect();
    for chunk in page.chunks(500) {
        db.import_page(acc_id, chunk).await.unwrap();
    }
    let mut payment_ids: Vec<(String, i64)> = db
        .transactions(acc_id)
        .await
        .unwrap()
        .into_iter()
        .map(|t| (t.bank_transaction_id.unwrap(), t.id))
        .collect();
    payment_ids.sort();
    let payment_ids: Vec<i64> = payment_ids.into_iter().map(|(_, id)| id).collect();
    // An earlier pass's suggestions (some will be replaced, dropped or settled), and a few
    // payments already matched.
    for (i, tx) in payment_ids.iter().enumerate() {
        if i % 5 == 0 || i % 5 == 3 {
            db.record_suggestions(
                *tx,
                &[
                    suggestion(invoice_ids[i % INVOICES], "100.00"),
                    suggestion(invoice_ids[(i + 1) % INVOICES], "100.00"),
                ],
            )
            .await
            .unwrap();
        }
    }
    for i in PAYMENTS - 10..PAYMENTS {
        db.apply_match(&common::auto_match(
            payment_ids[i],
            &[(invoice_ids[i % INVOICES], "10.00")],
        ))
        .await
        .unwrap();
    }
    (payment_ids, invoice_ids)
}

fn suggestion(invoice_id: i64, amount: &str) -> NewSuggestion {
    NewSuggestion {
        invoice_id,
        amount: dec(amount),
        confidence: dec("0.61"),
        reasons: MatchReasons {
            reasons: vec![ReasonLine::text("same amount")],
            held_back: Some("two candidates".into()),
            ..MatchReasons::default()
        },
    }
}

/// A pass that meets every rule: plain matches, matches of two invoices, partial ones that run
/// out (refused and queued), suggestions replacing earlier ones, cleared payments, and
/// decisions about payments matched before the pass.
fn pass(tx: &[i64], inv: &[i64]) -> Vec<PassDecision> {
    (0..PAYMENTS)
        .map(|i| match i % 5 {
            0 => PassDecision::Auto(common::auto_match(tx[i], &[(inv[i % INVOICES], "100.00")])),
            1 => PassDecision::Suggest {
                transaction_id: tx[i],
                suggestions: (0..CANDIDATES)
                    .map(|k| suggestion(inv[(i * 7 + k * 13) % INVOICES], "12.50"))
                    .collect(),
            },
            2 => PassDecision::Auto(common::auto_match(
                tx[i],
                &[(inv[(i * 3) % INVOICES], "60.00")],
            )),
            3 => PassDecision::Clear {
                transaction_id: tx[i],
            },
            _ => PassDecision::Auto(common::auto_match(
                tx[i],
                &[
                    (inv[(i + 17) % INVOICES], "50.00"),
                    (inv[(i + 400) % INVOICES], "50.00"),
                ],
            )),
        })
        .collect()
}

/// The pass applied as separate decisions, each in its own database transaction.
async fn one_by_one(db: &Database, decisions: &[PassDecision]) -> PassCommit {
    let mut done = PassCommit::default();
    for d in decisions {
        match d {
            PassDecision::Auto(m) => match db.apply_match(m).await {
                Ok(_) => done.auto_matched += 1,
                Err(Error::Conflict(_)) => {
                    let queued: Vec<NewSuggestion> = m
                        .allocations
                        .iter()
                        .map(|a| NewSuggestion {
                            invoice_id: a.invoice_id,
                            amount: a.amount,
                            confidence: m.confidence,
                            reasons: m.reasons.clone(),
                        })
                        .collect();
                    db.record_suggestions(m.transaction_id, &queued)
                        .await
                        .unwrap();
                    done.conflicts += 1;
                    done.suggested += 1;
                }
                Err(e) => panic!("{e}"),
            },
            PassDecision::Suggest {
                transaction_id,
                suggestions,
            } => {
                db.record_suggestions(*transaction_id, suggestions)
                    .await
                    .unwrap();
                done.suggested += 1;
            }
            PassDecision::Clear { transaction_id } => {
                db.record_suggestions(*transaction_id, &[]).await.unwrap();
            }
        }
    }
    done
}

/// Everything a pass may change, without ids and times: every match row, every invoice's open
/// amount and status, every payment's state.
async fn snapshot(db: &Database) -> (Vec<String>, Vec<String>, Vec<String>) {
    use sea_orm::EntityTrait as _;
    use std::collections::HashMap;
    // Three reads in all: a read per payment made this test take most of its minute.
    let numbers: HashMap<i64, String> = db
        .invoices(None)
        .await
        .unwrap()
        .into_iter()
        .map(|i| (i.id, i.number))
        .collect();
    let account = db.all_accounts().await.unwrap()[0].id;
    let payments = db.transactions(account).await.unwrap();
    let keys: HashMap<i64, String> = payments
        .iter()
        .map(|t| (t.id, t.bank_transaction_id.clone().unwrap()))
        .collect();
    let mut states: Vec<String> = payments
        .iter()
        .map(|t| format!("{} {}", keys[&t.id], t.reconciliation_state))
        .collect();
    let mut matches: Vec<String> = storage::entity::allocation::Entity::find()
        .all(db.connection())
        .await
        .unwrap()
        .into_iter()
        .map(|m| {
            format!(
                "{} {} {} {} {} {} {:?} {} {}",
                keys[&m.transaction_id],
                numbers[&m.invoice_id],
                m.amount,
                m.confidence,
                m.method,
                m.status,
                m.decided_by,
                m.reasons,
                m.decided_at.is_some()
            )
        })
        .collect();
    let mut invoices: Vec<String> = db
        .invoices(None)
        .await
        .unwrap()
        .into_iter()
        .map(|i| format!("{} {} {}", i.number, i.open_amount, i.status))
        .collect();
    states.sort();
    matches.sort();
    invoices.sort();
    (matches, invoices, states)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pass_written_in_batches_leaves_what_its_decisions_one_by_one_leave() {
    let batched = common::backends().await;
    let reference = common::backends().await;
    for (b, r) in batched.into_iter().zip(reference) {
        // The two databases are independent: set them up side by side.
        let ((tx, inv), (rtx, rinv)) = tokio::join!(books(&b.db), books(&r.db));
        let decisions = pass(&tx, &inv);
        let expected = one_by_one(&r.db, &pass(&rtx, &rinv)).await;

        let before = b.db.statements_run();
        let done =
            b.db.commit_reconciliation(&decisions, time::OffsetDateTime::now_utc())
                .await
                .unwrap();
        let statements = b.db.statements_run() - before;

        assert_eq!(done, expected, "{}", b.name);
        assert!(
            done.auto_matched > 0 && done.conflicts > 0 && done.suggested > done.conflicts,
            "the pass meets every rule: {done:?}"
        );
        let (got, want) = tokio::join!(snapshot(&b.db), snapshot(&r.db));
        assert_eq!(got.0.len(), want.0.len(), "{}: match rows", b.name);
        assert_eq!(got.0, want.0, "{}: match rows", b.name);
        assert_eq!(got.1, want.1, "{}: invoices", b.name);
        assert_eq!(got.2, want.2, "{}: payment states", b.name);
        assert!(
            statements <= 60,
            "{}: {} decisions took {statements} statements; batched they take a few dozen",
            b.name,
            decisions.len()
        );
        b.cleanup().await;
        r.cleanup().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_person_s_match_in_a_pass_teaches_its_payer_as_alone() {
    for t in common::backends().await {
        let db = &t.db;
        db.upsert_invoices(&[NewInvoice {
            customer_number: Some("K-7".into()),
            ..NewInvoice {
                number: number(7),
                kind: InvoiceKind::Invoice,
                customer_name: "Kunde 7".into(),
                customer_number: None,
                customer_ibans: Vec::new(),
                total: dec("100.00"),
                currency: "EUR".into(),
                issue_date: date!(2026 - 11 - 01),
                due_date: None,
                creditor_reference: None,
            }
        }])
        .await
        .unwrap();
        let invoice = db.invoice_by_number(&number(7)).await.unwrap().unwrap();
        let acc_id = common::account(db, "acc").await;
        db.import_page(
            acc_id,
            &[NewTransaction {
                bank_transaction_id: Some("M1".into()),
                entry_reference: None,
                end_to_end_id: None,
                booking_date: Some(date!(2026 - 11 - 10)),
                value_date: None,
                amount: dec("100.00"),
                currency: "EUR".into(),
                counterparty_name: Some("Kunde 7".into()),
                counterparty_iban: Some("NL91ABNA0417164300".into()),
                remittance_unstructured: Some("Danke".into()),
                remittance_structured: None,
                bank_transaction_code: None,
                status: BookingStatus::Booked,
                raw_json: serde_json::json!({}),
            }],
        )
        .await
        .unwrap();
        let tx = db.transactions(acc_id).await.unwrap()[0].id;
        let mut by_hand = common::auto_match(tx, &[(invoice.id, "100.00")]);
        by_hand.method = MatchMethod::Manual;
        by_hand.decided_by = "Anna".into();
        let done = db
            .commit_reconciliation(
                &[PassDecision::Auto(by_hand)],
                time::OffsetDateTime::now_utc(),
            )
            .await
            .unwrap();
        assert_eq!(done.auto_matched, 1, "{}", t.name);
        let learned = db.customer_payers().await.unwrap();
        assert_eq!(learned.len(), 1, "{}: {learned:?}", t.name);
        t.cleanup().await;
    }
}
