//! Shapes shared by several endpoints, and the parsing of what clients send.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use time::Date;
use utoipa::ToSchema;

use crate::error::ApiError;

/// An account id as clients send it: the original sent strings, ours are numbers; both work.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum AccountId {
    /// `"42"`.
    Text(String),
    /// `42` (or `42.0`, which JSON Schema counts as the same integer).
    Number(#[serde(deserialize_with = "integer")] i64),
}

impl AccountId {
    /// The numeric id, or a 400 naming the field.
    pub fn value(&self) -> Result<i64, ApiError> {
        match self {
            AccountId::Number(n) => Ok(*n),
            AccountId::Text(s) => s.trim().parse().map_err(|_| {
                ApiError::BadRequest(format!(
                    "account_id {s:?} is not an account id from accounts/sync"
                ))
            }),
        }
    }
}

/// An integer field that also takes `42.0`: JSON Schema's `integer` is a test on the value
/// ("a number with a zero fractional part"), not on its spelling, so clients generated from
/// the OpenAPI document may send it; serde's `i64` alone refuses it. A fraction, or a float past
/// 2^53 (where it no longer names one integer exactly), is still refused.
pub fn integer<'de, D: serde::Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    let n = serde_json::Number::deserialize(d)?;
    whole(&n).ok_or_else(|| serde::de::Error::custom(format!("{n} is not an integer")))
}

/// [`integer`] for an optional field (`null` or absent is `None`).
pub fn optional_integer<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    Option::<serde_json::Number>::deserialize(d)?
        .map(|n| {
            whole(&n).ok_or_else(|| serde::de::Error::custom(format!("{n} is not an integer")))
        })
        .transpose()
}

fn whole(n: &serde_json::Number) -> Option<i64> {
    if let Some(i) = n.as_i64() {
        return Some(i);
    }
    // Past 2^53 a float no longer names one integer exactly.
    const EXACT: f64 = 9_007_199_254_740_992.0;
    let f = n.as_f64()?;
    (f.fract() == 0.0 && f.abs() <= EXACT).then_some(f as i64)
}

/// The form of a positive amount in a request body, as the document states it (`pattern`): up
/// to 15 digits before the point (no leading zero), up to 10 after it, or `0.` and a fraction
/// with a non-zero digit among its first 10. [`positive_amount`] takes exactly these strings,
/// so what the document allows the server takes and nothing else (a `1.190,00` is refused, not
/// read as 1.19).
pub const POSITIVE_AMOUNT: &str = r"^([1-9][0-9]{0,14}(\.[0-9]{1,10})?|0\.0{0,9}[1-9][0-9]{0,9})$";

/// A positive amount in the form of [`POSITIVE_AMOUNT`], or a 400 naming the field and what to
/// send instead.
pub fn positive_amount(field: &str, text: &str) -> Result<Decimal, ApiError> {
    let refuse = || {
        ApiError::BadRequest(format!(
            "{field} {text:?} is not a positive amount like \"1190.00\": digits, a point before \
             the decimals, no sign, no thousands separator"
        ))
    };
    let (units, fraction) = match text.split_once('.') {
        Some((units, fraction)) => (units, Some(fraction)),
        None => (text, None),
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(units) || fraction.is_some_and(|f| !digits(f)) {
        return Err(refuse());
    }
    let fits = if units == "0" {
        fraction.is_some_and(|f| {
            let zeros = f.bytes().take_while(|b| *b == b'0').count();
            zeros <= 9 && f.len() > zeros && f.len() - zeros - 1 <= 9
        })
    } else {
        !units.starts_with('0') && units.len() <= 15 && fraction.is_none_or(|f| f.len() <= 10)
    };
    if !fits {
        return Err(refuse());
    }
    text.parse().map_err(|_| refuse())
}

/// Parses `YYYY-MM-DD`, or a 400 naming the field.
pub fn parse_date(field: &str, value: &str) -> Result<Date, ApiError> {
    Date::parse(
        value,
        time::macros::format_description!("[year]-[month]-[day]"),
    )
    .map_err(|_| ApiError::BadRequest(format!("{field} {value:?} is not a date as YYYY-MM-DD")))
}

/// A stored transaction as the API shows it. Amounts are exact decimal strings, signed
/// (incoming > 0, outgoing < 0).
#[derive(Debug, Serialize, ToSchema)]
pub struct TransactionDto {
    /// Our id.
    pub id: i64,
    /// Our account id.
    pub account_id: i64,
    /// The bank's `transactionId`.
    pub transaction_id: Option<String>,
    /// `entryReference`.
    pub entry_reference: Option<String>,
    /// `endToEndId`.
    pub end_to_end_id: Option<String>,
    /// Booking date.
    pub booking_date: Option<String>,
    /// Value date.
    pub value_date: Option<String>,
    /// Signed exact amount, e.g. `"-41.00"`.
    pub amount: String,
    /// ISO 4217.
    pub currency: String,
    /// Debtor of incoming, creditor of outgoing money.
    pub counterparty_name: Option<String>,
    /// Counterparty IBAN.
    pub counterparty_iban: Option<String>,
    /// Remittance text.
    pub remittance_information: Option<String>,
    /// Structured remittance (creditor reference).
    pub remittance_structured: Option<String>,
    /// `booked` or `pending`.
    pub status: String,
    /// `unmatched`, `suggested` or `matched`.
    pub reconciliation_state: String,
}

impl From<storage::entity::transaction::Model> for TransactionDto {
    fn from(t: storage::entity::transaction::Model) -> Self {
        Self {
            id: t.id,
            account_id: t.account_id,
            transaction_id: t.bank_transaction_id,
            entry_reference: t.entry_reference,
            end_to_end_id: t.end_to_end_id,
            booking_date: t.booking_date.map(|d| d.to_string()),
            value_date: t.value_date.map(|d| d.to_string()),
            amount: t.amount.to_string(),
            currency: t.currency,
            counterparty_name: t.counterparty_name,
            counterparty_iban: t.counterparty_iban,
            remittance_information: t.remittance_unstructured,
            remittance_structured: t.remittance_structured,
            status: t.status.to_string(),
            reconciliation_state: t.reconciliation_state.to_string(),
        }
    }
}

/// A match or suggestion as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct MatchDto {
    /// Our id.
    pub id: i64,
    /// Transaction.
    pub transaction_id: i64,
    /// Invoice.
    pub invoice_id: i64,
    /// Allocated amount.
    pub amount: String,
    /// Score between 0 and 1.
    pub confidence: String,
    /// `auto` or `manual`.
    pub method: String,
    /// The matcher's reasons.
    #[schema(value_type = Object)]
    pub reasons: serde_json::Value,
    /// `suggested`, `confirmed`, `rejected`, `undone`.
    pub status: String,
    /// Who decided.
    pub decided_by: Option<String>,
}

impl From<storage::entity::allocation::Model> for MatchDto {
    fn from(m: storage::entity::allocation::Model) -> Self {
        Self {
            id: m.id,
            transaction_id: m.transaction_id,
            invoice_id: m.invoice_id,
            amount: m.amount.to_string(),
            confidence: m.confidence.to_string(),
            method: m.method.to_string(),
            reasons: m.match_reasons().to_value(),
            status: m.status.to_string(),
            decided_by: m.decided_by,
        }
    }
}

/// A list's `offset`, which the database counts in signed 64 bits: a larger one is no page at
/// all and a clear 400 rather than a failure inside the query builder.
pub fn page_offset(offset: Option<u64>) -> Result<u64, ApiError> {
    match offset {
        Some(o) if i64::try_from(o).is_err() => Err(ApiError::BadRequest(format!(
            "offset {o} is beyond any page: use at most {}",
            i64::MAX
        ))),
        o => Ok(o.unwrap_or(0)),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use utoipa::OpenApi as _;

    use super::*;

    #[test]
    fn positive_amounts_are_taken_in_the_documented_form_only() {
        for good in [
            "1190.00",
            "1",
            "0.01",
            "0.0000000001",
            "999999999999999.9999999999",
        ] {
            assert!(positive_amount("total", good).is_ok(), "{good}");
        }
        for bad in [
            "",
            "0",
            "0.00",
            "-1",
            "+1",
            " 1",
            "1.",
            ".5",
            "01",
            "1.190,00",
            "1,5",
            "1_000",
            "1e3",
            "1000000000000000",
            "1.12345678901",
            "0.00000000001",
            "NaN",
        ] {
            let refused = positive_amount("total", bad).unwrap_err().to_string();
            assert!(refused.contains("positive amount"), "{bad}: {refused}");
        }
        assert_eq!(
            positive_amount("t", "1190.00").unwrap().to_string(),
            "1190.00"
        );
    }

    /// The document's pattern is the one the parser implements.
    #[test]
    fn the_document_states_the_amount_form() {
        let doc = serde_json::to_value(crate::openapi::ApiDoc::openapi()).unwrap();
        let schemas = &doc["components"]["schemas"];
        for (schema, field) in [("InvoiceInput", "total"), ("ManualAllocation", "amount")] {
            assert_eq!(
                schemas[schema]["properties"][field]["pattern"], POSITIVE_AMOUNT,
                "{schema}.{field}"
            );
        }
    }

    #[test]
    fn integers_may_be_spelled_with_a_zero_fraction() {
        let id = |json: &str| {
            let mut d = serde_json::Deserializer::from_str(json);
            integer(&mut d)
        };
        assert_eq!(id("7").unwrap(), 7);
        assert_eq!(id("7.0").unwrap(), 7);
        assert_eq!(id("-3.0").unwrap(), -3);
        assert!(id("7.5").is_err());
        assert!(id("1e300").is_err());
        assert!(id("18446744073709551615").is_err());
    }
}
