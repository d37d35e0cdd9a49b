//! A page of bank transactions as the service layer hands it over, and the dedupe keys that make
//! importing it again a no-op.

use std::collections::HashMap;

use rust_decimal::Decimal;
use time::Date;

use crate::state::BookingStatus;

/// A transaction to store, as the service layer maps it from the bank's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewTransaction {
    /// The bank's `transactionId`.
    pub bank_transaction_id: Option<String>,
    /// `entryReference`.
    pub entry_reference: Option<String>,
    /// `endToEndId`, `None` for absent or `NOTPROVIDED`.
    pub end_to_end_id: Option<String>,
    /// Booking date.
    pub booking_date: Option<Date>,
    /// Value date.
    pub value_date: Option<Date>,
    /// Signed amount: incoming > 0, outgoing < 0.
    pub amount: Decimal,
    /// ISO 4217.
    pub currency: String,
    /// Debtor of incoming, creditor of outgoing money.
    pub counterparty_name: Option<String>,
    /// Counterparty IBAN.
    pub counterparty_iban: Option<String>,
    /// Unstructured remittance.
    pub remittance_unstructured: Option<String>,
    /// Structured remittance reference.
    pub remittance_structured: Option<String>,
    /// Bank transaction code.
    pub bank_transaction_code: Option<String>,
    /// Booked or pending.
    pub status: BookingStatus,
    /// The bank's JSON of this entry, kept as received.
    pub raw_json: serde_json::Value,
}

/// What one import did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportCounts {
    /// New rows.
    pub inserted: u64,
    /// Known and unchanged.
    pub skipped: u64,
    /// Known, changed by the bank, updated in place.
    pub updated: u64,
    /// Pending rows replaced by their booking.
    pub superseded: u64,
    /// Confirmed allocations sent back to review because the bank changed the amount of their
    /// transaction (see the module doc); their invoices are open again by what they allocated.
    pub reopened: u64,
}

/// The id as given, unless it is empty or `NOTPROVIDED`.
pub(super) fn usable_id(id: Option<&str>) -> Option<&str> {
    id.map(str::trim)
        .filter(|s| !s.is_empty() && !s.eq_ignore_ascii_case("NOTPROVIDED"))
}

fn fingerprint(t: &NewTransaction) -> String {
    let date = t
        .booking_date
        .or(t.value_date)
        .map(|d| d.to_string())
        .unwrap_or_default();
    let fields = [
        date.as_str(),
        &t.amount.normalize().to_string(),
        &t.currency,
        t.counterparty_iban.as_deref().unwrap_or(""),
        t.counterparty_name.as_deref().unwrap_or(""),
        t.remittance_unstructured.as_deref().unwrap_or(""),
        t.remittance_structured.as_deref().unwrap_or(""),
        t.end_to_end_id.as_deref().unwrap_or(""),
        t.status.as_str(),
    ];
    let digest = ring::digest::digest(&ring::digest::SHA256, fields.join("\u{1f}").as_bytes());
    hex::encode(&digest.as_ref()[..16])
}

/// The dedupe key of each entry of a page, in order.
pub fn dedupe_keys(page: &[NewTransaction]) -> Vec<String> {
    let mut seen: HashMap<String, u32> = HashMap::new();
    page.iter()
        .map(|t| match usable_id(t.bank_transaction_id.as_deref()) {
            Some(id) => format!("id:{id}"),
            None => {
                let fp = fingerprint(t);
                let n = seen.entry(fp.clone()).or_insert(0);
                let key = format!("fp:{fp}:{n}");
                *n += 1;
                key
            }
        })
        .collect()
}
