//! Reconnecting the same bank accounts (every user must consent again every 90–180 days) keeps
//! one account row per bank account: same ids, no re-imported history, no new review
//! suggestions, and one daily budget per bank account — against the local sandbox, whose own
//! 4-a-day check answers 429 if the budget were counted per copy.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use bank_sync::{AccountResult, PassOptions, TransactionSync};
use ing_sandbox::DataConfig;
use sea_orm::EntityTrait as _;
use storage::SyncTrigger;
use time::{Duration, OffsetDateTime};

fn opts() -> PassOptions {
    PassOptions {
        initial_days: 3650,
        fresh_for: Duration::ZERO,
        ..PassOptions::default()
    }
}

/// Rows that a second import would add: transactions, matches, open suggestions.
async fn counts(db: &storage::Database) -> (u64, usize, usize) {
    let transactions = db.list_transactions(&Default::default()).await.unwrap().1;
    let matches = storage::entity::allocation::Entity::find()
        .all(db.connection())
        .await
        .unwrap()
        .len();
    let suggestions = db.open_suggestions().await.unwrap().len();
    (transactions, matches, suggestions)
}

/// The user-started full-history sync the banking page runs after a consent.
async fn user_sync(w: &common::World) {
    let today = OffsetDateTime::now_utc().date();
    for a in w.sync.db().all_accounts().await.unwrap() {
        w.sync
            .sync_transactions(&TransactionSync {
                account_id: a.id,
                date_from: today - Duration::days(3650),
                date_to: today,
                auto_reconcile: true,
                trigger: SyncTrigger::User,
                psu_ip: Some("127.0.0.1".parse().unwrap()),
                stop: None,
            })
            .await
            .unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reconnecting_keeps_the_accounts_their_history_and_their_budget() {
    let data = DataConfig {
        profiles: 1,
        accounts_per_profile: 2,
        transactions_per_account: 120,
        ..DataConfig::default()
    };
    // The sandbox enforces PSD2's 4 unattended calls per bank account; so do we.
    let w = common::world(data, Some(4), 4, None).await;
    let db = w.sync.db();
    let truth = w.sandbox.ground_truth();
    let invoices: Vec<storage::NewInvoice> = truth
        .invoices
        .iter()
        .map(|i| storage::NewInvoice {
            creditor_reference: None,
            ..common::invoice(i)
        })
        .collect();
    db.upsert_invoices(&invoices).await.unwrap();
    let profile = truth.profiles[0].id.clone();

    let first = w.connect(&profile).await;
    user_sync(&w).await;
    let pass = w.sync.run_pass(&opts(), |_, _, _| {}).await.unwrap();
    assert!(
        pass.accounts
            .iter()
            .all(|a| matches!(a.result, AccountResult::Synced { .. })),
        "{pass:?}"
    );
    let accounts: Vec<(i64, String)> = db
        .all_accounts()
        .await
        .unwrap()
        .into_iter()
        .map(|a| (a.id, a.resource_id))
        .collect();
    assert_eq!(accounts.len(), 2);
    let before = counts(db).await;
    assert!(before.0 >= 200, "history imported: {before:?}");
    assert!(before.1 > 0, "the matcher matched nothing: {before:?}");

    // The consent is renewed: a new connection for the same accounts.
    let second = w.connect(&profile).await;
    assert_ne!(second, first);
    let after_connect: Vec<_> = db.all_accounts().await.unwrap();
    assert_eq!(
        after_connect
            .iter()
            .map(|a| (a.id, a.resource_id.clone()))
            .collect::<Vec<_>>(),
        accounts,
        "reconnecting created account rows"
    );
    assert!(
        after_connect
            .iter()
            .all(|a| a.connection_id.as_deref() == Some(second.as_str()))
    );
    let old = db.find_connection(&first).await.unwrap().unwrap();
    assert_eq!(old.status, storage::ConnectionStatus::Replaced);

    // The sync after reconnecting, by the user and then by the worker, adds nothing.
    user_sync(&w).await;
    let mut results = Vec::new();
    for _ in 0..4 {
        let report = w.sync.run_pass(&opts(), |_, _, _| {}).await.unwrap();
        assert!(report.expiring.is_empty());
        results.extend(
            report
                .accounts
                .into_iter()
                .map(|a| (a.account_id, a.result)),
        );
    }
    assert_eq!(
        counts(db).await,
        before,
        "(transactions, matches, suggestions)"
    );
    assert!(
        results
            .iter()
            .all(|(id, _)| accounts.iter().any(|a| a.0 == *id)),
        "{results:?}"
    );

    // One budget per bank account: the calls before the reconnect still count.
    assert!(
        !results
            .iter()
            .any(|(_, r)| matches!(r, AccountResult::RateLimited)),
        "the bank had to refuse a call: {results:?}"
    );
    assert!(
        results
            .iter()
            .any(|(_, r)| matches!(r, AccountResult::BudgetExhausted)),
        "{results:?}"
    );
    for (resource, calls) in &w.sandbox.stats().unattended_calls {
        assert!(
            *calls <= 4,
            "{resource}: {calls} unattended calls at the bank"
        );
    }
    let since = OffsetDateTime::now_utc() - Duration::hours(24);
    for (id, _) in &accounts {
        let used = db.unattended_calls_since(*id, since).await.unwrap();
        assert!((1..=4).contains(&used), "account {id}: {used}");
    }
}
