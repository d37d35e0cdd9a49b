//! The customers the generator invents.

/// The language of the customer, and so of its bank texts and names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Lang {
    De,
    Nl,
}

/// A customer as the business knows it.
#[derive(Debug, Clone)]
pub(super) struct Customer {
    pub(super) id: String,
    pub(super) name: String,
    pub(super) surname: String,
    /// The first name of a person; `None` for a company.
    pub(super) first: Option<String>,
    pub(super) lang: Lang,
    /// The IBANs the business knows for the customer (none, one or two).
    pub(super) ibans: Vec<String>,
    /// The customer number payers quote instead of an invoice number (`Kd-Nr`).
    pub(super) customer_number: u32,
}
