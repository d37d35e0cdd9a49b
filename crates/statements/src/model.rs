//! The typed statement every format reads into and writes from: one account, a period, its
//! balances and entries. Amounts are signed `Decimal`s (money in > 0, money out < 0) so that every
//! format's own way of writing the direction (`CRDT`/`DBIT`, `C`/`D`/`RC`/`RD`, `S`/`H`, a minus
//! sign) ends up as one number, never a float.

use std::fmt;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use time::Date;

/// The account a statement belongs to. Its `Debug` masks the IBAN and account number.
#[derive(Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct AccountId {
    /// IBAN, spaces removed, when the file names one.
    pub iban: Option<String>,
    /// Another identifier (a German `BLZ/Kontonummer` in MT940's `:25:`, a bank's own number).
    pub other: Option<String>,
    /// ISO 4217 currency of the account.
    pub currency: Option<String>,
    /// The servicing bank's BIC.
    pub bic: Option<String>,
    /// The account holder's name.
    pub owner_name: Option<String>,
}

/// A balance on a date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Balance {
    /// The day it holds at (end of day for closing, start for opening balances).
    pub date: Date,
    /// Signed: below zero is an overdraft.
    pub amount: Decimal,
    /// ISO 4217.
    pub currency: String,
}

/// Booked (final) or pending (may still change or disappear), as PSD2 knows them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum EntryStatus {
    /// Booked on the account (`BOOK`, an MT940 `:61:`, a CSV row).
    #[default]
    Booked,
    /// Pending (`PDNG`, MT942 entries the bank marks as not yet booked).
    Pending,
}

/// A fee the bank took or passed on for an entry (camt `Chrgs`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Charge {
    /// The fee, positive.
    pub amount: Decimal,
    /// ISO 4217.
    pub currency: String,
    /// Whether the fee is already in the entry's amount (camt `ChrgInclInd`), when told.
    pub included: Option<bool>,
}

/// The other side of an entry: the payer of money in, the payee of money out. Its `Debug` masks
/// the IBAN and account number.
#[derive(Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Party {
    /// Name.
    pub name: Option<String>,
    /// IBAN (spaces removed).
    pub iban: Option<String>,
    /// Another account number when there is no IBAN (German `?31` with a BLZ in `?30`).
    pub account: Option<String>,
    /// BIC of the party's bank (or a German BLZ where that is all the file has).
    pub bic: Option<String>,
}

impl Party {
    /// Whether nothing is known about the party.
    pub fn is_empty(&self) -> bool {
        self.name.is_none() && self.iban.is_none() && self.account.is_none() && self.bic.is_none()
    }
}

/// An IBAN or account number as `Debug` may show it: the first two and last four characters,
/// so a logged entry never carries a full account number.
pub(crate) fn masked(value: &Option<String>) -> Option<String> {
    value.as_ref().map(|v| {
        let n = v.chars().count();
        let head: String = v.chars().take(2).collect();
        let tail: String = v.chars().skip(n.saturating_sub(4)).collect();
        if n <= 6 {
            "…".to_owned()
        } else {
            format!("{head}…{tail}")
        }
    })
}

impl fmt::Debug for AccountId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccountId")
            .field("iban", &masked(&self.iban))
            .field("other", &masked(&self.other))
            .field("currency", &self.currency)
            .field("bic", &self.bic)
            .field("owner_name", &self.owner_name)
            .finish()
    }
}

impl fmt::Debug for Party {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Party")
            .field("name", &self.name)
            .field("iban", &masked(&self.iban))
            .field("account", &masked(&self.account))
            .field("bic", &self.bic)
            .finish()
    }
}

/// One booking (or, for a batch, one transaction of it).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Entry {
    /// Booking date (camt `BookgDt`, MT940's entry date, a CSV's "Buchungstag").
    pub booking_date: Option<Date>,
    /// Value date.
    pub value_date: Option<Date>,
    /// Signed amount: money in > 0, money out < 0 (a reversal's sign is the direction the money
    /// actually moved, so a reversed debit is > 0).
    pub amount: Decimal,
    /// ISO 4217.
    pub currency: String,
    /// Booked or pending.
    pub status: EntryStatus,
    /// The entry reverses an earlier one (camt `RvslInd`, MT940 `RC`/`RD`).
    pub reversal: bool,
    /// Payer of money in, payee of money out.
    pub counterparty: Party,
    /// The free remittance text, lines joined with `\n`.
    pub remittance: Option<String>,
    /// A structured creditor reference (`Strd/CdtrRefInf/Ref`, an ISO 11649 `RF…`).
    pub creditor_reference: Option<String>,
    /// The payer's end-to-end id (absent when `NOTPROVIDED`).
    pub end_to_end_id: Option<String>,
    /// The bank's own reference of the booking (`AcctSvcrRef`, MT940's bank reference, a
    /// CSV's transaction id): the dedupe key when present.
    pub bank_reference: Option<String>,
    /// Mandate id of a direct debit.
    pub mandate_id: Option<String>,
    /// SEPA creditor id of a direct debit.
    pub creditor_id: Option<String>,
    /// The bank transaction code: ISO `Domain-Family-SubFamily` (`PMNT-RCDT-ESCT`), or a
    /// proprietary code such as a German GVC (`NMSC+166`-style codes appear as given).
    pub bank_transaction_code: Option<String>,
    /// The bank's booking text ("Gutschrift", "Lastschrift", "Overschrijving").
    pub booking_text: Option<String>,
    /// Fees on this entry.
    pub charges: Vec<Charge>,
}

/// A period, both days included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Period {
    /// First day.
    pub from: Date,
    /// Last day.
    pub to: Date,
}

/// One statement (camt `Stmt`/`Rpt`, an MT940 message, a CSV file).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Statement {
    /// The account.
    pub account: AccountId,
    /// The statement's id (camt `Id`, MT940 `:20:`), when the file has one.
    pub id: Option<String>,
    /// Statement or sequence number (camt `ElctrncSeqNb`, MT940 `:28C:`).
    pub sequence: Option<String>,
    /// The period it covers, when told.
    pub period: Option<Period>,
    /// Opening balance (camt `OPBD`/`PRCD`, MT940 `:60F:`/`:60M:`).
    pub opening_balance: Option<Balance>,
    /// Closing balance (camt `CLBD`, MT940 `:62F:`/`:62M:`).
    pub closing_balance: Option<Balance>,
    /// The entries in file order.
    pub entries: Vec<Entry>,
}

/// Returns zero with a positive sign, so that `-0,00` in a file reads as the same amount as
/// `0,00` and is written back without a minus.
pub(crate) fn unsigned_zero(mut d: Decimal) -> Decimal {
    if d.is_zero() {
        d.set_sign_positive(true);
    }
    d
}

/// A text trimmed, `None` when nothing is left.
pub(crate) fn non_empty(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_owned())
}

/// An id unless it is a "none given" placeholder (`NOTPROVIDED`, `NONREF`).
pub(crate) fn real_id(s: &str) -> Option<String> {
    let t = s.trim();
    let placeholder = ["NOTPROVIDED", "NOT PROVIDED", "NONREF", "NONE"]
        .iter()
        .any(|p| t.eq_ignore_ascii_case(p));
    (!t.is_empty() && !placeholder).then(|| t.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negative_zero_loses_its_sign() {
        let z: Decimal = "-0.00".parse().unwrap();
        assert_eq!(unsigned_zero(z).to_string(), "0.00");
        assert_eq!(unsigned_zero(Decimal::new(-5, 0)), Decimal::new(-5, 0));
    }

    #[test]
    fn debug_never_shows_a_full_iban() {
        let p = Party {
            name: Some("A".into()),
            iban: Some("DE89370400440532013000".into()),
            account: Some("0532013000".into()),
            bic: None,
        };
        let text = format!("{p:?}");
        assert!(!text.contains("DE89370400440532013000"), "{text}");
        assert!(!text.contains("0532013000"), "{text}");
        assert!(text.contains("DE…3000"), "{text}");
        let a = AccountId {
            iban: p.iban.clone(),
            ..AccountId::default()
        };
        assert!(!format!("{a:?}").contains("3704004405"));
    }

    #[test]
    fn placeholders_are_no_ids() {
        assert_eq!(real_id("NOTPROVIDED"), None);
        assert_eq!(real_id(" nonref "), None);
        assert_eq!(real_id("E2E-1"), Some("E2E-1".into()));
    }
}
