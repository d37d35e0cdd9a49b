//! DATEV "Buchungsstapel" (EXTF format version 700, data category 21, format version 13): the
//! file a German tax adviser imports bookings from. A header line with the consultant and
//! client numbers, fiscal year start, account length, period and chart of accounts; a line of
//! column names; one row per booking. Fields and their meaning are in `docs/statements.md`.
//! Only the first columns of the format are written (amount to posting text); DATEV reads the
//! rest as empty.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use time::{Date, PrimitiveDateTime};

use crate::error::Error;
use crate::model::Period;

/// The chart of accounts the client books with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Chart {
    /// SKR 03 (process-oriented; bank 1200, receivables 1400, debtors 10000–69999).
    Skr03,
    /// SKR 04 (balance-sheet oriented; bank 1800, receivables 1200).
    Skr04,
}

/// The settings of a DATEV export (the tax adviser gives them; none has a sensible default).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DatevSettings {
    /// Beraternummer (consultant number), 1001–9999999.
    pub consultant: u32,
    /// Mandantennummer (client number), 1–99999.
    pub client: u32,
    /// First day of the fiscal year the bookings fall in.
    pub fiscal_year_start: Date,
    /// Length of general-ledger account numbers (Sachkontenlänge), 4 to 8.
    pub account_length: u8,
    /// SKR03 or SKR04.
    pub chart: Chart,
    /// The bank account's G/L number (e.g. 1200 in SKR03, 1800 in SKR04).
    pub bank_account: String,
    /// Initials of who made the batch (Diktatkürzel), up to 2 characters.
    pub initials: String,
    /// The batch's name.
    pub description: String,
}

/// One booking: a payment from the bank's view against a contra account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DatevBooking {
    /// Booking (document) date.
    pub date: Date,
    /// Signed from the bank's view: money in > 0 (bank debited, "S"), money out < 0 ("H").
    pub amount: Decimal,
    /// The customer's debtor account, or the receivables account when none.
    pub contra_account: String,
    /// Belegfeld 1: the invoice number.
    pub document: Option<String>,
    /// Posting text (up to 60 characters).
    pub text: String,
}

fn quote(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

fn digits(what: &str, s: &str, len: std::ops::RangeInclusive<usize>) -> Result<(), Error> {
    if !len.contains(&s.len()) || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Error::Export(format!(
            "the {what} {s:?} must be {}–{} digits",
            len.start(),
            len.end()
        )));
    }
    Ok(())
}

fn ymd(d: Date) -> String {
    format!("{:04}{:02}{:02}", d.year(), u8::from(d.month()), d.day())
}

/// The column names of the rows written (the first 14 of format version 13).
const COLUMNS: [&str; 14] = [
    "Umsatz (ohne Soll/Haben-Kz)",
    "Soll/Haben-Kennzeichen",
    "WKZ Umsatz",
    "Kurs",
    "Basis-Umsatz",
    "WKZ Basis-Umsatz",
    "Konto",
    "Gegenkonto (ohne BU-Schlüssel)",
    "BU-Schlüssel",
    "Belegdatum",
    "Belegfeld 1",
    "Belegfeld 2",
    "Skonto",
    "Buchungstext",
];

/// Writes the batch as DATEV expects it: Windows-1252 text, `;` separated, CRLF lines.
pub fn write_datev(
    settings: &DatevSettings,
    period: Period,
    created: PrimitiveDateTime,
    bookings: &[DatevBooking],
) -> Result<Vec<u8>, Error> {
    if !(1001..=9_999_999).contains(&settings.consultant) {
        return Err(Error::Export(
            "the consultant number must be 1001–9999999".into(),
        ));
    }
    if !(1..=99_999).contains(&settings.client) {
        return Err(Error::Export("the client number must be 1–99999".into()));
    }
    if !(4..=8).contains(&settings.account_length) {
        return Err(Error::Export("the account length must be 4 to 8".into()));
    }
    let len = usize::from(settings.account_length);
    digits("bank account", &settings.bank_account, len..=len)?;
    let fy_end = settings
        .fiscal_year_start
        .replace_year(settings.fiscal_year_start.year() + 1)
        .ok()
        .and_then(Date::previous_day)
        .ok_or_else(|| Error::Export("the fiscal year start is not a valid date".into()))?;
    if period.from < settings.fiscal_year_start || period.to > fy_end || period.from > period.to {
        return Err(Error::Export(format!(
            "the period {}–{} must lie within one fiscal year ({}–{}); export each fiscal year on its own",
            period.from, period.to, settings.fiscal_year_start, fy_end
        )));
    }
    if settings.initials.chars().count() > 2 || settings.description.chars().count() > 30 {
        return Err(Error::Export(
            "initials are at most 2 characters and the description at most 30".into(),
        ));
    }
    let created = format!(
        "{}{:02}{:02}{:02}{:03}",
        ymd(created.date()),
        created.hour(),
        created.minute(),
        created.second(),
        created.millisecond()
    );
    let chart = match settings.chart {
        Chart::Skr03 => "03",
        Chart::Skr04 => "04",
    };
    let header: Vec<String> = vec![
        quote("EXTF"),
        "700".into(),
        "21".into(),
        quote("Buchungsstapel"),
        "13".into(),
        created,
        String::new(),
        quote("RE"),
        quote(""),
        quote(""),
        settings.consultant.to_string(),
        settings.client.to_string(),
        ymd(settings.fiscal_year_start),
        settings.account_length.to_string(),
        ymd(period.from),
        ymd(period.to),
        quote(&settings.description),
        quote(&settings.initials),
        "1".into(),
        "0".into(),
        "0".into(),
        quote("EUR"),
        String::new(),
        quote(""),
        String::new(),
        String::new(),
        quote(chart),
        String::new(),
        String::new(),
        quote(""),
        quote(""),
    ];
    let mut out = header.join(";");
    out.push_str("\r\n");
    out.push_str(&COLUMNS.join(";"));
    out.push_str("\r\n");
    for (i, b) in bookings.iter().enumerate() {
        let n = i + 1;
        if b.date < period.from || b.date > period.to {
            return Err(Error::Export(format!(
                "booking {n} on {} lies outside the period",
                b.date
            )));
        }
        if b.amount.is_zero() {
            return Err(Error::Export(format!("booking {n} has no amount")));
        }
        digits("contra account", &b.contra_account, len..=len + 1)
            .map_err(|e| Error::Export(format!("booking {n}: {e}")))?;
        let doc = b.document.clone().unwrap_or_default();
        if doc.chars().count() > 36 || b.text.chars().count() > 60 {
            return Err(Error::Export(format!(
                "booking {n}: the document number is at most 36 and the text at most 60 characters"
            )));
        }
        let amount = b.amount.abs().round_dp(2);
        if amount != b.amount.abs() {
            return Err(Error::Export(format!(
                "booking {n}: {} has more than two decimals",
                b.amount
            )));
        }
        let row = [
            format!("{amount:.2}").replace('.', ","),
            quote(if b.amount > Decimal::ZERO { "S" } else { "H" }),
            quote("EUR"),
            String::new(),
            String::new(),
            quote(""),
            settings.bank_account.clone(),
            b.contra_account.clone(),
            quote(""),
            format!("{:02}{:02}", b.date.day(), u8::from(b.date.month())),
            quote(&doc),
            quote(""),
            String::new(),
            quote(&b.text),
        ];
        out.push_str(&row.join(";"));
        out.push_str("\r\n");
    }
    crate::text::encode_1252(&out).ok_or_else(|| {
        Error::Export(
            "a text has characters Windows-1252 cannot hold, which DATEV requires; change the text"
                .into(),
        )
    })
}
