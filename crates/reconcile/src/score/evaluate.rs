//! Scoring one transaction from start to verdict: references first (they decide which parties
//! are searched), then the settlements and the verdict on them.

use rust_decimal::Decimal;

use crate::amount::in_range;
use crate::model::Transaction;
use crate::name::normalize_name;
use crate::normalize::{currency_code, iban_key};

use super::evaluation::Evaluation;
use super::scorer::Scorer;
use super::transaction_scoring::TransactionScoring;
use super::verdict::{NothingProposed, verdict};

impl Scorer<'_> {
    /// Scores one transaction against what is still open (`remaining`, by invoice index).
    pub(crate) fn evaluate(&self, tx: &Transaction, remaining: &[Decimal]) -> Evaluation {
        if tx.amount.is_zero() {
            return Evaluation::nothing(NothingProposed::ZeroAmount);
        }
        if !in_range(tx.amount) {
            return Evaluation::nothing(NothingProposed::OutOfRange);
        }
        let iban = tx
            .counterparty_iban
            .as_deref()
            .map(iban_key)
            .unwrap_or_default();
        let iban_customers: &[u32] = if iban.is_empty() {
            &[]
        } else {
            self.index.iban_customers(&iban)
        };
        let mut scoring = TransactionScoring {
            scorer: self,
            tx,
            remaining,
            incoming: tx.amount > Decimal::ZERO,
            paid: tx.amount.abs(),
            date: tx.effective_date(),
            currency: currency_code(&tx.currency),
            iban_customers,
            payer: tx
                .counterparty_name
                .as_deref()
                .map(normalize_name)
                .filter(|n| !n.is_empty()),
            name_similarities: Vec::new(),
            references: Vec::new(),
            unknown_references: Vec::new(),
            partial_announced: false,
            unique_name_customer: None,
            namesakes: None,
        };
        scoring.find_references();
        let (mut settlements, wrong_direction) = scoring.settlements();
        let verdict = verdict(self.cfg, &settlements, wrong_direction);
        // The explanation shows at most `max_suggestions`; the margin needs the runner-up.
        let keep = self.cfg.max_suggestions.max(2);
        settlements.truncate(keep);
        Evaluation {
            references: scoring.references,
            unknown_references: scoring.unknown_references,
            settlements,
            verdict,
            payer_iban: iban,
        }
    }
}
