//! A statement entry as the PSD2 transaction `ais-model` describes, so that a file's bookings go
//! through the same mapping and the same dedupe keys as the bank's API answers: the bank's
//! reference (`AcctSvcrRef`, MT940's bank reference, a CSV's id) becomes `transactionId`, the
//! end-to-end id stays the end-to-end id, and the counterparty sits on the side `ais-model`
//! reads it from (debtor of money in, creditor of money out). Without a bank reference the
//! storage layer falls back to its fingerprint of date, amount, counterparty and texts, as for
//! PSD2 entries without an id.

use ais_model::{
    AccountReference, PartialAmount, StructuredRemittance, Transaction, TransactionLists,
};

use crate::model::{Entry, EntryStatus, Party, Statement};

fn reference(p: &Party) -> Option<AccountReference> {
    let r = AccountReference {
        iban: p.iban.clone(),
        bban: p.account.clone(),
        ..AccountReference::default()
    };
    (r != AccountReference::default()).then_some(r)
}

impl Entry {
    /// This entry as a PSD2 transaction.
    pub fn to_ais_transaction(&self) -> Transaction {
        let incoming = self.amount > rust_decimal::Decimal::ZERO;
        let p = &self.counterparty;
        let mut t = Transaction {
            transaction_id: self.bank_reference.clone(),
            end_to_end_id: self.end_to_end_id.clone(),
            mandate_id: self.mandate_id.clone(),
            creditor_id: self.creditor_id.clone(),
            booking_date: self.booking_date,
            value_date: self.value_date,
            transaction_amount: Some(PartialAmount {
                currency: Some(self.currency.clone()),
                amount: Some(self.amount),
            }),
            remittance_information_unstructured: self.remittance.clone(),
            remittance_information_structured: self.creditor_reference.as_ref().map(|r| {
                StructuredRemittance {
                    reference: Some(r.clone()),
                    ..StructuredRemittance::default()
                }
            }),
            bank_transaction_code: self.bank_transaction_code.clone(),
            transaction_type: self.booking_text.clone(),
            ..Transaction::default()
        };
        if incoming {
            t.debtor_name = p.name.clone();
            t.debtor_account = reference(p);
            t.debtor_agent = p.bic.clone();
        } else {
            t.creditor_name = p.name.clone();
            t.creditor_account = reference(p);
            t.creditor_agent = p.bic.clone();
        }
        t
    }
}

impl Statement {
    /// The entries as PSD2 lists: booked and pending, in file order.
    pub fn to_transaction_lists(&self) -> TransactionLists {
        let mut lists = TransactionLists::default();
        for e in &self.entries {
            match e.status {
                EntryStatus::Booked => lists.booked.push(e.to_ais_transaction()),
                EntryStatus::Pending => lists.pending.push(e.to_ais_transaction()),
            }
        }
        lists
    }
}

#[cfg(test)]
mod tests {
    use rust_decimal::Decimal;

    use super::*;

    #[test]
    fn sides_and_keys_match_what_ais_model_reads() {
        let e = Entry {
            amount: Decimal::new(11900, 2),
            currency: "EUR".into(),
            counterparty: Party {
                name: Some("Kunde GmbH".into()),
                iban: Some("DE89370400440532013000".into()),
                ..Party::default()
            },
            bank_reference: Some("REF-1".into()),
            end_to_end_id: Some("E2E".into()),
            remittance: Some("RE-2024-0001".into()),
            ..Entry::default()
        };
        let t = e.to_ais_transaction();
        assert_eq!(t.transaction_id.as_deref(), Some("REF-1"));
        assert_eq!(t.counterparty().name, Some("Kunde GmbH"));
        assert_eq!(
            t.counterparty().account.and_then(|a| a.iban.as_deref()),
            Some("DE89370400440532013000")
        );
        assert_eq!(t.end_to_end_id(), Some("E2E"));
        let out = Entry {
            amount: Decimal::new(-500, 2),
            ..e
        }
        .to_ais_transaction();
        assert_eq!(out.creditor_name.as_deref(), Some("Kunde GmbH"));
        assert_eq!(out.debtor_name, None);
    }
}
