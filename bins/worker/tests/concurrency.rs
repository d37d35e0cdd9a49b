//! A pass syncs several accounts side by side against a bank that takes its time to answer,
//! each account once, with no more requests in flight than the configured concurrency; on
//! SQLite, with its single writer, one at a time.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use bank_sync::{AccountResult, PassOptions};
use ing_sandbox::{DataConfig, Latency};
use time::Duration;

/// Syncs 6 accounts (3 people, 2 accounts each) with `concurrency`; returns the most requests
/// the bank had in flight during the pass and what each account imported, by IBAN.
async fn pass_with(concurrency: usize, database_url: Option<String>) -> (u64, Vec<(String, u64)>) {
    let data = DataConfig {
        profiles: 3,
        accounts_per_profile: 2,
        transactions_per_account: 40,
        ..DataConfig::default()
    };
    let w = common::world_tuned(data, None, 1000, database_url, |c| {
        c.latency = Latency::from_millis(100, 20);
    })
    .await;
    let profiles: Vec<String> = w
        .sandbox
        .ground_truth()
        .profiles
        .iter()
        .map(|p| p.id.clone())
        .collect();
    for p in &profiles {
        w.connect(p).await;
    }
    // The consents above are one request after another: whatever overlaps below is the pass's.
    assert_eq!(w.sandbox.stats().most_in_flight, 1);
    let opts = PassOptions {
        initial_days: 3650,
        fresh_for: Duration::ZERO,
        concurrency,
        ..PassOptions::default()
    };
    let report = w.sync.run_pass(&opts, |_, _, _| {}).await.unwrap();
    assert_eq!(report.accounts.len(), 6, "{report:?}");
    let mut imported = Vec::new();
    for a in &report.accounts {
        match a.result {
            AccountResult::Synced { imported: n, .. } => {
                imported.push((a.iban.clone().unwrap_or_default(), n));
            }
            ref other => panic!("account {} was not synced: {other:?}", a.account_id),
        }
    }
    imported.sort();
    let ids: std::collections::BTreeSet<i64> =
        report.accounts.iter().map(|a| a.account_id).collect();
    assert_eq!(ids.len(), 6, "every account exactly once: {report:?}");
    (w.sandbox.stats().most_in_flight, imported)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn accounts_are_synced_side_by_side_each_once_and_never_more_at_once_than_allowed() {
    let Some(_) = common::fresh_postgres("probe").await else {
        eprintln!(
            "DATABASE_URL is not PostgreSQL: side by side needs it (SQLite is checked below)"
        );
        return;
    };
    let (one_at_a_time, sequential) =
        pass_with(1, common::fresh_postgres("concurrency").await).await;
    assert_eq!(one_at_a_time, 1, "concurrency 1 is one request at a time");
    let (side_by_side, concurrent) =
        pass_with(4, common::fresh_postgres("concurrency").await).await;
    assert!(
        (2..=4).contains(&side_by_side),
        "with 4 accounts at once and a bank that needs 100 ms, 2 to 4 requests overlap; \
         saw {side_by_side}"
    );
    assert_eq!(sequential, concurrent, "the same data arrives either way");
    assert!(sequential.iter().all(|(_, n)| *n > 0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_sqlite_accounts_are_synced_one_at_a_time_whatever_is_asked() {
    let (most, imported) = pass_with(4, None).await;
    assert_eq!(most, 1, "SQLite has one writer: one account at a time");
    assert!(imported.iter().all(|(_, n)| *n > 0));
}
