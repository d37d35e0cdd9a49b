//! Reconciling what a sync brought in, end to end at business scale: every synced transaction
//! and open invoice loaded from the store, matched, and every decision stored — beside the
//! matcher alone on the same batch in the same process (the baseline of the ratio).
//!
//! Short form (2,000 transactions) in every test run; the benchmark line of
//! `docs/PERFORMANCE.md` is `PSD2_RECONCILE_BENCH_TRANSACTIONS=100000` (see there for the
//! command). The batch is reconcile-eval's standard mix (seeded), with as many open invoices as
//! transactions. A real SQLite file, and PostgreSQL when `DATABASE_URL` names one.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stdout
)]

use std::time::Instant;

use reconcile_eval::{GenConfig, generate};
use storage::{BookingStatus, InvoiceKind, NewInvoice, NewTransaction};

mod common;

use common::offline::*;

fn size() -> usize {
    std::env::var("PSD2_RECONCILE_BENCH_TRANSACTIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2_000)
}

fn invoice(i: &reconcile::Invoice) -> NewInvoice {
    NewInvoice {
        number: i.number.clone(),
        kind: match i.kind {
            reconcile::InvoiceKind::Invoice => InvoiceKind::Invoice,
            reconcile::InvoiceKind::CreditNote => InvoiceKind::CreditNote,
        },
        customer_name: i.customer_name.clone(),
        customer_number: Some(i.customer_id.clone()),
        customer_ibans: i.customer_ibans.clone(),
        total: i.open_amount,
        currency: i.currency.clone(),
        issue_date: i.issue_date,
        due_date: Some(i.due_date),
        creditor_reference: i.creditor_reference.clone(),
    }
}

fn booking(t: &reconcile::Transaction) -> NewTransaction {
    NewTransaction {
        bank_transaction_id: Some(t.id.clone()),
        entry_reference: None,
        end_to_end_id: t.end_to_end_id.clone(),
        booking_date: Some(t.booking_date),
        value_date: t.value_date,
        amount: t.amount,
        currency: t.currency.clone(),
        counterparty_name: t.counterparty_name.clone(),
        counterparty_iban: t.counterparty_iban.clone(),
        remittance_unstructured: t.remittance_unstructured.clone(),
        remittance_structured: t.remittance_structured.clone(),
        bank_transaction_code: None,
        status: BookingStatus::Booked,
        raw_json: serde_json::json!({}),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_synced_transaction_is_reconciled_and_stored_in_one_pass() {
    let n = size();
    let data = generate(&GenConfig {
        seed: 16,
        transactions: n,
        open_invoices: Some(n),
    });
    let matcher = reconcile::Matcher::new(reconcile::Config {
        invoice_patterns: vec!["RE-####-####".into()],
        ..reconcile::Config::default()
    })
    .unwrap();
    for w in worlds().await {
        let engine = if w.pg.is_some() {
            "PostgreSQL"
        } else {
            "SQLite"
        };
        let sync = w.service().await;
        let invoices: Vec<NewInvoice> = data.invoices.iter().map(invoice).collect();
        for chunk in invoices.chunks(5_000) {
            sync.upsert_invoices(chunk).await.unwrap();
        }
        let account = bank_account(&sync, "scale", None).await;
        let db = sync.db();
        let page: Vec<NewTransaction> = data.transactions.iter().map(booking).collect();
        for chunk in page.chunks(1_000) {
            db.import_page(account, chunk).await.unwrap();
        }

        // The baseline: the matcher alone on the same batch, nothing loaded or stored.
        let started = Instant::now();
        let alone = matcher.reconcile(&data.transactions, &data.invoices);
        let matching = started.elapsed();
        assert_eq!(alone.len(), n);

        let statements = db.statements_run();
        let started = Instant::now();
        let summary = sync.reconcile(Some(account), "auto").await.unwrap();
        let end_to_end = started.elapsed();
        let statements = db.statements_run() - statements;
        println!(
            "reconcile end to end, {engine}: {n} transactions against {} open invoices in \
             {:.2} s (the matcher alone: {:.2} s, {:.1}x; in the pass: load {:.2} s, match {:.2} \
             s, store {:.2} s); {statements} statements; {} matched, {} suggested, {} unmatched, \
             {} conflicts",
            data.invoices.len(),
            end_to_end.as_secs_f64(),
            matching.as_secs_f64(),
            end_to_end.as_secs_f64() / matching.as_secs_f64().max(1e-9),
            summary.took.load.as_secs_f64(),
            summary.took.matching.as_secs_f64(),
            summary.took.store.as_secs_f64(),
            summary.auto_matched,
            summary.suggested,
            summary.unmatched,
            summary.conflicts,
        );

        // Every transaction decided, and every decision stored.
        assert_eq!(
            (summary.auto_matched + summary.suggested + summary.unmatched) as usize,
            n,
            "{summary:?}"
        );
        assert!(
            summary.auto_matched > 0 && summary.suggested > 0,
            "{summary:?}"
        );
        let left = db.unmatched_transactions(Some(account)).await.unwrap();
        assert_eq!(left.len() as u64, n as u64 - summary.auto_matched);
        let queued = db.open_suggestions().await.unwrap();
        let suggested: std::collections::BTreeSet<i64> =
            queued.iter().map(|m| m.transaction_id).collect();
        // A suggestion for an invoice that a later decision of the pass settled is dropped, and
        // its payment is unmatched again (see storage's `drop_stale_suggestions_in`).
        assert!(suggested.len() as u64 <= summary.suggested);
        assert!(suggested.len() as u64 >= summary.suggested - summary.suggested / 10);
        // Stored in batches: a few statements per thousand decisions, not several per decision.
        assert!(
            statements <= 40 + n as u64 / 100,
            "{engine}: {n} decisions took {statements} statements"
        );
        drop(sync);
        w.cleanup().await;
    }
}
