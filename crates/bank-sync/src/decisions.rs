//! What people decide about matches and invoices: confirm or reject a suggestion, undo a match,
//! match a payment by hand, load invoices. The server's API and its banking page both call these
//! and nothing else to change that state, so a decision is validated and stored one way whatever
//! front end took it (a match by hand made through the API reads the same on the banking page).

use rust_decimal::Decimal;
use storage::entity::allocation;
use storage::{InvoiceCounts, MatchDecision, MatchMethod, MatchReasons, NewAllocation, NewInvoice};

use crate::error::SyncError;
use crate::service::BankSync;

/// Longest name recorded with a decision (longer is a paste error, not a person).
const MAX_DECIDER_LEN: usize = 80;

/// One invoice of a match by hand: which, and how much of the payment goes to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HandAllocation {
    /// The invoice.
    pub invoice_id: i64,
    /// Positive amount settled on it.
    pub amount: Decimal,
}

/// The name stored with a decision, trimmed; refused when empty or implausibly long.
fn decider(who: &str) -> Result<&str, SyncError> {
    // The length as sent (the API document's `maxLength` counts it so); blank is Unicode
    // whitespace and the byte-order mark (what the document's "not blank" pattern spells out).
    let long = who.chars().count() > MAX_DECIDER_LEN;
    let who = who.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
    if who.is_empty() {
        return Err(SyncError::BadRequest(
            "user is empty: say who decides".into(),
        ));
    }
    if long {
        return Err(SyncError::BadRequest(format!(
            "user is longer than {MAX_DECIDER_LEN} characters: give a person's name"
        )));
    }
    Ok(who)
}

impl BankSync {
    /// Confirms a suggestion in `who`'s name; returns the stored match rows.
    pub async fn confirm_match(
        &self,
        match_id: i64,
        who: &str,
    ) -> Result<Vec<allocation::Model>, SyncError> {
        Ok(self.db.confirm_suggestion(match_id, decider(who)?).await?)
    }

    /// Rejects a suggestion in `who`'s name; it stays on record.
    pub async fn reject_match(&self, match_id: i64, who: &str) -> Result<(), SyncError> {
        Ok(self.db.reject_suggestion(match_id, decider(who)?).await?)
    }

    /// Undoes a confirmed match (every allocation of its payment) in `who`'s name; returns how
    /// many allocations were undone.
    pub async fn undo_match(&self, match_id: i64, who: &str) -> Result<u64, SyncError> {
        Ok(self.db.undo_match(match_id, decider(who)?).await?)
    }

    /// Matches a payment to invoices as a person chose: the amounts as given, all or nothing.
    pub async fn match_by_hand(
        &self,
        transaction_id: i64,
        allocations: &[HandAllocation],
        who: &str,
    ) -> Result<Vec<allocation::Model>, SyncError> {
        let who = decider(who)?;
        Ok(self
            .db
            .apply_match(&MatchDecision {
                transaction_id,
                allocations: allocations
                    .iter()
                    .map(|a| NewAllocation {
                        invoice_id: a.invoice_id,
                        amount: a.amount,
                    })
                    .collect(),
                confidence: Decimal::ONE,
                method: MatchMethod::Manual,
                reasons: MatchReasons::by_hand(),
                decided_by: who.to_owned(),
            })
            .await?)
    }

    /// Matches a payment to the invoice with this number, settling as much of it as the payment
    /// covers (what is left of the payment stays unallocated): what a person means by "this
    /// payment is for invoice RE-…".
    pub async fn match_to_invoice_number(
        &self,
        transaction_id: i64,
        invoice_number: &str,
        who: &str,
    ) -> Result<Vec<allocation::Model>, SyncError> {
        let number = invoice_number.trim();
        let invoice = self
            .db
            .invoice_by_number(number)
            .await?
            .ok_or_else(|| SyncError::NotFound(format!("no invoice numbered {number:?}")))?;
        let payment = self
            .db
            .transaction(transaction_id)
            .await?
            .ok_or_else(|| SyncError::NotFound(format!("no transaction {transaction_id}")))?;
        let paid = payment.amount.decimal().abs();
        let amount = paid.min(invoice.open_amount.decimal());
        if amount <= Decimal::ZERO {
            return Err(SyncError::Conflict(format!(
                "invoice {} has nothing open to settle",
                invoice.number
            )));
        }
        self.match_by_hand(
            transaction_id,
            &[HandAllocation {
                invoice_id: invoice.id,
                amount,
            }],
            who,
        )
        .await
    }

    /// Creates or updates invoices (by number), all in one database transaction.
    pub async fn upsert_invoices(
        &self,
        invoices: &[NewInvoice],
    ) -> Result<InvoiceCounts, SyncError> {
        Ok(self.db.upsert_invoices(invoices).await?)
    }

    /// Forgets a payer learned for the customer with this number (a confirmation made by
    /// mistake): the next passes no longer count its payments as from a known payer. The
    /// confirmed match itself stays.
    pub async fn remove_learned_payer(
        &self,
        customer_number: &str,
        payer_id: i64,
    ) -> Result<storage::entity::customer_payer::Model, SyncError> {
        Ok(self
            .db
            .remove_learned_payer(customer_number, payer_id)
            .await?)
    }
}
