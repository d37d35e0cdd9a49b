//! Amounts in bank CSV files: `-1.234,56` with a decimal comma (German and Dutch banks),
//! `+12,50` (Rabobank), `1,234.56` in a generic file with a decimal point. Bank layouts fix their
//! decimal mark; a generic mapping may leave it open, and then the column's values decide, as in
//! `invoice-import`: a value only one mark explains (`12,5`, `1.234,56`) settles it, and a column
//! whose values are all like `1.234` (a thousands separator or a decimal mark?) is refused with
//! its line, never guessed.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::model::unsigned_zero;

/// The character between the whole and the fractional part.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DecimalMark {
    /// `1.234,56`.
    Comma,
    /// `1,234.56`.
    Point,
}

/// What one value says about its column's decimal mark.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Evidence {
    Comma,
    Point,
    Either,
    Nothing,
}

fn strip(value: &str) -> (bool, String) {
    let mut s: String = value
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{a0}' && *c != '\u{202f}' && *c != '€')
        .collect();
    for code in ["EUR", "eur"] {
        if let Some(rest) = s.strip_suffix(code) {
            s = rest.to_owned();
        }
    }
    let mut negative = false;
    if let Some(rest) = s.strip_prefix('-') {
        negative = true;
        s = rest.to_owned();
    } else if let Some(rest) = s.strip_suffix('-') {
        negative = true;
        s = rest.to_owned();
    } else if let Some(rest) = s.strip_prefix('+') {
        s = rest.to_owned();
    }
    (negative, s)
}

fn could_be_thousands(s: &str, mark: char) -> bool {
    match s.split_once(mark) {
        Some((whole, frac)) => {
            (1..=3).contains(&whole.len())
                && !whole.starts_with('0')
                && frac.len() == 3
                && !frac.contains(mark)
        }
        None => false,
    }
}

pub(crate) fn evidence(value: &str) -> Evidence {
    let (_, s) = strip(value);
    if !s
        .chars()
        .all(|c| c.is_ascii_digit() || c == '.' || c == ',')
    {
        return Evidence::Nothing;
    }
    let commas = s.matches(',').count();
    let points = s.matches('.').count();
    match (commas, points) {
        (0, 0) => Evidence::Nothing,
        (_, 0) if commas > 1 => Evidence::Point,
        (0, _) if points > 1 => Evidence::Comma,
        (1, 0) if could_be_thousands(&s, ',') => Evidence::Either,
        (0, 1) if could_be_thousands(&s, '.') => Evidence::Either,
        (1, 0) => Evidence::Comma,
        (0, 1) => Evidence::Point,
        _ => match (s.rfind(','), s.rfind('.')) {
            (Some(c), Some(p)) if c > p => Evidence::Comma,
            _ => Evidence::Point,
        },
    }
}

/// Why a value is not an amount.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Problem {
    NotAnAmount,
    Ambiguous,
}

/// Reads `value` with a decimal mark (`None`: only a value without any mark is readable).
pub(crate) fn read(value: &str, mark: Option<DecimalMark>) -> Result<Decimal, Problem> {
    let (negative, s) = strip(value);
    if s.is_empty()
        || !s
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == ',')
    {
        return Err(Problem::NotAnAmount);
    }
    let (decimal, thousands) = match mark {
        Some(DecimalMark::Comma) => (',', '.'),
        Some(DecimalMark::Point) => ('.', ','),
        None => match evidence(value) {
            Evidence::Nothing => ('.', ','),
            _ => return Err(Problem::Ambiguous),
        },
    };
    let (whole, frac) = match s.split_once(decimal) {
        Some((w, f)) => (w, Some(f)),
        None => (s.as_str(), None),
    };
    if frac.is_some_and(|f| f.is_empty() || !f.bytes().all(|b| b.is_ascii_digit())) {
        return Err(Problem::NotAnAmount);
    }
    let groups: Vec<&str> = whole.split(thousands).collect();
    let grouped_ok = groups.len() == 1
        || (groups.first().is_some_and(|g| (1..=3).contains(&g.len()))
            && groups.iter().skip(1).all(|g| g.len() == 3));
    if (whole.is_empty() && frac.is_none()) || !grouped_ok {
        return Err(Problem::NotAnAmount);
    }
    let mut plain: String = groups.concat();
    if plain.is_empty() {
        plain.push('0');
    }
    if let Some(f) = frac {
        plain.push('.');
        plain.push_str(f);
    }
    let n: Decimal = plain.parse().map_err(|_| Problem::NotAnAmount)?;
    Ok(unsigned_zero(if negative { -n } else { n }))
}

/// The mark a column's values call for: `Ok(None)` when none tells (all `Either`/`Nothing`),
/// `Err((comma_index, point_index))` when they contradict each other.
pub(crate) fn decide<'a>(
    values: impl Iterator<Item = &'a str>,
) -> Result<Option<DecimalMark>, (usize, usize)> {
    let mut comma = None;
    let mut point = None;
    for (i, v) in values.enumerate() {
        match evidence(v) {
            Evidence::Comma => {
                comma.get_or_insert(i);
            }
            Evidence::Point => {
                point.get_or_insert(i);
            }
            _ => {}
        }
    }
    match (comma, point) {
        (Some(c), Some(p)) => Err((c, p)),
        (Some(_), None) => Ok(Some(DecimalMark::Comma)),
        (None, Some(_)) => Ok(Some(DecimalMark::Point)),
        (None, None) => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn bank_forms() {
        let c = Some(DecimalMark::Comma);
        assert_eq!(read("-1.234,56", c), Ok(d("-1234.56")));
        assert_eq!(read("+12,50", c), Ok(d("12.50")));
        assert_eq!(read("1.190", c), Ok(d("1190")));
        assert_eq!(read("12,50-", c), Ok(d("-12.50")));
        assert_eq!(read("-0,00", c).map(|v| v.to_string()), Ok("0.00".into()));
        assert_eq!(read("12.5.0", c), Err(Problem::NotAnAmount));
        assert_eq!(read("abc", c), Err(Problem::NotAnAmount));
        assert_eq!(read("1,234.56", Some(DecimalMark::Point)), Ok(d("1234.56")));
    }

    #[test]
    fn an_open_mark_is_decided_by_the_column_or_refused() {
        assert_eq!(
            decide(["1.190", "12,5"].into_iter()),
            Ok(Some(DecimalMark::Comma))
        );
        assert_eq!(decide(["1.190", "2.000"].into_iter()), Ok(None));
        assert_eq!(decide(["1,5", "2.5"].into_iter()), Err((0, 1)));
        assert_eq!(read("1.190", None), Err(Problem::Ambiguous));
        assert_eq!(read("1190", None), Ok(d("1190")));
    }
}
