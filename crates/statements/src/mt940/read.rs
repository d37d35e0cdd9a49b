//! Reading SWIFT MT940 (statement) and MT942 (interim report) files as German and Dutch banks
//! write them: optional SWIFT blocks (`{1:…}{4:`), several messages per file separated by `-`,
//! fields that run over several lines, `:61:` with or without the entry date and with the
//! supplementary details on its second line, and `:86:` read by [`super::field86`].

use rust_decimal::Decimal;
use time::{Date, Month};

use super::field86;
use crate::error::Error;
use crate::model::{
    AccountId, Balance, Entry, EntryStatus, Statement, non_empty, real_id, unsigned_zero,
};

/// A field: its tag, value (continuation lines joined with `\n`) and first line.
#[derive(Debug, Clone)]
struct Field {
    tag: String,
    value: String,
    line: usize,
}

/// Splits the text into messages of fields.
fn messages(text: &str) -> Vec<Vec<Field>> {
    let mut out: Vec<Vec<Field>> = Vec::new();
    let mut current: Vec<Field> = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim_end_matches(['\r', '\u{1a}']);
        let line_no = i + 1;
        let trimmed = line.trim();
        // Message ends: `-`, `-}`, or SWIFT block headers before the text block.
        if trimmed == "-" || trimmed == "-}" || trimmed.starts_with("{1:") || trimmed == "@@" {
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
            continue;
        }
        if let Some((tag, value)) = tag_of(line) {
            if tag == "20" && current.iter().any(|f| f.tag == "20") {
                out.push(std::mem::take(&mut current));
            }
            current.push(Field {
                tag: tag.to_owned(),
                value: value.to_owned(),
                line: line_no,
            });
        } else if let Some(last) = current.last_mut() {
            last.value.push('\n');
            last.value.push_str(line);
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// `:61:…` gives `("61", "…")`.
fn tag_of(line: &str) -> Option<(&str, &str)> {
    let rest = line.strip_prefix(':')?;
    let end = rest.find(':')?;
    let tag = &rest[..end];
    let ok = (2..=3).contains(&tag.len())
        && tag.as_bytes()[..2].iter().all(u8::is_ascii_digit)
        && tag.bytes().skip(2).all(|b| b.is_ascii_uppercase());
    ok.then(|| (tag, &rest[end + 1..]))
}

fn date6(s: &str, f: &Field) -> Result<Date, Error> {
    let bad = || {
        Error::swift(
            f.line,
            &format!(":{}:", f.tag),
            format!("{s:?} is not a date (YYMMDD)"),
        )
    };
    if s.len() != 6 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let n = |r: std::ops::Range<usize>| s[r].parse::<u8>().map_err(|_| bad());
    let yy = i32::from(n(0..2)?);
    let year = if yy < 80 { 2000 + yy } else { 1900 + yy };
    let month = Month::try_from(n(2..4)?).map_err(|_| bad())?;
    Date::from_calendar_date(year, month, n(4..6)?).map_err(|_| bad())
}

/// A SWIFT amount: digits with a decimal comma (`1234,56`, `0,`).
fn swift_amount(s: &str, f: &Field) -> Result<Decimal, Error> {
    let bad = || {
        Error::swift(
            f.line,
            &format!(":{}:", f.tag),
            format!("{s:?} is not an amount (digits and one decimal comma)"),
        )
    };
    if s.is_empty()
        || s.matches(',').count() != 1
        || !s.bytes().all(|b| b.is_ascii_digit() || b == b',')
    {
        return Err(bad());
    }
    let mut plain = s.replace(',', ".");
    if plain.ends_with('.') {
        plain.push('0');
    }
    if plain.starts_with('.') {
        plain.insert(0, '0');
    }
    plain.parse().map_err(|_| bad())
}

/// `:60F:C230101EUR1234,56`.
fn balance(f: &Field) -> Result<Balance, Error> {
    let v = f.value.trim();
    let bad = |why: &str| Error::swift(f.line, &format!(":{}:", f.tag), why.to_owned());
    let mark = v.get(..1).ok_or_else(|| bad("the balance is empty"))?;
    let credit = match mark {
        "C" => true,
        "D" => false,
        _ => return Err(bad("a balance starts with C or D")),
    };
    let day = date6(v.get(1..7).unwrap_or(""), f)?;
    let currency = v
        .get(7..10)
        .filter(|c| c.bytes().all(|b| b.is_ascii_uppercase()))
        .ok_or_else(|| bad("the currency (3 letters after the date) is missing"))?;
    let value = swift_amount(v.get(10..).unwrap_or(""), f)?;
    Ok(Balance {
        date: day,
        amount: unsigned_zero(if credit { value } else { -value }),
        currency: currency.to_owned(),
    })
}

/// The entry date (`MMDD`) in the year that puts it nearest to the value date.
fn entry_date(value_date: Date, mmdd: &str, f: &Field) -> Result<Date, Error> {
    let bad = || {
        Error::swift(
            f.line,
            ":61:",
            format!("{mmdd:?} is not an entry date (MMDD)"),
        )
    };
    let month: u8 = mmdd.get(..2).and_then(|m| m.parse().ok()).ok_or_else(bad)?;
    let day: u8 = mmdd
        .get(2..4)
        .and_then(|d| d.parse().ok())
        .ok_or_else(bad)?;
    let month = Month::try_from(month).map_err(|_| bad())?;
    let mut year = value_date.year();
    if value_date.month() == Month::December && month == Month::January {
        year += 1;
    } else if value_date.month() == Month::January && month == Month::December {
        year -= 1;
    }
    Date::from_calendar_date(year, month, day).map_err(|_| bad())
}

/// Reads a `:61:` line (and its supplementary details) into an entry without its `:86:`.
fn statement_line(f: &Field, currency: &str, status: EntryStatus) -> Result<Entry, Error> {
    let bad = |why: String| Error::swift(f.line, ":61:", why);
    let (first, supplementary) = match f.value.split_once('\n') {
        Some((a, b)) => (a.trim_end(), non_empty(&b.replace('\n', " "))),
        None => (f.value.trim_end(), None),
    };
    let value_date = date6(first.get(..6).unwrap_or(""), f)?;
    let mut rest = &first[6.min(first.len())..];
    let mut booking_date = None;
    if rest.len() >= 4 && rest.as_bytes()[..4].iter().all(u8::is_ascii_digit) {
        booking_date = Some(entry_date(value_date, &rest[..4], f)?);
        rest = &rest[4..];
    }
    let (credit, reversal, skip) = if rest.starts_with("RC") {
        (false, true, 2)
    } else if rest.starts_with("RD") {
        (true, true, 2)
    } else if rest.starts_with('C') {
        (true, false, 1)
    } else if rest.starts_with('D') {
        (false, false, 1)
    } else {
        return Err(bad(format!(
            "after the dates comes C, D, RC or RD; found {:?}",
            rest.get(..2).unwrap_or(rest)
        )));
    };
    rest = &rest[skip..];
    // An optional funds code: the third letter of the currency.
    if rest.starts_with(|c: char| c.is_ascii_uppercase()) {
        rest = &rest[1..];
    }
    let amount_len = rest
        .find(|c: char| !(c.is_ascii_digit() || c == ','))
        .unwrap_or(rest.len());
    let value = swift_amount(&rest[..amount_len], f)?;
    rest = &rest[amount_len..];
    let kind = rest
        .get(..4)
        .filter(|k| k.starts_with(['N', 'F', 'S']))
        .ok_or_else(|| {
            bad("the transaction type (N, F or S and three characters) is missing".into())
        })?;
    rest = &rest[4..];
    let (_customer_ref, bank_ref) = match rest.split_once("//") {
        Some((c, b)) => (c, Some(b)),
        None => (rest, None),
    };
    // A reversal of a credit takes money out; of a debit brings it back.
    let signed = if credit { value } else { -value };
    Ok(Entry {
        booking_date: booking_date.or(Some(value_date)),
        value_date: Some(value_date),
        amount: unsigned_zero(signed),
        currency: currency.to_owned(),
        status,
        reversal,
        bank_reference: bank_ref.and_then(real_id),
        bank_transaction_code: Some(kind.to_owned()),
        booking_text: supplementary,
        ..Entry::default()
    })
}

fn apply_86(e: &mut Entry, f: &Field) {
    let joined: String = f.value.split('\n').collect::<Vec<_>>().concat();
    let info = field86::parse(&joined);
    if let Some(code) = info.code {
        let swift = e.bank_transaction_code.take().unwrap_or_default();
        e.bank_transaction_code = Some(if swift.is_empty() {
            code
        } else {
            format!("{swift}+{code}")
        });
    }
    if info.booking_text.is_some() {
        e.booking_text = info.booking_text;
    }
    e.remittance = info.remittance;
    e.end_to_end_id = info.end_to_end_id;
    e.mandate_id = info.mandate_id;
    e.creditor_id = info.creditor_id;
    e.counterparty = info.party;
}

/// MT940 or MT942: which fields a message must have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Balances required; entries booked.
    Mt940,
    /// No balances; entries are the bank's not yet booked ones (German banks' "vorgemerkte
    /// Umsätze").
    Mt942,
}

/// Reads every message of the file.
pub(crate) fn read(text: &str, kind: Kind) -> Result<Vec<Statement>, Error> {
    let msgs = messages(text);
    if msgs.is_empty() {
        return Err(Error::swift(
            1,
            ":20:",
            "no MT940 field was found (lines start with :20:, :25:, :61:…); export the file again",
        ));
    }
    msgs.iter().map(|m| message(m, kind)).collect()
}

fn message(fields: &[Field], kind: Kind) -> Result<Statement, Error> {
    let first_line = fields.first().map_or(1, |f| f.line);
    let mut st = Statement::default();
    let mut currency: Option<String> = None;
    let status = match kind {
        Kind::Mt940 => EntryStatus::Booked,
        Kind::Mt942 => EntryStatus::Pending,
    };
    let mut last_was_61 = false;
    for f in fields {
        match f.tag.as_str() {
            "20" => st.id = non_empty(&f.value),
            "25" => st.account = account(&f.value),
            "28C" | "28" => st.sequence = non_empty(&f.value),
            "60F" | "60M" => {
                let b = balance(f)?;
                currency = Some(b.currency.clone());
                st.opening_balance = Some(b);
            }
            "62F" | "62M" => {
                let b = balance(f)?;
                currency.get_or_insert_with(|| b.currency.clone());
                st.closing_balance = Some(b);
            }
            "34F" => {
                if let Some(c) = f.value.trim().get(..3) {
                    currency.get_or_insert_with(|| c.to_owned());
                }
            }
            "61" => {
                let ccy = currency.clone().or_else(|| st.account.currency.clone()).ok_or_else(|| {
                    Error::swift(
                        f.line,
                        ":61:",
                        "the currency is unknown: no :60F: (or :34F: in MT942) before the first entry",
                    )
                })?;
                st.entries.push(statement_line(f, &ccy, status)?);
            }
            "86" if last_was_61 => {
                if let Some(e) = st.entries.last_mut() {
                    apply_86(e, f);
                }
            }
            _ => {}
        }
        last_was_61 = f.tag == "61";
    }
    if kind == Kind::Mt940 && (st.opening_balance.is_none() || st.closing_balance.is_none()) {
        return Err(Error::swift(
            first_line,
            if st.opening_balance.is_none() {
                ":60F:"
            } else {
                ":62F:"
            },
            "an MT940 statement needs its opening (:60F:) and closing (:62F:) balance; the file is cut off or is an MT942",
        ));
    }
    if st.account.currency.is_none() {
        st.account.currency = currency;
    }
    Ok(st)
}

/// `:25:` holds `BLZ/account`, an IBAN, or an IBAN followed by the currency.
fn account(value: &str) -> AccountId {
    let v = value.trim().replace(' ', "");
    let mut id = AccountId::default();
    if field86::looks_like_iban(&v) {
        let (iban, currency) = match v.len().checked_sub(3).and_then(|n| v.get(n..)) {
            Some(tail)
                if tail.bytes().all(|b| b.is_ascii_uppercase())
                    && v.get(..v.len() - 3).is_some_and(valid_iban) =>
            {
                (v[..v.len() - 3].to_owned(), Some(tail.to_owned()))
            }
            _ => (v.clone(), None),
        };
        if valid_iban(&iban) {
            id.iban = Some(iban);
            id.currency = currency;
            return id;
        }
    }
    id.other = non_empty(&v);
    id
}

fn valid_iban(s: &str) -> bool {
    s.parse::<iban::Iban>().is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(tag: &str, value: &str) -> Field {
        Field {
            tag: tag.into(),
            value: value.into(),
            line: 7,
        }
    }

    #[test]
    fn statement_line_with_entry_date_funds_code_and_details() {
        let e = statement_line(
            &field("61", "2312291229DR26,79NDDTNONREF//B123\n/OCMT/EUR26,79/"),
            "EUR",
            EntryStatus::Booked,
        )
        .unwrap();
        assert_eq!(e.amount, Decimal::new(-2679, 2));
        assert_eq!(e.value_date, Some(time::macros::date!(2023 - 12 - 29)));
        assert_eq!(e.bank_reference.as_deref(), Some("B123"));
        assert_eq!(e.booking_text.as_deref(), Some("/OCMT/EUR26,79/"));
        assert_eq!(e.bank_transaction_code.as_deref(), Some("NDDT"));
    }

    #[test]
    fn entry_date_across_new_year_and_reversals() {
        let e = statement_line(
            &field("61", "2312310102C5,NTRFKD1"),
            "EUR",
            EntryStatus::Booked,
        )
        .unwrap();
        assert_eq!(e.booking_date, Some(time::macros::date!(2024 - 01 - 02)));
        assert_eq!(e.amount, Decimal::new(5, 0));
        let r = statement_line(
            &field("61", "240102RD10,00NRTINONREF"),
            "EUR",
            EntryStatus::Booked,
        )
        .unwrap();
        assert!(r.reversal);
        assert_eq!(r.amount, Decimal::new(1000, 2));
        assert_eq!(r.bank_reference, None);
    }

    #[test]
    fn bad_lines_name_line_and_field() {
        let e = statement_line(&field("61", "240102X10,00NTRF"), "EUR", EntryStatus::Booked)
            .unwrap_err();
        assert!(e.to_string().starts_with("line 7, field :61:"), "{e}");
        let e = statement_line(&field("61", "240102C10.00NTRF"), "EUR", EntryStatus::Booked)
            .unwrap_err();
        assert!(e.to_string().contains("not an amount"), "{e}");
        let e =
            statement_line(&field("61", "240102C10,00"), "EUR", EntryStatus::Booked).unwrap_err();
        assert!(e.to_string().contains("transaction type"), "{e}");
    }

    #[test]
    fn account_forms() {
        assert_eq!(
            account("37040044/0532013000").other.as_deref(),
            Some("37040044/0532013000")
        );
        let a = account("DE89370400440532013000EUR");
        assert_eq!(a.iban.as_deref(), Some("DE89370400440532013000"));
        assert_eq!(a.currency.as_deref(), Some("EUR"));
    }
}
