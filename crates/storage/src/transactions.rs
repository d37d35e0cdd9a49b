//! Importing pages of bank transactions: one database transaction per page, idempotent.
//!
//! Each transaction gets a dedupe key, unique per account: `id:<transactionId>` when the bank
//! gives a usable id, else `fp:<fingerprint of the stable fields>:<ordinal>` — the ordinal counts
//! identical entries within the page, so two genuinely identical payments on one day are both
//! kept while fetching the same page again inserts nothing (reliability scenarios 1 and 3). A
//! known key whose content changed is updated in place (scenario 4). A booked entry supersedes
//! the pending entry it replaces instead of counting twice (scenario 2).

use std::collections::HashMap;

use rust_decimal::Decimal;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait as _, EntityTrait as _, QueryFilter as _, TransactionTrait as _,
    TryInsertResult,
};
use time::{Date, OffsetDateTime};

use crate::db::Database;
use crate::entity::transaction::{self, Column, Entity};
use crate::error::Error;

/// Booked or pending.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BookingStatus {
    /// Booked.
    Booked,
    /// Pending.
    Pending,
}

impl BookingStatus {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Booked => "booked",
            Self::Pending => "pending",
        }
    }
}

/// A transaction to store, as the service layer maps it from the bank's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewTransaction {
    /// The bank's `transactionId`.
    pub bank_transaction_id: Option<String>,
    /// `entryReference`.
    pub entry_reference: Option<String>,
    /// `endToEndId`, `None` for absent or `NOTPROVIDED`.
    pub end_to_end_id: Option<String>,
    /// Booking date.
    pub booking_date: Option<Date>,
    /// Value date.
    pub value_date: Option<Date>,
    /// Signed amount: incoming > 0, outgoing < 0.
    pub amount: Decimal,
    /// ISO 4217.
    pub currency: String,
    /// Debtor of incoming, creditor of outgoing money.
    pub counterparty_name: Option<String>,
    /// Counterparty IBAN.
    pub counterparty_iban: Option<String>,
    /// Unstructured remittance.
    pub remittance_unstructured: Option<String>,
    /// Structured remittance reference.
    pub remittance_structured: Option<String>,
    /// Bank transaction code.
    pub bank_transaction_code: Option<String>,
    /// Booked or pending.
    pub status: BookingStatus,
    /// The bank's JSON of this entry, kept as received.
    pub raw_json: serde_json::Value,
}

/// What one import did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportCounts {
    /// New rows.
    pub inserted: u64,
    /// Known and unchanged.
    pub skipped: u64,
    /// Known, changed by the bank, updated in place.
    pub updated: u64,
    /// Pending rows replaced by their booking.
    pub superseded: u64,
}

fn usable_id(id: Option<&str>) -> Option<&str> {
    id.map(str::trim)
        .filter(|s| !s.is_empty() && !s.eq_ignore_ascii_case("NOTPROVIDED"))
}

fn fingerprint(t: &NewTransaction) -> String {
    let date = t
        .booking_date
        .or(t.value_date)
        .map(|d| d.to_string())
        .unwrap_or_default();
    let fields = [
        date.as_str(),
        &t.amount.normalize().to_string(),
        &t.currency,
        t.counterparty_iban.as_deref().unwrap_or(""),
        t.counterparty_name.as_deref().unwrap_or(""),
        t.remittance_unstructured.as_deref().unwrap_or(""),
        t.remittance_structured.as_deref().unwrap_or(""),
        t.end_to_end_id.as_deref().unwrap_or(""),
        t.status.as_str(),
    ];
    let digest = ring::digest::digest(&ring::digest::SHA256, fields.join("\u{1f}").as_bytes());
    hex::encode(&digest.as_ref()[..16])
}

/// The dedupe key of each entry of a page, in order.
pub fn dedupe_keys(page: &[NewTransaction]) -> Vec<String> {
    let mut seen: HashMap<String, u32> = HashMap::new();
    page.iter()
        .map(|t| match usable_id(t.bank_transaction_id.as_deref()) {
            Some(id) => format!("id:{id}"),
            None => {
                let fp = fingerprint(t);
                let n = seen.entry(fp.clone()).or_insert(0);
                let key = format!("fp:{fp}:{n}");
                *n += 1;
                key
            }
        })
        .collect()
}

fn changed(row: &transaction::Model, t: &NewTransaction) -> bool {
    row.booking_date != t.booking_date
        || row.value_date != t.value_date
        || row.amount != t.amount.to_string()
        || row.remittance_unstructured != t.remittance_unstructured
        || row.remittance_structured != t.remittance_structured
        || row.counterparty_name != t.counterparty_name
        || row.entry_reference != t.entry_reference
}

/// Parses a stored amount back into a decimal.
pub fn parse_amount(text: &str) -> Result<Decimal, Error> {
    text.parse::<Decimal>()
        .map_err(|_| Error::Corrupt(format!("amount {text:?} is not a decimal")))
}

impl Database {
    /// Writes one page for `account_id` in one database transaction and says what it did.
    /// Running it again with the same page inserts nothing.
    pub async fn import_page(
        &self,
        account_id: i64,
        page: &[NewTransaction],
    ) -> Result<ImportCounts, Error> {
        if page.is_empty() {
            return Ok(ImportCounts::default());
        }
        let keys = dedupe_keys(page);
        if self.is_postgres() {
            return self.import_page_postgres(account_id, page, &keys).await;
        }
        let _writer = self.write_turn().await;
        let now = OffsetDateTime::now_utc();
        let txn = self.conn.begin().await?;
        let existing: HashMap<String, transaction::Model> = Entity::find()
            .filter(Column::AccountId.eq(account_id))
            .filter(Column::DedupeKey.is_in(keys.clone()))
            .all(&txn)
            .await?
            .into_iter()
            .map(|m| (m.dedupe_key.clone(), m))
            .collect();
        let mut counts = ImportCounts::default();
        let mut new_rows = Vec::new();
        let mut new_booked = Vec::new();
        for (t, key) in page.iter().zip(&keys) {
            match existing.get(key) {
                Some(row) if changed(row, t) => {
                    let mut am: transaction::ActiveModel = row.clone().into();
                    am.booking_date = Set(t.booking_date);
                    am.value_date = Set(t.value_date);
                    am.amount = Set(t.amount.to_string());
                    am.remittance_unstructured = Set(t.remittance_unstructured.clone());
                    am.remittance_structured = Set(t.remittance_structured.clone());
                    am.counterparty_name = Set(t.counterparty_name.clone());
                    am.entry_reference = Set(t.entry_reference.clone());
                    am.raw_json = Set(t.raw_json.to_string());
                    Entity::update(am).exec(&txn).await?;
                    counts.updated += 1;
                }
                Some(_) => counts.skipped += 1,
                None => {
                    if t.status == BookingStatus::Booked {
                        new_booked.push((t, key.clone()));
                    }
                    new_rows.push(transaction::ActiveModel {
                        account_id: Set(account_id),
                        dedupe_key: Set(key.clone()),
                        bank_transaction_id: Set(t.bank_transaction_id.clone()),
                        entry_reference: Set(t.entry_reference.clone()),
                        end_to_end_id: Set(t.end_to_end_id.clone()),
                        booking_date: Set(t.booking_date),
                        value_date: Set(t.value_date),
                        amount: Set(t.amount.to_string()),
                        currency: Set(t.currency.clone()),
                        counterparty_name: Set(t.counterparty_name.clone()),
                        counterparty_iban: Set(t.counterparty_iban.clone()),
                        remittance_unstructured: Set(t.remittance_unstructured.clone()),
                        remittance_structured: Set(t.remittance_structured.clone()),
                        bank_transaction_code: Set(t.bank_transaction_code.clone()),
                        status: Set(t.status.as_str().to_owned()),
                        superseded_by: Set(None),
                        raw_json: Set(t.raw_json.to_string()),
                        reconciliation_state: Set("unmatched".to_owned()),
                        imported_at: Set(now),
                        ..Default::default()
                    });
                }
            }
        }
        let candidates = new_rows.len() as u64;
        if candidates > 0 {
            // A concurrent import of the same page may have inserted some rows since we looked:
            // the unique index turns them into no-ops rather than errors (scenario 1).
            let inserted = match Entity::insert_many(new_rows)
                .on_conflict_do_nothing_on([Column::AccountId, Column::DedupeKey])
                .exec_without_returning(&txn)
                .await?
            {
                TryInsertResult::Inserted(n) => n,
                TryInsertResult::Empty | TryInsertResult::Conflicted => 0,
            };
            counts.inserted = inserted;
            counts.skipped += candidates - inserted;
        }
        counts.superseded = supersede_pending(&txn, account_id, &new_booked).await?;
        txn.commit().await?;
        Ok(counts)
    }

    /// The account's transactions, booked and pending (superseded ones left out), oldest first.
    pub async fn transactions(&self, account_id: i64) -> Result<Vec<transaction::Model>, Error> {
        use sea_orm::QueryOrder as _;
        Ok(Entity::find()
            .filter(Column::AccountId.eq(account_id))
            .filter(Column::Status.ne("superseded"))
            .order_by_asc(Column::BookingDate)
            .order_by_asc(Column::Id)
            .all(&self.conn)
            .await?)
    }
}

/// A stored pending entry, as the supersede step compares it.
#[derive(Debug, Clone)]
pub(crate) struct PendingRow {
    pub(crate) id: i64,
    /// `None` when the stored text is not a decimal: such a row is never matched.
    pub(crate) amount: Option<Decimal>,
    pub(crate) currency: String,
    pub(crate) counterparty_iban: Option<String>,
    pub(crate) counterparty_name: Option<String>,
    pub(crate) date: Option<Date>,
}

impl From<&transaction::Model> for PendingRow {
    fn from(p: &transaction::Model) -> Self {
        Self {
            id: p.id,
            amount: parse_amount(&p.amount).ok(),
            currency: p.currency.clone(),
            counterparty_iban: p.counterparty_iban.clone(),
            counterparty_name: p.counterparty_name.clone(),
            date: p.value_date.or(p.booking_date),
        }
    }
}

/// Which pending rows the newly booked ones (with their new ids) replace: same amount and
/// currency, same counterparty ([`same_counterparty`]), value dates at most five days apart. Bookings
/// are taken in page order, each pending row is used once. Returns `(pending id, booked id)`.
pub(crate) fn pick_superseded(
    booked: &[(&NewTransaction, i64)],
    pending: &[PendingRow],
) -> Vec<(i64, i64)> {
    let mut used = std::collections::HashSet::new();
    let mut pairs = Vec::new();
    for (t, booked_id) in booked {
        let date = t.value_date.or(t.booking_date);
        let candidate = pending.iter().find(|p| {
            !used.contains(&p.id)
                && p.amount == Some(t.amount)
                && p.currency == t.currency
                && same_counterparty(p, t)
                && match (p.date, date) {
                    (Some(a), Some(b)) => (a - b).whole_days().abs() <= 5,
                    _ => false,
                }
        });
        if let Some(p) = candidate {
            used.insert(p.id);
            pairs.push((p.id, *booked_id));
        }
    }
    pairs
}

/// Same IBAN, or same name (case and surrounding spaces aside), or no counterparty on either
/// side. Two absent IBANs say nothing: card payments carry none, and a pending -4.50 at one shop
/// must not be retired by the booking of -4.50 at another.
fn same_counterparty(p: &PendingRow, t: &NewTransaction) -> bool {
    fn given(s: Option<&String>) -> Option<&str> {
        s.map(|s| s.trim()).filter(|s| !s.is_empty())
    }
    let (pi, ti) = (
        given(p.counterparty_iban.as_ref()),
        given(t.counterparty_iban.as_ref()),
    );
    let (pn, tn) = (
        given(p.counterparty_name.as_ref()),
        given(t.counterparty_name.as_ref()),
    );
    match ((pi, ti), (pn, tn)) {
        ((Some(a), Some(b)), _) if a.eq_ignore_ascii_case(b) => true,
        (_, (Some(a), Some(b))) => a.to_lowercase() == b.to_lowercase(),
        ((None, None), (None, None)) => true,
        _ => false,
    }
}

/// Marks pending rows replaced by newly booked ones (see [`pick_superseded`]), inside the
/// caller's transaction; `booked` carries each new row's dedupe key.
async fn supersede_pending<C: sea_orm::ConnectionTrait>(
    db: &C,
    account_id: i64,
    booked: &[(&NewTransaction, String)],
) -> Result<u64, Error> {
    if booked.is_empty() {
        return Ok(0);
    }
    let pending: Vec<PendingRow> = Entity::find()
        .filter(Column::AccountId.eq(account_id))
        .filter(Column::Status.eq("pending"))
        .all(db)
        .await?
        .iter()
        .map(PendingRow::from)
        .collect();
    if pending.is_empty() {
        return Ok(0);
    }
    let keys: Vec<String> = booked.iter().map(|(_, k)| k.clone()).collect();
    let ids: HashMap<String, i64> = Entity::find()
        .filter(Column::AccountId.eq(account_id))
        .filter(Column::DedupeKey.is_in(keys))
        .all(db)
        .await?
        .into_iter()
        .map(|m| (m.dedupe_key, m.id))
        .collect();
    let with_ids: Vec<(&NewTransaction, i64)> = booked
        .iter()
        .filter_map(|(t, k)| ids.get(k).map(|id| (*t, *id)))
        .collect();
    let pairs = pick_superseded(&with_ids, &pending);
    for (pending_id, booked_id) in &pairs {
        Entity::update_many()
            .col_expr(Column::Status, Expr::value("superseded"))
            .col_expr(Column::SupersededBy, Expr::value(*booked_id))
            .filter(Column::Id.eq(*pending_id))
            .exec(db)
            .await?;
    }
    Ok(pairs.len() as u64)
}

/// Which transactions to list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TransactionFilter {
    /// Only this account.
    pub account_id: Option<i64>,
    /// Booked (or valued) on or after.
    pub from: Option<Date>,
    /// Booked (or valued) on or before.
    pub to: Option<Date>,
    /// `booked` or `pending`.
    pub status: Option<String>,
    /// `unmatched`, `suggested` or `matched`.
    pub reconciliation_state: Option<String>,
    /// Page size (at most 500).
    pub limit: u64,
    /// Rows to skip.
    pub offset: u64,
}

impl Database {
    /// A page of transactions (superseded pending rows left out), newest first, with the total
    /// number that match the filter.
    pub async fn list_transactions(
        &self,
        f: &TransactionFilter,
    ) -> Result<(Vec<transaction::Model>, u64), Error> {
        use sea_orm::{PaginatorTrait as _, QueryOrder as _, QuerySelect as _};
        let mut q = Entity::find().filter(Column::Status.ne("superseded"));
        if let Some(a) = f.account_id {
            q = q.filter(Column::AccountId.eq(a));
        }
        if let Some(d) = f.from {
            q = q.filter(Column::BookingDate.gte(d));
        }
        if let Some(d) = f.to {
            q = q.filter(Column::BookingDate.lte(d));
        }
        if let Some(s) = &f.status {
            q = q.filter(Column::Status.eq(s.clone()));
        }
        if let Some(s) = &f.reconciliation_state {
            q = q.filter(Column::ReconciliationState.eq(s.clone()));
        }
        let total = q.clone().count(&self.conn).await?;
        let rows = q
            .order_by_desc(Column::BookingDate)
            .order_by_desc(Column::Id)
            .limit(f.limit.clamp(1, 500))
            .offset(f.offset)
            .all(&self.conn)
            .await?;
        Ok((rows, total))
    }

    /// One transaction.
    pub async fn transaction(&self, id: i64) -> Result<Option<transaction::Model>, Error> {
        Ok(Entity::find_by_id(id).one(&self.conn).await?)
    }

    /// Booked transactions not yet matched (the matcher's input), optionally of one account.
    pub async fn unmatched_transactions(
        &self,
        account_id: Option<i64>,
    ) -> Result<Vec<transaction::Model>, Error> {
        let mut q = Entity::find()
            .filter(Column::Status.eq("booked"))
            .filter(Column::ReconciliationState.ne("matched"));
        if let Some(a) = account_id {
            q = q.filter(Column::AccountId.eq(a));
        }
        Ok(q.all(&self.conn).await?)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use time::macros::date;

    fn booked(amount: &str, day: Date, name: &str) -> NewTransaction {
        NewTransaction {
            bank_transaction_id: None,
            entry_reference: None,
            end_to_end_id: None,
            booking_date: Some(day),
            value_date: Some(day),
            amount: amount.parse().unwrap(),
            currency: "EUR".into(),
            counterparty_name: Some(name.into()),
            counterparty_iban: None,
            remittance_unstructured: None,
            remittance_structured: None,
            bank_transaction_code: None,
            status: BookingStatus::Booked,
            raw_json: serde_json::Value::Null,
        }
    }

    fn pending(id: i64, amount: Option<&str>, day: Date, name: &str) -> PendingRow {
        PendingRow {
            id,
            amount: amount.map(|a| a.parse().unwrap()),
            currency: "EUR".into(),
            counterparty_iban: None,
            counterparty_name: Some(name.into()),
            date: Some(day),
        }
    }

    #[test]
    fn two_identical_card_payments_each_retire_their_own_pending_entry() {
        let b = booked("-4.50", date!(2026 - 11 - 21), "Bakkerij");
        let pend = [
            pending(1, Some("-4.5"), date!(2026 - 11 - 20), "Bakkerij"),
            pending(2, Some("-4.50"), date!(2026 - 11 - 20), "Bakkerij"),
        ];
        assert_eq!(
            pick_superseded(&[(&b, 10), (&b, 11)], &pend),
            vec![(1, 10), (2, 11)]
        );
        // A third booking finds no pending entry left.
        assert_eq!(
            pick_superseded(&[(&b, 10), (&b, 11), (&b, 12)], &pend).len(),
            2
        );
    }

    #[test]
    fn other_amount_currency_counterparty_date_or_unreadable_amount_is_left_alone() {
        let b = booked("-4.50", date!(2026 - 11 - 21), "Bakkerij");
        let mut other_currency = pending(3, Some("-4.50"), date!(2026 - 11 - 20), "Bakkerij");
        other_currency.currency = "USD".into();
        let pend = [
            pending(1, Some("-4.51"), date!(2026 - 11 - 20), "Bakkerij"),
            pending(2, Some("-4.50"), date!(2026 - 11 - 20), "Slagerij"),
            other_currency,
            pending(4, Some("-4.50"), date!(2026 - 11 - 15), "Bakkerij"),
            pending(5, None, date!(2026 - 11 - 20), "Bakkerij"),
        ];
        assert!(pick_superseded(&[(&b, 10)], &pend).is_empty());
        // Five days apart still counts.
        let near = [pending(6, Some("-4.50"), date!(2026 - 11 - 16), "Bakkerij")];
        assert_eq!(pick_superseded(&[(&b, 10)], &near), vec![(6, 10)]);
    }
}
