//! One unattended pass over every connection: consent lifecycle, token refresh, transactions
//! from the watermark minus an overlap, balances — within PSD2's daily budget, one worker per
//! account at a time — then one reconciliation of everything the pass brought in.
//!
//! The pass is the worker binary's whole job; it lives here so tests drive it exactly as the
//! binary does.
//!
//! A worker holds an account's lease while it syncs it and renews it a third of the way through
//! each term, so a sync longer than one term is never taken over by a second worker; if the
//! renewal finds the lease gone (this process stalled past its end) the sync stops before its
//! next page. Whoever takes a lease marks the account's runs still `running` as `aborted`: their
//! process died without ending them.

use futures::StreamExt as _;
use time::Duration;
use tokio_util::sync::CancellationToken;

use crate::error::SyncError;
use crate::reconciliation::ReconcileSummary;
use crate::service::BankSync;
use crate::transactions::TransactionSync;

/// How a pass behaves.
#[derive(Debug, Clone)]
pub struct PassOptions {
    /// This worker's name in leases (host and process id, say).
    pub owner: String,
    /// How long a lease lasts; a dead worker's accounts are taken over after it.
    pub lease_ttl: Duration,
    /// Days before the watermark fetched again (late and back-dated bookings, changed entries,
    /// pending entries that booked or vanished).
    pub overlap_days: i64,
    /// Days of history for an account never synced.
    pub initial_days: i64,
    /// Connections within this of their consent's end are reported as expiring.
    pub expiry_warning: Duration,
    /// An account synced up to today successfully less than this ago is left for the next
    /// cycle, so that several workers sync each account once per cycle.
    pub fresh_for: Duration,
    /// Shutdown: finish the page in flight, release leases, stop.
    pub stop: CancellationToken,
    /// Accounts synced at the same time on PostgreSQL (SQLite, with its single writer, syncs one
    /// at a time). A bank answers in 100–300 ms, so one account after another leaves the worker
    /// waiting; each account is still synced by one task at a time (its lease) and within its
    /// own daily allowance.
    pub concurrency: usize,
}

impl Default for PassOptions {
    fn default() -> Self {
        Self {
            owner: format!("worker-{}", std::process::id()),
            lease_ttl: Duration::minutes(10),
            overlap_days: 10,
            initial_days: 90,
            expiry_warning: Duration::days(14),
            fresh_for: Duration::hours(5),
            stop: CancellationToken::new(),
            concurrency: 4,
        }
    }
}

/// What happened to one account in a pass.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AccountResult {
    /// Synced.
    Synced {
        /// New transactions.
        imported: u64,
        /// Entries fetched.
        fetched: u64,
    },
    /// Another worker holds it.
    Leased,
    /// Synced recently (by this or another worker) in this cycle.
    Fresh,
    /// Waiting for the bank's `Retry-After` or the next budget slot.
    BackingOff,
    /// The daily budget is used up.
    BudgetExhausted,
    /// The bank said 429 / access exceeded; nothing lost, the window is fetched again later.
    RateLimited,
    /// The consent ended: the connection is marked expired and no longer called.
    ConsentExpired,
    /// Shutdown came first.
    Stopped,
    /// Something else; the message is in the sync run.
    Failed(String),
}

/// One account's line in the pass report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountReport {
    /// Account id.
    pub account_id: i64,
    /// IBAN (for people).
    pub iban: Option<String>,
    /// Outcome.
    pub result: AccountResult,
}

/// The pass's one reconciliation, after its accounts were synced.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum PassReconciliation {
    /// No account was synced or found fresh: nothing to match.
    #[default]
    NotNeeded,
    /// The accounts' new payments were matched in one matcher run.
    Done(ReconcileSummary),
    /// The matcher run or its commit failed; nothing of it was stored, and the next pass (or the
    /// account found fresh) matches the same payments again.
    Failed(String),
}

/// What a pass did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PassReport {
    /// Connections moved to expiring or expired by the consent clock.
    pub consent_changes: u64,
    /// Connections within the warning period (reconnect soon).
    pub expiring: Vec<String>,
    /// Per account.
    pub accounts: Vec<AccountReport>,
    /// The reconciliation of everything the pass brought in.
    pub reconciliation: PassReconciliation,
}

impl PassReport {
    /// Accounts with this outcome kind.
    pub fn count(&self, f: impl Fn(&AccountResult) -> bool) -> usize {
        self.accounts.iter().filter(|a| f(&a.result)).count()
    }
}

impl BankSync {
    /// One pass over every connection that may sync. `progress` hears about each account as it
    /// starts (for a progress bar); errors of one account never stop the others.
    pub async fn run_pass(
        &self,
        opts: &PassOptions,
        mut progress: impl FnMut(usize, usize, &storage::entity::account::Model),
    ) -> Result<PassReport, SyncError> {
        let now = self.now();
        let mut report = PassReport {
            consent_changes: self
                .db
                .refresh_consent_statuses(now, opts.expiry_warning)
                .await?,
            ..PassReport::default()
        };
        let mut work = Vec::new();
        for c in self.db.connections().await? {
            let status = c.status;
            if status == storage::ConnectionStatus::Expiring {
                tracing::warn!(
                    connection = %c.id,
                    valid_until = ?c.consent_valid_until,
                    "consent ends soon: the user must reconnect the bank"
                );
                report.expiring.push(c.id.clone());
            }
            if !status.may_sync() {
                continue;
            }
            for a in self.db.accounts_of(&c.id).await? {
                work.push((c.clone(), a));
            }
        }
        let total = work.len();
        // Up to `concurrency` accounts at once; each starts when a slot frees, in order. SQLite
        // has one writer, and a sync's read-then-write transactions would meet "database is
        // locked" there: side by side needs PostgreSQL.
        let concurrency = if self.db.is_postgres() {
            opts.concurrency.max(1)
        } else {
            1
        };
        let mut done: Vec<(usize, Option<Result<AccountReport, SyncError>>)> =
            futures::stream::iter(work.into_iter().enumerate())
                .map(|(i, (connection, account))| {
                    progress(i, total, &account);
                    async move { (i, self.account_in_pass(opts, &connection, account).await) }
                })
                .buffer_unordered(concurrency)
                .collect()
                .await;
        done.sort_by_key(|(i, _)| *i);
        for line in done.into_iter().filter_map(|(_, line)| line) {
            report.accounts.push(line?);
        }
        report.reconciliation = self.reconcile_pass(&report.accounts).await;
        Ok(report)
    }

    /// Matches what the pass brought in, once for all its accounts: loading every open invoice
    /// and building the matcher's index is the costly part, and one run over all the new
    /// payments also weighs payments of different accounts that compete for one invoice. The
    /// accounts found fresh are included: a worker killed between its sync and the matcher left
    /// their new payments unmatched, and they are matched now, on the same data.
    async fn reconcile_pass(&self, accounts: &[AccountReport]) -> PassReconciliation {
        let ids: Vec<i64> = accounts
            .iter()
            .filter(|a| {
                matches!(
                    a.result,
                    AccountResult::Synced { .. } | AccountResult::Fresh
                )
            })
            .map(|a| a.account_id)
            .collect();
        if ids.is_empty() {
            return PassReconciliation::NotNeeded;
        }
        match self
            .reconcile_accounts(&ids, storage::MatchMethod::Auto.as_str())
            .await
        {
            Ok(summary) => PassReconciliation::Done(summary),
            Err(e) => {
                tracing::error!(accounts = ids.len(), error = %e, "the pass's reconciliation failed");
                PassReconciliation::Failed(e.to_string())
            }
        }
    }

    /// One account of a pass, unless the pass is stopping or the connection can no longer sync.
    async fn account_in_pass(
        &self,
        opts: &PassOptions,
        connection: &storage::entity::connection::Model,
        account: storage::entity::account::Model,
    ) -> Option<Result<AccountReport, SyncError>> {
        if opts.stop.is_cancelled() {
            return None;
        }
        // Another account of this connection may have found the consent gone.
        let current = match self.db.find_connection(&connection.id).await {
            Ok(c) => c,
            Err(e) => return Some(Err(e.into())),
        };
        if !current.as_ref().is_some_and(|c| c.status.may_sync()) {
            return None;
        }
        let result = self.pass_account(opts, connection, &account).await;
        Some(Ok(AccountReport {
            account_id: account.id,
            iban: account.iban.clone(),
            result,
        }))
    }

    async fn pass_account(
        &self,
        opts: &PassOptions,
        connection: &storage::entity::connection::Model,
        account: &storage::entity::account::Model,
    ) -> AccountResult {
        let now = self.now();
        match self
            .db
            .try_lease(account.id, &opts.owner, opts.lease_ttl, now)
            .await
        {
            Ok(true) => {}
            Ok(false) => return AccountResult::Leased,
            Err(e) => return AccountResult::Failed(e.to_string()),
        }
        match self.db.abort_orphaned_runs(account.id, now).await {
            Ok(0) => {}
            Ok(n) => tracing::warn!(
                account = account.id,
                runs = n,
                "runs of a stopped process marked aborted"
            ),
            Err(e) => return AccountResult::Failed(e.to_string()),
        }
        // The sync stops at its next page if the lease is lost, and with the whole pass.
        let stop = opts.stop.child_token();
        let renewal = tokio::spawn(self.clone().keep_lease(
            account.id,
            opts.owner.clone(),
            opts.lease_ttl,
            stop.clone(),
        ));
        let result = self
            .sync_leased(opts, connection, account, stop.clone())
            .await;
        renewal.abort();
        if let Err(e) = self.db.release_lease(account.id, &opts.owner).await {
            tracing::warn!(account = account.id, error = %e, "could not release the lease; it expires by itself");
        }
        result
    }

    /// Renews the lease every third of its term until aborted; cancels `lost` when the lease
    /// is no longer ours.
    pub(crate) async fn keep_lease(
        self,
        account_id: i64,
        owner: String,
        ttl: Duration,
        lost: CancellationToken,
    ) {
        let every = std::time::Duration::from_millis(
            u64::try_from((ttl / 3_i32).whole_milliseconds())
                .unwrap_or(1000)
                .max(100),
        );
        loop {
            tokio::time::sleep(every).await;
            match self
                .db
                .renew_lease(account_id, &owner, ttl, self.now())
                .await
            {
                Ok(true) => {}
                Ok(false) => {
                    tracing::warn!(
                        account = account_id,
                        "lease lost to another worker; stopping this account's sync"
                    );
                    lost.cancel();
                    return;
                }
                Err(e) => {
                    tracing::warn!(account = account_id, error = %e, "could not renew the lease; trying again")
                }
            }
        }
    }

    async fn sync_leased(
        &self,
        opts: &PassOptions,
        connection: &storage::entity::connection::Model,
        account: &storage::entity::account::Model,
        stop: CancellationToken,
    ) -> AccountResult {
        let now = self.now();
        let state = match self.db.sync_state(account.id).await {
            Ok(s) => s,
            Err(e) => return AccountResult::Failed(e.to_string()),
        };
        if state
            .as_ref()
            .and_then(|s| s.next_attempt_at)
            .is_some_and(|t| t > now)
        {
            return AccountResult::BackingOff;
        }
        // Fresh: synced this cycle and complete up to today. A backfill that stopped at the
        // allowance has recent successful windows but is not complete: it continues.
        if state.as_ref().is_some_and(|s| {
            s.last_success_at.is_some_and(|t| t > now - opts.fresh_for)
                && s.watermark.is_some_and(|w| w >= now.date())
        }) {
            // Its payments are matched with the pass's (see `reconcile_pass`).
            return AccountResult::Fresh;
        }
        let today = now.date();
        let from = state
            .as_ref()
            .and_then(|s| s.watermark)
            .map_or(today - Duration::days(opts.initial_days), |w| {
                w - Duration::days(opts.overlap_days)
            });
        let sync = self
            .sync_transactions(&TransactionSync {
                account_id: account.id,
                date_from: from.min(today),
                date_to: today,
                // Matched once for the whole pass, after every account (`reconcile_pass`).
                auto_reconcile: false,
                trigger: storage::SyncTrigger::Worker,
                psu_ip: None,
                stop: Some(stop),
            })
            .await;
        let (imported, fetched) = match sync {
            Ok(r) => (r.imported, r.fetched),
            Err(e) => return classify(account.id, e),
        };
        // Balances only with budget left: transactions come first.
        if connection.scopes.contains(ing_psd2::SCOPE_BALANCES)
            && self.allowance_left(account.id).await.unwrap_or(0) > 0
            && let Err(e) = self.sync_balances(connection, account, None).await
        {
            tracing::warn!(account = account.id, error = %e, "balances not fetched");
        }
        AccountResult::Synced { imported, fetched }
    }
}

fn classify(account_id: i64, e: SyncError) -> AccountResult {
    match e {
        SyncError::RateLimited { .. } => {
            tracing::warn!(account = account_id, error = %e, "rate limited; backing off");
            AccountResult::RateLimited
        }
        SyncError::BudgetExhausted { .. } => AccountResult::BudgetExhausted,
        SyncError::ConsentExpired(_) => {
            tracing::warn!(account = account_id, error = %e, "consent expired; connection stopped");
            AccountResult::ConsentExpired
        }
        SyncError::Stopped => AccountResult::Stopped,
        other => {
            tracing::error!(account = account_id, error = %other, "sync failed");
            AccountResult::Failed(other.to_string())
        }
    }
}
