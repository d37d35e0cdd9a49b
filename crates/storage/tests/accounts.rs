//! One account row per bank account across connections: a new consent for the same accounts
//! re-attaches them with their history instead of creating copies. Every backend.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use rust_decimal::Decimal;
use storage::{
    AccountLink, BookingStatus, ConnectionStatus, Database, NewAccount, NewBalance, NewTransaction,
    SyncFinish, SyncOutcome, SyncTrigger,
};
use time::macros::date;
use time::{Duration, OffsetDateTime};

fn account(connection_id: &str, resource_id: &str, iban: Option<&str>) -> NewAccount {
    NewAccount {
        connection_id: connection_id.to_owned(),
        resource_id: resource_id.to_owned(),
        iban: iban.map(str::to_owned),
        name: "Current account".into(),
        bank_name: "ING".into(),
        currency: "EUR".into(),
        product: Some("Betaalrekening".into()),
    }
}

async fn connection_in(db: &Database, environment: &str) -> String {
    db.create_connection(
        &storage::NewConnection {
            environment: environment.into(),
            client_id: "client".into(),
            scopes: "s".into(),
            granted_at: time::OffsetDateTime::now_utc(),
            valid_until: Some(time::OffsetDateTime::now_utc() + time::Duration::days(90)),
        },
        &format!("token-{}", uuid::Uuid::new_v4()),
    )
    .await
    .unwrap()
    .id
}

#[tokio::test]
async fn a_new_consent_for_the_same_resource_id_reattaches_the_account() {
    for t in common::backends().await {
        let db = &t.db;
        let first = common::connection(db).await;
        let (a, _) = db
            .upsert_account(&account(&first, "res-1", Some("NL69INGB0123456789")))
            .await
            .unwrap();
        let second = common::connection(db).await;
        let (b, _) = db
            .upsert_account(&account(&second, "res-1", Some("NL69INGB0123456789")))
            .await
            .unwrap();
        assert_eq!(b.id, a.id, "{}: a second row for the same account", t.name);
        assert_eq!(b.connection_id, Some(second.clone()), "{}", t.name);
        assert_eq!(db.all_accounts().await.unwrap().len(), 1, "{}", t.name);
        t.cleanup().await;
    }
}

async fn history(db: &Database, account_id: i64) {
    db.import_page(
        account_id,
        &[NewTransaction {
            bank_transaction_id: Some("T1".into()),
            entry_reference: None,
            end_to_end_id: None,
            booking_date: Some(date!(2026 - 11 - 10)),
            value_date: Some(date!(2026 - 11 - 10)),
            amount: Decimal::new(10_000, 2),
            currency: "EUR".into(),
            counterparty_name: Some("Meyer".into()),
            counterparty_iban: None,
            remittance_unstructured: Some("RE-2026-0001".into()),
            remittance_structured: None,
            bank_transaction_code: None,
            status: BookingStatus::Booked,
            raw_json: serde_json::json!({}),
        }],
    )
    .await
    .unwrap();
    db.record_ing_call(account_id, false, OffsetDateTime::now_utc())
        .await
        .unwrap();
    db.record_balances(
        account_id,
        &[NewBalance {
            balance_type: "closingBooked".into(),
            amount: Decimal::new(10_000, 2),
            currency: "EUR".into(),
            reference_date: None,
        }],
        OffsetDateTime::now_utc(),
    )
    .await
    .unwrap();
    let run = db
        .start_sync_run(
            account_id,
            SyncTrigger::Worker,
            None,
            None,
            time::OffsetDateTime::now_utc(),
        )
        .await
        .unwrap();
    db.finish_sync_run(
        run,
        &SyncFinish {
            outcome: SyncOutcome::Succeeded,
            fetched: 1,
            imported: 1,
            skipped: 0,
            updated: 0,
            ing_calls: 1,
            error: None,
            watermark: Some(date!(2026 - 11 - 20)),
            next_attempt_at: None,
        },
        time::OffsetDateTime::now_utc(),
    )
    .await
    .unwrap();
}

#[tokio::test]
async fn reattaching_keeps_history_sync_state_budget_and_balances_and_replaces_the_old_connection()
{
    for t in common::backends().await {
        let db = &t.db;
        let first = common::connection(db).await;
        let (a, link) = db
            .upsert_account(&account(&first, "res-1", Some("NL69INGB0123456789")))
            .await
            .unwrap();
        assert_eq!(link, AccountLink::Created, "{}", t.name);
        history(db, a.id).await;
        let second = common::connection(db).await;
        let (b, link) = db
            .upsert_account(&account(&second, "res-1", Some("NL69INGB0123456789")))
            .await
            .unwrap();
        assert_eq!(
            link,
            AccountLink::Reattached {
                previous_connection: first.clone()
            },
            "{}",
            t.name
        );
        assert_eq!(b.id, a.id, "{}", t.name);
        // The same call again finds it attached.
        let (c, link) = db
            .upsert_account(&account(&second, "res-1", Some("NL69INGB0123456789")))
            .await
            .unwrap();
        assert_eq!(
            (c.id, link),
            (a.id, AccountLink::AlreadyAttached),
            "{}",
            t.name
        );
        assert_eq!(db.transactions(a.id).await.unwrap().len(), 1, "{}", t.name);
        let since = OffsetDateTime::now_utc() - Duration::hours(24);
        assert_eq!(db.unattended_calls_since(a.id, since).await.unwrap(), 1);
        assert_eq!(db.latest_balances(a.id).await.unwrap().len(), 1);
        assert_eq!(db.sync_runs(a.id, 10).await.unwrap().len(), 1);
        let state = db.sync_state(a.id).await.unwrap().unwrap();
        assert_eq!(state.watermark, Some(date!(2026 - 11 - 20)), "{}", t.name);
        assert_eq!(db.accounts_of(&second).await.unwrap().len(), 1);
        assert!(db.accounts_of(&first).await.unwrap().is_empty());

        let old = db.find_connection(&first).await.unwrap().unwrap();
        assert_eq!(old.status, ConnectionStatus::Replaced, "{}", t.name);
        assert!(old.status_reason.unwrap().contains(&second));
        let status = old.status;
        assert_eq!(status, ConnectionStatus::Replaced);
        assert!(!status.may_sync());
        // Long after the old consent's end it is still replaced, never expiring or expired.
        db.refresh_consent_statuses(
            OffsetDateTime::now_utc() + Duration::days(400),
            Duration::days(14),
        )
        .await
        .unwrap();
        let old = db.find_connection(&first).await.unwrap().unwrap();
        assert_eq!(old.status, ConnectionStatus::Replaced, "{}", t.name);
        t.cleanup().await;
    }
}

#[tokio::test]
async fn a_new_resource_id_finds_the_account_by_iban_ignoring_case_and_spaces() {
    for t in common::backends().await {
        let db = &t.db;
        let first = common::connection(db).await;
        let (a, _) = db
            .upsert_account(&account(&first, "res-old", Some("NL69INGB0123456789")))
            .await
            .unwrap();
        let second = common::connection(db).await;
        let (b, link) = db
            .upsert_account(&account(&second, "res-new", Some("nl69 ingb 0123 4567 89")))
            .await
            .unwrap();
        assert_eq!(b.id, a.id, "{}", t.name);
        assert!(matches!(link, AccountLink::Reattached { .. }), "{}", t.name);
        // Transactions are fetched with the new resource id from now on.
        assert_eq!(b.resource_id, "res-new", "{}", t.name);
        assert_eq!(b.connection_id, Some(second.clone()), "{}", t.name);
        t.cleanup().await;
    }
}

#[tokio::test]
async fn other_environments_and_other_currencies_are_other_accounts() {
    for t in common::backends().await {
        let db = &t.db;
        let local = connection_in(db, "local").await;
        let (a, _) = db
            .upsert_account(&account(&local, "res-1", Some("NL69INGB0123456789")))
            .await
            .unwrap();
        let sandbox = connection_in(db, "sandbox").await;
        let (b, link) = db
            .upsert_account(&account(&sandbox, "res-1", Some("NL69INGB0123456789")))
            .await
            .unwrap();
        assert_eq!(link, AccountLink::Created, "{}", t.name);
        assert_ne!(b.id, a.id, "{}", t.name);
        // One IBAN, a second currency with its own resource id: a separate account.
        let again = connection_in(db, "local").await;
        let mut usd = account(&again, "res-usd", Some("NL69INGB0123456789"));
        usd.currency = "USD".into();
        let (c, link) = db.upsert_account(&usd).await.unwrap();
        assert_eq!(link, AccountLink::Created, "{}", t.name);
        assert_ne!(c.id, a.id, "{}", t.name);
        assert_eq!(db.all_accounts().await.unwrap().len(), 3, "{}", t.name);
        // Nothing moved away from the first connections: they stay active.
        for id in [&local, &sandbox] {
            let c = db.find_connection(id).await.unwrap().unwrap();
            assert_eq!(c.status, ConnectionStatus::Active, "{}", t.name);
        }
        t.cleanup().await;
    }
}

#[tokio::test]
async fn a_connection_that_keeps_an_account_is_not_replaced() {
    for t in common::backends().await {
        let db = &t.db;
        let first = common::connection(db).await;
        db.upsert_account(&account(&first, "res-1", Some("NL69INGB0123456789")))
            .await
            .unwrap();
        db.upsert_account(&account(&first, "res-2", Some("NL20INGB0001234567")))
            .await
            .unwrap();
        // The new consent covers only one of the two accounts.
        let second = common::connection(db).await;
        db.upsert_account(&account(&second, "res-1", Some("NL69INGB0123456789")))
            .await
            .unwrap();
        let old = db.find_connection(&first).await.unwrap().unwrap();
        assert_eq!(old.status, ConnectionStatus::Active, "{}", t.name);
        assert_eq!(db.accounts_of(&first).await.unwrap().len(), 1, "{}", t.name);
        t.cleanup().await;
    }
}

#[test]
fn logs_see_only_the_ends_of_an_iban() {
    assert_eq!(storage::mask_iban("DE89370400440532013000"), "DE89…3000");
    assert_eq!(
        storage::mask_iban("DE89 3704 0044 0532 0130 00"),
        "DE89…3000"
    );
    assert_eq!(storage::mask_iban("DE8937"), "…");
}

#[tokio::test]
async fn an_older_connection_does_not_take_a_reattached_account_back() {
    for t in common::backends().await {
        let db = &t.db;
        let first = common::connection(db).await;
        let (a, _) = db
            .upsert_account(&account(&first, "res-1", Some("NL69INGB0123456789")))
            .await
            .unwrap();
        let second = common::connection(db).await;
        db.upsert_account(&account(&second, "res-1", Some("NL69INGB0123456789")))
            .await
            .unwrap();
        // The old consent still lists the account (a sync with its token raced the reconnect).
        let (b, link) = db
            .upsert_account(&account(&first, "res-1", Some("NL69INGB0123456789")))
            .await
            .unwrap();
        assert_eq!(
            link,
            AccountLink::KeptByNewerConnection {
                connection: second.clone()
            },
            "{}",
            t.name
        );
        assert_eq!(
            (b.id, b.connection_id),
            (a.id, Some(second.clone())),
            "{}",
            t.name
        );
        t.cleanup().await;
    }
}

#[tokio::test]
async fn the_accounts_transactions_link_is_kept_and_survives_a_reattachment() {
    for t in common::backends().await {
        let db = &t.db;
        let first = common::connection(db).await;
        let (a, _) = db
            .upsert_account(&account(&first, "res-l", Some("NL69INGB0123456789")))
            .await
            .unwrap();
        assert_eq!(a.transactions_link, None, "{}", t.name);
        let href = "/v3/accounts/res-l/transactions?currency=EUR";
        let stored = db.set_transactions_link(a.id, Some(href)).await.unwrap();
        assert_eq!(
            stored.transactions_link.as_deref(),
            Some(href),
            "{}",
            t.name
        );
        let second = common::connection(db).await;
        let (b, _) = db
            .upsert_account(&account(&second, "res-l", Some("NL69INGB0123456789")))
            .await
            .unwrap();
        assert_eq!(b.transactions_link.as_deref(), Some(href), "{}", t.name);
        let cleared = db.set_transactions_link(a.id, None).await.unwrap();
        assert_eq!(cleared.transactions_link, None, "{}", t.name);
        assert!(
            db.set_transactions_link(a.id + 1000, Some(href))
                .await
                .is_err()
        );
        t.cleanup().await;
    }
}
