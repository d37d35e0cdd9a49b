//! `_links`: hypermedia the client follows instead of building URLs (pagination's `next`).

use serde::{Deserialize, Serialize};

/// A link.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Href {
    /// Path (and query) on the API host, e.g. `/v3/accounts/…/transactions?next=…`.
    pub href: String,
}

/// The links ING sends on accounts and reports.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Links {
    /// The account's balances.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub balances: Option<Href>,
    /// The account's transactions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transactions: Option<Href>,
    /// The next page of a transaction report.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next: Option<Href>,
    /// The account a report belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<Href>,
}
