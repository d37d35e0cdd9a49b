//! `invoices.status`: how much of an invoice is still open.

use rust_decimal::Decimal;

use super::stored_enum::stored_enum;

stored_enum! {
    /// How much of an invoice is still open; follows its open amount (see
    /// [`InvoiceStatus::for_amounts`]).
    pub enum InvoiceStatus as "invoice status" {
        /// Nothing paid yet.
        Open = "open",
        /// Part of the total is paid.
        PartiallyPaid = "partially_paid",
        /// Nothing left open.
        Paid = "paid",
        /// Written off. No code of this workspace sets it (an operator may); matching refuses such
        /// an invoice and updates keep the status.
        Cancelled = "cancelled",
    }
}

impl InvoiceStatus {
    /// The status an invoice with `open` of `total` still open has (cancelled aside).
    pub fn for_amounts(open: Decimal, total: Decimal) -> Self {
        if open <= Decimal::ZERO {
            Self::Paid
        } else if open < total {
            Self::PartiallyPaid
        } else {
            Self::Open
        }
    }

    /// Whether something is still to be paid (open or partially paid).
    pub fn is_open(self) -> bool {
        matches!(self, Self::Open | Self::PartiallyPaid)
    }
}
