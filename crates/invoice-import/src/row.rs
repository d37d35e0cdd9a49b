//! An invoice row as read, before anything is stored.

use rust_decimal::Decimal;
use time::Date;

use crate::error::Problem;

/// Invoice or credit note.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InvoiceKind {
    /// The customer owes us.
    Invoice,
    /// We owe the customer.
    CreditNote,
}

impl InvoiceKind {
    /// The kind a cell names, in English, German or Dutch.
    pub(crate) fn parse(value: &str) -> Result<Self, Problem> {
        match crate::columns::fold(value).as_str() {
            "invoice" | "rechnung" | "ausgangsrechnung" | "ar" | "factuur" | "verkoopfactuur"
            | "re" => Ok(InvoiceKind::Invoice),
            "creditnote" | "credit" | "gutschrift" | "rechnungskorrektur" | "storno"
            | "creditnota" | "creditfactuur" | "gs" => Ok(InvoiceKind::CreditNote),
            _ => Err(Problem::UnknownKind(value.to_owned())),
        }
    }
}

/// A customer's IBAN, spaces removed. Its `Debug` shows only the country and the last four
/// characters, so a logged row never carries a full IBAN.
#[derive(Clone, PartialEq, Eq)]
pub struct Iban(String);

impl Iban {
    pub(crate) fn new(value: &str) -> Self {
        Iban(
            value
                .chars()
                .filter(|c| !c.is_whitespace())
                .flat_map(char::to_uppercase)
                .collect(),
        )
    }

    /// The whole IBAN (for storing; never for logs).
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Iban {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let head: String = self.0.chars().take(2).collect();
        let n = self.0.chars().count();
        let tail: String = self.0.chars().skip(n.saturating_sub(4)).collect();
        write!(f, "Iban({head}…{tail})")
    }
}

/// One invoice read from a row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvoiceRow {
    /// The row's line in the file (the sheet's row number for a workbook).
    pub line: usize,
    /// Invoice number.
    pub number: String,
    /// Invoice or credit note (a negative amount without a kind is a credit note).
    pub kind: InvoiceKind,
    /// Customer name.
    pub customer_name: String,
    /// The customer's number in the bookkeeping, if the file has it.
    pub customer_number: Option<String>,
    /// Gross total, positive.
    pub total: Decimal,
    /// What is still open, positive, at most the total, if the file has an open-amount column.
    pub open: Option<Decimal>,
    /// ISO 4217 (EUR when the file has no currency).
    pub currency: String,
    /// Issue date.
    pub issue_date: Date,
    /// Due date.
    pub due_date: Option<Date>,
    /// The customer's IBAN.
    pub customer_iban: Option<Iban>,
    /// ISO 11649 creditor reference.
    pub creditor_reference: Option<String>,
}

impl InvoiceRow {
    /// What a payment is expected to settle: the open amount when the file has one, else the
    /// total.
    pub fn amount_to_match(&self) -> Decimal {
        self.open.unwrap_or(self.total)
    }
}

/// A row left out on purpose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// Its line.
    pub line: usize,
    /// Its invoice number.
    pub number: String,
}
