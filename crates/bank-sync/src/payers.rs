//! What a reconciliation pass knows about customers and payers: which customer an invoice
//! belongs to (its number, or its name when it came without one), the IBANs known to pay for
//! each customer (uploaded with invoices or learned from people's confirmations), and the payers
//! people said are not a customer.
//!
//! Rejections are applied to the matcher's answer rather than fed into it: a candidate for a
//! customer that rejected this payer stays only when the payment's text names the item (an
//! invoice number, RF reference or end-to-end id); name, IBAN and amount alone no longer propose
//! it. The matcher itself stays unaware of decisions.

use std::collections::{HashMap, HashSet};

use storage::entity::{customer_payer, invoice};
use storage::{LearnedFrom, PayerOrigin};

/// The group the matcher keeps an invoice in: its customer when it has a customer number, else
/// its customer's name (as before customers were stored; customers who share a name merge).
pub(crate) fn group(i: &invoice::Model) -> String {
    match i.customer_id {
        Some(c) => format!("customer:{c}"),
        None => format!("name:{}", name_key(&i.customer_name)),
    }
}

fn name_key(name: &str) -> String {
    name.trim().to_lowercase()
}

/// An IBAN as compared: letters and digits only, upper case.
pub(crate) fn iban_key(iban: &str) -> String {
    iban.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .flat_map(char::to_uppercase)
        .collect()
}

/// Every customer's payers, arranged for one pass.
#[derive(Debug, Default)]
pub(crate) struct Payers {
    /// IBANs known (uploaded or learned) per customer id.
    pub(crate) known: HashMap<i64, Vec<String>>,
    /// (customer, IBAN) learned from a decision: which, and when.
    learned: HashMap<(i64, String), LearnedFrom>,
    /// Customers a payer with this IBAN is not.
    rejected_iban: HashMap<String, HashSet<i64>>,
    /// Customers a payer with this name (and no IBAN) is not.
    rejected_name: HashMap<String, HashSet<i64>>,
}

impl Payers {
    pub(crate) fn from_rows(rows: Vec<customer_payer::Model>) -> Self {
        let mut p = Payers::default();
        for r in rows {
            let iban = r.iban.as_deref().map(iban_key).filter(|i| !i.is_empty());
            match r.origin {
                PayerOrigin::Uploaded | PayerOrigin::Learned => {
                    let Some(iban) = iban else { continue };
                    if r.origin == PayerOrigin::Learned
                        && let Some(match_id) = r.match_id
                    {
                        p.learned
                            .entry((r.customer_id, iban.clone()))
                            .or_insert(LearnedFrom {
                                match_id,
                                on: r.created_at.date().to_string(),
                            });
                    }
                    let known = p.known.entry(r.customer_id).or_default();
                    if !known.contains(&iban) {
                        known.push(iban);
                    }
                }
                PayerOrigin::Rejected => match (iban, r.name.as_deref()) {
                    (Some(iban), _) => {
                        p.rejected_iban
                            .entry(iban)
                            .or_default()
                            .insert(r.customer_id);
                    }
                    (None, Some(name)) => {
                        p.rejected_name
                            .entry(name_key(name))
                            .or_default()
                            .insert(r.customer_id);
                    }
                    (None, None) => {}
                },
            }
        }
        p
    }
}

/// A pass's lookups: the payers, each open invoice's customer, each transaction's payer.
#[derive(Debug)]
pub(crate) struct PassContext {
    pub(crate) payers: Payers,
    /// Customer id per invoice id (as the matcher knows them), for invoices that have one.
    pub(crate) customer_of: HashMap<String, i64>,
    /// IBAN and name per transaction id.
    pub(crate) payer_of: HashMap<String, (Option<String>, Option<String>)>,
}

/// Whether a reason is the payment's text naming the item.
fn is_reference(r: &reconcile::ScoredReason) -> bool {
    matches!(
        r.reason,
        reconcile::Reason::InvoiceNumber { .. }
            | reconcile::Reason::CreditorReference { .. }
            | reconcile::Reason::EndToEndId { .. }
    )
}

impl PassContext {
    /// The decision that taught `iban` as a payer of one of these invoices' customers.
    pub(crate) fn learned_from(
        &self,
        iban: &str,
        allocations: &[reconcile::Allocation],
    ) -> Option<LearnedFrom> {
        let iban = iban_key(iban);
        allocations.iter().find_map(|a| {
            let c = *self.customer_of.get(&a.invoice_id)?;
            self.payers.learned.get(&(c, iban.clone())).cloned()
        })
    }

    /// Customers the payer of this transaction was rejected for.
    fn rejected_for(&self, transaction_id: &str) -> HashSet<i64> {
        let Some((iban, name)) = self.payer_of.get(transaction_id) else {
            return HashSet::new();
        };
        let mut out = HashSet::new();
        if let Some(set) = iban
            .as_deref()
            .map(iban_key)
            .and_then(|i| self.payers.rejected_iban.get(&i))
        {
            out.extend(set);
        }
        if let Some(set) = name
            .as_deref()
            .and_then(|n| self.payers.rejected_name.get(&name_key(n)))
        {
            out.extend(set);
        }
        out
    }

    /// Whether a candidate proposes an item of a rejecting customer without a reference.
    fn refused(
        &self,
        rejected: &HashSet<i64>,
        allocations: &[reconcile::Allocation],
        reasons: &[reconcile::ScoredReason],
    ) -> bool {
        allocations.iter().any(|a| {
            self.customer_of
                .get(&a.invoice_id)
                .is_some_and(|c| rejected.contains(c))
        }) && !reasons.iter().any(is_reference)
    }

    /// Drops from the matcher's answer what a person's rejection rules out (see the module
    /// doc); an answer left without candidates becomes "no candidates".
    pub(crate) fn drop_rejected(&self, o: &mut reconcile::Outcome) {
        let rejected = self.rejected_for(&o.transaction_id);
        if rejected.is_empty() {
            return;
        }
        let none = reconcile::Decision::NoMatch {
            reason: reconcile::NoMatchReason::NoCandidates,
        };
        match &mut o.decision {
            reconcile::Decision::Auto {
                allocations,
                reasons,
                ..
            } => {
                if self.refused(&rejected, allocations, reasons) {
                    o.decision = none;
                }
            }
            reconcile::Decision::Suggest { candidates, .. } => {
                candidates.retain(|c| !self.refused(&rejected, &c.allocations, &c.reasons));
                if candidates.is_empty() {
                    o.decision = none;
                }
            }
            reconcile::Decision::NoMatch { .. } => {}
        }
    }
}
