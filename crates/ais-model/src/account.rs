//! Accounts and account references (`GET /v3/accounts`).

use serde::{Deserialize, Serialize};

use crate::links::Links;

/// An account as listed by `GET /v3/accounts`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Account {
    /// ING's id of the account (a UUID), used in every later path.
    pub resource_id: String,
    /// IBAN; card accounts send an empty string or none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iban: Option<String>,
    /// Masked card number (card accounts).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub masked_pan: Option<String>,
    /// Holder name.
    #[serde(default)]
    pub name: String,
    /// ISO 4217.
    pub currency: String,
    /// Product name, e.g. "Current Account".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product: Option<String>,
    /// Links to balances and transactions.
    #[serde(default, rename = "_links")]
    pub links: Links,
}

impl Account {
    /// The IBAN, checked (country format and check digits, by `iban_validate`); `Ok(None)` for
    /// accounts without one.
    pub fn checked_iban(&self) -> Result<Option<iban::Iban>, crate::ModelError> {
        match self.iban.as_deref().map(str::trim) {
            None | Some("") => Ok(None),
            Some(raw) => raw
                .parse::<iban::Iban>()
                .map(Some)
                .map_err(|e| crate::ModelError::Iban {
                    value: raw.to_owned(),
                    reason: e.to_string(),
                }),
        }
    }
}

/// The answer of `GET /v3/accounts`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct AccountList {
    /// The accounts the consent covers.
    #[serde(default)]
    pub accounts: Vec<Account>,
}

/// A reference to an account inside a transaction or balance report. Any field may be absent,
/// and ING sends `{}` on pending entries.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AccountReference {
    /// IBAN.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iban: Option<String>,
    /// BBAN (sent as a number by some answers).
    #[serde(
        default,
        deserialize_with = "crate::amount::string_from_any",
        skip_serializing_if = "Option::is_none"
    )]
    pub bban: Option<String>,
    /// BIC of the account's bank.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bic: Option<String>,
    /// Masked card number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub masked_pan: Option<String>,
    /// ISO 4217.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
}

impl AccountReference {
    /// Whether nothing identifies the account (ING's `{}`).
    pub fn is_empty(&self) -> bool {
        self.iban.as_deref().is_none_or(str::is_empty)
            && self.bban.is_none()
            && self.masked_pan.is_none()
    }
}
