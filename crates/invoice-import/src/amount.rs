//! Amounts written as people write them: `1.190,00` in Germany and the Netherlands, `1,190.00` in
//! England, `1190` anywhere. The decimal mark is decided per column from all its values, because
//! one value alone often cannot tell: `1.190` is 1190 in a decimal-comma column and 1.19 in a
//! decimal-point one. A value that only its column could explain, in a column that does not, is
//! refused rather than guessed.

use rust_decimal::Decimal;

use crate::error::Problem;

/// The character between the whole and the fractional part of a column's amounts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DecimalMark {
    /// `1.190,50` (German, Dutch).
    Comma,
    /// `1,190.50` (English).
    Point,
}

/// What one value says about its column's decimal mark.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Evidence {
    /// Only a decimal comma explains it (`1.190,00`, `12,5`, `1.190.000`).
    Comma,
    /// Only a decimal point explains it (`1,190.00`, `12.5`, `1,190,000`).
    Point,
    /// Either could (`1.190`, `1,190`: one mark followed by exactly three digits).
    Either,
    /// No mark at all (`1190`), or not an amount (found when it is read).
    Nothing,
}

/// The value without currency, spaces and sign: `(negative, digits and marks)`.
fn strip(value: &str) -> (bool, String) {
    let mut s: String = value
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{a0}' && *c != '\u{202f}' && *c != '€')
        .collect();
    for code in ["EUR", "eur"] {
        if let Some(rest) = s.strip_prefix(code) {
            s = rest.to_owned();
        }
        if let Some(rest) = s.strip_suffix(code) {
            s = rest.to_owned();
        }
    }
    let mut negative = false;
    if let Some(rest) = s.strip_prefix('-') {
        negative = true;
        s = rest.to_owned();
    } else if let Some(rest) = s.strip_suffix('-') {
        // Accounting exports write the sign behind (`1.190,00-`).
        negative = true;
        s = rest.to_owned();
    } else if let Some(rest) = s.strip_prefix('+') {
        s = rest.to_owned();
    }
    (negative, s)
}

/// A single mark followed by exactly three digits after one to three digits (`1.190`, `12,500`)
/// could be a thousands separator or a decimal mark.
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
        _ => {
            // Both marks: the last one is the decimal mark.
            match (s.rfind(','), s.rfind('.')) {
                (Some(c), Some(p)) if c > p => Evidence::Comma,
                _ => Evidence::Point,
            }
        }
    }
}

/// Reads `value` with the column's decimal mark (`None`: the column did not tell).
pub(crate) fn read(value: &str, mark: Option<DecimalMark>) -> Result<Decimal, Problem> {
    let not = || Problem::NotAnAmount(value.to_owned());
    let (negative, s) = strip(value);
    if s.is_empty()
        || !s
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == ',')
    {
        return Err(not());
    }
    let (decimal, thousands) = match mark {
        Some(DecimalMark::Comma) => (',', '.'),
        Some(DecimalMark::Point) => ('.', ','),
        None => match evidence(value) {
            Evidence::Nothing => ('.', ','),
            Evidence::Either => return Err(Problem::AmbiguousAmount(value.to_owned())),
            // A column's own values decide its mark, so this cannot happen; refuse, never guess.
            Evidence::Comma | Evidence::Point => {
                return Err(Problem::AmbiguousAmount(value.to_owned()));
            }
        },
    };
    let (whole, frac) = match s.split_once(decimal) {
        Some((w, f)) => (w, Some(f)),
        None => (s.as_str(), None),
    };
    if frac.is_some_and(|f| f.is_empty() || !f.bytes().all(|b| b.is_ascii_digit())) {
        return Err(not());
    }
    // Thousands groups: one to three digits first, then groups of exactly three.
    let groups: Vec<&str> = whole.split(thousands).collect();
    let grouped_ok = groups.len() == 1
        || (groups.first().is_some_and(|g| (1..=3).contains(&g.len()))
            && groups.iter().skip(1).all(|g| g.len() == 3));
    if (whole.is_empty() && frac.is_none()) || !grouped_ok {
        return Err(not());
    }
    let mut plain: String = groups.concat();
    if plain.is_empty() {
        plain.push('0');
    }
    if let Some(f) = frac {
        plain.push('.');
        plain.push_str(f);
    }
    let n: Decimal = plain.parse().map_err(|_| not())?;
    Ok(if negative { -n } else { n })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn a_value_tells_what_it_can() {
        assert_eq!(evidence("1.190,00"), Evidence::Comma);
        assert_eq!(evidence("1,190.00"), Evidence::Point);
        assert_eq!(evidence("12,5"), Evidence::Comma);
        assert_eq!(evidence("12.50"), Evidence::Point);
        assert_eq!(evidence("1.190.000"), Evidence::Comma);
        assert_eq!(evidence("1.190"), Evidence::Either);
        assert_eq!(evidence("1,190"), Evidence::Either);
        assert_eq!(evidence("0.190"), Evidence::Point);
        assert_eq!(evidence("1190"), Evidence::Nothing);
        assert_eq!(evidence("1.190,00 €"), Evidence::Comma);
    }

    #[test]
    fn values_are_read_by_the_columns_mark() {
        assert_eq!(read("1.190", Some(DecimalMark::Comma)), Ok(d("1190")));
        assert_eq!(read("1.190,50", Some(DecimalMark::Comma)), Ok(d("1190.50")));
        assert_eq!(read("1.190", Some(DecimalMark::Point)), Ok(d("1.190")));
        assert_eq!(read("1,190.50", Some(DecimalMark::Point)), Ok(d("1190.50")));
        assert_eq!(
            read("-1.190,00", Some(DecimalMark::Comma)),
            Ok(d("-1190.00"))
        );
        assert_eq!(
            read("1.190,00-", Some(DecimalMark::Comma)),
            Ok(d("-1190.00"))
        );
        assert_eq!(
            read("EUR 1.190,00", Some(DecimalMark::Comma)),
            Ok(d("1190.00"))
        );
        assert_eq!(read("1190", None), Ok(d("1190")));
        assert_eq!(
            read("1.190", None),
            Err(Problem::AmbiguousAmount("1.190".into()))
        );
        assert_eq!(
            read("11.90.0", Some(DecimalMark::Comma)),
            Err(Problem::NotAnAmount("11.90.0".into()))
        );
        assert_eq!(
            read("1.19,00", Some(DecimalMark::Comma)),
            Err(Problem::NotAnAmount("1.19,00".into()))
        );
        assert_eq!(read("abc", None), Err(Problem::NotAnAmount("abc".into())));
    }
}
