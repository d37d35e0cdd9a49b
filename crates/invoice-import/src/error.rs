//! What can be wrong with a file (nothing of it can be read) and with a row (that row is named,
//! with its field and a hint). Messages say what to change in the file.

use rust_decimal::Decimal;

use crate::columns::Field;

/// A file that cannot be read as a table of invoices at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FileError {
    /// No bytes, or only blank lines.
    #[error("the file is empty; export the open invoices with a header line and at least one row")]
    Empty,
    /// A header line and nothing else.
    #[error("the file has a header line but no invoice rows")]
    HeaderOnly,
    /// An Excel 97-2003 `.xls` file.
    #[error("this is an old Excel file (.xls); save it as an Excel workbook (.xlsx) or as CSV")]
    OldExcel,
    /// A ZIP that is not a readable workbook.
    #[error("the workbook cannot be read ({0}); save it again as .xlsx or CSV")]
    NotAWorkbook(String),
    /// The CSV text cannot be split into fields.
    #[error("the CSV cannot be read ({0})")]
    Unreadable(String),
    /// A column every invoice needs is not there.
    #[error("column(s) missing: {}; the header line has: {}", names(.missing), .found.join(", "))]
    MissingColumns {
        /// The fields no header named.
        missing: Vec<Field>,
        /// The headers the file has.
        found: Vec<String>,
    },
    /// Two headers name the same field.
    #[error("the columns {first:?} and {second:?} both mean {}; remove or rename one", .field.name())]
    DuplicateColumn {
        /// The field.
        field: Field,
        /// The first header.
        first: String,
        /// The second.
        second: String,
    },
    /// An amount column has values only a decimal comma explains and others only a decimal
    /// point explains.
    #[error(
        "column {column:?} mixes decimal commas (line {comma_line}) and decimal points (line {point_line}); write all its amounts the same way"
    )]
    MixedDecimalMarks {
        /// The header.
        column: String,
        /// A line whose value needs a decimal comma.
        comma_line: usize,
        /// A line whose value needs a decimal point.
        point_line: usize,
    },
}

fn names(fields: &[Field]) -> String {
    fields
        .iter()
        .map(|f| f.name())
        .collect::<Vec<_>>()
        .join(", ")
}

/// What is wrong with one value of a row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// A required value is empty.
    Missing,
    /// Not a number.
    NotAnAmount(String),
    /// `1.190` where the column does not say whether `.` is a decimal or a thousands mark.
    AmbiguousAmount(String),
    /// Not a date.
    NotADate(String),
    /// `01/11/2026` where the column does not say whether the day or the month comes first.
    AmbiguousDate(String),
    /// `01.11.26`.
    TwoDigitYear(String),
    /// A total of zero.
    Zero,
    /// More open than the total.
    OpenAboveTotal {
        /// Open.
        open: Decimal,
        /// Total.
        total: Decimal,
    },
    /// A negative amount on a row whose kind says invoice.
    NegativeInvoice(String),
    /// A kind we do not know.
    UnknownKind(String),
    /// Not an ISO 4217 code.
    NotACurrency(String),
    /// The same invoice number again.
    DuplicateNumber {
        /// The line where it came first.
        first_line: usize,
    },
}

/// One problem of one row: its line (as the spreadsheet or editor shows it), the field, what is
/// wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    /// Line in the CSV file, or row number in the sheet.
    pub line: usize,
    /// The field, if the problem is one value's.
    pub field: Option<Field>,
    /// What is wrong.
    pub problem: Problem,
}

impl RowError {
    /// What to change in the file, in English (the banking page has its own words).
    pub fn hint(&self) -> &'static str {
        match self.problem {
            Problem::Missing => "fill it in",
            Problem::NotAnAmount(_) => "write it like 1190.00 or 1.190,00",
            Problem::AmbiguousAmount(_) => {
                "add the cents (1.190,00 or 1,190.00) or leave out the thousands mark (1190)"
            }
            Problem::NotADate(_) => "write it as YYYY-MM-DD or DD.MM.YYYY",
            Problem::AmbiguousDate(_) => "write it as YYYY-MM-DD or DD.MM.YYYY",
            Problem::TwoDigitYear(_) => "write the year with four digits",
            Problem::Zero => "leave out invoices of zero",
            Problem::OpenAboveTotal { .. } => "check the open amount and the total",
            Problem::NegativeInvoice(_) => "a credit note has the kind credit_note (Gutschrift)",
            Problem::UnknownKind(_) => "use invoice or credit_note (Rechnung, Gutschrift)",
            Problem::NotACurrency(_) => "use a three-letter code such as EUR",
            Problem::DuplicateNumber { .. } => "each invoice number once per file",
        }
    }
}

impl std::fmt::Display for RowError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}", self.line)?;
        if let Some(field) = self.field {
            write!(f, ", {}", field.name())?;
        }
        match &self.problem {
            Problem::Missing => write!(f, ": empty")?,
            Problem::NotAnAmount(v) => write!(f, ": {v:?} is not an amount")?,
            Problem::AmbiguousAmount(v) => write!(
                f,
                ": {v:?} could be a decimal or a thousands mark and the column's other values do not tell"
            )?,
            Problem::NotADate(v) => write!(f, ": {v:?} is not a date")?,
            Problem::AmbiguousDate(v) => write!(
                f,
                ": {v:?} could be day/month or month/day and the column's other values do not tell"
            )?,
            Problem::TwoDigitYear(v) => write!(f, ": {v:?} has a two-digit year")?,
            Problem::Zero => write!(f, ": the amount is zero")?,
            Problem::OpenAboveTotal { open, total } => {
                write!(f, ": open {open} is more than the total {total}")?
            }
            Problem::NegativeInvoice(v) => {
                write!(f, ": {v:?} is negative but the kind is invoice")?
            }
            Problem::UnknownKind(v) => write!(f, ": {v:?} is not a kind we know")?,
            Problem::NotACurrency(v) => write!(f, ": {v:?} is not a currency code")?,
            Problem::DuplicateNumber { first_line } => {
                write!(f, ": the same number as line {first_line}")?
            }
        }
        write!(f, " ({})", self.hint())
    }
}

impl std::error::Error for RowError {}
