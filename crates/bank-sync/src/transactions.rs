//! Transaction sync: every page of a window, each written in one database transaction before
//! the next is fetched; the run recorded, the watermark advanced only when all of it committed.

use std::net::IpAddr;

use futures::StreamExt as _;
use ing_psd2::{RequestOptions, TransactionQuery};
use storage::{BookingStatus, NewTransaction, SyncFinish, SyncOutcome, SyncTrigger};
use time::{Date, OffsetDateTime};

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
    /// The user's address (user-started syncs only).
    pub psu_ip: Option<IpAddr>,
    /// Checked before each page: a shutdown lets the page in flight finish and stops there.
    pub stop: Option<tokio_util::sync::CancellationToken>,
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
    /// The sync run's id.
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
        .map_err(|e| SyncError::Bank(format!("cannot keep the raw transaction: {e}")))?;
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

impl BankSync {
    /// Syncs one account's window. The run is recorded whatever happens; pages committed before
    /// a failure stay, and the watermark moves only on success.
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
            .find_connection(&account.connection_id)
            .await?
            .ok_or_else(|| SyncError::NotFound(format!("connection of account {}", account.id)))?;
        if !storage::ConnectionStatus::parse(&connection.status)?.may_sync() {
            return Err(SyncError::ConsentExpired(format!(
                "the connection is {}; reconnect the bank",
                connection.status
            )));
        }
        let run_id = self
            .db
            .start_sync_run(
                account.id,
                req.trigger,
                Some(req.date_from),
                Some(req.date_to),
            )
            .await?;
        let mut report = SyncReport {
            run_id,
            ..SyncReport::default()
        };
        let result = self.fetch_and_import(req, &account, &mut report).await;
        let today = OffsetDateTime::now_utc().date();
        let (outcome, error, next_attempt_at) = match &result {
            Ok(()) => (SyncOutcome::Succeeded, None, None),
            Err(SyncError::RateLimited { retry_after, .. }) => (
                SyncOutcome::RateLimited,
                result.as_ref().err().map(ToString::to_string),
                // Without `Retry-After`, an hour: never a storm of retries.
                Some(
                    OffsetDateTime::now_utc()
                        + retry_after.map_or(time::Duration::hours(1), |d| {
                            time::Duration::seconds(
                                i64::try_from(d.as_secs()).unwrap_or(i64::MAX / 2),
                            )
                        }),
                ),
            ),
            Err(SyncError::ConsentExpired(_)) => (
                SyncOutcome::ConsentExpired,
                result.as_ref().err().map(ToString::to_string),
                None,
            ),
            Err(e @ SyncError::BudgetExhausted { .. }) => {
                (SyncOutcome::RateLimited, Some(e.to_string()), None)
            }
            Err(e) => (SyncOutcome::Failed, Some(e.to_string()), None),
        };
        self.db
            .finish_sync_run(
                run_id,
                &SyncFinish {
                    outcome,
                    fetched: report.fetched,
                    imported: report.imported,
                    skipped: report.skipped,
                    updated: report.updated,
                    ing_calls: report.pages,
                    error,
                    watermark: Some(req.date_to.min(today)),
                    next_attempt_at,
                },
            )
            .await?;
        result?;
        if req.auto_reconcile {
            let r = self.reconcile(Some(account.id), "auto").await?;
            report.auto_reconciled = r.auto_matched;
            report.suggested = r.suggested;
        }
        tracing::info!(
            account = account.id,
            run = run_id,
            fetched = report.fetched,
            imported = report.imported,
            skipped = report.skipped,
            updated = report.updated,
            pages = report.pages,
            "transactions synced"
        );
        Ok(report)
    }

    async fn fetch_and_import(
        &self,
        req: &TransactionSync,
        account: &storage::entity::account::Model,
        report: &mut SyncReport,
    ) -> Result<(), SyncError> {
        let unattended = req.trigger == SyncTrigger::Worker;
        let options = RequestOptions {
            psu_ip_address: if unattended { None } else { req.psu_ip },
        };
        let mut token = self.access_token(&account.connection_id).await?;
        let mut refreshed = false;
        // After a refresh the pages are fetched again from the first; pages already stored are
        // skipped by their keys, so nothing counts twice.
        loop {
            let rejected = self
                .import_pages(&token, req, account, options, unattended, report)
                .await?;
            if !rejected {
                return Ok(());
            }
            if refreshed {
                return Err(self
                    .bank_failure(
                        &account.connection_id,
                        ing_psd2::Error::Unauthorized {
                            code: "TOKEN_INVALID".into(),
                            message: "refused right after a refresh".into(),
                        },
                    )
                    .await?);
            }
            refreshed = true;
            token = self
                .refresh_tokens(&account.connection_id, Some(&token))
                .await?;
        }
    }

    /// Fetches and stores pages until the end; `Ok(true)` when ING refused the access token.
    async fn import_pages(
        &self,
        token: &ing_psd2::AccessToken,
        req: &TransactionSync,
        account: &storage::entity::account::Model,
        options: RequestOptions,
        unattended: bool,
        report: &mut SyncReport,
    ) -> Result<bool, SyncError> {
        let query = TransactionQuery {
            date_from: req.date_from,
            date_to: req.date_to,
            limit: self.policy.page_size,
        };
        let pages = self
            .client
            .transaction_pages(token, &account.resource_id, &query, options);
        futures::pin_mut!(pages);
        loop {
            if req.stop.as_ref().is_some_and(|s| s.is_cancelled()) {
                return Err(SyncError::Stopped);
            }
            if unattended {
                self.check_budget(account.id).await?;
            }
            let Some(page) = pages.next().await else {
                return Ok(false);
            };
            let page = match page {
                Ok(p) => p,
                Err(ing_psd2::Error::Unauthorized { .. }) => return Ok(true),
                Err(e) => return Err(self.bank_failure(&account.connection_id, e).await?),
            };
            self.db
                .record_ing_call(account.id, !unattended, OffsetDateTime::now_utc())
                .await?;
            report.pages += 1;
            let rows = page_rows(&page)?;
            report.fetched += rows.len() as u64;
            let counts = self.db.import_page(account.id, &rows).await?;
            report.imported += counts.inserted;
            report.skipped += counts.skipped;
            report.updated += counts.updated;
            report.superseded += counts.superseded;
        }
    }

    async fn check_budget(&self, account_id: i64) -> Result<(), SyncError> {
        let since = OffsetDateTime::now_utc() - time::Duration::hours(24);
        let used = self.db.unattended_calls_since(account_id, since).await?;
        if used >= u64::from(self.policy.daily_budget) {
            return Err(SyncError::BudgetExhausted {
                budget: self.policy.daily_budget,
            });
        }
        Ok(())
    }

    /// Turns a bank error met mid-sync into ours, expiring the connection when the consent is
    /// gone.
    async fn bank_failure(
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
