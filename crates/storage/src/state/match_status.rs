//! `matches.status`: where an allocation of a payment to an invoice stands.

use super::stored_enum::stored_enum;

stored_enum! {
    /// Where a match stands. Nothing is deleted: a rejected or undone match stays on record.
    pub enum MatchStatus as "match status" {
        /// Proposed by the matcher, waiting in the review queue; allocates nothing yet.
        Suggested = "suggested",
        /// Applied: its amount is taken from the invoice's open amount.
        Confirmed = "confirmed",
        /// A suggestion a person (or a later decision for the same payment) turned down.
        Rejected = "rejected",
        /// A confirmed match taken back: its amount went back to the invoice.
        Undone = "undone",
    }
}
