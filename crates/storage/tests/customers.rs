//! Customers on every backend: numbers keep customers of one name apart, uploaded payers, payers
//! learned from a confirmation and recorded from a rejection in the decision's own transaction,
//! a learned payer removed, and invoices from before customers kept.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::str::FromStr;

use rust_decimal::Decimal;
use sea_orm::{ActiveValue::Set, EntityTrait as _};
use sea_orm_migration::MigratorTrait as _;
use storage::entity::invoice;
use storage::{
    BookingStatus, Database, DbOptions, Error, InvoiceKind, InvoiceStatus, MatchReasons,
    NewInvoice, NewSuggestion, NewTransaction, PayerOrigin,
};
use time::OffsetDateTime;
use time::macros::date;

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn invoice(number: &str, customer: Option<&str>, total: &str, iban: Option<&str>) -> NewInvoice {
    NewInvoice {
        number: number.into(),
        kind: InvoiceKind::Invoice,
        customer_name: "Max Müller".into(),
        customer_number: customer.map(Into::into),
        customer_ibans: iban.map(|i| vec![i.to_owned()]).unwrap_or_default(),
        total: dec(total),
        currency: "EUR".into(),
        issue_date: date!(2026 - 11 - 01),
        due_date: Some(date!(2026 - 11 - 15)),
        creditor_reference: None,
    }
}

/// One booked payment from `iban`/`name`; returns its id.
async fn payment(db: &Database, iban: &str, name: &str, amount: &str) -> i64 {
    let acc_id = common::account(db, &format!("acc-{iban}-{amount}")).await;
    db.import_page(
        acc_id,
        &[NewTransaction {
            bank_transaction_id: Some(format!("T-{iban}-{amount}")),
            entry_reference: None,
            end_to_end_id: None,
            booking_date: Some(date!(2026 - 11 - 10)),
            value_date: Some(date!(2026 - 11 - 10)),
            amount: dec(amount),
            currency: "EUR".into(),
            counterparty_name: Some(name.into()),
            counterparty_iban: Some(iban.into()),
            remittance_unstructured: Some("Danke".into()),
            remittance_structured: None,
            bank_transaction_code: None,
            status: BookingStatus::Booked,
            raw_json: serde_json::json!({}),
        }],
    )
    .await
    .unwrap();
    db.transactions(acc_id).await.unwrap()[0].id
}

async fn suggest(db: &Database, tx: i64, invoice_id: i64, amount: &str) -> i64 {
    db.record_suggestions(
        tx,
        &[NewSuggestion {
            invoice_id,
            amount: dec(amount),
            confidence: dec("0.5"),
            reasons: MatchReasons::default(),
        }],
    )
    .await
    .unwrap();
    db.matches_for_transaction(tx).await.unwrap()[0].id
}

#[tokio::test]
async fn customers_of_one_name_stay_two_and_keep_their_uploaded_payers() {
    for b in common::backends().await {
        let db = &b.db;
        let counts = db
            .upsert_invoices(&[
                invoice(
                    "RE-1",
                    Some("K-1"),
                    "1190.00",
                    Some("de89 3704 0044 0532 0130 00"),
                ),
                invoice("RE-2", Some("K-2"), "0.01", None),
                invoice(
                    "RE-3",
                    Some("K-1"),
                    "9999999999999.9999",
                    Some("DE89370400440532013000"),
                ),
                invoice("RE-4", None, "10.00", None),
            ])
            .await
            .unwrap();
        assert_eq!(
            (counts.created, counts.without_customer_number),
            (4, 1),
            "{}",
            b.name
        );
        let (page, total) = db.customers_page(100, 0).await.unwrap();
        assert_eq!(total, 2, "{}", b.name);
        let numbers: Vec<(&str, &str, u64)> = page
            .iter()
            .map(|c| {
                (
                    c.customer.number.as_str(),
                    c.customer.name.as_str(),
                    c.open_items,
                )
            })
            .collect();
        assert_eq!(
            numbers,
            [("K-1", "Max Müller", 2), ("K-2", "Max Müller", 1)]
        );
        let k1 = db.customer_by_number("K-1").await.unwrap().unwrap();
        assert_eq!(
            k1.payers.len(),
            1,
            "one IBAN, written two ways: {:?}",
            k1.payers
        );
        assert_eq!(k1.payers[0].iban.as_deref(), Some("DE89370400440532013000"));
        assert_eq!(k1.payers[0].origin, PayerOrigin::Uploaded);
        let re3 = db.invoice_by_number("RE-3").await.unwrap().unwrap();
        assert_eq!(re3.customer_id, Some(k1.summary.customer.id));
        assert_eq!(re3.total.to_string(), "9999999999999.9999", "{}", b.name);
        let re4 = db.invoice_by_number("RE-4").await.unwrap().unwrap();
        assert_eq!(re4.customer_id, None);
        // Loading again does not duplicate the customer or its payer.
        db.upsert_invoices(&[invoice(
            "RE-1",
            Some("K-1"),
            "1190.00",
            Some("DE89370400440532013000"),
        )])
        .await
        .unwrap();
        assert_eq!(
            db.customer_by_number("K-1")
                .await
                .unwrap()
                .unwrap()
                .payers
                .len(),
            1
        );
        assert!(db.customer_by_number("K-9").await.unwrap().is_none());
        b.cleanup().await;
    }
}

#[tokio::test]
async fn a_confirmation_teaches_a_payer_a_rejection_records_one_and_a_learned_one_can_go() {
    for b in common::backends().await {
        let db = &b.db;
        db.upsert_invoices(&[
            invoice("RE-1", Some("K-1"), "100.00", None),
            invoice("RE-2", Some("K-2"), "100.00", None),
        ])
        .await
        .unwrap();
        let re1 = db.invoice_by_number("RE-1").await.unwrap().unwrap();
        let re2 = db.invoice_by_number("RE-2").await.unwrap().unwrap();

        let paid = payment(db, "NL91 ABNA 0417 1643 00", "M. Müller", "100.00").await;
        let m = suggest(db, paid, re1.id, "100.00").await;
        db.confirm_suggestion(m, "anna").await.unwrap();
        let k1 = db.customer_by_number("K-1").await.unwrap().unwrap();
        let learned: Vec<_> = k1
            .payers
            .iter()
            .filter(|p| p.origin == PayerOrigin::Learned)
            .collect();
        assert_eq!(learned.len(), 1, "{}: {:?}", b.name, k1.payers);
        assert_eq!(learned[0].iban.as_deref(), Some("NL91ABNA0417164300"));
        assert_eq!(learned[0].name.as_deref(), Some("M. Müller"));
        assert_eq!(learned[0].decided_by.as_deref(), Some("anna"));
        let confirmed = db.matches_for_transaction(paid).await.unwrap();
        assert_eq!(learned[0].match_id, confirmed.last().map(|c| c.id));

        let other = payment(db, "NL91ABNA0417164300", "M. Müller", "100.00").await;
        let m2 = suggest(db, other, re2.id, "100.00").await;
        db.reject_suggestion(m2, "ben").await.unwrap();
        let k2 = db.customer_by_number("K-2").await.unwrap().unwrap();
        assert_eq!(k2.payers.len(), 1, "{}", b.name);
        assert_eq!(k2.payers[0].origin, PayerOrigin::Rejected);
        assert_eq!(k2.payers[0].match_id, Some(m2));

        // Only a learned payer can be removed.
        let err = db
            .remove_learned_payer("K-2", k2.payers[0].id)
            .await
            .unwrap_err();
        assert!(matches!(err, Error::Conflict(_)), "{err:?}");
        let err = db
            .remove_learned_payer("K-2", learned[0].id)
            .await
            .unwrap_err();
        assert!(
            matches!(err, Error::NotFound(_)),
            "another customer's payer: {err:?}"
        );
        db.remove_learned_payer("K-1", learned[0].id).await.unwrap();
        let k1 = db.customer_by_number("K-1").await.unwrap().unwrap();
        assert!(k1.payers.is_empty(), "{:?}", k1.payers);
        // The decision itself stays.
        let kept = db.matches_for_transaction(paid).await.unwrap();
        assert_eq!(
            kept.iter()
                .filter(|m| m.status == storage::MatchStatus::Confirmed)
                .count(),
            1,
            "{kept:?}"
        );
        b.cleanup().await;
    }
}

#[tokio::test]
async fn invoices_stored_before_customers_are_kept_and_grouped_by_name() {
    for b in common::blank_backends().await {
        let raw = sea_orm::Database::connect(b.url.clone()).await.unwrap();
        // The schema before customers.
        storage::Migrator::up(&raw, Some(3)).await.unwrap();
        // Written through the entity with the new column left unset, so the INSERT names only
        // the columns the old schema has.
        invoice::Entity::insert(invoice::ActiveModel {
            number: Set("RE-OLD".into()),
            kind: Set(InvoiceKind::Invoice),
            customer_name: Set("Meyer".into()),
            customer_ibans: Set("[]".into()),
            total: Set("1190.00".parse().unwrap()),
            open_amount: Set("1190.00".parse().unwrap()),
            currency: Set("EUR".into()),
            issue_date: Set(date!(2026 - 11 - 01)),
            due_date: Set(None),
            creditor_reference: Set(None),
            status: Set(InvoiceStatus::Open),
            created_at: Set(OffsetDateTime::now_utc()),
            updated_at: Set(OffsetDateTime::now_utc()),
            ..Default::default()
        })
        .exec_without_returning(&raw)
        .await
        .unwrap();
        raw.close().await.unwrap();
        let db = Database::connect(&b.url, &DbOptions::default())
            .await
            .unwrap();
        let old = db.invoice_by_number("RE-OLD").await.unwrap().unwrap();
        assert_eq!(old.customer_id, None, "{}", b.name);
        assert_eq!(old.open_amount.to_string(), "1190.00");
        assert_eq!(db.customers_page(10, 0).await.unwrap().1, 0);
        drop(db);
        b.cleanup().await;
    }
}
