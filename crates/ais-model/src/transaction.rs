//! Transactions (`GET /v3/accounts/{id}/transactions`), with every field ING sends. Real traffic
//! is looser than ING's OpenAPI file: amounts missing on some entries, `{}` for absent accounts
//! and structured remittance on pending entries, `<br>` inside Dutch texts — all accepted.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use time::Date;

use crate::account::AccountReference;
use crate::amount::PartialAmount;
use crate::links::Links;

/// Structured remittance information: a creditor reference such as an ISO 11649 `RF…`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StructuredRemittance {
    /// The reference itself.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    /// Its type (`SCOR`, …); ING's examples call this field `type`, its schema `referenceType`.
    #[serde(default, alias = "type", skip_serializing_if = "Option::is_none")]
    pub reference_type: Option<String>,
    /// Who issued it (`ISO`, …); `issuer` in ING's examples.
    #[serde(default, alias = "issuer", skip_serializing_if = "Option::is_none")]
    pub reference_issuer: Option<String>,
}

/// One transaction.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Transaction {
    /// ING's id, unique per account (absent on some pending entries).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transaction_id: Option<String>,
    /// Entry reference.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entry_reference: Option<String>,
    /// End-to-end id given by the payer (`NOTPROVIDED` when none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_to_end_id: Option<String>,
    /// Mandate id (direct debits).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mandate_id: Option<String>,
    /// Creditor id (direct debits).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub creditor_id: Option<String>,
    /// Booking date.
    #[serde(
        default,
        with = "crate::date::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub booking_date: Option<Date>,
    /// Value date.
    #[serde(
        default,
        with = "crate::date::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub value_date: Option<Date>,
    /// Execution time as sent (UTC, RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub execution_date_time: Option<String>,
    /// Signed amount (debits negative); its parts are missing in some real answers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transaction_amount: Option<PartialAmount>,
    /// Creditor (the other side of a debit).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub creditor_name: Option<String>,
    /// Creditor account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub creditor_account: Option<AccountReference>,
    /// Creditor's bank (BIC).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub creditor_agent: Option<String>,
    /// Ultimate creditor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ultimate_creditor: Option<String>,
    /// Debtor (the other side of a credit).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub debtor_name: Option<String>,
    /// Debtor account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub debtor_account: Option<AccountReference>,
    /// Debtor's bank (BIC).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub debtor_agent: Option<String>,
    /// Ultimate debtor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ultimate_debtor: Option<String>,
    /// Free text from the payer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remittance_information_unstructured: Option<String>,
    /// Structured reference.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remittance_information_structured: Option<StructuredRemittance>,
    /// Additional information.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub additional_information: Option<String>,
    /// ISO 20022 purpose code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purpose_code: Option<String>,
    /// ISO 20022 bank transaction code (`PMNT-ICDT-STDO`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bank_transaction_code: Option<String>,
    /// The bank's own code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proprietary_bank_transaction_code: Option<String>,
    /// ING's free-text type ("Overschrijving", "Überweisung", …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transaction_type: Option<String>,
    /// Balance after the transaction.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub balance_after_transaction: Option<serde_json::Value>,
}

/// The other party of a transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counterparty<'a> {
    /// Name, when sent.
    pub name: Option<&'a str>,
    /// Account, when sent and not empty.
    pub account: Option<&'a AccountReference>,
}

impl Transaction {
    /// The signed amount, when sent.
    pub fn amount(&self) -> Option<Decimal> {
        self.transaction_amount.as_ref().and_then(|a| a.amount)
    }

    /// The currency, when sent.
    pub fn currency(&self) -> Option<&str> {
        self.transaction_amount
            .as_ref()
            .and_then(|a| a.currency.as_deref())
    }

    /// Whether money came in (amount > 0).
    pub fn is_incoming(&self) -> bool {
        self.amount().is_some_and(|a| a > Decimal::ZERO)
    }

    /// The other party: the debtor of incoming money, the creditor of outgoing money. (The
    /// original system took the creditor for credits, which is the account holder itself.)
    pub fn counterparty(&self) -> Counterparty<'_> {
        let (name, account) = if self.is_incoming() {
            (&self.debtor_name, &self.debtor_account)
        } else {
            (&self.creditor_name, &self.creditor_account)
        };
        Counterparty {
            name: name.as_deref().map(str::trim).filter(|n| !n.is_empty()),
            account: account.as_ref().filter(|a| !a.is_empty()),
        }
    }

    /// The end-to-end id, unless it is absent or a "not provided" placeholder.
    pub fn end_to_end_id(&self) -> Option<&str> {
        self.end_to_end_id.as_deref().map(str::trim).filter(|id| {
            !id.is_empty()
                && !id.eq_ignore_ascii_case("NOTPROVIDED")
                && !id.eq_ignore_ascii_case("Not Provided")
        })
    }

    /// The unstructured remittance text with ING's `<br>` separators turned into new lines.
    pub fn remittance_text(&self) -> Option<String> {
        self.remittance_information_unstructured
            .as_deref()
            .map(|t| {
                t.replace("<br/>", "\n")
                    .replace("<br />", "\n")
                    .replace("<br>", "\n")
                    .replace("<BR>", "\n")
            })
    }
}

/// A page of a transaction report.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct TransactionLists {
    /// Booked entries.
    #[serde(default)]
    pub booked: Vec<Transaction>,
    /// Pending entries.
    #[serde(default)]
    pub pending: Vec<Transaction>,
    /// Information entries (standing orders).
    #[serde(default)]
    pub info: Vec<serde_json::Value>,
    /// `next` when there is another page.
    #[serde(default, rename = "_links")]
    pub links: Links,
}

/// The answer of `GET /v3/accounts/{id}/transactions`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct TransactionReport {
    /// The account.
    #[serde(default)]
    pub account: Option<AccountReference>,
    /// The lists.
    #[serde(default)]
    pub transactions: TransactionLists,
}

impl TransactionReport {
    /// The next page's path, if any.
    pub fn next_page(&self) -> Option<&str> {
        self.transactions
            .links
            .next
            .as_ref()
            .map(|h| h.href.as_str())
            .filter(|h| !h.is_empty())
    }
}
