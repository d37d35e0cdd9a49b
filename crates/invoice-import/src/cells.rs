//! A file as a table of cells, whatever its kind: what `read` makes and `table` reads.

use rust_decimal::Decimal;
use time::Date;

/// One cell: text from a CSV or a workbook's text cell, or a workbook's typed number or date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Cell {
    Empty,
    Text(String),
    Number(Decimal),
    Date(Date),
}

impl Cell {
    /// The cell as text (a workbook's number `10042` as `10042`, a date as `YYYY-MM-DD`).
    pub(crate) fn text(self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(s) => s,
            Cell::Number(d) => d.normalize().to_string(),
            Cell::Date(d) => d.to_string(),
        }
    }
}

/// The header line and the rows, each with its line number.
#[derive(Debug)]
pub(crate) struct Table {
    pub(crate) headers: Vec<String>,
    pub(crate) rows: Vec<(usize, Vec<Cell>)>,
}
