//! Merging the account copies earlier reconnects created: the state the old code left (two rows
//! for one bank account, overlapping transactions, a confirmed match on a copy, calls on both) is
//! built row by row, then merged — by the public function and by the start-up migration. Every
//! backend.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::collections::HashSet;
use std::str::FromStr;

use rust_decimal::Decimal;
use sea_orm::{ActiveValue::Set, ColumnTrait as _, ConnectionTrait, EntityTrait, QueryFilter as _};
use sea_orm_migration::MigratorTrait as _;
use storage::entity::{
    account, account_sync, allocation, balance, connection, ing_call, invoice, sync_run,
    transaction,
};
use storage::{
    BookingStatus, ConnectionStatus, Database, DbOptions, InvoiceKind, InvoiceStatus, MatchMethod,
    MatchStatus, ReconciliationState, SyncOutcome, SyncTrigger,
};
use time::macros::date;
use time::{Duration, OffsetDateTime};

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

async fn insert_connection<C: ConnectionTrait>(db: &C, environment: &str, age_days: i64) -> String {
    let at = OffsetDateTime::now_utc() - Duration::days(age_days);
    let id = uuid::Uuid::new_v4().to_string();
    connection::Entity::insert(connection::ActiveModel {
        id: Set(id.clone()),
        provider: Set("ing".into()),
        environment: Set(environment.into()),
        client_id: Set("client".into()),
        status: Set(ConnectionStatus::Active),
        status_reason: Set(None),
        scopes: Set("s".into()),
        consent_granted_at: Set(Some(at)),
        consent_valid_until: Set(Some(at + Duration::days(90))),
        last_sca_at: Set(Some(at)),
        token_hash: Set(Some(format!("hash-{id}"))),
        created_at: Set(at),
        updated_at: Set(at),
    })
    .exec_without_returning(db)
    .await
    .unwrap();
    id
}

async fn insert_account<C: ConnectionTrait>(
    db: &C,
    connection_id: &str,
    resource_id: &str,
    iban: &str,
) -> i64 {
    account::Entity::insert(account::ActiveModel {
        connection_id: Set(Some(connection_id.into())),
        resource_id: Set(resource_id.into()),
        iban: Set(Some(iban.into())),
        name: Set("Current account".into()),
        bank_name: Set("ING".into()),
        currency: Set("EUR".into()),
        product: Set(None),
        created_at: Set(OffsetDateTime::now_utc()),
        ..Default::default()
    })
    .exec_without_returning(db)
    .await
    .unwrap();
    // Only the id is read back: the schema here is older than the entity (columns added later,
    // such as `transactions_link`, do not exist yet).
    use sea_orm::{ColumnTrait as _, QueryFilter as _, QuerySelect as _};
    account::Entity::find()
        .select_only()
        .column(account::Column::Id)
        .filter(account::Column::ConnectionId.eq(connection_id))
        .filter(account::Column::ResourceId.eq(resource_id))
        .into_tuple::<i64>()
        .one(db)
        .await
        .unwrap()
        .unwrap()
}

async fn insert_tx<C: ConnectionTrait>(
    db: &C,
    account_id: i64,
    key: &str,
    amount: &str,
    status: BookingStatus,
    superseded_by: Option<i64>,
) -> i64 {
    transaction::Entity::insert(transaction::ActiveModel {
        account_id: Set(account_id),
        dedupe_key: Set(key.into()),
        bank_transaction_id: Set(key.strip_prefix("id:").map(str::to_owned)),
        entry_reference: Set(None),
        end_to_end_id: Set(None),
        booking_date: Set(Some(date!(2026 - 11 - 10))),
        value_date: Set(Some(date!(2026 - 11 - 10))),
        amount: Set(amount.parse().unwrap()),
        currency: Set("EUR".into()),
        counterparty_name: Set(Some("Meyer".into())),
        counterparty_iban: Set(None),
        remittance_unstructured: Set(None),
        remittance_structured: Set(None),
        bank_transaction_code: Set(None),
        status: Set(status),
        superseded_by: Set(superseded_by),
        raw_json: Set("{}".into()),
        reconciliation_state: Set(ReconciliationState::Unmatched),
        imported_at: Set(OffsetDateTime::now_utc()),
        ..Default::default()
    })
    .exec(db)
    .await
    .unwrap()
    .last_insert_id
}

async fn insert_invoice<C: ConnectionTrait>(db: &C, number: &str, total: &str, open: &str) -> i64 {
    let status = if dec(open).is_zero() {
        InvoiceStatus::Paid
    } else if dec(open) < dec(total) {
        InvoiceStatus::PartiallyPaid
    } else {
        InvoiceStatus::Open
    };
    invoice::Entity::insert(invoice::ActiveModel {
        number: Set(number.into()),
        kind: Set(InvoiceKind::Invoice),
        customer_name: Set("Meyer Elektro e.K.".into()),
        customer_ibans: Set("[]".into()),
        total: Set(total.parse().unwrap()),
        open_amount: Set(open.parse().unwrap()),
        currency: Set("EUR".into()),
        issue_date: Set(date!(2026 - 11 - 01)),
        due_date: Set(None),
        creditor_reference: Set(None),
        status: Set(status),
        created_at: Set(OffsetDateTime::now_utc()),
        updated_at: Set(OffsetDateTime::now_utc()),
        ..Default::default()
    })
    .exec(db)
    .await
    .unwrap()
    .last_insert_id
}

async fn insert_match<C: ConnectionTrait>(
    db: &C,
    transaction_id: i64,
    invoice_id: i64,
    amount: &str,
    status: MatchStatus,
) -> i64 {
    let state = if status == MatchStatus::Suggested {
        ReconciliationState::Suggested
    } else {
        ReconciliationState::Matched
    };
    transaction::Entity::update_many()
        .col_expr(transaction::Column::ReconciliationState, state.into())
        .filter(transaction::Column::Id.eq(transaction_id))
        .exec(db)
        .await
        .unwrap();
    allocation::Entity::insert(allocation::ActiveModel {
        transaction_id: Set(transaction_id),
        invoice_id: Set(invoice_id),
        amount: Set(amount.parse().unwrap()),
        confidence: Set("0.9".parse().unwrap()),
        method: Set(MatchMethod::Manual),
        reasons: Set("[]".into()),
        status: Set(status),
        decided_by: Set(Some("anna".into())),
        created_at: Set(OffsetDateTime::now_utc()),
        decided_at: Set(Some(OffsetDateTime::now_utc())),
        ..Default::default()
    })
    .exec(db)
    .await
    .unwrap()
    .last_insert_id
}

async fn insert_calls<C: ConnectionTrait>(db: &C, account_id: i64, n: usize) {
    for _ in 0..n {
        ing_call::Entity::insert(ing_call::ActiveModel {
            account_id: Set(account_id),
            at: Set(OffsetDateTime::now_utc() - Duration::hours(1)),
            user_initiated: Set(false),
            ..Default::default()
        })
        .exec_without_returning(db)
        .await
        .unwrap();
    }
    balance::Entity::insert(balance::ActiveModel {
        account_id: Set(account_id),
        balance_type: Set("closingBooked".into()),
        amount: Set("1.00".parse().unwrap()),
        currency: Set("EUR".into()),
        reference_date: Set(None),
        fetched_at: Set(OffsetDateTime::now_utc()),
        ..Default::default()
    })
    .exec_without_returning(db)
    .await
    .unwrap();
    sync_run::Entity::insert(sync_run::ActiveModel {
        account_id: Set(account_id),
        trigger: Set(SyncTrigger::Worker),
        window_from: Set(None),
        window_to: Set(None),
        started_at: Set(OffsetDateTime::now_utc()),
        finished_at: Set(Some(OffsetDateTime::now_utc())),
        fetched: Set(0),
        imported: Set(0),
        skipped: Set(0),
        updated: Set(0),
        ing_calls: Set(1),
        outcome: Set(SyncOutcome::Succeeded),
        error: Set(None),
        ..Default::default()
    })
    .exec_without_returning(db)
    .await
    .unwrap();
}

async fn insert_watermark<C: ConnectionTrait>(db: &C, account_id: i64, day: time::Date) {
    account_sync::Entity::insert(account_sync::ActiveModel {
        account_id: Set(account_id),
        watermark: Set(Some(day)),
        last_success_at: Set(Some(OffsetDateTime::now_utc())),
        next_attempt_at: Set(None),
        lease_owner: Set(None),
        lease_until: Set(None),
    })
    .exec_without_returning(db)
    .await
    .unwrap();
}

/// What the old code left, and what the merge must keep.
struct Copies {
    old_connection: String,
    new_connection: String,
    keeper: i64,
    later: i64,
    other_environment: i64,
    /// The keeper's own confirmed match, which must survive.
    keeper_match: i64,
    /// The match on a transaction only the later copy had, which must survive (moved).
    later_only_match: i64,
    /// The keeper's booking a moved pending row must point at.
    keeper_booking: i64,
    /// invoice id, expected open amount after the merge, expected status.
    invoices: Vec<(i64, &'static str, InvoiceStatus)>,
}

/// Two rows for one bank account: the first consent's (keeper) and the reconnect's (later),
/// which re-imported the history under the same dedupe keys.
async fn duplicated_state<C: ConnectionTrait>(db: &C) -> Copies {
    let old_connection = insert_connection(db, "local", 100).await;
    let new_connection = insert_connection(db, "local", 1).await;
    let elsewhere = insert_connection(db, "sandbox", 50).await;
    let keeper = insert_account(db, &old_connection, "res-1", "NL69INGB0123456789").await;
    let later = insert_account(db, &new_connection, "res-1", "NL69INGB0123456789").await;
    // The same resource id in another environment is another account.
    let other_environment = insert_account(db, &elsewhere, "res-1", "NL69INGB0123456789").await;

    let mut k = Vec::new();
    let mut l = Vec::new();
    for (key, amount) in [
        ("id:T1", "100.00"),
        ("id:T2", "50.00"),
        ("id:T3", "30.01"),
        ("id:T4", "12.00"),
        ("id:T5", "7.00"),
    ] {
        k.push(insert_tx(db, keeper, key, amount, BookingStatus::Booked, None).await);
        l.push(insert_tx(db, later, key, amount, BookingStatus::Booked, None).await);
    }
    // Only the reconnect saw this payment (after the first connection's last sync) …
    let later_only = insert_tx(db, later, "id:T6", "40.00", BookingStatus::Booked, None).await;
    // … and a pending entry its own copy of T5 replaced.
    insert_tx(
        db,
        later,
        "fp:pending-T5:0",
        "7.00",
        BookingStatus::Superseded,
        Some(l[4]),
    )
    .await;
    insert_tx(
        db,
        other_environment,
        "id:T1",
        "100.00",
        BookingStatus::Booked,
        None,
    )
    .await;

    // INV-1 paid by the keeper's T1: stays paid.
    let inv1 = insert_invoice(db, "INV-1", "100.00", "0.00").await;
    let keeper_match = insert_match(db, k[0], inv1, "100.00", MatchStatus::Confirmed).await;
    // INV-2 paid only by the later copy of T2 (a payment booked twice): open again.
    let inv2 = insert_invoice(db, "INV-2", "50.00", "0.00").await;
    insert_match(db, l[1], inv2, "50.00", MatchStatus::Confirmed).await;
    // INV-3: 30.01 from each copy of T3 of 80.03; one allocation stays.
    let inv3 = insert_invoice(db, "INV-3", "80.03", "20.01").await;
    insert_match(db, k[2], inv3, "30.01", MatchStatus::Confirmed).await;
    insert_match(db, l[2], inv3, "30.01", MatchStatus::Confirmed).await;
    // INV-4: an allocation already undone on a copy restores nothing.
    let inv4 = insert_invoice(db, "INV-4", "12.00", "12.00").await;
    insert_match(db, l[3], inv4, "12.00", MatchStatus::Undone).await;
    // A suggestion for the later copy of T4 (a payment already booked): gone.
    insert_match(db, l[3], inv4, "12.00", MatchStatus::Suggested).await;
    // INV-5 paid by the payment only the later row had: stays paid, the match moves.
    let inv5 = insert_invoice(db, "INV-5", "40.00", "0.00").await;
    let later_only_match =
        insert_match(db, later_only, inv5, "40.00", MatchStatus::Confirmed).await;

    insert_calls(db, keeper, 2).await;
    insert_calls(db, later, 3).await;
    insert_watermark(db, keeper, date!(2026 - 11 - 01)).await;
    insert_watermark(db, later, date!(2026 - 11 - 20)).await;
    Copies {
        old_connection,
        new_connection,
        keeper,
        later,
        other_environment,
        keeper_match,
        later_only_match,
        keeper_booking: k[4],
        invoices: vec![
            (inv1, "0.00", InvoiceStatus::Paid),
            (inv2, "50.00", InvoiceStatus::Open),
            (inv3, "50.02", InvoiceStatus::PartiallyPaid),
            (inv4, "12.00", InvoiceStatus::Open),
            (inv5, "0.00", InvoiceStatus::Paid),
        ],
    }
}

async fn check_merged(db: &Database, c: &Copies, name: &str) {
    let accounts = db.all_accounts().await.unwrap();
    let ids: Vec<i64> = accounts.iter().map(|a| a.id).collect();
    assert_eq!(ids, vec![c.keeper, c.other_environment], "{name}");
    let kept = db.account(c.keeper).await.unwrap().unwrap();
    assert_eq!(
        kept.connection_id,
        Some(c.new_connection.clone()),
        "{name}: re-attached"
    );
    assert!(db.account(c.later).await.unwrap().is_none(), "{name}");

    // Every row, superseded ones included.
    let txs = transaction::Entity::find()
        .filter(transaction::Column::AccountId.eq(c.keeper))
        .all(db.connection())
        .await
        .unwrap();
    let keys: HashSet<&str> = txs.iter().map(|t| t.dedupe_key.as_str()).collect();
    assert_eq!(keys.len(), txs.len(), "{name}: duplicate dedupe keys");
    assert_eq!(txs.len(), 7, "{name}: T1–T6 and the pending row");
    let pending = txs
        .iter()
        .find(|t| t.dedupe_key == "fp:pending-T5:0")
        .unwrap();
    assert_eq!(pending.superseded_by, Some(c.keeper_booking), "{name}");

    // Open amounts are exactly what the remaining active allocations leave.
    let all_matches = allocation::Entity::find()
        .all(db.connection())
        .await
        .unwrap();
    for (id, open, status) in &c.invoices {
        let inv = db.invoice(*id).await.unwrap().unwrap();
        assert_eq!(
            (inv.open_amount.to_string().as_str(), inv.status),
            (*open, *status),
            "{name}: invoice {}",
            inv.number
        );
        let allocated: Decimal = all_matches
            .iter()
            .filter(|m| m.invoice_id == *id && m.status == MatchStatus::Confirmed)
            .map(|m| m.amount.decimal())
            .sum();
        assert_eq!(
            inv.total.decimal() - allocated,
            inv.open_amount.decimal(),
            "{name}"
        );
    }
    let tx_ids: HashSet<i64> = txs.iter().map(|t| t.id).collect();
    let other_ids: HashSet<i64> = db
        .transactions(c.other_environment)
        .await
        .unwrap()
        .iter()
        .map(|t| t.id)
        .collect();
    assert!(
        all_matches
            .iter()
            .all(|m| tx_ids.contains(&m.transaction_id) || other_ids.contains(&m.transaction_id)),
        "{name}: a match of a dropped copy survived"
    );
    let surviving: HashSet<i64> = all_matches.iter().map(|m| m.id).collect();
    assert!(
        surviving.contains(&c.keeper_match),
        "{name}: keeper's match lost"
    );
    assert!(
        surviving.contains(&c.later_only_match),
        "{name}: moved match lost"
    );
    assert!(db.open_suggestions().await.unwrap().is_empty(), "{name}");
    assert_eq!(all_matches.len(), 3, "{name}: T1, T3 on the keeper, T6");

    let since = OffsetDateTime::now_utc() - Duration::hours(24);
    assert_eq!(
        db.unattended_calls_since(c.keeper, since).await.unwrap(),
        5,
        "{name}: calls moved"
    );
    let balances = balance::Entity::find()
        .filter(balance::Column::AccountId.eq(c.keeper))
        .all(db.connection())
        .await
        .unwrap();
    assert_eq!(balances.len(), 2, "{name}: balances moved");
    assert_eq!(db.sync_runs(c.keeper, 10).await.unwrap().len(), 2, "{name}");
    let state = db.sync_state(c.keeper).await.unwrap().unwrap();
    assert_eq!(state.watermark, Some(date!(2026 - 11 - 20)), "{name}");

    let old = db
        .find_connection(&c.old_connection)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(old.status, ConnectionStatus::Replaced, "{name}");
    let new = db
        .find_connection(&c.new_connection)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(new.status, ConnectionStatus::Active, "{name}");
    assert_eq!(
        db.transactions(c.other_environment).await.unwrap().len(),
        1,
        "{name}: another environment untouched"
    );
}

#[tokio::test]
async fn merging_copies_keeps_one_account_its_matches_and_exact_open_amounts() {
    for t in common::backends().await {
        let db = &t.db;
        let copies = duplicated_state(db.connection()).await;
        let merged = db.merge_duplicate_accounts().await.unwrap();
        assert_eq!(merged.accounts_merged, 1, "{}", t.name);
        assert_eq!(merged.transactions_dropped, 5, "{}", t.name);
        assert_eq!(merged.transactions_moved, 2, "{}", t.name);
        assert_eq!(merged.allocations_undone, 2, "{}", t.name);
        assert_eq!(merged.connections_replaced, 1, "{}", t.name);
        check_merged(db, &copies, t.name).await;
        // Nothing left to merge: a second run changes nothing.
        assert_eq!(
            db.merge_duplicate_accounts().await.unwrap(),
            storage::AccountMerge::default(),
            "{}",
            t.name
        );
        check_merged(db, &copies, t.name).await;
        t.cleanup().await;
    }
}

#[tokio::test]
async fn the_start_up_migration_merges_copies_left_by_the_old_code() {
    for b in common::blank_backends().await {
        let raw = sea_orm::Database::connect(b.url.clone()).await.unwrap();
        // The schema as it was when the copies were made.
        storage::Migrator::up(&raw, Some(2)).await.unwrap();
        let copies = duplicated_state(&raw).await;
        raw.close().await.unwrap();
        let db = Database::connect(&b.url, &DbOptions::default())
            .await
            .unwrap();
        check_merged(&db, &copies, b.name).await;
        drop(db);
        b.cleanup().await;
    }
}
