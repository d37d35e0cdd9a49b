//! `transactions.reconciliation_state`: where a bank transaction stands against the invoices.

use super::stored_enum::stored_enum;

stored_enum! {
    /// Where a transaction stands against the invoices.
    pub enum ReconciliationState as "reconciliation state" {
        /// Neither matched nor with open suggestions.
        Unmatched = "unmatched",
        /// It has suggestions waiting in the review queue.
        Suggested = "suggested",
        /// Confirmed matches allocate it to invoices.
        Matched = "matched",
    }
}
