//! The unattended allowance over days, against the local sandbox: a first sync larger than a
//! day's allowance finishes over several days, every request the bank receives is counted, and
//! syncs people start run one at a time and send `PSU-IP-Address` only for a present person.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::sync::Arc;

use bank_sync::clock::{Clock as _, ManualClock};
use bank_sync::{AccountResult, PassOptions, SyncError, TransactionSync};
use ing_sandbox::{DataConfig, Fault};
use storage::SyncTrigger;
use time::{Duration, OffsetDateTime};

fn dense(transactions: usize) -> DataConfig {
    DataConfig {
        profiles: 1,
        accounts_per_profile: 1,
        transactions_per_account: transactions,
        years: 1,
        ..DataConfig::default()
    }
}

/// ING's booked entries of the account dated within `[from, to]`.
fn truth_between(w: &common::World, from: time::Date, to: time::Date) -> usize {
    w.sandbox.ground_truth().profiles[0].accounts[0]
        .transactions
        .iter()
        .filter(|t| t.status == ing_sandbox::Status::Booked)
        .filter(|t| (from..=to).contains(&t.date()))
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_first_sync_larger_than_a_days_allowance_finishes_over_the_following_days() {
    // ~1,000 entries in the first 90 days: ten pages, where the allowance is four requests a day.
    let w = common::world(dense(4000), Some(4), 4, None).await;
    let clock = Arc::new(ManualClock::new(OffsetDateTime::now_utc()));
    let sync = w.sync.clone().with_clock(clock.clone());
    let profile = w.sandbox.ground_truth().profiles[0].id.clone();
    w.connect(&profile).await;
    let opts = PassOptions {
        initial_days: 90,
        ..PassOptions::default()
    };
    let start = clock.now().date();
    let mut done_on = None;
    for day in 0..10 {
        let report = sync.run_pass(&opts, |_, _, _| {}).await.unwrap();
        assert!(
            !report
                .accounts
                .iter()
                .any(|a| matches!(a.result, AccountResult::RateLimited)),
            "day {day}: the bank refused a request: {report:?}"
        );
        for (account, calls) in &w.sandbox.stats().unattended_calls {
            assert!(
                *calls <= 4,
                "day {day}: {account} got {calls} unattended requests"
            );
        }
        let account = sync.db().all_accounts().await.unwrap()[0].clone();
        let watermark = sync
            .db()
            .sync_state(account.id)
            .await
            .unwrap()
            .and_then(|s| s.watermark);
        if watermark == Some(clock.now().date()) && done_on.is_none() {
            done_on = Some(day);
        }
        clock.advance(Duration::days(1));
        w.sandbox
            .advance_clock(std::time::Duration::from_secs(86_400));
    }
    let done_on = done_on.expect("the backfill never reached today");
    assert!(
        done_on >= 1,
        "ten pages cannot fit in one day's four requests"
    );
    let account = sync.db().all_accounts().await.unwrap()[0].clone();
    let stored = sync
        .db()
        .transactions(account.id)
        .await
        .unwrap()
        .into_iter()
        .filter(|t| t.status == storage::BookingStatus::Booked)
        .filter(|t| {
            t.booking_date
                .is_some_and(|d| d >= start - Duration::days(90))
        })
        .count();
    let expected = truth_between(&w, start - Duration::days(90), start);
    assert!(
        expected > 800,
        "the data is not dense enough to test this: {expected}"
    );
    assert_eq!(stored, expected, "entries missing after the backfill");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_request_the_bank_receives_is_counted_retries_and_refusals_included() {
    let w = common::world(dense(150), None, 1000, None).await;
    let profile = w.sandbox.ground_truth().profiles[0].id.clone();
    w.connect(&profile).await;
    let db = w.sync.db();
    let account = db.all_accounts().await.unwrap()[0].clone();
    let since = OffsetDateTime::now_utc() - Duration::hours(1);
    let counted = || async { db.unattended_calls_since(account.id, since).await.unwrap() };
    // Five failures, then the answer: the client retries, the bank received six requests.
    w.sandbox.inject([
        Fault::ServerError,
        Fault::Unavailable,
        Fault::ServerError,
        Fault::Truncated,
        Fault::Unavailable,
    ]);
    let before = w.sandbox.stats().requests;
    let today = OffsetDateTime::now_utc().date();
    w.sync
        .sync_transactions(&TransactionSync {
            account_id: account.id,
            date_from: today - Duration::days(30),
            date_to: today,
            auto_reconcile: false,
            trigger: SyncTrigger::Worker,
            psu_ip: None,
            stop: None,
        })
        .await
        .unwrap();
    let received = w.sandbox.stats().requests - before;
    assert!(received >= 6, "{received}");
    assert_eq!(counted().await, received, "requests received vs counted");
    // A refused request (400: a period in the future) still reached the bank.
    let before = w.sandbox.stats().requests;
    let err = w
        .sync
        .sync_transactions(&TransactionSync {
            account_id: account.id,
            date_from: today + Duration::days(5),
            date_to: today + Duration::days(6),
            auto_reconcile: false,
            trigger: SyncTrigger::Worker,
            psu_ip: None,
            stop: None,
        })
        .await
        .unwrap_err();
    assert!(matches!(err, SyncError::Bank(_)), "{err:?}");
    let refused = w.sandbox.stats().requests - before;
    assert_eq!(refused, 1);
    assert_eq!(counted().await, received + 1, "the 400 was not counted");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retries_never_spend_more_than_the_allowance_left() {
    let w = common::world(dense(150), None, 4, None).await;
    let profile = w.sandbox.ground_truth().profiles[0].id.clone();
    w.connect(&profile).await;
    let account = w.sync.db().all_accounts().await.unwrap()[0].clone();
    w.sandbox.inject([Fault::ServerError; 10]);
    let before = w.sandbox.stats().requests;
    let today = OffsetDateTime::now_utc().date();
    let err = w
        .sync
        .sync_transactions(&TransactionSync {
            account_id: account.id,
            date_from: today - Duration::days(30),
            date_to: today,
            auto_reconcile: false,
            trigger: SyncTrigger::Worker,
            psu_ip: None,
            stop: None,
        })
        .await
        .unwrap_err();
    assert!(matches!(err, SyncError::Bank(_)), "{err:?}");
    assert_eq!(
        w.sandbox.stats().requests - before,
        4,
        "retries went past the allowance"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn syncs_people_start_run_one_at_a_time_and_not_too_often() {
    let w = common::world(dense(300), None, 1000, None).await;
    let profile = w.sandbox.ground_truth().profiles[0].id.clone();
    w.connect(&profile).await;
    let mut settings = w.settings.clone();
    settings.user_sync_min_seconds = 60;
    let sync = settings.build(vec![common::REDIRECT.into()]).await.unwrap();
    let account = sync.db().all_accounts().await.unwrap()[0].clone();
    let today = OffsetDateTime::now_utc().date();
    let request = TransactionSync {
        account_id: account.id,
        date_from: today - Duration::days(365),
        date_to: today,
        auto_reconcile: false,
        trigger: SyncTrigger::User,
        psu_ip: Some("192.0.2.7".parse().unwrap()),
        stop: None,
    };
    // This service's client fetches its application token first: not part of what is measured.
    sync.client().client_id().await.unwrap();
    let before = w.sandbox.stats().requests;
    let tasks: Vec<_> = (0..12)
        .map(|_| {
            let sync = sync.clone();
            let request = request.clone();
            tokio::spawn(async move { sync.sync_transactions(&request).await })
        })
        .collect();
    let mut ok = Vec::new();
    let mut refused = 0;
    for t in tasks {
        match t.await.unwrap() {
            Ok(r) => ok.push(r),
            Err(SyncError::Busy(_) | SyncError::TooSoon { .. }) => refused += 1,
            Err(e) => panic!("{e}"),
        }
    }
    assert_eq!(ok.len(), 1, "{} syncs ran at once", ok.len());
    assert_eq!(refused, 11);
    let received = w.sandbox.stats().requests - before;
    assert_eq!(received, ok[0].requests, "only one sync reached the bank");
    // Right after, another is refused with the time to wait.
    match sync.sync_transactions(&request).await {
        Err(SyncError::TooSoon { retry_after }) => {
            assert!(retry_after.as_secs() > 0 && retry_after.as_secs() <= 60);
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sync_without_a_present_person_is_unattended_and_counted() {
    // The sandbox's own 4/day check: a "user" sync that sends no PSU-IP-Address spends it.
    let w = common::world(dense(150), Some(4), 4, None).await;
    let profile = w.sandbox.ground_truth().profiles[0].id.clone();
    w.connect(&profile).await;
    let account = w.sync.db().all_accounts().await.unwrap()[0].clone();
    let today = OffsetDateTime::now_utc().date();
    let unattended = TransactionSync {
        account_id: account.id,
        date_from: today - Duration::days(10),
        date_to: today,
        auto_reconcile: false,
        trigger: SyncTrigger::User,
        psu_ip: None,
        stop: None,
    };
    let r = w.sync.sync_transactions(&unattended).await.unwrap();
    assert!(r.requests >= 1);
    let used = w
        .sync
        .db()
        .unattended_calls_since(account.id, OffsetDateTime::now_utc() - Duration::hours(1))
        .await
        .unwrap();
    assert_eq!(used, r.requests, "an unattended user sync was not counted");
    assert_eq!(
        w.sandbox.stats().unattended_calls.get(&account.resource_id),
        Some(&u32::try_from(r.requests).unwrap()),
        "the bank did not see it as unattended"
    );
}
