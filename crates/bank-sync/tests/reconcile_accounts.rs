//! One matcher run over several accounts (what a worker's pass does): a payment in one account
//! settles its invoice, two accounts' payments for one invoice are never both matched, accounts
//! outside the run are left alone, and the open invoices are loaded once. Real SQLite files, and
//! PostgreSQL when `DATABASE_URL` names one.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use bank_sync::BankSync;
use storage::{MatchStatus, ReconciliationState};

mod common;

use common::offline::*;

const PAYER_A: &str = "NL91ABNA0417164300";
const PAYER_B: &str = "DE89370400440532013000";

async fn account_of(sync: &BankSync, tx: i64) -> i64 {
    sync.db().transaction(tx).await.unwrap().unwrap().account_id
}

async fn confirmed(sync: &BankSync, tx: i64) -> Vec<i64> {
    sync.db()
        .matches_for_transaction(tx)
        .await
        .unwrap()
        .into_iter()
        .filter(|m| m.status == MatchStatus::Confirmed)
        .map(|m| m.invoice_id)
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn accounts_reconciled_together_match_once_and_never_twice() {
    for w in worlds().await {
        let sync = w.service().await;
        sync.upsert_invoices(&[
            invoice("RE-2026-0001", "K-1", "Anna Bauer", "100.00", None),
            invoice("RE-2026-0002", "K-2", "Bernd Koch", "250.00", None),
            invoice("RE-2026-0003", "K-3", "Clara Wolf", "75.00", None),
        ])
        .await
        .unwrap();
        let settles = pay(&sync, "a", PAYER_A, "Anna Bauer", "100.00", "RE-2026-0001").await;
        // Two accounts' payments both naming the 250.00 invoice, with its full amount.
        let first = pay(&sync, "b", PAYER_B, "Bernd Koch", "250.00", "RE-2026-0002").await;
        let second = pay(&sync, "c", PAYER_B, "Bernd Koch", "250.00", "RE-2026-0002").await;
        // An account outside the run.
        let outside = pay(&sync, "d", PAYER_A, "Clara Wolf", "75.00", "RE-2026-0003").await;
        let mut accounts = Vec::new();
        for tx in [settles, first, second] {
            accounts.push(account_of(&sync, tx).await);
        }

        let runs = sync.matcher_runs();
        let summary = sync.reconcile_accounts(&accounts, "auto").await.unwrap();
        assert_eq!(
            sync.matcher_runs() - runs,
            1,
            "three accounts, one matcher run"
        );

        let db = sync.db();
        let paid = db.invoice_by_number("RE-2026-0001").await.unwrap().unwrap();
        assert_eq!(confirmed(&sync, settles).await, vec![paid.id]);
        assert_eq!(paid.open_amount.decimal(), dec("0.00"));

        let contested = db.invoice_by_number("RE-2026-0002").await.unwrap().unwrap();
        let mut both = Vec::new();
        for tx in [first, second] {
            both.extend(confirmed(&sync, tx).await);
        }
        assert!(
            both.len() <= 1,
            "one invoice of 250.00, two payments of 250.00: at most one automatic match, got {both:?}"
        );
        assert!(contested.open_amount.decimal() >= dec("0.00"));
        assert_eq!(summary.auto_matched, 1 + both.len() as u64, "{summary:?}");

        let left = db.transaction(outside).await.unwrap().unwrap();
        assert_eq!(left.reconciliation_state, ReconciliationState::Unmatched);
        assert!(
            db.matches_for_transaction(outside)
                .await
                .unwrap()
                .is_empty()
        );
        w.cleanup().await;
    }
}
