//! A reconciliation pass committed as one: every automatic match and every suggestion of the
//! pass in a single database transaction.
//!
//! The matcher decides over the whole batch at once (which payment gets a contested invoice,
//! whether a sum of invoices is the best explanation). Committed one decision at a time, a crash
//! half way left some matches stored and the rest undecided; the rerun then met a different
//! batch (fewer open invoices, fewer payments) and decided differently — a payment that pays no
//! invoice was matched to three. Committed together, a crash leaves the store as it was before
//! the pass and the rerun reaches exactly the uninterrupted result.

use time::OffsetDateTime;

use crate::db::Database;
use crate::error::Error;
use crate::matches::{MatchDecision, NewSuggestion, apply_match_in, record_suggestions_in};

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
    pub async fn commit_reconciliation(
        &self,
        decisions: &[PassDecision],
        now: OffsetDateTime,
    ) -> Result<PassCommit, Error> {
        let postgres = self.is_postgres();
        let txn = self.begin_write().await?;
        let mut done = PassCommit::default();
        for d in decisions {
            match d {
                PassDecision::Auto(m) => {
                    // A savepoint: a refused match is undone alone and queued instead.
                    let attempt = txn.savepoint().await?;
                    match apply_match_in(&attempt, postgres, m, now).await {
                        Ok(_) => {
                            attempt.commit().await?;
                            done.auto_matched += 1;
                        }
                        Err(Error::Conflict(why)) => {
                            attempt.rollback().await?;
                            tracing::warn!(transaction = m.transaction_id, %why, "automatic match refused; queued for review");
                            let queued: Vec<NewSuggestion> = m
                                .allocations
                                .iter()
                                .map(|a| NewSuggestion {
                                    invoice_id: a.invoice_id,
                                    amount: a.amount,
                                    confidence: m.confidence,
                                    reasons: m.reasons.clone(),
                                })
                                .collect();
                            record_suggestions_in(&txn, m.transaction_id, &queued, now).await?;
                            done.conflicts += 1;
                            done.suggested += 1;
                        }
                        Err(e) => return Err(e),
                    }
                }
                PassDecision::Suggest {
                    transaction_id,
                    suggestions,
                } => {
                    record_suggestions_in(&txn, *transaction_id, suggestions, now).await?;
                    done.suggested += 1;
                }
                PassDecision::Clear { transaction_id } => {
                    record_suggestions_in(&txn, *transaction_id, &[], now).await?;
                }
            }
        }
        txn.commit().await?;
        Ok(done)
    }
}
