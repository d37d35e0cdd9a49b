//! Imports that must neither lose nor double a booking (a replayed page, an id listed twice, two
//! identical same-day payments, pending then booked, concurrent imports), on every backend.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::str::FromStr;

use rust_decimal::Decimal;
use storage::{BookingStatus, Database, NewAccount, NewTransaction};
use time::macros::date;

async fn account(db: &Database) -> i64 {
    let connection_id = common::connection(db).await;
    let (a, created) = db
        .upsert_account(&NewAccount {
            connection_id,
            resource_id: "a217d676-7559-4f2a-83dc-5da0c2279223".into(),
            iban: Some("NL69INGB0123456789".into()),
            name: "Muster B.V.".into(),
            bank_name: "ING".into(),
            currency: "EUR".into(),
            product: None,
        })
        .await
        .unwrap();
    assert_eq!(created, storage::AccountLink::Created);
    a.id
}

fn tx(id: Option<&str>, amount: &str, day: time::Date, name: &str, text: &str) -> NewTransaction {
    NewTransaction {
        bank_transaction_id: id.map(Into::into),
        entry_reference: None,
        end_to_end_id: None,
        booking_date: Some(day),
        value_date: Some(day),
        amount: Decimal::from_str(amount).unwrap(),
        currency: "EUR".into(),
        counterparty_name: Some(name.into()),
        counterparty_iban: Some("DE89370400440532013000".into()),
        remittance_unstructured: Some(text.into()),
        remittance_structured: None,
        bank_transaction_code: None,
        status: BookingStatus::Booked,
        raw_json: serde_json::json!({ "transactionId": id, "amount": amount }),
    }
}

fn page() -> Vec<NewTransaction> {
    (0..50)
        .map(|i| {
            tx(
                Some(&format!("T{i:04}")),
                &format!("{i}.{:02}", i % 100),
                date!(2026 - 11 - 01),
                "Meyer Elektro e.K.",
                &format!("RE-2026-{i:04}"),
            )
        })
        .collect()
}

#[tokio::test]
async fn a_replayed_page_inserts_nothing() {
    for t in common::backends().await {
        let acc = account(&t.db).await;
        let first = t.db.import_page(acc, &page()).await.unwrap();
        assert_eq!((first.inserted, first.skipped), (50, 0), "{}", t.name);
        let again = t.db.import_page(acc, &page()).await.unwrap();
        assert_eq!(
            (again.inserted, again.skipped, again.updated),
            (0, 50, 0),
            "{}",
            t.name
        );
        assert_eq!(t.db.transactions(acc).await.unwrap().len(), 50);
        t.cleanup().await;
    }
}

/// A statement file is imported as one page, however long (issue 19): 40,000 rows are more
/// than SQLite takes as parameters of one statement (32,766), and with pending entries in the
/// account the supersede step looks all of them up too. One transaction, every row once.
#[tokio::test]
async fn a_page_of_forty_thousand_rows_imports_in_one_go() {
    for t in common::backends().await {
        let acc = account(&t.db).await;
        let held = NewTransaction {
            status: BookingStatus::Pending,
            ..tx(None, "-9.99", date!(2026 - 10 - 30), "Kiosk", "Karte")
        };
        t.db.import_page(acc, &[held]).await.unwrap();
        let big: Vec<NewTransaction> = (0..40_000)
            .map(|i| {
                tx(
                    Some(&format!("B{i:06}")),
                    &format!("{}.{:02}", i % 900 + 1, i % 100),
                    date!(2026 - 11 - 01),
                    "Meyer Elektro e.K.",
                    &format!("RE-2026-{:04}", i % 10_000),
                )
            })
            .collect();
        let first = t.db.import_page(acc, &big).await.unwrap();
        assert_eq!((first.inserted, first.skipped), (40_000, 0), "{}", t.name);
        let again = t.db.import_page(acc, &big).await.unwrap();
        assert_eq!((again.inserted, again.skipped), (0, 40_000), "{}", t.name);
        assert_eq!(
            t.db.transactions(acc).await.unwrap().len(),
            40_001,
            "{}",
            t.name
        );
        t.cleanup().await;
    }
}

#[tokio::test]
async fn eight_concurrent_imports_of_one_page_leave_one_copy() {
    for t in common::backends().await {
        let acc = account(&t.db).await;
        let runs = (0..8).map(|_| {
            let db = t.db.clone();
            tokio::spawn(async move { db.import_page(acc, &page()).await })
        });
        let results: Vec<_> = futures::future::join_all(runs)
            .await
            .into_iter()
            .map(|r| r.unwrap().unwrap())
            .collect();
        assert_eq!(
            results.iter().map(|c| c.inserted).sum::<u64>(),
            50,
            "{}: {results:?}",
            t.name
        );
        assert_eq!(
            t.db.transactions(acc).await.unwrap().len(),
            50,
            "{}",
            t.name
        );
        t.cleanup().await;
    }
}

#[tokio::test]
async fn a_page_that_fails_half_way_leaves_nothing() {
    for t in common::backends().await {
        let acc = account(&t.db).await;
        // The account does not exist: the foreign key fails the insert after the reads.
        let err = t.db.import_page(acc + 1000, &page()).await;
        assert!(err.is_err(), "{}", t.name);
        assert!(
            t.db.transactions(acc + 1000).await.unwrap().is_empty(),
            "{}",
            t.name
        );
        t.cleanup().await;
    }
}

#[tokio::test]
async fn two_identical_same_day_payments_are_both_kept_and_refetching_adds_none() {
    for t in common::backends().await {
        let acc = account(&t.db).await;
        let fee = tx(
            None,
            "-12.00",
            date!(2026 - 11 - 02),
            "Sportverein e.V.",
            "Mitgliedsbeitrag",
        );
        let p = vec![fee.clone(), fee.clone()];
        assert_eq!(
            t.db.import_page(acc, &p).await.unwrap().inserted,
            2,
            "{}",
            t.name
        );
        assert_eq!(
            t.db.import_page(acc, &p).await.unwrap().inserted,
            0,
            "{}",
            t.name
        );
        assert_eq!(t.db.transactions(acc).await.unwrap().len(), 2);
        t.cleanup().await;
    }
}

#[tokio::test]
async fn pending_then_booked_leaves_one_transaction() {
    for t in common::backends().await {
        let acc = account(&t.db).await;
        let mut pending = tx(
            None,
            "-45.10",
            date!(2026 - 11 - 20),
            "KPN B.V.",
            "Betaling toestel",
        );
        pending.status = BookingStatus::Pending;
        pending.booking_date = None;
        t.db.import_page(acc, &[pending]).await.unwrap();
        let booked = tx(
            Some("B-1"),
            "-45.10",
            date!(2026 - 11 - 21),
            "KPN B.V.",
            "Betaling toestel 2026",
        );
        let c = t.db.import_page(acc, &[booked]).await.unwrap();
        assert_eq!((c.inserted, c.superseded), (1, 1), "{}", t.name);
        let rows = t.db.transactions(acc).await.unwrap();
        assert_eq!(rows.len(), 1, "{}", t.name);
        assert_eq!(rows[0].status, BookingStatus::Booked);
        t.cleanup().await;
    }
}

#[tokio::test]
async fn a_pending_entry_and_its_booking_in_one_page_leave_one_transaction() {
    for t in common::backends().await {
        let acc = account(&t.db).await;
        // Unrelated rows already stored, one of them pending with another amount: the booking
        // below must still find its own pending entry, the one in the same page.
        let mut other = tx(None, "-3.00", date!(2026 - 11 - 19), "Kiosk", "Kaffee");
        other.status = BookingStatus::Pending;
        t.db.import_page(acc, &[other]).await.unwrap();
        let mut pending = tx(
            None,
            "-19.99",
            date!(2026 - 11 - 20),
            "Bol.com",
            "Bestelling",
        );
        pending.status = BookingStatus::Pending;
        let booked = tx(
            Some("B-7"),
            "-19.990",
            date!(2026 - 11 - 21),
            "Bol.com",
            "Bestelling 4711",
        );
        let c = t.db.import_page(acc, &[pending, booked]).await.unwrap();
        assert_eq!((c.inserted, c.superseded), (2, 1), "{}", t.name);
        let rows = t.db.transactions(acc).await.unwrap();
        assert_eq!(rows.len(), 2, "{}: {rows:?}", t.name);
        assert!(
            rows.iter()
                .any(|r| r.dedupe_key == "id:B-7" && r.status == BookingStatus::Booked)
        );
        t.cleanup().await;
    }
}

#[tokio::test]
async fn an_id_listed_twice_in_a_page_is_stored_once() {
    for t in common::backends().await {
        let acc = account(&t.db).await;
        let mut p = page();
        let mut again = p[5].clone();
        again.remittance_unstructured = Some("the bank's second listing".into());
        p.push(again);
        let c = t.db.import_page(acc, &p).await.unwrap();
        assert_eq!((c.inserted, c.skipped, c.updated), (50, 1, 0), "{}", t.name);
        let rows = t.db.transactions(acc).await.unwrap();
        assert_eq!(rows.len(), 50, "{}", t.name);
        let kept = rows.iter().find(|r| r.dedupe_key == "id:T0005").unwrap();
        assert_eq!(
            kept.remittance_unstructured.as_deref(),
            Some("RE-2026-0005"),
            "{}: the first listing wins",
            t.name
        );
        t.cleanup().await;
    }
}

#[tokio::test]
async fn a_changed_description_is_updated_in_place() {
    for t in common::backends().await {
        let acc = account(&t.db).await;
        t.db.import_page(acc, &page()).await.unwrap();
        let mut p = page();
        p[3].remittance_unstructured = Some("RE-2026-0003 corrected by the bank".into());
        let c = t.db.import_page(acc, &p).await.unwrap();
        assert_eq!((c.inserted, c.updated, c.skipped), (0, 1, 49), "{}", t.name);
        let rows = t.db.transactions(acc).await.unwrap();
        assert!(
            rows.iter().any(|r| r.remittance_unstructured.as_deref()
                == Some("RE-2026-0003 corrected by the bank"))
        );
        t.cleanup().await;
    }
}

#[tokio::test]
async fn money_round_trips_exactly_with_its_sign() {
    for t in common::backends().await {
        let acc = account(&t.db).await;
        let amounts = [
            "-9999999999999.9999",
            "123456789012345.6789",
            "0.10",
            "-5.50",
            "0.00001",
        ];
        let p: Vec<_> = amounts
            .iter()
            .enumerate()
            .map(|(i, a)| tx(Some(&format!("M{i}")), a, date!(2026 - 03 - 29), "X", "y"))
            .collect();
        t.db.import_page(acc, &p).await.unwrap();
        let rows = t.db.transactions(acc).await.unwrap();
        for a in amounts {
            let row = rows
                .iter()
                .find(|r| r.amount.decimal() == Decimal::from_str(a).unwrap());
            assert!(
                row.is_some(),
                "{}: {a} lost; stored {:?}",
                t.name,
                rows.iter().map(|r| &r.amount).collect::<Vec<_>>()
            );
            assert_eq!(row.unwrap().amount.to_string(), a, "{}", t.name);
        }
        // Plain dates, no time-zone shift (the DST change night in Europe).
        assert!(
            rows.iter()
                .all(|r| r.booking_date == Some(date!(2026 - 03 - 29)))
        );
        t.cleanup().await;
    }
}

/// A card payment as ING lists it: a name, no IBAN, no remittance.
fn card(id: Option<&str>, amount: &str, day: time::Date, shop: &str) -> NewTransaction {
    let mut t = tx(id, amount, day, shop, "");
    t.counterparty_iban = None;
    t.remittance_unstructured = None;
    t
}

fn pending(mut t: NewTransaction) -> NewTransaction {
    t.status = BookingStatus::Pending;
    t.bank_transaction_id = None;
    t
}

#[tokio::test]
async fn a_booking_with_a_changed_amount_retires_its_pending_entry() {
    for t in common::backends().await {
        let acc = account(&t.db).await;
        let hold = pending(card(None, "-41.00", date!(2026 - 11 - 20), "Shell Utrecht"));
        t.db.import_page(acc, &[hold]).await.unwrap();
        let booked = card(
            Some("B-41"),
            "-45.10",
            date!(2026 - 11 - 22),
            "Shell Utrecht",
        );
        let c = t.db.import_page(acc, &[booked]).await.unwrap();
        assert_eq!((c.inserted, c.superseded), (1, 1), "{}", t.name);
        let rows = t.db.transactions(acc).await.unwrap();
        assert_eq!(rows.len(), 1, "{}: {rows:?}", t.name);
        assert_eq!(
            (rows[0].amount.to_string().as_str(), rows[0].status),
            ("-45.10", BookingStatus::Booked),
            "{}",
            t.name
        );
        let (listed, total) =
            t.db.list_transactions(&storage::TransactionFilter {
                account_id: Some(acc),
                limit: 50,
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!((listed.len(), total), (1, 1), "{}", t.name);
        t.cleanup().await;
    }
}

#[tokio::test]
async fn a_booking_at_another_shop_with_the_same_amount_leaves_the_pending_entry() {
    for t in common::backends().await {
        let acc = account(&t.db).await;
        let hold = pending(card(None, "-41.00", date!(2026 - 11 - 20), "Shell Utrecht"));
        t.db.import_page(acc, &[hold]).await.unwrap();
        let other = card(Some("B-42"), "-41.00", date!(2026 - 11 - 21), "Jumbo Zeist");
        let c = t.db.import_page(acc, &[other]).await.unwrap();
        assert_eq!((c.inserted, c.superseded), (1, 0), "{}", t.name);
        let rows = t.db.transactions(acc).await.unwrap();
        assert_eq!(rows.len(), 2, "{}: {rows:?}", t.name);
        assert!(
            rows.iter().any(|r| r.status == BookingStatus::Pending),
            "{}",
            t.name
        );
        t.cleanup().await;
    }
}

#[tokio::test]
async fn the_banks_entry_reference_links_a_booking_whatever_its_amount() {
    for t in common::backends().await {
        let acc = account(&t.db).await;
        let mut hold = pending(card(
            None,
            "-100.00",
            date!(2026 - 11 - 20),
            "Hotel Krasnapolsky",
        ));
        hold.entry_reference = Some("ER-2026-7".into());
        t.db.import_page(acc, &[hold]).await.unwrap();
        // 30% more than the hold, beyond the tolerance, and a week later: only the link pairs it.
        let mut booked = card(
            Some("B-43"),
            "-130.00",
            date!(2026 - 11 - 27),
            "Krasnapolsky",
        );
        booked.entry_reference = Some("ER-2026-7".into());
        let c = t.db.import_page(acc, &[booked]).await.unwrap();
        assert_eq!((c.inserted, c.superseded), (1, 1), "{}", t.name);
        let rows = t.db.transactions(acc).await.unwrap();
        assert_eq!(rows.len(), 1, "{}: {rows:?}", t.name);
        assert_eq!(rows[0].amount.to_string(), "-130.00", "{}", t.name);
        t.cleanup().await;
    }
}

#[tokio::test]
async fn a_hold_the_bank_stops_listing_expires_and_comes_back_if_listed_again() {
    for t in common::backends().await {
        let acc = account(&t.db).await;
        let released = pending(card(
            None,
            "-25.00",
            date!(2026 - 11 - 10),
            "Hertz Schiphol",
        ));
        let listed = pending(card(None, "-5.00", date!(2026 - 11 - 12), "Kiosk"));
        let older = pending(card(None, "-30.00", date!(2026 - 10 - 01), "Hotel"));
        let page = vec![released.clone(), listed.clone(), older];
        t.db.import_page(acc, &page).await.unwrap();
        let key = storage::dedupe_keys(std::slice::from_ref(&released)).remove(0);
        let released_id = t.db.transactions(acc).await.unwrap();
        let released_id = released_id.iter().find(|r| r.dedupe_key == key).unwrap().id;
        // The next complete sync of November returns only the kiosk's hold.
        let seen = storage::dedupe_keys(std::slice::from_ref(&listed));
        let n =
            t.db.expire_unseen_pending(acc, date!(2026 - 11 - 01), date!(2026 - 11 - 30), &seen)
                .await
                .unwrap();
        assert_eq!(n, 1, "{}", t.name);
        let live = t.db.transactions(acc).await.unwrap();
        let amounts: Vec<String> = live.iter().map(|r| r.amount.to_string()).collect();
        assert_eq!(amounts.len(), 2, "{}: {amounts:?}", t.name);
        assert!(
            !amounts.contains(&"-25.00".to_owned()),
            "{}: {amounts:?}",
            t.name
        );
        assert!(
            live.iter().all(|r| r.status == BookingStatus::Pending),
            "{}",
            t.name
        );
        let filter = storage::TransactionFilter {
            account_id: Some(acc),
            limit: 50,
            ..Default::default()
        };
        let (_, total) = t.db.list_transactions(&filter).await.unwrap();
        assert_eq!(total, 2, "{}", t.name);
        // Kept, not deleted.
        let kept = t.db.transaction(released_id).await.unwrap().unwrap();
        assert_eq!(kept.status, BookingStatus::Expired, "{}", t.name);
        // Expiring again changes nothing.
        assert_eq!(
            t.db.expire_unseen_pending(acc, date!(2026 - 11 - 01), date!(2026 - 11 - 30), &seen)
                .await
                .unwrap(),
            0,
            "{}",
            t.name
        );
        // The bank lists the hold again: pending again.
        let c =
            t.db.import_page(acc, std::slice::from_ref(&released))
                .await
                .unwrap();
        assert_eq!((c.inserted, c.updated), (0, 1), "{}", t.name);
        let live = t.db.transactions(acc).await.unwrap();
        let back = live.iter().find(|r| r.dedupe_key == key);
        assert_eq!(
            back.map(|r| r.status),
            Some(BookingStatus::Pending),
            "{}",
            t.name
        );
        assert!(
            t.db.expire_unseen_pending(acc, date!(2026 - 11 - 30), date!(2026 - 11 - 01), &seen)
                .await
                .is_err(),
            "{}: an inverted window is refused",
            t.name
        );
        t.cleanup().await;
    }
}

#[tokio::test]
async fn a_pending_entry_booked_under_the_same_id_becomes_booked_and_does_not_expire() {
    for t in common::backends().await {
        let acc = account(&t.db).await;
        let mut hold = card(Some("P-1"), "-12.00", date!(2026 - 11 - 10), "NS");
        hold.status = BookingStatus::Pending;
        t.db.import_page(acc, std::slice::from_ref(&hold))
            .await
            .unwrap();
        let booked = card(Some("P-1"), "-12.00", date!(2026 - 11 - 10), "NS");
        let c = t.db.import_page(acc, &[booked]).await.unwrap();
        assert_eq!((c.inserted, c.updated), (0, 1), "{}", t.name);
        t.db.expire_unseen_pending(acc, date!(2026 - 11 - 01), date!(2026 - 11 - 30), &[])
            .await
            .unwrap();
        let rows = t.db.transactions(acc).await.unwrap();
        assert_eq!(rows.len(), 1, "{}", t.name);
        assert_eq!(rows[0].status, BookingStatus::Booked, "{}", t.name);
        // The bank never sends "expired".
        hold.status = BookingStatus::Expired;
        assert!(t.db.import_page(acc, &[hold]).await.is_err(), "{}", t.name);
        t.cleanup().await;
    }
}

#[tokio::test]
async fn a_hold_the_bank_still_lists_is_pending_again_whatever_a_similar_booking_suggested() {
    for t in common::backends().await {
        let acc = account(&t.db).await;
        let hold = pending(card(None, "-4.50", date!(2026 - 11 - 20), "Café Oost"));
        t.db.import_page(acc, std::slice::from_ref(&hold))
            .await
            .unwrap();
        // Yesterday's coffee books today: similar amount, same café — the tolerance rule
        // pairs it with today's hold.
        let other = card(Some("B-420"), "-4.20", date!(2026 - 11 - 20), "Café Oost");
        let c = t.db.import_page(acc, &[other]).await.unwrap();
        assert_eq!(c.superseded, 1, "{}", t.name);
        // The same sync still lists the hold: it was not booked.
        let seen = storage::dedupe_keys(std::slice::from_ref(&hold));
        assert_eq!(
            t.db.restore_listed_pending(acc, &seen).await.unwrap(),
            1,
            "{}",
            t.name
        );
        let live = t.db.transactions(acc).await.unwrap();
        let mut states: Vec<(String, BookingStatus)> = live
            .iter()
            .map(|r| (r.amount.to_string(), r.status))
            .collect();
        states.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        assert_eq!(
            states,
            [
                ("-4.20".to_owned(), BookingStatus::Booked),
                ("-4.50".to_owned(), BookingStatus::Pending)
            ],
            "{}",
            t.name
        );
        assert!(live.iter().all(|r| r.superseded_by.is_none()));
        t.cleanup().await;
    }
}

#[tokio::test]
async fn a_nul_from_the_bank_is_stored_as_a_replacement_character_on_every_backend() {
    for t in common::backends().await {
        let acc = account(&t.db).await;
        let odd = vec![
            tx(
                Some("N1"),
                "12.00",
                date!(2026 - 11 - 02),
                "Mey\0er",
                "RE-2026-0001\0",
            ),
            tx(
                None,
                "13.00",
                date!(2026 - 11 - 02),
                "Schulz\0",
                "ohne\0Nummer",
            ),
        ];
        let first = t.db.import_page(acc, &odd).await.unwrap();
        assert_eq!(first.inserted, 2, "{}", t.name);
        let rows = t.db.transactions(acc).await.unwrap();
        let names: Vec<_> = rows
            .iter()
            .filter_map(|r| r.counterparty_name.clone())
            .collect();
        assert!(
            names.contains(&"Mey\u{fffd}er".to_owned()),
            "{}: {names:?}",
            t.name
        );
        assert!(rows.iter().all(|r| {
            !r.remittance_unstructured
                .as_deref()
                .unwrap_or("")
                .contains('\0')
        }));
        // The same page again is the same rows: nothing new, nothing changed.
        let again = t.db.import_page(acc, &odd).await.unwrap();
        assert_eq!(
            (again.inserted, again.updated, again.skipped),
            (0, 0, 2),
            "{}",
            t.name
        );
        t.cleanup().await;
    }
}
