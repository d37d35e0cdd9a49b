//! ISO 8601 calendar dates (`2025-01-31`). ING documents date-times for query parameters but
//! sends plain dates in bodies; a date-time is accepted and its date part kept, so a booking date
//! never shifts with a time zone.

use serde::{Deserialize, Deserializer, Serializer};
use time::Date;
use time::macros::format_description;

const FORMAT: &[time::format_description::BorrowedFormatItem<'static>] =
    format_description!("[year]-[month]-[day]");

/// Parses `YYYY-MM-DD` (or the date part of a date-time).
pub fn parse(text: &str) -> Option<Date> {
    let t = text.trim();
    Date::parse(t.get(..10)?, FORMAT)
        .ok()
        .filter(|_| t.len() == 10 || t.as_bytes().get(10) == Some(&b'T'))
}

/// Formats `YYYY-MM-DD`.
pub fn format(date: Date) -> String {
    date.format(FORMAT).unwrap_or_default()
}

/// serde for `Option<Date>` fields.
pub mod option {
    use super::*;

    /// Reads an optional date; an empty string counts as absent.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Date>, D::Error> {
        match Option::<String>::deserialize(d)? {
            None => Ok(None),
            Some(s) if s.trim().is_empty() => Ok(None),
            Some(s) => parse(&s).map(Some).ok_or_else(|| {
                serde::de::Error::custom(format!("invalid date {s:?}, expected YYYY-MM-DD"))
            }),
        }
    }

    /// Writes an optional date.
    pub fn serialize<S: Serializer>(value: &Option<Date>, s: S) -> Result<S::Ok, S::Error> {
        match value {
            Some(d) => s.serialize_str(&format(*d)),
            None => s.serialize_none(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_date_times() {
        assert_eq!(
            parse("2025-01-31").map(format).as_deref(),
            Some("2025-01-31")
        );
        assert_eq!(
            parse("2017-11-21T23:59:54.991Z").map(format).as_deref(),
            Some("2017-11-21")
        );
        assert_eq!(parse("2025-02-30"), None);
        assert_eq!(parse("31-01-2025"), None);
        assert_eq!(parse("2025-01-311"), None);
    }
}
