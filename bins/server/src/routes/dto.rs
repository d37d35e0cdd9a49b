//! Shapes shared by several endpoints, and the parsing of what clients send.

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
    /// `42`.
    Number(i64),
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
