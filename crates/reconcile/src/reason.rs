//! Why a candidate scored what it scored: one typed reason per signal, with its points.
//!
//! Every decision carries its reasons so that a person can see why a payment was booked against
//! an invoice, and undo it knowingly (accounted #2673 could not; Kivitendo returns its
//! `rule_matches` for the same purpose). The points are the matcher's own weights; they add up
//! to the candidate's score.

use std::fmt;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// How an invoice number was recognised in a text, strongest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NumberMatch {
    /// Same letters and digits; only case, spaces, dashes, slashes and SEPA tags differed.
    Exact,
    /// Equal after repair: leading zeros of a digit group dropped, `O`/`I` read as `0`/`1`.
    Normalized,
    /// The digits without the letter prefix (`20240815` for `RE-2024-0815`).
    WithoutPrefix,
    /// One character wrong, missing, extra or two swapped.
    Typo,
}

/// The transaction field in which a reference was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TextField {
    /// Free remittance text.
    Unstructured,
    /// Structured remittance.
    Structured,
    /// The payer's end-to-end id.
    EndToEndId,
}

impl fmt::Display for TextField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TextField::Unstructured => "the remittance text",
            TextField::Structured => "the structured remittance",
            TextField::EndToEndId => "the end-to-end id",
        })
    }
}

/// One signal that raised or lowered a candidate's score.
///
/// Stored reasons read back as this type (`Deserialize`), so a page can say each one in its own
/// language from the typed signal rather than the English sentence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Reason {
    /// The invoice's number occurs, as whole tokens, in a text of the payment.
    InvoiceNumber {
        /// The invoice number as issued.
        number: String,
        /// What was found, in compact form.
        found: String,
        /// How closely it matched.
        how: NumberMatch,
        /// Where.
        field: TextField,
    },
    /// A valid ISO 11649 reference equal to the one printed on the invoice.
    CreditorReference {
        /// The invoice number.
        number: String,
        /// The reference, compact.
        reference: String,
        /// Where.
        field: TextField,
    },
    /// The payment's end-to-end id equals the one we sent for this item.
    EndToEndId {
        /// The invoice number.
        number: String,
        /// The id.
        id: String,
    },
    /// Every invoice of a combination is named in the texts.
    AllNamed {
        /// How many invoices.
        count: usize,
    },
    /// The texts also name other open items that this candidate leaves out.
    NamedItemsLeftOut {
        /// How many.
        count: usize,
    },
    /// The amount equals the open amount (or the combination's sum) to the cent.
    AmountExact {
        /// The amount.
        amount: Decimal,
    },
    /// The amount equals the open amount less the cash discount.
    AmountAfterCashDiscount {
        /// The discount deducted.
        discount: Decimal,
        /// Taken after the discount period (within the grace days).
        late: bool,
    },
    /// The amount differs by no more than the tolerance: short by a fee, a cash discount the
    /// payer deducted unannounced, or an underpayment; or an overpayment. Up to 3 % of the open
    /// amount by default, so never just "rounding" (3 % of 8,000.00 is 240.00).
    AmountWithinTolerance {
        /// Paid − open; negative when short.
        difference: Decimal,
    },
    /// Less than open; the rest stays open.
    PartialPayment {
        /// What stays open after this payment.
        remaining: Decimal,
    },
    /// The text announces a partial payment ("Teilzahlung", "Rate", "deelbetaling").
    PartialPaymentAnnounced,
    /// More than open; the excess stays unallocated.
    Overpayment {
        /// The excess.
        excess: Decimal,
    },
    /// Several items whose sum (invoices less credit notes) is the amount.
    CombinedAmount {
        /// How many items.
        count: usize,
        /// Their sum.
        total: Decimal,
    },
    /// The only open item of this customer the amount fits, so amount and payer decide.
    OnlyFittingItem,
    /// The only combination of this customer's open items whose sum is the amount.
    OnlyFittingCombination,
    /// Several customers bear the payer's name, and of all their open items the amount fits
    /// this one only: name and amount together identify it, as a unique name and the only
    /// fitting item do.
    OnlyFittingAmongNamesakes {
        /// How many customers bear the name.
        customers: usize,
    },
    /// Several open items of this customer have the amount and the payer named none: a
    /// payment without a stated purpose settles the debt due first, then the oldest (§ 366
    /// Abs. 2 BGB), and this is that item.
    OldestOfEqualItems {
        /// How many open items of the customer have the amount.
        count: usize,
    },
    /// The payer's IBAN is known for this customer and no other.
    PayerIbanKnown {
        /// The IBAN.
        iban: String,
    },
    /// The payer's IBAN is known for this customer but also for others (a payment service or
    /// factoring company), so it identifies nobody.
    PayerIbanShared {
        /// How many customers use it.
        customers: usize,
    },
    /// The payer's IBAN is known, but for another customer.
    PayerIbanOtherCustomer,
    /// The payer's name resembles the customer's (legal forms ignored).
    PayerNameSimilar {
        /// The payer's name as printed.
        payer: String,
        /// The customer's name.
        customer: String,
        /// Similarity in percent.
        percent: u8,
    },
    /// The payer's name matches this customer's and resembles no other customer's, so it
    /// identifies the payer the way a known IBAN does.
    PayerNameUnique {
        /// The payer's name as printed.
        payer: String,
        /// The customer's name.
        customer: String,
    },
    /// Paid between the issue date and the end of the date window after the due date.
    PaidInTerm {
        /// Days between issue and payment.
        days_after_issue: i64,
    },
    /// Paid long after the due date.
    PaidLongAfterDue {
        /// Days after the due date.
        days_after_due: i64,
    },
    /// Paid before the invoice was issued.
    PaidBeforeIssue {
        /// Days before the issue date.
        days_before_issue: i64,
    },
    /// The payment's currency differs from the invoice's.
    CurrencyDiffers {
        /// The payment's currency.
        payment: String,
        /// The invoice's currency.
        invoice: String,
    },
    /// The text names an invoice-number-shaped reference that is not an open item, so an
    /// amount-only fit to another item is doubtful.
    UnknownReference {
        /// The reference, compact.
        reference: String,
    },
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reason::InvoiceNumber {
                number,
                found,
                how,
                field,
            } => {
                let how = match how {
                    NumberMatch::Exact => "",
                    NumberMatch::Normalized => " (after dropping leading zeros / reading O as 0)",
                    NumberMatch::WithoutPrefix => " (digits without the prefix)",
                    NumberMatch::Typo => " (with one typo)",
                };
                write!(
                    f,
                    "invoice number {number} found in {field} as {found}{how}"
                )
            }
            Reason::CreditorReference {
                number,
                reference,
                field,
            } => write!(
                f,
                "valid creditor reference {reference} of invoice {number} in {field}"
            ),
            Reason::EndToEndId { number, id } => {
                write!(f, "end-to-end id {id} is the one sent for {number}")
            }
            Reason::AllNamed { count } => write!(f, "all {count} items are named in the text"),
            Reason::NamedItemsLeftOut { count } => {
                write!(
                    f,
                    "the text also names {count} other open item(s) this candidate leaves out"
                )
            }
            Reason::AmountExact { amount } => write!(f, "amount {amount} matches exactly"),
            Reason::AmountAfterCashDiscount { discount, late } => {
                if *late {
                    write!(
                        f,
                        "amount is the open amount less a cash discount of {discount}, taken after the discount period"
                    )
                } else {
                    write!(
                        f,
                        "amount is the open amount less a cash discount of {discount}"
                    )
                }
            }
            Reason::AmountWithinTolerance { difference } => {
                if difference.is_sign_negative() {
                    write!(
                        f,
                        "amount is {} less than open, within the tolerance: a bank fee, a cash discount (Skonto) the payer deducted, or an underpayment",
                        difference.abs()
                    )
                } else {
                    write!(
                        f,
                        "amount is {difference} more than open, within the tolerance: an overpayment"
                    )
                }
            }
            Reason::PartialPayment { remaining } => {
                write!(f, "partial payment: {remaining} stays open")
            }
            Reason::PartialPaymentAnnounced => f.write_str("the text announces a partial payment"),
            Reason::Overpayment { excess } => {
                write!(f, "overpayment: {excess} more than open stays unallocated")
            }
            Reason::CombinedAmount { count, total } => {
                write!(f, "amount equals the sum {total} of {count} open items")
            }
            Reason::OnlyFittingItem => {
                f.write_str("the only open item of this customer that the amount fits")
            }
            Reason::OnlyFittingCombination => f.write_str(
                "the only combination of this customer's open items that sums to the amount",
            ),
            Reason::OnlyFittingAmongNamesakes { customers } => write!(
                f,
                "the only open item that the amount fits among the {customers} customers bearing the payer's name"
            ),
            Reason::OldestOfEqualItems { count } => write!(
                f,
                "the oldest of {count} open items of this customer with this amount: without a stated purpose a payment settles the item due first, then the oldest (§ 366 (2) BGB)"
            ),
            Reason::PayerIbanKnown { iban } => {
                write!(f, "payer IBAN {iban} is known for this customer")
            }
            Reason::PayerIbanShared { customers } => write!(
                f,
                "payer IBAN is known for this customer and {} others, so it identifies nobody",
                customers.saturating_sub(1)
            ),
            Reason::PayerIbanOtherCustomer => f.write_str("payer IBAN belongs to another customer"),
            Reason::PayerNameSimilar {
                payer,
                customer,
                percent,
            } => write!(
                f,
                "payer name {payer:?} is {percent}% similar to customer {customer:?}"
            ),
            Reason::PayerNameUnique { payer, customer } => write!(
                f,
                "payer name {payer:?} matches customer {customer:?} and no other customer"
            ),
            Reason::PaidInTerm { days_after_issue } => {
                write!(f, "paid {days_after_issue} days after the issue date")
            }
            Reason::PaidLongAfterDue { days_after_due } => {
                write!(f, "paid {days_after_due} days after the due date")
            }
            Reason::PaidBeforeIssue { days_before_issue } => {
                write!(
                    f,
                    "paid {days_before_issue} days before the invoice was issued"
                )
            }
            Reason::CurrencyDiffers { payment, invoice } => {
                write!(f, "payment in {payment}, invoice in {invoice}")
            }
            Reason::UnknownReference { reference } => {
                write!(f, "the text names {reference}, which is not an open item")
            }
        }
    }
}

/// A reason with the points it contributed (negative points lowered the score).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScoredReason {
    /// Points added to the score.
    pub points: i32,
    /// The signal.
    pub reason: Reason,
}

impl fmt::Display for ScoredReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:+} {}", self.points, self.reason)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_read_as_english_with_signed_points() {
        let r = ScoredReason {
            points: 50,
            reason: Reason::InvoiceNumber {
                number: "RE-2024-0815".into(),
                found: "20240815".into(),
                how: NumberMatch::WithoutPrefix,
                field: TextField::Unstructured,
            },
        };
        assert_eq!(
            r.to_string(),
            "+50 invoice number RE-2024-0815 found in the remittance text as 20240815 (digits without the prefix)"
        );
        let neg = ScoredReason {
            points: -15,
            reason: Reason::PayerIbanOtherCustomer,
        };
        assert_eq!(
            neg.to_string(),
            "-15 payer IBAN belongs to another customer"
        );
    }

    #[test]
    fn a_difference_within_the_tolerance_says_which_way_and_never_rounding() {
        let short = Reason::AmountWithinTolerance {
            difference: Decimal::new(-24000, 2),
        }
        .to_string();
        assert_eq!(
            short,
            "amount is 240.00 less than open, within the tolerance: a bank fee, a cash discount (Skonto) the payer deducted, or an underpayment"
        );
        let over = Reason::AmountWithinTolerance {
            difference: Decimal::new(150, 2),
        }
        .to_string();
        assert!(over.contains("1.50 more than open") && over.contains("overpayment"));
        assert!(!short.contains("rounding") && !over.contains("rounding"));
    }

    #[test]
    fn stored_reasons_read_back_as_the_typed_reason() {
        let r = Reason::InvoiceNumber {
            number: "RE-2024-0815".into(),
            found: "RE20240815".into(),
            how: NumberMatch::Typo,
            field: TextField::EndToEndId,
        };
        let back: Reason = serde_json::from_value(serde_json::to_value(&r).unwrap()).unwrap();
        assert_eq!(back, r);
    }

    #[test]
    fn reasons_serialize_with_a_kind_tag() {
        let v = serde_json::to_value(Reason::AmountWithinTolerance {
            difference: Decimal::new(-250, 2),
        })
        .unwrap();
        assert_eq!(v["kind"], "amount_within_tolerance");
        assert_eq!(v["difference"], "-2.50");
    }
}
