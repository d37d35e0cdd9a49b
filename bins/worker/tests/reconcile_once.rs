//! A pass matches what it brought in once, after all its accounts: the open invoices are loaded
//! and the matcher's index built one time however many accounts were synced, and the matches
//! are the ones reconciling account by account made (what the worker did before). The local
//! sandbox over real mTLS, a real SQLite file, and PostgreSQL when `DATABASE_URL` names one.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::collections::BTreeSet;

use bank_sync::{AccountResult, PassOptions, PassReconciliation, TransactionSync};
use ing_sandbox::DataConfig;
use time::Duration;

const DAYS: i64 = 3650;

fn data() -> DataConfig {
    DataConfig {
        profiles: 3,
        accounts_per_profile: 2,
        transactions_per_account: 60,
        ..DataConfig::default()
    }
}

/// The sandbox's people connected and its invoices stored as the back office's open items.
async fn world(database_url: Option<String>) -> common::World {
    let w = common::world(data(), None, 1000, database_url).await;
    let truth = w.sandbox.ground_truth().clone();
    for p in &truth.profiles {
        w.connect(&p.id).await;
    }
    let invoices: Vec<storage::NewInvoice> = truth.invoices.iter().map(common::invoice).collect();
    w.sync.upsert_invoices(&invoices).await.unwrap();
    w
}

/// Every decision stored, by the bank's ids and the invoice numbers: (transaction, invoice,
/// status, amount).
async fn decisions(w: &common::World) -> BTreeSet<(String, String, String, String)> {
    let db = w.sync.db();
    let mut out = BTreeSet::new();
    for a in db.all_accounts().await.unwrap() {
        for t in db.transactions(a.id).await.unwrap() {
            for m in db.matches_for_transaction(t.id).await.unwrap() {
                let invoice = db.invoice(m.invoice_id).await.unwrap().unwrap();
                out.insert((
                    t.dedupe_key.clone(),
                    invoice.number,
                    m.status.to_string(),
                    m.amount.to_string(),
                ));
            }
        }
    }
    out
}

async fn one_matcher_run_per_pass(database_url: Option<String>, per_account_url: Option<String>) {
    let w = world(database_url).await;
    let before = w.sync.matcher_runs();
    let opts = PassOptions {
        initial_days: DAYS,
        fresh_for: Duration::ZERO,
        concurrency: 4,
        ..PassOptions::default()
    };
    let report = w.sync.run_pass(&opts, |_, _, _| {}).await.unwrap();
    assert_eq!(report.accounts.len(), 6, "{report:?}");
    assert!(
        report
            .accounts
            .iter()
            .all(|a| matches!(a.result, AccountResult::Synced { imported, .. } if imported > 0)),
        "{report:?}"
    );
    assert_eq!(
        w.sync.matcher_runs() - before,
        1,
        "six accounts synced, the open invoices loaded and indexed once"
    );
    let PassReconciliation::Done(summary) = report.reconciliation else {
        panic!("the pass did not reconcile: {report:?}");
    };
    assert!(summary.auto_matched > 0, "{summary:?}");
    let together = decisions(&w).await;
    assert!(!together.is_empty());

    // The same bank and invoices, each account synced and reconciled on its own.
    let v = world(per_account_url).await;
    let before = v.sync.matcher_runs();
    let today = v.sync.now().date();
    let accounts = v.sync.db().all_accounts().await.unwrap();
    for a in &accounts {
        v.sync
            .sync_transactions(&TransactionSync {
                account_id: a.id,
                date_from: today - Duration::days(DAYS),
                date_to: today,
                auto_reconcile: true,
                trigger: storage::SyncTrigger::Worker,
                psu_ip: None,
                stop: None,
            })
            .await
            .unwrap();
    }
    assert_eq!(
        v.sync.matcher_runs() - before,
        accounts.len() as u64,
        "account by account, one matcher run each"
    );
    assert_eq!(
        together,
        decisions(&v).await,
        "one run over the pass decides what account-by-account runs decided"
    );

    // A second pass finds nothing new: no unmatched payment is matched twice, nothing changes.
    let again = w.sync.run_pass(&opts, |_, _, _| {}).await.unwrap();
    let PassReconciliation::Done(second) = again.reconciliation else {
        panic!("{again:?}");
    };
    assert_eq!(second.auto_matched, 0, "{second:?}");
    assert_eq!(decisions(&w).await, together);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pass_runs_the_matcher_once_and_decides_as_account_by_account_on_sqlite() {
    one_matcher_run_per_pass(None, None).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pass_runs_the_matcher_once_and_decides_as_account_by_account_on_postgres() {
    let Some(url) = common::fresh_postgres("reconcile_once").await else {
        eprintln!("DATABASE_URL is not PostgreSQL: only SQLite checked");
        return;
    };
    one_matcher_run_per_pass(Some(url), common::fresh_postgres("reconcile_once").await).await;
}
