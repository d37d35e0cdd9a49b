//! Transaction sync: every page of a window, each written in one database transaction before
//! the next is fetched; the run recorded, the watermark advanced only when all of it committed.
//!
//! A long range is fetched in windows, oldest first, each its own run that commits its
//! watermark, so an unattended backfill that meets the end of the daily allowance keeps what it
//! fetched and the next day continues where it stopped (ING serves pages newest first: without
//! windows every day would fetch the same newest pages again). Every request sent to ING —
//! answered, refused or retried — is recorded against the account, and unattended requests are
//! capped by the allowance left.

use std::net::IpAddr;

use futures::StreamExt as _;
use ing_psd2::{RequestCounter, RequestOptions, TransactionQuery};
use storage::{BookingStatus, MatchMethod, NewTransaction, SyncFinish, SyncOutcome, SyncTrigger};
use time::{Date, Duration, OffsetDateTime};
use tokio_util::sync::CancellationToken;

use crate::error::SyncError;
use crate::service::BankSync;

/// What to sync.
#[derive(Debug, Clone)]
pub struct TransactionSync {
    /// Our account id.
    pub account_id: i64,
    /// First booking date.
    pub date_from: Date,
    /// Last booking date.
    pub date_to: Date,
    /// Run the matcher on what is unmatched afterwards.
    pub auto_reconcile: bool,
    /// User or worker.
    pub trigger: SyncTrigger,
    /// The address of the person who is present and asked for this sync (the banking page, or
    /// an API caller passing the person's address). Only then is `PSU-IP-Address` sent and the
    /// requests are not counted against the unattended allowance; `None` is unattended.
    pub psu_ip: Option<IpAddr>,
    /// Checked before each page: a shutdown lets the page in flight finish and stops there.
    pub stop: Option<CancellationToken>,
}

/// What a sync did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SyncReport {
    /// Entries ING returned (booked and pending).
    pub fetched: u64,
    /// New rows.
    pub imported: u64,
    /// Known rows, unchanged.
    pub skipped: u64,
    /// Known rows the bank changed, updated in place.
    pub updated: u64,
    /// Pending rows replaced by their booking.
    pub superseded: u64,
    /// Transactions matched automatically.
    pub auto_reconciled: u64,
    /// Transactions with suggestions for review.
    pub suggested: u64,
    /// Pages fetched.
    pub pages: u64,
    /// Requests sent to ING (pages, retries and refused requests alike).
    pub requests: u64,
    /// Windows completed (each its own run with its watermark).
    pub windows: u64,
    /// Stored pending entries the bank no longer returns, marked expired.
    pub expired: u64,
    /// The last sync run's id.
    pub run_id: i64,
}

/// Maps one of ING's entries to what we store: signed amount, counterparty from the right side.
pub fn to_new_transaction(
    t: &ais_model::Transaction,
    status: BookingStatus,
) -> Result<NewTransaction, SyncError> {
    let amount = t.amount().ok_or_else(|| {
        SyncError::Bank(format!(
            "transaction {} has no transactionAmount",
            t.transaction_id.as_deref().unwrap_or("(without id)")
        ))
    })?;
    let currency = t.currency().unwrap_or("EUR").to_owned();
    let party = t.counterparty();
    let raw_json = serde_json::to_value(t)
        .map_err(|e| SyncError::Internal(format!("cannot keep the raw transaction: {e}")))?;
    Ok(NewTransaction {
        bank_transaction_id: t.transaction_id.clone(),
        entry_reference: t.entry_reference.clone(),
        end_to_end_id: t.end_to_end_id().map(str::to_owned),
        booking_date: t.booking_date,
        value_date: t.value_date,
        amount,
        currency,
        counterparty_name: party.name.map(str::to_owned),
        counterparty_iban: party.account.and_then(|a| a.iban.clone()),
        remittance_unstructured: t.remittance_text(),
        remittance_structured: t
            .remittance_information_structured
            .as_ref()
            .and_then(|s| s.reference.clone()),
        bank_transaction_code: t.bank_transaction_code.clone(),
        status,
        raw_json,
    })
}

/// The PSD2 connection that feeds `account`; an account fed by statement files has none to sync.
fn connection_of(account: &storage::entity::account::Model) -> Result<&str, SyncError> {
    account.connection_id.as_deref().ok_or_else(|| {
        SyncError::BadRequest(format!(
            "account {} is fed by statement files, not by a bank connection: import its \
             statement files instead of syncing it",
            account.id
        ))
    })
}

fn page_rows(report: &ais_model::TransactionReport) -> Result<Vec<NewTransaction>, SyncError> {
    let lists = &report.transactions;
    lists
        .booked
        .iter()
        .map(|t| to_new_transaction(t, BookingStatus::Booked))
        .chain(
            lists
                .pending
                .iter()
                .map(|t| to_new_transaction(t, BookingStatus::Pending)),
        )
        .collect()
}

/// Splits `[from, to]` into windows of `days` days, oldest first.
pub(crate) fn windows(from: Date, to: Date, days: i64) -> Vec<(Date, Date)> {
    let days = days.max(1);
    let mut out = Vec::new();
    let mut start = from;
    while start <= to {
        let end = (start + Duration::days(days - 1)).min(to);
        out.push((start, end));
        match end.next_day() {
            Some(next) => start = next,
            None => break,
        }
    }
    out
}

/// The outcome stored for a run that ended in `error`, and when to try again.
fn outcome_of(error: &SyncError, now: OffsetDateTime) -> (SyncOutcome, Option<OffsetDateTime>) {
    match error {
        SyncError::RateLimited { retry_after, .. } => (
            SyncOutcome::RateLimited,
            // Without `Retry-After`, an hour: never a storm of retries.
            Some(
                now + retry_after.map_or(Duration::hours(1), |d| {
                    Duration::seconds(i64::try_from(d.as_secs()).unwrap_or(i64::MAX / 2))
                }),
            ),
        ),
        SyncError::ConsentExpired(_) => (SyncOutcome::ConsentExpired, None),
        SyncError::BudgetExhausted { .. } => (SyncOutcome::RateLimited, None),
        _ => (SyncOutcome::Failed, None),
    }
}

impl BankSync {
    /// Syncs one account's range. Each window's run is recorded whatever happens; pages
    /// committed before a failure stay, and the watermark moves per completed window.
    ///
    /// A sync a person started (`trigger` [`SyncTrigger::User`]) runs alone: a second one for the
    /// same account while it runs is refused with [`SyncError::Busy`], and one sooner than
    /// [`crate::Policy::user_sync_min_interval`] after the last with [`SyncError::TooSoon`].
    /// The worker's syncs run under the lease its pass took.
    pub async fn sync_transactions(&self, req: &TransactionSync) -> Result<SyncReport, SyncError> {
        if req.date_from > req.date_to {
            return Err(SyncError::BadRequest(format!(
                "date_from {} is after date_to {}",
                req.date_from, req.date_to
            )));
        }
        let account = self
            .db
            .account(req.account_id)
            .await?
            .ok_or_else(|| SyncError::NotFound(format!("account {}", req.account_id)))?;
        let connection = self
            .db
            .find_connection(connection_of(&account)?)
            .await?
            .ok_or_else(|| SyncError::NotFound(format!("connection of account {}", account.id)))?;
        if !connection.status.may_sync() {
            return Err(SyncError::ConsentExpired(format!(
                "the connection is {}; reconnect the bank",
                connection.status
            )));
        }
        let mut report = match req.trigger {
            SyncTrigger::Worker => self.sync_windows(req, &account).await?,
            SyncTrigger::User => {
                self.user_sync_turn(account.id).await?;
                // The lease is renewed as the worker renews its own, however long the sync.
                let renewal = tokio::spawn(self.clone().keep_lease(
                    account.id,
                    user_lease_owner(account.id),
                    USER_LEASE,
                    CancellationToken::new(),
                ));
                let result = self.sync_windows(req, &account).await;
                renewal.abort();
                self.end_user_sync(account.id).await;
                result?
            }
        };
        if req.auto_reconcile {
            let r = self
                .reconcile(Some(account.id), MatchMethod::Auto.as_str())
                .await?;
            report.auto_reconciled = r.auto_matched;
            report.suggested = r.suggested;
        }
        tracing::info!(
            account = account.id,
            run = report.run_id,
            fetched = report.fetched,
            imported = report.imported,
            skipped = report.skipped,
            updated = report.updated,
            expired = report.expired,
            pages = report.pages,
            requests = report.requests,
            "transactions synced"
        );
        Ok(report)
    }

    /// A sync for a person who is present (`psu_ip` is their address): everything since the
    /// watermark minus ten days (late and back-dated bookings), or — for an account never synced, right after the consent — the
    /// whole history ING serves ([`crate::Policy::history_days`]), which an unattended worker
    /// could only fetch over many days of allowance.
    pub async fn sync_for_person(
        &self,
        account_id: i64,
        psu_ip: IpAddr,
        auto_reconcile: bool,
    ) -> Result<SyncReport, SyncError> {
        let today = self.now().date();
        let from = self
            .db
            .sync_state(account_id)
            .await?
            .and_then(|s| s.watermark)
            .map_or(today - Duration::days(self.policy.history_days), |w| {
                w - Duration::days(10)
            });
        self.sync_transactions(&TransactionSync {
            account_id,
            date_from: from.min(today),
            date_to: today,
            auto_reconcile,
            trigger: SyncTrigger::User,
            psu_ip: Some(psu_ip),
            stop: None,
        })
        .await
    }

    /// The windows of a range, oldest first. One window when the allowance cannot run out: for
    /// a present person, or when the allowance left pays at least two pages for every
    /// [`crate::Policy::backfill_window_days`] of the range. Otherwise windows of that size —
    /// halved for as long as the last unattended run of the same start ran out of allowance
    /// before its end, down to one day.
    async fn plan(
        &self,
        req: &TransactionSync,
        account_id: i64,
    ) -> Result<Vec<(Date, Date)>, SyncError> {
        let whole = vec![(req.date_from, req.date_to)];
        if req.psu_ip.is_some() {
            return Ok(whole);
        }
        let mut days = self.policy.backfill_window_days.max(1);
        let mut shrunk = false;
        if let Some(last) = self.db.sync_runs(account_id, 1).await?.first()
            && last.outcome == SyncOutcome::RateLimited
            && last.window_from == Some(req.date_from)
            && last.ing_calls > 0
            && let (Some(a), Some(b)) = (last.window_from, last.window_to)
        {
            let tried = (b - a).whole_days() + 1;
            days = days.min((tried / 2).max(1));
            shrunk = true;
        }
        let split = windows(req.date_from, req.date_to, days);
        let left = self.allowance_left(account_id).await?;
        if !shrunk && left >= 2 * split.len() as u64 {
            return Ok(whole);
        }
        Ok(split)
    }

    async fn sync_windows(
        &self,
        req: &TransactionSync,
        account: &storage::entity::account::Model,
    ) -> Result<SyncReport, SyncError> {
        let mut report = SyncReport::default();
        for (from, to) in self.plan(req, account.id).await? {
            if req
                .stop
                .as_ref()
                .is_some_and(CancellationToken::is_cancelled)
            {
                return Err(SyncError::Stopped);
            }
            self.sync_window(req, account, from, to, &mut report)
                .await?;
            report.windows += 1;
        }
        Ok(report)
    }

    /// One window: its own run; on success the watermark moves to its end when everything
    /// before it is already complete.
    async fn sync_window(
        &self,
        req: &TransactionSync,
        account: &storage::entity::account::Model,
        from: Date,
        to: Date,
        report: &mut SyncReport,
    ) -> Result<(), SyncError> {
        let run_id = self
            .db
            .start_sync_run(account.id, req.trigger, Some(from), Some(to), self.now())
            .await?;
        report.run_id = run_id;
        let mut window = SyncReport::default();
        let result = self
            .fetch_and_import(req, account, from, to, &mut window)
            .await;
        let now = self.now();
        let today = now.date();
        let contiguous = self
            .db
            .sync_state(account.id)
            .await?
            .and_then(|s| s.watermark)
            .is_none_or(|w| w.next_day().is_none_or(|n| from <= n));
        let (outcome, next_attempt_at) = match &result {
            Ok(()) => (SyncOutcome::Succeeded, None),
            Err(e) => outcome_of(e, now),
        };
        self.db
            .finish_sync_run(
                run_id,
                &SyncFinish {
                    outcome,
                    fetched: window.fetched,
                    imported: window.imported,
                    skipped: window.skipped,
                    updated: window.updated,
                    ing_calls: window.requests,
                    error: result.as_ref().err().map(ToString::to_string),
                    watermark: contiguous.then_some(to.min(today)),
                    next_attempt_at,
                },
                now,
            )
            .await?;
        report.fetched += window.fetched;
        report.imported += window.imported;
        report.skipped += window.skipped;
        report.updated += window.updated;
        report.superseded += window.superseded;
        report.expired += window.expired;
        report.pages += window.pages;
        report.requests += window.requests;
        result
    }

    async fn fetch_and_import(
        &self,
        req: &TransactionSync,
        account: &storage::entity::account::Model,
        from: Date,
        to: Date,
        report: &mut SyncReport,
    ) -> Result<(), SyncError> {
        let counter = RequestCounter::new();
        let options = RequestOptions {
            psu_ip_address: req.psu_ip,
            counter: Some(counter.clone()),
        };
        let connection_id = connection_of(account)?;
        let mut token = self.access_token(connection_id).await?;
        let mut refreshed = false;
        // After a refresh the pages are fetched again from the first; pages already stored are
        // skipped by their keys, so nothing counts twice.
        loop {
            let mut seen_pending = Vec::new();
            let rejected = self
                .import_pages(
                    &token,
                    req,
                    account,
                    (from, to),
                    &options,
                    &counter,
                    &mut seen_pending,
                    report,
                )
                .await?;
            if !rejected {
                // The bank's list of pending entries is the truth: one it still lists was not
                // booked (whatever a similar booking suggested), one it no longer lists is gone.
                let restored = self
                    .db
                    .restore_listed_pending(account.id, &seen_pending)
                    .await?;
                report.superseded = report.superseded.saturating_sub(restored);
                report.expired += self
                    .db
                    .expire_unseen_pending(account.id, from, to, &seen_pending)
                    .await?;
                return Ok(());
            }
            if refreshed {
                return Err(self
                    .bank_failure(
                        connection_id,
                        ing_psd2::Error::Unauthorized {
                            code: "TOKEN_INVALID".into(),
                            message: "refused right after a refresh".into(),
                        },
                    )
                    .await?);
            }
            refreshed = true;
            token = self.refresh_tokens(connection_id, Some(&token)).await?;
        }
    }

    /// Fetches and stores pages until the end; `Ok(true)` when ING refused the access token.
    #[allow(
        clippy::too_many_arguments,
        reason = "one call site; the pieces of one window's fetch"
    )]
    async fn import_pages(
        &self,
        token: &ing_psd2::AccessToken,
        req: &TransactionSync,
        account: &storage::entity::account::Model,
        (date_from, date_to): (Date, Date),
        options: &RequestOptions,
        counter: &RequestCounter,
        seen_pending: &mut Vec<String>,
        report: &mut SyncReport,
    ) -> Result<bool, SyncError> {
        let unattended = req.psu_ip.is_none();
        let query = TransactionQuery {
            date_from,
            date_to,
            limit: self.policy.page_size,
        };
        // The account list's link when an account sync stored one (ING's own parameters such as
        // `currency=` kept); the path built from the resource id otherwise.
        let pages =
            match account.transactions_link.as_deref() {
                Some(href) => futures::future::Either::Left(
                    self.client
                        .transaction_pages_via_link(token, href, &query, options.clone()),
                ),
                None => futures::future::Either::Right(self.client.transaction_pages(
                    token,
                    &account.resource_id,
                    &query,
                    options.clone(),
                )),
            };
        futures::pin_mut!(pages);
        loop {
            if req
                .stop
                .as_ref()
                .is_some_and(CancellationToken::is_cancelled)
            {
                return Err(SyncError::Stopped);
            }
            counter.set_limit(if unattended {
                Some(self.allowance_left(account.id).await?)
            } else {
                None
            });
            let page = pages.next().await;
            let sent = counter.take();
            self.db
                .record_ing_calls(account.id, sent, !unattended, self.now())
                .await?;
            report.requests += sent;
            let Some(page) = page else {
                return Ok(false);
            };
            let page = match page {
                Ok(p) => p,
                Err(ing_psd2::Error::Unauthorized { .. }) => return Ok(true),
                Err(ing_psd2::Error::RequestLimit) => {
                    return Err(SyncError::BudgetExhausted {
                        budget: self.policy.daily_budget,
                    });
                }
                Err(e) => return Err(self.bank_failure(connection_of(account)?, e).await?),
            };
            report.pages += 1;
            let rows = page_rows(&page)?;
            report.fetched += rows.len() as u64;
            let keys = storage::dedupe_keys(&rows);
            seen_pending.extend(
                rows.iter()
                    .zip(keys)
                    .filter(|(t, _)| t.status == BookingStatus::Pending)
                    .map(|(_, k)| k),
            );
            let counts = self.db.import_page(account.id, &rows).await?;
            report.imported += counts.inserted;
            report.skipped += counts.skipped;
            report.updated += counts.updated;
            report.superseded += counts.superseded;
        }
    }

    /// Unattended requests the account may still send in the rolling 24 hours.
    pub(crate) async fn allowance_left(&self, account_id: i64) -> Result<u64, SyncError> {
        let since = self.now() - Duration::hours(24);
        let used = self.db.unattended_calls_since(account_id, since).await?;
        Ok(u64::from(self.policy.daily_budget).saturating_sub(used))
    }

    /// Waits for nothing: takes this process's and the database's turn for a user-started
    /// sync of the account, or says why not.
    async fn user_sync_turn(&self, account_id: i64) -> Result<(), SyncError> {
        {
            let mut running = self.user_syncs.lock().map_err(|_| {
                SyncError::Internal("the user-sync registry lock is poisoned".into())
            })?;
            if !running.insert(account_id) {
                return Err(SyncError::Busy(format!(
                    "a sync of account {account_id} is already running; wait for it to finish"
                )));
            }
        }
        let refused = self.check_user_sync(account_id).await;
        if refused.is_err() {
            self.forget_user_sync(account_id);
        }
        refused
    }

    async fn check_user_sync(&self, account_id: i64) -> Result<(), SyncError> {
        let now = self.now();
        if let Some(last) = self
            .db
            .last_run_started(account_id, SyncTrigger::User)
            .await?
        {
            let next = last + self.policy.user_sync_min_interval;
            if next > now {
                return Err(SyncError::TooSoon {
                    retry_after: std::time::Duration::from_secs(
                        u64::try_from((next - now).whole_seconds())
                            .unwrap_or(0)
                            .max(1),
                    ),
                });
            }
        }
        // The lease keeps the worker and other server processes out while this sync runs.
        let owner = user_lease_owner(account_id);
        if !self
            .db
            .try_lease(account_id, &owner, USER_LEASE, now)
            .await?
        {
            return Err(SyncError::Busy(format!(
                "account {account_id} is being synced by the worker; try again in a few minutes"
            )));
        }
        self.db.abort_orphaned_runs(account_id, now).await?;
        Ok(())
    }

    async fn end_user_sync(&self, account_id: i64) {
        if let Err(e) = self
            .db
            .release_lease(account_id, &user_lease_owner(account_id))
            .await
        {
            tracing::warn!(account = account_id, error = %e, "could not release the lease; it expires by itself");
        }
        self.forget_user_sync(account_id);
    }

    fn forget_user_sync(&self, account_id: i64) {
        if let Ok(mut running) = self.user_syncs.lock() {
            running.remove(&account_id);
        }
    }

    /// Turns a bank error met mid-sync into ours, expiring the connection when the consent is
    /// gone.
    pub(crate) async fn bank_failure(
        &self,
        connection_id: &str,
        e: ing_psd2::Error,
    ) -> Result<SyncError, SyncError> {
        if matches!(
            e,
            ing_psd2::Error::ConsentExpired(_) | ing_psd2::Error::Unauthorized { .. }
        ) {
            let reason = format!("ING refused the consent: {e}");
            self.db
                .set_connection_status(
                    connection_id,
                    storage::ConnectionStatus::Expired,
                    Some(&reason),
                )
                .await?;
            return Ok(SyncError::ConsentExpired(format!(
                "{reason}; reconnect the bank"
            )));
        }
        Ok(e.into())
    }
}

/// The lease term of a user-started sync (renewed while it runs); a crashed server's syncs are
/// taken over after it.
const USER_LEASE: Duration = Duration::minutes(10);

/// The lease owner of user-started syncs of an account in this process.
fn user_lease_owner(account_id: i64) -> String {
    format!("user-{}-{account_id}", std::process::id())
}

#[cfg(test)]
mod tests {
    use super::windows;
    use time::macros::date;

    #[test]
    fn windows_cover_the_range_oldest_first_without_gaps() {
        let w = windows(date!(2026 - 01 - 01), date!(2026 - 01 - 31), 14);
        assert_eq!(
            w,
            vec![
                (date!(2026 - 01 - 01), date!(2026 - 01 - 14)),
                (date!(2026 - 01 - 15), date!(2026 - 01 - 28)),
                (date!(2026 - 01 - 29), date!(2026 - 01 - 31)),
            ]
        );
        assert_eq!(
            windows(date!(2026 - 01 - 01), date!(2026 - 01 - 01), 0),
            vec![(date!(2026 - 01 - 01), date!(2026 - 01 - 01))]
        );
    }
}
