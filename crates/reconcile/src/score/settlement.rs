//! One way a transaction may settle open items: which items, how much each, the score with its
//! signals, and what, whatever the score, keeps it from being automatic.

use rust_decimal::Decimal;

use super::one_or_many::OneOrMany;
use super::signal::Signal;

/// Why a settlement may not be automatic, whatever its score: points can add up without any
/// identifier, and a high score must not book a payment in the wrong currency or one that
/// names something else.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Gate {
    CurrencyDiffers,
    /// The unknown reference at this index of the evaluation's unknown references.
    UnknownReference(u16),
    NoIdentifier,
    AmountDoesNotSettle,
}

/// One way to settle: items, amounts, score and signals, and the facts the gates and the
/// bonuses are decided on.
#[derive(Debug, Clone)]
pub(crate) struct Settlement {
    /// Items, ordered by invoice id, so that equal sets are equal lists.
    pub(crate) items: OneOrMany<u32>,
    /// Amount per item (same order).
    pub(crate) allocations: OneOrMany<Decimal>,
    /// What the payment leaves over (an overpayment, a fee paid on top).
    pub(crate) unallocated: Decimal,
    pub(crate) score: i32,
    pub(crate) signals: Vec<(Signal, i32)>,
    /// The first gate that closed; `None`: may be automatic if the score and margin allow.
    pub(crate) gate: Option<Gate>,
    /// Every item is named by a reference that identifies it on its own.
    pub(super) named_strongly: bool,
    /// Named only by a typo: identifies it only together with the payer.
    pub(super) named_by_typo: bool,
    /// Some but not all items of a combination are named strongly.
    pub(super) partly_named: bool,
    /// The payer's IBAN is known for this customer and no other.
    pub(super) iban_unique: bool,
    /// The payer's IBAN is known for this customer (and maybe others).
    pub(super) iban_any: bool,
    /// Similarity of the payer's name to the customer's (0..1).
    pub(super) name_similarity: f64,
    /// The payer's name resembles this customer's and no other's.
    pub(super) name_unique: bool,
    /// The amount fits to the cent (or less the cash discount in time).
    pub(super) exact_fit: bool,
    /// The amount is the open amount, or the open amount less the cash discount in time or
    /// late: the same amount to a person comparing the customer's items.
    pub(super) same_amount: bool,
    /// The customer the party signals were computed for.
    pub(super) customer: u32,
}

impl Settlement {
    pub(super) fn new(customer: u32) -> Self {
        Settlement {
            items: OneOrMany::default(),
            allocations: OneOrMany::default(),
            unallocated: Decimal::ZERO,
            score: 0,
            signals: Vec::with_capacity(6),
            gate: None,
            named_strongly: false,
            named_by_typo: false,
            partly_named: false,
            iban_unique: false,
            iban_any: false,
            name_similarity: 0.0,
            name_unique: false,
            exact_fit: false,
            same_amount: false,
            customer,
        }
    }

    pub(super) fn add(&mut self, signal: Signal, points: i32) {
        self.signals.push((signal, points));
        self.score += points;
    }

    /// Closes `gate` unless one is closed already: the explanation names the first reason.
    pub(super) fn close(&mut self, gate: Gate) {
        if self.gate.is_none() {
            self.gate = Some(gate);
        }
    }
}
