//! Which column holds what: the description every CSV layout is, the banks' built-in ones and
//! the generic one a person saves for any other bank (serde, so it can be stored and reused).
//! Columns are named by their header text (case and surrounding spaces ignored); a header that
//! appears twice is told apart with `#2` (ING Germany has two `Währung` columns).

use serde::{Deserialize, Serialize};

use super::amount::DecimalMark;

/// How the dates are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum DateFormat {
    /// `31.12.2024` (also `31.12.24`).
    #[default]
    DayMonthYear,
    /// `2024-12-31`.
    Iso,
    /// `20241231`.
    Compact,
    /// `12/31/2024`.
    MonthDayYear,
}

/// Where the signed amount comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum AmountColumns {
    /// One column with a sign (`-12,50` is money out).
    Signed(String),
    /// A debit and a credit column, one of them filled per row (a debit may be written with or
    /// without its minus).
    DebitCredit {
        /// Money out.
        debit: String,
        /// Money in.
        credit: String,
    },
    /// An unsigned amount and a column that says the direction.
    Indicator {
        /// The amount.
        amount: String,
        /// The direction column.
        indicator: String,
        /// Values of the direction column that mean money out (`Af`, `S`, `D`, `Debit`).
        debit_values: Vec<String>,
        /// Values that mean money in (`Bij`, `H`, `C`, `Credit`).
        credit_values: Vec<String>,
    },
}

/// A CSV layout: how to find the table and read each column.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ColumnMapping {
    /// Field separator; `None` detects `;`, `,` or tab from the header line.
    #[serde(default)]
    pub separator: Option<char>,
    /// Booking date column.
    pub booking_date: String,
    /// Value date column.
    #[serde(default)]
    pub value_date: Option<String>,
    /// How dates are written.
    #[serde(default)]
    pub date_format: DateFormat,
    /// The amount.
    pub amount: AmountColumns,
    /// Decimal mark of the amounts; `None` decides from the column's values (ambiguous columns
    /// are refused).
    #[serde(default)]
    pub decimal_mark: Option<DecimalMark>,
    /// Currency column.
    #[serde(default)]
    pub currency: Option<String>,
    /// Currency when there is no currency column (or it is empty).
    #[serde(default)]
    pub default_currency: Option<String>,
    /// Counterparty name.
    #[serde(default)]
    pub counterparty_name: Option<String>,
    /// Counterparty IBAN (or account number).
    #[serde(default)]
    pub counterparty_iban: Option<String>,
    /// Counterparty BIC.
    #[serde(default)]
    pub counterparty_bic: Option<String>,
    /// Remittance columns, joined with a space.
    #[serde(default)]
    pub remittance: Vec<String>,
    /// Booking text ("Lastschrift", "Overschrijving").
    #[serde(default)]
    pub booking_text: Option<String>,
    /// End-to-end id.
    #[serde(default)]
    pub end_to_end_id: Option<String>,
    /// Mandate id.
    #[serde(default)]
    pub mandate_id: Option<String>,
    /// SEPA creditor id.
    #[serde(default)]
    pub creditor_id: Option<String>,
    /// The bank's id of the booking.
    #[serde(default)]
    pub bank_reference: Option<String>,
    /// The account's own IBAN, when each row names it.
    #[serde(default)]
    pub account_iban: Option<String>,
    /// A column and the values in it that mark a row as pending (Sparkasse's `Info` column says
    /// `Umsatz vorgemerkt`).
    #[serde(default)]
    pub pending: Option<(String, Vec<String>)>,
    /// A row whose first cell starts with one of these ends the table (closing balance lines
    /// under Deutsche Bank's export).
    #[serde(default)]
    pub footer_prefixes: Vec<String>,
    /// Structured creditor reference (`RF…`).
    #[serde(default)]
    pub creditor_reference: Option<String>,
    /// The bank transaction code.
    #[serde(default)]
    pub bank_transaction_code: Option<String>,
    /// A column and the values in it that mark a row as a reversal.
    #[serde(default)]
    pub reversal: Option<(String, Vec<String>)>,
    /// Text cells were protected against spreadsheet formulas with a leading `'` (as our own
    /// CSV export writes them): remove it again when it precedes `=`, `+`, `-` or `@`.
    #[serde(default)]
    pub formula_quote: bool,
}

impl ColumnMapping {
    /// A mapping with the required parts and nothing else.
    pub fn new(booking_date: &str, amount: AmountColumns) -> Self {
        Self {
            separator: None,
            booking_date: booking_date.to_owned(),
            value_date: None,
            date_format: DateFormat::DayMonthYear,
            amount,
            decimal_mark: None,
            currency: None,
            default_currency: None,
            counterparty_name: None,
            counterparty_iban: None,
            counterparty_bic: None,
            remittance: Vec::new(),
            booking_text: None,
            end_to_end_id: None,
            mandate_id: None,
            creditor_id: None,
            bank_reference: None,
            account_iban: None,
            pending: None,
            footer_prefixes: Vec::new(),
            creditor_reference: None,
            bank_transaction_code: None,
            reversal: None,
            formula_quote: false,
        }
    }

    /// Every column the mapping names (the header line must have them all).
    pub fn columns(&self) -> Vec<&str> {
        let mut out = vec![self.booking_date.as_str()];
        match &self.amount {
            AmountColumns::Signed(c) => out.push(c),
            AmountColumns::DebitCredit { debit, credit } => {
                out.push(debit);
                out.push(credit);
            }
            AmountColumns::Indicator {
                amount, indicator, ..
            } => {
                out.push(amount);
                out.push(indicator);
            }
        }
        let optional = [
            &self.value_date,
            &self.currency,
            &self.counterparty_name,
            &self.counterparty_iban,
            &self.counterparty_bic,
            &self.booking_text,
            &self.end_to_end_id,
            &self.mandate_id,
            &self.creditor_id,
            &self.bank_reference,
            &self.account_iban,
            &self.creditor_reference,
            &self.bank_transaction_code,
        ];
        out.extend(optional.into_iter().flatten().map(String::as_str));
        out.extend(self.remittance.iter().map(String::as_str));
        if let Some((c, _)) = &self.pending {
            out.push(c);
        }
        if let Some((c, _)) = &self.reversal {
            out.push(c);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_saved_mapping_needs_only_its_required_parts() {
        let m: ColumnMapping = serde_json::from_str(
            r#"{"booking_date": "Datum", "amount": {"Signed": "Betrag"}, "default_currency": "EUR"}"#,
        )
        .unwrap();
        assert_eq!(m.columns(), ["Datum", "Betrag"]);
        assert_eq!(m.date_format, DateFormat::DayMonthYear);
        assert!(m.remittance.is_empty());
    }
}
