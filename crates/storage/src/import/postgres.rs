//! The PostgreSQL import of one page: one statement writes the whole page.
//!
//! Select-then-insert cost five round trips and a 1,900-parameter `INSERT` planned afresh for
//! every page (7.5 ms a page, 10.8x `COPY`). Here the page travels as one JSON parameter that
//! `json_to_recordset` turns into rows server-side, and a single
//! `INSERT … ON CONFLICT … DO UPDATE … WHERE <changed> RETURNING` inserts new rows, updates
//! changed ones in place and leaves unchanged ones alone: the rows it returns say which was
//! which (`xmax = 0` marks a fresh insert). The statement is small and planned in microseconds,
//! whatever the page size, and it runs as its own transaction: one round trip a page.
//!
//! Two things need more than one statement, and the statement writes nothing when the page
//! might need either; the page is then written again inside a transaction that does them:
//!
//! - A booked row may replace a pending one (the supersede step, shared with SQLite): any page
//!   with a booked row while the page or the account's stored rows hold a pending one. Since a
//!   booking may differ from its hold in amount, date and id (see `supersede.rs`), nothing
//!   cheaper can rule a pairing out.
//! - A known row whose amount the bank changed may have confirmed allocations to re-open
//!   (`matches::reopen_changed_amounts`): any page that changes a stored amount. The re-opening
//!   then happens in the same transaction as the update, so a crash cannot leave a changed
//!   amount with its old allocation; and since the fast statement never changes an amount, no
//!   amount change ever escapes it.
//!
//! Pages without either — the bulk of a history import — keep the one-statement path.

use std::collections::{HashMap, HashSet};

use rust_decimal::Decimal;
use sea_orm::{ConnectionTrait as _, DatabaseBackend, QueryResult, Statement, Value};
use serde::Serialize;
use time::OffsetDateTime;

use super::page::{ImportCounts, NewTransaction};
use super::supersede::{PendingRow, pick_superseded};
use crate::db::Database;
use crate::error::Error;
use crate::matches::{AmountChange, reopen_changed_amounts};
use crate::money::Money;
use crate::state::BookingStatus;

/// One row as `json_to_recordset` reads it; `n` keeps page order for the ids.
#[derive(Serialize)]
struct Row<'a> {
    n: usize,
    dedupe_key: &'a str,
    bank_transaction_id: Option<&'a str>,
    entry_reference: Option<&'a str>,
    end_to_end_id: Option<&'a str>,
    booking_date: Option<String>,
    value_date: Option<String>,
    amount: String,
    currency: &'a str,
    counterparty_name: Option<&'a str>,
    counterparty_iban: Option<&'a str>,
    remittance_unstructured: Option<&'a str>,
    remittance_structured: Option<&'a str>,
    bank_transaction_code: Option<&'a str>,
    status: &'static str,
    raw_json: String,
}

/// The page as rows; `n` keeps page order for the ids.
const INPUT: &str = r#"
i AS (
    SELECT * FROM json_to_recordset($2::json) AS x(
        n integer, dedupe_key text, bank_transaction_id text, entry_reference text,
        end_to_end_id text, booking_date date, value_date date, amount text, currency text,
        counterparty_name text, counterparty_iban text, remittance_unstructured text,
        remittance_structured text, bank_transaction_code text, status text, raw_json text)
)"#;

/// Whether the page can be written without the transaction path (see the module doc): it brings
/// no booked row while a pending one is in the page or stored for the account, and it changes no
/// stored amount.
const GUARD: &str = r#"
g AS (
    SELECT NOT (
        (EXISTS (SELECT 1 FROM i WHERE status = 'booked')
         AND (EXISTS (SELECT 1 FROM i WHERE status = 'pending')
              OR EXISTS (SELECT 1 FROM transactions p
                          WHERE p.account_id = $1 AND p.status = 'pending')))
        OR EXISTS (SELECT 1 FROM transactions s JOIN i ON i.dedupe_key = s.dedupe_key
                    WHERE s.account_id = $1 AND s.amount::numeric <> i.amount::numeric)
    ) AS ok
)"#;

/// Inserts new rows, updates rows whose content the bank changed, leaves the rest; `{filter}`
/// is where the guard plugs in. The `WHERE` of `DO UPDATE` lists the same fields as
/// `sqlite::changed`, and the status follows `BookingStatus::relisted_as`.
const UPSERT: &str = r#"
up AS (
    INSERT INTO transactions AS t (
        account_id, dedupe_key, bank_transaction_id, entry_reference, end_to_end_id,
        booking_date, value_date, amount, currency, counterparty_name, counterparty_iban,
        remittance_unstructured, remittance_structured, bank_transaction_code, status,
        raw_json, reconciliation_state, imported_at)
    SELECT $1, dedupe_key, bank_transaction_id, entry_reference, end_to_end_id,
        booking_date, value_date, amount, currency, counterparty_name, counterparty_iban,
        remittance_unstructured, remittance_structured, bank_transaction_code, status,
        raw_json, 'unmatched', $3
    FROM i {filter} ORDER BY n
    ON CONFLICT (account_id, dedupe_key) DO UPDATE SET
        booking_date = EXCLUDED.booking_date,
        value_date = EXCLUDED.value_date,
        amount = EXCLUDED.amount,
        remittance_unstructured = EXCLUDED.remittance_unstructured,
        remittance_structured = EXCLUDED.remittance_structured,
        counterparty_name = EXCLUDED.counterparty_name,
        entry_reference = EXCLUDED.entry_reference,
        raw_json = EXCLUDED.raw_json,
        status = CASE WHEN t.status IN ('pending', 'expired') THEN EXCLUDED.status
                      ELSE t.status END
    WHERE (t.booking_date, t.value_date, t.amount, t.remittance_unstructured,
           t.remittance_structured, t.counterparty_name, t.entry_reference, t.status)
        IS DISTINCT FROM
          (EXCLUDED.booking_date, EXCLUDED.value_date, EXCLUDED.amount,
           EXCLUDED.remittance_unstructured, EXCLUDED.remittance_structured,
           EXCLUDED.counterparty_name, EXCLUDED.entry_reference,
           CASE WHEN t.status IN ('pending', 'expired') THEN EXCLUDED.status
                ELSE t.status END)
    RETURNING t.id, t.dedupe_key, (t.xmax = 0) AS inserted, t.status, t.amount
)"#;

/// One statement, its own transaction: writes the page when the guard allows, and always
/// returns at least one row so the caller learns `ok`. Two settings hold for this transaction
/// only (`set_config(…, true)`), evaluated with the result row, before the statement ends:
///
/// - `synchronous_commit` off: the commit does not wait for the WAL flush. A server crash may
///   lose the last few pages, never half a page, and the watermark — committed later,
///   synchronously, which flushes every earlier commit — has not moved past them, so the next
///   sync fetches them again and the import is idempotent.
/// - `plan_cache_mode` back to `auto` for the foreign-key checks, which PostgreSQL runs as
///   prepared queries when the statement ends, one per row: under the connection's
///   `force_custom_plan` (see `db.rs`) each of the 100 checks was planned again, which cost
///   more than the insert itself. This statement was already planned with its parameters.
static FAST: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    format!(
        "WITH {INPUT}, {GUARD}, {} SELECT g.ok, up.id, up.dedupe_key, up.inserted, \
         set_config('synchronous_commit', 'off', true) AS async_commit, \
         set_config('plan_cache_mode', 'auto', true) AS fk_check_plans \
         FROM g LEFT JOIN up ON true",
        UPSERT.replace("{filter}", "WHERE (SELECT ok FROM g)")
    )
});

/// The page inside a transaction that then runs the supersede and re-open steps. Besides the
/// written rows (with their new status, and for updated ones the amount they had before) it
/// returns the account's stored pending entries as they were before the statement (the caller
/// drops those the page updated; the page's own pending entries come from the written rows), so
/// the pairing needs no further query. Every part of one statement sees the same snapshot, so
/// `old` holds the amounts before the update. The same two settings as in [`FAST`] hold for
/// the transaction.
static FULL: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    format!(
        "WITH {INPUT}, \
         old AS (SELECT id, amount FROM transactions \
                 WHERE account_id = $1 AND dedupe_key IN (SELECT dedupe_key FROM i)), {}, \
         pend AS (SELECT id, amount, currency, counterparty_iban, counterparty_name, \
                         entry_reference, end_to_end_id, \
                         COALESCE(value_date, booking_date) AS day \
                  FROM transactions WHERE account_id = $1 AND status = 'pending') \
         SELECT false AS stored_pending, up.id, up.dedupe_key, up.inserted, \
                up.status::text AS status, old.amount::text AS amount, \
                up.amount::text AS new_amount, \
                NULL::text AS currency, NULL::text AS counterparty_iban, \
                NULL::text AS counterparty_name, NULL::text AS entry_reference, \
                NULL::text AS end_to_end_id, NULL::date AS day, \
                set_config('synchronous_commit', 'off', true) AS async_commit, \
                set_config('plan_cache_mode', 'auto', true) AS fk_check_plans \
         FROM up LEFT JOIN old ON old.id = up.id \
         UNION ALL \
         SELECT true, id, NULL, NULL, NULL, amount, NULL, currency, counterparty_iban, \
                counterparty_name, entry_reference, end_to_end_id, day, NULL, NULL \
         FROM pend",
        UPSERT.replace("{filter}", "")
    )
});

/// [`Database::import_page`] on PostgreSQL; `keys` are the page's dedupe keys, in order.
pub(super) async fn import_page(
    db: &Database,
    account_id: i64,
    page: &[NewTransaction],
    keys: &[String],
) -> Result<ImportCounts, Error> {
    let mut counts = ImportCounts::default();
    // `DO UPDATE` may not touch a row twice in one statement: a key repeated within the
    // page (the bank listing an id twice) is written once and counted as skipped.
    let mut seen: HashSet<&str> = HashSet::with_capacity(page.len());
    let mut kept = Vec::with_capacity(page.len());
    let mut rows = Vec::with_capacity(page.len());
    for (n, (t, key)) in page.iter().zip(keys).enumerate() {
        if !seen.insert(key.as_str()) {
            counts.skipped += 1;
            continue;
        }
        kept.push((t, key));
        rows.push(Row {
            n,
            dedupe_key: key,
            bank_transaction_id: t.bank_transaction_id.as_deref(),
            entry_reference: t.entry_reference.as_deref(),
            end_to_end_id: t.end_to_end_id.as_deref(),
            booking_date: t.booking_date.map(|d| d.to_string()),
            value_date: t.value_date.map(|d| d.to_string()),
            amount: t.amount.to_string(),
            currency: &t.currency,
            counterparty_name: t.counterparty_name.as_deref(),
            counterparty_iban: t.counterparty_iban.as_deref(),
            remittance_unstructured: t.remittance_unstructured.as_deref(),
            remittance_structured: t.remittance_structured.as_deref(),
            bank_transaction_code: t.bank_transaction_code.as_deref(),
            status: t.status.as_str(),
            raw_json: t.raw_json.to_string(),
        });
    }
    let json = serde_json::to_string(&rows)
        .map_err(|e| Error::Invalid(format!("page cannot be encoded as JSON: {e}")))?;
    let written = rows.len() as u64;
    drop(rows);
    let values = [
        Value::BigInt(Some(account_id)),
        Value::String(Some(json)),
        OffsetDateTime::now_utc().into(),
    ];
    let stmt =
        |sql: &str| Statement::from_sql_and_values(DatabaseBackend::Postgres, sql, values.clone());
    let returned = db.conn.query_all_raw(stmt(&FAST)).await?;
    if written_rows(&returned, &mut counts)? {
        counts.skipped += written.saturating_sub(counts.inserted + counts.updated);
        return Ok(counts);
    }
    // Write, supersede and re-open in one transaction.
    let now = OffsetDateTime::now_utc();
    let txn = db.begin_write().await?;
    let returned = txn.query_all_raw(stmt(&FULL)).await?;
    let full = full_rows(&returned, &mut counts)?;
    counts.skipped += written.saturating_sub(counts.inserted + counts.updated);
    // Stored pending rows the page updated are taken as they are now, from the page.
    let mut pending: Vec<PendingRow> = full
        .stored_pending
        .into_iter()
        .filter(|p| !full.updated.contains_key(&p.id))
        .collect();
    let mut booked = Vec::new();
    let mut amount_changes = Vec::new();
    for (t, key) in kept {
        let page_pending = |id| PendingRow {
            id,
            amount: t.amount,
            currency: t.currency.clone(),
            counterparty_iban: t.counterparty_iban.clone(),
            counterparty_name: t.counterparty_name.clone(),
            date: t.value_date.or(t.booking_date),
            entry_reference: t.entry_reference.clone(),
            end_to_end_id: t.end_to_end_id.clone(),
        };
        if let Some(&id) = full.inserted.get(key.as_str()) {
            match t.status {
                BookingStatus::Booked => booked.push((t, id)),
                BookingStatus::Pending => pending.push(page_pending(id)),
                // Refused by `import_page` before it gets here.
                BookingStatus::Superseded | BookingStatus::Expired => {}
            }
        } else if let Some(&id) = full.updated_ids.get(key.as_str())
            && let Some(u) = full.updated.get(&id)
        {
            if u.status == BookingStatus::Pending {
                pending.push(page_pending(id));
            }
            if let Some(before) = u.before
                && before != u.after
            {
                amount_changes.push(AmountChange {
                    transaction_id: id,
                    before,
                    after: u.after,
                });
            }
        }
    }
    let pairs = pick_superseded(&booked, &pending);
    if !pairs.is_empty() {
        // Ids are integers, written into the text: one unprepared statement, planned
        // afresh, whatever the transaction's plan cache mode.
        let cases: String = pairs
            .iter()
            .map(|(p, b)| format!(" WHEN {p} THEN {b}"))
            .collect();
        let ids: Vec<String> = pairs.iter().map(|(p, _)| p.to_string()).collect();
        txn.execute_unprepared(&format!(
            "UPDATE transactions SET status = 'superseded', superseded_by = CASE id{cases} END \
             WHERE id IN ({})",
            ids.join(", ")
        ))
        .await?;
    }
    counts.superseded = pairs.len() as u64;
    counts.reopened = reopen_changed_amounts(&txn, true, &amount_changes, now).await?;
    txn.commit().await?;
    Ok(counts)
}

/// Counts the fast statement's rows; `false` when the guard refused the page (nothing written).
fn written_rows(rows: &[QueryResult], counts: &mut ImportCounts) -> Result<bool, Error> {
    let ok = match rows.first() {
        Some(r) => r.try_get::<bool>("", "ok")?,
        None => {
            return Err(Error::Corrupt(
                "the import statement returned no row".into(),
            ));
        }
    };
    if ok {
        for r in rows {
            match r.try_get::<Option<bool>>("", "inserted")? {
                Some(true) => counts.inserted += 1,
                Some(false) => counts.updated += 1,
                None => {} // the guard's row when nothing was written
            }
        }
    }
    Ok(ok)
}

/// A row the full statement updated.
struct Updated {
    /// Its status after the update.
    status: BookingStatus,
    /// Its amount before the update (`None` if the row was not there before, which an update
    /// rules out).
    before: Option<Decimal>,
    /// Its amount now.
    after: Decimal,
}

/// What the full statement returned.
struct FullRows {
    /// Inserted rows' ids by dedupe key.
    inserted: HashMap<String, i64>,
    /// Updated rows' ids by dedupe key.
    updated_ids: HashMap<String, i64>,
    /// Updated rows by id.
    updated: HashMap<i64, Updated>,
    /// The account's pending rows as they were before the statement.
    stored_pending: Vec<PendingRow>,
}

/// Reads the full statement's rows and counts the written ones.
fn full_rows(rows: &[QueryResult], counts: &mut ImportCounts) -> Result<FullRows, Error> {
    let mut out = FullRows {
        inserted: HashMap::new(),
        updated_ids: HashMap::new(),
        updated: HashMap::new(),
        stored_pending: Vec::new(),
    };
    for r in rows {
        let id: i64 = r.try_get("", "id")?;
        if r.try_get::<bool>("", "stored_pending")? {
            out.stored_pending.push(PendingRow {
                id,
                amount: r.try_get::<Money>("", "amount")?.decimal(),
                currency: r.try_get("", "currency")?,
                counterparty_iban: r.try_get("", "counterparty_iban")?,
                counterparty_name: r.try_get("", "counterparty_name")?,
                date: r.try_get("", "day")?,
                entry_reference: r.try_get("", "entry_reference")?,
                end_to_end_id: r.try_get("", "end_to_end_id")?,
            });
        } else if r.try_get::<bool>("", "inserted")? {
            counts.inserted += 1;
            out.inserted.insert(r.try_get("", "dedupe_key")?, id);
        } else {
            counts.updated += 1;
            let before: Option<Money> = r.try_get("", "amount")?;
            let after: Money = r.try_get("", "new_amount")?;
            out.updated_ids.insert(r.try_get("", "dedupe_key")?, id);
            out.updated.insert(
                id,
                Updated {
                    status: r.try_get("", "status")?,
                    before: before.map(Money::decimal),
                    after: after.decimal(),
                },
            );
        }
    }
    Ok(out)
}
