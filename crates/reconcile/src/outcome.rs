//! What the matcher decided for each transaction, in a form the server can store and show.

use std::fmt;

use rust_decimal::Decimal;
use serde::Serialize;

use crate::reason::ScoredReason;

/// Money from one transaction applied to one open item.
///
/// For an invoice the amount reduces what the customer owes; for a credit note it reduces what
/// we owe. When an incoming payment nets an invoice against a credit note, the payment equals
/// the invoice allocations less the credit-note allocations (plus anything unallocated).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Allocation {
    /// The item's id as the caller gave it.
    pub invoice_id: String,
    /// Amount applied, positive, never more than the item had open in this batch.
    pub amount: Decimal,
}

/// One way a transaction may settle open items, with its score and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Candidate {
    /// The items and amounts, ordered by invoice id.
    pub allocations: Vec<Allocation>,
    /// Part of the payment no item takes (an overpayment); to be refunded or booked by a person.
    pub unallocated: Decimal,
    /// Sum of the reasons' points.
    pub score: i32,
    /// The score scaled so that the auto threshold reads 0.90 (the original system's cut-off),
    /// capped at 1.0: a familiar number for people, not a probability.
    pub confidence: f64,
    /// Every signal that contributed, strongest first.
    pub reasons: Vec<ScoredReason>,
}

/// Why a transaction got suggestions instead of an automatic match.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum HeldBack {
    /// The best score is below the auto threshold.
    BelowThreshold {
        /// The best score.
        score: i32,
        /// The configured auto threshold.
        threshold: i32,
    },
    /// The runner-up is too close: two equally good candidates never auto-match.
    Ambiguous {
        /// The best score.
        best: i32,
        /// The next different candidate's score.
        runner_up: i32,
        /// The configured minimum lead.
        margin: i32,
    },
    /// No reference and no IBAN known for exactly this customer identifies the item; amount
    /// and name alone are too weak to book without a person.
    NoIdentifier,
    /// The amount does not settle the item (an unannounced partial payment or an
    /// overpayment); a person decides what happens with the difference.
    AmountDoesNotSettle,
    /// Payment and invoice are in different currencies.
    CurrencyDiffers,
    /// The text names an invoice that is not open; an amount fit to another item is doubtful.
    UnknownReference {
        /// The reference, compact.
        reference: String,
    },
    /// A stronger transaction of the same batch already took the item.
    SettledInBatch {
        /// The item.
        invoice_id: String,
        /// The transaction that took it.
        transaction_id: String,
    },
}

impl fmt::Display for HeldBack {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HeldBack::BelowThreshold { score, threshold } => {
                write!(
                    f,
                    "best score {score} is below the auto threshold {threshold}"
                )
            }
            HeldBack::Ambiguous {
                best,
                runner_up,
                margin,
            } => write!(
                f,
                "best score {best} leads the runner-up {runner_up} by less than {margin}"
            ),
            HeldBack::NoIdentifier => {
                f.write_str("no reference and no IBAN unique to the customer identifies the item")
            }
            HeldBack::AmountDoesNotSettle => f.write_str(
                "the amount does not settle the item; a person decides on the difference",
            ),
            HeldBack::CurrencyDiffers => f.write_str("payment and invoice currencies differ"),
            HeldBack::UnknownReference { reference } => {
                write!(f, "the text names {reference}, which is not an open item")
            }
            HeldBack::SettledInBatch {
                invoice_id,
                transaction_id,
            } => write!(
                f,
                "item {invoice_id} was already settled by transaction {transaction_id} in this batch"
            ),
        }
    }
}

/// Why nothing is proposed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum NoMatchReason {
    /// A zero amount settles nothing.
    ZeroAmount,
    /// An amount beyond a trillion is taken for an input error, not matched.
    AmountOutOfRange,
    /// No open item shares a reference, the payer's IBAN or name, or the amount.
    NoCandidates,
    /// Candidates exist but all score below the suggest threshold.
    BelowSuggestThreshold {
        /// The best score found.
        best_score: i32,
    },
    /// An outgoing payment names a sales invoice (or an incoming one only a credit note):
    /// money in that direction cannot settle it.
    WrongDirection {
        /// The item's number.
        number: String,
    },
    /// The items it would settle were all taken by other transactions of the batch (a
    /// duplicate payment, say).
    SettledInBatch {
        /// The item.
        invoice_id: String,
        /// The transaction that took it.
        transaction_id: String,
    },
}

impl fmt::Display for NoMatchReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NoMatchReason::ZeroAmount => f.write_str("the amount is zero"),
            NoMatchReason::AmountOutOfRange => {
                f.write_str("the amount is beyond a trillion, taken for an input error")
            }
            NoMatchReason::NoCandidates => f.write_str(
                "no open item shares a reference, the payer's IBAN or name, or the amount",
            ),
            NoMatchReason::BelowSuggestThreshold { best_score } => {
                write!(
                    f,
                    "best candidate scored {best_score}, below the suggest threshold"
                )
            }
            NoMatchReason::WrongDirection { number } => write!(
                f,
                "names {number}, which money in this direction cannot settle"
            ),
            NoMatchReason::SettledInBatch {
                invoice_id,
                transaction_id,
            } => write!(
                f,
                "item {invoice_id} was already settled by transaction {transaction_id} in this batch"
            ),
        }
    }
}

/// The decision for one transaction.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "decision", rename_all = "snake_case")]
pub enum Decision {
    /// Book it: a unique, strong match whose amounts fit what is open.
    Auto {
        /// Items and amounts, ordered by invoice id.
        allocations: Vec<Allocation>,
        /// Part of the payment no item takes.
        unallocated: Decimal,
        /// The score.
        score: i32,
        /// See [`Candidate::confidence`].
        confidence: f64,
        /// Why.
        reasons: Vec<ScoredReason>,
    },
    /// Show these to a person, best first.
    Suggest {
        /// Ranked candidates, best first.
        candidates: Vec<Candidate>,
        /// Why the best one was not booked automatically.
        held_back: HeldBack,
    },
    /// Nothing worth showing.
    NoMatch {
        /// Why.
        reason: NoMatchReason,
    },
}

impl Decision {
    /// The automatic decision to book `candidate`: an automatic match is the best candidate,
    /// committed, so it carries exactly what the candidate did.
    pub fn book(candidate: Candidate) -> Self {
        Decision::Auto {
            allocations: candidate.allocations,
            unallocated: candidate.unallocated,
            score: candidate.score,
            confidence: candidate.confidence,
            reasons: candidate.reasons,
        }
    }
}

/// The result for one transaction.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Outcome {
    /// The transaction's id.
    pub transaction_id: String,
    /// What to do with it.
    #[serde(flatten)]
    pub decision: Decision,
}

impl Outcome {
    /// The automatically booked allocations, if the decision is automatic.
    pub fn auto_allocations(&self) -> Option<&[Allocation]> {
        match &self.decision {
            Decision::Auto { allocations, .. } => Some(allocations),
            _ => None,
        }
    }

    /// The suggestions, best first (empty unless the decision is a suggestion).
    pub fn suggestions(&self) -> &[Candidate] {
        match &self.decision {
            Decision::Suggest { candidates, .. } => candidates,
            _ => &[],
        }
    }
}
