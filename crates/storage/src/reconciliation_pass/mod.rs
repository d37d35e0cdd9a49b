//! A reconciliation pass committed as one: every automatic match and every suggestion of the
//! pass in a single database transaction.
//!
//! The matcher decides over the whole batch at once (which payment gets a contested invoice,
//! whether a sum of invoices is the best explanation). Committed one decision at a time, a crash
//! half way left some matches stored and the rest undecided; the rerun then met a different
//! batch (fewer open invoices, fewer payments) and decided differently — a payment that pays no
//! invoice was matched to three. Committed together, a crash leaves the store as it was before
//! the pass and the rerun reaches exactly the uninterrupted result.

mod load;
mod plan;
mod write;

use time::OffsetDateTime;

use crate::db::Database;
use crate::error::Error;
use crate::matches::{MatchDecision, NewSuggestion};

/// What the pass decided for one transaction.
#[derive(Debug, Clone, PartialEq)]
pub enum PassDecision {
    /// Match automatically; if the database refuses (an invoice changed meanwhile), the
    /// allocations are queued as suggestions instead.
    Auto(MatchDecision),
    /// Queue these candidates for review (replacing open suggestions).
    Suggest {
        /// The transaction.
        transaction_id: i64,
        /// The candidates.
        suggestions: Vec<NewSuggestion>,
    },
    /// No candidate any more: drop the transaction's open suggestions.
    Clear {
        /// The transaction.
        transaction_id: i64,
    },
}

/// What a committed pass did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PassCommit {
    /// Automatic matches stored.
    pub auto_matched: u64,
    /// Transactions given suggestions (automatic matches refused included).
    pub suggested: u64,
    /// Automatic matches the database refused, queued for review instead.
    pub conflicts: u64,
}

impl Database {
    /// Stores a pass's decisions all together, or none of them.
    ///
    /// The decisions take effect in their order, exactly as if each were applied on its own
    /// (an automatic match the invoices can no longer take is queued as suggestions instead),
    /// but the rows are read and written in batches: the pass's transactions, invoices and open
    /// suggestions are read (and on PostgreSQL locked, in id order) with a few statements, the
    /// decisions are played out in memory ([`plan`]), and the result is written with multi-row
    /// statements ([`write`]). One statement per row made 100,000 decisions take minutes.
    pub async fn commit_reconciliation(
        &self,
        decisions: &[PassDecision],
        now: OffsetDateTime,
    ) -> Result<PassCommit, Error> {
        let postgres = self.is_postgres();
        let txn = self.begin_write().await?;
        let rows = load::load(&txn, postgres, decisions).await?;
        let plan = plan::play(rows, decisions, now)?;
        write::write(&txn, &plan, now).await?;
        txn.commit().await?;
        Ok(plan.done)
    }
}
