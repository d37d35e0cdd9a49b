//! The scenarios a labelled transaction exercises, their share in the standard mix, and their
//! names in reports.

use serde::Serialize;

/// What a labelled transaction exercises; the figures are reported per scenario.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Scenario {
    /// The number as printed, exact amount.
    Clean,
    /// The number with spaces, slashes, lower case, missing prefix or zeros, O for 0.
    Mangled,
    /// The number with one typo.
    Typo,
    /// Only the RF creditor reference, in the structured field.
    Rf,
    /// The number only in the end-to-end id.
    EndToEnd,
    /// No reference; known IBAN; exact amount.
    NoReference,
    /// No reference; known IBAN; the customer has a second open item of the same amount.
    NoReferenceTwin,
    /// No reference; unknown IBAN; similar name; exact amount.
    NameOnly,
    /// A reference; a fee deducted.
    Fee,
    /// The cash discount deducted.
    CashDiscount,
    /// Several invoices, all numbers listed.
    MultiNamed,
    /// Several invoices, no numbers, the sum fits.
    MultiUnnamed,
    /// An instalment (sometimes with the rest in the same batch).
    Partial,
    /// More than open.
    Overpayment,
    /// A payment service pays on behalf of the customer.
    PaymentService,
    /// A parent company or a relative pays, from an unknown IBAN.
    OtherPayer,
    /// An outgoing refund of a credit note.
    Refund,
    /// An invoice less a credit note in one payment.
    Netting,
    /// An already paid invoice paid again; its amount equals another open item's.
    PaidAgain,
    /// The same payment booked twice (second one settles nothing).
    Duplicate,
    /// Paid in another currency.
    ForeignCurrency,
    /// An outgoing payment that names a sales invoice (must never settle it).
    WrongDirection,
    /// Incoming money unrelated to any invoice.
    UnrelatedIncoming,
    /// Outgoing money unrelated to any invoice.
    UnrelatedOutgoing,
}

impl Scenario {
    /// Every scenario, in report order.
    pub const ALL: [Scenario; 24] = [
        Scenario::Clean,
        Scenario::Mangled,
        Scenario::Typo,
        Scenario::Rf,
        Scenario::EndToEnd,
        Scenario::NoReference,
        Scenario::NoReferenceTwin,
        Scenario::NameOnly,
        Scenario::Fee,
        Scenario::CashDiscount,
        Scenario::MultiNamed,
        Scenario::MultiUnnamed,
        Scenario::Partial,
        Scenario::Overpayment,
        Scenario::PaymentService,
        Scenario::OtherPayer,
        Scenario::Refund,
        Scenario::Netting,
        Scenario::PaidAgain,
        Scenario::Duplicate,
        Scenario::ForeignCurrency,
        Scenario::WrongDirection,
        Scenario::UnrelatedIncoming,
        Scenario::UnrelatedOutgoing,
    ];

    /// Share in the standard mix, in tenths of a percent (they add up to 1,000).
    pub fn weight(self) -> u32 {
        match self {
            Scenario::Clean => 200,
            Scenario::Mangled => 140,
            Scenario::Typo => 50,
            Scenario::Rf => 40,
            Scenario::EndToEnd => 25,
            Scenario::NoReference => 100,
            Scenario::NoReferenceTwin => 20,
            Scenario::NameOnly => 30,
            Scenario::Fee => 50,
            Scenario::CashDiscount => 40,
            Scenario::MultiNamed => 40,
            Scenario::MultiUnnamed => 30,
            Scenario::Partial => 40,
            Scenario::Overpayment => 10,
            Scenario::PaymentService => 30,
            Scenario::OtherPayer => 10,
            Scenario::Refund => 30,
            Scenario::Netting => 10,
            Scenario::PaidAgain => 10,
            Scenario::Duplicate => 5,
            Scenario::ForeignCurrency => 5,
            Scenario::WrongDirection => 5,
            Scenario::UnrelatedIncoming => 40,
            Scenario::UnrelatedOutgoing => 40,
        }
    }

    /// Snake-case name for reports.
    pub fn name(self) -> &'static str {
        match self {
            Scenario::Clean => "clean",
            Scenario::Mangled => "mangled",
            Scenario::Typo => "typo",
            Scenario::Rf => "rf",
            Scenario::EndToEnd => "end_to_end",
            Scenario::NoReference => "no_reference",
            Scenario::NoReferenceTwin => "no_reference_twin",
            Scenario::NameOnly => "name_only",
            Scenario::Fee => "fee",
            Scenario::CashDiscount => "cash_discount",
            Scenario::MultiNamed => "multi_named",
            Scenario::MultiUnnamed => "multi_unnamed",
            Scenario::Partial => "partial",
            Scenario::Overpayment => "overpayment",
            Scenario::PaymentService => "payment_service",
            Scenario::OtherPayer => "other_payer",
            Scenario::Refund => "refund",
            Scenario::Netting => "netting",
            Scenario::PaidAgain => "paid_again",
            Scenario::Duplicate => "duplicate",
            Scenario::ForeignCurrency => "foreign_currency",
            Scenario::WrongDirection => "wrong_direction",
            Scenario::UnrelatedIncoming => "unrelated_incoming",
            Scenario::UnrelatedOutgoing => "unrelated_outgoing",
        }
    }
}
