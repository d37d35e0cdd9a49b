//! The two inputs: bank transactions and open invoices, as the service hands them over.
//!
//! Both are plain data the caller builds from its own rows; nothing here talks to a bank or a
//! database, so the matcher can be tested and benchmarked without either.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use time::Date;

/// One booked bank transaction, reduced to what says which invoice it pays.
///
/// The amount is signed so that one field carries the direction: money received is positive,
/// money sent is negative. Only a received payment can settle a sales invoice and only a sent
/// one can settle a credit note (a refund).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Transaction {
    /// The caller's stable id; results are keyed on it and ties are broken by it, so it must be
    /// unique within one call.
    pub id: String,
    /// Signed amount in the account's currency: incoming > 0, outgoing < 0.
    pub amount: Decimal,
    /// ISO 4217 code, compared case-insensitively.
    pub currency: String,
    /// The day the bank booked it.
    pub booking_date: Date,
    /// The day the money counted; used instead of the booking date when present because a
    /// cash-discount deadline is met by the value date.
    pub value_date: Option<Date>,
    /// Name of the payer (incoming) or payee (outgoing), as the bank prints it.
    pub counterparty_name: Option<String>,
    /// IBAN of the payer or payee, with or without spaces.
    pub counterparty_iban: Option<String>,
    /// Free remittance text (`remittanceInformationUnstructured`, the SEPA `Ustrd` or the MT940
    /// `:86:` purpose with `SVWZ+`/`EREF+` tags); where customers write invoice numbers.
    pub remittance_unstructured: Option<String>,
    /// Structured remittance (`remittanceInformationStructured`), typically an ISO 11649 `RF`
    /// creditor reference.
    pub remittance_structured: Option<String>,
    /// The payer's end-to-end id; `NOTPROVIDED` and blanks mean "none" (SEPA's default).
    pub end_to_end_id: Option<String>,
}

impl Transaction {
    /// The date that counts for terms and discounts: the value date when the bank gave one.
    pub fn effective_date(&self) -> Date {
        self.value_date.unwrap_or(self.booking_date)
    }
}

/// What an open item is, which decides the direction of money that can settle it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InvoiceKind {
    /// A sales invoice: the customer owes us; settled by incoming money.
    Invoice,
    /// A credit note: we owe the customer; settled by an outgoing refund, or netted against an
    /// invoice inside one incoming payment.
    CreditNote,
}

/// One open item (sales invoice or credit note) that a payment may settle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invoice {
    /// The caller's stable id; allocations name it and ties are broken by it.
    pub id: String,
    /// The printed number (`RE-2024-0815`) that customers copy, more or less faithfully, into
    /// the remittance text.
    pub number: String,
    /// Invoice or credit note.
    pub kind: InvoiceKind,
    /// Groups a customer's open items: needed to find a payment that settles several of them.
    pub customer_id: String,
    /// The customer's name as we know it; compared with the payer's name.
    pub customer_name: String,
    /// IBANs the customer has paid from before; a payment from one of them is strong evidence.
    pub customer_ibans: Vec<String>,
    /// What is still open, always positive (a credit note's open amount is what we owe).
    pub open_amount: Decimal,
    /// ISO 4217 code.
    pub currency: String,
    /// Issue date; the start of the payment term and of the cash-discount period.
    pub issue_date: Date,
    /// Due date; payments near it are the expected ones.
    pub due_date: Date,
    /// ISO 11649 creditor reference printed on the invoice, if we issued one.
    pub creditor_reference: Option<String>,
    /// End-to-end id we sent with a direct debit or payment request for this item, if any.
    pub end_to_end_id: Option<String>,
}
