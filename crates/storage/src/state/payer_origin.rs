//! `customer_payers.origin`: how we came to know that a payer is (or is not) a customer.

use super::stored_enum::stored_enum;

stored_enum! {
    /// Where a payer of a customer comes from: the invoice data, a person's confirmation, or a
    /// person's rejection.
    pub enum PayerOrigin as "payer origin" {
        /// Given with an invoice (an upload or the API): the business says this IBAN is the
        /// customer's. Added whenever invoices carry it, never removed by hand.
        Uploaded = "uploaded",
        /// A person confirmed a match of this payer's payment to one of the customer's
        /// invoices; removable, since a person may have confirmed by mistake.
        Learned = "learned",
        /// A person rejected a suggestion of this payer's payment for one of the customer's
        /// invoices: the payer is not this customer, so name and IBAN alone no longer propose
        /// this customer's invoices for it (a reference in the text still does).
        Rejected = "rejected",
    }
}
