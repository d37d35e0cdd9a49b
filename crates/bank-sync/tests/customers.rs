//! Customers and what people's decisions teach, through `bank-sync` as both front ends use it:
//! customers who share a name stay apart, a confirmed payer is known to the next automatic pass
//! (also after a restart: a new `BankSync` over the same SQLite file), a rejection stops the
//! proposal, and removing a learned payer undoes what it taught. Real SQLite files, and
//! PostgreSQL when `DATABASE_URL` names one.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use bank_sync::BankSync;
use storage::{MatchStatus, PayerOrigin, ReconciliationState};

mod common;

use common::offline::*;

async fn invoice_id(sync: &BankSync, number: &str) -> i64 {
    sync.db()
        .invoice_by_number(number)
        .await
        .unwrap()
        .unwrap()
        .id
}

/// The transaction's matches that are suggested or confirmed: (invoice id, status).
async fn live(sync: &BankSync, tx: i64) -> Vec<(i64, MatchStatus)> {
    sync.db()
        .matches_for_transaction(tx)
        .await
        .unwrap()
        .into_iter()
        .filter(|m| matches!(m.status, MatchStatus::Suggested | MatchStatus::Confirmed))
        .map(|m| (m.invoice_id, m.status))
        .collect()
}

const A_IBAN: &str = "DE89370400440532013000";
const PAYER_IBAN: &str = "NL91ABNA0417164300";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn customers_who_share_a_name_stay_apart() {
    for w in worlds().await {
        let sync = w.service().await;
        sync.upsert_invoices(&[
            invoice("RE-2026-0001", "K-1", "Max Müller", "250.00", Some(A_IBAN)),
            invoice("RE-2026-0002", "K-2", "Max Müller", "100.00", None),
        ])
        .await
        .unwrap();
        let b_invoice = invoice_id(&sync, "RE-2026-0002").await;
        // Customer A pays 100.00 from A's known IBAN, no reference: not B's 100.00 invoice.
        let tx = pay(&sync, "a", A_IBAN, "Max Müller", "100.00", "Danke").await;
        sync.reconcile(None, "auto").await.unwrap();
        let proposed = live(&sync, tx).await;
        assert!(
            proposed.iter().all(|(i, _)| *i != b_invoice),
            "A's payment offered for B's invoice: {proposed:?}"
        );
        drop(sync);
        w.cleanup().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_confirmed_payer_is_known_after_a_restart_until_removed() {
    for w in worlds().await {
        let sync = w.service().await;
        sync.upsert_invoices(&[
            invoice("RE-2026-0011", "K-7", "Schmidt Bau GmbH", "100.00", None),
            invoice("RE-2026-0012", "K-7", "Schmidt Bau GmbH", "200.00", None),
            invoice("RE-2026-0013", "K-7", "Schmidt Bau GmbH", "150.00", None),
        ])
        .await
        .unwrap();
        let first = invoice_id(&sync, "RE-2026-0011").await;
        // A payer nobody knows, under another name, paying the first invoice by its number.
        let tx1 = pay(
            &sync,
            "1",
            PAYER_IBAN,
            "J. Jansen",
            "100.00",
            "RE-2026-0011",
        )
        .await;
        sync.reconcile(None, "auto").await.unwrap();
        let m = sync
            .db()
            .matches_for_transaction(tx1)
            .await
            .unwrap()
            .into_iter()
            .find(|m| m.invoice_id == first)
            .expect("the numbered invoice is at least suggested");
        if m.status == MatchStatus::Suggested {
            sync.confirm_match(m.id, "anna").await.unwrap();
        } else {
            // Booked automatically: a person's decision is still what teaches; undo and match
            // by hand as a person would.
            sync.undo_match(m.id, "anna").await.unwrap();
            sync.match_by_hand(
                tx1,
                &[bank_sync::HandAllocation {
                    invoice_id: first,
                    amount: dec("100.00"),
                }],
                "anna",
            )
            .await
            .unwrap();
        }
        drop(sync);

        // Restart: a new service over the same database.
        let sync = w.service().await;
        let k7 = sync.db().customer_by_number("K-7").await.unwrap().unwrap();
        let learned: Vec<_> = k7
            .payers
            .iter()
            .filter(|p| p.origin == PayerOrigin::Learned)
            .collect();
        assert_eq!(learned.len(), 1, "{:?}", k7.payers);
        let tx2 = pay(&sync, "2", PAYER_IBAN, "J. Jansen", "200.00", "Danke").await;
        let summary = sync.reconcile(None, "auto").await.unwrap();
        assert_eq!(summary.auto_matched, 1, "{summary:?}");
        let matched = sync.db().matches_for_transaction(tx2).await.unwrap();
        assert_eq!(matched.len(), 1);
        assert_eq!(
            matched[0].invoice_id,
            invoice_id(&sync, "RE-2026-0012").await
        );
        assert_eq!(matched[0].status, MatchStatus::Confirmed);
        let reasons = matched[0].match_reasons();
        let why = reasons
            .reasons
            .iter()
            .find(|r| r.learned_from.is_some())
            .expect("the reason names the decision that taught the payer");
        assert!(
            why.text
                .starts_with("known payer (learned from decision on "),
            "{}",
            why.text
        );

        // Removing the learned payer undoes it: the next payment is not booked on it.
        sync.remove_learned_payer("K-7", learned[0].id)
            .await
            .unwrap();
        let tx3 = pay(&sync, "3", PAYER_IBAN, "J. Jansen", "150.00", "Danke").await;
        let summary = sync.reconcile(None, "auto").await.unwrap();
        assert_eq!(summary.auto_matched, 0, "{summary:?}");
        let after = sync.db().matches_for_transaction(tx3).await.unwrap();
        assert!(
            after.iter().all(|m| m
                .match_reasons()
                .reasons
                .iter()
                .all(|r| r.learned_from.is_none())),
            "{after:?}"
        );
        drop(sync);
        w.cleanup().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rejected_payer_is_not_proposed_again_unless_it_names_the_invoice() {
    for w in worlds().await {
        let sync = w.service().await;
        sync.upsert_invoices(&[
            invoice("RE-2026-0021", "K-3", "Bauer KG", "300.00", None),
            invoice("RE-2026-0022", "K-3", "Bauer KG", "300.00", None),
        ])
        .await
        .unwrap();
        let tx = pay(&sync, "r", PAYER_IBAN, "Bauer KG", "300.00", "Danke").await;
        sync.reconcile(None, "auto").await.unwrap();
        let suggested: Vec<i64> = sync
            .db()
            .matches_for_transaction(tx)
            .await
            .unwrap()
            .into_iter()
            .filter(|m| m.status == MatchStatus::Suggested)
            .map(|m| m.id)
            .collect();
        assert!(
            !suggested.is_empty(),
            "two equal invoices: a person decides"
        );
        for id in suggested {
            sync.reject_match(id, "ben").await.unwrap();
        }
        sync.reconcile(None, "auto").await.unwrap();
        assert_eq!(live(&sync, tx).await, [], "rejected payer proposed again");
        let state = sync.db().transaction(tx).await.unwrap().unwrap();
        assert_eq!(state.reconciliation_state, ReconciliationState::Unmatched);

        // A reference in the text still counts.
        let named = pay(&sync, "n", PAYER_IBAN, "Bauer KG", "300.00", "RE-2026-0022").await;
        sync.reconcile(None, "auto").await.unwrap();
        let second = invoice_id(&sync, "RE-2026-0022").await;
        assert!(
            live(&sync, named).await.iter().any(|(i, _)| *i == second),
            "a payment naming the invoice is still proposed"
        );
        drop(sync);
        w.cleanup().await;
    }
}
