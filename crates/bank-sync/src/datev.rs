//! The DATEV "Buchungsstapel" of the matched payments: what a German tax adviser imports. Each
//! confirmed allocation of a booked payment is one booking of the bank account against the
//! customer's debtor account (when the customer number is one) or the receivables account,
//! with the invoice number as Belegfeld 1. The adviser's numbers (consultant, client, fiscal
//! year, account length, chart) are deployment settings (`PSD2_DATEV_*`, `datev_settings.rs`); the file itself is
//! written by the `statements` crate. Fields and rules: `docs/statements.md`.

use statements::{Chart, DatevBooking, DatevSettings, Period};
use storage::MatchedPayment;
use time::Date;

use crate::datev_settings::{DatevChart, DatevConfig};
use crate::error::SyncError;
use crate::service::BankSync;

impl DatevConfig {
    /// The settings `write_datev` takes, for a period starting on `from`.
    pub(crate) fn settings_for(&self, from: Date) -> Result<DatevSettings, SyncError> {
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
    pub(crate) fn booking(&self, p: &MatchedPayment) -> DatevBooking {
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
