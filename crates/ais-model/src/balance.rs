//! Balances (`GET /v3/accounts/{id}/balances`).

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use time::Date;

use crate::account::AccountReference;
use crate::amount::Amount;

/// ING's balance types (SDK spec) plus the Berlin Group's; an unknown one is kept, not refused,
/// because banks add types without notice.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum BalanceType {
    /// Balance at the end of the previous business day, available to spend.
    ClosingAvailable,
    /// Booked balance at the end of the previous business day.
    ClosingBooked,
    /// Booked plus pending.
    Expected,
    /// Information only.
    Information,
    /// Available balance during the day.
    InterimAvailable,
    /// Booked balance during the day.
    InterimBooked,
    /// Closing balance of the period before.
    PreviouslyClosedBooked,
    /// Opening booked balance (Berlin Group).
    OpeningBooked,
    /// Forward available (Berlin Group).
    ForwardAvailable,
    /// Non-invoiced card transactions (Berlin Group).
    NonInvoiced,
    /// A type this model does not know yet, as sent.
    Other(String),
}

impl BalanceType {
    /// The wire name.
    pub fn as_str(&self) -> &str {
        match self {
            Self::ClosingAvailable => "closingAvailable",
            Self::ClosingBooked => "closingBooked",
            Self::Expected => "expected",
            Self::Information => "information",
            Self::InterimAvailable => "interimAvailable",
            Self::InterimBooked => "interimBooked",
            Self::PreviouslyClosedBooked => "previouslyClosedBooked",
            Self::OpeningBooked => "openingBooked",
            Self::ForwardAvailable => "forwardAvailable",
            Self::NonInvoiced => "nonInvoiced",
            Self::Other(s) => s,
        }
    }

    fn from_wire(s: &str) -> Self {
        match s {
            "closingAvailable" => Self::ClosingAvailable,
            "closingBooked" => Self::ClosingBooked,
            "expected" => Self::Expected,
            "information" => Self::Information,
            "interimAvailable" => Self::InterimAvailable,
            "interimBooked" => Self::InterimBooked,
            "previouslyClosedBooked" => Self::PreviouslyClosedBooked,
            "openingBooked" => Self::OpeningBooked,
            "forwardAvailable" => Self::ForwardAvailable,
            "nonInvoiced" => Self::NonInvoiced,
            other => Self::Other(other.to_owned()),
        }
    }
}

impl Serialize for BalanceType {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for BalanceType {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(Self::from_wire(&String::deserialize(d)?))
    }
}

/// One balance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Balance {
    /// Which balance.
    pub balance_type: BalanceType,
    /// The amount.
    pub balance_amount: Amount,
    /// The day it refers to.
    #[serde(
        default,
        with = "crate::date::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub reference_date: Option<Date>,
    /// Last change, as sent (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_change_date_time: Option<String>,
    /// Whether a credit limit is included.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credit_limit_included: Option<bool>,
}

/// The answer of `GET /v3/accounts/{id}/balances`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct BalanceReport {
    /// The account.
    #[serde(default)]
    pub account: Option<AccountReference>,
    /// Its balances.
    #[serde(default)]
    pub balances: Vec<Balance>,
}
