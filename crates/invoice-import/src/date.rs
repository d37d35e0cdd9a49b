//! Dates as offices write them: `2026-11-01`, `01.11.2026`, `01-11-2026`, `01/11/2026`. A slash
//! date is day/month in Germany and the Netherlands but month/day in the United States; a column
//! decides by a value that only one order explains (`13/11/2026`), and a value that either order
//! explains in a column that does not tell is refused.

use time::{Date, Month};

use crate::error::Problem;

/// Which comes first in a column's slash dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateOrder {
    /// `DD/MM/YYYY`.
    DayMonth,
    /// `MM/DD/YYYY`.
    MonthDay,
}

/// The two leading numbers of a slash date, if `value` is one.
fn slash_parts(value: &str) -> Option<(u8, u8)> {
    let mut it = value.trim().split('/');
    let a = it.next()?.parse().ok()?;
    let b = it.next()?.parse().ok()?;
    Some((a, b))
}

/// What one value says about its column's order.
pub(crate) fn evidence(value: &str) -> Option<DateOrder> {
    match slash_parts(value)? {
        (a, b) if a > 12 && b <= 12 => Some(DateOrder::DayMonth),
        (a, b) if b > 12 && a <= 12 => Some(DateOrder::MonthDay),
        _ => None,
    }
}

fn ymd(y: &str, m: &str, d: &str, value: &str) -> Result<Date, Problem> {
    let not = || Problem::NotADate(value.to_owned());
    if y.len() == 2 && y.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Problem::TwoDigitYear(value.to_owned()));
    }
    if y.len() != 4 || m.is_empty() || m.len() > 2 || d.is_empty() || d.len() > 2 {
        return Err(not());
    }
    let y: i32 = y.parse().map_err(|_| not())?;
    let m: u8 = m.parse().map_err(|_| not())?;
    let d: u8 = d.parse().map_err(|_| not())?;
    let month = Month::try_from(m).map_err(|_| not())?;
    Date::from_calendar_date(y, month, d).map_err(|_| not())
}

/// Reads `value` (a time after the date, as some exports add, is ignored).
pub(crate) fn read(value: &str, order: Option<DateOrder>) -> Result<Date, Problem> {
    let v = value.trim();
    let v = v.split(['T', ' ']).next().unwrap_or(v);
    let not = || Problem::NotADate(value.to_owned());
    if let Some(parts) = split3(v, '-') {
        return match parts {
            (y, m, d) if y.len() == 4 => ymd(y, m, d, value),
            (d, m, y) => ymd(y, m, d, value),
        };
    }
    if let Some((d, m, y)) = split3(v, '.') {
        return ymd(y, m, d, value);
    }
    if let Some((a, b, y)) = split3(v, '/') {
        if a.len() == 4 {
            return ymd(a, b, y, value);
        }
        let (pa, pb) = slash_parts(v).ok_or_else(not)?;
        let order = match (evidence(v), order) {
            (Some(o), _) => o,
            (None, _) if pa == pb => DateOrder::DayMonth,
            (None, Some(o)) => o,
            (None, None) => return Err(Problem::AmbiguousDate(value.to_owned())),
        };
        return match order {
            DateOrder::DayMonth => ymd(y, b, a, value),
            DateOrder::MonthDay => ymd(y, a, b, value),
        };
    }
    Err(not())
}

fn split3(v: &str, sep: char) -> Option<(&str, &str, &str)> {
    let mut it = v.split(sep);
    let parts = (it.next()?, it.next()?, it.next()?);
    it.next().is_none().then_some(parts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn the_four_shapes_are_read() {
        assert_eq!(read("2026-11-01", None), Ok(date!(2026 - 11 - 01)));
        assert_eq!(read("01.11.2026", None), Ok(date!(2026 - 11 - 01)));
        assert_eq!(read("1.11.2026", None), Ok(date!(2026 - 11 - 01)));
        assert_eq!(read("01-11-2026", None), Ok(date!(2026 - 11 - 01)));
        assert_eq!(read("2026-11-01T00:00:00", None), Ok(date!(2026 - 11 - 01)));
        assert_eq!(read("13/11/2026", None), Ok(date!(2026 - 11 - 13)));
        assert_eq!(read("11/13/2026", None), Ok(date!(2026 - 11 - 13)));
        assert_eq!(
            read("01/11/2026", Some(DateOrder::DayMonth)),
            Ok(date!(2026 - 11 - 01))
        );
    }

    #[test]
    fn what_cannot_be_told_is_refused() {
        assert_eq!(
            read("01/11/2026", None),
            Err(Problem::AmbiguousDate("01/11/2026".into()))
        );
        assert_eq!(
            read("01.11.26", None),
            Err(Problem::TwoDigitYear("01.11.26".into()))
        );
        assert_eq!(
            read("31.02.2026", None),
            Err(Problem::NotADate("31.02.2026".into()))
        );
        assert_eq!(read("soon", None), Err(Problem::NotADate("soon".into())));
    }
}
