//! What a reference found in a transaction's texts is worth, and where it was found.

use crate::reason::{NumberMatch, TextField};

use super::points;

/// How a reference was recognised. The kind decides the points and whether the reference
/// alone identifies the item: a typo might as well point at another real invoice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ReferenceKind {
    Rf,
    EndToEndId,
    Number(NumberMatch),
}

impl ReferenceKind {
    pub(crate) fn points(self) -> i32 {
        match self {
            ReferenceKind::Rf => points::RF,
            ReferenceKind::EndToEndId => points::E2E,
            ReferenceKind::Number(NumberMatch::Exact) => points::NUMBER_EXACT,
            ReferenceKind::Number(NumberMatch::Normalized) => points::NUMBER_NORMALIZED,
            ReferenceKind::Number(NumberMatch::WithoutPrefix) => points::NUMBER_WITHOUT_PREFIX,
            ReferenceKind::Number(NumberMatch::Typo) => points::NUMBER_TYPO,
        }
    }

    /// Whether the reference identifies the item on its own (anything but a typo).
    pub(crate) fn strong(self) -> bool {
        !matches!(self, ReferenceKind::Number(NumberMatch::Typo))
    }
}

/// One reference found in the transaction's texts.
#[derive(Debug, Clone)]
pub(crate) struct ReferenceHit {
    /// The open item it names (index into the invoices).
    pub(crate) inv: u32,
    pub(crate) kind: ReferenceKind,
    pub(crate) field: TextField,
    /// The text as found, for the explanation.
    pub(crate) found: String,
    /// Byte range in the folded field text: ties between references are broken by position,
    /// and a number inside a longer one found at the same place is dropped.
    pub(crate) span: (u32, u32),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reference_kinds_rank_by_strength() {
        let pts = |h: ReferenceKind| h.points();
        assert!(pts(ReferenceKind::Rf) > pts(ReferenceKind::Number(NumberMatch::Exact)));
        assert!(
            pts(ReferenceKind::Number(NumberMatch::Exact))
                > pts(ReferenceKind::Number(NumberMatch::Normalized))
        );
        assert!(
            pts(ReferenceKind::Number(NumberMatch::WithoutPrefix))
                > pts(ReferenceKind::Number(NumberMatch::Typo))
        );
        assert!(
            ReferenceKind::EndToEndId.strong()
                && !ReferenceKind::Number(NumberMatch::Typo).strong()
        );
    }
}
