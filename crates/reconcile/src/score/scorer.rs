//! What all transactions of one call are scored against.

use crate::amount::SettleBounds;
use crate::config::Config;
use crate::index::{AmountLists, Index};
use crate::pattern::InvoicePattern;

/// What is shared by all transactions of one call. Copied (it is a handful of references) to
/// make the second round's scorer, which differs in what is still open.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Scorer<'a> {
    pub(crate) index: &'a Index<'a>,
    pub(crate) cfg: &'a Config,
    pub(crate) patterns: &'a [InvoicePattern],
    /// The amount lists to find amount-only candidates in: the index's, or, once items have
    /// been settled, the ones still open ([`AmountLists::live`]).
    pub(crate) amounts: &'a AmountLists,
    /// Whether nothing has been taken from any item yet (the first round): what is open of
    /// each item is its original open amount.
    pub(crate) untouched: bool,
    /// The configuration's tolerances, for ruling candidates out cheaply.
    pub(crate) bounds: SettleBounds,
}

impl Scorer<'_> {
    /// Whether a compact token group is shaped like one of our numbers: like those of the open
    /// items (learned, [`crate::shapes`]) or like a configured pattern.
    pub(crate) fn shaped(&self, compact: &str) -> bool {
        self.index.shapes.matches(compact)
            || self.patterns.iter().any(|p| p.matches_compact(compact))
    }
}
