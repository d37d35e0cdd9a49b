//! Everything learned about one transaction: what the explanation and the batch-wide
//! assignment need, kept until the batch is done.

use super::reference::ReferenceHit;
use super::settlement::Settlement;
use super::verdict::{NothingProposed, Verdict};

/// Everything learned about one transaction.
#[derive(Debug, Clone)]
pub(crate) struct Evaluation {
    /// The references found, in a fixed order (field, position, invoice id).
    pub(crate) references: Vec<ReferenceHit>,
    /// Numbers shaped like invoice numbers that name no open item (a paid invoice paid again).
    pub(crate) unknown_references: Vec<String>,
    /// Settlements best first (only the leading few are kept).
    pub(crate) settlements: Vec<Settlement>,
    pub(crate) verdict: Verdict,
    /// The payer IBAN, compact (for the explanation).
    pub(crate) payer_iban: String,
}

impl Evaluation {
    pub(super) fn nothing(why: NothingProposed) -> Self {
        Evaluation {
            references: Vec::new(),
            unknown_references: Vec::new(),
            settlements: Vec::new(),
            verdict: Verdict::NoMatch(why),
            payer_iban: String::new(),
        }
    }
}
