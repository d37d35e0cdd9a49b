//! From a table of cells to invoice rows: map the headers, decide each amount and date column's
//! format from all its values, then read every row and collect every problem.

use std::collections::HashMap;

use rust_decimal::Decimal;
use time::Date;

use crate::Import;
use crate::amount::{self, DecimalMark, Evidence};
use crate::cells::{Cell, Table};
use crate::columns::{Field, Mapping, field_for};
use crate::date::{self, DateOrder};
use crate::error::{FileError, Problem, RowError};
use crate::preview::ColumnFormat;
use crate::read::Format;
use crate::row::{Iban, InvoiceKind, InvoiceRow, Skipped};

struct Columns<'a> {
    table: &'a Table,
    index: HashMap<Field, usize>,
    marks: HashMap<Field, Option<DecimalMark>>,
    orders: HashMap<Field, Option<DateOrder>>,
}

impl Columns<'_> {
    fn cell<'c>(&self, cells: &'c [Cell], field: Field) -> Option<&'c Cell> {
        let i = *self.index.get(&field)?;
        cells.get(i).filter(|c| !matches!(c, Cell::Empty))
    }

    fn texts(&self, field: Field) -> impl Iterator<Item = (usize, &str)> {
        let i = self.index.get(&field).copied();
        self.table
            .rows
            .iter()
            .filter_map(move |(line, cells)| match cells.get(i?) {
                Some(Cell::Text(s)) => Some((*line, s.as_str())),
                _ => None,
            })
    }
}

pub(crate) fn import(format: Format, table: Table) -> Result<Import, FileError> {
    let mut index = HashMap::new();
    let mut mapping = Vec::new();
    for (i, header) in table.headers.iter().enumerate() {
        let field = field_for(header);
        if let Some(f) = field {
            if let Some(&j) = index.get(&f) {
                return Err(FileError::DuplicateColumn {
                    field: f,
                    first: table.headers.get(j).cloned().unwrap_or_default(),
                    second: header.clone(),
                });
            }
            index.insert(f, i);
        }
        mapping.push(Mapping {
            header: header.clone(),
            field,
        });
    }
    let mut missing: Vec<Field> = Field::ALL
        .into_iter()
        .filter(|f| f.required() && !index.contains_key(f))
        .collect();
    if !index.contains_key(&Field::Total) && !index.contains_key(&Field::Open) {
        missing.push(Field::Total);
        missing.sort();
    }
    if !missing.is_empty() {
        return Err(FileError::MissingColumns {
            missing,
            found: table.headers.clone(),
        });
    }
    if table.rows.is_empty() {
        return Err(FileError::HeaderOnly);
    }
    let mut cols = Columns {
        table: &table,
        index,
        marks: HashMap::new(),
        orders: HashMap::new(),
    };
    decide_marks(&mut cols)?;
    decide_orders(&mut cols);

    let mut rows = Vec::new();
    let mut skipped = Vec::new();
    let mut errors = Vec::new();
    let mut numbers: HashMap<String, usize> = HashMap::new();
    for (line, cells) in &table.rows {
        let before = errors.len();
        let mut fail = |field: Option<Field>, problem: Problem| {
            errors.push(RowError {
                line: *line,
                field,
                problem,
            });
        };
        if let Some(number) = cols.cell(cells, Field::Number).cloned().map(Cell::text) {
            if let Some(&first_line) = numbers.get(&number) {
                fail(Some(Field::Number), Problem::DuplicateNumber { first_line });
            } else {
                numbers.insert(number, *line);
            }
        }
        let row = read_row(&cols, *line, cells, &mut fail);
        match row {
            Some(row) if errors.len() == before => {
                if row.open == Some(Decimal::ZERO) {
                    skipped.push(Skipped {
                        line: *line,
                        number: row.number,
                    });
                } else {
                    rows.push(row);
                }
            }
            _ => {}
        }
    }
    let mut columns = Vec::new();
    for f in [Field::Total, Field::Open] {
        if let Some(mark) = cols.marks.get(&f) {
            columns.push(ColumnFormat::Amount {
                field: f,
                mark: *mark,
            });
        }
    }
    for f in [Field::IssueDate, Field::DueDate] {
        if let Some(order) = cols.orders.get(&f) {
            columns.push(ColumnFormat::Date {
                field: f,
                order: *order,
            });
        }
    }
    Ok(Import {
        format,
        mapping,
        columns,
        rows,
        skipped,
        errors,
    })
}

/// Each amount column's decimal mark from all its text values; a column whose values do not
/// tell takes the mark of the file's other amount column, if that one tells.
fn decide_marks(cols: &mut Columns<'_>) -> Result<(), FileError> {
    let mut own = HashMap::new();
    for f in [Field::Total, Field::Open] {
        let Some(&i) = cols.index.get(&f) else {
            continue;
        };
        let mut comma = None;
        let mut point = None;
        for (line, v) in cols.texts(f) {
            match amount::evidence(v) {
                Evidence::Comma => {
                    comma.get_or_insert(line);
                }
                Evidence::Point => {
                    point.get_or_insert(line);
                }
                Evidence::Either | Evidence::Nothing => {}
            }
        }
        let mark = match (comma, point) {
            (Some(comma_line), Some(point_line)) => {
                return Err(FileError::MixedDecimalMarks {
                    column: cols.table.headers.get(i).cloned().unwrap_or_default(),
                    comma_line,
                    point_line,
                });
            }
            (Some(_), None) => Some(DecimalMark::Comma),
            (None, Some(_)) => Some(DecimalMark::Point),
            (None, None) => None,
        };
        own.insert(f, mark);
    }
    let told: Vec<DecimalMark> = own.values().flatten().copied().collect();
    let file_mark = match told.as_slice() {
        [m] => Some(*m),
        [a, b] if a == b => Some(*a),
        _ => None,
    };
    for (f, mark) in own {
        cols.marks.insert(f, mark.or(file_mark));
    }
    Ok(())
}

/// Each date column's day/month order for slash dates, the same way.
fn decide_orders(cols: &mut Columns<'_>) {
    let mut own = HashMap::new();
    for f in [Field::IssueDate, Field::DueDate] {
        if !cols.index.contains_key(&f) {
            continue;
        }
        let mut seen = (false, false);
        for (_, v) in cols.texts(f) {
            match date::evidence(v) {
                Some(DateOrder::DayMonth) => seen.0 = true,
                Some(DateOrder::MonthDay) => seen.1 = true,
                None => {}
            }
        }
        let order = match seen {
            (true, false) => Some(DateOrder::DayMonth),
            (false, true) => Some(DateOrder::MonthDay),
            _ => None,
        };
        own.insert(f, (order, seen == (true, true)));
    }
    let told: Vec<DateOrder> = own.values().filter_map(|(o, _)| *o).collect();
    let conflict = own.values().any(|(_, c)| *c);
    let file_order = match told.as_slice() {
        [o] if !conflict => Some(*o),
        [a, b] if a == b && !conflict => Some(*a),
        _ => None,
    };
    for (f, (order, _)) in own {
        cols.orders.insert(f, order.or(file_order));
    }
}

fn read_row(
    cols: &Columns<'_>,
    line: usize,
    cells: &[Cell],
    fail: &mut impl FnMut(Option<Field>, Problem),
) -> Option<InvoiceRow> {
    let text = |f: Field| cols.cell(cells, f).cloned().map(Cell::text);
    let number = text(Field::Number);
    if number.is_none() {
        fail(Some(Field::Number), Problem::Missing);
    }
    let customer_name = text(Field::Customer);
    if customer_name.is_none() {
        fail(Some(Field::Customer), Problem::Missing);
    }
    let mut amount_of = |f: Field| -> Option<Decimal> {
        match cols.cell(cells, f)? {
            Cell::Number(d) => Some(*d),
            Cell::Text(s) => {
                let mark = cols.marks.get(&f).copied().flatten();
                amount::read(s, mark).map_err(|p| fail(Some(f), p)).ok()
            }
            other => {
                fail(Some(f), Problem::NotAnAmount(other.clone().text()));
                None
            }
        }
    };
    let total_cell = amount_of(Field::Total);
    let open = amount_of(Field::Open);
    let total = total_cell.or(open);
    let mut date_of = |f: Field| -> Option<Date> {
        match cols.cell(cells, f)? {
            Cell::Date(d) => Some(*d),
            Cell::Text(s) => {
                let order = cols.orders.get(&f).copied().flatten();
                date::read(s, order).map_err(|p| fail(Some(f), p)).ok()
            }
            other => {
                fail(Some(f), Problem::NotADate(other.clone().text()));
                None
            }
        }
    };
    let issue_date = date_of(Field::IssueDate);
    let due_date = date_of(Field::DueDate);
    if issue_date.is_none() && cols.cell(cells, Field::IssueDate).is_none() {
        fail(Some(Field::IssueDate), Problem::Missing);
    }
    if total.is_none()
        && cols.cell(cells, Field::Total).is_none()
        && cols.cell(cells, Field::Open).is_none()
    {
        let f = if cols.index.contains_key(&Field::Total) {
            Field::Total
        } else {
            Field::Open
        };
        fail(Some(f), Problem::Missing);
    }
    let named_kind = match text(Field::Kind) {
        Some(k) => match InvoiceKind::parse(&k) {
            Ok(k) => Some(k),
            Err(p) => {
                fail(Some(Field::Kind), p);
                None
            }
        },
        None => None,
    };
    let currency = match text(Field::Currency) {
        None => Some("EUR".to_owned()),
        Some(c) => {
            let code = if c.trim() == "€" {
                "EUR".to_owned()
            } else {
                c.trim().to_ascii_uppercase()
            };
            if code.len() == 3 && code.bytes().all(|b| b.is_ascii_uppercase()) {
                Some(code)
            } else {
                fail(Some(Field::Currency), Problem::NotACurrency(c));
                None
            }
        }
    };
    let (number, customer_name, total, issue_date, currency) =
        (number?, customer_name?, total?, issue_date?, currency?);
    // A negative amount is a credit note; one whose kind says invoice is a mistake in the file.
    let negative = total < Decimal::ZERO || open.is_some_and(|o| o < Decimal::ZERO);
    let kind = match (named_kind, negative) {
        (Some(InvoiceKind::Invoice), true) => {
            let f = if total < Decimal::ZERO {
                Field::Total
            } else {
                Field::Open
            };
            fail(Some(f), Problem::NegativeInvoice(total.to_string()));
            return None;
        }
        (Some(k), _) => k,
        (None, true) => InvoiceKind::CreditNote,
        (None, false) => InvoiceKind::Invoice,
    };
    let total = total.abs();
    let open = open.map(|o| o.abs());
    if total.is_zero() {
        fail(Some(Field::Total), Problem::Zero);
        return None;
    }
    if let Some(o) = open
        && o > total
    {
        fail(
            Some(Field::Open),
            Problem::OpenAboveTotal { open: o, total },
        );
        return None;
    }
    Some(InvoiceRow {
        line,
        number,
        kind,
        customer_name,
        customer_number: text(Field::CustomerNumber),
        total,
        open,
        currency,
        issue_date,
        due_date,
        customer_iban: text(Field::Iban).map(|i| Iban::new(&i)),
        creditor_reference: text(Field::CreditorReference),
    })
}
