//! What each simulated day brings to an account, decided only by (seed, account, day) so the
//! ledger is the same however and whenever it is asked.
//!
//! The rules imitate what makes bank sync hard, with fixed bounds a checker can rely on:
//! - 2–6 direct bookings a day (incoming customer payments with invoice texts, outgoing
//!   payments), each under a fresh unique `transactionId`; about 1 in 10 arrives **back-dated**:
//!   it first shows on day D but carries a `bookingDate` 1–5 days before D (never more than 5).
//! - 0–2 card payments a day, first **pending** (no `transactionId`, `valueDate` the day). About
//!   1 in 8 is a hold that **vanishes** after 2–7 days without booking; the others **book** 1–5
//!   days later under a new `transactionId` with the same counterparty, booking date the day
//!   they book, about 1 in 4 with **another amount** (a tip of up to +20 %, or a currency
//!   conversion of up to ±3 %, always a different amount with two decimals). A booked card
//!   payment's key is its pending entry's key plus `-booked`.
//! - About 1 in 20 days, one booked entry of the last 10 days is **enriched**: same
//!   `transactionId`, a longer remittance text (or, without one, a fuller counterparty name).
//! - Pending entries of the generated history book 1–3 days after the start, under new ids.

use rand::seq::IndexedRandom;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rust_decimal::Decimal;
use time::{Date, Duration};

use crate::data::{self, Status, Transaction};
use crate::record::{AccountHistory, Record};

/// Card acceptors: (name, city).
const DE_SHOPS: &[(&str, &str)] = &[
    ("REWE Markt GmbH", "Berlin"),
    ("EDEKA Center", "München"),
    ("Aral Tankstelle", "Hamburg"),
    ("MediaMarkt", "Köln"),
    ("Restaurant Da Luigi", "Frankfurt"),
    ("Café Einstein", "Berlin"),
    ("DB Fernverkehr AG", "Frankfurt"),
    ("Hotel Adler", "Stuttgart"),
];
const NL_SHOPS: &[(&str, &str)] = &[
    ("Albert Heijn 1234", "Amsterdam"),
    ("Jumbo Supermarkt", "Utrecht"),
    ("HEMA", "Rotterdam"),
    ("Shell Station", "Eindhoven"),
    ("Restaurant De Kas", "Amsterdam"),
    ("NS Reizigers", "Utrecht"),
    ("Hotel Okura", "Amsterdam"),
];

/// The seed of one (seed, account, day): splitmix64 over the three, so neighbouring days and
/// accounts get unrelated streams.
fn day_seed(seed: u64, account: u64, day: Date, salt: u64) -> u64 {
    let mut x = seed
        ^ account.wrapping_mul(0x9E37_79B9_7F4A_7C15)
        ^ (day.to_julian_day() as u64).wrapping_mul(0xC2B2_AE3D_27D4_EB4F)
        ^ salt.wrapping_mul(0x1656_67B1_9E37_79F9);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

/// A `transactionId` no entry of the account has had.
fn fresh_id(rng: &mut ChaCha8Rng, ledger: &mut AccountHistory) -> String {
    loop {
        let id = format!("{:016X}", rng.random::<u64>());
        if ledger.ids.insert(id.clone()) {
            return id;
        }
    }
}

fn key(ledger: &AccountHistory, day: Date, n: usize) -> String {
    format!("ev-{:03}-{day}-{n:02}", ledger.no)
}

/// Books the generated history's pending entries 1–3 days after `start`.
pub(crate) fn settle_initial(
    ledger: &mut AccountHistory,
    seed: u64,
    start: Date,
    pending: Vec<Transaction>,
) {
    let mut rng = ChaCha8Rng::seed_from_u64(day_seed(seed, ledger.no, start, 1));
    for t in pending {
        let books = start + Duration::days(rng.random_range(1..=3));
        let mut booked = t.clone();
        booked.key = format!("{}-booked", t.key);
        booked.status = Status::Booked;
        booked.booking_date = Some(books);
        booked.transaction_id = Some(fresh_id(&mut rng, ledger));
        let mut record = Record::new(Date::MIN, t);
        record.until = Some(books);
        ledger.records.push(record);
        ledger.records.push(Record::new(books, booked));
    }
}

/// Adds what `day` brings to the account.
pub(crate) fn day(ledger: &mut AccountHistory, seed: u64, day: Date) {
    let mut rng = ChaCha8Rng::seed_from_u64(day_seed(seed, ledger.no, day, 0));
    let mut n = 0;
    for _ in 0..rng.random_range(2..=6) {
        n += 1;
        direct_booking(ledger, &mut rng, day, n);
    }
    for _ in 0..rng.random_range(0..=2) {
        n += 1;
        card_payment(ledger, &mut rng, day, n);
    }
    if rng.random_ratio(1, 20) {
        enrich(ledger, &mut rng, day);
    }
}

fn direct_booking(ledger: &mut AccountHistory, rng: &mut ChaCha8Rng, day: Date, n: usize) {
    let booking = if rng.random_ratio(1, 10) {
        day - Duration::days(rng.random_range(1..=5))
    } else {
        day
    };
    let (mut tx, invoice) = if rng.random_bool(0.55) {
        let resource_id = ledger.resource_id.clone();
        data::incoming_payment(
            rng,
            ledger.dutch,
            booking,
            &resource_id,
            &mut ledger.invoice_seq,
        )
    } else {
        (data::outgoing_payment(rng, ledger.dutch, booking), None)
    };
    tx.key = key(ledger, day, n);
    tx.transaction_id = Some(fresh_id(rng, ledger));
    let mut record = Record::new(day, tx);
    record.invoice = invoice;
    ledger.records.push(record);
}

fn card_payment(ledger: &mut AccountHistory, rng: &mut ChaCha8Rng, day: Date, n: usize) {
    let shops = if ledger.dutch { NL_SHOPS } else { DE_SHOPS };
    let (shop, city) = shops.choose(rng).copied().unwrap_or(("Kasse", "Berlin"));
    let iban = if ledger.dutch {
        data::nl_iban(rng)
    } else {
        data::de_iban(rng)
    };
    let amount = -Decimal::new(rng.random_range(300..25_000), 2);
    let (kind, text) = if ledger.dutch {
        (
            "Betaalautomaat",
            format!(
                "Pasvolgnr: {:03} {:02}-{:02}-{} {shop} {city}",
                rng.random_range(1..999),
                day.day(),
                u8::from(day.month()),
                day.year()
            ),
        )
    } else {
        (
            "Kartenzahlung",
            format!(
                "{shop}//{city}/DE {}-{:02}-{:02}T{:02}:{:02}:00 Debitk.{} VISA Debit",
                day.year(),
                u8::from(day.month()),
                day.day(),
                rng.random_range(8..22),
                rng.random_range(0..60),
                rng.random_range(1..9)
            ),
        )
    };
    let mut pending = data::blank(day, amount, shop, &iban, "NOTPROVIDED".to_owned(), kind);
    pending.key = key(ledger, day, n);
    pending.status = Status::Pending;
    pending.booking_date = None;
    pending.remittance_unstructured = Some(text);
    let mut record = Record::new(day, pending.clone());
    if rng.random_ratio(1, 8) {
        // A hold that is released without booking.
        record.until = Some(day + Duration::days(rng.random_range(2..=7)));
        ledger.records.push(record);
        return;
    }
    let books = day + Duration::days(rng.random_range(1..=5));
    record.until = Some(books);
    ledger.records.push(record);
    let mut booked = pending;
    booked.key = format!("{}-booked", booked.key);
    booked.status = Status::Booked;
    booked.booking_date = Some(books);
    booked.transaction_id = Some(fresh_id(rng, ledger));
    if rng.random_ratio(1, 4) {
        booked.amount = changed_amount(rng, amount);
    }
    ledger.records.push(Record::new(books, booked));
}

/// A tip (up to +20 % of the paid amount) or a currency conversion (up to ±3 %), rounded to
/// cents and always different from `amount`.
fn changed_amount(rng: &mut ChaCha8Rng, amount: Decimal) -> Decimal {
    let basis_points: i64 = if rng.random_bool(0.5) {
        rng.random_range(1..=2000)
    } else {
        let bp = rng.random_range(1..=300);
        if rng.random_bool(0.5) { bp } else { -bp }
    };
    let factor = Decimal::new(10_000 + basis_points, 4);
    let changed = (amount * factor).round_dp(2);
    if changed == amount {
        // Too small an amount to move by a cent: move it by one (in the same direction).
        if basis_points > 0 {
            amount - Decimal::new(1, 2)
        } else {
            amount + Decimal::new(1, 2)
        }
    } else {
        changed
    }
}

fn enrich(ledger: &mut AccountHistory, rng: &mut ChaCha8Rng, day: Date) {
    let oldest = day - Duration::days(10);
    let candidates: Vec<usize> = ledger
        .records
        .iter()
        .enumerate()
        .filter(|(_, r)| r.from < day && r.until.is_none())
        .filter(|(_, r)| {
            r.latest()
                .is_some_and(|t| t.status == Status::Booked && t.date() >= oldest && t.date() < day)
        })
        .map(|(i, _)| i)
        .collect();
    let Some(&i) = candidates.choose(rng) else {
        return;
    };
    let reference = rng.random_range(10_000_000..100_000_000u32);
    let dutch = ledger.dutch;
    let Some(record) = ledger.records.get_mut(i) else {
        return;
    };
    let Some(mut tx) = record.latest().cloned() else {
        return;
    };
    match &tx.remittance_unstructured {
        Some(text) if dutch => {
            tx.remittance_unstructured = Some(format!("{text} Kenmerk: {reference}"));
        }
        Some(text) => tx.remittance_unstructured = Some(format!("{text} EREF+{reference}")),
        None => tx.counterparty_name = format!("{} (Ref. {reference})", tx.counterparty_name),
    }
    record.versions.push((day, tx));
}
