//! The DATEV "Buchungsstapel" of the matched payments: what a German tax adviser imports. Each
//! confirmed allocation of a booked payment is one booking of the bank account against the
//! customer's debtor account (when the customer number is one) or the receivables account,
//! with the invoice number as Belegfeld 1. The adviser's numbers (consultant, client, fiscal
//! year, account length, chart) are deployment settings (`PSD2_DATEV_*`); the file itself is
//! written by the `statements` crate. Fields and rules: `docs/statements.md`.

use statements::{Chart, DatevBooking, DatevSettings, Period};
use storage::MatchedPayment;
use time::{Date, Month};

use crate::error::SyncError;
use crate::service::BankSync;

/// The chart of accounts the adviser books with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
pub enum DatevChart {
    /// SKR 03: bank 1200, receivables 1400.
    #[default]
    Skr03,
    /// SKR 04: bank 1800, receivables 1200.
    Skr04,
}

impl DatevChart {
    /// The chart's usual bank and receivables accounts (four digits).
    fn defaults(self) -> (&'static str, &'static str) {
        match self {
            DatevChart::Skr03 => ("1200", "1400"),
            DatevChart::Skr04 => ("1800", "1200"),
        }
    }
}

/// The DATEV settings a tax adviser gives (flags or the `PSD2_DATEV_*` environment variables).
/// Without the consultant and client numbers a DATEV export is refused, naming them.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "cli", derive(clap::Args))]
pub struct DatevConfig {
    /// DATEV consultant number (Beraternummer, 1001–9999999), from the tax adviser.
    #[cfg_attr(
        feature = "cli",
        arg(long = "datev-consultant", env = "PSD2_DATEV_CONSULTANT")
    )]
    pub consultant: Option<u32>,

    /// DATEV client number (Mandantennummer, 1–99999), from the tax adviser.
    #[cfg_attr(feature = "cli", arg(long = "datev-client", env = "PSD2_DATEV_CLIENT"))]
    pub client: Option<u32>,

    /// First day of the fiscal year as `MM-DD` (`01-01` for the calendar year).
    #[cfg_attr(
        feature = "cli",
        arg(
            long = "datev-fiscal-year-start",
            env = "PSD2_DATEV_FISCAL_YEAR_START",
            default_value = "01-01"
        )
    )]
    pub fiscal_year_start: String,

    /// Length of general-ledger account numbers (Sachkontenlänge, 4–8); debtor accounts have
    /// one digit more.
    #[cfg_attr(
        feature = "cli",
        arg(
            long = "datev-account-length",
            env = "PSD2_DATEV_ACCOUNT_LENGTH",
            default_value_t = 4
        )
    )]
    pub account_length: u8,

    /// Chart of accounts: `skr03` or `skr04`.
    #[cfg_attr(
        feature = "cli",
        arg(
            long = "datev-chart",
            env = "PSD2_DATEV_CHART",
            value_enum,
            default_value = "skr03"
        )
    )]
    pub chart: DatevChart,

    /// The bank account's G/L number; default the chart's (SKR03 1200, SKR04 1800), filled with
    /// zeros to the account length.
    #[cfg_attr(
        feature = "cli",
        arg(long = "datev-bank-account", env = "PSD2_DATEV_BANK_ACCOUNT")
    )]
    pub bank_account: Option<String>,

    /// The receivables account booked when a customer number is not a debtor account; default
    /// the chart's (SKR03 1400, SKR04 1200), filled with zeros to the account length.
    #[cfg_attr(
        feature = "cli",
        arg(
            long = "datev-receivables-account",
            env = "PSD2_DATEV_RECEIVABLES_ACCOUNT"
        )
    )]
    pub receivables_account: Option<String>,
}

impl Default for DatevConfig {
    fn default() -> Self {
        Self {
            consultant: None,
            client: None,
            fiscal_year_start: "01-01".into(),
            account_length: 4,
            chart: DatevChart::Skr03,
            bank_account: None,
            receivables_account: None,
        }
    }
}

impl DatevConfig {
    /// The chart's account number `base` at the configured length (`1200` → `12000` at 5).
    fn at_length(&self, base: &str) -> String {
        let mut s = base.to_owned();
        while s.len() < usize::from(self.account_length) {
            s.push('0');
        }
        s
    }

    /// The bank account's G/L number.
    pub fn bank_account(&self) -> String {
        self.bank_account
            .clone()
            .unwrap_or_else(|| self.at_length(self.chart.defaults().0))
    }

    /// The receivables account's G/L number.
    pub fn receivables_account(&self) -> String {
        self.receivables_account
            .clone()
            .unwrap_or_else(|| self.at_length(self.chart.defaults().1))
    }

    /// The customer number as a debtor account when it is one: digits, one more than the
    /// account length, from 1 followed by zeros to 6 followed by nines (SKR03 and SKR04 keep
    /// debtors at 10000–69999 with length 4).
    pub fn debtor_account(&self, customer_number: Option<&str>) -> Option<String> {
        let n = customer_number?.trim();
        let digits = usize::from(self.account_length) + 1;
        let first = n.bytes().next()?;
        (n.len() == digits
            && n.bytes().all(|b| b.is_ascii_digit())
            && (b'1'..=b'6').contains(&first))
        .then(|| n.to_owned())
    }

    /// The first day of the fiscal year `day` falls in.
    pub fn fiscal_year_of(&self, day: Date) -> Result<Date, SyncError> {
        let bad = || {
            SyncError::BadRequest(format!(
                "PSD2_DATEV_FISCAL_YEAR_START {:?} is not a day as MM-DD (e.g. 01-01 or 07-01)",
                self.fiscal_year_start
            ))
        };
        let (m, d) = self
            .fiscal_year_start
            .trim()
            .split_once('-')
            .ok_or_else(bad)?;
        let month = m.parse::<u8>().ok().and_then(|m| Month::try_from(m).ok());
        let (Some(month), Ok(d)) = (month, d.parse::<u8>()) else {
            return Err(bad());
        };
        // 29 February is refused: it is not a start every year has.
        if month == Month::February && d > 28 {
            return Err(bad());
        }
        let this_year = Date::from_calendar_date(day.year(), month, d).map_err(|_| bad())?;
        if this_year <= day {
            Ok(this_year)
        } else {
            Date::from_calendar_date(day.year() - 1, month, d).map_err(|_| bad())
        }
    }

    /// The settings `write_datev` takes, for a period starting on `from`.
    fn settings_for(&self, from: Date) -> Result<DatevSettings, SyncError> {
        let (Some(consultant), Some(client)) = (self.consultant, self.client) else {
            return Err(SyncError::BadRequest(
                "a DATEV export needs the consultant and client numbers your tax adviser gives: \
                 set PSD2_DATEV_CONSULTANT and PSD2_DATEV_CLIENT"
                    .into(),
            ));
        };
        Ok(DatevSettings {
            consultant,
            client,
            fiscal_year_start: self.fiscal_year_of(from)?,
            account_length: self.account_length,
            chart: match self.chart {
                DatevChart::Skr03 => Chart::Skr03,
                DatevChart::Skr04 => Chart::Skr04,
            },
            bank_account: self.bank_account(),
            initials: String::new(),
            description: "Zahlungseingänge".into(),
        })
    }

    /// One matched payment as a DATEV booking.
    fn booking(&self, p: &MatchedPayment) -> DatevBooking {
        let contra = self
            .debtor_account(p.customer_number.as_deref())
            .unwrap_or_else(|| self.receivables_account());
        let who = p.counterparty_name.as_deref().unwrap_or(&p.customer_name);
        DatevBooking {
            date: p.date,
            amount: p.amount,
            contra_account: contra,
            document: Some(p.invoice_number.clone()),
            text: posting_text(&format!("{} {who}", p.invoice_number)),
        }
    }
}

/// A posting text DATEV takes: at most 60 characters, each one Windows-1252 holds (others become
/// `?`, control characters a space), so an unusual payer name cannot make the export fail.
fn posting_text(s: &str) -> String {
    const CP1252_EXTRA: &str = "€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ";
    s.chars()
        .map(|c| match c {
            c if c.is_control() => ' ',
            ' '..='~' | '\u{a0}'..='\u{ff}' => c,
            c if CP1252_EXTRA.contains(c) => c,
            _ => '?',
        })
        .take(60)
        .collect::<String>()
        .trim()
        .to_owned()
}

impl BankSync {
    /// The DATEV Buchungsstapel (EXTF 700, category 21) of the payments matched to invoices and
    /// booked from `from` to `to` (both included, within one fiscal year), with the deployment's
    /// numbers (`PSD2_DATEV_*`); created now (the service's clock).
    pub async fn export_datev(&self, from: Date, to: Date) -> Result<Vec<u8>, SyncError> {
        let config = &self.policy.datev;
        self.export_datev_with(config, from, to).await
    }

    /// [`export_datev`](Self::export_datev) with other numbers than the deployment's.
    pub async fn export_datev_with(
        &self,
        config: &DatevConfig,
        from: Date,
        to: Date,
    ) -> Result<Vec<u8>, SyncError> {
        if from > to {
            return Err(SyncError::BadRequest(format!(
                "from {from} is after to {to}"
            )));
        }
        let settings = config.settings_for(from)?;
        let payments = self.db.matched_payments(from, to).await?;
        if let Some(p) = payments.iter().find(|p| p.currency != "EUR") {
            return Err(SyncError::BadRequest(format!(
                "the payment matched to invoice {} is in {}: a DATEV batch holds EUR bookings \
                 only; export a period without it",
                p.invoice_number, p.currency
            )));
        }
        let bookings: Vec<DatevBooking> = payments
            .iter()
            .filter(|p| !p.amount.is_zero())
            .map(|p| config.booking(p))
            .collect();
        let now = self.now();
        let created = time::PrimitiveDateTime::new(now.date(), now.time());
        statements::write_datev(&settings, Period { from, to }, created, &bookings)
            .map_err(|e| SyncError::BadRequest(format!("the DATEV export: {e}")))
    }
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;

    #[test]
    fn the_fiscal_year_starts_on_or_before_the_day() {
        let c = DatevConfig {
            fiscal_year_start: "07-01".into(),
            ..DatevConfig::default()
        };
        assert_eq!(
            c.fiscal_year_of(date!(2026 - 11 - 30)).ok(),
            Some(date!(2026 - 07 - 01))
        );
        assert_eq!(
            c.fiscal_year_of(date!(2026 - 03 - 01)).ok(),
            Some(date!(2025 - 07 - 01))
        );
        let bad = DatevConfig {
            fiscal_year_start: "02-29".into(),
            ..DatevConfig::default()
        };
        assert!(bad.fiscal_year_of(date!(2026 - 03 - 01)).is_err());
    }

    #[test]
    fn a_customer_number_is_a_debtor_account_only_in_the_debtor_range() {
        let c = DatevConfig::default();
        assert_eq!(c.debtor_account(Some("10042")).as_deref(), Some("10042"));
        assert_eq!(c.debtor_account(Some("70000")), None);
        assert_eq!(c.debtor_account(Some("K-1001")), None);
        assert_eq!(c.debtor_account(Some("1004")), None);
        assert_eq!(c.receivables_account(), "1400");
        let skr04 = DatevConfig {
            chart: DatevChart::Skr04,
            account_length: 5,
            ..DatevConfig::default()
        };
        assert_eq!(
            (skr04.bank_account(), skr04.receivables_account()),
            ("18000".to_owned(), "12000".to_owned())
        );
        assert_eq!(
            skr04.debtor_account(Some("100042")).as_deref(),
            Some("100042")
        );
    }

    #[test]
    fn posting_texts_fit_datev() {
        assert_eq!(posting_text("RE-1 Müller & Söhne"), "RE-1 Müller & Söhne");
        assert_eq!(posting_text("RE-1 Łódź\nGmbH"), "RE-1 ?ód? GmbH");
        assert_eq!(posting_text(&"x".repeat(80)).len(), 60);
    }
}
