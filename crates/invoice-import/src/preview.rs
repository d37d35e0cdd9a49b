//! What a person checks before a file is written: how it was read and its first rows.

use crate::Import;
use crate::amount::DecimalMark;
use crate::columns::{Field, Mapping};
use crate::date::DateOrder;
use crate::error::RowError;
use crate::read::Format;
use crate::row::{InvoiceRow, Skipped};

/// How an amount or date column was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnFormat {
    /// An amount column and its decimal mark (`None`: its values have none, or none that
    /// tells; a value that needs one is then refused).
    Amount {
        /// The field.
        field: Field,
        /// The mark.
        mark: Option<DecimalMark>,
    },
    /// A date column and its order for slash dates (`None`: no slash date tells).
    Date {
        /// The field.
        field: Field,
        /// The order.
        order: Option<DateOrder>,
    },
}

/// The first rows of a file as they would be stored, with how the file was read and every
/// problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Preview {
    /// The detected format.
    pub format: Format,
    /// Headers and fields.
    pub mapping: Vec<Mapping>,
    /// Amount and date columns and how they were read.
    pub columns: Vec<ColumnFormat>,
    /// The first rows.
    pub rows: Vec<InvoiceRow>,
    /// How many rows parsed in all.
    pub row_count: usize,
    /// Rows left out (nothing open).
    pub skipped: Vec<Skipped>,
    /// Every problem.
    pub errors: Vec<RowError>,
}

pub(crate) fn of(import: &Import, n: usize) -> Preview {
    Preview {
        format: import.format.clone(),
        mapping: import.mapping.clone(),
        columns: import.columns.clone(),
        rows: import.rows.iter().take(n).cloned().collect(),
        row_count: import.rows.len(),
        skipped: import.skipped.clone(),
        errors: import.errors.clone(),
    }
}
