//! Open invoices from the files a small business already has: a CSV written by German, Dutch or
//! English Excel (any of `;`, `,` or tab, UTF-8 with or without BOM, or Windows-1252), or an
//! `.xlsx` workbook; column names in English, German or Dutch.
//!
//! Bytes in, typed rows or per-row errors out: no I/O and no storage, so the banking page can show
//! a [`Preview`] before anything is written, and the same bytes parse the same way again when the
//! person confirms. Nothing is guessed silently: an amount such as `1.190` in a column whose
//! decimal mark cannot be told from its other values is refused with its row and a hint, never
//! read as 1.19 or 1190 by chance (see `docs/invoice-import.md`).
#![deny(missing_docs)]

mod amount;
mod cells;
mod columns;
mod date;
mod error;
mod preview;
mod read;
mod row;
mod table;

pub use amount::DecimalMark;
pub use columns::{Field, Mapping};
pub use date::DateOrder;
pub use error::{FileError, Problem, RowError};
pub use preview::{ColumnFormat, Preview};
pub use read::{Encoding, Format, Separator};
pub use row::{Iban, InvoiceKind, InvoiceRow, Skipped};

/// A whole file read: how it was read, the rows that parsed, those skipped (nothing open), and
/// every row's problems. Only a file with no [`RowError`] should be written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Import {
    /// The file's detected format.
    pub format: Format,
    /// Each header and the field it was read as.
    pub mapping: Vec<Mapping>,
    /// How each amount and date column was read (decimal mark, day/month order).
    pub columns: Vec<ColumnFormat>,
    /// The rows that parsed.
    pub rows: Vec<InvoiceRow>,
    /// Rows left out on purpose (nothing open any more).
    pub skipped: Vec<Skipped>,
    /// Every problem, by row.
    pub errors: Vec<RowError>,
}

impl Import {
    /// True when every row parsed: the file may be written.
    pub fn is_clean(&self) -> bool {
        self.errors.is_empty()
    }

    /// What a person checks before confirming: the format, the mapping, the first `n` rows.
    pub fn preview(&self, n: usize) -> Preview {
        preview::of(self, n)
    }
}

/// Reads a file of open invoices. `file_name` only helps tell a workbook from a CSV (the bytes
/// decide: an `.xlsx` is a ZIP archive); a file that cannot be read at all is a [`FileError`],
/// a row that cannot be read is a [`RowError`] in [`Import::errors`].
pub fn parse(bytes: &[u8], file_name: Option<&str>) -> Result<Import, FileError> {
    let (format, table) = read::table(bytes, file_name)?;
    table::import(format, table)
}
