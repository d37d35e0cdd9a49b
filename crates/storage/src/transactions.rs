//! Importing pages of bank transactions: one database transaction per page, idempotent.
//!
//! Each transaction gets a dedupe key, unique per account: `id:<transactionId>` when the bank
//! gives a usable id, else `fp:<fingerprint of the stable fields>:<ordinal>` — the ordinal counts
//! identical entries within the page, so two genuinely identical payments on one day are both
//! kept while fetching the same page again inserts nothing. A
//! known key whose content changed is updated in place. A booked entry supersedes
//! the pending entry it replaces instead of counting twice.
//!
//! # Which pending entry a booking replaces
//!
//! Banks book card payments with a new `transactionId` and often another amount than they held
//! (fuel, hotels, tips), so equal amounts are not enough. One pure function, `pick_superseded`,
//! decides for both engines:
//!
//! 1. The bank's linking data when present: a pending and a booked entry with the same usable
//!    `entryReference`, or the same usable `endToEndId` (not `NOTPROVIDED`), pair whatever
//!    their amounts and dates.
//! 2. Else all of: same currency, same sign, same counterparty (same IBAN, or same name; two
//!    entries with neither pair only at the exact amount), the booking dated from the day before
//!    the pending entry to seven days after it, and |booked − pending| ≤ max(20% of |pending|,
//!    1.00). Among several candidates the exact amount wins, then the smallest difference, then
//!    the nearest date, then the lowest id.
//!
//! Bookings are taken in page order; each pending row is used once. A superseded row is kept
//! (`status = superseded`, `superseded_by` = the booking) and left out of listings and totals.
//!
//! # Holds that never book
//!
//! A card hold that is released is simply no longer listed. After a complete sync of a window,
//! [`Database::expire_unseen_pending`] marks the stored pending rows of that window the bank did
//! not return as `expired`: kept, but left out wherever superseded rows are. If the bank lists
//! such an entry again, the import makes it `pending` again.
//!
//! # Amounts the bank changes after a match
//!
//! A known row whose amount the bank changed, and which has confirmed allocations, has them
//! re-opened for review in the same database transaction as the update (see
//! `matches::reopen_changed_amounts`): the invoices get their open amounts back and the
//! allocation says why. The import compares against the stored amount it replaces, so no extra
//! column is needed: whatever the amount was when the match was made, a change is seen by the
//! import that writes it.

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
use crate::matches::{AmountChange, reopen_changed_amounts};

/// Booked or pending, as the bank lists an entry; `Expired` only as the store sets it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BookingStatus {
    /// Booked.
    Booked,
    /// Pending.
    Pending,
    /// A pending entry the bank stopped listing (a card hold released): set by
    /// [`Database::expire_unseen_pending`], never by the bank, so [`Database::import_page`]
    /// refuses it. Kept, but left out of listings and totals like a superseded entry.
    Expired,
}

impl BookingStatus {
    /// The stored text: `booked`, `pending` or `expired`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Booked => "booked",
            Self::Pending => "pending",
            Self::Expired => "expired",
        }
    }
}

/// Stored statuses left out of listings, totals and the matcher's input: a pending entry
/// replaced by its booking, or one the bank stopped listing.
pub(crate) const NOT_LIVE: [&str; 2] = ["superseded", "expired"];

/// The status a known row takes when the bank lists it again as `incoming`: a pending or
/// expired row follows the bank (an expired hold listed again is pending again; a pending entry
/// booked under the same id is booked); a booked or superseded row stays as it is.
pub(crate) fn next_status(stored: &str, incoming: BookingStatus) -> &str {
    match stored {
        "pending" | "expired" => incoming.as_str(),
        other => other,
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
    /// Confirmed allocations sent back to review because the bank changed the amount of their
    /// transaction (see the module doc); their invoices are open again by what they allocated.
    pub reopened: u64,
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
        || row.status != next_status(&row.status, t.status)
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
        if page.iter().any(|t| t.status == BookingStatus::Expired) {
            return Err(Error::Invalid(
                "a page to import lists an entry as expired; only booked and pending entries \
                 come from the bank (expire_unseen_pending sets expired)"
                    .into(),
            ));
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
        let mut amount_changes = Vec::new();
        for (t, key) in page.iter().zip(&keys) {
            match existing.get(key) {
                Some(row) if changed(row, t) => {
                    let before = parse_amount(&row.amount)?;
                    if before != t.amount {
                        amount_changes.push(AmountChange {
                            transaction_id: row.id,
                            before,
                            after: t.amount,
                        });
                    }
                    let mut am: transaction::ActiveModel = row.clone().into();
                    am.status = Set(next_status(&row.status, t.status).to_owned());
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
            // the unique index turns them into no-ops rather than errors.
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
        counts.reopened = reopen_changed_amounts(&txn, false, &amount_changes, now).await?;
        txn.commit().await?;
        Ok(counts)
    }

    /// The account's transactions, booked and pending (superseded and expired ones left out),
    /// oldest first.
    pub async fn transactions(&self, account_id: i64) -> Result<Vec<transaction::Model>, Error> {
        use sea_orm::QueryOrder as _;
        Ok(Entity::find()
            .filter(Column::AccountId.eq(account_id))
            .filter(Column::Status.is_not_in(NOT_LIVE))
            .order_by_asc(Column::BookingDate)
            .order_by_asc(Column::Id)
            .all(&self.conn)
            .await?)
    }
}

impl Database {
    /// After a complete sync: stored rows the supersede step retired that the bank still lists
    /// as pending (their dedupe key is in `seen_pending_keys`) become `pending` again. The
    /// tolerance rule pairs a booking with a hold of the same counterparty and a similar
    /// amount; a bank that still lists the hold says the booking was another payment (two
    /// coffees at one café on consecutive days). Returns how many were restored.
    pub async fn restore_listed_pending(
        &self,
        account_id: i64,
        seen_pending_keys: &[String],
    ) -> Result<u64, Error> {
        if seen_pending_keys.is_empty() {
            return Ok(0);
        }
        let _writer = self.write_turn().await;
        let mut restored = 0;
        for keys in seen_pending_keys.chunks(500) {
            restored += Entity::update_many()
                .col_expr(Column::Status, Expr::value(BookingStatus::Pending.as_str()))
                .col_expr(Column::SupersededBy, Expr::value(Option::<i64>::None))
                .filter(Column::AccountId.eq(account_id))
                .filter(Column::Status.eq("superseded"))
                .filter(Column::DedupeKey.is_in(keys.iter().cloned()))
                .exec(&self.conn)
                .await?
                .rows_affected;
        }
        Ok(restored)
    }

    /// After a complete sync of `[from, to]`: the account's stored `pending` rows dated in that
    /// window (value date, else booking date) whose dedupe key is not in `seen_pending_keys`
    /// become `expired` — a released card hold the bank no longer lists would otherwise count
    /// forever. They are kept, and listed again as pending if the bank returns them.
    ///
    /// `seen_pending_keys` are the keys of every pending entry the bank returned in that sync,
    /// as [`dedupe_keys`] gives them for the page each arrived in. Call it only when every page
    /// of the window was fetched: after a partial sync the missing pages' holds would expire.
    /// Returns how many rows expired.
    pub async fn expire_unseen_pending(
        &self,
        account_id: i64,
        from: Date,
        to: Date,
        seen_pending_keys: &[String],
    ) -> Result<u64, Error> {
        if from > to {
            return Err(Error::Invalid(format!(
                "expiry window from {from} to {to} is empty; pass the synced window's first day \
                 as `from` and its last as `to`"
            )));
        }
        let seen: std::collections::HashSet<&str> =
            seen_pending_keys.iter().map(String::as_str).collect();
        let _writer = self.write_turn().await;
        let txn = self.conn.begin().await?;
        let in_window = sea_orm::Condition::any()
            .add(Column::ValueDate.between(from, to))
            .add(
                sea_orm::Condition::all()
                    .add(Column::ValueDate.is_null())
                    .add(Column::BookingDate.between(from, to)),
            );
        let unseen: Vec<i64> = Entity::find()
            .filter(Column::AccountId.eq(account_id))
            .filter(Column::Status.eq(BookingStatus::Pending.as_str()))
            .filter(in_window)
            .all(&txn)
            .await?
            .into_iter()
            .filter(|r| !seen.contains(r.dedupe_key.as_str()))
            .map(|r| r.id)
            .collect();
        let mut expired = 0;
        // Bounded lists of ids: SQLite and PostgreSQL both limit a statement's parameters.
        for ids in unseen.chunks(500) {
            expired += Entity::update_many()
                .col_expr(Column::Status, Expr::value(BookingStatus::Expired.as_str()))
                .filter(Column::Id.is_in(ids.iter().copied()))
                .filter(Column::Status.eq(BookingStatus::Pending.as_str()))
                .exec(&txn)
                .await?
                .rows_affected;
        }
        txn.commit().await?;
        Ok(expired)
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
    pub(crate) entry_reference: Option<String>,
    pub(crate) end_to_end_id: Option<String>,
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
            entry_reference: p.entry_reference.clone(),
            end_to_end_id: p.end_to_end_id.clone(),
        }
    }
}

/// How far a booking's date may lie from its pending entry's: the day before (a value date
/// backdated to the purchase) to a week after (a card hold settled late).
const BOOKED_DAYS_BEFORE: i64 = 1;
const BOOKED_DAYS_AFTER: i64 = 7;

/// The largest change between a pending amount and its booking: 20% of the pending amount, at
/// least 1.00 (fuel, hotels and restaurants hold one amount and book another).
fn tolerance(pending: Decimal) -> Decimal {
    (pending.abs() * Decimal::new(2, 1)).max(Decimal::ONE)
}

/// Which pending rows the newly booked ones (with their new ids) replace — the rule in the
/// module doc, for both engines. Returns `(pending id, booked id)`; each pending row is used once.
pub(crate) fn pick_superseded(
    booked: &[(&NewTransaction, i64)],
    pending: &[PendingRow],
) -> Vec<(i64, i64)> {
    let mut used = std::collections::HashSet::new();
    let mut paired = vec![false; booked.len()];
    let mut pairs = Vec::new();
    // The bank's own linking data first, whatever the amounts: it is the bank saying so.
    for (i, (t, booked_id)) in booked.iter().enumerate() {
        let linked = pending
            .iter()
            .filter(|p| !used.contains(&p.id) && linked(p, t))
            .min_by_key(|p| p.id);
        if let Some(p) = linked {
            used.insert(p.id);
            paired[i] = true;
            pairs.push((p.id, *booked_id));
        }
    }
    for (i, (t, booked_id)) in booked.iter().enumerate() {
        if paired[i] {
            continue;
        }
        let best = pending
            .iter()
            .filter(|p| !used.contains(&p.id))
            .filter_map(|p| likeness(p, t).map(|rank| (rank, p.id)))
            .min();
        if let Some((_, id)) = best {
            used.insert(id);
            pairs.push((id, *booked_id));
        }
    }
    pairs
}

/// Same usable `entryReference` or same usable `endToEndId` on both sides.
fn linked(p: &PendingRow, t: &NewTransaction) -> bool {
    let same = |a: Option<&String>, b: Option<&String>| match (
        usable_id(a.map(String::as_str)),
        usable_id(b.map(String::as_str)),
    ) {
        (Some(a), Some(b)) => a == b,
        _ => false,
    };
    same(p.entry_reference.as_ref(), t.entry_reference.as_ref())
        || same(p.end_to_end_id.as_ref(), t.end_to_end_id.as_ref())
}

/// How well a booking fits a pending row without linking data, as a sort key (smaller is
/// better: exact amount, then smallest difference, then nearest date, then lowest id), or
/// `None` when it does not fit at all.
fn likeness(p: &PendingRow, t: &NewTransaction) -> Option<(bool, Decimal, i64)> {
    let amount = p.amount?;
    let days = (t.booking_date.or(t.value_date)? - p.date?).whole_days();
    let difference = (t.amount - amount).abs();
    let fits = p.currency == t.currency
        && amount.cmp(&Decimal::ZERO) == t.amount.cmp(&Decimal::ZERO)
        && (-BOOKED_DAYS_BEFORE..=BOOKED_DAYS_AFTER).contains(&days)
        && difference <= tolerance(amount)
        && same_counterparty(p, t)
        // Nothing says who was paid on either side: only the exact amount ties them.
        && (difference.is_zero() || has_counterparty(p, t));
    fits.then_some((!difference.is_zero(), difference, days.abs()))
}

fn given(s: Option<&String>) -> Option<&str> {
    s.map(|s| s.trim()).filter(|s| !s.is_empty())
}

/// Whether either side names or identifies its counterparty.
fn has_counterparty(p: &PendingRow, t: &NewTransaction) -> bool {
    [
        &p.counterparty_iban,
        &p.counterparty_name,
        &t.counterparty_iban,
        &t.counterparty_name,
    ]
    .iter()
    .any(|s| given(s.as_ref()).is_some())
}

/// Same IBAN, or same name (case and surrounding spaces aside), or no counterparty on either
/// side. Two absent IBANs say nothing: card payments carry none, and a pending -4.50 at one shop
/// must not be retired by the booking of -4.50 at another.
fn same_counterparty(p: &PendingRow, t: &NewTransaction) -> bool {
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
    /// A page of transactions (superseded and expired pending rows left out), newest first, with the total
    /// number that match the filter.
    pub async fn list_transactions(
        &self,
        f: &TransactionFilter,
    ) -> Result<(Vec<transaction::Model>, u64), Error> {
        use sea_orm::{PaginatorTrait as _, QueryOrder as _, QuerySelect as _};
        let mut q = Entity::find().filter(Column::Status.is_not_in(NOT_LIVE));
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
            entry_reference: None,
            end_to_end_id: None,
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

    /// The ids `pick_superseded` pairs with one booking of `b`.
    fn picked(b: &NewTransaction, pend: &[PendingRow]) -> Vec<i64> {
        pick_superseded(&[(b, 10)], pend)
            .into_iter()
            .map(|(p, _)| p)
            .collect()
    }

    #[test]
    fn other_currency_sign_counterparty_date_or_unreadable_amount_is_left_alone() {
        let b = booked("-4.50", date!(2026 - 11 - 21), "Bakkerij");
        let mut other_currency = pending(3, Some("-4.50"), date!(2026 - 11 - 20), "Bakkerij");
        other_currency.currency = "USD".into();
        let pend = [
            pending(1, Some("4.50"), date!(2026 - 11 - 20), "Bakkerij"),
            pending(2, Some("-4.50"), date!(2026 - 11 - 20), "Slagerij"),
            other_currency,
            // Booked eight days after, or two days before, the pending entry.
            pending(4, Some("-4.50"), date!(2026 - 11 - 13), "Bakkerij"),
            pending(5, Some("-4.50"), date!(2026 - 11 - 23), "Bakkerij"),
            pending(6, None, date!(2026 - 11 - 20), "Bakkerij"),
        ];
        assert!(picked(&b, &pend).is_empty());
        // Seven days after and the day before still count.
        let week = [pending(7, Some("-4.50"), date!(2026 - 11 - 14), "Bakkerij")];
        assert_eq!(picked(&b, &week), [7]);
        let before = [pending(8, Some("-4.50"), date!(2026 - 11 - 22), "Bakkerij")];
        assert_eq!(picked(&b, &before), [8]);
    }

    #[test]
    fn a_changed_amount_pairs_within_20_percent_or_1_00() {
        let day = date!(2026 - 11 - 20);
        // 1.00 is the floor for small amounts: -4.50 books as -5.50, not -5.51.
        assert_eq!(
            picked(
                &booked("-5.50", day, "Bakkerij"),
                &[pending(1, Some("-4.50"), day, "Bakkerij")]
            ),
            [1]
        );
        assert!(
            picked(
                &booked("-5.51", day, "Bakkerij"),
                &[pending(1, Some("-4.50"), day, "Bakkerij")]
            )
            .is_empty()
        );
        // 20% above it: a -41.00 hold books as -45.10, or up to -49.20, not -49.21.
        assert_eq!(
            picked(
                &booked("-45.10", day, "Shell"),
                &[pending(2, Some("-41.00"), day, "Shell")]
            ),
            [2]
        );
        assert_eq!(
            picked(
                &booked("-49.20", day, "Shell"),
                &[pending(2, Some("-41.00"), day, "Shell")]
            ),
            [2]
        );
        assert!(
            picked(
                &booked("-49.21", day, "Shell"),
                &[pending(2, Some("-41.00"), day, "Shell")]
            )
            .is_empty()
        );
        assert_eq!(
            picked(
                &booked("-32.80", day, "Shell"),
                &[pending(2, Some("-41.00"), day, "Shell")]
            ),
            [2]
        );
        assert!(
            picked(
                &booked("-32.79", day, "Shell"),
                &[pending(2, Some("-41.00"), day, "Shell")]
            )
            .is_empty()
        );
    }

    #[test]
    fn entries_without_any_counterparty_pair_only_at_the_exact_amount() {
        let day = date!(2026 - 11 - 20);
        let mut b = booked("-45.10", day, "");
        b.counterparty_name = None;
        let mut p = pending(1, Some("-41.00"), day, "");
        p.counterparty_name = None;
        assert!(picked(&b, std::slice::from_ref(&p)).is_empty());
        p.amount = Some("-45.1".parse().unwrap());
        assert_eq!(picked(&b, &[p]), [1]);
    }

    #[test]
    fn the_exact_amount_then_the_smallest_difference_then_the_nearest_date_then_the_lowest_id_wins()
    {
        let b = booked("-45.10", date!(2026 - 11 - 22), "Shell");
        let at = |id, amount, day| pending(id, Some(amount), day, "Shell");
        let exact_but_far = at(1, "-45.10", date!(2026 - 11 - 16));
        let close = at(2, "-45.00", date!(2026 - 11 - 22));
        let closer_amount = at(3, "-45.05", date!(2026 - 11 - 17));
        assert_eq!(picked(&b, &[close.clone(), exact_but_far]), [1]);
        assert_eq!(picked(&b, &[close.clone(), closer_amount.clone()]), [3]);
        let same_amount_nearer = at(4, "-45.05", date!(2026 - 11 - 21));
        assert_eq!(
            picked(&b, &[closer_amount.clone(), same_amount_nearer]),
            [4]
        );
        let twin = at(5, "-45.05", date!(2026 - 11 - 17));
        assert_eq!(picked(&b, &[twin, closer_amount]), [3]);
    }

    #[test]
    fn the_banks_references_link_whatever_the_amount_but_notprovided_links_nothing() {
        let day = date!(2026 - 11 - 20);
        let mut b = booked("-130.00", date!(2026 - 12 - 20), "Krasnapolsky");
        b.entry_reference = Some("ER-7".into());
        let mut p = pending(1, Some("-100.00"), day, "Hotel");
        p.entry_reference = Some(" ER-7 ".into());
        // Linked beats a candidate that merely fits.
        let fits = pending(2, Some("-130.00"), date!(2026 - 12 - 19), "Krasnapolsky");
        assert_eq!(picked(&b, &[fits.clone(), p.clone()]), [1]);
        p.entry_reference = None;
        p.end_to_end_id = Some("E2E-1".into());
        b.end_to_end_id = Some("E2E-1".into());
        assert_eq!(picked(&b, std::slice::from_ref(&p)), [1]);
        p.end_to_end_id = Some("NOTPROVIDED".into());
        b.end_to_end_id = Some("notprovided".into());
        assert!(picked(&b, std::slice::from_ref(&p)).is_empty());
        // A linked pending entry is not handed to a second booking.
        p.entry_reference = Some("ER-7".into());
        assert_eq!(
            pick_superseded(&[(&b, 10), (&b, 11)], &[p, fits]),
            [(1, 10), (2, 11)]
        );
    }
}
