//! The compact signals scoring records, each with its points. Scoring 100,000 transactions
//! stays fast because a signal is a few indices and numbers; it becomes a public
//! [`crate::Reason`] with strings only for what is returned (`explain`).

use rust_decimal::Decimal;

use crate::amount::Fit;

/// When the payment came, relative to the item's dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DateSignal {
    /// Days after the issue date, within the due date plus the configured window.
    InTerm(i64),
    /// Days after the due date, beyond the window.
    LongAfterDue(i64),
    /// Days before the issue date.
    BeforeIssue(i64),
}

/// One scored signal. Indices point into the transaction's `Evaluation`
/// (references, unknown references) or into the invoices and customers of the index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Signal {
    /// The reference at this index of the evaluation's references.
    Reference(u16),
    /// Every item of a combination is named; how many.
    AllNamed(u16),
    /// How many strongly named open items the settlement leaves out.
    NamedLeftOut(u16),
    /// How the paid amount relates to what is open.
    Fit {
        fit: Fit,
        paid: Decimal,
    },
    /// A combination of this many items with this signed total.
    Combined {
        count: u16,
        total: Decimal,
    },
    PartialAnnounced,
    OnlyFitting,
    /// Of this many open items of the customer with this amount, the one § 366 Abs. 2 BGB
    /// settles first (due first, then the oldest).
    OldestOfEqual(u16),
    OnlyFittingCombination,
    /// The only open item the amount fits among every customer bearing the payer's name (this
    /// many customers): the name and the amount together identify it.
    OnlyFittingAmongNamesakes(u16),
    IbanKnown,
    /// Known for this many customers.
    IbanShared(u16),
    IbanOther,
    Name {
        customer: u32,
        percent: u8,
    },
    NameUnique {
        customer: u32,
    },
    Date(DateSignal),
    /// This item's currency is not the payment's.
    CurrencyDiffers {
        inv: u32,
    },
    /// The unknown reference at this index of the evaluation's unknown references.
    UnknownReference(u16),
}
