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
//! decides for both engines (`supersede.rs`):
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
//!
//! # Files
//!
//! `page.rs` holds what a page is and its dedupe keys, `supersede.rs` the pairing rule; the
//! engines, `sqlite.rs` and `postgres.rs`, use both and nothing uses them but
//! [`Database::import_page`] here, so the dependencies run one way.

mod page;
mod postgres;
mod sqlite;
mod supersede;

pub use page::{ImportCounts, NewTransaction, dedupe_keys};

use crate::db::Database;
use crate::error::Error;

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
        if let Some(t) = page.iter().find(|t| !t.status.from_bank()) {
            return Err(Error::Invalid(format!(
                "a page to import lists an entry as {}; only booked and pending entries \
                 come from the bank (the store sets superseded and expired)",
                t.status
            )));
        }
        // Keys from the page as the bank sent it, so a stored row keeps its key.
        let keys = dedupe_keys(page);
        let page = without_nul(page);
        if self.is_postgres() {
            postgres::import_page(self, account_id, &page, &keys).await
        } else {
            sqlite::import_page(self, account_id, &page, &keys).await
        }
    }
}

/// The page with every U+0000 in its texts replaced by U+FFFD (the replacement character).
/// PostgreSQL's text cannot hold U+0000, and one such character from the bank must not fail the
/// whole page on every sync; SQLite gets the same text so both stores agree. The character carries
/// no meaning in a name or a remittance text, and the bank's own JSON of the entry (`raw_json`)
/// keeps it, escaped, as received.
fn without_nul(page: &[NewTransaction]) -> std::borrow::Cow<'_, [NewTransaction]> {
    let has_nul = |t: &NewTransaction| {
        [
            t.bank_transaction_id.as_deref(),
            t.entry_reference.as_deref(),
            t.end_to_end_id.as_deref(),
            Some(t.currency.as_str()),
            t.counterparty_name.as_deref(),
            t.counterparty_iban.as_deref(),
            t.remittance_unstructured.as_deref(),
            t.remittance_structured.as_deref(),
            t.bank_transaction_code.as_deref(),
        ]
        .into_iter()
        .flatten()
        .any(|s| s.contains('\0'))
    };
    if !page.iter().any(has_nul) {
        return std::borrow::Cow::Borrowed(page);
    }
    tracing::warn!("the bank sent U+0000 in a text field; stored as U+FFFD");
    let clean = |s: &mut String| {
        if s.contains('\0') {
            *s = s.replace('\0', "\u{fffd}");
        }
    };
    let mut owned = page.to_vec();
    for t in &mut owned {
        for s in [
            &mut t.bank_transaction_id,
            &mut t.entry_reference,
            &mut t.end_to_end_id,
            &mut t.counterparty_name,
            &mut t.counterparty_iban,
            &mut t.remittance_unstructured,
            &mut t.remittance_structured,
            &mut t.bank_transaction_code,
        ]
        .into_iter()
        .flatten()
        {
            clean(s);
        }
        clean(&mut t.currency);
    }
    std::borrow::Cow::Owned(owned)
}
