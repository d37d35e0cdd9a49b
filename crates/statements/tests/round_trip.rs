//! Export, then import: generated statements come back with the same entries (amounts, dates,
//! texts, references) in camt.053.001.08, camt.053.001.02, MT940 and the plain CSV, less only
//! what a format has no place for (listed per format below).
//!
//! With `STATEMENTS_EXPORT_DIR` set, the exports are also written there for
//! `scripts/checks/statements.sh`, which reads them with independent Python parsers.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use rust_decimal::Decimal;
use statements::{
    AccountId, Balance, CamtHeader, CamtVersion, Charge, DecimalMark, Entry, EntryStatus, Format,
    Party, Period, Statement, parse, parse_csv_with, plain_csv_mapping, write_camt053, write_mt940,
    write_plain_csv,
};
use time::macros::{date, datetime};
use time::{Date, Duration};

/// A small deterministic generator (no randomness crate needed for test data).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }

    fn index(&mut self, n: usize) -> usize {
        self.next(n as u64) as usize
    }

    fn days(&mut self, n: u64) -> Duration {
        Duration::days(self.next(n) as i64)
    }
}

const NAMES: [&str; 6] = [
    "Jürgen Müller",
    "Beta AG",
    "Stadtwerke Beispielstadt Versorgung GmbH",
    "De Vries B.V.",
    "Büro Bedarf KG",
    "Ærø Shipping ApS & Co",
];
const IBANS: [&str; 3] = [
    "DE02120300000000202051",
    "NL02ABNA0123456789",
    "DE89370400440532013000",
];
const TEXTS: [&str; 5] = [
    "RE-2024-0001",
    "Rechnung RE-2024-0002 vom 03.01.2024, Kundennummer 4711, vielen Dank für Ihren Auftrag",
    "Abschlag Januar",
    "Factuur INV-0000042",
    "-Minus am Anfang & <spitze> Klammern",
];

/// `n` entries of every shape: credits, debits, zero, reversals, pending, with and without
/// parties, references and charges.
fn sample(n: usize, seed: u64) -> Statement {
    let mut r = Lcg(seed);
    let start = date!(2024 - 01 - 01);
    let mut entries = Vec::new();
    let mut total = Decimal::ZERO;
    for i in 0..n {
        let cents = r.next(500_000) as i64 - 200_000;
        let amount = if i % 17 == 5 {
            Decimal::new(0, 2)
        } else {
            Decimal::new(cents, 2)
        };
        let booked = start + r.days(28);
        let value = booked + r.days(3);
        let with_party = r.next(4) != 0;
        let e = Entry {
            booking_date: Some(booked),
            value_date: Some(value),
            amount,
            currency: "EUR".into(),
            status: if i % 11 == 3 {
                EntryStatus::Pending
            } else {
                EntryStatus::Booked
            },
            reversal: i % 13 == 7,
            counterparty: if with_party {
                Party {
                    name: Some(NAMES[r.index(6)].into()),
                    iban: Some(IBANS[r.index(3)].into()),
                    account: None,
                    bic: (r.next(2) == 0).then(|| "BYLADEM1001".into()),
                }
            } else {
                Party::default()
            },
            remittance: (r.next(5) != 0).then(|| TEXTS[r.index(5)].into()),
            creditor_reference: (r.next(4) == 0).then(|| "RF18539007547034".into()),
            end_to_end_id: (r.next(2) == 0).then(|| format!("E2E-{i}")),
            bank_reference: (r.next(3) != 0).then(|| format!("REF{i:06}")),
            mandate_id: (amount < Decimal::ZERO && r.next(3) == 0).then(|| format!("M-{i}")),
            creditor_id: (amount < Decimal::ZERO && r.next(3) == 0)
                .then(|| "DE98ZZZ09999999999".into()),
            bank_transaction_code: Some(
                if amount < Decimal::ZERO {
                    "NDDT+105"
                } else {
                    "NTRF+166"
                }
                .into(),
            ),
            booking_text: (r.next(2) == 0).then(|| "SEPA-GUTSCHRIFT".into()),
            charges: if r.next(6) == 0 {
                vec![Charge {
                    amount: Decimal::new(150, 2),
                    currency: "EUR".into(),
                    included: Some(true),
                }]
            } else {
                Vec::new()
            },
        };
        if e.status == EntryStatus::Booked {
            total += amount;
        }
        entries.push(e);
    }
    let opening = Decimal::new(100_000, 2);
    Statement {
        account: AccountId {
            iban: Some("DE89370400440532013000".into()),
            other: None,
            currency: Some("EUR".into()),
            bic: Some("COBADEFFXXX".into()),
            owner_name: Some("Beispiel Handel GmbH".into()),
        },
        id: Some("STMT-2024-01".into()),
        sequence: Some("1".into()),
        period: Some(Period {
            from: start,
            to: date!(2024 - 01 - 31),
        }),
        opening_balance: Some(Balance {
            date: date!(2023 - 12 - 31),
            amount: opening,
            currency: "EUR".into(),
        }),
        closing_balance: Some(Balance {
            date: date!(2024 - 01 - 31),
            amount: opening + total,
            currency: "EUR".into(),
        }),
        entries,
    }
}

fn header() -> CamtHeader {
    CamtHeader {
        message_id: "MSG-1".into(),
        created: datetime!(2024 - 02 - 01 08:00:00),
    }
}

fn booked_only(mut st: Statement) -> Statement {
    st.entries.retain(|e| e.status == EntryStatus::Booked);
    st
}

#[test]
fn camt053_v08_gives_back_every_field() {
    let st = sample(300, 1);
    let xml = write_camt053(std::slice::from_ref(&st), &header(), CamtVersion::V08).unwrap();
    let back = parse(xml.as_bytes(), None).unwrap();
    assert_eq!(back.format, Format::Camt053);
    assert_eq!(back.camt_version, Some(8));
    assert_eq!(back.statements, vec![st]);
}

#[test]
fn camt053_v02_gives_back_every_field_but_the_charge_inclusion() {
    let st = sample(300, 2);
    let xml = write_camt053(std::slice::from_ref(&st), &header(), CamtVersion::V02).unwrap();
    let back = parse(xml.as_bytes(), None).unwrap();
    assert_eq!(back.camt_version, Some(2));
    let mut expected = st;
    for e in &mut expected.entries {
        for c in &mut e.charges {
            c.included = None; // version .02 has no ChrgInclInd
        }
    }
    assert_eq!(back.statements, vec![expected]);
}

#[test]
fn mt940_gives_back_entries_and_balances() {
    let st = booked_only(sample(300, 3));
    let text = write_mt940(std::slice::from_ref(&st)).unwrap();
    let back = parse(text.as_bytes(), None).unwrap();
    assert_eq!(back.format, Format::Mt940);
    let got = &back.statements[0];
    assert_eq!(got.opening_balance, st.opening_balance);
    assert_eq!(got.closing_balance, st.closing_balance);
    assert_eq!(got.account.iban, st.account.iban);
    let expected: Vec<Entry> = st
        .entries
        .iter()
        .cloned()
        .map(|mut e| {
            // MT940 has no place for a creditor reference or charges.
            e.creditor_reference = None;
            e.charges.clear();
            e
        })
        .collect();
    assert_eq!(got.entries, expected);
}

#[test]
fn mt940_refuses_what_it_cannot_hold() {
    let mut st = booked_only(sample(3, 4));
    st.entries[0].remittance = Some("Frage? Antwort".into());
    assert!(
        write_mt940(std::slice::from_ref(&st))
            .unwrap_err()
            .to_string()
            .contains("'?'")
    );
    let pending = sample(12, 5);
    assert!(
        write_mt940(&[pending])
            .unwrap_err()
            .to_string()
            .contains("pending")
    );
}

#[test]
fn plain_csv_gives_back_entries_with_either_decimal_mark() {
    let st = sample(200, 6);
    for mark in [DecimalMark::Comma, DecimalMark::Point] {
        let bytes = write_plain_csv(std::slice::from_ref(&st), mark).unwrap();
        let text = String::from_utf8(bytes.clone()).unwrap();
        assert!(
            text.contains("'-Minus am Anfang"),
            "formula-like text is neutralised"
        );
        let back = parse_csv_with(&bytes, &plain_csv_mapping(mark)).unwrap();
        let expected: Vec<Entry> = st
            .entries
            .iter()
            .cloned()
            .map(|mut e| {
                e.charges.clear(); // the plain CSV has no charge columns
                e
            })
            .collect();
        assert_eq!(back.statements[0].entries, expected);
    }
}

#[test]
fn write_exports_for_independent_readers() {
    let Ok(dir) = std::env::var("STATEMENTS_EXPORT_DIR") else {
        return;
    };
    let dir = std::path::Path::new(&dir);
    let st = sample(500, 7);
    let booked = booked_only(st.clone());
    let sum = |s: &Statement| s.entries.iter().map(|e| e.amount).sum::<Decimal>();
    let write = |name: &str, bytes: &[u8]| std::fs::write(dir.join(name), bytes).unwrap();
    write(
        "camt053_v08.xml",
        write_camt053(std::slice::from_ref(&st), &header(), CamtVersion::V08)
            .unwrap()
            .as_bytes(),
    );
    write(
        "camt053_v02.xml",
        write_camt053(std::slice::from_ref(&st), &header(), CamtVersion::V02)
            .unwrap()
            .as_bytes(),
    );
    write(
        "statement.sta",
        write_mt940(std::slice::from_ref(&booked))
            .unwrap()
            .as_bytes(),
    );
    let expected = serde_json_lite(&[
        ("camt_entries", st.entries.len().to_string()),
        ("camt_sum", sum(&st).to_string()),
        ("mt940_entries", booked.entries.len().to_string()),
        ("mt940_sum", sum(&booked).to_string()),
        (
            "opening",
            st.opening_balance.as_ref().unwrap().amount.to_string(),
        ),
        (
            "closing",
            st.closing_balance.as_ref().unwrap().amount.to_string(),
        ),
    ]);
    write("expected.json", expected.as_bytes());
}

fn serde_json_lite(pairs: &[(&str, String)]) -> String {
    let body: Vec<String> = pairs
        .iter()
        .map(|(k, v)| format!("\"{k}\": \"{v}\""))
        .collect();
    format!("{{{}}}", body.join(", "))
}

#[test]
fn every_date_stays_in_its_year() {
    // The MT940 entry date carries no year: across a year end it must land in the right one.
    let mut st = booked_only(sample(1, 8));
    st.entries[0].value_date = Some(date!(2024 - 01 - 01));
    st.entries[0].booking_date =
        Some(Date::from_calendar_date(2023, time::Month::December, 31).unwrap());
    let back = parse(
        write_mt940(std::slice::from_ref(&st)).unwrap().as_bytes(),
        None,
    )
    .unwrap();
    assert_eq!(
        back.statements[0].entries[0].booking_date,
        st.entries[0].booking_date
    );
}

/// Reading speed of a large camt.053 (`STATEMENTS_BENCH_ENTRIES=100000`; skipped otherwise so CI
/// stays fast). Prints entries per second; `docs/PERFORMANCE.md` has the figure.
#[test]
fn camt053_read_speed() {
    let Some(n) = std::env::var("STATEMENTS_BENCH_ENTRIES")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
    else {
        return;
    };
    let st = sample(n, 9);
    let xml = write_camt053(std::slice::from_ref(&st), &header(), CamtVersion::V08).unwrap();
    let started = std::time::Instant::now();
    let back = parse(xml.as_bytes(), None).unwrap();
    let took = started.elapsed();
    assert_eq!(back.statements[0].entries.len(), n);
    let lists = back.statements[0].to_transaction_lists();
    let mapped = started.elapsed();
    assert_eq!(lists.booked.len() + lists.pending.len(), n);
    println!(
        "camt.053.001.08: {n} entries, {} MB, read in {:.2} s ({:.0} entries/s), mapped to PSD2 transactions by {:.2} s",
        xml.len() / 1_000_000,
        took.as_secs_f64(),
        n as f64 / took.as_secs_f64(),
        mapped.as_secs_f64()
    );
}
