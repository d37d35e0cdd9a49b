//! Exact decimals as the database keeps them: decimal text, never a float.
//!
//! sea-orm maps `Decimal` to `REAL` on SQLite, which rounds large amounts, so amounts and scores
//! are stored as the text `Decimal` writes, its scale kept: `1190.00`, `-12345678901234.56`,
//! `0.0001`. [`Money`] and [`Confidence`] are the entity fields of those columns and convert
//! where rows are read and written, nowhere else. A stored text that is not the exact text of a
//! decimal (not a number, or spelled otherwise than `Decimal` writes it, which a write-back would
//! change) is refused as [`Error::Corrupt`](crate::Error::Corrupt) naming the column and the row
//! id, never read as zero; what is read is therefore written back byte for byte.

use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

use rust_decimal::Decimal;
use sea_orm::sea_query::{ArrayType, ColumnType, Nullable, StringLen, ValueType, ValueTypeErr};
use sea_orm::{ColIdx, DbErr, QueryResult, TryGetError, TryGetable, Value};

use crate::error::{CorruptDecimal, Error};

/// The decimal whose text is exactly `text`, or `None`.
fn exact(text: &str) -> Option<Decimal> {
    let d = Decimal::from_str(text).ok()?;
    (d.to_string() == text).then_some(d)
}

/// Reads the decimal text at `idx` of `res`, naming the column and the row's `id` when refused.
fn read<I: ColIdx>(res: &QueryResult, idx: I) -> Result<Decimal, TryGetError> {
    let text = String::try_get_by(res, idx)?;
    exact(&text).ok_or_else(|| {
        let column = match (idx.as_str(), idx.as_usize()) {
            (Some(name), _) => name.to_owned(),
            (None, Some(n)) => format!("#{n}"),
            (None, None) => "?".to_owned(),
        };
        let row = res
            .try_get_by::<i64, _>("id")
            .map_or_else(|_| "a row without id".to_owned(), |id| format!("row {id}"));
        TryGetError::DbErr(DbErr::TryIntoErr {
            from: "String",
            into: "Decimal",
            source: Arc::new(CorruptDecimal { column, row, text }),
        })
    })
}

/// Declares a decimal stored as text: conversions from and to `Decimal`, `Display` and serde as
/// the decimal text, and sea-orm's value traits for a `String` column.
macro_rules! decimal_text {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(Decimal);

        impl $name {
            /// The exact decimal.
            pub fn decimal(self) -> Decimal {
                self.0
            }
        }

        impl From<Decimal> for $name {
            fn from(d: Decimal) -> Self {
                Self(d)
            }
        }

        impl From<$name> for Decimal {
            fn from(v: $name) -> Self {
                v.0
            }
        }

        /// The decimal text, as stored.
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(&self.0, f)
            }
        }

        impl FromStr for $name {
            type Err = Error;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Decimal::from_str(s)
                    .map(Self)
                    .map_err(|_| Error::Invalid(format!("{s:?} is not a decimal")))
            }
        }

        /// A JSON string holding the decimal text (`"1190.00"`), never a float.
        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(self)
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
                text.parse().map_err(serde::de::Error::custom)
            }
        }

        impl From<$name> for Value {
            fn from(v: $name) -> Self {
                Value::String(Some(v.0.to_string()))
            }
        }

        impl TryGetable for $name {
            fn try_get_by<I: ColIdx>(res: &QueryResult, idx: I) -> Result<Self, TryGetError> {
                read(res, idx).map(Self)
            }
        }

        impl ValueType for $name {
            fn try_from(v: Value) -> Result<Self, ValueTypeErr> {
                match v {
                    Value::String(Some(text)) => exact(&text).map(Self).ok_or(ValueTypeErr),
                    _ => Err(ValueTypeErr),
                }
            }

            fn type_name() -> String {
                stringify!($name).to_owned()
            }

            fn array_type() -> ArrayType {
                ArrayType::String
            }

            fn column_type() -> ColumnType {
                ColumnType::String(StringLen::None)
            }
        }

        impl Nullable for $name {
            fn null() -> Value {
                Value::String(None)
            }
        }

        impl sea_orm::IntoActiveValue<$name> for $name {
            fn into_active_value(self) -> sea_orm::ActiveValue<$name> {
                sea_orm::ActiveValue::Set(self)
            }
        }
    };
}

decimal_text! {
    /// An amount of money as stored: exact, its scale kept (`1190.00` stays `1190.00`).
    /// Compares by value (`1190.00 == 1190.0`); displays and serializes as the stored text.
    Money
}

decimal_text! {
    /// A matcher's score between 0 and 1 as stored, exact (`0.98`). Compares by value; displays
    /// and serializes as the stored text.
    Confidence
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn the_stored_text_is_kept_exactly() {
        for text in ["0.10", "1190.00", "-12345678901234.56", "0.0001", "0", "5"] {
            let m = Money::from(exact(text).unwrap());
            assert_eq!(m.to_string(), text);
            assert_eq!(Value::from(m), Value::String(Some(text.to_owned())));
            assert_eq!(serde_json::to_string(&m).unwrap(), format!("{text:?}"));
            let back: Money = serde_json::from_str(&format!("{text:?}")).unwrap();
            assert_eq!(back.to_string(), text);
        }
    }

    #[test]
    fn text_a_decimal_would_write_otherwise_is_not_exact() {
        for text in ["", "abc", "1,00", "+5", "1_000", " 1.00", "1.00 ", "1e3"] {
            assert_eq!(exact(text), None, "{text:?}");
        }
        assert!(<Money as ValueType>::try_from(Value::String(Some("x".into()))).is_err());
    }

    #[test]
    fn money_compares_by_value() {
        let a: Money = "1190.00".parse().unwrap();
        let b: Money = "1190.0".parse().unwrap();
        assert_eq!(a, b);
        assert_ne!(a.to_string(), b.to_string());
        assert!(matches!("ten".parse::<Money>(), Err(Error::Invalid(_))));
    }
}
