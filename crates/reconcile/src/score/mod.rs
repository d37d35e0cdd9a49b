//! Scoring one transaction against the candidates the index offers, and the per-transaction
//! verdict (automatic, suggestion, nothing).
//!
//! Scores are additive points with a named signal each (Kivitendo's point system, GnuCash's ±
//! scores), so that every decision can be explained. Automatic matching needs more than points
//! (docs/reconciliation.md, docs/reconcile.md): a strong identifier (a reference, or an IBAN
//! known for exactly this customer), an amount that settles, and a lead over the next
//! candidate, so that two equally good candidates are always suggestions.
//!
//! The files follow the order of the work: `evaluate` runs it; `reference_scan` and `typos`
//! find what the texts name; `parties` who paid; `settlements` gathers and ranks the ways to
//! settle, built by `single_item` and `combinations` from the signals of `item_fit` and
//! checked by `gates`; `verdict` decides.

mod amount_only;
mod combinations;
mod evaluate;
mod evaluation;
mod gates;
mod item_fit;
mod namesakes;
mod oldest_first;
mod one_or_many;
mod parties;
mod points;
mod reference;
mod reference_scan;
mod scorer;
mod settlement;
mod settlements;
mod signal;
mod single_item;
mod transaction_scoring;
mod typos;
mod verdict;

pub(crate) use evaluation::Evaluation;
pub(crate) use reference::ReferenceKind;
pub(crate) use scorer::Scorer;
pub(crate) use settlement::{Gate, Settlement};
pub(crate) use signal::{DateSignal, Signal};
pub(crate) use verdict::{NotAutomatic, NothingProposed, Verdict};
