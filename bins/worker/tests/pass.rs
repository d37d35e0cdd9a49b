//! The worker's pass against the local sandbox: the daily budget, a 429, an expired consent,
//! refresh before expiry and a failing refresh endpoint.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use bank_sync::{AccountResult, PassOptions};
use ing_sandbox::{DataConfig, Fault};
use time::{Duration, OffsetDateTime};

fn data(profiles: usize) -> DataConfig {
    DataConfig {
        profiles,
        accounts_per_profile: 2,
        transactions_per_account: 120,
        ..DataConfig::default()
    }
}

fn opts() -> PassOptions {
    PassOptions {
        initial_days: 3650,
        fresh_for: Duration::ZERO,
        ..PassOptions::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_daily_budget_is_never_exceeded() {
    // The sandbox enforces PSD2's 4 unattended calls too: exceeding it would show as a 429.
    let w = common::world(data(1), Some(4), 4, None).await;
    let profile = w.sandbox.ground_truth().profiles[0].id.clone();
    w.connect(&profile).await;
    let mut results = Vec::new();
    // Passes far more often than the schedule would run them: a whole day's worth at once.
    for _ in 0..6 {
        let report = w.sync.run_pass(&opts(), |_, _, _| {}).await.unwrap();
        results.extend(report.accounts.into_iter().map(|a| a.result));
    }
    assert!(
        !results
            .iter()
            .any(|r| matches!(r, AccountResult::RateLimited)),
        "the bank had to refuse a call: {results:?}"
    );
    assert!(
        results
            .iter()
            .any(|r| matches!(r, AccountResult::BudgetExhausted))
    );
    let stats = w.sandbox.stats();
    assert!(!stats.unattended_calls.is_empty());
    for (account, calls) in &stats.unattended_calls {
        assert!(*calls <= 4, "{account}: {calls} unattended calls");
    }
    let db = w.sync.db();
    for a in db.all_accounts().await.unwrap() {
        let used = db
            .unattended_calls_since(a.id, OffsetDateTime::now_utc() - Duration::hours(24))
            .await
            .unwrap();
        assert!(used <= 4, "account {}: {used}", a.id);
        assert!(used >= 1);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_429_keeps_the_watermark_and_the_next_pass_completes() {
    let w = common::world(data(1), None, 1000, None).await;
    let profile = w.sandbox.ground_truth().profiles[0].id.clone();
    w.connect(&profile).await;
    let db = w.sync.db();
    let first = w.sync.run_pass(&opts(), |_, _, _| {}).await.unwrap();
    assert!(
        first
            .accounts
            .iter()
            .all(|a| matches!(a.result, AccountResult::Synced { .. }))
    );
    let accounts = db.all_accounts().await.unwrap();
    let before: Vec<_> = {
        let mut v = Vec::new();
        for a in &accounts {
            v.push(db.sync_state(a.id).await.unwrap().unwrap().watermark);
        }
        v
    };
    let rows_before = db.list_transactions(&Default::default()).await.unwrap().1;
    // ING says the access is exceeded on both accounts.
    w.sandbox
        .inject([Fault::AccessExceeded, Fault::AccessExceeded]);
    let limited = w.sync.run_pass(&opts(), |_, _, _| {}).await.unwrap();
    assert_eq!(
        limited.count(|r| matches!(r, AccountResult::RateLimited)),
        2,
        "{limited:?}"
    );
    for (a, wm) in accounts.iter().zip(&before) {
        let state = db.sync_state(a.id).await.unwrap().unwrap();
        assert_eq!(&state.watermark, wm, "a 429 moved the watermark");
        let run = &db.sync_runs(a.id, 1).await.unwrap()[0];
        assert_eq!(run.outcome, storage::SyncOutcome::RateLimited);
        assert_eq!(
            db.find_connection(a.connection_id.as_deref().unwrap())
                .await
                .unwrap()
                .unwrap()
                .status,
            storage::ConnectionStatus::Active,
            "a 429 must not deactivate the connection"
        );
    }
    assert_eq!(
        db.list_transactions(&Default::default()).await.unwrap().1,
        rows_before
    );
    // Right after, the worker backs off instead of trying again (no retry storm) ...
    let soon = w.sync.run_pass(&opts(), |_, _, _| {}).await.unwrap();
    assert_eq!(
        soon.count(|r| matches!(r, AccountResult::BackingOff)),
        2,
        "{soon:?}"
    );
    // ... and once the back-off has passed, the next pass completes.
    use sea_orm::{ActiveValue::Set, EntityTrait as _};
    for a in &accounts {
        let row = db.sync_state(a.id).await.unwrap().unwrap();
        assert!(row.next_attempt_at.unwrap() > OffsetDateTime::now_utc() + Duration::minutes(50));
        let mut am: storage::entity::account_sync::ActiveModel = row.into();
        am.next_attempt_at = Set(Some(OffsetDateTime::now_utc() - Duration::seconds(1)));
        storage::entity::account_sync::Entity::update(am)
            .exec(db.connection())
            .await
            .unwrap();
    }
    let again = w.sync.run_pass(&opts(), |_, _, _| {}).await.unwrap();
    assert!(
        again
            .accounts
            .iter()
            .all(|a| matches!(a.result, AccountResult::Synced { .. })),
        "{again:?}"
    );
    assert_eq!(
        db.list_transactions(&Default::default()).await.unwrap().1,
        rows_before
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_consent_stops_calls_and_is_reported() {
    let w = common::world(data(1), None, 1000, None).await;
    let profile = w.sandbox.ground_truth().profiles[0].id.clone();
    let connection = w.connect(&profile).await;
    w.sandbox.revoke_all_consents();
    let report = w.sync.run_pass(&opts(), |_, _, _| {}).await.unwrap();
    // The first account finds the consent gone; the second is not even tried.
    assert_eq!(report.accounts.len(), 1, "{report:?}");
    assert_eq!(report.accounts[0].result, AccountResult::ConsentExpired);
    let row = w
        .sync
        .db()
        .find_connection(&connection)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.status, storage::ConnectionStatus::Expired);
    assert!(row.status_reason.unwrap().contains("consent"));
    let requests = w.sandbox.stats().requests;
    let report = w.sync.run_pass(&opts(), |_, _, _| {}).await.unwrap();
    assert!(report.accounts.is_empty());
    assert_eq!(
        w.sandbox.stats().requests,
        requests,
        "an expired connection was called"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tokens_are_refreshed_before_expiry_and_a_failing_refresh_loses_nothing() {
    let w = common::world(data(1), None, 1000, None).await;
    let profile = w.sandbox.ground_truth().profiles[0].id.clone();
    let connection = w.connect(&profile).await;
    let db = w.sync.db();
    let keys = w.sync.keyring();
    let secret = |kind: &'static str| {
        let connection = connection.clone();
        async move {
            db.get_secret(keys, &connection, kind)
                .await
                .unwrap()
                .unwrap()
        }
    };
    // Our clock says the access token is about to expire (ING's still accepts it): the pass
    // must refresh first instead of waiting for a 401.
    let (access, _) = secret("ing_access_token").await;
    let (refresh, refresh_expiry) = secret("ing_refresh_token").await;
    db.put_secret(
        keys,
        &connection,
        "ing_access_token",
        &access,
        Some(OffsetDateTime::now_utc() + Duration::seconds(30)),
    )
    .await
    .unwrap();
    // The refresh endpoint fails (504), for both accounts' attempts.
    w.sandbox
        .inject_refresh([Fault::ServerError, Fault::ServerError]);
    let report = w.sync.run_pass(&opts(), |_, _, _| {}).await.unwrap();
    assert!(
        report
            .accounts
            .iter()
            .all(|a| matches!(a.result, AccountResult::Failed(_))),
        "{report:?}"
    );
    assert_eq!(
        secret("ing_refresh_token").await,
        (refresh.clone(), refresh_expiry)
    );
    assert_eq!(secret("ing_access_token").await.0, access);
    assert_eq!(
        db.find_connection(&connection)
            .await
            .unwrap()
            .unwrap()
            .status,
        storage::ConnectionStatus::Active
    );
    // The next pass refreshes and syncs.
    let report = w.sync.run_pass(&opts(), |_, _, _| {}).await.unwrap();
    assert!(
        report
            .accounts
            .iter()
            .all(|a| matches!(a.result, AccountResult::Synced { .. })),
        "{report:?}"
    );
    let (new_access, expiry) = secret("ing_access_token").await;
    assert_ne!(new_access, access);
    assert!(expiry.unwrap() > OffsetDateTime::now_utc() + Duration::minutes(10));
    assert_ne!(
        secret("ing_refresh_token").await.0,
        refresh,
        "refresh tokens rotate"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_refreshing_one_connection_do_not_lose_it() {
    // Two services on one database (a worker and the server, or two workers) find the same
    // connection's access token about to expire and refresh at once. ING rotates refresh tokens,
    // so one of the two presents a spent one; that must not end the connection.
    let w = common::world(data(1), None, 1000, None).await;
    let profile = w.sandbox.ground_truth().profiles[0].id.clone();
    let connection = w.connect(&profile).await;
    let other = w
        .settings
        .build(vec![common::REDIRECT.into()])
        .await
        .unwrap();
    let db = w.sync.db();
    let keys = w.sync.keyring();
    for round in 0..3 {
        let (access, _) = db
            .get_secret(keys, &connection, "ing_access_token")
            .await
            .unwrap()
            .unwrap();
        db.put_secret(
            keys,
            &connection,
            "ing_access_token",
            &access,
            Some(OffsetDateTime::now_utc() + Duration::seconds(10)),
        )
        .await
        .unwrap();
        let (a, b) = tokio::join!(
            w.sync.access_token(&connection),
            other.access_token(&connection)
        );
        assert!(a.is_ok() && b.is_ok(), "round {round}: {a:?} / {b:?}");
        let row = db.find_connection(&connection).await.unwrap().unwrap();
        assert_eq!(
            row.status,
            storage::ConnectionStatus::Active,
            "round {round}: {:?}",
            row.status_reason
        );
    }
}
