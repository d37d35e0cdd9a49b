//! `invoices.kind`: which direction of money settles an open item.

use super::stored_enum::stored_enum;

stored_enum! {
    /// Invoice or credit note: which direction of money settles it.
    pub enum InvoiceKind as "invoice kind" {
        /// We are owed money: settled by incoming payments.
        Invoice = "invoice",
        /// We owe money back: settled by outgoing payments (refunds).
        CreditNote = "credit_note",
    }
}
