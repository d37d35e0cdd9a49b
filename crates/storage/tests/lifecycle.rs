//! Connections, OAuth states, balances, sync runs, watermark, leases and the call budget, on
//! every backend.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::str::FromStr;

use rust_decimal::Decimal;
use storage::{
    ConnectionStatus, Database, NewAccount, NewBalance, StateRejection, SyncFinish, SyncOutcome,
    SyncTrigger,
};
use time::macros::date;
use time::{Duration, OffsetDateTime};

async fn account(db: &Database) -> (String, i64) {
    let connection_id = common::connection(db).await;
    let (a, _) = db
        .upsert_account(&NewAccount {
            connection_id: connection_id.clone(),
            resource_id: "450ffbb8-9f11-4ec6-a1e1-df48aefc82ef".into(),
            iban: Some("NL69INGB0123456789".into()),
            name: "Current account".into(),
            bank_name: "ING".into(),
            currency: "EUR".into(),
            product: Some("Betaalrekening".into()),
        })
        .await
        .unwrap();
    (connection_id, a.id)
}

#[tokio::test]
async fn connection_token_is_stored_as_a_hash_and_finds_its_connection() {
    for t in common::backends().await {
        let db = &t.db;
        let token = "c0nn3ct10n-t0k3n-that-must-not-be-stored";
        let created = db
            .create_connection(
                &storage::NewConnection {
                    environment: "local".into(),
                    client_id: "client".into(),
                    scopes: "s".into(),
                    granted_at: OffsetDateTime::now_utc(),
                    valid_until: None,
                },
                token,
            )
            .await
            .unwrap();
        assert_ne!(created.token_hash.as_deref(), Some(token));
        let found = db.connection_by_token(token).await.unwrap().unwrap();
        assert_eq!(found.id, created.id, "{}", t.name);
        assert!(db.connection_by_token("other").await.unwrap().is_none());
        t.cleanup().await;
    }
}

#[tokio::test]
async fn consent_lifecycle_moves_to_expiring_then_expired() {
    for t in common::backends().await {
        let db = &t.db;
        let now = OffsetDateTime::now_utc();
        let mk = |days: i64| storage::NewConnection {
            environment: "local".into(),
            client_id: "client".into(),
            scopes: "s".into(),
            granted_at: now - Duration::days(80),
            valid_until: Some(now + Duration::days(days)),
        };
        let far = db.create_connection(&mk(60), "a").await.unwrap();
        let soon = db.create_connection(&mk(6), "b").await.unwrap();
        let gone = db.create_connection(&mk(-1), "c").await.unwrap();
        let changed = db
            .refresh_consent_statuses(now, Duration::days(14))
            .await
            .unwrap();
        assert_eq!(changed, 2, "{}", t.name);
        let status =
            |id: String| async move { db.find_connection(&id).await.unwrap().unwrap().status };
        assert_eq!(status(far.id).await, ConnectionStatus::Active);
        assert_eq!(status(soon.id.clone()).await, ConnectionStatus::Expiring);
        assert_eq!(status(gone.id.clone()).await, ConnectionStatus::Expired);
        assert!(!ConnectionStatus::Expired.may_sync());
        assert!(ConnectionStatus::Expiring.may_sync());
        // Running it again changes nothing.
        assert_eq!(
            db.refresh_consent_statuses(now, Duration::days(14))
                .await
                .unwrap(),
            0
        );
        let row = db.find_connection(&gone.id).await.unwrap().unwrap();
        assert!(row.status_reason.unwrap().contains("reconnect"));
        t.cleanup().await;
    }
}

#[tokio::test]
async fn oauth_state_is_single_use_bound_to_its_redirect_and_expires() {
    for t in common::backends().await {
        let db = &t.db;
        let cb = "http://localhost:8000/banking/callback";
        db.issue_oauth_state("s1", "client", cb, "scope", Duration::minutes(10))
            .await
            .unwrap();
        let ok = db.consume_oauth_state("s1", cb).await.unwrap().unwrap();
        assert_eq!(ok.redirect_uri, cb);
        assert_eq!(
            db.consume_oauth_state("s1", cb).await.unwrap(),
            Err(StateRejection::Reused)
        );
        assert_eq!(
            db.consume_oauth_state("never", cb).await.unwrap(),
            Err(StateRejection::Unknown)
        );
        db.issue_oauth_state("s2", "client", cb, "scope", Duration::minutes(10))
            .await
            .unwrap();
        assert_eq!(
            db.consume_oauth_state("s2", "https://evil.example/cb")
                .await
                .unwrap(),
            Err(StateRejection::RedirectMismatch)
        );
        // A mismatched attempt spends the state.
        assert_eq!(
            db.consume_oauth_state("s2", cb).await.unwrap(),
            Err(StateRejection::Reused)
        );
        db.issue_oauth_state("s3", "client", cb, "scope", Duration::seconds(-1))
            .await
            .unwrap();
        assert_eq!(
            db.consume_oauth_state("s3", cb).await.unwrap(),
            Err(StateRejection::Expired)
        );
        t.cleanup().await;
    }
}

#[tokio::test]
async fn racing_callbacks_with_one_state_have_one_winner() {
    for t in common::backends().await {
        let db = t.db.clone();
        let cb = "http://localhost:8000/cb";
        db.issue_oauth_state("race", "client", cb, "scope", Duration::minutes(10))
            .await
            .unwrap();
        let tasks: Vec<_> = (0..8)
            .map(|_| {
                let db = db.clone();
                tokio::spawn(async move { db.consume_oauth_state("race", cb).await.unwrap() })
            })
            .collect();
        let mut wins = 0;
        for task in tasks {
            if task.await.unwrap().is_ok() {
                wins += 1;
            }
        }
        assert_eq!(wins, 1, "{}", t.name);
        drop(db);
        t.cleanup().await;
    }
}

#[tokio::test]
async fn latest_balances_are_the_last_fetch_and_exact() {
    for t in common::backends().await {
        let db = &t.db;
        let (_, acc) = account(db).await;
        let b = |ty: &str, amount: &str| NewBalance {
            balance_type: ty.into(),
            amount: Decimal::from_str(amount).unwrap(),
            currency: "EUR".into(),
            reference_date: Some(date!(2026 - 11 - 24)),
        };
        let t0 = OffsetDateTime::now_utc() - Duration::hours(1);
        db.record_balances(acc, &[b("closingBooked", "1.00")], t0)
            .await
            .unwrap();
        db.record_balances(
            acc,
            &[
                b("closingBooked", "-9999999999999.9999"),
                b("expected", "0.10"),
            ],
            t0 + Duration::minutes(30),
        )
        .await
        .unwrap();
        let latest = db.latest_balances(acc).await.unwrap();
        let got: Vec<(&str, String)> = latest
            .iter()
            .map(|r| (r.balance_type.as_str(), r.amount.to_string()))
            .collect();
        assert_eq!(
            got,
            [
                ("closingBooked", "-9999999999999.9999".to_owned()),
                ("expected", "0.10".to_owned())
            ],
            "{}",
            t.name
        );
        assert_eq!(latest[0].reference_date, Some(date!(2026 - 11 - 24)));
        t.cleanup().await;
    }
}

fn finish(outcome: SyncOutcome, watermark: Option<time::Date>) -> SyncFinish {
    SyncFinish {
        outcome,
        fetched: 250,
        imported: 200,
        skipped: 50,
        updated: 0,
        ing_calls: 3,
        error: (outcome != SyncOutcome::Succeeded).then(|| "429 access exceeded".into()),
        watermark,
        next_attempt_at: None,
    }
}

#[tokio::test]
async fn watermark_moves_only_on_success_and_never_back() {
    for t in common::backends().await {
        let db = &t.db;
        let (_, acc) = account(db).await;
        let run = db
            .start_sync_run(
                acc,
                SyncTrigger::Worker,
                Some(date!(2026 - 11 - 01)),
                None,
                OffsetDateTime::now_utc(),
            )
            .await
            .unwrap();
        db.finish_sync_run(
            run,
            &finish(SyncOutcome::Succeeded, Some(date!(2026 - 11 - 20))),
            OffsetDateTime::now_utc(),
        )
        .await
        .unwrap();
        let wm = || async { db.sync_state(acc).await.unwrap().unwrap().watermark };
        assert_eq!(wm().await, Some(date!(2026 - 11 - 20)), "{}", t.name);
        let run = db
            .start_sync_run(
                acc,
                SyncTrigger::Worker,
                None,
                None,
                OffsetDateTime::now_utc(),
            )
            .await
            .unwrap();
        db.finish_sync_run(
            run,
            &finish(SyncOutcome::RateLimited, Some(date!(2026 - 11 - 24))),
            OffsetDateTime::now_utc(),
        )
        .await
        .unwrap();
        assert_eq!(
            wm().await,
            Some(date!(2026 - 11 - 20)),
            "rate limit moved it"
        );
        let run = db
            .start_sync_run(
                acc,
                SyncTrigger::User,
                None,
                None,
                OffsetDateTime::now_utc(),
            )
            .await
            .unwrap();
        db.finish_sync_run(
            run,
            &finish(SyncOutcome::Succeeded, Some(date!(2026 - 11 - 10))),
            OffsetDateTime::now_utc(),
        )
        .await
        .unwrap();
        assert_eq!(wm().await, Some(date!(2026 - 11 - 20)), "moved backwards");
        let runs = db.sync_runs(acc, 10).await.unwrap();
        assert_eq!(runs.len(), 3);
        assert_eq!(runs[1].outcome, SyncOutcome::RateLimited);
        assert_eq!(runs[1].error.as_deref(), Some("429 access exceeded"));
        assert_eq!(runs[2].imported, 200);
        t.cleanup().await;
    }
}

#[tokio::test]
async fn a_lease_has_one_holder_until_it_expires() {
    for t in common::backends().await {
        let db = t.db.clone();
        let (_, acc) = account(&db).await;
        let tasks: Vec<_> = (0..6)
            .map(|i| {
                let db = db.clone();
                tokio::spawn(async move {
                    db.try_lease(
                        acc,
                        &format!("worker-{i}"),
                        Duration::minutes(5),
                        OffsetDateTime::now_utc(),
                    )
                    .await
                    .unwrap()
                })
            })
            .collect();
        let mut holders = 0;
        for task in tasks {
            holders += usize::from(task.await.unwrap());
        }
        assert_eq!(holders, 1, "{}", t.name);
        let owner = db
            .sync_state(acc)
            .await
            .unwrap()
            .unwrap()
            .lease_owner
            .unwrap();
        assert!(
            db.try_lease(acc, &owner, Duration::minutes(5), OffsetDateTime::now_utc())
                .await
                .unwrap()
        );
        assert!(
            !db.try_lease(acc, "late", Duration::minutes(5), OffsetDateTime::now_utc())
                .await
                .unwrap()
        );
        db.release_lease(acc, &owner).await.unwrap();
        assert!(
            db.try_lease(
                acc,
                "late",
                Duration::seconds(-1),
                OffsetDateTime::now_utc()
            )
            .await
            .unwrap()
        );
        // An expired lease (a dead worker) is taken over.
        assert!(
            db.try_lease(
                acc,
                "rescuer",
                Duration::minutes(5),
                OffsetDateTime::now_utc()
            )
            .await
            .unwrap()
        );
        drop(db);
        t.cleanup().await;
    }
}

#[tokio::test]
async fn a_renewed_lease_outlives_its_first_term_and_a_lost_one_says_so() {
    for t in common::backends().await {
        let db = &t.db;
        let (_, acc) = account(db).await;
        let t0 = OffsetDateTime::now_utc();
        assert!(
            db.try_lease(acc, "a", Duration::minutes(5), t0)
                .await
                .unwrap()
        );
        // Four minutes in, "a" renews; at minute seven "b" must still be kept out.
        assert!(
            db.renew_lease(acc, "a", Duration::minutes(5), t0 + Duration::minutes(4))
                .await
                .unwrap()
        );
        assert!(
            !db.try_lease(acc, "b", Duration::minutes(5), t0 + Duration::minutes(7))
                .await
                .unwrap(),
            "{}: a renewed lease was taken over",
            t.name
        );
        // Past the renewed term "b" takes it, and "a" learns it lost it.
        assert!(
            db.try_lease(acc, "b", Duration::minutes(5), t0 + Duration::minutes(10))
                .await
                .unwrap()
        );
        assert!(
            !db.renew_lease(acc, "a", Duration::minutes(5), t0 + Duration::minutes(10))
                .await
                .unwrap()
        );
        t.cleanup().await;
    }
}

#[tokio::test]
async fn runs_left_running_by_a_dead_process_are_aborted_by_the_next_holder() {
    for t in common::backends().await {
        let db = &t.db;
        let (_, acc) = account(db).await;
        let now = OffsetDateTime::now_utc();
        let dead = db
            .start_sync_run(acc, SyncTrigger::Worker, None, None, now)
            .await
            .unwrap();
        let done = db
            .start_sync_run(acc, SyncTrigger::Worker, None, None, now)
            .await
            .unwrap();
        db.finish_sync_run(done, &finish(SyncOutcome::Succeeded, None), now)
            .await
            .unwrap();
        assert_eq!(
            db.abort_orphaned_runs(acc, now).await.unwrap(),
            1,
            "{}",
            t.name
        );
        let runs = db.sync_runs(acc, 10).await.unwrap();
        let by_id = |id| runs.iter().find(|r| r.id == id).unwrap();
        assert_eq!(by_id(dead).outcome, SyncOutcome::Aborted);
        assert!(by_id(dead).finished_at.is_some());
        assert_eq!(by_id(done).outcome, SyncOutcome::Succeeded);
        t.cleanup().await;
    }
}

#[tokio::test]
async fn the_budget_counts_unattended_calls_in_the_window() {
    for t in common::backends().await {
        let db = &t.db;
        let (_, acc) = account(db).await;
        let now = OffsetDateTime::now_utc();
        db.record_ing_call(acc, false, now - Duration::hours(30))
            .await
            .unwrap();
        for _ in 0..3 {
            db.record_ing_call(acc, false, now - Duration::hours(2))
                .await
                .unwrap();
        }
        db.record_ing_call(acc, true, now).await.unwrap();
        assert_eq!(
            db.unattended_calls_since(acc, now - Duration::hours(24))
                .await
                .unwrap(),
            3,
            "{}",
            t.name
        );
        t.cleanup().await;
    }
}
