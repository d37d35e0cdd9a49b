//! The tax adviser's DATEV numbers (`PSD2_DATEV_*`): a setting of the deployment, kept in the
//! service's `Policy` and read by the DATEV export (`datev.rs`).

use time::{Date, Month};

use crate::error::SyncError;

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
}
