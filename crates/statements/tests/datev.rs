//! DATEV Buchungsstapel: header, column line and rows as format version 700 lays them out.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use rust_decimal::Decimal;
use statements::{Chart, DatevBooking, DatevSettings, Period, write_datev};
use time::macros::{date, datetime};

fn settings() -> DatevSettings {
    DatevSettings {
        consultant: 29098,
        client: 55003,
        fiscal_year_start: date!(2024 - 01 - 01),
        account_length: 4,
        chart: Chart::Skr03,
        bank_account: "1200".into(),
        initials: "WD".into(),
        description: "Bank Januar".into(),
    }
}

fn period() -> Period {
    Period {
        from: date!(2024 - 01 - 01),
        to: date!(2024 - 01 - 31),
    }
}

#[test]
fn header_columns_and_rows() {
    let bookings = [
        DatevBooking {
            date: date!(2024 - 01 - 05),
            amount: Decimal::new(119_000, 2),
            contra_account: "10001".into(),
            document: Some("RE-2024-0001".into()),
            text: "Zahlung Jürgen Müller".into(),
        },
        DatevBooking {
            date: date!(2024 - 01 - 10),
            amount: Decimal::new(-7_200, 2),
            contra_account: "70001".into(),
            document: None,
            text: "Lastschrift \"Strom\"".into(),
        },
    ];
    let bytes = write_datev(
        &settings(),
        period(),
        datetime!(2024 - 02 - 01 14:04:40.439),
        &bookings,
    )
    .unwrap();
    let (text, _, bad) = encoding_rs::WINDOWS_1252.decode(&bytes);
    assert!(!bad);
    assert!(bytes.contains(&0xfc), "ü is written in Windows-1252");
    let lines: Vec<&str> = text.split("\r\n").collect();
    assert_eq!(
        lines[0],
        "\"EXTF\";700;21;\"Buchungsstapel\";13;20240201140440439;;\"RE\";\"\";\"\";29098;55003;20240101;4;20240101;20240131;\"Bank Januar\";\"WD\";1;0;0;\"EUR\";;\"\";;;\"03\";;;\"\";\"\""
    );
    assert_eq!(lines[0].split(';').count(), 31);
    assert!(lines[1].starts_with("Umsatz (ohne Soll/Haben-Kz);Soll/Haben-Kennzeichen;WKZ Umsatz;"));
    assert_eq!(
        lines[2],
        "1190,00;\"S\";\"EUR\";;;\"\";1200;10001;\"\";0501;\"RE-2024-0001\";\"\";;\"Zahlung Jürgen Müller\""
    );
    assert_eq!(
        lines[3],
        "72,00;\"H\";\"EUR\";;;\"\";1200;70001;\"\";1001;\"\";\"\";;\"Lastschrift \"\"Strom\"\"\""
    );
    assert_eq!(lines[4], "");
}

#[test]
fn what_datev_would_refuse_is_refused_here() {
    let ok = DatevBooking {
        date: date!(2024 - 01 - 05),
        amount: Decimal::new(100, 2),
        contra_account: "10001".into(),
        document: None,
        text: "x".into(),
    };
    let created = datetime!(2024 - 02 - 01 00:00);
    let mut s = settings();
    s.bank_account = "12000".into();
    assert!(write_datev(&s, period(), created, std::slice::from_ref(&ok)).is_err());
    let across = Period {
        from: date!(2023 - 12 - 01),
        to: date!(2024 - 01 - 31),
    };
    let e = write_datev(&settings(), across, created, std::slice::from_ref(&ok)).unwrap_err();
    assert!(e.to_string().contains("fiscal year"), "{e}");
    let outside = DatevBooking {
        date: date!(2024 - 02 - 01),
        ..ok.clone()
    };
    assert!(write_datev(&settings(), period(), created, &[outside]).is_err());
    let emoji = DatevBooking {
        text: "Danke 🙂".into(),
        ..ok.clone()
    };
    assert!(
        write_datev(&settings(), period(), created, &[emoji])
            .unwrap_err()
            .to_string()
            .contains("Windows-1252")
    );
    let long = DatevBooking {
        text: "x".repeat(61),
        ..ok
    };
    assert!(write_datev(&settings(), period(), created, &[long]).is_err());
}
