//! Reading a CSV statement with a [`ColumnMapping`]: find the header line below any preamble
//! (account name, IBAN, period, balances: ING Germany writes a dozen such lines), read each row,
//! stop at a footer. Every problem names its line and column.

use std::collections::HashMap;

use rust_decimal::Decimal;
use time::{Date, Month};

use super::amount::{self, DecimalMark, Problem};
use super::mapping::{AmountColumns, ColumnMapping, DateFormat};
use crate::error::Error;
use crate::model::{AccountId, Entry, EntryStatus, Party, Period, Statement, non_empty, real_id};
use crate::mt940::field86::looks_like_iban;

/// How many lines may come before the header.
const PREAMBLE_LINES: usize = 40;

/// One row as read: its line and cells.
struct Row {
    line: usize,
    cells: Vec<String>,
}

/// The table below the header: separator used, header cells, rows, and preamble rows.
pub(crate) struct Table {
    header: Vec<String>,
    header_line: usize,
    rows: Vec<Row>,
    preamble: Vec<Vec<String>>,
}

fn norm(s: &str) -> String {
    s.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}')
        .to_lowercase()
}

/// The records of the text, at most `limit` of them.
fn records(text: &str, sep: char, limit: usize) -> Result<Vec<Row>, Error> {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(u8::try_from(sep).unwrap_or(b';'))
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut out = Vec::new();
    let mut record = csv::StringRecord::new();
    while out.len() < limit {
        match reader.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                let line = e
                    .position()
                    .map_or(0, |p| usize::try_from(p.line()).unwrap_or(usize::MAX));
                return Err(Error::csv(
                    line,
                    None,
                    format!("the line cannot be read as CSV ({e}); export the file again"),
                ));
            }
        }
        let line = record
            .position()
            .map_or(0, |p| usize::try_from(p.line()).unwrap_or(usize::MAX));
        out.push(Row {
            line,
            cells: record.iter().map(str::to_owned).collect(),
        });
    }
    Ok(out)
}

/// The index of `name` (`name#2`: its second occurrence) in the header.
fn index(header: &[String], name: &str) -> Option<usize> {
    let (base, nth) = match name.rsplit_once('#') {
        Some((b, n)) if n.parse::<usize>().is_ok() => (b, n.parse::<usize>().unwrap_or(1)),
        _ => (name, 1),
    };
    let base = norm(base);
    header
        .iter()
        .enumerate()
        .filter(|(_, h)| norm(h) == base)
        .nth(nth.saturating_sub(1))
        .map(|(i, _)| i)
}

/// Finds the mapping's header line, trying each separator.
pub(crate) fn table(text: &str, mapping: &ColumnMapping) -> Result<Option<Table>, Error> {
    let seps: Vec<char> = match mapping.separator {
        Some(s) => vec![s],
        None => vec![';', ',', '\t'],
    };
    let wanted = mapping.columns();
    for sep in seps {
        // Only the first lines are searched for the header; the whole file is read once found
        // (detection tries every layout and separator).
        let Ok(first) = records(text, sep, PREAMBLE_LINES) else {
            continue;
        };
        let found = first
            .iter()
            .position(|r| wanted.iter().all(|c| index(&r.cells, c).is_some()));
        if let Some(at) = found {
            let mut rows = records(text, sep, usize::MAX)?;
            let rest = rows.split_off(at + 1);
            let Some(header_row) = rows.pop() else {
                continue;
            };
            return Ok(Some(Table {
                header: header_row.cells,
                header_line: header_row.line,
                rows: rest,
                preamble: rows.into_iter().map(|r| r.cells).collect(),
            }));
        }
    }
    Ok(None)
}

/// Reads the whole table with the mapping.
pub(crate) fn read(text: &str, mapping: &ColumnMapping) -> Result<Statement, Error> {
    let t = table(text, mapping)?.ok_or_else(|| {
        Error::csv(
            1,
            None,
            format!(
                "no header line with the columns {} was found in the first {PREAMBLE_LINES} lines; check the layout or the column mapping",
                mapping.columns().join(", ")
            ),
        )
    })?;
    let col = |name: &str| index(&t.header, name);
    let need = |name: &str| {
        col(name).ok_or_else(|| Error::csv(t.header_line, Some(name), "the column is missing"))
    };
    let opt = |name: &Option<String>| name.as_deref().and_then(col);

    // The rows of the table, footer and blank lines left out.
    let mut rows: Vec<&Row> = Vec::new();
    for r in &t.rows {
        if r.cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let first = r.cells.first().map(|c| c.trim()).unwrap_or("");
        if mapping
            .footer_prefixes
            .iter()
            .any(|p| !p.is_empty() && first.starts_with(p.as_str()))
        {
            break;
        }
        rows.push(r);
    }
    let cell = |r: &Row, i: Option<usize>| -> String {
        let v = i
            .and_then(|i| r.cells.get(i))
            .map(|c| c.trim())
            .unwrap_or_default();
        match v.strip_prefix('\'') {
            Some(rest) if mapping.formula_quote && rest.starts_with(['=', '+', '-', '@']) => {
                rest.to_owned()
            }
            _ => v.to_owned(),
        }
    };

    // The decimal mark of each amount column.
    let amount_cols: Vec<&str> = match &mapping.amount {
        AmountColumns::Signed(c) => vec![c],
        AmountColumns::DebitCredit { debit, credit } => vec![debit, credit],
        AmountColumns::Indicator { amount, .. } => vec![amount],
    };
    let mut marks: HashMap<String, Option<DecimalMark>> = HashMap::new();
    for c in &amount_cols {
        let i = need(c)?;
        let mark = match mapping.decimal_mark {
            Some(m) => Some(m),
            None => {
                let values: Vec<String> = rows.iter().map(|r| cell(r, Some(i))).collect();
                amount::decide(values.iter().map(String::as_str)).map_err(|(_, p)| {
                    Error::csv(
                        rows.get(p).map_or(0, |r| r.line),
                        Some(c),
                        "the column mixes decimal commas and decimal points; set the decimal mark in the mapping or fix the file",
                    )
                })?
            }
        };
        marks.insert((*c).to_owned(), mark);
    }
    let read_amount = |r: &Row, name: &str| -> Result<Option<Decimal>, Error> {
        let v = cell(r, col(name));
        if v.is_empty() {
            return Ok(None);
        }
        amount::read(&v, marks.get(name).copied().flatten())
            .map(Some)
            .map_err(|p| match p {
                Problem::NotAnAmount => Error::csv(r.line, Some(name), format!("{v:?} is not an amount")),
                Problem::Ambiguous => Error::csv(
                    r.line,
                    Some(name),
                    format!(
                        "{v:?} could be read with a decimal comma or a decimal point; set the decimal mark in the mapping"
                    ),
                ),
            })
    };
    let read_date = |r: &Row, name: &str| -> Result<Option<Date>, Error> {
        let v = cell(r, col(name));
        if v.is_empty() {
            return Ok(None);
        }
        parse_date(&v, mapping.date_format)
            .map(Some)
            .ok_or_else(|| {
                Error::csv(
                    r.line,
                    Some(name),
                    format!("{v:?} is not a date written as {:?}", mapping.date_format),
                )
            })
    };

    let name_i = opt(&mapping.counterparty_name);
    let iban_i = opt(&mapping.counterparty_iban);
    let bic_i = opt(&mapping.counterparty_bic);
    let text_i = opt(&mapping.booking_text);
    let e2e_i = opt(&mapping.end_to_end_id);
    let mref_i = opt(&mapping.mandate_id);
    let cred_i = opt(&mapping.creditor_id);
    let ref_i = opt(&mapping.bank_reference);
    let ccy_i = opt(&mapping.currency);
    let rmt: Vec<Option<usize>> = mapping.remittance.iter().map(|c| col(c)).collect();

    let mut st = Statement::default();
    for r in &rows {
        let booking_date = read_date(r, &mapping.booking_date)?.ok_or_else(|| {
            Error::csv(
                r.line,
                Some(&mapping.booking_date),
                "the booking date is empty",
            )
        })?;
        let value_date = match &mapping.value_date {
            Some(c) => read_date(r, c)?,
            None => None,
        };
        let value = match &mapping.amount {
            AmountColumns::Signed(c) => read_amount(r, c)?
                .ok_or_else(|| Error::csv(r.line, Some(c), "the amount is empty"))?,
            AmountColumns::DebitCredit { debit, credit } => {
                match (read_amount(r, debit)?, read_amount(r, credit)?) {
                    (Some(d), None) => -d.abs(),
                    (None, Some(c)) => c,
                    (Some(d), Some(c)) if d.is_zero() => c,
                    (Some(d), Some(c)) if c.is_zero() => -d.abs(),
                    _ => {
                        return Err(Error::csv(
                            r.line,
                            Some(debit),
                            format!("exactly one of {debit:?} and {credit:?} must hold the amount"),
                        ));
                    }
                }
            }
            AmountColumns::Indicator {
                amount,
                indicator,
                debit_values,
                credit_values,
            } => {
                let v = read_amount(r, amount)?
                    .ok_or_else(|| Error::csv(r.line, Some(amount), "the amount is empty"))?;
                let ind = cell(r, col(indicator));
                let is = |list: &[String]| list.iter().any(|x| norm(x) == norm(&ind));
                if is(debit_values) {
                    -v.abs()
                } else if is(credit_values) {
                    v.abs()
                } else {
                    return Err(Error::csv(
                        r.line,
                        Some(indicator),
                        format!(
                            "{ind:?} is not one of {} (money out) or {} (money in)",
                            debit_values.join("/"),
                            credit_values.join("/")
                        ),
                    ));
                }
            }
        };
        let currency = non_empty(&cell(r, ccy_i))
            .or_else(|| mapping.default_currency.clone())
            .ok_or_else(|| {
                Error::csv(
                    r.line,
                    mapping.currency.as_deref(),
                    "the currency is unknown; give the mapping a currency column or a default currency",
                )
            })?;
        let flagged = |flag: &Option<(String, Vec<String>)>| {
            flag.as_ref().is_some_and(|(c, words)| {
                let v = norm(&cell(r, col(c)));
                words.iter().any(|w| norm(w) == v)
            })
        };
        let pending = flagged(&mapping.pending);
        let iban_cell = cell(r, iban_i).replace(' ', "");
        let (iban, account) = if looks_like_iban(&iban_cell) {
            (Some(iban_cell), None)
        } else {
            (None, non_empty(&iban_cell))
        };
        let remittance: Vec<String> = rmt.iter().filter_map(|i| non_empty(&cell(r, *i))).collect();
        if st.account.iban.is_none() {
            st.account.iban = non_empty(&cell(r, opt(&mapping.account_iban)).replace(' ', ""));
        }
        st.entries.push(Entry {
            booking_date: Some(booking_date),
            value_date,
            amount: crate::model::unsigned_zero(value),
            currency,
            status: if pending {
                EntryStatus::Pending
            } else {
                EntryStatus::Booked
            },
            counterparty: Party {
                name: non_empty(&cell(r, name_i)),
                iban,
                account,
                bic: non_empty(&cell(r, bic_i)),
            },
            remittance: (!remittance.is_empty()).then(|| remittance.join(" ")),
            reversal: flagged(&mapping.reversal),
            creditor_reference: non_empty(&cell(r, opt(&mapping.creditor_reference))),
            bank_transaction_code: non_empty(&cell(r, opt(&mapping.bank_transaction_code))),
            booking_text: non_empty(&cell(r, text_i)),
            end_to_end_id: real_id(&cell(r, e2e_i)),
            mandate_id: real_id(&cell(r, mref_i)),
            creditor_id: real_id(&cell(r, cred_i)),
            bank_reference: real_id(&cell(r, ref_i)),
            ..Entry::default()
        });
    }
    if st.account.iban.is_none() {
        st.account = preamble_account(&t.preamble);
    }
    st.account.currency = st
        .account
        .currency
        .take()
        .or_else(|| st.entries.first().map(|e| e.currency.clone()))
        .or_else(|| mapping.default_currency.clone());
    let dates = st.entries.iter().filter_map(|e| e.booking_date);
    if let (Some(from), Some(to)) = (dates.clone().min(), dates.max()) {
        st.period = Some(Period { from, to });
    }
    Ok(st)
}

/// The account named in preamble lines such as `IBAN;DE12 3456 …`.
fn preamble_account(preamble: &[Vec<String>]) -> AccountId {
    let mut id = AccountId::default();
    for row in preamble {
        let key = row
            .first()
            .map(|c| norm(c).trim_end_matches(':').to_owned());
        let value = row.get(1).map(|v| v.replace(' ', ""));
        if let (Some(k), Some(v)) = (key, value)
            && matches!(k.as_str(), "iban" | "konto" | "kontonummer" | "rekening")
            && looks_like_iban(&v)
        {
            id.iban = Some(v);
        }
    }
    id
}

/// Parses a date as the format says (two-digit years are 20xx).
pub(crate) fn parse_date(v: &str, format: DateFormat) -> Option<Date> {
    let num = |s: &str| -> Option<u32> {
        (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse().ok())
            .flatten()
    };
    let (y, m, d) = match format {
        DateFormat::DayMonthYear => {
            let mut p = v.split('.');
            let (d, m, y) = (p.next()?, p.next()?, p.next()?);
            if p.next().is_some() {
                return None;
            }
            (y, m, d)
        }
        DateFormat::MonthDayYear => {
            let mut p = v.split('/');
            let (m, d, y) = (p.next()?, p.next()?, p.next()?);
            (y, m, d)
        }
        DateFormat::Iso => {
            let mut p = v.split('-');
            let (y, m, d) = (p.next()?, p.next()?, p.next()?);
            (y, m, d)
        }
        DateFormat::Compact => {
            if v.len() != 8 {
                return None;
            }
            (v.get(..4)?, v.get(4..6)?, v.get(6..8)?)
        }
    };
    let year = match y.len() {
        2 => 2000 + num(y)?,
        4 => num(y)?,
        _ => return None,
    };
    let month = Month::try_from(u8::try_from(num(m)?).ok()?).ok()?;
    Date::from_calendar_date(
        i32::try_from(year).ok()?,
        month,
        u8::try_from(num(d)?).ok()?,
    )
    .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        let d = time::macros::date!(2024 - 02 - 29);
        assert_eq!(parse_date("29.02.2024", DateFormat::DayMonthYear), Some(d));
        assert_eq!(parse_date("29.02.24", DateFormat::DayMonthYear), Some(d));
        assert_eq!(parse_date("2024-02-29", DateFormat::Iso), Some(d));
        assert_eq!(parse_date("20240229", DateFormat::Compact), Some(d));
        assert_eq!(parse_date("02/29/2024", DateFormat::MonthDayYear), Some(d));
        assert_eq!(parse_date("30.02.2024", DateFormat::DayMonthYear), None);
    }

    #[test]
    fn header_with_a_repeated_name() {
        let h: Vec<String> = ["Saldo", "Währung", "Betrag", "Währung"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(index(&h, "währung#2"), Some(3));
        assert_eq!(index(&h, "Währung"), Some(1));
    }
}
