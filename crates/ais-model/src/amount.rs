//! Money as ING sends it: `{"currency": "EUR", "amount": "-12.50"}`. Real traffic differs from
//! the OpenAPI file: amounts arrive as strings, as JSON numbers, with a leading `+`
//! (`docs/ing-protocol.md`, "Account information"). All are read exactly into a `Decimal`, never
//! through a float, and written back as a string.

use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An amount of money in a currency.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Amount {
    /// ISO 4217 code, e.g. `EUR`.
    pub currency: String,
    /// The value, signed where the API signs it (debits negative).
    #[serde(
        deserialize_with = "decimal_from_any",
        serialize_with = "decimal_to_string"
    )]
    pub amount: Decimal,
}

impl Amount {
    /// `amount` in `currency`.
    pub fn new(amount: Decimal, currency: impl Into<String>) -> Self {
        Self {
            currency: currency.into(),
            amount,
        }
    }
}

/// An amount whose parts may be missing, as on some real transactions (`{"amount": 100.12}` with
/// no currency, `{"currency": "EUR"}` with no amount).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct PartialAmount {
    /// ISO 4217 code, when sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    /// The value, when sent.
    #[serde(
        default,
        deserialize_with = "option_decimal_from_any",
        serialize_with = "option_decimal_to_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub amount: Option<Decimal>,
}

fn option_decimal_from_any<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Decimal>, D::Error> {
    decimal_from_any(d).map(Some)
}

fn option_decimal_to_string<S: Serializer>(
    value: &Option<Decimal>,
    s: S,
) -> Result<S::Ok, S::Error> {
    match value {
        Some(v) => decimal_to_string(v, s),
        None => s.serialize_none(),
    }
}

/// Reads a string that some answers send as a JSON number (`"bban": 123456789`).
pub fn string_from_any<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    match serde_json::Value::deserialize(d)? {
        serde_json::Value::Null => Ok(None),
        serde_json::Value::String(s) => Ok(Some(s)),
        serde_json::Value::Number(n) => Ok(Some(n.to_string())),
        other => Err(de::Error::custom(format!(
            "expected a string, found {other}"
        ))),
    }
}

/// Reads a decimal from a JSON string (`"50.00"`, `"+250.00"`, `"-738.94"`) or number (`5.00`,
/// `-47.13`, read from its text, not through an f64).
pub fn decimal_from_any<'de, D: Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
    d.deserialize_any(DecimalVisitor)
}

/// Writes a decimal as a JSON string, as the Berlin Group specifies.
pub fn decimal_to_string<S: Serializer>(value: &Decimal, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&value.to_string())
}

/// Parses a decimal from text, accepting a leading `+`.
pub fn parse_decimal(text: &str) -> Option<Decimal> {
    let t = text.trim();
    let t = t.strip_prefix('+').unwrap_or(t);
    if t.is_empty() {
        None
    } else if t.contains(['e', 'E']) {
        Decimal::from_scientific(t).ok()
    } else {
        Decimal::from_str(t).ok()
    }
}

struct DecimalVisitor;

impl<'de> Visitor<'de> for DecimalVisitor {
    type Value = Decimal;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a decimal amount as a string or number")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Decimal, E> {
        parse_decimal(v).ok_or_else(|| E::custom(format!("invalid amount {v:?}")))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Decimal, E> {
        Ok(Decimal::from(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Decimal, E> {
        Ok(Decimal::from(v))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Decimal, E> {
        // serde_json hands fractional numbers over as f64 unless `arbitrary_precision` is on.
        // The shortest representation that round-trips (Rust's `{}` of f64) is the text ING sent
        // for every amount with at most 15 significant digits, which covers any bank amount.
        parse_decimal(&format!("{v}")).ok_or_else(|| E::custom(format!("invalid amount {v}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(json: &str) -> Result<Amount, serde_json::Error> {
        serde_json::from_str(json)
    }

    #[test]
    fn strings_numbers_and_plus_signs() {
        assert_eq!(
            parse(r#"{"currency":"EUR","amount":"50.00"}"#)
                .unwrap()
                .amount,
            Decimal::new(5000, 2)
        );
        assert_eq!(
            parse(r#"{"currency":"EUR","amount":"+250.00"}"#)
                .unwrap()
                .amount,
            Decimal::new(25000, 2)
        );
        assert_eq!(
            parse(r#"{"currency":"EUR","amount":-47.13}"#)
                .unwrap()
                .amount,
            Decimal::new(-4713, 2)
        );
        assert_eq!(
            parse(r#"{"currency":"EUR","amount":5}"#).unwrap().amount,
            Decimal::new(5, 0)
        );
        assert_eq!(
            parse(r#"{"currency":"EUR","amount":0.1}"#).unwrap().amount,
            Decimal::new(1, 1)
        );
    }

    #[test]
    fn large_and_exact_values_survive() {
        let a = parse(r#"{"currency":"EUR","amount":"-9999999999999.9999"}"#).unwrap();
        assert_eq!(a.amount.to_string(), "-9999999999999.9999");
        let back = serde_json::to_string(&a).unwrap();
        assert_eq!(back, r#"{"currency":"EUR","amount":"-9999999999999.9999"}"#);
    }

    #[test]
    fn garbage_is_an_error() {
        assert!(parse(r#"{"currency":"EUR","amount":"12,50"}"#).is_err());
        assert!(parse(r#"{"currency":"EUR","amount":""}"#).is_err());
        assert!(parse(r#"{"currency":"EUR","amount":true}"#).is_err());
    }
}
