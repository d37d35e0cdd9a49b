//! The verdict on one transaction in isolation, before the batch-wide assignment decides which
//! automatic settlements are committed.
//!
//! Automatic needs all of: a score at the auto threshold, no closed gate, and a lead of at
//! least the auto margin over the next different settlement, so that two equally good
//! settlements are always suggestions.

use crate::config::Config;

use super::settlement::{Gate, Settlement};

/// Why a transaction is shown as suggestions rather than matched automatically.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NotAutomatic {
    Gate(Gate),
    BelowThreshold,
    Ambiguous,
}

/// Why nothing is proposed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NothingProposed {
    ZeroAmount,
    OutOfRange,
    NoCandidates,
    BelowSuggest,
    /// Only an item of the other direction is named (an outgoing payment naming a sales
    /// invoice): the index of that item.
    WrongDirection(u32),
}

/// The verdict on one transaction in isolation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verdict {
    Auto,
    Suggest(NotAutomatic),
    NoMatch(NothingProposed),
}

/// Decides on `settlements`, best first; `wrong_direction` is an item named by the texts that
/// the payment's direction cannot settle.
pub(super) fn verdict(
    cfg: &Config,
    settlements: &[Settlement],
    wrong_direction: Option<u32>,
) -> Verdict {
    let Some(best) = settlements.first() else {
        return Verdict::NoMatch(match wrong_direction {
            Some(i) => NothingProposed::WrongDirection(i),
            None => NothingProposed::NoCandidates,
        });
    };
    if best.score < cfg.suggest_threshold {
        return Verdict::NoMatch(NothingProposed::BelowSuggest);
    }
    if let Some(g) = best.gate {
        return Verdict::Suggest(NotAutomatic::Gate(g));
    }
    if best.score < cfg.auto_threshold {
        return Verdict::Suggest(NotAutomatic::BelowThreshold);
    }
    if let Some(second) = settlements.get(1)
        && best.score - second.score < cfg.auto_margin
    {
        return Verdict::Suggest(NotAutomatic::Ambiguous);
    }
    Verdict::Auto
}
